//! What the checker's passes share: the declarations by kind and by name ([`Decls`]),
//! their resolved types ([`TypeTable`]) and which of them are used ([`Usage`]). Each
//! pass takes the tables it reads and writes; diagnostics go to a
//! [`Sink`](super::sink::Sink), enums and their variants live in
//! [`Enums`](super::enums::Enums).

use std::collections::{BTreeSet, HashMap};

use super::ir::{self, EnumId, InputId, LinExpr, OutputId, OutputTy, Ty};
use crate::parse::ast;
use crate::source::{FileId, Loc, Span};

/// What a name in the value namespace is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sym {
    Input(InputId),
    Output(OutputId),
    Define(ir::DefineId),
    Rule(ir::RuleId),
    Assert(usize),
    Scenario(usize),
}

impl Sym {
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Sym::Input(_) => "input",
            Sym::Output(_) => "output",
            Sym::Define(_) => "define",
            Sym::Rule(_) => "rule",
            Sym::Assert(_) => "assert",
            Sym::Scenario(_) => "scenario",
        }
    }

    /// `an input`, `a rule`: the kind with its article.
    pub(crate) fn a_kind(self) -> &'static str {
        match self {
            Sym::Input(_) => "an input",
            Sym::Output(_) => "an output",
            Sym::Define(_) => "a define",
            Sym::Rule(_) => "a rule",
            Sym::Assert(_) => "an assert",
            Sym::Scenario(_) => "a scenario",
        }
    }
}

/// A declaration in the AST with the file it is in.
pub(crate) struct At<'a, D> {
    pub decl: &'a D,
    pub item: &'a ast::Item,
    pub file: FileId,
}

impl<D> Clone for At<'_, D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D> Copy for At<'_, D> {}

impl<D> At<'_, D> {
    pub(crate) fn loc(&self, span: Span) -> Loc {
        Loc::new(self.file, span)
    }

    pub(crate) fn item_loc(&self) -> Loc {
        Loc::new(self.file, self.item.span)
    }

    pub(crate) fn doc(&self) -> Option<String> {
        self.item.doc.as_ref().map(|d| d.text.clone())
    }
}

/// Every declaration of a program, by kind in declaration order (their index is their
/// id), and the namespaces that find them by name. Built by `resolve::collect`; the
/// imported outputs join the value namespace (`imports::register`).
#[derive(Default)]
pub(crate) struct Decls<'a> {
    pub header: Option<At<'a, ast::PolicyHeader>>,
    pub enums: Vec<At<'a, ast::EnumDecl>>,
    pub inputs: Vec<At<'a, ast::InputDecl>>,
    pub outputs: Vec<At<'a, ast::OutputDecl>>,
    pub defines: Vec<At<'a, ast::DefineDecl>>,
    pub rules: Vec<At<'a, ast::RuleDecl>>,
    pub assumes: Vec<At<'a, ast::CondDecl>>,
    pub scopes: Vec<At<'a, ast::CondDecl>>,
    pub accepts: Vec<At<'a, ast::AcceptGapDecl>>,
    pub asserts: Vec<At<'a, ast::AssertDecl>>,
    pub scenarios: Vec<At<'a, ast::ScenarioDecl>>,
    pub ignores: Vec<At<'a, ast::IgnoreDecl>>,
    /// The value namespace: inputs, outputs, defines, rules, asserts and scenarios, each
    /// name with its first declaration.
    pub values: HashMap<&'a str, (Sym, Loc)>,
    /// First declarations in declaration order, for suggestions.
    pub value_order: Vec<(&'a str, Sym)>,
    /// The enum namespace.
    pub enum_names: HashMap<&'a str, (EnumId, Loc)>,
}

impl<'a> Decls<'a> {
    /// Names of the value namespace that satisfy `keep`, in declaration order.
    pub(crate) fn names_where(&self, keep: impl Fn(Sym) -> bool) -> Vec<&'a str> {
        self.value_order
            .iter()
            .filter(|(_, s)| keep(*s))
            .map(|(n, _)| *n)
            .collect()
    }

    /// Where an input's name and its type are declared.
    pub(crate) fn input_loc(&self, i: InputId) -> Option<(Loc, Loc)> {
        self.inputs
            .get(i)
            .map(|at| (at.loc(at.decl.name.span), at.loc(at.decl.ty.span())))
    }

    /// Where an output's name and its type are declared.
    pub(crate) fn output_loc(&self, o: OutputId) -> Option<(Loc, Loc)> {
        self.outputs
            .get(o)
            .map(|at| (at.loc(at.decl.name.span), at.loc(at.decl.ty.span())))
    }

    /// Where an enum's name is declared.
    pub(crate) fn enum_loc(&self, e: EnumId) -> Option<Loc> {
        self.enums.get(e).map(|at| at.loc(at.decl.name.span))
    }
}

/// The type of a define, known once its body is checked.
#[derive(Clone, Debug)]
pub(crate) enum DefTy {
    /// Not checked yet (only seen inside a cycle, which is reported).
    Pending,
    /// Its body has an error, already reported.
    Err,
    Bool,
    /// Int defines are inlined where they are used.
    Int(LinExpr),
}

/// The types of the declarations, as resolved (`None`: the type had an error, already
/// reported). Imported outputs follow this file's own.
pub(crate) struct TypeTable {
    pub inputs: Vec<Option<Ty>>,
    pub outputs: Vec<Option<OutputTy>>,
    pub defines: Vec<DefTy>,
    /// The integer values an int output can take: those rules assign and its default.
    pub output_values: Vec<BTreeSet<i64>>,
}

/// Which declarations something reads (or, for outputs, assigns): what the lints warn
/// about when it is nothing.
pub(crate) struct Usage {
    pub enums: Vec<bool>,
    pub inputs: Vec<bool>,
    pub defines: Vec<bool>,
    pub assigned_outputs: Vec<bool>,
}

impl Usage {
    /// Nothing used yet.
    pub(crate) fn new(decls: &Decls) -> Self {
        Usage {
            enums: vec![false; decls.enums.len()],
            inputs: vec![false; decls.inputs.len()],
            defines: vec![false; decls.defines.len()],
            assigned_outputs: vec![false; decls.outputs.len()],
        }
    }

    /// Marks one flag, if there is one at `i`.
    pub(crate) fn mark(flags: &mut [bool], i: usize) {
        if let Some(u) = flags.get_mut(i) {
            *u = true;
        }
    }
}
