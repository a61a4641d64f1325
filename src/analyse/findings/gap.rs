//! Gaps: `E0501` for incidents an output gets no value for, `W0505` for those an
//! `accept gap` covers, `W0504` for an acceptance that covers none, `W0508` for an
//! acceptance without `when` that covers some.

use super::data::Data;
use super::{data_notes, incidents, region_notes};
use crate::analyse::GapFinding;
use crate::check::ir::{AcceptId, Expr, OutputDef, Policy};
use crate::compile::describe::RegionData;
use crate::diagnostics::{Code, Diagnostic, Fix, Severity};
use crate::source::{Loc, Span};

/// A gap: an error when no acceptance covers it, else a note.
pub(super) fn gap(policy: &Policy, g: &GapFinding) -> Diagnostic {
    let o = &policy.outputs[g.output];
    let region = g.region.data();
    let d = if g.accepted_by.is_empty() {
        open(policy, g, o, &region)
    } else {
        accepted(policy, g, o, &region)
    };
    d.data_of(&Data::Gap {
        region,
        output: &o.name,
        accepted: !g.accepted_by.is_empty(),
    })
}

/// `E0501`, with the rules that assign the output nearby and the clause that accepts
/// the gap (as help, and as a fix when it is valid syntax).
fn open(policy: &Policy, g: &GapFinding, o: &OutputDef, region: &RegionData) -> Diagnostic {
    let mut d = Diagnostic::error(
        Code::E0501,
        format!(
            "output `{}` gets no value for {}",
            o.name,
            incidents(g.region.read_count())
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
    d = data_notes(d, region, "no value for");
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
        region.condition
    ))
    .fix(Fix::AcceptGap {
        file: policy.root_file,
        output: o.name.clone(),
        condition: region.condition.clone(),
    })
}

/// `W0505`, pointing at the acceptances and their reasons.
fn accepted(policy: &Policy, g: &GapFinding, o: &OutputDef, region: &RegionData) -> Diagnostic {
    let mut d = Diagnostic::new(
        Severity::Note,
        Code::W0505,
        format!(
            "accepted gap: output `{}` gets no value for {}",
            o.name,
            incidents(g.region.read_count())
        ),
    )
    .primary(
        o.loc,
        "left undecided on purpose there: the acceptance says why",
    );
    for &i in &g.accepted_by {
        let acc = &policy.accepted_gaps[i];
        d = d.secondary(acc.loc, format!("accepted here: {}", acc.reason));
    }
    data_notes(d, region, "no value for")
}

/// `W0504`: acceptance `i` covers no gap.
pub(super) fn stale_acceptance(policy: &Policy, i: AcceptId) -> Diagnostic {
    let acc = &policy.accepted_gaps[i];
    let name = policy.outputs[acc.output].name.as_str();
    Diagnostic::warning(
        Code::W0504,
        format!("this acceptance of a gap in `{name}` covers no gap"),
    )
    .primary(acc.loc, "no incident here lacks a value")
    .help("remove the `accept gap`: the policy now decides these incidents")
    .data_of(&Data::StaleAcceptance { output: name })
}

/// `W0508`: each acceptance without `when` among those covering an accepted gap of an
/// output some rule assigns. It
/// accepts the whole gap of its output, whatever the reason says, and every gap a later
/// edit opens too; the help offers the `when` of the gap as it is now.
pub(super) fn unconditional(policy: &Policy, g: &GapFinding) -> Vec<Diagnostic> {
    let o = &policy.outputs[g.output];
    // An output no rule assigns is undecided everywhere: accepting all of it says the
    // document never decides it, and there is no narrower `when` to offer.
    let assigned = policy
        .rules
        .iter()
        .any(|r| r.assigns.iter().any(|a| a.output == g.output));
    if !assigned {
        return Vec::new();
    }
    let mut out = Vec::new();
    for &i in &g.accepted_by {
        let acc = &policy.accepted_gaps[i];
        if !matches!(acc.when, Expr::Const(true)) {
            continue;
        }
        let mut d = Diagnostic::warning(
            Code::W0508,
            format!(
                "`accept gap {}` has no `when`: it accepts all {} the output gets no value for, and any gap a later edit opens",
                o.name,
                incidents(g.region.read_count())
            ),
        )
        .primary(acc.loc, "accepts every gap of this output, now and after any edit");
        d = region_notes(d, &g.region, "accepted now for");
        d = if g.region.condition_complete {
            let condition = g.region.condition();
            d.help(format!(
                "narrow it to the incidents the reason speaks of; the gap as it is now is `when {condition}` (check that the reason covers all of it)"
            ))
            .fix(Fix::AddWhen {
                at: Loc::new(acc.loc.file, Span::new(acc.loc.span.end, acc.loc.span.end)),
                condition,
            })
        } else {
            d.help("narrow it to the incidents the reason speaks of: `when CONDITION`, with a condition the reason covers (the gap as it is now takes more parts to describe than are shown)")
        };
        out.push(d.data_of(&Data::Unconditional { output: &o.name }));
    }
    out
}
