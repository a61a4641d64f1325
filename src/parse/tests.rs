use super::ast::*;
use super::*;

fn parse_ok(text: &str) -> File {
    let (file, diags) = parse(0, text);
    assert!(
        diags.is_empty(),
        "unexpected diagnostics for {text:?}: {diags:#?}"
    );
    file
}

fn messages(text: &str) -> Vec<String> {
    parse(0, text)
        .1
        .into_iter()
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

/// Prints an expression fully parenthesised, to pin precedence.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Set(items) => format!(
            "{{{}}}",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Range { lo, hi } => format!("{}..={}", lo.value, hi.value),
        ExprKind::Paren(inner) => show(inner),
        ExprKind::Unary(UnOp::Not, x) => format!("(not {})", show(x)),
        ExprKind::Unary(UnOp::Neg, x) => format!("(-{})", show(x)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", show(a), op.symbol(), show(b)),
        ExprKind::In {
            value,
            set,
            negated,
        } => {
            format!(
                "({} {}in {})",
                show(value),
                if *negated { "not " } else { "" },
                show(set)
            )
        }
        ExprKind::Contains(a, b) => format!("({} contains {})", show(a), show(b)),
    }
}

fn expr(text: &str) -> String {
    show(&parse_expr(0, text).unwrap_or_else(|d| panic!("{text}: {d:?}")))
}

#[test]
fn precedence_follows_the_reference() {
    assert_eq!(expr("a or b and c"), "(a or (b and c))");
    assert_eq!(expr("a implies b implies c"), "(a implies (b implies c))");
    assert_eq!(expr("not a == b"), "(not (a == b))");
    assert_eq!(expr("not a and b"), "((not a) and b)");
    assert_eq!(
        expr("oldest_age - youngest_age >= 3"),
        "((oldest_age - youngest_age) >= 3)"
    );
    assert_eq!(expr("2 * a + b < -3"), "(((2 * a) + b) < (-3))");
    assert_eq!(
        expr("s in {a, b} and t not in 13..=15"),
        "((s in {a, b}) and (t not in 13..=15))"
    );
    assert_eq!(expr("a - b - c"), "((a - b) - c)");
    assert_eq!(expr("outs contains x or y"), "((outs contains x) or y)");
    assert_eq!(expr("x + 1 in 2..=3"), "((x + 1) in 2..=3)");
}

#[test]
fn every_declaration_parses_with_spans() {
    let text = r#"
/// Header doc.
policy p "Title" source "s.txt" version "1"
use "incident.policy"
enum E { a, /// doc of b
  b, }
input x: 0..=99
input y: bool
input e: E
output o: E default a
output s: set of E
define d = x >= 3 and y
assume x <= 50
scope not y
rule r "t" cites "c" overrides q, z when d then o = a, s = {a, b}
rule always_on "no condition" then o = b
accept gap o "silent" when x > 10
assert inv "i" cites "c" always d implies o == a
scenario sc "t" cites "c" given x = 3, y = true expect o = a, undecided o, out_of_scope
"#;
    let f = parse_ok(text);
    let kinds: Vec<&str> = f.items.iter().map(|i| i.kind.keyword()).collect();
    assert_eq!(
        kinds,
        vec![
            "policy",
            "use",
            "enum",
            "input",
            "input",
            "input",
            "output",
            "output",
            "define",
            "assume",
            "scope",
            "rule",
            "rule",
            "accept gap",
            "assert",
            "scenario"
        ]
    );
    let first = &f.items[0];
    assert_eq!(
        first.doc.as_ref().map(|d| d.text.as_str()),
        Some("Header doc.")
    );
    assert_eq!(
        &text[first.span.range()],
        "policy p \"Title\" source \"s.txt\" version \"1\""
    );
    let ItemKind::Enum(e) = &f.items[2].kind else {
        panic!()
    };
    assert_eq!(
        e.variants[1].doc.as_ref().map(|d| d.text.as_str()),
        Some("doc of b")
    );
    let ItemKind::Rule(r) = &f.items[11].kind else {
        panic!()
    };
    assert_eq!(
        r.overrides
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        vec!["q", "z"]
    );
    assert_eq!(&text[r.then[1].span.range()], "s = {a, b}");
    let ItemKind::Scenario(s) = &f.items[15].kind else {
        panic!()
    };
    assert_eq!(s.given.len(), 2);
    assert_eq!(s.expect.len(), 3);
}

#[test]
fn comments_are_collected_and_strings_unescaped() {
    let f = parse_ok("// one\ninput a: bool // two\nrule r \"say \\\"hi\\\"\" then o = a\n");
    assert_eq!(
        f.comments
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>(),
        vec![" one", " two"]
    );
    let ItemKind::Rule(r) = &f.items[1].kind else {
        panic!()
    };
    assert_eq!(
        r.title.as_ref().map(|t| t.value.as_str()),
        Some("say \"hi\"")
    );
}

#[test]
fn errors_name_the_construct_and_recover() {
    let text = "input a: bool\nrule r \"t\" when a o = b\ninput : bool\ndefine d = (a and\nrule s \"t\" then o = 1\n";
    let msgs = messages(text);
    assert_eq!(msgs.len(), 3, "{msgs:#?}");
    assert!(
        msgs[0].contains("expected `then`") && msgs[0].contains("after the condition of rule `r`"),
        "{}",
        msgs[0]
    );
    assert!(
        msgs[1].contains("expected a name in `input` declaration")
            || msgs[1].contains("expected a name"),
        "{}",
        msgs[1]
    );
    assert!(msgs[2].contains("define `d`"), "{}", msgs[2]);
    // The two good declarations survive.
    assert_eq!(parse(0, text).0.items.len(), 2);
}

#[test]
fn keywords_as_names_are_reported_but_kept() {
    let (f, d) = parse(0, "input when: bool\n");
    assert_eq!(f.items.len(), 1);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "E0102");
}

#[test]
fn hostile_inputs_give_diagnostics_not_crashes() {
    let deep = format!("define x = {}a{}", "(".repeat(100_000), ")".repeat(100_000));
    assert_eq!(
        messages(&deep),
        vec!["E0104: brackets or operators are nested too deeply"]
    );
    let long_chain = format!("define x = a{}", " or a".repeat(5_000));
    assert_eq!(
        messages(&long_chain),
        vec!["E0104: expression is nested too deeply"]
    );
    let implies = format!("define x = a{}", " implies a".repeat(5_000));
    assert_eq!(messages(&implies).len(), 1);
    let nots = format!("define x = {}a", "not ".repeat(5_000));
    assert_eq!(messages(&nots).len(), 1);
    assert_eq!(messages(""), vec!["W0100: the file declares nothing"]);
    assert_eq!(
        messages("99999999999999999999 garbage"),
        vec!["E0101: expected a declaration (`input`, `output`, `rule`, ...)"]
    );
    assert_eq!(messages("input x: 0..=99999999999999999999").len(), 1);
    // A chain within the limit is fine.
    parse_ok(&format!("define x = a{}", " or a".repeat(500)));
}

#[test]
fn common_slips_get_hints() {
    let d = parse(0, "define d = a = b\n").1;
    assert_eq!(d.len(), 1);
    assert!(d[0].help.as_deref().unwrap_or("").contains("=="), "{d:#?}");
    let d = parse(0, "define d = a && b\n").1;
    assert!(
        d[0].help.as_deref().unwrap_or("").contains("`and`"),
        "{d:#?}"
    );
}

#[test]
fn spans_end_at_the_last_token_not_at_trailing_comments() {
    let text = "output o: bool // trailing\n// a comment for the next one\n//   and more\n\ninput i: bool\nrule r \"a // b\" then o = true // but this is\n";
    let f = parse(0, text).0;
    let spans: Vec<&str> = f.items.iter().map(|i| &text[i.span.range()]).collect();
    assert_eq!(
        spans,
        vec![
            "output o: bool",
            "input i: bool",
            "rule r \"a // b\" then o = true"
        ]
    );
}

#[test]
fn doc_comment_spans_cover_their_text() {
    let text = "input a: bool\n\n/// Doc.\n/// More.\ninput b: bool\nenum E {\n  /// V.\n  v,\n}\n";
    let file = parse_ok(text);
    let doc = file.items[1].doc.as_ref().unwrap();
    assert_eq!(&text[doc.span.range()], "/// Doc.\n/// More.");
    let ItemKind::Enum(e) = &file.items[2].kind else {
        panic!()
    };
    assert_eq!(
        &text[e.variants[0].doc.as_ref().unwrap().span.range()],
        "/// V."
    );
}

#[test]
fn an_empty_file_warning_points_at_a_whole_character() {
    // U+3000 is white space of three bytes: the label must not split it.
    let text = "\u{3000}\n";
    let (_, diags) = parse(0, text);
    let d = diags.iter().find(|d| d.code == "W0100").expect("W0100");
    let span = d.labels[0].span;
    assert_eq!((span.start, span.end), (0, 3));
}

#[test]
fn a_thread_short_of_stack_gets_a_diagnostic_not_a_crash() {
    // 256 brackets (the limit) need about 0.75 MiB in a debug build; pest stops when
    // less than 64 KiB is left, and that is reported as nesting too deep.
    let text = format!("define d = {}a{}\n", "(".repeat(256), ")".repeat(256));
    let diags = std::thread::Builder::new()
        .stack_size(160 * 1024)
        .spawn(move || parse(0, &text).1)
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, "E0104", "{diags:#?}");
    assert!(diags[0].message.contains("stack"), "{diags:#?}");
}

#[test]
fn a_long_string_where_none_belongs_is_underlined_on_character_boundaries() {
    // The label covers at most 60 bytes of the string; byte 60 is inside `é`.
    let text = format!("enum E \"{}é\"\n", "x".repeat(58));
    let (_, diags) = parse(0, &text);
    let span = diags[0].labels[0].span;
    assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    assert_eq!(&text[span.range()], &format!("\"{}", "x".repeat(58)));
}

/// Every byte of a file belongs to a declaration, a comment or whitespace: a lone word,
/// or text before the first declaration, is an error, not a file that declares nothing.
#[test]
fn text_before_the_first_declaration_is_an_error() {
    assert_eq!(
        messages("xyz"),
        vec!["E0101: expected a declaration (`input`, `output`, `rule`, ...)"]
    );
    assert_eq!(
        messages("garbage here\npolicy a \"t\"\ninput x: bool\n"),
        vec!["E0101: expected a declaration (`input`, `output`, `rule`, ...)"]
    );
    // On the line of the first declaration, before it.
    assert_eq!(messages("x input y: bool\n").len(), 1);
    assert_eq!(messages("\"s\"\ninput y: bool\n").len(), 1);
    assert_eq!(messages("{\ninput y: bool\n").len(), 1);
    // Comments and doc comments before it are not.
    parse_ok("// a comment\n/// a doc comment\ninput y: bool\n");
}

/// A byte-order mark at the start is not text; one elsewhere is named, since it cannot
/// be seen.
#[test]
fn a_byte_order_mark_is_skipped_at_the_start_and_named_elsewhere() {
    parse_ok("\u{feff}policy a \"t\"\ninput x: bool\n");
    let d = parse(0, "input x: bool\n\u{feff}input y: bool\n").1;
    assert_eq!(d.len(), 1, "{d:#?}");
    // Named in the message or in the label under it (where depends on the message's
    // shape), never shown as an invisible character.
    let named = std::iter::once(&d[0].message)
        .chain(d[0].labels.iter().map(|l| &l.message))
        .any(|m| m.contains("U+FEFF (a byte-order mark)"));
    assert!(named, "{d:#?}");
}

/// `when then` has no condition: the message says so, rather than "after the condition".
#[test]
fn a_missing_condition_is_named() {
    let msgs = messages("rule r \"t\" when then o = a\n");
    assert_eq!(
        msgs,
        vec!["E0101: the condition is missing: expected a condition after `when` in rule `r`"]
    );
    let msgs = messages("rule r \"t\" when\n");
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].contains("the condition is missing"), "{msgs:?}");
}

/// The clauses of issues 16, 17 and 23: judgement, precedence, exclusive and ignore.
#[test]
fn hit_policies_judgements_and_ignores_parse_with_spans() {
    let text = "input a: bool typical false judgement \"001 para 7\"\n\
                output r: Response default m\n  precedence e > m > -1 > true\n\
                output x: bool exclusive\n\
                ignore a, b \"not used\"\n";
    let f = parse_ok(text);
    let ItemKind::Input(i) = &f.items[0].kind else {
        panic!("{:?}", f.items[0])
    };
    let j = i.judgement.as_ref().unwrap();
    assert_eq!(&text[j.keyword.range()], "judgement");
    assert_eq!(j.citation.value, "001 para 7");
    assert!(i.typical.is_some());
    let ItemKind::Output(o) = &f.items[1].kind else {
        panic!()
    };
    assert!(o.default.is_some());
    let [HitClause::Precedence {
        keyword,
        values,
        span,
    }] = o.hit.as_slice()
    else {
        panic!("{:?}", o.hit)
    };
    assert_eq!(&text[keyword.range()], "precedence");
    assert_eq!(&text[span.range()], "precedence e > m > -1 > true");
    let shown: Vec<String> = values.iter().map(show).collect();
    assert_eq!(shown, ["e", "m", "-1", "true"]);
    assert_eq!(&text[values[2].span.range()], "-1");
    let ItemKind::Output(x) = &f.items[2].kind else {
        panic!()
    };
    assert!(
        matches!(x.hit.as_slice(), [HitClause::Exclusive(s)] if &text[s.range()] == "exclusive")
    );
    let ItemKind::Ignore(g) = &f.items[3].kind else {
        panic!()
    };
    let names: Vec<&str> = g.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(g.reason.value, "not used");
    assert_eq!(&text[f.items[3].span.range()], "ignore a, b \"not used\"");
    // Two hit clauses parse (the checker says why they do not go together).
    let f = parse_ok("output x: bool exclusive precedence true > false\n");
    let ItemKind::Output(x) = &f.items[0].kind else {
        panic!()
    };
    assert_eq!(x.hit.len(), 2);
}

/// `judgement`, `precedence` and `exclusive` only follow a type, so they stay names;
/// `ignore` starts a declaration and is reserved.
#[test]
fn the_new_words_are_names_except_ignore() {
    parse_ok("input judgement: bool\ninput precedence: bool\noutput exclusive: bool exclusive\n");
    let (f, d) = parse(0, "input ignore: bool\n");
    assert_eq!(f.items.len(), 1);
    assert_eq!(d[0].code, "E0102", "{d:#?}");
    // A line starting with `ignore` is a declaration of its own: the one before it
    // parses on its own.
    let (f, d) = parse(0, "input a: bool\nignore a \"r\"\ninput b: bool\n");
    assert!(d.is_empty(), "{d:#?}");
    assert_eq!(f.items.len(), 3);
}

/// The one diagnostic parsing `text` gives.
fn only_diagnostic(text: &str) -> crate::diagnostics::Diagnostic {
    let mut d = parse(0, text).1;
    assert_eq!(d.len(), 1, "{text}: {d:#?}");
    d.remove(0)
}

/// Malformed clauses get messages that say what the clause is and how it is written.
#[test]
fn malformed_clauses_get_hints() {
    let help = |text: &str| -> (String, String) {
        let d = only_diagnostic(text);
        (d.message, d.help.unwrap_or_default())
    };
    let (m, h) = help("output o: bool precedence true\n");
    assert!(m.contains("expected `>`"), "{m}");
    assert!(h.contains("two or more values"), "{h}");
    let (_, h) = help("output o: bool precedence true, false\n");
    assert!(h.contains("separated by `>`"), "{h}");
    let (m, _) = help("output o: bool precedence true >\n");
    assert!(m.contains("expected a value"), "{m}");
    let (_, h) = help("output o: R precedence a > b default a\n");
    assert!(h.contains("`default` comes before `precedence`"), "{h}");
    let (_, h) = help("output o: bool exclusive default true\n");
    assert!(h.contains("`default` comes before `exclusive`"), "{h}");
    let (_, h) = help("input i: bool judgement\n");
    assert!(h.contains("citation"), "{h}");
    let (_, h) = help("input i: bool judgement \"x\" typical true\n");
    assert!(h.contains("`typical` comes before `judgement`"), "{h}");
    let (_, h) = help("output o: bool judgement \"x\"\n");
    assert!(h.contains("qualifies an input"), "{h}");
    let (_, h) = help("input i: bool exclusive\n");
    assert!(h.contains("qualifies an output"), "{h}");
    let (m, h) = help("ignore a, b\n");
    assert!(m.contains("`ignore` declaration"), "{m}");
    assert!(h.contains("gives the reason"), "{h}");
    let (_, h) = help("ignore \"x\"\n");
    assert!(h.contains("names the inputs"), "{h}");
}

/// A writer who bounds an integer type as other languages do is shown the range alone,
/// with their own bounds when they wrote an inclusive range, and never told to write a
/// range they did not mean.
#[test]
fn a_range_after_int_is_shown_as_the_type() {
    let help = |text: &str| only_diagnostic(text).help.unwrap_or_default();
    for (text, want) in [
        (
            "input age: int 0..=17\n",
            "`input age: 0..=17`, without `int`",
        ),
        (
            "input age: int in 0..=17\n",
            "`input age: 0..=17`, without `int`",
        ),
        (
            "input age: integer(0 ..= 17)\n",
            "`input age: 0..=17`, without `integer`",
        ),
        (
            "input t: i32 -5..=-1 typical -2\n",
            "`input t: -5..=-1`, without `i32`",
        ),
        (
            "output score: int [0..=10]\n",
            "`output score: 0..=10`, without `int`",
        ),
        (
            "input age: int 0..17\n",
            "`input age: LO..=HI`, without `int`",
        ),
        // Not whole decimal numbers: not echoed cut short.
        ("input age: int 0..=1_000\n", "`input age: LO..=HI`"),
        ("input age: int 1..=0x10\n", "`input age: LO..=HI`"),
        ("input age: int 0..=17.5\n", "`input age: LO..=HI`"),
        (
            "input age: Number between 0 and 17\n",
            "`input age: LO..=HI`",
        ),
    ] {
        let h = help(text);
        assert!(h.contains(want), "{text}: {h}");
    }
    for text in [
        "input s: Severity in {a, b}\n",
        "input s: Severity 3\n",
        "input age: int typical\n",
    ] {
        let h = help(text);
        assert!(!h.contains("the range is itself the type"), "{text}: {h}");
    }
}

#[test]
fn a_large_file_parses_the_same_on_several_threads() {
    // Declarations that parse, that fail to parse (recovered one by one) and that lower
    // with a diagnostic, past the size where parsing is split among threads.
    let mut text = String::from("policy p \"P\"\ninput a: bool\noutput o: bool\n");
    for k in 0..3000 {
        match k % 7 {
            3 => text.push_str(&format!("rule r{k} \"R\" when a and then o = true\n")),
            5 => text.push_str(&format!("rule when \"R\" when a then o = false\n// {k}\n")),
            _ => text.push_str(&format!(
                "/// r{k}\nrule r{k} \"R\" when not a then o = true\n"
            )),
        }
    }
    assert!(text.len() > PARALLEL_BYTES);
    let scanned = scan::scan(&text);
    let serial = parse_chunks_on(0, &text, &scanned.chunks, 1);
    assert!(serial
        .iter()
        .any(|(item, d)| item.is_none() && !d.is_empty()));
    assert!(serial
        .iter()
        .any(|(item, d)| item.is_some() && !d.is_empty()));
    for threads in [2, 3, 4, 7] {
        let parallel = parse_chunks_on(0, &text, &scanned.chunks, threads);
        assert_eq!(parallel, serial, "{threads} threads");
    }
    let (file, diags) = parse(0, &text);
    assert_eq!(
        file.items.len(),
        serial.iter().filter(|p| p.0.is_some()).count()
    );
    assert_eq!(
        diags,
        serial.into_iter().flat_map(|p| p.1).collect::<Vec<_>>()
    );
}

/// `and` between assignments is told to be `,` (not "compare with `==`", which leads to
/// a second error), with the writer's own clause mended; `or` is told that a list holds
/// together, since `,` would change what was meant.
#[test]
fn and_between_assignments_is_told_to_be_a_comma() {
    let help = |text: &str| only_diagnostic(text).help.unwrap_or_default();
    let h = help("rule r \"R\" cites \"x\" when a then refer = true and record = true\n");
    assert!(
        h.contains("separate assignments with `,`, not `and`: `then refer = true, record = true`"),
        "{h}"
    );
    let h = help("scenario s \"S\"\n  given a = true and\n    b = false\n  expect o = true\n");
    assert!(h.contains("`given a = true, b = false`"), "{h}");
    let h = help("scenario s \"S\" given a = true expect o = x and p = y\n");
    assert!(h.contains("`expect o = x, p = y`"), "{h}");
    let h = help("scenario s \"S\" given a = true or b = true expect o = x\n");
    assert!(h.contains("write two scenarios"), "{h}");
    assert!(!h.contains("`given a = true, b = true`"), "{h}");
    // A comparison in a condition is still told about `==`.
    let h = help("rule r \"R\" cites \"x\" when a = true and b then o = true\n");
    assert!(h.contains("compare with `==`"), "{h}");
    // Also where a citation says "then" (it once passed for the clause).
    let h = help(
        "rule r \"R\" cites \"002: 'if so, then escalate'\" when y <= 12 and c = true then o = true\n",
    );
    assert!(h.contains("compare with `==`"), "{h}");
    // Only the joiner before the failing `=` is mended: an earlier `and` is a value's.
    let h = help("rule r \"R\" cites \"x\" when c then a = c and v, b = true and d = true\n");
    assert!(h.contains("`then a = c and v, b = true, d = true`"), "{h}");
}

/// `when !x` has a condition, written with `!`: it is told to write `not`, not that the
/// condition is missing; `when then` still is.
#[test]
fn a_bang_after_when_is_not_a_missing_condition() {
    let d = parse(0, "rule r \"R\" cites \"x\" when !a then o = true\n").1;
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(!d[0].message.contains("missing"), "{}", d[0].message);
    assert!(d[0].message.contains("after `when`"), "{}", d[0].message);
    assert_eq!(d[0].help.as_deref(), Some("write `not` instead of `!`"));
    let d = parse(0, "rule r \"R\" cites \"x\" when then o = true\n").1;
    assert!(
        d[0].message.contains("the condition is missing"),
        "{}",
        d[0].message
    );
    let d = parse(0, "rule r \"R\" cites \"x\" when\n").1;
    assert!(
        d[0].message.contains("the condition is missing"),
        "{}",
        d[0].message
    );
}

/// What other languages write where this one has its own form gets a hint naming it:
/// an unquoted `use` path, a string as a default, `if`/`else` in a rule, a `;`.
#[test]
fn slips_from_other_languages_get_hints() {
    let help = |text: &str| {
        let d = parse(0, text).1;
        assert!(!d.is_empty(), "{text}");
        d[0].help.clone().unwrap_or_default()
    };
    let h = help("use incident.policy\n");
    assert!(h.contains("`use \"incident.policy\"`"), "{h}");
    let h = help("use ../incident.policy\n");
    assert!(h.contains("`use \"../incident.policy\"`"), "{h}");
    let h = help("output o: bool default \"no\"\n");
    assert!(h.contains("not a string"), "{h}");
    let h = help("input i: bool typical \"yes\"\n");
    assert!(h.contains("not a string"), "{h}");
    let h = help("rule r \"R\" cites \"x\"\n  if c then o = true\n");
    assert!(h.contains("follows `when`"), "{h}");
    let h = help("rule r \"R\" cites \"x\" when c then o = true else o = false\n");
    assert!(h.contains("a second rule"), "{h}");
    let h = help("enum E { a, b };\n");
    assert_eq!(
        h,
        "a declaration ends where the next one begins: remove the `;`"
    );
    let h = help("rule r \"R\" cites \"x\" when c then o = true; p = false\n");
    assert!(h.contains("separate assignments with `,`"), "{h}");
    // A title string is not a default's string.
    let h = help("output o: bool \"title\" default false\n");
    assert!(!h.contains("not a string"), "{h}");
}
