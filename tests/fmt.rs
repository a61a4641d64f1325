//! `policyc fmt`: every policy the project ships (the language reference's examples, the
//! fixtures, the bundled policies) formats to a fixed point with the same syntax tree,
//! and the command follows the CLI contract.

// Helpers outside #[test] functions may fail loudly too: this is a test crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{policyc, temp_dir};
use std::path::{Path, PathBuf};

use policyc::format::{format, same_ast};

/// Runs `f` on a thread with the stack the binary gives its work (src/main.rs): the
/// parser recurses, and test threads are small.
fn big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            policy_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "policy") {
            out.push(p);
        }
    }
}

/// Every ```policy block of docs/*.md, with where it came from.
fn doc_examples() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("docs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let md = std::fs::read_to_string(&path).unwrap();
        for (k, block) in md.split("```policy\n").skip(1).enumerate() {
            let code = block.split("```").next().unwrap_or("");
            out.push((
                format!("{} example {}", path.display(), k + 1),
                code.to_string(),
            ));
        }
    }
    out
}

/// Formats `text` if it parses, checking meaning and idempotence; returns whether the
/// text was already formatted.
fn check_formats(name: &str, text: &str) -> Option<bool> {
    let (before, diags) = policyc::parse::parse(0, text);
    if diags.iter().any(|d| d.is_error()) {
        // Syntax-error fixtures are refused, not formatted.
        assert!(
            format(text).is_err(),
            "{name}: a file with syntax errors was formatted"
        );
        return None;
    }
    let out = format(text).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
    let (after, diags) = policyc::parse::parse(0, &out);
    assert!(
        !diags.iter().any(|d| d.is_error()),
        "{name}: formatted text does not parse:\n{out}"
    );
    assert!(
        same_ast(&before, &after),
        "{name}: formatting changed the tree:\n{out}"
    );
    assert_eq!(
        before.comments.len(),
        after.comments.len(),
        "{name}: comments lost"
    );
    let again = format(&out).unwrap();
    assert_eq!(out, again, "{name}: formatting is not idempotent");
    Some(out == text)
}

#[test]
fn every_shipped_policy_formats_to_a_fixed_point_with_the_same_tree() {
    big_stack(|| {
        let mut files = Vec::new();
        for dir in ["tests/fixtures", "policies", "examples"] {
            policy_files(Path::new(dir), &mut files);
        }
        let mut formatted = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            }; // not UTF-8: E0002 fixture
            if check_formats(&f.display().to_string(), &text).is_some() {
                formatted += 1;
            }
        }
        assert!(
            formatted >= 10,
            "only {formatted} shipped files were formatted"
        );
    });
}

#[test]
fn the_language_reference_examples_are_formatted() {
    big_stack(|| {
        let examples = doc_examples();
        assert!(examples.len() >= 10);
        let mut unformatted = Vec::new();
        for (name, code) in &examples {
            if check_formats(name, code) == Some(false) {
                unformatted.push(name.clone());
            }
        }
        assert!(
            unformatted.is_empty(),
            "run the formatter on: {unformatted:?}"
        );
    });
}

#[test]
fn bundled_policies_are_formatted() {
    big_stack(|| {
        let mut files = Vec::new();
        policy_files(Path::new("policies"), &mut files);
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            assert_eq!(
                check_formats(&f.display().to_string(), &text),
                Some(true),
                "run `policyc fmt {}`",
                f.display()
            );
        }
    });
}

const UGLY: &str =
    "policy p \"t\"\ninput a: bool // why\nrule r \"R\" cites \"x\" when a then out = true\n";
const PRETTY: &str = "policy p \"t\"\n\ninput a: bool // why\n\nrule r \"R\"\n  cites \"x\"\n  when a\n  then out = true\n";

#[test]
fn fmt_check_lists_files_and_exits_1_without_writing() {
    let dir = temp_dir("check");
    let ugly = dir.join("ugly.policy");
    let pretty = dir.join("sub").join("pretty.policy");
    std::fs::create_dir_all(pretty.parent().unwrap()).unwrap();
    std::fs::write(&ugly, UGLY).unwrap();
    std::fs::write(&pretty, PRETTY).unwrap();
    let o = policyc(&["fmt", "--check", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("would reformat") && stdout.contains("ugly.policy"),
        "{stdout}"
    );
    assert!(!stdout.contains("pretty.policy"), "{stdout}");
    assert!(
        stdout.contains("+  cites \"x\""),
        "the diff is shown: {stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&ugly).unwrap(),
        UGLY,
        "--check must not write"
    );
    let o = policyc(&["fmt", "--check", pretty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn fmt_rewrites_in_place_and_then_has_nothing_to_do() {
    let dir = temp_dir("write");
    let ugly = dir.join("ugly.policy");
    std::fs::write(&ugly, UGLY).unwrap();
    let o = policyc(&["fmt", dir.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&ugly).unwrap(), PRETTY);
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
    let o = policyc(&["fmt", "--check", ugly.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn fmt_refuses_files_with_syntax_errors_and_missing_paths_with_2() {
    let dir = temp_dir("broken");
    let broken = dir.join("broken.policy");
    let text = "policy p \"t\"\ninput a bool\n";
    std::fs::write(&broken, text).unwrap();
    let o = policyc(&["fmt", broken.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("E0101") && stderr.contains("broken.policy:2"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
    assert_eq!(
        policyc(&["fmt", "/no/such/file.policy"]).status.code(),
        Some(2)
    );
}

/// Comments in awkward places (ends of lines, lines of their own inside declarations,
/// blank lines around them) of every shipped policy: none is lost or reordered, the
/// tree is unchanged and the result is a fixed point.
#[test]
fn comments_everywhere_in_shipped_policies_survive() {
    big_stack(|| {
        let mut files = Vec::new();
        for dir in ["tests/fixtures", "policies"] {
            policy_files(Path::new(dir), &mut files);
        }
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            if policyc::parse::parse(0, &text)
                .1
                .iter()
                .any(|d| d.is_error())
            {
                continue;
            }
            for stride in [2, 3, 7] {
                let mut out = String::new();
                for (k, line) in text.lines().enumerate() {
                    if k % stride == 1 {
                        out.push_str(&format!("    // own {k}\n"));
                        if k % 4 == 1 {
                            out.push('\n');
                        }
                    }
                    out.push_str(line);
                    if k % stride == 0 && !line.trim().is_empty() && !line.contains("//") {
                        out.push_str(&format!(" // end {k}"));
                    }
                    out.push('\n');
                }
                let name = format!("{} (stride {stride})", f.display());
                check_formats(&name, &out);
            }
        }
    });
}
