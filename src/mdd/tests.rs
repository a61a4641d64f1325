#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use proptest::prelude::*;

const SIZES: [u32; 4] = [2, 3, 5, 4];

/// Every complete assignment of the test levels.
fn all_assignments() -> Vec<Vec<u32>> {
    let mut out = vec![vec![]];
    for &s in &SIZES {
        let mut next = Vec::new();
        for a in &out {
            for v in 0..s {
                let mut b = a.clone();
                b.push(v);
                next.push(b);
            }
        }
        out = next;
    }
    out
}

/// A random boolean formula over the test levels, as a tree of ranges.
#[derive(Clone, Debug)]
enum F {
    Range(usize, u32, u32),
    Not(Box<F>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
    Xor(Box<F>, Box<F>),
}

fn formula() -> impl Strategy<Value = F> {
    let leaf =
        (0..SIZES.len(), 0u32..5, 0u32..6).prop_map(|(l, a, b)| F::Range(l, a.min(b), a.max(b)));
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|f| F::Not(Box::new(f))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| F::Or(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| F::Xor(Box::new(a), Box::new(b))),
        ]
    })
}

fn truth(f: &F, v: &[u32]) -> bool {
    match f {
        F::Range(l, lo, hi) => v[*l] >= *lo && v[*l] < *hi,
        F::Not(a) => !truth(a, v),
        F::And(a, b) => truth(a, v) && truth(b, v),
        F::Or(a, b) => truth(a, v) || truth(b, v),
        F::Xor(a, b) => truth(a, v) != truth(b, v),
    }
}

fn build(m: &mut Mdd, f: &F) -> NodeId {
    match f {
        F::Range(l, lo, hi) => m.range(*l, *lo, *hi).unwrap(),
        F::Not(a) => {
            let a = build(m, a);
            m.not(a).unwrap()
        }
        F::And(a, b) => {
            let (a, b) = (build(m, a), build(m, b));
            m.and(a, b).unwrap()
        }
        F::Or(a, b) => {
            let (a, b) = (build(m, a), build(m, b));
            m.or(a, b).unwrap()
        }
        F::Xor(a, b) => {
            let (a, b) = (build(m, a), build(m, b));
            m.apply(BoolOp::Xor, a, b).unwrap()
        }
    }
}

fn in_cube(c: &Cube, v: &[u32]) -> bool {
    c.iter().enumerate().all(|(l, s)| match s {
        None => true,
        Some(ranges) => ranges.iter().any(|&(lo, hi)| v[l] >= lo && v[l] <= hi),
    })
}

/// A chooser for [`Mdd::pick`]: the middle of the first run, rounded down.
fn middle_of_first_run(_level: usize, runs: &[(u32, u32)]) -> u32 {
    runs.first().map_or(0, |&(lo, hi)| lo + (hi - lo) / 2)
}

/// Choosers of [`Mdd::pick_avoiding`] that ask only about the values they need.
#[derive(Clone, Copy)]
enum Lazily {
    MiddleOfFirstRun,
    NearestTwo,
    Highest,
}

impl avoid::Choose for Lazily {
    fn choose(&self, level: usize, runs: &[(u32, u32)]) -> u32 {
        match self {
            Lazily::MiddleOfFirstRun => middle_of_first_run(level, runs),
            Lazily::NearestTwo => runs
                .iter()
                .map(|&(lo, hi)| 2u32.clamp(lo, hi.max(lo)))
                .min_by_key(|v| v.abs_diff(2))
                .unwrap_or(0),
            Lazily::Highest => runs.last().map_or(0, |r| r.1),
        }
    }

    fn choose_lazily(&self, _level: usize, leads: &mut avoid::Leads<'_>) -> Option<u32> {
        match self {
            Lazily::MiddleOfFirstRun => {
                let lo = leads.first_at_or_above(0)?;
                let hi = leads.run_end(lo);
                Some(lo + (hi - lo) / 2)
            }
            Lazily::NearestTwo => {
                let (b, a) = (leads.last_at_or_below(2), leads.first_at_or_above(2));
                match (b, a) {
                    (Some(b), Some(a)) => Some(if 2 - b <= a - 2 { b } else { a }),
                    (b, a) => b.or(a),
                }
            }
            Lazily::Highest => leads.last_at_or_below(u32::MAX),
        }
    }
}

/// Checks the canonical-form invariants on every node reachable from `f`.
fn check_canonical(m: &Mdd, f: NodeId) {
    for n in m.nodes_of(f) {
        let (level, edges) = m.node(n).unwrap();
        assert!(edges.len() >= 2, "unreduced node");
        assert_eq!(edges.last().unwrap().end, m.size(level));
        for w in edges.windows(2) {
            assert!(w[0].end < w[1].end);
            assert_ne!(w[0].child, w[1].child, "adjacent equal children");
        }
        for e in edges {
            assert!(m.level(e.child) as usize > level);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn operations_match_truth_tables(f in formula(), g in formula()) {
        let mut m = Mdd::new(SIZES.to_vec());
        let a = build(&mut m, &f);
        let b = build(&mut m, &g);
        let and = m.and(a, b).unwrap();
        let imp = m.apply(BoolOp::Implies, a, b).unwrap();
        let diff = m.diff(a, b).unwrap();
        let iff = m.apply(BoolOp::Iff, a, b).unwrap();
        check_canonical(&m, and);
        let all = all_assignments();
        let mut count = 0u128;
        for v in &all {
            let (x, y) = (truth(&f, v), truth(&g, v));
            prop_assert_eq!(m.eval(a, v) == 1, x);
            prop_assert_eq!(m.eval(and, v) == 1, x && y);
            prop_assert_eq!(m.eval(imp, v) == 1, !x || y);
            prop_assert_eq!(m.eval(diff, v) == 1, x && !y);
            prop_assert_eq!(m.eval(iff, v) == 1, x == y);
            count += u128::from(x);
        }
        prop_assert_eq!(m.sat_count(a), count);
        prop_assert_eq!(m.intersects(a, b), and != FALSE);
        // Canonicity: the same function is the same node.
        let and2 = {
            let na = m.not(a).unwrap();
            let nb = m.not(b).unwrap();
            let o = m.or(na, nb).unwrap();
            m.not(o).unwrap()
        };
        prop_assert_eq!(and, and2);
    }

    #[test]
    fn pick_and_cubes_cover_the_region(f in formula()) {
        let mut m = Mdd::new(SIZES.to_vec());
        let a = build(&mut m, &f);
        let all = all_assignments();
        match m.pick(a, |t| t == 1, middle_of_first_run) {
            Some(w) => {
                prop_assert!(truth(&f, &w));
                // Level by level, the value is the middle of the first run of values
                // that some completion of the values above keeps in the region.
                for l in 0..SIZES.len() {
                    let allowed: Vec<u32> = (0..SIZES[l])
                        .filter(|&x| {
                            all.iter().any(|v| v[..l] == w[..l] && v[l] == x && truth(&f, v))
                        })
                        .collect();
                    let lo = allowed[0];
                    let run = allowed.iter().zip(lo..).take_while(|(x, y)| **x == *y).count();
                    let mid = lo + (run as u32 - 1) / 2;
                    prop_assert_eq!(w[l], mid, "level {} of {:?}", l, w);
                }
            }
            None => prop_assert_eq!(a, FALSE),
        }
        // Whatever the caller chooses, the assignment stays in the region.
        if let Some(w) = m.pick(a, |t| t == 1, |_, runs| runs.last().map_or(0, |r| r.1)) {
            prop_assert!(truth(&f, &w));
        }
        let (cubes, complete) = m.cubes(a, |t| t == 1, 1000);
        prop_assert!(complete);
        for v in &all {
            let n = cubes.iter().filter(|c| in_cube(c, v)).count();
            prop_assert_eq!(n, usize::from(truth(&f, v)), "cubes must be disjoint and cover");
        }
    }

    #[test]
    fn pick_avoiding_is_pick_of_the_difference(
        f in formula(),
        avoid in prop::collection::vec(formula(), 0..5),
    ) {
        let mut m = Mdd::new(SIZES.to_vec());
        let a = build(&mut m, &f);
        let others: Vec<NodeId> = avoid.iter().map(|g| build(&mut m, g)).collect();
        let mut alone = a;
        for &o in &others {
            alone = m.diff(alone, o).unwrap();
        }
        let last = |_: usize, runs: &[(u32, u32)]| runs.last().map_or(0, |r| r.1);
        // A chooser that reads the whole set of runs, as `typical_index` does.
        let nearest_two = |_: usize, runs: &[(u32, u32)]| {
            runs.iter()
                .map(|&(lo, hi)| 2u32.clamp(lo, hi.max(lo)))
                .min_by_key(|v| v.abs_diff(2))
                .unwrap_or(0)
        };
        for choose in [&middle_of_first_run as &dyn Fn(usize, &[(u32, u32)]) -> u32, &last, &nearest_two] {
            let want = m.pick(alone, |t| t == 1, choose);
            let got = m.pick_avoiding(a, &others, choose, 10_000);
            prop_assert_eq!(got, Ok(want));
        }
        // Choosers that ask only about the values they need take the same values.
        for lazy in [Lazily::MiddleOfFirstRun, Lazily::NearestTwo, Lazily::Highest] {
            let want = m.pick(alone, |t| t == 1, |l: usize, runs: &[(u32, u32)]| lazy.choose(l, runs));
            let got = m.pick_avoiding(a, &others, lazy, 10_000);
            prop_assert_eq!(got, Ok(want));
        }
        // A walk cut short says so rather than answer.
        if let Err(e) = m.pick_avoiding(a, &others, middle_of_first_run, 0) {
            prop_assert_eq!(e, avoid::Exhausted);
        }
    }

    #[test]
    fn quantifiers_restrict_and_simplify(f in formula(), g in formula(), lv in 0..SIZES.len(), val in 0u32..5) {
        let mut m = Mdd::new(SIZES.to_vec());
        let a = build(&mut m, &f);
        let care = build(&mut m, &g);
        let mut mask = vec![false; SIZES.len()];
        mask[lv] = true;
        let ex = m.exists(a, &mask).unwrap();
        let fa = m.forall(a, &mask).unwrap();
        let val = val % SIZES[lv];
        let mut assign = vec![None; SIZES.len()];
        assign[lv] = Some(val);
        let r = m.restrict(a, &assign).unwrap();
        let s = m.simplify(a, care).unwrap();
        prop_assert!(!m.support(r)[lv]);
        for v in all_assignments() {
            let mut any = false;
            let mut every = true;
            for x in 0..SIZES[lv] {
                let mut w = v.clone();
                w[lv] = x;
                any |= truth(&f, &w);
                every &= truth(&f, &w);
            }
            prop_assert_eq!(m.eval(ex, &v) == 1, any);
            prop_assert_eq!(m.eval(fa, &v) == 1, every);
            let mut w = v.clone();
            w[lv] = val;
            prop_assert_eq!(m.eval(r, &v) == 1, truth(&f, &w));
            if truth(&g, &v) {
                prop_assert_eq!(m.eval(s, &v) == 1, truth(&f, &v));
            }
        }
        prop_assert!(m.count_nodes(s) <= m.count_nodes(a) || care == FALSE);
    }

    #[test]
    fn multi_terminal_apply_and_ite(f in formula(), g in formula()) {
        let mut m = Mdd::new(SIZES.to_vec());
        let a = build(&mut m, &f);
        let b = build(&mut m, &g);
        // Terminal = 2*a + b, then mapped back to a via map_terminals.
        let sum = m.apply_terminals(a, b, |x, y| 2 * x + y).unwrap();
        let back = m.map_terminals(sum, |t| t / 2).unwrap();
        prop_assert_eq!(back, a);
        let t5 = NodeId::terminal(5);
        let t7 = NodeId::terminal(7);
        let sel = m.ite(a, t5, t7).unwrap();
        for v in all_assignments() {
            let (x, y) = (truth(&f, &v), truth(&g, &v));
            prop_assert_eq!(m.eval(sum, &v), 2 * u32::from(x) + u32::from(y));
            prop_assert_eq!(m.eval(sel, &v), if x { 5 } else { 7 });
        }
        let ab = m.and(a, b).unwrap();
        prop_assert_eq!(m.count(sum, |t| t == 3), m.sat_count(ab));
    }
}

#[test]
fn interval_node_is_two_edges() {
    let mut m = Mdd::new(vec![100]);
    let le17 = m.range(0, 0, 18).unwrap();
    let (_, edges) = m.node(le17).unwrap();
    assert_eq!(
        edges,
        &[
            Edge {
                end: 18,
                child: TRUE
            },
            Edge {
                end: 100,
                child: FALSE
            }
        ]
    );
    assert_eq!(m.sat_count(le17), 18);
}

#[test]
fn node_limit_is_an_error_not_a_crash() {
    let mut m = Mdd::new(vec![10; 12]).with_max_nodes(50);
    // x0 == x1 == ... needs many nodes.
    let mut acc = TRUE;
    let mut err = None;
    for l in 0..11 {
        let mut eq = FALSE;
        for v in 0..10 {
            let a = m.value_set(l, &[v]).unwrap_or(FALSE);
            let b = m.value_set(l + 1, &[v]).unwrap_or(FALSE);
            match m.and(a, b).and_then(|ab| m.or(eq, ab)) {
                Ok(x) => eq = x,
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        if err.is_some() {
            break;
        }
        match m.and(acc, eq) {
            Ok(x) => acc = x,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    assert_eq!(err, Some(MddError::TooLarge { max_nodes: 50 }));
    assert!(m.total_nodes() <= 50);
}

#[test]
fn malformed_nodes_are_refused() {
    let mut m = Mdd::new(vec![3, 3]);
    assert_eq!(
        m.mk(
            0,
            &[Edge {
                end: 2,
                child: TRUE
            }]
        ),
        Err(MddError::Malformed)
    );
    assert_eq!(
        m.mk(
            0,
            &[
                Edge {
                    end: 2,
                    child: TRUE
                },
                Edge {
                    end: 2,
                    child: FALSE
                }
            ]
        ),
        Err(MddError::Malformed)
    );
    assert_eq!(
        m.mk(
            5,
            &[Edge {
                end: 3,
                child: TRUE
            }]
        ),
        Err(MddError::Malformed)
    );
    // Reduction: all edges to one child is that child.
    assert_eq!(
        m.mk(
            1,
            &[
                Edge {
                    end: 1,
                    child: TRUE
                },
                Edge {
                    end: 3,
                    child: TRUE
                }
            ]
        ),
        Ok(TRUE)
    );
}

#[test]
fn counts_saturate() {
    let m = Mdd::new(vec![100; 40]);
    assert_eq!(m.sat_count(TRUE), u128::MAX);
    assert_eq!(m.sat_count(FALSE), 0);
}

#[test]
fn compaction_keeps_roots_and_frees_the_rest() {
    let mut m = Mdd::new(vec![10; 6]);
    let mut keep = FALSE;
    for l in 0..6 {
        let r = m.range(l, 2, 5).unwrap();
        keep = m.apply(BoolOp::Xor, keep, r).unwrap();
    }
    let mut garbage = TRUE;
    for l in 0..6 {
        let r = m.range(l, 1, 9).unwrap();
        garbage = m.and(garbage, r).unwrap();
    }
    let before = m.total_nodes();
    let probe: Vec<Vec<u32>> = (0..50u32)
        .map(|k| (0..6).map(|l| (k * 7 + l * 3) % 10).collect())
        .collect();
    let expected: Vec<u32> = probe.iter().map(|v| m.eval(keep, v)).collect();
    let count = m.sat_count(keep);
    let mut roots = [keep, TRUE];
    m.compact(&mut roots).unwrap();
    assert!(m.total_nodes() < before);
    assert_eq!(m.total_nodes(), m.count_nodes(roots[0]));
    assert_eq!(roots[1], TRUE);
    let got: Vec<u32> = probe.iter().map(|v| m.eval(roots[0], v)).collect();
    assert_eq!(got, expected);
    assert_eq!(m.sat_count(roots[0]), count);
    // Hash-consing still works after compaction.
    let mut again = FALSE;
    for l in 0..6 {
        let r = m.range(l, 2, 5).unwrap();
        again = m.apply(BoolOp::Xor, again, r).unwrap();
    }
    assert_eq!(again, roots[0]);
}
