//! The work of the commands, as plain functions returning typed values (as cargo's
//! `ops` are to its command line): loading and checking a policy before deciding with
//! it, answering facts, checking, formatting and drawing files. The CLI parses the
//! arguments, calls these, prints what they return and maps it to exit codes; nothing
//! here prints or knows an exit code.

pub mod check;
pub mod decide;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod graph;
pub mod test;
