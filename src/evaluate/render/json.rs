//! `decide --format json`: the answer of DESIGN.md's contract ("decide --format json")
//! as types, and the error object that answers facts that cannot be decided.
//!
//! The fields of every object are declared in alphabetical order, the order these
//! answers have always printed in (they were `serde_json::Map`s, which sort their keys):
//! the output stays byte for byte what it was. No document promises an order.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::overridden_detail;
use crate::check::ir::{InputId, OutputId, Policy, RuleId};
use crate::diagnostics::{render, Diagnostic};
use crate::evaluate::{Answer, DecideStatus, Decision};
use crate::source::Sources;

/// One incident's answer. `D`, `O`, `R` and `U` are the types of the parts that depend
/// only on the decision (`decision`, `overridden`, `rules`, `undecided`): typed, by
/// default, or serialized once by [`LeafJson`] for the many incidents of a batch that
/// reach one leaf of the decision graph.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionJson<
    'a,
    D = BTreeMap<&'a str, Value>,
    O = Vec<OverriddenJson<'a>>,
    R = Vec<RuleJson<'a>>,
    U = BTreeMap<&'a str, UndecidedJson<'a>>,
    P = BTreeMap<&'a str, PrecedenceJson<'a>>,
> {
    /// The number of errors `policyc check` finds in the policy: absent when it passes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_errors: Option<usize>,
    /// Every output decided, also when the status is `undecided`.
    pub decision: D,
    /// The given facts the decision asked, in the graph's order.
    pub facts_used: Vec<&'a str>,
    /// The inputs of `missing` that are judgements (`judgement "CITATION"`), each with
    /// the paragraph that leaves it to a person; absent when there is none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub judgements: BTreeMap<&'a str, &'a str>,
    /// The incident's place in a batch, from 0 (an array's element, a JSON Lines line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The line the incident starts on, in a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Inputs not given that still matter.
    pub missing: Vec<&'a str>,
    pub overridden: O,
    pub policy: &'a str,
    /// The decided outputs whose value the output's precedence chose where rules gave
    /// it different values: absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precedence: Option<P>,
    /// The rules that fired.
    pub rules: R,
    pub status: DecideStatus,
    /// Every output that is not decided, with the reason.
    pub undecided: U,
}

/// A rule: its name, title and citation.
#[derive(Clone, Debug, Serialize)]
pub struct RuleJson<'a> {
    pub cites: Option<&'a str>,
    pub name: &'a str,
    pub title: Option<&'a str>,
}

/// An overridden rule: its name, title and citation, the rules whose assignments won
/// over it (`by`), per output it lost the winners (`lost`), the outputs its assignments
/// still give (`stands`) and those the facts leave open (`open`, partial facts only).
#[derive(Clone, Debug, Serialize)]
pub struct OverriddenJson<'a> {
    pub by: Vec<&'a str>,
    pub cites: Option<&'a str>,
    pub lost: Vec<LostJson<'a>>,
    pub name: &'a str,
    pub open: Vec<&'a str>,
    pub stands: Vec<&'a str>,
    pub title: Option<&'a str>,
}

/// A value precedence chose: the value's rules, and each value it won over with its
/// rules (`"over": [{"rules": [...], "value": ...}]`).
#[derive(Clone, Debug, Serialize)]
pub struct PrecedenceJson<'a> {
    pub over: Vec<ConflictValueJson<'a>>,
    pub rules: Vec<&'a str>,
    pub value: Value,
}

/// An output an overridden rule lost, and the rules that won it.
#[derive(Clone, Debug, Serialize)]
pub struct LostJson<'a> {
    pub by: Vec<&'a str>,
    pub output: &'a str,
}

/// Why an output is not decided.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum UndecidedJson<'a> {
    /// No rule gives a value. `accepted` is true when an `accept gap` covers the
    /// incident (`because` gives its reasons), false when none does, and null while the
    /// facts leave it open (`false` would claim that no acceptance covers it): then
    /// `may_be_accepted_because` and the inputs it `depends_on` are given.
    Gap {
        accepted: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        because: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        depends_on: Option<Vec<&'a str>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        may_be_accepted_because: Option<&'a str>,
        reason: Reason,
    },
    /// Rules give different values (`reason: conflict`), or two or more rules assign
    /// an `exclusive` output, whatever their values (`reason: overlap`).
    Conflict {
        reason: Reason,
        values: Vec<ConflictValueJson<'a>>,
    },
    /// The completions of the facts disagree; `if_in_scope` is the value every
    /// completion in scope gives, when they agree on it.
    Missing {
        #[serde(skip_serializing_if = "Option::is_none")]
        if_in_scope: Option<Value>,
        reason: Reason,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Gap,
    Conflict,
    Overlap,
    MissingFacts,
}

/// One value of a conflict and the rules that give it.
#[derive(Clone, Debug, Serialize)]
pub struct ConflictValueJson<'a> {
    pub rules: Vec<&'a str>,
    pub value: Value,
}

/// The contract's JSON form (DESIGN.md, "decide --format json").
pub fn decision_json<'a>(policy: &'a Policy, d: &'a Decision) -> DecisionJson<'a> {
    let mut decision = BTreeMap::new();
    let mut undecided = BTreeMap::new();
    let mut precedence = BTreeMap::new();
    for ((o, out), a) in policy.outputs.entries().zip(&d.answers) {
        match a {
            Answer::Value { value, by, over } => {
                decision.insert(out.name.as_str(), policy.value_json(value));
                if !over.is_empty() {
                    precedence.insert(
                        out.name.as_str(),
                        PrecedenceJson {
                            over: values_json(policy, over),
                            rules: rule_refs(policy, by),
                            value: policy.value_json(value),
                        },
                    );
                }
            }
            Answer::None => {}
            _ => {
                if let Some(why) = undecided_json(policy, d, o, a) {
                    undecided.insert(out.name.as_str(), why);
                }
            }
        }
    }
    DecisionJson {
        check_errors: None,
        decision,
        facts_used: input_names(policy, &d.facts_used),
        judgements: judgements(policy, &d.missing),
        index: None,
        line: None,
        missing: input_names(policy, &d.missing),
        overridden: d
            .overridden
            .iter()
            .map(|&r| overridden_json(policy, d, r))
            .collect(),
        policy: &policy.name,
        rules: d.fired.iter().map(|&r| rule_json(policy, r)).collect(),
        status: d.status,
        undecided,
        precedence: (!precedence.is_empty()).then_some(precedence),
    }
}

/// The judgement inputs among `missing`, with their citations.
fn judgements<'a>(policy: &'a Policy, missing: &[InputId]) -> BTreeMap<&'a str, &'a str> {
    missing
        .iter()
        .map(|&i| &policy.inputs[i])
        .filter_map(|inp| Some((inp.name.as_str(), inp.judgement.as_ref()?.citation.as_str())))
        .collect()
}

fn values_json<'a>(
    policy: &'a Policy,
    vs: &[(crate::check::ir::Value, Vec<RuleId>)],
) -> Vec<ConflictValueJson<'a>> {
    vs.iter()
        .map(|(v, rs)| ConflictValueJson {
            rules: rule_refs(policy, rs),
            value: policy.value_json(v),
        })
        .collect()
}

fn undecided_json<'a>(
    policy: &'a Policy,
    d: &'a Decision,
    o: OutputId,
    a: &Answer,
) -> Option<UndecidedJson<'a>> {
    Some(match a {
        Answer::Gap => {
            let reason = Reason::Gap;
            match (d.accepted_reason(o), d.open_acceptance(o)) {
                (Some(r), _) => UndecidedJson::Gap {
                    accepted: Some(true),
                    because: Some(r),
                    depends_on: None,
                    may_be_accepted_because: None,
                    reason,
                },
                (None, Some(open)) => UndecidedJson::Gap {
                    accepted: None,
                    because: None,
                    depends_on: Some(input_names(policy, &open.depends_on)),
                    may_be_accepted_because: Some(&open.reasons),
                    reason,
                },
                (None, None) => UndecidedJson::Gap {
                    accepted: Some(false),
                    because: None,
                    depends_on: None,
                    may_be_accepted_because: None,
                    reason,
                },
            }
        }
        Answer::Conflict(values) => UndecidedJson::Conflict {
            reason: Reason::Conflict,
            values: values_json(policy, values),
        },
        Answer::Overlap(values) => UndecidedJson::Conflict {
            reason: Reason::Overlap,
            values: values_json(policy, values),
        },
        Answer::Missing { if_in_scope } => UndecidedJson::Missing {
            if_in_scope: if_in_scope.as_ref().map(|v| policy.value_json(v)),
            reason: Reason::MissingFacts,
        },
        Answer::Value { .. } | Answer::None => return None,
    })
}

fn rule_json(policy: &Policy, r: RuleId) -> RuleJson<'_> {
    let rule = &policy.rules[r];
    RuleJson {
        cites: rule.cites.as_deref(),
        name: &rule.name,
        title: rule.title.as_deref(),
    }
}

fn overridden_json<'a>(policy: &'a Policy, d: &Decision, r: RuleId) -> OverriddenJson<'a> {
    let rule = rule_json(policy, r);
    let detail = overridden_detail(policy, d, r);
    let out_name = |o: &OutputId| policy.outputs[*o].name.as_str();
    OverriddenJson {
        by: rule_refs(policy, &detail.by(d)),
        cites: rule.cites,
        lost: detail
            .lost
            .iter()
            .map(|(o, by)| LostJson {
                by: rule_refs(policy, by),
                output: out_name(o),
            })
            .collect(),
        name: rule.name,
        open: detail.open.iter().map(out_name).collect(),
        stands: detail.stands.iter().map(out_name).collect(),
        title: rule.title,
    }
}

fn input_names<'a>(policy: &'a Policy, is: &[InputId]) -> Vec<&'a str> {
    is.iter().map(|&i| policy.inputs[i].name.as_str()).collect()
}

fn rule_refs<'a>(policy: &'a Policy, rs: &[RuleId]) -> Vec<&'a str> {
    rs.iter().map(|&r| policy.rules[r].name.as_str()).collect()
}

/// The parts of a [`DecisionJson`] that depend only on the decision, serialized once:
/// the incidents of a batch reach few leaves, and those that reach one differ only in
/// the facts that mattered and their line.
#[derive(Debug)]
pub struct LeafJson {
    decision: Box<RawValue>,
    overridden: Box<RawValue>,
    rules: Box<RawValue>,
    undecided: Box<RawValue>,
    precedence: Option<Box<RawValue>>,
}

/// A [`DecisionJson`] whose leaf parts are a [`LeafJson`]'s.
pub type CachedJson<'a> =
    DecisionJson<'a, &'a RawValue, &'a RawValue, &'a RawValue, &'a RawValue, &'a RawValue>;

impl LeafJson {
    pub fn new(j: &DecisionJson<'_>) -> Result<LeafJson, serde_json::Error> {
        Ok(LeafJson {
            decision: serde_json::value::to_raw_value(&j.decision)?,
            overridden: serde_json::value::to_raw_value(&j.overridden)?,
            rules: serde_json::value::to_raw_value(&j.rules)?,
            undecided: serde_json::value::to_raw_value(&j.undecided)?,
            precedence: j
                .precedence
                .as_ref()
                .map(serde_json::value::to_raw_value)
                .transpose()?,
        })
    }

    /// The answer of an incident at this leaf: `d` is the leaf's decision with the
    /// incident's own `facts_used`.
    pub fn answer<'a>(
        &'a self,
        policy: &'a Policy,
        d: &Decision,
        facts_used: &[InputId],
        line: Option<usize>,
    ) -> CachedJson<'a> {
        DecisionJson {
            check_errors: None,
            decision: &self.decision,
            facts_used: input_names(policy, facts_used),
            judgements: judgements(policy, &d.missing),
            index: None,
            line,
            missing: input_names(policy, &d.missing),
            overridden: &self.overridden,
            policy: &policy.name,
            rules: &self.rules,
            status: d.status,
            undecided: &self.undecided,
            precedence: self.precedence.as_deref(),
        }
    }
}

/// The answer to facts that cannot be decided: every error, in the machine form of
/// `policyc check --format json`.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorJson {
    /// As in [`DecisionJson`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_errors: Option<usize>,
    pub errors: Vec<Value>,
    /// As in [`DecisionJson`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// The line of the incident, in a batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Always `error`.
    pub status: &'static str,
}

impl ErrorJson {
    pub fn new(sources: &Sources, line: Option<usize>, diags: &[Diagnostic]) -> ErrorJson {
        ErrorJson {
            check_errors: None,
            errors: diags.iter().map(|d| render::to_json(sources, d)).collect(),
            index: None,
            line,
            status: "error",
        }
    }
}

/// Any answer of `decide --format json`: a decision (made for the incident, or shared
/// by its leaf), or the errors of facts that cannot be decided.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum AnswerJson<'a> {
    Decided(DecisionJson<'a>),
    AtLeaf(CachedJson<'a>),
    Error(ErrorJson),
}

impl AnswerJson<'_> {
    /// The answer saying how many errors `policyc check` finds in its policy (`None`:
    /// it passes).
    pub fn with_check_errors(mut self, n: Option<usize>) -> Self {
        *self.fields().0 = n;
        self
    }

    /// The answer carrying the incident's place in a batch.
    pub fn with_index(mut self, index: usize) -> Self {
        *self.fields().1 = Some(index);
        self
    }

    /// Its `check_errors` and `index`, whichever kind of answer it is.
    fn fields(&mut self) -> (&mut Option<usize>, &mut Option<usize>) {
        match self {
            AnswerJson::Decided(j) => (&mut j.check_errors, &mut j.index),
            AnswerJson::AtLeaf(j) => (&mut j.check_errors, &mut j.index),
            AnswerJson::Error(j) => (&mut j.check_errors, &mut j.index),
        }
    }
}
