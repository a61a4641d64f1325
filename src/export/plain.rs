//! Conditions and rules in plain language, for people who do not read the policy
//! language: "When aggravating features and not suspected aggravation, then resolution
//! is outcome 21".
//!
//! Text comes out as [`Piece`]s so that the HTML report can mark the named terms
//! (inputs, defines, outputs) and link them to their definitions; the tests join them
//! as plain text (`to_text`).

use super::words;
use crate::check::ir::{
    Assign, CmpOp, EnumId, Expr, ImportId, InputId, LinExpr, OutputId, Policy, RuleDef, Ty, Value,
    VariantId,
};

/// What a term names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermKind {
    Input,
    Define,
    Output,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// A named thing: `name` as declared, shown as `shown`.
    Term {
        kind: TermKind,
        name: String,
        shown: String,
    },
}

pub use super::words::humanise;

#[cfg(test)]
pub fn to_text(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.as_str(),
            Piece::Term { shown, .. } => shown.as_str(),
        })
        .collect()
}

/// Binding strength, loosest first: a child looser than its context is bracketed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Implies,
    Or,
    And,
    Atom,
}

struct Writer<'p> {
    policy: &'p Policy,
    out: Vec<Piece>,
}

impl Writer<'_> {
    fn text(&mut self, t: &str) {
        match self.out.last_mut() {
            Some(Piece::Text(s)) => s.push_str(t),
            _ => self.out.push(Piece::Text(t.to_string())),
        }
    }

    fn term(&mut self, kind: TermKind, name: &str) {
        self.out.push(Piece::Term {
            kind,
            name: name.to_string(),
            shown: humanise(name),
        });
    }

    fn input(&mut self, i: InputId) {
        let policy = self.policy;
        self.term(TermKind::Input, &policy.inputs[i].name);
    }

    fn output(&mut self, o: OutputId) {
        let policy = self.policy;
        self.term(TermKind::Output, &policy.outputs[o].name);
    }

    /// Variants of enum `e` (the type of the input or output they are tested on), or
    /// their numbers where that is not an enum (which the checker never builds).
    fn variants(&mut self, p: &Policy, e: Option<EnumId>, vs: &[VariantId]) {
        let names: Vec<String> = vs
            .iter()
            .map(|&v| match e {
                Some(e) => quoted(p, e, v, words::variant_short),
                None => format!("#{v:?}"),
            })
            .collect();
        self.text(&or_list(&names));
    }

    fn lin(&mut self, l: &LinExpr) {
        let mut first = true;
        // Positive terms first: `oldest age − youngest age`, not `−youngest age + ...`.
        let mut terms = l.terms.clone();
        terms.sort_by_key(|&(c, _)| c < 0);
        for &(c, i) in &terms {
            match (first, c) {
                (true, 1) => {}
                (true, -1) => self.text("−"),
                (true, c) => self.text(&format!("{} × ", show_int(c))),
                (false, 1) => self.text(" + "),
                (false, -1) => self.text(" − "),
                (false, c) if c < 0 => self.text(&format!(" − {} × ", c.unsigned_abs())),
                (false, c) => self.text(&format!(" + {c} × ")),
            }
            self.input(i);
            first = false;
        }
        if first {
            self.text(&show_int(l.constant));
        } else if l.constant > 0 {
            self.text(&format!(" + {}", l.constant));
        } else if l.constant < 0 {
            self.text(&format!(" − {}", l.constant.unsigned_abs()));
        }
    }

    fn expr(&mut self, e: &Expr, ctx: Level, depth: usize) {
        // The parser bounds nesting at 256; this bound only keeps a hand-made IR safe.
        if depth > 512 {
            self.text("…");
            return;
        }
        let level = match e {
            Expr::Implies(..) | Expr::Iff(..) => Level::Implies,
            Expr::Or(xs) if xs.len() > 1 => Level::Or,
            Expr::And(xs) if xs.len() > 1 => Level::And,
            _ => Level::Atom,
        };
        let bracket = level < ctx;
        if bracket {
            self.text("(");
        }
        self.unbracketed(e, ctx, depth);
        if bracket {
            self.text(")");
        }
    }

    /// [`Writer::expr`] without the brackets its context may need around it.
    fn unbracketed(&mut self, e: &Expr, ctx: Level, depth: usize) {
        match e {
            Expr::Const(true) => self.text("always"),
            Expr::Const(false) => self.text("never"),
            Expr::Input(i) => self.input(*i),
            Expr::Define(d) => {
                let policy = self.policy;
                self.term(TermKind::Define, &policy.defines[*d].name);
            }
            Expr::Not(x) => self.not(x, depth),
            Expr::And(xs) => self.list(xs, " and ", Level::And, ctx, depth),
            Expr::Or(xs) => self.list(xs, " or ", Level::Or, ctx, depth),
            Expr::Implies(a, b) => {
                self.text("if ");
                self.expr(a, Level::Or, depth + 1);
                self.text(", then ");
                self.expr(b, Level::Or, depth + 1);
            }
            Expr::Iff(a, b) => {
                self.expr(a, Level::Or, depth + 1);
                self.text(" exactly when ");
                self.expr(b, Level::Or, depth + 1);
            }
            Expr::Cmp { lhs, op, rhs } => {
                self.lin(lhs);
                self.text(&format!(" {} ", op_word(*op)));
                self.lin(rhs);
            }
            Expr::EnumIn { input, variants } => {
                self.input(*input);
                let p = self.policy;
                self.text(is_one_of(variants.len()));
                self.variants(p, p.inputs[*input].ty.enum_id(), variants);
            }
            Expr::EnumEq(a, b) => {
                self.input(*a);
                self.text(" is the same as ");
                self.input(*b);
            }
            Expr::OutputIs { output, values } => {
                self.output(*output);
                let shown: Vec<String> = values.iter().map(|v| self.value(v)).collect();
                self.text(is_one_of(shown.len()));
                self.text(&or_list(&shown));
            }
            Expr::SetContains { output, variant } => {
                self.output(*output);
                let p = self.policy;
                self.text(" includes ");
                self.variants(p, p.outputs[*output].ty.enum_id(), &[*variant]);
            }
            Expr::ImportedOutputIs {
                import,
                output,
                values,
            } => self.imported_output_is(*import, *output, values),
            Expr::ImportedSetContains {
                import,
                output,
                variant,
            } => self.imported_set_contains(*import, *output, *variant),
        }
    }

    /// The operands of `and` or `or` (`word`, binding as `level`) in context `ctx`.
    fn list(&mut self, xs: &[Expr], word: &str, level: Level, ctx: Level, depth: usize) {
        // A one-element list binds like its element.
        let inner = if xs.len() == 1 { ctx } else { level };
        for (k, x) in xs.iter().enumerate() {
            if k > 0 {
                self.text(word);
            }
            // `a and (b and c)` reads the same without brackets only when the child is
            // of the same kind, so children are bracketed one level up.
            let child_ctx = if xs.len() == 1 { inner } else { next(inner) };
            self.expr(x, child_ctx, depth + 1);
        }
    }

    /// An imported policy's decision (`use "..." as alias`), in its own names.
    fn imported_output_is(&mut self, import: ImportId, output: OutputId, values: &[Value]) {
        let imp = &self.policy.imports[import];
        let name = format!("{}.{}", imp.alias, imp.policy.outputs[output].name);
        self.term(TermKind::Output, &name);
        let shown: Vec<String> = values.iter().map(|v| show_value(&imp.policy, v)).collect();
        self.text(is_one_of(shown.len()));
        self.text(&or_list(&shown));
    }

    /// Whether an imported policy's set output includes a variant, in its own names.
    fn imported_set_contains(&mut self, import: ImportId, output: OutputId, variant: VariantId) {
        let imp = &self.policy.imports[import];
        let out = &imp.policy.outputs[output];
        let name = format!("{}.{}", imp.alias, out.name);
        self.term(TermKind::Output, &name);
        self.text(" includes ");
        self.variants(&imp.policy, out.ty.enum_id(), &[variant]);
    }

    fn not(&mut self, x: &Expr, depth: usize) {
        match x {
            Expr::Cmp { lhs, op, rhs } => {
                self.lin(lhs);
                self.text(&format!(" {} ", op_word(op.negated())));
                self.lin(rhs);
            }
            Expr::EnumIn { input, variants } => {
                self.input(*input);
                let p = self.policy;
                let e = p.inputs[*input].ty.enum_id();
                self.text(if variants.len() > 2 {
                    " is none of "
                } else {
                    " is not "
                });
                self.variants(p, e, variants);
            }
            Expr::EnumEq(a, b) => {
                self.input(*a);
                self.text(" differs from ");
                self.input(*b);
            }
            Expr::Not(inner) => self.expr(inner, Level::Atom, depth + 1),
            // "inform parents is no", not "not inform parents is yes".
            Expr::OutputIs { output, values } => {
                self.output(*output);
                match values.as_slice() {
                    [Value::Bool(b)] => {
                        self.text(" is ");
                        let flipped = self.value(&Value::Bool(!*b));
                        self.text(&flipped);
                    }
                    _ => {
                        let shown: Vec<String> = values.iter().map(|v| self.value(v)).collect();
                        self.text(if shown.len() > 2 {
                            " is none of "
                        } else {
                            " is not "
                        });
                        self.text(&or_list(&shown));
                    }
                }
            }
            Expr::SetContains { output, variant } => {
                self.output(*output);
                let p = self.policy;
                self.text(" does not include ");
                self.variants(p, p.outputs[*output].ty.enum_id(), &[*variant]);
            }
            _ => {
                self.text("not ");
                self.expr(x, Level::Atom, depth + 1);
            }
        }
    }

    /// A value as people read it: `yes`/`no`, `outcome 21`, `15`.
    fn value(&self, v: &Value) -> String {
        show_value(self.policy, v)
    }
}

/// " is one of " before more than two alternatives, " is " before one or two (`x is a
/// or b`).
fn is_one_of(alternatives: usize) -> &'static str {
    if alternatives > 2 {
        " is one of "
    } else {
        " is "
    }
}

fn next(l: Level) -> Level {
    match l {
        Level::Implies => Level::Or,
        Level::Or => Level::And,
        Level::And | Level::Atom => Level::Atom,
    }
}

fn show_int(i: i64) -> String {
    if i < 0 {
        format!("−{}", i.unsigned_abs())
    } else {
        i.to_string()
    }
}

fn op_word(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "≠",
        CmpOp::Lt => "<",
        CmpOp::Le => "≤",
        CmpOp::Gt => ">",
        CmpOp::Ge => "≥",
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    join_list(items, "or")
}

fn join_list(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// A value as people read it: `yes`/`no` for booleans, a variant in the writer's words
/// (its doc comment's first sentence, else its name with spaces).
pub fn show_value(policy: &Policy, v: &Value) -> String {
    match v {
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Int(i) => show_int(*i),
        Value::Enum(e, var) => quoted(policy, *e, *var, words::variant),
        Value::Set(e, vs) => {
            if vs.is_empty() {
                "nothing".into()
            } else {
                let names: Vec<String> = vs
                    .iter()
                    .map(|&v| quoted(policy, *e, v, words::variant))
                    .collect();
                join_list(&names, "and")
            }
        }
    }
}

/// A variant in the words `say` picks, in quotation marks when they are its doc
/// comment's sentence ("police response is “The police take control of the
/// incident”"), bare when they are its name ("severity is nude").
fn quoted(
    policy: &Policy,
    e: EnumId,
    v: VariantId,
    say: fn(&Policy, EnumId, VariantId) -> String,
) -> String {
    let w = say(policy, e, v);
    if w == humanise(policy.variant_name(e, v)) {
        w
    } else {
        format!("“{w}”")
    }
}

/// A condition in words.
pub fn condition(policy: &Policy, e: &Expr) -> Vec<Piece> {
    let mut w = Writer {
        policy,
        out: Vec::new(),
    };
    w.expr(e, Level::Implies, 0);
    w.out
}

/// A region of incidents in words: its parts joined by "or", each the values its inputs
/// take ("oldest age is 17 or under and not coercion"), and the comparisons between
/// inputs that bound it. `None` parts (every incident) read "every incident".
pub fn region(policy: &Policy, r: &crate::compile::describe::Region) -> Vec<Piece> {
    use crate::compile::graph::ValueSet;
    let mut w = Writer {
        policy,
        out: Vec::new(),
    };
    let parts = r.cubes.len().max(r.relations.len());
    if parts == 0 {
        w.text("every incident");
    }
    for k in 0..parts {
        if k > 0 {
            w.text(" or ");
        }
        let mut first = true;
        let mut and = |w: &mut Writer<'_>| {
            if !first {
                w.text(" and ");
            }
            first = false;
        };
        let literals = r.cubes.get(k).map_or(0, |c| {
            c.iter()
                .filter(|(i, set)| r.names.literal(*i, set).is_some())
                .count()
        }) + r.relations.get(k).map_or(0, Vec::len);
        let bracket = parts > 1 && literals > 1;
        if bracket {
            w.text("(");
        }
        for (input, set) in r.cubes.get(k).map(Vec::as_slice).unwrap_or(&[]) {
            let ty = policy.inputs.lookup(*input).map(|d| d.ty);
            match (set, ty) {
                (ValueSet::Bools(bs), _) => match bs.as_slice() {
                    [true] => {
                        and(&mut w);
                        w.input(*input);
                    }
                    [false] => {
                        and(&mut w);
                        w.text("not ");
                        w.input(*input);
                    }
                    _ => {}
                },
                (ValueSet::Variants(e, vs), _) if vs.len() < policy.enums[*e].variants.len() => {
                    and(&mut w);
                    w.input(*input);
                    w.text(is_one_of(vs.len()));
                    w.variants(policy, Some(*e), vs);
                }
                (ValueSet::Ints(rs), Some(Ty::Int { lo, hi })) => {
                    and(&mut w);
                    w.input(*input);
                    w.text(" is ");
                    let shown: Vec<String> = rs
                        .iter()
                        .map(|&(a, b)| words::range(a, b, lo, hi))
                        .collect();
                    w.text(&or_list(&shown));
                }
                _ => {}
            }
        }
        for e in r.relations.get(k).map(Vec::as_slice).unwrap_or(&[]) {
            and(&mut w);
            w.expr(e, Level::And, 0);
        }
        if first {
            w.text("every incident");
        }
        if bracket {
            w.text(")");
        }
    }
    if !r.condition_complete {
        w.text(&match r.more_parts {
            0 => " or … (more parts)".to_string(),
            1 => " or … (1 more part)".to_string(),
            n => format!(" or … ({n} more parts)"),
        });
    }
    w.out
}

/// `resolution is outcome 21`, `likely outcomes gain outcome 1 and outcome 2`.
fn assignment(w: &mut Writer<'_>, a: &Assign) {
    w.output(a.output);
    match &a.value {
        Value::Set(..) => w.text(" gains "),
        _ => w.text(" is "),
    }
    let shown = w.value(&a.value);
    w.text(&shown);
}

/// A whole rule: "When X and not Y, then response is escalate and record is yes".
pub fn rule(policy: &Policy, r: &RuleDef) -> Vec<Piece> {
    let mut w = Writer {
        policy,
        out: Vec::new(),
    };
    match &r.when {
        Expr::Const(true) => w.text("Always: "),
        e => {
            w.text("When ");
            w.expr(e, Level::Implies, 0);
            w.text(", then ");
        }
    }
    for (k, a) in r.assigns.iter().enumerate() {
        if k > 0 {
            w.text(if k + 1 == r.assigns.len() {
                " and "
            } else {
                ", "
            });
        }
        assignment(&mut w, a);
    }
    w.text(".");
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::ir::{EnumDef, InputDef, OutputDef, OutputTy, Ty, VariantDef};
    use crate::source::Loc;
    use crate::testing::id;

    fn policy() -> Policy {
        let v = |n: &str| VariantDef {
            name: n.into(),
            doc: None,
            loc: Loc::default(),
        };
        let input = |n: &str, ty| InputDef {
            name: n.into(),
            doc: None,
            ty,
            loc: Loc::default(),
            typical: None,
            judgement: None,
        };
        Policy {
            enums: vec![EnumDef {
                name: "Severity".into(),
                doc: None,
                variants: vec![v("semi_nude"), v("nude"), v("sexual_act"), v("extreme")].into(),
                loc: Loc::default(),
            }]
            .into(),
            inputs: vec![
                input("coercion", Ty::Bool),
                input("youngest_age", Ty::Int { lo: 0, hi: 99 }),
                input("oldest_age", Ty::Int { lo: 0, hi: 99 }),
                input("severity", Ty::Enum(id(0))),
            ]
            .into(),
            outputs: vec![OutputDef {
                name: "record_crime".into(),
                doc: None,
                ty: OutputTy::Single(Ty::Bool),
                default: None,
                loc: Loc::default(),
                hit: Default::default(),
            }]
            .into(),
            ..Policy::default()
        }
    }

    fn text(e: &Expr) -> String {
        to_text(&condition(&policy(), e))
    }

    fn ge(i: usize, c: i64) -> Expr {
        Expr::Cmp {
            lhs: LinExpr::input(id(i)),
            op: CmpOp::Ge,
            rhs: LinExpr::constant(c),
        }
    }

    #[test]
    fn conditions_read_as_words() {
        let e = Expr::And(vec![
            Expr::Input(id(0)),
            Expr::Not(Box::new(ge(1, 16))),
            Expr::Or(vec![
                Expr::EnumIn {
                    input: id(3),
                    variants: vec![id(2), id(3)],
                },
                Expr::Not(Box::new(Expr::Input(id(0)))),
            ]),
        ]);
        assert_eq!(
            text(&e),
            "coercion and youngest age < 16 and (severity is sexual act or extreme or not coercion)"
        );
    }

    #[test]
    fn linear_relations_and_negated_sets() {
        let gap = Expr::Cmp {
            lhs: LinExpr::input(id(2))
                .add_scaled(-1, &LinExpr::input(id(1)))
                .unwrap(),
            op: CmpOp::Ge,
            rhs: LinExpr::constant(3),
        };
        assert_eq!(text(&gap), "oldest age − youngest age ≥ 3");
        let e = Expr::Not(Box::new(Expr::EnumIn {
            input: id(3),
            variants: vec![id(0), id(1), id(2)],
        }));
        assert_eq!(
            text(&e),
            "severity is none of semi nude, nude or sexual act"
        );
        let imp = Expr::Implies(Box::new(Expr::Input(id(0))), Box::new(ge(2, 18)));
        assert_eq!(text(&imp), "if coercion, then oldest age ≥ 18");
    }

    /// Issue 20: "then not inform parents is yes" read as no English sentence.
    #[test]
    fn negated_decisions_read_as_english() {
        let not_recorded = Expr::Not(Box::new(Expr::OutputIs {
            output: crate::testing::id(0),
            values: vec![Value::Bool(true)],
        }));
        assert_eq!(text(&not_recorded), "record crime is no");
        let imp = Expr::Implies(
            Box::new(Expr::Input(crate::testing::id(0))),
            Box::new(not_recorded),
        );
        assert_eq!(text(&imp), "if coercion, then record crime is no");
    }

    #[test]
    fn or_inside_and_is_bracketed_and_and_inside_or_is_not() {
        let e = Expr::Or(vec![
            Expr::And(vec![Expr::Input(id(0)), ge(1, 3)]),
            ge(2, 18),
        ]);
        assert_eq!(text(&e), "coercion and youngest age ≥ 3 or oldest age ≥ 18");
    }

    #[test]
    fn rules_read_as_sentences() {
        let p = policy();
        let r = RuleDef {
            name: "r".into(),
            title: None,
            cites: None,
            doc: None,
            overrides: vec![],
            when: Expr::Input(id(0)),
            assigns: vec![Assign {
                output: id(0),
                value: Value::Bool(true),
                loc: Loc::default(),
            }],
            loc: Loc::default(),
            name_loc: Loc::default(),
            overrides_at: Default::default(),
        };
        assert_eq!(
            to_text(&rule(&p, &r)),
            "When coercion, then record crime is yes."
        );
        let always = RuleDef {
            when: Expr::Const(true),
            ..r
        };
        assert_eq!(to_text(&rule(&p, &always)), "Always: record crime is yes.");
    }
}
