//! A diff for a terminal.

use super::{
    appearing_lines, change_title, example, incidents, list, one_sided_title, ranking_lines,
    reason_lines, same_outputs, shown, summary_line,
};
use crate::compile::describe::show_count;
use crate::diff::git::{FileStatus, RevisionDiff};
use crate::diff::PolicyDiff;

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
    for (name, r) in d.ranking_changes() {
        let (title, lines) = ranking_lines(name, r);
        line(String::new());
        line(title);
        for l in lines {
            line(format!("    {l}"));
        }
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
                incidents(c.region.read_count())
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
        "compared {} that both policies decide, of {} possible over the inputs either policy reads",
        incidents(d.reads.count(d.compared)),
        show_count(d.reads.count(d.total))
    ));
    out
}

/// Plain text for a terminal: each file compared with the revision, and its diff.
pub fn revision(r: &RevisionDiff) -> String {
    let rev = &r.revision;
    let mut out = String::new();
    for (rel, s) in &r.files {
        let rel = shown(rel);
        match s {
            FileStatus::Compared(d) => {
                out.push_str(&format!("== {rel} (against {rev})\n"));
                out.push_str(&human(d));
            }
            FileStatus::Added => out.push_str(&format!("== {rel}: added (not in {rev})\n")),
            FileStatus::Removed => out.push_str(&format!("== {rel}: removed (was in {rev})\n")),
            FileStatus::Module => out.push_str(&format!(
                "== {rel}: a module (no `policy` header), compared through the policies that use it\n"
            )),
            FileStatus::Tests(p) => out.push_str(&format!(
                "== {rel}: tests the policy of `{}`, compared there\n",
                shown(p)
            )),
        }
    }
    // With errors (printed before this), "nothing to compare" would mislead: the files
    // were there, and could not be read.
    if r.files.is_empty() && r.errors.is_empty() {
        out.push_str("no policy files to compare\n");
    }
    out
}
