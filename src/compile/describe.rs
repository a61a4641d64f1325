//! Regions of incidents as a person reads them: a count, one complete example, and a
//! condition in the language's own syntax (`oldest_age in 16..=17 and not coercion`).

use std::sync::Arc;

use serde::Serialize;

use super::graph::{value_set, ValueSet};
use super::{index_value, CResult, Compiler};
use crate::check::ir::{
    Arena, CmpOp, EnumDef, EnumId, Expr, InputDef, InputId, LinExpr, Policy, Ty, Value, VariantDef,
    VariantId,
};
use crate::mdd::{Cube, NodeId, ValueRanges, FALSE};

/// A non-empty set of incidents.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// How many distinct complete incidents it holds (saturating at `u128::MAX`).
    pub count: u128,
    /// One of them: per input (by input id), the index of its value in the input's type
    /// ([`crate::compile::index_value`]; [`Region::example_values`] gives the values).
    /// Indices rather than values: a large policy has hundreds of thousands of regions,
    /// and their examples as values took two thirds of the analysis's memory.
    pub example: Box<[u32]>,
    /// The names to show `example` with, shared by every region of a policy.
    pub names: Arc<FactNames>,
    /// True when `cubes` hold the whole region; false when they are only the first
    /// parts of a region too fragmented to show whole.
    pub condition_complete: bool,
    /// How many parts past `cubes` are known to be left out (0 when none or unknown).
    pub more_parts: usize,
    /// The region's parts: each a conjunction of (input, the values it may take);
    /// inputs left out may take any value. Within the valid incidents their union is the
    /// region when `condition_complete`. [`Region::condition`] reads them.
    pub cubes: Vec<Vec<(InputId, ValueSet)>>,
    /// Per part, comparisons between inputs that also hold there (`oldest_age -
    /// youngest_age <= 2`), each an [`Expr::Cmp`]; empty when there are none. A region
    /// bounded by a relation takes a part per value of one input without them.
    pub relations: Vec<Vec<Expr>>,
}

/// The names of a policy's inputs and variants: what showing an example as facts needs.
///
/// Why not the JSON itself in every region: a large policy can have hundreds of
/// thousands of conflicting rule pairs, each with a region; their examples as JSON maps
/// took gigabytes, and most are never shown.
#[derive(Debug, PartialEq, Eq)]
pub struct FactNames {
    inputs: Arena<String, InputDef>,
    variants: Arena<Arena<String, VariantDef>, EnumDef>,
    /// Per input, its type (to read an example's value indices).
    tys: Arena<crate::check::ir::Ty, InputDef>,
    /// Per input, whether the rules, scope or assumptions compare it by order (`<`,
    /// `>=`...): a bound at the edge of its range is then said as such a comparison.
    ordered: Vec<bool>,
    /// The inputs the policy reads: examples show only these, counts are over them.
    reads: crate::check::ir::Reads,
}

/// Per input, whether some comparison by order reads it (through defines too).
fn compared_by_order(policy: &Policy) -> Vec<bool> {
    use crate::check::ir::{CmpOp, DefineBody};
    let mut ordered = vec![false; policy.inputs.len()];
    let mut stack: Vec<&Expr> = policy.rules.iter().map(|r| &r.when).collect();
    stack.extend(policy.scope.iter().chain(&policy.assumes).map(|c| &c.expr));
    let mut seen = vec![false; policy.defines.len()];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Cmp { lhs, op, rhs } if !matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                for &(_, i) in lhs.terms.iter().chain(&rhs.terms) {
                    if let Some(x) = ordered.get_mut(i.index()) {
                        *x = true;
                    }
                }
            }
            Expr::Define(d) => {
                if let Some(x) = seen.get_mut(d.index()).filter(|x| !**x) {
                    *x = true;
                    if let DefineBody::Bool(b) = &policy.defines[*d].body {
                        stack.push(b);
                    }
                }
            }
            Expr::Not(a) => stack.push(a),
            Expr::And(xs) | Expr::Or(xs) => stack.extend(xs.iter()),
            Expr::Implies(a, b) | Expr::Iff(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            _ => {}
        }
    }
    ordered
}

impl FactNames {
    pub fn new(policy: &Policy) -> FactNames {
        FactNames::with_reads(policy, policy.reads())
    }

    /// Names for regions over `policy`'s inputs that speak of the inputs in `reads`
    /// (`diff`: the inputs either policy reads).
    pub fn with_reads(policy: &Policy, reads: crate::check::ir::Reads) -> FactNames {
        FactNames {
            reads,
            inputs: policy.inputs.iter().map(|i| i.name.clone()).collect(),
            tys: policy.inputs.iter().map(|i| i.ty).collect(),
            ordered: compared_by_order(policy),
            variants: policy
                .enums
                .iter()
                .map(|e| e.variants.iter().map(|v| v.name.clone()).collect())
                .collect(),
        }
    }

    fn variant(&self, e: EnumId, v: VariantId) -> serde_json::Value {
        serde_json::Value::from(self.variant_name(e, v))
    }

    /// Parts (conjunctions of input value sets) as one condition: `false` for none,
    /// `true` for a part that restricts nothing.
    fn condition(&self, parts: &[Vec<(InputId, ValueSet)>], relations: &[Vec<Expr>]) -> String {
        if parts.is_empty() {
            return "false".to_string();
        }
        let many = parts.len() > 1;
        let mut out = String::new();
        for (k, part) in parts.iter().enumerate() {
            if k > 0 {
                out.push_str(" or ");
            }
            let lits: Vec<String> = self
                .relations(relations.get(k).map(Vec::as_slice).unwrap_or(&[]))
                .into_iter()
                .chain(
                    part.iter()
                        .filter_map(|(input, set)| self.literal(*input, set)),
                )
                .collect();
            match lits.as_slice() {
                [] => out.push_str("true"),
                [one] => out.push_str(one),
                _ if many => {
                    out.push('(');
                    out.push_str(&lits.join(" and "));
                    out.push(')');
                }
                _ => out.push_str(&lits.join(" and ")),
            }
        }
        out
    }

    /// A part's comparisons between inputs as written, bounds on one sum joined:
    /// `oldest_age - youngest_age >= 2` and `... <= 2` read `oldest_age - youngest_age
    /// == 2`, and `>= 2` with `<= 5` read `in 2..=5`.
    fn relations(&self, rs: &[Expr]) -> Vec<String> {
        // Per sum compared with constants: its lowest and highest allowed value.
        let mut bounded: Vec<(LinExpr, Option<i64>, Option<i64>)> = Vec::new();
        let mut out: Vec<Option<String>> = Vec::new();
        // Where each bounded sum is shown, among `out`.
        let mut at: Vec<usize> = Vec::new();
        for e in rs {
            let Expr::Cmp { lhs, op, rhs } = e else {
                continue;
            };
            let (lhs, op, rhs) = readable(lhs.clone(), *op, rhs.clone());
            let (lo, hi) = match op {
                CmpOp::Ge => (Some(rhs.constant), None),
                CmpOp::Le => (None, Some(rhs.constant)),
                CmpOp::Eq => (Some(rhs.constant), Some(rhs.constant)),
                _ => (None, None),
            };
            if !rhs.terms.is_empty() || (lo.is_none() && hi.is_none()) {
                out.push(self.comparison(&lhs, op, &rhs));
                continue;
            }
            match bounded.iter().position(|b| b.0 == lhs) {
                Some(k) => {
                    if let Some(b) = bounded.get_mut(k) {
                        b.1 = b.1.max(lo);
                        b.2 = match (b.2, hi) {
                            (Some(x), Some(y)) => Some(x.min(y)),
                            (x, y) => x.or(y),
                        };
                    }
                }
                None => {
                    at.push(out.len());
                    out.push(None);
                    bounded.push((lhs, lo, hi));
                }
            }
        }
        for ((lhs, lo, hi), k) in bounded.into_iter().zip(at) {
            let shown = match (lo, hi) {
                (Some(a), Some(b)) if a == b => {
                    self.comparison(&lhs, CmpOp::Eq, &LinExpr::constant(a))
                }
                (Some(a), Some(b)) if a < b => {
                    self.linear(&lhs).map(|l| format!("{l} in {a}..={b}"))
                }
                (Some(a), _) => self.comparison(&lhs, CmpOp::Ge, &LinExpr::constant(a)),
                (None, Some(b)) => self.comparison(&lhs, CmpOp::Le, &LinExpr::constant(b)),
                (None, None) => None,
            };
            // Bounds that cross (no value between) do not occur in a region that holds
            // incidents; said apart, they still read right.
            let shown = match (lo, hi) {
                (Some(a), Some(b)) if a > b => [
                    self.comparison(&lhs, CmpOp::Ge, &LinExpr::constant(a)),
                    self.comparison(&lhs, CmpOp::Le, &LinExpr::constant(b)),
                ]
                .into_iter()
                .flatten()
                .reduce(|x, y| format!("{x} and {y}")),
                _ => shown,
            };
            if let Some(slot) = out.get_mut(k) {
                *slot = shown;
            }
        }
        out.into_iter().flatten().collect()
    }

    /// `lhs op rhs`, already readable ([`readable`]).
    fn comparison(&self, lhs: &LinExpr, op: CmpOp, rhs: &LinExpr) -> Option<String> {
        Some(format!(
            "{} {} {}",
            self.linear(lhs)?,
            op.symbol(),
            self.linear(rhs)?
        ))
    }

    /// `oldest_age - youngest_age`, `2 * a + 1`, `3`.
    fn linear(&self, l: &LinExpr) -> Option<String> {
        let mut out = String::new();
        // Positive terms first: `oldest_age - youngest_age`, not `-youngest_age +
        // oldest_age`.
        let mut terms = l.terms.clone();
        terms.sort_by_key(|t| t.0 < 0);
        for (k, &(coef, input)) in terms.iter().enumerate() {
            let name = &self.inputs[input];
            let size = coef.unsigned_abs();
            let sign = match (k, coef < 0) {
                (0, false) => "",
                (0, true) => "-",
                (_, false) => " + ",
                (_, true) => " - ",
            };
            out.push_str(sign);
            if size != 1 {
                out.push_str(&format!("{size} * "));
            }
            out.push_str(name);
        }
        if l.terms.is_empty() {
            out = l.constant.to_string();
        } else if l.constant != 0 {
            let sign = if l.constant < 0 { "-" } else { "+" };
            out.push_str(&format!(" {sign} {}", l.constant.unsigned_abs()));
        }
        Some(out)
    }

    /// One input's value set as a condition; `None` when it is every value.
    pub fn literal(&self, input: InputId, set: &ValueSet) -> Option<String> {
        let name = &self.inputs[input];
        let variant = |e: EnumId, v: VariantId| -> &str { &self.variants[e][v] };
        Some(match (set, self.tys[input]) {
            (ValueSet::Bools(bs), _) => match bs.as_slice() {
                [true] => name.clone(),
                [false] => format!("not {name}"),
                _ => return None,
            },
            (ValueSet::Variants(e, vs), _) => {
                let all = &self.variants[*e];
                if vs.len() >= all.len() {
                    return None;
                }
                let names: Vec<&str> = vs.iter().map(|&v| variant(*e, v)).collect();
                let missing: Vec<VariantId> = all.ids().filter(|v| !vs.contains(v)).collect();
                if let [one] = names.as_slice() {
                    format!("{name} == {one}")
                } else if let [missing] = missing.as_slice() {
                    format!("{name} != {}", variant(*e, *missing))
                } else {
                    format!("{name} in {{{}}}", names.join(", "))
                }
            }
            (ValueSet::Ints(rs), ty) => {
                let (lo, hi) = match ty {
                    Ty::Int { lo, hi } => (lo, hi),
                    _ => (0, 0),
                };
                let covered: i128 = rs
                    .iter()
                    .map(|&(a, b)| i128::from(b) - i128::from(a) + 1)
                    .sum();
                if covered > i128::from(hi) - i128::from(lo) {
                    return None;
                }
                let one = |a: i64, b: i64| -> String {
                    // At an edge of the declared range a reader writes the comparison
                    // the rules use (`loan_size > 5000`), not the edge (`== 5001`).
                    let ordered = self.ordered.get(input.index()).copied().unwrap_or(false);
                    if a == b && a == hi && lo < hi && ordered {
                        format!("{name} > {}", a - 1)
                    } else if a == b && a == lo && lo < hi && ordered {
                        format!("{name} < {}", a + 1)
                    } else if a == b {
                        format!("{name} == {a}")
                    } else if a == lo {
                        format!("{name} <= {b}")
                    } else if b == hi {
                        format!("{name} >= {a}")
                    } else {
                        format!("{name} in {a}..={b}")
                    }
                };
                match rs.as_slice() {
                    [(a, b)] => one(*a, *b),
                    [(a1, b1), (a2, b2)] if *a1 == lo && *b2 == hi => {
                        // The complement is one range: say what is excluded.
                        let (x, y) = (b1 + 1, a2 - 1);
                        if x == y {
                            format!("{name} != {x}")
                        } else {
                            format!("{name} not in {x}..={y}")
                        }
                    }
                    _ => {
                        let alts: Vec<String> = rs.iter().map(|&(a, b)| one(a, b)).collect();
                        format!("({})", alts.join(" or "))
                    }
                }
            }
        })
    }

    /// The values of an example given as value indices per input.
    pub fn values(&self, example: &[u32]) -> Vec<Value> {
        self.tys
            .iter()
            .zip(example)
            .map(|(&ty, &idx)| index_value(ty, idx))
            .collect()
    }

    /// The inputs the policy reads.
    pub fn reads(&self) -> &crate::check::ir::Reads {
        &self.reads
    }

    /// [`FactNames::facts`] as JSON text, written as `serde_json` writes the value
    /// (keys sorted, no spaces) without building it: findings print and carry hundreds
    /// of examples, and each map of names took a twentieth of `check` to build and free.
    pub fn facts_text(&self, values: &[Value]) -> FactsText {
        let mut read: Vec<(&str, &Value)> = self
            .inputs
            .entries()
            .zip(values)
            .filter(|((i, _), _)| self.reads.contains(*i))
            .map(|((_, name), v)| (name.as_str(), v))
            .collect();
        // As `serde_json::Map` orders its keys (a `BTreeMap` of strings).
        read.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut out = String::with_capacity(16 * read.len() + 2);
        out.push('{');
        for (k, (name, v)) in read.into_iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            push_json_str(&mut out, name);
            out.push(':');
            match v {
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Int(i) => out.push_str(&i.to_string()),
                Value::Enum(e, x) => push_json_str(&mut out, self.variant_name(*e, *x)),
                Value::Set(e, xs) => {
                    out.push('[');
                    for (j, x) in xs.iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        push_json_str(&mut out, self.variant_name(*e, *x));
                    }
                    out.push(']');
                }
            }
        }
        out.push('}');
        FactsText(out)
    }

    fn variant_name(&self, e: EnumId, v: VariantId) -> &str {
        self.variants
            .lookup(e)
            .and_then(|vs| vs.lookup(v))
            .map_or("", String::as_str)
    }

    /// Facts as JSON: input names to booleans, integers and variant names, for the
    /// inputs the policy reads only (`decide` needs no other to decide them the same).
    pub fn facts(&self, values: &[Value]) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for ((i, name), v) in self.inputs.entries().zip(values) {
            if !self.reads.contains(i) {
                continue;
            }
            let json = match v {
                Value::Bool(b) => serde_json::Value::Bool(*b),
                Value::Int(i) => serde_json::Value::from(*i),
                Value::Enum(e, x) => self.variant(*e, *x),
                Value::Set(e, xs) => {
                    serde_json::Value::Array(xs.iter().map(|x| self.variant(*e, *x)).collect())
                }
            };
            map.insert(name.clone(), json);
        }
        serde_json::Value::Object(map)
    }
}

/// A comparison said the way people write it, meaning the same: the inputs on the left
/// (`3 <= a - b` as `a - b >= 3`), a strict bound against a constant made inclusive
/// (`x < 3` as `x <= 2`), and a left side of only negative terms negated (`-a - b <= 2`
/// as `a + b >= -2`).
fn readable(lhs: LinExpr, op: CmpOp, rhs: LinExpr) -> (LinExpr, CmpOp, LinExpr) {
    let (mut lhs, mut op, mut rhs) = if lhs.terms.is_empty() && !rhs.terms.is_empty() {
        (rhs, op.mirrored(), lhs)
    } else {
        (lhs, op, rhs)
    };
    let constant = rhs.terms.is_empty();
    if constant && !lhs.terms.is_empty() && lhs.terms.iter().all(|t| t.0 < 0) {
        let neg = |l: &LinExpr| LinExpr {
            terms: l
                .terms
                .iter()
                .map(|&(k, i)| (k.saturating_neg(), i))
                .collect(),
            constant: l.constant.saturating_neg(),
        };
        (lhs, op, rhs) = (neg(&lhs), op.mirrored(), neg(&rhs));
    }
    if constant {
        match op {
            CmpOp::Lt if rhs.constant > i64::MIN => {
                op = CmpOp::Le;
                rhs.constant -= 1;
            }
            CmpOp::Gt if rhs.constant < i64::MAX => {
                op = CmpOp::Ge;
                rhs.constant += 1;
            }
            _ => {}
        }
    }
    (lhs, op, rhs)
}

impl Region {
    /// The region as a condition in the language's syntax, relative to the valid
    /// incidents (the scope and the assumptions are not repeated). Made when asked for,
    /// not kept: a policy of thousands of rules has hundreds of thousands of conflict
    /// regions, reports show a few hundred, and making every condition took a fifth of
    /// the analysis.
    pub fn condition(&self) -> String {
        let mut out = self.names.condition(&self.cubes, &self.relations);
        if !self.condition_complete {
            if self.more_parts == 1 {
                out.push_str(" or ... (1 more part)");
            } else if self.more_parts > 1 {
                out.push_str(&format!(" or ... ({} more parts)", self.more_parts));
            } else {
                out.push_str(" or ... (more parts)");
            }
        }
        out
    }

    /// The example's values, per input.
    pub fn example_values(&self) -> Vec<Value> {
        self.names.values(&self.example)
    }

    /// The example as JSON facts that `policyc decide` accepts: the inputs the policy
    /// reads (every other input is one `decide` never asks about).
    pub fn example_json(&self) -> serde_json::Value {
        self.names.facts(&self.example_values())
    }

    /// How many incidents, over the inputs the policy reads: what findings, the report
    /// and the diff say (`count` is over every input of the vocabulary, what the engines
    /// compute and compare).
    pub fn read_count(&self) -> u128 {
        self.names.reads.count(self.count)
    }

    /// The machine form: count (over the read inputs), example facts, condition.
    pub fn data(&self) -> RegionData {
        RegionData {
            count: Count(self.read_count()),
            example: self.names.facts_text(&self.example_values()),
            condition: self.condition(),
            condition_complete: self.condition_complete,
        }
    }
}

/// A region as machines read it (a finding's `data`, `policyc diff --format json`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegionData {
    /// How many incidents, over the inputs the policy reads.
    pub count: Count,
    /// One of them, as facts `policyc decide` accepts.
    pub example: FactsText,
    /// All of them, in the language's syntax.
    pub condition: String,
    /// Whether `condition` is the whole region (not cut short).
    pub condition_complete: bool,
}

/// Facts as JSON text ([`FactNames::facts_text`]): shown as they are, serialised as
/// the JSON object they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactsText(String);

impl std::fmt::Display for FactsText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for FactsText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw: &serde_json::value::RawValue =
            serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

/// `text` as a JSON string, escaped as `serde_json` escapes it.
fn push_json_str(out: &mut String, text: &str) {
    // Names are identifiers, which need no escaping; anything else goes through
    // serde_json's own escaping.
    if text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&serde_json::Value::from(text).to_string());
    }
}

/// A count of incidents for machines: a JSON number when it fits in 64 bits, else a
/// string (JSON readers lose precision past 2^53 anyway; past 2^64 many fail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count(pub u128);

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match u64::try_from(self.0) {
            Ok(x) => s.serialize_u64(x),
            Err(_) => s.serialize_str(&show_count(self.0)),
        }
    }
}

/// A count as a JSON number when it fits, else as a string ([`Count`]).
pub fn count_json(n: u128) -> serde_json::Value {
    serde_json::to_value(Count(n)).unwrap_or_default()
}

/// How many cubes are shown at most in a condition.
const SHOWN_CUBES: usize = 8;
/// How many cubes are collected for merging before showing.
pub const COLLECTED_CUBES: usize = 64;

/// Describes a region (a boolean diagram); `None` when it is empty.
pub fn describe(c: &mut Compiler<'_>, region: NodeId) -> CResult<Option<Region>> {
    if region == FALSE {
        return Ok(None);
    }
    let count = c.mdd.sat_count(region);
    let Some(values) = c
        .mdd
        .pick(region, |t| t == 1, |l, runs| c.typical_at(l, Some(runs)))
    else {
        return Ok(None);
    };
    let simple = c.mdd.simplify(region, c.valid)?;
    let (cubes, complete) = c.mdd.cubes(simple, |t| t == 1, COLLECTED_CUBES);
    let cubes = if complete {
        expand_cubes(c, cubes, region)?
    } else {
        cubes
    };
    let mut described = region_of_cubes(c, count, &values, cubes, complete);
    // A region bounded by a comparison between inputs takes a part per value of one of
    // them in cubes: said with the comparison, it is often one part.
    let parts = described.cubes.len() + described.more_parts;
    if parts > 1 || !described.condition_complete {
        if let Some((cubes, relations)) = by_relations(c, region)? {
            let better = cubes.len() <= SHOWN_CUBES
                && (cubes.len() < parts || !described.condition_complete);
            if better {
                described.cubes = cubes;
                described.relations = relations;
                described.condition_complete = true;
                described.more_parts = 0;
            }
        }
    }
    Ok(Some(described))
}

/// A region from its parts: `count` incidents, one example given per level, and the
/// first cubes of the region (`complete` when they are all of it), merged and shown.
pub fn region_of_cubes(
    c: &Compiler<'_>,
    count: u128,
    example_per_level: &[u32],
    cubes: Vec<Cube>,
    complete: bool,
) -> Region {
    let example = example_indices(c, example_per_level);
    let mut cubes = merge_cubes(cubes);
    // "... (1 more part)" takes about the room of the part itself: show it instead.
    let shown = if cubes.len() == SHOWN_CUBES + 1 {
        cubes.len()
    } else {
        SHOWN_CUBES
    };
    let complete = complete && cubes.len() <= shown;
    let more = cubes.len().saturating_sub(shown);
    cubes.truncate(shown);
    let parts: Vec<Vec<(InputId, ValueSet)>> =
        cubes.iter().map(|cube| cube_part(c, cube)).collect();
    Region {
        count,
        example,
        names: c.fact_names.clone(),
        condition_complete: complete,
        more_parts: more,
        cubes: parts,
        relations: Vec::new(),
    }
}

/// A cube (a value set per level) as a part of a condition: (input, values) for the
/// inputs it restricts.
fn cube_part(c: &Compiler<'_>, cube: &Cube) -> Vec<(InputId, ValueSet)> {
    cube.iter()
        .enumerate()
        .filter_map(|(l, set)| {
            let input = c.order.levels.get(l).copied()?;
            Some((input, value_set(c.input_ty(input), set.as_ref()?)))
        })
        .collect()
}

/// At most this many comparisons between inputs take part in a region's description:
/// each doubles the cells to look at.
const MAX_RELATIONS: usize = 4;
/// At most this many of the policy's comparisons are weighed for a description.
const MAX_CANDIDATES: usize = 16;

/// The comparisons between two or more inputs that the policy's conditions make (rules,
/// scope, assumptions, accepted gaps, asserts and the defines they use), each once, in
/// the order they first appear.
pub fn relation_atoms(policy: &Policy) -> Vec<Expr> {
    let mut out = Vec::new();
    let exprs = policy
        .conditions()
        .chain(policy.asserts.iter().map(|a| &a.expr));
    for e in exprs {
        policy.for_each_atom(e, &mut |atom| {
            if let Expr::Cmp { lhs, rhs, .. } = atom {
                let mut inputs: Vec<InputId> =
                    lhs.terms.iter().chain(&rhs.terms).map(|t| t.1).collect();
                inputs.sort_unstable();
                inputs.dedup();
                if inputs.len() >= 2 && !out.contains(atom) {
                    out.push(atom.clone());
                }
            }
        });
    }
    out
}

/// The comparison that holds where `e` (a comparison) does not: `a - b >= 3` gives
/// `a - b < 3` (shown `a - b <= 2`: [`readable`]).
fn negated(e: &Expr) -> Expr {
    let Expr::Cmp { lhs, op, rhs } = e else {
        return Expr::Not(Box::new(e.clone()));
    };
    Expr::Cmp {
        lhs: lhs.clone(),
        op: op.negated(),
        rhs: rhs.clone(),
    }
}

/// A region's parts ([`Region::cubes`]) with their comparisons ([`Region::relations`]).
type Described = (Vec<Vec<(InputId, ValueSet)>>, Vec<Vec<Expr>>);

/// A description of `region` with the policy's comparisons between inputs: for each
/// way the comparisons can hold or fail, the rest of the region there, simplified with
/// the comparisons as given. `None` when the policy makes no such comparison, or the
/// parts are not all whole; the parts are checked to make up exactly the region.
fn by_relations(c: &mut Compiler<'_>, region: NodeId) -> CResult<Option<Described>> {
    let valid = c.valid;
    // Comparisons that can both hold and fail among the valid incidents, those that
    // simplify the region most first: knowing one that bounds it leaves little to say
    // on either side (the region's diagram simplified in each is small).
    let mut scored: Vec<(usize, Expr, NodeId, NodeId)> = Vec::new();
    let mut candidates = relation_atoms(c.policy);
    for e in &c.other_relations {
        if !candidates.contains(e) {
            candidates.push(e.clone());
        }
    }
    for e in candidates.into_iter().take(MAX_CANDIDATES) {
        let yes = c.expr(&e)?;
        let no = c.mdd.not(yes)?;
        let (in_yes, in_no) = (c.mdd.and(valid, yes)?, c.mdd.and(valid, no)?);
        if in_yes == FALSE || in_no == FALSE {
            continue;
        }
        let a = c.mdd.simplify(region, in_yes)?;
        let b = c.mdd.simplify(region, in_no)?;
        let score = c.mdd.count_nodes(a) + c.mdd.count_nodes(b);
        scored.push((score, e, yes, no));
    }
    let whole = c.mdd.count_nodes(region);
    scored.retain(|s| s.0 < 2 * whole);
    scored.sort_by_key(|s| s.0);
    let atoms: Vec<(Expr, NodeId, NodeId)> = scored
        .into_iter()
        .take(MAX_RELATIONS)
        .map(|(_, e, yes, no)| (e, yes, no))
        .collect();
    if atoms.is_empty() {
        return Ok(None);
    }
    // The cells: which comparisons hold (per atom, `true` holds), with their incidents.
    let mut cells: Vec<(Vec<bool>, NodeId)> = vec![(Vec::new(), valid)];
    for (_, yes, no) in &atoms {
        let mut next = Vec::with_capacity(cells.len() * 2);
        for (signs, cell) in cells {
            for (sign, lit) in [(true, *yes), (false, *no)] {
                let sub = c.mdd.and(cell, lit)?;
                if sub != FALSE {
                    let mut signs = signs.clone();
                    signs.push(sign);
                    next.push((signs, sub));
                }
            }
        }
        cells = next;
    }
    // Per cell, the region there, simplified knowing the cell's comparisons hold.
    let mut parts: Vec<RelPart> = Vec::new();
    for (signs, cell) in cells {
        let here = c.mdd.and(region, cell)?;
        if here == FALSE {
            continue;
        }
        let rest = c.mdd.simplify(here, cell)?;
        parts.push((signs.into_iter().map(Some).collect(), rest));
    }
    // Cells that differ in one comparison only and hold the same rest are one part,
    // without that comparison; a comparison the others and the rest imply among the
    // valid incidents is left out, which can make more parts alike.
    merge_parts(c, &atoms, &mut parts)?;
    drop_implied(c, &atoms, &mut parts)?;
    merge_parts(c, &atoms, &mut parts)?;
    // Checked: the parts make up exactly the region among the valid incidents.
    let mut union = FALSE;
    for (signs, rest) in &parts {
        let part = literals(c, &atoms, signs, *rest)?;
        union = c.mdd.or(union, part)?;
    }
    if c.mdd.and(union, valid)? != c.mdd.and(region, valid)? {
        return Ok(None);
    }
    let mut cubes_out = Vec::new();
    let mut relations_out = Vec::new();
    for (signs, rest) in parts {
        let (cubes, complete) = c.mdd.cubes(rest, |t| t == 1, COLLECTED_CUBES);
        if !complete {
            return Ok(None);
        }
        let relations: Vec<Expr> = atoms
            .iter()
            .zip(&signs)
            .filter_map(|((e, _, _), sign)| match sign {
                Some(true) => Some(e.clone()),
                Some(false) => Some(negated(e)),
                None => None,
            })
            .collect();
        for cube in merge_cubes(cubes) {
            cubes_out.push(cube_part(c, &cube));
            relations_out.push(relations.clone());
        }
    }
    Ok(Some((cubes_out, relations_out)))
}

/// A part of a description by comparisons: per comparison whether it holds (`None`:
/// either), and the rest of the region there.
type RelPart = (Vec<Option<bool>>, NodeId);

/// Parts that differ in one comparison only become one part without it, when the rest
/// of one of them says the region in both cells (the rests, simplified in different
/// cells, can differ as diagrams and still say the same there).
fn merge_parts(
    c: &mut Compiler<'_>,
    atoms: &[(Expr, NodeId, NodeId)],
    parts: &mut Vec<RelPart>,
) -> CResult<()> {
    let valid = c.valid;
    let mut merged = true;
    while merged {
        merged = false;
        'pairs: for i in 0..parts.len() {
            for k in (i + 1)..parts.len() {
                let (Some(a), Some(b)) = (parts.get(i).cloned(), parts.get(k).cloned()) else {
                    continue;
                };
                let differ: Vec<usize> = (0..a.0.len())
                    .filter(|&j| a.0.get(j) != b.0.get(j))
                    .collect();
                let [j] = differ.as_slice() else {
                    continue;
                };
                if a.0.get(*j).copied().flatten().is_none()
                    || b.0.get(*j).copied().flatten().is_none()
                {
                    continue;
                }
                let mut signs = a.0.clone();
                if let Some(slot) = signs.get_mut(*j) {
                    *slot = None;
                }
                let in_a = literals(c, atoms, &a.0, a.1)?;
                let in_b = literals(c, atoms, &b.0, b.1)?;
                let both = c.mdd.or(in_a, in_b)?;
                let both = c.mdd.and(both, valid)?;
                for rest in [a.1, b.1] {
                    let one = literals(c, atoms, &signs, rest)?;
                    if c.mdd.and(one, valid)? == both {
                        parts.remove(k);
                        if let Some(slot) = parts.get_mut(i) {
                            *slot = (signs, rest);
                        }
                        merged = true;
                        break 'pairs;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Leaves out of each part a comparison that the others and the rest imply among the
/// valid incidents.
fn drop_implied(
    c: &mut Compiler<'_>,
    atoms: &[(Expr, NodeId, NodeId)],
    parts: &mut [RelPart],
) -> CResult<()> {
    let valid = c.valid;
    for (signs, rest) in parts.iter_mut() {
        for j in 0..signs.len() {
            if signs.get(j).copied().flatten().is_none() {
                continue;
            }
            let with = literals(c, atoms, signs, *rest)?;
            let mut without = signs.clone();
            if let Some(slot) = without.get_mut(j) {
                *slot = None;
            }
            let less = literals(c, atoms, &without, *rest)?;
            if c.mdd.and(with, valid)? == c.mdd.and(less, valid)? {
                *signs = without;
            }
        }
    }
    Ok(())
}

/// The incidents where the comparisons hold or fail as `signs` say, and `rest` holds.
fn literals(
    c: &mut Compiler<'_>,
    atoms: &[(Expr, NodeId, NodeId)],
    signs: &[Option<bool>],
    rest: NodeId,
) -> CResult<NodeId> {
    let mut acc = rest;
    for ((_, yes, no), sign) in atoms.iter().zip(signs) {
        acc = match sign {
            Some(true) => c.mdd.and(acc, *yes)?,
            Some(false) => c.mdd.and(acc, *no)?,
            None => acc,
        };
    }
    Ok(acc)
}

/// The values per input of an assignment given per level (a level not given takes the
/// typical value of its domain).
pub fn example_values(c: &Compiler<'_>, per_level: &[u32]) -> Vec<Value> {
    c.fact_names.values(&example_indices(c, per_level))
}

/// The region of one box, given by the levels it restricts (in increasing order) with
/// the value indices each allows: what [`region_of_cubes`] makes of that box alone,
/// without spelling out the levels it leaves free. Most conflict regions are one box,
/// and a large policy has hundreds of thousands of them. `typical` is the example of
/// the whole space ([`typical_example`]).
pub fn region_of_box(c: &Compiler<'_>, typical: &[u32], lits: &[(usize, ValueRanges)]) -> Region {
    let mut example: Box<[u32]> = typical.into();
    let mut part = Vec::with_capacity(lits.len());
    let mut count = 1u128;
    let mut restricted = lits.iter().peekable();
    for l in 0..c.mdd.num_levels() {
        let here = match restricted.peek() {
            Some((at, set)) if *at == l => {
                restricted.next();
                if let Some(&input) = c.order.levels.get(l) {
                    if let Some(slot) = example.get_mut(input.index()) {
                        *slot = c.typical_at(l, Some(set));
                    }
                    part.push((input, value_set(c.input_ty(input), set)));
                }
                set.iter().map(|&(a, b)| u128::from(b - a) + 1).sum()
            }
            _ => u128::from(c.mdd.size(l)),
        };
        count = count.saturating_mul(here);
    }
    Region {
        count,
        example,
        names: c.fact_names.clone(),
        condition_complete: true,
        more_parts: 0,
        cubes: vec![part],
        relations: Vec::new(),
    }
}

/// The example of the whole space, as value indices per input: every input at its
/// typical value.
pub fn typical_example(c: &Compiler<'_>) -> Box<[u32]> {
    example_indices(c, &[])
}

/// [`example_values`] as value indices per input.
pub(crate) fn example_indices(c: &Compiler<'_>, per_level: &[u32]) -> Box<[u32]> {
    c.policy
        .inputs
        .ids()
        .map(|input| {
            let l = c.level(input);
            per_level
                .get(l)
                .copied()
                .unwrap_or_else(|| c.typical_at(l, None))
        })
        .collect()
}

/// The example of a union of boxes (each one value set per level, `None` for any), by
/// the rule of the diagrams' walk ([`crate::mdd::Mdd::pick`] in [`describe`]): level by
/// level, the typical value among those the boxes that hold the values taken so far
/// allow. So a region given as all of its boxes gets the example the diagrams give it,
/// and any list of boxes a point of one of them.
pub fn boxes_example(c: &Compiler<'_>, boxes: &[Cube]) -> Vec<u32> {
    let mut left: Vec<&Cube> = boxes.iter().collect();
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    (0..c.mdd.num_levels())
        .map(|l| {
            fn set_at(b: &Cube, l: usize) -> Option<&[(u32, u32)]> {
                b.get(l).and_then(|s| s.as_deref())
            }
            let v = if left.iter().any(|b| set_at(b, l).is_none()) {
                c.typical_at(l, None)
            } else {
                ranges.clear();
                ranges.extend(left.iter().filter_map(|b| set_at(b, l)).flatten().copied());
                ranges.sort_unstable();
                c.typical_at(l, Some(&ranges))
            };
            left.retain(|b| set_at(b, l).is_none_or(|s| s.iter().any(|&(a, z)| a <= v && v <= z)));
            v
        })
        .collect()
}

/// Facts as JSON: input names to booleans, integers and variant names.
pub fn facts_json(policy: &Policy, values: &[Value]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (input, v) in policy.inputs.iter().zip(values) {
        map.insert(input.name.clone(), policy.value_json(v));
    }
    serde_json::Value::Object(map)
}

/// A count for people: `41,369,600` (machines get the plain number in `data`); past
/// what 128 bits count, "more than 10^38".
pub fn show_count(n: u128) -> String {
    if n == u128::MAX {
        return "more than 10^38".to_string();
    }
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 incident", "35 incidents", "41,369,600 incidents".
pub fn incidents(n: u128) -> String {
    if n == 1 {
        "1 incident".to_string()
    } else {
        format!("{} incidents", show_count(n))
    }
}

fn cube_node(c: &mut Compiler<'_>, cube: &Cube) -> CResult<NodeId> {
    let mut acc = crate::mdd::TRUE;
    for (l, set) in cube.iter().enumerate() {
        if let Some(ranges) = set {
            let mut lit = FALSE;
            for &(a, b) in ranges {
                let r = c.mdd.range(l, a, b + 1)?;
                lit = c.mdd.or(lit, r)?;
            }
            acc = c.mdd.and(acc, lit)?;
        }
    }
    Ok(acc)
}

/// Drops every literal a cube does not need: a literal goes when the cube without it
/// still holds only incidents of the region or invalid ones (the scope and assumptions
/// already imply it). The diagram's variable order can force a literal that the
/// assumptions make redundant (`oldest_age >= 14` beside `youngest_age >= 14` under
/// `youngest_age <= oldest_age`); this removes it. Cubes inside others are then dropped.
fn expand_cubes(c: &mut Compiler<'_>, cubes: Vec<Cube>, region: NodeId) -> CResult<Vec<Cube>> {
    let bad = c.mdd.diff(c.valid, region)?;
    let mut out: Vec<Cube> = Vec::with_capacity(cubes.len());
    for mut cube in cubes {
        for l in 0..cube.len() {
            if cube.get(l).is_some_and(|s| s.is_none()) {
                continue;
            }
            let mut wider = cube.clone();
            if let Some(slot) = wider.get_mut(l) {
                *slot = None;
            }
            let n = cube_node(c, &wider)?;
            if !c.mdd.intersects(n, bad) {
                cube = wider;
            }
        }
        out.push(cube);
    }
    Ok(drop_contained(out))
}

/// Removes the cubes contained in another (keeping the first of equal ones).
pub(crate) fn drop_contained(cubes: Vec<Cube>) -> Vec<Cube> {
    let contains = |big: &Cube, small: &Cube| {
        big.iter().zip(small).all(|(b, s)| match (b, s) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(b), Some(s)) => s
                .iter()
                .all(|&(lo, hi)| b.iter().any(|&(a, z)| a <= lo && hi <= z)),
        })
    };
    let mut kept: Vec<Cube> = Vec::new();
    for (i, cube) in cubes.iter().enumerate() {
        let redundant = cubes
            .iter()
            .enumerate()
            .any(|(j, other)| j != i && contains(other, cube) && (!contains(cube, other) || j < i));
        if !redundant {
            kept.push(cube.clone());
        }
    }
    kept
}

/// Unions cubes that differ in one level only, until none do.
fn merge_cubes(mut cubes: Vec<Cube>) -> Vec<Cube> {
    loop {
        let mut merged = false;
        'outer: for i in 0..cubes.len() {
            for j in (i + 1)..cubes.len() {
                let (Some(a), Some(b)) = (cubes.get(i), cubes.get(j)) else {
                    continue;
                };
                if let Some(l) = only_difference(a, b) {
                    let (Some(Some(ra)), Some(Some(rb))) = (a.get(l), b.get(l)) else {
                        continue;
                    };
                    let union = union_ranges(ra, rb);
                    if let Some(slot) = cubes.get_mut(i).and_then(|c| c.get_mut(l)) {
                        *slot = Some(union);
                    }
                    cubes.remove(j);
                    merged = true;
                    break 'outer;
                }
            }
        }
        if !merged {
            return cubes;
        }
    }
}

/// The one level where two cubes differ; `None` when they differ at none or several.
/// (Without allocating: merging compares every pair of up to 64 cubes, again after each
/// merge, and a list of differences per pair was most of describing a gap.)
fn only_difference(a: &Cube, b: &Cube) -> Option<usize> {
    let mut found = None;
    for (l, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            if found.is_some() {
                return None;
            }
            found = Some(l);
        }
    }
    found
}

fn union_ranges(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut all: Vec<(u32, u32)> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (lo, hi) in all {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

#[cfg(test)]
mod facts_tests {
    use crate::check::ir::Value;

    /// The text is what `serde_json` writes for the value, byte for byte: the notes
    /// and the data of findings said the same before it was written by hand.
    #[test]
    fn facts_text_is_the_json_of_the_facts() {
        let policy = crate::check::policy_from_text(
            "policy p \"P\"\nenum E { a, b_c, Z9 }\ninput zeta: bool\ninput Alpha: 0..=99\ninput m: E\ninput s: E\ninput unread: bool\noutput o: bool\nrule r \"R\"\n  cites \"x\"\n  when zeta and Alpha > 3 and m == b_c and s == a\n  then o = true\n",
        );
        let names = super::FactNames::new(&policy);
        let e = policy.enums.ids().next().unwrap();
        let ids: Vec<_> = policy.enums[e].variants.ids().collect();
        // A set is not an input's type, but the facts write one all the same.
        for (b, i, v, set) in [
            (true, 0, 0, vec![]),
            (false, 99, 1, vec![ids[0], ids[2]]),
            (true, -5, 2, vec![ids[1]]),
        ] {
            let values = vec![
                Value::Bool(b),
                Value::Int(i),
                Value::Enum(e, ids[v]),
                Value::Set(e, set),
                Value::Bool(false),
            ];
            let text = names.facts_text(&values).to_string();
            assert_eq!(text, names.facts(&values).to_string());
            assert!(!text.contains("unread"), "{text}");
            let back: serde_json::Value = serde_json::to_value(names.facts_text(&values)).unwrap();
            assert_eq!(back, names.facts(&values));
        }
        assert_eq!(
            {
                let mut s = String::new();
                super::push_json_str(&mut s, "a \"quoted\" \\ name\n");
                s
            },
            serde_json::Value::from("a \"quoted\" \\ name\n").to_string()
        );
    }
}

#[cfg(test)]
mod count_tests {
    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(super::show_count(0), "0");
        assert_eq!(super::show_count(999), "999");
        assert_eq!(super::show_count(1000), "1,000");
        assert_eq!(super::show_count(41_369_600), "41,369,600");
    }
}
