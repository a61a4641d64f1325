//! Batches as `policyc decide` reads them: layouts, bad and over-long lines, streams, and
//! answers that equal the answers of incidents decided alone.

use super::*;
use crate::compile::graph::DecisionGraph;
use crate::compile::synth::{generate, SynthSpec};
use crate::compile::{CompileOptions, Compiler};
use crate::evaluate::render::json::ErrorJson;
use crate::testing::id;
use std::io::Read;

fn setup() -> (Policy, DecisionGraph) {
    let p = generate(&SynthSpec::small(11));
    let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
    let g = DecisionGraph::build(&mut c).unwrap();
    (p, g)
}

/// The answers to `incidents` as `policyc decide --format json` prints them, one JSON
/// object a line.
fn json_lines(p: &Policy, g: &DecisionGraph, incidents: Incidents<'_>) -> String {
    fn line(v: &impl serde::Serialize) -> String {
        format!("{}\n", serde_json::to_string(v).unwrap())
    }
    let sources = Sources::new();
    let decider = Decider::Graph(g);
    match incidents {
        Incidents::One(Ok(doc)) => match decide_one(p, &decider, &doc) {
            Ok((_, d)) => line(&crate::evaluate::decision_json(p, &d)),
            Err(es) => line(&ErrorJson::new(&sources, None, &es)),
        },
        Incidents::One(Err(es)) | Incidents::Many(Err(es)) => {
            line(&ErrorJson::new(&sources, None, &es))
        }
        Incidents::Many(Ok(items)) => {
            let mut batch = Batch::new(p, &decider);
            items
                .map(|item| line(&batch.answer(item).json(p, &sources)))
                .collect()
        }
    }
}

fn run_text(p: &Policy, g: &DecisionGraph, text: &str) -> String {
    json_lines(p, g, from_text(text))
}

fn run_reader(p: &Policy, g: &DecisionGraph, bytes: &[u8]) -> String {
    json_lines(p, g, from_reader(bytes).unwrap())
}

/// Streaming JSON Lines answers exactly as reading them whole does, for every
/// layout, blank and bad lines included.
#[test]
fn a_stream_is_answered_as_the_whole_text_is() {
    let (p, g) = setup();
    let name = &p.inputs[id(0)].name;
    for text in [
        format!("{{}}\nnot json\n\n{{\"{name}x\": 1}}\r\n{{}}\n"),
        "\n\n{}\n{}".to_string(),
        "{}".to_string(),
        "{\n}\n".to_string(),
        "[{}, {}]".to_string(),
        "\n  [{}]\n".to_string(),
        "not json\n{}\n".to_string(),
        "garbage\n{}\n{}".to_string(),
        "{\n\"a\" 1\n}".to_string(),
        "[{}]\n{}\n".to_string(),
        "[{},\n\n{}]".to_string(),
        format!("{{\"{name}\": 1, \"{name}\": 1}}\n{{}}"),
        "{}\n{}\r\n\r\n{}\r".to_string(),
        String::new(),
    ] {
        let whole = run_text(&p, &g, &text);
        let streamed = run_reader(&p, &g, text.as_bytes());
        assert_eq!(streamed, whole, "{text:?}");
    }
}

/// A JSON array on one line longer than a JSON Lines line may be is still one
/// batch, read whole.
#[test]
fn a_long_one_line_array_is_read_whole() {
    let (p, g) = setup();
    let text = format!("[{{}}, {}{{}}]", " ".repeat(MAX_LINE_BYTES));
    assert!(text.len() > MAX_LINE_BYTES);
    let out = run_reader(&p, &g, text.as_bytes());
    assert_eq!(out.lines().count(), 2);
    assert_eq!(out, run_text(&p, &g, &text));
}

fn answers(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The line numbers and statuses of a batch's answers.
fn shape(out: &str) -> Vec<(u64, String)> {
    answers(out)
        .iter()
        .map(|a| {
            (
                a["line"].as_u64().unwrap(),
                a["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A line past the limit is skipped, without being held, and answered with an
/// error; the lines after it are answered.
#[test]
fn an_overlong_line_is_skipped_and_the_rest_answered() {
    let (p, g) = setup();
    for at_head in [false, true] {
        let mut bytes = if at_head {
            b"{}\n".to_vec()
        } else {
            b"{}\n{}\n".to_vec()
        };
        bytes.extend(std::iter::repeat_n(b'x', 3 * MAX_LINE_BYTES + 10));
        bytes.extend(b"\n{}\n\n{}\n");
        let out = run_reader(&p, &g, &bytes);
        let shape = shape(&out);
        let bad = if at_head { 2 } else { 3 };
        let lines: Vec<u64> = shape.iter().map(|s| s.0).collect();
        let expected: Vec<u64> = (1..=bad + 1).chain([bad + 3]).collect();
        assert_eq!(lines, expected, "{out}");
        let errors: Vec<u64> = shape
            .iter()
            .filter(|s| s.1 == "error")
            .map(|s| s.0)
            .collect();
        assert_eq!(errors, vec![bad], "{out}");
        assert!(out.contains("longer than 1 MiB"), "{out}");
    }
}

/// A line that is not UTF-8 is one bad line: it was read whole, so the next line is
/// where it ends.
#[test]
fn a_line_not_utf8_is_one_bad_line() {
    let (p, g) = setup();
    for bytes in [
        &b"{}\n{}\n{\"k\":\"\xff\"}\n{}\n{}\n"[..],
        &b"\xff\xfe\n{}\n{}\n"[..],
        &b"{}\n\xff\n{}\n"[..],
    ] {
        let out = run_reader(&p, &g, bytes);
        let shape = shape(&out);
        let n = bytes
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(shape.len(), n, "{out}");
        let bad: Vec<&(u64, String)> = shape.iter().filter(|s| s.1 == "error").collect();
        assert_eq!(bad.len(), 1, "{out}");
        assert!(out.contains("not valid UTF-8"), "{out}");
    }
}

/// A reader that gives `good` and then fails.
struct Failing<'a> {
    good: &'a [u8],
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.good.is_empty() {
            return Err(std::io::Error::other("the disk went away"));
        }
        self.good.read(buf)
    }
}

/// An I/O error in the middle of a stream is said, on the line where reading
/// stopped: the batch does not just end early.
#[test]
fn a_read_error_mid_stream_is_said() {
    let (p, g) = setup();
    let reader = std::io::BufReader::with_capacity(
        4,
        Failing {
            good: b"{}\n{}\n{}\n",
        },
    );
    let out = json_lines(&p, &g, from_reader(reader).unwrap());
    let answers = answers(&out);
    assert_eq!(answers.len(), 4, "{out}");
    assert_eq!(answers[3]["line"], 4);
    assert_eq!(answers[3]["errors"][0]["code"], "E0001");
    assert!(out.contains("the disk went away"), "{out}");
}

/// A bad first line is one bad line of a batch, as a bad second line is.
#[test]
fn a_bad_first_line_is_one_bad_line() {
    let (p, g) = setup();
    for text in [
        "garbage\n{}\n{}\n",
        "\n{\"unclosed\": 1\n{}\n{}\n",
        "{\n{}\n{}\n",
    ] {
        let out = run_text(&p, &g, text);
        let shape = shape(&out);
        let lines: Vec<u64> = shape.iter().map(|s| s.0).collect();
        let first = if text.starts_with('\n') { 2 } else { 1 };
        assert_eq!(lines, vec![first, first + 1, first + 2], "{text:?}: {out}");
        assert_eq!(shape[0].1, "error");
        assert!(shape[1..].iter().all(|s| s.1 != "error"), "{out}");
        assert_eq!(run_reader(&p, &g, text.as_bytes()), out, "{text:?}");
    }
}

/// A pretty-printed object with a syntax error is one document: one error, with
/// its position in the whole text.
#[test]
fn a_broken_pretty_object_is_one_error() {
    let (p, g) = setup();
    let name = &p.inputs[id(0)].name;
    for text in [
        format!("{{\n  \"{name}\": 1\n  \"x\": 2\n}}\n"),
        format!("{{\n  \"{name}\" 1,\n  \"x\": 2\n}}\n"),
        format!("{{\"{name}\":\n{{}}\n"),
    ] {
        assert_eq!(layout(&text), FactsLayout::Single, "{text:?}");
        let Incidents::One(Err(diags)) = from_text(&text) else {
            panic!("one incident that is not JSON: {text:?}");
        };
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "E0510");
        assert!(
            diags[0].message.contains("at line "),
            "{}",
            diags[0].message
        );
        assert_eq!(run_reader(&p, &g, text.as_bytes()), run_text(&p, &g, &text));
    }
}

/// A bad line of JSON Lines says where in the line, not "line 1" (serde reads the line
/// on its own; the incident's heading names the line of the file), read whole or
/// streamed alike.
#[test]
fn a_bad_json_line_says_its_column_not_line_one() {
    let (p, g) = setup();
    let name = &p.inputs[id(0)].name;
    let text = format!("{{\"{name}\": 1}}\n{{\"{name}\": 2}}\n{{\"{name}\": tru}}\n");
    assert_eq!(layout(&text), FactsLayout::Lines);
    let Incidents::Many(Ok(items)) = from_text(&text) else {
        panic!("a batch: {text:?}");
    };
    let third = items.into_iter().nth(2).unwrap();
    assert_eq!(third.line, 3);
    let diags = third.facts.unwrap_err();
    let m = &diags[0].message;
    assert!(!m.contains("line 1"), "{m}");
    assert!(m.contains(", at column "), "{m}");
    assert_eq!(run_reader(&p, &g, text.as_bytes()), run_text(&p, &g, &text));
}

/// An answer to an element of an array names the line the element starts on.
#[test]
fn array_answers_name_the_line_of_their_element() {
    let (p, g) = setup();
    let text = "[\n  {},\n\n  {\n    \"nope\": 1\n  }, {}\n,{}]";
    let out = run_text(&p, &g, text);
    let lines: Vec<u64> = shape(&out).iter().map(|s| s.0).collect();
    assert_eq!(lines, vec![2, 4, 6, 7], "{out}");
    assert_eq!(run_text(&p, &g, "[]"), "");
    // A syntax error is reported once, at its place in the whole text.
    let out = run_text(&p, &g, "[{},\n{}\n{}]");
    assert!(out.contains("at line 3 column 1"), "{out}");
    assert_eq!(answers(&out).len(), 1);
    let out = run_text(&p, &g, "[{},\n{}] x");
    assert!(
        out.contains("more text after the end of the facts, at line 2"),
        "{out}"
    );
}

/// Every bad key of a line is reported, not only the first.
#[test]
fn every_bad_key_of_a_line_is_reported() {
    let (p, g) = setup();
    let name = &p.inputs[id(0)].name;
    let text = format!("{{}}\n{{\"a_nope\": 1, \"b_nope\": 2, \"{name}\": 1, \"{name}\": 2}}\n");
    let out = run_text(&p, &g, &text);
    let answers = answers(&out);
    let codes: Vec<&str> = answers[1]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 3, "{out}");
    assert_eq!(codes.iter().filter(|&&c| c == "E0511").count(), 2, "{out}");
    assert!(codes.contains(&"E0517"), "{out}");
}

#[test]
fn layouts_are_recognised() {
    assert_eq!(layout("{\"a\": 1}"), FactsLayout::Single);
    assert_eq!(layout("{\n  \"a\": 1\n}\n"), FactsLayout::Single);
    assert_eq!(layout("{\"a\": 1}\n{\"a\": 2}\n"), FactsLayout::Lines);
    assert_eq!(layout("  [ {\"a\": 1} ]"), FactsLayout::Array);
    assert_eq!(layout("[{}]\n{}\n"), FactsLayout::Array);
    assert_eq!(layout("garbage\n{\"a\": 2}\n"), FactsLayout::Lines);
    assert_eq!(layout("garbage\n\"a\": 2\n"), FactsLayout::Single);
    assert_eq!(layout("{\"a\":\n{\"b\": 2}\n}"), FactsLayout::Single);
}

#[test]
fn batch_answers_every_line_in_order_and_reports_bad_ones() {
    let (p, g) = setup();
    let name = &p.inputs[id(0)].name;
    let text = format!("{{}}\nnot json\n\n{{\"{name}x\": 1}}\n{{}}\n");
    let lines = answers(&run_text(&p, &g, &text));
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["status"], "error");
    assert_eq!(lines[2]["line"], 4);
    assert_eq!(lines[2]["errors"][0]["code"], "E0511");
    assert_eq!(lines[3]["line"], 5);
    assert_eq!(run_text(&p, &g, "[{}, {}]").lines().count(), 2);
}

/// A batch answers every incident byte for byte as the incident decided alone is
/// answered, whether its leaf's answer was made for it or shared; the typed answers
/// agree too.
#[test]
fn batch_answers_equal_single_answers() {
    for seed in 0..30 {
        let p = generate(&SynthSpec::small(seed));
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        let decider = Decider::Graph(&g);
        let mut text = String::new();
        let mut expected = Vec::new();
        crate::analyse::brute::for_each_incident(&p, |inc| {
            let facts_json = crate::compile::describe::facts_json(&p, inc);
            text.push_str(&facts_json.to_string());
            text.push('\n');
            let facts = crate::evaluate::parse_facts(&p, &facts_json).unwrap();
            expected.push(decide(&p, &g, &facts));
        });
        if expected.len() < 2 {
            continue;
        }
        let Incidents::Many(Ok(items)) = from_text(&text) else {
            panic!("seed {seed}: JSON Lines");
        };
        let sources = Sources::new();
        let mut batch = Batch::new(&p, &decider);
        let mut n = 0;
        for (item, e) in items.zip(&expected) {
            n += 1;
            let a = batch.answer(item);
            assert_eq!(a.line, n);
            let got = serde_json::to_string(&a.json(&p, &sources)).unwrap();
            let want = match (e, &a.result) {
                (Ok(d), Ok(got)) => {
                    assert_eq!(&got.decision(), d, "seed {seed}, line {n}");
                    assert_eq!(got.status(), d.status);
                    let mut j = crate::evaluate::decision_json(&p, d);
                    j.line = Some(n);
                    j.index = Some(n - 1);
                    serde_json::to_string(&j).unwrap()
                }
                (Err(e), Err(_)) => {
                    let mut j = ErrorJson::new(&sources, Some(n), &[(**e).clone()]);
                    j.index = Some(n - 1);
                    serde_json::to_string(&j).unwrap()
                }
                _ => panic!("seed {seed}, line {n}: {e:?} and {:?}", a.result),
            };
            assert_eq!(got, want, "seed {seed}: the first line that differs");
        }
        assert_eq!(n, expected.len(), "seed {seed}");
    }
}

/// One incident alone, decided or not.
#[test]
fn one_incident_is_decided_alone() {
    let (p, g) = setup();
    let decider = Decider::Graph(&g);
    let Incidents::One(Ok(doc)) = from_text("{\"nope\": 1}") else {
        panic!("one incident");
    };
    let errors = decide_one(&p, &decider, &doc).unwrap_err();
    assert_eq!(errors[0].code, "E0511");
    let Incidents::One(Ok(doc)) = from_text("{}") else {
        panic!("one incident");
    };
    let (facts, d) = decide_one(&p, &decider, &doc).unwrap();
    assert_eq!(facts.values.len(), p.inputs.len());
    assert_eq!(d, decide(&p, &g, &facts).unwrap());
}
