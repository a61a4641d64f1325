//! The `policyc` binary: a thin face over the library, whose `main` runs the command line.

// Output goes through the library's `output`: the standard macros panic on a failed write.
#![deny(clippy::print_stdout, clippy::print_stderr)]

fn main() -> std::process::ExitCode {
    policyc::main()
}
