//! The interview against `decide`: on every bundled policy, many seeded random incidents
//! answered question by question (some "don't know", some steps taken back) end where
//! `decide` says they do, within the decision graph's path; and the interview's parts
//! (questions, replies, refusals, the facts file) in words.

use std::path::{Path, PathBuf};

use super::*;
use crate::check::ir::{IdxVec, InputId, Policy, Ty, Value};
use crate::compile::graph::{DecisionGraph, GraphNode, Verdict};
use crate::compile::synth::Rng;
use crate::evaluate::{decide, deciding_graph, Answer, DecideStatus, Decider, Decision, Facts};
use crate::source::{RealFs, Sources};
use crate::testing::id;

/// The bundled policies that decide (`incident.policy` is a module; `compare/` holds
/// policies without outputs, tested apart).
fn bundled() -> Vec<(PathBuf, Policy)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .filter(|p| !p.ends_with("incident.policy"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 6, "the bundled policies: {paths:?}");
    paths
        .into_iter()
        .map(|path| {
            let checked = crate::check::check_file(&mut Sources::new(), &RealFs, &path);
            let policy = checked.policy.unwrap_or_else(|| panic!("{path:?} checks"));
            (path, policy)
        })
        .collect()
}

fn graph_of(path: &Path, p: &Policy) -> DecisionGraph {
    deciding_graph(p, path)
        .unwrap()
        .expect("bundled policies have graphs")
}

fn none(p: &Policy) -> Facts {
    Facts {
        values: IdxVec::filled(None, p.inputs.len()),
    }
}

/// A random incident that breaks no assumption; ages mostly those of children, so that
/// most incidents are in scope.
fn incident(p: &Policy, g: &DecisionGraph, rng: &mut Rng) -> Option<Vec<Value>> {
    for _ in 0..1000 {
        let values: Vec<Value> = p
            .inputs
            .iter()
            .map(|i| match i.ty {
                Ty::Int { lo, hi } if rng.chance(70) && lo <= 10 && hi >= 19 => {
                    Value::Int(10 + rng.below(10) as i64)
                }
                ty => crate::compile::index_value(ty, rng.below(p.domain_size(ty)) as u32),
            })
            .collect();
        let facts = Facts {
            values: values.iter().cloned().map(Some).collect(),
        };
        if decide(p, g, &facts).is_ok() {
            return Some(values);
        }
    }
    None
}

fn indices(p: &Policy, values: &[Value]) -> Vec<u32> {
    p.inputs
        .iter()
        .zip(values)
        .map(|(i, v)| crate::compile::value_index(i.ty, v).unwrap())
        .collect()
}

/// The inputs the decision graph (rule sets at its leaves) asks on the incident's path.
fn graph_path(p: &Policy, g: &DecisionGraph, values: &[u32]) -> Vec<InputId> {
    use petgraph::visit::EdgeRef;
    let mut n = g.root;
    let mut path = Vec::new();
    while let GraphNode::Question { input } = g.graph[n] {
        path.push(input);
        let v = values[input.index()];
        n = g
            .graph
            .edges(n)
            .find(|e| {
                e.weight()
                    .values
                    .index_ranges(p.inputs[input].ty)
                    .iter()
                    .any(|&(a, b)| a <= v && v <= b)
            })
            .unwrap()
            .target();
    }
    path
}

/// What an answer says, without the rules behind it.
fn verdict(a: &Answer) -> Option<Verdict> {
    match a {
        Answer::Value { value, .. } => Some(Verdict::Value(value.clone())),
        Answer::Gap => Some(Verdict::Gap),
        Answer::Conflict(vs) => Some(Verdict::Conflict(vs.iter().map(|v| v.0.clone()).collect())),
        Answer::Overlap(vs) => Some(Verdict::Overlap(vs.iter().map(|v| v.0.clone()).collect())),
        Answer::Missing { .. } | Answer::None => None,
    }
}

/// Runs an interview on `truth`, answering "don't know" with `dont_know` percent chance
/// and now and then taking an answer back (and giving it again) or starting again.
fn interview_on<'a>(
    p: &'a Policy,
    decider: &'a Decider<'a>,
    truth: &[Value],
    dont_know: u64,
    rng: &mut Rng,
) -> Interview<'a> {
    let mut iv = Interview::new(p, decider, none(p)).unwrap();
    let mut restarted = false;
    let mut turns = 0;
    while let Some(q) = iv.next_question() {
        turns += 1;
        assert!(turns < 10 * p.inputs.len() + 10, "the interview ends");
        assert_eq!(q.number, iv.steps().len() + 1);
        if rng.chance(8) && iv.back().is_some() {
            continue;
        }
        if !restarted && rng.chance(2) {
            restarted = true;
            iv.restart();
            assert!(iv.steps().is_empty() && iv.facts() == &none(p));
            continue;
        }
        if rng.chance(dont_know) {
            assert!(iv.dont_know());
        } else {
            let before = iv.steps().len();
            iv.answer(truth[q.input.index()].clone())
                .unwrap_or_else(|e| panic!("a true answer is refused: {e}"));
            assert_eq!(iv.steps().len(), before + 1);
        }
    }
    iv
}

/// The acceptances' inputs: facts asked after the graph's path to settle whether a gap
/// is accepted.
fn acceptance_inputs(p: &Policy) -> Vec<InputId> {
    let mut out: Vec<InputId> = p
        .accepted_gaps
        .iter()
        .flat_map(|g| crate::compile::order::expr_inputs(p, &g.when))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Interviews `truth` on the graph and checks the end against `decide`: the decision
/// is `decide`'s on the interview's facts; what remains missing was answered "don't
/// know"; whatever is settled, the whole incident settles alike; and without "don't
/// know", the decision is the whole incident's, from questions on the decision graph's
/// path (and facts an acceptance reads). Returns how many questions were off the path.
fn check_interview(
    p: &Policy,
    g: &DecisionGraph,
    truth: &[Value],
    dont_know: u64,
    rng: &mut Rng,
    ctx: &str,
) -> usize {
    let decider = Decider::Graph(g);
    let complete = Facts {
        values: truth.iter().cloned().map(Some).collect(),
    };
    let full = decide(p, g, &complete).unwrap();
    let iv = interview_on(p, &decider, truth, dont_know, rng);
    let d = iv.decision();
    let ctx = format!("{ctx}: {:?}", iv.steps());
    assert_eq!(d, &decide(p, g, iv.facts()).unwrap(), "{ctx}");
    let unknown = iv.unknown();
    assert!(d.missing.iter().all(|i| unknown.contains(i)), "{ctx}");
    if d.status == DecideStatus::OutOfScope {
        assert_eq!(full.status, DecideStatus::OutOfScope, "{ctx}");
    }
    for (o, a) in d.answers.entries() {
        if let Some(v) = verdict(a) {
            assert_eq!(Some(v), verdict(&full.answers[o]), "{ctx} output {o:?}");
        }
    }
    // An acceptance the answers settle is one of those the whole incident has (which
    // may have more, settled by facts not asked).
    for (o, reasons) in &d.accepted_gaps {
        let all = full.accepted_reason(*o).unwrap_or_default();
        let known = p.accepted_gaps.iter().map(|g| g.reason.as_str());
        for r in known.filter(|r| reasons.contains(r)) {
            assert!(all.contains(r), "{ctx}: {r}");
        }
    }
    if !unknown.is_empty() {
        return 0;
    }
    assert_eq!(d.status, full.status, "{ctx}");
    let accepted = |d: &Decision| d.accepted_gaps.iter().map(|a| a.0).collect::<Vec<_>>();
    assert_eq!(accepted(d), accepted(&full), "{ctx}");
    for (o, a) in d.answers.entries() {
        assert_eq!(verdict(a), verdict(&full.answers[o]), "{ctx} output {o:?}");
    }
    // Each question still mattered when asked, and a judgement was asked only when no
    // fact still mattered.
    let judged = |i: InputId| p.inputs[i].judgement.is_some();
    for (k, step) in iv.steps().iter().enumerate() {
        let before = if k == 0 {
            &iv.first
        } else {
            &iv.decisions[k - 1]
        };
        let dont_knows: Vec<InputId> = iv.steps()[..k]
            .iter()
            .filter(|s| s.value.is_none())
            .map(|s| s.input)
            .collect();
        let open: Vec<InputId> = before
            .missing
            .iter()
            .copied()
            .filter(|i| !dont_knows.contains(i))
            .collect();
        assert!(open.contains(&step.input), "{ctx}: step {k}");
        if judged(step.input) {
            assert!(open.iter().all(|&i| judged(i)), "{ctx}: step {k}");
        }
    }
    // A judgement put off may cost questions off the path; without one open, every
    // question is on it.
    if p.inputs.ids().any(judged) {
        return 0;
    }
    let idx = indices(p, truth);
    let outcome_path = g.facts_used(&idx);
    let graph_path = graph_path(p, g, &idx);
    assert!(outcome_path.iter().all(|i| graph_path.contains(i)), "{ctx}");
    let asked: Vec<InputId> = iv.steps().iter().map(|s| s.input).collect();
    let off_path: Vec<InputId> = asked
        .iter()
        .copied()
        .filter(|i| !outcome_path.contains(i))
        .collect();
    let accepting = acceptance_inputs(p);
    assert!(
        off_path.iter().all(|i| accepting.contains(i)),
        "{ctx}: asked {off_path:?} off the path {outcome_path:?}"
    );
    assert!(
        asked.len() <= graph_path.len() + off_path.len(),
        "{ctx}: {} questions, path {}",
        asked.len(),
        graph_path.len()
    );
    off_path.len()
}

#[test]
fn interviews_reach_the_decision_of_decide_within_the_path() {
    let mut off_path = 0;
    for (path, p) in bundled() {
        let g = graph_of(&path, &p);
        for seed in 0..200u64 {
            let mut rng = Rng::new(seed ^ 0xA5C);
            let truth = incident(&p, &g, &mut rng).unwrap();
            let dont_know = [0, 10, 30][seed as usize % 3];
            let ctx = format!("{} seed {seed}", p.name);
            off_path += check_interview(&p, &g, &truth, dont_know, &mut rng, &ctx);
        }
    }
    // The bundled policies' acceptances read only facts their gaps' paths settle: every
    // question is on the path.
    assert_eq!(off_path, 0);
}

#[test]
fn interviews_on_random_policies_stay_on_the_path() {
    for seed in 0..300u64 {
        let p = crate::compile::synth::generate(&crate::compile::synth::SynthSpec::small(seed));
        let mut c = crate::compile::Compiler::new(&p, &Default::default()).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        let mut rng = Rng::new(seed ^ 0x5A5);
        for k in 0..8u64 {
            let Some(truth) = incident(&p, &g, &mut rng) else {
                break;
            };
            let dont_know = [0, 0, 25][k as usize % 3];
            check_interview(
                &p,
                &g,
                &truth,
                dont_know,
                &mut rng,
                &format!("synth {seed}.{k}"),
            );
        }
    }
}

#[test]
fn past_the_graph_the_rules_are_asked_in_declaration_order() {
    for (path, p) in bundled() {
        let g = graph_of(&path, &p);
        let by_rules = Decider::rules(&p);
        let Decider::Rules(r) = &by_rules else {
            unreachable!()
        };
        for seed in 0..6u64 {
            let mut rng = Rng::new(seed ^ 0x7E1);
            let truth = incident(&p, &g, &mut rng).unwrap();
            let complete = Facts {
                values: truth.iter().cloned().map(Some).collect(),
            };
            let full = decide(&p, &g, &complete).unwrap();
            let dont_know = if seed % 2 == 0 { 0 } else { 20 };
            let iv = interview_on(&p, &by_rules, &truth, dont_know, &mut rng);
            let asked: Vec<InputId> = iv.steps().iter().map(|s| s.input).collect();
            let judged = |i: &InputId| p.inputs[*i].judgement.is_some();
            let (mut read, judgements): (Vec<InputId>, Vec<InputId>) =
                r.read().iter().partition(|i| !judged(i));
            read.extend(judgements);
            assert_eq!(
                asked, read,
                "{}: every input the rules read, in order, judgements last",
                p.name
            );
            let d = iv.decision();
            let unknown = iv.unknown();
            if unknown.is_empty() {
                assert_eq!(d, &by_rules.decide(&p, iv.facts()).unwrap());
                assert_eq!(d.status, full.status, "{}", p.name);
                for (o, a) in d.answers.entries() {
                    assert_eq!(verdict(a), verdict(&full.answers[o]));
                }
            } else {
                assert_eq!(d.status, DecideStatus::Undecided);
                assert_eq!(d.missing, unknown, "what decide needs and was not known");
            }
        }
    }
}

fn school() -> (PathBuf, Policy) {
    bundled()
        .into_iter()
        .find(|(path, _)| path.ends_with("school-advice.policy"))
        .unwrap()
}

#[test]
fn an_impossible_answer_is_refused_in_words_and_asked_again() {
    let (path, p) = school();
    let g = graph_of(&path, &p);
    let decider = Decider::Graph(&g);
    let mut iv = Interview::new(&p, &decider, none(&p)).unwrap();
    let first = iv.next_question().unwrap();
    assert_eq!(first.name, "oldest_age");
    iv.answer(Value::Int(14)).unwrap();
    assert_eq!(iv.next_question().unwrap().name, "youngest_age");
    let refused = iv.answer(Value::Int(16)).unwrap_err();
    assert_eq!(
        refused,
        "that answer is impossible with the answers so far: the policy assumes \
         youngest age ≤ oldest age of every incident; answer again, or b to change an \
         earlier answer"
    );
    assert_eq!(iv.next_question().unwrap().name, "youngest_age");
    assert_eq!(iv.steps().len(), 1);
    let wrong_type = iv.answer(Value::Bool(true)).unwrap_err();
    assert_eq!(wrong_type, "true is not an answer to this question");
}

#[test]
fn back_restart_and_the_facts_file() {
    let (path, p) = school();
    let g = graph_of(&path, &p);
    let decider = Decider::Graph(&g);
    let mut start = none(&p);
    let coercion = p.inputs.position(|i| i.name == "coercion").unwrap();
    start.values[coercion] = Some(Value::Bool(false));
    let mut iv = Interview::new(&p, &decider, start.clone()).unwrap();
    assert!(iv.back().is_none(), "nothing to take back at the start");
    iv.answer(Value::Int(15)).unwrap();
    iv.answer(Value::Int(15)).unwrap();
    assert!(iv.dont_know());
    let asked: Vec<&str> = iv
        .steps()
        .iter()
        .map(|s| p.inputs[s.input].name.as_str())
        .collect();
    assert!(!asked.contains(&"coercion"), "a fact given is not asked");
    assert_eq!(
        iv.facts_json(),
        "{\n  \"youngest_age\": 15,\n  \"oldest_age\": 15,\n  \"coercion\": false,\n  \
         \"widely_distributed\": null\n}\n",
        "in declaration order, \"don't know\" as null"
    );
    let json: serde_json::Value = serde_json::from_str(&iv.facts_json()).unwrap();
    assert_eq!(json["widely_distributed"], serde_json::Value::Null);
    // The facts file decides as the interview did.
    let again = crate::evaluate::parse_facts(&p, &json).unwrap();
    assert_eq!(&decide(&p, &g, &again).unwrap(), iv.decision());
    let step = iv.back().unwrap();
    assert_eq!(step.value, None);
    assert_eq!(iv.next_question().unwrap().input, step.input);
    iv.restart();
    assert_eq!(
        iv.facts(),
        &start,
        "restarting keeps the facts file's facts"
    );
    assert_eq!(iv.decision(), &decide(&p, &g, &start).unwrap());
}

#[test]
fn an_incident_out_of_scope_ends_the_interview() {
    let (path, p) = school();
    let g = graph_of(&path, &p);
    let decider = Decider::Graph(&g);
    let mut iv = Interview::new(&p, &decider, none(&p)).unwrap();
    iv.answer(Value::Int(30)).unwrap();
    iv.answer(Value::Int(18)).unwrap();
    assert!(iv.is_over());
    assert_eq!(iv.decision().status, DecideStatus::OutOfScope);
    assert!(!iv.is_decided());
    assert_eq!(
        text::progress(&iv),
        "   out of scope: this policy decides nothing for this incident\n"
    );
}

#[test]
fn facts_that_break_an_assumption_are_refused_at_the_start() {
    let (path, p) = school();
    let g = graph_of(&path, &p);
    let decider = Decider::Graph(&g);
    let mut start = none(&p);
    start.values[id(0)] = Some(Value::Int(16));
    start.values[id(1)] = Some(Value::Int(15));
    let err = Interview::new(&p, &decider, start).err().unwrap();
    assert_eq!(err.code, crate::diagnostics::Code::E0515);
}

#[test]
fn an_acceptance_off_the_path_is_asked_after_it() {
    // The gap is where `a` is false; whether the policy accepts it depends on `b`,
    // which nothing else reads.
    let p = crate::check::policy_from_text(
        "policy w \"w\"\n/// Is it a?\ninput a: bool\n/// Is it b?\ninput b: bool\n\
         output o: bool\nrule r \"r\" cites \"c\" when a then o = true\n\
         accept gap o \"para 3 is silent\" when b\n",
    );
    let mut c = crate::compile::Compiler::new(&p, &Default::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    let decider = Decider::Graph(&g);
    let mut iv = Interview::new(&p, &decider, none(&p)).unwrap();
    assert_eq!(iv.next_question().unwrap().name, "a");
    iv.answer(Value::Bool(false)).unwrap();
    assert_eq!(
        iv.next_question().unwrap().name,
        "b",
        "settles the acceptance"
    );
    iv.answer(Value::Bool(true)).unwrap();
    assert!(iv.is_over());
    assert_eq!(
        iv.decision().accepted_reason(id(0)),
        Some("para 3 is silent")
    );
    assert_eq!(
        text::progress(&iv),
        "   o: undecided on purpose: para 3 is silent (o)\n"
    );
}

#[test]
fn a_policy_without_outputs_asks_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/compare");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let checked = crate::check::check_file(&mut Sources::new(), &RealFs, &path);
        let p = checked.policy.unwrap();
        let g = graph_of(&path, &p);
        let decider = Decider::Graph(&g);
        let iv = Interview::new(&p, &decider, none(&p)).unwrap();
        assert!(iv.is_over(), "{path:?}");
    }
}

fn question(p: &Policy, name: &str) -> Question {
    let i = p.inputs.position(|i| i.name == name).unwrap();
    Question::new(p, i, 3).unwrap()
}

#[test]
fn questions_in_words() {
    let (_, p) = school();
    assert_eq!(
        text::question(&question(&p, "severity")),
        "\nQuestion 3: What is the most serious content involved: semi-nude, nude, a sexual \
         act, or\n   violent or extreme acts?\n   1) semi_nude — Semi-nude images.\n   \
         2) nude — Nude images.\n   3) sexual_act — Images of a sexual act.\n   \
         4) extreme — Images of violent or extreme acts.\n"
    );
    assert_eq!(
        text::question(&question(&p, "youngest_age")),
        "\nQuestion 3: How old is the youngest person involved (pictured, sending or \
         receiving), in\n   years?\n   (a whole number from 0 to 99)\n"
    );
    let mut q = question(&p, "coercion");
    q.judgement = Some("001 para 7: 'a careful assessment'".into());
    assert_eq!(
        text::question(&q),
        "\nQuestion 3 (a judgement for you to make): Was there force, coercion, blackmail or\n   \
         grooming, or encouragement from anyone beyond the sender and the receiver?\n   \
         The policy leaves this to the judgement of the person handling the incident: 001 para\n   \
         7: 'a careful assessment'\n   1) yes\n   2) no\n"
    );
    // The clause itself puts a question as a judgement.
    let judged = crate::check::policy_from_text(
        "policy w \"w\"\ninput a: bool judgement \"001 para 7\"\noutput o: bool default false\n\
         rule r \"r\" cites \"c\" when a then o = true\n",
    );
    assert_eq!(
        question(&judged, "a").judgement.as_deref(),
        Some("001 para 7")
    );
    let bare = crate::check::policy_from_text(
        "policy w \"w\"\ninput a: bool\ninput n: 1..=5\noutput o: bool default false\n\
         rule r \"r\" cites \"c\" when a and n > 2 then o = true\n",
    );
    assert_eq!(question(&bare, "a").text, "`a`: yes or no?");
    assert_eq!(question(&bare, "n").text, "What is `n`?");
}

#[test]
fn replies_are_read_with_clear_words_for_mistakes() {
    let (_, p) = school();
    let severity = question(&p, "severity");
    let age = question(&p, "youngest_age");
    let yes_no = question(&p, "coercion");
    let read = |q: &Question, s: &str| parse_reply(q, s);
    let e = |q: &Question, s: &str| read(q, s).unwrap_err();
    assert!(matches!(
        read(&severity, " 2 "),
        Ok(Reply::Answer(Value::Enum(_, v))) if v.index() == 1
    ));
    assert!(matches!(
        read(&severity, "Extreme"),
        Ok(Reply::Answer(Value::Enum(_, v))) if v.index() == 3
    ));
    assert_eq!(read(&yes_no, "1"), Ok(Reply::Answer(Value::Bool(true))));
    assert_eq!(read(&yes_no, "n"), Ok(Reply::Answer(Value::Bool(false))));
    assert_eq!(read(&yes_no, "yes"), Ok(Reply::Answer(Value::Bool(true))));
    assert_eq!(read(&age, "15"), Ok(Reply::Answer(Value::Int(15))));
    for (typed, reply) in [
        ("?", Reply::DontKnow),
        ("d", Reply::DontKnow),
        ("Don't know", Reply::DontKnow),
        ("b", Reply::Back),
        ("back", Reply::Back),
        ("r", Reply::Restart),
        ("q", Reply::Quit),
        ("h", Reply::Help),
        ("s My Facts.json", Reply::Save("My Facts.json".into())),
    ] {
        assert_eq!(read(&age, typed), Ok(reply), "{typed}");
    }
    assert_eq!(
        e(&age, "100"),
        "100 is outside the range the policy allows for `youngest_age` (type a whole number \
         from 0 to 99, or ? if you don't know)"
    );
    assert_eq!(
        e(&age, "fifteen"),
        "`fifteen` is not a whole number (type a whole number from 0 to 99, or ? if you don't \
         know)"
    );
    assert_eq!(
        e(&severity, "5"),
        "5 is not one of the choices (type a number from 1 to 4, or ? if you don't know)"
    );
    assert_eq!(
        e(&severity, "huge"),
        "`huge` is not one of the choices (type a number from 1 to 4, or ? if you don't know)"
    );
    assert_eq!(e(&severity, "s"), "say where to save the facts: s FILE");
    assert!(e(&severity, "  ").starts_with("type an answer, or h for help"));
}

#[test]
fn a_line_typed_moves_the_interview_or_stays() {
    let (path, p) = school();
    let g = graph_of(&path, &p);
    let decider = Decider::Graph(&g);
    let mut iv = Interview::new(&p, &decider, none(&p)).unwrap();
    let q = iv.next_question().unwrap();
    assert_eq!(iv.reply(&q, "h"), Turn::Stay(text::help()));
    assert_eq!(
        iv.reply(&q, "b"),
        Turn::Stay("   there is no answer to go back to\n".into())
    );
    assert_eq!(iv.reply(&q, "s x.json"), Turn::Save("x.json".into()));
    assert_eq!(
        iv.reply(&q, "15"),
        Turn::Moved(
            "   decided: Is the incident recorded, with the actions taken and not taken, and why? yes\n     (record_incident = true, by record_all)\n"
                .into()
        )
    );
    let q = iv.next_question().unwrap();
    assert!(matches!(iv.reply(&q, "16"), Turn::Stay(s) if s.contains("impossible")));
    assert_eq!(iv.reply(&q, "?"), Turn::Moved(String::new()));
    assert_eq!(iv.reply(&q, "back"), Turn::Moved(String::new()));
    assert_eq!(iv.reply(&q, "r"), Turn::Moved("   starting again\n".into()));
    assert!(iv.steps().is_empty());
    assert_eq!(iv.reply(&q, "q"), Turn::Quit);
}

/// Whatever is typed, a reply is read or refused in words, never a panic.
#[test]
fn any_line_typed_is_read_or_refused() {
    let (path, p) = school();
    let g = graph_of(&path, &p);
    let decider = Decider::Graph(&g);
    let mut iv = Interview::new(&p, &decider, none(&p)).unwrap();
    let alphabet: Vec<char> = "0123456789 -+?dbrqhsSyn\t\u{a0}é🙂'x.e".chars().collect();
    let mut rng = Rng::new(7);
    for _ in 0..3000 {
        let len = rng.below(12) as usize;
        let line: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize])
            .collect();
        for name in ["severity", "youngest_age", "coercion"] {
            let _ = parse_reply(&question(&p, name), &line);
        }
        if let Some(q) = iv.next_question() {
            if iv.reply(&q, &line) == Turn::Quit {
                iv.restart();
            }
        } else {
            iv.restart();
        }
    }
}

/// A question quotes the doc comment without the backticks around names (review D5).
#[test]
fn questions_lose_the_backticks_of_names() {
    assert_eq!(
        super::question::unquoted("counts as `extreme`."),
        "counts as extreme."
    );
    assert_eq!(
        super::question::unquoted("a lone ` stays"),
        "a lone ` stays"
    );
    let p = crate::check::policy_from_text(
        "policy w \"w\"\n/// Is it `extreme`? (Violent acts are the severity `extreme`.)\n\
         input a: bool\noutput o: bool default false\n",
    );
    let q = Question::new(&p, id(0), 1).unwrap();
    assert_eq!(q.text, "Is it extreme?");
    assert_eq!(
        q.detail.as_deref(),
        Some("(Violent acts are the severity extreme.)")
    );
}
