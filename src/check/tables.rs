//! What the checker's passes share: the declarations by kind and by name ([`Decls`]),
//! their resolved types ([`TypeTable`]) and which of them are used ([`Usage`]). Each
//! pass takes the tables it reads and writes; diagnostics go to a
//! [`Sink`](super::sink::Sink), enums and their variants live in
//! [`Enums`](super::enums::Enums).

use crate::collections::HashMap;
use std::collections::BTreeSet;

use super::ir::{self, Arena, EnumId, IdxVec, InputId, LinExpr, OutputId, OutputTy, Ty};
use crate::parse::ast;
use crate::source::{FileId, Loc, Span};

/// What a name in the value namespace is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sym {
    Input(InputId),
    Output(OutputId),
    Define(ir::DefineId),
    Rule(ir::RuleId),
    Assert(ir::AssertId),
    Scenario(ir::ScenarioId),
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

/// Every declaration of a program, by kind in declaration order, and the namespaces
/// that find them by name. These tables number the ids, and the IR's tables are filled
/// in the same order; but the imported outputs join the value namespace
/// (`imports::register`), and their enums the [`Enums`](super::enums::Enums), without a
/// declaration here: an output's or an enum's declaration is looked up fallibly. Built
/// by `resolve::collect`.
#[derive(Default)]
pub(crate) struct Decls<'a> {
    pub header: Option<At<'a, ast::PolicyHeader>>,
    pub enums: Arena<At<'a, ast::EnumDecl>, ir::EnumDef>,
    pub inputs: Arena<At<'a, ast::InputDecl>, ir::InputDef>,
    pub outputs: Arena<At<'a, ast::OutputDecl>, ir::OutputDef>,
    pub defines: Arena<At<'a, ast::DefineDecl>, ir::DefineDef>,
    pub rules: Arena<At<'a, ast::RuleDecl>, ir::RuleDef>,
    pub assumes: Vec<At<'a, ast::CondDecl>>,
    pub scopes: Vec<At<'a, ast::CondDecl>>,
    pub accepts: Arena<At<'a, ast::AcceptGapDecl>, ir::AcceptedGap>,
    pub asserts: Arena<At<'a, ast::AssertDecl>, ir::AssertDef>,
    pub scenarios: Arena<At<'a, ast::ScenarioDecl>, ir::ScenarioDef>,
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
    pub(crate) fn input_loc(&self, i: InputId) -> (Loc, Loc) {
        let at = &self.inputs[i];
        (at.loc(at.decl.name.span), at.loc(at.decl.ty.span()))
    }

    /// Where an output's name and its type are declared.
    pub(crate) fn output_loc(&self, o: OutputId) -> Option<(Loc, Loc)> {
        self.outputs
            .lookup(o)
            .map(|at| (at.loc(at.decl.name.span), at.loc(at.decl.ty.span())))
    }

    /// An output's name: its declaration's, or `alias.output` for an imported one.
    pub(crate) fn output_name(&self, o: OutputId) -> &'a str {
        match self.outputs.lookup(o) {
            Some(at) => &at.decl.name.name,
            None => self
                .value_order
                .iter()
                .find(|(_, s)| *s == Sym::Output(o))
                .map_or("", |(n, _)| n),
        }
    }

    /// Where an enum's name is declared.
    pub(crate) fn enum_loc(&self, e: EnumId) -> Option<Loc> {
        self.enums.lookup(e).map(|at| at.loc(at.decl.name.span))
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
    pub inputs: IdxVec<ir::InputDef, Option<Ty>>,
    pub outputs: IdxVec<ir::OutputDef, Option<OutputTy>>,
    pub defines: IdxVec<ir::DefineDef, DefTy>,
    /// The integer values an int output can take: those rules assign and its default.
    pub output_values: IdxVec<ir::OutputDef, BTreeSet<i64>>,
}

/// Which declarations something reads (or, for outputs, assigns): what the lints warn
/// about when it is nothing.
pub(crate) struct Usage {
    pub enums: IdxVec<ir::EnumDef, bool>,
    pub inputs: IdxVec<ir::InputDef, bool>,
    pub defines: IdxVec<ir::DefineDef, bool>,
    pub assigned_outputs: IdxVec<ir::OutputDef, bool>,
}

impl Usage {
    /// Nothing used yet.
    pub(crate) fn new(decls: &Decls) -> Self {
        Usage {
            enums: IdxVec::filled(false, decls.enums.len()),
            inputs: IdxVec::filled(false, decls.inputs.len()),
            defines: IdxVec::filled(false, decls.defines.len()),
            assigned_outputs: IdxVec::filled(false, decls.outputs.len()),
        }
    }

    /// Marks one flag, if there is one at `i`.
    pub(crate) fn mark<T>(flags: &mut IdxVec<T, bool>, i: ir::Idx<T>) {
        if let Some(u) = flags.get_mut(i) {
            *u = true;
        }
    }
}
