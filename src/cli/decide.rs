//! `policyc decide POLICY --facts FILE.json` (`-` = stdin).
//!
//! One JSON object decides one incident (human, json or markdown output). JSON Lines (one
//! object a line) or a JSON array decide many, answered in the same order as JSON Lines
//! (`evaluate::batch`) or, in human and markdown, one record per incident. Exit codes: 0 decided (or out of scope), 1 undecided, 2 bad facts
//! or usage.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{exit, print_human, ColorArg};
use crate::check::ir::Policy;
use crate::diagnostics::{Code, Diagnostic};
use crate::evaluate::batch::{self, Batch, Incidents};
use crate::evaluate::render::json::ErrorJson;
use crate::evaluate::render::record::{batch_record_human, batch_record_markdown};
use crate::evaluate::{decision_human, decision_json, decision_markdown, DecideStatus, Decider};
use crate::source::{RealFs, Sources};

#[derive(Args, Debug)]
pub struct DecideArgs {
    /// The policy file.
    pub policy: PathBuf,
    /// The facts: a JSON file, or `-` for standard input. A JSON array or JSON Lines
    /// decide many incidents at once; JSON Lines are answered as they are read.
    #[arg(long, value_name = "FILE")]
    pub facts: String,
    /// Output: human (default), json, or markdown (an incident record); a batch gives
    /// JSON Lines in json, one record per incident otherwise.
    #[arg(long, value_enum, default_value_t = DecideFormat::Human)]
    pub format: DecideFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DecideFormat {
    Human,
    Json,
    Markdown,
}

/// Runs `policyc decide`: loads and checks the policy, compiles its decision graph (or,
/// past the node limit, decides by reading the rules), reads the facts and answers.
/// Returns the contract's exit code.
pub fn run(args: &DecideArgs, color: ColorArg) -> u8 {
    let mut sources = Sources::new();
    let checked = crate::check::check_file(&mut sources, &RealFs, &args.policy);
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    let Some(policy) = checked.policy.filter(|_| errors.is_empty()) else {
        print_human(&sources, &errors, color);
        if errors.is_empty() {
            eprintln!("error: `{}` could not be checked", args.policy.display());
        }
        return exit::USAGE;
    };
    let incidents = match read_facts(&args.facts) {
        Ok(i) => i,
        Err(d) => {
            print_human(&sources, &[d], color);
            return exit::USAGE;
        }
    };
    // One incident the rules can decide does not wait for a large graph.
    let graph = match &incidents {
        Incidents::One(Ok(doc)) => {
            crate::evaluate::deciding_graph_for_one(&policy, &args.policy, doc)
        }
        _ => crate::evaluate::deciding_graph(&policy, &args.policy),
    };
    let graph = match graph {
        Ok(g) => g,
        Err(d) => {
            print_human(&sources, &[d], color);
            return exit::USAGE;
        }
    };
    let decider = match &graph {
        Some(g) => Decider::Graph(g),
        None => Decider::rules(&policy),
    };
    let mut out = std::io::BufWriter::new(crate::output::Writer(crate::output::Stream::Out));
    let answered = answer(
        &policy,
        &decider,
        &sources,
        incidents,
        args.format,
        &mut out,
    );
    let _ = out.flush();
    answered.unwrap_or_else(|errs| {
        // One incident's errors, in human or markdown form.
        print_human(&sources, &errs, color);
        exit::USAGE
    })
}

/// The incidents of the facts file (`-`: standard input), or why they cannot be read.
fn read_facts(facts: &str) -> Result<Incidents<'static>, Diagnostic> {
    let read = if facts == "-" {
        batch::from_reader(std::io::stdin().lock())
            .map_err(|e| (format!("cannot read the facts from standard input: {e}"), e))
    } else {
        std::fs::File::open(facts)
            .and_then(|f| batch::from_reader(std::io::BufReader::new(f)))
            .map_err(|e| (format!("cannot read `{facts}`: {e}"), e))
    };
    read.map_err(|(message, e)| {
        let help = if e.kind() == std::io::ErrorKind::InvalidData {
            "give the facts as JSON: one object, an array of objects, or one object per line (a line at most 1 MiB)"
        } else {
            "check the path of the facts file, or use `-` for standard input"
        };
        Diagnostic::error(Code::E0001, message).help(help)
    })
}

/// Answers the incidents on `out`: one in `format`, a batch as JSON Lines or one record
/// per incident in `format`. Returns the
/// exit code, or the errors of one incident in human or markdown form, for the caller
/// to print.
fn answer(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    incidents: Incidents<'_>,
    format: DecideFormat,
    out: &mut dyn Write,
) -> Result<u8, Vec<Diagnostic>> {
    let items = match incidents {
        Incidents::One(doc) => {
            let (text, code) = match doc.and_then(|doc| batch::decide_one(policy, decider, &doc)) {
                Ok((facts, d)) => {
                    let text = match format {
                        DecideFormat::Human => decision_human(policy, &d),
                        DecideFormat::Json => json_line(&decision_json(policy, &d)),
                        DecideFormat::Markdown => decision_markdown(policy, &facts, &d),
                    };
                    (text, status_code(d.status))
                }
                Err(errs) if format == DecideFormat::Json => (
                    json_line(&ErrorJson::new(sources, None, &errs)),
                    exit::USAGE,
                ),
                Err(errs) => return Err(errs),
            };
            let _ = out.write_all(for_people(format, &text).as_bytes());
            return Ok(code);
        }
        Incidents::Many(Err(errs)) if format == DecideFormat::Json => {
            let _ = out.write_all(json_line(&ErrorJson::new(sources, None, &errs)).as_bytes());
            return Ok(exit::USAGE);
        }
        Incidents::Many(Err(errs)) => return Err(errs),
        Incidents::Many(Ok(items)) => items,
    };
    if format != DecideFormat::Json {
        return Ok(records(policy, decider, sources, items, format, out));
    }
    let mut batch = Batch::new(policy, decider);
    let mut code = exit::OK;
    let mut line = Vec::new();
    for item in items {
        let a = batch.answer(item);
        // The worst answer sets the code: a bad line (2) over an undecided one (1).
        code = code.max(match &a.result {
            Ok(d) => status_code(d.status()),
            Err(_) => exit::USAGE,
        });
        line.clear();
        if serde_json::to_writer(&mut line, &a.json(policy, sources)).is_ok() {
            line.push(b'\n');
            // Nobody reads the answers any more (a closed pipe), or they cannot be
            // written: deciding the rest would be lost work.
            if out.write_all(&line).is_err() {
                break;
            }
        }
    }
    Ok(code)
}

/// Answers a batch for people: one record per incident, in order, each naming its line
/// (decided one by one: the shared leaf answers of [`Batch`] are for JSON). Returns the
/// worst exit code, as for JSON Lines.
fn records(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    items: batch::Items<'_>,
    format: DecideFormat,
    out: &mut dyn Write,
) -> u8 {
    let mut code = exit::OK;
    for (k, item) in items.enumerate() {
        let answered = item
            .facts
            .and_then(|doc| batch::decide_one(policy, decider, &doc));
        code = code.max(match &answered {
            Ok((_, d)) => status_code(d.status),
            Err(_) => exit::USAGE,
        });
        let text = match format {
            DecideFormat::Markdown => batch_record_markdown(policy, item.line, k == 0, &answered),
            _ => batch_record_human(policy, sources, item.line, &answered),
        };
        let _ = out.write_all(for_people(format, &text).as_bytes());
    }
    code
}

/// Text for people with the control characters of titles, citations and facts escaped:
/// a policy or facts file must not drive the terminal of whoever decides with it. JSON
/// escapes its own.
fn for_people(format: DecideFormat, text: &str) -> std::borrow::Cow<'_, str> {
    match format {
        DecideFormat::Json => std::borrow::Cow::Borrowed(text),
        _ => crate::terminal::escape_controls(text),
    }
}

fn json_line(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string(v).unwrap_or_default();
    s.push('\n');
    s
}

fn status_code(s: DecideStatus) -> u8 {
    match s {
        DecideStatus::Decided | DecideStatus::OutOfScope => exit::OK,
        DecideStatus::Undecided => exit::FAILED,
    }
}
