//! policyc: a compiler and test harness for safeguarding policies written as code.
//!
//! The pipeline runs one way: [`parse`] → [`check`] → compile → analyse / evaluate /
//! export. See `ARCHITECTURE.md` for the code map.

pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod format;
pub mod lsp;
pub mod parse;
pub mod source;
