//! Inputs the outcome depends on, each proven by a witness: two incidents that differ
//! in that input alone and get different outcomes under the reference semantics
//! ([`super::brute::decide`], compared as [`super::brute::observed`]: a conflict
//! between other rules is another outcome).
//!
//! Why: the diagram proof of which inputs matter needs, per output, the union of every
//! rule assigning it, which is what blows up on large policies. A witness is usually
//! found at the first try (take an incident inside one rule's box, move the input just
//! outside it), so only inputs without a witness are left to the diagrams, and an input
//! the decision logic never mentions is unused without any proof.

use super::boxes::BoxModel;
use super::brute;
use super::cuboid::{complement, holds, Cuboid};
use super::sat::{self, Found};
use crate::check::ir::Value;
use crate::compile::describe::example_values;
use crate::compile::order::decision_inputs;
use crate::compile::synth::Rng;
use crate::compile::Compiler;

/// Tries per input before it is left to the diagrams.
const TRIES: usize = 24;
/// Random tries before the targeted search.
const FIRST_TRIES: usize = 2;

/// Per input: whether a witness shows the outcome depends on it. `false` proves
/// nothing on its own, except for inputs the decision logic never mentions.
pub fn used_inputs(c: &Compiler<'_>, model: &BoxModel) -> Vec<bool> {
    let policy = c.policy;
    let mentioned = decision_inputs(policy);
    let sizes: Vec<u32> = (0..c.mdd.num_levels()).map(|l| c.mdd.size(l)).collect();
    let mut rng = Rng::new(0x5EED);
    let mut used = vec![false; policy.inputs.len()];
    for (input, slot) in policy.inputs.ids().zip(used.iter_mut()) {
        if !mentioned.get(input.index()).copied().unwrap_or(false) {
            continue;
        }
        let level = c.level(input);
        // The boxes that test this input: the rules' conditions and the valid incidents.
        let sources: Vec<&Cuboid> = model
            .conds()
            .iter()
            .flatten()
            .chain(model.valid())
            .filter(|b| b.restricts(level))
            .collect();
        if sources.is_empty() {
            continue;
        }
        let mut random = |tries: std::ops::Range<usize>| {
            tries.into_iter().any(|t| {
                let b = sources.get(t % sources.len()).copied();
                b.is_some_and(|b| witness(c, model, b, level, &sizes, &mut rng))
            })
        };
        // A few random tries first: on a decision table most incidents are conflicts,
        // and moving one input out of one rule's box changes which rules conflict,
        // while the targeted search builds a cover of thousands of boxes per try.
        *slot = random(0..FIRST_TRIES) || targeted(c, model, level) || random(FIRST_TRIES..TRIES);
    }
    used
}

/// Assignments tried per input by [`targeted`].
const TARGETED: usize = 48;

/// A witness built to show one assignment: an incident where assignment `k` of a rule
/// is effective, with the input inside the rule's box, against the same incident with
/// the input outside it, where no other rule gives the output that value on either
/// side. The SAT solver finds the rest of the incident. On large policies random
/// incidents rarely work: most outputs are already in conflict between every value.
fn targeted(c: &Compiler<'_>, model: &BoxModel, level: usize) -> bool {
    let policy = c.policy;
    let sizes = model.sizes();
    let mut tries = 0;
    for (r, rule) in policy.rules.entries() {
        for (k, a) in rule.assigns.iter().enumerate() {
            // The assignments that give the output this value (or, for a set output,
            // its first variant) too.
            let shared = |b: &Value| match (&a.value, b) {
                (Value::Set(_, mine), Value::Set(_, theirs)) => {
                    mine.first().is_some_and(|v| theirs.contains(v))
                }
                (x, y) => x == y,
            };
            for e in model.effective_boxes(r, k) {
                let Some(set) = e.set_at(level) else { continue };
                if tries >= TARGETED {
                    return false;
                }
                tries += 1;
                let Some(v) = model.valid().iter().find_map(|v| v.meet(e)) else {
                    continue;
                };
                let mut space = v.dense(sizes);
                let Some(here) = space.get(level).and_then(|s| s.first()).map(|r| r.0) else {
                    continue;
                };
                let Some(there) = outside(set, sizes.get(level).copied().unwrap_or(0)) else {
                    continue;
                };
                if let Some(slot) = space.get_mut(level) {
                    *slot = vec![(here, here)];
                }
                let mut cover: Vec<Cuboid> = Vec::new();
                for (r2, other) in policy.rules.entries() {
                    for (k2, b) in other.assigns.iter().enumerate() {
                        if (r2, k2) == (r, k) || b.output != a.output || !shared(&b.value) {
                            continue;
                        }
                        for x in model.effective_boxes(r2, k2) {
                            let hits = x
                                .set_at(level)
                                .is_none_or(|s| holds(s, here) || holds(s, there));
                            if hits {
                                cover.push(x.without(level));
                            }
                        }
                    }
                }
                let refs: Vec<&Cuboid> = cover.iter().collect();
                let Found::Incident(inside) = sat::outside_all(sizes, &space, &refs) else {
                    continue;
                };
                let mut moved = inside.clone();
                if let Some(slot) = moved.get_mut(level) {
                    *slot = there;
                }
                if differ(c, &inside, &moved) {
                    return true;
                }
            }
        }
    }
    false
}

/// The first value of `0..n` outside a set.
fn outside(set: &[(u32, u32)], n: u32) -> Option<u32> {
    // From the complement's ranges, not value by value: a level may have 2^30 values.
    complement(set, n).first().map(|r| r.0)
}

/// Whether two incidents (value indices per level) get different outcomes.
fn differ(c: &Compiler<'_>, a: &[u32], b: &[u32]) -> bool {
    let policy = c.policy;
    let here = brute::decide(policy, &example_values(c, a));
    let there = brute::decide(policy, &example_values(c, b));
    brute::observed(&here) != brute::observed(&there)
}

/// One try: an incident inside `b` (and valid, when `b` meets a valid box) against the
/// same incident with the input at `level` moved outside `b`.
fn witness(
    c: &Compiler<'_>,
    model: &BoxModel,
    b: &Cuboid,
    level: usize,
    sizes: &[u32],
    rng: &mut Rng,
) -> bool {
    let valid = model.valid();
    let start = rng.below(valid.len() as u64) as usize;
    let area = (0..valid.len())
        .filter_map(|k| valid.get((start + k) % valid.len()))
        .find_map(|v| v.meet(b))
        .unwrap_or_else(|| b.clone());
    let inside: Vec<u32> = (0..sizes.len())
        .map(|l| area.sample(l, sizes, rng))
        .collect();
    let mut outside = inside.clone();
    let Some(other) = b.sample_outside(level, sizes, rng) else {
        return false;
    };
    if let Some(slot) = outside.get_mut(level) {
        *slot = other;
    }
    differ(c, &inside, &outside)
}
