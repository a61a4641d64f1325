//! Examples that isolate a pairwise finding: for two rules over one output (a
//! conflict, a decision of a precedence, an overlap), an example incident where no
//! other rule that assigns the output applies, when the region holds one. An example
//! that fires other rows of a table too explains less (and took `false` and the first
//! variant by default, often a "decline" row). Among those incidents the example is
//! chosen by the one rule of every example (`compile::typical_index`).
//!
//! Done on the diagrams for both engines, after the pairs are found, so both give the
//! same example; only for the pairs listed one by one ([`super::LISTED_CONFLICTS`] per
//! output and kind), the ones shown with their example, and within [`MAX_CHECKS`],
//! [`MAX_OTHERS`], [`MAX_DIFF_NODES`] and [`MAX_ALL_DIFF_NODES`]: on a decision table of thousands of rules over dozens of inputs
//! every check is a difference of large diagrams (about half a millisecond each), and a
//! hundred pairs took 100 s where the rest of `check` takes under a second. A pair past
//! any keeps the example it was found with, and `isolating` stays `None` (not
//! looked at), as past the listed pairs.

use super::{Analysis, ConflictFinding, LISTED_CONFLICTS};
use crate::check::ir::{OutputId, RuleId};
use crate::compile::{CResult, Compiler};
use crate::mdd::{NodeId, FALSE};

/// The rules' conditions the search may test against pairs' regions, over all pairs of
/// one analysis: small policies, whose examples the property tests check for
/// exactness, stay far below it.
pub(super) const MAX_CHECKS: usize = 12_000;

/// The other rules of the output one pair's search may test: tables as people write
/// them (the DMN examples of issue 23 have dozens of rows) stay below it; at 200 rules
/// over 20 inputs one check already costs a quarter of a millisecond.
pub(super) const MAX_OTHERS: usize = 60;

/// The states one pair's walk past the other rules ([`crate::mdd::Mdd::pick_avoiding`])
/// may visit before the difference is built instead.
const MAX_STATES: usize = 20_000;

/// The nodes one pair's difference may add to the diagrams, and all pairs' differences
/// together, before a pair keeps the example it was found with. Without them a walk past
/// its states went on to build the difference up to the node limit (two million nodes,
/// a second or more) pair after pair: a synthetic policy of 400 rules over 28 inputs
/// (seed 6) took 50 s, all of it here.
const MAX_DIFF_NODES: usize = 100_000;
const MAX_ALL_DIFF_NODES: usize = 1_000_000;

/// What the searches of one analysis may still spend.
#[derive(Clone, Copy, Debug)]
pub(super) struct Budget {
    /// Checks of rules' conditions ([`MAX_CHECKS`]).
    pub checks: usize,
    /// States of one pair's walk ([`MAX_STATES`]).
    pub states: usize,
    /// Nodes of one pair's difference ([`MAX_DIFF_NODES`]).
    pub pair_nodes: usize,
    /// Nodes of all pairs' differences ([`MAX_ALL_DIFF_NODES`]).
    pub nodes: usize,
}

impl Budget {
    pub const DEFAULT: Budget = Budget {
        checks: MAX_CHECKS,
        states: MAX_STATES,
        pair_nodes: MAX_DIFF_NODES,
        nodes: MAX_ALL_DIFF_NODES,
    };
}

pub(super) fn isolate_examples(c: &mut Compiler<'_>, a: &mut Analysis) -> CResult<()> {
    isolate_examples_within(c, a, Budget::DEFAULT)
}

pub(super) fn isolate_examples_within(
    c: &mut Compiler<'_>,
    a: &mut Analysis,
    mut budget: Budget,
) -> CResult<()> {
    for list in [&mut a.conflicts, &mut a.resolved, &mut a.overlaps] {
        let mut seen: Vec<(OutputId, usize)> = Vec::new();
        for cf in list.iter_mut() {
            let n = match seen.iter_mut().find(|x| x.0 == cf.output) {
                Some(x) => {
                    x.1 += 1;
                    x.1
                }
                None => {
                    seen.push((cf.output, 1));
                    1
                }
            };
            if n > LISTED_CONFLICTS {
                continue;
            }
            // Past the node limit the example stays as found, not looked at.
            if c.mdd.total_nodes() > c.mdd.max_nodes() / 2 {
                c.compact()?;
            }
            match isolate(c, cf, &mut budget) {
                Ok(()) => {}
                Err(crate::compile::CompileError::TooLarge { .. }) => c.compact()?,
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// The effective region of rule `r`'s assignment to `o`.
fn effective_on(c: &Compiler<'_>, r: RuleId, o: OutputId) -> NodeId {
    let k = c.policy.rules[r].assigns.iter().position(|a| a.output == o);
    k.and_then(|k| c.effective.get(r).and_then(|v| v.get(k)))
        .copied()
        .unwrap_or(FALSE)
}

fn isolate(c: &mut Compiler<'_>, cf: &mut ConflictFinding, budget: &mut Budget) -> CResult<()> {
    let o = cf.output;
    let [r1, r2] = cf.rules;
    let others = c
        .policy
        .rules
        .entries()
        .filter(|&(t, rule)| t != r1 && t != r2 && rule.assigns.iter().any(|a| a.output == o))
        .count();
    // All or nothing: a search cut short would say nothing true about the region.
    if others > MAX_OTHERS || others > budget.checks {
        return Ok(());
    }
    budget.checks -= others;
    let (e1, e2) = (effective_on(c, r1, o), effective_on(c, r2, o));
    let both = c.mdd.and(e1, e2)?;
    let region = c.mdd.and(both, c.valid)?;
    let mut avoid = Vec::new();
    for (t, rule) in c.policy.rules.entries() {
        if t == r1 || t == r2 || !rule.assigns.iter().any(|a| a.output == o) {
            continue;
        }
        let cond = c.rule_conds.get(t).copied().unwrap_or(FALSE);
        if c.mdd.intersects(cond, region) {
            avoid.push(cond);
        }
    }
    let choose = crate::compile::Typical(c);
    let example = match c.mdd.pick_avoiding(region, &avoid, choose, budget.states) {
        Ok(example) => example,
        // Past the walk's budget the difference is built, as before the walk existed,
        // within budgets of its own (past them, `TooLarge` leaves the pair as found).
        Err(_) => {
            let allowed = budget.pair_nodes.min(budget.nodes);
            if allowed == 0 {
                // Not even tried: a try would fail at its first node and compact the
                // diagrams for nothing, pair after pair.
                return Ok(());
            }
            let (limit, before) = (c.mdd.max_nodes(), c.mdd.total_nodes());
            let cap = before.saturating_add(allowed);
            c.mdd.set_max_nodes(cap.min(limit));
            let alone = difference(c, region, &avoid);
            c.mdd.set_max_nodes(limit);
            budget.nodes = budget
                .nodes
                .saturating_sub(c.mdd.total_nodes().saturating_sub(before));
            c.mdd
                .pick(alone?, |t| t == 1, |l, runs| c.typical_at(l, Some(runs)))
        }
    };
    cf.isolating = Some(example.is_some());
    if let Some(levels) = example {
        cf.region.example = crate::compile::describe::example_indices(c, &levels);
    }
    Ok(())
}

/// `region` without any incident of `avoid`.
fn difference(c: &mut Compiler<'_>, region: NodeId, avoid: &[NodeId]) -> CResult<NodeId> {
    let mut alone = region;
    for &cond in avoid {
        if alone == FALSE {
            break;
        }
        alone = c.mdd.diff(alone, cond)?;
    }
    Ok(alone)
}
