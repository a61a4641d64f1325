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

/// The README's main job prints what the README says it prints, and the example's test
/// run fails as the README says (its open gap is a failed test).
#[test]
fn readme_shows_what_the_main_job_and_the_example_test_print() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let check = run(&["check", "--quiet", "policies/"]);
    assert_eq!(check.status.code(), Some(0));
    let line = String::from_utf8_lossy(&check.stderr)
        .trim_end()
        .to_string();
    assert!(
        readme.contains(&format!("`{line}`")),
        "README.md should quote the main job's check summary `{line}`"
    );
    let test = run(&["test", "--quiet", "policies/"]);
    assert_eq!(test.status.code(), Some(0));
    let line = String::from_utf8_lossy(&test.stdout).trim_end().to_string();
    assert!(
        readme.contains(&format!("`{line}`")),
        "README.md should quote the main job's test summary `{line}`"
    );
    let example = run(&["test", "examples/school.policy"]);
    assert_eq!(
        example.status.code(),
        Some(1),
        "the example has an open gap"
    );
    let out = String::from_utf8_lossy(&example.stdout);
    let last = out.lines().last().unwrap_or_default();
    assert_eq!(last, "1 passed, 1 failed");
    assert!(out.contains("test school::gap:response (check) ... FAILED"));
    assert!(readme.contains("`school::gap:response`") && readme.contains("`1 passed, 1 failed`"));
}
