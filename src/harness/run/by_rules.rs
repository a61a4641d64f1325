//! Scenarios of a policy whose decision graph passes its limit, judged by reading the
//! rules as `policyc decide` does ([`crate::evaluate::RulesDecider`]).

use super::compiled::why_no_graph;
use super::compiled::AssumeCheck;
use super::coverage::CoverageData;
use super::escape::{settle_failure, OffGraph};
use super::leaf::{leaf_rules, leaf_status, LeafRules};
use super::scenario::{expectation_failure, failing_expectations, given_indices, impossible_facts};
use crate::check::ir::{IdxVec, InputDef, Policy, ScenarioDef, Value};
use crate::compile::graph::Leaf;
use crate::compile::{index_value, preferred_values, typical_value};
use crate::diagnostics::{render, Diagnostic};
use crate::evaluate::{Facts, RulesDecider};
use crate::harness::{Example, Failure};
use crate::source::Sources;

/// Scenarios of a policy whose decision graph could not be built (E0504), decided by
/// reading the rules: the reference semantics `policyc decide` falls back on
/// ([`RulesDecider`]). That decides one incident at a time, so it judges a scenario
/// only when its facts fix every input the decision reads: then every completion of
/// the facts decides alike, and one incident stands for them all.
pub(crate) struct ByRules<'a> {
    sources: &'a Sources,
    policy: &'a Policy,
    /// What deciding by the rules needs, as `policyc decide` makes it.
    rules: RulesDecider,
    /// Per input, the value examples prefer ([`crate::compile::preferred_values`]).
    preferred: IdxVec<InputDef, Option<u32>>,
    /// Why there is no graph: the diagnostic's message and code.
    why: String,
    /// The diagnostic in the machine form, for the scenarios it stops.
    diagnostic: serde_json::Value,
    /// The inputs the policy reads: an example shows these (there is no graph to hold
    /// them).
    reads: crate::check::ir::Reads,
}

impl<'a> ByRules<'a> {
    pub(crate) fn new(sources: &'a Sources, policy: &'a Policy, d: &Diagnostic) -> ByRules<'a> {
        ByRules {
            sources,
            policy,
            rules: RulesDecider::new(policy),
            preferred: preferred_values(policy),
            why: why_no_graph(d),
            diagnostic: render::to_json(sources, d),
            reads: policy.reads(),
        }
    }

    /// The suite's note: how its scenarios are judged.
    pub(super) fn note(&self) -> String {
        format!(
            "{}: scenarios are decided by reading the rules, so each must give every fact the rules, scope and assumptions read",
            self.why
        )
    }

    /// Judges `s`; where it is decided, marks the rules it exercises in `coverage`.
    pub(crate) fn scenario_outcome(
        &self,
        assumes: &mut AssumeCheck,
        s: &ScenarioDef,
        coverage: Option<&mut CoverageData>,
    ) -> Option<Failure> {
        let policy = self.policy;
        let given = given_indices(policy, s);
        let missing: Vec<&str> = self
            .rules
            .missing(|i| given.get(i.index()).copied().flatten().is_some())
            .into_iter()
            .map(|i| policy.inputs[i].name.as_str())
            .collect();
        if !missing.is_empty() {
            // Facts that break the assumptions whatever the others are: the first thing
            // to fix, and the assumptions' diagrams say so without the graph.
            if !assumes.possible(&given) {
                return Some(impossible_facts(self.sources, policy, assumes, &given));
            }
            return Some(self.missing_facts(&missing));
        }
        // The decision does not read the other inputs: any value will do, and the
        // typical one reads best in the example.
        let values: Vec<Value> = policy
            .inputs
            .entries()
            .map(|(k, inp)| match given.get(k.index()).copied().flatten() {
                Some(idx) => index_value(inp.ty, idx),
                None => typical_value(policy, inp.ty, self.preferred.get(k).copied().flatten()),
            })
            .collect();
        let Some(leaf) = self.rules.leaf(policy, &values) else {
            return Some(impossible_facts(self.sources, policy, assumes, &given));
        };
        if let Some(c) = coverage {
            c.record_rules(&s.name, &leaf);
        }
        let leaves = [leaf];
        let failing = failing_expectations(s, &[0], |l| leaves.get(l));
        expectation_failure(
            policy,
            s,
            &failing,
            |l| leaves.get(l),
            |_, l| {
                // What every incident of the scenario shares: the given facts alone (the
                // rest of `values` is one choice among many).
                let fixed = Facts {
                    values: policy
                        .inputs
                        .entries()
                        .map(|(k, inp)| {
                            given
                                .get(k.index())
                                .copied()
                                .flatten()
                                .map(|idx| index_value(inp.ty, idx))
                        })
                        .collect(),
                };
                (self.example(&values, l), fixed)
            },
            |_, leaf, fixed, broken, ex| {
                let shown = crate::evaluate::parse_facts(
                    policy,
                    &serde_json::Value::Object(ex.facts.iter().cloned().collect()),
                )
                .ok();
                let mut mover = OffGraph {
                    policy,
                    given: fixed,
                    shown,
                };
                settle_failure(policy, fixed, leaf, broken, ex, &mut mover)
            },
        )
    }

    /// A scenario whose facts leave an input the decision reads open.
    fn missing_facts(&self, missing: &[&str]) -> Failure {
        Failure {
            message: format!(
                "the decision graph of `{}` is too large, so only complete facts can be judged; missing: {}",
                self.policy.name,
                missing.join(", ")
            ),
            notes: vec![
                format!(
                    "{}: a scenario is then decided by reading the rules, which needs every fact the rules, scope and assumptions read",
                    self.why
                ),
                "give the missing facts in `given`, or split the policy so that its decision graph fits".into(),
            ],
            examples: Vec::new(),
            diagnostics: vec![self.diagnostic.clone()],
        }
    }

    fn example(&self, values: &[Value], leaf: &Leaf) -> Example {
        let policy = self.policy;
        let LeafRules {
            fired: rules,
            set_aside,
            overridden,
        } = leaf_rules(self.sources, policy, leaf);
        Example {
            facts: policy
                .inputs
                .entries()
                .zip(values)
                .filter(|((k, _), _)| self.reads.contains(*k))
                .map(|((_, i), v)| (i.name.clone(), policy.value_json(v)))
                .collect(),
            status: leaf_status(leaf).to_string(),
            mismatches: Vec::new(),
            rules,
            set_aside,
            overridden,
            path: None,
        }
    }
}
