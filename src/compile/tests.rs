#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::describe::describe;
use super::graph::{DecisionGraph, GraphNode, Status, ValueSet, Verdict};
use super::*;
use crate::check::ir::*;
use crate::mdd::TRUE;
use crate::testing::id;
use proptest::prelude::*;

fn loc() -> Loc {
    Loc::default()
}

fn input(name: &str, ty: Ty) -> InputDef {
    InputDef {
        name: name.into(),
        doc: None,
        ty,
        loc: loc(),
        typical: None,
        judgement: None,
    }
}

fn cmp(lhs: LinExpr, op: CmpOp, rhs: LinExpr) -> Expr {
    Expr::Cmp { lhs, op, rhs }
}

fn rule(
    name: &str,
    when: Expr,
    assigns: Vec<(OutputId, Value)>,
    overrides: Vec<RuleId>,
) -> RuleDef {
    RuleDef {
        name: name.into(),
        title: Some(format!("title of {name}")),
        cites: Some(format!("para {name}")),
        doc: None,
        overrides,
        when,
        assigns: assigns
            .into_iter()
            .map(|(output, value)| Assign {
                output,
                value,
                loc: loc(),
            })
            .collect(),
        loc: loc(),
        name_loc: loc(),
        overrides_at: Default::default(),
    }
}

/// youngest_age, oldest_age: 0..=99; coercion: bool; assume youngest <= oldest; scope
/// oldest <= 17; output resolution: Resolution { outcome_21, investigation }.
fn ages_policy() -> Policy {
    let mut p = Policy {
        name: "ages".into(),
        ..Policy::default()
    };
    p.enums.push(EnumDef {
        name: "Resolution".into(),
        doc: None,
        variants: ["outcome_21", "investigation"]
            .iter()
            .map(|n| VariantDef {
                name: (*n).into(),
                doc: None,
                loc: loc(),
            })
            .collect(),
        loc: loc(),
    });
    p.inputs
        .push(input("youngest_age", Ty::Int { lo: 0, hi: 99 }));
    p.inputs
        .push(input("oldest_age", Ty::Int { lo: 0, hi: 99 }));
    p.inputs.push(input("coercion", Ty::Bool));
    p.outputs.push(OutputDef {
        name: "resolution".into(),
        doc: None,
        ty: OutputTy::Single(Ty::Enum(id(0))),
        default: None,
        loc: loc(),
        hit: Default::default(),
    });
    p.assumes.push(Constraint {
        expr: cmp(LinExpr::input(id(0)), CmpOp::Le, LinExpr::input(id(1))),
        loc: loc(),
    });
    p.scope.push(Constraint {
        expr: cmp(LinExpr::input(id(1)), CmpOp::Le, LinExpr::constant(17)),
        loc: loc(),
    });
    p
}

#[test]
fn integer_comparison_is_one_interval_node() {
    let p = ages_policy();
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let n = c
        .expr(&cmp(
            LinExpr::input(id(1)),
            CmpOp::Le,
            LinExpr::constant(17),
        ))
        .unwrap();
    let (level, edges) = c.mdd.node(n).unwrap();
    assert_eq!(c.order.levels[level], id(1));
    assert_eq!(edges.len(), 2);
    assert_eq!(edges[0].end, 18);
    assert_eq!(c.mdd.sat_count(n), 18 * 100 * 2);
}

#[test]
fn age_gap_relation_is_exact_and_small() {
    let p = ages_policy();
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let gap = LinExpr::input(id(1))
        .add_scaled(-1, &LinExpr::input(id(0)))
        .unwrap();
    let n = c.expr(&cmp(gap, CmpOp::Ge, LinExpr::constant(3))).unwrap();
    // One node per first-input value that is not decided, plus the thresholds.
    assert!(c.mdd.count_nodes(n) <= 200, "{}", c.mdd.count_nodes(n));
    let (y, o) = (c.level(id(0)), c.level(id(1)));
    for young in 0..100u32 {
        for old in 0..100u32 {
            let mut v = vec![0u32; 3];
            v[y] = young;
            v[o] = old;
            assert_eq!(
                c.mdd.eval(n, &v) == 1,
                i64::from(old) - i64::from(young) >= 3
            );
        }
    }
}

#[derive(Clone, Debug)]
struct RandLin {
    coefs: Vec<i64>,
    constant: i64,
    op: CmpOp,
}

fn rand_lin() -> impl Strategy<Value = RandLin> {
    (
        prop::collection::vec(-3i64..=3, 3),
        -8i64..=8,
        prop_oneof![
            Just(CmpOp::Eq),
            Just(CmpOp::Ne),
            Just(CmpOp::Lt),
            Just(CmpOp::Le),
            Just(CmpOp::Gt),
            Just(CmpOp::Ge)
        ],
    )
        .prop_map(|(coefs, constant, op)| RandLin {
            coefs,
            constant,
            op,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The lazy form of the one rule for example values takes the value the rule takes
    /// on every run of allowed values, whatever the stretches it is asked about.
    #[test]
    fn typical_index_lazily_is_typical_index(
        leads in prop::collection::vec((1u32..4, any::<bool>()), 1..12),
        kind in 0usize..3,
        preferred in prop::option::of(0u32..40),
    ) {
        let ty = [Ty::Bool, Ty::Enum(id(0)), Ty::Int { lo: 0, hi: 99 }][kind];
        let mut bounds = Vec::new();
        let mut lo = 0;
        for &(len, _) in &leads {
            bounds.push((lo, lo + len));
            lo += len;
        }
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for (&(lo, end), &(_, holds)) in bounds.iter().zip(&leads) {
            if !holds {
                continue;
            }
            match runs.last_mut() {
                Some(last) if last.1 + 1 == lo => last.1 = end - 1,
                _ => runs.push((lo, end - 1)),
            }
        }
        let mut asked = vec![0; leads.len()];
        let mut ask = |i: usize| {
            asked[i] += 1;
            Ok(leads[i].1)
        };
        let mut lazily = crate::mdd::Leads::new(&bounds, &mut ask);
        let got = typical_index_lazily(ty, &mut lazily, preferred);
        prop_assert_eq!(got, typical_index(ty, &runs, preferred));
        prop_assert!(asked.iter().all(|&k| k <= 1), "each stretch asked at most once");
    }

    /// Any linear constraint over three integer inputs (with negative bounds too) is
    /// compiled exactly.
    #[test]
    fn linear_constraints_are_exact(l in rand_lin(), decl in any::<bool>()) {
        let mut p = Policy { name: "lin".into(), ..Policy::default() };
        p.inputs.push(input("a", Ty::Int { lo: -3, hi: 4 }));
        p.inputs.push(input("b", Ty::Int { lo: 0, hi: 5 }));
        p.inputs.push(input("c", Ty::Int { lo: 2, hi: 6 }));
        let mut lhs = LinExpr::constant(l.constant);
        for (i, &k) in l.coefs.iter().enumerate() {
            lhs = lhs.add_scaled(k, &LinExpr::input(id(i))).unwrap();
        }
        let e = cmp(lhs.clone(), l.op, LinExpr::constant(0));
        let order = if decl { OrderStrategy::Declaration } else { OrderStrategy::Weighted };
        let mut c = Compiler::new(&p, &CompileOptions { order, max_nodes: None, ..CompileOptions::default() }).unwrap();
        let n = c.expr(&e).unwrap();
        for a in -3i64..=4 {
            for b in 0i64..=5 {
                for cc in 2i64..=6 {
                    let vals = [a, b, cc];
                    let truth = l.op.holds(lhs.eval(|i| vals[i.index()]).unwrap(), 0);
                    let mut v = vec![0u32; 3];
                    v[c.level(id(0))] = (a + 3) as u32;
                    v[c.level(id(1))] = b as u32;
                    v[c.level(id(2))] = (cc - 2) as u32;
                    prop_assert_eq!(c.mdd.eval(n, &v) == 1, truth, "{:?} at {:?}", l, vals);
                }
            }
        }
    }
}

#[test]
fn gap_region_is_described_relative_to_scope() {
    let mut p = ages_policy();
    // Investigation when coerced; outcome 21 when not coerced and oldest <= 15.
    p.rules.push(rule(
        "coerced",
        Expr::Input(id(2)),
        vec![(id(0), Value::Enum(id(0), id(1)))],
        vec![],
    ));
    p.rules.push(rule(
        "young",
        Expr::And(vec![
            Expr::Not(Box::new(Expr::Input(id(2)))),
            cmp(LinExpr::input(id(1)), CmpOp::Le, LinExpr::constant(15)),
        ]),
        vec![(id(0), Value::Enum(id(0), id(0)))],
        vec![],
    ));
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let Ok(OutputRegions::Single { has, .. }) = c.output_regions(id(0)) else {
        panic!()
    };
    let gap = c.mdd.diff(c.valid, has).unwrap();
    let r = describe(&mut c, gap).unwrap().unwrap();
    assert_eq!(r.condition(), "oldest_age >= 16 and not coercion");
    // youngest <= oldest, oldest in 16..=17: 17 + 18 pairs.
    assert_eq!(r.count, 17 + 18);
    assert_eq!(r.example_json()["coercion"], serde_json::json!(false));
    assert!(r.condition_complete);
    let old = r.example_json()["oldest_age"].as_i64().unwrap();
    assert!((16..=17).contains(&old));
}

#[test]
fn the_typical_value_is_the_middle_of_the_first_run_for_integers_only() {
    let int = Ty::Int { lo: 0, hi: 99 };
    assert_eq!(typical_index(int, &[(16, 17)], None), Some(16));
    assert_eq!(typical_index(int, &[(18, 99)], None), Some(58));
    // Ranges that touch are one run; the first run is taken whole.
    assert_eq!(
        typical_index(int, &[(0, 4), (5, 17), (30, 40)], None),
        Some(8)
    );
    assert_eq!(typical_index(int, &[(7, 7), (30, 40)], None), Some(7));
    assert_eq!(typical_index(Ty::Bool, &[(0, 1)], None), Some(0));
    assert_eq!(typical_index(Ty::Enum(id(0)), &[(1, 3)], None), Some(1));
    assert_eq!(typical_index(int, &[], None), None);
    let p = ages_policy();
    assert_eq!(typical_value(&p, int, None), Value::Int(49));
    assert_eq!(
        typical_value(&p, Ty::Int { lo: -5, hi: 4 }, None),
        Value::Int(-1)
    );
}

/// A value the policy prefers is taken where allowed, else (for an integer) the allowed
/// value nearest to it (the lower of two as near), or (for a boolean or a variant) the
/// first allowed value.
#[test]
fn a_preferred_value_is_taken_or_approached() {
    let int = Ty::Int { lo: 0, hi: 99 };
    assert_eq!(typical_index(int, &[(0, 17)], Some(15)), Some(15));
    assert_eq!(typical_index(int, &[(0, 12)], Some(15)), Some(12));
    assert_eq!(typical_index(int, &[(18, 99)], Some(15)), Some(18));
    assert_eq!(typical_index(int, &[(0, 10), (20, 30)], Some(15)), Some(10));
    assert_eq!(typical_index(int, &[(0, 10), (19, 30)], Some(15)), Some(19));
    assert_eq!(typical_index(int, &[], Some(15)), None);
    assert_eq!(typical_index(Ty::Enum(id(0)), &[(1, 3)], Some(2)), Some(2));
    assert_eq!(typical_index(Ty::Enum(id(0)), &[(1, 3)], Some(0)), Some(1));
    assert_eq!(typical_index(Ty::Bool, &[(0, 1)], Some(1)), Some(1));
    assert_eq!(typical_index(Ty::Bool, &[(0, 0)], Some(1)), Some(0));
    assert_eq!(typical_value(&ages_policy(), int, Some(15)), Value::Int(15));
}

/// The preferred value of an integer input is the median of the values the policy's
/// scenarios give it; other inputs, and inputs no scenario gives, prefer nothing.
#[test]
fn scenarios_say_which_values_are_preferred() {
    let p = crate::check::policy_from_text(
        "policy p \"t\"\ninput age: 0..=99\ninput other: 0..=99\ninput b: bool\n\
         output o: bool default false\n\
         scenario s1 \"a\" given age = 14, b = true expect o = false\n\
         scenario s2 \"b\" given age = 15 expect o = false\n\
         scenario s3 \"c\" given age = 40 expect o = false\n\
         scenario s4 \"d\" given age = 13 expect o = false\n",
    );
    assert_eq!(preferred_values(&p).as_slice(), [Some(14), None, None]);
}

/// Where the scenarios give an input no value, its declared `typical` value is
/// preferred, of any type; where they do, their median wins.
#[test]
fn declared_typical_values_are_preferred_where_scenarios_are_silent() {
    let p = crate::check::policy_from_text(
        "policy p \"t\"\nenum K { a, b, c }\n\
         input age: 0..=99 typical 15\ninput other: 0..=99 typical 40\n\
         input b: bool typical true\ninput k: K typical c\ninput plain: 0..=99\n\
         output o: bool default false\n\
         scenario s1 \"a\" given age = 14 expect o = false\n",
    );
    assert_eq!(
        preferred_values(&p).as_slice(),
        [Some(14), Some(40), Some(1), Some(2), None]
    );
}

/// An example takes the middle of the values its region allows, given the values taken
/// before it along the diagram, so it stays in the region across a relation.
#[test]
fn examples_take_the_middle_of_what_the_region_allows() {
    // youngest <= oldest, scope youngest <= 17 (not ages_policy's scope).
    let mut p = ages_policy();
    p.scope[0].expr = cmp(LinExpr::input(id(0)), CmpOp::Le, LinExpr::constant(17));
    let example = |p: &Policy, order, region: &dyn Fn(&mut Compiler<'_>) -> NodeId| {
        let options = CompileOptions {
            order,
            ..CompileOptions::default()
        };
        let mut c = Compiler::new(p, &options).unwrap();
        let f = region(&mut c);
        let f = c.mdd.and(f, c.valid).unwrap();
        let r = describe(&mut c, f).unwrap().unwrap();
        let j = r.example_json();
        (
            j["youngest_age"].as_i64().unwrap(),
            j["oldest_age"].as_i64().unwrap(),
            // The policy never reads `coercion`, so the example's facts leave it out.
            j.get("coercion")
                .map_or(r.example_values()[2] == Value::Bool(true), |_| {
                    panic!("an unread input in the example: {j}")
                }),
        )
    };
    let everything = |_: &mut Compiler<'_>| TRUE;
    // youngest first: youngest in 0..=17, then oldest in 8..=99.
    assert_eq!(
        example(&p, OrderStrategy::Declaration, &everything),
        (8, 53, false)
    );
    // oldest first (declared first): oldest in 0..=99, then youngest in 0..=17.
    let mut q = p.clone();
    let mut swapped: Vec<InputDef> = q.inputs.iter().cloned().collect();
    swapped.swap(0, 1);
    q.inputs = swapped.into();
    for e in [&mut q.assumes[0].expr, &mut q.scope[0].expr] {
        if let Expr::Cmp { lhs, rhs, .. } = e {
            for side in [lhs, rhs] {
                for (_, i) in side.terms.iter_mut() {
                    *i = id(1 - i.index());
                }
            }
        }
    }
    let options = CompileOptions {
        order: OrderStrategy::Declaration,
        ..CompileOptions::default()
    };
    let mut c = Compiler::new(&q, &options).unwrap();
    let valid = c.valid;
    let r = describe(&mut c, valid).unwrap().unwrap();
    assert_eq!(r.example_json()["oldest_age"], 49);
    assert_eq!(r.example_json()["youngest_age"], 8);
    // A region on one bound: its interval's middle, rounded down.
    let at_least = |n: i64| {
        move |c: &mut Compiler<'_>| {
            c.expr(&cmp(LinExpr::input(id(1)), CmpOp::Ge, LinExpr::constant(n)))
                .unwrap()
        }
    };
    // youngest in 0..=17, then oldest in 18..=99.
    assert_eq!(
        example(&p, OrderStrategy::Declaration, &at_least(18)),
        (8, 58, false)
    );
    let mut teen = ages_policy();
    teen.scope.clear();
    let older = |c: &mut Compiler<'_>| {
        let a = c
            .expr(&cmp(
                LinExpr::input(id(1)),
                CmpOp::Ge,
                LinExpr::constant(16),
            ))
            .unwrap();
        let b = c
            .expr(&cmp(
                LinExpr::input(id(1)),
                CmpOp::Le,
                LinExpr::constant(17),
            ))
            .unwrap();
        let young = c
            .expr(&cmp(
                LinExpr::input(id(0)),
                CmpOp::Ge,
                LinExpr::constant(16),
            ))
            .unwrap();
        let ab = c.mdd.and(a, b).unwrap();
        c.mdd.and(ab, young).unwrap()
    };
    // youngest in 16..=17 (it must stay <= oldest <= 17), then oldest in 16..=17.
    assert_eq!(
        example(&teen, OrderStrategy::Declaration, &older),
        (16, 16, false)
    );
    let adult = |c: &mut Compiler<'_>| {
        c.expr(&cmp(
            LinExpr::input(id(0)),
            CmpOp::Ge,
            LinExpr::constant(18),
        ))
        .unwrap()
    };
    // youngest in 18..=99, then oldest in 58..=99.
    assert_eq!(
        example(&teen, OrderStrategy::Declaration, &adult),
        (58, 78, false)
    );
}

#[test]
fn overrides_are_transitive_and_per_output() {
    // base: o0 = a0, o1 = true; mid overrides base: o0 = a1; top overrides mid: o0 = a2.
    let mut p = Policy {
        name: "ov".into(),
        ..Policy::default()
    };
    p.enums.push(EnumDef {
        name: "A".into(),
        doc: None,
        variants: (0..3)
            .map(|i| VariantDef {
                name: format!("a{i}"),
                doc: None,
                loc: loc(),
            })
            .collect(),
        loc: loc(),
    });
    p.inputs.push(input("x", Ty::Bool));
    p.inputs.push(input("y", Ty::Bool));
    p.outputs.push(OutputDef {
        name: "o0".into(),
        doc: None,
        ty: OutputTy::Single(Ty::Enum(id(0))),
        default: None,
        loc: loc(),
        hit: Default::default(),
    });
    p.outputs.push(OutputDef {
        name: "o1".into(),
        doc: None,
        ty: OutputTy::Single(Ty::Bool),
        default: None,
        loc: loc(),
        hit: Default::default(),
    });
    p.rules.push(rule(
        "base",
        Expr::Const(true),
        vec![
            (id(0), Value::Enum(id(0), id(0))),
            (id(1), Value::Bool(true)),
        ],
        vec![],
    ));
    p.rules.push(rule(
        "mid",
        Expr::Input(id(0)),
        vec![(id(0), Value::Enum(id(0), id(1)))],
        vec![id(0)],
    ));
    p.rules.push(rule(
        "top",
        Expr::Input(id(1)),
        vec![(id(0), Value::Enum(id(0), id(2)))],
        vec![id(1)],
    ));
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    assert_eq!(c.overriders[id(0)], vec![id(1), id(2)]);
    let g = DecisionGraph::build(&mut c).unwrap();
    let at = |x: u32, y: u32| {
        let mut v = vec![0u32; 2];
        v[0] = x;
        v[1] = y;
        g.leaf(&v).unwrap().clone()
    };
    // y alone: top beats base through mid even though mid does not apply.
    let l = at(0, 1);
    assert_eq!(
        l.outcomes[id(0)].verdict(),
        Verdict::Value(Value::Enum(id(0), id(2)))
    );
    assert_eq!(
        l.outcomes[id(1)].verdict(),
        Verdict::Value(Value::Bool(true))
    );
    assert_eq!(l.overridden, vec![id(0)]);
    let l = at(1, 1);
    assert_eq!(
        l.outcomes[id(0)].verdict(),
        Verdict::Value(Value::Enum(id(0), id(2)))
    );
    assert_eq!(l.overridden, vec![id(0), id(1)]);
    let l = at(0, 0);
    assert_eq!(
        l.outcomes[id(0)].verdict(),
        Verdict::Value(Value::Enum(id(0), id(0)))
    );
    assert_eq!(l.status, Status::InScope);
}

#[test]
fn graph_edges_carry_merged_value_sets() {
    let mut p = ages_policy();
    p.rules.push(rule(
        "all",
        Expr::Const(true),
        vec![(id(0), Value::Enum(id(0), id(0)))],
        vec![],
    ));
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    // The root asks one of the related ages, one edge per value (each value of it gives
    // the other a different threshold through the assumption); below, threshold nodes
    // with two merged ranges each.
    let GraphNode::Question { input } = g.graph[g.root] else {
        panic!()
    };
    assert!(p.inputs[input].name.ends_with("_age"));
    assert!(g.question_count() <= 101, "{}", g.question_count());
    let merged = g
        .graph
        .edge_weights()
        .any(|e| matches!(&e.values, ValueSet::Ints(r) if r.len() == 1 && r[0].1 > r[0].0));
    assert!(merged);
    assert_eq!(g.depth(), 2);
    // Out-of-scope, broken-assumption and in-scope leaves.
    let statuses: std::collections::BTreeSet<Status> = g.leaves.iter().map(|l| l.status).collect();
    assert_eq!(statuses.len(), 3);
    let _ = TRUE;
}

#[test]
fn node_limit_gives_a_diagnostic() {
    let mut p = Policy {
        name: "big".into(),
        ..Policy::default()
    };
    for i in 0..12 {
        p.inputs
            .push(input(&format!("x{i}"), Ty::Int { lo: 0, hi: 9 }));
    }
    // x0 == x1 and x1 == x2 ... needs more than 30 nodes.
    let mut conj = Vec::new();
    for i in 0..11 {
        conj.push(cmp(
            LinExpr::input(id(i)),
            CmpOp::Eq,
            LinExpr::input(id(i + 1)),
        ));
    }
    p.scope.push(Constraint {
        expr: Expr::And(conj),
        loc: loc(),
    });
    let err = Compiler::new(
        &p,
        &CompileOptions {
            order: OrderStrategy::Weighted,
            max_nodes: Some(30),
            ..CompileOptions::default()
        },
    )
    .err()
    .unwrap();
    let d = err.diagnostic(&p);
    assert_eq!(d.code, "E0504");
    assert!(d.message.contains("more than 30 nodes"), "{}", d.message);
}

proptest! {
    /// The upfront bound that refuses an expensive relation at once is an upper bound
    /// on the steps the exact construction takes, so it refuses nothing that would
    /// have compiled within the budget.
    #[test]
    fn linear_steps_bound_the_construction(
        terms in proptest::collection::vec((-4i128..=4, -5i128..=5, 1i128..=12), 1..=4),
        k in -30i128..=30,
        op in 0usize..6,
    ) {
        let terms: Vec<LinTerm> = terms
            .into_iter()
            .filter(|t| t.0 != 0)
            .enumerate()
            .map(|(level, (coef, lo, size))| LinTerm { coef, level, lo, size })
            .collect();
        prop_assume!(!terms.is_empty());
        let n = terms.len();
        let mut min_rest = vec![0i128; n + 1];
        let mut max_rest = vec![0i128; n + 1];
        for i in (0..n).rev() {
            let t = terms[i];
            let (a, b) = (t.coef * t.lo, t.coef * (t.lo + t.size - 1));
            min_rest[i] = min_rest[i + 1] + a.min(b);
            max_rest[i] = max_rest[i + 1] + a.max(b);
        }
        let bound = linear_steps(&terms, &min_rest, &max_rest, k);
        let op = [CmpOp::Eq, CmpOp::Ne, CmpOp::Lt, CmpOp::Le, CmpOp::Gt, CmpOp::Ge][op];
        let sizes: Vec<u32> = terms.iter().map(|t| t.size as u32).collect();
        let mut mdd = crate::mdd::Mdd::new(sizes);
        let mut lin = Linear {
            terms,
            min_rest,
            max_rest,
            op,
            memo: crate::mdd::hash::FxHashMap::default(),
            budget: LINEAR_BUDGET,
        };
        lin.build(&mut mdd, 0, k).unwrap();
        let used = u128::from(LINEAR_BUDGET - lin.budget);
        prop_assert!(used <= bound, "{used} steps, bound {bound}");
    }
}

/// Many rules over few inputs: the diagram stays within the node limit while its
/// outcomes, the sets of rules that apply, grow with the square of the rules. The build
/// stops at a bound on those sets (it once took 23 GB), with a message that says so
/// rather than claiming the node limit.
#[test]
fn outcomes_listing_too_many_rules_give_a_diagnostic() {
    let mut text =
        String::from("policy wide \"Wide\"\ninput a: bool\noutput o: bool default false\n");
    for i in 0..40 {
        text.push_str(&format!(
            "rule r{i} \"R{i}\" cites \"c\" when a then o = true\n"
        ));
    }
    let mut sources = crate::source::Sources::new();
    let checked = crate::check::check_text(
        &mut sources,
        &crate::testing::MemFs::new(),
        std::path::Path::new("wide.policy"),
        text,
    );
    let p = checked.policy.unwrap();
    let options = CompileOptions {
        max_nodes: Some(50),
        ..CompileOptions::default()
    };
    let mut c = Compiler::new(&p, &options).unwrap();
    // 1 + 2 + ... + 40 rules in the sets; 400 allowed at 50 nodes.
    let err = DecisionGraph::build(&mut c).err().unwrap();
    assert!(
        matches!(
            err,
            CompileError::TooManyRuleSets {
                max_entries: 400,
                at: Some(_)
            }
        ),
        "{err:?}"
    );
    let rendered = crate::diagnostics::render::to_string(&sources, &err.diagnostic(&p));
    insta::assert_snapshot!(rendered);
    // Reading the rules still decides complete facts.
    assert!(crate::evaluate::rules_still_decide(&p, &err));
    // Within the bound the same policy builds.
    let mut roomy = Compiler::new(&p, &CompileOptions::default()).unwrap();
    assert!(DecisionGraph::build(&mut roomy).is_ok());
}
