//! Unused inputs (`W0503`): inputs no outcome of the policy depends on.

use super::data::Data;
use crate::check::ir::{InputId, Policy};
use crate::compile::order::mentioned_inputs;
use crate::diagnostics::{Code, Diagnostic, Severity};

/// Inputs of the checked file that nothing mentions are the checker's `W0001` already.
/// An input the policy mentions but that never changes a decision is a finding (a
/// warning); a shared-vocabulary input the policy never mentions is expected (every
/// policy reads only some of the shared facts), so it is only noted and never fails
/// `--deny warnings`. At most one diagnostic of each.
pub(super) fn unused_inputs(policy: &Policy, unused: &[InputId]) -> Vec<Diagnostic> {
    // A file with no outputs has no decision of its own to depend on anything: one that
    // imports policies (`use ... as`) relates their decisions in asserts, and one that
    // does not is told that it decides nothing (W0009).
    if policy.outputs.is_empty() {
        return Vec::new();
    }
    // A vocabulary's assumption is not a read: an input only it mentions is noted like
    // any vocabulary input the policy does not mention.
    let mentioned = crate::analyse::own_decision_inputs(policy);
    let anywhere = mentioned_inputs(policy);
    let is_mentioned = |i: InputId| mentioned.get(i.index()).copied().unwrap_or(false);
    let in_scenarios = |i: InputId| anywhere.get(i.index()).copied().unwrap_or(false);
    let imported = |i: InputId| policy.inputs[i].loc.file != policy.root_file;
    // An input the policy says it does not read (`ignore`, with a reason) is said
    // already; the checker has proven that nothing reads it (E0209).
    let unused: Vec<InputId> = unused
        .iter()
        .copied()
        .filter(|&i| !policy.is_ignored(i))
        .collect();
    // The policy's own inputs that only scenarios give are its writer's concern too.
    let warned: Vec<InputId> = unused
        .iter()
        .copied()
        .filter(|&i| is_mentioned(i) || (!imported(i) && in_scenarios(i)))
        .collect();
    let noted: Vec<InputId> = unused
        .iter()
        .copied()
        .filter(|&i| !is_mentioned(i) && imported(i))
        .collect();
    [(warned, Severity::Warning), (noted, Severity::Note)]
        .into_iter()
        .filter_map(|(inputs, severity)| unused_diagnostic(policy, &inputs, severity))
        .collect()
}

/// One diagnostic about `unused` (none when it is empty): a warning points at every
/// input, a note at the first only.
fn unused_diagnostic(
    policy: &Policy,
    unused: &[InputId],
    severity: Severity,
) -> Option<Diagnostic> {
    let (&first, rest) = unused.split_first()?;
    let names: Vec<&str> = unused
        .iter()
        .map(|&i| policy.inputs[i].name.as_str())
        .collect();
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    let (what, verb) = if names.len() == 1 {
        ("input", "is")
    } else {
        ("inputs", "are")
    };
    let mut d = Diagnostic::new(
        severity,
        Code::W0503,
        format!(
            "the decision of `{}` never depends on {what} {}",
            policy.name,
            quoted.join(", ")
        ),
    );
    d = d.primary(
        policy.inputs[first].loc,
        "no outcome of this policy changes with this input",
    );
    // A note about shared vocabulary points once; pointing at every unread fact would
    // bury the findings that matter.
    if severity == Severity::Warning {
        for inp in rest.iter().map(|&i| &policy.inputs[i]) {
            d = d.secondary(inp.loc, "nor with this one");
        }
    }
    let help = match (severity == Severity::Note, unused.len() == 1) {
        (true, false) => "these inputs come from a shared vocabulary and this policy never mentions them; if the source document uses one of these facts, a rule is missing; if it deliberately does not, say so: `ignore NAME, ... \"reason\"`",
        (true, true) => "this input comes from a shared vocabulary and this policy never mentions it; if the source document uses this fact, a rule is missing; if it deliberately does not, say so: `ignore NAME \"reason\"`",
        (false, false) => "the policy mentions these inputs, but no outcome changes with them: a condition that tests them is dead, always overridden or always outranked by precedence, or a rule is missing",
        (false, true) => "the policy mentions this input, but no outcome changes with it: a condition that tests it is dead, always overridden or always outranked by precedence, or a rule is missing",
    };
    Some(
        d.note(format!(
            "the listed {what} {verb} never asked by `policyc decide`"
        ))
        .help(help)
        .data_of(&Data::UnusedInputs { inputs: names }),
    )
}
