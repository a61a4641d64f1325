//! Declarations to IR: the order of the checks and the assembly of [`ir::Policy`].

use std::collections::HashMap;
use std::path::Path;

use super::ir::{self, OutputId, OutputTy, Value};
use super::resolve::{At, Checker, Sym};
use super::suggest::HelpOr;
use super::types::{Ctx, Cx};
use super::values::Target;
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast;
use crate::source::{FileId, Loc};

impl<'a> Checker<'a> {
    /// Runs every check; the IR comes back only when there is no error.
    pub(crate) fn run(mut self, root_path: &Path) -> (Option<ir::Policy>, Vec<Diagnostic>) {
        self.collect();
        self.resolve_types();
        self.register_imports();
        for at in self.define_decls.clone() {
            self.ir.defines.push(ir::DefineDef {
                name: at.decl.name.name.clone(),
                doc: at.doc(),
                body: ir::DefineBody::Bool(ir::Expr::Const(false)),
                loc: at.item_loc(),
            });
        }
        self.check_defines();
        self.lower_defaults();
        self.lower_typicals();
        self.lower_constraints();
        let overrides = self.resolve_overrides();
        self.lower_rules(overrides);
        self.lower_accepted_gaps();
        self.lower_asserts();
        self.lower_scenarios();
        self.lints();
        self.finish_imports();

        self.ir.name = match self.header {
            Some(h) => h.decl.name.name.clone(),
            None => root_path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        self.ir.header = self.header.map(|h| ir::Header {
            title: h.decl.title.as_ref().map(|s| s.value.clone()),
            source: h.decl.source.as_ref().map(|s| s.value.clone()),
            version: h.decl.version.as_ref().map(|s| s.value.clone()),
            doc: h.doc(),
            loc: h.item_loc(),
        });
        let ok = !self.diags.iter().any(Diagnostic::is_error);
        (ok.then_some(self.ir), self.diags)
    }

    fn output_target(&self, o: OutputId) -> Option<Target<'a>> {
        let at = self.output_decls.get(o)?;
        let ty = self.output_ty.get(o).copied().flatten()?;
        Some(Target {
            name: &at.decl.name.name,
            what: "output",
            ty,
            ty_loc: at.loc(at.decl.ty.span()),
            after: None,
        })
    }

    /// Input `i` as the target of a value, written after `after` (or assigned).
    fn input_target(&self, i: usize, after: Option<&'static str>) -> Option<Target<'a>> {
        let at = self.input_decls.get(i)?;
        let ty = self.input_ty.get(i).copied().flatten()?;
        Some(Target {
            name: &at.decl.name.name,
            what: "input",
            ty: OutputTy::Single(ty),
            ty_loc: at.loc(at.decl.ty.span()),
            after,
        })
    }

    fn record_value(&mut self, o: OutputId, v: &Value) {
        if let (Value::Int(i), Some(set)) = (v, self.output_values.get_mut(o)) {
            set.insert(*i);
        }
    }

    fn lower_defaults(&mut self) {
        for o in 0..self.output_decls.len() {
            let Some(at) = self.output_decls.get(o).copied() else {
                continue;
            };
            let Some(default) = &at.decl.default else {
                continue;
            };
            let Some(target) = self.output_target(o) else {
                continue;
            };
            let target = Target {
                after: Some("default"),
                ..target
            };
            if let Some(v) = self.value(default, at.file, &target) {
                self.record_value(o, &v);
                if let Some(out) = self.ir.outputs.get_mut(o) {
                    out.default = Some(v);
                }
            }
        }
    }

    /// The inputs' `typical` values, checked against their types as a scenario's facts are.
    fn lower_typicals(&mut self) {
        for i in 0..self.input_decls.len() {
            let Some(at) = self.input_decls.get(i).copied() else {
                continue;
            };
            let (Some(typical), Some(target)) =
                (&at.decl.typical, self.input_target(i, Some("typical")))
            else {
                continue;
            };
            if let Some(v) = self.value(typical, at.file, &target) {
                if let Some(input) = self.ir.inputs.get_mut(i) {
                    input.typical = Some(v);
                }
            }
        }
    }

    fn lower_constraints(&mut self) {
        for at in self.assume_decls.clone() {
            let expr = self.condition(
                &at.decl.cond,
                Cx {
                    file: at.file,
                    ctx: Ctx::Assume,
                },
            );
            self.ir.assumes.push(ir::Constraint {
                expr,
                loc: at.item_loc(),
            });
        }
        for at in self.scope_decls.clone() {
            let expr = self.condition(
                &at.decl.cond,
                Cx {
                    file: at.file,
                    ctx: Ctx::Scope,
                },
            );
            self.ir.scope.push(ir::Constraint {
                expr,
                loc: at.item_loc(),
            });
        }
    }

    /// The output a `then`, `expect` or `accept gap` names.
    fn find_output(&mut self, ident: &ast::Ident, file: FileId, role: &str) -> Option<OutputId> {
        let loc = Loc::new(file, ident.span);
        match self.values.get(ident.name.as_str()).copied() {
            Some((Sym::Output(o), _)) => Some(o),
            Some((sym, decl)) => {
                let help = match sym {
                    Sym::Input(_) => format!("inputs are facts about the incident: a scenario states them under `given`, and {role} names outputs"),
                    _ => format!("{role} names an output"),
                };
                self.error(
                    Diagnostic::error(
                        Code::E0206,
                        format!("`{}` is {}, not an output", ident.name, sym.a_kind()),
                    )
                    .primary(loc, "expected an output")
                    .secondary(decl, format!("`{}` is declared here", ident.name))
                    .help(help),
                );
                None
            }
            None if self.lost(&ident.name) => None,
            None => {
                let suggestion = self.did_you_mean(&ident.name, loc, |c| {
                    c.names_where(|s| matches!(s, Sym::Output(_)))
                });
                self.error(
                    Diagnostic::error(
                        Code::E0203,
                        format!("cannot find the output `{}`", ident.name),
                    )
                    .primary(loc, "no output has this name")
                    .help_or(suggestion, || {
                        format!(
                            "declare it (`output {}: bool`), or `use` the file that declares it",
                            ident.name
                        )
                    }),
                );
                None
            }
        }
    }

    fn lower_rules(&mut self, overrides: Vec<Vec<usize>>) {
        let rules = self.rule_decls.clone();
        for (r, at) in rules.iter().enumerate() {
            let cx = Cx {
                file: at.file,
                ctx: Ctx::Rule,
            };
            let when = match &at.decl.when {
                Some(w) => self.condition(w, cx),
                None => ir::Expr::Const(true),
            };
            let mut assigns = Vec::new();
            let mut seen: HashMap<OutputId, Loc> = HashMap::new();
            for a in &at.decl.then {
                let Some(o) = self.find_output(&a.target, at.file, "`then`") else {
                    continue;
                };
                if let Some(slot) = self.assigned_output.get_mut(o) {
                    *slot = true;
                }
                let here = at.loc(a.target.span);
                if let Some(&first) = seen.get(&o) {
                    self.error(
                        Diagnostic::error(
                            Code::E0316,
                            format!("`{}` is assigned twice in the rule `{}`", a.target.name, at.decl.name.name),
                        )
                        .primary(here, "assigned again here")
                        .secondary(first, "first assigned here")
                        .help("a rule gives each output one value: remove one of the assignments, or make two rules"),
                    );
                    continue;
                }
                seen.insert(o, here);
                let Some(target) = self.output_target(o) else {
                    continue;
                };
                if let Some(value) = self.value(&a.value, at.file, &target) {
                    self.record_value(o, &value);
                    assigns.push(ir::Assign {
                        output: o,
                        value,
                        loc: at.loc(a.span),
                    });
                }
            }
            self.ir.rules.push(ir::RuleDef {
                name: at.decl.name.name.clone(),
                title: at.decl.title.as_ref().map(|s| s.value.clone()),
                cites: at.decl.cites.as_ref().map(|s| s.value.clone()),
                doc: at.doc(),
                overrides: overrides.get(r).cloned().unwrap_or_default(),
                when,
                assigns,
                loc: at.item_loc(),
                name_loc: at.loc(at.decl.name.span),
            });
        }
    }

    fn lower_accepted_gaps(&mut self) {
        for at in self.accept_decls.clone() {
            let output = self.find_output(&at.decl.output, at.file, "`accept gap`");
            let when = match &at.decl.when {
                Some(w) => self.condition(
                    w,
                    Cx {
                        file: at.file,
                        ctx: Ctx::AcceptGap,
                    },
                ),
                None => ir::Expr::Const(true),
            };
            if let Some(output) = output {
                self.ir.accepted_gaps.push(ir::AcceptedGap {
                    output,
                    reason: at.decl.reason.value.clone(),
                    when,
                    loc: at.item_loc(),
                });
            }
        }
    }

    fn lower_asserts(&mut self) {
        for at in self.assert_decls.clone() {
            let expr = self.condition(
                &at.decl.cond,
                Cx {
                    file: at.file,
                    ctx: Ctx::Assert,
                },
            );
            self.ir.asserts.push(ir::AssertDef {
                name: at.decl.name.name.clone(),
                title: at.decl.title.as_ref().map(|s| s.value.clone()),
                cites: at.decl.cites.as_ref().map(|s| s.value.clone()),
                doc: at.doc(),
                expr,
                loc: at.item_loc(),
            });
        }
    }

    fn lower_scenarios(&mut self) {
        for at in self.scenario_decls.clone() {
            let given = self.lower_given(at);
            let expect = self.lower_expect(at);
            self.ir.scenarios.push(ir::ScenarioDef {
                name: at.decl.name.name.clone(),
                title: at.decl.title.as_ref().map(|s| s.value.clone()),
                cites: at.decl.cites.as_ref().map(|s| s.value.clone()),
                doc: at.doc(),
                given,
                expect,
                loc: at.item_loc(),
            });
        }
    }

    fn lower_given(&mut self, at: At<'a, ast::ScenarioDecl>) -> Vec<ir::Fact> {
        let mut facts = Vec::new();
        let mut seen: HashMap<usize, Loc> = HashMap::new();
        for a in &at.decl.given {
            let here = at.loc(a.target.span);
            let input = match self.values.get(a.target.name.as_str()).copied() {
                Some((Sym::Input(i), _)) => i,
                Some((sym, decl)) => {
                    let help = match sym {
                        Sym::Output(_) => {
                            "`given` states inputs; expect outputs under `expect`".to_string()
                        }
                        _ => "`given` states the values of inputs".to_string(),
                    };
                    self.error(
                        Diagnostic::error(
                            Code::E0206,
                            format!("`{}` is {}, not an input", a.target.name, sym.a_kind()),
                        )
                        .primary(here, "expected an input")
                        .secondary(decl, format!("`{}` is declared here", a.target.name))
                        .help(help),
                    );
                    continue;
                }
                None if self.lost(&a.target.name) => continue,
                None => {
                    let suggestion = self.did_you_mean(&a.target.name, here, |c| {
                        c.names_where(|s| matches!(s, Sym::Input(_)))
                    });
                    self.error(
                        Diagnostic::error(
                            Code::E0203,
                            format!("cannot find the input `{}`", a.target.name),
                        )
                        .primary(here, "no input has this name")
                        .help_or(suggestion, || {
                            "`given` states the values of declared inputs".to_string()
                        }),
                    );
                    continue;
                }
            };
            if let Some(u) = self.used_input.get_mut(input) {
                *u = true;
            }
            if let Some(&first) = seen.get(&input) {
                self.error(
                    Diagnostic::error(
                        Code::E0317,
                        format!(
                            "`{}` is given twice in the scenario `{}`",
                            a.target.name, at.decl.name.name
                        ),
                    )
                    .primary(here, "given again here")
                    .secondary(first, "first given here")
                    .help("a scenario states each fact once: remove one, or write two scenarios"),
                );
                continue;
            }
            seen.insert(input, here);
            let Some(target) = self.input_target(input, None) else {
                continue;
            };
            if let Some(value) = self.value(&a.value, at.file, &target) {
                facts.push(ir::Fact {
                    input,
                    value,
                    loc: at.loc(a.span),
                });
            }
        }
        facts
    }

    fn lower_expect(&mut self, at: At<'a, ast::ScenarioDecl>) -> Vec<ir::Expect> {
        let mut out = Vec::new();
        let mut seen: HashMap<OutputId, Loc> = HashMap::new();
        let mut twice = |c: &mut Self, o: OutputId, name: &str, here: Loc| -> bool {
            if let Some(&first) = seen.get(&o) {
                c.error(
                    Diagnostic::error(
                        Code::E0318,
                        format!(
                            "`{name}` is expected twice in the scenario `{}`",
                            at.decl.name.name
                        ),
                    )
                    .primary(here, "expected again here")
                    .secondary(first, "first expected here")
                    .help("a scenario states one expectation per output: remove one of them"),
                );
                return true;
            }
            seen.insert(o, here);
            false
        };
        for e in &at.decl.expect {
            match e {
                ast::Expectation::Value(a) => {
                    let here = at.loc(a.target.span);
                    let Some(o) = self.find_output(&a.target, at.file, "`expect`") else {
                        continue;
                    };
                    if twice(self, o, &a.target.name, here) {
                        continue;
                    }
                    let Some(target) = self.output_target(o) else {
                        continue;
                    };
                    if let Some(value) = self.value(&a.value, at.file, &target) {
                        out.push(ir::Expect::Value {
                            output: o,
                            value,
                            loc: at.loc(a.span),
                        });
                    }
                }
                ast::Expectation::Undecided { output, span } => {
                    let here = at.loc(output.span);
                    let Some(o) = self.find_output(output, at.file, "`expect undecided`") else {
                        continue;
                    };
                    if twice(self, o, &output.name, here) {
                        continue;
                    }
                    if let Some(OutputTy::Set(_)) = self.output_ty.get(o).copied().flatten() {
                        let name = &output.name;
                        let decl = self.output_decls.get(o).map(|d| d.loc(d.decl.name.span));
                        let mut d = Diagnostic::warning(
                            Code::W0005,
                            format!("`{name}` is a set: it is never undecided"),
                        )
                        .primary(here, "this expectation can never hold");
                        if let Some(decl) = decl {
                            d = d.secondary(decl, "declared as a set here");
                        }
                        self.diags.push(d.help(format!(
                            "a set is empty when no rule adds to it: to expect that, write `{name} = {{}}`"
                        )));
                    }
                    out.push(ir::Expect::Undecided {
                        output: o,
                        loc: at.loc(*span),
                    });
                }
                ast::Expectation::OutOfScope(span) => {
                    out.push(ir::Expect::OutOfScope { loc: at.loc(*span) })
                }
            }
        }
        out
    }
}

/// `true` when the output can never be undecided for want of a rule.
pub(crate) fn never_gaps(ty: Option<OutputTy>, has_default: bool) -> bool {
    has_default || matches!(ty, Some(OutputTy::Set(_)))
}
