//! A lexical pre-pass over the raw text, before pest sees it.
//!
//! It does three things pest cannot do safely or at all: collects `//` comments with
//! their spans (for the formatter), refuses nesting so deep that a recursive-descent
//! parser would exhaust the stack, and splits the file into declarations so the parser
//! can recover from an error in one declaration and go on with the next.

use crate::parse::ast::Comment;
use crate::source::Span;

/// Deepest nesting of brackets (and runs of prefix operators) the parser accepts.
pub const MAX_NESTING: usize = 256;

/// Keywords that start a declaration.
pub const ITEM_KEYWORDS: &[&str] = &[
    "policy", "use", "enum", "input", "output", "define", "assume", "scope", "rule", "accept",
    "assert", "scenario", "ignore",
];

pub struct Scan {
    pub comments: Vec<Comment>,
    /// Where nesting first went deeper than [`MAX_NESTING`].
    pub too_deep: Option<Span>,
    /// Byte ranges of the declarations, doc comments included, in order; text between
    /// them (other than whitespace and comments) is part of the preceding chunk.
    pub chunks: Vec<Span>,
}

pub fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut too_deep = None;
    let mut depth = 0usize;
    let mut prefix_run = 0usize;
    let mut implies_run = 0usize;
    let mut starts: Vec<usize> = Vec::new();
    // Start of the pending run of doc comments that will belong to the next declaration.
    let mut doc_start: Option<usize> = None;
    let mut at_line_start = true;
    // A byte-order mark at the start (an editor's buffer may keep one) is not text.
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while i < bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        match c {
            b'\n' => {
                at_line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let line_start = at_line_start;
        at_line_start = false;
        let is_comment = c == b'/' && bytes.get(i + 1) == Some(&b'/');
        if starts.is_empty() && !is_comment {
            // Text before the first declaration is a chunk of its own (it is an error,
            // whatever it is: a word, a string, a symbol); every byte of a file belongs
            // to a declaration, a comment or whitespace.
            let word = word_at(text, i);
            if !(line_start && ITEM_KEYWORDS.contains(&word)) {
                starts.push(doc_start.take().unwrap_or(i));
            }
        }
        if is_comment {
            let end = text
                .get(i..)
                .and_then(|r| r.find('\n'))
                .map(|n| i + n)
                .unwrap_or(text.len());
            let is_doc = bytes.get(i + 2) == Some(&b'/');
            if is_doc {
                if line_start && doc_start.is_none() {
                    doc_start = Some(i);
                }
            } else {
                let body = text.get(i + 2..end).unwrap_or("").trim_end_matches('\r');
                comments.push(Comment {
                    text: body.to_string(),
                    span: Span::new(i, end),
                });
            }
            i = end;
            continue;
        }
        if c == b'"' {
            i = string_end(bytes, i);
            doc_start = None;
            prefix_run = 0;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i;
            while bytes
                .get(j)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                j += 1;
            }
            let word = text.get(i..j).unwrap_or("");
            if line_start && ITEM_KEYWORDS.contains(&word) {
                starts.push(doc_start.take().unwrap_or(i));
                implies_run = 0;
            }
            // `implies` is right associative: a chain of them nests, like brackets.
            if word == "implies" {
                implies_run += 1;
                if implies_run > MAX_NESTING && too_deep.is_none() {
                    too_deep = Some(Span::new(i, j));
                }
            }
            doc_start = None;
            if word == "not" {
                prefix_run += 1;
                if prefix_run > MAX_NESTING && too_deep.is_none() {
                    too_deep = Some(Span::new(i, j));
                }
            } else {
                prefix_run = 0;
            }
            i = j;
            continue;
        }
        doc_start = None;
        match c {
            b'(' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING && too_deep.is_none() {
                    too_deep = Some(Span::new(i, i + 1));
                }
            }
            b')' | b'}' => depth = depth.saturating_sub(1),
            b'-' => {
                prefix_run += 1;
                if prefix_run > MAX_NESTING && too_deep.is_none() {
                    too_deep = Some(Span::new(i, i + 1));
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        prefix_run = 0;
        // Skip the rest of a multi-byte character safely.
        i += 1;
        while i < bytes.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    if starts.is_empty() {
        if let Some(d) = doc_start {
            starts.push(d);
        }
    }
    Scan {
        comments,
        too_deep,
        chunks: chunks(&starts, text.len()),
    }
}

/// Where the string that opens at byte `i` ends, past its closing quote: strings are
/// one line, so it ends at the line's end without one.
fn string_end(bytes: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(&b) = bytes.get(j) {
        if b == b'\\' {
            j += 2;
            continue;
        }
        if b == b'"' || b == b'\n' {
            break;
        }
        j += 1;
    }
    (j + 1).min(bytes.len())
}

/// The declarations' byte ranges: each from its start to the next one's (the last to
/// the end of the text, `len`).
fn chunks(starts: &[usize], len: usize) -> Vec<Span> {
    let mut chunks = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(len);
        chunks.push(Span::new(s, e));
    }
    chunks
}

/// The word (letters, digits, `_`) at byte `i`, empty if none starts there.
fn word_at(text: &str, i: usize) -> &str {
    let rest = text.get(i..).unwrap_or("");
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    rest.get(..len).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_declarations_and_keeps_docs_with_them() {
        let text =
            "// head\ninput a: bool\n/// doc\n/// more\nrule r \"t\"\n  when a\n  then x = 1\n";
        let s = scan(text);
        assert_eq!(s.comments.len(), 1);
        assert_eq!(s.comments[0].text, " head");
        let chunks: Vec<&str> = s.chunks.iter().map(|c| &text[c.range()]).collect();
        assert_eq!(
            chunks,
            vec![
                "input a: bool\n",
                "/// doc\n/// more\nrule r \"t\"\n  when a\n  then x = 1\n"
            ]
        );
    }

    #[test]
    fn keywords_inside_strings_and_indented_lines_do_not_split() {
        let text = "rule r \"rule of\nthumb\"\n  when a\n    input\n";
        let s = scan(text);
        assert_eq!(s.chunks.len(), 2, "a line starting with `thumb` after a broken string is not a declaration, `input` at line start is");
    }

    #[test]
    fn deep_nesting_is_caught_without_recursion() {
        let text = format!("define x = {}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(scan(&text).too_deep.is_some());
        let text = format!("define x = {}a", "not ".repeat(1000));
        assert!(scan(&text).too_deep.is_some());
        assert!(scan("define x = ((a))").too_deep.is_none());
    }
}
