//! `policyc ask`: an interview that asks one question at a time until the policy decides
//! (docs/ask.md).
//!
//! A state machine over plain data: the facts known so far, the steps taken (an answer
//! or "don't know") and, per step, the decision `decide` gives for the facts so far. The
//! next question is the first input, in the decision graph's order, that `decide` still
//! lists as missing and that was not answered "don't know", judgement inputs last (a
//! judgement is asked only when no fact still matters). Without "don't know" and without
//! a judgement still open, that is always an input on the graph's path for the answers
//! (the simplified diagram `still_matter` reads never tests an input off that path), so
//! an interview of a policy without judgements asks at most as many questions as the
//! path is long, plus the facts an `accept gap` reads that the path did not settle; a
//! judgement put off may cost questions the graph's order would have spared. Past the
//! graph's limit the rules decide, and they need every input they read: those are asked
//! in declaration order, as `decide` lists them, judgements last.
//!
//! `question.rs` states a question (choices, a typed integer) and reads a reply to it;
//! `text.rs` puts the interview into words. The command line only reads lines and
//! prints.

pub mod question;
pub mod text;

pub use question::{parse_reply, Choice, Question, QuestionKind, Reply};

use crate::check::ir::{IdxVec, InputId, Policy, Value};
use std::path::Path;

use crate::diagnostics::{Code, Diagnostic};

use super::{Answer, DecideStatus, Decider, Decision, Facts};

/// One question answered: the input and its value, or `None` for "don't know".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub input: InputId,
    pub value: Option<Value>,
}

/// What a face does after a line typed at a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Turn {
    /// Print this, and ask the same question again (help, a mistake, a refused answer).
    Stay(String),
    /// Print this, and ask the next question, if any.
    Moved(String),
    /// Save the facts so far ([`Interview::facts_json`]) to this file.
    Save(String),
    Quit,
}

/// The facts known before the first question: none, or those of a facts file (a JSON
/// object keyed by input name, as `decide --facts` reads).
pub fn start_facts(policy: &Policy, file: Option<&Path>) -> Result<Facts, Vec<Diagnostic>> {
    let Some(path) = file else {
        return Ok(Facts {
            values: IdxVec::filled(None, policy.inputs.len()),
        });
    };
    let json = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))
        .and_then(|t| {
            serde_json::from_str(&t).map_err(|e| {
                format!(
                    "`{}` is not JSON: {}",
                    path.display(),
                    super::batch::json_error_words(&e)
                )
            })
        })
        .map_err(|m| vec![Diagnostic::error(Code::E0001, m)])?;
    super::parse_facts(policy, &json)
}

/// An interview on one policy.
pub struct Interview<'a> {
    policy: &'a Policy,
    decider: &'a Decider<'a>,
    /// The facts given before the first question (`--facts`): restarting keeps them.
    start: Facts,
    steps: Vec<Step>,
    /// The facts known now: `start` and every step's answer.
    facts: Facts,
    /// The decision for `start`.
    first: Decision,
    /// The decision after each step.
    decisions: Vec<Decision>,
}

impl<'a> Interview<'a> {
    /// Starts an interview from the facts already known (none, or a facts file's). Facts
    /// that break an assumption are refused, as `decide` refuses them.
    pub fn new(
        policy: &'a Policy,
        decider: &'a Decider<'a>,
        start: Facts,
    ) -> Result<Interview<'a>, Box<Diagnostic>> {
        let first = decide_so_far(policy, decider, &start)?;
        Ok(Interview {
            policy,
            decider,
            facts: start.clone(),
            start,
            steps: Vec::new(),
            first,
            decisions: Vec::new(),
        })
    }

    pub fn policy(&self) -> &'a Policy {
        self.policy
    }

    /// The facts known now (a "don't know" leaves its input unknown).
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// The steps taken, in order (the facts file's facts are not steps).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// What `decide` says for the facts known now.
    pub fn decision(&self) -> &Decision {
        self.decisions.last().unwrap_or(&self.first)
    }

    /// The decision before the last step (the current one when there is none).
    pub fn previous_decision(&self) -> &Decision {
        match self.decisions.len() {
            0 | 1 => &self.first,
            n => self.decisions.get(n - 2).unwrap_or(&self.first),
        }
    }

    /// Inputs answered "don't know", in the order they were asked.
    pub fn unknown(&self) -> Vec<InputId> {
        self.steps
            .iter()
            .filter(|s| s.value.is_none())
            .map(|s| s.input)
            .collect()
    }

    fn is_unknown(&self, input: InputId) -> bool {
        self.steps
            .iter()
            .any(|s| s.input == input && s.value.is_none())
    }

    /// The input to ask next; `None` when no answer could change the decision (every
    /// output decided, out of scope, a gap or a conflict, or what is left was answered
    /// "don't know"). Judgement inputs come last: a person is not asked to commit to a
    /// judgement (is the DSL confident?) before the facts that may make it irrelevant,
    /// and is never asked it when they do.
    fn next_input(&self) -> Option<InputId> {
        let open: Vec<InputId> = match self.decider {
            // `missing` is what still matters, in the graph's order, then the facts an
            // open acceptance reads.
            Decider::Graph(_) => self
                .decision()
                .missing
                .iter()
                .copied()
                .filter(|&i| !self.is_unknown(i))
                .collect(),
            Decider::Rules(r) => r
                .missing(|i| self.facts.get(i).is_some())
                .into_iter()
                .filter(|&i| !self.is_unknown(i))
                .collect(),
        };
        let judged = |i: InputId| {
            self.policy
                .inputs
                .lookup(i)
                .is_some_and(|d| d.judgement.is_some())
        };
        open.iter()
            .copied()
            .find(|&i| !judged(i))
            .or_else(|| open.first().copied())
    }

    /// The next question, or `None` when the interview is over.
    pub fn next_question(&self) -> Option<Question> {
        let input = self.next_input()?;
        Question::new(self.policy, input, self.steps.len() + 1)
    }

    /// Whether nothing is left to ask.
    pub fn is_over(&self) -> bool {
        self.next_input().is_none()
    }

    /// Answers the current question with `value`. An answer that leaves no possible
    /// incident (it breaks an assumption with the answers so far) is refused, with the
    /// words to say why, and the question stays.
    pub fn answer(&mut self, value: Value) -> Result<(), String> {
        let Some(input) = self.next_input() else {
            return Err("there is no question to answer".into());
        };
        let fits = self
            .policy
            .inputs
            .lookup(input)
            .is_some_and(|i| crate::compile::value_index(i.ty, &value).is_some());
        if !fits {
            return Err(format!(
                "{} is not an answer to this question",
                self.policy.show_value(&value)
            ));
        }
        let mut facts = self.facts.clone();
        if let Some(slot) = facts.values.get_mut(input) {
            *slot = Some(value.clone());
        }
        let decision = decide_so_far(self.policy, self.decider, &facts)
            .map_err(|d| text::refusal(self.policy, &facts, &d))?;
        self.facts = facts;
        self.steps.push(Step {
            input,
            value: Some(value),
        });
        self.decisions.push(decision);
        Ok(())
    }

    /// Answers the current question "don't know": its input stays unknown and the
    /// interview moves on to the next question that can still settle something. Returns
    /// whether there was a question.
    pub fn dont_know(&mut self) -> bool {
        let Some(input) = self.next_input() else {
            return false;
        };
        let decision = self.decision().clone();
        self.steps.push(Step { input, value: None });
        self.decisions.push(decision);
        true
    }

    /// Takes back the last step; returns it, or `None` at the start.
    pub fn back(&mut self) -> Option<Step> {
        let step = self.steps.pop()?;
        self.decisions.pop();
        if let Some(slot) = self.facts.values.get_mut(step.input) {
            *slot = self.start.values.get(step.input).cloned().flatten();
        }
        Some(step)
    }

    /// Takes back every step: the facts are the facts file's again.
    pub fn restart(&mut self) {
        self.steps.clear();
        self.decisions.clear();
        self.facts = self.start.clone();
    }

    /// Whether the policy decided every output (the exit code's "decided").
    pub fn is_decided(&self) -> bool {
        self.decision().status == DecideStatus::Decided
    }

    /// The facts as a facts file for `decide --facts`: a JSON object keyed by input name
    /// in declaration order, a "don't know" as `null` (which `decide` reads as not
    /// known).
    pub fn facts_json(&self) -> String {
        let entries: Vec<(&str, serde_json::Value)> = self
            .policy
            .inputs
            .entries()
            .filter_map(|(i, def)| match self.facts.get(i) {
                Some(v) => Some((def.name.as_str(), self.policy.value_json(v))),
                None if self.is_unknown(i) => Some((def.name.as_str(), serde_json::Value::Null)),
                None => None,
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&Ordered(entries)).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Acts on a line typed in answer to `q` (the current question) and says what to do
    /// next: the words to print, and whether the interview moved on.
    pub fn reply(&mut self, q: &Question, line: &str) -> Turn {
        match parse_reply(q, line) {
            Err(e) => Turn::Stay(text::note(&e)),
            Ok(Reply::Help) => Turn::Stay(text::help()),
            Ok(Reply::Save(file)) => Turn::Save(file),
            Ok(Reply::Quit) => Turn::Quit,
            Ok(Reply::Answer(v)) => match self.answer(v) {
                Ok(()) => Turn::Moved(text::progress(self)),
                Err(e) => Turn::Stay(text::note(&e)),
            },
            Ok(Reply::DontKnow) => {
                self.dont_know();
                Turn::Moved(String::new())
            }
            Ok(Reply::Back) => match self.back() {
                Some(_) => Turn::Moved(String::new()),
                None => Turn::Stay(text::note("there is no answer to go back to")),
            },
            Ok(Reply::Restart) => {
                self.restart();
                Turn::Moved(text::note("starting again"))
            }
        }
    }

    /// The incident record in Markdown (`decide --format markdown`) for the facts now.
    pub fn record(&self) -> String {
        super::decision_markdown(self.policy, &self.facts, self.decision())
    }
}

/// The decision `decide` gives for `facts`. By the rules, facts that leave out an input
/// the rules read cannot be decided yet: every output is still to find out.
fn decide_so_far(
    policy: &Policy,
    decider: &Decider<'_>,
    facts: &Facts,
) -> Result<Decision, Box<Diagnostic>> {
    if let Decider::Rules(r) = decider {
        let missing = r.missing(|i| facts.get(i).is_some());
        if !missing.is_empty() {
            return Ok(Decision {
                status: DecideStatus::Undecided,
                answers: IdxVec::filled(
                    Answer::Missing { if_in_scope: None },
                    policy.outputs.len(),
                ),
                fired: Vec::new(),
                overridden: Vec::new(),
                facts_used: Vec::new(),
                missing,
                accepted_gaps: Vec::new(),
                open_acceptances: Vec::new(),
                may_outrank: Vec::new(),
            });
        }
    }
    decider.decide(policy, facts)
}

/// Key-value pairs serialised as a JSON object in their order.
struct Ordered<'a>(Vec<(&'a str, serde_json::Value)>);

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests;
