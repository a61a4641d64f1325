//! Which of two safeguarding values is the more protective, as far as their names say:
//! a referral (`refer_immediately`, `escalate`, `police`) above managing without one
//! (`manage_in_setting`, `no_action`). The language has no order of protectiveness
//! besides a `precedence`, and this is what a warning about a precedence ranked the
//! wrong way round (W0509) and the merge of two precedences (E0323) read. A value whose
//! name says neither, or both, is never judged.

use super::ir::{OutputId, Policy, Value};

/// What a value's name (and doc comment) says it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Referral,
    Managing,
    Other,
}

/// The words of an identifier or a doc comment, lower case.
fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn kind_of_text(s: &str) -> (bool, bool) {
    let mut referral = false;
    let mut managing = false;
    // `no_referral`, `not_referred`, "without telling the police": a negated name says
    // the opposite of its words, so it is not judged at all rather than judged wrong.
    if negated(s) {
        return (false, false);
    }
    for w in words(s) {
        referral |= is_referral_word(&w);
        managing |= w.starts_with("manag");
    }
    (referral, managing)
}

/// A value's kind: from its name, then its doc comment; a value that reads as both
/// ("refer and manage") is neither, so that it never triggers the warning.
pub(crate) fn kind(policy: &Policy, v: &Value) -> Kind {
    let Value::Enum(e, var) = v else {
        return Kind::Other;
    };
    let def = &policy.enums[*e].variants[*var];
    let (mut referral, mut managing) = kind_of_text(&def.name);
    if let Some(doc) = &def.doc {
        let (r, m) = kind_of_text(doc);
        referral |= r;
        managing |= m;
    }
    let name = def.name.to_lowercase();
    managing |= matches!(
        name.as_str(),
        "none" | "no_action" | "no_further_action" | "nfa"
    );
    match (referral, managing) {
        (true, false) => Kind::Referral,
        (false, true) => Kind::Managing,
        _ => Kind::Other,
    }
}

/// The kind of a value written by name only (a precedence clause's text, before it is
/// lowered).
pub(crate) fn kind_of_name(name: &str) -> Kind {
    let (referral, mut managing) = kind_of_text(name);
    managing |= matches!(
        name.to_lowercase().as_str(),
        "none" | "no_action" | "no_further_action" | "nfa"
    );
    match (referral, managing) {
        (true, false) => Kind::Referral,
        (false, true) => Kind::Managing,
        _ => Kind::Other,
    }
}

/// Whether `winner` over `loser` on output `o` lowers a referral, as far as names say: a
/// value named as managing over one named as a referral, or `false` over `true` on a
/// yes/no output named as a referral (`immediate_referral`, `caid_referral`). What
/// W0509 warns about and what a conflict's less protective options are marked by.
pub(crate) fn lowers_referral(policy: &Policy, o: OutputId, winner: &Value, loser: &Value) -> bool {
    match (winner, loser) {
        (Value::Bool(false), Value::Bool(true)) => {
            let out = &policy.outputs[o];
            yes_no_referral(&out.name) && !out.doc.as_deref().is_some_and(negates_referral)
        }
        _ => kind(policy, winner) == Kind::Managing && kind(policy, loser) == Kind::Referral,
    }
}

/// Whether a yes/no output's name says that `true` makes a referral: a word of
/// referral (`refer`, `referral`, `escalate`, `police`) and otherwise only words that
/// say to whom or how soon (`immediate_referral`, `caid_referral`, `report_to_police`,
/// `police_informed`). A name with any other word is not judged: `referral_withheld`,
/// `delay_referral` or `police_already_aware` are `true` where no referral is made,
/// and reading them as referrals would call the protective order the less protective.
fn yes_no_referral(name: &str) -> bool {
    const QUALIFIERS: &[&str] = &[
        "a",
        "at",
        "once",
        "now",
        "to",
        "the",
        "of",
        "for",
        "immediate",
        "immediately",
        "urgent",
        "urgently",
        "caid",
        "ceop",
        "mash",
        "csc",
        "lado",
        "social",
        "care",
        "children",
        "childrens",
        "services",
        "make",
        "made",
        "send",
        "sent",
        "tell",
        "told",
        "inform",
        "informed",
        "notify",
        "notified",
        "report",
        "reported",
        "required",
        "dsl",
        "dsp",
        "nspcc",
        "contact",
        "contacted",
        "call",
        "called",
        "section",
        "s47",
    ];
    let mut referral = false;
    for w in words(name) {
        if is_referral_word(&w) {
            referral = true;
        } else if !QUALIFIERS.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    referral
}

/// Whether a doc comment negates a referral ("true: we do not refer", "no referral is
/// made"): a word of negation with a word of referral among the three after it. Other
/// negations ("refer at once; do not wait for consent") say nothing against it.
fn negates_referral(s: &str) -> bool {
    let ws: Vec<String> = words(s).collect();
    ws.iter()
        .enumerate()
        .any(|(k, w)| is_negation(w) && ws.iter().skip(k + 1).take(3).any(|x| is_referral_word(x)))
}

fn is_negation(w: &str) -> bool {
    matches!(w, "no" | "not" | "non" | "without" | "never")
}

/// Whether a text negates what it describes (`no_referral`, `not_referred`).
fn negated(s: &str) -> bool {
    words(s).any(|w| is_negation(&w))
}

/// A word of referral; `referrer` (who made a referral) is not one.
fn is_referral_word(w: &str) -> bool {
    w == "refer"
        || w == "refers"
        || (w.starts_with("referr") && !w.starts_with("referrer"))
        || w.starts_with("escalat")
        || w == "police"
}

/// The first value named as managing that `order` (highest first) ranks above a value
/// named as a referral, with that referral.
pub(crate) fn managing_above_referral(order: &[String]) -> Option<(&str, &str)> {
    order.iter().enumerate().find_map(|(i, m)| {
        (kind_of_name(m) == Kind::Managing)
            .then(|| {
                order
                    .iter()
                    .skip(i + 1)
                    .find(|r| kind_of_name(r) == Kind::Referral)
                    .map(|r| (m.as_str(), r.as_str()))
            })
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::{kind_of_text, managing_above_referral};

    #[test]
    fn names_read_as_referral_or_managing() {
        assert_eq!(kind_of_text("refer_immediately"), (true, false));
        assert_eq!(kind_of_text("escalate"), (true, false));
        assert_eq!(kind_of_text("Refer to the police"), (true, false));
        assert_eq!(kind_of_text("manage_in_setting"), (false, true));
        assert_eq!(kind_of_text("refer_and_manage"), (true, true));
        assert_eq!(kind_of_text("outcome_21"), (false, false));
        // A word that merely starts like one is not read as it ("preferred" is not
        // a referral).
        assert_eq!(kind_of_text("preferred"), (false, false));
        assert_eq!(kind_of_text("reference_only"), (false, false));
        assert_eq!(kind_of_text("referral"), (true, false));
        // Negated names are not judged: `manage > no_referral` is no reversed ranking.
        assert_eq!(kind_of_text("no_referral"), (false, false));
        assert_eq!(kind_of_text("not_referred"), (false, false));
        assert_eq!(
            kind_of_text("Managed without telling the police"),
            (false, false)
        );
    }

    #[test]
    fn an_order_that_ranks_managing_above_a_referral_is_found() {
        let order = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            managing_above_referral(&order(
                "refer_immediately manage_in_setting refer_after_review"
            )),
            Some(("manage_in_setting", "refer_after_review"))
        );
        assert_eq!(
            managing_above_referral(&order(
                "refer_immediately refer_after_review manage_in_setting"
            )),
            None
        );
        assert_eq!(managing_above_referral(&order("high low")), None);
    }
}
