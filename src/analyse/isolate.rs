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
//! [`MAX_OTHERS`], [`MAX_DIFF_NODES`] and [`MAX_ALL_DIFF_NODES`]: on a decision table
//! of thousands of rules over dozens of inputs every check is a difference of large
//! diagrams (about half a millisecond each), and a hundred pairs took 100 s where the
//! rest of `check` takes under a second. A pair past any keeps the example it was found
//! with, and `isolating` stays `None` (not looked at), as past the listed pairs.
//!
//! The walks, hundreds on a policy of 200 rules, run on every core; what the budgets
//! allow is settled in the order of the pairs before and after them, the differences'
//! nodes counted from the compiler's own diagrams, so the answers do not depend on the
//! number of cores.

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
    isolate_examples_within(c, a, Budget::DEFAULT, true)
}

/// What the walk past the other rules found for one pair.
enum Walked {
    /// The example, or `None` when no incident of the region applies only the pair.
    Found(Option<Vec<u32>>),
    /// The walk passed its budget of states: the difference is built instead.
    Exhausted,
    /// The pair's region passed the node limit: the pair stays as found.
    TooLarge,
}

/// Pairs from which the walks run on every core (each thread on a copy of the
/// compiler, whose diagrams it grows).
pub(super) const WALKED_APART: usize = 32;

/// The search in three steps, each pair's answer the same on any number of cores:
/// which pairs are searched (the listed ones, within the budget of checks, spent in
/// order); the walks, which read nothing but the pair, on every core; then, in order
/// and from the compiler's own diagrams, the differences of the pairs whose walk passed
/// its budget, which share the budget of nodes. With `every_core` false, the walks run
/// on this thread.
pub(super) fn isolate_examples_within(
    c: &mut Compiler<'_>,
    a: &mut Analysis,
    mut budget: Budget,
    every_core: bool,
) -> CResult<()> {
    let mut todo: Vec<(usize, usize)> = Vec::new();
    for (k, list) in [&a.conflicts, &a.resolved, &a.overlaps]
        .into_iter()
        .enumerate()
    {
        let mut seen: Vec<(OutputId, usize)> = Vec::new();
        for (i, cf) in list.iter().enumerate() {
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
            let others = others_of(c, cf);
            // All or nothing: a search cut short would say nothing true about the region.
            if others > MAX_OTHERS || others > budget.checks {
                continue;
            }
            budget.checks -= others;
            todo.push((k, i));
        }
    }
    if todo.is_empty() {
        return Ok(());
    }
    let pairs: Vec<&ConflictFinding> = todo.iter().filter_map(|&(k, i)| pair(a, k, i)).collect();
    let walked = walk_all(c, &pairs, budget.states, every_core)?;
    // The differences count the nodes they add against their budgets: they start from
    // the compiler's own diagrams alone, whichever walks ran here, so that what a budget
    // allows does not depend on the number of cores.
    if walked.iter().any(|w| matches!(w, Walked::Exhausted)) {
        c.compact()?;
    }
    for (&(k, i), walked) in todo.iter().zip(walked) {
        let Some(cf) = pair_mut(a, k, i) else {
            continue;
        };
        let example = match walked {
            Walked::Found(example) => example,
            Walked::TooLarge => continue,
            Walked::Exhausted => {
                // Past the node limit the example stays as found, not looked at.
                if c.mdd.total_nodes() > c.mdd.max_nodes() / 2 {
                    c.compact()?;
                }
                match difference_example(c, cf, &mut budget) {
                    Ok(Some(example)) => example,
                    Ok(None) => continue,
                    Err(crate::compile::CompileError::TooLarge { .. }) => {
                        c.compact()?;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        cf.isolating = Some(example.is_some());
        if let Some(levels) = example {
            cf.region.example = crate::compile::describe::example_indices(c, &levels);
        }
    }
    Ok(())
}

fn pair(a: &Analysis, k: usize, i: usize) -> Option<&ConflictFinding> {
    [&a.conflicts, &a.resolved, &a.overlaps]
        .into_iter()
        .nth(k)
        .and_then(|list| list.get(i))
}

fn pair_mut(a: &mut Analysis, k: usize, i: usize) -> Option<&mut ConflictFinding> {
    [&mut a.conflicts, &mut a.resolved, &mut a.overlaps]
        .into_iter()
        .nth(k)
        .and_then(|list| list.get_mut(i))
}

/// How many rules besides the pair's two assign its output.
fn others_of(c: &Compiler<'_>, cf: &ConflictFinding) -> usize {
    let [r1, r2] = cf.rules;
    c.policy
        .rules
        .entries()
        .filter(|&(t, rule)| {
            t != r1 && t != r2 && rule.assigns.iter().any(|a| a.output == cf.output)
        })
        .count()
}

/// Each pair's walk, in order: on every core past [`WALKED_APART`] pairs, each
/// thread taking the next pair as it is free (the pairs of one output can take ten
/// times those of another).
fn walk_all(
    c: &mut Compiler<'_>,
    pairs: &[&ConflictFinding],
    states: usize,
    every_core: bool,
) -> CResult<Vec<Walked>> {
    if !every_core || crate::parallel::workers(usize::MAX) < 2 || pairs.len() < WALKED_APART {
        return pairs.iter().map(|cf| walk(c, cf, states)).collect();
    }
    let shared: &Compiler<'_> = c;
    // The copies, each taken by one thread at a time; a pair's answer does not depend
    // on the copy that finds it.
    let copies: std::sync::Mutex<Vec<Compiler<'_>>> = std::sync::Mutex::new(Vec::new());
    let order: Vec<usize> = (0..pairs.len()).collect();
    let walked = super::par_map(pairs, &order, |cf| {
        let mine = copies.lock().ok().and_then(|mut v| v.pop());
        let mut mine = mine.unwrap_or_else(|| shared.clone());
        let walked = walk(&mut mine, cf, states);
        if let Ok(mut v) = copies.lock() {
            v.push(mine);
        }
        walked
    });
    walked.into_iter().collect()
}

/// One pair's walk, on `c`'s diagrams.
fn walk(c: &mut Compiler<'_>, cf: &ConflictFinding, states: usize) -> CResult<Walked> {
    if c.mdd.total_nodes() > c.mdd.max_nodes() / 2 {
        c.compact()?;
    }
    let built = match region_and_avoid(c, cf) {
        // Tried again on the compiler's own diagrams alone: whether a region fits must
        // not depend on the pairs this copy walked before.
        Err(crate::compile::CompileError::TooLarge { .. }) => {
            c.compact()?;
            region_and_avoid(c, cf)
        }
        built => built,
    };
    let (region, avoid) = match built {
        Ok(x) => x,
        Err(crate::compile::CompileError::TooLarge { .. }) => {
            c.compact()?;
            return Ok(Walked::TooLarge);
        }
        Err(e) => return Err(e),
    };
    let choose = crate::compile::Typical(c);
    Ok(match c.mdd.pick_avoiding(region, &avoid, choose, states) {
        Ok(example) => Walked::Found(example),
        Err(_) => Walked::Exhausted,
    })
}

/// The effective region of rule `r`'s assignment to `o`.
fn effective_on(c: &Compiler<'_>, r: RuleId, o: OutputId) -> NodeId {
    let k = c.policy.rules[r].assigns.iter().position(|a| a.output == o);
    k.and_then(|k| c.effective.get(r).and_then(|v| v.get(k)))
        .copied()
        .unwrap_or(FALSE)
}

/// The pair's region (valid incidents where both rules are effective) and the
/// conditions of the other rules of the output that meet it.
fn region_and_avoid(c: &mut Compiler<'_>, cf: &ConflictFinding) -> CResult<(NodeId, Vec<NodeId>)> {
    let o = cf.output;
    let [r1, r2] = cf.rules;
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
    Ok((region, avoid))
}

/// The example of a pair whose walk passed its budget, from the difference built
/// within the budgets of nodes (past them, `TooLarge` leaves the pair as found); `None`
/// when not even tried.
fn difference_example(
    c: &mut Compiler<'_>,
    cf: &ConflictFinding,
    budget: &mut Budget,
) -> CResult<Option<Option<Vec<u32>>>> {
    let allowed = budget.pair_nodes.min(budget.nodes);
    if allowed == 0 {
        // Not even tried: a try would fail at its first node and compact the diagrams
        // for nothing, pair after pair.
        return Ok(None);
    }
    let (region, avoid) = region_and_avoid(c, cf)?;
    let (limit, before) = (c.mdd.max_nodes(), c.mdd.total_nodes());
    let cap = before.saturating_add(allowed);
    c.mdd.set_max_nodes(cap.min(limit));
    let alone = difference(c, region, &avoid);
    c.mdd.set_max_nodes(limit);
    budget.nodes = budget
        .nodes
        .saturating_sub(c.mdd.total_nodes().saturating_sub(before));
    let alone = alone?;
    Ok(Some(c.mdd.pick(
        alone,
        |t| t == 1,
        |l, runs| c.typical_at(l, Some(runs)),
    )))
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
