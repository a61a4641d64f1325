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
    /// Named on the command line, but a device or a socket: not a file to read (a
    /// pipe is read: `policyc check /dev/stdin`).
    NotAFile(PathBuf),
    /// A folder that cannot be listed, or a path whose kind cannot be learnt (no
    /// permission): the error's words. Not "no `.policy` files": there may be some.
    Unreadable(PathBuf, String),
}

/// The `.policy` files named by `paths` (the current folder when there are none):
/// files as given, folders searched recursively and sorted, so output is stable; and,
/// in the order given, the paths that yield none.
///
/// Symbolic links to folders met in a walk are not followed (as git and ripgrep do):
/// a link to `..` or to `/` would walk forever or walk the disk. A link to a file is
/// read, and a link named on the command line is followed. Each file is listed once
/// and each real folder walked once, however many paths reach it.
pub fn policy_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Unfound>) {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut walk = Walk::default();
    for p in paths {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                if !walk.first_visit(p) {
                    // Walked already (`policyc check t t/sub`): its files are listed.
                    continue;
                }
                let before = walk.seen;
                match std::fs::read_dir(p) {
                    Ok(entries) => {
                        walk.dir(p, entries, 0, &mut Vec::new(), &inherited_ignores(p));
                        if walk.seen == before {
                            walk.unfound.push(Unfound::NoPolicies(p.clone()));
                        }
                    }
                    Err(e) => walk
                        .unfound
                        .push(Unfound::Unreadable(p.clone(), e.to_string())),
                }
            }
            Ok(m) if m.is_file() || is_pipe(&m) => walk.file(p.clone(), m.is_file()),
            Ok(_) => walk.unfound.push(Unfound::NotAFile(p.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                walk.unfound.push(Unfound::Missing(p.clone()))
            }
            Err(e) => walk
                .unfound
                .push(Unfound::Unreadable(p.clone(), e.to_string())),
        }
    }
    (walk.files, walk.unfound)
}

#[cfg(unix)]
fn is_pipe(m: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    m.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_pipe(_: &std::fs::Metadata) -> bool {
    false
}

/// A walk in progress: what it found, and the real folders and files it has seen.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    unfound: Vec<Unfound>,
    /// `.policy` files met, listed now or before (a folder named twice is not empty).
    seen: usize,
    dirs: crate::collections::HashSet<PathBuf>,
    real_files: crate::collections::HashSet<PathBuf>,
}

impl Walk {
    /// Whether the folder is walked for the first time (by its real path).
    fn first_visit(&mut self, dir: &Path) -> bool {
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        self.dirs.insert(real)
    }

    /// Lists a file unless another path to it was listed; a regular file that cannot
    /// be opened (no permission) is unreadable here, with the other paths that name
    /// none. A pipe is not opened: that would wait for a writer.
    fn file(&mut self, p: PathBuf, regular: bool) {
        self.seen += 1;
        let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if !self.real_files.insert(real) {
            return;
        }
        match std::fs::File::open(&p) {
            Err(e) if regular => self.unfound.push(Unfound::Unreadable(p, e.to_string())),
            _ => self.files.push(without_cur_dir(&p)),
        }
    }

    /// `ignored` holds the paths the `.policyignore` files met on the way down list;
    /// those of `dir` are added for its subtree only. `above` holds those of the
    /// folders above where the walk started, as canonical paths ([`inherited_ignores`]).
    fn dir(
        &mut self,
        dir: &Path,
        entries: std::fs::ReadDir,
        depth: usize,
        ignored: &mut Vec<PathBuf>,
        above: &[PathBuf],
    ) {
        let inherited = ignored.len();
        ignored.extend(ignore_list(dir));
        let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = entries
            .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (p, kind) in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let listed_above =
                || !above.is_empty() && std::fs::canonicalize(&p).is_ok_and(|c| above.contains(&c));
            if name.starts_with('.') || name == "target" || ignored.contains(&p) || listed_above() {
                continue;
            }
            // The entry itself, not what a link points to: links to folders are not
            // followed.
            if kind.is_some_and(|k| k.is_dir()) {
                // Absurdly deep trees must not overflow the stack.
                if depth >= MAX_DEPTH || !self.first_visit(&p) {
                    continue;
                }
                match std::fs::read_dir(&p) {
                    Ok(sub) => self.dir(&p, sub, depth + 1, ignored, above),
                    Err(e) => self
                        .unfound
                        .push(Unfound::Unreadable(p.clone(), e.to_string())),
                }
            } else if p.extension().is_some_and(|e| e == "policy") && p.is_file() {
                // Only regular files (a link to one too): reading a named pipe that
                // nothing writes to would wait forever.
                self.file(p, true);
            }
        }
        ignored.truncate(inherited);
    }
}

/// The path without its `.` components: a walk of `.` meets `./p.policy`, which a `use`
/// in `./p_tests.policy` names as `p.policy`. The checker knows a file by its path, so
/// the two must agree, or the policy is checked, and its findings said, twice. Only `.`:
/// removing `x/..` lexically would be wrong where `x` is a link.
fn without_cur_dir(p: &Path) -> PathBuf {
    let kept: PathBuf = p
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if kept.as_os_str().is_empty() {
        p.to_path_buf()
    } else {
        kept
    }
}

/// How many folders deep a walk goes below the folder it starts in.
const MAX_DEPTH: usize = 32;

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
