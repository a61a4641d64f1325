//! `policyc decide POLICY --facts FILE.json` (`-` = stdin).
//!
//! One JSON object decides one incident (human, json or markdown output). JSON Lines (one
//! object a line) or a JSON array decide many, answered as JSON Lines in the same order;
//! a bad line is answered with an error object naming its line and does not stop the
//! others. Exit codes: 0 decided (or out of scope), 1 undecided, 2 bad facts or usage.

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde_json::json;

use super::{exit, print_human, ColorArg};
use crate::check::ir::Policy;
use crate::compile::graph::DecisionGraph;
use crate::compile::{CompileError, CompileOptions, Compiler};
use crate::diagnostics::{render, Diagnostic};
use crate::evaluate::{
    decide, decision_human, decision_json, decision_markdown, parse_facts, DecideStatus, Decider,
};
use crate::source::{RealFs, Sources};

#[derive(Args, Debug)]
pub struct DecideArgs {
    /// The policy file.
    pub policy: PathBuf,
    /// The facts: a JSON file, or `-` for standard input. A JSON array or JSON Lines
    /// decide many incidents at once; JSON Lines are answered as they are read.
    #[arg(long, value_name = "FILE")]
    pub facts: String,
    /// Output: human (default), json, or markdown (an incident record).
    #[arg(long, value_enum, default_value_t = DecideFormat::Human)]
    pub format: DecideFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DecideFormat {
    Human,
    Json,
    Markdown,
}

/// Runs `policyc decide`: loads and checks the policy, compiles its decision graph (or,
/// past the node limit, decides by reading the rules), reads the facts and answers.
/// Returns the contract's exit code.
pub fn run(args: &DecideArgs, color: ColorArg) -> u8 {
    let mut sources = Sources::new();
    let checked = crate::check::check_file(&mut sources, &RealFs, &args.policy);
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    let Some(policy) = checked.policy.filter(|_| errors.is_empty()) else {
        print_human(&sources, &errors, color);
        if errors.is_empty() {
            eprintln!("error: `{}` could not be checked", args.policy.display());
        }
        return exit::USAGE;
    };
    let graph = match Compiler::new(&policy, &CompileOptions::default())
        .and_then(|mut c| DecisionGraph::build(&mut c))
    {
        Ok(g) => Some(g),
        // A graph past the node limit: facts that give every input the rules, scope
        // and assumptions read are still decided, by reading the rules; other partial
        // facts get E0516.
        Err(CompileError::TooLarge { .. }) => None,
        Err(e) => {
            print_human(&sources, &[e.diagnostic(&policy)], color);
            return exit::USAGE;
        }
    };
    let decider = match &graph {
        Some(g) => Decider::Graph(g),
        None => Decider::rules(&policy),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut diags = Vec::new();
    let decided = if args.facts == "-" {
        let stdin = std::io::stdin();
        decide_reader(
            &policy,
            &decider,
            &sources,
            stdin.lock(),
            args.format,
            &mut out,
            &mut diags,
        )
        .map_err(|e| {
            (
                format!("cannot read the facts from standard input: {e}"),
                e.kind(),
            )
        })
    } else {
        std::fs::File::open(&args.facts)
            .and_then(|f| {
                decide_reader(
                    &policy,
                    &decider,
                    &sources,
                    std::io::BufReader::new(f),
                    args.format,
                    &mut out,
                    &mut diags,
                )
            })
            .map_err(|e| (format!("cannot read `{}`: {e}", args.facts), e.kind()))
    };
    let code = match decided {
        Ok(code) => code,
        Err((message, kind)) => {
            let _ = out.flush();
            let help = if kind == std::io::ErrorKind::InvalidData {
                "give the facts as JSON: one object, an array of objects, or one object per line (a line at most 1 MiB)"
            } else {
                "check the path of the facts file, or use `-` for standard input"
            };
            print_human(
                &sources,
                &[Diagnostic::error("E0001", message).help(help)],
                color,
            );
            return exit::USAGE;
        }
    };
    let _ = out.flush();
    print_human(&sources, &diags, color);
    code
}

/// The facts are read whole, so more than this is refused rather than read until
/// memory runs out (`--facts -` fed by an endless stream, or `--facts /dev/zero`);
/// 100,000 incidents as JSON Lines take some 10 MiB.
pub const MAX_FACTS_BYTES: u64 = 256 * 1024 * 1024;

/// The facts text: `head` (already read) and the rest of `from`, at most
/// [`MAX_FACTS_BYTES`] in all.
fn read_facts(mut head: Vec<u8>, from: impl Read) -> std::io::Result<String> {
    let limit = MAX_FACTS_BYTES.saturating_sub(head.len() as u64);
    let before = head.len();
    from.take(limit + 1).read_to_end(&mut head)?;
    if (head.len() - before) as u64 > limit {
        return Err(std::io::Error::other(format!(
            "the facts are larger than {} MiB; split the batch",
            MAX_FACTS_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(head).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    })
}

/// The longest line of JSON Lines read as a stream.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// One line of a stream as read, its line break included, and no longer than
/// [`MAX_LINE_BYTES`] plus one byte (longer means cut short); `None` at the end.
fn read_raw_line<R: BufRead>(reader: &mut R) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    Ok((n > 0).then_some(buf))
}

/// A line read by [`read_raw_line`] as text, without its line break.
fn line_text(mut buf: Vec<u8>) -> Result<String, String> {
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    } else if buf.len() > MAX_LINE_BYTES {
        return Err(format!(
            "a line is longer than {} MiB",
            MAX_LINE_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(buf).map_err(|_| "a line is not valid UTF-8".to_string())
}

/// The lines of a stream after the ones already read.
struct Lines<R> {
    head: std::vec::IntoIter<Result<String, String>>,
    reader: R,
    done: bool,
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Result<String, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let line = match self.head.next() {
            Some(l) => l,
            None => match read_raw_line(&mut self.reader) {
                Ok(Some(l)) => line_text(l),
                Ok(None) => return None,
                Err(e) => Err(e.to_string()),
            },
        };
        // A broken line (too long, not UTF-8, unreadable) ends the stream: where the
        // next line starts cannot be told reliably.
        self.done = line.is_err();
        Some(line)
    }
}

/// Decides the facts read from `reader`. JSON Lines are answered as they are read, so a
/// batch of any length runs in constant memory; one object or a JSON array is read
/// whole (at most [`MAX_FACTS_BYTES`]).
pub fn decide_reader<R: BufRead>(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    mut reader: R,
    format: DecideFormat,
    out: &mut dyn Write,
    diags: &mut Vec<Diagnostic>,
) -> std::io::Result<u8> {
    // The head: every line up to the second that is not blank, which tells the layout.
    // It is kept as read: one object or an array (maybe one long line) is read whole.
    let mut head: Vec<Vec<u8>> = Vec::new();
    let mut filled = 0;
    while filled < 2 {
        let Some(raw) = read_raw_line(&mut reader)? else {
            break;
        };
        let cut = raw.last() != Some(&b'\n') && raw.len() > MAX_LINE_BYTES;
        if !raw.trim_ascii().is_empty() {
            filled += 1;
        }
        head.push(raw);
        if cut {
            break;
        }
    }
    let texts: Vec<Result<String, String>> = head.iter().cloned().map(line_text).collect();
    let first = texts
        .iter()
        .find(|l| !matches!(l, Ok(l) if l.trim().is_empty()));
    let streamed = filled >= 2
        && texts.iter().all(|l| l.is_ok())
        && first.is_some_and(|f| {
            f.as_ref()
                .is_ok_and(|f| serde_json::from_str::<serde_json::Value>(f).is_ok())
        });
    if !streamed {
        let text = read_facts(head.concat(), reader)?;
        return Ok(decide_text(
            policy, decider, sources, &text, format, out, diags,
        ));
    }
    let head = texts;
    let lines = Lines {
        head: head.into_iter(),
        reader,
        done: false,
    };
    let items = lines
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !matches!(l, Ok(l) if l.trim().is_empty()))
        .map(|(n, l)| {
            let item = match l {
                Ok(l) => serde_json::from_str(&l).map_err(|e| invalid_json(&e)),
                Err(e) => Err(
                    Diagnostic::error("E0510", format!("cannot read the facts: {e}"))
                        .help("give one JSON object per line"),
                ),
            };
            (n, item)
        });
    Ok(answer_items(policy, decider, sources, items, out))
}

/// How the facts text is laid out.
#[derive(Debug, PartialEq, Eq)]
pub enum FactsLayout {
    Single,
    Array,
    Lines,
}

/// A JSON array is a batch; several lines of which the first non-empty one is a whole
/// JSON value are JSON Lines; anything else is one (possibly pretty-printed) object.
pub fn layout(text: &str) -> FactsLayout {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        return FactsLayout::Array;
    }
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next();
    let more = lines.next().is_some();
    match first {
        Some(f) if more && serde_json::from_str::<serde_json::Value>(f).is_ok() => {
            FactsLayout::Lines
        }
        _ => FactsLayout::Single,
    }
}

fn invalid_json(e: &serde_json::Error) -> Diagnostic {
    Diagnostic::error("E0510", format!("the facts are not valid JSON: {e}"))
        .help("write the facts as {\"input_name\": value, ...}")
}

fn error_object(sources: &Sources, line: Option<usize>, diags: &[Diagnostic]) -> serde_json::Value {
    let errors: Vec<serde_json::Value> =
        diags.iter().map(|d| render::to_json(sources, d)).collect();
    match line {
        Some(n) => json!({ "line": n, "status": "error", "errors": errors }),
        None => json!({ "status": "error", "errors": errors }),
    }
}

/// Decides the incidents in `text`, writing answers to `out` and, for a single incident
/// in human or markdown form, collecting diagnostics in `diags` for the caller to print.
/// Returns the exit code.
pub fn decide_text(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    text: &str,
    format: DecideFormat,
    out: &mut dyn Write,
    diags: &mut Vec<Diagnostic>,
) -> u8 {
    match layout(text) {
        FactsLayout::Single => {
            let value: serde_json::Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    return report(sources, format, out, diags, vec![invalid_json(&e)]);
                }
            };
            let facts = match parse_facts(policy, &value) {
                Ok(f) => f,
                Err(errs) => return report(sources, format, out, diags, errs),
            };
            let d = match decider.decide(policy, &facts) {
                Ok(d) => d,
                Err(e) => return report(sources, format, out, diags, vec![*e]),
            };
            let text = match format {
                DecideFormat::Human => decision_human(policy, &d),
                DecideFormat::Json => format!("{}\n", decision_json(policy, &d)),
                DecideFormat::Markdown => decision_markdown(policy, &facts, &d),
            };
            let _ = out.write_all(text.as_bytes());
            status_code(d.status)
        }
        layout => {
            // JSON Lines are parsed one at a time as they are answered, so a large batch
            // never holds every parsed line at once.
            let items: Box<dyn Iterator<Item = (usize, Result<serde_json::Value, Diagnostic>)>> =
                match layout {
                    FactsLayout::Array => {
                        match serde_json::from_str::<Vec<serde_json::Value>>(text) {
                            Ok(vs) => {
                                Box::new(vs.into_iter().enumerate().map(|(i, v)| (i + 1, Ok(v))))
                            }
                            Err(e) => {
                                return report(
                                    sources,
                                    DecideFormat::Json,
                                    out,
                                    diags,
                                    vec![invalid_json(&e)],
                                )
                            }
                        }
                    }
                    _ => Box::new(
                        text.lines()
                            .enumerate()
                            .filter(|(_, l)| !l.trim().is_empty())
                            .map(|(i, l)| {
                                (i + 1, serde_json::from_str(l).map_err(|e| invalid_json(&e)))
                            }),
                    ),
                };
            answer_items(policy, decider, sources, items, out)
        }
    }
}

/// Answers a batch item by item, one JSON line each; the exit code of the batch.
fn answer_items(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    items: impl Iterator<Item = (usize, Result<serde_json::Value, Diagnostic>)>,
    out: &mut dyn Write,
) -> u8 {
    let index = crate::evaluate::facts::InputIndex::new(policy);
    let mut code = exit::OK;
    let mut cache = LeafCache::default();
    for (line, item) in items {
        let facts = item.and_then(|v| {
            crate::evaluate::facts::parse_facts_indexed(policy, &index, &v)
                .map_err(|mut es| es.remove(0))
        });
        // Complete facts that reach an in-scope or out-of-scope leaf: the
        // answer is the leaf's, rendered once and reused.
        if let Ok(f) = &facts {
            let cached = decider
                .graph()
                .and_then(|graph| cache.answer(policy, graph, f, line));
            if let Some((text, status)) = cached {
                if status == DecideStatus::Undecided && code == exit::OK {
                    code = exit::FAILED;
                }
                let _ = writeln!(out, "{text}");
                continue;
            }
        }
        let answer = facts.and_then(|facts| decider.decide(policy, &facts).map_err(|e| *e));
        let obj = match answer {
            Ok(d) => {
                if d.status == DecideStatus::Undecided && code == exit::OK {
                    code = exit::FAILED;
                }
                let mut j = decision_json(policy, &d);
                if let Some(m) = j.as_object_mut() {
                    m.insert("line".into(), json!(line));
                }
                j
            }
            Err(e) => {
                code = exit::USAGE;
                error_object(sources, Some(line), &[e])
            }
        };
        let _ = writeln!(out, "{obj}");
    }
    code
}

/// The parts of a leaf's JSON answer that do not depend on the incident, rendered
/// once per leaf: a batch of many incidents reaches few leaves.
struct LeafJson {
    status: DecideStatus,
    /// The answer's members before `facts_used`, and those after `line`, in the
    /// key order `decision_json` prints (sorted).
    before: String,
    after: String,
}

#[derive(Default)]
struct LeafCache {
    leaves: std::collections::HashMap<usize, Option<LeafJson>>,
}

impl LeafCache {
    fn answer(
        &mut self,
        policy: &Policy,
        graph: &DecisionGraph,
        facts: &crate::evaluate::Facts,
        line: usize,
    ) -> Option<(String, DecideStatus)> {
        let given = facts.indices(policy);
        let values: Vec<u32> = given.iter().copied().collect::<Option<Vec<u32>>>()?;
        let leaf = graph.evaluate(&values);
        // Two incidents at one gap leaf may differ in whether an `accept gap` covers
        // them (acceptances are not part of the graph): those take the full path.
        let has_gap = graph.leaves.get(leaf).is_some_and(|l| {
            l.outcomes
                .iter()
                .any(|o| matches!(o, crate::compile::graph::Outcome::Gap))
        });
        if has_gap && !policy.accepted_gaps.is_empty() {
            return None;
        }
        let entry = self.leaves.entry(leaf).or_insert_with(|| {
            // Broken assumptions take the full path (their error names the facts).
            let d = decide(policy, graph, facts).ok()?;
            let j = decision_json(policy, &d);
            let m = j.as_object()?;
            let part = |k: &str| m.get(k).map(|v| v.to_string()).unwrap_or_else(|| "null".into());
            Some(LeafJson {
                status: d.status,
                before: format!("{{\"decision\":{},", part("decision")),
                after: format!(
                    ",\"missing\":[],\"overridden\":{},\"policy\":{},\"rules\":{},\"status\":{},\"undecided\":{}}}",
                    part("overridden"),
                    part("policy"),
                    part("rules"),
                    part("status"),
                    part("undecided")
                ),
            })
        });
        let cached = entry.as_ref()?;
        let used: Vec<serde_json::Value> = graph
            .facts_used(&values)
            .iter()
            .filter_map(|&i| {
                policy
                    .inputs
                    .get(i)
                    .map(|x| serde_json::Value::from(x.name.as_str()))
            })
            .collect();
        let text = format!(
            "{}\"facts_used\":{},\"line\":{line}{}",
            cached.before,
            serde_json::Value::Array(used),
            cached.after
        );
        Some((text, cached.status))
    }
}

fn status_code(s: DecideStatus) -> u8 {
    match s {
        DecideStatus::Decided | DecideStatus::OutOfScope => exit::OK,
        DecideStatus::Undecided => exit::FAILED,
    }
}

fn report(
    sources: &Sources,
    format: DecideFormat,
    out: &mut dyn Write,
    diags: &mut Vec<Diagnostic>,
    errs: Vec<Diagnostic>,
) -> u8 {
    if format == DecideFormat::Json {
        let _ = writeln!(out, "{}", error_object(sources, None, &errs));
    } else {
        diags.extend(errs);
    }
    exit::USAGE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::synth::{generate, SynthSpec};

    fn setup() -> (Policy, DecisionGraph) {
        let p = generate(&SynthSpec::small(11));
        let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
        let g = DecisionGraph::build(&mut c).unwrap();
        (p, g)
    }

    fn run_text(
        p: &Policy,
        g: &DecisionGraph,
        text: &str,
        format: DecideFormat,
    ) -> (String, Vec<Diagnostic>, u8) {
        let sources = Sources::new();
        let mut out = Vec::new();
        let mut diags = Vec::new();
        let code = decide_text(
            p,
            &Decider::Graph(g),
            &sources,
            text,
            format,
            &mut out,
            &mut diags,
        );
        (String::from_utf8(out).unwrap(), diags, code)
    }

    fn run_reader(
        p: &Policy,
        g: &DecisionGraph,
        bytes: &[u8],
        format: DecideFormat,
    ) -> (String, u8) {
        let sources = Sources::new();
        let mut out = Vec::new();
        let mut diags = Vec::new();
        let code = decide_reader(
            p,
            &Decider::Graph(g),
            &sources,
            bytes,
            format,
            &mut out,
            &mut diags,
        )
        .unwrap();
        (String::from_utf8(out).unwrap(), code)
    }

    /// Streaming JSON Lines answers exactly as reading them whole does, for every
    /// layout, blank and bad lines included.
    #[test]
    fn a_stream_is_answered_as_the_whole_text_is() {
        let (p, g) = setup();
        let name = &p.inputs[0].name;
        for text in [
            format!("{{}}\nnot json\n\n{{\"{name}x\": 1}}\r\n{{}}\n"),
            "\n\n{}\n{}".to_string(),
            "{}".to_string(),
            "{\n}\n".to_string(),
            "[{}, {}]".to_string(),
            "\n  [{}]\n".to_string(),
            "not json\n{}\n".to_string(),
            String::new(),
        ] {
            for format in [DecideFormat::Json, DecideFormat::Human] {
                let (whole, _, code) = run_text(&p, &g, &text, format);
                let streamed = run_reader(&p, &g, text.as_bytes(), format);
                assert_eq!(streamed, (whole, code), "{text:?}");
            }
        }
    }

    /// A JSON array on one line longer than a JSON Lines line may be is still one
    /// batch, read whole.
    #[test]
    fn a_long_one_line_array_is_read_whole() {
        let (p, g) = setup();
        let text = format!("[{{}}, {}{{}}]", " ".repeat(MAX_LINE_BYTES));
        assert!(text.len() > MAX_LINE_BYTES);
        let (out, code) = run_reader(&p, &g, text.as_bytes(), DecideFormat::Json);
        assert_eq!(out.lines().count(), 2);
        let (whole, _, whole_code) = run_text(&p, &g, &text, DecideFormat::Json);
        assert_eq!((out, code), (whole, whole_code));
    }

    /// A line past the limit is an error for that line, and ends the batch.
    #[test]
    fn an_overlong_line_ends_the_stream() {
        let (p, g) = setup();
        let mut bytes = b"{}\n{}\n".to_vec();
        bytes.extend(std::iter::repeat_n(b' ', MAX_LINE_BYTES + 10));
        bytes.extend(b"\n{}\n");
        let (out, code) = run_reader(&p, &g, &bytes, DecideFormat::Json);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert_eq!(lines[2]["line"], 3);
        assert_eq!(lines[2]["status"], "error");
        assert_eq!(code, exit::USAGE);
    }

    #[test]
    fn layouts_are_recognised() {
        assert_eq!(layout("{\"a\": 1}"), FactsLayout::Single);
        assert_eq!(layout("{\n  \"a\": 1\n}\n"), FactsLayout::Single);
        assert_eq!(layout("{\"a\": 1}\n{\"a\": 2}\n"), FactsLayout::Lines);
        assert_eq!(layout("  [ {\"a\": 1} ]"), FactsLayout::Array);
    }

    #[test]
    fn batch_answers_every_line_in_order_and_reports_bad_ones() {
        let (p, g) = setup();
        let name = &p.inputs[0].name;
        let text = format!("{{}}\nnot json\n\n{{\"{name}x\": 1}}\n{{}}\n");
        let (out, _, code) = run_text(&p, &g, &text, DecideFormat::Human);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0]["line"], 1);
        assert_eq!(lines[1]["line"], 2);
        assert_eq!(lines[1]["status"], "error");
        assert_eq!(lines[2]["line"], 4);
        assert_eq!(lines[2]["errors"][0]["code"], "E0511");
        assert_eq!(lines[3]["line"], 5);
        assert_eq!(code, exit::USAGE);
        let (out, _, _) = run_text(&p, &g, "[{}, {}]", DecideFormat::Json);
        assert_eq!(out.lines().count(), 2);
    }

    #[test]
    fn batch_answers_equal_single_answers() {
        for seed in 0..30 {
            let p = generate(&SynthSpec::small(seed));
            let mut c = Compiler::new(&p, &CompileOptions::default()).unwrap();
            let g = DecisionGraph::build(&mut c).unwrap();
            let mut text = String::new();
            let mut expected = Vec::new();
            crate::analyse::brute::for_each_incident(&p, |inc| {
                let facts_json = crate::compile::describe::facts_json(&p, inc);
                text.push_str(&facts_json.to_string());
                text.push('\n');
                let facts = parse_facts(&p, &facts_json).unwrap();
                let line = expected.len() + 1;
                expected.push(match decide(&p, &g, &facts) {
                    Ok(d) => {
                        let mut j = decision_json(&p, &d);
                        j.as_object_mut()
                            .unwrap()
                            .insert("line".into(), json!(line));
                        j
                    }
                    Err(e) => error_object(&Sources::new(), Some(line), &[*e]),
                });
            });
            if expected.len() < 2 {
                continue;
            }
            let (out, _, _) = run_text(&p, &g, &text, DecideFormat::Json);
            let got: Vec<serde_json::Value> = out
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            for (g, e) in got.iter().zip(&expected) {
                assert_eq!(g, e, "seed {seed}: the first line that differs");
            }
            assert_eq!(got.len(), expected.len(), "seed {seed}");
        }
    }

    #[test]
    fn single_facts_exit_codes() {
        let (p, g) = setup();
        let (_, diags, code) = run_text(&p, &g, "{\"nope\": 1}", DecideFormat::Human);
        assert_eq!(code, exit::USAGE);
        assert_eq!(diags[0].code, "E0511");
        let (out, _, code) = run_text(&p, &g, "{\"nope\": 1}", DecideFormat::Json);
        assert_eq!(code, exit::USAGE);
        assert!(out.contains("E0511"));
        let (out, _, code) = run_text(&p, &g, "{}", DecideFormat::Json);
        let j: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        let expected = match j["status"].as_str().unwrap() {
            "undecided" => exit::FAILED,
            _ => exit::OK,
        };
        assert_eq!(code, expected);
    }
}
