//! Declarations to IR: defaults, typical values, constraints, rules, acceptances,
//! asserts and scenarios, each typed and lowered by a [`Typer`]. The order of the
//! passes and the assembly of [`ir::Policy`] are `checker.rs`'s.

use crate::collections::HashMap;

use super::ir::{self, OutputId, OutputTy, Value};
use super::suggest::HelpOr;
use super::tables::{At, Sym, Usage};
use super::types::{Cx, ExprPlace, Typer};
use super::values::Target;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::parse::ast;
use crate::source::{FileId, Loc};

impl<'a> Typer<'_, 'a> {
    fn output_target(&self, o: OutputId) -> Option<Target<'a>> {
        let at = self.decls.outputs.lookup(o)?;
        let ty = self.types.outputs.get(o).copied().flatten()?;
        Some(Target {
            name: &at.decl.name.name,
            what: "output",
            ty,
            ty_loc: at.loc(at.decl.ty.span()),
            after: None,
        })
    }

    /// Input `i` as the target of a value, written after `after` (or assigned).
    fn input_target(&self, i: ir::InputId, after: Option<&'static str>) -> Option<Target<'a>> {
        let at = &self.decls.inputs[i];
        let ty = self.types.inputs.get(i).copied().flatten()?;
        Some(Target {
            name: &at.decl.name.name,
            what: "input",
            ty: OutputTy::Single(ty),
            ty_loc: at.loc(at.decl.ty.span()),
            after,
        })
    }

    fn record_value(&mut self, o: OutputId, v: &Value) {
        if let (Value::Int(i), Some(set)) = (v, self.types.output_values.get_mut(o)) {
            set.insert(*i);
        }
    }

    /// The outputs' defaults, checked against their types, into `outputs`.
    pub(crate) fn lower_defaults(&mut self, outputs: &mut ir::Arena<ir::OutputDef>) {
        for (o, &at) in self.decls.outputs.entries() {
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
                outputs[o].default = Some(v);
            }
        }
    }

    /// The outputs' hit policies (`precedence`, `exclusive`), checked against their
    /// types, into `outputs`.
    pub(crate) fn lower_hit_policies(&mut self, outputs: &mut ir::Arena<ir::OutputDef>) {
        for o in self.decls.outputs.ids() {
            let at = self.decls.outputs[o];
            if at.decl.hit.is_empty() {
                continue;
            }
            let name = &at.decl.name.name;
            // One hit policy an output; a second is reported and the first kept.
            let Some((first, rest)) = at.decl.hit.split_first() else {
                continue;
            };
            let mut fits = true;
            if let Some(second) = rest.first() {
                fits = false;
                let d = self.second_hit_policy(at, name, first, second);
                self.sink.error(d);
            }
            let Some(ty) = self.types.outputs.get(o).copied().flatten() else {
                continue;
            };
            let hit_loc = at.loc(first.span());
            let ty_loc = at.loc(at.decl.ty.span());
            let ty_text = self.enums.output_ty_text(ty);
            let wrong = |what: &str, why: String, help: &str| {
                Diagnostic::error(
                    Code::E0323,
                    format!("`{what}` does not fit `{name}`, an output of type `{ty_text}`"),
                )
                .primary(hit_loc, format!("`{what}` here"))
                .secondary(ty_loc, format!("`{name}` is declared as `{ty_text}` here"))
                .note(why)
                .help(help.to_string())
            };
            match (first, ty) {
                (ast::HitClause::Exclusive(_), OutputTy::Set(_)) => {
                    self.sink.error(wrong(
                        "exclusive",
                        "a set output collects every value the applying rules add, so rules may overlap on it by design".into(),
                        "remove `exclusive`, or make the output single-valued",
                    ));
                }
                (ast::HitClause::Exclusive(_), OutputTy::Single(_)) => {
                    if let Some(out) = Some(&mut outputs[o]).filter(|_| fits) {
                        out.hit = ir::HitPolicy::Exclusive { loc: hit_loc };
                    }
                }
                (ast::HitClause::Precedence { .. }, OutputTy::Set(_)) => {
                    self.sink.error(wrong(
                        "precedence",
                        "a set output collects every value the applying rules add, so there is nothing to choose between".into(),
                        "remove `precedence`",
                    ));
                }
                (ast::HitClause::Precedence { .. }, OutputTy::Single(ir::Ty::Int { .. })) => {
                    self.sink.error(wrong(
                        "precedence",
                        "a precedence orders the values of a `bool` or enum output; an integer's values are not choices to rank".into(),
                        "declare an enum of the outcomes and rank its variants, or remove `precedence`",
                    ));
                }
                (ast::HitClause::Precedence { values, .. }, OutputTy::Single(_)) => {
                    let target = match self.output_target(o) {
                        Some(t) => Target {
                            after: Some("precedence"),
                            ..t
                        },
                        None => continue,
                    };
                    let mut order: Vec<(Value, Loc, usize)> = Vec::new();
                    let mut ok = true;
                    let written: Vec<String> = values
                        .iter()
                        .map(|v| self.sources.slice(at.loc(v.span)).to_string())
                        .collect();
                    for (at_index, v) in values.iter().enumerate() {
                        let here = at.loc(v.span);
                        let Some(value) = self.value(v, at.file, &target) else {
                            ok = false;
                            continue;
                        };
                        if let Some((_, first_at, first_index)) =
                            order.iter().find(|(x, _, _)| *x == value)
                        {
                            ok = false;
                            let shown = self.sources.slice(here).to_string();
                            // Which copy goes decides the ranking: show both results.
                            let without = |drop: usize| {
                                written
                                    .iter()
                                    .enumerate()
                                    .filter(|(i, _)| *i != drop)
                                    .map(|(_, w)| w.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" > ")
                            };
                            let help = format!(
                                "remove one of the two; which one decides the ranking: remove the first: `{}`; remove the second: `{}`",
                                without(*first_index),
                                without(at_index)
                            );
                            self.sink.error(
                                Diagnostic::error(
                                    Code::E0324,
                                    format!(
                                        "`{shown}` is listed twice in the precedence of `{name}`"
                                    ),
                                )
                                .primary(here, "listed again here")
                                .secondary(*first_at, "first listed here")
                                .note("a precedence ranks each value once, highest first")
                                .help(help),
                            );
                            continue;
                        }
                        order.push((value, here, at_index));
                    }
                    if let Some(out) = Some(&mut outputs[o]).filter(|_| ok && fits) {
                        out.hit = ir::HitPolicy::Precedence {
                            order: order.into_iter().map(|(v, _, _)| v).collect(),
                            loc: hit_loc,
                        };
                    }
                }
            }
        }
    }

    /// E0323 for an output's second hit policy, with the help that fits the pair: two
    /// precedences merged into one order where they allow it.
    fn second_hit_policy(
        &self,
        at: At<'_, ast::OutputDecl>,
        name: &str,
        first: &ast::HitClause,
        second: &ast::HitClause,
    ) -> Diagnostic {
        // In the language's words: "hit policy" is DMN's, which a policy writer need
        // not know (review 2, C-c).
        let (message, note, label) = if second.keyword() == first.keyword() {
            (
                format!("`{name}` declares `{}` twice", first.keyword()),
                format!(
                    "an output says once how rules that give it different values are settled: one `{}` clause",
                    first.keyword()
                ),
                format!("a second `{}`", second.keyword()),
            )
        } else {
            (
                format!("`{name}` declares both `precedence` and `exclusive`"),
                "`precedence` lets rules overlap and says which value wins there; `exclusive` says no two rules may overlap at all".to_string(),
                format!("`{}` as well", second.keyword()),
            )
        };
        let mut d = Diagnostic::error(Code::E0323, message)
            .primary(at.loc(second.span()), label)
            .secondary(at.loc(first.span()), "the first")
            .note(note);
        d = match (first, second) {
            (
                ast::HitClause::Precedence { values: a, .. },
                ast::HitClause::Precedence { values: b, .. },
            ) => {
                let text = |vs: &[ast::Expr]| -> Vec<String> {
                    vs.iter()
                        .map(|v| self.sources.slice(at.loc(v.span)).to_string())
                        .collect()
                };
                let (a, b) = (text(a), text(b));
                // Between the clauses only blanks: the merged clause can replace
                // both at once.
                let between = self.sources.slice(at.loc(crate::source::Span::new(
                    first.span().end,
                    second.span().start,
                )));
                let both = (first.span().end <= second.span().start && between.trim().is_empty())
                    .then(|| {
                        at.loc(crate::source::Span::new(
                            first.span().start,
                            second.span().end,
                        ))
                    });
                merge_help(d, &a, &b, both)
            }
            _ if second.keyword() == first.keyword() => d.help("keep one of the two clauses"),
            _ => d.help("keep the one the document supports and remove the other"),
        };
        d
    }

    /// The inputs' `typical` values, checked against their types as a scenario's facts are.
    pub(crate) fn lower_typicals(&mut self, inputs: &mut ir::Arena<ir::InputDef>) {
        for (i, &at) in self.decls.inputs.entries() {
            let (Some(typical), Some(target)) =
                (&at.decl.typical, self.input_target(i, Some("typical")))
            else {
                continue;
            };
            if let Some(v) = self.value(typical, at.file, &target) {
                inputs[i].typical = Some(v);
            }
        }
    }

    /// The `assume` and `scope` conditions.
    pub(crate) fn lower_constraints(&mut self) -> (Vec<ir::Constraint>, Vec<ir::Constraint>) {
        let decls = self.decls;
        let lower = |t: &mut Self, list: &[At<'a, ast::CondDecl>], place: ExprPlace| {
            list.iter()
                .map(|at| ir::Constraint {
                    expr: t.condition(
                        &at.decl.cond,
                        Cx {
                            file: at.file,
                            place,
                        },
                    ),
                    loc: at.item_loc(),
                })
                .collect()
        };
        let assumes = lower(self, &decls.assumes, ExprPlace::Assume);
        let scope = lower(self, &decls.scopes, ExprPlace::Scope);
        (assumes, scope)
    }

    /// The output a `then`, `expect` or `accept gap` names.
    fn find_output(&mut self, ident: &ast::Ident, file: FileId, role: &str) -> Option<OutputId> {
        let loc = Loc::new(file, ident.span);
        match self.decls.values.get(ident.name.as_str()).copied() {
            Some((Sym::Output(o), _)) => Some(o),
            Some((sym, decl)) => {
                let help = match sym {
                    Sym::Input(_) => format!("inputs are facts about the incident: a scenario states them under `given`, and {role} names outputs"),
                    _ => format!("{role} names an output"),
                };
                self.sink.error(
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
            None if self.sink.lost(&ident.name) => None,
            None => {
                let decls = self.decls;
                let suggestion = self.sink.did_you_mean(&ident.name, loc, || {
                    decls.names_where(|s| matches!(s, Sym::Output(_)))
                });
                self.sink.error(
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

    /// The rules, with the `overrides` already resolved.
    pub(crate) fn lower_rules(
        &mut self,
        overrides: ir::IdxVec<ir::RuleDef, Vec<ir::RuleId>>,
    ) -> ir::Arena<ir::RuleDef> {
        let decls = self.decls;
        let mut rules = ir::Arena::new();
        for (r, at) in decls.rules.entries() {
            let cx = Cx {
                file: at.file,
                place: ExprPlace::Rule,
            };
            let when = match &at.decl.when {
                Some(w) => self.condition(w, cx),
                None => ir::Expr::Const(true),
            };
            let mut assigns = Vec::new();
            let mut seen: HashMap<OutputId, Loc> = HashMap::default();
            for a in &at.decl.then {
                let Some(o) = self.find_output(&a.target, at.file, "`then`") else {
                    continue;
                };
                Usage::mark(&mut self.usage.assigned_outputs, o);
                let here = at.loc(a.target.span);
                if let Some(&first) = seen.get(&o) {
                    self.sink.error(
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
            rules.push(ir::RuleDef {
                name: at.decl.name.name.clone(),
                title: at.decl.title.as_ref().map(|s| s.value.clone()),
                cites: at.decl.cites.as_ref().map(|s| s.value.clone()),
                doc: at.doc(),
                overrides: overrides.get(r).cloned().unwrap_or_default(),
                when,
                assigns,
                loc: at.item_loc(),
                name_loc: at.loc(at.decl.name.span),
                overrides_at: overrides_at(at.file, at.decl),
            });
        }
        rules
    }

    pub(crate) fn lower_accepted_gaps(&mut self) -> ir::Arena<ir::AcceptedGap> {
        let decls = self.decls;
        let mut gaps = ir::Arena::new();
        for &at in &decls.accepts {
            let output = self.find_output(&at.decl.output, at.file, "`accept gap`");
            let when = match &at.decl.when {
                Some(w) => self.condition(
                    w,
                    Cx {
                        file: at.file,
                        place: ExprPlace::AcceptGap,
                    },
                ),
                None => ir::Expr::Const(true),
            };
            if let Some(output) = output {
                gaps.push(ir::AcceptedGap {
                    output,
                    reason: at.decl.reason.value.clone(),
                    when,
                    loc: at.item_loc(),
                });
            }
        }
        gaps
    }

    pub(crate) fn lower_asserts(&mut self) -> ir::Arena<ir::AssertDef> {
        let decls = self.decls;
        let mut asserts = ir::Arena::new();
        for &at in &decls.asserts {
            let expr = self.condition(
                &at.decl.cond,
                Cx {
                    file: at.file,
                    place: ExprPlace::Assert,
                },
            );
            asserts.push(ir::AssertDef {
                name: at.decl.name.name.clone(),
                title: at.decl.title.as_ref().map(|s| s.value.clone()),
                cites: at.decl.cites.as_ref().map(|s| s.value.clone()),
                doc: at.doc(),
                expr,
                loc: at.item_loc(),
            });
        }
        asserts
    }

    pub(crate) fn lower_scenarios(&mut self) -> ir::Arena<ir::ScenarioDef> {
        let decls = self.decls;
        let mut scenarios = ir::Arena::new();
        for &at in &decls.scenarios {
            let given = self.lower_given(at);
            let expect = self.lower_expect(at);
            scenarios.push(ir::ScenarioDef {
                name: at.decl.name.name.clone(),
                title: at.decl.title.as_ref().map(|s| s.value.clone()),
                cites: at.decl.cites.as_ref().map(|s| s.value.clone()),
                doc: at.doc(),
                given,
                expect,
                loc: at.item_loc(),
            });
        }
        scenarios
    }

    fn lower_given(&mut self, at: At<'a, ast::ScenarioDecl>) -> Vec<ir::Fact> {
        let mut facts = Vec::new();
        let mut seen: HashMap<ir::InputId, Loc> = HashMap::default();
        for a in &at.decl.given {
            let here = at.loc(a.target.span);
            let input = match self.decls.values.get(a.target.name.as_str()).copied() {
                Some((Sym::Input(i), _)) => i,
                Some((sym, decl)) => {
                    let help = match sym {
                        Sym::Output(_) => {
                            "`given` states inputs; expect outputs under `expect`".to_string()
                        }
                        _ => "`given` states the values of inputs".to_string(),
                    };
                    self.sink.error(
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
                None if self.sink.lost(&a.target.name) => continue,
                None => {
                    let decls = self.decls;
                    let suggestion = self.sink.did_you_mean(&a.target.name, here, || {
                        decls.names_where(|s| matches!(s, Sym::Input(_)))
                    });
                    self.sink.error(
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
            Usage::mark(&mut self.usage.inputs, input);
            if let Some(&first) = seen.get(&input) {
                self.sink.error(
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
        let mut seen: HashMap<OutputId, Loc> = HashMap::default();
        let mut twice = |c: &mut Self, o: OutputId, name: &str, here: Loc| -> bool {
            if let Some(&first) = seen.get(&o) {
                c.sink.error(
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
                    if let Some(OutputTy::Set(_)) = self.types.outputs.get(o).copied().flatten() {
                        let name = &output.name;
                        let decl = self
                            .decls
                            .outputs
                            .lookup(o)
                            .map(|d| d.loc(d.decl.name.span));
                        let mut d = Diagnostic::warning(
                            Code::W0005,
                            format!("`{name}` is a set: it is never undecided"),
                        )
                        .primary(here, "this expectation can never hold");
                        if let Some(decl) = decl {
                            d = d.secondary(decl, "declared as a set here");
                        }
                        self.sink.push(d.help(format!(
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

/// Where a name is added to `rule`'s `overrides` (see [`ir::OverridesAt`]).
fn overrides_at(file: FileId, rule: &ast::RuleDecl) -> ir::OverridesAt {
    let (end, new_clause) = match rule.overrides.last() {
        Some(last) => (last.span.end, false),
        None => {
            let end = rule
                .cites
                .as_ref()
                .or(rule.title.as_ref())
                .map_or(rule.name.span.end, |s| s.span.end);
            (end, true)
        }
    };
    ir::OverridesAt {
        loc: Loc::new(file, crate::source::Span::new(end, end)),
        new_clause,
    }
}

/// E0323's help for two `precedence` clauses on one output (`a` first, `b` second, the
/// values as written). Keeping one would bring back the conflicts the other settles, so
/// the help merges them: one order when both clauses fit it (a fix replacing both, at
/// `both`, when only blanks lie between them); the candidates when they leave some
/// values unranked against each other; both candidate orders when they contradict.
fn merge_help(d: Diagnostic, a: &[String], b: &[String], both: Option<Loc>) -> Diagnostic {
    let ab = merge_orders(a, b);
    let ba = merge_orders(b, a);
    let fits = |o: &[String]| keeps_order(o, a) && keeps_order(o, b);
    let clause = |o: &[String]| format!("precedence {}", o.join(" > "));
    let fix = |d: Diagnostic, order: &[String], only: bool| match both {
        Some(at) => d.fix(Fix::MergePrecedence {
            at,
            clause: clause(order),
            only,
        }),
        None => d,
    };
    if fits(&ab) && ab == ba {
        let d = d.help(format!(
            "merge them into one clause, which keeps the order of both: `{}`",
            clause(&ab)
        ));
        return fix(d, &ab, true);
    }
    if fits(&ab) && fits(&ba) {
        let d = d.help(format!(
            "merge them into one clause; the two do not rank every value against each other, so take the order the document gives, for example `{}`{} or `{}`{}",
            clause(&ab),
            lowers(&ab),
            clause(&ba),
            lowers(&ba)
        ));
        return fix(fix(d, &ab, false), &ba, false);
    }
    d.help(format!(
        "the two clauses contradict each other: they rank some values in opposite orders, so no one order keeps both; merge them into the order the document gives: keeping the first clause's order, `{}`{}; keeping the second's, `{}`{}",
        clause(&ab),
        lowers(&ab),
        clause(&ba),
        lowers(&ba)
    ))
}

/// What an offered order does that a writer must not take by accident: rank a value
/// named as managing above a referral (review 2, C-d); empty otherwise.
fn lowers(order: &[String]) -> String {
    match super::protective::managing_above_referral(order) {
        Some((m, r)) => format!(" (which ranks managing, `{m}`, above the referral `{r}`)"),
        None => String::new(),
    }
}

/// `primary` with the values of `secondary` it lacks inserted, each just below the
/// lowest value `secondary` ranks above it (at the top when none).
fn merge_orders(primary: &[String], secondary: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in primary {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    for (k, v) in secondary.iter().enumerate() {
        if out.contains(v) {
            continue;
        }
        let above = secondary.iter().take(k);
        let at = above
            .filter_map(|x| out.iter().position(|y| y == x))
            .max()
            .map_or(0, |i| i + 1);
        out.insert(at.min(out.len()), v.clone());
    }
    out
}

/// Whether `order` ranks every pair of `chain`'s values as `chain` does.
fn keeps_order(order: &[String], chain: &[String]) -> bool {
    let pos = |v: &String| order.iter().position(|x| x == v);
    chain.windows(2).all(|w| match w {
        [x, y] => matches!((pos(x), pos(y)), (Some(i), Some(j)) if i < j),
        _ => true,
    })
}
