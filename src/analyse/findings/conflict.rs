//! Conflicts (`E0502`): two rules giving an output different values, listed one by one
//! up to [`LISTED_CONFLICTS`] per output, the rest summed up per pair of values.

use super::data::{Data, ValuePairs};
use super::region_notes;
use crate::analyse::{Analysis, ConflictFinding};
use crate::check::ir::{OutputId, Policy, Value};
use crate::compile::describe::show_count;
use crate::diagnostics::{Code, Diagnostic};

/// Conflicting rule pairs listed one by one per output; the rest are summed up per pair
/// of values in one diagnostic. A policy of thousands of random rules has hundreds of
/// thousands of pairs: listing them all took gigabytes and helped nobody.
pub const LISTED_CONFLICTS: usize = 100;

/// Which conflicts a report lists one by one, and the rest summed up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConflictListing {
    /// Indices into `Analysis::conflicts`: the first [`LISTED_CONFLICTS`] per output.
    pub listed: Vec<usize>,
    /// Per output with more, in output order.
    pub unlisted: Vec<Unlisted>,
}

/// The conflicts over one output past the listed ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Unlisted {
    pub output: OutputId,
    /// How many pairs of rules.
    pub pairs: usize,
    /// How many per (unordered) pair of values, sorted by the values.
    pub by_values: Vec<([Value; 2], usize)>,
}

/// The conflicts to list and the rest, per output (what `policyc check` and the HTML
/// report show).
pub fn conflict_listing(a: &Analysis) -> ConflictListing {
    let mut listing = ConflictListing::default();
    // Per output: how many pairs seen, and past the listed ones, per pair of values.
    let mut per_output: Vec<Unlisted> = Vec::new();
    for (i, cf) in a.conflicts.iter().enumerate() {
        let slot = match per_output.iter().position(|u| u.output == cf.output) {
            Some(k) => k,
            None => {
                per_output.push(Unlisted {
                    output: cf.output,
                    pairs: 0,
                    by_values: Vec::new(),
                });
                per_output.len() - 1
            }
        };
        let Some(Unlisted {
            pairs: seen,
            by_values: rest,
            ..
        }) = per_output.get_mut(slot)
        else {
            continue;
        };
        *seen += 1;
        if *seen <= LISTED_CONFLICTS {
            listing.listed.push(i);
            continue;
        }
        let [v1, v2] = &cf.values;
        let pair = if v1 <= v2 {
            [v1.clone(), v2.clone()]
        } else {
            [v2.clone(), v1.clone()]
        };
        match rest.iter_mut().find(|(p, _)| *p == pair) {
            Some((_, k)) => *k += 1,
            None => rest.push((pair, 1)),
        }
    }
    for mut u in per_output {
        if u.pairs > LISTED_CONFLICTS {
            u.pairs -= LISTED_CONFLICTS;
            listing.unlisted.push(u);
        }
    }
    // The engines count the pairs past the listed ones themselves, without regions.
    for counted in &a.unlisted_conflicts {
        match listing
            .unlisted
            .iter_mut()
            .find(|u| u.output == counted.output)
        {
            Some(u) => {
                u.pairs += counted.pairs;
                for (pair, k) in &counted.by_values {
                    match u.by_values.iter_mut().find(|(p, _)| p == pair) {
                        Some((_, n)) => *n += k,
                        None => u.by_values.push((pair.clone(), *k)),
                    }
                }
            }
            None => listing.unlisted.push(counted.clone()),
        }
    }
    for u in &mut listing.unlisted {
        u.by_values.sort();
    }
    listing.unlisted.sort_by_key(|u| u.output);
    listing
}

/// One listed conflict, pointing at both rules and the output.
pub(super) fn conflict(policy: &Policy, cf: &ConflictFinding) -> Option<Diagnostic> {
    let o = policy.outputs.get(cf.output)?;
    let [r1, r2] = cf.rules;
    let (d1, d2) = (policy.rules.get(r1)?, policy.rules.get(r2)?);
    let [value1, value2] = &cf.values;
    let (v1, v2) = (policy.show_value(value1), policy.show_value(value2));
    let d = Diagnostic::error(
        Code::E0502,
        format!(
            "rules `{}` and `{}` give `{}` different values ({} and {})",
            d1.name, d2.name, o.name, v1, v2
        ),
    )
    .primary(d2.name_loc, format!("gives `{}` = {v2}", o.name))
    .secondary(d1.name_loc, format!("gives `{}` = {v1}", o.name))
    .secondary(o.loc, "the output");
    let data = Data::Conflict {
        region: cf.region.data(),
        output: &o.name,
        rules: [&d1.name, &d2.name],
        values: [policy.value_json(value1), policy.value_json(value2)],
    };
    Some(
        region_notes(d, &cf.region, "both apply to")
            .help(format!(
                "if one is an exception to the other, say so (`overrides {}` on `{}`); otherwise narrow their conditions so they do not overlap",
                d1.name, d2.name
            ))
            .data_of(&data),
    )
}

/// The conflicts over one output past the listed ones, counted per pair of values.
pub(super) fn unlisted(policy: &Policy, u: &Unlisted) -> Option<Diagnostic> {
    let out_def = policy.outputs.get(u.output)?;
    let mut d = Diagnostic::error(
        Code::E0502,
        format!(
            "{} more pairs of rules give `{}` different values",
            show_count(u.pairs as u128),
            out_def.name
        ),
    )
    .primary(
        out_def.loc,
        "more conflicts over this output than are listed",
    );
    for ([v1, v2], k) in &u.by_values {
        d = d.note(format!(
            "{} and {}: {} pairs",
            policy.show_value(v1),
            policy.show_value(v2),
            show_count(*k as u128)
        ));
    }
    let by_values = u
        .by_values
        .iter()
        .map(|([v1, v2], k)| ValuePairs {
            values: [policy.value_json(v1), policy.value_json(v2)],
            pairs: *k,
        })
        .collect();
    Some(
        d.help(format!(
            "the first {LISTED_CONFLICTS} pairs are listed one by one; resolve those, or the overlap they share, and check again"
        ))
        .data_of(&Data::ConflictsNotListed {
            output: &out_def.name,
            pairs: u.pairs,
            by_values,
        }),
    )
}
