//! Constant values: what `then`, `given`, `expect` and `default` write.

use super::ir::{EnumId, OutputTy, Ty, Value};
use super::types::{strip_parens, Typer};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast::{self, ExprKind, UnOp};
use crate::source::{FileId, Loc};

/// What a value is for: the input or output it is given to.
pub(crate) struct Target<'t> {
    pub name: &'t str,
    /// `input` or `output`.
    pub what: &'static str,
    pub ty: OutputTy,
    /// The declared type, for "declared here" labels.
    pub ty_loc: Loc,
    /// The keyword the value follows (`default`, `typical`), or `None` where it is
    /// assigned (`name = value`): how the help spells a value to write.
    pub after: Option<&'static str>,
}

impl Target<'_> {
    /// A value `v` as the writer would write it here: `name = v`, or after the clause's
    /// keyword (`default v`, `typical v`).
    fn spell(&self, v: &str) -> String {
        match self.after {
            // A precedence lists two or more values: one alone is no clause to write.
            Some("precedence") => format!("`{v}` (as in `precedence {v} > ...`)"),
            Some(keyword) => format!("`{keyword} {v}`"),
            None => format!("`{} = {v}`", self.name),
        }
    }
}

impl<'a> Typer<'_, 'a> {
    /// Checks a constant against its target's type; `None` after reporting a mistake.
    pub(crate) fn value(
        &mut self,
        e: &'a ast::Expr,
        file: FileId,
        target: &Target,
    ) -> Option<Value> {
        let loc = Loc::new(file, e.span);
        let inner = strip_parens(e);
        let int_literal = int_literal(inner);
        match (target.ty, &inner.kind) {
            (OutputTy::Single(Ty::Bool), ExprKind::Bool(b)) => Some(Value::Bool(*b)),
            (OutputTy::Single(Ty::Int { lo, hi }), _) if int_literal.is_some() => {
                self.int_value(int_literal.flatten(), (lo, hi), loc, target)
            }
            (OutputTy::Single(Ty::Enum(e)), ExprKind::Name(n)) => match self.enums.variant(e, n) {
                Some(v) => Some(Value::Enum(e, v)),
                None => {
                    if !self.not_a_constant(n, loc, target) {
                        self.unknown_variant(n, loc, e);
                    }
                    None
                }
            },
            (OutputTy::Set(e), ExprKind::Set(elems)) => self.set_value(e, elems, file, target),
            (OutputTy::Set(e), _) => {
                self.not_a_set(e, inner, loc, target);
                None
            }
            (OutputTy::Single(ty), ExprKind::Set(elems)) => {
                self.set_for_one_value(ty, elems, file, loc, target);
                None
            }
            (OutputTy::Single(ty), ExprKind::Name(n)) => {
                if !self.not_a_constant(n, loc, target) {
                    self.wrong_name(ty, n, loc, target);
                }
                None
            }
            (OutputTy::Single(ty), kind)
                if int_literal.is_some() || matches!(kind, ExprKind::Bool(_)) =>
            {
                let d = Diagnostic::error(
                    Code::E0301,
                    format!(
                        "expected `{}`, found {}",
                        self.enums.ty_text(ty),
                        literal_desc(inner)
                    ),
                )
                .primary(loc, format!("expected `{}`", self.enums.ty_text(ty)))
                .note("there is no implicit conversion between booleans, integers and enums")
                .help(self.value_help(ty, target));
                self.sink.error(self.declared(d, target));
                None
            }
            (OutputTy::Single(ty), _) => {
                let d = Diagnostic::error(Code::E0315, "expected a constant value")
                    .primary(loc, "this is an expression, not a value")
                    .note(format!(
                        "{} values are written as constants: `true`, `15` or a variant name",
                        target.what
                    ))
                    .help(self.value_help(ty, target));
                self.sink.error(self.declared(d, target));
                None
            }
        }
    }

    /// The label saying how the target is declared.
    fn declared(&self, d: Diagnostic, target: &Target) -> Diagnostic {
        let ty_text = self.enums.output_ty_text(target.ty);
        d.secondary(
            target.ty_loc,
            format!("`{}` is declared as `{ty_text}` here", target.name),
        )
    }

    /// An integer literal (`None`: it overflows) for an int target of range `lo..=hi`.
    fn int_value(
        &mut self,
        literal: Option<i64>,
        (lo, hi): (i64, i64),
        loc: Loc,
        target: &Target,
    ) -> Option<Value> {
        let Some(v) = literal else {
            self.sink.error(
                Diagnostic::error(Code::E0311, "integer overflow")
                    .primary(loc, "this value does not fit in a 64-bit integer")
                    .help("use a smaller number"),
            );
            return None;
        };
        if (lo..=hi).contains(&v) {
            return Some(Value::Int(v));
        }
        let d = Diagnostic::error(
            Code::E0312,
            format!("`{v}` is outside the range of `{}`", target.name),
        )
        .primary(loc, format!("`{}` is between {lo} and {hi}", target.name))
        .secondary(
            target.ty_loc,
            format!(
                "the {} `{}` is declared with the range `{lo}..={hi}` here",
                target.what, target.name
            ),
        )
        .help(super::types::range_help(
            lo,
            hi,
            target.name,
            target.ty_loc.file != loc.file,
        ));
        self.sink.error(d);
        None
    }

    /// `{a, b}` for a `set of` enum `e`: sorted, without repeats.
    fn set_value(
        &mut self,
        e: EnumId,
        elems: &[ast::Expr],
        file: FileId,
        target: &Target,
    ) -> Option<Value> {
        let mut vars = Vec::with_capacity(elems.len());
        let mut ok = true;
        for el in elems {
            let el_loc = Loc::new(file, el.span);
            match &strip_parens(el).kind {
                ExprKind::Name(n) => match self.enums.variant(e, n) {
                    Some(v) => vars.push(v),
                    None => {
                        if !self.not_a_constant(n, el_loc, target) {
                            self.unknown_variant(n, el_loc, e);
                        }
                        ok = false;
                    }
                },
                _ => {
                    let en = self.enums.name(e).to_string();
                    let d = Diagnostic::error(
                        Code::E0301,
                        format!("expected a variant of `{en}` in the set"),
                    )
                    .primary(el_loc, format!("expected a variant of `{en}`"));
                    self.sink.error(self.declared(d, target));
                    ok = false;
                }
            }
        }
        vars.sort_unstable();
        vars.dedup();
        ok.then_some(Value::Set(e, vars))
    }

    /// Something other than `{..}` for a `set of` enum `e`.
    fn not_a_set(&mut self, e: EnumId, inner: &ast::Expr, loc: Loc, target: &Target) {
        let en = self.enums.name(e).to_string();
        let src = self.sources.slice(loc).to_string();
        let single_variant =
            matches!(&inner.kind, ExprKind::Name(n) if self.enums.variant(e, n).is_some());
        if single_variant {
            let d = Diagnostic::error(
                Code::E0314,
                format!("`{}` is a set, but it is given a single value", target.name),
            )
            .primary(loc, "a single value")
            .note(format!(
                "a `set of {en}` {} is given a set of variants, in braces",
                target.what
            ))
            .help(format!(
                "write a set: {}",
                target.spell(&format!("{{{src}}}"))
            ));
            self.sink.error(self.declared(d, target));
        } else if let ExprKind::Name(n) = &inner.kind {
            if !self.not_a_constant(n, loc, target) {
                self.unknown_variant(n, loc, e);
            }
        } else {
            let first = self.enums.first_variant(e).unwrap_or("a").to_string();
            let d = Diagnostic::error(
                Code::E0301,
                format!("expected a set of `{en}`, found {}", literal_desc(inner)),
            )
            .primary(loc, format!("expected a set of `{en}`"))
            .help(format!(
                "write a set of variants: {}",
                target.spell(&format!("{{{first}}}"))
            ));
            self.sink.error(self.declared(d, target));
        }
    }

    /// `{..}` for a target that holds one value of type `ty`.
    fn set_for_one_value(
        &mut self,
        ty: Ty,
        elems: &[ast::Expr],
        file: FileId,
        loc: Loc,
        target: &Target,
    ) {
        let example = match (ty, elems.first()) {
            (Ty::Enum(_), Some(first)) => {
                self.sources.slice(Loc::new(file, first.span)).to_string()
            }
            (Ty::Enum(e), None) => self.enums.first_variant(e).unwrap_or("a").to_string(),
            (Ty::Bool, _) => "true".into(),
            (Ty::Int { lo, .. }, _) => lo.to_string(),
        };
        let d = Diagnostic::error(
            Code::E0314,
            format!("`{}` holds one value, but it is given a set", target.name),
        )
        .primary(loc, "a set")
        .note(match target.what {
            "input" => "an input holds one value: sets are for `set of` outputs".to_string(),
            what => format!("only a `set of` {what} is given a set"),
        })
        .help(format!("give one value: {}", target.spell(&example)));
        self.sink.error(self.declared(d, target));
    }

    /// A name that is no value of `ty` (a variant of another enum, or nothing).
    fn wrong_name(&mut self, ty: Ty, n: &str, loc: Loc, target: &Target) {
        let found = match self.enums.with_variant(n).first() {
            Some(&e) => format!("the variant `{n}` of `{}`", self.enums.name(e)),
            None => format!("`{n}`"),
        };
        let d = Diagnostic::error(
            Code::E0301,
            format!("expected `{}`, found {found}", self.enums.ty_text(ty)),
        )
        .primary(loc, format!("expected `{}`", self.enums.ty_text(ty)))
        .help(self.value_help(ty, target));
        self.sink.error(self.declared(d, target));
    }

    fn value_help(&self, ty: Ty, target: &Target) -> String {
        let spelt = |v: &str| target.spell(v);
        match ty {
            Ty::Bool if target.after == Some("precedence") => {
                "write `precedence true > false` or `precedence false > true`".to_string()
            }
            Ty::Bool => format!("write {} or {}", spelt("true"), spelt("false")),
            Ty::Int { lo, hi } => {
                format!(
                    "write an integer from {lo} to {hi}, such as {}",
                    spelt(&lo.to_string())
                )
            }
            Ty::Enum(e) => {
                format!(
                    "write one variant of `{}`: {}",
                    self.enums.name(e),
                    self.enums.variant_list(e)
                )
            }
        }
    }

    /// A name in value position that is an input, output or other declaration rather
    /// than a constant; reports it and returns true.
    fn not_a_constant(&mut self, n: &str, loc: Loc, target: &Target) -> bool {
        let Some(&(sym, decl)) = self.decls.values.get(n) else {
            return false;
        };
        if let super::ir::OutputTy::Single(Ty::Enum(e)) | super::ir::OutputTy::Set(e) = target.ty {
            if self.enums.variant(e, n).is_some() {
                return false;
            }
        }
        let help = match target.ty {
            OutputTy::Single(ty) => self.value_help(ty, target),
            OutputTy::Set(e) => {
                let first = self.enums.first_variant(e).unwrap_or("a").to_string();
                format!(
                    "write a set of variants: {}",
                    target.spell(&format!("{{{first}}}"))
                )
            }
        };
        self.sink.error(
            Diagnostic::error(Code::E0315, format!("expected a constant value, found {} `{n}`", sym.kind()))
                .primary(loc, format!("`{n}` is {}", sym.a_kind()))
                .secondary(decl, format!("`{n}` is declared here"))
                .note(match target.after {
                    Some("typical") => "`typical` names one constant value of the input's type: the value an incident usually has",
                    _ => "rules, scenarios and defaults give constant values; to depend on an input, write one rule per case with `when`",
                })
                .help(help),
        );
        true
    }
}

/// `15`, `-15` (`Some(None)` when negating overflows), or `None` for anything else.
fn int_literal(e: &ast::Expr) -> Option<Option<i64>> {
    match &e.kind {
        ExprKind::Int(i) => Some(Some(*i)),
        ExprKind::Unary(UnOp::Neg, x) => match strip_parens(x).kind {
            ExprKind::Int(i) => Some(i.checked_neg()),
            _ => None,
        },
        _ => None,
    }
}

fn literal_desc(e: &ast::Expr) -> &'static str {
    match &e.kind {
        ExprKind::Bool(_) => "a boolean",
        ExprKind::Int(_) | ExprKind::Unary(UnOp::Neg, _) => "an integer",
        ExprKind::Set(_) => "a set",
        ExprKind::Name(_) => "a name",
        _ => "an expression",
    }
}
