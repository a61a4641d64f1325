//! Standard output and standard error as `policyc` writes them. `print!` and
//! `eprintln!` panic when a write fails (`policyc diff a b > /dev/full`), and
//! `let _ = write!(...)` loses the output without a word; everything the binary says
//! goes through here instead. The first failed write of each stream is kept, later
//! writes to it are skipped, and [`exit_code`] turns a failure into the command's end:
//! a closed pipe (`policyc explain all | head`) ends quietly, any other failure is
//! reported once on standard error and exits 2.

use std::io::{self, Write};
use std::sync::Mutex;

/// One of the two streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

/// The first failed write of standard output and of standard error: how, and the
/// error's words.
static FAILED: Mutex<[Option<(io::ErrorKind, String)>; 2]> = Mutex::new([None, None]);

fn slot(s: Stream) -> usize {
    match s {
        Stream::Out => 0,
        Stream::Err => 1,
    }
}

/// How the stream's first write failed, if one did.
pub fn failed(s: Stream) -> Option<(io::ErrorKind, String)> {
    match FAILED.lock() {
        Ok(f) => f.get(slot(s)).cloned().flatten(),
        Err(_) => Some((io::ErrorKind::Other, "policyc failed while writing".into())),
    }
}

fn record(s: Stream, e: &io::Error) {
    if let Ok(mut f) = FAILED.lock() {
        if let Some(first @ None) = f.get_mut(slot(s)) {
            *first = Some((e.kind(), e.to_string()));
        }
    }
}

/// A writer to one stream that records its first failure; once the stream failed,
/// writes fail at once without touching it. Unbuffered (each write reaches the stream,
/// so a failure is seen where it happens): wrap it in a `BufWriter` for many small
/// writes.
#[derive(Clone, Copy, Debug)]
pub struct Writer(pub Stream);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.with(|w| w.write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.with(|w| w.write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.with(|w| w.flush())
    }
}

impl Writer {
    fn with<T>(&self, f: impl FnOnce(&mut dyn Write) -> io::Result<T>) -> io::Result<T> {
        if let Some((kind, why)) = failed(self.0) {
            return Err(io::Error::new(kind, why));
        }
        let result = match self.0 {
            Stream::Out => f(&mut io::stdout().lock()),
            Stream::Err => f(&mut io::stderr().lock()),
        };
        if let Err(e) = &result {
            record(self.0, e);
        }
        result
    }
}

/// Writes `text` to standard output and flushes it: `Err` when it could not (the
/// failure is kept for [`exit_code`]), so that a loop can stop.
pub fn print(text: impl AsRef<[u8]>) -> io::Result<()> {
    let mut w = Writer(Stream::Out);
    w.write_all(text.as_ref())?;
    w.flush()
}

/// A line on standard output ([`print`]).
pub fn println(line: &str) -> io::Result<()> {
    let mut w = io::BufWriter::new(Writer(Stream::Out));
    w.write_all(line.as_bytes())?;
    w.write_all(b"\n")?;
    w.flush()
}

/// Writes `text` to standard error; a failure is kept for [`exit_code`].
pub fn eprint(text: impl AsRef<[u8]>) {
    let mut w = Writer(Stream::Err);
    let _ = w.write_all(text.as_ref()).and_then(|()| w.flush());
}

/// A line on standard error ([`eprint`]).
pub fn eprintln(line: &str) {
    eprint(format!("{line}\n"));
}

/// Lines on standard error ([`eprintln`]), such as the warnings a command prints first.
pub fn eprintln_all<I: IntoIterator<Item = S>, S: AsRef<str>>(lines: I) {
    for line in lines {
        eprintln(line.as_ref());
    }
}

/// Writes lines to standard output through one buffer, stopping at a failed write.
pub fn println_all<I: IntoIterator<Item = String>>(lines: I) {
    let mut out = io::BufWriter::new(Writer(Stream::Out));
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// Writes diagnostics for people on standard error, in colour when `color` wants it.
pub fn eprint_diagnostics<'d>(
    sources: &crate::source::Sources,
    diags: impl IntoIterator<Item = &'d crate::diagnostics::Diagnostic>,
    color: crate::terminal::Color,
) {
    use codespan_reporting::term::termcolor::{Buffer, ColorChoice};
    use std::io::IsTerminal;
    let ansi = match color.choice(io::stderr().is_terminal()) {
        ColorChoice::Never => false,
        // What termcolor's `Auto` does on a terminal: no colour for a dumb one.
        ColorChoice::Auto if std::env::var_os("TERM").is_none_or(|t| t == "dumb") => false,
        _ => true,
    };
    let diags: Vec<&crate::diagnostics::Diagnostic> = diags.into_iter().collect();
    // Rendered whole, then written at once: the renderer writes a character at a time.
    // Each part's text is one item: joined byte by byte, a megabyte of conflicts took
    // as long to join as to render.
    let render = |part: &[&crate::diagnostics::Diagnostic]| {
        let mut buf = if ansi {
            Buffer::ansi()
        } else {
            Buffer::no_color()
        };
        for d in part {
            let _ = crate::diagnostics::render::emit(&mut buf, sources, d);
        }
        vec![buf.into_inner()]
    };
    // Hundreds of diagnostics (a large policy's conflicts) are rendered in parts on
    // every core, joined in order: the same bytes, without waiting on one core.
    let x = crate::parallel::in_parts(&diags, RENDERED_APART, render).concat();
    eprint(x);
}

/// Diagnostics from which [`eprint_diagnostics`] renders in parts, on every core.
const RENDERED_APART: usize = 64;

/// The exit code of a command that would exit with `code`, given how its writes went:
/// a failed write (other than a closed pipe) is said once on standard error and exits
/// 2, as any I/O error does; a closed pipe stops the output quietly and leaves `code`
/// alone (the reader stopped reading, nothing went wrong with what was found).
pub fn exit_code(code: u8) -> u8 {
    let closed = |k: io::ErrorKind| k == io::ErrorKind::BrokenPipe;
    match (failed(Stream::Out), failed(Stream::Err)) {
        (Some((k, why)), _) if !closed(k) => {
            eprintln(&format!("error: cannot write to standard output: {why}"));
            2
        }
        (_, Some((k, _))) if !closed(k) => 2,
        _ => code,
    }
}
