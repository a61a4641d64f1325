//! The decision graph as the exporters draw it: every node and edge with the words a
//! person reads, and nothing that needs the compiler to interpret.
//!
//! Every writer (DOT, Mermaid, JSON, SVG, the HTML report) reads only a [`GraphView`];
//! building one from the compiled decision graph happens in one place
//! ([`super::build`]), so the writers cannot drift apart in what they say.

use crate::check::ir::{InputId, Policy, Ty, Value, VariantId};

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
    /// Which part of that decision it draws, in words, when not all of it: one member
    /// of a set output, or the incidents that answer the first questions one way
    /// (a drawing too wide to read whole, cut by [`super::split`]).
    pub part: Option<String>,
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

impl Question {
    /// The small line above the question in a drawing: the input's name, and for a
    /// judgement input that a person answers it (the tooltip and the JSON give the
    /// citation).
    pub fn caption(&self) -> String {
        match &self.judgement {
            Some(_) => format!("{} (a judgement)", self.input),
            None => self.input.clone(),
        }
    }
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
    /// The output's name (an identifier: JSON and tooltips).
    pub output: String,
    /// The output in the writer's words: the question its doc comment asks ("Is the
    /// crime recorded?"), or its name made readable.
    pub asks: String,
    pub status: OutputStatus,
    /// The rules whose assignment to this output stands here.
    pub rules: Vec<String>,
}

/// Where a decided value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueSource {
    /// Rules that apply give it.
    Rules,
    /// No rule assigns the output here; this is its `default`.
    Default,
    /// Rules that apply give the output different values, and its precedence chose
    /// this one (`OutputStatus::Value::outranked` holds the others, with their rules).
    Precedence,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OutputStatus {
    Value {
        /// In the writer's words (`Youth caution`, `yes`, `Charge or summons; Youth
        /// caution`).
        shown: String,
        /// As the language writes it (`outcome_21`, `true`, `{a, b}`).
        code: String,
        json: serde_json::Value,
        source: ValueSource,
        /// For [`ValueSource::Precedence`]: each value the precedence ranked below this
        /// one, with the rules that gave it (empty otherwise).
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
    /// In the writer's words.
    pub shown: String,
    /// As the language writes it.
    pub code: String,
    pub json: serde_json::Value,
    pub rules: Vec<String>,
}

impl LeafOutput {
    /// The answer a leaf gives for this output, in words: the value, or what is wrong.
    pub fn answer(&self) -> String {
        match &self.status {
            OutputStatus::Value {
                shown,
                source: ValueSource::Default,
                ..
            } => format!("{shown} (the default)"),
            OutputStatus::Value {
                shown,
                source: ValueSource::Precedence,
                outranked,
                ..
            } => {
                let vs: Vec<&str> = outranked.iter().map(|v| v.shown.as_str()).collect();
                format!("{shown} (by precedence over {})", vs.join(", "))
            }
            OutputStatus::Value { shown, .. } => shown.clone(),
            OutputStatus::Gap { accepted: Some(_) } => {
                super::words::UNDECIDED_ON_PURPOSE.to_string()
            }
            OutputStatus::Gap { accepted: None } => "UNDECIDED: a gap in the policy".to_string(),
            OutputStatus::Conflict { values } => {
                let vs: Vec<&str> = values.iter().map(|v| v.shown.as_str()).collect();
                format!("CONFLICT: {}", vs.join(" or "))
            }
            OutputStatus::Overlap { values } => {
                let vs: Vec<&str> = values.iter().map(|v| v.shown.as_str()).collect();
                format!("OVERLAP of exclusive rules: {}", vs.join(", "))
            }
        }
    }

    /// The output as the lead-in to its answer: its question, or its words and a colon
    /// ("What the school does with the incident:").
    pub fn prompt(&self) -> String {
        if self.asks.ends_with('?') || self.asks.ends_with(':') {
            self.asks.clone()
        } else {
            format!("{}:", self.asks)
        }
    }

    /// The output and its answer on one line: "Is the crime recorded? yes".
    pub fn line(&self) -> String {
        format!("{} {}", self.prompt(), self.answer())
    }

    /// `code_line` with the rules that give the value, in one parenthesis: `response =
    /// refer_immediately (by refer_points, winning by precedence over
    /// refer_after_review)`.
    pub fn code_line_by(&self, rules: &[String]) -> String {
        let by = rules.join(", ");
        match &self.status {
            OutputStatus::Value {
                code,
                source: ValueSource::Precedence,
                outranked,
                ..
            } => {
                let vs: Vec<&str> = outranked.iter().map(|v| v.code.as_str()).collect();
                format!(
                    "{} = {code} (by {by}, winning by precedence over {})",
                    self.output,
                    vs.join(", ")
                )
            }
            _ => format!("{} (by {by})", self.code_line()),
        }
    }

    /// `output = value` as the language writes it, for readers who need the names
    /// (tooltips).
    pub fn code_line(&self) -> String {
        match &self.status {
            OutputStatus::Value {
                code,
                source,
                outranked,
                ..
            } => match source {
                ValueSource::Default => format!("{} = {code} (default)", self.output),
                ValueSource::Rules => format!("{} = {code}", self.output),
                ValueSource::Precedence => {
                    let vs: Vec<&str> = outranked.iter().map(|v| v.code.as_str()).collect();
                    format!(
                        "{} = {code} (by precedence over {})",
                        self.output,
                        vs.join(", ")
                    )
                }
            },
            OutputStatus::Gap { accepted: Some(_) } => {
                format!("{}: undecided on purpose (accept gap)", self.output)
            }
            OutputStatus::Gap { accepted: None } => format!("{}: undecided (gap)", self.output),
            OutputStatus::Conflict { values } => {
                let vs: Vec<&str> = values.iter().map(|v| v.code.as_str()).collect();
                format!("{}: conflict, {}", self.output, vs.join(" vs "))
            }
            OutputStatus::Overlap { values } => {
                let vs: Vec<&str> = values.iter().map(|v| v.code.as_str()).collect();
                format!("{}: overlap (exclusive), {}", self.output, vs.join(", "))
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
            return vec![NO_OUTPUTS.to_string()];
        }
        self.outputs.iter().map(LeafOutput::line).collect()
    }
}

/// What a leaf of a policy without outputs says.
pub const NO_OUTPUTS: &str = "This policy declares no outputs: it decides nothing";

/// An answer to a question: the values of the input that lead along this edge.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewEdge {
    pub from: NodeIx,
    pub to: NodeIx,
    /// The answer in words, one value a line where it names several: `yes`, `13 to
    /// 15`, `18 or over`, `Nude images` and `Images of violent or extreme acts` on two
    /// lines.
    pub label: String,
    /// The answer in the names of the language: `yes`, `13..=15`, `≥ 18`, `nude,
    /// extreme` (JSON's label, tooltips).
    pub code: String,
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

/// An answer's label lists at most this many values, then says how many more: a label
/// is read at a glance (and Graphviz refuses one over 16,384 characters).
const MAX_LISTED: usize = 12;

/// The edge label (in words), its code and values for the values of an input of type
/// `ty` given as inclusive ranges of its value indices (bool: 0 = false, 1 = true; enum:
/// variant index; integer: the integer itself). Adjacent and overlapping ranges are
/// merged.
pub fn answer(policy: &Policy, ty: Ty, ranges: &[(i64, i64)]) -> (String, String, EdgeValues) {
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
            (label.to_string(), label.to_string(), EdgeValues::Bool(vals))
        }
        Ty::Enum(e) => {
            let picked: Vec<VariantId> = policy.enums[e]
                .variants
                .ids()
                .filter(|&v| {
                    let v = v.index() as i64;
                    merged.iter().any(|&(lo, hi)| lo <= v && v <= hi)
                })
                .collect();
            let names: Vec<String> = picked
                .iter()
                .map(|&v| policy.variant_name(e, v).to_string())
                .collect();
            let mut words: Vec<String> = picked
                .iter()
                .take(MAX_LISTED)
                .map(|&v| super::words::variant_short(policy, e, v))
                .collect();
            if picked.len() > MAX_LISTED {
                words.push(format!("{} more", picked.len() - MAX_LISTED));
            }
            (or_lines(&words), names.join(", "), EdgeValues::Enum(names))
        }
        Ty::Int { lo, hi } => {
            let mut words: Vec<String> = merged
                .iter()
                .take(MAX_LISTED)
                .map(|&(a, b)| super::words::range(a, b, lo, hi))
                .collect();
            if merged.len() > MAX_LISTED {
                words.push(format!("{} more", merged.len() - MAX_LISTED));
            }
            let code: Vec<String> = merged
                .iter()
                .map(|&(a, b)| range_label(a, b, lo, hi))
                .collect();
            (
                words.join(", "),
                code.join(", "),
                EdgeValues::Ranges(merged),
            )
        }
    }
}

/// Alternatives one a line, as a reader says them: `a,` / `b` / `or c`.
fn or_lines(items: &[String]) -> String {
    let n = items.len();
    items
        .iter()
        .enumerate()
        .map(|(k, w)| {
            if n > 1 && k + 1 == n {
                format!("or {w}")
            } else if k + 2 < n {
                format!("{w},")
            } else {
                w.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
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
pub fn question_text(policy: &Policy, input: InputId) -> (String, String) {
    let def = &policy.inputs[input];
    let text = def
        .question()
        .unwrap_or_else(|| format!("{}?", def.name.replace('_', " ")));
    (def.name.clone(), text)
}

/// A decided value as leaves show it and JSON carries it.
pub fn value_status(policy: &Policy, value: &Value, source: ValueSource) -> OutputStatus {
    OutputStatus::Value {
        shown: super::words::value(policy, value),
        code: policy.show_value(value),
        json: policy.value_json(value),
        source,
        outranked: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::{EnumDef, InputDef, Ty, VariantDef};
    use crate::testing::id;

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
            question_text(&p, id(0)).1,
            "Is there a significant age difference?"
        );
        assert_eq!(
            question_text(&p, id(1)).1,
            "Statement without a question mark"
        );
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
                variants: vec![v("semi_nude"), v("nude"), v("sexual_act"), v("extreme")].into(),
                loc: Loc::default(),
            }]
            .into(),
            ..Policy::default()
        }
    }

    #[test]
    fn bool_answers() {
        let p = Policy::default();
        assert_eq!(answer(&p, Ty::Bool, &[(1, 1)]).0, "yes");
        assert_eq!(answer(&p, Ty::Bool, &[(0, 0)]).0, "no");
        assert_eq!(
            answer(&p, Ty::Bool, &[(0, 1)]).2,
            EdgeValues::Bool(vec![false, true])
        );
    }

    #[test]
    fn enum_answers_merge_in_declaration_order() {
        let p = policy_with_enum();
        let (label, code, vals) = answer(&p, Ty::Enum(id(0)), &[(3, 3), (1, 1)]);
        assert_eq!(label, "nude\nor extreme");
        assert_eq!(code, "nude, extreme");
        assert_eq!(
            vals,
            EdgeValues::Enum(vec!["nude".into(), "extreme".into()])
        );
    }

    #[test]
    fn int_answers_merge_adjacent_ranges() {
        let p = Policy::default();
        let ty = Ty::Int { lo: 0, hi: 99 };
        assert_eq!(answer(&p, ty, &[(13, 14), (15, 15)]).0, "13 to 15");
        assert_eq!(answer(&p, ty, &[(13, 14), (15, 15)]).1, "13..=15");
        assert_eq!(answer(&p, ty, &[(0, 12)]).0, "12 or under");
        assert_eq!(answer(&p, ty, &[(18, 99)]).0, "18 or over");
        assert_eq!(answer(&p, ty, &[(0, 99)]).0, "any");
        let (label, code, vals) = answer(&p, ty, &[(0, 3), (7, 7), (20, 99)]);
        assert_eq!(label, "3 or under, 7, 20 or over");
        assert_eq!(code, "≤ 3, 7, ≥ 20");
        assert_eq!(vals, EdgeValues::Ranges(vec![(0, 3), (7, 7), (20, 99)]));
    }
}
