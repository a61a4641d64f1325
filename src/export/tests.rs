//! Snapshots of the text formats for the hand-made sample graph, and Graphviz's own
//! verdict on the DOT.

use super::sample::sample;
use super::{dot, json, mermaid};

#[test]
fn dot_snapshot() {
    insta::assert_snapshot!(dot::to_dot(&sample()));
}

#[test]
fn mermaid_snapshot() {
    insta::assert_snapshot!(mermaid::to_mermaid(&sample()));
}

#[test]
fn json_snapshot() {
    insta::assert_json_snapshot!(json::to_json(&sample()));
}

/// The bytes `policyc graph --format json` writes: one line, keys in alphabetical order.
#[test]
fn json_line_snapshot() {
    insta::assert_snapshot!(json::to_string(&sample()));
}

#[test]
fn json_has_one_entry_per_node_and_edge() {
    let view = sample();
    let v = serde_json::to_value(json::to_json(&view)).unwrap();
    let nodes = v["nodes"].as_array().unwrap().len();
    let leaves = v["leaves"].as_array().unwrap().len();
    assert_eq!(nodes + leaves, view.nodes.len());
    assert_eq!(v["edges"].as_array().unwrap().len(), view.edges.len());
    assert_eq!(v["version"], json::SCHEMA_VERSION);
}

#[test]
fn mermaid_labels_hold_no_raw_quotes_or_brackets() {
    let m = mermaid::to_mermaid(&sample());
    for line in m.lines().filter(|l| l.trim_start().starts_with('n')) {
        // Inside a label, between the outer quotes, no `"` and no `<` except tags we
        // wrote (`<br/>`, `<b>`, `<small>`).
        if let (Some(a), Some(b)) = (line.find('"'), line.rfind('"')) {
            let inner = &line[a + 1..b];
            assert!(!inner.contains('"'), "{line}");
            let stripped = inner
                .replace("<br/>", "")
                .replace("<b>", "")
                .replace("</b>", "")
                .replace("<small>", "")
                .replace("</small>", "");
            assert!(!stripped.contains('<') && !stripped.contains('>'), "{line}");
        }
    }
}

/// Graphviz must accept the DOT; skipped with a note where `dot` is not installed.
#[test]
fn graphviz_accepts_the_dot() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        eprintln!("note: Graphviz `dot` is not installed; skipping the DOT validation");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot::to_dot(&sample()).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot failed: {stderr}");
    assert!(
        !stderr.contains("Error") && !stderr.contains("Warning"),
        "{stderr}"
    );
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("&lt;script&gt;"), "the title is escaped text");
}

#[test]
fn mermaid_comment_cannot_hold_a_directive() {
    let mut view = sample();
    view.title = Some("x %%{init: {\"theme\": \"dark\"}}%%\nflowchart LR".into());
    let m = mermaid::to_mermaid(&view);
    assert!(!m.contains("%%{"), "{m}");
    assert_eq!(m.lines().filter(|l| l.starts_with("flowchart")).count(), 1);
}

#[test]
fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
    let dir = std::env::temp_dir().join(format!("policyc-write-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("a.policy");
    std::fs::write(&p, "old").unwrap();
    super::write_file(&p, "new\n").unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The report counts incidents as the CLI does: past what 128 bits hold it says so,
/// rather than print 39 digits.
#[test]
fn counts_past_128_bits_read_as_the_cli_says_them() {
    assert_eq!(
        crate::compile::describe::show_count(u128::MAX),
        "more than 10^38"
    );
    assert_eq!(crate::compile::describe::show_count(8_232_960), "8,232,960");
}

/// A value chosen by precedence is said in one parenthesis in the DOT tooltip, not
/// `(by precedence over x) (by r)` (review D4).
#[test]
fn a_precedence_tooltip_is_one_phrase() {
    let p = crate::check::policy_from_text(
        "policy h \"h\"\nenum R { escalate, manage }\ninput coercion: bool\ninput calm: bool\n\
         output response: R\n  precedence escalate > manage\n\
         rule refer \"R\" cites \"1\" when coercion and calm then response = escalate\n\
         rule settle \"S\" cites \"2\" when calm then response = manage\n",
    );
    let view = super::policy_view(&p, super::Which::Whole).unwrap();
    let text = dot::to_dot(&view);
    assert!(
        text.contains("response = escalate (by refer, winning by precedence over manage)"),
        "{text}"
    );
    assert!(!text.contains(") (by"), "{text}");
}
