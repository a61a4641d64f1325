//! The tests of one file: planned (each listed, passed until judged, or skipped by the
//! filter) apart from compiling the policy, then judged on the compiled policy, on its
//! decision graph or, past the graph's limit, by reading the rules.

use super::asserts::assert_outcome;
use super::by_rules::ByRules;
use super::compiled::why_no_graph;
use super::compiled::Compiled;
use super::coverage::CoverageData;
use super::example::ExampleMaker;
use super::findings::finding_tests;
use super::leaf::location;
use super::scenario::{judge, scenario_outcome};
use super::Options;
use crate::analyse::Analysis;
use crate::check::ir::{Policy, ScenarioDef};
use crate::compile::CompileOptions;
use crate::diagnostics::{render, Diagnostic};
use crate::harness::{matches_filter, Failure, TestCase, TestKind, TestOutcome};
use crate::source::Sources;

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

/// Runs the scenarios and asserts that `policy`'s root file declares (those of files it
/// `use`s run when those files are tested themselves). The policy is compiled only when
/// a scenario, an assert or coverage needs it.
///
/// Every error-level finding of the analyses (what makes `policyc check` reject a
/// policy: a gap, a conflict, a refuted assert, an analysis past the limits) is a
/// failed test as well, so the run never passes a policy `check` rejects. As `check`
/// does, only a file with a `policy` header (its own or `use`d) is analysed.
pub fn test_policy(sources: &Sources, policy: &Policy, options: &Options) -> Tested {
    let plan = Plan::new(sources, policy, options);
    let analysed = policy.header.is_some();
    if !plan.needs_compiling(options) {
        if !analysed {
            return plan.into_tested(Vec::new(), None, None);
        }
        // Nothing to run on the graph: the analyses alone, as `policyc check` runs them.
        let compile = CompileOptions {
            max_nodes: options.max_nodes,
            ..CompileOptions::default()
        };
        let (notes, findings) = match crate::analyse::analyse_policy_with(policy, &compile) {
            Ok(a) => (
                accepted_gap_notes(sources, policy, &a.analysis),
                a.diagnostics,
            ),
            Err(d) => (Vec::new(), vec![*d]),
        };
        let mut tested = plan.into_tested(notes, None, None);
        tested
            .tests
            .extend(finding_tests(sources, policy, &findings));
        return tested;
    }
    let mut compiled = Compiled::new(policy, options.max_nodes);
    let mut tested = plan.run(sources, policy, options, compiled.as_mut().map_err(|d| &*d));
    if analysed {
        let findings = match &compiled {
            Ok(c) => crate::analyse::diagnostics(policy, &c.analysis),
            Err(d) => vec![d.clone()],
        };
        tested
            .tests
            .extend(finding_tests(sources, policy, &findings));
    }
    tested
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
        outcome: TestOutcome::Passed,
    };
    let runs = options
        .filter
        .as_ref()
        .is_none_or(|f| matches_filter(&t, f));
    tests.push(if runs {
        t
    } else {
        TestCase {
            outcome: TestOutcome::Skipped,
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
    asserts: Vec<(usize, crate::check::ir::AssertId)>,
    is_policy: bool,
    states_policy: bool,
}

impl<'p> Plan<'p> {
    fn new(sources: &Sources, policy: &'p Policy, options: &Options) -> Plan<'p> {
        let root = policy.root_file;
        let mut plan = Plan {
            tests: Vec::new(),
            scenarios: Vec::new(),
            asserts: Vec::new(),
            is_policy: policy.header.is_some() || !policy.rules.is_empty(),
            states_policy: policy.header.as_ref().is_none_or(|h| h.loc.file == root),
        };
        for s in policy.scenarios.iter().filter(|s| s.loc.file == root) {
            let d = Declared {
                kind: TestKind::Scenario,
                name: &s.name,
                title: &s.title,
                cites: &s.cites,
                loc: s.loc,
            };
            if let Some(k) = add_test(&mut plan.tests, sources, policy, d, options) {
                plan.scenarios.push((k, s));
            }
        }
        for (i, a) in policy.asserts.entries().filter(|(_, a)| a.loc.file == root) {
            let d = Declared {
                kind: TestKind::Assert,
                name: &a.name,
                title: &a.title,
                cites: &a.cites,
                loc: a.loc,
            };
            if let Some(k) = add_test(&mut plan.tests, sources, policy, d, options) {
                plan.asserts.push((k, i));
            }
        }
        plan
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
        mut self,
        sources: &Sources,
        policy: &Policy,
        options: &Options,
        compiled: Result<&mut Compiled, &Diagnostic>,
    ) -> Tested {
        let Compiled {
            graph,
            analysis,
            assumes,
        } = match compiled {
            Ok(c) => c,
            Err(d) => {
                // The policy checks but cannot be compiled (a limit): every test that was
                // to run fails with the reason.
                self.fail_all(sources, d);
                let unmeasured = options.coverage.then(|| no_graph_coverage(d));
                return self.into_tested(Vec::new(), None, unmeasured);
            }
        };
        let mut notes = Vec::new();
        let coverage = match graph {
            Ok(graph) => {
                let maker = ExampleMaker::new(sources, policy, graph);
                // Keying every leaf costs a string per leaf: only when coverage is asked
                // for.
                let mut coverage = options
                    .coverage
                    .then(|| CoverageData::new(sources, policy, graph));
                for &(i, s) in &self.scenarios {
                    let judged = judge(policy, graph, s);
                    if let Some(c) = &mut coverage {
                        c.record(graph, &s.name, &judged.reached);
                    }
                    settle(
                        &mut self.tests,
                        i,
                        scenario_outcome(&maker, assumes, s, &judged),
                    );
                }
                for &(i, a) in &self.asserts {
                    settle(
                        &mut self.tests,
                        i,
                        assert_outcome(Some(&maker), analysis, a),
                    );
                }
                coverage
            }
            Err(d) => {
                // The analyses fit but the graph does not: asserts are still proven or
                // refuted, and a scenario whose facts fix every input the decision reads
                // is decided by reading the rules, as `policyc decide` decides complete
                // facts.
                let by_rules = ByRules::new(sources, policy, d);
                if !self.scenarios.is_empty() {
                    notes.push(by_rules.note());
                }
                // Rule coverage needs only the rules each scenario fires; leaf coverage
                // needs the graph's leaves.
                let mut coverage = options
                    .coverage
                    .then(|| CoverageData::without_graph(sources, policy, why_no_graph(d)));
                for &(i, s) in &self.scenarios {
                    let failure = by_rules.scenario_outcome(assumes, s, coverage.as_mut());
                    settle(&mut self.tests, i, failure);
                }
                for &(i, a) in &self.asserts {
                    settle(&mut self.tests, i, assert_outcome(None, analysis, a));
                }
                coverage
            }
        };
        notes.extend(accepted_gap_notes(sources, policy, analysis));
        self.into_tested(notes, coverage, None)
    }

    /// Fails every test that was to run: the policy cannot be compiled (`d`).
    fn fail_all(&mut self, sources: &Sources, d: &Diagnostic) {
        let text = render::to_string(sources, d).trim_end().to_string();
        let json = render::to_json(sources, d);
        let to_run = self.scenarios.iter().map(|p| p.0);
        for i in to_run.chain(self.asserts.iter().map(|p| p.0)) {
            let failure = Failure {
                message: "the policy cannot be compiled into a decision graph".into(),
                notes: vec![text.clone()],
                examples: Vec::new(),
                diagnostics: vec![json.clone()],
            };
            settle(&mut self.tests, i, Some(failure));
        }
    }
}

/// Test `i` is judged: failed with `failure`, or passed.
fn settle(tests: &mut [TestCase], i: usize, failure: Option<Failure>) {
    if let Some(t) = tests.get_mut(i) {
        t.outcome = match failure {
            Some(f) => TestOutcome::Failed(f),
            None => TestOutcome::Passed,
        };
    }
}

/// Why coverage is not measured for a policy whose decision graph could not be built.
fn no_graph_coverage(d: &Diagnostic) -> String {
    format!("it needs the decision graph, and {}", why_no_graph(d))
}

/// One line per accepted gap: the output, where, and the reason it is accepted.
fn accepted_gap_notes(sources: &Sources, policy: &Policy, analysis: &Analysis) -> Vec<String> {
    analysis
        .gaps
        .iter()
        .filter(|g| !g.accepted_by.is_empty())
        .map(|g| {
            let output = policy.outputs[g.output].name.as_str();
            let reasons: Vec<String> = g
                .accepted_by
                .iter()
                .map(|&a| &policy.accepted_gaps[a])
                .map(|a| format!("\"{}\" at {}", a.reason, location(sources, a.loc)))
                .collect();
            let n = crate::compile::describe::incidents(g.region.read_count());
            format!(
                "accepted gap: `{output}` has no value for {n} where {}; accepted: {}",
                g.region.condition(),
                reasons.join(", ")
            )
        })
        .collect()
}
