//! The reference semantics: direct interpretation of a policy on one incident, and
//! analyses by enumerating every incident.
//!
//! This is deliberately naive and shares no code with the diagram compiler, so the
//! property tests and benchmarks can check the compiled graph and the exact analyses
//! against it. It is only usable on small domains ([`incident_count`]).

use crate::check::ir::*;
use crate::compile::graph::{Status, Verdict};

/// Expression nesting followed before giving up (the parser limits it far below).
const MAX_DEPTH: usize = 4096;

/// Every value of a type, in index order.
pub fn values_of(policy: &Policy, ty: Ty) -> Vec<Value> {
    match ty {
        Ty::Bool => vec![Value::Bool(false), Value::Bool(true)],
        Ty::Enum(e) => policy.enums[e]
            .variants
            .ids()
            .map(|v| Value::Enum(e, v))
            .collect(),
        Ty::Int { lo, hi } => (lo..=hi).map(Value::Int).collect(),
    }
}

/// Calls `f` on every complete incident (values by input id), in lexicographic order.
pub fn for_each_incident(policy: &Policy, mut f: impl FnMut(&[Value])) {
    let domains: Vec<Vec<Value>> = policy
        .inputs
        .iter()
        .map(|i| values_of(policy, i.ty))
        .collect();
    if domains.iter().any(|d| d.is_empty()) {
        return;
    }
    let mut idx = vec![0usize; domains.len()];
    let mut current: Vec<Value> = domains.iter().filter_map(|d| d.first().cloned()).collect();
    loop {
        f(&current);
        // Odometer increment.
        let mut k = domains.len();
        loop {
            if k == 0 {
                return;
            }
            k -= 1;
            let (Some(i), Some(d)) = (idx.get_mut(k), domains.get(k)) else {
                return;
            };
            *i += 1;
            if *i < d.len() {
                if let (Some(slot), Some(v)) = (current.get_mut(k), d.get(*i)) {
                    *slot = v.clone();
                }
                break;
            }
            *i = 0;
            if let (Some(slot), Some(v)) = (current.get_mut(k), d.first()) {
                *slot = v.clone();
            }
        }
    }
}

fn int_of(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Int(i)) => *i,
        Some(Value::Bool(b)) => i64::from(*b),
        Some(Value::Enum(_, v)) => v.index() as i64,
        _ => 0,
    }
}

/// Evaluates a boolean expression; `outputs` gives the verdicts for asserts.
pub fn eval(
    policy: &Policy,
    e: &Expr,
    inputs: &[Value],
    outputs: Option<&IdxVec<OutputDef, Verdict>>,
) -> bool {
    eval_rec(policy, e, inputs, outputs, 0)
}

fn eval_rec(
    policy: &Policy,
    e: &Expr,
    inputs: &[Value],
    outputs: Option<&IdxVec<OutputDef, Verdict>>,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let ev = |x: &Expr| eval_rec(policy, x, inputs, outputs, depth + 1);
    match e {
        Expr::Const(b) => *b,
        Expr::Input(i) => inputs.get(i.index()) == Some(&Value::Bool(true)),
        Expr::Define(d) => match &policy.defines[*d].body {
            DefineBody::Bool(b) => ev(b),
            DefineBody::Int(_) => false,
        },
        Expr::Not(a) => !ev(a),
        Expr::And(xs) => xs.iter().all(ev),
        Expr::Or(xs) => xs.iter().any(ev),
        Expr::Implies(a, b) => !ev(a) || ev(b),
        Expr::Iff(a, b) => ev(a) == ev(b),
        Expr::Cmp { lhs, op, rhs } => {
            let l = i128::from(lhs.constant)
                + lhs
                    .terms
                    .iter()
                    .map(|&(c, i)| i128::from(c) * i128::from(int_of(inputs.get(i.index()))))
                    .sum::<i128>();
            let r = i128::from(rhs.constant)
                + rhs
                    .terms
                    .iter()
                    .map(|&(c, i)| i128::from(c) * i128::from(int_of(inputs.get(i.index()))))
                    .sum::<i128>();
            match op {
                CmpOp::Eq => l == r,
                CmpOp::Ne => l != r,
                CmpOp::Lt => l < r,
                CmpOp::Le => l <= r,
                CmpOp::Gt => l > r,
                CmpOp::Ge => l >= r,
            }
        }
        Expr::EnumIn { input, variants } => match inputs.get(input.index()) {
            Some(Value::Enum(_, v)) => variants.contains(v),
            _ => false,
        },
        Expr::EnumEq(a, b) => inputs.get(a.index()) == inputs.get(b.index()),
        Expr::OutputIs { output, values } => match outputs.and_then(|o| o.get(*output)) {
            Some(Verdict::Value(v)) => values.contains(v),
            _ => false,
        },
        Expr::SetContains { output, variant } => match outputs.and_then(|o| o.get(*output)) {
            Some(Verdict::Value(Value::Set(_, vs))) => vs.contains(variant),
            _ => false,
        },
        // An imported policy reads the importer's inputs (same ids): decide it directly.
        Expr::ImportedOutputIs {
            import,
            output,
            values,
        } => match decide(&policy.imports[*import].policy, inputs)
            .verdicts
            .get(*output)
        {
            Some(Verdict::Value(v)) => values.contains(v),
            _ => false,
        },
        Expr::ImportedSetContains {
            import,
            output,
            variant,
        } => match decide(&policy.imports[*import].policy, inputs)
            .verdicts
            .get(*output)
        {
            Some(Verdict::Value(Value::Set(_, vs))) => vs.contains(variant),
            _ => false,
        },
    }
}

/// Whether rule `s` overrides rule `r` directly or through a chain.
pub fn overrides(policy: &Policy, s: RuleId, r: RuleId) -> bool {
    overridden_by(policy, s).get(r).copied().unwrap_or(false)
}

/// Every rule `s` overrides directly or through a chain, as a flag per rule.
fn overridden_by(policy: &Policy, s: RuleId) -> IdxVec<RuleDef, bool> {
    let mut seen = IdxVec::filled(false, policy.rules.len());
    let mut stack: Vec<RuleId> = policy.rules[s].overrides.clone();
    while let Some(t) = stack.pop() {
        match seen.get_mut(t) {
            Some(x) if !*x => *x = true,
            _ => continue,
        }
        stack.extend(policy.rules[t].overrides.iter().copied());
    }
    seen
}

/// The reference decision for one incident.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefDecision {
    pub status: Status,
    pub verdicts: IdxVec<OutputDef, Verdict>,
    pub applied: Vec<RuleId>,
    pub overridden: Vec<RuleId>,
    /// Per output: the effective (rule, value) assignments.
    pub effective: IdxVec<OutputDef, Vec<(RuleId, Value)>>,
}

pub fn decide(policy: &Policy, inputs: &[Value]) -> RefDecision {
    let none = |status| RefDecision {
        status,
        verdicts: IdxVec::new(),
        applied: Vec::new(),
        overridden: Vec::new(),
        effective: IdxVec::new(),
    };
    if !policy
        .assumes
        .iter()
        .all(|a| eval(policy, &a.expr, inputs, None))
    {
        return none(Status::BrokenAssumption);
    }
    if !policy
        .scope
        .iter()
        .all(|s| eval(policy, &s.expr, inputs, None))
    {
        return none(Status::OutOfScope);
    }
    let applied: Vec<RuleId> = policy
        .rules
        .entries()
        .filter(|(_, x)| eval(policy, &x.when, inputs, None))
        .map(|(r, _)| r)
        .collect();
    // An assignment of r to o is overridden when an applied rule that overrides r
    // (transitively) also assigns o. What each applied rule overrides is walked once:
    // asking `overrides` per pair made a policy of thousands of rules slow to decide.
    let reach: Vec<(RuleId, IdxVec<RuleDef, bool>)> = applied
        .iter()
        .map(|&s| (s, overridden_by(policy, s)))
        .collect();
    let beaten = |r: RuleId, o: OutputId| {
        reach.iter().any(|(s, over)| {
            over.get(r).copied().unwrap_or(false)
                && policy.rules[*s].assigns.iter().any(|a| a.output == o)
        })
    };
    let mut overridden = Vec::new();
    let mut effective: IdxVec<OutputDef, Vec<(RuleId, Value)>> =
        IdxVec::filled(Vec::new(), policy.outputs.len());
    for &r in &applied {
        let mut any = false;
        for a in &policy.rules[r].assigns {
            if beaten(r, a.output) {
                any = true;
            } else if let Some(e) = effective.get_mut(a.output) {
                e.push((r, a.value.clone()));
            }
        }
        if any {
            overridden.push(r);
        }
    }
    let verdicts = policy
        .outputs
        .iter()
        .zip(&effective)
        .map(|(out, eff)| match out.ty {
            OutputTy::Set(e) => {
                let mut vs: Vec<VariantId> = Vec::new();
                for (_, v) in eff {
                    if let Value::Set(_, items) = v {
                        for i in items {
                            if !vs.contains(i) {
                                vs.push(*i);
                            }
                        }
                    }
                }
                vs.sort_unstable();
                Verdict::Value(Value::Set(e, vs))
            }
            OutputTy::Single(_) => {
                let mut values: Vec<Value> = eff.iter().map(|p| p.1.clone()).collect();
                values.sort();
                values.dedup();
                if let (HitPolicy::Exclusive { .. }, true) = (&out.hit, eff.len() >= 2) {
                    return Verdict::Overlap(values);
                }
                match values.len() {
                    0 => out
                        .default
                        .clone()
                        .map(Verdict::Value)
                        .unwrap_or(Verdict::Gap),
                    1 => Verdict::Value(values.swap_remove(0)),
                    _ => match precedence_winner(out, &values) {
                        Some(w) => Verdict::Value(w),
                        None => Verdict::Conflict(values),
                    },
                }
            }
        })
        .collect();
    RefDecision {
        status: Status::InScope,
        verdicts,
        applied,
        overridden,
        effective,
    }
}

/// What an incident's decision says, as the dependence test (unused inputs) compares
/// it: the status and, in scope, each output's verdict and, for a conflict or an
/// overlap, which rule gives which value. `decide` names the conflicting rules, and a writer resolves a
/// conflict rule by rule: two conflicts between different rules are different
/// decisions even when the values are the same (on a decision table where every
/// incident is a conflict between every value, the values alone would make every input
/// look unused).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub status: Status,
    pub verdicts: IdxVec<OutputDef, Verdict>,
    /// Per output in conflict or overlap: the effective (rule, value) assignments, sorted.
    pub conflicts: Vec<(OutputId, Vec<(RuleId, Value)>)>,
}

/// The observable decision of [`decide`].
pub fn observed(d: &RefDecision) -> Observed {
    let conflicts = d
        .verdicts
        .entries()
        .filter(|(_, v)| matches!(v, Verdict::Conflict(_) | Verdict::Overlap(_)))
        .map(|(o, _)| {
            let mut eff = d.effective.get(o).cloned().unwrap_or_default();
            eff.sort();
            eff.dedup();
            (o, eff)
        })
        .collect();
    Observed {
        status: d.status,
        verdicts: d.verdicts.clone(),
        conflicts,
    }
}

/// Where `values` (two or more, different) apply to a precedence output: the one ranked
/// highest, when every one is ranked.
fn precedence_winner(out: &OutputDef, values: &[Value]) -> Option<Value> {
    let HitPolicy::Precedence { order, .. } = &out.hit else {
        return None;
    };
    if !values.iter().all(|v| order.contains(v)) {
        return None;
    }
    order.iter().find(|x| values.contains(x)).cloned()
}

type Pairs = std::collections::BTreeMap<(OutputId, RuleId, RuleId), u128>;

/// At one incident, for output `o` (`out`) with effective assignments `eff`: marks the
/// assignments (per rule, by index) that decide (effective and not outranked by
/// precedence), and counts
/// each pair of rules into `lists`: conflicts, decisions of a precedence, overlaps.
fn deciding_and_pairs(
    out: &OutputDef,
    o: OutputId,
    eff: &[(RuleId, Value)],
    rules: &crate::check::ir::Arena<RuleDef>,
    effective_somewhere: &mut IdxVec<RuleDef, Vec<bool>>,
    lists: [&mut Pairs; 3],
) {
    let [conflicts, resolved, overlaps] = lists;
    let single = matches!(out.ty, OutputTy::Single(_));
    let ranked = |v: &Value| match &out.hit {
        HitPolicy::Precedence { order, .. } => order.contains(v),
        _ => false,
    };
    let all_ranked = eff.iter().all(|(_, v)| ranked(v));
    // The value precedence chose here, if it chose.
    let mut values: Vec<Value> = eff.iter().map(|p| p.1.clone()).collect();
    values.sort();
    values.dedup();
    let winner = if values.len() >= 2 {
        precedence_winner(out, &values)
    } else {
        None
    };
    for (r, v) in eff {
        let outranked = winner.as_ref().is_some_and(|w| w != v);
        if outranked {
            continue;
        }
        let assigns = rules[*r].assigns.as_slice();
        let marks = effective_somewhere.get_mut(*r).map(|x| x.iter_mut());
        for (a, x) in assigns.iter().zip(marks.into_iter().flatten()) {
            if a.output == o && a.value == *v {
                *x = true;
            }
        }
    }
    for (i, (r1, v1)) in eff.iter().enumerate() {
        for (r2, v2) in eff.iter().skip(i + 1) {
            if !single || r1 == r2 {
                continue;
            }
            let key = (o, (*r1).min(*r2), (*r1).max(*r2));
            let list = match &out.hit {
                HitPolicy::Exclusive { .. } => &mut *overlaps,
                _ if v1 == v2 => continue,
                HitPolicy::Precedence { .. } if ranked(v1) && ranked(v2) => {
                    if !all_ranked {
                        // An unranked value applies too: the pairs with it are the
                        // conflict.
                        continue;
                    }
                    &mut *resolved
                }
                _ => &mut *conflicts,
            };
            *list.entry(key).or_insert(0) += 1;
        }
    }
}

/// Analyses by enumeration, for comparison with `crate::analyse`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BruteAnalysis {
    /// Per output: (unaccepted gap count, accepted gap count).
    pub gaps: IdxVec<OutputDef, (u128, u128)>,
    /// Acceptances covering no gap.
    pub stale: Vec<AcceptId>,
    /// (output, rule a, rule b) with a < b, and the number of incidents.
    pub conflicts: Vec<(OutputId, RuleId, RuleId, u128)>,
    /// Pairs of rules giving a precedence output different values where its precedence
    /// decides (every value applying ranked), as `conflicts`.
    pub resolved: Vec<(OutputId, RuleId, RuleId, u128)>,
    /// Pairs of rules both effective on an `exclusive` output, as `conflicts`.
    pub overlaps: Vec<(OutputId, RuleId, RuleId, u128)>,
    /// Rules that never apply to a valid incident.
    pub never_apply: Vec<RuleId>,
    /// Rules that apply somewhere but every assignment is always overridden or
    /// outranked by precedence.
    pub always_overridden: Vec<RuleId>,
    /// Assignments (rule, index) that never take effect (overridden or outranked
    /// wherever their rule applies), of rules that apply and are not always overridden.
    pub dead_assignments: Vec<(RuleId, usize)>,
    /// Rules, neither never applying nor always overridden, that can be removed (made
    /// never to apply) without changing any verdict of any valid incident.
    pub redundant: Vec<RuleId>,
    pub unused_inputs: Vec<InputId>,
    /// Per assert: the number of counterexamples.
    pub assert_failures: IdxVec<AssertDef, u128>,
    pub valid: u128,
}

pub fn analyse(policy: &Policy) -> BruteAnalysis {
    let n_out = policy.outputs.len();
    let mut b = BruteAnalysis {
        gaps: IdxVec::filled((0, 0), n_out),
        assert_failures: IdxVec::filled(0, policy.asserts.len()),
        ..BruteAnalysis::default()
    };
    let mut applies: IdxVec<RuleDef, bool> = IdxVec::filled(false, policy.rules.len());
    let mut effective_somewhere: IdxVec<RuleDef, Vec<bool>> = policy
        .rules
        .iter()
        .map(|r| vec![false; r.assigns.len()])
        .collect();
    let mut stale_hit: IdxVec<AcceptedGap, bool> =
        IdxVec::filled(false, policy.accepted_gaps.len());
    let mut conflicts: Pairs = Default::default();
    let mut resolved: Pairs = Default::default();
    let mut overlaps: Pairs = Default::default();
    // The full observable outcome per incident, for the dependence test.
    let mut outcomes: Vec<Observed> = Vec::new();
    for_each_incident(policy, |inc| {
        let d = decide(policy, inc);
        outcomes.push(observed(&d));
        if d.status != Status::InScope {
            return;
        }
        b.valid += 1;
        for &r in &d.applied {
            if let Some(a) = applies.get_mut(r) {
                *a = true;
            }
        }
        for (o, eff) in d.effective.entries() {
            let out = &policy.outputs[o];
            deciding_and_pairs(
                out,
                o,
                eff,
                &policy.rules,
                &mut effective_somewhere,
                [&mut conflicts, &mut resolved, &mut overlaps],
            );
        }
        for (o, v) in d.verdicts.entries() {
            if *v != Verdict::Gap {
                continue;
            }
            let accepting: Vec<AcceptId> = policy
                .accepted_gaps
                .entries()
                .filter(|(_, a)| a.output == o && eval(policy, &a.when, inc, None))
                .map(|(i, _)| i)
                .collect();
            for &a in &accepting {
                if let Some(s) = stale_hit.get_mut(a) {
                    *s = true;
                }
            }
            if let Some(g) = b.gaps.get_mut(o) {
                if accepting.is_empty() {
                    g.0 += 1;
                } else {
                    g.1 += 1;
                }
            }
        }
        for (k, a) in policy.asserts.entries() {
            if !eval(policy, &a.expr, inc, Some(&d.verdicts)) {
                if let Some(f) = b.assert_failures.get_mut(k) {
                    *f += 1;
                }
            }
        }
    });
    b.stale = policy
        .accepted_gaps
        .entries()
        .filter(|&(a, _)| !stale_hit.get(a).copied().unwrap_or(true))
        .filter(|(_, x)| {
            let o = &policy.outputs[x.output];
            o.default.is_none() && matches!(o.ty, OutputTy::Single(_))
        })
        .map(|(a, _)| a)
        .collect();
    let listed = |m: Pairs| {
        m.into_iter()
            .map(|((o, r1, r2), n)| (o, r1, r2, n))
            .collect()
    };
    b.conflicts = listed(conflicts);
    b.resolved = listed(resolved);
    b.overlaps = listed(overlaps);
    for r in policy.rules.ids() {
        if !applies.get(r).copied().unwrap_or(false) {
            b.never_apply.push(r);
        } else {
            let marks = effective_somewhere
                .get(r)
                .map(|x| x.as_slice())
                .unwrap_or(&[]);
            if !marks.is_empty() && marks.iter().all(|x| !x) {
                b.always_overridden.push(r);
            } else {
                let dead = marks.iter().enumerate().filter(|p| !p.1);
                b.dead_assignments.extend(dead.map(|(k, _)| (r, k)));
            }
        }
    }
    b.redundant = redundant(policy, &b, &outcomes);
    b.unused_inputs = unused_inputs(policy, &outcomes);
    b
}

/// The rules, neither never applying nor always overridden, that can be made never to
/// apply without changing any verdict of any valid incident (`outcomes`: each
/// incident's, in enumeration order).
fn redundant(policy: &Policy, b: &BruteAnalysis, outcomes: &[Observed]) -> Vec<RuleId> {
    let mut redundant = Vec::new();
    for r in policy.rules.ids() {
        if b.never_apply.contains(&r) || b.always_overridden.contains(&r) {
            continue;
        }
        let mut without = policy.clone();
        without.rules[r].when = Expr::Const(false);
        let mut changes = false;
        let mut k = 0usize;
        for_each_incident(policy, |inc| {
            let here = outcomes.get(k);
            k += 1;
            if changes || here.is_none_or(|h| h.status != Status::InScope) {
                return;
            }
            changes = here.is_some_and(|h| h.verdicts != decide(&without, inc).verdicts);
        });
        if !changes {
            redundant.push(r);
        }
    }
    redundant
}

/// The inputs no outcome depends on (`outcomes`: each incident's, in enumeration order).
fn unused_inputs(policy: &Policy, outcomes: &[Observed]) -> Vec<InputId> {
    let mut unused = Vec::new();
    // Input i is used when two incidents differing only in i have different outcomes.
    // Incidents are enumerated in odometer order, so the neighbour of incident k in
    // input i is k ± stride(i).
    let sizes: Vec<usize> = policy
        .inputs
        .iter()
        .map(|i| policy.domain_size(i.ty) as usize)
        .collect();
    for input in policy.inputs.ids() {
        let i = input.index();
        let stride: usize = sizes.iter().skip(i + 1).product();
        let size = sizes.get(i).copied().unwrap_or(1);
        let mut used = false;
        for (k, out) in outcomes.iter().enumerate() {
            let digit = (k / stride.max(1)) % size.max(1);
            if digit + 1 < size && outcomes.get(k + stride) != Some(out) {
                used = true;
                break;
            }
        }
        // An input an acceptance reads is used: `decide` says whether a gap is
        // accepted (the acceptance itself is read syntactically, as the engines do).
        if !used && !super::accepting_inputs(policy).contains(&input) {
            unused.push(input);
        }
    }
    unused
}
