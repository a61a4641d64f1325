//! Running the tests of policy files: `mod.rs` checks each file and groups its tests
//! by the policy they test; `plan.rs` lists a file's tests and runs them on the policy
//! compiled once (`compiled.rs`); `scenario.rs` judges a scenario on the decision graph
//! and `by_rules.rs` by reading the rules when the graph is too large; `example.rs`
//! finds a failing incident and its path, `leaf.rs` says what a leaf decides;
//! `asserts.rs` judges asserts from the analysis; `findings.rs` makes each error-level
//! finding of the analyses a failed test; `coverage.rs` measures what the scenarios
//! exercise.
//!
//! A scenario's expectation must hold for every completion of its `given` facts that
//! satisfies the assumptions. The decision graph answers that without enumerating
//! incidents: fix the given inputs, collect the leaves still reachable, drop the leaves
//! of incidents that break an assumption, and look at what the others decide. A failing
//! expectation is shown on one complete incident, found by walking the graph from the
//! root to a failing leaf along edges the given facts allow.

mod asserts;
mod by_rules;
mod compiled;
mod coverage;
mod escape;
mod example;
mod findings;
mod leaf;
mod plan;
mod scenario;

use std::path::{Path, PathBuf};

#[cfg(test)]
pub(crate) use by_rules::ByRules;
pub use compiled::Compiled;
pub use coverage::CoverageData;
pub use leaf::location;
pub use plan::{test_compiled, test_policy, Tested};
pub use scenario::{judge, Judgement};

use super::{Failure, Report, Suite, TestCase, TestKind, TestOutcome};
use crate::check::ir::Policy;
use crate::diagnostics::{render, Code, Diagnostic};
use crate::source::{FileSystem, Sources};

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Run only tests whose `policy::name` or title contains this text.
    pub filter: Option<String>,
    /// Measure coverage.
    pub coverage: bool,
    /// The decision-diagram node limit (default: the compiler's).
    pub max_nodes: Option<usize>,
}

/// A run: the report, and the files that could not be read at all (exit code 2).
pub struct Run {
    pub report: Report,
    pub io_errors: Vec<Diagnostic>,
}

/// Checks every file and runs the scenarios and asserts it declares. Tests are grouped by
/// policy: a test file that `use`s a policy reports under that policy's name.
pub fn run_files(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    files: &[PathBuf],
    options: &Options,
) -> Run {
    let mut groups: Vec<Group> = Vec::new();
    let mut io_errors = Vec::new();
    for path in files {
        let checked = crate::check::check_file(sources, fs, path);
        let display = path.display().to_string();
        if let Some(d) = checked.diagnostics.iter().find(|d| is_io_error(d)) {
            io_errors.push(d.clone());
            continue;
        }
        let (key, name, tested) = match checked.policy {
            Some(policy) if !checked.has_errors() => {
                let key = group_key(sources, fs, &policy, path);
                let tested = test_policy(sources, &policy, options);
                (key, policy.name.clone(), tested)
            }
            _ => {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| display.clone());
                let errors: Vec<&Diagnostic> = checked
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .collect();
                let tested = Tested {
                    tests: vec![check_failure(sources, &name, &display, &errors)],
                    coverage: None,
                    coverage_unmeasured: None,
                    is_policy: true,
                    notes: Vec::new(),
                    states_policy: true,
                };
                ((name.clone(), display.clone()), name, tested)
            }
        };
        if !tested.is_policy && tested.tests.is_empty() {
            // A shared vocabulary: nothing to run, nothing to cover.
            continue;
        }
        let at = match groups.iter().position(|g| g.key == key) {
            Some(i) => i,
            None => {
                groups.push(Group::new(key, name));
                groups.len() - 1
            }
        };
        if let Some(group) = groups.get_mut(at) {
            group.add(display, tested);
        }
    }
    let mut suites: Vec<Suite> = Vec::new();
    let mut stated_in: Vec<Option<String>> = Vec::new();
    for g in groups {
        stated_in.push(g.stated_in.clone());
        suites.push(g.finish(options));
    }
    tell_apart_same_names(&mut suites, &stated_in);
    Run {
        report: Report { suites },
        io_errors,
    }
}

/// Two policies of one name from different files (a draft copy beside the policy,
/// `W0008`): each suite and its tests are named `name (file)`, so that the report, JUnit's
/// suites and classnames tell them apart. `--filter` still matches the name alone.
fn tell_apart_same_names(suites: &mut [Suite], stated_in: &[Option<String>]) {
    let names: Vec<String> = suites.iter().map(|s| s.policy.clone()).collect();
    for (i, suite) in suites.iter_mut().enumerate() {
        let twice = names
            .iter()
            .enumerate()
            .any(|(j, n)| j != i && *n == suite.policy);
        let Some(file) = stated_in
            .get(i)
            .cloned()
            .flatten()
            .or_else(|| suite.files.first().cloned())
        else {
            continue;
        };
        if !twice {
            continue;
        }
        let qualified = format!("{} ({file})", suite.policy);
        for t in &mut suite.tests {
            if t.policy == suite.policy {
                t.policy.clone_from(&qualified);
            }
        }
        suite.notes.push(format!(
            "another file checked with it declares a policy named `{}` too (W0008): its tests are named with their file",
            suite.policy
        ));
        suite.policy = qualified;
    }
}

/// A file named on the command line that cannot be read at all: the read error of the
/// root file has no label (a `use` that fails points at the `use`).
fn is_io_error(d: &Diagnostic) -> bool {
    matches!(d.code, Code::E0001 | Code::E0003) && d.labels.is_empty()
}

/// The tests of one policy from every file that tests it (`files`: each as named, with
/// what testing it produced), as `policyc test` reports them: its findings once, its
/// accepted gaps once, its coverage over all its scenarios. `policyc doc` shows a policy
/// and its test files on one page with this.
pub fn merge_tested(policy: &str, files: Vec<(String, Tested)>, options: &Options) -> Suite {
    let mut group = Group::new((String::new(), String::new()), policy.to_string());
    for (file, tested) in files {
        group.add(file, tested);
    }
    group.finish(options)
}

/// Tests of one policy share a group: its name and the file that holds its header.
pub fn group_key(
    sources: &Sources,
    fs: &dyn FileSystem,
    policy: &Policy,
    path: &Path,
) -> (String, String) {
    let file = policy
        .header
        .as_ref()
        .map_or(policy.root_file, |h| h.loc.file);
    // `tests/../policies/p.policy` reached through a `use` and `policies/p.policy` named
    // on the command line are one file.
    let at = sources.path(file).unwrap_or(path);
    let where_ = fs.canonical(at).display().to_string();
    (policy.name.clone(), where_)
}

/// The tests of one policy, from every file that tests it.
struct Group {
    key: (String, String),
    /// The file (as named) that states the policy, when one of the group's does.
    stated_in: Option<String>,
    suite: Suite,
    coverage: Option<CoverageData>,
    coverage_unmeasured: Option<String>,
}

impl Group {
    fn new(key: (String, String), policy: String) -> Group {
        Group {
            key,
            stated_in: None,
            suite: Suite {
                policy,
                ..Suite::default()
            },
            coverage: None,
            coverage_unmeasured: None,
        }
    }

    /// Adds what testing one more file (`file`) produced.
    fn add(&mut self, file: String, tested: Tested) {
        if tested.states_policy && self.stated_in.is_none() {
            self.stated_in = Some(file.clone());
        }
        self.suite.files.push(file);
        for t in tested.tests {
            // A policy and its test files share its findings: each is one failed test.
            let said = t.kind == TestKind::Finding
                && self
                    .suite
                    .tests
                    .iter()
                    .any(|u| u.kind == TestKind::Finding && u.name == t.name);
            if !said {
                self.suite.tests.push(t);
            }
        }
        for n in tested.notes {
            // Files that test one policy share its accepted gaps: say each once.
            if !self.suite.notes.contains(&n) {
                self.suite.notes.push(n);
            }
        }
        if self.coverage_unmeasured.is_none() {
            // One file that cannot be measured leaves the policy's coverage unknown: the
            // other files' figure would count only part of its scenarios.
            self.coverage_unmeasured = tested.coverage_unmeasured;
        }
        if let Some(c) = tested.coverage {
            // The totals are those of the file that states the policy (a test file could
            // add rules of its own); the others add what their scenarios exercise.
            self.coverage = Some(match self.coverage.take() {
                Some(mut acc) if !tested.states_policy => {
                    acc.merge(c);
                    acc
                }
                Some(acc) => {
                    let mut c = c;
                    c.merge(acc);
                    c
                }
                None => c,
            });
        }
    }

    /// The suite, with its coverage when it was asked for.
    fn finish(mut self, options: &Options) -> Suite {
        // An assert that another file of the group runs as a test is judged there: its
        // finding (from a file that `use`s it) would count it twice.
        let asserts: Vec<String> = self
            .suite
            .tests
            .iter()
            .filter(|t| t.kind == TestKind::Assert)
            .map(|t| format!("assert:{}", t.name))
            .collect();
        self.suite
            .tests
            .retain(|t| t.kind != TestKind::Finding || !asserts.contains(&t.name));
        if options.coverage {
            match self.coverage_unmeasured {
                Some(why) => self.suite.coverage_unmeasured = Some(why),
                None => self.suite.coverage = self.coverage.map(CoverageData::finish),
            }
        }
        self.suite
    }
}

/// The test that stands for a file that does not check: failed, with its errors.
fn check_failure(sources: &Sources, name: &str, file: &str, errors: &[&Diagnostic]) -> TestCase {
    let n = errors.len();
    let word = if n == 1 { "error" } else { "errors" };
    TestCase {
        policy: name.to_string(),
        name: "check".into(),
        kind: TestKind::Check,
        title: None,
        cites: None,
        location: file.to_string(),
        outcome: TestOutcome::Failed(Failure {
            message: format!("{file} has {n} {word}, so its scenarios and asserts cannot run"),
            notes: errors
                .iter()
                .map(|d| render::to_string(sources, d).trim_end().to_string())
                .collect(),
            examples: Vec::new(),
            diagnostics: errors.iter().map(|d| render::to_json(sources, d)).collect(),
        }),
    }
}
