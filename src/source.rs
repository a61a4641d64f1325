//! Source files and byte spans.
//!
//! Every stage refers to text through a [`Loc`] (file and byte span), so that
//! diagnostics from any stage point at the policy writer's own text.

use std::path::{Path, PathBuf};

use codespan_reporting::files::SimpleFiles;
use serde::Serialize;

/// Index of a file in [`Sources`].
pub type FileId = usize;

/// A half-open byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// A span in a particular file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Loc {
    pub file: FileId,
    pub span: Span,
}

impl Loc {
    pub fn new(file: FileId, span: Span) -> Self {
        Loc { file, span }
    }
}

/// The files read in one run: their display names, paths and text.
#[derive(Default)]
pub struct Sources {
    files: SimpleFiles<String, String>,
    paths: Vec<Option<PathBuf>>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file's text; `path` is where it was read from, if anywhere.
    pub fn add(&mut self, name: impl Into<String>, path: Option<PathBuf>, text: String) -> FileId {
        self.paths.push(path);
        self.files.add(name.into(), text)
    }

    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.paths.get(id).and_then(|p| p.as_deref())
    }

    /// The file already added for `path`, if any.
    pub fn find_path(&self, path: &Path) -> Option<FileId> {
        self.paths.iter().position(|p| p.as_deref() == Some(path))
    }

    /// The text covered by a location (empty if out of range).
    pub fn slice(&self, loc: Loc) -> &str {
        self.text(loc.file).get(loc.span.range()).unwrap_or("")
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(id);
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before
            .get(line_start..)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line, col)
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

/// Where files come from: the disk, or an editor's unsaved buffers (the language server).
pub trait FileSystem {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
}

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
}

/// Files larger than this are refused (`E0003`).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Reads a file into `sources`, or explains why it cannot be used.
///
/// `name` is how the file is shown in diagnostics; `at` is where to point a
/// diagnostic if the file cannot be read (a `use`), if anywhere.
pub fn load(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    name: &str,
    at: Option<Loc>,
) -> Result<FileId, crate::diagnostics::Diagnostic> {
    use crate::diagnostics::Diagnostic;
    let with_at = |d: Diagnostic, msg: &str| match at {
        Some(loc) => d.primary(loc, msg.to_string()),
        None => d,
    };
    let bytes = match fs.read(path) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error("E0001", format!("cannot read `{name}`: {e}"));
            return Err(with_at(d, "this file cannot be read"));
        }
    };
    if bytes.len() > MAX_FILE_BYTES {
        let d = Diagnostic::error("E0003", format!("`{name}` is larger than 8 MiB")).note(
            "policy files are limited to 8 MiB; split large policies into modules with `use`",
        );
        return Err(with_at(d, "this file is too large"));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(name, Some(path.to_path_buf()), text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Keep the valid prefix so the diagnostic can point at the first bad byte.
            let prefix = String::from_utf8_lossy(bytes.get(..valid).unwrap_or(&[])).into_owned();
            let shown = format!("{prefix}\u{FFFD}");
            let id = sources.add(name, Some(path.to_path_buf()), shown);
            let d = Diagnostic::error("E0002", format!("`{name}` is not valid UTF-8"))
                .primary(
                    Loc::new(id, Span::new(valid, valid + '\u{FFFD}'.len_utf8())),
                    format!("invalid UTF-8 at byte {valid}"),
                )
                .help("save the file as UTF-8");
            Err(d)
        }
    }
}
