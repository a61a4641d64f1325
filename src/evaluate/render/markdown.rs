//! A decision as an incident record in Markdown: the facts, the decision, the actions
//! taken and not taken, each with its justification (the rule, its title and citation).

use super::{
    input_names, missing_question, missing_reason, overridden_text, question, rule_line,
    rule_names, said,
};
use crate::check::ir::{OutputDef, OutputId, OutputTy, Policy, RuleId, Value, VariantId};
use crate::evaluate::{Answer, DecideStatus, Decision, Facts};
use crate::words;

/// An incident record in Markdown: the facts, the decision, the actions taken and not
/// taken, each with its justification (the rule, its title and citation).
pub fn decision_markdown(policy: &Policy, facts: &Facts, d: &Decision) -> String {
    record_markdown(policy, facts, d, None)
}

/// The incident record, its title naming the `place` in the facts of the incident it
/// answers in a batch (`record::place`).
pub(super) fn record_markdown(
    policy: &Policy,
    facts: &Facts,
    d: &Decision,
    place: Option<&str>,
) -> String {
    let mut s = heading(policy, d, place);
    s.push_str(&facts_table(policy, facts));
    if d.status == DecideStatus::OutOfScope {
        s.push_str("\nThe incident is outside the scope of this policy: it decides nothing.\n");
        return s;
    }
    let mut actions = Actions::default();
    for ((o, out), a) in policy.outputs.entries().zip(&d.answers) {
        actions.add(policy, d, o, out, a);
    }
    s.push_str("\n## Actions taken\n\n");
    if actions.taken.is_empty() {
        s.push_str("- none\n");
    }
    for line in &actions.taken {
        s.push_str(&format!("{line}\n"));
    }
    s.push_str("\n## Actions not taken\n\n");
    if actions.not_taken.is_empty() && d.overridden.is_empty() {
        s.push_str("- none\n");
    }
    for line in &actions.not_taken {
        s.push_str(&format!("{line}\n"));
    }
    for &r in &d.overridden {
        s.push_str(&format!(
            "- overridden: {} — {}\n",
            rule_line(policy, r),
            overridden_text(policy, d, r)
        ));
    }
    if !d.missing.is_empty() || !actions.waiting.is_empty() {
        s.push_str("\n## Still to find out\n\n");
        // An output that waits for facts is not an action not taken: it is open.
        if !actions.waiting.is_empty() {
            s.push_str("Decisions that wait for facts:\n\n");
            for line in &actions.waiting {
                s.push_str(&format!("{line}\n"));
            }
            if !d.missing.is_empty() {
                s.push_str("\nFacts to find out:\n\n");
            }
        }
        for &i in &d.missing {
            let inp = &policy.inputs[i];
            s.push_str(&format!(
                "- {}\n",
                missing_question(policy, i)
                    .filter(|q| !q.is_empty())
                    .unwrap_or_else(|| inp.name.clone())
            ));
        }
    }
    s
}

/// The title, the policy's source and the status.
fn heading(policy: &Policy, d: &Decision, place: Option<&str>) -> String {
    let title = policy
        .header
        .as_ref()
        .and_then(|h| h.title.clone())
        .unwrap_or_else(|| policy.name.clone());
    let mut s = match place {
        Some(place) => format!("# Incident record: {title} ({place})\n\n"),
        None => format!("# Incident record: {title}\n\n"),
    };
    if let Some(src) = policy.header.as_ref().and_then(|h| h.source.clone()) {
        s.push_str(&format!(
            "Policy `{}`, source {}.\n\n",
            policy.name,
            words::source(&src)
        ));
    }
    s.push_str(&format!(
        "Status: **{}**\n\n",
        d.status.as_str().replace('_', " ")
    ));
    s
}

/// Every input the policy reads, asked as a question, with the fact given or "not
/// known". An input of the vocabulary the policy never reads is no open question: it
/// is left out, or, when given, named below the table.
fn facts_table(policy: &Policy, facts: &Facts) -> String {
    let reads = policy.reads();
    let mut s = String::from("## Facts\n\n| fact | value |\n|---|---|\n");
    let mut unread_given: Vec<&str> = Vec::new();
    for ((i, inp), v) in policy.inputs.entries().zip(&facts.values) {
        if !reads.contains(i) {
            if v.is_some() {
                unread_given.push(inp.name.as_str());
            }
            continue;
        }
        // The record answers questions for people: "yes" reads where `true` does not.
        let shown = match v {
            Some(Value::Bool(true)) => "yes".to_string(),
            Some(Value::Bool(false)) => "no".to_string(),
            Some(v) => policy.show_value(v),
            None => "not known".to_string(),
        };
        let q = inp.doc_line().unwrap_or_else(|| inp.name.clone());
        s.push_str(&format!("| {q} | {shown} |\n"));
    }
    if !unread_given.is_empty() {
        s.push_str(&format!(
            "\nAlso given, but not read by this policy: {}.\n",
            unread_given.join(", ")
        ));
    }
    s
}

/// The lines of the two action lists, one per action.
#[derive(Default)]
struct Actions {
    taken: Vec<String>,
    not_taken: Vec<String>,
    /// Outputs undecided until facts not known yet are (under "Still to find out").
    waiting: Vec<String>,
}

impl Actions {
    /// What output `o` (`out`) answered `a` adds to the lists: a value given is an action
    /// taken; `false`, the variants a set leaves out, a gap, a conflict and an overlap
    /// are actions not taken; an output that waits for facts is still to find out.
    fn add(&mut self, policy: &Policy, d: &Decision, o: OutputId, out: &OutputDef, a: &Answer) {
        // The writer's question and words first; the policy's names in code for writers.
        let q = question(policy, o);
        let name = &out.name;
        match (a, out.ty) {
            (
                Answer::Value {
                    value: Value::Set(e, vs),
                    by,
                    ..
                },
                OutputTy::Set(_),
            ) => {
                if !vs.is_empty() {
                    let v = Value::Set(*e, vs.clone());
                    self.taken.push(format!(
                        "- {q} {} (`{name} = {}`) — {}",
                        said(policy, &v),
                        policy.show_value(&v),
                        justification(policy, by)
                    ));
                }
                let absent: Vec<VariantId> = policy.enums[*e]
                    .variants
                    .ids()
                    .filter(|v| !vs.contains(v))
                    .collect();
                if !absent.is_empty() {
                    let said: Vec<String> = absent
                        .iter()
                        .map(|&v| words::variant(policy, *e, v))
                        .collect();
                    let names: Vec<&str> =
                        absent.iter().map(|&v| policy.variant_name(*e, v)).collect();
                    self.not_taken.push(format!(
                        "- {q} none of: {} (`{name}` lacks `{}`) — no applying rule adds them",
                        said.join("; "),
                        names.join(", ")
                    ));
                }
            }
            (
                Answer::Value {
                    value: Value::Bool(false),
                    by,
                    over,
                },
                _,
            ) => self.not_taken.push(format!(
                "- {q} no (`{name} = false`) — {}{}",
                justification(policy, by),
                outranked(policy, over)
            )),
            (Answer::Value { value, by, over }, _) => self.taken.push(format!(
                "- {q} {} (`{name} = {}`) — {}{}",
                said(policy, value),
                policy.show_value(value),
                justification(policy, by),
                outranked(policy, over)
            )),
            (Answer::Gap, _) => self.not_taken.push(gap_line(policy, d, o, &q, name)),
            (Answer::Conflict(vs), _) => self.not_taken.push(format!(
                "- {q} undecided: rules conflict (`{name}`): {}",
                value_parts(policy, vs).join(" vs ")
            )),
            (Answer::Overlap(vs), _) => self.not_taken.push(format!(
                "- {q} undecided: the output is exclusive and rules overlap (`{name}`): {}",
                value_parts(policy, vs).join(", ")
            )),
            (Answer::Missing { if_in_scope }, _) => self.waiting.push(format!(
                "- {q} undecided (`{name}`): {}",
                missing_reason(policy, if_in_scope, "depends on facts not known yet")
            )),
            (Answer::None, _) => {}
        }
    }
}

/// The rules that gave a value, or the default.
fn justification(policy: &Policy, by: &[RuleId]) -> String {
    if by.is_empty() {
        "the policy's default".to_string()
    } else {
        by.iter()
            .map(|&r| rule_line(policy, r))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// `; by precedence over manage_in_school (manage_in_school_otherwise: ...)`: the values
/// a precedence ranked below the one taken, with the rules that gave them.
fn outranked(policy: &Policy, over: &[(Value, Vec<RuleId>)]) -> String {
    if over.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = over
        .iter()
        .map(|(v, rs)| {
            let rules: Vec<String> = rs.iter().map(|&r| rule_line(policy, r)).collect();
            if rules.is_empty() {
                format!(
                    "{} (by rules that depend on facts not known yet)",
                    policy.show_value(v)
                )
            } else {
                format!("{} ({})", policy.show_value(v), rules.join("; "))
            }
        })
        .collect();
    format!("; by precedence over {}", parts.join(", "))
}

/// A gap, accepted or not, or whose acceptance waits for facts.
fn gap_line(policy: &Policy, d: &Decision, o: OutputId, q: &str, name: &str) -> String {
    match (d.accepted_reason(o), d.open_acceptance(o)) {
        (Some(r), _) => format!("- {q} {} (`{name}`)", words::undecided_on_purpose(r)),
        (None, Some(open)) => format!(
            "- {q} {} (`{name}`); whether the policy leaves it undecided on purpose ({}) depends on facts not known yet: {}",
            words::UNDECIDED_GAP,
            open.reasons,
            input_names(policy, &open.depends_on).join(", ")
        ),
        (None, None) => format!("- {q} {} (`{name}`)", words::UNDECIDED_GAP),
    }
}

/// Each value of a conflict or an overlap with the rules that give it: `value (r1, r2)`.
fn value_parts(policy: &Policy, vs: &[(Value, Vec<RuleId>)]) -> Vec<String> {
    vs.iter()
        .map(|(v, rs)| {
            format!(
                "{} ({})",
                policy.show_value(v),
                rule_names(policy, rs).join(", ")
            )
        })
        .collect()
}
