//! How long the language server takes to re-check a 2,000-line policy after a keystroke
//! (didChange to publishDiagnostics, in-process), and how long formatting it takes; and,
//! on a document of 20,000 `input` lines (20,000 warnings: no rule reads them), how long
//! from opening it to its first diagnostics, and to the answer of a hover sent with it
//! (issue 18: these took 10.4 s before a line index was kept per file).

// A benchmark, not a product path: a failure should be loud.
#![allow(clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;

/// A module of about `lines` lines: 60 inputs of every kind, a few outputs, and rules
/// testing 2 to 4 inputs each. Without a `policy` header it is checked but not analysed,
/// which is what a keystroke waits for (the analyses run in the background).
fn policy(lines: usize) -> String {
    let mut s = String::new();
    s.push_str("enum Level { low, medium, high, severe }\nenum Action { record, refer, escalate, none }\n\n");
    for i in 0..60 {
        let ty = match i % 3 {
            0 => "bool",
            1 => "Level",
            _ => "0..=99",
        };
        let _ = writeln!(s, "/// Question {i}?\ninput in_{i}: {ty}");
    }
    s.push_str("\noutput action: Action default none\noutput referred: bool default false\n");
    let mut r = 0;
    while s.lines().count() < lines {
        let cond: Vec<String> = (0..2 + r % 3)
            .map(|k| {
                let i = (r * 7 + k * 13) % 60;
                match i % 3 {
                    0 => format!("in_{i}"),
                    1 => format!("in_{i} in {{high, severe}}"),
                    _ => format!("in_{i} >= {}", (r * 11) % 90),
                }
            })
            .collect();
        let _ = write!(
            s,
            "\n/// Rule {r}.\nrule r{r} \"Rule number {r}\"\n  cites \"para {r}\"\n  when {}\n  then action = refer, referred = true\n",
            cond.join(" and ")
        );
        r += 1;
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = policy(2000);
    let dir = std::env::temp_dir().join(format!("policyc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let path = dir.join("big.policy");
    let uri = format!("file://{}", path.display());

    let (server, client) = Connection::memory();
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || policyc::testing::lsp::serve(server));
    let send = |m: Message| client.sender.send(m).unwrap_or_default();
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({ "capabilities": {} }),
    )));
    let _ = client.receiver.recv_timeout(Duration::from_secs(30));
    send(Message::Notification(Notification::new(
        "initialized".into(),
        json!({}),
    )));
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".into(),
        json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": text } }),
    )));
    // The errors of the next published diagnostics (warnings, such as an input no
    // rule reads, are expected in a generated policy).
    let wait = || {
        while let Ok(m) = client.receiver.recv_timeout(Duration::from_secs(60)) {
            if let Message::Notification(n) = m {
                if n.method == "textDocument/publishDiagnostics" {
                    let all = n.params["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    return all
                        .into_iter()
                        .filter(|d| d["severity"] == 1)
                        .collect::<Vec<_>>();
                }
            }
        }
        vec![json!("no diagnostics were published")]
    };
    let first = wait();
    assert!(
        first.is_empty(),
        "the generated policy checks cleanly: {first:?}"
    );

    let mut version = 1;
    let mut group = c.benchmark_group("lsp");
    group.sample_size(20);
    group.bench_function("recheck_2000_lines", |b| {
        b.iter(|| {
            version += 1;
            // A keystroke: one more character in a comment at the end.
            let edited = format!("{text}// {version}\n");
            send(Message::Notification(Notification::new(
                "textDocument/didChange".into(),
                json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
            )));
            wait()
        })
    });
    group.bench_function("format_2000_lines", |b| {
        b.iter(|| policyc::format::format(&text).map(|s| s.len()))
    });
    // For the record: the background analyses of the same rules as a policy.
    let as_policy = format!("policy big \"Generated\"\n\n{text}");
    let mut sources = policyc::source::Sources::new();
    let checked =
        policyc::check::check_text(&mut sources, &policyc::source::RealFs, &path, as_policy);
    if let Some(p) = checked.policy {
        let t = std::time::Instant::now();
        let found = policyc::analyse::analyse_policy(&p).map(|a| a.diagnostics.len());
        eprintln!(
            "analyses of the 2,000-line policy: {:?} in {:?}",
            found.map_err(|d| d.code),
            t.elapsed()
        );
    }
    group.bench_function("parse_2000_lines", |b| {
        b.iter(|| policyc::parse::parse(0, &text).0.items.len())
    });
    let parsed = policyc::parse::parse(0, &text).0;
    group.bench_function("print_2000_lines", |b| {
        b.iter(|| policyc::format::format_file(&parsed, &text).len())
    });
    group.finish();

    // A document of 20,000 inputs, opened afresh (a new URI) in each iteration and
    // closed after it.
    let mut big =
        String::from("policy big \"Generated\"\nenum E { a, b, c }\noutput o: E default a\n");
    for i in 0..20_000 {
        let _ = writeln!(big, "input i{i}: bool");
    }
    let mut opened = 0;
    let mut next_id = 100;
    // The next publication for `uri` (the empty ones of closed documents are skipped),
    // or the response to request `id`.
    let wait_for = |uri: &str, id: Option<i32>| {
        while let Ok(m) = client.receiver.recv_timeout(Duration::from_secs(60)) {
            match m {
                Message::Notification(n)
                    if id.is_none()
                        && n.method == "textDocument/publishDiagnostics"
                        && n.params["uri"] == uri =>
                {
                    return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                }
                Message::Response(r) if id.is_some_and(|id| r.id == RequestId::from(id)) => {
                    return 1;
                }
                _ => {}
            }
        }
        0
    };
    let mut group = c.benchmark_group("lsp_20000_lines");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("open_to_first_diagnostics", |b| {
        b.iter(|| {
            opened += 1;
            let uri = format!("file://{}/open{opened}.policy", dir.display());
            send(Message::Notification(Notification::new(
                "textDocument/didOpen".into(),
                json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": big } }),
            )));
            let n = wait_for(&uri, None);
            assert_eq!(n, 20_001, "a warning per input and one for the output");
            send(Message::Notification(Notification::new(
                "textDocument/didClose".into(),
                json!({ "textDocument": { "uri": uri } }),
            )));
        })
    });
    group.bench_function("open_to_hover", |b| {
        b.iter(|| {
            opened += 1;
            next_id += 1;
            let uri = format!("file://{}/open{opened}.policy", dir.display());
            send(Message::Notification(Notification::new(
                "textDocument/didOpen".into(),
                json!({ "textDocument": { "uri": uri, "languageId": "policy", "version": 1, "text": big } }),
            )));
            send(Message::Request(Request::new(
                RequestId::from(next_id),
                "textDocument/hover".into(),
                json!({ "textDocument": { "uri": uri }, "position": { "line": 10_003, "character": 8 } }),
            )));
            wait_for(&uri, Some(next_id));
            send(Message::Notification(Notification::new(
                "textDocument/didClose".into(),
                json!({ "textDocument": { "uri": uri } }),
            )));
        })
    });
    group.finish();

    send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".into(),
        json!(null),
    )));
    let _ = client.receiver.recv_timeout(Duration::from_secs(30));
    send(Message::Notification(Notification::new(
        "exit".into(),
        json!(null),
    )));
    if let Ok(h) = handle {
        let _ = h.join();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
