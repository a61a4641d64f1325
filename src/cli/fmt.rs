//! `policyc fmt [--check] [PATH...]`

use std::path::PathBuf;

use clap::Args;

use super::{exit, out_line, print_human, ColorArg};
use crate::ops::fmt::{format_file, summary, Formatted};
use crate::source::{RealFs, Sources};

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
    let (files, errors) = crate::check::policy_files(paths);
    let mut sources = Sources::new();
    let mut failed = !errors.is_empty();
    print_human(&sources, &errors, color);
    let mut changed = 0usize;
    for path in &files {
        let name = path.display().to_string();
        match format_file(&mut sources, &RealFs, path, &name) {
            Formatted::Unchanged => {}
            Formatted::Unread(d) => {
                print_human(&sources, &[d], color);
                failed = true;
            }
            Formatted::Unparsed(diags) => {
                print_human(&sources, &diags, color);
                eprintln!("error: `{name}` was not formatted");
                failed = true;
            }
            Formatted::Changed { text, formatted } => {
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
        }
    }
    eprintln!("{}", summary(check, changed, files.len()));
    if failed || files.is_empty() {
        exit::USAGE
    } else if check && changed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}
