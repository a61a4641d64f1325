//! Redundant rules (`W0507`): a rule whose removal changes no decision, with the rules
//! (or the default) that decide the same wherever it applies; a rule written twice is
//! one finding on the pair, which suggests keeping the first with both citations.

use super::data::Data;
use crate::analyse::RedundantRule;
use crate::check::ir::{Policy, RuleId};
use crate::diagnostics::{Code, Diagnostic};

pub(super) fn redundant(
    policy: &Policy,
    x: &RedundantRule,
    all: &[RedundantRule],
) -> Option<Diagnostic> {
    let rule = policy.rules.get(x.rule)?;
    let name = |s: RuleId| policy.rules.get(s).map(|r| r.name.as_str()).unwrap_or("?");
    let quoted = |rs: &[RuleId]| -> String {
        rs.iter()
            .map(|&s| format!("`{}`", name(s)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let data = Data::RedundantRule {
        rule: &rule.name,
        covered_by: x.covered_by.iter().map(|&s| name(s)).collect(),
        by_default: x.by_default,
        twin: x.twin.map(name),
    };
    if let Some(t) = x.twin {
        let second = policy.rules.get(t)?;
        let mut d = Diagnostic::warning(
            Code::W0507,
            format!(
                "rules `{}` and `{}` decide the same: one of them is redundant",
                rule.name, second.name
            ),
        )
        .primary(
            second.name_loc,
            format!(
                "removing this rule changes no decision: `{}` decides the same",
                rule.name
            ),
        )
        .secondary(
            rule.name_loc,
            format!(
                "removing this rule changes no decision: `{}` decides the same",
                second.name
            ),
        )
        .note("either rule may go, not both");
        d = match merged_cites(rule.cites.as_deref(), second.cites.as_deref()) {
            Some(cites) => d.help(format!(
                "keep `{}` with both citations (`cites {}`) and remove `{}`",
                rule.name,
                crate::format::quote(&cites),
                second.name
            )),
            None => d.help(format!("keep `{}` and remove `{}`", rule.name, second.name)),
        };
        return Some(d.data_of(&data));
    }
    let out_default = || {
        let outputs: Vec<&str> = rule
            .assigns
            .iter()
            .filter_map(|a| policy.outputs.get(a.output))
            .filter(|o| o.default.is_some())
            .map(|o| o.name.as_str())
            .collect();
        outputs
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut by = Vec::new();
    if !x.covered_by.is_empty() {
        by.push(quoted(&x.covered_by));
    }
    if x.by_default {
        by.push(format!("the default of {}", out_default()));
    }
    let mut d = Diagnostic::warning(
        Code::W0507,
        format!(
            "rule `{}` is redundant: removing it changes no decision",
            rule.name
        ),
    )
    .primary(
        rule.name_loc,
        "wherever this rule applies, the policy decides the same without it",
    );
    for &s in &x.covered_by {
        if let Some(sr) = policy.rules.get(s) {
            d = d.secondary(
                sr.name_loc,
                format!("`{}` decides the same where both apply", sr.name),
            );
        }
    }
    if rule.assigns.is_empty() {
        d = d.note("the rule assigns nothing");
    } else {
        d = d.note(format!("covered by {}", by.join(" and ")));
    }
    // Removing one redundant rule can make another necessary.
    let also: Vec<RuleId> = x
        .covered_by
        .iter()
        .copied()
        .filter(|s| all.iter().any(|y| y.rule == *s || y.twin == Some(*s)))
        .collect();
    if !also.is_empty() {
        d = d.note(format!(
            "{} {} redundant too: remove one rule at a time and check again",
            quoted(&also),
            if also.len() == 1 { "is" } else { "are" }
        ));
    }
    let help = match (&x.covered_by[..], &rule.cites) {
        ([s], Some(_)) => format!(
            "remove the rule, moving its citation to `{}` if it supports that rule too",
            name(*s)
        ),
        _ => "remove the rule, or narrow the rules that cover it if it is meant to decide something of its own".to_string(),
    };
    Some(d.help(help).data_of(&data))
}

/// Both citations as one: the first's, then the second's when it says more.
fn merged_cites(a: Option<&str>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}; {b}")),
        _ => None,
    }
}
