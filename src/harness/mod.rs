//! The scenario test harness behind `policyc test`: runs every scenario and assert of a
//! policy against its decision graph (past the graph's limit, scenarios with complete
//! facts by reading the rules), fails the policy's error-level findings as tests of
//! their own, measures coverage, and reports in the formats people and CI read (human,
//! JSON Lines, JUnit XML).
//!
//! Running produces a [`Report`] of plain data (strings and numbers, no IR ids), so the
//! formatters in [`human`], [`json`] and [`junit`] need nothing but the report, and the
//! same report can be shown in any format. `docs/testing.md` states the semantics.

pub mod human;
pub mod json;
pub mod junit;
pub mod run;

use serde::Serialize;

/// Everything one `policyc test` run found, in the order policies were given.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub suites: Vec<Suite>,
}

/// The tests of one policy: its own scenarios and asserts and those of the test files
/// that `use` it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Suite {
    /// The policy's name (its header's, or a module's file stem).
    pub policy: String,
    /// The files the tests were read from, as the user named them.
    pub files: Vec<String>,
    pub tests: Vec<TestCase>,
    /// Filled when coverage was asked for and the policy checked without errors.
    pub coverage: Option<Coverage>,
    /// Coverage was asked for but nothing could be measured (the policy could not be
    /// compiled at all): why, in words.
    pub coverage_unmeasured: Option<String>,
    /// What the report must mention without failing: accepted gaps (docs/language.md,
    /// "Accepted gaps": still listed by `policyc test`), a decision graph too large
    /// (scenarios then decided by reading the rules).
    pub notes: Vec<String>,
}

/// One scenario, assert, or the check of a file that has errors.
#[derive(Clone, Debug, Serialize)]
pub struct TestCase {
    pub policy: String,
    pub name: String,
    pub kind: TestKind,
    pub title: Option<String>,
    pub cites: Option<String>,
    /// `file:line` of the declaration.
    pub location: String,
    pub outcome: TestOutcome,
}

impl TestCase {
    /// `policy::name`, the name `--filter` matches and the report prints.
    pub fn full_name(&self) -> String {
        format!("{}::{}", self.policy, self.name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    Scenario,
    Assert,
    /// A file that does not check: its errors fail the run like a failed test.
    Check,
    /// An error-level finding of the analyses (a gap, a conflict...): `policyc check`
    /// rejects the policy, so its tests fail too.
    Finding,
}

impl TestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TestKind::Scenario => "scenario",
            TestKind::Assert => "assert",
            TestKind::Check => "check",
            TestKind::Finding => "finding",
        }
    }
}

/// How one test came out (its `status` in the JSON report).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TestOutcome {
    Passed,
    Failed(Failure),
    /// Left out by `--filter`.
    Skipped,
}

impl TestOutcome {
    pub fn status(&self) -> &'static str {
        match self {
            TestOutcome::Passed => "passed",
            TestOutcome::Failed(_) => "failed",
            TestOutcome::Skipped => "skipped",
        }
    }
}

/// Why a test failed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Failure {
    /// One line: what broke.
    pub message: String,
    /// Lines that say more without an example: a broken assumption, rendered
    /// diagnostics of a file that does not check.
    pub notes: Vec<String>,
    /// Incidents where the expectation breaks; usually one, more only when no single
    /// incident breaks every failing expectation.
    pub examples: Vec<Example>,
    /// The errors of a file that does not check, in the machine form of
    /// `policyc check --format json`.
    pub diagnostics: Vec<serde_json::Value>,
}

/// One complete incident where an expectation breaks, and why the policy decides it so.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Example {
    /// Every input the policy reads, in declaration order, as JSON facts carry it.
    pub facts: Vec<(String, serde_json::Value)>,
    /// `decided`, `undecided` or `out_of_scope`.
    pub status: String,
    /// What this incident broke.
    pub mismatches: Vec<Mismatch>,
    /// Rules that applied and were not overridden.
    pub rules: Vec<LocatedRule>,
    /// Rules that applied and were not overridden, but whose value a precedence ranked
    /// below another's: they decided nothing.
    pub set_aside: Vec<LocatedRule>,
    /// Rules that applied but whose assignments lost to an overriding rule.
    pub overridden: Vec<LocatedRule>,
    /// The questions the decision graph asked, in order, and the answers taken; `None`
    /// when the decision was read from the rules because the graph is too large.
    pub path: Option<Vec<Step>>,
}

impl Example {
    /// The facts as one JSON object (keys in declaration order).
    pub fn facts_json(&self) -> String {
        let items: Vec<String> = self
            .facts
            .iter()
            .map(|(k, v)| format!("{}: {v}", serde_json::Value::from(k.as_str())))
            .collect();
        format!("{{{}}}", items.join(", "))
    }
}

/// One expectation that does not hold: `output` is `None` for `out_of_scope` and for an
/// assert.
#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    pub output: Option<String>,
    pub expected: String,
    pub actual: String,
}

/// A rule of the policy under test, with its citation and where it is written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LocatedRule {
    pub name: String,
    pub title: Option<String>,
    pub cites: Option<String>,
    /// `file:line`.
    pub location: String,
}

/// One question on the way through the decision graph.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub input: String,
    /// The question the input asks (its doc comment up to the first `?`, on one line, as
    /// the graph's nodes show it), when it has a doc comment.
    pub question: Option<String>,
    /// The answer taken, as the language writes a value or a set: `true`, `nude`,
    /// `13..=15`, `{nude, extreme}`.
    pub answer: String,
}

/// How much of a policy its scenarios exercise (`docs/testing.md`, "Coverage").
///
/// A rule is *covered* by a scenario when, for every completion of the scenario's facts
/// that is in scope and keeps the assumptions, the rule applies and none of its
/// assignments is overridden, outranked by a precedence, or lost in an overlap or
/// conflict; a leaf, when every such completion ends there. The looser
/// figures, *reached*, count what some completion fires or ends at: a scenario that
/// leaves most facts open reaches much and covers little.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    pub rules_total: usize,
    /// The figure `--min-coverage` holds to.
    pub rules_covered: usize,
    pub rules_reached: usize,
    pub leaves_total: usize,
    pub leaves_covered: usize,
    pub leaves_reached: usize,
    /// Why the leaves are not counted (the decision graph is too large); the leaf
    /// figures are then 0 and mean nothing.
    pub leaves_unmeasured: Option<String>,
    /// Rules no scenario covers, in declaration order.
    pub uncovered: Vec<Uncovered>,
}

/// A rule no scenario covers.
#[derive(Clone, Debug, Serialize)]
pub struct Uncovered {
    #[serde(flatten)]
    pub rule: LocatedRule,
    /// The first scenario that fires it for some completion of its facts but not all:
    /// the one to make more specific. `None`: no scenario fires it at all.
    pub reached_by: Option<String>,
}

impl Uncovered {
    /// The rule's line in a report, and what reaches it.
    pub fn line(&self) -> String {
        let mut s = human::rule_line(&self.rule);
        if let Some(by) = &self.reached_by {
            s.push_str(&format!(
                " (fires for some incidents of scenario `{by}`, not all)"
            ));
        }
        s
    }
}

impl Coverage {
    /// Rule coverage in percent; a policy without rules is fully covered.
    pub fn rule_percent(&self) -> f64 {
        percent(self.rules_covered, self.rules_total)
    }

    pub fn leaf_percent(&self) -> f64 {
        percent(self.leaves_covered, self.leaves_total)
    }

    /// The figures in words: `3 of 4 rules (75.0%), 5 of 9 decision-graph leaves
    /// (55.6%)`, or the rules and why the leaves are not counted; then the looser
    /// figures when they differ.
    pub fn summary(&self) -> String {
        let rules = format!(
            "{} of {} rules ({:.1}%)",
            self.rules_covered,
            self.rules_total,
            self.rule_percent()
        );
        let (figures, looser) = match &self.leaves_unmeasured {
            Some(why) => (
                format!("{rules}; decision-graph leaves not measured: {why}"),
                (self.rules_reached != self.rules_covered)
                    .then(|| format!("{} of {} rules", self.rules_reached, self.rules_total)),
            ),
            None => (
                format!(
                    "{rules}, {} of {} decision-graph leaves ({:.1}%)",
                    self.leaves_covered,
                    self.leaves_total,
                    self.leaf_percent()
                ),
                (self.rules_reached != self.rules_covered
                    || self.leaves_reached != self.leaves_covered)
                    .then(|| {
                        format!(
                            "{} of {} rules, {} of {} leaves",
                            self.rules_reached,
                            self.rules_total,
                            self.leaves_reached,
                            self.leaves_total
                        )
                    }),
            ),
        };
        match looser {
            Some(l) => format!("{figures}; reached by some incident of a scenario: {l}"),
            None => figures,
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The counts of the closing line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Report {
    /// How many scenarios and asserts ran (were not left out by `--filter`): findings and
    /// files that do not check always run, so they are not counted.
    pub fn selected(&self) -> usize {
        self.suites
            .iter()
            .flat_map(|s| &s.tests)
            .filter(|t| matches!(t.kind, TestKind::Scenario | TestKind::Assert))
            .filter(|t| !matches!(t.outcome, TestOutcome::Skipped))
            .count()
    }

    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for test in self.suites.iter().flat_map(|s| &s.tests) {
            match test.outcome {
                TestOutcome::Passed => t.passed += 1,
                TestOutcome::Failed(_) => t.failed += 1,
                TestOutcome::Skipped => t.skipped += 1,
            }
        }
        t
    }
}

/// Whether `--filter TEXT` selects a test: a substring of `policy::name` or of the title.
/// A file that does not check and an error-level finding always report: the filter
/// chooses among scenarios and asserts, it never passes a policy `policyc check`
/// rejects.
pub fn matches_filter(test: &TestCase, text: &str) -> bool {
    matches!(test.kind, TestKind::Check | TestKind::Finding)
        || test.full_name().contains(text)
        || test.title.as_deref().is_some_and(|t| t.contains(text))
}

impl Totals {
    /// The closing line: exactly `N passed, M failed`, then `, K skipped` when some were.
    pub fn closing_line(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed, self.failed);
        if self.skipped > 0 {
            line.push_str(&format!(", {} skipped", self.skipped));
        }
        line
    }
}

/// The policies whose rule coverage is below `min` percent, or could not be measured,
/// as lines that say so.
pub fn coverage_shortfalls(report: &Report, min: f64) -> Vec<String> {
    report
        .suites
        .iter()
        .filter_map(|s| {
            if let Some(why) = &s.coverage_unmeasured {
                // A threshold nobody measured is not met: passing it would hide that
                // the scenarios' coverage is unknown.
                return Some(format!(
                    "rule coverage of `{}` is not measured, so the required {min}% is not met (--min-coverage): {why}",
                    s.policy
                ));
            }
            let c = s.coverage.as_ref()?;
            (c.rule_percent() < min).then(|| {
                format!(
                    "rule coverage of `{}` is {:.1}%, below the required {min}% (--min-coverage)",
                    s.policy,
                    c.rule_percent()
                )
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
