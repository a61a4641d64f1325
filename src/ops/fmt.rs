//! `policyc fmt`'s work: a file read and put in the canonical layout.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, FileSystem, Sources};

/// One file, formatted.
pub enum Formatted {
    /// It is in the canonical layout already.
    Unchanged,
    /// Its text and the canonical one.
    Changed { text: String, formatted: String },
    /// It cannot be read.
    Unread(Diagnostic),
    /// It cannot be parsed: the diagnostics point into it.
    Unparsed(Vec<Diagnostic>),
}

/// The file at `path` formatted (`name`: how diagnostics name it).
pub fn format_file(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    name: &str,
) -> Formatted {
    let id = match crate::check::load_file(sources, fs, path, name, None) {
        Ok(id) => id,
        Err(d) => return Formatted::Unread(d),
    };
    let text = sources.text(id).to_string();
    match crate::format::format(&text) {
        Ok(formatted) if formatted == text => Formatted::Unchanged,
        Ok(formatted) => Formatted::Changed { text, formatted },
        // The formatter parses the text alone, as file 0: point at this file.
        Err(diags) => Formatted::Unparsed(diags.into_iter().map(|d| in_file(d, id)).collect()),
    }
}

/// The closing line: how many of the `files` were (or, with `check`, would be)
/// reformatted.
pub fn summary(check: bool, changed: usize, files: usize) -> String {
    let verb = if check {
        "would reformat"
    } else {
        "reformatted"
    };
    let files_word = if files == 1 { "file" } else { "files" };
    format!("{verb} {changed} of {files} {files_word}")
}

fn in_file(mut d: Diagnostic, file: FileId) -> Diagnostic {
    for l in &mut d.labels {
        l.file = file;
    }
    d
}
