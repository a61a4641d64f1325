//! A [`Decision`] for people and for machines: `human.rs` (the terminal), `markdown.rs`
//! (an incident record), `json.rs` (the contract of `decide --format json`) and
//! `record.rs` (one record per incident of a batch, for people). What
//! they say alike about rules and overridden rules is here.

pub mod human;
pub mod json;
pub mod markdown;
pub mod record;

use super::{Answer, Decision};
use crate::analyse::brute;
use crate::check::ir::{InputId, OutputId, Policy, RuleId, Value};
use crate::words;

/// An output as the policy's writer asks it, ready for its answer to follow: "Is the
/// crime recorded?", or, where the doc comment asks no question, its words and a colon.
/// The report says the same (`export::words`), so `decide`, `ask` and the report agree.
pub(crate) fn question(policy: &Policy, o: OutputId) -> String {
    let q = words::output(policy, o);
    if q.ends_with('?') {
        q
    } else {
        format!("{q}:")
    }
}

/// A value in the writer's words ("Manage the incident in school", "yes").
fn said(policy: &Policy, v: &Value) -> String {
    words::value(policy, v)
}

fn input_names(policy: &Policy, is: &[InputId]) -> Vec<String> {
    is.iter().map(|&i| policy.inputs[i].name.clone()).collect()
}

fn rule_names(policy: &Policy, rs: &[RuleId]) -> Vec<String> {
    rs.iter().map(|&r| policy.rules[r].name.clone()).collect()
}

fn rule_line(policy: &Policy, r: RuleId) -> String {
    let rule = &policy.rules[r];
    let mut s = format!("`{}`", rule.name);
    if let Some(t) = &rule.title {
        s.push_str(&format!(" — {t}"));
    }
    match &rule.cites {
        // A blank `cites ""` (W0003) cites nothing: say so rather than print `[]`.
        Some(c) if c.trim().is_empty() => s.push_str(" (no citation)"),
        Some(c) => s.push_str(&format!(" [{}]", words::citation(policy, c))),
        None => {}
    }
    s
}

/// What became of the assignments of an overridden rule `r`.
struct Overridden {
    /// Per output `r` assigns that an overriding rule wins: the winners, the applying
    /// rules that override `r` (directly or through a chain) and assign that output.
    lost: Vec<(OutputId, Vec<RuleId>)>,
    /// The outputs whose value `r` still gives (alone or with others, or in a conflict).
    stands: Vec<OutputId>,
    /// The outputs where `r`'s value lost by precedence to a value ranked higher.
    outranked: Vec<OutputId>,
    /// The outputs whose fate the facts do not settle (partial facts only).
    open: Vec<OutputId>,
}

impl Overridden {
    /// The rules whose assignments won over `r`, in the order they fired.
    fn by(&self, d: &Decision) -> Vec<RuleId> {
        d.fired
            .iter()
            .copied()
            .filter(|s| self.lost.iter().any(|(_, by)| by.contains(s)))
            .collect()
    }
}

fn overridden_detail(policy: &Policy, d: &Decision, r: RuleId) -> Overridden {
    let mut outputs: Vec<OutputId> = policy.rules[r].assigns.iter().map(|a| a.output).collect();
    outputs.sort_unstable();
    outputs.dedup();
    // Only an overriding rule that assigns the same output wins over `r` there: one
    // that assigns other outputs leaves `r`'s assignments standing.
    let overriders: Vec<RuleId> = d
        .fired
        .iter()
        .copied()
        .filter(|&s| s != r && brute::overrides(policy, s, r))
        .collect();
    let mut detail = Overridden {
        lost: Vec::new(),
        stands: Vec::new(),
        outranked: Vec::new(),
        open: Vec::new(),
    };
    for o in outputs {
        let winners: Vec<RuleId> = overriders
            .iter()
            .copied()
            .filter(|&s| policy.rules[s].assigns.iter().any(|a| a.output == o))
            .collect();
        let gives = match d.answers.get(o) {
            Some(Answer::Value { by, .. }) => by.contains(&r),
            Some(Answer::Conflict(vs) | Answer::Overlap(vs)) => {
                vs.iter().any(|(_, rs)| rs.contains(&r))
            }
            _ => false,
        };
        let outranked = match d.answers.get(o) {
            Some(Answer::Value { over, .. }) => over.iter().any(|(_, rs)| rs.contains(&r)),
            _ => false,
        };
        if !winners.is_empty() {
            detail.lost.push((o, winners));
        } else if gives {
            detail.stands.push(o);
        } else if outranked {
            detail.outranked.push(o);
        } else {
            detail.open.push(o);
        }
    }
    detail
}

/// How an overridden rule reads: which of its outputs were won by which rules, and
/// what of it still stands.
fn overridden_text(policy: &Policy, d: &Decision, r: RuleId) -> String {
    let detail = overridden_detail(policy, d, r);
    let out_names = |os: &[OutputId]| {
        os.iter()
            .map(|&o| policy.outputs[o].name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts: Vec<String> = Vec::new();
    if detail.lost.is_empty() {
        parts.push("overridden, by rules that depend on facts not given".into());
    } else {
        let lost: Vec<String> = detail
            .lost
            .iter()
            .enumerate()
            .map(|(k, (o, by))| {
                let name = &policy.outputs[*o].name;
                let by = rule_names(policy, by).join(", ");
                if k == 0 {
                    format!("{name} overridden by {by}")
                } else {
                    format!("{name} by {by}")
                }
            })
            .collect();
        parts.push(lost.join(", "));
    }
    if !detail.stands.is_empty() {
        let verb = if detail.stands.len() == 1 {
            "stands"
        } else {
            "stand"
        };
        parts.push(format!("its {} {verb}", out_names(&detail.stands)));
    }
    if !detail.outranked.is_empty() {
        parts.push(format!(
            "its {} lost by precedence",
            out_names(&detail.outranked)
        ));
    }
    if !detail.open.is_empty() {
        parts.push(format!(
            "whether its {} stands depends on facts not given",
            out_names(&detail.open)
        ));
    }
    if detail.stands.is_empty()
        && detail.open.is_empty()
        && detail.outranked.is_empty()
        && !detail.lost.is_empty()
    {
        parts.push("none of its assignments stands".into());
    }
    parts.join("; ")
}

/// `escalate by precedence over manage_in_school (escalate by r1; manage_in_school by
/// r2)`: a value precedence chose, every rule involved, and what it won over.
fn precedence_text(
    policy: &Policy,
    value: &Value,
    by: &[RuleId],
    over: &[(Value, Vec<RuleId>)],
) -> String {
    let losers: Vec<String> = over.iter().map(|(v, _)| policy.show_value(v)).collect();
    let mut parts = vec![format!(
        "{} by {}",
        policy.show_value(value),
        rule_names(policy, by).join(", ")
    )];
    parts.extend(over.iter().map(|(v, rs)| {
        if rs.is_empty() {
            format!(
                "{} by rules that depend on facts not given",
                policy.show_value(v)
            )
        } else {
            format!(
                "{} by {}",
                policy.show_value(v),
                rule_names(policy, rs).join(", ")
            )
        }
    }));
    format!(
        "{} by precedence over {} ({})",
        policy.show_value(value),
        losers.join(", "),
        parts.join("; ")
    )
}

/// Each value of a conflict or an overlap with its rules: `a by r1; b by r2, r3`.
fn values_by(policy: &Policy, vs: &[(Value, Vec<RuleId>)]) -> String {
    vs.iter()
        .map(|(v, rs)| {
            format!(
                "{} by {}",
                policy.show_value(v),
                rule_names(policy, rs).join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// How a missing input is asked: its question, and for a judgement that it is one,
/// with the paragraph that leaves it to a person.
fn missing_question(policy: &Policy, i: InputId) -> Option<String> {
    let inp = policy.inputs.lookup(i)?;
    let question = inp.doc_line();
    Some(match (&inp.judgement, question) {
        (Some(j), Some(q)) => format!(
            "a judgement for the person handling the incident: {q} ({})",
            j.citation
        ),
        (Some(j), None) => format!(
            "a judgement for the person handling the incident ({})",
            j.citation
        ),
        (None, Some(q)) => q,
        (None, None) => String::new(),
    })
}

/// Why an output waits for facts (`why`), with the value it takes once the incident is
/// known to be in scope, when the facts given already settle it.
fn missing_reason(policy: &Policy, if_in_scope: &Option<Value>, why: &str) -> String {
    match if_in_scope {
        Some(v) => format!(
            "{} if the incident is in scope, which {why}",
            policy.show_value(v)
        ),
        None => why.to_string(),
    }
}
