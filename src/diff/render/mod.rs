//! A [`PolicyDiff`] for people (plain text, `human.rs`), for pull-request comments
//! (Markdown, `markdown.rs`) and for machines (JSON, `json.rs`); and a comparison with a
//! git revision ([`RevisionDiff`]) in each. What they say alike is here.

pub mod human;
pub mod json;
pub mod markdown;

pub use human::human;
pub use markdown::markdown;

use super::git::{FileStatus, RevisionDiff};
use super::{
    Appearing, CVerdict, Change, CitedRule, OneSided, PolicyDiff, Ranking, RankingChange, Reason,
    Shift, Side,
};
use crate::compile::describe::{incidents, Region};

/// A path as the report shows it: `/` between folders on every platform.
fn shown(p: &std::path::Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// The status word of a file compared with a revision.
fn file_status(s: &FileStatus) -> &'static str {
    match s {
        FileStatus::Compared(d) if d.is_same() => "same",
        FileStatus::Compared(_) => "changed",
        FileStatus::Added => "added",
        FileStatus::Removed => "removed",
        FileStatus::Module => "module",
        FileStatus::Tests(_) => "tests",
    }
}

/// Every file decides as at the revision (modules aside; added and removed policies
/// differ).
fn all_same(r: &RevisionDiff) -> bool {
    r.files.iter().all(|(_, s)| match s {
        FileStatus::Compared(d) => d.is_same(),
        FileStatus::Module | FileStatus::Tests(_) => true,
        FileStatus::Added | FileStatus::Removed => false,
    })
}

fn side_policy(side: Side) -> &'static str {
    match side {
        Side::Old => "the old policy",
        Side::New => "the new policy",
    }
}

fn rule_line(r: &CitedRule) -> String {
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

/// The headline of one change: "`resolution` changes from `a` to `b`", marked
/// "lowered:" (or "raised:") when the output's precedence ranks the new value below (or
/// above) the old one.
pub fn change_title(output: &str, c: &Change) -> String {
    let mark = c
        .shift
        .map(|s| format!("{}: ", shift_word(s)))
        .unwrap_or_default();
    format!(
        "{mark}`{output}` changes from {} to {}",
        c.old.show(),
        c.new.show()
    )
}

/// "lowered" or "raised", saying whose precedence when the two disagree.
fn shift_word(s: Shift) -> String {
    let (word, other) = if s.lowered {
        ("lowered", "higher")
    } else {
        ("raised", "lower")
    };
    if s.disputed {
        let (by, then) = match s.by {
            Side::Old => ("old", "new"),
            Side::New => ("new", "old"),
        };
        // The word a reviewer scans for comes alone; the other side's ranking follows
        // in words that cannot be read as the opposite verdict (review 2, N7).
        format!("{word} (by the {by} precedence; the {then} one ranks the new value {other})")
    } else {
        word.to_string()
    }
}

/// Lines saying how an output's precedence (or `exclusive`) changes, and whether the
/// change decides any incident today: a reordering that decides nothing yet still
/// decides every future overlap of the rules.
fn ranking_lines(output: &str, r: &RankingChange) -> (String, Vec<String>) {
    let title = match (&r.old, &r.new) {
        (Ranking::Precedence(_), Ranking::Precedence(_)) => format!(
            "the precedence of `{output}` changes: {} → {}",
            r.old.show(),
            r.new.show()
        ),
        _ => format!(
            "how `{output}` settles rules giving it different values changes: {} → {}",
            r.old.show(),
            r.new.show()
        ),
    };
    let mut lines = Vec::new();
    for p in &r.reordered {
        let effect = if p.decides {
            "it decides changes below"
        } else {
            "it decides no incident today, but will decide any future overlap of rules giving these values"
        };
        lines.push(format!(
            "it now ranks `{}` above `{}`: {effect}",
            p.above.show(),
            p.below.show()
        ));
    }
    if r.reordered.is_empty() {
        lines.push(if r.decides {
            "it decides changes below".to_string()
        } else {
            "it decides no incident today, but will decide any future overlap of the output's rules"
                .to_string()
        });
    }
    (title, lines)
}

fn one_sided_title(kind: &str, o: &OneSided) -> String {
    let what = match kind {
        "domain" => "can be described only in",
        "assumptions" => "are possible (satisfy the assumptions) only in",
        _ => "are in scope only in",
    };
    format!(
        "{} {what} {}",
        incidents(o.region.read_count()),
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
