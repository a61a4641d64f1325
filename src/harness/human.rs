//! The report for people, in the spirit of `cargo test`: a `running N tests` line per
//! policy, one line a test, then the details of every failure, coverage when asked for,
//! and the closing line `N passed, M failed`.

use std::fmt::Write;

use super::{Example, LocatedRule, Report, TestCase, TestKind, TestOutcome};

/// Renders the whole report. `shortfalls` are the `--min-coverage` failures, printed
/// just above the closing line.
pub fn render(report: &Report, shortfalls: &[String]) -> String {
    let mut out = String::new();
    for suite in &report.suites {
        let running: Vec<&TestCase> = suite
            .tests
            .iter()
            .filter(|t| !matches!(t.outcome, TestOutcome::Skipped))
            .collect();
        let word = if running.len() == 1 { "test" } else { "tests" };
        let _ = writeln!(
            out,
            "running {} {word} for {} ({})",
            running.len(),
            suite.policy,
            suite.files.join(", ")
        );
        for t in running {
            let status = match t.outcome {
                TestOutcome::Failed(_) => "FAILED",
                _ => "ok",
            };
            let kind = match t.kind {
                TestKind::Scenario => "",
                TestKind::Assert => " (assert)",
                TestKind::Check => "",
                TestKind::Finding => " (check)",
            };
            let _ = writeln!(out, "test {}{kind} ... {status}", t.full_name());
        }
        for n in &suite.notes {
            let _ = writeln!(out, "note: {n}");
        }
        out.push('\n');
    }

    failures(&mut out, report);

    for suite in &report.suites {
        if let Some(why) = &suite.coverage_unmeasured {
            let _ = writeln!(out, "coverage of {}: not measured: {why}\n", suite.policy);
            continue;
        }
        let Some(c) = &suite.coverage else { continue };
        let _ = writeln!(out, "coverage of {}: {}", suite.policy, c.summary());
        for u in &c.uncovered {
            let _ = writeln!(out, "  not covered: {}", u.line());
        }
        out.push('\n');
    }

    for s in shortfalls {
        let _ = writeln!(out, "error: {s}");
    }
    out.push_str(&report.totals().closing_line());
    out.push('\n');
    out
}

/// Only what fails (`policyc test --quiet`): the details of every failed test, the
/// coverage shortfalls and the closing line.
pub fn render_failures(report: &Report, shortfalls: &[String]) -> String {
    let mut out = String::new();
    failures(&mut out, report);
    for s in shortfalls {
        let _ = writeln!(out, "error: {s}");
    }
    out.push_str(&report.totals().closing_line());
    out.push('\n');
    out
}

/// The details of every failed test, then their names.
fn failures(out: &mut String, report: &Report) {
    let failed: Vec<&TestCase> = report
        .suites
        .iter()
        .flat_map(|s| &s.tests)
        .filter(|t| matches!(t.outcome, TestOutcome::Failed(_)))
        .collect();
    if failed.is_empty() {
        return;
    }
    out.push_str("failures:\n\n");
    for t in &failed {
        failure_details(out, t);
    }
    out.push_str("failures:\n");
    for t in &failed {
        let _ = writeln!(out, "    {}", t.full_name());
    }
    out.push('\n');
}

pub(crate) fn failure_details(out: &mut String, t: &TestCase) {
    let TestOutcome::Failed(f) = &t.outcome else {
        return;
    };
    let _ = writeln!(out, "---- {} ----", t.full_name());
    // A finding's title is its diagnostic's message, which its rendering below shows.
    let title = t
        .title
        .as_deref()
        .filter(|_| t.kind != TestKind::Finding)
        .map(|s| format!(" {}", quoted(s)))
        .unwrap_or_default();
    let _ = writeln!(out, "{}{title} at {}", t.kind.as_str(), t.location);
    if let Some(c) = &t.cites {
        let _ = writeln!(out, "cites {}", quoted(c));
    }
    let _ = writeln!(out, "{}", f.message);
    for n in &f.notes {
        for line in n.lines() {
            let _ = writeln!(out, "  {}", line.trim_end());
        }
    }
    for (i, e) in f.examples.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        example(out, e);
    }
    out.push('\n');
}

fn example(out: &mut String, e: &Example) {
    let _ = writeln!(out, "for example, the incident {}", e.facts_json());
    for m in &e.mismatches {
        match &m.output {
            Some(o) => {
                let _ = writeln!(out, "  {o}: expected {}, actual {}", m.expected, m.actual);
            }
            None => {
                let _ = writeln!(out, "  expected {}, actual {}", m.expected, m.actual);
            }
        }
    }
    let _ = writeln!(out, "  decision: {}", e.status.replace('_', " "));
    rule_list(out, "rules that fired", &e.rules);
    if !e.set_aside.is_empty() {
        rule_list(
            out,
            "rules outranked by precedence (they applied, but a higher-ranked value won)",
            &e.set_aside,
        );
    }
    rule_list(out, "rules overridden", &e.overridden);
    match &e.path {
        None => {
            let _ = writeln!(
                out,
                "  decided by reading the rules: the decision graph is too large to show a path"
            );
        }
        Some(path) if path.is_empty() => {
            let _ = writeln!(out, "  path through the decision graph: no question asked");
        }
        Some(path) => {
            let _ = writeln!(out, "  path through the decision graph:");
            for s in path {
                match &s.question {
                    Some(q) => {
                        let _ = writeln!(out, "    {} ({q}) -> {}", s.input, s.answer);
                    }
                    None => {
                        let _ = writeln!(out, "    {} -> {}", s.input, s.answer);
                    }
                }
            }
        }
    }
}

fn rule_list(out: &mut String, heading: &str, rules: &[LocatedRule]) {
    if rules.is_empty() {
        let _ = writeln!(out, "  {heading}: none");
        return;
    }
    let _ = writeln!(out, "  {heading}:");
    for r in rules {
        let _ = writeln!(out, "    {}", rule_line(r));
    }
}

/// `name "title" (cites "...") at file:line`
pub(crate) fn rule_line(r: &LocatedRule) -> String {
    let mut s = r.name.clone();
    if let Some(t) = &r.title {
        s.push(' ');
        s.push_str(&quoted(t));
    }
    if let Some(c) = &r.cites {
        s.push_str(&format!(" (cites {})", quoted(c)));
    }
    s.push_str(" at ");
    s.push_str(&r.location);
    s
}

fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `ok` in green and `FAILED` in red on the test lines, as `cargo test` shows them on
/// a terminal (ANSI colours).
pub fn colour_statuses(text: &str) -> String {
    const GREEN: &str = "\x1b[32m";
    const RED: &str = "\x1b[31m";
    const RESET: &str = "\x1b[0m";
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let newline = line.get(body.len()..).unwrap_or_default();
        match (
            body.starts_with("test "),
            body.strip_suffix(" ... ok"),
            body.strip_suffix(" ... FAILED"),
        ) {
            (true, Some(head), _) => out.push_str(&format!("{head} ... {GREEN}ok{RESET}{newline}")),
            (true, _, Some(head)) => {
                out.push_str(&format!("{head} ... {RED}FAILED{RESET}{newline}"))
            }
            _ => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::sample_report;
    use super::*;

    #[test]
    fn closing_line_is_last_and_counts_every_test() {
        let text = render(&sample_report(), &[]);
        let last = text.lines().last().unwrap_or_default();
        assert_eq!(last, "2 passed, 2 failed, 1 skipped");
        // Skipped tests get no line of their own.
        assert!(!text.contains("filtered_out"), "{text}");
        assert_eq!(text.matches("... FAILED").count(), 2, "{text}");
        assert_eq!(text.matches("... ok").count(), 2, "{text}");
    }

    #[test]
    fn shortfalls_come_just_before_the_closing_line() {
        let text = render(&sample_report(), &["rule coverage of `p` is 50.0%".into()]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.get(lines.len() - 2),
            Some(&"error: rule coverage of `p` is 50.0%")
        );
    }

    #[test]
    fn report_renders_as_pinned() {
        insta::assert_snapshot!(render(&sample_report(), &[]));
    }

    #[test]
    fn only_statuses_of_test_lines_are_coloured() {
        let text = "running 2 tests for p (p.policy)\ntest p::a ... ok\ntest p::b ... FAILED\n\n1 passed, 1 failed\n";
        let coloured = colour_statuses(text);
        assert!(coloured.contains("test p::a ... \x1b[32mok\x1b[0m\n"));
        assert!(coloured.contains("test p::b ... \x1b[31mFAILED\x1b[0m\n"));
        assert!(coloured.ends_with("\n1 passed, 1 failed\n"));
        assert_eq!(colour_statuses("no tests here\n"), "no tests here\n");
    }
}
