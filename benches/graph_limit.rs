//! What `policyc test` (with scenarios) and `policyc doc` pay for the decision graph on
//! policies whose graph passes the node limit (issue 18, "no wasted graph"): both
//! compile, analyse and then try the graph, and read the rules when it does not fit.
//! Beside it, what `policyc check` pays (compile and analyse, no graph), so the two
//! differ by the graph's attempt alone; and the attempt by itself.
//! `cargo bench --bench graph_limit`. Also the graph of a wide integer tied to another
//! by an assumption (`wide_relation`).
//!
//! The policies are the two synthetic shapes of `benches/scale.rs` at 64 inputs and
//! 2,000 rules, and the decision table at 15 x 1,500, whose graph needed 6 s to pass the
//! limit before `compile::graph_bound` counted that it would.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use policyc::analyse::analyse;
use policyc::check::ir::Policy;
use policyc::compile::graph::DecisionGraph;
use policyc::compile::{CompileOptions, Compiler};
use policyc::testing::synth::{generate, SynthSpec};

fn policies() -> Vec<(&'static str, Policy)> {
    vec![
        ("synth_64x2000", generate(&SynthSpec::large(64, 2000, 1))),
        ("table_64x2000", generate(&SynthSpec::table(64, 2000, 1))),
        ("table_15x1500", generate(&SynthSpec::table(15, 1500, 1))),
    ]
}

fn past_the_limit(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph_past_the_limit");
    group.sample_size(10);
    for (name, policy) in policies() {
        // What `check` does.
        group.bench_function(format!("{name}/compile_analyse"), |b| {
            b.iter(|| {
                let mut c = Compiler::new(&policy, &CompileOptions::default()).ok();
                black_box(c.as_mut().map(|c| analyse(c).is_ok()))
            })
        });
        // What `test` with scenarios and `doc` do before their output.
        group.bench_function(format!("{name}/compile_analyse_graph"), |b| {
            b.iter(|| {
                let mut c = Compiler::new(&policy, &CompileOptions::default()).ok();
                black_box(c.as_mut().map(|c| {
                    let a = analyse(c).is_ok();
                    (a, DecisionGraph::build(c).is_ok())
                }))
            })
        });
        // The graph's attempt alone, on a fresh compilation.
        group.bench_function(format!("{name}/graph"), |b| {
            b.iter_batched(
                || Compiler::new(&policy, &CompileOptions::default()).ok(),
                |mut c| black_box(c.as_mut().map(|c| DecisionGraph::build(c).is_ok())),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// A wide integer tied to another by an assumption (`shared <= images`): the node that
/// asks `images` has an edge to a different child for every value, and the graph's
/// grouping of edges by child was quadratic in them (100,000 values: 13 s to build,
/// 1.9 s after).
fn wide_relation(c: &mut Criterion) {
    let mut group = c.benchmark_group("graph_wide_relation");
    group.sample_size(10);
    for n in [25_000, 100_000] {
        let text = format!(
            "policy p \"P\"\ninput reported: bool\ninput images: 0..={n}\ninput shared: 0..={n}\n\
             assume shared <= images\noutput record: bool\n\
             rule r \"R\" cites \"x\" when reported then record = true\n\
             accept gap record \"Left to the DSL\" when not reported and images >= 10\n"
        );
        let mut sources = policyc::source::Sources::new();
        let path = std::path::Path::new("wide.policy");
        let checked =
            policyc::check::check_text(&mut sources, &policyc::source::RealFs, path, text);
        let Some(policy) = checked.policy else {
            continue;
        };
        group.bench_function(format!("{n}/graph"), |b| {
            b.iter_batched(
                || Compiler::new(&policy, &CompileOptions::default()).ok(),
                |mut c| black_box(c.as_mut().map(|c| DecisionGraph::build(c).is_ok())),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, past_the_limit, wide_relation);
criterion_main!(benches);
