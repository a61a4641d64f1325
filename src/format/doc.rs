//! A small Wadler-style layout engine: a document of text, breaks and groups, printed
//! within a line width.
//!
//! A group is laid out flat (its breaks become spaces) when it fits on the rest of the
//! line, and broken (its breaks become newlines) otherwise. Comments are not part of the
//! document: they are attached to breaks by id (see `comments.rs`), and a break that
//! carries a comment always becomes a newline, which forces every group around it to
//! break. That keeps comment placement a function of the document alone, so formatting
//! is idempotent.

use crate::collections::HashMap;

use crate::source::Span;

/// Columns a nested block is indented by.
pub const INDENT: usize = 2;

#[derive(Debug)]
pub enum Doc {
    Text(String),
    /// Text that stands for the source at `span`; comments are placed relative to these.
    Elem(String, Span),
    /// A place where a line may break: `flat` (a space or nothing) when its group is laid
    /// out flat, a newline otherwise. A break before a closing bracket indents the
    /// comments it carries like the lines inside the brackets (`closing`).
    Break {
        id: usize,
        flat: &'static str,
        closing: bool,
    },
    /// Always a newline.
    Hard {
        id: usize,
    },
    /// Text printed only when the enclosing group is broken (a trailing comma).
    IfBroken(&'static str),
    Group(Vec<Doc>),
    /// Entries separated by breaks (`[entry, break, entry, ...]`), filled like a
    /// paragraph: each break is a newline only where the next entry does not fit.
    Fill(Vec<Doc>),
    /// Lines broken inside are indented by [`INDENT`] more.
    Indent(Vec<Doc>),
}

/// Hands out break ids, which are unique across a file.
#[derive(Default)]
pub struct Ids(usize);

impl Ids {
    pub fn next(&mut self) -> usize {
        self.0 += 1;
        self.0
    }
    pub fn brk(&mut self, flat: &'static str) -> Doc {
        Doc::Break {
            id: self.next(),
            flat,
            closing: false,
        }
    }
    /// The break before a closing bracket.
    pub fn close(&mut self, flat: &'static str) -> Doc {
        Doc::Break {
            id: self.next(),
            flat,
            closing: true,
        }
    }
    pub fn hard(&mut self) -> Doc {
        Doc::Hard { id: self.next() }
    }
}

/// What a comment-carrying break prints.
#[derive(Debug, Default, Clone)]
pub struct Attached {
    /// A comment at the end of the line the break ends (text after `//`).
    pub trailing: Option<String>,
    /// Comments on lines of their own before the line the break starts, each with
    /// whether a blank line precedes it.
    pub own_line: Vec<(String, bool)>,
}

/// One element of the document in print order, for attaching comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Elem(Span),
    Break(usize),
}

/// Every element and break of `doc` in print order.
pub fn events(doc: &Doc, out: &mut Vec<Event>) {
    // Iterative: an expression document may be deep.
    let mut stack = vec![doc];
    while let Some(d) = stack.pop() {
        match d {
            Doc::Elem(_, span) => out.push(Event::Elem(*span)),
            Doc::Break { id, .. } | Doc::Hard { id } => out.push(Event::Break(*id)),
            Doc::Group(ch) | Doc::Indent(ch) | Doc::Fill(ch) => stack.extend(ch.iter().rev()),
            Doc::Text(_) | Doc::IfBroken(_) => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Flat,
    Broken,
    /// A broken [`Doc::Fill`], continuing at this index of its entries and breaks.
    FillAt(usize),
}

type Cmd<'a> = (usize, Mode, &'a Doc);

fn width(s: &str) -> isize {
    isize::try_from(s.chars().count()).unwrap_or(isize::MAX)
}

/// Prints documents into one string.
pub struct Printer<'a> {
    pub out: String,
    col: usize,
    max: usize,
    attached: &'a HashMap<usize, Attached>,
}

impl<'a> Printer<'a> {
    pub fn new(max: usize, attached: &'a HashMap<usize, Attached>) -> Self {
        Printer {
            out: String::new(),
            col: 0,
            max,
            attached,
        }
    }

    /// Prints `doc` starting at the current position, at indentation `indent`.
    pub fn print(&mut self, doc: &Doc, indent: usize) {
        let mut stack: Vec<Cmd> = vec![(indent, Mode::Broken, doc)];
        while let Some((ind, mode, d)) = stack.pop() {
            if let (Mode::FillAt(i), Doc::Fill(items)) = (mode, d) {
                self.fill_step(ind, i, d, items, &mut stack);
                continue;
            }
            match d {
                Doc::Text(s) | Doc::Elem(s, _) => self.text(s),
                Doc::Fill(ch) => {
                    if mode == Mode::Flat {
                        stack.extend(ch.iter().rev().map(|c| (ind, Mode::Flat, c)));
                    } else {
                        stack.push((ind, Mode::FillAt(0), d));
                    }
                }
                Doc::IfBroken(s) => {
                    if mode == Mode::Broken {
                        self.text(s);
                    }
                }
                Doc::Group(ch) => {
                    let m = if mode == Mode::Flat || self.fits((ind, Mode::Flat, d), &stack) {
                        Mode::Flat
                    } else {
                        Mode::Broken
                    };
                    stack.extend(ch.iter().rev().map(|c| (ind, m, c)));
                }
                Doc::Indent(ch) => {
                    stack.extend(ch.iter().rev().map(|c| (ind + INDENT, mode, c)));
                }
                Doc::Break { id, flat, closing } => {
                    if mode == Mode::Flat && !self.attached.contains_key(id) {
                        self.text(flat);
                    } else {
                        let comments = if *closing { ind + INDENT } else { ind };
                        self.newline(*id, ind, comments);
                    }
                }
                Doc::Hard { id } => self.newline(*id, ind, ind),
            }
        }
    }

    /// One step of a broken fill: entry `i` (even) laid out flat if it fits, or break
    /// `i` (odd) kept flat if the entry after it fits on the line.
    fn fill_step<'d>(
        &mut self,
        ind: usize,
        i: usize,
        d: &'d Doc,
        items: &'d [Doc],
        stack: &mut Vec<Cmd<'d>>,
    ) {
        let Some(item) = items.get(i) else {
            return;
        };
        if i + 1 < items.len() {
            stack.push((ind, Mode::FillAt(i + 1), d));
        }
        if i % 2 == 0 {
            let m = if self.fits((ind, Mode::Flat, item), stack) {
                Mode::Flat
            } else {
                Mode::Broken
            };
            stack.push((ind, m, item));
            return;
        }
        let Doc::Break { id, flat, .. } = item else {
            stack.push((ind, Mode::Broken, item));
            return;
        };
        let next_fits = match items.get(i + 1) {
            Some(next) if !self.attached.contains_key(id) => {
                self.col += flat.chars().count();
                // The entry after the break, then whatever follows it up to a break.
                let mut rest: Vec<Cmd> = stack.clone();
                rest.pop();
                if i + 2 < items.len() {
                    rest.push((ind, Mode::FillAt(i + 2), d));
                }
                let fits = self.fits((ind, Mode::Flat, next), &rest);
                self.col -= flat.chars().count();
                fits
            }
            _ => false,
        };
        if next_fits {
            self.text(flat);
        } else {
            self.newline(*id, ind, ind);
        }
    }

    pub fn text(&mut self, s: &str) {
        self.out.push_str(s);
        self.col += s.chars().count();
    }

    /// Ends the line (with the comments attached to break `id`, own-line ones indented
    /// by `comment_indent`) and indents the next.
    pub fn newline(&mut self, id: usize, indent: usize, comment_indent: usize) {
        let pad = " ".repeat(indent);
        let comment_pad = " ".repeat(comment_indent);
        match self.attached.get(&id) {
            Some(att) => {
                if let Some(t) = &att.trailing {
                    self.end_line_with_comment(t);
                } else {
                    self.end_line();
                }
                for (c, _) in &att.own_line {
                    self.out.push_str(&comment_pad);
                    self.out.push_str("//");
                    self.out.push_str(c);
                    self.end_line();
                }
            }
            None => self.end_line(),
        }
        self.out.push_str(&pad);
        self.col = indent;
    }

    /// Appends ` //text` to the current line and ends it.
    pub fn end_line_with_comment(&mut self, text: &str) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push(' ');
        }
        self.out.push_str("//");
        self.out.push_str(text);
        self.end_line();
    }

    /// Ends the current line, dropping trailing spaces.
    pub fn end_line(&mut self) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.col = 0;
    }

    /// Whether `first` laid out flat, followed by the rest of the line, fits the width.
    fn fits(&self, first: Cmd, rest: &[Cmd]) -> bool {
        let mut left = width_isize(self.max) - width_isize(self.col);
        let mut stack: Vec<Cmd> = vec![first];
        let mut rest_at = rest.len();
        // Whether the group being measured is done and the rest of the line is measured.
        let mut in_rest = false;
        loop {
            let (ind, mode, d) = match stack.pop() {
                Some(c) => c,
                None => {
                    if rest_at == 0 {
                        return true;
                    }
                    in_rest = true;
                    rest_at -= 1;
                    match rest.get(rest_at) {
                        Some(c) => *c,
                        None => return true,
                    }
                }
            };
            if let (Mode::FillAt(i), Doc::Fill(items)) = (mode, d) {
                if i % 2 == 1 {
                    // A break of a broken fill may end the line here.
                    return in_rest;
                }
                if i + 1 < items.len() {
                    stack.push((ind, Mode::FillAt(i + 1), d));
                }
                if let Some(item) = items.get(i) {
                    stack.push((ind, Mode::Flat, item));
                }
                continue;
            }
            match d {
                Doc::Text(s) | Doc::Elem(s, _) => left -= width(s),
                Doc::Fill(ch) => {
                    if mode == Mode::Flat {
                        stack.extend(ch.iter().rev().map(|c| (ind, Mode::Flat, c)));
                    } else {
                        stack.push((ind, Mode::FillAt(0), d));
                    }
                }
                Doc::IfBroken(s) => {
                    if mode == Mode::Broken {
                        left -= width(s);
                    }
                }
                Doc::Break { id, flat, .. } => {
                    if mode == Mode::Broken {
                        return true;
                    }
                    if self.attached.contains_key(id) {
                        // A comment forces this break: the group being measured cannot
                        // be flat; in the rest of the line it ends the line.
                        return in_rest;
                    }
                    left -= width(flat);
                }
                Doc::Hard { .. } => return in_rest,
                // Groups after the one being measured are measured flat: a conservative
                // estimate of the text up to the next line break.
                Doc::Group(ch) => stack.extend(ch.iter().rev().map(|c| (ind, Mode::Flat, c))),
                Doc::Indent(ch) => stack.extend(ch.iter().rev().map(|c| (ind, mode, c))),
            }
            if left < 0 {
                return false;
            }
        }
    }
}

fn width_isize(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}
