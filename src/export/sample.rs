//! A small hand-made decision graph with one node of every kind, for the writers' tests
//! (the compiler's graphs are used by the integration tests).

use super::view::*;

fn q(input: &str, text: &str) -> ViewNode {
    ViewNode::Question(Question {
        judgement: None,
        input: input.into(),
        text: text.into(),
    })
}

/// The question an output asks, in the writer's words.
fn asks(output: &str) -> String {
    match output {
        "response" => "What does the school do?".into(),
        _ => "Is the incident recorded?".into(),
    }
}

fn words(code: &str) -> String {
    match code {
        "true" => "yes".into(),
        "escalate" => "Refer to the police & children's social care".into(),
        "manage_in_school" => "Manage in school".into(),
        c => c.replace('_', " "),
    }
}

fn val(output: &str, v: &str, rules: &[&str]) -> LeafOutput {
    LeafOutput {
        output: output.into(),
        asks: asks(output),
        status: OutputStatus::Value {
            shown: words(v),
            code: v.into(),
            json: if v == "true" {
                serde_json::Value::Bool(true)
            } else {
                serde_json::Value::from(v)
            },
            source: if rules.is_empty() {
                ValueSource::Default
            } else {
                ValueSource::Rules
            },
            outranked: Vec::new(),
        },
        rules: rules.iter().map(|r| r.to_string()).collect(),
    }
}

/// An edge whose answer reads `label` and is written `code` in the policy's names.
fn edge(from: usize, to: usize, label: &str, code: &str, values: EdgeValues) -> ViewEdge {
    ViewEdge {
        from,
        to,
        label: label.into(),
        code: code.into(),
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
                asks: asks("response"),
                status: OutputStatus::Gap { accepted: None },
                rules: vec![],
            },
            record(),
        ])),
        ViewNode::Leaf(Leaf::new(vec![
            LeafOutput {
                output: "response".into(),
                asks: asks("response"),
                status: OutputStatus::Conflict {
                    values: vec![
                        ConflictValue {
                            shown: words("escalate"),
                            code: "escalate".into(),
                            json: serde_json::Value::from("escalate"),
                            rules: vec!["extreme_content".into()],
                        },
                        ConflictValue {
                            shown: words("manage_in_school"),
                            code: "manage_in_school".into(),
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
                asks: asks("response"),
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
        edge(0, 4, "no", "no", b(false)),
        edge(0, 1, "yes", "yes", b(true)),
        edge(1, 2, "17 or under", "≤ 17", r(0, 17)),
        edge(1, 4, "18 or over", "≥ 18", r(18, 99)),
        edge(2, 3, "no", "no", b(false)),
        edge(2, 5, "yes", "yes", b(true)),
        edge(3, 6, "Semi-nude images", "semi_nude", e(&["semi_nude"])),
        edge(
            3,
            10,
            "Nude images\nor Images of a sexual act",
            "nude, sexual_act",
            e(&["nude", "sexual_act"]),
        ),
        edge(
            3,
            8,
            "Images of violent or extreme acts",
            "extreme",
            e(&["extreme"]),
        ),
        edge(10, 5, "12 or under", "≤ 12", r(0, 12)),
        edge(10, 7, "13 to 15", "13..=15", r(13, 15)),
        edge(10, 9, "16 or over", "≥ 16", r(16, 99)),
    ];
    GraphView {
        policy: "sample".into(),
        title: Some("Sample <script>alert(1)</script> & \"quotes\"".into()),
        output: None,
        part: None,
        nodes,
        edges,
        root: 0,
    }
}
