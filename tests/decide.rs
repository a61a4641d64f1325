//! `policyc decide` end to end: batches with bad lines, facts it refuses, and policies
//! it decides without a decision graph.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;
use common::{code, command, stderr, stdout, temp_dir};
use std::path::Path;
use std::process::Output;

const AGES: &str = r#"policy p1 "probe"
input youngest_age: 0..=20
input oldest_age: 0..=20
enum Sev { low, mid, high }
input sev: Sev
assume youngest_age <= oldest_age
scope oldest_age <= 17
output flag: bool default false
rule r1 "high" cites "x" when sev == high then flag = true
"#;

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// A policy `check` accepts (`AGES`) and complete facts for it, written into `dir`.
fn clean_policy_and_facts(dir: &Path) -> (String, String) {
    let clean = write(dir, "p.policy", AGES.as_bytes());
    let facts = write(
        dir,
        "g.json",
        br#"{"youngest_age": 14, "oldest_age": 15, "sev": "low"}"#,
    );
    (clean, facts)
}

fn fed(args: &[&str], input: &[u8]) -> Output {
    common::policyc_fed(args, std::process::Stdio::piped(), input)
}

/// Line number and status of each answer of a batch.
fn shape(o: &Output) -> Vec<(u64, String)> {
    stdout(o)
        .lines()
        .map(|l| {
            let j: serde_json::Value = serde_json::from_str(l).expect("each line is JSON");
            (
                j["line"].as_u64().unwrap(),
                j["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn s(x: &str) -> String {
    x.to_string()
}

/// Bad lines (not UTF-8, not JSON, the first one included) are answered with an error
/// each, and every other line is answered, in order.
#[test]
fn bad_lines_do_not_stop_a_batch() {
    let dir = temp_dir("bad-lines");
    let policy = write(&dir, "p.policy", AGES.as_bytes());
    let facts = write(
        &dir,
        "f.jsonl",
        b"{\"oldest_age\":18}\n{\"oldest_age\":18}\n{\"sev\":\"\xff\"}\n{\"oldest_age\":19}\n{\"oldest_age\":19}\n",
    );
    let o = command(&["decide", &policy, "--facts", &facts, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let out = (1..=5)
        .map(|n| (n, s(if n == 3 { "error" } else { "out_of_scope" })))
        .collect::<Vec<_>>();
    assert_eq!(shape(&o), out, "{}", stdout(&o));
    let o = fed(
        &["decide", &policy, "--facts", "-", "--format", "json"],
        b"garbage\n{\"oldest_age\": 19}\n{\"oldest_age\": 3, \"youngest_age\": 2, \"sev\": \"low\"}\n",
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert_eq!(
        shape(&o),
        vec![(1, s("error")), (2, s("out_of_scope")), (3, s("decided"))]
    );
}

/// A key given twice (E0517) is refused, naming it; its rendering is pinned.
#[test]
fn a_key_given_twice_is_refused() {
    let dir = temp_dir("twice");
    let policy = write(&dir, "p.policy", AGES.as_bytes());
    let o = fed(
        &["decide", &policy, "--facts", "-"],
        br#"{"sev": "low", "oldest_age": 99999999999999999999999, "sev": "high"}"#,
    );
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    let err = stderr(&o).replace(&policy, "p.policy");
    insta::assert_snapshot!(err);
}

/// A module decides nothing: `decide` on one is a usage error (E0518), not an empty
/// decision.
#[test]
fn a_module_is_not_decided() {
    let o = fed(
        &["decide", "policies/incident.policy", "--facts", "-"],
        b"{}",
    );
    assert_eq!(code(&o), 2);
    assert_eq!(stdout(&o), "");
    insta::assert_snapshot!(stderr(&o));
}

/// Past compile limits other than the node limit (the width of a range, 64-bit
/// arithmetic, the work of a relation), facts that give what the rules read are still
/// decided, by reading the rules; partial facts get E0516.
#[test]
fn compile_limits_still_decide_complete_facts() {
    let dir = temp_dir("limits");
    let cases = [
        (
            "range",
            "input a: 0..=10000000000\noutput o: bool default false\n\
             rule r \"r\" cites \"c\" when a > 5000000000 then o = true\n",
            r#"{"a": 6000000000}"#,
        ),
        (
            "overflow",
            "input a: 0..=10\ninput b: 0..=10\noutput o: bool default false\n\
             rule r \"r\" cites \"c\" when a + 9223372036854775807 > b - 10 then o = true\n",
            r#"{"a": 1, "b": 2}"#,
        ),
        (
            "budget",
            "input a: 0..=100000\ninput b: 0..=100000\ninput c: 0..=100000\ninput d: 0..=100000\n\
             output o: bool default false\n\
             rule r \"r\" cites \"c\" when a + b + c <= d then o = true\n",
            r#"{"a": 1, "b": 2, "c": 3, "d": 10}"#,
        ),
    ];
    for (name, body, facts) in cases {
        let policy = write(
            &dir,
            &format!("{name}.policy"),
            format!("policy {name} \"{name}\"\n{body}").as_bytes(),
        );
        let args = ["decide", "--format", "json", &policy, "--facts", "-"];
        let o = fed(&args, facts.as_bytes());
        assert_eq!(code(&o), 0, "{name}: {}{}", stdout(&o), stderr(&o));
        let j: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        assert_eq!(j["decision"]["o"], true, "{name}: {j}");
        assert_eq!(j["rules"][0]["name"], "r", "{name}: {j}");
        let o = fed(&args, b"{}");
        assert_eq!(code(&o), 2, "{name}");
        assert!(stdout(&o).contains("E0516"), "{name}: {}", stdout(&o));
    }
}

/// The bytes of a batch's answers (JSON Lines, keys in alphabetical order): answers
/// made for an incident and shared by a leaf, partial facts, bad lines, an array.
#[test]
fn batch_answers_are_pinned() {
    let dir = temp_dir("pinned-batch");
    let policy = write(&dir, "p.policy", AGES.as_bytes());
    let mut out = String::new();
    for facts in [
        &b"{\"oldest_age\": 3, \"youngest_age\": 2, \"sev\": \"high\"}\n{\"oldest_age\": 4, \"youngest_age\": 2, \"sev\": \"high\"}\n{\"sev\": \"low\"}\nnope\n{\"oldest_age\": 30}\n{\"oldest_age\": 3, \"youngest_age\": 9}\n{\"sev\": \"hgh\", \"x\": 1}\n"[..],
        &b"[{\"sev\": \"mid\"},\n {\"oldest_age\": 17, \"youngest_age\": 17, \"sev\": \"low\"}]"[..],
        &b"{\"sev\": \"high\"}"[..],
    ] {
        let o = fed(&["decide", &policy, "--facts", "-", "--format", "json"], facts);
        out.push_str(&stdout(&o).replace(&policy, "p.policy"));
        out.push_str(&format!("exit {}\n", code(&o)));
    }
    insta::assert_snapshot!(out);
}

/// A policy `policyc check` rejects (three overlaps of an exclusive output) still
/// decides, but says so: a line on standard error, and `check_errors` in JSON.
#[test]
fn a_policy_check_rejects_says_so_when_it_decides() {
    let policy = "tests/fixtures/decide/rejected.policy";
    let dir = temp_dir("decide-rejected");
    let facts = write(&dir, "f.json", br#"{"youngest_age": 14, "oldest_age": 15}"#);
    let warning = "warning: this policy does not pass `policyc check` (3 errors); answers may be undecided or wrong";
    let o = common::policyc(&["decide", policy, "--facts", &facts]);
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    let o = common::policyc(&["decide", policy, "--facts", &facts, "--format", "json"]);
    let answer: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(answer["check_errors"], 3, "{answer}");
    // `ask` says it before the first question.
    let o = fed(&["ask", policy], b"");
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    // A policy that passes says nothing of the kind.
    let (clean, facts) = clean_policy_and_facts(&dir);
    let o = common::policyc(&["decide", &clean, "--facts", &facts, "--format", "json"]);
    assert!(!stderr(&o).contains("policyc check"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("check_errors"), "{}", stdout(&o));
}

/// A JSON array on one line: every answer has line 1, and its `index` tells them apart.
#[test]
fn answers_of_a_one_line_array_carry_their_index() {
    let dir = temp_dir("decide-index");
    let policy = write(&dir, "p.policy", AGES.as_bytes());
    let facts = br#"[{"youngest_age": 14, "oldest_age": 15, "sev": "high"}, {"sev": "low"}, 7]"#;
    let o = fed(
        &["decide", &policy, "--facts", "-", "--format", "json"],
        facts,
    );
    let answers: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 3, "{}", stdout(&o));
    for (k, a) in answers.iter().enumerate() {
        assert_eq!(a["line"], 1, "{a}");
        assert_eq!(a["index"], k, "{a}");
    }
}

/// A blank `cites ""` is said as no citation, not printed as `[]` (review D6).
#[test]
fn a_blank_citation_reads_as_no_citation() {
    let dir = temp_dir("blank-cites");
    let policy = write(
        &dir,
        "p.policy",
        b"policy p \"p\"\ninput a: bool\noutput o: bool default false\nrule r \"R\" cites \"\" when a then o = true\n",
    );
    let o = fed(&["decide", &policy, "--facts", "-"], b"{\"a\": true}");
    let text = stdout(&o);
    assert!(text.contains("`r` — R (no citation)"), "{text}");
    assert!(!text.contains("[]"), "{text}");
}

/// A JSON syntax error in the facts says what was expected in words, not in serde's
/// ("expected ident at line 1 column 2"; review D3).
#[test]
fn a_json_syntax_error_is_said_in_words() {
    let dir = temp_dir("json-words");
    let policy = write(&dir, "p.policy", AGES.as_bytes());
    for (facts, words) in [
        (
            &b"{sev: \"low\"}"[..],
            "an input name without double quotes",
        ),
        (&b"{\"sev\": low}"[..], "or a word not in double quotes"),
        (
            &b"{\"sev\": tru}"[..],
            "a word that is not true, false or null",
        ),
        (
            &b"{\"sev\" \"low\"}"[..],
            "a `:` missing between an input name and its value",
        ),
    ] {
        let o = fed(&["decide", &policy, "--facts", "-"], facts);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(err.contains(words), "{err}");
        assert!(err.contains("at line 1 column"), "{err}");
        assert!(!err.contains("expected"), "{err}");
    }
}

/// The incident record a DSL files (`decide --format markdown`, `ask --record`) opens
/// with the warning when the policy does not pass `policyc check`: standard error does
/// not reach the file (review 2, N5).
#[test]
fn the_record_of_a_rejected_policy_says_so() {
    let policy = "tests/fixtures/decide/rejected.policy";
    let dir = temp_dir("decide-rejected-record");
    let facts = write(&dir, "f.json", br#"{"youngest_age": 14, "oldest_age": 15}"#);
    let warning = "> **Warning:** this policy does not pass `policyc check` (3 errors)";
    let o = common::policyc(&["decide", policy, "--facts", &facts, "--format", "markdown"]);
    assert!(stdout(&o).starts_with(warning), "{}", stdout(&o));
    let batch = write(
        &dir,
        "b.jsonl",
        b"{\"youngest_age\": 14}\n{\"oldest_age\": 15}\n",
    );
    let o = common::policyc(&["decide", policy, "--facts", &batch, "--format", "markdown"]);
    assert_eq!(stdout(&o).matches(warning).count(), 1, "{}", stdout(&o));
    let record = dir.join("record.md");
    let record = record.to_str().unwrap();
    fed(&["ask", policy, "--record", record], b"");
    let text = std::fs::read_to_string(record).unwrap();
    assert!(text.starts_with(warning), "{text}");
    // A policy that passes has a record without it.
    let (clean, facts) = clean_policy_and_facts(&dir);
    let o = common::policyc(&["decide", &clean, "--facts", &facts, "--format", "markdown"]);
    assert!(!stdout(&o).contains("Warning"), "{}", stdout(&o));
}

/// A define or an output given as a fact is said to be one, with what to give instead,
/// not met with "did you mean" another input (review 2).
#[test]
fn a_define_or_output_given_as_a_fact_is_named_so() {
    let facts = br#"{"youngest_age": 15, "oldest_age": 15, "adult_involved": true, "response": "manage_in_setting"}"#;
    let o = fed(
        &[
            "decide",
            "tests/fixtures/decide/rejected.policy",
            "--facts",
            "-",
        ],
        facts,
    );
    let err = stderr(&o);
    assert!(
        err.contains("`adult_involved` is a define: the policy works it out from the inputs, it is not given"),
        "{err}"
    );
    assert!(
        err.contains("give the inputs it is made of instead: `oldest_age`"),
        "{err}"
    );
    assert!(
        err.contains("`response` is an output: the policy decides it from the inputs"),
        "{err}"
    );
}

/// A batch without incidents answers nothing, and says so to people (before, it printed
/// nothing at all and exited 0, as if all were decided); as JSON Lines it is no line.
#[test]
fn an_empty_batch_says_nothing_was_decided() {
    let dir = common::temp_dir("empty-batch");
    let (clean, _) = clean_policy_and_facts(&dir);
    for (input, format) in [
        (&b"[]"[..], "human"),
        (b"[]\n", "json"),
        (b"[ ]", "markdown"),
    ] {
        let o = fed(
            &["decide", &clean, "--facts", "-", "--format", format],
            input,
        );
        assert_eq!(code(&o), 0, "{format}: {}", stderr(&o));
        let said = stdout(&o).contains("The facts hold no incident, so nothing was decided.");
        assert_eq!(said, format != "json", "{format}: {}", stdout(&o));
        if format == "json" {
            assert_eq!(stdout(&o), "");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
