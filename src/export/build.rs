//! From the compiled [`DecisionGraph`] to the [`GraphView`] the writers draw.
//!
//! The compiled graph answers every combination of input values, including those that
//! break an assumption (`youngest_age <= oldest_age`), and it does not show which gaps a
//! policy accepts (`accept gap ... when ...` is a region of incidents, not a property
//! of a leaf). A picture needs neither the impossible incidents nor a leaf that hides
//! whether its gap is accepted, so the view is rebuilt as a decision diagram of its own:
//!
//! 1. the graph becomes a multi-valued diagram again, and is combined with a diagram of
//!    the acceptances, so that each terminal says what a leaf of the drawing shows
//!    (status; per output the value, gap, accepted gap or conflict); leaves that show the
//!    same are one terminal, whatever rules produced them;
//! 2. incidents that break an assumption are *don't care*: the diagram is simplified
//!    under the care set (the valid incidents and those out of scope). Where an answer
//!    leads only to impossible incidents it joins a neighbouring answer, and where one
//!    sub-graph agrees with another on every possible incident it is replaced by it.
//!    With `assume oldest_age == youngest_age implies not significant_age_difference`
//!    the second rule is what keeps the picture from asking the oldest age once per
//!    youngest age;
//! 3. the result, reduced and shared as every diagram is, is written out as questions
//!    (one per node, answers merged per child) and leaves.
//!
//! Every possible incident still reaches the leaf with its decision (checked against
//! brute-force enumeration in the tests). With `--output NAME` the terminals keep only
//! that output's result, which yields that output's own, usually much smaller, graph.

use crate::collections::HashMap;

use petgraph::visit::EdgeRef;

use super::view::{
    answer, question_text, value_status, ConflictValue, GraphView, Leaf, LeafOutput, OutputStatus,
    Question, ValueSource, ViewEdge, ViewNode,
};
use super::words;
use crate::check::ir::{
    AcceptId, InputId, OutputId, OutputTy, Policy, RuleId, Ty, Value, VariantId,
};
use crate::compile::graph::{DecisionGraph, GraphNode, Outcome, Status, ValueSet, Verdict};
use crate::compile::{CResult, CompileError, Compiler};
use crate::mdd::{Edge, Mdd, NodeId, FALSE, TRUE};

/// Which decision to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Every output.
    Whole,
    /// One output.
    Output(OutputId),
    /// Whether a set output holds one variant: a set of five reasons has 32 values, and
    /// its graph is wide; each member's yes or no is a small graph of its own.
    Member(OutputId, VariantId),
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
    /// Values of a conflict or an overlap with the rules giving each.
    conflict: Vec<(Value, Vec<RuleId>)>,
    accepted: Vec<AcceptId>,
}

/// The values a precedence ranked below an output's value, with their rules, gathered
/// over the graph leaves of one drawn leaf: `None` where some incident of the leaf gets
/// the value plainly (no other value applies), or wins over other values than another.
type Over = Option<Outranked>;

/// Values a precedence ranked below a value, each with the rules that gave it.
type Outranked = Vec<(Value, Vec<RuleId>)>;

/// The terminal for incidents that break an assumption (leaf ids stay far below it).
const BROKEN: u32 = 1 << 30;

/// The leaves of the drawing, as terminal ids of the diagram.
struct Keys<'a> {
    policy: &'a Policy,
    dg: &'a DecisionGraph,
    which: Which,
    ids: HashMap<Key, u32>,
    keys: Vec<Key>,
    /// Per key: the rules behind each output, gathered over every graph leaf.
    rules: Vec<Vec<(OutputId, RuleId)>>,
    /// Per key and output: what its precedence ranked below the value. Whether a
    /// precedence chose the value is not what a leaf decides: a question whose answers
    /// differ only there (is the DSL confident, where a referral wins over managing in
    /// school anyway) would be drawn though every answer leads to the same decision.
    over: Vec<HashMap<OutputId, Over>>,
}

impl Keys<'_> {
    /// The terminal of graph leaf `leaf` where the acceptances in `mask` hold.
    fn id(&mut self, leaf: u32, mask: u32) -> u32 {
        let Some(l) = self.dg.leaves.get(leaf as usize) else {
            return BROKEN;
        };
        let mut gathered: Vec<(OutputId, RuleId)> = Vec::new();
        let mut overs: Vec<(OutputId, Outranked)> = Vec::new();
        let key = match l.status {
            Status::BrokenAssumption => return BROKEN,
            Status::OutOfScope => Key::OutOfScope,
            Status::InScope => {
                let outputs: Vec<OutputId> = match self.which {
                    Which::Whole => self.policy.outputs.ids().collect(),
                    Which::Output(o) | Which::Member(o, _) => vec![o],
                };
                let mut outs = Vec::new();
                for o in outputs {
                    let Some(outcome) = l.outcome(o) else {
                        continue;
                    };
                    let verdict = outcome.verdict();
                    let (by, conflict, over) = match outcome {
                        Outcome::Value { by, over, .. } => (by.clone(), Vec::new(), over.clone()),
                        Outcome::Gap => (Vec::new(), Vec::new(), Vec::new()),
                        Outcome::Conflict { values } | Outcome::Overlap { values } => {
                            (Vec::new(), values.clone(), Vec::new())
                        }
                    };
                    let (verdict, by) = match self.which {
                        Which::Member(_, v) => self.member(o, v, verdict, by),
                        _ => (verdict, by),
                    };
                    let accepted: Vec<AcceptId> = if verdict == Verdict::Gap {
                        self.policy
                            .accepted_gaps
                            .entries()
                            .take(MAX_ACCEPTANCES)
                            .filter(|(k, acc)| acc.output == o && mask & (1 << k.index()) != 0)
                            .map(|(k, _)| k)
                            .collect()
                    } else {
                        Vec::new()
                    };
                    let by_default = self.is_default(o, &verdict, &by);
                    // Leaves are told apart by what they show, not by which rules gave
                    // it: two boxes saying the same would puzzle a reader.
                    gathered.extend(by.iter().map(|&r| (o, r)));
                    if matches!(verdict, Verdict::Value(_)) {
                        overs.push((o, over));
                    }
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
        let id = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.keys.len() as u32;
                self.ids.insert(key.clone(), id);
                self.keys.push(key);
                self.rules.push(Vec::new());
                self.over.push(HashMap::default());
                id
            }
        };
        if let Some(rules) = self.rules.get_mut(id as usize) {
            rules.extend(gathered);
            rules.sort_unstable();
            rules.dedup();
        }
        if let Some(seen) = self.over.get_mut(id as usize) {
            for (o, over) in overs {
                let this = (!over.is_empty()).then_some(over);
                match seen.get_mut(&o) {
                    None => {
                        seen.insert(o, this);
                    }
                    Some(slot) => {
                        *slot = match (slot.take(), this) {
                            // The same values outranked: their rules together.
                            (Some(mut all), Some(more))
                                if all.iter().map(|a| &a.0).eq(more.iter().map(|m| &m.0)) =>
                            {
                                for ((_, rs), (_, more)) in all.iter_mut().zip(more) {
                                    rs.extend(more);
                                    rs.sort_unstable();
                                    rs.dedup();
                                }
                                Some(all)
                            }
                            // The value is plain for some incidents of the leaf, or it
                            // wins over other values for others: the leaf says the value
                            // alone, which holds for every incident of it.
                            _ => None,
                        };
                    }
                }
            }
        }
        id
    }

    /// A set output's verdict as whether it holds variant `v`, with the rules that put
    /// it there.
    fn member(
        &self,
        o: OutputId,
        v: VariantId,
        verdict: Verdict,
        by: Vec<RuleId>,
    ) -> (Verdict, Vec<RuleId>) {
        let holds = |value: &Value| matches!(value, Value::Set(_, vs) if vs.contains(&v));
        match verdict {
            Verdict::Value(value) => {
                let yes = holds(&value);
                let by = if yes {
                    by.into_iter()
                        .filter(|&r| {
                            self.policy.rules[r]
                                .assigns
                                .iter()
                                .any(|a| a.output == o && holds(&a.value))
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                (Verdict::Value(Value::Bool(yes)), by)
            }
            Verdict::Conflict(values) => {
                let mut bs: Vec<Value> = values.iter().map(|x| Value::Bool(holds(x))).collect();
                bs.sort_by_key(|b| matches!(b, Value::Bool(true)));
                bs.dedup();
                match bs.as_slice() {
                    [one] => (Verdict::Value(one.clone()), Vec::new()),
                    _ => (Verdict::Conflict(bs), Vec::new()),
                }
            }
            Verdict::Gap => (Verdict::Gap, Vec::new()),
            // Only a single-valued output is exclusive: never a set's member.
            Verdict::Overlap(values) => (Verdict::Overlap(values), Vec::new()),
        }
    }

    /// No rule gives the value: it is the output's default.
    fn is_default(&self, o: OutputId, verdict: &Verdict, by: &[RuleId]) -> bool {
        let def = &self.policy.outputs[o];
        match verdict {
            Verdict::Value(v) => {
                by.is_empty()
                    && matches!(def.ty, OutputTy::Single(_))
                    && def.default.as_ref() == Some(v)
            }
            _ => false,
        }
    }

    fn leaf(&self, id: u32) -> Leaf {
        let Some(key) = self.keys.get(id as usize) else {
            return Leaf::out_of_scope();
        };
        let mut leaf = match key {
            Key::OutOfScope => Leaf::out_of_scope(),
            Key::InScope(outs) => {
                let over = self.over.get(id as usize);
                Leaf::new(
                    outs.iter()
                        .map(|k| {
                            let o = over.and_then(|m| m.get(&k.output)).and_then(Option::as_ref);
                            self.leaf_output(k, o.map(Vec::as_slice).unwrap_or(&[]))
                        })
                        .collect(),
                )
            }
        };
        let rules = self
            .rules
            .get(id as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for o in &mut leaf.outputs {
            let out = self.policy.output_by_name(&o.output);
            o.rules = rules
                .iter()
                .filter(|(x, _)| Some(*x) == out)
                .map(|&(_, r)| self.policy.rules[r].name.clone())
                .collect();
        }
        leaf
    }

    fn leaf_output(&self, k: &OutKey, over: &[(Value, Vec<RuleId>)]) -> LeafOutput {
        let p = self.policy;
        let name = p.outputs[k.output].name.clone();
        let rule_names = |rs: &[RuleId]| -> Vec<String> {
            rs.iter().map(|&r| p.rules[r].name.clone()).collect()
        };
        let with_rules = |values: &[Value], of: &[(Value, Vec<RuleId>)]| -> Vec<ConflictValue> {
            values
                .iter()
                .map(|v| ConflictValue {
                    shown: words::value(p, v),
                    code: p.show_value(v),
                    json: p.value_json(v),
                    rules: of
                        .iter()
                        .find(|(cv, _)| cv == v)
                        .map(|(_, rs)| rule_names(rs))
                        .unwrap_or_default(),
                })
                .collect()
        };
        let status = match &k.verdict {
            Verdict::Value(v) if !over.is_empty() => {
                match value_status(p, v, ValueSource::Precedence) {
                    OutputStatus::Value {
                        shown, code, json, ..
                    } => {
                        let losers: Vec<Value> = over.iter().map(|o| o.0.clone()).collect();
                        OutputStatus::Value {
                            shown,
                            code,
                            json,
                            source: ValueSource::Precedence,
                            outranked: with_rules(&losers, over),
                        }
                    }
                    other => other,
                }
            }
            Verdict::Value(v) => value_status(
                p,
                v,
                if k.by_default {
                    ValueSource::Default
                } else {
                    ValueSource::Rules
                },
            ),
            Verdict::Overlap(values) => OutputStatus::Overlap {
                values: with_rules(values, &k.conflict),
            },
            // Every acceptance that covers the leaf, as `decide` names them.
            Verdict::Gap => OutputStatus::Gap {
                accepted: (!k.accepted.is_empty()).then(|| {
                    k.accepted
                        .iter()
                        .map(|&i| &p.accepted_gaps[i])
                        .map(|a| a.reason.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
            },
            Verdict::Conflict(values) => OutputStatus::Conflict {
                values: values
                    .iter()
                    .map(|v| ConflictValue {
                        shown: words::value(p, v),
                        code: p.show_value(v),
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
        let asks = match self.which {
            Which::Member(o, v) => match p.outputs[o].ty {
                OutputTy::Set(e) => {
                    format!("Among them: “{}”?", words::variant_long(p, e, v))
                }
                _ => words::output(p, k.output),
            },
            _ => words::output(p, k.output),
        };
        let name = match self.which {
            Which::Member(o, v) => match p.outputs[o].ty {
                OutputTy::Set(e) => format!("{name} includes {}", p.variant_name(e, v)),
                _ => name,
            },
            _ => name,
        };
        LeafOutput {
            asks,
            output: name,
            status,
            rules: Vec::new(),
        }
    }
}

/// The view of a policy's decision graph. `c` must be the compiler the graph was built
/// with (or one over the same order): the diagrams of the drawing are built in it.
pub fn graph_view(
    policy: &Policy,
    c: &mut Compiler<'_>,
    dg: &DecisionGraph,
    which: Which,
) -> CResult<GraphView> {
    if dg.order != c.order.levels {
        return Err(CompileError::Unsupported {
            at: None,
            what: "a decision graph drawn with a compiler of another variable order",
        });
    }
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
    let leaves = diagram_of(policy, c, dg)?;
    let mut keys = Keys {
        policy,
        dg,
        which,
        ids: HashMap::default(),
        keys: Vec::new(),
        rules: Vec::new(),
        over: Vec::new(),
    };
    let shown = c
        .mdd
        .apply_terminals(leaves, mask, |leaf, m| keys.id(leaf, m))?;
    let care = c.mdd.map_terminals(shown, |t| u32::from(t != BROKEN))?;
    let mut simp = Simplifier {
        mdd: &mut c.mdd,
        memo: HashMap::default(),
    };
    let drawn = simp.run(shown, care)?;
    let (nodes, edges, root) = to_view(policy, &c.order.levels, &c.mdd, drawn, &keys);
    let (nodes, edges, root) = renumber(nodes, edges, root);
    let output = match which {
        Which::Whole => None,
        Which::Output(o) | Which::Member(o, _) => Some(policy.outputs[o].name.clone()),
    };
    let part = match which {
        Which::Member(o, v) => match policy.outputs[o].ty {
            OutputTy::Set(e) => Some(format!(
                "{} “{}”",
                words::output(policy, o),
                words::variant_long(policy, e, v)
            )),
            OutputTy::Single(_) => None,
        },
        _ => None,
    };
    Ok(GraphView {
        policy: policy.name.clone(),
        title: policy.header.as_ref().and_then(|h| h.title.clone()),
        output,
        part,
        nodes,
        edges,
        root,
    })
}

/// The decision graph as a diagram again, its terminals the indices of its leaves.
fn diagram_of(policy: &Policy, c: &mut Compiler<'_>, dg: &DecisionGraph) -> CResult<NodeId> {
    let order =
        petgraph::algo::toposort(&dg.graph, None).map_err(|_| CompileError::Unsupported {
            at: None,
            what: "a decision graph with a cycle",
        })?;
    let mut id: HashMap<petgraph::graph::NodeIndex, NodeId> = HashMap::default();
    // Children before parents.
    for &n in order.iter().rev() {
        let node = match dg.graph.node_weight(n) {
            Some(GraphNode::Leaf { leaf }) => NodeId::terminal(*leaf as u32),
            Some(GraphNode::Question { input }) => {
                let level = c.order.level(*input);
                let ty = policy.inputs[*input].ty;
                let mut parts: Vec<(u32, NodeId)> = Vec::new();
                for e in dg.graph.edges(n) {
                    let Some(&child) = id.get(&e.target()) else {
                        continue;
                    };
                    for (_, t) in index_ranges(&e.weight().values, ty) {
                        parts.push((t.saturating_add(1), child));
                    }
                }
                parts.sort_by_key(|p| p.0);
                let edges: Vec<Edge> = parts
                    .into_iter()
                    .map(|(end, child)| Edge { end, child })
                    .collect();
                c.mdd.mk(level, &edges)?
            }
            None => continue,
        };
        id.insert(n, node);
    }
    id.get(&dg.root).copied().ok_or(CompileError::Unsupported {
        at: None,
        what: "a decision graph without its root",
    })
}

/// Simplification under a care set that also replaces a sub-graph by a sibling that
/// agrees with it wherever it matters (the "restrict" heuristic only fills in the
/// values that do not matter).
struct Simplifier<'m> {
    mdd: &'m mut Mdd,
    memo: HashMap<(NodeId, NodeId), Option<NodeId>>,
}

impl Simplifier<'_> {
    /// `None` when nothing in `care` reaches `f` (any sub-graph would do).
    fn run(&mut self, f: NodeId, care: NodeId) -> CResult<Option<NodeId>> {
        if care == FALSE {
            return Ok(None);
        }
        if f.is_terminal() || care == TRUE {
            return Ok(Some(f));
        }
        if let Some(&r) = self.memo.get(&(f, care)) {
            return Ok(r);
        }
        // Each call goes one level deeper in `f` or `care`: the depth is bounded by the
        // number of inputs, as in the engine's own operations.
        let (lf, lc) = (self.mdd.level(f), self.mdd.level(care));
        let level = lf.min(lc);
        let size = self.mdd.size(level as usize);
        let edges_at = |mdd: &Mdd, n: NodeId| -> Vec<Edge> {
            match mdd.node(n) {
                Some((l, es)) if l as u32 == level => es.to_vec(),
                _ => vec![Edge {
                    end: size,
                    child: n,
                }],
            }
        };
        let (fe, ce) = (edges_at(self.mdd, f), edges_at(self.mdd, care));
        // Elementary pieces: (end, child of f, child of care).
        let mut pieces: Vec<(u32, NodeId, NodeId)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while let (Some(a), Some(b)) = (fe.get(i), ce.get(j)) {
            let end = a.end.min(b.end);
            pieces.push((end, a.child, b.child));
            if a.end == end {
                i += 1;
            }
            if b.end == end {
                j += 1;
            }
        }
        // Simplify each piece, then let pieces share one sub-graph where it serves them
        // all: (sub-graph, where it must be right).
        let mut groups: Vec<(NodeId, NodeId)> = Vec::new();
        let mut chosen: Vec<(u32, Option<usize>)> = Vec::with_capacity(pieces.len());
        for (end, fc, cc) in pieces {
            let Some(r) = self.run(fc, cc)? else {
                chosen.push((end, None));
                continue;
            };
            let mut placed = None;
            for (k, g) in groups.iter_mut().enumerate() {
                if g.0 == r || self.agree(g.0, r, cc)? {
                    g.1 = self.mdd.or(g.1, cc)?;
                    placed = Some(k);
                    break;
                }
                if self.agree(r, g.0, g.1)? {
                    g.0 = r;
                    g.1 = self.mdd.or(g.1, cc)?;
                    placed = Some(k);
                    break;
                }
            }
            let k = match placed {
                Some(k) => k,
                None => {
                    groups.push((r, cc));
                    groups.len() - 1
                }
            };
            chosen.push((end, Some(k)));
        }
        let result = if groups.is_empty() {
            None
        } else {
            // Pieces that no valid incident reaches take their left (or right)
            // neighbour's sub-graph, so that they merge away.
            let first = chosen.iter().find_map(|c| c.1).unwrap_or(0);
            let mut last = first;
            let mut edges = Vec::with_capacity(chosen.len());
            for (end, g) in chosen {
                let k = g.unwrap_or(last);
                last = k;
                let child = groups.get(k).map(|g| g.0).unwrap_or(FALSE);
                edges.push(Edge { end, child });
            }
            Some(self.mdd.mk(level as usize, &edges)?)
        };
        self.memo.insert((f, care), result);
        Ok(result)
    }

    /// `a` gives what `b` gives on every incident of `care`.
    fn agree(&mut self, a: NodeId, b: NodeId, care: NodeId) -> CResult<bool> {
        let differ = self.mdd.apply_terminals(a, b, |x, y| u32::from(x != y))?;
        Ok(!self.mdd.intersects(care, differ))
    }
}

/// The simplified diagram as questions and leaves.
fn to_view(
    policy: &Policy,
    levels: &[InputId],
    mdd: &Mdd,
    root: Option<NodeId>,
    keys: &Keys<'_>,
) -> (Vec<ViewNode>, Vec<ViewEdge>, usize) {
    let mut nodes: Vec<ViewNode> = Vec::new();
    let mut edges: Vec<ViewEdge> = Vec::new();
    let Some(root) = root else {
        // Every incident breaks an assumption: nothing to decide.
        return (vec![ViewNode::Leaf(Leaf::out_of_scope())], edges, 0);
    };
    let mut index: HashMap<NodeId, usize> = HashMap::default();
    let mut ix_of = |n: NodeId, nodes: &mut Vec<ViewNode>| -> usize {
        if let Some(&i) = index.get(&n) {
            return i;
        }
        let i = nodes.len();
        let node = match n.terminal_value() {
            Some(t) => ViewNode::Leaf(keys.leaf(t)),
            None => {
                // The store has a level per input of the order.
                let level = mdd.level(n) as usize;
                let (name, text, judgement) = match levels.get(level) {
                    Some(&input) => {
                        let (name, text) = question_text(policy, input);
                        let judgement = policy.inputs[input]
                            .judgement
                            .as_ref()
                            .map(|j| super::words::citation(policy, &j.citation));
                        (name, text, judgement)
                    }
                    None => Default::default(),
                };
                ViewNode::Question(Question {
                    input: name,
                    text,
                    judgement,
                })
            }
        };
        nodes.push(node);
        index.insert(n, i);
        i
    };
    let root_ix = ix_of(root, &mut nodes);
    for n in mdd.nodes_of(root) {
        let Some((level, es)) = mdd.node(n) else {
            continue;
        };
        let from = ix_of(n, &mut nodes);
        let Some(&input) = levels.get(level) else {
            continue;
        };
        let ty = policy.inputs[input].ty;
        let offset = match ty {
            Ty::Int { lo, .. } => lo,
            _ => 0,
        };
        // Answers that lead to one place are one edge, in the order of their first value.
        let mut groups: Vec<(NodeId, Vec<(i64, i64)>)> = Vec::new();
        let mut start = 0u32;
        for e in es {
            let r = (
                offset.saturating_add(i64::from(start)),
                offset.saturating_add(i64::from(e.end.saturating_sub(1))),
            );
            start = e.end;
            match groups.iter_mut().find(|g| g.0 == e.child) {
                Some(g) => g.1.push(r),
                None => groups.push((e.child, vec![r])),
            }
        }
        for (child, ranges) in groups {
            let to = ix_of(child, &mut nodes);
            let (label, code, values) = answer(policy, ty, &ranges);
            edges.push(ViewEdge {
                from,
                to,
                label,
                code,
                values,
            });
        }
    }
    (nodes, edges, root_ix)
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
        ValueSet::Variants(_, vs) => vs
            .iter()
            .map(|&v| (v.index() as u32, v.index() as u32))
            .collect(),
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

#[cfg(test)]
mod tests;
