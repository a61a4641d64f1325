//! `policyc ask` end to end: interviews on every bundled policy driven through standard
//! input end with `decide`'s decision on the facts they saved; exit codes; the facts and
//! record files; a session in a pseudo-terminal; and the transcript docs/ask.md shows.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // test helpers fail loudly

mod common;
use common::{code, command, policyc, policyc_fed, stdout, temp_dir};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Output, Stdio};

const SCHOOL: &str = "policies/school-advice.policy";

fn fed(args: &[&str], input: &str) -> Output {
    policyc_fed(args, Stdio::piped(), input.as_bytes())
}

/// A small xorshift generator: the answer sequences are random but repeatable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Runs `policyc ask` with `args`, answering each prompt with `reply(question)`, where
/// `question` is the text of the question being asked. Returns everything printed on
/// standard output and the exit code.
fn drive(args: &[&str], mut reply: impl FnMut(&str) -> String) -> (String, i32) {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = child.stdout.take().unwrap();
    let (mut seen, mut buf) = (String::new(), [0u8; 8192]);
    let (mut question, mut from) = (String::new(), 0);
    loop {
        let n = out.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        seen.push_str(std::str::from_utf8(&buf[..n]).unwrap());
        if seen.ends_with("\n> ") {
            // A refused answer prompts again under the same question.
            let block = &seen[from..];
            if let Some(at) = block.rfind("\nQuestion ") {
                question = block[at..].to_string();
            }
            from = seen.len();
            let line = reply(&question);
            stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
        }
    }
    drop(stdin);
    let status = child.wait().unwrap();
    (seen, status.code().unwrap_or(-1))
}

/// A random reply to `question`: a choice by number, a whole number in its range (most
/// often a child's age), or, `dont_know` percent of the time, "don't know".
fn random_reply(question: &str, rng: &mut Rng, dont_know: u64) -> String {
    if rng.below(100) < dont_know {
        return "?".into();
    }
    if let Some(at) = question.find("(a whole number from ") {
        let range = &question[at + "(a whole number from ".len()..];
        let (lo, rest) = range.split_once(" to ").unwrap();
        let hi = rest.split_once(')').unwrap().0;
        let (lo, hi): (i64, i64) = (lo.parse().unwrap(), hi.parse().unwrap());
        let n = if rng.below(4) > 0 && lo <= 10 && hi >= 19 {
            10 + rng.below(10) as i64
        } else {
            lo + rng.below((hi - lo + 1) as u64) as i64
        };
        return n.to_string();
    }
    let choices = question
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            l.starts_with("   ")
                && t.split_once(") ")
                    .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .count();
    assert!(choices > 0, "a question with choices: {question}");
    (1 + rng.below(choices as u64)).to_string()
}

fn bundled() -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir("policies")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "policy"))
        .filter(|p| !p.ends_with("incident.policy"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_bundled_policy_ends_where_decide_does_through_standard_input() {
    let dir = temp_dir("random");
    for policy in bundled() {
        for seed in 1..=4u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let dont_know = if seed % 2 == 0 { 20 } else { 0 };
            let saved = dir.join(format!("seed{seed}.json"));
            let saved_arg = saved.to_string_lossy().into_owned();
            let (transcript, ask_code) = drive(&["ask", &policy, "--save", &saved_arg], |q| {
                random_reply(q, &mut rng, dont_know)
            });
            let decided = policyc(&["decide", &policy, "--facts", &saved_arg]);
            let ctx = format!("{policy} seed {seed}:\n{transcript}");
            assert!(
                transcript.contains(&stdout(&decided)),
                "the interview ends with decide's answer on its facts: {ctx}"
            );
            let json = policyc(&["decide", &policy, "--facts", &saved_arg, "--format", "json"]);
            let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
            let expected = if json["status"] == "decided" { 0 } else { 1 };
            assert_eq!(ask_code, expected, "{ctx}");
            if dont_know == 0 {
                assert_eq!(json["missing"], serde_json::json!([]), "{ctx}");
            }
        }
    }
}

#[test]
fn a_session_through_standard_input() {
    let dir = temp_dir("session");
    let facts = dir.join("facts.json");
    let record = dir.join("record.md");
    let (f, r) = (facts.to_string_lossy(), record.to_string_lossy());
    let o = fed(
        &["ask", SCHOOL, "--save", &f, "--record", &r],
        "h\n150\n15\n15\n2\n2\nb\n?\nfoo\n2\n2\n",
    );
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(out.contains("> h\nAt a question, type:"), "help: {out}");
    assert!(out.contains(
        "> 150\n   150 is outside the range the policy allows for `oldest_age` (type a whole \
         number from\n   0 to 99, or ? if you don't know)\n> 15\n"
    ));
    assert!(
        out.contains("> foo\n   `foo` is not one of the choices"),
        "{out}"
    );
    assert!(out.contains("The policy has decided."), "{out}");
    assert!(out.contains("  widely_distributed = not known\n"), "{out}");
    let decided = policyc(&["decide", SCHOOL, "--facts", &f]);
    assert!(out.contains(&stdout(&decided)));
    let markdown = policyc(&["decide", SCHOOL, "--facts", &f, "--format", "markdown"]);
    assert_eq!(std::fs::read_to_string(&record).unwrap(), stdout(&markdown));
    assert_eq!(
        std::fs::read_to_string(&facts).unwrap(),
        "{\n  \"youngest_age\": 15,\n  \"oldest_age\": 15,\n  \"coercion\": false,\n  \
         \"widely_distributed\": null,\n  \"previous\": \"earlier_incident\"\n}\n"
    );
}

#[test]
fn exit_codes() {
    let dir = temp_dir("exits");
    // Out of scope at the end: 1.
    let o = fed(&["ask", SCHOOL], "30\n18\n");
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("   out of scope: this policy decides nothing for this incident\n"));
    assert!(stdout(&o).contains("The incident is outside the policy's scope."));
    // Quit, or the end of the input, before the policy decides: 1.
    for input in ["15\nq\n", "15\n"] {
        let o = fed(&["ask", SCHOOL], input);
        assert_eq!(code(&o), 1);
        assert!(stdout(&o).contains("Stopped before the policy decided."));
    }
    // Usage: a module, a missing file, bad facts, an unwritable record.
    let o = fed(&["ask", "policies/incident.policy"], "");
    assert_eq!(code(&o), 2);
    assert!(common::stderr(&o).contains("E0518"));
    assert_eq!(code(&fed(&["ask", "policies/nope.policy"], "")), 2);
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"youngest_ag": 15}"#).unwrap();
    let o = fed(&["ask", SCHOOL, "--facts", &bad.to_string_lossy()], "");
    assert_eq!(code(&o), 2);
    assert!(
        common::stderr(&o).contains("youngest_ag"),
        "{}",
        common::stderr(&o)
    );
    std::fs::write(&bad, r#"{"youngest_age": 16, "oldest_age": 15}"#).unwrap();
    let o = fed(&["ask", SCHOOL, "--facts", &bad.to_string_lossy()], "");
    assert_eq!(code(&o), 2);
    assert!(common::stderr(&o).contains("E0515"));
    let nowhere = dir.join("no/such/folder/record.md");
    let o = fed(
        &["ask", SCHOOL, "--record", &nowhere.to_string_lossy()],
        "30\n18\n",
    );
    assert_eq!(code(&o), 2);
    assert!(common::stderr(&o).contains("cannot write"));
    // A line that is not UTF-8 is asked again.
    let o = policyc_fed(&["ask", SCHOOL], Stdio::piped(), b"1\xff5\n30\n18\n");
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("that line is not UTF-8 text: type it again\n> 30\n"));
}

#[test]
fn a_facts_file_answers_questions_before_they_are_asked() {
    let dir = temp_dir("facts");
    let facts = dir.join("facts.json");
    std::fs::write(
        &facts,
        r#"{"youngest_age": 15, "oldest_age": 15, "coercion": false, "widely_distributed": true}"#,
    )
    .unwrap();
    let o = fed(&["ask", SCHOOL, "--facts", &facts.to_string_lossy()], "");
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(out.contains("4 facts given in the facts file."));
    assert!(
        !out.contains("Question 1"),
        "decided before any question: {out}"
    );
    assert!(out.contains("(response = escalate, by escalate_on_concern)"));
}

/// A session in a pseudo-terminal (Python's `pty`): answers typed at prompts, the
/// offer to save the facts at the end, and no cursor movement.
#[test]
fn a_session_in_a_terminal() {
    let python = std::process::Command::new("python3")
        .args(["-c", "import pty, select"])
        .output();
    if !python.is_ok_and(|o| o.status.success()) {
        eprintln!("note: no python3 with the pty module; the terminal session is not tested");
        return;
    }
    let dir = temp_dir("pty");
    let saved = dir.join("saved.json");
    let bin = env!("CARGO_BIN_EXE_policyc");
    for colour in ["auto", "always"] {
        let answers = [
            "15",
            "15",
            "?",
            "2",
            "b",
            "2",
            "2",
            &saved.to_string_lossy(),
        ];
        let o = std::process::Command::new("python3")
            .args(["-c", PTY_DRIVER, bin, "ask", SCHOOL, "--color", colour])
            .env("ANSWERS", answers.join("\n"))
            .env("NO_COLOR", if colour == "auto" { "1" } else { "" })
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n");
        assert_eq!(o.status.code(), Some(0), "{out}{}", common::stderr(&o));
        assert!(out.contains("The policy has decided."), "{out}");
        assert!(
            out.contains("Save the facts for `policyc decide`?"),
            "{out}"
        );
        assert!(out.contains(&format!("wrote {}", saved.display())), "{out}");
        let facts = std::fs::read_to_string(&saved).unwrap();
        assert!(facts.contains("\"coercion\": null"), "{facts}");
        assert!(
            facts.contains("\"previous\": \"earlier_incident\""),
            "{facts}"
        );
        std::fs::remove_file(&saved).unwrap();
        // The terminal echoes what is typed: the answers are not printed twice.
        let typed = out.matches("> 15\n").count() + out.matches("> \x1b[0m15\n").count();
        assert_eq!(typed, 2, "{out}");
        let escapes: Vec<&str> = out
            .match_indices('\x1b')
            .map(|(i, _)| &out[i..i + 4])
            .collect();
        if colour == "auto" {
            assert!(escapes.is_empty(), "NO_COLOR: {escapes:?}");
        } else {
            // A bold prompt, and nothing else: no cursor movement, no redraw.
            assert!(!escapes.is_empty());
            assert!(
                escapes
                    .iter()
                    .all(|e| *e == "\x1b[1m" || e.starts_with("\x1b[0m")),
                "{escapes:?}"
            );
        }
    }
}

/// Runs a command in a pseudo-terminal, typing the lines of `$ANSWERS` one per prompt;
/// prints what the terminal showed and exits with the command's code.
const PTY_DRIVER: &str = r#"
import os, pty, select, sys, time
answers = os.environ["ANSWERS"].split("\n")
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out, typed, deadline = b"", 0, time.time() + 60
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    prompts = out.count(b"\n> ") + out.count(b"\n\x1b[1m> ")
    while typed < prompts and typed < len(answers):
        os.write(fd, answers[typed].encode() + b"\n")
        typed += 1
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status) if time.time() < deadline else 99)
"#;

/// docs/ask.md's transcript is what `policyc ask` prints for its answers.
#[test]
fn the_documented_transcript_is_true() {
    let doc = std::fs::read_to_string("docs/ask.md").unwrap();
    let start = doc.find("```text\n$ printf '").expect("a transcript") + "```text\n".len();
    let block = &doc[start..start + doc[start..].find("```").unwrap()];
    let (command_line, shown) = block.split_once('\n').unwrap();
    let input = command_line["$ printf '".len()..]
        .split_once("' | ")
        .unwrap();
    let args: Vec<&str> = input.1.split_whitespace().skip(1).collect();
    let o = fed(&args, &input.0.replace("\\n", "\n"));
    assert_eq!(
        shown,
        stdout(&o),
        "update docs/ask.md with the new transcript"
    );
    assert!(Path::new(args[1]).exists());
}

/// Past the decision graph's limits the rules decide: every input they read is asked,
/// in declaration order, and a "don't know" among them leaves the policy undecided.
#[test]
fn past_the_graph_every_input_the_rules_read_is_asked() {
    let dir = temp_dir("rules");
    let policy = dir.join("overflow.policy");
    std::fs::write(
        &policy,
        "policy overflow \"overflow\"\n/// How many?\ninput a: 0..=10\ninput b: 0..=10\n\
         output o: bool default false\n\
         rule r \"r\" cites \"c\" when a + 9223372036854775807 > b - 10 then o = true\n",
    )
    .unwrap();
    let policy = policy.to_string_lossy();
    let o = fed(&["ask", &policy], "1\n2\n");
    let out = stdout(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(out.contains("Question 1: How many?\n   (a whole number from 0 to 10)\n> 1\n"));
    assert!(out.contains("Question 2: What is `b`?\n"), "{out}");
    assert!(out.contains("  o: yes (o = true, by r)\n"), "{out}");
    let o = fed(&["ask", &policy], "?\n2\n");
    let out = stdout(&o);
    assert_eq!(code(&o), 1, "{out}");
    assert!(
        out.contains("still to find out:\n  a — How many?\n"),
        "{out}"
    );
}

/// The review's school policy: the DSL's confidence (a judgement) is asked after the
/// facts that may make it irrelevant, and never when they do (coercion refers at once).
#[test]
fn judgements_are_asked_after_the_facts() {
    const REVIEW: &str = "tests/fixtures/diff/precedence/old.policy";
    const CONFIDENT: &str = "Is the designated safeguarding lead (DSL)";
    let questions = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("Question "))
            .map(String::from)
            .collect()
    };
    // Coercion: referred at once, and the confidence is never asked.
    let text = stdout(&fed(&["ask", REVIEW], "15\n15\n1\n"));
    assert!(text.contains("response = refer_immediately"), "{text}");
    assert!(!text.contains(CONFIDENT), "{text}");
    // No point applies: every fact is asked before the confidence.
    let text = stdout(&fed(&["ask", REVIEW], "15\n15\n2\n2\n2\n2\n2\n2\n"));
    let asked = questions(&text);
    let at = asked.iter().position(|q| q.contains(CONFIDENT)).unwrap();
    assert_eq!(at, 7, "{asked:#?}");
    assert!(asked[at].starts_with("Question 8 (a judgement for you to make)"));
    assert!(
        asked[..at].iter().all(|q| !q.contains("a judgement")),
        "{asked:#?}"
    );
}

/// The review's m2: `response` is decided after the first answer because its
/// precedence puts `manage_in_setting` first; the early line says a precedence may be
/// what decides it, as the final summary does.
#[test]
fn an_early_decision_says_it_may_win_by_precedence() {
    let text = stdout(&fed(
        &["ask", "tests/fixtures/diff/precedence/m2.policy"],
        "12\n13\n1\n",
    ));
    let early = text
        .split("decided: response:")
        .nth(1)
        .and_then(|t| t.split("\n\n").next())
        .unwrap_or_else(|| panic!("{text}"));
    let early = early.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        early,
        "manage in setting (response = manage_in_setting, by manage); it wins by precedence over refer_immediately wherever refer applies"
    );
    assert!(text.contains("by precedence over refer_immediately (manage_in_setting by manage; refer_immediately by refer)"));
}

/// The final "still to find out" list is plain text: the vocabulary's doc comments keep
/// no backticks there, as the questions do not (review 2, D5).
#[test]
fn the_final_list_drops_the_vocabularys_backticks() {
    let o = fed(&["ask", "policies/ukcis-2024.policy"], "15\n15\n?\n");
    let out = stdout(&o);
    assert!(
        out.contains("(Violent acts are the severity extreme.)"),
        "{out}"
    );
    assert!(!out.contains("`extreme`"), "{out}");
}
