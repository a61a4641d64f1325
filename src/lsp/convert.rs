//! Between the library's byte offsets and paths and the protocol's positions (UTF-16
//! units, or UTF-8 bytes when negotiated) and `file:` URIs; and the edits of
//! incremental synchronisation.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

use crate::source::{FileId, Sources, Span};

/// How the client counts a position's `character`: UTF-16 code units unless it
/// negotiated UTF-8 (bytes) in `general.positionEncodings`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
}

impl Encoding {
    /// The units of this encoding in the characters that start in `bytes`.
    fn units(self, bytes: &[u8]) -> usize {
        match self {
            Encoding::Utf8 => bytes.len(),
            // Two for a four-byte character, none for a continuation byte, one otherwise.
            Encoding::Utf16 => bytes
                .iter()
                .map(|&b| match b {
                    0xF0.. => 2,
                    0x80..=0xBF => 0,
                    _ => 1,
                })
                .sum(),
        }
    }

    fn char_units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// The byte length of the line break at the start of `rest`, if one starts there: the
/// protocol's line breaks are `\n`, `\r\n` and `\r`.
fn line_break(rest: &[u8]) -> Option<usize> {
    match rest {
        [b'\r', b'\n', ..] => Some(2),
        [b'\r' | b'\n', ..] => Some(1),
        _ => None,
    }
}

/// Line starts of a text, to turn offsets into positions and back. It holds no text:
/// built once per file and kept with it, it is handed the same text on every call.
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    encoding: Encoding,
    /// The units before every [`UNITS_BLOCK`]-th byte: a position is counted from the
    /// nearest block, not from the start of its line, so a diagnostic per name on one
    /// line of megabytes does not count the line once per diagnostic.
    units_before_block: Vec<usize>,
}

const UNITS_BLOCK: usize = 256;

impl LineIndex {
    pub fn new(text: &str, encoding: Encoding) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(k) = bytes
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n' || b == b'\r'))
        {
            let at = i + k;
            let n = bytes.get(at..).and_then(line_break).unwrap_or(1);
            i = at + n;
            starts.push(i);
        }
        let units_before_block = match encoding {
            Encoding::Utf8 => Vec::new(),
            Encoding::Utf16 => {
                let mut v = Vec::with_capacity(text.len() / UNITS_BLOCK + 1);
                let mut count = 0;
                for block in bytes.chunks(UNITS_BLOCK) {
                    v.push(count);
                    count += encoding.units(block);
                }
                v.push(count);
                v
            }
        };
        LineIndex {
            starts,
            len: text.len(),
            encoding,
            units_before_block,
        }
    }

    /// The units before byte `offset` (utf-16: counted from the nearest block).
    fn units_before(&self, text: &str, offset: usize) -> usize {
        match self.encoding {
            Encoding::Utf8 => offset,
            Encoding::Utf16 => {
                let block = offset / UNITS_BLOCK;
                let from = block * UNITS_BLOCK;
                let counted = self.units_before_block.get(block).copied().unwrap_or(0);
                counted
                    + text
                        .as_bytes()
                        .get(from..offset)
                        .map_or(0, |b| self.encoding.units(b))
            }
        }
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col = self
            .units_before(text, offset)
            .saturating_sub(self.units_before(text, start));
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    /// The byte offset of a position in a request: a character past its line's end is
    /// its line's end, a line past the text the text's end, a position inside a
    /// character the end of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = usize::try_from(pos.line).unwrap_or(usize::MAX);
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = line_end(text, start);
        let line_text = text.get(start..end).unwrap_or("");
        let want = usize::try_from(pos.character).unwrap_or(usize::MAX);
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= want {
                return start + i;
            }
            units += self.encoding.char_units(c);
        }
        end
    }
}

/// The line indexes of a set of files, each built the first time it is needed and kept:
/// converting thousands of diagnostics or references reads each file once.
pub struct LineCache {
    encoding: Encoding,
    files: Vec<OnceCell<LineIndex>>,
}

impl LineCache {
    /// For the files of `sources` (files added to it later are not converted).
    pub fn new(sources: &Sources, encoding: Encoding) -> LineCache {
        LineCache {
            encoding,
            files: (0..sources.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    fn index(&self, sources: &Sources, file: FileId) -> Option<&LineIndex> {
        let cell = self.files.get(file)?;
        Some(cell.get_or_init(|| LineIndex::new(sources.text(file), self.encoding)))
    }

    pub fn range(&self, sources: &Sources, file: FileId, span: Span) -> Range {
        self.index(sources, file)
            .map(|li| li.range(sources.text(file), span))
            .unwrap_or_default()
    }

    pub fn offset(&self, sources: &Sources, file: FileId, pos: Position) -> usize {
        self.index(sources, file)
            .map_or(0, |li| li.offset(sources.text(file), pos))
    }
}

/// Where the line starting at byte `start` ends, its line break excluded.
fn line_end(text: &str, start: usize) -> usize {
    text.as_bytes()
        .get(start..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n' || b == b'\r'))
        .map_or(text.len(), |k| start + k)
}

/// The byte offset of a position in an edit, strictly: a character past its line's end
/// is its line's end (as the protocol says), but a line past the last one, or a
/// position inside a character (between the halves of a surrogate pair), is an error:
/// the client's text is not ours, and guessing would corrupt the document.
pub fn edit_offset(text: &str, pos: Position, encoding: Encoding) -> Result<usize, String> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for line in 0..pos.line {
        let end = line_end(text, start);
        match bytes.get(end..).and_then(line_break) {
            Some(n) => start = end + n,
            None => {
                return Err(format!(
                    "line {} is past the end of the document, whose last line is {line}",
                    pos.line
                ))
            }
        }
    }
    let end = line_end(text, start);
    let want = usize::try_from(pos.character).unwrap_or(usize::MAX);
    let mut units = 0;
    for (i, c) in text.get(start..end).unwrap_or("").char_indices() {
        if units == want {
            return Ok(start + i);
        }
        if units > want {
            break;
        }
        units += encoding.char_units(c);
    }
    if units <= want {
        return Ok(end);
    }
    Err(format!(
        "character {} of line {} falls inside a character",
        pos.character, pos.line
    ))
}

/// Applies one change of `textDocument/didChange` to `text`: a range replaced, or the
/// whole text when there is no range. On an error `text` is unchanged.
pub fn apply_change(
    text: &mut String,
    change: &lsp_types::TextDocumentContentChangeEvent,
    encoding: Encoding,
) -> Result<(), String> {
    let Some(range) = change.range else {
        text.clone_from(&change.text);
        return Ok(());
    };
    let start = edit_offset(text, range.start, encoding)?;
    let end = edit_offset(text, range.end, encoding)?;
    if end < start {
        return Err(format!(
            "the range {}:{}-{}:{} ends before it starts",
            range.start.line, range.start.character, range.end.line, range.end.character
        ));
    }
    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err("the range splits a character".into());
    }
    text.replace_range(start..end, &change.text);
    Ok(())
}

/// The path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    // `file:///path` (empty host) or `file://localhost/path`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let decoded = percent_decode(rest)?;
    Some(crate::source::normalize(Path::new(&decoded)))
}

/// The `file:` URI of a path (made absolute if needed).
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let abs = std::path::absolute(path).ok()?;
    let mut s = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests fail loudly"
)]
mod tests {
    use super::*;
    use lsp_types::TextDocumentContentChangeEvent;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\nxé𝄞z\n";
        let li = LineIndex::new(text, Encoding::Utf16);
        let z = text.find('z').unwrap();
        assert_eq!(li.position(text, z), Position::new(1, 4));
        assert_eq!(li.offset(text, Position::new(1, 4)), z);
        assert_eq!(li.offset(text, Position::new(0, 99)), 2);
        assert_eq!(li.offset(text, Position::new(9, 0)), text.len());
        let li = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(li.position(text, z), Position::new(1, 7));
        assert_eq!(li.offset(text, Position::new(1, 7)), z);
    }

    #[test]
    fn every_line_break_of_the_protocol_ends_a_line() {
        let text = "a\r\nb\rc\nd";
        let li = LineIndex::new(text, Encoding::Utf16);
        for (c, line) in [('a', 0), ('b', 1), ('c', 2), ('d', 3)] {
            let at = text.find(c).unwrap();
            assert_eq!(li.position(text, at), Position::new(line, 0));
            assert_eq!(li.offset(text, Position::new(line, 0)), at);
            // Past the end of a line is its end, before the line break.
            assert_eq!(li.offset(text, Position::new(line, 5)), at + 1);
        }
    }

    #[test]
    fn positions_on_long_lines_count_from_the_line_start() {
        // Lines across several blocks, of one- to four-byte characters.
        let mut text = String::new();
        for (k, c) in ['a', 'é', '∈', '𝄞'].iter().cycle().take(12).enumerate() {
            text.extend(std::iter::repeat_n(*c, UNITS_BLOCK * (k % 4) + k * 37 + 1));
            text.push('\n');
        }
        for enc in [Encoding::Utf16, Encoding::Utf8] {
            let li = LineIndex::new(&text, enc);
            for (offset, _) in text.char_indices().step_by(5).chain([(text.len(), ' ')]) {
                let before = &text[..offset];
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                let col = match enc {
                    Encoding::Utf16 => before[start..].encode_utf16().count(),
                    Encoding::Utf8 => offset - start,
                };
                let want = Position::new(before.matches('\n').count() as u32, col as u32);
                assert_eq!(li.position(&text, offset), want, "at {offset}");
                assert_eq!(li.offset(&text, want), offset);
                assert_eq!(edit_offset(&text, want, enc), Ok(offset));
            }
        }
    }

    fn change(range: (u32, u32, u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(range.0, range.1),
                Position::new(range.2, range.3),
            )),
            range_length: None,
            text: text.into(),
        }
    }

    fn edited(text: &str, range: (u32, u32, u32, u32), new: &str, enc: Encoding) -> String {
        let mut t = text.to_string();
        apply_change(&mut t, &change(range, new), enc).unwrap();
        t
    }

    #[test]
    fn ranged_changes_apply_in_utf16_units() {
        let u16 = Encoding::Utf16;
        // `é` is one unit, `𝄞` two (a surrogate pair), `∈` one.
        let text = "é𝄞x\n∈y\n";
        assert_eq!(edited(text, (0, 3, 0, 4), "X", u16), "é𝄞X\n∈y\n");
        assert_eq!(edited(text, (0, 1, 0, 3), "", u16), "éx\n∈y\n");
        assert_eq!(edited(text, (0, 0, 1, 1), "", u16), "y\n");
        assert_eq!(edited(text, (1, 1, 1, 2), "z", u16), "é𝄞x\n∈z\n");
        // Inserting at the very end, on the empty last line.
        assert_eq!(edited(text, (2, 0, 2, 0), "end", u16), "é𝄞x\n∈y\nend");
        // A character past the end of its line is the line's end.
        assert_eq!(edited(text, (0, 40, 0, 99), "!", u16), "é𝄞x!\n∈y\n");
        // Several changes in a row, each on the text the previous one left.
        let mut t = text.to_string();
        for c in [change((0, 0, 0, 1), "e"), change((0, 1, 0, 3), "")] {
            apply_change(&mut t, &c, u16).unwrap();
        }
        assert_eq!(t, "ex\n∈y\n");
    }

    #[test]
    fn ranged_changes_apply_in_utf8_bytes() {
        let u8 = Encoding::Utf8;
        let text = "é𝄞x\n";
        assert_eq!(edited(text, (0, 6, 0, 7), "X", u8), "é𝄞X\n");
        assert_eq!(edited(text, (0, 2, 0, 6), "", u8), "éx\n");
        let mut t = text.to_string();
        let err = apply_change(&mut t, &change((0, 1, 0, 2), ""), u8).unwrap_err();
        assert!(err.contains("inside a character"), "{err}");
        assert_eq!(t, text);
    }

    #[test]
    fn changes_keep_crlf_line_breaks_whole() {
        let u16 = Encoding::Utf16;
        let text = "ab\r\ncd\r\n";
        // Past the end of line 0 is before its `\r\n`, never between `\r` and `\n`.
        assert_eq!(edited(text, (0, 2, 0, 9), "!", u16), "ab!\r\ncd\r\n");
        assert_eq!(edited(text, (0, 2, 1, 0), " ", u16), "ab cd\r\n");
        assert_eq!(edited(text, (1, 2, 2, 0), "", u16), "ab\r\ncd");
        assert_eq!(edited(text, (2, 0, 2, 0), "e", u16), "ab\r\ncd\r\ne");
        // A lone `\r` is a line break too.
        assert_eq!(edited("a\rb", (1, 0, 1, 1), "c", u16), "a\rc");
    }

    #[test]
    fn changes_that_cannot_apply_leave_the_text_alone() {
        let u16 = Encoding::Utf16;
        let text = "a𝄞b\nc\n";
        for (range, want) in [
            ((0, 2, 0, 2), "inside a character"),
            ((0, 0, 0, 2), "inside a character"),
            ((3, 0, 3, 0), "past the end"),
            ((0, 0, 9, 0), "past the end"),
            ((1, 1, 0, 1), "ends before it starts"),
            ((u32::MAX, u32::MAX, u32::MAX, u32::MAX), "past the end"),
        ] {
            let mut t = text.to_string();
            let err = apply_change(&mut t, &change(range, "X"), u16).unwrap_err();
            assert!(err.contains(want), "{range:?}: {err}");
            assert_eq!(t, text);
        }
        // No range: the whole text.
        let mut t = text.to_string();
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "new".into(),
        };
        apply_change(&mut t, &whole, u16).unwrap();
        assert_eq!(t, "new");
    }

    #[test]
    fn uris_round_trip_paths_with_spaces() {
        let p = Path::new("/tmp/my policies/a b.policy");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20policies/a%20b.policy");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
    }
}
