//! Rendering diagnostics for people (codespan-reporting) and machines (JSON).

use crate::collections::HashMap;
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor::WriteColor, Config};
use serde::Serialize;
use serde_json::Value;

use super::{Diagnostic, LabelStyle, Severity};
use crate::source::{FileId, Sources};
use crate::terminal::escape_controls;

/// Lines longer than this many bytes are shown in part, around their labels: a
/// label on one line of megabytes would otherwise print all of it, and as many
/// carets, for every diagnostic on it.
const LONG_LINE: usize = 1024;
/// How much of a long line is shown (bytes), and how much of that comes before the
/// first label on it.
const SHOWN: usize = 256;
const BEFORE: usize = 96;

/// The files as a diagnostic shows them: long lines cut to a window around the
/// diagnostic's labels (a window of the real text, so byte offsets stay valid and
/// line numbers and columns stay those of the whole file).
struct Shown<'s> {
    sources: &'s Sources,
    /// Per long line (file, line index) that a label touches: the first labelled byte.
    anchors: HashMap<(FileId, usize), usize>,
}

impl<'s> Shown<'s> {
    fn new(sources: &'s Sources, d: &Diagnostic) -> Self {
        let mut shown = Shown {
            sources,
            anchors: HashMap::default(),
        };
        for l in &d.labels {
            for at in [l.span.start, l.span.end] {
                let Some((line, range)) = shown.line_of(l.file, at) else {
                    continue;
                };
                if range.len() > LONG_LINE {
                    let anchor = shown.anchors.entry((l.file, line)).or_insert(at);
                    *anchor = (*anchor).min(at);
                }
            }
        }
        shown
    }

    /// The line of a byte offset and its text, without the line break.
    fn line_of(&self, file: FileId, at: usize) -> Option<(usize, Range<usize>)> {
        let all = self.sources.files();
        let line = all.line_index(file, at).ok()?;
        Some((line, self.text_range(file, line)?))
    }

    fn text_range(&self, file: FileId, line: usize) -> Option<Range<usize>> {
        let range = self.sources.files().line_range(file, line).ok()?;
        let text = self.sources.text(file).get(range.clone())?;
        let body = text.trim_end_matches(['\n', '\r']);
        Some(range.start..range.start + body.len())
    }

    /// Some line was cut.
    fn cuts(&self) -> bool {
        !self.anchors.is_empty()
    }

    /// The part of a long line that is shown: from a little before its first label,
    /// or from its start, on character boundaries.
    fn window(&self, file: FileId, line: usize, text: Range<usize>) -> Range<usize> {
        let source = self.sources.text(file);
        let floor = |mut i: usize| {
            while i > text.start && !source.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let from = match self.anchors.get(&(file, line)) {
            Some(&a) => a
                .saturating_sub(BEFORE)
                .min(text.end.saturating_sub(SHOWN))
                .max(text.start),
            None => text.start,
        };
        let from = floor(from);
        from..floor((from + SHOWN).min(text.end))
    }

    /// A label's byte range moved into the shown parts of its lines.
    fn clamp(&self, file: FileId, range: Range<usize>) -> Range<usize> {
        let into = |at: usize| match self.line_of(file, at) {
            Some((line, text)) if text.len() > LONG_LINE => {
                let w = self.window(file, line, text);
                at.clamp(w.start, w.end)
            }
            _ => at,
        };
        let start = into(range.start);
        start..into(range.end).max(start)
    }
}

impl<'s> Files<'s> for Shown<'s> {
    type FileId = FileId;
    type Name = String;
    type Source = &'s str;

    /// A file's name, and below its text, with control characters made visible: a file
    /// must not drive the terminal of whoever checks it.
    fn name(&'s self, id: FileId) -> Result<String, files::Error> {
        self.sources
            .files()
            .name(id)
            .map(|n| escape_controls(&n).into_owned())
    }

    fn source(&'s self, id: FileId) -> Result<&'s str, files::Error> {
        self.sources.files().source(id)?;
        Ok(self.sources.shown_text(id))
    }

    fn line_index(&'s self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        self.sources.files().line_index(id, byte_index)
    }

    fn line_range(&'s self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let whole = self.sources.files().line_range(id, line_index)?;
        match self.text_range(id, line_index) {
            Some(text) if text.len() > LONG_LINE => Ok(self.window(id, line_index, text)),
            _ => Ok(whole),
        }
    }

    /// The column in the whole line, not in its shown part.
    fn column_number(
        &'s self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let start = self.sources.files().line_range(id, line_index)?.start;
        Ok(self.sources.chars_between(id, start, byte_index) + 1)
    }
}

fn to_codespan(d: &Diagnostic, shown: &Shown) -> cs::Diagnostic<usize> {
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
            cs::Label::new(style, l.file, shown.clamp(l.file, l.span.range()))
                .with_message(escape_controls(&l.message))
        })
        .collect();
    // Messages quote titles, citations and strings of the file.
    let mut notes: Vec<String> = d
        .notes
        .iter()
        .map(|n| escape_controls(n).into_owned())
        .collect();
    if shown.cuts() {
        notes.push(format!(
            "lines longer than {LONG_LINE} bytes are shown in part, around the labels"
        ));
    }
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", escape_controls(help)));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.code)
        .with_message(escape_controls(&d.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders one diagnostic as plain text, as snapshots pin it.
pub fn to_string(sources: &Sources, d: &Diagnostic) -> String {
    let config = Config::default();
    let shown = Shown::new(sources, d);
    term::emit_into_string(&config, &shown, &to_codespan(d, &shown)).unwrap_or_else(|e| {
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
    let shown = Shown::new(sources, d);
    match term::emit_to_write_style(out, &config, &shown, &to_codespan(d, &shown)) {
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

/// The machine form of a diagnostic (`--format json`, one per line).
#[derive(Serialize)]
struct JsonDiagnostic<'d> {
    code: super::Code,
    severity: Severity,
    message: &'d str,
    /// Where the primary label points, when there is one.
    file: Option<&'d str>,
    line: Option<usize>,
    column: Option<usize>,
    labels: Vec<JsonLabel<'d>>,
    notes: &'d [String],
    help: Option<&'d str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Value>,
}

#[derive(Serialize)]
struct JsonLabel<'d> {
    style: LabelStyle,
    file: &'d str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: usize,
    byte_end: usize,
    message: &'d str,
}

/// The machine form of a diagnostic: code, severity, message, file, and for every label
/// its file, line/column range and byte range; help, notes and data when present. A
/// JSON value (its keys in order), for the commands that embed it in their own output.
pub fn to_json(sources: &Sources, d: &Diagnostic) -> Value {
    let labels = d
        .labels
        .iter()
        .map(|l| {
            let (line, column) = sources.line_col(l.file, l.span.start);
            let (end_line, end_column) = sources.line_col(l.file, l.span.end);
            JsonLabel {
                style: l.style,
                file: sources.name(l.file),
                line,
                column,
                end_line,
                end_column,
                byte_start: l.span.start,
                byte_end: l.span.end,
                message: &l.message,
            }
        })
        .collect();
    let primary = d
        .primary_loc()
        .map(|loc| (loc.file, sources.line_col(loc.file, loc.span.start)));
    let json = JsonDiagnostic {
        code: d.code,
        severity: d.severity,
        message: &d.message,
        file: primary.map(|(file, _)| sources.name(file)),
        line: primary.map(|(_, (line, _))| line),
        column: primary.map(|(_, (_, column))| column),
        labels,
        notes: &d.notes,
        help: d.help.as_deref(),
        data: d.machine_data(),
    };
    // Plain data of strings and numbers always serialises; should it ever not, the
    // message still reaches the reader.
    serde_json::to_value(json).unwrap_or_else(|e| Value::String(format!("{}: {e}", d.message)))
}
