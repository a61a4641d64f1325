//! The interview in words: the opening lines, each question with its choices, what an
//! answer settled, the help, and the ending (the decision as `decide` prints it, and the
//! answers). Plain text without colour or cursor movement: the same words go to a
//! terminal and to a pipe.

use super::question::{Question, QuestionKind};
use super::Interview;
use crate::check::ir::{InputId, OutputId, Policy, Value};
use crate::diagnostics::Diagnostic;
use crate::evaluate::render::human::answer_line;
use crate::evaluate::{accept, decision_human, Answer, DecideStatus, Decision, Facts};

/// Lines are wrapped to this many characters.
const WIDTH: usize = 88;

/// What every prompt accepts, in one line.
const COMMANDS: &str =
    "? if you don't know, b to go back, r to start again, q to quit, h for help.";

/// The offer to save the facts at the end of an interview in a terminal.
pub const SAVE_OFFER: &str =
    "\nSave the facts for `policyc decide`? Type a file name, or press Enter to skip.\n";

/// The lines before the first question.
pub fn intro(interview: &Interview<'_>) -> String {
    let policy = interview.policy();
    let title = policy.header.as_ref().and_then(|h| h.title.as_deref());
    let mut s = match title {
        Some(t) => format!("policy {}: {t}\n", policy.name),
        None => format!("policy {}\n", policy.name),
    };
    let given = interview.facts().values.iter().flatten().count();
    if given > 0 {
        s.push_str(&format!(
            "{given} fact{} given in the facts file.\n",
            if given == 1 { "" } else { "s" }
        ));
    }
    s.push_str(&wrap(
        &format!("Answer each question with the number of a choice or a whole number; {COMMANDS}"),
        "",
        "",
    ));
    s
}

/// A question, its explanation and its choices.
pub fn question(q: &Question) -> String {
    let head = match &q.judgement {
        Some(_) => format!(
            "Question {} (a judgement for you to make): {}",
            q.number, q.text
        ),
        None => format!("Question {}: {}", q.number, q.text),
    };
    let mut s = format!("\n{}", wrap(&head, "", "   "));
    if let Some(cites) = &q.judgement {
        s.push_str(&wrap(
            &format!("The policy leaves this to the judgement of the person handling the incident: {cites}"),
            "   ",
            "   ",
        ));
    }
    if let Some(d) = &q.detail {
        s.push_str(&wrap(d, "   ", "   "));
    }
    match &q.kind {
        QuestionKind::Choices(cs) => {
            for (k, c) in cs.iter().enumerate() {
                let line = match &c.label {
                    Some(l) => format!("{}) {} — {l}", k + 1, c.name),
                    None => format!("{}) {}", k + 1, c.name),
                };
                s.push_str(&wrap(&line, "   ", "      "));
            }
        }
        QuestionKind::Number { lo, hi } => {
            s.push_str(&format!("   (a whole number from {lo} to {hi})\n"));
        }
    }
    s
}

/// A remark in the interview, indented under its question.
pub fn note(text: &str) -> String {
    wrap(text, "   ", "   ")
}

pub fn help() -> String {
    [
        "At a question, type:",
        "  a number     the numbered choice, or the whole number asked for",
        "  a name       a choice by its name (yes, no, or a value's name)",
        "  ? or d       don't know: the fact stays unknown and the interview moves on",
        "  b            go back one answer",
        "  r            start again (the facts file's facts stay)",
        "  s FILE       save the facts so far as a facts file for `policyc decide`",
        "  q            quit, showing what is decided so far",
        "  h            this help",
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect()
}

/// What the last step settled: each output now decided (or now known to be a gap or a
/// conflict), or that the incident is out of scope.
pub fn progress(interview: &Interview<'_>) -> String {
    let (policy, before, after) = (
        interview.policy(),
        interview.previous_decision(),
        interview.decision(),
    );
    if after.status == DecideStatus::OutOfScope {
        return if before.status == DecideStatus::OutOfScope {
            String::new()
        } else {
            "   out of scope: this policy decides nothing for this incident\n".into()
        };
    }
    let mut s = String::new();
    for (o, a) in after.answers.entries() {
        let was = before.answers.get(o).is_some_and(|b| settled(before, o, b));
        if !was && settled(after, o, a) {
            let verb = if matches!(a, Answer::Value { .. }) {
                "decided: "
            } else {
                ""
            };
            let mut line = format!("{verb}{}", answer_line(policy, after, o, a));
            line.push_str(&may_outrank(policy, after, o));
            s.push_str(&wrap(&line, "   ", "     "));
        }
    }
    s
}

/// A value decided early that wins by precedence where another rule turns out to apply:
/// "; it wins by precedence over refer_immediately wherever refer applies", as the final
/// summary will say it won.
fn may_outrank(policy: &Policy, d: &Decision, o: OutputId) -> String {
    let Some((_, values)) = d.may_outrank.iter().find(|(x, _)| *x == o) else {
        return String::new();
    };
    let parts: Vec<String> = values
        .iter()
        .map(|(v, rules)| {
            let names: Vec<&str> = rules
                .iter()
                .map(|&r| policy.rules[r].name.as_str())
                .collect();
            match names.as_slice() {
                [] => format!("{} wherever a rule giving it applies", policy.show_value(v)),
                [one] => format!("{} wherever {one} applies", policy.show_value(v)),
                _ => format!(
                    "{} wherever {} applies",
                    policy.show_value(v),
                    names.join(" or ")
                ),
            }
        })
        .collect();
    format!("; it wins by precedence over {}", parts.join(", "))
}

/// A condition as the policy writes it, read aloud: names as words, comparisons as
/// signs (`youngest_age <= oldest_age` is "youngest age ≤ oldest age").
fn in_words(code: &str) -> String {
    let code = code
        .replace("<=", "≤")
        .replace(">=", "≥")
        .replace("!=", "is not")
        .replace("==", "is");
    let mut out = String::new();
    let mut word = String::new();
    for ch in code.chars().chain(std::iter::once(' ')) {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            if !word.is_empty() {
                out.push_str(&crate::words::humanise(&word));
                word.clear();
            }
            out.push(ch);
        }
    }
    out.trim_end().to_string()
}

/// Whether output `o` is settled: decided, a conflict, or a gap the facts settle as
/// accepted or not.
fn settled(d: &Decision, o: OutputId, a: &Answer) -> bool {
    match a {
        Answer::Value { .. } | Answer::Conflict(_) | Answer::Overlap(_) => true,
        Answer::Gap => d.open_acceptance(o).is_none(),
        Answer::Missing { .. } | Answer::None => false,
    }
}

/// The answer refused, in words: the assumptions it breaks with the facts so far.
pub fn refusal(policy: &Policy, facts: &Facts, d: &Diagnostic) -> String {
    let broken: Vec<String> = policy
        .assumes
        .iter()
        .filter(|a| accept::settle(policy, &a.expr, facts) == Some(false))
        // In words: "youngest age ≤ oldest age", not the policy's
        // `youngest_age <= oldest_age` (evaluate may not use export's plain language).
        .map(|a| in_words(&policy.pretty_expr(&a.expr)))
        .collect();
    let why = if broken.is_empty() {
        d.message.clone()
    } else {
        format!(
            "that answer is impossible with the answers so far: the policy assumes {} of every incident",
            broken.join(" and ")
        )
    };
    format!("{why}; answer again, or b to change an earlier answer")
}

/// The end of the interview: why it ended, the decision as `decide` prints it, and the
/// answers given.
pub fn ending(interview: &Interview<'_>) -> String {
    let (policy, d) = (interview.policy(), interview.decision());
    let why = if !interview.is_over() {
        "Stopped before the policy decided. What the answers so far decide:".to_string()
    } else {
        match d.status {
            DecideStatus::Decided => "The policy has decided.".into(),
            DecideStatus::OutOfScope => "The incident is outside the policy's scope.".into(),
            DecideStatus::Undecided => undecided(policy, d, &interview.unknown()),
        }
    };
    let mut s = format!("\n{why}\n\n{}", decision_human(policy, d));
    if !interview.steps().is_empty() {
        s.push_str("\nanswers:\n");
        for step in interview.steps() {
            let name = policy.inputs[step.input].name.as_str();
            let shown = match &step.value {
                Some(v) => shown_value(policy, v),
                None => "not known".into(),
            };
            s.push_str(&format!("  {name} = {shown}\n"));
        }
    }
    s
}

/// Why the policy leaves an incident undecided at the end, a sentence per reason: facts
/// not known, a conflict, a gap, a gap the policy accepts (its reason is in the decision
/// below).
fn undecided(policy: &Policy, d: &Decision, unknown: &[InputId]) -> String {
    let names = |keep: &dyn Fn(OutputId, &Answer) -> bool| -> String {
        let names: Vec<&str> = policy
            .outputs
            .entries()
            .zip(&d.answers)
            .filter(|((o, _), a)| keep(*o, a))
            .map(|((_, out), _)| out.name.as_str())
            .collect();
        names.join(", ")
    };
    let mut says = Vec::new();
    if d.missing.iter().any(|i| unknown.contains(i)) {
        says.push("Nothing more can be settled until the facts not known are found out.".into());
    }
    let conflicts = names(&|_, a| matches!(a, Answer::Conflict(_)));
    if !conflicts.is_empty() {
        says.push(format!(
            "The policy's rules conflict on {conflicts} for this incident."
        ));
    }
    let gaps = names(&|o, a| matches!(a, Answer::Gap) && d.accepted_reason(o).is_none());
    if !gaps.is_empty() {
        says.push(format!(
            "No rule of the policy decides {gaps} for this incident (a gap in the policy)."
        ));
    }
    let accepted = names(&|o, a| matches!(a, Answer::Gap) && d.accepted_reason(o).is_some());
    if !accepted.is_empty() {
        says.push(format!(
            "The policy leaves {accepted} open for this incident, and says why below."
        ));
    }
    says.join(" ")
}

/// A fact as people answer it: yes and no for booleans.
pub fn shown_value(policy: &Policy, v: &Value) -> String {
    match v {
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        v => policy.show_value(v),
    }
}

/// `text` wrapped to [`WIDTH`]: the first line after `first`, the others after `rest`;
/// every line ends in a newline.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut s = String::new();
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            s.push_str(&line);
            s.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    s.push_str(&line);
    s.push('\n');
    s
}
