//! policyc: a compiler and test harness for safeguarding policies written as code.
//!
//! The pipeline runs one way: [`parse`] → [`check`] → [`compile`] → [`analyse`] / [`evaluate`] /
//! [`diff`] / [`export`]; [`mod@format`] lays out a policy's text and [`harness`] runs its tests.
//! [`diagnostics`] and [`source`] are shared by every stage. See `ARCHITECTURE.md` for the
//! code map.

// Output goes through `output`: the standard macros panic on a failed write.
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

// The library's API: the stages and the data between them.
pub mod analyse;
pub mod check;
pub mod compile;
pub mod diagnostics;
pub mod diff;
pub mod evaluate;
pub mod export;
pub mod format;
pub mod harness;
pub mod parse;
pub mod source;

// Not part of the API: what the fuzz targets and the tests need besides it.
#[doc(hidden)]
pub mod fuzzing;
#[doc(hidden)]
pub mod testing;

// The faces and the library's inner parts.
pub(crate) mod cli;
pub(crate) mod collections;
pub(crate) mod lsp;
pub(crate) mod manual;
pub(crate) mod mdd;
pub(crate) mod ops;
pub(crate) mod output;
pub(crate) mod parallel;
pub(crate) mod terminal;
pub(crate) mod words;
pub(crate) mod xml;

/// The `policyc` binary (`src/main.rs`): parses the command line, then runs the command on
/// a thread with a large stack. Not part of the API.
#[doc(hidden)]
pub fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    let cli = cli::parse();
    // Every recursive stage is depth-bounded, but the bounds are sized for a generous
    // stack: run on one of our own rather than the platform's default main thread.
    let worker = std::thread::Builder::new()
        .name("policyc".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(move || cli::run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            output::eprintln(
                "error: policyc crashed; this is a bug, please report it with the input that caused it",
            );
            ExitCode::from(101)
        }
        Err(e) => {
            output::eprintln(&format!("error: could not start: {e}"));
            ExitCode::from(2)
        }
    }
}
