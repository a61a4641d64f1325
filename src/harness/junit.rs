//! `--format junit`: JUnit XML as CI systems ingest it (GitLab, Jenkins, GitHub
//! reporters): `<testsuites>` with one `<testsuite>` per policy and one `<testcase>` per
//! scenario or assert, `classname` the policy; a failure carries a one-line `message`
//! and the full details as its text; a filtered-out test is `<skipped/>`.
//!
//! The elements and attributes are those of the JUnit schemas of Jenkins (xunit) and
//! Ant, checked by `tests/junit_schema.rs`, plus `file` and `line` on `<testcase>`,
//! which GitLab and the GitHub reporters read to point at the scenario or assert; the
//! skipped count is on each `<testsuite>`, where the schemas have it, not on
//! `<testsuites>` (which they refuse).
//!
//! Written by hand rather than with a crate: the format is small, and the one thing to
//! get right is escaping, which `escape` does for text and attributes alike.

use std::fmt::Write;

use super::{Report, TestCase, TestOutcome};
use crate::xml::{escape, escape_text};

pub fn render(report: &Report, shortfalls: &[String]) -> String {
    let totals = report.totals();
    // The coverage suite below counts too: the root's counts are the sum of its suites.
    let extra = usize::from(!shortfalls.is_empty());
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"policyc test\" tests=\"{}\" failures=\"{}\" errors=\"0\">",
        totals.passed + totals.failed + totals.skipped + extra,
        totals.failed + extra,
    );
    for suite in &report.suites {
        let count =
            |f: fn(&TestOutcome) -> bool| suite.tests.iter().filter(|t| f(&t.outcome)).count();
        let failures = count(|o| matches!(o, TestOutcome::Failed(_)));
        let skipped = count(|o| matches!(o, TestOutcome::Skipped));
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
            escape(&suite.policy),
            suite.tests.len()
        );
        for t in &suite.tests {
            testcase(&mut out, t);
        }
        let mut system_out = String::new();
        for n in &suite.notes {
            let _ = writeln!(system_out, "note: {n}");
        }
        if let Some(why) = &suite.coverage_unmeasured {
            let _ = writeln!(system_out, "coverage: not measured: {why}");
        }
        if let Some(c) = &suite.coverage {
            let mut text = format!("coverage: {}\n", c.summary());
            for u in &c.uncovered {
                let _ = writeln!(text, "not covered: {}", u.line());
            }
            system_out.push_str(&text);
        }
        if !system_out.is_empty() {
            let _ = writeln!(
                out,
                "    <system-out>{}</system-out>",
                escape_text(&system_out)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    if !shortfalls.is_empty() {
        // A coverage shortfall fails the run; CI must see it as a failed test, or the
        // red build would have no visible cause in the test report.
        out.push_str("  <testsuite name=\"coverage\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\">\n");
        let _ = writeln!(
            out,
            "    <testcase name=\"min-coverage\" classname=\"coverage\"><failure message=\"{}\" type=\"coverage\">{}</failure></testcase>",
            escape(shortfalls.first().map(String::as_str).unwrap_or_default()),
            escape_text(&shortfalls.join("\n"))
        );
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn testcase(out: &mut String, t: &TestCase) {
    let (file, line) = match t.location.rsplit_once(':') {
        Some((f, l)) if l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => (f, Some(l)),
        _ => (t.location.as_str(), None),
    };
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
        escape(&t.name),
        escape(&t.policy),
        escape(file)
    );
    if let Some(line) = line {
        let _ = write!(out, " line=\"{line}\"");
    }
    match &t.outcome {
        TestOutcome::Passed => out.push_str("/>\n"),
        TestOutcome::Skipped => out.push_str("><skipped message=\"filtered out\"/></testcase>\n"),
        TestOutcome::Failed(f) => {
            let first_mismatch = f
                .examples
                .first()
                .and_then(|e| e.mismatches.first())
                .map(|m| match &m.output {
                    Some(o) => format!("{o}: expected {}, actual {}", m.expected, m.actual),
                    None => format!("expected {}, actual {}", m.expected, m.actual),
                })
                .filter(|_| t.kind == super::TestKind::Scenario);
            let message = first_mismatch.unwrap_or_else(|| f.message.clone());
            let mut details = String::new();
            super::human::failure_details(&mut details, t);
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                escape(&message),
                t.kind.as_str(),
                escape_text(&details)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample_report;
    use super::*;

    #[test]
    fn report_is_well_formed_junit() {
        let xml = render(&sample_report(), &["rule coverage of `p` is 66.7%".into()]);
        let doc = match roxmltree::Document::parse(&xml) {
            Ok(d) => d,
            Err(e) => panic!("not well-formed XML: {e}\n{xml}"),
        };
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("tests"), Some("6"));
        assert_eq!(root.attribute("failures"), Some("3"));
        // The schemas have the skipped count on each suite only.
        assert_eq!(root.attribute("skipped"), None);
        let suites: Vec<_> = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .collect();
        let names: Vec<_> = suites.iter().filter_map(|s| s.attribute("name")).collect();
        assert_eq!(names, ["p", "broken", "coverage"]);
        let cases: Vec<_> = suites[0]
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 4);
        assert!(cases.iter().all(|c| c.attribute("classname") == Some("p")));
        let failure = cases[1].children().find(|n| n.has_tag_name("failure"));
        let failure = failure.unwrap_or_else(|| panic!("no <failure> in {xml}"));
        assert_eq!(
            failure.attribute("message"),
            Some("resolution: expected investigation, actual outcome_21")
        );
        let text = failure.text().unwrap_or_default();
        assert!(text.contains("A failing <scenario> & \\\"quotes"), "{text}");
        assert!(text.contains("r2 \"Otherwise <outcome 21>"), "{text}");
        assert!(cases[2].children().any(|n| n.has_tag_name("skipped")));
        assert_eq!(cases[1].attribute("line"), Some("20"));
    }
}
