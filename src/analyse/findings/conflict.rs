//! Pairs of rules over one output: conflicts (`E0502`, two rules giving an output
//! different values), listed one by one up to [`LISTED_CONFLICTS`] per output, the rest
//! summed up per pair of values; decisions of a precedence (`W0506`, notes) and overlaps
//! of an `exclusive` output's rules (`E0506`), listed the same way.
//!
//! A conflict's help never proposes a direction from source order (which rule is
//! written later says nothing about which is the exception): it shows both `overrides`
//! directions and, for a `bool` or enum output, the precedence that would settle it,
//! each with what it would decide for the conflict's example incident.

use super::data::{Data, ValuePairs};
use crate::analyse::{brute, Analysis, ConflictFinding};
use crate::check::ir::{
    HitPolicy, IdxVec, OutputDef, OutputId, OutputTy, Policy, RuleDef, RuleId, Ty, Value,
};
use crate::check::protective::lowers_referral;
use crate::compile::describe::show_count;
use crate::compile::graph::{outcome_for_applied, Outcome};
use crate::diagnostics::{Code, Diagnostic, Fix, Severity};
use crate::source::{Loc, Span};

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
    pair_listing(&a.conflicts, &a.unlisted_conflicts)
}

/// The pairs of `findings` to list and the rest, per output, with `counted`: the pairs
/// the engines counted past the listed ones (as `Analysis::unlisted_conflicts`).
pub fn pair_listing(findings: &[ConflictFinding], counted: &[Unlisted]) -> ConflictListing {
    let mut listing = ConflictListing::default();
    // Per output: how many pairs seen, and past the listed ones, per pair of values.
    let mut per_output: Vec<Unlisted> = Vec::new();
    for (i, cf) in findings.iter().enumerate() {
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
    for counted in counted {
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

/// What the rules of a pair decide for its example, and how each way of settling the
/// conflict would decide it: both `overrides` directions and, for a `bool` or enum
/// output, a precedence (declared, extended, or new) in both orders.
struct Settle<'p> {
    policy: &'p Policy,
    out: &'p OutputDef,
    o: OutputId,
    /// The rules that assign the output and apply to the example.
    applied: Vec<RuleId>,
    overriders: &'p IdxVec<RuleDef, Vec<RuleId>>,
}

/// What wording every listed conflict of a policy reads, computed once for all of them.
pub(super) struct Wording<'p> {
    policy: &'p Policy,
    overriders: IdxVec<RuleDef, Vec<RuleId>>,
    /// Per output, the rules that assign it.
    assigning: IdxVec<OutputDef, Vec<RuleId>>,
}

impl<'p> Wording<'p> {
    pub(super) fn new(policy: &'p Policy) -> Self {
        let mut assigning = IdxVec::filled(Vec::new(), policy.outputs.len());
        for (r, rule) in policy.rules.entries() {
            for a in &rule.assigns {
                if let Some(list) = assigning.get_mut(a.output) {
                    if list.last() != Some(&r) {
                        list.push(r);
                    }
                }
            }
        }
        Wording {
            policy,
            overriders: crate::compile::overriders(policy),
            assigning,
        }
    }
}

impl<'p> Settle<'p> {
    fn new(w: &'p Wording<'p>, cf: &ConflictFinding) -> Self {
        let policy = w.policy;
        let example = cf.region.example_values();
        // The output's outcome reads only the rules that assign it (their assignments,
        // and which of them override which), so only those are evaluated: on a policy
        // of a thousand rules over eight outputs, every rule for every listed pair was
        // a tenth of `check`.
        let applied = w
            .assigning
            .get(cf.output)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .copied()
            .filter(|&r| brute::eval(policy, &policy.rules[r].when, &example, None))
            .collect();
        Settle {
            policy,
            out: &policy.outputs[cf.output],
            o: cf.output,
            applied,
            overriders: &w.overriders,
        }
    }

    /// The example's outcome for the output with `winner` overriding `loser` too.
    /// `scratch`: a table of overriders per rule, empty, left empty (one for every
    /// conflict listed: a table per conflict was a tenth of `check` on a thousand rules).
    fn with_override(
        &self,
        winner: RuleId,
        loser: RuleId,
        scratch: &mut IdxVec<RuleDef, Vec<RuleId>>,
    ) -> Outcome {
        // Only the applied rules' overriders are read (`outcome_for_applied`), so only
        // theirs are copied: a copy of the whole table per conflict listed dominated
        // `check` on policies of thousands of rules.
        if scratch.len() != self.overriders.len() {
            *scratch = IdxVec::filled(Vec::new(), self.overriders.len());
        }
        // The winner, and every rule that overrides it, now override the loser and
        // every rule the loser overrides.
        let mut over_winner = vec![winner];
        over_winner.extend(self.overriders.get(winner).cloned().unwrap_or_default());
        for &t in &self.applied {
            let (Some(list), Some(old)) = (scratch.get_mut(t), self.overriders.get(t)) else {
                continue;
            };
            list.clone_from(old);
            if t == loser || old.contains(&loser) {
                for &w in &over_winner {
                    if w != t && !list.contains(&w) {
                        list.push(w);
                    }
                }
            }
        }
        let outcome = self.outcome(scratch, None);
        for &t in &self.applied {
            if let Some(list) = scratch.get_mut(t) {
                list.clear();
            }
        }
        outcome
    }

    /// The example's outcome for the output under another hit policy.
    fn with_hit(&self, hit: &HitPolicy) -> Outcome {
        self.outcome(self.overriders, Some(hit))
    }

    fn outcome(
        &self,
        overriders: &IdxVec<RuleDef, Vec<RuleId>>,
        hit: Option<&HitPolicy>,
    ) -> Outcome {
        let outcome = outcome_for_applied(self.policy, overriders, &self.applied, self.o);
        let Some(hit) = hit else {
            return outcome;
        };
        // The same effective assignments, judged under the other hit policy.
        let given = match outcome {
            Outcome::Conflict { values } | Outcome::Overlap { values } => values,
            Outcome::Value {
                value,
                by,
                mut over,
            } => {
                over.push((value, by));
                over
            }
            Outcome::Gap => Vec::new(),
        };
        Outcome::of_single_under(hit, self.out.default.as_ref(), given)
    }

    /// What an outcome gives the output, in words: `= escalate`, or that it still
    /// conflicts.
    fn says(&self, outcome: &Outcome) -> String {
        let p = self.policy;
        match outcome {
            Outcome::Value { value, .. } => {
                format!("`{}` = {}", self.out.name, p.show_value(value))
            }
            Outcome::Conflict { values } | Outcome::Overlap { values } => {
                let vs: Vec<String> = values.iter().map(|(v, _)| p.show_value(v)).collect();
                format!(
                    "`{}` still in conflict ({}: other rules apply too)",
                    self.out.name,
                    vs.join(" vs ")
                )
            }
            Outcome::Gap => format!("no value for `{}`", self.out.name),
        }
    }

    /// The precedences to offer for values `a` and `b`, with the clause each writes:
    /// both winners among them. A declared precedence that ranks one of them gets the
    /// other at every place in its order, since where it stands among the values the
    /// conflict is not about decides future overlaps too (offered only first or last, a
    /// referral value could only rank above "refer at once" or below "manage in
    /// school"; review 2, N4); one that ranks neither
    /// gets both at its end, in both orders (where they belong among the others is the
    /// document's to say). A new one in both orders otherwise. None for an integer
    /// output.
    fn precedences(&self, a: &Value, b: &Value) -> Vec<(String, HitPolicy)> {
        if !matches!(self.out.ty, OutputTy::Single(Ty::Bool | Ty::Enum(_))) {
            return Vec::new();
        }
        let p = self.policy;
        let clause = |order: &[Value]| {
            let names: Vec<String> = order.iter().map(|v| p.show_value(v)).collect();
            format!("precedence {}", names.join(" > "))
        };
        let hit = |order: Vec<Value>| HitPolicy::Precedence {
            order,
            loc: Default::default(),
        };
        match &self.out.hit {
            HitPolicy::Precedence { order, .. } => {
                let at = |v: &Value| order.iter().position(|x| x == v);
                let orders: Vec<Vec<Value>> = match (at(a), at(b)) {
                    (Some(_), None) | (None, Some(_)) => {
                        let missing = if at(a).is_none() { a } else { b };
                        (0..=order.len())
                            .map(|k| {
                                let mut o = order.clone();
                                o.insert(k.min(o.len()), missing.clone());
                                o
                            })
                            .collect()
                    }
                    _ => [[a, b], [b, a]]
                        .into_iter()
                        .map(|pair| {
                            let mut o = order.clone();
                            o.extend(pair.into_iter().filter(|v| !order.contains(v)).cloned());
                            o
                        })
                        .collect(),
                };
                orders.into_iter().map(|o| (clause(&o), hit(o))).collect()
            }
            _ => {
                let ab = vec![a.clone(), b.clone()];
                let ba = vec![b.clone(), a.clone()];
                vec![(clause(&ab), hit(ab)), (clause(&ba), hit(ba))]
            }
        }
    }
}

/// What a way of settling a conflict does to its whole region, not only to the
/// example: every incident where both rules apply gets the winning value from them (so
/// an option that lowers a response shows how many incidents it lowers).
fn region_gets(region: &crate::compile::describe::Region, output: &str, value: &str) -> String {
    let count = region.read_count();
    let all = if count == 1 {
        "the region's 1 incident gets".to_string()
    } else {
        format!(
            "all {} of the region get",
            crate::compile::describe::incidents(count)
        )
    };
    format!("{all} `{output}` = {value} from these two rules")
}

/// Where `overrides` of `winner` over `loser` lowers a referral on an output the two
/// rules both assign (an override settles every one of them, not only the output of the
/// conflict): what it puts over what, in words for the option.
fn override_lowers(
    policy: &Policy,
    o: OutputId,
    winner: &RuleDef,
    loser: &RuleDef,
) -> Option<String> {
    // The conflict's own output first: that is what the option is read for.
    let first = winner.assigns.iter().filter(|w| w.output == o);
    let rest = winner.assigns.iter().filter(|w| w.output != o);
    first.chain(rest).find_map(|w| {
        loser
            .assigns
            .iter()
            .find(|l| l.output == w.output && lowers_referral(policy, w.output, &w.value, &l.value))
            .map(|l| {
                format!(
                    " (less protective: `{}` = {} over {})",
                    policy.outputs[w.output].name,
                    policy.show_value(&w.value),
                    policy.show_value(&l.value)
                )
            })
    })
}

/// Where a precedence, highest first, ranks a value that lowers a referral above it
/// anywhere in its order (it decides every later overlap of those values too): the
/// first such pair, in words for the option.
fn order_lowers(policy: &Policy, o: OutputId, order: &[Value]) -> Option<String> {
    order.iter().enumerate().find_map(|(i, high)| {
        order
            .iter()
            .skip(i + 1)
            .find(|low| lowers_referral(policy, o, high, low))
            .map(|low| {
                format!(
                    " (less protective: ranks {} above {})",
                    policy.show_value(high),
                    policy.show_value(low)
                )
            })
    })
}

/// Said after the note of an option that lowers a referral (whose fix title says how,
/// [`override_lowers`], [`order_lowers`]). Every option is still offered (which rule is
/// the exception is the document's to say), but the less protective one is never
/// offered as if it were the same kind of choice.
const LOWERS_OVERRIDE: &str =
    "; choose this only where the document makes this the exception for these incidents";

/// Said after a less protective precedence's note: an order decides every later overlap
/// of its values, where `overrides` states an exception for two rules alone.
const LOWERS_PRECEDENCE: &str = "; a precedence decides every overlap of these values, later rules' too: where the document makes this an exception, `overrides` on the rule says so for these rules alone";

/// A listed conflict's error (`E0502`) and its message, without the labels, notes,
/// fixes and data of [`conflict`]: what counting `check`'s errors needs.
pub(super) fn conflict_brief(policy: &Policy, cf: &ConflictFinding) -> Diagnostic {
    Diagnostic::error(Code::E0502, conflict_message(policy, cf))
}

fn conflict_message(policy: &Policy, cf: &ConflictFinding) -> String {
    let [r1, r2] = cf.rules;
    let [value1, value2] = &cf.values;
    format!(
        "rules `{}` and `{}` give `{}` different values ({} and {})",
        policy.rules[r1].name,
        policy.rules[r2].name,
        policy.outputs[cf.output].name,
        policy.show_value(value1),
        policy.show_value(value2)
    )
}

/// One listed conflict, pointing at both rules and the output.
pub(super) fn conflict(
    wording: &Wording<'_>,
    cf: &ConflictFinding,
    scratch: &mut IdxVec<RuleDef, Vec<RuleId>>,
) -> Option<Diagnostic> {
    let policy = wording.policy;
    let o = &policy.outputs[cf.output];
    let [r1, r2] = cf.rules;
    let (d1, d2) = (&policy.rules[r1], &policy.rules[r2]);
    let [value1, value2] = &cf.values;
    let (v1, v2) = (policy.show_value(value1), policy.show_value(value2));
    let d = Diagnostic::error(Code::E0502, conflict_message(policy, cf))
        .primary(d2.name_loc, format!("gives `{}` = {v2}", o.name))
        .secondary(d1.name_loc, format!("gives `{}` = {v1}", o.name))
        .secondary(o.loc, "the output");
    let region = cf.region.data();
    let mut d = super::pair_notes(d, policy, cf, &region);
    let data = Data::Conflict {
        region,
        output: &o.name,
        rules: [&d1.name, &d2.name],
        values: [policy.value_json(value1), policy.value_json(value2)],
    };
    let mut help = "decide from the document which rule is the exception and give it `overrides` naming the other".to_string();
    let settle = Settle::new(wording, cf);
    // Both directions, in declaration order only because one must come first.
    for ((w, wi), (l, li)) in [((d1, r1), (d2, r2)), ((d2, r2), (d1, r1))] {
        let winner = if wi == r1 { value1 } else { value2 };
        let lowered = override_lowers(policy, cf.output, w, l);
        let mut decides = settle.says(&settle.with_override(wi, li, scratch));
        decides.push_str(lowered.as_deref().unwrap_or_default());
        // Not only the example: the whole region, where `l`'s value gives way.
        let wins = policy.show_value(winner);
        d = d
            .note(format!(
                "with `overrides {}` on `{}`, the example gets {decides}; {}{}",
                l.name,
                w.name,
                region_gets(&cf.region, &o.name, &wins),
                if lowered.is_some() {
                    LOWERS_OVERRIDE
                } else {
                    ""
                },
            ))
            .fix(Fix::Override {
                at: w.overrides_at.loc,
                new_clause: w.overrides_at.new_clause,
                rule: w.name.clone(),
                other: l.name.clone(),
                decides,
            });
    }
    let offers = settle.precedences(value1, value2);
    let declared = o.hit.is_precedence();
    // A declared precedence is changed in place; a new one goes on a line of its
    // own at the end of the output's declaration.
    let (at, replace) = match &o.hit {
        HitPolicy::Precedence { loc, .. } => (*loc, true),
        _ => (
            Loc::new(o.loc.file, Span::new(o.loc.span.end, o.loc.span.end)),
            false,
        ),
    };
    for (text, hit) in &offers {
        let mut decides = settle.says(&settle.with_hit(hit));
        let (ranked_first, lowered) = match hit {
            HitPolicy::Precedence { order, .. } => (
                order.iter().find(|v| *v == value1 || *v == value2),
                order_lowers(policy, cf.output, order),
            ),
            _ => (None, None),
        };
        decides.push_str(lowered.as_deref().unwrap_or_default());
        let region = ranked_first
            .map(|w| {
                format!(
                    "; {}",
                    region_gets(&cf.region, &o.name, &policy.show_value(w))
                )
            })
            .unwrap_or_default();
        d = d
            .note(format!(
                "with `{text}` on `{}`, the example gets {decides}{region}{}",
                o.name,
                if lowered.is_some() {
                    LOWERS_PRECEDENCE
                } else {
                    ""
                },
            ))
            .fix(Fix::Precedence {
                at,
                replace,
                output: o.name.clone(),
                clause: text.clone(),
                decides,
            });
    }
    if declared {
        let unranked: Vec<String> = [value1, value2]
            .into_iter()
            .filter(|v| o.hit.rank(v).is_none())
            .map(|v| format!("`{}`", policy.show_value(v)))
            .collect();
        help = format!(
                "`{}` has a precedence that does not rank {}: extend it where the document ranks {} (\"if in doubt, refer\"); or {help}",
                o.name,
                unranked.join(" and "),
                if unranked.len() == 1 { "it" } else { "them" },
            );
    } else if !offers.is_empty() {
        help = format!(
                "{help}; or, where the document ranks the values of `{}` (\"if in doubt, refer\"), declare its precedence",
                o.name
            );
    }
    Some(
        d.help(format!(
            "{help}; otherwise narrow their conditions so they do not overlap"
        ))
        .data_of(&data),
    )
}

/// `W0506`: two rules give an output different values and its precedence decides.
pub(super) fn resolved(policy: &Policy, cf: &ConflictFinding) -> Option<Diagnostic> {
    let o = &policy.outputs[cf.output];
    let [r1, r2] = cf.rules;
    let (d1, d2) = (&policy.rules[r1], &policy.rules[r2]);
    let [value1, value2] = &cf.values;
    let first_wins = o.hit.rank(value1) < o.hit.rank(value2);
    let ((wr, wv), (lr, lv)) = if first_wins {
        ((d1, value1), (d2, value2))
    } else {
        ((d2, value2), (d1, value1))
    };
    let (win, lose) = (policy.show_value(wv), policy.show_value(lv));
    let mut d = Diagnostic::new(
        Severity::Note,
        Code::W0506,
        format!(
            "rules `{}` and `{}` give `{}` different values; its precedence decides {win} over {lose}",
            d1.name, d2.name, o.name
        ),
    )
    .primary(lr.name_loc, format!("gives `{}` = {lose}, outranked", o.name))
    .secondary(wr.name_loc, format!("gives `{}` = {win}, ranked higher", o.name));
    if let HitPolicy::Precedence { loc, .. } = &o.hit {
        d = d.secondary(*loc, "the precedence");
    }
    let region = cf.region.data();
    let d = super::pair_notes(d, policy, cf, &region);
    let data = Data::Resolved {
        region,
        output: &o.name,
        rules: [&d1.name, &d2.name],
        values: [policy.value_json(value1), policy.value_json(value2)],
        winner: policy.value_json(wv),
    };
    Some(
        d.note(format!(
                "`policyc decide` names both rules there and says that {win} won by precedence over {lose}"
            ))
            .help(format!(
                "check the order of the precedence: here `{}`{} loses: for {} `{}` is {win}, not {lose}; if the document ranks {lose} higher, reverse the precedence; if it ranks them so, nothing to do",
                lr.name,
                lr.title.as_ref().map(|t| format!(" (\"{t}\")")).unwrap_or_default(),
                super::incidents(cf.region.read_count()),
                o.name
            ))
            .data_of(&data),
    )
}

/// `E0506`: two rules assign an `exclusive` output on the same incidents.
/// `twin`: the two rules decide the same everywhere (a rule written twice): the help
/// then says to keep one, as W0507 would, which is not reported for the pair.
pub(super) fn overlap(policy: &Policy, cf: &ConflictFinding, twin: bool) -> Option<Diagnostic> {
    let o = &policy.outputs[cf.output];
    let [r1, r2] = cf.rules;
    let (d1, d2) = (&policy.rules[r1], &policy.rules[r2]);
    let [value1, value2] = &cf.values;
    let (v1, v2) = (policy.show_value(value1), policy.show_value(value2));
    let values = if value1 == value2 {
        format!("both give {v1}")
    } else {
        format!("{v1} and {v2}")
    };
    let mut d = Diagnostic::error(
        Code::E0506,
        format!(
            "rules `{}` and `{}` both assign `{}`, which is exclusive ({values})",
            d1.name, d2.name, o.name
        ),
    )
    .primary(d2.name_loc, format!("gives `{}` = {v2}", o.name))
    .secondary(d1.name_loc, format!("gives `{}` = {v1}", o.name));
    if let HitPolicy::Exclusive { loc } = &o.hit {
        d = d.secondary(*loc, "no two rules may apply together");
    }
    let region = cf.region.data();
    let d = super::pair_notes(d, policy, cf, &region);
    let data = Data::Overlap {
        region,
        output: &o.name,
        rules: [&d1.name, &d2.name],
        values: [policy.value_json(value1), policy.value_json(value2)],
    };
    let d = d.note(format!(
        "`policyc decide` gives `{}` no value there",
        o.name
    ));
    let d = if twin {
        let keep = match super::redundant::merged_cites(d1.cites.as_deref(), d2.cites.as_deref()) {
            Some(cites) => format!(
                "keep `{}` with both citations (`cites {}`) and remove `{}`",
                d1.name,
                crate::format::quote(&cites),
                d2.name
            ),
            None => format!("keep `{}` and remove `{}`", d1.name, d2.name),
        };
        d.note("the two rules are one rule written twice: removing either changes no decision")
            .help(format!("{keep}; that also ends this overlap"))
    } else {
        d.help("narrow the rules' conditions so they do not overlap, or, if the document makes one the exception, give it `overrides` naming the other; if the document lets the cases overlap, remove `exclusive`")
    };
    Some(d.data_of(&data))
}

/// The conflicts over one output past the listed ones, counted per pair of values.
/// Which kind of pair a summary of the unlisted ones is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PairWord {
    Conflict,
    Resolved,
    Overlap,
}

pub(super) fn unlisted(policy: &Policy, u: &Unlisted, word: PairWord) -> Option<Diagnostic> {
    let out_def = &policy.outputs[u.output];
    let count = show_count(u.pairs as u128);
    let (code, severity, message, label) = match word {
        PairWord::Conflict => (
            Code::E0502,
            Severity::Error,
            format!("{count} more pairs of rules give `{}` different values", out_def.name),
            "more conflicts over this output than are listed",
        ),
        PairWord::Resolved => (
            Code::W0506,
            Severity::Note,
            format!(
                "{count} more pairs of rules give `{}` different values that its precedence settles",
                out_def.name
            ),
            "more overlaps settled by precedence than are listed",
        ),
        PairWord::Overlap => (
            Code::E0506,
            Severity::Error,
            format!(
                "{count} more pairs of rules both assign `{}`, which is exclusive",
                out_def.name
            ),
            "more overlaps over this output than are listed",
        ),
    };
    let mut d = Diagnostic::new(severity, code, message).primary(out_def.loc, label);
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
