//! The decision graph as JSON, for other tools. The schema is documented in
//! `docs/graph-json.md`; bump [`SCHEMA_VERSION`] on any incompatible change.

use serde_json::{json, Value};

use super::view::{EdgeValues, GraphView, OutputStatus, ValueSource, ViewNode};

pub const SCHEMA_VERSION: u32 = 1;

fn id(i: usize) -> String {
    format!("n{i}")
}

/// The graph as a JSON value (see `docs/graph-json.md`).
pub fn to_json(view: &GraphView) -> Value {
    let mut nodes = Vec::new();
    let mut leaves = Vec::new();
    for (i, node) in view.nodes.iter().enumerate() {
        match node {
            ViewNode::Question(q) => nodes.push(json!({
                "id": id(i),
                "input": q.input,
                "question": q.text,
            })),
            ViewNode::Leaf(leaf) => {
                let outputs: Vec<Value> = leaf
                    .outputs
                    .iter()
                    .map(|o| match &o.status {
                        OutputStatus::Value { json, source, .. } => json!({
                            "output": o.output,
                            "status": "decided",
                            "value": json,
                            "default": *source == ValueSource::Default,
                            "rules": o.rules,
                        }),
                        OutputStatus::Gap { accepted } => json!({
                            "output": o.output,
                            "status": if accepted.is_some() { "accepted_gap" } else { "gap" },
                            "reason": accepted,
                        }),
                        OutputStatus::Conflict { values } => json!({
                            "output": o.output,
                            "status": "conflict",
                            "values": values
                                .iter()
                                .map(|v| json!({"value": v.json, "rules": v.rules}))
                                .collect::<Vec<_>>(),
                        }),
                    })
                    .collect();
                leaves.push(json!({
                    "id": id(i),
                    "kind": leaf.kind.as_str(),
                    "outputs": outputs,
                }));
            }
        }
    }
    let edges: Vec<Value> = view
        .edges
        .iter()
        .map(|e| {
            let values = match &e.values {
                EdgeValues::Bool(bs) => json!(bs),
                EdgeValues::Enum(vs) => json!(vs),
                EdgeValues::Ranges(rs) => Value::Array(
                    rs.iter()
                        .map(|&(lo, hi)| json!({"min": lo, "max": hi}))
                        .collect(),
                ),
            };
            json!({
                "from": id(e.from),
                "to": id(e.to),
                "label": e.code,
                "values": values,
            })
        })
        .collect();
    json!({
        "schema": "policyc-graph",
        "version": SCHEMA_VERSION,
        "policy": view.policy,
        "title": view.title,
        "output": view.output,
        "root": id(view.root),
        "nodes": nodes,
        "leaves": leaves,
        "edges": edges,
    })
}
