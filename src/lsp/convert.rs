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
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.encode_utf16().count())
            .unwrap_or(0);
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
    Some(crate::check::modules::normalize(Path::new(&decoded)))
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
    fn uris_round_trip_paths_with_spaces() {
        let p = Path::new("/tmp/my policies/a b.policy");
        let uri = path_to_uri(p).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/my%20policies/a%20b.policy");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
    }
}
