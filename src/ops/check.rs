//! `policyc check`'s work: every file named (folders walked) type-checked and analysed.

use std::path::PathBuf;

use crate::compile::CompileOptions;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::source::{RealFs, Sources};

/// What checking some paths found.
pub struct Checked {
    pub sources: Sources,
    /// The `.policy` files the paths named.
    pub files: Vec<PathBuf>,
    /// Every diagnostic, of every file, in order.
    pub diagnostics: Vec<Diagnostic>,
    /// A path that names no file, or a file that cannot be read: the check could not run
    /// on all it was asked to (a `use`d file that cannot be read is an error in the
    /// policy that names it, not this).
    pub usage_error: bool,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// What `--quiet` leaves of the diagnostics for people: the errors (the counts of
    /// the summary still say what else there is).
    pub fn shown(&self, quiet: bool) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| !quiet || d.is_error())
            .collect()
    }

    /// How many pairs of rules a precedence decides between (the notes `W0506`, one per
    /// listed pair, and a count of the rest): not failures, but a precedence ranked the
    /// wrong way round decides these, so a CI log shows how many even with `--quiet`.
    pub fn decided_by_precedence(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.code == Code::W0506)
            .map(|d| {
                d.data_value()
                    .as_ref()
                    .and_then(|v| v.get("pairs"))
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(1)
            })
            .sum()
    }

    /// The closing line for people: `checked N files: E error(s), W warning(s)`, and
    /// `, P decided by precedence` when a precedence decides between rules.
    pub fn summary(&self) -> String {
        let files = if self.files.len() == 1 {
            "file"
        } else {
            "files"
        };
        let decided = match self.decided_by_precedence() {
            0 => String::new(),
            n => format!(", {n} decided by precedence"),
        };
        format!(
            "checked {} {files}: {} error(s), {} warning(s){decided}",
            self.files.len(),
            self.errors(),
            self.warnings()
        )
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Checks the policies under `paths` (`deny_warnings`: warnings count as errors).
pub fn check_paths(paths: &[PathBuf], options: &CompileOptions, deny_warnings: bool) -> Checked {
    let (files, errors) = crate::check::policy_files(paths);
    let mut usage_error = !errors.is_empty();
    let mut sources = Sources::new();
    let diagnostics = crate::analyse::check_files(
        &mut sources,
        &RealFs,
        (&files, errors),
        options,
        deny_warnings,
    );
    usage_error = usage_error || diagnostics.iter().any(crate::check::is_load_failure);
    Checked {
        sources,
        files,
        diagnostics,
        usage_error,
    }
}
