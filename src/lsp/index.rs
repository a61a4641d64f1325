//! Names in a policy and the files it `use`s: where each is declared and every place it
//! is mentioned, built from the parsed files (the checker's own loader), for hover, go
//! to definition, find references, completion and document symbols.
//!
//! Resolution follows the language: inputs, outputs, defines, rules, asserts and
//! scenarios share one namespace, enums have another, and a name in an expression that
//! is no declared value is an enum variant (resolved by type in the checker; here every
//! variant of that name is a candidate).

use crate::collections::HashMap;

use crate::parse::ast::{self, Expectation, ExprKind, ItemKind, TypeExpr};
use crate::source::{FileId, Sources, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Policy,
    Enum,
    Variant,
    Input,
    Output,
    Define,
    Rule,
    Assert,
    Scenario,
}

impl DeclKind {
    pub fn word(self) -> &'static str {
        match self {
            DeclKind::Policy => "policy",
            DeclKind::Enum => "enum",
            DeclKind::Variant => "variant",
            DeclKind::Input => "input",
            DeclKind::Output => "output",
            DeclKind::Define => "define",
            DeclKind::Rule => "rule",
            DeclKind::Assert => "assert",
            DeclKind::Scenario => "scenario",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Decl {
    pub name: String,
    pub kind: DeclKind,
    pub file: FileId,
    pub name_span: Span,
    /// The whole declaration, doc comment excluded.
    pub item_span: Span,
    pub doc: Option<String>,
    /// The declaration's first line, as written (whitespace collapsed).
    pub signature: String,
    pub title: Option<String>,
    pub cites: Option<String>,
    /// For a variant: its enum.
    pub parent: Option<usize>,
    /// For an input or output: the type of its values, as written.
    pub ty: Option<ValueType>,
}

/// The type of an input's or output's values, by name: what completion offers where
/// one of its values is expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    Bool,
    Int,
    /// An enum, by name.
    Enum(String),
    /// `set of E`, by the enum's name.
    SetOf(String),
}

impl ValueType {
    pub fn of(t: &TypeExpr) -> Option<ValueType> {
        Some(match t {
            TypeExpr::Bool(_) => ValueType::Bool,
            TypeExpr::Range { .. } => ValueType::Int,
            TypeExpr::Named(i) => ValueType::Enum(i.name.clone()),
            TypeExpr::Set { elem, .. } => match elem.as_ref() {
                TypeExpr::Named(i) => ValueType::SetOf(i.name.clone()),
                _ => return None,
            },
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    /// Inputs, outputs, defines, rules, asserts, scenarios; variants as a fallback.
    Value,
    Type,
}

/// A mention of a name (declarations included).
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub file: FileId,
    pub span: Span,
    /// The declarations it may mean (several for a variant name shared by enums).
    pub decls: Vec<usize>,
}

#[derive(Default)]
pub struct Index {
    pub decls: Vec<Decl>,
    pub occurrences: Vec<Occurrence>,
}

/// The parsed files to index: each file id with its syntax tree.
pub type Files<'a> = [(FileId, &'a ast::File)];

/// The policies imported with `use ... as`: each alias with its files.
pub type Imported<'a> = [(String, Vec<(FileId, &'a ast::File)>)];

impl Index {
    #[cfg(test)]
    pub fn build(sources: &Sources, files: &Files) -> Index {
        Index::build_with_imports(sources, files, &[])
    }

    /// Like [`Index::build`], with the policies the root imports with `use ... as`:
    /// their outputs are declared as `alias.output`, the name rules and asserts read
    /// them by.
    pub fn build_with_imports(sources: &Sources, files: &Files, imports: &Imported) -> Index {
        let mut index = Index::default();
        let mut pending: Vec<(FileId, Span, String, Ns)> = Vec::new();
        for &(file, ast) in files {
            let text = sources.text(file);
            for item in &ast.items {
                index.declare(file, text, item);
                collect_mentions(file, item, &mut pending);
            }
        }
        // The same file may be loaded again for an import (a shared vocabulary):
        // its enums are declared once.
        let mut declared: Vec<&std::path::Path> =
            files.iter().filter_map(|&(f, _)| sources.path(f)).collect();
        for (alias, imported) in imports {
            for &(file, ast) in imported {
                let text = sources.text(file);
                let path = sources.path(file);
                let new_file = path.is_some_and(|p| !declared.contains(&p));
                for item in &ast.items {
                    match item.kind {
                        ItemKind::Output(_) => {
                            let first = index.decls.len();
                            index.declare(file, text, item);
                            if let Some(d) = index.decls.get_mut(first) {
                                d.name = format!("{alias}.{}", d.name);
                            }
                        }
                        // The values of imported outputs, as asserts compare them.
                        ItemKind::Enum(_) if new_file => index.declare(file, text, item),
                        _ => {}
                    }
                }
                declared.extend(path);
            }
        }
        let mut values: HashMap<&str, usize> = HashMap::default();
        let mut types: HashMap<&str, usize> = HashMap::default();
        let mut variants: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, d) in index.decls.iter().enumerate() {
            match d.kind {
                DeclKind::Enum => {
                    types.entry(&d.name).or_insert(i);
                }
                DeclKind::Variant => variants.entry(&d.name).or_default().push(i),
                DeclKind::Policy => {}
                _ => {
                    values.entry(&d.name).or_insert(i);
                }
            }
        }
        let mut occurrences: Vec<Occurrence> = index
            .decls
            .iter()
            .enumerate()
            .map(|(i, d)| Occurrence {
                file: d.file,
                span: d.name_span,
                decls: vec![i],
            })
            .collect();
        for (file, span, name, ns) in pending {
            let decls = match ns {
                Ns::Type => types
                    .get(name.as_str())
                    .map(|&i| vec![i])
                    .unwrap_or_default(),
                Ns::Value => match values.get(name.as_str()) {
                    Some(&i) => vec![i],
                    None => variants.get(name.as_str()).cloned().unwrap_or_default(),
                },
            };
            occurrences.push(Occurrence { file, span, decls });
        }
        index.occurrences = occurrences;
        index
    }

    fn declare(&mut self, file: FileId, text: &str, item: &ast::Item) {
        let Some(name) = item.kind.name() else {
            return;
        };
        let kind = match &item.kind {
            ItemKind::Policy(_) => DeclKind::Policy,
            ItemKind::Enum(_) => DeclKind::Enum,
            ItemKind::Input(_) => DeclKind::Input,
            ItemKind::Output(_) => DeclKind::Output,
            ItemKind::Define(_) => DeclKind::Define,
            ItemKind::Rule(_) => DeclKind::Rule,
            ItemKind::Assert(_) => DeclKind::Assert,
            ItemKind::Scenario(_) => DeclKind::Scenario,
            _ => return,
        };
        let (title, cites) = match &item.kind {
            ItemKind::Policy(h) => (h.title.as_ref(), h.source.as_ref()),
            ItemKind::Rule(r) => (r.title.as_ref(), r.cites.as_ref()),
            ItemKind::Assert(a) => (a.title.as_ref(), a.cites.as_ref()),
            ItemKind::Scenario(s) => (s.title.as_ref(), s.cites.as_ref()),
            ItemKind::Input(i) => (None, i.judgement.as_ref().map(|j| &j.citation)),
            _ => (None, None),
        };
        let signature = match &item.kind {
            ItemKind::Enum(e) => {
                let names: Vec<&str> = e.variants.iter().map(|v| v.name.name.as_str()).collect();
                format!("enum {} {{ {} }}", e.name.name, names.join(", "))
            }
            ItemKind::Rule(_)
            | ItemKind::Assert(_)
            | ItemKind::Scenario(_)
            | ItemKind::Policy(_) => {
                let mut s = format!("{} {}", item.kind.keyword(), name.name);
                if let Some(t) = title {
                    s.push(' ');
                    s.push_str(&crate::format::quote(&t.value));
                }
                s
            }
            // The judgement is said on its own line of the hover.
            ItemKind::Input(ast::InputDecl {
                judgement: Some(j), ..
            }) => collapse(text.get(item.span.start..j.keyword.start).unwrap_or("")),
            _ => collapse(text.get(item.span.range()).unwrap_or("")),
        };
        let index = self.decls.len();
        self.decls.push(Decl {
            name: name.name.clone(),
            kind,
            file,
            name_span: name.span,
            item_span: item.span,
            doc: item.doc.as_ref().map(|d| d.text.clone()),
            signature,
            title: title.map(|t| t.value.clone()),
            cites: cites.map(|c| c.value.clone()),
            parent: None,
            ty: match &item.kind {
                ItemKind::Input(i) => ValueType::of(&i.ty),
                ItemKind::Output(o) => ValueType::of(&o.ty),
                _ => None,
            },
        });
        if let ItemKind::Enum(e) = &item.kind {
            for v in &e.variants {
                self.decls.push(Decl {
                    name: v.name.name.clone(),
                    kind: DeclKind::Variant,
                    file,
                    name_span: v.name.span,
                    item_span: v.name.span,
                    doc: v.doc.as_ref().map(|d| d.text.clone()),
                    signature: format!("{}::{}", e.name.name, v.name.name),
                    title: None,
                    cites: None,
                    parent: Some(index),
                    ty: None,
                });
            }
        }
    }

    /// The mention at byte `offset` of `file` (the name the cursor is on or just after).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.file == file && o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| o.span.end - o.span.start)
    }

    /// The input, output or define named `name` (`alias.output` for an imported one).
    pub fn value(&self, name: &str) -> Option<&Decl> {
        self.decls.iter().find(|d| {
            d.name == name
                && matches!(
                    d.kind,
                    DeclKind::Input | DeclKind::Output | DeclKind::Define
                )
        })
    }

    /// The variants of the enum named `name`, preferring one declared in `file` (two
    /// policies may each declare an enum of that name).
    pub fn variants(&self, name: &str, file: FileId) -> Vec<&Decl> {
        let enums: Vec<usize> = (0..self.decls.len())
            .filter(|&i| {
                self.decls
                    .get(i)
                    .is_some_and(|d| d.kind == DeclKind::Enum && d.name == name)
            })
            .collect();
        let chosen = enums
            .iter()
            .find(|&&i| self.decls.get(i).is_some_and(|d| d.file == file))
            .or(enums.first());
        let Some(&e) = chosen else {
            return Vec::new();
        };
        self.decls
            .iter()
            .filter(|d| d.kind == DeclKind::Variant && d.parent == Some(e))
            .collect()
    }

    /// Every mention of declaration `decl`, its declaration included.
    pub fn references(&self, decl: usize) -> impl Iterator<Item = &Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.decls.contains(&decl))
    }
}

/// Collapses runs of whitespace, and cuts long text, for one-line signatures.
fn collapse(s: &str) -> String {
    let mut out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > 160 {
        out = out.chars().take(157).collect::<String>() + "...";
    }
    out
}

fn collect_mentions(file: FileId, item: &ast::Item, out: &mut Vec<(FileId, Span, String, Ns)>) {
    let mut push = |span: Span, name: &str, ns: Ns| out.push((file, span, name.to_string(), ns));
    let mut exprs: Vec<&ast::Expr> = Vec::new();
    let ty = |t: &TypeExpr, push: &mut dyn FnMut(Span, &str, Ns)| match t {
        TypeExpr::Named(i) => push(i.span, &i.name, Ns::Type),
        TypeExpr::Set { elem, .. } => {
            if let TypeExpr::Named(i) = elem.as_ref() {
                push(i.span, &i.name, Ns::Type);
            }
        }
        TypeExpr::Bool(_) | TypeExpr::Range { .. } => {}
    };
    match &item.kind {
        ItemKind::Input(i) => {
            ty(&i.ty, &mut push);
            exprs.extend(i.typical.iter());
        }
        ItemKind::Output(o) => {
            ty(&o.ty, &mut push);
            exprs.extend(o.default.iter());
            for h in &o.hit {
                if let ast::HitClause::Precedence { values, .. } = h {
                    exprs.extend(values.iter());
                }
            }
        }
        ItemKind::Ignore(g) => {
            for i in &g.inputs {
                push(i.span, &i.name, Ns::Value);
            }
        }
        ItemKind::Define(d) => exprs.push(&d.value),
        ItemKind::Assume(c) | ItemKind::Scope(c) => exprs.push(&c.cond),
        ItemKind::Rule(r) => {
            for o in &r.overrides {
                push(o.span, &o.name, Ns::Value);
            }
            exprs.extend(r.when.iter());
            for a in &r.then {
                push(a.target.span, &a.target.name, Ns::Value);
                exprs.push(&a.value);
            }
        }
        ItemKind::AcceptGap(a) => {
            push(a.output.span, &a.output.name, Ns::Value);
            exprs.extend(a.when.iter());
        }
        ItemKind::Assert(a) => exprs.push(&a.cond),
        ItemKind::Scenario(s) => {
            for a in &s.given {
                push(a.target.span, &a.target.name, Ns::Value);
                exprs.push(&a.value);
            }
            for e in &s.expect {
                match e {
                    Expectation::Value(a) => {
                        push(a.target.span, &a.target.name, Ns::Value);
                        exprs.push(&a.value);
                    }
                    Expectation::Undecided { output, .. } => {
                        push(output.span, &output.name, Ns::Value)
                    }
                    Expectation::OutOfScope(_) => {}
                }
            }
        }
        ItemKind::Policy(_) | ItemKind::Use(_) | ItemKind::Enum(_) => {}
    }
    // Iterative: expressions may be deep.
    while let Some(e) = exprs.pop() {
        match &e.kind {
            ExprKind::Name(n) => push(e.span, n, Ns::Value),
            ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Range { .. } => {}
            ExprKind::Set(items) => exprs.extend(items.iter()),
            ExprKind::Paren(x) | ExprKind::Unary(_, x) => exprs.push(x),
            ExprKind::Binary(_, a, b) | ExprKind::Contains(a, b) => {
                exprs.push(a);
                exprs.push(b);
            }
            ExprKind::In { value, set, .. } => {
                exprs.push(value);
                exprs.push(set);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(texts: &[&str]) -> (Sources, Index) {
        let mut sources = Sources::new();
        let mut asts = Vec::new();
        for (k, t) in texts.iter().enumerate() {
            let id = sources.add(format!("f{k}"), None, t.to_string());
            asts.push((id, crate::parse::parse(id, t).0));
        }
        let files: Vec<(FileId, &ast::File)> = asts.iter().map(|(i, a)| (*i, a)).collect();
        let idx = Index::build(&sources, &files);
        (sources, idx)
    }

    #[test]
    fn names_resolve_across_files_and_namespaces() {
        let vocab =
            "enum Severity { nude, extreme }\ninput severity: Severity\ninput coercion: bool\n";
        let policy = "output escalate: bool\nrule r \"t\" when coercion and severity == extreme then escalate = true\n";
        let (_, idx) = index(&[vocab, policy]);
        let at = policy.find("coercion").unwrap() + 2;
        let occ = idx.at(1, at).unwrap();
        let d = &idx.decls[occ.decls[0]];
        assert_eq!(
            (d.kind, d.file, d.name.as_str()),
            (DeclKind::Input, 0, "coercion")
        );
        let ext = idx.at(1, policy.find("extreme").unwrap()).unwrap();
        let d = &idx.decls[ext.decls[0]];
        assert_eq!(d.kind, DeclKind::Variant);
        assert_eq!(idx.decls[d.parent.unwrap()].name, "Severity");
        // The type in `input severity: Severity` is the enum, not the input.
        let ty = idx.at(0, vocab.rfind("Severity").unwrap()).unwrap();
        assert_eq!(idx.decls[ty.decls[0]].kind, DeclKind::Enum);
        let refs: Vec<_> = idx.references(ty.decls[0]).map(|o| o.file).collect();
        assert_eq!(refs, vec![0, 0]);
    }

    /// A judgement input carries its citation for hover, precedence values resolve to
    /// their variants, and `ignore` names the inputs it ignores.
    #[test]
    fn judgements_precedences_and_ignores_are_indexed() {
        let text = "enum R { a, b }\ninput j: bool judgement \"para 7\"\n\
                    output o: R\n  precedence b > a\nignore j \"r\"\n";
        let (_, idx) = index(&[text]);
        let j = idx.decls.iter().find(|d| d.name == "j").unwrap();
        assert_eq!(j.cites.as_deref(), Some("para 7"));
        assert_eq!(j.signature, "input j: bool");
        let b = idx.at(0, text.find("b > a").unwrap()).unwrap();
        assert_eq!(idx.decls[b.decls[0]].kind, DeclKind::Variant);
        let ignored = idx.at(0, text.rfind("j \"r\"").unwrap()).unwrap();
        assert_eq!(idx.decls[ignored.decls[0]].kind, DeclKind::Input);
    }

    #[test]
    fn unknown_names_resolve_to_nothing() {
        let (_, idx) = index(&["define d = nowhere\n"]);
        let occ = idx.at(0, 12).unwrap();
        assert!(occ.decls.is_empty());
    }
}
