//! `policyc man [COMMAND] [--dir DIR]`: the manual pages, generated from the clap
//! definitions of this binary (clap_mangen), so that they never drift from `--help`.
//! One page for `policyc` and one per command, named as git and cargo name theirs:
//! `policyc-check(1)`.

use std::path::PathBuf;

use super::exit;
use crate::manual::{pages, write_pages, MAN_NOTES};
use clap::{Args, ValueHint};

#[derive(Args, Debug)]
#[command(after_long_help = MAN_NOTES)]
pub struct ManArgs {
    /// The command whose page to give, such as `check` (default: the page of policyc).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Write the pages into this folder (created if missing) instead of printing one:
    /// every page (policyc.1 and policyc-COMMAND.1 for each command), or only COMMAND's.
    /// Prints the path of each page written.
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}

pub fn run(args: &ManArgs) -> u8 {
    let pages = match pages(
        &super::command(),
        args.command.as_deref(),
        args.dir.is_some(),
    ) {
        Ok(pages) => pages,
        Err(names) => {
            let name = args.command.as_deref().unwrap_or_default();
            eprintln!("error: policyc has no command `{name}`");
            eprintln!("note: its commands are {}", names.join(", "));
            return exit::USAGE;
        }
    };
    match &args.dir {
        None => {
            for p in &pages {
                super::completions::write_stdout(&p.roff);
            }
            exit::OK
        }
        Some(dir) => match write_pages(dir, &pages) {
            Ok(paths) => {
                crate::output::println_all(paths.iter().map(|p| p.display().to_string()));
                exit::OK
            }
            Err((path, e)) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                exit::USAGE
            }
        },
    }
}
