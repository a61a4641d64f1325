//! `policyc diff`'s work besides comparing (`crate::diff`): the mappings of renamed
//! outputs and values read from the arguments, and where the compared files are.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::diff::git::{self, GitRevision, RevisionDiff};
use crate::diff::{self, usage, DiffOptions, FileComparison};
use crate::source::{FileSystem, RealFs, Sources};

/// The options of `--map OLD=NEW`, `--map-value OUTPUT:OLD=NEW` and `--map-file FILE`.
pub fn options(
    map: &[String],
    map_value: &[String],
    map_file: Option<&Path>,
) -> Result<DiffOptions, Diagnostic> {
    let mut opts = DiffOptions::default();
    for m in map {
        opts.output_map
            .push(diff::parse_output_map(m).map_err(|e| usage(format!("--map {e}")))?);
    }
    for m in map_value {
        opts.value_map
            .push(diff::parse_value_map(m).map_err(|e| usage(format!("--map-value {e}")))?);
    }
    if let Some(f) = map_file {
        let text = std::fs::read_to_string(f).map_err(|e| {
            Diagnostic::error(Code::E0001, format!("cannot read `{}`: {e}", f.display()))
        })?;
        diff::parse_map_file(&text, &mut opts)
            .map_err(|e| usage(format!("in `{}`: {e}", f.display())))?;
    }
    Ok(opts)
}

/// What a difference may be when a side does not pass `policyc check`.
const REJECTED_CONSEQUENCE: &str =
    "some differences may be to or from undecided or conflicting answers (`policyc check` lists them)";

/// Two policy files compared, and the lines to print first for a policy `policyc
/// check` rejects: it type-checks, so it is compared, but its decisions may be gaps or
/// conflicts, and a difference may be one of them.
pub struct Compared {
    pub comparison: FileComparison,
    pub warnings: Vec<String>,
}

/// The two policy files of `policyc diff OLD NEW` compared.
pub fn two_files(
    sources: &mut Sources,
    paths: &[PathBuf],
    opts: &DiffOptions,
) -> Result<Compared, Vec<Diagnostic>> {
    let [old, new] = paths else {
        return Err(vec![usage(format!(
            "`policyc diff` takes two policy files (OLD NEW), or `--git REV [PATH...]`; got {} path(s)",
            paths.len()
        ))]);
    };
    // Each policy checked on its own (the comparison widens both to one vocabulary;
    // `check` analyses each as written), on other threads while they are compared: on a
    // policy of thousands of rules the analysis costs as much as the diff.
    let (comparison, errors) = std::thread::scope(|scope| {
        let counts = [old, new].map(|path| {
            scope.spawn(move || {
                let mut own = Sources::new();
                super::type_checked(&mut own, &RealFs, path)
                    .map_or(0, |p| super::check_errors_of(&p))
            })
        });
        let comparison = diff::compare_files(sources, &RealFs, old, &RealFs, new, opts);
        // An analysis that panicked counts as an error rather than a pass.
        (comparison, counts.map(|h| h.join().unwrap_or(1)))
    });
    let comparison = comparison?;
    let mut warnings = Vec::new();
    if matches!(comparison, FileComparison::Diff(..)) {
        for ((side, path), n) in [("old", old), ("new", new)].into_iter().zip(errors) {
            if n > 0 {
                warnings.push(super::rejected_warning(
                    &format!("the {side} policy `{}`", path.display()),
                    n,
                    REJECTED_CONSEQUENCE,
                ));
            }
        }
    }
    Ok(Compared {
        comparison,
        warnings,
    })
}

/// The working tree's policies under `paths` (none: the current folder) compared with
/// the same files at git revision `rev`.
pub fn with_revision(
    sources: &mut Sources,
    rev: &str,
    paths: &[PathBuf],
    opts: &DiffOptions,
) -> Result<ComparedRevision, Diagnostic> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let revision = GitRevision::open(rev, &repository_folder(paths, &cwd))?;
    let worktree = worktree_files(paths);
    let diff = git::compare_with_revision(sources, &revision, &cwd, paths, worktree, opts)?;
    let warnings = rejected_sides(&revision, &diff);
    Ok(ComparedRevision { diff, warnings })
}

/// The working tree's policies compared with a revision, and the lines to print first
/// for each side of a compared file that `policyc check` rejects (as for two files).
pub struct ComparedRevision {
    pub diff: RevisionDiff,
    pub warnings: Vec<String>,
}

/// A warning for each side of each compared file that type-checks but that `policyc
/// check` rejects: a difference there may be to or from a gap or a conflict.
fn rejected_sides(revision: &GitRevision, diff: &RevisionDiff) -> Vec<String> {
    let mut warnings = Vec::new();
    for (rel, status) in &diff.files {
        if !matches!(status, git::FileStatus::Compared(_)) {
            continue;
        }
        let path = revision.path_of(rel);
        let sides: [(String, &dyn FileSystem); 2] = [
            (
                format!("`{}` at `{}`", rel.display(), diff.revision),
                revision,
            ),
            (format!("`{}` in the working tree", rel.display()), &RealFs),
        ];
        for (what, fs) in sides {
            let n = super::type_checked(&mut Sources::new(), fs, &path)
                .map_or(0, |p| super::check_errors_of(&p));
            if n > 0 {
                warnings.push(super::rejected_warning(&what, n, REJECTED_CONSEQUENCE));
            }
        }
    }
    warnings
}

/// The working tree's `.policy` files under `paths` and why a path named none: paths
/// that are gone from the working tree may still name files of the revision, so they
/// are not walked.
fn worktree_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let existing: Vec<PathBuf> = paths.iter().filter(|p| p.exists()).cloned().collect();
    if paths.is_empty() || !existing.is_empty() {
        crate::check::policy_files(&existing)
    } else {
        (Vec::new(), Vec::new())
    }
}

/// Where to look for the repository: the first path named (its folder, or the nearest
/// folder above it that exists, for a file gone from the working tree), so that
/// `policyc diff --git main ../repo/policies` works from outside the repository; the
/// current folder when none is named.
fn repository_folder(paths: &[PathBuf], cwd: &Path) -> PathBuf {
    let Some(first) = paths.first() else {
        return cwd.to_path_buf();
    };
    cwd.join(first)
        .ancestors()
        .find(|a| a.is_dir())
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf)
}
