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
