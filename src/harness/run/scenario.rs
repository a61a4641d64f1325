//! Judging a scenario on the decision graph: universal quantification over the
//! completions of its facts, as a walk over the leaves they can reach; and the failure
//! of the expectations that break, shown on as few incidents as possible.

use super::compiled::AssumeCheck;
use super::escape::{settle_failure, OnGraph};
use super::example::{example_and_fixed, ExampleMaker};
use super::leaf::{accepted_gaps, actual, leaf_status, location, Accepted};
use crate::check::ir::{Expect, OutputId, Policy, ScenarioDef};
use crate::compile::graph::{DecisionGraph, Leaf, Outcome, Status};
use crate::compile::value_index;
use crate::evaluate::Facts;
use crate::harness::{Example, Failure, Mismatch};
use crate::source::Sources;

/// What the graph says about a scenario, before any text is made of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Judgement {
    /// The given facts as MDD value indices, per input.
    pub given: Vec<Option<u32>>,
    /// Leaves of incidents that complete the facts and satisfy the assumptions.
    pub reached: Vec<usize>,
    /// Per expectation (index into `expect`), the reached leaves where it breaks; only
    /// expectations that break somewhere are listed.
    pub failing: Vec<(usize, Vec<usize>)>,
}

impl Judgement {
    /// No incident completes the facts without breaking an assumption.
    pub fn impossible(&self) -> bool {
        self.reached.is_empty()
    }

    pub fn passes(&self) -> bool {
        !self.impossible() && self.failing.is_empty()
    }
}

/// Judges a scenario on the graph: universal quantification over the completions of
/// its facts, as a walk over the leaves they can reach. `out_of_scope` must hold for
/// every completion that satisfies the assumptions; an expectation about an output, for
/// every such completion in scope, and at least one must be in scope.
pub fn judge(policy: &Policy, graph: &DecisionGraph, s: &ScenarioDef) -> Judgement {
    let given = given_indices(policy, s);
    let reached: Vec<usize> = graph
        .reachable_leaves(&given)
        .into_iter()
        .filter(|&l| {
            graph
                .leaves
                .get(l)
                .is_some_and(|leaf| leaf.status != Status::BrokenAssumption)
        })
        .collect();
    let failing = failing_expectations(s, &reached, |l| graph.leaves.get(l));
    Judgement {
        given,
        reached,
        failing,
    }
}

/// The given facts as value indices, per input.
pub(super) fn given_indices(policy: &Policy, s: &ScenarioDef) -> Vec<Option<u32>> {
    let mut given: Vec<Option<u32>> = vec![None; policy.inputs.len()];
    for f in &s.given {
        if let Some(slot) = given.get_mut(f.input.index()) {
            *slot = value_index(policy.inputs[f.input].ty, &f.value);
        }
    }
    given
}

/// Per expectation (index into `expect`), the leaves among `reached` (those of the
/// completions that satisfy the assumptions) where it breaks; only expectations that
/// break somewhere are listed.
pub(super) fn failing_expectations<'l>(
    s: &ScenarioDef,
    reached: &[usize],
    leaf_of: impl Fn(usize) -> Option<&'l Leaf>,
) -> Vec<(usize, Vec<usize>)> {
    let any_in_scope = reached
        .iter()
        .any(|&l| leaf_of(l).is_some_and(|leaf| leaf.status == Status::InScope));
    let mut failing = Vec::new();
    for (k, e) in s.expect.iter().enumerate() {
        let about_outputs = !matches!(e, Expect::OutOfScope { .. });
        let bad: Vec<usize> = if about_outputs && !any_in_scope {
            // The policy decides nothing for any incident with these facts: an
            // expectation about its decision cannot hold.
            reached.to_vec()
        } else {
            reached
                .iter()
                .copied()
                .filter(|&l| {
                    leaf_of(l).is_some_and(|leaf| {
                        // Outside the scope the policy decides nothing, and that is not
                        // what an expectation about an output is about.
                        let counts = !about_outputs || leaf.status == Status::InScope;
                        counts && !holds(e, leaf)
                    })
                })
                .collect()
        };
        if !bad.is_empty() {
            failing.push((k, bad));
        }
    }
    failing
}

/// Whether an expectation holds for the incidents of one leaf.
pub(super) fn holds(e: &Expect, leaf: &Leaf) -> bool {
    match e {
        Expect::OutOfScope { .. } => leaf.status == Status::OutOfScope,
        Expect::Value { output, value, .. } => {
            matches!(leaf.outcome(*output),
                    Some(Outcome::Value { value: v, .. }) if v == value)
        }
        Expect::Undecided { output, .. } => {
            matches!(
                leaf.outcome(*output),
                Some(Outcome::Gap | Outcome::Conflict { .. } | Outcome::Overlap { .. })
            )
        }
    }
}

pub(super) fn scenario_outcome(
    maker: &ExampleMaker<'_>,
    assumes: &mut AssumeCheck,
    s: &ScenarioDef,
    j: &Judgement,
) -> Option<Failure> {
    if j.impossible() {
        return Some(impossible_facts(
            maker.sources,
            maker.policy,
            assumes,
            &j.given,
        ));
    }
    expectation_failure(
        maker.policy,
        s,
        &j.failing,
        |l| maker.graph.leaves.get(l),
        |l, data| example_and_fixed(maker, &j.given, l, data),
        |l, data, _, broken, ex| {
            let given = given_facts(maker.policy, &j.given);
            let mut mover = OnGraph::new(maker, l, data);
            settle_failure(maker.policy, &given, data, broken, ex, &mut mover)
        },
    )
}

/// The failure of the expectations in `failing` (see [`failing_expectations`]), shown
/// on examples made by `example` at the failing leaves, each moved by `escape_from` out
/// of the gaps the policy accepts where an open incident can be shown instead (it says
/// how far each failing output's gap is accepted); `None` when none fails.
pub(super) fn expectation_failure<'l>(
    policy: &Policy,
    s: &ScenarioDef,
    failing: &[(usize, Vec<usize>)],
    leaf_of: impl Fn(usize) -> Option<&'l Leaf>,
    mut example: impl FnMut(usize, &'l Leaf) -> (Example, Facts),
    mut escape_from: impl FnMut(
        usize,
        &'l Leaf,
        &Facts,
        &[OutputId],
        &mut Example,
    ) -> Vec<(OutputId, Accepted)>,
) -> Option<Failure> {
    if failing.is_empty() {
        return None;
    }
    // Show as few incidents as possible: each example shows every expectation it
    // breaks; another example only for expectations the earlier ones do not break.
    let mut left: Vec<usize> = failing.iter().map(|f| f.0).collect();
    let mut examples = Vec::new();
    while let Some(&first) = left.first() {
        let candidates = failing
            .iter()
            .find(|f| f.0 == first)
            .map(|f| f.1.as_slice())
            .unwrap_or_default();
        let Some(leaf) = worst_leaf(policy, candidates, &leaf_of, &mut example) else {
            break;
        };
        let broken: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&k| failing.iter().any(|f| f.0 == k && f.1.contains(&leaf)))
            .collect();
        left.retain(|k| !broken.contains(k));
        // `failing` names only leaves `leaf_of` has.
        let Some(leaf_data) = leaf_of(leaf) else {
            continue;
        };
        let (mut ex, fixed) = example(leaf, leaf_data);
        let outputs: Vec<OutputId> = broken
            .iter()
            .filter_map(|&k| match s.expect.get(k)? {
                Expect::Value { output, .. } | Expect::Undecided { output, .. } => Some(*output),
                Expect::OutOfScope { .. } => None,
            })
            .collect();
        let accepted = escape_from(leaf, leaf_data, &fixed, &outputs, &mut ex);
        ex.mismatches = broken
            .iter()
            .filter_map(|&k| s.expect.get(k))
            .map(|e| mismatch(policy, e, leaf_data, &accepted))
            .collect();
        examples.push(ex);
    }
    let n = failing.len();
    let message = if n == 1 {
        "an expectation does not hold for every incident with the given facts".to_string()
    } else {
        format!("{n} expectations do not hold for every incident with the given facts")
    };
    Some(Failure {
        message,
        notes: Vec::new(),
        examples,
        diagnostics: Vec::new(),
    })
}

/// The scenario's given facts (value indices per input) as values.
fn given_facts(policy: &Policy, given: &[Option<u32>]) -> Facts {
    Facts {
        values: policy
            .inputs
            .iter()
            .zip(given)
            .map(|(i, g)| g.map(|g| crate::compile::index_value(i.ty, g)))
            .collect(),
    }
}

/// The failing leaf to show: the first whose example leaves no output undecided on
/// purpose, if one of the first few does. An example in an accepted gap reads "undecided
/// on purpose", true of it; but where the scenario's facts also reach an open gap, that
/// is the failure to show, or the report would read as if the policy meant it.
fn worst_leaf<'l>(
    policy: &Policy,
    candidates: &[usize],
    leaf_of: &impl Fn(usize) -> Option<&'l Leaf>,
    example: &mut impl FnMut(usize, &'l Leaf) -> (Example, Facts),
) -> Option<usize> {
    let first = candidates.first().copied()?;
    if policy.accepted_gaps.is_empty() {
        return Some(first);
    }
    // Each look builds an example (a path through the graph): a few are enough.
    let open = candidates.iter().take(16).copied().find(|&l| {
        leaf_of(l).is_some_and(|data| {
            accepted_gaps(policy, data, &example(l, data).1)
                .iter()
                .all(|(_, a)| !matches!(a, Accepted::All(_)))
        })
    });
    Some(open.unwrap_or(first))
}

pub(super) fn impossible_facts(
    sources: &Sources,
    policy: &Policy,
    assumes: &mut AssumeCheck,
    given: &[Option<u32>],
) -> Failure {
    let notes = broken_assumption_notes(sources, policy, assumes, given);
    let mut notes = if notes.is_empty() {
        let all: Vec<String> = policy
            .assumes
            .iter()
            .map(|a| {
                format!(
                    "`{}` at {}",
                    sources.slice(a.loc).trim(),
                    location(sources, a.loc)
                )
            })
            .collect();
        vec![format!(
            "each assumption alone can hold, but not all together: {}",
            all.join(", ")
        )]
    } else {
        notes
    };
    notes.push("change the `given` facts to describe a possible incident".into());
    Failure {
        message: "no incident has these facts: they break an assumption of the policy".into(),
        notes,
        examples: Vec::new(),
        diagnostics: Vec::new(),
    }
}

/// One line per assumption that no completion of `given` satisfies.
pub(super) fn broken_assumption_notes(
    sources: &Sources,
    policy: &Policy,
    assumes: &mut AssumeCheck,
    given: &[Option<u32>],
) -> Vec<String> {
    assumes
        .broken_by(given)
        .iter()
        .filter_map(|&k| policy.assumes.get(k))
        .map(|a| {
            format!(
                "the given facts break `{}` at {}",
                sources.slice(a.loc).trim(),
                location(sources, a.loc)
            )
        })
        .collect()
}

/// What an expectation found at a leaf; `accepted`: the outputs whose gap the policy
/// accepts there, wholly or in part ([`accepted_gaps`]).
pub(super) fn mismatch(
    policy: &Policy,
    e: &Expect,
    leaf: &Leaf,
    accepted: &[(OutputId, Accepted)],
) -> Mismatch {
    let output_name = |o: OutputId| Some(policy.outputs[o].name.clone());
    let actual = |o: OutputId| {
        match accepted.iter().find(|(a, _)| *a == o) {
        Some((_, Accepted::All(reason))) => crate::words::undecided_on_purpose(reason),
        Some((_, Accepted::Part(reason))) => format!(
            "undecided (no rule gives it a value; the policy accepts that, \"{reason}\", for only some incidents with these facts)"
        ),
        Some((_, Accepted::Here(reason))) => format!(
            "{} (for this incident; policyc could not tell whether every incident with these facts is accepted)",
            crate::words::undecided_on_purpose(reason)
        ),
        Some((_, Accepted::PartShown(reason))) => format!(
            "undecided (no rule gives it a value; the policy accepts that, \"{reason}\", for only some incidents with these facts, this one among them)"
        ),
        None => actual(policy, leaf, o),
    }
    };
    match e {
        Expect::OutOfScope { .. } => Mismatch {
            output: None,
            expected: "out_of_scope".into(),
            actual: format!("in scope, {}", leaf_status(leaf)),
        },
        Expect::Value { output, value, .. } => Mismatch {
            output: output_name(*output),
            expected: policy.show_value(value),
            actual: actual(*output),
        },
        Expect::Undecided { output, .. } => Mismatch {
            output: output_name(*output),
            expected: "undecided".into(),
            actual: actual(*output),
        },
    }
}
