//! One complete incident that shows a failure: the facts given, completed along the
//! path the decision graph takes to a failing leaf (each input the typical value among
//! those that still lead there), the questions asked and the rules that fired.

use crate::collections::HashMap;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::leaf::{leaf_rules, leaf_status, LeafRules};
use crate::check::ir::{IdxVec, InputDef, InputId, Policy, Value};
use crate::compile::graph::{DecisionGraph, GraphNode, Leaf, ValueSet};
use crate::compile::{index_value, preferred_values, typical_index, typical_value};
use crate::evaluate::Facts;
use crate::harness::{Example, Step};
use crate::source::Sources;

/// What making examples on the decision graph needs.
pub(super) struct ExampleMaker<'a> {
    pub(super) sources: &'a Sources,
    pub(super) policy: &'a Policy,
    pub(super) graph: &'a DecisionGraph,
    /// Per leaf, its node in the graph.
    pub(super) leaf_nodes: HashMap<usize, NodeIndex>,
    /// Per input, the value examples prefer ([`crate::compile::preferred_values`]).
    preferred: IdxVec<InputDef, Option<u32>>,
}

impl<'a> ExampleMaker<'a> {
    pub(super) fn new(
        sources: &'a Sources,
        policy: &'a Policy,
        graph: &'a DecisionGraph,
    ) -> ExampleMaker<'a> {
        ExampleMaker {
            sources,
            policy,
            graph,
            leaf_nodes: leaf_nodes(graph),
            preferred: preferred_values(policy),
        }
    }
}

pub(super) fn leaf_nodes(graph: &DecisionGraph) -> HashMap<usize, NodeIndex> {
    graph
        .graph
        .node_indices()
        .filter_map(|n| match graph.graph.node_weight(n) {
            Some(GraphNode::Leaf { leaf }) => Some((*leaf, n)),
            _ => None,
        })
        .collect()
}

/// One complete incident that completes `given` and reaches `leaf`, with the path taken.
pub(super) fn example_at(
    maker: &ExampleMaker<'_>,
    given: &[Option<u32>],
    leaf: usize,
    leaf_data: &Leaf,
) -> Example {
    example_and_fixed(maker, given, leaf, leaf_data).0
}

/// [`example_at`], and the facts every incident it stands for shares: those given and
/// those the path to the leaf asks (the rest of the example is one choice among many).
pub(super) fn example_and_fixed(
    maker: &ExampleMaker<'_>,
    given: &[Option<u32>],
    leaf: usize,
    leaf_data: &Leaf,
) -> (Example, Facts) {
    let policy = maker.policy;
    let mut values: Vec<Option<Value>> = policy
        .inputs
        .iter()
        .zip(given)
        .map(|(i, g)| g.map(|g| index_value(i.ty, g)))
        .collect();
    let mut path = Vec::new();
    if let Some(&target) = maker.leaf_nodes.get(&leaf) {
        for (input, set, value) in path_to(maker, given, target) {
            let answer = show_set(policy, &set);
            if let Some(slot) = values.get_mut(input.index()) {
                if slot.is_none() {
                    *slot = Some(value);
                }
            }
            let inp = &policy.inputs[input];
            path.push(Step {
                input: inp.name.clone(),
                question: inp.question(),
                answer,
            });
        }
    }
    let fixed = Facts {
        values: values.iter().cloned().collect(),
    };
    let facts = policy
        .inputs
        .entries()
        .zip(values)
        // An input the policy never reads is no part of the example: `decide` decides
        // the incident the same without it.
        .filter(|((k, _), _)| maker.graph.reads.contains(*k))
        .map(|((k, i), v)| {
            // Inputs the path does not ask do not change the decision: any value will
            // do, and the typical one reads best.
            let preferred = maker.preferred.get(k).copied().flatten();
            let v = v.unwrap_or_else(|| typical_value(policy, i.ty, preferred));
            (i.name.clone(), policy.value_json(&v))
        })
        .collect();
    let LeafRules {
        fired: rules,
        set_aside,
        overridden,
    } = leaf_rules(maker.sources, policy, leaf_data);
    let example = Example {
        facts,
        status: leaf_status(leaf_data).to_string(),
        mismatches: Vec::new(),
        rules,
        set_aside,
        overridden,
        path: Some(path),
    };
    (example, fixed)
}

/// The questions from the root to `target` along edges that `given` allows: each with
/// the answer taken and the value the example gives the input (the given one, or the
/// typical one among the answers that still lead to the target, as the analyses choose
/// their examples, [`crate::compile::typical_index`]).
pub(super) fn path_to(
    maker: &ExampleMaker<'_>,
    given: &[Option<u32>],
    target: NodeIndex,
) -> Vec<(InputId, ValueSet, Value)> {
    let g = &maker.graph.graph;
    let ty_of = |input: InputId| maker.policy.inputs[input].ty;
    let allowed = |input: InputId, set: &ValueSet| -> bool { allows(maker, given, input, set) };
    let reaches = reaching(maker, given, target);
    let reaches = |n: NodeIndex| reaches.get(n.index()).copied().unwrap_or(false);
    let mut out = Vec::new();
    let mut n = maker.graph.root;
    while n != target {
        let Some(input) = input_at(maker, n) else {
            break;
        };
        let ty = ty_of(input);
        let onward: Vec<(&ValueSet, NodeIndex)> = g
            .edges(n)
            .filter(|e| reaches(e.target()) && allowed(input, &e.weight().values))
            .map(|e| (&e.weight().values, e.target()))
            .collect();
        let wanted = match given.get(input.index()).copied().flatten() {
            Some(idx) => Some(idx),
            None => {
                let mut ranges: Vec<(u32, u32)> = onward
                    .iter()
                    .flat_map(|(set, _)| set.index_ranges(ty))
                    .collect();
                ranges.sort_unstable();
                typical_index(ty, &ranges, maker.preferred.get(input).copied().flatten())
            }
        };
        let Some(value) = wanted.map(|idx| index_value(ty, idx)) else {
            break;
        };
        let Some((set, next)) = onward.into_iter().find(|(set, _)| contains(set, &value)) else {
            break;
        };
        out.push((input, set.clone(), value));
        n = next;
    }
    out
}

/// Whether an edge of `input` with values `set` is one the `given` facts allow.
fn allows(maker: &ExampleMaker<'_>, given: &[Option<u32>], input: InputId, set: &ValueSet) -> bool {
    match given.get(input.index()).copied().flatten() {
        None => true,
        Some(idx) => contains(set, &index_value(maker.policy.inputs[input].ty, idx)),
    }
}

/// The input a node asks, if it is a question.
fn input_at(maker: &ExampleMaker<'_>, n: NodeIndex) -> Option<InputId> {
    match maker.graph.graph.node_weight(n) {
        Some(GraphNode::Question { input }) => Some(*input),
        _ => None,
    }
}

/// Per node, whether it reaches `target` along edges the `given` facts allow, found
/// backwards (the graph is acyclic, each node is visited once).
pub(super) fn reaching(
    maker: &ExampleMaker<'_>,
    given: &[Option<u32>],
    target: NodeIndex,
) -> Vec<bool> {
    let g = &maker.graph.graph;
    let mut reaches = vec![false; g.node_count()];
    let mut mark = |n: NodeIndex| match reaches.get_mut(n.index()) {
        Some(seen) if !*seen => {
            *seen = true;
            true
        }
        _ => false,
    };
    mark(target);
    let mut stack = vec![target];
    while let Some(n) = stack.pop() {
        for e in g.edges_directed(n, petgraph::Direction::Incoming) {
            let from = e.source();
            let ok =
                input_at(maker, from).is_some_and(|i| allows(maker, given, i, &e.weight().values));
            if ok && mark(from) {
                stack.push(from);
            }
        }
    }
    reaches
}

pub(super) fn contains(set: &ValueSet, v: &Value) -> bool {
    match (set, v) {
        (ValueSet::Bools(bs), Value::Bool(b)) => bs.contains(b),
        (ValueSet::Variants(_, vs), Value::Enum(_, x)) => vs.contains(x),
        (ValueSet::Ints(rs), Value::Int(x)) => rs.iter().any(|&(a, b)| a <= *x && *x <= b),
        _ => false,
    }
}

/// A value set as the language writes values: `true`, `nude`, `{nude, extreme}`,
/// `13..=15`, `0..=12 or 16`.
pub(super) fn show_set(policy: &Policy, set: &ValueSet) -> String {
    match set {
        ValueSet::Bools(bs) => {
            let parts: Vec<String> = bs.iter().map(|b| b.to_string()).collect();
            parts.join(" or ")
        }
        ValueSet::Variants(e, vs) => {
            let names: Vec<&str> = vs.iter().map(|v| policy.variant_name(*e, *v)).collect();
            match names.as_slice() {
                [one] => one.to_string(),
                _ => format!("{{{}}}", names.join(", ")),
            }
        }
        ValueSet::Ints(rs) => {
            let parts: Vec<String> = rs
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}..={b}")
                    }
                })
                .collect();
            parts.join(" or ")
        }
    }
}
