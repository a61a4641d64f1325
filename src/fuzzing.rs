//! What the fuzz targets (`fuzz/`, docs/fuzzing.md) run, here so that the regression
//! tests that keep each input the fuzzer found (`tests/fuzz_regressions.rs`) run the
//! same code, and a refactor of the library updates both. Each function takes the
//! fuzzer's bytes and panics when an invariant breaks: a panic is what a fuzzer
//! reports. Not part of the API: hidden from the documentation.

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a broken invariant must panic: that is how a fuzzer sees it"
)]

use std::path::Path;

use crate::check::ir::Policy;
use crate::diagnostics::{render, sarif, Diagnostic};
use crate::evaluate::batch::{self, Batch, Incidents};
use crate::evaluate::{DecideStatus, Decider};
use crate::source::Sources;
use crate::testing::MemFs;

/// The shared vocabulary the bundled policies `use`, present in every fuzzed file
/// system, so that the seeds (the bundled policies) check.
pub const VOCABULARY: &str = include_str!("../policies/incident.policy");

/// Where a fuzzed policy lives.
const ROOT: &str = "/mem/main.policy";

/// The bytes split at NUL into files: the first is the policy checked (`ROOT`), the
/// next `a.policy`, `b.policy`, ... (which it may `use`), beside `incident.policy`.
fn files(data: &[u8]) -> MemFs {
    let mut fs = MemFs::new();
    fs.insert("/mem/incident.policy", VOCABULARY);
    for (i, part) in data.split(|&b| b == 0).enumerate().take(4) {
        let name = match i {
            0 => ROOT.to_string(),
            n => format!("/mem/{}.policy", char::from(b'a' + (n as u8 - 1))),
        };
        fs.insert(name, part.to_vec());
    }
    fs
}

/// Parses, checks and (when clean) analyses any bytes as `policyc check` does, and
/// renders every diagnostic in each format: no panic, every label inside its file.
pub fn check(data: &[u8]) {
    let fs = files(data);
    let mut sources = Sources::new();
    let checked = crate::analyse::check_and_analyse(&mut sources, &fs, Path::new(ROOT));
    render_all(&sources, &checked.diagnostics);
}

fn render_all(sources: &Sources, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        for l in &d.labels {
            let len = sources.text(l.file).len();
            assert!(
                l.span.start <= l.span.end && l.span.end <= len,
                "{}: label {:?} outside its file of {len} bytes",
                d.code,
                l.span
            );
        }
        let _ = render::to_string(sources, d);
        let _ = render::to_json(sources, d);
        let _ = crate::diagnostics::github::annotation(sources, d);
    }
    let log = sarif::log(sources, diagnostics, Some(Path::new("/mem")), true);
    let _ = sarif::to_string(&log);
}

/// `policyc fmt` on any text: what it formats parses without errors, formats to itself,
/// and (when the original checks) checks the same way and decides every incident as
/// the original does (`policyc diff` finds them the same).
pub fn fmt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = crate::format::format(text) else {
        return;
    };
    let again = crate::format::format(&formatted)
        .unwrap_or_else(|d| panic!("the formatted text does not format: {d:?}\n{formatted}"));
    assert_eq!(again, formatted, "formatting is not a fixed point");
    let (old, old_diags) = check_text(text);
    let (new, new_diags) = check_text(&formatted);
    let codes = |ds: &[Diagnostic]| {
        let mut c: Vec<_> = ds.iter().map(|d| d.code).collect();
        c.sort();
        c
    };
    assert_eq!(
        codes(&old_diags),
        codes(&new_diags),
        "formatting changed the diagnostics:\n{formatted}"
    );
    if let (Some(old), Some(new)) = (old, new) {
        if old.header.is_none() && new.header.is_none() {
            return;
        }
        let opts = crate::diff::DiffOptions {
            max_nodes: Some(100_000),
            ..Default::default()
        };
        // A policy too large to compile within the limit is not a formatting bug.
        if let Ok(d) = crate::diff::diff(&old, &new, &opts) {
            assert!(
                d.is_same(),
                "the formatted policy decides differently:\n{}",
                crate::diff::render::human(&d)
            );
        }
    }
}

/// Checks one policy text with the vocabulary beside it: the IR when clean.
fn check_text(text: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    let fs = files(&[]);
    let mut sources = Sources::new();
    let c = crate::check::check_text(&mut sources, &fs, Path::new(ROOT), text.to_string());
    let clean = !c.has_errors();
    let policy = c.policy.filter(|_| clean);
    (policy, c.diagnostics)
}

/// The policies facts are decided against (the bundled ones, say), each with its
/// decision graph when it has one within its limits.
pub struct Deciders {
    policies: Vec<(Policy, Option<crate::compile::graph::DecisionGraph>)>,
}

impl Deciders {
    /// Checks and compiles each text (named as given, beside the vocabulary); texts
    /// that do not check are left out.
    pub fn new(texts: &[&str]) -> Deciders {
        let policies = texts
            .iter()
            .filter_map(|t| check_text(t).0)
            .filter_map(|p| {
                let graph = crate::evaluate::deciding_graph(&p, Path::new(ROOT)).ok()?;
                Some((p, graph))
            })
            .collect();
        Deciders { policies }
    }

    /// The first byte chooses a policy; the rest are facts, read whole and as a stream,
    /// decided in every form. The graph and the rules decide complete facts alike.
    pub fn decide(&self, data: &[u8]) {
        let Some((&pick, facts)) = data.split_first() else {
            return;
        };
        if self.policies.is_empty() {
            return;
        }
        let (policy, graph) = &self.policies[usize::from(pick) % self.policies.len()];
        let rules = Decider::rules(policy);
        let decider = graph
            .as_ref()
            .map_or_else(|| Decider::rules(policy), Decider::Graph);
        let sources = Sources::new();
        if let Ok(text) = std::str::from_utf8(facts) {
            answer(policy, &decider, &rules, &sources, batch::from_text(text));
        }
        if let Ok(incidents) = batch::from_reader(std::io::Cursor::new(facts)) {
            answer(policy, &decider, &rules, &sources, incidents);
        }
    }
}

fn answer(
    policy: &Policy,
    decider: &Decider<'_>,
    rules: &Decider<'_>,
    sources: &Sources,
    incidents: Incidents<'_>,
) {
    let items = match incidents {
        Incidents::One(Ok(doc)) => {
            if let Ok((facts, d)) = batch::decide_one(policy, decider, &doc) {
                let _ = crate::evaluate::decision_human(policy, &d);
                let _ = crate::evaluate::decision_markdown(policy, &facts, &d);
                let _ = serde_json::to_string(&crate::evaluate::decision_json(policy, &d));
                if facts.is_complete() && matches!(decider, Decider::Graph(_)) {
                    if let Ok(by_rules) = rules.decide(policy, &facts) {
                        let same = by_rules.status == d.status
                            && (d.status == DecideStatus::OutOfScope
                                || by_rules.answers == d.answers);
                        assert!(
                            same,
                            "the graph and the rules decide differently:\n{d:?}\n{by_rules:?}"
                        );
                    }
                }
            }
            return;
        }
        Incidents::One(Err(_)) | Incidents::Many(Err(_)) => return,
        Incidents::Many(Ok(items)) => items,
    };
    let mut batch = Batch::new(policy, decider);
    for item in items {
        let a = batch.answer(item);
        let _ = serde_json::to_string(&a.json(policy, sources));
    }
}

/// Two policies, split at the first NUL, compared as `policyc diff` compares them, the
/// difference rendered in each format; and each compared with itself, which must be
/// the same.
pub fn diff(data: &[u8]) {
    let mut halves = data.splitn(2, |&b| b == 0);
    let (Some(old), Some(new)) = (halves.next(), halves.next()) else {
        return;
    };
    let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return;
    };
    let (Some(old), Some(new)) = (check_text(old).0, check_text(new).0) else {
        return;
    };
    let opts = crate::diff::DiffOptions {
        max_nodes: Some(100_000),
        ..Default::default()
    };
    if let Ok(d) = crate::diff::diff(&old, &new, &opts) {
        let _ = crate::diff::render::human(&d);
        let _ = crate::diff::render::markdown(&d, "fuzz");
        let _ = crate::diff::render::json::to_string(&d);
    }
    for p in [&old, &new] {
        if p.header.is_none() {
            continue;
        }
        if let Ok(d) = crate::diff::diff(p, p, &opts) {
            assert!(
                d.is_same(),
                "a policy differs from itself:\n{}",
                crate::diff::render::human(&d)
            );
        }
    }
}

/// A language-server session: the bytes split at NUL are message bodies, framed and
/// read as a client's stream would be, after the handshake and before requests on
/// the documents the seeds open and `shutdown`/`exit`. The server must answer every
/// request without panicking; analyses run in line, so a session is deterministic.
pub fn lsp(data: &[u8]) {
    // The framing alone, on the raw bytes.
    let mut raw = std::io::Cursor::new(data);
    while let Ok(Some(_)) = crate::lsp::transport::read_frame(&mut raw, 1 << 20) {}

    let mut stream = Vec::new();
    let mut frame = |body: &[u8]| {
        stream.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        stream.extend_from_slice(body);
    };
    frame(br#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{"workspace":{"applyEdit":true},"textDocument":{"hover":{"contentFormat":["markdown"]},"documentSymbol":{"hierarchicalDocumentSymbolSupport":true},"codeAction":{"codeActionLiteralSupport":{"codeActionKind":{"valueSet":["quickfix"]}}},"publishDiagnostics":{"versionSupport":true}}}}}"#);
    frame(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    for body in data.split(|&b| b == 0) {
        frame(body);
    }
    for (id, uri) in [(1_000_001, "main"), (1_000_002, "a")] {
        frame(format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/documentSymbol","params":{{"textDocument":{{"uri":"file:///mem/{uri}.policy"}}}}}}"#
        ).as_bytes());
    }
    frame(br#"{"jsonrpc":"2.0","id":1000003,"method":"shutdown"}"#);
    frame(br#"{"jsonrpc":"2.0","method":"exit"}"#);

    let (to_server, from_client) = crossbeam_channel::unbounded();
    let (to_client, from_server) = crossbeam_channel::unbounded();
    let _ = crate::lsp::transport::read_all(
        &mut std::io::Cursor::new(stream),
        crate::lsp::transport::MAX_MESSAGE_BYTES,
        &to_server,
        &to_client,
    );
    drop(to_server);
    let connection = lsp_server::Connection {
        sender: to_client,
        receiver: from_client,
    };
    let _ = crate::lsp::serve_in_line(connection);
    for msg in from_server.try_iter() {
        let _ = serde_json::to_string(&msg);
    }
}
