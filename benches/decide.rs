//! `decide` throughput (see BENCHMARKS.md for figures).
//!
//! - in-process: the compiled graph of a seed policy evaluated on 1,000,000 random
//!   complete incidents (a walk from the root per incident);
//! - batch: 100,000 JSON Lines of facts answered by the `policyc decide` batch path,
//!   `evaluate::batch` (parse, check the facts, decide, write the JSON answer), next to reading and
//!   writing the same lines with serde_json alone, in one run;
//! - check errors: the count of `policyc check`'s errors that `decide` warns with, on a
//!   decision table of 64 inputs and 2,000 rules (`analyse::count_errors_with`, the
//!   errors-only analysis and brief diagnostics), beside the whole analysis's
//!   diagnostics counted.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use policyc::check::ir::Policy;
use policyc::evaluate::batch::{self, Batch, Incidents};
use policyc::evaluate::Decider;
use policyc::testing::synth::Rng;

mod common;
use common::{load, SEED_POLICY};

/// Random complete incidents as value indices, `inputs` per incident, back to back.
fn incidents(policy: &Policy, n: usize, rng: &mut Rng) -> Vec<u32> {
    let sizes: Vec<u64> = policy
        .inputs
        .iter()
        .map(|i| policy.domain_size(i.ty))
        .collect();
    let mut out = Vec::with_capacity(n * sizes.len());
    for _ in 0..n {
        for &s in &sizes {
            out.push(rng.below(s) as u32);
        }
    }
    out
}

fn in_process(c: &mut Criterion) {
    let Some((_, policy, graph)) = load() else {
        eprintln!("{SEED_POLICY} did not check; skipping");
        return;
    };
    let n = 1_000_000;
    let width = policy.inputs.len().max(1);
    let data = incidents(&policy, n, &mut Rng::new(1));
    let mut group = c.benchmark_group("decide_in_process");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(20);
    group.bench_function("evaluate_1m_incidents", |b| {
        b.iter(|| {
            let mut acc = 0usize;
            for incident in data.chunks_exact(width) {
                acc = acc.wrapping_add(graph.evaluate(black_box(incident)));
            }
            acc
        })
    });
    group.finish();
}

fn batch(c: &mut Criterion) {
    let Some((sources, policy, graph)) = load() else {
        return;
    };
    let n = 100_000;
    let lines = common::facts_lines(&policy, n, 2);
    let mut group = c.benchmark_group("decide_batch_jsonl");
    group.throughput(Throughput::Elements(n as u64));
    group.sample_size(10);
    group.bench_function("policyc_decide", |b| {
        b.iter(|| {
            let mut out: Vec<u8> = Vec::with_capacity(lines.len() * 4);
            let decider = Decider::Graph(&graph);
            let Incidents::Many(Ok(items)) = batch::from_text(&lines) else {
                return 0;
            };
            // As `policyc decide` answers: each answer serialized, one a line.
            let mut batch = Batch::new(&policy, &decider);
            for item in items {
                let answer = batch.answer(item);
                if serde_json::to_writer(&mut out, &answer.json(&policy, &sources)).is_ok() {
                    out.push(b'\n');
                }
            }
            out.len()
        })
    });
    group.bench_function("serde_json_read_write_only", |b| {
        b.iter(|| {
            let mut out: Vec<u8> = Vec::with_capacity(lines.len() * 2);
            for line in lines.lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                    let _ = serde_json::to_writer(&mut out, &v);
                    out.push(b'\n');
                }
            }
            out.len()
        })
    });
    group.finish();
}

fn check_errors(c: &mut Criterion) {
    use policyc::analyse::{analyse_policy_with, count_errors_with};
    use policyc::compile::CompileOptions;
    use policyc::testing::synth::{generate, SynthSpec};
    let policy = generate(&SynthSpec::table(64, 2000, 1));
    let mut group = c.benchmark_group("check_errors");
    group.sample_size(10);
    let errors_only = CompileOptions {
        errors_only: true,
        ..CompileOptions::default()
    };
    group.bench_function("table_64x2000_count", |b| {
        b.iter(|| black_box(count_errors_with(&policy, &errors_only)))
    });
    group.bench_function("table_64x2000_full_diagnostics", |b| {
        b.iter(|| {
            black_box(
                analyse_policy_with(&policy, &CompileOptions::default())
                    .map(|a| a.diagnostics.iter().filter(|d| d.is_error()).count())
                    .ok(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, in_process, batch, check_errors);
criterion_main!(benches);
