//! Where files come from, and which paths name the same file.

use std::path::{Component, Path, PathBuf};

/// Where files come from: the disk, an editor's unsaved buffers (the language server)
/// or a git revision (`policyc diff --git`).
pub trait FileSystem {
    /// Reads a file someone asked for by name (on the command line, say), whatever it
    /// is: `policyc check /dev/stdin` reads a pipe.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;

    /// Reads a file that a policy names with `use`. Where files can be pipes or devices,
    /// only a regular file may be read so: opening a named pipe that nothing writes to
    /// waits forever, so a `use` of one would hang the checker (and the language server,
    /// which checks as the user types).
    fn read_used(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.read(path)
    }

    /// The identity of a file: two paths to one file give the same path, so that a file
    /// `use`d by two others is loaded once and a cycle of imports is seen. Files that
    /// are not on the disk (in memory, in a git revision, in an editor) have no other
    /// identity than their path: absolute, with `.` and `dir/..` folded, never looked up
    /// on the disk.
    fn canonical(&self, path: &Path) -> PathBuf {
        absolute(path)
    }

    /// The names of the `.policy` files in the folder `dir`, for "did you mean" when a
    /// `use` names a file that is not there; none where files cannot be listed.
    fn policy_files_in(&self, dir: &Path) -> Vec<String> {
        let _ = dir;
        Vec::new()
    }
}

/// How many entries of a folder "did you mean" looks at: a `use` into a huge folder
/// must not make a check slow.
pub const MAX_LISTED: usize = 10_000;

/// The real file system.
pub struct RealFs;

impl FileSystem for RealFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if meta.is_dir() {
            return Err(std::io::Error::other("is a folder, not a file"));
        }
        // Read one byte past the limit at most, so a huge file is refused without
        // being loaded whole.
        use std::io::Read;
        let mut buf = Vec::new();
        std::fs::File::open(path)?
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut buf)?;
        Ok(buf)
    }

    fn read_used(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_dir() && !meta.is_file() {
            return Err(std::io::Error::other(
                "not a regular file (a pipe or a device)",
            ));
        }
        self.read(path)
    }

    /// The canonical path (symbolic links resolved) when the file exists, else the
    /// path as [`FileSystem::canonical`] gives it without the disk.
    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
    }

    fn policy_files_in(&self, dir: &Path) -> Vec<String> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .take(MAX_LISTED)
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".policy"))
            .collect();
        names.sort();
        names
    }
}

/// Files larger than this are refused (`E0003`).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// The absolute path, lexically normalised ([`normalize`]), without the disk.
fn absolute(path: &Path) -> PathBuf {
    match std::path::absolute(path) {
        Ok(p) => normalize(&p),
        Err(_) => normalize(path),
    }
}

/// Removes `.` and folds `dir/..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().map(|c| c.as_os_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.policy")),
            PathBuf::from("a/c.policy")
        );
        assert_eq!(
            normalize(Path::new("../x/../y.policy")),
            PathBuf::from("../y.policy")
        );
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
        assert_eq!(normalize(Path::new("b.policy")), PathBuf::from("b.policy"));
    }

    /// Off the disk, identity is the path alone: a file that exists on the disk is not
    /// looked up there.
    #[test]
    fn identity_off_the_disk_is_lexical() {
        let no_disk = crate::testing::MemFs::default();
        assert_eq!(
            no_disk.canonical(Path::new("/mem/lib/../a.policy")),
            PathBuf::from("/mem/a.policy")
        );
        let here = std::env::current_dir().unwrap_or_default();
        assert_eq!(
            no_disk.canonical(Path::new("x/./y.policy")),
            here.join("x/y.policy")
        );
        // `/tmp` is a symbolic link on some systems: the disk resolves it, the path
        // alone does not.
        let tmp = std::env::temp_dir();
        assert_eq!(no_disk.canonical(&tmp), normalize(&tmp));
        assert_eq!(
            RealFs.canonical(&tmp),
            std::fs::canonicalize(&tmp).unwrap_or(tmp)
        );
    }
}
