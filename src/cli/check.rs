//! `policyc check [PATH...]`

use std::{mem::ManuallyDrop, path::PathBuf};

use clap::{Args, ValueEnum};

use super::{exit, out_line, print_human, ColorArg};
use crate::diagnostics::{github, render, sarif};
use crate::{compile::CompileOptions, ops::check::check_paths};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Policy files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format: human (default), json (one JSON object per diagnostic per line),
    /// sarif (a SARIF 2.1.0 log for code scanning) or github (workflow-command
    /// annotations for GitHub Actions).
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_name = "LINT")]
    pub deny: Vec<DenyArg>,
    /// Splits each gap count of a policy of many rules may take (default 30,000, and
    /// fewer when the count stops making progress, or makes it too slowly to finish
    /// within 30 times that). A gap too fragmented to count
    /// within it is proven with an example but not counted (E0504); a larger budget
    /// counts more, at about 400 bytes of memory per split (at most 50,000,000).
    #[arg(long, value_name = "SPLITS", value_parser = clap::value_parser!(u64).range(0..=MAX_COUNT_BUDGET))]
    pub count_budget: Option<u64>,
    /// Print only what fails (errors) and the summary: no warnings or notes (human and
    /// github formats; json and sarif are always complete).
    #[arg(long, short)]
    pub quiet: bool,
}

/// The largest `--count-budget`: some 20 GB of counting memory at about 400 bytes a
/// split. A count that needs more is not one a machine finishes; a budget past it would
/// only end in running out of memory.
pub const MAX_COUNT_BUDGET: u64 = 50_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DenyArg {
    Warnings,
}

/// Checks every file; prints what was found; returns the contract's exit code.
pub fn run(args: &CheckArgs, color: ColorArg) -> u8 {
    let options = CompileOptions {
        max_splits: args.count_budget.and_then(|n| usize::try_from(n).ok()),
        ..CompileOptions::default()
    };
    let deny_warnings = args.deny.contains(&DenyArg::Warnings);
    let c = ManuallyDrop::new(check_paths(&args.paths, &options, deny_warnings)); // exit frees it
    let (sources, all, files) = (&c.sources, &c.diagnostics, &c.files);
    let shown = c.shown(args.quiet);
    match args.format {
        CheckFormat::Human => {
            print_human(sources, shown.iter().copied(), color);
            eprintln!("{}", c.summary());
        }
        CheckFormat::Json => {
            crate::output::println_all(all.iter().map(|d| render::to_json(sources, d).to_string()));
        }
        CheckFormat::Sarif => {
            let cwd = std::env::current_dir().ok();
            let success = !c.usage_error && !files.is_empty();
            let log = sarif::log(sources, all, cwd.as_deref(), success);
            out_line(&sarif::to_string(&log));
        }
        CheckFormat::Github => {
            crate::output::println_all(shown.iter().map(|d| github::annotation(sources, d)));
            eprintln!("{}", c.summary());
        }
    }
    if c.usage_error || files.is_empty() {
        exit::USAGE
    } else if c.errors() > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}
