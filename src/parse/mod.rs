//! Parsing: source text to [`ast::File`], with every node spanned.
//!
//! pest (grammar in `grammar/policy.pest`) builds the parse tree; `lower` turns it into
//! the AST. A lexical pre-pass (`scan`) first refuses nesting deep enough to exhaust the
//! stack and splits the file into declarations, so that a syntax error in one
//! declaration is reported and the parser goes on with the next: independent mistakes
//! are all reported in one run.

pub mod ast;
mod errors;
mod grammar;
mod lower;
mod scan;

pub use lower::MAX_EXPR_DEPTH;
pub use scan::MAX_NESTING;

use pest::Parser;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Loc, Span};
use grammar::{PolicyParser, Rule};

/// Parses one file. Always returns a (possibly partial) AST: declarations that failed
/// to parse are left out and reported.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let scanned = scan::scan(text);
    let mut diags = Vec::new();
    let mut out = ast::File {
        items: Vec::new(),
        comments: scanned.comments,
    };
    if let Some(span) = scanned.too_deep {
        diags.push(
            Diagnostic::error(Code::E0104, "brackets or operators are nested too deeply")
                .primary(
                    Loc::new(file, span),
                    format!("more than {MAX_NESTING} levels deep here"),
                )
                .help("split the expression into named `define`s"),
        );
        return (out, diags);
    }
    for chunk_span in &scanned.chunks {
        let Some(chunk) = text.get(chunk_span.range()) else {
            continue;
        };
        if chunk.trim().is_empty() {
            continue;
        }
        let lowerer = lower::Lowerer {
            file,
            offset: chunk_span.start,
        };
        match PolicyParser::parse(Rule::item_only, chunk) {
            Ok(mut pairs) => {
                let item = pairs
                    .next()
                    .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::item));
                match item {
                    Some(item) => match lowerer.item(item, &mut diags) {
                        Ok(item) => out.items.push(item),
                        Err(d) => diags.push(d),
                    },
                    None => diags.push(
                        Diagnostic::error(Code::E0199, "internal parser error: no declaration")
                            .primary(
                                Loc::new(file, *chunk_span),
                                "while reading this declaration",
                            ),
                    ),
                }
            }
            Err(e) => diags.push(errors::to_diagnostic(&e, file, chunk, chunk_span.start)),
        }
    }
    if text.trim().is_empty() || (out.items.is_empty() && diags.is_empty()) {
        diags.push(
            Diagnostic::warning(Code::W0100, "the file declares nothing")
                .primary(
                    // The first character, whole: the text may start with a
                    // multi-byte space.
                    Loc::new(
                        file,
                        Span::new(0, text.chars().next().map_or(0, char::len_utf8)),
                    ),
                    "empty file",
                )
                .help("a policy starts with `policy NAME \"title\"`; see docs/language.md"),
        );
    }
    (out, diags)
}

/// Parses one expression on its own (for the language server and tests).
pub fn parse_expr(file: FileId, text: &str) -> Result<ast::Expr, Diagnostic> {
    let scanned = scan::scan(text);
    if let Some(span) = scanned.too_deep {
        return Err(
            Diagnostic::error(Code::E0104, "brackets or operators are nested too deeply").primary(
                Loc::new(file, span),
                format!("more than {MAX_NESTING} levels deep here"),
            ),
        );
    }
    let lowerer = lower::Lowerer { file, offset: 0 };
    let expr_only = PolicyParser::parse(Rule::expr, text)
        .map_err(|e| errors::to_diagnostic(&e, file, text, 0))?;
    let pair = expr_only.into_iter().next().ok_or_else(|| {
        Diagnostic::error(Code::E0101, "expected an expression")
            .primary(Loc::new(file, Span::new(0, 0)), "here")
    })?;
    if pair.as_span().end() != text.trim_end().len() {
        let at = pair.as_span().end();
        return Err(
            Diagnostic::error(Code::E0101, "unexpected text after the expression").primary(
                Loc::new(file, Span::new(at, text.len())),
                "not part of the expression",
            ),
        );
    }
    lowerer.expr(pair)
}

#[cfg(test)]
mod tests;
