//! `policyc test --format junit` validates against the JUnit schema of Jenkins and Ant
//! (tests/fixtures/junit/junit.xsd, restated there), with `file` and `line` on
//! `<testcase>` as its only additions (GitLab and the GitHub reporters read them).
//! Validated with `xmllint` (libxml2); without it the test skips with a note.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a failing test should fail loudly"
)]

mod common;
use common::{code, policyc, stdout, temp_dir};
use std::process::Command;

const SCHEMA: &str = "tests/fixtures/junit/junit.xsd";

/// `Some(Err(why))` when the report does not validate, `None` without xmllint.
fn xmllint(xml: &str, name: &str) -> Option<Result<(), String>> {
    let dir = temp_dir(name);
    let file = dir.join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA])
        .arg(&file)
        .output()
        .ok()?;
    if out.status.success() {
        Some(Ok(()))
    } else {
        Some(Err(String::from_utf8_lossy(&out.stderr).into_owned()))
    }
}

/// The report without the two attributes policyc adds to `<testcase>`, and how many
/// test cases carried `file`.
fn without_additions(xml: &str) -> (String, usize) {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let mut with_file = 0;
    for n in doc.descendants().filter(|n| n.is_element()) {
        for a in n.attributes() {
            if n.has_tag_name("testcase") && a.name() == "file" {
                with_file += 1;
            }
        }
    }
    let mut out = String::new();
    let mut rest = xml;
    // Attributes are written ` name="value"` with values escaped, so a `"` ends one.
    while let Some(at) = rest.find("<testcase ") {
        let (before, tag) = rest.split_at(at);
        out.push_str(before);
        let end = tag.find('>').unwrap();
        let (head, tail) = tag.split_at(end);
        let mut head = head.to_string();
        for attr in [" file=\"", " line=\""] {
            if let Some(s) = head.find(attr) {
                let close = head[s + attr.len()..].find('"').unwrap() + s + attr.len();
                head.replace_range(s..=close, "");
            }
        }
        out.push_str(&head);
        rest = tail;
    }
    out.push_str(rest);
    (out, with_file)
}

#[test]
fn junit_reports_follow_the_jenkins_and_ant_schema() {
    // Passing, failing, skipped (filtered out) and broken tests, notes, coverage, and a
    // coverage shortfall's suite.
    let o = policyc(&[
        "test",
        "tests/fixtures/harness/clean",
        "tests/fixtures/harness/school",
        "tests/fixtures/harness/broken",
        "--format",
        "junit",
        "--filter",
        "o",
        "--min-coverage",
        "100",
    ]);
    assert_eq!(code(&o), 1);
    let xml = stdout(&o);
    let (strict, with_file) = without_additions(&xml);
    assert!(with_file > 0, "test cases name their file:\n{xml}");
    let root = xml.lines().find(|l| l.starts_with("<testsuites")).unwrap();
    assert!(
        !root.contains("skipped="),
        "no `skipped` on <testsuites>, which the schemas refuse:\n{xml}"
    );
    match xmllint(&strict, "junit") {
        None => eprintln!("note: xmllint is not installed; skipping the JUnit schema check"),
        Some(Ok(())) => {}
        Some(Err(e)) => panic!("the JUnit report does not validate:\n{e}\n{strict}"),
    }
    // The schema is not a formality: what was there before fails it.
    let old = xml.replacen("errors=\"0\">", "errors=\"0\" skipped=\"1\">", 1);
    let (old, _) = without_additions(&old);
    if let Some(r) = xmllint(&old, "junit-old") {
        assert!(r.is_err(), "`skipped` on <testsuites> should not validate");
    }
}
