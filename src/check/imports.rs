//! `use "npcc.policy" as npcc`: importing another policy's decisions, which asserts
//! read as `npcc.output` (docs/proposals/import-decisions.md).
//!
//! The imported file is checked as a policy of its own ([`load`], before the importer's
//! checker starts, through the same loader and checker, with the chain of imports on a
//! stack so that a cycle is reported and not followed). The importer's checker then
//! sees each imported output as one more output, named `alias.output`
//! ([`register`]): name resolution, types, variants by expected type
//! and "outputs only in asserts" all work unchanged. At the end
//! ([`finish`]) the imported outputs are turned into
//! [`ir::Expr::ImportedOutputIs`] / [`ir::Expr::ImportedSetContains`], the imported
//! policy is checked to read only inputs of the importer (same names, same types) and is
//! rebased onto them, and the IR gets [`ir::Import`]s.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::enums::Enums;
use super::ir::{self, EnumId, IdxVec, OutputId, OutputTy, Ty, Value};
use super::modules::Program;
use super::sink::Sink;
use super::tables::{Decls, Sym, TypeTable, Usage};
use super::widen::{self, Side, Vocabulary};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::ast;
use crate::source::{normalize, FileSystem, Loc, Sources};

/// How many policies deep imports may go (each imports the next).
pub const MAX_IMPORT_DEPTH: usize = 16;

/// A policy imported with `use ... as alias`, checked on its own.
pub(crate) struct Imported {
    pub alias: String,
    /// The alias in the `use ... as` declaration.
    pub alias_loc: Loc,
    /// The whole declaration.
    pub loc: Loc,
    /// The imported policy as checked on its own (its own input ids).
    pub policy: ir::Policy,
    /// `alias.output`, per output of `policy`.
    pub qualified: Vec<String>,
}

/// Where the checker is in a chain of imports: the files above this one.
pub(crate) type ImportStack = Vec<PathBuf>;

/// Checks every policy the program imports with `use ... as`. Their diagnostics join
/// `diags`; an import that does not check is left out (its errors say why, and they
/// make the importer fail too).
pub(crate) fn load(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    program: &Program,
    root_path: &Path,
    stack: &ImportStack,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Imported> {
    // Collect first: checking an import adds files to `sources`.
    // (alias, its place, the `use`, the path's place, the path, the path as written)
    let mut wanted: Vec<(String, Loc, Loc, Loc, PathBuf, String)> = Vec::new();
    for m in &program.modules {
        let base = sources
            .path(m.file)
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for item in &m.ast.items {
            if let ast::ItemKind::Use(u) = &item.kind {
                if let Some(alias) = &u.alias {
                    wanted.push((
                        alias.name.clone(),
                        Loc::new(m.file, alias.span),
                        Loc::new(m.file, item.span),
                        Loc::new(m.file, u.path.span),
                        normalize(&base.join(&u.path.value)),
                        u.path.value.clone(),
                    ));
                }
            }
        }
    }
    let mut out: Vec<Imported> = Vec::new();
    let here = fs.canonical(root_path);
    for (alias, alias_loc, loc, path_loc, path, shown) in wanted {
        if let Some(first) = out.iter().find(|i| i.alias == alias) {
            diags.push(
                Diagnostic::error(Code::E0201, format!("`{alias}` names two imports"))
                    .primary(alias_loc, "imported again under this name")
                    .secondary(first.alias_loc, "first imported here")
                    .help("give each imported policy its own name after `as`"),
            );
            continue;
        }
        let key = fs.canonical(&path);
        if key == here || stack.contains(&key) {
            diags.push(
                Diagnostic::error(Code::E0401, format!("`use` cycle: `{shown}` imports, directly or through other imports, the policy that imports it"))
                    .primary(loc, "this import closes the cycle")
                    .help("a policy cannot read its own decisions: remove one of the imports"),
            );
            continue;
        }
        if stack.len() >= MAX_IMPORT_DEPTH {
            diags.push(
                Diagnostic::error(
                    Code::E0401,
                    format!("imports nest more than {MAX_IMPORT_DEPTH} policies deep"),
                )
                .primary(loc, "this import is too deep")
                .help("import the policies an assert needs directly"),
            );
            continue;
        }
        let mut inner = stack.clone();
        inner.push(here.clone());
        let checked = super::check_nested(sources, fs, &path, path_loc, &inner);
        // The imported policy's warnings belong to it (`policyc check` on it says them);
        // its errors stop the importer, so they are said here.
        diags.extend(checked.diagnostics.into_iter().filter(Diagnostic::is_error));
        let Some(policy) = checked.policy else {
            continue;
        };
        if policy.header.is_none() {
            diags.push(
                Diagnostic::error(
                    Code::E0408,
                    format!("`{shown}` is a module, not a policy: it has no decisions to import"),
                )
                .primary(loc, "`use ... as` imports a policy's decisions")
                .help(format!(
                    "to share its declarations, write `use \"{shown}\"` without `as`"
                )),
            );
            continue;
        }
        let qualified = policy
            .outputs
            .iter()
            .map(|o| format!("{alias}.{}", o.name))
            .collect();
        out.push(Imported {
            alias,
            alias_loc,
            loc,
            policy,
            qualified,
        });
    }
    out
}

/// How the imported outputs and enums are numbered among this file's own: outputs and
/// enums past this file's own are imported ones.
#[derive(Default)]
pub(crate) struct ImportIds {
    own_outputs: usize,
    own_enums: usize,
    /// Per imported output id (past `own_outputs`): (import, its output id there).
    outputs: Vec<(ir::ImportId, OutputId)>,
    /// Per copied enum id (past `own_enums`): (import, its enum id there).
    enums: Vec<(ir::ImportId, EnumId)>,
}

/// Declares every imported output as an output of this policy, named `alias.output`,
/// with its enum copied in (`alias.Enum`), after this file's own declarations and
/// types are resolved.
pub(crate) fn register<'a>(
    imports: &'a [Imported],
    decls: &mut Decls<'a>,
    enums: &mut Enums,
    types: &mut TypeTable,
    usage: &mut Usage,
) -> ImportIds {
    let mut ids = ImportIds {
        own_outputs: types.outputs.len(),
        own_enums: enums.len(),
        ..ImportIds::default()
    };
    // `finish` keeps the imports in this order: their ids are their positions.
    for (k, imp) in imports.iter().enumerate() {
        let k = ir::ImportId::from_raw(k);
        let mut enum_map: IdxVec<ir::EnumDef, Option<EnumId>> =
            IdxVec::filled(None, imp.policy.enums.len());
        let mut copy_enum = |e: EnumId| -> EnumId {
            if let Some(Some(id)) = enum_map.get(e) {
                return *id;
            }
            let mut def = imp.policy.enums[e].clone();
            def.name = format!("{}.{}", imp.alias, def.name);
            let id = enums.push(def);
            ids.enums.push((k, e));
            if let Some(slot) = enum_map.get_mut(e) {
                *slot = Some(id);
            }
            id
        };
        for (j, out) in imp.policy.outputs.entries() {
            let ty = match out.ty {
                OutputTy::Single(Ty::Enum(e)) => OutputTy::Single(Ty::Enum(copy_enum(e))),
                OutputTy::Set(e) => OutputTy::Set(copy_enum(e)),
                other => other,
            };
            // The integer values the imported output takes, for comparisons.
            let mut ints = BTreeSet::new();
            for v in imp
                .policy
                .rules
                .iter()
                .flat_map(|r| r.assigns.iter())
                .filter(|a| a.output == j)
                .map(|a| &a.value)
                .chain(out.default.as_ref())
            {
                if let Value::Int(i) = v {
                    ints.insert(*i);
                }
            }
            let id = types.outputs.push(Some(ty));
            usage.assigned_outputs.push(true);
            types.output_values.push(ints);
            ids.outputs.push((k, j));
            if let Some(name) = imp.qualified.get(j.index()) {
                decls
                    .values
                    .insert(name.as_str(), (Sym::Output(id), imp.alias_loc));
                decls.value_order.push((name.as_str(), Sym::Output(id)));
            }
        }
    }
    ids
}

/// Turns reads of imported outputs into their own IR, checks that each imported policy
/// reads only this policy's inputs, rebases it onto them, and drops the copied enums
/// (`ir.enums` holds them on entry, after this policy's own).
pub(crate) fn finish(imports: &[Imported], ids: &ImportIds, ir: &mut ir::Policy, sink: &mut Sink) {
    if imports.is_empty() {
        return;
    }
    let mut rebased: Vec<Option<ir::Policy>> = Vec::with_capacity(imports.len());
    for imp in imports {
        rebased.push(rebase(imp, ir, sink));
    }
    for a in &mut ir.asserts {
        a.expr = imported_reads(ids, &a.expr);
    }
    ir.enums.truncate(ids.own_enums);
    for (imp, policy) in imports.iter().zip(rebased) {
        if let Some(policy) = policy {
            ir.imports.push(ir::Import {
                alias: imp.alias.clone(),
                policy,
                loc: imp.loc,
            });
        }
    }
}

/// The imported policy over this policy's inputs, or `None` after reporting the
/// inputs it reads that this policy does not have (or has with another type).
fn rebase(imp: &Imported, ir: &ir::Policy, sink: &mut Sink) -> Option<ir::Policy> {
    let mut ok = true;
    for inp in &imp.policy.inputs {
        let mine = ir.input_by_name(&inp.name);
        let theirs = imp.policy.ty_text(inp.ty);
        match mine.map(|i| &ir.inputs[i]) {
            None => {
                ok = false;
                sink.push(
                    Diagnostic::error(
                        Code::E0207,
                        format!("the imported policy `{}` reads the input `{}`, which this policy does not declare", imp.alias, inp.name),
                    )
                    .primary(imp.loc, format!("`{}` is imported here", imp.alias))
                    .secondary(inp.loc, format!("`{}` asks this", imp.alias))
                    .help("declare the input here too, usually by `use`-ing the same vocabulary file as the imported policy"),
                );
            }
            Some(my) => {
                let same = match (my.ty, inp.ty) {
                    (Ty::Enum(a), Ty::Enum(b)) => {
                        let names = |p: &ir::Policy, e: EnumId| -> Vec<String> {
                            p.enums[e].variants.iter().map(|v| v.name.clone()).collect()
                        };
                        names(ir, a) == names(&imp.policy, b)
                    }
                    (a, b) => a == b,
                };
                if !same {
                    ok = false;
                    let mine_ty = ir.ty_text(my.ty);
                    sink.push(
                        Diagnostic::error(
                            Code::E0322,
                            format!("the input `{}` is `{mine_ty}` here and `{theirs}` in the imported policy `{}`", inp.name, imp.alias),
                        )
                        .primary(my.loc, format!("`{mine_ty}` here"))
                        .secondary(inp.loc, format!("`{theirs}` in `{}`", imp.alias))
                        .help("an imported policy must read the incident with the same questions: declare the input once, in a vocabulary both policies `use`"),
                    );
                }
            }
        }
    }
    if !ok {
        return None;
    }
    // Every imported input is one of ours with the same type, so the union is our
    // own input list and rebasing renumbers the imported policy onto it.
    match Vocabulary::build(ir, &imp.policy) {
        Ok(vocab) => Some(widen::widen(&imp.policy, &vocab, Side::New)),
        Err(_) => None,
    }
}

/// Rewrites reads of imported outputs (ids past this policy's own outputs).
fn imported_reads(ids: &ImportIds, e: &ir::Expr) -> ir::Expr {
    use ir::Expr as E;
    let imported = |o: OutputId| -> Option<(ir::ImportId, OutputId)> {
        o.index()
            .checked_sub(ids.own_outputs)
            .and_then(|k| ids.outputs.get(k).copied())
    };
    // Values of a copied enum go back to the imported policy's enum ids.
    let value_back = |v: &Value| -> Value {
        match v {
            Value::Enum(e, var) => {
                match e
                    .index()
                    .checked_sub(ids.own_enums)
                    .and_then(|k| ids.enums.get(k))
                {
                    Some(&(_, theirs)) => Value::Enum(theirs, *var),
                    None => v.clone(),
                }
            }
            Value::Set(e, vs) => {
                match e
                    .index()
                    .checked_sub(ids.own_enums)
                    .and_then(|k| ids.enums.get(k))
                {
                    Some(&(_, theirs)) => Value::Set(theirs, vs.clone()),
                    None => v.clone(),
                }
            }
            other => other.clone(),
        }
    };
    let go = |x: &E| Box::new(imported_reads(ids, x));
    match e {
        E::OutputIs { output, values } => match imported(*output) {
            Some((import, output)) => E::ImportedOutputIs {
                import,
                output,
                values: values.iter().map(value_back).collect(),
            },
            None => e.clone(),
        },
        E::SetContains { output, variant } => match imported(*output) {
            Some((import, output)) => E::ImportedSetContains {
                import,
                output,
                variant: *variant,
            },
            None => e.clone(),
        },
        E::Not(a) => E::Not(go(a)),
        E::And(xs) => E::And(xs.iter().map(|x| imported_reads(ids, x)).collect()),
        E::Or(xs) => E::Or(xs.iter().map(|x| imported_reads(ids, x)).collect()),
        E::Implies(a, b) => E::Implies(go(a), go(b)),
        E::Iff(a, b) => E::Iff(go(a), go(b)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]

    use crate::testing::id;
    use std::path::Path;

    use crate::analyse::{analyse, brute};
    use crate::check::ir::*;
    use crate::compile::synth::{generate, Rng, SynthSpec};
    use crate::compile::{CompileOptions, Compiler};
    use crate::source::Sources;
    use crate::testing::MemFs;

    /// A random relation between the importer's outputs and the import's.
    fn relation(rng: &mut Rng, p: &Policy, imp: &Policy) -> Expr {
        let lit = |rng: &mut Rng, import: Option<ImportId>, q: &Policy| -> Expr {
            let o: OutputId = id(rng.below(q.outputs.len() as u64) as usize);
            match (q.outputs[o].ty, import) {
                (OutputTy::Set(_), Some(k)) => Expr::ImportedSetContains {
                    import: k,
                    output: o,
                    variant: id(rng.below(3) as usize),
                },
                (OutputTy::Set(_), None) => Expr::SetContains {
                    output: o,
                    variant: id(rng.below(3) as usize),
                },
                (OutputTy::Single(Ty::Bool), k) => {
                    let values = vec![Value::Bool(rng.chance(50))];
                    match k {
                        Some(k) => Expr::ImportedOutputIs {
                            import: k,
                            output: o,
                            values,
                        },
                        None => Expr::OutputIs { output: o, values },
                    }
                }
                (OutputTy::Single(Ty::Enum(e)), k) => {
                    let values = vec![Value::Enum(e, id(rng.below(3) as usize))];
                    match k {
                        Some(k) => Expr::ImportedOutputIs {
                            import: k,
                            output: o,
                            values,
                        },
                        None => Expr::OutputIs { output: o, values },
                    }
                }
                _ => Expr::Const(true),
            }
        };
        let a = lit(rng, Some(id(0)), imp);
        let b = lit(rng, None, p);
        match rng.below(3) {
            0 => Expr::Implies(Box::new(a), Box::new(b)),
            1 => Expr::Implies(Box::new(b), Box::new(a)),
            _ => Expr::Or(vec![a, Expr::Not(Box::new(b))]),
        }
    }

    /// The importer's asserts over an import: the compiled proof agrees with
    /// enumeration (the reference decides the imported policy on every incident).
    #[test]
    fn imported_decisions_in_asserts_agree_with_enumeration() {
        let mut failing = 0;
        let mut holding = 0;
        for seed in 0..120u64 {
            let mut p = generate(&SynthSpec::small(seed));
            // The imported policy reads the same inputs with other rules and scope.
            let mut other = generate(&SynthSpec::small(seed));
            let mut rng = Rng::new(seed ^ 0x1A2B);
            for r in &mut other.rules {
                if rng.chance(40) {
                    r.when = Expr::Not(Box::new(r.when.clone()));
                }
            }
            // Its scope differs from the importer's: where it decides nothing, its
            // outputs have no value.
            if rng.chance(30) {
                other.scope.clear();
            } else {
                let i = id(rng.below(other.inputs.len() as u64) as usize);
                let lit = match other.inputs[i].ty {
                    Ty::Bool => Expr::Input(i),
                    Ty::Enum(_) => Expr::EnumIn {
                        input: i,
                        variants: vec![id(0)],
                    },
                    Ty::Int { lo, .. } => Expr::Cmp {
                        lhs: LinExpr::input(i),
                        op: CmpOp::Gt,
                        rhs: LinExpr::constant(lo),
                    },
                };
                other.scope.push(Constraint {
                    expr: lit,
                    loc: Default::default(),
                });
            }
            p.asserts = Arena::new();
            for _ in 0..3 {
                let expr = relation(&mut rng, &p, &other);
                p.asserts.push(AssertDef {
                    name: "rel".into(),
                    title: None,
                    cites: None,
                    doc: None,
                    expr,
                    loc: Default::default(),
                });
            }
            p.imports.push(Import {
                alias: "other".into(),
                policy: other,
                loc: Default::default(),
            });
            let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
            let a = analyse(&mut c).unwrap();
            let b = brute::analyse(&p);
            // Compaction renumbers every node: the imports' regions must follow.
            c.compact().unwrap();
            let again = analyse(&mut c).unwrap();
            assert_eq!(a.asserts, again.asserts, "seed {seed}: after compaction");
            for f in &a.asserts {
                let k = f.assert;
                let count = f.counterexamples.as_ref().map(|r| r.count).unwrap_or(0);
                assert_eq!(count, b.assert_failures[k], "seed {seed}, assert {k:?}");
                if let Some(r) = &f.counterexamples {
                    // The example really breaks the relation.
                    let d = brute::decide(&p, &r.example_values());
                    assert!(!brute::eval(
                        &p,
                        &p.asserts[k].expr,
                        &r.example_values(),
                        Some(&d.verdicts)
                    ));
                    failing += 1;
                } else {
                    holding += 1;
                }
            }
        }
        assert!(
            failing > 20 && holding > 20,
            "{failing} failing, {holding} holding"
        );
    }

    const VOCAB: &str = r#"enum Previous { none, earlier_incident, police_warned }
input coercion: bool
input previous: Previous
input youngest_age: 0..=17
"#;

    const NATIONAL: &str = r#"policy national "National advice"
use "vocab.policy"
enum PoliceResponse { take_control, support }
output police_response: PoliceResponse
scope youngest_age >= 10
rule control "Aggravating factors" cites "004" when coercion or previous == police_warned
  then police_response = take_control
rule support "None" cites "004" when not coercion and previous != police_warned
  then police_response = support
"#;

    fn school(escalate_when: &str) -> String {
        format!(
            r#"policy school "School"
use "vocab.policy"
use "national.policy" as national
enum Response {{ escalate, manage_in_school }}
output response: Response
rule esc "Escalate" cites "002" when {escalate_when} then response = escalate
rule manage "Manage" cites "002" when not ({escalate_when}) then response = manage_in_school
assert refers "Whenever the police take control, the school escalates"
  always national.police_response == take_control implies response == escalate
"#
        )
    }

    fn run(files: &[(&str, &str)]) -> (Sources, crate::check::Checked) {
        let fs = files.iter().copied().collect::<MemFs>().under("/mem");
        let mut sources = Sources::new();
        let checked =
            crate::analyse::check_and_analyse(&mut sources, &fs, Path::new("/mem/school.policy"));
        (sources, checked)
    }

    fn codes(c: &crate::check::Checked) -> Vec<&'static str> {
        c.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code.as_str())
            .collect()
    }

    #[test]
    fn a_relation_to_an_imported_policy_is_proven_or_refuted_with_a_counterexample() {
        let holds = school("coercion or previous != none");
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", NATIONAL),
            ("school.policy", &holds),
        ]);
        assert_eq!(codes(&c), Vec::<&str>::new(), "{:#?}", c.diagnostics);
        // The assert reads the import's output in the imported policy's own enum; the
        // imported policy is rebased onto the school's inputs (same names, same ids).
        insta::assert_snapshot!(c.policy.unwrap().pretty());
        // The school forgets police warnings: the national advice takes control there.
        let fails = school("coercion or previous == earlier_incident");
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", NATIONAL),
            ("school.policy", &fails),
        ]);
        assert_eq!(codes(&c), vec!["E0503"]);
        let d = c.diagnostics.iter().find(|d| d.code == "E0503").unwrap();
        let text = format!("{} {:?}", d.message, d.notes);
        // Not coerced, police warned, in the national scope (age 10 to 17): 8 ages.
        assert!(text.contains("fails for 8 incidents"), "{text}");
        assert!(text.contains("previous == police_warned"), "{text}");
    }

    #[test]
    fn import_errors_are_reported() {
        // An imported output outside an assert.
        let bad = school("coercion").replace(
            "when coercion then",
            "when national.police_response == take_control then",
        );
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", NATIONAL),
            ("school.policy", &bad),
        ]);
        assert!(codes(&c).contains(&"E0310"), "{:?}", codes(&c));
        // A misspelt imported output.
        let bad =
            school("coercion").replace("national.police_response ==", "national.police_respons ==");
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", NATIONAL),
            ("school.policy", &bad),
        ]);
        assert!(codes(&c).contains(&"E0203"), "{:?}", codes(&c));
        // The imported policy reads an input the school does not have.
        let national = NATIONAL.replace(
            "use \"vocab.policy\"",
            "use \"vocab.policy\"\ninput vulnerable: bool",
        );
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", &national),
            ("school.policy", &school("coercion")),
        ]);
        assert_eq!(codes(&c), vec!["E0207"]);
        // ... or with another type.
        let vocab2 = VOCAB.replace("0..=17", "0..=18");
        let national = NATIONAL.replace("use \"vocab.policy\"", "use \"vocab2.policy\"");
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("vocab2.policy", &vocab2),
            ("national.policy", &national),
            ("school.policy", &school("coercion")),
        ]);
        assert_eq!(codes(&c), vec!["E0322"]);
        // A module has no decisions to import.
        let bad = school("coercion").replace(
            "use \"national.policy\" as national",
            "use \"national.policy\" as national\nuse \"vocab.policy\" as v",
        );
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", NATIONAL),
            ("school.policy", &bad),
        ]);
        assert_eq!(codes(&c), vec!["E0408"]);
        // A cycle of imports.
        let national = NATIONAL.replace(
            "use \"vocab.policy\"",
            "use \"vocab.policy\"\nuse \"school.policy\" as school",
        );
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", &national),
            ("school.policy", &school("coercion")),
        ]);
        assert!(codes(&c).contains(&"E0401"), "{:?}", codes(&c));
        // An error in the imported policy fails the importer.
        let national = NATIONAL.replace(
            "then police_response = support",
            "then police_response = suport",
        );
        let (_, c) = run(&[
            ("vocab.policy", VOCAB),
            ("national.policy", &national),
            ("school.policy", &school("coercion")),
        ]);
        assert!(!codes(&c).is_empty() && c.policy.is_none());
        // An imported file that cannot be read: the error points at the `use`, as for a
        // `use` without `as` (a read error without a place is the root's own).
        let (sources, c) = run(&[
            ("vocab.policy", VOCAB),
            ("school.policy", &school("coercion")),
        ]);
        let d = c
            .diagnostics
            .iter()
            .find(|d| d.code == "E0001")
            .expect("a read error");
        let at = d.primary_loc().expect("a place");
        assert_eq!(sources.slice(at), "\"national.policy\"");
    }
}
