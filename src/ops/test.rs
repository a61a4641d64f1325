//! `policyc test`'s report in the format asked for.

use crate::harness::{self, Report};

/// The formats of `policyc test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For people (`quiet`: only what fails and the closing line; `colour`: statuses in
    /// colour).
    Human { quiet: bool, colour: bool },
    /// JSON Lines.
    Json,
    /// JUnit XML.
    Junit,
}

/// The report's text, ending with a newline (`shortfalls`: rule coverage below the
/// minimum asked for).
pub fn render(report: &Report, shortfalls: &[String], format: Format) -> String {
    match format {
        Format::Human { quiet, colour } => {
            let text = if quiet {
                harness::human::render_failures(report, shortfalls)
            } else {
                harness::human::render(report, shortfalls)
            };
            // Titles, citations and paths come from the files: escaped before the
            // colours are added.
            let text = crate::terminal::escape_controls(&text).into_owned();
            if colour {
                harness::human::colour_statuses(&text)
            } else {
                text
            }
        }
        Format::Json => harness::json::render(report, shortfalls)
            .into_iter()
            .map(|line| line + "\n")
            .collect(),
        Format::Junit => harness::junit::render(report, shortfalls),
    }
}
