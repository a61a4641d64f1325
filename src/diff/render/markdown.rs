//! A diff in Markdown, for a pull-request comment: a heading, a one-line summary, a
//! table of what changes, then one collapsible section per change.

use super::{
    appearing_lines, change_count, change_title, incidents, list, one_sided_title, ranking_lines,
    reason_lines, same_outputs, shift_word, shown, summary_line,
};
use crate::compile::describe::{show_count, Region};
use crate::diff::git::{FileStatus, RevisionDiff};
use crate::diff::{Change, OneSided, PolicyDiff, Side};

/// Markdown for a pull-request comment: a summary table, then the details.
pub fn markdown(d: &PolicyDiff, heading: &str) -> String {
    let mut out = format!("### {heading}\n\n");
    out.push_str(&summary_line(d));
    out.push_str("\n\n");
    let notes = notes(d);
    for n in &notes {
        out.push_str(&format!("- {n}\n"));
    }
    if !notes.is_empty() {
        out.push('\n');
    }
    if change_count(d) > 0 {
        out.push_str(&table(d));
    }
    for (kind, o) in one_sided(d) {
        let title = format!("{kind}: {}", one_sided_title(kind, o));
        details(&mut out, &title, &o.region, &[]);
    }
    for o in &d.outputs {
        for c in &o.changes {
            let title = format!(
                "{} for {}",
                change_title(&o.name, c),
                incidents(c.region.read_count())
            );
            details(&mut out, &title, &c.region, &change_body(c));
        }
    }
    let gaps = appearing_lines("gap", &d.gaps());
    let conflicts = appearing_lines("conflict", &d.conflicts());
    for l in gaps.into_iter().chain(conflicts) {
        out.push_str(&format!("- {l}\n"));
    }
    out.push_str(&format!(
        "\n<sub>Compared {} that both policies decide, of {} possible over the inputs either policy reads.</sub>\n",
        incidents(d.reads.count(d.compared)),
        show_count(d.reads.count(d.total))
    ));
    out
}

/// The one-sided regions with their kind, in the order shown.
fn one_sided(d: &PolicyDiff) -> impl Iterator<Item = (&'static str, &OneSided)> {
    [
        ("domain", &d.domain),
        ("assumptions", &d.assumptions),
        ("scope", &d.scope),
    ]
    .into_iter()
    .flat_map(|(kind, items)| items.iter().map(move |o| (kind, o)))
}

/// What the summary line does not say: inputs and outputs on one side only, inputs
/// whose values change, outputs decided the same.
fn notes(d: &PolicyDiff) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    if !d.inputs_only_old.is_empty() {
        notes.push(format!(
            "Inputs only in the old policy: {}.",
            list(&d.inputs_only_old)
        ));
    }
    if !d.inputs_only_new.is_empty() {
        notes.push(format!(
            "Inputs only in the new policy: {}.",
            list(&d.inputs_only_new)
        ));
    }
    for c in &d.input_changes {
        notes.push(format!(
            "Input `{}` changes its values: `{}` → `{}`.",
            c.input, c.old, c.new
        ));
    }
    if !d.outputs_only_old.is_empty() {
        notes.push(format!(
            "Outputs only in the old policy: {}.",
            list(&d.outputs_only_old)
        ));
    }
    if !d.outputs_only_new.is_empty() {
        notes.push(format!(
            "Outputs only in the new policy: {}.",
            list(&d.outputs_only_new)
        ));
    }
    let same = same_outputs(d);
    if !same.is_empty() && !d.is_same() {
        notes.push(format!(
            "Decided the same wherever both policies decide: {}.",
            list(&same)
        ));
    }
    for (name, r) in d.ranking_changes() {
        let (title, lines) = ranking_lines(name, r);
        let mut note = capitalised(&title);
        for l in lines {
            note.push_str(&format!("; {l}"));
        }
        note.push('.');
        notes.push(note);
    }
    notes
}

/// The table of changes: what, old, new, how many incidents.
fn table(d: &PolicyDiff) -> String {
    let mut out = String::from("| what | old | new | incidents |\n|---|---|---|---:|\n");
    for (kind, o) in one_sided(d) {
        let (old, new) = match o.side {
            Side::Old => ("yes", "no"),
            Side::New => ("no", "yes"),
        };
        let what = match kind {
            "domain" => "can be described",
            "assumptions" => "possible",
            _ => "in scope",
        };
        out.push_str(&format!(
            "| {what} | {old} | {new} | {} |\n",
            show_count(o.region.read_count())
        ));
    }
    for o in &d.outputs {
        for c in &o.changes {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                cell(&o.name),
                cell(&c.old.show()),
                cell(&match c.shift {
                    Some(s) => format!("{} ({})", c.new.show(), shift_word(s)),
                    None => c.new.show(),
                }),
                show_count(c.region.read_count())
            ));
        }
    }
    out.push('\n');
    out
}

/// A collapsible section: the region's condition, its example, then `body`.
fn details(out: &mut String, title: &str, region: &Region, body: &[String]) {
    out.push_str(&format!(
        "<details><summary>{}</summary>\n\n",
        html_escape(title)
    ));
    out.push_str(&format!(
        "When `{}`\n\n",
        region.condition().replace('`', "'")
    ));
    if !region.condition_complete {
        out.push_str("(the condition lists the first parts of a fragmented region)\n\n");
    }
    out.push_str("Example incident:\n\n```json\n");
    out.push_str(&serde_json::to_string_pretty(&region.example_json()).unwrap_or_default());
    out.push_str("\n```\n\n");
    for b in body {
        out.push_str(b);
        out.push('\n');
    }
    out.push_str("\n</details>\n\n");
}

/// Each side's verdict and the rules behind it.
fn change_body(c: &Change) -> Vec<String> {
    let mut body = Vec::new();
    for (side, reason, verdict) in [
        ("Old", &c.old_reason, &c.old),
        ("New", &c.new_reason, &c.new),
    ] {
        body.push(format!("**{side}** ({}):\n", verdict.show()));
        for r in reason_lines(reason, verdict) {
            body.push(format!("- {r}"));
        }
        body.push(String::new());
    }
    body
}

/// Markdown for a pull-request comment on a comparison with a revision: a table of
/// files, then each changed file's diff.
pub fn revision(r: &RevisionDiff) -> String {
    let mut out = format!(
        "## policyc diff against `{}`\n\n| file | result |\n|---|---|\n",
        r.revision
    );
    for (rel, s) in &r.files {
        let what = match s {
            FileStatus::Compared(d) if d.is_same() => "same decisions".to_string(),
            FileStatus::Compared(d) => {
                let n = change_count(d);
                format!("**{n} change{}**", if n == 1 { "" } else { "s" })
            }
            FileStatus::Added => "added".into(),
            FileStatus::Removed => "removed".into(),
            FileStatus::Module => "module".into(),
            FileStatus::Tests(p) => format!("tests `{}`: compared there", shown(p)),
        };
        out.push_str(&format!("| `{}` | {what} |\n", shown(rel)));
    }
    out.push('\n');
    if !r.errors.is_empty() {
        let n = r.errors.len();
        out.push_str(&format!(
            "**Not every file could be compared: {n} error{} (in the log of `policyc diff`).**\n\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    for (rel, s) in &r.files {
        if let FileStatus::Compared(d) = s {
            if !d.is_same() {
                out.push_str(&markdown(d, &format!("`{}`", shown(rel))));
                out.push('\n');
            }
        }
    }
    out
}

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Escapes `<`, `>` and `&` for an HTML `<summary>`; backticks become `<code>`.
fn html_escape(s: &str) -> String {
    let escaped = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut out = String::new();
    let mut open = false;
    for c in escaped.chars() {
        if c == '`' {
            out.push_str(if open { "</code>" } else { "<code>" });
            open = !open;
        } else {
            out.push(c);
        }
    }
    if open {
        out.push_str("</code>");
    }
    out
}

/// `s` with its first letter a capital.
fn capitalised(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_escape_html_and_code() {
        assert_eq!(html_escape("`a` < b & c"), "<code>a</code> &lt; b &amp; c");
        assert_eq!(cell("a|b"), "a\\|b");
    }
}
