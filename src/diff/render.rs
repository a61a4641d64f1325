//! A [`PolicyDiff`] for people (plain text), for pull-request comments (Markdown) and
//! for machines (JSON).

use serde_json::json;

use super::{Appearing, CVerdict, Change, OneSided, PolicyDiff, Reason, RuleRef, Side};
use crate::compile::describe::{count_json, show_count, Region};

/// `1234567` as `1,234,567`.
pub fn thousands(n: u128) -> String {
    let s = show_count(n);
    if !s.chars().all(|c| c.is_ascii_digit()) {
        return s;
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn incidents(n: u128) -> String {
    if n == 1 {
        "1 incident".to_string()
    } else {
        format!("{} incidents", thousands(n))
    }
}

fn side_policy(side: Side) -> &'static str {
    match side {
        Side::Old => "the old policy",
        Side::New => "the new policy",
    }
}

fn rule_line(r: &RuleRef) -> String {
    let mut s = format!("rule `{}`", r.name);
    if let Some(t) = &r.title {
        s.push_str(&format!(" \"{t}\""));
    }
    match &r.cites {
        Some(c) => s.push_str(&format!(" (cites {c})")),
        None => s.push_str(" (no citation)"),
    }
    s
}

fn reason_lines(reason: &Reason, verdict: &CVerdict) -> Vec<String> {
    let mut out: Vec<String> = reason.rules.iter().map(rule_line).collect();
    if reason.default {
        out.push("the output's default".to_string());
    }
    if out.is_empty() {
        out.push(match verdict {
            CVerdict::Gap => "no rule gives it a value".to_string(),
            CVerdict::Value(super::CVal::Set(v)) if v.is_empty() => {
                "no rule adds to it".to_string()
            }
            _ => "no rule".to_string(),
        });
    }
    out
}

/// The headline of one change: "`resolution` changes from `a` to `b`".
pub fn change_title(output: &str, c: &Change) -> String {
    format!(
        "`{output}` changes from {} to {}",
        c.old.show(),
        c.new.show()
    )
}

fn one_sided_title(kind: &str, o: &OneSided) -> String {
    let what = match kind {
        "domain" => "can be described only in",
        "assumptions" => "are possible (satisfy the assumptions) only in",
        _ => "are in scope only in",
    };
    format!(
        "{} {what} {}",
        incidents(o.region.count),
        side_policy(o.side)
    )
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn example(region: &Region) -> String {
    serde_json::to_string(&region.example_json()).unwrap_or_default()
}

/// The outputs both policies decide the same way wherever both decide.
fn same_outputs(d: &PolicyDiff) -> Vec<String> {
    d.outputs
        .iter()
        .filter(|o| o.changes.is_empty())
        .map(|o| o.name.clone())
        .collect()
}

/// How many changes there are (regions: one-sided ones and output changes).
pub fn change_count(d: &PolicyDiff) -> usize {
    d.domain.len()
        + d.assumptions.len()
        + d.scope.len()
        + d.outputs.iter().map(|o| o.changes.len()).sum::<usize>()
}

fn summary_line(d: &PolicyDiff) -> String {
    if d.is_same() {
        return format!(
            "`{}` and `{}` make the same decisions for every incident.",
            d.old_name, d.new_name
        );
    }
    let mut parts: Vec<String> = Vec::new();
    if !d.domain.is_empty() {
        parts.push("the values of inputs".into());
    }
    if !d.assumptions.is_empty() {
        parts.push("the assumptions".into());
    }
    if !d.scope.is_empty() {
        parts.push("the scope".into());
    }
    for o in d.outputs.iter().filter(|o| !o.changes.is_empty()) {
        let n = o.changes.len();
        parts.push(format!(
            "`{}` ({n} region{})",
            o.name,
            if n == 1 { "" } else { "s" }
        ));
    }
    let one_side = d.outputs_only_old.len() + d.outputs_only_new.len();
    if one_side > 0 {
        parts.push(format!(
            "{one_side} output{} on one side only",
            if one_side == 1 { "" } else { "s" }
        ));
    }
    format!(
        "`{}` → `{}`: the decisions differ in {}.",
        d.old_name,
        d.new_name,
        parts.join(", ")
    )
}

fn appearing_lines(kind: &str, list: &[Appearing]) -> Vec<String> {
    list.iter()
        .map(|a| {
            let mut parts = Vec::new();
            if a.appearing > 0 {
                parts.push(format!("appears for {}", incidents(a.appearing)));
            }
            if a.disappearing > 0 {
                parts.push(format!("disappears for {}", incidents(a.disappearing)));
            }
            format!("a {kind} of `{}` {}", a.output, parts.join(" and "))
        })
        .collect()
}

/// Plain text for a terminal.
pub fn human(d: &PolicyDiff) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(summary_line(d));
    if !d.inputs_only_old.is_empty() {
        line(format!(
            "inputs only in the old policy: {}",
            list(&d.inputs_only_old)
        ));
    }
    if !d.inputs_only_new.is_empty() {
        line(format!(
            "inputs only in the new policy: {}",
            list(&d.inputs_only_new)
        ));
    }
    for c in &d.input_changes {
        line(format!(
            "input `{}` changes its values: {} → {}",
            c.input, c.old, c.new
        ));
    }
    if !d.outputs_only_old.is_empty() {
        line(format!(
            "outputs only in the old policy: {}",
            list(&d.outputs_only_old)
        ));
    }
    if !d.outputs_only_new.is_empty() {
        line(format!(
            "outputs only in the new policy: {}",
            list(&d.outputs_only_new)
        ));
    }
    for o in &d.outputs {
        if o.name != o.old_name {
            line(format!(
                "output `{}` is compared with `{}`",
                o.old_name, o.name
            ));
        }
    }
    let same = same_outputs(d);
    if !same.is_empty() && !d.is_same() {
        line(format!(
            "decided the same wherever both policies decide: {}",
            list(&same)
        ));
    }
    for (kind, items) in [
        ("domain", &d.domain),
        ("assumptions", &d.assumptions),
        ("scope", &d.scope),
    ] {
        for o in items {
            line(String::new());
            line(format!("{kind}: {}", one_sided_title(kind, o)));
            line(format!("    when {}", o.region.condition()));
            line(format!("    example: {}", example(&o.region)));
        }
    }
    for o in &d.outputs {
        for c in &o.changes {
            line(String::new());
            line(format!(
                "{} for {}",
                change_title(&o.name, c),
                incidents(c.region.count)
            ));
            line(format!("    when {}", c.region.condition()));
            line(format!("    example: {}", example(&c.region)));
            for (side, reason, verdict) in [
                ("old", &c.old_reason, &c.old),
                ("new", &c.new_reason, &c.new),
            ] {
                for (k, r) in reason_lines(reason, verdict).into_iter().enumerate() {
                    let label = if k == 0 {
                        format!("{side}:")
                    } else {
                        String::new()
                    };
                    line(format!("    {label:<5}{r}"));
                }
            }
        }
    }
    let gaps = appearing_lines("gap", &d.gaps());
    let conflicts = appearing_lines("conflict", &d.conflicts());
    if !gaps.is_empty() || !conflicts.is_empty() {
        line(String::new());
        for l in gaps.into_iter().chain(conflicts) {
            line(l);
        }
    }
    line(String::new());
    line(format!(
        "compared {} that both policies decide, of {} over the union of their inputs",
        incidents(d.compared),
        thousands(d.total)
    ));
    out
}

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown for a pull-request comment: a summary table, then the details.
pub fn markdown(d: &PolicyDiff, heading: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("### {heading}\n\n"));
    out.push_str(&summary_line(d));
    out.push_str("\n\n");
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
    for n in &notes {
        out.push_str(&format!("- {n}\n"));
    }
    if !notes.is_empty() {
        out.push('\n');
    }
    if change_count(d) > 0 {
        out.push_str("| what | old | new | incidents |\n|---|---|---|---:|\n");
        for (kind, items) in [
            ("domain", &d.domain),
            ("assumptions", &d.assumptions),
            ("scope", &d.scope),
        ] {
            for o in items {
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
                    thousands(o.region.count)
                ));
            }
        }
        for o in &d.outputs {
            for c in &o.changes {
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} |\n",
                    cell(&o.name),
                    cell(&c.old.show()),
                    cell(&c.new.show()),
                    thousands(c.region.count)
                ));
            }
        }
        out.push('\n');
    }
    let detail = |out: &mut String, title: String, region: &Region, body: &[String]| {
        out.push_str(&format!(
            "<details><summary>{}</summary>\n\n",
            html_escape(&title)
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
    };
    for (kind, items) in [
        ("domain", &d.domain),
        ("assumptions", &d.assumptions),
        ("scope", &d.scope),
    ] {
        for o in items {
            detail(
                &mut out,
                format!("{kind}: {}", one_sided_title(kind, o)),
                &o.region,
                &[],
            );
        }
    }
    for o in &d.outputs {
        for c in &o.changes {
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
            detail(
                &mut out,
                format!(
                    "{} for {}",
                    change_title(&o.name, c),
                    incidents(c.region.count)
                ),
                &c.region,
                &body,
            );
        }
    }
    let gaps = appearing_lines("gap", &d.gaps());
    let conflicts = appearing_lines("conflict", &d.conflicts());
    for l in gaps.into_iter().chain(conflicts) {
        out.push_str(&format!("- {l}\n"));
    }
    out.push_str(&format!(
        "\n<sub>Compared {} that both policies decide, of {} over the union of their inputs.</sub>\n",
        incidents(d.compared),
        thousands(d.total)
    ));
    out
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

fn reason_json(r: &Reason) -> serde_json::Value {
    json!({
        "rules": r.rules,
        "default": r.default,
        "example_rules": r.example_rules,
    })
}

fn one_sided_json(items: &[OneSided]) -> serde_json::Value {
    serde_json::Value::Array(
        items
            .iter()
            .map(|o| {
                let mut v = o.region.to_json();
                if let Some(m) = v.as_object_mut() {
                    m.insert("only_in".into(), json!(o.side.word()));
                }
                v
            })
            .collect(),
    )
}

/// The machine form.
pub fn to_json(d: &PolicyDiff) -> serde_json::Value {
    let outputs: Vec<serde_json::Value> = d
        .outputs
        .iter()
        .map(|o| {
            json!({
                "output": o.name,
                "old_output": o.old_name,
                "count": count_json(o.count()),
                "changes": o.changes.iter().map(|c| json!({
                    "old": c.old.to_json(),
                    "new": c.new.to_json(),
                    "count": count_json(c.region.count),
                    "condition": c.region.condition(),
                    "condition_complete": c.region.condition_complete,
                    "example": c.region.example_json(),
                    "old_reason": reason_json(&c.old_reason),
                    "new_reason": reason_json(&c.new_reason),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let appearing = |list: Vec<Appearing>| -> serde_json::Value {
        serde_json::Value::Array(
            list.iter()
                .map(|a| {
                    json!({
                        "output": a.output,
                        "appearing": count_json(a.appearing),
                        "disappearing": count_json(a.disappearing),
                    })
                })
                .collect(),
        )
    };
    json!({
        "old": d.old_name,
        "new": d.new_name,
        "same": d.is_same(),
        "compared": count_json(d.compared),
        "total": count_json(d.total),
        "inputs_only_old": d.inputs_only_old,
        "inputs_only_new": d.inputs_only_new,
        "input_changes": d.input_changes,
        "outputs_only_old": d.outputs_only_old,
        "outputs_only_new": d.outputs_only_new,
        "domain": one_sided_json(&d.domain),
        "assumptions": one_sided_json(&d.assumptions),
        "scope": one_sided_json(&d.scope),
        "outputs": outputs,
        "gaps": appearing(d.gaps()),
        "conflicts": appearing(d.conflicts()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn summaries_escape_html_and_code() {
        assert_eq!(html_escape("`a` < b & c"), "<code>a</code> &lt; b &amp; c");
        assert_eq!(cell("a|b"), "a\\|b");
    }
}
