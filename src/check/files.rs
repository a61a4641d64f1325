//! The files a run reads, in words: [`crate::source`] says why a file cannot be loaded
//! or a path yields no policy as typed errors, and this turns them into diagnostics.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::source::walk::{self, Unfound};
use crate::source::{self, FileId, FileSystem, LoadError, Loc, Sources, Span};

/// Reads a file into `sources` ([`source::load`]), or explains why it cannot be used.
///
/// `name` is how the file is shown in diagnostics; `at` is the `use` that names the
/// file, if any: a diagnostic points there, and it must be a regular file
/// ([`FileSystem::read_used`]).
pub fn load_file(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    name: &str,
    at: Option<Loc>,
) -> Result<FileId, Diagnostic> {
    source::load(sources, fs, path, name, at.is_some()).map_err(|e| load_error(e, name, at))
}

/// A file that cannot be loaded as a diagnostic (`E0001`, `E0003`, `E0002`).
fn load_error(e: LoadError, name: &str, at: Option<Loc>) -> Diagnostic {
    let with_at = |d: Diagnostic, msg: &str| match at {
        Some(loc) => d.primary(loc, msg.to_string()),
        None => d,
    };
    match e {
        LoadError::Unreadable(e) => {
            let missing = e.kind() == std::io::ErrorKind::NotFound;
            let d = Diagnostic::error(Code::E0001, format!("cannot read `{name}`: {e}"));
            let d = with_at(d, "this file cannot be read");
            match at {
                Some(_) if missing => {
                    d.help("a `use` path is relative to the folder of the file that has the `use`")
                }
                _ => d,
            }
        }
        LoadError::TooLarge => {
            let d = Diagnostic::error(Code::E0003, format!("`{name}` is larger than 8 MiB")).note(
                "policy files are limited to 8 MiB; split large policies into modules with `use`",
            );
            with_at(d, "this file is too large")
        }
        LoadError::NotUtf8 { file, valid_up_to } => {
            let bad = Span::new(valid_up_to, valid_up_to + '\u{FFFD}'.len_utf8());
            Diagnostic::error(Code::E0002, format!("`{name}` is not valid UTF-8"))
                .primary(
                    Loc::new(file, bad),
                    format!("invalid UTF-8 at byte {valid_up_to}"),
                )
                .help("save the file as UTF-8")
        }
    }
}

/// The `.policy` files named by `paths` ([`walk::policy_files`]: files as given,
/// folders searched recursively, sorted), and a diagnostic per path that yields none.
pub fn policy_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (files, unfound) = walk::policy_files(paths);
    let errors = unfound
        .into_iter()
        .map(|u| match u {
            Unfound::NoPolicies(p) => Diagnostic::error(
                Code::E0004,
                format!("no `.policy` files in `{}`", p.display()),
            )
            .help("name policy files directly, or a folder that contains them"),
            Unfound::Missing(p) => Diagnostic::error(
                Code::E0001,
                format!("cannot read `{}`: no such file or folder", p.display()),
            )
            .help("check the path; folders are searched for `.policy` files"),
        })
        .collect();
    (files, errors)
}
