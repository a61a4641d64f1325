//! `policyc test [PATH...]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{exit, out_line, usage_error, ColorArg};
use crate::harness::{self, run};
use crate::ops::test::{render, Format};
use crate::source::{RealFs, Sources};

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Policy and test files or folders (default: the current folder). Every `.policy`
    /// file found runs the scenarios and asserts it declares.
    pub paths: Vec<PathBuf>,
    /// Run only the tests whose `policy::name` or title contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Output format: human (default), json (JSON Lines) or junit (JUnit XML).
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    /// Report, per policy, the rules and decision-graph leaves the scenarios exercise.
    #[arg(long)]
    pub coverage: bool,
    /// Fail when a policy's rule coverage is below this percentage (implies --coverage).
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
    /// Print only what fails (failed tests with their details, coverage shortfalls) and
    /// the closing line (human format; json and junit are always complete).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not a percentage between 0 and 100"))
    }
}

pub fn run(args: &TestArgs, color: ColorArg) -> u8 {
    let (files, errors) = crate::check::policy_files(&args.paths);
    let mut sources = Sources::new();
    if !errors.is_empty() || files.is_empty() {
        return usage_error(&sources, &errors, color);
    }
    let options = run::Options {
        filter: args.filter.clone(),
        coverage: args.coverage || args.min_coverage.is_some(),
        max_nodes: None,
    };
    let result = run::run_files(&mut sources, &RealFs, &files, &options);
    if !result.io_errors.is_empty() {
        return usage_error(&sources, &result.io_errors, color);
    }
    let report = &result.report;
    if let Some(text) = args.filter.as_deref().filter(|_| report.selected() == 0) {
        // A mistyped filter would otherwise pass a run that tested nothing; no report
        // either, whose closing line (`0 failed`) would read as a pass.
        let skipped = report.totals().skipped;
        eprintln!("error: no scenario or assert matches `--filter {text}`");
        eprintln!(
            "  = {skipped} scenario(s) and assert(s) left out; the filter matches part of `policy::name` or of the title"
        );
        return exit::USAGE;
    }
    let shortfalls = args
        .min_coverage
        .map(|m| harness::coverage_shortfalls(report, m))
        .unwrap_or_default();
    let format = match args.format {
        TestFormat::Human => Format::Human {
            quiet: args.quiet,
            colour: color.on_stdout(),
        },
        TestFormat::Json => Format::Json,
        TestFormat::Junit => Format::Junit,
    };
    let text = render(report, &shortfalls, format);
    if !text.is_empty() {
        // One write: the text ends with a newline, `out_line` adds none past it.
        out_line(text.trim_end_matches('\n'));
    }
    if report.totals().failed > 0 || !shortfalls.is_empty() {
        exit::FAILED
    } else {
        exit::OK
    }
}
