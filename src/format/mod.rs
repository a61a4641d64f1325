//! `policyc fmt`: the one canonical layout of a policy file.
//!
//! The formatter prints the AST (`build` gives each construct its layout, `doc` fits
//! it in [`WIDTH`] columns) and puts every `//` comment back: a comment on a line of its
//! own goes before the line that holds the code that followed it, at that line's
//! indentation; a comment at the end of a line goes at the end of the line that holds
//! the code before it. Comments attach to line breaks of the layout, never to source
//! positions, so formatting twice gives the same text.
//!
//! Formatting never changes meaning: [`format()`] parses its own output and refuses to
//! return it unless the tree is the same as the input's ([`same_ast`]).

mod build;
pub mod changes;
mod doc;
mod same;

use crate::collections::HashMap;

pub use build::quote;
pub use same::same_ast;

use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast::{File, ItemKind};
use crate::source::{Loc, Span};
use doc::{Attached, Event, Ids, Printer};

/// Lines are kept within this many columns where the language allows a break.
pub const WIDTH: usize = 100;

/// Formats a whole file. A file with syntax errors is refused (its diagnostics are
/// returned, for file id 0), as is, defensively, any output that would not parse back
/// to the same tree.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    // A lone CR ends a line, as it does for every file policyc reads
    // (`source::lone_cr_as_lf`): without this, a `///` line holding one would be one doc
    // comment here and a doc comment and stray text to `check` (found by fuzzing).
    let text = &crate::source::lone_cr_as_lf(text.to_string());
    let (file, diags) = crate::parse::parse(0, text);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let out = format_file(&file, text);
    let (again, diags2) = crate::parse::parse(0, &out);
    if diags2.iter().any(Diagnostic::is_error) || !same_ast(&file, &again) {
        return Err(vec![Diagnostic::error(
            Code::E0901,
            "internal formatter error: the formatted text would change the policy",
        )
        .primary(Loc::new(0, Span::new(0, 0)), "while formatting this file")
        .note("the file was left unchanged; this is a bug in policyc, please report it with this file")]);
    }
    Ok(out)
}

/// Whether a declaration is a one-liner that may sit in a group without blank lines
/// (inputs, outputs, enums, defines...). Other declarations get a blank line around.
fn groups(kind: &ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::Use(_)
            | ItemKind::Enum(_)
            | ItemKind::Input(_)
            | ItemKind::Output(_)
            | ItemKind::Define(_)
            | ItemKind::Assume(_)
            | ItemKind::Scope(_)
            | ItemKind::Ignore(_)
    )
}

/// Prints a parsed file (which must come from `text`) in the canonical layout.
pub fn format_file(file: &File, text: &str) -> String {
    let mut ids = Ids::default();
    let mut builder = build::Builder { ids: &mut ids };
    let docs: Vec<doc::Doc> = file.items.iter().map(|i| builder.item(i)).collect();
    // seps[k] is the break before item k; seps[n] ends the file.
    let seps: Vec<usize> = (0..=docs.len()).map(|_| ids.next()).collect();
    let mut events = Vec::new();
    let mut first_elem: Vec<Option<Span>> = Vec::new();
    for (k, d) in docs.iter().enumerate() {
        events.push(Event::Break(seps.get(k).copied().unwrap_or(0)));
        let before = events.len();
        doc::events(d, &mut events);
        first_elem.push(
            events
                .get(before..)
                .unwrap_or(&[])
                .iter()
                .find_map(|e| match e {
                    Event::Elem(s) => Some(*s),
                    Event::Break(_) => None,
                }),
        );
    }
    let eof = seps.last().copied().unwrap_or(0);
    events.push(Event::Break(eof));

    let placer = CommentPlacer::new(text, file, &events);
    let attached = placer.attach(file, &events, eof);

    let mut p = Printer::new(WIDTH, &attached);
    let empty = Attached::default();
    let n = docs.len();
    if n == 0 {
        for (k, (c, blank)) in attached
            .get(&eof)
            .unwrap_or(&empty)
            .own_line
            .iter()
            .enumerate()
        {
            if k > 0 && *blank {
                p.end_line();
            }
            p.text(&format!("//{c}"));
            p.end_line();
        }
        return p.out;
    }
    for (k, d) in docs.iter().enumerate() {
        let att = seps
            .get(k)
            .and_then(|id| attached.get(id))
            .unwrap_or(&empty);
        let item_blank = first_elem
            .get(k)
            .copied()
            .flatten()
            .is_some_and(|s| placer.blank_before(s.start));
        if k == 0 {
            for (j, (c, blank)) in att.own_line.iter().enumerate() {
                if j > 0 && *blank {
                    p.end_line();
                }
                p.text(&format!("//{c}"));
                p.end_line();
            }
            if !att.own_line.is_empty() && item_blank {
                p.end_line();
            }
        } else {
            match &att.trailing {
                Some(t) => p.end_line_with_comment(t),
                None => p.end_line(),
            }
            let prev = file.items.get(k - 1).map(|i| groups(&i.kind));
            let this = file.items.get(k).map(|i| groups(&i.kind));
            let forced = !(prev == Some(true) && this == Some(true));
            let mut first = true;
            for (c, blank) in &att.own_line {
                if (first && forced) || *blank {
                    p.end_line();
                }
                p.text(&format!("//{c}"));
                p.end_line();
                first = false;
            }
            if (first && forced) || item_blank {
                p.end_line();
            }
        }
        p.print(d, 0);
    }
    let att = attached.get(&eof).unwrap_or(&empty);
    match &att.trailing {
        Some(t) => p.end_line_with_comment(t),
        None => p.end_line(),
    }
    for (c, blank) in &att.own_line {
        if *blank {
            p.end_line();
        }
        p.text(&format!("//{c}"));
        p.end_line();
    }
    p.out
}

/// What comment placement needs to know about the source.
struct CommentPlacer<'a> {
    text: &'a str,
    /// End offsets of every element and comment, sorted.
    ends: Vec<usize>,
    /// Elements by start offset: (start, end, index in the event list).
    elems: Vec<(usize, usize, usize)>,
}

impl<'a> CommentPlacer<'a> {
    fn new(text: &'a str, file: &File, events: &[Event]) -> Self {
        let mut elems: Vec<(usize, usize, usize)> = events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e {
                Event::Elem(s) => Some((s.start, s.end, i)),
                Event::Break(_) => None,
            })
            .collect();
        elems.sort();
        let mut ends: Vec<usize> = elems.iter().map(|e| e.1).collect();
        ends.extend(file.comments.iter().map(|c| c.span.end));
        ends.sort_unstable();
        CommentPlacer { text, ends, elems }
    }

    /// Whether a blank line separates `start` from the code or comment before it.
    fn blank_before(&self, start: usize) -> bool {
        // Strictly before: an empty span at `start` says nothing about the gap.
        let idx = self.ends.partition_point(|&e| e < start);
        let prev = idx
            .checked_sub(1)
            .and_then(|i| self.ends.get(i))
            .copied()
            .unwrap_or(0);
        self.text
            .get(prev..start)
            .is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    /// Whether only blanks precede `at` on its line.
    fn starts_line(&self, at: usize) -> bool {
        let before = self.text.get(..at).unwrap_or("");
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        before
            .get(line_start..)
            .is_some_and(|s| s.trim().is_empty())
    }

    /// Attaches every comment to a break of the layout.
    fn attach(&self, file: &File, events: &[Event], eof: usize) -> HashMap<usize, Attached> {
        let mut attached: HashMap<usize, Attached> = HashMap::default();
        // Comments that lost their place at the end of a line to an earlier one:
        // they go on lines of their own, first, at the same break.
        let mut demoted: HashMap<usize, Vec<String>> = HashMap::default();
        for c in &file.comments {
            let body = c.text.trim_end().to_string();
            let own_line = self.starts_line(c.span.start);
            if !own_line {
                // The element before the comment: the one ending last before it.
                let prev = self
                    .elems
                    .iter()
                    .filter(|e| e.1 <= c.span.start)
                    .max_by_key(|e| (e.1, e.2));
                if let Some(&(_, _, at)) = prev {
                    let brk = events
                        .iter()
                        .skip(at)
                        .find_map(|e| match e {
                            Event::Break(id) => Some(*id),
                            Event::Elem(_) => None,
                        })
                        .unwrap_or(eof);
                    let slot = attached.entry(brk).or_default();
                    if slot.trailing.is_none() {
                        slot.trailing = Some(body);
                    } else {
                        demoted.entry(brk).or_default().push(body);
                    }
                    continue;
                }
            }
            // The element after the comment, then the last break before it.
            let k = self.elems.partition_point(|e| e.0 < c.span.end);
            let brk = match self.elems.get(k) {
                Some(&(_, _, at)) => events
                    .get(..at)
                    .unwrap_or(&[])
                    .iter()
                    .rev()
                    .find_map(|e| match e {
                        Event::Break(id) => Some(*id),
                        Event::Elem(_) => None,
                    })
                    .unwrap_or(eof),
                None => eof,
            };
            let blank = own_line && self.blank_before(c.span.start);
            attached
                .entry(brk)
                .or_default()
                .own_line
                .push((body, blank));
        }
        for (brk, list) in demoted {
            let slot = attached.entry(brk).or_default();
            let mut own: Vec<(String, bool)> = list.into_iter().map(|c| (c, false)).collect();
            own.append(&mut slot.own_line);
            slot.own_line = own;
        }
        attached
    }
}

#[cfg(test)]
mod tests;
