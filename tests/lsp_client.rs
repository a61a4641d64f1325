//! The language server driven by a third-party client library: the pytest-lsp suite in
//! `tests/lsp_client/` (lsprotocol's types read every message; the capability sets of
//! VS Code, Neovim and Emacs; pygls keeps the client's text). Skipped with a note
//! where python3 or pytest-lsp is missing (`pip install pytest-lsp`; `.ci/run`
//! installs it).

use std::process::Command;

#[test]
fn a_third_party_client_drives_the_server() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let ready = Command::new(&python)
        .args(["-c", "import pytest_lsp"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        eprintln!(
            "note: tests/lsp_client skipped: `{python}` with pytest-lsp is needed (pip install pytest-lsp)"
        );
        return;
    }
    let out = Command::new(&python)
        .args(["-m", "pytest", "-q", "tests/lsp_client"])
        .env("POLICYC_BIN", env!("CARGO_BIN_EXE_policyc"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => panic!("cannot run {python} -m pytest: {e}"),
    };
    assert!(
        out.status.success(),
        "the pytest-lsp suite failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
