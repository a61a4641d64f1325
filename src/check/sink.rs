//! Where the checker's passes put diagnostics, and what they need to word them well:
//! the names a syntax error already explains, and the budget for "did you mean".

use std::collections::HashSet;

use super::suggest::{self, Suggestion};
use crate::diagnostics::Diagnostic;
use crate::source::Loc;

#[derive(Default)]
pub(crate) struct Sink {
    diags: Vec<Diagnostic>,
    /// Names that declarations which failed to parse seem to declare: an unknown name
    /// among them has already been explained by the syntax error, so it is not
    /// reported again.
    lost_names: HashSet<String>,
    /// Some file had a syntax error: warnings about unused declarations would be noise.
    parse_failed: bool,
    /// What is left of this check's work for "did you mean" (see `suggest.rs`).
    suggestions: suggest::Budget,
}

impl Sink {
    /// Records a diagnostic. (A "did you mean" carries its fix already: see
    /// [`suggest::HelpOr`].)
    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Records a diagnostic as it is.
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// Records that some file had syntax errors, and the names its text seems to declare.
    pub(crate) fn after_parse_errors(&mut self, lost_names: impl IntoIterator<Item = String>) {
        self.parse_failed = true;
        self.lost_names.extend(lost_names);
    }

    pub(crate) fn parse_failed(&self) -> bool {
        self.parse_failed
    }

    /// An unknown name that a declaration with a syntax error probably declares.
    pub(crate) fn lost(&self, name: &str) -> bool {
        self.lost_names.contains(name)
    }

    /// "did you mean" for `name`, misspelt at `at`, among the candidates `gather` lists,
    /// while this check's budget for suggestions lasts; after that, `None` without
    /// gathering.
    pub(crate) fn did_you_mean<'c, I>(
        &self,
        name: &str,
        at: Loc,
        gather: impl FnOnce() -> I,
    ) -> Option<Suggestion>
    where
        I: IntoIterator<Item = &'c str>,
    {
        if self.suggestions.exhausted() {
            return None;
        }
        let name = self.suggestions.did_you_mean(name, gather())?;
        Some(Suggestion { at, name })
    }

    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags
    }
}
