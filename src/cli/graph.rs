//! `policyc graph POLICY --format dot|mermaid|svg|json [-o FILE] [--output NAME]`

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{exit, print_human, ColorArg};
use crate::ops::graph::{draw, Drawing, NotDrawn};
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
    let drawing = match args.format {
        GraphFormat::Dot => Drawing::Dot,
        GraphFormat::Mermaid => Drawing::Mermaid,
        GraphFormat::Svg => Drawing::Svg,
        GraphFormat::Json => Drawing::Json,
    };
    let drawn = draw(
        &mut sources,
        &RealFs,
        &args.policy,
        args.output.as_deref(),
        drawing,
    );
    crate::output::eprintln_all(drawn.iter().flat_map(|d| &d.warning));
    let text = match drawn {
        Ok(d) => d.text,
        Err(not) => {
            if let NotDrawn::Errors(diags) | NotDrawn::View(diags) = &not {
                print_human(&sources, diags, color);
            }
            for line in not.lines(&args.policy) {
                eprintln!("{line}");
            }
            return exit::USAGE;
        }
    };
    match &args.out {
        Some(path) => match crate::export::write_file(path, &text) {
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
