//! `policyc decide POLICY --facts FILE.json` (`-` = stdin).
//!
//! One JSON object decides one incident (human, json or markdown output). JSON Lines (one
//! object a line) or a JSON array decide many, answered in the same order as JSON Lines
//! (`evaluate::batch`) or, in human and markdown, one record per incident (`ops::decide`).
//! Exit codes: 0 decided (or out of scope), 1 undecided, 2 bad facts or usage.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{exit, usage_error, ColorArg};
use crate::evaluate::Decider;
use crate::ops::decide::{self, Format, Worst};
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
    let loaded = match decide::load(&mut sources, &RealFs, &args.policy) {
        Ok(l) => l,
        Err(errors) if errors.is_empty() => {
            eprintln!("error: `{}` could not be checked", args.policy.display());
            return exit::USAGE;
        }
        Err(errors) => return usage_error(&sources, &errors, color),
    };
    let (incidents, graph) =
        match decide::incidents_and_graph(&loaded.policy, &args.policy, &args.facts) {
            Ok(ig) => ig,
            Err(d) => return usage_error(&sources, &[d], color),
        };
    let decider = match &graph {
        Some(g) => Decider::Graph(g),
        None => Decider::rules(&loaded.policy),
    };
    if let Some(warning) = loaded.warning() {
        eprintln!("{warning}");
    }
    let format = match args.format {
        DecideFormat::Human => Format::Human,
        DecideFormat::Json => Format::Json,
        DecideFormat::Markdown => Format::Markdown,
    };
    let mut out = std::io::BufWriter::new(crate::output::Writer(crate::output::Stream::Out));
    let answered = decide::answer(&loaded, &decider, &sources, incidents, format, &mut out);
    let _ = out.flush();
    match answered {
        Ok(Worst::Decided | Worst::Empty) => exit::OK,
        Ok(Worst::Undecided) => exit::FAILED,
        Ok(Worst::BadFacts) => exit::USAGE,
        // One incident's errors, in human or markdown form.
        Err(errs) => usage_error(&sources, &errs, color),
    }
}
