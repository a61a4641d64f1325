//! `policyc man [COMMAND] [--dir DIR]`: the manual pages, generated from the clap
//! definitions of this binary (clap_mangen), so that they never drift from `--help`.
//! One page for `policyc` and one per command, named as git and cargo name theirs:
//! `policyc-check(1)`.

use std::path::{Path, PathBuf};

use super::exit;
use crate::manual::{all_pages, built, page, visible, Extra, Page};
use crate::source::walk::IGNORE_FILE;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, ValueHint};

#[derive(Args, Debug)]
#[command(after_long_help = READ)]
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

const READ: &str = "\
Read a page without installing it:
  policyc man check | man -l -
Install every page where man finds them (man looks in ../share/man beside each folder
of PATH, so this works where ~/.cargo/bin is on PATH):
  policyc man --dir ~/.cargo/share/man/man1
  man policyc-check";

/// The name of the `man` command, as the derive names the `Man` variant.
const MAN: &str = "man";

/// The part of the definition a derive cannot state: the commands `policyc man` takes
/// are the commands of the binary, read from the definition itself (with their
/// one-line help, which zsh and fish show beside each completion).
pub fn complete_definition(cmd: clap::Command) -> clap::Command {
    let names: Vec<PossibleValue> = cmd
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| {
            let value = PossibleValue::new(c.get_name().to_owned());
            match c.get_about() {
                Some(about) => value.help(about.clone()),
                None => value,
            }
        })
        .collect();
    if cmd.find_subcommand(MAN).is_none() {
        return cmd;
    }
    cmd.mut_subcommand(MAN, |man| {
        man.mut_arg("command", |arg| {
            // Listed in `--help` they would repeat the list of commands beside it.
            arg.value_parser(PossibleValuesParser::new(names))
                .hide_possible_values(true)
        })
    })
}

pub fn run(args: &ManArgs) -> u8 {
    let root = built(super::command());
    let extra = Extra {
        exit_statuses: EXIT_STATUSES,
        ignore_file: IGNORE_FILE,
    };
    let pages = match &args.command {
        None if args.dir.is_some() => all_pages(&root, &extra),
        None => vec![page(&root, &root, &extra)],
        Some(name) => match root
            .get_subcommands()
            .find(|c| c.get_name() == name && !c.is_hide_set())
        {
            Some(sub) => vec![page(&root, sub, &extra)],
            None => {
                eprintln!("error: policyc has no command `{name}`");
                let names: Vec<&str> = visible(&root).map(clap::Command::get_name).collect();
                eprintln!("note: its commands are {}", names.join(", "));
                return exit::USAGE;
            }
        },
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
                super::out_lines(paths.iter().map(|p| p.display().to_string()));
                exit::OK
            }
            Err((path, e)) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                exit::USAGE
            }
        },
    }
}

fn write_pages(dir: &Path, pages: &[Page]) -> Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
    std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    pages
        .iter()
        .map(|p| {
            let path = dir.join(&p.file_name);
            std::fs::write(&path, &p.roff).map_err(|e| (path.clone(), e))?;
            Ok(path)
        })
        .collect()
}

/// What each exit code means, for policyc's page.
const EXIT_STATUSES: &[(u8, &str)] = &[
    (
        exit::OK,
        "Success: the policies check (warnings allowed), every scenario and assert \
         passes, the policies decide the same, the incident is decided.",
    ),
    (
        exit::FAILED,
        "The command ran and found what it reports: errors (check), failures or \
         coverage below --min-coverage (test), decisions that differ (diff), an \
         undecided incident (decide), an interview that ends undecided or out of \
         scope (ask), files not formatted (fmt --check).",
    ),
    (
        exit::USAGE,
        "The command could not run: a usage error, a path that does not exist or \
         holds no .policy file, a file that cannot be read or written.",
    ),
];
