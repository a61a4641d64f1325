//! The error-level findings of a tested policy (gaps, conflicts, refuted asserts,
//! analyses past the tool's limits: whatever makes `policyc check` exit 1) as failed
//! tests, so that `policyc test` never passes a policy that `policyc check` rejects.

use serde_json::Value;

use super::leaf::location;
use crate::check::ir::Policy;
use crate::diagnostics::{render, Code, Diagnostic};
use crate::harness::{Failure, TestCase, TestKind, TestOutcome};
use crate::source::Sources;

/// One failed test per error among `diags` (the analyses' findings of `policy`, or the
/// error that stopped them). A refuted assert that this file runs as a test is that
/// test's failure already and is left out.
pub(super) fn finding_tests(
    sources: &Sources,
    policy: &Policy,
    diags: &[Diagnostic],
) -> Vec<TestCase> {
    let root = policy.root_file;
    let run_here = |name: &str| {
        policy
            .asserts
            .iter()
            .any(|a| a.name == name && a.loc.file == root)
    };
    diags
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| {
            let data = d.machine_data();
            let name = finding_name(d.code, data.as_ref());
            if d.code == Code::E0503 && str_at(data.as_ref(), "assert").is_some_and(run_here) {
                return None;
            }
            Some(finding_test(sources, &policy.name, name, d))
        })
        .collect()
}

/// The test that stands for one error-level finding: failed, with the diagnostic as
/// `policyc check` shows it.
fn finding_test(sources: &Sources, policy: &str, name: String, d: &Diagnostic) -> TestCase {
    let location = d
        .primary_loc()
        .map(|l| location(sources, l))
        .unwrap_or_default();
    TestCase {
        policy: policy.to_string(),
        name,
        kind: TestKind::Finding,
        title: Some(d.message.clone()),
        cites: None,
        location,
        outcome: TestOutcome::Failed(Failure {
            message: format!(
                "`policyc check` rejects the policy for this {} ({})",
                what(d.code),
                d.code
            ),
            notes: vec![render::to_string(sources, d).trim_end().to_string()],
            examples: Vec::new(),
            diagnostics: vec![render::to_json(sources, d)],
        }),
    }
}

/// The kind of finding, in words.
fn what(code: Code) -> &'static str {
    match code {
        Code::E0501 => "gap",
        Code::E0502 => "conflict",
        Code::E0503 => "assert that does not hold",
        Code::E0504 => "analysis past the tool's limits",
        Code::E0505 => "scope and assumptions that leave no incident",
        _ => "error",
    }
}

/// A name that says what to fix, from the finding's machine data: `gap:OUTPUT`,
/// `conflict:OUTPUT:RULE:RULE` (`conflict:OUTPUT:more` for the pairs not listed one by
/// one), `overlap:OUTPUT:RULE:RULE` (`overlap:OUTPUT:more`) for an `exclusive` output,
/// `assert:NAME`, `unfinished:ANALYSIS[:OUTPUT]`, `no_incident`; else the code.
pub(super) fn finding_name(code: Code, data: Option<&Value>) -> String {
    let s = |key: &str| str_at(data, key);
    let rules: Option<Vec<&str>> = data
        .and_then(|v| v.get("rules"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    let named = match (s("kind"), s("output")) {
        (Some("gap"), Some(o)) => Some(format!("gap:{o}")),
        (Some("conflict"), Some(o)) => rules.map(|r| format!("conflict:{o}:{}", r.join(":"))),
        (Some("overlap"), Some(o)) => rules.map(|r| format!("overlap:{o}:{}", r.join(":"))),
        (Some("conflicts_not_listed"), Some(o)) if code == Code::E0506 => {
            Some(format!("overlap:{o}:more"))
        }
        (Some("conflicts_not_listed"), Some(o)) => Some(format!("conflict:{o}:more")),
        (Some("assert"), _) => s("assert").map(|a| format!("assert:{a}")),
        (Some("unfinished"), o) => s("analysis").map(|a| match o {
            Some(o) => format!("unfinished:{a}:{o}"),
            None => format!("unfinished:{a}"),
        }),
        (Some("no_valid_incident"), _) => Some("no_incident".to_string()),
        _ => None,
    };
    named.unwrap_or_else(|| code.as_str().to_ascii_lowercase())
}

fn str_at<'v>(data: Option<&'v Value>, key: &str) -> Option<&'v str> {
    data.and_then(|v| v.get(key)).and_then(Value::as_str)
}
