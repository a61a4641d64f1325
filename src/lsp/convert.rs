//! Between the library's byte offsets and paths and the protocol's UTF-16 positions
//! and `file:` URIs.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};

use crate::source::Span;

/// Line starts of a text, to turn offsets into positions and back.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The UTF-16 units before every [`UNITS_BLOCK`]-th byte: a position is counted
    /// from the nearest block, not from the start of its line, so a diagnostic per
    /// name on one line of megabytes does not count the line once per diagnostic.
    units_before_block: Vec<usize>,
}

const UNITS_BLOCK: usize = 256;

/// The UTF-16 units of the characters that start in `bytes`: two for a four-byte
/// character, none for a continuation byte, one otherwise.
fn units(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| match b {
            0xF0.. => 2,
            0x80..=0xBF => 0,
            _ => 1,
        })
        .sum()
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut units_before_block = Vec::with_capacity(text.len() / UNITS_BLOCK + 1);
        let mut count = 0;
        for block in text.as_bytes().chunks(UNITS_BLOCK) {
            units_before_block.push(count);
            count += units(block);
        }
        units_before_block.push(count);
        LineIndex {
            text,
            starts,
            units_before_block,
        }
    }

    /// The UTF-16 units before byte `offset`.
    fn units_before(&self, offset: usize) -> usize {
        let block = offset / UNITS_BLOCK;
        let from = block * UNITS_BLOCK;
        let counted = self.units_before_block.get(block).copied().unwrap_or(0);
        counted + self.text.as_bytes().get(from..offset).map_or(0, units)
    }

    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col = self
            .units_before(offset)
            .saturating_sub(self.units_before(start));
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position (clamped to its line and to the text).
    pub fn offset(&self, pos: Position) -> usize {
        let line = usize::try_from(pos.line).unwrap_or(usize::MAX);
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = self.text.get(start..end).unwrap_or("");
        let want = usize::try_from(pos.character).unwrap_or(usize::MAX);
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= want || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
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
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\nxé𝄞z\n";
        let li = LineIndex::new(text);
        let z = text.find('z').unwrap();
        assert_eq!(li.position(z), Position::new(1, 4));
        assert_eq!(li.offset(Position::new(1, 4)), z);
        assert_eq!(li.offset(Position::new(0, 99)), 2);
        assert_eq!(li.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn positions_on_long_lines_count_from_the_line_start() {
        // Lines across several blocks, of one- to four-byte characters.
        let mut text = String::new();
        for (k, c) in ['a', 'é', '∈', '𝄞'].iter().cycle().take(12).enumerate() {
            text.extend(std::iter::repeat_n(*c, UNITS_BLOCK * (k % 4) + k * 37 + 1));
            text.push('\n');
        }
        let li = LineIndex::new(&text);
        for (offset, _) in text.char_indices().step_by(5).chain([(text.len(), ' ')]) {
            let before = &text[..offset];
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let want = Position::new(
                before.matches('\n').count() as u32,
                before[start..].encode_utf16().count() as u32,
            );
            assert_eq!(li.position(offset), want, "at {offset}");
            assert_eq!(li.offset(want), offset);
        }
    }

    #[test]
    fn uris_round_trip_paths_with_spaces() {
        let p = Path::new("/tmp/my policies/a b.policy");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20policies/a%20b.policy");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
    }
}
