//! What `policyc fmt --check` shows of a file it would change: the first changed lines.

/// Changed lines shown per file by `--check`.
const DIFF_LINES: usize = 20;

/// A unified diff of the first `DIFF_LINES` changed lines, with a line of context.
pub fn short_diff(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let mut shown = 0usize;
    let mut more = 0usize;
    for group in diff.grouped_ops(1) {
        for op in &group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                if shown >= DIFF_LINES {
                    more += usize::from(sign != ' ');
                    continue;
                }
                shown += usize::from(sign != ' ');
                out.push(sign);
                out.push_str(change.value().trim_end_matches('\n'));
                out.push('\n');
            }
        }
        if more == 0 {
            out.push_str("...\n");
        }
    }
    if more > 0 {
        out.push_str(&format!("({more} more changed lines)\n"));
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_diff_shows_changed_lines_and_stops() {
        let d = short_diff("a\nb\nc\n", "a\nB\nc\n");
        assert!(d.contains("-b\n+B"), "{d}");
        let old: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..50).map(|i| format!("LINE {i}\n")).collect();
        let d = short_diff(&old, &new);
        assert!(d.contains("(80 more changed lines)"), "{d}");
    }
}
