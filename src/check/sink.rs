//! Where the checker's passes put diagnostics, and what they need to word them well:
//! the names a syntax error already explains, and the budget for "did you mean".

use crate::collections::HashSet;
use std::cell::RefCell;

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
    /// The errors of `use`s whose file could not be loaded: any unknown name may be one
    /// that file declares, so none is reported; they are listed on these errors.
    failed_uses: Vec<Diagnostic>,
    /// The unknown names not reported because a `use` failed, in the order met.
    unreported: RefCell<Vec<String>>,
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

    /// Records the errors of `use`s whose file could not be loaded (taken from the
    /// loader's diagnostics; [`Sink::into_diagnostics`] gives them back).
    pub(crate) fn after_failed_uses(&mut self, errors: Vec<Diagnostic>) {
        self.failed_uses.extend(errors);
    }

    /// An unknown name that is explained already: a declaration with a syntax error
    /// probably declares it, or a file a `use` names could not be read and may.
    pub(crate) fn lost(&self, name: &str) -> bool {
        if self.lost_names.contains(name) {
            return true;
        }
        if self.failed_uses.is_empty() {
            return false;
        }
        let mut unreported = self.unreported.borrow_mut();
        if !unreported.iter().any(|n| n == name) {
            unreported.push(name.to_string());
        }
        true
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

    /// Every diagnostic; the errors of failed `use`s say which names they leave
    /// unchecked.
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        let mut diags = self.diags;
        let names = self.unreported.into_inner();
        let listed = |names: &[String]| {
            const SHOWN: usize = 8;
            let mut s: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
            if names.len() > SHOWN {
                s.push(format!("and {} more", names.len() - SHOWN));
            }
            s.join(", ")
        };
        for d in self.failed_uses {
            diags.push(if names.is_empty() {
                d
            } else {
                let (n, what) = match names.len() {
                    1 => (String::new(), "name this program uses is"),
                    k => (format!("{k} "), "names this program uses are"),
                };
                d.note(format!(
                    "{n}{what} declared nowhere else, and not reported while this file cannot be read (it may declare them): {}",
                    listed(&names)
                ))
            });
        }
        diags
    }
}
