//! The decision graph: the compiled artefact that `decide`, `graph`, `diff` and `doc`
//! read.
//!
//! It is a reduced ordered multi-valued decision diagram stored in a petgraph
//! [`Graph`]: [`GraphNode::Question`] nodes test one input, [`GraphEdge`]s carry the set
//! of that input's values that lead along them (merged ranges or variant sets), and
//! [`GraphNode::Leaf`] nodes are outcomes, indexing [`DecisionGraph::leaves`]. A leaf
//! holds the whole decision for every incident that reaches it: the status (in scope,
//! out of scope, breaking an assumption), per output its value or why it has none, the
//! rules that applied and the rules whose assignments were overridden.
//!
//! The graph is canonical for the variable order ([`DecisionGraph::order`]): identical
//! sub-graphs are one node. Alongside it, a flat array copy answers
//! [`DecisionGraph::evaluate`] by walking from the root (cost: the depth).

use std::sync::Mutex;

use petgraph::graph::{Graph, NodeIndex};
use serde::Serialize;

use super::{value_index, CResult, CompileError, Compiler, Order};
use crate::check::ir::{
    Arena, EnumId, HitPolicy, IdxVec, InputId, OutputDef, OutputId, OutputTy, Policy, RuleDef,
    RuleId, Ty, Value, VariantId,
};
use crate::mdd::hash::FxHashMap;
use crate::mdd::{Mdd, NodeId, FALSE};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InScope,
    OutOfScope,
    BrokenAssumption,
}

/// An output's result for an incident, without the rules behind it. A value that
/// precedence chose is a `Value` like any other: the verdict is what the incident gets,
/// and partial facts are decided when their completions agree on it; which values it
/// won over is in the [`Outcome`] (and in an [`OutputLeaf`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// One value (a set output always has one: the union, maybe empty).
    Value(Value),
    /// No rule gives a value and there is no default.
    Gap,
    /// Rules give these different values (sorted), none overriding the others, and no
    /// precedence settles them.
    Conflict(Vec<Value>),
    /// Two or more rules assign an `exclusive` output, none overriding the others: the
    /// values they give (sorted, each once; one when they agree).
    Overlap(Vec<Value>),
}

/// An output's result with the rules behind it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The value and the rules whose effective assignments gave it; no rules means the
    /// default (or, for a set output, that no rule added anything).
    Value {
        value: Value,
        by: Vec<RuleId>,
        /// The values the output's precedence ranked below `value` and that effective
        /// assignments gave too, each with its rules (sorted by value): empty unless
        /// precedence decided.
        over: Vec<(Value, Vec<RuleId>)>,
    },
    Gap,
    /// Each value with the rules that gave it.
    Conflict {
        values: Vec<(Value, Vec<RuleId>)>,
    },
    /// An `exclusive` output that two or more rules assign: each value with its rules.
    Overlap {
        values: Vec<(Value, Vec<RuleId>)>,
    },
}

impl Outcome {
    pub fn verdict(&self) -> Verdict {
        match self {
            Outcome::Value { value, .. } => Verdict::Value(value.clone()),
            Outcome::Gap => Verdict::Gap,
            Outcome::Conflict { values } => {
                Verdict::Conflict(values.iter().map(|v| v.0.clone()).collect())
            }
            Outcome::Overlap { values } => {
                Verdict::Overlap(values.iter().map(|v| v.0.clone()).collect())
            }
        }
    }

    /// The values precedence ranked below this outcome's value (empty unless it
    /// decided).
    pub fn outranked(&self) -> Vec<Value> {
        match self {
            Outcome::Value { over, .. } => over.iter().map(|v| v.0.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// A single-valued output's outcome from its effective assignments (`given`: each
    /// value with the rules giving it, in any order), under its hit policy: the one
    /// value; the default or a gap without any; an overlap of an `exclusive` output's
    /// rules; the highest value where every value applying is in its precedence; a
    /// conflict otherwise.
    pub fn of_single(out: &OutputDef, given: Vec<(Value, Vec<RuleId>)>) -> Outcome {
        Outcome::of_single_under(&out.hit, out.default.as_ref(), given)
    }

    /// [`Outcome::of_single`] for an output of hit policy `hit` and default `default`
    /// (a conflict's help judges each way of settling it without a copy of the output).
    pub fn of_single_under(
        hit: &HitPolicy,
        default: Option<&Value>,
        mut given: Vec<(Value, Vec<RuleId>)>,
    ) -> Outcome {
        given.sort();
        let rules: usize = given.iter().map(|g| g.1.len()).sum();
        if hit.is_exclusive() && rules >= 2 {
            return Outcome::Overlap { values: given };
        }
        match given.len() {
            0 => match default {
                Some(d) => Outcome::Value {
                    value: d.clone(),
                    by: Vec::new(),
                    over: Vec::new(),
                },
                None => Outcome::Gap,
            },
            1 => {
                let (value, by) = given.swap_remove(0);
                Outcome::Value {
                    value,
                    by,
                    over: Vec::new(),
                }
            }
            _ => {
                let values: Vec<&Value> = given.iter().map(|g| &g.0).collect();
                match hit.winner(&values).cloned() {
                    Some(w) => {
                        let (won, over): (Vec<_>, Vec<_>) =
                            given.into_iter().partition(|g| g.0 == w);
                        let by = won.into_iter().flat_map(|g| g.1).collect();
                        Outcome::Value { value: w, by, over }
                    }
                    None => Outcome::Conflict { values: given },
                }
            }
        }
    }
}

/// A decision: what every incident reaching this leaf gets.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Leaf {
    pub status: Status,
    /// Per output: one for every output of the policy when in scope (the leaf is made
    /// by [`leaf_for_applied`] for that policy), none otherwise.
    pub outcomes: Arena<Outcome, OutputDef>,
    /// Rules whose condition holds, in declaration order (empty unless in scope).
    pub applied: Vec<RuleId>,
    /// Applied rules with at least one assignment overridden by another applied rule.
    pub overridden: Vec<RuleId>,
}

impl Leaf {
    /// The outcome for output `o`: `None` unless the leaf is in scope.
    pub fn outcome(&self, o: OutputId) -> Option<&Outcome> {
        (self.status == Status::InScope).then(|| &self.outcomes[o])
    }
}

/// A leaf of a per-output graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OutputLeaf {
    pub status: Status,
    /// `None` unless in scope.
    pub verdict: Option<Verdict>,
    /// Where precedence chose the value: the values it ranked below it (sorted), so a
    /// leaf decided by precedence is told apart from one decided plainly.
    pub outranked: Vec<Value>,
}

/// The values an edge stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSet {
    Bools(Vec<bool>),
    Variants(EnumId, Vec<VariantId>),
    /// Sorted disjoint inclusive ranges.
    Ints(Vec<(i64, i64)>),
}

impl ValueSet {
    /// The values as sorted index ranges of type `ty` (values outside it left out).
    pub fn index_ranges(&self, ty: Ty) -> Vec<(u32, u32)> {
        let one = |v: Value| value_index(ty, &v).map(|i| (i, i));
        let mut out: Vec<(u32, u32)> = match self {
            ValueSet::Bools(bs) => bs.iter().filter_map(|&b| one(Value::Bool(b))).collect(),
            ValueSet::Variants(e, vs) => {
                vs.iter().filter_map(|&v| one(Value::Enum(*e, v))).collect()
            }
            ValueSet::Ints(rs) => rs
                .iter()
                .filter_map(|&(a, b)| {
                    Some((
                        value_index(ty, &Value::Int(a))?,
                        value_index(ty, &Value::Int(b))?,
                    ))
                })
                .collect(),
        };
        out.sort_unstable();
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GraphNode {
    /// Asks for an input's value.
    Question { input: InputId },
    /// An index into the graph's leaves.
    Leaf { leaf: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphEdge {
    pub values: ValueSet,
}

/// A per-output view of the decision (`graph --output NAME`).
pub struct OutputGraph {
    pub output: OutputId,
    pub graph: Graph<GraphNode, GraphEdge>,
    pub root: NodeIndex,
    pub leaves: Vec<OutputLeaf>,
}

/// The class of a leaf that decides the answer (status and verdicts), ignoring which
/// rules gave it: what "the decision depends on an input" is measured against.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OutcomeClass {
    pub status: Status,
    pub verdicts: Vec<Verdict>,
}

/// A compact copy of a diagram for fast walking.
#[derive(Clone, Debug, Default)]
pub(crate) struct Flat {
    /// Per node: the input it asks, and its edge slice.
    pub(crate) nodes: Vec<(u32, u32, u32)>,
    /// (end, target): target's top bit marks a leaf index.
    pub(crate) edges: Vec<(u32, u32)>,
    pub(crate) root: u32,
}

const FLAT_LEAF: u32 = 1 << 31;

impl Flat {
    fn build(mdd: &Mdd, root: NodeId, order: &Order) -> Flat {
        let nodes = mdd.nodes_of(root);
        let index: FxHashMap<NodeId, u32> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, i as u32))
            .collect();
        let target = |n: NodeId| match n.terminal_value() {
            Some(t) => t | FLAT_LEAF,
            None => index.get(&n).copied().unwrap_or(FLAT_LEAF),
        };
        let mut flat = Flat {
            root: target(root),
            ..Flat::default()
        };
        for n in &nodes {
            if let Some((level, edges)) = mdd.node(*n) {
                let input = order.levels.get(level).map_or(0, |i| i.index()) as u32;
                flat.nodes
                    .push((input, flat.edges.len() as u32, edges.len() as u32));
                flat.edges
                    .extend(edges.iter().map(|e| (e.end, target(e.child))));
            }
        }
        flat
    }

    /// The leaf reached by an incident given as one value index per input.
    #[inline]
    pub(crate) fn eval(&self, values: &[u32]) -> u32 {
        let mut t = self.root;
        while t & FLAT_LEAF == 0 {
            let Some(&(input, start, len)) = self.nodes.get(t as usize) else {
                return 0;
            };
            let v = values.get(input as usize).copied().unwrap_or(0);
            let Some(edges) = self.edges.get(start as usize..(start + len) as usize) else {
                return 0;
            };
            // Nodes have few edges: a linear scan beats binary search until about 16.
            t = if edges.len() <= 16 {
                match edges.iter().find(|e| v < e.0) {
                    Some(e) => e.1,
                    None => return 0,
                }
            } else {
                let i = edges.partition_point(|e| e.0 <= v);
                match edges.get(i) {
                    Some(e) => e.1,
                    None => return 0,
                }
            };
        }
        t & !FLAT_LEAF
    }

    /// Leaves reachable when some inputs are fixed (`given[input]`).
    pub(crate) fn reachable_leaves(&self, given: &[Option<u32>]) -> Vec<u32> {
        let mut seen = vec![false; self.nodes.len()];
        let mut leaves = Vec::new();
        let mut stack = vec![self.root];
        while let Some(t) = stack.pop() {
            if t & FLAT_LEAF != 0 {
                leaves.push(t & !FLAT_LEAF);
                continue;
            }
            match seen.get_mut(t as usize) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            let Some(&(input, start, len)) = self.nodes.get(t as usize) else {
                continue;
            };
            let edges = self
                .edges
                .get(start as usize..(start + len) as usize)
                .unwrap_or(&[]);
            match given.get(input as usize).copied().flatten() {
                Some(v) => {
                    let i = edges.partition_point(|e| e.0 <= v);
                    if let Some(e) = edges.get(i) {
                        stack.push(e.1);
                    }
                }
                None => stack.extend(edges.iter().map(|e| e.1)),
            }
        }
        leaves.sort_unstable();
        leaves.dedup();
        leaves
    }
}

/// The compiled decision of a policy.
pub struct DecisionGraph {
    pub policy_name: String,
    /// `order[l]` is the input asked at depth level `l` (see `compile::order`).
    pub order: Vec<InputId>,
    pub graph: Graph<GraphNode, GraphEdge>,
    pub root: NodeIndex,
    pub leaves: Vec<Leaf>,
    /// Per output, its own graph (the same order; leaves hold only that output).
    pub outputs: Vec<OutputGraph>,
    /// Per leaf, its index in `classes`.
    pub leaf_class: Vec<u32>,
    pub classes: Vec<OutcomeClass>,
    pub(crate) flat: Flat,
    /// The diagram of outcome classes, for questions about partial facts.
    pub(crate) outcome_mdd: Mutex<Mdd>,
    pub(crate) outcome_root: NodeId,
    pub(crate) order_levels: Order,
    /// The inputs the policy reads (examples show only these).
    pub reads: crate::check::ir::Reads,
}

impl std::fmt::Debug for DecisionGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionGraph")
            .field("policy_name", &self.policy_name)
            .field("nodes", &self.graph.node_count())
            .field("leaves", &self.leaves.len())
            .finish()
    }
}

/// Computes the decision for a set of applied rules (sorted), under the override
/// semantics of docs/language.md "Rules".
pub fn leaf_for_applied(
    policy: &Policy,
    overriders: &IdxVec<RuleDef, Vec<RuleId>>,
    applied: &[RuleId],
) -> Leaf {
    let mut outcomes = Arena::new();
    let mut overridden = Vec::new();
    for &r in applied {
        if policy.rules[r]
            .assigns
            .iter()
            .any(|a| suppressed(policy, overriders, applied, r, a.output))
        {
            overridden.push(r);
        }
    }
    for o in policy.outputs.ids() {
        outcomes.push(outcome_for_applied(policy, overriders, applied, o));
    }
    Leaf {
        status: Status::InScope,
        outcomes,
        applied: applied.to_vec(),
        overridden,
    }
}

/// Whether rule `r`'s assignment to `o` is overridden where the rules `applied`
/// (sorted) apply.
fn suppressed(
    policy: &Policy,
    overriders: &IdxVec<RuleDef, Vec<RuleId>>,
    applied: &[RuleId],
    r: RuleId,
    o: OutputId,
) -> bool {
    overriders.get(r).is_some_and(|ss| {
        ss.iter().any(|&s| {
            applied.binary_search(&s).is_ok()
                && policy.rules[s].assigns.iter().any(|a| a.output == o)
        })
    })
}

/// Output `o`'s outcome in [`leaf_for_applied`]: for a caller that reads one output
/// (a conflict's ways of settling, each for one output) without deciding the others.
pub fn outcome_for_applied(
    policy: &Policy,
    overriders: &IdxVec<RuleDef, Vec<RuleId>>,
    applied: &[RuleId],
    o: OutputId,
) -> Outcome {
    let out = &policy.outputs[o];
    // (value, rules) for every effective assignment to o.
    let mut given: Vec<(Value, Vec<RuleId>)> = Vec::new();
    for &r in applied {
        for a in policy.rules[r].assigns.iter().filter(|a| a.output == o) {
            if suppressed(policy, overriders, applied, r, o) {
                continue;
            }
            match given.iter_mut().find(|g| g.0 == a.value) {
                Some(g) => {
                    if !g.1.contains(&r) {
                        g.1.push(r)
                    }
                }
                None => given.push((a.value.clone(), vec![r])),
            }
        }
    }
    match out.ty {
        OutputTy::Set(e) => {
            let mut vs: Vec<VariantId> = Vec::new();
            let mut by: Vec<RuleId> = Vec::new();
            for (v, rules) in &given {
                if let Value::Set(_, items) = v {
                    vs.extend(items);
                }
                by.extend(rules);
            }
            vs.sort_unstable();
            vs.dedup();
            by.sort_unstable();
            by.dedup();
            Outcome::Value {
                value: Value::Set(e, vs),
                by,
                over: Vec::new(),
            }
        }
        OutputTy::Single(_) => Outcome::of_single(out, given),
    }
}

const OUT_OF_SCOPE: u32 = 1 << 29;
/// The rules the outcomes of a decision graph may list in all, per node of the limit
/// (16 million at the default 2 million nodes: some 130 MB of sets).
pub(super) const RULE_SET_ENTRIES_PER_NODE: usize = 8;
const BROKEN: u32 = OUT_OF_SCOPE + 1;

/// Interns values in a vector, returning their index.
pub(super) struct Interner<T: std::hash::Hash + Eq + Clone> {
    items: Vec<T>,
    index: FxHashMap<T, u32>,
}

impl<T: std::hash::Hash + Eq + Clone> Interner<T> {
    fn new() -> Self {
        Interner {
            items: Vec::new(),
            index: FxHashMap::default(),
        }
    }

    fn intern(&mut self, t: T) -> u32 {
        if let Some(i) = self.index.get(&t) {
            return *i;
        }
        let i = self.items.len() as u32;
        self.index.insert(t.clone(), i);
        self.items.push(t);
        i
    }
}

/// The values of an input's type that an edge set covers.
pub fn value_set(ty: Ty, ranges: &[(u32, u32)]) -> ValueSet {
    match ty {
        Ty::Bool => {
            let mut bs = Vec::new();
            for &(a, b) in ranges {
                for v in a..=b.min(1) {
                    bs.push(v == 1);
                }
            }
            ValueSet::Bools(bs)
        }
        Ty::Enum(e) => {
            let mut vs = Vec::new();
            for &(a, b) in ranges {
                // An enum's value indices are its variant ids.
                vs.extend((a..=b).map(|v| VariantId::from_raw(v as usize)));
            }
            ValueSet::Variants(e, vs)
        }
        Ty::Int { lo, .. } => ValueSet::Ints(
            ranges
                .iter()
                .map(|&(a, b)| {
                    (
                        lo.saturating_add(i64::from(a)),
                        lo.saturating_add(i64::from(b)),
                    )
                })
                .collect(),
        ),
    }
}

/// Builds a petgraph graph from a diagram whose terminals are leaf indices.
fn to_petgraph(
    mdd: &Mdd,
    root: NodeId,
    policy: &Policy,
    order: &Order,
) -> (Graph<GraphNode, GraphEdge>, NodeIndex, Vec<u32>) {
    let mut g = Graph::new();
    let mut index: FxHashMap<NodeId, NodeIndex> = FxHashMap::default();
    let inner = mdd.nodes_of(root);
    for &n in &inner {
        let level = mdd.node(n).map(|p| p.0).unwrap_or(0);
        // The store has one level per input of the order (`Compiler::new_in`).
        let Some(&input) = order.levels.get(level) else {
            continue;
        };
        index.insert(n, g.add_node(GraphNode::Question { input }));
    }
    let terminals = mdd.terminals(root);
    for &t in &terminals {
        index.insert(
            NodeId::terminal(t),
            g.add_node(GraphNode::Leaf { leaf: t as usize }),
        );
    }
    for &n in &inner {
        let Some((level, edges)) = mdd.node(n) else {
            continue;
        };
        let Some(&input) = order.levels.get(level) else {
            continue;
        };
        let ty = policy.inputs[input].ty;
        // Grouped by child in the order first met; found through a map, since a node
        // over a wide integer tied to another by an assumption (`shared <= images`) has
        // an edge to a different child for every value, and a search of the groups
        // for each edge was quadratic (100,000 values: 13 s).
        let mut groups: Vec<(NodeId, Vec<(u32, u32)>)> = Vec::new();
        let mut group_of: FxHashMap<NodeId, usize> = FxHashMap::default();
        let mut prev = 0;
        for e in edges {
            let r = (prev, e.end - 1);
            prev = e.end;
            let k = *group_of.entry(e.child).or_insert_with(|| {
                groups.push((e.child, Vec::new()));
                groups.len() - 1
            });
            if let Some(g) = groups.get_mut(k) {
                g.1.push(r);
            }
        }
        let Some(&from) = index.get(&n) else { continue };
        for (child, ranges) in groups {
            if let Some(&to) = index.get(&child) {
                g.add_edge(
                    from,
                    to,
                    GraphEdge {
                        values: value_set(ty, &ranges),
                    },
                );
            }
        }
    }
    let root_ix = index
        .get(&root)
        .copied()
        .unwrap_or_else(|| g.add_node(GraphNode::Leaf { leaf: 0 }));
    (g, root_ix, terminals)
}

/// The diagram whose terminals are the sets of rules that apply (step 1 of
/// [`DecisionGraph::build`]), with the sets it numbers.
pub(super) fn rule_sets(c: &mut Compiler<'_>) -> CResult<(NodeId, Interner<Vec<RuleId>>)> {
    let policy = c.policy;
    let mut sets: Interner<Vec<RuleId>> = Interner::new();
    let empty = sets.intern(Vec::new());
    let mut root = NodeId::terminal(empty);
    // The node limit bounds the diagram, not its terminals: with many rules over few
    // inputs, a diagram within the limit can end in millions of distinct sets of
    // hundreds of rules each (a 7-input policy of 1,500 rules took 23 GB).
    let max_entries = c.mdd.max_nodes().saturating_mul(RULE_SET_ENTRIES_PER_NODE);
    let mut entries = 0usize;
    for (r, &cond) in c.rule_conds.entries() {
        if cond == FALSE {
            continue;
        }
        let next = c.mdd.apply_terminals(cond, root, |applies, s| {
            if applies == 1 {
                let mut v = sets.items.get(s as usize).cloned().unwrap_or_default();
                v.push(r);
                let (before, len) = (sets.items.len(), v.len());
                let id = sets.intern(v);
                if sets.items.len() > before {
                    entries = entries.saturating_add(len);
                }
                id
            } else {
                s
            }
        });
        root = next.map_err(|e| CompileError::from(e).at(policy.rules[r].loc))?;
        if entries > max_entries {
            return Err(CompileError::TooManyRuleSets {
                max_entries,
                at: Some(policy.rules[r].loc),
            });
        }
        if sets.items.len() as u32 >= OUT_OF_SCOPE {
            return Err(CompileError::TooLarge {
                max_nodes: c.mdd.max_nodes(),
                at: None,
                counted: None,
            });
        }
    }
    Ok((root, sets))
}

impl DecisionGraph {
    /// Builds the decision graph of a compiled policy. Fails (with the node limit) when
    /// the graph would be too large; the analyses do not need it.
    pub fn build(c: &mut Compiler<'_>) -> CResult<DecisionGraph> {
        let policy = c.policy;
        // A policy whose graph surely passes the limit fails before seconds of building
        // show it (`graph_bound`); the others are built, so whether there is a graph,
        // and which, does not depend on the bound.
        let limit = c.mdd.max_nodes() as u128;
        let counted = super::graph_bound::rule_sets_nodes_at_least(c, limit, c.quick_graph_bound);
        if counted > limit {
            return Err(CompileError::TooLarge {
                max_nodes: c.mdd.max_nodes(),
                at: None,
                counted: Some(counted),
            });
        }
        // 1. A diagram whose terminals are the sets of rules that apply.
        let (root, sets) = rule_sets(c)?;
        // 2. Scope and assumptions on top.
        let in_scope = c.mdd.ite(c.scope, root, NodeId::terminal(OUT_OF_SCOPE))?;
        let full = c
            .mdd
            .ite(c.assume_all, in_scope, NodeId::terminal(BROKEN))?;
        // 3. Rule sets to decisions.
        let mut leaves: Interner<Leaf> = Interner::new();
        let mut memo: FxHashMap<u32, u32> = FxHashMap::default();
        let decision = c.mdd.map_terminals(full, |t| {
            if let Some(l) = memo.get(&t) {
                return *l;
            }
            let leaf = match t {
                OUT_OF_SCOPE => Leaf {
                    status: Status::OutOfScope,
                    outcomes: Arena::new(),
                    applied: Vec::new(),
                    overridden: Vec::new(),
                },
                BROKEN => Leaf {
                    status: Status::BrokenAssumption,
                    outcomes: Arena::new(),
                    applied: Vec::new(),
                    overridden: Vec::new(),
                },
                s => {
                    let applied = sets.items.get(s as usize).cloned().unwrap_or_default();
                    leaf_for_applied(policy, &c.overriders, &applied)
                }
            };
            let l = leaves.intern(leaf);
            memo.insert(t, l);
            l
        })?;
        let leaves = leaves.items;
        // 4. Outcome classes.
        let mut classes: Interner<OutcomeClass> = Interner::new();
        let leaf_class: Vec<u32> = leaves
            .iter()
            .map(|l| {
                classes.intern(OutcomeClass {
                    status: l.status,
                    verdicts: l.outcomes.iter().map(|o| o.verdict()).collect(),
                })
            })
            .collect();
        let outcome_root = c.mdd.map_terminals(decision, |t| {
            leaf_class.get(t as usize).copied().unwrap_or(0)
        })?;
        // 5. Per-output graphs.
        let mut outputs = Vec::with_capacity(policy.outputs.len());
        for o in policy.outputs.ids() {
            let mut ol: Interner<OutputLeaf> = Interner::new();
            let per_leaf: Vec<u32> = leaves
                .iter()
                .map(|l| {
                    ol.intern(OutputLeaf {
                        status: l.status,
                        verdict: l.outcome(o).map(|x| x.verdict()),
                        outranked: l.outcome(o).map(|x| x.outranked()).unwrap_or_default(),
                    })
                })
                .collect();
            let r = c
                .mdd
                .map_terminals(decision, |t| per_leaf.get(t as usize).copied().unwrap_or(0))?;
            let (graph, groot, _) = to_petgraph(&c.mdd, r, policy, &c.order);
            outputs.push(OutputGraph {
                output: o,
                graph,
                root: groot,
                leaves: ol.items,
            });
        }
        let (graph, root_ix, _) = to_petgraph(&c.mdd, decision, policy, &c.order);
        let flat = Flat::build(&c.mdd, decision, &c.order);
        // The outcome diagram gets a store of its own so the graph does not keep every
        // intermediate node of compilation alive.
        let (outcome_mdd, outcome_root) = copy_diagram(&c.mdd, outcome_root)?;
        Ok(DecisionGraph {
            policy_name: policy.name.clone(),
            order: c.order.levels.clone(),
            graph,
            root: root_ix,
            leaves,
            outputs,
            leaf_class,
            classes: classes.items,
            flat,
            outcome_mdd: Mutex::new(outcome_mdd),
            outcome_root,
            order_levels: c.order.clone(),
            reads: c.fact_names.reads().clone(),
        })
    }

    /// The leaf for a complete incident given as one MDD value index per input (see
    /// [`super::value_index`]). Cost: the depth of the graph.
    #[inline]
    pub fn evaluate(&self, values: &[u32]) -> usize {
        self.flat.eval(values) as usize
    }

    pub fn leaf(&self, values: &[u32]) -> Option<&Leaf> {
        self.leaves.get(self.evaluate(values))
    }

    /// The inputs the outcome graph asks along this incident's path, in order: the
    /// facts that mattered.
    pub fn facts_used(&self, values: &[u32]) -> Vec<InputId> {
        // Asked on the outcome diagram rather than the full graph, so inputs that only
        // change which rule fires but not the decision are left out.
        let mdd = match self.outcome_mdd.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let mut out = Vec::new();
        let mut n = self.outcome_root;
        while let Some((level, edges)) = mdd.node(n) {
            let Some(&input) = self.order_levels.levels.get(level) else {
                break;
            };
            out.push(input);
            let v = values.get(input.index()).copied().unwrap_or(0);
            let i = edges.partition_point(|e| e.end <= v);
            match edges.get(i) {
                Some(e) => n = e.child,
                None => break,
            }
        }
        out
    }

    /// The facts that mattered for a complete incident: the inputs on its outcome path
    /// whose change to another value (the others fixed) changes some output or the
    /// scope. An input the path tests may not matter for this incident (the diagram
    /// tests it for others): a precedence may decide alike either way. Values that
    /// break an assumption are not incidents and are not tried. Within one edge of a
    /// node every value leads to the same outcome, so one value per edge is tried.
    pub fn facts_that_mattered(&self, values: &[u32]) -> Vec<InputId> {
        let class = |vs: &[u32]| {
            self.leaf(vs).map(|l| {
                (
                    l.status,
                    l.outcomes.iter().map(|o| o.verdict()).collect::<Vec<_>>(),
                )
            })
        };
        let here = class(values);
        // The path's nodes, each with the input and the starts of its other edges.
        let mut tried: Vec<(InputId, Vec<u32>)> = Vec::new();
        {
            let mdd = match self.outcome_mdd.lock() {
                Ok(m) => m,
                Err(p) => p.into_inner(),
            };
            let mut n = self.outcome_root;
            while let Some((level, edges)) = mdd.node(n) {
                let Some(input) = self.order_levels.levels.get(level).copied() else {
                    break;
                };
                let v = values.get(input.index()).copied().unwrap_or(0);
                let i = edges.partition_point(|e| e.end <= v);
                let mut start = 0;
                let mut others = Vec::new();
                for (k, e) in edges.iter().enumerate() {
                    if k != i {
                        others.push(start);
                    }
                    start = e.end;
                }
                tried.push((input, others));
                match edges.get(i) {
                    Some(e) => n = e.child,
                    None => break,
                }
            }
        }
        let mut changed = values.to_vec();
        tried
            .into_iter()
            .filter(|(input, others)| {
                let mattered = others.iter().any(|&w| {
                    if let Some(slot) = changed.get_mut(input.index()) {
                        *slot = w;
                    }
                    let c = class(&changed);
                    c.as_ref()
                        .is_some_and(|(status, _)| *status != Status::BrokenAssumption)
                        && c != here
                });
                if let (Some(slot), Some(&v)) =
                    (changed.get_mut(input.index()), values.get(input.index()))
                {
                    *slot = v;
                }
                mattered
            })
            .map(|(input, _)| input)
            .collect()
    }

    /// The known inputs that the outcome graph asks on some path consistent with them:
    /// the facts that mattered, in the order the graph asks them.
    pub fn facts_asked(&self, given: &[Option<u32>]) -> Vec<InputId> {
        let mdd = match self.outcome_mdd.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let mut asked = vec![false; self.order_levels.levels.len()];
        let mut seen = crate::mdd::hash::FxHashSet::default();
        let mut stack = vec![self.outcome_root];
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            let Some((level, edges)) = mdd.node(n) else {
                continue;
            };
            let Some(&input) = self.order_levels.levels.get(level) else {
                continue;
            };
            match given.get(input.index()).copied().flatten() {
                Some(v) => {
                    if let Some(a) = asked.get_mut(level) {
                        *a = true;
                    }
                    let i = edges.partition_point(|e| e.end <= v);
                    if let Some(e) = edges.get(i) {
                        stack.push(e.child);
                    }
                }
                None => stack.extend(edges.iter().map(|e| e.child)),
            }
        }
        self.order_levels
            .levels
            .iter()
            .enumerate()
            .filter(|(l, _)| asked.get(*l).copied().unwrap_or(false))
            .map(|(_, &i)| i)
            .collect()
    }

    /// The leaves reachable when some inputs are known (`given[input]`).
    pub fn reachable_leaves(&self, given: &[Option<u32>]) -> Vec<usize> {
        self.flat
            .reachable_leaves(given)
            .into_iter()
            .map(|l| l as usize)
            .collect()
    }

    /// The inputs that still matter to the outcome when some are known, in the order
    /// the graph asks them. Completions that break an assumption are not incidents, so
    /// inputs that only tell those apart do not count.
    pub fn still_matter(&self, given: &[Option<u32>]) -> CResult<Vec<InputId>> {
        let mut mdd = match self.outcome_mdd.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let assign: Vec<Option<u32>> = self
            .order_levels
            .levels
            .iter()
            .map(|&i| given.get(i.index()).copied().flatten())
            .collect();
        let r = mdd.restrict(self.outcome_root, &assign)?;
        let broken: Vec<u32> = self
            .classes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.status == Status::BrokenAssumption)
            .map(|(i, _)| i as u32)
            .collect();
        let care = mdd.map_terminals(r, |t| u32::from(!broken.contains(&t)))?;
        let s = mdd.simplify(r, care)?;
        let support = mdd.support(s);
        Ok(self
            .order_levels
            .levels
            .iter()
            .enumerate()
            .filter(|(l, _)| support.get(*l).copied().unwrap_or(false))
            .map(|(_, &i)| i)
            .collect())
    }

    /// Number of question nodes.
    pub fn question_count(&self) -> usize {
        self.graph
            .node_weights()
            .filter(|n| matches!(n, GraphNode::Question { .. }))
            .count()
    }

    /// Longest path from the root, in questions.
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.flat.nodes.len()];
        // Flat nodes are in topological order (parents first).
        let mut best = 0;
        for (i, &(_, start, len)) in self.flat.nodes.iter().enumerate() {
            let d = depth.get(i).copied().unwrap_or(0) + 1;
            best = best.max(d);
            for &(_, t) in self
                .flat
                .edges
                .get(start as usize..(start + len) as usize)
                .unwrap_or(&[])
            {
                if t & FLAT_LEAF == 0 {
                    if let Some(slot) = depth.get_mut(t as usize) {
                        *slot = (*slot).max(d);
                    }
                }
            }
        }
        best
    }
}

/// Copies the diagram `root` of `from` into a fresh store with the same levels.
fn copy_diagram(from: &Mdd, root: NodeId) -> CResult<(Mdd, NodeId)> {
    let sizes: Vec<u32> = (0..from.num_levels()).map(|l| from.size(l)).collect();
    let mut to = Mdd::new(sizes).with_max_nodes(from.max_nodes());
    let nodes = from.nodes_of(root);
    let mut map: FxHashMap<NodeId, NodeId> = FxHashMap::default();
    // Children before parents.
    for &n in nodes.iter().rev() {
        let Some((level, edges)) = from.node(n) else {
            continue;
        };
        let new_edges: Vec<crate::mdd::Edge> = edges
            .iter()
            .map(|e| crate::mdd::Edge {
                end: e.end,
                child: if e.child.is_terminal() {
                    e.child
                } else {
                    map.get(&e.child).copied().unwrap_or(e.child)
                },
            })
            .collect();
        let m = to.mk(level, &new_edges)?;
        map.insert(n, m);
    }
    let r = if root.is_terminal() {
        root
    } else {
        map.get(&root).copied().unwrap_or(root)
    };
    Ok((to, r))
}
