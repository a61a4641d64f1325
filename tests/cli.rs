//! The command-line contract: exit codes, formats, and robustness against hostile input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn policyc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run policyc")
}

fn code(o: &Output) -> i32 {
    // A signal (a crash) has no code: make it fail every assertion below.
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("policyc-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const CLEAN: &str = r#"policy p "A clean policy"
input coercion: bool
output escalate: bool
rule r1 "Coercion" cites "002" when coercion then escalate = true
rule r2 "No coercion" cites "002" when not coercion then escalate = false
"#;

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn check_exit_codes_follow_the_contract() {
    let dir = temp_dir("exit");
    let clean = write(&dir, "clean.policy", CLEAN.as_bytes());
    let broken = write(&dir, "broken.policy", b"policy p \"x\"\ninput a bool\n");
    assert_eq!(
        code(&policyc(&["check", &clean])),
        0,
        "{}",
        stderr(&policyc(&["check", &clean]))
    );
    assert_eq!(code(&policyc(&["check", &broken])), 1);
    assert_eq!(code(&policyc(&["check", "/no/such/path.policy"])), 2);
    assert_eq!(code(&policyc(&["check", "--no-such-flag"])), 2);
    let empty_dir = temp_dir("empty-dir");
    let o = policyc(&["check", empty_dir.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("E0004"), "{}", stderr(&o));
}

#[test]
fn check_json_prints_one_object_per_diagnostic() {
    let dir = temp_dir("json");
    let broken = write(&dir, "broken.policy", b"input a bool\ninput b bool\n");
    let o = policyc(&["check", "--format", "json", &broken]);
    assert_eq!(code(&o), 1);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!(l["code"], "E0101");
        assert_eq!(l["severity"], "error");
        assert!(l["line"].as_u64().is_some() && l["labels"][0]["byte_start"].as_u64().is_some());
    }
}

#[test]
fn hostile_input_gets_a_diagnostic_never_a_crash() {
    let dir = temp_dir("hostile");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("utf8.policy", b"policy p \"\xff\xfe\"\n".to_vec(), "E0002"),
        ("empty.policy", Vec::new(), "W0100"),
        (
            "parens.policy",
            format!("define x = {}a{}", "(".repeat(100_000), ")".repeat(100_000)).into_bytes(),
            "E0104",
        ),
        (
            "nots.policy",
            format!("define x = {}a", "not ".repeat(100_000)).into_bytes(),
            "E0104",
        ),
        (
            "chain.policy",
            format!("define x = a{}", " or a".repeat(200_000)).into_bytes(),
            "E0104",
        ),
        ("huge.policy", vec![b'a'; 10 * 1024 * 1024], "E0003"),
        (
            "garbage.policy",
            (0..200_000u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8 & 0x7f)
                .collect(),
            "E01",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = write(&dir, name, &bytes);
        let o = policyc(&["check", &path]);
        let c = code(&o);
        assert!(
            c == 0 || c == 1 || c == 2,
            "{name}: exit {c} (signal or panic?)\n{}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(expected),
            "{name}: expected {expected} in\n{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{name} panicked");
    }
}

#[test]
fn explain_prints_every_code_and_refuses_unknown_ones() {
    let o = policyc(&["explain", "E0101"]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("syntax error"));
    let all = policyc(&["explain", "all"]);
    for line in String::from_utf8_lossy(&all.stdout).lines() {
        let c = line.split_whitespace().next().unwrap();
        assert_eq!(code(&policyc(&["explain", c])), 0, "explain {c}");
    }
    assert_eq!(code(&policyc(&["explain", "E9999"])), 2);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = temp_dir("color");
    let broken = write(&dir, "broken.policy", b"input a bool\n");
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["--color", "always", "check", &broken])
        .output()
        .unwrap();
    assert!(stderr(&o).contains('\u{1b}'), "--color always colours");
    let o = policyc(&["check", &broken]);
    assert!(
        !stderr(&o).contains('\u{1b}'),
        "NO_COLOR and a pipe mean no colour"
    );
}
