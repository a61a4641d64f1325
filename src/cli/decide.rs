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
use crate::compile::{CompileOptions, Compiler};
use crate::diagnostics::{render, Code, Diagnostic};
use crate::evaluate::facts::{parse_facts_json, FactsJson, InputIndex};
use crate::evaluate::{
    decide, decision_human, decision_json, decision_markdown, DecideStatus, Decider,
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
    if policy.header.is_none() && policy.rules.is_empty() {
        print_human(&sources, &[module_error(&policy, &args.policy)], color);
        return exit::USAGE;
    }
    let graph = match Compiler::new(&policy, &CompileOptions::default())
        .and_then(|mut c| DecisionGraph::build(&mut c))
    {
        Ok(g) => Some(g),
        // No graph within its limits: facts that give every input the rules, scope and
        // assumptions read are still decided, by reading the rules; other partial facts
        // get E0516.
        Err(e) if crate::evaluate::rules_still_decide(&policy, &e) => None,
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
                &[Diagnostic::error(Code::E0001, message).help(help)],
                color,
            );
            return exit::USAGE;
        }
    };
    let _ = out.flush();
    print_human(&sources, &diags, color);
    code
}

/// A file without a `policy` header and without rules is a module, a shared
/// vocabulary: every incident would be "decided" with nothing in it.
fn module_error(policy: &Policy, path: &std::path::Path) -> Diagnostic {
    Diagnostic::error(
        Code::E0518,
        format!(
            "`{}` is a module (no `policy` header, no rules): it declares a vocabulary and decides nothing",
            path.display()
        ),
    )
    .help(format!(
        "decide with a policy that `use`s it (`use \"{}\"`)",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| policy.name.clone())
    ))
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

/// A line of a stream as read.
enum RawLine {
    /// The whole line, its line break included (none at the end of the stream).
    Whole(Vec<u8>),
    /// The first [`MAX_LINE_BYTES`] + 1 bytes of a longer line; the rest is unread.
    Cut(Vec<u8>),
}

impl RawLine {
    fn bytes(&self) -> &[u8] {
        match self {
            RawLine::Whole(b) | RawLine::Cut(b) => b,
        }
    }

    fn into_bytes(self) -> Vec<u8> {
        match self {
            RawLine::Whole(b) | RawLine::Cut(b) => b,
        }
    }
}

/// One line of a stream, holding at most [`MAX_LINE_BYTES`] + 1 bytes; `None` at the end.
fn read_raw_line<R: BufRead>(reader: &mut R) -> std::io::Result<Option<RawLine>> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    Ok((n > 0).then(|| {
        if buf.last() != Some(&b'\n') && buf.len() > MAX_LINE_BYTES {
            RawLine::Cut(buf)
        } else {
            RawLine::Whole(buf)
        }
    }))
}

/// Reads past the rest of a line cut short, holding none of it: an over-long line is
/// skipped in bounded memory and the stream goes on at the next line.
fn skip_line<R: BufRead>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            return Ok(());
        }
        match buf.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// A line without its line break (`\n` or `\r\n`), as `str::lines` gives it.
fn strip_break(mut line: &[u8]) -> &[u8] {
    if let Some(l) = line.strip_suffix(b"\n") {
        line = l.strip_suffix(b"\r").unwrap_or(l);
    }
    line
}

/// A whole line as text, without its line break; a line that is not UTF-8 is one bad
/// line (it was read whole, so the next line starts after it).
fn line_text(buf: Vec<u8>) -> Result<String, Vec<Diagnostic>> {
    let len = strip_break(&buf).len();
    let mut buf = buf;
    buf.truncate(len);
    String::from_utf8(buf).map_err(|_| bad_line("the line is not valid UTF-8".into()))
}

fn bad_line(why: String) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(Code::E0510, format!("cannot read the facts: {why}"))
            .help("give one JSON object per line"),
    ]
}

fn too_long() -> Vec<Diagnostic> {
    bad_line(format!(
        "the line is longer than {} MiB (it was skipped)",
        MAX_LINE_BYTES / (1024 * 1024)
    ))
}

/// JSON whitespace: a line of only this is blank, and skipped in a batch.
fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

fn is_json(line: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

/// Whether facts whose first two non-blank lines are `first` and `second` (line breaks
/// removed) are JSON Lines rather than one document (perhaps pretty-printed): the first
/// line is a JSON value on its own; or the second is a JSON object on its own and the
/// two lines cannot begin one JSON document (a syntax error before their end, not just
/// an unfinished value), so the first is a bad line of a batch. A pretty-printed
/// object, even a broken one, has no line that is an object on its own after its `{`
/// line, so it stays one document and its syntax error is reported once, with its
/// position.
fn is_json_lines(first: &[u8], second: &[u8]) -> bool {
    if is_json(first) {
        return true;
    }
    if !(second.trim_ascii_start().starts_with(b"{") && is_json(second)) {
        return false;
    }
    let mut both = Vec::with_capacity(first.len() + 1 + second.len());
    both.extend_from_slice(first);
    both.push(b'\n');
    both.extend_from_slice(second);
    matches!(serde_json::from_slice::<serde::de::IgnoredAny>(&both), Err(e) if !e.is_eof())
}

fn starts_array(text: &[u8]) -> bool {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    text.iter().find(|b| !blank(b)) == Some(&b'[')
}

/// The lines of a stream after the ones already read, each a line's text or the error
/// that answers it.
struct Lines<R> {
    head: std::vec::IntoIter<Result<String, Vec<Diagnostic>>>,
    reader: R,
    /// After an I/O error: where the next line starts is unknown.
    failed: bool,
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Result<String, Vec<Diagnostic>>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(l) = self.head.next() {
            return Some(l);
        }
        if self.failed {
            return None;
        }
        let read = read_raw_line(&mut self.reader).and_then(|raw| match raw {
            Some(RawLine::Cut(_)) => skip_line(&mut self.reader).map(|()| Some(Err(too_long()))),
            Some(RawLine::Whole(l)) => Ok(Some(line_text(l))),
            None => Ok(None),
        });
        match read {
            Ok(item) => item,
            Err(e) => {
                // Said on the line where reading stopped, so a short answer is not
                // mistaken for a whole one.
                self.failed = true;
                Some(Err(vec![Diagnostic::error(
                    Code::E0001,
                    format!("cannot read the facts from this line on: {e}"),
                )
                .help(
                    "this line and the ones after it are not answered; answer them again",
                )]))
            }
        }
    }
}

/// Decides the facts read from `reader`. JSON Lines are answered as they are read, so a
/// batch of any length runs in constant memory; one object or a JSON array is read
/// whole (at most [`MAX_FACTS_BYTES`]). Which layout the facts have is told from their
/// first two lines that are not blank ([`layout`] has the rule).
pub fn decide_reader<R: BufRead>(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    mut reader: R,
    format: DecideFormat,
    out: &mut dyn Write,
    diags: &mut Vec<Diagnostic>,
) -> std::io::Result<u8> {
    // The head: every line up to the second that is not blank. It is kept as read: one
    // object or an array (maybe one long line) is read whole.
    let mut head: Vec<RawLine> = Vec::new();
    let mut filled = 0;
    while filled < 2 {
        let Some(raw) = read_raw_line(&mut reader)? else {
            break;
        };
        let cut = matches!(raw, RawLine::Cut(_));
        if cut || !is_blank(raw.bytes()) {
            filled += 1;
        }
        head.push(raw);
        if cut {
            break;
        }
    }
    let mut filled_lines = head
        .iter()
        .filter(|l| matches!(l, RawLine::Cut(_)) || !is_blank(l.bytes()));
    let streamed = match (filled_lines.next(), filled_lines.next()) {
        (Some(RawLine::Whole(first)), Some(second)) if !starts_array(first) => {
            let first = strip_break(first);
            match second {
                // An over-long second line is a bad line of a batch whose first line
                // is a JSON value; otherwise the facts may be one long document.
                RawLine::Cut(_) => is_json(first),
                RawLine::Whole(second) => is_json_lines(first, strip_break(second)),
            }
        }
        _ => false,
    };
    if !streamed {
        let bytes: Vec<u8> = head.into_iter().flat_map(RawLine::into_bytes).collect();
        let text = read_facts(bytes, reader)?;
        return Ok(decide_text(
            policy, decider, sources, &text, format, out, diags,
        ));
    }
    let mut texts = Vec::with_capacity(head.len());
    for raw in head {
        texts.push(match raw {
            RawLine::Whole(l) => line_text(l),
            RawLine::Cut(_) => {
                skip_line(&mut reader)?;
                Err(too_long())
            }
        });
    }
    let lines = Lines {
        head: texts.into_iter(),
        reader,
        failed: false,
    };
    let items = lines
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !matches!(l, Ok(l) if is_blank(l.as_bytes())))
        .map(|(n, l)| (n, l.and_then(|l| parse_line(&l))));
    Ok(answer_items(policy, decider, sources, items, out))
}

fn parse_line(line: &str) -> Result<FactsJson, Vec<Diagnostic>> {
    serde_json::from_str(line).map_err(|e| vec![invalid_json(&e)])
}

/// How the facts text is laid out.
#[derive(Debug, PartialEq, Eq)]
pub enum FactsLayout {
    Single,
    Array,
    Lines,
}

/// A text that starts with `[` is a JSON array, a batch. A text of two or more
/// non-blank lines is JSON Lines when its first non-blank line is a JSON value on its
/// own, or when its second is a JSON object on its own and the first cannot begin one
/// document with it (see [`is_json_lines`]): so a bad first line is one bad line of the
/// batch. Anything else is one (possibly pretty-printed) object, whose syntax error is
/// reported once, with its position.
pub fn layout(text: &str) -> FactsLayout {
    if starts_array(text.as_bytes()) {
        return FactsLayout::Array;
    }
    let mut lines = text.lines().filter(|l| !is_blank(l.as_bytes()));
    match (lines.next(), lines.next()) {
        (Some(f), Some(s)) if is_json_lines(f.as_bytes(), s.as_bytes()) => FactsLayout::Lines,
        _ => FactsLayout::Single,
    }
}

/// The elements of the JSON array `text`, each with the line it starts on; a syntax
/// error anywhere is the error of the whole text (its position counted from the start).
fn array_items(text: &str) -> Result<Vec<(usize, FactsJson)>, serde_json::Error> {
    let whole_error = |e: serde_json::Error| {
        serde_json::from_str::<Vec<serde::de::IgnoredAny>>(text)
            .err()
            .unwrap_or(e)
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut line = 1;
    // Moves `pos` past JSON whitespace, counting lines.
    let skip_blank = |pos: &mut usize, line: &mut usize| {
        while let Some(&b) = bytes.get(*pos) {
            match b {
                b'\n' => *line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            *pos += 1;
        }
    };
    let syntax = |at: usize| {
        whole_error(serde::de::Error::custom(format!(
            "unexpected character at byte {at}"
        )))
    };
    skip_blank(&mut pos, &mut line);
    if bytes.get(pos) != Some(&b'[') {
        return Err(syntax(pos));
    }
    pos += 1;
    let mut items = Vec::new();
    skip_blank(&mut pos, &mut line);
    if bytes.get(pos) == Some(&b']') {
        pos += 1;
    } else {
        loop {
            let rest = text.get(pos..).unwrap_or("");
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<FactsJson>();
            let item = match stream.next() {
                Some(Ok(item)) => item,
                Some(Err(e)) => return Err(whole_error(e)),
                None => return Err(syntax(pos)),
            };
            let end = pos + stream.byte_offset();
            items.push((line, item));
            line += bytes
                .get(pos..end)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            pos = end;
            skip_blank(&mut pos, &mut line);
            match bytes.get(pos) {
                Some(b',') => {
                    pos += 1;
                    skip_blank(&mut pos, &mut line);
                }
                Some(b']') => {
                    pos += 1;
                    break;
                }
                _ => return Err(syntax(pos)),
            }
        }
    }
    skip_blank(&mut pos, &mut line);
    if pos < bytes.len() {
        return Err(syntax(pos));
    }
    Ok(items)
}

fn invalid_json(e: &serde_json::Error) -> Diagnostic {
    Diagnostic::error(Code::E0510, format!("the facts are not valid JSON: {e}"))
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
            let doc: FactsJson = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    return report(sources, format, out, diags, vec![invalid_json(&e)]);
                }
            };
            let index = InputIndex::new(policy);
            let facts = match parse_facts_json(policy, &index, &doc) {
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
        FactsLayout::Array => match array_items(text) {
            Ok(items) => answer_items(
                policy,
                decider,
                sources,
                items.into_iter().map(|(line, item)| (line, Ok(item))),
                out,
            ),
            Err(e) => report(
                sources,
                DecideFormat::Json,
                out,
                diags,
                vec![invalid_json(&e)],
            ),
        },
        // JSON Lines are parsed one at a time as they are answered, so a large batch
        // never holds every parsed line at once.
        FactsLayout::Lines => {
            let items = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !is_blank(l.as_bytes()))
                .map(|(i, l)| (i + 1, parse_line(l)));
            answer_items(policy, decider, sources, items, out)
        }
    }
}

/// Answers a batch item by item, one JSON line each, every error of an item in its
/// answer; the exit code of the batch.
fn answer_items(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    items: impl Iterator<Item = (usize, Result<FactsJson, Vec<Diagnostic>>)>,
    out: &mut dyn Write,
) -> u8 {
    let index = InputIndex::new(policy);
    let mut code = exit::OK;
    let mut cache = LeafCache::default();
    for (line, item) in items {
        let facts = item.and_then(|doc| parse_facts_json(policy, &index, &doc));
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
        let answer = facts.and_then(|facts| decider.decide(policy, &facts).map_err(|e| vec![*e]));
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
            Err(es) => {
                code = exit::USAGE;
                error_object(sources, Some(line), &es)
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
            "garbage\n{}\n{}".to_string(),
            "{\n\"a\" 1\n}".to_string(),
            "[{}]\n{}\n".to_string(),
            "[{},\n\n{}]".to_string(),
            format!("{{\"{name}\": 1, \"{name}\": 1}}\n{{}}"),
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
            let (out, code) = run_reader(&p, &g, &bytes, DecideFormat::Json);
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
            assert_eq!(code, exit::USAGE);
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
            let (out, code) = run_reader(&p, &g, bytes, DecideFormat::Json);
            let shape = shape(&out);
            let n = bytes
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .count();
            assert_eq!(shape.len(), n, "{out}");
            let bad: Vec<&(u64, String)> = shape.iter().filter(|s| s.1 == "error").collect();
            assert_eq!(bad.len(), 1, "{out}");
            assert!(out.contains("not valid UTF-8"), "{out}");
            assert_eq!(code, exit::USAGE);
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
        let sources = Sources::new();
        let mut out = Vec::new();
        let reader = std::io::BufReader::with_capacity(
            4,
            Failing {
                good: b"{}\n{}\n{}\n",
            },
        );
        let code = decide_reader(
            &p,
            &Decider::Graph(&g),
            &sources,
            reader,
            DecideFormat::Json,
            &mut out,
            &mut Vec::new(),
        )
        .unwrap();
        let out = String::from_utf8(out).unwrap();
        let answers = answers(&out);
        assert_eq!(answers.len(), 4, "{out}");
        assert_eq!(answers[3]["line"], 4);
        assert_eq!(answers[3]["errors"][0]["code"], "E0001");
        assert!(out.contains("the disk went away"), "{out}");
        assert_eq!(code, exit::USAGE);
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
            let (out, _, code) = run_text(&p, &g, text, DecideFormat::Json);
            let shape = shape(&out);
            let lines: Vec<u64> = shape.iter().map(|s| s.0).collect();
            let first = if text.starts_with('\n') { 2 } else { 1 };
            assert_eq!(lines, vec![first, first + 1, first + 2], "{text:?}: {out}");
            assert_eq!(shape[0].1, "error");
            assert!(shape[1..].iter().all(|s| s.1 != "error"), "{out}");
            assert_eq!(code, exit::USAGE);
            let streamed = run_reader(&p, &g, text.as_bytes(), DecideFormat::Json);
            assert_eq!(streamed, (out, code), "{text:?}");
        }
    }

    /// A pretty-printed object with a syntax error is one document: one error, with
    /// its position in the whole text.
    #[test]
    fn a_broken_pretty_object_is_one_error() {
        let (p, g) = setup();
        let name = &p.inputs[0].name;
        for text in [
            format!("{{\n  \"{name}\": 1\n  \"x\": 2\n}}\n"),
            format!("{{\n  \"{name}\" 1,\n  \"x\": 2\n}}\n"),
            format!("{{\"{name}\":\n{{}}\n"),
        ] {
            assert_eq!(layout(&text), FactsLayout::Single, "{text:?}");
            let (out, diags, code) = run_text(&p, &g, &text, DecideFormat::Human);
            assert_eq!(out, "");
            assert_eq!(diags.len(), 1, "{diags:?}");
            assert_eq!(diags[0].code, "E0510");
            assert!(
                diags[0].message.contains("at line "),
                "{}",
                diags[0].message
            );
            assert_eq!(code, exit::USAGE);
            let streamed = run_reader(&p, &g, text.as_bytes(), DecideFormat::Json);
            let (whole, _, _) = run_text(&p, &g, &text, DecideFormat::Json);
            assert_eq!(streamed, (whole, code));
        }
    }

    /// An answer to an element of an array names the line the element starts on.
    #[test]
    fn array_answers_name_the_line_of_their_element() {
        let (p, g) = setup();
        let text = "[\n  {},\n\n  {\n    \"nope\": 1\n  }, {}\n,{}]";
        let (out, _, code) = run_text(&p, &g, text, DecideFormat::Json);
        let lines: Vec<u64> = shape(&out).iter().map(|s| s.0).collect();
        assert_eq!(lines, vec![2, 4, 6, 7], "{out}");
        assert_eq!(code, exit::USAGE);
        let (out, _, code) = run_text(&p, &g, "[]", DecideFormat::Json);
        assert_eq!((out.as_str(), code), ("", exit::OK));
        // A syntax error is reported once, at its place in the whole text.
        let (out, _, code) = run_text(&p, &g, "[{},\n{}\n{}]", DecideFormat::Json);
        assert!(out.contains("at line 3 column 1"), "{out}");
        assert_eq!(answers(&out).len(), 1);
        assert_eq!(code, exit::USAGE);
        let (out, _, _) = run_text(&p, &g, "[{},\n{}] x", DecideFormat::Json);
        assert!(out.contains("trailing characters at line 2"), "{out}");
    }

    /// Every bad key of a line is reported, not only the first.
    #[test]
    fn every_bad_key_of_a_line_is_reported() {
        let (p, g) = setup();
        let name = &p.inputs[0].name;
        let text =
            format!("{{}}\n{{\"a_nope\": 1, \"b_nope\": 2, \"{name}\": 1, \"{name}\": 2}}\n");
        let (out, _, _) = run_text(&p, &g, &text, DecideFormat::Json);
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
                let facts = crate::evaluate::parse_facts(&p, &facts_json).unwrap();
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
