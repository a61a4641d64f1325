//! A decision for people, as `policyc decide` prints it on a terminal.

use super::{
    input_names, missing_question, missing_reason, overridden_text, precedence_text, question,
    rule_line, rule_names, said, values_by,
};
use crate::check::ir::{OutputId, OutputTy, Policy};
use crate::evaluate::{Answer, DecideStatus, Decision};
use crate::words;

/// The answer for people.
pub fn decision_human(policy: &Policy, d: &Decision) -> String {
    let mut s = String::new();
    let status = match d.status {
        DecideStatus::Decided => "decided",
        DecideStatus::Undecided => "undecided",
        DecideStatus::OutOfScope => "out of scope: this policy decides nothing for this incident",
    };
    s.push_str(&format!("policy {}: {status}\n", policy.name));
    if d.status != DecideStatus::OutOfScope {
        s.push_str("\ndecision:\n");
        for (o, a) in d.answers.entries() {
            s.push_str(&format!("  {}\n", answer_line(policy, d, o, a)));
        }
    }
    if !d.fired.is_empty() {
        s.push_str("\nrules that fired:\n");
        for &r in &d.fired {
            s.push_str(&format!("  {}\n", rule_line(policy, r)));
        }
    }
    if !d.overridden.is_empty() {
        s.push_str("\noverridden:\n");
        for &r in &d.overridden {
            s.push_str(&format!(
                "  {}: {}\n",
                rule_line(policy, r),
                overridden_text(policy, d, r)
            ));
        }
    }
    if !d.facts_used.is_empty() {
        let names = input_names(policy, &d.facts_used);
        s.push_str(&format!("\nfacts that mattered: {}\n", names.join(", ")));
    }
    if !d.missing.is_empty() {
        s.push_str("\nstill to find out:\n");
        for &i in &d.missing {
            let inp = &policy.inputs[i];
            match missing_question(policy, i).filter(|q| !q.is_empty()) {
                // Plain text: the vocabulary's backticks are for Markdown readers.
                Some(q) => s.push_str(&format!(
                    "  {} — {}\n",
                    inp.name,
                    crate::words::unquoted(&q)
                )),
                None => s.push_str(&format!("  {}\n", inp.name)),
            }
        }
    }
    s
}

/// Output `o` asked in the writer's words and answered: "Is the crime recorded? yes
/// (recorded = true, by r1)", the policy's names in parentheses for its writers.
pub(crate) fn answer_line(policy: &Policy, d: &Decision, o: OutputId, a: &Answer) -> String {
    format!("{} {}", question(policy, o), answer_text(policy, d, o, a))
}

/// What output `o` is, in words, and why, with the policy's names in parentheses.
fn answer_text(policy: &Policy, d: &Decision, o: OutputId, a: &Answer) -> String {
    let name = policy.outputs[o].name.as_str();
    match a {
        Answer::Gap => match (d.accepted_reason(o), d.open_acceptance(o)) {
            (Some(r), _) => format!("{} ({name})", words::undecided_on_purpose(r)),
            (None, Some(open)) => format!(
                "{} ({name}: no rule gives a value); whether the policy accepts it ({}) depends on facts not given: {}",
                words::UNDECIDED_GAP,
                open.reasons,
                input_names(policy, &open.depends_on).join(", ")
            ),
            (None, None) => format!("{} ({name}: no rule gives a value)", words::UNDECIDED_GAP),
        },
        Answer::Value { value, by, over } if !over.is_empty() => format!(
            "{} ({name} = {})",
            said(policy, value),
            precedence_text(policy, value, by, over)
        ),
        Answer::Value { value, by, .. } if by.is_empty() => {
            let is_set = matches!(policy.outputs[o].ty, OutputTy::Set(_));
            let why = if is_set {
                "no rule adds to it"
            } else {
                "the default"
            };
            format!(
                "{} ({name} = {}, {why})",
                said(policy, value),
                policy.show_value(value)
            )
        }
        Answer::Value { value, by, .. } => format!(
            "{} ({name} = {}, by {})",
            said(policy, value),
            policy.show_value(value),
            rule_names(policy, by).join(", ")
        ),
        Answer::Conflict(vs) => format!(
            "undecided: rules conflict ({name}: {})",
            values_by(policy, vs)
        ),
        Answer::Overlap(vs) => format!(
            "undecided: the output is exclusive and rules overlap ({name}: {})",
            values_by(policy, vs)
        ),
        Answer::Missing { if_in_scope } => format!(
            "undecided: {} ({name})",
            missing_reason(policy, if_in_scope, "depends on facts not given")
        ),
        Answer::None => String::new(),
    }
}
