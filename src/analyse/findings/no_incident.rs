//! `E0505`: the scope and the assumptions leave no incident to decide, so every other
//! analysis would hold vacuously.

use super::data::Data;
use crate::analyse::Analysis;
use crate::check::ir::Policy;
use crate::diagnostics::{Code, Diagnostic};

pub(super) fn no_valid_incident(policy: &Policy, a: &Analysis) -> Diagnostic {
    let contradictory = a.assumed_count == 0;
    let mut d = if contradictory {
        Diagnostic::error(Code::E0505, "no incident satisfies every assumption")
    } else if policy.assumes.is_empty() {
        Diagnostic::error(Code::E0505, "no incident is in scope")
    } else {
        Diagnostic::error(
            Code::E0505,
            "no incident that satisfies the assumptions is in scope",
        )
    };
    // One primary label: the formats that take one location (GitHub annotations, the
    // language server's range) show the others as related.
    for (k, s) in policy.scope.iter().enumerate() {
        d = if k == 0 && !contradictory {
            d.primary(s.loc, "part of the scope")
        } else {
            d.secondary(s.loc, "part of the scope")
        };
    }
    for (k, s) in policy.assumes.iter().enumerate() {
        d = if contradictory && k == 0 {
            d.primary(s.loc, "assumed here")
        } else {
            d.secondary(s.loc, "assumed here")
        };
    }
    d.note("the policy decides nothing: every rule would be dead and every assert would hold, so no other finding is reported")
        .help(if contradictory {
            "correct or remove the assumption that excludes real incidents"
        } else {
            "widen the scope to the incidents the policy speaks to, or correct the assumptions"
        })
        .data_of(&Data::NoValidIncident {
            assumptions_contradict: contradictory,
        })
}
