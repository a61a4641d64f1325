//! Export: the decision graph drawn for people (DOT, Mermaid, SVG) and written for tools
//! (JSON), and the HTML report.
//!
//! Every writer reads a [`view::GraphView`], the graph with its words already chosen.

pub mod layout;
pub mod svg;
pub mod text;
pub mod view;

pub mod dot;
pub mod json;
pub mod mermaid;
#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests;
