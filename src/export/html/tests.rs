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
        "accepted gap</span>",
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
    assert!(!html.contains("no gaps, no conflicts"));
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

/// The natural width of the drawing in `s`, from its `viewBox`.
fn svg_width(s: &str) -> f64 {
    let at = s.find(" viewBox=\"0 0 ").unwrap() + 14;
    s[at..].split(' ').next().unwrap().parse().unwrap()
}

/// The number in attribute `name` of the first element in `s` that has it.
fn svg_attr(s: &str, name: &str) -> f64 {
    let at = s.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    s[at..].split('"').next().unwrap().parse().unwrap()
}

/// A graph wider than the page opens where its first question is: a browser starts a
/// scrolling box at its left edge, or at its right edge when the box is right to left.
/// Checked on the bundled policies (whose roots are drawn right of centre) by where the
/// root's box lies in the first screen of a 1,280-pixel window.
#[test]
fn a_wide_graph_opens_at_its_first_question() {
    let html = npcc_page();
    let screen = 1280.0 - 32.0;
    let mut wide = 0;
    for part in html.split("<div class=\"graph").skip(1) {
        let from_right = part.starts_with(" from-right\"");
        let svg = &part[part.find("<svg").unwrap()..];
        let width = svg_width(svg);
        // The root is node 0, the first question drawn.
        let root = &svg[svg.find("n0\" class=\"question\">").unwrap()..];
        let rect = &root[root.find("<rect").unwrap()..];
        let (x, w) = (svg_attr(rect, "x"), svg_attr(rect, "width"));
        let shift = svg
            .find("<g transform=\"translate(")
            .map(|i| {
                svg[i + 24..]
                    .split(' ')
                    .next()
                    .unwrap()
                    .parse::<f64>()
                    .unwrap()
            })
            .unwrap();
        let centre = shift + x + w / 2.0;
        if width <= screen {
            continue;
        }
        wide += 1;
        let (left, right) = if from_right {
            (width - screen, width)
        } else {
            (0.0, screen)
        };
        assert!(
            left <= centre && centre <= right,
            "root at {centre} of {width}, first screen {left}..{right}"
        );
    }
    assert!(wide > 0, "npcc has graphs wider than a screen");
}

/// A graph wider than most screens is introduced by a link to its first question, which
/// names the root's element; a narrow graph is not.
#[test]
fn a_wide_graph_links_to_its_first_question() {
    let html = npcc_page();
    let (mut linked, mut narrow) = (0, 0);
    for (before, part) in html
        .split("<div class=\"graph")
        .zip(html.split("<div class=\"graph").skip(1))
    {
        let svg = &part[part.find("<svg").unwrap()..];
        let width = svg_width(svg);
        let link = before
            .rsplit("<p class=\"note\">")
            .next()
            .and_then(|p| p.strip_prefix("This graph is wider than most screens"))
            .and_then(|p| p.split("href=\"#").nth(1))
            .map(|p| p.split('"').next().unwrap().to_string());
        if width > super::WIDE_GRAPH {
            let id = link.unwrap_or_else(|| panic!("no link before a graph {width} wide"));
            assert!(
                svg.contains(&format!("<g id=\"{id}\" class=\"question\">")),
                "{id} is not a question of the graph that follows"
            );
            assert!(id.ends_with("n0"), "{id}: the root is node 0");
            linked += 1;
        } else {
            assert!(link.is_none(), "a graph {width} wide needs no link");
            narrow += 1;
        }
    }
    assert!(linked > 0 && narrow > 0, "{linked} wide, {narrow} narrow");
}
