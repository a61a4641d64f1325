//! Text for pictures: escaping for each output format, and measuring and wrapping text
//! so that it fits the boxes the SVG writer draws.
//!
//! There is no font library here, so text is measured with the advance widths of DejaVu
//! Sans (taken from its `hmtx` table). The SVG asks for DejaVu Sans first; it is the
//! widest of the common sans-serif fonts (Verdana-like), so if a reader's machine falls
//! back to Arial or Helvetica the text comes out narrower and still fits.

/// Advance widths of DejaVu Sans (Book) for U+0020..=U+007E, in thousandths of an em.
#[rustfmt::skip]
const REGULAR: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];

/// Advance widths of DejaVu Sans Bold for U+0020..=U+007E.
#[rustfmt::skip]
const BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// Width in thousandths of an em of characters outside ASCII that policies and the
/// writers use; anything else is taken as a full em plus a margin (safe, if loose).
fn wide_char(c: char, bold: bool) -> u32 {
    match c {
        '\u{a0}' => 318,
        '£' => 636,
        'é' | 'è' | 'ê' => 615,
        '–' => 500,
        '—' | '…' | '©' => 1000,
        '‘' | '’' => {
            if bold {
                380
            } else {
                318
            }
        }
        '“' | '”' => {
            if bold {
                657
            } else {
                518
            }
        }
        '≤' | '≥' | '≠' | '→' | '×' => 838,
        '•' => 639,
        _ => 1100,
    }
}

/// The width of `s` in pixels at `size` pixels per em.
pub fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    let table = if bold { &BOLD } else { &REGULAR };
    let mut total: u32 = 0;
    for c in s.chars() {
        let code = c as u32;
        let w = if (0x20..0x7f).contains(&code) {
            table
                .get((code - 0x20) as usize)
                .copied()
                .map(u32::from)
                .unwrap_or(1000)
        } else {
            wide_char(c, bold)
        };
        total = total.saturating_add(w);
    }
    f64::from(total) * size / 1000.0
}

/// Breaks `text` into lines no wider than `max_width` pixels, at spaces where it can and
/// inside a word only when the word alone is too wide. Runs of whitespace (newlines in
/// doc comments too) become single spaces.
pub fn wrap(text: &str, size: f64, bold: bool, max_width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, bold) <= max_width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if text_width(word, size, bold) <= max_width {
            line = word.to_string();
            continue;
        }
        // A word wider than a line: cut it where it stops fitting.
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if text_width(&piece, size, bold) > max_width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

pub use crate::check::ir::one_line;

/// Text for XML and HTML content and attribute values (line breaks kept as they are).
pub use crate::xml::escape_text as xml_escape;

/// Text inside a DOT double-quoted string. `\n` in `s` becomes a centred line break;
/// backslashes are doubled so that Graphviz's escapes (`\N`, `\l`, ...) cannot be
/// triggered by policy text. Other control characters (a NUL in a title makes Graphviz
/// reject the file) become U+FFFD, as in XML.
pub fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to at most `max` characters, an ellipsis marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Text inside a Mermaid `"..."` label. Mermaid reads `#name;` and `#code;` as entity
/// codes, and labels are HTML, so quotes, angle brackets, `&` and `#` are all written
/// as entity codes; line breaks become `<br/>`.
pub fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            // Backticks start Markdown strings; `|` ends edge labels.
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_add_up() {
        assert_eq!(text_width("", 10.0, false), 0.0);
        let one = text_width("m", 10.0, false);
        assert!((one - 9.74).abs() < 1e-9);
        assert!((text_width("mm", 10.0, false) - 2.0 * one).abs() < 1e-9);
        assert!(text_width("m", 10.0, true) > one);
        // Unknown characters are measured generously, never as nothing.
        assert!(text_width("字", 10.0, false) >= 10.0);
    }

    #[test]
    fn wrapping_fits_and_keeps_every_word() {
        let text =
            "How old is the oldest person involved (pictured, sending or receiving), in years?";
        let lines = wrap(text, 13.0, false, 150.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(text_width(l, 13.0, false) <= 150.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn wrapping_cuts_words_that_cannot_fit() {
        let word = "a".repeat(200);
        let lines = wrap(&word, 13.0, false, 100.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), word);
        for l in &lines {
            assert!(text_width(l, 13.0, false) <= 100.0);
        }
        assert_eq!(wrap("", 13.0, false, 100.0), vec![String::new()]);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            xml_escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &apos;y&apos;)&lt;/script&gt;"
        );
        assert_eq!(dot_escape("a \"b\" \\N\nc"), "a \\\"b\\\" \\\\N\\nc");
        assert_eq!(dot_escape("a\u{0}b\u{7f}c\td"), "a\u{fffd}b\u{fffd}c d");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
        assert_eq!(
            mermaid_escape("a \"b\" #1 <i>"),
            "a #quot;b#quot; #35;1 #lt;i#gt;"
        );
    }
}
