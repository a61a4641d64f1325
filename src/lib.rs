//! policyc: a compiler and test harness for safeguarding policies written as code.
//!
//! The pipeline runs one way: [`parse`] → [`check`] → [`compile`] → [`analyse`] / [`evaluate`] /
//! export. See `ARCHITECTURE.md` for the code map.

// Output goes through `output`: the standard macros panic on a failed write.
#![cfg_attr(not(test), deny(clippy::print_stdout, clippy::print_stderr))]

pub mod analyse;
pub mod check;
pub mod cli;
pub mod compile;
pub mod diagnostics;
pub mod diff;
pub mod evaluate;
pub mod export;
pub mod format;
#[doc(hidden)]
pub mod fuzzing;
pub mod harness;
pub mod lsp;
pub(crate) mod manual;
pub mod mdd;
pub(crate) mod ops;
pub mod output;
pub mod parse;
pub mod source;
pub(crate) mod terminal;
#[doc(hidden)]
pub mod testing;
pub(crate) mod words;
pub(crate) mod xml;
