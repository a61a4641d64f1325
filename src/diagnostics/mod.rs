//! Diagnostics as values.
//!
//! Every stage reports problems as [`Diagnostic`]s: a [`Code`] (its explanation in
//! `codes.rs`), a severity, a message, labelled spans, notes and help, details for
//! machines (`data`) and the [`Fix`]es that resolve it. They are rendered for people
//! by [`render`] (codespan-reporting) and serialised for machines as JSON, SARIF
//! ([`sarif`]) and GitHub annotations ([`github`]). This module depends only on
//! [`crate::source`] (and the crate-internal `terminal`).

pub(crate) mod codes;
pub(crate) mod fix;
pub mod github;
pub mod render;
pub mod sarif;

pub use codes::Code;
pub use fix::{Edit, Fix};

use serde::Serialize;

use crate::source::{FileId, Loc, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelStyle {
    Primary,
    Secondary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub style: LabelStyle,
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A diagnostic's details for machines, kept as JSON text until a machine reads them:
/// `check` words hundreds of findings for people, who never do, and building each as a
/// `serde_json::Value` (a map per object) was a twentieth of `check` at 816 listed
/// conflicts. Read as a value, objects' keys come sorted, as they always have.
#[derive(Clone, Debug)]
pub struct Data(Box<serde_json::value::RawValue>);

impl Data {
    /// The details as a JSON value.
    pub fn value(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.0.get()).ok()
    }
}

impl PartialEq for Data {
    fn eq(&self, other: &Data) -> bool {
        self.0.get() == other.0.get() || self.value() == other.value()
    }
}

impl Serialize for Data {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// Structured details for machines (an example incident, a region, counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Data>,
    /// Changes to the text that resolve it, for editors (quick fixes) and tools.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            data: None,
            fixes: Vec::new(),
        }
    }

    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, message)
    }

    /// The label that says what is wrong here.
    pub fn primary(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            style: LabelStyle::Primary,
            file: loc.file,
            span: loc.span,
            message: message.into(),
        });
        self
    }

    /// A label that says why: where a type, a name or a value came from.
    pub fn secondary(mut self, loc: Loc, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            style: LabelStyle::Secondary,
            file: loc.file,
            span: loc.span,
            message: message.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn data(self, data: serde_json::Value) -> Self {
        self.data_of(&data)
    }

    /// [`Diagnostic::data`] from a typed payload; a payload that is not a JSON value
    /// (a map with keys that are not strings) is a bug in a stage and leaves none. Kept
    /// as text ([`Data`]): a payload that text cannot carry back (nested past
    /// serde_json's 128 levels) reads back as none, and an integer past 64 bits as a
    /// float; counts of incidents go through `compile::describe::Count`, which writes
    /// those as strings.
    pub fn data_of(mut self, data: &impl Serialize) -> Self {
        self.data = serde_json::value::to_raw_value(data).ok().map(Data);
        self
    }

    /// The details for machines as a JSON value (see [`Data`]).
    pub fn data_value(&self) -> Option<serde_json::Value> {
        self.data.as_ref().and_then(Data::value)
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    /// `data` as machines read it (`--format json`, SARIF): the details of the finding
    /// and, per fix, its entry ([`Fix::data_entry`]: `suggestion`, `accept`).
    pub fn machine_data(&self) -> Option<serde_json::Value> {
        if self.fixes.is_empty() {
            return self.data_value();
        }
        let mut data = self
            .data_value()
            .unwrap_or_else(|| serde_json::Value::Object(serde_json::Map::new()));
        if let Some(map) = data.as_object_mut() {
            for (key, value) in self.fixes.iter().filter_map(Fix::data_entry) {
                map.insert(key.to_string(), serde_json::Value::String(value));
            }
        }
        Some(data)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where the primary label points, if it has one.
    pub fn primary_loc(&self) -> Option<Loc> {
        self.labels
            .iter()
            .find(|l| l.style == LabelStyle::Primary)
            .map(|l| Loc::new(l.file, l.span))
    }
}

/// Sorts diagnostics by file and position, errors first at equal positions, so
/// output is stable whatever order the stages found them in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| {
        let loc = d.primary_loc().unwrap_or_default();
        (
            loc.file,
            loc.span.start,
            std::cmp::Reverse(d.severity),
            d.code,
        )
    });
}
