//! The IR as text, for tests and for reading: every declaration in order, in a form
//! close to the language, with names where the IR has ids. Stable (no spans, nothing
//! hashed), so checker tests snapshot it instead of building IR by hand.
//!
//! Expressions show the IR's own structure: `and`/`or` chains as the IR flattened them,
//! `iff` where a boolean equality became one, an input's variants as `in {..}` and an
//! output's values as `is {..}`; a nested `and`/`or`/`implies`/`iff` is bracketed, and
//! so is anything but a name under `not`. Values name their enum (`Concern::none`):
//! two enums may share a variant name. An id the policy does not have is shown as
//! `input#7` rather than failing.

use std::fmt::Write;

use super::{DefineBody, Expect, Expr, HitPolicy, LinExpr, OutputTy, Policy, Ty, Value};

impl Policy {
    /// The whole policy as text (see the module's documentation).
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        for line in self.pretty_lines() {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// One expression of this policy as text.
    pub fn pretty_expr(&self, e: &Expr) -> String {
        let mut out = String::new();
        self.expr_into(&mut out, e);
        out
    }

    /// An integer expression of this policy as text: `oldest_age - youngest_age + 1`.
    pub fn pretty_lin(&self, l: &LinExpr) -> String {
        let mut out = String::new();
        for (k, &(c, i)) in l.terms.iter().enumerate() {
            let name = self.input_name(i);
            let sign = match (k, c < 0) {
                (0, false) => "",
                (0, true) => "-",
                (_, false) => " + ",
                (_, true) => " - ",
            };
            match c.unsigned_abs() {
                1 => {
                    let _ = write!(out, "{sign}{name}");
                }
                n => {
                    let _ = write!(out, "{sign}{n}*{name}");
                }
            }
        }
        match (l.terms.is_empty(), l.constant) {
            (true, c) => {
                let _ = write!(out, "{c}");
            }
            (false, 0) => {}
            (false, c) if c < 0 => {
                let _ = write!(out, " - {}", c.unsigned_abs());
            }
            (false, c) => {
                let _ = write!(out, " + {c}");
            }
        }
        out
    }

    fn pretty_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = |text: String| lines.push(text);
        match &self.header {
            Some(h) => {
                for d in doc_lines(&h.doc) {
                    line(d);
                }
                let mut head = format!("policy {}", self.name);
                for (word, value) in [
                    ("", &h.title),
                    ("source ", &h.source),
                    ("version ", &h.version),
                ] {
                    if let Some(v) = value {
                        let _ = write!(head, " {word}{v:?}");
                    }
                }
                line(head);
            }
            None => line(format!("module {}", self.name)),
        }
        for e in &self.enums {
            for d in doc_lines(&e.doc) {
                line(d);
            }
            let variants: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
            line(format!("enum {} {{ {} }}", e.name, variants.join(", ")));
        }
        for i in &self.inputs {
            for d in doc_lines(&i.doc) {
                line(d);
            }
            let typical = match &i.typical {
                Some(v) => format!(" typical {}", self.pretty_value(v)),
                None => String::new(),
            };
            line(format!("input {}: {}{typical}", i.name, self.ty_name(i.ty)));
            if let Some(j) = &i.judgement {
                line(format!("  judgement {:?}", j.citation));
            }
        }
        for o in &self.outputs {
            for l in self.output_lines(o) {
                line(l);
            }
        }
        for d in &self.defines {
            for doc in doc_lines(&d.doc) {
                line(doc);
            }
            line(match &d.body {
                DefineBody::Bool(e) => format!("define {}: bool = {}", d.name, self.pretty_expr(e)),
                DefineBody::Int(l) => format!("define {}: int = {}", d.name, self.pretty_lin(l)),
            });
        }
        for a in &self.assumes {
            line(format!("assume {}", self.pretty_expr(&a.expr)));
        }
        for s in &self.scope {
            line(format!("scope {}", self.pretty_expr(&s.expr)));
        }
        for r in &self.rules {
            for d in doc_lines(&r.doc) {
                line(d);
            }
            line(format!("rule {}{}", r.name, titled(&r.title, &r.cites)));
            if !r.overrides.is_empty() {
                let names: Vec<&str> = r.overrides.iter().map(|&k| self.rule_name(k)).collect();
                line(format!("  overrides {}", names.join(", ")));
            }
            line(format!("  when {}", self.pretty_expr(&r.when)));
            for a in &r.assigns {
                line(format!(
                    "  then {} = {}",
                    self.output_name(a.output),
                    self.pretty_value(&a.value)
                ));
            }
        }
        for g in &self.accepted_gaps {
            line(format!(
                "accept gap {} when {} because {:?}",
                self.output_name(g.output),
                self.pretty_expr(&g.when),
                g.reason
            ));
        }
        for a in &self.asserts {
            for d in doc_lines(&a.doc) {
                line(d);
            }
            line(format!("assert {}{}", a.name, titled(&a.title, &a.cites)));
            line(format!("  always {}", self.pretty_expr(&a.expr)));
        }
        for s in &self.scenarios {
            for d in doc_lines(&s.doc) {
                line(d);
            }
            line(format!("scenario {}{}", s.name, titled(&s.title, &s.cites)));
            for f in &s.given {
                line(format!(
                    "  given {} = {}",
                    self.input_name(f.input),
                    self.pretty_value(&f.value)
                ));
            }
            for e in &s.expect {
                line(match e {
                    Expect::Value { output, value, .. } => format!(
                        "  expect {} = {}",
                        self.output_name(*output),
                        self.pretty_value(value)
                    ),
                    Expect::Undecided { output, .. } => {
                        format!("  expect {} undecided", self.output_name(*output))
                    }
                    Expect::OutOfScope { .. } => "  expect out of scope".to_string(),
                });
            }
        }
        for x in &self.ignored {
            line(format!(
                "ignore {} because {:?}",
                self.input_name(x.input),
                x.reason
            ));
        }
        for imp in &self.imports {
            line(format!("import {}:", imp.alias));
            for nested in imp.policy.pretty_lines() {
                line(format!("  {nested}"));
            }
        }
        lines
    }

    /// An output's declaration: doc comment, type and default, hit policy.
    fn output_lines(&self, o: &super::OutputDef) -> Vec<String> {
        let mut lines = doc_lines(&o.doc);
        let ty = match o.ty {
            OutputTy::Single(t) => self.ty_name(t),
            OutputTy::Set(e) => format!("set of {}", self.enum_name(e)),
        };
        let default = match &o.default {
            Some(v) => format!(" default {}", self.pretty_value(v)),
            None => String::new(),
        };
        lines.push(format!("output {}: {ty}{default}", o.name));
        match &o.hit {
            HitPolicy::Any => {}
            HitPolicy::Precedence { order, .. } => {
                let values: Vec<String> = order.iter().map(|v| self.pretty_value(v)).collect();
                lines.push(format!("  precedence {}", values.join(" > ")));
            }
            HitPolicy::Exclusive { .. } => lines.push("  exclusive".to_string()),
        }
        lines
    }

    fn expr_into(&self, out: &mut String, e: &Expr) {
        match e {
            Expr::Const(b) => {
                let _ = write!(out, "{b}");
            }
            Expr::Input(i) => out.push_str(&self.input_name(*i)),
            Expr::Define(d) => match self.defines.get(*d) {
                Some(def) => out.push_str(&def.name),
                None => {
                    let _ = write!(out, "define#{d}");
                }
            },
            Expr::Not(x) => {
                out.push_str("not ");
                self.operand_into(out, x, is_name(x));
            }
            Expr::And(xs) => self.chain_into(out, "and", xs),
            Expr::Or(xs) => self.chain_into(out, "or", xs),
            Expr::Implies(a, b) => self.chain_into(out, "implies", [a.as_ref(), b.as_ref()]),
            Expr::Iff(a, b) => self.chain_into(out, "iff", [a.as_ref(), b.as_ref()]),
            Expr::Cmp { lhs, op, rhs } => {
                let _ = write!(
                    out,
                    "{} {} {}",
                    self.pretty_lin(lhs),
                    op.symbol(),
                    self.pretty_lin(rhs)
                );
            }
            Expr::EnumIn { input, variants } => {
                let e = match self.inputs.get(*input).map(|i| i.ty) {
                    Some(Ty::Enum(e)) => e,
                    _ => usize::MAX,
                };
                let names: Vec<&str> = variants.iter().map(|&v| self.variant_name(e, v)).collect();
                let _ = write!(
                    out,
                    "{} in {{{}}}",
                    self.input_name(*input),
                    names.join(", ")
                );
            }
            Expr::EnumEq(a, b) => {
                let _ = write!(out, "{} == {}", self.input_name(*a), self.input_name(*b));
            }
            Expr::OutputIs { output, values } => {
                let _ = write!(
                    out,
                    "{} is {}",
                    self.output_name(*output),
                    self.values(values)
                );
            }
            Expr::SetContains { output, variant } => {
                let e = match self.outputs.get(*output).map(|o| o.ty) {
                    Some(OutputTy::Set(e)) => e,
                    _ => usize::MAX,
                };
                let _ = write!(
                    out,
                    "{} contains {}",
                    self.output_name(*output),
                    self.variant_name(e, *variant)
                );
            }
            Expr::ImportedOutputIs {
                import,
                output,
                values,
            } => match self.imports.get(*import) {
                Some(imp) => {
                    let _ = write!(
                        out,
                        "{}.{} is {}",
                        imp.alias,
                        imp.policy.output_name(*output),
                        imp.policy.values(values)
                    );
                }
                None => {
                    let _ = write!(out, "import#{import}.output#{output}");
                }
            },
            Expr::ImportedSetContains {
                import,
                output,
                variant,
            } => match self.imports.get(*import) {
                Some(imp) => {
                    let p = &imp.policy;
                    let e = match p.outputs.get(*output).map(|o| o.ty) {
                        Some(OutputTy::Set(e)) => e,
                        _ => usize::MAX,
                    };
                    let _ = write!(
                        out,
                        "{}.{} contains {}",
                        imp.alias,
                        p.output_name(*output),
                        p.variant_name(e, *variant)
                    );
                }
                None => {
                    let _ = write!(out, "import#{import}.output#{output}");
                }
            },
        }
    }

    /// `a and b and c`: operands that are chains themselves are bracketed. A chain of
    /// fewer than two (which the checker never builds) is written `and(..)`.
    fn chain_into<'e>(&self, out: &mut String, op: &str, xs: impl IntoIterator<Item = &'e Expr>) {
        let xs: Vec<&Expr> = xs.into_iter().collect();
        if xs.len() < 2 {
            let _ = write!(out, "{op}(");
            if let Some(x) = xs.first() {
                self.expr_into(out, x);
            }
            out.push(')');
            return;
        }
        for (k, x) in xs.iter().enumerate() {
            if k > 0 {
                let _ = write!(out, " {op} ");
            }
            self.operand_into(out, x, !is_chain(x));
        }
    }

    fn operand_into(&self, out: &mut String, x: &Expr, bare: bool) {
        if bare {
            self.expr_into(out, x);
        } else {
            out.push('(');
            self.expr_into(out, x);
            out.push(')');
        }
    }

    /// A value with its enum, since two enums may share a variant name and the IR says
    /// which one: `true`, `15`, `Concern::none`, `Outcome::{o1, o21}`.
    pub fn pretty_value(&self, v: &Value) -> String {
        match v {
            Value::Enum(e, _) => format!("{}::{}", self.enum_name(*e), self.show_value(v)),
            Value::Set(e, _) => format!("{}::{}", self.enum_name(*e), self.show_value(v)),
            _ => self.show_value(v),
        }
    }

    fn values(&self, values: &[Value]) -> String {
        let shown: Vec<String> = values.iter().map(|v| self.pretty_value(v)).collect();
        format!("{{{}}}", shown.join(", "))
    }

    fn input_name(&self, i: usize) -> String {
        match self.inputs.get(i) {
            Some(d) => d.name.clone(),
            None => format!("input#{i}"),
        }
    }

    fn output_name(&self, o: usize) -> String {
        match self.outputs.get(o) {
            Some(d) => d.name.clone(),
            None => format!("output#{o}"),
        }
    }

    fn rule_name(&self, r: usize) -> &str {
        self.rules.get(r).map_or("?", |d| d.name.as_str())
    }

    fn enum_name(&self, e: usize) -> &str {
        self.enums.get(e).map_or("?", |d| d.name.as_str())
    }

    fn ty_name(&self, ty: Ty) -> String {
        match ty {
            Ty::Bool => "bool".into(),
            Ty::Enum(e) => self.enum_name(e).into(),
            Ty::Int { lo, hi } => format!("{lo}..={hi}"),
        }
    }
}

/// A name or a constant: written bare under `not`.
fn is_name(e: &Expr) -> bool {
    matches!(e, Expr::Const(_) | Expr::Input(_) | Expr::Define(_))
}

fn is_chain(e: &Expr) -> bool {
    matches!(
        e,
        Expr::And(_) | Expr::Or(_) | Expr::Implies(..) | Expr::Iff(..)
    )
}

/// ` "Title" cites "source"`, as far as there is one.
fn titled(title: &Option<String>, cites: &Option<String>) -> String {
    let mut out = String::new();
    if let Some(t) = title {
        let _ = write!(out, " {t:?}");
    }
    if let Some(c) = cites {
        let _ = write!(out, " cites {c:?}");
    }
    out
}

fn doc_lines(doc: &Option<String>) -> Vec<String> {
    doc.iter()
        .flat_map(|d| d.lines())
        .map(|l| format!("/// {l}").trim_end().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::CmpOp;
    use super::*;

    /// What the checker never builds still prints, and says what it is.
    #[test]
    fn odd_trees_and_unknown_ids_print_plainly() {
        let p = crate::check::policy_from_text("input a: bool\ninput n: 0..=9\nassume a");
        let cmp = Expr::Cmp {
            lhs: LinExpr {
                terms: vec![(-3, 1), (1, 7)],
                constant: i64::MIN,
            },
            op: CmpOp::Ne,
            rhs: LinExpr::constant(-2),
        };
        let e = Expr::Or(vec![
            Expr::And(vec![]),
            Expr::And(vec![Expr::Input(0)]),
            Expr::Not(Box::new(cmp)),
            Expr::Not(Box::new(Expr::Not(Box::new(Expr::Define(4))))),
            Expr::OutputIs {
                output: 9,
                values: vec![Value::Int(1), Value::Enum(3, 0)],
            },
        ]);
        assert_eq!(
            p.pretty_expr(&e),
            "(and()) or (and(a)) or not (-3*n + input#7 - 9223372036854775808 != -2) \
             or not (not define#4) or output#9 is {1, ?::?}"
        );
    }
}
