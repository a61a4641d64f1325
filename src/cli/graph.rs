//! `policyc graph POLICY --format dot|mermaid|svg|json [-o FILE] [--output NAME]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{exit, print_human, ColorArg};
use crate::diagnostics::Diagnostic;
use crate::export::{self, svg, Which};
use crate::source::{RealFs, Sources};

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// The policy file.
    pub policy: PathBuf,
    /// What to write: dot (Graphviz), mermaid (a flowchart for Markdown), svg (drawn by
    /// policyc, no Graphviz needed) or json (docs/graph-json.md).
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Draw the decision of this output only (default: every output).
    #[arg(long, value_name = "NAME")]
    pub output: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
    Json,
}

pub fn run(args: &GraphArgs, color: ColorArg) -> u8 {
    let mut sources = Sources::new();
    let checked = crate::check::check_file(&mut sources, &RealFs, &args.policy);
    let errors: Vec<Diagnostic> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    let Some(policy) = checked.policy.filter(|_| errors.is_empty()) else {
        print_human(&sources, &errors, color);
        eprintln!(
            "error: `{}` has errors, so its decision graph cannot be drawn (see `policyc check`)",
            args.policy.display()
        );
        return exit::USAGE;
    };
    let which = match &args.output {
        None => Which::Whole,
        Some(name) => match policy.output_by_name(name) {
            Some(o) => Which::Output(o),
            None => {
                let names: Vec<&str> = policy.outputs.iter().map(|o| o.name.as_str()).collect();
                eprintln!("error: `{}` has no output `{name}`", policy.name);
                if names.is_empty() {
                    eprintln!("note: it declares no outputs");
                } else {
                    eprintln!("help: its outputs are: {}", names.join(", "));
                }
                return exit::USAGE;
            }
        },
    };
    let view = match export::policy_view(&policy, which) {
        Ok(v) => v,
        Err(d) => {
            print_human(&sources, &[*d], color);
            return exit::USAGE;
        }
    };
    let text = match args.format {
        GraphFormat::Dot => export::dot::to_dot(&view),
        GraphFormat::Mermaid => {
            let text = export::mermaid::to_mermaid(&view);
            if let Some(why) = export::mermaid::too_long(&text) {
                eprintln!("error: {why}");
                eprintln!("help: draw one output with `--output NAME`, or use `--format svg`");
                return exit::USAGE;
            }
            text
        }
        GraphFormat::Json => export::json::to_string(&view),
        GraphFormat::Svg => {
            let opts = svg::SvgOptions {
                id_prefix: String::new(),
                heading: true,
            };
            match export::svg_document(&policy, which, &view, &opts) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!(
                        "help: draw one output with `--output NAME`, or use `--format json` or `--format dot`"
                    );
                    return exit::USAGE;
                }
            }
        }
    };
    match &args.out {
        Some(path) => match export::write_file(path, &text) {
            Ok(()) => exit::OK,
            Err(e) => {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                exit::USAGE
            }
        },
        None => {
            print!("{text}");
            exit::OK
        }
    }
}
