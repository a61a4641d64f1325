//! One incident inside a box and outside every box of a cover, found by a SAT solver
//! (batsat, pure Rust).
//!
//! Why: whether such an incident exists is satisfiability of a CNF (one clause per
//! cover box: "some input is outside its set"). Counting every such incident is #SAT and
//! out of reach on large random policies, but a CDCL solver finds one in milliseconds
//! where a plain depth-first split search runs for seconds. The box engine uses it to
//! prove a gap it cannot count, and to find the incidents that show an input matters.
//!
//! Each input with `n` values gets the order encoding: variables `x <= k` for
//! `k < n - 1`, chained (`x <= k` implies `x <= k + 1`), so a range of values is a
//! conjunction of at most two literals and "outside a range" a clause of at most two.

use batsat::{lbool, Callbacks, Lit, SolverInterface, SolverOpts, Var};

use super::boxes::{complement, Cuboid};
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
    /// Per level, the variables `x <= k` for `k` in `0..n - 1`.
    le: Vec<Vec<Var>>,
    sizes: Vec<u32>,
}

impl Encoder {
    fn new(sizes: &[u32]) -> Encoder {
        let mut solver = batsat::Solver::new(SolverOpts::default(), Budget::default());
        let mut le = Vec::with_capacity(sizes.len());
        for &n in sizes {
            let vars: Vec<Var> = (1..n).map(|_| solver.new_var_default()).collect();
            for w in vars.windows(2) {
                if let (Some(&a), Some(&b)) = (w.first(), w.get(1)) {
                    solver.add_clause_reuse(&mut vec![Lit::new(a, false), Lit::new(b, true)]);
                }
            }
            le.push(vars);
        }
        Encoder {
            solver,
            le,
            sizes: sizes.to_vec(),
        }
    }

    /// `x <= k` at `level`; `None` when it always holds (`k` is the last value).
    fn at_most(&self, level: usize, k: u32) -> Option<Lit> {
        self.le
            .get(level)
            .and_then(|v| v.get(k as usize))
            .map(|&var| Lit::new(var, true))
    }

    /// The literals whose conjunction says the value at `level` is in `lo..=hi`.
    fn within(&self, level: usize, lo: u32, hi: u32) -> Vec<Lit> {
        let mut out = Vec::with_capacity(2);
        if lo > 0 {
            out.extend(self.at_most(level, lo - 1).map(|l| !l));
        }
        out.extend(self.at_most(level, hi));
        out
    }

    /// A literal that implies the value at `level` is in `lo..=hi`.
    fn implies_within(&mut self, level: usize, lo: u32, hi: u32) -> Lit {
        let t = Lit::new(self.solver.new_var_default(), true);
        for l in self.within(level, lo, hi) {
            self.solver.add_clause_reuse(&mut vec![!t, l]);
        }
        t
    }

    /// Literals of which one must hold for the value at `level` to be in `set`.
    fn one_of(&mut self, level: usize, set: &[(u32, u32)]) -> Vec<Lit> {
        match set {
            [(lo, hi)] => {
                let lits = self.within(level, *lo, *hi);
                if lits.len() <= 1 {
                    return lits;
                }
                vec![self.implies_within(level, *lo, *hi)]
            }
            _ => set
                .iter()
                .map(|&(lo, hi)| self.implies_within(level, lo, hi))
                .collect(),
        }
    }

    /// Requires the value at `level` to be in `set`.
    fn require(&mut self, level: usize, set: &[(u32, u32)]) {
        if let [(lo, hi)] = set {
            for l in self.within(level, *lo, *hi) {
                self.solver.add_clause_reuse(&mut vec![l]);
            }
            return;
        }
        let mut clause = self.one_of(level, set);
        self.solver.add_clause_reuse(&mut clause);
    }

    /// Requires the incident to be outside the box.
    fn exclude(&mut self, b: &Cuboid) {
        let mut clause = Vec::new();
        for (level, set) in b.literals() {
            let n = self.sizes.get(*level).copied().unwrap_or(1);
            let outside = complement(set, n);
            clause.extend(self.one_of(*level, &outside));
        }
        self.solver.add_clause_reuse(&mut clause);
    }

    fn value(&self, level: usize) -> u32 {
        let n = self.sizes.get(level).copied().unwrap_or(1);
        let vars = self.le.get(level).map(|v| v.as_slice()).unwrap_or(&[]);
        vars.iter()
            .position(|&v| self.solver.value_var(v) == lbool::TRUE)
            .map(|k| k as u32)
            .unwrap_or(n.saturating_sub(1))
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
    let mut e = Encoder::new(sizes);
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
