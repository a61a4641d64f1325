use super::*;

fn fmt(text: &str) -> String {
    let out = format(text).unwrap_or_else(|d| panic!("format failed: {d:#?}"));
    let again = format(&out).unwrap_or_else(|d| panic!("reformat failed: {d:#?}\n{out}"));
    assert_eq!(out, again, "not idempotent:\n{out}\n----\n{again}");
    out
}

const SAMPLE: &str = r#"/// Devon & Cornwall.
policy devon "Letter on imagery" version "2017" source "001.txt"
use "incident.policy"
/// Severity.
enum Severity {semi_nude, nude,
  /// A sexual act.
  sexual_act, extreme}
enum Previous { none, earlier, warned }
input coercion: bool
input youngest_age: 0..=99

input oldest_age: 0..=99
output response: Response
output likely: set of Outcome
output record: bool default true
input assessed: bool typical false judgement "001 para 7: 'careful assessment'"
output referral: Response default refer precedence refer  >  manage > -1
output unique: bool exclusive
ignore image_online,previous  "never used"
define age_gap = oldest_age - youngest_age
define serious = severity in {sexual_act, extreme} or (coercion and youngest_age in 0..=12)
assume youngest_age <= oldest_age
scope oldest_age <= 17
rule r1 "Coercion" cites "001 para 9" overrides r0, r2 when coercion then response = escalate, likely = {outcome_1, outcome_2}
accept gap response "unclear" when not coercion
assert a1 "Always" cites "x" always coercion implies response == escalate
scenario s1 "A case" given coercion = true, youngest_age = 15 expect response = escalate, undecided likely, out_of_scope
"#;

const SAMPLE_FORMATTED: &str = r#"/// Devon & Cornwall.
policy devon "Letter on imagery"
  version "2017"
  source "001.txt"

use "incident.policy"
/// Severity.
enum Severity {
  semi_nude,
  nude,
  /// A sexual act.
  sexual_act,
  extreme,
}
enum Previous { none, earlier, warned }
input coercion: bool
input youngest_age: 0..=99

input oldest_age: 0..=99
output response: Response
output likely: set of Outcome
output record: bool default true
input assessed: bool typical false
  judgement "001 para 7: 'careful assessment'"
output referral: Response default refer
  precedence refer > manage > -1
output unique: bool
  exclusive
ignore image_online, previous "never used"
define age_gap = oldest_age - youngest_age
define serious = severity in {sexual_act, extreme} or (coercion and youngest_age in 0..=12)
assume youngest_age <= oldest_age
scope oldest_age <= 17

rule r1 "Coercion"
  cites "001 para 9"
  overrides r0, r2
  when coercion
  then response = escalate, likely = {outcome_1, outcome_2}

accept gap response "unclear"
  when not coercion

assert a1 "Always"
  cites "x"
  always coercion implies response == escalate

scenario s1 "A case"
  given coercion = true, youngest_age = 15
  expect response = escalate, undecided likely, out_of_scope
"#;

#[test]
fn every_construct_has_its_canonical_layout() {
    let out = fmt(SAMPLE);
    assert_eq!(out, SAMPLE_FORMATTED, "got:\n{out}");
}

#[test]
fn the_header_is_followed_by_a_blank_line_only_when_the_writer_left_one() {
    // The header groups with nothing: a blank line always separates it.
    let out = fmt("policy p \"t\"\ninput a: bool\n");
    assert_eq!(out, "policy p \"t\"\n\ninput a: bool\n");
}

#[test]
fn blank_lines_between_one_liners_are_kept_but_never_doubled() {
    let out = fmt("input a: bool\n\n\n\ninput b: bool\ninput c: bool\n");
    assert_eq!(out, "input a: bool\n\ninput b: bool\ninput c: bool\n");
    let out = fmt("rule r \"t\" then x = 1\nrule s \"u\" then x = 2\n");
    assert_eq!(
        out,
        "rule r \"t\"\n  then x = 1\n\nrule s \"u\"\n  then x = 2\n"
    );
}

#[test]
fn long_conditions_break_before_logical_operators() {
    let cond = (0..12)
        .map(|i| format!("factor_number_{i}"))
        .collect::<Vec<_>>()
        .join(" and ");
    let out = fmt(&format!("rule r \"t\" when {cond} or other then x = 1\n"));
    // The `or` chain breaks first; its first operand (the `and` chain) still does not
    // fit, so it breaks too, one level deeper.
    assert!(
        out.starts_with("rule r \"t\"\n  when factor_number_0\n      and factor_number_1\n"),
        "{out}"
    );
    assert!(out.contains("    or other\n  then x = 1\n"), "{out}");
    assert_eq!(
        out.lines()
            .filter(|l| l.trim_start().starts_with("and "))
            .count(),
        11
    );
    assert!(out.lines().all(|l| l.chars().count() <= WIDTH), "{out}");
}

#[test]
fn long_lists_are_filled_like_a_paragraph() {
    let then = (0..8)
        .map(|i| format!("output_number_{i} = value_{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let out = fmt(&format!("rule r \"t\"\n  then {then}\n"));
    let expected = "rule r \"t\"\n  then output_number_0 = value_0, output_number_1 = value_1, output_number_2 = value_2,\n    output_number_3 = value_3, output_number_4 = value_4, output_number_5 = value_5,\n    output_number_6 = value_6, output_number_7 = value_7\n";
    assert_eq!(out, expected);
    assert!(out.lines().all(|l| l.len() <= WIDTH));
}

#[test]
fn long_sets_and_parentheses_break_inside() {
    let set = (0..12)
        .map(|i| format!("outcome_number_{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let out = fmt(&format!("rule r \"t\" then likely = {{{set}}}\n"));
    assert!(
        out.contains("  then likely = {\n      outcome_number_0,\n"),
        "{out}"
    );
    assert!(out.contains("      outcome_number_11,\n    }\n"), "{out}");
    // 95 columns inside the parentheses: too long after `  or (`, short enough alone.
    let conj = (0..5)
        .map(|i| format!("factor_{i}"))
        .collect::<Vec<_>>()
        .join(" and ")
        + " and "
        + &"x".repeat(30);
    assert_eq!(conj.len(), 95);
    let out = fmt(&format!("define d = a or ({conj})\n"));
    assert_eq!(out, format!("define d = a\n  or (\n    {conj}\n  )\n"));
}

#[test]
fn parentheses_are_kept_and_never_added() {
    let out = fmt("define d = ((a)) and (b or c) and not (d)\n");
    assert_eq!(out, "define d = ((a)) and (b or c) and not (d)\n");
    let out = fmt("define d = a or b and c\n");
    assert_eq!(out, "define d = a or b and c\n");
}

#[test]
fn strings_are_escaped_back() {
    let out = fmt("rule r \"a \\\"quoted\\\" \\\\ back\\nslash\" then x = 1\n");
    assert!(
        out.starts_with("rule r \"a \\\"quoted\\\" \\\\ back\\nslash\"\n"),
        "{out}"
    );
}

#[test]
fn comments_stay_where_they_belong() {
    let src = "// File header.\n\n// About a.\ninput a: bool // trailing a\n/// Doc of b.\n// between doc and b\ninput b: bool\n\n// Rules.\n\nrule r \"t\" // after title\n  // before cites\n  cites \"x\"\n  when a // why a\n    and b\n  // before then\n  then x = 1, // first\n    y = 2 // second\n  // dangling in rule\nrule s \"u\"\n  then x = 1\n\n// The end.\n";
    let out = fmt(src);
    let expected = "// File header.\n\n// About a.\ninput a: bool // trailing a\n/// Doc of b.\n// between doc and b\ninput b: bool\n\n// Rules.\n\nrule r \"t\" // after title\n  // before cites\n  cites \"x\"\n  when a // why a\n    and b\n  // before then\n  then x = 1, // first\n    y = 2 // second\n\n// dangling in rule\nrule s \"u\"\n  then x = 1\n\n// The end.\n";
    assert_eq!(out, expected, "got:\n{out}");
}

#[test]
fn comments_inside_enums_and_sets_force_one_entry_a_line() {
    let out = fmt("enum E { a, // first\n b }\n");
    assert_eq!(out, "enum E {\n  a, // first\n  b,\n}\n");
    let out = fmt("enum E { a,\n // before b\n b }\n");
    assert_eq!(out, "enum E {\n  a,\n  // before b\n  b,\n}\n");
    let out = fmt("enum E { a, b, // one\n // two\n}\n");
    assert_eq!(out, "enum E {\n  a,\n  b, // one\n  // two\n}\n");
    let out = fmt("define d = x in {a, // first\n b}\n");
    assert_eq!(out, "define d = x in {\n  a, // first\n  b,\n}\n");
}

#[test]
fn two_end_of_line_comments_that_meet_on_one_line_stay_two_comments() {
    let out = fmt("input a: // one\n  bool // two\ninput b: bool\n");
    assert_eq!(out, "input a: bool // one\n// two\ninput b: bool\n");
}

#[test]
fn comment_only_and_empty_files() {
    assert_eq!(
        fmt("// just a note\n\n\n// another\n"),
        "// just a note\n\n// another\n"
    );
    assert_eq!(fmt(""), "");
}

#[test]
fn syntax_errors_are_refused() {
    let err = format("rule r \"t\" when\n").unwrap_err();
    assert!(err.iter().any(|d| d.is_error()));
}

#[test]
fn crlf_input_gives_lf_output() {
    assert_eq!(
        fmt("input a: bool\r\n// c\r\ninput b: bool\r\n"),
        "input a: bool\n// c\ninput b: bool\n"
    );
}

#[test]
fn a_lone_cr_ends_a_line_as_it_does_for_check() {
    // `check` reads a lone CR as a line break (`Sources::add`), so the text after one in
    // a `///` line is not part of the doc comment: the formatter must not make it one.
    let err = format("/// a doc\rstray words\ninput a: bool\n").unwrap_err();
    assert!(err.iter().any(|d| d.is_error()));
    assert_eq!(
        fmt("input a: bool\r// c\rinput b: bool\r"),
        "input a: bool\n// c\ninput b: bool\n"
    );
}

#[test]
fn deep_expressions_format_without_overflow() {
    // The parser needs the big stack the binary gives it (see src/main.rs).
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(deep_expressions)
        .unwrap()
        .join()
        .unwrap();
}

fn deep_expressions() {
    let chain = (0..900)
        .map(|i| format!("a{i}"))
        .collect::<Vec<_>>()
        .join(" and ");
    let out = fmt(&format!("define d = {chain}\n"));
    assert_eq!(out.lines().count(), 900);
    let nested = format!("define d = {}a{}\n", "(".repeat(200), ")".repeat(200));
    fmt(&nested);
}

mod props {
    use super::*;
    use crate::parse::ast::*;
    use crate::source::Span;
    use proptest::prelude::*;

    fn ex(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    /// How tightly an expression binds (see the Pratt table in parse/lower.rs).
    fn level(e: &Expr) -> u8 {
        match &e.kind {
            ExprKind::Binary(BinOp::Implies, ..) => 1,
            ExprKind::Binary(BinOp::Or, ..) => 2,
            ExprKind::Binary(BinOp::And, ..) => 3,
            ExprKind::Unary(UnOp::Not, _) => 4,
            ExprKind::Binary(op, ..) if op.is_comparison() => 5,
            ExprKind::In { .. } | ExprKind::Contains(..) => 5,
            ExprKind::Binary(BinOp::Add | BinOp::Sub, ..) => 6,
            ExprKind::Binary(..) => 7,
            ExprKind::Unary(UnOp::Neg, _) => 8,
            _ => 9,
        }
    }

    fn paren_below(e: Expr, min: u8) -> Expr {
        if level(&e) < min {
            ex(ExprKind::Paren(Box::new(e)))
        } else {
            e
        }
    }

    /// Adds the parentheses a writer would need for the tree to read back as itself;
    /// the formatter itself never adds any.
    fn fix(e: Expr) -> Expr {
        let kind = match e.kind {
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (fix(*a), fix(*b));
                let own = level(&ex(ExprKind::Binary(
                    op,
                    Box::new(a.clone()),
                    Box::new(b.clone()),
                )));
                let (lmin, rmin) = match op {
                    BinOp::Implies => (own + 1, own),
                    _ if own == 5 => (6, 6),
                    _ => (own, own + 1),
                };
                ExprKind::Binary(
                    op,
                    Box::new(paren_below(a, lmin)),
                    Box::new(paren_below(b, rmin)),
                )
            }
            ExprKind::Unary(UnOp::Not, x) => {
                ExprKind::Unary(UnOp::Not, Box::new(paren_below(fix(*x), 4)))
            }
            ExprKind::Unary(UnOp::Neg, x) => {
                ExprKind::Unary(UnOp::Neg, Box::new(paren_below(fix(*x), 8)))
            }
            ExprKind::In {
                value,
                set,
                negated,
            } => ExprKind::In {
                value: Box::new(paren_below(fix(*value), 6)),
                set: Box::new(fix(*set)),
                negated,
            },
            ExprKind::Contains(a, b) => ExprKind::Contains(
                Box::new(paren_below(fix(*a), 6)),
                Box::new(paren_below(fix(*b), 6)),
            ),
            ExprKind::Paren(x) => ExprKind::Paren(Box::new(fix(*x))),
            ExprKind::Set(items) => ExprKind::Set(items.into_iter().map(fix).collect()),
            k => k,
        };
        ex(kind)
    }

    fn name() -> impl Strategy<Value = String> {
        prop::sample::select(vec![
            "a",
            "coercion",
            "youngest_age",
            "x1",
            "Severity",
            "a_fairly_long_input_name",
        ])
        .prop_map(str::to_string)
    }

    fn int_lit() -> impl Strategy<Value = IntLit> {
        (-50i64..200).prop_map(|value| IntLit {
            value,
            span: Span::default(),
        })
    }

    fn expr() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            any::<bool>().prop_map(|b| ex(ExprKind::Bool(b))),
            (0i64..1000).prop_map(|i| ex(ExprKind::Int(i))),
            name().prop_map(|n| ex(ExprKind::Name(n))),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            let op = prop::sample::select(vec![
                BinOp::Implies,
                BinOp::Or,
                BinOp::And,
                BinOp::Eq,
                BinOp::Ne,
                BinOp::Lt,
                BinOp::Le,
                BinOp::Gt,
                BinOp::Ge,
                BinOp::Add,
                BinOp::Sub,
                BinOp::Mul,
            ]);
            let set = prop::collection::vec(inner.clone(), 0..5).prop_map(|v| ex(ExprKind::Set(v)));
            let range = (int_lit(), int_lit()).prop_map(|(lo, hi)| ex(ExprKind::Range { lo, hi }));
            prop_oneof![
                (op, inner.clone(), inner.clone()).prop_map(|(op, a, b)| ex(ExprKind::Binary(
                    op,
                    Box::new(a),
                    Box::new(b)
                ))),
                inner
                    .clone()
                    .prop_map(|x| ex(ExprKind::Unary(UnOp::Not, Box::new(x)))),
                inner
                    .clone()
                    .prop_map(|x| ex(ExprKind::Unary(UnOp::Neg, Box::new(x)))),
                inner.clone().prop_map(|x| ex(ExprKind::Paren(Box::new(x)))),
                set.clone(),
                (inner.clone(), prop_oneof![set, range], any::<bool>()).prop_map(
                    |(v, s, negated)| {
                        ex(ExprKind::In {
                            value: Box::new(v),
                            set: Box::new(s),
                            negated,
                        })
                    }
                ),
                (inner.clone(), inner)
                    .prop_map(|(a, b)| ex(ExprKind::Contains(Box::new(a), Box::new(b)))),
            ]
        })
        .prop_map(fix)
    }

    fn file_with(e: Expr) -> File {
        let id = |n: &str| Ident {
            name: n.into(),
            span: Span::default(),
        };
        File {
            items: vec![Item {
                doc: None,
                kind: ItemKind::Rule(RuleDecl {
                    name: id("r"),
                    title: None,
                    cites: None,
                    overrides: vec![],
                    when: Some(e.clone()),
                    then: vec![Assignment {
                        target: id("x"),
                        value: e,
                        span: Span::default(),
                    }],
                }),
                span: Span::default(),
            }],
            comments: vec![],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Printing a tree and parsing the text gives the tree back, and the text is a
        /// fixed point of the formatter.
        #[test]
        fn printed_expressions_parse_back(e in expr()) {
            let file = file_with(e);
            let text = format_file(&file, "");
            let (back, diags) = crate::parse::parse(0, &text);
            prop_assert!(diags.is_empty(), "{text}\n{diags:#?}");
            prop_assert!(same_ast(&file, &back), "{text}");
            prop_assert_eq!(format(&text).unwrap(), text.clone());
            for line in text.lines() {
                // Only a single unbreakable token run may exceed the width.
                prop_assert!(line.chars().count() <= WIDTH || !line.trim().contains(" and "), "{text}");
            }
        }

        /// Comments sprinkled at the ends of lines and on lines of their own survive, in
        /// order, and the result is a fixed point.
        #[test]
        fn sprinkled_comments_survive(
            spots in prop::collection::vec((0usize..60, any::<bool>(), any::<bool>()), 0..12)
        ) {
            let lines: Vec<&str> = SAMPLE.lines().collect();
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            for (k, (at, own_line, blank)) in spots.iter().enumerate() {
                let i = at % out.len();
                if *own_line {
                    out.insert(i, format!("  // note {k}"));
                    if *blank {
                        out.insert(i, String::new());
                    }
                } else if !out[i].trim().is_empty() && !out[i].contains("//") {
                    out[i] = format!("{} // end {k}", out[i]);
                }
            }
            let text = out.join("\n") + "\n";
            let (orig, diags) = crate::parse::parse(0, &text);
            prop_assume!(!diags.iter().any(|d| d.is_error()));
            let formatted = format(&text).unwrap();
            let (back, _) = crate::parse::parse(0, &formatted);
            prop_assert!(same_ast(&orig, &back), "{formatted}");
            prop_assert_eq!(format(&formatted).unwrap(), formatted.clone());
        }
    }
}

/// A long precedence or ignore list fills lines like `then`; comments next to the
/// clauses stay with them.
#[test]
fn hit_policies_and_ignores_fill_and_keep_comments() {
    let values: Vec<String> = (0..14).map(|k| format!("value_number_{k}")).collect();
    let out = fmt(&format!(
        "output o: E precedence {}
",
        values.join(" > ")
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "output o: E");
    assert!(
        lines[1].starts_with("  precedence value_number_0 > value_number_1 > "),
        "{out}"
    );
    assert!(lines[2].starts_with("    > value_number_"), "{out}");
    assert!(lines.iter().all(|l| l.len() <= WIDTH), "{out}");
    let names: Vec<String> = (0..14).map(|k| format!("an_input_number_{k}")).collect();
    let out = fmt(&format!("ignore {} \"the reason\"\n", names.join(", ")));
    assert!(
        out.starts_with("ignore an_input_number_0, an_input_number_1,"),
        "{out}"
    );
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("  an_input_number_")),
        "{out}"
    );
    assert!(out.trim_end().ends_with("\"the reason\""), "{out}");
    let out = fmt("input a: bool // a fact\n  judgement \"x\" // why\noutput o: bool\n  // the rules never overlap\n  exclusive\n");
    assert_eq!(
        out,
        "input a: bool // a fact\n  judgement \"x\" // why\noutput o: bool\n  // the rules never overlap\n  exclusive\n"
    );
}

#[test]
fn imports_keep_their_alias_and_dotted_names() {
    let out = fmt(
        "use  \"npcc.policy\"   as npcc\nrule r \"t\" when npcc.escalate then x = npcc.response\n",
    );
    assert_eq!(
        out,
        "use \"npcc.policy\" as npcc\n\nrule r \"t\"\n  when npcc.escalate\n  then x = npcc.response\n"
    );
}

#[test]
fn header_clauses_keep_their_order_and_their_comments() {
    let out = fmt("policy p \"t\"\n  // about the version\n  version \"2\" // v\n  // about the source\n  source \"s\"\n");
    assert_eq!(
        out,
        "policy p \"t\"\n  // about the version\n  version \"2\" // v\n  // about the source\n  source \"s\"\n"
    );
}
