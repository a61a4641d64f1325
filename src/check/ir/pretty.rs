//! The IR as text, for tests and for reading: every declaration in order, in a form
//! close to the language, with names where the IR has ids. Stable (no spans, nothing
//! hashed), so checker tests snapshot it instead of building IR by hand.
//!
//! Expressions show the IR's own structure: `and`/`or` chains as the IR flattened them,
//! `iff` where a boolean equality became one, an input's variants as `in {..}` and an
//! output's values as `is {..}`; a nested `and`/`or`/`implies`/`iff` is bracketed, and
//! so is anything but a name under `not`. Values name their enum (`Concern::none`):
//! two enums may share a variant name.

use std::fmt::Write;

use super::{DefineBody, EnumId, Expect, Expr, HitPolicy, LinExpr, Policy, Value, VariantId};

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
            let name = &self.inputs[i].name;
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
            line(format!("input {}: {}{typical}", i.name, self.ty_text(i.ty)));
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
                let names: Vec<&str> = r
                    .overrides
                    .iter()
                    .map(|&k| self.rules[k].name.as_str())
                    .collect();
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
        let ty = self.output_ty_text(o.ty);
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
            Expr::Input(i) => out.push_str(self.input_name(*i)),
            Expr::Define(d) => out.push_str(&self.defines[*d].name),
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
                let names = self.variant_names(self.inputs[*input].ty.enum_id(), variants);
                let _ = write!(out, "{} in {{{names}}}", self.input_name(*input));
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
                let e = self.outputs[*output].ty.enum_id();
                let _ = write!(
                    out,
                    "{} contains {}",
                    self.output_name(*output),
                    self.variant_names(e, &[*variant])
                );
            }
            Expr::ImportedOutputIs {
                import,
                output,
                values,
            } => {
                let imp = &self.imports[*import];
                let _ = write!(
                    out,
                    "{}.{} is {}",
                    imp.alias,
                    imp.policy.output_name(*output),
                    imp.policy.values(values)
                );
            }
            Expr::ImportedSetContains {
                import,
                output,
                variant,
            } => {
                let imp = &self.imports[*import];
                let p = &imp.policy;
                let _ = write!(
                    out,
                    "{}.{} contains {}",
                    imp.alias,
                    p.output_name(*output),
                    p.variant_names(p.outputs[*output].ty.enum_id(), &[*variant])
                );
            }
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
            Value::Enum(e, _) | Value::Set(e, _) => {
                format!("{}::{}", self.enums[*e].name, self.show_value(v))
            }
            _ => self.show_value(v),
        }
    }

    fn values(&self, values: &[Value]) -> String {
        let shown: Vec<String> = values.iter().map(|v| self.pretty_value(v)).collect();
        format!("{{{}}}", shown.join(", "))
    }

    fn input_name(&self, i: super::InputId) -> &str {
        &self.inputs[i].name
    }

    fn output_name(&self, o: super::OutputId) -> &str {
        &self.outputs[o].name
    }

    /// Variants of the enum `e`, by name, comma-separated; by number where the
    /// expression's input or output is not of an enum (which the checker never builds).
    fn variant_names(&self, e: Option<EnumId>, variants: &[VariantId]) -> String {
        let names: Vec<String> = variants
            .iter()
            .map(|&v| match e {
                Some(e) => self.variant_name(e, v).to_string(),
                None => format!("#{v:?}"),
            })
            .collect();
        names.join(", ")
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
    use crate::testing::id;

    /// What the checker never builds still prints, and says what it is.
    #[test]
    fn odd_trees_print_plainly() {
        let p = crate::check::policy_from_text(
            "input a: bool\ninput n: 0..=9\noutput o: bool\nassume a\nrule r when a then o = true",
        );
        let cmp = Expr::Cmp {
            lhs: LinExpr {
                terms: vec![(-3, id(1)), (1, id(0))],
                constant: i64::MIN,
            },
            op: CmpOp::Ne,
            rhs: LinExpr::constant(-2),
        };
        let e = Expr::Or(vec![
            Expr::And(vec![]),
            Expr::And(vec![Expr::Input(id(0))]),
            Expr::Not(Box::new(cmp)),
            Expr::Not(Box::new(Expr::Not(Box::new(Expr::Input(id(0)))))),
            Expr::OutputIs {
                output: id(0),
                values: vec![Value::Bool(true)],
            },
        ]);
        assert_eq!(
            p.pretty_expr(&e),
            "(and()) or (and(a)) or not (-3*n + a - 9223372036854775808 != -2) \
             or not (not a) or o is {true}"
        );
    }
}
