//! Text from a policy or facts file made safe to print on a terminal.
//!
//! A title, a citation, a path or a string in a facts file can hold control characters:
//! ESC sequences that clear the screen, set the window title or hide text, a carriage
//! return that overwrites a line, bidirectional controls that show text in another
//! order than it is read. Printed as they are, they let a file drive the terminal of
//! whoever runs policyc on it; escaped, a reader sees them for what they are. JSON,
//! SARIF and XML have their own escaping; this is for the human and Markdown faces.

use std::borrow::Cow;

use codespan_reporting::term::termcolor::ColorChoice;

/// When to use colour (`--color`): on a terminal (and `NO_COLOR` unset), always or
/// never.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Colour for a stream, honouring `NO_COLOR` (https://no-color.org) and whether the
    /// stream is a terminal.
    pub fn choice(self, is_terminal: bool) -> ColorChoice {
        match self {
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
            Color::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                if no_color || !is_terminal {
                    ColorChoice::Never
                } else {
                    ColorChoice::Auto
                }
            }
        }
    }

    /// Whether standard output gets colour.
    pub fn on_stdout(self) -> bool {
        use std::io::IsTerminal;
        self.choice(std::io::stdout().is_terminal()) != ColorChoice::Never
    }
}

/// Whether `c` is escaped: control characters (C0 but line feed and tab, DEL, C1) and
/// the invisible characters that reorder text (bidirectional controls).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` is printable ASCII, line feeds and tabs alone (nearly every message
/// and file), none of them unsafe: byte by byte, a fast answer before the exact one.
fn all_plain(text: &str) -> bool {
    text.bytes()
        .all(|b| (b' '..=b'~').contains(&b) || b == b'\n' || b == b'\t')
}

/// Whether the character `c` at byte `i` of `text` is escaped: a carriage return before
/// a line feed ends a line (CRLF), and is kept.
fn unsafe_at(text: &str, i: usize, c: char) -> bool {
    is_unsafe(c) && !(c == '\r' && text.as_bytes().get(i + 1) == Some(&b'\n'))
}

/// `text` with every unsafe character written as a Rust-style escape (`\u{1b}`); line
/// breaks and tabs are kept. Borrowed when there is nothing to escape.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    // The check character by character alone took a quarter of the time to render a
    // large policy's hundreds of findings.
    if all_plain(text) || !text.char_indices().any(|(i, c)| unsafe_at(text, i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        if unsafe_at(text, i, c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` with every unsafe character replaced by visible characters of the same UTF-8
/// length (`?` for one byte, `??` for two, `�` for three), for a diagnostic's snippet of
/// the source, whose byte offsets must stay those of the file; `None` when nothing is
/// replaced. A carriage return before a line feed is a line break, and is kept.
pub fn same_length_visible(text: &str) -> Option<String> {
    // Every file loaded is checked: a 235 KB one took 6 M instructions character by
    // character, before anything could be parsed.
    if all_plain(text) || !text.char_indices().any(|(i, c)| unsafe_at(text, i, c)) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if unsafe_at(text, i, c) {
            match c.len_utf8() {
                1 => out.push('?'),
                2 => out.push_str("??"),
                3 => out.push('\u{fffd}'),
                // No control character takes four bytes; keep lengths equal regardless.
                n => out.push_str(&"?".repeat(n)),
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_lines_kept() {
        assert_eq!(escape_controls("plain\ttext\r\n"), "plain\ttext\r\n");
        assert!(matches!(escape_controls("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}[2J\u{1b}]0;pwned\u{7}b\rc\u{9b}d\u{202e}e"),
            "a\\u{1b}[2J\\u{1b}]0;pwned\\u{7}b\\u{d}c\\u{9b}d\\u{202e}e"
        );
    }

    #[test]
    fn the_same_length_form_keeps_every_offset() {
        let text = "cites \"\u{1b}[2J\u{9b}x\u{202e}\"\r\nnext\u{7f}\n";
        let shown = same_length_visible(text).unwrap_or_default();
        assert_eq!(shown.len(), text.len());
        assert_eq!(shown, "cites \"?[2J??x\u{fffd}\"\r\nnext?\n");
        assert_eq!(same_length_visible("clean\r\n"), None);
    }
}
