//! `policyc graph`: every bundled policy in every format, valid by the format's own
//! tools where they are installed; snapshots of a small fixture policy.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;
use common::{code, policyc, stderr, stdout};
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// A box: x, y, width, height.
type Rect = (f64, f64, f64, f64);

const TINY: &str = "tests/fixtures/export/tiny.policy";

/// Every bundled policy (`policies/`, `policies/compare/`, the example) and the fixture;
/// not the shared vocabulary, a module, which has no graph (E0518).
fn bundled() -> Vec<String> {
    let mut v: Vec<String> = ["policies", "policies/compare", "examples"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(dir)
                .map(|d| {
                    d.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "policy"))
                        .filter(|p| {
                            std::fs::read_to_string(p)
                                .is_ok_and(|t| t.lines().any(|l| l.starts_with("policy ")))
                        })
                        .map(|p| p.to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    v.sort();
    v.push(TINY.to_string());
    v
}

fn graph(file: &str, format: &str, extra: &[&str]) -> String {
    let mut args = vec!["graph", file, "--format", format];
    args.extend_from_slice(extra);
    let o = policyc(&args);
    assert_eq!(code(&o), 0, "{file} {format}: {}", stderr(&o));
    stdout(&o)
}

/// Graphviz's verdict, or `None` when `dot` is not installed.
fn graphviz(dot: &str) -> Option<Result<(), String>> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    Some(
        if out.status.success() && !err.contains("Error") && !err.contains("Warning") {
            Ok(())
        } else {
            Err(err)
        },
    )
}

#[test]
fn graphviz_accepts_every_dot() {
    let mut checked = 0;
    for file in bundled() {
        let dot = graph(&file, "dot", &[]);
        assert!(dot.starts_with("digraph "), "{file}");
        match graphviz(&dot) {
            Some(Ok(())) => checked += 1,
            Some(Err(e)) => panic!("Graphviz rejects the DOT of {file}: {e}"),
            None => {
                eprintln!("note: Graphviz `dot` is not installed; DOT checked only for shape");
                return;
            }
        }
    }
    assert!(checked > 0);
}

/// Issue 19: a title with control characters (a NUL, an escape) was copied raw into the
/// DOT, and an answer listing thousands of variants made a label over Graphviz's
/// 16,384-character limit; Graphviz rejected both.
#[test]
fn graphviz_accepts_hostile_titles_and_huge_enums() {
    let dir = common::temp_dir("hostile-dot");
    let variants: Vec<String> = (0..10_000).map(|i| format!("v{i}")).collect();
    let even: Vec<String> = (0..10_000).step_by(2).map(|i| format!("v{i}")).collect();
    let text = format!(
        "policy hostile \"A NUL \u{0} a bell \u{7} an escape \u{1b}[31m a DEL \u{7f}\"\nenum Big {{ {} }}\ninput big: Big\noutput flag: bool default false\nrule even \"Even variants\"\n  when big in {{{}}}\n  then flag = true\n",
        variants.join(", "),
        even.join(", ")
    );
    let file = dir.join("hostile.policy");
    std::fs::write(&file, text).unwrap();
    let dot = graph(file.to_str().unwrap(), "dot", &[]);
    assert!(
        !dot.contains('\u{0}') && !dot.contains('\u{1b}'),
        "control characters copied"
    );
    assert!(
        dot.lines().all(|l| l.len() < 16_000),
        "a label longer than Graphviz reads"
    );
    match graphviz(&dot) {
        Some(Ok(())) => {}
        Some(Err(e)) => panic!("Graphviz rejects the DOT: {e}"),
        None => eprintln!("note: Graphviz `dot` is not installed; DOT checked only for shape"),
    }
    let m = graph(file.to_str().unwrap(), "mermaid", &[]);
    assert!(!m.contains('\u{0}'));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A module (the shared vocabulary: no header, no rules) decides nothing: `graph`
/// refuses it as `decide` does (E0518, exit 2) instead of drawing one empty box, which
/// Mermaid's parser rejected (`n0[""]`).
#[test]
fn a_module_has_no_graph() {
    for format in ["dot", "mermaid", "svg", "json"] {
        let o = policyc(&["graph", "policies/incident.policy", "--format", format]);
        assert_eq!(code(&o), 2, "{format}");
        assert!(stderr(&o).contains("E0518"), "{}", stderr(&o));
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn every_svg_is_well_formed_and_boxes_do_not_overlap() {
    for file in bundled() {
        let svg = graph(&file, "svg", &[]);
        let doc = roxmltree::Document::parse(&svg)
            .unwrap_or_else(|e| panic!("{file}: SVG not well-formed: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let num = |n: roxmltree::Node, a: &str| -> f64 { n.attribute(a).unwrap().parse().unwrap() };
        // Nodes and answer labels: every <rect> inside a <g> of the drawing.
        let rects: Vec<(Option<roxmltree::NodeId>, Rect)> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "rect")
            .filter(|n| {
                n.parent()
                    .and_then(|g| g.parent())
                    .and_then(|g| g.attribute("class"))
                    .is_some_and(|c| c == "nodes" || c == "answers")
            })
            .map(|r| {
                // A drawing in parts places each part in a <g class="part"> of its own.
                let part = r
                    .ancestors()
                    .find(|g| g.attribute("class") == Some("part"))
                    .map(|g| g.id());
                (
                    part,
                    (num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height")),
                )
            })
            .collect();
        assert!(!rects.is_empty(), "{file}");
        for (i, (pa, a)) in rects.iter().enumerate() {
            for (pb, b) in rects.iter().skip(i + 1) {
                let overlap =
                    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3;
                assert!(pa != pb || !overlap, "{file}: {a:?} overlaps {b:?}");
            }
        }
    }
}

#[test]
fn every_json_follows_the_schema() {
    for file in bundled() {
        let v: serde_json::Value = serde_json::from_str(&graph(&file, "json", &[])).unwrap();
        assert_eq!(v["schema"], "policyc-graph");
        assert_eq!(v["version"], 1);
        let mut ids = HashSet::new();
        for n in v["nodes"].as_array().unwrap() {
            assert!(ids.insert(n["id"].as_str().unwrap().to_string()));
            assert!(n["input"].is_string() && n["question"].is_string());
        }
        for l in v["leaves"].as_array().unwrap() {
            assert!(ids.insert(l["id"].as_str().unwrap().to_string()));
            let kind = l["kind"].as_str().unwrap();
            assert!(["decided", "accepted_gap", "gap", "conflict", "out_of_scope"].contains(&kind));
        }
        assert!(ids.contains(v["root"].as_str().unwrap()), "{file}: root");
        for e in v["edges"].as_array().unwrap() {
            assert!(ids.contains(e["from"].as_str().unwrap()));
            assert!(ids.contains(e["to"].as_str().unwrap()));
            assert!(!e["values"].as_array().unwrap().is_empty());
        }
    }
}

/// Every graph is a flowchart Mermaid can take: one longer than Mermaid's 50,000
/// characters is refused with a help to draw one output, and each output then fits.
#[test]
fn mermaid_is_a_flowchart() {
    for file in bundled() {
        let o = policyc(&["graph", &file, "--format", "mermaid"]);
        let texts: Vec<String> = if code(&o) == 0 {
            vec![stdout(&o)]
        } else {
            assert_eq!(code(&o), 2, "{file}: {}", stderr(&o));
            assert!(stderr(&o).contains("--output NAME"), "{}", stderr(&o));
            let json: serde_json::Value = serde_json::from_str(&graph(&file, "json", &[])).unwrap();
            let outputs: HashSet<String> = json["leaves"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|l| l["outputs"].as_array().unwrap().iter())
                .map(|o| o["output"].as_str().unwrap().to_string())
                .collect();
            assert!(!outputs.is_empty());
            outputs
                .iter()
                .map(|name| graph(&file, "mermaid", &["--output", name]))
                .collect()
        };
        for m in texts {
            assert!(m.lines().any(|l| l == "flowchart TD"), "{file}");
            assert!(!m.contains("<script"), "{file}");
            assert!(m.chars().count() <= 50_000, "{file}");
        }
    }
}

#[test]
fn one_output_draws_a_smaller_graph() {
    let all: serde_json::Value = serde_json::from_str(&graph(TINY, "json", &[])).unwrap();
    let one: serde_json::Value =
        serde_json::from_str(&graph(TINY, "json", &["--output", "tell_police"])).unwrap();
    assert_eq!(one["output"], "tell_police");
    let size = |v: &serde_json::Value| v["nodes"].as_array().unwrap().len();
    assert!(size(&one) < size(&all));
    for l in one["leaves"].as_array().unwrap() {
        for o in l["outputs"].as_array().unwrap() {
            assert_eq!(o["output"], "tell_police");
        }
    }
}

#[test]
fn an_unknown_output_is_a_usage_error_that_lists_the_outputs() {
    let o = policyc(&["graph", TINY, "--output", "responce"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains("no output `responce`") && err.contains("response, tell_police"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `response`?"), "{err}");
}

#[test]
fn a_policy_with_errors_or_a_missing_file_exits_2() {
    let dir = std::env::temp_dir().join(format!("policyc-graph-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.policy");
    std::fs::write(&bad, "policy p \"x\"\ninput a: bool\noutput o: bool\nrule r \"r\" cites \"x\" when b then o = true\n").unwrap();
    let o = policyc(&["graph", bad.to_str().unwrap(), "--format", "svg"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = policyc(&["graph", "no/such/file.policy"]);
    assert_eq!(code(&o), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dash_o_writes_the_file() {
    let out: PathBuf =
        std::env::temp_dir().join(format!("policyc-graph-{}.svg", std::process::id()));
    let o = policyc(&[
        "graph",
        TINY,
        "--format",
        "svg",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("<svg"));
    let _ = std::fs::remove_file(&out);
}

#[test]
fn tiny_dot_snapshot() {
    insta::assert_snapshot!(graph(TINY, "dot", &[]));
}

#[test]
fn tiny_mermaid_snapshot() {
    insta::assert_snapshot!(graph(TINY, "mermaid", &[]));
}

#[test]
fn tiny_json_snapshot() {
    let v: serde_json::Value = serde_json::from_str(&graph(TINY, "json", &[])).unwrap();
    insta::assert_json_snapshot!(v);
}

/// A leaf that two acceptances cover gives both reasons, as `policyc decide` does.
#[test]
fn a_leaf_two_acceptances_cover_gives_both_reasons() {
    let dir = common::temp_dir("two-acceptances");
    let path = dir.join("ag.policy");
    std::fs::write(
        &path,
        "policy ag \"Two acceptances\"\n/// A?\ninput a: bool\n/// D?\ninput d: bool\n/// O?\noutput o: bool\nrule r \"R\"\n  cites \"c\"\n  when a\n  then o = true\naccept gap o \"silent\"\n  when d\naccept gap o \"second\"\n  when not a\n",
    )
    .unwrap();
    let path = path.to_string_lossy().into_owned();
    let o = policyc(&["graph", &path, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("\"silent; second\""), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
