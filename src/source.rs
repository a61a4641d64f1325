//! Source files and byte spans.
//!
//! Every stage refers to text through a [`Loc`] (file and byte span), so that
//! diagnostics from any stage point at the policy writer's own text.

use std::path::{Path, PathBuf};

use codespan_reporting::files::SimpleFiles;
use serde::Serialize;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// A half-open byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A span in a particular file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

impl Loc {
    pub fn new(file: FileId, span: Span) -> Self {
        Loc { file, span }
    }
}

/// The files read in one run: their display names, paths and text.
#[derive(Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    paths: Vec<Option<PathBuf>>,
    /// Per file, [`CharIndex`] for columns.
    chars: Vec<CharIndex>,
}

/// The number of characters before every [`CharIndex::BLOCK`]-th byte of a file, so
/// that a column is counted from the nearest block rather than from the start of its
/// line: a diagnostic per name on one line of megabytes would otherwise count the
/// line once per diagnostic.
#[derive(Default)]
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

    /// Adds a file's text; `path` is where it was read from, if anywhere.
    pub fn add(&mut self, name: impl Into<String>, path: Option<PathBuf>, text: String) -> FileId {
        self.paths.push(path);
        self.chars.push(CharIndex::new(&text));
        self.files.add(name.into(), text)
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

/// Where files come from: the disk, or an editor's unsaved buffers (the language server).
pub trait FileSystem {
    /// Reads a file someone asked for by name (on the command line, say), whatever it
    /// is: `policyc check /dev/stdin` reads a pipe.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;

    /// Reads a file that a policy names with `use`. Where files can be pipes or devices,
    /// only a regular file may be read so: opening a named pipe that nothing writes to
    /// waits forever, so a `use` of one would hang the checker (and the language server,
    /// which checks as the user types).
    fn read_used(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.read(path)
    }
}

/// The real file system.
pub struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if meta.is_dir() {
            return Err(std::io::Error::other("is a folder, not a file"));
        }
        // Read one byte past the limit at most, so a huge file is refused without
        // being loaded whole.
        use std::io::Read;
        let mut buf = Vec::new();
        std::fs::File::open(path)?
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut buf)?;
        Ok(buf)
    }

    fn read_used(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_dir() && !meta.is_file() {
            return Err(std::io::Error::other(
                "not a regular file (a pipe or a device)",
            ));
        }
        self.read(path)
    }
}

/// Files larger than this are refused (`E0003`).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Reads a file into `sources`, or explains why it cannot be used.
///
/// `name` is how the file is shown in diagnostics; `at` is the `use` that names the
/// file, if any: a diagnostic points there, and it must be a regular file
/// ([`FileSystem::read_used`]).
pub fn load(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    name: &str,
    at: Option<Loc>,
) -> Result<FileId, crate::diagnostics::Diagnostic> {
    use crate::diagnostics::{Code, Diagnostic};
    let with_at = |d: Diagnostic, msg: &str| match at {
        Some(loc) => d.primary(loc, msg.to_string()),
        None => d,
    };
    let read = match at {
        Some(_) => fs.read_used(path),
        None => fs.read(path),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(Code::E0001, format!("cannot read `{name}`: {e}"));
            return Err(with_at(d, "this file cannot be read"));
        }
    };
    if bytes.len() > MAX_FILE_BYTES {
        let d = Diagnostic::error(Code::E0003, format!("`{name}` is larger than 8 MiB")).note(
            "policy files are limited to 8 MiB; split large policies into modules with `use`",
        );
        return Err(with_at(d, "this file is too large"));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(name, Some(path.to_path_buf()), text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Keep the valid prefix so the diagnostic can point at the first bad byte.
            let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned();
            let shown = format!("{prefix}\u{FFFD}");
            let id = sources.add(name, Some(path.to_path_buf()), shown);
            let d = Diagnostic::error(Code::E0002, format!("`{name}` is not valid UTF-8"))
                .primary(
                    Loc::new(id, Span::new(valid, valid + '\u{FFFD}'.len_utf8())),
                    format!("invalid UTF-8 at byte {valid}"),
                )
                .help("save the file as UTF-8");
            Err(d)
        }
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
