//! Dead rules: `W0501` for a rule that applies to no valid incident, `W0502` for one
//! whose every assignment is always overridden or outranked by precedence, and for one
//! assignment that never takes effect of a rule whose others do.
//!
//! The help never leads with removing the rule: a safeguarding rule that always loses
//! usually means the precedence is ranked the wrong way round or an overriding rule is
//! too broad, so those are named first.

use super::data::Data;
use crate::analyse::{DeadAssignment, DeadReason, DeadRule};
use crate::check::ir::{HitPolicy, Policy, RuleDef, RuleId};
use crate::diagnostics::{Code, Diagnostic};

pub(super) fn dead_rule(policy: &Policy, dr: &DeadRule) -> Diagnostic {
    let rule = &policy.rules[dr.rule];
    match dr.reason {
        DeadReason::NeverApplies => never_applies(rule),
        DeadReason::AlwaysOverridden => always_overridden(policy, rule, &dr.by),
        DeadReason::Outranked => outranked(policy, rule, dr),
    }
}

fn never_applies(rule: &RuleDef) -> Diagnostic {
    Diagnostic::warning(Code::W0501, format!("rule `{}` never applies", rule.name))
        .primary(
            rule.name_loc,
            "no incident in scope that satisfies the assumptions meets this rule's condition",
        )
        .help("check the condition against the scope and the assumptions, or remove the rule")
        .data_of(&Data::DeadRule {
            rule: &rule.name,
            reason: DeadReason::NeverApplies,
            by: None,
            outranked_by: None,
        })
}

/// `rule`, overridden wherever it applies by the rules `by`.
fn always_overridden(policy: &Policy, rule: &RuleDef, by: &[RuleId]) -> Diagnostic {
    let names: Vec<&str> = by.iter().map(|&s| policy.rules[s].name.as_str()).collect();
    let mut d = Diagnostic::warning(
        Code::W0502,
        format!(
            "every assignment of rule `{}` is always overridden",
            rule.name
        ),
    )
    .primary(
        rule.name_loc,
        "wherever this rule applies, a rule that overrides it applies too",
    );
    for sr in by.iter().map(|&s| &policy.rules[s]) {
        d = d.secondary(
            sr.name_loc,
            format!("`{}` overrides `{}`", sr.name, rule.name),
        );
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    d.help(format!(
        "narrow the conditions of {} to the real exception, or remove the `overrides` that makes them beat `{}` if the document does not make them exceptions to it; remove the rule only if the document does not call for it",
        quoted.join(", "),
        rule.name
    ))
    .note(format!("overridden by {}", quoted.join(", ")))
        .data_of(&Data::DeadRule {
            rule: &rule.name,
            reason: DeadReason::AlwaysOverridden,
            by: Some(names),
            outranked_by: None,
        })
}

/// `rule`, outranked by precedence (by the rules `dr.outranked_by`) or overridden (by
/// `dr.by`) wherever it applies.
fn outranked(policy: &Policy, rule: &RuleDef, dr: &DeadRule) -> Diagnostic {
    let names = |rs: &[RuleId]| rule_names(policy, rs);
    let (over, by) = (names(&dr.outranked_by), names(&dr.by));
    let mut d = Diagnostic::warning(
        Code::W0502,
        format!(
            "every assignment of rule `{}` is always outranked or overridden",
            rule.name
        ),
    )
    .primary(
        rule.name_loc,
        "wherever this rule applies, a rule whose value the precedence ranks higher (or that overrides it) applies too",
    );
    d = beaten_by(d, policy, rule, &dr.outranked_by, &dr.by);
    let mut clauses = Vec::new();
    for a in &rule.assigns {
        if let HitPolicy::Precedence { loc, .. } = &policy.outputs[a.output].hit {
            if !clauses.contains(loc) {
                clauses.push(*loc);
                d = d.secondary(*loc, "the precedence");
            }
        }
    }
    d = d.note(format!("outranked by precedence by {}", quoted(&over)));
    if !by.is_empty() {
        d = d.note(format!("overridden by {}", quoted(&by)));
    }
    let all: Vec<usize> = (0..rule.assigns.len()).collect();
    let ranks = ranking(policy, rule, &all, &dr.outranked_by);
    d.help(outranked_help(&ranks, &over, &by))
        .data_of(&Data::DeadRule {
            rule: &rule.name,
            reason: DeadReason::Outranked,
            by: Some(by),
            outranked_by: Some(over),
        })
}

/// Per assignment (of `assigns`) of `rule` that the rules `over` outrank: "the
/// precedence of `o` ranks `high` above `low`", with the precedence clause.
fn ranking(policy: &Policy, rule: &RuleDef, assigns: &[usize], over: &[RuleId]) -> Vec<String> {
    let mut out = Vec::new();
    for a in assigns.iter().filter_map(|&k| rule.assigns.get(k)) {
        let o = &policy.outputs[a.output];
        let Some(rank) = o.hit.rank(&a.value) else {
            continue;
        };
        let HitPolicy::Precedence { order, .. } = &o.hit else {
            continue;
        };
        // The higher values the outranking rules give, highest first.
        let higher: Vec<String> = order
            .iter()
            .take(rank)
            .filter(|v| {
                over.iter().map(|&s| &policy.rules[s]).any(|s| {
                    s.assigns
                        .iter()
                        .any(|b| b.output == a.output && b.value == **v)
                })
            })
            .map(|v| format!("`{}`", policy.show_value(v)))
            .collect();
        if higher.is_empty() {
            continue;
        }
        out.push(format!(
            "the precedence of `{}` ranks {} above `{}`",
            o.name,
            higher.join(" and "),
            policy.show_value(&a.value)
        ));
    }
    out
}

/// The help of an outranked rule or assignment: the precedence first (the likeliest
/// mistake, and one a reader cannot see from the rules), then the rules, removal last.
fn outranked_help(ranks: &[String], over: &[&str], by: &[&str]) -> String {
    let mut rules: Vec<String> = over.iter().map(|n| format!("`{n}`")).collect();
    rules.extend(by.iter().map(|n| format!("`{n}`")));
    let rules = rules.join(", ");
    if ranks.is_empty() {
        return format!(
            "if the document ranks these values the other way, reverse the precedence; otherwise narrow the conditions of {rules} to the real exception; remove the rule only if the document does not call for it"
        );
    }
    format!(
        "{}: if the document ranks them the other way, reverse it; otherwise narrow the conditions of {rules} to the real exception; remove the rule only if the document does not call for it",
        ranks.join("; ")
    )
}

/// `W0502` for one assignment of a rule whose other assignments take effect: the rule
/// is alive, so the rule-level warning stays silent, yet this value is never given.
pub(super) fn dead_assignment(policy: &Policy, da: &DeadAssignment) -> Option<Diagnostic> {
    let rule = &policy.rules[da.rule];
    let a = rule.assigns.get(da.assign)?;
    let o = &policy.outputs[a.output];
    let names = |rs: &[RuleId]| rule_names(policy, rs);
    let (over, by) = (names(&da.outranked_by), names(&da.by));
    let value = policy.show_value(&a.value);
    let how = match da.reason {
        DeadReason::Outranked => "wherever this rule applies, a rule whose value the precedence ranks higher (or that overrides it) applies too",
        _ => "wherever this rule applies, a rule that overrides it and assigns this output applies too",
    };
    let mut d = Diagnostic::warning(
        Code::W0502,
        format!(
            "the assignment `{} = {value}` of rule `{}` never takes effect",
            o.name, rule.name
        ),
    )
    .primary(a.loc, how)
    .secondary(rule.name_loc, "its other assignments do take effect");
    d = beaten_by(d, policy, rule, &da.outranked_by, &da.by);
    if let (DeadReason::Outranked, HitPolicy::Precedence { loc, .. }) = (da.reason, &o.hit) {
        d = d.secondary(*loc, "the precedence");
    }
    if !over.is_empty() {
        d = d.note(format!("outranked by precedence by {}", quoted(&over)));
    }
    if !by.is_empty() {
        d = d.note(format!("overridden by {}", quoted(&by)));
    }
    d = d.note(format!(
        "no incident gets `{}` = {value} from `{}`",
        o.name, rule.name
    ));
    let help = if da.reason == DeadReason::Outranked {
        let ranks = ranking(policy, rule, &[da.assign], &da.outranked_by);
        outranked_help(&ranks, &over, &by)
            .replace("remove the rule only if", "remove the assignment only if")
    } else {
        format!(
            "narrow the conditions of {} to the real exception, or remove the `overrides` that makes them beat `{}` if the document does not make them exceptions to it; remove the assignment only if the document does not call for it",
            quoted(&by),
            rule.name
        )
    };
    Some(d.help(help).data_of(&Data::DeadAssignment {
        rule: &rule.name,
        output: &o.name,
        value: policy.value_json(&a.value),
        reason: da.reason,
        by,
        outranked_by: over,
    }))
}

/// The names of rules `rs`.
fn rule_names<'p>(policy: &'p Policy, rs: &[RuleId]) -> Vec<&'p str> {
    rs.iter().map(|&s| policy.rules[s].name.as_str()).collect()
}

/// Names in backticks, separated by commas.
fn quoted(ns: &[&str]) -> String {
    ns.iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Labels the rules that beat `rule`: those whose value the precedence ranks higher,
/// then those that override it.
fn beaten_by(
    mut d: Diagnostic,
    policy: &Policy,
    rule: &RuleDef,
    outranked_by: &[RuleId],
    by: &[RuleId],
) -> Diagnostic {
    for sr in outranked_by.iter().map(|&s| &policy.rules[s]) {
        d = d.secondary(
            sr.name_loc,
            format!("`{}` outranks `{}`", sr.name, rule.name),
        );
    }
    for sr in by.iter().map(|&s| &policy.rules[s]) {
        d = d.secondary(
            sr.name_loc,
            format!("`{}` overrides `{}`", sr.name, rule.name),
        );
    }
    d
}
