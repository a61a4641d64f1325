//! What the decide benchmarks share: the seed policy, and random facts as JSON Lines.

use std::path::{Path, PathBuf};

use policyc::check::ir::Policy;
use policyc::compile::graph::DecisionGraph;
use policyc::compile::{value_index, CompileOptions, Compiler};
use policyc::source::{RealFs, Sources};
use policyc::testing::brute;
use policyc::testing::synth::Rng;

pub const SEED_POLICY: &str = "policies/devon-cornwall-dorset.policy";

pub fn seed_policy_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED_POLICY)
}

/// The seed policy, checked and compiled.
pub fn load() -> Option<(Sources, Policy, DecisionGraph)> {
    let mut sources = Sources::new();
    let checked = policyc::check::check_file(&mut sources, &RealFs, &seed_policy_path());
    let policy = checked.policy?;
    let mut c = Compiler::new(&policy, &CompileOptions::default()).ok()?;
    let graph = DecisionGraph::build(&mut c).ok()?;
    drop(c);
    Some((sources, policy, graph))
}

/// `n` lines of complete random facts that satisfy the assumptions, as a user's file
/// would hold them.
#[allow(dead_code, reason = "each bench uses its own part of this module")]
pub fn facts_lines(policy: &Policy, n: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut lines = String::new();
    let mut made = 0;
    while made < n {
        let values: Vec<_> = policy
            .inputs
            .iter()
            .map(|i| {
                let vs = brute::values_of(policy, i.ty);
                vs.get(rng.below(vs.len() as u64) as usize).cloned()
            })
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        if !policy
            .assumes
            .iter()
            .all(|a| brute::eval(policy, &a.expr, &values, None))
        {
            continue;
        }
        let complete = policy
            .inputs
            .iter()
            .zip(&values)
            .all(|(i, v)| value_index(i.ty, v).is_some());
        if !complete {
            continue;
        }
        let facts = policyc::compile::describe::facts_json(policy, &values);
        lines.push_str(&facts.to_string());
        lines.push('\n');
        made += 1;
    }
    lines
}
