//! The canonical layout of every construct, as a [`Doc`].
//!
//! A declaration's first line is its keyword line; its clauses follow one per line,
//! indented. Lists (`then`, `given`, `expect`, `overrides`) are filled like a paragraph,
//! later lines indented; sets and enums stay on one line when they fit and otherwise put
//! one entry a line; long conditions break before every `and`, `or` or `implies` of a
//! chain. Parentheses are printed exactly where the writer
//! put them, never added or removed, so the printed text parses back to the same tree.

use super::doc::{Doc, Ids};
use crate::parse::ast::*;
use crate::source::Span;

pub struct Builder<'a> {
    pub ids: &'a mut Ids,
}

fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

fn elem(s: impl Into<String>, span: Span) -> Doc {
    Doc::Elem(s.into(), span)
}

/// A string literal as source text, escaped so that it reads back to the same value.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Builder<'_> {
    fn ident(&self, i: &Ident) -> Doc {
        elem(i.name.clone(), i.span)
    }

    fn string(&self, s: &StrLit) -> Doc {
        elem(quote(&s.value), s.span)
    }

    /// `/// lines`, each followed by a line break.
    fn doc_lines(&mut self, doc: &Doc_, out: &mut Vec<Doc>) {
        for (k, line) in doc.text.split('\n').enumerate() {
            let line = line.trim_end();
            let t = if line.is_empty() {
                "///".to_string()
            } else {
                format!("/// {line}")
            };
            // The whole doc comment is one element, so comments next to it attach to
            // the breaks around it.
            if k == 0 {
                out.push(elem(t, doc.span));
            } else {
                out.push(text(t));
            }
            out.push(self.ids.hard());
        }
    }

    /// One declaration, doc comment included.
    pub fn item(&mut self, item: &Item) -> Doc {
        let mut parts = Vec::new();
        if let Some(doc) = &item.doc {
            self.doc_lines(doc, &mut parts);
        }
        let kw = item.kind.keyword();
        let kw_span = Span::new(item.span.start, item.span.start + kw.len());
        parts.push(elem(kw, kw_span));
        // Clauses on lines of their own, indented under the keyword line.
        let mut clauses: Vec<Doc> = Vec::new();
        match &item.kind {
            ItemKind::Policy(h) => {
                parts.push(text(" "));
                parts.push(self.ident(&h.name));
                if let Some(t) = &h.title {
                    parts.push(text(" "));
                    parts.push(self.string(t));
                }
                // In the writer's order: the tree does not keep it, the spans do, and
                // moving a clause would move the comments around it.
                let mut header: Vec<(&'static str, &StrLit)> = Vec::new();
                header.extend(h.source.as_ref().map(|s| ("source ", s)));
                header.extend(h.version.as_ref().map(|v| ("version ", v)));
                header.sort_by_key(|(_, s)| s.span.start);
                for (kw, s) in header {
                    clauses.push(Doc::Group(vec![text(kw), self.string(s)]));
                }
            }
            ItemKind::Use(u) => {
                parts.push(text(" "));
                parts.push(self.string(&u.path));
                if let Some(alias) = &u.alias {
                    parts.push(text(" as "));
                    parts.push(self.ident(alias));
                }
            }
            ItemKind::Enum(e) => {
                parts.push(text(" "));
                parts.push(self.ident(&e.name));
                // The item ends at the closing brace.
                let close = Span::new(item.span.end.saturating_sub(1), item.span.end);
                parts.push(self.variants(&e.variants, close));
            }
            ItemKind::Input(i) => self.input(i, &mut parts, &mut clauses),
            ItemKind::Output(o) => self.output(o, &mut parts, &mut clauses),
            ItemKind::Define(d) => {
                parts.push(text(" "));
                parts.push(self.ident(&d.name));
                parts.push(text(" = "));
                parts.push(self.expr(&d.value));
            }
            ItemKind::Assume(c) | ItemKind::Scope(c) => {
                parts.push(text(" "));
                parts.push(self.expr(&c.cond));
            }
            ItemKind::Rule(r) => {
                parts.push(text(" "));
                parts.push(self.ident(&r.name));
                if let Some(t) = &r.title {
                    parts.push(text(" "));
                    parts.push(self.string(t));
                }
                if let Some(c) = &r.cites {
                    clauses.push(Doc::Group(vec![text("cites "), self.string(c)]));
                }
                if !r.overrides.is_empty() {
                    let names: Vec<Doc> = r.overrides.iter().map(|i| self.ident(i)).collect();
                    clauses.push(self.list("overrides ", names));
                }
                if let Some(w) = &r.when {
                    clauses.push(Doc::Group(vec![text("when "), self.expr(w)]));
                }
                let then: Vec<Doc> = r.then.iter().map(|a| self.assignment(a)).collect();
                clauses.push(self.list("then ", then));
            }
            ItemKind::AcceptGap(a) => {
                parts.push(text(" "));
                parts.push(self.ident(&a.output));
                parts.push(text(" "));
                parts.push(self.string(&a.reason));
                if let Some(w) = &a.when {
                    clauses.push(Doc::Group(vec![text("when "), self.expr(w)]));
                }
            }
            ItemKind::Ignore(g) => {
                parts.push(text(" "));
                parts.push(self.ignored(g));
            }
            ItemKind::Assert(a) => {
                parts.push(text(" "));
                parts.push(self.ident(&a.name));
                if let Some(t) = &a.title {
                    parts.push(text(" "));
                    parts.push(self.string(t));
                }
                if let Some(c) = &a.cites {
                    clauses.push(Doc::Group(vec![text("cites "), self.string(c)]));
                }
                clauses.push(Doc::Group(vec![text("always "), self.expr(&a.cond)]));
            }
            ItemKind::Scenario(s) => {
                parts.push(text(" "));
                parts.push(self.ident(&s.name));
                if let Some(t) = &s.title {
                    parts.push(text(" "));
                    parts.push(self.string(t));
                }
                if let Some(c) = &s.cites {
                    clauses.push(Doc::Group(vec![text("cites "), self.string(c)]));
                }
                if !s.given.is_empty() {
                    let given: Vec<Doc> = s.given.iter().map(|a| self.assignment(a)).collect();
                    clauses.push(self.list("given ", given));
                }
                let expect: Vec<Doc> = s.expect.iter().map(|e| self.expectation(e)).collect();
                clauses.push(self.list("expect ", expect));
            }
        }
        if !clauses.is_empty() {
            let mut body = Vec::new();
            for c in clauses {
                body.push(self.ids.hard());
                body.push(c);
            }
            parts.push(Doc::Indent(body));
        }
        Doc::Group(parts)
    }

    /// `input NAME: TYPE [typical V]` on the first line, `judgement "..."` below.
    fn input(&mut self, i: &InputDecl, parts: &mut Vec<Doc>, clauses: &mut Vec<Doc>) {
        parts.push(text(" "));
        parts.push(self.ident(&i.name));
        parts.push(text(": "));
        parts.push(self.ty(&i.ty));
        if let Some(t) = &i.typical {
            parts.push(text(" typical "));
            parts.push(self.expr(t));
        }
        if let Some(j) = &i.judgement {
            clauses.push(Doc::Group(vec![
                elem("judgement", j.keyword),
                text(" "),
                self.string(&j.citation),
            ]));
        }
    }

    /// `output NAME: TYPE [default V]` on the first line, its hit policy below.
    fn output(&mut self, o: &OutputDecl, parts: &mut Vec<Doc>, clauses: &mut Vec<Doc>) {
        parts.push(text(" "));
        parts.push(self.ident(&o.name));
        parts.push(text(": "));
        parts.push(self.ty(&o.ty));
        if let Some(d) = &o.default {
            parts.push(text(" default "));
            parts.push(self.expr(d));
        }
        for h in &o.hit {
            clauses.push(self.hit_clause(h));
        }
    }

    /// `a, b, c "reason"`, filled like a list.
    fn ignored(&mut self, g: &IgnoreDecl) -> Doc {
        let n = g.inputs.len();
        let mut names = Vec::new();
        for (k, i) in g.inputs.iter().enumerate() {
            if k > 0 {
                names.push(self.ids.brk(" "));
            }
            if k + 1 < n {
                names.push(Doc::Group(vec![self.ident(i), text(",")]));
            } else {
                names.push(self.ident(i));
            }
        }
        names.push(self.ids.brk(" "));
        names.push(self.string(&g.reason));
        Doc::Indent(vec![Doc::Fill(names)])
    }

    /// `precedence a > b > c` (filled like a list) or `exclusive`.
    fn hit_clause(&mut self, h: &HitClause) -> Doc {
        match h {
            HitClause::Precedence {
                keyword, values, ..
            } => {
                let mut items = Vec::new();
                for (k, v) in values.iter().enumerate() {
                    if k > 0 {
                        items.push(self.ids.brk(" "));
                        items.push(Doc::Group(vec![text("> "), self.expr(v)]));
                    } else {
                        items.push(self.expr(v));
                    }
                }
                Doc::Group(vec![
                    elem("precedence", *keyword),
                    text(" "),
                    Doc::Indent(vec![Doc::Fill(items)]),
                ])
            }
            HitClause::Exclusive(span) => elem("exclusive", *span),
        }
    }

    /// `{ a, b }` on one line when it fits and no variant has a doc comment, else one
    /// variant a line with a trailing comma.
    fn variants(&mut self, variants: &[Variant], close: Span) -> Doc {
        if variants.is_empty() {
            return Doc::Group(vec![text(" {"), elem("}", close)]);
        }
        let mut inner = Vec::new();
        for (k, v) in variants.iter().enumerate() {
            inner.push(self.ids.brk(" "));
            if let Some(doc) = &v.doc {
                self.doc_lines(doc, &mut inner);
            }
            inner.push(self.ident(&v.name));
            if k + 1 < variants.len() {
                inner.push(text(","));
            } else {
                inner.push(Doc::IfBroken(","));
            }
        }
        Doc::Group(vec![
            text(" {"),
            Doc::Indent(inner),
            self.ids.close(" "),
            elem("}", close),
        ])
    }

    /// `head a, b, c`, filled: as many entries a line as fit, later lines indented.
    fn list(&mut self, head: &'static str, entries: Vec<Doc>) -> Doc {
        let n = entries.len();
        let mut items = Vec::new();
        for (k, e) in entries.into_iter().enumerate() {
            if k > 0 {
                items.push(self.ids.brk(" "));
            }
            if k + 1 < n {
                items.push(Doc::Group(vec![e, text(",")]));
            } else {
                items.push(e);
            }
        }
        Doc::Group(vec![text(head), Doc::Indent(vec![Doc::Fill(items)])])
    }

    fn assignment(&mut self, a: &Assignment) -> Doc {
        Doc::Group(vec![
            self.ident(&a.target),
            text(" = "),
            self.expr(&a.value),
        ])
    }

    fn expectation(&mut self, e: &Expectation) -> Doc {
        match e {
            Expectation::Value(a) => self.assignment(a),
            Expectation::Undecided { output, .. } => {
                Doc::Group(vec![text("undecided "), self.ident(output)])
            }
            Expectation::OutOfScope(span) => elem("out_of_scope", *span),
        }
    }

    fn ty(&self, t: &TypeExpr) -> Doc {
        match t {
            TypeExpr::Bool(span) => elem("bool", *span),
            TypeExpr::Named(i) => self.ident(i),
            TypeExpr::Range { lo, hi, span } => elem(format!("{}..={}", lo.value, hi.value), *span),
            TypeExpr::Set { elem: inner, span } => {
                let name = match inner.as_ref() {
                    TypeExpr::Named(i) => i.name.clone(),
                    // The grammar only allows an enum name after `set of`.
                    TypeExpr::Bool(_) => "bool".into(),
                    TypeExpr::Range { lo, hi, .. } => format!("{}..={}", lo.value, hi.value),
                    TypeExpr::Set { .. } => String::new(),
                };
                elem(format!("set of {name}"), *span)
            }
        }
    }

    /// An expression. Chains of one logical operator (`a and b and c`) are one group
    /// that breaks before each operator; other operators never break a line.
    pub fn expr(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Bool(b) => elem(if *b { "true" } else { "false" }, e.span),
            ExprKind::Int(i) => elem(i.to_string(), e.span),
            ExprKind::Name(n) => elem(n.clone(), e.span),
            ExprKind::Range { lo, hi } => elem(format!("{}..={}", lo.value, hi.value), e.span),
            ExprKind::Set(items) => {
                let open = elem("{", Span::new(e.span.start, e.span.start + 1));
                let close = elem("}", Span::new(e.span.end.saturating_sub(1), e.span.end));
                if items.is_empty() {
                    return Doc::Group(vec![open, close]);
                }
                // Flat, a set reads `{a, b}`; broken, one element a line.
                let mut inner = vec![self.ids.brk("")];
                for (k, x) in items.iter().enumerate() {
                    inner.push(self.expr(x));
                    if k + 1 < items.len() {
                        inner.push(text(","));
                        inner.push(self.ids.brk(" "));
                    } else {
                        inner.push(Doc::IfBroken(","));
                    }
                }
                Doc::Group(vec![open, Doc::Indent(inner), self.ids.close(""), close])
            }
            ExprKind::Paren(inner) => {
                let open = elem("(", Span::new(e.span.start, e.span.start + 1));
                let close = elem(")", Span::new(e.span.end.saturating_sub(1), e.span.end));
                let body = self.expr(inner);
                let b1 = self.ids.brk("");
                let b2 = self.ids.close("");
                Doc::Group(vec![open, Doc::Indent(vec![b1, body]), b2, close])
            }
            ExprKind::Unary(op, x) => {
                let sign = match op {
                    UnOp::Not => "not ",
                    UnOp::Neg => "-",
                };
                Doc::Group(vec![text(sign), self.expr(x)])
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or | BinOp::Implies), _, _) => {
                self.chain(*op, e)
            }
            ExprKind::Binary(op, a, b) => Doc::Group(vec![
                self.expr(a),
                text(format!(" {} ", op.symbol())),
                self.expr(b),
            ]),
            ExprKind::In {
                value,
                set,
                negated,
            } => Doc::Group(vec![
                self.expr(value),
                text(if *negated { " not in " } else { " in " }),
                self.expr(set),
            ]),
            ExprKind::Contains(a, b) => {
                Doc::Group(vec![self.expr(a), text(" contains "), self.expr(b)])
            }
        }
    }

    /// `a op b op c`: the operands of a run of one logical operator, walked without
    /// recursion along the spine (left for `and`/`or`, right for `implies`).
    fn chain(&mut self, op: BinOp, e: &Expr) -> Doc {
        let mut operands: Vec<&Expr> = Vec::new();
        let mut cur = e;
        if op == BinOp::Implies {
            while let ExprKind::Binary(o, a, b) = &cur.kind {
                if *o != op {
                    break;
                }
                operands.push(a);
                cur = b;
            }
            operands.push(cur);
        } else {
            while let ExprKind::Binary(o, a, b) = &cur.kind {
                if *o != op {
                    break;
                }
                operands.push(b);
                cur = a;
            }
            operands.push(cur);
            operands.reverse();
        }
        let mut parts = Vec::new();
        let mut rest = Vec::new();
        for (k, x) in operands.into_iter().enumerate() {
            if k == 0 {
                // A chain of another operator as the first operand: its broken lines
                // go deeper than this chain's, as those of later operands do.
                parts.push(Doc::Indent(vec![self.expr(x)]));
            } else {
                rest.push(self.ids.brk(" "));
                rest.push(text(format!("{} ", op.symbol())));
                rest.push(self.expr(x));
            }
        }
        parts.push(Doc::Indent(rest));
        Doc::Group(parts)
    }
}

/// Named to keep the AST's `Doc` (a doc comment) apart from the layout [`Doc`].
type Doc_ = crate::parse::ast::Doc;
