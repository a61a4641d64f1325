//! Helpers that unit tests, integration tests and benchmarks share. Not part of the
//! API: hidden from the documentation, and free to change with the tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::source::FileSystem;

/// Files held in memory, as an editor's buffers are: a path to its bytes. Every other
/// path is not found. File identity is the path alone ([`FileSystem::canonical`]).
///
/// ```
/// use policyc::testing::MemFs;
/// let fs = MemFs::from([
///     ("/mem/vocab.policy", "input coercion: bool"),
///     ("/mem/main.policy", "use \"vocab.policy\""),
/// ]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct MemFs {
    files: HashMap<PathBuf, Vec<u8>>,
}

impl MemFs {
    /// No files.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }

    /// The same files under `dir`: `("a.policy", ..)` becomes `("/mem/a.policy", ..)`.
    pub fn under(self, dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        self.files
            .into_iter()
            .map(|(p, bytes)| (dir.join(p), bytes))
            .collect()
    }
}

impl FileSystem for MemFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
    }

    fn policy_files_in(&self, dir: &Path) -> Vec<String> {
        self.files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
            .filter(|n| n.ends_with(".policy"))
            .collect()
    }
}

impl<P: Into<PathBuf>, B: Into<Vec<u8>>> FromIterator<(P, B)> for MemFs {
    fn from_iter<I: IntoIterator<Item = (P, B)>>(files: I) -> Self {
        let mut fs = MemFs::new();
        for (p, bytes) in files {
            fs.insert(p, bytes);
        }
        fs
    }
}

impl<P: Into<PathBuf>, B: Into<Vec<u8>>, const N: usize> From<[(P, B); N]> for MemFs {
    fn from(files: [(P, B); N]) -> Self {
        files.into_iter().collect()
    }
}

/// The id of the `raw`-th item of a kind, for tests that build or inspect a policy by
/// position (the first rule, the second output). Only the checker and the arenas make
/// ids in the library.
pub fn id<T>(raw: usize) -> crate::check::ir::Idx<T> {
    crate::check::ir::Idx::from_raw(raw)
}

// What tests and benchmarks reach besides the API: the reference semantics, the random
// policy generator, and the faces' entry points that tests drive in process.
/// The enumerating reference semantics the property tests check the engines against.
pub mod brute {
    pub use crate::analyse::brute::*;
}

/// The random policy generator of the property tests and benchmarks.
pub mod synth {
    pub use crate::compile::synth::*;
}

/// The command line's definition and `policyc man`, for tests of completions and pages.
pub mod cli {
    pub use crate::cli::{command, man};
}

/// The language server, run in process over a channel.
pub mod lsp {
    pub use crate::lsp::{serve, serve_with, Options};
}

/// The diagram store's constants, for benchmarks that read a [`crate::compile::Compiler`].
pub mod mdd {
    pub use crate::mdd::FALSE;
}
