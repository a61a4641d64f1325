//! `--format json`: JSON Lines, one object per test, then one per policy's coverage (when
//! asked for), then a summary object. Every object has a `type`: `test`, `note` (an
//! accepted gap, a decision graph too large), `coverage` (`measured` false with a
//! `reason` when the graph could not be built) or `summary`. docs/testing.md has the
//! schema.
//!
//! The fields of every line are declared in alphabetical order, the order the lines have
//! always printed in (they were `serde_json::Map`s, which sort their keys); no document
//! promises an order.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::{Coverage, Example, LocatedRule, Report, Step, TestCase, TestOutcome, Uncovered};

/// The lines of the report, each one JSON object.
pub fn render(report: &Report, shortfalls: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    for t in report.suites.iter().flat_map(|s| &s.tests) {
        lines.push(line(&TestLine::new(t)));
    }
    for s in &report.suites {
        for n in &s.notes {
            lines.push(line(&NoteLine {
                message: n,
                policy: &s.policy,
                r#type: "note",
            }));
        }
    }
    for s in &report.suites {
        if let Some(why) = &s.coverage_unmeasured {
            lines.push(line(&UnmeasuredLine {
                measured: false,
                policy: &s.policy,
                reason: why,
                r#type: "coverage",
            }));
        } else if let Some(c) = &s.coverage {
            lines.push(line(&CoverageLine::new(&s.policy, c)));
        }
    }
    let t = report.totals();
    lines.push(line(&SummaryLine {
        coverage_failures: shortfalls,
        failed: t.failed,
        ok: t.failed == 0 && shortfalls.is_empty(),
        passed: t.passed,
        skipped: t.skipped,
        r#type: "summary",
    }));
    lines
}

/// One line (plain data always serializes).
fn line(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `{"type": "test", ...}`: one test and, when it failed, why.
#[derive(Serialize)]
struct TestLine<'a> {
    cites: Option<&'a str>,
    /// The errors of a file that does not check, or of a graph too large.
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnostics: Option<&'a [Value]>,
    failures: Vec<FailureLine<'a>>,
    kind: &'static str,
    location: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a [String]>,
    policy: &'a str,
    status: &'static str,
    title: Option<&'a str>,
    r#type: &'static str,
}

impl<'a> TestLine<'a> {
    fn new(t: &'a TestCase) -> TestLine<'a> {
        let failure = match &t.outcome {
            TestOutcome::Failed(f) => Some(f),
            TestOutcome::Passed | TestOutcome::Skipped => None,
        };
        TestLine {
            cites: t.cites.as_deref(),
            diagnostics: failure
                .filter(|f| !f.diagnostics.is_empty())
                .map(|f| f.diagnostics.as_slice()),
            failures: failure
                .map(|f| f.examples.iter().flat_map(FailureLine::of).collect())
                .unwrap_or_default(),
            kind: t.kind.as_str(),
            location: &t.location,
            message: failure.map(|f| f.message.as_str()),
            name: &t.name,
            notes: failure.map(|f| f.notes.as_slice()),
            policy: &t.policy,
            status: t.outcome.status(),
            title: t.title.as_deref(),
            r#type: "test",
        }
    }
}

/// One expectation an example breaks, carrying the example.
#[derive(Serialize)]
struct FailureLine<'a> {
    actual: &'a str,
    decision_status: &'a str,
    /// The facts, keyed by input.
    example: BTreeMap<&'a str, &'a Value>,
    expected: &'a str,
    output: Option<&'a str>,
    overridden: Vec<RuleLine<'a>>,
    /// Rules that applied but whose value a precedence ranked below another's; absent
    /// when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    set_aside: Vec<RuleLine<'a>>,
    /// No path (null) when the decision was read from the rules: there is no graph.
    path: Option<Vec<StepLine<'a>>>,
    rules: Vec<RuleLine<'a>>,
}

impl<'a> FailureLine<'a> {
    /// One entry per expectation that `e` breaks.
    fn of(e: &'a Example) -> Vec<FailureLine<'a>> {
        e.mismatches
            .iter()
            .map(|m| FailureLine {
                actual: &m.actual,
                decision_status: &e.status,
                example: e.facts.iter().map(|(k, v)| (k.as_str(), v)).collect(),
                expected: &m.expected,
                output: m.output.as_deref(),
                overridden: e.overridden.iter().map(RuleLine::new).collect(),
                set_aside: e.set_aside.iter().map(RuleLine::new).collect(),
                path: e
                    .path
                    .as_ref()
                    .map(|p| p.iter().map(StepLine::new).collect()),
                rules: e.rules.iter().map(RuleLine::new).collect(),
            })
            .collect()
    }
}

#[derive(Serialize)]
struct RuleLine<'a> {
    cites: Option<&'a str>,
    location: &'a str,
    name: &'a str,
    title: Option<&'a str>,
}

/// A rule no scenario covers, and the scenario that reaches it for some completion.
#[derive(Serialize)]
struct UncoveredLine<'a> {
    cites: Option<&'a str>,
    location: &'a str,
    name: &'a str,
    reached_by: Option<&'a str>,
    title: Option<&'a str>,
}

impl<'a> UncoveredLine<'a> {
    fn new(u: &'a Uncovered) -> UncoveredLine<'a> {
        let r = &u.rule;
        UncoveredLine {
            cites: r.cites.as_deref(),
            location: &r.location,
            name: &r.name,
            reached_by: u.reached_by.as_deref(),
            title: r.title.as_deref(),
        }
    }
}

impl<'a> RuleLine<'a> {
    fn new(r: &'a LocatedRule) -> RuleLine<'a> {
        RuleLine {
            cites: r.cites.as_deref(),
            location: &r.location,
            name: &r.name,
            title: r.title.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct StepLine<'a> {
    answer: &'a str,
    input: &'a str,
    question: Option<&'a str>,
}

impl<'a> StepLine<'a> {
    fn new(s: &'a Step) -> StepLine<'a> {
        StepLine {
            answer: &s.answer,
            input: &s.input,
            question: s.question.as_deref(),
        }
    }
}

/// `{"type": "note", ...}`: an accepted gap, a graph too large.
#[derive(Serialize)]
struct NoteLine<'a> {
    message: &'a str,
    policy: &'a str,
    r#type: &'static str,
}

/// `{"type": "coverage", "measured": false, ...}`: why nothing was measured.
#[derive(Serialize)]
struct UnmeasuredLine<'a> {
    measured: bool,
    policy: &'a str,
    reason: &'a str,
    r#type: &'static str,
}

/// `{"type": "coverage", "measured": true, ...}`. Without a graph the leaf figures are
/// null and `leaves_reason` says why, rather than zeros.
#[derive(Serialize)]
struct CoverageLine<'a> {
    leaf_percent: Option<f64>,
    leaves_covered: Option<usize>,
    leaves_measured: bool,
    leaves_reached: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    leaves_reason: Option<&'a str>,
    leaves_total: Option<usize>,
    measured: bool,
    policy: &'a str,
    rule_percent: f64,
    rules_covered: usize,
    rules_reached: usize,
    rules_total: usize,
    r#type: &'static str,
    uncovered: Vec<UncoveredLine<'a>>,
}

impl<'a> CoverageLine<'a> {
    fn new(policy: &'a str, c: &'a Coverage) -> CoverageLine<'a> {
        let leaves = c.leaves_unmeasured.is_none();
        CoverageLine {
            leaf_percent: leaves.then(|| round1(c.leaf_percent())),
            leaves_covered: leaves.then_some(c.leaves_covered),
            leaves_measured: leaves,
            leaves_reached: leaves.then_some(c.leaves_reached),
            leaves_reason: c.leaves_unmeasured.as_deref(),
            leaves_total: leaves.then_some(c.leaves_total),
            measured: true,
            policy,
            rule_percent: round1(c.rule_percent()),
            rules_covered: c.rules_covered,
            rules_reached: c.rules_reached,
            rules_total: c.rules_total,
            r#type: "coverage",
            uncovered: c.uncovered.iter().map(UncoveredLine::new).collect(),
        }
    }
}

/// `{"type": "summary", ...}`: the closing counts.
#[derive(Serialize)]
struct SummaryLine<'a> {
    coverage_failures: &'a [String],
    failed: usize,
    ok: bool,
    passed: usize,
    skipped: usize,
    r#type: &'static str,
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample_report;
    use super::*;

    #[test]
    fn one_object_per_test_then_coverage_then_summary() {
        let lines = render(&sample_report(), &[]);
        let values: Vec<Value> = lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
            .collect();
        let types: Vec<&str> = values
            .iter()
            .map(|v| v["type"].as_str().unwrap_or("?"))
            .collect();
        assert_eq!(
            types,
            ["test", "test", "test", "test", "test", "note", "coverage", "summary"]
        );
        assert!(values[5]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("accepted gap"));
        let failed = &values[1];
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["failures"][0]["output"], "resolution");
        assert_eq!(failed["failures"][0]["expected"], "investigation");
        assert_eq!(failed["failures"][0]["actual"], "outcome_21");
        assert_eq!(failed["failures"][0]["example"]["age"], 15);
        assert_eq!(failed["failures"][0]["rules"][0]["cites"], "001 para 6");
        assert_eq!(values[2]["status"], "skipped");
        assert_eq!(values[7]["passed"], 2);
        assert_eq!(values[7]["failed"], 2);
        assert_eq!(values[7]["skipped"], 1);
        assert_eq!(values[7]["ok"], false);
        assert_eq!(values[6]["uncovered"][0]["name"], "r3");
    }

    /// The bytes of every kind of line, keys in alphabetical order.
    #[test]
    fn lines_are_pinned() {
        let mut report = sample_report();
        let mut lines = render(&report, &["a shortfall".into()]);
        if let Some(c) = report.suites[0].coverage.as_mut() {
            c.leaves_unmeasured = Some("no graph".into());
        }
        report.suites[1].coverage_unmeasured = Some("cannot compile".into());
        lines.extend(render(&report, &[]));
        insta::assert_snapshot!(lines.join("\n"));
    }
}
