//! The decision graph as SVG, laid out and drawn by policyc itself (no Graphviz).
//!
//! Boxes are sized from the measured text (`export::text`), long questions wrapped;
//! `export::layout` places them. Colours and strokes are presentation attributes, not a
//! style sheet, so that several drawings inlined in one HTML page cannot restyle each
//! other and every SVG viewer shows the same picture.

use std::fmt::Write as _;

use super::layout::{self, EdgeSpec, Layout, Options, Rect, Seg, Size};
use super::text::{text_width, wrap, xml_escape};
use super::view::{GraphView, Leaf, LeafKind, OutputStatus, ValueSource, ViewNode, NO_OUTPUTS};

/// The font the text was measured with comes first.
pub const FONT_FAMILY: &str = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif";

/// Drawing more nodes than this makes a picture nobody can follow and a layout that
/// takes long; the caller is told to draw one output or use JSON instead.
pub const MAX_DRAWN_NODES: usize = 3000;

const Q_SIZE: f64 = 13.0;
const Q_LINE: f64 = 17.0;
const Q_MAX: f64 = 230.0;
/// Questions wrap this wide where the drawing stays narrow enough: fewer lines make a
/// shorter drawing, and a drawing of a few questions is tall and thin otherwise.
const Q_MAX_WIDE: f64 = 330.0;
/// A drawing with wide questions is kept while it is no wider than this (or than the
/// same drawing with narrow questions).
const WIDE_DRAWING_MAX: f64 = 1100.0;
const CAPTION_SIZE: f64 = 11.0;
const CAPTION_LINE: f64 = 14.0;
const LEAF_SIZE: f64 = 12.0;
const LEAF_LINE: f64 = 16.0;
const LEAF_MAX: f64 = 300.0;
const LABEL_SIZE: f64 = 12.0;
const LABEL_LINE: f64 = 15.0;
const LABEL_MAX: f64 = 170.0;
const PAD_X: f64 = 12.0;
const PAD_Y: f64 = 8.0;
const LABEL_PAD_X: f64 = 7.0;
const LABEL_PAD_Y: f64 = 3.0;
const TITLE_SIZE: f64 = 16.0;
const SUBTITLE_SIZE: f64 = 12.0;

#[derive(Clone, Debug, Default)]
pub struct SvgOptions {
    /// Prefix for element ids (markers, nodes), so that several drawings can share a
    /// page.
    pub id_prefix: String,
    /// Draw the policy's title and the output above the graph.
    pub heading: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SvgError {
    TooLarge { nodes: usize, max: usize },
}

impl std::fmt::Display for SvgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SvgError::TooLarge { nodes, max } => write!(
                f,
                "the decision graph has {nodes} nodes, more than the {max} an SVG drawing can show readably"
            ),
        }
    }
}

/// One line of text in a box: where it goes and how it looks.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    text: String,
    size: f64,
    bold: bool,
    color: &'static str,
    /// Height the line takes.
    height: f64,
    /// A bold run after the text, in its own colour: a leaf's answer on the line of its
    /// question ("Is the crime recorded? **yes**").
    tail: Option<(String, &'static str)>,
}

impl Line {
    fn width(&self) -> f64 {
        let tail = self
            .tail
            .as_ref()
            .map_or(0.0, |(t, _)| text_width(&format!(" {t}"), self.size, true));
        text_width(&self.text, self.size, self.bold) + tail
    }
}

/// A box's text, measured.
#[derive(Clone, Debug)]
struct Block {
    lines: Vec<Line>,
    size: Size,
    /// Text starts at the left padding (leaves) or is centred (questions, labels).
    centred: bool,
    pad_x: f64,
    pad_y: f64,
}

fn block(lines: Vec<Line>, centred: bool, pad_x: f64, pad_y: f64) -> Block {
    let w = lines.iter().map(Line::width).fold(0.0, f64::max);
    let h: f64 = lines.iter().map(|l| l.height).sum();
    Block {
        lines,
        size: Size {
            // Rounded up so that rounding in the writer never makes text overflow.
            w: (w + 2.0 * pad_x).ceil(),
            h: (h + 2.0 * pad_y).ceil(),
        },
        centred,
        pad_x,
        pad_y,
    }
}

fn wrapped(
    text: &str,
    size: f64,
    bold: bool,
    max: f64,
    color: &'static str,
    height: f64,
) -> Vec<Line> {
    wrap(text, size, bold, max)
        .into_iter()
        .map(|t| Line {
            text: t,
            size,
            bold,
            color,
            height,
            tail: None,
        })
        .collect()
}

const INK: &str = "#1f2937";
/// Grey text at least 7:1 on every fill the drawing uses (WCAG AA asks 4.5:1).
const MUTED: &str = "#4b5563";
/// The identifier above a question: darker than [`MUTED`] (10:1 on the question's
/// fill), as readers found the small grey caption hard to read.
const CAPTION: &str = "#374151";
const RED: &str = "#b91c1c";
const AMBER: &str = "#92400e";
const BLUE: &str = "#1e3a8a";

struct Style {
    fill: &'static str,
    stroke: &'static str,
    stroke_width: f64,
    dash: Option<&'static str>,
    radius: f64,
}

fn question_style() -> Style {
    Style {
        fill: "#eef4ff",
        stroke: "#3b63b8",
        stroke_width: 1.5,
        dash: None,
        radius: 12.0,
    }
}

fn leaf_style(kind: LeafKind) -> Style {
    match kind {
        LeafKind::Decided => Style {
            fill: "#ecfdf3",
            stroke: "#2f7d4a",
            stroke_width: 1.5,
            dash: None,
            radius: 2.0,
        },
        LeafKind::AcceptedGap => Style {
            fill: "#fff8e6",
            stroke: "#b7791f",
            stroke_width: 2.0,
            dash: Some("6 3"),
            radius: 2.0,
        },
        LeafKind::Gap => Style {
            fill: "#fdecec",
            stroke: "#c81e1e",
            stroke_width: 3.0,
            dash: None,
            radius: 2.0,
        },
        LeafKind::Conflict => Style {
            fill: "#fce7f3",
            stroke: "#be123c",
            stroke_width: 3.0,
            dash: Some("10 2"),
            radius: 2.0,
        },
        LeafKind::OutOfScope => Style {
            fill: "#f3f4f6",
            stroke: "#9ca3af",
            stroke_width: 1.5,
            dash: Some("4 3"),
            radius: 2.0,
        },
    }
}

fn leaf_lines(leaf: &Leaf) -> Vec<Line> {
    let mut lines = Vec::new();
    if leaf.kind == LeafKind::OutOfScope {
        lines.extend(wrapped(
            "Out of scope",
            LEAF_SIZE,
            true,
            LEAF_MAX,
            MUTED,
            LEAF_LINE,
        ));
        lines.extend(wrapped(
            "the policy decides nothing here",
            LEAF_SIZE,
            false,
            LEAF_MAX,
            MUTED,
            LEAF_LINE,
        ));
        return lines;
    }
    for o in &leaf.outputs {
        let color = match &o.status {
            OutputStatus::Value {
                source: ValueSource::Default,
                ..
            } => MUTED,
            OutputStatus::Value { .. } => INK,
            OutputStatus::Gap { accepted: Some(_) } => AMBER,
            OutputStatus::Gap { accepted: None }
            | OutputStatus::Conflict { .. }
            | OutputStatus::Overlap { .. } => RED,
        };
        lines.extend(question_and_answer(&o.prompt(), &o.answer(), color));
    }
    if lines.is_empty() {
        lines.extend(wrapped(
            NO_OUTPUTS, LEAF_SIZE, false, LEAF_MAX, MUTED, LEAF_LINE,
        ));
    }
    lines
}

/// An output's question in regular type and its answer in bold, on the question's last
/// line when it fits there, else on lines of its own.
fn question_and_answer(asks: &str, answer: &str, color: &'static str) -> Vec<Line> {
    let mut lines = wrapped(asks, LEAF_SIZE, false, LEAF_MAX, INK, LEAF_LINE);
    if let Some(last) = lines.last_mut() {
        let with = Line {
            tail: Some((answer.to_string(), color)),
            ..last.clone()
        };
        if with.width() <= LEAF_MAX {
            *last = with;
            return lines;
        }
    }
    lines.extend(wrapped(answer, LEAF_SIZE, true, LEAF_MAX, color, LEAF_LINE));
    lines
}

fn node_block(node: &ViewNode, q_max: f64) -> Block {
    match node {
        ViewNode::Question(q) => {
            let mut lines = wrapped(
                &q.caption(),
                CAPTION_SIZE,
                false,
                q_max,
                CAPTION,
                CAPTION_LINE,
            );
            lines.extend(wrapped(&q.text, Q_SIZE, true, q_max, INK, Q_LINE));
            block(lines, true, PAD_X, PAD_Y)
        }
        ViewNode::Leaf(leaf) => block(leaf_lines(leaf), false, PAD_X, PAD_Y),
    }
}

/// An answer's label: each value on its own line(s).
fn label_block(label: &str) -> Block {
    let lines = label
        .lines()
        .flat_map(|l| wrapped(l, LABEL_SIZE, true, LABEL_MAX, BLUE, LABEL_LINE))
        .collect();
    block(lines, true, LABEL_PAD_X, LABEL_PAD_Y)
}

/// The laid-out drawing before it is written: used by the writer and by the tests that
/// check that text fits.
#[derive(Clone)]
struct Drawing {
    /// One block per drawn box: the view's nodes, then the copies of shared leaves.
    nodes: Vec<Block>,
    /// The view node each drawn box shows (the identity on the view's own nodes).
    of: Vec<usize>,
    /// The drawn box each of the view's edges leads to.
    targets: Vec<usize>,
    labels: Vec<Block>,
    layout: Layout,
}

fn draw(view: &GraphView) -> Result<Drawing, SvgError> {
    if view.nodes.len() > MAX_DRAWN_NODES {
        return Err(SvgError::TooLarge {
            nodes: view.nodes.len(),
            max: MAX_DRAWN_NODES,
        });
    }
    let (narrow, narrow_faults) = draw_with(view, Q_MAX);
    if view.nodes.len() > 200 {
        // Too many boxes to lay out twice; such a drawing is wide anyway.
        return Ok(narrow);
    }
    let (wide, wide_faults) = draw_with(view, Q_MAX_WIDE);
    Ok(
        if wide.layout.width <= WIDE_DRAWING_MAX.max(narrow.layout.width)
            && wide_faults <= narrow_faults
        {
            wide
        } else {
            narrow
        },
    )
}

/// The drawing with questions wrapped `q_max` wide, and what its faults cost (see
/// [`cost`]).
fn draw_with(view: &GraphView, q_max: f64) -> (Drawing, f64) {
    let blocks: Vec<Block> = view.nodes.iter().map(|n| node_block(n, q_max)).collect();
    let labels: Vec<Block> = view.edges.iter().map(|e| label_block(&e.label)).collect();
    let try_keys =
        |keys: Vec<usize>| Tried::new(view, lay_out(view, &blocks, &labels, &keys), keys);
    let shared = try_keys(vec![0usize; view.edges.len()]);
    if view.nodes.len() > 200 {
        // Too many boxes to lay out again; such a drawing is drawn in parts anyway.
        return (shared.drawing, 0.0);
    }
    let mut best = shared;
    // First the crossings, then the answers out of order, each from the best drawing
    // so far: copies made for the order alone must pay for themselves.
    for misorder in [false, true] {
        let mut now = best.clone();
        for _ in 0..COPY_ROUNDS {
            let mut keys = now.keys.clone();
            if !copy_round(view, &now, &mut keys, misorder) {
                break;
            }
            now = try_keys(keys);
            if now.cost < best.cost {
                best = now.clone();
            }
        }
    }
    // Then one copy at a time, the one that lowers the cost most, while one does: the
    // rounds above copy every crossing edge at once, which may copy more than needed.
    for _ in 0..GREEDY_STEPS {
        let mut own = Vec::new();
        copy_candidates(view, &best, true, &mut own);
        own.sort_unstable();
        own.dedup();
        let mut step: Option<Tried> = None;
        for &e in own.iter().take(GREEDY_TRIES) {
            let mut keys = best.keys.clone();
            if let Some(slot) = keys.get_mut(e) {
                *slot = e + 1;
            }
            let t = try_keys(keys);
            if t.cost < step.as_ref().map_or(best.cost, |s| s.cost) {
                step = Some(t);
            }
        }
        match step {
            Some(t) => best = t,
            None => break,
        }
    }
    let faults = best.cost - best.drawing.layout.width;
    (best.drawing, faults)
}

/// A drawing tried: its copy keys, its faults and its cost.
#[derive(Clone)]
struct Tried {
    drawing: Drawing,
    keys: Vec<usize>,
    faults: Faults,
    cost: f64,
}

impl Tried {
    fn new(view: &GraphView, drawing: Drawing, keys: Vec<usize>) -> Tried {
        let faults = Faults::of(view, &drawing.layout);
        let cost = cost(&drawing, &faults);
        Tried {
            drawing,
            keys,
            faults,
            cost,
        }
    }
}

/// Gives edges into shared boxes boxes of their own; whether any changed. Of two
/// crossing edges, the one that runs further sideways gets a box of its own where it
/// leads to a shared one: the copy goes under its question. With `misorder`, so do the
/// answers of a question drawn out of order that lead to shared boxes, so that the
/// answers can take their order.
fn copy_round(view: &GraphView, now: &Tried, keys: &mut [usize], misorder: bool) -> bool {
    let mut own: Vec<usize> = Vec::new();
    copy_candidates(view, now, misorder, &mut own);
    let mut changed = false;
    for e in own {
        if let Some(k) = keys.get_mut(e).filter(|k| **k != e + 1) {
            *k = e + 1;
            changed = true;
        }
    }
    changed
}

/// The edges into shared boxes that a copy might help, as [`copy_round`] says.
fn copy_candidates(view: &GraphView, tried: &Tried, misorder: bool, own: &mut Vec<usize>) {
    let (now, faults) = (&tried.drawing, &tried.faults);
    let mut into: Vec<usize> = vec![0; now.of.len()];
    for &t in &now.targets {
        if let Some(c) = into.get_mut(t) {
            *c += 1;
        }
    }
    let shared = |e: usize| {
        now.targets
            .get(e)
            .and_then(|&t| into.get(t))
            .is_some_and(|&c| c > 1)
    };
    let span = |e: usize| now.layout.edges.get(e).map_or(0.0, sideways);
    for &(a, b) in &faults.crossings {
        let (a, b) = if span(a) >= span(b) { (a, b) } else { (b, a) };
        own.extend([a, b].into_iter().find(|&e| shared(e)));
    }
    if misorder {
        for &q in &faults.misordered {
            own.extend(
                (0..view.edges.len())
                    .filter(|&e| view.edges.get(e).is_some_and(|x| x.from == q) && shared(e)),
            );
        }
    }
}

/// Steps of copying one leaf at a time, and the copies tried in each.
const GREEDY_STEPS: usize = 6;
const GREEDY_TRIES: usize = 12;

/// Rounds of copying the leaves that crossing edges (or answers out of order) lead to:
/// each round gives those of the last drawing boxes of their own.
const COPY_ROUNDS: usize = 4;

/// What a crossing costs, in pixels of width: two leaf boxes, so a crossing that
/// copied boxes can remove goes. A wider drawing is read smaller or in parts, but two
/// questions' labels side by side above crossing edges read as each other's (issue 20's
/// review: at 300 such crossings stayed in derbyshire and school-advice, at 400 in
/// school-advice's drawing of its response).
const CROSSING_WIDTH: f64 = 600.0;

/// What a question whose answers are drawn out of their order costs, in pixels of
/// width: less than a crossing (the reader follows each label down its own edge) but
/// not nothing (`yes` before `no` is read slower, and wrongly by a reader in a hurry).
const MISORDER_WIDTH: f64 = 100.0;

/// What a drawing is judged by: its width, its crossings and its questions whose
/// answers are out of order.
fn cost(d: &Drawing, f: &Faults) -> f64 {
    d.layout.width
        + CROSSING_WIDTH * f.crossings.len() as f64
        + MISORDER_WIDTH * f.misordered.len() as f64
}

/// What a reader may trip on in a drawing.
#[derive(Clone)]
struct Faults {
    /// Pairs of edges that cross (by view edge).
    crossings: Vec<(usize, usize)>,
    /// The questions whose answers do not read left to right in their order.
    misordered: Vec<usize>,
}

impl Faults {
    fn of(view: &GraphView, l: &Layout) -> Faults {
        Faults {
            crossings: layout::crossing_pairs(l),
            misordered: misordered(view, l),
        }
    }
}

/// The questions whose answers' labels do not read left to right in the answers'
/// order (`no` before `yes`, ranges ascending, variants as declared: the view lists a
/// question's edges in that order).
fn misordered(view: &GraphView, l: &Layout) -> Vec<usize> {
    let mut last: Vec<Option<f64>> = vec![None; view.nodes.len()];
    let mut out: Vec<usize> = Vec::new();
    for (e, r) in view.edges.iter().zip(&l.edges) {
        let Some(x) = r.label.map(|b| b.cx()) else {
            continue;
        };
        if let Some(slot) = last.get_mut(e.from) {
            if slot.is_some_and(|p| p > x) && !out.contains(&e.from) {
                out.push(e.from);
            }
            *slot = Some(x);
        }
    }
    out
}

/// How far an edge runs sideways, between its leftmost and rightmost points.
fn sideways(r: &layout::EdgeRoute) -> f64 {
    let (lo, hi) = r
        .path
        .iter()
        .map(|s| match *s {
            Seg::Move(x, _) | Seg::Line(x, _) | Seg::Curve(_, _, _, _, x, _) => x,
        })
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    (hi - lo).max(0.0)
}

/// Lays out `view` with its leaves drawn once per copy key: edges to one leaf with
/// one key lead to one box. A leaf that several questions lead to may be drawn once
/// under each of them, as in a decision tree: one box shared by far-apart questions
/// draws their answers across each other's, and a reader following an answer down a
/// crossing loses it. The copies say the same decision; one question's answers never
/// lead to two copies (its answers to one leaf are one edge).
fn lay_out(view: &GraphView, blocks: &[Block], labels: &[Block], keys: &[usize]) -> Drawing {
    let mut of: Vec<usize> = (0..view.nodes.len()).collect();
    // Per leaf, the keys seen so far with their boxes.
    let mut boxes: Vec<Vec<(usize, usize)>> = vec![Vec::new(); view.nodes.len()];
    let targets: Vec<usize> = view
        .edges
        .iter()
        .zip(keys)
        .map(|(e, &key)| {
            if !matches!(view.nodes.get(e.to), Some(ViewNode::Leaf(_))) {
                return e.to;
            }
            let Some(seen) = boxes.get_mut(e.to) else {
                return e.to;
            };
            if let Some(&(_, b)) = seen.iter().find(|s| s.0 == key) {
                return b;
            }
            let b = if seen.is_empty() {
                e.to
            } else {
                of.push(e.to);
                of.len() - 1
            };
            seen.push((key, b));
            b
        })
        .collect();
    let nodes: Vec<Block> = of.iter().filter_map(|&o| blocks.get(o).cloned()).collect();
    let sizes: Vec<Size> = nodes.iter().map(|b| b.size).collect();
    let specs: Vec<EdgeSpec> = view
        .edges
        .iter()
        .zip(labels)
        .zip(&targets)
        .map(|((e, l), &to)| EdgeSpec {
            from: e.from,
            to,
            label: Some(l.size),
        })
        .collect();
    let layout = layout::layout(&sizes, &specs, &Options::default());
    Drawing {
        nodes,
        of,
        targets,
        labels: labels.to_vec(),
        layout,
    }
}

fn fmt(x: f64) -> String {
    // One decimal is finer than a pixel and keeps files small and snapshots stable.
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn write_block(out: &mut String, b: &Block, r: &Rect) {
    let mut y = r.y + b.pad_y;
    for line in &b.lines {
        // Baseline a little below the middle of the line box: DejaVu's ascent is 0.93
        // em and its descent 0.24 em.
        let base = y + line.height / 2.0 + line.size * 0.35;
        let (x, anchor) = if b.centred {
            (r.cx(), "middle")
        } else {
            (r.x + b.pad_x, "start")
        };
        let tail = line
            .tail
            .as_ref()
            .map(|(t, color)| {
                format!(
                    "<tspan font-weight=\"bold\" fill=\"{color}\"> {}</tspan>",
                    xml_escape(t)
                )
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{}\"{}>{}{tail}</text>",
            fmt(x),
            fmt(base),
            fmt(line.size),
            line.color,
            if line.bold { " font-weight=\"bold\"" } else { "" },
            xml_escape(&line.text)
        );
        y += line.height;
    }
}

fn path_d(path: &[Seg]) -> String {
    let mut d = String::new();
    for s in path {
        let _ = match *s {
            Seg::Move(x, y) => write!(d, "M{} {}", fmt(x), fmt(y)),
            Seg::Line(x, y) => write!(d, "L{} {}", fmt(x), fmt(y)),
            Seg::Curve(a, b, c, e, x, y) => write!(
                d,
                "C{} {} {} {} {} {}",
                fmt(a),
                fmt(b),
                fmt(c),
                fmt(e),
                fmt(x),
                fmt(y)
            ),
        };
    }
    d
}

fn rect_el(out: &mut String, r: &Rect, s: &Style) {
    let _ = write!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
        fmt(r.x),
        fmt(r.y),
        fmt(r.w),
        fmt(r.h),
        fmt(s.radius),
        s.fill,
        s.stroke,
        fmt(s.stroke_width),
        s.dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default()
    );
}

/// What a tooltip on a node says, in the policy's names for readers who need them: the
/// input, or each output's value and the rules behind it.
fn node_tooltip(node: &ViewNode) -> String {
    match node {
        ViewNode::Question(q) => match &q.judgement {
            Some(cites) => format!(
                "{}: {} (a judgement for the person handling the incident: {cites})",
                q.input, q.text
            ),
            None => format!("{}: {}", q.input, q.text),
        },
        ViewNode::Leaf(leaf) => {
            let mut parts = Vec::new();
            for o in &leaf.outputs {
                let why = match &o.status {
                    OutputStatus::Gap {
                        accepted: Some(reason),
                    } => super::words::undecided_on_purpose(reason),
                    OutputStatus::Conflict { values } => values
                        .iter()
                        .map(|v| format!("{} by {}", v.code, v.rules.join(", ")))
                        .collect::<Vec<_>>()
                        .join("; "),
                    _ if o.rules.is_empty() => String::new(),
                    _ => format!("by {}", o.rules.join(", ")),
                };
                if why.is_empty() {
                    parts.push(o.code_line());
                } else {
                    parts.push(format!("{} ({why})", o.code_line()));
                }
            }
            if parts.is_empty() {
                "out of scope".to_string()
            } else {
                parts.join("\n")
            }
        }
    }
}

/// Heading lines above the graph.
fn heading_lines(view: &GraphView) -> Vec<Line> {
    let mut lines = Vec::new();
    let title = view.title.clone().unwrap_or_else(|| view.policy.clone());
    lines.extend(wrapped(&title, TITLE_SIZE, true, 900.0, INK, 22.0));
    let sub = match &view.output {
        Some(o) => format!("Decision graph of {}, output {o}", view.policy),
        None => format!("Decision graph of {}, every output", view.policy),
    };
    lines.extend(wrapped(&sub, SUBTITLE_SIZE, false, 900.0, MUTED, 18.0));
    lines
}

/// The legend: one sample box per kind of node that appears.
fn legend(view: &GraphView) -> Vec<(Style, &'static str)> {
    legend_of(&view.nodes)
}

fn legend_of<'a>(nodes: impl IntoIterator<Item = &'a ViewNode>) -> Vec<(Style, &'static str)> {
    let mut kinds: Vec<LeafKind> = Vec::new();
    let mut questions = false;
    for n in nodes {
        match n {
            ViewNode::Leaf(l) => kinds.push(l.kind),
            ViewNode::Question(_) => questions = true,
        }
    }
    kinds.sort();
    kinds.dedup();
    let mut items = Vec::new();
    if questions {
        items.push((question_style(), "question"));
    }
    for k in kinds {
        let name = match k {
            LeafKind::Decided => "decision",
            LeafKind::AcceptedGap => "undecided on purpose",
            LeafKind::Gap => "undecided: a gap",
            LeafKind::Conflict => "conflict",
            LeafKind::OutOfScope => "out of scope",
        };
        items.push((leaf_style(k), name));
    }
    items
}

/// A decision drawn in parts ([`super::split::Plan`]), one below another in one
/// document: the heading and what was cut, then each section's title, each part's
/// heading and its drawing; one legend at the bottom. `view` is the decision the plan
/// was made for (its title heads the document).
pub(crate) fn to_svg_plan(
    view: &GraphView,
    plan: &super::split::Plan,
    opts: &SvgOptions,
) -> Result<String, SvgError> {
    enum Item {
        Text(Vec<Line>),
        Drawing(Box<Drawing>, usize),
    }
    let p = xml_escape(&opts.id_prefix);
    let mut items: Vec<Item> = Vec::new();
    let mut head = if opts.heading {
        heading_lines(view)
    } else {
        Vec::new()
    };
    if let Some(note) = &plan.note {
        head.extend(wrapped(note, SUBTITLE_SIZE, false, 900.0, INK, 18.0));
    }
    items.push(Item::Text(head));
    let mut last_title: Option<&str> = None;
    let parts: Vec<(Option<&str>, &super::split::Part)> = plan.parts().collect();
    for (k, (title, part)) in parts.iter().enumerate() {
        let mut lines = Vec::new();
        if *title != last_title {
            if let Some(t) = title {
                lines.extend(wrapped(t, 15.0, true, 900.0, INK, 22.0));
            }
            last_title = *title;
        }
        if !part.path.is_empty() {
            lines.extend(wrapped(
                &format!("Where {}", part.heading()),
                13.0,
                true,
                900.0,
                BLUE,
                19.0,
            ));
        }
        if !lines.is_empty() {
            items.push(Item::Text(lines));
        }
        items.push(Item::Drawing(Box::new(draw(&part.view)?), k));
    }
    let legend = legend_of(parts.iter().flat_map(|(_, part)| part.view.nodes.iter()));
    let text_w = |lines: &[Line]| lines.iter().map(Line::width).fold(0.0, f64::max) + 32.0;
    let width = items
        .iter()
        .map(|it| match it {
            Item::Text(lines) => text_w(lines),
            Item::Drawing(d, _) => d.layout.width,
        })
        .fold(0.0, f64::max)
        .max(
            legend
                .iter()
                .map(|(_, n)| legend_item_width(n))
                .sum::<f64>()
                + 16.0,
        )
        .ceil();
    let height = items
        .iter()
        .map(|it| match it {
            Item::Text(lines) => lines.iter().map(|l| l.height).sum::<f64>() + 8.0,
            Item::Drawing(d, _) => d.layout.height,
        })
        .sum::<f64>()
        + LEGEND_H;
    let height = height.ceil();
    let mut out = String::new();
    let title = match &view.output {
        Some(o) => format!("Decision graph of {}: {o}, in parts", view.policy),
        None => format!("Decision graph of {}, in parts", view.policy),
    };
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" style=\"max-width:{w}px\" role=\"img\" aria-labelledby=\"{p}title\" font-family=\"{FONT_FAMILY}\">",
        w = fmt(width),
        h = fmt(height),
    );
    let _ = writeln!(out, "<title id=\"{p}title\">{}</title>", xml_escape(&title));
    out.push_str("<defs>");
    for k in 0..parts.len() {
        let _ = write!(
            out,
            "<marker id=\"{p}{k}-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#4b5563\"/></marker>"
        );
    }
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    let mut y = 0.0;
    for it in &items {
        match it {
            Item::Text(lines) => {
                y += 8.0;
                out.push_str("<g class=\"heading\">");
                for l in lines {
                    let _ = write!(
                        out,
                        "<text x=\"16\" y=\"{}\" font-size=\"{}\" fill=\"{}\"{}>{}</text>",
                        fmt(y + l.height / 2.0 + l.size * 0.35),
                        fmt(l.size),
                        l.color,
                        if l.bold { " font-weight=\"bold\"" } else { "" },
                        xml_escape(&l.text)
                    );
                    y += l.height;
                }
                out.push_str("</g>\n");
            }
            Item::Drawing(d, k) => {
                let part = parts.get(*k).map(|x| x.1);
                let _ = writeln!(
                    out,
                    "<g class=\"part\" transform=\"translate({} {})\">",
                    fmt(((width - d.layout.width) / 2.0).max(0.0)),
                    fmt(y)
                );
                let pk = format!("{p}{k}-");
                edges(&mut out, d, &pk);
                if let Some(part) = part {
                    answers(&mut out, &part.view, d);
                    nodes(&mut out, &part.view, d, &pk);
                }
                out.push_str("</g>\n");
                y += d.layout.height;
            }
        }
    }
    let frame = Frame {
        head: Vec::new(),
        head_h: 0.0,
        legend,
        width,
        height,
        dx: 0.0,
    };
    frame.legend(&mut out, y);
    out.push_str("</svg>\n");
    Ok(out)
}

/// The width of `view`'s drawing in pixels, without its heading and legend; infinite
/// for a graph too large to draw.
pub fn natural_width(view: &GraphView) -> f64 {
    draw(view).map_or(f64::INFINITY, |d| d.layout.width)
}

/// Writes the SVG document for a graph.
pub fn to_svg(view: &GraphView, opts: &SvgOptions) -> Result<String, SvgError> {
    drawn(view, opts).map(|d| d.svg)
}

/// An SVG document and where its first question is.
pub struct DrawnSvg {
    pub svg: String,
    /// The centre of the root's box across the drawing, from 0 (left edge) to 1 (right
    /// edge): a page showing a drawing wider than itself starts at the root's side.
    pub root_at: f64,
    /// The id of the root's element, for a link to it.
    pub root_id: String,
    /// The drawing's width in pixels.
    pub width: f64,
}

/// [`to_svg`], saying where the root is drawn.
pub fn drawn(view: &GraphView, opts: &SvgOptions) -> Result<DrawnSvg, SvgError> {
    let d = draw(view)?;
    let p = xml_escape(&opts.id_prefix);
    let frame = Frame::new(view, &d, opts.heading);
    let mut out = String::new();
    frame.open(&mut out, view, &p);
    frame.heading(&mut out);
    let _ = writeln!(
        out,
        "<g transform=\"translate({} {})\">",
        fmt(frame.dx),
        fmt(frame.head_h)
    );
    edges(&mut out, &d, &p);
    answers(&mut out, view, &d);
    nodes(&mut out, view, &d, &p);
    out.push_str("</g>\n");
    frame.legend(&mut out, d.layout.height);
    out.push_str("</svg>\n");
    let root_x = d
        .layout
        .nodes
        .get(view.root)
        .map_or(frame.width / 2.0, |r| frame.dx + r.cx());
    Ok(DrawnSvg {
        svg: out,
        root_at: if frame.width > 0.0 {
            root_x / frame.width
        } else {
            0.5
        },
        root_id: format!("{}n{}", opts.id_prefix, view.root),
        width: frame.width,
    })
}

/// What surrounds the graph: the heading above it, the legend below, and the size of
/// the whole, wide enough for the widest of the three.
struct Frame {
    head: Vec<Line>,
    head_h: f64,
    legend: Vec<(Style, &'static str)>,
    width: f64,
    height: f64,
    /// How far the graph is moved right, to centre it under a wider heading or legend.
    dx: f64,
}

const LEGEND_H: f64 = 34.0;

impl Frame {
    fn new(view: &GraphView, d: &Drawing, heading: bool) -> Frame {
        let head = if heading {
            heading_lines(view)
        } else {
            Vec::new()
        };
        let head_h: f64 =
            head.iter().map(|l| l.height).sum::<f64>() + if head.is_empty() { 0.0 } else { 12.0 };
        let legend = legend(view);
        let head_w = head
            .iter()
            .map(|l| text_width(&l.text, l.size, l.bold))
            .fold(0.0, f64::max)
            + 32.0;
        let legend_w: f64 = legend
            .iter()
            .map(|(_, n)| legend_item_width(n))
            .sum::<f64>()
            + 16.0;
        let width = d.layout.width.max(head_w).max(legend_w).ceil();
        let height = (d.layout.height + head_h + LEGEND_H).ceil();
        Frame {
            head,
            head_h,
            legend,
            width,
            height,
            dx: ((width - d.layout.width) / 2.0).max(0.0),
        }
    }

    /// The document's start: its title, arrow marker and white background. The size is
    /// only a `viewBox`: the drawing scales to the width it is given (a browser window,
    /// a page's column), never past its natural size, where text would grow coarse.
    fn open(&self, out: &mut String, view: &GraphView, p: &str) {
        let title = match &view.output {
            Some(o) => format!("Decision graph of {}: {o}", view.policy),
            None => format!("Decision graph of {}", view.policy),
        };
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" style=\"max-width:{w}px\" role=\"img\" aria-labelledby=\"{p}title\" font-family=\"{FONT_FAMILY}\">",
            w = fmt(self.width),
            h = fmt(self.height),
        );
        let _ = writeln!(out, "<title id=\"{p}title\">{}</title>", xml_escape(&title));
        let _ = writeln!(
            out,
            "<defs><marker id=\"{p}arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#4b5563\"/></marker></defs>"
        );
        let _ = writeln!(
            out,
            "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>"
        );
    }

    fn heading(&self, out: &mut String) {
        if self.head.is_empty() {
            return;
        }
        let mut y = 10.0;
        out.push_str("<g class=\"heading\">");
        for l in &self.head {
            let _ = write!(
                out,
                "<text x=\"16\" y=\"{}\" font-size=\"{}\" fill=\"{}\"{}>{}</text>",
                fmt(y + l.height / 2.0 + l.size * 0.35),
                fmt(l.size),
                l.color,
                if l.bold { " font-weight=\"bold\"" } else { "" },
                xml_escape(&l.text)
            );
            y += l.height;
        }
        out.push_str("</g>\n");
    }

    /// The legend along the bottom, under a graph `graph_h` high.
    fn legend(&self, out: &mut String, graph_h: f64) {
        let mut x = 16.0;
        let y = self.head_h + graph_h + 8.0;
        out.push_str("<g class=\"legend\">");
        for (style, name) in &self.legend {
            rect_el(
                out,
                &Rect {
                    x,
                    y,
                    w: 28.0,
                    h: 16.0,
                },
                style,
            );
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
                fmt(x + 34.0),
                fmt(y + 12.0),
                xml_escape(name)
            );
            x += legend_item_width(name);
        }
        out.push_str("</g>\n");
    }
}

/// A legend item's width: its swatch, its name and the space after it.
fn legend_item_width(name: &str) -> f64 {
    36.0 + text_width(name, 11.0, false) + 18.0
}

fn edges(out: &mut String, d: &Drawing, p: &str) {
    out.push_str("<g class=\"edges\" fill=\"none\" stroke=\"#4b5563\" stroke-width=\"1.4\">\n");
    for (i, route) in d.layout.edges.iter().enumerate() {
        if route.path.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<path id=\"{p}e{i}\" d=\"{}\" marker-end=\"url(#{p}arrow)\"/>",
            path_d(&route.path)
        );
    }
    out.push_str("</g>\n");
}

/// The answers on the edges, in rounded boxes.
fn answers(out: &mut String, view: &GraphView, d: &Drawing) {
    out.push_str("<g class=\"answers\">\n");
    for ((route, b), e) in d.layout.edges.iter().zip(&d.labels).zip(&view.edges) {
        if let Some(r) = &route.label {
            let input = match view.nodes.get(e.from) {
                Some(ViewNode::Question(q)) => q.input.as_str(),
                _ => "",
            };
            let _ = write!(
                out,
                "<g><title>{}</title>",
                xml_escape(&format!("{input}: {}", e.code))
            );
            rect_el(
                out,
                r,
                &Style {
                    fill: "#ffffff",
                    stroke: "#93a4c8",
                    stroke_width: 1.0,
                    dash: None,
                    radius: (r.h / 2.0).min(9.0),
                },
            );
            write_block(out, b, r);
            out.push_str("</g>\n");
        }
    }
    out.push_str("</g>\n");
}

/// The questions and the leaves, each with its tooltip.
fn nodes(out: &mut String, view: &GraphView, d: &Drawing, p: &str) {
    out.push_str("<g class=\"nodes\">\n");
    for (i, ((&v, b), r)) in d.of.iter().zip(&d.nodes).zip(&d.layout.nodes).enumerate() {
        let Some(node) = view.nodes.get(v) else {
            continue;
        };
        let (class, style) = match node {
            ViewNode::Question(_) => ("question".to_string(), question_style()),
            ViewNode::Leaf(l) => (format!("leaf {}", l.kind.as_str()), leaf_style(l.kind)),
        };
        // A copy of a shared leaf is named after the leaf and its place among the copies.
        let id = if i == v {
            format!("{p}n{v}")
        } else {
            format!(
                "{p}n{v}-{}",
                d.of.get(..i)
                    .map_or(0, |a| a.iter().filter(|&&x| x == v).count())
            )
        };
        let _ = write!(out, "<g id=\"{id}\" class=\"{class}\">");
        let _ = write!(out, "<title>{}</title>", xml_escape(&node_tooltip(node)));
        rect_el(out, r, &style);
        write_block(out, b, r);
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests;
