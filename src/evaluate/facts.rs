//! Facts: JSON objects keyed by input name, checked against the policy's inputs.

use crate::check::ir::{IdxVec, InputDef, InputId, Policy, Ty, Value};
use crate::diagnostics::{Code, Diagnostic};

/// Known facts, one slot per input (`None`: not given).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    pub values: IdxVec<InputDef, Option<Value>>,
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

/// Whether `n` is an integer too large for any input's range: serde_json reads an
/// integer literal past 64 bits as a float, which has no fraction and is at least 2^63
/// in size (no float that large has one).
fn is_huge_integer(n: &serde_json::Number) -> bool {
    n.as_f64()
        .is_some_and(|f| f.is_finite() && f.abs() >= 9_223_372_036_854_775_808.0)
        && !n.is_i64()
        && !n.is_u64()
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() || is_huge_integer(n) => {
            "an integer"
        }
        serde_json::Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
            "a number written with a fraction or an exponent"
        }
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
    by_name: crate::collections::HashMap<&'p str, InputId>,
}

impl<'p> InputIndex<'p> {
    pub fn new(policy: &'p Policy) -> Self {
        InputIndex {
            by_name: policy
                .inputs
                .entries()
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
    check_facts(policy, index, json, &[])
}

/// [`parse_facts_indexed`] for facts read as a [`FactsJson`]: a key given twice is an
/// error too (E0517).
pub fn parse_facts_json(
    policy: &Policy,
    index: &InputIndex<'_>,
    doc: &FactsJson,
) -> Result<Facts, Vec<Diagnostic>> {
    check_facts(policy, index, &doc.value, &doc.duplicates)
}

/// One facts document as read: its value, and the keys of its top-level object that
/// were given more than once. `serde_json::Value` keeps the last of duplicated keys
/// silently; which one a writer meant cannot be told, so they are kept to be refused.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FactsJson {
    pub value: serde_json::Value,
    pub duplicates: Vec<String>,
}

impl<'de> serde::Deserialize<'de> for FactsJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FactsVisitor)
    }
}

/// Builds the value as `serde_json::Value` does, noting duplicated keys of the top
/// level (the only level facts have: deeper objects are wrong types anyway).
struct FactsVisitor;

impl<'de> serde::de::Visitor<'de> for FactsVisitor {
    type Value = FactsJson;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<FactsJson, A::Error> {
        let mut obj = serde_json::Map::new();
        let mut duplicates = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value: serde_json::Value = map.next_value()?;
            match obj.entry(key) {
                serde_json::map::Entry::Vacant(e) => {
                    e.insert(value);
                }
                serde_json::map::Entry::Occupied(mut e) => {
                    if !duplicates.contains(e.key()) {
                        duplicates.push(e.key().clone());
                    }
                    e.insert(value);
                }
            }
        }
        Ok(FactsJson {
            value: serde_json::Value::Object(obj),
            duplicates,
        })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<FactsJson, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element::<serde_json::Value>()? {
            items.push(v);
        }
        Ok(plain(serde_json::Value::Array(items)))
    }

    fn visit_bool<E>(self, b: bool) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::Bool(b)))
    }

    fn visit_i64<E>(self, x: i64) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::from(x)))
    }

    fn visit_u64<E>(self, x: u64) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::from(x)))
    }

    fn visit_f64<E>(self, x: f64) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::from(x)))
    }

    fn visit_str<E>(self, s: &str) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::from(s)))
    }

    fn visit_string<E>(self, s: String) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::String(s)))
    }

    fn visit_unit<E>(self) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::Null))
    }

    fn visit_none<E>(self) -> Result<FactsJson, E> {
        Ok(plain(serde_json::Value::Null))
    }
}

fn plain(value: serde_json::Value) -> FactsJson {
    FactsJson {
        value,
        duplicates: Vec::new(),
    }
}

fn check_facts(
    policy: &Policy,
    index: &InputIndex<'_>,
    json: &serde_json::Value,
    duplicates: &[String],
) -> Result<Facts, Vec<Diagnostic>> {
    let Some(obj) = json.as_object() else {
        return Err(vec![Diagnostic::error(
            Code::E0510,
            format!(
                "facts must be a JSON object keyed by input name, not {}",
                json_kind(json)
            ),
        )
        .help("write the facts as {\"input_name\": value, ...}")
        .data(
            FactsData {
                kind: Some("facts"),
                ..FactsData::default()
            }
            .value(),
        )]);
    };
    let mut facts = Facts {
        values: IdxVec::filled(None, policy.inputs.len()),
    };
    let mut errors = Vec::new();
    for (key, v) in obj {
        if duplicates.contains(key) {
            errors.push(
                Diagnostic::error(Code::E0517, format!("fact `{key}` is given more than once"))
                    .help(format!(
                        "give `{key}` once: which of its values is meant cannot be told"
                    ))
                    .data(FactsData::key(key)),
            );
        }
        let Some(id) = index.by_name.get(key.as_str()).copied() else {
            errors.push(unknown_key(policy, key));
            continue;
        };
        if v.is_null() {
            continue;
        }
        let input = &policy.inputs[id];
        match fact_value(policy, input, key, v) {
            Ok(value) => {
                if let Some(slot) = facts.values.get_mut(id) {
                    *slot = Some(value);
                }
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(facts)
    } else {
        Err(errors)
    }
}

/// A key that names no input: the nearest name, or else every name.
fn unknown_key(policy: &Policy, key: &str) -> Diagnostic {
    let d = Diagnostic::error(
        Code::E0511,
        format!("`{key}` is not an input of policy `{}`", policy.name),
    )
    .data(FactsData::key(key));
    // A define or an output is worked out from the inputs: giving it as a fact is a
    // natural slip (`any_point: true`), and "did you mean" a similar input would
    // mislead (review 2).
    if let Some(def) = policy.defines.iter().find(|d| d.name == key) {
        let reads = def_reads(policy, def);
        return d
            .note(format!(
                "`{key}` is a define: the policy works it out from the inputs, it is not given"
            ))
            .help(if reads.is_empty() {
                "give the inputs it is made of instead".to_string()
            } else {
                format!(
                    "give the inputs it is made of instead: {}",
                    reads.join(", ")
                )
            });
    }
    if policy.outputs.iter().any(|o| o.name == key) {
        return d
            .note(format!(
                "`{key}` is an output: the policy decides it from the inputs, it is not given"
            ))
            .help("remove it from the facts; `policyc decide` answers it");
    }
    match did_you_mean(key, policy.inputs.iter().map(|i| i.name.as_str())) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => {
            let names: Vec<&str> = policy.inputs.iter().map(|i| i.name.as_str()).collect();
            d.note(format!("the inputs are: {}", names.join(", ")))
        }
    }
}

/// The inputs a define reads, directly or through other defines, by name.
fn def_reads(policy: &Policy, def: &crate::check::ir::DefineDef) -> Vec<String> {
    let mut read = vec![false; policy.inputs.len()];
    let mut seen = vec![false; policy.defines.len()];
    let mut stack = vec![&def.body];
    while let Some(body) = stack.pop() {
        let mut named = Vec::new();
        match body {
            crate::check::ir::DefineBody::Bool(e) => e.for_each_read(
                |i| {
                    if let Some(x) = read.get_mut(i.index()) {
                        *x = true;
                    }
                },
                |d| named.push(d),
            ),
            crate::check::ir::DefineBody::Int(l) => {
                for &(_, i) in &l.terms {
                    if let Some(x) = read.get_mut(i.index()) {
                        *x = true;
                    }
                }
            }
        }
        for d in named {
            if let Some(x) = seen.get_mut(d.index()).filter(|x| !**x) {
                *x = true;
                stack.push(&policy.defines[d].body);
            }
        }
    }
    policy
        .inputs
        .entries()
        .filter(|(i, _)| read.get(i.index()).copied().unwrap_or(false))
        .map(|(_, inp)| format!("`{}`", inp.name))
        .collect()
}

/// The value of fact `key` (not null) for `input`, or why it is not one.
fn fact_value(
    policy: &Policy,
    input: &InputDef,
    key: &str,
    v: &serde_json::Value,
) -> Result<Value, Diagnostic> {
    let wrong = |expected: &str| {
        Diagnostic::error(
            Code::E0512,
            format!(
                "fact `{key}` must be {expected}, but it is {}",
                json_kind(v)
            ),
        )
        .data(FactsData::key(key))
    };
    match input.ty {
        Ty::Bool => v
            .as_bool()
            .map(Value::Bool)
            .ok_or_else(|| wrong("a boolean (`true` or `false`)")),
        Ty::Int { lo, hi } => {
            let out_of_range = |shown: &str| {
                Diagnostic::error(
                    Code::E0513,
                    format!("fact `{key}` = {shown} is outside its range {lo}..={hi}"),
                )
                .primary(input.loc, format!("`{key}` is declared here"))
                .data(FactsData::key(key))
            };
            match v.as_i64() {
                Some(x) if x >= lo && x <= hi => Ok(Value::Int(x)),
                Some(x) => Err(out_of_range(&x.to_string())),
                // Past 64 bits the reader holds only a float (`1e+23`): say what it is
                // rather than show that.
                None => match v.as_u64() {
                    Some(x) => Err(out_of_range(&x.to_string())),
                    None if v.as_number().is_some_and(is_huge_integer) => {
                        Err(out_of_range(if v.as_f64().is_some_and(|f| f < 0.0) {
                            "an integer below -2^63"
                        } else {
                            "an integer of 2^64 or more"
                        }))
                    }
                    None => Err(wrong(&format!("an integer in {lo}..={hi}"))),
                },
            }
        }
        Ty::Enum(e) => {
            let variants: Vec<&str> = policy.enums[e]
                .variants
                .iter()
                .map(|v| v.name.as_str())
                .collect();
            let Some(s) = v.as_str() else {
                return Err(wrong(&format!(
                    "one of the strings {}",
                    variants.join(", ")
                )));
            };
            if let Some(var) = policy.enums[e].variants.position(|v| v.name == s) {
                return Ok(Value::Enum(e, var));
            }
            let mut d = Diagnostic::error(
                Code::E0514,
                format!(
                    "fact `{key}` = \"{s}\" is not one of: {}",
                    variants.join(", ")
                ),
            )
            .primary(input.loc, format!("`{key}` is declared here"));
            if let Some(m) = did_you_mean(s, variants.iter().copied()) {
                d = d.help(format!("did you mean \"{m}\"?"));
            }
            Err(d.data(
                FactsData {
                    key: Some(key),
                    valid: Some(variants),
                    ..FactsData::default()
                }
                .value(),
            ))
        }
    }
}

/// The `data` of an error about facts, for machines (`--format json`, editors): the key
/// or keys it names; for an enum, its valid variants; `kind` for facts that are not an
/// object.
#[derive(Default, serde::Serialize)]
pub(crate) struct FactsData<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<Vec<&'a str>>,
}

impl<'a> FactsData<'a> {
    pub(crate) fn key(key: &'a str) -> serde_json::Value {
        FactsData {
            key: Some(key),
            ..FactsData::default()
        }
        .value()
    }

    pub(crate) fn keys(keys: Vec<&'a str>) -> serde_json::Value {
        FactsData {
            keys: Some(keys),
            ..FactsData::default()
        }
        .value()
    }

    /// As the `data` of a diagnostic (a map of strings always converts).
    pub(crate) fn value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        crate::check::policy_from_text(
            "policy p \"p\"\ninput age: 0..=20\ninput flag: bool\noutput o: bool default false\n\
             rule r \"r\" cites \"c\" when flag and age > 3 then o = true\n",
        )
    }

    fn errors(p: &Policy, text: &str) -> Vec<Diagnostic> {
        let doc: FactsJson = serde_json::from_str(text).unwrap();
        parse_facts_json(p, &InputIndex::new(p), &doc).unwrap_err()
    }

    /// An integer literal past 64 bits is an integer out of range, not a fraction.
    #[test]
    fn a_huge_integer_is_out_of_range() {
        let p = policy();
        for huge in ["99999999999999999999999", "-99999999999999999999999"] {
            let e = errors(&p, &format!("{{\"age\": {huge}}}"));
            assert_eq!(e.len(), 1);
            assert_eq!(e[0].code, "E0513", "{}", e[0].message);
            assert!(
                e[0].message.contains("outside its range 0..=20"),
                "{}",
                e[0].message
            );
            // Said as an integer, not as the float the reader holds.
            assert!(!e[0].message.contains("e+"), "{}", e[0].message);
            let e = errors(&p, &format!("{{\"flag\": {huge}}}"));
            assert!(
                e[0].message.ends_with("but it is an integer"),
                "{}",
                e[0].message
            );
        }
        let e = errors(&p, "{\"age\": 1.5}");
        assert!(
            e[0].message.ends_with("a number with a fraction"),
            "{}",
            e[0].message
        );
        let e = errors(&p, "{\"age\": 1e1}");
        assert_eq!(e[0].code, "E0512");
        assert!(
            e[0].message.contains("fraction or an exponent"),
            "{}",
            e[0].message
        );
    }

    /// A key given twice is refused, naming the key, once however often it repeats.
    #[test]
    fn a_key_given_twice_is_refused() {
        let p = policy();
        let e = errors(
            &p,
            "{\"flag\": true, \"age\": 4, \"flag\": false, \"flag\": true}",
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].code, "E0517");
        assert_eq!(e[0].data_value().unwrap()["key"], "flag");
        // Nested objects are read as values (a wrong type), duplicates and all.
        let doc: FactsJson = serde_json::from_str("{\"age\": {\"x\": 1, \"x\": 2}}").unwrap();
        assert!(doc.duplicates.is_empty());
        let doc: FactsJson = serde_json::from_str("{\"age\": 4, \"flag\": true}").unwrap();
        assert_eq!(doc.value, serde_json::json!({"age": 4, "flag": true}));
        assert!(parse_facts_json(&p, &InputIndex::new(&p), &doc).is_ok());
        for other in ["[1, {\"a\": 1}]", "1", "-2", "1.5", "\"s\"", "null", "true"] {
            let doc: FactsJson = serde_json::from_str(other).unwrap();
            let value: serde_json::Value = serde_json::from_str(other).unwrap();
            assert_eq!(doc.value, value, "{other}");
        }
    }
}
