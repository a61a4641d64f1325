//! One-shot timings of the full exact analysis on large synthetic policies, too slow to
//! sample with criterion. `POLICYC_SCALE="20x200,40x1000,64x2000" cargo bench --bench
//! scale` (default: 20x200). Prints one line per size.

use std::time::Instant;

use policyc::analyse::analyse;
use policyc::compile::synth::{generate, SynthSpec};
use policyc::compile::{CompileOptions, Compiler, OrderStrategy};

fn main() {
    let sizes = std::env::var("POLICYC_SCALE").unwrap_or_else(|_| "20x200".to_string());
    for size in sizes.split(',') {
        let mut parts = size
            .split('x')
            .filter_map(|s| s.trim().parse::<usize>().ok());
        let (Some(inputs), Some(rules)) = (parts.next(), parts.next()) else {
            eprintln!("bad size `{size}` (want INPUTSxRULES)");
            continue;
        };
        for order in [OrderStrategy::Weighted, OrderStrategy::Declaration] {
            let policy = generate(&SynthSpec::large(inputs, rules, 1));
            let start = Instant::now();
            let options = CompileOptions {
                order,
                max_nodes: None,
            };
            let mut c = match Compiler::new(&policy, &options) {
                Ok(c) => c,
                Err(e) => {
                    println!("{inputs}x{rules} {order:?}: compile failed: {e:?}");
                    continue;
                }
            };
            let compiled = start.elapsed();
            match analyse(&mut c) {
                Ok(a) => println!(
                    "{inputs}x{rules} {order:?}: compile {compiled:?}, analysis total {:?}; gaps {}, conflicting rule pairs {}, dead rules {}, unused inputs {}, unfinished {:?}",
                    start.elapsed(),
                    a.gaps.len(),
                    a.conflicts.len(),
                    a.dead_rules.len(),
                    a.unused_inputs.len(),
                    a.unfinished
                ),
                Err(e) => println!("{inputs}x{rules} {order:?}: analysis failed after {:?}: {e:?}", start.elapsed()),
            }
        }
    }
}
