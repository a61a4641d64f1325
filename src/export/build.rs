//! From the compiled [`DecisionGraph`] to the [`GraphView`] the writers draw.
//!
//! The compiled graph answers every combination of input values, including those that
//! break an assumption (`youngest_age <= oldest_age`). A picture of those would be
//! mostly noise (a question per age), and it does not show which gaps a policy accepts
//! (`accept gap ... when ...` is a region of incidents, not a property of a leaf). So the
//! view is built by walking the graph together with a diagram of the acceptances:
//!
//! - paths into a broken-assumption leaf are dropped;
//! - a leaf is split where different acceptances cover it;
//! - a question whose remaining answers all lead to one place is skipped, answers that
//!   lead to one place are merged, and identical questions are one node.
//!
//! The last rule, applied bottom-up, is the reduction of decision diagrams, so the
//! result is again canonical for the order: the smallest graph over that order that
//! gives every valid incident the same decision. With `--output NAME` leaves keep only
//! that output's result (value, gap or conflict), so the same walk yields that output's
//! own, usually much smaller, graph.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::view::{
    answer, question_text, value_status, ConflictValue, GraphView, Leaf, LeafOutput, OutputStatus,
    Question, ViewEdge, ViewNode,
};
use crate::check::ir::{OutputId, OutputTy, Policy, RuleId, Ty, Value};
use crate::compile::graph::{DecisionGraph, GraphNode, Outcome, Status, ValueSet, Verdict};
use crate::compile::{CResult, CompileError, Compiler};
use crate::mdd::{Mdd, NodeId};

/// Which decision to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Every output.
    Whole,
    /// One output.
    Output(OutputId),
}

/// Acceptances beyond this many are not told apart in the drawing (their gaps show as
/// open); no real policy comes near it.
const MAX_ACCEPTANCES: usize = 30;

/// What decides a leaf of the view: the status and, per drawn output, the verdict, the
/// rules behind it (whole decision only) and the acceptances covering a gap.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    OutOfScope,
    InScope(Vec<OutKey>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct OutKey {
    output: OutputId,
    verdict: Verdict,
    by_default: bool,
    /// Values of a conflict with the rules giving each.
    conflict: Vec<(Value, Vec<RuleId>)>,
    accepted: Vec<usize>,
}

/// A question's answers: each child with the value-index ranges that lead to it.
type Answers = Vec<(usize, Vec<(u32, u32)>)>;

struct Walk<'a> {
    policy: &'a Policy,
    dg: &'a DecisionGraph,
    which: Which,
    mdd: &'a Mdd,
    level_of: Vec<usize>,
    memo: HashMap<(NodeIndex, NodeId), Option<usize>>,
    nodes: Vec<ViewNode>,
    edges: Vec<ViewEdge>,
    questions: HashMap<(usize, Answers), usize>,
    leaves: HashMap<Key, usize>,
    /// The rules behind each output of each leaf, gathered over every path.
    leaf_rules: HashMap<usize, Vec<(OutputId, RuleId)>>,
    max_depth: usize,
}

/// The view of a policy's decision graph. `c` must be the compiler the graph was built
/// with (or one over the same order): the acceptances are compiled in it.
pub fn graph_view(
    policy: &Policy,
    c: &mut Compiler<'_>,
    dg: &DecisionGraph,
    which: Which,
) -> CResult<GraphView> {
    // A diagram whose terminal is the set (bit mask) of acceptances that hold.
    let mut mask = NodeId::terminal(0);
    for (k, acc) in policy
        .accepted_gaps
        .iter()
        .enumerate()
        .take(MAX_ACCEPTANCES)
    {
        let when = c.expr(&acc.when).map_err(|e| e.at(acc.loc))?;
        let bit = 1u32 << k;
        mask =
            c.mdd
                .apply_terminals(when, mask, |holds, m| if holds == 1 { m | bit } else { m })?;
    }
    if dg.order != c.order.levels {
        return Err(CompileError::Unsupported {
            at: None,
            what: "a decision graph drawn with a compiler of another variable order",
        });
    }
    let mut level_of = vec![usize::MAX; policy.inputs.len()];
    for (l, &i) in c.order.levels.iter().enumerate() {
        if let Some(slot) = level_of.get_mut(i) {
            *slot = l;
        }
    }
    let mut w = Walk {
        policy,
        dg,
        which,
        mdd: &c.mdd,
        level_of,
        memo: HashMap::new(),
        nodes: Vec::new(),
        edges: Vec::new(),
        questions: HashMap::new(),
        leaves: HashMap::new(),
        leaf_rules: HashMap::new(),
        max_depth: 2 * policy.inputs.len() + 4,
    };
    let root = w.visit(dg.root, mask, 0)?;
    let root = match root {
        Some(r) => r,
        // Every incident breaks an assumption: nothing to decide.
        None => w.intern_leaf(Key::OutOfScope),
    };
    for (&ix, rules) in &w.leaf_rules {
        if let Some(ViewNode::Leaf(leaf)) = w.nodes.get_mut(ix) {
            for o in &mut leaf.outputs {
                let id = policy.output_by_name(&o.output);
                o.rules = rules
                    .iter()
                    .filter(|(out, _)| Some(*out) == id)
                    .filter_map(|&(_, r)| policy.rules.get(r).map(|x| x.name.clone()))
                    .collect();
            }
        }
    }
    let (nodes, edges, root) = renumber(w.nodes, w.edges, root);
    let output = match which {
        Which::Whole => None,
        Which::Output(o) => policy.outputs.get(o).map(|d| d.name.clone()),
    };
    Ok(GraphView {
        policy: policy.name.clone(),
        title: policy.header.as_ref().and_then(|h| h.title.clone()),
        output,
        nodes,
        edges,
        root,
    })
}

/// Numbers the nodes breadth-first from the root, answers in order, so that the
/// written formats read top down (the walk creates them bottom up).
fn renumber(
    nodes: Vec<ViewNode>,
    edges: Vec<ViewEdge>,
    root: usize,
) -> (Vec<ViewNode>, Vec<ViewEdge>, usize) {
    let mut new_of: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut order: Vec<usize> = Vec::with_capacity(nodes.len());
    let mut queue = std::collections::VecDeque::from([root]);
    if let Some(slot) = new_of.get_mut(root) {
        *slot = Some(0);
        order.push(root);
    }
    while let Some(u) = queue.pop_front() {
        for e in edges.iter().filter(|e| e.from == u) {
            if let Some(slot @ None) = new_of.get_mut(e.to) {
                *slot = Some(order.len());
                order.push(e.to);
                queue.push_back(e.to);
            }
        }
    }
    let mut old: Vec<Option<ViewNode>> = nodes.into_iter().map(Some).collect();
    let new_nodes: Vec<ViewNode> = order
        .iter()
        .filter_map(|&u| old.get_mut(u).and_then(Option::take))
        .collect();
    let mut new_edges: Vec<ViewEdge> = edges
        .into_iter()
        .filter_map(|e| {
            let from = new_of.get(e.from).copied().flatten()?;
            let to = new_of.get(e.to).copied().flatten()?;
            Some(ViewEdge { from, to, ..e })
        })
        .collect();
    // Stable: a node's answers keep their order.
    new_edges.sort_by_key(|e| e.from);
    (new_nodes, new_edges, 0)
}

/// A value set as ranges of value indices (bool 0/1, variant ids, offsets from `lo`).
fn index_ranges(vs: &ValueSet, ty: Ty) -> Vec<(u32, u32)> {
    match vs {
        ValueSet::Bools(bs) => bs.iter().map(|&b| (u32::from(b), u32::from(b))).collect(),
        ValueSet::Variants(_, vs) => vs.iter().map(|&v| (v as u32, v as u32)).collect(),
        ValueSet::Ints(rs) => {
            let lo = match ty {
                Ty::Int { lo, .. } => lo,
                _ => 0,
            };
            rs.iter()
                .filter_map(|&(a, b)| {
                    Some((
                        u32::try_from(a.checked_sub(lo)?).ok()?,
                        u32::try_from(b.checked_sub(lo)?).ok()?,
                    ))
                })
                .collect()
        }
    }
}

impl Walk<'_> {
    fn input_ty(&self, input: usize) -> Ty {
        self.policy
            .inputs
            .get(input)
            .map(|d| d.ty)
            .unwrap_or(Ty::Bool)
    }

    /// The view node for the incidents that reach graph node `g` with acceptance
    /// diagram `a`; `None` when every one of them breaks an assumption.
    fn visit(&mut self, g: NodeIndex, a: NodeId, depth: usize) -> CResult<Option<usize>> {
        if let Some(&r) = self.memo.get(&(g, a)) {
            return Ok(r);
        }
        // Each step goes one level deeper in at least one of the two diagrams.
        if depth > self.max_depth {
            return Err(CompileError::Unsupported {
                at: None,
                what: "a decision graph deeper than its number of inputs",
            });
        }
        let g_node = self.dg.graph.node_weight(g).cloned();
        let g_level = match &g_node {
            Some(GraphNode::Question { input }) => {
                self.level_of.get(*input).copied().unwrap_or(usize::MAX)
            }
            _ => usize::MAX,
        };
        let a_node = self.mdd.node(a);
        let a_level = a_node.map(|(l, _)| l).unwrap_or(usize::MAX);
        let level = g_level.min(a_level);
        let result = if level == usize::MAX {
            let mask = a.terminal_value().unwrap_or(0);
            match g_node {
                Some(GraphNode::Leaf { leaf }) => self.leaf(leaf, mask),
                _ => None,
            }
        } else {
            let input = self.dg.order.get(level).copied().unwrap_or(0);
            let ty = self.input_ty(input);
            // Where the values of this level go in either diagram: (first value, g
            // child, a child), sorted.
            let mut cuts: Vec<u32> = vec![0];
            let mut g_parts: Vec<(u32, u32, NodeIndex)> = Vec::new();
            if g_level == level {
                for e in self.dg.graph.edges(g) {
                    for (s, t) in index_ranges(&e.weight().values, ty) {
                        g_parts.push((s, t, e.target()));
                        cuts.push(s);
                        cuts.push(t.saturating_add(1));
                    }
                }
            }
            let mut a_parts: Vec<(u32, u32, NodeId)> = Vec::new();
            if let Some((_, edges)) = a_node.filter(|_| a_level == level) {
                let mut start = 0;
                for e in edges {
                    a_parts.push((start, e.end.saturating_sub(1), e.child));
                    cuts.push(start);
                    cuts.push(e.end);
                    start = e.end;
                }
            }
            let size = self.mdd.size(level);
            cuts.retain(|&c| c < size);
            cuts.sort_unstable();
            cuts.dedup();
            // Each elementary interval's destination; `None` where every incident
            // breaks an assumption.
            let mut parts: Vec<(u32, u32, Option<usize>)> = Vec::new();
            for (i, &s) in cuts.iter().enumerate() {
                let t = cuts.get(i + 1).copied().unwrap_or(size).saturating_sub(1);
                let gc = if g_level == level {
                    match g_parts.iter().find(|p| p.0 <= s && s <= p.1) {
                        Some(p) => p.2,
                        None => continue,
                    }
                } else {
                    g
                };
                let ac = if a_level == level {
                    match a_parts.iter().find(|p| p.0 <= s && s <= p.1) {
                        Some(p) => p.2,
                        None => continue,
                    }
                } else {
                    a
                };
                let child = self.visit(gc, ac, depth + 1)?;
                parts.push((s, t, child));
            }
            // Values no valid incident has may go anywhere: they join the answer to
            // their left (or right), so that `youngest_age` under `oldest_age = 40`
            // reads `>= 18`, not `18..=40`, and the questions under every adult age are
            // one node.
            let mut last = parts.iter().find_map(|p| p.2);
            for p in &mut parts {
                match p.2 {
                    Some(c) => last = Some(c),
                    None => p.2 = last,
                }
            }
            let mut groups: Vec<(usize, Vec<(u32, u32)>)> = Vec::new();
            for (s, t, child) in parts {
                let Some(child) = child else {
                    continue;
                };
                match groups.iter_mut().find(|gr| gr.0 == child) {
                    Some(gr) => match gr.1.last_mut() {
                        Some(last) if last.1.saturating_add(1) == s => last.1 = t,
                        _ => gr.1.push((s, t)),
                    },
                    None => groups.push((child, vec![(s, t)])),
                }
            }
            match groups.len() {
                0 => None,
                // The answer does not matter here: skip the question.
                1 => groups.first().map(|gr| gr.0),
                _ => {
                    groups.sort_by_key(|gr| gr.1.first().map(|r| r.0).unwrap_or(0));
                    Some(self.intern_question(input, groups))
                }
            }
        };
        self.memo.insert((g, a), result);
        Ok(result)
    }

    fn intern_question(&mut self, input: usize, groups: Answers) -> usize {
        let key = (input, groups);
        if let Some(&ix) = self.questions.get(&key) {
            return ix;
        }
        let ix = self.nodes.len();
        let (name, text) = question_text(self.policy, input);
        self.nodes
            .push(ViewNode::Question(Question { input: name, text }));
        let ty = self.input_ty(input);
        let offset = match ty {
            Ty::Int { lo, .. } => lo,
            _ => 0,
        };
        for (child, ranges) in &key.1 {
            let values: Vec<(i64, i64)> = ranges
                .iter()
                .map(|&(s, t)| {
                    (
                        offset.saturating_add(i64::from(s)),
                        offset.saturating_add(i64::from(t)),
                    )
                })
                .collect();
            let (label, values) = answer(self.policy, ty, &values);
            self.edges.push(ViewEdge {
                from: ix,
                to: *child,
                label,
                values,
            });
        }
        self.questions.insert(key, ix);
        ix
    }

    /// The view leaf for a graph leaf under an acceptance mask.
    fn leaf(&mut self, leaf: usize, mask: u32) -> Option<usize> {
        let l = self.dg.leaves.get(leaf)?;
        let mut gathered: Vec<(OutputId, RuleId)> = Vec::new();
        let key = match l.status {
            Status::BrokenAssumption => return None,
            Status::OutOfScope => Key::OutOfScope,
            Status::InScope => {
                let outputs: Vec<OutputId> = match self.which {
                    Which::Whole => (0..self.policy.outputs.len()).collect(),
                    Which::Output(o) => vec![o],
                };
                let mut outs = Vec::new();
                for o in outputs {
                    let Some(outcome) = l.outcomes.get(o) else {
                        continue;
                    };
                    let verdict = outcome.verdict();
                    let (by, conflict) = match outcome {
                        Outcome::Value { by, .. } => (by.clone(), Vec::new()),
                        Outcome::Gap => (Vec::new(), Vec::new()),
                        Outcome::Conflict { values } => (Vec::new(), values.clone()),
                    };
                    let accepted: Vec<usize> = if verdict == Verdict::Gap {
                        self.policy
                            .accepted_gaps
                            .iter()
                            .enumerate()
                            .take(MAX_ACCEPTANCES)
                            .filter(|(k, acc)| acc.output == o && mask & (1 << k) != 0)
                            .map(|(k, _)| k)
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let by_default = self.is_default(o, &verdict, &by);
                    // Leaves are told apart by what they show, not by which rules
                    // gave it: two boxes saying the same would puzzle a reader. The
                    // rules behind a box are gathered over every path into it.
                    gathered.extend(by.iter().map(|&r| (o, r)));
                    outs.push(OutKey {
                        output: o,
                        verdict,
                        by_default,
                        conflict,
                        accepted,
                    });
                }
                Key::InScope(outs)
            }
        };
        let ix = self.intern_leaf(key);
        if !gathered.is_empty() {
            let rules = self.leaf_rules.entry(ix).or_default();
            rules.extend(gathered);
            rules.sort_unstable();
            rules.dedup();
        }
        Some(ix)
    }

    /// No rule gives the value: it is the output's default.
    fn is_default(&self, o: OutputId, verdict: &Verdict, by: &[RuleId]) -> bool {
        let Some(def) = self.policy.outputs.get(o) else {
            return false;
        };
        match verdict {
            Verdict::Value(v) => {
                by.is_empty()
                    && matches!(def.ty, OutputTy::Single(_))
                    && def.default.as_ref() == Some(v)
            }
            _ => false,
        }
    }

    fn intern_leaf(&mut self, key: Key) -> usize {
        if let Some(&ix) = self.leaves.get(&key) {
            return ix;
        }
        let ix = self.nodes.len();
        let leaf = match &key {
            Key::OutOfScope => Leaf::out_of_scope(),
            Key::InScope(outs) => Leaf::new(outs.iter().map(|k| self.leaf_output(k)).collect()),
        };
        self.nodes.push(ViewNode::Leaf(leaf));
        self.leaves.insert(key, ix);
        ix
    }

    fn leaf_output(&self, k: &OutKey) -> LeafOutput {
        let p = self.policy;
        let def = p.outputs.get(k.output);
        let name = def.map(|d| d.name.clone()).unwrap_or_default();
        let rule_names = |rs: &[RuleId]| -> Vec<String> {
            rs.iter()
                .filter_map(|&r| p.rules.get(r).map(|x| x.name.clone()))
                .collect()
        };
        let status = match &k.verdict {
            Verdict::Value(v) => value_status(p, v, k.by_default),
            Verdict::Gap => OutputStatus::Gap {
                accepted: k
                    .accepted
                    .first()
                    .and_then(|&i| p.accepted_gaps.get(i))
                    .map(|a| a.reason.clone()),
            },
            Verdict::Conflict(values) => OutputStatus::Conflict {
                values: values
                    .iter()
                    .map(|v| ConflictValue {
                        shown: p.show_value(v),
                        json: p.value_json(v),
                        rules: k
                            .conflict
                            .iter()
                            .find(|(cv, _)| cv == v)
                            .map(|(_, rs)| rule_names(rs))
                            .unwrap_or_default(),
                    })
                    .collect(),
            },
        };
        LeafOutput {
            output: name,
            status,
            rules: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
