//! The files read in one run, and lines and columns in logarithmic time.

use std::path::{Path, PathBuf};

use codespan_reporting::files::SimpleFiles;

use super::{FileId, Loc};

/// The files read in one run: their display names, paths and text.
#[derive(Clone, Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    paths: Vec<Option<PathBuf>>,
    /// Per file, [`CharIndex`] for columns.
    chars: Vec<CharIndex>,
    /// Per file that holds control characters, its text as a diagnostic's snippet shows
    /// it ([`crate::terminal::same_length_visible`]).
    shown: Vec<Option<String>>,
}

/// `text` with every CR that is not followed by LF replaced by LF (byte for byte, so
/// offsets do not move).
pub fn lone_cr_as_lf(text: String) -> String {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return text;
    }
    let mut out = text.into_bytes();
    for i in 0..out.len() {
        if out.get(i) == Some(&b'\r') && out.get(i + 1) != Some(&b'\n') {
            if let Some(b) = out.get_mut(i) {
                *b = b'\n';
            }
        }
    }
    // ASCII for ASCII: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The number of characters before every [`CharIndex::BLOCK`]-th byte of a file, so
/// that a column is counted from the nearest block rather than from the start of its
/// line: a diagnostic per name on one line of megabytes would otherwise count the
/// line once per diagnostic.
#[derive(Clone, Default)]
struct CharIndex {
    before_block: Vec<usize>,
}

impl CharIndex {
    const BLOCK: usize = 256;

    fn new(text: &str) -> Self {
        let mut before_block = Vec::with_capacity(text.len() / Self::BLOCK + 1);
        let mut count = 0;
        for block in text.as_bytes().chunks(Self::BLOCK) {
            before_block.push(count);
            count += starts(block);
        }
        before_block.push(count);
        CharIndex { before_block }
    }

    /// How many characters start before byte `offset` of `text` (its column, less one,
    /// counted from the start of the file).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let block = offset / Self::BLOCK;
        let from = block * Self::BLOCK;
        let counted = self.before_block.get(block).copied().unwrap_or(0);
        counted + text.as_bytes().get(from..offset).map_or(0, starts)
    }
}

/// The characters that start in `bytes`: every byte but UTF-8 continuation bytes.
fn starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file's text; `path` is where it was read from, if anywhere. A line break
    /// that is a lone CR (old Mac files) is read as LF: every stage, and every line and
    /// column shown, then sees the lines an editor shows. It is the same length, so byte
    /// offsets are those of the file.
    pub fn add(&mut self, name: impl Into<String>, path: Option<PathBuf>, text: String) -> FileId {
        let text = lone_cr_as_lf(text);
        self.paths.push(path);
        self.chars.push(CharIndex::new(&text));
        self.shown.push(crate::terminal::same_length_visible(&text));
        self.files.add(name.into(), text)
    }

    /// The text of a file as a diagnostic's snippet shows it: its control characters
    /// replaced by visible ones of the same length, so offsets are the file's.
    pub fn shown_text(&self, id: FileId) -> &str {
        match self.shown.get(id) {
            Some(Some(t)) => t,
            _ => self.text(id),
        }
    }

    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.paths.get(id).and_then(|p| p.as_deref())
    }

    /// The file already added for `path`, if any.
    pub fn find_path(&self, path: &Path) -> Option<FileId> {
        self.paths.iter().position(|p| p.as_deref() == Some(path))
    }

    /// The text covered by a location (empty if out of range).
    pub fn slice(&self, loc: Loc) -> &str {
        self.text(loc.file).get(loc.span.range()).unwrap_or("")
    }

    /// One-based line and column (in characters) of a byte offset, in time logarithmic
    /// in the size of the file and independent of the length of the line.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        use codespan_reporting::files::Files;
        let offset = offset.min(self.text(id).len());
        let Ok(line) = self.files.line_index(id, offset) else {
            return (1, 1);
        };
        let line_start = self.files.line_range(id, line).map_or(0, |r| r.start);
        (line + 1, self.chars_between(id, line_start, offset) + 1)
    }

    /// How many characters start between two byte offsets of a file, in time
    /// independent of their distance.
    pub(crate) fn chars_between(&self, id: FileId, from: usize, to: usize) -> usize {
        let text = self.text(id);
        self.chars.get(id).map_or(0, |c| {
            c.chars_before(text, to)
                .saturating_sub(c.chars_before(text, from))
        })
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines and columns as the definition says: count the newlines before the offset,
    /// and the characters since the last one.
    fn naive(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        )
    }

    #[test]
    fn lines_and_columns_across_blocks_and_wide_characters() {
        // Lines of every length around the block size, of one- to four-byte characters.
        let mut text = String::new();
        for (k, c) in ['a', 'é', '∈', '🗻'].iter().cycle().take(12).enumerate() {
            let n = CharIndex::BLOCK * (k % 4) / c.len_utf8() + k * 37 + 1;
            text.extend(std::iter::repeat_n(*c, n));
            text.push('\n');
        }
        text.push_str("last line, no newline");
        let mut sources = Sources::new();
        let id = sources.add("t", None, text.clone());
        let mut checked = 0;
        for (offset, _) in text.char_indices().step_by(3).chain([(text.len(), ' ')]) {
            assert_eq!(
                sources.line_col(id, offset),
                naive(&text, offset),
                "at {offset}"
            );
            checked += 1;
        }
        assert!(checked > 1000, "{checked}");
        // Past the end: the end.
        assert_eq!(
            sources.line_col(id, text.len() + 9),
            naive(&text, text.len())
        );
        assert_eq!(sources.line_col(7, 0), (1, 1));
    }
}
