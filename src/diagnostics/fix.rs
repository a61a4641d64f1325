//! Fixes: changes to a policy's text that resolve a diagnostic.
//!
//! A stage that knows how a problem is mended says so where it builds the diagnostic,
//! as a typed [`Fix`], so that the language server's quick fixes (and any tool) apply
//! it without reading it back out of a message or of `data` by key.

use serde::Serialize;

use crate::source::{FileId, Loc, Sources, Span};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fix", rename_all = "snake_case")]
pub enum Fix {
    /// The misspelt name at `loc` replaced by the declared name "did you mean" found.
    Rename { loc: Loc, to: String },
    /// An unaccepted gap accepted by `accept gap OUTPUT "reason" when CONDITION` added at
    /// the end of `file` (the policy's own file), the reason left for the writer to give.
    /// Only made for a complete condition: a cut-short one is not valid syntax.
    AcceptGap {
        file: FileId,
        output: String,
        condition: String,
    },
}

/// One change to one file: the text at `loc` replaced by `text` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub loc: Loc,
    pub text: String,
}

impl Fix {
    /// What an editor offers: "Replace with `x`", "Accept this gap ...".
    pub fn title(&self) -> String {
        match self {
            Fix::Rename { to, .. } => format!("Replace with `{to}`"),
            Fix::AcceptGap { .. } => "Accept this gap (then give the reason)".to_string(),
        }
    }

    /// The one obvious fix, which an editor may apply without asking. Accepting a gap is
    /// a decision about the policy, never the obvious thing to do.
    pub fn preferred(&self) -> bool {
        matches!(self, Fix::Rename { .. })
    }

    /// The change to make, in the files as `sources` holds them.
    pub fn edit(&self, sources: &Sources) -> Edit {
        match self {
            Fix::Rename { loc, to } => Edit {
                loc: *loc,
                text: to.clone(),
            },
            Fix::AcceptGap { file, .. } => {
                let end = sources.text(*file).len();
                Edit {
                    loc: Loc::new(*file, Span::new(end, end)),
                    text: format!("\n{}\n", self.data_entry().1),
                }
            }
        }
    }

    /// The entry machines read in a diagnostic's `data` (`--format json`, SARIF): the
    /// name to put in place of the misspelt one (`suggestion`), the clause that accepts
    /// a gap (`accept`).
    pub fn data_entry(&self) -> (&'static str, String) {
        match self {
            Fix::Rename { to, .. } => ("suggestion", to.clone()),
            Fix::AcceptGap {
                output, condition, ..
            } => (
                "accept",
                format!("accept gap {output} \"reason\" when {condition}"),
            ),
        }
    }
}

impl Edit {
    /// `text`, the text of the edit's file, with the edit made; `None` when the span is
    /// not on character boundaries of it.
    pub fn apply(&self, text: &str) -> Option<String> {
        let before = text.get(..self.loc.span.start)?;
        let after = text.get(self.loc.span.end..)?;
        Some(format!("{before}{}{after}", self.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rename_replaces_its_span_and_a_gap_is_accepted_at_the_end() {
        let mut sources = Sources::default();
        let text = "rule r \"R\"\n  when coercoin\n";
        let file = sources.add("p.policy", None, text.to_string());
        let at = text.find("coercoin").unwrap_or_default();
        let rename = Fix::Rename {
            loc: Loc::new(file, Span::new(at, at + "coercoin".len())),
            to: "coercion".into(),
        };
        assert_eq!(
            rename.edit(&sources).apply(text).as_deref(),
            Some("rule r \"R\"\n  when coercion\n")
        );
        assert!(rename.preferred());
        let accept = Fix::AcceptGap {
            file,
            output: "o".into(),
            condition: "not coercion".into(),
        };
        assert_eq!(
            accept.edit(&sources).apply(text).as_deref(),
            Some("rule r \"R\"\n  when coercoin\n\naccept gap o \"reason\" when not coercion\n")
        );
        assert!(!accept.preferred());
        let outside = Edit {
            loc: Loc::new(file, Span::new(0, text.len() + 1)),
            text: String::new(),
        };
        assert_eq!(outside.apply(text), None);
    }
}
