//! Parsing: source text to [`ast::File`], with every node spanned.
//!
//! pest (grammar in `grammar/policy.pest`) builds the parse tree; `lower` turns it into
//! the AST. A hand-written parser (`fast`) reads the common declarations first, several
//! times faster, and leaves to pest every declaration it is not sure of, errors included. A lexical pre-pass (`scan`) first refuses nesting deep enough to exhaust the
//! stack and splits the file into declarations, so that a syntax error in one
//! declaration is reported and the parser goes on with the next: independent mistakes
//! are all reported in one run.

pub mod ast;
mod errors;
mod fast;
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
    for (item, mut found) in parse_chunks(file, text, &scanned.chunks) {
        diags.append(&mut found);
        out.items.extend(item);
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

/// Files past this size parse their declarations on several threads: pest parses about
/// 5 KB a millisecond, and a thread costs some tens of microseconds.
const PARALLEL_BYTES: usize = 16 * 1024;

/// Each declaration of `text` (`chunks`, from the scan) parsed on its own, in order:
/// the declaration, if it parsed, and its diagnostics. The declarations are
/// independent, so a large file's are split among threads (pest took most of `decide`'s
/// time on a policy of 2,000 rules); the result is the same in the same order.
fn parse_chunks(file: FileId, text: &str, chunks: &[Span]) -> Vec<Parsed> {
    let threads = if text.len() < PARALLEL_BYTES {
        1
    } else {
        crate::parallel::workers(4)
    };
    parse_chunks_on(file, text, chunks, threads)
}

/// [`parse_chunks`] on at most `threads` threads.
fn parse_chunks_on(file: FileId, text: &str, chunks: &[Span], threads: usize) -> Vec<Parsed> {
    let one = |part: &[Span]| -> Vec<Parsed> {
        part.iter()
            .filter_map(|&span| parse_chunk(file, text, span))
            .collect()
    };
    if threads < 2 || chunks.len() < 2 * threads {
        return one(chunks);
    }
    // Contiguous parts of about equal text, so the threads finish together.
    let per_part = text.len().div_ceil(threads);
    let mut parts: Vec<&[Span]> = Vec::with_capacity(threads);
    let mut rest = chunks;
    while !rest.is_empty() {
        let first_start = rest.first().map_or(0, |s| s.start);
        let cut = rest
            .iter()
            .position(|s| s.end.saturating_sub(first_start) >= per_part)
            .map_or(rest.len(), |k| k + 1);
        let (part, tail) = rest.split_at(cut);
        parts.push(part);
        rest = tail;
    }
    let (last, others) = match parts.split_last() {
        Some(split) => split,
        None => return Vec::new(),
    };
    std::thread::scope(|scope| {
        // Parsing recurses as deep as nesting allows (`MAX_NESTING`): the helpers get
        // the stack the CLI's own thread has.
        let handles: Vec<_> = others
            .iter()
            .map(|part| {
                let part: &[Span] = part;
                std::thread::Builder::new()
                    .stack_size(PARSE_STACK)
                    .spawn_scoped(scope, move || one(part))
            })
            .collect();
        let tail = one(last);
        let mut all = Vec::with_capacity(chunks.len());
        for (h, part) in handles.into_iter().zip(others) {
            match h {
                Ok(h) => match h.join() {
                    Ok(parsed) => all.extend(parsed),
                    // A panic in the parser is a bug; let it surface as one.
                    Err(payload) => std::panic::resume_unwind(payload),
                },
                // No thread to be had: parse that part here.
                Err(_) => all.extend(one(part)),
            }
        }
        all.extend(tail);
        all
    })
}

/// The stack of a parsing helper thread: as the CLI's main thread (`crate::main`).
const PARSE_STACK: usize = 256 * 1024 * 1024;

/// One declaration parsed, if it did, and its diagnostics.
type Parsed = (Option<ast::Item>, Vec<Diagnostic>);

/// The declaration at `chunk_span`; `None` for blank text.
fn parse_chunk(file: FileId, text: &str, chunk_span: Span) -> Option<Parsed> {
    let chunk = text.get(chunk_span.range())?;
    if chunk.trim().is_empty() {
        return None;
    }
    match fast::item(chunk, chunk_span.start) {
        Some(item) => {
            // Fuzzing checks the two parsers against each other on every declaration.
            #[cfg(fuzzing)]
            {
                let (by_pest, diags) = parse_chunk_with_pest(file, chunk, chunk_span);
                assert!(
                    diags.is_empty() && by_pest.as_ref() == Some(&item),
                    "the fast parser and pest disagree on {chunk:?}:\n{item:?}\n{by_pest:?}"
                );
            }
            Some((Some(item), Vec::new()))
        }
        None => Some(parse_chunk_with_pest(file, chunk, chunk_span)),
    }
}

/// The declaration `chunk` (at `chunk_span`), parsed by pest and lowered.
fn parse_chunk_with_pest(file: FileId, chunk: &str, chunk_span: Span) -> Parsed {
    let lowerer = lower::Lowerer {
        file,
        offset: chunk_span.start,
    };
    let mut diags = Vec::new();
    let mut item = None;
    match PolicyParser::parse(Rule::item_only, chunk) {
        Ok(mut pairs) => {
            let found = pairs
                .next()
                .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::item));
            match found {
                Some(found) => match lowerer.item(found, &mut diags) {
                    Ok(it) => item = Some(it),
                    Err(d) => diags.push(d),
                },
                None => diags.push(
                    Diagnostic::error(Code::E0199, "internal parser error: no declaration")
                        .primary(Loc::new(file, chunk_span), "while reading this declaration"),
                ),
            }
        }
        Err(e) => diags.push(errors::to_diagnostic(&e, file, chunk, chunk_span.start)),
    }
    (item, diags)
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
