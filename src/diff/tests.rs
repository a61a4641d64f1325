//! The diff against brute-force enumeration: for random small policy pairs, every
//! incident of the union of their inputs is decided by the reference interpreter
//! ([`crate::analyse::brute`]) on each original (not widened) policy, classified, and
//! compared with the diff's regions, counts, examples and rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::testing::id;
use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::analyse::brute;
use crate::check::ir::*;
use crate::compile::graph::{Status, Verdict};
use crate::compile::synth::{generate, Rng, SynthSpec};

/// A value of the union space, by name, independent of either policy's ids.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum UVal {
    Bool(bool),
    Int(i64),
    Name(String),
}

/// The union space computed independently of `widen`: per input name, every value
/// either side can express.
fn union_space(a: &Policy, b: &Policy) -> Vec<(String, Vec<UVal>)> {
    let mut names: Vec<String> = a.inputs.iter().map(|i| i.name.clone()).collect();
    for i in &b.inputs {
        if !names.contains(&i.name) {
            names.push(i.name.clone());
        }
    }
    names
        .into_iter()
        .map(|n| {
            let mut vals: Vec<UVal> = Vec::new();
            for p in [a, b] {
                if let Some(inp) = p.input_by_name(&n).map(|k| &p.inputs[k]) {
                    match inp.ty {
                        Ty::Bool => vals.extend([UVal::Bool(false), UVal::Bool(true)]),
                        Ty::Int { lo, hi } => vals.extend((lo..=hi).map(UVal::Int)),
                        Ty::Enum(e) => vals.extend(
                            p.enums[e]
                                .variants
                                .iter()
                                .map(|v| UVal::Name(v.name.clone())),
                        ),
                    }
                }
            }
            vals.sort();
            vals.dedup();
            (n, vals)
        })
        .collect()
}

/// The side's values for an incident, or `None` when it cannot express it.
fn project(p: &Policy, names: &[String], inc: &[UVal]) -> Option<Vec<Value>> {
    p.inputs
        .iter()
        .map(|inp| {
            let k = names.iter().position(|n| *n == inp.name).unwrap();
            match (&inc[k], inp.ty) {
                (UVal::Bool(b), Ty::Bool) => Some(Value::Bool(*b)),
                (UVal::Int(x), Ty::Int { lo, hi }) => {
                    (*x >= lo && *x <= hi).then_some(Value::Int(*x))
                }
                (UVal::Name(n), Ty::Enum(e)) => p.enums[e]
                    .variants
                    .iter()
                    .position(|v| v.name == *n)
                    .map(|v| Value::Enum(e, id(v))),
                _ => panic!("type mismatch"),
            }
        })
        .collect()
}

fn uval_of_json(v: &serde_json::Value) -> UVal {
    match v {
        serde_json::Value::Bool(b) => UVal::Bool(*b),
        serde_json::Value::Number(n) => UVal::Int(n.as_i64().unwrap()),
        serde_json::Value::String(s) => UVal::Name(s.clone()),
        _ => panic!("bad example value {v}"),
    }
}

/// Output `o`'s verdict for a reference decision, as the diff names it: a value with
/// other values applying too is one a precedence chose.
fn to_cverdict(
    p: &Policy,
    r: &brute::RefDecision,
    o: OutputId,
    rename: &HashMap<String, String>,
) -> CVerdict {
    let c = |v: &Value| cval(p, v, rename);
    let sorted = |xs: &[Value]| -> Vec<CVal> {
        let mut vs: Vec<CVal> = xs.iter().map(c).collect();
        vs.sort();
        vs.dedup();
        vs
    };
    match &r.verdicts[o] {
        Verdict::Value(x) => {
            let others: Vec<Value> = r.effective[o]
                .iter()
                .map(|e| e.1.clone())
                .filter(|v| v != x && matches!(p.outputs[o].ty, OutputTy::Single(_)))
                .collect();
            if others.is_empty() {
                CVerdict::Value(c(x))
            } else {
                CVerdict::Resolved {
                    value: c(x),
                    over: sorted(&others),
                }
            }
        }
        Verdict::Gap => CVerdict::Gap,
        Verdict::Conflict(xs) => CVerdict::Conflict(sorted(xs)),
        Verdict::Overlap(xs) => CVerdict::Overlap(sorted(xs)),
    }
}

#[derive(Default, Debug, PartialEq)]
struct Expected {
    domain: BTreeMap<&'static str, u128>,
    assumptions: BTreeMap<&'static str, u128>,
    scope: BTreeMap<&'static str, u128>,
    /// (new output name, old verdict, new verdict) -> count
    changes: BTreeMap<(String, CVerdict, CVerdict), u128>,
    compared: u128,
    total: u128,
}

fn renames_for(old: &Policy, o: OutputId, opts: &DiffOptions) -> HashMap<String, String> {
    let name = &old.outputs[o].name;
    opts.value_map
        .iter()
        .filter(|m| &m.output == name)
        .map(|m| (m.old.clone(), m.new.clone()))
        .collect()
}

fn decide(p: &Policy, vals: &Option<Vec<Value>>) -> Option<brute::RefDecision> {
    vals.as_ref().map(|v| brute::decide(p, v))
}

/// Enumerates the union space and classifies every incident.
fn expected(old: &Policy, new: &Policy, opts: &DiffOptions) -> Expected {
    let space = union_space(old, new);
    let names: Vec<String> = space.iter().map(|s| s.0.clone()).collect();
    let mut e = Expected::default();
    let pairs: Vec<(OutputId, OutputId)> = old
        .outputs
        .entries()
        .filter_map(|(i, o)| {
            let target = opts
                .output_map
                .iter()
                .find(|m| m.0 == o.name)
                .map(|m| m.1.clone())
                .unwrap_or(o.name.clone());
            new.output_by_name(&target).map(|j| (i, j))
        })
        .collect();
    let mut inc: Vec<UVal> = space.iter().map(|s| s.1[0].clone()).collect();
    let mut idx = vec![0usize; space.len()];
    loop {
        let (pa, pb) = (project(old, &names, &inc), project(new, &names, &inc));
        // Possible: some side can express the incident and its assumptions allow it.
        let possible = |p: &Policy, v: &Option<Vec<Value>>| {
            decide(p, v).is_some_and(|r| r.status != Status::BrokenAssumption)
        };
        if possible(old, &pa) || possible(new, &pb) {
            e.total += 1;
        }
        let side = |a: bool| if a { "old" } else { "new" };
        if pa.is_some() != pb.is_some() {
            *e.domain.entry(side(pa.is_some())).or_default() += 1;
        } else if let (Some(ra), Some(rb)) = (decide(old, &pa), decide(new, &pb)) {
            let broken = |r: &brute::RefDecision| r.status == Status::BrokenAssumption;
            let out = |r: &brute::RefDecision| r.status == Status::OutOfScope;
            if broken(&ra) != broken(&rb) {
                *e.assumptions.entry(side(!broken(&ra))).or_default() += 1;
            } else if !broken(&ra) {
                if out(&ra) != out(&rb) {
                    *e.scope.entry(side(!out(&ra))).or_default() += 1;
                } else if !out(&ra) {
                    e.compared += 1;
                    for &(i, j) in &pairs {
                        let va = to_cverdict(old, &ra, i, &renames_for(old, i, opts));
                        let vb = to_cverdict(new, &rb, j, &HashMap::new());
                        if !va.same_decision(&vb) {
                            *e.changes
                                .entry((new.outputs[j].name.clone(), va, vb))
                                .or_default() += 1;
                        }
                    }
                }
            }
        }
        // Next incident (odometer).
        let mut k = 0;
        loop {
            if k == space.len() {
                return e;
            }
            idx[k] += 1;
            if idx[k] < space[k].1.len() {
                inc[k] = space[k].1[idx[k]].clone();
                break;
            }
            idx[k] = 0;
            inc[k] = space[k].1[0].clone();
            k += 1;
        }
    }
}

/// Compares a diff with enumeration, and checks every example and its rules.
fn check_pair(old: &Policy, new: &Policy, opts: &DiffOptions) -> PolicyDiff {
    let d = diff(old, new, opts).unwrap();
    let want = expected(old, new, opts);
    let counts = |items: &[OneSided]| -> BTreeMap<&'static str, u128> {
        items
            .iter()
            .map(|o| (o.side.word(), o.region.count))
            .collect()
    };
    let mut got = Expected {
        domain: counts(&d.domain),
        assumptions: counts(&d.assumptions),
        scope: counts(&d.scope),
        compared: d.compared,
        total: d.total,
        ..Expected::default()
    };
    for o in &d.outputs {
        for c in &o.changes {
            let prev = got.changes.insert(
                (o.name.clone(), c.old.clone(), c.new.clone()),
                c.region.count,
            );
            assert!(prev.is_none(), "one change per verdict pair");
        }
    }
    assert_eq!(got, want, "diff of {} vs {}", old.name, new.name);
    assert_eq!(
        d.is_same(),
        want.domain.is_empty()
            && want.assumptions.is_empty()
            && want.scope.is_empty()
            && want.changes.is_empty()
            && d.outputs_only_old.is_empty()
            && d.outputs_only_new.is_empty()
    );

    // Every example is a real incident with the claimed verdicts and rules.
    let space = union_space(old, new);
    let names: Vec<String> = space.iter().map(|s| s.0.clone()).collect();
    let example_of = |r: &Region| -> Vec<UVal> {
        let json = r.example_json();
        let obj = json.as_object().unwrap();
        // The example names every input either policy reads; any value of the others
        // decides the same.
        let read_by =
            |p: &Policy, n: &str| p.input_by_name(n).is_some_and(|i| p.reads().contains(i));
        space
            .iter()
            .map(|(n, vals)| match obj.get(n) {
                Some(v) => uval_of_json(v),
                None => {
                    assert!(
                        !read_by(old, n) && !read_by(new, n),
                        "`{n}` missing from {json}"
                    );
                    vals[0].clone()
                }
            })
            .collect()
    };
    for o in &d.outputs {
        let i = old.output_by_name(&o.old_name).unwrap();
        let j = new.output_by_name(&o.name).unwrap();
        for c in &o.changes {
            let inc = example_of(&c.region);
            let ra = brute::decide(old, &project(old, &names, &inc).unwrap());
            let rb = brute::decide(new, &project(new, &names, &inc).unwrap());
            assert_eq!((ra.status, rb.status), (Status::InScope, Status::InScope));
            assert_eq!(to_cverdict(old, &ra, i, &renames_for(old, i, opts)), c.old);
            assert_eq!(to_cverdict(new, &rb, j, &HashMap::new()), c.new);
            for (p, r, o_id, reason) in [(old, &ra, i, &c.old_reason), (new, &rb, j, &c.new_reason)]
            {
                let mut eff: Vec<String> = r.effective[o_id]
                    .iter()
                    .map(|(x, _)| p.rules[*x].name.clone())
                    .collect();
                eff.sort_by_key(|n| p.rule_by_name(n));
                eff.dedup();
                assert_eq!(reason.example_rules, eff, "the example's rules");
                for n in &reason.example_rules {
                    assert!(
                        reason.rules.iter().any(|x| &x.name == n),
                        "region rules include the example's"
                    );
                }
            }
        }
    }
    for (items, what) in [
        (&d.domain, "domain"),
        (&d.assumptions, "assumptions"),
        (&d.scope, "scope"),
    ] {
        for o in items {
            let inc = example_of(&o.region);
            let (pa, pb) = (project(old, &names, &inc), project(new, &names, &inc));
            match what {
                "domain" => assert_eq!(pa.is_some(), o.side == Side::Old),
                _ => {
                    let (ra, rb) = (decide(old, &pa).unwrap(), decide(new, &pb).unwrap());
                    let ok = |r: &brute::RefDecision| match what {
                        "assumptions" => r.status != Status::BrokenAssumption,
                        _ => r.status == Status::InScope,
                    };
                    assert_eq!(
                        (ok(&ra), ok(&rb)),
                        (o.side == Side::Old, o.side == Side::New),
                        "{what} example"
                    );
                }
            }
        }
    }
    d
}

// ---------------------------------------------------------------- policy mutations

fn random_literal(rng: &mut Rng, p: &Policy) -> Expr {
    let i = id(rng.below(p.inputs.len() as u64) as usize);
    match p.inputs[i].ty {
        Ty::Bool => {
            if rng.chance(50) {
                Expr::Input(i)
            } else {
                Expr::Not(Box::new(Expr::Input(i)))
            }
        }
        Ty::Enum(e) => {
            let n = p.enums[e].variants.len();
            let v = id(rng.below(n as u64) as usize);
            Expr::EnumIn {
                input: i,
                variants: vec![v],
            }
        }
        Ty::Int { lo, hi } => Expr::Cmp {
            lhs: LinExpr::input(i),
            op: if rng.chance(50) { CmpOp::Le } else { CmpOp::Ge },
            rhs: LinExpr::constant(lo + rng.below((hi - lo + 1) as u64) as i64),
        },
    }
}

fn map_expr(e: &Expr, f: &impl Fn(InputId) -> InputId) -> Expr {
    let lin = |l: &LinExpr| {
        let mut terms: Vec<(i64, InputId)> = l.terms.iter().map(|&(c, i)| (c, f(i))).collect();
        terms.sort_by_key(|t| t.1);
        LinExpr {
            terms,
            constant: l.constant,
        }
    };
    match e {
        Expr::Input(i) => Expr::Input(f(*i)),
        Expr::Not(a) => Expr::Not(Box::new(map_expr(a, f))),
        Expr::And(xs) => Expr::And(xs.iter().map(|x| map_expr(x, f)).collect()),
        Expr::Or(xs) => Expr::Or(xs.iter().map(|x| map_expr(x, f)).collect()),
        Expr::Implies(a, b) => Expr::Implies(Box::new(map_expr(a, f)), Box::new(map_expr(b, f))),
        Expr::Iff(a, b) => Expr::Iff(Box::new(map_expr(a, f)), Box::new(map_expr(b, f))),
        Expr::Cmp { lhs, op, rhs } => Expr::Cmp {
            lhs: lin(lhs),
            op: *op,
            rhs: lin(rhs),
        },
        Expr::EnumIn { input, variants } => Expr::EnumIn {
            input: f(*input),
            variants: variants.clone(),
        },
        Expr::EnumEq(a, b) => Expr::EnumEq(f(*a), f(*b)),
        other => other.clone(),
    }
}

/// Rewrites every expression of a policy.
fn map_policy_exprs(p: &mut Policy, f: &impl Fn(&Expr) -> Expr) {
    for d in &mut p.defines {
        if let DefineBody::Bool(e) = &d.body {
            d.body = DefineBody::Bool(f(e));
        }
    }
    for c in p.assumes.iter_mut().chain(p.scope.iter_mut()) {
        c.expr = f(&c.expr);
    }
    for r in &mut p.rules {
        r.when = f(&r.when);
    }
    for a in &mut p.accepted_gaps {
        a.when = f(&a.when);
    }
    for a in &mut p.asserts {
        a.expr = f(&a.expr);
    }
}

/// Reverses the order of the inputs (new ids everywhere): same decisions.
fn reverse_inputs(p: &mut Policy) {
    let n = p.inputs.len();
    in_order(&mut p.inputs, |v| v.reverse());
    let f = move |i: InputId| id(n - 1 - i.index());
    map_policy_exprs(p, &|e| map_expr(e, &f));
    for d in &mut p.defines {
        if let DefineBody::Int(l) = &d.body {
            let mut terms: Vec<(i64, InputId)> = l.terms.iter().map(|&(c, i)| (c, f(i))).collect();
            terms.sort_by_key(|t| t.1);
            d.body = DefineBody::Int(LinExpr {
                terms,
                constant: l.constant,
            });
        }
    }
}

/// Reverses the order of the rules (override ids remapped): same decisions.
fn reverse_rules(p: &mut Policy) {
    let n = p.rules.len();
    in_order(&mut p.rules, |v| v.reverse());
    for r in &mut p.rules {
        r.overrides = r.overrides.iter().map(|&o| id(n - 1 - o.index())).collect();
    }
}

/// Changes a table as a `Vec` (the ids of its items change: the caller renumbers them).
fn in_order<T: Clone>(a: &mut Arena<T>, f: impl FnOnce(&mut Vec<T>)) {
    let mut v: Vec<T> = a.iter().cloned().collect();
    f(&mut v);
    *a = v.into();
}

/// Rewrites conditions into equivalent forms: `a` as `not not a`, `and`/`or` operands
/// reversed, `x <= c` as `not (x > c)`.
fn rewrite_equivalently(p: &mut Policy) {
    fn go(e: &Expr) -> Expr {
        match e {
            Expr::And(xs) => Expr::And(xs.iter().rev().map(go).collect()),
            Expr::Or(xs) => Expr::Or(xs.iter().rev().map(go).collect()),
            Expr::Cmp {
                lhs,
                op: CmpOp::Le,
                rhs,
            } => Expr::Not(Box::new(Expr::Cmp {
                lhs: lhs.clone(),
                op: CmpOp::Gt,
                rhs: rhs.clone(),
            })),
            Expr::Input(i) => Expr::Not(Box::new(Expr::Not(Box::new(Expr::Input(*i))))),
            Expr::Not(a) => Expr::Not(Box::new(go(a))),
            other => other.clone(),
        }
    }
    map_policy_exprs(p, &go);
}

fn remove_rule(p: &mut Policy, r: RuleId) {
    in_order(&mut p.rules, |v| {
        v.remove(r.index());
    });
    for x in &mut p.rules {
        x.overrides = x
            .overrides
            .iter()
            .filter(|&&o| o != r)
            .map(|&o| if o > r { id(o.index() - 1) } else { o })
            .collect();
    }
}

fn add_bool_input(rng: &mut Rng, p: &mut Policy, name: &str) {
    if p.input_by_name(name).is_some() {
        return;
    }
    p.inputs.push(InputDef {
        name: name.into(),
        doc: None,
        ty: Ty::Bool,
        loc: Default::default(),
        typical: None,
        judgement: None,
    });
    let i = id(p.inputs.len() - 1);
    if let Some(r) = p.rules.iter().next().cloned() {
        let mut r2 = r;
        r2.name = format!("{name}_rule");
        r2.overrides = if rng.chance(50) {
            vec![id(0)]
        } else {
            Vec::new()
        };
        r2.when = Expr::And(vec![Expr::Input(i), random_literal(rng, p)]);
        p.rules.push(r2);
    }
}

/// A random semantic change to one side.
fn mutate(rng: &mut Rng, old: &mut Policy, new: &mut Policy, opts: &mut DiffOptions) {
    match rng.below(12) {
        0 => {
            let r = id(rng.below(new.rules.len() as u64) as usize);
            let lit = random_literal(rng, new);
            new.rules[r].when = Expr::And(vec![new.rules[r].when.clone(), lit]);
        }
        1 => {
            let r = id(rng.below(new.rules.len() as u64) as usize);
            new.rules[r].when = random_literal(rng, new);
        }
        2 => {
            let r = id(rng.below(new.rules.len() as u64) as usize);
            if let Some(a) = new.rules[r].assigns.first_mut() {
                a.value = match &a.value {
                    Value::Bool(b) => Value::Bool(!b),
                    Value::Enum(e, v) => Value::Enum(*e, id((v.index() + 1) % 3)),
                    Value::Set(e, vs) => Value::Set(
                        *e,
                        if vs.contains(&id(0)) {
                            vec![id(1)]
                        } else {
                            vec![id(0), id(2)]
                        },
                    ),
                    v => v.clone(),
                };
            }
        }
        3 if new.rules.len() > 1 => {
            let r = id(rng.below(new.rules.len() as u64) as usize);
            remove_rule(new, r);
        }
        4 => add_bool_input(rng, new, "extra_new"),
        5 => add_bool_input(rng, old, "extra_old"),
        6 => {
            // Widen (or narrow) an integer range on one side.
            let ints: Vec<InputId> = new
                .inputs
                .ids()
                .filter(|&i| matches!(new.inputs[i].ty, Ty::Int { .. }))
                .collect();
            if let Some(&i) = ints.first() {
                if let Ty::Int { lo, hi } = new.inputs[i].ty {
                    new.inputs[i].ty = if rng.chance(50) {
                        Ty::Int { lo, hi: hi + 1 }
                    } else {
                        Ty::Int { lo: lo + 1, hi }
                    };
                }
            }
        }
        7 if new.enums[id(0)].variants.iter().any(|v| v.name == "k_new") => {}
        7 => {
            // A new variant of the input enum on the new side.
            new.enums[id(0)].variants.push(VariantDef {
                name: "k_new".into(),
                doc: None,
                loc: Default::default(),
            });
        }
        8 => {
            let lit = random_literal(rng, new);
            if new.scope.is_empty() || rng.chance(50) {
                new.scope.push(Constraint {
                    expr: lit,
                    loc: Default::default(),
                });
            } else {
                new.scope.clear();
            }
        }
        9 => {
            if new.assumes.is_empty() {
                let lit = random_literal(rng, new);
                new.assumes.push(Constraint {
                    expr: lit,
                    loc: Default::default(),
                });
            } else {
                new.assumes.clear();
            }
        }
        10 => {
            let o: OutputId = id(rng.below(new.outputs.len() as u64) as usize);
            let out = &mut new.outputs[o];
            out.default = match (out.ty, &out.default) {
                (_, Some(_)) => None,
                (OutputTy::Single(Ty::Bool), None) => Some(Value::Bool(true)),
                (OutputTy::Single(Ty::Enum(e)), None) => Some(Value::Enum(e, id(2))),
                _ => None,
            };
        }
        _ if !opts.output_map.is_empty() => {}
        _ => {
            // Rename an output and the enum its values come from on the new side: with
            // the maps, nothing changes by itself.
            new.outputs[id(0)].name = "renamed".into();
            opts.output_map.push(("out0".into(), "renamed".into()));
            if let OutputTy::Single(Ty::Enum(e)) = new.outputs[id(0)].ty {
                for (k, v) in new.enums[e].variants.iter_mut().enumerate() {
                    let old_name = v.name.clone();
                    v.name = format!("b{k}");
                    for o in &old.outputs {
                        if o.ty == OutputTy::Single(Ty::Enum(e)) {
                            opts.value_map.push(ValueMap {
                                output: o.name.clone(),
                                old: old_name.clone(),
                                new: v.name.clone(),
                            });
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn random_pairs_agree_with_enumeration() {
    let mut differing = 0;
    let mut covered = [0usize; 9];
    for seed in 0..160u64 {
        let base = generate(&SynthSpec::small(seed));
        let (mut old, mut new) = (base.clone(), base);
        new.name = format!("{}_new", new.name);
        let mut opts = DiffOptions::default();
        let mut rng = Rng::new(seed ^ 0x5EED);
        for _ in 0..=rng.below(3) {
            mutate(&mut rng, &mut old, &mut new, &mut opts);
        }
        if rng.chance(30) {
            reverse_inputs(&mut new);
        }
        let d = check_pair(&old, &new, &opts);
        if !d.is_same() {
            differing += 1;
        }
        let seen = [
            !d.domain.is_empty(),
            !d.assumptions.is_empty(),
            !d.scope.is_empty(),
            !d.gaps().is_empty(),
            !d.conflicts().is_empty(),
            !d.inputs_only_old.is_empty(),
            !d.inputs_only_new.is_empty(),
            !opts.value_map.is_empty(),
            d.outputs.iter().any(|o| {
                o.changes
                    .iter()
                    .any(|c| c.old_reason.default || c.new_reason.default)
            }),
        ];
        for (k, s) in seen.iter().enumerate() {
            covered[k] += usize::from(*s);
        }
    }
    // The mutations must mostly change something, and exercise every kind of change,
    // or the test checks little.
    assert!(differing > 80, "only {differing} pairs differ");
    assert!(
        covered.iter().all(|&c| c >= 3),
        "kinds of change covered: {covered:?}"
    );
}

#[test]
fn equivalent_rewrites_diff_as_the_same() {
    for seed in 0..80u64 {
        let old = generate(&SynthSpec::small(seed));
        let mut new = old.clone();
        reverse_inputs(&mut new);
        reverse_rules(&mut new);
        rewrite_equivalently(&mut new);
        let d = check_pair(&old, &new, &DiffOptions::default());
        assert!(d.is_same(), "seed {seed}: {}", render::human(&d));
    }
}

#[test]
fn a_policy_against_itself_is_the_same() {
    for seed in 0..20u64 {
        let p = generate(&SynthSpec::small(seed));
        let d = diff(&p, &p, &DiffOptions::default()).unwrap();
        assert!(d.is_same());
        assert_eq!(d.compared, brute::analyse(&p).valid);
    }
}
