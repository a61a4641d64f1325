//! A question of the interview (an input put in words, with the answers it takes) and
//! the reading of a reply to it.

use crate::check::ir::{one_line, InputId, Policy, Ty, Value};

/// A question about one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub input: InputId,
    /// Its place in the interview, from 1.
    pub number: usize,
    /// The input's name.
    pub name: String,
    /// The question in words: the input's doc comment up to its first `?`, or, without a
    /// doc comment, a question made from the name.
    pub text: String,
    /// The rest of the doc comment, on one line.
    pub detail: Option<String>,
    /// For a judgement input (a fact the document leaves to a person), the citation of
    /// the paragraph that leaves it to them: the question is asked as a judgement.
    pub judgement: Option<String>,
    pub kind: QuestionKind,
}

/// The answers a question takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    /// Numbered choices: yes and no, or an enum's variants in declaration order.
    Choices(Vec<Choice>),
    /// A whole number in an inclusive range, typed.
    Number { lo: i64, hi: i64 },
}

/// One numbered choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: Value,
    /// What it is called: `yes`, `no`, or the variant's name.
    pub name: String,
    /// The variant's doc comment, on one line.
    pub label: Option<String>,
}

/// What a line typed at the prompt asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Answer(Value),
    DontKnow,
    Back,
    Restart,
    Quit,
    Help,
    /// Save the facts so far as a facts file (`s FILE`).
    Save(String),
}

impl Question {
    /// The question about `input`, the `number`th of the interview.
    pub fn new(policy: &Policy, input: InputId, number: usize) -> Option<Question> {
        let def = policy.inputs.lookup(input)?;
        let text = def
            .question()
            .map(|q| unquoted(&q))
            .unwrap_or_else(|| match def.ty {
                Ty::Bool => format!("`{}`: yes or no?", def.name),
                _ => format!("What is `{}`?", def.name),
            });
        // What the doc says after the question: its explanation.
        let detail = def
            .doc
            .as_deref()
            .and_then(|d| d.find('?').and_then(|i| d.get(i + 1..)))
            .map(|d| unquoted(&one_line(d)))
            .filter(|d| !d.is_empty());
        let kind = match def.ty {
            Ty::Bool => QuestionKind::Choices(vec![
                Choice {
                    value: Value::Bool(true),
                    name: "yes".into(),
                    label: None,
                },
                Choice {
                    value: Value::Bool(false),
                    name: "no".into(),
                    label: None,
                },
            ]),
            Ty::Enum(e) => QuestionKind::Choices(
                policy
                    .enums
                    .lookup(e)?
                    .variants
                    .entries()
                    .map(|(v, var)| Choice {
                        value: Value::Enum(e, v),
                        name: var.name.clone(),
                        label: var
                            .doc
                            .as_deref()
                            .map(|d| unquoted(&one_line(d)))
                            .filter(|d| !d.is_empty()),
                    })
                    .collect(),
            ),
            Ty::Int { lo, hi } => QuestionKind::Number { lo, hi },
        };
        Some(Question {
            input,
            number,
            name: def.name.clone(),
            text,
            detail,
            judgement: judgement(policy, input),
            kind,
        })
    }
}

/// A doc comment's words without the backticks a writer puts around names
/// (`` `extreme` ``): a question is read by a person, not a programmer. An unpaired
/// backtick stays.
pub(super) fn unquoted(text: &str) -> String {
    crate::words::unquoted(text)
}

/// The citation of a judgement input (`judgement "CITATION"`): the question is then put
/// as a judgement (`text::question`).
fn judgement(policy: &Policy, input: InputId) -> Option<String> {
    Some(
        policy
            .inputs
            .lookup(input)?
            .judgement
            .as_ref()?
            .citation
            .clone(),
    )
}

/// Reads a line typed in answer to `q`: a command, a choice (its number or its name), or
/// a whole number in range. `Err` holds the words that say what to type instead.
pub fn parse_reply(q: &Question, line: &str) -> Result<Reply, String> {
    let typed = line.trim();
    let lower = typed.to_lowercase();
    let command = match lower.as_str() {
        "" => return Err(format!("type an answer, or h for help ({})", q.hint())),
        "?" | "d" | "dk" | "don't know" | "dont know" | "do not know" | "not known" | "unknown" => {
            Some(Reply::DontKnow)
        }
        "b" | "back" => Some(Reply::Back),
        "r" | "restart" => Some(Reply::Restart),
        "q" | "quit" | "exit" => Some(Reply::Quit),
        "h" | "help" => Some(Reply::Help),
        "s" | "save" => return Err("say where to save the facts: s FILE".into()),
        _ => None,
    };
    if let Some(c) = command {
        return Ok(c);
    }
    if let Some(file) = lower
        .strip_prefix("s ")
        .or_else(|| lower.strip_prefix("save "))
        .and_then(|_| typed.split_once(char::is_whitespace).map(|x| x.1.trim()))
    {
        return Ok(Reply::Save(file.to_string()));
    }
    match &q.kind {
        QuestionKind::Choices(choices) => {
            if let Ok(n) = typed.parse::<usize>() {
                return match n.checked_sub(1).and_then(|k| choices.get(k)) {
                    Some(c) => Ok(Reply::Answer(c.value.clone())),
                    None => Err(format!("{n} is not one of the choices ({})", q.hint())),
                };
            }
            let named = |c: &&Choice| {
                c.name.eq_ignore_ascii_case(typed)
                    || (c.value == Value::Bool(true) && matches!(lower.as_str(), "y" | "true"))
                    || (c.value == Value::Bool(false) && matches!(lower.as_str(), "n" | "false"))
            };
            match choices.iter().find(named) {
                Some(c) => Ok(Reply::Answer(c.value.clone())),
                None => Err(format!(
                    "`{typed}` is not one of the choices ({})",
                    q.hint()
                )),
            }
        }
        QuestionKind::Number { lo, hi } => match typed.parse::<i64>() {
            Ok(n) if (*lo..=*hi).contains(&n) => Ok(Reply::Answer(Value::Int(n))),
            Ok(n) => Err(format!(
                "{n} is outside the range the policy allows for `{}` ({})",
                q.name,
                q.hint()
            )),
            Err(_) => Err(format!("`{typed}` is not a whole number ({})", q.hint())),
        },
    }
}

impl Question {
    /// What to type, in a few words.
    pub fn hint(&self) -> String {
        match &self.kind {
            QuestionKind::Choices(cs) => format!(
                "type a number from 1 to {}, or ? if you don't know",
                cs.len()
            ),
            QuestionKind::Number { lo, hi } => {
                format!("type a whole number from {lo} to {hi}, or ? if you don't know")
            }
        }
    }
}
