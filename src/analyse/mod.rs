//! Exact analyses of a compiled policy, inside the scope and under the assumptions.
//!
//! Every finding is a set operation: on the diagrams of [`crate::compile::Compiler`],
//! or, for policies with many rules, on unions of boxes (`boxes`, over the box algebra
//! of `cuboid`; counted by `sweep`, searched by `sat`):
//!
//! - **gap** of a single-valued output without default: `valid and not has(o)`, split
//!   into the part no `accept gap` covers (an error) and the part one does (a note);
//!   an acceptance whose region holds no gap is stale (a warning);
//! - **conflict**: for two rules giving an output different values, the incidents where
//!   both assignments are effective (each rule applies and no rule that overrides it,
//!   directly or through a chain, applies and assigns that output); where the output's
//!   precedence ranks both values it decides them (a note), and on an `exclusive`
//!   output two effective assignments overlap even when they agree;
//! - **dead rule**: applies to no valid incident, or none of its assignments is ever
//!   effective;
//! - **unused inputs**: inputs the outcome (status, and per output its value or why it
//!   has none) does not depend on;
//! - **no incident**: the scope and the assumptions leave nothing to decide;
//! - **asserts**: `valid and not assert` is empty (proven) or gives counterexamples;
//! - **redundant rule**: removing it changes no decision (`redundant`).
//!
//! Each comes with a [`Region`]: how many incidents, one complete example, and the
//! region as a readable condition; `findings` words them as diagnostics, one file per
//! kind (a finding neither engine can finish is E0504). `brute` is the enumerating
//! reference the tests compare against; its evaluation of one incident also serves
//! where no diagram can (deciding by the rules, `evaluate::RulesDecider`; the witnesses
//! of `witness`).

pub(crate) mod boxes;
pub(crate) mod brute;
pub(crate) mod cuboid;
mod findings;
mod isolate;
mod redundant;
pub(crate) mod sat;
mod sweep;
pub(crate) mod witness;

mod files;
pub use files::check_files;
pub use findings::{
    conflict_listing, diagnostics, error_count, incidents, pair_listing, ConflictListing, Unlisted,
    LISTED_CONFLICTS,
};

use crate::check::ir::{
    AcceptId, AssertId, IdxVec, InputId, OutputDef, OutputId, OutputTy, Policy, RuleDef, RuleId,
    Value,
};
use crate::compile::describe::{describe, example_values, Region};
use crate::compile::{
    CResult, CompileError, CompileOptions, Compiler, Engine, OutputRegions, BOX_ENGINE_MIN_RULES,
};
use crate::diagnostics::Diagnostic;
use crate::mdd::{hash::FxHashMap, NodeId, FALSE};
use boxes::BoxModel;
pub use redundant::RedundantRule;

#[derive(Clone, Debug, PartialEq)]
pub struct GapFinding {
    pub output: OutputId,
    /// The acceptances covering this part (empty: not accepted, an error).
    pub accepted_by: Vec<AcceptId>,
    pub region: Region,
}

/// Two rules whose effective assignments to one single-valued output meet: a conflict
/// (different values, no precedence settles them), a decision of the output's
/// precedence (different values, every value applying ranked), or an overlap of an
/// `exclusive` output's rules (any values). Which list of [`Analysis`] holds it says
/// which.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictFinding {
    pub output: OutputId,
    /// The two rules, in declaration order, and the values they give.
    pub rules: [RuleId; 2],
    pub values: [Value; 2],
    pub region: Region,
    /// Whether the example applies only these two of the rules that assign the output
    /// (`isolate::isolate_examples` looks for one): `Some(false)` when no incident of
    /// the region does, `None` when not looked at (past the listed pairs).
    pub isolating: Option<bool>,
}

/// The pairs of rules over one output, by kind (see [`ConflictFinding`]), each listed
/// up to [`LISTED_CONFLICTS`] and counted past that.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pairs {
    pub conflicts: PairList,
    pub resolved: PairList,
    pub overlaps: PairList,
}

impl Pairs {
    fn of_kind(&mut self, kind: PairKind) -> &mut PairList {
        match kind {
            PairKind::Conflict => &mut self.conflicts,
            PairKind::Resolved => &mut self.resolved,
            PairKind::Overlap => &mut self.overlaps,
        }
    }
}

/// Which list a pair of rules over output `out` giving `v1` and `v2` belongs to
/// (`None`: none, they agree on an output that lets them); a precedence decides only
/// where no unranked value applies, which the caller subtracts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PairKind {
    Conflict,
    Resolved,
    Overlap,
}

fn pair_kind(out: &OutputDef, v1: &Value, v2: &Value) -> Option<PairKind> {
    use crate::check::ir::HitPolicy;
    match &out.hit {
        HitPolicy::Exclusive { .. } => Some(PairKind::Overlap),
        _ if v1 == v2 => None,
        HitPolicy::Precedence { .. }
            if out.hit.rank(v1).is_some() && out.hit.rank(v2).is_some() =>
        {
            Some(PairKind::Resolved)
        }
        _ => Some(PairKind::Conflict),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadReason {
    /// The rule's condition holds for no valid incident.
    NeverApplies,
    /// It applies, but every one of its assignments is always overridden.
    AlwaysOverridden,
    /// It applies, but every one of its assignments is always overridden or outranked
    /// (another applying rule gives a value the output's precedence ranks higher), and
    /// at least one is outranked.
    Outranked,
}

impl DeadReason {
    /// Outranked when a precedence beats the rule somewhere it applies; else overridden.
    fn given(outranked_by: &[RuleId]) -> DeadReason {
        if outranked_by.is_empty() {
            DeadReason::AlwaysOverridden
        } else {
            DeadReason::Outranked
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadRule {
    pub rule: RuleId,
    pub reason: DeadReason,
    /// For `AlwaysOverridden` and `Outranked`: the rules that override it.
    pub by: Vec<RuleId>,
    /// For `Outranked`: the rules whose values, ranked higher by precedence, win over
    /// one of its assignments somewhere.
    pub outranked_by: Vec<RuleId>,
}

/// An assignment that never takes effect (always overridden or outranked), of a rule
/// that is not dead: some other assignment of it does take effect somewhere (W0502).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadAssignment {
    pub rule: RuleId,
    /// Its index in the rule's assignments.
    pub assign: usize,
    /// `AlwaysOverridden` or `Outranked`, as for a dead rule.
    pub reason: DeadReason,
    /// The rules overriding it that assign its output and meet its rule's condition.
    pub by: Vec<RuleId>,
    /// The rules whose values, ranked higher by precedence, win over it somewhere.
    pub outranked_by: Vec<RuleId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AssertFinding {
    pub assert: AssertId,
    pub holds: bool,
    /// The incidents that break it (when it does not hold).
    pub counterexamples: Option<Region>,
}

/// Every finding, as plain data.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    pub gaps: Vec<GapFinding>,
    /// Acceptances (indices into `Policy::accepted_gaps`) that cover no gap.
    pub stale_acceptances: Vec<AcceptId>,
    /// The conflicts a report lists, with their regions: the first
    /// [`LISTED_CONFLICTS`] pairs of rules per output, in declaration order.
    pub conflicts: Vec<ConflictFinding>,
    /// Per output with more conflicting pairs than are listed: the rest, counted per
    /// pair of values without a region each (a decision table of thousands of rules has
    /// millions of pairs; a region per pair took gigabytes to list a hundred).
    pub unlisted_conflicts: Vec<Unlisted>,
    /// Where a precedence decides between two rules (W0506, notes): the listed pairs,
    /// as `conflicts`.
    pub resolved: Vec<ConflictFinding>,
    /// The decisions of a precedence past the listed ones, counted as
    /// `unlisted_conflicts`.
    pub unlisted_resolved: Vec<Unlisted>,
    /// Where two rules of an `exclusive` output overlap (E0506): the listed pairs, as
    /// `conflicts`.
    pub overlaps: Vec<ConflictFinding>,
    /// The overlaps past the listed ones, counted as `unlisted_conflicts`.
    pub unlisted_overlaps: Vec<Unlisted>,
    pub dead_rules: Vec<DeadRule>,
    /// Assignments that never take effect, of rules that are not dead (W0502).
    pub dead_assignments: Vec<DeadAssignment>,
    /// Rules whose removal changes no decision (W0507), twins reported once.
    pub redundant: Vec<RedundantRule>,
    /// Rules the redundancy analysis left unsettled: too many rules meet them
    /// (`redundant::MAX_MEETING`) for an exact comparison, and no quick proof showed
    /// them needed. Not reported (a bound of the warning, not a finding).
    pub redundant_unsettled: Vec<RuleId>,
    pub unused_inputs: Vec<InputId>,
    pub asserts: Vec<AssertFinding>,
    /// Incidents in scope and satisfying the assumptions.
    pub valid_count: u128,
    /// Incidents satisfying the assumptions (in scope or not).
    pub assumed_count: u128,
    /// Every combination of input values.
    pub incident_count: u128,
    /// The inputs the policy reads: the counts above and every region's count are over
    /// all inputs; [`Reads::count`](crate::check::ir::Reads::count) says one over the read inputs, as people are told.
    pub reads: crate::check::ir::Reads,
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
    RedundantRules,
    UnusedInputs,
    Assert(AssertId),
}

impl Analysis {
    /// How many pairs of rules conflict, over every output.
    pub fn conflict_pairs(&self) -> usize {
        pair_count(&self.conflicts, &self.unlisted_conflicts, None)
    }

    /// How many pairs of rules conflict over output `o`.
    pub fn conflict_pairs_over(&self, o: OutputId) -> usize {
        pair_count(&self.conflicts, &self.unlisted_conflicts, Some(o))
    }

    /// How many pairs of rules a precedence decides between, over every output.
    pub fn resolved_pairs(&self) -> usize {
        pair_count(&self.resolved, &self.unlisted_resolved, None)
    }

    /// How many pairs of rules a precedence decides between over output `o`.
    pub fn resolved_pairs_over(&self, o: OutputId) -> usize {
        pair_count(&self.resolved, &self.unlisted_resolved, Some(o))
    }

    /// How many pairs of rules overlap on an `exclusive` output, over every output.
    pub fn overlap_pairs(&self) -> usize {
        pair_count(&self.overlaps, &self.unlisted_overlaps, None)
    }

    /// How many pairs of rules overlap over `exclusive` output `o`.
    pub fn overlap_pairs_over(&self, o: OutputId) -> usize {
        pair_count(&self.overlaps, &self.unlisted_overlaps, Some(o))
    }

    pub fn has_errors(&self) -> bool {
        !self.unfinished.is_empty()
            || self.gaps.iter().any(|g| g.accepted_by.is_empty())
            || !self.conflicts.is_empty()
            || !self.overlaps.is_empty()
            || !self.unlisted_conflicts.is_empty()
            || !self.unlisted_overlaps.is_empty()
            || self.asserts.iter().any(|a| !a.holds)
    }
}

/// How many pairs of one kind (listed and counted), over output `o` or every output.
fn pair_count(listed: &[ConflictFinding], unlisted: &[Unlisted], o: Option<OutputId>) -> usize {
    let over = |x: OutputId| o.is_none_or(|o| o == x);
    listed.iter().filter(|c| over(c.output)).count()
        + unlisted
            .iter()
            .filter(|u| over(u.output))
            .map(|u| u.pairs)
            .sum::<usize>()
}

/// One part of the analysis on the box engine.
enum Task {
    Gaps(OutputId),
    Conflicts(OutputId),
    /// The inputs witnesses show to be used ([`witness::used_inputs`]).
    UsedInputs,
}

/// One output's gaps on the box engine: the gaps and the acceptances that cover none,
/// or gaps it proved but could not count.
type BoxGaps = Result<(Vec<GapFinding>, Vec<AcceptId>), boxes::Uncounted>;

/// One output's pairs of one kind: a region for each listed pair of rules (the first
/// [`LISTED_CONFLICTS`]), counts for the rest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairList {
    pub listed: Vec<ConflictFinding>,
    pub unlisted: Option<Unlisted>,
}

impl PairList {
    /// Whether the next pair found is listed, and so needs its region.
    pub fn lists_next(&self) -> bool {
        self.listed.len() < LISTED_CONFLICTS
    }

    /// Counts one pair past the listed ones.
    pub fn count(&mut self, o: OutputId, v1: &Value, v2: &Value) {
        let u = self.unlisted.get_or_insert_with(|| Unlisted {
            output: o,
            pairs: 0,
            by_values: Vec::new(),
        });
        u.pairs += 1;
        let pair = if v1 <= v2 { [v1, v2] } else { [v2, v1] };
        match u
            .by_values
            .iter_mut()
            .find(|(p, _)| p[0] == *pair[0] && p[1] == *pair[1])
        {
            Some((_, k)) => *k += 1,
            None => u.by_values.push(([pair[0].clone(), pair[1].clone()], 1)),
        }
    }
}

enum BoxResult {
    Gaps(BoxGaps),
    /// `None` when the box engine could not finish (the diagrams then do it).
    Conflicts(Option<Pairs>),
    UsedInputs(Vec<bool>),
}

/// `f` on every item, on as many threads as there are cores, taking the items in the
/// order of `first` (indices; the longest tasks first, so that no core is left with a
/// long one at the end); the results in item order (each item's result is
/// deterministic, so the analysis is too).
fn par_map<T: Sync, R: Send>(items: &[T], first: &[usize], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = crate::parallel::workers(items.len());
    if workers <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&i) = first.get(k) else { break };
            let Some(item) = items.get(i) else { continue };
            mine.push((i, f(item)));
        }
        mine
    };
    // This thread is one of the workers: it runs already, where a new thread waits its
    // turn on a busy machine (the kernel puts new threads last).
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut done = work();
        for h in handles {
            match h.join() {
                Ok(v) => done.extend(v),
                // A panic in an analysis is a bug; let it surface as one.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        done
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

/// Runs every analysis on a compiled policy: on the box engine for a policy of many
/// rules, whose work per output runs on every core, and on the diagrams for the rest
/// and for what the box engine leaves.
pub fn analyse(c: &mut Compiler<'_>) -> CResult<Analysis> {
    analyse_worded(c, false).map(|(a, _, _)| a)
}

/// [`analyse`], and with `words` the diagnostics [`findings::pair_and_rule_diagnostics`]
/// makes, when they are made beside the gap counts (else `None`: the caller makes
/// them all); and the box model, for the caller to free when it has the time.
fn analyse_worded(
    c: &mut Compiler<'_>,
    words: bool,
) -> CResult<(Analysis, Option<Vec<Diagnostic>>, Option<BoxModel>)> {
    let policy = c.policy;
    let mut a = Analysis {
        valid_count: c.mdd.sat_count(c.valid),
        assumed_count: c.mdd.sat_count(c.assume_all),
        incident_count: c.mdd.sat_count(crate::mdd::TRUE),
        reads: c.fact_names.reads().clone(),
        max_nodes: c.mdd.max_nodes(),
        max_splits: c.max_splits,
        ..Analysis::default()
    };
    let model = box_model(c)?;
    a.engine = if model.is_some() {
        Engine::Boxes
    } else {
        Engine::Diagrams
    };
    let single = |o: &OutputDef| matches!(o.ty, OutputTy::Single(_));
    let gap_outputs = outputs_where(policy, |o| o.default.is_none() && single(o));
    let single_outputs = outputs_where(policy, single);
    let mut worded = None;
    match &model {
        Some(m) if crate::parallel::workers(usize::MAX) > 1 => {
            let outputs = (gap_outputs.as_slice(), single_outputs.as_slice());
            worded = overlapped(c, m, &mut a, outputs, words)?;
        }
        _ => {
            let boxed = match &model {
                Some(m) => run_boxes(c, m, &gap_outputs, &single_outputs),
                None => Boxed::default(),
            };
            find_gaps(c, &mut a, &gap_outputs, boxed.gaps)?;
            let used = boxed.used_inputs;
            after_gaps(
                c,
                &mut a,
                model.as_ref(),
                &single_outputs,
                boxed.conflicts,
                || used,
                (false, false),
            )?;
        }
    }
    Ok((a, worded, model))
}

/// Every analysis after the gaps, in order: conflicts (from the box engine's results
/// where it has one per output), their isolating examples, dead and redundant rules,
/// unused inputs (`used_inputs`: the box engine's witnesses, asked for only then) and
/// asserts. With `beside`, the isolating examples are searched on another thread, and
/// with `words` too the listed conflicts are worded there once they have them (the
/// diagnostics are returned, else `None`).
fn after_gaps(
    c: &mut Compiler<'_>,
    a: &mut Analysis,
    model: Option<&BoxModel>,
    single_outputs: &[OutputId],
    conflicts: Vec<Option<Pairs>>,
    used_inputs: impl FnOnce() -> Option<Vec<bool>>,
    (beside, words): (bool, bool),
) -> CResult<Option<Vec<Diagnostic>>> {
    find_conflicts(c, a, single_outputs, conflicts)?;
    if c.errors_only || !beside {
        if !c.errors_only {
            isolate::isolate_examples(c, a)?;
        }
        return after_isolating(c, a, model, used_inputs).map(|()| None);
    }
    // The search reads and changes only the pairs, in diagrams of its own: it runs on a
    // copy of the compiler, taken where the steps in order run it, beside the rest
    // (which reads no pair). Its error, if any, is the one returned, as in order. The
    // wording of hundreds of listed conflicts follows it there, beside the rest too:
    // waiting for the rest first left a core idle.
    let mut pairs = Analysis {
        conflicts: std::mem::take(&mut a.conflicts),
        resolved: std::mem::take(&mut a.resolved),
        overlaps: std::mem::take(&mut a.overlaps),
        ..Analysis::default()
    };
    let mut fork = c.clone();
    let policy = c.policy;
    let (isolated, rest) = std::thread::scope(|scope| {
        let search = scope.spawn(|| {
            isolate::isolate_examples(&mut fork, &mut pairs)?;
            CResult::Ok(words.then(|| findings::listed_conflicts(policy, &pairs)))
        });
        let rest = after_isolating(c, a, model, used_inputs);
        match search.join() {
            Ok(isolated) => (isolated, rest),
            // A panic in an analysis is a bug; let it surface as one.
            Err(payload) => std::panic::resume_unwind(payload),
        }
    });
    a.conflicts = pairs.conflicts;
    a.resolved = pairs.resolved;
    a.overlaps = pairs.overlaps;
    let listed = isolated?;
    rest.map(|()| listed)
}

/// Dead and redundant rules, unused inputs and asserts (see [`after_gaps`]).
fn after_isolating(
    c: &mut Compiler<'_>,
    a: &mut Analysis,
    model: Option<&BoxModel>,
    used_inputs: impl FnOnce() -> Option<Vec<bool>>,
) -> CResult<()> {
    (a.dead_rules, a.dead_assignments) = match model {
        // Warnings only, and the box engine always finishes them.
        Some(_) if c.errors_only => (Vec::new(), Vec::new()),
        Some(m) => m.dead_rules(c),
        None => match attempt(c, dead_rules)? {
            Some(d) => d,
            None => {
                a.unfinished.push(Unfinished::DeadRules);
                (Vec::new(), Vec::new())
            }
        },
    };
    if !c.errors_only {
        find_redundant_rules(c, a)?;
        find_unused_inputs(c, a, used_inputs())?;
    }
    find_asserts(c, a)?;
    Ok(())
}

/// The box engine's analysis with the rest beside it: the box tasks run on every core
/// against `c` (conflicts first, then the witnesses of used inputs, then the gap counts,
/// the longest of the analysis), while this thread takes each result as it comes and
/// runs what follows on a copy of the compiler, which then replaces `c`. The analyses
/// after the gaps build diagrams in the copy and read neither the gaps nor what the box
/// tasks read of `c`, so every finding is what [`analyse`] finds one step after the
/// other; only the unfinished gaps, found last here, are put first, where the order of
/// the steps puts them. With `words`, the diagnostics of what does not depend on the
/// gaps are made too while they are counted.
fn overlapped(
    c: &mut Compiler<'_>,
    m: &BoxModel,
    a: &mut Analysis,
    (gap_outputs, single_outputs): (&[OutputId], &[OutputId]),
    words: bool,
) -> CResult<Option<Vec<Diagnostic>>> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let tasks = box_tasks(c, gap_outputs, single_outputs);
    // The conflicts first (what follows them waits on them), then the witnesses; each
    // kind longest first.
    let mut first = m.longest_first(c, &tasks);
    first.sort_by_key(|&i| match tasks.get(i) {
        Some(Task::Conflicts(_)) => 0,
        Some(Task::UsedInputs) => 1,
        _ => 2,
    });
    let mut mine = c.clone();
    let shared: &Compiler<'_> = c;
    let next = AtomicUsize::new(0);
    // Set when the analysis fails: the tasks not started are then not run.
    let stop = AtomicBool::new(false);
    let done = std::thread::scope(|scope| -> CResult<Option<Vec<Diagnostic>>> {
        let (tx, rx) = std::sync::mpsc::channel::<(usize, BoxResult)>();
        for _ in 0..crate::parallel::workers(tasks.len()) {
            let tx = tx.clone();
            let (next, stop, first, tasks) = (&next, &stop, &first, &tasks);
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let k = next.fetch_add(1, Ordering::Relaxed);
                let Some(&i) = first.get(k) else { break };
                let Some(task) = tasks.get(i) else { continue };
                if tx.send((i, run_box_task(shared, m, task))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut results: Vec<Option<BoxResult>> = tasks.iter().map(|_| None).collect();
        // Takes results until every task `wanted` picks has one (or no worker is left:
        // one panicked, which the scope then raises).
        let wait = |wanted: fn(&Task) -> bool, results: &mut Vec<Option<BoxResult>>| {
            while tasks
                .iter()
                .zip(results.iter())
                .any(|(t, r)| wanted(t) && r.is_none())
            {
                let Ok((i, r)) = rx.recv() else { break };
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(r);
                }
            }
        };
        let conflicts: fn(&Task) -> bool = |t| matches!(t, Task::Conflicts(_));
        let used: fn(&Task) -> bool = |t| matches!(t, Task::UsedInputs);
        let gaps: fn(&Task) -> bool = |t| matches!(t, Task::Gaps(_));
        let mut run = |results: &mut Vec<Option<BoxResult>>| {
            wait(conflicts, results);
            let boxed = take_boxed(results, &tasks, conflicts);
            let used_inputs = || {
                wait(used, results);
                take_boxed(results, &tasks, used).used_inputs
            };
            let words = words && a.valid_count > 0;
            let listed = after_gaps(
                &mut mine,
                a,
                Some(m),
                single_outputs,
                boxed.conflicts,
                used_inputs,
                (true, words),
            )?;
            let worded = words.then(|| findings::pair_and_rule_diagnostics(mine.policy, a, listed));
            wait(gaps, results);
            let before = a.unfinished.len();
            find_gaps(
                &mut mine,
                a,
                gap_outputs,
                take_boxed(results, &tasks, gaps).gaps,
            )?;
            // The unfinished gaps come first, as when the gaps are found first.
            let added = a.unfinished.len() - before;
            a.unfinished.rotate_right(added);
            CResult::Ok(worded)
        };
        let done = run(&mut results);
        if done.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        done
    });
    *c = mine;
    done
}

/// The box engine's tasks: the gaps of `gap_outputs`, the pairs of `single_outputs`,
/// and the witnesses of used inputs unless only errors are asked for.
fn box_tasks(c: &Compiler<'_>, gap_outputs: &[OutputId], single_outputs: &[OutputId]) -> Vec<Task> {
    gap_outputs
        .iter()
        .map(|&o| Task::Gaps(o))
        .chain(single_outputs.iter().map(|&o| Task::Conflicts(o)))
        .chain((!c.errors_only).then_some(Task::UsedInputs))
        .collect()
}

fn run_box_task(c: &Compiler<'_>, m: &BoxModel, task: &Task) -> BoxResult {
    match *task {
        Task::Gaps(o) => BoxResult::Gaps(m.gaps_of_output(c, o)),
        Task::Conflicts(o) => BoxResult::Conflicts(m.conflicts_of_output(c, o)),
        Task::UsedInputs => BoxResult::UsedInputs(witness::used_inputs(c, m)),
    }
}

/// The results of the tasks `wanted` picks, taken out of `results`, by kind in task
/// order.
fn take_boxed(
    results: &mut [Option<BoxResult>],
    tasks: &[Task],
    wanted: fn(&Task) -> bool,
) -> Boxed {
    let mut boxed = Boxed::default();
    let picked = results
        .iter_mut()
        .zip(tasks)
        .filter(|(_, t)| wanted(t))
        .filter_map(|(r, _)| r.take());
    for r in picked {
        match r {
            BoxResult::Gaps(g) => boxed.gaps.push(g),
            BoxResult::Conflicts(f) => boxed.conflicts.push(f),
            BoxResult::UsedInputs(u) => boxed.used_inputs = Some(u),
        }
    }
    boxed
}

/// The box engine's model of the rules when it is to be used (a policy of many rules,
/// or when asked for) and can be built within the node limit; `None` for the diagrams.
fn box_model(c: &mut Compiler<'_>) -> CResult<Option<BoxModel>> {
    Ok(match c.engine {
        Engine::Diagrams => None,
        Engine::Auto if c.policy.rules.len() < BOX_ENGINE_MIN_RULES => None,
        Engine::Auto | Engine::Boxes => attempt(c, BoxModel::build)?.flatten(),
    })
}

/// The outputs `keep` holds for, in declaration order.
fn outputs_where(policy: &Policy, keep: impl Fn(&OutputDef) -> bool) -> Vec<OutputId> {
    policy
        .outputs
        .entries()
        .filter(|(_, o)| keep(o))
        .map(|(o, _)| o)
        .collect()
}

/// What the box engine found, per kind of task, in output order.
#[derive(Default)]
struct Boxed {
    gaps: Vec<BoxGaps>,
    conflicts: Vec<Option<Pairs>>,
    used_inputs: Option<Vec<bool>>,
}

/// The box engine's work, independent per output, on every core.
fn run_boxes(
    c: &Compiler<'_>,
    m: &BoxModel,
    gap_outputs: &[OutputId],
    single_outputs: &[OutputId],
) -> Boxed {
    let tasks = box_tasks(c, gap_outputs, single_outputs);
    let mut results: Vec<Option<BoxResult>> = par_map(&tasks, &m.longest_first(c, &tasks), |t| {
        run_box_task(c, m, t)
    })
    .into_iter()
    .map(Some)
    .collect();
    take_boxed(&mut results, &tasks, |_| true)
}

/// The gaps of `outputs` (single-valued, without default) and the acceptances that
/// cover none: from the box engine's results where it has one per output, else on the
/// diagrams. A gap the box engine proves but cannot count is unfinished, with an
/// example.
fn find_gaps(
    c: &mut Compiler<'_>,
    a: &mut Analysis,
    outputs: &[OutputId],
    boxed: Vec<BoxGaps>,
) -> CResult<()> {
    let mut boxed = boxed.into_iter();
    for &o in outputs {
        let found = match boxed.next() {
            Some(Ok(found)) => Some(found),
            Some(Err(uncounted)) => {
                a.stale_acceptances.extend(uncounted.stale);
                if let Some(levels) = uncounted.example {
                    let example = example_values(c, &levels);
                    a.gap_examples.push(GapExample {
                        output: o,
                        example_json: c.fact_names.facts(&example),
                        example,
                        part: uncounted.part,
                    });
                }
                None
            }
            None => attempt(c, |c| gaps_of_output(c, o))?,
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
    Ok(())
}

/// The pairs of rules over `outputs` (single-valued): conflicts, precedence decisions
/// and overlaps, from the box engine's results where it has one per output, else on
/// the diagrams.
fn find_conflicts(
    c: &mut Compiler<'_>,
    a: &mut Analysis,
    outputs: &[OutputId],
    boxed: Vec<Option<Pairs>>,
) -> CResult<()> {
    let mut boxed = boxed.into_iter();
    for &o in outputs {
        let found = match boxed.next() {
            Some(Some(found)) => Some(found),
            _ => attempt(c, |c| conflicts_of_output(c, o))?,
        };
        match found {
            Some(found) => {
                a.conflicts.extend(found.conflicts.listed);
                a.unlisted_conflicts.extend(found.conflicts.unlisted);
                a.resolved.extend(found.resolved.listed);
                a.unlisted_resolved.extend(found.resolved.unlisted);
                a.overlaps.extend(found.overlaps.listed);
                a.unlisted_overlaps.extend(found.overlaps.unlisted);
            }
            None => a.unfinished.push(Unfinished::Conflicts(o)),
        }
    }
    Ok(())
}

/// The rules whose removal changes no decision, apart from the dead ones (reported
/// as such). Unfinished when the dead rules are.
fn find_redundant_rules(c: &mut Compiler<'_>, a: &mut Analysis) -> CResult<()> {
    if a.unfinished.contains(&Unfinished::DeadRules) {
        a.unfinished.push(Unfinished::RedundantRules);
        return Ok(());
    }
    let dead: Vec<RuleId> = a.dead_rules.iter().map(|d| d.rule).collect();
    match attempt(c, |c| redundant::redundant_rules(c, &dead))? {
        Some((found, unsettled)) => {
            a.redundant = found;
            a.redundant_unsettled = unsettled;
        }
        None => a.unfinished.push(Unfinished::RedundantRules),
    }
    Ok(())
}

/// The inputs no outcome depends on. Witnesses (`witnessed`, from the box engine)
/// settle most inputs at once; the diagrams only run when some input the decision
/// mentions is left.
fn find_unused_inputs(
    c: &mut Compiler<'_>,
    a: &mut Analysis,
    witnessed: Option<Vec<bool>>,
) -> CResult<()> {
    let policy = c.policy;
    // A witness may show an input "used" only because it breaks a vocabulary's
    // assumption, which is no read: such inputs are left to the diagrams.
    let mentioned = own_decision_inputs(policy);
    let settled = witnessed.and_then(|used| {
        let all = used.iter().zip(&mentioned).all(|(u, m)| *u || !*m);
        all.then(|| {
            policy
                .inputs
                .ids()
                .filter(|i| {
                    !(used.get(i.index()).copied().unwrap_or(true)
                        && mentioned.get(i.index()).copied().unwrap_or(true))
                })
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
    Ok(())
}

/// The inputs the policy's decision logic mentions, leaving out the assumptions of the
/// vocabularies it uses: those are not reads (docs/language.md, "ignore").
pub(crate) fn own_decision_inputs(policy: &Policy) -> Vec<bool> {
    if policy
        .assumes
        .iter()
        .all(|a| a.loc.file == policy.root_file)
    {
        return crate::compile::order::decision_inputs(policy);
    }
    let mut own = policy.clone();
    own.assumes.retain(|a| a.loc.file == policy.root_file);
    crate::compile::order::decision_inputs(&own)
}

/// Every assert: proven, or refuted with the incidents that break it.
fn find_asserts(c: &mut Compiler<'_>, a: &mut Analysis) -> CResult<()> {
    for (k, def) in c.policy.asserts.entries() {
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
    Ok(())
}

/// The `accept gap`s of output `o` (indices into `Policy::accepted_gaps`).
fn acceptances_of(policy: &Policy, o: OutputId) -> Vec<AcceptId> {
    policy
        .accepted_gaps
        .entries()
        .filter(|(_, x)| x.output == o)
        .map(|(i, _)| i)
        .collect()
}

/// The gaps of one single-valued output without default (open and accepted parts),
/// and the acceptances of it that cover no gap.
fn gaps_of_output(c: &mut Compiler<'_>, o: OutputId) -> CResult<(Vec<GapFinding>, Vec<AcceptId>)> {
    let policy = c.policy;
    let has = match c.output_regions(o)? {
        OutputRegions::Single { has, .. } => has,
        OutputRegions::Set { .. } => return Ok((Vec::new(), Vec::new())),
    };
    let gap = c.mdd.diff(c.valid, has)?;
    let mine = acceptances_of(policy, o);
    let mut whens: Vec<(AcceptId, NodeId)> = Vec::with_capacity(mine.len());
    for &i in &mine {
        let acc = &policy.accepted_gaps[i];
        whens.push((i, c.expr(&acc.when).map_err(|e| e.at(acc.loc))?));
    }
    let stale: Vec<AcceptId> = whens
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
    let by: Vec<AcceptId> = whens
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

/// Every pair of rules whose effective assignments to output `o` meet on a valid
/// incident, by kind: giving different values (a conflict, or where every value applying
/// is ranked, a decision of the precedence), or on an `exclusive` output whatever the
/// values (an overlap). Per kind the listed pairs with their regions, the rest counted.
fn conflicts_of_output(c: &mut Compiler<'_>, o: OutputId) -> CResult<Pairs> {
    let policy = c.policy;
    let mut found = Pairs::default();
    let out = &policy.outputs[o];
    let mut assigns = c.assignments_to(o);
    let value_of = |r: RuleId, k: usize| -> Option<Value> {
        policy.rules[r].assigns.get(k).map(|x| x.value.clone())
    };
    // Where a value no precedence ranks applies: a precedence decides nowhere there.
    let unranked = |c: &mut Compiler<'_>| -> CResult<NodeId> {
        if !out.hit.is_precedence() {
            return Ok(FALSE);
        }
        match c.output_regions(o)? {
            OutputRegions::Single { assigned, .. } => {
                let parts: Vec<NodeId> = assigned
                    .iter()
                    .filter(|(v, _)| out.hit.rank(v).is_none())
                    .map(|p| p.1)
                    .collect();
                Ok(c.mdd.or_all(&parts)?)
            }
            OutputRegions::Set { .. } => Ok(FALSE),
        }
    };
    let mut unranked_region = unranked(c)?;
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
            let Some(kind) = pair_kind(out, &v1, &v2) else {
                continue;
            };
            if r1 == r2 || !c.mdd.intersects(e1, e2) {
                continue;
            }
            let both = c.mdd.and(e1, e2)?;
            let list = found.of_kind(kind);
            if !list.lists_next() {
                // Past the listed pairs only whether they meet, without a region.
                let meet = if kind == PairKind::Resolved {
                    let region = c.mdd.and(both, c.valid)?;
                    c.mdd.diff(region, unranked_region)? != FALSE
                } else {
                    c.mdd.intersects(both, c.valid)
                };
                if meet {
                    list.count(o, &v1, &v2);
                }
            } else {
                let mut region = c.mdd.and(both, c.valid)?;
                if kind == PairKind::Resolved {
                    region = c.mdd.diff(region, unranked_region)?;
                }
                if let Some(region) = describe(c, region)? {
                    found.of_kind(kind).listed.push(ConflictFinding {
                        output: o,
                        rules: [r1, r2],
                        values: [v1, v2],
                        region,
                        isolating: None,
                    });
                }
            }
            // Thousands of described pairs leave garbage; collect it before it fills
            // the limit (the compiler's own diagrams survive, renumbered).
            if c.mdd.total_nodes() > c.mdd.max_nodes() / 2 {
                c.compact()?;
                assigns = c.assignments_to(o);
                unranked_region = unranked(c)?;
            }
        }
    }
    Ok(found)
}

/// Per assignment of rule `r`, where it decides: where it is effective and no value
/// its output's precedence ranks higher applies with it (where every value applying is
/// ranked); with the rules whose higher values outrank it somewhere.
fn deciding(c: &mut Compiler<'_>, r: RuleId) -> CResult<Vec<(NodeId, Vec<RuleId>)>> {
    let policy = c.policy;
    let effs = c.effective.get(r).cloned().unwrap_or_default();
    let rule = &policy.rules[r];
    let mut out = Vec::with_capacity(effs.len());
    for (a, &eff) in rule.assigns.iter().zip(&effs) {
        let def = &policy.outputs[a.output];
        let Some(rank) = def.hit.rank(&a.value) else {
            out.push((eff, Vec::new()));
            continue;
        };
        let OutputRegions::Single { resolved, .. } = c.output_regions(a.output)? else {
            out.push((eff, Vec::new()));
            continue;
        };
        let mut higher = Vec::new();
        let mut outranked_by = Vec::new();
        for (s, k, e) in c.assignments_to(a.output) {
            let value = policy.rules[s].assigns.get(k);
            if value.is_some_and(|x| def.hit.rank(&x.value).is_some_and(|h| h < rank)) {
                let beats = c.mdd.and(e, resolved)?;
                if c.mdd.intersects(beats, eff) && !outranked_by.contains(&s) {
                    outranked_by.push(s);
                }
                higher.push(e);
            }
        }
        outranked_by.sort_unstable();
        let above = c.mdd.or_all(&higher)?;
        let beaten = c.mdd.and(above, resolved)?;
        out.push((c.mdd.diff(eff, beaten)?, outranked_by));
    }
    Ok(out)
}

type DeadFound = (Vec<DeadRule>, Vec<DeadAssignment>);

fn dead_rules(c: &mut Compiler<'_>) -> CResult<DeadFound> {
    let mut found = Vec::new();
    let mut assigns = Vec::new();
    for r in c.policy.rules.ids() {
        let cond = c.rule_conds.get(r).copied().unwrap_or(FALSE);
        if !c.mdd.intersects(cond, c.valid) {
            found.push(DeadRule {
                rule: r,
                reason: DeadReason::NeverApplies,
                by: Vec::new(),
                outranked_by: Vec::new(),
            });
            continue;
        }
        let effs = deciding(c, r)?;
        let live: Vec<bool> = effs
            .iter()
            .map(|(e, _)| c.mdd.intersects(*e, c.valid))
            .collect();
        let (conds, mdd) = (&c.rule_conds, &mut c.mdd);
        let mut meets = |s: RuleId| conds.get(s).is_some_and(|&x| mdd.intersects(x, cond));
        if !effs.is_empty() && live.iter().all(|l| !l) {
            let mut outranked_by: Vec<RuleId> = effs.into_iter().flat_map(|(_, o)| o).collect();
            outranked_by.sort_unstable();
            outranked_by.dedup();
            found.push(always_overridden(
                c.policy,
                &c.overriders,
                r,
                meets,
                outranked_by,
            ));
        } else {
            let dead = effs.into_iter().zip(live).enumerate();
            assigns.extend(dead.filter(|(_, (_, l))| !l).map(|(k, ((_, o), _))| {
                dead_assignment(c.policy, &c.overriders, r, k, &mut meets, o)
            }));
        }
    }
    Ok((found, assigns))
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

/// Rule `r` as always overridden (or outranked, by `outranked_by`), by the rules
/// overriding it that assign one of its outputs (only those win over it) and whose
/// conditions meet its own (`meets`).
fn always_overridden(
    policy: &Policy,
    overriders: &IdxVec<RuleDef, Vec<RuleId>>,
    r: RuleId,
    mut meets: impl FnMut(RuleId) -> bool,
    outranked_by: Vec<RuleId>,
) -> DeadRule {
    let outputs = |x: RuleId| {
        policy.rules[x]
            .assigns
            .iter()
            .map(|a| a.output)
            .collect::<Vec<_>>()
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
        reason: DeadReason::given(&outranked_by),
        by,
        outranked_by,
    }
}

/// Assignment `k` of rule `r` as never taking effect (outranked, by `outranked_by`, or
/// overridden), with the rules overriding it that assign its output and whose
/// conditions meet its rule's (`meets`).
fn dead_assignment(
    policy: &Policy,
    overriders: &IdxVec<RuleDef, Vec<RuleId>>,
    r: RuleId,
    k: usize,
    mut meets: impl FnMut(RuleId) -> bool,
    outranked_by: Vec<RuleId>,
) -> DeadAssignment {
    let output = policy.rules[r].assigns.get(k).map(|a| a.output);
    let assigns_it = |s: RuleId| {
        policy.rules[s]
            .assigns
            .iter()
            .any(|a| Some(a.output) == output)
    };
    let by = overriders
        .get(r)
        .map(|v| {
            v.iter()
                .copied()
                .filter(|&s| assigns_it(s) && meets(s))
                .collect()
        })
        .unwrap_or_default();
    DeadAssignment {
        rule: r,
        assign: k,
        reason: DeadReason::given(&outranked_by),
        by,
        outranked_by,
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
    // An assumption of a `use`d vocabulary is not a read (docs/language.md): it says
    // what an incident can be for every policy, so the incidents it rules out do not
    // make the ages it mentions inputs this decision depends on. The policy's own
    // assumptions do count.
    let own: Vec<NodeId> = policy
        .assumes
        .iter()
        .zip(&c.assumes)
        .filter(|(a, _)| a.loc.file == policy.root_file)
        .map(|(_, &n)| n)
        .collect();
    let assume = c.mdd.and_all(&own)?;
    let scope = c.scope;
    let in_scope = c
        .mdd
        .ite(scope, NodeId::terminal(0), NodeId::terminal(T_OUT))?;
    let status = c.mdd.ite(assume, in_scope, NodeId::terminal(T_BROKEN))?;
    add(c.mdd.support(status), &mut used);
    for (o, out) in policy.outputs.entries() {
        // The output's verdict as a multi-terminal diagram: terminals are sets of the
        // labels (values or variants, and an exclusive output's overlap) whose regions
        // hold.
        let regions = c.output_regions(o)?;
        let (labelled, values): (Vec<NodeId>, Vec<Value>) = match &regions {
            OutputRegions::Single {
                assigned, overlap, ..
            } => {
                let mut l: Vec<NodeId> = assigned.iter().map(|p| p.1).collect();
                if out.hit.is_exclusive() {
                    l.push(*overlap);
                }
                (l, assigned.iter().map(|p| p.0.clone()).collect())
            }
            OutputRegions::Set { members } => (members.iter().copied().collect(), Vec::new()),
        };
        let (f, sets) = label_sets(&mut c.mdd, labelled.iter().copied())?;
        // Label sets that decide alike (no value and the default; two values and the
        // one a precedence chooses) are one verdict.
        let single = matches!(out.ty, OutputTy::Single(_));
        let mut verdicts: FxHashMap<crate::compile::graph::Verdict, u32> = FxHashMap::default();
        let mut canonical: Vec<u32> = Vec::with_capacity(sets.len());
        for (k, set) in sets.iter().enumerate() {
            if !single {
                canonical.push(k as u32);
                continue;
            }
            let overlap = set.contains(&values.len());
            let given: Vec<(Value, Vec<RuleId>)> = set
                .iter()
                .filter_map(|&l| values.get(l))
                .map(|v| {
                    // The verdict does not read the rules: any two ids will do.
                    let (a, b) = (RuleId::from_raw(0), RuleId::from_raw(1));
                    (v.clone(), if overlap { vec![a, b] } else { vec![a] })
                })
                .collect();
            let verdict = if overlap {
                let vs = given.into_iter().map(|g| g.0).collect();
                crate::compile::graph::Verdict::Overlap(vs)
            } else {
                crate::compile::graph::Outcome::of_single(out, given).verdict()
            };
            let next = verdicts.len() as u32;
            canonical.push(*verdicts.entry(verdict).or_insert(next));
        }
        let verdict = c
            .mdd
            .map_terminals(f, |s| canonical.get(s as usize).copied().unwrap_or(s))?;
        let masked_scope = c.mdd.ite(scope, verdict, NodeId::terminal(T_OUT))?;
        let masked = c
            .mdd
            .ite(assume, masked_scope, NodeId::terminal(T_BROKEN))?;
        add(c.mdd.support(masked), &mut used);
        if let OutputRegions::Single {
            conflict, overlap, ..
        } = regions
        {
            let named = c.mdd.or(conflict, overlap)?;
            conflict_support(c, o, named, &mut used)?;
        }
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

/// Adds to `used` the inputs that change which rules conflict (or overlap) over single
/// output `o` (`named`: where its verdict is a conflict or an overlap, which names the
/// rules): a conflict between other rules is another decision (`brute::observed`). Per
/// assignment, where the output is in conflict and the incident valid, whether the
/// assignment is effective; with the verdict and the
/// status these tell the whole outcome apart, so the union of their supports is the
/// support of the outcome.
fn conflict_support(
    c: &mut Compiler<'_>,
    o: OutputId,
    named: NodeId,
    used: &mut [bool],
) -> CResult<()> {
    let conflict = c.mdd.and(named, c.valid)?;
    if conflict == FALSE {
        return Ok(());
    }
    for (_, _, eff) in c.assignments_to(o) {
        let part = c.mdd.and(conflict, eff)?;
        for (u, s) in used.iter_mut().zip(c.mdd.support(part)) {
            *u |= s;
        }
    }
    Ok(())
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
    let (analysis, worded, _) =
        analyse_worded(&mut c, true).map_err(|e| Box::new(e.diagnostic(policy)))?;
    let diagnostics = match worded {
        Some(middle) => findings::diagnostics_around(policy, &analysis, middle),
        None => diagnostics(policy, &analysis),
    };
    Ok(Analysed {
        analysis,
        diagnostics,
    })
}

/// How many errors [`analyse_policy_with`] reports, without writing what only people
/// read ([`findings::error_count`]): `decide`'s warning that `check` rejects a policy.
pub fn count_errors_with(policy: &Policy, options: &CompileOptions) -> usize {
    let mut count = 0;
    count_errors_then(policy, options, |n| count = n);
    count
}

/// [`count_errors_with`], the count given to `report` before the compiler and the
/// analysis are dropped: freeing a large policy's diagrams and regions takes
/// milliseconds that a caller waiting for the count need not wait for.
pub fn count_errors_then(policy: &Policy, options: &CompileOptions, report: impl FnOnce(usize)) {
    let failed = |e: CompileError| usize::from(e.diagnostic(policy).is_error());
    let mut c = match Compiler::new(policy, options) {
        Ok(c) => c,
        Err(e) => return report(failed(e)),
    };
    match analyse_worded(&mut c, false) {
        Ok((a, _, model)) => {
            report(findings::error_count(policy, &a));
            drop((a, model));
        }
        Err(e) => report(failed(e)),
    }
    drop(c);
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

/// A diagram whose terminals number the sets of `regions` (by their place) that hold
/// together, and those sets: terminal 0 is the empty set.
pub(crate) fn label_sets(
    mdd: &mut crate::mdd::Mdd,
    regions: impl IntoIterator<Item = NodeId>,
) -> crate::mdd::Result<(NodeId, Vec<Vec<usize>>)> {
    let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
    let mut index: FxHashMap<Vec<usize>, u32> = FxHashMap::default();
    index.insert(Vec::new(), 0);
    let mut f = NodeId::terminal(0);
    for (k, region) in regions.into_iter().enumerate() {
        f = mdd.apply_terminals(region, f, |holds, s| {
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
    Ok((f, sets))
}

#[cfg(test)]
mod tests;
