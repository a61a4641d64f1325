//! `--format json`: JSON Lines, one object per test, then one per policy's coverage (when
//! asked for), then a summary object. Every object has a `type`: `test`, `note` (an
//! accepted gap, a decision graph too large), `coverage` (`measured` false with a
//! `reason` when the graph could not be built) or `summary`.

use serde_json::{json, Map, Value};

use super::{Example, Outcome, Report, RuleRef, TestCase};

/// The lines of the report, each one JSON object.
pub fn render(report: &Report, shortfalls: &[String]) -> Vec<String> {
    let mut lines = Vec::new();
    for t in report.suites.iter().flat_map(|s| &s.tests) {
        lines.push(test(t).to_string());
    }
    for s in &report.suites {
        for n in &s.notes {
            lines.push(json!({"type": "note", "policy": s.policy, "message": n}).to_string());
        }
    }
    for s in &report.suites {
        if let Some(why) = &s.coverage_unmeasured {
            lines.push(
                json!({"type": "coverage", "policy": s.policy, "measured": false, "reason": why})
                    .to_string(),
            );
            continue;
        }
        let Some(c) = &s.coverage else { continue };
        let uncovered: Vec<Value> = c.uncovered.iter().map(rule).collect();
        let mut line = json!({
            "type": "coverage",
            "policy": s.policy,
            "measured": true,
            "rules_total": c.rules_total,
            "rules_covered": c.rules_covered,
            "rule_percent": round1(c.rule_percent()),
            "leaves_measured": c.leaves_unmeasured.is_none(),
            "leaves_total": c.leaves_total,
            "leaves_reached": c.leaves_reached,
            "leaf_percent": round1(c.leaf_percent()),
            "uncovered": uncovered,
        });
        if let (Some(why), Some(map)) = (&c.leaves_unmeasured, line.as_object_mut()) {
            // No graph, no leaves: null figures and the reason, rather than zeros.
            for key in ["leaves_total", "leaves_reached", "leaf_percent"] {
                map.insert(key.into(), Value::Null);
            }
            map.insert("leaves_reason".into(), Value::from(why.as_str()));
        }
        lines.push(line.to_string());
    }
    let t = report.totals();
    lines.push(
        json!({
            "type": "summary",
            "passed": t.passed,
            "failed": t.failed,
            "skipped": t.skipped,
            "coverage_failures": shortfalls,
            "ok": t.failed == 0 && shortfalls.is_empty(),
        })
        .to_string(),
    );
    lines
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn test(t: &TestCase) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), "test".into());
    o.insert("policy".into(), t.policy.clone().into());
    o.insert("name".into(), t.name.clone().into());
    o.insert("kind".into(), t.kind.as_str().into());
    o.insert("title".into(), opt(&t.title));
    o.insert("cites".into(), opt(&t.cites));
    o.insert("location".into(), t.location.clone().into());
    o.insert("status".into(), t.outcome.status().into());
    if let Outcome::Failed(f) = &t.outcome {
        o.insert("message".into(), f.message.clone().into());
        o.insert("notes".into(), f.notes.clone().into());
        if !f.diagnostics.is_empty() {
            o.insert("diagnostics".into(), f.diagnostics.clone().into());
        }
        let failures: Vec<Value> = f.examples.iter().flat_map(failures_of).collect();
        o.insert("failures".into(), failures.into());
    } else {
        o.insert("failures".into(), Value::Array(Vec::new()));
    }
    Value::Object(o)
}

/// One entry per expectation that an example breaks, each carrying the example.
fn failures_of(e: &Example) -> Vec<Value> {
    let facts: Map<String, Value> = e.facts.iter().cloned().collect();
    let rules: Vec<Value> = e.rules.iter().map(rule).collect();
    let overridden: Vec<Value> = e.overridden.iter().map(rule).collect();
    // No path (null) when the decision was read from the rules: there is no graph.
    let path: Option<Vec<Value>> = e.path.as_ref().map(|p| {
        p.iter()
            .map(|s| json!({"input": s.input, "question": s.question, "answer": s.answer}))
            .collect()
    });
    e.mismatches
        .iter()
        .map(|m| {
            json!({
                "output": m.output,
                "expected": m.expected,
                "actual": m.actual,
                "example": facts,
                "decision_status": e.status,
                "rules": rules,
                "overridden": overridden,
                "path": path,
            })
        })
        .collect()
}

fn rule(r: &RuleRef) -> Value {
    json!({"name": r.name, "title": r.title, "cites": r.cites, "location": r.location})
}

fn opt(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |s| Value::from(s.as_str()))
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
}
