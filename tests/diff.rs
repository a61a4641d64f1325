//! `policyc diff`: the command-line contract (exit codes, formats, mappings, `--git`)
//! on policies written as text. The exactness of the regions is checked against
//! enumeration in src/diff/tests.rs; here the output a person reads is pinned.

// Helpers of an integration test are test code too (clippy only exempts `#[test]` fns).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::{code, policyc_in, stderr, stdout, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const VOCAB: &str = r#"enum Previous { none, earlier_incident, police_warned }
/// Was there coercion?
input coercion: bool
/// Earlier involvement?
input previous: Previous
/// The youngest person's age.
input youngest_age: 0..=17
"#;

const OLD: &str = r#"policy force "A force"
use "vocab.policy"
enum Resolution { outcome_21, investigation }
output resolution: Resolution
rule no_aggravation "No aggravating features: outcome 21"
  cites "001 para 7"
  when not coercion
  then resolution = outcome_21
rule aggravated "Aggravating features: investigation"
  cites "001 para 9"
  overrides no_aggravation
  when coercion or previous != none
  then resolution = investigation
"#;

/// OLD with one condition changed: an earlier incident alone no longer aggravates.
fn one_condition_changed() -> String {
    OLD.replace(
        "coercion or previous != none",
        "coercion or previous == police_warned",
    )
}

/// OLD written differently, with the same decisions.
const SAME: &str = r#"policy force "A force, rewritten"
use "vocab.policy"
enum Resolution { outcome_21, investigation }
output resolution: Resolution
rule aggravated "Aggravating features: investigation"
  cites "001 para 9"
  when not (not coercion and previous == none)
  then resolution = investigation
rule no_aggravation "No aggravating features: outcome 21"
  cites "001 para 7"
  when previous == none and not coercion
  then resolution = outcome_21
"#;

fn setup(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    write(&dir, "vocab.policy", VOCAB);
    write(&dir, "old.policy", OLD);
    write(&dir, "new.policy", &one_condition_changed());
    write(&dir, "same.policy", SAME);
    dir
}

#[test]
fn one_changed_condition_reports_exactly_the_affected_region() {
    let dir = setup("one");
    let o = policyc_in(&dir, &["diff", "old.policy", "new.policy"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("`resolution` changes from `investigation` to `outcome_21` for 1 incident\n"),
        "{text}"
    );
    assert!(
        text.contains("when not coercion and previous == earlier_incident"),
        "{text}"
    );
    assert!(
        text.contains(r#"example: {"coercion":false,"previous":"earlier_incident"}"#),
        "{text}"
    );
    // Neither policy reads `youngest_age`: the counts are over the inputs they read.
    assert!(
        text.contains("compared 6 incidents that both policies decide, of 6 possible over the inputs either policy reads"),
        "{text}"
    );
    assert!(
        text.contains(
            r#"old: rule `aggravated` "Aggravating features: investigation" (cites 001 para 9)"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"new: rule `no_aggravation` "No aggravating features: outcome 21" (cites 001 para 7)"#
        ),
        "{text}"
    );
    assert!(
        text.contains("compared 6 incidents that both policies decide"),
        "{text}"
    );

    let o = policyc_in(
        &dir,
        &["diff", "--format", "json", "old.policy", "new.policy"],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["same"], false);
    let changes = v["outputs"][0]["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["count"], 1);
    assert_eq!(changes[0]["old"]["value"], "investigation");
    assert_eq!(changes[0]["new"]["value"], "outcome_21");
    assert_eq!(changes[0]["old_reason"]["rules"][0]["cites"], "001 para 9");
    assert_eq!(
        changes[0]["new_reason"]["example_rules"][0],
        "no_aggravation"
    );

    // The example, decided by each policy on its own, shows the change.
    let example = serde_json::to_string(&changes[0]["example"]).unwrap();
    write(&dir, "example.json", &example);
    for (file, want) in [
        ("old.policy", "investigation"),
        ("new.policy", "outcome_21"),
    ] {
        let d = policyc_in(
            &dir,
            &[
                "decide",
                file,
                "--facts",
                "example.json",
                "--format",
                "json",
            ],
        );
        if code(&d) == 2 && stderr(&d).contains("unrecognized subcommand") {
            // `decide` lands with the evaluate stage; the JSON above is checked anyway.
            continue;
        }
        let out: Value = serde_json::from_str(&stdout(&d)).unwrap();
        assert_eq!(out["decision"]["resolution"], want);
    }
}

#[test]
fn identical_decisions_written_differently_diff_as_the_same() {
    let dir = setup("same");
    let o = policyc_in(&dir, &["diff", "old.policy", "same.policy"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("make the same decisions for every incident"));
    let o = policyc_in(
        &dir,
        &["diff", "old.policy", "old.policy", "--format", "markdown"],
    );
    assert_eq!(code(&o), 0);
}

#[test]
fn markdown_has_a_summary_table_then_details() {
    let dir = setup("md");
    let o = policyc_in(
        &dir,
        &["diff", "--format", "markdown", "old.policy", "new.policy"],
    );
    assert_eq!(code(&o), 1);
    let md = stdout(&o);
    let table = md
        .find("| what | old | new | incidents |")
        .expect("a table");
    let row = md
        .find("| `resolution` | `investigation` | `outcome_21` | 1 |")
        .expect("a row");
    let details = md
        .find("<details><summary><code>resolution</code> changes")
        .expect("details");
    assert!(table < row && row < details, "{md}");
    assert!(md.contains("```json\n{\n  \"coercion\": false,"), "{md}");
}

#[test]
fn scope_domain_and_inputs_on_one_side_are_listed() {
    let dir = setup("scope");
    let wider = VOCAB.replace("0..=17", "0..=19") + "/// New question.\ninput vulnerable: bool\n";
    write(&dir, "wide/vocab.policy", &wider);
    let new = OLD.replace("policy force", "scope youngest_age <= 15\npolicy force");
    // A header must come first: put the scope after it.
    let new = new.replacen("scope youngest_age <= 15\n", "", 1) + "scope youngest_age <= 15\n";
    write(&dir, "wide/new.policy", &new);
    let o = policyc_in(
        &dir,
        &["diff", "old.policy", "wide/new.policy", "--format", "json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["inputs_only_new"], serde_json::json!(["vulnerable"]));
    assert_eq!(v["input_changes"][0]["input"], "youngest_age");
    // Ages 18 and 19 exist only in the new vocabulary: 2 ages x 2 x 3 (neither policy
    // reads `vulnerable`, so the count is not doubled for it).
    assert_eq!(v["domain"][0]["only_in"], "new");
    assert_eq!(v["domain"][0]["count"], 12);
    // Ages 16 and 17 are in scope only in the old policy.
    assert_eq!(v["scope"][0]["only_in"], "old");
    assert_eq!(v["scope"][0]["count"], 12);
    assert_eq!(v["scope"][0]["condition"], "youngest_age >= 16");
    assert!(v["outputs"][0]["changes"].as_array().unwrap().is_empty());
}

#[test]
fn renamed_outputs_and_values_are_matched_with_maps() {
    let dir = setup("map");
    let renamed = OLD
        .replace("output resolution", "output outcome")
        .replace("resolution = ", "outcome = ")
        .replace("investigation", "investigate")
        .replace(
            "Aggravating features: investigate",
            "Aggravating features: investigation",
        );
    write(&dir, "renamed.policy", &renamed);
    let o = policyc_in(&dir, &["diff", "old.policy", "renamed.policy"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("outputs only in the old policy: `resolution`"),
        "{}",
        stdout(&o)
    );
    let o = policyc_in(
        &dir,
        &[
            "diff",
            "old.policy",
            "renamed.policy",
            "--map",
            "resolution=outcome",
            "--map-value",
            "resolution:investigation=investigate",
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    write(&dir, "maps.txt", "# renamed in the new edition\noutput resolution=outcome\nvalue outcome:investigation=investigate\n");
    let o = policyc_in(
        &dir,
        &[
            "diff",
            "old.policy",
            "renamed.policy",
            "--map-file",
            "maps.txt",
        ],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    // Without the value map, investigation and investigate differ.
    let o = policyc_in(
        &dir,
        &[
            "diff",
            "old.policy",
            "renamed.policy",
            "--map",
            "resolution=outcome",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("`outcome` changes from `investigation` to `investigate`"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn errors_exit_2_with_a_diagnostic() {
    let dir = setup("errors");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["diff", "old.policy"], "E0602"),
        (vec!["diff", "old.policy", "nope.policy"], "E0001"),
        (
            vec!["diff", "old.policy", "new.policy", "--map", "resolution"],
            "E0602",
        ),
        (
            vec![
                "diff",
                "old.policy",
                "new.policy",
                "--map",
                "resolution=nothing",
            ],
            "E0602",
        ),
        (
            vec![
                "diff",
                "old.policy",
                "new.policy",
                "--map-value",
                "resolution:maybe=outcome_21",
            ],
            "E0602",
        ),
        (
            vec!["diff", "old.policy", "new.policy", "--format", "yaml"],
            "",
        ),
    ];
    for (args, want) in cases {
        let o = policyc_in(&dir, &args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
    write(&dir, "broken.policy", "policy b \"x\"\ninput a bool\n");
    let o = policyc_in(&dir, &["diff", "old.policy", "broken.policy"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("in the new policy of the diff"),
        "{}",
        stderr(&o)
    );
    write(
        &dir,
        "boolprev/vocab.policy",
        &VOCAB.replace("input previous: Previous", "input previous: bool"),
    );
    write(
        &dir,
        "boolprev/p.policy",
        &OLD.replace("previous != none", "previous"),
    );
    let o = policyc_in(&dir, &["diff", "old.policy", "boolprev/p.policy"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("E0601"), "{}", stderr(&o));
    assert!(
        stderr(&o)
            .contains("input `previous` is `Previous` in the old policy and `bool` in the new one"),
        "{}",
        stderr(&o)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn git_mode_compares_the_working_tree_with_a_revision() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let dir = temp_dir("git");
    write(&dir, "policies/vocab.policy", VOCAB);
    write(&dir, "policies/force.policy", OLD);
    write(
        &dir,
        "policies/gone.policy",
        &OLD.replace("policy force", "policy gone"),
    );
    write(&dir, "README.md", "not a policy\n");
    write(
        &dir,
        "policies/force_tests.policy",
        "use \"force.policy\"\nscenario s \"S\" given coercion = true expect resolution = investigation\n",
    );
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);

    // Nothing changed yet.
    let o = policyc_in(&dir, &["diff", "--git", "main", "policies"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    // Change the vocabulary only (a policy's decisions change through its `use`),
    // remove one policy and add another.
    write(
        &dir,
        "policies/vocab.policy",
        &VOCAB.replace("0..=17", "0..=15"),
    );
    std::fs::remove_file(dir.join("policies/gone.policy")).unwrap();
    write(
        &dir,
        "policies/added.policy",
        &OLD.replace("policy force", "policy added"),
    );
    let o = policyc_in(&dir, &["diff", "--git", "main", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let status = |path: &str| -> String {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{path} missing in {v}"))
    };
    assert_eq!(status("policies/force.policy"), "changed");
    assert_eq!(status("policies/added.policy"), "added");
    assert_eq!(status("policies/gone.policy"), "removed");
    assert_eq!(status("policies/vocab.policy"), "module");
    // The test file's decisions are its policy's: not a second change.
    assert_eq!(status("policies/force_tests.policy"), "tests");
    let tests = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "policies/force_tests.policy")
        .unwrap();
    assert_eq!(tests["tests_policy"], "policies/force.policy");
    assert!(tests.get("diff").is_none(), "{tests}");
    // Named alone, it is compared.
    let o = policyc_in(
        &dir,
        &[
            "diff",
            "--git",
            "main",
            "--format",
            "json",
            "policies/force_tests.policy",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let alone: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(alone["files"][0]["status"], "changed", "{alone}");
    let o = policyc_in(&dir, &["diff", "--git", "main", "policies"]);
    assert!(
        stdout(&o).contains("== policies/force_tests.policy: tests the policy of `policies/force.policy`, compared there"),
        "{}",
        stdout(&o)
    );
    let force = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "policies/force.policy")
        .unwrap();
    assert_eq!(force["diff"]["domain"][0]["only_in"], "old");
    assert_eq!(
        force["diff"]["domain"][0]["condition"],
        "youngest_age >= 16"
    );

    // Markdown for a pull-request comment, from a sub-folder.
    let o = policyc_in(
        &dir.join("policies"),
        &[
            "diff",
            "--git",
            "main",
            "--format",
            "markdown",
            "force.policy",
        ],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("## policyc diff against `main`"), "{md}");
    assert!(
        md.contains("| `policies/force.policy` | **1 change** |"),
        "{md}"
    );

    // A revision git does not know.
    let o = policyc_in(&dir, &["diff", "--git", "no-such-branch"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("E0603"), "{}", stderr(&o));
    // A broken working-tree policy is an error, not a difference.
    write(
        &dir,
        "policies/force.policy",
        "policy force \"x\"\ninput a bool\n",
    );
    let o = policyc_in(&dir, &["diff", "--git", "main", "policies/force.policy"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
}

/// A diff's example takes the values the policies' own examples prefer: here the
/// median of the new policy's scenarios (14), not the middle of `0..=17` (8) that the
/// widened policies, which carry no scenarios, would otherwise give.
#[test]
fn examples_prefer_the_policies_own_scenario_values() {
    let dir = setup("preferred");
    let with_scenario = format!(
        "{}scope youngest_age <= 17\nscenario first \"A first incident at 14\"\n  given coercion = false, previous = none, youngest_age = 14\n  expect resolution = outcome_21\n",
        one_condition_changed()
    );
    write(&dir, "new.policy", &with_scenario);
    // The scenario in either policy: the new one's preferences come first, the old
    // one's stand in where the new one has none.
    for args in [
        ["diff", "old.policy", "new.policy"],
        ["diff", "new.policy", "old.policy"],
    ] {
        let o = policyc_in(&dir, &args);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.contains(
                r#"example: {"coercion":false,"previous":"earlier_incident","youngest_age":14}"#
            ),
            "{args:?}: {text}"
        );
    }
}

/// docs/diff.md shows two diffs of the bundled policies as their real output: it must
/// stay so when examples, orders or wording change.
#[test]
fn the_guide_shows_the_real_output() {
    let guide = std::fs::read_to_string("docs/diff.md").unwrap();
    for args in [
        &[
            "diff",
            "policies/devon-cornwall-dorset.policy",
            "policies/npcc.policy",
        ][..],
        &[
            "diff",
            "policies/gloucestershire.policy",
            "policies/devon-cornwall-dorset.policy",
            "--map",
            "crime_report=record_crime",
        ][..],
    ] {
        let o = common::policyc(args);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            guide.contains(out.trim_end()),
            "update docs/diff.md with the output of `policyc {}`:\n{out}",
            args.join(" ")
        );
    }
}

/// A changed region bounded by a comparison that only the old policy makes is said
/// with that comparison, as it is when the policies are given the other way round.
#[test]
fn a_region_bounded_by_either_sides_comparison_is_said_with_it() {
    let dir = temp_dir("relation");
    let old = "policy p \"Old\"\n/// A?\ninput a: 0..=20\n/// B?\ninput b: 0..=20\n/// C?\ninput c: bool\n/// Respond?\noutput response: bool default false\nassume b <= a\nrule wide \"Wide\"\n  cites \"x\"\n  when c or a - b >= 3\n  then response = true\n";
    write(&dir, "old.policy", old);
    write(
        &dir,
        "new.policy",
        &old.replace("when c or a - b >= 3", "when c"),
    );
    for (from, to) in [("old.policy", "new.policy"), ("new.policy", "old.policy")] {
        let o = policyc_in(&dir, &["diff", from, to]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.contains("when a - b >= 3 and not c"),
            "{from} -> {to}: {text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bytes `--format json` prints, keys in alphabetical order: a changed region with
/// its reasons, regions on one side only, inputs on one side and with other values.
#[test]
fn json_output_is_pinned() {
    let dir = setup("json-bytes");
    let o = policyc_in(
        &dir,
        &["diff", "old.policy", "new.policy", "--format", "json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let changed = stdout(&o);
    let wider = VOCAB.replace("0..=17", "0..=19") + "/// New question.\ninput vulnerable: bool\n";
    write(&dir, "wide/vocab.policy", &wider);
    let new = one_condition_changed() + "scope youngest_age <= 15\n";
    write(&dir, "wide/new.policy", &new);
    let o = policyc_in(
        &dir,
        &["diff", "old.policy", "wide/new.policy", "--format", "json"],
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    insta::assert_snapshot!(format!("{changed}{}", stdout(&o)));
}

/// The review's policies: a precedence that ranks the school's own handling higher, and
/// a reordering that decides no incident yet. A reviewer must see the downgrades and the
/// latent reordering in every format.
#[test]
fn precedence_changes_are_marked_lowered_and_latent_reorderings_reported() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/precedence");
    let run = |args: &[&str]| {
        let o = policyc_in(&dir, args);
        assert!(code(&o) < 2, "{}", stderr(&o));
        (code(&o), stdout(&o))
    };
    let (c, v2) = run(&["diff", "old.policy", "v2.policy"]);
    assert_eq!(c, 1);
    insta::assert_snapshot!("precedence_v2_human", v2);
    let (c, v3) = run(&["diff", "old.policy", "v3.policy"]);
    assert_eq!(c, 1);
    insta::assert_snapshot!("precedence_v3_human", v3);
    // Decided the same today: exit 0, and the reordering still said.
    let (c, latent) = run(&["diff", "old.policy", "latent.policy"]);
    assert_eq!(c, 0);
    insta::assert_snapshot!("precedence_latent_human", latent);
    let (_, md) = run(&["diff", "old.policy", "v2.policy", "--format", "markdown"]);
    assert!(
        md.contains("- The precedence of `response` changes: "),
        "{md}"
    );
    assert!(
        md.contains("| `response` | `refer_immediately` | `refer_after_review` (lowered) |"),
        "{md}"
    );
    let (_, json) = run(&["diff", "old.policy", "v2.policy", "--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let out = &v["outputs"][0];
    assert_eq!(out["output"], "response");
    assert_eq!(
        out["ranking_change"],
        serde_json::json!({
            "decides": false,
            "new": {"precedence": ["refer_immediately", "manage_in_setting", "refer_after_review"]},
            "old": {"precedence": ["refer_immediately", "refer_after_review", "manage_in_setting"]},
            "reordered": [{"above": "manage_in_setting", "below": "refer_after_review", "decides": false}],
        })
    );
    for ch in out["changes"].as_array().unwrap() {
        assert_eq!(
            ch["shift"],
            serde_json::json!({"by": "old", "direction": "lowered", "disputed": false})
        );
    }
    // Outputs without a precedence carry neither field.
    let (_, json) = run(&["diff", "old.policy", "latent.policy", "--format", "json"]);
    assert!(!json.contains("\"shift\""), "{json}");
    assert_eq!(json.matches("\"ranking_change\"").count(), 1, "{json}");
}

/// `diff --git` warns about each side of a compared file that `policyc check` rejects,
/// naming the side, as `diff OLD NEW` does (review 2): here the revision's policy has
/// conflicts and the working tree's is fixed, so only the revision's side is named.
#[test]
fn git_mode_warns_about_a_side_check_rejects() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let dir = temp_dir("git-rejected");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/decide");
    let incident = std::fs::read_to_string(fixtures.join("incident.policy")).unwrap();
    let rejected = std::fs::read_to_string(fixtures.join("rejected.policy")).unwrap();
    write(&dir, "incident.policy", &incident);
    write(&dir, "m2.policy", &rejected);
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);

    let o = policyc_in(&dir, &["diff", "--git", "main"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    for side in ["`m2.policy` at `main`", "`m2.policy` in the working tree"] {
        assert!(
            err.contains(&format!(
                "warning: {side} does not pass `policyc check` (3 errors)"
            )),
            "{err}"
        );
    }

    // Fixed in the working tree: only the revision's side is named.
    let fixed = rejected
        .replace("  precedence manage_in_setting > refer_immediately\n", "")
        .replace("rule manage2", "// rule manage2")
        .replace(
            "rule manage \"otherwise manage\" cites \"x\" then",
            "rule manage \"otherwise manage\" cites \"x\" when not (coercion or adult_involved) then",
        );
    write(&dir, "m2.policy", &fixed);
    let check = policyc_in(&dir, &["check", "--quiet", "m2.policy"]);
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    let o = policyc_in(&dir, &["diff", "--git", "main"]);
    let err = stderr(&o);
    assert!(
        err.contains("warning: `m2.policy` at `main` does not pass `policyc check` (3 errors)"),
        "{err}"
    );
    assert!(!err.contains("in the working tree"), "{err}");
}

/// A test file that moved from one policy to another is a change of its own, never
/// "tests" (which would hide it: the two policies decide differently).
#[test]
fn git_mode_shows_a_test_file_that_moved_to_another_policy() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let dir = temp_dir("git-moved-tests");
    write(&dir, "vocab.policy", VOCAB);
    write(&dir, "force.policy", OLD);
    let other = OLD
        .replace("policy force", "policy other")
        .replace("when coercion or previous != none", "when coercion");
    write(&dir, "other.policy", &other);
    write(
        &dir,
        "t_tests.policy",
        "use \"other.policy\"\nscenario s \"S\" given coercion = true expect resolution = investigation\n",
    );
    git(&dir, &["init", "-q", "-b", "main"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    write(
        &dir,
        "t_tests.policy",
        "use \"force.policy\"\nscenario s \"S\" given coercion = true expect resolution = investigation\n",
    );
    let o = policyc_in(&dir, &["diff", "--git", "main", "--format", "json"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let t = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "t_tests.policy")
        .unwrap();
    assert_eq!(t["status"], "changed", "{v}");
    assert!(t.get("tests_policy").is_none(), "{v}");
}
