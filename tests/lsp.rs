//! The language server, driven over JSON-RPC the way an editor drives it: initialize,
//! open a two-file policy, edit, hover, go to definition, find references, complete,
//! list symbols, format, shut down. The server runs in-process over an in-memory
//! connection (the same messages as stdio, without the framing); the binary is driven
//! over stdio for the framing. `tests/lsp_client.rs` drives it with a third-party
//! client library (pytest-lsp).

// Helpers outside #[test] functions may fail loudly too: this is a test crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::temp_dir;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::Uri;
use serde_json::{json, Value};

const VOCAB: &str = r#"/// Force, coercion, blackmail or grooming.
input coercion: bool
/// How old is the youngest person involved?
input youngest_age: 0..=99
enum Severity { semi_nude, nude, sexual_act }
/// The most serious content involved.
input severity: Severity
"#;

const POLICY: &str = r#"policy school "A school policy"

use "vocabulary.policy"

enum Response { escalate, manage_in_school }
output response: Response

/// Coercion is always escalated.
rule escalate_coercion "Coercion means escalation"
  cites "002 para 4: 'external coercion'"
  when coercion
  then response = escalate

rule in_school "Otherwise the school manages it"
  cites "002 para 5"
  overrides escalate_coercion
  when not coercion or youngest_age >= 13
  then response = manage_in_school
"#;

struct Client {
    conn: Connection,
    next_id: i32,
    server: Option<std::thread::JoinHandle<Result<(), String>>>,
}

/// The capabilities an editor such as VS Code declares, in the parts the server reads.
fn editor_capabilities() -> Value {
    json!({
        "workspace": { "applyEdit": true },
        "textDocument": {
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
            "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix"] } } },
            "publishDiagnostics": { "relatedInformation": true, "versionSupport": true, "dataSupport": true },
        }
    })
}

impl Client {
    /// A client with an editor's capabilities. The checker's diagnostics of a clean
    /// policy wait for its analyses (quick here): each version is published once.
    fn start() -> Client {
        Client::start_with(
            editor_capabilities(),
            policyc::testing::lsp::Options {
                analysis_grace: Duration::from_secs(60),
            },
        )
    }

    fn start_with(capabilities: Value, options: policyc::testing::lsp::Options) -> Client {
        let mut c = Client::connect(options);
        let caps = c.request("initialize", json!({ "capabilities": capabilities }));
        assert_eq!(caps["capabilities"]["hoverProvider"], json!(true), "{caps}");
        assert_eq!(
            caps["capabilities"]["documentFormattingProvider"],
            json!(true)
        );
        assert_eq!(caps["capabilities"]["codeActionProvider"], json!(true));
        // Incremental synchronisation.
        assert_eq!(caps["capabilities"]["textDocumentSync"]["change"], json!(2));
        c.notify("initialized", json!({}));
        c
    }

    /// A server, not yet initialized.
    fn connect(options: policyc::testing::lsp::Options) -> Client {
        let (server, client) = Connection::memory();
        // The parser recurses: give the server the stack the binary gives it.
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024 * 1024)
            .spawn(move || policyc::testing::lsp::serve_with(server, options))
            .unwrap();
        Client {
            conn: client,
            next_id: 0,
            server: Some(handle),
        }
    }

    /// Sends a request and returns its whole response (result or error).
    fn call(&mut self, method: &str, params: Value) -> Result<Value, lsp_server::ResponseError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            match self.recv() {
                Message::Response(Response {
                    id: rid,
                    response_result,
                }) if rid == id => return response_result,
                _ => continue,
            }
        }
    }

    /// Waits for the server to end and returns what `serve` returned.
    fn ended(mut self) -> Result<(), String> {
        self.server.take().unwrap().join().unwrap()
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e:?}"))
    }

    fn recv(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers")
    }

    /// The next diagnostics published for `uri` (others are skipped).
    fn diagnostics(&self, uri: &Uri) -> Vec<Value> {
        self.publication(uri).1
    }

    /// The next diagnostics published for `uri`, with the version they were computed for.
    fn publication(&self, uri: &Uri) -> (Option<i64>, Vec<Value>) {
        loop {
            if let Message::Notification(n) = self.recv() {
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"].as_str() == Some(uri.as_str())
                {
                    let diags = n.params["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    return (n.params["version"].as_i64(), diags);
                }
            }
        }
    }

    fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        let served = self.server.take().unwrap().join().unwrap();
        assert_eq!(served, Ok(()));
    }
}

fn uri(path: &Path) -> Uri {
    Uri::from_str(&format!("file://{}", path.display())).unwrap()
}

/// The position of the `nth` occurrence of `needle` in `text`, plus `shift` characters.
fn pos(text: &str, needle: &str, nth: usize, shift: u32) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    let line = text[..at].matches('\n').count();
    let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    json!({ "line": line, "character": col as u32 + shift })
}

fn errors(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d["severity"] == json!(1))
        .map(|d| format!("{}: {}", d["code"].as_str().unwrap_or(""), d["message"]))
        .collect()
}

#[test]
fn an_editor_session_on_a_two_file_policy() {
    let dir = temp_dir("session");
    let vocab_path = dir.join("vocabulary.policy");
    let policy_path = dir.join("school.policy");
    std::fs::write(&vocab_path, VOCAB).unwrap();
    std::fs::write(&policy_path, POLICY).unwrap();
    let (vocab, policy) = (uri(&vocab_path), uri(&policy_path));

    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": POLICY } }),
    );
    let diags = c.diagnostics(&policy);
    assert!(
        errors(&diags).is_empty(),
        "a clean policy has no errors, the analyses' included: {diags:?}"
    );

    // An edit that breaks a name: the error arrives, pointing at the name, with help.
    let broken = POLICY.replace("when coercion\n", "when coercoin\n");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": policy.as_str(), "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    let diags = c.diagnostics(&policy);
    let errs = errors(&diags);
    assert_eq!(errs.len(), 1, "{diags:?}");
    assert!(errs[0].contains("coercoin"), "{errs:?}");
    assert_eq!(diags[0]["range"]["start"], pos(&broken, "coercoin", 0, 0));
    assert_eq!(diags[0]["source"], json!("policyc"));

    // A syntax error is reported too, and formatting leaves such a file alone.
    let syntax = POLICY.replace("then response = escalate\n", "response = escalate\n");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": policy.as_str(), "version": 3 }, "contentChanges": [{ "text": syntax }] }),
    );
    let diags = c.diagnostics(&policy);
    assert!(
        errors(&diags).iter().any(|e| e.starts_with("E0101")),
        "{diags:?}"
    );
    let edits = c.request("textDocument/formatting", json!({ "textDocument": { "uri": policy.as_str() }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(edits, Value::Null);

    // Back to the clean text.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": policy.as_str(), "version": 4 }, "contentChanges": [{ "text": POLICY }] }),
    );
    assert!(
        errors(&c.diagnostics(&policy)).is_empty(),
        "neither the checker nor the analyses find anything"
    );

    // Hover on an input declared in the other file: its declaration and doc comment.
    let at = pos(POLICY, "coercion\n", 0, 2);
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("input coercion: bool"), "{text}");
    assert!(
        text.contains("Force, coercion, blackmail or grooming."),
        "{text}"
    );
    assert!(text.contains("vocabulary.policy"), "{text}");

    // Hover on a rule name: its title, citation and doc comment.
    let at = pos(POLICY, "escalate_coercion", 1, 1);
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Coercion means escalation"), "{text}");
    assert!(text.contains("002 para 4: 'external coercion'"), "{text}");
    assert!(text.contains("Coercion is always escalated."), "{text}");

    // Go to definition across files.
    let at = pos(POLICY, "youngest_age", 0, 3);
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    assert_eq!(def["uri"], json!(vocab.as_str()), "{def}");
    assert_eq!(def["range"]["start"], pos(VOCAB, "youngest_age", 0, 0));

    // Go to definition of a rule named in `overrides`, in the same file.
    let at = pos(POLICY, "escalate_coercion", 1, 0);
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    assert_eq!(def["uri"], json!(policy.as_str()));
    assert_eq!(
        def["range"]["start"],
        pos(POLICY, "escalate_coercion", 0, 0)
    );

    // Find references: the declaration in the vocabulary and both uses in the policy.
    let at = pos(POLICY, "coercion\n", 0, 0);
    let refs = c.request("textDocument/references", json!({ "textDocument": { "uri": policy.as_str() }, "position": at, "context": { "includeDeclaration": true } }));
    let refs = refs.as_array().unwrap();
    assert_eq!(refs.len(), 3, "{refs:?}");
    assert_eq!(
        refs.iter()
            .filter(|r| r["uri"] == json!(vocab.as_str()))
            .count(),
        1
    );

    // Completion in a condition: inputs from the vocabulary, outputs, variants, rules
    // and keywords.
    let at = pos(POLICY, "youngest_age >= 13", 0, 0);
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    let labels: Vec<&str> = comp
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for want in [
        "coercion",
        "youngest_age",
        "response",
        "escalate",
        "manage_in_school",
        "sexual_act",
        "in_school",
        "when",
    ] {
        assert!(labels.contains(&want), "{want} missing from {labels:?}");
    }
    // After `response = `: the values of `response`'s type, nothing else.
    let at = pos(POLICY, "then response = escalate", 0, 16);
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    let labels: Vec<&str> = comp
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["escalate", "manage_in_school"]);
    let at = pos(POLICY, "overrides escalate_coercion", 0, 10);
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    let labels: Vec<&str> = comp
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        vec!["escalate_coercion", "in_school"],
        "after `overrides` only rules"
    );

    // Document symbols: the declarations of this file, enum variants nested.
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": policy.as_str() } }),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        vec![
            "school",
            "Response",
            "response",
            "escalate_coercion",
            "in_school"
        ]
    );
    assert_eq!(syms[1]["children"].as_array().unwrap().len(), 2);

    // Formatting: one edit with the canonical text.
    let ugly = POLICY.replace(
        "  cites \"002 para 5\"\n",
        "        cites \"002 para 5\"   // why\n",
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": policy.as_str(), "version": 5 }, "contentChanges": [{ "text": ugly }] }),
    );
    c.diagnostics(&policy);
    let edits = c.request("textDocument/formatting", json!({ "textDocument": { "uri": policy.as_str() }, "options": { "tabSize": 2, "insertSpaces": true } }));
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["newText"].as_str().unwrap(),
        POLICY.replace(
            "  cites \"002 para 5\"\n",
            "  cites \"002 para 5\" // why\n"
        )
    );

    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsaved_used_files_are_read_from_the_editor() {
    let dir = temp_dir("overlay");
    let vocab_path = dir.join("vocabulary.policy");
    let policy_path = dir.join("school.policy");
    std::fs::write(&vocab_path, VOCAB).unwrap();
    std::fs::write(&policy_path, POLICY).unwrap();
    let (vocab, policy) = (uri(&vocab_path), uri(&policy_path));
    let c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": POLICY } }),
    );
    assert!(errors(&c.diagnostics(&policy)).is_empty());

    // The vocabulary is opened and `coercion` renamed without saving: the policy,
    // re-checked against the buffer, no longer finds it.
    let renamed = VOCAB.replace("input coercion", "input coerced");
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": vocab.as_str(), "languageId": "policy", "version": 1, "text": renamed } }),
    );
    assert!(errors(&c.diagnostics(&vocab)).is_empty());
    let errs = errors(&c.diagnostics(&policy));
    assert!(
        !errs.is_empty() && errs.iter().all(|e| e.contains("coercion")),
        "{errs:?}"
    );

    // A syntax error in the used buffer shows on the `use` line of the policy.
    let broken = format!("{renamed}input broken\n");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": vocab.as_str(), "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    assert!(!errors(&c.diagnostics(&vocab)).is_empty());
    let diags = c.diagnostics(&policy);
    let on_use = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("used file"))
        .unwrap();
    assert_eq!(
        on_use["range"]["start"],
        pos(POLICY, "\"vocabulary.policy\"", 0, 0)
    );

    // Closing the buffer goes back to the file on disk, where `coercion` exists.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": vocab.as_str() } }),
    );
    assert!(c.diagnostics(&vocab).is_empty());
    assert!(errors(&c.diagnostics(&policy)).is_empty());
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn secondary_labels_become_related_information() {
    let dir = temp_dir("related");
    let vocab_path = dir.join("vocabulary.policy");
    let policy_path = dir.join("school.policy");
    std::fs::write(&vocab_path, VOCAB).unwrap();
    let dup = POLICY.replace("enum Response", "input coercion: bool\nenum Response");
    std::fs::write(&policy_path, &dup).unwrap();
    let policy = uri(&policy_path);
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": dup } }),
    );
    let diags = c.diagnostics(&policy);
    let e = diags
        .iter()
        .find(|d| d["code"] == json!("E0201"))
        .unwrap_or_else(|| panic!("{diags:?}"));
    let related = e["relatedInformation"].as_array().unwrap();
    assert_eq!(
        related[0]["location"]["uri"],
        json!(uri(&vocab_path).as_str())
    );
    assert_eq!(
        related[0]["location"]["range"]["start"],
        pos(VOCAB, "coercion", 1, 0)
    );
    let _ = c.request("textDocument/hover", json!({ "textDocument": { "uri": policy.as_str() }, "position": { "line": 0, "character": 0 } }));
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_burst_of_edits_ends_with_the_diagnostics_of_the_last() {
    let dir = temp_dir("burst");
    let vocab_path = dir.join("vocabulary.policy");
    let policy_path = dir.join("school.policy");
    std::fs::write(&vocab_path, VOCAB).unwrap();
    std::fs::write(&policy_path, POLICY).unwrap();
    let policy = uri(&policy_path);
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": POLICY } }),
    );
    c.diagnostics(&policy);
    for v in 2..12 {
        let text = if v == 11 {
            POLICY.replace("coercion\n", "coerced\n")
        } else {
            POLICY.replace("when coercion", &format!("when c{v}"))
        };
        c.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": policy.as_str(), "version": v }, "contentChanges": [{ "text": text }] }),
        );
    }
    // A request after the burst: everything before it has been handled when it answers.
    c.next_id += 1;
    let id = RequestId::from(c.next_id);
    c.conn
        .sender
        .send(Message::Request(Request::new(
            id.clone(),
            "textDocument/documentSymbol".into(),
            json!({ "textDocument": { "uri": policy.as_str() } }),
        )))
        .unwrap();
    let mut published = Vec::new();
    loop {
        match c.recv() {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                published.push(n.params)
            }
            Message::Response(r) if r.id == id => break,
            _ => {}
        }
    }
    assert!(!published.is_empty() && published.len() <= 11);
    // Each publish names the version it was computed for, in order, ending at the last.
    let versions: Vec<i64> = published
        .iter()
        .map(|p| p["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert_eq!(versions.last(), Some(&11));
    let last = errors(published.last().unwrap()["diagnostics"].as_array().unwrap());
    assert!(
        last.iter().any(|e| e.contains("coerced")),
        "the last edit's error: {last:?}"
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_analyses_report_as_you_type() {
    let dir = temp_dir("analyses");
    let vocab_path = dir.join("vocabulary.policy");
    let policy_path = dir.join("school.policy");
    std::fs::write(&vocab_path, VOCAB).unwrap();
    // Without the second rule, `response` gets no value when there is no coercion.
    let gap = POLICY.split("rule in_school").next().unwrap().to_string();
    std::fs::write(&policy_path, &gap).unwrap();
    let policy = uri(&policy_path);
    // The checker's diagnostics do not wait for the analyses here.
    let mut c = Client::start_with(
        editor_capabilities(),
        policyc::testing::lsp::Options {
            analysis_grace: Duration::ZERO,
        },
    );
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": gap } }),
    );
    // The checker's findings come first, the analyses' follow from the background,
    // both for version 1.
    let first = c.publication(&policy);
    assert!(errors(&first.1).is_empty(), "{first:?}");
    let (version, diags) = c.publication(&policy);
    assert_eq!((first.0, version), (Some(1), Some(1)));
    let errs = errors(&diags);
    assert!(
        errs.iter().any(|e| e.starts_with("E0501")),
        "a gap is reported: {diags:?}"
    );
    // Hover answers after analysing.
    let at = pos(&gap, "coercion\n", 0, 1);
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("input coercion: bool"));
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A document just opened gets the checker's findings at once and the analyses' when
/// they are done; an edit is published once, with both (nothing vanishes meanwhile).
#[test]
fn opening_shows_the_checker_at_once_and_edits_wait_for_the_analyses() {
    let dir = temp_dir("opening");
    std::fs::write(dir.join("vocabulary.policy"), VOCAB).unwrap();
    // An input no rule reads (the checker's W0001) and a gap (the analyses' E0501).
    let gap = POLICY.split("rule in_school").next().unwrap().to_string() + "input unread: bool\n";
    let path = dir.join("school.policy");
    let policy = uri(&path);
    let c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": gap } }),
    );
    let codes = |d: &[Value]| -> Vec<String> {
        let mut c: Vec<String> = d
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        c.sort();
        c.dedup();
        c
    };
    let (v, first) = c.publication(&policy);
    assert_eq!((v, codes(&first)), (Some(1), vec!["W0001".to_string()]));
    let (v, second) = c.publication(&policy);
    assert_eq!(v, Some(1));
    assert!(codes(&second).contains(&"E0501".to_string()), "{second:?}");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": policy.as_str(), "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "// edited\n" },
        ] }),
    );
    let (v, edited) = c.publication(&policy);
    assert_eq!(v, Some(2));
    assert_eq!(codes(&edited), codes(&second));
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The binary speaks the protocol on stdin/stdout, framed as editors frame it.
#[test]
fn policyc_lsp_over_stdio() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_policyc"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut send = |v: Value| {
        let body = v.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    };
    let mut recv = || -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            let line = line.trim();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                len = n.parse().unwrap();
            }
        }
        let mut body = vec![0; len];
        stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    };
    send(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    assert_eq!(
        recv()["result"]["capabilities"]["definitionProvider"],
        json!(true)
    );
    send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    let uri = "file:///nonexistent-dir/x.policy";
    send(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": "policy p \"t\"\ninput a bool\n" } } }),
    );
    let published = recv();
    assert_eq!(
        published["method"],
        json!("textDocument/publishDiagnostics")
    );
    assert_eq!(
        published["params"]["diagnostics"][0]["code"],
        json!("E0101")
    );
    assert_eq!(
        published["params"]["diagnostics"][0]["range"]["start"],
        json!({ "line": 1, "character": 8 })
    );
    send(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    assert_eq!(recv()["id"], json!(2));
    send(json!({ "jsonrpc": "2.0", "method": "exit" }));
    assert!(child.wait().unwrap().success());
}

/// `alias.output` in an assert names the output of a policy imported with `use ... as`:
/// hover shows that output's declaration, and go to definition opens the imported file.
#[test]
fn an_imported_output_resolves_through_its_alias() {
    const NATIONAL: &str = r#"policy national "National advice"
use "vocabulary.policy"
enum PoliceResponse { take_control, support }
/// How the police respond.
output police_response: PoliceResponse
rule control "Coercion" cites "004" when coercion then police_response = take_control
rule support "No coercion" cites "004" when not coercion then police_response = support
"#;
    let dir = temp_dir("alias");
    std::fs::write(dir.join("vocabulary.policy"), VOCAB).unwrap();
    std::fs::write(dir.join("national.policy"), NATIONAL).unwrap();
    let text = POLICY.replace(
        "use \"vocabulary.policy\"\n",
        "use \"vocabulary.policy\"\nuse \"national.policy\" as national\n",
    ) + "\nassert follows \"The school escalates what the police take over\"\n  always national.police_response == take_control implies response == escalate\n";
    let policy_path = dir.join("school.policy");
    std::fs::write(&policy_path, &text).unwrap();
    let (policy, national) = (uri(&policy_path), uri(&dir.join("national.policy")));
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": text } }),
    );
    let diags = c.diagnostics(&policy);
    // The names resolve (the checker is content); the analyses find that the assert
    // fails where `in_school` overrides escalation for older children.
    assert_eq!(
        errors(&diags).iter().map(|e| &e[..5]).collect::<Vec<_>>(),
        vec!["E0503"],
        "{diags:?}"
    );
    let at = pos(&text, "national.police_response", 0, 12);
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("output police_response: PoliceResponse"),
        "{hover}"
    );
    assert!(shown.contains("How the police respond."), "{hover}");
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    assert_eq!(def["uri"], json!(national.as_str()), "{def}");
    assert_eq!(
        def["range"]["start"],
        pos(NATIONAL, "police_response", 0, 0)
    );
    // The imported output's values complete after `==`, and resolve.
    let at = pos(&text, "== take_control", 0, 3);
    let comp = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": at }),
    );
    let labels: Vec<&str> = comp
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["take_control", "support"]);
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": policy.as_str() }, "position": pos(&text, "take_control", 0, 1) }),
    );
    assert_eq!(def["uri"], json!(national.as_str()), "{def}");
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// `text` with one LSP edit applied (ASCII text: columns are bytes).
fn apply(text: &str, edit: &Value) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + col
    };
    let (a, b) = (
        offset(&edit["range"]["start"]),
        offset(&edit["range"]["end"]),
    );
    format!(
        "{}{}{}",
        &text[..a],
        edit["newText"].as_str().unwrap(),
        &text[b..]
    )
}

/// The quick fixes the server offers for `diags`, as (title, the one edit).
fn quick_fixes(c: &mut Client, doc: &Uri, diags: &[Value]) -> Vec<(String, Value)> {
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": doc.as_str() },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "context": { "diagnostics": diags },
        }),
    );
    actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert_eq!(a["kind"], json!("quickfix"));
            let edits = a["edit"]["changes"][doc.as_str()].as_array().unwrap();
            assert_eq!(edits.len(), 1, "{a}");
            (a["title"].as_str().unwrap().to_string(), edits[0].clone())
        })
        .collect()
}

/// A misspelt name is fixed by the "did you mean" name; a gap is accepted by a clause
/// added at the end of the file, after which the gap is no longer an error.
#[test]
fn quick_fixes_replace_a_misspelt_name_and_accept_a_gap() {
    let dir = temp_dir("fixes");
    let vocab_path = dir.join("vocabulary.policy");
    let policy_path = dir.join("school.policy");
    std::fs::write(&vocab_path, VOCAB).unwrap();
    let misspelt = POLICY.replace("when coercion\n", "when coercoin\n");
    std::fs::write(&policy_path, &misspelt).unwrap();
    let policy = uri(&policy_path);
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": policy.as_str(), "languageId": "policy", "version": 1, "text": misspelt } }),
    );
    let diags = c.diagnostics(&policy);
    let fixes = quick_fixes(&mut c, &policy, &diags);
    assert_eq!(fixes.len(), 1, "{fixes:?}");
    assert_eq!(fixes[0].0, "Replace with `coercion`");
    assert_eq!(apply(&misspelt, &fixes[0].1), POLICY);

    // Without the overriding rule, an incident without coercion gets no response.
    let gap = POLICY[..POLICY.find("rule in_school").unwrap()].to_string();
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": policy.as_str(), "version": 2 }, "contentChanges": [{ "text": gap }] }),
    );
    let diags = c.diagnostics(&policy);
    assert!(
        diags.iter().any(|d| d["code"] == json!("E0501")),
        "{diags:?}"
    );
    let fixes = quick_fixes(&mut c, &policy, &diags);
    let (title, edit) = fixes
        .iter()
        .find(|f| f.0.starts_with("Accept this gap"))
        .unwrap_or_else(|| panic!("{fixes:?}"));
    assert_eq!(title, "Accept this gap (then give the reason)");
    let accepted = apply(&gap, edit);
    assert!(
        accepted.ends_with("\naccept gap response \"reason\" when not coercion\n"),
        "{accepted}"
    );
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": policy.as_str(), "version": 3 }, "contentChanges": [{ "text": accepted }] }),
    );
    let diags = c.diagnostics(&policy);
    assert!(errors(&diags).is_empty(), "{diags:?}");
    assert!(
        diags.iter().any(|d| d["code"] == json!("W0505")),
        "{diags:?}"
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `typical` value names a variant: hover and go to definition reach its declaration.
#[test]
fn a_typical_variant_is_a_mention() {
    let dir = temp_dir("typical");
    let path = dir.join("t.policy");
    let text = "policy t \"T\"\nenum Severity { semi_nude, nude }\ninput severity: Severity typical nude\noutput o: bool default false\n";
    std::fs::write(&path, text).unwrap();
    let doc = uri(&path);
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": text } }),
    );
    let _ = c.diagnostics(&doc);
    let at = pos(text, "nude", 2, 1);
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": doc.as_str() }, "position": at }),
    );
    let target = if def.is_array() { def[0].clone() } else { def };
    assert_eq!(
        target["range"]["start"],
        pos(text, "nude", 1, 0),
        "{target}"
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Findings about a policy that point into a `use`d file (a gap on an output the
/// vocabulary declares; assumptions there that leave no incident) are shown on the
/// document, naming where they point: `policyc check` fails on them.
#[test]
fn findings_pointing_into_a_used_file_are_shown_on_the_document() {
    let dir = temp_dir("foreign-findings");
    let vocab_path = dir.join("vocab.policy");
    std::fs::write(
        &vocab_path,
        "/// Youngest?\ninput youngest_age: 0..=99\n/// Oldest?\ninput oldest_age: 0..=99\n/// Respond?\noutput response: bool\n",
    )
    .unwrap();
    let gap_path = dir.join("gap.policy");
    let gap = "policy p \"Gap\"\nuse \"vocab.policy\"\nrule r \"R\"\n  cites \"x\"\n  when oldest_age - youngest_age >= 3\n  then response = true\n";
    std::fs::write(&gap_path, gap).unwrap();
    let doc = uri(&gap_path);
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": gap } }),
    );
    let diags = c.diagnostics(&doc);
    let gap_diag = diags
        .iter()
        .find(|d| d["code"] == "E0501")
        .unwrap_or_else(|| panic!("the gap is shown: {diags:?}"));
    let message = gap_diag["message"].as_str().unwrap();
    assert!(message.contains("(at "), "{message}");
    assert!(message.contains("vocab.policy:6)"), "{message}");
    // On the rule of this document that assigns the output.
    assert_eq!(gap_diag["range"]["start"]["line"], 2, "{gap_diag}");
    // The accept quick fix is offered for it.
    let fixes = quick_fixes(&mut c, &doc, &diags);
    assert!(
        fixes.iter().any(|(title, _)| title.contains("Accept")),
        "{fixes:?}"
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The lifecycle as the protocol has it: a request before `initialize` or before
/// `initialized` is answered `ServerNotInitialized` (-32002) and the session goes on;
/// notifications before `initialized` are dropped; after `shutdown` requests are
/// refused; `exit` then ends the server cleanly.
#[test]
fn requests_before_initialized_are_refused_and_the_session_goes_on() {
    let dir = temp_dir("lifecycle");
    let path = dir.join("t.policy");
    let text = "policy t \"T\"\ninput a: bool\noutput o: bool default false\nrule r \"R\" cites \"x\" when a then o = true\n";
    std::fs::write(&path, text).unwrap();
    let doc = uri(&path);
    let hover = json!({ "textDocument": { "uri": doc.as_str() }, "position": { "line": 3, "character": 27 } });
    let mut c = Client::connect(policyc::testing::lsp::Options::default());
    let early = c.call("textDocument/hover", hover.clone()).unwrap_err();
    assert_eq!(early.code, -32002, "{early:?}");
    let init = c.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(init["serverInfo"]["name"], json!("policyc"));
    assert_eq!(init["capabilities"]["positionEncoding"], json!("utf-16"));
    // Between `initialize` and `initialized`: refused, and a document opened then is
    // not taken in.
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": text } }),
    );
    let early = c.call("textDocument/hover", hover.clone()).unwrap_err();
    assert_eq!(early.code, -32002, "{early:?}");
    let again = c
        .call("initialize", json!({ "capabilities": {} }))
        .unwrap_err();
    assert_eq!(again.code, -32600, "{again:?}");
    c.notify("initialized", json!({}));
    assert_eq!(c.request("textDocument/hover", hover.clone()), Value::Null);
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": text } }),
    );
    assert_eq!(c.publication(&doc).0, Some(1));
    let shown = c.request("textDocument/hover", hover.clone());
    assert!(
        shown["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("input a: bool"),
        "{shown}"
    );
    assert_eq!(c.request("shutdown", Value::Null), Value::Null);
    let late = c.call("textDocument/hover", hover).unwrap_err();
    assert_eq!(late.code, -32600, "{late:?}");
    c.notify("exit", Value::Null);
    assert_eq!(c.ended(), Ok(()));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `exit` without `shutdown` ends the server with an error (the binary exits with 1).
#[test]
fn exit_without_shutdown_is_an_error() {
    let c = Client::start();
    c.notify("exit", Value::Null);
    let ended = c.ended();
    assert!(ended.unwrap_err().contains("without `shutdown`"));
}

/// Ranged edits are applied in UTF-16 units, each on the text the previous one left;
/// the diagnostics name the version they were computed for.
#[test]
fn incremental_edits_apply_in_utf16_units() {
    let dir = temp_dir("incremental");
    let path = dir.join("t.policy");
    // A citation of multi-byte characters (one of them a surrogate pair) before the
    // edited name, on the same line.
    let text = "policy t \"T\"\ninput a: bool\noutput o: bool default false\nrule r \"R\" cites \"é𝄞\" when a then o = true\n";
    std::fs::write(&path, text).unwrap();
    let doc = uri(&path);
    let c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": text } }),
    );
    let (v, diags) = c.publication(&doc);
    assert_eq!(v, Some(1));
    assert!(errors(&diags).is_empty(), "{diags:?}");
    // `when a` becomes `when ab`: the `a` after `when ` is at UTF-16 column 28 (the
    // citation's `é` is one unit, `𝄞` two), byte 31.
    let line = text.lines().nth(3).unwrap();
    let byte = line.find("when a").unwrap() + 5;
    let col = line[..byte].encode_utf16().count() as u32;
    assert_eq!((byte, col), (31, 28));
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": doc.as_str(), "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 3, "character": col + 1 }, "end": { "line": 3, "character": col + 1 } }, "text": "b" },
        ] }),
    );
    let (v, diags) = c.publication(&doc);
    assert_eq!(v, Some(2));
    let errs = errors(&diags);
    assert!(
        errs.len() == 1 && errs[0].contains("`ab`"),
        "the edit made `ab`: {errs:?}"
    );
    assert_eq!(
        diags[0]["range"],
        json!({ "start": { "line": 3, "character": col }, "end": { "line": 3, "character": col + 2 } })
    );
    // Two changes in one notification: undo the `b`, then append a line at the end.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": doc.as_str(), "version": 3 }, "contentChanges": [
            { "range": { "start": { "line": 3, "character": col + 1 }, "end": { "line": 3, "character": col + 2 } }, "text": "" },
            { "range": { "start": { "line": 4, "character": 0 }, "end": { "line": 4, "character": 0 } }, "text": "input unused: bool\n" },
        ] }),
    );
    let (v, diags) = c.publication(&doc);
    assert_eq!(v, Some(3));
    assert!(errors(&diags).is_empty(), "{diags:?}");
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == json!("W0001") && d["range"]["start"]["line"] == json!(4)),
        "{diags:?}"
    );
    c.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A change that cannot be applied (a line past the end) is refused: the document is
/// not guessed at, the editor is told, and the whole text sent again restores it.
#[test]
fn an_edit_that_cannot_be_applied_loses_the_document_openly() {
    let dir = temp_dir("lost");
    let path = dir.join("t.policy");
    let text = "input a: bool\n";
    let doc = uri(&path);
    let mut c = Client::start();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": text } }),
    );
    c.diagnostics(&doc);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": doc.as_str(), "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 7, "character": 0 }, "end": { "line": 7, "character": 0 } }, "text": "x" },
        ] }),
    );
    let shown = loop {
        if let Message::Notification(n) = c.recv() {
            if n.method == "window/showMessage" {
                break n.params;
            }
        }
    };
    assert_eq!(shown["type"], json!(1));
    assert!(
        shown["message"]
            .as_str()
            .unwrap()
            .contains("line 7 is past the end"),
        "{shown}"
    );
    let (v, diags) = c.publication(&doc);
    assert_eq!(v, Some(2));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0]["message"]
        .as_str()
        .unwrap()
        .contains("lost track of this document"));
    // Nothing is answered from a text that is not known.
    let fmt = c.request("textDocument/formatting", json!({ "textDocument": { "uri": doc.as_str() }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(fmt, Value::Null);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": doc.as_str(), "version": 3 }, "contentChanges": [{ "text": "input b: bool\n" }] }),
    );
    let (v, diags) = c.publication(&doc);
    assert_eq!(v, Some(3));
    assert!(diags.is_empty(), "{diags:?}");
    c.shutdown();
}

/// A client that declares nothing gets plain text hovers, a flat symbol list, plain
/// locations, related places in the message, and no code actions it could not apply;
/// one that can apply edits gets commands, which the server applies with
/// `workspace/applyEdit`.
#[test]
fn a_plain_client_gets_plain_answers() {
    let dir = temp_dir("plain");
    std::fs::write(dir.join("vocabulary.policy"), VOCAB).unwrap();
    let dup = POLICY.replace("enum Response", "input coercion: bool\nenum Response");
    let misspelt = dup.replace("when coercion\n", "when coercoin\n");
    let path = dir.join("school.policy");
    std::fs::write(&path, &misspelt).unwrap();
    let doc = uri(&path);
    for apply_edit in [false, true] {
        let mut c = Client::start_with(
            json!({ "workspace": { "applyEdit": apply_edit } }),
            policyc::testing::lsp::Options::default(),
        );
        c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": misspelt } }),
        );
        let diags = c.diagnostics(&doc);
        let dup_diag = diags.iter().find(|d| d["code"] == json!("E0201")).unwrap();
        assert!(dup_diag.get("relatedInformation").is_none(), "{dup_diag}");
        assert!(
            dup_diag["message"]
                .as_str()
                .unwrap()
                .contains("vocabulary.policy:2: first declared here"),
            "{dup_diag}"
        );
        let hover = c.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": doc.as_str() }, "position": pos(&misspelt, "youngest_age", 0, 1) }),
        );
        assert_eq!(hover["contents"]["kind"], json!("plaintext"), "{hover}");
        let text = hover["contents"]["value"].as_str().unwrap();
        assert!(text.starts_with("input youngest_age: 0..=99\n"), "{text}");
        assert!(!text.contains('`') && !text.contains('*'), "{text}");
        let syms = c.request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": doc.as_str() } }),
        );
        let variant = syms
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == json!("manage_in_school"))
            .unwrap();
        assert_eq!(variant["containerName"], json!("Response"), "{syms}");
        assert!(variant["location"]["uri"].is_string());
        let def = c.request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": doc.as_str() }, "position": pos(&misspelt, "vocabulary.policy", 0, 2) }),
        );
        assert_eq!(
            def,
            json!({ "uri": uri(&dir.join("vocabulary.policy")).as_str(), "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } } })
        );
        // The client does not hand `data` back: the fix is found all the same.
        let misspelt_diag = diags.iter().find(|d| d["code"] == json!("E0203")).cloned();
        let mut without_data = misspelt_diag.unwrap_or_else(|| panic!("{diags:?}"));
        without_data.as_object_mut().unwrap().remove("data");
        let actions = c.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": doc.as_str() }, "range": without_data["range"], "context": { "diagnostics": [without_data] } }),
        );
        let actions = actions.as_array().unwrap();
        if !apply_edit {
            assert!(actions.is_empty(), "{actions:?}");
            c.shutdown();
            continue;
        }
        assert_eq!(actions.len(), 1, "{actions:?}");
        assert_eq!(actions[0]["command"], json!("policyc.applyFix"));
        c.conn
            .sender
            .send(Message::Request(Request::new(
                RequestId::from(1000),
                "workspace/executeCommand".into(),
                json!({ "command": "policyc.applyFix", "arguments": actions[0]["arguments"] }),
            )))
            .unwrap();
        // The server asks the client to apply the edit, and answers the command.
        let (mut asked, mut done) = (None, None);
        while asked.is_none() || done.is_none() {
            match c.recv() {
                Message::Request(r) => asked = Some(r),
                Message::Response(r) if r.id == RequestId::from(1000) => done = Some(r),
                _ => {}
            }
        }
        let (asked, done) = (asked.unwrap(), done.unwrap());
        assert_eq!(done.response_result.unwrap(), Value::Null);
        assert_eq!(asked.method, "workspace/applyEdit");
        let edits = &asked.params["edit"]["changes"][doc.as_str()];
        assert_eq!(edits[0]["newText"], json!("coercion"), "{edits}");
        c.conn
            .sender
            .send(Message::Response(Response::new_ok(
                asked.id,
                json!({ "applied": true }),
            )))
            .unwrap();
        c.shutdown();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A client that negotiates UTF-8 positions gets columns in bytes, both ways.
#[test]
fn positions_are_bytes_when_the_client_negotiates_utf8() {
    let dir = temp_dir("utf8");
    let path = dir.join("t.policy");
    let text = "policy t \"T\"\ninput a: bool\noutput o: bool default false\nrule r \"é𝄞\" cites \"x\" when zz then o = true\n";
    let doc = uri(&path);
    let mut caps = editor_capabilities();
    caps["general"] = json!({ "positionEncodings": ["utf-8", "utf-16"] });
    let mut c = Client::connect(policyc::testing::lsp::Options::default());
    let init = c.request("initialize", json!({ "capabilities": caps }));
    assert_eq!(init["capabilities"]["positionEncoding"], json!("utf-8"));
    c.notify("initialized", json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": doc.as_str(), "languageId": "policy", "version": 1, "text": text } }),
    );
    let diags = c.diagnostics(&doc);
    let line = text.lines().nth(3).unwrap();
    let byte = line.find("zz").unwrap() as u32;
    assert_eq!(
        diags[0]["range"]["start"],
        json!({ "line": 3, "character": byte })
    );
    // Replace `zz` by `a`, by bytes.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": doc.as_str(), "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 3, "character": byte }, "end": { "line": 3, "character": byte + 2 } }, "text": "a" },
        ] }),
    );
    let diags = c.diagnostics(&doc);
    assert!(errors(&diags).is_empty(), "{diags:?}");
    c.shutdown();
}

/// Framing from a hostile or broken client: a Content-Length that would allocate
/// terabytes, overflow, or zero-fill gigabytes is refused before anything is
/// allocated, and the server exits with 1 and the reason (not 134 on an allocation
/// failure, nor 101 on a panic), within a memory limit the old reader broke.
#[test]
fn content_length_is_checked_before_anything_is_allocated() {
    use std::io::Write;
    for (input, want) in [
        (
            "Content-Length: 1000000000000000\r\n\r\n{}",
            "a message of 1000000000000000 bytes is larger than the limit",
        ),
        (
            "Content-Length: 18446744073709551615\r\n\r\n{}",
            "a message of 18446744073709551615 bytes is larger than the limit",
        ),
        (
            "Content-Length: 3000000000\r\n\r\n{}",
            "a message of 3000000000 bytes is larger than the limit",
        ),
        (
            "Content-Length: 60000000\r\n\r\n{}",
            "the stream ended 2 bytes into a message of 60000000",
        ),
        ("Content-Length: x\r\n\r\n{}", "is not a number"),
        ("{\"jsonrpc\": \"2.0\"}\r\n\r\n", "no Content-Length"),
        ("Content-Length 2\r\n\r\n{}", "malformed message header"),
    ] {
        // About 1 GB of address space: enough for the server's threads, not for a
        // buffer of the claimed size.
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1000000 && exec \"$0\" lsp")
            .arg(env!("CARGO_BIN_EXE_policyc"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(input.as_bytes());
        drop(stdin);
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                panic!("policyc lsp did not stop on {input:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{input:?}: {stderr}");
        assert!(stderr.contains(want), "{input:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
