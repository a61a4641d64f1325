//! Running scenarios and asserts against a policy's decision graph.
//!
//! A scenario's expectation must hold for every completion of its `given` facts that
//! satisfies the assumptions. The decision graph answers that without enumerating
//! incidents: fix the given inputs, collect the leaves still reachable, drop the leaves
//! of incidents that break an assumption, and look at what the others decide. A failing
//! expectation is shown on one complete incident, found by walking the graph from the
//! root to a failing leaf along edges the given facts allow.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::{
    matches_filter, Coverage, Example, Failure, Mismatch, Outcome, Report, RuleRef, Step, Suite,
    TestCase, TestKind,
};
use crate::analyse::{analyse, Analysis};
use crate::check::ir::{Expect, Policy, RuleId, ScenarioDef, Ty, Value};
use crate::compile::graph::{
    DecisionGraph, GraphNode, Leaf, Outcome as LeafOutcome, Status, ValueSet,
};
use crate::compile::{
    index_value, preferred_values, typical_index, typical_value, value_index, CompileOptions,
    Compiler,
};
use crate::diagnostics::{render, Code, Diagnostic};
use crate::evaluate::leaf_by_rules;
use crate::mdd::FALSE;
use crate::source::{FileSystem, Loc, Sources};

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
        let tested = match checked.policy {
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
        let (key, name, tested) = tested;
        if !tested.is_policy && tested.tests.is_empty() {
            // A shared vocabulary: nothing to run, nothing to cover.
            continue;
        }
        let group = match groups.iter_mut().position(|g| g.key == key) {
            Some(i) => groups.get_mut(i),
            None => {
                groups.push(Group {
                    key,
                    suite: Suite {
                        policy: name,
                        ..Suite::default()
                    },
                    coverage: None,
                    coverage_unmeasured: None,
                });
                groups.last_mut()
            }
        };
        let Some(group) = group else { continue };
        group.suite.files.push(display);
        group.suite.tests.extend(tested.tests);
        for n in tested.notes {
            // Files that test one policy share its accepted gaps: say each once.
            if !group.suite.notes.contains(&n) {
                group.suite.notes.push(n);
            }
        }
        if group.coverage_unmeasured.is_none() {
            // One file that cannot be measured leaves the policy's coverage unknown: the
            // other files' figure would count only part of its scenarios.
            group.coverage_unmeasured = tested.coverage_unmeasured;
        }
        if let Some(c) = tested.coverage {
            // The totals are those of the file that states the policy (a test file could
            // add rules of its own); the others add what their scenarios exercise.
            match group.coverage.take() {
                Some(mut acc) if !tested.states_policy => {
                    acc.merge(c);
                    group.coverage = Some(acc);
                }
                Some(acc) => {
                    let mut c = c;
                    c.merge(acc);
                    group.coverage = Some(c);
                }
                None => group.coverage = Some(c),
            }
        }
    }
    let suites = groups
        .into_iter()
        .map(|mut g| {
            if options.coverage {
                match g.coverage_unmeasured {
                    Some(why) => g.suite.coverage_unmeasured = Some(why),
                    None => g.suite.coverage = g.coverage.map(CoverageData::finish),
                }
            }
            g.suite
        })
        .collect();
    Run {
        report: Report { suites },
        io_errors,
    }
}

/// A file named on the command line that cannot be read at all: the read error of the
/// root file has no label (a `use` that fails points at the `use`).
fn is_io_error(d: &Diagnostic) -> bool {
    matches!(d.code, Code::E0001 | Code::E0003) && d.labels.is_empty()
}

/// Tests of one policy share a group: its name and the file that holds its header.
fn group_key(
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

struct Group {
    key: (String, String),
    suite: Suite,
    coverage: Option<CoverageData>,
    coverage_unmeasured: Option<String>,
}

/// What testing one checked file produced.
pub struct Tested {
    pub tests: Vec<TestCase>,
    pub coverage: Option<CoverageData>,
    /// Coverage was asked for but nothing could be measured (the policy could not be
    /// compiled at all): why, in words.
    pub coverage_unmeasured: Option<String>,
    /// The file states a policy (a header or rules), so it is reported even without
    /// tests: a policy with no scenarios has zero coverage, which must show.
    pub is_policy: bool,
    /// Accepted gaps of the policy, one line each.
    pub notes: Vec<String>,
    /// The file holds the policy's header (rather than `use`-ing it).
    pub states_policy: bool,
}

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
        outcome: Outcome::Failed(Failure {
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

/// `file:line` of a location.
pub fn location(sources: &Sources, loc: Loc) -> String {
    let (line, _) = sources.line_col(loc.file, loc.span.start);
    format!("{}:{line}", sources.name(loc.file))
}

fn rule_ref(sources: &Sources, policy: &Policy, r: RuleId) -> RuleRef {
    match policy.rules.get(r) {
        Some(rule) => RuleRef {
            name: rule.name.clone(),
            title: rule.title.clone(),
            cites: rule.cites.clone(),
            location: location(sources, rule.name_loc),
        },
        None => RuleRef {
            name: format!("#{r}"),
            title: None,
            cites: None,
            location: String::new(),
        },
    }
}

/// Runs the scenarios and asserts that `policy`'s root file declares (those of files it
/// `use`s run when those files are tested themselves). The policy is compiled only when
/// a scenario, an assert or coverage needs it.
pub fn test_policy(sources: &Sources, policy: &Policy, options: &Options) -> Tested {
    let plan = Plan::new(sources, policy, options);
    if !plan.needs_compiling(options) {
        return plan.into_tested(Vec::new(), None, None);
    }
    let mut compiled = Compiled::new(policy, options.max_nodes);
    plan.run(sources, policy, options, compiled.as_mut().map_err(|d| &*d))
}

/// [`test_policy`] with the policy compiled already: `policyc doc` compiles it once for
/// its diagrams, its findings and its tests (`compiled` is `Err` when it could not be).
pub fn test_compiled(
    sources: &Sources,
    policy: &Policy,
    options: &Options,
    compiled: Result<&mut Compiled, &Diagnostic>,
) -> Tested {
    Plan::new(sources, policy, options).run(sources, policy, options, compiled)
}

/// What a scenario and an assert have alike as tests.
struct Declared<'d> {
    kind: TestKind,
    name: &'d str,
    title: &'d Option<String>,
    cites: &'d Option<String>,
    loc: crate::source::Loc,
}

/// Adds a test, passed until judged, or skipped when the filter leaves it out; its
/// index when it is to run.
fn add_test(
    tests: &mut Vec<TestCase>,
    sources: &Sources,
    policy: &Policy,
    d: Declared<'_>,
    options: &Options,
) -> Option<usize> {
    let t = TestCase {
        policy: policy.name.clone(),
        name: d.name.to_string(),
        kind: d.kind,
        title: d.title.clone(),
        cites: d.cites.clone(),
        location: location(sources, d.loc),
        outcome: Outcome::Passed,
    };
    let runs = options
        .filter
        .as_ref()
        .is_none_or(|f| matches_filter(&t, f));
    tests.push(if runs {
        t
    } else {
        TestCase {
            outcome: Outcome::Skipped,
            ..t
        }
    });
    runs.then(|| tests.len() - 1)
}

/// The tests of one file, before any runs: each passed until judged, or skipped by the
/// filter.
struct Plan<'p> {
    tests: Vec<TestCase>,
    /// Index in `tests`, and the scenario.
    scenarios: Vec<(usize, &'p ScenarioDef)>,
    /// Index in `tests`, and the assert's index in the policy.
    asserts: Vec<(usize, usize)>,
    is_policy: bool,
    states_policy: bool,
}

impl<'p> Plan<'p> {
    fn new(sources: &Sources, policy: &'p Policy, options: &Options) -> Plan<'p> {
        let root = policy.root_file;
        let is_policy = policy.header.is_some() || !policy.rules.is_empty();
        let states_policy = policy.header.as_ref().is_none_or(|h| h.loc.file == root);
        let mut tests: Vec<TestCase> = Vec::new();
        let mut pending_scenarios: Vec<(usize, &ScenarioDef)> = Vec::new();
        let mut pending_asserts: Vec<(usize, usize)> = Vec::new();
        for s in policy.scenarios.iter().filter(|s| s.loc.file == root) {
            let d = Declared {
                kind: TestKind::Scenario,
                name: &s.name,
                title: &s.title,
                cites: &s.cites,
                loc: s.loc,
            };
            if let Some(k) = add_test(&mut tests, sources, policy, d, options) {
                pending_scenarios.push((k, s));
            }
        }
        for (i, a) in policy
            .asserts
            .iter()
            .enumerate()
            .filter(|(_, a)| a.loc.file == root)
        {
            let d = Declared {
                kind: TestKind::Assert,
                name: &a.name,
                title: &a.title,
                cites: &a.cites,
                loc: a.loc,
            };
            if let Some(k) = add_test(&mut tests, sources, policy, d, options) {
                pending_asserts.push((k, i));
            }
        }
        Plan {
            tests,
            scenarios: pending_scenarios,
            asserts: pending_asserts,
            is_policy,
            states_policy,
        }
    }

    fn needs_compiling(&self, options: &Options) -> bool {
        !self.scenarios.is_empty() || !self.asserts.is_empty() || options.coverage
    }

    fn into_tested(
        self,
        notes: Vec<String>,
        coverage: Option<CoverageData>,
        coverage_unmeasured: Option<String>,
    ) -> Tested {
        Tested {
            tests: self.tests,
            coverage,
            coverage_unmeasured,
            is_policy: self.is_policy,
            states_policy: self.states_policy,
            notes,
        }
    }

    /// Judges every planned scenario and assert.
    fn run(
        self,
        sources: &Sources,
        policy: &Policy,
        options: &Options,
        compiled: Result<&mut Compiled, &Diagnostic>,
    ) -> Tested {
        let Plan {
            mut tests,
            scenarios: pending_scenarios,
            asserts: pending_asserts,
            is_policy,
            states_policy,
        } = self;
        let compiled = match compiled {
            Ok(c) => c,
            Err(d) => {
                // The policy checks but cannot be compiled (a limit): every test that was to
                // run fails with the reason.
                let text = render::to_string(sources, d).trim_end().to_string();
                let json = render::to_json(sources, d);
                let to_run = pending_scenarios.iter().map(|p| p.0);
                for i in to_run.chain(pending_asserts.iter().map(|p| p.0)) {
                    if let Some(t) = tests.get_mut(i) {
                        t.outcome = Outcome::Failed(Failure {
                            message: "the policy cannot be compiled into a decision graph".into(),
                            notes: vec![text.clone()],
                            examples: Vec::new(),
                            diagnostics: vec![json.clone()],
                        });
                    }
                }
                return Tested {
                    tests,
                    coverage: None,
                    coverage_unmeasured: options.coverage.then(|| no_graph_coverage(d)),
                    is_policy,
                    states_policy,
                    notes: Vec::new(),
                };
            }
        };

        let Compiled {
            graph,
            analysis,
            assumes,
        } = compiled;
        let graph = match graph {
            Ok(g) => g,
            Err(d) => {
                // The analyses fit but the graph does not: asserts are still proven or
                // refuted, and a scenario whose facts fix every input the decision reads is
                // decided by reading the rules, as `policyc decide` decides complete facts.
                let by_rules = ByRules::new(sources, policy, d);
                let mut notes = Vec::new();
                if !pending_scenarios.is_empty() {
                    notes.push(by_rules.note());
                }
                // Rule coverage needs only the rules each scenario fires; leaf coverage
                // needs the graph's leaves.
                let mut coverage = options
                    .coverage
                    .then(|| CoverageData::without_graph(sources, policy, why_no_graph(d)));
                for (i, s) in pending_scenarios {
                    let outcome = match by_rules.scenario_outcome(assumes, s, coverage.as_mut()) {
                        Some(f) => Outcome::Failed(f),
                        None => Outcome::Passed,
                    };
                    if let Some(t) = tests.get_mut(i) {
                        t.outcome = outcome;
                    }
                }
                for (i, a) in pending_asserts {
                    if let (Some(t), Some(f)) =
                        (tests.get_mut(i), assert_outcome(None, analysis, a))
                    {
                        t.outcome = Outcome::Failed(f);
                    }
                }
                notes.extend(accepted_gap_notes(sources, policy, analysis));
                return Tested {
                    tests,
                    coverage,
                    coverage_unmeasured: None,
                    is_policy,
                    states_policy,
                    notes,
                };
            }
        };
        let ctx = Ctx {
            sources,
            policy,
            graph,
            leaf_nodes: leaf_nodes(graph),
            preferred: preferred_values(policy),
        };
        // Keying every leaf costs a string per leaf: only when coverage is asked for.
        let mut coverage = options
            .coverage
            .then(|| CoverageData::new(sources, policy, graph));
        for (i, s) in pending_scenarios {
            let judged = judge(policy, graph, s);
            if let Some(c) = &mut coverage {
                c.record(graph, &judged.reached);
            }
            let outcome = match scenario_outcome(&ctx, assumes, s, &judged) {
                Some(f) => Outcome::Failed(f),
                None => Outcome::Passed,
            };
            if let Some(t) = tests.get_mut(i) {
                t.outcome = outcome;
            }
        }
        for (i, a) in pending_asserts {
            let outcome = match assert_outcome(Some(&ctx), analysis, a) {
                Some(f) => Outcome::Failed(f),
                None => Outcome::Passed,
            };
            if let Some(t) = tests.get_mut(i) {
                t.outcome = outcome;
            }
        }
        let notes = accepted_gap_notes(sources, policy, analysis);
        Tested {
            tests,
            coverage,
            coverage_unmeasured: None,
            is_policy,
            states_policy,
            notes,
        }
    }
}

/// The policy compiled: the graph for scenarios, the analysis for asserts, and the
/// assumptions' diagrams to say which one a scenario's facts break.
pub struct Compiled {
    /// `Err` when the graph alone passes the node limit.
    graph: Result<DecisionGraph, Diagnostic>,
    analysis: Analysis,
    /// The assumptions' diagrams, to say which one a scenario's facts break.
    pub(super) assumes: AssumeCheck,
}

pub(super) struct AssumeCheck {
    mdd: crate::mdd::Mdd,
    nodes: Vec<crate::mdd::NodeId>,
    /// All the assumptions together.
    all: crate::mdd::NodeId,
    levels: Vec<crate::check::ir::InputId>,
}

impl Compiled {
    pub fn new(policy: &Policy, max_nodes: Option<usize>) -> Result<Compiled, Diagnostic> {
        let options = CompileOptions {
            max_nodes,
            ..CompileOptions::default()
        };
        let mut c = Compiler::new(policy, &options).map_err(|e| e.diagnostic(policy))?;
        let analysis = analyse(&mut c).map_err(|e| e.diagnostic(policy))?;
        let graph = DecisionGraph::build(&mut c).map_err(|e| e.diagnostic(policy));
        Ok(Compiled::from_parts(c, analysis, graph))
    }

    /// From a compiler whose analyses and graph are made (`graph` is `Err` when it
    /// passed the node limit).
    pub fn from_parts(
        c: Compiler<'_>,
        analysis: Analysis,
        graph: Result<DecisionGraph, Diagnostic>,
    ) -> Compiled {
        let assumes = AssumeCheck {
            nodes: c.assumes.clone(),
            all: c.assume_all,
            levels: c.order.levels.clone(),
            mdd: c.mdd,
        };
        Compiled {
            graph,
            analysis,
            assumes,
        }
    }

    /// The analyses, once the tests are done with them.
    pub fn into_analysis(self) -> Analysis {
        self.analysis
    }
}

impl AssumeCheck {
    fn per_level(&self, given: &[Option<u32>]) -> Vec<Option<u32>> {
        self.levels
            .iter()
            .map(|&i| given.get(i).copied().flatten())
            .collect()
    }

    /// The assumptions that no completion of `given` (per input) satisfies.
    fn broken_by(&mut self, given: &[Option<u32>]) -> Vec<usize> {
        let assign = self.per_level(given);
        let mut out = Vec::new();
        for (k, &n) in self.nodes.iter().enumerate() {
            if let Ok(r) = self.mdd.restrict(n, &assign) {
                if r == FALSE {
                    out.push(k);
                }
            }
        }
        out
    }

    /// Whether some completion of `given` satisfies every assumption at once (they may
    /// each hold alone and not together).
    fn possible(&mut self, given: &[Option<u32>]) -> bool {
        let assign = self.per_level(given);
        self.mdd.restrict(self.all, &assign) != Ok(FALSE)
    }
}

struct Ctx<'a> {
    sources: &'a Sources,
    policy: &'a Policy,
    graph: &'a DecisionGraph,
    /// Per leaf, its node in the graph.
    leaf_nodes: HashMap<usize, NodeIndex>,
    /// Per input, the value examples prefer ([`crate::compile::preferred_values`]).
    preferred: Vec<Option<u32>>,
}

fn leaf_nodes(graph: &DecisionGraph) -> HashMap<usize, NodeIndex> {
    graph
        .graph
        .node_indices()
        .filter_map(|n| match graph.graph.node_weight(n) {
            Some(GraphNode::Leaf { leaf }) => Some((*leaf, n)),
            _ => None,
        })
        .collect()
}

/// Why coverage is not measured for a policy whose decision graph could not be built.
fn no_graph_coverage(d: &Diagnostic) -> String {
    format!("it needs the decision graph, and {}", why_no_graph(d))
}

/// Why there is no decision graph, in words: the diagnostic's message and code.
fn why_no_graph(d: &Diagnostic) -> String {
    format!("{} ({})", d.message, d.code)
}

/// Scenarios of a policy whose decision graph could not be built (E0504), decided by
/// reading the rules: the reference semantics `policyc decide` falls back on
/// ([`Decider::Rules`]). That decides one incident at a time, so it judges a scenario
/// only when its facts fix every input the decision reads: then every completion of
/// the facts decides alike, and one incident stands for them all.
pub(super) struct ByRules<'a> {
    sources: &'a Sources,
    policy: &'a Policy,
    /// Per rule, every rule that overrides it (`crate::compile::overriders`).
    overriders: Vec<Vec<RuleId>>,
    /// Per input, whether the scope, an assumption or a rule's condition reads it.
    read: Vec<bool>,
    /// Per input, the value examples prefer ([`crate::compile::preferred_values`]).
    preferred: Vec<Option<u32>>,
    /// Why there is no graph: the diagnostic's message and code.
    why: String,
    /// The diagnostic in the machine form, for the scenarios it stops.
    diagnostic: serde_json::Value,
}

impl<'a> ByRules<'a> {
    pub(super) fn new(sources: &'a Sources, policy: &'a Policy, d: &Diagnostic) -> ByRules<'a> {
        ByRules {
            sources,
            policy,
            overriders: crate::compile::overriders(policy),
            read: crate::compile::order::deciding_inputs(policy),
            preferred: preferred_values(policy),
            why: why_no_graph(d),
            diagnostic: render::to_json(sources, d),
        }
    }

    /// The suite's note: how its scenarios are judged.
    fn note(&self) -> String {
        format!(
            "{}: scenarios are decided by reading the rules, so each must give every fact the rules, scope and assumptions read",
            self.why
        )
    }

    /// Judges `s`; where it is decided, marks the rules it exercises in `coverage`.
    pub(super) fn scenario_outcome(
        &self,
        assumes: &mut AssumeCheck,
        s: &ScenarioDef,
        coverage: Option<&mut CoverageData>,
    ) -> Option<Failure> {
        let policy = self.policy;
        let given = given_indices(policy, s);
        let missing: Vec<&str> = policy
            .inputs
            .iter()
            .enumerate()
            .filter(|&(i, _)| {
                self.read.get(i).copied().unwrap_or(false)
                    && given.get(i).copied().flatten().is_none()
            })
            .map(|(_, inp)| inp.name.as_str())
            .collect();
        if !missing.is_empty() {
            // Facts that break the assumptions whatever the others are: the first thing
            // to fix, and the assumptions' diagrams say so without the graph.
            if !assumes.possible(&given) {
                return Some(impossible_facts(self.sources, policy, assumes, &given));
            }
            return Some(self.missing_facts(&missing));
        }
        // The decision does not read the other inputs: any value will do, and the
        // typical one reads best in the example.
        let values: Vec<Value> = policy
            .inputs
            .iter()
            .enumerate()
            .map(|(k, inp)| match given.get(k).copied().flatten() {
                Some(idx) => index_value(inp.ty, idx),
                None => typical_value(policy, inp.ty, self.preferred.get(k).copied().flatten()),
            })
            .collect();
        let Some(leaf) = leaf_by_rules(policy, &self.overriders, &values) else {
            return Some(impossible_facts(self.sources, policy, assumes, &given));
        };
        if let Some(c) = coverage {
            c.record_rules(&leaf);
        }
        let leaves = [leaf];
        let failing = failing_expectations(s, &[0], |l| leaves.get(l));
        expectation_failure(
            policy,
            s,
            &failing,
            |l| leaves.get(l),
            |l| self.example(&values, leaves.get(l)),
        )
    }

    /// A scenario whose facts leave an input the decision reads open.
    fn missing_facts(&self, missing: &[&str]) -> Failure {
        Failure {
            message: format!(
                "the decision graph of `{}` is too large, so only complete facts can be judged; missing: {}",
                self.policy.name,
                missing.join(", ")
            ),
            notes: vec![
                format!(
                    "{}: a scenario is then decided by reading the rules, which needs every fact the rules, scope and assumptions read",
                    self.why
                ),
                "give the missing facts in `given`, or split the policy so that its decision graph fits".into(),
            ],
            examples: Vec::new(),
            diagnostics: vec![self.diagnostic.clone()],
        }
    }

    fn example(&self, values: &[Value], leaf: Option<&Leaf>) -> Example {
        let policy = self.policy;
        let (rules, overridden) = leaf_rules(self.sources, policy, leaf);
        Example {
            facts: policy
                .inputs
                .iter()
                .zip(values)
                .map(|(i, v)| (i.name.clone(), policy.value_json(v)))
                .collect(),
            status: leaf.map(leaf_status).unwrap_or("?").to_string(),
            mismatches: Vec::new(),
            rules,
            overridden,
            path: None,
        }
    }
}

/// What the graph says about a scenario, before any text is made of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Judgement {
    /// The given facts as MDD value indices, per input.
    pub given: Vec<Option<u32>>,
    /// Leaves of incidents that complete the facts and satisfy the assumptions.
    pub reached: Vec<usize>,
    /// Per expectation (index into `expect`), the reached leaves where it breaks; only
    /// expectations that break somewhere are listed.
    pub failing: Vec<(usize, Vec<usize>)>,
}

impl Judgement {
    /// No incident completes the facts without breaking an assumption.
    pub fn impossible(&self) -> bool {
        self.reached.is_empty()
    }

    pub fn passes(&self) -> bool {
        !self.impossible() && self.failing.is_empty()
    }
}

/// Judges a scenario on the graph: universal quantification over the completions of
/// its facts, as a walk over the leaves they can reach. `out_of_scope` must hold for
/// every completion that satisfies the assumptions; an expectation about an output, for
/// every such completion in scope, and at least one must be in scope.
pub fn judge(policy: &Policy, graph: &DecisionGraph, s: &ScenarioDef) -> Judgement {
    let given = given_indices(policy, s);
    let reached: Vec<usize> = graph
        .reachable_leaves(&given)
        .into_iter()
        .filter(|&l| {
            graph
                .leaves
                .get(l)
                .is_some_and(|leaf| leaf.status != Status::BrokenAssumption)
        })
        .collect();
    let failing = failing_expectations(s, &reached, |l| graph.leaves.get(l));
    Judgement {
        given,
        reached,
        failing,
    }
}

/// The given facts as value indices, per input.
fn given_indices(policy: &Policy, s: &ScenarioDef) -> Vec<Option<u32>> {
    let mut given: Vec<Option<u32>> = vec![None; policy.inputs.len()];
    for f in &s.given {
        let ty = policy.inputs.get(f.input).map(|i| i.ty);
        if let (Some(slot), Some(ty)) = (given.get_mut(f.input), ty) {
            *slot = value_index(ty, &f.value);
        }
    }
    given
}

/// Per expectation (index into `expect`), the leaves among `reached` (those of the
/// completions that satisfy the assumptions) where it breaks; only expectations that
/// break somewhere are listed.
fn failing_expectations<'l>(
    s: &ScenarioDef,
    reached: &[usize],
    leaf_of: impl Fn(usize) -> Option<&'l Leaf>,
) -> Vec<(usize, Vec<usize>)> {
    let any_in_scope = reached
        .iter()
        .any(|&l| leaf_of(l).is_some_and(|leaf| leaf.status == Status::InScope));
    let mut failing = Vec::new();
    for (k, e) in s.expect.iter().enumerate() {
        let about_outputs = !matches!(e, Expect::OutOfScope { .. });
        let bad: Vec<usize> = if about_outputs && !any_in_scope {
            // The policy decides nothing for any incident with these facts: an
            // expectation about its decision cannot hold.
            reached.to_vec()
        } else {
            reached
                .iter()
                .copied()
                .filter(|&l| {
                    leaf_of(l).is_some_and(|leaf| {
                        // Outside the scope the policy decides nothing, and that is not
                        // what an expectation about an output is about.
                        let counts = !about_outputs || leaf.status == Status::InScope;
                        counts && !holds(e, leaf)
                    })
                })
                .collect()
        };
        if !bad.is_empty() {
            failing.push((k, bad));
        }
    }
    failing
}

/// Whether an expectation holds for the incidents of one leaf.
fn holds(e: &Expect, leaf: &Leaf) -> bool {
    match e {
        Expect::OutOfScope { .. } => leaf.status == Status::OutOfScope,
        Expect::Value { output, value, .. } => {
            leaf.status == Status::InScope
                && matches!(leaf.outcomes.get(*output),
                    Some(LeafOutcome::Value { value: v, .. }) if v == value)
        }
        Expect::Undecided { output, .. } => {
            leaf.status == Status::InScope
                && matches!(
                    leaf.outcomes.get(*output),
                    Some(LeafOutcome::Gap | LeafOutcome::Conflict { .. })
                )
        }
    }
}

fn scenario_outcome(
    ctx: &Ctx<'_>,
    assumes: &mut AssumeCheck,
    s: &ScenarioDef,
    j: &Judgement,
) -> Option<Failure> {
    if j.impossible() {
        return Some(impossible_facts(ctx.sources, ctx.policy, assumes, &j.given));
    }
    expectation_failure(
        ctx.policy,
        s,
        &j.failing,
        |l| ctx.graph.leaves.get(l),
        |l| example_at(ctx, &j.given, l),
    )
}

/// The failure of the expectations in `failing` (see [`failing_expectations`]), shown
/// on examples made by `example` at the failing leaves; `None` when none fails.
fn expectation_failure<'l>(
    policy: &Policy,
    s: &ScenarioDef,
    failing: &[(usize, Vec<usize>)],
    leaf_of: impl Fn(usize) -> Option<&'l Leaf>,
    mut example: impl FnMut(usize) -> Example,
) -> Option<Failure> {
    if failing.is_empty() {
        return None;
    }
    // Show as few incidents as possible: each example shows every expectation it
    // breaks; another example only for expectations the earlier ones do not break.
    let mut left: Vec<usize> = failing.iter().map(|f| f.0).collect();
    let mut examples = Vec::new();
    while let Some(&first) = left.first() {
        let Some(leaf) = failing
            .iter()
            .find(|f| f.0 == first)
            .and_then(|f| f.1.first().copied())
        else {
            break;
        };
        let broken: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&k| failing.iter().any(|f| f.0 == k && f.1.contains(&leaf)))
            .collect();
        left.retain(|k| !broken.contains(k));
        let mut ex = example(leaf);
        let leaf_data = leaf_of(leaf);
        ex.mismatches = broken
            .iter()
            .filter_map(|&k| s.expect.get(k))
            .filter_map(|e| leaf_data.map(|l| mismatch(policy, e, l)))
            .collect();
        examples.push(ex);
    }
    let n = failing.len();
    let message = if n == 1 {
        "an expectation does not hold for every incident with the given facts".to_string()
    } else {
        format!("{n} expectations do not hold for every incident with the given facts")
    };
    Some(Failure {
        message,
        notes: Vec::new(),
        examples,
        diagnostics: Vec::new(),
    })
}

fn impossible_facts(
    sources: &Sources,
    policy: &Policy,
    assumes: &mut AssumeCheck,
    given: &[Option<u32>],
) -> Failure {
    let notes = broken_assumption_notes(sources, policy, assumes, given);
    let mut notes = if notes.is_empty() {
        let all: Vec<String> = policy
            .assumes
            .iter()
            .map(|a| {
                format!(
                    "`{}` at {}",
                    sources.slice(a.loc).trim(),
                    location(sources, a.loc)
                )
            })
            .collect();
        vec![format!(
            "each assumption alone can hold, but not all together: {}",
            all.join(", ")
        )]
    } else {
        notes
    };
    notes.push("change the `given` facts to describe a possible incident".into());
    Failure {
        message: "no incident has these facts: they break an assumption of the policy".into(),
        notes,
        examples: Vec::new(),
        diagnostics: Vec::new(),
    }
}

/// One line per assumption that no completion of `given` satisfies.
fn broken_assumption_notes(
    sources: &Sources,
    policy: &Policy,
    assumes: &mut AssumeCheck,
    given: &[Option<u32>],
) -> Vec<String> {
    assumes
        .broken_by(given)
        .iter()
        .filter_map(|&k| policy.assumes.get(k))
        .map(|a| {
            format!(
                "the given facts break `{}` at {}",
                sources.slice(a.loc).trim(),
                location(sources, a.loc)
            )
        })
        .collect()
}

/// The text of one output's result at a leaf.
fn actual(policy: &Policy, leaf: &Leaf, output: usize) -> String {
    match leaf.status {
        Status::OutOfScope => return "out_of_scope".into(),
        Status::BrokenAssumption => return "an impossible incident".into(),
        Status::InScope => {}
    }
    match leaf.outcomes.get(output) {
        Some(LeafOutcome::Value { value, .. }) => policy.show_value(value),
        Some(LeafOutcome::Gap) => "undecided (no rule gives it a value)".into(),
        Some(LeafOutcome::Conflict { values }) => {
            let parts: Vec<String> = values
                .iter()
                .map(|(v, by)| {
                    let names: Vec<&str> = by
                        .iter()
                        .filter_map(|r| policy.rules.get(*r).map(|r| r.name.as_str()))
                        .collect();
                    format!("{} from {}", policy.show_value(v), names.join(", "))
                })
                .collect();
            format!("undecided (conflict: {})", parts.join("; "))
        }
        None => "?".into(),
    }
}

fn mismatch(policy: &Policy, e: &Expect, leaf: &Leaf) -> Mismatch {
    let output_name = |o: usize| policy.outputs.get(o).map(|d| d.name.clone());
    match e {
        Expect::OutOfScope { .. } => Mismatch {
            output: None,
            expected: "out_of_scope".into(),
            actual: format!("in scope, {}", leaf_status(leaf)),
        },
        Expect::Value { output, value, .. } => Mismatch {
            output: output_name(*output),
            expected: policy.show_value(value),
            actual: actual(policy, leaf, *output),
        },
        Expect::Undecided { output, .. } => Mismatch {
            output: output_name(*output),
            expected: "undecided".into(),
            actual: actual(policy, leaf, *output),
        },
    }
}

fn leaf_status(leaf: &Leaf) -> &'static str {
    match leaf.status {
        Status::OutOfScope => "out_of_scope",
        Status::BrokenAssumption => "impossible",
        Status::InScope => {
            if leaf
                .outcomes
                .iter()
                .any(|o| !matches!(o, LeafOutcome::Value { .. }))
            {
                "undecided"
            } else {
                "decided"
            }
        }
    }
}

/// One complete incident that completes `given` and reaches `leaf`, with the path taken.
fn example_at(ctx: &Ctx<'_>, given: &[Option<u32>], leaf: usize) -> Example {
    let policy = ctx.policy;
    let mut values: Vec<Option<Value>> = policy
        .inputs
        .iter()
        .zip(given)
        .map(|(i, g)| g.map(|g| index_value(i.ty, g)))
        .collect();
    let mut path = Vec::new();
    if let Some(&target) = ctx.leaf_nodes.get(&leaf) {
        for (input, set, value) in path_to(ctx, given, target) {
            let answer = show_set(policy, &set);
            if let Some(slot) = values.get_mut(input) {
                if slot.is_none() {
                    *slot = Some(value);
                }
            }
            let inp = policy.inputs.get(input);
            path.push(Step {
                input: inp.map(|i| i.name.clone()).unwrap_or_default(),
                question: inp.and_then(|i| i.question()),
                answer,
            });
        }
    }
    let facts = policy
        .inputs
        .iter()
        .zip(values)
        .enumerate()
        .map(|(k, (i, v))| {
            // Inputs the path does not ask do not change the decision: any value will
            // do, and the typical one reads best.
            let preferred = ctx.preferred.get(k).copied().flatten();
            let v = v.unwrap_or_else(|| typical_value(policy, i.ty, preferred));
            (i.name.clone(), policy.value_json(&v))
        })
        .collect();
    let leaf_data = ctx.graph.leaves.get(leaf);
    let (rules, overridden) = leaf_rules(ctx.sources, policy, leaf_data);
    Example {
        facts,
        status: leaf_data.map(leaf_status).unwrap_or("?").to_string(),
        mismatches: Vec::new(),
        rules,
        overridden,
        path: Some(path),
    }
}

/// The rules that fired at a leaf (applied, not overridden) and those overridden.
fn leaf_rules(
    sources: &Sources,
    policy: &Policy,
    leaf: Option<&Leaf>,
) -> (Vec<RuleRef>, Vec<RuleRef>) {
    match leaf {
        Some(l) => (
            l.applied
                .iter()
                .filter(|r| !l.overridden.contains(r))
                .map(|&r| rule_ref(sources, policy, r))
                .collect(),
            l.overridden
                .iter()
                .map(|&r| rule_ref(sources, policy, r))
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    }
}

/// The questions from the root to `target` along edges that `given` allows: each with
/// the answer taken and the value the example gives the input (the given one, or the
/// typical one among the answers that still lead to the target, as the analyses choose
/// their examples, [`crate::compile::typical_index`]).
fn path_to(
    ctx: &Ctx<'_>,
    given: &[Option<u32>],
    target: NodeIndex,
) -> Vec<(usize, ValueSet, Value)> {
    let g = &ctx.graph.graph;
    let ty_of = |input: usize| ctx.policy.inputs.get(input).map_or(Ty::Bool, |i| i.ty);
    let allowed = |input: usize, set: &ValueSet| -> bool {
        match given.get(input).copied().flatten() {
            None => true,
            Some(idx) => contains(set, &index_value(ty_of(input), idx)),
        }
    };
    let input_at = |n: NodeIndex| match g.node_weight(n) {
        Some(GraphNode::Question { input }) => Some(*input),
        _ => None,
    };
    // The nodes that reach the target along allowed edges, found backwards (the graph
    // is acyclic, each node is visited once).
    let mut reaches = vec![false; g.node_count()];
    let mut mark = |n: NodeIndex| match reaches.get_mut(n.index()) {
        Some(seen) if !*seen => {
            *seen = true;
            true
        }
        _ => false,
    };
    mark(target);
    let mut stack = vec![target];
    while let Some(n) = stack.pop() {
        for e in g.edges_directed(n, petgraph::Direction::Incoming) {
            let from = e.source();
            let ok = input_at(from).is_some_and(|i| allowed(i, &e.weight().values));
            if ok && mark(from) {
                stack.push(from);
            }
        }
    }
    let reaches = |n: NodeIndex| reaches.get(n.index()).copied().unwrap_or(false);
    let mut out = Vec::new();
    let mut n = ctx.graph.root;
    while n != target {
        let Some(input) = input_at(n) else { break };
        let ty = ty_of(input);
        let onward: Vec<(&ValueSet, NodeIndex)> = g
            .edges(n)
            .filter(|e| reaches(e.target()) && allowed(input, &e.weight().values))
            .map(|e| (&e.weight().values, e.target()))
            .collect();
        let wanted = match given.get(input).copied().flatten() {
            Some(idx) => Some(idx),
            None => {
                let mut ranges: Vec<(u32, u32)> = onward
                    .iter()
                    .flat_map(|(set, _)| set.index_ranges(ty))
                    .collect();
                ranges.sort_unstable();
                typical_index(ty, &ranges, ctx.preferred.get(input).copied().flatten())
            }
        };
        let Some(value) = wanted.map(|idx| index_value(ty, idx)) else {
            break;
        };
        let Some((set, next)) = onward.into_iter().find(|(set, _)| contains(set, &value)) else {
            break;
        };
        out.push((input, set.clone(), value));
        n = next;
    }
    out
}

fn contains(set: &ValueSet, v: &Value) -> bool {
    match (set, v) {
        (ValueSet::Bools(bs), Value::Bool(b)) => bs.contains(b),
        (ValueSet::Variants(_, vs), Value::Enum(_, x)) => vs.contains(x),
        (ValueSet::Ints(rs), Value::Int(x)) => rs.iter().any(|&(a, b)| a <= *x && *x <= b),
        _ => false,
    }
}

/// A value set as the language writes values: `true`, `nude`, `{nude, extreme}`,
/// `13..=15`, `0..=12 or 16`.
fn show_set(policy: &Policy, set: &ValueSet) -> String {
    match set {
        ValueSet::Bools(bs) => {
            let parts: Vec<String> = bs.iter().map(|b| b.to_string()).collect();
            parts.join(" or ")
        }
        ValueSet::Variants(e, vs) => {
            let names: Vec<&str> = vs.iter().map(|v| policy.variant_name(*e, *v)).collect();
            match names.as_slice() {
                [one] => one.to_string(),
                _ => format!("{{{}}}", names.join(", ")),
            }
        }
        ValueSet::Ints(rs) => {
            let parts: Vec<String> = rs
                .iter()
                .map(|&(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}..={b}")
                    }
                })
                .collect();
            parts.join(" or ")
        }
    }
}

/// One line per accepted gap: the output, where, and the reason it is accepted.
fn accepted_gap_notes(sources: &Sources, policy: &Policy, analysis: &Analysis) -> Vec<String> {
    analysis
        .gaps
        .iter()
        .filter(|g| !g.accepted_by.is_empty())
        .map(|g| {
            let output = policy
                .outputs
                .get(g.output)
                .map_or("?", |o| o.name.as_str());
            let reasons: Vec<String> = g
                .accepted_by
                .iter()
                .filter_map(|&a| policy.accepted_gaps.get(a))
                .map(|a| format!("\"{}\" at {}", a.reason, location(sources, a.loc)))
                .collect();
            let n = crate::compile::describe::show_count(g.region.count);
            format!(
                "accepted gap: `{output}` has no value for {n} incident(s) where {}; accepted: {}",
                g.region.condition(),
                reasons.join(", ")
            )
        })
        .collect()
}

fn assert_outcome(ctx: Option<&Ctx<'_>>, analysis: &Analysis, index: usize) -> Option<Failure> {
    let Some(finding) = analysis.asserts.iter().find(|a| a.assert == index) else {
        // Not proven either way: the analysis passed the node limit (Unfinished).
        return Some(Failure {
            message: format!(
                "the assert could not be proven or refuted within {} decision-graph nodes",
                crate::compile::describe::show_count(analysis.max_nodes as u128)
            ),
            notes: Vec::new(),
            examples: Vec::new(),
            diagnostics: Vec::new(),
        });
    };
    if finding.holds && analysis.valid_count == 0 {
        // It holds only because nothing is left to hold for: not a pass (E0505).
        return Some(Failure {
            message: "vacuous: no incident is in scope and satisfies the assumptions (E0505)"
                .into(),
            notes: vec![
                "`policyc check` shows the scope and assumptions that exclude every incident"
                    .into(),
            ],
            examples: Vec::new(),
            diagnostics: Vec::new(),
        });
    }
    if finding.holds {
        return None;
    }
    let mut examples = Vec::new();
    let mut notes = Vec::new();
    if let Some(region) = &finding.counterexamples {
        notes.push(format!("the assert fails where {}", region.condition()));
        match ctx {
            Some(ctx) => {
                let idx: Vec<Option<u32>> = region.example.iter().map(|&v| Some(v)).collect();
                let leaf = ctx.graph.evaluate(&region.example);
                let mut ex = example_at(ctx, &idx, leaf);
                let count = crate::compile::describe::show_count(region.count);
                ex.mismatches.push(Mismatch {
                    output: None,
                    expected: "the assert to hold for every incident in scope".into(),
                    actual: format!("it fails for {count} incident(s)"),
                });
                examples.push(ex);
            }
            None => notes.push(format!("for example: {}", region.example_json())),
        }
    }
    Some(Failure {
        message: "refuted: the assert does not hold for every incident".into(),
        notes,
        examples,
        diagnostics: Vec::new(),
    })
}

/// Coverage facts of one checked file, mergeable with those of other files that test
/// the same policy. Rules and leaves are keyed by what they are (names, locations,
/// decisions), not by ids, which differ between programs.
#[derive(Clone, Debug, Default)]
pub struct CoverageData {
    rules: Vec<(RuleRef, bool)>,
    /// Leaf keys of the graph (incidents that break an assumption excluded), and whether
    /// a scenario reached each.
    leaves: Vec<(String, bool)>,
    leaf_index: HashMap<usize, usize>,
    /// Why the leaves are not counted (there is no decision graph); `None` when they are.
    leaves_unmeasured: Option<String>,
}

impl CoverageData {
    fn new(sources: &Sources, policy: &Policy, graph: &DecisionGraph) -> CoverageData {
        let rules = (0..policy.rules.len())
            .map(|r| (rule_ref(sources, policy, r), false))
            .collect();
        let mut leaves = Vec::new();
        let mut leaf_index = HashMap::new();
        for n in graph.graph.node_weights() {
            let GraphNode::Leaf { leaf } = n else {
                continue;
            };
            let Some(l) = graph.leaves.get(*leaf) else {
                continue;
            };
            if l.status == Status::BrokenAssumption || leaf_index.contains_key(leaf) {
                continue;
            }
            leaf_index.insert(*leaf, leaves.len());
            leaves.push((leaf_key(policy, l), false));
        }
        CoverageData {
            rules,
            leaves,
            leaf_index,
            leaves_unmeasured: None,
        }
    }

    /// Rule coverage alone, for a policy without a decision graph (`why`).
    fn without_graph(sources: &Sources, policy: &Policy, why: String) -> CoverageData {
        CoverageData {
            rules: (0..policy.rules.len())
                .map(|r| (rule_ref(sources, policy, r), false))
                .collect(),
            leaves: Vec::new(),
            leaf_index: HashMap::new(),
            leaves_unmeasured: Some(why),
        }
    }

    /// Marks the rules a decision exercises: those that fired and were not overridden.
    fn record_rules(&mut self, leaf: &Leaf) {
        for &r in leaf.applied.iter().filter(|r| !leaf.overridden.contains(r)) {
            if let Some(slot) = self.rules.get_mut(r) {
                slot.1 = true;
            }
        }
    }

    /// Marks what a scenario that reaches `reached` exercises.
    fn record(&mut self, graph: &DecisionGraph, reached: &[usize]) {
        for &l in reached {
            if let Some(slot) = self
                .leaf_index
                .get(&l)
                .and_then(|&i| self.leaves.get_mut(i))
            {
                slot.1 = true;
            }
            if let Some(leaf) = graph.leaves.get(l) {
                self.record_rules(leaf);
            }
        }
    }

    /// Adds what another file's scenarios exercised; the totals stay this file's.
    fn merge(&mut self, other: CoverageData) {
        if self.leaves_unmeasured.is_none() {
            self.leaves_unmeasured = other.leaves_unmeasured;
        }
        // Indexed, so that merging the test files of a policy with many leaves stays
        // linear.
        let rules: HashMap<RuleRef, usize> = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.0.clone(), i))
            .collect();
        for (rule, _) in other.rules.into_iter().filter(|r| r.1) {
            if let Some(slot) = rules.get(&rule).and_then(|&i| self.rules.get_mut(i)) {
                slot.1 = true;
            }
        }
        let leaves: HashMap<String, usize> = self
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| (l.0.clone(), i))
            .collect();
        for (key, _) in other.leaves.into_iter().filter(|l| l.1) {
            if let Some(slot) = leaves.get(&key).and_then(|&i| self.leaves.get_mut(i)) {
                slot.1 = true;
            }
        }
    }

    pub fn finish(self) -> Coverage {
        Coverage {
            rules_total: self.rules.len(),
            rules_covered: self.rules.iter().filter(|r| r.1).count(),
            leaves_total: self.leaves.len(),
            leaves_reached: self.leaves.iter().filter(|l| l.1).count(),
            leaves_unmeasured: self.leaves_unmeasured,
            uncovered: self
                .rules
                .into_iter()
                .filter(|r| !r.1)
                .map(|r| r.0)
                .collect(),
        }
    }
}

fn leaf_key(policy: &Policy, l: &Leaf) -> String {
    let names = |rs: &[RuleId]| -> Vec<String> {
        rs.iter()
            .filter_map(|r| policy.rules.get(*r).map(|r| r.name.clone()))
            .collect()
    };
    let verdicts: Vec<String> = (0..l.outcomes.len())
        .map(|o| actual(policy, l, o))
        .collect();
    format!(
        "{:?}|{:?}|{:?}|{:?}",
        l.status,
        names(&l.applied),
        names(&l.overridden),
        verdicts
    )
}
