//! Drawings too wide to read, cut into parts a reader can follow.
//!
//! A drawing scales to the page; one ten thousand pixels wide scales to text nobody can
//! read. Such a decision is drawn in parts, and the page (or the SVG's heading) says
//! what was cut:
//! - per region: the incidents that answer the first question one way, drawn from the
//!   next question on (`youngest age: 15 or under`), and again inside a part that is
//!   still too wide;
//! - per output, for the whole decision of a policy with many outputs, when its regions
//!   are still too wide (every combination of outcomes is a leaf of its own);
//! - per member, for a set output (whether the set holds each value: five yes-or-no
//!   graphs instead of one of 32 leaves), built by [`super::build::Which::Member`].

use crate::collections::HashMap;
use std::collections::VecDeque;

use super::build::{graph_view, Which};
use super::view::{GraphView, ViewEdge, ViewNode};
use crate::check::ir::{OutputId, OutputTy, Policy};
use crate::compile::graph::DecisionGraph;
use crate::compile::{CResult, Compiler};

/// Drawings wider than this (pixels) are cut: scaled into a page's column of some 1,150
/// pixels, a wider one's text falls below 9 pixels.
pub const MAX_WIDTH: f64 = 1600.0;

/// At most this many parts per drawing: more would be a maze of its own.
pub const MAX_PARTS: usize = 8;

/// One part of a drawing: the answers that lead to it, and what it draws.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The questions answered on the way here, each with its answer in words; empty for
    /// the whole drawing.
    pub path: Vec<(String, String)>,
    pub view: GraphView,
}

impl Part {
    /// The path as a heading: "youngest age: 15 or under; oldest age: 17 or under".
    pub fn heading(&self) -> String {
        self.path
            .iter()
            .map(|(q, a)| format!("{q} {a}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// `view` cut at its first questions until every part is at most `max` wide (as
/// `width` measures a drawing) or there are [`MAX_PARTS`]; the widest part is cut
/// first. One part, the whole, when it fits.
pub fn by_region(view: &GraphView, width: &dyn Fn(&GraphView) -> f64, max: f64) -> Vec<Part> {
    let mut parts: Vec<(Part, f64)> = vec![(
        Part {
            path: Vec::new(),
            view: view.clone(),
        },
        width(view),
    )];
    // The widest part that is too wide and can be cut (its root asks a question).
    while let Some(k) = parts
        .iter()
        .enumerate()
        .filter(|(_, (p, w))| *w > max && root_edges(&p.view) > 1)
        .max_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
        .map(|(k, _)| k)
    {
        let Some((part, _)) = parts.get(k) else { break };
        let cut = cut_at_root(part);
        if parts.len() - 1 + cut.len() > MAX_PARTS {
            break;
        }
        let measured: Vec<(Part, f64)> = cut
            .into_iter()
            .map(|p| {
                let w = width(&p.view);
                (p, w)
            })
            .collect();
        parts.splice(k..=k, measured);
    }
    parts.into_iter().map(|(p, _)| p).collect()
}

fn root_edges(view: &GraphView) -> usize {
    view.edges.iter().filter(|e| e.from == view.root).count()
}

/// One part per answer of the part's first question: the graph from that answer's
/// node on.
fn cut_at_root(part: &Part) -> Vec<Part> {
    let view = &part.view;
    let question = match view.nodes.get(view.root) {
        Some(ViewNode::Question(q)) => super::words::humanise(&q.input),
        _ => return vec![part.clone()],
    };
    view.edges
        .iter()
        .filter(|e| e.from == view.root)
        .map(|e| {
            let mut path = part.path.clone();
            path.push((
                format!("{question}:"),
                e.label.lines().collect::<Vec<_>>().join(" "),
            ));
            let mut sub = subgraph(view, e.to);
            sub.part = Some(
                path.iter()
                    .map(|(q, a)| format!("{q} {a}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            Part { path, view: sub }
        })
        .collect()
}

/// The part of `view` reachable from `root`, numbered breadth-first from it.
fn subgraph(view: &GraphView, root: usize) -> GraphView {
    let mut new_of: HashMap<usize, usize> = HashMap::default();
    let mut order: Vec<usize> = Vec::new();
    let mut queue = VecDeque::from([root]);
    new_of.insert(root, 0);
    order.push(root);
    while let Some(u) = queue.pop_front() {
        for e in view.edges.iter().filter(|e| e.from == u) {
            if let std::collections::hash_map::Entry::Vacant(slot) = new_of.entry(e.to) {
                slot.insert(order.len());
                order.push(e.to);
                queue.push_back(e.to);
            }
        }
    }
    let nodes: Vec<ViewNode> = order
        .iter()
        .filter_map(|&u| view.nodes.get(u).cloned())
        .collect();
    let edges: Vec<ViewEdge> = view
        .edges
        .iter()
        .filter_map(|e| {
            let from = *new_of.get(&e.from)?;
            let to = *new_of.get(&e.to)?;
            Some(ViewEdge {
                from,
                to,
                ..e.clone()
            })
        })
        .collect();
    GraphView {
        nodes,
        edges,
        root: 0,
        ..view.clone()
    }
}

/// A decision as it is drawn: one drawing, or sections of parts, and what was cut.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// What was cut, in words, for the page to say; `None` when it is drawn whole.
    pub note: Option<String>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// The output (or member of a set output) the section draws, in words; `None` for
    /// the decision the plan was made for.
    pub title: Option<String>,
    pub parts: Vec<Part>,
}

impl Plan {
    /// Every part with its section's title.
    pub fn parts(&self) -> impl Iterator<Item = (Option<&str>, &Part)> {
        self.sections
            .iter()
            .flat_map(|s| s.parts.iter().map(move |p| (s.title.as_deref(), p)))
    }

    /// True when the decision is drawn in one piece.
    pub fn is_whole(&self) -> bool {
        self.note.is_none()
    }
}

/// How to draw `which` of a policy readably: whole when it fits; else cut by region;
/// the whole decision of several outputs, when its regions are still too wide, one
/// output at a time; a set output too wide, one member at a time. `c` and `dg` as for
/// [`super::build::graph_view`]; `view` is the drawing of `which` already built; `width`
/// is how wide a view is drawn (the SVG writer's natural width).
pub fn plan(
    policy: &Policy,
    c: &mut Compiler<'_>,
    dg: &DecisionGraph,
    which: Which,
    view: &GraphView,
    width: &dyn Fn(&GraphView) -> f64,
) -> CResult<Plan> {
    if width(view) <= MAX_WIDTH {
        return Ok(Plan {
            note: None,
            sections: vec![Section {
                title: None,
                parts: vec![Part {
                    path: Vec::new(),
                    view: view.clone(),
                }],
            }],
        });
    }
    let set_of = |o: OutputId| match policy.outputs[o].ty {
        OutputTy::Set(e) => Some(e),
        OutputTy::Single(_) => None,
    };
    match which {
        Which::Output(o) if set_of(o).is_some() => {
            let variants = set_of(o).map(|e| policy.enums[e].variants.ids());
            let n = variants.as_ref().map_or(0, |v| v.len());
            let mut sections = Vec::new();
            for v in variants.into_iter().flatten() {
                let member = graph_view(policy, c, dg, Which::Member(o, v))?;
                sections.push(Section {
                    title: member.part.clone(),
                    parts: by_region(&member, &width, MAX_WIDTH),
                });
            }
            Ok(Plan {
                note: Some(format!(
                    "Every combination of answers is an outcome of its own here, too many to draw at once: each of the {n} possible answers is drawn on its own, as whether the answer includes it."
                )),
                sections,
            })
        }
        Which::Whole if policy.outputs.len() > 1 => {
            let parts = by_region(view, width, MAX_WIDTH);
            if parts.iter().all(|p| width(&p.view) <= MAX_WIDTH) {
                return Ok(region_plan(parts));
            }
            let mut sections = Vec::new();
            for o in policy.outputs.ids() {
                let v = graph_view(policy, c, dg, Which::Output(o))?;
                let sub = plan(policy, c, dg, Which::Output(o), &v, width)?;
                for mut s in sub.sections {
                    let title = super::words::output(policy, o);
                    s.title = Some(match s.title {
                        Some(t) if t.starts_with(&title) => t,
                        Some(t) => format!("{title} {t}"),
                        None => title,
                    });
                    sections.push(s);
                }
            }
            Ok(Plan {
                note: Some(format!(
                    "The whole decision is too wide to read in one drawing, even cut by the first questions' answers (each of its boxes says all {} outputs): each output is drawn on its own.",
                    policy.outputs.len()
                )),
                sections,
            })
        }
        _ => Ok(region_plan(by_region(view, width, MAX_WIDTH))),
    }
}

/// The parts of one drawing cut by region, said in words.
fn region_plan(parts: Vec<Part>) -> Plan {
    let note = (parts.len() > 1).then(|| {
        format!(
            "Too wide to read whole, the graph is drawn in {} parts, each for the incidents that answer its first questions as its heading says.",
            parts.len()
        )
    });
    Plan {
        note,
        sections: vec![Section { title: None, parts }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::sample::sample;

    #[test]
    fn a_narrow_drawing_is_one_part() {
        let v = sample();
        let parts = by_region(&v, &|_| 100.0, MAX_WIDTH);
        assert_eq!(parts.len(), 1);
        assert!(parts[0].path.is_empty());
        assert_eq!(parts[0].view, v);
    }

    #[test]
    fn a_wide_drawing_is_cut_at_its_first_questions() {
        let v = sample();
        // As wide as it has nodes: the whole (11) and the part under "yes" (9) are too
        // wide, the rest fit.
        let width = |g: &GraphView| g.nodes.len() as f64 * 100.0;
        let parts = by_region(&v, &width, 850.0);
        let headings: Vec<String> = parts.iter().map(Part::heading).collect();
        assert_eq!(
            headings,
            vec![
                "reported to police: no",
                "reported to police: yes; oldest age: 17 or under",
                "reported to police: yes; oldest age: 18 or over",
            ]
        );
        for p in &parts {
            assert!(p.view.nodes.len() <= 8, "{}", p.heading());
            // Every edge of a part joins two of its nodes, from its root down.
            for e in &p.view.edges {
                assert!(e.from < p.view.nodes.len() && e.to < p.view.nodes.len());
            }
            assert_eq!(p.view.part.as_deref(), Some(p.heading().as_str()));
        }
    }
}
