//! `policyc fmt [--check] [PATH...]`

use std::path::PathBuf;

use clap::Args;

use super::{collect_policy_files, exit, out_line, print_human, ColorArg};
use crate::diagnostics::Diagnostic;
use crate::source::{self, RealFs, Sources};

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Policy files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted (with a short diff) and
    /// exit with 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

/// Formats every file named (folders: every `.policy` under them) in place, or with
/// `check` only reports. Exit code: 0 done (or nothing to change), 1 `check` found
/// files to change, 2 a file could not be read, parsed or written.
pub fn run(paths: &[PathBuf], check: bool, color: ColorArg) -> u8 {
    let (files, errors) = collect_policy_files(paths);
    let mut sources = Sources::new();
    let mut failed = !errors.is_empty();
    print_human(&sources, &errors, color);
    let mut changed = 0usize;
    for path in &files {
        let name = path.display().to_string();
        let id = match crate::check::load_file(&mut sources, &RealFs, path, &name, None) {
            Ok(id) => id,
            Err(d) => {
                print_human(&sources, &[d], color);
                failed = true;
                continue;
            }
        };
        let text = sources.text(id).to_string();
        let formatted = match crate::format::format(&text) {
            Ok(f) => f,
            Err(diags) => {
                // The formatter parses the text alone, as file 0: point at this file.
                let diags: Vec<Diagnostic> = diags.into_iter().map(|d| in_file(d, id)).collect();
                print_human(&sources, &diags, color);
                eprintln!("error: `{name}` was not formatted");
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if check {
            out_line(&format!("would reformat {name}"));
            out_line(&crate::terminal::escape_controls(
                &crate::format::changes::short_diff(&text, &formatted),
            ));
        } else if let Err(e) = crate::export::write_file(path, &formatted) {
            eprintln!("error[E0001]: cannot write `{name}`: {e}");
            failed = true;
        }
    }
    let verb = if check {
        "would reformat"
    } else {
        "reformatted"
    };
    let files_word = if files.len() == 1 { "file" } else { "files" };
    eprintln!("{verb} {changed} of {} {files_word}", files.len());
    if failed || files.is_empty() {
        exit::USAGE
    } else if check && changed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}

fn in_file(mut d: Diagnostic, file: source::FileId) -> Diagnostic {
    for l in &mut d.labels {
        l.file = file;
    }
    d
}
