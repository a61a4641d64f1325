//! `policyc completions SHELL`: the shell completion script, generated from the clap
//! definitions of this binary, so it always knows every command and option it has.

use clap::Args;
use clap_complete::Shell;

use super::exit;

#[derive(Args, Debug)]
#[command(after_long_help = INSTALL)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// How to load the script in each shell: `policyc completions --help` and the README
/// say the same.
const INSTALL: &str = "\
Install the script where the shell looks for completions (make the folder if missing):
  bash        policyc completions bash > ~/.local/share/bash-completion/completions/policyc
  zsh         policyc completions zsh > ~/.zfunc/_policyc
              and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  fish        policyc completions fish > ~/.config/fish/completions/policyc.fish
  powershell  policyc completions powershell >> $PROFILE
  elvish      policyc completions elvish >> ~/.config/elvish/rc.elv
Open a new shell afterwards. Write the script again after upgrading policyc.";

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
