//! Export: the decision graph drawn for people (DOT, Mermaid, SVG) and written for tools
//! (JSON), and the HTML report.
//!
//! Every writer reads a [`view::GraphView`], the graph with its words already chosen;
//! [`build`] makes one from the compiled decision graph.

pub mod build;
pub mod dot;
pub mod html;
pub mod json;
pub(crate) mod layout;
pub mod mermaid;
pub(crate) mod plain;
pub mod report;
pub mod split;
pub mod svg;
pub(crate) mod text;
pub mod view;
pub(crate) use crate::words;

pub use build::Which;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::check::ir::Policy;
use crate::compile::graph::DecisionGraph;
use crate::compile::{CompileOptions, Compiler};
use crate::diagnostics::Diagnostic;
use view::GraphView;

/// Compiles a checked policy and builds the view of its decision graph (the whole
/// decision or one output). A module (no `policy` header, no rules) decides nothing and
/// is refused with E0518, as `decide` refuses it: its graph would be one empty box.
pub fn policy_view(policy: &Policy, which: Which) -> Result<GraphView, Box<Diagnostic>> {
    if policy.header.is_none() && policy.rules.is_empty() {
        return Err(Box::new(module_error(policy)));
    }
    let fail = |e: crate::compile::CompileError| Box::new(e.diagnostic(policy));
    let mut c = Compiler::new(policy, &CompileOptions::default()).map_err(fail)?;
    let dg = DecisionGraph::build(&mut c).map_err(fail)?;
    build::graph_view(policy, &mut c, &dg, which).map_err(fail)
}

/// The SVG document of `view`, the drawing of `which`: the drawing itself when it is
/// narrow enough to read, else the decision in parts ([`split::plan`]: by region, per
/// output, per member of a set output), saying what was cut. Compiles the policy again
/// only for a drawing too wide.
pub fn svg_document(
    policy: &Policy,
    which: Which,
    view: &GraphView,
    opts: &svg::SvgOptions,
) -> Result<String, String> {
    if svg::natural_width(view) <= split::MAX_WIDTH {
        return svg::to_svg(view, opts).map_err(|e| e.to_string());
    }
    let fail = |e: crate::compile::CompileError| e.diagnostic(policy).message;
    let mut c = Compiler::new(policy, &CompileOptions::default()).map_err(fail)?;
    let dg = DecisionGraph::build(&mut c).map_err(fail)?;
    let plan = split::plan(policy, &mut c, &dg, which, view, &svg::natural_width).map_err(fail)?;
    svg::to_svg_plan(view, &plan, opts).map_err(|e| e.to_string())
}

/// E0518 for a module given where a policy is needed.
fn module_error(policy: &Policy) -> Diagnostic {
    Diagnostic::error(
        crate::diagnostics::Code::E0518,
        format!(
            "`{}` is a module (no `policy` header, no rules): it declares a vocabulary and decides nothing, so it has no decision graph",
            policy.name
        ),
    )
    .help("draw a policy that `use`s it")
}

/// Writes `text` to `path` (`policyc fmt`, `graph -o`, `doc`). A regular file, or a
/// new one, is replaced so that a reader (or a crash) sees the old file or the new
/// one, never a half-written one: a temporary file beside it, flushed to disk, then
/// renamed over it (atomic on one file system). Through a symbolic link, the file it
/// points to is replaced and the link kept. Anything else (`/dev/stdout`, `/dev/full`,
/// a named pipe, a terminal) is written in place: renaming over it would put a
/// regular file where the device or pipe was.
pub fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => replace_file(&std::fs::canonicalize(path)?, text),
        Ok(m) if m.is_dir() => Err(std::io::Error::other("is a folder")),
        Ok(_) => write_in_place(path, text),
        // A link to a file not there yet: create that file, keep the link.
        Err(_) if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink()) => {
            write_in_place(path, text)
        }
        Err(_) => replace_file(path, text),
    }
}

/// Writes to what `path` is, without replacing it.
fn write_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.flush()
}

/// Replaces the regular file `path` (or creates it) atomically.
fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{file_name}.policyc-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        if let Ok(meta) = std::fs::metadata(path) {
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a folder.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
pub(crate) mod sample;
#[cfg(test)]
mod tests;
