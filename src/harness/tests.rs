//! The harness against brute force: on small random policies with random scenarios, the
//! graph's verdict (universal quantification over completions) must equal enumerating
//! every completion with the reference interpreter, failure examples must be real
//! completions that break what they say, and coverage must name exactly the rules no
//! scenario exercises.

use crate::diagnostics::Code;
use crate::testing::id;
use std::collections::BTreeSet;

use super::run::{judge, test_policy, Options};
use super::{TestKind, TestOutcome};
use crate::analyse::brute::{self, RefDecision};
use crate::check::ir::{
    Expect, Fact, IdxVec, OutputTy, Policy, RuleDef, RuleId, ScenarioDef, Ty, Value,
};
use crate::compile::graph::{DecisionGraph, Status, Verdict};
use crate::compile::synth::{generate, Rng, SynthSpec};
use crate::compile::{value_index, CompileOptions, Compiler};
use crate::source::{Loc, Sources};

fn graph_of(policy: &Policy) -> DecisionGraph {
    let mut c = Compiler::new(policy, &CompileOptions::default()).unwrap();
    DecisionGraph::build(&mut c).unwrap()
}

fn pick<'a, T>(rng: &mut Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.below(xs.len() as u64) as usize]
}

fn random_output_value(rng: &mut Rng, policy: &Policy, o: crate::check::ir::OutputId) -> Value {
    match policy.outputs[o].ty {
        OutputTy::Single(ty) => pick(rng, &brute::values_of(policy, ty)).clone(),
        OutputTy::Set(e) => Value::Set(
            e,
            policy.enums[e]
                .variants
                .ids()
                .filter(|_| rng.chance(50))
                .collect(),
        ),
    }
}

/// A random scenario: some facts, and expectations that are often right (taken from the
/// decision of a random completion) and sometimes not.
fn random_scenario(rng: &mut Rng, policy: &Policy, name: &str) -> ScenarioDef {
    let mut given = Vec::new();
    let mut completion = Vec::new();
    for (i, inp) in policy.inputs.entries() {
        let v = pick(rng, &brute::values_of(policy, inp.ty)).clone();
        if rng.chance(45) {
            given.push(Fact {
                input: i,
                value: v.clone(),
                loc: Loc::default(),
            });
        }
        completion.push(v);
    }
    let decision = brute::decide(policy, &completion);
    let mut expect = Vec::new();
    let mut used = BTreeSet::new();
    for _ in 0..1 + rng.below(3) {
        let o: crate::check::ir::OutputId = id(rng.below(policy.outputs.len() as u64) as usize);
        if rng.chance(15) {
            if !expect
                .iter()
                .any(|e| matches!(e, Expect::OutOfScope { .. }))
            {
                expect.push(Expect::OutOfScope {
                    loc: Loc::default(),
                });
            }
            continue;
        }
        if !used.insert(o) {
            continue;
        }
        if rng.chance(20) {
            expect.push(Expect::Undecided {
                output: o,
                loc: Loc::default(),
            });
            continue;
        }
        let value = match decision.verdicts.get(o) {
            Some(Verdict::Value(v)) if rng.chance(70) => v.clone(),
            _ => random_output_value(rng, policy, o),
        };
        expect.push(Expect::Value {
            output: o,
            value,
            loc: Loc::default(),
        });
    }
    ScenarioDef {
        name: name.into(),
        title: None,
        cites: None,
        doc: None,
        given,
        expect,
        loc: Loc::new(policy.root_file, Default::default()),
    }
}

/// Every completion of the scenario's facts that satisfies the assumptions.
fn completions(policy: &Policy, s: &ScenarioDef) -> Vec<(Vec<Value>, RefDecision)> {
    let mut out = Vec::new();
    brute::for_each_incident(policy, |inc| {
        if s.given.iter().all(|f| inc[f.input.index()] == f.value) {
            let d = brute::decide(policy, inc);
            if d.status != Status::BrokenAssumption {
                out.push((inc.to_vec(), d));
            }
        }
    });
    out
}

/// Whether one expectation breaks at one completion, given whether any completion is
/// in scope (the semantics of docs/testing.md, written independently of the harness).
fn breaks_at(e: &Expect, d: &RefDecision, any_in_scope: bool) -> bool {
    match e {
        Expect::OutOfScope { .. } => d.status != Status::OutOfScope,
        Expect::Value { output, value, .. } => {
            if !any_in_scope {
                return true;
            }
            d.status == Status::InScope && d.verdicts[*output] != Verdict::Value(value.clone())
        }
        Expect::Undecided { output, .. } => {
            if !any_in_scope {
                return true;
            }
            d.status == Status::InScope && matches!(d.verdicts[*output], Verdict::Value(_))
        }
    }
}

fn value_from_json(policy: &Policy, ty: Ty, v: &serde_json::Value) -> Value {
    match ty {
        Ty::Bool => Value::Bool(v.as_bool().unwrap()),
        Ty::Int { .. } => Value::Int(v.as_i64().unwrap()),
        Ty::Enum(e) => {
            let name = v.as_str().unwrap();
            let idx = policy.enums[e]
                .variants
                .iter()
                .position(|x| x.name == name)
                .unwrap();
            Value::Enum(e, id(idx))
        }
    }
}

#[test]
fn universal_verdict_equals_enumeration_of_completions() {
    let sources = Sources::new();
    let mut checked_fail = 0;
    let mut checked_pass = 0;
    let mut impossible = 0;
    for seed in 0..300u64 {
        let mut policy = generate(&SynthSpec::small(seed));
        let mut rng = Rng::new(seed.wrapping_mul(7919) + 1);
        let scenarios: Vec<ScenarioDef> = (0..4)
            .map(|k| random_scenario(&mut rng, &policy, &format!("s{k}")))
            .collect();
        policy.scenarios = scenarios.clone().into();
        let graph = graph_of(&policy);
        let tested = test_policy(&sources, &policy, &Options::default());
        for (k, s) in scenarios.iter().enumerate() {
            let comps = completions(&policy, s);
            let any_in_scope = comps.iter().any(|c| c.1.status == Status::InScope);
            let brute_failing: Vec<usize> = (0..s.expect.len())
                .filter(|&e| {
                    comps
                        .iter()
                        .any(|c| breaks_at(&s.expect[e], &c.1, any_in_scope))
                })
                .collect();
            let j = judge(&policy, &graph, s);
            let ctx = format!("seed {seed} scenario {k}: {s:?}");
            assert_eq!(j.impossible(), comps.is_empty(), "{ctx}");
            let test = &tested.tests[k];
            assert_eq!(test.kind, TestKind::Scenario);
            if comps.is_empty() {
                impossible += 1;
                assert!(matches!(test.outcome, TestOutcome::Failed(_)), "{ctx}");
                continue;
            }
            let graph_failing: Vec<usize> = j.failing.iter().map(|f| f.0).collect();
            assert_eq!(graph_failing, brute_failing, "{ctx}");
            // The reached leaves are exactly the leaves of the completions.
            let leaves: BTreeSet<usize> = comps
                .iter()
                .map(|(inc, _)| {
                    let idx: Vec<u32> = policy
                        .inputs
                        .iter()
                        .zip(inc)
                        .map(|(i, v)| value_index(i.ty, v).unwrap())
                        .collect();
                    graph.evaluate(&idx)
                })
                .collect();
            assert_eq!(
                j.reached.iter().copied().collect::<BTreeSet<_>>(),
                leaves,
                "{ctx}"
            );

            match &test.outcome {
                TestOutcome::Passed => {
                    checked_pass += 1;
                    assert!(brute_failing.is_empty(), "{ctx}");
                }
                TestOutcome::Failed(f) => {
                    checked_fail += 1;
                    assert!(!brute_failing.is_empty(), "{ctx}");
                    let total: usize = f.examples.iter().map(|e| e.mismatches.len()).sum();
                    assert_eq!(total, brute_failing.len(), "{ctx}");
                    for (n, ex) in f.examples.iter().enumerate() {
                        // The example gives the inputs the policy reads, in order;
                        // any value of another decides the same (the given one here).
                        let reads = policy.reads();
                        let mut facts = ex.facts.iter();
                        let inc: Vec<Value> = policy
                            .inputs
                            .entries()
                            .map(|(k, i)| {
                                if !reads.contains(k) {
                                    return s
                                        .given
                                        .iter()
                                        .find(|g| g.input == k)
                                        .map_or(crate::compile::index_value(i.ty, 0), |g| {
                                            g.value.clone()
                                        });
                                }
                                let (name, v) = facts.next().unwrap();
                                assert_eq!(&i.name, name);
                                value_from_json(&policy, i.ty, v)
                            })
                            .collect();
                        assert!(facts.next().is_none(), "{ctx}: an unread input shown");
                        // A completion of the facts that satisfies the assumptions...
                        assert!(
                            s.given.iter().all(|g| inc[g.input.index()] == g.value),
                            "{ctx}"
                        );
                        let d = brute::decide(&policy, &inc);
                        assert_ne!(d.status, Status::BrokenAssumption, "{ctx}");
                        // ...that breaks what the example says it breaks: the first
                        // example every failing expectation that breaks there.
                        let broken_here = brute_failing
                            .iter()
                            .filter(|&&e| breaks_at(&s.expect[e], &d, any_in_scope))
                            .count();
                        assert!(broken_here >= ex.mismatches.len(), "{ctx}");
                        if n == 0 {
                            assert_eq!(broken_here, ex.mismatches.len(), "{ctx}");
                        }
                        // The rules shown are the rules that fired at that incident.
                        let fired: Vec<String> = d
                            .applied
                            .iter()
                            .filter(|r| !d.overridden.contains(r))
                            .map(|&r| policy.rules[r].name.clone())
                            .collect();
                        // Those a precedence outranked are shown apart, and only where
                        // an output has one.
                        let mut shown: Vec<String> = ex
                            .rules
                            .iter()
                            .chain(&ex.set_aside)
                            .map(|r| r.name.clone())
                            .collect();
                        shown.sort_by_key(|n| {
                            policy.rules.ids().find(|&r| policy.rules[r].name == *n)
                        });
                        assert_eq!(shown, fired, "{ctx}");
                        if !policy.outputs.iter().any(|o| o.hit.is_precedence()) {
                            assert!(ex.set_aside.is_empty(), "{ctx}");
                        }
                        // The path is a walk of the graph: every answer fits the facts.
                        for step in ex.path.iter().flatten() {
                            let i = policy.input_by_name(&step.input).unwrap();
                            let shown = policy.show_value(&inc[i.index()]);
                            assert!(
                                answer_contains(&step.answer, &shown),
                                "{ctx}: {} -> {} does not contain {shown}",
                                step.input,
                                step.answer
                            );
                        }
                    }
                }
                TestOutcome::Skipped => unreachable!(),
            }
        }
    }
    // The generator must exercise every branch, or the test proves little.
    assert!(
        checked_fail > 100 && checked_pass > 100 && impossible > 5,
        "{checked_fail} {checked_pass} {impossible}"
    );
}

/// Whether a path answer (`true`, `k1`, `{k0, k2}`, `0..=2 or 4`) covers a value.
fn answer_contains(answer: &str, value: &str) -> bool {
    answer
        .trim_matches(|c| c == '{' || c == '}')
        .split([',', ' '])
        .filter(|p| !p.is_empty() && *p != "or")
        .any(|part| match part.split_once("..=") {
            Some((a, b)) => {
                let (a, b, v): (i64, i64, i64) = (
                    a.parse().unwrap(),
                    b.parse().unwrap(),
                    value.parse().unwrap_or(i64::MIN),
                );
                a <= v && v <= b
            }
            None => part == value,
        })
}

/// Whether rule `r` decided something at this incident (the oracle of coverage): it
/// applies, is not overridden, and every value it gives is the output's value (for a
/// set output, the output is decided): not outranked by a precedence, not lost in an
/// `exclusive` overlap or a conflict.
fn takes_effect(policy: &Policy, d: &RefDecision, r: RuleId) -> bool {
    d.applied.contains(&r)
        && !d.overridden.contains(&r)
        && d.effective.entries().all(|(o, eff)| {
            eff.iter().filter(|e| e.0 == r).all(|(_, v)| {
                match (&policy.outputs[o].ty, &d.verdicts[o]) {
                    (OutputTy::Set(_), Verdict::Value(_)) => true,
                    (OutputTy::Single(_), Verdict::Value(w)) => w == v,
                    _ => false,
                }
            })
        })
}

/// Coverage against enumeration: a rule is covered when some scenario fires it (applied,
/// not overridden, not outranked, not lost in an overlap or conflict) at every completion of its facts in scope that keeps the
/// assumptions, and reached when some scenario fires it at one; a leaf is covered when
/// every such completion ends there (or, none being in scope, every completion), and
/// reached when one does.
#[test]
fn coverage_names_exactly_the_rules_no_scenario_covers() {
    let sources = Sources::new();
    let (mut partial, mut looser, mut set_aside) = (0, 0, 0);
    for seed in 0..200u64 {
        let mut policy = generate(&SynthSpec::small(seed));
        let mut rng = Rng::new(seed ^ 0x5eed);
        let n = rng.below(4) as usize;
        policy.scenarios = (0..n)
            .map(|k| random_scenario(&mut rng, &policy, &format!("s{k}")))
            .collect();
        let graph = graph_of(&policy);
        let options = Options {
            coverage: true,
            ..Options::default()
        };
        let tested = test_policy(&sources, &policy, &options);
        let cov = tested.coverage.unwrap().finish();

        let leaf_of = |inc: &[Value]| -> usize {
            let idx: Vec<u32> = policy
                .inputs
                .iter()
                .zip(inc)
                .map(|(i, v)| value_index(i.ty, v).unwrap())
                .collect();
            graph.evaluate(&idx)
        };
        let fired = |d: &RefDecision| -> BTreeSet<RuleId> {
            d.applied
                .iter()
                .copied()
                .filter(|&r| takes_effect(&policy, d, r))
                .collect()
        };
        let mut covered: BTreeSet<RuleId> = BTreeSet::new();
        let mut fired_somewhere: BTreeSet<RuleId> = BTreeSet::new();
        let mut first_reacher: IdxVec<RuleDef, Option<String>> =
            IdxVec::filled(None, policy.rules.len());
        let mut leaves_covered = BTreeSet::new();
        let mut leaves_reached = BTreeSet::new();
        for s in &policy.scenarios {
            let comps = completions(&policy, s);
            let in_scope: Vec<&(Vec<Value>, RefDecision)> = comps
                .iter()
                .filter(|c| c.1.status == Status::InScope)
                .collect();
            let mut always: Option<BTreeSet<RuleId>> = None;
            for (_, d) in &in_scope {
                let f = fired(d);
                if d.applied
                    .iter()
                    .filter(|r| !d.overridden.contains(r))
                    .count()
                    > f.len()
                {
                    set_aside += 1;
                }
                for &r in &f {
                    fired_somewhere.insert(r);
                    first_reacher[r].get_or_insert_with(|| s.name.clone());
                }
                always = Some(match always {
                    None => f,
                    Some(a) => a.intersection(&f).copied().collect(),
                });
            }
            covered.extend(always.unwrap_or_default());
            let reached: BTreeSet<usize> = comps.iter().map(|c| leaf_of(&c.0)).collect();
            let reached_in_scope: BTreeSet<usize> =
                in_scope.iter().map(|c| leaf_of(&c.0)).collect();
            let pinned = if in_scope.is_empty() {
                &reached
            } else {
                &reached_in_scope
            };
            if pinned.len() == 1 {
                leaves_covered.extend(pinned.iter().copied());
            }
            leaves_reached.extend(reached);
        }
        let expected_uncovered: Vec<(String, Option<String>)> = policy
            .rules
            .ids()
            .filter(|r| !covered.contains(r))
            .map(|r| (policy.rules[r].name.clone(), first_reacher[r].clone()))
            .collect();
        let uncovered: Vec<(String, Option<String>)> = cov
            .uncovered
            .iter()
            .map(|u| (u.rule.name.clone(), u.reached_by.clone()))
            .collect();
        assert_eq!(uncovered, expected_uncovered, "seed {seed}");
        assert_eq!(cov.rules_total, policy.rules.len());
        assert_eq!(cov.rules_covered, covered.len(), "seed {seed}");
        assert_eq!(cov.rules_reached, fired_somewhere.len(), "seed {seed}");

        let mut all_leaves = BTreeSet::new();
        brute::for_each_incident(&policy, |inc| {
            if brute::decide(&policy, inc).status != Status::BrokenAssumption {
                all_leaves.insert(leaf_of(inc));
            }
        });
        assert_eq!(cov.leaves_total, all_leaves.len(), "seed {seed}");
        assert_eq!(cov.leaves_reached, leaves_reached.len(), "seed {seed}");
        assert_eq!(cov.leaves_covered, leaves_covered.len(), "seed {seed}");
        if cov.rules_covered > 0 && cov.rules_covered < cov.rules_total {
            partial += 1;
        }
        if cov.rules_covered < cov.rules_reached {
            looser += 1;
        }
    }
    // Both figures must be exercised, and differ often, and rules must often apply
    // without deciding (outranked, in an overlap or conflict), or this proves little.
    assert!(
        partial > 20 && looser > 20 && set_aside > 20,
        "{partial} {looser} {set_aside}"
    );
}

#[test]
fn filtered_out_scenarios_are_skipped_and_not_run() {
    let sources = Sources::new();
    let mut policy = generate(&SynthSpec::small(3));
    let mut rng = Rng::new(3);
    policy.scenarios = (0..3)
        .map(|k| random_scenario(&mut rng, &policy, &format!("case_{k}")))
        .collect();
    let options = Options {
        filter: Some("case_1".into()),
        ..Options::default()
    };
    let tested = test_policy(&sources, &policy, &options);
    let skipped: Vec<&str> = tested
        .tests
        .iter()
        .filter(|t| matches!(t.outcome, TestOutcome::Skipped))
        .map(|t| t.name.as_str())
        .collect();
    assert!(
        skipped.contains(&"case_0") && skipped.contains(&"case_2"),
        "{skipped:?}"
    );
    assert!(!skipped.contains(&"case_1"));
}

/// `random_scenario` with every input given: the facts fix the decision.
fn complete_scenario(rng: &mut Rng, policy: &Policy, name: &str) -> ScenarioDef {
    let mut s = random_scenario(rng, policy, name);
    for (i, inp) in policy.inputs.entries() {
        if !s.given.iter().any(|f| f.input == i) {
            s.given.push(Fact {
                input: i,
                value: pick(rng, &brute::values_of(policy, inp.ty)).clone(),
                loc: Loc::default(),
            });
        }
    }
    s
}

/// A failure as the report shows it, path aside: the message, the notes, and per
/// example the incident, its status, the broken expectations and the rules.
fn shown(f: &super::Failure) -> String {
    let examples: Vec<String> = f
        .examples
        .iter()
        .map(|e| {
            let mismatches: Vec<_> = e
                .mismatches
                .iter()
                .map(|m| (&m.output, &m.expected, &m.actual))
                .collect();
            format!(
                "{} {} {mismatches:?} {:?} {:?}",
                e.facts_json(),
                e.status,
                e.rules,
                e.overridden
            )
        })
        .collect();
    format!("{} {:?} {examples:?}", f.message, f.notes)
}

/// When the graph passes the node limit but the analyses fit, asserts are still judged
/// (with the analysis' counterexample); a scenario whose facts fix the decision is
/// judged by reading the rules, exactly as the graph judges it (the same verdict, the
/// same incident, expectations and rules, no path); any other fails naming facts it
/// does not give.
#[test]
fn without_the_graph_asserts_run_and_complete_facts_are_judged_by_the_rules() {
    let sources = Sources::new();
    let mut found = 0;
    let (mut complete_passed, mut complete_failed, mut missing) = (0, 0, 0);
    for seed in 0..40u64 {
        let mut policy = generate(&SynthSpec::small(seed));
        if policy.asserts.is_empty() {
            continue;
        }
        let mut rng = Rng::new(seed);
        policy.scenarios = vec![
            random_scenario(&mut rng, &policy, "partial"),
            complete_scenario(&mut rng, &policy, "complete_0"),
            complete_scenario(&mut rng, &policy, "complete_1"),
            complete_scenario(&mut rng, &policy, "complete_2"),
        ]
        .into();
        let full = test_policy(&sources, &policy, &Options::default());
        // The smallest limit at which the analyses fit.
        for limit in 1..4000 {
            let mut c = match Compiler::new(
                &policy,
                &CompileOptions {
                    max_nodes: Some(limit),
                    ..CompileOptions::default()
                },
            ) {
                Ok(c) => c,
                Err(_) => continue,
            };
            // Analyses past the limit come back unfinished rather than failing.
            match crate::analyse::analyse(&mut c) {
                Ok(a) if a.unfinished.is_empty() => {}
                _ => continue,
            }
            if DecisionGraph::build(&mut c).is_ok() {
                break;
            }
            let options = Options {
                max_nodes: Some(limit),
                coverage: true,
                ..Options::default()
            };
            let limited = test_policy(&sources, &policy, &options);
            // Rule coverage by reading the rules is the same definition: a scenario whose
            // facts fix the decision covers what fires at its incidents (in scope,
            // keeping the assumptions; they all decide alike), one that leaves a fact
            // the decision reads open covers nothing, since it is not decided.
            let decided = |name: &str| {
                limited.tests.iter().any(|t| {
                    t.name == name
                        && !matches!(&t.outcome,
                            TestOutcome::Failed(f) if f.message.contains("only complete facts"))
                })
            };
            let mut covered: BTreeSet<String> = BTreeSet::new();
            for s in policy.scenarios.iter().filter(|s| decided(&s.name)) {
                for (_, d) in completions(&policy, s) {
                    if d.status == Status::InScope {
                        covered.extend(
                            d.applied
                                .iter()
                                .filter(|&&r| takes_effect(&policy, &d, r))
                                .map(|&r| policy.rules[r].name.clone()),
                        );
                    }
                }
            }
            let cov = limited.coverage.clone().unwrap().finish();
            assert_eq!(
                cov.rules_covered,
                covered.len(),
                "seed {seed} limit {limit}"
            );
            assert_eq!(
                cov.rules_reached,
                covered.len(),
                "seed {seed} limit {limit}"
            );
            assert!(
                cov.uncovered
                    .iter()
                    .all(|u| !covered.contains(&u.rule.name)),
                "seed {seed} limit {limit}"
            );
            for (k, (a, b)) in full.tests.iter().zip(&limited.tests).enumerate() {
                let ctx = format!("seed {seed} limit {limit} {}: {b:?}", b.name);
                if a.kind == TestKind::Assert {
                    assert_eq!(
                        matches!(a.outcome, TestOutcome::Passed),
                        matches!(b.outcome, TestOutcome::Passed),
                        "{ctx}"
                    );
                    continue;
                }
                let s = &policy.scenarios[id(k)];
                let complete = s.given.len() == policy.inputs.len();
                match (&a.outcome, &b.outcome) {
                    (TestOutcome::Passed, TestOutcome::Passed) => {
                        assert!(complete || b.name == "partial", "{ctx}");
                        complete_passed += usize::from(complete);
                    }
                    (_, TestOutcome::Failed(f)) if f.message.contains("only complete facts") => {
                        assert!(!complete, "{ctx}");
                        // Facts no incident has fail for that, with the graph or without.
                        if let TestOutcome::Failed(fa) = &a.outcome {
                            assert!(
                                !fa.message.starts_with("no incident has these facts"),
                                "{ctx}"
                            );
                        }
                        let names = f.message.rsplit_once("missing: ").unwrap().1;
                        for name in names.split(", ") {
                            let i = policy.input_by_name(name).unwrap();
                            assert!(s.given.iter().all(|g| g.input != i), "{ctx}");
                        }
                        missing += 1;
                    }
                    (TestOutcome::Failed(fa), TestOutcome::Failed(fb)) => {
                        assert_eq!(shown(fa), shown(fb), "{ctx}");
                        assert!(fb.examples.iter().all(|e| e.path.is_none()), "{ctx}");
                        complete_failed += usize::from(complete);
                    }
                    _ => panic!("the rules and the graph disagree: {ctx}, graph {a:?}"),
                }
            }
            found += 1;
            break;
        }
    }
    assert!(found > 3, "{found}");
    // Each way a scenario can go without the graph must happen, or this proves little.
    assert!(
        complete_passed > 2 && complete_failed > 2 && missing > 2,
        "{complete_passed} {complete_failed} {missing}"
    );
}

/// Facts that break the assumptions only together (each can hold alone) fail as facts no
/// incident has, without the graph as with it, before any missing fact is asked for.
#[test]
fn without_the_graph_jointly_broken_assumptions_are_impossible_facts() {
    let policy = crate::check::policy_from_text(
        "policy p \"t\"\ninput x: 0..=9\ninput y: 0..=9\ninput z: 0..=9\n\
         assume x <= y\nassume y <= z\noutput o: bool\n\
         rule r \"r\" cites \"c\" when x <= z then o = true\n\
         rule s \"s\" cites \"c\" when x > z then o = false\n\
         scenario s1 \"t\" given x = 5, z = 3 expect o = false\n",
    );
    let sources = Sources::new();
    let d = crate::diagnostics::Diagnostic::error(Code::E0504, "too large");
    let by_rules = super::run::ByRules::new(&sources, &policy, &d);
    let mut assumes = super::run::Compiled::new(&policy, None).unwrap().assumes;
    let f = by_rules
        .scenario_outcome(&mut assumes, &policy.scenarios[id(0)], None)
        .unwrap();
    assert!(
        f.message.starts_with("no incident has these facts"),
        "{}",
        f.message
    );
    assert!(
        f.notes[0].starts_with("each assumption alone can hold"),
        "{:?}",
        f.notes
    );
}
