//! The union vocabulary of two policies, and each policy rewritten over it.
//!
//! Two policies compared incident by incident (`crate::diff`), or a policy and the
//! policies it imports with `use ... as` (whose decisions its asserts read), must be
//! compiled over the same inputs with the same domains, in one decision-diagram store.
//! Inputs are matched by name. For an input both declare:
//! - `bool` stays `bool`;
//! - integer ranges become their union (`0..=17` and `0..=99` give `0..=99`); values
//!   outside one side's range are incidents that side cannot express;
//! - enums become the union of their variant names (the old side's order, then the new
//!   side's additions); a variant one side lacks is, again, a value it cannot express.
//!
//! An input only one side declares is added to the other side unchanged in type: that
//! side never tests it, so its decision holds whatever the answer (see docs/diff.md).
//!
//! [`widen`] rewrites a side's IR onto the union inputs: every expression is remapped
//! (input ids, enum variant ids), so the side's compiled diagrams use the union's value
//! indices. Outputs, rules, defines and their ids are untouched, so findings still name
//! the side's own rules.

use crate::check::ir::{
    AcceptedGap, Arena, AssertDef, Constraint, DefineBody, DefineDef, EnumDef, EnumId, Expr,
    IdxVec, InputDef, InputId, LinExpr, Policy, RuleDef, Ty, Value, VariantDef, VariantId,
};

/// A type over the union vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnionTy {
    Bool,
    Int {
        lo: i64,
        hi: i64,
    },
    /// The enum's name (the old side's, else the new side's) and the union of variants.
    Enum {
        name: String,
        variants: Vec<String>,
    },
}

/// One input of the union vocabulary.
#[derive(Clone, Debug)]
pub struct UnionInput {
    pub name: String,
    pub ty: UnionTy,
    /// The input's id on each side, where it exists.
    pub old: Option<InputId>,
    pub new: Option<InputId>,
}

/// Which policy of the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Old,
    New,
}

impl Side {
    pub fn word(self) -> &'static str {
        match self {
            Side::Old => "old",
            Side::New => "new",
        }
    }
}

/// Two declarations of one input that cannot be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incompatible {
    pub input: String,
    pub old: String,
    pub new: String,
}

/// The union of the two policies' inputs, in the old policy's declaration order, then
/// the inputs only the new one declares. Their ids are the widened policies' input ids.
#[derive(Clone, Debug)]
pub struct Vocabulary {
    pub inputs: Arena<UnionInput, InputDef>,
}

fn variant_names(p: &Policy, e: EnumId) -> Vec<String> {
    p.enums[e].variants.iter().map(|v| v.name.clone()).collect()
}

fn union_ty(old: &Policy, a: Ty, new: &Policy, b: Ty) -> Option<UnionTy> {
    match (a, b) {
        (Ty::Bool, Ty::Bool) => Some(UnionTy::Bool),
        (Ty::Int { lo: l1, hi: h1 }, Ty::Int { lo: l2, hi: h2 }) => Some(UnionTy::Int {
            lo: l1.min(l2),
            hi: h1.max(h2),
        }),
        (Ty::Enum(e1), Ty::Enum(e2)) => {
            let mut variants = variant_names(old, e1);
            for v in variant_names(new, e2) {
                if !variants.contains(&v) {
                    variants.push(v);
                }
            }
            let name = old.enums[e1].name.clone();
            Some(UnionTy::Enum { name, variants })
        }
        _ => None,
    }
}

fn own_ty(p: &Policy, ty: Ty) -> UnionTy {
    match ty {
        Ty::Bool => UnionTy::Bool,
        Ty::Int { lo, hi } => UnionTy::Int { lo, hi },
        Ty::Enum(e) => UnionTy::Enum {
            name: p.enums[e].name.clone(),
            variants: variant_names(p, e),
        },
    }
}

impl Vocabulary {
    /// Matches the inputs by name; every input declared with incompatible types on the
    /// two sides (a `bool` and an enum, say) is an error.
    pub fn build(old: &Policy, new: &Policy) -> Result<Vocabulary, Vec<Incompatible>> {
        let mut inputs = Arena::new();
        let mut bad = Vec::new();
        for (i, inp) in old.inputs.entries() {
            let other = new.input_by_name(&inp.name);
            let ty = match other.map(|j| &new.inputs[j]) {
                Some(ni) => match union_ty(old, inp.ty, new, ni.ty) {
                    Some(t) => t,
                    None => {
                        bad.push(Incompatible {
                            input: inp.name.clone(),
                            old: old.ty_text(inp.ty),
                            new: new.ty_text(ni.ty),
                        });
                        continue;
                    }
                },
                None => own_ty(old, inp.ty),
            };
            inputs.push(UnionInput {
                name: inp.name.clone(),
                ty,
                old: Some(i),
                new: other,
            });
        }
        for (j, inp) in new.inputs.entries() {
            if old.input_by_name(&inp.name).is_none() {
                inputs.push(UnionInput {
                    name: inp.name.clone(),
                    ty: own_ty(new, inp.ty),
                    old: None,
                    new: Some(j),
                });
            }
        }
        if bad.is_empty() {
            Ok(Vocabulary { inputs })
        } else {
            Err(bad)
        }
    }

    /// A union input's id on one side, where that side declares it.
    pub fn side_id(&self, u: InputId, side: Side) -> Option<InputId> {
        let inp = &self.inputs[u];
        match side {
            Side::Old => inp.old,
            Side::New => inp.new,
        }
    }

    fn side_id_of(&self, u: &UnionInput, side: Side) -> Option<InputId> {
        match side {
            Side::Old => u.old,
            Side::New => u.new,
        }
    }

    /// The number of values of union input `u`.
    pub fn size(&self, u: InputId) -> u64 {
        match &self.inputs[u].ty {
            UnionTy::Bool => 2,
            UnionTy::Int { lo, hi } => (hi.saturating_sub(*lo) as u64).saturating_add(1),
            UnionTy::Enum { variants, .. } => variants.len() as u64,
        }
    }

    /// The union value indices a side can express for union input `u`, as inclusive
    /// index ranges; `None` when it can express every value (it has the whole domain,
    /// or does not declare the input at all).
    pub fn side_domain(&self, p: &Policy, side: Side, u: InputId) -> Option<Vec<(u32, u32)>> {
        let inp = &self.inputs[u];
        let id = self.side_id_of(inp, side)?;
        let ty = p.inputs[id].ty;
        match (&inp.ty, ty) {
            (UnionTy::Int { lo, hi }, Ty::Int { lo: l, hi: h }) => {
                if l == *lo && h == *hi {
                    None
                } else {
                    let a = u32::try_from(l.saturating_sub(*lo)).ok()?;
                    let b = u32::try_from(h.saturating_sub(*lo)).ok()?;
                    Some(vec![(a, b)])
                }
            }
            (UnionTy::Enum { variants, .. }, Ty::Enum(e)) => {
                let own = variant_names(p, e);
                if own.len() == variants.len() {
                    return None;
                }
                let mut out: Vec<(u32, u32)> = Vec::new();
                for (k, v) in variants.iter().enumerate() {
                    if own.contains(v) {
                        let k = k as u32;
                        match out.last_mut() {
                            Some(last) if last.1 + 1 == k => last.1 = k,
                            _ => out.push((k, k)),
                        }
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }
}

/// Rewrites expressions of one side onto the union inputs.
struct Remap<'a> {
    side: &'a Policy,
    /// Side input id -> union input id.
    input: IdxVec<InputDef, InputId>,
    /// Side input id -> (side variant id -> union variant id), for enum inputs.
    variants: IdxVec<InputDef, IdxVec<VariantDef, VariantId>>,
}

impl Remap<'_> {
    fn input(&self, i: InputId) -> InputId {
        self.input.get(i).copied().unwrap_or(i)
    }

    fn variant(&self, i: InputId, v: VariantId) -> VariantId {
        self.variants
            .get(i)
            .and_then(|m| m.get(v))
            .copied()
            .unwrap_or(v)
    }

    fn lin(&self, l: &LinExpr) -> LinExpr {
        let mut terms: Vec<(i64, InputId)> =
            l.terms.iter().map(|&(c, i)| (c, self.input(i))).collect();
        terms.sort_by_key(|&(_, i)| i);
        LinExpr {
            terms,
            constant: l.constant,
        }
    }

    fn expr(&self, e: &Expr) -> Expr {
        match e {
            Expr::Const(b) => Expr::Const(*b),
            Expr::Input(i) => Expr::Input(self.input(*i)),
            Expr::Define(d) => Expr::Define(*d),
            Expr::Not(a) => Expr::Not(Box::new(self.expr(a))),
            Expr::And(xs) => Expr::And(xs.iter().map(|x| self.expr(x)).collect()),
            Expr::Or(xs) => Expr::Or(xs.iter().map(|x| self.expr(x)).collect()),
            Expr::Implies(a, b) => Expr::Implies(Box::new(self.expr(a)), Box::new(self.expr(b))),
            Expr::Iff(a, b) => Expr::Iff(Box::new(self.expr(a)), Box::new(self.expr(b))),
            Expr::Cmp { lhs, op, rhs } => Expr::Cmp {
                lhs: self.lin(lhs),
                op: *op,
                rhs: self.lin(rhs),
            },
            Expr::EnumIn { input, variants } => {
                let mut vs: Vec<VariantId> =
                    variants.iter().map(|&v| self.variant(*input, v)).collect();
                vs.sort_unstable();
                vs.dedup();
                Expr::EnumIn {
                    input: self.input(*input),
                    variants: vs,
                }
            }
            Expr::EnumEq(a, b) => {
                // Spelled out per variant the side knows: the two inputs may have
                // different union enums when the other side types them differently.
                let ids = match self.side.inputs[*a].ty {
                    Ty::Enum(e) => self.side.enums[e].variants.ids(),
                    _ => crate::check::ir::Ids::upto(0),
                };
                Expr::Or(
                    ids.map(|v| {
                        Expr::And(vec![
                            Expr::EnumIn {
                                input: self.input(*a),
                                variants: vec![self.variant(*a, v)],
                            },
                            Expr::EnumIn {
                                input: self.input(*b),
                                variants: vec![self.variant(*b, v)],
                            },
                        ])
                    })
                    .collect(),
                )
            }
            Expr::OutputIs { output, values } => Expr::OutputIs {
                output: *output,
                values: values.clone(),
            },
            Expr::SetContains { output, variant } => Expr::SetContains {
                output: *output,
                variant: *variant,
            },
            Expr::ImportedOutputIs { .. } | Expr::ImportedSetContains { .. } => e.clone(),
        }
    }
}

/// A value of a side's input as a value of its union input (type `ty`, from `union`):
/// the same boolean or integer, an enum's variant by its name.
pub fn to_union(p: &Policy, v: &Value, ty: Ty, union: &UnionTy) -> Option<Value> {
    match (v, ty, union) {
        (Value::Enum(e, x), Ty::Enum(u), UnionTy::Enum { variants, .. }) => {
            let name = p.variant_name(*e, *x);
            let k = variants.iter().position(|n| n == name)?;
            Some(Value::Enum(u, VariantId::from_raw(k)))
        }
        (Value::Enum(..), _, _) => None,
        (v, _, _) => Some(v.clone()),
    }
}

/// A side's policy over the union inputs (same outputs, rules, defines and ids; the
/// scenarios are dropped: the diff never runs them).
pub fn widen(p: &Policy, vocab: &Vocabulary, side: Side) -> Policy {
    let mut enums: Arena<EnumDef> = p.enums.clone();
    let mut inputs: Arena<InputDef> = Arena::new();
    for u in &vocab.inputs {
        let own = vocab.side_id_of(u, side).map(|i| &p.inputs[i]);
        let ty = match &u.ty {
            UnionTy::Bool => Ty::Bool,
            UnionTy::Int { lo, hi } => Ty::Int { lo: *lo, hi: *hi },
            UnionTy::Enum { name, variants } => Ty::Enum(
                enums.push(EnumDef {
                    name: name.clone(),
                    doc: None,
                    variants: variants
                        .iter()
                        .map(|v| VariantDef {
                            name: v.clone(),
                            doc: None,
                            loc: Default::default(),
                        })
                        .collect(),
                    loc: Default::default(),
                }),
            ),
        };
        let typical = own
            .and_then(|d| d.typical.as_ref())
            .and_then(|v| to_union(p, v, ty, &u.ty));
        inputs.push(InputDef {
            name: u.name.clone(),
            doc: own.and_then(|d| d.doc.clone()),
            ty,
            loc: own.map(|d| d.loc).unwrap_or_default(),
            typical,
            judgement: own.and_then(|d| d.judgement.clone()),
        });
    }
    let mut input_map: IdxVec<InputDef, InputId> = p.inputs.ids().collect();
    let mut variant_map: IdxVec<InputDef, IdxVec<VariantDef, VariantId>> =
        IdxVec::filled(IdxVec::new(), p.inputs.len());
    for (k, u) in vocab.inputs.entries() {
        let Some(i) = vocab.side_id_of(u, side) else {
            continue;
        };
        if let Some(slot) = input_map.get_mut(i) {
            *slot = k;
        }
        if let (UnionTy::Enum { variants, .. }, Ty::Enum(e)) = (&u.ty, p.inputs[i].ty) {
            // The union has every variant of each side, by name.
            let m: IdxVec<VariantDef, VariantId> = p.enums[e]
                .variants
                .iter()
                .map(|v| variants.iter().position(|x| *x == v.name).unwrap_or(0))
                .map(VariantId::from_raw)
                .collect();
            if let Some(slot) = variant_map.get_mut(i) {
                *slot = m;
            }
        }
    }
    let r = Remap {
        side: p,
        input: input_map,
        variants: variant_map,
    };
    let constraint = |c: &Constraint| Constraint {
        expr: r.expr(&c.expr),
        loc: c.loc,
    };
    Policy {
        name: p.name.clone(),
        header: p.header.clone(),
        root_file: p.root_file,
        enums,
        inputs,
        outputs: p.outputs.clone(),
        defines: p
            .defines
            .iter()
            .map(|d| DefineDef {
                body: match &d.body {
                    DefineBody::Bool(e) => DefineBody::Bool(r.expr(e)),
                    DefineBody::Int(l) => DefineBody::Int(r.lin(l)),
                },
                ..d.clone()
            })
            .collect(),
        assumes: p.assumes.iter().map(constraint).collect(),
        scope: p.scope.iter().map(constraint).collect(),
        rules: p
            .rules
            .iter()
            .map(|rule| RuleDef {
                when: r.expr(&rule.when),
                ..rule.clone()
            })
            .collect(),
        accepted_gaps: p
            .accepted_gaps
            .iter()
            .map(|a| AcceptedGap {
                when: r.expr(&a.when),
                ..a.clone()
            })
            .collect(),
        asserts: p
            .asserts
            .iter()
            .map(|a| AssertDef {
                expr: r.expr(&a.expr),
                ..a.clone()
            })
            .collect(),
        scenarios: Arena::new(),
        ignored: p
            .ignored
            .iter()
            .map(|x| crate::check::ir::Ignored {
                input: r.input(x.input),
                ..x.clone()
            })
            .collect(),
        // An imported policy reads the same inputs as its importer: rebase it the same
        // way, so that the importer's asserts still read it.
        imports: p
            .imports
            .iter()
            .map(|imp| crate::check::ir::Import {
                alias: imp.alias.clone(),
                policy: widen(&imp.policy, vocab, side),
                loc: imp.loc,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A side's typical values carry over to the union vocabulary: integers and
    /// booleans as they are, a variant by its name (its index may change).
    #[test]
    fn typical_values_follow_the_union_vocabulary() {
        let old = crate::check::policy_from_text(
            "policy a \"a\"\nenum K { x, y }\ninput k: K typical y\ninput age: 0..=17 typical 15\n\
             input b: bool typical true\noutput o: bool default false\n",
        );
        let new = crate::check::policy_from_text(
            "policy b \"b\"\nenum K { z, y, x }\ninput k: K typical z\ninput age: 0..=99\n\
             input b: bool\noutput o: bool default false\n",
        );
        let vocab = Vocabulary::build(&old, &new).unwrap();
        let (wa, wb) = (
            widen(&old, &vocab, Side::Old),
            widen(&new, &vocab, Side::New),
        );
        // The union of K is x, y (the old side's order), then z: the second `enum K`,
        // added after the side's own enums (which its outputs keep). A typical variant
        // keeps its name though its index changes; an input without one stays without.
        insta::assert_snapshot!(format!("{}\n---- new ----\n{}", wa.pretty(), wb.pretty()));
    }

    /// Judgements, hit policies and ignored inputs carry over: the ignored inputs to
    /// their union ids, the hit policy unchanged (outputs keep their own enums).
    #[test]
    fn judgements_hit_policies_and_ignores_follow_the_union_vocabulary() {
        let old = crate::check::policy_from_text(
            "policy a \"a\"\nenum R { x, y }\ninput only_old: bool\n\
             input j: bool judgement \"para 7\"\ninput gone: bool\n\
             output o: R default x precedence y > x\nignore gone \"unused\"\n",
        );
        let new = crate::check::policy_from_text(
            "policy b \"b\"\ninput gone: bool\ninput j: bool\noutput o: bool default false exclusive\n",
        );
        let vocab = Vocabulary::build(&old, &new).unwrap();
        let wa = widen(&old, &vocab, Side::Old);
        let wb = widen(&new, &vocab, Side::New);
        // `ignore gone` names the union's input, the precedence and `exclusive` stay.
        insta::assert_snapshot!(format!("{}\n---- new ----\n{}", wa.pretty(), wb.pretty()));
    }
}
