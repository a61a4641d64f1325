//! `policyc lsp`: a language server on stdin/stdout (lsp-server's message types and
//! lsp-types, with our own framing: [`transport`]).
//!
//! A thin face over the library: every open document is checked with
//! [`crate::check::check_text`] (parse, names, types) and, when clean, analysed
//! ([`crate::analyse::analyse_policy`]) as `policyc check` does, on a thread of its own
//! so that typing never waits for the analyses; its names are indexed from the
//! parsed files ([`index`]); the requests answer from those results ([`requests`]).
//! Files that the document `use`s are read from the editor's unsaved buffers when open
//! there ([`Overlay`]), from disk otherwise.
//!
//! The protocol as the specification has it: the lifecycle (a request before
//! `initialized` is answered `ServerNotInitialized` and the session goes on; after
//! `shutdown` requests are refused; `exit` ends with 0 only after `shutdown`),
//! incremental synchronisation in the position encoding the client negotiated
//! ([`convert::apply_change`]: a change that cannot be applied is refused, never
//! guessed), diagnostics tagged with the version they were computed for and never
//! published for a version already replaced, and answers in the forms the client
//! declared ([`caps`]).

mod caps;
mod complete;
mod convert;
pub mod index;
mod publish;
mod requests;
pub mod transport;

use crate::collections::HashMap;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DiagnosticSeverity, ExecuteCommandOptions,
    HoverProviderCapability, MessageType, OneOf, PositionEncodingKind, PublishDiagnosticsParams,
    SaveOptions, ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};

use crate::parse::ast;
use crate::source::{FileId, FileSystem, RealFs, Sources, Span};
use caps::ClientCaps;
pub use convert::Encoding;
use convert::{apply_change, uri_to_path, LineCache};
use index::Index;

/// The command a quick fix becomes for a client without code action literals: the
/// server applies its edit with `workspace/applyEdit`.
const APPLY_FIX: &str = "policyc.applyFix";

/// How the server behaves in time.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// How long the checker's diagnostics of an edited clean policy wait for its
    /// analyses, to be published once with them rather than twice (the analyses'
    /// warnings would vanish and come back on every edit). An analysis that takes
    /// longer is preceded by the checker's diagnostics, then published whole when it is
    /// done. A document just opened gets the checker's diagnostics at once (there is
    /// nothing on screen to flicker). Zero: the checker's diagnostics are always
    /// published first.
    pub analysis_grace: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            analysis_grace: Duration::from_millis(300),
        }
    }
}

/// Runs the server on stdin/stdout until the client says `exit`: 0 after `shutdown`,
/// 1 otherwise (the protocol's rule), or when the stream broke.
pub fn run() -> ExitCode {
    let (connection, io_threads) = match transport::stdio() {
        Ok(c) => c,
        Err(e) => {
            crate::output::eprintln(&format!("error: policyc lsp: cannot start: {e}"));
            return ExitCode::from(1);
        }
    };
    let served = serve(connection);
    // A broken stream is the cause of whatever `serve` then says: report it first.
    match (io_threads.join(), served) {
        (Ok(()), Ok(())) => ExitCode::SUCCESS,
        (Err(e), _) | (Ok(()), Err(e)) => {
            crate::output::eprintln(&format!("error: policyc lsp: {e}"));
            ExitCode::from(1)
        }
    }
}

/// The capabilities the server offers, positions counted in `encoding`.
pub fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            // Values are offered after `=`, `==`, `!=`, and `{` and `,` in a set.
            trigger_characters: Some(vec!["=".into(), "{".into(), ",".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![APPLY_FIX.into()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Serves one client over `connection` (stdio, or an in-memory pair in tests) until
/// `exit`, with the default [`Options`].
pub fn serve(connection: Connection) -> Result<(), String> {
    serve_with(connection, Options::default())
}

/// Serves one client: the initialize handshake, then requests and notifications until
/// `exit`. `Ok` when the client shut the server down before `exit`.
pub fn serve_with(connection: Connection, options: Options) -> Result<(), String> {
    serve_session(connection, options, true)
}

/// Serves one client with every analysis run in line rather than on a thread, so that
/// a session depends on its messages alone (the fuzzer's, `crate::fuzzing`).
#[doc(hidden)]
pub fn serve_in_line(connection: Connection) -> Result<(), String> {
    let options = Options {
        analysis_grace: Duration::ZERO,
    };
    serve_session(connection, options, false)
}

fn serve_session(connection: Connection, options: Options, threads: bool) -> Result<(), String> {
    let caps = handshake(&connection)?;
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Finished>();
    let mut server = Server::new(caps, options, threads.then_some(done_tx));
    let mut queue: VecDeque<Message> = VecDeque::new();
    let mut shutting_down = false;
    loop {
        let msg = match queue
            .pop_front()
            .or_else(|| connection.receiver.try_recv().ok())
        {
            Some(m) => m,
            None => {
                // Nothing waiting: check what the edits left unchecked, a document at
                // a time (a burst of edits is checked once, at its last).
                if let Some(path) = server.next_dirty() {
                    let out = server.recheck(&path);
                    flush(&connection, &mut queue, &mut server, out)?;
                    continue;
                }
                let timer = server
                    .next_deadline()
                    .map_or_else(crossbeam_channel::never, crossbeam_channel::at);
                crossbeam_channel::select! {
                    recv(connection.receiver) -> m => match m {
                        Ok(m) => m,
                        Err(_) if shutting_down => return Ok(()),
                        Err(_) => return Err("the client closed the connection without `shutdown` and `exit`".into()),
                    },
                    recv(done_rx) -> f => {
                        if let Ok(f) = f {
                            let out = server.finished(f);
                            flush(&connection, &mut queue, &mut server, out)?;
                        }
                        continue;
                    }
                    recv(timer) -> _ => {
                        let out = server.deadlines(Instant::now());
                        flush(&connection, &mut queue, &mut server, out)?;
                        continue;
                    }
                }
            }
        };
        match msg {
            Message::Request(req) => {
                let resp = if shutting_down {
                    Some(Response::new_err(
                        req.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down".into(),
                    ))
                } else if req.method == "shutdown" {
                    shutting_down = true;
                    server.stop();
                    Some(Response::new_ok(req.id, serde_json::Value::Null))
                } else if req.method == "initialize" {
                    Some(Response::new_err(
                        req.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is already initialized".into(),
                    ))
                } else {
                    let out = server.request(req);
                    flush(&connection, &mut queue, &mut server, out)?;
                    None
                };
                if let Some(resp) = resp {
                    send(&connection, Message::Response(resp))?;
                }
            }
            Message::Notification(n) if n.method == "exit" => {
                return if shutting_down {
                    Ok(())
                } else {
                    Err("the client sent `exit` without `shutdown`".into())
                };
            }
            Message::Notification(_) if shutting_down => {}
            Message::Notification(n) => {
                let out = server.notification(n);
                flush(&connection, &mut queue, &mut server, out)?;
            }
            // Answers to our `workspace/applyEdit`: nothing to do either way.
            Message::Response(_) => {}
        }
    }
}

/// The lifecycle up to `initialized`: requests before it are answered
/// `ServerNotInitialized` and the session goes on; notifications before it are dropped.
fn handshake(connection: &Connection) -> Result<ClientCaps, String> {
    let ended = || "the client closed the connection before `initialized`".to_string();
    let exited = || "the client sent `exit` before `initialized`".to_string();
    let caps = loop {
        match connection.receiver.recv().map_err(|_| ended())? {
            Message::Request(req) if req.method == "initialize" => {
                let caps = ClientCaps::read(&req.params);
                let result = lsp_types::InitializeResult {
                    capabilities: capabilities(caps.encoding),
                    server_info: Some(ServerInfo {
                        name: "policyc".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                };
                send(
                    connection,
                    Message::Response(Response::new_ok(req.id, result)),
                )?;
                break caps;
            }
            Message::Request(req) => {
                send(connection, not_initialized(req, "waits for `initialize`"))?
            }
            Message::Notification(n) if n.method == "exit" => return Err(exited()),
            Message::Notification(_) | Message::Response(_) => {}
        }
    };
    loop {
        match connection.receiver.recv().map_err(|_| ended())? {
            Message::Notification(n) if n.method == "initialized" => return Ok(caps),
            Message::Notification(n) if n.method == "exit" => return Err(exited()),
            Message::Request(req) if req.method == "initialize" => send(
                connection,
                Message::Response(Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "the server is already initialized".into(),
                )),
            )?,
            Message::Request(req) => send(
                connection,
                not_initialized(req, "waits for the `initialized` notification"),
            )?,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

fn not_initialized(req: Request, waits: &str) -> Message {
    Message::Response(Response::new_err(
        req.id,
        ErrorCode::ServerNotInitialized as i32,
        format!("`{}` is too early: the server {waits}", req.method),
    ))
}

/// Sends what the server produced, except diagnostics of a document already edited
/// again (the edit is waiting: its own diagnostics follow), then starts the next
/// analysis.
fn flush(
    connection: &Connection,
    queue: &mut VecDeque<Message>,
    server: &mut Server,
    out: Vec<Message>,
) -> Result<(), String> {
    queue.extend(connection.receiver.try_iter());
    let edited: Vec<PathBuf> = queue
        .iter()
        .filter_map(|m| match m {
            Message::Notification(n)
                if n.method == DidChangeTextDocument::METHOD
                    || n.method == DidCloseTextDocument::METHOD =>
            {
                let uri = n.params.pointer("/textDocument/uri")?.as_str()?;
                uri_to_path(&uri.parse().ok()?)
            }
            _ => None,
        })
        .collect();
    for msg in out {
        if let Message::Notification(n) = &msg {
            if n.method == PublishDiagnostics::METHOD {
                let stale = n
                    .params
                    .get("uri")
                    .and_then(serde_json::Value::as_str)
                    .and_then(|u| u.parse::<Uri>().ok())
                    .and_then(|u| uri_to_path(&u))
                    .is_some_and(|p| edited.contains(&p));
                if stale {
                    continue;
                }
            }
        }
        send(connection, msg)?;
    }
    for path in &edited {
        server.drop_waiting(path);
    }
    for msg in server.start_job() {
        send(connection, msg)?;
    }
    Ok(())
}

fn send(connection: &Connection, msg: Message) -> Result<(), String> {
    connection
        .sender
        .send(msg)
        .map_err(|_| "the client went away".to_string())
}

/// An open document.
struct OpenDoc {
    uri: Uri,
    text: String,
    version: i32,
    /// Edited since it was last checked: when (documents are checked in the order
    /// they changed, a document before those that use it).
    dirty: Option<u64>,
    /// Why its text is no longer known: an edit could not be applied. Nothing is
    /// checked until the client sends the whole text again (reopening it).
    lost: Option<String>,
}

/// The open documents, read before the disk: `use`d files that are being edited are
/// checked as they are on screen, not as last saved.
pub struct Overlay<'a> {
    docs: &'a HashMap<PathBuf, OpenDoc>,
}

impl Overlay<'_> {
    fn open(&self, path: &Path) -> Option<&OpenDoc> {
        self.docs.get(&crate::source::normalize(path))
    }
}

impl FileSystem for Overlay<'_> {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.open(path) {
            Some(d) => Ok(d.text.clone().into_bytes()),
            None => RealFs.read(path),
        }
    }

    fn read_used(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.open(path) {
            Some(d) => Ok(d.text.clone().into_bytes()),
            None => RealFs.read_used(path),
        }
    }

    /// An open document is its path (it may exist nowhere else); any other file is
    /// on the disk, with the disk's identity, as `policyc check` sees it.
    fn canonical(&self, path: &Path) -> PathBuf {
        let key = crate::source::normalize(path);
        match self.docs.get(&key) {
            Some(_) => key,
            None => RealFs.canonical(path),
        }
    }

    fn policy_files_in(&self, dir: &Path) -> Vec<String> {
        RealFs.policy_files_in(dir)
    }
}

/// What checking one open document produced, for the requests.
struct CheckedDoc {
    /// The files the index refers to (the document and what it `use`s).
    sources: Sources,
    lines: LineCache,
    root: FileId,
    index: Index,
    /// Every file the document reached, by path (to re-check it when one changes).
    reached: Vec<PathBuf>,
    /// The document's `use`s: where each path string is, and the path it names.
    uses: Vec<(Span, PathBuf)>,
    /// Inferred types of defines, by name (when the policy checked).
    define_types: HashMap<String, &'static str>,
}

impl CheckedDoc {
    fn empty(path: &Path, text: String, encoding: Encoding) -> CheckedDoc {
        let mut sources = Sources::new();
        let root = sources.add(path.display().to_string(), Some(path.to_path_buf()), text);
        let lines = LineCache::new(&sources, encoding);
        CheckedDoc {
            sources,
            lines,
            root,
            index: Index::default(),
            reached: Vec::new(),
            uses: Vec::new(),
            define_types: HashMap::default(),
        }
    }
}

/// A policy to analyse off the main loop: the analyses (gaps, conflicts, asserts) may
/// take far longer than checking, and typing must not wait for them.
struct Job {
    path: PathBuf,
    version: i32,
    generation: u64,
    policy: crate::check::ir::Policy,
    sources: Sources,
    lines: LineCache,
    caps: ClientCaps,
    /// The checker's diagnostics, published again with the analyses'.
    checked: Vec<lsp_types::Diagnostic>,
}

/// What an analysis job sends back.
struct Finished {
    path: PathBuf,
    version: i32,
    generation: u64,
    diagnostics: Vec<lsp_types::Diagnostic>,
}

/// The checker's diagnostics of a clean policy, held while its analyses run.
struct Held {
    generation: u64,
    diagnostics: Vec<lsp_types::Diagnostic>,
    until: Instant,
}

struct Server {
    caps: ClientCaps,
    options: Options,
    docs: HashMap<PathBuf, OpenDoc>,
    checked: HashMap<PathBuf, CheckedDoc>,
    /// The latest check of each document; an analysis of an older one is dropped.
    generations: HashMap<PathBuf, u64>,
    next_generation: u64,
    held: HashMap<PathBuf, Held>,
    /// What was last published for each document (and for which version): the same
    /// again is not sent, and code actions find a diagnostic's fixes here when the
    /// client does not hand back its `data`.
    published: HashMap<PathBuf, (Option<i32>, Vec<lsp_types::Diagnostic>)>,
    /// Where analysis jobs report (absent: analyse in line).
    done: Option<crossbeam_channel::Sender<Finished>>,
    /// At most one analysis runs at a time; the latest job of each document waits.
    running: bool,
    waiting: Vec<Job>,
    /// Ids of the requests the server sends (`workspace/applyEdit`).
    next_request: u64,
    /// The order in which documents were marked to be checked.
    next_mark: u64,
}

impl Server {
    fn new(
        caps: ClientCaps,
        options: Options,
        done: Option<crossbeam_channel::Sender<Finished>>,
    ) -> Server {
        Server {
            caps,
            options,
            docs: HashMap::default(),
            checked: HashMap::default(),
            generations: HashMap::default(),
            next_generation: 0,
            held: HashMap::default(),
            published: HashMap::default(),
            done,
            running: false,
            waiting: Vec::new(),
            next_request: 0,
            next_mark: 0,
        }
    }

    fn notification(&mut self, n: Notification) -> Vec<Message> {
        let mut out = Vec::new();
        let changed = match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let doc = p.text_document;
                let Some(path) = uri_to_path(&doc.uri) else {
                    return Vec::new();
                };
                self.docs.insert(
                    path.clone(),
                    OpenDoc {
                        uri: doc.uri,
                        text: doc.text,
                        version: doc.version,
                        dirty: None,
                        lost: None,
                    },
                );
                path
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = n.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return Vec::new();
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return Vec::new();
                };
                out.extend(self.change(&path, p));
                path
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) =
                    n.extract::<lsp_types::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return Vec::new();
                };
                path
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = n
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let Some(path) = uri_to_path(&p.text_document.uri) else {
                    return Vec::new();
                };
                self.docs.remove(&path);
                self.checked.remove(&path);
                self.held.remove(&path);
                self.published.remove(&path);
                self.drop_waiting(&path);
                self.mark_users_of(&path);
                return vec![publish(p.text_document.uri, None, Vec::new())];
            }
            _ => return Vec::new(),
        };
        self.mark(&changed);
        self.mark_users_of(&changed);
        out
    }

    /// Applies an edit to an open document, in order. A change that cannot be applied
    /// loses the document's text: it is said so, not guessed.
    fn change(&mut self, path: &Path, p: lsp_types::DidChangeTextDocumentParams) -> Vec<Message> {
        let encoding = self.caps.encoding;
        let doc = match self.docs.get_mut(path) {
            Some(doc) => doc,
            None => {
                // Not opened: usable only from a change that holds the whole text.
                let Some(last_whole) = p.content_changes.iter().rposition(|c| c.range.is_none())
                else {
                    crate::output::eprintln(&format!(
                        "warning: policyc lsp: an edit of `{}`, which is not open, was ignored",
                        path.display()
                    ));
                    return Vec::new();
                };
                self.docs.insert(
                    path.to_path_buf(),
                    OpenDoc {
                        uri: p.text_document.uri.clone(),
                        text: String::new(),
                        version: p.text_document.version,
                        dirty: None,
                        lost: None,
                    },
                );
                let Some(doc) = self.docs.get_mut(path) else {
                    return Vec::new();
                };
                let mut text = String::new();
                for c in p.content_changes.iter().skip(last_whole) {
                    if let Err(e) = apply_change(&mut text, c, encoding) {
                        doc.lost = Some(e);
                        break;
                    }
                }
                doc.text = text;
                return Vec::new();
            }
        };
        doc.version = p.text_document.version;
        let mut out = Vec::new();
        for c in &p.content_changes {
            if c.range.is_none() {
                // The whole text: whatever was lost is known again.
                doc.text.clone_from(&c.text);
                doc.lost = None;
                continue;
            }
            if doc.lost.is_some() {
                continue;
            }
            if let Err(e) = apply_change(&mut doc.text, c, encoding) {
                crate::output::eprintln(&format!(
                    "error: policyc lsp: an edit of `{}` (version {}) cannot be applied: {e}",
                    path.display(),
                    doc.version
                ));
                out.push(Message::Notification(Notification::new(
                    ShowMessage::METHOD.into(),
                    ShowMessageParams {
                        typ: MessageType::ERROR,
                        message: format!(
                            "policyc lost track of `{}`: an edit could not be applied ({e}). \
                             Close and reopen the file to check it again.",
                            path.display()
                        ),
                    },
                )));
                doc.lost = Some(e);
            }
        }
        out
    }

    /// Marks a document to be checked again, after those marked before it.
    fn mark(&mut self, path: &Path) {
        if let Some(doc) = self.docs.get_mut(path) {
            if doc.dirty.is_none() {
                self.next_mark += 1;
                doc.dirty = Some(self.next_mark);
            }
        }
    }

    /// Marks the other open documents that reached `path` to be checked again.
    fn mark_users_of(&mut self, path: &Path) {
        let mut users: Vec<PathBuf> = self
            .checked
            .iter()
            .filter(|(p, a)| p.as_path() != path && a.reached.iter().any(|r| r == path))
            .map(|(p, _)| p.clone())
            .collect();
        users.sort();
        for p in users {
            self.mark(&p);
        }
    }

    /// The open document that changed first of those not checked since.
    fn next_dirty(&self) -> Option<PathBuf> {
        self.docs
            .iter()
            .filter_map(|(p, d)| Some((d.dirty?, p)))
            .min()
            .map(|(_, p)| p.clone())
    }

    /// Checks one open document and publishes its diagnostics; a policy that checks
    /// cleanly is then analysed in the background and published with the findings
    /// (the checker's diagnostics wait for them for [`Options::analysis_grace`]).
    fn recheck(&mut self, path: &Path) -> Vec<Message> {
        let Some(doc) = self.docs.get_mut(path) else {
            return Vec::new();
        };
        doc.dirty = None;
        let (uri, version) = (doc.uri.clone(), doc.version);
        self.next_generation += 1;
        let generation = self.next_generation;
        self.generations.insert(path.to_path_buf(), generation);
        self.held.remove(path);
        self.drop_waiting(path);
        let Some(doc) = self.docs.get(path) else {
            return Vec::new();
        };
        let encoding = self.caps.encoding;
        if let Some(reason) = &doc.lost {
            self.checked.insert(
                path.to_path_buf(),
                CheckedDoc::empty(path, String::new(), encoding),
            );
            let lost = lsp_types::Diagnostic {
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("policyc".into()),
                message: format!(
                    "policyc lost track of this document's text: an edit could not be \
                     applied ({reason}). Nothing in it is checked until it is closed and \
                     reopened."
                ),
                ..lsp_types::Diagnostic::default()
            };
            return self.publish(path, uri, Some(version), vec![lost]);
        }
        if doc.text.len() > crate::source::MAX_FILE_BYTES {
            // As `policyc check` refuses such a file, unread.
            let too_large = crate::diagnostics::Diagnostic::error(
                crate::diagnostics::Code::E0003,
                format!("`{}` is larger than 8 MiB", path.display()),
            )
            .note(
                "policy files are limited to 8 MiB; split large policies into modules with `use`",
            );
            let a = CheckedDoc::empty(path, String::new(), encoding);
            let diags = publish::to_lsp(&a.sources, &a.lines, self.caps, path, &[too_large], false);
            self.checked.insert(path.to_path_buf(), a);
            return self.publish(path, uri, Some(version), diags);
        }
        let (checked, diags, job) = check_document(&self.docs, path, doc.text.clone(), self.caps);
        self.checked.insert(path.to_path_buf(), checked);
        let Some((policy, sources, lines)) = job else {
            return self.publish(path, uri, Some(version), diags);
        };
        self.waiting.push(Job {
            path: path.to_path_buf(),
            version,
            generation,
            policy,
            sources,
            lines,
            caps: self.caps,
            checked: diags.clone(),
        });
        // A document just opened shows nothing yet: what the checker found is new,
        // and the analyses' findings follow. Later versions wait for them (a
        // publication without them would drop their warnings until they are back).
        let opening = !self.published.contains_key(path);
        if self.options.analysis_grace.is_zero() || (opening && !diags.is_empty()) {
            return self.publish(path, uri, Some(version), diags);
        }
        self.held.insert(
            path.to_path_buf(),
            Held {
                generation,
                diagnostics: diags,
                until: Instant::now() + self.options.analysis_grace,
            },
        );
        Vec::new()
    }

    /// Publishes `diagnostics` for the document at `path`, unless they are what was
    /// last published for the same version.
    fn publish(
        &mut self,
        path: &Path,
        uri: Uri,
        version: Option<i32>,
        diagnostics: Vec<lsp_types::Diagnostic>,
    ) -> Vec<Message> {
        if self
            .published
            .get(path)
            .is_some_and(|(v, d)| *v == version && *d == diagnostics)
        {
            return Vec::new();
        }
        self.published
            .insert(path.to_path_buf(), (version, diagnostics.clone()));
        vec![publish(uri, version, diagnostics)]
    }

    /// Forgets the waiting analysis of a document (it changed again).
    fn drop_waiting(&mut self, path: &Path) {
        self.waiting.retain(|j| j.path != path);
    }

    /// Starts the next waiting analysis if none is running (in line without a channel).
    fn start_job(&mut self) -> Vec<Message> {
        if self.running || self.waiting.is_empty() {
            return Vec::new();
        }
        let job = self.waiting.remove(0);
        match self.done.clone() {
            Some(done) => {
                self.running = true;
                let spawned = std::thread::Builder::new()
                    .name("policyc-analyse".into())
                    .stack_size(256 * 1024 * 1024)
                    .spawn(move || {
                        let _ = done.send(run_job(job));
                    });
                if spawned.is_err() {
                    self.running = false;
                }
                Vec::new()
            }
            None => {
                let f = run_job(job);
                self.finished(f)
            }
        }
    }

    /// Publishes a finished analysis if its document has not changed since.
    fn finished(&mut self, f: Finished) -> Vec<Message> {
        self.running = false;
        let current = self.generations.get(&f.path) == Some(&f.generation);
        let Some(doc) = self.docs.get(&f.path) else {
            return Vec::new();
        };
        if !current || doc.version != f.version {
            return Vec::new();
        }
        let uri = doc.uri.clone();
        self.held.remove(&f.path);
        self.publish(&f.path, uri, Some(f.version), f.diagnostics)
    }

    /// When the analyses take longer than the grace: the checker's diagnostics now.
    fn deadlines(&mut self, now: Instant) -> Vec<Message> {
        let due: Vec<PathBuf> = self
            .held
            .iter()
            .filter(|(_, h)| h.until <= now)
            .map(|(p, _)| p.clone())
            .collect();
        let mut out = Vec::new();
        for path in due {
            let Some(held) = self.held.remove(&path) else {
                continue;
            };
            if self.generations.get(&path) != Some(&held.generation) {
                continue;
            }
            let Some(doc) = self.docs.get(&path) else {
                continue;
            };
            let (uri, version) = (doc.uri.clone(), doc.version);
            out.extend(self.publish(&path, uri, Some(version), held.diagnostics));
        }
        out
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.held.values().map(|h| h.until).min()
    }

    /// After `shutdown`: nothing more is checked or published.
    fn stop(&mut self) {
        self.docs.clear();
        self.checked.clear();
        self.held.clear();
        self.waiting.clear();
    }
}

fn publish(uri: Uri, version: Option<i32>, diagnostics: Vec<lsp_types::Diagnostic>) -> Message {
    Message::Notification(Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    ))
}

/// The policy of a clean document, and its files, for the analyses.
type JobParts = (crate::check::ir::Policy, Sources, LineCache);

/// Checks the document at `path` (text `text`) with the library and indexes its names.
fn check_document(
    docs: &HashMap<PathBuf, OpenDoc>,
    path: &Path,
    text: String,
    caps: ClientCaps,
) -> (CheckedDoc, Vec<lsp_types::Diagnostic>, Option<JobParts>) {
    let fs = Overlay { docs };
    // The document and the files it `use`s, parsed once: the checker reads the syntax
    // trees, and so does the index, over its own copy of the files (the checker adds the
    // policies imported with `use ... as` to its copy; the index loads them itself).
    let mut check_sources = Sources::new();
    let mut load_diagnostics = Vec::new();
    let program = crate::check::modules::load(
        &mut check_sources,
        &fs,
        path,
        Some(text),
        None,
        &mut load_diagnostics,
    );
    let mut sources = check_sources.clone();
    let checked = match &program {
        Some(prog) => {
            crate::check::check_loaded(&mut check_sources, &fs, path, prog, load_diagnostics)
        }
        None => crate::check::Checked {
            policy: None,
            diagnostics: load_diagnostics,
        },
    };
    let check_lines = LineCache::new(&check_sources, caps.encoding);
    let mut diags = publish::to_lsp(
        &check_sources,
        &check_lines,
        caps,
        path,
        &checked.diagnostics,
        false,
    );

    let mut define_types = HashMap::default();
    if let Some(policy) = &checked.policy {
        for d in &policy.defines {
            let ty = match d.body {
                crate::check::ir::DefineBody::Bool(_) => "bool",
                crate::check::ir::DefineBody::Int(_) => "integer",
            };
            define_types.insert(d.name.clone(), ty);
        }
    }

    let mut ignored = Vec::new();
    // The policies the root imports with `use ... as`, loaded the same way, so that
    // `alias.output` resolves to the imported output.
    let root_module = program.as_ref().and_then(|prog| prog.root());
    let base = root_module
        .and_then(|root| sources.path(root.file))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut uses = Vec::new();
    let mut aliased: Vec<(String, PathBuf)> = Vec::new();
    for item in root_module
        .map(|root| root.ast.items.as_slice())
        .unwrap_or(&[])
    {
        if let ast::ItemKind::Use(u) = &item.kind {
            let target = crate::source::normalize(&base.join(&u.path.value));
            if let Some(alias) = &u.alias {
                aliased.push((alias.name.clone(), target.clone()));
            }
            uses.push((u.path.span, target));
        }
    }
    let imported: Vec<(String, crate::check::modules::Program)> = aliased
        .into_iter()
        .filter_map(|(alias, at)| {
            let prog =
                crate::check::modules::load(&mut sources, &fs, &at, None, None, &mut ignored)?;
            Some((alias, prog))
        })
        .collect();
    let lines = LineCache::new(&sources, caps.encoding);
    let (index, root, reached) = match &program {
        Some(prog) => {
            let files: Vec<(FileId, &ast::File)> =
                prog.modules.iter().map(|m| (m.file, &m.ast)).collect();
            let reached = prog
                .modules
                .iter()
                .chain(imported.iter().flat_map(|(_, p)| p.modules.iter()))
                .filter_map(|m| sources.path(m.file))
                .map(crate::source::normalize)
                .collect();
            let root = prog.root().map(|m| m.file).unwrap_or(0);
            let imports: Vec<(String, Vec<(FileId, &ast::File)>)> = imported
                .iter()
                .map(|(alias, p)| {
                    (
                        alias.clone(),
                        p.modules.iter().map(|m| (m.file, &m.ast)).collect(),
                    )
                })
                .collect();
            (
                Index::build_with_imports(&sources, &files, &imports),
                root,
                reached,
            )
        }
        None => (Index::default(), 0, Vec::new()),
    };
    if let Some(prog) = &program {
        diags.extend(publish::foreign_errors(
            &check_sources,
            &checked.diagnostics,
            &sources,
            &lines,
            prog,
            path,
        ));
    }
    // As `policyc check` does: a policy that checks cleanly is also analysed (gaps,
    // conflicts, dead rules, asserts), here in the background.
    let clean = !checked.has_errors();
    let job = checked
        .policy
        .filter(|p| clean && p.header.is_some())
        .map(|p| (p, check_sources, check_lines));
    (
        CheckedDoc {
            sources,
            lines,
            root,
            index,
            reached,
            uses,
            define_types,
        },
        diags,
        job,
    )
}

/// Runs the analyses of one job (on the analysis thread).
fn run_job(job: Job) -> Finished {
    let found = match crate::analyse::analyse_policy(&job.policy) {
        Ok(a) => a.diagnostics,
        Err(d) => vec![*d],
    };
    let mut diagnostics = job.checked;
    diagnostics.extend(publish::to_lsp(
        &job.sources,
        &job.lines,
        job.caps,
        &job.path,
        &found,
        true,
    ));
    Finished {
        path: job.path,
        version: job.version,
        generation: job.generation,
        diagnostics,
    }
}
