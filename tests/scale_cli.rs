//! Commands answer, or refuse, in proportion to what they are asked: a relation too
//! expensive to compile is refused at once (E0504) and `decide` still answers by
//! reading the rules. Not timed (the machine is shared); the outcomes are asserted,
//! and `cargo bench --bench analysis` times them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{code, policyc, stderr, stdout, temp_dir};

const RELATION: &str = r#"policy rel "Relation"

input a: 0..=1000000
input b: 0..=1000000
input c: 0..=1000000

output big: bool default false

rule sum "Sum exceeds" cites "x"
  when a + b > c
  then big = true
"#;

#[test]
fn a_relation_too_expensive_to_compile_is_refused_and_decide_still_answers() {
    let dir = temp_dir("relation");
    let policy = dir.join("rel.policy");
    std::fs::write(&policy, RELATION).unwrap();
    let policy = policy.to_str().unwrap();
    let facts = dir.join("facts.json");
    std::fs::write(&facts, r#"{"a": 1, "b": 2, "c": 2}"#).unwrap();

    let o = policyc(&["check", policy]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o) + &stderr(&o);
    assert!(
        out.contains("E0504") && out.contains("too expensive to compile exactly"),
        "{out}"
    );

    let o = policyc(&["graph", policy]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("E0504"), "{}", stderr(&o));

    let o = policyc(&["decide", "--facts", facts.to_str().unwrap(), policy]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("big = true"), "{}", stdout(&o));
}

/// A decision table of many overlapping rules (its decision graph is far past the node
/// limit), as `benches/scale.rs` makes them: one value per line.
fn table(rules: usize) -> String {
    let mut text = String::from("policy t \"Table\"\nenum V { v0, v1, v2 }\n");
    for i in 0..12 {
        text.push_str(&format!("input x{i}: 0..=99\n"));
    }
    text.push_str("output out: V\n");
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for r in 0..rules {
        let (a, b) = (next(12), next(12));
        let (t, u) = (1 + next(98), 1 + next(98));
        text.push_str(&format!(
            "rule r{r} \"R{r}\" cites \"t\"\n  when x{a} < {t} and x{b} >= {u}\n  then out = v{}\n",
            next(3)
        ));
    }
    text
}

#[test]
fn one_complete_incident_of_a_large_table_is_decided_by_reading_the_rules() {
    let dir = temp_dir("table");
    let policy = dir.join("table.policy");
    std::fs::write(&policy, table(2000)).unwrap();
    let policy = policy.to_str().unwrap();
    let facts = dir.join("facts.json");
    let complete: Vec<String> = (0..12).map(|i| format!("\"x{i}\": {}", 7 * i)).collect();
    std::fs::write(&facts, format!("{{{}}}", complete.join(", "))).unwrap();
    let o = policyc(&["decide", "--facts", facts.to_str().unwrap(), policy]);
    assert!(code(&o) < 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("decision:"), "{}", stdout(&o));
    // Partial facts still get the whole graph's answer or, past its limit, E0516.
    let partial = dir.join("partial.json");
    std::fs::write(&partial, r#"{"x0": 1}"#).unwrap();
    let o = policyc(&["decide", "--facts", partial.to_str().unwrap(), policy]);
    assert_eq!(code(&o), 2, "{}{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains("E0516"), "{}", stderr(&o));
}

/// A decision table of 800 rows on one output is past the redundancy search's budget:
/// check still answers, and a note says the rules were not compared, so no reader takes
/// the absence of W0507 for a proof.
#[test]
fn a_table_past_the_redundancy_budget_says_its_rules_were_not_compared() {
    let dir = temp_dir("redundancy-budget");
    let mut text = String::from("policy t \"Table\"\ninput x: 0..=799\noutput o: bool\n");
    for i in 0..800 {
        let v = i % 2 == 0;
        text.push_str(&format!(
            "rule r{i} \"Row {i}\" cites \"row {i}\"\n  when x == {i}\n  then o = {v}\n"
        ));
    }
    let policy = dir.join("t.policy");
    std::fs::write(&policy, text).unwrap();
    let o = policyc(&["check", policy.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note[W0507]: 800 rule(s) were not checked for redundancy"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
