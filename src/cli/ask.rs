//! `policyc ask POLICY [--facts FILE]`: the interview of `evaluate::interview`, a line per
//! answer from a terminal or from standard input. Everything the interview says is on
//! standard output (each answer echoed after its prompt when standard input is not a
//! terminal, so a piped session reads as a transcript); errors that stop policyc are on
//! standard error. Exit codes: 0 decided, 1 undecided or out of scope, 2 usage or I/O.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{exit, usage_error, ColorArg};
use crate::evaluate::interview::{start_facts, text, Interview, Turn};
use crate::evaluate::{deciding_graph, Decider};
use crate::source::{RealFs, Sources};

#[derive(Args, Debug)]
pub struct AskArgs {
    /// The policy file.
    pub policy: PathBuf,
    /// Facts already known: a JSON object keyed by input name, as `decide --facts` reads.
    #[arg(long, value_name = "FILE")]
    pub facts: Option<PathBuf>,
    /// At the end, save the facts as a facts file for `policyc decide --facts`.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// At the end, write the incident record in Markdown (`decide --format markdown`).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

pub fn run(args: &AskArgs, color: ColorArg) -> u8 {
    let mut sources = Sources::new();
    let loaded = match crate::ops::decide::load(&mut sources, &RealFs, &args.policy) {
        Ok(l) => l,
        Err(errors) => return usage_error(&sources, &errors, color),
    };
    let policy = &loaded.policy;
    let graph = match deciding_graph(policy, &args.policy) {
        Ok(g) => g,
        Err(d) => return usage_error(&sources, &[d], color),
    };
    if let Some(warning) = loaded.warning() {
        eprintln!("{warning}");
    }
    let decider = graph
        .as_ref()
        .map_or_else(|| Decider::rules(policy), Decider::Graph);
    let interview = start_facts(policy, args.facts.as_deref())
        .and_then(|s| Interview::new(policy, &decider, s).map_err(|d| vec![*d]));
    let mut interview = match interview {
        Ok(i) => i,
        Err(ds) => return usage_error(&sources, &ds, color),
    };
    let mut talk = Talk {
        echo: !std::io::stdin().is_terminal(),
        bold: color.on_stdout(),
        lines: std::io::stdin().lock().lines(),
    };
    tell(&text::intro(&interview));
    'interview: while let Some(q) = interview.next_question() {
        tell(&text::question(&q));
        loop {
            let Some(line) = talk.read() else {
                break 'interview;
            };
            match interview.reply(&q, &line) {
                Turn::Stay(said) => tell(&said),
                Turn::Moved(said) => break tell(&said),
                Turn::Save(file) => {
                    save(Path::new(&file), &interview.facts_json(), true);
                }
                Turn::Quit => break 'interview,
            }
        }
    }
    tell(&text::ending(&interview));
    let mut ok = true;
    if let Some(path) = &args.save {
        ok &= save(path, &interview.facts_json(), false);
    } else if !talk.echo {
        say(text::SAVE_OFFER);
        if let Some(file) = talk.read().filter(|f| !f.trim().is_empty()) {
            save(Path::new(file.trim()), &interview.facts_json(), true);
        }
    }
    if let Some(path) = &args.record {
        ok &= save(path, &loaded.markdown_record(&interview.record()), false);
    }
    match (ok, interview.is_decided()) {
        (false, _) => exit::USAGE,
        (true, true) => exit::OK,
        (true, false) => exit::FAILED,
    }
}

/// Reading answers: a prompt, then a line.
struct Talk<L> {
    echo: bool,
    bold: bool,
    lines: L,
}

impl<L: Iterator<Item = std::io::Result<String>>> Talk<L> {
    /// The next line typed, after a prompt; `None` at the end of the input.
    fn read(&mut self) -> Option<String> {
        loop {
            say(if self.bold { "\x1b[1m> \x1b[0m" } else { "> " });
            match self.lines.next()? {
                Ok(line) => {
                    if self.echo {
                        tell(&format!("{line}\n"));
                    }
                    break Some(line);
                }
                // The line was read, and can be typed again.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    say(&text::note("that line is not UTF-8 text: type it again"));
                }
                Err(_) => break None,
            }
        }
    }
}

/// Prints what the policy and the answers say (questions from doc comments, titles,
/// citations, the lines typed), its control characters escaped: they must not drive
/// the terminal.
fn tell(text: &str) {
    say(&crate::terminal::escape_controls(text));
}

/// Prints on standard output at once (a prompt has no newline).
fn say(text: &str) {
    let _ = crate::output::print(text);
}

/// Writes `text` to `path`; says where, or why not (in the interview, or on standard
/// error after it). Returns whether it was written.
fn save(path: &Path, text: &str, in_interview: bool) -> bool {
    let result = crate::export::write_file(path, text);
    let said = match &result {
        Ok(()) => format!("wrote {}", path.display()),
        Err(e) => format!("cannot write {}: {e}", path.display()),
    };
    match (in_interview, result.is_ok()) {
        (true, _) => say(&text::note(&said)),
        (false, true) => eprintln!("{said}"),
        (false, false) => eprintln!("error: {said}"),
    }
    result.is_ok()
}
