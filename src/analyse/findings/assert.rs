//! Refuted asserts (`E0503`): the incidents that break an invariant.

use super::data::Data;
use super::data_notes;
use crate::analyse::AssertFinding;
use crate::check::ir::Policy;
use crate::diagnostics::{Code, Diagnostic};

/// An assert that does not hold; `None` for one that does.
pub(super) fn refuted(policy: &Policy, af: &AssertFinding) -> Option<Diagnostic> {
    let def = &policy.asserts[af.assert];
    let r = af.counterexamples.as_ref()?;
    let d = Diagnostic::error(Code::E0503, format!("assert `{}` does not hold", def.name))
        .primary(def.loc, "this invariant fails for some incidents");
    let region = r.data();
    Some(
        data_notes(d, &region, "it fails for")
            .help("fix the rules so the invariant holds, or correct the assert")
            .data_of(&Data::Assert {
                region,
                assert: &def.name,
            }),
    )
}
