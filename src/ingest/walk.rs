//! Finding input files: files and directories, walked recursively in a stable order.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{Format, id_for, is_unread_document};
use crate::error::Error;

/// One input file and the identifier it is indexed under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The file's path as found (relative paths stay relative).
    pub path: PathBuf,
    /// Its identifier: path relative to the root it was found under, without extension.
    pub id: String,
}

/// What [`walk`] found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Files to read, sorted by path within each root.
    pub files: Vec<SourceFile>,
    /// Paths that could not be walked (missing, unreadable, symlink loops).
    pub errors: Vec<Error>,
    /// Files passed over in directories because matcher does not read their type
    /// (images, hidden files …; not .doc and the like, which are taken to fail).
    pub ignored: usize,
}

/// Collect the input files under `paths`.
///
/// A file given directly is always taken (and fails later if its type is unsupported);
/// in a directory, hidden entries and files of other types are passed over, except the
/// documents of a type matcher does not read (.doc, .rtf, .odt, .pages): those are taken,
/// to fail saying what to do, so that a folder of Word 97 résumés is not silently empty.
/// A file's id is relative to the directory given (a file given directly has its stem
/// as id).
/// Symbolic links are followed; a link loop is an error for that entry only.
pub fn walk<P: AsRef<Path>>(paths: &[P]) -> Walk {
    let mut out = Walk::default();
    for root in paths {
        let root = root.as_ref();
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                out.errors
                    .push(Error::input(root, format!("cannot read: {e}")));
                continue;
            }
        };
        if !meta.is_dir() {
            let parent = root.parent().unwrap_or(Path::new(""));
            out.files.push(SourceFile {
                path: root.to_path_buf(),
                id: id_for(parent, root),
            });
            continue;
        }
        let entries = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in entries {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let path = entry.path();
                    let taken = Format::from_path(path).is_some() || is_unread_document(path);
                    if taken && !is_readme(path) {
                        out.files.push(SourceFile {
                            path: path.to_path_buf(),
                            id: id_for(root, path),
                        });
                    } else {
                        out.ignored += 1;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().unwrap_or(root).to_path_buf();
                    let reason = if e.loop_ancestor().is_some() {
                        "symbolic link loop".to_string()
                    } else {
                        format!(
                            "cannot read: {}",
                            e.io_error()
                                .map_or_else(|| e.to_string(), |io| io.to_string())
                        )
                    };
                    out.errors.push(Error::input(path, reason));
                }
            }
        }
    }
    out
}

/// A directory's README describes the collection; it is not one of its documents.
fn is_readme(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_recursively_sorted_and_skips_hidden_and_unknown_but_not_unread_documents() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("zh")).unwrap();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        for f in [
            "b.md",
            "a.txt",
            "zh/c.html",
            "photo.png",
            ".hidden.txt",
            ".git/x.txt",
            "README.md",
            "plain",
            "old.doc",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let w = walk(&[d]);
        let ids: Vec<&str> = w.files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "old", "plain", "zh/c"]);
        assert_eq!(w.ignored, 2);
        assert!(w.errors.is_empty());
    }

    #[test]
    fn missing_path_is_an_error_naming_it() {
        let w = walk(&["/no/such/dir"]);
        assert_eq!(w.errors.len(), 1);
        assert!(
            w.errors[0]
                .to_string()
                .starts_with("/no/such/dir: cannot read")
        );
    }
}
