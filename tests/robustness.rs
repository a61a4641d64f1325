//! No input, however malformed, makes policyc panic, hang or overflow its stack
//! (DESIGN.md, "Quality bar").
//!
//! Random bytes, random text, random soups of the language's own tokens and random
//! mutations of the real policies in `policies/` go through `parse` and `check`; every
//! run must end, every diagnostic must point inside its file and render, and the IR
//! must be produced exactly when there are no errors, and then be well formed; a
//! mutated policy that checks is compiled and analysed too, which must end in results
//! or a diagnostic. Inputs of pathological size (an enum of tens of thousands of
//! variants, thousands of unknown names, a line of megabytes) must check and render in
//! time linear in their size: each such test is small enough to finish in about a
//! second, and takes minutes where the work is quadratic.
//! `PROPTEST_CASES=10000 cargo test --release --test robustness` runs longer.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

use std::path::Path;

use proptest::prelude::*;

use policyc::analyse::analyse_policy_with;
use policyc::check::ir::{self, Expr, LinExpr, OutputTy, Policy, Ty, Value};
use policyc::check::{check_file, check_text, Checked};
use policyc::compile::{CompileOptions, Engine};
use policyc::diagnostics::{render, Diagnostic};
use policyc::source::{Loc, Sources};
use policyc::testing::MemFs;

// ---- harness ---------------------------------------------------------------------

const DIR: &str = "/mem";

fn mem_fs(files: &[(&str, Vec<u8>)]) -> MemFs {
    files.iter().cloned().collect::<MemFs>().under(DIR)
}

/// Checks `root` (read through the file system) and every invariant of the result.
fn check_files(files: &[(&str, Vec<u8>)], root: &str) -> (Sources, Checked) {
    let fs = mem_fs(files);
    let mut sources = Sources::new();
    let checked = check_file(&mut sources, &fs, &Path::new(DIR).join(root));
    assert_sound(&sources, &checked);
    (sources, checked)
}

/// Checks `text` as an unsaved editor buffer next to `files`.
fn check_buffer(files: &[(&str, Vec<u8>)], text: &str) -> (Sources, Checked) {
    let fs = mem_fs(files);
    let mut sources = Sources::new();
    let checked = check_text(
        &mut sources,
        &fs,
        &Path::new(DIR).join("buffer.policy"),
        text.to_string(),
    );
    assert_sound(&sources, &checked);
    (sources, checked)
}

fn loc_ok(sources: &Sources, loc: Loc) -> Result<(), String> {
    if loc.file >= sources.len() {
        return Err(format!("file {} of {}", loc.file, sources.len()));
    }
    let text = sources.text(loc.file);
    let (s, e) = (loc.span.start, loc.span.end);
    if s > e || e > text.len() {
        return Err(format!("span {s}..{e} in a file of {} bytes", text.len()));
    }
    if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
        return Err(format!("span {s}..{e} splits a character"));
    }
    Ok(())
}

/// Every diagnostic points inside its file and renders, for people and machines.
fn assert_renders(sources: &Sources, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        for l in &d.labels {
            if let Err(e) = loc_ok(sources, Loc::new(l.file, l.span)) {
                panic!("{} `{}`: label {:?}: {e}", d.code, d.message, l.message);
            }
        }
        let text = render::to_string(sources, d);
        assert!(
            !text.contains("could not render source"),
            "{} does not render: {text}",
            d.code
        );
        let json = render::to_json(sources, d);
        assert_eq!(json["code"], d.code.as_str());
    }
}

/// Every diagnostic points inside its file and renders, for people and machines; the
/// IR is there exactly when there are no errors, and is then well formed.
fn assert_sound(sources: &Sources, checked: &Checked) {
    assert_renders(sources, &checked.diagnostics);
    match &checked.policy {
        Some(p) => {
            assert!(
                !checked.has_errors(),
                "IR produced despite errors: {:#?}",
                checked.diagnostics
            );
            if let Err(e) = valid_ir(p, sources) {
                panic!("malformed IR: {e}");
            }
        }
        None => assert!(
            checked.has_errors(),
            "no IR and no error: {:#?}",
            checked.diagnostics
        ),
    }
}

// ---- IR well-formedness --------------------------------------------------------------

fn valid_ir(p: &Policy, sources: &Sources) -> Result<(), String> {
    let v = Validator { p, sources };
    v.check()
}

struct Validator<'a> {
    p: &'a Policy,
    sources: &'a Sources,
}

impl Validator<'_> {
    fn check(&self) -> Result<(), String> {
        let p = self.p;
        for e in &p.enums {
            self.loc(e.loc)?;
            for var in &e.variants {
                self.loc(var.loc)?;
            }
        }
        for i in &p.inputs {
            self.loc(i.loc)?;
            self.ty(i.ty)?;
        }
        for o in &p.outputs {
            self.loc(o.loc)?;
            match o.ty {
                OutputTy::Single(t) => self.ty(t)?,
                OutputTy::Set(e) => {
                    self.enum_id(e)?;
                }
            }
            if let Some(v) = &o.default {
                self.value(o.ty, v)?;
            }
        }
        for d in &p.defines {
            self.loc(d.loc)?;
            match &d.body {
                ir::DefineBody::Bool(e) => self.expr(e, false)?,
                ir::DefineBody::Int(l) => self.lin(l)?,
            }
        }
        for c in p.assumes.iter().chain(&p.scope) {
            self.loc(c.loc)?;
            self.expr(&c.expr, false)?;
        }
        for r in &p.rules {
            self.loc(r.loc)?;
            self.loc(r.name_loc)?;
            self.expr(&r.when, false)?;
            for &o in &r.overrides {
                if p.rules.lookup(o).is_none() {
                    return Err(format!("rule {} overrides rule {o:?}", r.name));
                }
            }
            for a in &r.assigns {
                self.loc(a.loc)?;
                self.value(self.output_ty(a.output)?, &a.value)?;
            }
        }
        for g in &p.accepted_gaps {
            self.loc(g.loc)?;
            self.output_ty(g.output)?;
            self.expr(&g.when, false)?;
        }
        for a in &p.asserts {
            self.loc(a.loc)?;
            self.expr(&a.expr, true)?;
        }
        for s in &p.scenarios {
            self.loc(s.loc)?;
            for f in &s.given {
                self.loc(f.loc)?;
                let ty = p
                    .inputs
                    .lookup(f.input)
                    .ok_or_else(|| format!("fact on input {:?}", f.input))?
                    .ty;
                self.value(OutputTy::Single(ty), &f.value)?;
            }
            for x in &s.expect {
                match x {
                    ir::Expect::Value { output, value, loc } => {
                        self.loc(*loc)?;
                        self.value(self.output_ty(*output)?, value)?;
                    }
                    ir::Expect::Undecided { output, loc } => {
                        self.loc(*loc)?;
                        self.output_ty(*output)?;
                    }
                    ir::Expect::OutOfScope { loc } => self.loc(*loc)?,
                }
            }
        }
        Ok(())
    }

    fn loc(&self, loc: Loc) -> Result<(), String> {
        loc_ok(self.sources, loc)
    }

    fn enum_id(&self, e: ir::EnumId) -> Result<&ir::EnumDef, String> {
        self.p.enums.lookup(e).ok_or_else(|| format!("enum {e:?}"))
    }

    fn ty(&self, t: Ty) -> Result<(), String> {
        match t {
            Ty::Bool => Ok(()),
            Ty::Enum(e) => self.enum_id(e).map(|_| ()),
            Ty::Int { lo, hi } if lo <= hi => Ok(()),
            Ty::Int { lo, hi } => Err(format!("empty range {lo}..={hi}")),
        }
    }

    fn output_ty(&self, o: ir::OutputId) -> Result<OutputTy, String> {
        self.p
            .outputs
            .lookup(o)
            .map(|o| o.ty)
            .ok_or_else(|| format!("output {o:?}"))
    }

    fn input_ty(&self, i: ir::InputId) -> Result<Ty, String> {
        self.p
            .inputs
            .lookup(i)
            .map(|i| i.ty)
            .ok_or_else(|| format!("input {i:?}"))
    }

    fn value(&self, ty: OutputTy, v: &Value) -> Result<(), String> {
        let ok = match (ty, v) {
            (OutputTy::Single(Ty::Bool), Value::Bool(_)) => true,
            (OutputTy::Single(Ty::Int { lo, hi }), Value::Int(x)) => lo <= *x && *x <= hi,
            (OutputTy::Single(Ty::Enum(e)), Value::Enum(e2, var)) => {
                e == *e2 && self.enum_id(e)?.variants.lookup(*var).is_some()
            }
            (OutputTy::Set(e), Value::Set(e2, vars)) => {
                let vs = &self.enum_id(e)?.variants;
                e == *e2
                    && vars.windows(2).all(|w| w[0] < w[1])
                    && vars.iter().all(|&x| vs.lookup(x).is_some())
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(format!("value {v:?} for type {ty:?}"))
        }
    }

    fn lin(&self, l: &LinExpr) -> Result<(), String> {
        for &(c, i) in &l.terms {
            if c == 0 || !matches!(self.input_ty(i)?, Ty::Int { .. }) {
                return Err(format!("term {c} * input {i:?}"));
            }
        }
        if !l.terms.windows(2).all(|w| w[0].1 < w[1].1) {
            return Err(format!("terms not sorted: {:?}", l.terms));
        }
        Ok(())
    }

    /// Walks without recursion: the tree may be as deep as the parser allows.
    fn expr(&self, e: &Expr, outputs_allowed: bool) -> Result<(), String> {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Const(_) => {}
                Expr::Input(i) => {
                    if self.input_ty(*i)? != Ty::Bool {
                        return Err(format!("input {i:?} is not bool"));
                    }
                }
                Expr::Define(d) => match self.p.defines.lookup(*d).map(|d| &d.body) {
                    Some(ir::DefineBody::Bool(_)) => {}
                    _ => return Err(format!("define {d:?} is not a bool define")),
                },
                Expr::Not(x) => stack.push(x),
                Expr::And(xs) | Expr::Or(xs) => stack.extend(xs),
                Expr::Implies(a, b) | Expr::Iff(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                Expr::Cmp { lhs, rhs, .. } => {
                    self.lin(lhs)?;
                    self.lin(rhs)?;
                }
                Expr::EnumIn { input, variants } => {
                    let Ty::Enum(en) = self.input_ty(*input)? else {
                        return Err(format!("input {input:?} is not an enum"));
                    };
                    let vs = &self.enum_id(en)?.variants;
                    if variants.iter().any(|&v| vs.lookup(v).is_none()) {
                        return Err(format!("variants {variants:?} of an enum of {}", vs.len()));
                    }
                }
                Expr::EnumEq(a, b) => {
                    let (ta, tb) = (self.input_ty(*a)?, self.input_ty(*b)?);
                    if !matches!(ta, Ty::Enum(_)) || ta != tb {
                        return Err(format!("EnumEq of {ta:?} and {tb:?}"));
                    }
                }
                Expr::OutputIs { output, values } => {
                    if !outputs_allowed {
                        return Err("an output outside an assert".into());
                    }
                    let ty = self.output_ty(*output)?;
                    for v in values {
                        self.value(ty, v)?;
                    }
                }
                Expr::SetContains { output, variant } => {
                    if !outputs_allowed {
                        return Err("an output outside an assert".into());
                    }
                    let OutputTy::Set(en) = self.output_ty(*output)? else {
                        return Err(format!("output {output:?} is not a set"));
                    };
                    if self.enum_id(en)?.variants.lookup(*variant).is_none() {
                        return Err(format!("variant {variant:?}"));
                    }
                }
                // Another policy's decision, read by an assert of this one.
                Expr::ImportedOutputIs { import, .. }
                | Expr::ImportedSetContains { import, .. } => {
                    if !outputs_allowed {
                        return Err("an imported output outside an assert".into());
                    }
                    if self.p.imports.lookup(*import).is_none() {
                        return Err(format!("import {import:?} of {}", self.p.imports.len()));
                    }
                }
            }
        }
        Ok(())
    }
}

// ---- inputs ----------------------------------------------------------------------

/// The real policies, by file name.
fn policies() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("policies").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "policy") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    out.sort();
    assert!(out.len() >= 2, "the policies are missing");
    out
}

/// The language's vocabulary: every keyword, some names, punctuation, literals and
/// comments, so that random soups reach deep into the grammar and the checker.
const VOCAB: &[&str] = &[
    "policy",
    "use",
    "enum",
    "input",
    "output",
    "define",
    "assume",
    "scope",
    "rule",
    "accept",
    "gap",
    "assert",
    "scenario",
    "when",
    "then",
    "overrides",
    "cites",
    "given",
    "expect",
    "always",
    "and",
    "or",
    "not",
    "implies",
    "in",
    "contains",
    "true",
    "false",
    "bool",
    "set",
    "of",
    "default",
    "source",
    "version",
    "undecided",
    "out_of_scope",
    "a",
    "b",
    "x",
    "E",
    "age",
    "coercion",
    "severity",
    "Severity",
    "nude",
    "r1",
    "r2",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "..=",
    "0",
    "1",
    "17",
    "-3",
    "0..=99",
    "9223372036854775807",
    "-9223372036854775808",
    "99999999999999999999",
    "\"t\"",
    "\"incident.policy\"",
    "\"buffer.policy\"",
    "\"\\\"",
    "\"",
    "///",
    "/// doc",
    "//",
    "// c",
    "\n",
    "\n",
    "\n  ",
    "é",
    "\u{FEFF}",
    "\r\n",
    "\t",
];

/// A small well-formed policy the soups are seeded with, so that names resolve.
const PRELUDE: &str = "policy p \"t\"\nenum E { x, nude }\ninput a: bool\ninput b: bool\n\
input age: 0..=99\ninput severity: E\noutput x: E\noutput coercion: bool default false\n";

fn soup(tokens: &[usize], glue: &[bool]) -> String {
    let mut s = String::new();
    for (k, &t) in tokens.iter().enumerate() {
        s.push_str(VOCAB[t % VOCAB.len()]);
        if glue.get(k).copied().unwrap_or(true) {
            s.push(' ');
        }
    }
    s
}

/// Splits text into tokens that keep their whitespace, so a mutation can delete,
/// repeat or swap them.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let class = if c.is_alphanumeric() || c == '_' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2 + (c as u32 % 200) as u8
        };
        if prev.is_some_and(|p| p != class || class >= 2) && i > start {
            out.push(&text[start..i]);
            start = i;
        }
        prev = Some(class);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[derive(Clone, Debug)]
enum Mutation {
    DeleteToken(usize),
    RepeatToken(usize),
    SwapTokens(usize, usize),
    InsertToken(usize, usize),
    DeleteLine(usize),
    RepeatLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = any::<usize>();
    prop_oneof![
        i.prop_map(Mutation::DeleteToken),
        i.prop_map(Mutation::RepeatToken),
        (i, i).prop_map(|(a, b)| Mutation::SwapTokens(a, b)),
        (i, i).prop_map(|(a, b)| Mutation::InsertToken(a, b)),
        i.prop_map(Mutation::DeleteLine),
        i.prop_map(Mutation::RepeatLine),
        (i, i).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn mutate(text: &str, m: &Mutation) -> String {
    let by_lines = matches!(
        m,
        Mutation::DeleteLine(_) | Mutation::RepeatLine(_) | Mutation::SwapLines(..)
    );
    let mut parts: Vec<&str> = if by_lines {
        text.split_inclusive('\n').collect()
    } else {
        tokens(text)
    };
    if parts.is_empty() {
        return String::new();
    }
    let n = parts.len();
    match *m {
        Mutation::DeleteToken(i) | Mutation::DeleteLine(i) => {
            parts.remove(i % n);
        }
        Mutation::RepeatToken(i) | Mutation::RepeatLine(i) => {
            parts.insert(i % n, parts[i % n]);
        }
        Mutation::SwapTokens(a, b) | Mutation::SwapLines(a, b) => parts.swap(a % n, b % n),
        Mutation::InsertToken(i, t) => parts.insert(i % n, VOCAB[t % VOCAB.len()]),
    }
    parts.concat()
}

// ---- properties ------------------------------------------------------------------

/// Cases per property: `PROPTEST_CASES` when set, else `default` (kept small enough
/// for a debug build in CI).
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        check_files(&[("root.policy", bytes.clone())], "root.policy");
        let text = String::from_utf8_lossy(&bytes);
        let (_, diags) = policyc::parse::parse(0, &text);
        let mut sources = Sources::new();
        sources.add("t", None, text.into_owned());
        for d in &diags {
            for l in &d.labels {
                loc_ok(&sources, Loc::new(l.file, l.span)).unwrap();
            }
        }
    }

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        check_buffer(&[], &text);
    }

    #[test]
    fn random_lines_of_the_language_never_panic(
        lines in prop::collection::vec("[a-z_ (){},:=<>!+*.0-9\"/-]{0,40}", 0..30),
    ) {
        check_buffer(&[], &format!("{PRELUDE}{}", lines.join("\n")));
    }

    #[test]
    fn token_soups_never_panic(
        tokens in prop::collection::vec(any::<usize>(), 0..300),
        glue in prop::collection::vec(any::<bool>(), 0..300),
        prelude in any::<bool>(),
    ) {
        let body = soup(&tokens, &glue);
        let text = if prelude { format!("{PRELUDE}{body}") } else { body };
        // The buffer may `use` itself or a file that is not there.
        check_buffer(&[("incident.policy", PRELUDE.as_bytes().to_vec())], &text);
    }

}

proptest! {
    // Each case checks a real policy and its vocabulary: 50 ms in a debug build.
    #![proptest_config(cases(96))]

    #[test]
    fn mutated_policies_never_panic(
        which in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        vocabulary_too in any::<bool>(),
    ) {
        let all = policies();
        let (root, original) = &all[which % all.len()];
        let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
        let mut text = original.clone();
        for m in &mutations {
            text = mutate(&text, m);
        }
        for (name, t) in &all {
            if name == root {
                files.push((name.as_str(), text.clone().into_bytes()));
            } else if vocabulary_too && name == "incident.policy" {
                let mut t = t.clone();
                for m in mutations.iter().rev() {
                    t = mutate(&t, m);
                }
                files.push((name.as_str(), t.into_bytes()));
            } else {
                files.push((name.as_str(), t.clone().into_bytes()));
            }
        }
        let (sources, checked) = check_files(&files, root);
        analyse_soundly(&sources, &checked, SMALL_MAX_NODES);
    }
}

proptest! {
    // One mutation leaves about half the policies checking clean, so that many cases
    // reach the compiler and the analyses: 15 ms a case in a debug build. The real
    // policies need a few hundred nodes: node limits around that stop the compiler at
    // every stage, or not at all.
    #![proptest_config(cases(96))]

    #[test]
    fn policies_one_mutation_away_analyse_or_explain(
        which in any::<usize>(),
        m in mutation(),
        max_nodes in 50usize..1000,
    ) {
        let all = policies();
        let (root, original) = &all[which % all.len()];
        let mutated = mutate(original, &m);
        let files = with_root(&all, root, &mutated);
        let (sources, checked) = check_files(&files, root);
        analyse_soundly(&sources, &checked, max_nodes);
    }
}

/// Every policy file as it is, except `root`, which has `text`.
fn with_root<'a>(all: &'a [(String, String)], root: &str, text: &str) -> Vec<(&'a str, Vec<u8>)> {
    all.iter()
        .map(|(n, t)| {
            let t = if n == root { text } else { t };
            (n.as_str(), t.as_bytes().to_vec())
        })
        .collect()
}

/// A node limit for the analyses in the property tests: the real policies fit in it,
/// and a mutation that makes a policy explode costs a few milliseconds before the limit
/// stops it with a diagnostic.
const SMALL_MAX_NODES: usize = 20_000;

/// For a policy that checks clean, compiling and analysing it (what `policyc check`
/// runs after the checker) ends in an analysis or in a diagnostic, never a panic; and
/// every diagnostic it gives points inside its file and renders.
fn analyse_soundly(sources: &Sources, checked: &Checked, max_nodes: usize) {
    let Some(policy) = checked.policy.as_ref().filter(|p| p.header.is_some()) else {
        return;
    };
    // Both engines: the box engine (forced, with a split budget as small as the node
    // limit) sees the same hostile policies as the diagrams.
    for engine in [Engine::Auto, Engine::Boxes] {
        let options = CompileOptions {
            max_nodes: Some(max_nodes),
            engine,
            max_splits: Some(max_nodes),
            ..CompileOptions::default()
        };
        let diagnostics = match analyse_policy_with(policy, &options) {
            Ok(a) => a.diagnostics,
            Err(d) => {
                assert!(d.is_error(), "analysis failed without an error: {d:#?}");
                vec![*d]
            }
        };
        assert_renders(sources, &diagnostics);
    }
}

#[test]
fn the_real_policies_check_soundly() {
    let all = policies();
    let files: Vec<(&str, Vec<u8>)> = all
        .iter()
        .map(|(n, t)| (n.as_str(), t.clone().into_bytes()))
        .collect();
    for (name, _) in &all {
        let (_, checked) = check_files(&files, name);
        assert!(
            checked.policy.is_some(),
            "{name}: {:#?}",
            checked.diagnostics
        );
    }
}

#[test]
fn mutations_reach_many_diagnostic_codes() {
    // A fuzzer that only ever hits one error finds little: the mutations must reach
    // deep into the parser and the checker. Deterministic sample of one-step mutations.
    let all = policies();
    let mut codes = std::collections::BTreeSet::new();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    for _ in 0..400 {
        let (root, text) = &all[next() % all.len()];
        let m = match next() % 4 {
            0 => Mutation::DeleteToken(next()),
            1 => Mutation::SwapTokens(next(), next()),
            2 => Mutation::InsertToken(next(), next()),
            _ => Mutation::RepeatLine(next()),
        };
        let mutated = mutate(text, &m);
        let files = with_root(&all, root, &mutated);
        let (_, checked) = check_files(&files, root);
        codes.extend(checked.diagnostics.iter().map(|d| d.code));
    }
    for stage in ["E01", "E02", "E03"] {
        assert!(
            codes.iter().any(|c| c.as_str().starts_with(stage)),
            "no {stage}xx error from mutations: {codes:?}"
        );
    }
    assert!(codes.len() >= 6, "mutations reached only {codes:?}");
}

// ---- stack -------------------------------------------------------------------------

/// Expressions at each of the parser's depth limits (docs/language.md, "Limits"), and
/// one step past them.
fn at_the_limits() -> Vec<(&'static str, String, String)> {
    use policyc::parse::{MAX_EXPR_DEPTH as E, MAX_NESTING as N};
    let nest = |open: &str, mid: &str, close: &str, n: usize| {
        format!("{}{mid}{}", open.repeat(n), close.repeat(n))
    };
    // (name, maximal expression, one level deeper)
    vec![
        (
            "brackets",
            nest("(", "a", ")", N),
            nest("(", "a", ")", N + 1),
        ),
        (
            "sets",
            format!("severity in {}", nest("{", "x", "}", N)),
            format!("severity in {}", nest("{", "x", "}", N + 1)),
        ),
        (
            "nots",
            nest("not ", "a", "", N),
            nest("not ", "a", "", N + 1),
        ),
        (
            "minus",
            nest("- ", "age > 0", "", N),
            nest("- ", "age > 0", "", N + 1),
        ),
        (
            "implies",
            nest("", "a", " implies a", N),
            nest("", "a", " implies a", N + 1),
        ),
        (
            "comparisons",
            nest("", "a", " == a", E - 1),
            nest("", "a", " == a", E),
        ),
        (
            "products",
            nest("2 * ", "age > 0", "", E - 2),
            nest("2 * ", "age > 0", "", E - 1),
        ),
        (
            "brackets of nots",
            nest("(not not not ", "a", ")", N - 1),
            nest("(not not not not ", "a", ")", N - 1),
        ),
        (
            "brackets of comparisons",
            nest("(a == ", "a", ")", N),
            nest("(a == ", "a", ")", N + 1),
        ),
        (
            "memberships",
            nest("", "severity", " in {x}", E - 2),
            nest("", "severity", " in {x}", E - 1),
        ),
    ]
}

#[test]
fn expressions_at_the_depth_limits_check_on_an_8_mib_stack() {
    // The main thread of a program on Linux and macOS has 8 MiB; library users, the
    // language server and tests must be able to parse and check anything the limits
    // allow on one, in a debug build.
    let worker = std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(|| {
            for (name, ok, too_deep) in at_the_limits() {
                for (text, refused) in [(ok, false), (too_deep, true)] {
                    // Conditions of rules and asserts take other paths through the
                    // checker than defines.
                    let contexts: &[&str] = if name == "comparisons" {
                        &[
                            "define d =",
                            "rule r \"t\" cites \"c\" when",
                            "assert z \"t\" always",
                        ]
                    } else {
                        &["define d ="]
                    };
                    for cx in contexts {
                        let then = if cx.starts_with("rule") {
                            " then x = nude"
                        } else {
                            ""
                        };
                        let policy = format!("{PRELUDE}{cx} {text}{then}\n");
                        let (_, checked) = check_buffer(&[], &policy);
                        let deep = checked.diagnostics.iter().any(|d| d.code == "E0104");
                        assert_eq!(
                            deep, refused,
                            "{name} in `{cx}`: {:#?}",
                            checked.diagnostics
                        );
                    }
                }
            }
        })
        .unwrap();
    worker.join().expect("parse and check fit in 8 MiB");
}

// ---- scale -----------------------------------------------------------------------
//
// Each input below checks in about a second in a debug build, where quadratic work in
// its size took minutes (no test measures time: a regression shows as a test that does
// not end).

/// `v0, v1, ...`: the names of `n` variants.
fn variants(n: usize) -> String {
    (0..n)
        .map(|i| format!("v{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn an_enum_of_many_variants_listed_in_full_checks() {
    const N: usize = 25_000;
    let all = variants(N);
    let text = format!(
        "policy p \"t\"\nenum E {{ {all} }}\ninput x: E\noutput o: E\noutput s: set of E\n\
         rule r \"t\" cites \"c\" when x in {{ {all} }} then o = v{last}, s = {{ {all} }}\n\
         rule q \"t\" cites \"c\" when x == v7 or x not in {{ v1, v{last} }} then o = v0\n",
        last = N - 1
    );
    let (_, checked) = check_buffer(&[], &text);
    let p = checked.policy.expect("checks");
    let rule = p.rules.iter().next().unwrap();
    let Expr::EnumIn { variants, .. } = &rule.when else {
        panic!("{:?}", rule.when);
    };
    let e = p.enums.ids().next().unwrap();
    let all: Vec<ir::VariantId> = p.enums[e].variants.ids().collect();
    assert_eq!(*variants, all);
    assert_eq!(rule.assigns[0].value, Value::Enum(e, all[N - 1]));
    assert!(matches!(&rule.assigns[1].value, Value::Set(e2, vs) if *e2 == e && vs.len() == N));
}

#[test]
fn an_enum_of_many_variants_read_through_an_import_checks() {
    // The importer sees the imported policy's enum as a copy of its own: variants of
    // the copy resolve as those of a declared enum do.
    const N: usize = 12_000;
    let all = variants(N);
    let imported = format!(
        "policy big \"t\"\nenum E {{ {all} }}\ninput a: bool\noutput o: E default v0\n\
         rule r \"t\" cites \"c\" when a then o = v{last}\n",
        last = N - 1
    );
    let importer = format!(
        "policy p \"t\"\nuse \"big.policy\" as b\ninput a: bool\noutput x: bool default false\n\
         rule r \"t\" cites \"c\" when a then x = true\n\
         assert known \"t\" always b.o in {{ {all} }}\n\
         assert first \"t\" always not a implies b.o == v0\n"
    );
    let (_, checked) = check_buffer(&[("big.policy", imported.clone().into_bytes())], &importer);
    let p = checked.policy.expect("checks");
    assert_eq!(p.asserts.len(), 2);
    assert_eq!(p.imports.len(), 1);
    // A misspelt variant of the copy is reported with the copy's name.
    let broken = importer.replace("b.o == v0", "b.o == v0x");
    let (_, checked) = check_buffer(&[("big.policy", imported.into_bytes())], &broken);
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code == "E0205" && d.message == "`v0x` is not a variant of `b.E`"),
        "{:#?}",
        checked
            .diagnostics
            .iter()
            .map(|d| &d.message)
            .collect::<Vec<_>>()
    );
}

#[test]
fn thousands_of_unknown_names_are_all_reported_and_the_first_get_suggestions() {
    // Every misspelt name was compared with every declared one, by edit distance:
    // 3,000 of them among 3,100 names took many seconds, 100,000 among as many hours.
    const N: usize = 3_000;
    let mut text = String::from("policy p \"t\"\noutput o: bool default false\n");
    for k in 0..100 {
        text.push_str(&format!("input flag{k}: bool\n"));
    }
    for i in 0..N {
        text.push_str(&format!("define d{i} = flg{}\n", i % 100));
    }
    let (_, checked) = check_buffer(&[], &text);
    let unknown: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0203")
        .collect();
    assert_eq!(unknown.len(), N);
    for (i, d) in unknown.iter().enumerate() {
        assert_eq!(d.message, format!("cannot find `flg{}`", i % 100));
    }
    // The first are suggested the input they misspell, as in a small policy; when the
    // work for suggestions is spent, the rest get the plain help.
    assert_eq!(unknown[0].help.as_deref(), Some("did you mean `flag0`?"));
    assert_eq!(unknown[1].help.as_deref(), Some("did you mean `flag1`?"));
    let suggested = unknown
        .iter()
        .take_while(|d| {
            d.help
                .as_deref()
                .is_some_and(|h| h.starts_with("did you mean"))
        })
        .count();
    assert!(suggested >= 10, "only {suggested} suggestions");
    assert!(suggested < N, "suggestions without a bound");
    for d in &unknown[suggested..] {
        assert!(
            d.help
                .as_deref()
                .is_some_and(|h| h.starts_with("declare it")),
            "{:?}",
            d.help
        );
    }
}

/// The longest rendering of a diagnostic on a long line: the window shown of it, as
/// many carets, and the frame.
const RENDERED_BOUND: usize = 4 * 1024;

#[test]
fn a_label_on_a_line_of_megabytes_shows_part_of_it() {
    const LEN: usize = 1_000_000;
    let text = format!("{PRELUDE}input z: bool {}\n", "x".repeat(LEN));
    let (sources, checked) = check_buffer(&[], &text);
    let d = checked
        .diagnostics
        .iter()
        .find(|d| d.code == "E0101")
        .expect("a syntax error");
    // The message names the word by its start.
    assert!(d.message.len() < 200, "{}", d.message);
    let shown = render::to_string(&sources, d);
    assert!(shown.len() < RENDERED_BOUND, "{} bytes", shown.len());
    // Line and column are those of the whole file, and the reader is told that the
    // line is cut.
    assert!(shown.contains("buffer.policy:9:15"), "{shown}");
    assert!(shown.contains("shown in part"), "{shown}");
    assert!(shown.contains("^^^^"), "{shown}");
    let json = render::to_json(&sources, d);
    assert_eq!(json["labels"][0]["column"], 15);
    assert_eq!(json["labels"][0]["end_column"], 15 + LEN);
}

#[test]
fn thousands_of_diagnostics_on_one_long_line_each_show_their_part() {
    // Each would otherwise print the whole line, and as many carets: 3,000 times 40 KB.
    const N: usize = 3_000;
    let names: Vec<String> = (0..N).map(|i| format!("u{i}")).collect();
    let text = format!(
        "{PRELUDE}rule r \"t\" cites \"c\" when severity in {{ {} }} then x = nude\n",
        names.join(", ")
    );
    let (sources, checked) = check_buffer(&[], &text);
    let unknown: Vec<&Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.code == "E0205")
        .collect();
    assert_eq!(unknown.len(), N);
    let line = text.lines().count();
    for (i, d) in unknown.iter().enumerate() {
        let shown = render::to_string(&sources, d);
        assert!(
            shown.len() < RENDERED_BOUND,
            "{} bytes:\n{shown}",
            shown.len()
        );
        // The label's own name is in the part shown.
        let name = &names[i];
        assert!(shown.contains(&format!("{name},")) || shown.contains(&format!("{name} }}")));
        let (l, c) = sources.line_col(d.labels[0].file, d.labels[0].span.start);
        assert_eq!(l, line);
        assert!(shown.contains(&format!(":{l}:{c}")), "{shown}");
    }
}
