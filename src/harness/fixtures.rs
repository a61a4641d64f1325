//! A hand-made report for the formatters' unit tests: every outcome, an example with
//! every part, and text that needs escaping in XML and JSON.

use super::*;

fn rule(name: &str, title: &str, cites: Option<&str>, line: usize) -> LocatedRule {
    LocatedRule {
        name: name.into(),
        title: Some(title.into()),
        cites: cites.map(Into::into),
        location: format!("p.policy:{line}"),
    }
}

pub(crate) fn sample_report() -> Report {
    let scenario = |name: &str, title: &str, outcome: TestOutcome| TestCase {
        policy: "p".into(),
        name: name.into(),
        kind: TestKind::Scenario,
        title: Some(title.into()),
        cites: Some("001 para 9".into()),
        location: "p.policy:20".into(),
        outcome,
    };
    let example = Example {
        facts: vec![
            ("coercion".into(), serde_json::Value::Bool(false)),
            ("age".into(), serde_json::Value::from(15)),
            ("severity".into(), serde_json::Value::from("nude")),
        ],
        status: "decided".into(),
        mismatches: vec![Mismatch {
            output: Some("resolution".into()),
            expected: "investigation".into(),
            actual: "outcome_21".into(),
        }],
        rules: vec![rule(
            "r2",
            "Otherwise <outcome 21> & \"more\"",
            Some("001 para 6"),
            14,
        )],
        set_aside: Vec::new(),
        overridden: vec![rule("r0", "Base", None, 9)],
        path: Some(vec![
            Step {
                input: "coercion".into(),
                question: Some("Was there coercion?".into()),
                answer: "false".into(),
            },
            Step {
                input: "age".into(),
                question: None,
                answer: "13..=15".into(),
            },
        ]),
    };
    Report {
        suites: vec![
            Suite {
                policy: "p".into(),
                files: vec!["p.policy".into()],
                tests: vec![
                    scenario("passes", "A passing scenario", TestOutcome::Passed),
                    scenario(
                        "fails",
                        "A failing <scenario> & \"quotes\"",
                        TestOutcome::Failed(Failure {
                            message: "an expectation does not hold for every incident with the given facts".into(),
                            notes: vec![],
                            examples: vec![example],
                            diagnostics: Vec::new(),
                        }),
                    ),
                    scenario("filtered_out", "Not run", TestOutcome::Skipped),
                    TestCase {
                        policy: "p".into(),
                        name: "always_true".into(),
                        kind: TestKind::Assert,
                        title: Some("Holds".into()),
                        cites: None,
                        location: "p.policy:30".into(),
                        outcome: TestOutcome::Passed,
                    },
                ],
                coverage: Some(Coverage {
                    rules_total: 3,
                    rules_covered: 2,
                    rules_reached: 3,
                    leaves_total: 4,
                    leaves_covered: 2,
                    leaves_reached: 3,
                    leaves_unmeasured: None,
                    uncovered: vec![Uncovered {
                        rule: rule("r3", "Never tested", Some("001 para 7"), 16),
                        reached_by: Some("broad".into()),
                    }],
                }),
                coverage_unmeasured: None,
                notes: vec!["accepted gap: `resolution` has no value for 2 incidents where x; accepted: \"unclear <text>\" at p.policy:40".into()],
            },
            Suite {
                policy: "broken".into(),
                files: vec!["broken.policy".into()],
                tests: vec![TestCase {
                    policy: "broken".into(),
                    name: "check".into(),
                    kind: TestKind::Check,
                    title: None,
                    cites: None,
                    location: "broken.policy".into(),
                    outcome: TestOutcome::Failed(Failure {
                        message: "the file has 1 error, so its scenarios cannot run".into(),
                        notes: vec!["error[E0101]: expected `then`\n  ┌─ broken.policy:2:1\x07".into()],
                        examples: vec![],
                        diagnostics: vec![serde_json::Value::Object(
                            [("code".to_string(), serde_json::Value::from("E0101"))]
                                .into_iter()
                                .collect(),
                        )],
                    }),
                }],
                coverage: None,
                coverage_unmeasured: None,
                notes: Vec::new(),
            },
        ],
    }
}
