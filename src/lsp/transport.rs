//! The protocol's framing on stdin/stdout, read by us rather than by lsp-server.
//!
//! lsp-server's reader believes `Content-Length`: it zero-fills a buffer of whatever size
//! the header claims before reading a byte of the body, so a stray or hostile header
//! (`Content-Length: 1000000000000000`) aborts the process on allocation, and one of
//! `2^64 - 1` panics. Here a header is read line by line within a bound, its length is
//! checked against [`MAX_MESSAGE_BYTES`] before anything is allocated, and the body is
//! read as it arrives (memory follows what the client sent, not what it claimed). A
//! frame that cannot be read ends the session with the reason on stderr: past a broken
//! frame the stream cannot be trusted to line up with message boundaries again, and an
//! editor restarts a server that stops, re-sending its documents whole.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Response};

/// The largest message body accepted, in bytes. A policy file may be 8 MiB
/// ([`crate::source::MAX_FILE_BYTES`]); sent as JSON with every character escaped it
/// stays well under this.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The longest header line read (`Content-Length: ...`, `Content-Type: ...`).
const MAX_HEADER_LINE: usize = 4096;

/// The most header lines in one frame (the protocol defines two).
const MAX_HEADERS: usize = 32;

/// Why a frame could not be read.
#[derive(Debug)]
pub enum FrameError {
    Io(io::Error),
    /// The header is not what the protocol allows, or claims too much.
    Header(String),
    /// The stream ended inside a frame.
    Truncated(String),
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::Io(e) => write!(f, "cannot read from the client: {e}"),
            FrameError::Header(m) | FrameError::Truncated(m) => f.write_str(m),
        }
    }
}

/// Reads one frame's body: `Ok(None)` when the stream ends before a frame starts.
/// `max` is the largest body accepted ([`MAX_MESSAGE_BYTES`] outside tests).
pub fn read_frame(r: &mut impl BufRead, max: usize) -> Result<Option<Vec<u8>>, FrameError> {
    let mut length: Option<u64> = None;
    let mut line = Vec::new();
    for count in 0.. {
        if count == MAX_HEADERS {
            return Err(FrameError::Header(format!(
                "a message header has more than {MAX_HEADERS} lines"
            )));
        }
        line.clear();
        r.by_ref()
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .map_err(FrameError::Io)?;
        if line.is_empty() {
            if count == 0 {
                return Ok(None);
            }
            return Err(FrameError::Truncated(
                "the stream ended inside a message header".into(),
            ));
        }
        let Some(text) = line.strip_suffix(b"\n") else {
            if line.len() >= MAX_HEADER_LINE {
                return Err(FrameError::Header(format!(
                    "a message header line is longer than {MAX_HEADER_LINE} bytes"
                )));
            }
            return Err(FrameError::Truncated(
                "the stream ended inside a message header".into(),
            ));
        };
        // The protocol ends header lines with `\r\n`; a bare `\n` is accepted too.
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            break;
        }
        let text = std::str::from_utf8(text)
            .map_err(|_| FrameError::Header("a message header is not text".into()))?;
        let Some((name, value)) = text.split_once(':') else {
            return Err(FrameError::Header(format!(
                "malformed message header `{}`",
                shorten(text)
            )));
        };
        if !name.trim().eq_ignore_ascii_case("Content-Length") {
            // `Content-Type` (always UTF-8 JSON in practice) and unknown headers.
            continue;
        }
        let n = parse_length(value.trim())?;
        if length.is_some_and(|m| m != n) {
            return Err(FrameError::Header(
                "a message has two different Content-Length headers".into(),
            ));
        }
        length = Some(n);
    }
    let Some(length) = length else {
        return Err(FrameError::Header(
            "a message has no Content-Length header".into(),
        ));
    };
    if length > max as u64 {
        return Err(FrameError::Header(format!(
            "a message of {length} bytes is larger than the limit of {max} bytes"
        )));
    }
    // Grown as bytes arrive, never to the claimed size up front.
    let mut body = Vec::new();
    r.by_ref()
        .take(length)
        .read_to_end(&mut body)
        .map_err(FrameError::Io)?;
    if (body.len() as u64) < length {
        return Err(FrameError::Truncated(format!(
            "the stream ended {} bytes into a message of {length}",
            body.len()
        )));
    }
    Ok(Some(body))
}

/// A Content-Length value: decimal digits only (no sign, no spaces inside), and a
/// number that fits.
fn parse_length(value: &str) -> Result<u64, FrameError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FrameError::Header(format!(
            "Content-Length `{}` is not a number of bytes",
            shorten(value)
        )));
    }
    value.parse::<u64>().map_err(|_| {
        FrameError::Header(format!("Content-Length `{}` is too large", shorten(value)))
    })
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        s.chars().take(57).collect::<String>() + "..."
    } else {
        s.to_string()
    }
}

/// What reading a message body gave.
pub enum Incoming {
    Message(Message),
    /// Well-framed, but not a message; with the request id when one could be read.
    Invalid {
        id: Option<lsp_server::RequestId>,
        reason: String,
    },
}

/// A frame's body as a message.
pub fn parse_message(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Incoming::Invalid {
                id: None,
                reason: format!("a message is not JSON: {e}"),
            }
        }
    };
    let id = value
        .get("id")
        .cloned()
        .and_then(|id| serde_json::from_value::<lsp_server::RequestId>(id).ok());
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => Incoming::Invalid {
            id,
            reason: format!("a message is not a request, response or notification: {e}"),
        },
    }
}

/// The reader and writer threads of a stdio connection.
pub struct IoThreads {
    reader: JoinHandle<Result<(), String>>,
    writer: JoinHandle<io::Result<()>>,
    /// Why reading stopped, sent before the reader lets go of the incoming channel: the
    /// server sees the channel close first and may join before the thread has finished,
    /// and the cause (a frame that cannot be read) must not be lost to that race.
    read_failed: Receiver<String>,
}

impl IoThreads {
    /// Waits for the writer to send what is queued (the connection must be dropped
    /// first), and reports why reading stopped if it has. A reader still blocked on
    /// stdin (the server stopped for another reason) is left behind: the process ends.
    pub fn join(self) -> Result<(), String> {
        let written = self.writer.join();
        let read = if let Ok(e) = self.read_failed.try_recv() {
            Err(e)
        } else if self.reader.is_finished() {
            self.reader
                .join()
                .unwrap_or_else(|_| Err("the reader thread failed".into()))
        } else {
            Ok(())
        };
        read?;
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(format!("cannot write to the client: {e}")),
            Err(_) => Err("the writer thread failed".into()),
        }
    }
}

/// A connection over stdin/stdout with the framing above.
pub fn stdio() -> Result<(Connection, IoThreads), String> {
    let (to_client, outgoing) = crossbeam_channel::unbounded::<Message>();
    // Unbounded: the reader reads ahead, so that a burst of edits is seen whole.
    let (incoming, from_client) = crossbeam_channel::unbounded::<Message>();
    let writer = std::thread::Builder::new()
        .name("policyc-lsp-writer".into())
        .spawn(move || write_all(&outgoing, &mut io::stdout().lock()))
        .map_err(|e| e.to_string())?;
    let replies = to_client.clone();
    let (tell_failed, read_failed) = crossbeam_channel::bounded::<String>(1);
    let reader = std::thread::Builder::new()
        .name("policyc-lsp-reader".into())
        .spawn(move || {
            let read = read_all(
                &mut io::stdin().lock(),
                MAX_MESSAGE_BYTES,
                &incoming,
                &replies,
            );
            if let Err(e) = &read {
                let _ = tell_failed.send(e.clone());
            }
            // Only now may the server see the connection close.
            drop(incoming);
            read
        })
        .map_err(|e| e.to_string())?;
    Ok((
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        IoThreads {
            reader,
            writer,
            read_failed,
        },
    ))
}

fn write_all(outgoing: &Receiver<Message>, out: &mut impl Write) -> io::Result<()> {
    for msg in outgoing {
        msg.write(out)?;
    }
    Ok(())
}

/// Reads messages until `exit`, the end of the stream or a frame that cannot be read.
/// A well-framed body that is no message is logged and skipped, answered with
/// `InvalidRequest` when it has an id.
pub fn read_all(
    r: &mut impl BufRead,
    max: usize,
    incoming: &Sender<Message>,
    replies: &Sender<Message>,
) -> Result<(), String> {
    loop {
        let body = match read_frame(r, max) {
            Ok(Some(body)) => body,
            Ok(None) => return Ok(()),
            // Reported by `run`, as the reason the server stopped.
            Err(e) => return Err(e.to_string()),
        };
        match parse_message(&body) {
            Incoming::Message(msg) => {
                let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if incoming.send(msg).is_err() || exit {
                    return Ok(());
                }
            }
            Incoming::Invalid { id, reason } => {
                crate::output::eprintln(&format!("error: policyc lsp: {reason}; skipped"));
                if let Some(id) = id {
                    let _ = replies.send(Message::Response(Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        reason,
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Result<Option<Vec<u8>>, String>> {
        let mut r = io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            let f = read_frame(&mut r, 1000).map_err(|e| e.to_string());
            let done = !matches!(f, Ok(Some(_)));
            out.push(f);
            if done {
                return out;
            }
        }
    }

    #[test]
    fn reads_frames_in_a_row() {
        let got = frames(b"Content-Length: 2\r\n\r\n{}Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length:3\r\n\r\n[1]");
        assert_eq!(
            got,
            vec![
                Ok(Some(b"{}".to_vec())),
                Ok(Some(b"[1]".to_vec())),
                Ok(None)
            ]
        );
    }

    #[test]
    fn refuses_lengths_before_allocating() {
        for (input, want) in [
            (
                &b"Content-Length: 1000000000000000\r\n\r\n{}"[..],
                "a message of 1000000000000000 bytes is larger than the limit of 1000 bytes",
            ),
            (
                b"Content-Length: 18446744073709551615\r\n\r\n{}",
                "larger than the limit",
            ),
            (
                b"Content-Length: 99999999999999999999999\r\n\r\n{}",
                "is too large",
            ),
            (b"Content-Length: -1\r\n\r\n{}", "is not a number"),
            (b"Content-Length: 1 2\r\n\r\n{}", "is not a number"),
            (b"Content-Length: \r\n\r\n{}", "is not a number"),
            (b"Content-Type: x\r\n\r\n{}", "no Content-Length"),
            (b"nonsense\r\n\r\n", "malformed message header"),
            (
                b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                "two different",
            ),
            (b"Content-Length: 10\r\n\r\n{}", "ended 2 bytes into"),
            (b"Content-Length: 10\r\n", "inside a message header"),
        ] {
            let got = frames(input);
            let last = got.last().unwrap().clone().unwrap_err();
            assert!(last.contains(want), "{last} for {input:?}");
        }
        let long = format!("X-{}: 1\r\n", "a".repeat(MAX_HEADER_LINE));
        let got = frames(long.as_bytes());
        assert!(got[0].clone().unwrap_err().contains("longer than"));
        let many = "X: 1\r\n".repeat(MAX_HEADERS + 1);
        let got = frames(many.as_bytes());
        assert!(got[0].clone().unwrap_err().contains("more than"));
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn well_framed_garbage_is_answered_and_skipped() {
        let input = [
            frame("{nop}"),
            frame("{\"id\": 7}"),
            frame("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"),
            frame("{\"jsonrpc\":\"2.0\",\"method\":\"after-exit\"}"),
        ]
        .concat();
        let (tx, rx) = crossbeam_channel::unbounded();
        let (reply_tx, reply_rx) = crossbeam_channel::unbounded();
        let mut r = io::BufReader::new(input.as_bytes());
        assert_eq!(read_all(&mut r, 1000, &tx, &reply_tx), Ok(()));
        let replies: Vec<Message> = reply_rx.try_iter().collect();
        assert!(
            matches!(&replies[..], [Message::Response(r)] if r.id == 7.into() && r.response_result.is_err()),
            "{replies:?}"
        );
        let got: Vec<Message> = rx.try_iter().collect();
        assert!(
            matches!(&got[..], [Message::Notification(n)] if n.method == "exit"),
            "reading stops at exit: {got:?}"
        );
    }
}
