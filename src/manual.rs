//! Manual pages generated from a clap definition (clap_mangen), with the sections a
//! reader of a page expects besides what clap knows: exit status, environment, files and
//! see also. `policyc man` prints them; they never drift from `--help`. One page for the
//! program and one per command, named as git and cargo name theirs: `policyc-check(1)`.

use std::io::Write;

use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

/// What a page says that the clap definition does not.
pub struct Extra<'a> {
    /// Each exit code with what it means.
    pub exit_statuses: &'a [(u8, &'a str)],
    /// The name of the file that lists paths a folder walk skips.
    pub ignore_file: &'a str,
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
pub fn all_pages(root: &clap::Command, extra: &Extra) -> Vec<Page> {
    fn walk(root: &clap::Command, cmd: &clap::Command, extra: &Extra, out: &mut Vec<Page>) {
        out.push(page(root, cmd, extra));
        for sub in visible(cmd) {
            walk(root, sub, extra, out);
        }
    }
    let mut out = Vec::new();
    walk(root, root, extra, &mut out);
    out
}

/// The page of `cmd`, `root` itself or one of its commands. clap_mangen writes the
/// sections clap knows; the ones a reader of a page expects besides (exit status,
/// environment, files, see also) come from here.
pub fn page(root: &clap::Command, cmd: &clap::Command, extra: &Extra) -> Page {
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
        section(&|w| root_sections(root, extra).to_writer(w));
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

fn root_sections(root: &clap::Command, extra: &Extra) -> Roff {
    let mut r = Roff::new();
    r.control("SH", ["EXIT STATUS"]);
    for &(code, text) in extra.exit_statuses {
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
    r.control("TP", [])
        .text([bold(extra.ignore_file)])
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
