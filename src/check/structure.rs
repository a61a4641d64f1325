//! Structure: defines that depend on themselves, and `overrides` (missing rules,
//! self-overrides, cycles).

use crate::collections::HashSet;

use super::graph::Graph;
use super::ir;
use super::sink::Sink;
use super::suggest::HelpOr;
use super::tables::{Decls, DefTy, Sym};
use super::types::{Cx, ExprPlace, Typer};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast::{self, ExprKind};
use crate::source::{Loc, Span};

/// Every `Name` in an expression, in source order (an explicit stack: no recursion).
pub(crate) fn names_in(e: &ast::Expr) -> Vec<(&str, Span)> {
    let mut out = Vec::new();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Name(n) => out.push((n.as_str(), e.span)),
            ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Range { .. } => {}
            ExprKind::Set(items) => stack.extend(items.iter().rev()),
            ExprKind::Paren(x) | ExprKind::Unary(_, x) => stack.push(x),
            ExprKind::Binary(_, l, r) | ExprKind::Contains(l, r) => {
                stack.push(r);
                stack.push(l);
            }
            ExprKind::In { value, set, .. } => {
                stack.push(set);
                stack.push(value);
            }
        }
    }
    out
}

/// The chain of names along a cycle: `a` -> `b` -> `a`.
fn chain(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Reports cycles among defines, then checks every define body, each after the
/// defines it uses so that their types are known. Returns the defines' IR.
pub(crate) fn check_defines(t: &mut Typer) -> ir::Arena<ir::DefineDef> {
    let all: &Decls = t.decls;
    let decls = &all.defines;
    let mut defs: ir::Arena<ir::DefineDef> = decls
        .iter()
        .map(|at| ir::DefineDef {
            name: at.decl.name.name.clone(),
            doc: at.doc(),
            body: ir::DefineBody::Bool(ir::Expr::Const(false)),
            loc: at.item_loc(),
        })
        .collect();
    let name = |x: ir::DefineId| decls[x].decl.name.name.as_str();
    let mut edges = Vec::new();
    let mut edge_locs = Vec::new();
    for (i, at) in decls.entries() {
        for (name, span) in names_in(&at.decl.value) {
            if let Some(&(Sym::Define(j), _)) = all.values.get(name) {
                edges.push((i, j));
                edge_locs.push(at.loc(span));
            }
        }
    }
    let graph = Graph::new(decls.len(), untyped(&edges));
    for cycle in graph.cycles() {
        // The diagnostic, the first define, and the names along the cycle from it.
        let mut found: Option<(Diagnostic, &str, Vec<&str>)> = None;
        for k in cycle {
            let (Some(&(from, to)), Some(&at)) = (edges.get(k), edge_locs.get(k)) else {
                continue;
            };
            if let Some(t) = t.types.defines.get_mut(from) {
                *t = DefTy::Err;
            }
            let msg = if from == to {
                format!("`{}` uses itself here", name(from))
            } else if found.is_none() {
                format!("`{}` uses `{}` here", name(from), name(to))
            } else {
                format!("which uses `{}` here", name(to))
            };
            found = Some(match found {
                None => (
                    Diagnostic::error(Code::E0407, String::new()).primary(at, msg),
                    name(from),
                    vec![name(from), name(to)],
                ),
                Some((d, first, mut names)) => {
                    names.push(name(to));
                    (d.secondary(at, msg), first, names)
                }
            });
        }
        if let Some((mut d, first, names)) = found {
            d.message = if names.len() == 2 {
                format!("the define `{first}` is defined in terms of itself")
            } else {
                format!("the define `{first}` depends on itself: {}", chain(&names))
            };
            t.sink.error(
                d.note("a define is expanded where it is used, so it cannot refer to itself, directly or through other defines")
                    .help("write the condition out in full in one of these defines"),
            );
        }
    }
    for i in graph.postorder() {
        // The graph's nodes are the defines, numbered as `decls` numbers them.
        let i = ir::DefineId::from_raw(i);
        if !matches!(t.types.defines.get(i), Some(DefTy::Pending)) {
            continue;
        }
        let at = decls[i];
        let cx = Cx {
            file: at.file,
            place: ExprPlace::Define,
        };
        let (ty, body) = t.define_body(&at.decl.value, cx, &at.decl.name.name);
        if let Some(t) = t.types.defines.get_mut(i) {
            *t = ty.clone();
        }
        let body = match (ty, body) {
            (DefTy::Int(lin), _) => ir::DefineBody::Int(lin),
            (_, Some(b)) => ir::DefineBody::Bool(b),
            _ => ir::DefineBody::Bool(ir::Expr::Const(false)),
        };
        defs[i].body = body;
    }
    defs
}

/// Edges between typed ids as the graph's node numbers.
fn untyped<T>(edges: &[(ir::Idx<T>, ir::Idx<T>)]) -> Vec<(usize, usize)> {
    edges.iter().map(|(a, b)| (a.index(), b.index())).collect()
}

/// Resolves each rule's `overrides` to rule ids, reporting unknown names and
/// overriding oneself; then reports cycles of overrides.
pub(crate) fn resolve_overrides(
    decls: &Decls,
    sink: &mut Sink,
) -> ir::IdxVec<ir::RuleDef, Vec<ir::RuleId>> {
    let rules = &decls.rules;
    let name = |x: ir::RuleId| rules[x].decl.name.name.as_str();
    let mut all = ir::IdxVec::new();
    let mut edges = Vec::new();
    let mut edge_locs: Vec<Loc> = Vec::new();
    for (r, at) in rules.entries() {
        let mut ids = Vec::new();
        let mut seen = HashSet::default();
        for ident in &at.decl.overrides {
            let loc = at.loc(ident.span);
            match decls.values.get(ident.name.as_str()).copied() {
                Some((Sym::Rule(j), _)) if j == r => {
                    sink.error(
                        Diagnostic::error(Code::E0405, format!("the rule `{}` overrides itself", ident.name))
                            .primary(loc, "a rule cannot override itself")
                            .help("remove this name from `overrides`; list the rules whose assignments this rule replaces"),
                    );
                }
                Some((Sym::Rule(j), _)) => {
                    if seen.insert(j) {
                        ids.push(j);
                        edges.push((r, j));
                        edge_locs.push(loc);
                    }
                }
                Some((sym, decl)) => {
                    sink.error(
                        Diagnostic::error(
                            Code::E0404,
                            format!("`{}` is {}, not a rule", ident.name, sym.a_kind()),
                        )
                        .primary(loc, "`overrides` names rules")
                        .secondary(decl, format!("`{}` is declared here", ident.name))
                        .help("list the rules whose assignments this rule replaces"),
                    );
                }
                None if sink.lost(&ident.name) => {}
                None => {
                    let suggestion = sink.did_you_mean(&ident.name, loc, || {
                        decls.names_where(|s| matches!(s, Sym::Rule(_)))
                    });
                    sink.error(
                        Diagnostic::error(
                            Code::E0404,
                            format!("cannot find the rule `{}`", ident.name),
                        )
                        .primary(loc, "no rule has this name")
                        .help_or(suggestion, || {
                            "check the name of the rule this one overrides".into()
                        }),
                    );
                }
            }
        }
        all.push(ids);
    }
    let graph = Graph::new(rules.len(), untyped(&edges));
    for cycle in graph.cycles() {
        // The diagnostic, and the names along the cycle.
        let mut found: Option<(Diagnostic, Vec<&str>)> = None;
        for k in cycle {
            let (Some(&(from, to)), Some(&at)) = (edges.get(k), edge_locs.get(k)) else {
                continue;
            };
            let msg = if found.is_none() {
                format!("`{}` overrides `{}` here", name(from), name(to))
            } else {
                format!("which overrides `{}` here", name(to))
            };
            found = Some(match found {
                None => (
                    Diagnostic::error(Code::E0406, String::new()).primary(at, msg),
                    vec![name(from), name(to)],
                ),
                Some((d, mut names)) => {
                    names.push(name(to));
                    (d.secondary(at, msg), names)
                }
            });
        }
        if let Some((mut d, names)) = found {
            d.message = format!("rules override each other in a cycle: {}", chain(&names));
            sink.error(
                d.note("when rules in a cycle of overrides all apply, none of them can win")
                    .help("an exception overrides its base rule, never the other way round: remove one `overrides` of the cycle"),
            );
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_in_order() {
        let sp = Span::new(0, 0);
        let name = |n: &str| ast::Expr {
            kind: ExprKind::Name(n.into()),
            span: sp,
        };
        let e = ast::Expr {
            kind: ExprKind::Binary(
                ast::BinOp::And,
                Box::new(name("a")),
                Box::new(ast::Expr {
                    kind: ExprKind::In {
                        value: Box::new(name("b")),
                        set: Box::new(ast::Expr {
                            kind: ExprKind::Set(vec![name("c"), name("d")]),
                            span: sp,
                        }),
                        negated: false,
                    },
                    span: sp,
                }),
            ),
            span: sp,
        };
        let names: Vec<&str> = names_in(&e).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["a", "b", "c", "d"]);
    }
}
