//! Rendering diagnostics for people (codespan-reporting) and machines (JSON).

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor::WriteColor, Config};
use serde_json::{json, Value};

use super::{Diagnostic, LabelStyle, Severity};
use crate::source::Sources;

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let labels = d
        .labels
        .iter()
        .map(|l| {
            let style = match l.style {
                LabelStyle::Primary => cs::LabelStyle::Primary,
                LabelStyle::Secondary => cs::LabelStyle::Secondary,
            };
            cs::Label::new(style, l.file, l.span.range()).with_message(l.message.clone())
        })
        .collect();
    let mut notes = d.notes.clone();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.code)
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders one diagnostic as plain text, as snapshots pin it.
pub fn to_string(sources: &Sources, d: &Diagnostic) -> String {
    let config = Config::default();
    term::emit_into_string(&config, sources.files(), &to_codespan(d)).unwrap_or_else(|e| {
        // A label outside its file is a bug in a stage, but the message must still reach
        // the user rather than vanish.
        format!(
            "{}[{}]: {} (could not render source: {e})\n",
            sev_word(d.severity),
            d.code,
            d.message
        )
    })
}

/// Renders one diagnostic to a terminal stream, in colour where the stream wants it.
pub fn emit(out: &mut dyn WriteColor, sources: &Sources, d: &Diagnostic) -> std::io::Result<()> {
    let config = Config::default();
    match term::emit_to_write_style(out, &config, sources.files(), &to_codespan(d)) {
        Ok(()) => Ok(()),
        Err(_) => writeln!(out, "{}[{}]: {}", sev_word(d.severity), d.code, d.message),
    }
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The machine form of a diagnostic: code, severity, message, file, and for every label
/// its file, line/column range and byte range; help, notes and data when present.
pub fn to_json(sources: &Sources, d: &Diagnostic) -> Value {
    let labels: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            let (line, column) = sources.line_col(l.file, l.span.start);
            let (end_line, end_column) = sources.line_col(l.file, l.span.end);
            json!({
                "style": l.style,
                "file": sources.name(l.file),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "byte_start": l.span.start,
                "byte_end": l.span.end,
                "message": l.message,
            })
        })
        .collect();
    let primary = d.primary_loc();
    let (file, line, column) = match primary {
        Some(loc) => {
            let (line, col) = sources.line_col(loc.file, loc.span.start);
            (
                Value::from(sources.name(loc.file)),
                Value::from(line),
                Value::from(col),
            )
        }
        None => (Value::Null, Value::Null, Value::Null),
    };
    let mut obj = json!({
        "code": d.code,
        "severity": d.severity,
        "message": d.message,
        "file": file,
        "line": line,
        "column": column,
        "labels": labels,
        "notes": d.notes,
        "help": d.help,
    });
    if let (Some(data), Some(map)) = (&d.data, obj.as_object_mut()) {
        map.insert("data".into(), data.clone());
    }
    obj
}
