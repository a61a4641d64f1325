//! Judging an assert: proven or refuted by the analysis; a refuted one is shown on an
//! incident where it fails.

use super::example::{example_at, ExampleMaker};
use crate::analyse::Analysis;
use crate::check::ir::AssertId;
use crate::harness::{Failure, Mismatch};

/// The failure of assert `index` of the policy, `None` when it holds; with `maker` (examples on
/// the decision graph) a refuted assert is shown on an incident and its path.
pub(super) fn assert_outcome(
    maker: Option<&ExampleMaker<'_>>,
    analysis: &Analysis,
    index: AssertId,
) -> Option<Failure> {
    let Some(finding) = analysis.asserts.iter().find(|a| a.assert == index) else {
        // Not proven either way: the analysis passed the node limit (Unfinished).
        return Some(Failure {
            message: format!(
                "the assert could not be proven or refuted within {} decision-graph nodes",
                crate::compile::describe::show_count(analysis.max_nodes as u128)
            ),
            notes: Vec::new(),
            examples: Vec::new(),
            diagnostics: Vec::new(),
        });
    };
    if finding.holds && analysis.valid_count == 0 {
        // It holds only because nothing is left to hold for: not a pass (E0505).
        return Some(Failure {
            message: "vacuous: no incident is in scope and satisfies the assumptions (E0505)"
                .into(),
            notes: vec![
                "`policyc check` shows the scope and assumptions that exclude every incident"
                    .into(),
            ],
            examples: Vec::new(),
            diagnostics: Vec::new(),
        });
    }
    if finding.holds {
        return None;
    }
    let mut examples = Vec::new();
    let mut notes = Vec::new();
    if let Some(region) = &finding.counterexamples {
        notes.push(format!("the assert fails where {}", region.condition()));
        // The leaf of the decision graph the example reaches.
        let reached = maker.and_then(|maker| {
            let leaf = maker.graph.evaluate(&region.example);
            Some((maker, leaf, maker.graph.leaves.get(leaf)?))
        });
        match reached {
            Some((maker, leaf, data)) => {
                let idx: Vec<Option<u32>> = region.example.iter().map(|&v| Some(v)).collect();
                let mut ex = example_at(maker, &idx, leaf, data);
                let count = crate::compile::describe::incidents(region.read_count());
                ex.mismatches.push(Mismatch {
                    output: None,
                    expected: "the assert to hold for every incident in scope".into(),
                    actual: format!("it fails for {count}"),
                });
                examples.push(ex);
            }
            None => notes.push(format!("for example: {}", region.example_json())),
        }
    }
    Some(Failure {
        message: "refuted: the assert does not hold for every incident".into(),
        notes,
        examples,
        diagnostics: Vec::new(),
    })
}
