//! Manual pages generated from a clap definition (clap_mangen), with the sections a
//! reader of a page expects besides what clap knows: exit status, environment, files and
//! see also. `policyc man` prints them; they never drift from `--help`. One page for the
//! program and one per command, named as git and cargo name theirs: `policyc-check(1)`.

use std::io::Write;

use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

/// What each exit code means, for policyc's page (the CLI's `exit` codes).
const EXIT_STATUSES: &[(u8, &str)] = &[
    (
        0,
        "Success: the policies check (warnings allowed), every scenario and assert \
         passes, the policies decide the same, the incident is decided.",
    ),
    (
        1,
        "The command ran and found what it reports: errors (check), failures or \
         coverage below --min-coverage (test), decisions that differ (diff), an \
         undecided incident (decide), an interview that ends undecided or out of \
         scope (ask), files not formatted (fmt --check).",
    ),
    (
        2,
        "The command could not run: a usage error, a path that does not exist or \
         holds no .policy file, a file that cannot be read or written.",
    ),
];

/// What each exit code means for the commands whose page says it (as docs/cli.md,
/// docs/testing.md and docs/ask.md do).
const COMMAND_EXIT_STATUSES: &[(&str, &[(u8, &str)])] = &[
    (
        "check",
        &[
            (
                0,
                "Every policy checks: no errors (warnings allowed, unless --deny warnings).",
            ),
            (
                1,
                "A policy has errors (or, with --deny warnings, warnings).",
            ),
            (
                2,
                "A path does not exist, holds no .policy file or cannot be read.",
            ),
        ],
    ),
    (
        "test",
        &[
            (
                0,
                "Every scenario and assert passed (and coverage is high enough).",
            ),
            (
                1,
                "A test failed, a file has errors, or rule coverage is below --min-coverage.",
            ),
            (
                2,
                "A usage error (such as a --filter that matches nothing) or a path that \
                 cannot be read.",
            ),
        ],
    ),
    (
        "decide",
        &[
            (
                0,
                "Decided, or out of scope: the policy decides nothing for the incident.",
            ),
            (
                1,
                "Undecided: an output is not decided (a gap, a conflict, facts missing).",
            ),
            (
                2,
                "The facts cannot be read or break an assumption, or the policy has \
                 errors that stop it deciding. For many incidents (a JSON array or JSON \
                 Lines) the worst answer sets the code: 2 if any incident's facts are \
                 bad, else 1 if any is undecided, else 0.",
            ),
        ],
    ),
    (
        "graph",
        &[
            (0, "The graph is drawn."),
            (
                2,
                "The policy does not type-check, has no output of the --output name, \
                 cannot be drawn in the format, or --out cannot be written. A policy that \
                 type-checks but that check rejects is drawn (0), after a warning on \
                 standard error.",
            ),
        ],
    ),
    (
        "diff",
        &[
            (0, "The policies decide the same."),
            (1, "They decide differently for some incident."),
            (
                2,
                "A policy does not type-check, a path or git revision cannot be read, or \
                 a mapping is wrong. A policy that type-checks but that check rejects is \
                 compared (0 or 1), after a warning on standard error naming it.",
            ),
        ],
    ),
    (
        "ask",
        &[
            (0, "Every output is decided at the end."),
            (
                1,
                "Undecided or out of scope at the end, or stopped before.",
            ),
            (
                2,
                "The policy does not type-check or is a module, the facts file is \
                 unreadable or breaks an assumption, or --save or --record cannot be \
                 written. A policy that type-checks but that check rejects is asked, with \
                 a warning.",
            ),
        ],
    ),
];

/// Notes of `policyc man --help`: reading and installing the pages.
pub const MAN_NOTES: &str = "\
Read a page without installing it:
  policyc man check | man -l -
Install every page where man finds them (man looks in ../share/man beside each folder
of PATH, so this works where ~/.cargo/bin is on PATH):
  policyc man --dir ~/.cargo/share/man/man1
  man policyc-check";

/// How to load the script in each shell: `policyc completions --help` and the README
/// say the same.
pub const COMPLETIONS_NOTES: &str = "\
Install the script where the shell looks for completions (make the folder if missing):
  bash        policyc completions bash > ~/.local/share/bash-completion/completions/policyc
  zsh         policyc completions zsh > ~/.zfunc/_policyc
              and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  fish        policyc completions fish > ~/.config/fish/completions/policyc.fish
  powershell  policyc completions powershell >> $PROFILE
  elvish      policyc completions elvish >> ~/.config/elvish/rc.elv
Open a new shell afterwards. Write the script again after upgrading policyc.";

/// The name of the `man` command, as the derive names the `Man` variant.
const MAN: &str = "man";

/// The part of the definition a derive cannot state: the commands `policyc man` takes
/// are the commands of the binary, read from the definition itself (with their
/// one-line help, which zsh and fish show beside each completion).
pub fn complete_definition(cmd: clap::Command) -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    let names: Vec<PossibleValue> = visible(&cmd)
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

/// The pages `policyc man` gives: of the command named (`None`: policyc's, or with
/// `every`, all of them). `Err`: no such command, with the names of those there are.
pub fn pages(
    root: &clap::Command,
    command: Option<&str>,
    every: bool,
) -> Result<Vec<Page>, Vec<String>> {
    let root = built(root.clone());
    match command {
        None if every => Ok(all_pages(&root)),
        None => Ok(vec![page(&root, &root)]),
        Some(name) => match visible(&root).find(|c| c.get_name() == name) {
            Some(sub) => Ok(vec![page(&root, sub)]),
            None => Err(visible(&root).map(|c| c.get_name().to_string()).collect()),
        },
    }
}

/// Writes `pages` into `dir` (created if missing); the paths written, or the one that
/// could not be.
pub fn write_pages(
    dir: &std::path::Path,
    pages: &[Page],
) -> Result<Vec<std::path::PathBuf>, (std::path::PathBuf, std::io::Error)> {
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
pub fn built(cmd: clap::Command) -> clap::Command {
    // Named as `--help` names them (clap_mangen's defaults say "subcommands").
    let mut cmd = cmd
        .disable_help_subcommand(true)
        .subcommand_value_name("COMMAND")
        .subcommand_help_heading("COMMANDS");
    cmd.build();
    cmd
}

pub fn visible(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands().filter(|c| !c.is_hide_set())
}

/// Every page, as `policyc man --dir` writes them: policyc's, then one per command and
/// per command of a command, in the order `--help` lists them.
pub fn all_pages(root: &clap::Command) -> Vec<Page> {
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
pub fn page(root: &clap::Command, cmd: &clap::Command) -> Page {
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
        let statuses = COMMAND_EXIT_STATUSES
            .iter()
            .find(|(name, _)| *name == cmd.get_name());
        if let Some((_, statuses)) = statuses {
            section(&|w| exit_statuses(statuses).to_writer(w));
        }
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

/// The EXIT STATUS section: each code with what it means.
fn exit_statuses(statuses: &[(u8, &str)]) -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["EXIT STATUS"]);
    for &(code, text) in statuses {
        r.control("TP", [])
            .text([bold(code.to_string())])
            .text([roman(text)]);
    }
    r
}

fn root_sections(root: &clap::Command) -> Roff {
    let mut r = exit_statuses(EXIT_STATUSES);
    r.control("TP", []).text([bold("101")]).text([roman(
        "policyc crashed: a bug, to be reported with the input that caused it.",
    )]);
    r.control("SH", ["ENVIRONMENT"]);
    r.control("TP", []).text([bold("NO_COLOR")]).text([roman(
        "When set and not empty, --color auto prints no colour (https://no-color.org).",
    )]);
    r.control("SH", ["FILES"]);
    r.control("TP", [])
        .text([bold(crate::source::walk::IGNORE_FILE)])
        .text([roman(
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
