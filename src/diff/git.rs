//! `policyc diff --git REV`: the working tree's policies against a git revision.
//!
//! [`GitRevision`] is a [`FileSystem`] that serves each file under the repository from
//! the revision's blobs (`git cat-file blob REV:path`), at the same paths as the working
//! tree. Checking `policies/a.policy` through it checks the revision's version of the
//! file, and every `use` resolves to the revision's version of the used file, exactly as
//! in the working tree, without writing anything to disk.

use crate::collections::HashMap;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::FileSystem;

/// The files of one git revision, read through `git`.
pub struct GitRevision {
    pub rev: String,
    /// The repository's top-level folder (as git reports it).
    pub toplevel: PathBuf,
    cache: RefCell<HashMap<PathBuf, Option<Vec<u8>>>>,
}

fn git_error(rev: &str, what: &str, detail: &str) -> Diagnostic {
    let detail = detail.trim();
    let mut d = Diagnostic::error(
        Code::E0603,
        format!("cannot read git revision `{rev}`: {what}"),
    );
    if !detail.is_empty() {
        d = d.note(format!("git says: {detail}"));
    }
    d.help("run inside a git repository and name a revision git knows (`main`, `origin/main`, `HEAD~1`, a commit id); in CI, fetch the base branch first (`git fetch origin main`)")
}

/// Runs git in `cwd` and returns its standard output.
fn git(cwd: &Path, rev: &str, args: &[&str]) -> Result<Vec<u8>, Diagnostic> {
    let out = Command::new("git")
        .arg("-C")
        .arg(cwd)
        .args(args)
        .output()
        .map_err(|e| git_error(rev, "git could not be run", &e.to_string()))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(git_error(
            rev,
            &format!("`git {}` failed", args.join(" ")),
            &String::from_utf8_lossy(&out.stderr),
        ))
    }
}

impl GitRevision {
    /// Opens revision `rev` of the repository that contains `cwd`.
    pub fn open(rev: &str, cwd: &Path) -> Result<GitRevision, Diagnostic> {
        if rev.starts_with('-') {
            return Err(git_error(rev, "a revision cannot start with `-`", ""));
        }
        let top = git(cwd, rev, &["rev-parse", "--show-toplevel"])?;
        let toplevel = PathBuf::from(String::from_utf8_lossy(&top).trim_end_matches(['\n', '\r']));
        let spec = format!("{rev}^{{commit}}");
        git(cwd, rev, &["rev-parse", "--verify", "--quiet", &spec])
            .map_err(|_| git_error(rev, "no such revision", ""))?;
        Ok(GitRevision {
            rev: rev.to_string(),
            toplevel,
            cache: RefCell::new(HashMap::default()),
        })
    }

    /// A working-tree path relative to the repository's top, if it lies inside it.
    pub fn repo_relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(path).ok()?;
        let abs = crate::source::normalize(&abs);
        // The file may not exist any more (a removed policy): canonicalise its folder.
        let top = std::fs::canonicalize(&self.toplevel).unwrap_or(self.toplevel.clone());
        let canonical = std::fs::canonicalize(&abs).ok().or_else(|| {
            let parent = abs.parent()?;
            let name = abs.file_name()?;
            std::fs::canonicalize(parent).ok().map(|p| p.join(name))
        });
        match canonical.as_deref().map(|c| c.strip_prefix(&top)) {
            Some(Ok(rel)) => Some(rel.to_path_buf()),
            // A folder gone from the working tree (the revision still has it): compare
            // the paths as written.
            _ => abs
                .strip_prefix(&top)
                .or_else(|_| abs.strip_prefix(&self.toplevel))
                .ok()
                .map(Path::to_path_buf),
        }
    }

    /// The path under which a repository-relative file is checked (inside the top).
    pub fn path_of(&self, rel: &Path) -> PathBuf {
        self.toplevel.join(rel)
    }

    /// The `.policy` files of the revision under `paths` (relative to `cwd`; every
    /// file of the revision when `paths` is empty), repository-relative and sorted.
    pub fn policy_files(&self, cwd: &Path, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
        let mut args: Vec<String> = vec![
            "ls-tree".into(),
            "-r".into(),
            "-z".into(),
            "--full-name".into(),
            "--name-only".into(),
            self.rev.clone(),
            "--".into(),
        ];
        // Paths as absolute ones, read by git in the repository: the current folder may
        // be outside it (`policyc diff --git main ../repo/policies`).
        args.extend(
            paths
                .iter()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()))
                .map(|p| p.to_string_lossy().into_owned()),
        );
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let at = if paths.is_empty() {
            cwd
        } else {
            &self.toplevel
        };
        let out = git(at, &self.rev, &refs)?;
        let mut files: Vec<PathBuf> = out
            .split(|&b| b == 0)
            .filter(|s| !s.is_empty())
            .map(|s| PathBuf::from(String::from_utf8_lossy(s).into_owned()))
            .filter(|p| p.extension().is_some_and(|e| e == "policy"))
            .collect();
        files.sort();
        Ok(files)
    }

    /// Whether the revision has this repository-relative file.
    pub fn read_ok(&self, rel: &Path) -> bool {
        self.blob(rel).is_some()
    }

    fn blob(&self, rel: &Path) -> Option<Vec<u8>> {
        if let Some(hit) = self.cache.borrow().get(rel) {
            return hit.clone();
        }
        let name = rel.to_string_lossy().replace('\\', "/");
        let spec = format!("{}:{name}", self.rev);
        let got = Command::new("git")
            .arg("-C")
            .arg(&self.toplevel)
            .args(["cat-file", "blob", &spec])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| o.stdout);
        self.cache
            .borrow_mut()
            .insert(rel.to_path_buf(), got.clone());
        got
    }
}

impl FileSystem for GitRevision {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let rel = self.repo_relative(path).ok_or_else(|| {
            // Not a missing file: the revision cannot hold it, wherever it points.
            std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("outside the repository of revision `{}`", self.rev),
            )
        })?;
        match self.blob(&rel) {
            Some(bytes) if bytes.len() > crate::source::MAX_FILE_BYTES => {
                // Hand back one byte more than the limit: the loader reports E0003.
                Ok(bytes
                    .into_iter()
                    .take(crate::source::MAX_FILE_BYTES + 1)
                    .collect())
            }
            Some(bytes) => Ok(bytes),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("not in revision `{}`", self.rev),
            )),
        }
    }
}

/// How one policy file of the working tree compares with a revision.
pub enum FileStatus {
    Compared(Box<super::PolicyDiff>),
    /// Not in the revision.
    Added,
    /// In the revision, gone from the working tree.
    Removed,
    /// A file without a `policy` header, compared through the policies that use it.
    Module,
    /// A file that tests a policy stated in another file compared too (it `use`s it):
    /// the same decisions, compared there, by that file's path relative to the
    /// repository.
    Tests(PathBuf),
}

/// The working tree's policy files compared with a revision, each by its path relative
/// to the repository, in order; and what stopped a comparison or named no file.
pub struct RevisionDiff {
    pub revision: String,
    pub files: Vec<(PathBuf, FileStatus)>,
    pub errors: Vec<Diagnostic>,
}

impl RevisionDiff {
    /// Some file's decisions differ, or a policy was added or removed.
    pub fn differs(&self) -> bool {
        self.files.iter().any(|(_, s)| match s {
            FileStatus::Compared(d) => !d.is_same(),
            FileStatus::Added | FileStatus::Removed => true,
            FileStatus::Module | FileStatus::Tests(_) => false,
        })
    }
}

/// Compares the policy files named by `paths` (relative to `cwd`; none: every one) in
/// the working tree with the same files at `revision`. `worktree` holds the working
/// tree's policy files under the paths that exist, and the errors of finding them.
/// `Err` when the revision cannot list its files.
pub fn compare_with_revision(
    sources: &mut crate::source::Sources,
    revision: &GitRevision,
    cwd: &Path,
    paths: &[PathBuf],
    worktree: (Vec<PathBuf>, Vec<Diagnostic>),
    opts: &super::DiffOptions,
) -> Result<RevisionDiff, Diagnostic> {
    let (files, mut errors) = worktree;
    let at_rev = revision.policy_files(cwd, paths)?;
    let mut rels: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for f in &files {
        match revision.repo_relative(f) {
            Some(rel) => rels.push((rel, Some(f.clone()))),
            None => errors.push(super::usage(format!(
                "`{}` is not inside the git repository",
                f.display()
            ))),
        }
    }
    for rel in at_rev {
        if !rels.iter().any(|(r, _)| *r == rel) && !revision.path_of(&rel).exists() {
            rels.push((rel, None));
        }
    }
    // A path named on the command line that neither the working tree nor the
    // revision has is a mistake.
    for p in paths {
        if !p.exists()
            && revision
                .policy_files(cwd, std::slice::from_ref(p))
                .is_ok_and(|v| v.is_empty())
        {
            errors.push(super::usage(format!(
                "`{}` is neither in the working tree nor in `{}`",
                p.display(),
                revision.rev
            )));
        }
    }
    errors.retain(|d| d.code != Code::E0004 || rels.is_empty());
    rels.sort();
    let mut compared = Vec::new();
    // Files whose policy another file states: (their index, that file).
    let mut tests_of: Vec<(usize, PathBuf)> = Vec::new();
    for (rel, worktree) in rels {
        let status = match (worktree, revision.read_ok(&rel)) {
            (Some(_), false) => FileStatus::Added,
            (None, _) => FileStatus::Removed,
            (Some(path), true) => {
                // The revision's file is checked at its working-tree path, so that
                // diagnostics and `use` read the same in both.
                let fs = crate::source::RealFs;
                match super::compare_files(sources, revision, &path, &fs, &path, opts) {
                    Ok(super::FileComparison::Diff(d, stated_in)) => {
                        if let Some(rel) = stated_in.and_then(|s| revision.repo_relative(&s)) {
                            tests_of.push((compared.len(), rel));
                        }
                        FileStatus::Compared(d)
                    }
                    Ok(super::FileComparison::Modules) => FileStatus::Module,
                    Err(diags) => {
                        errors.extend(diags);
                        continue;
                    }
                }
            }
        };
        compared.push((rel, status));
    }
    // A test file's program is its policy's: listed as a change of its own, one edit
    // would read as two files changed. Only where the policy's file is compared too.
    for (i, policy) in tests_of {
        let policy_compared = compared
            .iter()
            .any(|(r, s)| *r == policy && matches!(s, FileStatus::Compared(_)));
        if let Some((_, status)) = compared.get_mut(i).filter(|_| policy_compared) {
            *status = FileStatus::Tests(policy);
        }
    }
    Ok(RevisionDiff {
        revision: revision.rev.clone(),
        files: compared,
        errors,
    })
}
