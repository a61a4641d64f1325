//! Every diagnostic, rendered for people and for machines, pinned by a snapshot.
//!
//! Each file in `tests/fixtures/diagnostics/` is named after the code it exhibits
//! (`E0201-unknown-name.policy`); its snapshot holds the human rendering (what
//! `policyc check` prints) and the JSON lines (what `--format json` prints).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

use std::path::Path;

use policyc::diagnostics::{render, Code};
use policyc::source::{RealFs, Sources};

fn render_fixture(path: &Path) -> String {
    let mut sources = Sources::new();
    let checked = policyc::analyse::check_and_analyse(&mut sources, &RealFs, path);
    let mut out = String::new();
    for d in &checked.diagnostics {
        out.push_str(&render::to_string(&sources, d));
    }
    out.push_str("---- json ----\n");
    for d in &checked.diagnostics {
        out.push_str(
            &serde_json::to_string_pretty(&render::to_json(&sources, d)).unwrap_or_default(),
        );
        out.push('\n');
    }
    out
}

#[test]
fn fixtures_render_as_pinned() {
    insta::glob!("fixtures/diagnostics/*.policy", |path| {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        insta::assert_snapshot!(render_fixture(rel));
    });
}

/// The codes a fixture's name promises must be among the codes it produces.
#[test]
fn every_fixture_exhibits_its_code() {
    let dir = Path::new("tests/fixtures/diagnostics");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "policy") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let code = stem.split('-').next().unwrap();
        let mut sources = Sources::new();
        let checked = policyc::analyse::check_and_analyse(&mut sources, &RealFs, &path);
        let produced: Vec<&str> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert!(
            produced.contains(&code),
            "{} should produce {code}, produced {produced:?}",
            path.display()
        );
    }
}

/// Every code has an explanation for `policyc explain` (the `Code` enum keeps the two
/// together) and a fixture (so its rendering is pinned).
#[test]
fn every_code_is_explained_and_has_a_fixture() {
    let fixtures: Vec<String> = std::fs::read_dir("tests/fixtures/diagnostics")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    // Codes that a fixture file cannot show: they are pinned by tests/cli.rs instead.
    let not_fixturable = [
        "E0003", // an 8 MiB file
        "E0004", // a folder without policies
        "E0199", // an internal error that no input should reach
        "E0901", // the formatter's self-check, which no input should fail
        "E0601", // diff only: pinned by tests/diff.rs
        "E0602", // diff only: pinned by tests/diff.rs
        "E0603", // diff only: pinned by tests/diff.rs
        // Facts errors of `policyc decide`: pinned by src/evaluate and tests/analysis.rs.
        "E0510", "E0511", "E0512", "E0513", "E0514", "E0515", "E0516",
        // A key given twice, and `decide` on a module: pinned by tests/decide.rs.
        "E0517", "E0518", // Two files of one policy name: pinned by tests/harness.rs.
        "W0008",
    ];
    for &code in Code::ALL {
        assert!(
            code.explanation().len() > 80,
            "{code}'s explanation is too thin"
        );
        if not_fixturable.contains(&code.as_str()) {
            continue;
        }
        assert!(
            fixtures.iter().any(|f| f.starts_with(code.as_str())),
            "{code} has no fixture in tests/fixtures/diagnostics/"
        );
    }
}

/// A conflict's quick fixes settle it each way, never one alone: per direction of
/// `overrides` and per order of a precedence (per place of the unranked value in a
/// declared one), each titled with what the example then
/// gets. Each applies cleanly, and the fixed policy no longer has that conflict.
#[test]
fn conflict_fixes_offer_every_way_and_each_settles_the_pair() {
    use policyc::testing::MemFs;
    for fixture in ["E0502-conflict.policy", "E0502-precedence-extend.policy"] {
        let path = Path::new("tests/fixtures/diagnostics").join(fixture);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut sources = Sources::new();
        let checked = policyc::analyse::check_and_analyse(&mut sources, &RealFs, &path);
        let conflicts: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::E0502)
            .collect();
        assert!(!conflicts.is_empty(), "{fixture}");
        let mut shown = String::new();
        for d in conflicts {
            let rules = d.data_value().unwrap()["rules"].clone();
            // Two directions of `overrides`, and a precedence in both orders; a declared
            // precedence that ranks one of the two values gets the other at each of its
            // places (three, for `escalate > manage_in_school`).
            let orders = if fixture.contains("extend") { 3 } else { 2 };
            assert_eq!(
                d.fixes.len(),
                2 + orders,
                "{fixture}: two directions, {orders} orders"
            );
            shown.push_str(&format!("{}\n", d.message));
            for fix in &d.fixes {
                assert!(!fix.preferred(), "settling a conflict is never obvious");
                let fixed = fix.edit(&sources).apply(&text).unwrap();
                let changed: Vec<&str> = fixed
                    .lines()
                    .filter(|l| !text.lines().any(|t| t == *l))
                    .collect();
                shown.push_str(&format!("  {}\n", fix.title()));
                for l in changed {
                    shown.push_str(&format!("    | {l}\n"));
                }
                let mut fs = MemFs::new();
                fs.insert("fixed.policy", fixed.clone());
                let mut s2 = Sources::new();
                let again =
                    policyc::analyse::check_and_analyse(&mut s2, &fs, Path::new("fixed.policy"));
                assert!(
                    !again.diagnostics.iter().any(|e| e.code == Code::E0101
                        || (e.code == Code::E0502
                            && e.data_value().is_some_and(|x| x["rules"] == rules))),
                    "{fixture}: `{}` leaves the conflict or breaks the syntax:\n{fixed}",
                    fix.title()
                );
            }
        }
        insta::assert_snapshot!(format!("conflict_fixes@{fixture}"), shown);
    }
}

/// `explain` speaks the language's words, and its examples are what the tool does: E0323
/// says `precedence` and `exclusive`, not DMN's "hit policy" (review 2, C-c); W0508's
/// offered `when` is the whole gap, not the reason's narrower condition (W8).
#[test]
fn explanations_use_the_language_and_show_what_is_offered() {
    assert!(!Code::E0323.explanation().contains("hit policy"));
    assert!(!Code::E0323.title().contains("hit policy"));
    let w0508 = Code::W0508.explanation();
    let offered = w0508.find("it offers").unwrap();
    let whole = w0508
        .find("when (not coercion and vulnerable) or (oldest_age >= 18 and not coercion)")
        .unwrap();
    let narrow = w0508.find("when suspected_aggravation").unwrap();
    assert!(offered < whole && whole < narrow, "{w0508}");
}
