//! What `policyc test` (with scenarios) and `policyc doc` pay for the decision graph on
//! policies whose graph passes the node limit (issue 18, "no wasted graph"): both
//! compile, analyse and then try the graph, and read the rules when it does not fit.
//! Beside it, what `policyc check` pays (compile and analyse, no graph), so the two
//! differ by the graph's attempt alone; and the attempt by itself.
//! `cargo bench --bench graph_limit`.
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

criterion_group!(benches, past_the_limit);
criterion_main!(benches);
