//! The policy compiled for its tests: the decision graph for scenarios, the analysis
//! for asserts, and the assumptions' diagrams to say which one a scenario's facts break.

use crate::analyse::{analyse, Analysis};
use crate::check::ir::Policy;
use crate::compile::graph::DecisionGraph;
use crate::compile::{CompileOptions, Compiler};
use crate::diagnostics::Diagnostic;
use crate::mdd::FALSE;

/// The policy compiled: the graph for scenarios, the analysis for asserts, and the
/// assumptions' diagrams to say which one a scenario's facts break.
pub struct Compiled {
    /// `Err` when the graph alone passes the node limit.
    pub(super) graph: Result<DecisionGraph, Diagnostic>,
    pub(super) analysis: Analysis,
    /// The assumptions' diagrams, to say which one a scenario's facts break.
    pub(crate) assumes: AssumeCheck,
}

/// The assumptions' diagrams, one each and all together, over the compiler's order.
pub(crate) struct AssumeCheck {
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
    pub(super) fn per_level(&self, given: &[Option<u32>]) -> Vec<Option<u32>> {
        self.levels
            .iter()
            .map(|&i| given.get(i.index()).copied().flatten())
            .collect()
    }

    /// The assumptions that no completion of `given` (per input) satisfies.
    pub(super) fn broken_by(&mut self, given: &[Option<u32>]) -> Vec<usize> {
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
    pub(super) fn possible(&mut self, given: &[Option<u32>]) -> bool {
        let assign = self.per_level(given);
        self.mdd.restrict(self.all, &assign) != Ok(FALSE)
    }
}

/// Why there is no decision graph, in words: the diagnostic's message and code.
pub(super) fn why_no_graph(d: &Diagnostic) -> String {
    format!("{} ({})", d.message, d.code)
}
