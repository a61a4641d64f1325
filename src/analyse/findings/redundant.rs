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
    let rule = &policy.rules[x.rule];
    let name = |s: RuleId| policy.rules[s].name.as_str();
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
        let second = &policy.rules[t];
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
            .map(|a| &policy.outputs[a.output])
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
    // A covering rule may give the same value, or one the precedence ranks higher (it
    // then wins where both apply): saying "the same" of the second would tell a writer
    // that a referral rule and a "manage in school" rule agree (review 2, N3).
    let outranks = |sr: &crate::check::ir::RuleDef| {
        sr.assigns.iter().any(|b| {
            rule.assigns
                .iter()
                .any(|a| a.output == b.output && a.value != b.value)
        })
    };
    let mut outranked_by = Vec::new();
    for &s in &x.covered_by {
        let sr = &policy.rules[s];
        let label = if outranks(sr) {
            outranked_by.push(s);
            format!(
                "`{}` gives a value the precedence ranks higher, and wins, where both apply",
                sr.name
            )
        } else {
            format!("`{}` decides the same where both apply", sr.name)
        };
        d = d.secondary(sr.name_loc, label);
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
        // Without the rule the default decides part of what it decides: the default
        // also answers every incident no rule speaks to, now and after any edit.
        _ if x.by_default => format!(
            "without this rule the default of {} decides these incidents; remove the rule only if the document gives that default for them, and if the document states this decision, keep the rule and ask whether the default belongs at all",
            out_default()
        ),
        _ if !outranked_by.is_empty() => format!(
            "where both apply, {} outranks this rule by precedence; remove the rule only if the document does not state this decision on its own, and check the precedence ranks the values as the document does",
            quoted(&outranked_by)
        ),
        ([s], Some(_)) => format!(
            "remove the rule, moving its citation to `{}` if it supports that rule too",
            name(*s)
        ),
        _ => "remove the rule, or narrow the rules that cover it if it is meant to decide something of its own".to_string(),
    };
    Some(d.help(help).data_of(&data))
}

/// Both citations as one: the first's, then the second's when it says more.
pub(super) fn merged_cites(a: Option<&str>, b: Option<&str>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}; {b}")),
        _ => None,
    }
}

/// The rules the redundancy search left unsettled (too many assignments meet them for an
/// exact comparison): a note, so that no reader takes the absence of W0507 for a proof.
pub(super) fn unsettled(policy: &Policy, rules: &[RuleId]) -> Option<Diagnostic> {
    const SHOWN: usize = 10;
    let first = policy.rules.lookup(*rules.first()?)?;
    let names: Vec<String> = rules
        .iter()
        .take(SHOWN)
        .map(|&r| format!("`{}`", policy.rules[r].name))
        .collect();
    let more = rules.len().saturating_sub(SHOWN);
    let listed = if more > 0 {
        format!("{} and {more} more", names.join(", "))
    } else {
        names.join(", ")
    };
    Some(
        Diagnostic::new(
            crate::diagnostics::Severity::Note,
            Code::W0507,
            format!(
                "{} rule(s) were not checked for redundancy: too many other rules decide the same outputs where they apply",
                rules.len()
            ),
        )
        .primary(first.name_loc, "not checked for redundancy")
        .note(format!("not checked: {listed}"))
        .help(
            "nothing is wrong with these rules as far as the other findings go; split the policy into smaller outputs, or check a smaller copy, to have them compared",
        ),
    )
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)] // tests index what they just built
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    #[test]
    fn rules_left_unsettled_are_named_in_a_note() {
        let policy = crate::check::policy_from_text(
            "policy p \"t\"\ninput a: bool\noutput o: bool\n\
             rule r1 \"t\" cites \"c\" when a then o = true\n\
             rule r2 \"t\" cites \"c\" when not a then o = false\n",
        );
        let ids: Vec<RuleId> = policy.rules.ids().collect();
        assert!(unsettled(&policy, &[]).is_none());
        let d = unsettled(&policy, &ids).expect("a note");
        assert_eq!(d.severity, Severity::Note);
        assert!(
            d.message.starts_with("2 rule(s) were not checked"),
            "{}",
            d.message
        );
        assert_eq!(d.notes, ["not checked: `r1`, `r2`"]);
    }
}
