//! Export: the decision graph drawn for people (DOT, Mermaid, SVG) and written for tools
//! (JSON), and the HTML report.
//!
//! Every writer reads a [`view::GraphView`], the graph with its words already chosen;
//! [`build`] makes one from the compiled decision graph.

pub mod build;
pub mod dot;
pub mod json;
pub mod layout;
pub mod mermaid;
pub mod svg;
pub mod text;
pub mod view;

pub use build::Which;

use crate::check::ir::Policy;
use crate::compile::graph::DecisionGraph;
use crate::compile::{CompileOptions, Compiler};
use crate::diagnostics::Diagnostic;
use view::GraphView;

/// Compiles a checked policy and builds the view of its decision graph (the whole
/// decision or one output).
pub fn policy_view(policy: &Policy, which: Which) -> Result<GraphView, Box<Diagnostic>> {
    let fail = |e: crate::compile::CompileError| Box::new(e.diagnostic(policy));
    let mut c = Compiler::new(policy, &CompileOptions::default()).map_err(fail)?;
    let dg = DecisionGraph::build(&mut c).map_err(fail)?;
    build::graph_view(policy, &mut c, &dg, which).map_err(fail)
}

#[cfg(test)]
pub(crate) mod sample;
#[cfg(test)]
mod tests;
