//! What `policyc check` runs on many files.

use std::path::PathBuf;

use crate::compile::CompileOptions;
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{FileSystem, Sources};

/// Checks and analyses every file ([`super::check_and_analyse_with`]), after the
/// diagnostics of finding them (`found`); what a file `use`d by several policies says
/// (it is checked with each), or a path named twice, is said once; with
/// `deny_warnings` (`--deny warnings`) every warning is an error, and says so.
pub fn check_files(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    (files, found): (&[PathBuf], Vec<Diagnostic>),
    options: &CompileOptions,
    deny_warnings: bool,
) -> Vec<Diagnostic> {
    let mut all = found;
    for path in files {
        all.extend(super::check_and_analyse_with(sources, fs, path, options).diagnostics);
    }
    dedup(sources, &mut all);
    if deny_warnings {
        for d in &mut all {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                d.notes
                    .push("warnings are denied by `--deny warnings`".into());
            }
        }
    }
    all
}

/// Keeps the first of diagnostics that say the same thing at the same place.
fn dedup(sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| {
        let loc = d.primary_loc();
        let key = (
            d.code,
            d.message.clone(),
            loc.map(|l| (sources.path(l.file).map(|p| p.to_path_buf()), l.span)),
        );
        seen.insert(key)
    });
}
