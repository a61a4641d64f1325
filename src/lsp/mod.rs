//! `policyc lsp`: a language server on stdin/stdout (lsp-server and lsp-types, as in
//! rust-analyzer).
//!
//! A thin face over the library: every open document is checked with
//! [`crate::check::check_text`] (parse, names, types) and, when clean, analysed
//! ([`crate::analyse::analyse_policy`]) as `policyc check` does, on a thread of its own
//! so that typing never waits for the analyses; its names are indexed from the
//! parsed files ([`index`]); the requests answer from those results. Files that the
//! document `use`s are read from the editor's unsaved buffers when open there
//! ([`Overlay`]), from disk otherwise.

mod convert;
pub mod index;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    References, Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionProviderCapability, CompletionItem,
    CompletionItemKind, CompletionOptions, CompletionResponse, DiagnosticRelatedInformation,
    DiagnosticSeverity, DocumentSymbol, DocumentSymbolResponse, GotoDefinitionResponse, Hover,
    HoverContents, HoverProviderCapability, Location, MarkupContent, MarkupKind, NumberOrString,
    OneOf, PublishDiagnosticsParams, ServerCapabilities, SymbolKind, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextEdit, Uri,
};

use crate::diagnostics::{Diagnostic, LabelStyle, Severity};
use crate::parse::ast;
use crate::source::{FileId, FileSystem, RealFs, Sources};
use convert::{path_to_uri, uri_to_path, LineIndex};
use index::{DeclKind, Index};

/// Runs the server on stdin/stdout until the client says `exit`.
pub fn run() -> ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let served = serve(connection);
    let joined = io_threads.join();
    match (served, joined) {
        (Ok(()), Ok(())) => ExitCode::SUCCESS,
        (Err(e), _) => {
            eprintln!("error: policyc lsp: {e}");
            ExitCode::from(1)
        }
        (_, Err(e)) => {
            eprintln!("error: policyc lsp: {e}");
            ExitCode::from(1)
        }
    }
}

/// The capabilities the server offers.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions::default()),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one client over `connection` (stdio, or an in-memory pair in tests): the
/// initialize handshake, then requests and notifications until shutdown.
pub fn serve(connection: Connection) -> Result<(), String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Finished>();
    let mut server = Server {
        done: Some(done_tx),
        ..Server::default()
    };
    let mut queue: std::collections::VecDeque<Message> = std::collections::VecDeque::new();
    loop {
        let msg = match queue.pop_front() {
            Some(m) => m,
            None => {
                crossbeam_channel::select! {
                    recv(connection.receiver) -> m => match m {
                        Ok(m) => m,
                        Err(_) => return Ok(()),
                    },
                    recv(done_rx) -> f => {
                        if let Ok(f) = f {
                            for out in server.finished(f) {
                                send(&connection, Message::Notification(out))?;
                            }
                        }
                        continue;
                    }
                }
            }
        };
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let resp = server.request(req);
                send(&connection, Message::Response(resp))?;
            }
            Message::Notification(n) => {
                // While typing, edits arrive faster than a large policy checks: take in
                // what is already waiting, and check a document only at its last edit.
                queue.extend(connection.receiver.try_iter());
                let superseded = n.method == DidChangeTextDocument::METHOD
                    && queue.iter().any(|m| match m {
                        Message::Notification(later) => {
                            later.method == DidChangeTextDocument::METHOD
                                && doc_uri(&later.params) == doc_uri(&n.params)
                        }
                        _ => false,
                    });
                if superseded {
                    continue;
                }
                for out in server.notification(n) {
                    send(&connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
}

/// The `textDocument.uri` of a notification's parameters.
fn doc_uri(params: &serde_json::Value) -> Option<&serde_json::Value> {
    params.get("textDocument").and_then(|d| d.get("uri"))
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
}

/// The open documents, read before the disk: `use`d files that are being edited are
/// checked as they are on screen, not as last saved.
pub struct Overlay<'a> {
    docs: &'a HashMap<PathBuf, OpenDoc>,
}

impl FileSystem for Overlay<'_> {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let key = crate::source::normalize(path);
        match self.docs.get(&key) {
            Some(d) => Ok(d.text.clone().into_bytes()),
            None => RealFs.read(path),
        }
    }

    fn read_used(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let key = crate::source::normalize(path);
        match self.docs.get(&key) {
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
}

/// What checking one open document produced.
struct Analysis {
    /// The files the index refers to (the document and what it `use`s).
    sources: Sources,
    root: FileId,
    index: Index,
    /// Every file the document reached, by path (to re-check it when one changes).
    reached: Vec<PathBuf>,
    /// Inferred types of defines, by name (when the policy checked).
    define_types: HashMap<String, &'static str>,
}

/// A policy to analyse off the main loop: the analyses (gaps, conflicts, asserts) may
/// take far longer than checking, and typing must not wait for them.
struct Job {
    path: PathBuf,
    generation: u64,
    policy: crate::check::ir::Policy,
    sources: Sources,
    /// The checker's diagnostics, published again with the analyses'.
    checked: Vec<lsp_types::Diagnostic>,
}

/// What an analysis job sends back.
struct Finished {
    path: PathBuf,
    generation: u64,
    diagnostics: Vec<lsp_types::Diagnostic>,
}

#[derive(Default)]
struct Server {
    docs: HashMap<PathBuf, OpenDoc>,
    analyses: HashMap<PathBuf, Analysis>,
    /// The latest check of each document; an analysis of an older one is dropped.
    generations: HashMap<PathBuf, u64>,
    next_generation: u64,
    /// Where analysis jobs report (absent: analyse in line).
    done: Option<crossbeam_channel::Sender<Finished>>,
    /// At most one analysis runs at a time; the latest job of each document waits.
    running: bool,
    waiting: Vec<Job>,
}

impl Server {
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
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
                // Full synchronisation: the last change holds the whole text.
                let Some(change) = p.content_changes.into_iter().last() else {
                    return Vec::new();
                };
                match self.docs.get_mut(&path) {
                    Some(d) => d.text = change.text,
                    None => {
                        self.docs.insert(
                            path.clone(),
                            OpenDoc {
                                uri: p.text_document.uri,
                                text: change.text,
                            },
                        );
                    }
                }
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
                self.analyses.remove(&path);
                let mut out = vec![publish(p.text_document.uri, Vec::new())];
                // Documents that use the closed one now read it from disk.
                out.extend(self.recheck_users_of(&path));
                return out;
            }
            _ => return Vec::new(),
        };
        let mut out = self.recheck(&changed);
        out.extend(self.recheck_users_of(&changed));
        out
    }

    /// Re-checks the other open documents that reached `path`.
    fn recheck_users_of(&mut self, path: &Path) -> Vec<Notification> {
        let users: Vec<PathBuf> = self
            .analyses
            .iter()
            .filter(|(p, a)| p.as_path() != path && a.reached.iter().any(|r| r == path))
            .map(|(p, _)| p.clone())
            .collect();
        users.iter().flat_map(|p| self.recheck(p)).collect()
    }

    /// Checks one open document and publishes its diagnostics; a policy that checks
    /// cleanly is then analysed in the background and published again with the findings.
    fn recheck(&mut self, path: &Path) -> Vec<Notification> {
        let Some(doc) = self.docs.get(path) else {
            return Vec::new();
        };
        let uri = doc.uri.clone();
        self.next_generation += 1;
        let generation = self.next_generation;
        self.generations.insert(path.to_path_buf(), generation);
        let (analysis, diags, job) = analyse(&self.docs, path, doc.text.clone());
        self.analyses.insert(path.to_path_buf(), analysis);
        let mut out = vec![publish(uri, diags)];
        self.waiting.retain(|j| j.path != path);
        if let Some((policy, sources, checked)) = job {
            self.waiting.push(Job {
                path: path.to_path_buf(),
                generation,
                policy,
                sources,
                checked,
            });
            out.extend(self.start_job());
        }
        out
    }

    /// Starts the next waiting analysis if none is running (in line without a channel).
    fn start_job(&mut self) -> Vec<Notification> {
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
    fn finished(&mut self, f: Finished) -> Vec<Notification> {
        self.running = false;
        let mut out = Vec::new();
        let current = self.generations.get(&f.path) == Some(&f.generation);
        if let (true, Some(doc)) = (current, self.docs.get(&f.path)) {
            out.push(publish(doc.uri.clone(), f.diagnostics));
        }
        out.extend(self.start_job());
        out
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => self.hover(req).map(to_json),
            GotoDefinition::METHOD => self.definition(req).map(to_json),
            References::METHOD => self.references(req).map(to_json),
            Completion::METHOD => self.completion(req).map(to_json),
            DocumentSymbolRequest::METHOD => self.symbols(req).map(to_json),
            Formatting::METHOD => self.formatting(req).map(to_json),
            CodeActionRequest::METHOD => self.code_actions(req).map(to_json),
            _ => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("policyc lsp does not handle `{}`", req.method),
                )
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(msg) => Response::new_err(id, ErrorCode::InvalidParams as i32, msg),
        }
    }

    /// The analysis of the document at `uri` and the byte offset of `pos` in it.
    fn locate(&self, uri: &Uri, pos: lsp_types::Position) -> Option<(&Analysis, usize)> {
        let path = uri_to_path(uri)?;
        let a = self.analyses.get(&path)?;
        let offset = LineIndex::new(a.sources.text(a.root)).offset(pos);
        Some((a, offset))
    }

    fn hover(&self, req: Request) -> Result<Option<Hover>, String> {
        let p: lsp_types::HoverParams = params(req)?;
        let tdp = p.text_document_position_params;
        let Some((a, offset)) = self.locate(&tdp.text_document.uri, tdp.position) else {
            return Ok(None);
        };
        let Some(occ) = a.index.at(a.root, offset) else {
            return Ok(clause_hover(a.sources.text(a.root), offset));
        };
        let mut parts = Vec::new();
        for &d in &occ.decls {
            if let Some(decl) = a.index.decls.get(d) {
                parts.push(describe(a, decl));
            }
        }
        if parts.is_empty() {
            return Ok(None);
        }
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range: Some(LineIndex::new(a.sources.text(a.root)).range(occ.span)),
        }))
    }

    fn definition(&self, req: Request) -> Result<Option<GotoDefinitionResponse>, String> {
        let p: lsp_types::GotoDefinitionParams = params(req)?;
        let tdp = p.text_document_position_params;
        let Some((a, offset)) = self.locate(&tdp.text_document.uri, tdp.position) else {
            return Ok(None);
        };
        let Some(occ) = a.index.at(a.root, offset) else {
            return Ok(None);
        };
        let locs: Vec<Location> = occ
            .decls
            .iter()
            .filter_map(|&d| a.index.decls.get(d))
            .filter_map(|d| location(a, d.file, d.name_span))
            .collect();
        Ok(match locs.len() {
            0 => None,
            1 => locs.into_iter().next().map(GotoDefinitionResponse::Scalar),
            _ => Some(GotoDefinitionResponse::Array(locs)),
        })
    }

    fn references(&self, req: Request) -> Result<Option<Vec<Location>>, String> {
        let p: lsp_types::ReferenceParams = params(req)?;
        let tdp = p.text_document_position;
        let Some((a, offset)) = self.locate(&tdp.text_document.uri, tdp.position) else {
            return Ok(None);
        };
        let Some(occ) = a.index.at(a.root, offset) else {
            return Ok(None);
        };
        let mut locs = Vec::new();
        for &d in &occ.decls {
            let Some(decl) = a.index.decls.get(d) else {
                continue;
            };
            for o in a.index.references(d) {
                let is_decl = o.file == decl.file && o.span == decl.name_span;
                if is_decl && !p.context.include_declaration {
                    continue;
                }
                locs.extend(location(a, o.file, o.span));
            }
        }
        Ok(Some(locs))
    }

    fn completion(&self, req: Request) -> Result<Option<CompletionResponse>, String> {
        let p: lsp_types::CompletionParams = params(req)?;
        let tdp = p.text_document_position;
        let Some((a, offset)) = self.locate(&tdp.text_document.uri, tdp.position) else {
            return Ok(None);
        };
        let text = a.sources.text(a.root);
        let line_start = text
            .get(..offset)
            .and_then(|t| t.rfind('\n'))
            .map(|i| i + 1)
            .unwrap_or(0);
        let line = text.get(line_start..offset).unwrap_or("");
        let words: Vec<&str> = line
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .collect();
        let in_type = line.contains(':') && !line.contains('=') && words.len() <= 4;
        let in_overrides = line.trim_start().starts_with("overrides");
        let mut items = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for d in &a.index.decls {
            let wanted = if in_overrides {
                d.kind == DeclKind::Rule
            } else if in_type {
                d.kind == DeclKind::Enum
            } else {
                !matches!(d.kind, DeclKind::Policy | DeclKind::Enum)
            };
            if !wanted || !seen.insert((d.name.clone(), d.kind.word())) {
                continue;
            }
            let kind = match d.kind {
                DeclKind::Input => CompletionItemKind::VARIABLE,
                DeclKind::Output => CompletionItemKind::FIELD,
                DeclKind::Define => CompletionItemKind::CONSTANT,
                DeclKind::Variant => CompletionItemKind::ENUM_MEMBER,
                DeclKind::Enum => CompletionItemKind::ENUM,
                DeclKind::Rule | DeclKind::Assert | DeclKind::Scenario => {
                    CompletionItemKind::FUNCTION
                }
                DeclKind::Policy => CompletionItemKind::MODULE,
            };
            items.push(CompletionItem {
                label: d.name.clone(),
                kind: Some(kind),
                detail: Some(d.signature.clone()),
                documentation: d.doc.clone().map(lsp_types::Documentation::String),
                ..CompletionItem::default()
            });
        }
        if in_type {
            for kw in ["bool", "set of"] {
                items.push(keyword(kw));
            }
        } else if !in_overrides {
            items.extend(KEYWORDS.iter().map(|k| keyword(k)));
        }
        Ok(Some(CompletionResponse::Array(items)))
    }

    fn symbols(&self, req: Request) -> Result<Option<DocumentSymbolResponse>, String> {
        let p: lsp_types::DocumentSymbolParams = params(req)?;
        let Some(path) = uri_to_path(&p.text_document.uri) else {
            return Ok(None);
        };
        let Some(a) = self.analyses.get(&path) else {
            return Ok(None);
        };
        let li = LineIndex::new(a.sources.text(a.root));
        let mut out: Vec<DocumentSymbol> = Vec::new();
        for d in a.index.decls.iter().filter(|d| d.file == a.root) {
            let kind = match d.kind {
                DeclKind::Policy => SymbolKind::MODULE,
                DeclKind::Enum => SymbolKind::ENUM,
                DeclKind::Variant => SymbolKind::ENUM_MEMBER,
                DeclKind::Input => SymbolKind::VARIABLE,
                DeclKind::Output => SymbolKind::FIELD,
                DeclKind::Define => SymbolKind::CONSTANT,
                DeclKind::Rule | DeclKind::Assert | DeclKind::Scenario => SymbolKind::FUNCTION,
            };
            #[allow(deprecated)] // `deprecated` is a required field of the struct
            let sym = DocumentSymbol {
                name: d.name.clone(),
                detail: Some(d.title.clone().unwrap_or_else(|| d.kind.word().to_string())),
                kind,
                tags: None,
                deprecated: None,
                range: li.range(d.item_span),
                selection_range: li.range(d.name_span),
                children: None,
            };
            if d.kind == DeclKind::Variant {
                if let Some(parent) = out.last_mut() {
                    parent.children.get_or_insert_with(Vec::new).push(sym);
                    continue;
                }
            }
            out.push(sym);
        }
        Ok(Some(DocumentSymbolResponse::Nested(out)))
    }

    fn formatting(&self, req: Request) -> Result<Option<Vec<TextEdit>>, String> {
        let p: lsp_types::DocumentFormattingParams = params(req)?;
        let Some(path) = uri_to_path(&p.text_document.uri) else {
            return Ok(None);
        };
        let Some(doc) = self.docs.get(&path) else {
            return Ok(None);
        };
        // A file with syntax errors is left alone; its diagnostics say why.
        let Ok(formatted) = crate::format::format(&doc.text) else {
            return Ok(None);
        };
        if formatted == doc.text {
            return Ok(Some(Vec::new()));
        }
        let li = LineIndex::new(&doc.text);
        let whole = crate::source::Span::new(0, doc.text.len());
        Ok(Some(vec![TextEdit::new(li.range(whole), formatted)]))
    }
}

impl Server {
    /// Quick fixes for the diagnostics the editor asks about: the fixes they carry in
    /// their `data` ([`Carried`]), made where each diagnostic was built (a "did you
    /// mean" name in place of the misspelt one; an `accept gap` clause at the end of the
    /// file, its reason left for the writer to fill in).
    fn code_actions(&self, req: Request) -> Result<Option<Vec<CodeActionOrCommand>>, String> {
        let p: lsp_types::CodeActionParams = params(req)?;
        let uri = p.text_document.uri;
        let mut actions = Vec::new();
        for d in &p.context.diagnostics {
            if d.source.as_deref() != Some("policyc") {
                continue;
            }
            let Some(carried) = d
                .data
                .clone()
                .and_then(|data| serde_json::from_value::<Carried>(data).ok())
            else {
                continue;
            };
            for fix in carried.fixes {
                // lsp_types keys a workspace edit's changes by `Uri`, whose cache clippy
                // takes for mutability; the key is never changed once inserted.
                #[allow(clippy::mutable_key_type)]
                let changes = HashMap::from([(uri.clone(), vec![fix.edit])]);
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(lsp_types::WorkspaceEdit::new(changes)),
                    is_preferred: Some(fix.preferred),
                    ..CodeAction::default()
                }));
            }
        }
        Ok(Some(actions))
    }
}

/// What a diagnostic sent to the editor carries in `data`, and the editor hands back
/// when it asks for code actions: the diagnostic's fixes ([`crate::diagnostics::Fix`]),
/// ready to apply to the document. Only these are sent (the rest of a diagnostic's
/// data, such as a region's example, can be large); one type writes and reads them.
#[derive(serde::Serialize, serde::Deserialize)]
struct Carried {
    fixes: Vec<QuickFix>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct QuickFix {
    title: String,
    preferred: bool,
    /// In the document the diagnostic is shown on.
    edit: TextEdit,
}

const KEYWORDS: &[&str] = &[
    "policy",
    "use",
    "enum",
    "input",
    "output",
    "define",
    "assume",
    "scope",
    "rule",
    "accept gap",
    "assert",
    "scenario",
    "when",
    "then",
    "overrides",
    "cites",
    "given",
    "expect",
    "always",
    "and",
    "or",
    "not",
    "implies",
    "in",
    "contains",
    "true",
    "false",
    "bool",
    "set of",
    "default",
    "typical",
    "source",
    "version",
    "undecided",
    "out_of_scope",
    "judgement",
    "precedence",
    "exclusive",
    "ignore",
];

/// What the clause keywords of issues 16, 17 and 23 say, for hover on the keyword.
fn clause_keyword(word: &str) -> Option<&'static str> {
    Some(match word {
        "judgement" => "`judgement \"CITATION\"`: a person decides this input (the cited paragraph leaves it to them). It is an input like any other in the analyses; `decide` lists it, when missing, as a judgement for the person handling the incident.",
        "precedence" => "`precedence a > b`: where rules that apply give this output different values, the highest listed value wins (DMN's priority), after `overrides`. Each such overlap is a note (W0506); a value not listed still conflicts (E0502).",
        "exclusive" => "`exclusive`: no two rules that assign this output may apply to one incident, neither overriding the other, equal values included (DMN's unique); an overlap is E0506.",
        "ignore" => "`ignore a, b \"reason\"`: the policy deliberately does not read these inputs. They are no longer listed as unused (W0503); reading one is E0209.",
        _ => return None,
    })
}

/// Hover on a clause keyword (`judgement`, `precedence`, `exclusive`, `ignore`).
fn clause_hover(text: &str, offset: usize) -> Option<Hover> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = text
        .get(..offset)?
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1);
    let end = text
        .get(offset..)?
        .find(|c: char| !is_word(c))
        .map_or(text.len(), |i| offset + i);
    let doc = clause_keyword(text.get(start..end)?)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: doc.to_string(),
        }),
        range: Some(LineIndex::new(text).range(crate::source::Span::new(start, end))),
    })
}

fn keyword(k: &str) -> CompletionItem {
    CompletionItem {
        label: k.to_string(),
        kind: Some(CompletionItemKind::KEYWORD),
        ..CompletionItem::default()
    }
}

fn params<P: serde::de::DeserializeOwned>(req: Request) -> Result<P, String> {
    serde_json::from_value(req.params).map_err(|e| format!("invalid parameters: {e}"))
}

fn to_json<T: serde::Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn publish(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

fn location(a: &Analysis, file: FileId, span: crate::source::Span) -> Option<Location> {
    let uri = path_to_uri(a.sources.path(file)?)?;
    Some(Location::new(
        uri,
        LineIndex::new(a.sources.text(file)).range(span),
    ))
}

/// Hover text for a declaration: its first line, type, doc comment, title and citation.
fn describe(a: &Analysis, d: &index::Decl) -> String {
    let mut s = format!("```policy\n{}\n```", d.signature);
    if d.kind == DeclKind::Define {
        if let Some(ty) = a.define_types.get(&d.name) {
            s.push_str(&format!("\n\ntype: `{ty}`"));
        }
    }
    if d.kind == DeclKind::Variant {
        if let Some(e) = d.parent.and_then(|p| a.index.decls.get(p)) {
            s.push_str(&format!("\n\nvariant of enum `{}`", e.name));
        }
    }
    if let Some(doc) = &d.doc {
        s.push_str("\n\n");
        s.push_str(doc);
    }
    if let Some(t) = &d.title {
        s.push_str(&format!("\n\n**{t}**"));
    }
    if let Some(c) = &d.cites {
        let what = match d.kind {
            DeclKind::Policy => "source",
            DeclKind::Input => "a judgement for the person handling the incident",
            _ => "cites",
        };
        s.push_str(&format!("\n\n{what}: {c}"));
    }
    if d.file != a.root {
        if let Some(p) = a.sources.path(d.file) {
            s.push_str(&format!("\n\n*declared in `{}`*", p.display()));
        }
    }
    s
}

/// Checks the document at `path` (text `text`) with the library and indexes its names.
type JobParts = (
    crate::check::ir::Policy,
    Sources,
    Vec<lsp_types::Diagnostic>,
);

fn analyse(
    docs: &HashMap<PathBuf, OpenDoc>,
    path: &Path,
    text: String,
) -> (Analysis, Vec<lsp_types::Diagnostic>, Option<JobParts>) {
    let fs = Overlay { docs };
    let mut check_sources = Sources::new();
    let checked = crate::check::check_text(&mut check_sources, &fs, path, text.clone());
    let mut diags = to_lsp(&check_sources, path, &checked.diagnostics);

    let mut define_types = HashMap::new();
    if let Some(policy) = &checked.policy {
        for d in &policy.defines {
            let ty = match d.body {
                crate::check::ir::DefineBody::Bool(_) => "bool",
                crate::check::ir::DefineBody::Int(_) => "integer",
            };
            define_types.insert(d.name.clone(), ty);
        }
    }

    // The index reads the same files through the checker's loader.
    let mut sources = Sources::new();
    let mut ignored = Vec::new();
    let program =
        crate::check::modules::load(&mut sources, &fs, path, Some(text), None, &mut ignored);
    // The policies the root imports with `use ... as`, loaded the same way, so that
    // `alias.output` resolves to the imported output.
    let root_module = program.as_ref().and_then(|prog| prog.root());
    let base = root_module
        .and_then(|root| sources.path(root.file))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let aliased: Vec<(String, String)> = root_module
        .map(|root| {
            root.ast
                .items
                .iter()
                .filter_map(|item| match &item.kind {
                    ast::ItemKind::Use(u) => {
                        let alias = u.alias.as_ref()?;
                        Some((alias.name.clone(), u.path.value.clone()))
                    }
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let imported: Vec<(String, crate::check::modules::Program)> = aliased
        .into_iter()
        .filter_map(|(alias, target)| {
            let at = crate::source::normalize(&base.join(target));
            let prog =
                crate::check::modules::load(&mut sources, &fs, &at, None, None, &mut ignored)?;
            Some((alias, prog))
        })
        .collect();
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
        diags.extend(foreign_errors(
            &check_sources,
            &checked.diagnostics,
            &sources,
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
        .map(|p| (p, check_sources, diags.clone()));
    (
        Analysis {
            sources,
            root,
            index,
            reached,
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
    diagnostics.extend(to_lsp_in(&job.sources, &job.path, &found, true));
    Finished {
        path: job.path,
        generation: job.generation,
        diagnostics,
    }
}

/// Errors found in files the document `use`s (directly or through others), summed up on
/// the `use` that reaches them: the document cannot check until they are fixed.
fn foreign_errors(
    check_sources: &Sources,
    diags: &[Diagnostic],
    sources: &Sources,
    prog: &crate::check::modules::Program,
    path: &Path,
) -> Vec<lsp_types::Diagnostic> {
    let norm = |p: &Path| crate::source::normalize(p);
    let mut errors: HashMap<PathBuf, (usize, String)> = HashMap::new();
    for d in diags.iter().filter(|d| d.is_error()) {
        let Some(p) = d
            .primary_loc()
            .and_then(|l| check_sources.path(l.file))
            .map(norm)
        else {
            continue;
        };
        if p != path {
            let e = errors.entry(p).or_insert((0, d.message.clone()));
            e.0 += 1;
        }
    }
    let Some(root) = prog.root() else {
        return Vec::new();
    };
    let li = LineIndex::new(sources.text(root.file));
    let mut out = Vec::new();
    for (loc, target) in &root.uses {
        let Some(start) = target else { continue };
        // Every module this `use` reaches.
        let mut seen = vec![*start];
        let mut k = 0;
        while let Some(&m) = seen.get(k) {
            for (_, next) in prog
                .modules
                .get(m)
                .map(|m| m.uses.as_slice())
                .unwrap_or(&[])
            {
                if let Some(n) = next {
                    if !seen.contains(n) {
                        seen.push(*n);
                    }
                }
            }
            k += 1;
        }
        let mut count = 0;
        let mut first = None;
        for m in &seen {
            let Some(p) = prog
                .modules
                .get(*m)
                .and_then(|m| sources.path(m.file))
                .map(norm)
            else {
                continue;
            };
            if let Some((n, msg)) = errors.remove(&p) {
                count += n;
                first.get_or_insert((p, msg));
            }
        }
        if let Some((p, msg)) = first {
            out.push(lsp_types::Diagnostic {
                range: li.range(loc.span),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some("policyc".into()),
                message: format!(
                    "{count} error(s) in used file `{}`; the first: {msg}",
                    p.display()
                ),
                ..lsp_types::Diagnostic::default()
            });
        }
    }
    out
}

/// The `data` of a diagnostic as the editor gets it: its fixes that edit the document
/// (`in_doc`), as [`Carried`]; `None` when there are none. `shown` is the file the
/// diagnostic is shown in and `li` its line index, reused for the fixes in it.
fn carried(
    sources: &Sources,
    d: &Diagnostic,
    in_doc: impl Fn(FileId) -> bool,
    (shown, li): (FileId, &LineIndex),
) -> Option<serde_json::Value> {
    let fixes: Vec<QuickFix> = d
        .fixes
        .iter()
        .filter_map(|f| {
            let edit = f.edit(sources);
            if !in_doc(edit.loc.file) {
                return None;
            }
            let range = if edit.loc.file == shown {
                li.range(edit.loc.span)
            } else {
                LineIndex::new(sources.text(edit.loc.file)).range(edit.loc.span)
            };
            Some(QuickFix {
                title: f.title(),
                preferred: f.preferred(),
                edit: TextEdit::new(range, edit.text),
            })
        })
        .collect();
    if fixes.is_empty() {
        return None;
    }
    serde_json::to_value(Carried { fixes }).ok()
}

/// The diagnostics that belong in the document at `path`, as the protocol has them:
/// secondary labels become related information, help and notes join the message.
fn to_lsp(sources: &Sources, path: &Path, diags: &[Diagnostic]) -> Vec<lsp_types::Diagnostic> {
    to_lsp_in(sources, path, diags, false)
}

/// [`to_lsp`]; with `ours`, findings about this document's policy that point into a
/// `use`d file (a gap on an output the shared vocabulary declares, assumptions that
/// leave nothing) are shown on this document: on its first label here, else at its
/// start, naming where they point. The checker's errors in other files are summed up
/// on the `use` instead ([`foreign_errors`]), so they are left out.
fn to_lsp_in(
    sources: &Sources,
    path: &Path,
    diags: &[Diagnostic],
    ours: bool,
) -> Vec<lsp_types::Diagnostic> {
    let in_doc = |file: FileId| {
        sources
            .path(file)
            .is_some_and(|p| crate::source::normalize(p) == path)
    };
    let doc_start = || {
        sources
            .find_path(path)
            .map(|f| (f, crate::source::Span::new(0, 0)))
    };
    let mut out = Vec::new();
    for d in diags {
        let primary = d.primary_loc();
        let mut elsewhere = None;
        let (file, span) = match primary {
            Some(loc) if in_doc(loc.file) => (loc.file, loc.span),
            Some(loc) if ours => {
                elsewhere = Some(loc);
                match d.labels.iter().find(|l| in_doc(l.file)) {
                    Some(l) => (l.file, l.span),
                    None => match doc_start() {
                        Some(at) => at,
                        None => continue,
                    },
                }
            }
            Some(_) => continue,
            None => match doc_start() {
                Some(at) => at,
                None => continue,
            },
        };
        let li = LineIndex::new(sources.text(file));
        let mut message = d.message.clone();
        if let Some(loc) = elsewhere {
            let (line, _) = sources.line_col(loc.file, loc.span.start);
            message.push_str(&format!(" (at {}:{line})", sources.name(loc.file)));
        }
        for n in &d.notes {
            message.push_str(&format!("\nnote: {n}"));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let related: Vec<DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .filter(|l| l.style == LabelStyle::Secondary || elsewhere.is_some())
            .filter_map(|l| {
                let uri = path_to_uri(sources.path(l.file)?)?;
                let range = LineIndex::new(sources.text(l.file)).range(l.span);
                Some(DiagnosticRelatedInformation {
                    location: Location::new(uri, range),
                    message: l.message.clone(),
                })
            })
            .collect();
        let primary_label = d
            .labels
            .iter()
            .find(|l| l.style == LabelStyle::Primary)
            .map(|l| l.message.as_str())
            .unwrap_or("");
        if !primary_label.is_empty() && !message.contains(primary_label) {
            message = format!("{message}\n{primary_label}");
        }
        out.push(lsp_types::Diagnostic {
            range: li.range(span),
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
                Severity::Note => DiagnosticSeverity::INFORMATION,
            }),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some("policyc".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            data: carried(sources, d, in_doc, (file, &li)),
            ..lsp_types::Diagnostic::default()
        });
    }
    out
}
