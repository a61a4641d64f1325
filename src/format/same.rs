//! Comparing syntax trees for meaning: equal apart from spans.
//!
//! Comments and doc comments are compared too (their text, in order), ignoring only
//! spaces at the ends of their lines, which the formatter drops.

use crate::parse::ast::*;
use crate::source::Span;

/// Whether two files say the same thing: the same declarations, expressions,
/// parentheses, doc comments and comments, wherever they sit in the text.
pub fn same_ast(a: &File, b: &File) -> bool {
    normalized(a) == normalized(b)
}

/// A copy of `file` with every span zeroed and line-end spaces trimmed from comments
/// and doc comments, for comparisons that ignore layout.
pub fn normalized(file: &File) -> File {
    let mut f = file.clone();
    for c in &mut f.comments {
        c.span = Span::default();
        c.text = c.text.trim_end().to_string();
    }
    for item in &mut f.items {
        item.span = Span::default();
        doc(&mut item.doc);
        match &mut item.kind {
            ItemKind::Policy(h) => {
                ident(&mut h.name);
                for s in [&mut h.title, &mut h.source, &mut h.version] {
                    opt_str(s);
                }
            }
            ItemKind::Use(u) => {
                string(&mut u.path);
                if let Some(a) = &mut u.alias {
                    ident(a);
                }
            }
            ItemKind::Enum(e) => {
                ident(&mut e.name);
                for v in &mut e.variants {
                    doc(&mut v.doc);
                    ident(&mut v.name);
                }
            }
            ItemKind::Input(i) => {
                ident(&mut i.name);
                ty(&mut i.ty);
                if let Some(t) = &mut i.typical {
                    expr(t);
                }
                if let Some(j) = &mut i.judgement {
                    j.keyword = Span::default();
                    string(&mut j.citation);
                }
            }
            ItemKind::Output(o) => {
                ident(&mut o.name);
                ty(&mut o.ty);
                if let Some(d) = &mut o.default {
                    expr(d);
                }
                for h in &mut o.hit {
                    match h {
                        HitClause::Precedence {
                            keyword,
                            values,
                            span,
                        } => {
                            *keyword = Span::default();
                            *span = Span::default();
                            values.iter_mut().for_each(expr);
                        }
                        HitClause::Exclusive(span) => *span = Span::default(),
                    }
                }
            }
            ItemKind::Ignore(g) => {
                g.inputs.iter_mut().for_each(ident);
                string(&mut g.reason);
            }
            ItemKind::Define(d) => {
                ident(&mut d.name);
                expr(&mut d.value);
            }
            ItemKind::Assume(c) | ItemKind::Scope(c) => expr(&mut c.cond),
            ItemKind::Rule(r) => {
                ident(&mut r.name);
                opt_str(&mut r.title);
                opt_str(&mut r.cites);
                r.overrides.iter_mut().for_each(ident);
                if let Some(w) = &mut r.when {
                    expr(w);
                }
                r.then.iter_mut().for_each(assignment);
            }
            ItemKind::AcceptGap(a) => {
                ident(&mut a.output);
                string(&mut a.reason);
                if let Some(w) = &mut a.when {
                    expr(w);
                }
            }
            ItemKind::Assert(a) => {
                ident(&mut a.name);
                opt_str(&mut a.title);
                opt_str(&mut a.cites);
                expr(&mut a.cond);
            }
            ItemKind::Scenario(s) => {
                ident(&mut s.name);
                opt_str(&mut s.title);
                opt_str(&mut s.cites);
                s.given.iter_mut().for_each(assignment);
                for e in &mut s.expect {
                    match e {
                        Expectation::Value(a) => assignment(a),
                        Expectation::Undecided { output, span } => {
                            ident(output);
                            *span = Span::default();
                        }
                        Expectation::OutOfScope(span) => *span = Span::default(),
                    }
                }
            }
        }
    }
    f
}

fn doc(d: &mut Option<Doc>) {
    if let Some(d) = d {
        d.span = Span::default();
        d.text = d
            .text
            .split('\n')
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
    }
}

fn ident(i: &mut Ident) {
    i.span = Span::default();
}

fn string(s: &mut StrLit) {
    s.span = Span::default();
}

fn opt_str(s: &mut Option<StrLit>) {
    if let Some(s) = s {
        string(s);
    }
}

fn int(i: &mut IntLit) {
    i.span = Span::default();
}

fn ty(t: &mut TypeExpr) {
    match t {
        TypeExpr::Bool(s) => *s = Span::default(),
        TypeExpr::Named(i) => ident(i),
        TypeExpr::Range { lo, hi, span } => {
            int(lo);
            int(hi);
            *span = Span::default();
        }
        TypeExpr::Set { elem, span } => {
            ty(elem);
            *span = Span::default();
        }
    }
}

fn assignment(a: &mut Assignment) {
    a.span = Span::default();
    ident(&mut a.target);
    expr(&mut a.value);
}

/// Zeroes every span of an expression, with an explicit stack: the parser allows
/// trees deeper than is comfortable to recurse over on a small thread stack.
fn expr(root: &mut Expr) {
    let mut stack: Vec<&mut Expr> = vec![root];
    while let Some(e) = stack.pop() {
        e.span = Span::default();
        match &mut e.kind {
            ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Name(_) => {}
            ExprKind::Range { lo, hi } => {
                int(lo);
                int(hi);
            }
            ExprKind::Set(items) => stack.extend(items.iter_mut()),
            ExprKind::Paren(x) | ExprKind::Unary(_, x) => stack.push(x),
            ExprKind::Binary(_, a, b) | ExprKind::Contains(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            ExprKind::In { value, set, .. } => {
                stack.push(value);
                stack.push(set);
            }
        }
    }
}
