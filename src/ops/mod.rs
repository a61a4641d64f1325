//! The work of the commands, as plain functions returning typed values (as cargo's
//! `ops` are to its command line): loading and checking a policy before deciding with
//! it, answering facts, checking, formatting and drawing files. The CLI parses the
//! arguments, calls these, prints what they return and maps it to exit codes; nothing
//! here prints or knows an exit code.

pub mod check;
pub mod decide;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod graph;
pub mod test;

use std::path::Path;

use crate::check::ir::Policy;
use crate::diagnostics::Diagnostic;
use crate::source::{FileSystem, Sources};

/// The policy at `path` if it type-checks (the IR exists only then); else its errors,
/// none when it cannot be checked at all.
fn type_checked(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
) -> Result<Policy, Vec<Diagnostic>> {
    let checked = crate::check::check_file(sources, fs, path);
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    checked.policy.filter(|_| errors.is_empty()).ok_or(errors)
}

/// The line `decide`, `ask`, `graph` and `diff` print first on standard error about a
/// policy that type-checks (so they can use it) but that `policyc check` rejects for its
/// analysis: `what` names the policy, `consequence` says what that does to the output.
pub fn rejected_warning(what: &str, errors: usize, consequence: &str) -> String {
    let word = if errors == 1 { "error" } else { "errors" };
    format!("warning: {what} does not pass `policyc check` ({errors} {word}); {consequence}")
}

/// How many errors `policyc check`'s analysis finds in a policy that type-checks; none
/// for a module (it decides nothing, so nothing to analyse).
fn check_errors_of(policy: &Policy) -> usize {
    if policy.header.is_none() {
        return 0;
    }
    let mut count = 0;
    decide::count_check_errors(policy, |n| count = n);
    count
}
