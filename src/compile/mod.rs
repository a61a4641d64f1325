//! Compiling the checked IR into decision diagrams.
//!
//! One MDD variable per input, in the order chosen by `order`. Booleans have the
//! values `false = 0, true = 1`, enums their variant ids, an integer range `lo..=hi` the
//! offsets `0..=hi-lo` (so `x <= 17` is one node with two edges). Linear constraints over
//! several inputs are built exactly by [`Compiler::linear`].
//!
//! [`Compiler`] holds the diagrams every later step needs: the condition of each rule,
//! each define, the assumptions and the scope, and per rule and output the region where
//! the rule's assignment is *effective* (it applies and no rule overriding it, directly or
//! through a chain, applies and assigns the same output). From those, [`graph`] builds the
//! decision graph and `crate::analyse` the findings.

pub mod describe;
pub mod graph;
mod graph_bound;
pub(crate) mod order;
pub(crate) mod synth;

use crate::check::ir::{
    CmpOp, DefineBody, DefineDef, DefineId, Expr, HitPolicy, IdxVec, Import, ImportId, InputDef,
    InputId, LinExpr, OutputDef, OutputId, OutputTy, Policy, RuleDef, RuleId, Ty, Value,
    VariantDef, VariantId,
};
use crate::diagnostics::{Code, Diagnostic};
/// The decision-diagram store a [`Compiler`] builds in: its fields, and the analyses
/// and the decision graph built from it, hold these nodes.
pub use crate::mdd::{BoolOp, Edge, Mdd, MddError, NodeId};
use crate::mdd::{FALSE, TRUE};
use crate::source::Loc;
pub use order::{choose_order, Order, OrderStrategy};

/// Inputs whose domain is larger than this cannot be a decision-diagram variable.
pub const MAX_DOMAIN: u64 = 1 << 30;
/// Steps (value branches) one linear constraint over several inputs may take.
pub const LINEAR_BUDGET: u64 = 20_000_000;
/// Expression nesting the compiler follows (the parser already limits it to 256).
const MAX_EXPR_DEPTH: usize = 2048;

/// Why compiling failed. Small, so it is cheap to pass up; [`CompileError::diagnostic`]
/// turns it into the user-facing diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompileError {
    /// The diagram would pass the node limit. `counted`: the nodes a count made before
    /// building the decision graph showed it needs at least (`graph_bound`), when that
    /// count, not the build, found it.
    TooLarge {
        max_nodes: usize,
        at: Option<Loc>,
        counted: Option<u128>,
    },
    /// The decision graph's outcomes would list more than `max_entries` rules in all
    /// (the sets of rules that apply, one per distinct outcome), though its diagram
    /// may fit the node limit.
    TooManyRuleSets { max_entries: usize, at: Option<Loc> },
    /// A linear constraint needed more work than [`LINEAR_BUDGET`].
    Budget { at: Option<Loc> },
    /// An input's integer range is too wide.
    RangeTooLarge { input: InputId },
    /// Arithmetic overflow in a linear constraint.
    Overflow { at: Option<Loc> },
    /// An expression nests deeper than the compiler follows, or names an output where
    /// only inputs may appear, or a define that is part of a cycle.
    Unsupported { at: Option<Loc>, what: &'static str },
}

impl CompileError {
    fn from_mdd(e: MddError) -> CompileError {
        match e {
            MddError::TooLarge { max_nodes } => CompileError::TooLarge {
                max_nodes,
                at: None,
                counted: None,
            },
            MddError::Budget { .. } => CompileError::Budget { at: None },
            MddError::Malformed => CompileError::Unsupported {
                at: None,
                what: "a malformed node",
            },
        }
    }

    /// Attaches a location if the error has none yet.
    pub fn at(self, loc: Loc) -> CompileError {
        match self {
            CompileError::TooLarge {
                max_nodes,
                at: None,
                counted,
            } => CompileError::TooLarge {
                max_nodes,
                at: Some(loc),
                counted,
            },
            CompileError::TooManyRuleSets {
                max_entries,
                at: None,
            } => CompileError::TooManyRuleSets {
                max_entries,
                at: Some(loc),
            },
            CompileError::Budget { at: None } => CompileError::Budget { at: Some(loc) },
            CompileError::Overflow { at: None } => CompileError::Overflow { at: Some(loc) },
            CompileError::Unsupported { at: None, what } => CompileError::Unsupported {
                at: Some(loc),
                what,
            },
            other => other,
        }
    }

    pub fn diagnostic(&self, policy: &Policy) -> Diagnostic {
        let with = |d: Diagnostic, at: &Option<Loc>, msg: &str| match at {
            Some(loc) => d.primary(*loc, msg.to_string()),
            None => d,
        };
        match self {
            CompileError::TooLarge {
                max_nodes,
                at,
                counted,
            } => {
                let d = with(
                Diagnostic::error(
                    Code::E0504,
                    format!(
                        "the decision graph of `{}` would need more than {} nodes",
                        policy.name,
                        describe::show_count(*max_nodes as u128)
                    ),
                ),
                at,
                "compiling this passed the limit",
            )
            .note("policyc bounds the graph so that a huge policy fails with this message rather than exhausting memory")
            .note("`policyc decide` and the scenarios of `policyc test` still decide incidents whose facts give every input the rules, scope and assumptions read, by reading the rules")
            .help("split the policy, or narrow wide integer ranges that rules compare with each other");
                match counted {
                    Some(n) => d.note(format!(
                        "counted before building it: after its first questions, incidents differ in at least {} ways in which rules can still apply, and each needs a node of its own",
                        describe::show_count(*n)
                    )),
                    None => d,
                }
            }
            CompileError::TooManyRuleSets { max_entries, at } => with(
                Diagnostic::error(
                    Code::E0504,
                    format!("the decision graph of `{}` is too large to build", policy.name),
                ),
                at,
                "compiling this passed the limit",
            )
            .note(format!(
                "its outcomes, each the set of rules that apply, would list more than {} rules in all",
                describe::show_count(*max_entries as u128)
            ))
            .note("policyc bounds the graph so that a huge policy fails with this message rather than exhausting memory")
            .note("`policyc decide` and the scenarios of `policyc test` still decide incidents whose facts give every input the rules, scope and assumptions read, by reading the rules")
            .help("split the policy: many rules over few inputs overlap in more ways than a graph can show"),
            CompileError::Budget { at } => with(
                Diagnostic::error(
                    Code::E0504,
                    "a relation between integer inputs is too expensive to compile exactly",
                ),
                at,
                "this relation",
            )
            .help("narrow the ranges of the integer inputs it relates"),
            CompileError::RangeTooLarge { input } => {
                let inp = &policy.inputs[*input];
                Diagnostic::error(
                    Code::E0504,
                    format!(
                        "the range of input `{}` is too wide for the decision graph",
                        inp.name
                    ),
                )
                .primary(inp.loc, "this range")
                .help(format!("use a range of at most {MAX_DOMAIN} values"))
            }
            CompileError::Overflow { at } => with(
                Diagnostic::error(Code::E0504, "integer overflow while compiling a relation"),
                at,
                "this relation",
            )
            .help("use smaller coefficients or ranges"),
            CompileError::Unsupported { at, what } => with(
                Diagnostic::error(Code::E0504, format!("cannot compile {what}")),
                at,
                "here",
            ),
        }
    }
}

impl From<MddError> for CompileError {
    fn from(e: MddError) -> Self {
        CompileError::from_mdd(e)
    }
}

pub type CResult<T> = std::result::Result<T, CompileError>;

/// The MDD value index of a value of type `ty` (`None` if it does not fit the type).
pub fn value_index(ty: Ty, v: &Value) -> Option<u32> {
    match (ty, v) {
        (Ty::Bool, Value::Bool(b)) => Some(u32::from(*b)),
        (Ty::Enum(e), Value::Enum(e2, var)) if e == *e2 => u32::try_from(var.index()).ok(),
        (Ty::Int { lo, hi }, Value::Int(x)) if *x >= lo && *x <= hi => {
            u32::try_from(x.checked_sub(lo)?).ok()
        }
        _ => None,
    }
}

/// The value of type `ty` at MDD index `idx`.
pub fn index_value(ty: Ty, idx: u32) -> Value {
    match ty {
        Ty::Bool => Value::Bool(idx != 0),
        // An enum's value indices are its variant ids.
        Ty::Enum(e) => Value::Enum(e, VariantId::from_raw(idx as usize)),
        Ty::Int { lo, .. } => Value::Int(lo.saturating_add(i64::from(idx))),
    }
}

/// The value index an example incident takes among the allowed `ranges` (index ranges
/// of type `ty`, sorted by their start): for an integer the policy prefers a value of
/// ([`preferred_values`]), the allowed value nearest to it (the lower of two as near);
/// for a boolean or a variant it prefers, that one if allowed; otherwise, within the
/// first run of values (ranges that touch or overlap are one run), its middle rounded
/// down for an integer, its first value for a boolean or a variant. `None` when nothing
/// is allowed.
///
/// Every example incident policyc shows takes its values here, so they all read alike.
/// Why not the lowest value: it reads absurdly to the policy's writers (a 0-year-old).
/// Why the writer's own values first: the middle of `0..=17` is an 8-year-old, while
/// the policy's scenarios say what its incidents look like (ages of 14 and 15). Why the
/// first value of a boolean or a variant: they have no middle; `false` is the absence of
/// a factor and the first variant is what a writer declares first (by convention the
/// plain case: `none`, the least severe), so the example carries only the factors its
/// region forces.
pub fn typical_index(ty: Ty, ranges: &[(u32, u32)], preferred: Option<u32>) -> Option<u32> {
    if let (Ty::Bool | Ty::Enum(_), Some(p)) = (ty, preferred) {
        if ranges.iter().any(|&(a, b)| a <= p && p <= b) {
            return Some(p);
        }
    }
    if let (Ty::Int { .. }, Some(p)) = (ty, preferred) {
        let mut best: Option<(u32, u32)> = None;
        for &(a, b) in ranges {
            let v = p.clamp(a, b.max(a));
            let d = v.abs_diff(p);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, v));
            }
        }
        if let Some((_, v)) = best {
            return Some(v);
        }
    }
    let &(lo, mut hi) = ranges.first()?;
    for &(a, b) in ranges.iter().skip(1) {
        if a > hi.saturating_add(1) {
            break;
        }
        hi = hi.max(b);
    }
    Some(match ty {
        Ty::Int { .. } => lo + hi.saturating_sub(lo) / 2,
        Ty::Bool | Ty::Enum(_) => lo,
    })
}

/// [`typical_index`] over the values `leads` holds, asking it only about the values the
/// rule reads: the preferred value, the nearest on either side of it, or the first run.
/// The same answer (a property test compares them); the isolating examples' walk
/// (`Mdd::pick_avoiding`) pays for every value it is asked about.
pub(crate) fn typical_index_lazily(
    ty: Ty,
    leads: &mut crate::mdd::Leads<'_>,
    preferred: Option<u32>,
) -> Option<u32> {
    match (ty, preferred) {
        (Ty::Bool | Ty::Enum(_), Some(p)) if leads.leads(p) => return Some(p),
        (Ty::Int { .. }, Some(p)) => {
            // The nearest value that leads, the lower on a tie (the first run wins).
            let below = leads.last_at_or_below(p);
            let above = leads.first_at_or_above(p);
            return match (below, above) {
                (Some(b), Some(a)) => Some(if p - b <= a - p { b } else { a }),
                (b, a) => b.or(a),
            };
        }
        _ => {}
    }
    let lo = leads.first_at_or_above(0)?;
    Some(match ty {
        Ty::Int { .. } => {
            let hi = leads.run_end(lo);
            lo + hi.saturating_sub(lo) / 2
        }
        Ty::Bool | Ty::Enum(_) => lo,
    })
}

/// The one rule for example values as a chooser of [`Mdd::pick_avoiding`]: what
/// [`Compiler::typical_at`] takes, asking only about the values it reads.
pub(crate) struct Typical<'c, 'p>(pub(crate) &'c Compiler<'p>);

impl crate::mdd::Choose for Typical<'_, '_> {
    fn choose(&self, level: usize, runs: &[(u32, u32)]) -> u32 {
        self.0.typical_at(level, Some(runs))
    }

    fn choose_lazily(&self, level: usize, leads: &mut crate::mdd::Leads<'_>) -> Option<u32> {
        let (ty, preferred) = self.0.typical_of(level);
        typical_index_lazily(ty, leads, preferred)
    }
}

/// The value an example takes when any value of type `ty` will do ([`typical_index`]
/// over the whole domain).
pub fn typical_value(policy: &Policy, ty: Ty, preferred: Option<u32>) -> Value {
    let last = u32::try_from(policy.domain_size(ty).saturating_sub(1)).unwrap_or(u32::MAX);
    index_value(ty, typical_index(ty, &[(0, last)], preferred).unwrap_or(0))
}

/// Per input, the value (index) its examples prefer: for an integer input the policy's
/// scenarios give values, the median of those (the lower of the middle two); else the
/// value its declaration calls `typical`; else `None`. The scenarios come first: they
/// are this policy's own incidents, where a shared vocabulary's `typical` speaks for
/// every policy that uses it.
pub fn preferred_values(policy: &Policy) -> IdxVec<InputDef, Option<u32>> {
    let mut given: IdxVec<InputDef, Vec<u32>> = IdxVec::filled(Vec::new(), policy.inputs.len());
    for fact in policy.scenarios.iter().flat_map(|s| &s.given) {
        let def = &policy.inputs[fact.input];
        if let (Ty::Int { .. }, Some(idx), Some(values)) = (
            def.ty,
            value_index(def.ty, &fact.value),
            given.get_mut(fact.input),
        ) {
            values.push(idx);
        }
    }
    given
        .into_iter()
        .zip(&policy.inputs)
        .map(|(mut values, def)| {
            values.sort_unstable();
            let median = values
                .len()
                .checked_sub(1)
                .and_then(|last| values.get(last / 2))
                .copied();
            median.or_else(|| value_index(def.ty, def.typical.as_ref()?))
        })
        .collect()
}

/// Per output, the regions behind its value.
#[derive(Clone, Debug)]
pub enum OutputRegions {
    Single {
        /// Every value some rule assigns or the default, sorted, with the region where
        /// an effective assignment gives it (`FALSE` for a default no rule assigns).
        assigned: Vec<(Value, NodeId)>,
        /// Some effective assignment applies.
        has: NodeId,
        /// The region where the output's final value is this (one effective value, the
        /// value its precedence ranks highest, or none and this is the default).
        decided: Vec<(Value, NodeId)>,
        /// Two effective assignments give different values and no precedence settles
        /// them.
        conflict: NodeId,
        /// Two effective assignments give different values and the precedence settles
        /// them (`FALSE` without a precedence).
        resolved: NodeId,
        /// Two rules' effective assignments to an `exclusive` output overlap, whatever
        /// their values (`FALSE` unless exclusive).
        overlap: NodeId,
    },
    Set {
        /// Per variant of the set's enum: the region where an effective assignment adds it.
        members: IdxVec<VariantDef, NodeId>,
    },
}

/// A policy compiled into diagrams over one [`Mdd`]. A clone has its own store (the
/// same diagrams under the same ids), so one thread may build in it while others read
/// the original.
#[derive(Clone)]
pub struct Compiler<'p> {
    pub policy: &'p Policy,
    pub order: Order,
    pub mdd: Mdd,
    /// Bool defines (int defines are inlined by the checker).
    pub defines: IdxVec<DefineDef, Option<NodeId>>,
    pub rule_conds: IdxVec<RuleDef, NodeId>,
    /// Each assumption's region.
    pub assumes: Vec<NodeId>,
    pub assume_all: NodeId,
    pub scope: NodeId,
    /// `assume_all and scope`: the incidents the analyses look at.
    pub valid: NodeId,
    /// Per rule, every rule that overrides it directly or through a chain.
    pub overriders: IdxVec<RuleDef, Vec<RuleId>>,
    /// Per rule, parallel to its `assigns`: where that assignment is effective.
    pub effective: IdxVec<RuleDef, Vec<NodeId>>,
    /// Per output, once computed by [`Compiler::output_regions`].
    pub outputs: IdxVec<OutputDef, Option<OutputRegions>>,
    /// Per `Policy::imports`: what asserts read of the imported policy.
    pub imports: IdxVec<Import, ImportRegions>,
    pub engine: Engine,
    /// What the regions' examples are shown with.
    pub fact_names: std::sync::Arc<describe::FactNames>,
    /// Per input, the value its examples prefer ([`preferred_values`]).
    pub preferred: IdxVec<InputDef, Option<u32>>,
    /// See [`CompileOptions::max_splits`].
    pub max_splits: Option<usize>,
    /// See [`CompileOptions::errors_only`].
    pub errors_only: bool,
    /// See [`CompileOptions::quick_graph_bound`].
    pub quick_graph_bound: bool,
    /// Comparisons between inputs that region descriptions may use besides the
    /// policy's own ([`describe::describe`]): the diff gives the other side's, since a
    /// changed region can be bounded by either policy's.
    pub other_relations: Vec<crate::check::ir::Expr>,
}

/// An imported policy compiled into its importer's store.
#[derive(Clone, Debug)]
pub struct ImportRegions {
    /// Its scope and assumptions.
    pub valid: NodeId,
    pub outputs: IdxVec<OutputDef, OutputRegions>,
}

#[derive(Clone, Debug, Default)]
pub struct CompileOptions {
    pub order: OrderStrategy,
    /// The node limit (default `mdd::DEFAULT_MAX_NODES`).
    pub max_nodes: Option<usize>,
    /// How the analyses find gaps, conflicts and dead rules.
    pub engine: Engine,
    /// The box engine's budget of splits for counting one output's gaps (default
    /// `analyse::boxes::MAX_SPLITS`).
    pub max_splits: Option<usize>,
    /// Run only the analyses that can find errors (gaps, conflicts, overlaps, asserts,
    /// and on the diagrams dead rules, whose unfinished search is one), leaving out
    /// what only warns or notes (redundant rules, unused inputs, a precedence's
    /// decisions, dead rules on the box engine) and the search for isolating examples:
    /// for a caller that needs to know how many errors `policyc check` reports, not the
    /// whole report. The box engine stops looking at an output's pairs once one past
    /// the listed ones is found: the errors are then known (the listed pairs and one
    /// summary), but the summary's count of pairs is not; nor does it count a gap the
    /// box engine's solver proves (one error, counted or not): an analysis made so is
    /// for counting its error diagnostics only.
    pub errors_only: bool,
    /// For a caller that needs a decision graph only if it fits the node limit and does
    /// not show E0504 when it does not (`decide` on one incident, which then reads the
    /// rules): the proof that a graph passes the limit (`graph_bound`) stops as soon as
    /// it does, rather than look on for the larger count E0504 would show.
    pub quick_graph_bound: bool,
}

/// The engine behind the analyses of gaps, conflicts and dead rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Engine {
    /// Boxes for policies of [`BOX_ENGINE_MIN_RULES`] rules or more whose regions break
    /// into few boxes; diagrams otherwise.
    #[default]
    Auto,
    /// Decision diagrams only.
    Diagrams,
    /// Boxes wherever the regions allow (diagrams otherwise).
    Boxes,
}

/// From this many rules, [`Engine::Auto`] uses boxes. Below it diagrams are fast, and
/// they describe regions better: they simplify under the assumptions (a literal the
/// assumptions imply is dropped), where boxes of the valid incidents split a region
/// along the assumptions' shape.
pub const BOX_ENGINE_MIN_RULES: usize = 100;

impl<'p> Compiler<'p> {
    /// Compiles defines, assumptions, scope, rule conditions, effective regions and
    /// output regions.
    pub fn new(policy: &'p Policy, options: &CompileOptions) -> CResult<Compiler<'p>> {
        let order = choose_order(policy, options.order);
        let mut sizes = Vec::with_capacity(policy.inputs.len());
        for &i in &order.levels {
            let n = policy.domain_size(policy.inputs[i].ty);
            if n > MAX_DOMAIN || n == 0 {
                return Err(CompileError::RangeTooLarge { input: i });
            }
            sizes.push(n as u32);
        }
        let mut mdd = Mdd::new(sizes);
        if let Some(m) = options.max_nodes {
            mdd = mdd.with_max_nodes(m);
        }
        let mut c = Self::new_in(policy, order, mdd)?;
        c.engine = options.engine;
        c.max_splits = options.max_splits;
        c.errors_only = options.errors_only;
        c.quick_graph_bound = options.quick_graph_bound;
        Ok(c)
    }

    /// Compiles into an existing store with a given variable order, so that several
    /// policies over the same inputs (the widened sides of `crate::diff`) share one
    /// store and their diagrams can be combined. The store's level `l` must have the
    /// domain size of input `order.levels[l]`.
    pub fn new_in(policy: &'p Policy, order: Order, mdd: Mdd) -> CResult<Compiler<'p>> {
        let fits = order.levels.len() == policy.inputs.len()
            && mdd.num_levels() == policy.inputs.len()
            && order.levels.iter().enumerate().all(|(l, &i)| {
                // An order for another policy may name inputs this one lacks.
                policy
                    .inputs
                    .lookup(i)
                    .is_some_and(|d| u64::from(mdd.size(l)) == policy.domain_size(d.ty))
            });
        if !fits {
            return Err(CompileError::from_mdd(crate::mdd::MddError::Malformed));
        }
        let mut c = Compiler {
            policy,
            order,
            mdd,
            defines: IdxVec::filled(None, policy.defines.len()),
            rule_conds: IdxVec::new(),
            assumes: Vec::new(),
            assume_all: TRUE,
            scope: TRUE,
            valid: TRUE,
            overriders: IdxVec::new(),
            effective: IdxVec::new(),
            outputs: IdxVec::filled(None, policy.outputs.len()),
            imports: IdxVec::new(),
            engine: Engine::Auto,
            fact_names: std::sync::Arc::new(describe::FactNames::new(policy)),
            preferred: preferred_values(policy),
            max_splits: None,
            errors_only: false,
            quick_graph_bound: false,
            other_relations: Vec::new(),
        };
        c.compile_defines()?;
        for a in &policy.assumes {
            let n = c.expr(&a.expr).map_err(|e| e.at(a.loc))?;
            c.assumes.push(n);
        }
        c.assume_all = c.mdd.and_all(&c.assumes.clone())?;
        let mut scope = TRUE;
        for s in &policy.scope {
            let n = c.expr(&s.expr).map_err(|e| e.at(s.loc))?;
            scope = c.mdd.and(scope, n)?;
        }
        c.scope = scope;
        c.valid = c.mdd.and(c.assume_all, c.scope)?;
        for r in &policy.rules {
            let n = c.expr(&r.when).map_err(|e| e.at(r.loc))?;
            c.rule_conds.push(n);
        }
        c.overriders = overriders(policy);
        c.compute_effective()?;
        c.compile_imports()?;
        Ok(c)
    }

    pub fn level(&self, input: InputId) -> usize {
        self.order.level(input)
    }

    pub fn input_ty(&self, input: InputId) -> Ty {
        self.policy.inputs[input].ty
    }

    /// The type of `level`'s input and the value its examples prefer.
    fn typical_of(&self, level: usize) -> (Ty, Option<u32>) {
        let input = self.order.levels.get(level).copied();
        let ty = input.map_or(Ty::Bool, |i| self.input_ty(i));
        let preferred = input.and_then(|i| self.preferred.get(i).copied().flatten());
        (ty, preferred)
    }

    /// The value index an example takes at `level` among the allowed `ranges`
    /// ([`typical_index`]); `None` allows the whole domain.
    pub fn typical_at(&self, level: usize, ranges: Option<&[(u32, u32)]>) -> u32 {
        let (ty, preferred) = self.typical_of(level);
        let all = [(0, self.mdd.size(level).saturating_sub(1))];
        typical_index(ty, ranges.unwrap_or(&all), preferred).unwrap_or(0)
    }

    fn compile_defines(&mut self) -> CResult<()> {
        // Compile in dependency order without recursing along define chains, so a long
        // chain of defines cannot overflow the stack.
        let n = self.policy.defines.len();
        let deps: IdxVec<DefineDef, Vec<DefineId>> = self
            .policy
            .defines
            .iter()
            .map(|d| {
                let mut out = Vec::new();
                if let DefineBody::Bool(e) = &d.body {
                    define_refs(e, &mut out, 0);
                }
                out
            })
            .collect();
        let mut state: IdxVec<DefineDef, u8> = IdxVec::filled(0, n); // 0 new, 1 on stack, 2 done
        let mut topo = Vec::with_capacity(n);
        for start in self.policy.defines.ids() {
            if state.get(start).copied() != Some(0) {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some((d, i)) = stack.pop() {
                match deps.get(d).and_then(|v| v.get(i)).copied() {
                    Some(next) => {
                        stack.push((d, i + 1));
                        if state.get(next).copied() == Some(0) {
                            if let Some(s) = state.get_mut(next) {
                                *s = 1;
                            }
                            stack.push((next, 0));
                        }
                    }
                    None => {
                        if let Some(s) = state.get_mut(d) {
                            *s = 2;
                        }
                        topo.push(d);
                    }
                }
            }
        }
        for d in topo {
            let def = &self.policy.defines[d];
            if let DefineBody::Bool(e) = &def.body {
                let node = self.expr(e).map_err(|err| err.at(def.loc))?;
                if let Some(slot) = self.defines.get_mut(d) {
                    *slot = Some(node);
                }
            }
        }
        Ok(())
    }

    /// Compiles a boolean expression over inputs and defines (and, once
    /// outputs, computing their regions on first use: asserts).
    pub fn expr(&mut self, e: &Expr) -> CResult<NodeId> {
        self.expr_rec(e, 0)
    }

    fn expr_rec(&mut self, e: &Expr, depth: usize) -> CResult<NodeId> {
        if depth > MAX_EXPR_DEPTH {
            return Err(CompileError::Unsupported {
                at: None,
                what: "an expression nested this deeply",
            });
        }
        let d = depth + 1;
        Ok(match e {
            Expr::Const(b) => {
                if *b {
                    TRUE
                } else {
                    FALSE
                }
            }
            Expr::Input(i) => self.mdd.value_set(self.level(*i), &[1])?,
            Expr::Define(id) => match self.defines.get(*id).copied().flatten() {
                Some(n) => n,
                None => {
                    return Err(CompileError::Unsupported {
                        at: None,
                        what: "a define that refers to itself",
                    })
                }
            },
            Expr::Not(a) => {
                let a = self.expr_rec(a, d)?;
                self.mdd.not(a)?
            }
            Expr::And(xs) => {
                let mut acc = TRUE;
                for x in xs {
                    let n = self.expr_rec(x, d)?;
                    acc = self.mdd.and(acc, n)?;
                }
                acc
            }
            Expr::Or(xs) => {
                let mut acc = FALSE;
                for x in xs {
                    let n = self.expr_rec(x, d)?;
                    acc = self.mdd.or(acc, n)?;
                }
                acc
            }
            Expr::Implies(a, b) => {
                let (a, b) = (self.expr_rec(a, d)?, self.expr_rec(b, d)?);
                self.mdd.apply(BoolOp::Implies, a, b)?
            }
            Expr::Iff(a, b) => {
                let (a, b) = (self.expr_rec(a, d)?, self.expr_rec(b, d)?);
                self.mdd.apply(BoolOp::Iff, a, b)?
            }
            Expr::Cmp { lhs, op, rhs } => self.linear(lhs, *op, rhs)?,
            Expr::EnumIn { input, variants } => {
                let vs: Vec<u32> = variants.iter().map(|&v| v.index() as u32).collect();
                self.mdd.value_set(self.level(*input), &vs)?
            }
            Expr::EnumEq(a, b) => {
                let n = self.policy.domain_size(self.input_ty(*a)) as u32;
                let mut acc = FALSE;
                for v in 0..n {
                    let x = self.mdd.value_set(self.level(*a), &[v])?;
                    let y = self.mdd.value_set(self.level(*b), &[v])?;
                    let both = self.mdd.and(x, y)?;
                    acc = self.mdd.or(acc, both)?;
                }
                acc
            }
            Expr::OutputIs { output, values } => match self.output_regions(*output)? {
                OutputRegions::Single { decided, .. } => {
                    let regions: Vec<NodeId> = decided
                        .iter()
                        .filter(|(v, _)| values.contains(v))
                        .map(|p| p.1)
                        .collect();
                    self.mdd.or_all(&regions)?
                }
                _ => {
                    return Err(CompileError::Unsupported {
                        at: None,
                        what: "an output here",
                    })
                }
            },
            Expr::SetContains { output, variant } => match self.output_regions(*output)? {
                OutputRegions::Set { members } => members.get(*variant).copied().unwrap_or(FALSE),
                _ => {
                    return Err(CompileError::Unsupported {
                        at: None,
                        what: "an output here",
                    })
                }
            },
            Expr::ImportedOutputIs {
                import,
                output,
                values,
            } => {
                let imp = self.imported(*import)?;
                let regions: Vec<NodeId> = match imp.outputs.get(*output) {
                    Some(OutputRegions::Single { decided, .. }) => decided
                        .iter()
                        .filter(|(v, _)| values.contains(v))
                        .map(|p| p.1)
                        .collect(),
                    _ => {
                        return Err(CompileError::Unsupported {
                            at: None,
                            what: "an imported output here",
                        })
                    }
                };
                let valid = imp.valid;
                let any = self.mdd.or_all(&regions)?;
                self.mdd.and(valid, any)?
            }
            Expr::ImportedSetContains {
                import,
                output,
                variant,
            } => {
                let imp = self.imported(*import)?;
                let member = match imp.outputs.get(*output) {
                    Some(OutputRegions::Set { members }) => {
                        members.get(*variant).copied().unwrap_or(FALSE)
                    }
                    _ => {
                        return Err(CompileError::Unsupported {
                            at: None,
                            what: "an imported output here",
                        })
                    }
                };
                let valid = imp.valid;
                self.mdd.and(valid, member)?
            }
        })
    }

    fn imported(&self, import: ImportId) -> CResult<&ImportRegions> {
        self.imports.get(import).ok_or(CompileError::Unsupported {
            at: None,
            what: "an import that was not compiled",
        })
    }

    /// Compiles every imported policy into this store (they read the same inputs, with
    /// the same order), keeping what asserts read: each one's valid region and output
    /// regions. An import's own imports are compiled the same way, within its call.
    fn compile_imports(&mut self) -> CResult<()> {
        let policy = self.policy;
        for imp in &policy.imports {
            let store = std::mem::replace(&mut self.mdd, Mdd::new(Vec::new()));
            let compiled = Compiler::new_in(&imp.policy, self.order.clone(), store);
            let mut c = match compiled {
                Ok(c) => c,
                Err(e) => return Err(e.at(imp.loc)),
            };
            let mut outputs = IdxVec::new();
            let mut failed = None;
            for o in imp.policy.outputs.ids() {
                match c.output_regions(o) {
                    Ok(r) => {
                        outputs.push(r);
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            self.mdd = std::mem::replace(&mut c.mdd, Mdd::new(Vec::new()));
            if let Some(e) = failed {
                return Err(e.at(imp.loc));
            }
            self.imports.push(ImportRegions {
                valid: c.valid,
                outputs,
            });
        }
        Ok(())
    }

    /// `lhs op rhs` over integer inputs, exactly: the terms are taken in variable order;
    /// the diagram branches on each value of every input but the last, carrying the
    /// partial sum, and ends in a threshold node on the last input. Partial sums that
    /// decide the comparison whatever the remaining inputs are cut short, and equal
    /// (term, partial sum) pairs share one node, so `a - b >= 3` over `0..=99` needs
    /// about one node per value of `a`.
    pub fn linear(&mut self, lhs: &LinExpr, op: CmpOp, rhs: &LinExpr) -> CResult<NodeId> {
        let e = lhs
            .add_scaled(-1, rhs)
            .ok_or(CompileError::Overflow { at: None })?;
        let mut terms: Vec<LinTerm> = Vec::with_capacity(e.terms.len());
        for &(c, input) in &e.terms {
            let (lo, size) = match self.input_ty(input) {
                Ty::Int { lo, hi } => (lo, (hi as i128 - lo as i128 + 1).max(1)),
                // The checker only lets integer inputs into arithmetic; treat anything
                // else as its index, which is what the diagram sees.
                ty => (0, i128::from(self.policy.domain_size(ty) as u32)),
            };
            let level = self.level(input);
            terms.push(LinTerm {
                coef: i128::from(c),
                level,
                lo: i128::from(lo),
                size,
            });
        }
        terms.sort_by_key(|t| t.level);
        let k = i128::from(e.constant);
        if terms.is_empty() {
            return Ok(if op.holds(k.signum() as i64, 0) {
                TRUE
            } else {
                FALSE
            });
        }
        // min/max of the sum of the terms from i on.
        let mut min_rest = vec![0i128; terms.len() + 1];
        let mut max_rest = vec![0i128; terms.len() + 1];
        for i in (0..terms.len()).rev() {
            let t = terms.get(i).copied().unwrap_or_default();
            let a = t.coef * t.lo;
            let b = t.coef * (t.lo + t.size - 1);
            let (mn, mx) = (a.min(b), a.max(b));
            let next_min = min_rest.get(i + 1).copied().unwrap_or(0);
            let next_max = max_rest.get(i + 1).copied().unwrap_or(0);
            if let Some(s) = min_rest.get_mut(i) {
                *s = next_min + mn;
            }
            if let Some(s) = max_rest.get_mut(i) {
                *s = next_max + mx;
            }
        }
        if linear_steps(&terms, &min_rest, &max_rest, k) > u128::from(LINEAR_BUDGET) {
            return Err(CompileError::Budget { at: None });
        }
        let mut lin = Linear {
            terms,
            min_rest,
            max_rest,
            op,
            memo: crate::mdd::hash::FxHashMap::default(),
            budget: LINEAR_BUDGET,
        };
        lin.build(&mut self.mdd, 0, k)
    }

    fn compute_effective(&mut self) -> CResult<()> {
        let policy = self.policy;
        for (r, rule) in policy.rules.entries() {
            let cond = self.rule_conds.get(r).copied().unwrap_or(FALSE);
            let mut effs = Vec::with_capacity(rule.assigns.len());
            for a in &rule.assigns {
                let mut suppress = Vec::new();
                for &s in self.overriders.get(r).map(|v| v.as_slice()).unwrap_or(&[]) {
                    let assigns_same = policy.rules[s].assigns.iter().any(|b| b.output == a.output);
                    if assigns_same {
                        suppress.push(self.rule_conds.get(s).copied().unwrap_or(FALSE));
                    }
                }
                let sup = self.mdd.or_all(&suppress)?;
                effs.push(self.mdd.diff(cond, sup)?);
            }
            self.effective.push(effs);
        }
        Ok(())
    }

    /// Every effective assignment to `output`: (rule, assignment index, region).
    pub fn assignments_to(&self, output: OutputId) -> Vec<(RuleId, usize, NodeId)> {
        let mut out = Vec::new();
        for (r, rule) in self.policy.rules.entries() {
            for (k, a) in rule.assigns.iter().enumerate() {
                if a.output == output {
                    let eff = self
                        .effective
                        .get(r)
                        .and_then(|v| v.get(k))
                        .copied()
                        .unwrap_or(FALSE);
                    out.push((r, k, eff));
                }
            }
        }
        out
    }

    /// The regions behind output `o`'s value, computed on first use. These are unions
    /// over every rule assigning the output, the largest diagrams of an analysis; each
    /// output is computed (and may fail the node limit) on its own.
    pub fn output_regions(&mut self, o: OutputId) -> CResult<OutputRegions> {
        if let Some(Some(r)) = self.outputs.get(o) {
            return Ok(r.clone());
        }
        let policy = self.policy;
        let out = &policy.outputs[o];
        {
            let assigns = self.assignments_to(o);
            let regions = match out.ty {
                OutputTy::Set(e) => {
                    let mut members = IdxVec::new();
                    for var in policy.enums[e].variants.ids() {
                        let mut parts = Vec::new();
                        for &(r, k, eff) in &assigns {
                            let adds = policy.rules[r].assigns.get(k).is_some_and(
                                |a| matches!(&a.value, Value::Set(_, vs) if vs.contains(&var)),
                            );
                            if adds {
                                parts.push(eff);
                            }
                        }
                        members.push(self.mdd.or_all(&parts)?);
                    }
                    OutputRegions::Set { members }
                }
                OutputTy::Single(_) => {
                    let mut values: Vec<Value> = assigns
                        .iter()
                        .filter_map(|&(r, k, _)| {
                            policy.rules[r].assigns.get(k).map(|a| a.value.clone())
                        })
                        .collect();
                    if let Some(d) = &out.default {
                        values.push(d.clone());
                    }
                    values.sort();
                    values.dedup();
                    let mut assigned = Vec::with_capacity(values.len());
                    for v in &values {
                        let mut parts = Vec::new();
                        for &(r, k, eff) in &assigns {
                            let same = policy.rules[r]
                                .assigns
                                .get(k)
                                .is_some_and(|a| &a.value == v);
                            if same {
                                parts.push(eff);
                            }
                        }
                        assigned.push((v.clone(), self.mdd.or_all(&parts)?));
                    }
                    self.single_regions(out, &assigns, assigned)?
                }
            };
            if let Some(slot) = self.outputs.get_mut(o) {
                *slot = Some(regions.clone());
            }
            Ok(regions)
        }
    }

    /// A single-valued output's regions from its value regions (`assigned`), under its
    /// hit policy (docs/analysis.md, "Precedence and exclusive outputs").
    fn single_regions(
        &mut self,
        out: &crate::check::ir::OutputDef,
        assigns: &[(RuleId, usize, NodeId)],
        assigned: Vec<(Value, NodeId)>,
    ) -> CResult<OutputRegions> {
        let all: Vec<NodeId> = assigned.iter().map(|p| p.1).collect();
        let has = self.mdd.or_all(&all)?;
        // At least two values: accumulate "seen one" and "seen two" as they go by.
        let mut one = FALSE;
        let mut two = FALSE;
        for &(_, reg) in &assigned {
            let both = self.mdd.and(one, reg)?;
            two = self.mdd.or(two, both)?;
            one = self.mdd.or(one, reg)?;
        }
        let no_value = self.mdd.not(has)?;
        let mut decided = Vec::with_capacity(assigned.len());
        let (conflict, resolved, overlap) = match &out.hit {
            HitPolicy::Any => {
                for (v, reg) in &assigned {
                    decided.push((v.clone(), self.mdd.diff(*reg, two)?));
                }
                (two, FALSE, FALSE)
            }
            HitPolicy::Precedence { .. } => {
                // Two values where one is not ranked: still a conflict.
                let unranked: Vec<NodeId> = assigned
                    .iter()
                    .filter(|(v, _)| out.hit.rank(v).is_none())
                    .map(|p| p.1)
                    .collect();
                let any_unranked = self.mdd.or_all(&unranked)?;
                let conflict = self.mdd.and(two, any_unranked)?;
                let resolved = self.mdd.diff(two, conflict)?;
                for (v, reg) in &assigned {
                    let alone = self.mdd.diff(*reg, two)?;
                    let won = match out.hit.rank(v) {
                        Some(r) => {
                            let higher: Vec<NodeId> = assigned
                                .iter()
                                .filter(|(x, _)| out.hit.rank(x).is_some_and(|rx| rx < r))
                                .map(|p| p.1)
                                .collect();
                            let beaten = self.mdd.or_all(&higher)?;
                            let here = self.mdd.and(*reg, resolved)?;
                            self.mdd.diff(here, beaten)?
                        }
                        None => FALSE,
                    };
                    decided.push((v.clone(), self.mdd.or(alone, won)?));
                }
                (conflict, resolved, FALSE)
            }
            HitPolicy::Exclusive { .. } => {
                // Two rules, whatever their values.
                let mut one_rule = FALSE;
                let mut overlap = FALSE;
                for &(_, _, eff) in assigns {
                    let both = self.mdd.and(one_rule, eff)?;
                    overlap = self.mdd.or(overlap, both)?;
                    one_rule = self.mdd.or(one_rule, eff)?;
                }
                for (v, reg) in &assigned {
                    decided.push((v.clone(), self.mdd.diff(*reg, overlap)?));
                }
                (FALSE, FALSE, overlap)
            }
        };
        if let Some(d) = &out.default {
            if let Some(slot) = decided.iter_mut().find(|p| &p.0 == d) {
                slot.1 = self.mdd.or(slot.1, no_value)?;
            }
        }
        Ok(OutputRegions::Single {
            assigned,
            has,
            decided,
            conflict,
            resolved,
            overlap,
        })
    }

    /// Drops every diagram node the compiler no longer refers to (after an analysis
    /// passed the node limit), keeping all of its own diagrams valid.
    pub fn compact(&mut self) -> CResult<()> {
        let mut roots: Vec<NodeId> = Vec::new();
        roots.extend(self.defines.iter().flatten());
        roots.extend(&self.rule_conds);
        roots.extend(&self.assumes);
        roots.extend([self.assume_all, self.scope, self.valid]);
        for e in &self.effective {
            roots.extend(e);
        }
        for imp in &self.imports {
            roots.push(imp.valid);
            for r in &imp.outputs {
                region_roots(r, &mut roots);
            }
        }
        for r in self.outputs.iter().flatten() {
            region_roots(r, &mut roots);
        }
        self.mdd.compact(&mut roots)?;
        let mut it = roots.into_iter();
        let mut next = || it.next().unwrap_or(FALSE);
        for d in self.defines.iter_mut().flatten() {
            *d = next();
        }
        for r in self.rule_conds.iter_mut() {
            *r = next();
        }
        for a in self.assumes.iter_mut() {
            *a = next();
        }
        self.assume_all = next();
        self.scope = next();
        self.valid = next();
        for e in self.effective.iter_mut() {
            for x in e.iter_mut() {
                *x = next();
            }
        }
        for imp in self.imports.iter_mut() {
            imp.valid = next();
            for r in imp.outputs.iter_mut() {
                reassign_roots(r, &mut next);
            }
        }
        for r in self.outputs.iter_mut().flatten() {
            reassign_roots(r, &mut next);
        }
        Ok(())
    }
}

/// The diagrams of an output's regions, in the order [`reassign_roots`] reads them back.
fn region_roots(r: &OutputRegions, roots: &mut Vec<NodeId>) {
    match r {
        OutputRegions::Single {
            assigned,
            has,
            decided,
            conflict,
            resolved,
            overlap,
        } => {
            roots.extend(assigned.iter().map(|p| p.1));
            roots.extend([*has, *conflict, *resolved, *overlap]);
            roots.extend(decided.iter().map(|p| p.1));
        }
        OutputRegions::Set { members } => roots.extend(members),
    }
}

fn reassign_roots(r: &mut OutputRegions, next: &mut impl FnMut() -> NodeId) {
    match r {
        OutputRegions::Single {
            assigned,
            has,
            decided,
            conflict,
            resolved,
            overlap,
        } => {
            for p in assigned.iter_mut() {
                p.1 = next();
            }
            *has = next();
            *conflict = next();
            *resolved = next();
            *overlap = next();
            for p in decided.iter_mut() {
                p.1 = next();
            }
        }
        OutputRegions::Set { members } => {
            for m in members.iter_mut() {
                *m = next();
            }
        }
    }
}

#[derive(Clone, Copy, Default)]
struct LinTerm {
    coef: i128,
    level: usize,
    lo: i128,
    size: i128,
}

struct Linear {
    terms: Vec<LinTerm>,
    min_rest: Vec<i128>,
    max_rest: Vec<i128>,
    op: CmpOp,
    memo: crate::mdd::hash::FxHashMap<(usize, i128), NodeId>,
    budget: u64,
}

/// An upper bound on the steps [`Linear::build`] takes, from the ranges alone, so that a
/// relation too expensive to compile is refused at once instead of after spending the
/// whole budget (`a + b > c` over three `0..=1000000` took seconds to fail, in every
/// command). Level `i` is entered once per distinct partial sum that leaves the
/// comparison undecided, and branches on every value of its input: the partial sums of
/// the terms before it lie in an interval, on a grid of the gcd of their coefficients,
/// and an undecided one lies within the span of the remaining terms' sums, so their
/// number is at most the grid points in both (and at most the combinations of values
/// before it).
fn linear_steps(terms: &[LinTerm], min_rest: &[i128], max_rest: &[i128], k: i128) -> u128 {
    fn gcd(a: i128, b: i128) -> i128 {
        if b == 0 {
            a.abs()
        } else {
            gcd(b, a % b)
        }
    }
    let (mut lo, mut hi, mut g) = (k, k, 0i128);
    let mut combos: u128 = 1;
    let mut steps: u128 = 0;
    // The last term is a threshold node, not a branch per value.
    for (i, t) in terms.iter().enumerate().take(terms.len().saturating_sub(1)) {
        let rest_lo = min_rest.get(i).copied().unwrap_or(0);
        let rest_hi = max_rest.get(i).copied().unwrap_or(0);
        // Undecided: partial + rest straddles zero for some rest in the span.
        let (a, b) = (lo.max(-rest_hi), hi.min(-rest_lo));
        let grid = if a > b {
            0
        } else if g == 0 {
            1
        } else {
            u128::try_from((b - a) / g + 1).unwrap_or(u128::MAX)
        };
        let entered = grid.min(combos);
        steps = steps.saturating_add(entered.saturating_mul(t.size.max(0) as u128));
        let (x, y) = (t.coef * t.lo, t.coef * (t.lo + t.size - 1));
        lo += x.min(y);
        hi += x.max(y);
        g = gcd(g, t.coef);
        combos = combos.saturating_mul(t.size.max(0) as u128);
    }
    steps
}

fn floor_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

fn ceil_div(a: i128, b: i128) -> i128 {
    -floor_div(-a, b)
}

/// Whether `s op 0` holds for every `s` in `lo..=hi` (`Some(true)`), for none
/// (`Some(false)`), or depends (`None`).
fn decided(op: CmpOp, lo: i128, hi: i128) -> Option<bool> {
    let (all, none) = match op {
        CmpOp::Eq => (lo == 0 && hi == 0, lo > 0 || hi < 0),
        CmpOp::Ne => (lo > 0 || hi < 0, lo == 0 && hi == 0),
        CmpOp::Lt => (hi < 0, lo >= 0),
        CmpOp::Le => (hi <= 0, lo > 0),
        CmpOp::Gt => (lo > 0, hi <= 0),
        CmpOp::Ge => (lo >= 0, hi < 0),
    };
    if all {
        Some(true)
    } else if none {
        Some(false)
    } else {
        None
    }
}

impl Linear {
    fn build(&mut self, mdd: &mut Mdd, i: usize, partial: i128) -> CResult<NodeId> {
        let lo = partial + self.min_rest.get(i).copied().unwrap_or(0);
        let hi = partial + self.max_rest.get(i).copied().unwrap_or(0);
        if let Some(b) = decided(self.op, lo, hi) {
            return Ok(if b { TRUE } else { FALSE });
        }
        let Some(t) = self.terms.get(i).copied() else {
            return Ok(if decided(self.op, partial, partial) == Some(true) {
                TRUE
            } else {
                FALSE
            });
        };
        if i + 1 == self.terms.len() {
            return self.last(mdd, t, partial);
        }
        if let Some(n) = self.memo.get(&(i, partial)) {
            return Ok(*n);
        }
        let mut edges: Vec<Edge> = Vec::new();
        for k in 0..t.size {
            if self.budget == 0 {
                return Err(CompileError::Budget { at: None });
            }
            self.budget -= 1;
            let child = self.build(mdd, i + 1, partial + t.coef * (t.lo + k))?;
            let end = (k + 1) as u32;
            match edges.last_mut() {
                Some(last) if last.child == child => last.end = end,
                _ => edges.push(Edge { end, child }),
            }
        }
        let n = mdd.mk(t.level, &edges)?;
        self.memo.insert((i, partial), n);
        Ok(n)
    }

    /// `coef * x + partial op 0` for the last input `x`: an interval of its values (or
    /// the complement of one, for `!=`).
    fn last(&mut self, mdd: &mut Mdd, t: LinTerm, partial: i128) -> CResult<NodeId> {
        // With x = lo + idx: coef*idx + base op 0.
        let base = partial + t.coef * t.lo;
        let c = t.coef;
        // Index bounds for `c*idx <= bound` and `c*idx >= bound`.
        let le = |bound: i128| -> (i128, i128) {
            if c > 0 {
                (0, floor_div(bound, c))
            } else {
                (ceil_div(bound, c), i128::MAX)
            }
        };
        let ge = |bound: i128| -> (i128, i128) {
            if c > 0 {
                (ceil_div(bound, c), i128::MAX)
            } else {
                (0, floor_div(bound, c))
            }
        };
        let (range, negate) = match self.op {
            CmpOp::Le => (le(-base), false),
            CmpOp::Lt => (le(-base - 1), false),
            CmpOp::Ge => (ge(-base), false),
            CmpOp::Gt => (ge(-base + 1), false),
            CmpOp::Eq | CmpOp::Ne => {
                let (a1, b1) = le(-base);
                let (a2, b2) = ge(-base);
                ((a1.max(a2), b1.min(b2)), self.op == CmpOp::Ne)
            }
        };
        let lo = range.0.max(0);
        let hi = range.1.min(t.size - 1);
        let n = if lo > hi {
            FALSE
        } else {
            mdd.range(t.level, lo as u32, (hi + 1) as u32)?
        };
        Ok(if negate { mdd.not(n)? } else { n })
    }
}

fn define_refs(e: &Expr, out: &mut Vec<DefineId>, depth: usize) {
    if depth > MAX_EXPR_DEPTH {
        return;
    }
    match e {
        Expr::Define(d) => out.push(*d),
        Expr::Not(a) => define_refs(a, out, depth + 1),
        Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| define_refs(x, out, depth + 1)),
        Expr::Implies(a, b) | Expr::Iff(a, b) => {
            define_refs(a, out, depth + 1);
            define_refs(b, out, depth + 1);
        }
        _ => {}
    }
}

/// Per rule, the rules that override it directly or through a chain.
pub fn overriders(policy: &Policy) -> IdxVec<RuleDef, Vec<RuleId>> {
    let n = policy.rules.len();
    let mut out: IdxVec<RuleDef, Vec<RuleId>> = IdxVec::filled(Vec::new(), n);
    for s in policy.rules.ids() {
        // Everything s reaches through `overrides` is overridden by s.
        let mut seen: IdxVec<RuleDef, bool> = IdxVec::filled(false, n);
        let mut stack: Vec<RuleId> = policy.rules[s].overrides.clone();
        while let Some(r) = stack.pop() {
            if r == s || seen.get(r).copied().unwrap_or(true) {
                continue;
            }
            if let Some(x) = seen.get_mut(r) {
                *x = true;
            }
            if let Some(v) = out.get_mut(r) {
                v.push(s);
            }
            stack.extend(policy.rules[r].overrides.iter().copied());
        }
    }
    out
}

#[cfg(test)]
mod tests;
