//! The editor files are valid JSON, the VS Code manifest points at files that exist, and
//! the grammar highlights every keyword of the language reference.

// Helpers outside #[test] functions may fail loudly too: this is a test crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use serde_json::Value;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid JSON: {e}"))
}

#[test]
fn editor_json_files_parse_and_the_manifest_is_complete() {
    let dir = Path::new("editors/vscode");
    let manifest = json("editors/vscode/package.json");
    let main = manifest["main"].as_str().unwrap();
    assert!(dir.join(main).exists(), "main {main} is missing");
    let lang = &manifest["contributes"]["languages"][0];
    assert_eq!(lang["extensions"][0], ".policy");
    let config = lang["configuration"].as_str().unwrap();
    let config = json(dir.join(config).to_str().unwrap());
    assert_eq!(config["comments"]["lineComment"], "//");
    let grammar_path = manifest["contributes"]["grammars"][0]["path"]
        .as_str()
        .unwrap();
    let grammar = json(dir.join(grammar_path).to_str().unwrap());
    assert_eq!(
        grammar["scopeName"],
        manifest["contributes"]["grammars"][0]["scopeName"]
    );
    assert!(manifest["dependencies"]["vscode-languageclient"].is_string());
    let ext = std::fs::read_to_string(dir.join(main)).unwrap();
    assert!(
        ext.contains("args: [\"lsp\"]"),
        "the extension starts `policyc lsp`"
    );
}

#[test]
fn the_grammar_highlights_every_keyword() {
    let grammar =
        std::fs::read_to_string("editors/vscode/syntaxes/policy.tmLanguage.json").unwrap();
    let reference = std::fs::read_to_string("docs/language.md").unwrap();
    let list = reference
        .split("Keywords cannot be used as names: `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .expect("the reference lists the keywords");
    let keywords: Vec<&str> = list.split_whitespace().collect();
    assert!(keywords.len() > 30, "{keywords:?}");
    // Every keyword is an alternative of some `\b(...)\b` pattern.
    let alternatives: Vec<&str> = grammar
        .split("\\\\b(")
        .skip(1)
        .chain(grammar.split("^\\\\s*(").skip(1))
        .flat_map(|s| s.split(')').next().unwrap_or("").split('|'))
        .collect();
    for k in keywords {
        assert!(
            alternatives.contains(&k),
            "the grammar does not highlight `{k}`"
        );
    }
}
