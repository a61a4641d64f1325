use super::rules::comparisons_fit_i128;
use super::*;
use crate::analyse::brute;
use crate::check::ir::*;
use crate::compile::graph::{DecisionGraph, Verdict};
use crate::compile::synth::{generate, Rng, SynthSpec};
use crate::compile::{CompileOptions, Compiler};
use crate::testing::id;
use proptest::prelude::*;

type BruteAnswer = (
    DecideStatus,
    Vec<Option<Verdict>>,
    Vec<RuleId>,
    Vec<InputId>,
    // Per output, the value every completion in scope gives when only the scope is
    // still open.
    Vec<Option<Value>>,
);

/// The reference answer for partial facts, by enumerating completions.
fn brute_partial(p: &Policy, facts: &Facts) -> Option<BruteAnswer> {
    let mut completions: Vec<(Vec<Value>, brute::RefDecision)> = Vec::new();
    brute::for_each_incident(p, |inc| {
        let fits = facts
            .values
            .iter()
            .zip(inc)
            .all(|(f, v)| f.as_ref().is_none_or(|f| f == v));
        if fits {
            let d = brute::decide(p, inc);
            if d.status != Status::BrokenAssumption {
                completions.push((inc.to_vec(), d));
            }
        }
    });
    if completions.is_empty() {
        return None;
    }
    if completions.iter().all(|c| c.1.status == Status::OutOfScope) {
        return Some((
            DecideStatus::OutOfScope,
            vec![None; p.outputs.len()],
            vec![],
            vec![],
            vec![None; p.outputs.len()],
        ));
    }
    let some_out = completions.iter().any(|c| c.1.status == Status::OutOfScope);
    let ins: Vec<&brute::RefDecision> = completions
        .iter()
        .map(|c| &c.1)
        .filter(|d| d.status == Status::InScope)
        .collect();
    let verdicts: Vec<Option<Verdict>> = p
        .outputs
        .ids()
        .map(|o| {
            let first = &ins[0].verdicts[o];
            if !some_out && ins.iter().all(|d| &d.verdicts[o] == first) {
                Some(first.clone())
            } else {
                None
            }
        })
        .collect();
    let if_in_scope: Vec<Option<Value>> = p
        .outputs
        .ids()
        .map(|o| match &ins[0].verdicts[o] {
            Verdict::Value(v)
                if some_out && ins.iter().all(|d| d.verdicts[o] == ins[0].verdicts[o]) =>
            {
                Some(v.clone())
            }
            _ => None,
        })
        .collect();
    let mut fired = ins[0].applied.clone();
    for d in &ins {
        fired.retain(|r| d.applied.contains(r));
    }
    let decided = verdicts
        .iter()
        .all(|v| matches!(v, Some(Verdict::Value(_))));
    // Inputs that matter: two valid completions differing only there, with different
    // outcomes.
    let mut matter = Vec::new();
    for input in p.inputs.ids() {
        let i = input.index();
        let differs = completions.iter().any(|(a, da)| {
            completions.iter().any(|(b, db)| {
                (0..a.len()).all(|k| k == i || a[k] == b[k])
                    && (da.status, &da.verdicts) != (db.status, &db.verdicts)
            })
        });
        if differs {
            matter.push(input);
        }
    }
    let status = if decided {
        DecideStatus::Decided
    } else {
        DecideStatus::Undecided
    };
    Some((status, verdicts, fired, matter, if_in_scope))
}

/// The random policy with an acceptance per rule now and then, of a rule's condition or
/// its negation (conditions over several inputs, unlike the generator's literals), each
/// acceptance with its own reason so that answers name which ones cover a gap.
fn with_acceptances(mut p: Policy, seed: u64) -> Policy {
    let mut rng = Rng::new(seed ^ 0x5EED);
    let mut extra: Vec<AcceptedGap> = Vec::new();
    for r in &p.rules {
        if rng.chance(40) {
            let when = r.when.clone();
            extra.push(AcceptedGap {
                output: id(rng.below(p.outputs.len() as u64) as usize),
                reason: String::new(),
                when: if rng.chance(50) {
                    when
                } else {
                    Expr::Not(Box::new(when))
                },
                loc: Default::default(),
            });
        }
    }
    p.accepted_gaps.extend(extra);
    for (k, g) in p.accepted_gaps.iter_mut().enumerate() {
        g.reason = format!("g{k}");
    }
    p
}

/// The facts' completions that keep the assumptions.
fn valid_completions(p: &Policy, facts: &Facts) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    brute::for_each_incident(p, |inc| {
        let fits = facts
            .values
            .iter()
            .zip(inc)
            .all(|(f, v)| f.as_ref().is_none_or(|f| f == v));
        if fits && p.assumes.iter().all(|a| brute::eval(p, &a.expr, inc, None)) {
            out.push(inc.to_vec());
        }
    });
    out
}

/// Each gap's acceptance against the completions: an acceptance named as covering the
/// gap holds in every completion; a gap named unaccepted is covered in none; without
/// assumptions (which the answer may read only in part) exactly the acceptances that
/// hold everywhere cover it, and it is open exactly when one holds somewhere but none
/// everywhere. Giving the inputs an open acceptance depends on settles it.
fn check_acceptances(
    p: &Policy,
    g: &DecisionGraph,
    facts: &Facts,
    d: &Decision,
    rng: &mut Rng,
) -> Result<(), TestCaseError> {
    let completions = valid_completions(p, facts);
    for (o, a) in d.answers.entries() {
        let accepted = d.accepted_gaps.iter().find(|x| x.0 == o);
        let open = d.open_acceptances.iter().find(|x| x.output == o);
        if !matches!(a, Answer::Gap) {
            prop_assert!(accepted.is_none() && open.is_none());
            continue;
        }
        prop_assert!(accepted.is_none() || open.is_none());
        let mut everywhere = Vec::new();
        let mut somewhere = Vec::new();
        for acc in p.accepted_gaps.iter().filter(|x| x.output == o) {
            let holds: Vec<bool> = completions
                .iter()
                .map(|c| brute::eval(p, &acc.when, c, None))
                .collect();
            if holds.iter().all(|&h| h) {
                everywhere.push(acc.reason.as_str());
            } else if holds.iter().any(|&h| h) {
                somewhere.push(acc.reason.as_str());
            }
        }
        match (accepted, open) {
            (Some((_, reasons)), _) => {
                for r in reasons.split("; ") {
                    prop_assert!(
                        everywhere.contains(&r),
                        "{} named but holds only in part",
                        r
                    );
                }
                if p.assumes.is_empty() {
                    prop_assert_eq!(reasons, &everywhere.join("; "));
                }
            }
            (None, Some(open)) => {
                for i in &open.depends_on {
                    prop_assert!(facts.values[*i].is_none());
                }
                if p.assumes.is_empty() {
                    prop_assert!(everywhere.is_empty());
                    prop_assert_eq!(&open.reasons, &somewhere.join("; "));
                }
                let pick = &completions[rng.below(completions.len() as u64) as usize];
                let mut more = facts.clone();
                for &i in &open.depends_on {
                    more.values[i] = Some(pick[i.index()].clone());
                }
                let settled = decide(p, g, &more).unwrap();
                prop_assert!(settled.open_acceptances.iter().all(|x| x.output != o));
                let covered = p
                    .accepted_gaps
                    .iter()
                    .any(|x| x.output == o && brute::eval(p, &x.when, pick, None));
                if matches!(settled.answers[o], Answer::Gap) {
                    prop_assert_eq!(settled.accepted_gaps.iter().any(|x| x.0 == o), covered);
                }
            }
            (None, None) => {
                prop_assert!(everywhere.is_empty() && somewhere.is_empty());
            }
        }
    }
    Ok(())
}

fn answer_verdict(a: &Answer) -> Option<Verdict> {
    match a {
        Answer::Value { value, .. } => Some(Verdict::Value(value.clone())),
        Answer::Gap => Some(Verdict::Gap),
        Answer::Conflict(vs) => Some(Verdict::Conflict(vs.iter().map(|v| v.0.clone()).collect())),
        Answer::Overlap(vs) => Some(Verdict::Overlap(vs.iter().map(|v| v.0.clone()).collect())),
        Answer::Missing { .. } | Answer::None => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn partial_facts_match_enumeration(seed in any::<u64>()) {
        let p = with_acceptances(generate(&SynthSpec::small(seed)), seed);
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        let mut rng = Rng::new(seed ^ 77);
        for _ in 0..6 {
            let mut facts = Facts { values: IdxVec::filled(None, p.inputs.len()) };
            for (i, inp) in p.inputs.entries() {
                if rng.chance(50) {
                    let vals = brute::values_of(&p, inp.ty);
                    facts.values[i] = Some(vals[rng.below(vals.len() as u64) as usize].clone());
                }
            }
            let mine = decide(&p, &g, &facts);
            match brute_partial(&p, &facts) {
                None => prop_assert_eq!(mine.err().map(|d| d.code), Some(Code::E0515)),
                Some((status, verdicts, fired, matter, if_in_scope)) => {
                    let d = mine.unwrap();
                    prop_assert_eq!(d.status, status);
                    if status != DecideStatus::OutOfScope {
                        let got: Vec<Option<Verdict>> = d.answers.iter().map(answer_verdict).collect();
                        prop_assert_eq!(got, verdicts);
                        let scoped: Vec<Option<Value>> = d
                            .answers
                            .iter()
                            .map(|a| match a {
                                Answer::Missing { if_in_scope } => if_in_scope.clone(),
                                _ => None,
                            })
                            .collect();
                        prop_assert_eq!(scoped, if_in_scope);
                        prop_assert_eq!(&d.fired, &fired);
                    }
                    // Every input that matters is asked; without assumptions exactly those.
                    let undecided = d
                        .answers
                        .iter()
                        .any(|a| matches!(a, Answer::Missing { .. }));
                    // After the decision's questions come those of the acceptances.
                    let then_acceptances = |mut m: Vec<InputId>| {
                        for open in &d.open_acceptances {
                            for &i in &open.depends_on {
                                if !m.contains(&i) {
                                    m.push(i);
                                }
                            }
                        }
                        m
                    };
                    if undecided {
                        for i in &matter {
                            prop_assert!(d.missing.contains(i), "{:?} missing from {:?}", i, d.missing);
                        }
                        if p.assumes.is_empty() {
                            prop_assert_eq!(&d.missing, &then_acceptances({
                                let mut m = matter.clone();
                                m.sort_by_key(|&i| c.order.level(i));
                                m
                            }));
                        }
                    } else {
                        prop_assert_eq!(&d.missing, &then_acceptances(Vec::new()));
                    }
                    check_acceptances(&p, &g, &facts, &d, &mut rng)?;
                    for i in &d.missing {
                        prop_assert!(facts.values[*i].is_none());
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Reading the rules (what decide does when the graph is too large) decides every
    /// complete incident as the graph does: status, answers with their rules, fired and
    /// overridden rules, accepted gaps; or refuses it for the same broken assumption.
    /// Facts without the inputs nothing reads decide alike; facts missing an input the
    /// decision reads are refused with E0516.
    #[test]
    fn deciding_by_the_rules_agrees_with_the_graph(seed in any::<u64>()) {
        let p = with_acceptances(generate(&SynthSpec::small(seed)), seed);
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        let (by_graph, by_rules) = (Decider::Graph(&g), Decider::rules(&p));
        let mut rng = Rng::new(seed ^ 91);
        for _ in 0..12 {
            let values: Vec<Value> = p
                .inputs
                .iter()
                .map(|inp| {
                    let vals = brute::values_of(&p, inp.ty);
                    vals[rng.below(vals.len() as u64) as usize].clone()
                })
                .collect();
            let facts = Facts { values: values.iter().cloned().map(Some).collect() };
            // The rules need only the inputs they, the scope and the assumptions read.
            let reads = crate::compile::order::deciding_inputs(&p);
            let read_only = Facts {
                values: values
                    .iter()
                    .zip(&reads)
                    .map(|(v, &r)| r.then(|| v.clone()))
                    .collect(),
            };
            match (by_rules.decide(&p, &facts), by_rules.decide(&p, &read_only)) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(a.status, b.status);
                    prop_assert_eq!(&a.answers, &b.answers);
                    prop_assert_eq!(&a.fired, &b.fired);
                    prop_assert_eq!(&a.facts_used, &b.facts_used);
                }
                (Err(a), Err(b)) => {
                    prop_assert_eq!(a.code, b.code);
                    prop_assert_eq!(&a.message, &b.message);
                    prop_assert_eq!(&a.notes, &b.notes);
                }
                (a, b) => prop_assert!(false, "complete {:?} but read only {:?}", a, b),
            }
            // On those facts the graph decides as the rules do, accepted gaps included
            // (an acceptance is read when its own inputs are given, whoever decides).
            if let (Ok(a), Ok(b)) = (by_graph.decide(&p, &read_only), by_rules.decide(&p, &read_only)) {
                prop_assert_eq!(a.status, b.status);
                prop_assert_eq!(&a.answers, &b.answers);
                prop_assert_eq!(&a.accepted_gaps, &b.accepted_gaps);
                prop_assert_eq!(&a.open_acceptances, &b.open_acceptances);
                prop_assert_eq!(&a.missing, &b.missing);
            }
            match (by_graph.decide(&p, &facts), by_rules.decide(&p, &facts)) {
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(a.status, b.status);
                    prop_assert_eq!(&a.answers, &b.answers);
                    prop_assert_eq!(&a.fired, &b.fired);
                    prop_assert_eq!(&a.overridden, &b.overridden);
                    prop_assert_eq!(&a.accepted_gaps, &b.accepted_gaps);
                    prop_assert!(a.open_acceptances.is_empty() && b.open_acceptances.is_empty());
                    prop_assert!(b.missing.is_empty());
                    // The facts that mattered to the graph are among those the rules read.
                    for i in &a.facts_used {
                        prop_assert!(b.facts_used.contains(i), "{:?} not in {:?}", i, b.facts_used);
                    }
                }
                (Err(a), Err(b)) => {
                    prop_assert_eq!(a.code, "E0515");
                    prop_assert_eq!(b.code, "E0515");
                }
                (a, b) => prop_assert!(false, "graph {:?} but rules {:?}", a, b),
            }
        }
        if crate::compile::order::deciding_inputs(&p).contains(&true) {
            let partial = Facts { values: IdxVec::filled(None, p.inputs.len()) };
            prop_assert_eq!(by_rules.decide(&p, &partial).err().map(|d| d.code), Some(Code::E0516));
        }
    }
}

fn tiny_policy() -> Policy {
    let mut p = generate(&SynthSpec::small(3));
    p.inputs[id(0)].name = "youngest_age".into();
    p
}

#[test]
fn facts_errors_name_the_key() {
    let mut p = tiny_policy();
    p.inputs = vec![
        InputDef {
            name: "coercion".into(),
            doc: None,
            ty: Ty::Bool,
            loc: Default::default(),
            typical: None,
            judgement: None,
        },
        InputDef {
            name: "youngest_age".into(),
            doc: None,
            ty: Ty::Int { lo: 0, hi: 99 },
            loc: Default::default(),
            typical: None,
            judgement: None,
        },
        InputDef {
            name: "kind".into(),
            doc: None,
            ty: Ty::Enum(id(0)),
            loc: Default::default(),
            typical: None,
            judgement: None,
        },
    ]
    .into();
    let errs = parse_facts(
        &p,
        &serde_json::json!({"coercon": true, "youngest_age": 120, "kind": "k9", "coercion": "yes"}),
    )
    .unwrap_err();
    let codes: Vec<&str> = errs.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, vec!["E0512", "E0511", "E0514", "E0513"]);
    assert_eq!(errs[1].help.as_deref(), Some("did you mean `coercion`?"));
    assert!(errs[2].message.contains("k0, k1"), "{}", errs[2].message);
    assert!(errs[3].message.contains("0..=99"));
    let errs = parse_facts(&p, &serde_json::json!([1, 2])).unwrap_err();
    assert_eq!(errs[0].code, "E0510");
    let ok = parse_facts(
        &p,
        &serde_json::json!({"youngest_age": 15, "kind": "k1", "coercion": null}),
    )
    .unwrap();
    assert_eq!(
        ok.values.as_slice(),
        [None, Some(Value::Int(15)), Some(Value::Enum(id(0), id(1)))]
    );
    assert!(parse_facts(&p, &serde_json::json!({"youngest_age": 1.5})).is_err());
    assert!(parse_facts(
        &p,
        &serde_json::json!({"youngest_age": 18446744073709551615u64})
    )
    .is_err());
}

#[test]
fn json_shape_follows_the_contract() {
    for seed in 0..40 {
        let p = generate(&SynthSpec::small(seed));
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        let facts = Facts {
            values: IdxVec::filled(None, p.inputs.len()),
        };
        let Ok(d) = decide(&p, &g, &facts) else {
            continue;
        };
        let j = json_of(&p, &d);
        for key in [
            "policy",
            "status",
            "decision",
            "rules",
            "missing",
            "undecided",
        ] {
            assert!(j.get(key).is_some(), "{key} in {j}");
        }
        // Every output is either decided or named in `undecided` (unless out of scope).
        if d.status != DecideStatus::OutOfScope {
            for o in &p.outputs {
                assert!(
                    j["decision"].get(&o.name).is_some() != j["undecided"].get(&o.name).is_some()
                );
            }
        }
        assert_eq!(j["status"] == "decided", d.status == DecideStatus::Decided);
        let human = decision_human(&p, &d);
        assert!(human.starts_with(&format!("policy {}", p.name)));
        let md = decision_markdown(&p, &facts, &d);
        assert!(md.starts_with("# Incident record"));
    }
}

#[test]
fn an_accepted_gap_is_answered_with_its_reason() {
    let p = crate::check::policy_from_text(
        "policy p \"t\"\ninput a: bool\ninput b: bool\nenum R { x, y }\noutput r: R\n\
         rule one \"a\" cites \"c\" when a then r = x\n\
         accept gap r \"the document is silent without a\" when not a and b\n",
    );
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let decide_json = |facts: serde_json::Value| {
        let f = parse_facts(&p, &facts).unwrap();
        json_of(&p, &decide(&p, &g, &f).unwrap())
    };
    let accepted = decide_json(serde_json::json!({"a": false, "b": true}));
    assert_eq!(accepted["undecided"]["r"]["accepted"], true);
    assert_eq!(
        accepted["undecided"]["r"]["because"],
        "the document is silent without a"
    );
    let open = decide_json(serde_json::json!({"a": false, "b": false}));
    assert_eq!(open["undecided"]["r"]["accepted"], false);
    assert!(open["undecided"]["r"].get("because").is_none());
}

/// Facts that break an assumption over a define are named: the define's inputs are the
/// facts the assumption involves (they were left out, and the error named none).
#[test]
fn a_broken_assumption_over_a_define_names_its_facts() {
    let p = crate::check::policy_from_text(
        "policy p \"t\"\ninput a: bool\ninput b: bool\ninput c: bool\noutput r: bool default false\n\
         define both = a and b\nassume not both\n\
         rule one \"c\" cites \"c\" when c then r = true\n",
    );
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let f = parse_facts(&p, &serde_json::json!({"a": true, "b": true, "c": false})).unwrap();
    let d = decide(&p, &g, &f).unwrap_err();
    assert_eq!(d.code, Code::E0515);
    assert!(d.message.ends_with("(a = true, b = true)"), "{}", d.message);
}

/// A doc comment wrapped over several lines in the source is one line wherever a
/// decision shows it: a line break inside an indented list or a table row broke them.
#[test]
fn questions_wrapped_in_the_source_are_shown_on_one_line() {
    let p = crate::check::policy_from_text(
        "policy p \"t\"\n/// Was there force, coercion or\n/// blackmail? (Grooming counts.)\n\
         input a: bool\ninput b: bool\noutput r: bool\n\
         rule one \"a\" cites \"c\" when a and b then r = true\n\
         rule two \"b\" cites \"c\" when not a or not b then r = false\n",
    );
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let f = parse_facts(&p, &serde_json::json!({"b": true})).unwrap();
    let d = decide(&p, &g, &f).unwrap();
    let whole = "Was there force, coercion or blackmail? (Grooming counts.)";
    assert!(
        decision_human(&p, &d).contains(&format!("\n  a — {whole}\n")),
        "{}",
        decision_human(&p, &d)
    );
    let md = decision_markdown(&p, &f, &d);
    assert!(md.contains(&format!("| {whole} | not known |")), "{md}");
    // A boolean fact is answered as a person would.
    assert!(md.contains("| b | yes |"), "{md}");
    assert!(md.contains(&format!("\n- {whole}\n")), "{md}");
    assert_eq!(
        p.inputs[id(0)].question().as_deref(),
        Some("Was there force, coercion or blackmail?")
    );
}

/// With partial facts an acceptance is settled when its condition takes one value in
/// every completion; otherwise the gap is neither accepted nor unaccepted, and the
/// inputs that settle it are asked for.
#[test]
fn an_acceptance_the_facts_leave_open_is_asked_about() {
    let p = crate::check::policy_from_text(
        "policy t \"t\"\ninput a: bool\ninput b: bool\ninput n: 0..=9\noutput o: bool\n\
         rule r1 \"x\" cites \"c\" when a then o = true\n\
         accept gap o \"part\" when not a and n <= 3\n\
         accept gap o \"overlap\" when not a and n <= 5 and b\n",
    );
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let run = |facts: serde_json::Value| {
        let f = parse_facts(&p, &facts).unwrap();
        let by_graph = decide(&p, &g, &f).unwrap();
        let by_rules = Decider::rules(&p).decide(&p, &f).unwrap();
        assert_eq!(by_graph.accepted_gaps, by_rules.accepted_gaps);
        assert_eq!(by_graph.open_acceptances, by_rules.open_acceptances);
        assert_eq!(by_graph.missing, by_rules.missing);
        (
            json_of(&p, &by_graph),
            decision_human(&p, &by_graph),
            decision_markdown(&p, &f, &by_graph),
        )
    };
    // Nothing about n or b: both acceptances may cover the gap.
    let (j, human, md) = run(serde_json::json!({"a": false}));
    assert_eq!(j["undecided"]["o"]["reason"], "gap");
    assert_eq!(j["undecided"]["o"]["accepted"], serde_json::Value::Null);
    assert_eq!(
        j["undecided"]["o"]["may_be_accepted_because"],
        "part; overlap"
    );
    assert_eq!(
        j["undecided"]["o"]["depends_on"],
        serde_json::json!(["b", "n"])
    );
    assert_eq!(j["missing"], serde_json::json!(["b", "n"]));
    assert_eq!(j["status"], "undecided");
    assert!(
        human.contains("o: undecided: a gap in the policy (o: no rule gives a value); whether the policy accepts it (part; overlap) depends on facts not given: b, n\n"),
        "{human}"
    );
    assert!(human.contains("still to find out:\n  b\n  n\n"), "{human}");
    assert!(md.contains("whether the policy leaves it undecided on purpose (part; overlap) depends on facts not known yet: b, n"), "{md}");
    assert!(md.contains("## Still to find out\n\n- b\n- n\n"), "{md}");
    // n settles "part" either way; "overlap" still waits for b where n allows it.
    let (j, ..) = run(serde_json::json!({"a": false, "n": 2}));
    assert_eq!(j["undecided"]["o"]["accepted"], true);
    assert_eq!(j["undecided"]["o"]["because"], "part");
    assert_eq!(j["missing"], serde_json::json!([]));
    let (j, ..) = run(serde_json::json!({"a": false, "n": 5}));
    assert_eq!(j["undecided"]["o"]["accepted"], serde_json::Value::Null);
    assert_eq!(j["undecided"]["o"]["may_be_accepted_because"], "overlap");
    assert_eq!(j["missing"], serde_json::json!(["b"]));
    // Past 5 neither covers the incident, whatever b is.
    let (j, human, _) = run(serde_json::json!({"a": false, "n": 7}));
    assert_eq!(j["undecided"]["o"]["accepted"], false);
    assert!(j["undecided"]["o"].get("depends_on").is_none());
    assert_eq!(j["missing"], serde_json::json!([]));
    assert!(!human.contains("still to find out"), "{human}");
    let (j, ..) = run(serde_json::json!({"a": false, "b": false}));
    assert_eq!(j["undecided"]["o"]["may_be_accepted_because"], "part");
    assert_eq!(j["missing"], serde_json::json!(["n"]));
}

/// A condition a three-valued reading leaves open is settled by trying the values not
/// given, leaving out those the assumptions rule out; past the limit it stays open.
#[test]
fn settling_a_condition_tries_the_values_not_given() {
    let p = crate::check::policy_from_text(
        "policy t \"t\"\ninput a: bool\ninput n: 0..=9\ninput m: 0..=9\ninput big: 0..=100000\n\
         enum K { k1, k2 }\ninput k: K\noutput o: bool\n\
         assume m <= n\n\
         rule r1 \"x\" cites \"c\" when a then o = true\n",
    );
    let expr = |src: &str| {
        let q = crate::check::policy_from_text(&format!(
            "policy t \"t\"\ninput a: bool\ninput n: 0..=9\ninput m: 0..=9\ninput big: 0..=100000\n\
             enum K {{ k1, k2 }}\ninput k: K\noutput o: bool\n\
             rule r1 \"x\" cites \"c\" when {src} then o = true\n"
        ));
        q.rules[id(0)].when.clone()
    };
    let facts = |v: serde_json::Value| parse_facts(&p, &v).unwrap();
    let none = facts(serde_json::json!({}));
    // Kleene: an unknown disjunct does not hide a true one; bounds decide comparisons.
    assert_eq!(
        accept::settle(
            &p,
            &expr("a or n <= 3"),
            &facts(serde_json::json!({"a": true}))
        ),
        Some(true)
    );
    assert_eq!(accept::settle(&p, &expr("n <= 9"), &none), Some(true));
    assert_eq!(
        accept::settle(
            &p,
            &expr("n + m >= 18"),
            &facts(serde_json::json!({"n": 9}))
        ),
        None
    );
    assert_eq!(
        accept::settle(
            &p,
            &expr("n + m >= 19"),
            &facts(serde_json::json!({"n": 9}))
        ),
        Some(false)
    );
    assert_eq!(accept::settle(&p, &expr("n - n == 0"), &none), Some(true));
    assert_eq!(
        accept::settle(&p, &expr("big <= 100000"), &none),
        Some(true)
    );
    assert_eq!(
        accept::settle(&p, &expr("k == k1 or k == k2"), &none),
        Some(true)
    );
    // What the three-valued reading leaves open, enumeration settles.
    assert_eq!(
        accept::settle(&p, &expr("n <= 3 or n >= 2"), &none),
        Some(true)
    );
    assert_eq!(
        accept::settle(&p, &expr("n <= 3 and n >= 4"), &none),
        Some(false)
    );
    assert_eq!(accept::settle(&p, &expr("n <= 3"), &none), None);
    // The assumption m <= n: with n = 2, m is at most 2.
    assert_eq!(
        accept::settle(&p, &expr("m <= 2"), &facts(serde_json::json!({"n": 2}))),
        Some(true)
    );
    assert_eq!(
        accept::settle(&p, &expr("m <= 1"), &facts(serde_json::json!({"n": 2}))),
        None
    );
    // Too many values to try: open, never settled wrongly.
    assert_eq!(
        accept::settle(&p, &expr("big <= 3 or big >= 2"), &none),
        None
    );
}

const CHAIN: &str =
    "policy chain \"chain\"\ninput a: bool\ninput b: bool\ninput c: bool\ninput x: bool\n\
    enum V { va, vb, vc }\noutput o: V default vc\noutput p: bool default false\n\
    output q: bool default false\n\
    rule ra \"A\" cites \"x\" overrides rb when a then o = va\n\
    rule rb \"B\" cites \"x\" overrides rc, rd when b then p = true\n\
    rule rc \"C\" cites \"x\" when c then o = vb\n\
    rule rd \"D\" cites \"x\" when c then o = vb, q = true\n\
    rule rx \"X\" cites \"x\" overrides rd when x then q = false\n";

/// An overridden rule is overridden by the applying rules that override it (through a
/// chain too) and assign one of its outputs: `rb` overrides `rc` but assigns only `p`,
/// so `rc` loses `o` to `ra` alone. What it still gives is said.
#[test]
fn an_overridden_rule_names_only_the_rules_that_won() {
    let p = crate::check::policy_from_text(CHAIN);
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let run = |facts: serde_json::Value| {
        let f = parse_facts(&p, &facts).unwrap();
        let d = decide(&p, &g, &f).unwrap();
        (
            json_of(&p, &d),
            decision_human(&p, &d),
            decision_markdown(&p, &f, &d),
        )
    };
    let (j, human, md) = run(serde_json::json!({"a": true, "b": true, "c": true, "x": false}));
    assert!(
        human.contains("\n  `rc` — C [x]: o overridden by ra; none of its assignments stands\n"),
        "{human}"
    );
    assert!(
        human.contains("\n  `rd` — D [x]: o overridden by ra; its q stands\n"),
        "{human}"
    );
    assert!(!human.contains("by ra, rb"), "{human}");
    assert!(
        md.contains(
            "\n- overridden: `rc` — C [x] — o overridden by ra; none of its assignments stands\n"
        ),
        "{md}"
    );
    assert_eq!(j["overridden"][0]["name"], "rc");
    assert_eq!(j["overridden"][0]["by"], serde_json::json!(["ra"]));
    assert_eq!(
        j["overridden"][0]["lost"],
        serde_json::json!([{"output": "o", "by": ["ra"]}])
    );
    assert_eq!(j["overridden"][0]["stands"], serde_json::json!([]));
    assert_eq!(j["overridden"][1]["name"], "rd");
    assert_eq!(j["overridden"][1]["stands"], serde_json::json!(["q"]));
    assert_eq!(j["overridden"][1]["open"], serde_json::json!([]));
    // Every output lost, to different rules.
    let (j, human, _) = run(serde_json::json!({"a": true, "b": true, "c": true, "x": true}));
    assert!(
        human.contains(
            "\n  `rd` — D [x]: o overridden by ra, q by rx; none of its assignments stands\n"
        ),
        "{human}"
    );
    assert_eq!(j["overridden"][1]["by"], serde_json::json!(["ra", "rx"]));
    // With x unknown, whether rd's q stands is not known.
    let (j, human, _) = run(serde_json::json!({"a": true, "b": true, "c": true}));
    assert!(
        human.contains("\n  `rd` — D [x]: o overridden by ra; whether its q stands depends on facts not given\n"),
        "{human}"
    );
    assert_eq!(j["overridden"][1]["stands"], serde_json::json!([]));
    assert_eq!(j["overridden"][1]["open"], serde_json::json!(["q"]));
}

/// How an answer reads, in the three forms, pinned.
fn renderings(p: &Policy, facts: &[serde_json::Value]) -> String {
    let mut c = Compiler::new(p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let mut out = String::new();
    for facts in facts {
        let f = parse_facts(p, facts).unwrap();
        let d = decide(p, &g, &f).unwrap();
        out.push_str(&format!(
            "=== {} {facts}\n--- human\n{}--- json\n{}\n--- markdown\n{}\n",
            p.name,
            decision_human(p, &d),
            serde_json::to_string_pretty(&decision_json(p, &d)).unwrap(),
            decision_markdown(p, &f, &d)
        ));
    }
    out
}

#[test]
fn open_acceptances_render_as_pinned() {
    let p = crate::check::policy_from_text(
        "policy t \"t\"\ninput a: bool\ninput b: bool\ninput n: 0..=9\noutput o: bool\n\
         rule r1 \"x\" cites \"c\" when a then o = true\n\
         accept gap o \"part\" when not a and n <= 3\n",
    );
    insta::assert_snapshot!(renderings(
        &p,
        &[
            serde_json::json!({"a": false}),
            serde_json::json!({"a": false, "n": 2})
        ]
    ));
}

#[test]
fn overridden_rules_render_as_pinned() {
    let p = crate::check::policy_from_text(CHAIN);
    insta::assert_snapshot!(renderings(
        &p,
        &[
            serde_json::json!({"a": true, "b": true, "c": true, "x": false}),
            serde_json::json!({"a": true, "b": true, "c": true}),
        ]
    ));
}

/// Reading the rules stands in for the graph past its other limits too, where the
/// rules are read exactly.
#[test]
fn compile_limits_fall_back_to_reading_the_rules() {
    let p = crate::check::policy_from_text(
        "policy w \"w\"\ninput a: 0..=10\ninput b: 0..=10\noutput o: bool default false\n\
         rule r \"r\" cites \"c\" when a > b then o = true\n",
    );
    for e in [
        crate::compile::CompileError::TooLarge {
            max_nodes: 1,
            at: None,
            counted: None,
        },
        crate::compile::CompileError::Budget { at: None },
        crate::compile::CompileError::RangeTooLarge { input: id(0) },
        crate::compile::CompileError::Overflow { at: None },
    ] {
        assert!(rules_still_decide(&p, &e), "{e:?}");
    }
    let unsupported = crate::compile::CompileError::Unsupported {
        at: None,
        what: "x",
    };
    assert!(!rules_still_decide(&p, &unsupported));
    // Three maximal terms leave i128: only the node limit (reached after the
    // relation compiled) still reads the rules.
    let max = i64::MAX;
    let wide = format!("{}..={max}", i64::MIN);
    let p = crate::check::policy_from_text(&format!(
        "policy w \"w\"\ninput a: {wide}\ninput b: {wide}\ninput c: {wide}\n\
         output o: bool default false\n\
         rule r \"r\" cites \"c\" when {max} * a + {max} * b + {max} * c > 0 then o = true\n"
    ));
    assert!(!comparisons_fit_i128(&p));
    assert!(!rules_still_decide(
        &p,
        &crate::compile::CompileError::RangeTooLarge { input: id(0) }
    ));
    let p = crate::check::policy_from_text(&format!(
        "policy w \"w\"\ninput a: {wide}\ninput b: {wide}\n\
         output o: bool default false\n\
         rule r \"r\" cites \"c\" when {max} * a > {max} * b then o = true\n"
    ));
    assert!(comparisons_fit_i128(&p));
}

/// A decision's JSON answer as a value, to look into.
fn json_of(p: &Policy, d: &Decision) -> serde_json::Value {
    serde_json::to_value(decision_json(p, d)).unwrap()
}

/// A value precedence chose names every rule involved and what it won over; an overlap
/// of an exclusive output's rules, equal values included, is undecided; a missing
/// judgement is asked as one, with its citation (issues 16, 17, 23).
const HIT_POLICIES: &str = "policy h \"h\"\nenum R { escalate, manage }\n\
    /// Is there coercion?\ninput coercion: bool\n\
    /// Has a careful assessment found it non-abusive?\n\
    input assessed: bool judgement \"001 para 7: 'a careful assessment'\"\n\
    input vulnerable: bool\n\
    output response: R\n  precedence escalate > manage\n\
    output single: bool default false\n  exclusive\n\
    rule refer \"Coercion\" cites \"002\" when coercion then response = escalate, single = true\n\
    rule calm \"Assessed non-abusive\" cites \"001\" when assessed then response = manage\n\
    rule not_assessed \"Not assessed non-abusive\" cites \"001\" when not assessed then response = escalate\n\
    rule v \"Vulnerable\" cites \"002\" when vulnerable then single = true\n";

#[test]
fn hit_policies_and_judgements_render_as_pinned() {
    let p = crate::check::policy_from_text(HIT_POLICIES);
    insta::assert_snapshot!(renderings(
        &p,
        &[
            // Precedence decides, and both exclusive rules apply.
            serde_json::json!({"coercion": true, "assessed": true, "vulnerable": true}),
            // Escalate in every completion, by precedence in some: no precedence named.
            serde_json::json!({"coercion": true, "vulnerable": false}),
            // Nothing to decide between: a plain value.
            serde_json::json!({"coercion": false, "assessed": true, "vulnerable": false}),
            // The judgement is still to find out.
            serde_json::json!({"coercion": false, "vulnerable": false}),
        ]
    ));
}

/// Every example a finding of a bundled policy shows gives only the inputs the policy
/// reads, and `decide` decides it exactly as the whole incident it stands for.
#[test]
fn bundled_examples_without_unread_inputs_decide_as_the_whole_incident() {
    use crate::source::{RealFs, Sources};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<std::path::PathBuf> = ["policies", "examples"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .filter(|p| !p.ends_with("incident.policy"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 7, "{paths:?}");
    let mut shown = 0;
    let mut unread = 0;
    for path in paths {
        let checked = crate::check::check_file(&mut Sources::new(), &RealFs, &path);
        let p = checked.policy.unwrap_or_else(|| panic!("{path:?} checks"));
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let a = crate::analyse::analyse(&mut c).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        let regions = a
            .gaps
            .iter()
            .map(|x| &x.region)
            .chain(a.conflicts.iter().map(|x| &x.region))
            .chain(a.resolved.iter().map(|x| &x.region))
            .chain(a.overlaps.iter().map(|x| &x.region))
            .chain(a.asserts.iter().filter_map(|x| x.counterexamples.as_ref()));
        for r in regions {
            let whole = Facts {
                values: r.example_values().into_iter().map(Some).collect(),
            };
            let json = r.example_json();
            let keys = json.as_object().unwrap();
            let partial = facts::parse_facts(&p, &json).unwrap();
            for (i, input) in p.inputs.entries() {
                assert_eq!(
                    keys.contains_key(&input.name),
                    a.reads.contains(i),
                    "{path:?}"
                );
            }
            unread += usize::from(keys.len() < p.inputs.len());
            let d_whole = decide(&p, &g, &whole).unwrap();
            let d_partial = decide(&p, &g, &partial).unwrap();
            assert_eq!(
                serde_json::to_value(decision_json(&p, &d_whole)).unwrap(),
                serde_json::to_value(decision_json(&p, &d_partial)).unwrap(),
                "{path:?}: {json}"
            );
            shown += 1;
        }
    }
    assert!(
        shown >= 5 && unread >= 1,
        "{shown} examples, {unread} without unread inputs"
    );
}

/// The outcome classes of the valid completions of `facts`, by enumeration.
fn brute_classes(p: &Policy, facts: &Facts) -> Vec<(Status, Vec<Verdict>)> {
    let mut out = Vec::new();
    brute::for_each_incident(p, |inc| {
        let fits = facts
            .values
            .iter()
            .zip(inc)
            .all(|(f, v)| f.as_ref().is_none_or(|f| f == v));
        if fits {
            let d = brute::decide(p, inc);
            if d.status != Status::BrokenAssumption {
                out.push((d.status, d.verdicts.into_iter().collect()));
            }
        }
    });
    out.sort();
    out.dedup();
    out
}

/// "Facts that mattered" are exactly the given facts whose change to another value (the
/// others fixed) changes what the incidents consistent with the facts decide: not every
/// fact on the graph's path (review B8), for complete and partial facts.
#[test]
fn facts_that_mattered_are_exact() {
    for seed in 0..150u64 {
        let p = generate(&SynthSpec::small(seed));
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        let mut rng = Rng::new(seed ^ 0xB8);
        for k in 0..6 {
            let mut facts = Facts {
                values: crate::check::ir::IdxVec::filled(None, p.inputs.len()),
            };
            for (i, inp) in p.inputs.entries() {
                if k % 2 == 0 || rng.chance(60) {
                    let vals = brute::values_of(&p, inp.ty);
                    facts.values[i] = Some(vals[rng.below(vals.len() as u64) as usize].clone());
                }
            }
            let Ok(d) = decide(&p, &g, &facts) else {
                continue;
            };
            let here = brute_classes(&p, &facts);
            let mut expected = Vec::new();
            for (i, inp) in p.inputs.entries() {
                let Some(v) = facts.values[i].clone() else {
                    continue;
                };
                let changes = brute::values_of(&p, inp.ty).into_iter().any(|w| {
                    if w == v {
                        return false;
                    }
                    let mut other = facts.clone();
                    other.values[i] = Some(w);
                    let c = brute_classes(&p, &other);
                    !c.is_empty() && c != here
                });
                if changes {
                    expected.push(i);
                }
            }
            let mut got = d.facts_used.clone();
            got.sort_unstable();
            assert_eq!(got, expected, "seed {seed}.{k}: {:?}", facts.values);
        }
    }
}
