//! One-shot timings of the full exact analysis on large synthetic policies, too slow to
//! sample with criterion. `POLICYC_SCALE="20x200,40x1000,64x2000" cargo bench --bench
//! scale` (default: 20x200). Prints one line per size. `POLICYC_SEED=N` generates the
//! policies from another seed (default 1). `POLICYC_SHAPE=table` takes the
//! decision-table shape instead (`SynthSpec::table`: one output of six values decided by
//! every rule), `POLICYC_SHAPE=both` both shapes.
//!
//! With `POLICYC_EXPORT_DIR=DIR` it instead writes each synthetic policy as JSON (inputs,
//! outputs, rules as boxes) for `benches/z3_compare.py`, which asks z3 the same
//! questions (sizes from `POLICYC_SCALE`, default 20x200, 40x1000 and 64x2000), with
//! the gap counts of a budget `POLICYC_COUNT_BUDGET` (as `policyc check --count-budget`).

use std::time::Instant;

use policyc::analyse::{analyse, Unfinished};
use policyc::compile::{CompileOptions, Compiler};
use policyc::testing::synth::{generate, SynthSpec};

/// A synthetic policy as plain JSON: every rule condition is one box (one value range
/// per tested input), as the generator builds them.
fn export(policy: &policyc::check::ir::Policy) -> Option<serde_json::Value> {
    let c = Compiler::new(policy, &CompileOptions::default()).ok()?;
    let mut rules = Vec::new();
    for (r, rule) in policy.rules.entries() {
        let cond = *c.rule_conds.get(r)?;
        let (cubes, _) = c.mdd.cubes(cond, |t| t == 1, 2);
        if cubes.len() > 1 {
            return None;
        }
        let boxes: Vec<serde_json::Value> = cubes
            .first()
            .map(|cube| {
                cube.iter()
                    .enumerate()
                    .filter_map(|(l, set)| {
                        let input = *c.order.levels.get(l)?;
                        let ranges = set.as_ref()?;
                        Some(serde_json::json!({ "input": input, "ranges": ranges }))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let assigns: Vec<serde_json::Value> = rule
            .assigns
            .iter()
            .map(|a| serde_json::json!({ "output": a.output, "value": format!("{:?}", a.value) }))
            .collect();
        rules.push(serde_json::json!({
            "never": cond == policyc::testing::mdd::FALSE,
            "box": boxes,
            "overrides": rule.overrides,
            "assigns": assigns,
        }));
    }
    let inputs: Vec<u64> = policy
        .inputs
        .iter()
        .map(|i| policy.domain_size(i.ty))
        .collect();
    let outputs: Vec<serde_json::Value> = policy
        .outputs
        .iter()
        .map(|o| {
            serde_json::json!({
                "single": matches!(o.ty, policyc::check::ir::OutputTy::Single(_)),
                "default": o.default.as_ref().map(|v| format!("{v:?}")),
            })
        })
        .collect();
    let values = policy.enums.iter().nth(1).map_or(0, |e| e.variants.len());
    Some(serde_json::json!({
        "inputs": inputs,
        "outputs": outputs,
        "values": values,
        "rules": rules,
    }))
}

/// Adds policyc's gap count to each output of an exported policy (`gap_count`, a decimal
/// string; `null` where the count did not finish), for `benches/count_vs_ganak.py` to
/// check against an independent model counter.
fn with_gap_counts(policy: &policyc::check::ir::Policy, j: &mut serde_json::Value) {
    // `POLICYC_COUNT_BUDGET=N`: as `policyc check --count-budget N`.
    let options = CompileOptions {
        max_splits: std::env::var("POLICYC_COUNT_BUDGET")
            .ok()
            .and_then(|v| v.parse().ok()),
        ..CompileOptions::default()
    };
    let Ok(mut c) = Compiler::new(policy, &options) else {
        return;
    };
    let Ok(a) = analyse(&mut c) else { return };
    let Some(outputs) = j.get_mut("outputs").and_then(|o| o.as_array_mut()) else {
        return;
    };
    for (o, out) in outputs.iter_mut().enumerate() {
        let uncounted = a
            .unfinished
            .iter()
            .any(|u| matches!(u, Unfinished::Gaps(x) if x.index() == o));
        let count: u128 = a
            .gaps
            .iter()
            .filter(|g| g.output.index() == o)
            .map(|g| g.region.count)
            .sum();
        if let Some(map) = out.as_object_mut() {
            let value = if uncounted {
                serde_json::Value::Null
            } else {
                serde_json::Value::String(count.to_string())
            };
            map.insert("gap_count".to_string(), value);
        }
    }
}

/// The sizes of `POLICYC_SCALE` (or `default`), as (inputs, rules).
fn sizes(default: &str) -> Vec<(usize, usize)> {
    let sizes = std::env::var("POLICYC_SCALE").unwrap_or_else(|_| default.to_string());
    sizes
        .split(',')
        .filter_map(|size| {
            let mut parts = size
                .split('x')
                .filter_map(|s| s.trim().parse::<usize>().ok());
            let parsed = parts.next().zip(parts.next());
            if parsed.is_none() {
                eprintln!("bad size `{size}` (want INPUTSxRULES)");
            }
            parsed
        })
        .collect()
}

/// A shape's file prefix and its generator (inputs, rules, seed).
type Shape = (&'static str, fn(usize, usize, u64) -> SynthSpec);

/// The shapes of `POLICYC_SHAPE` (`rules`, the default; `table`; or `both`), each with
/// the prefix of its exported files.
fn shapes() -> Vec<Shape> {
    let rules: Shape = ("synth", SynthSpec::large);
    let table: Shape = ("table", SynthSpec::table);
    match std::env::var("POLICYC_SHAPE").as_deref() {
        Ok("table") => vec![table],
        Ok("both") => vec![rules, table],
        _ => vec![rules],
    }
}

fn main() {
    let seed = std::env::var("POLICYC_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if let Ok(dir) = std::env::var("POLICYC_EXPORT_DIR") {
        for (prefix, spec) in shapes() {
            for (inputs, rules) in sizes("20x200,40x1000,64x2000") {
                let policy = generate(&spec(inputs, rules, seed));
                if let Some(mut j) = export(&policy) {
                    with_gap_counts(&policy, &mut j);
                    let path =
                        std::path::Path::new(&dir).join(format!("{prefix}_{inputs}x{rules}.json"));
                    if let Err(e) = std::fs::write(&path, j.to_string()) {
                        eprintln!("cannot write {}: {e}", path.display());
                    }
                }
            }
        }
        return;
    }
    for (prefix, spec) in shapes() {
        for (inputs, rules) in sizes("20x200") {
            let policy = generate(&spec(inputs, rules, seed));
            run(prefix, inputs, rules, &policy);
        }
    }
}

/// Analyses one policy and prints what it found and how long it took.
fn run(prefix: &str, inputs: usize, rules: usize, policy: &policyc::check::ir::Policy) {
    let start = Instant::now();
    let mut c = match Compiler::new(policy, &CompileOptions::default()) {
        Ok(c) => c,
        Err(e) => {
            println!("{prefix} {inputs}x{rules}: compile failed: {e:?}");
            return;
        }
    };
    let compiled = start.elapsed();
    match analyse(&mut c) {
        Ok(a) => {
            let uncounted = a
                .unfinished
                .iter()
                .filter(|u| matches!(u, Unfinished::Gaps(_)))
                .count();
            println!(
                "{prefix} {inputs}x{rules}: compile {compiled:?}, analysis total {:?} ({:?} engine); \
                 outputs with gaps: {} counted with regions, {} proven by an example but \
                 not counted ({} uncounted in all); conflicting rule pairs {}, dead rules {}, \
                 redundant rules {} ({} unsettled), unused inputs {}, other unfinished {:?}",
                start.elapsed(),
                a.engine,
                a.gaps.len(),
                a.gap_examples.len(),
                uncounted,
                a.conflict_pairs(),
                a.dead_rules.len(),
                a.redundant.len(),
                a.redundant_unsettled.len(),
                a.unused_inputs.len(),
                a.unfinished
                    .iter()
                    .filter(|u| !matches!(u, Unfinished::Gaps(_)))
                    .collect::<Vec<_>>()
            );
        }
        Err(e) => println!(
            "{prefix} {inputs}x{rules}: analysis failed after {:?}: {e:?}",
            start.elapsed()
        ),
    }
}
