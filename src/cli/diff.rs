//! `policyc diff OLD NEW` and `policyc diff --git REV [PATH...]`

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::{collect_policy_files, exit, out_line, print_human, ColorArg};
use crate::diagnostics::{Code, Diagnostic};
use crate::diff::git::GitRevision;
use crate::diff::{self, render, DiffOptions, FileComparison, PolicyDiff};
use crate::source::{RealFs, Sources};

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

fn usage(msg: String) -> Diagnostic {
    Diagnostic::error(Code::E0602, msg).help("see `policyc diff --help`; docs/diff.md has examples")
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
                DiffFormat::Human => print!("{}", render::human(&d)),
                DiffFormat::Markdown => print!("{}", render::markdown(&d, &heading)),
                DiffFormat::Json => out_line(&render::to_json(&d).to_string()),
            }
            if d.is_same() {
                exit::OK
            } else {
                exit::FAILED
            }
        }
    }
}

/// How one file compares with the revision.
enum Status {
    Compared(Box<PolicyDiff>),
    Added,
    Removed,
    Module,
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
    let (files, mut errors) = if args.paths.is_empty() || !existing.is_empty() {
        collect_policy_files(&existing)
    } else {
        (Vec::new(), Vec::new())
    };
    let at_rev = match revision.policy_files(&cwd, &args.paths) {
        Ok(f) => f,
        Err(d) => {
            print_human(&sources, &[d], color);
            return exit::USAGE;
        }
    };
    let mut rels: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for f in &files {
        match revision.repo_relative(f) {
            Some(rel) => rels.push((rel, Some(f.clone()))),
            None => errors.push(usage(format!(
                "`{}` is not inside the git repository",
                f.display()
            ))),
        }
    }
    for rel in at_rev {
        if !rels.iter().any(|(r, _)| *r == rel) && !revision.path_of(&rel).exists() {
            rels.push((rel, None));
        }
    }
    // A path named on the command line that neither the working tree nor the
    // revision has is a mistake.
    for p in &args.paths {
        if !p.exists()
            && revision
                .policy_files(&cwd, std::slice::from_ref(p))
                .is_ok_and(|v| v.is_empty())
        {
            errors.push(usage(format!(
                "`{}` is neither in the working tree nor in `{rev}`",
                p.display()
            )));
        }
    }
    errors.retain(|d| d.code != Code::E0004 || rels.is_empty());
    rels.sort();
    let mut results: Vec<(PathBuf, Status)> = Vec::new();
    for (rel, worktree) in rels {
        let old_exists = revision.read_ok(&rel);
        let status = match (worktree, old_exists) {
            (Some(_), false) => Status::Added,
            (None, _) => Status::Removed,
            (Some(path), true) => {
                // The revision's file is checked at its working-tree path, so that
                // diagnostics and `use` read the same in both.
                match diff::compare_files(&mut sources, &revision, &path, &RealFs, &path, opts) {
                    Ok(FileComparison::Diff(d)) => Status::Compared(d),
                    Ok(FileComparison::Modules) => Status::Module,
                    Err(diags) => {
                        errors.extend(diags);
                        continue;
                    }
                }
            }
        };
        results.push((rel, status));
    }
    if !errors.is_empty() {
        print_human(&sources, &errors, color);
    }
    let differs = results.iter().any(|(_, s)| match s {
        Status::Compared(d) => !d.is_same(),
        Status::Added | Status::Removed => true,
        Status::Module => false,
    });
    print_git(&results, rev, args.format);
    if !errors.is_empty() {
        exit::USAGE
    } else if differs {
        exit::FAILED
    } else {
        exit::OK
    }
}

fn shown(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

fn print_git(results: &[(PathBuf, Status)], rev: &str, format: DiffFormat) {
    match format {
        DiffFormat::Human => {
            for (rel, s) in results {
                match s {
                    Status::Compared(d) => {
                        out_line(&format!("== {} (against {rev})", shown(rel)));
                        print!("{}", render::human(d));
                    }
                    Status::Added => out_line(&format!("== {}: added (not in {rev})", shown(rel))),
                    Status::Removed => out_line(&format!("== {}: removed (was in {rev})", shown(rel))),
                    Status::Module => out_line(&format!(
                        "== {}: a module (no `policy` header), compared through the policies that use it",
                        shown(rel)
                    )),
                }
            }
            if results.is_empty() {
                out_line("no policy files to compare");
            }
        }
        DiffFormat::Markdown => {
            let mut out =
                format!("## policyc diff against `{rev}`\n\n| file | result |\n|---|---|\n");
            for (rel, s) in results {
                let what = match s {
                    Status::Compared(d) if d.is_same() => "same decisions".to_string(),
                    Status::Compared(d) => {
                        let n = render::change_count(d);
                        format!("**{n} change{}**", if n == 1 { "" } else { "s" })
                    }
                    Status::Added => "added".into(),
                    Status::Removed => "removed".into(),
                    Status::Module => "module".into(),
                };
                out.push_str(&format!("| `{}` | {what} |\n", shown(rel)));
            }
            out.push('\n');
            for (rel, s) in results {
                if let Status::Compared(d) = s {
                    if !d.is_same() {
                        out.push_str(&render::markdown(d, &format!("`{}`", shown(rel))));
                        out.push('\n');
                    }
                }
            }
            print!("{out}");
        }
        DiffFormat::Json => {
            let files: Vec<serde_json::Value> = results
                .iter()
                .map(|(rel, s)| {
                    let (status, diff) = match s {
                        Status::Compared(d) if d.is_same() => ("same", Some(render::to_json(d))),
                        Status::Compared(d) => ("changed", Some(render::to_json(d))),
                        Status::Added => ("added", None),
                        Status::Removed => ("removed", None),
                        Status::Module => ("module", None),
                    };
                    let mut v = serde_json::json!({ "path": shown(rel), "status": status });
                    if let (Some(d), Some(m)) = (diff, v.as_object_mut()) {
                        m.insert("diff".into(), d);
                    }
                    v
                })
                .collect();
            let same = results.iter().all(|(_, s)| match s {
                Status::Compared(d) => d.is_same(),
                Status::Module => true,
                _ => false,
            });
            out_line(
                &serde_json::json!({ "revision": rev, "same": same, "files": files }).to_string(),
            );
        }
    }
}
