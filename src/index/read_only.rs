//! A read-only view of an index directory, for processes that only search.
//!
//! Tantivy's `MmapDirectory` creates and locks `.tantivy-meta.lock` each time a reader
//! opens its segments, so that a writer in another process does not delete them
//! meanwhile. On storage the process may not write (a read-only mount, a Spark
//! executor's copy of a shipped index, a shared snapshot) that lock file cannot be
//! created and the open fails. This wrapper answers every lock with a lock that holds
//! nothing and refuses every write: it is for an index that nobody writes while it is
//! searched (files already opened stay readable anyway: they are memory-mapped).

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// An index directory opened for reading only.
#[derive(Clone, Debug)]
pub(crate) struct ReadOnly {
    inner: MmapDirectory,
    dir: PathBuf,
}

impl ReadOnly {
    pub fn open(dir: &Path) -> tantivy::Result<ReadOnly> {
        Ok(ReadOnly {
            inner: MmapDirectory::open(dir)?,
            dir: dir.to_path_buf(),
        })
    }

    fn refused(&self, path: &Path) -> io::Error {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{}: index opened read-only, cannot write {}",
                self.dir.display(),
                path.display()
            ),
        )
    }
}

impl Directory for ReadOnly {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(self.refused(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::wrap_io_error(
            self.refused(path),
            path.to_path_buf(),
        ))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(self.refused(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// Nothing to lock: no writer runs beside a read-only search (module doc).
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::{IndexOptions, Matcher, RankOptions};

    /// Opened read-only, an index ranks as it does opened writable, no file appears in
    /// its directory (not even Tantivy's reader lock), and changes are refused.
    #[test]
    fn searches_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let writable = Matcher::builder().index_dir(dir.path()).build().unwrap();
        writable
            .index(&[root.join("profiles")], &IndexOptions::default())
            .unwrap();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with(".lock") {
                std::fs::remove_file(path).unwrap();
            }
        }
        let listing = || {
            let mut names: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            names
        };
        let before = listing();
        let ro = Matcher::builder()
            .index_dir(dir.path())
            .read_only(true)
            .build()
            .unwrap();
        let job = ro
            .read_job(&root.join("jobs/zh-im-backend-lead.md"))
            .unwrap();
        let options = RankOptions::default();
        let ids = |m: &Matcher| -> Vec<(String, f32)> {
            let ranking = m.rank(&job, &options).unwrap();
            ranking
                .results
                .into_iter()
                .map(|r| (r.id, r.score))
                .collect()
        };
        let read_only = ids(&ro);
        assert!(!read_only.is_empty());
        assert_eq!(listing(), before);
        assert_eq!(read_only, ids(&writable));
        let refused = ro.delete(&["en-cfo"]).unwrap_err();
        assert!(refused.is_user_error() && refused.to_string().contains("read-only"));
        assert!(ro.upsert(&[]).is_err());
    }
}
