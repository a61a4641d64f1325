//! A random policy generator that builds IR directly, for property tests and benchmarks.
//!
//! Shape (as in DESIGN.md's measurements): a third each bool, 4-variant enum and
//! integer inputs; rules testing 2 to 5 inputs; every tenth rule overriding an earlier
//! one. [`SynthSpec::small`] adds the features the property tests need to cover (scope,
//! assumptions relating two integers, defines, accepted gaps, asserts, set outputs,
//! defaults) on domains small enough to enumerate.

use crate::check::ir::*;
use crate::source::Loc;

/// A deterministic xorshift generator, so a seed names a policy.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

#[derive(Clone, Debug)]
pub struct SynthSpec {
    pub inputs: usize,
    pub rules: usize,
    /// Single-valued enum outputs (3 values each); one set output is added too.
    pub outputs: usize,
    pub int_hi: i64,
    pub variants: usize,
    /// Scope, assumptions, defines, accepted gaps and asserts.
    pub extras: bool,
    /// The decision-table shape ([`SynthSpec::table`]) instead of the shape above.
    pub table: bool,
    /// Hit policies on the single-valued outputs: a precedence (of some or all values,
    /// in a random order) or `exclusive`, drawn after everything else from a generator
    /// of their own, so the rest of a seed's policy is what it was without them.
    pub hit_policies: bool,
    pub seed: u64,
}

/// Values of the one output of [`SynthSpec::table`].
pub const TABLE_VALUES: usize = 6;

impl SynthSpec {
    /// The benchmark shape: `inputs` inputs over 0..=99 and 4 variants.
    pub fn large(inputs: usize, rules: usize, seed: u64) -> SynthSpec {
        SynthSpec {
            inputs,
            rules,
            outputs: 8,
            int_hi: 99,
            variants: 4,
            extras: false,
            table: false,
            hit_policies: false,
            seed,
        }
    }

    /// A decision table, as DMN users and policy writers build them: one output of
    /// [`TABLE_VALUES`] values decided by many rules. A third each bool, 4-variant enum
    /// and `0..=99` inputs (in that order); each rule tests 2 to 5 inputs (a bool
    /// literal, an enum in one or two variants, an integer `<` or `>=` a threshold) and
    /// gives the output one value; every tenth rule overrides an earlier one.
    pub fn table(inputs: usize, rules: usize, seed: u64) -> SynthSpec {
        SynthSpec {
            inputs,
            rules,
            outputs: 1,
            int_hi: 99,
            variants: 4,
            extras: false,
            table: true,
            hit_policies: false,
            seed,
        }
    }

    /// A policy small enough to enumerate every incident.
    pub fn small(seed: u64) -> SynthSpec {
        let mut rng = Rng::new(seed ^ 0xABCD);
        SynthSpec {
            inputs: 2 + rng.below(4) as usize,
            rules: 1 + rng.below(8) as usize,
            outputs: 1 + rng.below(2) as usize,
            int_hi: 2 + rng.below(4) as i64,
            variants: 2 + rng.below(2) as usize,
            extras: true,
            table: false,
            hit_policies: true,
            seed,
        }
    }
}

fn loc() -> Loc {
    Loc::default()
}

/// A literal of a decision table's rule on one input: a bool, an enum in one or two
/// variants, an integer below or from a threshold.
fn table_literal(rng: &mut Rng, p: &Policy, input: InputId) -> Expr {
    match p.inputs[input].ty {
        Ty::Enum(e) => {
            let n = p.enums[e].variants.len().max(1);
            let first = rng.below(n as u64) as usize;
            let mut vs = vec![first];
            if rng.chance(50) {
                let second = rng.below(n as u64) as usize;
                if second != first {
                    vs.push(second);
                    vs.sort_unstable();
                }
            }
            Expr::EnumIn {
                input,
                variants: vs.into_iter().map(id).collect(),
            }
        }
        Ty::Int { lo, hi } => {
            // A threshold that leaves values on both sides.
            let t = lo + 1 + rng.below((hi - lo).max(1) as u64) as i64;
            let op = if rng.chance(50) { CmpOp::Lt } else { CmpOp::Ge };
            Expr::Cmp {
                lhs: LinExpr::input(input),
                op,
                rhs: LinExpr::constant(t),
            }
        }
        Ty::Bool => literal(rng, p, input),
    }
}

/// The id of the `raw`-th item of a kind: the generator declares every table in order,
/// so it numbers its ids as the tables will (and as random draws pick them).
fn id<T>(raw: usize) -> Idx<T> {
    Idx::from_raw(raw)
}

/// The enums `declarations` makes, in its order.
const KIND: usize = 0;
const ACT: usize = 1;
const TAG: usize = 2;

/// A random literal on one input.
fn literal(rng: &mut Rng, p: &Policy, input: InputId) -> Expr {
    match p.inputs[input].ty {
        Ty::Bool => {
            if rng.chance(50) {
                Expr::Input(input)
            } else {
                Expr::Not(Box::new(Expr::Input(input)))
            }
        }
        Ty::Enum(e) => {
            let variants = &p.enums[e].variants;
            let n = variants.len();
            let mut vs: Vec<VariantId> = variants.ids().filter(|_| rng.chance(50)).collect();
            if vs.is_empty() {
                vs.push(id(rng.below(n as u64) as usize));
            }
            if vs.len() == n {
                vs.pop();
            }
            Expr::EnumIn {
                input,
                variants: vs,
            }
        }
        Ty::Int { lo, hi } => {
            let span = (hi - lo + 1) as u64;
            let a = lo + rng.below(span) as i64;
            let b = lo + rng.below(span) as i64;
            let x = LinExpr::input(input);
            match rng.below(3) {
                0 => Expr::Cmp {
                    lhs: x,
                    op: CmpOp::Le,
                    rhs: LinExpr::constant(a),
                },
                1 => Expr::Cmp {
                    lhs: x,
                    op: CmpOp::Ge,
                    rhs: LinExpr::constant(a),
                },
                _ => Expr::And(vec![
                    Expr::Cmp {
                        lhs: x.clone(),
                        op: CmpOp::Ge,
                        rhs: LinExpr::constant(a.min(b)),
                    },
                    Expr::Cmp {
                        lhs: x,
                        op: CmpOp::Le,
                        rhs: LinExpr::constant(a.max(b)),
                    },
                ]),
            }
        }
    }
}

/// Generates a policy.
pub fn generate(spec: &SynthSpec) -> Policy {
    let mut rng = Rng::new(spec.seed);
    let mut p = Policy {
        name: format!("synth_{}", spec.seed),
        ..Policy::default()
    };
    // The draws from `rng` happen in this order; the property tests' regressions and
    // the benchmarks' policies depend on it.
    declarations(spec, &mut rng, &mut p);
    if spec.extras {
        constraints(spec, &mut rng, &mut p);
    }
    for r in 0..spec.rules {
        let rule = rule(spec, &mut rng, &p, r);
        p.rules.push(rule);
    }
    if spec.extras {
        acceptance_and_asserts(spec, &mut rng, &mut p);
    }
    if spec.hit_policies {
        hit_policies(&mut Rng::new(spec.seed ^ 0x4849_5450), &mut p);
        twin(&mut Rng::new(spec.seed ^ 0x5457_494E), &mut p);
    }
    p
}

/// One time in five, a copy of a rule added after the others (a table row written
/// twice: redundant rules, W0507), drawn from a generator of its own like the hit
/// policies.
fn twin(rng: &mut Rng, p: &mut Policy) {
    if p.rules.is_empty() || !rng.chance(20) {
        return;
    }
    let k = rng.below(p.rules.len() as u64) as usize;
    if let Some(mut copy) = p.rules.lookup(id(k)).cloned() {
        copy.name = format!("r{}", p.rules.len());
        p.rules.push(copy);
    }
}

/// A hit policy for each single-valued output: about two in five a precedence (the
/// values in a random order, sometimes one left out, so that it still conflicts), one
/// in five `exclusive`, the rest none.
fn hit_policies(rng: &mut Rng, p: &mut Policy) {
    for o in p.outputs.iter_mut() {
        let values: Vec<Value> = match o.ty {
            OutputTy::Single(Ty::Bool) => vec![Value::Bool(false), Value::Bool(true)],
            OutputTy::Single(Ty::Enum(e)) => (0..3).map(|v| Value::Enum(e, id(v))).collect(),
            _ => continue,
        };
        o.hit = match rng.below(5) {
            0 | 1 => {
                let mut order = values;
                // Fisher-Yates, then perhaps one value left unranked.
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.below(i as u64 + 1) as usize);
                }
                if order.len() > 2 && rng.chance(40) {
                    order.pop();
                }
                HitPolicy::Precedence { order, loc: loc() }
            }
            2 => HitPolicy::Exclusive { loc: loc() },
            _ => HitPolicy::Any,
        };
    }
}

/// The enums (`Kind` for inputs, `Act` for outputs, `Tag` for the set output), inputs
/// and outputs.
fn declarations(spec: &SynthSpec, rng: &mut Rng, p: &mut Policy) {
    let variant_names = |n: usize, prefix: &str| -> Arena<VariantDef> {
        (0..n)
            .map(|i| VariantDef {
                name: format!("{prefix}{i}"),
                doc: None,
                loc: loc(),
            })
            .collect()
    };
    p.enums.push(EnumDef {
        name: "Kind".into(),
        doc: None,
        variants: variant_names(spec.variants, "k"),
        loc: loc(),
    });
    p.enums.push(EnumDef {
        name: "Act".into(),
        doc: None,
        variants: variant_names(if spec.table { TABLE_VALUES } else { 3 }, "a"),
        loc: loc(),
    });
    p.enums.push(EnumDef {
        name: "Tag".into(),
        doc: None,
        variants: variant_names(3, "t"),
        loc: loc(),
    });
    for i in 0..spec.inputs {
        let shift = if spec.table { 0 } else { spec.seed as usize };
        let ty = match (i + shift) % 3 {
            0 => Ty::Bool,
            1 => Ty::Enum(id(KIND)),
            _ => Ty::Int {
                lo: 0,
                hi: spec.int_hi,
            },
        };
        p.inputs.push(InputDef {
            name: format!("in{i}"),
            doc: None,
            ty,
            loc: loc(),
            typical: None,
            judgement: None,
        });
    }
    if spec.table {
        p.outputs.push(OutputDef {
            name: "out".into(),
            doc: None,
            ty: OutputTy::Single(Ty::Enum(id(ACT))),
            default: None,
            loc: loc(),
            hit: HitPolicy::Any,
        });
        return;
    }
    for o in 0..spec.outputs {
        let (ty, default) = if spec.extras && o % 2 == 1 {
            (
                OutputTy::Single(Ty::Bool),
                if rng.chance(40) {
                    Some(Value::Bool(false))
                } else {
                    None
                },
            )
        } else {
            (
                OutputTy::Single(Ty::Enum(id(ACT))),
                if rng.chance(30) {
                    Some(Value::Enum(id(ACT), id(0)))
                } else {
                    None
                },
            )
        };
        p.outputs.push(OutputDef {
            name: format!("out{o}"),
            doc: None,
            ty,
            default,
            loc: loc(),
            hit: HitPolicy::Any,
        });
    }
    p.outputs.push(OutputDef {
        name: "tags".into(),
        doc: None,
        ty: OutputTy::Set(id(TAG)),
        default: None,
        loc: loc(),
        hit: HitPolicy::Any,
    });
}

/// A define, an assumption and a scope.
fn constraints(spec: &SynthSpec, rng: &mut Rng, p: &mut Policy) {
    let n_in = spec.inputs.max(1) as u64;
    // A define, used by some rules.
    let a = id(rng.below(n_in) as usize);
    let b = id(rng.below(n_in) as usize);
    let body = Expr::Or(vec![literal(rng, p, a), literal(rng, p, b)]);
    p.defines.push(DefineDef {
        name: "flag".into(),
        doc: None,
        body: DefineBody::Bool(body),
        loc: loc(),
    });
    let ints = int_inputs(p);
    if ints.len() >= 2 && rng.chance(50) {
        if let (Some(&x), Some(&y)) = (ints.first(), ints.get(1)) {
            p.assumes.push(Constraint {
                expr: Expr::Cmp {
                    lhs: LinExpr::input(x),
                    op: CmpOp::Le,
                    rhs: LinExpr::input(y),
                },
                loc: loc(),
            });
        }
    }
    if rng.chance(50) {
        let i = id(rng.below(n_in) as usize);
        p.scope.push(Constraint {
            expr: literal(rng, p, i),
            loc: loc(),
        });
    }
}

/// The integer inputs, in order.
fn int_inputs(p: &Policy) -> Vec<InputId> {
    p.inputs
        .entries()
        .filter(|(_, d)| matches!(d.ty, Ty::Int { .. }))
        .map(|(i, _)| i)
        .collect()
}

/// Rule `r`: a conjunction of literals over a few inputs (with extras, sometimes a
/// define, a relation, a disjunction or no condition), an override of an earlier rule
/// now and then, and one or two assignments.
fn rule(spec: &SynthSpec, rng: &mut Rng, p: &Policy, r: usize) -> RuleDef {
    let n_in = spec.inputs.max(1) as u64;
    let k = 2 + rng.below(4) as usize;
    let mut tested: Vec<InputId> = Vec::new();
    if spec.table {
        // Distinct inputs: a decision table's row has one cell per column.
        while tested.len() < k.min(spec.inputs) {
            let i = id(rng.below(n_in) as usize);
            if !tested.contains(&i) {
                tested.push(i);
            }
        }
    } else {
        for _ in 0..k.min(spec.inputs) {
            let i = id(rng.below(n_in) as usize);
            if !tested.contains(&i) {
                tested.push(i);
            }
        }
    }
    let mut lits: Vec<Expr> = tested
        .iter()
        .map(|&i| {
            if spec.table {
                table_literal(rng, p, i)
            } else {
                literal(rng, p, i)
            }
        })
        .collect();
    if spec.extras && !p.defines.is_empty() && rng.chance(20) {
        lits.push(Expr::Define(id(0)));
    }
    if spec.extras && rng.chance(10) {
        // A relation between two integer inputs, or a disjunction.
        let ints = int_inputs(p);
        if let (Some(&x), Some(&y)) = (ints.first(), ints.last()) {
            let lhs = LinExpr::input(x)
                .add_scaled(-1, &LinExpr::input(y))
                .unwrap_or_default();
            lits.push(Expr::Cmp {
                lhs,
                op: CmpOp::Ge,
                rhs: LinExpr::constant(rng.below(3) as i64),
            });
        }
    }
    let when = if spec.extras && rng.chance(10) {
        Expr::Or(lits)
    } else if spec.extras && rng.chance(5) {
        Expr::Const(true)
    } else {
        Expr::And(lits)
    };
    let mut overrides = Vec::new();
    if r > 0 && (r % 10 == 9 || (spec.extras && rng.chance(25))) {
        overrides.push(id(rng.below(r as u64) as usize));
    }
    let assigns = if spec.table {
        vec![Assign {
            output: id(0),
            value: Value::Enum(id(ACT), id(rng.below(TABLE_VALUES as u64) as usize)),
            loc: loc(),
        }]
    } else {
        assignments(rng, p)
    };
    RuleDef {
        name: format!("r{r}"),
        title: Some(format!("Rule {r}")),
        cites: Some(format!("para {r}")),
        doc: None,
        overrides,
        when,
        assigns,
        loc: loc(),
        name_loc: loc(),
        overrides_at: Default::default(),
    }
}

/// One or two assignments to different outputs.
fn assignments(rng: &mut Rng, p: &Policy) -> Vec<Assign> {
    let mut assigns = Vec::new();
    let n_assign = 1 + rng.below(2) as usize;
    for _ in 0..n_assign {
        let o = id(rng.below(p.outputs.len() as u64) as usize);
        if assigns.iter().any(|a: &Assign| a.output == o) {
            continue;
        }
        let value = match p.outputs[o].ty {
            OutputTy::Single(Ty::Bool) => Value::Bool(rng.chance(50)),
            OutputTy::Set(e) => {
                let mut vs: Vec<VariantId> = (0..3).map(id).filter(|_| rng.chance(50)).collect();
                if vs.is_empty() {
                    vs.push(id(rng.below(3) as usize));
                }
                Value::Set(e, vs)
            }
            _ => Value::Enum(id(ACT), id(rng.below(3) as usize)),
        };
        assigns.push(Assign {
            output: o,
            value,
            loc: loc(),
        });
    }
    assigns
}

/// An accepted gap, and two asserts.
fn acceptance_and_asserts(spec: &SynthSpec, rng: &mut Rng, p: &mut Policy) {
    let n_in = spec.inputs.max(1) as u64;
    if rng.chance(40) {
        let i = id(rng.below(n_in) as usize);
        let when = if rng.chance(30) {
            Expr::Const(true)
        } else {
            literal(rng, p, i)
        };
        p.accepted_gaps.push(AcceptedGap {
            output: id(0),
            reason: "unknown".into(),
            when,
            loc: loc(),
        });
    }
    let i = id(rng.below(n_in) as usize);
    let cond = literal(rng, p, i);
    let claim = match rng.below(3) {
        0 => Expr::OutputIs {
            output: id(0),
            values: vec![Value::Enum(id(ACT), id(rng.below(3) as usize))],
        },
        1 => Expr::SetContains {
            // The set output, declared last.
            output: id(p.outputs.len() - 1),
            variant: id(rng.below(3) as usize),
        },
        _ => Expr::Not(Box::new(Expr::OutputIs {
            output: id(0),
            values: vec![Value::Enum(id(ACT), id(0))],
        })),
    };
    p.asserts.push(AssertDef {
        name: "a0".into(),
        title: None,
        cites: None,
        doc: None,
        expr: Expr::Implies(Box::new(cond), Box::new(claim)),
        loc: loc(),
    });
    p.asserts.push(AssertDef {
        name: "a1".into(),
        title: None,
        cites: None,
        doc: None,
        expr: Expr::Or(vec![
            Expr::Const(false),
            literal(rng, p, i),
            Expr::Const(true),
        ]),
        loc: loc(),
    });
}
