//! An example of one region outside a set of others, found by walking the diagrams side
//! by side instead of building the difference.
//!
//! Why: the isolating examples (`analyse::isolate`) want, for each listed pair of
//! rules, the example [`Mdd::pick`] takes in the pair's region minus every other rule
//! of the output. Building that difference one rule at a time costs a full diagram
//! operation per rule and grows a diagram the search then reads once; the walk below
//! only asks, level by level along the one path it takes, which values still lead to
//! an incident, and stops at the first witness of each question.

use super::hash::FxHashMap;
use super::{Edge, Mdd, NodeId, FALSE, TRUE};

/// The walk passed its budget of states before it could answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

/// One state of the walk: the region's node first, then the sorted, distinct nodes of
/// the regions to avoid that are neither empty nor already left behind.
type State = Vec<NodeId>;

enum Norm {
    Empty,
    /// Nothing left to avoid: the region's node, which holds an incident.
    Only(NodeId),
    Open(State),
}

struct Walk<'a> {
    mdd: &'a Mdd,
    memo: FxHashMap<State, bool>,
    states: usize,
    budget: usize,
}

impl Mdd {
    /// What `self.pick(region ∧ ¬avoid[0] ∧ … , |t| t == 1, choose)` returns, without
    /// building the conjunction: the same incident, since the pick depends only on the
    /// function (at each level, `choose` over the values that still lead to an
    /// incident). All diagrams are boolean. `Err(Exhausted)` once the walk has visited
    /// `budget` distinct states, for the caller to build the difference instead.
    pub(crate) fn pick_avoiding<C>(
        &self,
        region: NodeId,
        avoid: &[NodeId],
        choose: C,
        budget: usize,
    ) -> Result<Option<Vec<u32>>, Exhausted>
    where
        C: Fn(usize, &[(u32, u32)]) -> u32,
    {
        let mut walk = Walk {
            mdd: self,
            memo: FxHashMap::default(),
            states: 0,
            budget,
        };
        let mut start = Vec::with_capacity(avoid.len() + 1);
        start.push(region);
        start.extend_from_slice(avoid);
        let mut state = match normalize(start) {
            Norm::Empty => return Ok(None),
            Norm::Only(r) => vec![r],
            Norm::Open(s) => {
                if !walk.sat(&s)? {
                    return Ok(None);
                }
                s
            }
        };
        let mut values: Vec<u32> = (0..self.num_levels())
            .map(|l| choose(l, &[(0, self.size(l).saturating_sub(1))]))
            .collect();
        let mut runs: Vec<(u32, u32)> = Vec::new();
        // Invariant: `state` holds an incident.
        while let Some(level) = state
            .iter()
            .map(|&n| self.level(n))
            .min()
            .filter(|&l| l != u32::MAX)
        {
            let parts = walk.intervals(&state, level);
            runs.clear();
            let mut open: Vec<(u32, u32, State)> = Vec::new();
            for (lo, end, child) in parts {
                let ok = match normalize(child) {
                    Norm::Empty => None,
                    Norm::Only(r) => Some(vec![r]),
                    Norm::Open(s) => {
                        if walk.sat(&s)? {
                            Some(s)
                        } else {
                            None
                        }
                    }
                };
                let Some(s) = ok else { continue };
                match runs.last_mut() {
                    Some(last) if last.1.saturating_add(1) == lo => last.1 = end - 1,
                    _ => runs.push((lo, end - 1)),
                }
                open.push((lo, end, s));
            }
            let wanted = choose(level as usize, &runs);
            let taken = open
                .iter()
                .position(|(lo, end, _)| *lo <= wanted && wanted < *end)
                .map(|i| (i, wanted))
                .or_else(|| open.first().map(|(lo, _, _)| (0, *lo)));
            let Some((i, v)) = taken else {
                // Unreachable while the invariant holds; answer as pick would on an
                // empty region rather than guess.
                return Ok(None);
            };
            if let Some(slot) = values.get_mut(level as usize) {
                *slot = v;
            }
            state = open.swap_remove(i).2;
        }
        Ok(Some(values))
    }
}

/// Drops what no longer constrains a state and says when it is decided.
fn normalize(mut s: State) -> Norm {
    let Some(&region) = s.first() else {
        return Norm::Empty;
    };
    if region == FALSE {
        return Norm::Empty;
    }
    let mut avoid = s.split_off(1);
    avoid.retain(|&n| n != FALSE);
    if avoid.iter().any(|&n| n == TRUE || n == region) {
        return Norm::Empty;
    }
    if avoid.is_empty() {
        // A canonical boolean node other than FALSE holds an incident.
        return Norm::Only(region);
    }
    avoid.sort_unstable();
    avoid.dedup();
    s.extend(avoid);
    Norm::Open(s)
}

impl Walk<'_> {
    /// Whether an open state holds an incident.
    fn sat(&mut self, s: &State) -> Result<bool, Exhausted> {
        if let Some(&r) = self.memo.get(s) {
            return Ok(r);
        }
        self.states += 1;
        if self.states > self.budget {
            return Err(Exhausted);
        }
        let level = s
            .iter()
            .map(|&n| self.mdd.level(n))
            .min()
            .unwrap_or(u32::MAX);
        let mut found = false;
        let mut cuts = Cuts::new(self.mdd, s, level);
        while let Some((_, _, child)) = cuts.next(s) {
            found = match normalize(child) {
                Norm::Empty => false,
                Norm::Only(_) => true,
                Norm::Open(c) => self.sat(&c)?,
            };
            if found {
                break;
            }
        }
        self.memo.insert(s.clone(), found);
        Ok(found)
    }

    /// The values of `level` cut where any node of `s` changes child, each stretch
    /// `[lo, end)` with the nodes' children there (nodes below `level` stay).
    fn intervals(&self, s: &[NodeId], level: u32) -> Vec<(u32, u32, State)> {
        let mut cuts = Cuts::new(self.mdd, s, level);
        let mut out = Vec::new();
        while let Some(part) = cuts.next(s) {
            out.push(part);
        }
        out
    }
}

/// The stretches of [`Walk::intervals`] one at a time, so a search can stop at the
/// first that holds an incident.
struct Cuts<'a> {
    edges: Vec<Option<&'a [Edge]>>,
    at: Vec<usize>,
    lo: u32,
    size: u32,
}

impl<'a> Cuts<'a> {
    fn new(mdd: &'a Mdd, s: &[NodeId], level: u32) -> Self {
        let edges = s
            .iter()
            .map(|&n| {
                if mdd.level(n) == level {
                    mdd.node(n).map(|(_, e)| e)
                } else {
                    None
                }
            })
            .collect();
        Cuts {
            edges,
            at: vec![0; s.len()],
            lo: 0,
            size: mdd.size(level as usize),
        }
    }

    fn next(&mut self, s: &[NodeId]) -> Option<(u32, u32, State)> {
        let lo = self.lo;
        if lo >= self.size {
            return None;
        }
        let mut end = self.size;
        let mut child = Vec::with_capacity(s.len());
        for (k, &n) in s.iter().enumerate() {
            match self.edges.get(k).copied().flatten() {
                Some(es) => match self.at.get(k).and_then(|&i| es.get(i)) {
                    Some(e) => {
                        end = end.min(e.end);
                        child.push(e.child);
                    }
                    None => child.push(FALSE),
                },
                None => child.push(n),
            }
        }
        if end <= lo {
            // Malformed edges; stop rather than loop.
            return None;
        }
        for (es, i) in self.edges.iter().zip(self.at.iter_mut()) {
            if es.and_then(|es| es.get(*i)).is_some_and(|e| e.end == end) {
                *i += 1;
            }
        }
        self.lo = end;
        Some((lo, end, child))
    }
}
