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
