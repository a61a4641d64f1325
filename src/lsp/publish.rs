//! The library's diagnostics as the protocol has them, and the fixes they carry.
//!
//! Every position goes through one [`LineCache`] per set of files: a document with
//! 20,000 findings converts each file's lines once, not once per finding and label.

use crate::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString};

use super::caps::ClientCaps;
use super::convert::{path_to_uri, LineCache};
use crate::diagnostics::{Diagnostic, LabelStyle, Severity};
use crate::source::{FileId, Sources, Span};

/// What a diagnostic sent to the editor carries in `data`, and the editor hands back
/// when it asks for code actions: the diagnostic's fixes ([`crate::diagnostics::Fix`]),
/// ready to apply to the document. Only these are sent (the rest of a diagnostic's
/// data, such as a region's example, can be large); one type writes and reads them.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Carried {
    pub fixes: Vec<QuickFix>,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct QuickFix {
    pub title: String,
    pub preferred: bool,
    /// In the document the diagnostic is shown on.
    pub edit: lsp_types::TextEdit,
}

/// The `data` of a diagnostic as the editor gets it: its fixes that edit the document
/// (`in_doc`), as [`Carried`]; `None` when there are none.
fn carried(
    sources: &Sources,
    lines: &LineCache,
    d: &Diagnostic,
    in_doc: impl Fn(FileId) -> bool,
) -> Option<serde_json::Value> {
    let fixes: Vec<QuickFix> = d
        .fixes
        .iter()
        .filter_map(|f| {
            let edit = f.edit(sources);
            if !in_doc(edit.loc.file) {
                return None;
            }
            Some(QuickFix {
                title: f.title(),
                preferred: f.preferred(),
                edit: lsp_types::TextEdit::new(
                    lines.range(sources, edit.loc.file, edit.loc.span),
                    edit.text,
                ),
            })
        })
        .collect();
    if fixes.is_empty() {
        return None;
    }
    serde_json::to_value(Carried { fixes }).ok()
}

/// The diagnostics that belong in the document at `path`, as the protocol has them:
/// secondary labels become related information, help and notes join the message.
///
/// With `ours`, findings about this document's policy that point into a `use`d file
/// (a gap on an output the shared vocabulary declares, assumptions that leave nothing)
/// are shown on this document: on its first label here, else at its start, naming
/// where they point. The checker's errors in other files are summed up on the `use`
/// instead ([`foreign_errors`]), so they are left out.
pub fn to_lsp(
    sources: &Sources,
    lines: &LineCache,
    caps: ClientCaps,
    path: &Path,
    diags: &[Diagnostic],
    ours: bool,
) -> Vec<lsp_types::Diagnostic> {
    // Whether a file is the document, decided once per file rather than per label.
    let in_doc_files: Vec<bool> = (0..sources.len())
        .map(|f| {
            sources
                .path(f)
                .is_some_and(|p| crate::source::normalize(p) == path)
        })
        .collect();
    let in_doc = |file: FileId| in_doc_files.get(file).copied().unwrap_or(false);
    let doc_start = || sources.find_path(path).map(|f| (f, Span::new(0, 0)));
    let mut out = Vec::with_capacity(diags.len());
    for d in diags {
        let primary = d.primary_loc();
        let mut elsewhere = None;
        let (file, span) = match primary {
            Some(loc) if in_doc(loc.file) => (loc.file, loc.span),
            Some(loc) if ours => {
                elsewhere = Some(loc);
                match d.labels.iter().find(|l| in_doc(l.file)) {
                    Some(l) => (l.file, l.span),
                    None => match doc_start() {
                        Some(at) => at,
                        None => continue,
                    },
                }
            }
            Some(_) => continue,
            None => match doc_start() {
                Some(at) => at,
                None => continue,
            },
        };
        let mut message = d.message.clone();
        if let Some(loc) = elsewhere {
            let (line, _) = sources.line_col(loc.file, loc.span.start);
            message.push_str(&format!(" (at {}:{line})", sources.name(loc.file)));
        }
        for n in &d.notes {
            message.push_str(&format!("\nnote: {n}"));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let primary_label = d
            .labels
            .iter()
            .find(|l| l.style == LabelStyle::Primary)
            .map(|l| l.message.as_str())
            .unwrap_or("");
        if !primary_label.is_empty() && !message.contains(primary_label) {
            message = format!("{message}\n{primary_label}");
        }
        let related_labels = d
            .labels
            .iter()
            .filter(|l| l.style == LabelStyle::Secondary || elsewhere.is_some());
        let related: Vec<DiagnosticRelatedInformation> = if caps.related_information {
            related_labels
                .filter_map(|l| {
                    let uri = path_to_uri(sources.path(l.file)?)?;
                    Some(DiagnosticRelatedInformation {
                        location: Location::new(uri, lines.range(sources, l.file, l.span)),
                        message: l.message.clone(),
                    })
                })
                .collect()
        } else {
            // A client that shows no related information gets the places in the
            // message.
            for l in related_labels {
                let (line, _) = sources.line_col(l.file, l.span.start);
                message.push_str(&format!("\n{}:{line}: {}", sources.name(l.file), l.message));
            }
            Vec::new()
        };
        out.push(lsp_types::Diagnostic {
            range: lines.range(sources, file, span),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Note => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some("policyc".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            data: carried(sources, lines, d, in_doc),
            ..lsp_types::Diagnostic::default()
        });
    }
    out
}

/// Errors found in files the document `use`s (directly or through others), summed up on
/// the `use` that reaches them: the document cannot check until they are fixed.
pub fn foreign_errors(
    check_sources: &Sources,
    diags: &[Diagnostic],
    sources: &Sources,
    lines: &LineCache,
    prog: &crate::check::modules::Program,
    path: &Path,
) -> Vec<lsp_types::Diagnostic> {
    let norm = |p: &Path| crate::source::normalize(p);
    let mut errors: HashMap<PathBuf, (usize, String)> = HashMap::default();
    for d in diags.iter().filter(|d| d.is_error()) {
        let Some(p) = d
            .primary_loc()
            .and_then(|l| check_sources.path(l.file))
            .map(norm)
        else {
            continue;
        };
        if p != path {
            let e = errors.entry(p).or_insert((0, d.message.clone()));
            e.0 += 1;
        }
    }
    let Some(root) = prog.root() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (loc, target) in &root.uses {
        let Some(start) = target else { continue };
        // Every module this `use` reaches.
        let mut seen = vec![*start];
        let mut k = 0;
        while let Some(&m) = seen.get(k) {
            for (_, next) in prog
                .modules
                .get(m)
                .map(|m| m.uses.as_slice())
                .unwrap_or(&[])
            {
                if let Some(n) = next {
                    if !seen.contains(n) {
                        seen.push(*n);
                    }
                }
            }
            k += 1;
        }
        let mut count = 0;
        let mut first = None;
        for m in &seen {
            let Some(p) = prog
                .modules
                .get(*m)
                .and_then(|m| sources.path(m.file))
                .map(norm)
            else {
                continue;
            };
            if let Some((n, msg)) = errors.remove(&p) {
                count += n;
                first.get_or_insert((p, msg));
            }
        }
        if let Some((p, msg)) = first {
            out.push(lsp_types::Diagnostic {
                range: lines.range(sources, root.file, loc.span),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("policyc".into()),
                message: format!(
                    "{count} error(s) in used file `{}`; the first: {msg}",
                    p.display()
                ),
                ..lsp_types::Diagnostic::default()
            });
        }
    }
    out
}
