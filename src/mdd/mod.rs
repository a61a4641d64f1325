//! A reduced, ordered, hash-consed multi-valued decision diagram (MDD) engine.
//!
//! The engine knows nothing about policies. It has `n` variables, one per *level*
//! (level 0 is tested first); variable `l` takes the values `0..size(l)`. A node tests
//! one level and has a sorted list of [`Edge`]s: edge `k` covers the values from the
//! previous edge's `end` (0 for the first) up to but excluding its own `end`, and the last
//! edge ends at the domain size. So an integer comparison such as `x <= 17` is a node
//! with two edges, whatever the range of `x`.
//!
//! Canonical form (the invariants every constructor keeps):
//! - adjacent edges never lead to the same child (they are merged);
//! - a node whose edges all lead to one child does not exist (it is that child);
//! - a child always tests a deeper level than its parent;
//! - structurally equal nodes are one node (the unique table).
//!
//! With these, two diagrams over the same order denote the same function exactly when
//! they are the same [`NodeId`], which makes equality and satisfiability checks free.
//!
//! Terminals are small integers tagged in the id. Boolean diagrams use terminal 0 for
//! false and 1 for true ([`FALSE`], [`TRUE`]); multi-terminal diagrams use terminal `k` as
//! an index into a leaf table the caller keeps.
//!
//! Recursion in every operation goes one level deeper per call, so its depth is bounded by
//! the number of variables. The number of nodes is bounded by [`Mdd::max_nodes`]; an
//! operation that would pass it returns [`MddError::TooLarge`] instead of exhausting memory.

mod avoid;
pub(crate) use avoid::{Choose, Exhausted, Leads};
pub mod hash;

use hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// A node or a terminal of an [`Mdd`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

const TERM_BIT: u32 = 1 << 31;

impl NodeId {
    /// The terminal with value `k` (`k < 2^31`).
    pub const fn terminal(k: u32) -> NodeId {
        NodeId(k | TERM_BIT)
    }

    pub fn is_terminal(self) -> bool {
        self.0 & TERM_BIT != 0
    }

    /// The terminal's value, `None` for an inner node.
    pub fn terminal_value(self) -> Option<u32> {
        if self.is_terminal() {
            Some(self.0 & !TERM_BIT)
        } else {
            None
        }
    }

    /// A stable number for the node, for export and debugging.
    pub fn raw(self) -> u32 {
        self.0
    }
}

pub const FALSE: NodeId = NodeId::terminal(0);
pub const TRUE: NodeId = NodeId::terminal(1);

/// One outgoing edge: the values from the previous edge's end up to `end` (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    pub end: u32,
    pub child: NodeId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MddError {
    /// The diagram would need more than `max_nodes` nodes.
    TooLarge { max_nodes: usize },
    /// A work budget (`what`) ran out before the construction finished.
    Budget { what: &'static str },
    /// A node passed to [`Mdd::mk`] breaks the edge-list rules.
    Malformed,
}

impl std::fmt::Display for MddError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MddError::TooLarge { max_nodes } => {
                write!(
                    f,
                    "the decision diagram would need more than {max_nodes} nodes"
                )
            }
            MddError::Budget { what } => write!(f, "the work budget for {what} ran out"),
            MddError::Malformed => write!(f, "malformed decision diagram node"),
        }
    }
}

impl std::error::Error for MddError {}

pub type Result<T> = std::result::Result<T, MddError>;

/// The default bound on the number of inner nodes (docs/language.md "Limits").
pub const DEFAULT_MAX_NODES: usize = 2_000_000;

#[derive(Clone, Copy, Debug)]
struct NodeData {
    level: u32,
    start: u32,
    len: u32,
}

#[derive(Clone, Copy, Default)]
struct CacheEntry {
    op: u32,
    a: u32,
    b: u32,
    c: u32,
    result: u32,
}

/// Binary operations on boolean diagrams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoolOp {
    And,
    Or,
    Xor,
    /// `a implies b`.
    Implies,
    /// `a and not b`.
    Diff,
    /// `a == b`.
    Iff,
}

impl BoolOp {
    fn id(self) -> u32 {
        match self {
            BoolOp::And => 1,
            BoolOp::Or => 2,
            BoolOp::Xor => 3,
            BoolOp::Implies => 4,
            BoolOp::Diff => 5,
            BoolOp::Iff => 6,
        }
    }

    fn eval(self, a: bool, b: bool) -> bool {
        match self {
            BoolOp::And => a && b,
            BoolOp::Or => a || b,
            BoolOp::Xor => a != b,
            BoolOp::Implies => !a || b,
            BoolOp::Diff => a && !b,
            BoolOp::Iff => a == b,
        }
    }
}

const OP_ITE: u32 = 10;
const OP_NOT: u32 = 11;
const OP_INTERSECTS: u32 = 12;
/// Ids from here on are handed out per call to operations whose terminal function the
/// caller supplies, so cached results of one call never answer another.
const FIRST_CUSTOM_OP: u32 = 100;

/// A set of values of one variable, as sorted disjoint inclusive ranges.
pub type ValueRanges = Vec<(u32, u32)>;

/// One path of a diagram: per level, `None` when the path does not test that level
/// (any value), else the values that follow the path.
pub type Cube = Vec<Option<ValueRanges>>;

/// The diagram store: every node of every diagram built with it. A clone is an
/// independent store with the same nodes under the same ids.
#[derive(Clone)]
pub struct Mdd {
    sizes: Vec<u32>,
    nodes: Vec<NodeData>,
    edges: Vec<Edge>,
    /// Open-addressing unique table of inner node indices; `u32::MAX` is empty.
    table: Vec<u32>,
    cache: Vec<CacheEntry>,
    max_nodes: usize,
    next_op: u32,
    scratch: Vec<Edge>,
}

const EMPTY_SLOT: u32 = u32::MAX;

/// A finaliser for table indices: the multiplicative hash leaves its low bits weak, and
/// the tables index by low bits (splitmix64's mixer).
#[inline]
fn mix(mut h: u64) -> u64 {
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

impl Mdd {
    /// A store for variables with these domain sizes (level `l` has `sizes[l]` values,
    /// each at least 1).
    pub fn new(sizes: Vec<u32>) -> Mdd {
        let sizes = sizes.into_iter().map(|s| s.max(1)).collect();
        Mdd {
            sizes,
            nodes: Vec::new(),
            edges: Vec::new(),
            table: vec![EMPTY_SLOT; 1 << 12],
            cache: vec![CacheEntry::default(); 1 << 14],
            max_nodes: DEFAULT_MAX_NODES,
            next_op: FIRST_CUSTOM_OP,
            scratch: Vec::new(),
        }
    }

    pub fn with_max_nodes(mut self, max_nodes: usize) -> Mdd {
        self.max_nodes = max_nodes;
        self
    }

    /// Changes the node limit; nodes past it are kept, but no more are made.
    pub fn set_max_nodes(&mut self, max_nodes: usize) {
        self.max_nodes = max_nodes;
    }

    pub fn max_nodes(&self) -> usize {
        self.max_nodes
    }

    pub fn num_levels(&self) -> usize {
        self.sizes.len()
    }

    /// The number of values of a level (0 for a level that does not exist).
    pub fn size(&self, level: usize) -> u32 {
        self.sizes.get(level).copied().unwrap_or(0)
    }

    /// Inner nodes created so far (over all diagrams in this store).
    pub fn total_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// The level a node tests; `u32::MAX` for a terminal.
    pub fn level(&self, n: NodeId) -> u32 {
        if n.is_terminal() {
            u32::MAX
        } else {
            self.nodes
                .get(n.0 as usize)
                .map(|d| d.level)
                .unwrap_or(u32::MAX)
        }
    }

    /// A node's level and edges; `None` for a terminal.
    pub fn node(&self, n: NodeId) -> Option<(usize, &[Edge])> {
        if n.is_terminal() {
            return None;
        }
        let d = self.nodes.get(n.0 as usize)?;
        let edges = self
            .edges
            .get(d.start as usize..(d.start + d.len) as usize)?;
        Some((d.level as usize, edges))
    }

    fn edges_of(&self, n: NodeId) -> &[Edge] {
        self.node(n).map(|(_, e)| e).unwrap_or(&[])
    }

    /// Number of edges of `n` when viewed as a node at `level` (a node deeper than
    /// `level`, or a terminal, does not test it and has one edge covering every value).
    #[inline]
    fn n_edges_at(&self, n: NodeId, level: u32) -> usize {
        if self.level(n) == level {
            self.nodes
                .get(n.0 as usize)
                .map(|d| d.len as usize)
                .unwrap_or(1)
        } else {
            1
        }
    }

    #[inline]
    fn edge_at(&self, n: NodeId, level: u32, i: usize) -> Edge {
        if self.level(n) == level {
            if let Some(d) = self.nodes.get(n.0 as usize) {
                if let Some(e) = self.edges.get(d.start as usize + i) {
                    return *e;
                }
            }
        }
        Edge {
            end: self.size(level as usize),
            child: n,
        }
    }

    fn fresh_op(&mut self) -> u32 {
        if self.next_op == u32::MAX {
            // Ids are about to repeat: forget every cached result so none is misread.
            self.cache
                .iter_mut()
                .for_each(|e| *e = CacheEntry::default());
            self.next_op = FIRST_CUSTOM_OP;
        }
        let op = self.next_op;
        self.next_op += 1;
        op
    }

    /// Garbage collection: keeps only the nodes reachable from `roots` (renumbered,
    /// `roots` updated in place) and forgets every cached result. Used after an
    /// operation passed the node limit, so later, smaller work still has room.
    pub fn compact(&mut self, roots: &mut [NodeId]) -> Result<()> {
        let mut fresh = Mdd::new(self.sizes.clone()).with_max_nodes(self.max_nodes);
        fresh.next_op = self.next_op;
        let mut map: FxHashMap<NodeId, NodeId> = FxHashMap::default();
        // Reachable nodes, deepest level first, so children are copied before parents.
        let mut all: Vec<NodeId> = Vec::new();
        let mut seen = hash::FxHashSet::default();
        let mut stack: Vec<NodeId> = roots.to_vec();
        while let Some(n) = stack.pop() {
            if n.is_terminal() || !seen.insert(n) {
                continue;
            }
            all.push(n);
            stack.extend(self.edges_of(n).iter().map(|e| e.child));
        }
        all.sort_by_key(|&n| std::cmp::Reverse(self.level(n)));
        let mut edges: Vec<Edge> = Vec::new();
        for n in all {
            let Some((level, old)) = self.node(n) else {
                continue;
            };
            edges.clear();
            edges.extend(old.iter().map(|e| Edge {
                end: e.end,
                child: if e.child.is_terminal() {
                    e.child
                } else {
                    map.get(&e.child).copied().unwrap_or(e.child)
                },
            }));
            let m = fresh.mk(level, &edges)?;
            map.insert(n, m);
        }
        for r in roots.iter_mut() {
            if !r.is_terminal() {
                *r = map.get(r).copied().unwrap_or(*r);
            }
        }
        *self = fresh;
        Ok(())
    }

    // ---------------------------------------------------------------- unique table

    fn hash_node(level: u32, edges: &[Edge]) -> u64 {
        let mut h = FxHasher::default();
        h.write_u32(level);
        for e in edges {
            h.write_u64((u64::from(e.end) << 32) | u64::from(e.child.0));
        }
        mix(h.finish())
    }

    fn lookup_or_insert(&mut self, level: u32, start: usize) -> Result<NodeId> {
        let edges_len = self.scratch.len() - start;
        let hash = {
            let edges = self.scratch.get(start..).unwrap_or(&[]);
            Self::hash_node(level, edges)
        };
        let mask = self.table.len() - 1;
        let mut slot = (hash as usize) & mask;
        loop {
            let id = self.table.get(slot).copied().unwrap_or(EMPTY_SLOT);
            if id == EMPTY_SLOT {
                break;
            }
            if let Some(d) = self.nodes.get(id as usize) {
                if d.level == level && d.len as usize == edges_len {
                    let stored = self.edges.get(d.start as usize..(d.start + d.len) as usize);
                    if stored == self.scratch.get(start..) {
                        return Ok(NodeId(id));
                    }
                }
            }
            slot = (slot + 1) & mask;
        }
        if self.nodes.len() >= self.max_nodes || self.nodes.len() >= (TERM_BIT - 1) as usize {
            return Err(MddError::TooLarge {
                max_nodes: self.max_nodes,
            });
        }
        let id = self.nodes.len() as u32;
        let e_start = self.edges.len() as u32;
        self.edges
            .extend_from_slice(self.scratch.get(start..).unwrap_or(&[]));
        self.nodes.push(NodeData {
            level,
            start: e_start,
            len: edges_len as u32,
        });
        if let Some(s) = self.table.get_mut(slot) {
            *s = id;
        }
        if self.nodes.len() * 2 > self.table.len() {
            self.grow_table();
        }
        Ok(NodeId(id))
    }

    fn grow_table(&mut self) {
        let new_len = self.table.len() * 2;
        let mut table = vec![EMPTY_SLOT; new_len];
        let mask = new_len - 1;
        for (id, d) in self.nodes.iter().enumerate() {
            let edges = self
                .edges
                .get(d.start as usize..(d.start + d.len) as usize)
                .unwrap_or(&[]);
            let mut slot = (Self::hash_node(d.level, edges) as usize) & mask;
            while table.get(slot).copied().unwrap_or(EMPTY_SLOT) != EMPTY_SLOT {
                slot = (slot + 1) & mask;
            }
            if let Some(s) = table.get_mut(slot) {
                *s = id as u32;
            }
        }
        self.table = table;
        // The computed table grows with the diagram so hit rates stay useful.
        if self.cache.len() < (1 << 22) && self.cache.len() < self.nodes.len() * 2 {
            let mut cache = vec![CacheEntry::default(); self.cache.len() * 4];
            std::mem::swap(&mut cache, &mut self.cache);
            // Old entries are simply dropped: the cache is lossy by design.
        }
    }

    /// Reduces the edges `scratch[start..]` at `level` into a node and pops them.
    fn mk_scratch(&mut self, level: u32, start: usize) -> Result<NodeId> {
        // Merge adjacent edges with equal children (keeping the later end).
        let mut w = start;
        let len = self.scratch.len();
        for r in start..len {
            let Some(e) = self.scratch.get(r).copied() else {
                break;
            };
            if w > start {
                if let Some(prev) = self.scratch.get_mut(w - 1) {
                    if prev.child == e.child {
                        prev.end = e.end;
                        continue;
                    }
                }
            }
            if let Some(slot) = self.scratch.get_mut(w) {
                *slot = e;
            }
            w += 1;
        }
        self.scratch.truncate(w);
        let result = if w == start + 1 {
            Ok(self.scratch.get(start).map(|e| e.child).unwrap_or(FALSE))
        } else {
            self.lookup_or_insert(level, start)
        };
        self.scratch.truncate(start);
        result
    }

    /// Makes (or finds) the node at `level` with these edges, reduced. The edges must
    /// have strictly increasing ends, the last equal to the level's size, and children
    /// deeper than `level`.
    pub fn mk(&mut self, level: usize, edges: &[Edge]) -> Result<NodeId> {
        let size = self.size(level);
        if level >= self.num_levels() || edges.is_empty() {
            return Err(MddError::Malformed);
        }
        let mut prev = 0;
        for e in edges {
            if e.end <= prev || (self.level(e.child) as usize) <= level {
                return Err(MddError::Malformed);
            }
            prev = e.end;
        }
        if prev != size {
            return Err(MddError::Malformed);
        }
        let start = self.scratch.len();
        self.scratch.extend_from_slice(edges);
        self.mk_scratch(level as u32, start)
    }

    /// The boolean diagram "level's value is in `lo..hi`" (half-open).
    pub fn range(&mut self, level: usize, lo: u32, hi: u32) -> Result<NodeId> {
        let size = self.size(level);
        let hi = hi.min(size);
        if lo >= hi {
            return Ok(FALSE);
        }
        let mut edges = Vec::with_capacity(3);
        if lo > 0 {
            edges.push(Edge {
                end: lo,
                child: FALSE,
            });
        }
        edges.push(Edge {
            end: hi,
            child: TRUE,
        });
        if hi < size {
            edges.push(Edge {
                end: size,
                child: FALSE,
            });
        }
        self.mk(level, &edges)
    }

    /// The boolean diagram "level's value is one of `values`".
    pub fn value_set(&mut self, level: usize, values: &[u32]) -> Result<NodeId> {
        let size = self.size(level);
        let mut member = vec![false; size as usize];
        for &v in values {
            if let Some(m) = member.get_mut(v as usize) {
                *m = true;
            }
        }
        let mut edges: Vec<Edge> = Vec::new();
        for (v, &m) in member.iter().enumerate() {
            let child = if m { TRUE } else { FALSE };
            match edges.last_mut() {
                Some(last) if last.child == child => last.end = v as u32 + 1,
                _ => edges.push(Edge {
                    end: v as u32 + 1,
                    child,
                }),
            }
        }
        if level >= self.num_levels() {
            return Err(MddError::Malformed);
        }
        self.mk(level, &edges)
    }

    // ---------------------------------------------------------------- computed table

    #[inline]
    fn cache_slot(&self, op: u32, a: u32, b: u32, c: u32) -> usize {
        let mut h = FxHasher::default();
        h.write_u32(op);
        h.write_u32(a);
        h.write_u32(b);
        h.write_u32(c);
        (mix(h.finish()) as usize) & (self.cache.len() - 1)
    }

    #[inline]
    fn cache_get(&self, op: u32, a: NodeId, b: NodeId, c: NodeId) -> Option<NodeId> {
        let slot = self.cache_slot(op, a.0, b.0, c.0);
        let e = self.cache.get(slot)?;
        if e.op == op && e.a == a.0 && e.b == b.0 && e.c == c.0 {
            Some(NodeId(e.result))
        } else {
            None
        }
    }

    #[inline]
    fn cache_put(&mut self, op: u32, a: NodeId, b: NodeId, c: NodeId, r: NodeId) {
        let slot = self.cache_slot(op, a.0, b.0, c.0);
        if let Some(e) = self.cache.get_mut(slot) {
            *e = CacheEntry {
                op,
                a: a.0,
                b: b.0,
                c: c.0,
                result: r.0,
            };
        }
    }

    // ---------------------------------------------------------------- apply

    /// The generic binary apply. `term` answers a pair directly when it can (both
    /// terminals, or a shortcut such as `false and x`); otherwise both are split on the
    /// topmost level they test.
    fn apply_rec<F>(&mut self, op: u32, a: NodeId, b: NodeId, term: &mut F) -> Result<NodeId>
    where
        F: FnMut(NodeId, NodeId) -> Option<NodeId>,
    {
        if let Some(r) = term(a, b) {
            return Ok(r);
        }
        if let Some(r) = self.cache_get(op, a, b, FALSE) {
            return Ok(r);
        }
        let level = self.level(a).min(self.level(b));
        if level == u32::MAX {
            // Both terminals and `term` gave no answer: a caller bug; answer false
            // rather than loop.
            return Err(MddError::Malformed);
        }
        let (na, nb) = (self.n_edges_at(a, level), self.n_edges_at(b, level));
        let start = self.scratch.len();
        let (mut i, mut j) = (0, 0);
        while i < na && j < nb {
            let ea = self.edge_at(a, level, i);
            let eb = self.edge_at(b, level, j);
            let child = match self.apply_rec(op, ea.child, eb.child, term) {
                Ok(c) => c,
                Err(e) => {
                    self.scratch.truncate(start);
                    return Err(e);
                }
            };
            let end = ea.end.min(eb.end);
            self.scratch.push(Edge { end, child });
            if ea.end == end {
                i += 1;
            }
            if eb.end == end {
                j += 1;
            }
        }
        let r = self.mk_scratch(level, start)?;
        self.cache_put(op, a, b, FALSE, r);
        Ok(r)
    }

    /// A boolean operation on two boolean diagrams.
    pub fn apply(&mut self, op: BoolOp, a: NodeId, b: NodeId) -> Result<NodeId> {
        let mut term = |a: NodeId, b: NodeId| -> Option<NodeId> {
            if let (Some(x), Some(y)) = (a.terminal_value(), b.terminal_value()) {
                return Some(if op.eval(x != 0, y != 0) { TRUE } else { FALSE });
            }
            match op {
                BoolOp::And => {
                    if a == FALSE || b == FALSE {
                        Some(FALSE)
                    } else if a == TRUE || a == b {
                        Some(b)
                    } else if b == TRUE {
                        Some(a)
                    } else {
                        None
                    }
                }
                BoolOp::Or => {
                    if a == TRUE || b == TRUE {
                        Some(TRUE)
                    } else if a == FALSE || a == b {
                        Some(b)
                    } else if b == FALSE {
                        Some(a)
                    } else {
                        None
                    }
                }
                BoolOp::Diff => {
                    if a == FALSE || b == TRUE || a == b {
                        Some(FALSE)
                    } else if b == FALSE {
                        Some(a)
                    } else {
                        None
                    }
                }
                BoolOp::Implies => {
                    if a == FALSE || b == TRUE || a == b {
                        Some(TRUE)
                    } else if a == TRUE {
                        Some(b)
                    } else {
                        None
                    }
                }
                BoolOp::Xor => {
                    if a == b {
                        Some(FALSE)
                    } else if a == FALSE {
                        Some(b)
                    } else if b == FALSE {
                        Some(a)
                    } else {
                        None
                    }
                }
                BoolOp::Iff => {
                    if a == b {
                        Some(TRUE)
                    } else if a == TRUE {
                        Some(b)
                    } else if b == TRUE {
                        Some(a)
                    } else {
                        None
                    }
                }
            }
        };
        // Commutative operations share cache entries whichever way round they are asked.
        let (a, b) = match op {
            BoolOp::And | BoolOp::Or | BoolOp::Xor | BoolOp::Iff if b < a => (b, a),
            _ => (a, b),
        };
        self.apply_rec(op.id(), a, b, &mut term)
    }

    pub fn and(&mut self, a: NodeId, b: NodeId) -> Result<NodeId> {
        self.apply(BoolOp::And, a, b)
    }

    pub fn or(&mut self, a: NodeId, b: NodeId) -> Result<NodeId> {
        self.apply(BoolOp::Or, a, b)
    }

    pub fn diff(&mut self, a: NodeId, b: NodeId) -> Result<NodeId> {
        self.apply(BoolOp::Diff, a, b)
    }

    pub fn not(&mut self, a: NodeId) -> Result<NodeId> {
        self.map_rec(OP_NOT, a, &mut |t| if t == 0 { 1 } else { 0 })
    }

    /// Conjunction of many diagrams (true for none).
    pub fn and_all(&mut self, xs: &[NodeId]) -> Result<NodeId> {
        let mut acc = TRUE;
        for &x in xs {
            acc = self.and(acc, x)?;
            if acc == FALSE {
                break;
            }
        }
        Ok(acc)
    }

    /// Disjunction of many diagrams (false for none), combined pairwise as a balanced
    /// tree so intermediate results stay small.
    pub fn or_all(&mut self, xs: &[NodeId]) -> Result<NodeId> {
        let mut layer: Vec<NodeId> = xs.to_vec();
        if layer.is_empty() {
            return Ok(FALSE);
        }
        while layer.len() > 1 {
            let mut next = Vec::with_capacity(layer.len().div_ceil(2));
            for pair in layer.chunks(2) {
                match pair {
                    [a, b] => next.push(self.or(*a, *b)?),
                    [a] => next.push(*a),
                    _ => {}
                }
            }
            layer = next;
        }
        Ok(layer.first().copied().unwrap_or(FALSE))
    }

    /// A binary operation on multi-terminal diagrams: `f(x, y)` gives the terminal of
    /// the result where `a` reaches terminal `x` and `b` terminal `y`.
    pub fn apply_terminals<F>(&mut self, a: NodeId, b: NodeId, mut f: F) -> Result<NodeId>
    where
        F: FnMut(u32, u32) -> u32,
    {
        let op = self.fresh_op();
        let mut term = |a: NodeId, b: NodeId| match (a.terminal_value(), b.terminal_value()) {
            (Some(x), Some(y)) => Some(NodeId::terminal(f(x, y))),
            _ => None,
        };
        self.apply_rec(op, a, b, &mut term)
    }

    /// Replaces every terminal `t` of `a` by `f(t)`.
    pub fn map_terminals<F>(&mut self, a: NodeId, mut f: F) -> Result<NodeId>
    where
        F: FnMut(u32) -> u32,
    {
        let op = self.fresh_op();
        self.map_rec(op, a, &mut f)
    }

    fn map_rec<F>(&mut self, op: u32, a: NodeId, f: &mut F) -> Result<NodeId>
    where
        F: FnMut(u32) -> u32,
    {
        if let Some(t) = a.terminal_value() {
            return Ok(NodeId::terminal(f(t)));
        }
        if let Some(r) = self.cache_get(op, a, FALSE, FALSE) {
            return Ok(r);
        }
        let level = self.level(a);
        let n = self.n_edges_at(a, level);
        let start = self.scratch.len();
        for i in 0..n {
            let e = self.edge_at(a, level, i);
            let child = match self.map_rec(op, e.child, f) {
                Ok(c) => c,
                Err(err) => {
                    self.scratch.truncate(start);
                    return Err(err);
                }
            };
            self.scratch.push(Edge { end: e.end, child });
        }
        let r = self.mk_scratch(level, start)?;
        self.cache_put(op, a, FALSE, FALSE, r);
        Ok(r)
    }

    /// If-then-else: `c` is boolean, `t` and `e` may be multi-terminal.
    pub fn ite(&mut self, c: NodeId, t: NodeId, e: NodeId) -> Result<NodeId> {
        if c == TRUE || t == e {
            return Ok(t);
        }
        if c == FALSE {
            return Ok(e);
        }
        if t == TRUE && e == FALSE {
            return Ok(c);
        }
        if let Some(r) = self.cache_get(OP_ITE, c, t, e) {
            return Ok(r);
        }
        let level = self.level(c).min(self.level(t)).min(self.level(e));
        let (nc, nt, ne) = (
            self.n_edges_at(c, level),
            self.n_edges_at(t, level),
            self.n_edges_at(e, level),
        );
        let start = self.scratch.len();
        let (mut i, mut j, mut k) = (0, 0, 0);
        while i < nc && j < nt && k < ne {
            let ec = self.edge_at(c, level, i);
            let et = self.edge_at(t, level, j);
            let ee = self.edge_at(e, level, k);
            let child = match self.ite(ec.child, et.child, ee.child) {
                Ok(x) => x,
                Err(err) => {
                    self.scratch.truncate(start);
                    return Err(err);
                }
            };
            let end = ec.end.min(et.end).min(ee.end);
            self.scratch.push(Edge { end, child });
            if ec.end == end {
                i += 1;
            }
            if et.end == end {
                j += 1;
            }
            if ee.end == end {
                k += 1;
            }
        }
        let r = self.mk_scratch(level, start)?;
        self.cache_put(OP_ITE, c, t, e, r);
        Ok(r)
    }

    /// Whether two boolean diagrams share a satisfying assignment (without building
    /// their conjunction).
    pub fn intersects(&mut self, a: NodeId, b: NodeId) -> bool {
        if a == FALSE || b == FALSE {
            return false;
        }
        if a == TRUE || b == TRUE || a == b {
            return true;
        }
        let (a, b) = if b < a { (b, a) } else { (a, b) };
        if let Some(r) = self.cache_get(OP_INTERSECTS, a, b, FALSE) {
            return r == TRUE;
        }
        let level = self.level(a).min(self.level(b));
        let (na, nb) = (self.n_edges_at(a, level), self.n_edges_at(b, level));
        let (mut i, mut j) = (0, 0);
        let mut found = false;
        while i < na && j < nb {
            let ea = self.edge_at(a, level, i);
            let eb = self.edge_at(b, level, j);
            if self.intersects(ea.child, eb.child) {
                found = true;
                break;
            }
            let end = ea.end.min(eb.end);
            if ea.end == end {
                i += 1;
            }
            if eb.end == end {
                j += 1;
            }
        }
        self.cache_put(OP_INTERSECTS, a, b, FALSE, if found { TRUE } else { FALSE });
        found
    }

    // ---------------------------------------------------------------- cofactors, quantifiers

    /// Fixes some levels to values: `assign[l] = Some(v)` replaces level `l` by `v`.
    pub fn restrict(&mut self, f: NodeId, assign: &[Option<u32>]) -> Result<NodeId> {
        let mut memo = FxHashMap::default();
        self.restrict_rec(f, assign, &mut memo)
    }

    fn restrict_rec(
        &mut self,
        f: NodeId,
        assign: &[Option<u32>],
        memo: &mut FxHashMap<NodeId, NodeId>,
    ) -> Result<NodeId> {
        if f.is_terminal() {
            return Ok(f);
        }
        if let Some(r) = memo.get(&f) {
            return Ok(*r);
        }
        let level = self.level(f);
        let n = self.n_edges_at(f, level);
        let r = if let Some(Some(v)) = assign.get(level as usize) {
            let mut child = FALSE;
            for i in 0..n {
                let e = self.edge_at(f, level, i);
                if *v < e.end {
                    child = e.child;
                    break;
                }
            }
            self.restrict_rec(child, assign, memo)?
        } else {
            let mut children = Vec::with_capacity(n);
            for i in 0..n {
                let e = self.edge_at(f, level, i);
                children.push(Edge {
                    end: e.end,
                    child: self.restrict_rec(e.child, assign, memo)?,
                });
            }
            let start = self.scratch.len();
            self.scratch.extend_from_slice(&children);
            self.mk_scratch(level, start)?
        };
        memo.insert(f, r);
        Ok(r)
    }

    /// Existential quantification of a boolean diagram over the levels with
    /// `levels[l] == true`.
    pub fn exists(&mut self, f: NodeId, levels: &[bool]) -> Result<NodeId> {
        let mut memo = FxHashMap::default();
        self.quant_rec(f, levels, BoolOp::Or, &mut memo)
    }

    /// Universal quantification of a boolean diagram over the marked levels.
    pub fn forall(&mut self, f: NodeId, levels: &[bool]) -> Result<NodeId> {
        let mut memo = FxHashMap::default();
        self.quant_rec(f, levels, BoolOp::And, &mut memo)
    }

    fn quant_rec(
        &mut self,
        f: NodeId,
        levels: &[bool],
        op: BoolOp,
        memo: &mut FxHashMap<NodeId, NodeId>,
    ) -> Result<NodeId> {
        if f.is_terminal() {
            return Ok(f);
        }
        if let Some(r) = memo.get(&f) {
            return Ok(*r);
        }
        let level = self.level(f);
        let n = self.n_edges_at(f, level);
        let mut children = Vec::with_capacity(n);
        for i in 0..n {
            let e = self.edge_at(f, level, i);
            children.push(Edge {
                end: e.end,
                child: self.quant_rec(e.child, levels, op, memo)?,
            });
        }
        let r = if levels.get(level as usize).copied().unwrap_or(false) {
            let mut acc = if op == BoolOp::Or { FALSE } else { TRUE };
            for c in children {
                acc = self.apply(op, acc, c.child)?;
            }
            acc
        } else {
            let start = self.scratch.len();
            self.scratch.extend_from_slice(&children);
            self.mk_scratch(level, start)?
        };
        memo.insert(f, r);
        Ok(r)
    }

    /// Simplifies `f` using `care` (boolean) as a don't-care set: the result agrees with
    /// `f` wherever `care` holds and is chosen elsewhere to make it small (the
    /// Coudert–Madre "restrict" heuristic, on intervals). Used to describe a region
    /// relative to the valid incidents, without repeating the scope and assumptions.
    pub fn simplify(&mut self, f: NodeId, care: NodeId) -> Result<NodeId> {
        if care == FALSE {
            return Ok(f);
        }
        let mut memo = FxHashMap::default();
        let r = self.simplify_rec(f, care, &mut memo)?;
        // The heuristic can grow a diagram; then the original is the better description.
        if self.count_nodes(r) > self.count_nodes(f) {
            Ok(f)
        } else {
            Ok(r)
        }
    }

    fn simplify_rec(
        &mut self,
        f: NodeId,
        care: NodeId,
        memo: &mut FxHashMap<(NodeId, NodeId), NodeId>,
    ) -> Result<NodeId> {
        if care == TRUE || f.is_terminal() {
            return Ok(f);
        }
        if let Some(r) = memo.get(&(f, care)) {
            return Ok(*r);
        }
        let (lf, lc) = (self.level(f), self.level(care));
        let r = if lc < lf {
            // `f` does not test the care set's top level: any value of it will do.
            let nc = self.n_edges_at(care, lc);
            let mut any = FALSE;
            for i in 0..nc {
                let e = self.edge_at(care, lc, i);
                any = self.or(any, e.child)?;
            }
            self.simplify_rec(f, any, memo)?
        } else {
            let (nf, nc) = (self.n_edges_at(f, lf), self.n_edges_at(care, lf));
            let mut pieces: Vec<(u32, Option<NodeId>)> = Vec::new();
            let (mut i, mut j) = (0, 0);
            while i < nf && j < nc {
                let ef = self.edge_at(f, lf, i);
                let ec = self.edge_at(care, lf, j);
                let end = ef.end.min(ec.end);
                let child = if ec.child == FALSE {
                    None
                } else {
                    Some(self.simplify_rec(ef.child, ec.child, memo)?)
                };
                pieces.push((end, child));
                if ef.end == end {
                    i += 1;
                }
                if ec.end == end {
                    j += 1;
                }
            }
            // Don't-care pieces take a neighbour's child so they merge away.
            let first = pieces.iter().find_map(|p| p.1).unwrap_or(FALSE);
            let mut last = first;
            let start = self.scratch.len();
            for (end, child) in pieces {
                let c = child.unwrap_or(last);
                last = c;
                self.scratch.push(Edge { end, child: c });
            }
            self.mk_scratch(lf, start)?
        };
        memo.insert((f, care), r);
        Ok(r)
    }

    // ---------------------------------------------------------------- inspection

    /// Evaluates a diagram on a complete assignment (one value per level): the terminal
    /// reached.
    pub fn eval(&self, mut f: NodeId, values: &[u32]) -> u32 {
        loop {
            if let Some(t) = f.terminal_value() {
                return t;
            }
            let Some((level, edges)) = self.node(f) else {
                return 0;
            };
            let v = values.get(level).copied().unwrap_or(0);
            let i = edges.partition_point(|e| e.end <= v);
            f = match edges.get(i) {
                Some(e) => e.child,
                None => return 0,
            };
        }
    }

    /// The terminals reachable from `f`, sorted.
    pub fn terminals(&self, f: NodeId) -> Vec<u32> {
        let mut seen = hash::FxHashSet::default();
        let mut out = Vec::new();
        let mut stack = vec![f];
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(t) = n.terminal_value() {
                out.push(t);
                continue;
            }
            for e in self.edges_of(n) {
                stack.push(e.child);
            }
        }
        out.sort_unstable();
        out
    }

    /// The inner nodes reachable from `f` (each once), parents before children.
    pub fn nodes_of(&self, f: NodeId) -> Vec<NodeId> {
        let mut seen = hash::FxHashSet::default();
        let mut out = Vec::new();
        let mut stack = vec![f];
        while let Some(n) = stack.pop() {
            if n.is_terminal() || !seen.insert(n) {
                continue;
            }
            out.push(n);
            for e in self.edges_of(n) {
                stack.push(e.child);
            }
        }
        // Children test deeper levels than parents, so sorting by level is a
        // topological order.
        out.sort_by_key(|&n| (self.level(n), n));
        out
    }

    /// Number of inner nodes of the diagram `f`.
    pub fn count_nodes(&self, f: NodeId) -> usize {
        self.nodes_of(f).len()
    }

    /// Which levels `f` tests (its support).
    pub fn support(&self, f: NodeId) -> Vec<bool> {
        let mut out = vec![false; self.num_levels()];
        for n in self.nodes_of(f) {
            if let Some(s) = out.get_mut(self.level(n) as usize) {
                *s = true;
            }
        }
        out
    }

    fn levels_product(&self, from: u32, to: u32) -> u128 {
        let to = to.min(self.num_levels() as u32);
        let mut p: u128 = 1;
        for l in from..to {
            p = p.saturating_mul(u128::from(self.size(l as usize)));
        }
        p
    }

    /// The number of complete assignments (over every level) that reach a terminal
    /// accepted by `pred`, saturating at `u128::MAX`.
    pub fn count<P: Fn(u32) -> bool>(&self, f: NodeId, pred: P) -> u128 {
        let mut memo: FxHashMap<NodeId, u128> = FxHashMap::default();
        let below = self.count_rec(f, &pred, &mut memo);
        let top = if f.is_terminal() {
            self.num_levels() as u32
        } else {
            self.level(f)
        };
        below.saturating_mul(self.levels_product(0, top))
    }

    /// Assignments of the levels from `level(f)` down that reach an accepted terminal.
    fn count_rec<P: Fn(u32) -> bool>(
        &self,
        f: NodeId,
        pred: &P,
        memo: &mut FxHashMap<NodeId, u128>,
    ) -> u128 {
        if let Some(t) = f.terminal_value() {
            return u128::from(pred(t));
        }
        if let Some(c) = memo.get(&f) {
            return *c;
        }
        let level = self.level(f);
        let mut total: u128 = 0;
        let mut prev = 0;
        for e in self.edges_of(f) {
            let width = u128::from(e.end - prev);
            prev = e.end;
            let child_level = if e.child.is_terminal() {
                self.num_levels() as u32
            } else {
                self.level(e.child)
            };
            let gap = self.levels_product(level + 1, child_level);
            let sub = self.count_rec(e.child, pred, memo);
            total = total.saturating_add(width.saturating_mul(gap).saturating_mul(sub));
        }
        memo.insert(f, total);
        total
    }

    /// The number of satisfying assignments of a boolean diagram.
    pub fn sat_count(&self, f: NodeId) -> u128 {
        self.count(f, |t| t != 0)
    }

    /// One complete assignment reaching a terminal accepted by `pred`; `None` if there is
    /// none.
    ///
    /// The caller chooses each value: `choose(level, runs)` gets the values of `level`
    /// from which such a terminal is still reachable given the values chosen above it
    /// (sorted, disjoint, adjacent values merged into one run; the whole domain for a
    /// level `f` does not test on the way) and returns one of them. So the assignment
    /// stays inside the region whatever is chosen, even where a relation between two
    /// levels makes the values allowed at one depend on the other. A value outside the
    /// runs is replaced by the first one.
    pub fn pick<P, C>(&self, f: NodeId, pred: P, choose: C) -> Option<Vec<u32>>
    where
        P: Fn(u32) -> bool,
        C: Fn(usize, &[(u32, u32)]) -> u32,
    {
        let mut memo: FxHashMap<NodeId, bool> = FxHashMap::default();
        if !self.reaches(f, &pred, &mut memo) {
            return None;
        }
        let mut values: Vec<u32> = (0..self.num_levels())
            .map(|l| choose(l, &[(0, self.size(l).saturating_sub(1))]))
            .collect();
        let mut runs: Vec<(u32, u32)> = Vec::new();
        let mut n = f;
        while !n.is_terminal() {
            let (level, edges) = self.node(n)?;
            runs.clear();
            let mut prev = 0;
            for e in edges {
                if self.reaches(e.child, &pred, &mut memo) {
                    match runs.last_mut() {
                        Some(last) if last.1.saturating_add(1) == prev => last.1 = e.end - 1,
                        _ => runs.push((prev, e.end - 1)),
                    }
                }
                prev = e.end;
            }
            let wanted = choose(level, &runs);
            let mut first = None;
            let mut taken = None;
            let mut prev = 0;
            for e in edges {
                if self.reaches(e.child, &pred, &mut memo) {
                    first = first.or(Some((prev, e.child)));
                    if prev <= wanted && wanted < e.end {
                        taken = Some((wanted, e.child));
                        break;
                    }
                }
                prev = e.end;
            }
            let (v, child) = taken.or(first)?;
            if let Some(slot) = values.get_mut(level) {
                *slot = v;
            }
            n = child;
        }
        Some(values)
    }

    fn reaches<P: Fn(u32) -> bool>(
        &self,
        f: NodeId,
        pred: &P,
        memo: &mut FxHashMap<NodeId, bool>,
    ) -> bool {
        if let Some(t) = f.terminal_value() {
            return pred(t);
        }
        if let Some(r) = memo.get(&f) {
            return *r;
        }
        let r = self
            .edges_of(f)
            .iter()
            .any(|e| self.reaches(e.child, pred, memo));
        memo.insert(f, r);
        r
    }

    /// The paths of `f` that reach a terminal accepted by `pred`, as cubes: at most
    /// `limit` of them. The second value is `false` when there were more.
    ///
    /// Edges of one node that lead to the same child are one step of a path, so `x in
    /// {1, 3}` is one cube, not two. The cubes are disjoint and their union is exactly
    /// the region when the list is complete.
    pub fn cubes<P: Fn(u32) -> bool>(&self, f: NodeId, pred: P, limit: usize) -> (Vec<Cube>, bool) {
        let mut out = Vec::new();
        let complete = self.for_each_cube(f, pred, limit, |cube| out.push(cube.to_vec()));
        (out, complete)
    }

    /// [`Mdd::cubes`], each cube lent to `visit` rather than collected: a caller that
    /// keeps only part of each (the box engine keeps the levels a cube restricts) copies
    /// no more than that. `false` when there were more than `limit`.
    pub fn for_each_cube<P: Fn(u32) -> bool>(
        &self,
        f: NodeId,
        pred: P,
        limit: usize,
        mut visit: impl FnMut(&[Option<ValueRanges>]),
    ) -> bool {
        let mut walk = CubeWalk {
            memo: FxHashMap::default(),
            current: vec![None; self.num_levels()],
            left: limit,
        };
        self.cubes_rec(f, &pred, &mut walk, &mut visit)
    }

    fn cubes_rec<P: Fn(u32) -> bool>(
        &self,
        f: NodeId,
        pred: &P,
        walk: &mut CubeWalk,
        visit: &mut impl FnMut(&[Option<ValueRanges>]),
    ) -> bool {
        if let Some(t) = f.terminal_value() {
            if pred(t) {
                if walk.left == 0 {
                    return false;
                }
                walk.left -= 1;
                visit(&walk.current);
            }
            return true;
        }
        let Some((level, edges)) = self.node(f) else {
            return true;
        };
        // Group the edges by child, keeping the order of first appearance.
        let mut groups: Vec<(NodeId, ValueRanges)> = Vec::new();
        let mut prev = 0;
        for e in edges {
            let range = (prev, e.end - 1);
            prev = e.end;
            match groups.iter_mut().find(|g| g.0 == e.child) {
                Some(g) => g.1.push(range),
                None => groups.push((e.child, vec![range])),
            }
        }
        for (child, ranges) in groups {
            if !self.reaches(child, pred, &mut walk.memo) {
                continue;
            }
            if let Some(slot) = walk.current.get_mut(level) {
                *slot = Some(ranges);
            }
            if !self.cubes_rec(child, pred, walk, visit) {
                return false;
            }
        }
        if let Some(slot) = walk.current.get_mut(level) {
            *slot = None;
        }
        true
    }
}

/// The state of one walk of [`Mdd::for_each_cube`].
struct CubeWalk {
    /// Whether a node reaches an accepted terminal.
    memo: FxHashMap<NodeId, bool>,
    /// The path so far: each level's values, `None` where the path has no node.
    current: Cube,
    /// Cubes still allowed.
    left: usize,
}

#[cfg(test)]
mod tests;
