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
    /// An `accept gap` without `when` narrowed to the gap as it is now: ` when CONDITION`
    /// inserted at `at` (an empty span at the end of the acceptance). Not preferred: the
    /// writer must check that the reason covers the whole of it.
    AddWhen { at: Loc, condition: String },
    /// Two `precedence` clauses of one output (E0323) replaced, at `at` (from the first
    /// clause to the end of the second), by one `clause` keeping the order of both.
    /// `only`: the one such order, the obvious fix; otherwise one of the orders the
    /// clauses leave open, for the writer to choose by the document.
    MergePrecedence { at: Loc, clause: String, only: bool },
    /// A conflict settled one way: `overrides OTHER` added to `rule` at `at` (an empty
    /// span: after the last name of its clause, or with `new_clause`, as one). A
    /// conflict offers one per direction, never one alone: which rule is the exception
    /// is the document's to say, so each title says what the conflict's example would
    /// then get (`decides`).
    Override {
        at: Loc,
        new_clause: bool,
        rule: String,
        other: String,
        decides: String,
    },
    /// A conflict settled by the output's precedence: `clause` (`precedence a > b`) in
    /// place of the declared one at `at` (`replace`), or else as a new clause at `at`,
    /// the end of the output's declaration. Offered in both orders, each title saying
    /// what the example would then get.
    Precedence {
        at: Loc,
        replace: bool,
        output: String,
        clause: String,
        decides: String,
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
            Fix::MergePrecedence { clause, only, .. } => {
                if *only {
                    format!("Merge the two clauses: `{clause}`")
                } else {
                    format!("Merge the two clauses as `{clause}` (check the order against the document)")
                }
            }
            Fix::AddWhen { condition, .. } => {
                format!("Accept only the gap as it is now: `when {condition}`")
            }
            Fix::Override {
                rule,
                other,
                decides,
                ..
            } => format!("Make `{rule}` override `{other}`: the example gets {decides}"),
            Fix::Precedence {
                output,
                clause,
                decides,
                replace,
                ..
            } => {
                if *replace {
                    format!("Extend the precedence of `{output}` to `{clause}`: the example gets {decides}")
                } else {
                    format!("Declare `{clause}` on `{output}`: the example gets {decides}")
                }
            }
        }
    }

    /// The one obvious fix, which an editor may apply without asking. Accepting a gap, or
    /// settling a conflict one way, is a decision about the policy, never the obvious
    /// thing to do.
    pub fn preferred(&self) -> bool {
        matches!(
            self,
            Fix::Rename { .. } | Fix::MergePrecedence { only: true, .. }
        )
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
                    text: format!("\n{}\n", self.accept_clause()),
                }
            }
            Fix::MergePrecedence { at, clause, .. } => Edit {
                loc: *at,
                text: clause.clone(),
            },
            Fix::AddWhen { at, condition } => Edit {
                loc: *at,
                text: format!(" when {condition}"),
            },
            Fix::Override {
                at,
                new_clause,
                other,
                ..
            } => Edit {
                loc: *at,
                text: if *new_clause {
                    format!("\n  overrides {other}")
                } else {
                    format!(", {other}")
                },
            },
            Fix::Precedence {
                at,
                replace,
                clause,
                ..
            } => Edit {
                loc: *at,
                text: if *replace {
                    clause.clone()
                } else {
                    format!("\n  {clause}")
                },
            },
        }
    }

    /// The entry machines read in a diagnostic's `data` (`--format json`, SARIF): the
    /// name to put in place of the misspelt one (`suggestion`), the clause that accepts
    /// a gap (`accept`). A conflict's ways of settling it have none: its notes say them.
    pub fn data_entry(&self) -> Option<(&'static str, String)> {
        match self {
            Fix::Rename { to, .. } => Some(("suggestion", to.clone())),
            Fix::AcceptGap { .. } => Some(("accept", self.accept_clause())),
            Fix::AddWhen { condition, .. } => Some(("when", format!("when {condition}"))),
            Fix::MergePrecedence {
                clause, only: true, ..
            } => Some(("suggestion", clause.clone())),
            Fix::MergePrecedence { .. } => None,
            Fix::Override { .. } | Fix::Precedence { .. } => None,
        }
    }

    fn accept_clause(&self) -> String {
        match self {
            Fix::AcceptGap {
                output, condition, ..
            } => format!("accept gap {output} \"reason\" when {condition}"),
            _ => String::new(),
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
        let clause = "accept gap o \"why\"";
        let text2 = format!("{clause}\n");
        let file2 = sources.add("q.policy", None, text2.clone());
        let narrow = Fix::AddWhen {
            at: Loc::new(file2, Span::new(clause.len(), clause.len())),
            condition: "coercion".into(),
        };
        assert_eq!(
            narrow.edit(&sources).apply(&text2).as_deref(),
            Some("accept gap o \"why\" when coercion\n")
        );
        assert!(!narrow.preferred());
        let two = "  precedence a > b\n  precedence b > c\n";
        let file3 = sources.add("r.policy", None, two.to_string());
        let merge = |only| Fix::MergePrecedence {
            at: Loc::new(file3, Span::new(2, two.len() - 1)),
            clause: "precedence a > b > c".into(),
            only,
        };
        assert_eq!(
            merge(true).edit(&sources).apply(two).as_deref(),
            Some("  precedence a > b > c\n")
        );
        assert!(merge(true).preferred() && !merge(false).preferred());
        assert_eq!(
            narrow.data_entry(),
            Some(("when", "when coercion".to_string()))
        );
        let outside = Edit {
            loc: Loc::new(file, Span::new(0, text.len() + 1)),
            text: String::new(),
        };
        assert_eq!(outside.apply(text), None);
    }

    #[test]
    fn an_override_joins_a_clause_or_makes_one_and_has_no_data_entry() {
        let mut sources = Sources::default();
        let text = "rule r \"R\"\n  overrides a\n  then o = true\n";
        let file = sources.add("p.policy", None, text.to_string());
        let end = text.find(" a\n").unwrap_or_default() + 2;
        let join = Fix::Override {
            at: Loc::new(file, Span::new(end, end)),
            new_clause: false,
            rule: "r".into(),
            other: "b".into(),
            decides: "`o` = true".into(),
        };
        assert_eq!(
            join.edit(&sources).apply(text).as_deref(),
            Some("rule r \"R\"\n  overrides a, b\n  then o = true\n")
        );
        let title_end = text.find('\n').unwrap_or_default();
        let new = Fix::Override {
            at: Loc::new(file, Span::new(title_end, title_end)),
            new_clause: true,
            rule: "r".into(),
            other: "b".into(),
            decides: "`o` = true".into(),
        };
        assert_eq!(
            new.edit(&sources).apply(text).as_deref(),
            Some("rule r \"R\"\n  overrides b\n  overrides a\n  then o = true\n")
        );
        assert_eq!(
            join.title(),
            "Make `r` override `b`: the example gets `o` = true"
        );
        assert!(!join.preferred());
        assert_eq!(join.data_entry(), None);
    }
}
