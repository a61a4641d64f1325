//! Exact analyses of a compiled policy, inside the scope and under the assumptions.
//!
//! Every finding is a set operation on the diagrams of [`crate::compile::Compiler`]:
//!
//! - **gap** of a single-valued output without default: `valid and not has(o)`, split
//!   into the part no `accept gap` covers (an error) and the part one does (a note);
//!   an acceptance whose region holds no gap is stale (a warning);
//! - **conflict**: for two rules giving an output different values, the incidents where
//!   both assignments are effective (each rule applies and no rule that overrides it,
//!   directly or through a chain, applies and assigns that output);
//! - **dead rule**: applies to no valid incident, or none of its assignments is ever
//!   effective;
//! - **unused inputs**: inputs the outcome (status, and per output its value or why it
//!   has none) does not depend on;
//! - **asserts**: `valid and not assert` is empty (proven) or gives counterexamples.
//!
//! Each comes with a [`Region`]: how many incidents, one complete example, and the
//! region as a readable condition. [`brute`] is the enumerating reference the tests
//! compare against.

pub mod boxes;
pub mod brute;
pub mod sat;
mod sweep;
pub mod witness;

mod files;
pub use files::check_files;

use serde_json::json;

use crate::check::ir::{InputId, OutputDef, OutputId, OutputTy, Policy, RuleId, Value};
use crate::compile::describe::{
    count_json, describe, example_values, facts_json, incidents, show_count, Region,
};
use crate::compile::{
    CResult, CompileError, CompileOptions, Compiler, Engine, OutputRegions, BOX_ENGINE_MIN_RULES,
};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::mdd::{hash::FxHashMap, NodeId, FALSE};
use boxes::BoxModel;

#[derive(Clone, Debug, PartialEq)]
pub struct GapFinding {
    pub output: OutputId,
    /// The acceptances covering this part (empty: not accepted, an error).
    pub accepted_by: Vec<usize>,
    pub region: Region,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConflictFinding {
    pub output: OutputId,
    /// The two rules, in declaration order, and the values they give.
    pub rules: [RuleId; 2],
    pub values: [Value; 2],
    pub region: Region,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadReason {
    /// The rule's condition holds for no valid incident.
    NeverApplies,
    /// It applies, but every one of its assignments is always overridden.
    AlwaysOverridden,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadRule {
    pub rule: RuleId,
    pub reason: DeadReason,
    /// For `AlwaysOverridden`: the rules that override it.
    pub by: Vec<RuleId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AssertFinding {
    pub assert: usize,
    pub holds: bool,
    /// The incidents that break it (when it does not hold).
    pub counterexamples: Option<Region>,
}

/// Every finding, as plain data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    pub gaps: Vec<GapFinding>,
    /// Acceptances (indices into `Policy::accepted_gaps`) that cover no gap.
    pub stale_acceptances: Vec<usize>,
    pub conflicts: Vec<ConflictFinding>,
    pub dead_rules: Vec<DeadRule>,
    pub unused_inputs: Vec<InputId>,
    pub asserts: Vec<AssertFinding>,
    /// Incidents in scope and satisfying the assumptions.
    pub valid_count: u128,
    /// Incidents satisfying the assumptions (in scope or not).
    pub assumed_count: u128,
    /// Every combination of input values.
    pub incident_count: u128,
    /// Analyses that passed the node limit and so were not completed.
    pub unfinished: Vec<Unfinished>,
    /// The node limit they were run with.
    pub max_nodes: usize,
    /// The box engine's budget of splits per count when one was asked for
    /// (`CompileOptions::max_splits`); `None` for the default, which also stops a count
    /// that stalls.
    pub max_splits: Option<usize>,
    /// Outputs whose gaps were not analysed (in `unfinished`) but are proven to exist,
    /// each with one incident that gets no value.
    pub gap_examples: Vec<GapExample>,
    /// The engine that found the gaps, conflicts and dead rules ([`Engine::Boxes`] or
    /// [`Engine::Diagrams`]).
    pub engine: Engine,
}

/// One incident that gets no value for an output whose gaps could not be counted.
#[derive(Clone, Debug, PartialEq)]
pub struct GapExample {
    pub output: OutputId,
    /// One value per input (by input id).
    pub example: Vec<Value>,
    /// The same, as facts `policyc decide` accepts.
    pub example_json: serde_json::Value,
    /// A part of the gap around the example, counted and described exactly.
    pub part: Option<Region>,
}

/// An analysis that could not be completed within the node limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unfinished {
    Gaps(OutputId),
    Conflicts(OutputId),
    DeadRules,
    UnusedInputs,
    Assert(usize),
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        !self.unfinished.is_empty()
            || self.gaps.iter().any(|g| g.accepted_by.is_empty())
            || !self.conflicts.is_empty()
            || self.asserts.iter().any(|a| !a.holds)
    }
}

/// One part of the analysis on the box engine.
enum Task {
    Gaps(OutputId),
    Conflicts(OutputId),
    /// The inputs witnesses show to be used ([`witness::used_inputs`]).
    UsedInputs,
}

enum BoxResult {
    Gaps(Result<(Vec<GapFinding>, Vec<usize>), boxes::Uncounted>),
    Conflicts(Vec<ConflictFinding>),
    UsedInputs(Vec<bool>),
}

/// `f` on every item, on as many threads as there are cores, taking the items in the
/// order of `first` (indices; the longest tasks first, so that no core is left with a
/// long one at the end); the results in item order (each item's result is
/// deterministic, so the analysis is too).
fn par_map<T: Sync, R: Send>(items: &[T], first: &[usize], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = first.get(k) else { break };
                        let Some(item) = items.get(i) else { continue };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                // A panic in an analysis is a bug; let it surface as one.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    });
    done.sort_by_key(|p| p.0);
    done.into_iter().map(|p| p.1).collect()
}

/// Runs `f`; if it passes the node limit, frees the garbage it left and returns
/// `None` so the other analyses still run. `f` must not leave diagram ids in the
/// caller's variables: compaction renumbers nodes.
fn attempt<T>(
    c: &mut Compiler<'_>,
    f: impl FnOnce(&mut Compiler<'_>) -> CResult<T>,
) -> CResult<Option<T>> {
    // Garbage from earlier analyses would eat into this one's share of the limit.
    if c.mdd.total_nodes() > c.mdd.max_nodes() / 2 {
        c.compact()?;
    }
    match f(c) {
        Ok(x) => Ok(Some(x)),
        Err(CompileError::TooLarge { .. }) => {
            c.compact()?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Runs every analysis on a compiled policy.
pub fn analyse(c: &mut Compiler<'_>) -> CResult<Analysis> {
    let policy = c.policy;
    let mut a = Analysis {
        valid_count: c.mdd.sat_count(c.valid),
        assumed_count: c.mdd.sat_count(c.assume_all),
        incident_count: c.mdd.sat_count(crate::mdd::TRUE),
        max_nodes: c.mdd.max_nodes(),
        max_splits: c.max_splits,
        ..Analysis::default()
    };
    let model = match c.engine {
        Engine::Diagrams => None,
        Engine::Auto if policy.rules.len() < BOX_ENGINE_MIN_RULES => None,
        Engine::Auto | Engine::Boxes => attempt(c, BoxModel::build)?.flatten(),
    };
    a.engine = if model.is_some() {
        Engine::Boxes
    } else {
        Engine::Diagrams
    };
    let single = |o: &OutputDef| matches!(o.ty, OutputTy::Single(_));
    let gap_outputs: Vec<OutputId> = (0..policy.outputs.len())
        .filter(|&o| {
            policy
                .outputs
                .get(o)
                .is_some_and(|x| x.default.is_none() && single(x))
        })
        .collect();
    let single_outputs: Vec<OutputId> = (0..policy.outputs.len())
        .filter(|&o| policy.outputs.get(o).is_some_and(single))
        .collect();
    // The box engine's work is independent per output: run it on every core. The
    // results come back in task order, gaps first, which the loops below consume.
    let tasks: Vec<Task> = match &model {
        Some(_) => gap_outputs
            .iter()
            .map(|&o| Task::Gaps(o))
            .chain(single_outputs.iter().map(|&o| Task::Conflicts(o)))
            .chain([Task::UsedInputs])
            .collect(),
        None => Vec::new(),
    };
    let shared: &Compiler<'_> = c;
    let mut boxed = match &model {
        Some(m) => par_map(&tasks, &m.longest_first(shared, &tasks), |t| match *t {
            Task::Gaps(o) => BoxResult::Gaps(m.gaps_of_output(shared, o)),
            Task::Conflicts(o) => BoxResult::Conflicts(m.conflicts_of_output(shared, o)),
            Task::UsedInputs => BoxResult::UsedInputs(witness::used_inputs(shared, m)),
        }),
        None => Vec::new(),
    }
    .into_iter();
    for &o in &gap_outputs {
        let found = match boxed.next() {
            Some(BoxResult::Gaps(Ok(found))) => Some(found),
            Some(BoxResult::Gaps(Err(uncounted))) => {
                a.stale_acceptances.extend(uncounted.stale);
                if let Some(levels) = uncounted.example {
                    let example = example_values(c, &levels);
                    a.gap_examples.push(GapExample {
                        output: o,
                        example_json: facts_json(policy, &example),
                        example,
                        part: uncounted.part,
                    });
                }
                None
            }
            _ => attempt(c, |c| gaps_of_output(c, o))?,
        };
        match found {
            Some((found, stale)) => {
                a.gaps.extend(found);
                a.stale_acceptances.extend(stale);
            }
            None => a.unfinished.push(Unfinished::Gaps(o)),
        }
    }
    a.stale_acceptances.sort_unstable();
    // Hundreds of thousands of conflicts on large policies: one allocation, not a copy
    // per doubling.
    let found: usize = boxed
        .as_slice()
        .iter()
        .map(|r| match r {
            BoxResult::Conflicts(f) => f.len(),
            _ => 0,
        })
        .sum();
    a.conflicts.reserve(found);
    for &o in &single_outputs {
        let found = match boxed.next() {
            Some(BoxResult::Conflicts(found)) => Some(found),
            _ => attempt(c, |c| conflicts_of_output(c, o))?,
        };
        match found {
            Some(found) => a.conflicts.extend(found),
            None => a.unfinished.push(Unfinished::Conflicts(o)),
        }
    }
    let dead = match &model {
        Some(m) => Some(m.dead_rules(c)),
        None => attempt(c, dead_rules)?,
    };
    match dead {
        Some(d) => a.dead_rules = d,
        None => a.unfinished.push(Unfinished::DeadRules),
    }
    // Witnesses settle most inputs at once; the diagrams only run for the others.
    let witnessed = match boxed.next() {
        Some(BoxResult::UsedInputs(used)) => Some(used),
        _ => None,
    };
    let settled = witnessed.and_then(|used| {
        let mentioned = crate::compile::order::decision_inputs(policy);
        let all = used.iter().zip(&mentioned).all(|(u, m)| *u || !*m);
        all.then(|| {
            (0..policy.inputs.len())
                .filter(|&i| !used.get(i).copied().unwrap_or(true))
                .collect::<Vec<InputId>>()
        })
    });
    let unused = match settled {
        Some(u) => Some(u),
        None => attempt(c, unused_inputs)?,
    };
    match unused {
        Some(mut u) => {
            // `decide` says whether an `accept gap` covers an incident, so an input an
            // acceptance reads is used even where no outcome depends on it (two
            // acceptances of one gap, told apart by it, with their own reasons).
            let accepting = accepting_inputs(policy);
            u.retain(|i| !accepting.contains(i));
            a.unused_inputs = u;
        }
        None => a.unfinished.push(Unfinished::UnusedInputs),
    }
    for (k, def) in policy.asserts.iter().enumerate() {
        let found = attempt(c, |c| {
            let holds_region = c.expr(&def.expr).map_err(|e| e.at(def.loc))?;
            let broken = c.mdd.diff(c.valid, holds_region)?;
            describe(c, broken)
        })?;
        match found {
            Some(counterexamples) => a.asserts.push(AssertFinding {
                assert: k,
                holds: counterexamples.is_none(),
                counterexamples,
            }),
            None => a.unfinished.push(Unfinished::Assert(k)),
        }
    }
    Ok(a)
}

/// The `accept gap`s of output `o` (indices into `Policy::accepted_gaps`).
fn acceptances_of(policy: &Policy, o: OutputId) -> Vec<usize> {
    policy
        .accepted_gaps
        .iter()
        .enumerate()
        .filter(|(_, x)| x.output == o)
        .map(|(i, _)| i)
        .collect()
}

/// The gaps of one single-valued output without default (open and accepted parts),
/// and the acceptances of it that cover no gap.
fn gaps_of_output(c: &mut Compiler<'_>, o: OutputId) -> CResult<(Vec<GapFinding>, Vec<usize>)> {
    let policy = c.policy;
    let has = match c.output_regions(o)? {
        OutputRegions::Single { has, .. } => has,
        OutputRegions::Set { .. } => return Ok((Vec::new(), Vec::new())),
    };
    let gap = c.mdd.diff(c.valid, has)?;
    let mine = acceptances_of(policy, o);
    let mut whens: Vec<(usize, NodeId)> = Vec::with_capacity(mine.len());
    for &i in &mine {
        if let Some(acc) = policy.accepted_gaps.get(i) {
            whens.push((i, c.expr(&acc.when).map_err(|e| e.at(acc.loc))?));
        }
    }
    let stale: Vec<usize> = whens
        .iter()
        .filter(|(_, w)| !c.mdd.intersects(gap, *w))
        .map(|p| p.0)
        .collect();
    let mut found = Vec::new();
    if gap == FALSE {
        return Ok((found, stale));
    }
    let parts: Vec<NodeId> = whens.iter().map(|p| p.1).collect();
    let accepted_region = c.mdd.or_all(&parts)?;
    let open = c.mdd.diff(gap, accepted_region)?;
    let covered = c.mdd.and(gap, accepted_region)?;
    if let Some(region) = describe(c, open)? {
        found.push(GapFinding {
            output: o,
            accepted_by: Vec::new(),
            region,
        });
    }
    let by: Vec<usize> = whens
        .iter()
        .filter(|(_, w)| c.mdd.intersects(*w, gap))
        .map(|p| p.0)
        .collect();
    if let Some(region) = describe(c, covered)? {
        found.push(GapFinding {
            output: o,
            accepted_by: by,
            region,
        });
    }
    Ok((found, stale))
}

/// Every pair of rules giving output `o` different values on a valid incident, each
/// where both assignments are effective.
fn conflicts_of_output(c: &mut Compiler<'_>, o: OutputId) -> CResult<Vec<ConflictFinding>> {
    let policy = c.policy;
    let mut found = Vec::new();
    let mut assigns = c.assignments_to(o);
    let value_of = |r: RuleId, k: usize| -> Option<Value> {
        policy
            .rules
            .get(r)
            .and_then(|x| x.assigns.get(k))
            .map(|x| x.value.clone())
    };
    let n = assigns.len();
    for i in 0..n {
        for j in (i + 1)..n {
            let (Some(&(r1, k1, e1)), Some(&(r2, k2, e2))) = (assigns.get(i), assigns.get(j))
            else {
                continue;
            };
            if e1 == FALSE {
                break;
            }
            let (Some(v1), Some(v2)) = (value_of(r1, k1), value_of(r2, k2)) else {
                continue;
            };
            if r1 == r2 || v1 == v2 || !c.mdd.intersects(e1, e2) {
                continue;
            }
            let both = c.mdd.and(e1, e2)?;
            let region = c.mdd.and(both, c.valid)?;
            if let Some(region) = describe(c, region)? {
                found.push(ConflictFinding {
                    output: o,
                    rules: [r1, r2],
                    values: [v1, v2],
                    region,
                });
            }
            // Thousands of described pairs leave garbage; collect it before it fills
            // the limit (the compiler's own diagrams survive, renumbered).
            if c.mdd.total_nodes() > c.mdd.max_nodes() / 2 {
                c.compact()?;
                assigns = c.assignments_to(o);
            }
        }
    }
    Ok(found)
}

fn dead_rules(c: &mut Compiler<'_>) -> CResult<Vec<DeadRule>> {
    let mut found = Vec::new();
    for r in 0..c.policy.rules.len() {
        let cond = c.rule_conds.get(r).copied().unwrap_or(FALSE);
        if !c.mdd.intersects(cond, c.valid) {
            found.push(DeadRule {
                rule: r,
                reason: DeadReason::NeverApplies,
                by: Vec::new(),
            });
            continue;
        }
        let effs = c.effective.get(r).cloned().unwrap_or_default();
        if !effs.is_empty() && effs.iter().all(|&e| !c.mdd.intersects(e, c.valid)) {
            let (conds, mdd) = (&c.rule_conds, &mut c.mdd);
            let meets = |s: RuleId| conds.get(s).is_some_and(|&x| mdd.intersects(x, cond));
            found.push(always_overridden(c.policy, &c.overriders, r, meets));
        }
    }
    Ok(found)
}

/// The inputs the policy's `accept gap` conditions read.
pub fn accepting_inputs(policy: &Policy) -> Vec<InputId> {
    let mut out: Vec<InputId> = policy
        .accepted_gaps
        .iter()
        .flat_map(|g| crate::compile::order::expr_inputs(policy, &g.when))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Rule `r` as always overridden, by the rules overriding it that assign one of its
/// outputs (only those win over it) and whose conditions meet its own (`meets`).
fn always_overridden(
    policy: &Policy,
    overriders: &[Vec<RuleId>],
    r: RuleId,
    mut meets: impl FnMut(RuleId) -> bool,
) -> DeadRule {
    let outputs = |x: RuleId| {
        policy
            .rules
            .get(x)
            .map(|rule| rule.assigns.iter().map(|a| a.output).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let mine = outputs(r);
    let by = overriders
        .get(r)
        .map(|v| {
            v.iter()
                .copied()
                .filter(|&s| outputs(s).iter().any(|o| mine.contains(o)) && meets(s))
                .collect()
        })
        .unwrap_or_default();
    DeadRule {
        rule: r,
        reason: DeadReason::AlwaysOverridden,
        by,
    }
}

const T_OUT: u32 = 1 << 29;
const T_BROKEN: u32 = T_OUT + 1;

/// Inputs the outcome does not depend on: the union of the supports of the status
/// function and, per output, of its verdict function masked by the status.
fn unused_inputs(c: &mut Compiler<'_>) -> CResult<Vec<InputId>> {
    let policy = c.policy;
    let mut used = vec![false; c.mdd.num_levels()];
    let add = |support: Vec<bool>, used: &mut Vec<bool>| {
        for (u, s) in used.iter_mut().zip(support) {
            *u |= s;
        }
    };
    let (scope, assume) = (c.scope, c.assume_all);
    let in_scope = c
        .mdd
        .ite(scope, NodeId::terminal(0), NodeId::terminal(T_OUT))?;
    let status = c.mdd.ite(assume, in_scope, NodeId::terminal(T_BROKEN))?;
    add(c.mdd.support(status), &mut used);
    for (o, out) in policy.outputs.iter().enumerate() {
        // The output's verdict as a multi-terminal diagram: terminals are sets of the
        // labels (values or variants) whose regions hold.
        let regions = c.output_regions(o)?;
        let labelled: Vec<NodeId> = match &regions {
            OutputRegions::Single { assigned, .. } => assigned.iter().map(|p| p.1).collect(),
            OutputRegions::Set { members } => members.clone(),
        };
        let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
        let mut index: FxHashMap<Vec<usize>, u32> = FxHashMap::default();
        index.insert(Vec::new(), 0);
        let mut f = NodeId::terminal(0);
        for (k, &region) in labelled.iter().enumerate() {
            f = c.mdd.apply_terminals(region, f, |holds, s| {
                if holds == 0 {
                    return s;
                }
                let mut v = sets.get(s as usize).cloned().unwrap_or_default();
                v.push(k);
                if let Some(i) = index.get(&v) {
                    return *i;
                }
                let i = sets.len() as u32;
                index.insert(v.clone(), i);
                sets.push(v);
                i
            })?;
        }
        // A single output with a default: "no value" and "the default's value" are the
        // same verdict.
        let default_label = match (&out.default, &regions) {
            (Some(d), OutputRegions::Single { assigned, .. }) => {
                assigned.iter().position(|p| &p.0 == d)
            }
            _ => None,
        };
        let single = matches!(out.ty, OutputTy::Single(_));
        let verdict = c.mdd.map_terminals(f, |s| {
            let set = sets.get(s as usize).cloned().unwrap_or_default();
            match (single, set.as_slice(), default_label) {
                (true, [], Some(d)) => index.get(&vec![d]).copied().unwrap_or(s),
                _ => s,
            }
        })?;
        let masked_scope = c.mdd.ite(scope, verdict, NodeId::terminal(T_OUT))?;
        let masked = c
            .mdd
            .ite(assume, masked_scope, NodeId::terminal(T_BROKEN))?;
        add(c.mdd.support(masked), &mut used);
    }
    let mut out: Vec<InputId> = c
        .order
        .levels
        .iter()
        .enumerate()
        .filter(|(l, _)| !used.get(*l).copied().unwrap_or(true))
        .map(|(_, &i)| i)
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// Everything `policyc check` needs after the checker: the findings as data, and as
/// diagnostics. No decision graph: it is not a finding (its size is a limit of the
/// tool, not a fault of the policy), and for a policy of many rules building it takes
/// seconds where the analyses take milliseconds. The commands that use the graph
/// (`graph`, `doc`, `decide`, `test`) build it and report `E0504` when it is too large.
pub struct Analysed {
    pub analysis: Analysis,
    pub diagnostics: Vec<Diagnostic>,
}

/// Compiles and analyses a checked policy. `Err` only when even the analyses cannot be
/// computed (the node limit or a compile limit).
pub fn analyse_policy(policy: &Policy) -> Result<Analysed, Box<Diagnostic>> {
    analyse_policy_with(policy, &CompileOptions::default())
}

pub fn analyse_policy_with(
    policy: &Policy,
    options: &CompileOptions,
) -> Result<Analysed, Box<Diagnostic>> {
    let mut c = Compiler::new(policy, options).map_err(|e| Box::new(e.diagnostic(policy)))?;
    let analysis = analyse(&mut c).map_err(|e| Box::new(e.diagnostic(policy)))?;
    let diagnostics = diagnostics(policy, &analysis);
    Ok(Analysed {
        analysis,
        diagnostics,
    })
}

/// What `policyc check` runs on one file: the checker and, for a policy (a file with a
/// `policy` header) that checks without errors, the analyses. The diagnostics of both
/// come back together.
pub fn check_and_analyse(
    sources: &mut crate::source::Sources,
    fs: &dyn crate::source::FileSystem,
    path: &std::path::Path,
) -> crate::check::Checked {
    check_and_analyse_with(sources, fs, path, &CompileOptions::default())
}

/// [`check_and_analyse`] with compile options (`policyc check --count-budget`).
pub fn check_and_analyse_with(
    sources: &mut crate::source::Sources,
    fs: &dyn crate::source::FileSystem,
    path: &std::path::Path,
    options: &CompileOptions,
) -> crate::check::Checked {
    let mut checked = crate::check::check_file(sources, fs, path);
    let clean = !checked.diagnostics.iter().any(Diagnostic::is_error);
    if let Some(policy) = checked
        .policy
        .as_ref()
        .filter(|p| clean && p.header.is_some())
    {
        match analyse_policy_with(policy, options) {
            Ok(a) => checked.diagnostics.extend(a.diagnostics),
            Err(d) => checked.diagnostics.push(*d),
        }
    }
    checked
}

/// `E0505`: the scope and the assumptions leave no incident to decide, so every other
/// analysis would hold vacuously.
fn no_valid_incident(policy: &Policy, a: &Analysis) -> Diagnostic {
    let contradictory = a.assumed_count == 0;
    let mut d = if contradictory {
        Diagnostic::error(Code::E0505, "no incident satisfies every assumption")
    } else if policy.assumes.is_empty() {
        Diagnostic::error(Code::E0505, "no incident is in scope")
    } else {
        Diagnostic::error(
            Code::E0505,
            "no incident that satisfies the assumptions is in scope",
        )
    };
    // One primary label: the formats that take one location (GitHub annotations, the
    // language server's range) show the others as related.
    for (k, s) in policy.scope.iter().enumerate() {
        d = if k == 0 && !contradictory {
            d.primary(s.loc, "part of the scope")
        } else {
            d.secondary(s.loc, "part of the scope")
        };
    }
    for (k, s) in policy.assumes.iter().enumerate() {
        d = if contradictory && k == 0 {
            d.primary(s.loc, "assumed here")
        } else {
            d.secondary(s.loc, "assumed here")
        };
    }
    d.note("the policy decides nothing: every rule would be dead and every assert would hold, so no other finding is reported")
        .help(if contradictory {
            "correct or remove the assumption that excludes real incidents"
        } else {
            "widen the scope to the incidents the policy speaks to, or correct the assumptions"
        })
        .data(json!({ "kind": "no_valid_incident", "assumptions_contradict": contradictory }))
}

fn region_notes(d: Diagnostic, r: &Region, what: &str) -> Diagnostic {
    let mut cond = r.condition();
    if cond == "true" {
        cond = "every incident in scope".to_string();
    }
    d.note(format!("{what} {}: {cond}", incidents(r.count)))
        .note(format!("for example: {}", r.example_json()))
}

fn region_data(kind: &str, r: &Region, extra: serde_json::Value) -> serde_json::Value {
    let mut v = json!({
        "kind": kind,
        "count": count_json(r.count),
        "example": r.example_json(),
        "condition": r.condition(),
        "condition_complete": r.condition_complete,
    });
    if let (Some(map), serde_json::Value::Object(extra)) = (v.as_object_mut(), extra) {
        map.extend(extra);
    }
    v
}

/// Conflicting rule pairs listed one by one per output; the rest are summed up per pair
/// of values in one diagnostic. A policy of thousands of random rules has hundreds of
/// thousands of pairs: listing them all took gigabytes and helped nobody.
pub const LISTED_CONFLICTS: usize = 100;

/// Which conflicts a report lists one by one, and the rest summed up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConflictListing {
    /// Indices into `Analysis::conflicts`: the first [`LISTED_CONFLICTS`] per output.
    pub listed: Vec<usize>,
    /// Per output with more, in output order.
    pub unlisted: Vec<Unlisted>,
}

/// The conflicts over one output past the listed ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Unlisted {
    pub output: OutputId,
    /// How many pairs of rules.
    pub pairs: usize,
    /// How many per (unordered) pair of values, sorted by the values.
    pub by_values: Vec<([Value; 2], usize)>,
}

/// The conflicts to list and the rest, per output (what `policyc check` and the HTML
/// report show).
pub fn conflict_listing(a: &Analysis) -> ConflictListing {
    let mut listing = ConflictListing::default();
    // Per output: how many pairs seen, and past the listed ones, per pair of values.
    let mut per_output: Vec<Unlisted> = Vec::new();
    for (i, cf) in a.conflicts.iter().enumerate() {
        let slot = match per_output.iter().position(|u| u.output == cf.output) {
            Some(k) => k,
            None => {
                per_output.push(Unlisted {
                    output: cf.output,
                    pairs: 0,
                    by_values: Vec::new(),
                });
                per_output.len() - 1
            }
        };
        let Some(Unlisted {
            pairs: seen,
            by_values: rest,
            ..
        }) = per_output.get_mut(slot)
        else {
            continue;
        };
        *seen += 1;
        if *seen <= LISTED_CONFLICTS {
            listing.listed.push(i);
            continue;
        }
        let [v1, v2] = &cf.values;
        let pair = if v1 <= v2 {
            [v1.clone(), v2.clone()]
        } else {
            [v2.clone(), v1.clone()]
        };
        match rest.iter_mut().find(|(p, _)| *p == pair) {
            Some((_, k)) => *k += 1,
            None => rest.push((pair, 1)),
        }
    }
    for mut u in per_output {
        if u.pairs > LISTED_CONFLICTS {
            u.pairs -= LISTED_CONFLICTS;
            u.by_values.sort();
            listing.unlisted.push(u);
        }
    }
    listing.unlisted.sort_by_key(|u| u.output);
    listing
}

/// The findings as diagnostics (gaps, conflicts and refuted asserts are errors; dead
/// rules, unused inputs and stale acceptances warnings; accepted gaps notes).
pub fn diagnostics(policy: &Policy, a: &Analysis) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if a.valid_count == 0 {
        // Every rule would be dead, every input unused and every assert would hold:
        // findings about nothing, which only bury the one that matters.
        out.push(no_valid_incident(policy, a));
        return out;
    }
    let rule_name = |r: RuleId| policy.rules.get(r).map(|x| x.name.as_str()).unwrap_or("?");
    for g in &a.gaps {
        let Some(o) = policy.outputs.get(g.output) else {
            continue;
        };
        let assigners: Vec<&crate::check::ir::RuleDef> = policy
            .rules
            .iter()
            .filter(|r| r.assigns.iter().any(|x| x.output == g.output))
            .collect();
        let mut extra = json!({ "output": o.name, "accepted": !g.accepted_by.is_empty() });
        // The clause that accepts the gap, for an editor's quick fix: only when the
        // condition is the whole region (a cut-short one is not valid syntax).
        if g.accepted_by.is_empty() && g.region.condition_complete {
            if let Some(map) = extra.as_object_mut() {
                map.insert(
                    "accept".into(),
                    json!(format!(
                        "accept gap {} \"reason\" when {}",
                        o.name,
                        g.region.condition()
                    )),
                );
            }
        }
        let data = region_data("gap", &g.region, extra);
        if g.accepted_by.is_empty() {
            let mut d = Diagnostic::error(
                Code::E0501,
                format!(
                    "output `{}` gets no value for {}",
                    o.name,
                    incidents(g.region.count)
                ),
            )
            .primary(
                o.loc,
                "no rule gives this output a value in some incidents, and it has no default",
            );
            for r in assigners.iter().take(3) {
                d = d.secondary(
                    r.name_loc,
                    format!("`{}` assigns `{}` but does not apply there", r.name, o.name),
                );
            }
            d = region_notes(d, &g.region, "no value for");
            // A cut-short condition ends in "or ... (N more parts)": pasted into the
            // clause it is not valid syntax, so the help then names the clause's shape.
            d = d.help(if g.region.condition_complete {
                format!(
                    "add a rule for these incidents, give `{0}` a default, or, if the source document is silent here, accept it: `accept gap {0} \"reason\" when {1}`",
                    o.name,
                    g.region.condition()
                )
            } else {
                format!(
                    "add a rule for these incidents, give `{0}` a default, or, if the source document is silent here, accept it: `accept gap {0} \"reason\" when CONDITION`, with a condition that holds in these incidents (they take more parts to describe than are shown)",
                    o.name
                )
            });
            out.push(d.data(data));
        } else {
            let mut d = Diagnostic::new(
                Severity::Note,
                Code::W0505,
                format!(
                    "accepted gap: output `{}` gets no value for {}",
                    o.name,
                    incidents(g.region.count)
                ),
            )
            .primary(o.loc, "this output has an accepted gap");
            for &i in &g.accepted_by {
                if let Some(acc) = policy.accepted_gaps.get(i) {
                    d = d.secondary(acc.loc, format!("accepted here: {}", acc.reason));
                }
            }
            out.push(region_notes(d, &g.region, "no value for").data(data));
        }
    }
    for &i in &a.stale_acceptances {
        let Some(acc) = policy.accepted_gaps.get(i) else {
            continue;
        };
        let name = policy
            .outputs
            .get(acc.output)
            .map(|o| o.name.as_str())
            .unwrap_or("?");
        out.push(
            Diagnostic::warning(
                Code::W0504,
                format!("this acceptance of a gap in `{name}` covers no gap"),
            )
            .primary(acc.loc, "no incident here lacks a value")
            .help("remove the `accept gap`: the policy now decides these incidents")
            .data(json!({ "kind": "stale_acceptance", "output": name })),
        );
    }
    let listing = conflict_listing(a);
    for cf in listing.listed.iter().filter_map(|&i| a.conflicts.get(i)) {
        let Some(o) = policy.outputs.get(cf.output) else {
            continue;
        };
        let [r1, r2] = cf.rules;
        let (Some(d1), Some(d2)) = (policy.rules.get(r1), policy.rules.get(r2)) else {
            continue;
        };
        let (v1, v2) = (
            policy.show_value(&cf.values[0]),
            policy.show_value(&cf.values[1]),
        );
        let d = Diagnostic::error(
            Code::E0502,
            format!(
                "rules `{}` and `{}` give `{}` different values ({} and {})",
                d1.name, d2.name, o.name, v1, v2
            ),
        )
        .primary(d2.name_loc, format!("gives `{}` = {v2}", o.name))
        .secondary(d1.name_loc, format!("gives `{}` = {v1}", o.name))
        .secondary(o.loc, "the output");
        let d = region_notes(d, &cf.region, "both apply to");
        let d = d
            .help(format!(
                "if one is an exception to the other, say so (`overrides {}` on `{}`); otherwise narrow their conditions so they do not overlap",
                d1.name, d2.name
            ))
            .data(region_data(
                "conflict",
                &cf.region,
                json!({ "output": o.name, "rules": [d1.name, d2.name], "values": [policy.value_json(&cf.values[0]), policy.value_json(&cf.values[1])] }),
            ));
        out.push(d);
    }
    for Unlisted {
        output,
        pairs: total,
        by_values: rest,
    } in &listing.unlisted
    {
        let Some(out_def) = policy.outputs.get(*output) else {
            continue;
        };
        let total = *total;
        let mut d = Diagnostic::error(
            Code::E0502,
            format!(
                "{} more pairs of rules give `{}` different values",
                show_count(total as u128),
                out_def.name
            ),
        )
        .primary(
            out_def.loc,
            "more conflicts over this output than are listed",
        );
        for ([v1, v2], k) in rest {
            d = d.note(format!(
                "{} and {}: {} pairs",
                policy.show_value(v1),
                policy.show_value(v2),
                show_count(*k as u128)
            ));
        }
        let by_values: Vec<serde_json::Value> = rest
            .iter()
            .map(|([v1, v2], k)| json!({ "values": [policy.value_json(v1), policy.value_json(v2)], "pairs": k }))
            .collect();
        out.push(
            d.help(format!(
                "the first {LISTED_CONFLICTS} pairs are listed one by one; resolve those, or the overlap they share, and check again"
            ))
            .data(json!({ "kind": "conflicts_not_listed", "output": out_def.name, "pairs": total, "by_values": by_values })),
        );
    }
    for dr in &a.dead_rules {
        let Some(rule) = policy.rules.get(dr.rule) else {
            continue;
        };
        let d = match dr.reason {
            DeadReason::NeverApplies => Diagnostic::warning(
                Code::W0501,
                format!("rule `{}` never applies", rule.name),
            )
            .primary(
                rule.name_loc,
                "no incident in scope that satisfies the assumptions meets this rule's condition",
            )
            .help("check the condition against the scope and the assumptions, or remove the rule")
            .data(json!({ "kind": "dead_rule", "rule": rule.name, "reason": "never_applies" })),
            DeadReason::AlwaysOverridden => {
                let names: Vec<String> = dr
                    .by
                    .iter()
                    .map(|&s| format!("`{}`", rule_name(s)))
                    .collect();
                let mut d = Diagnostic::warning(
                    Code::W0502,
                    format!(
                        "every assignment of rule `{}` is always overridden",
                        rule.name
                    ),
                )
                .primary(
                    rule.name_loc,
                    "wherever this rule applies, a rule that overrides it applies too",
                );
                for &s in &dr.by {
                    if let Some(sr) = policy.rules.get(s) {
                        d = d.secondary(
                            sr.name_loc,
                            format!("`{}` overrides `{}`", sr.name, rule.name),
                        );
                    }
                }
                d.help("remove the rule, or narrow the overriding rules' conditions")
                    .note(format!("overridden by {}", names.join(", ")))
                    .data(json!({ "kind": "dead_rule", "rule": rule.name, "reason": "always_overridden", "by": dr.by.iter().map(|&s| rule_name(s)).collect::<Vec<_>>() }))
            }
        };
        out.push(d);
    }
    // Inputs of the checked file that nothing mentions are the checker's W0001 already.
    // An input the policy mentions but that never changes a decision is a finding (a
    // warning); a shared-vocabulary input the policy never mentions is expected (every
    // policy reads only some of the shared facts), so it is only noted and never fails
    // `--deny warnings`.
    let mentioned = crate::compile::order::decision_inputs(policy);
    let anywhere = crate::compile::order::mentioned_inputs(policy);
    let is_mentioned = |i: InputId| mentioned.get(i).copied().unwrap_or(false);
    let in_scenarios = |i: InputId| anywhere.get(i).copied().unwrap_or(false);
    let imported = |i: InputId| {
        policy
            .inputs
            .get(i)
            .is_some_and(|x| x.loc.file != policy.root_file)
    };
    // The policy's own inputs that only scenarios give are its writer's concern too.
    let warned: Vec<InputId> = a
        .unused_inputs
        .iter()
        .copied()
        .filter(|&i| is_mentioned(i) || (!imported(i) && in_scenarios(i)))
        .collect();
    let noted: Vec<InputId> = a
        .unused_inputs
        .iter()
        .copied()
        .filter(|&i| !is_mentioned(i) && imported(i))
        .collect();
    for (unused, severity) in [(warned, Severity::Warning), (noted, Severity::Note)] {
        let Some((&first, rest)) = unused.split_first() else {
            continue;
        };
        let names: Vec<String> = unused
            .iter()
            .filter_map(|&i| policy.inputs.get(i))
            .map(|i| format!("`{}`", i.name))
            .collect();
        let (what, verb) = if names.len() == 1 {
            ("input", "is")
        } else {
            ("inputs", "are")
        };
        let mut d = Diagnostic::new(
            severity,
            Code::W0503,
            format!(
                "the decision of `{}` never depends on {what} {}",
                policy.name,
                names.join(", ")
            ),
        );
        if let Some(i) = policy.inputs.get(first) {
            d = d.primary(i.loc, "no outcome of this policy changes with this input");
        }
        // A note about shared vocabulary points once; pointing at every unread fact
        // would bury the findings that matter.
        if severity == Severity::Warning {
            for &i in rest {
                if let Some(inp) = policy.inputs.get(i) {
                    d = d.secondary(inp.loc, "nor with this one");
                }
            }
        }
        let names_plain: Vec<&str> = unused
            .iter()
            .filter_map(|&i| policy.inputs.get(i))
            .map(|i| i.name.as_str())
            .collect();
        let help = match (severity == Severity::Note, unused.len() == 1) {
            (true, false) => "these inputs come from a shared vocabulary and this policy never mentions them; if the source document uses one of these facts, a rule is missing",
            (true, true) => "this input comes from a shared vocabulary and this policy never mentions it; if the source document uses this fact, a rule is missing",
            (false, false) => "the policy mentions these inputs, but no outcome changes with them: a condition that tests them is dead or always overridden, or a rule is missing",
            (false, true) => "the policy mentions this input, but no outcome changes with it: a condition that tests it is dead or always overridden, or a rule is missing",
        };
        out.push(
            d.note(format!(
                "the listed {what} {verb} never asked by `policyc decide`"
            ))
            .help(help)
            .data(json!({ "kind": "unused_inputs", "inputs": names_plain })),
        );
    }
    for af in &a.asserts {
        let Some(def) = policy.asserts.get(af.assert) else {
            continue;
        };
        let Some(r) = &af.counterexamples else {
            continue;
        };
        let d = Diagnostic::error(Code::E0503, format!("assert `{}` does not hold", def.name))
            .primary(def.loc, "this invariant fails for some incidents");
        out.push(
            region_notes(d, r, "it fails for")
                .help("fix the rules so the invariant holds, or correct the assert")
                .data(region_data("assert", r, json!({ "assert": def.name }))),
        );
    }
    for u in &a.unfinished {
        let (what, at) = match *u {
            Unfinished::Gaps(o) => (
                format!(
                    "the gaps of output `{}`",
                    policy
                        .outputs
                        .get(o)
                        .map(|x| x.name.as_str())
                        .unwrap_or("?")
                ),
                policy.outputs.get(o).map(|x| x.loc),
            ),
            Unfinished::Conflicts(o) => (
                format!(
                    "the conflicts over output `{}`",
                    policy
                        .outputs
                        .get(o)
                        .map(|x| x.name.as_str())
                        .unwrap_or("?")
                ),
                policy.outputs.get(o).map(|x| x.loc),
            ),
            Unfinished::DeadRules => ("the dead rules".to_string(), None),
            Unfinished::UnusedInputs => ("the inputs the decision depends on".to_string(), None),
            Unfinished::Assert(k) => (
                format!(
                    "assert `{}`",
                    policy
                        .asserts
                        .get(k)
                        .map(|x| x.name.as_str())
                        .unwrap_or("?")
                ),
                policy.asserts.get(k).map(|x| x.loc),
            ),
        };
        let boxes_gap = a.engine == Engine::Boxes && matches!(u, Unfinished::Gaps(_));
        let title = if boxes_gap {
            format!("{what} are too fragmented to count within the box engine's limits")
        } else {
            format!(
                "{what} could not be analysed exactly within {} decision-graph nodes",
                show_count(a.max_nodes as u128)
            )
        };
        let witness = match u {
            Unfinished::Gaps(o) => a.gap_examples.iter().find(|g| g.output == *o),
            _ => None,
        };
        let mut d = Diagnostic::error(Code::E0504, title);
        d = match witness {
            Some(g) => {
                let d = match &g.part {
                    Some(part) => d.note(format!(
                        "the output does have gaps: it gets no value for at least {}, among them every incident where {}",
                        incidents(part.count),
                        part.condition()
                    )),
                    None => d.note("the output does have gaps"),
                };
                let budget = match a.max_splits {
                    None => format!(
                        "the count stopped at its budget of {} splits, or sooner when it stopped making progress; `policyc check --count-budget N` spends N splits on it",
                        show_count(crate::analyse::boxes::MAX_SPLITS as u128)
                    ),
                    Some(n) => format!(
                        "the count stopped at its budget of {} split{} (`--count-budget`)",
                        show_count(n as u128),
                        if n == 1 { "" } else { "s" }
                    ),
                };
                let unknown = "how many incidents lack a value in all, and which, is not known";
                d.note(format!("for example: {}", g.example_json))
                    .note(if boxes_gap {
                        format!("{unknown}: {budget}")
                    } else {
                        unknown.to_string()
                    })
            }
            None => d.note("the other analyses were completed; this one is not proven either way"),
        };
        d = d.help(if witness.is_some() {
            "give the output a default, or add rules for incidents like the example (`policyc decide` on it shows which rules come close)"
        } else {
            "split the policy or narrow the integer ranges its rules compare"
        });
        if let Some(loc) = at {
            d = d.primary(loc, "too large to analyse exactly");
        }
        // For CI: what was not finished, and for a gap proven but not counted, the
        // example and the counted part, as the other findings give them.
        let (analysis, output) = match *u {
            Unfinished::Gaps(o) => ("gaps", policy.outputs.get(o).map(|x| x.name.as_str())),
            Unfinished::Conflicts(o) => {
                ("conflicts", policy.outputs.get(o).map(|x| x.name.as_str()))
            }
            Unfinished::DeadRules => ("dead_rules", None),
            Unfinished::UnusedInputs => ("unused_inputs", None),
            Unfinished::Assert(_) => ("assert", None),
        };
        let mut data = json!({ "kind": "unfinished", "analysis": analysis, "output": output });
        if let (Some(g), Some(map)) = (witness, data.as_object_mut()) {
            map.insert("gaps_exist".into(), json!(true));
            map.insert("example".into(), g.example_json.clone());
            if let Some(part) = &g.part {
                map.insert(
                    "part".into(),
                    json!({ "count": count_json(part.count), "condition": part.condition() }),
                );
            }
        }
        out.push(d.data(data));
    }
    out
}

#[cfg(test)]
mod tests;
