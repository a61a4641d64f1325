//! Checking: resolves names across `use`d files, checks types and ranges, and builds
//! the [`ir::Policy`] that every later stage trusts.
//!
//! The code map: `files` words why a file cannot be read or a folder holds no policy
//! (E0001-E0004); `modules` loads a file and what it `use`s, each file once by
//! `FileSystem::canonical`, and finds `use` cycles; `imports` checks the policies
//! imported with `use ... as` on their own and adds their outputs; `checker` runs the
//! passes in order and assembles the IR. The passes share tables (`tables`: `Decls`,
//! the declarations; `TypeTable`, their types; `Usage`, what is used; `enums`: enums and
//! variants by name) and report into one `sink` (which also keeps the "did you mean"
//! budget). In `checker`'s order: `resolve` collects the declarations and resolves
//! declared types; `types` types and lowers expressions (a `Typer` borrows the tables;
//! variants resolved by the type expected), `values` the constants of
//! `then`/`given`/`expect`/`default`, `lower` each kind of declaration; `structure`
//! checks define and override cycles; `ignore` lowers `ignore` declarations and refuses
//! an ignored input that is read (E0209); `lints` adds warnings. Beside them: `suggest`
//! finds "did you mean" names, `graph` finds cycles and orders, `protective` reads from
//! a value's name whether it refers or manages (W0509, E0323's merged orders), and
//! `widen` rewrites a policy over another input vocabulary (`crate::diff`, imports).
//! The IR is `ir` (typed ids in `ir/arena.rs`, the inputs a policy reads in
//! `ir/reads.rs`, the IR as text for tests in `ir/pretty.rs`).

pub mod ir;
pub(crate) mod widen;

mod checker;
mod enums;
mod files;
mod graph;
mod ignore;
mod imports;
mod lints;
mod lower;
pub(crate) mod modules;
pub(crate) mod protective;
mod resolve;
mod sink;
mod structure;
mod suggest;
mod tables;
mod types;
mod values;

#[cfg(test)]
mod tests;

use std::path::Path;

pub use files::{is_load_failure, load_file, policy_files};

use crate::diagnostics::Diagnostic;
use crate::source::{FileSystem, Loc, Sources};

/// What checking one file produced: the IR when there were no errors, and every
/// diagnostic (warnings too) either way.
pub struct Checked {
    pub policy: Option<ir::Policy>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads `path` and every file it `use`s, parses and checks them.
pub fn check_file(sources: &mut Sources, fs: &dyn FileSystem, path: &Path) -> Checked {
    check(sources, fs, path, None)
}

/// Checks policy text from memory (no `use`), for tests that need a written policy.
#[cfg(test)]
#[allow(clippy::expect_used)]
pub(crate) fn policy_from_text(text: &str) -> ir::Policy {
    let mut sources = crate::source::Sources::new();
    let checked = check_text(
        &mut sources,
        &crate::testing::MemFs::new(),
        std::path::Path::new("t.policy"),
        text.into(),
    );
    checked.policy.expect("the test policy checks")
}

/// Like [`check_file`], with the root file's text given (an editor's unsaved buffer);
/// the files it `use`s are still read through `fs`.
pub fn check_text(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    text: String,
) -> Checked {
    check(sources, fs, path, Some(text))
}

fn check(sources: &mut Sources, fs: &dyn FileSystem, path: &Path, text: Option<String>) -> Checked {
    check_with(sources, fs, path, text, None, &Vec::new())
}

/// Checks a policy imported with `use ... as` at `at`, `stack` holding the importing
/// files.
pub(crate) fn check_nested(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    at: Loc,
    stack: &imports::ImportStack,
) -> Checked {
    check_with(sources, fs, path, None, Some(at), stack)
}

fn check_with(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    text: Option<String>,
    at: Option<Loc>,
    stack: &imports::ImportStack,
) -> Checked {
    let mut diagnostics = Vec::new();
    let Some(program) = modules::load(sources, fs, path, text, at, &mut diagnostics) else {
        return Checked {
            policy: None,
            diagnostics,
        };
    };
    check_program(sources, fs, path, &program, diagnostics, stack)
}

/// Checks a program already loaded into `sources` by [`modules::load`] (`diagnostics`:
/// what loading it found), for a caller that reads its syntax trees too: the language
/// server parses an open document once for the checker and its index.
pub(crate) fn check_loaded(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    program: &modules::Program,
    diagnostics: Vec<Diagnostic>,
) -> Checked {
    check_program(sources, fs, path, program, diagnostics, &Vec::new())
}

fn check_program(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    program: &modules::Program,
    mut diagnostics: Vec<Diagnostic>,
    stack: &imports::ImportStack,
) -> Checked {
    let Some(root) = program.root().map(|m| m.file) else {
        return Checked {
            policy: None,
            diagnostics,
        };
    };
    let parse_failed = diagnostics.iter().any(Diagnostic::is_error);
    // Imported policies are checked first, on their own; an error in one fails this
    // policy too (the IR exists only for a policy without errors).
    let imported = imports::load(sources, fs, program, path, stack, &mut diagnostics);
    let import_failed = diagnostics.iter().any(Diagnostic::is_error);
    let mut checker = checker::Checker::new(sources, program, root).with_imports(&imported);
    if parse_failed {
        checker.after_parse_errors();
    }
    // A `use` whose file cannot be loaded: its errors go to the checker, which leaves
    // the names that file may declare unreported and lists them on these errors.
    let failed: Vec<Loc> = program
        .modules
        .iter()
        .flat_map(|m| m.uses.iter().filter(|u| u.1.is_none()).map(|u| u.0))
        .collect();
    if !failed.is_empty() {
        let (at_use, rest): (Vec<Diagnostic>, Vec<Diagnostic>) =
            diagnostics.into_iter().partition(|d| {
                // A file that is not UTF-8 is pointed at where it goes wrong, not at the
                // `use`.
                d.code == crate::diagnostics::Code::E0002
                    || d.primary_loc().is_some_and(|l| failed.contains(&l))
            });
        diagnostics = rest;
        checker.after_failed_uses(at_use);
    }
    let (policy, more) = checker.run(path);
    diagnostics.extend(more);
    crate::diagnostics::sort(&mut diagnostics);
    Checked {
        policy: if parse_failed || import_failed {
            None
        } else {
            policy
        },
        diagnostics,
    }
}
