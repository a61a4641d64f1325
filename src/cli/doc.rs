//! `policyc doc PATH... -o DIR`

use std::path::PathBuf;

use clap::Args;

use super::{exit, usage_error, ColorArg};
use crate::export::{html, report};
use crate::source::{RealFs, Sources};

#[derive(Args, Debug)]
pub struct DocArgs {
    /// Policy files or folders (a folder means every `.policy` in it).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The folder to write the report into (created if missing).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: &DocArgs, color: ColorArg) -> u8 {
    let (files, errors) = crate::check::policy_files(&args.paths);
    let mut sources = Sources::new();
    if !errors.is_empty() || files.is_empty() {
        return usage_error(&sources, &errors, color);
    }
    let mut pages = report::build_site(&mut sources, &RealFs, &files);
    report::name_relative_to(&mut pages, &args.paths);
    for p in &pages {
        if let report::Content::Errors { .. } = p.content {
            eprintln!(
                "warning: `{}` has errors; its page lists them (see `policyc check`)",
                p.file
            );
        }
    }
    match html::write_site(&pages, &args.out) {
        Ok(written) => {
            eprintln!(
                "wrote {} pages to {}",
                written.len(),
                args.out.join("index.html").display()
            );
            exit::OK
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the report to `{}`: {e}",
                args.out.display()
            );
            exit::USAGE
        }
    }
}
