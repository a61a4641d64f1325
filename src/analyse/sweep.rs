//! The counting sweep: the parts of a subspace that no box of a cover holds, counted
//! exactly and listed in order.
//!
//! The space is split one level at a time on the boundaries of the boxes that restrict
//! it there (values held by the same boxes form one child), until a box holds a child
//! or no box restricts it. Counting also splits the boxes into groups over disjoint
//! levels (the uncovered part is then a product, counted as one), and remembers the
//! count of every set of boxes it has seen, as model counters do; without both, random
//! rules over 40 inputs take millions of splits. The parts themselves are listed only
//! up to a limit, skipping children the counts show to be covered.
//!
//! A sweep runs tens of thousands of splits per output on large policies, so it
//! allocates almost nothing per split: the boxes of every open subproblem lie on one stack (a
//! frame's children above its own list, dropped when it returns), the memo is keyed by
//! slices of it, and the working sets are kept between splits.

use std::ops::ControlFlow;

use super::cuboid::{len, meet, Cuboid};
use crate::compile::order::find;
use crate::mdd::hash::SliceMap;
use crate::mdd::ValueRanges;

/// The count did not finish within its budget of splits.
#[derive(Debug)]
pub struct Exhausted;

/// One box of the cover during a sweep, with the literals that still restrict it in
/// the current subspace (bit `p` for its literal `p`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Active {
    idx: u32,
    mask: u64,
}

/// One child of a split.
struct Child {
    /// Its values at the split level (listed only when the parts are).
    set: ValueRanges,
    /// Its values at the split level times the values of the levels it no longer
    /// restricts (they take any value).
    weight: u128,
    /// Its boxes on the stack; `None` when a box holds all of it.
    boxes: Option<(usize, usize)>,
    /// How many values of the split level it holds.
    values: u64,
}

/// The counts of the subproblems a sweep has seen, keyed by their boxes (slices of the
/// stack, copied into the map's arena).
type Memo = SliceMap<Active, u128>;

/// What a box restricting a level of two values counts towards splitting there
/// ([`Sweep::per_bit`]); divisible by every number of bits up to 12.
const PER_LEVEL: u64 = 27_720;

/// The bits it takes to write one of `n` values (at least 1).
fn bits(n: u64) -> u64 {
    u64::from(64 - n.saturating_sub(1).max(1).leading_zeros())
}

/// No group yet for a box, or no taker for it.
const NONE: u32 = u32::MAX;

/// A count that settles less than this share of its space's incidents in two
/// [`STALL_WINDOW`]s of splits, and less than [`STALL_TREE`] of its search, has stalled
/// and is given up before its budget: at that pace it would need 10^8 splits or more.
/// Measured with every count run to its budget, when levels were chosen by the count of
/// boxes alone (synthetic policies from 16x150 to 64x2000, seeds 1 to 8): counts that
/// finish within 30,000 splits settled at least 10^-3 of their search in every 2,000
/// splits; synthetic policies of seeds 1 to 14 from 12x100 to 28x400 count the same
/// outputs with the check as without; of the 93 gap counts of 40x1000 and 64x2000 that
/// no budget finishes, 91 stall (82 at 3,000 splits). With levels chosen as
/// [`Sweep::per_bit`] says, finishing counts settle at least 1/110 of their search per
/// 2,000 splits, and most hopeless ones move too fast for this rule ([`STALL_PROJECTED`]
/// stops them). Two shapes a review built are tests: the hard part one value of a wide
/// integer, and one of a thousand ranges of it. A heuristic all the same: a count it
/// stops is reported unfinished (`E0504`, with an example), never wrong.
const STALL_SHARE: f64 = 1e-5;
/// See [`STALL_SHARE`] and [`Progress`].
const STALL_TREE: f64 = 1e-5;

/// A count whose pace over the last two [`STALL_WINDOW`]s would take it past this many
/// times its budget of splits has stalled too: a count that settles a steady 10^-4 of
/// its search per window never finishes, yet moves too fast for [`STALL_SHARE`]. With
/// the levels chosen as [`Sweep::per_bit`] says, most hopeless counts move so (34 of 49
/// ran to their budget). Measured on synthetic policies of seeds 1 to 6 from 12x100 to
/// 28x400 and on 20x200 and 40x1000 of seed 1 (168 counts): the 119 that finish within
/// [`MAX_SPLITS`] never projected more than 6.9 times it, and at 30 the 49 that do not
/// take 634,000 splits in all, against 1,371,000 to their budget.
const STALL_PROJECTED: f64 = 30.0;

/// How much of a count is settled, measured two ways, each from 0 to 1. `values`: the
/// share of the space's incidents, a split's child holding its values' share of the
/// parent's. `tree`: the share of the search, the children of a split that still need
/// counting holding equal shares (a child a box holds needs none). A count stalls only
/// when both barely move: by values alone, a count whose hard part is a small corner of
/// the space (one value of a wide integer) moves little however fast it is finishing
/// that corner; by the tree alone, a count in a corner of its search tree moves little
/// while it settles most of the space at once.
#[derive(Clone, Copy, Debug)]
struct Progress {
    values: f64,
    tree: f64,
}

impl Progress {
    const NONE: Progress = Progress {
        values: 0.0,
        tree: 0.0,
    };
    const ALL: Progress = Progress {
        values: 1.0,
        tree: 1.0,
    };

    fn add(&mut self, other: Progress) {
        self.values += other.values;
        self.tree += other.tree;
    }

    fn scaled(self, values: f64, tree: f64) -> Progress {
        Progress {
            values: self.values * values,
            tree: self.tree * tree,
        }
    }
}

/// Splits between two looks at a count's progress. The first judgement is at three
/// windows, so no count stops before 3,000 splits.
const STALL_WINDOW: usize = 1_000;

/// Splits one count of a complement may take before it is reported unfinished (it
/// stops sooner when it stalls: [`STALL_SHARE`], [`STALL_PROJECTED`]). Counting is #SAT: random rules past a
/// few hundred per output exceed any budget, and a search for one uncovered incident
/// (`sat`) still answers whether there is a gap.
pub const MAX_SPLITS: usize = 30_000;

/// How long one count may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Splits at most.
    pub splits: usize,
    /// Whether it also gives up sooner, when it stalls ([`STALL_SHARE`],
    /// [`STALL_PROJECTED`]).
    pub stop_on_stall: bool,
}

impl Budget {
    /// [`MAX_SPLITS`], stopping sooner when the count stalls.
    pub const DEFAULT: Budget = Budget {
        splits: MAX_SPLITS,
        stop_on_stall: true,
    };

    /// `splits` spent whole: a budget someone asked for (`policyc check
    /// --count-budget`) is not cut short by a heuristic.
    pub fn exactly(splits: usize) -> Budget {
        Budget {
            splits,
            stop_on_stall: false,
        }
    }
}

/// What one split works with, kept between splits so that each does not allocate.
/// Level sets are bit sets (bit `l` of word `l / 64`).
#[derive(Default)]
struct SplitWork {
    /// The boxes restricting the split level: (box, literal).
    takers: Vec<(usize, usize)>,
    /// Per box of the subproblem, its index in `takers`, or [`NONE`].
    taker_of: Vec<u32>,
    /// The boundaries the takers and the space make on the level, sorted.
    cuts: Vec<u32>,
    /// Per run of values between two cuts, the takers holding it (`words` words per
    /// run); then, per run, 1 where the subspace holds it.
    sig: Vec<u64>,
    /// Per child, the takers holding its values (`words` words per child).
    sigs: Vec<u64>,
    /// The levels the parent restricts besides the split level.
    above: Vec<u64>,
    /// The levels a child's boxes restrict (then: those it no longer restricts).
    below: Vec<u64>,
    /// The levels the boxes that do not restrict the split level restrict.
    base: Vec<u64>,
    /// The list [`SplitWork::group_runs`] fills, given back emptied.
    spare_runs: Vec<(u64, ValueRanges)>,
}

impl SplitWork {
    /// Groups the runs the subspace holds by the takers holding them: one group per
    /// child, with how many values it has and (with `sets`) which.
    fn group_runs(&mut self, runs: usize, words: usize, sets: bool) -> Vec<(u64, ValueRanges)> {
        self.sigs.clear();
        let mut groups = std::mem::take(&mut self.spare_runs);
        groups.clear();
        for (r, w) in self.cuts.windows(2).enumerate() {
            let (Some(&lo), Some(&end)) = (w.first(), w.get(1)) else {
                continue;
            };
            if self.sig.get(runs * words + r) != Some(&1) {
                continue;
            }
            let mine = self.sig.get(r * words..(r + 1) * words).unwrap_or(&[]);
            let g =
                (0..groups.len()).find(|g| self.sigs.get(g * words..(g + 1) * words) == Some(mine));
            let group = match g.and_then(|g| groups.get_mut(g)) {
                Some(group) => group,
                None => {
                    self.sigs.extend_from_slice(mine);
                    groups.push((0, Vec::new()));
                    let Some(group) = groups.last_mut() else {
                        continue;
                    };
                    group
                }
            };
            group.0 += u64::from(end - lo);
            if sets {
                match group.1.last_mut() {
                    Some(last) if last.1 + 1 == lo => last.1 = end - 1,
                    _ => group.1.push((lo, end - 1)),
                }
            }
        }
        groups
    }
}

/// The level of each literal of each box, end to end: a sweep walks the levels of its
/// boxes at every split, and reading them beside the value sets (a vector per box, a
/// vector per literal) was most of its time.
#[derive(Default)]
struct Levels {
    /// Per box, where its levels start in `flat`; then where the last box's end.
    start: Vec<u32>,
    flat: Vec<u32>,
}

impl Levels {
    fn of(boxes: &[Vec<(usize, ValueRanges)>]) -> Levels {
        let mut out = Levels::default();
        for b in boxes {
            out.start.push(out.flat.len() as u32);
            out.flat.extend(b.iter().map(|(l, _)| *l as u32));
        }
        out.start.push(out.flat.len() as u32);
        out
    }

    /// The levels of the literals of box `a` that still restrict it, with the
    /// literals' positions.
    fn active(&self, a: Active) -> impl Iterator<Item = (usize, usize)> + '_ {
        let i = a.idx as usize;
        let (s, e) = (self.start.get(i).copied(), self.start.get(i + 1).copied());
        let mine = match (s, e) {
            (Some(s), Some(e)) => self.flat.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        };
        let mut mask = a.mask;
        std::iter::from_fn(move || {
            while mask != 0 {
                let p = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                if let Some(&l) = mine.get(p) {
                    return Some((p, l as usize));
                }
            }
            None
        })
    }

    /// Adds the levels box `a` still restricts to the bit set `out`.
    fn add(&self, a: Active, out: &mut [u64]) {
        for (_, l) in self.active(a) {
            if let Some(w) = out.get_mut(l / 64) {
                *w |= 1 << (l % 64);
            }
        }
    }
}

pub(super) struct Sweep {
    /// The boxes of the cover that meet the space, cut to it, with only the literals
    /// that restrict it (at most 64, checked when the boxes are built).
    boxes: Vec<Vec<(usize, ValueRanges)>>,
    /// The subspace: one value set per level.
    space: Vec<ValueRanges>,
    /// How many values each level of the space has.
    sizes: Vec<u64>,
    splits: usize,
    max_splits: usize,
    memo: Memo,
    /// The boxes of every open subproblem, one list above the other.
    stack: Vec<Active>,
    /// The levels of every box's literals, read far more often than their values.
    levels: Levels,
    /// Per level, what one box restricting it counts towards splitting there, in
    /// inverse proportion to the bits of its number of values: a split makes a child
    /// per run of values its boxes hold alike, so one on `0..=99` makes dozens where one
    /// on a `bool` makes two. Measured beside the count of boxes alone on the 168 counts
    /// of [`STALL_PROJECTED`]: 119 finish within [`MAX_SPLITS`] instead of 115, and the
    /// eight of 20x200 (seed 1) take 28,479 splits instead of 66,794; on seeds 7 to 9 no
    /// count that finished stops now and one more finishes.
    per_bit: Vec<u64>,
    // Working sets, kept between splits.
    counts: Vec<u64>,
    /// The union-find of [`Sweep::components`], over levels.
    parent: Vec<usize>,
    /// Per box of a subproblem, the root of its levels' group.
    roots: Vec<u32>,
    /// Per root, the last box of its group.
    last: Vec<u32>,
    grouped: Vec<(u32, u32)>,
    /// Emptied lists of children and of groups, for the next split to fill: a split
    /// allocated three lists, a fifth of a count's time with the frees.
    spare_children: Vec<Vec<Child>>,
    spare_groups: Vec<Vec<(usize, usize)>>,
    /// The working sets of [`Sweep::split`].
    work: SplitWork,
    /// How much of the count is settled, by two measures ([`Progress`]): each
    /// subproblem holds a share, added here when it is settled without a split.
    settled: Progress,
    /// The shares of the subproblem being counted.
    share: Progress,
    /// `settled` at the last two looks.
    looks: [Progress; 2],
    /// Whether to look: only while counting the whole space (listing its parts after
    /// may count subproblems anew, whose shares are not tracked).
    watch: bool,
}

impl Sweep {
    /// A sweep of `space` with the boxes of `cover` that meet it (on the stack, from
    /// 0); `None` when one box holds all of it.
    fn new(cover: &[&Cuboid], space: Vec<ValueRanges>, budget: Budget) -> Option<Sweep> {
        let levels = space.len();
        let mut boxes = Vec::with_capacity(cover.len());
        let mut stack = Vec::with_capacity(cover.len());
        'boxes: for b in cover {
            let mut lits = Vec::with_capacity(b.literals().len());
            for (l, set) in b.literals() {
                let Some(here) = space.get(*l) else { continue };
                let cut = meet(set, here);
                if cut.is_empty() {
                    continue 'boxes;
                }
                if len(&cut) < len(here) {
                    lits.push((*l, cut));
                }
            }
            if lits.is_empty() {
                return None;
            }
            let mask = if lits.len() >= 64 {
                u64::MAX
            } else {
                (1u64 << lits.len()) - 1
            };
            stack.push(Active {
                idx: boxes.len() as u32,
                mask,
            });
            boxes.push(lits);
        }
        let words = levels.div_ceil(64);
        let levels_of = Levels::of(&boxes);
        Some(Sweep {
            boxes,
            sizes: space.iter().map(|s| len(s)).collect(),
            per_bit: space.iter().map(|s| PER_LEVEL / bits(len(s))).collect(),
            space,
            splits: 0,
            max_splits: budget.splits,
            memo: Memo::default(),
            stack,
            levels: levels_of,
            counts: vec![0; levels],
            parent: Vec::new(),
            roots: Vec::new(),
            last: Vec::new(),
            grouped: Vec::new(),
            spare_children: Vec::new(),
            spare_groups: Vec::new(),
            work: SplitWork {
                above: vec![0; words],
                below: vec![0; words],
                base: vec![0; words],
                ..SplitWork::default()
            },
            settled: Progress::NONE,
            share: Progress::ALL,
            looks: [Progress::NONE; 2],
            watch: budget.stop_on_stall,
        })
    }

    /// The values literal `p` of box `b` allows.
    fn set_of(boxes: &[Vec<(usize, ValueRanges)>], (b, p): (usize, usize)) -> &[(u32, u32)] {
        boxes
            .get(b)
            .and_then(|lits| lits.get(p))
            .map(|(_, set)| set.as_slice())
            .unwrap_or(&[])
    }

    fn at(&self, k: usize) -> Active {
        self.stack
            .get(k)
            .copied()
            .unwrap_or(Active { idx: 0, mask: 0 })
    }

    /// The levels the boxes at `start..end` restrict, as a bit set in `out` (bit `l` of
    /// word `l / 64`).
    fn levels_into(&self, start: usize, end: usize, out: &mut [u64]) {
        out.fill(0);
        for &a in self.stack.get(start..end).unwrap_or(&[]) {
            self.levels.add(a, out);
        }
    }

    /// The product of the sizes of the levels in a bit set.
    fn size_of(&self, levels: &[u64]) -> u128 {
        let mut acc = 1u128;
        for (i, &word) in levels.iter().enumerate() {
            let mut w = word;
            while w != 0 {
                let l = i * 64 + w.trailing_zeros() as usize;
                w &= w - 1;
                let n = self.sizes.get(l).copied().unwrap_or(1);
                acc = acc.saturating_mul(u128::from(n));
            }
        }
        acc
    }

    /// The uncovered points of the boxes at `start..end`, over the levels they restrict
    /// (other levels left out).
    fn count(&mut self, start: usize, end: usize) -> Result<u128, Exhausted> {
        if start >= end {
            self.settled.add(self.share);
            return Ok(1);
        }
        // Hashed once for the look-up and, on a miss, for remembering the count.
        let hash = Memo::hash(self.stack.get(start..end).unwrap_or(&[]));
        if let Some(n) = self
            .stack
            .get(start..end)
            .and_then(|k| self.memo.get(hash, k))
        {
            self.settled.add(self.share);
            return Ok(n);
        }
        self.splits += 1;
        if self.splits > self.max_splits || self.stalled() {
            return Err(Exhausted);
        }
        let top = self.stack.len();
        let n = self.count_above(start, end);
        self.stack.truncate(top);
        let n = n?;
        if let Some(key) = self.stack.get(start..end) {
            self.memo.insert(hash, key, n);
        }
        Ok(n)
    }

    /// Whether the count has stalled ([`STALL_SHARE`], [`STALL_PROJECTED`]); looked at
    /// every [`STALL_WINDOW`] splits.
    fn stalled(&mut self) -> bool {
        if !self.watch || self.splits % STALL_WINDOW != 0 {
            return false;
        }
        let [before, last] = self.looks;
        self.looks = [last, self.settled];
        if self.splits < 3 * STALL_WINDOW {
            return false;
        }
        let moved = Progress {
            values: self.settled.values - before.values,
            tree: self.settled.tree - before.tree,
        };
        if moved.values < STALL_SHARE && moved.tree < STALL_TREE {
            return true;
        }
        // The splits left at this pace, by the measure that moves faster.
        let window = (2 * STALL_WINDOW) as f64;
        let left = |settled: f64, moved: f64| {
            if moved > 0.0 {
                (1.0 - settled).max(0.0) / moved * window
            } else {
                f64::INFINITY
            }
        };
        let to_go =
            left(self.settled.values, moved.values).min(left(self.settled.tree, moved.tree));
        self.splits as f64 + to_go > STALL_PROJECTED * self.max_splits as f64
    }

    /// [`Sweep::count`] without the memo, leaving its subproblems on the stack.
    fn count_above(&mut self, start: usize, end: usize) -> Result<u128, Exhausted> {
        let share = self.share;
        if let Some(mut groups) = self.components(start, end) {
            let k = groups.len() as f64;
            let mut product = 1u128;
            for (i, (s, e)) in groups.iter().enumerate() {
                self.share = share.scaled(1.0 / k, 1.0 / k);
                product = product.saturating_mul(self.count(*s, *e)?);
                if product == 0 {
                    // The groups not counted are settled too: the product is 0.
                    let left = (groups.len() - i - 1) as f64 / k;
                    self.settled.add(share.scaled(left, left));
                    break;
                }
            }
            self.share = share;
            groups.clear();
            self.spare_groups.push(groups);
            return Ok(product);
        }
        let (level, mut children) = self.split(start, end, false);
        let values = self.sizes.get(level).copied().unwrap_or(1).max(1) as f64;
        // The search's share goes to the children that need counting: a child a box
        // holds costs nothing, and a thousand of them beside one hard child must not
        // make that child's progress look a thousandth of the search's.
        let open = children.iter().filter(|c| c.boxes.is_some()).count();
        if open == 0 {
            self.settled.tree += share.tree;
        }
        let n = open.max(1) as f64;
        let mut sum = 0u128;
        for child in children.drain(..) {
            let tree = if child.boxes.is_some() { 1.0 / n } else { 0.0 };
            let part = share.scaled(child.values as f64 / values, tree);
            let Some((s, e)) = child.boxes else {
                self.settled.add(part);
                continue;
            };
            self.share = part;
            let inner = self.count(s, e);
            self.share = share;
            sum = sum.saturating_add(child.weight.saturating_mul(inner?));
        }
        self.spare_children.push(children);
        Ok(sum)
    }

    /// The boxes at `start..end` in groups over disjoint levels, each group pushed on
    /// the stack; `None` when they are all connected. The groups are ordered by their
    /// last box, each kept in stack order (the order decides which is counted first, and
    /// so when a count is found stalled).
    fn components(&mut self, start: usize, end: usize) -> Option<Vec<(usize, usize)>> {
        let n = end.saturating_sub(start);
        // Union-find over the levels (a few dozen, where the boxes are hundreds), joined
        // through the boxes that restrict them together: a box's group is then the root
        // of any of its levels.
        let mut parent = std::mem::take(&mut self.parent);
        parent.clear();
        parent.extend(0..self.space.len());
        for k in 0..n {
            let a = self.at(start + k);
            let mut levels = self.levels.active(a);
            let Some((_, first)) = levels.next() else {
                continue;
            };
            let root = find(&mut parent, first);
            for (_, l) in levels {
                let other = find(&mut parent, l);
                if other != root {
                    if let Some(p) = parent.get_mut(other) {
                        *p = root;
                    }
                }
            }
        }
        let mut roots = std::mem::take(&mut self.roots);
        roots.clear();
        let mut connected = true;
        for k in 0..n {
            let a = self.at(start + k);
            // A box restricts some level while it is on the stack (one that restricts
            // none holds its subspace, which is then not split).
            let first = self.levels.active(a).next().map_or(0, |(_, l)| l);
            let root = find(&mut parent, first) as u32;
            connected &= roots.first().is_none_or(|&r| r == root);
            roots.push(root);
        }
        self.parent = parent;
        if connected {
            self.roots = roots;
            return None;
        }
        let mut last = std::mem::take(&mut self.last);
        last.clear();
        last.resize(self.space.len(), 0);
        for (k, &root) in roots.iter().enumerate() {
            if let Some(slot) = last.get_mut(root as usize) {
                *slot = k as u32;
            }
        }
        // Boxes sorted by their group's last box, each group kept in stack order.
        let mut grouped = std::mem::take(&mut self.grouped);
        grouped.clear();
        for (k, &root) in roots.iter().enumerate() {
            let last = last.get(root as usize).copied().unwrap_or(k as u32);
            grouped.push((last, k as u32));
        }
        grouped.sort_unstable();
        let mut groups = self.spare_groups.pop().unwrap_or_default();
        let mut current = NONE;
        for &(group, k) in &grouped {
            if group != current {
                groups.push((self.stack.len(), self.stack.len()));
                current = group;
            }
            let a = self.at(start + k as usize);
            self.stack.push(a);
            if let Some(g) = groups.last_mut() {
                g.1 = self.stack.len();
            }
        }
        self.grouped = grouped;
        self.roots = roots;
        self.last = last;
        Some(groups)
    }

    /// The level most boxes at `start..end` still depend on, counting a box with fewer
    /// literals left more (it is closer to covering the subspace on its own), and a
    /// level of fewer values more ([`Sweep::per_bit`]).
    fn choose(&mut self, start: usize, end: usize) -> usize {
        let mut best: Option<(usize, u64)> = None;
        for &a in self.stack.get(start..end).unwrap_or(&[]) {
            let weight = 1u64 << (8u32.saturating_sub(a.mask.count_ones()) * 2).min(16);
            for (_, l) in self.levels.active(a) {
                let per_bit = self.per_bit.get(l).copied().unwrap_or(1);
                if let Some(n) = self.counts.get_mut(l) {
                    *n = n.saturating_add(weight * per_bit);
                    if best.is_none_or(|(bl, m)| *n > m || (*n == m && l < bl)) {
                        best = Some((l, *n));
                    }
                }
            }
        }
        self.counts.fill(0);
        best.map(|b| b.0).unwrap_or(0)
    }

    /// Splits the boxes at `start..end` on one level: the level, and its children in
    /// increasing order of their lowest value, their boxes pushed on the stack. With
    /// `sets`, each child carries its values.
    fn split(&mut self, start: usize, end: usize, sets: bool) -> (usize, Vec<Child>) {
        let level = self.choose(start, end);
        let n = end.saturating_sub(start);
        let mut w = std::mem::take(&mut self.work);
        self.find_takers(&mut w, level, start, n);
        let (runs, words) = self.mark_runs(&mut w, level);
        let groups = w.group_runs(runs, words, sets);
        self.levels_above(&mut w, level, start, n);
        let children = self.children(&mut w, groups, words, start, n);
        self.work = w;
        (level, children)
    }

    /// The boxes at `start..start + n` that restrict `level` (the takers), and the
    /// levels the others restrict: every child keeps those boxes as they are.
    fn find_takers(&self, w: &mut SplitWork, level: usize, start: usize, n: usize) {
        w.takers.clear();
        w.taker_of.clear();
        w.taker_of.resize(n, NONE);
        w.base.fill(0);
        for k in 0..n {
            let a = self.at(start + k);
            for (p, l) in self.levels.active(a) {
                if l == level {
                    if let Some(slot) = w.taker_of.get_mut(k) {
                        *slot = w.takers.len() as u32;
                    }
                    w.takers.push((a.idx as usize, p));
                }
            }
            if w.taker_of.get(k) == Some(&NONE) {
                self.levels.add(a, &mut w.base);
            }
        }
    }

    /// Cuts the level at every boundary of the takers and the space: runs of values
    /// between cuts are held by the same boxes. Marks, range by range (the cuts include
    /// every range's ends), the takers holding each run and whether the subspace holds
    /// it. The number of runs, and of words per run's takers.
    fn mark_runs(&self, w: &mut SplitWork, level: usize) -> (usize, usize) {
        let here = self.space.get(level).map(|s| s.as_slice()).unwrap_or(&[]);
        w.cuts.clear();
        for &t in &w.takers {
            for &(a, b) in Self::set_of(&self.boxes, t) {
                w.cuts.push(a);
                w.cuts.push(b + 1);
            }
        }
        for &(a, b) in here {
            w.cuts.push(a);
            w.cuts.push(b + 1);
        }
        w.cuts.sort_unstable();
        w.cuts.dedup();
        let words = w.takers.len().div_ceil(64);
        let runs = w.cuts.len().saturating_sub(1);
        let run_of = |cuts: &[u32], v: u32| cuts.binary_search(&v).unwrap_or(runs);
        w.sig.clear();
        w.sig.resize(runs * (words + 1), 0);
        for &(a, b) in here {
            for r in run_of(&w.cuts, a)..run_of(&w.cuts, b + 1) {
                if let Some(word) = w.sig.get_mut(runs * words + r) {
                    *word = 1;
                }
            }
        }
        for (t, &taker) in w.takers.iter().enumerate() {
            for &(a, b) in Self::set_of(&self.boxes, taker) {
                for r in run_of(&w.cuts, a)..run_of(&w.cuts, b + 1) {
                    if let Some(word) = w.sig.get_mut(r * words + t / 64) {
                        *word |= 1 << (t % 64);
                    }
                }
            }
        }
        (runs, words)
    }

    /// The levels the parent restricts besides `level`: those a child no longer
    /// restricts take any value there.
    fn levels_above(&self, w: &mut SplitWork, level: usize, start: usize, n: usize) {
        w.above.copy_from_slice(&w.base);
        for k in 0..n {
            if w.taker_of.get(k) != Some(&NONE) {
                self.levels.add(self.at(start + k), &mut w.above);
            }
        }
        if let Some(word) = w.above.get_mut(level / 64) {
            *word &= !(1 << (level % 64));
        }
    }

    /// Per group of runs, a child: its boxes pushed on the stack (each taker without
    /// its literal on the split level), unless one of them holds all of it.
    fn children(
        &mut self,
        w: &mut SplitWork,
        groups: Vec<(u64, ValueRanges)>,
        words: usize,
        start: usize,
        n: usize,
    ) -> Vec<Child> {
        let mut children = self.spare_children.pop().unwrap_or_default();
        let mut groups = groups;
        for (g, (size, set)) in groups.drain(..).enumerate() {
            let sig = w.sigs.get(g * words..(g + 1) * words).unwrap_or(&[]);
            let first = self.stack.len();
            let mut held = false;
            w.below.copy_from_slice(&w.base);
            for k in 0..n {
                let a = self.at(start + k);
                let t = w.taker_of.get(k).copied().unwrap_or(NONE);
                if t == NONE {
                    self.stack.push(a);
                    continue;
                }
                let t = t as usize;
                if sig
                    .get(t / 64)
                    .is_some_and(|word| word & (1 << (t % 64)) != 0)
                {
                    let p = w.takers.get(t).map(|x| x.1).unwrap_or(0);
                    let mask = a.mask & !(1 << p);
                    if mask == 0 {
                        held = true;
                        break;
                    }
                    let kept = Active { idx: a.idx, mask };
                    self.levels.add(kept, &mut w.below);
                    self.stack.push(kept);
                }
            }
            if held {
                self.stack.truncate(first);
                children.push(Child {
                    set,
                    weight: 0,
                    boxes: None,
                    values: size,
                });
                continue;
            }
            for (b, a) in w.below.iter_mut().zip(&w.above) {
                *b = a & !*b;
            }
            let weight = u128::from(size).saturating_mul(self.size_of(&w.below));
            children.push(Child {
                set,
                weight,
                boxes: Some((first, self.stack.len())),
                values: size,
            });
        }
        w.spare_runs = groups;
        children
    }

    /// Hands the uncovered parts of the boxes at `start..end` to `emit`, in increasing
    /// order of their lowest corner, until it breaks; children the counts show to be
    /// covered are skipped.
    fn list(
        &mut self,
        start: usize,
        end: usize,
        emit: &mut dyn FnMut(&[ValueRanges]) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, Exhausted> {
        if start >= end {
            return Ok(emit(&self.space));
        }
        let top = self.stack.len();
        let flow = self.list_above(start, end, emit);
        self.stack.truncate(top);
        flow
    }

    fn list_above(
        &mut self,
        start: usize,
        end: usize,
        emit: &mut dyn FnMut(&[ValueRanges]) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, Exhausted> {
        let (level, mut children) = self.split(start, end, true);
        for child in children.drain(..) {
            let Some((s, e)) = child.boxes else { continue };
            if self.count(s, e)? == 0 {
                continue;
            }
            let slot = self.space.get_mut(level).ok_or(Exhausted)?;
            let saved = std::mem::replace(slot, child.set);
            let flow = self.list(s, e, emit);
            if let Some(slot) = self.space.get_mut(level) {
                *slot = saved;
            }
            if flow?.is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        self.spare_children.push(children);
        Ok(ControlFlow::Continue(()))
    }

    /// The uncovered part of `space`: its size, and its first parts (at most `limit`;
    /// more when the second value is false).
    pub(super) fn run(
        cover: &[&Cuboid],
        space: Vec<ValueRanges>,
        limit: usize,
        budget: Budget,
    ) -> Result<(u128, Vec<Vec<ValueRanges>>, bool), Exhausted> {
        let Some(mut sweep) = Sweep::new(cover, space, budget) else {
            return Ok((0, Vec::new(), true));
        };
        let n = sweep.stack.len();
        // The levels no box restricts take any value of the space.
        let mut rest = std::mem::take(&mut sweep.work.above);
        sweep.levels_into(0, n, &mut rest);
        let levels = sweep.space.len();
        for (i, w) in rest.iter_mut().enumerate() {
            let all = if (i + 1) * 64 <= levels {
                u64::MAX
            } else {
                (1u64 << (levels % 64)) - 1
            };
            *w = !*w & all;
        }
        let rest_size = sweep.size_of(&rest);
        sweep.work.above = rest;
        let inner = sweep.count(0, n)?;
        sweep.watch = false;
        let total = inner.saturating_mul(rest_size);
        let mut parts = Vec::new();
        if total == 0 || limit == 0 {
            return Ok((total, parts, total == 0));
        }
        let flow = sweep.list(0, n, &mut |part| {
            if parts.len() == limit {
                return ControlFlow::Break(());
            }
            parts.push(part.to_vec());
            ControlFlow::Continue(())
        })?;
        Ok((total, parts, flow.is_continue()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::compile::synth::Rng;

    /// `boxes` random boxes over `levels` levels of `size` values, each restricting 2
    /// to `most` levels to one range.
    fn random_cover(
        rng: &mut Rng,
        levels: usize,
        size: u32,
        boxes: usize,
        most: u64,
    ) -> Vec<Cuboid> {
        (0..boxes)
            .map(|_| {
                let mut tested: Vec<usize> = Vec::new();
                let want = (2 + rng.below(most - 1) as usize).min(levels);
                while tested.len() < want {
                    let l = rng.below(levels as u64) as usize;
                    if !tested.contains(&l) {
                        tested.push(l);
                    }
                }
                tested.sort_unstable();
                let lits = tested
                    .into_iter()
                    .map(|l| {
                        let a = rng.below(u64::from(size)) as u32;
                        let b = a + rng.below(u64::from(size - a)) as u32;
                        (l, vec![(a, b)])
                    })
                    .collect();
                Cuboid::from_literals(lits)
            })
            .collect()
    }

    /// The shares the stall check reads add up: a count that finishes has settled
    /// exactly its whole space, through splits, groups and the memo alike.
    #[test]
    fn a_finished_count_settles_its_whole_space() {
        let mut rng = Rng::new(3);
        let mut counted = 0;
        for _ in 0..200 {
            let levels = 1 + rng.below(6) as usize;
            let size = 2 + rng.below(6) as u32;
            let boxes = rng.below(12) as usize;
            let cover = random_cover(&mut rng, levels, size, boxes, 3);
            let refs: Vec<&Cuboid> = cover.iter().collect();
            let space = vec![vec![(0, size - 1)]; levels];
            let Some(mut sweep) = Sweep::new(&refs, space, MAX) else {
                continue;
            };
            let n = sweep.stack.len();
            sweep.count(0, n).unwrap();
            for settled in [sweep.settled.values, sweep.settled.tree] {
                assert!((settled - 1.0).abs() < 1e-9, "settled {settled}");
            }
            counted += 1;
        }
        assert!(counted > 100);
    }

    const MAX: Budget = Budget {
        splits: 1_000_000,
        stop_on_stall: true,
    };

    /// The groups of boxes come in the order the first union-find gave them (each group
    /// rooted at the box that joined it last, groups ordered by root): the order of the
    /// groups decides which is counted first, and so when a count is found stalled.
    #[test]
    fn groups_keep_the_order_of_linking_to_the_last_box() {
        let mut rng = Rng::new(7);
        let mut grouped = 0;
        for _ in 0..300 {
            let levels = 2 + rng.below(12) as usize;
            let boxes = 1 + rng.below(14) as usize;
            let cover = random_cover(&mut rng, levels, 5, boxes, 3);
            let refs: Vec<&Cuboid> = cover.iter().collect();
            let space = vec![vec![(0, 4)]; levels];
            let Some(mut sweep) = Sweep::new(&refs, space, MAX) else {
                continue;
            };
            let n = sweep.stack.len();
            let before: Vec<Active> = sweep.stack.clone();
            // The reference: each box linked under the box that joins it.
            let mut parent: Vec<usize> = (0..n).collect();
            let mut owner: Vec<Option<usize>> = vec![None; levels];
            for (k, &a) in before.iter().enumerate() {
                for (_, l) in sweep.levels.active(a) {
                    match owner[l] {
                        None => owner[l] = Some(k),
                        Some(o) => {
                            let (x, y) = (find(&mut parent, o), find(&mut parent, k));
                            if x != y {
                                parent[x] = y;
                            }
                        }
                    }
                }
            }
            let mut want: Vec<(usize, usize)> = (0..n).map(|k| (find(&mut parent, k), k)).collect();
            want.sort_unstable();
            match sweep.components(0, n) {
                None => assert!(want.iter().all(|w| w.0 == want[0].0)),
                Some(groups) => {
                    grouped += 1;
                    let got: Vec<Active> = sweep.stack[n..].to_vec();
                    let want: Vec<Active> = want.iter().map(|w| before[w.1]).collect();
                    assert_eq!(got, want);
                    let mut roots: Vec<usize> = want_roots(&mut parent, n);
                    roots.dedup();
                    assert_eq!(groups.len(), roots.len());
                }
            }
        }
        assert!(grouped > 20, "{grouped}");
    }

    /// The distinct roots of a forest of `n` boxes, in order.
    fn want_roots(parent: &mut [usize], n: usize) -> Vec<usize> {
        let mut roots: Vec<usize> = (0..n).map(|k| find(parent, k)).collect();
        roots.sort_unstable();
        roots
    }

    /// `boxes` random boxes over `levels` levels of 6 values (levels 1 and up), each also
    /// restricted to `at` on level 0: a corner of the space where the count is hard.
    fn corner_cover(rng: &mut Rng, levels: usize, boxes: usize, at: (u32, u32)) -> Vec<Cuboid> {
        random_cover(rng, levels, 6, boxes, 4)
            .into_iter()
            .map(|b| {
                let mut lits = vec![(0, vec![at])];
                lits.extend(b.literals().iter().map(|(l, s)| (l + 1, s.clone())));
                Cuboid::from_literals(lits)
            })
            .collect()
    }

    /// A count whose hard part is one value of a wide level (a rule covers every other
    /// value) settles almost none of the space's incidents while it works on that
    /// corner, however close it is to finishing: it must not be taken for stalled.
    #[test]
    fn a_count_busy_in_a_small_corner_is_not_stalled() {
        for seed in 1..=4 {
            let mut rng = Rng::new(seed);
            // Level 0 is an identifier of 100,000 values; levels 1 to 14 have 6.
            let corner = corner_cover(&mut rng, 14, 30, (0, 0));
            let rest = Cuboid::from_literals(vec![(0, vec![(1, 99_999)])]);
            let mut space = vec![vec![(0, 5)]; 15];
            space[0] = vec![(0, 99_999)];
            let all: Vec<&Cuboid> = corner.iter().chain([&rest]).collect();
            let (n, _, _) = Sweep::run(&all, space.clone(), 0, Budget::DEFAULT)
                .unwrap_or_else(|_| panic!("seed {seed}: the count stopped"));
            // The same count over the corner alone.
            space[0] = vec![(0, 0)];
            let refs: Vec<&Cuboid> = corner.iter().collect();
            let (m, _, _) = Sweep::run(&refs, space, 0, Budget::DEFAULT).unwrap();
            assert_eq!(n, m, "seed {seed}");
            assert!(n > 0, "seed {seed}");
        }
    }

    /// As above, with the hard corner one of a thousand children of the first split: a
    /// rule per range of a wide integer holds every other child at once.
    #[test]
    fn a_count_busy_in_one_of_many_children_is_not_stalled() {
        let ranges = 999u32;
        let mut finished = 0;
        for seed in 1..=6 {
            let mut rng = Rng::new(seed);
            // Level 0: 100 values per range; the corner is the first range.
            let corner = corner_cover(&mut rng, 16, 45, (0, 99));
            let rest: Vec<Cuboid> = (1..=ranges)
                .map(|j| Cuboid::from_literals(vec![(0, vec![(100 * j, 100 * j + 99)])]))
                .collect();
            let mut space = vec![vec![(0, 5)]; 17];
            space[0] = vec![(0, 100 * (ranges + 1) - 1)];
            // The corner alone: where it is counted, the whole must be too, alike.
            let refs: Vec<&Cuboid> = corner.iter().collect();
            let mut alone = space.clone();
            alone[0] = vec![(0, 99)];
            let Ok((m, _, _)) = Sweep::run(&refs, alone, 0, Budget::DEFAULT) else {
                continue;
            };
            let all: Vec<&Cuboid> = corner.iter().chain(&rest).collect();
            let (whole, _, _) = Sweep::run(&all, space, 0, Budget::DEFAULT)
                .unwrap_or_else(|_| panic!("seed {seed}: the count stopped"));
            assert_eq!(whole, m, "seed {seed}");
            finished += 1;
        }
        assert!(finished >= 3, "{finished}");
    }

    /// Random rules past a few hundred per output over dozens of inputs cannot be
    /// counted: the count stalls and gives up long before any budget.
    #[test]
    fn a_hopeless_count_gives_up_when_it_stalls() {
        let mut rng = Rng::new(11);
        let cover = random_cover(&mut rng, 40, 100, 200, 5);
        let refs: Vec<&Cuboid> = cover.iter().collect();
        let mut sweep = Sweep::new(&refs, vec![vec![(0, 99)]; 40], MAX).unwrap();
        let n = sweep.stack.len();
        assert!(sweep.count(0, n).is_err());
        assert!(sweep.splits < 10 * STALL_WINDOW, "{} splits", sweep.splits);
        // A budget someone asked for is spent whole.
        let budget = 20 * STALL_WINDOW;
        let mut sweep =
            Sweep::new(&refs, vec![vec![(0, 99)]; 40], Budget::exactly(budget)).unwrap();
        assert!(sweep.count(0, n).is_err());
        assert_eq!(sweep.splits, budget + 1);
    }

    #[test]
    fn bits_count_what_writing_a_value_takes() {
        let cases = [
            (0, 1),
            (1, 1),
            (2, 1),
            (3, 2),
            (4, 2),
            (5, 3),
            (100, 7),
            (1 << 32, 32),
        ];
        for (n, b) in cases {
            assert_eq!(bits(n), b, "{n} values");
        }
    }

    /// Whether a count whose settled share went from `before` to `now` (both measures)
    /// over the two windows before its `splits`-th split has stalled.
    fn judged(budget: Budget, splits: usize, before: f64, now: f64) -> bool {
        let cover = [Cuboid::from_literals(vec![(0, vec![(0, 4)])])];
        let refs: Vec<&Cuboid> = cover.iter().collect();
        let mut sweep = Sweep::new(&refs, vec![vec![(0, 9)], vec![(0, 9)]], budget).unwrap();
        sweep.splits = splits;
        let at = |x| Progress { values: x, tree: x };
        sweep.looks = [at(before), Progress::NONE];
        sweep.settled = at(now);
        sweep.stalled()
    }

    /// A count moving too fast for `STALL_SHARE` but too slowly to finish within
    /// `STALL_PROJECTED` times its budget has stalled; one that would finish in time has
    /// not, nor any count before three windows, nor one whose budget was asked for.
    #[test]
    fn a_count_too_slow_to_finish_has_stalled() {
        let at = 3 * STALL_WINDOW;
        // 10^-4 per two windows with half left: 10 million splits to go.
        assert!(judged(Budget::DEFAULT, at, 0.5, 0.5001));
        const { assert!(1e-4 > STALL_SHARE) };
        // 10^-2 with half left: 100,000 to go, within 30 times 30,000.
        assert!(!judged(Budget::DEFAULT, at, 0.49, 0.5));
        // Nothing settled at all: stalled by the share alone.
        assert!(judged(Budget::DEFAULT, at, 0.5, 0.5));
        assert!(!judged(Budget::DEFAULT, 2 * STALL_WINDOW, 0.5, 0.5));
        assert!(!judged(Budget::exactly(MAX_SPLITS), at, 0.5, 0.5001));
    }
}
