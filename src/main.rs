//! The `policyc` binary: a thin face over the library (see `policyc::cli`).

// Output goes through `policyc::output`: the standard macros panic on a failed write.
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = policyc::cli::parse();
    // Every recursive stage is depth-bounded, but the bounds are sized for a generous
    // stack: run on one of our own rather than the platform's default main thread.
    let worker = std::thread::Builder::new()
        .name("policyc".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(move || policyc::cli::run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        Ok(Err(_)) => {
            policyc::output::eprintln(
                "error: policyc crashed; this is a bug, please report it with the input that caused it",
            );
            ExitCode::from(101)
        }
        Err(e) => {
            policyc::output::eprintln(&format!("error: could not start: {e}"));
            ExitCode::from(2)
        }
    }
}
