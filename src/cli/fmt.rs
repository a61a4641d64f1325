//! `policyc fmt [--check] [PATH...]`

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{collect_policy_files, exit, out_line, print_human, ColorArg};
use crate::diagnostics::Diagnostic;
use crate::source::{self, RealFs, Sources};

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Policy files or folders (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Change nothing: list the files that are not formatted (with a short diff) and
    /// exit with 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

/// Changed lines shown per file by `--check`.
const DIFF_LINES: usize = 20;

/// Formats every file named (folders: every `.policy` under them) in place, or with
/// `check` only reports. Exit code: 0 done (or nothing to change), 1 `check` found
/// files to change, 2 a file could not be read, parsed or written.
pub fn run(paths: &[PathBuf], check: bool, color: ColorArg) -> u8 {
    let (files, errors) = collect_policy_files(paths);
    let mut sources = Sources::new();
    let mut failed = !errors.is_empty();
    print_human(&sources, &errors, color);
    let mut changed = 0usize;
    for path in &files {
        let name = path.display().to_string();
        let id = match crate::check::load_file(&mut sources, &RealFs, path, &name, None) {
            Ok(id) => id,
            Err(d) => {
                print_human(&sources, &[d], color);
                failed = true;
                continue;
            }
        };
        let text = sources.text(id).to_string();
        let formatted = match crate::format::format(&text) {
            Ok(f) => f,
            Err(diags) => {
                // The formatter parses the text alone, as file 0: point at this file.
                let diags: Vec<Diagnostic> = diags.into_iter().map(|d| in_file(d, id)).collect();
                print_human(&sources, &diags, color);
                eprintln!("error: `{name}` was not formatted");
                failed = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if check {
            out_line(&format!("would reformat {name}"));
            out_line(&short_diff(&text, &formatted));
        } else if let Err(e) = write_atomically(path, &formatted) {
            eprintln!("error[E0001]: cannot write `{name}`: {e}");
            failed = true;
        }
    }
    let verb = if check {
        "would reformat"
    } else {
        "reformatted"
    };
    let files_word = if files.len() == 1 { "file" } else { "files" };
    eprintln!("{verb} {changed} of {} {files_word}", files.len());
    if failed || files.is_empty() {
        exit::USAGE
    } else if check && changed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}

fn in_file(mut d: Diagnostic, file: source::FileId) -> Diagnostic {
    for l in &mut d.labels {
        l.file = file;
    }
    d
}

/// A unified diff of the first [`DIFF_LINES`] changed lines, with a line of context.
pub fn short_diff(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = String::new();
    let mut shown = 0usize;
    let mut more = 0usize;
    for group in diff.grouped_ops(1) {
        for op in &group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                if shown >= DIFF_LINES {
                    more += usize::from(sign != ' ');
                    continue;
                }
                shown += usize::from(sign != ' ');
                out.push(sign);
                out.push_str(change.value().trim_end_matches('\n'));
                out.push('\n');
            }
        }
        if more == 0 {
            out.push_str("...\n");
        }
    }
    if more > 0 {
        out.push_str(&format!("({more} more changed lines)\n"));
    }
    out.trim_end().to_string()
}

/// Replaces `path` with `text` so that a reader (or a crash) sees the old file or the
/// new one, never a half-written one: write a temporary file beside it, flush it to
/// disk, then rename it over the original (atomic on one file system).
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "policy".into());
    let tmp = dir.join(format!(
        ".{file_name}.policyc-fmt-{}.tmp",
        std::process::id()
    ));
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
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("policyc-fmt-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.policy");
        std::fs::write(&p, "old").unwrap();
        write_atomically(&p, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_short_diff_shows_changed_lines_and_stops() {
        let d = short_diff("a\nb\nc\n", "a\nB\nc\n");
        assert!(d.contains("-b\n+B"), "{d}");
        let old: String = (0..50).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..50).map(|i| format!("LINE {i}\n")).collect();
        let d = short_diff(&old, &new);
        assert!(d.contains("(80 more changed lines)"), "{d}");
    }
}
