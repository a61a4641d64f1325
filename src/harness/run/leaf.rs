//! How a leaf of the decision graph reads in a report: its status, an output's result,
//! its rules; and where a declaration is.

use crate::check::ir::{OutputId, Policy, RuleId};
use crate::compile::graph::{Leaf, Outcome, Status};
use crate::harness::LocatedRule;
use crate::source::{Loc, Sources};

/// `file:line` of a location.
pub fn location(sources: &Sources, loc: Loc) -> String {
    let (line, _) = sources.line_col(loc.file, loc.span.start);
    format!("{}:{line}", sources.name(loc.file))
}

/// A rule as the report names it: name, title, citation and where it is declared.
pub(super) fn located_rule(sources: &Sources, policy: &Policy, r: RuleId) -> LocatedRule {
    let rule = &policy.rules[r];
    LocatedRule {
        name: rule.name.clone(),
        title: rule.title.clone(),
        cites: rule.cites.clone(),
        location: location(sources, rule.name_loc),
    }
}

/// The rules at a leaf, as a failing test shows them: those that fired (applied, not
/// overridden, not outranked), those outranked by a precedence (listed among the fired,
/// they read as if they had decided; review 2, C-b), and those overridden. Rules in a
/// conflict or an overlap stay among the fired: the actual result names them.
pub(super) struct LeafRules {
    pub fired: Vec<LocatedRule>,
    pub set_aside: Vec<LocatedRule>,
    pub overridden: Vec<LocatedRule>,
}

pub(super) fn leaf_rules(sources: &Sources, policy: &Policy, l: &Leaf) -> LeafRules {
    let outranked = |r: &RuleId| {
        l.outcomes.iter().any(|o| match o {
            Outcome::Value { over, .. } => over.iter().any(|(_, by)| by.contains(r)),
            _ => false,
        })
    };
    let refs = |rs: &mut dyn Iterator<Item = &RuleId>| -> Vec<LocatedRule> {
        rs.map(|&r| located_rule(sources, policy, r)).collect()
    };
    let live = || l.applied.iter().filter(|r| !l.overridden.contains(r));
    LeafRules {
        fired: refs(&mut live().filter(|r| !outranked(r))),
        set_aside: refs(&mut live().filter(|r| outranked(r))),
        overridden: refs(&mut l.overridden.iter()),
    }
}

/// How far the policy accepts an output's gap (`accept gap`) for the incidents a failed
/// scenario's example stands for: those with its `fixed` facts (given, and asked on the
/// way to the leaf).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Accepted {
    /// For every one of them: "undecided on purpose: <reasons>", as `decide`, `ask` and
    /// the drawings say it.
    All(String),
    /// For some only (the acceptance reads inputs the decision never asks): still a gap,
    /// and said so, with the reasons of the part accepted.
    Part(String),
    /// [`Accepted::Part`] where the example shown is one of the incidents accepted, and
    /// another escapes this output's acceptances but not with the other failing
    /// outputs' (`super::escape`).
    PartShown(String),
    /// Accepted for the example shown; whether for every incident with these facts, the
    /// search stopped at a budget before it could tell.
    Here(String),
}

/// The outputs the leaf leaves without a value that an `accept gap` covers, wholly or in
/// part, for the incidents with the `fixed` facts.
pub(super) fn accepted_gaps(
    policy: &Policy,
    leaf: &Leaf,
    fixed: &crate::evaluate::Facts,
) -> Vec<(OutputId, Accepted)> {
    policy
        .outputs
        .ids()
        .filter(|&o| matches!(leaf.outcome(o), Some(Outcome::Gap)))
        .filter_map(|o| {
            let (mut all, mut part) = (Vec::new(), Vec::new());
            for g in policy.accepted_gaps.iter().filter(|g| g.output == o) {
                match crate::evaluate::accept::settle(policy, &g.when, fixed) {
                    Some(true) => all.push(g.reason.as_str()),
                    None => part.push(g),
                    Some(false) => {}
                }
            }
            let reasons = |gs: &[&crate::check::ir::AcceptedGap]| {
                gs.iter()
                    .map(|g| g.reason.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            if !all.is_empty() {
                return Some((o, Accepted::All(all.join("; "))));
            }
            if part.is_empty() {
                return None;
            }
            // Acceptances that each cover some of the incidents may together cover them
            // all (`when online` and `when not online`): then the gap is accepted.
            let any = crate::check::ir::Expr::Or(part.iter().map(|g| g.when.clone()).collect());
            match crate::evaluate::accept::settle(policy, &any, fixed) {
                Some(true) => Some((o, Accepted::All(reasons(&part)))),
                _ => Some((o, Accepted::Part(reasons(&part)))),
            }
        })
        .collect()
}

/// The text of one output's result at a leaf.
pub(super) fn actual(policy: &Policy, leaf: &Leaf, output: OutputId) -> String {
    match leaf.status {
        Status::OutOfScope => return "out_of_scope".into(),
        Status::BrokenAssumption => return "an impossible incident".into(),
        Status::InScope => {}
    }
    let from = |values: &[(crate::check::ir::Value, Vec<RuleId>)]| -> String {
        let parts: Vec<String> = values
            .iter()
            .map(|(v, by)| {
                let names: Vec<&str> = by.iter().map(|&r| policy.rules[r].name.as_str()).collect();
                format!("{} from {}", policy.show_value(v), names.join(", "))
            })
            .collect();
        parts.join("; ")
    };
    match &leaf.outcomes[output] {
        // A value precedence chose is the value: what a scenario expects of it.
        Outcome::Value { value, over, .. } if !over.is_empty() => {
            let losers: Vec<String> = over.iter().map(|(v, _)| policy.show_value(v)).collect();
            format!(
                "{} (by precedence over {})",
                policy.show_value(value),
                losers.join(", ")
            )
        }
        Outcome::Value { value, .. } => policy.show_value(value),
        Outcome::Gap => "undecided (no rule gives it a value)".into(),
        Outcome::Conflict { values } => {
            format!("undecided (conflict: {})", from(values))
        }
        Outcome::Overlap { values } => {
            format!(
                "undecided (the output is exclusive; rules overlap: {})",
                from(values)
            )
        }
    }
}

pub(super) fn leaf_status(leaf: &Leaf) -> &'static str {
    match leaf.status {
        Status::OutOfScope => "out_of_scope",
        Status::BrokenAssumption => "impossible",
        Status::InScope => {
            if leaf
                .outcomes
                .iter()
                .any(|o| !matches!(o, Outcome::Value { .. }))
            {
                "undecided"
            } else {
                "decided"
            }
        }
    }
}
