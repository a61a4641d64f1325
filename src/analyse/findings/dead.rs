//! Dead rules: `W0501` for a rule that applies to no valid incident, `W0502` for one
//! whose every assignment is always overridden or outranked by precedence.

use super::data::Data;
use crate::analyse::{DeadReason, DeadRule};
use crate::check::ir::{Policy, RuleDef, RuleId};
use crate::diagnostics::{Code, Diagnostic};

pub(super) fn dead_rule(policy: &Policy, dr: &DeadRule) -> Option<Diagnostic> {
    let rule = policy.rules.get(dr.rule)?;
    Some(match dr.reason {
        DeadReason::NeverApplies => never_applies(rule),
        DeadReason::AlwaysOverridden => always_overridden(policy, rule, &dr.by),
        DeadReason::Outranked => outranked(policy, rule, dr),
    })
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
    let names: Vec<&str> = by
        .iter()
        .map(|&s| policy.rules.get(s).map(|x| x.name.as_str()).unwrap_or("?"))
        .collect();
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
    for sr in by.iter().filter_map(|&s| policy.rules.get(s)) {
        d = d.secondary(
            sr.name_loc,
            format!("`{}` overrides `{}`", sr.name, rule.name),
        );
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    d.help("remove the rule, or narrow the overriding rules' conditions")
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
    let names = |rs: &[RuleId]| -> Vec<&str> {
        rs.iter()
            .map(|&s| policy.rules.get(s).map(|x| x.name.as_str()).unwrap_or("?"))
            .collect()
    };
    let quoted = |ns: &[&str]| -> String {
        ns.iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
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
    for sr in dr.outranked_by.iter().filter_map(|&s| policy.rules.get(s)) {
        d = d.secondary(
            sr.name_loc,
            format!("`{}` outranks `{}`", sr.name, rule.name),
        );
    }
    for sr in dr.by.iter().filter_map(|&s| policy.rules.get(s)) {
        d = d.secondary(
            sr.name_loc,
            format!("`{}` overrides `{}`", sr.name, rule.name),
        );
    }
    d = d.note(format!("outranked by precedence by {}", quoted(&over)));
    if !by.is_empty() {
        d = d.note(format!("overridden by {}", quoted(&by)));
    }
    d.help("remove the rule, or narrow the higher-ranked (or overriding) rules' conditions")
        .data_of(&Data::DeadRule {
            rule: &rule.name,
            reason: DeadReason::Outranked,
            by: Some(by),
            outranked_by: Some(over),
        })
}
