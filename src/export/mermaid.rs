//! The decision graph as a Mermaid flowchart (renders in GitHub Markdown).

use std::fmt::Write as _;

use super::text::{mermaid_escape, text_width, wrap};
use super::view::{GraphView, LeafKind, ViewNode, NO_OUTPUTS};

/// Lines are broken here at this width, measured in DejaVu Sans at 16 px (wider than
/// the Trebuchet MS Mermaid draws with), and Mermaid is told to wrap only past
/// [`MERMAID_WIDTH`]: by default it re-wraps any line over 200 px, which broke
/// policyc's lines a second time into ragged ones.
const WRAP: f64 = 300.0;
const MERMAID_WIDTH: u32 = 340;
const SIZE: f64 = 16.0;
const EDGE_WRAP: f64 = 180.0;

/// Mermaid refuses a diagram longer than this many characters (its default
/// `maxTextSize`, which GitHub keeps): it shows "Maximum text size in diagram exceeded".
pub const MAX_TEXT: usize = 50_000;

/// Why Mermaid would not render `text`, in words; `None` when it fits.
pub fn too_long(text: &str) -> Option<String> {
    let n = text.chars().count();
    (n > MAX_TEXT).then(|| {
        format!(
            "the Mermaid text of this graph is {n} characters, more than the {MAX_TEXT} Mermaid (and GitHub) renders"
        )
    })
}

/// Writes the graph as a Mermaid `flowchart TD`.
pub fn to_mermaid(view: &GraphView) -> String {
    let mut out = String::new();
    // Front matter (not a `%%{init}%%` directive, which policy text must never reach):
    // the one setting, the width past which Mermaid wraps a label itself.
    let _ = writeln!(
        out,
        "---\nconfig:\n  flowchart:\n    wrappingWidth: {MERMAID_WIDTH}\n---"
    );
    // A comment with the policy's name only (an identifier): titles are free text, and
    // Mermaid reads `%%{...}%%` as a directive anywhere, even in a comment.
    let _ = writeln!(
        out,
        "%% Decision graph of {}{}",
        one_line_comment(&view.policy),
        view.output
            .as_ref()
            .map(|o| format!(", output {}", one_line_comment(o)))
            .unwrap_or_default()
    );
    out.push_str("flowchart TD\n");
    let mut classes: Vec<(&'static str, Vec<usize>)> = Vec::new();
    let mut add_class =
        |class: &'static str, i: usize| match classes.iter_mut().find(|c| c.0 == class) {
            Some(c) => c.1.push(i),
            None => classes.push((class, vec![i])),
        };
    for (i, node) in view.nodes.iter().enumerate() {
        match node {
            ViewNode::Question(q) => {
                let lines: Vec<String> = wrap(&q.text, SIZE, true, WRAP)
                    .iter()
                    .map(|l| mermaid_escape(l))
                    .collect();
                // `("...")` is a box with rounded corners.
                let _ = writeln!(
                    out,
                    "  n{i}(\"<small>{}</small><br/><b>{}</b>\")",
                    mermaid_escape(&q.caption()),
                    lines.join("<br/>")
                );
                add_class("question", i);
            }
            ViewNode::Leaf(leaf) => {
                // Each output's question, then its answer in bold, as in the SVG.
                let lines: Vec<String> = if leaf.kind == LeafKind::OutOfScope {
                    leaf.lines()
                        .iter()
                        .flat_map(|l| wrap(l, SIZE, false, WRAP))
                        .map(|l| mermaid_escape(&l))
                        .collect()
                } else if leaf.outputs.is_empty() {
                    wrap(NO_OUTPUTS, SIZE, false, WRAP)
                        .iter()
                        .map(|l| mermaid_escape(l))
                        .collect()
                } else {
                    leaf.outputs
                        .iter()
                        .flat_map(|o| {
                            let mut ls: Vec<String> = wrap(&o.prompt(), SIZE, false, WRAP)
                                .iter()
                                .map(|l| mermaid_escape(l))
                                .collect();
                            let answer = o.answer();
                            let fits = ls.last().is_some_and(|l| {
                                text_width(l, SIZE, false) + text_width(&answer, SIZE, true) < WRAP
                            });
                            match ls.last_mut() {
                                Some(l) if fits => {
                                    let _ = write!(l, " <b>{}</b>", mermaid_escape(&answer));
                                }
                                _ => ls.extend(
                                    wrap(&answer, SIZE, true, WRAP)
                                        .iter()
                                        .map(|a| format!("<b>{}</b>", mermaid_escape(a))),
                                ),
                            }
                            ls
                        })
                        .collect()
                };
                let _ = writeln!(out, "  n{i}[\"{}\"]", lines.join("<br/>"));
                add_class(leaf.kind.as_str(), i);
            }
        }
    }
    for e in &view.edges {
        // Mermaid wraps edge labels at 200 px whatever the setting: each value is
        // broken to fit inside that here.
        let lines: Vec<String> = e
            .label
            .lines()
            .flat_map(|l| wrap(l, SIZE, false, EDGE_WRAP))
            .map(|l| mermaid_escape(&l))
            .collect();
        let _ = writeln!(
            out,
            "  n{} -->|\"{}\"| n{}",
            e.from,
            lines.join("<br/>"),
            e.to
        );
    }
    out.push_str(
        "  classDef question fill:#eef4ff,stroke:#3b63b8,stroke-width:1.5px,color:#1f2937\n",
    );
    out.push_str(
        "  classDef decided fill:#ecfdf3,stroke:#2f7d4a,stroke-width:1.5px,color:#1f2937\n",
    );
    out.push_str("  classDef accepted_gap fill:#fff8e6,stroke:#b7791f,stroke-width:2px,stroke-dasharray:6 3,color:#92400e\n");
    out.push_str("  classDef gap fill:#fdecec,stroke:#c81e1e,stroke-width:3px,color:#b91c1c\n");
    out.push_str("  classDef conflict fill:#fce7f3,stroke:#be123c,stroke-width:3px,stroke-dasharray:10 2,color:#b91c1c\n");
    out.push_str("  classDef out_of_scope fill:#f3f4f6,stroke:#9ca3af,stroke-width:1.5px,stroke-dasharray:4 3,color:#6b7280\n");
    for (class, ids) in classes {
        let ids: Vec<String> = ids.iter().map(|i| format!("n{i}")).collect();
        let _ = writeln!(out, "  class {} {class}", ids.join(","));
    }
    out
}

/// A comment runs to the end of the line: no line breaks in it, and no `%` or braces,
/// which Mermaid would read as a `%%{init: ...}%%` directive anywhere in the text.
fn one_line_comment(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['%', '{', '}'], "_")
}
