//! Expressions: types and lowering to IR in one walk.
//!
//! Every sub-expression is typed as a [`T`]; a mistake is reported once where it is
//! found and yields [`T::Err`], which every consumer accepts silently, so one unknown
//! name gives one diagnostic rather than a cascade.

use super::enums::Enums;
use super::ir::{self, CmpOp, EnumId, InputId, LinExpr, OutputId, OutputTy, Ty, Value, VariantId};
use super::sink::Sink;
use super::suggest::HelpOr;
use super::tables::{Decls, DefTy, Sym, TypeTable, Usage};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast::{self, BinOp, ExprKind, UnOp};
use crate::source::{FileId, Loc, Sources, Span};

/// Deeper expressions are refused. The parser already refuses deeper trees, and chains
/// of `and`, `or`, `+` and `-` are walked without recursion, so this only guards
/// hand-built trees.
const MAX_DEPTH: usize = crate::parse::MAX_EXPR_DEPTH + 1;

/// Where an expression is, which decides whether it may read outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExprPlace {
    Define,
    Assume,
    Scope,
    Rule,
    AcceptGap,
    Assert,
}

impl ExprPlace {
    fn describe(self) -> &'static str {
        match self {
            ExprPlace::Define => "a define",
            ExprPlace::Assume => "an `assume`",
            ExprPlace::Scope => "a `scope`",
            ExprPlace::Rule => "a rule's `when`",
            ExprPlace::AcceptGap => "an `accept gap` condition",
            ExprPlace::Assert => "an assert",
        }
    }

    /// The name for "X must be a condition".
    fn condition_of(self) -> &'static str {
        match self {
            ExprPlace::Define => "a define",
            ExprPlace::Assume => "`assume`",
            ExprPlace::Scope => "`scope`",
            ExprPlace::Rule => "`when`",
            ExprPlace::AcceptGap => "`when`",
            ExprPlace::Assert => "`always`",
        }
    }
}

/// Where an expression is: its file, for labels, and its place.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cx {
    pub file: FileId,
    pub place: ExprPlace,
}

impl Cx {
    pub(crate) fn loc(self, span: Span) -> Loc {
        Loc::new(self.file, span)
    }
}

/// What typing and lowering read and write: the declarations, the enums and the
/// types resolved so far to read; the types learnt (defines, the values outputs take),
/// which declarations are used, and diagnostics to write. One per pass over
/// expressions, borrowed from the checker's tables.
pub(crate) struct Typer<'c, 'a> {
    pub sources: &'a Sources,
    pub decls: &'c Decls<'a>,
    pub enums: &'c Enums,
    pub types: &'c mut TypeTable,
    pub usage: &'c mut Usage,
    pub sink: &'c mut Sink,
}

/// The enum a bare name is expected to be a variant of, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    Any,
    Enum(EnumId),
}

/// Something of enum type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Atom {
    Input(InputId),
    Output(OutputId),
    Variant(VariantId),
}

#[derive(Clone, Debug)]
pub(crate) enum T<'a> {
    /// Already reported.
    Err,
    Bool(ir::Expr),
    /// `input` is set when the expression is exactly one int input, for range checks.
    Int {
        lin: LinExpr,
        input: Option<InputId>,
    },
    /// An int output (asserts only).
    IntOutput(OutputId),
    Enum {
        e: EnumId,
        atom: Atom,
    },
    /// A set output (asserts only).
    SetOutput {
        output: OutputId,
        e: EnumId,
    },
    /// `{a, b}`: its elements are resolved against the enum on the other side.
    SetLit(&'a [ast::Expr]),
    /// A name that is no input, output or define: a variant, once the expected enum is
    /// known, or a mistake.
    Unresolved(&'a str),
}

/// A typed expression: where it is, and where its type came from (the declaration
/// a diagnostic can point at to say why).
#[derive(Clone, Debug)]
pub(crate) struct Typed<'a> {
    pub t: T<'a>,
    pub loc: Loc,
    pub why: Option<(Loc, String)>,
}

impl<'a> Typed<'a> {
    fn new(t: T<'a>, loc: Loc) -> Self {
        Typed { t, loc, why: None }
    }

    fn err(loc: Loc) -> Self {
        Typed::new(T::Err, loc)
    }

    fn want(&self) -> Want {
        match self.t {
            T::Enum { e, .. } => Want::Enum(e),
            _ => Want::Any,
        }
    }
}

/// Which error a non-boolean operand gets.
#[derive(Clone, Copy)]
enum BoolUse {
    Condition(ExprPlace),
    Operator(&'static str),
}

pub(crate) fn strip_parens(mut e: &ast::Expr) -> &ast::Expr {
    // Bounded by the expression's depth, which the parser limits.
    while let ExprKind::Paren(inner) = &e.kind {
        e = inner;
    }
    e
}

fn is_name(e: &ast::Expr) -> bool {
    matches!(strip_parens(e).kind, ExprKind::Name(_))
}

/// The operands of a chain of one associative operator, left to right, through
/// parentheses: `a and (b and c) and d` gives `[a, b, c, d]`. Iterative.
fn chain(e: &ast::Expr, same: impl Fn(&ExprKind) -> bool) -> Vec<&ast::Expr> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(x) = stack.pop() {
        match &x.kind {
            ExprKind::Binary(_, l, r) if same(&x.kind) => {
                stack.push(r);
                stack.push(l);
            }
            ExprKind::Paren(inner) if same(&strip_parens(inner).kind) => {
                stack.push(strip_parens(inner))
            }
            _ => out.push(x),
        }
    }
    out
}

/// The terms of a chain of `+` and `-`, with their signs, left to right. Iterative.
fn sum_terms(e: &ast::Expr) -> Vec<(i64, &ast::Expr)> {
    let is_sum = |k: &ExprKind| matches!(k, ExprKind::Binary(BinOp::Add | BinOp::Sub, _, _));
    let mut out = Vec::new();
    let mut stack = vec![(1i64, e)];
    while let Some((sign, x)) = stack.pop() {
        match &x.kind {
            ExprKind::Binary(BinOp::Add, l, r) => {
                stack.push((sign, r));
                stack.push((sign, l));
            }
            ExprKind::Binary(BinOp::Sub, l, r) => {
                stack.push((-sign, r));
                stack.push((sign, l));
            }
            ExprKind::Paren(inner) if is_sum(&strip_parens(inner).kind) => {
                stack.push((sign, strip_parens(inner)))
            }
            _ => out.push((sign, x)),
        }
    }
    out
}

/// `And`/`Or` with nested ones of the same kind flattened, trivial cases folded.
fn join(and: bool, parts: Vec<ir::Expr>) -> ir::Expr {
    let mut flat = Vec::with_capacity(parts.len());
    for p in parts {
        match p {
            ir::Expr::And(v) if and => flat.extend(v),
            ir::Expr::Or(v) if !and => flat.extend(v),
            other => flat.push(other),
        }
    }
    if flat.len() == 1 {
        if let Some(only) = flat.pop() {
            return only;
        }
    }
    if flat.is_empty() {
        return ir::Expr::Const(and);
    }
    if and {
        ir::Expr::And(flat)
    } else {
        ir::Expr::Or(flat)
    }
}

/// Negation; double negations cancel, so `not not x` does not deepen the IR.
fn not(e: ir::Expr) -> ir::Expr {
    match e {
        ir::Expr::Const(b) => ir::Expr::Const(!b),
        ir::Expr::Not(inner) => *inner,
        other => ir::Expr::Not(Box::new(other)),
    }
}

fn cmp_op(op: BinOp) -> Option<CmpOp> {
    Some(match op {
        BinOp::Eq => CmpOp::Eq,
        BinOp::Ne => CmpOp::Ne,
        BinOp::Lt => CmpOp::Lt,
        BinOp::Le => CmpOp::Le,
        BinOp::Gt => CmpOp::Gt,
        BinOp::Ge => CmpOp::Ge,
        _ => return None,
    })
}

fn cmp(lhs: LinExpr, op: CmpOp, rhs: LinExpr) -> ir::Expr {
    if lhs.terms.is_empty() && rhs.terms.is_empty() {
        return ir::Expr::Const(op.holds(lhs.constant, rhs.constant));
    }
    ir::Expr::Cmp { lhs, op, rhs }
}

fn scale(k: i64, x: &LinExpr) -> Option<LinExpr> {
    LinExpr::default().add_scaled(k, x)
}

impl<'a> Typer<'_, 'a> {
    /// A condition (`when`, `assume`, `scope`, `always`): must be `bool`.
    pub(crate) fn condition(&mut self, e: &'a ast::Expr, cx: Cx) -> ir::Expr {
        let t = self.expr(e, cx, Want::Any, 0);
        self.as_bool(t, cx, BoolUse::Condition(cx.place))
            .unwrap_or(ir::Expr::Const(true))
    }

    /// A define's body: a condition or an integer expression.
    pub(crate) fn define_body(
        &mut self,
        e: &'a ast::Expr,
        cx: Cx,
        name: &str,
    ) -> (DefTy, Option<ir::Expr>) {
        let t = self.expr(e, cx, Want::Any, 0);
        match t.t {
            T::Err => (DefTy::Err, None),
            T::Bool(x) => (DefTy::Bool, Some(x)),
            T::Int { lin, .. } => (DefTy::Int(lin), None),
            T::Unresolved(n) if self.enums.with_variant(n).is_empty() => {
                self.unknown_name(n, t.loc, cx, None);
                (DefTy::Err, None)
            }
            _ => {
                let desc = self.desc(&t);
                let mut d = Diagnostic::error(
                    Code::E0319,
                    format!("the define `{name}` is neither a condition nor an integer"),
                )
                .primary(t.loc, format!("this is {desc}"))
                .note("a define names a condition (`a and b`) or an integer expression (`a - b`)");
                if let Some(h) = self.bool_help(&t) {
                    d = d.help(h);
                }
                self.sink.error(d);
                (DefTy::Err, None)
            }
        }
    }

    /// Types and lowers one expression.
    ///
    /// The recursion is one call of this function per level of the tree, and the tree
    /// may be [`crate::parse::MAX_EXPR_DEPTH`] deep, so this function only dispatches:
    /// the work on each node happens in helpers that do not recurse, and their locals
    /// are not on the stack while the operands are typed. (A single function holding
    /// every case took 5 to 11 KiB of stack per level in debug builds.)
    pub(crate) fn expr(&mut self, e: &'a ast::Expr, cx: Cx, want: Want, depth: usize) -> Typed<'a> {
        if depth > MAX_DEPTH {
            return self.too_deep(cx.loc(e.span));
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Paren(inner) => self.paren(e, inner, cx, want, d),
            ExprKind::Unary(op, x) => self.unary(e, *op, x, cx, d),
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => self.bool_chain(e, *op, cx, d),
            ExprKind::Binary(BinOp::Add | BinOp::Sub, _, _) => self.sum(e, cx.loc(e.span), cx, d),
            ExprKind::Binary(op @ (BinOp::Implies | BinOp::Mul), l, r) => {
                self.implies_or_product(e, *op, l, r, cx, d)
            }
            ExprKind::Binary(op, l, r) => self.comparison(e, *op, l, r, cx, d),
            ExprKind::In {
                value,
                set,
                negated,
            } => self.member(e, value, set, *negated, cx, d),
            ExprKind::Contains(s, v) => self.set_contains(e, s, v, cx, d),
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Name(_)
            | ExprKind::Set(_)
            | ExprKind::Range { .. } => self.leaf(e, cx, want),
        }
    }

    // The recursive cases, one small function each (see `expr`).

    fn paren(
        &mut self,
        e: &'a ast::Expr,
        inner: &'a ast::Expr,
        cx: Cx,
        want: Want,
        d: usize,
    ) -> Typed<'a> {
        let mut t = self.expr(inner, cx, want, d);
        t.loc = cx.loc(e.span);
        t
    }

    fn unary(
        &mut self,
        e: &'a ast::Expr,
        op: UnOp,
        x: &'a ast::Expr,
        cx: Cx,
        d: usize,
    ) -> Typed<'a> {
        let t = self.expr(x, cx, Want::Any, d);
        self.unary_typed(op, t, cx.loc(e.span), cx)
    }

    fn implies_or_product(
        &mut self,
        e: &'a ast::Expr,
        op: BinOp,
        l: &'a ast::Expr,
        r: &'a ast::Expr,
        cx: Cx,
        d: usize,
    ) -> Typed<'a> {
        let lt = self.expr(l, cx, Want::Any, d);
        let rt = self.expr(r, cx, Want::Any, d);
        if op == BinOp::Implies {
            self.implies(lt, rt, cx.loc(e.span), cx)
        } else {
            self.arith(op, lt, rt, cx.loc(e.span), cx)
        }
    }

    fn comparison(
        &mut self,
        e: &'a ast::Expr,
        op: BinOp,
        l: &'a ast::Expr,
        r: &'a ast::Expr,
        cx: Cx,
        d: usize,
    ) -> Typed<'a> {
        // A bare name takes its enum from the other side, so type that side first.
        let right_first = is_name(l) && !is_name(r);
        let (first, second) = if right_first { (r, l) } else { (l, r) };
        let t1 = self.expr(first, cx, Want::Any, d);
        let t2 = self.expr(second, cx, t1.want(), d);
        // Which operands are written as a bare name: a bool output compared as one
        // must have a value (`bool_eq`); a comparison in parentheses is a condition.
        let names = (is_name(l), is_name(r));
        if right_first {
            self.compare(op, t2, t1, cx.loc(e.span), cx, names)
        } else {
            self.compare(op, t1, t2, cx.loc(e.span), cx, names)
        }
    }

    fn member(
        &mut self,
        e: &'a ast::Expr,
        value: &'a ast::Expr,
        set: &'a ast::Expr,
        negated: bool,
        cx: Cx,
        d: usize,
    ) -> Typed<'a> {
        let vt = self.expr(value, cx, Want::Any, d);
        self.membership(vt, set, negated, cx.loc(e.span), cx)
    }

    fn set_contains(
        &mut self,
        e: &'a ast::Expr,
        s: &'a ast::Expr,
        v: &'a ast::Expr,
        cx: Cx,
        d: usize,
    ) -> Typed<'a> {
        let st = self.expr(s, cx, Want::Any, d);
        let vt = match st.t {
            T::SetOutput { e, .. } => Some(self.expr(v, cx, Want::Enum(e), d)),
            _ => None,
        };
        self.contains(st, vt, cx.loc(e.span), cx)
    }

    #[inline(never)]
    fn too_deep(&mut self, loc: Loc) -> Typed<'a> {
        self.sink.error(
            Diagnostic::error(Code::E0104, "this expression is nested too deeply")
                .primary(loc, format!("more than {MAX_DEPTH} levels deep"))
                .help("name parts of the expression with `define`"),
        );
        Typed::err(loc)
    }

    #[inline(never)]
    fn leaf(&mut self, e: &'a ast::Expr, cx: Cx, want: Want) -> Typed<'a> {
        let loc = cx.loc(e.span);
        match &e.kind {
            ExprKind::Bool(b) => Typed::new(T::Bool(ir::Expr::Const(*b)), loc),
            ExprKind::Int(i) => Typed::new(
                T::Int {
                    lin: LinExpr::constant(*i),
                    input: None,
                },
                loc,
            ),
            ExprKind::Name(n) => self.name(n, loc, cx, want),
            ExprKind::Set(elems) => Typed::new(T::SetLit(elems), loc),
            ExprKind::Range { .. } => {
                self.sink.error(
                    Diagnostic::error(Code::E0307, "a range can only follow `in`")
                        .primary(loc, "a range is not a value")
                        .help("test membership: `x in LO..=HI`"),
                );
                Typed::err(loc)
            }
            _ => Typed::err(loc),
        }
    }

    #[inline(never)]
    fn unary_typed(&mut self, op: UnOp, t: Typed<'a>, loc: Loc, cx: Cx) -> Typed<'a> {
        match op {
            UnOp::Not => match self.as_bool(t, cx, BoolUse::Operator("not")) {
                Some(b) => Typed::new(T::Bool(not(b)), loc),
                None => Typed::err(loc),
            },
            UnOp::Neg => {
                let Some(lin) = self.as_int(t, cx, "-") else {
                    return Typed::err(loc);
                };
                match scale(-1, &lin) {
                    Some(lin) => Typed::new(T::Int { lin, input: None }, loc),
                    None => {
                        self.overflow(loc);
                        Typed::err(loc)
                    }
                }
            }
        }
    }

    /// `a and b and c ...` (or `or`): long chains are walked with a loop, not
    /// recursion, since the parser lets a chain grow far deeper than brackets may nest.
    fn bool_chain(&mut self, e: &'a ast::Expr, op: BinOp, cx: Cx, d: usize) -> Typed<'a> {
        let name = op.symbol();
        let mut parts = Vec::new();
        let mut ok = true;
        for leaf in chain(e, |k| matches!(k, ExprKind::Binary(o, _, _) if *o == op)) {
            let t = self.expr(leaf, cx, Want::Any, d);
            match self.as_bool(t, cx, BoolUse::Operator(name)) {
                Some(x) => parts.push(x),
                None => ok = false,
            }
        }
        let loc = cx.loc(e.span);
        if ok {
            Typed::new(T::Bool(join(op == BinOp::And, parts)), loc)
        } else {
            Typed::err(loc)
        }
    }

    #[inline(never)]
    fn implies(&mut self, lt: Typed<'a>, rt: Typed<'a>, loc: Loc, cx: Cx) -> Typed<'a> {
        let a = self.as_bool(lt, cx, BoolUse::Operator("implies"));
        let b = self.as_bool(rt, cx, BoolUse::Operator("implies"));
        match (a, b) {
            (Some(a), Some(b)) => {
                Typed::new(T::Bool(ir::Expr::Implies(Box::new(a), Box::new(b))), loc)
            }
            _ => Typed::err(loc),
        }
    }

    fn name(&mut self, n: &'a str, loc: Loc, cx: Cx, want: Want) -> Typed<'a> {
        if let Want::Enum(e) = want {
            if let Some(v) = self.enums.variant(e, n) {
                return Typed::new(
                    T::Enum {
                        e,
                        atom: Atom::Variant(v),
                    },
                    loc,
                );
            }
        }
        let Some(&(sym, decl)) = self.decls.values.get(n) else {
            return Typed::new(T::Unresolved(n), loc);
        };
        match sym {
            Sym::Input(i) => {
                Usage::mark(&mut self.usage.inputs, i);
                let Some(ty) = self.types.inputs.get(i).copied().flatten() else {
                    return Typed::err(loc);
                };
                let (_, tyloc) = self.decls.input_loc(i);
                let why = Some((
                    tyloc,
                    format!("`{n}` is declared as `{}` here", self.enums.ty_text(ty)),
                ));
                let t = match ty {
                    Ty::Bool => T::Bool(ir::Expr::Input(i)),
                    Ty::Enum(e) => T::Enum {
                        e,
                        atom: Atom::Input(i),
                    },
                    Ty::Int { .. } => T::Int {
                        lin: LinExpr::input(i),
                        input: Some(i),
                    },
                };
                Typed { t, loc, why }
            }
            Sym::Define(x) => {
                Usage::mark(&mut self.usage.defines, x);
                let (t, what) = match self.types.defines.get(x) {
                    Some(DefTy::Bool) => (T::Bool(ir::Expr::Define(x)), "a condition"),
                    Some(DefTy::Int(lin)) => (
                        T::Int {
                            lin: lin.clone(),
                            input: None,
                        },
                        "an integer",
                    ),
                    _ => return Typed::err(loc),
                };
                Typed {
                    t,
                    loc,
                    why: Some((decl, format!("`{n}` is defined here as {what}"))),
                }
            }
            Sym::Output(o) => {
                if cx.place != ExprPlace::Assert {
                    let mut d = Diagnostic::error(
                        Code::E0310,
                        format!("the output `{n}` is read in {}", cx.place.describe()),
                    )
                    .primary(loc, "outputs cannot be read here")
                    .secondary(decl, format!("`{n}` is declared as an output here"))
                    .note("rules decide outputs from inputs; only asserts may read outputs, to state what every decision satisfies");
                    d = d.help(match cx.place {
                        ExprPlace::Rule => "test the inputs that decide this output instead; a `define` can name that condition",
                        _ => "state this over inputs and defines, or move it into an `assert`",
                    });
                    self.sink.error(d);
                    return Typed::err(loc);
                }
                let Some(ty) = self.types.outputs.get(o).copied().flatten() else {
                    return Typed::err(loc);
                };
                let why = self.decls.output_loc(o).map(|(_, tyloc)| {
                    (
                        tyloc,
                        format!(
                            "`{n}` is declared as `{}` here",
                            self.enums.output_ty_text(ty)
                        ),
                    )
                });
                let t = match ty {
                    OutputTy::Single(Ty::Bool) => T::Bool(ir::Expr::OutputIs {
                        output: o,
                        values: vec![Value::Bool(true)],
                    }),
                    OutputTy::Single(Ty::Enum(e)) => T::Enum {
                        e,
                        atom: Atom::Output(o),
                    },
                    OutputTy::Single(Ty::Int { .. }) => T::IntOutput(o),
                    OutputTy::Set(e) => T::SetOutput { output: o, e },
                };
                Typed { t, loc, why }
            }
            Sym::Rule(_) | Sym::Assert(_) | Sym::Scenario(_) => {
                self.sink.error(
                    Diagnostic::error(Code::E0206, format!("`{n}` is {}, not a value", sym.a_kind()))
                        .primary(loc, format!("{} cannot be used in an expression", sym.a_kind()))
                        .secondary(decl, format!("`{n}` is declared here"))
                        .help("expressions read inputs and defines (and outputs, in asserts); to name a condition, declare a `define`"),
                );
                Typed::err(loc)
            }
        }
    }

    /// A name that is not declared: reports it with the closest name that fits. `ty` is
    /// the type the place needs, when it says (`bool` for a condition, an integer range
    /// for a comparison of numbers), for the declaration the help shows.
    pub(crate) fn unknown_name(&mut self, n: &str, loc: Loc, cx: Cx, ty: Option<&str>) {
        if self.sink.lost(n) {
            return;
        }
        let reads_outputs = cx.place == ExprPlace::Assert;
        let (decls, enums) = (self.decls, self.enums);
        let suggestion = self.sink.did_you_mean(n, loc, || {
            let mut cands = decls.names_where(|s| {
                matches!(s, Sym::Input(_) | Sym::Define(_))
                    || (reads_outputs && matches!(s, Sym::Output(_)))
            });
            cands.extend(enums.all_variant_names());
            cands
        });
        let kinds = if reads_outputs {
            "input, output or define"
        } else {
            "input or define"
        };
        self.sink.error(
            Diagnostic::error(Code::E0203, format!("cannot find `{n}`"))
                .primary(loc, format!("no {kinds} has this name"))
                .help_or(suggestion, || match ty {
                    Some(ty) => format!(
                        "declare it (`input {n}: {ty}`), or `use` the file that declares it"
                    ),
                    None => format!(
                        "declare it (`input {n}: TYPE` or `define {n} = ...`), or `use` the file that declares it"
                    ),
                }),
        );
    }

    /// A name that should be a variant of `e` but is not.
    pub(crate) fn unknown_variant(&mut self, n: &str, loc: Loc, e: EnumId) {
        let en = self.enums.name(e).to_string();
        let list = self.enums.variant_list(e);
        let suggestion = self
            .sink
            .did_you_mean(n, loc, || self.enums.variant_names(e))
            .or_else(|| {
                // Too far for a misspelling, but a variant is this name lengthened
                // (`sexual` for `sexual_act`): the one such variant, if there is one.
                let lower = n.to_lowercase();
                let mut longer = self
                    .enums
                    .variant_names(e)
                    .filter(|v| lower.len() >= 3 && v.to_lowercase().starts_with(&lower));
                match (longer.next(), longer.next()) {
                    (Some(v), None) => Some(super::suggest::Suggestion {
                        at: loc,
                        name: v.to_string(),
                    }),
                    _ => None,
                }
            });
        // A vocabulary's enums are the interface of every policy that uses it: a policy
        // does not add to them.
        let here = self.decls.enum_loc(e).is_some_and(|l| l.file == loc.file);
        let mut d = Diagnostic::error(Code::E0205, format!("`{n}` is not a variant of `{en}`"))
            .primary(loc, format!("expected a variant of `{en}`"));
        if let Some(decl) = self.decls.enum_loc(e) {
            d = d.secondary(decl, format!("`{en}` is declared here"));
        }
        d = d.note(format!("the variants of `{en}` are {list}"));
        if let Some(&(sym, _)) = self.decls.values.get(n) {
            d = d.note(format!("`{n}` is {}, not a value of `{en}`", sym.a_kind()));
        } else {
            let others = self.enums.with_variant(n);
            if let Some(&other) = others.first() {
                d = d.note(format!(
                    "`{n}` is a variant of `{}`",
                    self.enums.name(other)
                ));
            }
        }
        self.sink.error(d.help_or(suggestion, || {
            if here {
                format!("use one of the variants of `{en}`, or add `{n}` to it")
            } else {
                format!("use one of the variants of `{en}` (it is declared in a file this one uses, shared with other policies: a value it lacks is a change to that file, not to this policy)")
            }
        }));
    }

    /// How a typed expression reads in a message: `` `bool` ``, `an integer`, ...
    pub(crate) fn desc(&self, t: &Typed) -> String {
        match &t.t {
            T::Err => "an erroneous expression".into(),
            T::Bool(_) => "a condition (`bool`)".into(),
            T::Int { .. } | T::IntOutput(_) => "an integer".into(),
            T::Enum {
                e,
                atom: Atom::Variant(v),
            } => {
                format!(
                    "the variant `{}` of `{}`",
                    self.enums.variant_name(*e, *v),
                    self.enums.name(*e)
                )
            }
            T::Enum { e, .. } => format!("a `{}`", self.enums.name(*e)),
            T::SetOutput { e, .. } => format!("a `set of {}`", self.enums.name(*e)),
            T::SetLit(_) => "a set".into(),
            T::Unresolved(n) => match self.enums.with_variant(n).first() {
                Some(&e) => format!("the variant `{n}` of `{}`", self.enums.name(e)),
                None => format!("`{n}`"),
            },
        }
    }

    /// The type a comparison with `t` expects on the other side.
    fn expected(&self, t: &Typed) -> String {
        match &t.t {
            T::Bool(_) => "`bool`".into(),
            T::Int { .. } | T::IntOutput(_) => "an integer".into(),
            T::Enum { e, .. } => format!("a `{}`", self.enums.name(*e)),
            T::SetOutput { e, .. } => format!("a set of `{}`", self.enums.name(*e)),
            _ => "a value of the same type".into(),
        }
    }

    /// Advice for a non-boolean where a condition is needed.
    fn bool_help(&self, t: &Typed) -> Option<String> {
        let src = self.sources.slice(t.loc).to_string();
        Some(match &t.t {
            T::Int { .. } | T::IntOutput(_) => {
                format!("compare the integer with something, such as `{src} >= 16`")
            }
            T::Enum {
                e,
                atom: Atom::Variant(v),
            } => {
                let var = self.enums.variant_name(*e, *v);
                match self.input_of_enum(*e) {
                    Some(i) => format!("compare an input with it: `{i} == {var}`"),
                    None => format!("compare a `{}` input with it", self.enums.name(*e)),
                }
            }
            T::Enum { e, .. } => {
                let first = self.enums.first_variant(*e).unwrap_or("a");
                format!("compare it with a variant, such as `{src} == {first}`")
            }
            T::SetOutput { e, .. } => {
                let first = self.enums.first_variant(*e).unwrap_or("a");
                format!("test a member: `{src} contains {first}`")
            }
            T::Unresolved(n) => {
                let e = *self.enums.with_variant(n).first()?;
                match self.input_of_enum(e) {
                    Some(i) => format!("compare an input with it: `{i} == {n}`"),
                    None => format!("compare a `{}` input with it", self.enums.name(e)),
                }
            }
            _ => return None,
        })
    }

    /// The first input whose type is this enum, for examples in help messages.
    fn input_of_enum(&self, e: EnumId) -> Option<&str> {
        self.types
            .inputs
            .entries()
            .find(|(_, t)| **t == Some(Ty::Enum(e)))
            .map(|(i, _)| self.decls.inputs[i].decl.name.name.as_str())
    }

    fn with_why(&self, mut d: Diagnostic, ts: &[&Typed]) -> Diagnostic {
        for t in ts {
            if let Some((loc, msg)) = &t.why {
                if d.labels
                    .iter()
                    .all(|l| !(l.file == loc.file && l.span == loc.span))
                {
                    d = d.secondary(*loc, msg.clone());
                }
            }
        }
        d
    }

    fn as_bool(&mut self, t: Typed<'a>, cx: Cx, usage: BoolUse) -> Option<ir::Expr> {
        match t.t {
            T::Err => None,
            T::Bool(e) => Some(e),
            T::Unresolved(n) if self.enums.with_variant(n).is_empty() => {
                self.unknown_name(n, t.loc, cx, Some("bool"));
                None
            }
            _ => {
                let desc = self.desc(&t);
                let d = match usage {
                    BoolUse::Condition(place) => Diagnostic::error(
                        Code::E0309,
                        format!("{} needs a condition, found {desc}", place.condition_of()),
                    ),
                    BoolUse::Operator(op) => Diagnostic::error(
                        Code::E0302,
                        format!("`{op}` needs a condition, found {desc}"),
                    ),
                }
                .primary(t.loc, "expected `bool`")
                .note("there is no implicit conversion to `bool`");
                let mut d = self.with_why(d, &[&t]);
                if let Some(h) = self.bool_help(&t) {
                    d = d.help(h);
                }
                self.sink.error(d);
                None
            }
        }
    }

    fn as_int(&mut self, t: Typed<'a>, cx: Cx, op: &str) -> Option<LinExpr> {
        match t.t {
            T::Err => None,
            T::Int { lin, .. } => Some(lin),
            T::Unresolved(n) if self.enums.with_variant(n).is_empty() => {
                self.unknown_name(n, t.loc, cx, Some("0..=99"));
                None
            }
            T::IntOutput(_) => {
                let d = Diagnostic::error(
                    Code::E0303,
                    format!("`{op}` cannot be applied to an output"),
                )
                .primary(t.loc, "arithmetic is over inputs only")
                .help("compare the output with a value instead, such as `score >= 3`");
                let d = self.with_why(d, &[&t]);
                self.sink.error(d);
                None
            }
            _ => {
                let desc = self.desc(&t);
                let d = Diagnostic::error(Code::E0303, format!("`{op}` needs integers, found {desc}"))
                    .primary(t.loc, "expected an integer")
                    .note("arithmetic applies to integer inputs and integer defines; booleans and enums have no numeric value");
                let d = self.with_why(d, &[&t]);
                self.sink.error(d);
                None
            }
        }
    }

    fn overflow(&mut self, loc: Loc) {
        self.sink.error(
            Diagnostic::error(Code::E0311, "integer overflow")
                .primary(loc, "this value does not fit in a 64-bit integer")
                .note("constants are folded when the policy is checked, with 64-bit integers")
                .help("use smaller numbers"),
        );
    }

    /// `a + b - c ...`: every term an integer, accumulated with overflow checks.
    fn sum(&mut self, e: &'a ast::Expr, loc: Loc, cx: Cx, d: usize) -> Typed<'a> {
        let mut acc = Some(LinExpr::default());
        let mut ok = true;
        let op = match e.kind {
            ExprKind::Binary(BinOp::Sub, _, _) => "-",
            _ => "+",
        };
        for (sign, term) in sum_terms(e) {
            let t = self.expr(term, cx, Want::Any, d);
            match self.as_int(t, cx, op) {
                Some(lin) => acc = acc.and_then(|a| a.add_scaled(sign, &lin)),
                None => ok = false,
            }
        }
        if !ok {
            return Typed::err(loc);
        }
        match acc {
            Some(lin) => Typed::new(T::Int { lin, input: None }, loc),
            None => {
                self.overflow(loc);
                Typed::err(loc)
            }
        }
    }

    #[inline(never)]
    fn arith(&mut self, op: BinOp, lt: Typed<'a>, rt: Typed<'a>, loc: Loc, cx: Cx) -> Typed<'a> {
        let a = self.as_int(lt, cx, op.symbol());
        let b = self.as_int(rt, cx, op.symbol());
        let (Some(a), Some(b)) = (a, b) else {
            return Typed::err(loc);
        };
        let result = match op {
            BinOp::Add => a.add_scaled(1, &b),
            BinOp::Sub => a.add_scaled(-1, &b),
            _ => {
                if a.terms.is_empty() {
                    scale(a.constant, &b)
                } else if b.terms.is_empty() {
                    scale(b.constant, &a)
                } else {
                    self.sink.error(
                        Diagnostic::error(Code::E0304, "a product of two inputs is not linear")
                            .primary(loc, "both sides of `*` depend on inputs")
                            .note("policies use linear integer arithmetic, so that every analysis stays exact")
                            .help("multiply by a constant, such as `2 * oldest_age`"),
                    );
                    return Typed::err(loc);
                }
            }
        };
        match result {
            Some(lin) => Typed::new(T::Int { lin, input: None }, loc),
            None => {
                self.overflow(loc);
                Typed::err(loc)
            }
        }
    }

    /// Resolves a bare name against the enum on the other side of a comparison.
    fn settle(&mut self, t: Typed<'a>, other: &Typed<'a>) -> Typed<'a> {
        match (&t.t, &other.t) {
            (T::Unresolved(n), T::Enum { e, .. }) => match self.enums.variant(*e, n) {
                Some(v) => Typed::new(
                    T::Enum {
                        e: *e,
                        atom: Atom::Variant(v),
                    },
                    t.loc,
                ),
                None => {
                    self.unknown_variant(n, t.loc, *e);
                    Typed::err(t.loc)
                }
            },
            _ => t,
        }
    }

    /// Reports a name that is neither declared nor a variant of any enum.
    fn report_if_unknown(&mut self, t: &Typed, cx: Cx) -> bool {
        self.report_if_unknown_as(t, cx, None)
    }

    /// [`Self::report_if_unknown`], with the type the place needs (`ty`) for the help.
    fn report_if_unknown_as(&mut self, t: &Typed, cx: Cx, ty: Option<&str>) -> bool {
        if let T::Unresolved(n) = t.t {
            if self.enums.with_variant(n).is_empty() {
                self.unknown_name(n, t.loc, cx, ty);
                return true;
            }
        }
        false
    }

    /// Reports the unknown names among the two sides of a comparison, each declared in
    /// the help with the other side's type (an ordering compares numbers).
    fn report_unknown_sides(&mut self, lt: &Typed, rt: &Typed, cx: Cx, ordered: bool) -> bool {
        let l = self.type_beside(rt, ordered);
        let r = self.type_beside(lt, ordered);
        self.report_if_unknown_as(lt, cx, l.as_deref())
            | self.report_if_unknown_as(rt, cx, r.as_deref())
    }

    /// The type a name compared with `other` would have, in the language's words.
    fn type_beside(&self, other: &Typed, ordered: bool) -> Option<String> {
        match other.t {
            T::Bool(_) => Some("bool".into()),
            T::Enum { e, .. } => Some(self.enums.name(e).to_string()),
            T::Int { .. } | T::IntOutput(_) => Some("0..=99".into()),
            _ if ordered => Some("0..=99".into()),
            _ => None,
        }
    }

    #[inline(never)]
    fn compare(
        &mut self,
        op: BinOp,
        lt: Typed<'a>,
        rt: Typed<'a>,
        loc: Loc,
        cx: Cx,
        names: (bool, bool),
    ) -> Typed<'a> {
        let Some(cop) = cmp_op(op) else {
            return Typed::err(loc);
        };
        let lt = self.settle(lt, &rt);
        let rt = self.settle(rt, &lt);
        let eq_only = matches!(cop, CmpOp::Eq | CmpOp::Ne);
        let result = match (&lt.t, &rt.t) {
            (T::Err, _) | (_, T::Err) => {
                self.report_if_unknown(&lt, cx);
                self.report_if_unknown(&rt, cx);
                None
            }
            (T::Bool(a), T::Bool(b)) => {
                if eq_only {
                    Some(self.bool_eq((a, names.0), (b, names.1), cop == CmpOp::Ne))
                } else {
                    self.unordered(op, &lt, &rt, "booleans have no order");
                    None
                }
            }
            (T::Int { lin: a, input: ia }, T::Int { lin: b, input: ib }) => {
                if let (Some(i), true) = (ia, b.terms.is_empty()) {
                    self.check_input_range(*i, b.constant, rt.loc, &lt);
                }
                if let (Some(i), true) = (ib, a.terms.is_empty()) {
                    self.check_input_range(*i, a.constant, lt.loc, &rt);
                }
                Some(cmp(a.clone(), cop, b.clone()))
            }
            (T::IntOutput(o), T::Int { lin, .. }) => Some(self.output_cmp(*o, cop, lin, &lt, &rt)),
            (T::Int { lin, .. }, T::IntOutput(o)) => {
                Some(self.output_cmp(*o, cop.mirrored(), lin, &rt, &lt))
            }
            (T::IntOutput(a), T::IntOutput(b)) => Some(self.outputs_cmp(*a, cop, *b)),
            (T::Enum { e: e1, atom: a }, T::Enum { e: e2, atom: b }) if e1 == e2 => {
                if eq_only {
                    Some(if cop == CmpOp::Ne {
                        self.enum_ne(*e1, *a, *b)
                    } else {
                        self.enum_eq(*e1, *a, *b)
                    })
                } else {
                    self.unordered(op, &lt, &rt, "enum variants have no order");
                    None
                }
            }
            (T::SetOutput { output, e }, T::SetLit(elems))
            | (T::SetLit(elems), T::SetOutput { output, e }) => {
                if eq_only {
                    let (output, e) = (*output, *e);
                    self.variants_of_set(elems, e, cx).map(|vars| {
                        let all = self
                            .enums
                            .variant_ids(e)
                            .map(|w| {
                                let has = ir::Expr::SetContains { output, variant: w };
                                if vars.binary_search(&w).is_ok() {
                                    has
                                } else {
                                    not(has)
                                }
                            })
                            .collect();
                        let x = join(true, all);
                        if cop == CmpOp::Ne {
                            not(x)
                        } else {
                            x
                        }
                    })
                } else {
                    self.unordered(op, &lt, &rt, "sets have no order");
                    None
                }
            }
            (T::Unresolved(a), T::Unresolved(b)) => {
                let common = self
                    .enums
                    .with_variant(a)
                    .iter()
                    .find(|&&e| self.enums.variant(e, b).is_some());
                match common {
                    Some(_) if eq_only => Some(ir::Expr::Const((a == b) == (cop == CmpOp::Eq))),
                    _ => {
                        let reported =
                            self.report_if_unknown(&lt, cx) | self.report_if_unknown(&rt, cx);
                        if !reported {
                            self.mismatch(&lt, &rt);
                        }
                        None
                    }
                }
            }
            _ => {
                let reported = self.report_unknown_sides(&lt, &rt, cx, !eq_only);
                if !reported {
                    self.mismatch(&lt, &rt);
                }
                None
            }
        };
        match result {
            Some(x) => Typed::new(T::Bool(x), loc),
            None => Typed::err(loc),
        }
    }

    fn unordered(&mut self, op: BinOp, lt: &Typed, rt: &Typed, why: &str) {
        let desc = self.desc(lt);
        let d = Diagnostic::error(
            Code::E0305,
            format!("`{}` needs integers, found {desc}", op.symbol()),
        )
        .primary(lt.loc.to_span(rt.loc), why.to_string())
        .help(match lt.t {
            T::Enum { .. } => {
                "use `==` or `!=`; to accept several variants, list them: `x in {a, b}`"
            }
            _ => "use `==` or `!=`",
        });
        let d = self.with_why(d, &[lt, rt]);
        self.sink.error(d);
    }

    fn mismatch(&mut self, lt: &Typed, rt: &Typed) {
        let (ld, rd) = (self.desc(lt), self.desc(rt));
        let d = Diagnostic::error(
            Code::E0301,
            format!("mismatched types: {ld} compared with {rd}"),
        )
        .primary(
            rt.loc,
            format!("expected {}, found {rd}", self.expected(lt)),
        )
        .secondary(lt.loc, format!("this is {ld}"));
        let mut d = self.with_why(d, &[lt, rt]);
        let is_bool = |t: &Typed| matches!(t.t, T::Bool(_));
        let is_int = |t: &Typed| matches!(t.t, T::Int { .. } | T::IntOutput(_));
        let help = if (is_bool(lt) && is_int(rt)) || (is_int(lt) && is_bool(rt)) {
            let b = if is_bool(lt) { lt } else { rt };
            let src = self.sources.slice(b.loc);
            Some(format!(
                "there is no implicit conversion between `bool` and integers: write `{src}` or `not {src}`"
            ))
        } else if let T::Enum {
            e,
            atom: Atom::Input(_) | Atom::Output(_),
        } = lt.t
        {
            Some(format!(
                "compare with a variant of `{}`: {}",
                self.enums.name(e),
                self.enums.variant_list(e)
            ))
        } else {
            None
        };
        if let Some(h) = help {
            d = d.help(h);
        }
        self.sink.error(d);
    }

    /// An integer literal compared with an int input must lie in the input's range.
    fn check_input_range(&mut self, i: InputId, value: i64, at: Loc, input: &Typed) {
        let Some(Some(Ty::Int { lo, hi })) = self.types.inputs.get(i).copied() else {
            return;
        };
        let name = self.decls.inputs[i].decl.name.name.clone();
        self.check_range(&name, "input", lo, hi, value, at, input);
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_range(
        &mut self,
        name: &str,
        what: &str,
        lo: i64,
        hi: i64,
        value: i64,
        at: Loc,
        decl: &Typed,
    ) -> bool {
        if (lo..=hi).contains(&value) {
            return true;
        }
        let mut d = Diagnostic::error(
            Code::E0312,
            format!("`{value}` is outside the range of `{name}`"),
        )
        .primary(at, format!("`{name}` is between {lo} and {hi}"));
        if let Some((loc, _)) = &decl.why {
            d = d.secondary(
                *loc,
                format!("the {what} `{name}` is declared with the range `{lo}..={hi}` here"),
            );
        }
        self.sink.error(d
            .note("a comparison with a value outside the range is always true or always false, which is almost always a mistake")
            .help(range_help(
                lo,
                hi,
                name,
                decl.why.as_ref().is_some_and(|(l, _)| l.file != at.file),
            )));
        false
    }

    /// `output op lin` for an int output: the output is one of the values rules give it.
    fn output_cmp(
        &mut self,
        o: OutputId,
        op: CmpOp,
        lin: &LinExpr,
        ot: &Typed,
        lt: &Typed,
    ) -> ir::Expr {
        let vals: Vec<i64> = self
            .types
            .output_values
            .get(o)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        if lin.terms.is_empty() {
            if let Some(Some(OutputTy::Single(Ty::Int { lo, hi }))) =
                self.types.outputs.get(o).copied()
            {
                let name = self.decls.output_name(o).to_string();
                self.check_range(&name, "output", lo, hi, lin.constant, lt.loc, ot);
            }
            let values = vals
                .into_iter()
                .filter(|&v| op.holds(v, lin.constant))
                .map(Value::Int)
                .collect();
            return ir::Expr::OutputIs { output: o, values };
        }
        let parts = vals
            .into_iter()
            .map(|v| {
                join(
                    true,
                    vec![
                        ir::Expr::OutputIs {
                            output: o,
                            values: vec![Value::Int(v)],
                        },
                        cmp(LinExpr::constant(v), op, lin.clone()),
                    ],
                )
            })
            .collect();
        join(false, parts)
    }

    fn outputs_cmp(&mut self, a: OutputId, op: CmpOp, b: OutputId) -> ir::Expr {
        let get = |o: OutputId| -> Vec<i64> {
            self.types
                .output_values
                .get(o)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default()
        };
        let (va, vb) = (get(a), get(b));
        let parts = va
            .iter()
            .filter_map(|&x| {
                let ys: Vec<Value> = vb
                    .iter()
                    .filter(|&&y| op.holds(x, y))
                    .map(|&y| Value::Int(y))
                    .collect();
                (!ys.is_empty()).then(|| {
                    join(
                        true,
                        vec![
                            ir::Expr::OutputIs {
                                output: a,
                                values: vec![Value::Int(x)],
                            },
                            ir::Expr::OutputIs {
                                output: b,
                                values: ys,
                            },
                        ],
                    )
                })
            })
            .collect();
        join(false, parts)
    }

    /// `atom in {variants}`.
    fn atom_in(&self, e: EnumId, atom: Atom, variants: Vec<VariantId>) -> ir::Expr {
        match atom {
            Atom::Input(input) => ir::Expr::EnumIn { input, variants },
            Atom::Output(output) => ir::Expr::OutputIs {
                output,
                values: variants.into_iter().map(|v| Value::Enum(e, v)).collect(),
            },
            Atom::Variant(v) => ir::Expr::Const(variants.contains(&v)),
        }
    }

    fn enum_eq(&self, e: EnumId, a: Atom, b: Atom) -> ir::Expr {
        match (a, b) {
            (Atom::Input(x), Atom::Input(y)) if x == y => ir::Expr::Const(true),
            (Atom::Input(x), Atom::Input(y)) => ir::Expr::EnumEq(x, y),
            (atom, Atom::Variant(v)) | (Atom::Variant(v), atom) => self.atom_in(e, atom, vec![v]),
            // An output on either side: they are equal when both have one same variant.
            (x, y) => join(
                false,
                self.enums
                    .variant_ids(e)
                    .map(|v| {
                        join(
                            true,
                            vec![self.atom_in(e, x, vec![v]), self.atom_in(e, y, vec![v])],
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// `a != b` over enum `e`. Where an output is compared, both `==` and `!=` say it
    /// has a value (docs/analysis.md: an atom on an output is false where it has no
    /// single value), so `!=` is not the negation of `==` there: it is the output
    /// having another value.
    fn enum_ne(&self, e: EnumId, a: Atom, b: Atom) -> ir::Expr {
        let output = |x: &Atom| matches!(x, Atom::Output(_));
        if !output(&a) && !output(&b) {
            return not(self.enum_eq(e, a, b));
        }
        let others = |v: VariantId| {
            self.enums
                .variant_ids(e)
                .filter(|&w| w != v)
                .collect::<Vec<_>>()
        };
        match (a, b) {
            (atom, Atom::Variant(v)) | (Atom::Variant(v), atom) => self.atom_in(e, atom, others(v)),
            (x, y) => join(
                false,
                self.enums
                    .variant_ids(e)
                    .map(|v| {
                        join(
                            true,
                            vec![self.atom_in(e, x, vec![v]), self.atom_in(e, y, others(v))],
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// `a == b` (or `a != b` when `ne`) over booleans. A bool output read as a condition
    /// is true where it is `true` and false where it is `false` or has no value; compared
    /// with `==` or `!=` it must have a value, as every output atom does: `o == false`
    /// is the output being `false`, not `not o` (which also holds on a gap).
    fn bool_eq(
        &self,
        (a, a_name): (&ir::Expr, bool),
        (b, b_name): (&ir::Expr, bool),
        ne: bool,
    ) -> ir::Expr {
        // Where each side holds, and where it fails. Only an output written as a bare
        // name is read as the output; `(o == true)` is a condition like any other.
        let sides = |x: &ir::Expr, name: bool| -> (ir::Expr, ir::Expr) {
            match x {
                ir::Expr::OutputIs { output, values }
                    if name
                        && values.as_slice() == [Value::Bool(true)]
                        && matches!(
                            self.types.outputs.get(*output).copied().flatten(),
                            Some(OutputTy::Single(Ty::Bool))
                        ) =>
                {
                    let fails = ir::Expr::OutputIs {
                        output: *output,
                        values: vec![Value::Bool(false)],
                    };
                    (x.clone(), fails)
                }
                other => (other.clone(), not(other.clone())),
            }
        };
        let ((h1, f1), (h2, f2)) = (sides(a, a_name), sides(b, b_name));
        // A bool output atom is the one side whose failing is not its negation.
        let output = |x: &ir::Expr, fails: &ir::Expr| *fails != not(x.clone());
        if !output(a, &f1) && !output(b, &f2) {
            // No output compared: `==` is `iff`, `!=` its negation.
            let iff = match (a, b) {
                (ir::Expr::Const(x), ir::Expr::Const(y)) => ir::Expr::Const(x == y),
                (x, ir::Expr::Const(true)) | (ir::Expr::Const(true), x) => x.clone(),
                (x, ir::Expr::Const(false)) | (ir::Expr::Const(false), x) => not(x.clone()),
                (x, y) => ir::Expr::Iff(Box::new(x.clone()), Box::new(y.clone())),
            };
            return if ne { not(iff) } else { iff };
        }
        match (a, b) {
            (ir::Expr::Const(x), ir::Expr::Const(y)) => ir::Expr::Const((x == y) != ne),
            (_, ir::Expr::Const(c)) => {
                if *c != ne {
                    h1
                } else {
                    f1
                }
            }
            (ir::Expr::Const(c), _) => {
                if *c != ne {
                    h2
                } else {
                    f2
                }
            }
            _ if !ne => join(
                false,
                vec![join(true, vec![h1, h2]), join(true, vec![f1, f2])],
            ),
            _ => join(
                false,
                vec![join(true, vec![h1, f2]), join(true, vec![f1, h2])],
            ),
        }
    }

    /// The elements of `{a, b}` as variants of `e`, sorted and without repeats.
    pub(crate) fn variants_of_set(
        &mut self,
        elems: &'a [ast::Expr],
        e: EnumId,
        cx: Cx,
    ) -> Option<Vec<VariantId>> {
        let mut vars = Vec::with_capacity(elems.len());
        let mut ok = true;
        for el in elems {
            let inner = strip_parens(el);
            let loc = cx.loc(el.span);
            match &inner.kind {
                ExprKind::Name(n) => match self.enums.variant(e, n) {
                    Some(v) => vars.push(v),
                    None => {
                        self.unknown_variant(n, loc, e);
                        ok = false;
                    }
                },
                _ => {
                    let en = self.enums.name(e).to_string();
                    let found = match inner.kind {
                        ExprKind::Int(_) | ExprKind::Unary(UnOp::Neg, _) => "an integer",
                        ExprKind::Bool(_) => "a boolean",
                        ExprKind::Set(_) => "a set",
                        _ => "an expression",
                    };
                    let d = Diagnostic::error(
                        Code::E0301,
                        format!("expected a variant of `{en}`, found {found}"),
                    )
                    .primary(loc, format!("expected a variant of `{en}`"));
                    let d = match self.decls.enum_loc(e) {
                        Some(l) => d.secondary(l, format!("`{en}` is declared here")),
                        None => d,
                    };
                    let list = self.enums.variant_list(e);
                    self.sink
                        .error(d.help(format!("list variants of `{en}`: {list}")));
                    ok = false;
                }
            }
        }
        vars.sort_unstable();
        vars.dedup();
        ok.then_some(vars)
    }

    /// `value in set` (`not in` when `negated`), the value already typed.
    #[inline(never)]
    fn membership(
        &mut self,
        vt: Typed<'a>,
        set: &'a ast::Expr,
        negated: bool,
        loc: Loc,
        cx: Cx,
    ) -> Typed<'a> {
        let t = self.membership_test(vt, set, loc, cx);
        match (t.t, negated) {
            // An output `not in` some values has another value, as with `!=`: false
            // where it has none.
            (T::Bool(x), true) => {
                let other = self.output_other(&x).unwrap_or_else(|| not(x));
                Typed::new(T::Bool(other), loc)
            }
            (t, _) => Typed::new(t, loc),
        }
    }

    /// For `output is one of these values`, the output having one of its other values;
    /// `None` for any other condition.
    fn output_other(&self, x: &ir::Expr) -> Option<ir::Expr> {
        let ir::Expr::OutputIs { output, values } = x else {
            return None;
        };
        let domain: Vec<Value> = match self.types.outputs.get(*output).copied().flatten()? {
            OutputTy::Single(Ty::Bool) => vec![Value::Bool(false), Value::Bool(true)],
            OutputTy::Single(Ty::Enum(e)) => self
                .enums
                .variant_ids(e)
                .map(|v| Value::Enum(e, v))
                .collect(),
            OutputTy::Single(Ty::Int { .. }) => self
                .types
                .output_values
                .get(*output)
                .map(|vs| vs.iter().map(|&v| Value::Int(v)).collect())
                .unwrap_or_default(),
            OutputTy::Set(_) => return None,
        };
        Some(ir::Expr::OutputIs {
            output: *output,
            values: domain.into_iter().filter(|v| !values.contains(v)).collect(),
        })
    }

    fn membership_test(
        &mut self,
        vt: Typed<'a>,
        set: &'a ast::Expr,
        loc: Loc,
        cx: Cx,
    ) -> Typed<'a> {
        let set_loc = cx.loc(set.span);
        match &strip_parens(set).kind {
            ExprKind::Set(elems) => match vt.t {
                T::Err => Typed::err(loc),
                T::Enum { e, atom } => match self.variants_of_set(elems, e, cx) {
                    Some(vars) => Typed::new(T::Bool(self.atom_in(e, atom, vars)), loc),
                    None => Typed::err(loc),
                },
                _ => {
                    if !self.report_if_unknown(&vt, cx) {
                        let desc = self.desc(&vt);
                        let help = match vt.t {
                                T::Int { .. } | T::IntOutput(_) => "for integers, use a range: `x in 13..=15`",
                                T::Bool(_) => "for a condition, write it alone or with `not`",
                                T::SetOutput { .. } => "to test whether a set output holds a value, write `outputs contains value`",
                                _ => "`in {..}` tests an enum input against some of its variants",
                            };
                        let d = Diagnostic::error(
                            Code::E0306,
                            format!("`in {{..}}` needs an enum value, found {desc}"),
                        )
                        .primary(vt.loc, "expected a value of an enum")
                        .secondary(set_loc, "a set of variants");
                        let d = self.with_why(d, &[&vt]);
                        self.sink.error(d.help(help));
                    }
                    Typed::err(loc)
                }
            },
            ExprKind::Range { lo, hi } => {
                let (lo, hi) = (lo.value, hi.value);
                let empty = lo > hi;
                if empty {
                    self.sink.error(
                        Diagnostic::error(Code::E0313, format!("the range `{lo}..={hi}` is empty"))
                            .primary(set_loc, "the lower bound is greater than the upper bound")
                            .help(format!("write the smaller bound first: `{hi}..={lo}`")),
                    );
                }
                let (lo_loc, hi_loc) = match &strip_parens(set).kind {
                    ExprKind::Range { lo, hi } => (cx.loc(lo.span), cx.loc(hi.span)),
                    _ => (set_loc, set_loc),
                };
                match &vt.t {
                    T::Err => Typed::err(loc),
                    T::Int { lin, input } => {
                        if let Some(i) = input {
                            self.check_input_range(*i, lo, lo_loc, &vt);
                            self.check_input_range(*i, hi, hi_loc, &vt);
                        }
                        if empty {
                            return Typed::err(loc);
                        }
                        let x = join(
                            true,
                            vec![
                                cmp(lin.clone(), CmpOp::Ge, LinExpr::constant(lo)),
                                cmp(lin.clone(), CmpOp::Le, LinExpr::constant(hi)),
                            ],
                        );
                        Typed::new(T::Bool(x), loc)
                    }
                    T::IntOutput(o) => {
                        if let Some(Some(OutputTy::Single(Ty::Int { lo: olo, hi: ohi }))) =
                            self.types.outputs.get(*o).copied()
                        {
                            let name = self.decls.output_name(*o).to_string();
                            self.check_range(&name, "output", olo, ohi, lo, lo_loc, &vt);
                            self.check_range(&name, "output", olo, ohi, hi, hi_loc, &vt);
                        }
                        if empty {
                            return Typed::err(loc);
                        }
                        let values = self
                            .types
                            .output_values
                            .get(*o)
                            .map(|s| s.range(lo..=hi).copied().map(Value::Int).collect())
                            .unwrap_or_default();
                        Typed::new(T::Bool(ir::Expr::OutputIs { output: *o, values }), loc)
                    }
                    _ => {
                        if !self.report_if_unknown(&vt, cx) {
                            let desc = self.desc(&vt);
                            let d = Diagnostic::error(
                                Code::E0307,
                                format!("`in LO..=HI` needs an integer, found {desc}"),
                            )
                            .primary(vt.loc, "expected an integer")
                            .secondary(set_loc, "an integer range");
                            let d = self.with_why(d, &[&vt]);
                            self.sink
                                .error(d.help("for an enum, list the variants: `x in {a, b}`"));
                        }
                        Typed::err(loc)
                    }
                }
            }
            _ => {
                self.report_if_unknown(&vt, cx);
                let mut dg =
                    Diagnostic::error(Code::E0306, "`in` needs a set of variants or a range")
                        .primary(set_loc, "expected `{a, b}` or `LO..=HI`");
                let names_set_output = matches!(
                    &strip_parens(set).kind,
                    ExprKind::Name(n) if matches!(self.decls.values.get(n.as_str()), Some((Sym::Output(o), _))
                        if matches!(self.types.outputs.get(*o), Some(Some(OutputTy::Set(_)))))
                );
                dg = dg.help(if names_set_output {
                    "to test whether a set output holds a value, write `outputs contains value`"
                } else {
                    "write the variants in braces, `x in {a, b}`, or a range, `x in 13..=15`"
                });
                self.sink.error(dg);
                Typed::err(loc)
            }
        }
    }

    /// `s contains v`; `vt` is the typed `v` when `s` is a set output.
    #[inline(never)]
    fn contains(&mut self, st: Typed<'a>, vt: Option<Typed<'a>>, loc: Loc, cx: Cx) -> Typed<'a> {
        match st.t {
            T::SetOutput { output, e } => {
                let Some(vt) = vt else {
                    return Typed::err(loc);
                };
                match vt.t {
                    T::Err => Typed::err(loc),
                    T::Enum { e: e2, atom } if e2 == e => {
                        let x = match atom {
                            Atom::Variant(w) => ir::Expr::SetContains { output, variant: w },
                            atom => join(
                                false,
                                self.enums
                                    .variant_ids(e)
                                    .map(|w| {
                                        join(
                                            true,
                                            vec![
                                                self.atom_in(e, atom, vec![w]),
                                                ir::Expr::SetContains { output, variant: w },
                                            ],
                                        )
                                    })
                                    .collect(),
                            ),
                        };
                        Typed::new(T::Bool(x), loc)
                    }
                    T::Unresolved(n) => {
                        self.unknown_variant(n, vt.loc, e);
                        Typed::err(loc)
                    }
                    _ => {
                        self.mismatch(&st, &vt);
                        Typed::err(loc)
                    }
                }
            }
            T::Err => Typed::err(loc),
            _ => {
                if !self.report_if_unknown(&st, cx) {
                    let desc = self.desc(&st);
                    let help = match st.t {
                        T::Enum { .. } => "for a single value, use `x == v` or `x in {a, b}`",
                        _ => "`contains` tests whether a `set of` output holds a variant",
                    };
                    let d = Diagnostic::error(
                        Code::E0308,
                        format!("`contains` needs a set output, found {desc}"),
                    )
                    .primary(st.loc, "expected a `set of` output");
                    let d = self.with_why(d, &[&st]);
                    self.sink.error(d.help(help));
                }
                Typed::err(loc)
            }
        }
    }
}

trait LocExt {
    fn to_span(self, other: Loc) -> Loc;
}

impl LocExt for Loc {
    /// The smallest location covering both (they are in one file).
    fn to_span(self, other: Loc) -> Loc {
        Loc::new(self.file, self.span.to(other.span))
    }
}

/// E0312's help. Where the input is declared in another file, that file is a shared
/// vocabulary (`incident.policy`) whose ranges every policy reading it shares, so
/// widening it is not offered as the easy way out of one policy's error.
pub(super) fn range_help(lo: i64, hi: i64, name: &str, elsewhere: bool) -> String {
    if elsewhere {
        format!(
            "use a value within {lo}..={hi}; `{name}` is declared in another file, whose range every policy that `use`s it shares: widen it there only if real incidents have such values"
        )
    } else {
        format!("use a value within {lo}..={hi}, or widen the range of `{name}`")
    }
}
