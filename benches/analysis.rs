//! Check, compile and analysis benchmarks (see BENCHMARKS.md for figures).
//!
//! - every bundled policy in `policies/`: check + analyses (what `policyc check` does),
//!   and compiling its decision graph;
//! - synthetic policies (a third each bool, 4-variant enum and 0..=99 integer inputs;
//!   rules testing 2 to 5 inputs; every tenth rule overriding an earlier one): the full
//!   exact analysis;
//! - one synthetic policy on small domains, analysed exactly and by brute-force
//!   enumeration of every incident, side by side.
//!
//! The large synthetic sizes (40 inputs / 1,000 rules and 64 / 2,000) take minutes and
//! are measured once by `benches/scale.rs`, not sampled here.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use policyc::analyse::{analyse, check_and_analyse};
use policyc::compile::graph::DecisionGraph;
use policyc::compile::{CompileOptions, Compiler};
use policyc::source::{RealFs, Sources};
use policyc::testing::brute;
use policyc::testing::synth::{generate, SynthSpec};

fn policy_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "policy"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn bundled_policies(c: &mut Criterion) {
    let mut group = c.benchmark_group("bundled");
    for path in policy_files() {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        group.bench_with_input(
            BenchmarkId::new("check_and_analyse", &name),
            &path,
            |b, path| {
                b.iter(|| {
                    let mut sources = Sources::new();
                    check_and_analyse(&mut sources, &RealFs, path)
                })
            },
        );
        let mut sources = Sources::new();
        let checked = policyc::check::check_file(&mut sources, &RealFs, &path);
        let Some(policy) = checked.policy.filter(|p| p.header.is_some()) else {
            continue;
        };
        group.bench_with_input(
            BenchmarkId::new("compile_graph", &name),
            &policy,
            |b, policy| {
                b.iter(|| {
                    let mut c = Compiler::new(policy, &CompileOptions::default()).ok()?;
                    DecisionGraph::build(&mut c).ok()
                })
            },
        );
    }
    group.finish();
}

fn synthetic(c: &mut Criterion) {
    let mut group = c.benchmark_group("synthetic_analysis");
    group.sample_size(10);
    for (inputs, rules) in [(8, 40), (12, 80), (20, 200)] {
        let policy = generate(&SynthSpec::large(inputs, rules, 1));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("{inputs}x{rules}")),
            &policy,
            |b, policy| {
                b.iter(|| {
                    let mut c = Compiler::new(policy, &CompileOptions::default()).ok()?;
                    analyse(&mut c).ok()
                })
            },
        );
    }
    group.finish();
}

fn exact_vs_brute_force(c: &mut Criterion) {
    // 10 inputs over small domains: about 10^6 incidents, so enumeration finishes.
    let spec = SynthSpec {
        inputs: 10,
        rules: 40,
        outputs: 4,
        int_hi: 9,
        variants: 4,
        extras: false,
        table: false,
        hit_policies: false,
        seed: 7,
    };
    let policy = generate(&spec);
    let mut group = c.benchmark_group("exact_vs_brute_force");
    group.sample_size(10);
    group.bench_function("decision_diagrams", |b| {
        b.iter(|| {
            let mut c = Compiler::new(&policy, &CompileOptions::default()).ok()?;
            analyse(&mut c).ok()
        })
    });
    group.bench_function("enumeration", |b| b.iter(|| brute::analyse(&policy)));
    group.finish();
}

/// A relation between wide integer inputs that is too expensive to compile: `check`
/// refuses it (E0504) from the ranges alone, without spending the compile budget first
/// (issue 18: it took 5 to 10 s in every command).
fn expensive_relation(c: &mut Criterion) {
    let text = "policy rel \"Relation\"\ninput a: 0..=1000000\ninput b: 0..=1000000\n\
                input c: 0..=1000000\noutput big: bool default false\n\
                rule sum \"Sum exceeds\" cites \"x\" when a + b > c then big = true\n";
    let fs = policyc::testing::MemFs::from([("/mem/rel.policy", text)]);
    c.bench_function("relation/refused_a_plus_b_gt_c_1e6", |b| {
        b.iter(|| {
            let mut sources = Sources::new();
            let checked = check_and_analyse(&mut sources, &fs, Path::new("/mem/rel.policy"));
            assert!(checked.diagnostics.iter().any(|d| d.code == "E0504"));
            checked
        })
    });
}

criterion_group!(
    benches,
    bundled_policies,
    synthetic,
    exact_vs_brute_force,
    expensive_relation
);
criterion_main!(benches);
