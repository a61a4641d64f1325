//! The README shows what `policyc check` prints for its example; keep that true.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code fails loudly

use std::process::Command;

#[test]
fn readme_shows_the_real_check_output() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("```text\n")
        .expect("the README shows check output")
        + "```text\n".len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let out = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["check", "examples/school.policy"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the example has a gap");
    let actual = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        shown.trim_end(),
        actual.trim_end(),
        "update README.md with the new output"
    );
    let example = std::fs::read_to_string("examples/school.policy").unwrap();
    assert!(
        readme.contains(example.trim_end()),
        "the README shows examples/school.policy as it is"
    );
}
