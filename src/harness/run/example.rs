//! One complete incident that shows a failure: the facts given, completed along the
//! path the decision graph takes to a failing leaf (each input the typical value among
//! those that still lead there), the questions asked and the rules that fired.

use crate::collections::HashMap;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::leaf::{leaf_rules, leaf_status, Accepted, LeafRules};
use crate::check::ir::{Expr, IdxVec, InputDef, InputId, OutputId, Policy, Value};
use crate::compile::graph::{DecisionGraph, GraphNode, Leaf, ValueSet};
use crate::compile::order::expr_inputs;
use crate::compile::{index_value, preferred_values, typical_index, typical_value};
use crate::evaluate::accept::settle;
use crate::evaluate::Facts;
use crate::harness::{Example, Step};
use crate::source::Sources;

/// What making examples on the decision graph needs.
pub(super) struct ExampleMaker<'a> {
    pub(super) sources: &'a Sources,
    pub(super) policy: &'a Policy,
    pub(super) graph: &'a DecisionGraph,
    /// Per leaf, its node in the graph.
    leaf_nodes: HashMap<usize, NodeIndex>,
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
    let allowed = |input: InputId, set: &ValueSet| -> bool {
        match given.get(input.index()).copied().flatten() {
            None => true,
            Some(idx) => contains(set, &index_value(ty_of(input), idx)),
        }
    };
    let input_at = |n: NodeIndex| match g.node_weight(n) {
        Some(GraphNode::Question { input }) => Some(*input),
        _ => None,
    };
    // The nodes that reach the target along allowed edges, found backwards (the graph
    // is acyclic, each node is visited once).
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
            let ok = input_at(from).is_some_and(|i| allowed(i, &e.weight().values));
            if ok && mark(from) {
                stack.push(from);
            }
        }
    }
    let reaches = |n: NodeIndex| reaches.get(n.index()).copied().unwrap_or(false);
    let mut out = Vec::new();
    let mut n = maker.graph.root;
    while n != target {
        let Some(input) = input_at(n) else { break };
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

/// How many values of one input are tried when moving an example out of an acceptance,
/// nearest the value shown first (ages and enums are far smaller).
const TRIES_PER_INPUT: u32 = 256;
/// How many partial incidents the search settles the acceptances on before it gives up
/// (each settles every acceptance once, three-valued).
const SEARCH_BUDGET: usize = 4096;

/// Where the policy accepts the gap of an output a failed expectation is about for only
/// some of the incidents an example stands for ([`Accepted::Part`]: the acceptance reads
/// inputs the path to the leaf never asks), the example is moved out of every such
/// acceptance where it can be: the failure then shows an incident the policy leaves
/// open, as "accepts that for only some incidents" promises, not one it accepts. Only
/// inputs the path does not ask are changed, so the example reaches the same leaf; each
/// takes the value nearest the one shown that lets the rest escape too (a bounded
/// search, settled three-valued at each step). Returns the outputs whose acceptance the
/// example shown is still inside (no escape found, or one would break an assumption),
/// for the failure to say so.
pub(super) fn outside_partial_acceptances(
    policy: &Policy,
    fixed: &Facts,
    accepted: &[(OutputId, Accepted)],
    broken: &[OutputId],
    example: &mut Example,
) -> Vec<OutputId> {
    let parts: Vec<(OutputId, &Expr)> = policy
        .accepted_gaps
        .iter()
        .filter(|g| broken.contains(&g.output))
        .filter(|g| {
            accepted
                .iter()
                .any(|(o, a)| *o == g.output && matches!(a, Accepted::Part(_)))
        })
        .filter(|g| settle(policy, &g.when, fixed).is_none())
        .map(|g| (g.output, &g.when))
        .collect();
    if parts.is_empty() {
        return Vec::new();
    }
    let object: serde_json::Map<String, serde_json::Value> =
        example.facts.iter().cloned().collect();
    let Ok(shown) = crate::evaluate::parse_facts(policy, &serde_json::Value::Object(object)) else {
        return Vec::new();
    };
    // The outputs whose acceptance holds for the incident shown as it is.
    let inside = |facts: &Facts| -> Vec<OutputId> {
        let mut out: Vec<OutputId> = parts
            .iter()
            .filter(|(_, w)| settle(policy, w, facts) == Some(true))
            .map(|(o, _)| *o)
            .collect();
        out.dedup();
        out
    };
    let mut open: Vec<InputId> = parts
        .iter()
        .flat_map(|(_, w)| expr_inputs(policy, w))
        .filter(|&i| fixed.get(i).is_none())
        .collect();
    open.sort_unstable();
    open.dedup();
    let candidates: Vec<Vec<Value>> = open
        .iter()
        .map(|&i| nearest_first(policy, i, shown.get(i)))
        .collect();
    let mut working = fixed.clone();
    let mut budget = SEARCH_BUDGET;
    let conds: Vec<&Expr> = parts.iter().map(|(_, w)| *w).collect();
    if !escape(
        policy,
        &conds,
        &open,
        &candidates,
        &mut working,
        &mut budget,
    ) {
        return inside(&shown);
    }
    let mut whole = shown.clone();
    for &i in &open {
        if let (Some(slot), Some(v)) = (whole.values.get_mut(i), working.get(i)) {
            *slot = Some(v.clone());
        }
    }
    if policy
        .assumes
        .iter()
        .any(|a| settle(policy, &a.expr, &whole) == Some(false))
    {
        return inside(&shown);
    }
    for &i in &open {
        let Some(v) = working.get(i) else { continue };
        let name = &policy.inputs[i].name;
        let json = policy.value_json(v);
        match example.facts.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = json,
            None => {
                // In declaration order, as every example's facts are.
                let at = example
                    .facts
                    .iter()
                    .position(|(n, _)| {
                        policy
                            .inputs
                            .entries()
                            .find(|(_, d)| d.name == *n)
                            .is_some_and(|(k, _)| k > i)
                    })
                    .unwrap_or(example.facts.len());
                example.facts.insert(at, (name.clone(), json));
            }
        }
    }
    Vec::new()
}

/// The values of input `i` to try, the one shown first and then by distance from it
/// (an integer's neighbours before its far values, as examples prefer typical values),
/// at most [`TRIES_PER_INPUT`] of them, and the two ends of its range.
fn nearest_first(policy: &Policy, i: InputId, shown: Option<&Value>) -> Vec<Value> {
    let ty = policy.inputs[i].ty;
    let n = u32::try_from(policy.domain_size(ty)).unwrap_or(u32::MAX);
    if n == 0 {
        return Vec::new();
    }
    let start = shown
        .and_then(|v| crate::compile::value_index(ty, v))
        .unwrap_or(0)
        .min(n - 1);
    let mut out: Vec<u32> = vec![start];
    let mut d = 1u32;
    while out.len() < TRIES_PER_INPUT as usize && (d <= start || start + d < n) {
        if let Some(below) = start.checked_sub(d) {
            out.push(below);
        }
        if start.saturating_add(d) < n {
            out.push(start + d);
        }
        d += 1;
    }
    for end in [0, n - 1] {
        if !out.contains(&end) {
            out.push(end);
        }
    }
    out.into_iter().map(|k| index_value(ty, k)).collect()
}

/// Gives `open` values from `candidates` (in order) so that no condition of `conds`
/// holds, backtracking where a choice leaves one settled true; `false` when none is
/// found within `budget` settlements.
fn escape(
    policy: &Policy,
    conds: &[&Expr],
    open: &[InputId],
    candidates: &[Vec<Value>],
    working: &mut Facts,
    budget: &mut usize,
) -> bool {
    let Some((&i, rest)) = open.split_first() else {
        return conds
            .iter()
            .all(|w| settle(policy, w, working) == Some(false));
    };
    let (values, later) = match candidates.split_first() {
        Some((v, later)) => (v, later),
        None => return false,
    };
    for v in values {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        if let Some(slot) = working.values.get_mut(i) {
            *slot = Some(v.clone());
        }
        let still_open = conds
            .iter()
            .all(|w| settle(policy, w, working) != Some(true));
        if still_open && escape(policy, conds, rest, later, working, budget) {
            return true;
        }
    }
    if let Some(slot) = working.values.get_mut(i) {
        *slot = None;
    }
    false
}
