//! The writer's words for a policy's names, for people who do not read the policy
//! language: an output as the question its doc comment asks ("Is the crime recorded?"),
//! a value as its doc comment says it ("Charge or summons"), a range of ages as "13 to
//! 17". Where a doc comment is missing or too long to stand in a box, a readable form of
//! the identifier ("outcome 21"). Identifiers stay available to readers who need them
//! (tooltips, a small second line) and in JSON; these words are for the eye only.
//!
//! One place, so that the graphs, the HTML report and `decide`'s human forms say a value
//! the same way.

use crate::check::ir::{one_line, EnumId, OutputId, OutputTy, Policy, Ty, Value, VariantId};

/// A doc comment's first sentence stands for a value when it is at most this long;
/// longer ones are explanations, shown on hover or in the report's tables.
const MAX_VALUE_WORDS: usize = 90;

/// The same for an answer on an edge, whose label is small.
const MAX_EDGE_WORDS: usize = 40;

/// A doc comment's words without the backticks a writer puts around names
/// (`` `extreme` ``), for a person reading plain text (`ask`'s questions, `decide`'s
/// "still to find out"). An unpaired backtick stays.
pub fn unquoted(text: &str) -> String {
    if text.matches('`').count() % 2 == 0 {
        text.replace('`', "")
    } else {
        text.to_string()
    }
}

/// `youngest_age` as `youngest age`.
pub fn humanise(name: &str) -> String {
    name.replace('_', " ")
}

/// The first sentence of a doc comment, on one line, without its final full stop:
/// "Charge or summons". `None` when there is no doc comment.
fn first_sentence(doc: Option<&str>) -> Option<String> {
    let line = one_line(doc?);
    if line.is_empty() {
        return None;
    }
    // A sentence ends at a full stop followed by a space (not inside "e.g. x" or "1.5").
    let end = line
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| {
            !line
                .get(..i)
                .is_some_and(|h| h.ends_with("e.g") || h.ends_with("i.e"))
        })
        .unwrap_or(line.len());
    let s = line.get(..end).unwrap_or(&line);
    Some(s.trim_end_matches('.').trim().to_string())
}

/// A variant in the writer's words: its doc comment's first sentence when short enough,
/// else its name made readable.
pub fn variant(policy: &Policy, e: EnumId, v: VariantId) -> String {
    let def = &policy.enums[e].variants[v];
    first_sentence(def.doc.as_deref())
        .filter(|s| s.chars().count() <= MAX_VALUE_WORDS)
        .unwrap_or_else(|| humanise(policy.variant_name(e, v)))
}

/// A variant in a heading, which may wrap: its doc comment's whole first sentence, else
/// its name made readable.
pub fn variant_long(policy: &Policy, e: EnumId, v: VariantId) -> String {
    let def = &policy.enums[e].variants[v];
    first_sentence(def.doc.as_deref()).unwrap_or_else(|| humanise(policy.variant_name(e, v)))
}

/// A variant as an answer on an edge: shorter still, the doc comment's first sentence
/// when it fits a small label, else the readable name.
pub fn variant_short(policy: &Policy, e: EnumId, v: VariantId) -> String {
    let def = &policy.enums[e].variants[v];
    first_sentence(def.doc.as_deref())
        .filter(|s| s.chars().count() <= MAX_EDGE_WORDS)
        .unwrap_or_else(|| humanise(policy.variant_name(e, v)))
}

/// A value in the writer's words: `yes`/`no`, a variant's words, a set's members one
/// after another (`Charge or summons; Youth caution`), `none` for the empty set.
pub fn value(policy: &Policy, v: &Value) -> String {
    match v {
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Int(i) => number(*i),
        Value::Enum(e, var) => variant(policy, *e, *var),
        Value::Set(e, vs) => {
            if vs.is_empty() {
                "none".into()
            } else {
                // Semicolons: a variant's words may hold commas and "or" ("Charge or
                // summons").
                vs.iter()
                    .map(|&x| variant(policy, *e, x))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
    }
}

/// An output as its doc comment asks it ("Is the crime recorded?"), its first sentence
/// when the doc asks no question, or its name made readable.
pub fn output(policy: &Policy, o: OutputId) -> String {
    let def = &policy.outputs[o];
    let doc = def.doc.as_deref().map(one_line).unwrap_or_default();
    if let Some(q) = doc.find('?').and_then(|i| doc.get(..=i)) {
        return q.to_string();
    }
    first_sentence(Some(&doc)).unwrap_or_else(|| humanise(&def.name))
}

/// `−3` for negative numbers, as print does.
pub fn number(i: i64) -> String {
    if i < 0 {
        format!("−{}", i.unsigned_abs())
    } else {
        i.to_string()
    }
}

/// A range `a..=b` of an integer input whose domain is `lo..=hi`, in words: `15`, `12 or
/// under`, `18 or over`, `13 to 17`, `any`.
pub fn range(a: i64, b: i64, lo: i64, hi: i64) -> String {
    if a == b {
        number(a)
    } else if a <= lo && b >= hi {
        "any".to_string()
    } else if a <= lo {
        format!("{} or under", number(b))
    } else if b >= hi {
        format!("{} or over", number(a))
    } else {
        format!("{} to {}", number(a), number(b))
    }
}

/// The one phrase for an output the policy leaves without a value where it has not
/// chosen to: said the same way by the drawings, the report, `decide` and `ask`.
pub const UNDECIDED_GAP: &str = "undecided: a gap in the policy";

/// The one phrase for an output the policy leaves without a value on purpose (an
/// `accept gap`), followed by its reason: "undecided on purpose: <reason>".
pub const UNDECIDED_ON_PURPOSE: &str = "undecided on purpose";

/// `undecided on purpose: the letter is silent here`.
pub fn undecided_on_purpose(reason: &str) -> String {
    format!("{UNDECIDED_ON_PURPOSE}: {reason}")
}

/// A policy's `source` as a reader names the document: "document 003" for an archive
/// file named by its number and a content hash (`003_1df043a44150df7c.txt`), else the
/// file's name without its folders. The hash tells a reader nothing; the number is how
/// the policy's citations ("003 para 6") name the document.
pub fn source(source: &str) -> String {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    let stem = name.split_once('.').map_or(name, |(s, _)| s);
    if let Some((number, hash)) = stem.split_once('_') {
        let is_number = !number.is_empty() && number.chars().all(|c| c.is_ascii_digit());
        let is_hash = hash.len() >= 8 && hash.chars().all(|c| c.is_ascii_hexdigit());
        if is_number && is_hash {
            return format!("document {number}");
        }
    }
    name.to_string()
}

/// A citation as a reader reads it: one that starts with the policy's `source` file
/// name starts with the document's name instead ("document 003 para 6: ..."), so that
/// no hash file name is shown.
pub fn citation(policy: &Policy, cites: &str) -> String {
    let Some(src) = policy.header.as_ref().and_then(|h| h.source.as_deref()) else {
        return cites.to_string();
    };
    match cites.strip_prefix(src) {
        Some(rest) if !src.is_empty() => {
            let name = source(src);
            let mut chars = name.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            format!("{}{}{rest}", first.unwrap_or_default(), chars.as_str())
        }
        _ => cites.to_string(),
    }
}

/// The values an output can take, in words, for a table: `yes or no`, `0 to 99`, or
/// the variants.
pub fn output_values(policy: &Policy, o: OutputId) -> Vec<String> {
    let def = &policy.outputs[o];
    let e = match def.ty {
        OutputTy::Single(Ty::Bool) => return vec!["yes".into(), "no".into()],
        OutputTy::Single(Ty::Int { lo, hi }) => return vec![format!("{lo} to {hi}")],
        OutputTy::Single(Ty::Enum(e)) | OutputTy::Set(e) => e,
    };
    policy.enums[e]
        .variants
        .ids()
        .map(|v| variant(policy, e, v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::{EnumDef, OutputDef, VariantDef};
    use crate::source::Loc;
    use crate::testing::id;

    #[test]
    fn a_source_archive_file_is_named_by_its_number() {
        assert_eq!(source("003_1df043a44150df7c.txt"), "document 003");
        assert_eq!(
            source("../shared/reference/ukcis-sharing-nudes.md"),
            "ukcis-sharing-nudes.md"
        );
        assert_eq!(source("003_notahash.txt"), "003_notahash.txt");
        assert_eq!(
            undecided_on_purpose("para 3 is silent"),
            "undecided on purpose: para 3 is silent"
        );
    }

    fn policy() -> Policy {
        let v = |n: &str, doc: Option<&str>| VariantDef {
            name: n.into(),
            doc: doc.map(Into::into),
            loc: Loc::default(),
        };
        Policy {
            enums: vec![EnumDef {
                name: "Outcome".into(),
                doc: None,
                variants: vec![
                    v("outcome_1", Some("Charge or summons.")),
                    v("outcome_2", Some("Youth caution.")),
                    v(
                        "outcome_10",
                        Some("Not in the public interest to proceed after an investigation, a decision the police take alone and record with reasons (police decision)."),
                    ),
                    v("outcome_21", None),
                ]
                .into(),
                loc: Loc::default(),
            }]
            .into(),
            outputs: vec![
                OutputDef {
                    name: "likely_outcomes".into(),
                    doc: Some("Which outcome codes are likely? Said of the crime.".into()),
                    ty: OutputTy::Set(id(0)),
                    default: None,
                    loc: Loc::default(),
                    hit: Default::default(),
                },
                OutputDef {
                    name: "response".into(),
                    doc: Some("What the school does. More text.".into()),
                    ty: OutputTy::Single(Ty::Enum(id(0))),
                    default: None,
                    loc: Loc::default(),
                    hit: Default::default(),
                },
                OutputDef {
                    name: "record_crime".into(),
                    doc: None,
                    ty: OutputTy::Single(Ty::Bool),
                    default: None,
                    loc: Loc::default(),
                    hit: Default::default(),
                },
            ]
            .into(),
            ..Policy::default()
        }
    }

    #[test]
    fn values_in_the_writers_words() {
        let p = policy();
        assert_eq!(
            value(&p, &Value::Set(id(0), vec![id(0), id(1)])),
            "Charge or summons; Youth caution"
        );
        // Too long to stand in a box: the readable name.
        assert_eq!(value(&p, &Value::Enum(id(0), id(2))), "outcome 10");
        assert_eq!(value(&p, &Value::Enum(id(0), id(3))), "outcome 21");
        assert_eq!(value(&p, &Value::Set(id(0), vec![])), "none");
        assert_eq!(value(&p, &Value::Bool(true)), "yes");
        assert_eq!(value(&p, &Value::Int(-3)), "−3");
    }

    #[test]
    fn outputs_as_their_questions() {
        let p = policy();
        assert_eq!(output(&p, id(0)), "Which outcome codes are likely?");
        assert_eq!(output(&p, id(1)), "What the school does");
        assert_eq!(output(&p, id(2)), "record crime");
        assert_eq!(output_values(&p, id(2)), vec!["yes", "no"]);
    }

    #[test]
    fn ranges_in_words() {
        assert_eq!(range(13, 17, 0, 99), "13 to 17");
        assert_eq!(range(18, 99, 0, 99), "18 or over");
        assert_eq!(range(0, 12, 0, 99), "12 or under");
        assert_eq!(range(0, 99, 0, 99), "any");
        assert_eq!(range(15, 15, 0, 99), "15");
    }
}
