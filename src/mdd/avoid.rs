//! An example of one region outside a set of others, found by walking the diagrams side
//! by side instead of building the difference.
//!
//! Why: the isolating examples (`analyse::isolate`) want, for each listed pair of
//! rules, the example [`Mdd::pick`] takes in the pair's region minus every other rule
//! of the output. Building that difference one rule at a time costs a full diagram
//! operation per rule and grows a diagram the search then reads once; the walk below
//! only asks, level by level along the one path it takes, which values still lead to
//! an incident, and stops at the first witness of each question. A chooser that needs
//! only some of those answers ([`Choose::choose_lazily`]: the lowest value that leads,
//! the one nearest a preferred value) asks only those: proving that a stretch of values
//! leads nowhere is the walk's costly question, and most of them were never needed.
//!
//! The walk allocates no state per step: each state is built in a buffer reused at its
//! depth, looked up in the memo by slice, and copied into the memo's arena only when
//! first remembered.

use super::hash::{FxHashMap, SliceMap};
use super::{Edge, Mdd, NodeId, FALSE, TRUE};

/// The walk passed its budget of states before it could answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

/// How a pick chooses the value of a level among those that lead to an incident.
pub(crate) trait Choose {
    /// The value to take at `level`, given the maximal runs of values (inclusive, in
    /// ascending order) that lead to an incident.
    fn choose(&self, level: usize, runs: &[(u32, u32)]) -> u32;

    /// What [`Choose::choose`] returns on the runs `leads` holds, asking `leads` only
    /// about the values it needs; `None` when no value leads. The default asks about
    /// every value.
    fn choose_lazily(&self, level: usize, leads: &mut Leads<'_>) -> Option<u32> {
        let runs = leads.runs();
        runs.first()?;
        Some(self.choose(level, &runs))
    }
}

impl<F: Fn(usize, &[(u32, u32)]) -> u32> Choose for F {
    fn choose(&self, level: usize, runs: &[(u32, u32)]) -> u32 {
        self(level, runs)
    }
}

/// The values of one level, cut in stretches `[lo, end)` (from 0 to the level's size,
/// in order) whose values all lead to an incident or none does, each stretch asked
/// about at most once and only when a chooser needs it.
pub(crate) struct Leads<'a> {
    bounds: &'a [(u32, u32)],
    known: Vec<Option<bool>>,
    ask: &'a mut dyn FnMut(usize) -> Result<bool, Exhausted>,
    failed: Option<Exhausted>,
}

impl<'a> Leads<'a> {
    pub(crate) fn new(
        bounds: &'a [(u32, u32)],
        ask: &'a mut dyn FnMut(usize) -> Result<bool, Exhausted>,
    ) -> Self {
        Leads {
            bounds,
            known: vec![None; bounds.len()],
            ask,
            failed: None,
        }
    }

    /// Whether stretch `i` leads to an incident (`false` once a question has failed:
    /// the caller then reads [`Leads::failed`] and discards the answer).
    fn at(&mut self, i: usize) -> bool {
        if let Some(Some(b)) = self.known.get(i) {
            return *b;
        }
        if self.failed.is_some() {
            return false;
        }
        let b = match (self.ask)(i) {
            Ok(b) => b,
            Err(e) => {
                self.failed = Some(e);
                false
            }
        };
        if let Some(slot) = self.known.get_mut(i) {
            *slot = Some(b);
        }
        b
    }

    /// The stretch holding value `v`, if `v` is a value of the level.
    fn stretch(&self, v: u32) -> Option<usize> {
        let i = self.bounds.partition_point(|&(_, end)| end <= v);
        (i < self.bounds.len()).then_some(i)
    }

    fn failed(&self) -> Option<Exhausted> {
        self.failed
    }

    /// Whether value `v` leads to an incident.
    pub(crate) fn leads(&mut self, v: u32) -> bool {
        self.stretch(v).is_some_and(|i| self.at(i))
    }

    /// The lowest value at or above `v` that leads to an incident.
    pub(crate) fn first_at_or_above(&mut self, v: u32) -> Option<u32> {
        let start = self.stretch(v)?;
        (start..self.bounds.len())
            .find(|&i| self.at(i))
            .and_then(|i| self.bounds.get(i))
            .map(|&(lo, _)| lo.max(v))
    }

    /// The highest value at or below `v` that leads to an incident.
    pub(crate) fn last_at_or_below(&mut self, v: u32) -> Option<u32> {
        let start = match self.stretch(v) {
            Some(i) => i,
            None => self.bounds.len().checked_sub(1)?,
        };
        (0..=start)
            .rev()
            .find(|&i| self.at(i))
            .and_then(|i| self.bounds.get(i))
            .map(|&(_, end)| end.saturating_sub(1).min(v))
    }

    /// The last value of the run of values that lead to an incident from `v` on, `v`
    /// leading.
    pub(crate) fn run_end(&mut self, v: u32) -> u32 {
        let Some(mut i) = self.stretch(v) else {
            return v;
        };
        let mut hi = self
            .bounds
            .get(i)
            .map_or(v, |&(_, end)| end.saturating_sub(1));
        loop {
            i += 1;
            match self.bounds.get(i).copied() {
                Some((_, end)) if self.at(i) => hi = end.saturating_sub(1),
                _ => return hi,
            }
        }
    }

    /// Every maximal run of values that leads to an incident, asking about every
    /// stretch.
    pub(crate) fn runs(&mut self) -> Vec<(u32, u32)> {
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for i in 0..self.bounds.len() {
            let Some(&(lo, end)) = self.bounds.get(i) else {
                break;
            };
            if !self.at(i) {
                continue;
            }
            match runs.last_mut() {
                Some(last) if last.1.saturating_add(1) == lo => last.1 = end - 1,
                _ => runs.push((lo, end - 1)),
            }
        }
        runs
    }
}

/// What a state became once normalized ([`normalize`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Norm {
    Empty,
    /// Nothing left to avoid: the region's node, which holds an incident.
    Only,
    Open,
}

/// One stretch of a level on the walk's path: where its normalized state lies in the
/// level's flat buffer.
#[derive(Clone, Copy)]
enum Kid {
    Empty,
    Holds(usize, usize),
    Open(usize, usize),
}

struct Walk<'a> {
    mdd: &'a Mdd,
    /// Whether a state (the region's node first, then the sorted, distinct nodes of the
    /// regions to avoid that are neither empty nor already left behind) holds an
    /// incident.
    memo: SliceMap<NodeId, bool>,
    /// Per (region node, node to avoid): whether they meet, and whether the second
    /// holds all of the first ([`Walk::relate`]).
    related: FxHashMap<(NodeId, NodeId), (bool, bool)>,
    states: usize,
    budget: usize,
    /// Buffers reused by the states of the walk's depths.
    states_pool: Vec<Vec<NodeId>>,
    cursors_pool: Vec<Vec<Cursor<'a>>>,
}

/// A node of a state that tests the level being cut: its index in the state, its
/// edges and the edge the cut has reached.
type Cursor<'a> = (usize, &'a [Edge], usize);

/// One region outside a set of others, to pick examples from ([`Mdd::avoiding`]): the
/// walks of several picks share what they learnt about which states hold an incident.
pub(crate) struct Avoiding<'a> {
    walk: Walk<'a>,
    /// The normalized start state, and what it normalized to.
    start: Vec<NodeId>,
    norm: Norm,
}

impl Mdd {
    /// `region` minus every diagram of `avoid`, without building the difference, to
    /// pick from ([`Avoiding::pick`]) within `budget` distinct states over all picks.
    pub(crate) fn avoiding(&self, region: NodeId, avoid: &[NodeId], budget: usize) -> Avoiding<'_> {
        let mut start = Vec::with_capacity(avoid.len() + 1);
        start.push(region);
        start.extend_from_slice(avoid);
        let mut walk = Walk {
            mdd: self,
            memo: SliceMap::default(),
            related: FxHashMap::default(),
            states: 0,
            budget,
            states_pool: Vec::new(),
            cursors_pool: Vec::new(),
        };
        let norm = walk.normalize(&mut start);
        Avoiding { walk, start, norm }
    }

    /// What `self.pick(region ∧ ¬avoid[0] ∧ … , |t| t == 1, choose)` returns, without
    /// building the conjunction ([`Mdd::avoiding`], one pick).
    pub(crate) fn pick_avoiding<C: Choose>(
        &self,
        region: NodeId,
        avoid: &[NodeId],
        choose: C,
        budget: usize,
    ) -> Result<Option<Vec<u32>>, Exhausted> {
        self.avoiding(region, avoid, budget).pick(choose)
    }
}

impl Avoiding<'_> {
    /// What `mdd.pick(region ∧ ¬avoid[0] ∧ … , |t| t == 1, choose)` returns: the same
    /// incident, since the pick depends only on the function (at each level, `choose`
    /// over the values that still lead to an incident). All diagrams are boolean.
    /// `Err(Exhausted)` once the walks have visited their budget of distinct states,
    /// for the caller to build the difference instead.
    pub(crate) fn pick<C: Choose>(&mut self, choose: C) -> Result<Option<Vec<u32>>, Exhausted> {
        let walk = &mut self.walk;
        let mdd = walk.mdd;
        match self.norm {
            Norm::Empty => return Ok(None),
            Norm::Only => {}
            Norm::Open => {
                if !walk.sat(&self.start)? {
                    return Ok(None);
                }
            }
        }
        let mut state = self.start.clone();
        let mut values: Vec<u32> = (0..mdd.num_levels())
            .map(|l| choose.choose(l, &[(0, mdd.size(l).saturating_sub(1))]))
            .collect();
        let mut bounds: Vec<(u32, u32)> = Vec::new();
        let mut kids: Vec<Kid> = Vec::new();
        let mut flat: Vec<NodeId> = Vec::new();
        let mut child: Vec<NodeId> = Vec::new();
        let mut cursors: Vec<Cursor<'_>> = Vec::new();
        // Invariant: `state` holds an incident.
        while let Some(level) = state
            .iter()
            .map(|&n| mdd.level(n))
            .min()
            .filter(|&l| l != u32::MAX)
        {
            bounds.clear();
            kids.clear();
            flat.clear();
            cut_level(
                mdd,
                &state,
                level,
                &mut cursors,
                &mut child,
                |lo, end, c| {
                    let start = flat.len();
                    let kid = match walk.normalize(c) {
                        Norm::Empty => Kid::Empty,
                        Norm::Only => Kid::Holds(start, c.len()),
                        Norm::Open => Kid::Open(start, c.len()),
                    };
                    if !matches!(kid, Kid::Empty) {
                        flat.extend_from_slice(c);
                    }
                    bounds.push((lo, end));
                    kids.push(kid);
                    true
                },
            );
            let mut ask = |i: usize| -> Result<bool, Exhausted> {
                match kids.get(i).copied() {
                    Some(Kid::Holds(..)) => Ok(true),
                    Some(Kid::Open(a, n)) => match flat.get(a..a + n) {
                        Some(s) => walk.sat(s),
                        None => Ok(false),
                    },
                    _ => Ok(false),
                }
            };
            let mut leads = Leads::new(&bounds, &mut ask);
            let taken = match choose.choose_lazily(level as usize, &mut leads) {
                Some(v) if leads.leads(v) => Some(v),
                _ => leads.first_at_or_above(0),
            };
            if let Some(e) = leads.failed() {
                return Err(e);
            }
            let Some(v) = taken else {
                // Unreachable while the invariant holds; answer as pick would on an
                // empty region rather than guess.
                return Ok(None);
            };
            let span = bounds
                .partition_point(|&(_, end)| end <= v)
                .min(kids.len().saturating_sub(1));
            let next = match kids.get(span).copied() {
                Some(Kid::Holds(a, n) | Kid::Open(a, n)) => flat.get(a..a + n),
                _ => None,
            };
            let Some(next) = next else {
                return Ok(None);
            };
            state.clear();
            state.extend_from_slice(next);
            if let Some(slot) = values.get_mut(level as usize) {
                *slot = v;
            }
        }
        Ok(Some(values))
    }
}

/// Drops what no longer constrains a state (in place), by the nodes alone, and says
/// when it is decided.
fn normalize_nodes(s: &mut Vec<NodeId>) -> Norm {
    let Some(&region) = s.first() else {
        return Norm::Empty;
    };
    if region == FALSE {
        return Norm::Empty;
    }
    let mut empty = false;
    let mut first = true;
    s.retain(|&n| {
        if std::mem::take(&mut first) {
            return true;
        }
        if n == TRUE || n == region {
            empty = true;
        }
        n != FALSE
    });
    if empty {
        return Norm::Empty;
    }
    if s.len() == 1 {
        // A canonical boolean node other than FALSE holds an incident.
        return Norm::Only;
    }
    if let Some(tail) = s.get_mut(1..) {
        tail.sort_unstable();
    }
    // The region differs from every node to avoid, so only the tail's repeats go.
    s.dedup();
    Norm::Open
}

/// Cuts the values of `level` where any node of `s` changes child and hands `each`
/// every stretch `[lo, end)` in order with the state's children there (nodes below
/// `level` stay), in `child`, until `each` returns `false`.
fn cut_level<'a>(
    mdd: &'a Mdd,
    s: &[NodeId],
    level: u32,
    cursors: &mut Vec<Cursor<'a>>,
    child: &mut Vec<NodeId>,
    mut each: impl FnMut(u32, u32, &mut Vec<NodeId>) -> bool,
) {
    cursors.clear();
    for (k, &n) in s.iter().enumerate() {
        if mdd.level(n) == level {
            if let Some((_, es)) = mdd.node(n) {
                cursors.push((k, es, 0));
            }
        }
    }
    let size = mdd.size(level as usize);
    let mut lo = 0;
    while lo < size {
        let mut end = size;
        child.clear();
        child.extend_from_slice(s);
        for &(k, es, i) in cursors.iter() {
            let to = match es.get(i) {
                Some(e) => {
                    end = end.min(e.end);
                    e.child
                }
                None => FALSE,
            };
            if let Some(slot) = child.get_mut(k) {
                *slot = to;
            }
        }
        if end <= lo {
            // Malformed edges; stop rather than loop.
            return;
        }
        for (_, es, i) in cursors.iter_mut() {
            if es.get(*i).is_some_and(|e| e.end == end) {
                *i += 1;
            }
        }
        if !each(lo, end, child) {
            return;
        }
        lo = end;
    }
}

impl<'a> Walk<'a> {
    /// Drops what no longer constrains a state (in place) and says when it is decided:
    /// besides what [`normalize_nodes`] drops, a region some node to avoid holds all of
    /// is empty, and a node to avoid that misses the region constrains nothing. Both
    /// keep the state's function, so every answer stays; the second also lets states
    /// that differ only in what no longer matters share their memo entry.
    fn normalize(&mut self, s: &mut Vec<NodeId>) -> Norm {
        let norm = normalize_nodes(s);
        if norm != Norm::Open {
            return norm;
        }
        let Some(&region) = s.first() else {
            return Norm::Empty;
        };
        let mut empty = false;
        let mut first = true;
        s.retain(|&n| {
            if std::mem::take(&mut first) || empty {
                return true;
            }
            let (meets, inside) = self.relate(region, n);
            empty |= inside;
            meets
        });
        if empty {
            Norm::Empty
        } else if s.len() == 1 {
            Norm::Only
        } else {
            Norm::Open
        }
    }

    /// Whether `r` and `a` (boolean diagrams) meet, and whether `a` holds all of `r`.
    fn relate(&mut self, r: NodeId, a: NodeId) -> (bool, bool) {
        if r == FALSE {
            return (false, true);
        }
        if a == FALSE {
            return (false, false);
        }
        if a == TRUE || r == a {
            return (true, true);
        }
        if r == TRUE {
            // `a` is a node, so neither empty nor everything.
            return (true, false);
        }
        if let Some(&x) = self.related.get(&(r, a)) {
            return x;
        }
        let mdd = self.mdd;
        let level = mdd.level(r).min(mdd.level(a));
        let edges = |n: NodeId| {
            if mdd.level(n) == level {
                mdd.node(n).map(|(_, e)| e)
            } else {
                None
            }
        };
        let (er, ea) = (edges(r), edges(a));
        let (mut i, mut j) = (0, 0);
        let (mut meets, mut inside) = (false, true);
        let size = mdd.size(level as usize);
        let mut lo = 0;
        while lo < size && (inside || !meets) {
            let (cr, endr) = match er {
                Some(es) => es.get(i).map_or((FALSE, size), |e| (e.child, e.end)),
                None => (r, size),
            };
            let (ca, enda) = match ea {
                Some(es) => es.get(j).map_or((FALSE, size), |e| (e.child, e.end)),
                None => (a, size),
            };
            let end = endr.min(enda);
            if end <= lo {
                // Malformed edges: claim nothing.
                return (true, false);
            }
            let (m, k) = self.relate(cr, ca);
            meets |= m;
            inside &= k;
            if endr == end {
                i += 1;
            }
            if enda == end {
                j += 1;
            }
            lo = end;
        }
        self.related.insert((r, a), (meets, inside));
        (meets, inside)
    }

    /// Whether an open state holds an incident.
    fn sat(&mut self, s: &[NodeId]) -> Result<bool, Exhausted> {
        // Hashed once for the look-up and, on a miss, for remembering the answer (no
        // state below this one is this one: none keeps a node at the level it cuts).
        let hash = SliceMap::<NodeId, bool>::hash(s);
        if let Some(r) = self.memo.get(hash, s) {
            return Ok(r);
        }
        self.states += 1;
        if self.states > self.budget {
            return Err(Exhausted);
        }
        let mdd = self.mdd;
        let level = s.iter().map(|&n| mdd.level(n)).min().unwrap_or(u32::MAX);
        let mut cursors = self.cursors_pool.pop().unwrap_or_default();
        let mut child = self.states_pool.pop().unwrap_or_default();
        let mut found = Ok(false);
        cut_level(mdd, s, level, &mut cursors, &mut child, |_, _, c| {
            found = match self.normalize(c) {
                Norm::Empty => Ok(false),
                Norm::Only => Ok(true),
                Norm::Open => self.sat(c),
            };
            // Stop at the first stretch that holds an incident, or at a failure.
            matches!(found, Ok(false))
        });
        self.cursors_pool.push(cursors);
        self.states_pool.push(child);
        let found = found?;
        self.memo.insert(hash, s, found);
        Ok(found)
    }
}
