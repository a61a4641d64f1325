//! How much of a policy its scenarios exercise (docs/testing.md, "Coverage"): a rule is
//! covered by a scenario when it fires (applies, none of its assignments overridden or
//! outranked) for
//! every completion of the facts that is in scope and keeps the assumptions, and a
//! leaf when every such completion ends there. The looser figures (fired or reached by
//! some completion) are kept beside them.

use crate::collections::HashMap;

use super::leaf::{actual, located_rule};
use crate::check::ir::Value;
use crate::check::ir::{IdxVec, Policy, RuleDef, RuleId};
use crate::compile::graph::{DecisionGraph, GraphNode, Leaf, Outcome, Status};
use crate::harness::{Coverage, LocatedRule, Uncovered};
use crate::source::Sources;

/// What the scenarios did to one rule or leaf.
#[derive(Clone, Debug, Default)]
struct Mark {
    /// For every completion of some scenario's facts (in scope, keeping the
    /// assumptions).
    covered: bool,
    /// The first scenario that fires or reaches it for some completion.
    reached_by: Option<String>,
}

impl Mark {
    fn reach(&mut self, scenario: &str) {
        if self.reached_by.is_none() {
            self.reached_by = Some(scenario.to_string());
        }
    }

    fn merge(&mut self, other: Mark) {
        self.covered |= other.covered;
        if self.reached_by.is_none() {
            self.reached_by = other.reached_by;
        }
    }
}

/// Coverage facts of one checked file, mergeable with those of other files that test
/// the same policy. Rules and leaves are keyed by what they are (names, locations,
/// decisions), not by ids, which differ between programs.
#[derive(Clone, Debug, Default)]
pub struct CoverageData {
    rules: IdxVec<RuleDef, (LocatedRule, Mark)>,
    /// Leaf keys of the graph (incidents that break an assumption excluded).
    leaves: Vec<(String, Mark)>,
    leaf_index: HashMap<usize, usize>,
    /// Why the leaves are not counted (there is no decision graph); `None` when they are.
    leaves_unmeasured: Option<String>,
}

impl CoverageData {
    pub(super) fn new(sources: &Sources, policy: &Policy, graph: &DecisionGraph) -> CoverageData {
        let rules = policy
            .rules
            .ids()
            .map(|r| (located_rule(sources, policy, r), Mark::default()))
            .collect();
        let mut leaves = Vec::new();
        let mut leaf_index = HashMap::default();
        for n in graph.graph.node_weights() {
            let GraphNode::Leaf { leaf } = n else {
                continue;
            };
            let Some(l) = graph.leaves.get(*leaf) else {
                continue;
            };
            if l.status == Status::BrokenAssumption || leaf_index.contains_key(leaf) {
                continue;
            }
            leaf_index.insert(*leaf, leaves.len());
            leaves.push((leaf_key(policy, l), Mark::default()));
        }
        CoverageData {
            rules,
            leaves,
            leaf_index,
            leaves_unmeasured: None,
        }
    }

    /// Rule coverage alone, for a policy without a decision graph (`why`).
    pub(super) fn without_graph(sources: &Sources, policy: &Policy, why: String) -> CoverageData {
        CoverageData {
            rules: policy
                .rules
                .ids()
                .map(|r| (located_rule(sources, policy, r), Mark::default()))
                .collect(),
            leaves: Vec::new(),
            leaf_index: HashMap::default(),
            leaves_unmeasured: Some(why),
        }
    }

    /// Marks the rules the one decision of every completion of `scenario`'s facts
    /// exercises (complete facts, decided by reading the rules): those that fired and
    /// were not overridden, covered as well as reached.
    pub(super) fn record_rules(&mut self, scenario: &str, leaf: &Leaf) {
        if leaf.status != Status::InScope {
            return;
        }
        for r in fired(leaf) {
            if let Some((_, m)) = self.rules.get_mut(r) {
                m.covered = true;
                m.reach(scenario);
            }
        }
    }

    /// Marks what `scenario`, whose completions (keeping the assumptions) end at the
    /// leaves `reached`, exercises.
    pub(super) fn record(&mut self, graph: &DecisionGraph, scenario: &str, reached: &[usize]) {
        let leaf = |l: usize| graph.leaves.get(l);
        let in_scope: Vec<usize> = reached
            .iter()
            .copied()
            .filter(|&l| leaf(l).is_some_and(|x| x.status == Status::InScope))
            .collect();
        // A leaf is covered when every completion in scope ends there; when none is in
        // scope, when every completion does (the one leaf out of scope).
        let covered_leaf = match (in_scope.as_slice(), reached) {
            ([one], _) => Some(*one),
            ([], [one]) => Some(*one),
            _ => None,
        };
        for &l in reached {
            if let Some((_, m)) = self
                .leaf_index
                .get(&l)
                .and_then(|&i| self.leaves.get_mut(i))
            {
                m.reach(scenario);
                m.covered |= covered_leaf == Some(l);
            }
        }
        for &l in &in_scope {
            for r in leaf(l).map(fired).unwrap_or_default() {
                if let Some((_, m)) = self.rules.get_mut(r) {
                    m.reach(scenario);
                }
            }
        }
        // Covered: fired at every leaf in scope, so for every completion in scope.
        let mut always: Option<Vec<RuleId>> = None;
        for &l in &in_scope {
            let here = leaf(l).map(fired).unwrap_or_default();
            always = Some(match always {
                None => here,
                Some(before) => before.into_iter().filter(|r| here.contains(r)).collect(),
            });
        }
        for r in always.unwrap_or_default() {
            if let Some((_, m)) = self.rules.get_mut(r) {
                m.covered = true;
            }
        }
    }

    /// Adds what another file's scenarios exercised; the totals stay this file's.
    pub(super) fn merge(&mut self, other: CoverageData) {
        if self.leaves_unmeasured.is_none() {
            self.leaves_unmeasured = other.leaves_unmeasured;
        }
        // Indexed, so that merging the test files of a policy with many leaves stays
        // linear. By name: rules share one namespace in a program, and both programs
        // hold the policy's rules, while a rule's location reads as its file was named
        // (`p.policy` from one, `/abs/p.policy` from another), which once matched none.
        let rules: HashMap<String, RuleId> = self
            .rules
            .entries()
            .map(|(i, r)| (r.0.name.clone(), i))
            .collect();
        for (rule, mark) in other.rules {
            if let Some(slot) = rules.get(&rule.name).and_then(|&i| self.rules.get_mut(i)) {
                slot.1.merge(mark);
            }
        }
        let leaves: HashMap<String, usize> = self
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (l.0.clone(), i))
            .collect();
        for (key, mark) in other.leaves {
            if let Some(slot) = leaves.get(&key).and_then(|&i| self.leaves.get_mut(i)) {
                slot.1.merge(mark);
            }
        }
    }

    pub fn finish(self) -> Coverage {
        Coverage {
            rules_total: self.rules.len(),
            rules_covered: count(self.rules.as_slice(), |m| m.covered),
            rules_reached: count(self.rules.as_slice(), |m| m.reached_by.is_some()),
            leaves_total: self.leaves.len(),
            leaves_covered: count(&self.leaves, |m| m.covered),
            leaves_reached: count(&self.leaves, |m| m.reached_by.is_some()),
            leaves_unmeasured: self.leaves_unmeasured,
            uncovered: self
                .rules
                .into_iter()
                .filter(|r| !r.1.covered)
                .map(|(rule, m)| Uncovered {
                    rule,
                    reached_by: m.reached_by,
                })
                .collect(),
        }
    }
}

fn count<K>(xs: &[(K, Mark)], f: fn(&Mark) -> bool) -> usize {
    xs.iter().filter(|x| f(&x.1)).count()
}

/// The rules that fired at a leaf: applied, and every assignment took effect: none
/// overridden, none outranked by a precedence, none lost in an `exclusive` overlap or a
/// conflict. A rule whose value never decides anything in a scenario must not count as
/// exercised by it, or `--min-coverage` is met by scenarios that never see it decide.
fn fired(leaf: &Leaf) -> Vec<RuleId> {
    leaf.applied
        .iter()
        .copied()
        .filter(|r| !leaf.overridden.contains(r))
        .filter(|&r| leaf.outcomes.iter().all(|o| takes_effect(o, r)))
        .collect()
}

/// Whether rule `r`'s assignments to this outcome's output (if any) gave its value: a
/// not-overridden rule's assignments all appear in the outcome, so `r` appearing
/// anywhere but among the winners means its value was set aside.
fn takes_effect(outcome: &Outcome, r: RuleId) -> bool {
    let among = |values: &[(Value, Vec<RuleId>)]| values.iter().any(|v| v.1.contains(&r));
    match outcome {
        Outcome::Value { over, .. } => !among(over),
        Outcome::Gap => true,
        Outcome::Conflict { values } | Outcome::Overlap { values } => !among(values),
    }
}

pub(super) fn leaf_key(policy: &Policy, l: &Leaf) -> String {
    let names = |rs: &[RuleId]| -> Vec<String> {
        rs.iter().map(|&r| policy.rules[r].name.clone()).collect()
    };
    let verdicts: Vec<String> = l.outcomes.ids().map(|o| actual(policy, l, o)).collect();
    format!(
        "{:?}|{:?}|{:?}|{:?}",
        l.status,
        names(&l.applied),
        names(&l.overridden),
        verdicts
    )
}
