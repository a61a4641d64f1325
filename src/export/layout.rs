//! A layered (Sugiyama-style) layout for directed acyclic graphs, written for decision
//! graphs: one root at the top, answers flowing down to the outcomes.
//!
//! 1. Ranks: every node sits one rank below its lowest parent (longest path from the
//!    sources), so every edge points down.
//! 2. Layers: ranks become the even layers; each edge gets its label as a node of its
//!    own in the odd layer below its source (as Graphviz does), and a thin virtual node
//!    in every further layer it passes, so that labels and edges take up room like nodes
//!    and can never be drawn over one.
//! 3. Order: barycentre sweeps down and up, each node placed at the mean position of its
//!    neighbours in the layer before (an answer's edge counts at its place among its
//!    node's answers, so `no` tends to the left of `yes`); the order with the fewest
//!    crossings seen is kept. Last, the edges of one question are put in one order in
//!    every layer they pass, so that they never cross each other: a label is always on
//!    the side its edge runs to. In a layer of labels, one question's labels sit
//!    together where that costs no crossing, so an unavoidable crossing falls below
//!    the labels rather than among them.
//! 4. Coordinates: each layer is placed as close as it can be to its neighbours
//!    (weighted least squares under minimum gaps, solved exactly by pool-adjacent-
//!    violators), sweeping down and up; virtual nodes weigh more so long edges run
//!    straight. Gaps between neighbours are never below the minimum, so no two boxes
//!    overlap by construction; an edge passing a label keeps a wider gap
//!    (`label_clearance`), as a line close by a label reads as its edge.
//! 5. Edges: straight down through their own column inside a layer, a cubic curve in the
//!    gap between two layers, which holds no boxes. A gap is `layer_gap` tall, taller
//!    where an edge steps far sideways in it or two edges cross in it.
//!
//! Nothing recurses; every loop is bounded by the graph's size.

/// Width and height of a box, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    pub w: f64,
    pub h: f64,
}

/// An edge to lay out, with the size of its label box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeSpec {
    pub from: usize,
    pub to: usize,
    pub label: Option<Size>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// Least horizontal gap between two boxes in a layer.
    pub node_gap: f64,
    /// Least horizontal gap next to an edge passing through a layer.
    pub edge_gap: f64,
    /// Least horizontal gap between an answer's label and another edge passing it.
    pub label_clearance: f64,
    /// Vertical gap between two layers (edges curve in it).
    pub layer_gap: f64,
    /// Empty border around the drawing.
    pub margin: f64,
    /// Barycentre sweeps (each one down and one up).
    pub order_sweeps: usize,
    /// Coordinate sweeps (each one down and one up).
    pub place_sweeps: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            node_gap: 28.0,
            edge_gap: 10.0,
            label_clearance: 24.0,
            layer_gap: 16.0,
            margin: 16.0,
            order_sweeps: 12,
            place_sweeps: 8,
        }
    }
}

/// A box by its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }

    #[cfg(test)]
    pub fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether the two boxes share interior area (touching edges do not count).
    #[cfg(test)]
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
}

/// A point of an edge's path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Seg {
    Move(f64, f64),
    Line(f64, f64),
    /// Cubic curve: two control points and the end.
    Curve(f64, f64, f64, f64, f64, f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EdgeRoute {
    /// From the source's bottom to the target's top.
    pub path: Vec<Seg>,
    pub label: Option<Rect>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// One box per input node, in input order.
    pub nodes: Vec<Rect>,
    /// One route per input edge, in input order.
    pub edges: Vec<EdgeRoute>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Real(usize),
    Label,
    Through,
}

#[derive(Clone, Debug)]
struct Vnode {
    layer: usize,
    w: f64,
    h: f64,
    kind: Kind,
    /// Neighbours in the layer above and below (virtual graph edges join adjacent
    /// layers only). `down` holds `(node, port)`: the port is the edge's place among
    /// the real source's answers, 0 for virtual nodes.
    up: Vec<usize>,
    down: Vec<(usize, f64)>,
}

/// Lays out a DAG. Edges that would close a cycle are laid out as if reversed (the
/// exporters never produce cycles, but the layout must not loop on one); self-loops are
/// drawn as nothing.
pub fn layout(nodes: &[Size], edges: &[EdgeSpec], opts: &Options) -> Layout {
    let n = nodes.len();
    let rank = ranks(n, edges);

    let mut v: Vec<Vnode> = nodes
        .iter()
        .enumerate()
        .map(|(i, s)| Vnode {
            layer: 2 * rank.get(i).copied().unwrap_or(0),
            w: s.w.max(1.0),
            h: s.h.max(1.0),
            kind: Kind::Real(i),
            up: Vec::new(),
            down: Vec::new(),
        })
        .collect();

    // Chains of virtual nodes, one per edge: [source, label, through..., target].
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(edges.len());
    let mut reversed: Vec<bool> = Vec::with_capacity(edges.len());
    let mut out_count = vec![0usize; n];
    for e in edges {
        if let Some(c) = out_count.get_mut(e.from) {
            *c += 1;
        }
    }
    let mut out_seen = vec![0usize; n];
    for e in edges {
        let (ra, rb) = (
            rank.get(e.from).copied().unwrap_or(0),
            rank.get(e.to).copied().unwrap_or(0),
        );
        if e.from >= n || e.to >= n || e.from == e.to || ra == rb {
            chains.push(Vec::new());
            reversed.push(false);
            continue;
        }
        let (top, bottom, rev) = if ra < rb {
            (e.from, e.to, false)
        } else {
            (e.to, e.from, true)
        };
        let port = {
            let k = out_seen.get(e.from).copied().unwrap_or(0);
            if let Some(s) = out_seen.get_mut(e.from) {
                *s += 1;
            }
            let deg = out_count.get(e.from).copied().unwrap_or(1).max(1);
            // In (-0.5, 0.5): the answer's place among its node's answers.
            (k as f64 + 1.0) / (deg as f64 + 1.0) - 0.5
        };
        let top_layer = v.get(top).map(|x| x.layer).unwrap_or(0);
        let bottom_layer = v.get(bottom).map(|x| x.layer).unwrap_or(0);
        let mut chain = vec![top];
        for layer in top_layer + 1..bottom_layer {
            let (w, h, kind) = match (layer == top_layer + 1, e.label) {
                (true, Some(s)) => (s.w.max(1.0), s.h.max(1.0), Kind::Label),
                _ => (0.0, 0.0, Kind::Through),
            };
            chain.push(v.len());
            v.push(Vnode {
                layer,
                w,
                h,
                kind,
                up: Vec::new(),
                down: Vec::new(),
            });
        }
        chain.push(bottom);
        for (i, pair) in chain.windows(2).enumerate() {
            if let [a, b] = *pair {
                let p = if i == 0 && !rev { port } else { 0.0 };
                if let Some(x) = v.get_mut(a) {
                    x.down.push((b, p));
                }
                if let Some(x) = v.get_mut(b) {
                    x.up.push(a);
                }
            }
        }
        chains.push(chain);
        reversed.push(rev);
    }

    let layer_count = v.iter().map(|x| x.layer + 1).max().unwrap_or(0);
    let mut layers = initial_order(&v, layer_count);
    order(&v, &mut layers, opts.order_sweeps);
    let mut xs = place(&v, &layers, opts);
    straighten(&v, &layers, &chains, &mut xs, opts);
    shift_to_margin(&v, &mut xs, opts);
    let (tops, heights) = layer_bands(&v, &layers, &xs, opts);

    let boxes: Vec<Rect> = v
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let top = tops.get(x.layer).copied().unwrap_or(0.0);
            let band = heights.get(x.layer).copied().unwrap_or(0.0);
            // Real nodes hang from the top of their band; labels sit in its middle.
            let y = match x.kind {
                Kind::Real(_) => top,
                Kind::Label | Kind::Through => top + (band - x.h) / 2.0,
            };
            let cx = xs.get(i).copied().unwrap_or(0.0);
            Rect {
                x: cx - x.w / 2.0,
                y,
                w: x.w,
                h: x.h,
            }
        })
        .collect();

    let routes = route(&v, &chains, &reversed, &boxes, &tops, &heights, &xs);

    let width = boxes.iter().map(|b| b.right()).fold(0.0, f64::max) + opts.margin;
    let height = boxes.iter().map(|b| b.bottom()).fold(0.0, f64::max) + opts.margin;
    Layout {
        width: width.max(2.0 * opts.margin),
        height: height.max(2.0 * opts.margin),
        nodes: boxes.iter().take(n).copied().collect(),
        edges: routes,
    }
}

/// Longest-path ranks from the sources, over a topological order (Kahn). Nodes on a
/// cycle are ranked after the rest in index order, their cycle-closing edges ignored.
fn ranks(n: usize, edges: &[EdgeSpec]) -> Vec<usize> {
    let mut indeg = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges {
        if e.from < n && e.to < n && e.from != e.to {
            if let Some(s) = succ.get_mut(e.from) {
                s.push(e.to);
            }
            if let Some(d) = indeg.get_mut(e.to) {
                *d += 1;
            }
        }
    }
    let mut queue: std::collections::VecDeque<usize> =
        (0..n).filter(|&i| indeg.get(i) == Some(&0)).collect();
    let mut topo = Vec::with_capacity(n);
    let mut done = vec![false; n];
    loop {
        while let Some(u) = queue.pop_front() {
            if done.get(u).copied().unwrap_or(true) {
                continue;
            }
            if let Some(d) = done.get_mut(u) {
                *d = true;
            }
            topo.push(u);
            for &w in succ.get(u).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(d) = indeg.get_mut(w) {
                    *d = d.saturating_sub(1);
                    if *d == 0 {
                        queue.push_back(w);
                    }
                }
            }
        }
        // A cycle: release its first node and go on.
        match (0..n).find(|&i| !done.get(i).copied().unwrap_or(true)) {
            Some(i) => queue.push_back(i),
            None => break,
        }
    }
    let mut pos = vec![0usize; n];
    for (k, &u) in topo.iter().enumerate() {
        if let Some(p) = pos.get_mut(u) {
            *p = k;
        }
    }
    let mut rank = vec![0usize; n];
    for &u in &topo {
        let ru = rank.get(u).copied().unwrap_or(0);
        for &w in succ.get(u).map(Vec::as_slice).unwrap_or(&[]) {
            // Only edges that go forward in the topological order raise a rank.
            if pos.get(u) < pos.get(w) {
                if let Some(r) = rank.get_mut(w) {
                    *r = (*r).max(ru + 1);
                }
            }
        }
    }
    rank
}

/// A first order: depth-first from the top layer's nodes, following answers in order,
/// which keeps a subtree's nodes together.
fn initial_order(v: &[Vnode], layer_count: usize) -> Vec<Vec<usize>> {
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    let mut seen = vec![false; v.len()];
    let mut roots: Vec<usize> = (0..v.len())
        .filter(|&i| v.get(i).is_some_and(|x| x.up.is_empty()))
        .collect();
    roots.sort_by_key(|&i| v.get(i).map(|x| x.layer).unwrap_or(0));
    let mut stack: Vec<usize> = Vec::new();
    for r in roots {
        stack.push(r);
        while let Some(u) = stack.pop() {
            if seen.get(u).copied().unwrap_or(true) {
                continue;
            }
            if let Some(s) = seen.get_mut(u) {
                *s = true;
            }
            let Some(x) = v.get(u) else { continue };
            if let Some(l) = layers.get_mut(x.layer) {
                l.push(u);
            }
            // Pushed in reverse so the first answer is visited first.
            for &(w, _) in x.down.iter().rev() {
                if !seen.get(w).copied().unwrap_or(true) {
                    stack.push(w);
                }
            }
        }
    }
    layers
}

/// Barycentre sweeps; keeps the order with the fewest crossings.
fn order(v: &[Vnode], layers: &mut [Vec<usize>], sweeps: usize) {
    let mut pos = vec![0.0f64; v.len()];
    let set_pos = |layers: &[Vec<usize>], pos: &mut [f64]| {
        for l in layers {
            for (k, &u) in l.iter().enumerate() {
                if let Some(p) = pos.get_mut(u) {
                    *p = k as f64;
                }
            }
        }
    };
    set_pos(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut best_cross = crossings(v, layers, &pos);
    for _ in 0..sweeps {
        if best_cross == 0 {
            break;
        }
        for li in 1..layers.len() {
            sort_layer(v, layers, li, &mut pos, true);
        }
        for li in (0..layers.len().saturating_sub(1)).rev() {
            sort_layer(v, layers, li, &mut pos, false);
        }
        let c = crossings(v, layers, &pos);
        if c < best_cross {
            best_cross = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
    set_pos(layers, &mut pos);
    transpose(v, layers, &mut pos);
    answers_in_order(v, layers, &mut pos);
    labels_under_their_question(v, layers, &mut pos);
    siblings_apart(v, layers, &mut pos);
}

/// In each layer of labels, the labels of one question side by side, in the order of
/// the questions, where that costs no crossing. A crossing the order cannot avoid then
/// falls below the labels, where each edge is already marked by its own label, rather
/// than between a question and its labels, where the label of one question would sit
/// among another's and be read as its answer.
fn labels_under_their_question(v: &[Vnode], layers: &mut [Vec<usize>], pos: &mut [f64]) {
    let set_pos = |layer: &[usize], pos: &mut [f64]| {
        for (k, &u) in layer.iter().enumerate() {
            if let Some(p) = pos.get_mut(u) {
                *p = k as f64;
            }
        }
    };
    for li in 0..layers.len() {
        let Some(layer) = layers.get(li) else {
            continue;
        };
        let is_label = |u: usize| v.get(u).is_some_and(|x| x.kind == Kind::Label);
        let slots: Vec<usize> = (0..layer.len())
            .filter(|&k| layer.get(k).is_some_and(|&u| is_label(u)))
            .collect();
        if slots.len() < 2 {
            continue;
        }
        let key = |u: usize| -> (f64, f64) {
            let x = v.get(u);
            let above = x
                .and_then(|x| x.up.first())
                .and_then(|&a| pos.get(a).copied())
                .unwrap_or(0.0);
            let below = x
                .and_then(|x| x.down.first())
                .and_then(|d| pos.get(d.0).copied())
                .unwrap_or(0.0);
            (above, below)
        };
        let mut members: Vec<usize> = slots
            .iter()
            .filter_map(|&k| layer.get(k).copied())
            .collect();
        members.sort_by(|&a, &b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        });
        let mut proposal = layer.clone();
        for (&k, &u) in slots.iter().zip(&members) {
            if let Some(x) = proposal.get_mut(k) {
                *x = u;
            }
        }
        if proposal == *layer {
            continue;
        }
        let old = layer.clone();
        let before = crossings(v, layers, pos);
        set_pos(&proposal, pos);
        if let Some(l) = layers.get_mut(li) {
            *l = proposal;
        }
        if crossings(v, layers, pos) > before {
            set_pos(&old, pos);
            if let Some(l) = layers.get_mut(li) {
                *l = old;
            }
        }
    }
}

/// The edges of one question never cross each other. The barycentre sweeps already
/// tend to read a question's answers in their order (`no` before `yes`): each answer's
/// edge weighs in at its place among its node's answers. Where the sweeps left two of
/// them crossing, the answers keep the order that does not cross: an answer whose label
/// sat left of its neighbour's while its edge ran right of it was read as the
/// neighbour's answer.
fn siblings_apart(v: &[Vnode], layers: &mut [Vec<usize>], pos: &mut [f64]) {
    let set_pos = |layer: &[usize], pos: &mut [f64]| {
        for (k, &u) in layer.iter().enumerate() {
            if let Some(p) = pos.get_mut(u) {
                *p = k as f64;
            }
        }
    };
    // Whatever the sweeps chose, the edges of one question keep one left-to-right order
    // in every layer they pass, so that no two of them cross: from the bottom up, in each
    // layer their labels and bends take the slots they hold in the order of the nodes
    // they lead to in the layer below.
    let layer_count = layers.len();
    let source_of = |u: usize| -> Option<usize> {
        let mut at = u;
        // Virtual nodes have one neighbour each way; a chain is no longer than the
        // number of layers.
        for _ in 0..=layer_count {
            let n = v.get(at)?;
            match n.kind {
                Kind::Real(_) => return Some(at),
                Kind::Label | Kind::Through => at = *n.up.first()?,
            }
        }
        None
    };
    for li in (0..layers.len()).rev() {
        let Some(layer) = layers.get(li) else {
            continue;
        };
        let mut layer = layer.clone();
        let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for (slot, &u) in layer.iter().enumerate() {
            if v.get(u).is_some_and(|x| !matches!(x.kind, Kind::Real(_))) {
                if let Some(src) = source_of(u) {
                    groups.entry(src).or_default().push(slot);
                }
            }
        }
        let below = |u: usize| {
            v.get(u)
                .and_then(|x| x.down.first())
                .and_then(|d| pos.get(d.0).copied())
                .unwrap_or(0.0)
        };
        for slots in groups.values().filter(|m| m.len() > 1) {
            let mut members: Vec<usize> = slots
                .iter()
                .filter_map(|&s| layer.get(s).copied())
                .collect();
            // Stable: edges that go on to one node keep their order.
            members.sort_by(|&a, &b| below(a).total_cmp(&below(b)));
            for (&slot, u) in slots.iter().zip(members) {
                if let Some(x) = layer.get_mut(slot) {
                    *x = u;
                }
            }
        }
        set_pos(&layer, pos);
        if let Some(l) = layers.get_mut(li) {
            *l = layer;
        }
    }
}

/// Swaps neighbours in a layer while that removes crossings (Gansner et al.'s
/// "transpose"), which catches what the barycentre sweeps leave. Answers of one question
/// are swapped too: their order is restored afterwards where that costs no crossing.
fn transpose(v: &[Vnode], layers: &mut [Vec<usize>], pos: &mut [f64]) {
    let pos_of = |pos: &[f64], u: usize| pos.get(u).copied().unwrap_or(0.0);
    // Crossings among the edges of `a` and `b` (a left of b) to one side.
    let cross = |pos: &[f64], a: &[usize], b: &[usize]| -> usize {
        let mut n = 0;
        for &x in a {
            for &y in b {
                if pos_of(pos, x) > pos_of(pos, y) {
                    n += 1;
                }
            }
        }
        n
    };
    let ups = |u: usize| v.get(u).map(|x| x.up.clone()).unwrap_or_default();
    let answers = answers_reaching(v, layers.len());
    // Pairs of one question's answers that `a` left of `b` puts out of answer order.
    let misordered = |a: usize, b: usize| -> usize {
        let (Some(xa), Some(xb)) = (answers.get(a), answers.get(b)) else {
            return 0;
        };
        xa.iter()
            .map(|&(s, pa)| xb.iter().filter(|&&(t, pb)| t == s && pa > pb).count())
            .sum()
    };
    let downs = |u: usize| -> Vec<usize> {
        v.get(u)
            .map(|x| x.down.iter().map(|d| d.0).collect())
            .unwrap_or_default()
    };
    for _ in 0..24 {
        let mut improved = false;
        for li in 0..layers.len() {
            let Some(layer) = layers.get(li) else {
                continue;
            };
            let mut layer = layer.clone();
            for k in 0..layer.len().saturating_sub(1) {
                let (Some(&a), Some(&b)) = (layer.get(k), layer.get(k + 1)) else {
                    continue;
                };
                let (ua, ub, da, db) = (ups(a), ups(b), downs(a), downs(b));
                let now = cross(pos, &ua, &ub) + cross(pos, &da, &db);
                let swapped = cross(pos, &ub, &ua) + cross(pos, &db, &da);
                // At no cost in crossings, a question's answers read in their order
                // (`no` before `yes`, ranges ascending, variants as declared): each
                // such swap puts one more pair in order, so the loop ends.
                if swapped < now || (swapped == now && misordered(a, b) > misordered(b, a)) {
                    layer.swap(k, k + 1);
                    if let Some(p) = pos.get_mut(a) {
                        *p = (k + 1) as f64;
                    }
                    if let Some(p) = pos.get_mut(b) {
                        *p = k as f64;
                    }
                    improved = true;
                }
            }
            if let Some(l) = layers.get_mut(li) {
                *l = layer;
            }
        }
        if !improved {
            break;
        }
    }
}

/// A question's answers in their order (`no` before `yes`, ranges ascending, variants
/// as declared) where that costs no crossing: two neighbouring labels out of order swap
/// together with the neighbouring nodes they lead to, which a swap of one pair alone
/// (`transpose`) cannot do without a crossing in between.
fn answers_in_order(v: &[Vnode], layers: &mut [Vec<usize>], pos: &mut [f64]) {
    let answers = answers_reaching(v, layers.len());
    let port = |u: usize| answers.get(u).and_then(|a| a.first()).copied();
    let slot = |pos: &[f64], u: usize| pos.get(u).map(|&p| p as usize);
    let mut now = crossings(v, layers, pos);
    for _ in 0..8 {
        let mut improved = false;
        for li in 0..layers.len().saturating_sub(1) {
            for k in 0..layers.get(li).map_or(0, Vec::len).saturating_sub(1) {
                let Some(&[a, b]) = layers.get(li).and_then(|l| l.get(k..k + 2)) else {
                    continue;
                };
                let labels = [a, b]
                    .iter()
                    .all(|&u| v.get(u).is_some_and(|x| x.kind == Kind::Label));
                let (Some(pa), Some(pb)) = (port(a), port(b)) else {
                    continue;
                };
                if !labels || pa.0 != pb.0 || pa.1 <= pb.1 {
                    continue;
                }
                let below = |u: usize| v.get(u).and_then(|x| x.down.first()).map(|d| d.0);
                let (Some(da), Some(db)) = (below(a), below(b)) else {
                    continue;
                };
                let (Some(ka), Some(kb)) = (slot(pos, da), slot(pos, db)) else {
                    continue;
                };
                if kb != ka + 1 {
                    continue;
                }
                let swap = |layers: &mut [Vec<usize>], pos: &mut [f64]| {
                    for (l, i, x, y) in [(li, k, a, b), (li + 1, ka, da, db)] {
                        if let Some(layer) = layers.get_mut(l) {
                            layer.swap(i, i + 1);
                        }
                        if let Some(p) = pos.get_mut(x) {
                            *p = (i + 1) as f64;
                        }
                        if let Some(p) = pos.get_mut(y) {
                            *p = i as f64;
                        }
                    }
                };
                swap(layers, pos);
                let after = crossings(v, layers, pos);
                if after <= now {
                    now = after;
                    improved = true;
                } else {
                    // Swapped back: the same swap undoes itself once the positions
                    // say where each node is now.
                    for (l, i, x, y) in [(li, k, b, a), (li + 1, ka, db, da)] {
                        if let Some(layer) = layers.get_mut(l) {
                            layer.swap(i, i + 1);
                        }
                        if let Some(p) = pos.get_mut(x) {
                            *p = (i + 1) as f64;
                        }
                        if let Some(p) = pos.get_mut(y) {
                            *p = i as f64;
                        }
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// For every virtual node, the answer it carries: `(question, port)`; for every real
/// node, the answers that lead to it.
fn answers_reaching(v: &[Vnode], layer_count: usize) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = vec![Vec::new(); v.len()];
    for (q, x) in v.iter().enumerate() {
        if !matches!(x.kind, Kind::Real(_)) {
            continue;
        }
        for &(first, port) in &x.down {
            // Down the chain to the node the answer leads to; a chain is no longer than
            // the number of layers.
            let mut at = first;
            for _ in 0..=layer_count {
                if let Some(slot) = out.get_mut(at) {
                    slot.push((q, port));
                }
                match v.get(at) {
                    Some(n) if !matches!(n.kind, Kind::Real(_)) => match n.down.first() {
                        Some(&(next, _)) => at = next,
                        None => break,
                    },
                    _ => break,
                }
            }
        }
    }
    out
}

fn sort_layer(v: &[Vnode], layers: &mut [Vec<usize>], li: usize, pos: &mut [f64], down: bool) {
    let Some(layer) = layers.get(li) else { return };
    let mut keyed: Vec<(f64, usize)> = layer
        .iter()
        .map(|&u| {
            let here = pos.get(u).copied().unwrap_or(0.0);
            let key = match v.get(u) {
                Some(x) if down && !x.up.is_empty() => {
                    let sum: f64 =
                        x.up.iter()
                            .map(|&a| {
                                let port = v
                                    .get(a)
                                    .and_then(|p| p.down.iter().find(|d| d.0 == u))
                                    .map(|d| d.1)
                                    .unwrap_or(0.0);
                                pos.get(a).copied().unwrap_or(0.0) + port
                            })
                            .sum();
                    sum / x.up.len() as f64
                }
                Some(x) if !down && !x.down.is_empty() => {
                    let sum: f64 = x
                        .down
                        .iter()
                        .map(|&(b, port)| pos.get(b).copied().unwrap_or(0.0) - port)
                        .sum();
                    sum / x.down.len() as f64
                }
                _ => here,
            };
            (key, u)
        })
        .collect();
    // Stable: ties keep the present order.
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let new: Vec<usize> = keyed.into_iter().map(|(_, u)| u).collect();
    for (k, &u) in new.iter().enumerate() {
        if let Some(p) = pos.get_mut(u) {
            *p = k as f64;
        }
    }
    if let Some(l) = layers.get_mut(li) {
        *l = new;
    }
}

/// Total edge crossings between adjacent layers (inversions, by merge sort).
fn crossings(v: &[Vnode], layers: &[Vec<usize>], pos: &[f64]) -> u64 {
    let mut total = 0u64;
    for l in layers {
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for &u in l {
            let pu = pos.get(u).copied().unwrap_or(0.0) as usize;
            if let Some(x) = v.get(u) {
                for &(w, _) in &x.down {
                    pairs.push((pu, pos.get(w).copied().unwrap_or(0.0) as usize));
                }
            }
        }
        pairs.sort_unstable();
        let mut seq: Vec<usize> = pairs.into_iter().map(|p| p.1).collect();
        total = total.saturating_add(inversions(&mut seq));
    }
    total
}

/// Number of pairs `i < j` with `a[i] > a[j]`; sorts `a`.
fn inversions(a: &mut [usize]) -> u64 {
    let n = a.len();
    let mut buf = vec![0usize; n];
    let mut count = 0u64;
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                let (ai, aj) = (a.get(i).copied(), a.get(j).copied());
                match (ai, aj) {
                    (Some(x), Some(y)) if x <= y => {
                        if let Some(b) = buf.get_mut(k) {
                            *b = x;
                        }
                        i += 1;
                    }
                    (_, Some(y)) => {
                        if let Some(b) = buf.get_mut(k) {
                            *b = y;
                        }
                        count += (mid - i) as u64;
                        j += 1;
                    }
                    _ => break,
                }
                k += 1;
            }
            for idx in i..mid {
                if let (Some(b), Some(&x)) = (buf.get_mut(k), a.get(idx)) {
                    *b = x;
                }
                k += 1;
            }
            for idx in j..end {
                if let (Some(b), Some(&x)) = (buf.get_mut(k), a.get(idx)) {
                    *b = x;
                }
                k += 1;
            }
            start = end;
        }
        a.copy_from_slice(&buf);
        width *= 2;
    }
    count
}

fn gap_between(v: &[Vnode], a: usize, b: usize, opts: &Options) -> f64 {
    let (Some(x), Some(y)) = (v.get(a), v.get(b)) else {
        return opts.node_gap;
    };
    let gap = match (x.kind, y.kind) {
        // A line passing close by a label reads as the label's own edge.
        (Kind::Through, Kind::Label) | (Kind::Label, Kind::Through) => opts.label_clearance,
        (Kind::Through, _) | (_, Kind::Through) => opts.edge_gap,
        _ => opts.node_gap,
    };
    (x.w + y.w) / 2.0 + gap
}

/// Centre x of every virtual node.
fn place(v: &[Vnode], layers: &[Vec<usize>], opts: &Options) -> Vec<f64> {
    let mut xs = vec![0.0f64; v.len()];
    // Packed from the left to start with.
    for l in layers {
        let mut x = 0.0;
        let mut prev: Option<usize> = None;
        for &u in l {
            x += match prev {
                Some(p) => gap_between(v, p, u, opts),
                None => v.get(u).map(|n| n.w / 2.0).unwrap_or(0.0),
            };
            if let Some(slot) = xs.get_mut(u) {
                *slot = x;
            }
            prev = Some(u);
        }
    }
    let weight = |u: usize| match v.get(u).map(|x| x.kind) {
        Some(Kind::Through) => 8.0,
        Some(Kind::Label) => 4.0,
        _ => 1.0,
    };
    for sweep in 0..opts.place_sweeps.max(1) {
        // The last sweep looks both ways so nodes settle between parents and children.
        let last = sweep + 1 == opts.place_sweeps.max(1);
        for dir in [true, false] {
            let order: Vec<usize> = if dir {
                (1..layers.len()).collect()
            } else {
                (0..layers.len().saturating_sub(1)).rev().collect()
            };
            for li in order {
                let Some(layer) = layers.get(li) else {
                    continue;
                };
                let targets: Vec<f64> = layer
                    .iter()
                    .map(|&u| {
                        let here = xs.get(u).copied().unwrap_or(0.0);
                        let Some(x) = v.get(u) else { return here };
                        let mut nb: Vec<usize> = Vec::new();
                        if dir || last {
                            nb.extend(x.up.iter().copied());
                        }
                        if !dir || last {
                            nb.extend(x.down.iter().map(|d| d.0));
                        }
                        if nb.is_empty() {
                            here
                        } else {
                            nb.iter()
                                .map(|&w| xs.get(w).copied().unwrap_or(0.0))
                                .sum::<f64>()
                                / nb.len() as f64
                        }
                    })
                    .collect();
                let weights: Vec<f64> = layer.iter().map(|&u| weight(u)).collect();
                let gaps: Vec<f64> = layer
                    .windows(2)
                    .map(|p| match *p {
                        [a, b] => gap_between(v, a, b, opts),
                        _ => 0.0,
                    })
                    .collect();
                let placed = constrained_fit(&targets, &weights, &gaps);
                for (&u, x) in layer.iter().zip(placed) {
                    if let Some(slot) = xs.get_mut(u) {
                        *slot = x;
                    }
                }
            }
        }
    }
    xs
}

/// Shifts everything right of the margin.
fn shift_to_margin(v: &[Vnode], xs: &mut [f64], opts: &Options) {
    let left = v
        .iter()
        .enumerate()
        .map(|(i, x)| xs.get(i).copied().unwrap_or(0.0) - x.w / 2.0)
        .fold(f64::INFINITY, f64::min);
    if left.is_finite() {
        for x in xs.iter_mut() {
            *x += opts.margin - left;
        }
    }
}

/// Puts the virtual nodes of each long edge on one vertical line where the neighbours
/// in every layer leave room: the least-squares placement leaves small wiggles, and a
/// straight line is easier to follow with a finger.
fn straighten(
    v: &[Vnode],
    layers: &[Vec<usize>],
    chains: &[Vec<usize>],
    xs: &mut [f64],
    opts: &Options,
) {
    let mut slot: Vec<(usize, usize)> = vec![(0, 0); v.len()];
    for (li, l) in layers.iter().enumerate() {
        for (k, &u) in l.iter().enumerate() {
            if let Some(s) = slot.get_mut(u) {
                *s = (li, k);
            }
        }
    }
    let fits = |xs: &[f64], u: usize, x: f64| -> bool {
        let Some(&(li, k)) = slot.get(u) else {
            return false;
        };
        let Some(layer) = layers.get(li) else {
            return false;
        };
        let left_ok = match k.checked_sub(1).and_then(|j| layer.get(j)) {
            Some(&l) => xs.get(l).copied().unwrap_or(0.0) + gap_between(v, l, u, opts) <= x + 1e-6,
            None => true,
        };
        let right_ok = match layer.get(k + 1) {
            Some(&r) => x + gap_between(v, u, r, opts) <= xs.get(r).copied().unwrap_or(0.0) + 1e-6,
            None => true,
        };
        left_ok && right_ok
    };
    for _ in 0..3 {
        for chain in chains {
            let inner: &[usize] = match chain.len() {
                0..=3 => continue,
                n => chain.get(1..n - 1).unwrap_or(&[]),
            };
            let mut candidates: Vec<f64> =
                inner.iter().filter_map(|&u| xs.get(u).copied()).collect();
            candidates.sort_by(f64::total_cmp);
            // The median first: it moves the fewest nodes furthest.
            if let Some(&m) = candidates.get(candidates.len() / 2) {
                candidates.insert(0, m);
            }
            let mut whole = false;
            for x in candidates {
                if inner.iter().all(|&u| fits(xs, u, x)) {
                    for &u in inner {
                        if let Some(slot) = xs.get_mut(u) {
                            *slot = x;
                        }
                    }
                    whole = true;
                    break;
                }
            }
            if !whole {
                straighten_runs(inner, xs, &fits);
            }
        }
    }
}

/// Where a long edge cannot run straight all the way, it runs straight as far as it
/// can: from each of its bends, the longest run of its nodes that one of their places
/// fits, so that it steps aside once where it must rather than wiggling in every layer.
fn straighten_runs(inner: &[usize], xs: &mut [f64], fits: &dyn Fn(&[f64], usize, f64) -> bool) {
    let mut i = 0;
    while i < inner.len() {
        let mut best = (i + 1, None);
        for &c in inner.get(i..).unwrap_or(&[]) {
            let Some(x) = xs.get(c).copied() else {
                continue;
            };
            let mut j = i;
            while inner.get(j).is_some_and(|&u| fits(xs, u, x)) {
                j += 1;
            }
            if j > best.0 {
                best = (j, Some(x));
            }
        }
        let (end, x) = best;
        if let Some(x) = x {
            for &u in inner.get(i..end).unwrap_or(&[]) {
                if let Some(slot) = xs.get_mut(u) {
                    *slot = x;
                }
            }
        }
        i = end.max(i + 1);
    }
}

/// The `x` closest to `targets` in weighted least squares with `x[i+1] - x[i] >=
/// gaps[i]`. Substituting `y[i] = x[i] - offset[i]` (offset the running sum of gaps)
/// turns it into isotonic regression, which pool-adjacent-violators solves exactly.
pub(crate) fn constrained_fit(targets: &[f64], weights: &[f64], gaps: &[f64]) -> Vec<f64> {
    let mut offsets = Vec::with_capacity(targets.len());
    let mut acc = 0.0;
    for i in 0..targets.len() {
        if i > 0 {
            acc += gaps.get(i - 1).copied().unwrap_or(0.0);
        }
        offsets.push(acc);
    }
    // Blocks of pooled values: (mean, total weight, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (i, (&t, &o)) in targets.iter().zip(&offsets).enumerate() {
        let w = weights.get(i).copied().unwrap_or(1.0).max(1e-9);
        blocks.push((t - o, w, 1));
        while blocks.len() >= 2 {
            let n = blocks.len();
            let (Some(&b), Some(&a)) = (blocks.get(n - 1), blocks.get(n - 2)) else {
                break;
            };
            if a.0 <= b.0 {
                break;
            }
            let w = a.1 + b.1;
            blocks.truncate(n - 2);
            blocks.push(((a.0 * a.1 + b.0 * b.1) / w, w, a.2 + b.2));
        }
    }
    let mut out = Vec::with_capacity(targets.len());
    for (mean, _, count) in blocks {
        for _ in 0..count {
            let o = offsets.get(out.len()).copied().unwrap_or(0.0);
            out.push(mean + o);
        }
    }
    out
}

/// Top and height of every layer's band. The gap below a layer grows with the widest
/// sideways step an edge takes in it, so that long diagonal edges do not flatten into
/// near-horizontal lines that a reader cannot tell apart, and where two edges cross in
/// it, so that they cross steeply, as an X a reader can follow.
fn layer_bands(
    v: &[Vnode],
    layers: &[Vec<usize>],
    xs: &[f64],
    opts: &Options,
) -> (Vec<f64>, Vec<f64>) {
    let mut tops = Vec::with_capacity(layers.len());
    let mut heights = Vec::with_capacity(layers.len());
    let mut y = opts.margin;
    for l in layers {
        let h = l
            .iter()
            .filter_map(|&u| v.get(u).map(|x| x.h))
            .fold(0.0, f64::max)
            .max(4.0);
        // Each edge leaving the layer as (x at the top of the gap, x at its bottom).
        let mut steps: Vec<(f64, f64)> = l
            .iter()
            .flat_map(|&u| {
                let x0 = xs.get(u).copied().unwrap_or(0.0);
                v.get(u)
                    .map(|n| n.down.as_slice())
                    .unwrap_or(&[])
                    .iter()
                    .map(move |&(w, _)| (x0, xs.get(w).copied().unwrap_or(0.0)))
            })
            .collect();
        let widest_step = steps
            .iter()
            .map(|(top, bottom)| (bottom - top).abs())
            .fold(0.0, f64::max);
        steps.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let crossing = steps
            .windows(2)
            .any(|p| matches!(p, [a, b] if a.0 < b.0 - 1e-6 && a.1 > b.1 + 1e-6));
        let mut gap = opts
            .layer_gap
            .max((widest_step * 0.1).min(2.5 * opts.layer_gap));
        if crossing {
            gap = gap.max(3.0 * opts.layer_gap);
        }
        tops.push(y);
        heights.push(h);
        y += h + gap;
    }
    (tops, heights)
}

#[allow(clippy::too_many_arguments)]
fn route(
    v: &[Vnode],
    chains: &[Vec<usize>],
    reversed: &[bool],
    boxes: &[Rect],
    tops: &[f64],
    heights: &[f64],
    xs: &[f64],
) -> Vec<EdgeRoute> {
    // Ports: each real node's outgoing edges leave its bottom spread out, and incoming
    // edges reach its top spread out, both in the order of the other end, so that edges
    // do not cross at a node.
    let mut out_port: Vec<f64> = vec![0.0; chains.len()];
    let mut in_port: Vec<f64> = vec![0.0; chains.len()];
    let mut outs: Vec<Vec<(f64, usize)>> = vec![Vec::new(); v.len()];
    let mut ins: Vec<Vec<(f64, usize)>> = vec![Vec::new(); v.len()];
    for (ei, chain) in chains.iter().enumerate() {
        if let (Some(&a), Some(&a2), Some(&b), Some(&b2)) = (
            chain.first(),
            chain.get(1),
            chain.last(),
            chain.len().checked_sub(2).and_then(|i| chain.get(i)),
        ) {
            if let Some(o) = outs.get_mut(a) {
                o.push((xs.get(a2).copied().unwrap_or(0.0), ei));
            }
            if let Some(o) = ins.get_mut(b) {
                o.push((xs.get(b2).copied().unwrap_or(0.0), ei));
            }
        }
    }
    let spread = |lists: &mut Vec<Vec<(f64, usize)>>, port: &mut Vec<f64>| {
        for (u, list) in lists.iter_mut().enumerate() {
            list.sort_by(|a, b| a.0.total_cmp(&b.0));
            let Some(b) = boxes.get(u) else { continue };
            let k = list.len() as f64;
            // Spread over the middle of the box, never its rounded corners.
            let usable = (b.w * 0.7).min(28.0 * k);
            for (i, &(_, ei)) in list.iter().enumerate() {
                let x = if list.len() == 1 {
                    b.cx()
                } else {
                    b.cx() - usable / 2.0 + usable * i as f64 / (k - 1.0)
                };
                if let Some(p) = port.get_mut(ei) {
                    *p = x;
                }
            }
        }
    };
    spread(&mut outs, &mut out_port);
    spread(&mut ins, &mut in_port);

    chains
        .iter()
        .enumerate()
        .map(|(ei, chain)| {
            if chain.len() < 2 {
                return EdgeRoute {
                    path: Vec::new(),
                    label: None,
                };
            }
            // Points top to bottom: (x, y entering the layer, y leaving it).
            let last = chain.len() - 1;
            let mut pts: Vec<(f64, f64, f64)> = Vec::with_capacity(chain.len());
            for (k, &u) in chain.iter().enumerate() {
                let Some(node) = v.get(u) else { continue };
                let b = boxes.get(u).copied().unwrap_or(Rect {
                    x: 0.0,
                    y: 0.0,
                    w: 0.0,
                    h: 0.0,
                });
                let top = tops.get(node.layer).copied().unwrap_or(0.0);
                let band = heights.get(node.layer).copied().unwrap_or(0.0);
                let x = if k == 0 {
                    out_port.get(ei).copied().unwrap_or(b.cx())
                } else if k == last {
                    in_port.get(ei).copied().unwrap_or(b.cx())
                } else {
                    b.cx()
                };
                let (y_in, y_out) = match node.kind {
                    Kind::Real(_) if k == 0 => (b.bottom(), top + band),
                    Kind::Real(_) => (b.y, b.y),
                    _ => (top, top + band),
                };
                pts.push((x, y_in, y_out));
            }
            let mut path = Vec::new();
            if let Some(&(x0, y0, y0out)) = pts.first() {
                path.push(Seg::Move(x0, y0));
                if y0out > y0 {
                    path.push(Seg::Line(x0, y0out));
                }
            }
            for pair in pts.windows(2) {
                if let [(x1, _, y1), (x2, y2in, y2out)] = *pair {
                    let ym = (y1 + y2in) / 2.0;
                    path.push(Seg::Curve(x1, ym, x2, ym, x2, y2in));
                    if y2out > y2in {
                        path.push(Seg::Line(x2, y2out));
                    }
                }
            }
            if reversed.get(ei).copied().unwrap_or(false) {
                path = reverse_path(&path);
            }
            let label = chain
                .get(1)
                .filter(|&&u| v.get(u).is_some_and(|x| x.kind == Kind::Label))
                .and_then(|&u| boxes.get(u).copied());
            EdgeRoute { path, label }
        })
        .collect()
}

fn reverse_path(path: &[Seg]) -> Vec<Seg> {
    let mut out = Vec::new();
    // Walk backwards: each segment's start is the previous segment's end.
    let ends: Vec<(f64, f64)> = path
        .iter()
        .map(|s| match *s {
            Seg::Move(x, y) | Seg::Line(x, y) | Seg::Curve(_, _, _, _, x, y) => (x, y),
        })
        .collect();
    if let Some(&(x, y)) = ends.last() {
        out.push(Seg::Move(x, y));
    }
    for i in (1..path.len()).rev() {
        let start = ends.get(i - 1).copied().unwrap_or((0.0, 0.0));
        match path.get(i) {
            Some(Seg::Curve(c1x, c1y, c2x, c2y, _, _)) => {
                out.push(Seg::Curve(*c2x, *c2y, *c1x, *c1y, start.0, start.1))
            }
            _ => out.push(Seg::Line(start.0, start.1)),
        }
    }
    out
}

#[cfg(test)]
mod tests;

// The drawn geometry measured: crossings choose between drawings; the tests of the
// layout and the SVG measure crossings and labels.

/// The pairs of edges (by index) that cross, one entry per crossing, counted from the
/// drawn geometry (curves flattened): the measure a reader sees, not the layer-by-layer
/// count the ordering heuristics use. Edges that meet at a node's port do not count;
/// two edges that cross more than once count once per crossing.
pub fn crossing_pairs(l: &Layout) -> Vec<(usize, usize)> {
    let polys: Vec<Vec<(f64, f64)>> = l.edges.iter().map(|e| flatten(&e.path)).collect();
    let bounds: Vec<(f64, f64, f64, f64)> = polys
        .iter()
        .map(|p| {
            p.iter().fold(
                (
                    f64::INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::NEG_INFINITY,
                ),
                |(a, b, c, d), &(x, y)| (a.min(x), b.min(y), c.max(x), d.max(y)),
            )
        })
        .collect();
    let mut out = Vec::new();
    for (i, (p, bp)) in polys.iter().zip(&bounds).enumerate() {
        for (j, (q, bq)) in polys.iter().zip(&bounds).enumerate().skip(i + 1) {
            if bp.2 < bq.0 || bq.2 < bp.0 || bp.3 < bq.1 || bq.3 < bp.1 {
                continue;
            }
            // Only the pieces of each inside the other's bounds can cross it.
            let qs = pieces_within(q, bp);
            let mut points: Vec<(f64, f64)> = Vec::new();
            for a in pieces_within(p, bq) {
                for &b in &qs {
                    if let ([a0, a1], [b0, b1]) = (a, b) {
                        if let Some(x) = proper_intersection(*a0, *a1, *b0, *b1) {
                            // A crossing at a joint of the flattened curve shows twice.
                            if !points
                                .iter()
                                .any(|pt| (pt.0 - x.0).abs() < 2.0 && (pt.1 - x.1).abs() < 2.0)
                            {
                                points.push(x);
                            }
                        }
                    }
                }
            }
            out.extend(points.iter().map(|_| (i, j)));
        }
    }
    out
}

/// The segments of a polyline that reach into the box `(x0, y0, x1, y1)`.
fn pieces_within<'a>(poly: &'a [(f64, f64)], b: &(f64, f64, f64, f64)) -> Vec<&'a [(f64, f64)]> {
    poly.windows(2)
        .filter(|s| match s {
            [s0, s1] => {
                s0.0.max(s1.0) >= b.0
                    && s0.0.min(s1.0) <= b.2
                    && s0.1.max(s1.1) >= b.1
                    && s0.1.min(s1.1) <= b.3
            }
            _ => false,
        })
        .collect()
}

/// The pairs `(edge, label)` where `edge` passes within `clearance` pixels of the label
/// box of edge `label`: a line running past a label reads as the label's own edge.
#[cfg(test)]
pub fn label_intrusions(l: &Layout, clearance: f64) -> Vec<(usize, usize)> {
    let polys: Vec<Vec<(f64, f64)>> = l.edges.iter().map(|e| flatten(&e.path)).collect();
    let mut out = Vec::new();
    for (j, e) in l.edges.iter().enumerate() {
        let Some(r) = e.label else { continue };
        let grown = Rect {
            x: r.x - clearance,
            y: r.y - clearance,
            w: r.w + 2.0 * clearance,
            h: r.h + 2.0 * clearance,
        };
        for (i, p) in polys.iter().enumerate() {
            if i != j
                && p.windows(2)
                    .any(|s| matches!(s, [a, b] if segment_meets_rect(*a, *b, &grown)))
            {
                out.push((i, j));
            }
        }
    }
    out
}

/// Whether segment `a b` has a point strictly inside `r`.
#[cfg(test)]
fn segment_meets_rect(a: (f64, f64), b: (f64, f64), r: &Rect) -> bool {
    // Liang-Barsky clipping against the open rectangle.
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t0: f64 = 0.0;
    let mut t1: f64 = 1.0;
    for (p, q) in [
        (-dx, a.0 - r.x),
        (dx, r.right() - a.0),
        (-dy, a.1 - r.y),
        (dy, r.bottom() - a.1),
    ] {
        if p.abs() < 1e-12 {
            if q <= 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t1 - t0 > 1e-9
}

/// An edge's path as points, each cubic curve cut into straight pieces.
fn flatten(path: &[Seg]) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = Vec::new();
    let mut at = (0.0, 0.0);
    for s in path {
        match *s {
            Seg::Move(x, y) => {
                at = (x, y);
                pts.push(at);
            }
            Seg::Line(x, y) => {
                at = (x, y);
                pts.push(at);
            }
            Seg::Curve(c1x, c1y, c2x, c2y, x, y) => {
                const STEPS: usize = 16;
                for k in 1..=STEPS {
                    let t = k as f64 / STEPS as f64;
                    let u = 1.0 - t;
                    let px = u * u * u * at.0
                        + 3.0 * u * u * t * c1x
                        + 3.0 * u * t * t * c2x
                        + t * t * t * x;
                    let py = u * u * u * at.1
                        + 3.0 * u * u * t * c1y
                        + 3.0 * u * t * t * c2y
                        + t * t * t * y;
                    pts.push((px, py));
                }
                at = (x, y);
            }
        }
    }
    pts
}

/// Where segments `a0 a1` and `b0 b1` cross, strictly inside both (touching at an end,
/// as edges do at a shared port, is not a crossing).
fn proper_intersection(
    a0: (f64, f64),
    a1: (f64, f64),
    b0: (f64, f64),
    b1: (f64, f64),
) -> Option<(f64, f64)> {
    let (dx, dy) = (a1.0 - a0.0, a1.1 - a0.1);
    let (ex, ey) = (b1.0 - b0.0, b1.1 - b0.1);
    let den = dx * ey - dy * ex;
    if den.abs() < 1e-12 {
        return None;
    }
    let t = ((b0.0 - a0.0) * ey - (b0.1 - a0.1) * ex) / den;
    let u = ((b0.0 - a0.0) * dy - (b0.1 - a0.1) * dx) / den;
    const E: f64 = 1e-6;
    if t > E && t < 1.0 - E && u > E && u < 1.0 - E {
        Some((a0.0 + t * dx, a0.1 + t * dy))
    } else {
        None
    }
}
