#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use super::*;
use crate::check::ir::*;
use crate::compile::graph::{DecisionGraph, Verdict};
use crate::compile::synth::{generate, SynthSpec};
use crate::compile::{value_index, Engine, OrderStrategy};
use proptest::prelude::*;

/// Whether an incident belongs to a finding's region, by the reference semantics.
type Membership = Box<dyn Fn(&[Value]) -> bool>;

fn value_in(set: &crate::compile::graph::ValueSet, v: &Value) -> bool {
    use crate::compile::graph::ValueSet;
    match (set, v) {
        (ValueSet::Bools(bs), Value::Bool(b)) => bs.contains(b),
        (ValueSet::Variants(_, vs), Value::Enum(_, x)) => vs.contains(x),
        (ValueSet::Ints(rs), Value::Int(x)) => rs.iter().any(|&(a, b)| a <= *x && *x <= b),
        _ => false,
    }
}

/// Whether an incident is in one of a region's parts: its inputs' value sets and its
/// comparisons between inputs.
fn in_region(p: &Policy, r: &Region, inc: &[Value]) -> bool {
    r.cubes.iter().enumerate().any(|(k, cube)| {
        cube.iter().all(|(i, set)| value_in(set, &inc[i.index()]))
            && r.relations
                .get(k)
                .is_none_or(|rs| rs.iter().all(|e| brute::eval(p, e, inc, None)))
    })
}

fn indices(p: &Policy, values: &[Value]) -> Vec<u32> {
    p.inputs
        .iter()
        .zip(values)
        .map(|(i, v)| value_index(i.ty, v).unwrap())
        .collect()
}

/// One kind of pair found (`listed` with regions, `unlisted` counted) against the brute
/// force's list of it: the first [`LISTED_CONFLICTS`] per output listed with their
/// counts, the rest counted per pair of values.
fn same_pairs(
    p: &Policy,
    listed: &[ConflictFinding],
    unlisted: &[Unlisted],
    brute: &[(OutputId, RuleId, RuleId, u128)],
    kind: &str,
) {
    let found: Vec<(OutputId, RuleId, RuleId, u128)> = listed
        .iter()
        .map(|c| (c.output, c.rules[0], c.rules[1], c.region.count))
        .collect();
    let mut seen: IdxVec<OutputDef, usize> = IdxVec::filled(0, p.outputs.len());
    let mut rest: Vec<(OutputId, [Value; 2], usize)> = Vec::new();
    let mut first = Vec::new();
    for &(o, r1, r2, n) in brute {
        seen[o] += 1;
        if seen[o] <= LISTED_CONFLICTS {
            first.push((o, r1, r2, n));
            continue;
        }
        let value = |r: RuleId| {
            p.rules[r]
                .assigns
                .iter()
                .find(|x| x.output == o)
                .unwrap()
                .value
                .clone()
        };
        let (v1, v2) = (value(r1), value(r2));
        let pair = if v1 <= v2 { [v1, v2] } else { [v2, v1] };
        match rest.iter_mut().find(|x| x.0 == o && x.1 == pair) {
            Some(x) => x.2 += 1,
            None => rest.push((o, pair, 1)),
        }
    }
    assert_eq!(found, first, "{kind}");
    rest.sort();
    let mut counted: Vec<(OutputId, [Value; 2], usize)> = unlisted
        .iter()
        .flat_map(|u| u.by_values.iter().map(|(v, k)| (u.output, v.clone(), *k)))
        .collect();
    counted.sort();
    assert_eq!(counted, rest, "{kind} past the listed ones");
}

/// Compiles, analyses and builds the graph, and compares everything with enumeration.
fn check_against_brute_force(
    p: &Policy,
    order: OrderStrategy,
    engine: Engine,
    max_splits: Option<usize>,
) {
    let options = CompileOptions {
        order,
        max_nodes: None,
        engine,
        max_splits,
        errors_only: false,
        quick_graph_bound: false,
    };
    let mut c = Compiler::new(p, &options).unwrap();
    let a = analyse(&mut c).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let b = brute::analyse(p);
    read_counts_match_brute_force(p, &a);

    // The graph decides every incident as the rules say.
    brute::for_each_incident(p, |inc| {
        let r = brute::decide(p, inc);
        let leaf = g.leaf(&indices(p, inc)).unwrap();
        assert_eq!(leaf.status, r.status, "status of {inc:?}");
        let verdicts: Vec<Verdict> = leaf.outcomes.iter().map(|o| o.verdict()).collect();
        assert_eq!(verdicts, r.verdicts.as_slice(), "verdicts of {inc:?}");
        assert_eq!(leaf.applied, r.applied, "applied rules of {inc:?}");
        // A value precedence chose carries every value it won over, with its rules.
        for (o, outcome) in leaf.outcomes.entries() {
            let crate::compile::graph::Outcome::Value { value, over, .. } = outcome else {
                continue;
            };
            if matches!(p.outputs[o].ty, OutputTy::Set(_)) {
                continue;
            }
            let mut want: Vec<(Value, RuleId)> = r.effective[o]
                .iter()
                .filter(|(_, v)| v != value)
                .map(|(x, v)| (v.clone(), *x))
                .collect();
            want.sort();
            let mut got: Vec<(Value, RuleId)> = over
                .iter()
                .flat_map(|(v, rs)| rs.iter().map(move |x| (v.clone(), *x)))
                .collect();
            got.sort();
            assert_eq!(got, want, "values outranked at {inc:?}");
        }
        assert_eq!(leaf.overridden, r.overridden, "overridden rules of {inc:?}");
    });

    assert_eq!(a.valid_count, b.valid);
    // A gap the box engine could not count is still proven, by an incident that gets
    // no value; an output it proved gap-free by search is counted (as none).
    for u in &a.unfinished {
        let Unfinished::Gaps(o) = *u else {
            panic!("only gap counts may be unfinished here: {u:?}");
        };
        assert_ne!(max_splits, None, "unfinished without a split budget");
        if let Some(g) = a.gap_examples.iter().find(|g| g.output == o) {
            assert!(b.gaps[o].0 > 0, "a gap example for gap-free output {o:?}");
            let r = brute::decide(p, &g.example);
            assert_eq!(r.verdicts[o], Verdict::Gap, "gap example {:?}", g.example);
            let accepted = p
                .accepted_gaps
                .iter()
                .any(|x| x.output == o && brute::eval(p, &x.when, &g.example, None));
            assert!(!accepted, "the example of an open gap is accepted");
            // The part around the example is all gap, and counted exactly.
            let part = g.part.as_ref().expect("a part around the example");
            assert!(part.condition_complete);
            let mut inside = 0u128;
            brute::for_each_incident(p, |inc| {
                let held = in_region(p, part, inc);
                let r = brute::decide(p, inc);
                if held && r.status == crate::compile::graph::Status::InScope {
                    inside += 1;
                    assert_eq!(
                        r.verdicts[o],
                        Verdict::Gap,
                        "{inc:?} in `{}`",
                        part.condition()
                    );
                }
            });
            assert_eq!(inside, part.count, "`{}`", part.condition());
        }
    }
    for (o, &(open, accepted)) in b.gaps.entries() {
        if a.unfinished.contains(&Unfinished::Gaps(o)) {
            continue;
        }
        let mine = |acc: bool| -> u128 {
            a.gaps
                .iter()
                .filter(|g| g.output == o && g.accepted_by.is_empty() != acc)
                .map(|g| g.region.count)
                .sum()
        };
        assert_eq!(mine(false), open, "open gaps of output {o:?}");
        assert_eq!(mine(true), accepted, "accepted gaps of output {o:?}");
    }
    for gap in &a.gaps {
        let r = brute::decide(p, &gap.region.example_values());
        assert_eq!(
            r.verdicts[gap.output],
            Verdict::Gap,
            "gap example {:?}",
            gap.region.example
        );
    }
    assert_eq!(a.stale_acceptances, b.stale);
    // Per kind, the first LISTED_CONFLICTS pairs per output with their regions, the
    // rest counted per pair of values.
    same_pairs(
        p,
        &a.conflicts,
        &a.unlisted_conflicts,
        &b.conflicts,
        "conflicts",
    );
    same_pairs(
        p,
        &a.resolved,
        &a.unlisted_resolved,
        &b.resolved,
        "decisions of precedence",
    );
    same_pairs(
        p,
        &a.overlaps,
        &a.unlisted_overlaps,
        &b.overlaps,
        "overlaps",
    );
    assert_eq!(a.conflict_pairs(), b.conflicts.len());
    assert_eq!(a.resolved_pairs(), b.resolved.len());
    assert_eq!(a.overlap_pairs(), b.overlaps.len());
    for cf in a.conflicts.iter().chain(&a.resolved).chain(&a.overlaps) {
        let r = brute::decide(p, &cf.region.example_values());
        let eff = &r.effective[cf.output];
        assert!(eff
            .iter()
            .any(|(x, v)| *x == cf.rules[0] && *v == cf.values[0]));
        assert!(eff
            .iter()
            .any(|(x, v)| *x == cf.rules[1] && *v == cf.values[1]));
    }
    // A pair's example applies no other rule of its output whenever an incident of
    // its region does (every pair of these small policies is listed).
    for cf in a.conflicts.iter().chain(&a.resolved).chain(&a.overlaps) {
        let o = cf.output;
        let others_apply = |inc: &[Value]| {
            p.rules.entries().any(|(t, rule)| {
                !cf.rules.contains(&t)
                    && rule.assigns.iter().any(|x| x.output == o)
                    && brute::eval(p, &rule.when, inc, None)
            })
        };
        let mut exists = false;
        brute::for_each_incident(p, |inc| {
            if !exists && in_region(p, &cf.region, inc) && !others_apply(inc) {
                let d = brute::decide(p, inc);
                exists = d.status == crate::compile::graph::Status::InScope
                    && cf
                        .rules
                        .iter()
                        .all(|r| d.effective[o].iter().any(|x| x.0 == *r));
            }
        });
        if !cf.region.condition_complete {
            continue;
        }
        assert_eq!(cf.isolating, Some(exists), "{:?} over {o:?}", cf.rules);
        if exists {
            assert!(!others_apply(&cf.region.example_values()), "{:?}", cf.rules);
        }
    }
    let never: Vec<RuleId> = a
        .dead_rules
        .iter()
        .filter(|d| d.reason == DeadReason::NeverApplies)
        .map(|d| d.rule)
        .collect();
    let shadowed: Vec<RuleId> = a
        .dead_rules
        .iter()
        .filter(|d| d.reason != DeadReason::NeverApplies)
        .map(|d| d.rule)
        .collect();
    // A rule reported outranked has a rule outranking it, of the same output.
    for d in &a.dead_rules {
        assert_eq!(
            d.reason == DeadReason::Outranked,
            !d.outranked_by.is_empty(),
            "{d:?}"
        );
    }
    assert_eq!(never, b.never_apply);
    assert_eq!(shadowed, b.always_overridden);
    let dead_assigns: Vec<(RuleId, usize)> = a
        .dead_assignments
        .iter()
        .map(|d| (d.rule, d.assign))
        .collect();
    assert_eq!(dead_assigns, b.dead_assignments);
    for d in &a.dead_assignments {
        assert_eq!(
            d.reason == DeadReason::Outranked,
            !d.outranked_by.is_empty(),
            "{d:?}"
        );
    }
    // Redundant rules: every one removable alone, twins included; each names what
    // covers it, and twins cover each other alone.
    let mut redundant: Vec<RuleId> = a
        .redundant
        .iter()
        .flat_map(|x| std::iter::once(x.rule).chain(x.twin))
        .collect();
    redundant.sort_unstable();
    assert_eq!(redundant, b.redundant, "redundant rules");
    for x in &a.redundant {
        let assigns = !p.rules[x.rule].assigns.is_empty();
        assert!(
            !assigns || !x.covered_by.is_empty() || x.by_default,
            "{x:?} names nothing that covers it"
        );
        if let Some(t) = x.twin {
            assert!(x.rule < t && x.covered_by == [t], "{x:?}");
        }
    }
    assert_eq!(a.unused_inputs, b.unused_inputs);
    let failures: Vec<u128> = a
        .asserts
        .iter()
        .map(|x| x.counterexamples.as_ref().map(|r| r.count).unwrap_or(0))
        .collect();
    assert_eq!(failures, b.assert_failures.as_slice());
    for af in &a.asserts {
        if let Some(r) = &af.counterexamples {
            let d = brute::decide(p, &r.example_values());
            assert!(!brute::eval(
                p,
                &p.asserts[af.assert].expr,
                &r.example_values(),
                Some(&d.verdicts)
            ));
        }
    }
    // Every region's condition is exact within the valid incidents.
    let regions: Vec<(&crate::compile::describe::Region, Membership)> = {
        let mut v: Vec<(&crate::compile::describe::Region, Membership)> = Vec::new();
        for gap in &a.gaps {
            let o = gap.output;
            let accepted = !gap.accepted_by.is_empty();
            let p2 = p.clone();
            v.push((
                &gap.region,
                Box::new(move |inc: &[Value]| {
                    let d = brute::decide(&p2, inc);
                    let acc = p2
                        .accepted_gaps
                        .iter()
                        .any(|x| x.output == o && brute::eval(&p2, &x.when, inc, None));
                    d.verdicts.get(o) == Some(&Verdict::Gap) && acc == accepted
                }),
            ));
        }
        for cf in a.conflicts.iter().chain(&a.overlaps) {
            let (o, r1, r2) = (cf.output, cf.rules[0], cf.rules[1]);
            let p2 = p.clone();
            v.push((
                &cf.region,
                Box::new(move |inc: &[Value]| {
                    let d = brute::decide(&p2, inc);
                    d.effective
                        .get(o)
                        .is_some_and(|e| e.iter().any(|x| x.0 == r1) && e.iter().any(|x| x.0 == r2))
                }),
            ));
        }
        // A precedence decides where both apply and every value applying is ranked.
        for cf in &a.resolved {
            let (o, r1, r2) = (cf.output, cf.rules[0], cf.rules[1]);
            let p2 = p.clone();
            v.push((
                &cf.region,
                Box::new(move |inc: &[Value]| {
                    let d = brute::decide(&p2, inc);
                    let ranked = |v: &Value| p2.outputs[o].hit.rank(v).is_some();
                    d.effective.get(o).is_some_and(|e| {
                        e.iter().any(|x| x.0 == r1)
                            && e.iter().any(|x| x.0 == r2)
                            && e.iter().all(|x| ranked(&x.1))
                    })
                }),
            ));
        }
        v
    };
    for (region, member) in &regions {
        if !region.condition_complete {
            continue;
        }
        brute::for_each_incident(p, |inc| {
            if brute::decide(p, inc).status != crate::compile::graph::Status::InScope {
                return;
            }
            let in_cubes = in_region(p, region, inc);
            assert_eq!(
                in_cubes,
                member(inc),
                "condition `{}` at {inc:?}",
                region.condition()
            );
        });
    }
    // Diagnostics: one error per open gap part, listed conflict, output with more
    // conflicts than are listed, refuted assert and unfinished analysis.
    let diags = diagnostics(p, &a);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let expected = a.gaps.iter().filter(|g| g.accepted_by.is_empty()).count()
        + a.conflicts.len()
        + a.unlisted_conflicts.len()
        + a.overlaps.len()
        + a.unlisted_overlaps.len()
        + a.asserts.iter().filter(|x| !x.holds).count()
        + a.unfinished.len();
    assert_eq!(errors, expected);
    // One note per decision of a precedence, never an error.
    let notes = diags.iter().filter(|d| d.code == "W0506").count();
    assert_eq!(notes, a.resolved.len() + a.unlisted_resolved.len());
    assert!(diags
        .iter()
        .filter(|d| d.code == "W0506")
        .all(|d| !d.is_error()));
}

/// Both engines take examples by one rule: where the box engine holds every box of a
/// region, it gives the example the diagrams give.
fn engines_give_the_same_examples(p: &Policy, order: OrderStrategy) -> usize {
    let run = |engine| {
        let options = CompileOptions {
            order,
            engine,
            ..CompileOptions::default()
        };
        let mut c = Compiler::new(p, &options).unwrap();
        analyse(&mut c).unwrap()
    };
    let (d, b) = (run(Engine::Diagrams), run(Engine::Boxes));
    if b.engine != Engine::Boxes {
        return 0;
    }
    let mut compared = 0;
    let gap_key = |g: &GapFinding| (g.output, g.accepted_by.is_empty());
    for g in &b.gaps {
        let mine = d.gaps.iter().find(|x| gap_key(x) == gap_key(g)).unwrap();
        if g.region.condition_complete {
            assert_eq!(
                g.region.example, mine.region.example,
                "gap of {:?}",
                g.output
            );
            compared += 1;
        }
    }
    for (theirs, ours) in [
        (&b.conflicts, &d.conflicts),
        (&b.resolved, &d.resolved),
        (&b.overlaps, &d.overlaps),
    ]
    .into_iter()
    .flat_map(|(t, o)| t.iter().map(move |x| (x, o)))
    {
        let cf = theirs;
        let key = |x: &ConflictFinding| (x.output, x.rules);
        let mine = ours.iter().find(|x| key(x) == key(cf)).unwrap();
        if cf.region.condition_complete {
            assert_eq!(
                cf.region.example, mine.region.example,
                "conflict {:?}",
                cf.rules
            );
            compared += 1;
        }
    }
    compared
}

/// The counts people are told, over the inputs the policy reads, against enumeration:
/// per set of incidents, the distinct choices of the read inputs among them, each found
/// with every choice of the unread ones (so that dividing is exact).
fn read_counts_match_brute_force(p: &Policy, a: &Analysis) {
    use std::collections::HashMap;
    let reads = p.reads();
    assert_eq!(&a.reads, &reads);
    let project = |inc: &[Value]| -> Vec<Value> {
        p.inputs
            .ids()
            .zip(inc)
            .filter(|(i, _)| reads.contains(*i))
            .map(|(_, v)| v.clone())
            .collect()
    };
    // Per set: per projection, how many incidents.
    type Tally = HashMap<Vec<Value>, u128>;
    let check = |what: &str, tally: &Tally, told: u128| {
        assert_eq!(
            tally.len() as u128,
            told,
            "{what}: count over the read inputs"
        );
        for (proj, n) in tally {
            assert_eq!(
                *n,
                reads.unread_ways(),
                "{what}: {proj:?} misses unread values"
            );
        }
    };
    let mut valid = Tally::new();
    let mut open: Vec<Tally> = vec![Tally::new(); p.outputs.len()];
    let complete_gaps: Vec<&crate::compile::describe::Region> = a
        .gaps
        .iter()
        .map(|g| &g.region)
        .chain(a.conflicts.iter().map(|c| &c.region))
        .filter(|r| r.condition_complete)
        .collect();
    let mut regions: Vec<Tally> = vec![Tally::new(); complete_gaps.len()];
    brute::for_each_incident(p, |inc| {
        let r = brute::decide(p, inc);
        if r.status != crate::compile::graph::Status::InScope {
            return;
        }
        let proj = project(inc);
        *valid.entry(proj.clone()).or_default() += 1;
        for (o, v) in r.verdicts.entries() {
            let accepted = p
                .accepted_gaps
                .iter()
                .any(|x| x.output == o && brute::eval(p, &x.when, inc, None));
            if *v == Verdict::Gap && !accepted {
                *open[o.index()].entry(proj.clone()).or_default() += 1;
            }
        }
        for (k, region) in complete_gaps.iter().enumerate() {
            if in_region(p, region, inc) {
                *regions[k].entry(proj.clone()).or_default() += 1;
            }
        }
    });
    check("valid incidents", &valid, reads.count(a.valid_count));
    for (o, tally) in p.outputs.ids().zip(open.iter()) {
        if a.unfinished.contains(&Unfinished::Gaps(o)) {
            continue;
        }
        let told: u128 = a
            .gaps
            .iter()
            .filter(|g| g.output == o && g.accepted_by.is_empty())
            .map(|g| g.region.read_count())
            .sum();
        check(&format!("open gaps of output {o:?}"), tally, told);
    }
    for (k, region) in complete_gaps.iter().enumerate() {
        check(&region.condition(), &regions[k], region.read_count());
        // The example names the read inputs only.
        let shown = region.example_json();
        let keys: Vec<&String> = shown.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), reads.len(), "{shown}");
    }
}

/// A policy with inputs it never reads: a bool and an enum of three, appended.
fn with_unread_inputs(mut p: Policy) -> Policy {
    let loc = p.inputs.iter().next().map(|i| i.loc).unwrap_or_default();
    p.enums.push(EnumDef {
        name: "Unread".into(),
        doc: None,
        variants: ["a", "b", "c"]
            .iter()
            .map(|n| VariantDef {
                name: (*n).into(),
                doc: None,
                loc,
            })
            .collect(),
        loc,
    });
    let e = crate::testing::id(p.enums.len() - 1);
    for (name, ty) in [("unread_flag", Ty::Bool), ("unread_kind", Ty::Enum(e))] {
        p.inputs.push(InputDef {
            name: name.into(),
            doc: None,
            ty,
            loc,
            typical: None,
            judgement: None,
        });
    }
    p
}

#[test]
fn counts_over_the_read_inputs_match_brute_force() {
    let mut unread = 0;
    for seed in 0..40u64 {
        let p = with_unread_inputs(generate(&SynthSpec::small(seed)));
        let reads = p.reads();
        let n = p.inputs.len();
        let id = crate::testing::id;
        assert!(!reads.contains(id(n - 1)) && !reads.contains(id(n - 2)));
        unread += usize::from(reads.unread_ways() > 1);
        check_against_brute_force(&p, OrderStrategy::Weighted, Engine::Diagrams, None);
        check_against_brute_force(&p, OrderStrategy::Declaration, Engine::Boxes, None);
    }
    assert_eq!(unread, 40);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn analyses_match_brute_force(seed in any::<u64>()) {
        let p = generate(&SynthSpec::small(seed));
        let order = if seed % 2 == 0 { OrderStrategy::Weighted } else { OrderStrategy::Declaration };
        check_against_brute_force(&p, order, Engine::Diagrams, None);
        check_against_brute_force(&p, order, Engine::Boxes, None);
        // With almost no budget to count, gaps are proven or refuted by search.
        check_against_brute_force(&p, order, Engine::Boxes, Some(2));
        engines_give_the_same_examples(&p, order);
    }
}

/// The comparison above must happen often, or it would pass without testing much.
#[test]
fn the_engines_examples_are_compared() {
    let compared: usize = (0..100u64)
        .map(|seed| {
            let p = generate(&SynthSpec::small(seed));
            engines_give_the_same_examples(&p, OrderStrategy::Weighted)
        })
        .sum();
    assert!(compared >= 100, "{compared} regions compared");
}

/// The box engine must take most small policies, or the property test above would
/// compare the diagrams with themselves.
#[test]
fn the_box_engine_takes_the_small_policies() {
    let mut taken = 0;
    let mut searched = 0;
    for seed in 0..200u64 {
        let p = generate(&SynthSpec::small(seed));
        let options = CompileOptions {
            engine: Engine::Boxes,
            ..CompileOptions::default()
        };
        let mut c = Compiler::new(&p, &options).unwrap();
        taken += usize::from(analyse(&mut c).unwrap().engine == Engine::Boxes);
        let options = CompileOptions {
            engine: Engine::Boxes,
            max_splits: Some(2),
            ..CompileOptions::default()
        };
        let mut c = Compiler::new(&p, &options).unwrap();
        let a = analyse(&mut c).unwrap();
        searched += usize::from(!a.gap_examples.is_empty());
    }
    assert!(taken >= 190, "{taken} of 200");
    // And the search behind an uncounted gap must be exercised too.
    assert!(searched >= 20, "{searched} of 200");
}

/// The generator must produce every kind of finding often, or the property test above
/// would pass without testing much.
#[test]
fn generator_covers_every_finding() {
    let mut stats = [0usize; 15];
    for seed in 0..400u64 {
        let p = generate(&SynthSpec::small(seed));
        let b = brute::analyse(&p);
        stats[9] += usize::from(!b.resolved.is_empty());
        stats[10] += usize::from(!b.overlaps.is_empty());
        // A rule outranked wherever it applies (dead by precedence, W0502).
        let a = {
            let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
            analyse(&mut c).unwrap()
        };
        stats[11] += usize::from(
            a.dead_rules
                .iter()
                .any(|d| d.reason == DeadReason::Outranked),
        );
        stats[0] += usize::from(b.gaps.iter().any(|g| g.0 > 0));
        stats[1] += usize::from(b.gaps.iter().any(|g| g.1 > 0));
        stats[2] += usize::from(!b.conflicts.is_empty());
        stats[3] += usize::from(!b.never_apply.is_empty());
        stats[4] += usize::from(!b.always_overridden.is_empty());
        stats[5] += usize::from(!b.unused_inputs.is_empty());
        stats[6] += usize::from(b.assert_failures.iter().any(|&f| f > 0));
        stats[7] += usize::from(!b.stale.is_empty());
        stats[8] += usize::from(!p.assumes.is_empty());
        stats[12] += usize::from(!b.redundant.is_empty());
        stats[13] += usize::from(a.redundant.iter().any(|x| x.twin.is_some()));
        stats[14] += usize::from(!b.dead_assignments.is_empty());
    }
    // open gaps, accepted gaps, conflicts, never applies, overridden, unused inputs,
    // failed asserts, stale acceptances, assumptions, decisions of a precedence,
    // overlaps of an exclusive output, rules outranked wherever they apply, redundant
    // rules, twins, assignments that never take effect of rules that are not dead
    assert!(stats.iter().all(|&n| n >= 10), "{stats:?}");
}

/// Past the node limit, the analyses that fit are still exact and complete, and the
/// others are reported as unfinished (E0504), not as a crash or a silent pass.
#[test]
fn node_limit_leaves_the_other_analyses_exact() {
    let p = generate(&SynthSpec::large(12, 80, 5));
    let full = {
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        analyse(&mut c).unwrap()
    };
    assert!(full.unfinished.is_empty());
    let options = CompileOptions {
        order: OrderStrategy::Weighted,
        max_nodes: Some(4_000),
        engine: Engine::Diagrams,
        max_splits: None,
        errors_only: false,
        quick_graph_bound: false,
    };
    let mut c = Compiler::new(&p, &options).unwrap();
    let limited = analyse(&mut c).unwrap();
    assert!(
        limited
            .unfinished
            .iter()
            .any(|u| matches!(u, Unfinished::Gaps(_))),
        "{:?}",
        limited.unfinished
    );
    // Conflicts never need the large unions, and garbage is collected as they go.
    assert!(!limited
        .unfinished
        .iter()
        .any(|u| matches!(u, Unfinished::Conflicts(_))));
    assert!(!limited.conflicts.is_empty());
    // (The examples may differ: one that isolates the pair is sought only within the
    // limit.)
    let pairs = |a: &Analysis| -> Vec<(OutputId, [RuleId; 2], u128, String)> {
        a.conflicts
            .iter()
            .map(|c| (c.output, c.rules, c.region.count, c.region.condition()))
            .collect()
    };
    assert!(
        pairs(&limited) == pairs(&full),
        "conflicts differ under the limit"
    );
    if !limited.unfinished.contains(&Unfinished::DeadRules) {
        assert_eq!(limited.dead_rules, full.dead_rules);
    }
    for g in &limited.gaps {
        assert!(full.gaps.contains(g));
    }
    let diags = diagnostics(&p, &limited);
    assert!(diags.iter().any(|d| d.code == "E0504" && d.is_error()));
}

/// The cause of a wrong W0503 on a decision table where every incident is a conflict
/// between every value: an input that changes which rules conflict changes what
/// `decide` says, so it is used, on both engines and by the reference semantics.
#[test]
fn an_input_that_changes_the_conflicting_rules_is_used() {
    let p = crate::check::policy_from_text(
        r#"policy t "T"
enum V { x, y }
input a: bool
input b: bool
output o: V
rule r1 "R1" cites "t" when a then o = x
rule r2 "R2" cites "t" when not a then o = x
rule r3 "R3" cites "t" when b or not b then o = y
"#,
    );
    let b = brute::analyse(&p);
    // Every incident is the same conflict of values, between other rules as `a` changes.
    assert_eq!(b.unused_inputs, vec![crate::testing::id(1)]);
    for engine in [Engine::Diagrams, Engine::Boxes] {
        check_against_brute_force(&p, OrderStrategy::Weighted, engine, None);
    }
    let analysed = analyse_policy(&p).unwrap();
    let unused: Vec<&str> = analysed
        .analysis
        .unused_inputs
        .iter()
        .map(|&i| p.inputs[i].name.as_str())
        .collect();
    assert_eq!(unused, vec!["b"]);
}

/// On the decision-table shape most pairs of rules conflict: past the listed ones they
/// are counted per pair of values, on both engines, as enumeration counts them; so are
/// the decisions of a precedence (of every value, or leaving some unranked) and the
/// overlaps of an `exclusive` output.
#[test]
fn conflicts_past_the_listed_ones_are_counted_exactly() {
    let values = |n: usize| -> Vec<Value> {
        (0..n)
            .rev()
            .map(|v| Value::Enum(crate::testing::id(1), crate::testing::id(v)))
            .collect::<Vec<_>>()
    };
    let hits = [
        HitPolicy::Any,
        HitPolicy::Exclusive {
            loc: Default::default(),
        },
        HitPolicy::Precedence {
            order: values(crate::compile::synth::TABLE_VALUES),
            loc: Default::default(),
        },
        HitPolicy::Precedence {
            order: values(crate::compile::synth::TABLE_VALUES - 2),
            loc: Default::default(),
        },
    ];
    let mut unlisted = [0usize; 3];
    for seed in 0..3u64 {
        let mut spec = SynthSpec::table(6, 40, seed);
        spec.int_hi = 3;
        for hit in &hits {
            let mut p = generate(&spec);
            p.outputs[crate::testing::id(0)].hit = hit.clone();
            let b = brute::analyse(&p);
            for (n, list) in unlisted
                .iter_mut()
                .zip([&b.conflicts, &b.resolved, &b.overlaps])
            {
                *n += list.len().saturating_sub(LISTED_CONFLICTS);
            }
            for engine in [Engine::Diagrams, Engine::Boxes] {
                check_against_brute_force(&p, OrderStrategy::Weighted, engine, None);
            }
        }
    }
    assert!(
        unlisted.iter().all(|&n| n > 100),
        "{unlisted:?} pairs past the listed ones"
    );
}

/// As for a conflict, an input that changes which rules overlap on an `exclusive`
/// output changes what `decide` says (it names them), so it is used.
#[test]
fn an_input_that_changes_the_overlapping_rules_is_used() {
    let p = crate::check::policy_from_text(
        r#"policy t "T"
enum V { x, y }
input a: bool
input b: bool
output o: V
  exclusive
rule r1 "R1" cites "t" when a then o = x
rule r2 "R2" cites "t" when not a then o = x
rule r3 "R3" cites "t" when b or not b then o = x
"#,
    );
    let b = brute::analyse(&p);
    assert_eq!(b.unused_inputs, vec![crate::testing::id(1)]);
    for engine in [Engine::Diagrams, Engine::Boxes] {
        check_against_brute_force(&p, OrderStrategy::Weighted, engine, None);
    }
}

/// `decide` and `ask` count `check`'s errors with only the analyses that can find them
/// (`CompileOptions::errors_only`): the count must be the one `check` reports, on every
/// policy of the diagnostics fixtures and the bundled ones, and on generated policies
/// past the box engine's threshold.
#[test]
fn errors_only_counts_the_errors_check_reports() {
    let errors = |p: &Policy, errors_only: bool| {
        if errors_only {
            // As `decide` counts them: the errors-only analyses, brief diagnostics.
            let options = CompileOptions {
                errors_only,
                ..CompileOptions::default()
            };
            return crate::analyse::count_errors_with(p, &options);
        }
        match analyse_policy_with(p, &CompileOptions::default()) {
            Ok(a) => a.diagnostics.iter().filter(|d| d.is_error()).count(),
            Err(d) => usize::from(d.is_error()),
        }
    };
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut with_errors = 0;
    for dir in ["tests/fixtures/diagnostics", "policies", "examples"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "policy") {
                continue;
            }
            let file = crate::check::check_file(
                &mut crate::source::Sources::new(),
                &crate::source::RealFs,
                &path,
            );
            let Some(p) = file.policy.filter(|p| p.header.is_some()) else {
                continue;
            };
            if file.diagnostics.iter().any(|d| d.is_error()) {
                continue;
            }
            let full = errors(&p, false);
            assert_eq!(errors(&p, true), full, "{path:?}");
            checked += 1;
            with_errors += usize::from(full > 0);
        }
    }
    for seed in 0..6 {
        let p = generate(&SynthSpec::table(12, 120, seed));
        let full = errors(&p, false);
        assert_eq!(errors(&p, true), full, "table seed {seed}");
        with_errors += usize::from(full > 0);
    }
    // Gaps on the box engine (E0501 in each): proven by its solver, counted only by
    // `check`.
    for seed in 0..3 {
        let p = generate(&SynthSpec::large(12, 120, seed));
        let full = errors(&p, false);
        assert_eq!(errors(&p, true), full, "large seed {seed}");
        with_errors += usize::from(full > 0);
    }
    assert!(
        checked >= 20 && with_errors >= 10,
        "{checked} policies, {with_errors} with errors"
    );
}

/// Past `isolate::MAX_OTHERS` other rules of the output, a pair's example is not searched
/// for isolation (each check is a difference of large diagrams: a decision table of
/// 2,000 rules spent 100 s here): `isolating` stays `None`, "not looked at", and the
/// diagnostic claims nothing about other rules.
#[test]
fn isolation_is_not_searched_past_its_budget() {
    let p = generate(&SynthSpec::table(8, isolate::MAX_OTHERS + 40, 1));
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let a = analyse(&mut c).unwrap();
    assert!(!a.conflicts.is_empty());
    assert!(a.conflicts.iter().all(|cf| cf.isolating.is_none()));
    let small = generate(&SynthSpec::table(8, isolate::MAX_OTHERS / 2, 1));
    let mut c = Compiler::new(&small, &CompileOptions::default()).unwrap();
    let a = analyse(&mut c).unwrap();
    assert!(a.conflicts.iter().any(|cf| cf.isolating.is_some()));
}

/// A pair's isolating example is the same whether the walk past the other rules finds
/// it or, past the walk's budget, the difference of diagrams does: both pick by the
/// same rule from the same incidents. Past the difference's own budget of nodes, the
/// pair is left as found (`isolating` stays `None`, not looked at) and the node limit
/// of the diagrams is as before.
#[test]
fn isolating_examples_agree_between_the_walk_and_the_difference() {
    let mut by_difference = 0;
    for seed in 0..400 {
        let p = generate(&SynthSpec::small(seed));
        let Ok(mut c) = Compiler::new(&p, &CompileOptions::default()) else {
            continue;
        };
        let Ok(walked) = analyse(&mut c) else {
            continue;
        };
        let no_walk = isolate::Budget {
            states: 0,
            ..isolate::Budget::DEFAULT
        };
        let mut again = walked.clone();
        isolate::isolate_examples_within(&mut c, &mut again, no_walk, true).unwrap();
        assert_eq!(again.conflicts, walked.conflicts, "seed {seed}");
        assert_eq!(again.resolved, walked.resolved, "seed {seed}");
        assert_eq!(again.overlaps, walked.overlaps, "seed {seed}");
        // The same without nodes to spare (on diagrams that hold no difference yet): the
        // pairs the walk could not answer at once are the ones the difference answered.
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let mut starved = analyse(&mut c).unwrap();
        assert_eq!(starved, walked, "seed {seed}");
        for cf in &mut starved.conflicts {
            cf.isolating = None;
        }
        let limit = c.mdd.max_nodes();
        let one_node = isolate::Budget {
            pair_nodes: 1,
            ..no_walk
        };
        isolate::isolate_examples_within(&mut c, &mut starved, one_node, true).unwrap();
        assert_eq!(c.mdd.max_nodes(), limit, "seed {seed}");
        for (cf, found) in starved.conflicts.iter().zip(&walked.conflicts) {
            if found.isolating.is_some() && cf.isolating.is_none() {
                by_difference += 1;
            }
        }
    }
    assert!(
        by_difference >= 20,
        "{by_difference} pairs isolated by the difference"
    );
}

/// The walks run on every core past `isolate::WALKED_APART` pairs, each thread on a copy
/// of the diagrams taking the next pair as it is free: every pair's answer is the one
/// the walks give one after the other on this thread.
#[test]
fn isolating_examples_are_the_same_on_every_core() {
    let mut on_cores = 0;
    for seed in 1..=4 {
        let p = generate(&SynthSpec::table(8, isolate::MAX_OTHERS - 10, seed));
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let found = analyse(&mut c).unwrap();
        let searched = found.conflicts.iter().filter(|cf| cf.isolating.is_some());
        let searched = searched.count();
        if searched >= isolate::WALKED_APART && crate::parallel::workers(usize::MAX) > 1 {
            on_cores += 1;
        }
        for every_core in [false, true] {
            let mut again = found.clone();
            let pairs = again.conflicts.iter_mut().chain(&mut again.resolved);
            // Forgotten, so that a pair the search skips or answers wrongly shows.
            for cf in pairs.chain(&mut again.overlaps) {
                // An example isolates only when found by the search (else it is the
                // pair's own, kept).
                if cf.isolating.take() == Some(true) {
                    cf.region.example = Box::new([]);
                }
            }
            let budget = isolate::Budget::DEFAULT;
            isolate::isolate_examples_within(&mut c, &mut again, budget, every_core).unwrap();
            assert_eq!(again, found, "seed {seed}, every core: {every_core}");
        }
    }
    // On a machine of one core the walks run on this thread anyway.
    if crate::parallel::workers(usize::MAX) > 1 {
        assert!(on_cores >= 2, "{on_cores} policies searched on every core");
    }
}
