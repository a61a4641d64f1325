//! Facts read from a stream (a file, standard input) in bounded memory: JSON Lines are
//! answered as they are read, a line at most [`MAX_LINE_BYTES`] long (a longer one is
//! skipped, and answered with an error); one object or a JSON array is read whole, at
//! most [`MAX_FACTS_BYTES`].

use std::io::{BufRead, Read};

use super::layout::{incidents_of, is_blank, is_json, is_json_lines, parse_line, starts_array};
use super::{Incidents, Item};
use crate::diagnostics::{Code, Diagnostic};

/// The facts are read whole, so more than this is refused rather than read until
/// memory runs out (`--facts -` fed by an endless stream, or `--facts /dev/zero`);
/// 100,000 incidents as JSON Lines take some 10 MiB.
pub const MAX_FACTS_BYTES: u64 = 256 * 1024 * 1024;

/// The longest line of JSON Lines read as a stream.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The incidents of the facts read from `reader`. Which layout the facts have is told
/// from their first two lines that are not blank ([`super::layout`] has the rule); an
/// error reading those, or reading facts held whole, is the error of the whole stream
/// (`InvalidData` when they are not UTF-8), while one later in a stream of JSON Lines
/// answers the line where it happened.
pub fn from_reader<'a, R: BufRead + 'a>(mut reader: R) -> std::io::Result<Incidents<'a>> {
    // The head: every line up to the second that is not blank. It is kept as read: one
    // object or an array (maybe one long line) is read whole.
    let mut head: Vec<RawLine> = Vec::new();
    let mut filled = 0;
    while filled < 2 {
        let Some(mut raw) = read_raw_line(&mut reader)? else {
            break;
        };
        if head.is_empty() {
            // A byte-order mark (some Windows editors write one) says only that the
            // facts are UTF-8; it is not JSON.
            raw.strip_bom();
        }
        let cut = matches!(raw, RawLine::Cut(_));
        if cut || !is_blank(raw.bytes()) {
            filled += 1;
        }
        head.push(raw);
        if cut {
            break;
        }
    }
    if !streams(&head) {
        let bytes: Vec<u8> = head.into_iter().flat_map(RawLine::into_bytes).collect();
        return Ok(incidents_of(read_rest(bytes, reader)?));
    }
    let mut texts = Vec::with_capacity(head.len());
    for raw in head {
        texts.push(match raw {
            RawLine::Whole(l) => line_text(l),
            RawLine::Cut(_) => {
                skip_line(&mut reader)?;
                Err(too_long())
            }
        });
    }
    let lines = Lines {
        head: texts.into_iter(),
        reader,
        failed: false,
    };
    Ok(Incidents::Many(Ok(Box::new(
        lines
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !matches!(l, Ok(l) if is_blank(l.as_bytes())))
            .map(|(line, l)| Item {
                line,
                facts: l.and_then(|l| parse_line(&l)),
            }),
    ))))
}

/// Whether facts that begin with `head` are JSON Lines, answered as they are read.
fn streams(head: &[RawLine]) -> bool {
    let mut filled = head
        .iter()
        .filter(|l| matches!(l, RawLine::Cut(_)) || !is_blank(l.bytes()));
    match (filled.next(), filled.next()) {
        (Some(RawLine::Whole(first)), Some(second)) if !starts_array(first) => {
            let first = strip_break(first);
            match second {
                // An over-long second line is a bad line of a batch whose first line
                // is a JSON value; otherwise the facts may be one long document.
                RawLine::Cut(_) => is_json(first),
                RawLine::Whole(second) => is_json_lines(first, strip_break(second)),
            }
        }
        _ => false,
    }
}

/// The facts text: `head` (already read) and the rest of `from`, at most
/// [`MAX_FACTS_BYTES`] in all.
fn read_rest(mut head: Vec<u8>, from: impl Read) -> std::io::Result<String> {
    let limit = MAX_FACTS_BYTES.saturating_sub(head.len() as u64);
    let before = head.len();
    from.take(limit + 1).read_to_end(&mut head)?;
    if (head.len() - before) as u64 > limit {
        return Err(std::io::Error::other(format!(
            "the facts are larger than {} MiB; split the batch",
            MAX_FACTS_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(head).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// A line of a stream as read.
enum RawLine {
    /// The whole line, its line break included (none at the end of the stream).
    Whole(Vec<u8>),
    /// The first [`MAX_LINE_BYTES`] + 1 bytes of a longer line; the rest is unread.
    Cut(Vec<u8>),
}

impl RawLine {
    fn bytes(&self) -> &[u8] {
        match self {
            RawLine::Whole(b) | RawLine::Cut(b) => b,
        }
    }

    fn strip_bom(&mut self) {
        let (RawLine::Whole(b) | RawLine::Cut(b)) = self;
        if b.starts_with(b"\xef\xbb\xbf") {
            b.drain(..3);
        }
    }

    fn into_bytes(self) -> Vec<u8> {
        match self {
            RawLine::Whole(b) | RawLine::Cut(b) => b,
        }
    }
}

/// One line of a stream, holding at most [`MAX_LINE_BYTES`] + 1 bytes; `None` at the end.
fn read_raw_line<R: BufRead>(reader: &mut R) -> std::io::Result<Option<RawLine>> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    Ok((n > 0).then(|| {
        if buf.last() != Some(&b'\n') && buf.len() > MAX_LINE_BYTES {
            RawLine::Cut(buf)
        } else {
            RawLine::Whole(buf)
        }
    }))
}

/// Reads past the rest of a line cut short, holding none of it: an over-long line is
/// skipped in bounded memory and the stream goes on at the next line.
fn skip_line<R: BufRead>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// A line without its line break (`\n` or `\r\n`), as `str::lines` gives it.
fn strip_break(mut line: &[u8]) -> &[u8] {
    if let Some(l) = line.strip_suffix(b"\n") {
        line = l.strip_suffix(b"\r").unwrap_or(l);
    }
    line
}

/// A whole line as text, without its line break; a line that is not UTF-8 is one bad
/// line (it was read whole, so the next line starts after it).
fn line_text(buf: Vec<u8>) -> Result<String, Vec<Diagnostic>> {
    let len = strip_break(&buf).len();
    let mut buf = buf;
    buf.truncate(len);
    String::from_utf8(buf).map_err(|_| bad_line("the line is not valid UTF-8".into()))
}

fn bad_line(why: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(Code::E0510, format!("cannot read the facts: {why}"))
            .help("give one JSON object per line"),
    ]
}

fn too_long() -> Vec<Diagnostic> {
    bad_line(format!(
        "the line is longer than {} MiB (it was skipped)",
        MAX_LINE_BYTES / (1024 * 1024)
    ))
}

/// The lines of a stream after the ones already read, each a line's text or the error
/// that answers it.
struct Lines<R> {
    head: std::vec::IntoIter<Result<String, Vec<Diagnostic>>>,
    reader: R,
    /// After an I/O error: where the next line starts is unknown.
    failed: bool,
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Result<String, Vec<Diagnostic>>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(l) = self.head.next() {
            return Some(l);
        }
        if self.failed {
            return None;
        }
        let read = read_raw_line(&mut self.reader).and_then(|raw| match raw {
            Some(RawLine::Cut(_)) => skip_line(&mut self.reader).map(|()| Some(Err(too_long()))),
            Some(RawLine::Whole(l)) => Ok(Some(line_text(l))),
            None => Ok(None),
        });
        match read {
            Ok(item) => item,
            Err(e) => {
                // Said on the line where reading stopped, so a short answer is not
                // mistaken for a whole one.
                self.failed = true;
                Some(Err(vec![Diagnostic::error(
                    Code::E0001,
                    format!("cannot read the facts from this line on: {e}"),
                )
                .help(
                    "this line and the ones after it are not answered; answer them again",
                )]))
            }
        }
    }
}
