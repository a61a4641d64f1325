//! One incident of a batch for people: `decide --format human|markdown` on JSON Lines or
//! a JSON array gives one record per incident, in order, each naming the line of the
//! facts it answers (the JSON Lines answer carries the same `line`).

use super::human::decision_human;
use super::markdown::record_markdown;
use crate::check::ir::Policy;
use crate::diagnostics::{render, Diagnostic};
use crate::evaluate::{Decision, Facts};
use crate::source::Sources;

/// Where an incident is in a batch, for people: its number and its line (a JSON array
/// on one line holds many incidents, so the line alone does not tell them apart).
pub fn place(index: usize, line: usize) -> String {
    format!("incident {}, on line {line} of the facts", index + 1)
}

/// An incident of a batch, answered: its facts and decision, or the errors of its line.
pub type Answered = Result<(Facts, Decision), Vec<Diagnostic>>;

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The record of the incident on `line` for a terminal: a rule naming the line, then
/// what `decide` prints for one incident, or its errors as `check` prints them.
pub fn batch_record_human(
    policy: &Policy,
    sources: &Sources,
    place: &str,
    answered: &Answered,
) -> String {
    let mut s = format!("── {place} ──\n");
    match answered {
        Ok((_, d)) => {
            s.push_str(&decision_human(policy, d));
            s.push('\n');
        }
        // A rendered diagnostic ends with its blank line.
        Err(errs) => {
            for e in errs {
                s.push_str(&render::to_string(sources, e));
            }
        }
    }
    s
}

/// The record of the incident on `line` in Markdown: the incident record of one
/// incident with the line in its title, or its errors; records are separated by a rule.
pub fn batch_record_markdown(
    policy: &Policy,
    place: &str,
    first: bool,
    answered: &Answered,
) -> String {
    let mut s = String::new();
    if !first {
        s.push_str("\n---\n\n");
    }
    match answered {
        Ok((facts, d)) => s.push_str(&record_markdown(policy, facts, d, Some(place))),
        Err(errs) => {
            s.push_str(&format!(
                "# {}\n\nStatus: **not decided: the facts cannot be read**\n\n",
                capitalised(place)
            ));
            for e in errs {
                s.push_str(&format!("- {}: {}\n", e.code, e.message));
                if let Some(h) = &e.help {
                    s.push_str(&format!("  help: {h}\n"));
                }
            }
        }
    }
    s
}
