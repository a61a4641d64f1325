//! `policyc test`: the report on fixture policies pinned by snapshots, the command-line
//! contract (exit codes, `--filter`, the JSON and JUnit formats, coverage thresholds), and
//! the diagnostics scenario files get.

mod common;
use common::{code, policyc, stdout};
use std::path::{Path, PathBuf};
use std::process::Output;

use policyc::harness::{self, run};
use policyc::source::{RealFs, Sources};

const SCHOOL: &str = "tests/fixtures/harness/school";
const CLEAN: &str = "tests/fixtures/harness/clean";
const BROKEN: &str = "tests/fixtures/harness/broken";
const OVER_LIMIT: &str = "tests/fixtures/harness/over_limit";
/// A node limit that the analyses of the `over_limit` fixture fit (from 555 nodes) and its
/// decision graph (1057 nodes) passes.
const OVER_LIMIT_NODES: usize = 600;

fn report(dir: &str, coverage: bool) -> String {
    let options = run::Options {
        coverage,
        ..run::Options::default()
    };
    harness::human::render(&run_dir(dir, &options), &[])
}

fn run_dir(dir: &str, options: &run::Options) -> harness::Report {
    let (files, errors) = policyc::check::policy_files(&[PathBuf::from(dir)]);
    assert!(errors.is_empty());
    let mut sources = Sources::new();
    let result = run::run_files(&mut sources, &RealFs, &files, options);
    assert!(result.io_errors.is_empty());
    result.report
}

#[test]
fn school_report_with_failures_and_coverage() {
    insta::assert_snapshot!(report(SCHOOL, true));
}

#[test]
fn clean_report() {
    insta::assert_snapshot!(report(CLEAN, false));
}

#[test]
fn broken_report_shows_the_check_errors() {
    insta::assert_snapshot!(report(BROKEN, false));
}

/// Past the node limit, a scenario whose facts fix every input the decision reads is
/// judged by reading the rules, as the graph judges it; one with partial facts fails
/// naming the facts it lacks; rule coverage counts what the decided scenarios fire, and
/// the leaves are not measured.
#[test]
fn a_graph_past_the_node_limit_judges_complete_facts_by_reading_the_rules() {
    let limited = run::Options {
        coverage: true,
        max_nodes: Some(OVER_LIMIT_NODES),
        ..run::Options::default()
    };
    let report = run_dir(OVER_LIMIT, &limited);
    let text = harness::human::render(&report, &[]);
    // The limit is really passed: without it the graph judges and coverage is measured.
    assert!(
        text.contains("would need more than 600 nodes (E0504)"),
        "{text}"
    );
    let with_graph = run_dir(
        OVER_LIMIT,
        &run::Options {
            coverage: true,
            ..run::Options::default()
        },
    );
    assert!(with_graph.suites[0].coverage.is_some());
    assert!(with_graph.suites[0].notes.is_empty());
    // Reading the rules exercises what the graph's leaves do for the decided scenarios,
    // and nothing for the others: a rule it covers, the graph covers too.
    let uncovered = |r: &harness::Report| -> Vec<String> {
        let c = r.suites[0].coverage.as_ref().unwrap();
        c.uncovered.iter().map(|x| x.rule.name.clone()).collect()
    };
    let (by_rules, by_graph) = (uncovered(&report), uncovered(&with_graph));
    assert!(
        by_graph.iter().all(|r| by_rules.contains(r)),
        "{by_rules:?} {by_graph:?}"
    );
    insta::assert_snapshot!(text);

    let test = |r: &harness::Report, name: &str| {
        let t = r.suites[0].tests.iter().find(|t| t.name == name);
        t.unwrap_or_else(|| panic!("no test {name}"))
            .outcome
            .clone()
    };
    let status = |r: &harness::Report, name: &str| test(r, name).status();
    for name in ["coerced_fifteen", "adult", "coercion_escalated"] {
        assert_eq!(status(&report, name), "passed", "{name}");
        assert_eq!(status(&with_graph, name), "passed", "{name}");
    }
    // Complete facts with a wrong expectation: the same failure as on the graph, on the
    // same incident with the same rules, only without a path.
    let (harness::TestOutcome::Failed(by_rules), harness::TestOutcome::Failed(by_graph)) = (
        test(&report, "gap_managed"),
        test(&with_graph, "gap_managed"),
    ) else {
        panic!("gap_managed must fail both ways");
    };
    assert_eq!(by_rules.message, by_graph.message);
    assert_eq!(by_rules.notes, by_graph.notes);
    let (r, g) = (&by_rules.examples[0], &by_graph.examples[0]);
    assert_eq!(by_rules.examples.len(), by_graph.examples.len());
    assert_eq!(r.facts, g.facts);
    assert_eq!(r.status, g.status);
    assert_eq!(r.rules, g.rules);
    assert_eq!(r.overridden, g.overridden);
    let mismatch = |e: &harness::Example| {
        let m = &e.mismatches[0];
        (m.output.clone(), m.expected.clone(), m.actual.clone())
    };
    assert_eq!(mismatch(r), mismatch(g));
    assert_eq!(
        mismatch(r),
        (
            Some("response".into()),
            "manage_in_school".into(),
            "escalate".into()
        )
    );
    assert!(r.path.is_none() && g.path.is_some());
    // Facts that break an assumption whatever the others are: said as on the graph.
    let (harness::TestOutcome::Failed(by_rules), harness::TestOutcome::Failed(by_graph)) =
        (test(&report, "swapped"), test(&with_graph, "swapped"))
    else {
        panic!("swapped must fail both ways");
    };
    assert_eq!(by_rules.message, by_graph.message);
    assert_eq!(by_rules.notes, by_graph.notes);
    // Partial facts: the inputs the decision reads that are not given, in declaration
    // order; `parent_reported`, which no rule reads, is not asked for.
    let harness::TestOutcome::Failed(partial) = test(&report, "uncoerced") else {
        panic!("uncoerced must fail");
    };
    assert!(
        partial
            .message
            .ends_with("missing: youngest_age, oldest_age, severity"),
        "{}",
        partial.message
    );
    assert_eq!(partial.diagnostics[0]["code"], "E0504");

    // Every format gives the rules the decided scenarios exercise, says the leaves are
    // not measured, and stays valid.
    let lines = harness::json::render(&report, &[]);
    let values: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let coverage = values.iter().find(|v| v["type"] == "coverage").unwrap();
    assert_eq!(coverage["measured"], true);
    // `coerced_fifteen` fires `coerced`; `gap_managed` fires `age_gap` over `manage`.
    assert_eq!(coverage["rules_covered"], 2);
    assert_eq!(coverage["rules_total"], 5);
    assert_eq!(coverage["leaves_measured"], false);
    assert_eq!(coverage["leaves_total"], serde_json::Value::Null);
    assert!(coverage["leaves_reason"]
        .as_str()
        .unwrap()
        .starts_with("the decision graph of `over_limit` would need more than 600 nodes"));
    let gap = values.iter().find(|v| v["name"] == "gap_managed").unwrap();
    assert_eq!(gap["failures"][0]["path"], serde_json::Value::Null);
    assert_eq!(gap["failures"][0]["actual"], "escalate");
    let graph_lines = harness::json::render(&with_graph, &[]);
    assert!(graph_lines
        .iter()
        .any(|l| l.contains("\"measured\":true") && l.contains("\"leaves_measured\":true")));
    let summary = values.last().unwrap();
    assert_eq!(summary["failed"], 3);
    assert_eq!(summary["ok"], false);

    let xml = harness::junit::render(&report, &[]);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let system_out = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .unwrap_or_default();
    assert!(
        system_out.contains("coverage: 2 of 5 rules (40.0%); decision-graph leaves not measured"),
        "{system_out}"
    );

    // --min-coverage reads the rule coverage, which is measured.
    assert!(harness::coverage_shortfalls(&report, 40.0).is_empty());
    let shortfalls = harness::coverage_shortfalls(&report, 50.0);
    assert_eq!(shortfalls.len(), 1, "{shortfalls:?}");
}

fn last_line(o: &Output) -> String {
    stdout(o).lines().last().unwrap_or_default().to_string()
}

#[test]
fn exit_codes_follow_the_contract() {
    let o = policyc(&["test", CLEAN]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(last_line(&o), "4 passed, 0 failed");

    // The school fixture's conflict (E0502) is a failed test of its own: `check`
    // rejects the policy, so `test` never passes it.
    let o = policyc(&["test", SCHOOL]);
    assert_eq!(code(&o), 1);
    assert_eq!(last_line(&o), "5 passed, 6 failed");
    assert!(
        stdout(&o).contains("test school::conflict:response:manage:young_child (check) ... FAILED"),
        "{}",
        stdout(&o)
    );

    let o = policyc(&["test", BROKEN]);
    assert_eq!(code(&o), 1);
    assert_eq!(last_line(&o), "0 passed, 1 failed");

    // A failure anywhere fails the whole run; the counts add up across policies.
    let o = policyc(&["test", CLEAN, SCHOOL]);
    assert_eq!(code(&o), 1);
    assert_eq!(last_line(&o), "9 passed, 6 failed");

    assert_eq!(code(&policyc(&["test", "/no/such/path.policy"])), 2);
    assert_eq!(code(&policyc(&["test", "--no-such-flag"])), 2);
    assert_eq!(code(&policyc(&["test", "--format", "xml", CLEAN])), 2);
    assert_eq!(code(&policyc(&["test", "--min-coverage", "101", CLEAN])), 2);
    assert_eq!(
        code(&policyc(&["test", "--min-coverage", "lots", CLEAN])),
        2
    );
}

#[test]
fn a_folder_without_policies_is_a_usage_error() {
    let dir = std::env::temp_dir().join(format!("policyc-harness-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let o = policyc(&["test", dir.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("E0004"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn filter_runs_matching_tests_and_counts_the_rest_as_skipped() {
    // By name.
    let o = policyc(&["test", SCHOOL, "--filter", "school::coerced"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("test school::coerced_fifteen ... ok"), "{out}");
    assert!(
        out.contains("test school::coerced_semi_nude ... FAILED"),
        "{out}"
    );
    assert!(!out.contains("uncoerced_twelve"), "{out}");
    // The policy's conflict is not a scenario to filter out: it always reports.
    assert_eq!(last_line(&o), "1 passed, 2 failed, 8 skipped");
    // By title.
    let o = policyc(&["test", SCHOOL, "--filter", "out of scope"]);
    assert_eq!(last_line(&o), "1 passed, 2 failed, 8 skipped");
    let o = policyc(&["test", SCHOOL, "--filter", "An 18-year-old"]);
    assert_eq!(code(&o), 1);
    assert_eq!(last_line(&o), "1 passed, 1 failed, 9 skipped");
    let o = policyc(&["test", CLEAN, "--filter", "clean::"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn json_has_one_object_per_test_and_a_summary() {
    let o = policyc(&["test", SCHOOL, "--format", "json", "--coverage"]);
    assert_eq!(code(&o), 1);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let tests: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "test").collect();
    assert_eq!(tests.len(), 11);
    for t in &tests {
        assert_eq!(t["policy"], "school");
        for key in ["name", "title", "location", "status", "kind"] {
            assert!(!t[key].is_null(), "{key} missing in {t}");
        }
    }
    let twelve = tests
        .iter()
        .find(|t| t["name"] == "uncoerced_twelve")
        .unwrap();
    assert_eq!(twelve["status"], "failed");
    assert_eq!(
        twelve["title"],
        "Without coercion a 12-year-old is managed in school"
    );
    let f = &twelve["failures"][0];
    assert_eq!(f["output"], "response");
    assert_eq!(f["expected"], "manage_in_school");
    assert_eq!(f["example"]["youngest_age"], 12);
    assert_eq!(f["example"]["coercion"], false);
    assert!(f["rules"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["cites"] == "002 para 7"));
    assert!(!f["path"].as_array().unwrap().is_empty());

    let peers = tests.iter().find(|t| t["name"] == "peers").unwrap();
    assert_eq!(peers["status"], "passed");
    assert_eq!(peers["cites"], serde_json::Value::Null);
    let coerced = tests
        .iter()
        .find(|t| t["name"] == "coerced_fifteen")
        .unwrap();
    assert_eq!(coerced["cites"], "002 para 5");

    let coverage = lines.iter().find(|l| l["type"] == "coverage").unwrap();
    assert_eq!(coverage["rules_covered"], 4);
    assert_eq!(coverage["rules_reached"], 6);
    assert_eq!(coverage["leaves_covered"], 4);
    assert_eq!(coverage["leaves_reached"], 8);
    assert_eq!(coverage["uncovered"][0]["name"], "age_gap");
    assert_eq!(coverage["uncovered"][0]["reached_by"], "uncoerced_twelve");
    assert_eq!(coverage["uncovered"][2]["name"], "older_sexual_act");
    assert_eq!(
        coverage["uncovered"][2]["reached_by"],
        serde_json::Value::Null
    );
    let summary = lines.last().unwrap();
    // A file that does not check carries its diagnostics in machine form.
    let o = policyc(&["test", BROKEN, "--format", "json"]);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(first["kind"], "check");
    assert_eq!(first["status"], "failed");
    assert_eq!(first["diagnostics"][0]["code"], "E0203");
    assert_eq!(first["diagnostics"][0]["line"], 10);
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["passed"], 5);
    assert_eq!(summary["failed"], 6);
    // The conflict `policyc check` finds is a failed test, named after what to fix,
    // with the diagnostic in machine form.
    let conflict = tests.iter().find(|t| t["kind"] == "finding").unwrap();
    assert_eq!(conflict["name"], "conflict:response:manage:young_child");
    assert_eq!(conflict["status"], "failed");
    assert_eq!(conflict["diagnostics"][0]["code"], "E0502");
    assert_eq!(summary["skipped"], 0);
}

#[test]
fn junit_is_valid_xml_of_the_expected_shape() {
    let o = policyc(&[
        "test", CLEAN, SCHOOL, BROKEN, "--format", "junit", "--filter", "o",
    ]);
    assert_eq!(code(&o), 1);
    let xml = stdout(&o);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert!(suites.iter().all(|s| s.has_tag_name("testsuite")));
    let names: Vec<_> = suites
        .iter()
        .map(|s| s.attribute("name").unwrap())
        .collect();
    assert_eq!(names, ["clean", "school", "broken"]);
    let mut total = (0, 0, 0);
    for s in &suites {
        let cases: Vec<_> = s
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let failed = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
            .count();
        let skipped = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
            .count();
        // The suite's counts are its cases'.
        assert_eq!(s.attribute("tests").unwrap(), cases.len().to_string());
        assert_eq!(s.attribute("failures").unwrap(), failed.to_string());
        assert_eq!(s.attribute("skipped").unwrap(), skipped.to_string());
        for c in &cases {
            assert_eq!(c.attribute("classname"), s.attribute("name"));
            assert!(c.attribute("name").is_some());
            for f in c.children().filter(|n| n.has_tag_name("failure")) {
                assert!(!f.attribute("message").unwrap().is_empty());
                assert!(!f.text().unwrap_or_default().is_empty());
            }
        }
        total = (total.0 + cases.len(), total.1 + failed, total.2 + skipped);
    }
    assert_eq!(root.attribute("tests").unwrap(), total.0.to_string());
    assert_eq!(root.attribute("failures").unwrap(), total.1.to_string());
    // Skipped counts are the suites' (the JUnit schemas have none on <testsuites>).
    assert_eq!(root.attribute("skipped"), None);

    let school = suites[1];
    let twelve = school
        .children()
        .find(|c| c.attribute("name") == Some("uncoerced_twelve"))
        .unwrap();
    assert_eq!(twelve.attribute("line"), Some("4"));
    assert!(twelve
        .attribute("file")
        .unwrap()
        .ends_with("school_tests.policy"));
    let failure = twelve
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure
        .attribute("message")
        .unwrap()
        .starts_with("response: expected manage_in_school, actual undecided"));
    let text = failure.text().unwrap();
    assert!(
        text.contains("young_child \"Sexual acts under 13 are escalated\" (cites \"002 para 7\")"),
        "{text}"
    );
    assert!(text.contains("path through the decision graph"), "{text}");
    let broken = suites[2]
        .children()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    let f = broken
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(f.text().unwrap().contains("E0203"));
}

#[test]
fn coverage_lists_uncovered_rules_with_locations_and_enforces_the_minimum() {
    let o = policyc(&["test", SCHOOL, "--coverage"]);
    let out = stdout(&o);
    // Covered means fired for every incident a scenario allows (in scope, keeping the
    // assumptions); `age_gap` fires for only some of `uncoerced_twelve`'s, which says so.
    // `young_child` applies to all of them but conflicts with `manage` there, so it
    // decides nothing: not covered.
    assert!(
        out.contains("coverage of school: 4 of 7 rules (57.1%), 4 of 13 decision-graph leaves (30.8%); reached by some incident of a scenario: 6 of 7 rules, 8 of 13 leaves"),
        "{out}"
    );
    let uncovered: Vec<&str> = out.lines().filter(|l| l.contains("not covered:")).collect();
    assert_eq!(uncovered.len(), 3, "{out}");
    assert!(
        uncovered[0].contains("age_gap")
            && uncovered[0].ends_with(
                "school.policy:39 (fires for some incidents of scenario `uncoerced_twelve`, not all)"
            ),
        "{out}"
    );
    assert!(uncovered[1].contains("young_child"), "{out}");
    assert!(uncovered[2].contains("older_sexual_act"), "{out}");
    assert!(
        uncovered[2].ends_with("tests/fixtures/harness/school/school.policy:52"),
        "{out}"
    );

    // The test file first: the same group, the same coverage.
    let tests_first = format!("{SCHOOL}/school_tests.policy");
    let policy = format!("{SCHOOL}/school.policy");
    let o = policyc(&["test", &tests_first, &policy, "--coverage"]);
    let swapped = stdout(&o);
    assert!(
        swapped.contains("coverage of school: 4 of 7 rules (57.1%)"),
        "{swapped}"
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("coverage of"))
            .collect::<Vec<_>>(),
        swapped
            .lines()
            .filter(|l| l.starts_with("coverage of"))
            .collect::<Vec<_>>()
    );
    // Each file alone counts only its own scenarios: the policy's three leave out the
    // age gap and sexual acts under 13 too, and the severity `coerced_fifteen` leaves
    // open fires `harm_risk` for some severities only: reached, not covered.
    let o = policyc(&["test", &policy, "--coverage"]);
    let alone = stdout(&o);
    assert!(
        alone.contains("coverage of school: 3 of 7 rules"),
        "{alone}"
    );
    let names: Vec<&str> = alone
        .lines()
        .filter_map(|l| l.strip_prefix("  not covered: "))
        .filter_map(|l| l.split(' ').next())
        .collect();
    assert_eq!(
        names,
        ["age_gap", "young_child", "harm_risk", "older_sexual_act"]
    );

    // The clean policy is fully covered: any minimum passes.
    let o = policyc(&["test", CLEAN, "--min-coverage", "100"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains("coverage of clean: 2 of 2 rules (100.0%)"));

    // Coverage below the minimum fails even when every test passes.
    let o = policyc(&["test", SCHOOL, "--filter", "peers", "--min-coverage", "50"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "error: rule coverage of `school` is 14.3%, below the required 50% (--min-coverage)"
        ),
        "{out}"
    );
    assert_eq!(last_line(&o), "1 passed, 1 failed, 9 skipped");
    let o = policyc(&["test", SCHOOL, "--filter", "peers", "--min-coverage", "10"]);
    assert!(!stdout(&o).contains("--min-coverage)"), "{}", stdout(&o));
}

/// A scenario that leaves most facts open fires every rule for some completion of its
/// facts, and covers only the rule it fires for all of them: `--min-coverage` holds to
/// that figure; the looser one is shown beside it.
#[test]
fn a_scenario_with_open_facts_covers_only_what_it_fires_for_every_incident() {
    let loose = "tests/fixtures/harness/loose/derbyshire_loose.policy";
    let o = policyc(&["test", loose, "--coverage"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(
        out.contains("coverage of derbyshire: 1 of 10 rules (10.0%), 0 of 7 decision-graph leaves (0.0%); reached by some incident of a scenario: 10 of 10 rules, 6 of 7 leaves"),
        "{out}"
    );
    assert_eq!(
        out.matches("(fires for some incidents of scenario `reported`, not all)")
            .count(),
        9,
        "{out}"
    );
    let o = policyc(&["test", loose, "--min-coverage", "50"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains(
        "error: rule coverage of `derbyshire` is 10.0%, below the required 50% (--min-coverage)"
    ));
}

/// A rule the scenario's every incident applies but whose value a declared precedence
/// always outranks there decides nothing in it: it is not covered, and the scenario to
/// make more specific is one where it can decide (`adult_confident` and `adult` always
/// refer at once, so they cannot exercise `not_settled`). From a new-user review.
#[test]
fn a_rule_always_outranked_in_a_scenario_is_not_covered_by_it() {
    let policy = "tests/fixtures/harness/outranked/school.policy";
    let o = policyc(&["test", policy, "--coverage"]);
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(
        out.contains("coverage of st_example: 4 of 7 rules (57.1%)"),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.contains("not covered: not_settled"))
        .unwrap_or_else(|| panic!("not_settled must be uncovered: {out}"));
    assert!(
        line.ends_with("(fires for some incidents of scenario `parents_risk`, not all)"),
        "{line}"
    );
    let o = policyc(&["test", policy, "--min-coverage", "60"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}

/// Scenario files get the checker's diagnostics: each mistake a policy writer can make
/// in a scenario, with the code it must produce.
#[test]
fn scenario_mistakes_get_diagnostics() {
    let base = "policy p \"P\"\ninput coercion: bool\ninput age: 0..=17\noutput escalate: bool\n\
        rule r1 \"C\" cites \"1\" when coercion then escalate = true\n\
        rule r2 \"N\" cites \"1\" when not coercion then escalate = false\n";
    let cases = [
        (
            "given coersion = true\n  expect escalate = true",
            "E0203",
            "coersion",
        ),
        (
            "given coercion = true\n  expect escalat = true",
            "E0203",
            "escalat",
        ),
        (
            "given escalate = true\n  expect escalate = true",
            "E0206",
            "escalate",
        ),
        ("given coercion = 1\n  expect escalate = true", "E0301", "1"),
        ("given age = 18\n  expect escalate = true", "E0312", "18"),
        (
            "given coercion = true, coercion = false\n  expect escalate = true",
            "E0317",
            "coercion",
        ),
        (
            "given coercion = true\n  expect escalate = true, escalate = false",
            "E0318",
            "escalate",
        ),
        ("given coercion = true\n  expect escalate = 3", "E0301", "3"),
    ];
    for (body, want, at) in cases {
        let text = format!("{base}scenario s \"S\"\n  {body}\n");
        let mut sources = Sources::new();
        let checked =
            policyc::check::check_text(&mut sources, &RealFs, Path::new("p.policy"), text);
        let d = checked
            .diagnostics
            .iter()
            .find(|d| d.code == want)
            .unwrap_or_else(|| panic!("{body}: no {want} in {:?}", checked.diagnostics));
        let loc = d.primary_loc().unwrap();
        assert!(
            sources.slice(loc).contains(at),
            "{body}: points at `{}`",
            sources.slice(loc)
        );
        assert!(checked.policy.is_none() || checked.has_errors());
    }
}

/// The example at the top of docs/testing.md is what `policyc test` prints.
#[test]
fn the_documented_example_is_real_output() {
    let doc = std::fs::read_to_string("docs/testing.md").unwrap();
    let start = doc.find("$ policyc test ").unwrap();
    let rest = &doc[start..];
    let (command, rest) = rest.split_once('\n').unwrap();
    let shown = &rest[..rest.find("```").unwrap()];
    let args: Vec<&str> = shlex_split(command.trim_start_matches("$ policyc "));
    let o = policyc(&args);
    assert_eq!(
        stdout(&o),
        shown,
        "docs/testing.md shows output that `policyc` no longer prints"
    );
}

/// Splits on spaces; a double-quoted argument may contain spaces.
fn shlex_split(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').unwrap_or(r.len());
            out.push(&r[..end]);
            rest = r.get(end + 1..).unwrap_or("").trim_start();
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = rest[end..].trim_start();
        }
    }
    out
}

/// An assert holds vacuously where the scope and the assumptions leave no incident: the
/// harness fails it rather than passing it (check reports E0505).
#[test]
fn a_vacuous_assert_fails() {
    let o = policyc(&[
        "test",
        "tests/fixtures/diagnostics/E0505-empty-scope.policy",
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("test ages::never (assert) ... FAILED"),
        "{out}"
    );
    assert!(out.contains("vacuous: no incident is in scope"), "{out}");
    // And the cause, as `policyc check` reports it (E0505).
    assert!(
        out.contains("test ages::no_incident (check) ... FAILED"),
        "{out}"
    );
    assert_eq!(last_line(&o), "0 passed, 2 failed");
}

/// Every overlap of an `exclusive` output is its own failed test, named after the pair
/// (not one `e0506` for all of them).
#[test]
fn each_overlap_is_its_own_failed_test() {
    let dir = common::temp_dir("overlaps");
    let file = dir.join("ex.policy");
    std::fs::write(
        &file,
        "policy ex \"Overlaps\"\n\nenum R { a, b }\n\ninput x: bool\n\n/// The response.\noutput r: R default a\n  exclusive\n\nrule p \"p\" cites \"1\" when x then r = a\nrule q \"q\" cites \"2\" when x then r = b\nrule s \"s\" cites \"3\" when x then r = b\n",
    )
    .unwrap();
    let o = policyc(&["test", file.to_str().unwrap(), "--format", "json"]);
    let names: Vec<String> = stdout(&o)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|t| t["kind"] == "finding")
        .map(|t| t["name"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        names,
        ["overlap:r:p:q", "overlap:r:p:s", "overlap:r:q:s"],
        "{}",
        stdout(&o)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A failing scenario lists a rule a precedence outranked apart from the rules that
/// fired: shown among them, it read as if it had decided (review 2, C-b).
#[test]
fn an_outranked_rule_is_not_shown_as_fired() {
    let dir = common::temp_dir("harness-outranked");
    let path = dir.join("p.policy");
    std::fs::write(
        &path,
        "policy p \"p\"\n\
enum R { refer, manage }\n\
input adult: bool\n\
input confident: bool\n\
output response: R\n  precedence refer > manage\n\
rule refer \"Adult: refer\" cites \"1\" when adult then response = refer\n\
rule manage \"Confident: manage\" cites \"2\" when confident or not adult then response = manage\n\
scenario s \"An adult and a confident DSL: managed\"\n  given adult = true, confident = true\n  expect response = manage\n",
    )
    .unwrap();
    let o = policyc(&["test", path.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}");
    let fired = out.find("rules that fired:").unwrap();
    let outranked = out.find("rules outranked by precedence").unwrap();
    let refer = out[fired..].find("refer \"Adult: refer\"").unwrap() + fired;
    let manage = out[fired..].find("manage \"Confident: manage\"").unwrap() + fired;
    assert!(
        fired < refer && refer < outranked && outranked < manage,
        "{out}"
    );
    let o = policyc(&["test", path.to_str().unwrap(), "--format", "json"]);
    assert!(stdout(&o).contains("\"set_aside\":[{"), "{}", stdout(&o));
}

/// Two files declaring one policy name (a draft copy beside the policy): `check` warns
/// (W0008), and `test`'s report, JUnit suites and classnames tell them apart by file,
/// while `--filter` still matches the name (review 2, W6).
#[test]
fn two_files_of_one_policy_name_are_told_apart() {
    let dir = common::temp_dir("same-name");
    let text = "policy oak \"Oak\"\ninput a: bool\n/// o\noutput o: bool\nrule r \"R\" cites \"c\" when a then o = true\nrule s \"S\" cites \"c\" when not a then o = false\nscenario teen \"t\" given a = true expect o = true\n";
    std::fs::write(dir.join("oak.policy"), text).unwrap();
    std::fs::write(dir.join("oak2.policy"), text).unwrap();
    let d = dir.to_str().unwrap();
    let o = policyc(&["check", d]);
    let err = common::stderr(&o);
    assert!(
        err.contains("warning[W0008]: policy `oak` is also declared in `"),
        "{err}"
    );
    let o = policyc(&["test", d]);
    let out = stdout(&o);
    let a = format!("oak ({})", dir.join("oak.policy").display());
    let b = format!("oak ({})", dir.join("oak2.policy").display());
    assert!(out.contains(&format!("running 1 test for {a}\n")), "{out}");
    assert!(out.contains(&format!("test {a}::teen ... ok")), "{out}");
    assert!(out.contains(&format!("test {b}::teen ... ok")), "{out}");
    let junit = stdout(&policyc(&["test", "--format", "junit", d]));
    assert!(
        junit.contains(&format!("<testsuite name=\"{a}\"")),
        "{junit}"
    );
    assert!(junit.contains(&format!("classname=\"{b}\"")), "{junit}");
    let o = policyc(&["test", "--filter", "oak::teen", d]);
    assert!(stdout(&o).contains("2 passed, 0 failed"), "{}", stdout(&o));
    // The doc index's rows name their files.
    let site = dir.join("site");
    let o = policyc(&["doc", d, "-o", site.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", common::stderr(&o));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("oak2.policy</span></td>"), "{index}");
}

/// A failed expectation where the policy accepts the gap says so in the words `decide`,
/// `ask` and the drawings use ("undecided on purpose: <reason>"); an open gap beside it
/// is still a gap, and a gap the shown facts do not settle as accepted is never called
/// one on purpose, nor shown on an incident the policy accepts.
#[test]
fn a_failed_expectation_in_an_accepted_gap_says_undecided_on_purpose() {
    let dir = common::temp_dir("accepted-actual");
    let path = dir.join("p.policy");
    std::fs::write(
        &path,
        r#"policy p "P"
input reported: bool
input online: bool
output record: bool
rule r "R" cites "x" when reported then record = true
accept gap record "The letter only speaks of reports made to police" when not reported and not online
scenario accepted "In the accepted gap"
  given reported = false, online = false
  expect record = false
scenario open "In the open gap"
  given reported = false, online = true
  expect record = false
scenario both "Facts that reach both"
  given reported = false
  expect record = false
"#,
    )
    .unwrap();
    let o = policyc(&["test", &path.to_string_lossy()]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let part = |name: &str| {
        out.split(&format!("---- p::{name} ----"))
            .nth(1)
            .and_then(|s| s.split("----").next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        part("accepted").contains(
            "record: expected false, actual undecided on purpose: The letter only speaks of reports made to police"
        ),
        "{out}"
    );
    let open = part("open");
    assert!(
        open.contains("record: expected false, actual undecided (no rule gives it a value)"),
        "{out}"
    );
    assert!(!open.contains("on purpose"), "{out}");
    // Facts that reach the accepted gap and an open one (the acceptance reads `online`,
    // which the decision never asks) are a gap, accepted only in part: the failure must
    // not read as if the policy meant it.
    let both = part("both");
    assert!(
        both.contains("actual undecided (no rule gives it a value; the policy accepts that"),
        "{out}"
    );
    assert!(!both.contains("on purpose"), "{out}");
    assert!(
        both.contains("for only some incidents with these facts"),
        "{out}"
    );
    // And the incident shown is one of those the policy leaves open (`online` is not
    // asked on the way, so the typical `false` would have shown an accepted one).
    assert!(
        both.contains(r#"for example, the incident {"reported": false, "online": true}"#),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The incident a failure in a gap accepted in part shows is one the policy leaves open
/// wherever one can be found: past several acceptances (one input at a time would stop
/// at a dead end), past a wide integer's threshold, with an age nearest its typical
/// value (not 0), past a compared threshold, and along another path to the same leaf
/// of the graph; acceptances that together cover every incident with the facts make the
/// gap accepted; and where the search stops at its budget, the failure says only what
/// it knows (reviews of b391d1f and 3de9671).
#[test]
fn a_failure_in_a_gap_accepted_in_part_shows_an_open_incident() {
    let dir = common::temp_dir("accepted-part");
    let run = |name: &str, decls: &str| -> String {
        let path = dir.join(format!("{name}.policy"));
        std::fs::write(
            &path,
            format!(
                "policy p \"P\"\ninput reported: bool\n{decls}\noutput record: bool\n\
                 rule r \"R\" cites \"x\" when reported then record = true\n\
                 scenario both \"Facts that reach both\"\n  given reported = false\n  expect record = false\n"
            ),
        )
        .unwrap();
        let o = policyc(&["test", &path.to_string_lossy()]);
        assert_eq!(code(&o), 1, "{}", stdout(&o));
        stdout(&o)
    };
    let shown = |out: &str| -> String {
        out.lines()
            .find_map(|l| l.strip_prefix("for example, the incident "))
            .unwrap_or_default()
            .to_string()
    };
    let several = run(
        "several",
        "input online: bool\ninput images_shared: bool\n\
         accept gap record \"Offline, shared\" when not reported and not online and images_shared\n\
         accept gap record \"Offline, not shared\" when not reported and not online and not images_shared",
    );
    assert_eq!(
        shown(&several),
        r#"{"reported": false, "online": true, "images_shared": false}"#,
        "{several}"
    );
    let wide = run(
        "wide",
        "input images: 0..=1000\naccept gap record \"Few images\" when not reported and images < 600",
    );
    assert_eq!(
        shown(&wide),
        r#"{"reported": false, "images": 600}"#,
        "{wide}"
    );
    let age = run(
        "age",
        "input age: 0..=17\naccept gap record \"Older children\" when not reported and age >= 5",
    );
    assert_eq!(shown(&age), r#"{"reported": false, "age": 4}"#, "{age}");
    for out in [&several, &wide, &age] {
        assert!(
            out.contains("for only some incidents with these facts)"),
            "{out}"
        );
    }
    // One leaf of the graph is reached by accepted and open incidents alike (the
    // assumption makes the graph ask both ages): the typical path's 8-year-old is
    // accepted, so the search moves the ages the path asks, and the gap is said to be
    // accepted in part, not on purpose.
    let shared = run(
        "shared",
        "input youngest: 0..=17\ninput oldest: 0..=17\nassume youngest <= oldest\n\
         accept gap record \"Older children\" when not reported and youngest >= 5",
    );
    assert!(
        shown(&shared).starts_with(r#"{"reported": false, "youngest": 4, "#),
        "{shared}"
    );
    assert!(!shared.contains("on purpose"), "{shared}");
    assert!(
        shared.contains("for only some incidents with these facts)"),
        "{shared}"
    );
    // Together the two acceptances cover every incident with `reported = false`.
    let union = run(
        "union",
        "input online: bool\n\
         accept gap record \"Online: left to CEOP\" when not reported and online\n\
         accept gap record \"Offline: the school's matter\" when not reported and not online",
    );
    assert!(union.contains("actual undecided on purpose: "), "{union}");
    assert!(!union.contains("only some"), "{union}");
    // Two failing outputs whose acceptances no one incident escapes: the first is
    // escaped, and the second's words say the incident shown is accepted for it, where
    // another incident is not (the example is not left in the second's acceptance with
    // words made for the first's).
    let two = dir.join("two.policy");
    std::fs::write(
        &two,
        "policy p \"P\"\ninput reported: bool\ninput youngest: 0..=17\ninput oldest: 0..=17\n\
         assume youngest <= oldest\noutput record: bool\noutput notify_parents: bool\n\
         rule r \"R\" cites \"x\" when reported then record = true, notify_parents = true\n\
         accept gap record \"Older children\" when not reported and youngest >= 5\n\
         accept gap notify_parents \"Young children\" when not reported and youngest < 5\n\
         scenario both \"B\"\n  given reported = false\n  expect record = false, notify_parents = false\n",
    )
    .unwrap();
    let out = stdout(&policyc(&["test", &two.to_string_lossy()]));
    assert!(
        out.contains(r#"record: expected false, actual undecided (no rule gives it a value; the policy accepts that, "Older children", for only some incidents with these facts)"#),
        "{out}"
    );
    assert!(
        out.contains(r#"notify_parents: expected false, actual undecided (no rule gives it a value; the policy accepts that, "Young children", for only some incidents with these facts, this one among them)"#),
        "{out}"
    );
    // A threshold the acceptance compares with is tried past the nearest values.
    let threshold = run(
        "threshold",
        "input images: 0..=100000\naccept gap record \"All but one count\" when not reported and images != 77777",
    );
    assert_eq!(
        shown(&threshold),
        r#"{"reported": false, "images": 77777}"#,
        "{threshold}"
    );
    // The one open sum is out of every value tried: the incident shown is accepted, and
    // the failure says what is known, neither that every incident is accepted nor that
    // some are not.
    let far = run(
        "far",
        "input a: 0..=100000\ninput b: 0..=100000\n\
         accept gap record \"All but one sum\" when not reported and a + b != 190000",
    );
    assert!(
        far.contains("actual undecided on purpose: All but one sum (for this incident; policyc could not tell whether every incident with these facts is accepted)"),
        "{far}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Past the node limit a scenario is judged by reading the rules, and its example is
/// moved out of a gap accepted in part the same way: the acceptance reads an input no
/// rule reads (`parent_reported`), so the typical `false` would show an accepted one.
#[test]
fn past_the_node_limit_a_gap_accepted_in_part_shows_an_open_incident() {
    let dir = common::temp_dir("over-limit-accepted");
    let base = std::fs::read_to_string(format!("{OVER_LIMIT}/over_limit.policy")).unwrap();
    let policy = base.replace(
        "/// Whether the parents are told.",
        "/// Whether the police are told.\n\
         output notify_police: bool\n\
         rule tell_police \"Coercion is reported\" cites \"002 para 5\" when coercion then notify_police = true\n\
         accept gap notify_police \"Parents' reports are the school's\" when not coercion and not parent_reported\n\
         scenario quiet \"Nothing is reported\"\n  \
           given coercion = false, youngest_age = 15, oldest_age = 15, severity = nude\n  \
           expect notify_police = false\n\
         /// Whether the parents are told.",
    );
    std::fs::write(dir.join("over_limit.policy"), policy).unwrap();
    let report = run_dir(
        dir.to_str().unwrap(),
        &run::Options {
            max_nodes: Some(OVER_LIMIT_NODES),
            filter: Some("quiet".into()),
            ..run::Options::default()
        },
    );
    let text = harness::human::render(&report, &[]);
    assert!(text.contains("decided by reading the rules"), "{text}");
    assert!(
        text.contains(r#"for example, the incident {"youngest_age": 15, "oldest_age": 15, "coercion": false, "severity": "nude", "parent_reported": true}"#),
        "{text}"
    );
    assert!(
        text.contains("for only some incidents with these facts)"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A policy's coverage is the same however its files are named: the rules of the test
/// file's program and the policy's were matched by where they read they are declared,
/// so `p_tests.policy` beside `/abs/p.policy` once covered fewer rules (3 of 7, not 4).
#[test]
fn coverage_does_not_depend_on_how_the_files_are_named() {
    let tests = "tests/fixtures/harness/school/school_tests.policy";
    let policy = "tests/fixtures/harness/school/school.policy";
    let absolute = std::fs::canonicalize(policy).unwrap();
    let line = |args: &[&str]| -> String {
        let o = policyc(args);
        stdout(&o)
            .lines()
            .find(|l| l.starts_with("coverage of school:"))
            .unwrap_or_else(|| panic!("no coverage line: {}", stdout(&o)))
            .to_string()
    };
    let same = line(&["test", "--coverage", tests, policy]);
    assert!(same.contains("4 of 7 rules"), "{same}");
    assert_eq!(
        line(&["test", "--coverage", tests, &absolute.to_string_lossy()]),
        same
    );
}
