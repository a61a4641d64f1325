//! The analyses and `decide` on policies written in the language, through the real
//! parser and checker: every finding with its region, count and example.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use policyc::analyse::{analyse_policy, Analysed};
use policyc::check::ir::Policy;
use policyc::compile::graph::DecisionGraph;
use policyc::compile::{CompileError, CompileOptions, Compiler};
use policyc::diagnostics::{render, Diagnostic};
use policyc::evaluate::batch::{self, Incidents};
use policyc::evaluate::render::json::ErrorJson;
use policyc::evaluate::{decision_human, decision_json, DecideStatus, Decider};
use policyc::source::Sources;
use policyc::testing::MemFs;

fn check(text: &str) -> (Sources, Policy) {
    let fs = MemFs::from([("/mem/p.policy", text)]);
    let mut sources = Sources::new();
    let checked = policyc::check::check_file(&mut sources, &fs, Path::new("/mem/p.policy"));
    let errors: Vec<String> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| render::to_string(&sources, d))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    (sources, checked.policy.expect("a policy"))
}

/// The decision graph `decide` walks.
fn graph_of(p: &Policy) -> DecisionGraph {
    let mut c = Compiler::new(p, &CompileOptions::default()).expect("compiles");
    DecisionGraph::build(&mut c).expect("graph")
}

fn analyse(text: &str) -> (Sources, Policy, Analysed) {
    let (sources, p) = check(text);
    let a = analyse_policy(&p).expect("analysable");
    (sources, p, a)
}

/// `policyc decide --format json` on one incident's `facts`: the exit code and the
/// answer.
fn decide_json(
    p: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    facts: &str,
) -> (u8, serde_json::Value) {
    let Incidents::One(Ok(doc)) = batch::from_text(facts) else {
        panic!("one incident: {facts}");
    };
    match batch::decide_one(p, decider, &doc) {
        Ok((_, d)) => {
            let code = u8::from(d.status == DecideStatus::Undecided);
            (code, serde_json::to_value(decision_json(p, &d)).unwrap())
        }
        Err(es) => (
            2,
            serde_json::to_value(ErrorJson::new(sources, None, &es)).unwrap(),
        ),
    }
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    let mut c: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    c.sort_unstable();
    c
}

const AGES: &str = r#"policy ages "Ages"
enum Resolution { outcome_21, investigation }
/// How old is the youngest person involved?
input youngest_age: 0..=99
/// How old is the oldest person involved?
input oldest_age: 0..=99
/// Was there coercion?
input coercion: bool
output resolution: Resolution
assume youngest_age <= oldest_age
scope oldest_age <= 17

rule coerced "Coercion is investigated" cites "001 para 9"
  when coercion
  then resolution = investigation
rule young "Young and uncoerced: outcome 21" cites "001 para 6"
  when not coercion and oldest_age <= 15
  then resolution = outcome_21
"#;

#[test]
fn gap_has_region_count_and_pasteable_example() {
    let (sources, p, a) = analyse(AGES);
    assert_eq!(codes(&a.diagnostics), vec!["E0501"]);
    let gap = &a.analysis.gaps[0];
    assert_eq!(gap.region.condition(), "oldest_age >= 16 and not coercion");
    assert_eq!(gap.region.count, 17 + 18);
    let d = &a.diagnostics[0];
    let text = render::to_string(&sources, d);
    assert!(text.contains("error[E0501]"), "{text}");
    assert!(text.contains("oldest_age >= 16 and not coercion"), "{text}");
    assert!(text.contains("accept gap resolution"), "{text}");
    // The example pasted into decide is undecided, for the gap's reason.
    let example = gap.region.example_json().to_string();
    let graph = graph_of(&p);
    let (code, j) = decide_json(&p, &Decider::Graph(&graph), &sources, &example);
    assert_eq!(code, 1);
    assert_eq!(j["status"], "undecided");
    assert_eq!(j["undecided"]["resolution"]["reason"], "gap");
}

#[test]
fn accepted_gap_is_a_note_and_stale_acceptance_a_warning() {
    let text = format!(
        "{AGES}\naccept gap resolution \"The letter is silent on 16 and 17\" when oldest_age >= 16\naccept gap resolution \"stale\" when coercion\n"
    );
    let (_, _, a) = analyse(&text);
    assert_eq!(codes(&a.diagnostics), vec!["W0504", "W0505"]);
    assert!(!a.analysis.has_errors());
}

#[test]
fn conflicts_name_both_rules_and_respect_overrides() {
    let base = r#"policy c "C"
enum Resolution { outcome_21, investigation }
input coercion: bool
input youngest_age: 0..=99
output resolution: Resolution default outcome_21
rule a "A" cites "x" when coercion then resolution = investigation
rule b "B" cites "x" when youngest_age >= 13 then resolution = outcome_21
"#;
    let (_, _, a) = analyse(base);
    assert_eq!(codes(&a.diagnostics), vec!["E0502"]);
    let c = &a.analysis.conflicts[0];
    assert_eq!(c.region.condition(), "coercion and youngest_age >= 13");
    assert_eq!(c.region.count, 87);
    assert!(a.diagnostics[0].message.contains("`a` and `b`"));
    assert_eq!(a.diagnostics[0].labels.len(), 3);
    let fixed = base.replace(
        "rule a \"A\" cites \"x\"",
        "rule a \"A\" cites \"x\" overrides b",
    );
    let (_, _, a) = analyse(&fixed);
    // No conflict left; and since `b` now only ever gives the default, it is redundant
    // (covered by the default) and the age no longer matters.
    assert_eq!(codes(&a.diagnostics), vec!["W0503", "W0507"]);
    let redundant = a.diagnostics.iter().find(|d| d.code == "W0507").unwrap();
    assert!(redundant
        .notes
        .iter()
        .any(|n| n.contains("the default of `resolution`")));
}

#[test]
fn dead_rules_unused_inputs_and_asserts() {
    let text = r#"policy d "D"
enum Resolution { outcome_21, investigation }
input coercion: bool
input oldest_age: 0..=99
input vulnerable: bool
input image_online: bool
output resolution: Resolution default outcome_21
scope oldest_age <= 17
rule adults "Adults" cites "x" when oldest_age >= 18 then resolution = investigation
rule base "Base" cites "x" when coercion then resolution = outcome_21
rule exc "Exception" cites "x" overrides base when coercion then resolution = investigation
assert coerced_investigated "Coercion is investigated" always coercion implies resolution == investigation
assert never_investigated "Nothing is investigated" always resolution == outcome_21
"#;
    let (_, p, a) = analyse(text);
    assert_eq!(codes(&a.diagnostics), vec!["E0503", "W0501", "W0502"]);
    let unused: Vec<&str> = a
        .analysis
        .unused_inputs
        .iter()
        .map(|&i| p.inputs[i].name.as_str())
        .collect();
    assert_eq!(unused, vec!["vulnerable", "image_online"]);
    let refuted: Vec<&str> = a
        .analysis
        .asserts
        .iter()
        .filter(|x| !x.holds)
        .map(|x| p.asserts[x.assert].name.as_str())
        .collect();
    assert_eq!(refuted, vec!["never_investigated"]);
    let ce = a.analysis.asserts[1].counterexamples.as_ref().unwrap();
    assert_eq!(ce.condition(), "coercion");
    assert_eq!(ce.example_json()["coercion"], true);
}

#[test]
fn partial_facts_list_the_questions_that_matter() {
    let (sources, p) = check(AGES);
    let graph = graph_of(&p);
    let run = |facts: &str| decide_json(&p, &Decider::Graph(&graph), &sources, facts);
    // Coercion alone decides (for every valid completion in scope), but scope still
    // depends on the ages.
    let (code, j) = run(r#"{"coercion": true, "oldest_age": 14}"#);
    assert_eq!(code, 0, "{j}");
    assert_eq!(j["decision"]["resolution"], "investigation");
    assert_eq!(j["rules"][0]["name"], "coerced");
    let (code, j) = run(r#"{"coercion": false}"#);
    assert_eq!(code, 1);
    assert_eq!(j["missing"], serde_json::json!(["oldest_age"]));
    let (code, j) = run(r#"{"oldest_age": 40}"#);
    assert_eq!(code, 0);
    assert_eq!(j["status"], "out_of_scope");
    let (code, j) = run(r#"{"youngest_age": 15, "oldest_age": 14, "coercion": true}"#);
    assert_eq!(code, 2);
    assert_eq!(j["errors"][0]["code"], "E0515");
    let Incidents::One(Ok(doc)) = batch::from_text(r#"{"coercion": false}"#) else {
        panic!("one incident");
    };
    let (_, d) = batch::decide_one(&p, &Decider::Graph(&graph), &doc).unwrap();
    let human = decision_human(&p, &d);
    assert!(
        human.contains("How old is the oldest person involved?"),
        "{human}"
    );
}

/// A gap the box engine cannot count is still proven, with an incident that gets no
/// value; the message says what is and is not known.
#[test]
fn an_uncounted_gap_is_reported_with_an_example() {
    use policyc::analyse::analyse_policy_with;
    use policyc::compile::{CompileOptions, Engine};
    let (sources, p) = check(AGES);
    let options = CompileOptions {
        engine: Engine::Boxes,
        max_splits: Some(0),
        ..CompileOptions::default()
    };
    let a = analyse_policy_with(&p, &options).expect("analysable");
    assert_eq!(codes(&a.diagnostics), vec!["E0504"]);
    let d = &a.diagnostics[0];
    insta::assert_snapshot!(render::to_string(&sources, d));
    let data = d.data_value().unwrap();
    assert_eq!(data["kind"], "unfinished");
    assert_eq!(data["analysis"], "gaps");
    assert_eq!(data["output"], "resolution");
    assert_eq!(data["gaps_exist"], true);
    assert_eq!(data["part"]["count"], 17);
    let example = &a.analysis.gap_examples[0];
    assert_eq!(data["example"], example.example_json);
    // The example really gets no value.
    let graph = graph_of(&p);
    let facts = example.example_json.to_string();
    let (code, j) = decide_json(&p, &Decider::Graph(&graph), &sources, &facts);
    assert_eq!(code, 1);
    assert_eq!(j["undecided"]["resolution"]["reason"], "gap");
}

/// Past a hundred conflicting pairs over one output, the rest are summed up per pair of
/// values in one diagnostic (the analysis counts every pair).
#[test]
fn conflicts_past_the_listed_ones_are_summed_up() {
    let mut text = String::from(
        "policy many \"Many\"\nenum Resolution { outcome_21, investigation }\n/// Was there coercion?\ninput coercion: bool\noutput resolution: Resolution\n",
    );
    for i in 0..11 {
        text.push_str(&format!(
            "rule a{i} \"A {i}\" cites \"p\"\n  when coercion\n  then resolution = outcome_21\n"
        ));
        text.push_str(&format!(
            "rule b{i} \"B {i}\" cites \"p\"\n  when coercion\n  then resolution = investigation\n"
        ));
    }
    let (sources, _, a) = analyse(&text);
    assert_eq!(a.analysis.conflict_pairs(), 121);
    assert_eq!(
        a.analysis.conflicts.len(),
        policyc::analyse::LISTED_CONFLICTS
    );
    let listed = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0502" && d.message.starts_with("rules"))
        .count();
    assert_eq!(listed, policyc::analyse::LISTED_CONFLICTS);
    let summary: Vec<&Diagnostic> = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0502" && d.message.contains("more pairs"))
        .collect();
    assert_eq!(summary.len(), 1);
    insta::assert_snapshot!(render::to_string(&sources, summary[0]));
    let data = summary[0].data_value().unwrap();
    assert_eq!(data["pairs"], 21);
}

/// Without a decision graph (one past the node limit), decide reads the rules: complete
/// facts get the same answer as through the graph; partial facts are refused (E0516)
/// naming what is missing.
#[test]
fn decide_reads_the_rules_when_there_is_no_graph() {
    let (sources, p) = check(AGES);
    let graph = graph_of(&p);
    let graph = &graph;
    let run = |decider: &Decider<'_>, facts: &str| decide_json(&p, decider, &sources, facts);
    let rules = Decider::rules(&p);
    for facts in [
        r#"{"coercion": true, "oldest_age": 14, "youngest_age": 13}"#,
        r#"{"coercion": false, "oldest_age": 16, "youngest_age": 13}"#,
        r#"{"coercion": false, "oldest_age": 40, "youngest_age": 13}"#,
        r#"{"coercion": true, "oldest_age": 14, "youngest_age": 15}"#,
    ] {
        let (code_g, by_graph) = run(&Decider::Graph(graph), facts);
        let (code_r, mut by_rules) = run(&rules, facts);
        assert_eq!(code_g, code_r, "{facts}");
        // Only the facts that mattered differ: the rules read every input they test.
        if let Some(m) = by_rules.as_object_mut() {
            if let Some(used) = by_graph.get("facts_used") {
                m.insert("facts_used".into(), used.clone());
            }
        }
        assert_eq!(by_graph, by_rules, "{facts}");
    }
    let (code, j) = run(&rules, r#"{"coercion": true}"#);
    assert_eq!(code, 2);
    assert_eq!(j["errors"][0]["code"], "E0516");
    assert!(
        j["errors"][0]["help"]
            .as_str()
            .is_some_and(|h| h.contains("oldest_age")),
        "{j}"
    );
}

/// The box engine describes a region as the diagrams do: a literal the assumptions imply
/// is dropped, so the parts the valid incidents' boxes cut it into merge again; and its
/// example is the one the diagrams give, though the boxes cut the region along the
/// relation of the two ages.
#[test]
fn the_box_engine_describes_a_gap_as_the_diagrams_do() {
    use policyc::analyse::analyse_policy_with;
    use policyc::compile::{CompileOptions, Engine};
    let (_, p) = check(AGES);
    let describe = |engine| {
        let options = CompileOptions {
            engine,
            ..CompileOptions::default()
        };
        let a = analyse_policy_with(&p, &options).expect("analysable");
        assert_eq!(a.analysis.engine, engine);
        let gap = &a.analysis.gaps[0];
        (
            gap.region.condition(),
            gap.region.count,
            gap.region.example_json().to_string(),
        )
    };
    let by_diagrams = describe(Engine::Diagrams);
    assert_eq!(by_diagrams.0, "oldest_age >= 16 and not coercion");
    assert_eq!(
        by_diagrams.2,
        r#"{"coercion":false,"oldest_age":16,"youngest_age":8}"#
    );
    assert_eq!(describe(Engine::Boxes), by_diagrams);
}

/// A policy without scenarios shows the ages its inputs declare `typical` in its
/// examples, wherever the finding's region allows them, and the nearest allowed age
/// where it does not.
#[test]
fn examples_take_the_declared_typical_values() {
    let text = r#"policy typical "Typical ages"
enum Action { escalate, in_school }
input youngest_age: 0..=99 typical 15
input oldest_age: 0..=99 typical 15
input coercion: bool
assume youngest_age <= oldest_age
output action: Action
rule coerced "Coercion is escalated" cites "x"
  when coercion
  then action = escalate
rule young "Under 13s are escalated" cites "x"
  when youngest_age < 13
  then action = escalate
rule older "Older teenagers are managed in school" cites "x"
  when oldest_age >= 16 and oldest_age <= 17
  then action = in_school
"#;
    let ages = |region: &policyc::compile::describe::Region| {
        let e = region.example_json();
        (e["youngest_age"].clone(), e["oldest_age"].clone())
    };
    let (_, _, a) = analyse(text);
    let gap = &a.analysis.gaps[0];
    assert_eq!(
        ages(&gap.region),
        (15.into(), 15.into()),
        "{}",
        gap.region.condition()
    );
    // Where `coerced` and `older` both apply, the oldest is 16 or 17: 16 is nearest 15.
    let cf = &a.analysis.conflicts[0];
    assert_eq!(
        ages(&cf.region),
        (15.into(), 16.into()),
        "{}",
        cf.region.condition()
    );
    // Without `typical`, the gap's oldest age is the middle of what it allows.
    let (_, _, b) = analyse(&text.replace(" typical 15", ""));
    assert_ne!(ages(&b.analysis.gaps[0].region), (15.into(), 15.into()));
}

/// `policyc check` reports findings about the policy, and a decision graph too large to
/// build is none: the commands that use the graph report it. Here the graph of
/// independent outputs passes a node limit the analyses fit, and check is clean, as it
/// is for a policy of many rules (analysed with boxes) whose graph takes seconds to
/// pass the limit.
#[test]
fn check_reports_no_graph_limit() {
    use policyc::analyse::analyse_policy_with;
    let mut text = String::from("policy wide \"Wide\"\n");
    for k in 0..14 {
        text.push_str(&format!(
            "/// Is {k} so?\ninput x{k}: bool\noutput o{k}: bool default false\nrule r{k} \"R{k}\"\n  cites \"c\"\n  when x{k}\n  then o{k} = true\n"
        ));
    }
    let (_, p) = check(&text);
    let options = CompileOptions {
        max_nodes: Some(5_000),
        ..CompileOptions::default()
    };
    let mut c = Compiler::new(&p, &options).expect("compiles");
    assert!(matches!(
        DecisionGraph::build(&mut c),
        Err(CompileError::TooLarge { .. })
    ));
    let a = analyse_policy_with(&p, &options).expect("analysable");
    assert_eq!(codes(&a.diagnostics), Vec::<&str>::new());
}

/// A policy of many rules is analysed with boxes; its only E0504s are the analyses'
/// own (gaps too fragmented to count).
#[test]
fn check_of_many_rules_reports_only_the_analyses() {
    use policyc::compile::Engine;
    use policyc::testing::synth::{generate, SynthSpec};
    let p = generate(&SynthSpec::large(20, 200, 1));
    let a = analyse_policy(&p).expect("analysable");
    assert_eq!(a.analysis.engine, Engine::Boxes);
    assert!(!a.diagnostics.is_empty());
    for d in a.diagnostics.iter().filter(|d| d.code == "E0504") {
        let kind = d.data_value().map(|data| data["kind"].clone());
        assert_eq!(kind, Some(serde_json::json!("unfinished")), "{}", d.message);
    }
}

/// A gap bounded by a relation between two inputs is described with the relation, in
/// one part, and the clause its diagnostic offers accepts exactly that gap.
#[test]
fn a_gap_bounded_by_a_relation_is_said_with_it() {
    let text = std::fs::read_to_string("tests/fixtures/diagnostics/E0501-gap-relation.policy")
        .expect("fixture");
    let (sources, _, a) = analyse(&text);
    assert_eq!(codes(&a.diagnostics), vec!["E0501"]);
    let gap = &a.analysis.gaps[0];
    assert_eq!(
        gap.region.condition(),
        "oldest_age - youngest_age <= 2 and not coercion"
    );
    let d = &a.diagnostics[0];
    let [fix] = d.fixes.as_slice() else {
        panic!("one fix: {d:?}")
    };
    // Machines read the clause in `data`.
    let clause = d.machine_data().unwrap()["accept"].clone();
    assert_eq!(clause, fix.data_entry().unwrap().1.as_str());
    let edit = fix.edit(&sources);
    let fixed = edit
        .apply(&text)
        .unwrap()
        .replace("\"reason\"", "\"silent\"");
    let (_, _, accepted) = analyse(&fixed);
    assert_eq!(codes(&accepted.diagnostics), vec!["W0505"]);
    assert_eq!(accepted.analysis.gaps[0].region.count, gap.region.count);
}

/// A rule always overridden is overridden by the rules that win its outputs: in a chain
/// `ra` over `rb` over `rc` where `rb` assigns another output, only `ra`.
#[test]
fn an_always_overridden_rule_names_the_rules_that_win() {
    let text = r#"policy chain "Chain"
/// Is a so?
input a: bool
/// Is b so?
input b: bool
enum V { va, vb, vc }
/// O?
output o: V default vc
/// P?
output p: bool default false
rule ra "A"
  cites "x"
  overrides rb
  when a
  then o = va
rule rb "B"
  cites "x"
  overrides rc
  when b
  then p = true
rule rc "C"
  cites "x"
  when a and b
  then o = vb
"#;
    let (_, _, a) = analyse(text);
    let dead: Vec<_> = a.diagnostics.iter().filter(|d| d.code == "W0502").collect();
    assert_eq!(dead.len(), 1, "{:?}", a.diagnostics);
    let data = dead[0].data_value().unwrap();
    assert_eq!(data["rule"], "rc");
    assert_eq!(data["by"], serde_json::json!(["ra"]));
}

/// An input only an acceptance reads is not unused: `decide` says whether a gap is
/// accepted, and here the two parts of the gap are accepted for different reasons.
#[test]
fn an_input_an_acceptance_reads_is_used() {
    let text = r#"policy t "T"
/// A?
input a: bool
/// N?
input n: 0..=9
/// O?
output o: bool
rule r1 "x"
  cites "c"
  when a
  then o = true
accept gap o "the letter is silent for small numbers"
  when not a and n <= 3
accept gap o "the letter is silent for large numbers"
  when not a and n > 3
"#;
    let (_, _, a) = analyse(text);
    assert!(a.analysis.unused_inputs.is_empty());
    assert_eq!(codes(&a.diagnostics), vec!["W0505"]);
}

/// An output compared with `==`, `!=` or `not in` must have a value, as docs/analysis.md
/// says of every atom on an output: `o == false` and `o != true` fail where `o` has no
/// value (they were `not o`, which holds there), and so do `e != x`, `e not in {y}` and
/// `n not in 1..=3`. A comparison in parentheses is a condition: `(o == true) == false`
/// holds where `o` has no value, and a condition equals itself.
#[test]
fn output_comparisons_fail_where_the_output_has_no_value() {
    let text = r#"policy t "T"
/// A?
input a: bool
/// O?
output o: bool
enum E { x, y, z }
/// E?
output e: E
/// N?
output n: 0..=10
rule r "R"
  cites "c"
  when a
  then o = true, e = x, n = 2
accept gap o "silent"
accept gap e "silent"
accept gap n "silent"
assert o_false "O false"
  always not a implies o == false
assert o_not_true "O not true"
  always not a implies o != true
assert e_not_x "E not x"
  always not a implies e != x
assert where_decided "Where decided"
  always a implies o == true and o != false and e == x and e != y
assert negation_is_classical "not o holds on a gap"
  always not a implies not o
assert e_not_in "E not in {y}"
  always not a implies e not in {y}
assert n_not_in "N not in 1..=3"
  always not a implies n not in 1..=3
assert n_ne "N not 2"
  always not a implies n != 2
assert conditions_compared "A condition equals itself"
  always (o == true) == (o == true)
assert condition_false "A condition that fails on a gap"
  always not a implies (o == true) == false
"#;
    let (_, p, a) = analyse(text);
    let refuted: Vec<&str> = a
        .analysis
        .asserts
        .iter()
        .filter(|f| !f.holds)
        .map(|f| p.asserts[f.assert].name.as_str())
        .collect();
    assert_eq!(
        refuted,
        vec![
            "o_false",
            "o_not_true",
            "e_not_x",
            "e_not_in",
            "n_not_in",
            "n_ne"
        ]
    );
}

/// Bounds on one difference are said as one comparison: `== 2`, `in 2..=4`.
#[test]
fn bounds_on_one_difference_are_joined() {
    let text = |high: u32| {
        format!(
            "policy t \"T\"\n/// Youngest?\ninput youngest_age: 0..=20\n/// Oldest?\ninput oldest_age: 0..=20\nassume youngest_age <= oldest_age\nenum R {{ escalate, keep }}\n/// R?\noutput r: R\nrule wide \"Wide\"\n  cites \"c\"\n  when oldest_age - youngest_age >= {high}\n  then r = escalate\nrule near \"Near\"\n  cites \"c\"\n  when oldest_age - youngest_age <= 1\n  then r = keep\n"
        )
    };
    for (high, said) in [
        (3, "oldest_age - youngest_age == 2"),
        (5, "oldest_age - youngest_age in 2..=4"),
    ] {
        let (_, _, a) = analyse(&text(high));
        assert_eq!(a.analysis.gaps[0].region.condition(), said);
    }
}

/// An assumption of a `use`d vocabulary is not a read (docs/language.md): a policy that
/// never reads the ages is told so (W0503, a note for vocabulary inputs), though the
/// vocabulary assumes `youngest_age <= oldest_age`. The policy's own assumption is a
/// read. From a new-user review (B7).
#[test]
fn a_vocabulary_assumption_does_not_make_its_inputs_read() {
    let vocab = "input youngest_age: 0..=20\ninput oldest_age: 0..=20\ninput coercion: bool\n\
                 assume youngest_age <= oldest_age\n";
    let policy = "policy p \"P\"\nuse \"v.policy\"\noutput o: bool\n\
                  rule r \"R\" cites \"c\" when coercion then o = true\n\
                  rule s \"S\" cites \"c\" when not coercion then o = false\n";
    let unused = |policy: &str| -> Vec<String> {
        let fs = MemFs::from([("/mem/v.policy", vocab), ("/mem/p.policy", policy)]);
        let mut sources = Sources::new();
        let checked = policyc::check::check_file(&mut sources, &fs, Path::new("/mem/p.policy"));
        let p = checked.policy.expect("a policy");
        let a = analyse_policy(&p).expect("analysable");
        a.analysis
            .unused_inputs
            .iter()
            .map(|&i| p.inputs[i].name.clone())
            .collect()
    };
    assert_eq!(unused(policy), ["youngest_age", "oldest_age"]);
    let own = policy.replace("output o", "assume youngest_age <= oldest_age\noutput o");
    assert_eq!(unused(&own), Vec::<String>::new());
}
