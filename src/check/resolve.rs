//! Names: the namespaces of a program, declarations and their duplicates, and types.
//!
//! Inputs, outputs, defines, rules, asserts and scenarios share one namespace; enums
//! have their own; each enum has its variants, which expressions reach through the type
//! they expect (so two enums may both have a `none`).

use std::collections::{BTreeSet, HashMap, HashSet};

use super::ir::{self, EnumId, InputId, LinExpr, OutputId, OutputTy, Ty, VariantId};
use super::modules::Program;
use super::suggest::{self, HelpOr, Suggestion};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast;
use crate::source::{FileId, Loc, Sources, Span};

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

pub(crate) struct Checker<'a> {
    pub sources: &'a Sources,
    pub program: &'a Program,
    pub root_file: FileId,
    pub diags: Vec<Diagnostic>,
    /// The IR under construction; only handed out when there are no errors, so the
    /// placeholders left where a declaration had an error are never seen.
    pub ir: ir::Policy,

    pub values: HashMap<&'a str, (Sym, Loc)>,
    /// First declarations in declaration order, for suggestions.
    pub value_order: Vec<(&'a str, Sym)>,
    pub types: HashMap<&'a str, (EnumId, Loc)>,

    pub header: Option<At<'a, ast::PolicyHeader>>,
    pub enum_decls: Vec<At<'a, ast::EnumDecl>>,
    pub input_decls: Vec<At<'a, ast::InputDecl>>,
    pub input_ty: Vec<Option<Ty>>,
    pub output_decls: Vec<At<'a, ast::OutputDecl>>,
    pub output_ty: Vec<Option<OutputTy>>,
    pub define_decls: Vec<At<'a, ast::DefineDecl>>,
    pub define_ty: Vec<DefTy>,
    pub rule_decls: Vec<At<'a, ast::RuleDecl>>,
    pub assume_decls: Vec<At<'a, ast::CondDecl>>,
    pub scope_decls: Vec<At<'a, ast::CondDecl>>,
    pub accept_decls: Vec<At<'a, ast::AcceptGapDecl>>,
    pub assert_decls: Vec<At<'a, ast::AssertDecl>>,
    pub scenario_decls: Vec<At<'a, ast::ScenarioDecl>>,

    pub used_enum: Vec<bool>,
    pub used_input: Vec<bool>,
    pub used_define: Vec<bool>,
    pub assigned_output: Vec<bool>,
    /// The integer values an int output can take: those rules assign and its default.
    pub output_values: Vec<BTreeSet<i64>>,
    /// Names that declarations which failed to parse seem to declare: an unknown name
    /// among them has already been explained by the syntax error, so it is not
    /// reported again.
    pub lost_names: HashSet<String>,
    /// Some file had a syntax error: warnings about unused declarations would be noise.
    pub parse_failed: bool,

    /// Policies imported with `use ... as` (see `imports.rs`).
    pub imports: &'a [super::imports::Imported],
    /// This file's own outputs and enums; ids past them are imported ones.
    pub own_outputs: usize,
    pub own_enums: usize,
    /// Per imported output id (past `own_outputs`): (import, its output id).
    pub import_outputs: Vec<(usize, OutputId)>,
    /// Per copied enum id (past `own_enums`): (import, its enum id).
    pub import_enums: Vec<(usize, EnumId)>,
    /// The variants of `ir.enums` by name; enums are added and dropped only through
    /// [`Checker::push_enum`] and [`Checker::truncate_enums`], which keep it in step.
    variant_index: VariantIndex,
    /// What is left of this check's work for "did you mean" (see `suggest.rs`).
    suggestions: suggest::Budget,
}

/// Every enum's variants by name, and the enums that have a variant of each name: an
/// expression names variants one at a time, so looking each up by scanning its enum
/// made an enum of 100,000 variants listed in a set take minutes to check.
#[derive(Default)]
struct VariantIndex {
    /// Per enum id: variant name to variant id.
    by_enum: Vec<HashMap<String, VariantId>>,
    /// Per variant name: the enums that have it, in id (declaration) order.
    by_name: HashMap<String, Vec<EnumId>>,
}

impl VariantIndex {
    fn push(&mut self, def: &ir::EnumDef) {
        let id = self.by_enum.len();
        let mut names = HashMap::with_capacity(def.variants.len());
        for (v, var) in def.variants.iter().enumerate() {
            // The first of two same names wins, as a scan from the start would find.
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(var.name.clone()) {
                slot.insert(v);
                self.by_name.entry(var.name.clone()).or_default().push(id);
            }
        }
        self.by_enum.push(names);
    }

    fn truncate(&mut self, len: usize) {
        if len >= self.by_enum.len() {
            return;
        }
        for dropped in self.by_enum.drain(len..) {
            for name in dropped.keys() {
                if let Some(ids) = self.by_name.get_mut(name) {
                    ids.retain(|&e| e < len);
                    if ids.is_empty() {
                        self.by_name.remove(name);
                    }
                }
            }
        }
    }
}

impl<'a> Checker<'a> {
    pub(crate) fn new(sources: &'a Sources, program: &'a Program, root_file: FileId) -> Self {
        Checker {
            sources,
            program,
            root_file,
            diags: Vec::new(),
            ir: ir::Policy {
                root_file,
                ..Default::default()
            },
            values: HashMap::new(),
            value_order: Vec::new(),
            types: HashMap::new(),
            header: None,
            enum_decls: Vec::new(),
            input_decls: Vec::new(),
            input_ty: Vec::new(),
            output_decls: Vec::new(),
            output_ty: Vec::new(),
            define_decls: Vec::new(),
            define_ty: Vec::new(),
            rule_decls: Vec::new(),
            assume_decls: Vec::new(),
            scope_decls: Vec::new(),
            accept_decls: Vec::new(),
            assert_decls: Vec::new(),
            scenario_decls: Vec::new(),
            used_enum: Vec::new(),
            used_input: Vec::new(),
            used_define: Vec::new(),
            assigned_output: Vec::new(),
            output_values: Vec::new(),
            lost_names: HashSet::new(),
            parse_failed: false,
            imports: &[],
            own_outputs: 0,
            own_enums: 0,
            import_outputs: Vec::new(),
            import_enums: Vec::new(),
            variant_index: VariantIndex::default(),
            suggestions: suggest::Budget::default(),
        }
    }

    /// Adds an enum to the IR and to the index of variant names.
    pub(crate) fn push_enum(&mut self, def: ir::EnumDef) -> EnumId {
        let id = self.ir.enums.len();
        self.variant_index.push(&def);
        self.ir.enums.push(def);
        id
    }

    /// "did you mean" for `name`, misspelt at `at`, among the candidates `gather` lists,
    /// while this check's budget for suggestions lasts; after that, `None` without
    /// gathering.
    pub(crate) fn did_you_mean<'s, I>(
        &'s self,
        name: &str,
        at: Loc,
        gather: impl FnOnce(&'s Self) -> I,
    ) -> Option<Suggestion>
    where
        I: IntoIterator<Item = &'s str>,
    {
        if self.suggestions.exhausted() {
            return None;
        }
        let name = self.suggestions.did_you_mean(name, gather(self))?;
        Some(Suggestion { at, name })
    }

    /// Drops the enums from `len` on, from the IR and from the index.
    pub(crate) fn truncate_enums(&mut self, len: usize) {
        self.ir.enums.truncate(len);
        self.variant_index.truncate(len);
    }

    /// The policies this file imports with `use ... as`, checked beforehand.
    pub(crate) fn with_imports(mut self, imports: &'a [super::imports::Imported]) -> Self {
        self.imports = imports;
        self
    }

    /// Records that some file had syntax errors, and which names its text seems to
    /// declare (a line starting with a declaring keyword and a name).
    pub(crate) fn after_parse_errors(&mut self) {
        self.parse_failed = true;
        for m in &self.program.modules {
            for line in self.sources.text(m.file).lines() {
                let mut words = line.split_whitespace();
                let Some(kw) = words.next() else { continue };
                if ![
                    "enum", "input", "output", "define", "rule", "assert", "scenario",
                ]
                .contains(&kw)
                {
                    continue;
                }
                let Some(rest) = words.next() else { continue };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    self.lost_names.insert(name);
                }
            }
        }
    }

    /// An unknown name that a declaration with a syntax error probably declares.
    pub(crate) fn lost(&self, name: &str) -> bool {
        self.lost_names.contains(name)
    }

    /// Records a diagnostic.
    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Registers every declaration of every module, reporting duplicates and misplaced
    /// or repeated headers.
    pub(crate) fn collect(&mut self) {
        let program = self.program;
        for &m in &program.order {
            let Some(module) = program.modules.get(m) else {
                continue;
            };
            let file = module.file;
            // The first declaration of this file other than a header.
            let mut first_other: Option<&'a ast::Item> = None;
            for item in &module.ast.items {
                if let ast::ItemKind::Policy(h) = &item.kind {
                    self.header_decl(
                        At {
                            decl: h,
                            item,
                            file,
                        },
                        first_other,
                    );
                    continue;
                }
                if first_other.is_none() {
                    first_other = Some(item);
                }
                self.declare(item, file);
            }
        }
    }

    fn header_decl(&mut self, at: At<'a, ast::PolicyHeader>, first_other: Option<&'a ast::Item>) {
        let here = at.loc(at.decl.name.span);
        if let Some(prev) = first_other {
            self.error(
                Diagnostic::error(Code::E0403, "the `policy` header must come first in its file")
                    .primary(here, "this header comes after other declarations")
                    .secondary(
                        at.loc(keyword_span(prev)),
                        format!("this `{}` comes before the header", prev.kind.keyword()),
                    )
                    .help("move the `policy` header to the top of the file, above every other declaration"),
            );
        }
        match self.header {
            Some(first) => {
                let first_name = &first.decl.name.name;
                self.error(
                    Diagnostic::error(
                        Code::E0402,
                        format!("a second `policy` header: `{}`", at.decl.name.name),
                    )
                    .primary(here, "second `policy` header")
                    .secondary(
                        first.loc(first.decl.name.span),
                        format!("`{first_name}` is declared here first"),
                    )
                    .note("a program (a file and every file it uses) states one policy")
                    .help(
                        "remove one header; a shared vocabulary that policies `use` has no header",
                    ),
                );
            }
            None => self.header = Some(at),
        }
    }

    fn declare(&mut self, item: &'a ast::Item, file: FileId) {
        use ast::ItemKind as K;
        match &item.kind {
            K::Policy(_) | K::Use(_) => {}
            K::Enum(d) => self.declare_enum(At {
                decl: d,
                item,
                file,
            }),
            K::Input(d) => {
                let id = self.input_decls.len();
                self.declare_value(&d.name, file, Sym::Input(id));
                self.input_decls.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.input_ty.push(None);
                self.used_input.push(false);
            }
            K::Output(d) => {
                let id = self.output_decls.len();
                self.declare_value(&d.name, file, Sym::Output(id));
                self.output_decls.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.output_ty.push(None);
                self.assigned_output.push(false);
                self.output_values.push(BTreeSet::new());
            }
            K::Define(d) => {
                let id = self.define_decls.len();
                self.declare_value(&d.name, file, Sym::Define(id));
                self.define_decls.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.define_ty.push(DefTy::Pending);
                self.used_define.push(false);
            }
            K::Rule(d) => {
                let id = self.rule_decls.len();
                self.declare_value(&d.name, file, Sym::Rule(id));
                self.rule_decls.push(At {
                    decl: d,
                    item,
                    file,
                });
            }
            K::Assert(d) => {
                let id = self.assert_decls.len();
                self.declare_value(&d.name, file, Sym::Assert(id));
                self.assert_decls.push(At {
                    decl: d,
                    item,
                    file,
                });
            }
            K::Scenario(d) => {
                let id = self.scenario_decls.len();
                self.declare_value(&d.name, file, Sym::Scenario(id));
                self.scenario_decls.push(At {
                    decl: d,
                    item,
                    file,
                });
            }
            K::Assume(d) => self.assume_decls.push(At {
                decl: d,
                item,
                file,
            }),
            K::Scope(d) => self.scope_decls.push(At {
                decl: d,
                item,
                file,
            }),
            K::AcceptGap(d) => self.accept_decls.push(At {
                decl: d,
                item,
                file,
            }),
        }
    }

    fn declare_value(&mut self, name: &'a ast::Ident, file: FileId, sym: Sym) {
        let here = Loc::new(file, name.span);
        match self.values.get(name.name.as_str()) {
            Some(&(first, first_loc)) => {
                let d = Diagnostic::error(
                    Code::E0201,
                    format!("`{}` is declared twice", name.name),
                )
                .primary(
                    here,
                    format!(
                        "`{}` is declared again here, as {}",
                        name.name,
                        sym.a_kind()
                    ),
                )
                .secondary(
                    first_loc,
                    format!("first declared here, as {}", first.a_kind()),
                )
                .note("inputs, outputs, defines, rules, asserts and scenarios share one namespace")
                .help(format!(
                    "rename one of the two, or remove the second `{}`",
                    name.name
                ));
                self.error(d);
            }
            None => {
                self.values.insert(name.name.as_str(), (sym, here));
                self.value_order.push((name.name.as_str(), sym));
            }
        }
    }

    fn declare_enum(&mut self, at: At<'a, ast::EnumDecl>) {
        let id = self.ir.enums.len();
        let name = &at.decl.name;
        let here = at.loc(name.span);
        match self.types.get(name.name.as_str()) {
            Some(&(_, first)) => {
                self.error(
                    Diagnostic::error(
                        Code::E0201,
                        format!("the enum `{}` is declared twice", name.name),
                    )
                    .primary(here, "declared again here")
                    .secondary(first, "first declared here")
                    .help(format!(
                        "rename one of the two, or remove the second `{}`",
                        name.name
                    )),
                );
            }
            None => {
                self.types.insert(name.name.as_str(), (id, here));
            }
        }
        let mut variants: Vec<ir::VariantDef> = Vec::new();
        let mut seen: HashMap<&str, Loc> = HashMap::new();
        for v in &at.decl.variants {
            let vloc = at.loc(v.name.span);
            if let Some(&first) = seen.get(v.name.name.as_str()) {
                self.error(
                    Diagnostic::error(
                        Code::E0202,
                        format!(
                            "the variant `{}` appears twice in enum `{}`",
                            v.name.name, name.name
                        ),
                    )
                    .primary(vloc, "listed again here")
                    .secondary(first, "first listed here")
                    .help("remove the repeated variant"),
                );
                continue;
            }
            seen.insert(v.name.name.as_str(), vloc);
            variants.push(ir::VariantDef {
                name: v.name.name.clone(),
                doc: v.doc.as_ref().map(|d| d.text.clone()),
                loc: vloc,
            });
        }
        if variants.is_empty() {
            self.error(
                Diagnostic::error(Code::E0321, format!("the enum `{}` has no variants", name.name))
                    .primary(here, "this enum is empty")
                    .note("an input of an empty enum could never have a value, so no incident would be possible")
                    .help(format!("list the values between the braces: `enum {} {{ a, b }}`", name.name)),
            );
        }
        self.push_enum(ir::EnumDef {
            name: name.name.clone(),
            doc: at.doc(),
            variants,
            loc: at.item_loc(),
        });
        self.enum_decls.push(at);
        self.used_enum.push(false);
    }

    /// Resolves the declared types of inputs and outputs.
    pub(crate) fn resolve_types(&mut self) {
        for i in 0..self.input_decls.len() {
            let Some(&at) = self.input_decls.get(i) else {
                continue;
            };
            let ty = match &at.decl.ty {
                ast::TypeExpr::Set { span, .. } => {
                    self.error(
                        Diagnostic::error(Code::E0320, format!("the input `{}` cannot be a set", at.decl.name.name))
                            .primary(at.loc(*span), "inputs hold one value")
                            .note("an input is one fact about an incident; only outputs may collect a set of values")
                            .help("declare one `bool` input per member, or use an enum if exactly one value applies"),
                    );
                    None
                }
                te => self.resolve_ty(te, at.file),
            };
            if let Some(slot) = self.input_ty.get_mut(i) {
                *slot = ty;
            }
            self.ir.inputs.push(ir::InputDef {
                name: at.decl.name.name.clone(),
                doc: at.doc(),
                ty: ty.unwrap_or(Ty::Bool),
                loc: at.item_loc(),
                // Checked against the type once every type is known (`lower.rs`).
                typical: None,
            });
        }
        for o in 0..self.output_decls.len() {
            let Some(&at) = self.output_decls.get(o) else {
                continue;
            };
            let ty = match &at.decl.ty {
                ast::TypeExpr::Set { elem, .. } => match elem.as_ref() {
                    ast::TypeExpr::Named(_) => match self.resolve_ty(elem, at.file) {
                        Some(Ty::Enum(e)) => Some(OutputTy::Set(e)),
                        _ => None,
                    },
                    other => {
                        let what = match other {
                            ast::TypeExpr::Bool(_) => "`bool`",
                            ast::TypeExpr::Range { .. } => "an integer range",
                            _ => "a set",
                        };
                        self.error(
                            Diagnostic::error(
                                Code::E0320,
                                format!("`set of` needs an enum, found {what}"),
                            )
                            .primary(at.loc(other.span()), "not an enum")
                            .note("a set output collects variants of one enum")
                            .help("declare an enum of the values and use `set of` that enum"),
                        );
                        None
                    }
                },
                te => self.resolve_ty(te, at.file).map(OutputTy::Single),
            };
            if let Some(slot) = self.output_ty.get_mut(o) {
                *slot = ty;
            }
            self.ir.outputs.push(ir::OutputDef {
                name: at.decl.name.name.clone(),
                doc: at.doc(),
                ty: ty.unwrap_or(OutputTy::Single(Ty::Bool)),
                default: None,
                loc: at.item_loc(),
            });
        }
    }

    fn resolve_ty(&mut self, te: &ast::TypeExpr, file: FileId) -> Option<Ty> {
        match te {
            ast::TypeExpr::Bool(_) => Some(Ty::Bool),
            ast::TypeExpr::Named(id) => {
                if let Some(&(e, _)) = self.types.get(id.name.as_str()) {
                    if let Some(u) = self.used_enum.get_mut(e) {
                        *u = true;
                    }
                    return Some(Ty::Enum(e));
                }
                if self.lost(&id.name) {
                    return None;
                }
                let at = Loc::new(file, id.span);
                let suggestion = self.did_you_mean(&id.name, at, |c| {
                    c.ir.enums.iter().map(|e| e.name.as_str()).chain(["bool"])
                });
                let d =
                    Diagnostic::error(Code::E0204, format!("cannot find the type `{}`", id.name))
                        .primary(at, "no enum has this name");
                let lower = id.name.to_ascii_lowercase();
                let help = || {
                    match lower.as_str() {
                    l if ["int", "integer", "number", "u8", "i64", "usize", "age"].contains(&l) => {
                        "integers are declared with their range, such as `0..=99`".to_string()
                    }
                    l if ["string", "str", "text"].contains(&l) => {
                        "inputs have finite types: `bool`, an enum, or a range `LO..=HI`; declare an enum of the possible values".to_string()
                    }
                    _ => format!(
                        "declare it with `enum {} {{ ... }}`, or `use` the file that declares it",
                        id.name
                    ),
                }
                };
                self.error(d.help_or(suggestion, help));
                None
            }
            ast::TypeExpr::Range { lo, hi, span } => {
                if lo.value > hi.value {
                    self.error(
                        Diagnostic::error(
                            Code::E0313,
                            format!("the range `{}..={}` is empty", lo.value, hi.value),
                        )
                        .primary(
                            Loc::new(file, *span),
                            "the lower bound is greater than the upper bound",
                        )
                        .help(format!(
                            "write the smaller bound first: `{}..={}`",
                            hi.value, lo.value
                        )),
                    );
                    return None;
                }
                Some(Ty::Int {
                    lo: lo.value,
                    hi: hi.value,
                })
            }
            ast::TypeExpr::Set { span, .. } => {
                self.error(
                    Diagnostic::error(Code::E0320, "a set is not allowed here")
                        .primary(Loc::new(file, *span), "sets are only for outputs")
                        .help("use `set of E` only as the type of an output"),
                );
                None
            }
        }
    }

    // ---- lookups -------------------------------------------------------------

    pub(crate) fn enum_name(&self, e: EnumId) -> &str {
        self.ir.enums.get(e).map(|d| d.name.as_str()).unwrap_or("?")
    }

    pub(crate) fn variant(&self, e: EnumId, name: &str) -> Option<VariantId> {
        self.variant_index.by_enum.get(e)?.get(name).copied()
    }

    pub(crate) fn variant_count(&self, e: EnumId) -> usize {
        self.ir.enums.get(e).map_or(0, |d| d.variants.len())
    }

    pub(crate) fn variant_names(&self, e: EnumId) -> impl Iterator<Item = &str> {
        self.ir
            .enums
            .get(e)
            .into_iter()
            .flat_map(|d| d.variants.iter().map(|v| v.name.as_str()))
    }

    pub(crate) fn first_variant(&self, e: EnumId) -> Option<&str> {
        self.variant_names(e).next()
    }

    /// The variants of an enum for a message: `` `a`, `b`, `c` ``, the first
    /// [`LISTED_VARIANTS`] of them and how many more there are for a longer enum (a
    /// message per misspelt variant that listed 100,000 of them would swamp the output).
    pub(crate) fn variant_list(&self, e: EnumId) -> String {
        let mut list: Vec<String> = self
            .variant_names(e)
            .take(LISTED_VARIANTS)
            .map(|v| format!("`{v}`"))
            .collect();
        let more = self.variant_count(e).saturating_sub(LISTED_VARIANTS);
        if more > 0 {
            list.push(format!("and {more} more"));
        }
        list.join(", ")
    }

    /// The enums that have a variant of this name, in declaration order.
    pub(crate) fn enums_with_variant(&self, name: &str) -> &[EnumId] {
        self.variant_index
            .by_name
            .get(name)
            .map_or(&[], Vec::as_slice)
    }

    /// Where an enum's name is declared.
    pub(crate) fn enum_loc(&self, e: EnumId) -> Option<Loc> {
        self.enum_decls.get(e).map(|at| at.loc(at.decl.name.span))
    }

    /// A type as the language writes it.
    pub(crate) fn ty_text(&self, ty: Ty) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::Enum(e) => self.enum_name(e).into(),
            Ty::Int { lo, hi } => format!("{lo}..={hi}"),
        }
    }

    pub(crate) fn out_ty_text(&self, ty: OutputTy) -> String {
        match ty {
            OutputTy::Single(t) => self.ty_text(t),
            OutputTy::Set(e) => format!("set of {}", self.enum_name(e)),
        }
    }

    /// The first input whose type is this enum, for examples in help messages.
    pub(crate) fn input_of_enum(&self, e: EnumId) -> Option<&str> {
        self.input_ty
            .iter()
            .position(|t| *t == Some(Ty::Enum(e)))
            .and_then(|i| self.input_decls.get(i))
            .map(|at| at.decl.name.name.as_str())
    }

    /// Names of the value namespace that satisfy `keep`, in declaration order.
    pub(crate) fn names_where(&self, keep: impl Fn(Sym) -> bool) -> Vec<&'a str> {
        self.value_order
            .iter()
            .filter(|(_, s)| keep(*s))
            .map(|(n, _)| *n)
            .collect()
    }

    pub(crate) fn input_loc(&self, i: InputId) -> Option<(Loc, Loc)> {
        self.input_decls
            .get(i)
            .map(|at| (at.loc(at.decl.name.span), at.loc(at.decl.ty.span())))
    }

    pub(crate) fn output_loc(&self, o: OutputId) -> Option<(Loc, Loc)> {
        self.output_decls
            .get(o)
            .map(|at| (at.loc(at.decl.name.span), at.loc(at.decl.ty.span())))
    }
}

/// How many variants a message lists at most.
const LISTED_VARIANTS: usize = 20;

/// The span of a declaration's first line, for labels that point at a whole item
/// without underlining all of it.
pub(crate) fn keyword_span(item: &ast::Item) -> Span {
    match item.kind.name() {
        Some(name) => Span::new(item.span.start, name.span.end.max(item.span.start)),
        None => item.span,
    }
}
