//! Names: the namespaces of a program, declarations and their duplicates, and types.
//!
//! Inputs, outputs, defines, rules, asserts and scenarios share one namespace; enums
//! have their own; each enum has its variants, which expressions reach through the type
//! they expect (so two enums may both have a `none`).

use crate::collections::HashMap;
use std::collections::BTreeSet;

use super::enums::Enums;
use super::ir::{self, Arena, IdxVec, OutputTy, Ty};
use super::modules::Program;
use super::sink::Sink;
use super::suggest::HelpOr;
use super::tables::{At, Decls, DefTy, Sym, TypeTable, Usage};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast;
use crate::source::{FileId, Loc, Span};

/// Registers every declaration of every module, reporting duplicates and misplaced or
/// repeated headers; the enums go into `enums` as they are declared.
pub(crate) fn collect<'a>(program: &'a Program, enums: &mut Enums, sink: &mut Sink) -> Decls<'a> {
    let mut c = Collector {
        decls: Decls::default(),
        enums,
        sink,
    };
    c.collect(program);
    c.decls
}

/// The declared types of inputs and outputs (marking the enums they use), and the IR of
/// the inputs and outputs.
pub(crate) fn resolve_types(
    decls: &Decls,
    enums: &Enums,
    usage: &mut Usage,
    sink: &mut Sink,
) -> (TypeTable, Arena<ir::InputDef>, Arena<ir::OutputDef>) {
    Resolver {
        decls,
        enums,
        usage,
        sink,
    }
    .resolve_types()
}

struct Collector<'c, 'a> {
    decls: Decls<'a>,
    enums: &'c mut Enums,
    sink: &'c mut Sink,
}

impl<'a> Collector<'_, 'a> {
    fn collect(&mut self, program: &'a Program) {
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
            self.sink.error(
                Diagnostic::error(Code::E0403, "the `policy` header must come first in its file")
                    .primary(here, "this header comes after other declarations")
                    .secondary(
                        at.loc(keyword_span(prev)),
                        format!("this `{}` comes before the header", prev.kind.keyword()),
                    )
                    .help("move the `policy` header to the top of the file, above every other declaration"),
            );
        }
        match self.decls.header {
            Some(first) => {
                let first_name = &first.decl.name.name;
                self.sink.error(
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
            None => self.decls.header = Some(at),
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
                let id = self.decls.inputs.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.declare_value(&d.name, file, Sym::Input(id));
            }
            K::Output(d) => {
                let id = self.decls.outputs.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.declare_value(&d.name, file, Sym::Output(id));
            }
            K::Define(d) => {
                let id = self.decls.defines.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.declare_value(&d.name, file, Sym::Define(id));
            }
            K::Rule(d) => {
                let id = self.decls.rules.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.declare_value(&d.name, file, Sym::Rule(id));
            }
            K::Assert(d) => {
                let id = self.decls.asserts.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.declare_value(&d.name, file, Sym::Assert(id));
            }
            K::Scenario(d) => {
                let id = self.decls.scenarios.push(At {
                    decl: d,
                    item,
                    file,
                });
                self.declare_value(&d.name, file, Sym::Scenario(id));
            }
            K::Assume(d) => self.decls.assumes.push(At {
                decl: d,
                item,
                file,
            }),
            K::Scope(d) => self.decls.scopes.push(At {
                decl: d,
                item,
                file,
            }),
            K::AcceptGap(d) => {
                self.decls.accepts.push(At {
                    decl: d,
                    item,
                    file,
                });
            }
            K::Ignore(d) => self.decls.ignores.push(At {
                decl: d,
                item,
                file,
            }),
        }
    }

    fn declare_value(&mut self, name: &'a ast::Ident, file: FileId, sym: Sym) {
        let here = Loc::new(file, name.span);
        match self.decls.values.get(name.name.as_str()) {
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
                self.sink.error(d);
            }
            None => {
                self.decls.values.insert(name.name.as_str(), (sym, here));
                self.decls.value_order.push((name.name.as_str(), sym));
            }
        }
    }

    fn declare_enum(&mut self, at: At<'a, ast::EnumDecl>) {
        let name = &at.decl.name;
        let here = at.loc(name.span);
        let first = self
            .decls
            .enum_names
            .get(name.name.as_str())
            .map(|&(_, l)| l);
        if let Some(first) = first {
            self.sink.error(
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
        let mut variants: ir::Arena<ir::VariantDef> = ir::Arena::new();
        let mut seen: HashMap<&str, Loc> = HashMap::default();
        for v in &at.decl.variants {
            let vloc = at.loc(v.name.span);
            if let Some(&first) = seen.get(v.name.name.as_str()) {
                self.sink.error(
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
            self.sink.error(
                Diagnostic::error(Code::E0321, format!("the enum `{}` has no variants", name.name))
                    .primary(here, "this enum is empty")
                    .note("an input of an empty enum could never have a value, so no incident would be possible")
                    .help(format!("list the values between the braces: `enum {} {{ a, b }}`", name.name)),
            );
        }
        let id = self.enums.push(ir::EnumDef {
            name: name.name.clone(),
            doc: at.doc(),
            variants,
            loc: at.item_loc(),
        });
        self.decls.enums.push(at);
        if first.is_none() {
            self.decls.enum_names.insert(name.name.as_str(), (id, here));
        }
    }
}

struct Resolver<'c, 'a> {
    decls: &'c Decls<'a>,
    enums: &'c Enums,
    usage: &'c mut Usage,
    sink: &'c mut Sink,
}

impl Resolver<'_, '_> {
    /// The declared types of inputs and outputs, and their IR.
    fn resolve_types(&mut self) -> (TypeTable, Arena<ir::InputDef>, Arena<ir::OutputDef>) {
        let decls = self.decls;
        let mut types = TypeTable {
            inputs: IdxVec::new(),
            outputs: IdxVec::new(),
            defines: IdxVec::filled(DefTy::Pending, decls.defines.len()),
            output_values: IdxVec::filled(BTreeSet::new(), decls.outputs.len()),
        };
        // Filled in declaration order, as `decls` numbers them.
        let mut inputs = Arena::new();
        let mut outputs = Arena::new();
        for &at in &decls.inputs {
            let ty = match &at.decl.ty {
                ast::TypeExpr::Set { span, .. } => {
                    self.sink.error(
                        Diagnostic::error(Code::E0320, format!("the input `{}` cannot be a set", at.decl.name.name))
                            .primary(at.loc(*span), "inputs hold one value")
                            .note("an input is one fact about an incident; only outputs may collect a set of values")
                            .help("declare one `bool` input per member, or use an enum if exactly one value applies"),
                    );
                    None
                }
                te => self.resolve_ty(te, at.file),
            };
            types.inputs.push(ty);
            inputs.push(ir::InputDef {
                name: at.decl.name.name.clone(),
                doc: at.doc(),
                ty: ty.unwrap_or(Ty::Bool),
                loc: at.item_loc(),
                // Checked against the type once every type is known (`lower.rs`).
                typical: None,
                judgement: at.decl.judgement.as_ref().map(|j| ir::Judgement {
                    citation: j.citation.value.clone(),
                    loc: at.loc(j.keyword.to(j.citation.span)),
                }),
            });
        }
        for &at in &decls.outputs {
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
                        self.sink.error(
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
            types.outputs.push(ty);
            outputs.push(ir::OutputDef {
                name: at.decl.name.name.clone(),
                doc: at.doc(),
                ty: ty.unwrap_or(OutputTy::Single(Ty::Bool)),
                default: None,
                loc: at.item_loc(),
                // Typed once every type is known (`lower.rs`).
                hit: ir::HitPolicy::Any,
            });
        }
        (types, inputs, outputs)
    }

    fn resolve_ty(&mut self, te: &ast::TypeExpr, file: FileId) -> Option<Ty> {
        match te {
            ast::TypeExpr::Bool(_) => Some(Ty::Bool),
            ast::TypeExpr::Named(id) => {
                if let Some(&(e, _)) = self.decls.enum_names.get(id.name.as_str()) {
                    Usage::mark(&mut self.usage.enums, e);
                    return Some(Ty::Enum(e));
                }
                if self.sink.lost(&id.name) {
                    return None;
                }
                let enums = self.enums;
                let at = Loc::new(file, id.span);
                let suggestion = self.sink.did_you_mean(&id.name, at, || {
                    enums.defs().iter().map(|e| e.name.as_str()).chain(["bool"])
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
                self.sink.error(d.help_or(suggestion, help));
                None
            }
            ast::TypeExpr::Range { lo, hi, span } => {
                if lo.value > hi.value {
                    self.sink.error(
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
                self.sink.error(
                    Diagnostic::error(Code::E0320, "a set is not allowed here")
                        .primary(Loc::new(file, *span), "sets are only for outputs")
                        .help("use `set of E` only as the type of an output"),
                );
                None
            }
        }
    }
}

/// The span of a declaration's first line, for labels that point at a whole item
/// without underlining all of it.
pub(crate) fn keyword_span(item: &ast::Item) -> Span {
    match item.kind.name() {
        Some(name) => Span::new(item.span.start, name.span.end.max(item.span.start)),
        None => item.span,
    }
}
