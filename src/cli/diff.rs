//! `policyc diff OLD NEW` and `policyc diff --git REV [PATH...]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{exit, out_line, print_human, usage_error, ColorArg};
use crate::diff::{render, DiffOptions, FileComparison};
use crate::ops::diff as ops;
use crate::source::Sources;
use crate::terminal::escape_controls;

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The old and the new policy file; with `--git`, the working-tree files or folders
    /// to compare (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Compare the working tree's policies with the same files at this git revision
    /// (`main`, `origin/main`, `HEAD~1`, a commit id).
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    /// Output format: human (default), json, or markdown (for a pull-request comment).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Compare old output OLD with new output NEW (a renamed output). Repeatable.
    #[arg(long = "map", value_name = "OLD=NEW")]
    pub map: Vec<String>,
    /// Read old value OLD of OUTPUT as NEW (a renamed value). Repeatable.
    #[arg(long = "map-value", value_name = "OUTPUT:OLD=NEW")]
    pub map_value: Vec<String>,
    /// A file of mappings, one a line: `output OLD=NEW` or `value OUTPUT:OLD=NEW`.
    #[arg(long = "map-file", value_name = "FILE")]
    pub map_file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    Markdown,
}

pub fn run(args: &DiffArgs, color: ColorArg) -> u8 {
    let sources = Sources::new();
    let opts = crate::ops::diff::options(&args.map, &args.map_value, args.map_file.as_deref());
    let opts = match opts {
        Ok(o) => o,
        Err(d) => return usage_error(&sources, &[d], color),
    };
    match &args.git {
        Some(rev) => run_git(args, rev, &opts, color),
        None => run_files(args, &opts, color),
    }
}

fn run_files(args: &DiffArgs, opts: &DiffOptions, color: ColorArg) -> u8 {
    let mut sources = Sources::new();
    let compared = ops::two_files(&mut sources, &args.paths, opts);
    crate::output::eprintln_all(compared.iter().flat_map(|c| &c.warnings));
    match compared.map(|c| c.comparison) {
        Err(diags) => usage_error(&sources, &diags, color),
        Ok(FileComparison::Modules) => {
            eprintln!("neither file is a policy (no `policy` header): nothing to compare");
            exit::OK
        }
        Ok(FileComparison::Diff(d, _)) => {
            let names: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
            let heading = format!("policyc diff `{}`", names.join("` → `"));
            match args.format {
                DiffFormat::Human => print!("{}", escape_controls(&render::human(&d))),
                DiffFormat::Markdown => {
                    print!("{}", escape_controls(&render::markdown(&d, &heading)))
                }
                DiffFormat::Json => out_line(&render::json::to_string(&d)),
            }
            if d.is_same() {
                exit::OK
            } else {
                exit::FAILED
            }
        }
    }
}

fn run_git(args: &DiffArgs, rev: &str, opts: &DiffOptions, color: ColorArg) -> u8 {
    let mut sources = Sources::new();
    let (r, warnings) = match ops::with_revision(&mut sources, rev, &args.paths, opts) {
        Ok(c) => (c.diff, c.warnings),
        Err(d) => return usage_error(&sources, &[d], color),
    };
    crate::output::eprintln_all(&warnings);
    print_human(&sources, &r.errors, color);
    match args.format {
        DiffFormat::Human => print!("{}", escape_controls(&render::human::revision(&r))),
        DiffFormat::Markdown => print!("{}", escape_controls(&render::markdown::revision(&r))),
        DiffFormat::Json => out_line(&render::json::revision(&r)),
    }
    if !r.errors.is_empty() {
        exit::USAGE
    } else if r.differs() {
        exit::FAILED
    } else {
        exit::OK
    }
}
