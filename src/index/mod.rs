//! Index: the on-disk Tantivy index of profiles.
//!
//! Owns the schema ([`schema`]), the schema-version marker that guards against reading
//! an index written by an incompatible build, and the writer's life cycle: one writer,
//! one commit per run, so an update lands whole or not at all and a killed run leaves
//! the previous commit searchable. Tantivy's file lock keeps a second writer out.

pub(crate) mod columns;
mod read_only;
pub(crate) mod schema;
mod term_infos;
pub(crate) mod terms;
pub(crate) mod vectors;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, INDEX_WRITER_LOCK, MmapDirectory};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError};

use crate::analysis::{Analyzer, MixedTokenizer, TOKENIZER_NAME};
use crate::error::{Error, ErrorKind, Result};

pub(crate) use columns::{Columns, FactsCache, RescoreFacts, TermTables};
pub use schema::SCHEMA_VERSION;
pub(crate) use schema::{Fields, occupation_term, occupation_tokens};
pub(crate) use term_infos::{doc_freq, postings};
pub(crate) use terms::{TermRef, TermTable};
pub(crate) use vectors::{ProfileVectors, Quantised, SegmentVectors, VectorCache};

/// The file, beside Tantivy's own, that records which matcher schema the index has.
const MARKER: &str = "matcher-index.json";

/// What one stored profile looks like to the indexer: enough to skip unchanged files and
/// to prune files that are gone.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub hash: u64,
    pub path: String,
}

/// An open index: Tantivy's `Index` with matcher's fields and analyzer registered.
pub(crate) struct Store {
    pub index: Index,
    pub fields: Fields,
    pub dir: PathBuf,
}

impl Store {
    /// Open the index at `dir`. Fails with [`ErrorKind::NoIndex`] if there is none and
    /// [`ErrorKind::SchemaMismatch`] if it was written by an incompatible build.
    pub fn open(dir: &Path, analyzer: &Arc<Analyzer>) -> Result<Store> {
        if !exists(dir) {
            return Err(Error::new(ErrorKind::NoIndex(dir.to_path_buf())));
        }
        check_marker(dir)?;
        Store::with_index(dir, Index::open_in_dir(dir)?, analyzer)
    }

    /// Open the index at `dir` for searching only, without writing a byte to it (not
    /// even Tantivy's reader lock file): for storage this process may not write, and an
    /// index nobody writes meanwhile. Fails as [`Store::open`] does.
    pub fn open_read_only(dir: &Path, analyzer: &Arc<Analyzer>) -> Result<Store> {
        if !exists(dir) {
            return Err(Error::new(ErrorKind::NoIndex(dir.to_path_buf())));
        }
        check_marker(dir)?;
        let index = Index::open(read_only::ReadOnly::open(dir)?)?;
        Store::with_index(dir, index, analyzer)
    }

    /// An opened index with matcher's analyzer registered and its fields found.
    fn with_index(dir: &Path, mut index: Index, analyzer: &Arc<Analyzer>) -> Result<Store> {
        register(&mut index, analyzer);
        let fields = Fields::from_schema(&index.schema()).ok_or_else(|| {
            Error::new(ErrorKind::SchemaMismatch {
                dir: dir.to_path_buf(),
                found: None,
                expected: SCHEMA_VERSION,
            })
        })?;
        Ok(Store {
            index,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    /// Open the index at `dir`, creating an empty one if there is none.
    pub fn open_or_create(dir: &Path, analyzer: &Arc<Analyzer>) -> Result<Store> {
        if exists(dir) {
            return Store::open(dir, analyzer);
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let (schema, fields) = schema::build();
        let mut index = Index::create_in_dir(dir, schema)?;
        register(&mut index, analyzer);
        let marker = serde_json::json!({ "schema_version": SCHEMA_VERSION, "written_by": concat!("matcher ", env!("CARGO_PKG_VERSION")) });
        let marker_path = dir.join(MARKER);
        std::fs::write(&marker_path, format!("{marker:#}\n"))
            .map_err(|e| Error::io(&marker_path, e))?;
        Ok(Store {
            index,
            fields,
            dir: dir.to_path_buf(),
        })
    }

    /// Remove the index at `dir` (Tantivy's files and the marker only; other files in the
    /// directory, such as a README, stay) — under the writer lock, so an index another
    /// process is writing is never pulled from under it.
    pub fn remove(dir: &Path) -> Result<()> {
        if !dir.exists() {
            return Ok(());
        }
        if !exists(dir) && !dir.join(MARKER).exists() {
            return Ok(());
        }
        let directory =
            MmapDirectory::open(dir).map_err(|e| Error::new(ErrorKind::Index(e.into())))?;
        let _lock = directory
            .acquire_lock(&INDEX_WRITER_LOCK)
            .map_err(|e| match e {
                LockError::LockBusy => Error::new(ErrorKind::Locked(dir.to_path_buf())),
                LockError::IoError(io) => {
                    Error::io(dir, std::io::Error::new(io.kind(), io.to_string()))
                }
            })?;
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // The lock file stays: it is held right now, by us.
            let ours = name == MARKER
                || name == "meta.json"
                || name == ".managed.json"
                || (name.starts_with(".tantivy") && !name.contains("lock"))
                || is_segment_file(&name);
            if ours {
                std::fs::remove_file(entry.path()).map_err(|e| Error::io(&entry.path(), e))?;
            }
        }
        Ok(())
    }

    /// A writer with the given memory budget, or [`ErrorKind::Locked`] when another
    /// process is writing.
    pub fn writer(
        &self,
        memory_budget: usize,
        threads: usize,
    ) -> Result<IndexWriter<TantivyDocument>> {
        let threads = threads.clamp(1, 8);
        let per_thread = (memory_budget / threads).max(15_000_000);
        let options = tantivy::indexer::IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(per_thread)
            .build();
        self.index
            .writer_with_options(options)
            .map_err(|err| match err {
                TantivyError::LockFailure(LockError::LockBusy, _) => {
                    Error::new(ErrorKind::Locked(self.dir.clone()))
                }
                other => other.into(),
            })
    }

    /// A reader that sees the last commit (reloaded on demand only).
    pub fn reader(&self) -> Result<IndexReader> {
        Ok(self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    }

    /// Every stored profile's id with its content hash and source path.
    pub fn stored(&self) -> Result<HashMap<String, Stored>> {
        let reader = self.reader()?;
        let searcher = reader.searcher();
        let mut out = HashMap::new();
        let mut id = String::new();
        let mut path = String::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (Some(ids), Some(paths)) = (fast.str("id")?, fast.str("path")?) else {
                continue;
            };
            let hashes = fast.u64("hash")?;
            for doc in segment.doc_ids_alive() {
                let (Some(id_ord), Some(path_ord)) =
                    (ids.term_ords(doc).next(), paths.term_ords(doc).next())
                else {
                    continue;
                };
                ids.ord_to_str(id_ord, &mut id)
                    .map_err(|e| Error::io(&self.dir, e))?;
                paths
                    .ord_to_str(path_ord, &mut path)
                    .map_err(|e| Error::io(&self.dir, e))?;
                let hash = hashes.first(doc).unwrap_or(0);
                out.insert(
                    id.clone(),
                    Stored {
                        hash,
                        path: path.clone(),
                    },
                );
            }
        }
        Ok(out)
    }
}

/// Whether `dir` holds a Tantivy index.
pub(crate) fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

fn register(index: &mut Index, analyzer: &Arc<Analyzer>) {
    index
        .tokenizers()
        .register(TOKENIZER_NAME, MixedTokenizer::new(Arc::clone(analyzer)));
}

fn check_marker(dir: &Path) -> Result<()> {
    let found = std::fs::read_to_string(dir.join(MARKER))
        .ok()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
        .and_then(|v| v.get("schema_version")?.as_u64())
        .map(|v| v as u32);
    if found != Some(SCHEMA_VERSION) {
        return Err(Error::new(ErrorKind::SchemaMismatch {
            dir: dir.to_path_buf(),
            found,
            expected: SCHEMA_VERSION,
        }));
    }
    Ok(())
}

/// Tantivy segment files are `<32 hex digits>.<component>`.
fn is_segment_file(name: &str) -> bool {
    let Some((stem, _)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A stable 64-bit hash (FNV-1a) of a profile's source text and the schema version,
/// used to skip files that have not changed since they were indexed.
pub(crate) fn content_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in SCHEMA_VERSION.to_le_bytes().iter().chain(text.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
