//! `policyc graph`'s work: a policy's decision graph drawn in one of the export formats.

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::export::{self, svg, Which};
use crate::source::{FileSystem, Sources};

/// The formats of `policyc graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawing {
    Dot,
    Mermaid,
    Svg,
    Json,
}

/// Why a graph was not drawn.
pub enum NotDrawn {
    /// The policy has errors (perhaps none to show, when it cannot be read).
    Errors(Vec<Diagnostic>),
    /// It has no output of the name asked for: its name and its outputs'.
    NoOutput {
        policy: String,
        name: String,
        outputs: Vec<String>,
    },
    /// The graph cannot be built.
    View(Vec<Diagnostic>),
    /// Mermaid's limit on the text is passed: why.
    TooLong(String),
    /// The picture cannot be laid out: why.
    Svg(String),
}

impl NotDrawn {
    /// What to tell whoever asked for the drawing, a line each (`error:`, `help:`,
    /// `note:`), after the diagnostics of [`NotDrawn::Errors`] and [`NotDrawn::View`].
    pub fn lines(&self, path: &Path) -> Vec<String> {
        let one = "help: draw one output with `--output NAME`";
        match self {
            NotDrawn::Errors(_) => vec![format!(
                "error: `{}` has errors, so its decision graph cannot be drawn (see `policyc check`)",
                path.display()
            )],
            NotDrawn::NoOutput {
                policy,
                name,
                outputs,
            } => {
                let help = if outputs.is_empty() {
                    "note: it declares no outputs".to_string()
                } else {
                    let list = outputs.join(", ");
                    match crate::evaluate::facts::did_you_mean(
                        name,
                        outputs.iter().map(String::as_str),
                    ) {
                        Some(near) => {
                            format!("help: did you mean `{near}`? its outputs are: {list}")
                        }
                        None => format!("help: its outputs are: {list}"),
                    }
                };
                vec![format!("error: `{policy}` has no output `{name}`"), help]
            }
            NotDrawn::View(_) => Vec::new(),
            NotDrawn::TooLong(why) => {
                vec![format!("error: {why}"), format!("{one}, or use `--format svg`")]
            }
            NotDrawn::Svg(e) => vec![
                format!("error: {e}"),
                format!("{one}, or use `--format json` or `--format dot`"),
            ],
        }
    }
}

/// A drawing, and the line to print first when the policy does not pass `policyc check`
/// (it type-checks, so it is drawn, but a gap or conflict shows as such in it).
pub struct Drawn {
    pub text: String,
    pub warning: Option<String>,
}

/// The decision graph of the policy at `path` (of its output `output`, or of all).
pub fn draw(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    output: Option<&str>,
    drawing: Drawing,
) -> Result<Drawn, NotDrawn> {
    let policy = super::type_checked(sources, fs, path).map_err(NotDrawn::Errors)?;
    let which = match output {
        None => Which::Whole,
        Some(name) => match policy.output_by_name(name) {
            Some(o) => Which::Output(o),
            None => {
                return Err(NotDrawn::NoOutput {
                    policy: policy.name.clone(),
                    name: name.to_string(),
                    outputs: policy.outputs.iter().map(|o| o.name.clone()).collect(),
                })
            }
        },
    };
    let view = export::policy_view(&policy, which).map_err(|d| NotDrawn::View(vec![*d]))?;
    let warning = match super::check_errors_of(&policy) {
        0 => None,
        n => Some(super::rejected_warning(
            "this policy",
            n,
            "the graph may show undecided or conflicting answers (`policyc check` lists them)",
        )),
    };
    let text = match drawing {
        Drawing::Dot => export::dot::to_dot(&view),
        Drawing::Mermaid => {
            let text = export::mermaid::to_mermaid(&view);
            if let Some(why) = export::mermaid::too_long(&text) {
                return Err(NotDrawn::TooLong(why.to_string()));
            }
            text
        }
        Drawing::Json => export::json::to_string(&view),
        Drawing::Svg => {
            let opts = svg::SvgOptions {
                id_prefix: String::new(),
                heading: true,
            };
            export::svg_document(&policy, which, &view, &opts)
                .map_err(|e| NotDrawn::Svg(e.to_string()))?
        }
    };
    Ok(Drawn { text, warning })
}
