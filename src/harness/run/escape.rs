//! A failing example moved out of the gaps the policy accepts: where an `accept gap`
//! covers only some of the incidents a failed expectation is about, the incident shown
//! is one the policy leaves open (a bounded search over the inputs the acceptances
//! read, nearest the values first shown), so that "accepts that for only some
//! incidents" is never shown on one it accepts.

use petgraph::graph::NodeIndex;

use super::example::{example_at, reaching, ExampleMaker};
use super::leaf::Accepted;
use crate::check::ir::{AcceptedGap, Expr, InputId, OutputId, Policy, Ty, Value};
use crate::compile::graph::{Leaf, Outcome};
use crate::compile::order::expr_inputs;
use crate::compile::{index_value, value_index};
use crate::evaluate::accept::settle;
use crate::evaluate::Facts;
use crate::harness::Example;

/// How many values of one input are tried when moving an example out of an acceptance,
/// nearest the value shown first (ages and enums are far smaller), before the values
/// the acceptances compare it with and the two ends of its range.
const TRIES_PER_INPUT: u32 = 256;
/// How many partial incidents one search settles the acceptances on before it gives up
/// (each settles every acceptance once, three-valued).
const SEARCH_BUDGET: usize = 4096;
/// How many complete choices the searches of one example follow through the decision
/// graph to see whether they still reach the failing leaf (each a walk of the graph).
const LEAF_CHECKS: usize = 64;

/// Where a choice of facts may take the example, and how it is taken there.
pub(super) trait Mover {
    /// Whether the incident with the `chosen` facts (the scenario's, and values of some
    /// inputs the acceptances read) is one the failure may show: it reaches the failing
    /// leaf and keeps the assumptions. `None` when that can no longer be told.
    fn fits(&mut self, chosen: &Facts) -> Option<bool>;
    /// Moves the example to the `chosen` facts.
    fn apply(&mut self, chosen: &Facts, example: &mut Example);
}

/// Past the graph's node limit the rules decide, and every input they read is given:
/// any other input may move, and the decision stays; the example must keep the
/// assumptions.
pub(super) struct OffGraph<'a> {
    pub(super) policy: &'a Policy,
    pub(super) given: &'a Facts,
    pub(super) shown: Option<Facts>,
}

impl Mover for OffGraph<'_> {
    fn fits(&mut self, chosen: &Facts) -> Option<bool> {
        let Some(shown) = &self.shown else {
            return Some(false);
        };
        let whole = with_values(shown, chosen);
        Some(
            !self
                .policy
                .assumes
                .iter()
                .any(|a| settle(self.policy, &a.expr, &whole) == Some(false)),
        )
    }

    fn apply(&mut self, chosen: &Facts, example: &mut Example) {
        for (i, v) in chosen.values.entries() {
            if let (Some(v), None) = (v, self.given.get(i)) {
                set_fact(self.policy, example, i, v);
            }
        }
    }
}

/// On the decision graph one leaf is reached by every path with its outcomes, so an
/// input the path asks may move too, as long as the facts still reach the leaf; the
/// example is then made anew along its path.
pub(super) struct OnGraph<'a, 'm> {
    pub(super) maker: &'a ExampleMaker<'m>,
    pub(super) leaf: usize,
    pub(super) leaf_data: &'a Leaf,
    walks: usize,
}

impl<'a, 'm> OnGraph<'a, 'm> {
    pub(super) fn new(maker: &'a ExampleMaker<'m>, leaf: usize, leaf_data: &'a Leaf) -> Self {
        OnGraph {
            maker,
            leaf,
            leaf_data,
            walks: LEAF_CHECKS,
        }
    }

    fn target(&self) -> Option<NodeIndex> {
        self.maker.leaf_nodes.get(&self.leaf).copied()
    }
}

impl Mover for OnGraph<'_, '_> {
    fn fits(&mut self, chosen: &Facts) -> Option<bool> {
        let target = self.target()?;
        if self.walks == 0 {
            return None;
        }
        self.walks -= 1;
        let reaches = reaching(self.maker, &chosen.indices(self.maker.policy), target);
        Some(
            reaches
                .get(self.maker.graph.root.index())
                .copied()
                .unwrap_or(false),
        )
    }

    fn apply(&mut self, chosen: &Facts, example: &mut Example) {
        let moved = chosen.indices(self.maker.policy);
        let mut anew = example_at(self.maker, &moved, self.leaf, self.leaf_data);
        anew.mismatches = std::mem::take(&mut example.mismatches);
        *example = anew;
    }
}

/// What the searches found about one output's acceptances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    /// An incident the failure may show escapes them.
    Escaped,
    /// Every value was tried: none does.
    NoneExists,
    /// The search stopped at a budget.
    Unknown,
}

/// One failing output's gap at the leaf and its acceptances, by how they stand for
/// every incident with the scenario's facts.
struct OutputGap<'p> {
    output: OutputId,
    /// Acceptances that hold for all of them.
    holding: Vec<&'p AcceptedGap>,
    /// Acceptances that hold for some.
    partly: Vec<&'p AcceptedGap>,
    /// The `partly` ones together hold for all of them (`when online`, `when not
    /// online`).
    together: bool,
}

/// How far the policy accepts the gap of each output a failed expectation is about
/// (`broken`) for the incidents with the scenario's `given` facts, with the example
/// moved, where the acceptances leave some open, to one of those: the failure then
/// shows an incident the policy leaves open, not one it accepts. The values are the
/// nearest to those shown (a bounded search, settled three-valued at each step); all
/// failing outputs at once where one incident escapes all, else one output at a time.
/// Where the example stays inside an acceptance, the words say how much is known: the
/// search proved no other incident escapes (undecided on purpose), found one that
/// escapes this output alone ("this one among them"), or stopped at a budget.
pub(super) fn settle_failure(
    policy: &Policy,
    given: &Facts,
    leaf: &Leaf,
    broken: &[OutputId],
    example: &mut Example,
    mover: &mut dyn Mover,
) -> Vec<(OutputId, Accepted)> {
    let gaps: Vec<OutputGap<'_>> = broken
        .iter()
        .copied()
        .filter(|&o| matches!(leaf.outcome(o), Some(Outcome::Gap)))
        .map(|o| output_gap(policy, given, o))
        .collect();
    let shown = shown_facts(policy, example);
    let searchable: Vec<&OutputGap<'_>> = gaps
        .iter()
        .filter(|g| g.holding.is_empty() && !g.partly.is_empty() && !g.together)
        .collect();
    let mut found: Vec<(OutputId, Found)> = Vec::new();
    if let (Some(shown), false) = (&shown, searchable.is_empty()) {
        let all: Vec<&Expr> = searchable
            .iter()
            .flat_map(|g| g.partly.iter().map(|a| &a.when))
            .collect();
        match search(policy, &all, given, shown, mover) {
            (Found::Escaped, Some(chosen)) => {
                mover.apply(&chosen, example);
                found = searchable
                    .iter()
                    .map(|g| (g.output, Found::Escaped))
                    .collect();
            }
            _ => {
                let mut moved = false;
                for g in &searchable {
                    let conds: Vec<&Expr> = g.partly.iter().map(|a| &a.when).collect();
                    let (f, chosen) = search(policy, &conds, given, shown, mover);
                    if let (false, Some(chosen)) = (moved, chosen) {
                        mover.apply(&chosen, example);
                        moved = true;
                    }
                    found.push((g.output, f));
                }
            }
        }
    }
    let Some(now) = shown_facts(policy, example) else {
        return Vec::new();
    };
    gaps.iter()
        .filter_map(|g| {
            let status = found
                .iter()
                .find(|(o, _)| *o == g.output)
                .map_or(Found::Unknown, |(_, f)| *f);
            accepted(policy, g, &now, status).map(|a| (g.output, a))
        })
        .collect()
}

/// An output's acceptances, by how they stand for the incidents with the `given` facts.
fn output_gap<'p>(policy: &'p Policy, given: &Facts, o: OutputId) -> OutputGap<'p> {
    let (mut holding, mut partly) = (Vec::new(), Vec::new());
    for g in policy.accepted_gaps.iter().filter(|g| g.output == o) {
        match settle(policy, &g.when, given) {
            Some(true) => holding.push(g),
            None => partly.push(g),
            Some(false) => {}
        }
    }
    let any = Expr::Or(partly.iter().map(|g| g.when.clone()).collect());
    let together = !partly.is_empty() && settle(policy, &any, given) == Some(true);
    OutputGap {
        output: o,
        holding,
        partly,
        together,
    }
}

/// How the failure words one output's gap at the example with the facts `now`.
fn accepted(policy: &Policy, g: &OutputGap<'_>, now: &Facts, status: Found) -> Option<Accepted> {
    let reasons = |gs: &mut dyn Iterator<Item = &&AcceptedGap>| {
        gs.map(|a| a.reason.as_str()).collect::<Vec<_>>().join("; ")
    };
    if !g.holding.is_empty() {
        return Some(Accepted::All(reasons(&mut g.holding.iter())));
    }
    if g.partly.is_empty() {
        return None;
    }
    let here: Vec<&&AcceptedGap> = g
        .partly
        .iter()
        .filter(|a| settle(policy, &a.when, now) == Some(true))
        .collect();
    if here.is_empty() {
        return Some(Accepted::Part(reasons(&mut g.partly.iter())));
    }
    let reason = reasons(&mut here.into_iter());
    Some(if g.together {
        Accepted::All(reason)
    } else {
        match status {
            Found::NoneExists => Accepted::All(reason),
            Found::Escaped => Accepted::PartShown(reason),
            Found::Unknown => Accepted::Here(reason),
        }
    })
}

/// The example's facts, read back as the policy's values.
fn shown_facts(policy: &Policy, example: &Example) -> Option<Facts> {
    let object: serde_json::Map<String, serde_json::Value> =
        example.facts.iter().cloned().collect();
    crate::evaluate::parse_facts(policy, &serde_json::Value::Object(object)).ok()
}

/// Values for the inputs `conds` read and `given` does not so that none of `conds`
/// holds and the mover accepts the incident: what was found, and the facts chosen
/// (the given ones with those values) when one was.
fn search(
    policy: &Policy,
    conds: &[&Expr],
    given: &Facts,
    shown: &Facts,
    mover: &mut dyn Mover,
) -> (Found, Option<Facts>) {
    let mut open: Vec<InputId> = conds
        .iter()
        .flat_map(|w| expr_inputs(policy, w))
        .filter(|&i| given.get(i).is_none())
        .collect();
    open.sort_unstable();
    open.dedup();
    let mut constants = Vec::new();
    for w in conds {
        compared_constants(policy, w, &mut constants);
    }
    let mut whole = true;
    let candidates: Vec<Vec<Value>> = open
        .iter()
        .map(|&i| {
            let (values, all) = candidates(policy, i, shown.get(i), &constants);
            whole &= all;
            values
        })
        .collect();
    let mut state = State {
        budget: SEARCH_BUDGET,
        cut: !whole,
    };
    let mut working = given.clone();
    let space = Space {
        conds,
        open: &open,
        candidates: &candidates,
    };
    if escape(policy, &space, 0, &mut working, &mut state, mover) {
        (Found::Escaped, Some(working))
    } else if state.cut {
        (Found::Unknown, None)
    } else {
        (Found::NoneExists, None)
    }
}

/// The conditions to escape, the inputs the search sets and each one's values to try.
struct Space<'s> {
    conds: &'s [&'s Expr],
    open: &'s [InputId],
    candidates: &'s [Vec<Value>],
}

/// A search's budget left, and whether it skipped anything (values not tried, a budget
/// spent, an incident the mover could not judge): then finding nothing proves nothing.
struct State {
    budget: usize,
    cut: bool,
}

/// Gives the inputs from the `k`-th on values from their candidates (in order) so that
/// no condition holds and the mover accepts the whole choice, backtracking where a
/// choice leaves a condition settled true.
fn escape(
    policy: &Policy,
    space: &Space<'_>,
    k: usize,
    working: &mut Facts,
    state: &mut State,
    mover: &mut dyn Mover,
) -> bool {
    let (Some(&i), Some(values)) = (space.open.get(k), space.candidates.get(k)) else {
        if !space
            .conds
            .iter()
            .all(|w| settle(policy, w, working) == Some(false))
        {
            return false;
        }
        return match mover.fits(working) {
            Some(fits) => fits,
            None => {
                state.cut = true;
                false
            }
        };
    };
    for v in values {
        if state.budget == 0 {
            state.cut = true;
            break;
        }
        state.budget -= 1;
        if let Some(slot) = working.values.get_mut(i) {
            *slot = Some(v.clone());
        }
        let still_open = space
            .conds
            .iter()
            .all(|w| settle(policy, w, working) != Some(true));
        if still_open && escape(policy, space, k + 1, working, state, mover) {
            return true;
        }
    }
    if let Some(slot) = working.values.get_mut(i) {
        *slot = None;
    }
    false
}

/// `base` with the values `chosen` gives.
fn with_values(base: &Facts, chosen: &Facts) -> Facts {
    let mut whole = base.clone();
    for (slot, v) in whole.values.iter_mut().zip(chosen.values.iter()) {
        if let Some(v) = v {
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

/// The numbers the conditions compare with (`images >= 10`: 10; `a - b > 2`: 2),
/// through the defines they use: an integer's threshold is where an acceptance stops,
/// and the values beside it are the first to try past the nearest ones.
fn compared_constants(policy: &Policy, e: &Expr, out: &mut Vec<i64>) {
    policy.for_each_atom(e, &mut |atom| {
        if let Expr::Cmp { lhs, rhs, .. } = atom {
            let k = rhs.constant.saturating_sub(lhs.constant);
            out.extend([k, k.saturating_neg()]);
        }
    });
}

/// The values of input `i` to try: the one shown, then by distance from it (an
/// integer's neighbours before its far values, as examples prefer typical values), at
/// most [`TRIES_PER_INPUT`] of them; then for an integer each compared constant and
/// its neighbours, and the two ends of its range. `true` when that is every value.
fn candidates(
    policy: &Policy,
    i: InputId,
    shown: Option<&Value>,
    constants: &[i64],
) -> (Vec<Value>, bool) {
    let ty = policy.inputs[i].ty;
    let n = u32::try_from(policy.domain_size(ty)).unwrap_or(u32::MAX);
    if n == 0 {
        return (Vec::new(), true);
    }
    let start = shown
        .and_then(|v| value_index(ty, v))
        .unwrap_or(0)
        .min(n - 1);
    let mut out: Vec<u32> = vec![start];
    let mut d = 1u32;
    while out.len() < TRIES_PER_INPUT as usize && (d <= start || start.saturating_add(d) < n) {
        if let Some(below) = start.checked_sub(d) {
            out.push(below);
        }
        if start.saturating_add(d) < n {
            out.push(start + d);
        }
        d += 1;
    }
    let mut extra: Vec<u32> = Vec::new();
    if let Ty::Int { .. } = ty {
        for &c in constants {
            for v in [c.saturating_sub(1), c, c.saturating_add(1)] {
                extra.extend(value_index(ty, &Value::Int(v)));
            }
        }
    }
    extra.extend([0, n - 1]);
    for k in extra {
        if !out.contains(&k) {
            out.push(k);
        }
    }
    let all = out.len() as u64 >= u64::from(n);
    (out.into_iter().map(|k| index_value(ty, k)).collect(), all)
}
