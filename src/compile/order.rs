//! The variable order: which input the decision graph asks about first.
//!
//! The size of a decision diagram depends on its order, and so does how a reader follows
//! the exported graph. policyc's default ([`OrderStrategy::Weighted`]):
//!
//! 1. Inputs that take part in one relation between several inputs (`oldest_age -
//!    youngest_age >= 3`, `a == b` over enums) are kept next to each other: a linear
//!    constraint is then exact with one branch per value of the first input leading to a
//!    threshold on the next, and the nodes it needs stay local. Such inputs form a
//!    *group* (connected components of "appear in one relation").
//! 2. Groups the scope tests come first: the graph asks whether an incident is in scope
//!    (`reported_to_police`, the ages) before anything else, as a reader of the policy
//!    and of the exported graph expects, and an out-of-scope incident leaves at the top.
//!    Then groups are ordered by weight, heaviest first: the number of rules that test
//!    one of their inputs, plus the scope and assumptions counted as heavy (they are on
//!    every path). Inputs that many rules test near the root split the incidents early
//!    into the parts where different rules apply, so rule conditions share sub-graphs
//!    below.
//! 3. Judgements (`judgement "..."`: the DSL's confidence, the officer's assessment) come
//!    after the facts: a group of judgements only follows every group with a fact. A
//!    person handling an incident establishes the facts first, and the facts may make
//!    the judgement irrelevant; the exported graph asks in that order, as `policyc ask`
//!    does, and does not put a judgement to a reader before the facts it depends on.
//! 4. Within a group, heavier inputs first; ties keep declaration order, so the order is
//!    deterministic and a policy writer can predict it.
//!
//! [`OrderStrategy::Declaration`] (the inputs in the order they are declared) is kept for
//! comparison; BENCHMARKS.md has the measurements.

use crate::check::ir::{DefineBody, DefineDef, Expr, IdxVec, InputDef, InputId, Policy};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OrderStrategy {
    /// Declaration order.
    Declaration,
    /// Related inputs together, most tested first (see the module documentation).
    #[default]
    Weighted,
}

/// A variable order: `levels[l]` is the input tested at level `l`, `level_of[i]` the
/// level of input `i`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub levels: Vec<InputId>,
    pub level_of: IdxVec<InputDef, usize>,
}

impl Order {
    pub fn from_levels(levels: Vec<InputId>) -> Order {
        let mut level_of = IdxVec::filled(0, levels.len());
        for (l, &i) in levels.iter().enumerate() {
            if let Some(slot) = level_of.get_mut(i) {
                *slot = l;
            }
        }
        Order { levels, level_of }
    }

    pub fn level(&self, input: InputId) -> usize {
        self.level_of.get(input).copied().unwrap_or(0)
    }
}

/// Collects the inputs an expression mentions (through defines too) and the groups of
/// inputs related by one atom. `depth` bounds the walk on deeply nested input.
struct Walker<'p> {
    policy: &'p Policy,
    /// Inputs mentioned by each define (computed once each).
    define_inputs: IdxVec<DefineDef, Option<Vec<InputId>>>,
    relations: Vec<Vec<InputId>>,
}

const MAX_WALK_DEPTH: usize = 4096;

impl Walker<'_> {
    fn inputs_of(&mut self, e: &Expr, out: &mut Vec<InputId>, depth: usize) {
        if depth > MAX_WALK_DEPTH {
            return;
        }
        match e {
            Expr::Const(_)
            | Expr::OutputIs { .. }
            | Expr::SetContains { .. }
            | Expr::ImportedOutputIs { .. }
            | Expr::ImportedSetContains { .. } => {}
            Expr::Input(i) | Expr::EnumIn { input: i, .. } => out.push(*i),
            Expr::Define(d) => {
                let ins = self.define(*d, depth + 1);
                out.extend(ins);
            }
            Expr::Not(a) => self.inputs_of(a, out, depth + 1),
            Expr::And(xs) | Expr::Or(xs) => {
                for x in xs {
                    self.inputs_of(x, out, depth + 1);
                }
            }
            Expr::Implies(a, b) | Expr::Iff(a, b) => {
                self.inputs_of(a, out, depth + 1);
                self.inputs_of(b, out, depth + 1);
            }
            Expr::Cmp { lhs, rhs, .. } => {
                let mut rel: Vec<InputId> = lhs
                    .terms
                    .iter()
                    .chain(rhs.terms.iter())
                    .map(|t| t.1)
                    .collect();
                rel.sort_unstable();
                rel.dedup();
                out.extend(&rel);
                if rel.len() > 1 {
                    self.relations.push(rel);
                }
            }
            Expr::EnumEq(a, b) => {
                out.push(*a);
                out.push(*b);
                self.relations.push(vec![*a, *b]);
            }
        }
    }

    fn define(&mut self, d: crate::check::ir::DefineId, depth: usize) -> Vec<InputId> {
        if let Some(Some(v)) = self.define_inputs.get(d) {
            return v.clone();
        }
        // Mark in progress so a (checker-rejected) cycle cannot loop.
        if let Some(slot) = self.define_inputs.get_mut(d) {
            *slot = Some(Vec::new());
        }
        let mut out = Vec::new();
        match &self.policy.defines[d].body {
            DefineBody::Bool(e) => self.inputs_of(e, &mut out, depth),
            DefineBody::Int(l) => out.extend(l.terms.iter().map(|t| t.1)),
        }
        out.sort_unstable();
        out.dedup();
        if let Some(slot) = self.define_inputs.get_mut(d) {
            *slot = Some(out.clone());
        }
        out
    }
}

/// The root of `x` in a union-find forest, halving the path on the way.
pub(crate) fn find(parent: &mut [usize], mut x: usize) -> usize {
    while let Some(&p) = parent.get(x) {
        if p == x {
            break;
        }
        let gp = parent.get(p).copied().unwrap_or(p);
        if let Some(slot) = parent.get_mut(x) {
            *slot = gp;
        }
        x = gp;
    }
    x
}

/// The inputs that fix an incident's decision: those the scope, the assumptions and the
/// rules' conditions read, through the defines they use. Any value of the others gives
/// the same decision.
pub fn deciding_inputs(policy: &Policy) -> Vec<bool> {
    inputs_mentioned(policy, Mentions::Deciding)
}

/// The inputs `e` reads, through the defines it uses (each once, in no set order).
pub fn expr_inputs(policy: &Policy, e: &Expr) -> Vec<InputId> {
    let mut w = Walker {
        policy,
        define_inputs: IdxVec::filled(None, policy.defines.len()),
        relations: Vec::new(),
    };
    let mut out = Vec::new();
    w.inputs_of(e, &mut out, 0);
    out.sort_unstable();
    out.dedup();
    out
}

/// The inputs that the policy's decision logic mentions: scope, assumptions, rule
/// conditions, accepted gaps and asserts, through the defines they use (not scenario
/// facts, nor defines that nothing uses): the inputs the policy reads
/// ([`Policy::reads`]), per input.
pub fn decision_inputs(policy: &Policy) -> Vec<bool> {
    let reads = policy.reads();
    policy.inputs.ids().map(|i| reads.contains(i)).collect()
}

/// Every input the policy mentions anywhere: its decision logic, every define, and the
/// facts its scenarios give.
pub fn mentioned_inputs(policy: &Policy) -> Vec<bool> {
    inputs_mentioned(policy, Mentions::Everywhere)
}

/// Where [`inputs_mentioned`] looks, each taking in the one before.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mentions {
    Deciding,
    Logic,
    Everywhere,
}

fn inputs_mentioned(policy: &Policy, reach: Mentions) -> Vec<bool> {
    let mut w = Walker {
        policy,
        define_inputs: IdxVec::filled(None, policy.defines.len()),
        relations: Vec::new(),
    };
    let mut ins = Vec::new();
    for c in policy.scope.iter().chain(&policy.assumes) {
        w.inputs_of(&c.expr, &mut ins, 0);
    }
    for r in &policy.rules {
        w.inputs_of(&r.when, &mut ins, 0);
    }
    if reach >= Mentions::Logic {
        for a in &policy.accepted_gaps {
            w.inputs_of(&a.when, &mut ins, 0);
        }
        for a in &policy.asserts {
            w.inputs_of(&a.expr, &mut ins, 0);
        }
    }
    if reach == Mentions::Everywhere {
        for d in policy.defines.ids() {
            ins.extend(w.define(d, 0));
        }
        for s in &policy.scenarios {
            ins.extend(s.given.iter().map(|f| f.input));
        }
    }
    let mut out = vec![false; policy.inputs.len()];
    for i in ins {
        if let Some(x) = out.get_mut(i.index()) {
            *x = true;
        }
    }
    out
}

pub fn choose_order(policy: &Policy, strategy: OrderStrategy) -> Order {
    let n = policy.inputs.len();
    if strategy == OrderStrategy::Declaration {
        return Order::from_levels(policy.inputs.ids().collect());
    }
    let mut w = Walker {
        policy,
        define_inputs: IdxVec::filled(None, policy.defines.len()),
        relations: Vec::new(),
    };
    let mut weight = vec![0u64; n];
    let heavy = (policy.rules.len() as u64).max(1);
    let add = |w: &mut Walker, e: &Expr, amount: u64, weight: &mut Vec<u64>| {
        let mut ins = Vec::new();
        w.inputs_of(e, &mut ins, 0);
        ins.sort_unstable();
        ins.dedup();
        for i in ins {
            if let Some(slot) = weight.get_mut(i.index()) {
                *slot = slot.saturating_add(amount);
            }
        }
    };
    for c in policy.scope.iter().chain(&policy.assumes) {
        add(&mut w, &c.expr, heavy, &mut weight);
    }
    let mut in_scope = vec![0u64; n];
    for c in &policy.scope {
        add(&mut w, &c.expr, 1, &mut in_scope);
    }
    for r in &policy.rules {
        add(&mut w, &r.when, 1, &mut weight);
    }
    for a in &policy.accepted_gaps {
        add(&mut w, &a.when, 1, &mut weight);
    }
    for a in &policy.asserts {
        add(&mut w, &a.expr, 1, &mut weight);
    }
    let mut parent: Vec<usize> = (0..n).collect();
    for rel in &w.relations {
        if let Some(&first) = rel.first() {
            for &other in rel.iter().skip(1) {
                let (a, b) = (
                    find(&mut parent, first.index()),
                    find(&mut parent, other.index()),
                );
                if a != b {
                    if let Some(slot) = parent.get_mut(a.max(b)) {
                        *slot = a.min(b);
                    }
                }
            }
        }
    }
    let roots: Vec<usize> = (0..n).map(|i| find(&mut parent, i)).collect();
    let mut group_weight = vec![0u64; n];
    let mut group_scope = vec![false; n];
    let mut group_first = vec![usize::MAX; n];
    // A group is a judgement when all its inputs are.
    let mut group_judgement = vec![true; n];
    for i in 0..n {
        let r = roots.get(i).copied().unwrap_or(i);
        if let Some(g) = group_weight.get_mut(r) {
            *g = (*g).max(weight.get(i).copied().unwrap_or(0));
        }
        if let Some(g) = group_scope.get_mut(r) {
            *g |= in_scope.get(i).is_some_and(|&k| k > 0);
        }
        if let Some(g) = group_first.get_mut(r) {
            *g = (*g).min(i);
        }
        let judgement = policy
            .inputs
            .iter()
            .nth(i)
            .is_some_and(|d| d.judgement.is_some());
        if let Some(g) = group_judgement.get_mut(r) {
            *g &= judgement;
        }
    }
    let mut levels: Vec<InputId> = policy.inputs.ids().collect();
    levels.sort_by_key(|&id| {
        let i = id.index();
        let r = roots.get(i).copied().unwrap_or(i);
        (
            !group_scope.get(r).copied().unwrap_or(false),
            group_judgement.get(r).copied().unwrap_or(false),
            std::cmp::Reverse(group_weight.get(r).copied().unwrap_or(0)),
            group_first.get(r).copied().unwrap_or(i),
            std::cmp::Reverse(weight.get(i).copied().unwrap_or(0)),
            i,
        )
    });
    Order::from_levels(levels)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    /// A scope input is asked first even when assumptions and many rules weigh other
    /// inputs more: the graph says "out of scope" at its root.
    #[test]
    fn the_scope_is_asked_first() {
        let p = crate::check::policy_from_text(
            "policy p \"t\"\ninput reported: bool\ninput a: bool\ninput b: bool\n\
             input age: 0..=99\noutput o: bool\n\
             scope reported\nassume a or b\n\
             rule r1 \"1\" cites \"c\" when a and age <= 12 then o = true\n\
             rule r2 \"2\" cites \"c\" when a and b then o = true\n\
             rule r3 \"3\" cites \"c\" when not a and age > 12 then o = false\n\
             rule r4 \"4\" cites \"c\" when b and age > 15 then o = false\n",
        );
        let order = choose_order(&p, OrderStrategy::Weighted);
        let name = |l: usize| p.inputs[order.levels[l]].name.as_str();
        assert_eq!(name(0), "reported");
        // The rest by weight: `a` and `b` carry the assumption, `a` the most rules.
        assert_eq!((name(1), name(2), name(3)), ("a", "b", "age"));
    }
}
