//! The box engine: gaps, conflicts and dead rules computed on regions given as unions of
//! boxes (one value set per input), for policies with many rules.
//!
//! Why a second engine: a gap is the complement of the union of every region that
//! assigns an output. With hundreds of rules over unrelated inputs that union has no
//! small decision diagram in any variable order (it passes millions of nodes at 40
//! inputs and 1,000 rules). Boxes keep conflicts and dead rules to plain intersections,
//! and the complement is counted by splitting the space one input at a time on the
//! boundaries the boxes create (the "unate recursive" complement of logic minimisers,
//! with the component splitting and memo of model counters). Counting is #SAT: it has a
//! budget, and past it a SAT solver ([`super::sat`]) still proves or refutes the gap.
//!
//! The boxes come from the compiled diagrams ([`Mdd::cubes`](crate::mdd::Mdd::cubes)):
//! each rule's effective regions, the valid incidents and the accepted gaps. They are
//! disjoint paths of the diagrams, so the regions built from them are exact, and a
//! finding is the same set of incidents either engine reports (the property tests run
//! both against enumeration). A policy whose regions break into too many boxes (such as
//! a relation between two wide integer inputs) stays with the diagrams.

use super::cuboid::{complement, holds, len, meet, overlaps, Cuboid, Signature};
pub use super::sweep::MAX_SPLITS;
use super::sweep::{Budget, Exhausted, Sweep};
use super::{sat, ConflictFinding, DeadAssignment, DeadReason, DeadRule, GapFinding};
use crate::check::ir::{AcceptId, AcceptedGap, IdxVec, OutputId, RuleDef, RuleId, Value};
use crate::compile::describe::{
    boxes_example, region_of_box, region_of_cubes, typical_example, Region, COLLECTED_CUBES,
};
use crate::compile::{CResult, Compiler};
use crate::mdd::{Cube, NodeId, ValueRanges};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Boxes one region may break into before the engine declines the policy. A rule of a
/// decision table overridden, directly or through a chain, by four rules of five
/// literals each is effective in up to 5^4 boxes: at 512 the engine declined a table of
/// 2,000 rules and the diagrams passed their limit (E0504) after 8 s.
const MAX_BOXES_PER_REGION: usize = 4096;
/// Boxes in all before the engine declines the policy.
const MAX_BOXES: usize = 200_000;

/// A dense box as the diagrams' cube (`None` for a level left free).
fn cube_of(space: &[ValueRanges], sizes: &[u32]) -> Cube {
    space
        .iter()
        .zip(sizes)
        .map(|(set, &n)| (len(set) < u64::from(n)).then(|| set.clone()))
        .collect()
}

/// A region gathered box by box: its size and its first boxes (to describe it and to
/// take its example from).
struct Gathered {
    count: u128,
    boxes: usize,
    first: Vec<Cube>,
    /// Whether `first` holds every part.
    complete: bool,
}

impl Default for Gathered {
    fn default() -> Gathered {
        Gathered {
            count: 0,
            boxes: 0,
            first: Vec::new(),
            complete: true,
        }
    }
}

impl Gathered {
    /// Adds a region of `count` incidents known by its first parts.
    fn add_parts(
        &mut self,
        count: u128,
        parts: &[Vec<ValueRanges>],
        complete: bool,
        sizes: &[u32],
    ) {
        if count == 0 {
            return;
        }
        self.count = self.count.saturating_add(count);
        self.boxes += parts.len();
        self.complete &= complete;
        for part in parts {
            if self.first.len() < COLLECTED_CUBES {
                self.first.push(cube_of(part, sizes));
            }
        }
    }

    /// Whether a box added now is kept as a part (to describe the region), not only
    /// counted.
    fn keeps_next(&self) -> bool {
        self.first.len() < COLLECTED_CUBES
    }

    /// Counts a box of `volume` incidents past the parts kept ([`Gathered::keeps_next`]
    /// is false), as [`Gathered::add_cuboid`] would.
    fn add_uncollected(&mut self, volume: u128) {
        self.count = self.count.saturating_add(volume);
        self.boxes += 1;
    }

    /// Adds one box, without spelling out the levels it leaves free.
    fn add_cuboid(&mut self, b: &Cuboid, sizes: &[u32]) {
        let mut volume = 1u128;
        let mut lits = b.literals().iter().peekable();
        for (l, &n) in sizes.iter().enumerate() {
            let here = match lits.peek() {
                Some((bl, set)) if *bl == l => {
                    lits.next();
                    len(set)
                }
                _ => u64::from(n),
            };
            volume = volume.saturating_mul(u128::from(here));
        }
        self.count = self.count.saturating_add(volume);
        self.boxes += 1;
        if self.first.len() < COLLECTED_CUBES {
            let mut cube: Cube = vec![None; sizes.len()];
            for (l, set) in b.literals() {
                if let Some(slot) = cube.get_mut(*l) {
                    *slot = Some(set.clone());
                }
            }
            self.first.push(cube);
        }
    }

    /// The region, its example taken from the boxes as gathered; `widen` may then
    /// rewrite them for the description (the example must not come from boxes widened
    /// past the region).
    fn region(mut self, c: &Compiler<'_>, widen: impl FnOnce(&mut Vec<Cube>)) -> Option<Region> {
        if self.count == 0 {
            return None;
        }
        let example = boxes_example(c, &self.first);
        widen(&mut self.first);
        // `first` holds every box up to the limit (fewer once contained ones are dropped).
        let complete = self.complete && self.boxes <= COLLECTED_CUBES;
        let first = self.first;
        Some(region_of_cubes(c, self.count, &example, first, complete))
    }
}

/// A gap too fragmented to count (past [`MAX_SPLITS`], or stalled), with one incident of it when the
/// SAT search found one.
#[derive(Debug)]
pub struct Uncounted {
    /// Value indices per level.
    pub example: Option<Vec<u32>>,
    /// A box of the gap around `example`, widened input by input as far as it stays
    /// in the gap: part of the gap, described and counted exactly.
    pub part: Option<Region>,
    /// The output's acceptances that cover no gap (found without counting).
    pub stale: Vec<AcceptId>,
}

/// A policy's regions as boxes.
pub struct BoxModel {
    sizes: Vec<u32>,
    /// The valid incidents (scope and assumptions), as disjoint boxes.
    valid: Vec<Cuboid>,
    /// Per rule, its condition.
    conds: IdxVec<RuleDef, Vec<Cuboid>>,
    /// Per rule, parallel to its assignments: where that assignment is effective.
    effective: IdxVec<RuleDef, Vec<Vec<Cuboid>>>,
    /// Per accepted gap, where it applies.
    accepted: IdxVec<AcceptedGap, Vec<Cuboid>>,
    /// Splits one count may take.
    budget: Budget,
    /// Per level, whether its values are ordered (an integer input): a part of the gap
    /// is then widened to one range there, which reads as `x in a..=b`.
    ordered: Vec<bool>,
}

/// The region `f` as boxes; `None` when it breaks into more than
/// [`MAX_BOXES_PER_REGION`], or a box has more literals than a sweep's machine word
/// tracks.
fn boxes_of(c: &Compiler<'_>, f: NodeId, sizes: &[u32]) -> Option<Vec<Cuboid>> {
    let mut out = Vec::new();
    let complete = c.mdd.for_each_cube(
        f,
        |t| t == 1,
        MAX_BOXES_PER_REGION,
        |q| out.push(Cuboid::from_cube(q, sizes)),
    );
    (complete && out.iter().all(|b| b.literals().len() <= 64)).then_some(out)
}

impl BoxModel {
    /// The policy's regions as boxes; `None` when one of them breaks into too many.
    pub fn build(c: &mut Compiler<'_>) -> CResult<Option<BoxModel>> {
        let sizes: Vec<u32> = (0..c.mdd.num_levels()).map(|l| c.mdd.size(l)).collect();
        let Some(valid) = boxes_of(c, c.valid, &sizes) else {
            return Ok(None);
        };
        if c.rule_conds.len() != c.effective.len() {
            return Ok(None);
        }
        // The rules' regions (each rule's condition, and where each of its assignments
        // is effective), read on every core: on a table of 2,000 rules this was the
        // longest step of counting `policyc check`'s errors for `decide`.
        let rules: Vec<(NodeId, &[NodeId])> = c
            .rule_conds
            .iter()
            .zip(c.effective.iter())
            .map(|(&cond, effs)| (cond, effs.as_slice()))
            .collect();
        let shared: &Compiler<'_> = c;
        // Once a region breaks into too many boxes, or the boxes pass `MAX_BOXES`, there
        // is no model: the regions left are not read.
        let failed = AtomicBool::new(false);
        let read = AtomicUsize::new(valid.len());
        let region = |f: NodeId| -> Option<Vec<Cuboid>> {
            if failed.load(Ordering::Relaxed) {
                return None;
            }
            let b = boxes_of(shared, f, &sizes);
            let n = b.as_ref().map_or(0, Vec::len);
            if b.is_none() || read.fetch_add(n, Ordering::Relaxed) + n > MAX_BOXES {
                failed.store(true, Ordering::Relaxed);
                return None;
            }
            b
        };
        let per_rule = crate::parallel::map_interleaved(&rules, 128, |&(cond, effs)| {
            let cond = region(cond)?;
            let effs: Option<Vec<Vec<Cuboid>>> = effs.iter().map(|&f| region(f)).collect();
            Some((cond, effs?))
        });
        if failed.into_inner() {
            return Ok(None);
        }
        let mut total = read.into_inner();
        let mut conds = IdxVec::new();
        let mut effective = IdxVec::new();
        for rule in per_rule {
            let Some((cond, effs)) = rule else {
                return Ok(None);
            };
            conds.push(cond);
            effective.push(effs);
        }
        let policy = c.policy;
        let mut accepted = IdxVec::new();
        for acc in &policy.accepted_gaps {
            let f = c.expr(&acc.when).map_err(|e| e.at(acc.loc))?;
            let Some(b) = boxes_of(c, f, &sizes) else {
                return Ok(None);
            };
            total += b.len();
            if total > MAX_BOXES {
                return Ok(None);
            }
            accepted.push(b);
        }
        let ordered = c
            .order
            .levels
            .iter()
            .map(|&i| matches!(c.input_ty(i), crate::check::ir::Ty::Int { .. }))
            .collect();
        Ok(Some(BoxModel {
            ordered,
            budget: c.max_splits.map_or(Budget::DEFAULT, Budget::exactly),
            sizes,
            valid,
            conds,
            effective,
            accepted,
        }))
    }

    /// The rule conditions, as boxes, per rule.
    pub fn conds(&self) -> &IdxVec<RuleDef, Vec<Cuboid>> {
        &self.conds
    }

    /// The valid incidents, as boxes.
    pub fn valid(&self) -> &[Cuboid] {
        &self.valid
    }

    /// The number of values of each level.
    pub fn sizes(&self) -> &[u32] {
        &self.sizes
    }

    /// Where assignment `k` of rule `r` is effective.
    pub fn effective_boxes(&self, r: RuleId, k: usize) -> &[Cuboid] {
        self.effective
            .get(r)
            .and_then(|v| v.get(k))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Every effective assignment to `o`: (rule, assignment index, value).
    fn assignments_to(c: &Compiler<'_>, o: OutputId) -> Vec<(RuleId, usize, Value)> {
        let mut out = Vec::new();
        for (r, rule) in c.policy.rules.entries() {
            for (k, a) in rule.assigns.iter().enumerate() {
                if a.output == o {
                    out.push((r, k, a.value.clone()));
                }
            }
        }
        out
    }

    /// The valid boxes, met with `inside` if given, each with the boxes of `cover` that
    /// meet it.
    fn spaces<'s>(
        &'s self,
        inside: Option<&'s Cuboid>,
        cover: &'s [&'s Cuboid],
    ) -> impl Iterator<Item = (Cuboid, Vec<&'s Cuboid>)> + 's {
        self.valid.iter().filter_map(move |v| {
            let space = match inside {
                Some(b) => v.meet(b)?,
                None => v.clone(),
            };
            let near = cover
                .iter()
                .copied()
                .filter(|b| b.intersects(&space))
                .collect();
            Some((space, near))
        })
    }

    /// Gathers the parts of `inside` (the valid boxes met with it, if given) that no box
    /// of `cover` holds.
    fn uncovered(&self, inside: Option<&Cuboid>, cover: &[&Cuboid]) -> Result<Gathered, Exhausted> {
        let mut found = Gathered::default();
        for (space, near) in self.spaces(inside, cover) {
            let dense = space.dense(&self.sizes);
            let (count, parts, complete) = Sweep::run(&near, dense, COLLECTED_CUBES, self.budget)?;
            found.add_parts(count, &parts, complete, &self.sizes);
        }
        Ok(found)
    }

    /// One valid incident (inside `inside`, if given) that no box of `cover` holds, as
    /// value indices per level.
    fn search(&self, inside: Option<&Cuboid>, cover: &[&Cuboid]) -> sat::Found {
        let mut unknown = false;
        for (space, near) in self.spaces(inside, cover) {
            match sat::outside_all(&self.sizes, &space.dense(&self.sizes), &near) {
                sat::Found::Incident(levels) => return sat::Found::Incident(levels),
                sat::Found::None => {}
                sat::Found::Unknown => unknown = true,
            }
        }
        if unknown {
            sat::Found::Unknown
        } else {
            sat::Found::None
        }
    }

    /// Drops from each cube every literal it does not need: one goes when the cube
    /// without it still meets no box of `cover` among the valid incidents (the
    /// assumptions imply it). The boxes of the valid incidents cut a region along the
    /// assumptions' shape (`youngest_age <= 16` beside `oldest_age == 16`); this undoes
    /// that, as the diagrams' description does, so the parts merge.
    fn expand(&self, cubes: &mut [Cube], cover: &[&Cuboid]) {
        // What a cube must stay clear of: the boxes of the cover met with the valid
        // incidents, computed once for every cube and literal tried.
        let walls: Vec<Cuboid> = self
            .valid
            .iter()
            .flat_map(|v| cover.iter().filter_map(move |b| v.meet(b)))
            .collect();
        let clear = |cube: &Cube| {
            walls.iter().all(|w| {
                !w.literals().iter().all(|(l, set)| match cube.get(*l) {
                    Some(Some(mine)) => overlaps(mine, set),
                    _ => true,
                })
            })
        };
        for cube in cubes.iter_mut() {
            for l in 0..cube.len() {
                let Some(Some(set)) = cube.get(l).cloned() else {
                    continue;
                };
                // The literal dropped; or, for an integer, its range run out to an end
                // of the domain (`oldest_age >= 16` rather than `in 16..=17` under
                // `scope oldest_age <= 17`).
                let mut tries: [Option<Option<ValueRanges>>; 3] = [Some(None), None, None];
                let n = self.sizes.get(l).copied().unwrap_or(1);
                if let (true, [(a, b)]) = (
                    self.ordered.get(l).copied().unwrap_or(false),
                    set.as_slice(),
                ) {
                    tries = [
                        Some(None),
                        Some(Some(vec![(*a, n - 1)])),
                        Some(Some(vec![(0, *b)])),
                    ];
                }
                for t in tries.into_iter().flatten() {
                    let Some(slot) = cube.get_mut(l) else { break };
                    *slot = t;
                    if clear(cube) {
                        break;
                    }
                    if let Some(slot) = cube.get_mut(l) {
                        *slot = Some(set.clone());
                    }
                }
            }
        }
    }

    /// Like [`BoxModel::search`] over the valid incidents, with the box around the
    /// incident found, widened as far as it stays outside every box of `cover`.
    fn search_part(&self, cover: &[&Cuboid]) -> (sat::Found, Option<Vec<ValueRanges>>) {
        let mut unknown = false;
        for (space, near) in self.spaces(None, cover) {
            match sat::outside_all(&self.sizes, &space.dense(&self.sizes), &near) {
                sat::Found::Incident(levels) => {
                    let part = self.widen(&levels, &space, &near);
                    return (sat::Found::Incident(levels), Some(part));
                }
                sat::Found::None => {}
                sat::Found::Unknown => unknown = true,
            }
        }
        let found = if unknown {
            sat::Found::Unknown
        } else {
            sat::Found::None
        };
        (found, None)
    }

    /// The largest box, grown one level at a time from `point`, inside `space` and
    /// outside every box of `cover` (which `point` is outside of).
    fn widen(&self, point: &[u32], space: &Cuboid, cover: &[&Cuboid]) -> Vec<ValueRanges> {
        let mut sets: Vec<ValueRanges> = point.iter().map(|&v| vec![(v, v)]).collect();
        for (l, &n) in self.sizes.iter().enumerate() {
            let Some(&at) = point.get(l) else { continue };
            let mut allowed = space.set_at(l).cloned().unwrap_or_else(|| vec![(0, n - 1)]);
            for b in cover {
                // A box that meets this one on every other level must stay apart here.
                let meets_rest = b.literals().iter().all(|(bl, set)| {
                    *bl == l || sets.get(*bl).is_some_and(|mine| overlaps(set, mine))
                });
                if !meets_rest {
                    continue;
                }
                allowed = match b.set_at(l) {
                    Some(set) => meet(&allowed, &complement(set, n)),
                    None => vec![(at, at)],
                };
            }
            if self.ordered.get(l).copied().unwrap_or(false) {
                allowed.retain(|&(a, b)| a <= at && at <= b);
            }
            if let Some(slot) = sets.get_mut(l) {
                if holds(&allowed, at) {
                    *slot = allowed;
                }
            }
        }
        sets
    }

    /// The gaps of one single-valued output without default, and its acceptances that
    /// cover no gap (as [`super::gaps_of_output`]).
    pub fn gaps_of_output(
        &self,
        c: &Compiler<'_>,
        o: OutputId,
    ) -> Result<(Vec<GapFinding>, Vec<AcceptId>), Uncounted> {
        let policy = c.policy;
        let mut has: Vec<&Cuboid> = Vec::new();
        for (r, k, _) in Self::assignments_to(c, o) {
            has.extend(self.effective_boxes(r, k));
        }
        let mine = super::acceptances_of(policy, o);
        let mut found = Vec::new();
        // Stale acceptances by search, so they are known even where counting fails.
        let (mut by, mut stale) = (Vec::new(), Vec::new());
        for &i in &mine {
            let whens = self.accepted.get(i).map(|v| v.as_slice()).unwrap_or(&[]);
            // An unknown answer keeps the acceptance: only a proof makes it stale.
            let any = whens
                .iter()
                .any(|w| self.search(Some(w), &has) != sat::Found::None);
            if any {
                by.push(i);
            } else {
                stale.push(i);
            }
        }
        let uncounted = |example: Option<Vec<u32>>, stale: &[AcceptId]| Uncounted {
            example,
            part: None,
            stale: stale.to_vec(),
        };
        // The solver first, over the whole cover (the rules and every acceptance): it
        // answers in milliseconds whether there is an open gap at all, and proves one
        // even when a count below runs out of budget.
        let mut cover = has.clone();
        for &i in &mine {
            cover.extend(self.accepted.get(i).into_iter().flatten());
        }
        let (found_gap, part) = self.search_part(&cover);
        // Too fragmented to count: an open gap the solver found is still proven, with
        // a part of it around the incident. The example is the part's typical point
        // (every point of it is in the gap), not the solver's, which is wherever the
        // search ended.
        let proven = || -> Uncounted {
            let sat::Found::Incident(levels) = &found_gap else {
                return uncounted(None, &stale);
            };
            let (example, part) = match &part {
                Some(b) => {
                    let count = b
                        .iter()
                        .fold(1u128, |n, set| n.saturating_mul(u128::from(len(set))));
                    let cube = cube_of(b, &self.sizes);
                    let example = boxes_example(c, std::slice::from_ref(&cube));
                    let region = region_of_cubes(c, count, &example, vec![cube], true);
                    (example, Some(region))
                }
                None => (levels.clone(), None),
            };
            Uncounted {
                part,
                ..uncounted(Some(example), &stale)
            }
        };
        // Counting errors only: a gap the solver proves is one error whether the sweep
        // counts it (E0501) or runs out of budget (E0504), so it is not swept.
        if c.errors_only && matches!(found_gap, sat::Found::Incident(_)) {
            return Err(proven());
        }
        // The accepted part, acceptance by acceptance, each without what an earlier one
        // took, so the boxes stay disjoint.
        let mut accepted = Gathered::default();
        let mut taken = has.clone();
        for &i in &mine {
            for w in self.accepted.get(i).map(|v| v.as_slice()).unwrap_or(&[]) {
                let part = self.uncovered(Some(w), &taken).map_err(|_| proven())?;
                accepted.merge(part);
                taken.push(w);
            }
        }
        let open = match found_gap {
            sat::Found::None => Gathered::default(),
            sat::Found::Unknown | sat::Found::Incident(_) => {
                self.uncovered(None, &cover).map_err(|_| proven())?
            }
        };
        let described = open.region(c, |first| {
            self.expand(first, &cover);
            *first = crate::compile::describe::drop_contained(std::mem::take(first));
        });
        if let Some(region) = described {
            found.push(GapFinding {
                output: o,
                accepted_by: Vec::new(),
                region,
            });
        }
        if let Some(region) = accepted.region(c, |_| {}) {
            found.push(GapFinding {
                output: o,
                accepted_by: by,
                region,
            });
        }
        Ok((found, stale))
    }

    /// The order to run `tasks` in, longest first as far as it can be told beforehand:
    /// the witnesses of used inputs (a search per input), then the gap counts by how
    /// many boxes they cover with (a count's work grows with them, and the largest ran
    /// last and alone before), then the conflicts by how many assignments they pair.
    pub(super) fn longest_first(&self, c: &Compiler<'_>, tasks: &[super::Task]) -> Vec<usize> {
        let boxes_of = |o: OutputId| -> usize {
            Self::assignments_to(c, o)
                .iter()
                .map(|&(r, k, _)| self.effective_boxes(r, k).len())
                .sum()
        };
        let mut keyed: Vec<((u8, std::cmp::Reverse<usize>), usize)> = tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let key = match *t {
                    super::Task::UsedInputs => (0, std::cmp::Reverse(0)),
                    super::Task::Gaps(o) => (1, std::cmp::Reverse(boxes_of(o))),
                    super::Task::Conflicts(o) => {
                        (2, std::cmp::Reverse(Self::assignments_to(c, o).len()))
                    }
                };
                (key, i)
            })
            .collect();
        keyed.sort();
        keyed.into_iter().map(|p| p.1).collect()
    }

    /// Every pair of rules whose effective assignments to output `o` meet on a valid
    /// incident, by kind (as [`super::conflicts_of_output`]): the meet of their
    /// effective boxes, less, for a decision of the precedence, where a value it does not
    /// rank applies too. Per kind the listed pairs with their regions, the rest counted.
    /// `None` when that subtraction passes the budget of a count (the diagrams then take
    /// the output).
    pub fn conflicts_of_output(&self, c: &Compiler<'_>, o: OutputId) -> Option<super::Pairs> {
        let assigns = Self::assignments_to(c, o);
        let typical = typical_example(c);
        let mut found = super::Pairs::default();
        let out = c.policy.outputs.lookup(o)?;
        // The valid incidents are every incident (often): a meeting needs no third box.
        let everything = matches!(self.valid.as_slice(), [v] if v.literals().is_empty());
        // The boxes where a value the precedence does not rank applies.
        let unranked: Vec<&Cuboid> = if out.hit.is_precedence() {
            assigns
                .iter()
                .filter(|(_, _, v)| out.hit.rank(v).is_none())
                .flat_map(|(r, k, _)| self.effective_boxes(*r, *k))
                .collect()
        } else {
            Vec::new()
        };
        let signs: Vec<Vec<Signature>> = assigns
            .iter()
            .map(|(r, k, _)| {
                let boxes = self.effective_boxes(*r, *k);
                boxes
                    .iter()
                    .map(|b| Signature::of(b, &self.sizes))
                    .collect()
            })
            .collect();
        let no_signs: &[Signature] = &[];
        for (i, (r1, k1, v1)) in assigns.iter().enumerate() {
            let e1 = self.effective_boxes(*r1, *k1);
            let s1 = signs.get(i).map_or(no_signs, Vec::as_slice);
            if e1.is_empty() {
                continue;
            }
            for (j, (r2, k2, v2)) in assigns.iter().enumerate().skip(i + 1) {
                let Some(kind) = super::pair_kind(out, v1, v2) else {
                    continue;
                };
                if r1 == r2 {
                    continue;
                }
                // Only the errors asked for: a precedence's decisions are notes, and
                // once a pair past the listed ones is known the diagnostics are too
                // (the listed pairs, one summary), whatever the number of pairs. An
                // output's pairs that are errors are of one kind (overlaps for an
                // `exclusive` output, conflicts otherwise).
                if c.errors_only {
                    if kind == super::PairKind::Resolved {
                        continue;
                    }
                    let list = found.of_kind(kind);
                    if !list.lists_next() && list.unlisted.is_some() {
                        return Some(found);
                    }
                }
                let e2 = self.effective_boxes(*r2, *k2);
                let s2 = signs.get(j).map_or(no_signs, Vec::as_slice);
                let list = found.of_kind(kind);
                let finding = |region| ConflictFinding {
                    output: o,
                    rules: [*r1, *r2],
                    values: [v1.clone(), v2.clone()],
                    region,
                    isolating: None,
                };
                let subtract = kind == super::PairKind::Resolved && !unranked.is_empty();
                // Past the listed pairs only whether they meet, without a region (where
                // the precedence decides, by the count of the meeting less the unranked).
                let listed = list.lists_next();
                if !listed && !subtract {
                    if self.meet_validly((e1, s1), (e2, s2)) {
                        list.count(o, v1, v2);
                    }
                    continue;
                }
                // Most pairs meet in one box: describe it directly.
                if let ([a], [b], [v], false) = (e1, e2, self.valid.as_slice(), subtract) {
                    // (The valid incidents are often every incident: no second copy then.)
                    let inside = |ab: Cuboid| {
                        if v.literals().is_empty() {
                            Some(ab)
                        } else {
                            ab.meet(v)
                        }
                    };
                    if let Some(both) = a.meet(b).and_then(inside) {
                        list.listed
                            .push(finding(region_of_box(c, &typical, both.literals())));
                    }
                    continue;
                }
                // Test before building: most pairs of many boxes do not meet.
                if !self.meet_validly((e1, s1), (e2, s2)) {
                    continue;
                }
                if c.errors_only {
                    // Only that the pair is listed counts (one diagnostic each), not
                    // its region: one part of it stands for the whole.
                    let part = e1
                        .iter()
                        .flat_map(|a| e2.iter().filter_map(move |b| a.meet(b)))
                        .find_map(|ab| self.valid.iter().find_map(|v| ab.meet(v)));
                    if let Some(part) = part {
                        list.listed
                            .push(finding(region_of_box(c, &typical, part.literals())));
                    }
                    continue;
                }
                let mut both = Gathered::default();
                for a in e1 {
                    for b in e2 {
                        if !a.intersects(b) {
                            continue;
                        }
                        // Past the parts kept, a meeting within every incident is only
                        // counted: building each took most of the time of a table's
                        // listed pairs.
                        if everything && !subtract && !both.keeps_next() {
                            both.add_uncollected(a.meet_volume(b, &self.sizes));
                            continue;
                        }
                        let Some(ab) = a.meet(b) else { continue };
                        if subtract {
                            both.merge(self.uncovered(Some(&ab), &unranked).ok()?);
                            continue;
                        }
                        for v in &self.valid {
                            if let Some(part) = ab.meet(v) {
                                both.add_cuboid(&part, &self.sizes);
                            }
                        }
                    }
                }
                if !listed {
                    if both.count > 0 {
                        list.count(o, v1, v2);
                    }
                    continue;
                }
                if let Some(region) = both.region(c, |_| {}) {
                    list.listed.push(finding(region));
                }
            }
        }
        Some(found)
    }

    /// Whether two unions of boxes meet on a valid incident, without building the
    /// meeting: a conflict past the listed ones is only counted.
    fn meet_validly(
        &self,
        (e1, s1): (&[Cuboid], &[Signature]),
        (e2, s2): (&[Cuboid], &[Signature]),
    ) -> bool {
        let everything = self.valid.iter().any(|v| v.literals().is_empty());
        e1.iter().enumerate().any(|(i, a)| {
            e2.iter().enumerate().any(|(j, b)| {
                // A box without a signature is never ruled out by one.
                let may = s1.get(i).zip(s2.get(j)).is_none_or(|(x, y)| x.may_meet(*y));
                may && a.intersects(b)
                    && (everything || self.valid.iter().any(|v| v.intersects_both(a, b)))
            })
        })
    }

    /// Rules that never apply, or whose every assignment is always overridden; and the
    /// assignments that never take effect of the other rules.
    pub fn dead_rules(&self, c: &Compiler<'_>) -> (Vec<DeadRule>, Vec<DeadAssignment>) {
        let meets_valid = |boxes: &[Cuboid]| {
            boxes
                .iter()
                .any(|b| self.valid.iter().any(|v| v.intersects(b)))
        };
        let mut found = Vec::new();
        let mut assigns = Vec::new();
        for (r, rule) in c.policy.rules.entries() {
            let cond = self.conds.get(r).map(|v| v.as_slice()).unwrap_or(&[]);
            if !meets_valid(cond) {
                found.push(DeadRule {
                    rule: r,
                    reason: DeadReason::NeverApplies,
                    by: Vec::new(),
                    outranked_by: Vec::new(),
                });
                continue;
            }
            let per: Vec<(bool, Vec<RuleId>)> = (0..rule.assigns.len())
                .map(|k| {
                    let mut by = Vec::new();
                    let live = self.decides(c, r, k, &mut by);
                    by.sort_unstable();
                    (live, by)
                })
                .collect();
            let meets = |s: RuleId| {
                self.conds
                    .get(s)
                    .is_some_and(|other| other.iter().any(|x| cond.iter().any(|y| x.intersects(y))))
            };
            if !per.is_empty() && per.iter().all(|p| !p.0) {
                let mut outranked_by: Vec<RuleId> = per.into_iter().flat_map(|p| p.1).collect();
                outranked_by.sort_unstable();
                outranked_by.dedup();
                found.push(super::always_overridden(
                    c.policy,
                    &c.overriders,
                    r,
                    meets,
                    outranked_by,
                ));
            } else {
                for (k, (live, by)) in per.into_iter().enumerate() {
                    if !live {
                        assigns.push(super::dead_assignment(
                            c.policy,
                            &c.overriders,
                            r,
                            k,
                            &meets,
                            by,
                        ));
                    }
                }
            }
        }
        (found, assigns)
    }
}

impl BoxModel {
    /// Whether assignment `k` of rule `r` decides somewhere (as `super::deciding`):
    /// where it is effective on a valid incident and no value its output's precedence
    /// ranks higher applies, or a value it does not rank does (then nothing is
    /// outranked: it is a conflict). Adds the rules whose higher values outrank it
    /// somewhere to `outranked_by`.
    fn decides(
        &self,
        c: &Compiler<'_>,
        r: RuleId,
        k: usize,
        outranked_by: &mut Vec<RuleId>,
    ) -> bool {
        let mine = self.effective_boxes(r, k);
        let meets_valid = |b: &Cuboid| self.valid.iter().any(|v| v.intersects(b));
        let assign = c.policy.rules.lookup(r).and_then(|x| x.assigns.get(k));
        let ranked = assign.and_then(|a| {
            let def = c.policy.outputs.lookup(a.output)?;
            Some((a.output, def, def.hit.rank(&a.value)?))
        });
        let Some((o, def, rank)) = ranked else {
            return mine.iter().any(meets_valid);
        };
        let others = Self::assignments_to(c, o);
        let unranked: Vec<&Cuboid> = others
            .iter()
            .filter(|(_, _, v)| def.hit.rank(v).is_none())
            .flat_map(|(s, j, _)| self.effective_boxes(*s, *j))
            .collect();
        let higher: Vec<(RuleId, &Cuboid)> = others
            .iter()
            .filter(|(_, _, v)| def.hit.rank(v).is_some_and(|h| h < rank))
            .flat_map(|(s, j, _)| self.effective_boxes(*s, *j).iter().map(move |b| (*s, b)))
            .collect();
        let cover: Vec<&Cuboid> = higher.iter().map(|p| p.1).collect();
        let mut decides = false;
        for b in mine {
            // With an unranked value: a conflict, not outranked.
            let with_unranked = unranked
                .iter()
                .any(|u| b.meet(u).is_some_and(|m| meets_valid(&m)));
            // An unknown answer keeps the assignment deciding: only a proof makes it
            // lose.
            if with_unranked || self.search(Some(b), &cover) != sat::Found::None {
                decides = true;
            }
            for (s, h) in &higher {
                if b.meet(h).is_some_and(|m| meets_valid(&m)) && !outranked_by.contains(s) {
                    outranked_by.push(*s);
                }
            }
        }
        decides
    }
}

impl Gathered {
    fn merge(&mut self, other: Gathered) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other;
            return;
        }
        self.count = self.count.saturating_add(other.count);
        self.boxes += other.boxes;
        self.complete &= other.complete;
        for cube in other.first {
            if self.first.len() < COLLECTED_CUBES {
                self.first.push(cube);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::analyse::cuboid::holds;

    fn cuboid(lits: &[(usize, &[(u32, u32)])]) -> Cuboid {
        Cuboid::from_literals(lits.iter().map(|(l, s)| (*l, s.to_vec())).collect())
    }

    /// Every point of a small space, as value indices per level.
    fn points(sizes: &[u32]) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new()];
        for &n in sizes {
            out = out
                .into_iter()
                .flat_map(|p| {
                    (0..n).map(move |v| {
                        let mut q = p.clone();
                        q.push(v);
                        q
                    })
                })
                .collect();
        }
        out
    }

    fn inside(space: &[ValueRanges], p: &[u32]) -> bool {
        space.iter().zip(p).all(|(s, &v)| holds(s, v))
    }

    fn in_cuboid(b: &Cuboid, p: &[u32]) -> bool {
        b.literals().iter().all(|(l, s)| holds(s, p[*l]))
    }

    /// The allocation-free test of three boxes meeting agrees with the points.
    #[test]
    fn three_boxes_meet_as_their_points_say() {
        let sizes = [3u32, 4, 2];
        let mut rng = crate::compile::synth::Rng::new(11);
        let random_box = |rng: &mut crate::compile::synth::Rng| {
            let mut lits: Vec<(usize, ValueRanges)> = Vec::new();
            for (l, &n) in sizes.iter().enumerate() {
                if rng.chance(60) {
                    let lo = rng.below(u64::from(n)) as u32;
                    let hi = lo + rng.below(u64::from(n - lo)) as u32;
                    lits.push((l, vec![(lo, hi)]));
                }
            }
            Cuboid::from_literals(lits)
        };
        for _ in 0..2000 {
            let (a, b, v) = (
                random_box(&mut rng),
                random_box(&mut rng),
                random_box(&mut rng),
            );
            let shared = points(&sizes)
                .iter()
                .any(|p| in_cuboid(&a, p) && in_cuboid(&b, p) && in_cuboid(&v, p));
            assert_eq!(v.intersects_both(&a, &b), shared, "{a:?} {b:?} {v:?}");
        }
    }

    /// A conflict region that is one box is described directly; the description must
    /// be the one the general path (gathered boxes, merged and shown) gives.
    #[test]
    fn one_box_regions_read_as_gathered_ones() {
        use crate::compile::synth::{generate, SynthSpec};
        use crate::compile::CompileOptions;
        let p = generate(&SynthSpec::large(16, 150, 5));
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let model = BoxModel::build(&mut c).unwrap().unwrap();
        let typical = typical_example(&c);
        let mut compared = 0;
        for cond in model.conds.iter().flatten() {
            for other in model.conds.iter().flatten().take(40) {
                let Some(both) = cond.meet(other) else {
                    continue;
                };
                let mut gathered = Gathered::default();
                gathered.add_cuboid(&both, &model.sizes);
                let slow = gathered.region(&c, |_| {}).unwrap();
                assert_eq!(region_of_box(&c, &typical, both.literals()), slow);
                compared += 1;
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    /// The sweep's parts are disjoint and hold exactly the points no box holds.
    #[test]
    fn the_sweep_finds_exactly_the_uncovered_points() {
        let mut seed = 7u64;
        let mut next = |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % u64::from(n)) as u32
        };
        for _ in 0..300 {
            let sizes: Vec<u32> = (0..1 + next(4)).map(|_| 2 + next(4)).collect();
            let cover: Vec<Cuboid> = (0..next(7))
                .map(|_| {
                    let mut lits = Vec::new();
                    for (l, &n) in sizes.iter().enumerate() {
                        if next(2) == 0 {
                            let a = next(n);
                            let b = a + next(n - a);
                            let mut set = vec![(a, b)];
                            if next(3) == 0 && b + 2 < n {
                                set.push((b + 2, n - 1));
                            }
                            lits.push((l, set));
                        }
                    }
                    Cuboid::from_literals(lits)
                })
                .collect();
            let refs: Vec<&Cuboid> = cover.iter().collect();
            let full: Vec<ValueRanges> = sizes.iter().map(|&n| vec![(0, n - 1)]).collect();
            let (count, parts, complete) =
                Sweep::run(&refs, full.clone(), usize::MAX, Budget::DEFAULT).unwrap();
            assert!(complete);
            let mut uncovered = 0u128;
            for p in points(&sizes) {
                let holders = parts.iter().filter(|s| inside(s, &p)).count();
                let covered = cover.iter().any(|b| in_cuboid(b, &p));
                assert_eq!(holders, usize::from(!covered), "{p:?} in {cover:?}");
                uncovered += u128::from(!covered);
            }
            assert_eq!(count, uncovered, "{cover:?}");
            // The SAT search agrees on whether there is an uncovered point.
            let sizes_v: Vec<u32> = sizes.clone();
            match crate::analyse::sat::outside_all(&sizes_v, &full, &refs) {
                crate::analyse::sat::Found::Incident(p) => {
                    assert!(count > 0);
                    assert!(!cover.iter().any(|b| in_cuboid(b, &p)), "{p:?}");
                }
                found => assert_eq!((found, count), (crate::analyse::sat::Found::None, 0)),
            }
            // Within a part of the space too, with sets of one or two ranges.
            let part: Vec<ValueRanges> = sizes
                .iter()
                .map(|&n| {
                    let a = next(n);
                    let b = a + next(n - a);
                    if next(3) == 0 && b + 2 < n {
                        vec![(a, b), (b + 2, n - 1)]
                    } else {
                        vec![(a, b)]
                    }
                })
                .collect();
            let free = points(&sizes)
                .into_iter()
                .filter(|p| inside(&part, p) && !cover.iter().any(|b| in_cuboid(b, p)))
                .count();
            match crate::analyse::sat::outside_all(&sizes_v, &part, &refs) {
                crate::analyse::sat::Found::Incident(p) => {
                    assert!(free > 0);
                    assert!(inside(&part, &p), "{p:?} outside {part:?}");
                    assert!(!cover.iter().any(|b| in_cuboid(b, &p)), "{p:?}");
                }
                found => assert_eq!((found, free), (crate::analyse::sat::Found::None, 0)),
            }
            let (n, _, _) = Sweep::run(&refs, part, usize::MAX, Budget::DEFAULT).unwrap();
            assert_eq!(n, free as u128);
            // A limit keeps the first parts, in order, and says there are more.
            let (again, first, done) = Sweep::run(&refs, full, 1, Budget::DEFAULT).unwrap();
            assert_eq!(again, count);
            assert_eq!(first.first(), parts.first());
            assert_eq!(done, parts.len() <= 1);
        }
    }

    /// A level of a billion values costs what its thresholds cost, in the sweep and in
    /// the solver (the solver once made a variable per value and ran out of memory).
    #[test]
    fn wide_levels_cost_only_their_thresholds() {
        let n = 1u32 << 30;
        let sizes = [n, 2];
        let low = cuboid(&[(0, &[(0, 999_999)])]);
        let high = cuboid(&[(0, &[(2_000_000, n - 1)]), (1, &[(1, 1)])]);
        let refs = [&low, &high];
        let full: Vec<ValueRanges> = sizes.iter().map(|&k| vec![(0, k - 1)]).collect();
        let (count, parts, complete) = Sweep::run(&refs, full.clone(), 8, Budget::DEFAULT).unwrap();
        // Uncovered: 1,000,000..=1,999,999 with either flag, and the rest with flag 0.
        let rest = u128::from(n - 2_000_000);
        assert_eq!(count, 2 * 1_000_000 + rest);
        assert!(complete && !parts.is_empty());
        match crate::analyse::sat::outside_all(&sizes, &full, &refs) {
            crate::analyse::sat::Found::Incident(p) => {
                assert!(!in_cuboid(&low, &p) && !in_cuboid(&high, &p), "{p:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
