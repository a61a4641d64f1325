//! The command-line face: argument parsing and printing only. Every command calls the
//! library API; nothing here decides anything about a policy.
//!
//! Everything the commands print goes through [`crate::output`], which never panics on a
//! failed write and keeps the failure for the exit code: `print!` and `eprintln!` are
//! redefined below for every module of the CLI (the crate denies the standard ones).

/// `print!` through [`crate::output`]: a failed write is kept, never a panic.
macro_rules! print {
    ($($arg:tt)*) => {{
        let _ = $crate::output::print(format!($($arg)*));
    }};
}

/// `eprintln!` through [`crate::output`]: a failed write is kept, never a panic.
macro_rules! eprintln {
    ($($arg:tt)*) => {
        $crate::output::eprintln(&format!($($arg)*))
    };
}

pub mod ask;
pub mod check;
pub mod completions;
pub mod decide;
pub mod diff;
pub mod doc;
pub mod explain;
pub mod fmt;
pub mod graph;
pub mod man;
pub mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use codespan_reporting::term::termcolor::ColorChoice;

use crate::diagnostics::Diagnostic;
use crate::source::Sources;

#[derive(Parser, Debug)]
#[command(
    name = "policyc",
    version,
    about = "Compiler and test harness for safeguarding policies written as code"
)]
pub struct Cli {
    /// When to use colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse, type-check and analyse policies (a folder means every `.policy` in it).
    Check(check::CheckArgs),
    /// Compare the decisions of two policies, or of the working tree's policies with a
    /// git revision (`--git REV`): exit 0 same, 1 different, 2 error.
    Diff(diff::DiffArgs),
    /// Run the scenarios and asserts of policies; closing line `N passed, M failed`.
    Test(test::TestArgs),
    /// Decide one incident (or many: JSON Lines or a JSON array) and explain why.
    Decide(decide::DecideArgs),
    /// Ask the questions that matter, one at a time, until the policy decides (an
    /// interview in the terminal, or answers a line each on standard input).
    Ask(ask::AskArgs),
    /// Export the decision graph: dot, mermaid, svg (drawn by policyc) or json.
    Graph(graph::GraphArgs),
    /// Write a static HTML report: an index and a page per policy.
    Doc(doc::DocArgs),
    /// Print the long explanation of a diagnostic code, e.g. `policyc explain E0201`.
    Explain {
        /// The code, such as E0201 (or `all` to list every code).
        code: String,
    },
    /// Format policies in the canonical layout, in place (a folder means every `.policy`).
    Fmt(fmt::FmtArgs),
    /// Run the language server on stdin and stdout (for editors).
    Lsp,
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(completions::CompletionsArgs),
    /// Print the manual page of policyc or of one command, or write them all (`--dir`).
    Man(man::ManArgs),
}

/// `--color`: when to use colour.
pub use crate::terminal::Color as ColorArg;

/// The command line: the derive's definition with what a derive cannot state filled
/// in (the commands `policyc man` takes). Parsing, completions and man pages all read
/// this one definition.
pub fn command() -> clap::Command {
    crate::manual::complete_definition(<Cli as clap::CommandFactory>::command())
}

/// The arguments of this process, parsed by [`command`]; ends the process as clap
/// does on an error or `--help`, with what clap says written through
/// [`crate::output`].
pub fn parse() -> Cli {
    use clap::FromArgMatches;
    let mut cmd = command();
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|m| Cli::from_arg_matches(&m));
    parsed.unwrap_or_else(|e| {
        use std::io::IsTerminal;
        let e = e.format(&mut cmd);
        let on_terminal = if e.use_stderr() {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
        let styled = e.render();
        let text = match ColorArg::Auto.choice(on_terminal) {
            ColorChoice::Never => styled.to_string(),
            _ => styled.ansi().to_string(),
        };
        if e.use_stderr() {
            crate::output::eprint(text);
        } else {
            let _ = crate::output::print(text);
        }
        let code = u8::try_from(e.exit_code()).unwrap_or(exit::USAGE);
        std::process::exit(i32::from(crate::output::exit_code(code)))
    })
}

/// Exit codes of the command-line contract.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
}

pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Check(args) => check::run(&args, cli.color),
        Command::Diff(args) => diff::run(&args, cli.color),
        Command::Test(args) => test::run(&args, cli.color),
        Command::Decide(args) => decide::run(&args, cli.color),
        Command::Ask(args) => ask::run(&args, cli.color),
        Command::Graph(args) => graph::run(&args, cli.color),
        Command::Doc(args) => doc::run(&args, cli.color),
        Command::Explain { code } => explain::run(&code),
        Command::Fmt(args) => fmt::run(&args.paths, args.check, cli.color),
        Command::Lsp => return crate::lsp::run(),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    };
    ExitCode::from(crate::output::exit_code(code))
}

/// Prints diagnostics for people on stderr, in colour when wanted.
pub use crate::output::eprint_diagnostics as print_human;

/// Prints diagnostics for people, then answers the exit code of a command that could
/// not run.
pub fn usage_error(sources: &Sources, diags: &[Diagnostic], color: ColorArg) -> u8 {
    print_human(sources, diags, color);
    exit::USAGE
}

/// Writes a line to stdout.
pub fn out_line(line: &str) {
    let _ = crate::output::println(line);
}
