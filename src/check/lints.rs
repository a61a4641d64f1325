//! Warnings: things that are allowed but probably not meant. They never block the IR.
//!
//! Only declarations of the root file are linted: a vocabulary used by many policies
//! is linted when it is checked itself, not once per policy that uses it.

use super::ir::OutputTy;
use super::modules::Program;
use super::sink::Sink;
use super::tables::{Decls, Sym, TypeTable, Usage};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast::ItemKind;
use crate::source::{FileId, Loc, Sources};

/// `true` when the output can never be undecided for want of a rule.
pub(crate) fn never_gaps(ty: Option<OutputTy>, has_default: bool) -> bool {
    has_default || matches!(ty, Some(OutputTy::Set(_)))
}

/// Warns about the root file's declarations: unused ones (unless there was an error),
/// rules without a citation, acceptances of gaps that cannot happen.
pub(crate) fn lints(
    sources: &Sources,
    program: &Program,
    decls: &Decls,
    usage: &Usage,
    types: &TypeTable,
    sink: &mut Sink,
) {
    let Some(root) = program.root().map(|m| m.file) else {
        return;
    };
    let root_items = program
        .root()
        .map(|m| m.ast.items.as_slice())
        .unwrap_or(&[]);
    // A vocabulary module declares facts for other files: nothing in it is unused.
    let vocabulary = !root_items
        .iter()
        .any(|i| matches!(i.kind, ItemKind::Policy(_) | ItemKind::Rule(_)));
    let mut warnings = Vec::new();
    // After an error, a declaration often looks unused only because the mistake
    // hides its use (a misspelt name, a declaration that failed): say nothing then.
    let errors = sink.parse_failed() || sink.has_errors();
    if !vocabulary && !errors {
        unused(sources, root, decls, usage, types, &mut warnings);
    }
    uncited(root, decls, &mut warnings);
    // An output that failed to parse or check is missing for that reason.
    if !errors {
        let imports = root_items
            .iter()
            .any(|i| matches!(&i.kind, ItemKind::Use(u) if u.alias.is_some()));
        decides_nothing(root, decls, imports, &mut warnings);
    }
    blank_texts(root, decls, root_items, &mut warnings);
    needless_acceptances(root, decls, types, &mut warnings);
    for w in warnings {
        sink.push(w);
    }
}

/// Enums, inputs and defines nothing reads, outputs no rule assigns.
fn unused(
    sources: &Sources,
    root: FileId,
    decls: &Decls,
    usage: &Usage,
    types: &TypeTable,
    warnings: &mut Vec<Diagnostic>,
) {
    for (e, at) in decls.enums.entries() {
        if at.file == root && usage.enums.get(e) == Some(&false) {
            let name = &at.decl.name.name;
            warnings.push(
                Diagnostic::warning(Code::W0001, format!("the enum `{name}` is never used"))
                    .primary(
                        at.loc(at.decl.name.span),
                        "no input or output has this type",
                    )
                    .help("remove it, or declare an input or output of this type"),
            );
        }
    }
    for (i, at) in decls.inputs.entries() {
        if at.file == root && usage.inputs.get(i) == Some(&false) {
            let name = &at.decl.name.name;
            warnings.push(
                Diagnostic::warning(Code::W0001, format!("the input `{name}` is never used"))
                    .primary(
                        at.loc(at.decl.name.span),
                        "no rule, define, assume, scope, assert or scenario reads this input",
                    )
                    .help("remove it, or use it in a rule's `when`"),
            );
        }
    }
    for (d, at) in decls.defines.entries() {
        if at.file == root && usage.defines.get(d) == Some(&false) {
            let name = &at.decl.name.name;
            warnings.push(
                Diagnostic::warning(Code::W0001, format!("the define `{name}` is never used"))
                    .primary(at.loc(at.decl.name.span), "nothing refers to this define")
                    .help("remove it, or use it in a rule's `when`"),
            );
        }
    }
    for (o, at) in decls.outputs.entries() {
        // No rule assigns it, and its gaps are accepted: left undecided on purpose.
        let accepted = at.decl.default.is_none()
            && decls
                .accepts
                .iter()
                .any(|g| g.decl.output.name == at.decl.name.name);
        if at.file == root && usage.assigned_outputs.get(o) == Some(&false) && !accepted {
            let name = &at.decl.name.name;
            let help = match (&at.decl.default, types.outputs.get(o).copied().flatten()) {
                (Some(d), _) => format!(
                    "every incident gets the default `{}`; add a rule that assigns `{name}`, or remove it",
                    sources.slice(at.loc(d.span))
                ),
                (None, Some(OutputTy::Set(_))) => {
                    format!("`{name}` is always empty; add a rule that assigns it, or remove it")
                }
                (None, _) => format!(
                    "`{name}` has no value for any incident; add a rule that assigns it, or remove it"
                ),
            };
            warnings.push(
                Diagnostic::warning(
                    Code::W0002,
                    format!("the output `{name}` is never assigned"),
                )
                .primary(at.loc(at.decl.name.span), "no rule assigns this output")
                .help(help),
            );
        }
    }
}

/// A policy header in the root file with no output anywhere (`W0009`): the policy
/// would check clean and decide every incident with nothing. A file that `use`s a
/// policy (its test file) has that policy's outputs; one that imports policies
/// (`use ... as`) to compare them is warned only when it states no assert about them.
fn decides_nothing(root: FileId, decls: &Decls, imports: bool, warnings: &mut Vec<Diagnostic>) {
    let Some(header) = decls.header.as_ref().filter(|h| h.file == root) else {
        return;
    };
    let asserts = decls.asserts.entries().next().is_some();
    if decls.outputs.entries().next().is_some() || (imports && asserts) {
        return;
    }
    let name = &header.decl.name.name;
    let (message, help) = if imports {
        (
            format!("the policy `{name}` declares no output or assert: it decides and checks nothing"),
            "state what the compared policies must agree on with an `assert` about their decisions (`always coercion implies npcc.police_response == take_control`), or declare what this policy decides (`output response: Response`) and the rules that decide it",
        )
    } else {
        (
            format!("the policy `{name}` declares no output: it decides nothing"),
            "declare what the document decides (`output response: Response`) and the rules that decide it; a file of facts other policies `use` needs no `policy` header",
        )
    };
    warnings.push(
        Diagnostic::warning(Code::W0009, message)
            .primary(
                header.loc(header.decl.name.span),
                "no `output` is declared in this policy or the files it uses",
            )
            .note("every incident would be \"decided\" with an empty decision, and no gap or conflict can be found")
            .help(help),
    );
}

/// Rules without `cites`, or with a blank one (`cites ""` cites nothing either).
fn uncited(root: FileId, decls: &Decls, warnings: &mut Vec<Diagnostic>) {
    for at in &decls.rules {
        if at.file != root {
            continue;
        }
        if let Some(c) = at.decl.cites.as_ref().filter(|c| c.value.trim().is_empty()) {
            let name = &at.decl.name.name;
            warnings.push(
                Diagnostic::warning(
                    Code::W0003,
                    format!("the rule `{name}` does not cite its source"),
                )
                .primary(at.loc(c.span), "this citation is empty")
                .note("a citation lets a reader check the rule against the paragraph it encodes")
                .help("write the paragraph the rule encodes: `cites \"DOCUMENT para N\"`"),
            );
            continue;
        }
        if at.decl.cites.is_none() {
            let name = &at.decl.name.name;
            warnings.push(
                Diagnostic::warning(
                    Code::W0003,
                    format!("the rule `{name}` does not cite its source"),
                )
                .primary(at.loc(at.decl.name.span), "this rule has no `cites`")
                .note("a citation lets a reader check the rule against the paragraph it encodes")
                .help(format!(
                    "add `cites \"DOCUMENT para N\"` after the title of `{name}`"
                )),
            );
        }
    }
}

/// A blank reason, judgement citation or rule title: `""` says nothing, yet it passes
/// where a missing one would be a syntax error (or, for a title, leaves the name to
/// speak), so the cheapest way to silence "the decision never depends on coercion" would
/// be `ignore coercion ""`.
/// A text without a letter or digit (`"-"`, `"."`, `"?"`) says nothing either.
fn blank_texts(
    root: FileId,
    decls: &Decls,
    root_items: &[crate::parse::ast::Item],
    warnings: &mut Vec<Diagnostic>,
) {
    let blank = |s: &crate::parse::ast::StrLit| !s.value.chars().any(char::is_alphanumeric);
    // "is empty" would not describe `"-"`: say what is wrong with it.
    let label = |s: &crate::parse::ast::StrLit, noun: &str| {
        if s.value.trim().is_empty() {
            format!("this {noun} is empty")
        } else {
            format!("this {noun} has no words")
        }
    };
    let mut warn = |loc, message: String, label: String, help: &str| {
        warnings.push(
            Diagnostic::warning(Code::W0006, message)
                .primary(loc, label)
                .help(help.to_string()),
        );
    };
    for at in decls.inputs.iter().filter(|a| a.file == root) {
        if let Some(j) = at.decl.judgement.as_ref().filter(|j| blank(&j.citation)) {
            warn(
                at.loc(j.citation.span),
                format!("the judgement on `{}` cites nothing", at.decl.name.name),
                label(&j.citation, "citation"),
                "write the paragraph that leaves the matter to a person: `judgement \"DOCUMENT para N\"`",
            );
        }
    }
    for at in decls.ignores.iter().filter(|a| a.file == root) {
        if blank(&at.decl.reason) {
            let names: Vec<&str> = at.decl.inputs.iter().map(|i| i.name.as_str()).collect();
            warn(
                at.loc(at.decl.reason.span),
                format!("`ignore {}` gives no reason", names.join(", ")),
                label(&at.decl.reason, "reason"),
                "say, citing the document, why it does not use these facts: `ignore INPUT \"DOCUMENT para N ...\"`",
            );
        }
    }
    for at in decls.accepts.iter().filter(|a| a.file == root) {
        if blank(&at.decl.reason) {
            warn(
                at.loc(at.decl.reason.span),
                format!("`accept gap {}` gives no reason", at.decl.output.name),
                label(&at.decl.reason, "reason"),
                "say what the document leaves open here, citing it: `accept gap OUTPUT \"DOCUMENT para N does not say ...\"`",
            );
        }
    }
    for at in decls.rules.iter().filter(|a| a.file == root) {
        if let Some(t) = at.decl.title.as_ref().filter(|t| blank(t)) {
            warn(
                at.loc(t.span),
                format!("the rule `{}` has a blank title", at.decl.name.name),
                label(t, "title"),
                "say what the rule does in the document's words, or leave the title out",
            );
        }
    }
    // The header's texts head every report, and a scenario's title is what a failing
    // test prints beside its name.
    let at = |s: &crate::parse::ast::StrLit| Loc::new(root, s.span);
    for item in root_items {
        match &item.kind {
            ItemKind::Policy(h) => {
                let name = &h.name.name;
                if let Some(t) = h.title.as_ref().filter(|t| blank(t)) {
                    warn(
                        at(t),
                        format!("the policy `{name}` has a blank title"),
                        label(t, "title"),
                        "write the document's title, or leave the title out",
                    );
                }
                if let Some(t) = h.source.as_ref().filter(|t| blank(t)) {
                    warn(
                        at(t),
                        format!("the policy `{name}` names no source"),
                        label(t, "source"),
                        "name the document the policy encodes (`source \"FILE or title\"`), or leave `source` out",
                    );
                }
                if let Some(t) = h.version.as_ref().filter(|t| blank(t)) {
                    warn(
                        at(t),
                        format!("the policy `{name}` has a blank version"),
                        label(t, "version"),
                        "write the document's version or date, or leave `version` out",
                    );
                }
            }
            ItemKind::Scenario(sc) => {
                if let Some(t) = sc.title.as_ref().filter(|t| blank(t)) {
                    warn(
                        at(t),
                        format!("the scenario `{}` has a blank title", sc.name.name),
                        label(t, "title"),
                        "say what case the scenario tests, or leave the title out",
                    );
                }
            }
            _ => {}
        }
    }
}

/// `accept gap` for an output that always has a value.
fn needless_acceptances(
    root: FileId,
    decls: &Decls,
    types: &TypeTable,
    warnings: &mut Vec<Diagnostic>,
) {
    for gap in &decls.accepts {
        if gap.file != root {
            continue;
        }
        let Some(&(Sym::Output(o), _)) = decls.values.get(gap.decl.output.name.as_str()) else {
            continue;
        };
        let ty = types.outputs.get(o).copied().flatten();
        let has_default = decls
            .outputs
            .lookup(o)
            .is_some_and(|d| d.decl.default.is_some());
        if never_gaps(ty, has_default) {
            let name = &gap.decl.output.name;
            let why = if has_default {
                "it has a default"
            } else {
                "it is a set, which is empty when no rule adds to it"
            };
            warnings.push(
                Diagnostic::warning(Code::W0004, format!("`{name}` never has a gap to accept"))
                    .primary(
                        gap.loc(gap.decl.output.span),
                        format!("`{name}` always has a value: {why}"),
                    )
                    .help("remove this `accept gap`"),
            );
        }
    }
}
