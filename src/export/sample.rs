//! A small hand-made decision graph with one node of every kind, for the writers' tests
//! (the compiler's graphs are used by the integration tests).

use super::view::*;

fn q(input: &str, text: &str) -> ViewNode {
    ViewNode::Question(Question {
        input: input.into(),
        text: text.into(),
        judgement: None,
    })
}

fn val(output: &str, v: &str, rules: &[&str]) -> LeafOutput {
    LeafOutput {
        output: output.into(),
        status: OutputStatus::Value {
            shown: v.into(),
            json: if v == "true" {
                serde_json::Value::Bool(true)
            } else {
                serde_json::Value::from(v)
            },
            by_default: rules.is_empty(),
            outranked: Vec::new(),
        },
        rules: rules.iter().map(|r| r.to_string()).collect(),
    }
}

fn edge(from: usize, to: usize, label: &str, values: EdgeValues) -> ViewEdge {
    ViewEdge {
        from,
        to,
        label: label.into(),
        values,
    }
}

pub fn sample() -> GraphView {
    let record = || val("record", "true", &[]);
    let nodes = vec![
        q(
            "reported_to_police",
            "Has the incident been reported to the police?",
        ),
        q(
            "oldest_age",
            "How old is the oldest person involved (pictured, sending or receiving), in years?",
        ),
        q(
            "coercion",
            "Was there force, coercion, blackmail or grooming?",
        ),
        q("severity", "What is the most serious content involved?"),
        ViewNode::Leaf(Leaf::out_of_scope()),
        ViewNode::Leaf(Leaf::new(vec![
            val("response", "escalate", &["coerced"]),
            record(),
        ])),
        ViewNode::Leaf(Leaf::new(vec![
            val("response", "manage_in_school", &["mild"]),
            record(),
        ])),
        ViewNode::Leaf(Leaf::new(vec![
            LeafOutput {
                output: "response".into(),
                status: OutputStatus::Gap { accepted: None },
                rules: vec![],
            },
            record(),
        ])),
        ViewNode::Leaf(Leaf::new(vec![
            LeafOutput {
                output: "response".into(),
                status: OutputStatus::Conflict {
                    values: vec![
                        ConflictValue {
                            shown: "escalate".into(),
                            json: serde_json::Value::from("escalate"),
                            rules: vec!["extreme_content".into()],
                        },
                        ConflictValue {
                            shown: "manage_in_school".into(),
                            json: serde_json::Value::from("manage_in_school"),
                            rules: vec!["\"quoted\" <rule>".into()],
                        },
                    ],
                },
                rules: vec![],
            },
            record(),
        ])),
        ViewNode::Leaf(Leaf::new(vec![
            LeafOutput {
                output: "response".into(),
                status: OutputStatus::Gap {
                    accepted: Some("The letter is silent on 16 & 17 <year-olds>".into()),
                },
                rules: vec![],
            },
            record(),
        ])),
        q("youngest_age", "How old is the youngest person involved?"),
    ];
    let b = |v: bool| EdgeValues::Bool(vec![v]);
    let e = |vs: &[&str]| EdgeValues::Enum(vs.iter().map(|s| s.to_string()).collect());
    let r = |a: i64, z: i64| EdgeValues::Ranges(vec![(a, z)]);
    let edges = vec![
        edge(0, 4, "no", b(false)),
        edge(0, 1, "yes", b(true)),
        edge(1, 2, "≤ 17", r(0, 17)),
        edge(1, 4, "≥ 18", r(18, 99)),
        edge(2, 3, "no", b(false)),
        edge(2, 5, "yes", b(true)),
        edge(3, 6, "semi_nude", e(&["semi_nude"])),
        edge(3, 10, "nude, sexual_act", e(&["nude", "sexual_act"])),
        edge(3, 8, "extreme", e(&["extreme"])),
        edge(10, 5, "≤ 12", r(0, 12)),
        edge(10, 7, "13..=15", r(13, 15)),
        edge(10, 9, "≥ 16", r(16, 99)),
    ];
    GraphView {
        policy: "sample".into(),
        title: Some("Sample <script>alert(1)</script> & \"quotes\"".into()),
        output: None,
        nodes,
        edges,
        root: 0,
    }
}
