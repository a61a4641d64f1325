//! Gaps: `E0501` for incidents an output gets no value for, `W0505` for those an
//! `accept gap` covers, `W0504` for an acceptance that covers none.

use super::data::Data;
use super::{incidents, region_notes};
use crate::analyse::GapFinding;
use crate::check::ir::{OutputDef, Policy};
use crate::diagnostics::{Code, Diagnostic, Fix, Severity};

/// A gap: an error when no acceptance covers it, else a note.
pub(super) fn gap(policy: &Policy, g: &GapFinding) -> Option<Diagnostic> {
    let o = policy.outputs.get(g.output)?;
    let data = Data::Gap {
        region: g.region.data(),
        output: &o.name,
        accepted: !g.accepted_by.is_empty(),
    };
    let d = if g.accepted_by.is_empty() {
        open(policy, g, o)
    } else {
        accepted(policy, g, o)
    };
    Some(d.data_of(&data))
}

/// `E0501`, with the rules that assign the output nearby and the clause that accepts
/// the gap (as help, and as a fix when it is valid syntax).
fn open(policy: &Policy, g: &GapFinding, o: &OutputDef) -> Diagnostic {
    let mut d = Diagnostic::error(
        Code::E0501,
        format!(
            "output `{}` gets no value for {}",
            o.name,
            incidents(g.region.count)
        ),
    )
    .primary(
        o.loc,
        "no rule gives this output a value in some incidents, and it has no default",
    );
    let assigners = policy
        .rules
        .iter()
        .filter(|r| r.assigns.iter().any(|x| x.output == g.output));
    for r in assigners.take(3) {
        d = d.secondary(
            r.name_loc,
            format!("`{}` assigns `{}` but does not apply there", r.name, o.name),
        );
    }
    d = region_notes(d, &g.region, "no value for");
    // A cut-short condition ends in "or ... (N more parts)": pasted into the clause it
    // is not valid syntax, so the help then names the clause's shape, and there is no
    // fix.
    if !g.region.condition_complete {
        return d.help(format!(
            "add a rule for these incidents, give `{0}` a default (only if the document says what happens otherwise: a default also answers every gap a later edit opens), or, if the source document is silent here, accept it: `accept gap {0} \"reason\" when CONDITION`, with a condition that holds in these incidents (they take more parts to describe than are shown)",
            o.name
        ));
    }
    d.help(format!(
        "add a rule for these incidents, give `{0}` a default (only if the document says what happens otherwise: a default also answers every gap a later edit opens), or, if the source document is silent here, accept it: `accept gap {0} \"reason\" when {1}`",
        o.name,
        g.region.condition()
    ))
    .fix(Fix::AcceptGap {
        file: policy.root_file,
        output: o.name.clone(),
        condition: g.region.condition(),
    })
}

/// `W0505`, pointing at the acceptances and their reasons.
fn accepted(policy: &Policy, g: &GapFinding, o: &OutputDef) -> Diagnostic {
    let mut d = Diagnostic::new(
        Severity::Note,
        Code::W0505,
        format!(
            "accepted gap: output `{}` gets no value for {}",
            o.name,
            incidents(g.region.count)
        ),
    )
    .primary(
        o.loc,
        "left undecided on purpose there: the acceptance says why",
    );
    for &i in &g.accepted_by {
        if let Some(acc) = policy.accepted_gaps.get(i) {
            d = d.secondary(acc.loc, format!("accepted here: {}", acc.reason));
        }
    }
    region_notes(d, &g.region, "no value for")
}

/// `W0504`: acceptance `i` covers no gap.
pub(super) fn stale_acceptance(policy: &Policy, i: usize) -> Option<Diagnostic> {
    let acc = policy.accepted_gaps.get(i)?;
    let name = policy
        .outputs
        .get(acc.output)
        .map(|o| o.name.as_str())
        .unwrap_or("?");
    Some(
        Diagnostic::warning(
            Code::W0504,
            format!("this acceptance of a gap in `{name}` covers no gap"),
        )
        .primary(acc.loc, "no incident here lacks a value")
        .help("remove the `accept gap`: the policy now decides these incidents")
        .data_of(&Data::StaleAcceptance { output: name }),
    )
}
