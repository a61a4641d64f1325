//! The `.policy` files under folders: a walk that skips hidden entries, `target`, and
//! the paths `.policyignore` files list (docs/language.md). The walk reads the disk
//! itself: listing folders is no part of [`super::FileSystem`].

use std::path::{Path, PathBuf};

/// The name of the file that lists paths a folder walk skips.
pub const IGNORE_FILE: &str = ".policyignore";

/// A path given to [`policy_files`] that yields no file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unfound {
    /// Neither a file nor a folder.
    Missing(PathBuf),
    /// A folder without `.policy` files (after what is ignored).
    NoPolicies(PathBuf),
}

/// The `.policy` files named by `paths` (the current folder when there are none):
/// files as given, folders searched recursively and sorted, so output is stable; and,
/// in the order given, the paths that yield none.
pub fn policy_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Unfound>) {
    let mut files = Vec::new();
    let mut unfound = Vec::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for p in paths {
        if p.is_dir() {
            let before = files.len();
            walk(p, &mut files, 0, &mut Vec::new(), &inherited_ignores(p));
            if files.len() == before {
                unfound.push(Unfound::NoPolicies(p.clone()));
            }
        } else if p.exists() {
            files.push(p.clone());
        } else {
            unfound.push(Unfound::Missing(p.clone()));
        }
    }
    (files, unfound)
}

/// `ignored` holds the paths the `.policyignore` files met on the way down list; those
/// of `dir` are added for its subtree only. `above` holds those of the folders above
/// where the walk started, as canonical paths ([`inherited_ignores`]).
fn walk(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    depth: usize,
    ignored: &mut Vec<PathBuf>,
    above: &[PathBuf],
) {
    // Symlink loops and absurdly deep trees must not hang or overflow the stack.
    if depth > 32 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let inherited = ignored.len();
    ignored.extend(ignore_list(dir));
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let listed_above =
            || !above.is_empty() && std::fs::canonicalize(&p).is_ok_and(|c| above.contains(&c));
        if name.starts_with('.') || name == "target" || ignored.contains(&p) || listed_above() {
            continue;
        }
        if p.is_dir() {
            walk(&p, out, depth + 1, ignored, above);
        } else if p.extension().is_some_and(|e| e == "policy") && p.is_file() {
            // Only regular files: reading a named pipe that nothing writes to would
            // wait forever.
            out.push(p);
        }
    }
    ignored.truncate(inherited);
}

/// What the `.policyignore` files of the folders above `dir` list, as canonical paths:
/// a list at the top of a project still applies to a walk started in one of its
/// folders (`policyc fmt tests` skips what the root's list names).
fn inherited_ignores(dir: &Path) -> Vec<PathBuf> {
    let Ok(abs) = std::fs::canonicalize(dir) else {
        return Vec::new();
    };
    abs.ancestors().skip(1).flat_map(ignore_list).collect()
}

/// The paths `dir/.policyignore` lists: one a line, relative to `dir` (`tests/fixtures`,
/// `drafts/old.policy`; a leading `/` is read from `dir` too); blank lines and lines
/// starting with `#` are skipped. Plain paths, not patterns: a listed folder is skipped
/// with everything in it.
fn ignore_list(dir: &Path) -> Vec<PathBuf> {
    let path = dir.join(IGNORE_FILE);
    // Only a regular file: a named pipe of that name would block the walk.
    if !path.is_file() {
        return Vec::new();
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            // `..` steps out of a folder named before it (`sub/../drafts` is `drafts`);
            // a path leading out of `dir` is left out: only `dir`'s subtree is walked.
            let mut parts: Vec<&str> = Vec::new();
            for part in l.split(['/', '\\']) {
                match part {
                    "" | "." => {}
                    ".." => {
                        parts.pop()?;
                    }
                    p => parts.push(p),
                }
            }
            (!parts.is_empty()).then(|| parts.iter().fold(dir.to_path_buf(), |acc, p| acc.join(p)))
        })
        .collect()
}
