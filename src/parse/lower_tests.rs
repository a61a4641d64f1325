//! The iterative expression lowering against the recursive one it replaced (pest's
//! `PrattParser`), on random expressions: same trees, same depths, same errors.

use pest::pratt_parser::{Assoc as PAssoc, Op, PrattParser};
use pest::Parser;
use proptest::prelude::*;

use super::*;
use crate::parse::grammar::PolicyParser;

/// The recursive lowering as it was, kept as the oracle. It checks the depth only at
/// operators, where the iterative one also checks brackets and sets.
fn oracle(l: &Lowerer, p: Pair<Rule>) -> Res<(Expr, usize)> {
    let pratt = PrattParser::new()
        .op(Op::infix(Rule::op_implies, PAssoc::Right))
        .op(Op::infix(Rule::op_or, PAssoc::Left))
        .op(Op::infix(Rule::op_and, PAssoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, PAssoc::Left)
            | Op::infix(Rule::op_ne, PAssoc::Left)
            | Op::infix(Rule::op_lt, PAssoc::Left)
            | Op::infix(Rule::op_le, PAssoc::Left)
            | Op::infix(Rule::op_gt, PAssoc::Left)
            | Op::infix(Rule::op_ge, PAssoc::Left)
            | Op::infix(Rule::op_contains, PAssoc::Left)
            | Op::postfix(Rule::op_in))
        .op(Op::infix(Rule::op_add, PAssoc::Left) | Op::infix(Rule::op_sub, PAssoc::Left))
        .op(Op::infix(Rule::op_mul, PAssoc::Left))
        .op(Op::prefix(Rule::op_neg));
    let whole = l.span(&p);
    let check = |e: Expr, d: usize| l.check_depth(e, d, whole);
    let result = pratt
        .map_primary(|prim| oracle_primary(l, prim))
        .map_prefix(|op, rhs| {
            let (rhs, d) = rhs?;
            let span = l.span(&op).to(rhs.span);
            let uop = if op.as_rule() == Rule::op_not {
                UnOp::Not
            } else {
                UnOp::Neg
            };
            check(
                Expr {
                    kind: ExprKind::Unary(uop, Box::new(rhs)),
                    span,
                },
                d + 1,
            )
        })
        .map_postfix(|lhs, op| {
            let (lhs, d) = lhs?;
            let span = lhs.span.to(l.span(&op));
            let mut negated = false;
            let mut set = None;
            for part in op.clone().into_inner().filter(is_content) {
                match part.as_rule() {
                    Rule::kw_not => negated = true,
                    Rule::kw_in => {}
                    _ => set = Some(oracle_primary(l, part)?),
                }
            }
            let (set, sd) = set.expect("a set");
            let kind = ExprKind::In {
                value: Box::new(lhs),
                set: Box::new(set),
                negated,
            };
            check(Expr { kind, span }, d.max(sd) + 1)
        })
        .map_infix(|lhs, op, rhs| l.infix(lhs?, &op, rhs?, whole))
        .parse(p.into_inner());
    result
}

fn oracle_primary(l: &Lowerer, p: Pair<Rule>) -> Res<(Expr, usize)> {
    let span = l.span(&p);
    match p.as_rule() {
        Rule::paren => {
            let inner = p.into_inner().find(is_content).expect("contents");
            let (e, d) = oracle(l, inner)?;
            let kind = ExprKind::Paren(Box::new(e));
            Ok((Expr { kind, span }, d + 1))
        }
        Rule::set_lit => {
            let mut items = Vec::new();
            let mut depth = 1;
            for e in p.into_inner().filter(is_content) {
                let (e, d) = oracle(l, e)?;
                depth = depth.max(d + 1);
                items.push(e);
            }
            Ok((
                Expr {
                    kind: ExprKind::Set(items),
                    span,
                },
                depth,
            ))
        }
        _ => l.primary(p),
    }
}

fn compare(text: &str) {
    let l = Lowerer { file: 0, offset: 3 };
    let Ok(mut pairs) = PolicyParser::parse(Rule::expr, text) else {
        return;
    };
    let pair = pairs.next().expect("an expression");
    let old = oracle(&l, pair.clone());
    let new = l.expr_depth(pair);
    match (old, new) {
        (Ok((oe, od)), Ok((ne, nd))) => {
            assert!(od <= MAX_EXPR_DEPTH, "{text}: too deep, accepted");
            assert_eq!(oe, ne, "{text}");
            assert_eq!(od, nd, "{text}");
        }
        (Ok((_, od)), Err(d)) => {
            assert!(od > MAX_EXPR_DEPTH, "{text}: refused: {d:?}");
            assert_eq!(d.code, "E0104");
        }
        (Err(o), Err(n)) => assert_eq!(o, n, "{text}"),
        (Err(o), Ok(_)) => panic!("{text}: the oracle refused it: {o:?}"),
    }
}

const OPS: &[&str] = &[
    "implies", "or", "and", "==", "!=", "<", "<=", ">", ">=", "contains", "+", "-", "*",
];

/// Expression text built from random pieces, so that precedence decides the tree.
fn expr_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("a".to_string()),
        Just("b".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        (0i64..100).prop_map(|i| i.to_string()),
        Just("99999999999999999999".to_string()),
    ];
    leaf.prop_recursive(6, 48, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("({e})")),
            prop::collection::vec(inner.clone(), 0..3)
                .prop_map(|v| format!("{{{}}}", v.join(", "))),
            (
                inner.clone(),
                any::<bool>(),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(e, neg, v)| format!(
                    "{e} {}in {{{}}}",
                    if neg { "not " } else { "" },
                    v.join(", ")
                )),
            (inner.clone(), -5i64..5, -5i64..5)
                .prop_map(|(e, lo, hi)| format!("{e} in {lo}..={hi}")),
            (
                prop::sample::select(vec!["not ", "- ", "not not ", "-"]),
                inner.clone()
            )
                .prop_map(|(p, e)| format!("{p}{e}")),
            (inner.clone(), prop::sample::select(OPS), inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            (inner.clone(), prop::sample::select(OPS), inner)
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn iterative_lowering_builds_what_the_recursive_one_built(text in expr_text()) {
        compare(&text);
    }
}

#[test]
fn iterative_lowering_agrees_at_the_depth_limit() {
    // The oracle recurses deeply: give it room.
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(|| {
            for n in [1000, 1022, 1023, 1024, 1025, 1100] {
                compare(&format!("{}a", "not ".repeat(n)));
                compare(&format!("a{}", " implies a".repeat(n)));
                compare(&format!("a{}", " == a".repeat(n)));
                compare(&format!("a{}", " in {a}".repeat(n / 2)));
                compare(&format!("a{}", " in {(a)}".repeat(n / 3)));
                compare(&format!("{}a{}", "(not ".repeat(n / 2), ")".repeat(n / 2)));
                compare(&format!("{}a{}", "{- ".repeat(n / 2), "}".repeat(n / 2)));
            }
            // Brackets and sets are counted where they are, not only at the next operator.
            let l = Lowerer { file: 0, offset: 0 };
            let text = format!("({}a)", "not ".repeat(MAX_EXPR_DEPTH - 1));
            let pair = PolicyParser::parse(Rule::expr, &text)
                .unwrap()
                .next()
                .unwrap();
            assert_eq!(l.expr_depth(pair).unwrap_err().code, "E0104");
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn lowering_uses_the_same_stack_at_any_depth() {
    // 20,000 nested `not`s and brackets (the scan would refuse them; the lowering
    // alone must still neither recurse nor overflow) on a small stack.
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let l = Lowerer { file: 0, offset: 0 };
            let text = format!("{}a{}", "not (".repeat(20_000), ")".repeat(20_000));
            // pest's own recursion is guarded: on a small stack it fails cleanly.
            if let Ok(mut pairs) = PolicyParser::parse(Rule::expr, &text) {
                let pair = pairs.next().unwrap();
                assert_eq!(l.expr_depth(pair).unwrap_err().code, "E0104");
            }
            let text = format!("{}a", "not ".repeat(20_000));
            let pair = PolicyParser::parse(Rule::expr, &text)
                .unwrap()
                .next()
                .unwrap();
            assert_eq!(l.expr_depth(pair).unwrap_err().code, "E0104");
        })
        .unwrap()
        .join()
        .unwrap();
}
