//! Semantic diff: which incidents two policies decide differently, and why.
//!
//! Both policies are rewritten over the union of their inputs
//! (`crate::check::widen`) and compiled
//! into **one** decision-diagram store with one variable order, so their diagrams can be
//! combined exactly. Per incident of the union space each side has a status:
//!
//! 1. the incident uses a value the side's inputs cannot express (a wider range, a new
//!    variant) — *domain* changes;
//! 2. it breaks one of the side's assumptions — *assumption* changes;
//! 3. it is out of the side's scope — *scope* changes;
//! 4. otherwise the side decides it: per output a value, a gap or a conflict.
//!
//! Incidents that both sides decide are compared output by output (outputs matched by
//! name, or by `--map`; values by name, or by `--map-value`). For each output the
//! comparison is a pair diagram whose terminals are (old verdict, new verdict); every
//! pair with different verdicts is one *change*: a region (count, example, readable
//! condition from [`crate::compile::describe`]) and the rules on each side that give
//! those verdicts there, with their citations.
//!
//! An input only one side declares is part of the union space; the side without it
//! never asks the question, so its decision holds whatever the answer (docs/diff.md).

pub mod git;
pub mod render;

#[cfg(test)]
mod tests;

use crate::collections::HashMap;

use serde::Serialize;

use crate::check::ir::{
    EnumId, HitPolicy, IdxVec, InputId, OutputDef, OutputId, OutputTy, Policy, RuleId, Ty, Value,
};
use crate::check::widen;
use crate::compile::describe::{describe, Region};
use crate::compile::graph::{leaf_for_applied, Outcome};
use crate::compile::{
    choose_order, CompileError, Compiler, Order, OrderStrategy, OutputRegions, MAX_DOMAIN,
};
use crate::diagnostics::{Code, Diagnostic};
use crate::mdd::{Mdd, NodeId, FALSE, TRUE};
pub use widen::{Incompatible, Side};
use widen::{UnionTy, Vocabulary};

/// A mistake in how `policyc diff` was asked (E0602).
pub fn usage(msg: String) -> Diagnostic {
    Diagnostic::error(Code::E0602, msg).help("see `policyc diff --help`; docs/diff.md has examples")
}

/// A renamed value of an output: `--map-value output:old=new`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueMap {
    /// The output's name in the old policy (or in the new one).
    pub output: String,
    pub old: String,
    pub new: String,
}

#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Renamed outputs: (old name, new name).
    pub output_map: Vec<(String, String)>,
    pub value_map: Vec<ValueMap>,
    /// The node limit of the shared store (default: the engine's).
    pub max_nodes: Option<usize>,
}

/// An output value that can be compared across the two policies: enum variants by
/// name, sets as their sorted variant names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CVal {
    Bool(bool),
    Int(i64),
    Name(String),
    Set(Vec<String>),
}

impl CVal {
    pub fn show(&self) -> String {
        match self {
            CVal::Bool(b) => b.to_string(),
            CVal::Int(i) => i.to_string(),
            CVal::Name(n) => n.clone(),
            CVal::Set(vs) => format!("{{{}}}", vs.join(", ")),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            CVal::Bool(b) => serde_json::Value::Bool(*b),
            CVal::Int(i) => serde_json::Value::from(*i),
            CVal::Name(n) => serde_json::Value::from(n.as_str()),
            CVal::Set(vs) => serde_json::Value::from(vs.clone()),
        }
    }
}

/// An output's result for an incident that a side decides.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CVerdict {
    Value(CVal),
    /// A value the side's precedence chose over the other values of rules that apply
    /// (`over`, sorted). The decision is `value`: a change from or to it is a change of
    /// value, and it is shown resolved.
    Resolved {
        value: CVal,
        over: Vec<CVal>,
    },
    /// No rule gives a value and there is no default.
    Gap,
    /// Rules give these different values (sorted), none overriding the others, and no
    /// precedence settles them.
    Conflict(Vec<CVal>),
    /// Two or more rules assign an `exclusive` output: the values they give (sorted,
    /// each once).
    Overlap(Vec<CVal>),
}

impl CVerdict {
    pub fn show(&self) -> String {
        let names = |vs: &[CVal], sep: &str| {
            vs.iter()
                .map(|v| format!("`{}`", v.show()))
                .collect::<Vec<_>>()
                .join(sep)
        };
        match self {
            CVerdict::Value(v) => format!("`{}`", v.show()),
            CVerdict::Resolved { value, over } => format!(
                "`{}` (by precedence over {})",
                value.show(),
                names(over, ", ")
            ),
            CVerdict::Gap => "no value (a gap)".to_string(),
            CVerdict::Conflict(vs) => format!("a conflict ({})", names(vs, " vs ")),
            CVerdict::Overlap(vs) => {
                format!(
                    "an overlap of an exclusive output's rules ({})",
                    names(vs, ", ")
                )
            }
        }
    }

    /// The value the output takes, when it takes one (plainly or by precedence).
    pub fn value(&self) -> Option<&CVal> {
        match self {
            CVerdict::Value(v) | CVerdict::Resolved { value: v, .. } => Some(v),
            _ => None,
        }
    }

    /// Whether two verdicts decide alike: the same value (whether or not precedence
    /// chose it), or the same kind of undecided. What the diff compares.
    pub fn same_decision(&self, other: &CVerdict) -> bool {
        match (self.value(), other.value()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self == other,
            _ => false,
        }
    }
}

/// A rule named in a change, with its citation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CitedRule {
    pub name: String,
    pub title: Option<String>,
    pub cites: Option<String>,
}

/// Why one side gives its verdict over a change's region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// The rules whose effective assignments give the verdict somewhere in the region.
    pub rules: Vec<CitedRule>,
    /// The output's default gives it somewhere in the region.
    pub default: bool,
    /// The rules behind the verdict for the change's example incident.
    pub example_rules: Vec<String>,
}

/// Incidents of one output whose verdict changes from `old` to `new`.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub old: CVerdict,
    pub new: CVerdict,
    /// Described relative to the incidents both policies decide.
    pub region: Region,
    pub old_reason: Reason,
    pub new_reason: Reason,
    /// Whether the new value ranks below (or above) the old one in the output's
    /// precedence; `None` without a precedence that ranks both values.
    pub shift: Option<Shift>,
}

/// A change to a lower- or higher-ranked value: what a reviewer must see at a glance
/// (a referral becoming "manage in school").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    pub lowered: bool,
    /// Whose precedence ranks the two values: the old policy's when it ranks both (the
    /// ranking under review), else the new one's.
    pub by: Side,
    /// The other side's precedence ranks the two values the other way round.
    pub disputed: bool,
}

/// How an output settles rules that give it different values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ranking {
    /// They conflict.
    None,
    /// `precedence`: highest first.
    Precedence(Vec<CVal>),
    /// `exclusive`: rules may not even overlap.
    Exclusive,
}

impl Ranking {
    pub fn show(&self) -> String {
        match self {
            Ranking::None => "no precedence".to_string(),
            Ranking::Exclusive => "`exclusive`".to_string(),
            Ranking::Precedence(order) => format!(
                "`precedence {}`",
                order.iter().map(CVal::show).collect::<Vec<_>>().join(" > ")
            ),
        }
    }

    /// The rank of `v` (0 is the highest).
    fn rank(&self, v: &CVal) -> Option<usize> {
        match self {
            Ranking::Precedence(order) => order.iter().position(|x| x == v),
            _ => None,
        }
    }
}

/// Two values the new precedence ranks the other way round from the old.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reordered {
    /// Ranked above `below` in the new policy (and below it in the old).
    pub above: CVal,
    pub below: CVal,
    /// Some change of the output is decided by this pair's order; otherwise it decides
    /// no incident today, and will decide any future overlap of rules giving them.
    pub decides: bool,
}

/// An output whose precedence (or `exclusive`) changes, whether or not any incident is
/// decided differently today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankingChange {
    pub old: Ranking,
    pub new: Ranking,
    /// Pairs of values both precedences rank, ranked the other way round.
    pub reordered: Vec<Reordered>,
    /// Some change of the output involves rules that overlap (a value chosen by
    /// precedence, a conflict or an overlap on either side).
    pub decides: bool,
}

/// One output present in both policies.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputDiff {
    /// The output's name in the new policy.
    pub name: String,
    pub old_name: String,
    pub changes: Vec<Change>,
    /// The output's precedence (or `exclusive`) changes.
    pub ranking: Option<RankingChange>,
}

impl OutputDiff {
    /// How many incidents the output's changes cover, over the inputs either policy
    /// reads.
    pub fn read_count(&self) -> u128 {
        self.changes
            .iter()
            .fold(0u128, |acc, c| acc.saturating_add(c.region.read_count()))
    }
}

/// A region of the union space that only one side has (can express, deems possible,
/// or has in scope).
#[derive(Clone, Debug, PartialEq)]
pub struct OneSided {
    pub side: Side,
    pub region: Region,
}

/// An input both policies declare, with a different domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputChange {
    pub input: String,
    pub old: String,
    pub new: String,
}

/// Gaps or conflicts of an output appearing and disappearing (incident counts).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Appearing {
    pub output: String,
    /// Incidents, over the inputs either policy reads.
    pub appearing: u128,
    pub disappearing: u128,
}

/// The whole comparison, as plain data.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDiff {
    pub old_name: String,
    pub new_name: String,
    pub inputs_only_old: Vec<String>,
    pub inputs_only_new: Vec<String>,
    pub input_changes: Vec<InputChange>,
    pub outputs_only_old: Vec<String>,
    pub outputs_only_new: Vec<String>,
    /// Incidents one side's input domains can express and the other's cannot.
    pub domain: Vec<OneSided>,
    /// Incidents one side deems possible (its assumptions hold) and the other does not.
    pub assumptions: Vec<OneSided>,
    /// Incidents possible for both, in scope on one side only.
    pub scope: Vec<OneSided>,
    /// Every output both declare (matched), in the new policy's order.
    pub outputs: Vec<OutputDiff>,
    /// Incidents both sides decide (the outputs are compared on these).
    pub compared: u128,
    /// Every incident of the union space that either side's assumptions allow.
    pub total: u128,
    /// The inputs either policy reads: what `compared` and `total` are said over, as
    /// every region's count is (`Reads::count`).
    pub reads: crate::check::ir::Reads,
}

impl PolicyDiff {
    /// Whether the two policies make the same decision for every incident: no output
    /// changes, nothing in scope or possible or expressible on one side only, and no
    /// output on one side only. (Inputs on one side only that no decision depends on do
    /// not make a difference.)
    pub fn is_same(&self) -> bool {
        self.domain.is_empty()
            && self.assumptions.is_empty()
            && self.scope.is_empty()
            && self.outputs_only_old.is_empty()
            && self.outputs_only_new.is_empty()
            && self.outputs.iter().all(|o| o.changes.is_empty())
    }

    /// The outputs whose precedence (or `exclusive`) changes, with the change.
    pub fn ranking_changes(&self) -> impl Iterator<Item = (&str, &RankingChange)> {
        self.outputs
            .iter()
            .filter_map(|o| o.ranking.as_ref().map(|r| (o.name.as_str(), r)))
    }

    fn appearing(&self, is: impl Fn(&CVerdict) -> bool) -> Vec<Appearing> {
        let mut out = Vec::new();
        for o in &self.outputs {
            let mut a = Appearing {
                output: o.name.clone(),
                ..Appearing::default()
            };
            for c in &o.changes {
                if is(&c.new) && !is(&c.old) {
                    a.appearing = a.appearing.saturating_add(c.region.read_count());
                }
                if is(&c.old) && !is(&c.new) {
                    a.disappearing = a.disappearing.saturating_add(c.region.read_count());
                }
            }
            if a.appearing > 0 || a.disappearing > 0 {
                out.push(a);
            }
        }
        out
    }

    /// Per output, how many incidents gain or lose a gap.
    pub fn gaps(&self) -> Vec<Appearing> {
        self.appearing(|v| matches!(v, CVerdict::Gap))
    }

    /// Per output, how many incidents gain or lose a conflict.
    pub fn conflicts(&self) -> Vec<Appearing> {
        self.appearing(|v| matches!(v, CVerdict::Conflict(_)))
    }
}

/// Why a diff could not be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum DiffError {
    /// Inputs declared with types that cannot be compared.
    Incompatible(Vec<Incompatible>),
    /// A `--map` or `--map-value` that names nothing.
    Map(String),
    /// Compiling one side over the union failed.
    Compile(Side, CompileError),
}

impl DiffError {
    pub fn diagnostics(&self, old: &Policy, new: &Policy) -> Vec<Diagnostic> {
        match self {
            DiffError::Incompatible(list) => list
                .iter()
                .map(|i| {
                    let mut d = Diagnostic::error(
                        Code::E0601,
                        format!(
                            "input `{}` is `{}` in the old policy and `{}` in the new one",
                            i.input, i.old, i.new
                        ),
                    )
                    .help("the diff matches inputs by name: give the input one type on both sides, or rename one of them");
                    if let Some(inp) = old.input_by_name(&i.input).map(|k| &old.inputs[k]) {
                        d = d.primary(inp.loc, format!("`{}` here", i.old));
                    }
                    if let Some(inp) = new.input_by_name(&i.input).map(|k| &new.inputs[k]) {
                        d = d.secondary(inp.loc, format!("`{}` here", i.new));
                    }
                    d
                })
                .collect(),
            DiffError::Map(msg) => vec![Diagnostic::error(Code::E0602, msg.clone())
                .help("`--map OLD_OUTPUT=NEW_OUTPUT` renames an output, `--map-value OUTPUT:OLD=NEW` a value of it")],
            DiffError::Compile(side, e) => {
                let p = match side {
                    Side::Old => old,
                    Side::New => new,
                };
                vec![e
                    .diagnostic(p)
                    .note(format!("while compiling the {} policy for the diff", side.word()))]
            }
        }
    }
}

impl From<crate::mdd::MddError> for DiffError {
    fn from(e: crate::mdd::MddError) -> Self {
        DiffError::Compile(Side::New, CompileError::from(e))
    }
}

/// Interns values, handing out dense ids.
struct Interner<T> {
    items: Vec<T>,
    index: HashMap<T, u32>,
}

impl<T: std::hash::Hash + Eq + Clone> Interner<T> {
    fn new() -> Self {
        Interner {
            items: Vec::new(),
            index: HashMap::default(),
        }
    }

    fn id(&mut self, t: T) -> u32 {
        if let Some(&i) = self.index.get(&t) {
            return i;
        }
        let i = self.items.len() as u32;
        self.items.push(t.clone());
        self.index.insert(t, i);
        i
    }

    fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize)
    }
}

/// The variable order over the union: each side's own order (related inputs together,
/// most tested first) is computed on its widened policy, and an input is placed by its
/// better (smaller) level on either side, ties by the other side's level.
fn union_order(a: &Policy, b: &Policy) -> Order {
    let oa = choose_order(a, OrderStrategy::Weighted);
    let ob = choose_order(b, OrderStrategy::Weighted);
    let mut levels: Vec<InputId> = a.inputs.ids().collect();
    levels.sort_by_key(|&i| {
        let (la, lb) = (oa.level(i), ob.level(i));
        (la.min(lb), la.max(lb), i)
    });
    Order::from_levels(levels)
}

/// Matches the outputs: `(old id, new id)` pairs, and the names on one side only.
struct OutputMatch {
    pairs: Vec<(OutputId, OutputId)>,
    only_old: Vec<String>,
    only_new: Vec<String>,
}

fn match_outputs(old: &Policy, new: &Policy, opts: &DiffOptions) -> Result<OutputMatch, DiffError> {
    for (o, n) in &opts.output_map {
        if old.output_by_name(o).is_none() {
            return Err(DiffError::Map(format!(
                "`--map {o}={n}`: the old policy has no output `{o}`"
            )));
        }
        if new.output_by_name(n).is_none() {
            return Err(DiffError::Map(format!(
                "`--map {o}={n}`: the new policy has no output `{n}`"
            )));
        }
    }
    let target = |name: &str| -> String {
        opts.output_map
            .iter()
            .find(|(o, _)| o == name)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| name.to_string())
    };
    let mut pairs = Vec::new();
    let mut only_old = Vec::new();
    let mut matched_new: IdxVec<OutputDef, bool> = IdxVec::filled(false, new.outputs.len());
    for (i, o) in old.outputs.entries() {
        match new.output_by_name(&target(&o.name)) {
            Some(j) if !matched_new.get(j).copied().unwrap_or(true) => {
                if let Some(m) = matched_new.get_mut(j) {
                    *m = true;
                }
                pairs.push((i, j));
            }
            _ => only_old.push(o.name.clone()),
        }
    }
    let only_new = new
        .outputs
        .iter()
        .zip(&matched_new)
        .filter(|(_, m)| !**m)
        .map(|(o, _)| o.name.clone())
        .collect();
    pairs.sort_by_key(|&(_, j)| j);
    Ok(OutputMatch {
        pairs,
        only_old,
        only_new,
    })
}

/// Whether `name` is a value of output `o` (a variant, `true`/`false`, an integer).
fn is_value_of(p: &Policy, o: OutputId, name: &str) -> bool {
    let out = &p.outputs[o];
    let enum_has = |e: EnumId| p.enums[e].variants.iter().any(|v| v.name == name);
    match out.ty {
        OutputTy::Single(Ty::Bool) => name == "true" || name == "false",
        OutputTy::Single(Ty::Int { lo, hi }) => {
            name.parse::<i64>().is_ok_and(|x| x >= lo && x <= hi)
        }
        OutputTy::Single(Ty::Enum(e)) | OutputTy::Set(e) => enum_has(e),
    }
}

/// Per matched output pair, the old value names renamed to new ones.
fn value_maps(
    old: &Policy,
    new: &Policy,
    m: &OutputMatch,
    opts: &DiffOptions,
) -> Result<Vec<HashMap<String, String>>, DiffError> {
    let mut maps = vec![HashMap::default(); m.pairs.len()];
    for vm in &opts.value_map {
        let k = m.pairs.iter().position(|&(i, j)| {
            old.outputs[i].name == vm.output || new.outputs[j].name == vm.output
        });
        let Some(k) = k else {
            return Err(DiffError::Map(format!(
                "`--map-value {}:{}={}`: no output `{}` in both policies",
                vm.output, vm.old, vm.new, vm.output
            )));
        };
        let Some(&(i, j)) = m.pairs.get(k) else {
            continue;
        };
        if !is_value_of(old, i, &vm.old) {
            return Err(DiffError::Map(format!(
                "`--map-value {}:{}={}`: `{}` is not a value of the old output",
                vm.output, vm.old, vm.new, vm.old
            )));
        }
        if !is_value_of(new, j, &vm.new) {
            return Err(DiffError::Map(format!(
                "`--map-value {}:{}={}`: `{}` is not a value of the new output",
                vm.output, vm.old, vm.new, vm.new
            )));
        }
        if let Some(map) = maps.get_mut(k) {
            map.insert(vm.old.clone(), vm.new.clone());
        }
    }
    Ok(maps)
}

fn cval(p: &Policy, v: &Value, rename: &HashMap<String, String>) -> CVal {
    let name = |s: String| rename.get(&s).cloned().unwrap_or(s);
    match v {
        Value::Bool(b) => match rename.get(&b.to_string()).map(|s| s.as_str()) {
            Some("true") => CVal::Bool(true),
            Some("false") => CVal::Bool(false),
            _ => CVal::Bool(*b),
        },
        Value::Int(i) => match rename.get(&i.to_string()).and_then(|s| s.parse().ok()) {
            Some(x) => CVal::Int(x),
            None => CVal::Int(*i),
        },
        Value::Enum(e, var) => CVal::Name(name(p.variant_name(*e, *var).to_string())),
        Value::Set(e, vs) => {
            let mut names: Vec<String> = vs
                .iter()
                .map(|v| name(p.variant_name(*e, *v).to_string()))
                .collect();
            names.sort();
            names.dedup();
            CVal::Set(names)
        }
    }
}

/// The terminal of incidents a pair diagram does not compare.
const NOT_COMPARED: u32 = 0;

/// One side's verdict for output `o` as a multi-terminal diagram: terminal `1 + k` is
/// `verdicts[k]`.
fn verdict_diagram(
    mdd: &mut Mdd,
    p: &Policy,
    regions: &OutputRegions,
    o: OutputId,
    rename: &HashMap<String, String>,
    verdicts: &mut Interner<CVerdict>,
) -> Result<NodeId, crate::mdd::MddError> {
    let out = &p.outputs[o];
    // Which (indices of) values have an effective assignment: a set of indices per
    // terminal, folded one value region at a time.
    let (parts, values): (Vec<NodeId>, Vec<Value>) = match regions {
        OutputRegions::Single { assigned, .. } => (
            assigned.iter().map(|a| a.1).collect(),
            assigned.iter().map(|a| a.0.clone()).collect(),
        ),
        OutputRegions::Set { members } => match out.ty {
            OutputTy::Set(e) => (
                members.iter().copied().collect(),
                members.ids().map(|v| Value::Set(e, vec![v])).collect(),
            ),
            // Set regions belong to set outputs.
            OutputTy::Single(_) => (Vec::new(), Vec::new()),
        },
    };
    // An exclusive output's overlap is one more label, after the values'.
    let overlap_label = parts.len();
    let mut parts = parts;
    if let OutputRegions::Single { overlap, .. } = regions {
        if *overlap != FALSE {
            parts.push(*overlap);
        }
    }
    let mut sets: Interner<Vec<usize>> = Interner::new();
    let empty = sets.id(Vec::new());
    let mut m = NodeId::terminal(empty);
    for (k, &reg) in parts.iter().enumerate() {
        if reg == FALSE {
            continue;
        }
        m = mdd.apply_terminals(m, reg, |s, b| {
            if b == 0 {
                return s;
            }
            let mut v = sets.get(s).cloned().unwrap_or_default();
            v.push(k);
            sets.id(v)
        })?;
    }
    let is_set = matches!(regions, OutputRegions::Set { .. });
    let default = out.default.clone();
    let mut table: Vec<u32> = Vec::with_capacity(sets.items.len());
    for s in &sets.items {
        let verdict = if is_set {
            let mut names: Vec<String> = Vec::new();
            for &k in s {
                if let Some(CVal::Set(ns)) = values.get(k).map(|v| cval(p, v, rename)) {
                    names.extend(ns);
                }
            }
            names.sort();
            names.dedup();
            CVerdict::Value(CVal::Set(names))
        } else {
            let own: Vec<&Value> = s.iter().filter_map(|&k| values.get(k)).collect();
            let mut vals: Vec<CVal> = own.iter().map(|v| cval(p, v, rename)).collect();
            vals.sort();
            vals.dedup();
            let winner = out.hit.winner(&own);
            if s.contains(&overlap_label) {
                CVerdict::Overlap(vals)
            } else {
                match (vals.len(), winner) {
                    (0, _) => match &default {
                        Some(d) => CVerdict::Value(cval(p, d, rename)),
                        None => CVerdict::Gap,
                    },
                    (1, _) => CVerdict::Value(vals.swap_remove(0)),
                    (_, Some(w)) => {
                        let value = cval(p, w, rename);
                        vals.retain(|v| *v != value);
                        CVerdict::Resolved { value, over: vals }
                    }
                    (_, None) => CVerdict::Conflict(vals),
                }
            }
        };
        table.push(1 + verdicts.id(verdict));
    }
    mdd.map_terminals(m, |s| {
        table.get(s as usize).copied().unwrap_or(NOT_COMPARED)
    })
}

/// The rules of one side that give `verdict` to output `o` somewhere in `region`.
fn reason(
    mdd: &mut Mdd,
    c: &Compiler<'_>,
    o: OutputId,
    verdict: &CVerdict,
    region: NodeId,
    rename: &HashMap<String, String>,
    example: &[u32],
) -> Result<Reason, crate::mdd::MddError> {
    let p = c.policy;
    let mut rules: Vec<RuleId> = Vec::new();
    for (r, k, eff) in c.assignments_to(o) {
        let Some(a) = p.rules[r].assigns.get(k) else {
            continue;
        };
        let v = cval(p, &a.value, rename);
        let gives = match verdict {
            CVerdict::Value(CVal::Set(names)) => match &v {
                CVal::Set(added) => added.iter().all(|x| names.contains(x)),
                _ => false,
            },
            CVerdict::Value(x) => &v == x,
            // Every rule involved: the value's, and those it won over.
            CVerdict::Resolved { value, over } => &v == value || over.contains(&v),
            CVerdict::Conflict(xs) | CVerdict::Overlap(xs) => xs.contains(&v),
            CVerdict::Gap => false,
        };
        if gives && !rules.contains(&r) && mdd.intersects(eff, region) {
            rules.push(r);
        }
    }
    rules.sort_unstable();
    let default = match (
        c.outputs.get(o).and_then(|r| r.as_ref()),
        p.outputs[o].default.as_ref(),
    ) {
        (Some(OutputRegions::Single { has, .. }), Some(d)) => {
            let no_rule = mdd.not(*has)?;
            matches!(verdict, CVerdict::Value(x) if *x == cval(p, d, rename))
                && mdd.intersects(no_rule, region)
        }
        _ => false,
    };
    // The example's own rules, under the compile stage's override semantics.
    let applied: Vec<RuleId> = c
        .rule_conds
        .entries()
        .filter(|(_, &cond)| mdd.eval(cond, example) == 1)
        .map(|(r, _)| r)
        .collect();
    let leaf = leaf_for_applied(p, &c.overriders, &applied);
    let mut example_rules: Vec<RuleId> = match leaf.outcome(o) {
        Some(Outcome::Value { by, over, .. }) => by
            .iter()
            .copied()
            .chain(over.iter().flat_map(|v| v.1.clone()))
            .collect(),
        Some(Outcome::Conflict { values } | Outcome::Overlap { values }) => {
            values.iter().flat_map(|v| v.1.clone()).collect()
        }
        _ => Vec::new(),
    };
    example_rules.sort_unstable();
    example_rules.dedup();
    let cited = |r: RuleId| {
        let rule = &p.rules[r];
        CitedRule {
            name: rule.name.clone(),
            title: rule.title.clone(),
            cites: rule.cites.clone(),
        }
    };
    Ok(Reason {
        rules: rules.into_iter().map(cited).collect(),
        default,
        example_rules: example_rules
            .into_iter()
            .map(|r| p.rules[r].name.clone())
            .collect(),
    })
}

/// Describes a region relative to `care` (the incidents it is a part of), with the
/// compile stage's region printer.
fn describe_in(
    c: &mut Compiler<'_>,
    region: NodeId,
    care: NodeId,
) -> Result<Option<Region>, CompileError> {
    let saved = c.valid;
    c.valid = care;
    let r = describe(c, region);
    c.valid = saved;
    r
}

/// The union value indices (per level) of an example given per input.
fn example_levels(c: &Compiler<'_>, example: &[u32]) -> Vec<u32> {
    c.order
        .levels
        .iter()
        .map(|&i| example.get(i.index()).copied().unwrap_or(0))
        .collect()
}

/// Gives a widened side, per input, the value the first of `sides` that prefers one
/// prefers, as its `typical` value: the widening drops the scenarios whose medians they
/// may be, and the diff's examples should read as the policies' own analyses' do
/// (`compile::preferred_values`).
fn carry_preferred(w: &mut Policy, sides: [(&Policy, Side); 2], vocab: &Vocabulary) {
    let preferred = sides.map(|(p, side)| (p, side, crate::compile::preferred_values(p)));
    for (u, union) in vocab.inputs.entries() {
        let target = &mut w.inputs[u];
        target.typical = preferred.iter().find_map(|(p, side, pref)| {
            let i = vocab.side_id(u, *side)?;
            let value = crate::compile::index_value(p.inputs[i].ty, (*pref.get(i)?)?);
            widen::to_union(p, &value, target.ty, &union.ty)
        });
    }
}

/// Compares two checked policies.
pub fn diff(old: &Policy, new: &Policy, opts: &DiffOptions) -> Result<PolicyDiff, DiffError> {
    let vocab = Vocabulary::build(old, new).map_err(DiffError::Incompatible)?;
    let outputs = match_outputs(old, new, opts)?;
    let renames = value_maps(old, new, &outputs, opts)?;
    let mut wa = widen::widen(old, &vocab, Side::Old);
    let mut wb = widen::widen(new, &vocab, Side::New);
    // Each side prefers its own values, else the other side's (the new side's compiler
    // describes the changes, and the old policy may be the one with scenarios).
    carry_preferred(&mut wa, [(old, Side::Old), (new, Side::New)], &vocab);
    carry_preferred(&mut wb, [(new, Side::New), (old, Side::Old)], &vocab);
    let (a, mut b) = compile_both(&wa, &wb, &vocab, opts)?;
    // The new side describes the changes: over the inputs either policy reads, and any
    // whose values the two policies' types give differently (the domains constrain it).
    let differing = vocab.inputs.ids().filter(|&u| {
        vocab.side_domain(old, Side::Old, u).is_some()
            || vocab.side_domain(new, Side::New, u).is_some()
    });
    let domain = |i| wb.input_domain(i);
    let reads = wa
        .reads()
        .union(&wb.reads(), domain)
        .with(differing, domain);
    b.fact_names = std::sync::Arc::new(crate::compile::describe::FactNames::with_reads(
        &wb,
        reads.clone(),
    ));
    let comp = |e: CompileError| DiffError::Compile(Side::New, e);

    let [dom_a, dom_b] = domains(&mut b, &vocab, [old, new])?;
    let mdd = &mut b.mdd;
    let poss_a = mdd.and(dom_a, a.assume_all)?;
    let poss_b = mdd.and(dom_b, b.assume_all)?;
    let mdd = &mut b.mdd;
    let dom_both = mdd.and(dom_a, dom_b)?;
    let poss_both = mdd.and(poss_a, poss_b)?;
    let in_a = mdd.and(poss_both, a.scope)?;
    let both = mdd.and(in_a, b.scope)?;

    let one_sided = |b: &mut Compiler<'_>,
                     x: NodeId,
                     y: NodeId,
                     within: NodeId|
     -> Result<Vec<OneSided>, DiffError> {
        let mut out = Vec::new();
        for (side, (p, q)) in [(Side::Old, (x, y)), (Side::New, (y, x))] {
            let only = b.mdd.diff(p, q)?;
            let only = b.mdd.and(only, within)?;
            if let Some(region) = describe_in(b, only, within).map_err(comp)? {
                out.push(OneSided { side, region });
            }
        }
        Ok(out)
    };
    let domain = one_sided(&mut b, dom_a, dom_b, TRUE)?;
    let (assume_b, scope_b) = (b.assume_all, b.scope);
    let assumptions = one_sided(&mut b, a.assume_all, assume_b, dom_both)?;
    let scope = one_sided(&mut b, a.scope, scope_b, poss_both)?;

    let mut verdicts: Interner<CVerdict> = Interner::new();
    let mut output_diffs = Vec::with_capacity(outputs.pairs.len());
    let no_rename = HashMap::default();
    for (k, &(oa, ob)) in outputs.pairs.iter().enumerate() {
        let rename = renames.get(k).unwrap_or(&no_rename);
        let pair = OutputPair {
            sides: [(old, oa), (new, ob)],
            rename,
            both,
        };
        if let Some(d) = output_diff(&a, &mut b, &pair, &mut verdicts)? {
            output_diffs.push(d);
        }
    }
    // The incidents either side deems possible: one both assumptions rule out (an
    // oldest party younger than the youngest) is no incident to compare (review 2, W5).
    let poss_either = b.mdd.or(poss_a, poss_b)?;
    let total = b.mdd.sat_count(poss_either);
    let compared = b.mdd.sat_count(both);
    Ok(PolicyDiff {
        reads,
        old_name: old.name.clone(),
        new_name: new.name.clone(),
        inputs_only_old: vocab
            .inputs
            .iter()
            .filter(|u| u.new.is_none())
            .map(|u| u.name.clone())
            .collect(),
        inputs_only_new: vocab
            .inputs
            .iter()
            .filter(|u| u.old.is_none())
            .map(|u| u.name.clone())
            .collect(),
        input_changes: input_changes(&vocab, old, new),
        outputs_only_old: outputs.only_old,
        outputs_only_new: outputs.only_new,
        domain,
        assumptions,
        scope,
        outputs: output_diffs,
        compared,
        total,
    })
}

/// Both widened policies compiled into one decision-diagram store with one order: the
/// old side's output regions built first, then the store handed to the new side, so
/// every diagram of either side is valid in it.
fn compile_both<'w>(
    wa: &'w Policy,
    wb: &'w Policy,
    vocab: &Vocabulary,
    opts: &DiffOptions,
) -> Result<(Compiler<'w>, Compiler<'w>), DiffError> {
    let order = union_order(wa, wb);
    let mut sizes = Vec::with_capacity(vocab.inputs.len());
    for &u in &order.levels {
        let n = vocab.size(u);
        if n == 0 || n > MAX_DOMAIN {
            // Said of the side that declares the input (the old one when both do).
            let (side, input) = match (vocab.side_id(u, Side::Old), vocab.side_id(u, Side::New)) {
                (Some(i), _) => (Side::Old, i),
                (None, Some(i)) => (Side::New, i),
                (None, None) => {
                    return Err(DiffError::Compile(
                        Side::Old,
                        CompileError::Unsupported {
                            at: None,
                            what: "an input neither policy declares",
                        },
                    ))
                }
            };
            return Err(DiffError::Compile(
                side,
                CompileError::RangeTooLarge { input },
            ));
        }
        sizes.push(n as u32);
    }
    let mut store = Mdd::new(sizes);
    if let Some(m) = opts.max_nodes {
        store = store.with_max_nodes(m);
    }
    let mut a =
        Compiler::new_in(wa, order.clone(), store).map_err(|e| DiffError::Compile(Side::Old, e))?;
    // The compiler builds output regions on first use, in its own store: build the old
    // side's now, before the store moves to the new side.
    for o in wa.outputs.ids() {
        a.output_regions(o)
            .map_err(|e| DiffError::Compile(Side::Old, e))?;
    }
    // One store for both: the new side's compiler takes it over, and every diagram of
    // the old side stays valid in it.
    let store = std::mem::replace(&mut a.mdd, Mdd::new(Vec::new()));
    let mut b = Compiler::new_in(wb, order, store).map_err(|e| DiffError::Compile(Side::New, e))?;
    // A changed region may be bounded by either side's comparisons between inputs; both
    // widened sides read the one union vocabulary, so the old side's compile here.
    b.other_relations = crate::compile::describe::relation_atoms(wa);
    for o in wb.outputs.ids() {
        b.output_regions(o)
            .map_err(|e| DiffError::Compile(Side::New, e))?;
    }
    Ok((a, b))
}

/// Per side (old, new), the incidents its inputs' domains can express, in `b`'s store.
fn domains(
    b: &mut Compiler<'_>,
    vocab: &Vocabulary,
    policies: [&Policy; 2],
) -> Result<[NodeId; 2], DiffError> {
    let mut dom = [TRUE, TRUE];
    for (s, (side, p)) in [Side::Old, Side::New].into_iter().zip(policies).enumerate() {
        for u in vocab.inputs.ids() {
            if let Some(ranges) = vocab.side_domain(p, side, u) {
                let level = b.order.level(u);
                let mut parts = Vec::new();
                for (lo, hi) in ranges {
                    parts.push(b.mdd.range(level, lo, hi + 1)?);
                }
                let d = b.mdd.or_all(&parts)?;
                if let Some(slot) = dom.get_mut(s) {
                    *slot = b.mdd.and(*slot, d)?;
                }
            }
        }
    }
    Ok(dom)
}

/// One output both policies declare: per side the policy and the output's id, the old
/// value names renamed, and the incidents both decide.
struct OutputPair<'a> {
    sides: [(&'a Policy, OutputId); 2],
    rename: &'a HashMap<String, String>,
    both: NodeId,
}

/// The regions where the output's verdict changes, most incidents first, each with the
/// reasons of both sides; `None` when a side has no regions for it.
fn output_diff(
    a: &Compiler<'_>,
    b: &mut Compiler<'_>,
    pair: &OutputPair<'_>,
    verdicts: &mut Interner<CVerdict>,
) -> Result<Option<OutputDiff>, DiffError> {
    let [(old, oa), (new, ob)] = pair.sides;
    let no_rename = HashMap::default();
    let (Some(ra), Some(rb)) = (
        a.outputs.get(oa).cloned().flatten(),
        b.outputs.get(ob).cloned().flatten(),
    ) else {
        return Ok(None);
    };
    let va = verdict_diagram(&mut b.mdd, old, &ra, oa, pair.rename, verdicts)?;
    let vb = verdict_diagram(&mut b.mdd, new, &rb, ob, &no_rename, verdicts)?;
    let not_compared = NodeId::terminal(NOT_COMPARED);
    let va = b.mdd.ite(pair.both, va, not_compared)?;
    let vb = b.mdd.ite(pair.both, vb, not_compared)?;
    let mut pairs: Interner<(u32, u32)> = Interner::new();
    // A value precedence chose and the same value given plainly decide alike: not a
    // change (the verdicts, interned, differ).
    let alike = |x: u32, y: u32| match (verdicts.get(x - 1), verdicts.get(y - 1)) {
        (Some(v), Some(w)) => v.same_decision(w),
        _ => x == y,
    };
    let pair_diagram = b.mdd.apply_terminals(va, vb, |x, y| {
        if x == NOT_COMPARED || y == NOT_COMPARED || x == y || alike(x, y) {
            NOT_COMPARED
        } else {
            1 + pairs.id((x, y))
        }
    })?;
    let mut changes = Vec::new();
    for (pid, &(x, y)) in pairs.items.iter().enumerate() {
        let t = 1 + pid as u32;
        let region = b.mdd.map_terminals(pair_diagram, |s| u32::from(s == t))?;
        let Some(described) =
            describe_in(b, region, pair.both).map_err(|e| DiffError::Compile(Side::New, e))?
        else {
            continue;
        };
        let (Some(old_v), Some(new_v)) =
            (verdicts.get(x - 1).cloned(), verdicts.get(y - 1).cloned())
        else {
            continue;
        };
        let levels = example_levels(b, &described.example);
        let old_reason = reason(&mut b.mdd, a, oa, &old_v, region, pair.rename, &levels)?;
        // `reason` reads the compiler's regions and writes only the store: lend the
        // store out for the new side's own call.
        let mut store = std::mem::replace(&mut b.mdd, Mdd::new(Vec::new()));
        let new_reason = reason(&mut store, b, ob, &new_v, region, &no_rename, &levels);
        b.mdd = store;
        let new_reason = new_reason?;
        changes.push(Change {
            old: old_v,
            new: new_v,
            region: described,
            old_reason,
            new_reason,
            shift: None,
        });
    }
    changes.sort_by(|x, y| {
        y.region
            .count
            .cmp(&x.region.count)
            .then_with(|| (&x.old, &x.new).cmp(&(&y.old, &y.new)))
    });
    let name = |p: &Policy, o: OutputId| p.outputs[o].name.clone();
    let rankings = [ranking(old, oa, pair.rename), ranking(new, ob, &no_rename)];
    for c in &mut changes {
        c.shift = shift(&rankings, c);
    }
    let [old_ranking, new_ranking] = rankings;
    let ranking = ranking_change(old_ranking, new_ranking, &changes);
    Ok(Some(OutputDiff {
        name: name(new, ob),
        old_name: name(old, oa),
        changes,
        ranking,
    }))
}

/// An output's hit policy over compared values (the old side's renamed).
fn ranking(p: &Policy, o: OutputId, rename: &HashMap<String, String>) -> Ranking {
    match &p.outputs[o].hit {
        HitPolicy::Precedence { order, .. } => {
            Ranking::Precedence(order.iter().map(|v| cval(p, v, rename)).collect())
        }
        HitPolicy::Exclusive { .. } => Ranking::Exclusive,
        _ => Ranking::None,
    }
}

/// Whether a change lowers or raises the value, by the old precedence when it ranks
/// both values, else by the new one.
fn shift(rankings: &[Ranking; 2], c: &Change) -> Option<Shift> {
    let (from, to) = (c.old.value()?, c.new.value()?);
    let ranks = |r: &Ranking| Some((r.rank(from)?, r.rank(to)?));
    let [old, new] = rankings;
    let (by, (a, b), other) = match (ranks(old), ranks(new)) {
        (Some(x), other) => (Side::Old, x, other),
        (None, Some(x)) => (Side::New, x, None),
        (None, None) => return None,
    };
    if a == b {
        return None;
    }
    let lowered = b > a;
    Some(Shift {
        lowered,
        by,
        disputed: other.is_some_and(|(x, y)| x != y && (y > x) != lowered),
    })
}

/// Whether a verdict settles an overlap of `a` and `b` by choosing one of them.
fn settles(v: &CVerdict, a: &CVal, b: &CVal) -> bool {
    match v {
        CVerdict::Resolved { value, over } => {
            (value == a && over.contains(b)) || (value == b && over.contains(a))
        }
        _ => false,
    }
}

/// The change of an output's ranking, if any: pairs reordered, and whether any change
/// of the output is decided by it.
fn ranking_change(old: Ranking, new: Ranking, changes: &[Change]) -> Option<RankingChange> {
    if old == new {
        return None;
    }
    let mut reordered = Vec::new();
    if let (Ranking::Precedence(_), Ranking::Precedence(order)) = (&old, &new) {
        for (i, above) in order.iter().enumerate() {
            for below in order.iter().skip(i + 1) {
                let (Some(x), Some(y)) = (old.rank(above), old.rank(below)) else {
                    continue;
                };
                if x > y {
                    let decides = changes
                        .iter()
                        .any(|c| settles(&c.old, above, below) || settles(&c.new, above, below));
                    reordered.push(Reordered {
                        above: above.clone(),
                        below: below.clone(),
                        decides,
                    });
                }
            }
        }
    }
    let overlapping = |v: &CVerdict| {
        matches!(
            v,
            CVerdict::Resolved { .. } | CVerdict::Conflict(_) | CVerdict::Overlap(_)
        )
    };
    let decides = if reordered.is_empty() {
        changes
            .iter()
            .any(|c| overlapping(&c.old) || overlapping(&c.new))
    } else {
        reordered.iter().any(|r| r.decides)
    };
    Some(RankingChange {
        old,
        new,
        reordered,
        decides,
    })
}

/// The inputs both policies declare whose values differ, each side's domain in words.
fn input_changes(vocab: &Vocabulary, old: &Policy, new: &Policy) -> Vec<InputChange> {
    vocab
        .inputs
        .iter()
        .filter_map(|u| {
            let (i, j) = (u.old?, u.new?);
            let (ti, tj) = (old.inputs[i].ty, new.inputs[j].ty);
            let show = |p: &Policy, t: Ty| match (t, &u.ty) {
                (Ty::Enum(e), UnionTy::Enum { .. }) => {
                    let names: Vec<&str> = p.enums[e]
                        .variants
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect();
                    format!("{} {{{}}}", p.ty_text(t), names.join(", "))
                }
                _ => p.ty_text(t),
            };
            let (si, sj) = (show(old, ti), show(new, tj));
            let same_domain = match (ti, tj) {
                (Ty::Enum(e1), Ty::Enum(e2)) => {
                    let names = |p: &Policy, e: EnumId| -> Vec<String> {
                        let mut v: Vec<String> =
                            p.enums[e].variants.iter().map(|v| v.name.clone()).collect();
                        v.sort();
                        v
                    };
                    names(old, e1) == names(new, e2)
                }
                _ => si == sj,
            };
            (!same_domain).then(|| InputChange {
                input: u.name.clone(),
                old: si,
                new: sj,
            })
        })
        .collect()
}

/// Parses `OLD=NEW` (an output renamed by `--map`).
pub fn parse_output_map(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((o, n)) if !o.trim().is_empty() && !n.trim().is_empty() => {
            Ok((o.trim().to_string(), n.trim().to_string()))
        }
        _ => Err(format!("`{s}` is not of the form OLD_OUTPUT=NEW_OUTPUT")),
    }
}

/// Parses `OUTPUT:OLD=NEW` (a value renamed by `--map-value`).
pub fn parse_value_map(s: &str) -> Result<ValueMap, String> {
    let bad = || format!("`{s}` is not of the form OUTPUT:OLD_VALUE=NEW_VALUE");
    let (output, rest) = s.split_once(':').ok_or_else(bad)?;
    let (old, new) = rest.split_once('=').ok_or_else(bad)?;
    let (output, old, new) = (output.trim(), old.trim(), new.trim());
    if output.is_empty() || old.is_empty() || new.is_empty() {
        return Err(bad());
    }
    Ok(ValueMap {
        output: output.to_string(),
        old: old.to_string(),
        new: new.to_string(),
    })
}

/// Reads a mapping file into `opts`: one mapping a line, `output OLD=NEW` or
/// `value OUTPUT:OLD=NEW`; blank lines and `#` comments are ignored.
pub fn parse_map_file(text: &str, opts: &mut DiffOptions) -> Result<(), String> {
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let at = |e: String| format!("line {}: {e}", n + 1);
        match line.split_once(char::is_whitespace) {
            Some(("output", rest)) => opts.output_map.push(parse_output_map(rest).map_err(at)?),
            Some(("value", rest)) => opts.value_map.push(parse_value_map(rest).map_err(at)?),
            _ => {
                return Err(at(format!(
                    "`{line}` should start with `output` or `value`"
                )))
            }
        }
    }
    Ok(())
}

/// What comparing two files gave.
pub enum FileComparison {
    /// The diff, and the file that states both policies when it is another than the
    /// one compared, the same on both sides (a test file that `use`s its policy).
    Diff(Box<PolicyDiff>, Option<std::path::PathBuf>),
    /// Neither file is a policy (no `policy` header): shared vocabularies are compared
    /// through the policies that use them.
    Modules,
}

/// Checks two files (each through its own file system: the disk, or a git revision)
/// and compares their policies. `Err` holds the diagnostics that stopped it.
pub fn compare_files(
    sources: &mut crate::source::Sources,
    old_fs: &dyn crate::source::FileSystem,
    old_path: &std::path::Path,
    new_fs: &dyn crate::source::FileSystem,
    new_path: &std::path::Path,
    opts: &DiffOptions,
) -> Result<FileComparison, Vec<Diagnostic>> {
    let old = crate::check::check_file(sources, old_fs, old_path);
    let new = crate::check::check_file(sources, new_fs, new_path);
    let mut errors: Vec<Diagnostic> = Vec::new();
    for (side, checked) in [(Side::Old, &old), (Side::New, &new)] {
        for d in checked.diagnostics.iter().filter(|d| d.is_error()) {
            errors.push(
                d.clone()
                    .note(format!("in the {} policy of the diff", side.word())),
            );
        }
    }
    let (Some(op), Some(np)) = (old.policy, new.policy) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    if op.header.is_none() && np.header.is_none() {
        return Ok(FileComparison::Modules);
    }
    // Where both sides' policy is stated in one other file: a test file of the same
    // policy before and after. One that moved to another policy (or stated its own)
    // is a change of its own.
    let stated = |p: &crate::check::ir::Policy| {
        p.header
            .as_ref()
            .filter(|h| h.loc.file != p.root_file)
            .and_then(|h| sources.path(h.loc.file))
            .map(std::path::Path::to_path_buf)
    };
    let stated_in = stated(&np).filter(|n| stated(&op).as_ref() == Some(n));
    diff(&op, &np, opts)
        .map(|d| FileComparison::Diff(Box::new(d), stated_in))
        .map_err(|e| e.diagnostics(&op, &np))
}
