//! The report built from a fixture policy whose text is full of HTML: every piece shows
//! as text, and the page has each part the report promises.

use super::*;
use crate::export::report::build_site;
use crate::source::{RealFs, Sources};

fn tiny_pages() -> Vec<Page> {
    let mut sources = Sources::new();
    let path = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/export/tiny.policy"
    ));
    build_site(&mut sources, &RealFs, &[path])
}

#[test]
fn policy_text_never_becomes_markup() {
    let pages = tiny_pages();
    let html = policy_page(&pages[0]);
    assert!(
        !html.contains("<script"),
        "a <script> element slipped through"
    );
    assert!(!html.contains("<b>bold</b>"));
    assert!(html.contains(
        "Tiny &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos;"
    ));
    assert!(html.contains("tiny-&lt;source&gt;.txt"));
    assert!(html.contains("&lt;coercion&gt; &amp; grooming"));
    let index = index_page(&pages);
    assert!(!index.contains("<script"));
    assert!(index.contains("Tiny &lt;script&gt;"));
}

#[test]
fn the_page_has_every_part() {
    let pages = tiny_pages();
    let html = policy_page(&pages[0]);
    for part in [
        "id=\"graph\"",
        "id=\"rules\"",
        "id=\"findings\"",
        "id=\"scenarios\"",
        "id=\"inputs\"",
        "id=\"outputs\"",
    ] {
        assert!(html.contains(part), "{part}");
    }
    // The whole decision and one drawing per output that is not constant.
    assert!(html.matches("<svg ").count() >= 2);
    // Rules in plain language, linked to the definitions of their terms.
    assert!(html.contains(
        "When <a class=\"term\" href=\"#input-coercion\" title=\"coercion: Was there force, coercion or &quot;grooming&quot;?\">coercion</a>, then"
    ));
    // Findings of every kind the fixture has.
    for badge in [
        "gap</span>",
        "conflict</span>",
        "undecided on purpose</span>",
        "assert fails</span>",
        "dead rule</span>",
        "holds</span>",
    ] {
        assert!(html.contains(badge), "{badge}");
    }
    // Scenario results from the harness: one passes, one fails on purpose.
    assert!(html.contains("badge good\">passes"));
    assert!(html.contains("badge bad\">fails"));
    assert!(!html.contains("not run"));
    // No scripts, no network.
    assert!(html.contains("Content-Security-Policy"));
    // The only URL is the SVG namespace, which is a name, not a fetch.
    assert_eq!(
        html.matches("http://").count() + html.matches("https://").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
}

#[test]
fn ids_in_inline_drawings_are_unique() {
    let pages = tiny_pages();
    let html = policy_page(&pages[0]);
    let mut seen = std::collections::HashSet::new();
    for part in html.split(" id=\"").skip(1) {
        let id = part.split('"').next().unwrap();
        assert!(seen.insert(id.to_string()), "duplicate id {id}");
    }
}

#[test]
fn a_file_with_errors_gets_a_page_that_says_so() {
    let dir = std::env::temp_dir().join(format!("policyc-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad <b>.policy");
    std::fs::write(
        &bad,
        "policy p \"x\"\ninput a: bool\nrule r \"r\" when <b> then\n",
    )
    .unwrap();
    let mut sources = Sources::new();
    let pages = build_site(&mut sources, &RealFs, &[bad]);
    let html = policy_page(&pages[0]);
    assert!(html.contains("does not check"));
    assert!(!html.contains("<b>"));
    assert!(index_page(&pages).contains("Files with errors"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A report never claims more than the analysis proved: unfinished analyses are shown
/// (with the example and the part of a gap too fragmented to count), and past the
/// listed conflicts the rest are summed up rather than printed one by one.
#[test]
fn unfinished_analyses_and_many_conflicts_are_shown_as_such() {
    let mut pages = tiny_pages();
    let Content::Policy(pp) = &mut pages[0].content else {
        panic!("the fixture is a policy");
    };
    let a = pp.analysis.as_mut().unwrap();
    let first = a
        .conflicts
        .first()
        .cloned()
        .expect("the fixture has a conflict");
    a.conflicts = vec![first.clone(); crate::analyse::LISTED_CONFLICTS + 7];
    let gap = a.gaps.first().cloned().expect("the fixture has a gap");
    a.unfinished
        .push(crate::analyse::Unfinished::Gaps(gap.output));
    a.gap_examples.push(crate::analyse::GapExample {
        output: gap.output,
        example: gap.region.example_values(),
        example_json: gap.region.example_json(),
        part: Some(gap.region.clone()),
    });
    a.unfinished.push(crate::analyse::Unfinished::DeadRules);
    let html = policy_page(&pages[0]);
    assert!(html.contains("except the analyses marked unfinished"));
    assert_eq!(html.matches("unfinished</span>").count(), 2, "{html}");
    assert!(html.contains("too fragmented to count"));
    assert!(html.contains("not proven either way"));
    assert!(html.contains(": 7 more pairs of rules"), "{html}");
    assert_eq!(
        html.matches("<article class=\"finding conflict\">").count(),
        crate::analyse::LISTED_CONFLICTS + 1
    );
    assert!(!html.contains("gaps, no conflicts"));
}

/// The report page of a policy file of this repository.
fn page_of(rel: &str) -> String {
    let mut sources = Sources::new();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let pages = build_site(&mut sources, &RealFs, &[path]);
    policy_page(&pages[0])
}

/// The report page of the bundled NPCC policy, whose graphs are wider than a screen.
fn npcc_page() -> String {
    page_of("policies/npcc.policy")
}

/// A policy whose scope and assumptions admit no incident is not analysed, as `policyc
/// check` says (E0505): no vacuous dead rule, no assert said to hold.
#[test]
fn a_policy_with_nothing_to_decide_is_not_analysed() {
    let html = page_of("tests/fixtures/diagnostics/E0505-empty-scope.policy");
    assert!(
        html.contains(
            "could not be analysed: no incident that satisfies the assumptions is in scope (E0505)"
        ),
        "{html}"
    );
    assert!(!html.contains("asserts hold"), "{html}");
    assert!(!html.contains("dead rule"), "{html}");
    assert!(!html.contains("every assert holds"), "{html}");
}

/// Every drawing scales to the page: a viewBox and no fixed size, so a wide graph is not
/// a slice of itself in a browser window.
#[test]
fn drawings_scale_to_the_page() {
    let html = npcc_page();
    let mut drawn = 0;
    for part in html.split("<div class=\"graph\">").skip(1) {
        let open = &part[..part.find('>').unwrap()];
        assert!(open.starts_with("<svg"), "{open}");
        assert!(open.contains(" viewBox=\"0 0 "), "{open}");
        assert!(
            !open.contains(" width=") && !open.contains(" height="),
            "{open}"
        );
        drawn += 1;
    }
    assert!(drawn > 1, "npcc has a whole graph and per-output graphs");
}

/// The page leads with what the policy decides and leaves open, then its findings, rules
/// and scenarios; the drawings come after, each in a section a reader opens or closes.
#[test]
fn the_page_leads_with_what_the_policy_decides() {
    let html = npcc_page();
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    let order = [
        "id=\"decides\"",
        "id=\"findings\"",
        "id=\"rules\"",
        "id=\"scenarios\"",
        "id=\"graph\"",
        "id=\"inputs\"",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{} before {}", pair[0], pair[1]);
    }
    assert!(
        at("<svg") > at("id=\"graph\""),
        "no drawing before the graphs section"
    );
    // The outputs as their questions, with their answers in words.
    assert!(html.contains("Do the police record the incident as a crime?"));
    assert!(html.contains("A disclosure is unlikely"));
    // Every drawing (or part of one) sits in a <details>.
    let drawings: Vec<usize> = html
        .match_indices("<div class=\"graph\">")
        .map(|m| m.0)
        .collect();
    assert!(!drawings.is_empty());
    for at in drawings {
        let before = &html[..at];
        let opened = before.rfind("<details class=\"graphs\"");
        let closed = before.rfind("</details>");
        assert!(
            opened.is_some_and(|o| closed.is_none_or(|c| c < o)),
            "a drawing outside a section at {at}"
        );
    }
}

/// Counts agree with their nouns; identifiers break only between their words.
#[test]
fn counts_read_as_english_and_identifiers_break_between_words() {
    assert_eq!(
        super::count_badge(1, "accepted gap", "accepted gaps", "warn"),
        " <span class=\"badge warn\">1 accepted gap</span>"
    );
    assert!(
        super::count_badge(2, "accepted gap", "accepted gaps", "warn").contains("2 accepted gaps")
    );
    assert_eq!(super::ident("child_in_need"), "child_<wbr>in_<wbr>need");
    let html = npcc_page();
    assert!(
        !html.contains("overflow-wrap: anywhere"),
        "code may break inside a word"
    );
    assert!(html.contains("<b>4</b>left undecided on purpose"));
}

/// Hit policies, judgements and ignored inputs reach the reader: a decision of a
/// precedence and an overlap of exclusive rules are findings, the outputs table says how
/// rules that disagree are settled, and the inputs table which answers are a person's
/// judgement and which facts the policy states it does not read, with the reason.
#[test]
fn precedence_exclusive_judgement_and_ignore_are_shown() {
    let html = page_of("tests/fixtures/diagnostics/W0506-precedence-decides.policy");
    assert!(html.contains("decided by precedence</span>"), "{html}");
    // Amber like an accepted gap, not green like an assert that holds: a precedence
    // ranked the wrong way round decides the same way (review 2, N6).
    assert!(
        html.contains("<article class=\"finding precedence\"><h3><span class=\"badge warn\">decided by precedence"),
        "{html}"
    );
    assert!(html.contains(".finding.precedence { border-left-color: #b7791f; }"));
    assert!(html.contains("the policy's precedence ranks <b>"), "{html}");
    assert!(html.contains("where rules disagree: "), "{html}");
    // Coerced incidents escalate whether or not it is a first time: the drawing does not
    // ask, though for a first time the precedence is what escalates.
    assert!(!html.contains("(by precedence over "), "{html}");

    let html = page_of("tests/fixtures/diagnostics/E0506-exclusive-overlap.policy");
    assert!(
        html.contains("<span class=\"badge bad\">overlap</span>"),
        "{html}"
    );
    assert!(html.contains("overlap of exclusive rules"), "{html}");
    assert!(html.contains("(exclusive)</span>"), "{html}");
    assert!(
        !html.contains("gaps, no conflicts, every assert holds"),
        "an overlap is an error"
    );

    let html = page_of("policies/school-advice.policy");
    assert!(
        html.contains("a judgement for the person handling the incident: 002: "),
        "{html}"
    );
    assert!(
        html.contains("this policy does not read it: 002 decides what the school does"),
        "{html}"
    );
    // The drawings mark a judgement's question.
    assert!(
        html.contains("significant_age_difference (a judgement)"),
        "{html}"
    );
}

/// How much a policy leaves undecided reads as a share, not a count in the millions.
#[test]
fn undecided_incidents_read_as_a_share() {
    let tail = "of the incidents it speaks to";
    assert_eq!(
        super::share(5_603_328, 5_181_014_016),
        format!("about 1 in 925 {tail}")
    );
    assert_eq!(super::share(1, 2), format!("about 50% {tail}"));
    assert_eq!(
        super::share(998, 1000),
        "almost every incident it speaks to"
    );
    assert_eq!(super::share(7, 7), "every incident it speaks to");
}

/// The report counts incidents over the facts the policy reads, as `check` does: the
/// school example reads 5 of its vocabulary's 22 inputs.
#[test]
fn the_report_counts_over_the_facts_the_policy_reads() {
    let html = page_of("examples/school.policy");
    assert!(
        html.contains(
            "policyc considers all 120,000 combinations of the 5 facts the policy reads, "
        ),
        "{}",
        html.lines()
            .find(|l| l.contains("considers all"))
            .unwrap_or_default()
    );
    // Combinations the assumptions rule out are not called possible (review 2, W5).
    let ages = page_of("tests/fixtures/decide/rejected.policy");
    assert!(
        ages.contains("policyc considers all 20,000 combinations of the 3 facts the policy reads, 10,100 of them possible (consistent with the assumptions) and "),
        "{}",
        ages.lines().find(|l| l.contains("considers all")).unwrap_or_default()
    );
    assert!(
        html.contains("342 incidents"),
        "the gap, counted as check counts it"
    );
}

/// The review's policy whose precedence ranks managing in school above referring at
/// once: the index must not say "Findings: none" in green, and must name what the
/// precedence puts first.
#[test]
fn the_index_counts_and_names_what_a_precedence_decides() {
    let mut sources = Sources::new();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff/precedence/v3.policy");
    let pages = build_site(&mut sources, &RealFs, &[path]);
    let index = index_page(&pages);
    assert!(!index.contains("badge good\">none"), "{index}");
    assert!(index.contains("decided by precedence</span>"), "{index}");
    assert!(
        index.contains("<code>response</code>: <b>manage in setting</b> over refer immediately, <b>refer after review</b> over refer immediately"),
        "{index}"
    );
}

/// A comparison (no outputs, only asserts) is listed after the policies, in a table of
/// its own with how many of its asserts hold; page headers name files relative to the
/// folder given to `doc`; doc comments' backticks are code (review B10, D1).
#[test]
fn comparisons_are_listed_apart_with_their_asserts() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let files = vec![
        root.join("compare/school-advice-vs-ukcis.policy"),
        root.join("school-advice.policy"),
    ];
    let mut sources = Sources::new();
    let mut pages = build_site(&mut sources, &RealFs, &files);
    crate::export::report::name_relative_to(&mut pages, &[root]);
    assert_eq!(pages[0].file, "compare/school-advice-vs-ukcis.policy");
    assert_eq!(pages[1].file, "school-advice.policy");
    let index = index_page(&pages);
    let policy_row = index.find("href=\"school-advice.html\"").unwrap();
    let comparisons = index.find("<h2>Comparisons between policies</h2>").unwrap();
    let comparison_row = index.find("href=\"school-advice-vs-ukcis.html\"").unwrap();
    assert!(
        policy_row < comparisons && comparisons < comparison_row,
        "{index}"
    );
    assert!(
        index[comparison_row..].contains("<span class=\"badge good\">4 of 4 hold</span>"),
        "{index}"
    );
    let page = policy_page(&pages[0]);
    assert!(page.contains("<dt>File</dt><dd>compare/school-advice-vs-ukcis.policy</dd>"));
    assert!(
        page.contains("(002, <code>school-advice.policy</code>)"),
        "{page}"
    );
    assert!(!page.contains("does not depend on these inputs"));
    // Its asserts read coercion: the inputs table must not deny it (review 2, W4).
    let coercion = page
        .find("<tr id=\"input-coercion\">")
        .map(|at| &page[at..])
        .and_then(|row| row.split("</tr>").next())
        .unwrap_or_default();
    assert!(coercion.contains("its asserts depend on it"), "{coercion}");
    assert!(!page.contains("this policy's decision"), "{page}");
}

/// A policy's own input it ignores is listed with its reason in the inputs table, not
/// among "inputs of the vocabulary" the decision does not depend on (review 2, C-g).
#[test]
fn an_ignored_input_is_not_listed_as_unused_vocabulary() {
    let page = page_of("tests/fixtures/diagnostics/W0006-blank-reasons.policy");
    assert!(!page.contains("inputs of the vocabulary"), "{page}");
    assert!(page.contains("this policy does not read it"), "{page}");
}

#[test]
fn doc_comment_backticks_are_code() {
    assert_eq!(doc_html("a `b<c` d"), "a <code>b&lt;c</code> d");
    assert_eq!(doc_html("an odd ` tick"), "an odd ` tick");
}

/// The page carries every warning `check` gives, the analysis's included: an assignment
/// that never takes effect (W0502) and an acceptance without `when` (W0508) are what a
/// head teacher reading the page must see (review 2, N1).
#[test]
fn the_page_shows_the_analysis_warnings() {
    let outranked = page_of("tests/fixtures/diagnostics/W0502-assignment-outranked.policy");
    assert!(outranked.contains("warning[W0502]"), "{outranked}");
    // Its precedence ranks managing above the referral it outranks (W0509, review 2, N6).
    assert!(outranked.contains("warning[W0509]"), "{outranked}");
    let unbounded = page_of("tests/fixtures/diagnostics/W0508-accept-without-when.policy");
    assert!(unbounded.contains("warning[W0508]"), "{unbounded}");
    assert!(unbounded.contains("Warnings from the checker"));
    // The summary at the top says there are warnings, and links to them.
    assert!(
        outranked.contains(
            "<li class=\"warn\"><b><a href=\"#warnings\">2</a></b>warnings from the checker</li>"
        ),
        "{outranked}"
    );
}

/// A policy without asserts is not said to have every assert holding, nor "0 of 0
/// asserts hold" in green (review 2, cosmetic).
#[test]
fn no_asserts_are_not_counted_as_holding() {
    let page = page_of("tests/fixtures/diagnostics/W0508-accept-without-when.policy");
    assert!(!page.contains("0 of 0"), "{page}");
    assert!(!page.contains("every assert holds"), "{page}");
    assert!(page.contains("no open gaps, no conflicts</span>"), "{page}");
}

/// Beside outputs left undecided on purpose, the badge says "no open gaps", not "no
/// gaps": a reader counts an undecided output as a gap (issue 20's review).
#[test]
fn accepted_gaps_make_the_badge_say_no_open_gaps() {
    let page = page_of("policies/npcc.policy");
    assert!(page.contains("left undecided on purpose"), "{page}");
    assert!(
        page.contains("no open gaps, no conflicts, every assert holds</span>"),
        "{page}"
    );
    assert!(!page.contains("no gaps,"), "{page}");
}

/// A policy and the file that tests it (`use`s it) are one page and one row, whichever
/// is named first, showing the scenarios and the coverage `policyc test` reports for the
/// two together: a reader of the report never sees `test`, and a page of the policy
/// alone said it had no scenarios.
#[test]
fn a_policy_and_its_test_file_are_one_page() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/harness/school");
    let policy = root.join("school.policy");
    let tests = root.join("school_tests.policy");
    for files in [
        vec![policy.clone(), tests.clone()],
        vec![tests.clone(), policy.clone()],
    ] {
        let mut sources = Sources::new();
        let mut pages = build_site(&mut sources, &RealFs, &files);
        crate::export::report::name_relative_to(&mut pages, std::slice::from_ref(&root));
        assert_eq!(pages.len(), 1, "{files:?}");
        let page = &pages[0];
        assert_eq!(page.file, "school.policy");
        assert_eq!(page.tested_in, vec!["school_tests.policy".to_string()]);
        assert_eq!(page.slug, "school");
        let Content::Policy(pp) = &page.content else {
            panic!("school.policy checks");
        };
        // As `policyc test` counts them: 8 scenarios from both files, 4 passing.
        let scenarios: Vec<_> = pp
            .tests
            .iter()
            .filter(|t| t.kind == crate::harness::TestKind::Scenario)
            .collect();
        assert_eq!(scenarios.len(), 8);
        let passed = scenarios
            .iter()
            .filter(|t| matches!(t.outcome, crate::harness::TestOutcome::Passed))
            .count();
        assert_eq!(passed, 4);
        let c = pp.coverage.as_ref().unwrap();
        assert_eq!((c.rules_covered, c.rules_total), (4, 7));
        let index = index_page(&pages);
        assert!(
            index.contains("school.policy (scenarios also in school_tests.policy)"),
            "{index}"
        );
        assert!(index.contains("4 of 8 pass"), "{index}");
        assert!(!index.contains("school-tests.html"), "{index}");
        let html = policy_page(page);
        assert!(html.contains(
            "<dt>File</dt><dd>school.policy (scenarios also in school_tests.policy)</dd>"
        ));
    }
}

/// The page of a policy and its test file shows the test file's warnings too (its page
/// of its own used to).
#[test]
fn a_test_files_warnings_are_on_its_policys_page() {
    let dir = std::env::temp_dir().join(format!("policyc-doc-warnings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("p.policy");
    std::fs::write(
        &policy,
        "policy p \"P\"\ninput c: bool\noutput o: bool\nrule r \"R\" cites \"x\" when c then o = true\nrule s \"S\" cites \"x\" when not c then o = false\n",
    )
    .unwrap();
    let tests = dir.join("p_tests.policy");
    std::fs::write(
        &tests,
        "use \"p.policy\"\nscenario s1 \" \" given c = true expect o = true\n",
    )
    .unwrap();
    let mut sources = Sources::new();
    let pages = build_site(&mut sources, &RealFs, &[policy, tests]);
    assert_eq!(pages.len(), 1);
    let Content::Policy(pp) = &pages[0].content else {
        panic!("p.policy checks");
    };
    assert!(
        pp.warnings.iter().any(|w| w.contains("W0006")),
        "{:?}",
        pp.warnings
    );
    let _ = std::fs::remove_dir_all(&dir);
}
