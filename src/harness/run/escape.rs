//! A failing example moved out of the gaps the policy accepts: where an `accept gap`
//! covers only some of the incidents a failed expectation is about, the incident shown
//! is one the policy leaves open (a bounded search over the inputs the acceptances
//! read, nearest the values first shown), so that "accepts that for only some
//! incidents" is never shown on one it accepts.

use super::example::{example_at, reaching, ExampleMaker};
use super::leaf::Accepted;
use crate::check::ir::{Expr, InputId, OutputId, Policy, Value};
use crate::compile::graph::Leaf;
use crate::compile::index_value;
use crate::compile::order::expr_inputs;
use crate::evaluate::accept::settle;
use crate::evaluate::Facts;
use crate::harness::Example;

/// How many values of one input are tried when moving an example out of an acceptance,
/// nearest the value shown first (ages and enums are far smaller).
const TRIES_PER_INPUT: u32 = 256;
/// How many partial incidents the search settles the acceptances on before it gives up
/// (each settles every acceptance once, three-valued).
const SEARCH_BUDGET: usize = 4096;
/// How many complete choices the search follows through the decision graph to see
/// whether they still reach the failing leaf (each a walk of the whole graph).
const LEAF_CHECKS: usize = 64;

/// The acceptances an example may be moved out of: per failing output (`broken`) whose
/// gap the policy accepts at the example, wholly or in part (`accepted`), its
/// acceptances that neither hold nor fail for every incident with the facts `scope`;
/// an output one of whose acceptances holds for all of them cannot be escaped and is
/// left out.
fn escapable<'p>(
    policy: &'p Policy,
    scope: &Facts,
    accepted: &[(OutputId, Accepted)],
    broken: &[OutputId],
) -> Vec<(OutputId, &'p Expr)> {
    let mut out = Vec::new();
    for &(o, _) in accepted.iter().filter(|(o, _)| broken.contains(o)) {
        let gs: Vec<(&Expr, Option<bool>)> = policy
            .accepted_gaps
            .iter()
            .filter(|g| g.output == o)
            .map(|g| (&g.when, settle(policy, &g.when, scope)))
            .collect();
        if gs.iter().any(|(_, held)| *held == Some(true)) {
            continue;
        }
        out.extend(
            gs.iter()
                .filter(|(_, held)| held.is_none())
                .map(|(w, _)| (o, *w)),
        );
    }
    out
}

/// The example's facts, read back as the policy's values.
fn shown_facts(policy: &Policy, example: &Example) -> Option<Facts> {
    let object: serde_json::Map<String, serde_json::Value> =
        example.facts.iter().cloned().collect();
    crate::evaluate::parse_facts(policy, &serde_json::Value::Object(object)).ok()
}

/// What [`escape`] needs to search: the conditions to escape, the inputs it may set
/// and the values to try for each, nearest the ones shown first.
struct Search<'p> {
    conds: Vec<&'p Expr>,
    open: Vec<InputId>,
    candidates: Vec<Vec<Value>>,
}

impl<'p> Search<'p> {
    fn new(policy: &Policy, parts: &[(OutputId, &'p Expr)], scope: &Facts, shown: &Facts) -> Self {
        let mut open: Vec<InputId> = parts
            .iter()
            .flat_map(|(_, w)| expr_inputs(policy, w))
            .filter(|&i| scope.get(i).is_none())
            .collect();
        open.sort_unstable();
        open.dedup();
        let candidates = open
            .iter()
            .map(|&i| nearest_first(policy, i, shown.get(i)))
            .collect();
        Search {
            conds: parts.iter().map(|(_, w)| *w).collect(),
            open,
            candidates,
        }
    }
}

/// The outputs among `parts` one of whose acceptances holds for the incident `facts`.
fn inside(policy: &Policy, parts: &[(OutputId, &Expr)], facts: &Facts) -> Vec<OutputId> {
    let mut out: Vec<OutputId> = parts
        .iter()
        .filter(|(_, w)| settle(policy, w, facts) == Some(true))
        .map(|(o, _)| *o)
        .collect();
    out.dedup();
    out
}

/// Marks the outputs whose acceptance the example shown is inside although others with
/// its facts are not ([`Accepted::PartShown`]), for the failure to say so.
fn mark_shown(accepted: &mut [(OutputId, Accepted)], inside: &[OutputId]) {
    for (o, a) in accepted.iter_mut() {
        if let (true, Accepted::Part(reason)) = (inside.contains(o), &a) {
            *a = Accepted::PartShown(reason.clone());
        }
    }
}

/// Where the policy accepts the gap of an output a failed expectation is about for only
/// some of the incidents an example stands for ([`Accepted::Part`]: the acceptance
/// reads inputs the decision never asks), the example is moved out of every such
/// acceptance where it can be: the failure then shows an incident the policy leaves
/// open, as "accepts that for only some incidents" promises, not one it accepts. Only
/// inputs the decision does not read are changed (the rules' reading, past the graph's
/// node limit: every input the rules read is given), so the decision is the same; each
/// takes the value nearest the one shown that lets the rest escape too. Where none is
/// found (or it would break an assumption) the failure says the incident shown is one
/// of those accepted.
pub(super) fn outside_partial_acceptances(
    policy: &Policy,
    fixed: &Facts,
    accepted: &mut [(OutputId, Accepted)],
    broken: &[OutputId],
    example: &mut Example,
) {
    let partly: Vec<(OutputId, Accepted)> = accepted
        .iter()
        .filter(|(_, a)| matches!(a, Accepted::Part(_)))
        .cloned()
        .collect();
    let parts = escapable(policy, fixed, &partly, broken);
    let Some(shown) = shown_facts(policy, example).filter(|_| !parts.is_empty()) else {
        return;
    };
    let search = Search::new(policy, &parts, fixed, &shown);
    let mut working = fixed.clone();
    let found = escape(
        policy,
        &search,
        0,
        &mut working,
        &mut SEARCH_BUDGET.clone(),
        &mut |w| {
            let whole = with_values(&shown, w, &search.open);
            !policy
                .assumes
                .iter()
                .any(|a| settle(policy, &a.expr, &whole) == Some(false))
        },
    );
    if !found {
        mark_shown(accepted, &inside(policy, &parts, &shown));
        return;
    }
    for &i in &search.open {
        if let Some(v) = working.get(i) {
            set_fact(policy, example, i, v);
        }
    }
}

/// [`outside_partial_acceptances`] on the decision graph, where the leaf an example
/// reaches may be reached by incidents the policy accepts and by others it leaves open
/// (one leaf of the graph is shared by every path with its outcomes): the inputs the
/// acceptances read may move, asked on the path or not, as long as the facts still
/// reach the failing leaf, and the example is then made anew along its path. A gap the
/// path's facts settle as wholly accepted but that some incident with the scenario's
/// given facts reaching the same leaf escapes is then accepted only in part.
#[allow(clippy::too_many_arguments)] // one call, from the graph's failing leaves
pub(super) fn outside_acceptances_at_leaf(
    maker: &ExampleMaker<'_>,
    given: &[Option<u32>],
    leaf: usize,
    leaf_data: &Leaf,
    accepted: &mut [(OutputId, Accepted)],
    broken: &[OutputId],
    example: &mut Example,
) {
    let policy = maker.policy;
    let scope = Facts {
        values: policy
            .inputs
            .iter()
            .zip(given)
            .map(|(i, g)| g.map(|g| index_value(i.ty, g)))
            .collect(),
    };
    let parts = escapable(policy, &scope, accepted, broken);
    let (Some(shown), Some(&target)) = (
        shown_facts(policy, example).filter(|_| !parts.is_empty()),
        maker.leaf_nodes.get(&leaf),
    ) else {
        return;
    };
    let search = Search::new(policy, &parts, &scope, &shown);
    let mut working = scope.clone();
    let mut checks = LEAF_CHECKS;
    let found = escape(
        policy,
        &search,
        0,
        &mut working,
        &mut SEARCH_BUDGET.clone(),
        &mut |w| {
            if checks == 0 {
                return false;
            }
            checks -= 1;
            let reaches = reaching(maker, &w.indices(policy), target);
            reaches
                .get(maker.graph.root.index())
                .copied()
                .unwrap_or(false)
        },
    );
    if !found {
        mark_shown(accepted, &inside(policy, &parts, &shown));
        return;
    }
    let moved = working.indices(policy);
    let mut anew = example_at(maker, &moved, leaf, leaf_data);
    anew.mismatches = std::mem::take(&mut example.mismatches);
    *example = anew;
    let escaped: Vec<OutputId> = parts.iter().map(|(o, _)| *o).collect();
    for (o, a) in accepted.iter_mut() {
        if let (true, Accepted::All(reason)) = (escaped.contains(o), &a) {
            *a = Accepted::Part(reason.clone());
        }
    }
}

/// `base` with the values `from` gives the inputs `open`.
fn with_values(base: &Facts, from: &Facts, open: &[InputId]) -> Facts {
    let mut whole = base.clone();
    for &i in open {
        if let (Some(slot), Some(v)) = (whole.values.get_mut(i), from.get(i)) {
            *slot = Some(v.clone());
        }
    }
    whole
}

/// Sets one input of an example's facts, keeping them in declaration order.
fn set_fact(policy: &Policy, example: &mut Example, i: InputId, v: &Value) {
    let name = &policy.inputs[i].name;
    let json = policy.value_json(v);
    match example.facts.iter_mut().find(|(n, _)| n == name) {
        Some(entry) => entry.1 = json,
        None => {
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

/// Gives the search's inputs from the `k`-th on values from its candidates (in order)
/// so that no condition holds and `fits` accepts the whole choice, backtracking where a
/// choice leaves a condition settled true; `false` when none is found within `budget`
/// settlements.
fn escape(
    policy: &Policy,
    search: &Search<'_>,
    k: usize,
    working: &mut Facts,
    budget: &mut usize,
    fits: &mut dyn FnMut(&Facts) -> bool,
) -> bool {
    let (Some(&i), Some(values)) = (search.open.get(k), search.candidates.get(k)) else {
        return search
            .conds
            .iter()
            .all(|w| settle(policy, w, working) == Some(false))
            && fits(working);
    };
    for v in values {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        if let Some(slot) = working.values.get_mut(i) {
            *slot = Some(v.clone());
        }
        let still_open = search
            .conds
            .iter()
            .all(|w| settle(policy, w, working) != Some(true));
        if still_open && escape(policy, search, k + 1, working, budget, fits) {
            return true;
        }
    }
    if let Some(slot) = working.values.get_mut(i) {
        *slot = None;
    }
    false
}
