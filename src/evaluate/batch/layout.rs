//! How facts held whole are laid out: one object (perhaps pretty-printed), a JSON array
//! or JSON Lines; and the items of each, with the line each starts on.

use super::{bad_json, bad_json_line, Incidents, Item};
use crate::evaluate::facts::FactsJson;

/// How the facts text is laid out.
#[derive(Debug, PartialEq, Eq)]
pub enum FactsLayout {
    Single,
    Array,
    Lines,
}

/// A text that starts with `[` is a JSON array, a batch. A text of two or more
/// non-blank lines is JSON Lines when its first non-blank line is a JSON value on its
/// own, or when its second is a JSON object on its own and the first cannot begin one
/// document with it (see `is_json_lines`): so a bad first line is one bad line of the
/// batch. Anything else is one (possibly pretty-printed) object, whose syntax error is
/// reported once, with its position.
pub fn layout(text: &str) -> FactsLayout {
    if starts_array(text.as_bytes()) {
        return FactsLayout::Array;
    }
    let mut lines = text.lines().filter(|l| !is_blank(l.as_bytes()));
    match (lines.next(), lines.next()) {
        (Some(f), Some(s)) if is_json_lines(f.as_bytes(), s.as_bytes()) => FactsLayout::Lines,
        _ => FactsLayout::Single,
    }
}

/// The incidents of a text held whole, laid out as [`layout`] tells. JSON Lines are
/// parsed one at a time as they are answered, so a large batch never holds every
/// parsed line at once.
pub(super) fn incidents_of<'a, T: AsRef<str> + 'a>(text: T) -> Incidents<'a> {
    match layout(text.as_ref()) {
        FactsLayout::Single => Incidents::One(
            serde_json::from_str::<FactsJson>(text.as_ref()).map_err(|e| vec![bad_json(&e)]),
        ),
        FactsLayout::Array => Incidents::Many(match array_items(text.as_ref()) {
            Ok(items) => Ok(Box::new(items.into_iter().map(|(line, facts)| Item {
                line,
                facts: Ok(facts),
            }))),
            Err(e) => Err(vec![bad_json(&e)]),
        }),
        FactsLayout::Lines => Incidents::Many(Ok(Box::new(TextLines {
            text,
            at: 0,
            line: 0,
        }))),
    }
}

/// The non-blank lines of a text held whole, each parsed when it is reached. The text is
/// owned or borrowed (`T`): read from a stream, it is owned.
struct TextLines<T> {
    text: T,
    /// Where the next line starts.
    at: usize,
    /// The number of the line before it.
    line: usize,
}

impl<T: AsRef<str>> Iterator for TextLines<T> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            let rest = self
                .text
                .as_ref()
                .get(self.at..)
                .filter(|r| !r.is_empty())?;
            // Lines as `str::lines` gives them: split at `\n`, a `\r` before it dropped.
            let (line, len) = match rest.find('\n') {
                Some(i) => {
                    let l = rest.get(..i).unwrap_or_default();
                    (l.strip_suffix('\r').unwrap_or(l), i + 1)
                }
                None => (rest, rest.len()),
            };
            self.at += len;
            self.line += 1;
            if !is_blank(line.as_bytes()) {
                return Some(Item {
                    line: self.line,
                    facts: parse_line(line),
                });
            }
        }
    }
}

/// One line of JSON Lines.
pub(super) fn parse_line(line: &str) -> Result<FactsJson, Vec<crate::diagnostics::Diagnostic>> {
    serde_json::from_str(line).map_err(|e| vec![bad_json_line(&e)])
}

/// JSON whitespace: a line of only this is blank, and skipped in a batch.
pub(super) fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

pub(super) fn is_json(line: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

/// Whether facts whose first two non-blank lines are `first` and `second` (line breaks
/// removed) are JSON Lines rather than one document (perhaps pretty-printed): the first
/// line is a JSON value on its own; or the second is a JSON object on its own and the
/// two lines cannot begin one JSON document (a syntax error before their end, not just
/// an unfinished value), so the first is a bad line of a batch. A pretty-printed
/// object, even a broken one, has no line that is an object on its own after its `{`
/// line, so it stays one document and its syntax error is reported once, with its
/// position.
pub(super) fn is_json_lines(first: &[u8], second: &[u8]) -> bool {
    if is_json(first) {
        return true;
    }
    if !(second.trim_ascii_start().starts_with(b"{") && is_json(second)) {
        return false;
    }
    let mut both = Vec::with_capacity(first.len() + 1 + second.len());
    both.extend_from_slice(first);
    both.push(b'\n');
    both.extend_from_slice(second);
    matches!(serde_json::from_slice::<serde::de::IgnoredAny>(&both), Err(e) if !e.is_eof())
}

pub(super) fn starts_array(text: &[u8]) -> bool {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    text.iter().find(|b| !blank(b)) == Some(&b'[')
}

/// The elements of the JSON array `text`, each with the line it starts on; a syntax
/// error anywhere is the error of the whole text (its position counted from the start).
fn array_items(text: &str) -> Result<Vec<(usize, FactsJson)>, serde_json::Error> {
    let whole_error = |e: serde_json::Error| {
        serde_json::from_str::<Vec<serde::de::IgnoredAny>>(text)
            .err()
            .unwrap_or(e)
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut line = 1;
    // Moves `pos` past JSON whitespace, counting lines.
    let skip_blank = |pos: &mut usize, line: &mut usize| {
        while let Some(&b) = bytes.get(*pos) {
            match b {
                b'\n' => *line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            *pos += 1;
        }
    };
    let syntax = |at: usize| {
        whole_error(serde::de::Error::custom(format!(
            "unexpected character at byte {at}"
        )))
    };
    skip_blank(&mut pos, &mut line);
    if bytes.get(pos) != Some(&b'[') {
        return Err(syntax(pos));
    }
    pos += 1;
    let mut items = Vec::new();
    skip_blank(&mut pos, &mut line);
    if bytes.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            let rest = text.get(pos..).unwrap_or("");
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<FactsJson>();
            let item = match stream.next() {
                Some(Ok(item)) => item,
                Some(Err(e)) => return Err(whole_error(e)),
                None => return Err(syntax(pos)),
            };
            let end = pos + stream.byte_offset();
            items.push((line, item));
            line += bytes
                .get(pos..end)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            pos = end;
            skip_blank(&mut pos, &mut line);
            match bytes.get(pos) {
                Some(b',') => {
                    pos += 1;
                    skip_blank(&mut pos, &mut line);
                }
                Some(b']') => {
                    pos += 1;
                    break;
                }
                _ => return Err(syntax(pos)),
            }
        }
    }
    skip_blank(&mut pos, &mut line);
    if pos < bytes.len() {
        return Err(syntax(pos));
    }
    Ok(items)
}
