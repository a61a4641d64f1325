//! The decision graph as JSON, for other tools. The schema is documented in
//! `docs/graph-json.md`; bump [`SCHEMA_VERSION`] on any incompatible change.
//!
//! The fields of every object are declared in alphabetical order, the order the graph
//! has always been written in (its objects were `serde_json::Map`s, which sort their
//! keys); the document's example lists them in another, and promises no order.

use serde::Serialize;
use serde_json::Value;

use super::view::{
    EdgeValues, GraphView, LeafOutput, OutputStatus, ValueSource, ViewEdge, ViewNode,
};

pub const SCHEMA_VERSION: u32 = 1;

/// The whole graph (docs/graph-json.md, "Top level").
#[derive(Debug, Serialize)]
pub struct GraphJson<'a> {
    pub edges: Vec<EdgeJson<'a>>,
    pub leaves: Vec<LeafJson<'a>>,
    pub nodes: Vec<QuestionJson<'a>>,
    pub output: Option<&'a str>,
    pub policy: &'a str,
    pub root: String,
    /// Always `policyc-graph`.
    pub schema: &'static str,
    pub title: Option<&'a str>,
    pub version: u32,
}

/// A question (docs/graph-json.md, "Questions").
#[derive(Debug, Serialize)]
pub struct QuestionJson<'a> {
    pub id: String,
    pub input: &'a str,
    /// For a judgement input: the paragraph that leaves the answer to a person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judgement: Option<&'a str>,
    pub question: &'a str,
}

/// An outcome (docs/graph-json.md, "Outcomes").
#[derive(Debug, Serialize)]
pub struct LeafJson<'a> {
    pub id: String,
    pub kind: &'static str,
    pub outputs: Vec<OutputJson<'a>>,
}

/// One output at a leaf, by its `status`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum OutputJson<'a> {
    Decided {
        default: bool,
        output: &'a str,
        /// Where the output's precedence chose the value: each value it won over, with
        /// its rules (present only then).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        outranked: Vec<ConflictJson<'a>>,
        rules: &'a [String],
        /// Always `decided`.
        status: &'static str,
        value: &'a Value,
    },
    /// `status` `gap` (`reason` null) or `accepted_gap` (the acceptance's reason).
    Gap {
        output: &'a str,
        reason: Option<&'a str>,
        status: &'static str,
    },
    /// `status` `conflict`, or `overlap` (an `exclusive` output two rules assign).
    Conflict {
        output: &'a str,
        status: &'static str,
        values: Vec<ConflictJson<'a>>,
    },
}

#[derive(Debug, Serialize)]
pub struct ConflictJson<'a> {
    pub rules: &'a [String],
    pub value: &'a Value,
}

/// An answer (docs/graph-json.md, "Answers").
#[derive(Debug, Serialize)]
pub struct EdgeJson<'a> {
    pub from: String,
    pub label: &'a str,
    pub to: String,
    pub values: ValuesJson<'a>,
}

/// The values of an edge: booleans, variant names, or inclusive integer ranges.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ValuesJson<'a> {
    Bools(&'a [bool]),
    Variants(&'a [String]),
    Ranges(Vec<RangeJson>),
}

#[derive(Debug, Serialize)]
pub struct RangeJson {
    pub max: i64,
    pub min: i64,
}

fn id(i: usize) -> String {
    format!("n{i}")
}

/// The graph in the form of `docs/graph-json.md`.
pub fn to_json(view: &GraphView) -> GraphJson<'_> {
    let mut nodes = Vec::new();
    let mut leaves = Vec::new();
    for (i, node) in view.nodes.iter().enumerate() {
        match node {
            ViewNode::Question(q) => nodes.push(QuestionJson {
                id: id(i),
                input: &q.input,
                judgement: q.judgement.as_deref(),
                question: &q.text,
            }),
            ViewNode::Leaf(leaf) => leaves.push(LeafJson {
                id: id(i),
                kind: leaf.kind.as_str(),
                outputs: leaf.outputs.iter().map(output_json).collect(),
            }),
        }
    }
    GraphJson {
        edges: view.edges.iter().map(edge_json).collect(),
        leaves,
        nodes,
        output: view.output.as_deref(),
        policy: &view.policy,
        root: id(view.root),
        schema: "policyc-graph",
        title: view.title.as_deref(),
        version: SCHEMA_VERSION,
    }
}

/// The graph as one line of JSON, with its line break.
pub fn to_string(view: &GraphView) -> String {
    let mut s = serde_json::to_string(&to_json(view)).unwrap_or_default();
    s.push('\n');
    s
}

fn output_json(o: &LeafOutput) -> OutputJson<'_> {
    match &o.status {
        OutputStatus::Value {
            json,
            source,
            outranked,
            ..
        } => OutputJson::Decided {
            default: *source == ValueSource::Default,
            output: &o.output,
            outranked: conflict_json(outranked),
            rules: &o.rules,
            status: "decided",
            value: json,
        },
        OutputStatus::Gap { accepted } => OutputJson::Gap {
            output: &o.output,
            reason: accepted.as_deref(),
            status: if accepted.is_some() {
                "accepted_gap"
            } else {
                "gap"
            },
        },
        OutputStatus::Conflict { values } => OutputJson::Conflict {
            output: &o.output,
            status: "conflict",
            values: conflict_json(values),
        },
        OutputStatus::Overlap { values } => OutputJson::Conflict {
            output: &o.output,
            status: "overlap",
            values: conflict_json(values),
        },
    }
}

fn conflict_json(values: &[super::view::ConflictValue]) -> Vec<ConflictJson<'_>> {
    values
        .iter()
        .map(|v| ConflictJson {
            rules: &v.rules,
            value: &v.json,
        })
        .collect()
}

fn edge_json(e: &ViewEdge) -> EdgeJson<'_> {
    EdgeJson {
        from: id(e.from),
        label: &e.code,
        to: id(e.to),
        values: match &e.values {
            EdgeValues::Bool(bs) => ValuesJson::Bools(bs),
            EdgeValues::Enum(vs) => ValuesJson::Variants(vs),
            EdgeValues::Ranges(rs) => ValuesJson::Ranges(
                rs.iter()
                    .map(|&(min, max)| RangeJson { max, min })
                    .collect(),
            ),
        },
    }
}
