//! Reading a file into [`Sources`], with the size and UTF-8 checks.

use std::path::Path;

use super::{FileId, FileSystem, Sources, MAX_FILE_BYTES};

/// Why a file cannot be used. The checker words it as a diagnostic (`E0001`, `E0003`,
/// `E0002`: `check::load_file`).
#[derive(Debug)]
pub enum LoadError {
    /// The file cannot be read: it does not exist, is a folder, or (named by a `use`)
    /// is not a regular file.
    Unreadable(std::io::Error),
    /// It is larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// It is not UTF-8. Its valid prefix and a U+FFFD were added to the sources as
    /// `file`, so that a diagnostic can point at the first bad byte, at `valid_up_to`.
    NotUtf8 { file: FileId, valid_up_to: usize },
}

/// Reads a file into `sources` under the display `name`. A file a policy names with
/// `use` (`used`) must be a regular file ([`FileSystem::read_used`]).
pub fn load(
    sources: &mut Sources,
    fs: &dyn FileSystem,
    path: &Path,
    name: &str,
    used: bool,
) -> Result<FileId, LoadError> {
    let read = if used {
        fs.read_used(path)
    } else {
        fs.read(path)
    };
    let bytes = read.map_err(LoadError::Unreadable)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge);
    }
    match String::from_utf8(bytes) {
        // A byte-order mark (some Windows editors write one) says only that the file is
        // UTF-8: it is not text of the policy, and lines and columns start after it.
        Ok(text) => {
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            Ok(sources.add(name, Some(path.to_path_buf()), text))
        }
        Err(e) => {
            let valid_up_to = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Keep the valid prefix so the diagnostic can point at the first bad byte.
            let prefix =
                String::from_utf8_lossy(bytes.get(..valid_up_to).unwrap_or(&[])).into_owned();
            let shown = format!("{prefix}\u{FFFD}");
            let file = sources.add(name, Some(path.to_path_buf()), shown);
            Err(LoadError::NotUtf8 { file, valid_up_to })
        }
    }
}
