//! Whether an `accept gap` covers an incident known only in part.
//!
//! The decision graph holds no acceptances, so `decide` reads them from the facts. With
//! partial facts an acceptance's condition may hold in every completion, in none, or
//! depend on facts not given: only the first two are answers, the third is a question
//! still to ask (naming "not accepted" there would claim what is not known).

use crate::analyse::brute;
use crate::check::ir::{CmpOp, DefineBody, Expr, InputId, Policy, Ty, Value};
use crate::compile::order::expr_inputs;

use super::Facts;

/// At most this many combinations of the values not given are tried to settle a
/// condition that a three-valued reading leaves open (`n <= 3 or n >= 2`): enough for a
/// few booleans, enums or small ranges, and cheap for every line of a large batch.
const ENUMERATION_LIMIT: u64 = 4096;

const MAX_DEPTH: usize = 4096;

/// Whether `e` holds for the facts: `Some` when it takes that value in every
/// completion, `None` when it depends on inputs not given.
///
/// A three-valued reading settles most conditions; what it leaves open is settled by
/// trying every value of the inputs not given that `e` reads (completions that break
/// an assumption reading only those and given inputs left out) when they are few
/// enough. Past `ENUMERATION_LIMIT` the condition is said to depend on them: it is
/// never settled wrongly, at worst asked about when it need not be.
pub fn settle(policy: &Policy, e: &Expr, facts: &Facts) -> Option<bool> {
    if let Some(b) = eval3(policy, e, facts, 0) {
        return Some(b);
    }
    let open: Vec<InputId> = expr_inputs(policy, e)
        .into_iter()
        .filter(|&i| facts.get(i).is_none())
        .collect();
    let types: Vec<Ty> = open.iter().map(|&i| policy.inputs[i].ty).collect();
    let sizes: Vec<u64> = types.iter().map(|&t| policy.domain_size(t)).collect();
    let total = sizes.iter().fold(1u64, |acc, &s| acc.saturating_mul(s));
    if total == 0 || total > ENUMERATION_LIMIT || types.len() != open.len() {
        return None;
    }
    // Assumptions that read nothing else still given a value by the enumeration.
    let known = |i: &InputId| facts.get(*i).is_some() || open.contains(i);
    let assumes: Vec<&Expr> = policy
        .assumes
        .iter()
        .map(|a| &a.expr)
        .filter(|a| expr_inputs(policy, a).iter().all(known))
        .collect();
    let mut values = facts.or_else(policy, |ty| crate::compile::index_value(ty, 0));
    let (mut seen_true, mut seen_false) = (false, false);
    let mut idx = vec![0u64; open.len()];
    loop {
        for ((&i, &t), &k) in open.iter().zip(&types).zip(&idx) {
            if let Some(slot) = values.get_mut(i.index()) {
                *slot = crate::compile::index_value(t, u32::try_from(k).unwrap_or(0));
            }
        }
        if assumes
            .iter()
            .all(|a| brute::eval(policy, a, &values, None))
        {
            if brute::eval(policy, e, &values, None) {
                seen_true = true;
            } else {
                seen_false = true;
            }
            if seen_true && seen_false {
                return None;
            }
        }
        // Odometer step; done when every position wrapped.
        let mut carried = true;
        for (k, &size) in idx.iter_mut().zip(&sizes) {
            *k += 1;
            if *k < size {
                carried = false;
                break;
            }
            *k = 0;
        }
        if carried {
            break;
        }
    }
    // No completion at all would make the condition cover nothing.
    Some(seen_true)
}

/// Kleene's three-valued reading of `e`: inputs not given are unknown; a comparison is
/// known when the bounds of the inputs not given already decide it.
fn eval3(policy: &Policy, e: &Expr, facts: &Facts, depth: usize) -> Option<bool> {
    if depth > MAX_DEPTH {
        return None;
    }
    let ev = |x: &Expr| eval3(policy, x, facts, depth + 1);
    match e {
        Expr::Const(b) => Some(*b),
        Expr::Input(i) => match facts.get(*i)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        },
        Expr::Define(d) => match &policy.defines[*d].body {
            DefineBody::Bool(b) => ev(b),
            DefineBody::Int(_) => None,
        },
        Expr::Not(a) => ev(a).map(|b| !b),
        Expr::And(xs) => {
            let mut all = Some(true);
            for x in xs {
                match ev(x) {
                    Some(false) => return Some(false),
                    Some(true) => {}
                    None => all = None,
                }
            }
            all
        }
        Expr::Or(xs) => {
            let mut any = Some(false);
            for x in xs {
                match ev(x) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => any = None,
                }
            }
            any
        }
        Expr::Implies(a, b) => match (ev(a), ev(b)) {
            (Some(false), _) | (_, Some(true)) => Some(true),
            (Some(true), Some(false)) => Some(false),
            _ => None,
        },
        Expr::Iff(a, b) => Some(ev(a)? == ev(b)?),
        Expr::Cmp { lhs, op, rhs } => {
            // lhs - rhs as a constant plus a coefficient per input not given.
            let mut constant = i128::from(lhs.constant) - i128::from(rhs.constant);
            let mut coeffs: Vec<(InputId, i128)> = Vec::new();
            let terms = lhs
                .terms
                .iter()
                .map(|&(c, i)| (i128::from(c), i))
                .chain(rhs.terms.iter().map(|&(c, i)| (-i128::from(c), i)));
            for (c, i) in terms {
                match facts.get(i) {
                    Some(v) => constant = constant.saturating_add(c.saturating_mul(int_of(v))),
                    None => match coeffs.iter_mut().find(|x| x.0 == i) {
                        Some(x) => x.1 = x.1.saturating_add(c),
                        None => coeffs.push((i, c)),
                    },
                }
            }
            let (mut min, mut max) = (constant, constant);
            for (i, c) in coeffs {
                let (lo, hi) = bounds(policy, policy.inputs[i].ty)?;
                let (a, b) = (c.saturating_mul(lo), c.saturating_mul(hi));
                min = min.saturating_add(a.min(b));
                max = max.saturating_add(a.max(b));
            }
            let eq = if min == max {
                Some(min == 0)
            } else if min > 0 || max < 0 {
                Some(false)
            } else {
                None
            };
            let (always, never) = match op {
                CmpOp::Eq => return eq,
                CmpOp::Ne => return eq.map(|b| !b),
                CmpOp::Lt => (max < 0, min >= 0),
                CmpOp::Le => (max <= 0, min > 0),
                CmpOp::Gt => (min > 0, max <= 0),
                CmpOp::Ge => (min >= 0, max < 0),
            };
            match (always, never) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            }
        }
        Expr::EnumIn { input, variants } => match facts.get(*input) {
            Some(Value::Enum(_, v)) => Some(variants.contains(v)),
            Some(_) => None,
            None => {
                let all = match policy.inputs[*input].ty {
                    Ty::Enum(e) => policy.enums[e].variants.ids(),
                    _ => return None,
                };
                let n = all.len();
                let listed = all.filter(|v| variants.contains(v)).count();
                match listed {
                    0 => Some(false),
                    k if k == n => Some(true),
                    _ => None,
                }
            }
        },
        Expr::EnumEq(a, b) => Some(facts.get(*a)? == facts.get(*b)?),
        // Outputs are read by asserts only, never by an acceptance.
        Expr::OutputIs { .. }
        | Expr::SetContains { .. }
        | Expr::ImportedOutputIs { .. }
        | Expr::ImportedSetContains { .. } => None,
    }
}

/// The value of an input in a comparison, as `brute::eval` reads it.
fn int_of(v: &Value) -> i128 {
    match v {
        Value::Int(i) => i128::from(*i),
        Value::Bool(b) => i128::from(*b),
        Value::Enum(_, v) => i128::try_from(v.index()).unwrap_or(0),
        Value::Set(..) => 0,
    }
}

/// The least and greatest value an input of type `ty` takes in a comparison.
pub(super) fn bounds(policy: &Policy, ty: Ty) -> Option<(i128, i128)> {
    match ty {
        Ty::Bool => Some((0, 1)),
        Ty::Int { lo, hi } => Some((i128::from(lo), i128::from(hi))),
        Ty::Enum(_) => Some((0, i128::from(policy.domain_size(ty)).checked_sub(1)?)),
    }
}
