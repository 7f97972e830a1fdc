//! The library's one error type.
//!
//! Errors are split the way a caller needs to act on them (see STYLE.md, point 4):
//! [`ErrorKind::Input`] and [`ErrorKind::Usage`] are the caller's to fix (a bad file, a
//! bad option), the rest are faults of the index or the machine. Every error that
//! concerns a file carries its path, so the binary can print one line that names it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from the matcher library.
///
/// The error is boxed so that `Result<T>` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An input file could not be used: unreadable, empty, not text, not UTF-8 …
    /// The caller's to fix; other files of the same run are unaffected.
    Input {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong with it, in words a user can act on.
        reason: String,
    },
    /// The caller asked for something impossible (unknown option value, bad weight …).
    Usage(String),
    /// The index on disk was written by an incompatible version of matcher.
    SchemaMismatch {
        /// Index directory.
        dir: PathBuf,
        /// Version found on disk (`None` when the marker is missing).
        found: Option<u32>,
        /// Version this build reads and writes.
        expected: u32,
    },
    /// No index exists at the given directory.
    NoIndex(PathBuf),
    /// Another process holds the index writer lock.
    Locked(PathBuf),
    /// An I/O error on a path (other than reading an input file).
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An error inside Tantivy.
    Index(tantivy::TantivyError),
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// True when the error is the caller's to fix (bad input or usage) rather than an
    /// internal fault.
    pub fn is_user_error(&self) -> bool {
        matches!(
            *self.0,
            ErrorKind::Input { .. }
                | ErrorKind::Usage(_)
                | ErrorKind::SchemaMismatch { .. }
                | ErrorKind::NoIndex(_)
        )
    }

    /// An [`ErrorKind::Input`] error: the file (or upload) named `path` cannot be used,
    /// for `reason`. For clients that read inputs themselves (an upload, bytes from
    /// Python) and want the error a file would give.
    pub fn input(path: impl Into<PathBuf>, reason: impl Into<String>) -> Error {
        Error(Box::new(ErrorKind::Input {
            path: path.into(),
            reason: reason.into(),
        }))
    }

    pub(crate) fn usage(msg: impl Into<String>) -> Error {
        Error(Box::new(ErrorKind::Usage(msg.into())))
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error(Box::new(ErrorKind::Io {
            path: path.to_path_buf(),
            source,
        }))
    }

    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Input { path, reason } => write!(f, "{}: {}", path.display(), reason),
            ErrorKind::Usage(msg) => f.write_str(msg),
            ErrorKind::SchemaMismatch {
                dir,
                found,
                expected,
            } => {
                let found = match found {
                    Some(v) => format!("schema version {v}"),
                    None => "no matcher schema marker".to_string(),
                };
                write!(
                    f,
                    "{}: index has {found}, this matcher needs schema version {expected}; \
                     rebuild it with `matcher index --rebuild --index {} PATH...`",
                    dir.display(),
                    dir.display()
                )
            }
            ErrorKind::NoIndex(dir) => write!(
                f,
                "{}: no index here; build one with `matcher index --index {} PATH...`",
                dir.display(),
                dir.display()
            ),
            ErrorKind::Locked(dir) => write!(
                f,
                "{}: index is locked by another process (another `matcher index` is running); \
                 try again when it has finished",
                dir.display()
            ),
            ErrorKind::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            ErrorKind::Index(err) => write!(f, "index error: {err}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io { source, .. } => Some(source),
            ErrorKind::Index(err) => Some(err),
            _ => None,
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Error {
        Error(Box::new(ErrorKind::Index(err)))
    }
}
