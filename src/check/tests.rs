//! Checker tests from policy text, through the real parser, over an in-memory file
//! system.

use crate::testing::id;
use std::path::{Path, PathBuf};

use super::ir::{CmpOp, Expr};
use super::{check_file, check_text, Checked};
use crate::diagnostics::{Diagnostic, Fix, LabelStyle, Severity};
use crate::source::Sources;
use crate::testing::MemFs;

const ROOT: &str = "/mem/main.policy";

fn run_files(files: &[(&str, &str)], root: &str) -> (Sources, Checked) {
    let fs: MemFs = files.iter().copied().collect();
    let mut sources = Sources::new();
    let checked = check_file(&mut sources, &fs, Path::new(root));
    (sources, checked)
}

fn run(text: &str) -> (Sources, Checked) {
    run_files(&[(ROOT, text)], ROOT)
}

fn codes(c: &Checked) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn errors(c: &Checked) -> Vec<&Diagnostic> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn only_error<'c>(c: &'c Checked, code: &str) -> &'c Diagnostic {
    let errs = errors(c);
    assert_eq!(
        errs.len(),
        1,
        "expected one error {code}, got {:#?}",
        c.diagnostics
    );
    let d = errs[0];
    assert_eq!(d.code, code, "{d:#?}");
    d
}

fn policy(text: &str) -> super::ir::Policy {
    let (_, c) = run(text);
    assert!(
        errors(&c).is_empty(),
        "unexpected errors: {:#?}",
        c.diagnostics
    );
    c.policy.expect("a policy when there are no errors")
}

/// The text a label points at.
fn labelled<'s>(s: &'s Sources, d: &Diagnostic, style: LabelStyle) -> Vec<&'s str> {
    d.labels
        .iter()
        .filter(|l| l.style == style)
        .map(|l| s.slice(crate::source::Loc::new(l.file, l.span)))
        .collect()
}

const AGES: &str = "input youngest_age: 0..=99\ninput oldest_age: 0..=99\ninput coercion: bool\n";

// ---- lowering ---------------------------------------------------------------

#[test]
fn lowers_an_age_gap_comparison() {
    let p = policy(&format!(
        "{AGES}output big_gap: bool default false\n\
         rule r \"Gap\" cites \"002\" when oldest_age - youngest_age >= 3 then big_gap = true\n\
         assert a \"uses coercion\" always coercion or not coercion"
    ));
    // `oldest_age - youngest_age >= 3`: a linear comparison, terms in input order.
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn inlines_int_defines_and_folds_constants() {
    let p = policy(&format!(
        "{AGES}define age_gap = oldest_age - youngest_age\n\
         define limit = 2 * (1 + 2) - 3\n\
         define big = 2 * age_gap + 1 > limit\n\
         output o: bool default false\n\
         rule r \"r\" cites \"c\" when big and coercion then o = true"
    ));
    // Int defines are folded and inlined (`big` reads `2*oldest_age - 2*youngest_age +
    // 1 > 3`); a bool define stays a reference in the rule.
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn flattens_and_or_and_lowers_not_equal() {
    let p = policy(
        "input a: bool\ninput b: bool\ninput c: bool\ninput d: bool\n\
         enum Sev { semi_nude, nude, extreme }\ninput sev: Sev\n\
         output o: bool default false\n\
         rule r \"r\" cites \"c\" when (a and (b and c)) or d or sev != nude then o = true\n\
         rule s \"s\" cites \"c\" when sev in {extreme, semi_nude, extreme} then o = true\n\
         rule t \"t\" cites \"c\" when sev not in {nude} then o = true",
    );
    // Nested `and`s flatten into one chain; `!=` and `not in` are the negation of
    // membership; a set of variants is sorted, without repeats.
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn rule_without_when_is_always_and_sets_are_sorted() {
    let p = policy(
        "enum Outcome { outcome_1, outcome_2, outcome_10, outcome_21 }\n\
         output likely: set of Outcome\n\
         rule r \"r\" cites \"c\" then likely = {outcome_21, outcome_1, outcome_21}",
    );
    // No `when` is `true`; the set assigned is sorted by declaration, without repeats.
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn ranges_and_bool_equalities() {
    let p = policy(&format!(
        "{AGES}output o: bool default false\n\
         rule r \"r\" cites \"c\" when youngest_age in 13..=15 and coercion == false then o = true\n\
         rule s \"s\" cites \"c\" when coercion != (oldest_age > 17) then o = true"
    ));
    // A range is two comparisons; `== false` is `not`; `!=` between conditions is
    // the negation of `iff`.
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn variants_resolve_by_expected_type() {
    let p = policy(
        "enum Previous { none, earlier_incident, police_warned }\n\
         enum Concern { high, none }\n\
         input previous: Previous\ninput concern: Concern\n\
         output o: Concern default none\n\
         rule r \"r\" cites \"c\" when previous == none and none == concern then o = high\n\
         scenario s \"s\" given previous = none, concern = none expect o = none",
    );
    // `none` is `Previous::none` or `Concern::none` by the type it is compared with or
    // given to.
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn outputs_in_asserts() {
    let p = policy(
        "input coercion: bool\n\
         enum Response { escalate, manage }\nenum Outcome { o1, o21 }\n\
         output response: Response\noutput record: bool default true\n\
         output likely: set of Outcome\noutput score: 0..=10 default 0\n\
         rule r \"r\" cites \"c\" when coercion then response = escalate, likely = {o1}, score = 7\n\
         rule s \"s\" cites \"c\" when not coercion then response = manage, score = 2\n\
         assert a \"a\" always coercion implies response == escalate and record\n\
         assert b \"b\" always likely contains o21 or score >= 5\n\
         assert c \"c\" always likely == {o1}",
    );
    // A bool output read alone is `is {true}`; `score >= 5` is the values rules give
    // it (0, 2, 7) that satisfy it; a set equality is membership of each variant.
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn header_names_the_policy_and_else_the_file_stem() {
    let p = policy("/// Doc.\npolicy school \"A school\" source \"002.txt\" version \"1\"\ninput a: bool\nassume a or not a");
    assert_eq!(p.name, "school");
    let h = p.header.expect("header");
    assert_eq!(h.source.as_deref(), Some("002.txt"));
    assert_eq!(h.doc.as_deref(), Some("Doc."));
    let p = policy("input a: bool\nassume a");
    assert_eq!(p.name, "main");
    assert!(p.header.is_none());
}

// ---- names ------------------------------------------------------------------

#[test]
fn unknown_name_is_reported_once_with_a_suggestion() {
    let (s, c) = run(&format!(
        "{AGES}output o: bool default false\n\
         rule r \"r\" cites \"c\" when coersion == true and oldest_age > 3 then o = true"
    ));
    let d = only_error(&c, "E0203");
    assert_eq!(d.help.as_deref(), Some("did you mean `coercion`?"));
    assert_eq!(d.data, None);
    assert_eq!(
        d.machine_data(),
        Some(serde_json::json!({"suggestion": "coercion"}))
    );
    assert_eq!(labelled(&s, d, LabelStyle::Primary), vec!["coersion"]);
    assert!(c.policy.is_none());
}

/// The fix the checker builds for a misspelt name puts the suggested name in its place,
/// and the text it makes checks clean: every kind of name that "did you mean" serves.
#[test]
fn a_fix_for_a_misspelt_name_applies_and_checks_clean() {
    let clean = format!(
        "{AGES}enum Level {{ low, high }}\ninput level: Level\noutput respond: bool default false\n\
         rule base \"b\" cites \"c\" when coercion and level == high then respond = true\n\
         rule r \"r\" cites \"c\" overrides base when oldest_age > 3 then respond = false\n\
         scenario s \"s\" given coercion = true, level = low, oldest_age = 2, youngest_age = 1 expect respond = false\n"
    );
    assert!(errors(&run(&clean).1).is_empty(), "{clean}");
    for (right, wrong) in [
        ("when coercion", "when coersion"),
        ("== high", "== hihg"),
        ("overrides base", "overrides bsae"),
        ("then respond = false", "then repsond = false"),
        ("given coercion", "given coercoin"),
        ("input level: Level", "input level: Levle"),
    ] {
        let misspelt = clean.replacen(right, wrong, 1);
        let (s, c) = run(&misspelt);
        let d = errors(&c)[0];
        let [fix] = d.fixes.as_slice() else {
            panic!("one fix for {wrong}: {d:#?}")
        };
        assert!(matches!(fix, Fix::Rename { .. }), "{fix:?}");
        assert_eq!(
            d.help.as_deref(),
            Some(format!("did you mean `{}`?", fix.data_entry().unwrap_or_default().1).as_str())
        );
        let edit = fix.edit(&s);
        let fixed = edit
            .apply(s.text(edit.loc.file))
            .expect("the span is in the text");
        assert_eq!(fixed, clean, "{wrong}");
        let (_, again) = run(&fixed);
        assert!(
            again.diagnostics.iter().all(|d| !d.is_error()),
            "{wrong}: {:#?}",
            again.diagnostics
        );
    }
}

#[test]
fn unknown_names_in_then_given_expect_and_overrides() {
    let (_, c) = run("input coercion: bool\noutput response: bool\n\
         rule base \"b\" cites \"c\" when coercion then response = true\n\
         rule r \"r\" cites \"c\" overrides bsae when coercion then respons = true\n\
         scenario s \"s\" given coercoin = true expect respnse = true");
    let helps: Vec<(&str, Option<&str>)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.help.as_deref()))
        .collect();
    assert_eq!(
        helps,
        vec![
            ("E0404", Some("did you mean `base`?")),
            ("E0203", Some("did you mean `response`?")),
            ("E0203", Some("did you mean `coercion`?")),
            ("E0203", Some("did you mean `response`?")),
        ]
    );
}

#[test]
fn variant_not_in_expected_enum_lists_the_variants() {
    let (s, c) = run(
        "enum Response { escalate, manage_in_school }\nenum Other { escalated }\n\
         input coercion: bool\noutput response: Response\n\
         rule r \"r\" cites \"c\" when coercion then response = escalated",
    );
    let d = only_error(&c, "E0205");
    assert_eq!(d.message, "`escalated` is not a variant of `Response`");
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("`escalate`, `manage_in_school`")),
        "{d:#?}"
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `escalate`?"));
    assert_eq!(labelled(&s, d, LabelStyle::Secondary), vec!["Response"]);
}

/// A value lengthened to a variant (`sexual` for `sexual_act`) is suggested, though too
/// far for a misspelling; an enum of a used vocabulary is not offered for extension
/// (review C5).
#[test]
fn unknown_variant_suggests_the_lengthened_one_and_leaves_the_vocabulary_alone() {
    let vocab = "enum Severity { semi_nude, nude, sexual_act, extreme }
                 input severity: Severity
";
    let main = |cond: &str| {
        format!(
            "policy p \"t\"\nuse \"v.policy\"\noutput o: bool\n\
             rule r \"r\" cites \"c\" when {cond} then o = true\n"
        )
    };
    let (_, c) = run_files(
        &[
            ("/mem/v.policy", vocab),
            (ROOT, &main("severity == sexual")),
        ],
        ROOT,
    );
    let d = only_error(&c, "E0205");
    assert_eq!(d.help.as_deref(), Some("did you mean `sexual_act`?"));
    let (_, c) = run_files(
        &[
            ("/mem/v.policy", vocab),
            (ROOT, &main("severity == violent")),
        ],
        ROOT,
    );
    let d = only_error(&c, "E0205");
    assert_eq!(
        d.help.as_deref(),
        Some("use one of the variants of `Severity` (it is declared in a file this one uses, shared with other policies: a value it lacks is a change to that file, not to this policy)")
    );
    // Declared in the same file, adding the value is the writer's to do.
    let (_, c) = run("enum Severity { nude, sexual_act }
input severity: Severity
output o: bool
         rule r \"r\" cites \"c\" when severity == violent then o = true");
    let d = only_error(&c, "E0205");
    assert_eq!(
        d.help.as_deref(),
        Some("use one of the variants of `Severity`, or add `violent` to it")
    );
}

#[test]
fn duplicates_point_at_the_first_declaration_across_files() {
    let (s, c) = run_files(
        &[
            (
                "/mem/vocab.policy",
                "input coercion: bool\nenum E { a, b, a }",
            ),
            (
                ROOT,
                "use \"vocab.policy\"\noutput coercion: bool\nenum E { x }",
            ),
        ],
        ROOT,
    );
    let errs = errors(&c);
    assert_eq!(
        codes(&c).iter().filter(|c| c.starts_with('E')).count(),
        3,
        "{:#?}",
        c.diagnostics
    );
    let dup = errs
        .iter()
        .find(|d| d.code == "E0201" && d.message.contains("coercion"))
        .expect("dup");
    let second = dup
        .labels
        .iter()
        .find(|l| l.style == LabelStyle::Secondary)
        .expect("secondary");
    assert_eq!(s.name(second.file), "/mem/vocab.policy");
    assert!(errs
        .iter()
        .any(|d| d.code == "E0201" && d.message.contains("enum `E`")));
    assert!(errs.iter().any(|d| d.code == "E0202"));
}

#[test]
fn rule_name_used_as_a_value() {
    let (_, c) =
        run("input a: bool\noutput o: bool\nrule r \"r\" cites \"c\" when r then o = true");
    only_error(&c, "E0206");
}

#[test]
fn wrong_kinds_in_then_and_given() {
    let (_, c) = run("input a: bool\noutput o: bool\n\
         rule r \"r\" cites \"c\" when a then a = true\n\
         scenario s \"s\" given o = true expect a = true");
    let errs: Vec<&str> = errors(&c).iter().map(|d| d.code.as_str()).collect();
    assert_eq!(errs, vec!["E0206", "E0206", "E0206"]);
}

// ---- types ------------------------------------------------------------------

#[test]
fn mismatch_points_at_the_declaration() {
    let (s, c) = run(&format!(
        "{AGES}output o: bool\nrule r \"r\" cites \"c\" when coercion == 1 then o = true"
    ));
    let d = only_error(&c, "E0301");
    assert_eq!(labelled(&s, d, LabelStyle::Primary), vec!["1"]);
    assert_eq!(
        labelled(&s, d, LabelStyle::Secondary),
        vec!["coercion", "bool"]
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("no implicit conversion"),
        "{d:#?}"
    );
}

#[test]
fn type_errors_of_every_operator() {
    let cases: &[(&str, &str)] = &[
        ("youngest_age and coercion", "E0302"),
        ("not severity", "E0302"),
        ("coercion + 1 > 2", "E0303"),
        ("youngest_age * oldest_age > 2", "E0304"),
        ("severity < nude", "E0305"),
        ("coercion < true", "E0305"),
        ("youngest_age in {nude}", "E0306"),
        ("severity in 1..=2", "E0307"),
        ("severity contains nude", "E0308"),
        ("youngest_age", "E0309"),
        ("nude", "E0309"),
        ("response == escalate", "E0310"),
        ("9223372036854775807 + youngest_age + 1 > 0", "E0311"),
        ("youngest_age <= 150", "E0312"),
        ("youngest_age in 10..=5", "E0313"),
    ];
    for (cond, code) in cases {
        let (_, c) = run(&format!(
            "{AGES}enum Severity {{ semi_nude, nude }}\ninput severity: Severity\n\
             enum Response {{ escalate, manage }}\noutput response: Response\n\
             rule r \"r\" cites \"c\" when {cond} then response = escalate"
        ));
        let errs = errors(&c);
        assert_eq!(errs.len(), 1, "`{cond}`: {:#?}", c.diagnostics);
        assert_eq!(errs[0].code, *code, "`{cond}`: {:#?}", errs[0]);
    }
}

#[test]
fn range_error_labels_the_declared_range() {
    let (s, c) = run(&format!("{AGES}scope youngest_age < 120"));
    let d = only_error(&c, "E0312");
    assert_eq!(labelled(&s, d, LabelStyle::Primary), vec!["120"]);
    assert_eq!(labelled(&s, d, LabelStyle::Secondary), vec!["0..=99"]);
}

/// Widening the range is offered where the input is the policy's own, never as the
/// way out where it comes from a shared vocabulary every policy reading it shares.
#[test]
fn widening_a_shared_range_is_not_offered_lightly() {
    let help = |c: &Checked| only_error(c, "E0312").help.clone().unwrap_or_default();
    let (_, c) = run(&format!("{AGES}scope youngest_age < 120"));
    assert!(
        help(&c).contains("or widen the range of `youngest_age`"),
        "{}",
        help(&c)
    );
    let vocabulary = "/mem/incident.policy";
    for text in [
        "use \"incident.policy\"\nscope youngest_age < 120\n",
        "use \"incident.policy\"\noutput o: bool\nscenario s \"S\" given youngest_age = 120 expect o = true\n",
    ] {
        let (_, c) = run_files(&[(vocabulary, AGES), (ROOT, text)], ROOT);
        let h = help(&c);
        assert!(!h.contains("or widen"), "{h}");
        assert!(h.contains("declared in another file"), "{h}");
    }
}

#[test]
fn values_out_of_range_and_of_the_wrong_shape() {
    let (_, c) = run(
        "input age: 0..=17\nenum Outcome { outcome_1, outcome_21 }\n\
         output likely: set of Outcome\noutput single: Outcome\noutput n: 0..=5 default 9\n\
         rule r \"r\" cites \"c\" when age > 3 then likely = outcome_21, single = {outcome_1}, n = 3\n\
         scenario s \"s\" given age = 18 expect n = -1",
    );
    assert_eq!(codes(&c), vec!["E0312", "E0314", "E0314", "E0312", "E0312"]);
    let set = c
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`likely` is a set"))
        .expect("E0314");
    assert_eq!(
        set.help.as_deref(),
        Some("write a set: `likely = {outcome_21}`")
    );
    let single = c
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`single` holds one value"))
        .expect("E0314");
    assert_eq!(
        single.help.as_deref(),
        Some("give one value: `single = outcome_1`")
    );
}

#[test]
fn an_empty_type_range_and_an_unknown_type() {
    let (_, c) =
        run("input a: 5..=1\ninput b: Sevrity\nenum Severity { x }\nassume a > 2 and b == x");
    assert_eq!(codes(&c), vec!["E0313", "E0204"]);
    assert_eq!(
        c.diagnostics[1].help.as_deref(),
        Some("did you mean `Severity`?")
    );
}

#[test]
fn output_assigned_twice_and_facts_repeated() {
    let (s, c) = run("input a: bool\noutput o: bool\noutput p: bool\n\
         rule r \"r\" cites \"c\" when a then o = true, p = true, o = false\n\
         scenario s \"s\" given a = true, a = false expect o = true, undecided o");
    assert_eq!(codes(&c), vec!["E0316", "E0317", "E0318"]);
    for d in &c.diagnostics {
        let first = labelled(&s, d, LabelStyle::Secondary);
        assert_eq!(first.len(), 1, "{d:#?}");
    }
}

#[test]
fn defines_must_be_bool_or_int() {
    let (_, c) = run("enum E { a, b }\ninput e: E\ndefine d = e\nassume d");
    assert_eq!(codes(&c), vec!["E0319"]);
}

#[test]
fn expressions_are_not_values() {
    let (_, c) = run("input a: bool\noutput o: bool\nrule r \"r\" cites \"c\" then o = a\nrule s \"s\" cites \"c\" then o = not a");
    let errs: Vec<&str> = errors(&c).iter().map(|d| d.code.as_str()).collect();
    assert_eq!(errs, vec!["E0315", "E0315"]);
}

#[test]
fn set_inputs_and_empty_enums() {
    let (_, c) =
        run("enum E { a }\nenum Empty {}\ninput s: set of E\ninput x: Empty\nassume x == x");
    assert_eq!(codes(&c), vec!["E0321", "E0320"]);
}

// ---- structure --------------------------------------------------------------

#[test]
fn define_cycle_names_the_chain() {
    let (s, c) = run(
        "input v: bool\ndefine concern = aggravating or v\ndefine aggravating = v and concern\n\
         define selfish = selfish\nassume concern",
    );
    let errs = errors(&c);
    assert_eq!(errs.len(), 2, "{:#?}", c.diagnostics);
    assert_eq!(errs[0].code, "E0407");
    assert_eq!(
        errs[0].message,
        "the define `concern` depends on itself: `concern` -> `aggravating` -> `concern`"
    );
    assert_eq!(
        labelled(&s, errs[0], LabelStyle::Primary),
        vec!["aggravating"]
    );
    assert_eq!(
        labelled(&s, errs[0], LabelStyle::Secondary),
        vec!["concern"]
    );
    assert_eq!(
        errs[1].message,
        "the define `selfish` is defined in terms of itself"
    );
}

#[test]
fn override_problems() {
    let (_, c) = run("input a: bool\noutput o: bool\n\
         rule x \"x\" cites \"c\" overrides y when a then o = true\n\
         rule y \"y\" cites \"c\" overrides z when a then o = true\n\
         rule z \"z\" cites \"c\" overrides x, z, a when a then o = false");
    let msgs: Vec<(&str, &str)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        msgs,
        vec![
            (
                "E0406",
                "rules override each other in a cycle: `x` -> `y` -> `z` -> `x`"
            ),
            ("E0405", "the rule `z` overrides itself"),
            ("E0404", "`a` is an input, not a rule"),
        ]
    );
}

#[test]
fn overrides_are_resolved_to_ids() {
    let p = policy(
        "input a: bool\noutput o: bool default false\n\
         rule base \"b\" cites \"c\" then o = false\n\
         rule ex \"e\" cites \"c\" overrides base when a then o = true",
    );
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn headers_must_be_first_and_unique() {
    let (_, c) = run("input a: bool\npolicy p \"p\"\npolicy q \"q\"\nassume a");
    // The second header is both misplaced and repeated.
    assert_eq!(codes(&c), vec!["E0403", "E0402", "E0403"]);
}

// ---- modules ----------------------------------------------------------------

#[test]
fn a_file_used_twice_is_loaded_once() {
    let (s, c) = run_files(
        &[
            ("/mem/lib/vocab.policy", "input coercion: bool"),
            (
                "/mem/lib/more.policy",
                "use \"vocab.policy\"\ndefine c = coercion",
            ),
            (
                ROOT,
                "policy p \"p\"\nuse \"lib/vocab.policy\"\nuse \"./lib/../lib/more.policy\"\n\
                 output o: bool\nrule r \"r\" cites \"c\" when c then o = true\n\
                 rule r2 \"r\" cites \"c\" when not coercion then o = false",
            ),
        ],
        ROOT,
    );
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
    assert_eq!(s.len(), 3);
    let p = c.policy.expect("policy");
    assert_eq!(p.inputs.len(), 1);
    // The vocabulary comes first.
    assert_eq!(p.inputs[id(0)].loc.file, 1);
}

#[test]
fn header_must_precede_use_and_header_names_the_program() {
    let (_, c) = run_files(
        &[
            ("/mem/school.policy", "policy school \"School\"\ninput a: bool\noutput o: bool\nrule r \"r\" cites \"c\" when a then o = true\nrule s \"s\" cites \"c\" when not a then o = false"),
            (ROOT, "use \"school.policy\"\nscenario t \"t\" given a = true expect o = true"),
        ],
        ROOT,
    );
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let p = c.policy.expect("policy");
    assert_eq!(p.name, "school");
    assert_eq!(p.scenarios.len(), 1);
    assert_eq!(p.rules.len(), 2);
}

#[test]
fn use_cycle_names_the_chain() {
    let (s, c) = run_files(
        &[
            ("/mem/a.policy", "use \"b.policy\"\ninput x: bool"),
            ("/mem/b.policy", "use \"a.policy\"\ninput y: bool"),
            ("/mem/c.policy", "use \"c.policy\""),
        ],
        "/mem/a.policy",
    );
    let e = errors(&c);
    assert_eq!(e.len(), 1, "{:#?}", c.diagnostics);
    assert_eq!(e[0].code, "E0401");
    assert_eq!(
        e[0].message,
        "`use` cycle: `a.policy` -> `b.policy` -> `a.policy`"
    );
    assert_eq!(
        labelled(&s, e[0], LabelStyle::Primary),
        vec!["\"b.policy\""]
    );
    assert_eq!(
        labelled(&s, e[0], LabelStyle::Secondary),
        vec!["\"a.policy\""]
    );

    let (_, c) = run_files(
        &[("/mem/c.policy", "use \"c.policy\"\ninput z: bool")],
        "/mem/c.policy",
    );
    assert_eq!(codes(&c), vec!["E0401"]);
}

#[test]
fn a_missing_use_points_at_the_use() {
    let (s, c) = run_files(&[(ROOT, "use \"nope.policy\"\ninput a: bool")], ROOT);
    let d = only_error(&c, "E0001");
    assert_eq!(
        labelled(&s, d, LabelStyle::Primary),
        vec!["\"nope.policy\""]
    );
}

#[test]
fn check_text_reads_the_root_from_the_buffer() {
    let fs = MemFs::from([
        ("/mem/vocab.policy", "input a: bool"),
        (ROOT, "this is stale"),
    ]);
    let mut sources = Sources::new();
    let c = check_text(
        &mut sources,
        &fs,
        Path::new(ROOT),
        "use \"vocab.policy\"\nassume a".into(),
    );
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    insta::assert_snapshot!(c.policy.expect("policy").pretty());
}

// ---- warnings and recovery ----------------------------------------------------

#[test]
fn warnings_only_for_the_root_and_never_block() {
    let (_, c) = run_files(
        &[
            (
                "/mem/vocab.policy",
                "input unused_in_vocab: bool\nenum Unused { a }\ninput a: bool",
            ),
            (
                ROOT,
                "policy p \"p\"\nuse \"vocab.policy\"\ninput unused: bool\nenum E { x }\n\
                 define d = a\noutput never: bool default true\noutput o: bool default false\n\
                 rule r \"r\" when a then o = true\naccept gap never \"has a default\"",
            ),
        ],
        ROOT,
    );
    let got: Vec<(&str, &str)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("W0001", "the input `unused` is never used"),
            ("W0001", "the enum `E` is never used"),
            ("W0001", "the define `d` is never used"),
            ("W0002", "the output `never` is never assigned"),
            ("W0003", "the rule `r` does not cite its source"),
            ("W0004", "`never` never has a gap to accept"),
        ]
    );
    assert!(c.policy.is_some());
}

#[test]
fn a_vocabulary_module_gets_no_unused_warnings() {
    let (_, c) = run("enum Previous { none, earlier }\ninput previous: Previous\ninput coercion: bool\ndefine d = coercion");
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    assert!(c.policy.is_some());
}

#[test]
fn five_independent_mistakes_are_all_reported() {
    let (_, c) = run("policy p \"p\"\ninput age: 0..=17\ninput coercion: bool\n\
         enum Response { escalate, manage }\noutput response: Response\n\
         rule a \"a\" cites \"c\" when coersion then response = escalate\n\
         rule b \"b\" cites \"c\" when age > 30 then response = manage\n\
         rule c \"c\" cites \"c\" when coercion == 1 then response = escalate\n\
         rule d \"d\" cites \"c\" overrides ee when coercion then response = escalat\n\
         rule e \"e\" cites \"c\" when not coercion then response = {manage}");
    assert_eq!(
        codes(&c),
        vec!["E0203", "E0312", "E0301", "E0404", "E0205", "E0314"]
    );
}

#[test]
fn a_declaration_with_a_syntax_error_does_not_cascade() {
    let (_, c) = run(
        "policy p \"p\"\ninput vulnerable bool\ninput coercion: bool\noutput o: bool default false\n\
         rule r \"r\" cites \"c\" when vulnerable and coercion then o = true",
    );
    assert_eq!(codes(&c), vec!["E0101"]);
    assert!(c.policy.is_none());
}

#[test]
fn deep_chains_of_defines_do_not_overflow() {
    let mut text = String::from("input a: bool\ndefine d0 = a\n");
    for i in 1..3000 {
        text.push_str(&format!("define d{i} = d{} or a\n", i - 1));
    }
    text.push_str("assume d2999\n");
    let p = policy(&text);
    assert_eq!(p.defines.len(), 3000);
}

#[test]
fn int_types_lower_to_ranges() {
    let p = policy("input age: -5..=17\nassume age >= -5");
    insta::assert_snapshot!(p.pretty());
}

#[test]
fn long_chains_and_deep_brackets_do_not_overflow_the_stack() {
    let n = 1000;
    let ands: Vec<String> = (0..n).map(|i| format!("a{i}")).collect();
    let decls: String = ands.iter().map(|a| format!("input {a}: bool\n")).collect();
    let sums: Vec<String> = (0..n).map(|i| format!("x{}", i % 3)).collect();
    let text = format!(
        "{decls}input x0: 0..=9\ninput x1: 0..=9\ninput x2: 0..=9\n\
         assume {}\nassume {} > 5\nassume {}a0{}\nassume {}a0\n",
        ands.join(" and "),
        sums.join(" - "),
        "(".repeat(250),
        ")".repeat(250),
        "not ".repeat(250),
    );
    // The parser recurses on brackets, so parse with room to spare; the checker must
    // then manage in a test thread's default 2 MiB.
    let mut sources = Sources::new();
    let file = sources.add(ROOT, Some(PathBuf::from(ROOT)), text.clone());
    let parsed = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || crate::parse::parse(file, &text))
        .unwrap()
        .join()
        .unwrap();
    assert!(parsed.1.iter().all(|d| !d.is_error()), "{:#?}", parsed.1);
    let program = super::modules::Program {
        modules: vec![super::modules::Module {
            file,
            ast: parsed.0,
            uses: Vec::new(),
        }],
        order: vec![0],
    };
    let (p, diags) = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn_scoped(scope, || {
                super::checker::Checker::new(&sources, &program, file).run(Path::new(ROOT))
            })
            .unwrap()
            .join()
            .unwrap()
    });
    let errs = diags.iter().filter(|d| d.is_error()).count();
    assert_eq!(errs, 0);
    let p = p.unwrap();
    match &p.assumes[0].expr {
        Expr::And(v) => assert_eq!(v.len(), n),
        other => panic!("{other:?}"),
    }
    // x0 - x1 - x2 - x0 - ...: x0 gets 1 - 333, x1 and x2 get -333 each.
    match &p.assumes[1].expr {
        Expr::Cmp { lhs, .. } => {
            assert_eq!(
                lhs.terms,
                vec![(-332, id(n)), (-333, id(n + 1)), (-333, id(n + 2))]
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(p.assumes[2].expr, Expr::Input(id(0)));
    // 250 negations: an even number.
    assert_eq!(p.assumes[3].expr, Expr::Input(id(0)));
}

#[test]
fn subtraction_of_a_bracketed_difference_flips_signs() {
    let p = policy("input a: 0..=9\ninput b: 0..=9\ninput c: 0..=9\nassume a - (b - c) >= 0");
    // `a - (b - c)` is `a - b + c`.
    insta::assert_snapshot!(p.pretty());
}

// ---- lowering preserves meaning -------------------------------------------------

/// A random expression over b0, b1 (bool), x0, x1 (0..=5) and e0, e1 (enum E { p, q, r }),
/// that renders to policy text and evaluates itself, to compare with the IR.
#[derive(Debug)]
enum Gen {
    Lit(bool),
    B(usize),
    Not(Box<Gen>),
    And(Box<Gen>, Box<Gen>),
    Or(Box<Gen>, Box<Gen>),
    Implies(Box<Gen>, Box<Gen>),
    BoolEq(bool, Box<Gen>, Box<Gen>),
    Cmp(CmpOp, IntGen, IntGen),
    EnumIs(bool, usize, usize),
    EnumSame(bool, usize, usize),
    EnumIn(bool, usize, Vec<usize>),
    Range(bool, IntGen, i64, i64),
}

#[derive(Debug)]
enum IntGen {
    Lit(i64),
    X(usize),
    Add(Box<IntGen>, Box<IntGen>),
    Sub(Box<IntGen>, Box<IntGen>),
    Scale(i64, Box<IntGen>),
    Neg(Box<IntGen>),
}

struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

const VARIANTS: [&str; 3] = ["p", "q", "r"];

fn gen_bool(r: &mut Rng, depth: u32) -> Gen {
    let leaf = depth == 0 || r.next(4) == 0;
    let pick = if leaf { r.next(2) } else { 2 + r.next(10) };
    let sub = |r: &mut Rng| Box::new(gen_bool(r, depth.saturating_sub(1)));
    match pick {
        0 => Gen::Lit(r.next(2) == 0),
        1 => Gen::B(r.next(2) as usize),
        2 => Gen::Not(sub(r)),
        3 => Gen::And(sub(r), sub(r)),
        4 => Gen::Or(sub(r), sub(r)),
        5 => Gen::Implies(sub(r), sub(r)),
        6 => Gen::BoolEq(r.next(2) == 0, sub(r), sub(r)),
        7 => {
            let ops = [
                CmpOp::Eq,
                CmpOp::Ne,
                CmpOp::Lt,
                CmpOp::Le,
                CmpOp::Gt,
                CmpOp::Ge,
            ];
            Gen::Cmp(ops[r.next(6) as usize], gen_int(r, 2), gen_int(r, 2))
        }
        8 => Gen::EnumIs(r.next(2) == 0, r.next(2) as usize, r.next(3) as usize),
        9 => Gen::EnumSame(r.next(2) == 0, r.next(2) as usize, r.next(2) as usize),
        10 => {
            let vs = (0..r.next(4)).map(|_| r.next(3) as usize).collect();
            Gen::EnumIn(r.next(2) == 0, r.next(2) as usize, vs)
        }
        _ => {
            let lo = r.next(6) as i64;
            let hi = lo + r.next(6 - lo as u64) as i64;
            Gen::Range(r.next(2) == 0, gen_int(r, 2), lo, hi)
        }
    }
}

fn gen_int(r: &mut Rng, depth: u32) -> IntGen {
    let leaf = depth == 0 || r.next(3) == 0;
    let pick = if leaf { r.next(2) } else { 2 + r.next(4) };
    let sub = |r: &mut Rng| Box::new(gen_int(r, depth - 1));
    match pick {
        0 => IntGen::Lit(r.next(6) as i64),
        1 => IntGen::X(r.next(2) as usize),
        2 => IntGen::Add(sub(r), sub(r)),
        3 => IntGen::Sub(sub(r), sub(r)),
        4 => IntGen::Scale(r.next(5) as i64 - 2, sub(r)),
        _ => IntGen::Neg(sub(r)),
    }
}

fn render_int(g: &IntGen) -> String {
    match g {
        IntGen::Lit(i) => i.to_string(),
        IntGen::X(i) => format!("x{i}"),
        IntGen::Add(a, b) => format!("({} + {})", render_int(a), render_int(b)),
        IntGen::Sub(a, b) => format!("({} - {})", render_int(a), render_int(b)),
        IntGen::Scale(k, a) if *k < 0 => format!("(-{} * {})", -k, render_int(a)),
        IntGen::Scale(k, a) => format!("({k} * {})", render_int(a)),
        IntGen::Neg(a) => format!("(-{})", render_int(a)),
    }
}

fn render(g: &Gen) -> String {
    let not = |n: bool| if n { "not " } else { "" };
    match g {
        Gen::Lit(b) => b.to_string(),
        Gen::B(i) => format!("b{i}"),
        Gen::Not(a) => format!("(not {})", render(a)),
        Gen::And(a, b) => format!("({} and {})", render(a), render(b)),
        Gen::Or(a, b) => format!("({} or {})", render(a), render(b)),
        Gen::Implies(a, b) => format!("({} implies {})", render(a), render(b)),
        Gen::BoolEq(eq, a, b) => {
            format!(
                "({} {} {})",
                render(a),
                if *eq { "==" } else { "!=" },
                render(b)
            )
        }
        Gen::Cmp(op, a, b) => format!("({} {} {})", render_int(a), op.symbol(), render_int(b)),
        Gen::EnumIs(eq, e, v) => {
            format!("(e{e} {} {})", if *eq { "==" } else { "!=" }, VARIANTS[*v])
        }
        Gen::EnumSame(eq, a, b) => format!("(e{a} {} e{b})", if *eq { "==" } else { "!=" }),
        Gen::EnumIn(n, e, vs) => {
            let vs: Vec<&str> = vs.iter().map(|v| VARIANTS[*v]).collect();
            format!("(e{e} {}in {{{}}})", not(*n), vs.join(", "))
        }
        Gen::Range(n, a, lo, hi) => format!("({} {}in {lo}..={hi})", render_int(a), not(*n)),
    }
}

struct World {
    b: [bool; 2],
    x: [i64; 2],
    e: [usize; 2],
}

fn eval_int(g: &IntGen, w: &World) -> i64 {
    match g {
        IntGen::Lit(i) => *i,
        IntGen::X(i) => w.x[*i],
        IntGen::Add(a, b) => eval_int(a, w) + eval_int(b, w),
        IntGen::Sub(a, b) => eval_int(a, w) - eval_int(b, w),
        IntGen::Scale(k, a) => k * eval_int(a, w),
        IntGen::Neg(a) => -eval_int(a, w),
    }
}

fn eval(g: &Gen, w: &World) -> bool {
    match g {
        Gen::Lit(b) => *b,
        Gen::B(i) => w.b[*i],
        Gen::Not(a) => !eval(a, w),
        Gen::And(a, b) => eval(a, w) && eval(b, w),
        Gen::Or(a, b) => eval(a, w) || eval(b, w),
        Gen::Implies(a, b) => !eval(a, w) || eval(b, w),
        Gen::BoolEq(eq, a, b) => (eval(a, w) == eval(b, w)) == *eq,
        Gen::Cmp(op, a, b) => op.holds(eval_int(a, w), eval_int(b, w)),
        Gen::EnumIs(eq, e, v) => (w.e[*e] == *v) == *eq,
        Gen::EnumSame(eq, a, b) => (w.e[*a] == w.e[*b]) == *eq,
        Gen::EnumIn(n, e, vs) => vs.contains(&w.e[*e]) != *n,
        Gen::Range(n, a, lo, hi) => (*lo..=*hi).contains(&eval_int(a, w)) != *n,
    }
}

/// The IR's meaning; inputs are b0 b1 x0 x1 e0 e1, ids 0 to 5.
fn eval_ir(e: &Expr, w: &World) -> bool {
    let int = |i: crate::check::ir::InputId| match i.index() {
        i @ (2 | 3) => w.x[i - 2],
        _ => panic!("not an int input: {i:?}"),
    };
    let en = |i: crate::check::ir::InputId| match i.index() {
        i @ (4 | 5) => id::<crate::check::ir::VariantDef>(w.e[i - 4]),
        _ => panic!("not an enum input: {i:?}"),
    };
    match e {
        Expr::Const(b) => *b,
        Expr::Input(i) => w.b[i.index()],
        Expr::Not(a) => !eval_ir(a, w),
        Expr::And(v) => {
            assert!(v.len() >= 2, "{e:?}");
            assert!(
                v.iter().all(|x| !matches!(x, Expr::And(_))),
                "unflattened {e:?}"
            );
            v.iter().all(|x| eval_ir(x, w))
        }
        Expr::Or(v) => {
            assert!(v.len() >= 2, "{e:?}");
            assert!(
                v.iter().all(|x| !matches!(x, Expr::Or(_))),
                "unflattened {e:?}"
            );
            v.iter().any(|x| eval_ir(x, w))
        }
        Expr::Implies(a, b) => !eval_ir(a, w) || eval_ir(b, w),
        Expr::Iff(a, b) => eval_ir(a, w) == eval_ir(b, w),
        Expr::Cmp { lhs, op, rhs } => op.holds(
            lhs.eval(int).expect("no overflow"),
            rhs.eval(int).expect("no overflow"),
        ),
        Expr::EnumIn { input, variants } => {
            assert!(
                variants.windows(2).all(|p| p[0] < p[1]),
                "unsorted {variants:?}"
            );
            variants.contains(&en(*input))
        }
        Expr::EnumEq(a, b) => en(*a) == en(*b),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn lowering_preserves_meaning_on_random_expressions() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let header = "enum E { p, q, r }\ninput b0: bool\ninput b1: bool\ninput x0: 0..=5\n\
                  input x1: 0..=5\ninput e0: E\ninput e1: E\n";
    let mut compared = 0;
    for _ in 0..300 {
        let g = gen_bool(&mut rng, 4);
        let text = format!("{header}assume {}\n", render(&g));
        let (_, c) = run(&text);
        let range_errors = c.diagnostics.iter().all(|d| d.code == "E0312");
        if !c.diagnostics.is_empty() && range_errors {
            // A literal compared with one input can fall outside 0..=5 after folding
            // (`x0 < 2 * 3`): that is the check working, not a lowering to compare.
            continue;
        }
        assert!(c.diagnostics.is_empty(), "{text}\n{:#?}", c.diagnostics);
        let p = c.policy.expect("policy");
        let ir = &p.assumes[0].expr;
        for bits in 0..(2 * 2 * 6 * 6 * 3 * 3) {
            let mut k = bits;
            let mut take = |n: usize| {
                let v = k % n;
                k /= n;
                v
            };
            let w = World {
                b: [take(2) == 1, take(2) == 1],
                x: [take(6) as i64, take(6) as i64],
                e: [take(3), take(3)],
            };
            assert_eq!(eval(&g, &w), eval_ir(ir, &w), "{text}\nIR: {ir:?}");
        }
        compared += 1;
    }
    assert!(compared > 250, "only {compared} expressions compared");
}

#[test]
fn an_output_left_undecided_on_purpose_gets_no_w0002() {
    // A document that names a decision and never makes it: every gap is accepted.
    let (_, c) = run(
        "policy p \"p\"\n/// A?\ninput a: bool\n/// M?\noutput meeting: bool\n\
         accept gap meeting \"never said\" when a\naccept gap meeting \"nor here\" when not a",
    );
    assert!(
        c.diagnostics.iter().all(|d| d.code != "W0002"),
        "{:#?}",
        c.diagnostics
    );
    // Without an acceptance it is still reported.
    let (_, c) = run("policy p \"p\"\n/// A?\ninput a: bool\n/// M?\noutput meeting: bool");
    assert!(
        c.diagnostics.iter().any(|d| d.code == "W0002"),
        "{:#?}",
        c.diagnostics
    );
}

// ---- hit policies, judgements and ignored inputs (issues 16, 17, 23) ----------

#[test]
fn hit_policies_judgements_and_ignores_lower_to_ir() {
    let vocab = "enum Response { escalate, manage_in_school }\n\
                 /// Is an image online?\ninput image_online: bool\ninput previous: bool\n\
                 input coercion: bool\n\
                 // A vocabulary's assumption constrains incidents, it is no read.\n\
                 assume image_online implies coercion\n";
    let main = "policy p \"t\"\nuse \"v.policy\"\n\
                /// Has a careful assessment found it non-abusive?\n\
                input assessed: bool typical false judgement \"001 para 7: 'a careful assessment'\"\n\
                output response: Response\n  precedence escalate > manage_in_school\n\
                output flag: bool default false\n  precedence true > false\n\
                output single: Response default manage_in_school\n  exclusive\n\
                ignore image_online, previous, image_online \"002 never uses these facts\"\n\
                rule r \"r\" cites \"c\" when coercion and not assessed\n\
                  then response = escalate, flag = true, single = escalate\n";
    let (_, c) = run_files(&[("/mem/v.policy", vocab), (ROOT, main)], ROOT);
    // A name given twice in one `ignore` is a warning (most often a slip for another).
    let codes: Vec<&str> = c.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["W0007"], "{:#?}", c.diagnostics);
    let p = c.policy.expect("policy");
    // Variants by the output's type; a name given twice in `ignore` is one entry.
    insta::assert_snapshot!(p.pretty());
}

/// A wrong value in a precedence is answered with a precedence that parses: two values
/// at least, never `precedence true` alone.
#[test]
fn a_wrong_boolean_in_a_precedence_is_answered_with_a_whole_precedence() {
    let (_, c) = run("output o: bool\n  precedence yes > no\n");
    let helps: Vec<&str> = errors(&c)
        .iter()
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        ["write `precedence true > false` or `precedence false > true`"; 2]
    );
}

#[test]
fn hit_policies_that_do_not_fit_are_refused() {
    let base = "enum R { a, b, c }\n";
    let code_of = |decl: &str| {
        let (_, c) = run(&format!("{base}{decl}\n"));
        codes(&c)
    };
    assert_eq!(code_of("output o: set of R precedence a > b"), ["E0323"]);
    assert_eq!(code_of("output o: set of R exclusive"), ["E0323"]);
    assert_eq!(code_of("output o: 0..=3 precedence 1 > 2"), ["E0323"]);
    assert_eq!(code_of("output o: R exclusive precedence a > b"), ["E0323"]);
    assert_eq!(
        code_of("output o: R precedence a > b precedence b > c"),
        ["E0323"]
    );
    assert_eq!(code_of("output o: R precedence a > b > a"), ["E0324"]);
    // Values take the output's type: a boolean for an enum, a variant of another enum.
    assert_eq!(code_of("output o: R precedence a > true"), ["E0301"]);
    assert_eq!(code_of("output o: bool precedence true > a"), ["E0301"]);
    assert_eq!(code_of("output o: R precedence a > d"), ["E0205"]);
    // An exclusive integer output is fine, and so is a precedence listing some values.
    assert!(code_of("output o: 0..=3 exclusive")
        .iter()
        .all(|c| c.starts_with('W')));
    assert!(code_of("output o: R precedence c > a")
        .iter()
        .all(|c| c.starts_with('W')));
}

#[test]
fn ignore_names_inputs_with_did_you_mean() {
    let (_, c) =
        run("input image_online: bool\noutput o: bool default true\nignore image_onlin \"r\"\n");
    let d = only_error(&c, "E0203");
    assert_eq!(d.help.as_deref(), Some("did you mean `image_online`?"));
    let (s, c) = run("input a: bool\noutput o: bool default true\nignore o \"r\"\n");
    let d = only_error(&c, "E0206");
    assert_eq!(labelled(&s, d, LabelStyle::Primary), ["o"]);
}

/// Every way of reading an ignored input is E0209, pointing at where it is read; an
/// assumption of a used vocabulary, an assert or a scenario is not a read.
#[test]
fn reading_an_ignored_input_is_refused_where_it_is_read() {
    let vocab = "input x: bool\ninput y: bool\ndefine vx = x\nassume x implies y\n";
    let check = |body: &str| {
        let main = format!(
            "policy p \"t\"\nuse \"v.policy\"\noutput o: bool default false\nignore x \"r\"\n{body}"
        );
        run_files(&[("/mem/v.policy", vocab), (ROOT, &main)], ROOT)
    };
    let read_at = |body: &str| -> Vec<String> {
        let (s, c) = check(body);
        let d = only_error(&c, "E0209");
        let mut at: Vec<String> = labelled(&s, d, LabelStyle::Primary)
            .into_iter()
            .map(str::to_string)
            .collect();
        at.extend(
            labelled(&s, d, LabelStyle::Secondary)
                .into_iter()
                .map(str::to_string),
        );
        at
    };
    assert_eq!(
        read_at("rule r \"r\" cites \"c\" when x then o = true\n"),
        ["x", "x"]
    );
    // Through a define of the vocabulary: the define's name where the rule reads it.
    assert_eq!(
        read_at("rule r \"r\" cites \"c\" when vx and y then o = true\n"),
        ["vx", "x"]
    );
    assert_eq!(read_at("scope not x\n"), ["x", "x"]);
    assert_eq!(read_at("accept gap o \"r\" when x\n"), ["x", "x"]);
    assert_eq!(read_at("assume x or y\n"), ["x", "x"]);
    // A define of the policy's own file reads it even when nothing uses the define.
    assert_eq!(read_at("define mine = not x\n"), ["x", "x"]);
    // Not reads: the vocabulary's assumption, an assert, a scenario.
    let (_, c) = check(
        "rule r \"r\" cites \"c\" when y then o = true\n\
         assert a \"a\" always x implies y\n\
         scenario s \"s\" given x = true, y = true expect o = true\n",
    );
    assert!(errors(&c).is_empty(), "{:#?}", c.diagnostics);
}

/// An ignored input of the checked file is not "never used" (W0001): the policy says so.
#[test]
fn an_ignored_input_is_not_reported_unused() {
    let (_, c) = run(
        "policy p \"t\"\ninput a: bool\ninput b: bool\noutput o: bool default false\n\
         ignore b \"the document never uses it\"\n\
         rule r \"r\" cites \"c\" when a then o = true\n",
    );
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
}
