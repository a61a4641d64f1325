//! The command-line contract: exit codes, formats, and robustness against hostile input.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;
use common::{code, policyc, policyc_fed, stderr, stdout, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

const CLEAN: &str = r#"policy p "A clean policy"
input coercion: bool
output escalate: bool
rule r1 "Coercion" cites "002" when coercion then escalate = true
rule r2 "No coercion" cites "002" when not coercion then escalate = false
"#;

fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn check_exit_codes_follow_the_contract() {
    let dir = temp_dir("exit");
    let clean = write(&dir, "clean.policy", CLEAN.as_bytes());
    let broken = write(&dir, "broken.policy", b"policy p \"x\"\ninput a bool\n");
    assert_eq!(
        code(&policyc(&["check", &clean])),
        0,
        "{}",
        stderr(&policyc(&["check", &clean]))
    );
    assert_eq!(code(&policyc(&["check", &broken])), 1);
    assert_eq!(code(&policyc(&["check", "/no/such/path.policy"])), 2);
    assert_eq!(code(&policyc(&["check", "--no-such-flag"])), 2);
    let empty_dir = temp_dir("empty-dir");
    let o = policyc(&["check", empty_dir.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("E0004"), "{}", stderr(&o));
}

#[test]
fn check_json_prints_one_object_per_diagnostic() {
    let dir = temp_dir("json");
    let broken = write(&dir, "broken.policy", b"input a bool\ninput b bool\n");
    let o = policyc(&["check", "--format", "json", &broken]);
    assert_eq!(code(&o), 1);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!(l["code"], "E0101");
        assert_eq!(l["severity"], "error");
        assert!(l["line"].as_u64().is_some() && l["labels"][0]["byte_start"].as_u64().is_some());
    }
}

#[test]
fn hostile_input_gets_a_diagnostic_never_a_crash() {
    let dir = temp_dir("hostile");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("utf8.policy", b"policy p \"\xff\xfe\"\n".to_vec(), "E0002"),
        ("empty.policy", Vec::new(), "W0100"),
        (
            "parens.policy",
            format!("define x = {}a{}", "(".repeat(100_000), ")".repeat(100_000)).into_bytes(),
            "E0104",
        ),
        (
            "nots.policy",
            format!("define x = {}a", "not ".repeat(100_000)).into_bytes(),
            "E0104",
        ),
        (
            "chain.policy",
            format!("define x = a{}", " or a".repeat(200_000)).into_bytes(),
            "E0104",
        ),
        ("huge.policy", vec![b'a'; 10 * 1024 * 1024], "E0003"),
        (
            "garbage.policy",
            (0..200_000u32)
                .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8 & 0x7f)
                .collect(),
            "E01",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = write(&dir, name, &bytes);
        let o = policyc(&["check", &path]);
        let c = code(&o);
        assert!(
            c == 0 || c == 1 || c == 2,
            "{name}: exit {c} (signal or panic?)\n{}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains(expected),
            "{name}: expected {expected} in\n{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{name} panicked");
        // Lines of megabytes are shown in part.
        assert!(
            o.stderr.len() < 16 * 1024,
            "{name}: {} bytes of diagnostics",
            o.stderr.len()
        );
    }
}

#[test]
fn explain_prints_every_code_and_refuses_unknown_ones() {
    let o = policyc(&["explain", "E0101"]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("syntax error"));
    let all = policyc(&["explain", "all"]);
    for line in String::from_utf8_lossy(&all.stdout).lines() {
        let c = line.split_whitespace().next().unwrap();
        assert_eq!(code(&policyc(&["explain", c])), 0, "explain {c}");
    }
    assert_eq!(code(&policyc(&["explain", "E9999"])), 2);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = temp_dir("color");
    let broken = write(&dir, "broken.policy", b"input a bool\n");
    let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
        .args(["--color", "always", "check", &broken])
        .output()
        .unwrap();
    assert!(stderr(&o).contains('\u{1b}'), "--color always colours");
    let o = policyc(&["check", &broken]);
    assert!(
        !stderr(&o).contains('\u{1b}'),
        "NO_COLOR and a pipe mean no colour"
    );
}

fn piped() -> std::process::Stdio {
    std::process::Stdio::piped()
}

fn endless() -> std::process::Stdio {
    std::fs::File::open("/dev/zero").unwrap().into()
}

#[test]
fn a_policy_is_read_from_a_pipe_and_an_endless_one_is_refused() {
    let o = policyc_fed(&["check", "/dev/stdin"], piped(), CLEAN.as_bytes());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A named file that cannot be read whole is an I/O error, as for `test`.
    let mut yes = Command::new("yes")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let endless_pipe: std::process::Stdio = yes.stdout.take().unwrap().into();
    let o = policyc_fed(&["check", "/dev/stdin"], endless_pipe, b"");
    let _ = yes.kill();
    let _ = yes.wait();
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("E0003"), "{}", stderr(&o));
    // A device is not read at all (issue 19: `check /dev/zero` is exit 2).
    let o = policyc_fed(&["check", "/dev/stdin"], endless(), b"");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
}

#[test]
fn decide_reads_facts_from_a_pipe_and_refuses_an_endless_one() {
    let dir = temp_dir("facts-pipe");
    let policy = write(&dir, "p.policy", CLEAN.as_bytes());
    let args = ["decide", "--format", "json", &policy, "--facts", "-"];
    let o = policyc_fed(&args, piped(), br#"{"coercion": true}"#);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("escalate"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Read up to the limit, then refused: not read until memory runs out.
    let o = policyc_fed(&args, endless(), b"");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("larger than 256 MiB"), "{}", stderr(&o));
}

/// A named pipe with a writer waiting to give `text` to whoever opens it, so that a
/// policyc that wrongly opens it reads that rather than waiting forever.
#[cfg(unix)]
struct Fifo {
    path: PathBuf,
    opened: std::sync::Arc<std::sync::atomic::AtomicBool>,
    writer: std::thread::JoinHandle<()>,
}

#[cfg(unix)]
impl Fifo {
    fn new(path: PathBuf, text: &'static [u8]) -> Fifo {
        use std::io::Write;
        use std::sync::atomic::{AtomicBool, Ordering};
        let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
        assert!(made.success());
        let opened = std::sync::Arc::new(AtomicBool::new(false));
        let (p, flag) = (path.clone(), opened.clone());
        let writer = std::thread::spawn(move || {
            // Blocks until a reader opens the pipe.
            if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&p) {
                flag.store(true, Ordering::SeqCst);
                let _ = f.write_all(text);
            }
        });
        Fifo {
            path,
            opened,
            writer,
        }
    }

    /// Whether anything opened the pipe to read it; when nothing did, opens it here to
    /// let the writer go.
    fn was_read(self) -> bool {
        use std::io::Read;
        let read = self.opened.load(std::sync::atomic::Ordering::SeqCst);
        if !read {
            let mut rest = Vec::new();
            let _ = std::fs::File::open(&self.path).and_then(|mut f| f.read_to_end(&mut rest));
        }
        self.writer.join().unwrap();
        read
    }
}

#[cfg(unix)]
#[test]
fn named_pipes_are_not_checked_in_folders_nor_read_through_use() {
    // Opening a named pipe that nothing writes to waits forever.
    let dir = temp_dir("fifo-folder");
    write(&dir, "ok.policy", CLEAN.as_bytes());
    let fifo = Fifo::new(dir.join("pipe.policy"), b"not a policy");
    let o = policyc(&["check", dir.to_str().unwrap()]);
    assert!(!fifo.was_read(), "the pipe in the folder was read");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("checked 1 file"), "{}", stderr(&o));

    let dir = temp_dir("fifo-use");
    let main = write(
        &dir,
        "main.policy",
        format!("{CLEAN}use \"pipe.policy\"\n").as_bytes(),
    );
    let fifo = Fifo::new(dir.join("pipe.policy"), b"input coercion: bool\n");
    let o = policyc(&["check", &main]);
    assert!(!fifo.was_read(), "the used pipe was read");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("E0001") && stderr(&o).contains("not a regular file"),
        "{}",
        stderr(&o)
    );
}

/// `--count-budget` sets the splits a gap count of a policy of many rules may take: one
/// split cannot count this gap (E0504, naming the budget), the default counts it
/// exactly (checked here by enumerating the 27,000 incidents).
#[test]
fn count_budget_bounds_the_gap_count() {
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut text = String::from(
        "policy many \"Many\"\nenum V { v0, v1 }\ninput a: 0..=29\ninput b: 0..=29\ninput c: 0..=29\noutput o: V\n",
    );
    let mut boxes = Vec::new();
    for r in 0..120 {
        let mut ranges = Vec::new();
        for _ in 0..3 {
            let lo = next(30);
            let hi = (lo + next(12)).min(29);
            ranges.push((lo, hi));
        }
        text.push_str(&format!(
            "rule r{r} \"R{r}\"\n  cites \"c\"\n  when a in {}..={} and b in {}..={} and c in {}..={}\n  then o = v0\n",
            ranges[0].0, ranges[0].1, ranges[1].0, ranges[1].1, ranges[2].0, ranges[2].1
        ));
        boxes.push(ranges);
    }
    let gap = (0..30u64)
        .flat_map(|a| (0..30u64).flat_map(move |b| (0..30u64).map(move |c| [a, b, c])))
        .filter(|x| {
            !boxes
                .iter()
                .any(|bx| bx.iter().zip(x).all(|(&(lo, hi), &v)| lo <= v && v <= hi))
        })
        .count();
    assert!(gap > 0);
    let dir = temp_dir("count-budget");
    let path = write(&dir, "many.policy", text.as_bytes());
    let diagnostics = |extra: &[&str]| -> Vec<serde_json::Value> {
        let mut args = vec!["check", "--format", "json", &path];
        args.extend_from_slice(extra);
        let o = policyc(&args);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    let counted = diagnostics(&[]);
    let e0501: Vec<_> = counted.iter().filter(|d| d["code"] == "E0501").collect();
    assert_eq!(e0501.len(), 1, "{counted:?}");
    assert_eq!(e0501[0]["data"]["count"], gap as u64);
    let cut = diagnostics(&["--count-budget", "1"]);
    let e0504: Vec<_> = cut.iter().filter(|d| d["code"] == "E0504").collect();
    assert_eq!(e0504.len(), 1, "{cut:?}");
    assert_eq!(e0504[0]["data"]["gaps_exist"], true);
    let notes = e0504[0]["notes"].to_string();
    assert!(
        notes.contains("its budget of 1 split (`--count-budget`)"),
        "{notes}"
    );
    // With part of the gap accepted, the open part is still proven when the count of
    // the accepted part runs out.
    let accepting = write(
        &dir,
        "accepting.policy",
        format!("{text}accept gap o \"silent\"\n  when c >= 28\n").as_bytes(),
    );
    let o = policyc(&[
        "check",
        "--format",
        "json",
        "--count-budget",
        "1",
        &accepting,
    ]);
    let cut: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let e0504: Vec<_> = cut.iter().filter(|d| d["code"] == "E0504").collect();
    assert_eq!(e0504.len(), 1, "{cut:?}");
    assert_eq!(e0504[0]["data"]["gaps_exist"], true, "{cut:?}");
    // A budget no machine's memory holds is refused, not run until memory runs out.
    let o = policyc(&["check", "--count-budget", "50000001", &path]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A folder walk skips the paths a `.policyignore` lists, relative to its folder (for
/// its subtree only); a path named on the command line is read all the same.
#[test]
fn a_folder_walk_skips_what_policyignore_lists() {
    let dir = temp_dir("policyignore");
    write(&dir, "clean.policy", CLEAN.as_bytes());
    std::fs::create_dir_all(dir.join("fixtures/deep")).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let broken = b"policy p \"x\"\ninput a bool\n";
    write(&dir.join("fixtures/deep"), "broken.policy", broken);
    write(&dir.join("sub"), "broken.policy", broken);
    write(&dir.join("sub"), "clean.policy", CLEAN.as_bytes());
    write(
        &dir,
        ".policyignore",
        b"# malformed on purpose\n./fixtures/\n",
    );
    write(&dir.join("sub"), ".policyignore", b"broken.policy\n");
    let d = dir.to_string_lossy().into_owned();
    let o = policyc(&["check", &d]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("checked 2 files"), "{}", stderr(&o));
    // Named, an ignored folder is searched.
    let fixtures = dir.join("fixtures").to_string_lossy().into_owned();
    assert_eq!(code(&policyc(&["check", &fixtures])), 1);
    // A list above where a walk starts applies too, and `..` steps out of a folder.
    write(
        &dir,
        ".policyignore",
        b"sub/../fixtures/deep
",
    );
    let o = policyc(&["check", &fixtures]);
    assert_eq!(code(&o), 2, "no .policy files left: {}", stderr(&o));
    assert!(stderr(&o).contains("E0004"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A policy and the test file that `use`s it are one policy, however the paths reach
/// them: a walk of `.` meets `./p.policy` where the `use` says `p.policy`, and a finding
/// said twice would double the count CI gates on and every annotation.
#[test]
fn a_policy_used_by_its_tests_is_reported_once_from_any_path() {
    let dir = temp_dir("used-once");
    write(
        &dir,
        "p.policy",
        b"policy p \"A policy with a gap\"\ninput coercion: bool\noutput escalate: bool\n\
          rule r1 \"Coercion\" cites \"002\" when coercion then escalate = true\n",
    );
    write(
        &dir,
        "p_tests.policy",
        b"use \"p.policy\"\nscenario s \"S\" given coercion = true expect escalate = true\n",
    );
    let abs = dir.to_string_lossy().into_owned();
    for args in [
        vec!["check"],
        vec!["check", "."],
        vec!["check", "./"],
        vec!["check", "./p.policy", "p_tests.policy"],
        vec!["check", "p_tests.policy", "./p.policy"],
        vec!["check", &abs],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_policyc"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(code(&o), 1, "{args:?}: {err}");
        assert_eq!(err.matches("error[E0501]").count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("checked 2 files: 1 error(s)"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("./p.policy"), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bundled policies and the comparisons under `policies/compare/` check clean with
/// warnings denied and pass their tests: an output a document names but never decides
/// (every gap accepted, W0002) and a file that only relates other policies' decisions
/// (no outputs, W0503) warn nothing.
#[test]
fn the_bundled_policies_check_and_test_clean() {
    let o = policyc(&["check", "--deny", "warnings", "policies"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = policyc(&["test", "policies"]);
    let out = common::stdout(&o);
    assert_eq!(code(&o), 0, "{out}");
    // The walk reaches the comparisons in the subfolder.
    assert!(out.contains("test school_advice_vs_ukcis::"), "{out}");
}

/// A precedence that makes managing win over a referral fails `--deny warnings` (W0509),
/// and the summary line counts what a precedence decides even with `--quiet`, in both
/// formats a CI log shows; one ranked the protective way passes with its count (review 2,
/// N6).
#[test]
fn check_makes_a_reversed_precedence_visible_to_ci() {
    let reversed = "tests/fixtures/diagnostics/W0509-referral-outranked.policy";
    for format in ["human", "github"] {
        let o = policyc(&[
            "check", "--quiet", "--deny", "warnings", "--format", format, reversed,
        ]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(
            stderr(&o)
                .contains("checked 1 file: 1 error(s), 0 warning(s), 1 decided by precedence"),
            "{}",
            stderr(&o)
        );
        assert!(
            format!("{}{}", stdout(&o), stderr(&o)).contains("W0509"),
            "{format}"
        );
    }
    let protective = "tests/fixtures/diagnostics/W0506-precedence-decides.policy";
    let o = policyc(&["check", "--quiet", "--deny", "warnings", protective]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 warning(s), 1 decided by precedence"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("W0509"), "{}", stderr(&o));
}

/// W0009 is for a policy that decides nothing: not for a test file (it has its policy's
/// outputs), nor a comparison of imported policies that asserts about them; a
/// comparison with no assert is told to state one.
#[test]
fn only_a_policy_that_decides_nothing_is_told_so() {
    for quiet in [
        "tests/fixtures/harness/school/school_tests.policy",
        "policies/compare/npcc-vs-ukcis.policy",
    ] {
        let o = policyc(&["check", quiet]);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains("W0009"), "{quiet}: {all}");
    }
    let dir = common::temp_dir("w0009");
    std::fs::copy("policies/incident.policy", dir.join("incident.policy")).unwrap();
    std::fs::copy("policies/npcc.policy", dir.join("npcc.policy")).unwrap();
    let cmp = dir.join("cmp.policy");
    std::fs::write(
        &cmp,
        "policy cmp \"Nothing compared yet\"\nuse \"incident.policy\"\nuse \"npcc.policy\" as npcc\n",
    )
    .unwrap();
    let o = policyc(&["check", &cmp.to_string_lossy()]);
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        all.contains("warning[W0009]: the policy `cmp` declares no output or assert: it decides and checks nothing"),
        "{all}"
    );
    assert!(
        all.contains("help: state what the compared policies must agree on with an `assert`"),
        "{all}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `graph` and `diff` on a policy that type-checks but that `check` rejects warn first,
/// as `decide` and `ask` do, and exit as for a clean policy, as docs/cli.md and their
/// man pages say (review 2, W1).
#[test]
fn graph_and_diff_warn_about_a_policy_check_rejects() {
    let rejected = "tests/fixtures/decide/rejected.policy";
    let clean = "tests/fixtures/diagnostics/W0506-precedence-decides.policy";
    let o = policyc(&["graph", rejected, "--format", "mermaid"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("warning: this policy does not pass `policyc check` (3 errors); the graph may show undecided or conflicting answers"),
        "{}",
        stderr(&o)
    );
    let o = policyc(&["diff", rejected, rejected]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    for side in ["old", "new"] {
        assert!(
            err.contains(&format!(
                "warning: the {side} policy `{rejected}` does not pass `policyc check` (3 errors)"
            )),
            "{err}"
        );
    }
    let o = policyc(&["graph", clean, "--format", "mermaid"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let o = policyc(&["diff", clean, clean]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    for c in ["graph", "diff"] {
        let roff = stdout(&policyc(&["man", c]));
        assert!(roff.contains(".SH \"EXIT STATUS\""), "{c}: {roff}");
        assert!(roff.contains("check rejects"), "{c}: {roff}");
    }
}
