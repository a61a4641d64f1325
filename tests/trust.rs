//! Findings a safeguarding lead can trust and act on (issue 16): `test` never passes what
//! `check` rejects, quiet clean runs, one error for one mistake, no silent acceptance of
//! garbage, flags that do what they say, and text from a policy that cannot drive the
//! terminal.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;
use common::{code, policyc, stderr, stdout, temp_dir};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

// ---- test never passes a policy check rejects --------------------------------------

#[test]
fn the_example_with_an_open_gap_fails_its_tests_in_every_format() {
    let o = policyc(&["test", "examples/school.policy"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("test school::first_time ... ok"), "{out}");
    assert!(
        out.contains("test school::gap:response (check) ... FAILED"),
        "{out}"
    );
    assert!(
        out.contains("error[E0501]: output `response` gets no value"),
        "{out}"
    );
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");

    let o = policyc(&["test", "examples/school.policy", "--format", "json"]);
    assert_eq!(code(&o), 1);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let gap = lines.iter().find(|l| l["kind"] == "finding").unwrap();
    assert_eq!(gap["name"], "gap:response");
    assert_eq!(gap["status"], "failed");
    assert_eq!(gap["diagnostics"][0]["code"], "E0501");
    assert_eq!(lines.last().unwrap()["ok"], false);

    let o = policyc(&["test", "examples/school.policy", "--format", "junit"]);
    assert_eq!(code(&o), 1);
    let xml = stdout(&o);
    assert!(
        xml.contains("<testcase name=\"gap:response\"") && xml.contains("<failure"),
        "{xml}"
    );
}

/// Every error-level finding, whatever its kind, fails the run: a conflict, a refuted
/// assert in a file that is not itself tested, an empty scope.
#[test]
fn every_error_level_finding_is_a_failed_test() {
    let dir = temp_dir("findings");
    let conflict = write(
        &dir,
        "conflict.policy",
        b"policy c \"Conflict\"\ninput a: bool\noutput o: bool\n\
          rule r1 \"R1\" cites \"1\" when a then o = true\n\
          rule r2 \"R2\" cites \"1\" then o = false\n",
    );
    let o = policyc(&["test", &conflict]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("test c::conflict:o:r1:r2 (check) ... FAILED"),
        "{}",
        stdout(&o)
    );
    // An assert of a policy, tested only through a file that `use`s it.
    write(
        &dir,
        "asserted/policy.policy",
        b"policy a \"Assert\"\ninput x: bool\noutput o: bool\n\
          rule r1 \"R1\" cites \"1\" when x then o = true\n\
          rule r2 \"R2\" cites \"1\" when not x then o = false\n\
          assert always_true \"O holds\" always o == true\n",
    );
    let tests = write(
        &dir,
        "asserted/tests/t.policy",
        b"use \"../policy.policy\"\nscenario s \"X\" given x = true expect o = true\n",
    );
    let o = policyc(&["test", &tests]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).contains("test a::assert:always_true (check) ... FAILED"),
        "{}",
        stdout(&o)
    );
    // Tested with the policy, the assert is one test, not two.
    let o = policyc(&["test", dir.join("asserted").to_str().unwrap()]);
    assert_eq!(
        stdout(&o).matches("always_true").count(),
        3,
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).ends_with("1 passed, 1 failed\n"),
        "{}",
        stdout(&o)
    );
}

// ---- quiet clean runs ---------------------------------------------------------------

#[test]
fn quiet_runs_print_only_what_fails_and_the_summary() {
    let o = policyc(&["check", "--quiet", "policies/"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).starts_with("checked 11 files: 0 error(s), 0 warning(s)"));

    let o = policyc(&["test", "-q", "policies/"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with(" passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );

    // What fails is all there is: the failure and the closing line.
    let o = policyc(&["test", "--quiet", "examples/school.policy"]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.starts_with("failures:\n\n---- school::gap:response ----\n"),
        "{out}"
    );
    assert!(!out.contains("running") && !out.contains("... ok"), "{out}");
    assert!(out.ends_with("\n1 passed, 1 failed\n"), "{out}");
    let o = policyc(&["check", "-q", "examples/school.policy"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("error[E0501]"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("W0503"), "{}", stderr(&o));
}

/// Writes a shared vocabulary and `n` policies over it, each reading one input of it, so
/// that each leaves the others unread.
fn shared_vocabulary(dir: &Path, n: usize) -> String {
    let inputs: String = (0..n)
        .map(|i| format!("/// Fact {i}?\ninput f{i}: bool\n"))
        .collect();
    write(dir, "vocab.policy", inputs.as_bytes());
    for i in 0..n {
        let text = format!(
            "policy p{i} \"Policy {i}\"\nuse \"vocab.policy\"\n\
             /// Whether to refer.\noutput refer: bool\n\
             rule yes \"Refer\" cites \"para 1\"\n  when f{i}\n  then refer = true\n\
             rule no \"Keep\" cites \"para 2\"\n  when not f{i}\n  then refer = false\n"
        );
        write(dir, &format!("p{i}.policy"), text.as_bytes());
    }
    dir.to_string_lossy().into_owned()
}

/// Policies that share a vocabulary each read only some of it: that is one note, naming
/// what each policy leaves unread, not one note per policy.
#[test]
fn a_shared_vocabulary_is_noted_once() {
    let dir = temp_dir("shared-vocabulary");
    let folder = shared_vocabulary(&dir, 3);
    let o = policyc(&["check", &folder]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("W0503").count(), 1, "{err}");
    assert!(
        err.contains(
            "note[W0503]: 3 policies never depend on some inputs of the shared vocabulary"
        ),
        "{err}"
    );
    for p in ["p0", "p1", "p2"] {
        assert!(
            err.contains(&format!("= the decision of `{p}` never depends on")),
            "{err}"
        );
    }
    let o = policyc(&["check", "--format", "json", &folder]);
    let notes: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|d| d["code"] == "W0503")
        .collect();
    assert_eq!(notes.len(), 1);
    let by_policy = notes[0]["data"]["by_policy"].as_array().unwrap();
    assert_eq!(by_policy.len(), 3);
    assert_eq!(by_policy[0]["policy"], "p0");
    // One policy over the vocabulary keeps its own note, as before.
    let o = policyc(&["check", &format!("{folder}/p1.policy")]);
    assert!(
        stderr(&o).contains("note[W0503]: the decision of `p1` never depends on inputs"),
        "{}",
        stderr(&o)
    );
    // The bundled policies state what they do not read (`ignore`): no note at all.
    let o = policyc(&["check", "policies/"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stderr(&o).contains("W0503"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- one error for one mistake ------------------------------------------------------

/// Copies `policies/` into a fresh folder with `school-advice.policy` and a copy of the
/// example whose `use` has a typo.
fn mistyped_uses(dir: &Path) -> (String, String) {
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    for f in ["incident.policy", "school-advice.policy"] {
        std::fs::copy(Path::new("policies").join(f), policies.join(f)).unwrap();
    }
    let advice = std::fs::read_to_string(policies.join("school-advice.policy"))
        .unwrap()
        .replace("use \"incident.policy\"", "use \"incidnt.policy\"");
    let advice = write(&policies, "school-advice.policy", advice.as_bytes());
    let example = std::fs::read_to_string("examples/school.policy")
        .unwrap()
        .replace(
            "../policies/incident.policy",
            "../policies/incident2.policy",
        );
    let example = write(&dir.join("examples"), "school.policy", example.as_bytes());
    (example, advice)
}

#[test]
fn a_mistyped_use_is_one_error_that_offers_the_nearest_file() {
    let dir = temp_dir("mistyped-use");
    let (example, advice) = mistyped_uses(&dir);
    // The help says the path to write, as the `use` wrote it, not the file name alone.
    for (path, typo, meant) in [
        (&example, "incident2.policy", "../policies/incident.policy"),
        (&advice, "incidnt.policy", "incident.policy"),
    ] {
        let o = policyc(&["check", path]);
        assert_eq!(code(&o), 1);
        let err = stderr(&o);
        assert_eq!(err.matches("error[").count(), 1, "{err}");
        assert!(err.contains("error[E0001]: cannot read"), "{err}");
        assert!(err.contains(typo), "{err}");
        assert!(
            err.contains(&format!("help: did you mean `{meant}`?")),
            "{err}"
        );
        assert!(!err.contains("E0203"), "{err}");
        assert!(
            err.contains("declared nowhere else, and not reported while this file cannot be read"),
            "{err}"
        );
        assert!(
            err.contains("checked 1 file: 1 error(s), 0 warning(s)"),
            "{err}"
        );
        // The fix machines and editors apply: the path with the nearest file.
        let o = policyc(&["check", "--format", "json", path]);
        let d: serde_json::Value =
            serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
        let fixed = d["data"]["suggestion"].as_str().unwrap();
        assert!(fixed.ends_with("incident.policy\""), "{fixed}");
    }
    // Tested, the one error is the one failed test.
    let o = policyc(&["test", &example]);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o).matches("error[").count(), 1, "{}", stdout(&o));
}

/// An undeclared name's help declares it with the type the place needs.
#[test]
fn an_undeclared_name_is_declared_with_the_type_its_place_needs() {
    let dir = temp_dir("undeclared");
    let p = write(
        &dir,
        "p.policy",
        b"policy p \"P\"\noutput o: bool\n\
          rule r1 \"R1\" cites \"1\" when youngest_age < 13 then o = true\n\
          rule r2 \"R2\" cites \"1\" when vulnerable then o = false\n",
    );
    let err = stderr(&policyc(&["check", &p]));
    assert!(
        err.contains("declare it (`input youngest_age: 0..=99`)"),
        "{err}"
    );
    assert!(
        err.contains("declare it (`input vulnerable: bool`)"),
        "{err}"
    );
}

/// `diff --git` on a policy whose `use` leaves the repository: that error, and no
/// summary that says there was nothing to compare.
#[test]
fn a_diff_whose_use_leaves_the_repository_is_one_error() {
    let dir = temp_dir("diff-outside");
    let repo = dir.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::copy("policies/incident.policy", dir.join("outside.policy")).unwrap();
    let example = std::fs::read_to_string("examples/school.policy")
        .unwrap()
        .replace("../policies/incident.policy", "../outside.policy");
    write(&repo, "school.policy", example.as_bytes());
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@t")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@t")
            .output();
        o.is_ok_and(|o| o.status.success())
    };
    if !(git(&["init", "-q"]) && git(&["add", "."]) && git(&["commit", "-qm", "init"])) {
        eprintln!("git is not available: skipped");
        return;
    }
    let o = common::policyc_in(&repo, &["diff", "--git", "HEAD"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert_eq!(err.matches("error[").count(), 1, "{err}");
    assert!(
        err.contains("outside the repository of revision `HEAD`"),
        "{err}"
    );
    assert!(!err.contains("E0203"), "{err}");
    assert!(
        !stdout(&o).contains("no policy files to compare"),
        "{}",
        stdout(&o)
    );
}

// ---- no silent acceptance of garbage ------------------------------------------------

const SMALL: &str = "policy a \"t\"\ninput x: bool\noutput y: bool\n\
rule r \"t\" cites \"c\" when x then y = true\nrule s \"t\" cites \"c\" when not x then y = false\n";

#[test]
fn a_word_or_text_before_the_first_declaration_is_an_error() {
    let dir = temp_dir("garbage");
    let xyz = write(&dir, "xyz.policy", b"xyz\n");
    let o = policyc(&["check", &xyz]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("error[E0101]"), "{}", stderr(&o));
    let before = write(
        &dir,
        "before.policy",
        format!("garbage here\n{SMALL}").as_bytes(),
    );
    let o = policyc(&["check", &before]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("found `garbage`"), "{}", stderr(&o));
}

#[test]
fn a_byte_order_mark_starts_a_policy_or_facts_file() {
    let dir = temp_dir("bom");
    let policy = write(&dir, "a.policy", format!("\u{feff}{SMALL}").as_bytes());
    let o = policyc(&["check", &policy]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let one = write(&dir, "one.json", "\u{feff}{\"x\": true}\n".as_bytes());
    let o = policyc(&["decide", &policy, "--facts", &one, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("\"y\":true"), "{}", stdout(&o));
    let lines = write(
        &dir,
        "lines.json",
        "\u{feff}{\"x\": true}\n{\"x\": false}\n".as_bytes(),
    );
    let o = policyc(&["decide", &policy, "--facts", &lines, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    assert!(!stdout(&o).contains("error"), "{}", stdout(&o));
}

#[test]
fn cr_only_line_endings_are_read_as_lines() {
    let dir = temp_dir("cr");
    let text = format!("{SMALL}rule t \"t\" when x then y = true\n").replace('\n', "\r");
    let policy = write(&dir, "mac.policy", text.as_bytes());
    let o = policyc(&["check", &policy]);
    let err = stderr(&o);
    // The rule without `cites` is on line 6, where an editor shows it.
    assert!(err.contains("mac.policy:6:6"), "{err}");
    assert!(err.contains("6 │ rule t"), "{err}");
}

// ---- flags that do what they say ----------------------------------------------------

/// A batch in the human and markdown formats is one record per incident, each naming
/// its line, not JSON Lines; the exit code is the worst answer's.
#[test]
fn a_batch_honours_the_human_and_markdown_formats() {
    let dir = temp_dir("batch-formats");
    let policy = write(&dir, "a.policy", SMALL.as_bytes());
    let good = write(&dir, "good.jsonl", b"{\"x\": true}\n{\"x\": false}\n");
    let bad = write(
        &dir,
        "bad.jsonl",
        b"{\"x\": true}\nnot json\n{\"x\": false}\n",
    );
    let o = policyc(&["decide", &policy, "--facts", &good]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.lines().any(|l| l.starts_with('{')), "{out}");
    assert!(
        out.contains("── incident 1, on line 1 of the facts ──"),
        "{out}"
    );
    assert!(
        out.contains("── incident 2, on line 2 of the facts ──"),
        "{out}"
    );
    assert!(
        out.contains("(y = true, by r)") && out.contains("(y = false, by s)"),
        "{out}"
    );
    let o = policyc(&["decide", &policy, "--facts", &bad]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("── incident 2, on line 2 of the facts ──\nerror[E0510]"),
        "{out}"
    );
    assert!(
        out.contains("── incident 3, on line 3 of the facts ──"),
        "{out}"
    );
    let o = policyc(&["decide", &policy, "--facts", &bad, "--format", "markdown"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.lines().any(|l| l.starts_with('{')), "{out}");
    assert_eq!(out.matches("\n---\n").count(), 2, "{out}");
    assert!(
        out.contains("# Incident record: t (incident 1, on line 1 of the facts)"),
        "{out}"
    );
    assert!(
        out.contains("# Incident 2, on line 2 of the facts"),
        "{out}"
    );
    assert!(
        out.contains("# Incident record: t (incident 3, on line 3 of the facts)"),
        "{out}"
    );
    // A JSON array on one line: each record says which incident it is, not only the
    // line they share (review 2, W3).
    let array = write(&dir, "array.json", b"[{\"x\": true}, {\"x\": false}]");
    let out = stdout(&policyc(&["decide", &policy, "--facts", &array]));
    assert!(
        out.contains("── incident 1, on line 1 of the facts ──"),
        "{out}"
    );
    assert!(
        out.contains("── incident 2, on line 1 of the facts ──"),
        "{out}"
    );
    // JSON Lines stay the machines' form.
    let o = policyc(&["decide", &policy, "--facts", &good, "--format", "json"]);
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));
    assert!(stdout(&o).lines().all(|l| l.starts_with('{')));
}

/// `test --filter` that matches no scenario or assert says so and exits 2: a mistyped
/// filter must not pass a CI run that tested nothing.
#[test]
fn a_filter_that_matches_nothing_says_so() {
    let school = "tests/fixtures/harness/school";
    for format in ["human", "json", "junit"] {
        let o = policyc(&[
            "test",
            school,
            "--filter",
            "no-such-test",
            "--format",
            format,
        ]);
        assert_eq!(code(&o), 2, "{format}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("no scenario or assert matches `--filter no-such-test`"),
            "{format}: {}",
            stderr(&o)
        );
        // No report either: a log scraper would read its `0 failed` as a pass.
        assert_eq!(stdout(&o), "", "{format}");
    }
    // A filter that matches runs as before (this fixture's tests fail: exit 1).
    let o = policyc(&["test", school, "--filter", "12-year-old"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!stderr(&o).contains("matches `--filter"), "{}", stderr(&o));
}

// ---- terminal safety ----------------------------------------------------------------

/// Text from a policy or facts file (a citation, a title, a question, a comment in a
/// quoted line) that holds ESC sequences, a bell, a carriage return or a bidirectional
/// control is printed escaped by every face for people: it cannot clear the screen or
/// set the window title of whoever runs policyc.
#[test]
fn control_characters_from_a_file_are_escaped() {
    let dir = temp_dir("controls");
    // (A lone carriage return would end the line: it is read as a line break.)
    let evil = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}";
    let policy = write(
        &dir,
        "evil.policy",
        format!(
            "policy evil \"t{evil}\"\n/// Is it x{evil}?\ninput x: bool\ninput z: bool // {evil}\n\
             output y: bool\n\
             rule r \"title {evil}\" cites \"cites {evil}\" when x then y = true\n\
             rule s \"t\" cites \"c\" when not x then y = false\n\
             scenario wrong \"w{evil}\" given x = true expect y = false\n"
        )
        .as_bytes(),
    );
    let facts = write(&dir, "f.json", b"{\"x\": true}\n");
    let batch = write(&dir, "b.jsonl", b"{\"x\": true}\n{\"x\": false}\n");
    let clean = |what: &str, o: &std::process::Output| {
        let all = format!("{}{}", stdout(o), stderr(o));
        for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!all.contains(c), "{what} printed {c:?}: {all:?}");
        }
        all
    };
    for format in ["human", "markdown"] {
        let o = policyc(&["decide", &policy, "--facts", &facts, "--format", format]);
        let all = clean(&format!("decide {format}"), &o);
        assert!(
            all.contains("cites \\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{202e}"),
            "{all}"
        );
        let o = policyc(&["decide", &policy, "--facts", &batch, "--format", format]);
        clean(&format!("batch decide {format}"), &o);
    }
    let o = policyc(&["test", &policy]);
    assert_eq!(code(&o), 1);
    let all = clean("test", &o);
    assert!(all.contains("\\u{1b}[2J"), "{all}");
    let o = policyc(&["check", &policy]);
    let all = clean("check", &o);
    // The quoted line shows the comment's controls as visible characters.
    assert!(
        all.contains("input z: bool // ?[2J?]0;pwned?\u{fffd}"),
        "{all}"
    );
    let o = common::policyc_fed(&["ask", &policy], std::process::Stdio::piped(), b"yes\n\n");
    let all = clean("ask", &o);
    assert!(all.contains("Is it x\\u{1b}[2J"), "{all}");
}

// ---- examples and counts in the policy's terms --------------------------------------

/// The incident record lists the facts the policy asks about, and an output that waits
/// for facts is still to find out, not an action not taken.
#[test]
fn the_incident_record_lists_only_the_facts_the_policy_reads() {
    let dir = temp_dir("record_reads");
    let facts = write(
        &dir,
        "facts.json",
        br#"{"youngest_age":14,"oldest_age":14,"coercion":false,"severity":"nude"}"#,
    );
    let o = policyc(&[
        "decide",
        "examples/school.policy",
        "--facts",
        &facts,
        "--format",
        "markdown",
    ]);
    let md = stdout(&o);
    let table = md
        .split("## Facts")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .nth(1)
        .unwrap();
    // A header, its rule, and the five facts the school policy reads.
    assert_eq!(table.lines().count(), 7, "{md}");
    assert!(!md.contains("reported to the police"), "{md}");
    assert!(
        md.contains("Also given, but not read by this policy: severity."),
        "{md}"
    );
    let not_taken = md.split("## Actions not taken").nth(1).unwrap();
    let not_taken = not_taken.split("## Still to find out").next().unwrap();
    assert!(!not_taken.contains("undecided"), "{md}");
    let open = md.split("## Still to find out").nth(1).unwrap();
    assert!(
        open.contains("- What the school does with the incident: undecided (`response`)"),
        "{md}"
    );
}

/// The gap's count and example speak of the five facts the school policy reads, not of
/// the shared vocabulary's 22 inputs; the example, pasted into `decide`, gets no response.
#[test]
fn the_gap_is_counted_and_shown_over_the_facts_the_policy_reads() {
    let o = policyc(&["check", "examples/school.policy", "--format", "json"]);
    let out = stdout(&o);
    let gap: serde_json::Value = out
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|d| d["code"] == "E0501")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        gap["message"],
        "output `response` gets no value for 342 incidents"
    );
    let example = &gap["data"]["example"];
    assert_eq!(example.as_object().unwrap().len(), 5, "{example}");
    let dir = temp_dir("gap_example");
    let facts = write(&dir, "gap.json", example.to_string().as_bytes());
    let o = policyc(&[
        "decide",
        "examples/school.policy",
        "--facts",
        &facts,
        "--format",
        "json",
    ]);
    let d: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(d["undecided"]["response"]["reason"], "gap", "{d}");
    assert_eq!(d["missing"], serde_json::json!([]), "{d}");
}

/// One diagnostic, one way of counting: the conflict options' "all N incidents of the
/// region" and W0508's headline count over the inputs the policy reads, as the region
/// line above them does (review 2, N2: they counted every declared input).
#[test]
fn every_count_of_one_finding_is_over_the_inputs_read() {
    let dir = temp_dir("one-count");
    let text = b"policy p \"p\"\n\
input a: bool\ninput b: bool\ninput c: bool\ninput unread: 0..=9\n\
output o: bool\noutput q: bool\n\
rule r1 \"r1\" cites \"x\" when a then o = true\n\
rule r2 \"r2\" cites \"x\" when b then o = false\n\
rule r3 \"r3\" cites \"x\" when c then q = true\n\
accept gap q \"the document is silent\"\n\
accept gap o \"the document is silent\" when not a and not b\n";
    let path = write(&dir, "p.policy", text);
    let out = stderr(&policyc(&["check", "--color", "never", &path]));
    // a, b and c read: a and b for the conflict (c free: 2 incidents), not c for the gap
    // of q (a, b free: 4 incidents).
    assert!(out.contains("both apply to 2 incidents"), "{out}");
    assert!(out.contains("all 2 incidents of the region get"), "{out}");
    assert!(
        out.contains("it accepts all 4 incidents the output gets no value for"),
        "{out}"
    );
    assert!(
        !out.contains("20 incidents") && !out.contains("40 incidents"),
        "{out}"
    );
}
