//! The checked policy: names resolved, types checked, integers in range.
//!
//! Later stages (compile, analyse, evaluate, export, diff) read only this; they never
//! see the AST and never re-check. Ids are typed positions in the `Policy`'s tables
//! (`arena.rs`): looking one up in its own policy cannot fail.
//! [`Policy::pretty`] (`pretty.rs`) writes it as text.

mod arena;
mod pretty;
mod reads;

pub use reads::Reads;

pub use arena::{Arena, Ids, Idx, IdxVec};

use serde::Serialize;

use crate::source::Loc;

pub type EnumId = Idx<EnumDef>;
/// A variant of the enum it is paired with (`Ty::Enum`, `Value::Enum`): an index into
/// that enum's `variants`.
pub type VariantId = Idx<VariantDef>;
pub type InputId = Idx<InputDef>;
pub type OutputId = Idx<OutputDef>;
pub type DefineId = Idx<DefineDef>;
pub type RuleId = Idx<RuleDef>;
pub type AcceptId = Idx<AcceptedGap>;
pub type AssertId = Idx<AssertDef>;
pub type ScenarioId = Idx<ScenarioDef>;
pub type ImportId = Idx<Import>;

#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// The header's name, or the root file's stem for a module.
    pub name: String,
    pub header: Option<Header>,
    /// The file that was checked (others were reached through `use`).
    pub root_file: crate::source::FileId,
    pub enums: Arena<EnumDef>,
    pub inputs: Arena<InputDef>,
    pub outputs: Arena<OutputDef>,
    pub defines: Arena<DefineDef>,
    pub assumes: Vec<Constraint>,
    /// Joined with `and`; empty means every incident is in scope.
    pub scope: Vec<Constraint>,
    pub rules: Arena<RuleDef>,
    pub accepted_gaps: Arena<AcceptedGap>,
    pub asserts: Arena<AssertDef>,
    pub scenarios: Arena<ScenarioDef>,
    /// Policies imported with `use "..." as alias`, whose decisions asserts read.
    pub imports: Arena<Import>,
    /// Inputs the policy states it deliberately does not read (`ignore a, b "reason"`),
    /// one entry per input, in declaration order.
    pub ignored: Vec<Ignored>,
}

/// An input named by `ignore`: the checker has proven that nothing the policy decides
/// with reads it (E0209), so the analyses stop noting it as unused (W0503).
#[derive(Clone, Debug)]
pub struct Ignored {
    pub input: InputId,
    pub reason: String,
    /// The input's name in the `ignore` declaration.
    pub loc: Loc,
}

/// A policy imported with `use "file.policy" as alias`.
#[derive(Clone, Debug)]
pub struct Import {
    pub alias: String,
    /// The imported policy, checked on its own, then rebased onto this policy's inputs:
    /// its `inputs` are this policy's `inputs` (same ids, same types), so its
    /// expressions read this policy's incidents directly.
    pub policy: Policy,
    /// The `use ... as` declaration.
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Header {
    pub title: Option<String>,
    pub source: Option<String>,
    pub version: Option<String>,
    pub doc: Option<String>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: String,
    pub doc: Option<String>,
    pub variants: Arena<VariantDef>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct VariantDef {
    pub name: String,
    pub doc: Option<String>,
    pub loc: Loc,
}

/// The type of an input, a define or a single-valued output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Bool,
    Enum(EnumId),
    /// Inclusive bounds.
    Int {
        lo: i64,
        hi: i64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OutputTy {
    Single(Ty),
    Set(EnumId),
}

impl Ty {
    /// The enum of an enum type.
    pub fn enum_id(self) -> Option<EnumId> {
        match self {
            Ty::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// The type as the language writes it (`bool`, `0..=17`, an enum's name), naming
    /// enums by `enum_name`: the one function for a type's text, for the checker
    /// (whose enums are not a policy yet) and for a policy ([`Policy::ty_text`]).
    pub fn text<'a>(self, enum_name: impl FnOnce(EnumId) -> &'a str) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Enum(e) => enum_name(e).into(),
            Ty::Int { lo, hi } => format!("{lo}..={hi}"),
        }
    }
}

impl OutputTy {
    /// The enum of an enum or set type.
    pub fn enum_id(self) -> Option<EnumId> {
        match self {
            OutputTy::Single(t) => t.enum_id(),
            OutputTy::Set(e) => Some(e),
        }
    }

    /// The type as the language writes it: a [`Ty::text`], or `set of Enum`.
    pub fn text<'a>(self, enum_name: impl FnOnce(EnumId) -> &'a str) -> String {
        match self {
            OutputTy::Single(t) => t.text(enum_name),
            OutputTy::Set(e) => format!("set of {}", enum_name(e)),
        }
    }
}

#[derive(Clone, Debug)]
pub struct InputDef {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Ty,
    pub loc: Loc,
    /// The value declared `typical`: what examples take where the region allows it and
    /// the policy's scenarios say nothing (`compile::preferred_values`).
    pub typical: Option<Value>,
    /// `judgement "CITATION"`: a person decides this input. In every analysis it is an
    /// input like any other; faces present it as a judgement.
    pub judgement: Option<Judgement>,
}

/// Why an input is a judgement: the paragraph that leaves it to a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    pub citation: String,
    /// The `judgement` clause.
    pub loc: Loc,
}

/// Whitespace runs (the line breaks of a multi-line doc comment) as single spaces: a
/// doc's line breaks are how its source was wrapped, and shown inside an indented list
/// or a table they broke the layout.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl InputDef {
    /// The doc comment on one line; `None` without one.
    pub fn doc_line(&self) -> Option<String> {
        self.doc.as_deref().map(one_line).filter(|d| !d.is_empty())
    }

    /// The question the input asks: its doc comment up to the first `?`, on one line (the
    /// rest of a doc explains the question); `None` without a doc.
    pub fn question(&self) -> Option<String> {
        let doc = self.doc.as_deref().filter(|d| !d.trim().is_empty())?;
        let question = doc.find('?').and_then(|i| doc.get(..=i)).unwrap_or(doc);
        Some(one_line(question))
    }
}

#[derive(Clone, Debug)]
pub struct OutputDef {
    pub name: String,
    pub doc: Option<String>,
    pub ty: OutputTy,
    pub default: Option<Value>,
    pub loc: Loc,
    /// What happens where the effective assignments of two rules overlap.
    pub hit: HitPolicy,
}

/// An output's hit policy: what an overlap of effective assignments means
/// (docs/proposals/hit-policies-and-judgements.md).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HitPolicy {
    /// Rules may overlap where they give the same value; different values conflict
    /// (DMN's *any*).
    #[default]
    Any,
    /// `precedence a > b`: where the values still applying differ and every one is
    /// listed, the highest wins (DMN's *priority*). Single-valued `bool` or enum outputs
    /// only; each value at most once.
    Precedence {
        /// Highest first.
        order: Vec<Value>,
        /// The clause.
        loc: Loc,
    },
    /// `exclusive`: no two rules' effective assignments may overlap, equal values
    /// included (DMN's *unique*). Single-valued outputs only.
    Exclusive { loc: Loc },
}

impl HitPolicy {
    /// The rank of `v` in a precedence (0 is the highest); `None` when it is not listed
    /// or there is no precedence.
    pub fn rank(&self, v: &Value) -> Option<usize> {
        match self {
            HitPolicy::Precedence { order, .. } => order.iter().position(|x| x == v),
            _ => None,
        }
    }

    pub fn is_precedence(&self) -> bool {
        matches!(self, HitPolicy::Precedence { .. })
    }

    pub fn is_exclusive(&self) -> bool {
        matches!(self, HitPolicy::Exclusive { .. })
    }

    /// The value precedence gives where `values` (two or more, different) still apply:
    /// the highest, when every one is listed; `None` otherwise (a conflict).
    pub fn winner<'v>(&self, values: &[&'v Value]) -> Option<&'v Value> {
        let mut best: Option<(usize, &'v Value)> = None;
        for &v in values {
            let r = self.rank(v)?;
            if best.is_none_or(|(b, _)| r < b) {
                best = Some((r, v));
            }
        }
        best.map(|p| p.1)
    }
}

#[derive(Clone, Debug)]
pub struct DefineDef {
    pub name: String,
    pub doc: Option<String>,
    pub body: DefineBody,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub enum DefineBody {
    Bool(Expr),
    Int(LinExpr),
}

#[derive(Clone, Debug)]
pub struct Constraint {
    pub expr: Expr,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct RuleDef {
    pub name: String,
    pub title: Option<String>,
    pub cites: Option<String>,
    pub doc: Option<String>,
    /// Rules this one overrides directly (transitive closure: `compile`).
    pub overrides: Vec<RuleId>,
    /// `Expr::Const(true)` when the rule has no `when`.
    pub when: Expr,
    pub assigns: Vec<Assign>,
    pub loc: Loc,
    /// The rule's name in its declaration.
    pub name_loc: Loc,
    /// Where a fix adds a name to the rule's `overrides` (settling a conflict).
    pub overrides_at: OverridesAt,
}

/// Where a name goes in a rule's `overrides`: after the last name of its clause, or,
/// where it has none, in a new clause after its `cites`, title or name (the clauses'
/// order is fixed by the grammar).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OverridesAt {
    /// An empty span.
    pub loc: Loc,
    /// No `overrides` clause yet: the fix writes one.
    pub new_clause: bool,
}

#[derive(Clone, Debug)]
pub struct Assign {
    pub output: OutputId,
    /// For a set output, `Value::Set` of the variants the rule adds.
    pub value: Value,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct AcceptedGap {
    pub output: OutputId,
    pub reason: String,
    /// `Expr::Const(true)` when the acceptance has no `when`.
    pub when: Expr,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct AssertDef {
    pub name: String,
    pub title: Option<String>,
    pub cites: Option<String>,
    pub doc: Option<String>,
    /// May mention outputs.
    pub expr: Expr,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct ScenarioDef {
    pub name: String,
    pub title: Option<String>,
    pub cites: Option<String>,
    pub doc: Option<String>,
    pub given: Vec<Fact>,
    pub expect: Vec<Expect>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct Fact {
    pub input: InputId,
    pub value: Value,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub enum Expect {
    Value {
        output: OutputId,
        value: Value,
        loc: Loc,
    },
    Undecided {
        output: OutputId,
        loc: Loc,
    },
    OutOfScope {
        loc: Loc,
    },
}

/// A value of an input or output.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Enum(EnumId, VariantId),
    /// Variants of one enum, sorted by declaration order, no duplicates.
    Set(EnumId, Vec<VariantId>),
}

/// A typed boolean expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Const(bool),
    /// A bool input.
    Input(InputId),
    /// A bool define; its body is in `Policy::defines`.
    Define(DefineId),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Implies(Box<Expr>, Box<Expr>),
    /// Both sides boolean: `a == b`.
    Iff(Box<Expr>, Box<Expr>),
    /// `lhs op rhs` over integers (int defines are inlined).
    Cmp {
        lhs: LinExpr,
        op: CmpOp,
        rhs: LinExpr,
    },
    /// An enum input is one of these variants (`==`, `in`).
    EnumIn {
        input: InputId,
        variants: Vec<VariantId>,
    },
    /// Two enum inputs of the same enum are equal.
    EnumEq(InputId, InputId),
    /// A single-valued output has one of these values (asserts only).
    OutputIs {
        output: OutputId,
        values: Vec<Value>,
    },
    /// A set output contains a variant (asserts only).
    SetContains {
        output: OutputId,
        variant: VariantId,
    },
    /// `alias.output` has one of these values (asserts only): output `output` of
    /// `Policy::imports[import]`, values in that policy's enum ids. False where the
    /// imported policy gives no single value (out of its scope, breaking its
    /// assumptions, a gap or a conflict).
    ImportedOutputIs {
        import: ImportId,
        output: OutputId,
        values: Vec<Value>,
    },
    /// `alias.set_output contains variant` (asserts only); false out of the imported
    /// policy's scope or assumptions.
    ImportedSetContains {
        import: ImportId,
        output: OutputId,
        variant: VariantId,
    },
}

impl Expr {
    /// Calls `input` for every input the expression reads and `define` for every define
    /// it names, without looking into the defines: the one walk of what an expression
    /// reads, for callers that follow defines each in their own way (`Policy::reads`,
    /// the E0209 check of `ignore`).
    pub fn for_each_read(&self, mut input: impl FnMut(InputId), mut define: impl FnMut(DefineId)) {
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Input(i) | Expr::EnumIn { input: i, .. } => input(*i),
                Expr::EnumEq(a, b) => {
                    input(*a);
                    input(*b);
                }
                Expr::Cmp { lhs, rhs, .. } => {
                    for &(_, i) in lhs.terms.iter().chain(&rhs.terms) {
                        input(i);
                    }
                }
                Expr::Define(d) => define(*d),
                Expr::Not(a) => stack.push(a),
                Expr::And(xs) | Expr::Or(xs) => stack.extend(xs.iter()),
                Expr::Implies(a, b) | Expr::Iff(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                Expr::Const(_)
                | Expr::OutputIs { .. }
                | Expr::SetContains { .. }
                | Expr::ImportedOutputIs { .. }
                | Expr::ImportedSetContains { .. } => {}
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn holds(self, a: i64, b: i64) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }

    /// The operator that holds exactly where this one does not (`<` for `>=`).
    pub fn negated(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// The operator with its sides swapped: `a < b` is `b > a`.
    pub fn mirrored(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// `sum(coef * input) + constant`, terms sorted by input, no zero coefficients.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LinExpr {
    pub terms: Vec<(i64, InputId)>,
    pub constant: i64,
}

impl LinExpr {
    pub fn constant(c: i64) -> Self {
        LinExpr {
            terms: Vec::new(),
            constant: c,
        }
    }

    pub fn input(id: InputId) -> Self {
        LinExpr {
            terms: vec![(1, id)],
            constant: 0,
        }
    }

    /// `self + k * other`, normalised; `None` on overflow.
    pub fn add_scaled(&self, k: i64, other: &LinExpr) -> Option<LinExpr> {
        let mut terms = self.terms.clone();
        for &(c, id) in &other.terms {
            let c = c.checked_mul(k)?;
            match terms.iter_mut().find(|(_, i)| *i == id) {
                Some(t) => t.0 = t.0.checked_add(c)?,
                None => terms.push((c, id)),
            }
        }
        terms.retain(|(c, _)| *c != 0);
        terms.sort_by_key(|&(_, id)| id);
        let constant = self.constant.checked_add(other.constant.checked_mul(k)?)?;
        Some(LinExpr { terms, constant })
    }

    /// Value under an assignment of inputs to integers (`None` on overflow).
    pub fn eval(&self, value_of: impl Fn(InputId) -> i64) -> Option<i64> {
        let mut acc = self.constant;
        for &(c, id) in &self.terms {
            acc = acc.checked_add(c.checked_mul(value_of(id))?)?;
        }
        Some(acc)
    }
}

impl Policy {
    /// Calls `f` on each atom of `e` (a comparison, an input, a test of an enum or an
    /// output, a constant): the leaves under `not`, `and`, `or`, `implies`, `==` between
    /// conditions and the bodies of the boolean defines `e` uses.
    pub fn for_each_atom<'e>(&'e self, e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
        self.atoms_rec(e, f, 0);
    }

    fn atoms_rec<'e>(&'e self, e: &'e Expr, f: &mut dyn FnMut(&'e Expr), depth: usize) {
        // Defines cannot be cyclic once checked; the depth only guards the walk.
        if depth > 64 {
            return;
        }
        match e {
            Expr::Not(a) => self.atoms_rec(a, f, depth + 1),
            Expr::And(xs) | Expr::Or(xs) => {
                for x in xs {
                    self.atoms_rec(x, f, depth + 1);
                }
            }
            Expr::Implies(a, b) | Expr::Iff(a, b) => {
                self.atoms_rec(a, f, depth + 1);
                self.atoms_rec(b, f, depth + 1);
            }
            Expr::Define(d) => match self.defines.lookup(*d).map(|d| &d.body) {
                Some(DefineBody::Bool(body)) => self.atoms_rec(body, f, depth + 1),
                _ => f(e),
            },
            _ => f(e),
        }
    }

    /// Every condition the policy states over inputs: its assumptions, its scope, its
    /// rules' conditions and its acceptances' conditions (not its asserts, which may
    /// read outputs).
    pub fn conditions(&self) -> impl Iterator<Item = &Expr> {
        self.assumes
            .iter()
            .chain(&self.scope)
            .map(|c| &c.expr)
            .chain(self.rules.iter().map(|r| &r.when))
            .chain(self.accepted_gaps.iter().map(|a| &a.when))
    }

    pub fn input_by_name(&self, name: &str) -> Option<InputId> {
        self.inputs.position(|i| i.name == name)
    }

    pub fn output_by_name(&self, name: &str) -> Option<OutputId> {
        self.outputs.position(|o| o.name == name)
    }

    /// Whether the policy states that it does not read input `i` (`ignore`).
    pub fn is_ignored(&self, i: InputId) -> bool {
        self.ignored.iter().any(|x| x.input == i)
    }

    pub fn rule_by_name(&self, name: &str) -> Option<RuleId> {
        self.rules.position(|r| r.name == name)
    }

    /// Number of values of an input's type (bool 2, enum its variants, range hi-lo+1).
    pub fn domain_size(&self, ty: Ty) -> u64 {
        match ty {
            Ty::Bool => 2,
            Ty::Enum(e) => self.enums[e].variants.len() as u64,
            Ty::Int { lo, hi } => (hi.saturating_sub(lo) as u64).saturating_add(1),
        }
    }

    /// A type as the language writes it: `bool`, `0..=17`, `Concern`.
    pub fn ty_text(&self, ty: Ty) -> String {
        ty.text(|e| &self.enums[e].name)
    }

    /// An output's type as the language writes it: a [`Policy::ty_text`], or `set of
    /// Concern`.
    pub fn output_ty_text(&self, ty: OutputTy) -> String {
        ty.text(|e| &self.enums[e].name)
    }

    pub fn variant_name(&self, e: EnumId, v: VariantId) -> &str {
        &self.enums[e].variants[v].name
    }

    /// A value as the language writes it: `true`, `15`, `nude`, `{outcome_1, outcome_2}`.
    pub fn show_value(&self, v: &Value) -> String {
        match v {
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Enum(e, v) => self.variant_name(*e, *v).to_string(),
            Value::Set(e, vs) => {
                let names: Vec<&str> = vs.iter().map(|v| self.variant_name(*e, *v)).collect();
                format!("{{{}}}", names.join(", "))
            }
        }
    }

    /// A value as JSON facts and decisions carry it: booleans, integers, variant names
    /// as strings, sets as arrays in declaration order.
    pub fn value_json(&self, v: &Value) -> serde_json::Value {
        match v {
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Enum(e, v) => serde_json::Value::from(self.variant_name(*e, *v)),
            Value::Set(e, vs) => serde_json::Value::Array(
                vs.iter()
                    .map(|v| serde_json::Value::from(self.variant_name(*e, *v)))
                    .collect(),
            ),
        }
    }
}
