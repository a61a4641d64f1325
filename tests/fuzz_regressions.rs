//! Every input the fuzzers found a fault with (docs/fuzzing.md), kept in
//! tests/fixtures/fuzz/TARGET/ and run through the same code the fuzz target runs
//! (`policyc::fuzzing`): a panic here is a fault come back. A seed of each kind runs
//! too, so the harness itself stays exercised when no fault has been found.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failing test should fail loudly"
)]

use std::path::Path;

use policyc::fuzzing::{self, Deciders};

/// The kept inputs of one target, with their names.
fn kept(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new("tests/fixtures/fuzz").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.is_file() && p.extension().is_none_or(|e| e != "md"));
    files.sort();
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

/// Runs `f` on each input, naming the one that panics.
fn each(target: &str, extra: &[&[u8]], f: impl Fn(&[u8])) {
    let mut inputs = kept(target);
    inputs.extend(extra.iter().map(|b| ("(seed)".to_string(), b.to_vec())));
    for (name, data) in inputs {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&data)));
        assert!(r.is_ok(), "fuzz target `{target}` panics on {name}");
    }
}

const POLICY: &[u8] = include_bytes!("../policies/npcc.policy");

#[test]
fn check_keeps_its_fixes() {
    each(
        "check",
        &[POLICY, b"", b"\xff\xfe", b"policy p \"x\"\0input x: bool\n"],
        fuzzing::check,
    );
}

#[test]
fn fmt_keeps_its_fixes() {
    each("fmt", &[POLICY, b"// only a comment\n"], fuzzing::fmt);
}

#[test]
fn diff_keeps_its_fixes() {
    let mut pair = POLICY.to_vec();
    pair.push(0);
    pair.extend_from_slice(include_bytes!("../policies/derbyshire.policy"));
    each("diff", &[&pair], fuzzing::diff);
}

#[test]
fn decide_keeps_its_fixes() {
    let deciders = Deciders::new(&[
        include_str!("../policies/derbyshire.policy"),
        include_str!("../policies/devon-cornwall-dorset.policy"),
        include_str!("../policies/gloucestershire.policy"),
        include_str!("../policies/npcc.policy"),
        include_str!("../policies/school-advice.policy"),
        include_str!("../policies/ukcis-2024.policy"),
    ]);
    each(
        "decide",
        &[
            b"\x03{}",
            b"\x00[{}, 1, null]",
            b"\x01{\"a\": 1}\nnot json\n",
        ],
        |d| deciders.decide(d),
    );
}

#[test]
fn lsp_keeps_its_fixes() {
    let open = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///mem/main.policy","languageId":"policy","version":1,"text":"policy p \"x\"\ninput x: bool\n"}}}"#;
    each(
        "lsp",
        &[open, b"Content-Length: 99999999999\r\n\r\n{}"],
        fuzzing::lsp,
    );
}
