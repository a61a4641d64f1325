//! The syntax tree: what the writer wrote, every node with its byte span.
//!
//! The AST keeps parentheses and doc comments so that `policyc fmt` can print the
//! file back faithfully; names are not resolved here (that is `check`'s job).

use crate::source::Span;

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    /// Every `//` comment (not doc comments), in order, for the formatter.
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// The text after `//`, without the line break.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    /// The value with escapes resolved.
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IntLit {
    pub value: i64,
    pub span: Span,
}

/// `/// lines` before a declaration, joined with line breaks, markers removed.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub doc: Option<Doc>,
    pub kind: ItemKind,
    /// From the keyword to the end of the declaration (doc comment excluded).
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Policy(PolicyHeader),
    Use(UseDecl),
    Enum(EnumDecl),
    Input(InputDecl),
    Output(OutputDecl),
    Define(DefineDecl),
    Assume(CondDecl),
    Scope(CondDecl),
    Rule(RuleDecl),
    AcceptGap(AcceptGapDecl),
    Assert(AssertDecl),
    Scenario(ScenarioDecl),
    Ignore(IgnoreDecl),
}

impl ItemKind {
    /// The keyword that starts the declaration.
    pub fn keyword(&self) -> &'static str {
        match self {
            ItemKind::Policy(_) => "policy",
            ItemKind::Use(_) => "use",
            ItemKind::Enum(_) => "enum",
            ItemKind::Input(_) => "input",
            ItemKind::Output(_) => "output",
            ItemKind::Define(_) => "define",
            ItemKind::Assume(_) => "assume",
            ItemKind::Scope(_) => "scope",
            ItemKind::Rule(_) => "rule",
            ItemKind::AcceptGap(_) => "accept gap",
            ItemKind::Assert(_) => "assert",
            ItemKind::Scenario(_) => "scenario",
            ItemKind::Ignore(_) => "ignore",
        }
    }

    /// The declared name, for declarations that have one.
    pub fn name(&self) -> Option<&Ident> {
        match self {
            ItemKind::Policy(d) => Some(&d.name),
            ItemKind::Enum(d) => Some(&d.name),
            ItemKind::Input(d) => Some(&d.name),
            ItemKind::Output(d) => Some(&d.name),
            ItemKind::Define(d) => Some(&d.name),
            ItemKind::Rule(d) => Some(&d.name),
            ItemKind::Assert(d) => Some(&d.name),
            ItemKind::Scenario(d) => Some(&d.name),
            ItemKind::Use(_)
            | ItemKind::Assume(_)
            | ItemKind::Scope(_)
            | ItemKind::AcceptGap(_)
            | ItemKind::Ignore(_) => None,
        }
    }
}

/// `policy NAME "title" source "..." version "..."`
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyHeader {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub source: Option<StrLit>,
    pub version: Option<StrLit>,
}

/// `use "path.policy"`
#[derive(Clone, Debug, PartialEq)]
pub struct UseDecl {
    pub path: StrLit,
    /// `as NAME`: import the policy's decisions under this name instead of its
    /// declarations.
    pub alias: Option<Ident>,
}

/// `enum Name { a, b }`
#[derive(Clone, Debug, PartialEq)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<Variant>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub doc: Option<Doc>,
    pub name: Ident,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    Bool(Span),
    /// An enum, by name.
    Named(Ident),
    /// `LO..=HI`
    Range {
        lo: IntLit,
        hi: IntLit,
        span: Span,
    },
    /// `set of E`
    Set {
        elem: Box<TypeExpr>,
        span: Span,
    },
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Bool(s) => *s,
            TypeExpr::Named(i) => i.span,
            TypeExpr::Range { span, .. } | TypeExpr::Set { span, .. } => *span,
        }
    }
}

/// `input NAME: TYPE [typical VALUE] [judgement "CITATION"]`
#[derive(Clone, Debug, PartialEq)]
pub struct InputDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    /// The value examples prefer for this input (see `compile::preferred_values`).
    pub typical: Option<Expr>,
    /// `judgement "CITATION"`: a person decides this input.
    pub judgement: Option<Judgement>,
}

/// `judgement "CITATION"` after an input's type.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    /// The keyword `judgement`.
    pub keyword: Span,
    /// The paragraph that leaves the matter to a person.
    pub citation: StrLit,
}

/// `output NAME: TYPE [default VALUE] [precedence a > b | exclusive]`
#[derive(Clone, Debug, PartialEq)]
pub struct OutputDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    /// The hit policy clauses as written (more than one is the checker's E0323).
    pub hit: Vec<HitClause>,
}

/// A clause saying what happens where rules overlap on an output.
#[derive(Clone, Debug, PartialEq)]
pub enum HitClause {
    /// `precedence a > b > c`: the values, highest first (constants: names, `true`,
    /// `false`, integers, typed by the checker).
    Precedence {
        keyword: Span,
        values: Vec<Expr>,
        span: Span,
    },
    /// `exclusive`
    Exclusive(Span),
}

impl HitClause {
    /// From the keyword to the end of the clause.
    pub fn span(&self) -> Span {
        match self {
            HitClause::Precedence { span, .. } | HitClause::Exclusive(span) => *span,
        }
    }

    /// The keyword, as written.
    pub fn keyword(&self) -> &'static str {
        match self {
            HitClause::Precedence { .. } => "precedence",
            HitClause::Exclusive(_) => "exclusive",
        }
    }
}

/// `ignore a, b "reason"`: inputs the policy deliberately does not read.
#[derive(Clone, Debug, PartialEq)]
pub struct IgnoreDecl {
    pub inputs: Vec<Ident>,
    pub reason: StrLit,
}

/// `define NAME = EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct DefineDecl {
    pub name: Ident,
    pub value: Expr,
}

/// `assume EXPR` and `scope EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct CondDecl {
    pub cond: Expr,
}

/// `rule NAME "title" cites "..." overrides a, b when EXPR then x = v, ...`
#[derive(Clone, Debug, PartialEq)]
pub struct RuleDecl {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub cites: Option<StrLit>,
    pub overrides: Vec<Ident>,
    pub when: Option<Expr>,
    pub then: Vec<Assignment>,
}

/// `NAME = EXPR`, in `then` and `given`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub target: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `accept gap OUTPUT "reason" [when EXPR]`
#[derive(Clone, Debug, PartialEq)]
pub struct AcceptGapDecl {
    pub output: Ident,
    pub reason: StrLit,
    pub when: Option<Expr>,
}

/// `assert NAME "title" [cites "..."] always EXPR`
#[derive(Clone, Debug, PartialEq)]
pub struct AssertDecl {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub cites: Option<StrLit>,
    pub cond: Expr,
}

/// `scenario NAME "title" [cites "..."] [given ...] expect ...`
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioDecl {
    pub name: Ident,
    pub title: Option<StrLit>,
    pub cites: Option<StrLit>,
    pub given: Vec<Assignment>,
    pub expect: Vec<Expectation>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// `output = value`
    Value(Assignment),
    /// `undecided output`
    Undecided { output: Ident, span: Span },
    /// `out_of_scope`
    OutOfScope(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    /// An input, output, define or enum variant; `check` decides which. An output of
    /// an imported policy is written `alias.output` (one name with a dot).
    Name(String),
    /// `{a, b}`
    Set(Vec<Expr>),
    /// `LO..=HI`, only on the right of `in`.
    Range {
        lo: IntLit,
        hi: IntLit,
    },
    Paren(Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `value in set` / `value not in set`
    In {
        value: Box<Expr>,
        set: Box<Expr>,
        negated: bool,
    },
    /// `set contains value`
    Contains(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Implies,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Implies => "implies",
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}
