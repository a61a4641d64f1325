//! A proof, before building it, that a decision graph passes the node limit.
//!
//! [`DecisionGraph::build`](super::graph::DecisionGraph::build) first builds the diagram
//! of which rules apply, rule by rule. On a policy of thousands of rules that diagram
//! outgrows the limit after a few dozen rules, but only after seconds spent making its
//! two million nodes; the callers (`test`, `doc`, `decide`) then read the rules instead.
//! A lower bound on that diagram's size, from a count of cheap facts, finds most such
//! policies at once; where it does not, the build runs and finds out as before, so the
//! graph, and whether there is one, is never different.
//!
//! The bound. Cut the variable order above some level, and call the inputs above it the
//! top. Fixing the top leaves, of each rule's condition, the node its diagram reaches at
//! the cut (or a constant): the condition on the rest. The diagram of which rules apply
//! has a different node below the cut for each different list of those, unless the list
//! is all constants. Group top inputs into disjoint blocks; a rule whose condition reads
//! no top input outside block `B` has what is left of it fixed by `B`'s values alone, so
//! if `t(B)` lists of those rules' rests occur over `B`'s values, fixing the blocks one
//! by one gives at least `t(B1) * t(B2) * ...` different lists. A rule `e` that reads an
//! input below the cut and no top input in a block is left undecided in each of them
//! for some values of its own top inputs, so none of those lists is all constants: the
//! diagram has at least that many nodes.

use super::Compiler;
use crate::mdd::hash::FxHashSet;
use crate::mdd::{Mdd, NodeId, FALSE, TRUE};

/// Value combinations of one block enumerated at most: past it a block is not grown.
const MAX_BLOCK_CELLS: usize = 1 << 14;

/// Walks down rule conditions, over every block of every cut, at most (a few
/// milliseconds): the bound is a shortcut, not a second build.
const MAX_WALKS: usize = 4_000_000;

/// A rule's condition and the levels it tests (sorted).
struct Cond {
    node: NodeId,
    levels: Vec<usize>,
}

/// A lower bound on the inner nodes of the diagram of which rules apply (every rule's
/// condition as compiled by `c`), see the module's documentation; it stops looking once
/// it passes `enough`: after the cut where it does, or with `quick`, as soon as it does
/// (a smaller bound, found sooner: the product over fewer blocks). Zero when no rule
/// tests anything.
pub(super) fn rule_sets_nodes_at_least(c: &Compiler<'_>, enough: u128, quick: bool) -> u128 {
    let mdd = &c.mdd;
    let conds: Vec<Cond> = c
        .rule_conds
        .iter()
        .filter(|&&n| n != FALSE && n != TRUE)
        .map(|&node| {
            let mut levels: Vec<usize> = mdd
                .nodes_of(node)
                .iter()
                .map(|&n| mdd.level(n) as usize)
                .collect();
            levels.sort_unstable();
            levels.dedup();
            Cond { node, levels }
        })
        .collect();
    let Some(deepest) = conds.iter().filter_map(|c| c.levels.last()).max().copied() else {
        return 0;
    };
    // Per level, the first value of each stretch where no condition changes its way.
    let mut starts: Vec<Vec<u32>> = vec![vec![0]; mdd.num_levels()];
    for cond in &conds {
        for n in mdd.nodes_of(cond.node) {
            if let Some((level, edges)) = mdd.node(n) {
                if let Some(s) = starts.get_mut(level) {
                    s.extend(edges.iter().map(|e| e.end).filter(|&e| e < mdd.size(level)));
                }
            }
        }
    }
    for s in &mut starts {
        s.sort_unstable();
        s.dedup();
    }
    let mut walks = MAX_WALKS;
    let mut best = 0;
    let mut cuts = vec![
        deepest,
        deepest / 2,
        deepest / 3,
        2 * deepest / 3,
        deepest / 4,
    ];
    cuts.dedup();
    for cut in cuts.into_iter().filter(|&c| c > 0) {
        let stop_past = quick.then_some(enough);
        best = best.max(bound_at_cut(
            mdd,
            &conds,
            &starts,
            (cut, stop_past),
            &mut walks,
        ));
        if best > enough || walks == 0 {
            break;
        }
    }
    best
}

/// The bound for the cut above level `cut`, spending at most `walks`; once past
/// `stop_past`, if given, the blocks not yet counted are left out.
fn bound_at_cut(
    mdd: &Mdd,
    conds: &[Cond],
    starts: &[Vec<u32>],
    (cut, stop_past): (usize, Option<u128>),
    walks: &mut usize,
) -> u128 {
    let top = |c: &Cond| -> Vec<usize> { c.levels.iter().copied().filter(|&l| l < cut).collect() };
    // The rule left undecided: one reading below the cut, with the fewest top inputs.
    let Some(kept) = conds
        .iter()
        .filter(|c| c.levels.last().is_some_and(|&l| l >= cut))
        .map(top)
        .min_by_key(Vec::len)
    else {
        return 0;
    };
    let cells = |l: usize| starts.get(l).map_or(1, Vec::len);
    const FREE: usize = usize::MAX;
    const OUT: usize = usize::MAX - 1;
    // Per top level, its block (a number), FREE, or OUT (read by `kept`).
    let mut block_of: Vec<usize> = (0..cut)
        .map(|l| if kept.contains(&l) { OUT } else { FREE })
        .collect();
    let mut block_cells: Vec<usize> = Vec::new();
    let tops: Vec<Vec<usize>> = conds.iter().map(top).collect();
    let mut by_size: Vec<usize> = (0..conds.len()).collect();
    by_size.sort_by_key(|&i| tops.get(i).map_or(0, Vec::len));
    // Blocks grow by whole rules, smallest first, while their values stay few.
    for &i in &by_size {
        let Some(t) = tops.get(i) else { continue };
        if t.is_empty() || t.iter().any(|&l| block_of.get(l) == Some(&OUT)) {
            continue;
        }
        let mut joined: Vec<usize> = t.iter().filter_map(|&l| block_of.get(l).copied()).collect();
        joined.retain(|&b| b != FREE);
        joined.sort_unstable();
        joined.dedup();
        let free_cells = t
            .iter()
            .filter(|&&l| block_of.get(l) == Some(&FREE))
            .try_fold(1usize, |acc, &l| acc.checked_mul(cells(l)));
        let merged = joined
            .iter()
            .try_fold(free_cells.unwrap_or(usize::MAX), |acc, &b| {
                acc.checked_mul(block_cells.get(b).copied().unwrap_or(1))
            });
        if merged.is_none_or(|m| m > MAX_BLOCK_CELLS) {
            continue;
        }
        let into = block_cells.len();
        block_cells.push(merged.unwrap_or(1));
        for b in block_of.iter_mut() {
            if joined.contains(b) {
                *b = into;
            }
        }
        for &l in t {
            if let Some(b) = block_of.get_mut(l) {
                *b = into;
            }
        }
    }
    // Each block's rules: those whose top inputs are all in it.
    let mut members: Vec<Vec<NodeId>> = vec![Vec::new(); block_cells.len()];
    for (cond, t) in conds.iter().zip(&tops) {
        let Some(&b) = t.first().and_then(|&l| block_of.get(l)) else {
            continue;
        };
        if b < block_cells.len() && t.iter().all(|&l| block_of.get(l) == Some(&b)) {
            if let Some(m) = members.get_mut(b) {
                m.push(cond.node);
            }
        }
    }
    let mut product: u128 = 1;
    for (b, rules) in members.iter().enumerate() {
        if rules.is_empty() {
            continue;
        }
        let levels: Vec<usize> = (0..cut).filter(|&l| block_of.get(l) == Some(&b)).collect();
        product = product.saturating_mul(rests_in_block(mdd, rules, &levels, starts, cut, walks));
        if stop_past.is_some_and(|enough| product > enough) {
            return product;
        }
    }
    product
}

/// The number of different lists of what is left of `rules` at the cut over the values
/// of `levels` (the top inputs they read), at least; fewer when `walks` runs out.
fn rests_in_block(
    mdd: &Mdd,
    rules: &[NodeId],
    levels: &[usize],
    starts: &[Vec<u32>],
    cut: usize,
    walks: &mut usize,
) -> u128 {
    let mut values = vec![0u32; mdd.num_levels()];
    // Distinct hashes of lists: two lists with one hash count once, so still a bound.
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let mut at = vec![0usize; levels.len()];
    loop {
        if *walks < rules.len() {
            *walks = 0;
            return seen.len().max(1) as u128;
        }
        *walks -= rules.len();
        for (&l, &i) in levels.iter().zip(&at) {
            if let (Some(v), Some(&x)) = (values.get_mut(l), starts.get(l).and_then(|s| s.get(i))) {
                *v = x;
            }
        }
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &r in rules {
            let rest = rest_at_cut(mdd, r, &values, cut);
            h = (h ^ u64::from(rest.raw())).wrapping_mul(0x0100_0000_01b3);
        }
        seen.insert(h);
        // The next combination, the last level fastest.
        let mut k = levels.len();
        loop {
            if k == 0 {
                return seen.len() as u128;
            }
            k -= 1;
            let (Some(i), Some(&l)) = (at.get_mut(k), levels.get(k)) else {
                return seen.len() as u128;
            };
            *i += 1;
            if *i < starts.get(l).map_or(1, Vec::len) {
                break;
            }
            *i = 0;
        }
    }
}

/// The node of `f` reached at the cut above level `cut` (or the constant reached
/// before it), following `values`.
fn rest_at_cut(mdd: &Mdd, mut f: NodeId, values: &[u32], cut: usize) -> NodeId {
    while let Some((level, edges)) = mdd.node(f) {
        if level >= cut {
            break;
        }
        let v = values.get(level).copied().unwrap_or(0);
        match edges.get(edges.partition_point(|e| e.end <= v)) {
            Some(e) => f = e.child,
            None => break,
        }
    }
    f
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test code")]
mod tests {
    use super::*;
    use crate::compile::graph::rule_sets;
    use crate::compile::CompileOptions;
    use crate::testing::synth::{generate, SynthSpec};

    /// The bound never passes the size of the diagram it bounds, on small random
    /// policies (every shape the generator makes) and on both benchmark shapes while
    /// their diagram fits.
    #[test]
    fn the_bound_is_at_most_the_diagram_of_the_rules_that_apply() {
        let mut specs: Vec<SynthSpec> = (0..300).map(SynthSpec::small).collect();
        for seed in 1..=6 {
            specs.push(SynthSpec::large(
                8 + seed as usize,
                12 + 3 * seed as usize,
                seed,
            ));
            specs.push(SynthSpec::table(
                8 + seed as usize,
                12 + 3 * seed as usize,
                seed,
            ));
        }
        let mut positive = 0;
        for spec in &specs {
            let policy = generate(spec);
            let mut c = Compiler::new(&policy, &CompileOptions::default()).unwrap();
            let bound = rule_sets_nodes_at_least(&c, u128::MAX, false);
            let (root, _) = rule_sets(&mut c).unwrap();
            let nodes = c.mdd.count_nodes(root) as u128;
            assert!(bound <= nodes, "{spec:?}: bound {bound} > {nodes} nodes");
            if bound > 1 {
                positive += 1;
            }
        }
        // The bound says something on most of them, or this test proves little.
        assert!(positive * 2 > specs.len(), "{positive} of {}", specs.len());
    }

    /// On the decision-table shape of 64 inputs and 2,000 rules the bound alone shows
    /// the graph passes the default limit, and the error says that it was counted, with
    /// no rule blamed for passing it.
    #[test]
    fn a_large_decision_table_is_counted_past_the_limit_and_says_so() {
        use crate::compile::graph::DecisionGraph;
        use crate::compile::CompileError;
        let policy = generate(&SynthSpec::table(64, 2000, 1));
        let mut c = Compiler::new(&policy, &CompileOptions::default()).unwrap();
        let limit = crate::mdd::DEFAULT_MAX_NODES as u128;
        assert!(rule_sets_nodes_at_least(&c, limit, false) > limit);
        assert!(rule_sets_nodes_at_least(&c, limit, true) > limit);
        let err = DecisionGraph::build(&mut c).unwrap_err();
        assert!(
            matches!(
                err,
                CompileError::TooLarge {
                    at: None,
                    counted: Some(n),
                    ..
                } if n > limit
            ),
            "{err:?}"
        );
        let d = err.diagnostic(&policy);
        assert!(d.message.ends_with("would need more than 2,000,000 nodes"));
        assert!(d.labels.is_empty());
        assert!(
            d.notes
                .iter()
                .any(|n| n.starts_with("counted before building it")),
            "{:?}",
            d.notes
        );
    }
}
