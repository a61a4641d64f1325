//! `policyc completions SHELL`: the shell completion script, generated from the clap
//! definitions of this binary, so it always knows every command and option it has.

use clap::Args;
use clap_complete::Shell;

use super::exit;

#[derive(Args, Debug)]
#[command(after_long_help = crate::manual::COMPLETIONS_NOTES)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> u8 {
    let mut cmd = super::command();
    // Into memory first: the generator panics on a failed write, and a closed pipe
    // (`policyc completions bash | head`) is not worth a crash.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "policyc", &mut script);
    write_stdout(&script);
    exit::OK
}

/// Writes `bytes` to stdout ([`crate::output`]).
pub(super) fn write_stdout(bytes: &[u8]) {
    let _ = crate::output::print(bytes);
}
