//! `decide`: the policy's answer for one incident, and why.
//!
//! Complete facts walk the decision graph to one leaf. Partial facts are decided when
//! every completion that satisfies the assumptions agrees (the leaves reachable under
//! the given facts); otherwise the answer lists the questions that still matter, in the
//! order the graph asks them. Facts that break an assumption are an error.

pub mod accept;
pub mod facts;

use serde_json::json;

pub use facts::{parse_facts, Facts};

use crate::analyse::brute;
use crate::check::ir::{Expr, InputId, OutputId, OutputTy, Policy, RuleId, Value};
use crate::compile::graph::{DecisionGraph, Leaf, Outcome, Status};
use crate::diagnostics::{Code, Diagnostic};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecideStatus {
    Decided,
    Undecided,
    OutOfScope,
}

impl DecideStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DecideStatus::Decided => "decided",
            DecideStatus::Undecided => "undecided",
            DecideStatus::OutOfScope => "out_of_scope",
        }
    }
}

/// One output's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Its value, the rules that gave it (none: the default, or an empty set).
    Value { value: Value, by: Vec<RuleId> },
    /// No rule gives it a value and it has no default.
    Gap,
    /// Rules give different values (each with its rules).
    Conflict(Vec<(Value, Vec<RuleId>)>),
    /// The completions of the given facts disagree. When they disagree only on whether
    /// the incident is in scope, `if_in_scope` is the value every completion in scope
    /// gives (so a reader learns the answer before the scope question is settled).
    Missing { if_in_scope: Option<Value> },
    /// Out of scope: the policy decides nothing.
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub status: DecideStatus,
    /// Per output.
    pub answers: Vec<Answer>,
    /// Rules that apply (for partial facts: in every completion).
    pub fired: Vec<RuleId>,
    /// Applied rules with an assignment overridden by another applied rule.
    pub overridden: Vec<RuleId>,
    /// The given facts the graph asked, in its order.
    pub facts_used: Vec<InputId>,
    /// Inputs not given that still matter, in the order the graph asks them.
    pub missing: Vec<InputId>,
    /// For each output that is a gap the policy accepts (`accept gap`), the reason the
    /// policy gives: the document's silence is itself the answer to report. An
    /// acceptance counts when its condition holds in every completion of the facts.
    pub accepted_gaps: Vec<(OutputId, String)>,
    /// The gaps no acceptance is known to cover but one may, depending on facts not
    /// given (those inputs are in `missing` too): neither accepted nor unaccepted yet.
    pub open_acceptances: Vec<OpenAcceptance>,
}

/// A gap whose acceptance the facts do not settle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenAcceptance {
    pub output: OutputId,
    /// The reasons of the acceptances that may cover it, joined by "; ".
    pub reasons: String,
    /// The inputs not given that those acceptances read, in declaration order: giving
    /// them settles whether the gap is accepted.
    pub depends_on: Vec<InputId>,
}

fn inputs_in(e: &Expr, out: &mut Vec<InputId>, depth: usize) {
    if depth > 4096 {
        return;
    }
    match e {
        Expr::Input(i) | Expr::EnumIn { input: i, .. } => out.push(*i),
        Expr::EnumEq(a, b) => out.extend([*a, *b]),
        Expr::Cmp { lhs, rhs, .. } => out.extend(lhs.terms.iter().chain(&rhs.terms).map(|t| t.1)),
        Expr::Not(a) => inputs_in(a, out, depth + 1),
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| inputs_in(x, out, depth + 1)),
        Expr::Implies(a, b) | Expr::Iff(a, b) => {
            inputs_in(a, out, depth + 1);
            inputs_in(b, out, depth + 1);
        }
        _ => {}
    }
}

/// The error for facts that break an assumption: names the assumptions (with labels)
/// and the facts they involve.
fn broken_assumption(policy: &Policy, facts: &Facts) -> Diagnostic {
    // With complete facts the broken assumptions are known exactly; with partial facts
    // every completion breaks one, so point at those the given facts already break, or
    // else at all of them.
    let complete = facts.is_complete();
    let values = facts.or_else(policy, |ty| crate::compile::index_value(ty, 0));
    let broken: Vec<usize> = policy
        .assumes
        .iter()
        .enumerate()
        .filter(|(_, a)| !complete || !brute::eval(policy, &a.expr, &values, None))
        .map(|(i, _)| i)
        .collect();
    let mut keys: Vec<InputId> = Vec::new();
    for &i in &broken {
        if let Some(a) = policy.assumes.get(i) {
            inputs_in(&a.expr, &mut keys, 0);
        }
    }
    keys.sort_unstable();
    keys.dedup();
    let shown: Vec<String> = keys
        .iter()
        .filter_map(|&k| {
            let v = facts.get(k)?;
            Some(format!(
                "{} = {}",
                policy.inputs.get(k)?.name,
                policy.show_value(v)
            ))
        })
        .collect();
    let what = if complete {
        "the facts break"
    } else {
        "every completion of the facts breaks"
    };
    let msg = if shown.is_empty() {
        format!("{what} an assumption of policy `{}`", policy.name)
    } else {
        format!(
            "{what} an assumption of policy `{}` ({})",
            policy.name,
            shown.join(", ")
        )
    };
    let mut d = Diagnostic::error(Code::E0515, msg)
        .help("no real incident is like this: check the facts (two values swapped?)")
        .data(json!({
            "keys": keys.iter().filter_map(|&k| policy.inputs.get(k).map(|i| i.name.clone())).collect::<Vec<_>>()
        }));
    for &i in &broken {
        if let Some(a) = policy.assumes.get(i) {
            d = d.primary(a.loc, "this assumption does not hold");
        }
    }
    d
}

fn intersect(a: &mut Vec<RuleId>, b: &[RuleId]) {
    a.retain(|r| b.contains(r));
}

/// How `decide` reaches a decision.
pub enum Decider<'g> {
    /// By walking the compiled decision graph: complete and partial facts.
    Graph(&'g DecisionGraph),
    /// By reading the rules themselves (the reference semantics), for a policy whose
    /// decision graph passes the node limit: facts that give every input in `read`.
    Rules {
        /// Per rule, every rule that overrides it (`crate::compile::overriders`).
        overriders: Vec<Vec<RuleId>>,
        /// The inputs the scope, the assumptions and the rules read, in declaration
        /// order ([`crate::compile::order::deciding_inputs`]): the facts that matter to
        /// a decision made this way.
        read: Vec<InputId>,
    },
}

impl<'g> Decider<'g> {
    /// The decider that reads the rules of `policy`.
    pub fn rules(policy: &Policy) -> Decider<'g> {
        let read = crate::compile::order::deciding_inputs(policy);
        Decider::Rules {
            overriders: crate::compile::overriders(policy),
            read: (0..policy.inputs.len())
                .filter(|&i| read.get(i).copied().unwrap_or(false))
                .collect(),
        }
    }

    pub fn graph(&self) -> Option<&'g DecisionGraph> {
        match self {
            Decider::Graph(g) => Some(g),
            Decider::Rules { .. } => None,
        }
    }

    /// Decides one incident.
    pub fn decide(&self, policy: &Policy, facts: &Facts) -> Result<Decision, Box<Diagnostic>> {
        match self {
            Decider::Graph(g) => decide(policy, g, facts),
            Decider::Rules { overriders, read } => decide_by_rules(policy, overriders, read, facts),
        }
    }
}

/// Whether `decide` still answers `policy`, by reading the rules, when its decision
/// graph failed with `e`. The graph's limits (its node count, the work or the 64-bit
/// arithmetic of compiling a relation between integer inputs, the width of an input's
/// range) are not limits of reading the rules, which evaluates each condition on the
/// facts exactly, in 128-bit arithmetic, as long as no side of a comparison can leave
/// that range ([`comparisons_fit_i128`]). A construct the compiler does not follow
/// (`Unsupported`) is not known to be read exactly, so it stays an error.
pub fn rules_still_decide(policy: &Policy, e: &crate::compile::CompileError) -> bool {
    use crate::compile::CompileError;
    match e {
        CompileError::TooLarge { .. } => true,
        CompileError::Budget { .. }
        | CompileError::RangeTooLarge { .. }
        | CompileError::Overflow { .. } => comparisons_fit_i128(policy),
        CompileError::Unsupported { .. } => false,
    }
}

/// Whether every side of every comparison that deciding reads (assumptions, scope,
/// rules, defines, accepted gaps) stays within `i128` over the inputs' ranges. With
/// 64-bit coefficients and values one term always does; a sum of several may not.
fn comparisons_fit_i128(policy: &Policy) -> bool {
    use crate::check::ir::{DefineBody, LinExpr};
    let bound = |l: &LinExpr| -> Option<u128> {
        l.terms
            .iter()
            .try_fold(u128::from(l.constant.unsigned_abs()), |acc, &(c, i)| {
                let (lo, hi) = accept::bounds(policy, policy.inputs.get(i)?.ty)?;
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

/// Decides one incident.
pub fn decide(
    policy: &Policy,
    graph: &DecisionGraph,
    facts: &Facts,
) -> Result<Decision, Box<Diagnostic>> {
    let given = facts.indices(policy);
    let leaves: Vec<&Leaf> = if given.iter().all(|g| g.is_some()) {
        // Complete facts: one walk from the root.
        let values: Vec<u32> = given.iter().map(|g| g.unwrap_or(0)).collect();
        graph
            .leaf(&values)
            .into_iter()
            .filter(|l| l.status != Status::BrokenAssumption)
            .collect()
    } else {
        graph
            .reachable_leaves(&given)
            .into_iter()
            .filter_map(|l| graph.leaves.get(l))
            .filter(|l| l.status != Status::BrokenAssumption)
            .collect()
    };
    if leaves.is_empty() {
        return Err(Box::new(broken_assumption(policy, facts)));
    }
    let facts_used = graph.facts_asked(&given);
    decision_from_leaves(policy, facts, &leaves, facts_used, || {
        graph
            .still_matter(&given)
            .map_err(|e| Box::new(e.diagnostic(policy)))
    })
}

/// Decides facts that fix every input in `read` (those the scope, the assumptions and
/// the rules read: [`crate::compile::order::deciding_inputs`]) by evaluating the scope,
/// the assumptions and every rule's condition, with the same override semantics as the
/// graph's leaves. The facts that mattered are then `read`.
pub fn decide_by_rules(
    policy: &Policy,
    overriders: &[Vec<RuleId>],
    read: &[InputId],
    facts: &Facts,
) -> Result<Decision, Box<Diagnostic>> {
    let missing: Vec<&str> = read
        .iter()
        .filter(|&&i| facts.values.get(i).is_some_and(Option::is_none))
        .filter_map(|&i| policy.inputs.get(i).map(|x| x.name.as_str()))
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
            .data(json!({ "keys": missing })),
        ));
    }
    // Nothing that decides reads the inputs not given: any value decides alike, and
    // settles the assumptions as exactly as complete facts do. (Acceptances are read
    // from the facts given: `acceptances`.)
    let values = facts.or_else(policy, |ty| crate::compile::typical_value(policy, ty, None));
    let complete = Facts {
        values: values.iter().cloned().map(Some).collect(),
    };
    let Some(leaf) = leaf_by_rules(policy, overriders, &values) else {
        return Err(Box::new(broken_assumption(policy, &complete)));
    };
    decision_from_leaves(policy, facts, &[&leaf], read.to_vec(), || Ok(Vec::new()))
}

/// The leaf of one complete incident (a value per input) by the reference semantics:
/// the scope, then every rule's condition, with the graph's override semantics;
/// `None` when the incident breaks an assumption.
pub fn leaf_by_rules(
    policy: &Policy,
    overriders: &[Vec<RuleId>],
    values: &[Value],
) -> Option<Leaf> {
    let holds = |e: &Expr| brute::eval(policy, e, values, None);
    if !policy.assumes.iter().all(|a| holds(&a.expr)) {
        return None;
    }
    Some(if policy.scope.iter().all(|s| holds(&s.expr)) {
        let applied: Vec<RuleId> = (0..policy.rules.len())
            .filter(|&r| policy.rules.get(r).is_some_and(|x| holds(&x.when)))
            .collect();
        crate::compile::graph::leaf_for_applied(policy, overriders, &applied)
    } else {
        Leaf {
            status: Status::OutOfScope,
            outcomes: Vec::new(),
            applied: Vec::new(),
            overridden: Vec::new(),
        }
    })
}

/// The decision of the leaves the facts reach (one for complete facts); `missing`
/// gives the questions that still matter when they disagree.
fn decision_from_leaves(
    policy: &Policy,
    facts: &Facts,
    leaves: &[&Leaf],
    facts_used: Vec<InputId>,
    missing: impl FnOnce() -> Result<Vec<InputId>, Box<Diagnostic>>,
) -> Result<Decision, Box<Diagnostic>> {
    let n_out = policy.outputs.len();
    if leaves.iter().all(|l| l.status == Status::OutOfScope) {
        return Ok(Decision {
            status: DecideStatus::OutOfScope,
            answers: vec![Answer::None; n_out],
            fired: Vec::new(),
            overridden: Vec::new(),
            facts_used,
            missing: Vec::new(),
            accepted_gaps: Vec::new(),
            open_acceptances: Vec::new(),
        });
    }
    let some_out = leaves.iter().any(|l| l.status == Status::OutOfScope);
    let in_scope: Vec<&Leaf> = leaves
        .iter()
        .copied()
        .filter(|l| l.status == Status::InScope)
        .collect();
    let mut answers = Vec::with_capacity(n_out);
    for o in 0..n_out {
        let outcomes: Vec<&Outcome> = in_scope.iter().filter_map(|l| l.outcomes.get(o)).collect();
        let first = outcomes.first().map(|x| x.verdict());
        let agree_in_scope = outcomes.iter().all(|x| Some(x.verdict()) == first);
        let answer = if !agree_in_scope || some_out {
            let if_in_scope = match outcomes.first() {
                Some(Outcome::Value { value, .. }) if agree_in_scope => Some(value.clone()),
                _ => None,
            };
            Answer::Missing { if_in_scope }
        } else {
            match outcomes.first() {
                Some(Outcome::Value { value, by }) => {
                    let mut by = by.clone();
                    for x in &outcomes {
                        if let Outcome::Value { by: b, .. } = x {
                            intersect(&mut by, b);
                        }
                    }
                    Answer::Value {
                        value: value.clone(),
                        by,
                    }
                }
                Some(Outcome::Gap) => Answer::Gap,
                Some(Outcome::Conflict { values }) => Answer::Conflict(values.clone()),
                None => Answer::Missing { if_in_scope: None },
            }
        };
        answers.push(answer);
    }
    let mut fired = in_scope
        .first()
        .map(|l| l.applied.clone())
        .unwrap_or_default();
    let mut overridden = in_scope
        .first()
        .map(|l| l.overridden.clone())
        .unwrap_or_default();
    for l in &in_scope {
        intersect(&mut fired, &l.applied);
        intersect(&mut overridden, &l.overridden);
    }
    let decided = answers.iter().all(|a| matches!(a, Answer::Value { .. }));
    let mut missing = if answers.iter().any(|a| matches!(a, Answer::Missing { .. })) {
        missing()?
    } else {
        Vec::new()
    };
    let (accepted_gaps, open_acceptances) = acceptances(policy, facts, &answers);
    // Whether a gap is accepted is a question still to ask, after those of the
    // decision itself.
    for open in &open_acceptances {
        for &i in &open.depends_on {
            if !missing.contains(&i) {
                missing.push(i);
            }
        }
    }
    Ok(Decision {
        status: if decided {
            DecideStatus::Decided
        } else {
            DecideStatus::Undecided
        },
        accepted_gaps,
        open_acceptances,
        answers,
        fired,
        overridden,
        facts_used,
        missing,
    })
}

fn rule_json(policy: &Policy, r: RuleId) -> serde_json::Value {
    match policy.rules.get(r) {
        Some(rule) => json!({ "name": rule.name, "title": rule.title, "cites": rule.cites }),
        None => serde_json::Value::Null,
    }
}

/// An overridden rule: its name, title and citation, the rules whose assignments won
/// over it (`by`), per output it lost the winners (`lost`), the outputs its assignments
/// still give (`stands`) and those the facts leave open (`open`, partial facts only).
fn overridden_json(policy: &Policy, d: &Decision, r: RuleId) -> serde_json::Value {
    let mut j = rule_json(policy, r);
    let detail = overridden_detail(policy, d, r);
    let out_name = |o: &OutputId| policy.outputs.get(*o).map(|x| x.name.clone());
    if let Some(map) = j.as_object_mut() {
        map.insert("by".into(), json!(rule_names(policy, &detail.by(d))));
        map.insert(
            "lost".into(),
            json!(detail
                .lost
                .iter()
                .map(|(o, by)| json!({ "output": out_name(o), "by": rule_names(policy, by) }))
                .collect::<Vec<_>>()),
        );
        map.insert(
            "stands".into(),
            json!(detail
                .stands
                .iter()
                .filter_map(out_name)
                .collect::<Vec<_>>()),
        );
        map.insert(
            "open".into(),
            json!(detail.open.iter().filter_map(out_name).collect::<Vec<_>>()),
        );
    }
    j
}

/// For each gap of the incident, the reasons of the acceptances that cover it in every
/// completion of the facts; or, when none does but some may, those acceptances with the
/// inputs not given they read. An acceptance is read from the facts alone (whatever
/// the decision graph or the rules needed), so both ways of deciding agree on it.
fn acceptances(
    policy: &Policy,
    facts: &Facts,
    answers: &[Answer],
) -> (Vec<(OutputId, String)>, Vec<OpenAcceptance>) {
    let mut accepted = Vec::new();
    let mut open = Vec::new();
    for (o, a) in answers.iter().enumerate() {
        if !matches!(a, Answer::Gap) {
            continue;
        }
        let mut covers: Vec<&str> = Vec::new();
        let mut may: Vec<&str> = Vec::new();
        let mut depends_on: Vec<InputId> = Vec::new();
        for g in policy.accepted_gaps.iter().filter(|g| g.output == o) {
            match accept::settle(policy, &g.when, facts) {
                Some(true) => covers.push(&g.reason),
                Some(false) => {}
                None => {
                    may.push(&g.reason);
                    depends_on.extend(
                        crate::compile::order::expr_inputs(policy, &g.when)
                            .into_iter()
                            .filter(|&i| facts.get(i).is_none()),
                    );
                }
            }
        }
        if !covers.is_empty() {
            accepted.push((o, covers.join("; ")));
        } else if !may.is_empty() {
            depends_on.sort_unstable();
            depends_on.dedup();
            open.push(OpenAcceptance {
                output: o,
                reasons: may.join("; "),
                depends_on,
            });
        }
    }
    (accepted, open)
}

fn accepted_reason(d: &Decision, o: OutputId) -> Option<&str> {
    d.accepted_gaps
        .iter()
        .find(|(x, _)| *x == o)
        .map(|(_, r)| r.as_str())
}

fn open_acceptance(d: &Decision, o: OutputId) -> Option<&OpenAcceptance> {
    d.open_acceptances.iter().find(|x| x.output == o)
}

fn input_names(policy: &Policy, is: &[InputId]) -> Vec<String> {
    is.iter()
        .filter_map(|&i| policy.inputs.get(i).map(|x| x.name.clone()))
        .collect()
}

fn rule_names(policy: &Policy, rs: &[RuleId]) -> Vec<String> {
    rs.iter()
        .filter_map(|&r| policy.rules.get(r).map(|x| x.name.clone()))
        .collect()
}

/// The contract's JSON form (DESIGN.md, "decide --format json").
pub fn decision_json(policy: &Policy, d: &Decision) -> serde_json::Value {
    let mut decision = serde_json::Map::new();
    let mut undecided = serde_json::Map::new();
    for (o, (out, a)) in policy.outputs.iter().zip(&d.answers).enumerate() {
        match a {
            Answer::Value { value, .. } => {
                decision.insert(out.name.clone(), policy.value_json(value));
            }
            Answer::Gap => {
                // `accepted` is null while the facts leave it open: `false` would claim
                // that no acceptance covers the incident.
                let entry = match (accepted_reason(d, o), open_acceptance(d, o)) {
                    (Some(r), _) => json!({ "reason": "gap", "accepted": true, "because": r }),
                    (None, Some(open)) => json!({
                        "reason": "gap",
                        "accepted": null,
                        "may_be_accepted_because": open.reasons,
                        "depends_on": input_names(policy, &open.depends_on),
                    }),
                    (None, None) => json!({ "reason": "gap", "accepted": false }),
                };
                undecided.insert(out.name.clone(), entry);
            }
            Answer::Conflict(values) => {
                let vs: Vec<serde_json::Value> = values
                    .iter()
                    .map(|(v, rs)| json!({ "value": policy.value_json(v), "rules": rule_names(policy, rs) }))
                    .collect();
                undecided.insert(
                    out.name.clone(),
                    json!({ "reason": "conflict", "values": vs }),
                );
            }
            Answer::Missing { if_in_scope } => {
                let mut why = json!({ "reason": "missing_facts" });
                if let (Some(v), Some(map)) = (if_in_scope, why.as_object_mut()) {
                    map.insert("if_in_scope".into(), policy.value_json(v));
                }
                undecided.insert(out.name.clone(), why);
            }
            Answer::None => {}
        }
    }
    let name = |i: &InputId| {
        policy
            .inputs
            .get(*i)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    json!({
        "policy": policy.name,
        "status": d.status.as_str(),
        "decision": decision,
        "undecided": undecided,
        "rules": d.fired.iter().map(|&r| rule_json(policy, r)).collect::<Vec<_>>(),
        "overridden": d.overridden.iter().map(|&r| overridden_json(policy, d, r)).collect::<Vec<_>>(),
        "facts_used": d.facts_used.iter().map(name).collect::<Vec<_>>(),
        "missing": d.missing.iter().map(name).collect::<Vec<_>>(),
    })
}

fn rule_line(policy: &Policy, r: RuleId) -> String {
    let Some(rule) = policy.rules.get(r) else {
        return String::new();
    };
    let mut s = format!("`{}`", rule.name);
    if let Some(t) = &rule.title {
        s.push_str(&format!(" — {t}"));
    }
    if let Some(c) = &rule.cites {
        s.push_str(&format!(" [{c}]"));
    }
    s
}

/// What became of the assignments of an overridden rule `r`.
struct Overridden {
    /// Per output `r` assigns that an overriding rule wins: the winners, the applying
    /// rules that override `r` (directly or through a chain) and assign that output.
    lost: Vec<(OutputId, Vec<RuleId>)>,
    /// The outputs whose value `r` still gives (alone or with others, or in a conflict).
    stands: Vec<OutputId>,
    /// The outputs whose fate the facts do not settle (partial facts only).
    open: Vec<OutputId>,
}

impl Overridden {
    /// The rules whose assignments won over `r`, in the order they fired.
    fn by(&self, d: &Decision) -> Vec<RuleId> {
        d.fired
            .iter()
            .copied()
            .filter(|s| self.lost.iter().any(|(_, by)| by.contains(s)))
            .collect()
    }
}

fn overridden_detail(policy: &Policy, d: &Decision, r: RuleId) -> Overridden {
    let mut outputs: Vec<OutputId> = policy
        .rules
        .get(r)
        .map(|x| x.assigns.iter().map(|a| a.output).collect())
        .unwrap_or_default();
    outputs.sort_unstable();
    outputs.dedup();
    // Only an overriding rule that assigns the same output wins over `r` there: one
    // that assigns other outputs leaves `r`'s assignments standing.
    let overriders: Vec<RuleId> = d
        .fired
        .iter()
        .copied()
        .filter(|&s| s != r && brute::overrides(policy, s, r))
        .collect();
    let mut detail = Overridden {
        lost: Vec::new(),
        stands: Vec::new(),
        open: Vec::new(),
    };
    for o in outputs {
        let winners: Vec<RuleId> = overriders
            .iter()
            .copied()
            .filter(|&s| {
                policy
                    .rules
                    .get(s)
                    .is_some_and(|x| x.assigns.iter().any(|a| a.output == o))
            })
            .collect();
        let gives = match d.answers.get(o) {
            Some(Answer::Value { by, .. }) => by.contains(&r),
            Some(Answer::Conflict(vs)) => vs.iter().any(|(_, rs)| rs.contains(&r)),
            _ => false,
        };
        if !winners.is_empty() {
            detail.lost.push((o, winners));
        } else if gives {
            detail.stands.push(o);
        } else {
            detail.open.push(o);
        }
    }
    detail
}

/// How an overridden rule reads: which of its outputs were won by which rules, and
/// what of it still stands.
fn overridden_text(policy: &Policy, d: &Decision, r: RuleId) -> String {
    let detail = overridden_detail(policy, d, r);
    let out_names = |os: &[OutputId]| {
        os.iter()
            .filter_map(|&o| policy.outputs.get(o).map(|x| x.name.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts: Vec<String> = Vec::new();
    if detail.lost.is_empty() {
        parts.push("overridden, by rules that depend on facts not given".into());
    } else {
        let lost: Vec<String> = detail
            .lost
            .iter()
            .enumerate()
            .map(|(k, (o, by))| {
                let name = policy
                    .outputs
                    .get(*o)
                    .map(|x| x.name.as_str())
                    .unwrap_or("");
                let by = rule_names(policy, by).join(", ");
                if k == 0 {
                    format!("{name} overridden by {by}")
                } else {
                    format!("{name} by {by}")
                }
            })
            .collect();
        parts.push(lost.join(", "));
    }
    if !detail.stands.is_empty() {
        let verb = if detail.stands.len() == 1 {
            "stands"
        } else {
            "stand"
        };
        parts.push(format!("its {} {verb}", out_names(&detail.stands)));
    }
    if !detail.open.is_empty() {
        parts.push(format!(
            "whether its {} stands depends on facts not given",
            out_names(&detail.open)
        ));
    }
    if detail.stands.is_empty() && detail.open.is_empty() && !detail.lost.is_empty() {
        parts.push("none of its assignments stands".into());
    }
    parts.join("; ")
}

/// The answer for people.
pub fn decision_human(policy: &Policy, d: &Decision) -> String {
    let mut s = String::new();
    let status = match d.status {
        DecideStatus::Decided => "decided",
        DecideStatus::Undecided => "undecided",
        DecideStatus::OutOfScope => "out of scope: this policy decides nothing for this incident",
    };
    s.push_str(&format!("policy {}: {status}\n", policy.name));
    if d.status != DecideStatus::OutOfScope {
        s.push_str("\ndecision:\n");
        for (o, (out, a)) in policy.outputs.iter().zip(&d.answers).enumerate() {
            let line = match a {
                Answer::Gap => match (accepted_reason(d, o), open_acceptance(d, o)) {
                    (Some(r), _) => format!("undecided: the policy accepts this gap, because {r}"),
                    (None, Some(open)) => format!(
                        "undecided: no rule gives a value (a gap in the policy); whether the policy accepts it ({}) depends on facts not given: {}",
                        open.reasons,
                        input_names(policy, &open.depends_on).join(", ")
                    ),
                    (None, None) => {
                        "undecided: no rule gives a value (a gap in the policy)".to_string()
                    }
                },
                Answer::Value { value, by } if by.is_empty() => {
                    let why = if matches!(out.ty, OutputTy::Set(_)) {
                        "no rule adds to it"
                    } else {
                        "the default"
                    };
                    format!("{} ({why})", policy.show_value(value))
                }
                Answer::Value { value, by } => format!(
                    "{} (by {})",
                    policy.show_value(value),
                    rule_names(policy, by).join(", ")
                ),
                Answer::Conflict(vs) => {
                    let parts: Vec<String> = vs
                        .iter()
                        .map(|(v, rs)| {
                            format!(
                                "{} by {}",
                                policy.show_value(v),
                                rule_names(policy, rs).join(", ")
                            )
                        })
                        .collect();
                    format!("undecided: rules conflict ({})", parts.join("; "))
                }
                Answer::Missing { if_in_scope } => format!(
                    "undecided: {}",
                    missing_reason(policy, if_in_scope, "depends on facts not given")
                ),
                Answer::None => String::new(),
            };
            s.push_str(&format!("  {} = {line}\n", out.name));
        }
    }
    if !d.fired.is_empty() {
        s.push_str("\nrules that fired:\n");
        for &r in &d.fired {
            s.push_str(&format!("  {}\n", rule_line(policy, r)));
        }
    }
    if !d.overridden.is_empty() {
        s.push_str("\noverridden:\n");
        for &r in &d.overridden {
            s.push_str(&format!(
                "  {}: {}\n",
                rule_line(policy, r),
                overridden_text(policy, d, r)
            ));
        }
    }
    if !d.facts_used.is_empty() {
        let names = input_names(policy, &d.facts_used);
        s.push_str(&format!("\nfacts that mattered: {}\n", names.join(", ")));
    }
    if !d.missing.is_empty() {
        s.push_str("\nstill to find out:\n");
        for &i in &d.missing {
            if let Some(inp) = policy.inputs.get(i) {
                match inp.doc_line() {
                    Some(q) => s.push_str(&format!("  {} — {q}\n", inp.name)),
                    None => s.push_str(&format!("  {}\n", inp.name)),
                }
            }
        }
    }
    s
}

/// Why an output waits for facts (`why`), with the value it takes once the incident is
/// known to be in scope, when the facts given already settle it.
fn missing_reason(policy: &Policy, if_in_scope: &Option<Value>, why: &str) -> String {
    match if_in_scope {
        Some(v) => format!(
            "{} if the incident is in scope, which {why}",
            policy.show_value(v)
        ),
        None => why.to_string(),
    }
}

/// An incident record in Markdown: the facts, the decision, the actions taken and not
/// taken, each with its justification (the rule, its title and citation).
pub fn decision_markdown(policy: &Policy, facts: &Facts, d: &Decision) -> String {
    let mut s = String::new();
    let title = policy
        .header
        .as_ref()
        .and_then(|h| h.title.clone())
        .unwrap_or_else(|| policy.name.clone());
    s.push_str(&format!("# Incident record: {title}\n\n"));
    if let Some(src) = policy.header.as_ref().and_then(|h| h.source.clone()) {
        s.push_str(&format!("Policy `{}`, source {src}.\n\n", policy.name));
    }
    s.push_str(&format!(
        "Status: **{}**\n\n## Facts\n\n| fact | value |\n|---|---|\n",
        d.status.as_str().replace('_', " ")
    ));
    for (inp, v) in policy.inputs.iter().zip(&facts.values) {
        // The record answers questions for people: "yes" reads where `true` does not.
        let shown = match v {
            Some(Value::Bool(true)) => "yes".to_string(),
            Some(Value::Bool(false)) => "no".to_string(),
            Some(v) => policy.show_value(v),
            None => "not known".to_string(),
        };
        let q = inp.doc_line().unwrap_or_else(|| inp.name.clone());
        s.push_str(&format!("| {q} | {shown} |\n"));
    }
    if d.status == DecideStatus::OutOfScope {
        s.push_str("\nThe incident is outside the scope of this policy: it decides nothing.\n");
        return s;
    }
    s.push_str("\n## Actions taken\n\n");
    let mut not_taken: Vec<String> = Vec::new();
    for (o, (out, a)) in policy.outputs.iter().zip(&d.answers).enumerate() {
        let justification = |by: &[RuleId]| -> String {
            if by.is_empty() {
                "the policy's default".to_string()
            } else {
                by.iter()
                    .map(|&r| rule_line(policy, r))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        match (a, out.ty) {
            (
                Answer::Value {
                    value: Value::Set(e, vs),
                    by,
                },
                OutputTy::Set(_),
            ) => {
                if !vs.is_empty() {
                    s.push_str(&format!(
                        "- {}: {} — {}\n",
                        out.name,
                        policy.show_value(&Value::Set(*e, vs.clone())),
                        justification(by)
                    ));
                }
                let all = policy.enums.get(*e).map(|d| d.variants.len()).unwrap_or(0);
                let absent: Vec<&str> = (0..all)
                    .filter(|v| !vs.contains(v))
                    .map(|v| policy.variant_name(*e, v))
                    .collect();
                if !absent.is_empty() {
                    not_taken.push(format!(
                        "- {}: not {} — no applying rule adds them",
                        out.name,
                        absent.join(", ")
                    ));
                }
            }
            (
                Answer::Value {
                    value: Value::Bool(false),
                    by,
                },
                _,
            ) => {
                not_taken.push(format!("- {}: no — {}", out.name, justification(by)));
            }
            (Answer::Value { value, by }, _) => {
                s.push_str(&format!(
                    "- {}: {} — {}\n",
                    out.name,
                    policy.show_value(value),
                    justification(by)
                ));
            }
            (Answer::Gap, _) => not_taken.push(match (accepted_reason(d, o), open_acceptance(d, o)) {
                (Some(r), _) => format!(
                    "- {}: undecided — the policy accepts that its source is silent here: {r}",
                    out.name
                ),
                (None, Some(open)) => format!(
                    "- {}: undecided — the policy gives no value here; whether it accepts that its source is silent here ({}) depends on facts not known yet: {}",
                    out.name,
                    open.reasons,
                    input_names(policy, &open.depends_on).join(", ")
                ),
                (None, None) => {
                    format!("- {}: undecided — the policy gives no value here", out.name)
                }
            }),
            (Answer::Conflict(vs), _) => {
                let parts: Vec<String> = vs
                    .iter()
                    .map(|(v, rs)| {
                        format!(
                            "{} ({})",
                            policy.show_value(v),
                            rule_names(policy, rs).join(", ")
                        )
                    })
                    .collect();
                not_taken.push(format!(
                    "- {}: undecided — rules conflict: {}",
                    out.name,
                    parts.join(" vs ")
                ));
            }
            (Answer::Missing { if_in_scope }, _) => not_taken.push(format!(
                "- {}: undecided — {}",
                out.name,
                missing_reason(policy, if_in_scope, "depends on facts not known yet")
            )),
            (Answer::None, _) => {}
        }
    }
    if !policy
        .outputs
        .iter()
        .zip(&d.answers)
        .any(|(out, a)| match a {
            Answer::Value {
                value: Value::Set(_, vs),
                ..
            } => !vs.is_empty() && matches!(out.ty, OutputTy::Set(_)),
            Answer::Value {
                value: Value::Bool(false),
                ..
            } => false,
            Answer::Value { .. } => true,
            _ => false,
        })
    {
        s.push_str("- none\n");
    }
    s.push_str("\n## Actions not taken\n\n");
    if not_taken.is_empty() && d.overridden.is_empty() {
        s.push_str("- none\n");
    }
    for line in &not_taken {
        s.push_str(line);
        s.push('\n');
    }
    for &r in &d.overridden {
        s.push_str(&format!(
            "- overridden: {} — {}\n",
            rule_line(policy, r),
            overridden_text(policy, d, r)
        ));
    }
    if !d.missing.is_empty() {
        s.push_str("\n## Still to find out\n\n");
        for &i in &d.missing {
            if let Some(inp) = policy.inputs.get(i) {
                s.push_str(&format!(
                    "- {}\n",
                    inp.doc_line().unwrap_or_else(|| inp.name.clone())
                ));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests;
