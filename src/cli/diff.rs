//! `policyc diff OLD NEW` and `policyc diff --git REV [PATH...]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{collect_policy_files, exit, out_line, print_human, ColorArg};
use crate::diagnostics::{Code, Diagnostic};
use crate::diff::git::{self, GitRevision};
use crate::diff::{self, render, usage, DiffOptions, FileComparison};
use crate::source::{RealFs, Sources};
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

fn options(args: &DiffArgs) -> Result<DiffOptions, Diagnostic> {
    let mut opts = DiffOptions::default();
    for m in &args.map {
        opts.output_map
            .push(diff::parse_output_map(m).map_err(|e| usage(format!("--map {e}")))?);
    }
    for m in &args.map_value {
        opts.value_map
            .push(diff::parse_value_map(m).map_err(|e| usage(format!("--map-value {e}")))?);
    }
    if let Some(f) = &args.map_file {
        let text = std::fs::read_to_string(f).map_err(|e| {
            Diagnostic::error(Code::E0001, format!("cannot read `{}`: {e}", f.display()))
        })?;
        diff::parse_map_file(&text, &mut opts)
            .map_err(|e| usage(format!("in `{}`: {e}", f.display())))?;
    }
    Ok(opts)
}

pub fn run(args: &DiffArgs, color: ColorArg) -> u8 {
    let sources = Sources::new();
    let opts = match options(args) {
        Ok(o) => o,
        Err(d) => {
            print_human(&sources, &[d], color);
            return exit::USAGE;
        }
    };
    match &args.git {
        Some(rev) => run_git(args, rev, &opts, color),
        None => run_files(args, &opts, color),
    }
}

fn run_files(args: &DiffArgs, opts: &DiffOptions, color: ColorArg) -> u8 {
    let mut sources = Sources::new();
    let [old, new] = args.paths.as_slice() else {
        let d = usage(format!(
            "`policyc diff` takes two policy files (OLD NEW), or `--git REV [PATH...]`; got {} path(s)",
            args.paths.len()
        ));
        print_human(&sources, &[d], color);
        return exit::USAGE;
    };
    match diff::compare_files(&mut sources, &RealFs, old, &RealFs, new, opts) {
        Err(diags) => {
            print_human(&sources, &diags, color);
            exit::USAGE
        }
        Ok(FileComparison::Modules) => {
            eprintln!("neither file is a policy (no `policy` header): nothing to compare");
            exit::OK
        }
        Ok(FileComparison::Diff(d)) => {
            let heading = format!("policyc diff `{}` → `{}`", old.display(), new.display());
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
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let revision = match GitRevision::open(rev, &cwd) {
        Ok(r) => r,
        Err(d) => {
            print_human(&sources, &[d], color);
            return exit::USAGE;
        }
    };
    // Paths that are gone from the working tree may still name files of the revision.
    let existing: Vec<PathBuf> = args.paths.iter().filter(|p| p.exists()).cloned().collect();
    let worktree = if args.paths.is_empty() || !existing.is_empty() {
        collect_policy_files(&existing)
    } else {
        (Vec::new(), Vec::new())
    };
    let compared =
        git::compare_with_revision(&mut sources, &revision, &cwd, &args.paths, worktree, opts);
    let r = match compared {
        Ok(r) => r,
        Err(d) => {
            print_human(&sources, &[d], color);
            return exit::USAGE;
        }
    };
    if !r.errors.is_empty() {
        print_human(&sources, &r.errors, color);
    }
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
