//! The data of the HTML report (`policyc doc`): for every file, the checked policy, the
//! findings of the analyses, the decision graphs and the results of the scenarios. The
//! report is made of what the other stages produce; nothing here decides anything.

use std::path::{Path, PathBuf};

use super::build::{graph_view, Which};
use super::split::{self, Plan};
use super::view::GraphView;
use crate::analyse::{self, Analysis};
use crate::check::ir::Policy;
use crate::compile::graph::DecisionGraph;
use crate::compile::{CompileOptions, Compiler};
use crate::diagnostics::{render, Code, Diagnostic, Severity};
use crate::harness::run::Compiled;
use crate::harness::{self, run};
use crate::source::{FileSystem, Sources};

/// One page of the report.
pub struct Page {
    /// The file as it was named.
    pub file: String,
    /// The other files that test this policy (they `use` the file that states it), as
    /// named: their scenarios are on this page, as `policyc test` counts them, and they
    /// have no page of their own.
    pub tested_in: Vec<String>,
    /// The page's file name without `.html`.
    pub slug: String,
    pub content: Content,
    /// The paths of `file` and of `tested_in`, for [`name_relative_to`].
    paths: Vec<PathBuf>,
}

pub enum Content {
    /// The file does not check: its errors, rendered as text.
    Errors {
        name: String,
        errors: Vec<String>,
    },
    Policy(Box<PolicyPage>),
}

pub struct PolicyPage {
    pub policy: Policy,
    /// A policy (a header or rules) rather than a shared vocabulary.
    pub is_policy: bool,
    /// Warnings of the checker, rendered as text.
    pub warnings: Vec<String>,
    /// The findings, or why they could not be computed.
    pub analysis: Result<Analysis, String>,
    pub whole: Result<GraphView, String>,
    /// How the whole decision is drawn: whole, or in parts when too wide to read.
    pub whole_plan: Option<Plan>,
    /// Per output, in declaration order.
    pub outputs: Vec<Result<GraphView, String>>,
    /// How each output is drawn (`None` where its graph could not be built).
    pub output_plans: Vec<Option<Plan>>,
    /// Scenario and assert results (empty when there are none).
    pub tests: Vec<harness::TestCase>,
    pub coverage: Option<harness::Coverage>,
}

impl Page {
    /// The file, and those whose scenarios the page shows with it: `p.policy (scenarios
    /// also in p_tests.policy)`.
    pub fn files_shown(&self) -> String {
        if self.tested_in.is_empty() {
            self.file.clone()
        } else {
            format!(
                "{} (scenarios also in {})",
                self.file,
                self.tested_in.join(", ")
            )
        }
    }
}

impl PolicyPage {
    pub fn title(&self) -> String {
        self.policy
            .header
            .as_ref()
            .and_then(|h| h.title.clone())
            .unwrap_or_else(|| self.policy.name.clone())
    }
}

/// Names each page's file relative to the folder given (`policyc doc policies`):
/// `compare/npcc-vs-ukcis.policy`, not the path from the root of the disk. A file named
/// on its own keeps the name it was given.
pub fn name_relative_to(pages: &mut [Page], given: &[PathBuf]) {
    let relative = |path: &Path| {
        given
            .iter()
            .filter(|root| root.as_path() != path)
            .find_map(|root| path.strip_prefix(root).ok())
            .map(|r| r.to_string_lossy().replace('\\', "/"))
    };
    for page in pages {
        let mut paths = page.paths.iter();
        if let Some(r) = paths.next().and_then(|p| relative(p)) {
            page.file = r;
        }
        for (named, path) in page.tested_in.iter_mut().zip(paths) {
            if let Some(r) = relative(path) {
                *named = r;
            }
        }
    }
}

/// Checks, analyses, draws and tests every file.
///
/// A policy and the files that test it (`p.policy` and a `p_tests.policy` that `use`s it)
/// are one page, that of the file stating the policy, with the scenarios of all of them:
/// a reader of the report never sees `test`'s output, and a page of the policy alone
/// would say it has no scenarios.
pub fn build_site(sources: &mut Sources, fs: &dyn FileSystem, files: &[PathBuf]) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    // Per policy tested: its key (name, header file), the page that shows it, and what
    // testing each of its files produced.
    let mut groups: Vec<TestGroup> = Vec::new();
    let mut slugs: Vec<String> = Vec::new();
    for path in files {
        let slug = unique_slug(path, &mut slugs);
        let file = path.display().to_string();
        let checked = crate::check::check_file(sources, fs, path);
        let rendered = |sev: Severity| -> Vec<String> {
            checked
                .diagnostics
                .iter()
                .filter(|d| d.severity == sev)
                .map(|d| render::to_string(sources, d).trim_end().to_string())
                .collect()
        };
        let errors = rendered(Severity::Error);
        let warnings = rendered(Severity::Warning);
        let mut tested = None;
        let content = match checked.policy {
            Some(policy) if errors.is_empty() => {
                let key = run::group_key(sources, fs, &policy, path);
                let (page, t) = policy_page(sources, policy, warnings);
                tested = t.map(|t| (key, t));
                Content::Policy(Box::new(page))
            }
            _ => Content::Errors {
                name: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| file.clone()),
                errors,
            },
        };
        let page = Page {
            file: file.clone(),
            tested_in: Vec::new(),
            slug,
            content,
            paths: vec![path.clone()],
        };
        match tested {
            None => pages.push(page),
            Some((key, t)) => match groups.iter_mut().find(|g| g.key == key) {
                Some(g) => {
                    // The page of the file that states the policy shows the group, with
                    // every file's warnings (a test file's W0006 too).
                    let Some(shown) = pages.get_mut(g.page) else {
                        continue;
                    };
                    if t.states_policy && !g.stated {
                        let left = std::mem::replace(shown, page);
                        merge_warnings(shown, left);
                        g.stated = true;
                        g.files.insert(0, (file, path.clone(), t));
                    } else {
                        merge_warnings(shown, page);
                        g.files.push((file, path.clone(), t));
                    }
                }
                None => {
                    groups.push(TestGroup {
                        key,
                        page: pages.len(),
                        stated: t.states_policy,
                        files: vec![(file, path.clone(), t)],
                    });
                    pages.push(page);
                }
            },
        }
    }
    for g in groups {
        let Some(page) = pages.get_mut(g.page) else {
            continue;
        };
        let others = g.files.iter().skip(1);
        page.tested_in = others.clone().map(|f| f.0.clone()).collect();
        page.paths.extend(others.map(|f| f.1.clone()));
        let files = g.files.into_iter().map(|(f, _, t)| (f, t)).collect();
        let suite = run::merge_tested(&g.key.0, files, &TEST_OPTIONS);
        if let Content::Policy(pp) = &mut page.content {
            pp.tests = suite.tests;
            pp.coverage = suite.coverage;
        }
    }
    pages
}

/// Adds the warnings of a page folded into `into` (a file of its group) that it does not
/// already show: both pages' policies hold the policy's file, whose warnings they share.
fn merge_warnings(into: &mut Page, from: Page) {
    let (Content::Policy(to), Content::Policy(from)) = (&mut into.content, from.content) else {
        return;
    };
    for w in from.warnings {
        if !to.warnings.contains(&w) {
            to.warnings.push(w);
        }
    }
}

/// The files that test one policy, while the site is built.
struct TestGroup {
    /// [`run::group_key`]: the policy's name and the file that states it.
    key: (String, String),
    /// The index of its page.
    page: usize,
    /// The page is that of the file that states the policy.
    stated: bool,
    /// Each file as named, its path, and what testing it produced; the page's first.
    files: Vec<(String, PathBuf, run::Tested)>,
}

/// How the report runs a policy's tests: all of them, with coverage.
const TEST_OPTIONS: run::Options = run::Options {
    filter: None,
    coverage: true,
    max_nodes: None,
};

/// The page of a policy that checks, its tests and coverage left for [`build_site`] to
/// fill in from what testing it produced (returned beside it for a policy, rather than a
/// shared vocabulary), with its test files'.
fn policy_page(
    sources: &Sources,
    policy: Policy,
    mut warnings: Vec<String>,
) -> (PolicyPage, Option<run::Tested>) {
    let is_policy = policy.header.is_some() || !policy.rules.is_empty();
    let (mut compiled, (whole, whole_plan), (outputs, output_plans)) = analyse_and_draw(&policy);
    let tested = is_policy.then(|| {
        run::test_compiled(
            sources,
            &policy,
            &TEST_OPTIONS,
            compiled.as_mut().map_err(|d| &*d),
        )
    });
    let analysis = compiled
        .map(Compiled::into_analysis)
        .map_err(|d| d.message)
        .and_then(|a| nothing_to_decide(&policy, a));
    // Every warning `policyc check` gives, the analysis's too: the page is what a head
    // teacher reads, and an assignment that never takes effect (W0502) or an acceptance
    // without `when` (W0508) must not be missing from it (review 2, N1).
    if let Ok(a) = &analysis {
        warnings.extend(
            analyse::diagnostics(&policy, a)
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .map(|d| render::to_string(sources, d).trim_end().to_string()),
        );
    }
    let page = PolicyPage {
        policy,
        is_policy,
        warnings,
        analysis,
        whole,
        whole_plan,
        outputs,
        output_plans,
        tests: Vec::new(),
        coverage: None,
    };
    (page, tested)
}

/// A policy whose scope and assumptions admit no incident (E0505) has only vacuous
/// findings: every rule dead, every assert holding. Its page says why it cannot be
/// analysed instead, as `policyc check` reports only that.
fn nothing_to_decide(policy: &Policy, a: Analysis) -> Result<Analysis, String> {
    if a.valid_count > 0 {
        return Ok(a);
    }
    let d = analyse::diagnostics(policy, &a);
    Err(match d.iter().find(|d| d.code == Code::E0505) {
        Some(d) => format!(
            "{} ({}); {}",
            d.message,
            d.code,
            d.help.as_deref().unwrap_or_default()
        ),
        None => "no incident is in scope and satisfies the assumptions (E0505)".to_string(),
    })
}

type Drawn = (
    Result<Compiled, Diagnostic>,
    (Result<GraphView, String>, Option<Plan>),
    (Vec<Result<GraphView, String>>, Vec<Option<Plan>>),
);

/// The analyses, the graphs and what the tests need, from one compilation: the graph is
/// built once, for the drawings and the tests alike (a policy of thousands of rules is
/// refused before it is built when `compile::graph_bound` proves it too large, else
/// only after).
fn analyse_and_draw(policy: &Policy) -> Drawn {
    let mut c = match Compiler::new(policy, &CompileOptions::default()) {
        Ok(c) => c,
        Err(e) => {
            let d = e.diagnostic(policy);
            let m = d.message.clone();
            return (Err(d), (Err(m), None), (Vec::new(), Vec::new()));
        }
    };
    let analysis = analyse::analyse(&mut c).map_err(|e| e.diagnostic(policy));
    let say = |e: crate::compile::CompileError| e.diagnostic(policy).message;
    let (graph, whole, outputs) = match DecisionGraph::build(&mut c) {
        Ok(dg) => {
            let mut draw = |which: Which| -> (Result<GraphView, String>, Option<Plan>) {
                let view = graph_view(policy, &mut c, &dg, which).map_err(say);
                let plan = view.as_ref().ok().and_then(|v| {
                    split::plan(policy, &mut c, &dg, which, v, &super::svg::natural_width).ok()
                });
                (view, plan)
            };
            let whole = draw(Which::Whole);
            let outputs: (Vec<_>, Vec<_>) =
                policy.outputs.ids().map(|o| draw(Which::Output(o))).unzip();
            (Ok(dg), whole, outputs)
        }
        Err(e) => {
            let d = e.diagnostic(policy);
            let outs = policy
                .outputs
                .iter()
                .map(|_| Err(d.message.clone()))
                .collect();
            let none = policy.outputs.iter().map(|_| None).collect();
            (Err(d.clone()), (Err(d.message), None), (outs, none))
        }
    };
    let compiled = analysis.map(|a| Compiled::from_parts(c, a, graph));
    (compiled, whole, outputs)
}

/// A file name for the page: the file's stem in lower-case letters, digits and `-`,
/// made unique with a number.
fn unique_slug(path: &Path, taken: &mut Vec<String>) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut base: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if base.is_empty() || base == "index" {
        base = format!("policy-{base}");
    }
    let mut slug = base.clone();
    let mut n = 2;
    while taken.contains(&slug) {
        slug = format!("{base}-{n}");
        n += 1;
    }
    taken.push(slug.clone());
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_unique() {
        let mut taken = Vec::new();
        let a = unique_slug(Path::new("a/Devon & Cornwall.policy"), &mut taken);
        let b = unique_slug(Path::new("b/devon & cornwall.policy"), &mut taken);
        let c = unique_slug(Path::new("index.policy"), &mut taken);
        assert_eq!(a, "devon---cornwall");
        assert_eq!(b, "devon---cornwall-2");
        assert_eq!(c, "policy-index");
    }
}
