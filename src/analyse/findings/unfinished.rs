//! `E0504`: an analysis past the tool's limits (the node limit, or for the box engine
//! a gap too fragmented to count), never a silent pass. A gap proven by an example but
//! not counted says so, with the example and the part of it that was counted.

use super::data::{Data, Part, ProvenGaps};
use super::incidents;
use crate::analyse::{boxes, Analysis, GapExample, Unfinished};
use crate::check::ir::{OutputId, Policy};
use crate::compile::describe::{show_count, Count};
use crate::compile::Engine;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Loc;

pub(super) fn unfinished(policy: &Policy, a: &Analysis, u: &Unfinished) -> Diagnostic {
    let output = |o: OutputId| &policy.outputs[o];
    // What was not finished, for people and for machines, and where.
    let (what, analysis, about, at): (String, &'static str, Option<&str>, Option<Loc>) = match *u {
        Unfinished::Gaps(o) => (
            format!("the gaps of output `{}`", output(o).name),
            "gaps",
            Some(&output(o).name),
            Some(output(o).loc),
        ),
        Unfinished::Conflicts(o) => (
            format!("the conflicts over output `{}`", output(o).name),
            "conflicts",
            Some(&output(o).name),
            Some(output(o).loc),
        ),
        Unfinished::DeadRules => ("the dead rules".to_string(), "dead_rules", None, None),
        Unfinished::RedundantRules => (
            "the redundant rules".to_string(),
            "redundant_rules",
            None,
            None,
        ),
        Unfinished::UnusedInputs => (
            "the inputs the decision depends on".to_string(),
            "unused_inputs",
            None,
            None,
        ),
        Unfinished::Assert(k) => {
            let def = &policy.asserts[k];
            (
                format!("assert `{}`", def.name),
                "assert",
                None,
                Some(def.loc),
            )
        }
    };
    let boxes_gap = a.engine == Engine::Boxes && matches!(u, Unfinished::Gaps(_));
    let title = if boxes_gap {
        format!("{what} are too fragmented to count within the box engine's limits")
    } else {
        format!(
            "{what} could not be analysed exactly within {} decision-graph nodes",
            show_count(a.max_nodes as u128)
        )
    };
    let witness = match u {
        Unfinished::Gaps(o) => a.gap_examples.iter().find(|g| g.output == *o),
        _ => None,
    };
    let mut d = Diagnostic::error(Code::E0504, title);
    d = match witness {
        Some(g) => proven_gaps(d, a, g, boxes_gap),
        None => d
            .note("the other analyses were completed; this one is not proven either way")
            .help("split the policy or narrow the integer ranges its rules compare"),
    };
    if let Some(loc) = at {
        d = d.primary(loc, "too large to analyse exactly");
    }
    // For CI: what was not finished, and for a gap proven but not counted, the example
    // and the counted part, as the other findings give them.
    d.data_of(&Data::Unfinished {
        analysis,
        output: about,
        proven: witness.map(|g| ProvenGaps {
            gaps_exist: true,
            example: g.example_json.clone(),
            part: g.part.as_ref().map(|part| Part {
                count: Count(part.read_count()),
                condition: part.condition(),
            }),
        }),
    })
}

/// The notes and help of gaps that exist (`g` shows one) but were not counted.
fn proven_gaps(d: Diagnostic, a: &Analysis, g: &GapExample, boxes_gap: bool) -> Diagnostic {
    let d = match &g.part {
        Some(part) => d.note(format!(
            "the output does have gaps: it gets no value for at least {}, among them every incident where {}",
            incidents(part.read_count()),
            part.condition()
        )),
        None => d.note("the output does have gaps"),
    };
    let unknown = "how many incidents lack a value in all, and which, is not known";
    d.note(format!("for example: {}", g.example_json))
        .note(if boxes_gap {
            format!("{unknown}: {}", count_budget(a.max_splits))
        } else {
            unknown.to_string()
        })
        .help("give the output a default, or add rules for incidents like the example (`policyc decide` on it shows which rules come close)")
}

/// Why a count stopped: its budget of splits (`--count-budget`), or the default one.
fn count_budget(max_splits: Option<usize>) -> String {
    match max_splits {
        None => format!(
            "the count stopped at its budget of {} splits, or sooner when it stopped making progress; `policyc check --count-budget N` spends N splits on it",
            show_count(boxes::MAX_SPLITS as u128)
        ),
        Some(n) => format!(
            "the count stopped at its budget of {} split{} (`--count-budget`)",
            show_count(n as u128),
            if n == 1 { "" } else { "s" }
        ),
    }
}
