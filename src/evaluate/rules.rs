//! Deciding by reading the rules: the reference semantics, for a policy whose decision
//! graph passes a limit. One incident at a time, from facts that give every input the
//! scope, the assumptions and the rules read.

use super::facts::FactsData;
use super::{accept, broken_assumption, decision_from_leaves, Decision, Facts};
use crate::analyse::brute;
use crate::check::ir::{Arena, Expr, IdxVec, InputId, Policy, RuleDef, RuleId, Value};
use crate::compile::graph::{Leaf, Status};
use crate::diagnostics::{Code, Diagnostic};

/// What deciding by the rules needs, made once per policy.
#[derive(Clone, Debug)]
pub struct RulesDecider {
    /// Per rule, every rule that overrides it (`crate::compile::overriders`).
    overriders: IdxVec<RuleDef, Vec<RuleId>>,
    /// The inputs the scope, the assumptions and the rules read, in declaration order
    /// (`compile::order::deciding_inputs`): the facts that matter to a decision
    /// made this way.
    read: Vec<InputId>,
}

impl RulesDecider {
    pub fn new(policy: &Policy) -> RulesDecider {
        let read = crate::compile::order::deciding_inputs(policy);
        RulesDecider {
            overriders: crate::compile::overriders(policy),
            read: policy
                .inputs
                .ids()
                .filter(|i| read.get(i.index()).copied().unwrap_or(false))
                .collect(),
        }
    }

    /// The inputs a decision reads, in declaration order: facts must give them all.
    pub fn read(&self) -> &[InputId] {
        &self.read
    }

    /// The inputs a decision reads that facts leave open (`given` says which are
    /// given), in declaration order: none, and these rules decide the facts.
    pub fn missing(&self, given: impl Fn(InputId) -> bool) -> Vec<InputId> {
        self.read.iter().copied().filter(|&i| !given(i)).collect()
    }

    /// Decides facts that fix every input in `read` (those the scope, the assumptions and
    /// the rules read: `compile::order::deciding_inputs`) by evaluating the scope,
    /// the assumptions and every rule's condition, with the same override semantics as the
    /// graph's leaves. The facts that mattered are then `read`.
    pub fn decide(&self, policy: &Policy, facts: &Facts) -> Result<Decision, Box<Diagnostic>> {
        let missing: Vec<&str> = self
            .missing(|i| facts.get(i).is_some())
            .into_iter()
            .map(|i| policy.inputs[i].name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(Box::new(
                Diagnostic::error(
                    Code::E0516,
                    format!(
                        "the decision graph of `{}` is too large, so it decides only facts that give every input its rules read",
                        policy.name
                    ),
                )
                .help(format!(
                    "give every fact the rules, scope and assumptions read; missing: {}",
                    missing.join(", ")
                ))
                .data(FactsData::keys(missing)),
            ));
        }
        // Nothing that decides reads the inputs not given: any value decides alike, and
        // settles the assumptions as exactly as complete facts do. (Acceptances are read
        // from the facts given: `acceptances`.)
        let values = facts.or_else(policy, |ty| crate::compile::typical_value(policy, ty, None));
        let complete = Facts {
            values: values.iter().cloned().map(Some).collect(),
        };
        let Some(leaf) = self.leaf(policy, &values) else {
            return Err(Box::new(broken_assumption(policy, &complete)));
        };
        decision_from_leaves(
            policy,
            facts,
            &[&leaf],
            self.read.clone(),
            || Ok(Vec::new()),
        )
    }

    /// The leaf of one complete incident (a value per input) by the reference semantics:
    /// the scope, then every rule's condition, with the graph's override semantics;
    /// `None` when the incident breaks an assumption.
    pub fn leaf(&self, policy: &Policy, values: &[Value]) -> Option<Leaf> {
        let holds = |e: &Expr| brute::eval(policy, e, values, None);
        if !policy.assumes.iter().all(|a| holds(&a.expr)) {
            return None;
        }
        Some(if policy.scope.iter().all(|s| holds(&s.expr)) {
            let applied: Vec<RuleId> = policy
                .rules
                .entries()
                .filter(|(_, x)| holds(&x.when))
                .map(|(r, _)| r)
                .collect();
            crate::compile::graph::leaf_for_applied(policy, &self.overriders, &applied)
        } else {
            Leaf {
                status: Status::OutOfScope,
                outcomes: Arena::new(),
                applied: Vec::new(),
                overridden: Vec::new(),
            }
        })
    }
}

/// Whether `decide` still answers `policy`, by reading the rules, when its decision
/// graph failed with `e`. The graph's limits (its node count, the work or the 64-bit
/// arithmetic of compiling a relation between integer inputs, the width of an input's
/// range) are not limits of reading the rules, which evaluates each condition on the
/// facts exactly, in 128-bit arithmetic, as long as no side of a comparison can leave
/// that range (`comparisons_fit_i128`). A construct the compiler does not follow
/// (`Unsupported`) is not known to be read exactly, so it stays an error.
pub fn rules_still_decide(policy: &Policy, e: &crate::compile::CompileError) -> bool {
    use crate::compile::CompileError;
    match e {
        CompileError::TooLarge { .. } | CompileError::TooManyRuleSets { .. } => true,
        CompileError::Budget { .. }
        | CompileError::RangeTooLarge { .. }
        | CompileError::Overflow { .. } => comparisons_fit_i128(policy),
        CompileError::Unsupported { .. } => false,
    }
}

/// Whether every side of every comparison that deciding reads (assumptions, scope,
/// rules, defines, accepted gaps) stays within `i128` over the inputs' ranges. With
/// 64-bit coefficients and values one term always does; a sum of several may not.
pub(super) fn comparisons_fit_i128(policy: &Policy) -> bool {
    use crate::check::ir::{DefineBody, LinExpr};
    let bound = |l: &LinExpr| -> Option<u128> {
        l.terms
            .iter()
            .try_fold(u128::from(l.constant.unsigned_abs()), |acc, &(c, i)| {
                let (lo, hi) = accept::bounds(policy, policy.inputs[i].ty)?;
                let magnitude = lo.unsigned_abs().max(hi.unsigned_abs());
                acc.checked_add(u128::from(c.unsigned_abs()).checked_mul(magnitude)?)
            })
    };
    let side_fits = |l: &LinExpr| bound(l).is_some_and(|b| b <= i128::MAX as u128);
    fn fits(e: &Expr, side_fits: &dyn Fn(&LinExpr) -> bool) -> bool {
        match e {
            Expr::Cmp { lhs, rhs, .. } => side_fits(lhs) && side_fits(rhs),
            Expr::Not(a) => fits(a, side_fits),
            Expr::And(xs) | Expr::Or(xs) => xs.iter().all(|x| fits(x, side_fits)),
            Expr::Implies(a, b) | Expr::Iff(a, b) => fits(a, side_fits) && fits(b, side_fits),
            // A define's body is checked once, below, where defines are.
            _ => true,
        }
    }
    let mut exprs =
        policy
            .conditions()
            .chain(policy.defines.iter().filter_map(|d| match &d.body {
                DefineBody::Bool(b) => Some(b),
                DefineBody::Int(_) => None,
            }));
    exprs.all(|e| fits(e, &side_fits))
}
