//! Source files, byte spans, and where files come from.
//!
//! Every stage refers to text through a [`Loc`] (file and byte span), so that
//! diagnostics from any stage point at the policy writer's own text. The code map:
//! `span` holds [`Span`] and [`Loc`]; `files` the [`Sources`] of one run (lines and
//! columns); `fs` the [`FileSystem`] trait (the disk, an editor's buffers, a git
//! revision) and file identity; `load` reads a file with the size and UTF-8 checks,
//! failing with a typed [`LoadError`] that the checker words; `walk` finds the
//! `.policy` files under folders, skipping what `.policyignore` lists.
//!
//! Nothing here builds diagnostics: `diagnostics` depends on this module, not the
//! other way round.

mod files;
mod fs;
mod load;
mod span;
pub mod walk;

pub(crate) use files::lone_cr_as_lf;
pub use files::Sources;
pub use fs::{normalize, FileSystem, RealFs, MAX_FILE_BYTES};
pub use load::{load, LoadError};
pub use span::{FileId, Loc, Span};
