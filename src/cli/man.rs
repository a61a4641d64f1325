//! `policyc man [COMMAND] [--dir DIR]`: the manual pages, generated from the clap
//! definitions of this binary (clap_mangen), so that they never drift from `--help`.
//! One page for `policyc` and one per command, named as git and cargo name theirs:
//! `policyc-check(1)`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, ValueHint};
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

use super::exit;
use crate::source::walk::IGNORE_FILE;

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
    let pages = match &args.command {
        None if args.dir.is_some() => all_pages(&root),
        None => vec![page(&root, &root)],
        Some(name) => match root
            .get_subcommands()
            .find(|c| c.get_name() == name && !c.is_hide_set())
        {
            Some(sub) => vec![page(&root, sub)],
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

/// One manual page: its file name (`policyc-check.1`) and its roff source.
#[derive(Debug, Clone)]
pub struct Page {
    pub file_name: String,
    pub roff: Vec<u8>,
}

/// `cmd` built as for `--help`: subcommands know their full names (`policyc-check`,
/// `policyc check`) and the global options are copied into them. `policyc help` is
/// left out: it has nothing to document that `policyc(1)` does not say.
fn built(cmd: clap::Command) -> clap::Command {
    // Named as `--help` names them (clap_mangen's defaults say "subcommands").
    let mut cmd = cmd
        .disable_help_subcommand(true)
        .subcommand_value_name("COMMAND")
        .subcommand_help_heading("COMMANDS");
    cmd.build();
    cmd
}

fn visible(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands().filter(|c| !c.is_hide_set())
}

/// Every page, as `policyc man --dir` writes them: policyc's, then one per command and
/// per command of a command, in the order `--help` lists them.
fn all_pages(root: &clap::Command) -> Vec<Page> {
    fn walk(root: &clap::Command, cmd: &clap::Command, out: &mut Vec<Page>) {
        out.push(page(root, cmd));
        for sub in visible(cmd) {
            walk(root, sub, out);
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out
}

/// The page of `cmd`, `root` itself or one of its commands. clap_mangen writes the
/// sections clap knows; the ones a reader of a page expects besides (exit status,
/// environment, files, see also) come from here.
fn page(root: &clap::Command, cmd: &clap::Command) -> Page {
    let is_root = std::ptr::eq(root, cmd);
    let version = root.get_version().unwrap_or_default();
    let man = Man::new(cmd.clone());
    let mut roff = Vec::new();
    // Each of clap_mangen's section writers starts with the same preamble (how to print
    // an apostrophe); the page needs it once.
    let preamble = Roff::new().render();
    let mut section = |render: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
        let mut text = Vec::new();
        // Writing into memory does not fail.
        let _ = render(&mut text);
        let body = match text.strip_prefix(preamble.as_bytes()) {
            Some(body) if !roff.is_empty() => body.to_vec(),
            _ => text,
        };
        roff.extend(body);
    };
    section(&|w| {
        // The preamble, then a title line of our own: clap_mangen's leaves the empty
        // date unquoted, and the source then reads as the date.
        Roff::new().to_writer(w)?;
        let title = man.get_filename();
        let title = title.strip_suffix(".1").unwrap_or(&title);
        writeln!(
            w,
            ".TH \"{title}\" 1 \"\" \"policyc {version}\" \"policyc Manual\""
        )?;
        // Hyphenation split `policyc` itself across lines (poli-cyc), in SEE ALSO too.
        writeln!(w, ".nh")
    });
    section(&|w| man.render_name_section(w));
    section(&|w| man.render_synopsis_section(w));
    section(&|w| man.render_description_section(w));
    if is_root {
        section(&|w| more_description(root).to_writer(w));
    }
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        section(&|w| man.render_options_section(w));
    }
    if visible(cmd).next().is_some() {
        section(&|w| man.render_subcommands_section(w));
    }
    if let Some(notes) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        section(&|w| notes_section(&notes.to_string()).to_writer(w));
    }
    if is_root {
        section(&|w| root_sections(root).to_writer(w));
    } else {
        section(&|w| see_also(root, Some(cmd)).to_writer(w));
    }
    section(&|w| {
        let mut r = Roff::new();
        r.control("SH", ["VERSION"])
            .text([roman(format!("v{version}"))]);
        r.to_writer(w)
    });
    Page {
        file_name: man.get_filename(),
        roff,
    }
}

fn more_description(root: &clap::Command) -> Roff {
    let mut r = Roff::new();
    r.control("PP", []).text([
        roman("Each command has its own page, "),
        italic(format!("{}-COMMAND", root.get_name())),
        roman("(1), which "),
        bold(format!("{} man COMMAND", root.get_name())),
        roman(" prints."),
    ]);
    r
}

/// `after_long_help` text: lines indented by spaces are commands or tables, set as
/// they are written; the others are filled as a paragraph.
fn notes_section(text: &str) -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["NOTES"]);
    let mut literal = false;
    for line in text.lines() {
        let indented = line.starts_with(' ');
        if indented != literal {
            if indented {
                r.control("RS", ["4"]).control("nf", []);
            } else {
                r.control("fi", []).control("RE", []);
            }
            literal = indented;
        }
        if line.trim().is_empty() {
            r.control("PP", []);
        } else {
            // The help text indents its commands by two spaces; deeper indents align
            // columns and are kept.
            r.text([roman(line.strip_prefix("  ").unwrap_or(line))]);
        }
    }
    if literal {
        r.control("fi", []).control("RE", []);
    }
    r
}

fn root_sections(root: &clap::Command) -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["EXIT STATUS"]);
    let statuses = [
        (
            super::exit::OK,
            "Success: the policies check (warnings allowed), every scenario and assert \
             passes, the policies decide the same, the incident is decided.",
        ),
        (
            super::exit::FAILED,
            "The command ran and found what it reports: errors (check), failures or \
             coverage below --min-coverage (test), decisions that differ (diff), an \
             undecided incident (decide), files not formatted (fmt --check).",
        ),
        (
            super::exit::USAGE,
            "The command could not run: a usage error, a path that does not exist or \
             holds no .policy file, a file that cannot be read or written.",
        ),
    ];
    for (code, text) in statuses {
        r.control("TP", [])
            .text([bold(code.to_string())])
            .text([roman(text)]);
    }
    r.control("TP", []).text([bold("101")]).text([roman(
        "policyc crashed: a bug, to be reported with the input that caused it.",
    )]);
    r.control("SH", ["ENVIRONMENT"]);
    r.control("TP", []).text([bold("NO_COLOR")]).text([roman(
        "When set and not empty, --color auto prints no colour (https://no-color.org).",
    )]);
    r.control("SH", ["FILES"]);
    r.control("TP", []).text([bold(IGNORE_FILE)]).text([roman(
        "In a folder that check, test or fmt search for .policy files: paths relative to \
         the folder, one a line, that the search skips (# starts a comment line).",
    )]);
    r.extend([see_also(root, None)]);
    r
}

/// The SEE ALSO section: from policyc's page every command's page, from a command's
/// page policyc's and its siblings'.
fn see_also(root: &clap::Command, this: Option<&clap::Command>) -> Roff {
    let name = root.get_name();
    let mut refs: Vec<String> = Vec::new();
    if this.is_some() {
        refs.push(format!("{name}(1)"));
    }
    refs.extend(
        visible(root)
            .filter(|c| this.is_none_or(|t| t.get_name() != c.get_name()))
            .map(|c| format!("{name}-{}(1)", c.get_name())),
    );
    let mut r = Roff::new();
    r.control("SH", ["SEE ALSO"]);
    r.text([roman(refs.join(", "))]);
    r
}
