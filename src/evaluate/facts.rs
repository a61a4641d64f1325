//! Facts: JSON objects keyed by input name, checked against the policy's inputs.

use serde_json::json;

use crate::check::ir::{InputId, Policy, Ty, Value};
use crate::diagnostics::Diagnostic;

/// Known facts, one slot per input (`None`: not given).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub values: Vec<Option<Value>>,
}

impl Facts {
    pub fn is_complete(&self) -> bool {
        self.values.iter().all(|v| v.is_some())
    }

    pub fn get(&self, input: InputId) -> Option<&Value> {
        self.values.get(input).and_then(|v| v.as_ref())
    }

    /// Every input's value: the one given, or `fill` of its type.
    pub fn or_else(&self, policy: &Policy, fill: impl Fn(Ty) -> Value) -> Vec<Value> {
        self.values
            .iter()
            .zip(&policy.inputs)
            .map(|(v, i)| v.clone().unwrap_or_else(|| fill(i.ty)))
            .collect()
    }

    /// The given facts as MDD value indices (see [`crate::compile::value_index`]).
    pub fn indices(&self, policy: &Policy) -> Vec<Option<u32>> {
        policy
            .inputs
            .iter()
            .zip(&self.values)
            .map(|(i, v)| {
                v.as_ref()
                    .and_then(|v| crate::compile::value_index(i.ty, v))
            })
            .collect()
    }
}

/// Edit distance, for "did you mean".
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest candidate, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        serde_json::Value::Number(_) => "a number with a fraction",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Reads facts from a JSON value. Every problem is reported (one diagnostic each, naming
/// the key); `null` means "not known", like a missing key.
pub fn parse_facts(policy: &Policy, json: &serde_json::Value) -> Result<Facts, Vec<Diagnostic>> {
    parse_facts_indexed(policy, &InputIndex::new(policy), json)
}

/// Input names to ids, built once for many facts (batch `decide`).
pub struct InputIndex<'p> {
    by_name: std::collections::HashMap<&'p str, InputId>,
}

impl<'p> InputIndex<'p> {
    pub fn new(policy: &'p Policy) -> Self {
        InputIndex {
            by_name: policy
                .inputs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.name.as_str(), i))
                .collect(),
        }
    }
}

/// [`parse_facts`] with a prepared name index.
pub fn parse_facts_indexed(
    policy: &Policy,
    index: &InputIndex<'_>,
    json: &serde_json::Value,
) -> Result<Facts, Vec<Diagnostic>> {
    let Some(obj) = json.as_object() else {
        return Err(vec![Diagnostic::error(
            "E0510",
            format!(
                "facts must be a JSON object keyed by input name, not {}",
                json_kind(json)
            ),
        )
        .help("write the facts as {\"input_name\": value, ...}")
        .data(json!({ "kind": "facts" }))]);
    };
    let mut facts = Facts {
        values: vec![None; policy.inputs.len()],
    };
    let mut errors = Vec::new();
    for (key, v) in obj {
        let Some(id) = index.by_name.get(key.as_str()).copied() else {
            let mut d = Diagnostic::error(
                "E0511",
                format!("`{key}` is not an input of policy `{}`", policy.name),
            )
            .data(json!({ "key": key }));
            if let Some(s) = did_you_mean(key, policy.inputs.iter().map(|i| i.name.as_str())) {
                d = d.help(format!("did you mean `{s}`?"));
            } else {
                let names: Vec<&str> = policy.inputs.iter().map(|i| i.name.as_str()).collect();
                d = d.note(format!("the inputs are: {}", names.join(", ")));
            }
            errors.push(d);
            continue;
        };
        if v.is_null() {
            continue;
        }
        let Some(input) = policy.inputs.get(id) else {
            continue;
        };
        let wrong = |expected: &str| {
            Diagnostic::error(
                "E0512",
                format!(
                    "fact `{key}` must be {expected}, but it is {}",
                    json_kind(v)
                ),
            )
            .data(json!({ "key": key }))
        };
        let value = match input.ty {
            Ty::Bool => match v.as_bool() {
                Some(b) => Value::Bool(b),
                None => {
                    errors.push(wrong("a boolean (`true` or `false`)"));
                    continue;
                }
            },
            Ty::Int { lo, hi } => match v.as_i64() {
                Some(x) if x >= lo && x <= hi => Value::Int(x),
                Some(x) => {
                    errors.push(
                        Diagnostic::error(
                            "E0513",
                            format!("fact `{key}` = {x} is outside its range {lo}..={hi}"),
                        )
                        .primary(input.loc, format!("`{key}` is declared here"))
                        .data(json!({ "key": key })),
                    );
                    continue;
                }
                None if v.as_u64().is_some() => {
                    errors.push(
                        Diagnostic::error(
                            "E0513",
                            format!("fact `{key}` = {v} is outside its range {lo}..={hi}"),
                        )
                        .primary(input.loc, format!("`{key}` is declared here"))
                        .data(json!({ "key": key })),
                    );
                    continue;
                }
                None => {
                    errors.push(wrong(&format!("an integer in {lo}..={hi}")));
                    continue;
                }
            },
            Ty::Enum(e) => {
                let variants: Vec<&str> = policy
                    .enums
                    .get(e)
                    .map(|d| d.variants.iter().map(|v| v.name.as_str()).collect())
                    .unwrap_or_default();
                match v.as_str() {
                    Some(s) => match variants.iter().position(|n| *n == s) {
                        Some(var) => Value::Enum(e, var),
                        None => {
                            let mut d = Diagnostic::error(
                                "E0514",
                                format!(
                                    "fact `{key}` = \"{s}\" is not one of: {}",
                                    variants.join(", ")
                                ),
                            )
                            .primary(input.loc, format!("`{key}` is declared here"))
                            .data(json!({ "key": key, "valid": variants }));
                            if let Some(m) = did_you_mean(s, variants.iter().copied()) {
                                d = d.help(format!("did you mean \"{m}\"?"));
                            }
                            errors.push(d);
                            continue;
                        }
                    },
                    None => {
                        errors.push(wrong(&format!(
                            "one of the strings {}",
                            variants.join(", ")
                        )));
                        continue;
                    }
                }
            }
        };
        if let Some(slot) = facts.values.get_mut(id) {
            *slot = Some(value);
        }
    }
    if errors.is_empty() {
        Ok(facts)
    } else {
        Err(errors)
    }
}
