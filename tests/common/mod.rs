//! Helpers the integration tests share: running the binary and reading what it did.

#![allow(
    dead_code,
    reason = "each test crate includes this module and uses its own part of it"
)]
#![allow(clippy::expect_used, reason = "a test helper fails loudly")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `policyc` with `args`, colour off.
pub fn policyc(args: &[&str]) -> Output {
    command(args).output().expect("run policyc")
}

/// Runs `policyc` with `args` in `dir`, colour off.
pub fn policyc_in(dir: &Path, args: &[&str]) -> Output {
    command(args)
        .current_dir(dir)
        .output()
        .expect("run policyc")
}

/// Runs policyc with its standard input taken from `stdin`, or from `input` written to
/// it when `stdin` is a pipe.
#[allow(
    dead_code,
    reason = "each test binary uses its own part of this module"
)]
pub fn policyc_fed(args: &[&str], stdin: std::process::Stdio, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = command(args)
        .stdin(stdin)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run policyc");
    if let Some(mut pipe) = child.stdin.take() {
        // policyc may stop reading early (a refused stream): a broken pipe is fine.
        let _ = pipe.write_all(input);
    }
    child.wait_with_output().expect("wait for policyc")
}

/// The `policyc` command with `args`, colour off, not started yet.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_policyc"));
    cmd.args(args).env("NO_COLOR", "1");
    cmd
}

/// The exit code; a signal (a crash) has none and gives -1, which fails every check of
/// a code.
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh, empty folder for one test, named after the test crate and `name`, under
/// cargo's temporary folder for tests (`target/tmp`): each run replaces the last one's,
/// so runs do not pile up copies of the binary and the policies in the system's /tmp.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("policyc-{}-{name}", env!("CARGO_CRATE_NAME")));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}
