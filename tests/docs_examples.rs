//! Every ```` ```policy ```` example in docs/language.md compiles without errors.
//!
//! Each example is checked as a file in `policies/`, so that `use "incident.policy"`
//! resolves to the bundled vocabulary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

use std::path::Path;

use policyc::diagnostics::render;
use policyc::source::{RealFs, Sources};

fn examples(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        match &mut current {
            None if line.trim() == "```policy" => current = Some((n + 1, String::new())),
            Some((start, text)) if line.trim() == "```" => {
                out.push((*start, std::mem::take(text)));
                current = None;
            }
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn language_reference_examples_compile() {
    let doc = std::fs::read_to_string("docs/language.md").unwrap();
    let examples = examples(&doc);
    assert!(
        examples.len() >= 10,
        "the reference should show every construct"
    );
    let mut failures = Vec::new();
    for (line, text) in examples {
        let mut sources = Sources::new();
        let path = Path::new("policies").join(format!("docs-example-line-{line}.policy"));
        let checked = policyc::check::check_text(&mut sources, &RealFs, &path, text.clone());
        let errors: Vec<String> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| render::to_string(&sources, d))
            .collect();
        if !errors.is_empty() || checked.policy.is_none() {
            failures.push(format!(
                "docs/language.md:{line}:\n{text}\n{}",
                errors.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n-----\n"));
}
