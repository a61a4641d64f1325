//! How much of a policy its scenarios exercise: the rules that fired (not overridden)
//! and the decision graph's leaves reached (docs/testing.md, "Coverage").

use std::collections::HashMap;

use super::leaf::{actual, rule_ref};
use crate::check::ir::{Policy, RuleId};
use crate::compile::graph::{DecisionGraph, GraphNode, Leaf, Status};
use crate::harness::{Coverage, RuleRef};
use crate::source::Sources;

/// Coverage facts of one checked file, mergeable with those of other files that test
/// the same policy. Rules and leaves are keyed by what they are (names, locations,
/// decisions), not by ids, which differ between programs.
#[derive(Clone, Debug, Default)]
pub struct CoverageData {
    rules: Vec<(RuleRef, bool)>,
    /// Leaf keys of the graph (incidents that break an assumption excluded), and whether
    /// a scenario reached each.
    leaves: Vec<(String, bool)>,
    leaf_index: HashMap<usize, usize>,
    /// Why the leaves are not counted (there is no decision graph); `None` when they are.
    leaves_unmeasured: Option<String>,
}

impl CoverageData {
    pub(super) fn new(sources: &Sources, policy: &Policy, graph: &DecisionGraph) -> CoverageData {
        let rules = (0..policy.rules.len())
            .map(|r| (rule_ref(sources, policy, r), false))
            .collect();
        let mut leaves = Vec::new();
        let mut leaf_index = HashMap::new();
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
            leaves.push((leaf_key(policy, l), false));
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
            rules: (0..policy.rules.len())
                .map(|r| (rule_ref(sources, policy, r), false))
                .collect(),
            leaves: Vec::new(),
            leaf_index: HashMap::new(),
            leaves_unmeasured: Some(why),
        }
    }

    /// Marks the rules a decision exercises: those that fired and were not overridden.
    pub(super) fn record_rules(&mut self, leaf: &Leaf) {
        for &r in leaf.applied.iter().filter(|r| !leaf.overridden.contains(r)) {
            if let Some(slot) = self.rules.get_mut(r) {
                slot.1 = true;
            }
        }
    }

    /// Marks what a scenario that reaches `reached` exercises.
    pub(super) fn record(&mut self, graph: &DecisionGraph, reached: &[usize]) {
        for &l in reached {
            if let Some(slot) = self
                .leaf_index
                .get(&l)
                .and_then(|&i| self.leaves.get_mut(i))
            {
                slot.1 = true;
            }
            if let Some(leaf) = graph.leaves.get(l) {
                self.record_rules(leaf);
            }
        }
    }

    /// Adds what another file's scenarios exercised; the totals stay this file's.
    pub(super) fn merge(&mut self, other: CoverageData) {
        if self.leaves_unmeasured.is_none() {
            self.leaves_unmeasured = other.leaves_unmeasured;
        }
        // Indexed, so that merging the test files of a policy with many leaves stays
        // linear.
        let rules: HashMap<RuleRef, usize> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.0.clone(), i))
            .collect();
        for (rule, _) in other.rules.into_iter().filter(|r| r.1) {
            if let Some(slot) = rules.get(&rule).and_then(|&i| self.rules.get_mut(i)) {
                slot.1 = true;
            }
        }
        let leaves: HashMap<String, usize> = self
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (l.0.clone(), i))
            .collect();
        for (key, _) in other.leaves.into_iter().filter(|l| l.1) {
            if let Some(slot) = leaves.get(&key).and_then(|&i| self.leaves.get_mut(i)) {
                slot.1 = true;
            }
        }
    }

    pub fn finish(self) -> Coverage {
        Coverage {
            rules_total: self.rules.len(),
            rules_covered: self.rules.iter().filter(|r| r.1).count(),
            leaves_total: self.leaves.len(),
            leaves_reached: self.leaves.iter().filter(|l| l.1).count(),
            leaves_unmeasured: self.leaves_unmeasured,
            uncovered: self
                .rules
                .into_iter()
                .filter(|r| !r.1)
                .map(|r| r.0)
                .collect(),
        }
    }
}

pub(super) fn leaf_key(policy: &Policy, l: &Leaf) -> String {
    let names = |rs: &[RuleId]| -> Vec<String> {
        rs.iter()
            .filter_map(|r| policy.rules.get(*r).map(|r| r.name.clone()))
            .collect()
    };
    let verdicts: Vec<String> = (0..l.outcomes.len())
        .map(|o| actual(policy, l, o))
        .collect();
    format!(
        "{:?}|{:?}|{:?}|{:?}",
        l.status,
        names(&l.applied),
        names(&l.overridden),
        verdicts
    )
}
