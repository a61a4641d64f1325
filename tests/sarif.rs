//! `check --format sarif` and `--format github`: the SARIF log validates against the
//! SARIF 2.1.0 schema's rules (a trimmed offline copy in tests/fixtures/sarif/), and the
//! annotations are well-formed workflow commands.

// Helpers of an integration test are test code too (clippy only exempts `#[test]` fns):
// a failing test should fail loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::temp_dir;
use std::path::PathBuf;
use std::process::Command;

use policyc::diagnostics::Code;
use policyc::diagnostics::{sarif, Diagnostic};
use policyc::source::{Loc, Sources, Span};
use serde_json::Value;

/// A validator for the subset of JSON Schema the trimmed schema uses: `type`, `enum`,
/// `properties`, `additionalProperties` (false or a schema), `required`, `items`,
/// `minimum`, `anyOf` and `$ref` (a definition name). Returns every violation found.
fn validate(schema: &Value, defs: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = defs.get(r).unwrap_or_else(|| panic!("no definition {r}"));
        validate(target, defs, v, path, errors);
        return;
    }
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            other => panic!("type {other} not supported by the test validator"),
        };
        if !ok {
            errors.push(format!("{path}: expected {t}, got {v}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errors.push(format!("{path}: {v} is not one of {e:?}"));
        }
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_i64) {
        if v.as_i64().is_some_and(|x| x < min) {
            errors.push(format!("{path}: {v} is below the minimum {min}"));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("uri-reference") {
        let s = v.as_str().unwrap_or("");
        if s.chars()
            .any(|c| c.is_whitespace() || c == '\\' || !c.is_ascii())
        {
            errors.push(format!("{path}: {s:?} is not a URI reference"));
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            let sub = format!("{path}.{k}");
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(s, defs, val, &sub, errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{sub}: property not allowed")),
                    Some(s @ Value::Object(_)) => validate(s, defs, val, &sub, errors),
                    _ => {}
                },
            }
        }
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap_or("");
            if !obj.contains_key(r) {
                errors.push(format!("{path}: missing required `{r}`"));
            }
        }
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
            let satisfied = any.iter().any(|alt| {
                let mut e = Vec::new();
                validate(alt, defs, v, path, &mut e);
                e.is_empty()
            });
            if !satisfied {
                errors.push(format!("{path}: matches none of anyOf {any:?}"));
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(items, defs, x, &format!("{path}[{i}]"), errors);
        }
    }
}

fn schema() -> Value {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/sarif/sarif-2.1.0-required.json"),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn violations(log: &Value) -> Vec<String> {
    let s = schema();
    let defs = &s["definitions"];
    let root = &defs[s["root"].as_str().unwrap()];
    let mut errors = Vec::new();
    validate(root, defs, log, "$", &mut errors);
    errors
}

/// Real diagnostics: the parser's, on a broken file, plus one with secondary labels
/// and data as the analyses produce them.
fn sample() -> (Sources, Vec<Diagnostic>) {
    let mut sources = Sources::new();
    let text = "policy p \"x\"\ninput a bool\nrule r \"t\" when a then\n/// é\noutput o: bool\n";
    let f = sources.add("policies/bad file.policy", None, text.to_string());
    let (_, mut diags) = policyc::parse::parse(f, text);
    assert!(
        !diags.is_empty(),
        "the broken file must produce parser diagnostics"
    );
    let abs = sources.add("/abs/other.policy", None, "input b: bool\n".to_string());
    diags.push(
        Diagnostic::error(Code::E0101, "two things disagree")
            .primary(Loc::new(f, Span::new(13, 18)), "this one")
            .secondary(Loc::new(abs, Span::new(6, 7)), "and that one")
            .note("a note, with 100% of the detail")
            .help("do something")
            .data(serde_json::json!({"example": {"a": true}})),
    );
    diags.push(Diagnostic::warning(Code::W0100, "no location at all"));
    (sources, diags)
}

#[test]
fn the_sarif_log_validates_against_the_2_1_0_rules() {
    let (sources, diags) = sample();
    let log = sarif::log(
        &sources,
        &diags,
        Some(std::path::Path::new("/work/repo")),
        true,
    );
    let v: Value = serde_json::from_str(&sarif::to_string(&log)).unwrap();
    let errs = violations(&v);
    assert!(errs.is_empty(), "{errs:#?}");

    let run = &v["runs"][0];
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "policyc");
    // A rule for every documented code, each with its title.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    for (r, c) in rules.iter().zip(Code::ALL) {
        assert_eq!(r["id"], c.as_str());
        assert_eq!(r["shortDescription"]["text"], c.title());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    for (r, d) in results.iter().zip(&diags) {
        assert_eq!(r["ruleId"], d.code.as_str());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[idx]["id"],
            d.code.as_str(),
            "ruleIndex points at the right rule"
        );
        assert!(r["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with(&d.message));
    }
    let two = &results[diags.len() - 2];
    let loc = &two["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "policies/bad%20file.policy");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        (&loc["region"]["startLine"], &loc["region"]["startColumn"]),
        (&Value::from(2), &Value::from(1))
    );
    assert_eq!(
        (&loc["region"]["endLine"], &loc["region"]["endColumn"]),
        (&Value::from(2), &Value::from(6))
    );
    let rel = &two["relatedLocations"][0];
    assert_eq!(rel["message"]["text"], "and that one");
    assert_eq!(
        rel["physicalLocation"]["artifactLocation"]["uri"],
        "file:///abs/other.policy"
    );
    assert_eq!(two["properties"]["data"]["example"]["a"], true);
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "file:///work/repo/"
    );
    assert!(results[diags.len() - 1].get("locations").is_none());
}

#[test]
fn the_validator_rejects_what_the_schema_rejects() {
    // The validator must be able to fail, or the test above proves nothing.
    let (sources, diags) = sample();
    let log = sarif::log(&sources, &diags, None, true);
    let good: Value = serde_json::from_str(&sarif::to_string(&log)).unwrap();
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut v = good.clone();
    v["runs"][0]["tool"]["driver"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    cases.push((v, "missing required `name`"));
    let mut v = good.clone();
    v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    cases.push((v, "below the minimum"));
    let mut v = good.clone();
    v["runs"][0]["results"][0]["ruleID"] = "E0101".into();
    cases.push((v, "property not allowed"));
    let mut v = good.clone();
    v["runs"][0]["results"][0]["level"] = "fatal".into();
    cases.push((v, "is not one of"));
    let mut v = good.clone();
    v["runs"][0]["results"][0]["message"] = serde_json::json!({"markdown": "x"});
    cases.push((v, "anyOf"));
    let mut v = good;
    v["version"] = "2.0.0".into();
    cases.push((v, "is not one of"));
    for (v, want) in cases {
        let errs = violations(&v);
        assert!(
            errs.iter().any(|e| e.contains(want)),
            "expected `{want}` in {errs:#?}"
        );
    }
}

#[test]
fn check_format_sarif_prints_one_valid_log() {
    let dir = temp_dir("cli");
    std::fs::write(dir.join("broken.policy"), "policy p \"x\"\ninput a bool\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(&dir)
        .args(["check", "--format", "sarif", "broken.policy"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    let errs = violations(&v);
    assert!(errs.is_empty(), "{errs:#?}");
    // The exit code follows the contract, and agrees with the results.
    let errors = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .count();
    assert_eq!(o.status.code(), Some(if errors > 0 { 1 } else { 0 }));
    for r in v["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "broken.policy"
        );
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(&dir)
        .args(["check", "--format", "sarif", "nope.policy"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&missing.stdout).unwrap();
    assert!(violations(&v).is_empty());
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "E0001");
}

/// Issue 19: a root file named `x:y.policy` was the URI `x:y.policy`, of scheme `x`;
/// and results had no `partialFingerprints`, so an upload through the API (which
/// computes none) could not match the alerts it had.
#[test]
fn uris_are_relative_references_and_results_have_stable_fingerprints() {
    let dir = temp_dir("colon");
    let text = "policy p \"x\"\ninput a bool\ninput b bool\n";
    std::fs::write(dir.join("x:y.policy"), text).unwrap();
    let run = || {
        let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .current_dir(&dir)
            .args(["check", "--format", "sarif", "x:y.policy"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
        assert!(violations(&v).is_empty(), "{:#?}", violations(&v));
        v
    };
    let v = run();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 2, "{v:#}");
    let mut prints = Vec::new();
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(uri, "x%3Ay.policy");
        let print = r["partialFingerprints"]["policyc/v1"].as_str().unwrap();
        prints.push(print.to_string());
    }
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        prints.len(),
        "each result its own: {prints:?}"
    );
    // The same findings after lines are added above them: the same fingerprints.
    std::fs::write(dir.join("x:y.policy"), format!("// a comment\n\n{text}")).unwrap();
    let again: Vec<String> = run()["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["policyc/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(again, prints);
}

#[test]
fn check_format_github_prints_one_command_per_diagnostic() {
    let dir = temp_dir("github");
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(&dir)
        .args(["check", "--format", "github", "nope, really.policy"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].starts_with("::error title=E0001::cannot read `nope, really.policy`"),
        "{out}"
    );
}

#[test]
fn the_bundled_policies_give_a_valid_log_and_annotations() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if !root.join("policies").is_dir() {
        return;
    }
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(&root)
        .args(["check", "--format", "sarif", "policies/"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let errs = violations(&v);
    assert!(errs.is_empty(), "{errs:#?}");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(
        !results.is_empty(),
        "the bundled policies have warnings and notes"
    );
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.starts_with("policies/") && root.join(uri).is_file(),
            "{uri}"
        );
    }
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(&root)
        .args(["check", "--format", "github", "policies/"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), results.len());
    for line in out.lines() {
        assert!(
            line.starts_with("::warning file=policies/")
                || line.starts_with("::notice file=policies/")
                || line.starts_with("::error file=policies/"),
            "{line}"
        );
    }
}

/// A W0505 annotation does not say "accepted gap" twice (its label once repeated the
/// message; review D2).
#[test]
fn an_accepted_gap_annotation_does_not_repeat_itself() {
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--format",
            "github",
            "tests/fixtures/diagnostics/W0505-accepted-gap.policy",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out.lines().find(|l| l.contains("title=W0505")).unwrap();
    assert_eq!(line.matches("accepted gap").count(), 1, "{line}");
    assert!(line.contains("left undecided on purpose there"), "{line}");
}
