//! The decision graph in Graphviz's DOT language.
//!
//! Node labels are Graphviz HTML-like labels (`label=<...>`): they allow a small grey
//! caption and bold lines, and their escaping is plain XML, which
//! `text::xml_escape` already does for every piece of policy text.

use std::fmt::Write as _;

use super::text::{clip, dot_escape, text_width, wrap, xml_escape};
use super::view::{GraphView, LeafKind, ViewNode, NO_OUTPUTS};

/// Questions are wrapped to about this width (pixels at 13 px) so that Graphviz's boxes
/// stay narrow; Graphviz measures the text itself.
const WRAP: f64 = 260.0;

/// Leaves are wrapped a little wider: their lines are left-aligned.
const LEAF_WRAP: f64 = 320.0;

/// Graphviz refuses a label longer than 16,384 characters: one piece of text is cut at
/// this many characters, and a leaf lists outputs until its label is this long.
const MAX_TEXT: usize = 1000;
const MAX_LABEL: usize = 12_000;

fn node_attrs(node: &ViewNode) -> String {
    match node {
        ViewNode::Question(q) => {
            let lines: Vec<String> = wrap(&clip(&q.text, MAX_TEXT), 13.0, true, WRAP)
                .iter()
                .map(|l| xml_escape(l))
                .collect();
            format!(
                "shape=box, style=\"rounded,filled\", fillcolor=\"#eef4ff\", color=\"#3b63b8\", penwidth=1.5, label=<<FONT POINT-SIZE=\"9\" COLOR=\"#4b5563\">{}</FONT><BR/><B>{}</B>>",
                xml_escape(&clip(&q.caption(), MAX_TEXT)),
                lines.join("<BR/>")
            )
        }
        ViewNode::Leaf(leaf) => {
            let (style, fill, color, pen, font) = match leaf.kind {
                LeafKind::Decided => ("filled", "#ecfdf3", "#2f7d4a", "1.5", "#1f2937"),
                LeafKind::AcceptedGap => ("filled,dashed", "#fff8e6", "#b7791f", "2", "#92400e"),
                LeafKind::Gap => ("filled,bold", "#fdecec", "#c81e1e", "3", "#b91c1c"),
                LeafKind::Conflict => ("filled,bold", "#fce7f3", "#be123c", "3", "#b91c1c"),
                LeafKind::OutOfScope => ("filled,dashed", "#f3f4f6", "#9ca3af", "1.5", "#4b5563"),
            };
            let mut label = String::new();
            if leaf.kind == LeafKind::OutOfScope {
                label.push_str("<B>Out of scope</B><BR ALIGN=\"LEFT\"/>the policy decides nothing here<BR ALIGN=\"LEFT\"/>");
            }
            // Each output's question, then its answer in bold (Graphviz measures and
            // does not wrap: long questions are wrapped here).
            for (shown, o) in leaf.outputs.iter().enumerate() {
                if label.len() > MAX_LABEL {
                    let _ = write!(
                        label,
                        "… and {} more outputs<BR ALIGN=\"LEFT\"/>",
                        leaf.outputs.len() - shown
                    );
                    break;
                }
                let prompt = wrap(&clip(&o.prompt(), MAX_TEXT), 12.0, false, LEAF_WRAP);
                let answer = clip(&o.answer(), MAX_TEXT);
                let inline = prompt
                    .last()
                    .is_some_and(|l| text_width(&format!("{l} {answer}"), 12.0, true) <= LEAF_WRAP);
                let last = prompt.len().saturating_sub(1);
                for (k, l) in prompt.iter().enumerate() {
                    label.push_str(&xml_escape(l));
                    if k == last && inline {
                        let _ = write!(label, " <B>{}</B>", xml_escape(&answer));
                    }
                    label.push_str("<BR ALIGN=\"LEFT\"/>");
                }
                if !inline {
                    for l in wrap(&answer, 12.0, true, LEAF_WRAP) {
                        let _ = write!(label, "<B>{}</B><BR ALIGN=\"LEFT\"/>", xml_escape(&l));
                    }
                }
            }
            if label.is_empty() {
                label.push_str(NO_OUTPUTS);
            }
            let rules: Vec<String> = leaf
                .outputs
                .iter()
                .filter(|o| !o.rules.is_empty())
                .map(|o| o.code_line_by(&o.rules))
                .collect();
            let tooltip = if rules.is_empty() {
                String::new()
            } else {
                format!(", tooltip=\"{}\"", dot_escape(&rules.join("\n")))
            };
            format!(
                "shape=box, style=\"{style}\", fillcolor=\"{fill}\", color=\"{color}\", penwidth={pen}, fontcolor=\"{font}\", label=<{label}>{tooltip}"
            )
        }
    }
}

/// Writes the graph as a DOT digraph.
pub fn to_dot(view: &GraphView) -> String {
    let mut out = String::new();
    let title = view.title.clone().unwrap_or_else(|| view.policy.clone());
    let sub = match &view.output {
        Some(o) => format!("Decision graph of {}, output {o}", view.policy),
        None => format!("Decision graph of {}, every output", view.policy),
    };
    let _ = writeln!(out, "digraph \"{}\" {{", dot_escape(&view.policy));
    let _ = writeln!(
        out,
        "  graph [rankdir=TB, labelloc=t, labeljust=l, fontname=\"DejaVu Sans\", fontsize=16, nodesep=0.3, ranksep=0.45, label=\"{}\\l{}\\l\"];",
        dot_escape(&clip(&title, MAX_TEXT)),
        dot_escape(&sub)
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"DejaVu Sans\", fontsize=12, margin=\"0.15,0.08\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"DejaVu Sans\", fontsize=11, fontcolor=\"#1e3a8a\", color=\"#4b5563\", arrowsize=0.7];"
    );
    for (i, node) in view.nodes.iter().enumerate() {
        let _ = writeln!(out, "  n{i} [{}];", node_attrs(node));
    }
    for e in &view.edges {
        let _ = writeln!(
            out,
            "  n{} -> n{} [label=\" {} \"];",
            e.from,
            e.to,
            dot_escape(&e.label)
        );
    }
    out.push_str("}\n");
    out
}
