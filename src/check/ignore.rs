//! `ignore a, b "reason"`: inputs a policy states it deliberately does not read.
//!
//! Each name must be an input (E0203, E0206 as for any name). The statement must be
//! true: an ignored input that a rule, a scope, an `accept gap`, an assumption or a
//! define of the policy's own file reads (directly, or through the defines a rule,
//! scope or acceptance uses) is E0209, naming where it is read. The analyses then stop
//! noting the input as unused (W0503), and the checker as never used (W0001).
//!
//! Assumptions of a `use`d vocabulary are not reads: they constrain what an incident
//! can be for every policy that uses it (`youngest_age <= oldest_age`), not what this
//! policy decides with. Asserts and scenarios are not reads either: they speak about
//! the policy, they do not decide with it.

use crate::collections::HashMap;

use super::ir::{self, DefineBody, DefineId, Expr, IdxVec, InputId};

/// Per define, the inputs it reads once worked out.
type Memo = IdxVec<ir::DefineDef, Option<Vec<InputId>>>;
use super::sink::Sink;
use super::suggest::HelpOr;
use super::tables::{Decls, Sym, Usage};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast;
use crate::source::{FileId, Loc};

/// At most this many places are labelled per ignored input that is read.
const MAX_READS_SHOWN: usize = 4;

/// The inputs of every `ignore`, in order, each once (a name given twice is taken once,
/// with its first reason, and warned about: W0007).
pub(crate) fn lower_ignores(decls: &Decls, usage: &mut Usage, sink: &mut Sink) -> Vec<ir::Ignored> {
    let mut out: Vec<ir::Ignored> = Vec::new();
    for at in &decls.ignores {
        for (k, name) in at.decl.inputs.iter().enumerate() {
            let here = at.loc(name.span);
            // Listed twice in one declaration: most often a slip for another input.
            if let Some(first) = at.decl.inputs.iter().take(k).find(|n| n.name == name.name) {
                sink.push(
                    Diagnostic::warning(
                        Code::W0007,
                        format!("`{}` is listed twice in this `ignore`", name.name),
                    )
                    .primary(here, "listed again here")
                    .secondary(at.loc(first.span), "first listed here")
                    .help(
                        "remove the second mention, or put the input that was meant in its place",
                    ),
                );
                continue;
            }
            let input = match decls.values.get(name.name.as_str()).copied() {
                Some((Sym::Input(i), _)) => i,
                Some((sym, decl)) => {
                    sink.error(
                        Diagnostic::error(
                            Code::E0206,
                            format!("`{}` is {}, not an input", name.name, sym.a_kind()),
                        )
                        .primary(here, "expected an input")
                        .secondary(decl, format!("`{}` is declared here", name.name))
                        .help("`ignore` names inputs the policy does not read"),
                    );
                    continue;
                }
                None if sink.lost(&name.name) => continue,
                None => {
                    let suggestion = sink.did_you_mean(&name.name, here, || {
                        decls.names_where(|s| matches!(s, Sym::Input(_)))
                    });
                    sink.error(
                        Diagnostic::error(
                            Code::E0203,
                            format!("cannot find the input `{}`", name.name),
                        )
                        .primary(here, "no input has this name")
                        .help_or(suggestion, || {
                            "`ignore` names declared inputs (usually of a shared vocabulary the policy `use`s)".to_string()
                        }),
                    );
                    continue;
                }
            };
            // Saying it is not read is a use of the declaration (W0001 would say it is
            // never used, which the writer knows).
            Usage::mark(&mut usage.inputs, input);
            // Ignored again in another declaration: the two reasons may disagree, and
            // the report shows only the first (review 2, W7).
            if let Some(first) = out.iter().find(|x| x.input == input) {
                sink.push(
                    Diagnostic::warning(
                        Code::W0007,
                        format!("`{}` is ignored in two declarations", name.name),
                    )
                    .primary(here, "ignored again here")
                    .secondary(
                        first.loc,
                        "first ignored here, with the reason that is kept",
                    )
                    .help("keep one declaration for the input, with the reason the document gives"),
                );
                continue;
            }
            out.push(ir::Ignored {
                input,
                reason: at.decl.reason.value.clone(),
                loc: here,
            });
        }
    }
    out
}

/// A place that reads an ignored input.
struct Read {
    loc: Loc,
    /// The define it is read through, when the name at `loc` is a define.
    through: Option<String>,
}

/// E0209 for every ignored input the policy reads.
pub(crate) fn check_reads(root: FileId, decls: &Decls, policy: &ir::Policy, sink: &mut Sink) {
    if policy.ignored.is_empty() {
        return;
    }
    let reads_of_define = define_reads(policy);
    let ignored = |i: InputId| policy.is_ignored(i);
    let mut found: HashMap<InputId, Vec<Read>> = HashMap::default();
    let look = |e: &ast::Expr, file: FileId, found: &mut HashMap<InputId, Vec<Read>>| {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ast::ExprKind::Name(n) => match decls.values.get(n.as_str()).copied() {
                    Some((Sym::Input(i), _)) if ignored(i) => {
                        found.entry(i).or_default().push(Read {
                            loc: Loc::new(file, e.span),
                            through: None,
                        });
                    }
                    Some((Sym::Define(d), _)) => {
                        for &i in reads_of_define.get(d).map(Vec::as_slice).unwrap_or(&[]) {
                            if ignored(i) {
                                found.entry(i).or_default().push(Read {
                                    loc: Loc::new(file, e.span),
                                    through: Some(n.clone()),
                                });
                            }
                        }
                    }
                    _ => {}
                },
                ast::ExprKind::Bool(_) | ast::ExprKind::Int(_) | ast::ExprKind::Range { .. } => {}
                ast::ExprKind::Set(items) => stack.extend(items.iter()),
                ast::ExprKind::Paren(x) | ast::ExprKind::Unary(_, x) => stack.push(x),
                ast::ExprKind::Binary(_, a, b) | ast::ExprKind::Contains(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                ast::ExprKind::In { value, set, .. } => {
                    stack.push(value);
                    stack.push(set);
                }
            }
        }
    };
    // In declaration order of kind, so the first label is the most telling: a rule.
    for at in &decls.rules {
        if let Some(w) = &at.decl.when {
            look(w, at.file, &mut found);
        }
    }
    for at in &decls.scopes {
        look(&at.decl.cond, at.file, &mut found);
    }
    for at in &decls.accepts {
        if let Some(w) = &at.decl.when {
            look(w, at.file, &mut found);
        }
    }
    for at in decls.assumes.iter().filter(|a| a.file == root) {
        look(&at.decl.cond, at.file, &mut found);
    }
    for at in decls.defines.iter().filter(|a| a.file == root) {
        look(&at.decl.value, at.file, &mut found);
    }
    for ig in &policy.ignored {
        let Some(reads) = found.get(&ig.input).filter(|r| !r.is_empty()) else {
            continue;
        };
        let name = policy.inputs[ig.input].name.as_str();
        let mut seen: Vec<Loc> = Vec::new();
        let mut d = Diagnostic::error(
            Code::E0209,
            format!("`{name}` is declared ignored, but the policy reads it"),
        );
        for (k, r) in reads.iter().enumerate() {
            if seen.contains(&r.loc) {
                continue;
            }
            seen.push(r.loc);
            if seen.len() > MAX_READS_SHOWN {
                break;
            }
            let label = match &r.through {
                Some(def) => format!("reads `{name}` through the define `{def}`"),
                None => format!("reads `{name}`"),
            };
            d = if k == 0 {
                d.primary(r.loc, label)
            } else {
                d.secondary(r.loc, label)
            };
        }
        sink.error(
            d.secondary(ig.loc, "declared ignored here")
                .note("`ignore` states that no rule, scope, acceptance, assumption or define of the policy reads the input; here that would be untrue")
                .help(format!(
                    "remove `{name}` from the `ignore` declaration: the policy reads it; only if the document does not speak of `{name}`, remove the readings instead, which changes what the rules decide (`policyc diff` shows how)"
                )),
        );
    }
}

/// Per define, every input it reads, through the defines it uses (acyclic: the
/// checker reports cycles, and a define in one has no IR body to follow).
fn define_reads(policy: &ir::Policy) -> IdxVec<ir::DefineDef, Vec<InputId>> {
    let mut memo: Memo = IdxVec::filled(None, policy.defines.len());
    policy
        .defines
        .ids()
        .map(|d| reads_of(policy, d, &mut memo, 0))
        .collect()
}

fn reads_of(policy: &ir::Policy, d: DefineId, memo: &mut Memo, depth: usize) -> Vec<InputId> {
    if let Some(Some(done)) = memo.get(d) {
        return done.clone();
    }
    let mut out = Vec::new();
    if depth <= MAX_DEFINE_DEPTH {
        match policy.defines.lookup(d).map(|x| &x.body) {
            Some(DefineBody::Bool(e)) => expr_reads(policy, e, memo, depth, &mut out),
            Some(DefineBody::Int(l)) => out.extend(l.terms.iter().map(|t| t.1)),
            None => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    if let Some(slot) = memo.get_mut(d) {
        *slot = Some(out.clone());
    }
    out
}

/// Defines nest at most this deep here (the checker refuses cycles; a chain this long
/// is no policy anyone writes).
const MAX_DEFINE_DEPTH: usize = 256;

fn expr_reads(
    policy: &ir::Policy,
    e: &Expr,
    memo: &mut Memo,
    depth: usize,
    out: &mut Vec<InputId>,
) {
    let mut named = Vec::new();
    e.for_each_read(|i| out.push(i), |d| named.push(d));
    for d in named {
        out.extend(reads_of(policy, d, memo, depth + 1));
    }
}
