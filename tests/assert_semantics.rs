//! The meaning of asserts as written, checked from source text: random asserts over a
//! policy with gaps and conflicts are checked (parse, check, analyse) and compared,
//! incident by incident, with an evaluator of the documented semantics written here
//! over this test's own expression tree (docs/analysis.md): an atom on an output (`o`,
//! `o == v`, `o != v`, `o in {..}`, `o not in {..}`, `n >= k`, and a bool output's name
//! compared with `==` / `!=`, in parentheses or not) is false where the output has no
//! single value; `not`, `and`, `or`, `implies` and `==` / `!=` between other
//! conditions are classical. The property tests of the analyses build IR
//! directly; this one runs the checker's lowering of these forms.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test code fails loudly

use policyc::analyse::analyse_policy;
use policyc::check::ir::{Policy, Value};
use policyc::compile::graph::Verdict;
use policyc::source::Sources;
use policyc::testing::brute;
use policyc::testing::synth::Rng;

/// Gaps where neither `a` nor `b` holds, conflicts where both do, and `e` decided by
/// `k` alone where it is `k3`.
const POLICY: &str = r#"policy sem "Semantics"
enum K { k1, k2, k3 }
enum E { x, y, z }
/// A?
input a: bool
/// B?
input b: bool
/// K?
input k: K
/// O?
output o: bool
/// E?
output e: E
/// N?
output n: 0..=3
rule ra "A"
  cites "c"
  when a
  then o = true, e = x, n = 1
rule rb "B"
  cites "c"
  when b
  then o = false, e = y, n = 2
rule rk "K3"
  cites "c"
  when k == k3 and not a and not b
  then e = z
"#;

/// A condition as this test means it.
#[derive(Clone, Debug)]
enum Cond {
    Input(&'static str),
    KIs(&'static str),
    /// `o` alone: the output is `true`.
    O,
    /// `o == v` / `o != v` (the output has a value, equal or not to `v`).
    OCmp(bool, bool),
    /// `o == a` / `o != a` for a bool input.
    OInput(bool, &'static str),
    /// `e in {..}` / `e not in {..}`; `e == v` / `e != v` when one variant.
    EIn(bool, Vec<&'static str>),
    /// `n in lo..=hi` / `n not in lo..=hi`.
    NIn(bool, i64, i64),
    /// `n == k` / `n != k`.
    NCmp(bool, i64),
    /// `n >= k`.
    NGe(i64),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Implies(Box<Cond>, Box<Cond>),
    /// `(A) == (B)` / `(A) != (B)`.
    Same(bool, Box<Cond>, Box<Cond>),
}

fn text(c: &Cond) -> String {
    let eq = |same: bool| if same { "==" } else { "!=" };
    let inn = |same: bool| if same { "in" } else { "not in" };
    match c {
        Cond::Input(i) => i.to_string(),
        Cond::KIs(v) => format!("k == {v}"),
        Cond::O => "o".into(),
        Cond::OCmp(same, v) => format!("o {} {v}", eq(*same)),
        Cond::OInput(same, i) => format!("o {} {i}", eq(*same)),
        Cond::EIn(same, vs) if vs.len() == 1 => format!("e {} {}", eq(*same), vs[0]),
        Cond::EIn(same, vs) => format!("e {} {{{}}}", inn(*same), vs.join(", ")),
        Cond::NIn(same, lo, hi) => format!("n {} {lo}..={hi}", inn(*same)),
        Cond::NCmp(same, k) => format!("n {} {k}", eq(*same)),
        Cond::NGe(k) => format!("n >= {k}"),
        Cond::Not(a) => format!("not ({})", text(a)),
        Cond::And(a, b) => format!("({}) and ({})", text(a), text(b)),
        Cond::Or(a, b) => format!("({}) or ({})", text(a), text(b)),
        Cond::Implies(a, b) => format!("({}) implies ({})", text(a), text(b)),
        Cond::Same(same, a, b) => format!("({}) {} ({})", text(a), eq(*same), text(b)),
    }
}

fn random(rng: &mut Rng, depth: usize) -> Cond {
    let pick = |rng: &mut Rng, xs: &[&'static str]| xs[rng.below(xs.len() as u64) as usize];
    if depth == 0 || rng.chance(40) {
        return match rng.below(10) {
            0 => Cond::Input(pick(rng, &["a", "b"])),
            1 => Cond::KIs(pick(rng, &["k1", "k2", "k3"])),
            2 => Cond::O,
            3 => Cond::OCmp(rng.chance(50), rng.chance(50)),
            4 => Cond::OInput(rng.chance(50), pick(rng, &["a", "b"])),
            5 | 6 => {
                let mut vs: Vec<&str> = ["x", "y", "z"]
                    .into_iter()
                    .filter(|_| rng.chance(50))
                    .collect();
                if vs.is_empty() {
                    vs.push("x");
                }
                Cond::EIn(rng.chance(50), vs)
            }
            7 => {
                let lo = rng.below(4) as i64;
                let hi = lo + rng.below(4 - lo as u64) as i64;
                Cond::NIn(rng.chance(50), lo, hi)
            }
            8 => Cond::NCmp(rng.chance(50), rng.below(4) as i64),
            _ => Cond::NGe(rng.below(4) as i64),
        };
    }
    let kind = rng.below(5);
    let same = rng.chance(50);
    let a = Box::new(random(rng, depth - 1));
    let b = Box::new(random(rng, depth - 1));
    match kind {
        0 => Cond::Not(a),
        1 => Cond::And(a, b),
        2 => Cond::Or(a, b),
        3 => Cond::Implies(a, b),
        _ => Cond::Same(same, a, b),
    }
}

/// The value of a single-valued output, `None` where it has none (gap or conflict).
fn single(v: &Verdict) -> Option<&Value> {
    match v {
        Verdict::Value(x) => Some(x),
        _ => None,
    }
}

fn eval(p: &Policy, c: &Cond, inc: &[Value], verdicts: &[Verdict]) -> bool {
    let input = |name: &str| inc[p.inputs.iter().position(|i| i.name == name).unwrap()].clone();
    let output = |name: &str| {
        single(&verdicts[p.outputs.iter().position(|o| o.name == name).unwrap()]).cloned()
    };
    let variant = |v: &Value| match v {
        Value::Enum(e, x) => p.enums[*e].variants[*x].name.clone(),
        other => panic!("not a variant: {other:?}"),
    };
    let ev = |x: &Cond| eval(p, x, inc, verdicts);
    match c {
        Cond::Input(i) => input(i) == Value::Bool(true),
        Cond::KIs(v) => variant(&input("k")) == *v,
        Cond::O => output("o") == Some(Value::Bool(true)),
        Cond::OCmp(same, v) => output("o").is_some_and(|o| (o == Value::Bool(*v)) == *same),
        Cond::OInput(same, i) => output("o").is_some_and(|o| (o == input(i)) == *same),
        Cond::EIn(same, vs) => {
            output("e").is_some_and(|e| vs.contains(&variant(&e).as_str()) == *same)
        }
        Cond::NIn(same, lo, hi) => output("n").is_some_and(|n| {
            let Value::Int(n) = n else { panic!() };
            (*lo <= n && n <= *hi) == *same
        }),
        Cond::NCmp(same, k) => output("n").is_some_and(|n| (n == Value::Int(*k)) == *same),
        Cond::NGe(k) => output("n").is_some_and(|n| matches!(n, Value::Int(x) if x >= *k)),
        Cond::Not(a) => !ev(a),
        Cond::And(a, b) => ev(a) && ev(b),
        Cond::Or(a, b) => ev(a) || ev(b),
        Cond::Implies(a, b) => !ev(a) || ev(b),
        // A side that is the output's name (`(o)` too) must have a value.
        Cond::Same(same, a, b) => {
            let side = |x: &Cond| match x {
                Cond::O => output("o").map(|v| v == Value::Bool(true)),
                other => Some(ev(other)),
            };
            match (side(a), side(b)) {
                (Some(x), Some(y)) => (x == y) == *same,
                _ => false,
            }
        }
    }
}

#[test]
fn asserts_mean_what_the_docs_say() {
    let mut rng = Rng::new(2026);
    let conds: Vec<Cond> = (0..400).map(|k| random(&mut rng, 1 + k % 3)).collect();
    let mut text_of = String::from(POLICY);
    for (k, c) in conds.iter().enumerate() {
        text_of.push_str(&format!("assert s{k} \"S{k}\"\n  always {}\n", text(c)));
    }
    let mut sources = Sources::new();
    let checked = policyc::check::check_text(
        &mut sources,
        &policyc::source::RealFs,
        std::path::Path::new("sem.policy"),
        text_of,
    );
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| policyc::diagnostics::render::to_string(&sources, d))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let p = checked.policy.expect("a policy");
    let a = analyse_policy(&p).expect("analysable");
    let (mut held, mut failed) = (0, 0);
    for (k, c) in conds.iter().enumerate() {
        let mut failing = 0u128;
        brute::for_each_incident(&p, |inc| {
            let d = brute::decide(&p, inc);
            if !eval(&p, c, inc, d.verdicts.as_slice()) {
                failing += 1;
            }
        });
        let finding = a
            .analysis
            .asserts
            .iter()
            .find(|f| f.assert.index() == k)
            .unwrap();
        let found = finding.counterexamples.as_ref().map_or(0, |r| r.count);
        assert_eq!(
            (finding.holds, found),
            (failing == 0, failing),
            "assert s{k}: always {}",
            text(c)
        );
        if failing == 0 {
            held += 1;
        } else {
            failed += 1;
        }
    }
    // The random asserts are not all of one verdict.
    assert!(held >= 10 && failed >= 10, "{held} held, {failed} failed");
}
