//! The `policyc` binary: a thin face over the library, whose `main` runs the command line.

// Output goes through the library's `output`: the standard macros panic on a failed write.
#![deny(clippy::print_stdout, clippy::print_stderr)]

// The allocator of the command line and the language server (Cargo.toml says why); a
// program using the library keeps its own.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    policyc::main()
}
