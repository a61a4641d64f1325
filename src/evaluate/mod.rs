//! `decide`: the policy's answer for one incident, and why.
//!
//! Complete facts walk the decision graph to one leaf. Partial facts are decided when
//! every completion that satisfies the assumptions agrees (the leaves reachable under
//! the given facts); otherwise the answer lists the questions that still matter, in the
//! order the graph asks them. Facts that break an assumption are an error. Past the
//! graph's limits, facts that give every input the scope, the assumptions and the rules
//! read are decided by reading the rules ([`RulesDecider`], `rules.rs`). The answer's
//! forms are in `render/`, many incidents at once in `batch/`, `policyc ask` in
//! `interview/`.

pub mod accept;
pub mod batch;
pub mod facts;
pub mod interview;
pub mod render;
mod rules;

use facts::FactsData;
pub use facts::{parse_facts, Facts};
pub use render::human::decision_human;
pub use render::json::decision_json;
pub use render::markdown::decision_markdown;
pub use rules::{rules_still_decide, RulesDecider};

use std::path::Path;

use crate::analyse::brute;
use crate::check::ir::{IdxVec, InputId, OutputDef, OutputId, Policy, RuleId, Value};
use crate::compile::graph::{DecisionGraph, Leaf, Outcome, Status};
use crate::diagnostics::{Code, Diagnostic};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
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
    /// Its value, the rules that gave it (none: the default, or an empty set), and,
    /// where the output's precedence chose it, the values it won over, each with the
    /// rules that gave it (empty otherwise; for partial facts, the values outranked in
    /// every completion, each with the rules that give it in every one, which may be
    /// none).
    Value {
        value: Value,
        by: Vec<RuleId>,
        over: Vec<(Value, Vec<RuleId>)>,
    },
    /// No rule gives it a value and it has no default.
    Gap,
    /// Rules give different values (each with its rules).
    Conflict(Vec<(Value, Vec<RuleId>)>),
    /// Two or more rules assign an `exclusive` output (each value with its rules).
    Overlap(Vec<(Value, Vec<RuleId>)>),
    /// The completions of the given facts disagree. When they disagree only on whether
    /// the incident is in scope, `if_in_scope` is the value every completion in scope
    /// gives (so a reader learns the answer before the scope question is settled).
    Missing { if_in_scope: Option<Value> },
    /// Out of scope: the policy decides nothing.
    None,
}

/// Values, each with the rules that give it.
pub type ValuesBy = Vec<(Value, Vec<RuleId>)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub status: DecideStatus,
    /// Per output.
    pub answers: IdxVec<OutputDef, Answer>,
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
    /// For partial facts, per output decided by a value: the values it wins over by
    /// precedence in some completion but not in every one (not in its `over`), each
    /// with the rules that give it in some completion. The value is decided either way;
    /// an early announcement must still say a precedence may be what decides it.
    pub may_outrank: Vec<(OutputId, ValuesBy)>,
}

impl Decision {
    /// The reasons the policy accepts output `o`'s gap, when it does.
    pub fn accepted_reason(&self, o: OutputId) -> Option<&str> {
        self.accepted_gaps
            .iter()
            .find(|(x, _)| *x == o)
            .map(|(_, r)| r.as_str())
    }

    /// Output `o`'s gap, when whether it is accepted depends on facts not given.
    pub fn open_acceptance(&self, o: OutputId) -> Option<&OpenAcceptance> {
        self.open_acceptances.iter().find(|x| x.output == o)
    }
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
            // Through the defines it uses: an assumption over a define involves the
            // facts the define reads.
            keys.extend(crate::compile::order::expr_inputs(policy, &a.expr));
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
                policy.inputs[k].name,
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
        .data(FactsData::keys(
            keys.iter()
                .map(|&k| policy.inputs[k].name.as_str())
                .collect(),
        ));
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
    /// decision graph passes a limit: facts that give every input the rules read.
    Rules(RulesDecider),
}

impl<'g> Decider<'g> {
    /// The decider that reads the rules of `policy`.
    pub fn rules(policy: &Policy) -> Decider<'g> {
        Decider::Rules(RulesDecider::new(policy))
    }

    pub fn graph(&self) -> Option<&'g DecisionGraph> {
        match self {
            Decider::Graph(g) => Some(g),
            Decider::Rules(_) => None,
        }
    }

    /// Decides one incident.
    pub fn decide(&self, policy: &Policy, facts: &Facts) -> Result<Decision, Box<Diagnostic>> {
        match self {
            Decider::Graph(g) => decide(policy, g, facts),
            Decider::Rules(r) => r.decide(policy, facts),
        }
    }
}

/// The decision graph that decides `policy` (read from `path`), or `None` when it passes
/// a limit that reading the rules does not have ([`rules_still_decide`]): then
/// [`Decider::rules`] decides. A module (no `policy` header, no rules) decides nothing
/// and is refused (E0518), as is a policy that cannot be compiled.
pub fn deciding_graph(policy: &Policy, path: &Path) -> Result<Option<DecisionGraph>, Diagnostic> {
    deciding_graph_within(policy, path, None)
}

/// Nodes the decision graph may take when one incident whose facts the rules can decide
/// is asked ([`deciding_graph_for_one`]).
pub const ONE_INCIDENT_NODES: usize = 50_000;

/// [`deciding_graph`] for one incident (`doc`, its facts as read). When the facts give
/// every input the rules, the scope and the assumptions read, reading the rules answers
/// them whatever the graph's size, so the graph is only built while it stays small
/// ([`ONE_INCIDENT_NODES`]): on a policy of thousands of rules its construction passed
/// the node limit only after seconds, to then decide by the rules anyway. Other facts
/// (partial, or not readable: their errors come from deciding) need the whole graph.
pub fn deciding_graph_for_one(
    policy: &Policy,
    path: &Path,
    doc: &facts::FactsJson,
) -> Result<Option<DecisionGraph>, Diagnostic> {
    let index = facts::InputIndex::new(policy);
    let complete = facts::parse_facts_json(policy, &index, doc).is_ok_and(|f| {
        RulesDecider::new(policy)
            .missing(|i| f.get(i).is_some())
            .is_empty()
    });
    deciding_graph_within(policy, path, complete.then_some(ONE_INCIDENT_NODES))
}

/// [`deciding_graph`] within a node limit (`None`: the default).
fn deciding_graph_within(
    policy: &Policy,
    path: &Path,
    max_nodes: Option<usize>,
) -> Result<Option<DecisionGraph>, Diagnostic> {
    if policy.header.is_none() && policy.rules.is_empty() {
        return Err(module_error(policy, path));
    }
    let options = crate::compile::CompileOptions {
        max_nodes,
        // Only the one incident's limit is set here, and past it the rules decide:
        // E0504 is not shown, so its proof need not look for its best count.
        quick_graph_bound: max_nodes.is_some(),
        ..crate::compile::CompileOptions::default()
    };
    match crate::compile::Compiler::new(policy, &options)
        .and_then(|mut c| DecisionGraph::build(&mut c))
    {
        Ok(g) => Ok(Some(g)),
        // No graph within its limits: facts that give every input the rules, scope and
        // assumptions read are still decided, by reading the rules; other partial facts
        // get E0516.
        Err(e) if rules_still_decide(policy, &e) => Ok(None),
        Err(e) => Err(e.diagnostic(policy)),
    }
}

/// A file without a `policy` header and without rules is a module, a shared
/// vocabulary: every incident would be "decided" with nothing in it.
fn module_error(policy: &Policy, path: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::E0518,
        format!(
            "`{}` is a module (no `policy` header, no rules): it declares a vocabulary and decides nothing",
            path.display()
        ),
    )
    .help(format!(
        "decide with a policy that `use`s it (`use \"{}\"`)",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| policy.name.clone())
    ))
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
    let facts_used = match given.iter().copied().collect::<Option<Vec<u32>>>() {
        // Complete facts: only those whose change would change the decision.
        Some(values) => graph.facts_that_mattered(&values),
        None => partial_facts_that_mattered(policy, graph, &given),
    };
    decision_from_leaves(policy, facts, &leaves, facts_used, || {
        graph
            .still_matter(&given)
            .map_err(|e| Box::new(e.diagnostic(policy)))
    })
}

/// How many alternative values `partial_facts_that_mattered` tries before it falls
/// back to the facts the graph asks (each try walks the reachable part of the graph).
const MATTER_BUDGET: u64 = 4096;

/// The given facts that mattered, for partial facts: those on some path the graph asks
/// whose change to another value (the other given facts fixed) changes what the
/// reachable incidents decide. Past [`MATTER_BUDGET`] tries, the facts the graph asks.
fn partial_facts_that_mattered(
    policy: &Policy,
    graph: &DecisionGraph,
    given: &[Option<u32>],
) -> Vec<InputId> {
    let asked = graph.facts_asked(given);
    let tries: u64 = asked
        .iter()
        .map(|&i| policy.domain_size(policy.inputs[i].ty))
        .sum();
    if tries > MATTER_BUDGET {
        return asked;
    }
    let classes = |g: &[Option<u32>]| {
        let mut cs: Vec<(Status, Vec<crate::compile::graph::Verdict>)> = graph
            .reachable_leaves(g)
            .into_iter()
            .filter_map(|l| graph.leaves.get(l))
            .filter(|l| l.status != Status::BrokenAssumption)
            .map(|l| (l.status, l.outcomes.iter().map(|o| o.verdict()).collect()))
            .collect();
        cs.sort();
        cs.dedup();
        cs
    };
    let here = classes(given);
    let mut changed = given.to_vec();
    asked
        .into_iter()
        .filter(|&i| {
            let (Some(size), Some(&v)) = (
                Some(policy.domain_size(policy.inputs[i].ty)),
                given.get(i.index()),
            ) else {
                return true;
            };
            let mattered = (0..size).filter_map(|w| u32::try_from(w).ok()).any(|w| {
                if Some(w) == v {
                    return false;
                }
                if let Some(slot) = changed.get_mut(i.index()) {
                    *slot = Some(w);
                }
                let c = classes(&changed);
                !c.is_empty() && c != here
            });
            if let Some(slot) = changed.get_mut(i.index()) {
                *slot = v;
            }
            mattered
        })
        .collect()
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
            answers: IdxVec::filled(Answer::None, n_out),
            fired: Vec::new(),
            overridden: Vec::new(),
            facts_used,
            missing: Vec::new(),
            accepted_gaps: Vec::new(),
            open_acceptances: Vec::new(),
            may_outrank: Vec::new(),
        });
    }
    let some_out = leaves.iter().any(|l| l.status == Status::OutOfScope);
    let in_scope: Vec<&Leaf> = leaves
        .iter()
        .copied()
        .filter(|l| l.status == Status::InScope)
        .collect();
    let mut answers = IdxVec::new();
    let mut may_outrank = Vec::new();
    for o in policy.outputs.ids() {
        let outcomes: Vec<&Outcome> = in_scope.iter().filter_map(|l| l.outcome(o)).collect();
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
                Some(Outcome::Value { value, by, over }) => {
                    let mut by = by.clone();
                    let mut over = over.clone();
                    for x in &outcomes {
                        if let Outcome::Value { by: b, over: o, .. } = x {
                            intersect(&mut by, b);
                            // A value outranked in every completion, by the rules that
                            // give it in every one (perhaps none: they depend on facts
                            // not given).
                            over.retain_mut(|(v, rules)| match o.iter().find(|p| &p.0 == v) {
                                Some((_, theirs)) => {
                                    intersect(rules, theirs);
                                    true
                                }
                                None => false,
                            });
                        }
                    }
                    let mut maybe: Vec<(Value, Vec<RuleId>)> = Vec::new();
                    for x in &outcomes {
                        if let Outcome::Value { over: o, .. } = x {
                            for (v, rules) in o {
                                if over.iter().any(|p| &p.0 == v) {
                                    continue;
                                }
                                match maybe.iter_mut().find(|p| &p.0 == v) {
                                    Some((_, all)) => {
                                        all.extend(rules.iter().copied());
                                        all.sort_unstable();
                                        all.dedup();
                                    }
                                    None => maybe.push((v.clone(), rules.clone())),
                                }
                            }
                        }
                    }
                    if !maybe.is_empty() {
                        may_outrank.push((o, maybe));
                    }
                    Answer::Value {
                        value: value.clone(),
                        by,
                        over,
                    }
                }
                Some(Outcome::Gap) => Answer::Gap,
                Some(Outcome::Conflict { values }) => Answer::Conflict(values.clone()),
                Some(Outcome::Overlap { values }) => Answer::Overlap(values.clone()),
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
        may_outrank,
    })
}

fn acceptances(
    policy: &Policy,
    facts: &Facts,
    answers: &IdxVec<OutputDef, Answer>,
) -> (Vec<(OutputId, String)>, Vec<OpenAcceptance>) {
    let mut accepted = Vec::new();
    let mut open = Vec::new();
    for (o, a) in answers.entries() {
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

#[cfg(test)]
mod tests;
