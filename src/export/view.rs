//! The decision graph as the exporters draw it: every node and edge with the words a
//! person reads, and nothing that needs the compiler to interpret.
//!
//! Every writer (DOT, Mermaid, JSON, SVG, the HTML report) reads only a [`GraphView`];
//! building one from the compiled decision graph happens in one place
//! ([`super::build`]), so the writers cannot drift apart in what they say.

use crate::check::ir::{Policy, Ty, Value};

/// Index of a node in [`GraphView::nodes`].
pub type NodeIx = usize;

#[derive(Clone, Debug, PartialEq)]
pub struct GraphView {
    /// The policy's name.
    pub policy: String,
    /// The policy's title, when it has one.
    pub title: Option<String>,
    /// The output this graph decides, or `None` for the whole decision.
    pub output: Option<String>,
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
    pub root: NodeIx,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ViewNode {
    Question(Question),
    Leaf(Leaf),
}

/// A node that asks about one input.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// The input's name.
    pub input: String,
    /// The question as a person reads it: the input's doc comment, or its name.
    pub text: String,
    /// For a judgement input (`judgement "CITATION"`): the paragraph that leaves the
    /// answer to a person.
    pub judgement: Option<String>,
}

/// An outcome: what the policy decides for every incident that reaches it.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    pub kind: LeafKind,
    /// One entry per output drawn (all of them, or the one of a per-output graph),
    /// in declaration order. Empty when out of scope.
    pub outputs: Vec<LeafOutput>,
}

/// The overall state of a leaf, the most serious of its outputs' states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LeafKind {
    /// Every output has exactly one value.
    Decided,
    /// Some output has no value, and the policy accepts that (`accept gap`).
    AcceptedGap,
    /// Some output has no value: a gap in the policy.
    Gap,
    /// Some output gets two different values from rules that do not override each other
    /// (and no precedence settles them), or two rules assign an `exclusive` output.
    Conflict,
    /// Outside the policy's scope: it decides nothing here, and that is not a gap.
    OutOfScope,
}

impl LeafKind {
    /// The word the JSON schema and CSS classes use.
    pub fn as_str(self) -> &'static str {
        match self {
            LeafKind::Decided => "decided",
            LeafKind::AcceptedGap => "accepted_gap",
            LeafKind::Gap => "gap",
            LeafKind::Conflict => "conflict",
            LeafKind::OutOfScope => "out_of_scope",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LeafOutput {
    pub output: String,
    pub status: OutputStatus,
    /// The rules whose assignment to this output stands here.
    pub rules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OutputStatus {
    Value {
        /// As the language writes it (`outcome_21`, `true`, `{a, b}`).
        shown: String,
        json: serde_json::Value,
        /// No rule assigns the output here; this is its `default`.
        by_default: bool,
        /// Where the output's precedence chose the value among the values of rules
        /// that apply: each value it won over, with those rules (empty otherwise).
        outranked: Vec<ConflictValue>,
    },
    Gap {
        /// The reason of the `accept gap` that covers this gap, if one does.
        accepted: Option<String>,
    },
    Conflict {
        /// Each value some applying rule gives, with those rules.
        values: Vec<ConflictValue>,
    },
    /// Two or more rules assign an `exclusive` output (its values may be equal).
    Overlap {
        /// Each value the applying rules give, with those rules.
        values: Vec<ConflictValue>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConflictValue {
    pub shown: String,
    pub json: serde_json::Value,
    pub rules: Vec<String>,
}

impl LeafOutput {
    /// `output = value` as leaves show it.
    pub fn line(&self) -> String {
        match &self.status {
            OutputStatus::Value {
                shown,
                by_default,
                outranked,
                ..
            } => {
                if *by_default {
                    format!("{} = {shown} (default)", self.output)
                } else if !outranked.is_empty() {
                    let vs: Vec<&str> = outranked.iter().map(|v| v.shown.as_str()).collect();
                    format!(
                        "{} = {shown} (by precedence over {})",
                        self.output,
                        vs.join(", ")
                    )
                } else {
                    format!("{} = {shown}", self.output)
                }
            }
            OutputStatus::Gap { accepted: Some(_) } => {
                format!("{}: no value (accepted gap)", self.output)
            }
            OutputStatus::Gap { accepted: None } => format!("{}: GAP, no value", self.output),
            OutputStatus::Conflict { values } => {
                let vs: Vec<&str> = values.iter().map(|v| v.shown.as_str()).collect();
                format!("{}: CONFLICT {}", self.output, vs.join(" vs "))
            }
            OutputStatus::Overlap { values } => {
                let vs: Vec<&str> = values.iter().map(|v| v.shown.as_str()).collect();
                format!("{}: OVERLAP {} (exclusive)", self.output, vs.join(", "))
            }
        }
    }

    pub fn kind(&self) -> LeafKind {
        match &self.status {
            OutputStatus::Value { .. } => LeafKind::Decided,
            OutputStatus::Gap { accepted: Some(_) } => LeafKind::AcceptedGap,
            OutputStatus::Gap { accepted: None } => LeafKind::Gap,
            OutputStatus::Conflict { .. } | OutputStatus::Overlap { .. } => LeafKind::Conflict,
        }
    }
}

impl Leaf {
    /// A leaf for these outputs, its kind the most serious of theirs.
    pub fn new(outputs: Vec<LeafOutput>) -> Leaf {
        let kind = outputs
            .iter()
            .map(LeafOutput::kind)
            .max()
            .unwrap_or(LeafKind::Decided);
        Leaf { kind, outputs }
    }

    pub fn out_of_scope() -> Leaf {
        Leaf {
            kind: LeafKind::OutOfScope,
            outputs: Vec::new(),
        }
    }

    /// The lines a picture of the leaf shows.
    pub fn lines(&self) -> Vec<String> {
        if self.kind == LeafKind::OutOfScope {
            return vec!["Out of scope: the policy decides nothing here".to_string()];
        }
        if self.outputs.is_empty() {
            return vec!["(no outputs)".to_string()];
        }
        self.outputs.iter().map(LeafOutput::line).collect()
    }
}

/// An answer to a question: the values of the input that lead along this edge.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewEdge {
    pub from: NodeIx,
    pub to: NodeIx,
    /// The answer as a person reads it: `yes`, `nude, extreme`, `13..=15`, `≥ 18`.
    pub label: String,
    pub values: EdgeValues,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeValues {
    Bool(Vec<bool>),
    /// Variant names in declaration order.
    Enum(Vec<String>),
    /// Sorted, disjoint, non-adjacent inclusive ranges.
    Ranges(Vec<(i64, i64)>),
}

/// The edge label and values for the values of an input of type `ty` given as inclusive
/// ranges of its value indices (bool: 0 = false, 1 = true; enum: variant index; integer:
/// the integer itself). Adjacent and overlapping ranges are merged.
pub fn answer(policy: &Policy, ty: Ty, ranges: &[(i64, i64)]) -> (String, EdgeValues) {
    let merged = merge_ranges(ranges);
    match ty {
        Ty::Bool => {
            let has = |v: i64| merged.iter().any(|&(lo, hi)| lo <= v && v <= hi);
            let (f, t) = (has(0), has(1));
            let label = match (f, t) {
                (true, true) => "yes or no",
                (false, true) => "yes",
                (true, false) => "no",
                (false, false) => "(none)",
            };
            let mut vals = Vec::new();
            if f {
                vals.push(false);
            }
            if t {
                vals.push(true);
            }
            (label.to_string(), EdgeValues::Bool(vals))
        }
        Ty::Enum(e) => {
            let count = policy.enums.get(e).map(|d| d.variants.len()).unwrap_or(0);
            let names: Vec<String> = (0..count)
                .filter(|&v| {
                    let v = v as i64;
                    merged.iter().any(|&(lo, hi)| lo <= v && v <= hi)
                })
                .map(|v| policy.variant_name(e, v).to_string())
                .collect();
            (names.join(", "), EdgeValues::Enum(names))
        }
        Ty::Int { lo, hi } => {
            let parts: Vec<String> = merged
                .iter()
                .map(|&(a, b)| range_label(a, b, lo, hi))
                .collect();
            (parts.join(", "), EdgeValues::Ranges(merged))
        }
    }
}

/// `15`, `≤ 12`, `≥ 18`, `13..=15`, `any` for a range of a domain `lo..=hi`.
fn range_label(a: i64, b: i64, lo: i64, hi: i64) -> String {
    if a == b {
        a.to_string()
    } else if a <= lo && b >= hi {
        "any".to_string()
    } else if a <= lo {
        format!("≤ {b}")
    } else if b >= hi {
        format!("≥ {a}")
    } else {
        format!("{a}..={b}")
    }
}

fn merge_ranges(ranges: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut rs: Vec<(i64, i64)> = ranges.iter().copied().filter(|(a, b)| a <= b).collect();
    rs.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (a, b) in rs {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The question a node about `input` asks: the doc comment's question (its text up to
/// the first `?`; the rest of a doc comment explains the question and belongs in the
/// report, not on a node), or a question made from the name when there is no doc.
pub fn question_text(policy: &Policy, input: usize) -> (String, String) {
    let Some(def) = policy.inputs.get(input) else {
        return (format!("input {input}"), format!("input {input}?"));
    };
    let text = def
        .question()
        .unwrap_or_else(|| format!("{}?", def.name.replace('_', " ")));
    (def.name.clone(), text)
}

/// A decided value as leaves show it and JSON carries it.
pub fn value_status(policy: &Policy, value: &Value, by_default: bool) -> OutputStatus {
    OutputStatus::Value {
        shown: policy.show_value(value),
        json: policy.value_json(value),
        by_default,
        outranked: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::{EnumDef, InputDef, Ty, VariantDef};

    #[test]
    fn a_question_node_shows_the_doc_comments_question_only() {
        let input = |doc: &str| InputDef {
            name: "n".into(),
            doc: Some(doc.into()),
            ty: Ty::Bool,
            loc: Loc::default(),
            typical: None,
            judgement: None,
        };
        let mut p = Policy::default();
        p.inputs.push(input(
            "Is there a significant age\ndifference? The sheet does not define it.",
        ));
        p.inputs.push(input("Statement without a question mark"));
        assert_eq!(
            question_text(&p, 0).1,
            "Is there a significant age difference?"
        );
        assert_eq!(question_text(&p, 1).1, "Statement without a question mark");
    }
    use crate::source::Loc;

    fn policy_with_enum() -> Policy {
        let v = |n: &str| VariantDef {
            name: n.into(),
            doc: None,
            loc: Loc::default(),
        };
        Policy {
            enums: vec![EnumDef {
                name: "Severity".into(),
                doc: None,
                variants: vec![v("semi_nude"), v("nude"), v("sexual_act"), v("extreme")],
                loc: Loc::default(),
            }],
            ..Policy::default()
        }
    }

    #[test]
    fn bool_answers() {
        let p = Policy::default();
        assert_eq!(answer(&p, Ty::Bool, &[(1, 1)]).0, "yes");
        assert_eq!(answer(&p, Ty::Bool, &[(0, 0)]).0, "no");
        assert_eq!(
            answer(&p, Ty::Bool, &[(0, 1)]).1,
            EdgeValues::Bool(vec![false, true])
        );
    }

    #[test]
    fn enum_answers_merge_in_declaration_order() {
        let p = policy_with_enum();
        let (label, vals) = answer(&p, Ty::Enum(0), &[(3, 3), (1, 1)]);
        assert_eq!(label, "nude, extreme");
        assert_eq!(
            vals,
            EdgeValues::Enum(vec!["nude".into(), "extreme".into()])
        );
    }

    #[test]
    fn int_answers_merge_adjacent_ranges() {
        let p = Policy::default();
        let ty = Ty::Int { lo: 0, hi: 99 };
        assert_eq!(answer(&p, ty, &[(13, 14), (15, 15)]).0, "13..=15");
        assert_eq!(answer(&p, ty, &[(0, 12)]).0, "≤ 12");
        assert_eq!(answer(&p, ty, &[(18, 99)]).0, "≥ 18");
        assert_eq!(answer(&p, ty, &[(0, 99)]).0, "any");
        let (label, vals) = answer(&p, ty, &[(0, 3), (7, 7), (20, 99)]);
        assert_eq!(label, "≤ 3, 7, ≥ 20");
        assert_eq!(vals, EdgeValues::Ranges(vec![(0, 3), (7, 7), (20, 99)]));
    }
}
