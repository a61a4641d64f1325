//! `W0509`: a precedence that decides against a referral.
//!
//! The language has no order of protectiveness besides the precedence itself, so a
//! precedence ranked the wrong way round ("manage in school" above "refer at once")
//! is only a note (W0506) per pair of rules it decides, and passes `--deny warnings`.
//! Safeguarding values say what they do in their names: a value named as a referral
//! (`refer_immediately`, `escalate`, `police`) is the more protective one next to a value
//! named as managing without one (`manage_in_setting`, `no_action`), and on a yes/no
//! output named as a referral (`immediate_referral`) `true` is. Where the precedence
//! makes the less protective value win for some incident, that is a warning; any other
//! pair of values (two referrals, or names that say neither) is left to the notes, so
//! the warning does not fire on orders policyc cannot judge.

use super::data::Data;
use crate::analyse::Analysis;
use crate::check::ir::{HitPolicy, OutputId, Policy, RuleId, Value};
use crate::check::protective::lowers_referral;
use crate::diagnostics::{Code, Diagnostic};

/// An output and (winning, losing) pair of values the warning is about.
struct Found {
    output: OutputId,
    win: Value,
    lose: Value,
    /// The listed pairs of rules, the loser's rule first.
    pairs: Vec<[RuleId; 2]>,
    /// How many more pairs the listing counts without naming them.
    more: usize,
}

/// The entry of `found` for a `win` over `lose` that lowers a referral, made if new;
/// none for any other pair of values.
fn entry<'f>(
    found: &'f mut Vec<Found>,
    policy: &Policy,
    output: OutputId,
    win: &Value,
    lose: &Value,
) -> Option<&'f mut Found> {
    if !lowers_referral(policy, output, win, lose) {
        return None;
    }
    let at = found
        .iter()
        .position(|f| f.output == output && f.win == *win && f.lose == *lose);
    let at = at.unwrap_or_else(|| {
        found.push(Found {
            output,
            win: win.clone(),
            lose: lose.clone(),
            pairs: Vec::new(),
            more: 0,
        });
        found.len() - 1
    });
    found.get_mut(at)
}

/// One warning per output and (winning, losing) pair of values where a value that lowers
/// a referral wins by the output's precedence for some incident.
pub(super) fn referral_outranked(policy: &Policy, a: &Analysis) -> Vec<Diagnostic> {
    let mut found: Vec<Found> = Vec::new();
    for cf in &a.resolved {
        let hit = &policy.outputs[cf.output].hit;
        let [v1, v2] = &cf.values;
        let (win, lose, rules) = if hit.rank(v1) < hit.rank(v2) {
            (v1, v2, [cf.rules[1], cf.rules[0]])
        } else {
            (v2, v1, cf.rules)
        };
        if let Some(f) = entry(&mut found, policy, cf.output, win, lose) {
            f.pairs.push(rules);
        }
    }
    for u in &a.unlisted_resolved {
        let hit = &policy.outputs[u.output].hit;
        for ([v1, v2], k) in &u.by_values {
            let (win, lose) = if hit.rank(v1) < hit.rank(v2) {
                (v1, v2)
            } else {
                (v2, v1)
            };
            if let Some(f) = entry(&mut found, policy, u.output, win, lose) {
                f.more += k;
            }
        }
    }
    found
        .into_iter()
        .map(|f| warning(policy, f.output, (&f.win, &f.lose), &f.pairs, f.more))
        .collect()
}

/// The words of the warning that differ between an enum's values and a yes/no output.
struct Words {
    /// The losing value, as the message names it.
    referral: String,
    /// Why the values are read so.
    reading: String,
    /// The rule to put `overrides` on, in the help.
    exception: String,
    /// What the document would make the exception, in the help.
    what: &'static str,
}

fn words(out_name: &str, (w, l): (&str, &str), yes_no: bool) -> Words {
    if yes_no {
        Words {
            referral: format!("{l} (a referral)"),
            reading: format!("`{out_name}` is read as a referral from its name, so {l} refers and {w} does not: policyc cannot otherwise know which value is the more protective"),
            exception: format!("the rule that gives {w}"),
            what: "not referring",
        }
    } else {
        Words {
            referral: format!("the referral {l}"),
            reading: format!("{l} is read as a referral and {w} as managing without one from their names: policyc cannot otherwise know which value is the more protective"),
            exception: "the managing rule".to_string(),
            what: "managing",
        }
    }
}

fn warning(
    policy: &Policy,
    o: OutputId,
    (win, lose): (&Value, &Value),
    pairs: &[[RuleId; 2]],
    more: usize,
) -> Diagnostic {
    let out = &policy.outputs[o];
    let (w, l) = (
        format!("`{}`", policy.show_value(win)),
        format!("`{}`", policy.show_value(lose)),
    );
    let yes_no = matches!(lose, Value::Bool(_));
    let words = words(&out.name, (&w, &l), yes_no);
    let mut d = Diagnostic::warning(
        Code::W0509,
        format!(
            "the precedence of `{}` makes {w} win over {} where rules disagree",
            out.name, words.referral
        ),
    );
    if let HitPolicy::Precedence { loc, .. } = &out.hit {
        d = d.primary(*loc, format!("ranks {w} above {l}"));
    }
    let mut losers: Vec<RuleId> = Vec::new();
    for [lr, _] in pairs {
        if !losers.contains(lr) {
            losers.push(*lr);
            d = d.secondary(
                policy.rules[*lr].name_loc,
                format!(
                    "refers (`{} = {}`) and loses",
                    out.name,
                    policy.show_value(lose)
                ),
            );
        }
    }
    let named: Vec<String> = pairs
        .iter()
        .map(|[lr, wr]| {
            format!(
                "`{}` loses to `{}`",
                policy.rules[*lr].name, policy.rules[*wr].name
            )
        })
        .collect();
    let total = pairs.len() + more;
    let mut listed = named.join(", ");
    if more > 0 {
        listed.push_str(&format!(", and {more} more pairs"));
    }
    let first_pair = pairs.first().map(|[lr, wr]| {
        (
            policy.rules[*lr].name.as_str(),
            policy.rules[*wr].name.as_str(),
        )
    });
    let overrides = match first_pair {
        Some((lr, wr)) => format!(" (`rule {wr} ... overrides {lr}`)"),
        None => String::new(),
    };
    d.note(format!(
        "{total} {} of rules decided so (W0506 gives each its incidents): {listed}",
        if total == 1 { "pair" } else { "pairs" }
    ))
    .note(words.reading)
    .help(format!(
        "if the document ranks a referral higher (\"if in doubt, refer\"), rank {l} above {w} in the precedence; if it makes {what} the exception for these incidents, say so with `overrides` on {exception}{overrides}, which names the exception instead of ranking {what} above a referral wherever rules overlap, now and after later edits",
        what = words.what,
        exception = words.exception,
    ))
    .data_of(&Data::ReferralOutranked {
        output: &out.name,
        winner: policy.value_json(win),
        loser: policy.value_json(lose),
        pairs: total,
    })
}

#[cfg(test)]
#[allow(clippy::expect_used)] // tests unwrap what they just built
mod tests {
    use crate::diagnostics::Code;

    /// The W0509 warnings of a policy with one yes/no output `name`, ranked `order`,
    /// which two overlapping rules set `true` and `false`.
    fn warned(name: &str, order: &str) -> Vec<String> {
        warned_with_doc(name, "", order)
    }

    fn warned_with_doc(name: &str, doc: &str, order: &str) -> Vec<String> {
        let policy = crate::check::policy_from_text(&format!(
            "policy p \"t\"\ninput a: bool\ninput b: bool\n{doc}\
             output {name}: bool default false\n  precedence {order}\n\
             rule yes \"t\" cites \"c\" when a then {name} = true\n\
             rule no \"t\" cites \"c\" when b then {name} = false\n"
        ));
        let analysed = crate::analyse::analyse_policy(&policy).expect("analysed");
        analysed
            .diagnostics
            .into_iter()
            .filter(|d| d.code == Code::W0509)
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_yes_no_referral_ranked_below_no_is_warned_about() {
        for name in [
            "immediate_referral",
            "caid_referral",
            "escalate",
            "escalated",
            "refer_to_police",
            "report_to_police",
            "police_informed",
            "mash_referral",
            "refer_to_dsl",
            "refer_to_nspcc",
            "contact_police",
            "police_contacted",
            "section_47_referral",
        ] {
            assert_eq!(
                warned(name, "false > true"),
                [format!(
                    "the precedence of `{name}` makes `false` win over `true` (a referral) where rules disagree"
                )],
            );
            // Ranked the protective way round, a precedence is only the notes' business.
            assert!(warned(name, "true > false").is_empty(), "{name}");
        }
        // A name that says no referral, or a negated one, is never judged: `false` may be
        // the protective value there.
        // A name that says no referral, a negated one, or one where `true` holds a
        // referral back is never judged, either way round: `false` may be the protective
        // value there, and warning would push the writer to rank the referral lower.
        for name in [
            "parents_informed",
            "record_incident",
            "no_referral",
            "referral_not_needed",
            "delete_images",
            "referral_withheld",
            "referral_declined",
            "delay_referral",
            "defer_referral",
            "escalation_cancelled",
            "parent_objects_to_referral",
            "police_already_aware",
            "notify_referrer",
            "referrer_informed",
        ] {
            for order in ["false > true", "true > false"] {
                assert!(warned(name, order).is_empty(), "{name}: {order}");
            }
        }
    }

    /// A doc comment that says `true` is no referral keeps the name from being judged.
    #[test]
    fn a_yes_no_output_documented_as_no_referral_is_not_judged() {
        let doc = "/// true: we do not refer to children's social care\n";
        assert!(warned_with_doc("caid_referral", doc, "false > true").is_empty());
        let doc = "/// Whether the school refers at once\n";
        assert_eq!(
            warned_with_doc("caid_referral", doc, "false > true").len(),
            1
        );
        // A negation about something else is no negation of the referral.
        let doc = "/// Refer to CSC at once; do not wait for parental consent\n";
        assert_eq!(
            warned_with_doc("immediate_referral", doc, "false > true").len(),
            1
        );
    }
}
