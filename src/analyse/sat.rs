//! One incident inside a box and outside every box of a cover, found by a SAT solver
//! (batsat, pure Rust).
//!
//! Why: whether such an incident exists is satisfiability of a CNF (one clause per
//! cover box: "some input is outside its set"). Counting every such incident is #SAT and
//! out of reach on large random policies, but a CDCL solver finds one in milliseconds
//! where a plain depth-first split search runs for seconds. The box engine uses it to
//! prove a gap it cannot count, and to find the incidents that show an input matters.
//!
//! Each input's values are grouped into classes, cut wherever a set of the search starts
//! or ends, and the classes get the order encoding: variables `class <= k`, chained
//! (`class <= k` implies `class <= k + 1`), so a range of values is a conjunction of at
//! most two literals and "outside a range" a clause of at most two.

use batsat::{lbool, Callbacks, Lit, SolverInterface, SolverOpts, Var};

use super::cuboid::{complement, Cuboid};
use crate::mdd::ValueRanges;

/// Restarts before a search gives up (each is at least a hundred conflicts).
const MAX_RESTARTS: u32 = 200;

/// Stops the solver after [`MAX_RESTARTS`], so a hard instance ends as "unknown".
#[derive(Default)]
struct Budget {
    restarts: u32,
}

impl Callbacks for Budget {
    fn on_restart(&mut self) {
        self.restarts += 1;
    }

    fn stop(&self) -> bool {
        self.restarts > MAX_RESTARTS
    }
}

struct Encoder {
    solver: batsat::Solver<Budget>,
    /// Per level, where its classes start: values between two cuts are alike for every
    /// set the search mentions, so they are one class. A level of a billion values
    /// tested at three thresholds has four classes, not a billion variables.
    cuts: Vec<Vec<u32>>,
    /// Per level, the variables `class <= k` for every class but the last.
    le: Vec<Vec<Var>>,
    sizes: Vec<u32>,
    /// Buffers for the clauses being added (`add_clause`, `exclude`).
    scratch: Vec<Lit>,
    outside: Vec<Lit>,
}

/// At most two literals, as [`Encoder::within`] makes them.
type Within = [Option<Lit>; 2];

impl Encoder {
    /// An encoder for the sets in `space` and `cover`.
    fn new(sizes: &[u32], space: &[ValueRanges], cover: &[&Cuboid]) -> Encoder {
        let mut cuts: Vec<Vec<u32>> = sizes.iter().map(|_| vec![0]).collect();
        let mut cut = |level: usize, set: &[(u32, u32)]| {
            if let Some(c) = cuts.get_mut(level) {
                for &(a, b) in set {
                    c.push(a);
                    c.push(b.saturating_add(1));
                }
            }
        };
        for (level, set) in space.iter().enumerate() {
            cut(level, set);
        }
        for b in cover {
            for (level, set) in b.literals() {
                cut(*level, set);
            }
        }
        for (c, &n) in cuts.iter_mut().zip(sizes) {
            c.retain(|&v| v < n);
            c.sort_unstable();
            c.dedup();
        }
        let mut solver = batsat::Solver::new(SolverOpts::default(), Budget::default());
        let mut le = Vec::with_capacity(sizes.len());
        for c in &cuts {
            let vars: Vec<Var> = (1..c.len()).map(|_| solver.new_var_default()).collect();
            for w in vars.windows(2) {
                if let (Some(&a), Some(&b)) = (w.first(), w.get(1)) {
                    solver.add_clause_reuse(&mut vec![Lit::new(a, false), Lit::new(b, true)]);
                }
            }
            le.push(vars);
        }
        Encoder {
            solver,
            cuts,
            le,
            sizes: sizes.to_vec(),
            scratch: Vec::with_capacity(2),
            outside: Vec::new(),
        }
    }

    /// The class of value `v` at `level`.
    fn class(&self, level: usize, v: u32) -> usize {
        let cuts = self.cuts.get(level).map(|c| c.as_slice()).unwrap_or(&[]);
        cuts.partition_point(|&c| c <= v).saturating_sub(1)
    }

    /// `class <= k` at `level`; `None` when it always holds (`k` is the last class).
    fn at_most(&self, level: usize, k: usize) -> Option<Lit> {
        self.le
            .get(level)
            .and_then(|v| v.get(k))
            .map(|&var| Lit::new(var, true))
    }

    /// The literals whose conjunction says the value at `level` is in `lo..=hi` (a range
    /// whose ends are cuts).
    fn within(&self, level: usize, lo: u32, hi: u32) -> Within {
        let (first, last) = (self.class(level, lo), self.class(level, hi));
        let above = if first > 0 {
            self.at_most(level, first - 1).map(|l| !l)
        } else {
            None
        };
        [above, self.at_most(level, last)]
    }

    /// Adds the clause of `lits`, through a buffer kept for it: an encoding adds tens of
    /// thousands of two-literal clauses, and a `Vec` each was most of its time.
    fn add_clause(&mut self, lits: impl IntoIterator<Item = Lit>) {
        self.scratch.clear();
        self.scratch.extend(lits);
        self.solver.add_clause_reuse(&mut self.scratch);
    }

    /// A literal that implies the value at `level` is in `lo..=hi`.
    fn implies_within(&mut self, level: usize, lo: u32, hi: u32) -> Lit {
        let t = Lit::new(self.solver.new_var_default(), true);
        for l in self.within(level, lo, hi).into_iter().flatten() {
            self.add_clause([!t, l]);
        }
        t
    }

    /// Literals of which one must hold for the value at `level` to be in `set`, added
    /// to `out`.
    fn one_of(&mut self, level: usize, set: &[(u32, u32)], out: &mut Vec<Lit>) {
        match set {
            [(lo, hi)] => {
                let lits = self.within(level, *lo, *hi);
                if lits.iter().flatten().count() <= 1 {
                    out.extend(lits.into_iter().flatten());
                } else {
                    out.push(self.implies_within(level, *lo, *hi));
                }
            }
            _ => {
                for &(lo, hi) in set {
                    out.push(self.implies_within(level, lo, hi));
                }
            }
        }
    }

    /// Requires the value at `level` to be in `set`.
    fn require(&mut self, level: usize, set: &[(u32, u32)]) {
        if let [(lo, hi)] = set {
            for l in self.within(level, *lo, *hi).into_iter().flatten() {
                self.add_clause([l]);
            }
            return;
        }
        let mut clause = Vec::new();
        self.one_of(level, set, &mut clause);
        self.solver.add_clause_reuse(&mut clause);
    }

    /// Requires the incident to be outside the box.
    fn exclude(&mut self, b: &Cuboid) {
        let mut clause = std::mem::take(&mut self.outside);
        clause.clear();
        for (level, set) in b.literals() {
            let n = self.sizes.get(*level).copied().unwrap_or(1);
            let outside = complement(set, n);
            self.one_of(*level, &outside, &mut clause);
        }
        self.solver.add_clause_reuse(&mut clause);
        self.outside = clause;
    }

    /// The value the model gives `level`: the first of its class.
    fn value(&self, level: usize) -> u32 {
        let vars = self.le.get(level).map(|v| v.as_slice()).unwrap_or(&[]);
        let class = vars
            .iter()
            .position(|&v| self.solver.value_var(v) == lbool::TRUE)
            .unwrap_or(vars.len());
        self.cuts
            .get(level)
            .and_then(|c| c.get(class))
            .copied()
            .unwrap_or(0)
    }
}

/// What a search found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// An incident, as value indices per level.
    Incident(Vec<u32>),
    /// There is none.
    None,
    /// The search gave up.
    Unknown,
}

/// An incident of `space` (one value set per level) outside every box of `cover`.
pub fn outside_all(sizes: &[u32], space: &[ValueRanges], cover: &[&Cuboid]) -> Found {
    let mut e = Encoder::new(sizes, space, cover);
    for (level, set) in space.iter().enumerate() {
        let n = sizes.get(level).copied().unwrap_or(1);
        if !matches!(set.as_slice(), [(0, hi)] if *hi + 1 >= n) {
            e.require(level, set);
        }
    }
    for b in cover {
        e.exclude(b);
    }
    let result = e.solver.solve_limited(&[]);
    if result == lbool::TRUE {
        Found::Incident((0..sizes.len()).map(|l| e.value(l)).collect())
    } else if result == lbool::FALSE {
        Found::None
    } else {
        Found::Unknown
    }
}
