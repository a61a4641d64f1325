//! Many incidents at once, as `policyc decide` takes them: JSON Lines (one object a
//! line) or a JSON array, each incident answered on its own, in order, with the line it
//! starts on; a bad line is answered with its errors and does not stop the others. One
//! object alone (perhaps pretty-printed) is one incident.
//!
//! [`from_text`] and [`from_reader`] tell the layout and give the [`Incidents`];
//! [`Batch`] answers them. Incidents with complete facts that reach one leaf of the
//! decision graph share its decision, made and serialized once: a batch of many
//! incidents reaches few leaves.

mod layout;
mod stream;

use crate::collections::HashMap;
use std::rc::Rc;

pub use layout::{layout, FactsLayout};
pub use stream::{from_reader, MAX_FACTS_BYTES, MAX_LINE_BYTES};

use super::facts::{parse_facts_json, FactsJson, InputIndex};
use super::render::json::{decision_json, AnswerJson, DecisionJson, ErrorJson, LeafJson};
use super::{decide, DecideStatus, Decider, Decision, Facts};
use crate::check::ir::{InputId, Policy};
use crate::compile::graph::Outcome;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Sources;

/// The incidents in some facts.
pub enum Incidents<'a> {
    /// One incident (or the error that the text is not JSON): answered in any format.
    One(Result<FactsJson, Vec<Diagnostic>>),
    /// A batch, answered as JSON Lines; `Err` when a JSON array is not JSON as a whole
    /// (its syntax error, once, with its position).
    Many(Result<Items<'a>, Vec<Diagnostic>>),
}

/// The incidents of a batch, in order: read as they are asked for.
pub type Items<'a> = Box<dyn Iterator<Item = Item> + 'a>;

/// One incident of a batch as read.
#[derive(Debug)]
pub struct Item {
    /// The line it starts on (from 1).
    pub line: usize,
    /// Its facts, or why its line cannot be read.
    pub facts: Result<FactsJson, Vec<Diagnostic>>,
}

/// The incidents of a facts text held whole (see [`layout`]).
pub fn from_text(text: &str) -> Incidents<'_> {
    layout::incidents_of(text)
}

/// Facts that are not JSON.
fn bad_json(e: &serde_json::Error) -> Diagnostic {
    bad_json_saying(json_error_words(e))
}

/// A line of JSON Lines that is not JSON: where in the line only. serde reads the line
/// on its own, so its "line 1" is not the line of the file, which the incident's heading
/// names ("incident 3, on line 3 of the facts").
fn bad_json_line(e: &serde_json::Error) -> Diagnostic {
    let words = json_error_what(e);
    bad_json_saying(if e.line() == 0 {
        words.to_string()
    } else {
        format!("{words}, at column {}", e.column())
    })
}

fn bad_json_saying(words: String) -> Diagnostic {
    Diagnostic::error(
        Code::E0510,
        format!("the facts are not valid JSON: {words}"),
    )
    .help("write the facts as {\"input_name\": value, ...}")
}

/// A JSON syntax error in words, with where it is: serde's wording ("expected ident")
/// names its parser's tokens, not what a person wrote wrong.
pub fn json_error_words(e: &serde_json::Error) -> String {
    let words = json_error_what(e);
    if e.line() == 0 {
        words.to_string()
    } else {
        format!("{words}, at line {} column {}", e.line(), e.column())
    }
}

/// What is wrong, in words, without where.
fn json_error_what(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let what = text.split(" at line ").next().unwrap_or(&text);
    let words = match what {
        "expected ident" => {
            "a word that is not true, false or null (text is written in double quotes: \"sexual_act\")"
        }
        "key must be a string" => {
            "an input name without double quotes (write \"youngest_age\": 15)"
        }
        "expected value" => {
            "no value where one should be, or a word not in double quotes (a value is a number, true, false, null or text in double quotes: \"sexual_act\")"
        }
        "expected `:`" => "a `:` missing between an input name and its value",
        "expected `,` or `}`" => "a comma missing between two facts, or the closing `}`",
        "expected `,` or `]`" => "a comma missing between two items, or the closing `]`",
        "trailing comma" => "a comma after the last item",
        "trailing characters" => "more text after the end of the facts",
        "invalid number" => "a number that is not a number",
        "control character (\\u0000-\\u001F) found while parsing a string" => {
            "a line break or control character inside text in double quotes"
        }
        w if w.starts_with("EOF while parsing") => {
            "the facts end early (a closing `}`, `]` or `\"` is missing)"
        }
        w => w,
    };
    words.to_string()
}

/// One incident on its own: its facts (checked against the policy's inputs) and its
/// decision.
pub fn decide_one(
    policy: &Policy,
    decider: &Decider<'_>,
    doc: &FactsJson,
) -> Result<(Facts, Decision), Vec<Diagnostic>> {
    let facts = parse_facts_json(policy, &InputIndex::new(policy), doc)?;
    let d = decider.decide(policy, &facts).map_err(|e| vec![*e])?;
    Ok((facts, d))
}

/// Answers the incidents of a batch, one at a time.
pub struct Batch<'p> {
    policy: &'p Policy,
    decider: &'p Decider<'p>,
    index: InputIndex<'p>,
    /// Per leaf of the decision graph reached with complete facts, its answer; `None`
    /// for a leaf whose incidents take the full path.
    leaves: HashMap<usize, Option<Rc<LeafAnswer>>>,
    /// How many incidents it has answered.
    answered: usize,
}

/// One incident of a batch, answered.
#[derive(Debug)]
pub struct Answer {
    /// The line the incident starts on.
    pub line: usize,
    /// Its place in the batch, from 0: a JSON array's element, or the JSON Lines line
    /// among the lines that are not blank.
    pub index: usize,
    /// Its decision, or every error of its line.
    pub result: Result<Decided, Vec<Diagnostic>>,
}

/// The decision of one incident of a batch.
#[derive(Clone, Debug)]
pub struct Decided(Made);

#[derive(Clone, Debug)]
enum Made {
    /// Decided on its own.
    Alone(Decision),
    /// At a leaf whose answer is shared: only the facts that mattered are its own.
    AtLeaf {
        leaf: Rc<LeafAnswer>,
        facts_used: Vec<InputId>,
    },
}

/// The answer of every incident with complete facts at one leaf: its decision (with
/// the facts that mattered to the first), and its JSON made once.
#[derive(Debug)]
struct LeafAnswer {
    decision: Decision,
    json: LeafJson,
}

impl<'p> Batch<'p> {
    pub fn new(policy: &'p Policy, decider: &'p Decider<'p>) -> Batch<'p> {
        Batch {
            policy,
            decider,
            index: InputIndex::new(policy),
            leaves: HashMap::default(),
            answered: 0,
        }
    }

    /// Answers one incident: its facts checked, then decided.
    pub fn answer(&mut self, item: Item) -> Answer {
        let facts = item
            .facts
            .and_then(|doc| parse_facts_json(self.policy, &self.index, &doc));
        let result = facts.and_then(|facts| match self.at_leaf(&facts) {
            Some(d) => Ok(d),
            None => self
                .decider
                .decide(self.policy, &facts)
                .map(|d| Decided(Made::Alone(d)))
                .map_err(|e| vec![*e]),
        });
        self.answered += 1;
        Answer {
            line: item.line,
            index: self.answered - 1,
            result,
        }
    }

    /// The shared answer of complete facts that reach an in-scope or out-of-scope leaf
    /// of the graph; `None` when they take the full path.
    fn at_leaf(&mut self, facts: &Facts) -> Option<Decided> {
        let policy = self.policy;
        let graph = self.decider.graph()?;
        let values: Vec<u32> = facts.indices(policy).into_iter().collect::<Option<_>>()?;
        let leaf = graph.evaluate(&values);
        // Two incidents at one gap leaf may differ in whether an `accept gap` covers
        // them (acceptances are not part of the graph): those take the full path.
        let has_gap = graph
            .leaves
            .get(leaf)
            .is_some_and(|l| l.outcomes.iter().any(|o| matches!(o, Outcome::Gap)));
        if has_gap && !policy.accepted_gaps.is_empty() {
            return None;
        }
        let shared = self.leaves.entry(leaf).or_insert_with(|| {
            // Broken assumptions take the full path (their error names the facts).
            let decision = decide(policy, graph, facts).ok()?;
            let json = LeafJson::new(&decision_json(policy, &decision)).ok()?;
            Some(Rc::new(LeafAnswer { decision, json }))
        });
        let leaf = shared.clone()?;
        Some(Decided(Made::AtLeaf {
            leaf,
            facts_used: graph.facts_that_mattered(&values),
        }))
    }
}

impl Decided {
    pub fn status(&self) -> DecideStatus {
        match &self.0 {
            Made::Alone(d) => d.status,
            Made::AtLeaf { leaf, .. } => leaf.decision.status,
        }
    }

    /// The decision, as [`Decider::decide`] makes it.
    pub fn decision(&self) -> Decision {
        match &self.0 {
            Made::Alone(d) => d.clone(),
            Made::AtLeaf { leaf, facts_used } => Decision {
                facts_used: facts_used.clone(),
                ..leaf.decision.clone()
            },
        }
    }

    /// The JSON answer (`line`: the incident's, in a batch).
    pub fn json<'a>(&'a self, policy: &'a Policy, line: Option<usize>) -> AnswerJson<'a> {
        match &self.0 {
            Made::Alone(d) => AnswerJson::Decided(DecisionJson {
                line,
                ..decision_json(policy, d)
            }),
            Made::AtLeaf { leaf, facts_used } => {
                AnswerJson::AtLeaf(leaf.json.answer(policy, &leaf.decision, facts_used, line))
            }
        }
    }
}

impl Answer {
    /// The answer as a line of the batch's JSON Lines: the decision, or the errors.
    pub fn json<'a>(&'a self, policy: &'a Policy, sources: &Sources) -> AnswerJson<'a> {
        let j = match &self.result {
            Ok(d) => d.json(policy, Some(self.line)),
            Err(es) => AnswerJson::Error(ErrorJson::new(sources, Some(self.line), es)),
        };
        j.with_index(self.index)
    }
}

#[cfg(test)]
mod tests;
