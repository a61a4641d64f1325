//! The requests: each answers from the last check of its document (checked first if
//! edited since), in the forms the client declared ([`super::caps`]).

use crate::collections::{HashMap, HashSet};

use lsp_server::{ErrorCode, Message, Request, Response};
use lsp_types::request::{
    ApplyWorkspaceEdit, CodeActionRequest, Completion, DocumentSymbolRequest, ExecuteCommand,
    Formatting, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, CompletionItem, CompletionItemKind,
    CompletionResponse, DocumentSymbol, DocumentSymbolResponse, GotoDefinitionResponse, Hover,
    HoverContents, Location, LocationLink, MarkupContent, MarkupKind, Range, SymbolInformation,
    SymbolKind, TextEdit, Uri, WorkspaceEdit,
};

use super::complete::{self, Context};
use super::convert::{path_to_uri, uri_to_path, LineIndex};
use super::index::{self, DeclKind, ValueType};
use super::publish::Carried;
use super::{CheckedDoc, Server, APPLY_FIX};
use crate::source::FileId;

impl Server {
    pub(super) fn request(&mut self, req: Request) -> Vec<Message> {
        let mut out = Vec::new();
        // A request reads its document as edited so far.
        let path = req
            .params
            .pointer("/textDocument/uri")
            .and_then(serde_json::Value::as_str)
            .and_then(|u| u.parse::<Uri>().ok())
            .and_then(|u| uri_to_path(&u));
        if let Some(path) = path {
            if self.docs.get(&path).is_some_and(|d| d.dirty.is_some()) {
                out.extend(self.recheck(&path));
            }
        }
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => self.hover(req).map(to_json),
            GotoDefinition::METHOD => self.definition(req).map(to_json),
            References::METHOD => self.references(req).map(to_json),
            Completion::METHOD => self.completion(req).map(to_json),
            DocumentSymbolRequest::METHOD => self.symbols(req).map(to_json),
            Formatting::METHOD => self.formatting(req).map(to_json),
            CodeActionRequest::METHOD => self.code_actions(req).map(to_json),
            ExecuteCommand::METHOD => self.execute(req).map(|request| {
                out.push(request);
                serde_json::Value::Null
            }),
            _ => {
                out.push(Message::Response(Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("policyc lsp does not handle `{}`", req.method),
                )));
                return out;
            }
        };
        out.push(Message::Response(match result {
            Ok(value) => Response::new_ok(id, value),
            Err(msg) => Response::new_err(id, ErrorCode::InvalidParams as i32, msg),
        }));
        out
    }

    /// The checked document at `uri` and the byte offset of `pos` in it.
    fn locate(&self, uri: &Uri, pos: lsp_types::Position) -> Option<(&CheckedDoc, usize)> {
        let path = uri_to_path(uri)?;
        let a = self.checked.get(&path)?;
        let offset = a.lines.offset(&a.sources, a.root, pos);
        Some((a, offset))
    }

    fn hover(&self, req: Request) -> Result<Option<Hover>, String> {
        let p: lsp_types::HoverParams = params(req)?;
        let tdp = p.text_document_position_params;
        let Some((a, offset)) = self.locate(&tdp.text_document.uri, tdp.position) else {
            return Ok(None);
        };
        let markdown = self.caps.hover_markdown;
        let Some(occ) = a.index.at(a.root, offset) else {
            return Ok(clause_hover(a, offset, markdown));
        };
        let parts: Vec<String> = occ
            .decls
            .iter()
            .filter_map(|&d| a.index.decls.get(d))
            .map(|decl| describe(a, decl, markdown))
            .collect();
        if parts.is_empty() {
            return Ok(None);
        }
        let (kind, rule) = if markdown {
            (MarkupKind::Markdown, "\n\n---\n\n")
        } else {
            (MarkupKind::PlainText, "\n\n")
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind,
                value: parts.join(rule),
            }),
            range: Some(a.lines.range(&a.sources, a.root, occ.span)),
        }))
    }

    fn definition(&self, req: Request) -> Result<Option<GotoDefinitionResponse>, String> {
        let p: lsp_types::GotoDefinitionParams = params(req)?;
        let tdp = p.text_document_position_params;
        let Some((a, offset)) = self.locate(&tdp.text_document.uri, tdp.position) else {
            return Ok(None);
        };
        // On a `use` path: the file it names, if there is one.
        if let Some((span, target)) = a
            .uses
            .iter()
            .find(|(span, _)| span.start <= offset && offset <= span.end)
        {
            let exists = self.docs.contains_key(target) || target.is_file();
            let Some(uri) = path_to_uri(target).filter(|_| exists) else {
                return Ok(None);
            };
            let start = Range::default();
            return Ok(Some(if self.caps.definition_links {
                GotoDefinitionResponse::Link(vec![LocationLink {
                    origin_selection_range: Some(a.lines.range(&a.sources, a.root, *span)),
                    target_uri: uri,
                    target_range: start,
                    target_selection_range: start,
                }])
            } else {
                GotoDefinitionResponse::Scalar(Location::new(uri, start))
            }));
        }
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
        // Each file's URI once, not once per mention.
        let mut uris: HashMap<FileId, Option<Uri>> = HashMap::default();
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
                let uri = uris
                    .entry(o.file)
                    .or_insert_with(|| a.sources.path(o.file).and_then(path_to_uri));
                if let Some(uri) = uri {
                    locs.push(Location::new(
                        uri.clone(),
                        a.lines.range(&a.sources, o.file, o.span),
                    ));
                }
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
        let before = a.sources.text(a.root).get(..offset).unwrap_or("");
        let context = complete::context(before);
        let values = match &context {
            Context::ValueOf {
                name,
                assigned,
                element,
                listed,
            } => a.index.value(name).and_then(|decl| {
                let ty = match decl.kind {
                    DeclKind::Define if *assigned => None,
                    DeclKind::Define => {
                        (a.define_types.get(&decl.name) == Some(&"bool")).then_some(ValueType::Bool)
                    }
                    _ => decl.ty.clone(),
                }?;
                values(a, &ty, decl.file, *element, listed)
            }),
            Context::ValueOfType(ty) => values(a, ty, a.root, false, &[]),
            _ => None,
        };
        if let Some(items) = values {
            return Ok(Some(CompletionResponse::Array(items)));
        }
        let in_type = context == Context::Type;
        let in_overrides = context == Context::Overrides;
        let mut items = Vec::new();
        let mut seen = HashSet::default();
        for d in &a.index.decls {
            let wanted = if in_overrides {
                d.kind == DeclKind::Rule
            } else if in_type {
                d.kind == DeclKind::Enum
            } else {
                !matches!(d.kind, DeclKind::Policy | DeclKind::Enum)
            };
            if !wanted || !seen.insert((d.name.as_str(), d.kind.word())) {
                continue;
            }
            items.push(item(d));
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
        let Some(a) = self.checked.get(&path) else {
            return Ok(None);
        };
        let kind_of = |k: DeclKind| match k {
            DeclKind::Policy => SymbolKind::MODULE,
            DeclKind::Enum => SymbolKind::ENUM,
            DeclKind::Variant => SymbolKind::ENUM_MEMBER,
            DeclKind::Input => SymbolKind::VARIABLE,
            DeclKind::Output => SymbolKind::FIELD,
            DeclKind::Define => SymbolKind::CONSTANT,
            DeclKind::Rule | DeclKind::Assert | DeclKind::Scenario => SymbolKind::FUNCTION,
        };
        let ours = a.index.decls.iter().filter(|d| d.file == a.root);
        if !self.caps.nested_symbols {
            // A flat list: variants name their enum as their container.
            let flat = ours
                .map(|d| {
                    #[allow(deprecated)] // `deprecated` is a required field of the struct
                    SymbolInformation {
                        name: d.name.clone(),
                        kind: kind_of(d.kind),
                        tags: None,
                        deprecated: None,
                        location: Location::new(
                            p.text_document.uri.clone(),
                            a.lines.range(&a.sources, a.root, d.item_span),
                        ),
                        container_name: d
                            .parent
                            .and_then(|e| a.index.decls.get(e))
                            .map(|e| e.name.clone()),
                    }
                })
                .collect();
            return Ok(Some(DocumentSymbolResponse::Flat(flat)));
        }
        let mut out: Vec<DocumentSymbol> = Vec::new();
        for d in ours {
            #[allow(deprecated)] // `deprecated` is a required field of the struct
            let sym = DocumentSymbol {
                name: d.name.clone(),
                detail: Some(d.title.clone().unwrap_or_else(|| d.kind.word().to_string())),
                kind: kind_of(d.kind),
                tags: None,
                deprecated: None,
                range: a.lines.range(&a.sources, a.root, d.item_span),
                selection_range: a.lines.range(&a.sources, a.root, d.name_span),
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
        let Some(doc) = self.docs.get(&path).filter(|d| d.lost.is_none()) else {
            return Ok(None);
        };
        // A file with syntax errors is left alone; its diagnostics say why.
        let Ok(formatted) = crate::format::format(&doc.text) else {
            return Ok(None);
        };
        if formatted == doc.text {
            return Ok(Some(Vec::new()));
        }
        let li = LineIndex::new(&doc.text, self.caps.encoding);
        let whole = crate::source::Span::new(0, doc.text.len());
        Ok(Some(vec![TextEdit::new(
            li.range(&doc.text, whole),
            formatted,
        )]))
    }

    /// Quick fixes for the diagnostics the editor asks about: the fixes they carry in
    /// their `data` ([`Carried`]), made where each diagnostic was built (a "did you
    /// mean" name in place of the misspelt one; an `accept gap` clause at the end of the
    /// file, its reason left for the writer to fill in; a conflict settled each way). A client that does not hand
    /// `data` back gets the fixes of the published diagnostic it names; one without
    /// code action literals gets commands the server applies itself.
    fn code_actions(&self, req: Request) -> Result<Option<Vec<CodeActionOrCommand>>, String> {
        let p: lsp_types::CodeActionParams = params(req)?;
        let uri = p.text_document.uri;
        let published = uri_to_path(&uri).and_then(|path| self.published.get(&path));
        let mut actions = Vec::new();
        for d in &p.context.diagnostics {
            if d.source.as_deref() != Some("policyc") {
                continue;
            }
            let data = d.data.clone().or_else(|| {
                published?
                    .1
                    .iter()
                    .find(|s| s.range == d.range && s.code == d.code && s.message == d.message)?
                    .data
                    .clone()
            });
            let Some(carried) = data.and_then(|data| serde_json::from_value::<Carried>(data).ok())
            else {
                continue;
            };
            for fix in carried.fixes {
                // lsp_types keys a workspace edit's changes by `Uri`, whose cache clippy
                // takes for mutability; the key is never changed once inserted.
                #[allow(clippy::mutable_key_type)]
                let changes = std::collections::HashMap::from([(uri.clone(), vec![fix.edit])]);
                let edit = WorkspaceEdit::new(changes);
                if self.caps.code_action_literals {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title,
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![d.clone()]),
                        edit: Some(edit),
                        is_preferred: Some(fix.preferred),
                        ..CodeAction::default()
                    }));
                } else if self.caps.apply_edit {
                    actions.push(CodeActionOrCommand::Command(Command {
                        title: fix.title,
                        command: APPLY_FIX.into(),
                        arguments: Some(vec![to_json(edit)]),
                    }));
                }
            }
        }
        Ok(Some(actions))
    }

    /// `policyc.applyFix`: asks the client to apply the fix's edit.
    fn execute(&mut self, req: Request) -> Result<Message, String> {
        let p: lsp_types::ExecuteCommandParams = params(req)?;
        if p.command != APPLY_FIX {
            return Err(format!("policyc lsp has no command `{}`", p.command));
        }
        if !self.caps.apply_edit {
            return Err("the editor does not accept edits from the server".into());
        }
        let edit: WorkspaceEdit = p
            .arguments
            .into_iter()
            .next()
            .and_then(|a| serde_json::from_value(a).ok())
            .ok_or_else(|| format!("`{APPLY_FIX}` takes the edit to apply"))?;
        self.next_request += 1;
        Ok(Message::Request(Request::new(
            format!("policyc-{}", self.next_request).into(),
            ApplyWorkspaceEdit::METHOD.into(),
            lsp_types::ApplyWorkspaceEditParams {
                label: Some("policyc quick fix".into()),
                edit,
            },
        )))
    }
}

/// The values of type `ty` as completion items: an enum's variants (`file` is where
/// the typed name is declared: its enum is the one of that name there, if any), or
/// `true` and `false`; `element`: an element of a set is wanted. `None` when the type
/// has no values to list (integers).
fn values(
    a: &CheckedDoc,
    ty: &ValueType,
    file: FileId,
    element: bool,
    listed: &[&str],
) -> Option<Vec<CompletionItem>> {
    let items: Vec<CompletionItem> = match ty {
        ValueType::Bool if !element => vec![keyword("true"), keyword("false")],
        ValueType::Enum(e) => a.index.variants(e, file).into_iter().map(item).collect(),
        ValueType::SetOf(e) if element => a.index.variants(e, file).into_iter().map(item).collect(),
        _ => return None,
    };
    let items: Vec<CompletionItem> = items
        .into_iter()
        .filter(|i| !listed.contains(&i.label.as_str()))
        .collect();
    (!items.is_empty()).then_some(items)
}

fn item(d: &index::Decl) -> CompletionItem {
    let kind = match d.kind {
        DeclKind::Input => CompletionItemKind::VARIABLE,
        DeclKind::Output => CompletionItemKind::FIELD,
        DeclKind::Define => CompletionItemKind::CONSTANT,
        DeclKind::Variant => CompletionItemKind::ENUM_MEMBER,
        DeclKind::Enum => CompletionItemKind::ENUM,
        DeclKind::Rule | DeclKind::Assert | DeclKind::Scenario => CompletionItemKind::FUNCTION,
        DeclKind::Policy => CompletionItemKind::MODULE,
    };
    CompletionItem {
        label: d.name.clone(),
        kind: Some(kind),
        detail: Some(d.signature.clone()),
        documentation: d.doc.clone().map(lsp_types::Documentation::String),
        ..CompletionItem::default()
    }
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
        "judgement" => "judgement \"CITATION\": a person decides this input (the cited paragraph leaves it to them). It is an input like any other in the analyses; `decide` lists it, when missing, as a judgement for the person handling the incident.",
        "precedence" => "precedence a > b: where rules that apply give this output different values, the highest listed value wins (DMN's priority), after `overrides`. Each such overlap is a note (W0506); a value not listed still conflicts (E0502).",
        "exclusive" => "exclusive: no two rules that assign this output may apply to one incident, neither overriding the other, equal values included (DMN's unique); an overlap is E0506.",
        "ignore" => "ignore a, b \"reason\": the policy deliberately does not read these inputs. They are no longer listed as unused (W0503); reading one is E0209.",
        _ => return None,
    })
}

/// Hover on a clause keyword (`judgement`, `precedence`, `exclusive`, `ignore`).
fn clause_hover(a: &CheckedDoc, offset: usize, markdown: bool) -> Option<Hover> {
    let text = a.sources.text(a.root);
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
    let kind = if markdown {
        MarkupKind::Markdown
    } else {
        MarkupKind::PlainText
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind,
            value: doc.to_string(),
        }),
        range: Some(
            a.lines
                .range(&a.sources, a.root, crate::source::Span::new(start, end)),
        ),
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

fn location(a: &CheckedDoc, file: FileId, span: crate::source::Span) -> Option<Location> {
    let uri = path_to_uri(a.sources.path(file)?)?;
    Some(Location::new(uri, a.lines.range(&a.sources, file, span)))
}

/// Hover text for a declaration: its first line, type, doc comment, title and citation,
/// in markdown or in plain text.
fn describe(a: &CheckedDoc, d: &index::Decl, markdown: bool) -> String {
    let code = |s: &str| {
        if markdown {
            format!("`{s}`")
        } else {
            s.to_string()
        }
    };
    let mut s = if markdown {
        format!("```policy\n{}\n```", d.signature)
    } else {
        d.signature.clone()
    };
    if d.kind == DeclKind::Define {
        if let Some(ty) = a.define_types.get(&d.name) {
            s.push_str(&format!("\n\ntype: {}", code(ty)));
        }
    }
    if d.kind == DeclKind::Variant {
        if let Some(e) = d.parent.and_then(|p| a.index.decls.get(p)) {
            s.push_str(&format!("\n\nvariant of enum {}", code(&e.name)));
        }
    }
    if let Some(doc) = &d.doc {
        s.push_str("\n\n");
        s.push_str(doc);
    }
    if let Some(t) = &d.title {
        if markdown {
            s.push_str(&format!("\n\n**{t}**"));
        } else {
            s.push_str(&format!("\n\n{t}"));
        }
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
            let at = code(&p.display().to_string());
            if markdown {
                s.push_str(&format!("\n\n*declared in {at}*"));
            } else {
                s.push_str(&format!("\n\ndeclared in {at}"));
            }
        }
    }
    s
}
