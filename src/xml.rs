//! Escaping text for XML 1.0 (JUnit reports, SVG) and HTML, in one place.

/// Escapes text for XML 1.0 content and double-quoted attributes. Characters XML 1.0
/// cannot carry at all (most control characters) become U+FFFD; line breaks and tabs
/// become character references, so attribute values keep them.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes element text: like [`escape`], but line breaks and tabs stay as they are, so
/// failure details read as they print.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            c => out.push_str(&escape(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_quotes_and_control_characters() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("x\u{7}y\nz"), "x\u{fffd}y&#10;z");
        assert_eq!(escape_text("x\u{7}y\nz\t"), "x\u{fffd}y\nz\t");
    }
}
