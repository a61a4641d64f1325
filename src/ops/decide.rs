//! Deciding with a policy, as `policyc decide` and `policyc ask` do: the policy loaded,
//! type-checked and analysed (so that answers from a policy `policyc check` rejects say
//! so), its decider built, and the incidents of a facts file answered.

use std::io::Write;
use std::path::Path;

use crate::check::ir::Policy;
use crate::compile::graph::DecisionGraph;
use crate::compile::CompileOptions;
use crate::diagnostics::{Code, Diagnostic};
use crate::evaluate::batch::{self, Batch, Incidents};
use crate::evaluate::render::json::{AnswerJson, ErrorJson};
use crate::evaluate::render::record::{batch_record_human, batch_record_markdown, place};
use crate::evaluate::{decision_human, decision_json, decision_markdown, DecideStatus, Decider};
use crate::source::{FileSystem, Sources};

/// A policy ready to decide with.
pub struct Loaded {
    /// Shared with the thread that counts `check`'s errors (a copy of a large policy
    /// took milliseconds before that count could start).
    pub policy: std::sync::Arc<Policy>,
    /// The errors `policyc check` finds in it (gaps, conflicts, overlaps): it type-checks,
    /// so it decides, but its answers may be undecided or wrong. Counted on another
    /// thread while the decider is built: on a policy of thousands of rules the analysis
    /// costs as much as deciding, and the two need not wait for each other.
    check_errors: CheckErrors,
}

/// The count of `policyc check`'s errors: running (its answer to come on the channel),
/// or known.
struct CheckErrors {
    running: std::sync::Mutex<Option<std::sync::mpsc::Receiver<usize>>>,
    known: std::sync::OnceLock<usize>,
}

impl Loaded {
    /// The errors `policyc check` finds in the policy (waiting for the analysis).
    pub fn check_errors(&self) -> usize {
        *self.check_errors.known.get_or_init(|| {
            let running = match self.check_errors.running.lock() {
                Ok(mut running) => running.take(),
                Err(poisoned) => poisoned.into_inner().take(),
            };
            // An analysis that panicked (its channel closed with no count) is one the
            // writer must hear about: it counts as an error rather than a pass.
            running.map_or(0, |r| r.recv().unwrap_or(1))
        })
    }

    /// `check_errors` where there are any, for a JSON answer.
    pub fn rejected(&self) -> Option<usize> {
        let n = self.check_errors();
        (n > 0).then_some(n)
    }

    /// An incident record in Markdown (`decide --format markdown`, `ask --record`),
    /// opening with the warning when the policy does not pass `policyc check`: the
    /// record is the document a DSL files, and standard error does not reach it.
    pub fn markdown_record(&self, record: &str) -> String {
        match self.rejected() {
            Some(n) => {
                let errors = if n == 1 { "error" } else { "errors" };
                format!(
                    "> **Warning:** this policy does not pass `policyc check` ({n} {errors}); the answers below may be undecided or wrong.\n\n{record}"
                )
            }
            None => record.to_string(),
        }
    }

    /// The line that says the policy does not pass `policyc check`, if it does not.
    /// It waits for the analysis: a caller has its decider ready first.
    pub fn warning(&self) -> Option<String> {
        let n = self.rejected()?;
        Some(super::rejected_warning(
            "this policy",
            n,
            "answers may be undecided or wrong",
        ))
    }
}

/// The policy at `path`, type-checked, with its analysis started; its errors when it
/// does not type-check (a policy that cannot decide at all).
pub fn load(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
) -> Result<Loaded, Vec<Diagnostic>> {
    let policy = std::sync::Arc::new(super::type_checked(sources, fs, path)?);
    // What `policyc check` adds to a policy that type-checks (a module decides nothing,
    // and deciding with one is refused on its own).
    let known = std::sync::OnceLock::new();
    let mut running = None;
    if policy.header.is_some() {
        let copy = std::sync::Arc::clone(&policy);
        let (tell, count) = std::sync::mpsc::channel();
        // The count is sent before the analysis is freed: the thread may still be
        // freeing it when the process ends.
        let analysis = move || {
            count_check_errors(&copy, |n| {
                let _ = tell.send(n);
            })
        };
        match std::thread::Builder::new().spawn(analysis) {
            Ok(_) => running = Some(count),
            // No thread to be had: count here, before deciding.
            Err(_) => count_check_errors(&policy, |n| {
                let _ = known.set(n);
            }),
        }
    }
    Ok(Loaded {
        policy,
        check_errors: CheckErrors {
            running: std::sync::Mutex::new(running),
            known,
        },
    })
}

/// The errors `policyc check`'s analysis finds in a policy that type-checks, given to
/// `report` as soon as they are counted.
pub(super) fn count_check_errors(policy: &Policy, report: impl FnOnce(usize)) {
    let options = CompileOptions {
        errors_only: true,
        ..CompileOptions::default()
    };
    crate::analyse::count_errors_then(policy, &options, report)
}

/// How the answers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Markdown,
}

/// The worst answer given, which sets `decide`'s exit code: ordered from best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Worst {
    /// A batch without incidents (`[]`, or only blank lines): nothing was decided, and
    /// nothing went wrong, but whoever asked should hear that nothing was answered (the
    /// human and Markdown answers say so).
    Empty,
    /// Every incident decided (or out of scope).
    Decided,
    /// Some incident undecided.
    Undecided,
    /// Some incident's facts could not be read or decided.
    BadFacts,
}

impl From<DecideStatus> for Worst {
    fn from(s: DecideStatus) -> Worst {
        match s {
            DecideStatus::Decided | DecideStatus::OutOfScope => Worst::Decided,
            DecideStatus::Undecided => Worst::Undecided,
        }
    }
}

/// The incidents of the facts file (`-`: standard input), or why they cannot be read.
fn read_facts(facts: &str) -> Result<Incidents<'static>, Diagnostic> {
    let read = if facts == "-" {
        batch::from_reader(std::io::stdin().lock())
            .map_err(|e| (format!("cannot read the facts from standard input: {e}"), e))
    } else {
        std::fs::File::open(facts)
            .and_then(|f| batch::from_reader(std::io::BufReader::new(f)))
            .map_err(|e| (format!("cannot read `{facts}`: {e}"), e))
    };
    read.map_err(|(message, e)| {
        let help = if e.kind() == std::io::ErrorKind::InvalidData {
            "give the facts as JSON: one object, an array of objects, or one object per line (a line at most 1 MiB)"
        } else {
            "check the path of the facts file, or use `-` for standard input"
        };
        Diagnostic::error(Code::E0001, message).help(help)
    })
}

/// The incidents of the facts file `facts` (`-`: standard input) and the decision graph
/// to decide them with (the policy's, at `path`): `None` past the node limit, where the
/// rules decide. One incident the rules can decide does not wait for a large graph.
pub fn incidents_and_graph(
    policy: &Policy,
    path: &Path,
    facts: &str,
) -> Result<(Incidents<'static>, Option<DecisionGraph>), Diagnostic> {
    let incidents = read_facts(facts)?;
    let graph = match &incidents {
        Incidents::One(Ok(doc)) => crate::evaluate::deciding_graph_for_one(policy, path, doc),
        _ => crate::evaluate::deciding_graph(policy, path),
    }?;
    Ok((incidents, graph))
}

/// Answers the incidents on `out`: one in `format`, a batch as JSON Lines or one record
/// per incident in `format`. Returns the worst answer, or the errors of one incident in
/// human or markdown form, for the caller to print.
pub fn answer(
    loaded: &Loaded,
    decider: &Decider<'_>,
    sources: &Sources,
    incidents: Incidents<'_>,
    format: Format,
    out: &mut dyn Write,
) -> Result<Worst, Vec<Diagnostic>> {
    let policy = &loaded.policy;
    let error_json = |errs: &[Diagnostic]| {
        let j = AnswerJson::Error(ErrorJson::new(sources, None, errs));
        json_line(&j.with_check_errors(loaded.rejected()))
    };
    let items = match incidents {
        Incidents::One(doc) => {
            let (text, worst) = match doc.and_then(|doc| batch::decide_one(policy, decider, &doc)) {
                Ok((facts, d)) => {
                    let text = match format {
                        Format::Human => decision_human(policy, &d),
                        Format::Json => json_line(
                            &AnswerJson::Decided(decision_json(policy, &d))
                                .with_check_errors(loaded.rejected()),
                        ),
                        Format::Markdown => {
                            loaded.markdown_record(&decision_markdown(policy, &facts, &d))
                        }
                    };
                    (text, Worst::from(d.status))
                }
                Err(errs) if format == Format::Json => (error_json(&errs), Worst::BadFacts),
                Err(errs) => return Err(errs),
            };
            let _ = out.write_all(for_people(format, &text).as_bytes());
            return Ok(worst);
        }
        Incidents::Many(Err(errs)) if format == Format::Json => {
            let _ = out.write_all(error_json(&errs).as_bytes());
            return Ok(Worst::BadFacts);
        }
        Incidents::Many(Err(errs)) => return Err(errs),
        Incidents::Many(Ok(items)) => items,
    };
    if format != Format::Json {
        if format == Format::Markdown {
            let _ = out.write_all(loaded.markdown_record("").as_bytes());
        }
        return Ok(records(policy, decider, sources, items, format, out));
    }
    let mut batch = Batch::new(policy, decider);
    let mut worst = Worst::Empty;
    let mut line = Vec::new();
    for item in items {
        let a = batch.answer(item);
        // The worst answer sets the code: a bad line over an undecided one.
        worst = worst.max(match &a.result {
            Ok(d) => Worst::from(d.status()),
            Err(_) => Worst::BadFacts,
        });
        line.clear();
        let j = a.json(policy, sources).with_check_errors(loaded.rejected());
        if serde_json::to_writer(&mut line, &j).is_ok() {
            line.push(b'\n');
            // Nobody reads the answers any more (a closed pipe), or they cannot be
            // written: deciding the rest would be lost work.
            if out.write_all(&line).is_err() {
                break;
            }
        }
    }
    Ok(worst)
}

/// Answers a batch for people: one record per incident, in order, each naming its line
/// (decided one by one: the shared leaf answers of [`Batch`] are for JSON). Returns the
/// worst answer, as for JSON Lines.
fn records(
    policy: &Policy,
    decider: &Decider<'_>,
    sources: &Sources,
    items: batch::Items<'_>,
    format: Format,
    out: &mut dyn Write,
) -> Worst {
    let mut worst = Worst::Empty;
    for (k, item) in items.enumerate() {
        let answered = item
            .facts
            .and_then(|doc| batch::decide_one(policy, decider, &doc));
        worst = worst.max(match &answered {
            Ok((_, d)) => Worst::from(d.status),
            Err(_) => Worst::BadFacts,
        });
        let place = place(k, item.line);
        let text = match format {
            Format::Markdown => batch_record_markdown(policy, &place, k == 0, &answered),
            _ => batch_record_human(policy, sources, &place, &answered),
        };
        let _ = out.write_all(for_people(format, &text).as_bytes());
    }
    if worst == Worst::Empty {
        // Nothing at all would read as a batch of decided incidents. (JSON Lines of no
        // incident are no lines: a program counts them.)
        let _ = out.write_all(b"The facts hold no incident, so nothing was decided.\n");
    }
    worst
}

/// Text for people with the control characters of titles, citations and facts escaped:
/// a policy or facts file must not drive the terminal of whoever decides with it. JSON
/// escapes its own.
fn for_people(format: Format, text: &str) -> std::borrow::Cow<'_, str> {
    match format {
        Format::Json => std::borrow::Cow::Borrowed(text),
        _ => crate::terminal::escape_controls(text),
    }
}

fn json_line(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string(v).unwrap_or_default();
    s.push('\n');
    s
}
