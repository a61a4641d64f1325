//! The findings of an [`Analysis`] as diagnostics: one builder per kind of finding, in
//! its own file, each with the `data` machines read ([`data::Data`]).
//!
//! - [`gap`]: gaps (`E0501`), accepted gaps (`W0505`), stale acceptances (`W0504`),
//!   acceptances without `when` (`W0508`);
//! - [`conflict`]: conflicts (`E0502`), listed one by one up to [`LISTED_CONFLICTS`] per
//!   output and the rest summed up; overlaps of an `exclusive` output's rules (`E0506`)
//!   and decisions of a precedence (`W0506`, notes), listed the same way;
//! - [`protective`]: a precedence that makes managing win over a referral (`W0509`);
//! - [`dead`]: rules that never apply (`W0501`) or are always overridden or outranked
//!   (`W0502`), and assignments that never take effect of the other rules (`W0502`);
//! - [`redundant`]: rules whose removal changes no decision (`W0507`);
//! - [`unused`]: inputs no outcome depends on (`W0503`);
//! - [`assert`]: asserts that do not hold (`E0503`);
//! - [`unfinished`]: analyses past the tool's limits (`E0504`);
//! - [`no_incident`]: a scope and assumptions that leave nothing to decide (`E0505`).

mod assert;
mod conflict;
mod data;
mod dead;
mod gap;
mod no_incident;
mod protective;
mod redundant;
mod unfinished;
mod unused;

pub use conflict::{conflict_listing, pair_listing, ConflictListing, Unlisted, LISTED_CONFLICTS};

use super::Analysis;
use crate::check::ir::{Policy, RuleId};
pub use crate::compile::describe::incidents;
use crate::compile::describe::{Region, RegionData};
use crate::diagnostics::Diagnostic;

/// The findings as diagnostics (gaps, conflicts, refuted asserts and unfinished
/// analyses are errors; dead rules, unused inputs and stale acceptances warnings;
/// accepted gaps notes), kind by kind in the order of this module's list.
pub fn diagnostics(policy: &Policy, a: &Analysis) -> Vec<Diagnostic> {
    diagnostics_in(policy, a, Detail::Full)
}

/// How many of the findings are errors: as many as [`diagnostics`] holds, without what
/// only people read. `decide` counts them to warn that `check` rejects the policy; a
/// listed conflict's ways of settling it (every rule judged on its example, the outcome
/// under each override and precedence) cost it more than the analysis itself.
pub fn error_count(policy: &Policy, a: &Analysis) -> usize {
    diagnostics_in(policy, a, Detail::Brief)
        .iter()
        .filter(|d| d.is_error())
        .count()
}

/// What a diagnostic carries: everything, or only its code, severity and message (the
/// same diagnostics, one for one, at the same severities).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Detail {
    Full,
    Brief,
}

fn diagnostics_in(policy: &Policy, a: &Analysis, detail: Detail) -> Vec<Diagnostic> {
    if a.valid_count == 0 {
        // Every rule would be dead, every input unused and every assert would hold:
        // findings about nothing, which only bury the one that matters.
        return vec![no_incident::no_valid_incident(policy, a)];
    }
    let mut out = gap_diagnostics(policy, a);
    out.extend(rule_diagnostics(policy, a, detail, None));
    out.extend(unfinished_diagnostics(policy, a));
    out
}

/// [`diagnostics`] with the part [`pair_and_rule_diagnostics`] makes already made
/// (`middle`): the analysis words it while the gaps are still being counted.
pub(super) fn diagnostics_around(
    policy: &Policy,
    a: &Analysis,
    middle: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if a.valid_count == 0 {
        return vec![no_incident::no_valid_incident(policy, a)];
    }
    let mut out = gap_diagnostics(policy, a);
    out.extend(middle);
    out.extend(unfinished_diagnostics(policy, a));
    out
}

/// The diagnostics of everything but the gaps and the unfinished analyses, in full
/// (what [`diagnostics`] puts between them): they read neither. `listed`: those of the
/// listed conflicts, when [`listed_conflicts`] has made them already.
pub(super) fn pair_and_rule_diagnostics(
    policy: &Policy,
    a: &Analysis,
    listed: Option<Vec<Diagnostic>>,
) -> Vec<Diagnostic> {
    rule_diagnostics(policy, a, Detail::Full, listed)
}

/// The listed conflicts of `a` in full, as [`pair_and_rule_diagnostics`] words them:
/// they read only the pairs, so the analysis words them as soon as their examples are
/// isolated, beside the analyses that follow.
pub(super) fn listed_conflicts(policy: &Policy, a: &Analysis) -> Vec<Diagnostic> {
    let listing = conflict_listing(a);
    if listing.listed.is_empty() {
        return Vec::new();
    }
    let listed: Vec<&super::ConflictFinding> = listing
        .listed
        .iter()
        .filter_map(|&i| a.conflicts.get(i))
        .collect();
    conflicts_in_full(policy, &listed)
}

/// The gaps, accepted gaps and stale acceptances.
fn gap_diagnostics(policy: &Policy, a: &Analysis) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(a.gaps.iter().map(|g| gap::gap(policy, g)));
    out.extend(a.gaps.iter().flat_map(|g| gap::unconditional(policy, g)));
    out.extend(
        a.stale_acceptances
            .iter()
            .map(|&i| gap::stale_acceptance(policy, i)),
    );
    out
}

/// The analyses past the tool's limits.
fn unfinished_diagnostics(policy: &Policy, a: &Analysis) -> Vec<Diagnostic> {
    a.unfinished
        .iter()
        .map(|u| unfinished::unfinished(policy, a, u))
        .collect()
}

/// The pairs of rules, dead and redundant rules, unused inputs and asserts; `worded`:
/// the listed conflicts in full, when made already ([`listed_conflicts`]).
fn rule_diagnostics(
    policy: &Policy,
    a: &Analysis,
    detail: Detail,
    worded: Option<Vec<Diagnostic>>,
) -> Vec<Diagnostic> {
    let listing = conflict_listing(a);
    let mut out = match (detail, worded) {
        (Detail::Full, Some(worded)) => worded,
        (Detail::Full, None) => listed_conflicts(policy, a),
        (Detail::Brief, _) => listing
            .listed
            .iter()
            .filter_map(|&i| a.conflicts.get(i))
            .map(|cf| conflict::conflict_brief(policy, cf))
            .collect(),
    };
    out.extend(
        listing
            .unlisted
            .iter()
            .filter_map(|u| conflict::unlisted(policy, u, conflict::PairWord::Conflict)),
    );
    let listing = pair_listing(&a.overlaps, &a.unlisted_overlaps);
    // A rule written twice on an `exclusive` output is reported once, as the overlap
    // (the error), whose help carries the redundancy advice (issue 23).
    let twins: Vec<[RuleId; 2]> = a
        .redundant
        .iter()
        .filter_map(|x| x.twin.map(|t| [x.rule.min(t), x.rule.max(t)]))
        .collect();
    let mut reported_twins: Vec<[RuleId; 2]> = Vec::new();
    out.extend(
        listing
            .listed
            .iter()
            .filter_map(|&i| a.overlaps.get(i))
            .filter_map(|cf| {
                let mut pair = cf.rules;
                pair.sort_unstable();
                let twin = twins.contains(&pair);
                if twin {
                    reported_twins.push(pair);
                }
                conflict::overlap(policy, cf, twin)
            }),
    );
    out.extend(
        listing
            .unlisted
            .iter()
            .filter_map(|u| conflict::unlisted(policy, u, conflict::PairWord::Overlap)),
    );
    let listing = pair_listing(&a.resolved, &a.unlisted_resolved);
    out.extend(
        listing
            .listed
            .iter()
            .filter_map(|&i| a.resolved.get(i))
            .filter_map(|cf| conflict::resolved(policy, cf)),
    );
    out.extend(
        listing
            .unlisted
            .iter()
            .filter_map(|u| conflict::unlisted(policy, u, conflict::PairWord::Resolved)),
    );
    out.extend(protective::referral_outranked(policy, a));
    out.extend(a.dead_rules.iter().map(|dr| dead::dead_rule(policy, dr)));
    out.extend(
        a.dead_assignments
            .iter()
            .filter_map(|da| dead::dead_assignment(policy, da)),
    );
    out.extend(
        a.redundant
            .iter()
            .filter(|x| {
                x.twin
                    .is_none_or(|t| !reported_twins.contains(&[x.rule.min(t), x.rule.max(t)]))
            })
            .filter_map(|x| redundant::redundant(policy, x, &a.redundant)),
    );
    out.extend(redundant::unsettled(policy, &a.redundant_unsettled));
    out.extend(unused::unused_inputs(policy, &a.unused_inputs));
    out.extend(
        a.asserts
            .iter()
            .filter_map(|af| assert::refuted(policy, af)),
    );
    out
}

/// The listed conflicts in full, in order: hundreds of them (each rule of the output
/// judged on each example, each way of settling it) are worded in parts on every core.
fn conflicts_in_full(policy: &Policy, listed: &[&super::ConflictFinding]) -> Vec<Diagnostic> {
    let wording = conflict::Wording::new(policy);
    let words = |part: &[&super::ConflictFinding]| -> Vec<Diagnostic> {
        let mut scratch = crate::check::ir::IdxVec::new();
        part.iter()
            .filter_map(|cf| conflict::conflict(&wording, cf, &mut scratch))
            .collect()
    };
    crate::parallel::in_parts(listed, WORDED_APART, words)
}

/// Listed conflicts from which [`conflicts_in_full`] words them in parts.
const WORDED_APART: usize = 64;

/// The region of a pair of rules over one output for people, saying so when every
/// incident of it applies other rules of the output too (the example then does).
fn pair_notes(
    d: Diagnostic,
    policy: &Policy,
    cf: &super::ConflictFinding,
    region: &RegionData,
) -> Diagnostic {
    let d = data_notes(d, region, "both apply to");
    match cf.isolating {
        Some(false) => d.note(format!(
            "no incident here applies only these two of the rules that assign `{}`: the example applies others too",
            policy.outputs[cf.output].name
        )),
        _ => d,
    }
}

/// The region of a finding for people: how many incidents, which (`what` says how the
/// finding touches them), and one example.
fn region_notes(d: Diagnostic, r: &Region, what: &str) -> Diagnostic {
    data_notes(d, &r.data(), what)
}

/// [`region_notes`] from a region described once for both the notes and the finding's
/// `data`: describing one (its condition, its example) was a tenth of `check` on a
/// policy of hundreds of listed conflicts, done twice for each.
fn data_notes(d: Diagnostic, r: &RegionData, what: &str) -> Diagnostic {
    let cond = match r.condition.as_str() {
        "true" => "every incident in scope",
        cond => cond,
    };
    d.note(format!("{what} {}: {cond}", incidents(r.count.0)))
        .note(format!("for example: {}", r.example))
}
