//! The engine: the one object a hiring tool (or the CLI) holds.
//!
//! [`Matcher`] ties the stages together — ingest, profile/job parsing, the shared
//! [`Analyzer`], the Tantivy index, retrieval and ranking — and owns the thread pool
//! that parallel work runs on. Build it once per process with [`MatcherBuilder`]; it
//! loads the dictionaries once and opens the index lazily.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{DocAddress, IndexReader, IndexWriter, TantivyDocument, Term, doc};

use crate::analysis::{Analyzer, Lexicon, Taxonomy};
use crate::audit::{AuditLog, AuditRecord, Fingerprint};
use crate::embed::{Encoder, passages};
use crate::error::{Error, Result};
use crate::features::Weights;
use crate::index::{self, ProfileVectors, Quantised, RescoreFacts, Store};
use crate::ingest::{self, ReadOptions, SourceFile, Stated, Text};
use crate::job::Job;
use crate::profile::Profile;
use crate::rank::{RankOptions, Ranker, Ranking};
use crate::retrieve::{self, JobTerms, JobVectors, PLAIN_B};

/// Configures and builds a [`Matcher`].
///
/// ```no_run
/// let matcher = matcher::Matcher::builder().index_dir("index").threads(2).build()?;
/// # Ok::<(), matcher::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct MatcherBuilder {
    index_dir: PathBuf,
    threads: usize,
    read: ReadOptions,
    writer_memory: usize,
    taxonomy_file: Option<PathBuf>,
    weights: Weights,
    embed_tokens: usize,
    job_tokens: Option<usize>,
    audit_log: Option<PathBuf>,
    read_only: bool,
    keep_writer: bool,
}

/// The default [`MatcherBuilder::embed_tokens`].
pub const DEFAULT_EMBED_TOKENS: usize = 256;

/// The default [`MatcherBuilder::job_tokens`]: half a profile's. On the seven quality
/// sets the macro MAP is 0.6606 against 0.6613 with all 256 (64: 0.6592), and a query
/// encodes its job in about half the time (docs/QUALITY.md, docs/PERFORMANCE.md).
pub const DEFAULT_JOB_TOKENS: usize = 128;

impl Default for MatcherBuilder {
    fn default() -> Self {
        MatcherBuilder {
            index_dir: PathBuf::from("index"),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            read: ReadOptions::default(),
            writer_memory: 256 * 1024 * 1024,
            taxonomy_file: None,
            weights: Weights::default(),
            embed_tokens: DEFAULT_EMBED_TOKENS,
            job_tokens: None,
            audit_log: None,
            read_only: false,
            keep_writer: false,
        }
    }
}

impl MatcherBuilder {
    /// Where the index lives. By default, `./index`.
    pub fn index_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.index_dir = dir.into();
        self
    }

    /// How many threads parsing and ranking use. `1` runs everything on the calling
    /// thread; results are identical for any value. By default, the number of CPUs.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// The largest input file read, in bytes. By default, 20 MiB.
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.read.max_bytes = bytes;
        self
    }

    /// Extract PDF text in a separate process: `exe __pdf-text FILE` must print the
    /// file's text (the `matcher` binary does), so that a PDF that crashes or hangs the
    /// PDF reader costs that file only. By default, PDFs are read in this process on a
    /// thread of their own, with panics caught.
    pub fn pdf_helper(mut self, exe: impl Into<PathBuf>) -> Self {
        self.read.pdf_helper = Some(exe.into());
        self
    }

    /// Memory budget of the index writer, in bytes (at least 15 MB per thread).
    /// By default, 256 MiB.
    pub fn writer_memory(mut self, bytes: usize) -> Self {
        self.writer_memory = bytes;
        self
    }

    /// A skill taxonomy file (same TSV format as `data/taxonomy/skills.tsv`) that extends
    /// or overrides the built-in one. By default, none: the built-in taxonomy alone.
    pub fn taxonomy_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.taxonomy_file = Some(path.into());
        self
    }

    /// The feature weights of the final score. By default, [`Weights::default`].
    pub fn weights(mut self, weights: Weights) -> Self {
        self.weights = weights;
        self
    }

    /// How many tokens of a profile's text (and of a job's) the sentence encoder reads,
    /// from the top, for its text vector; 0 embeds nothing, and then profiles indexed get
    /// no vectors and jobs are matched by their words alone. The encoder's cost grows
    /// with it, at indexing and at every query (docs/PERFORMANCE.md). By default,
    /// [`DEFAULT_EMBED_TOKENS`].
    pub fn embed_tokens(mut self, tokens: usize) -> Self {
        self.embed_tokens = tokens;
        self
    }

    /// How many tokens of a job's text the encoder reads: a query waits on its job's
    /// encoding, indexing does not wait on any one profile's. By default,
    /// [`DEFAULT_JOB_TOKENS`], or [`MatcherBuilder::embed_tokens`] when that is fewer.
    /// Ignored when that is 0.
    pub fn job_tokens(mut self, tokens: usize) -> Self {
        self.job_tokens = Some(tokens);
        self
    }

    /// Append a record of every ranking to this JSON-lines file ([`AuditRecord`]: job
    /// hash, index commit, configuration fingerprint, options, ids, scores and feature
    /// contributions; no résumé text, no personal data), created if missing. Rankers in
    /// other threads and processes may share the file. By default, none: nothing is
    /// logged.
    pub fn audit_log(mut self, path: impl Into<PathBuf>) -> Self {
        self.audit_log = Some(path.into());
        self
    }

    /// Open the index for searching only: nothing is written to its directory (not
    /// even Tantivy's reader lock file), so it may sit on storage this process cannot
    /// write — a read-only mount, a copy shipped to a batch worker — and indexing,
    /// [`Matcher::upsert`] and [`Matcher::delete`] fail with a usage error. Nobody may
    /// write the index while it is searched this way. By default, off.
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Keep the index writer, and so the index's write lock, from the first
    /// [`Matcher::upsert`] or [`Matcher::delete`] until [`Matcher::close_writer`] or the
    /// engine is dropped. Each write then pays for its commit only, not for opening a
    /// writer and a reader and waiting for merges (which go on in the background): for a
    /// long-running process that owns the index, as `matcher serve` does. By default,
    /// off: each write opens and closes the writer, so other processes may write the
    /// index between two of them.
    pub fn keep_writer(mut self, keep: bool) -> Self {
        self.keep_writer = keep;
        self
    }

    /// Load the analyzer and build the engine. The index is opened on first use.
    pub fn build(self) -> Result<Matcher> {
        let pool = if self.threads > 1 {
            Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(self.threads)
                    .thread_name(|i| format!("matcher-{i}"))
                    .build()
                    .map_err(|e| {
                        Error::usage(format!("cannot start {} threads: {e}", self.threads))
                    })?,
            )
        } else {
            None
        };
        // The taxonomy's automaton takes a few hundred milliseconds to build: start it on
        // its own thread now, beside jieba's dictionary load, and wait only when a
        // profile or job is parsed.
        let lexicon = Arc::new(OnceLock::new());
        match &self.taxonomy_file {
            Some(path) => {
                let _ = lexicon.set(Lexicon::with_skills(Taxonomy::with_extension(path)?));
            }
            None => {
                let slot = Arc::clone(&lexicon);
                std::thread::spawn(move || {
                    slot.get_or_init(Lexicon::builtin);
                });
            }
        }
        let audit = self.audit_log.as_deref().map(AuditLog::open).transpose()?;
        Ok(Matcher {
            audit,
            digests: OnceLock::new(),
            config: self,
            analyzer: Arc::new(Analyzer::new()),
            lexicon,
            pool,
            searching: OnceLock::new(),
            vectors: index::VectorCache::default(),
            writing: Mutex::new(None),
        })
    }
}

/// Options of one indexing run.
#[derive(Clone, Debug, Default)]
pub struct IndexOptions {
    /// Remove indexed profiles whose source file no longer exists. By default, off.
    pub prune: bool,
    /// Delete the existing index first and build from scratch. By default, off.
    pub rebuild: bool,
}

/// What an indexing run did.
#[derive(Debug, Default, Serialize)]
pub struct IndexReport {
    /// Profiles new to the index.
    pub indexed: usize,
    /// Profiles whose file changed and were replaced.
    pub updated: usize,
    /// Profiles whose file is unchanged since it was indexed.
    pub skipped: usize,
    /// Profiles removed because their file is gone (with `prune`).
    pub pruned: usize,
    /// Files in the walked directories that are not of a type matcher reads.
    pub ignored: usize,
    /// Files that could not be indexed, each with its error.
    #[serde(skip)]
    pub failures: Vec<Error>,
    /// Wall time of the run.
    #[serde(serialize_with = "secs")]
    pub elapsed: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl IndexReport {
    /// Files that failed.
    pub fn failed(&self) -> usize {
        self.failures.len()
    }
}

/// What [`Matcher::parse_file`] understood of a file.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Parsed {
    /// A résumé.
    Profile(Box<Profile>),
    /// A job description.
    Job(Box<Job>),
}

/// Whether a file is read as a profile or a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocKind {
    /// A résumé.
    Profile,
    /// A job description.
    Job,
}

/// What a ranking's search by meaning found: the job's vectors, the segments' vectors
/// they were compared with, and the nearest profiles.
#[derive(Default)]
struct Meaning {
    job_vectors: JobVectors,
    vectors: Vec<Arc<index::SegmentVectors>>,
    near: Vec<(f32, DocAddress)>,
}

/// The matching engine.
pub struct Matcher {
    config: MatcherBuilder,
    analyzer: Arc<Analyzer>,
    lexicon: Arc<OnceLock<Lexicon>>,
    pool: Option<rayon::ThreadPool>,
    searching: OnceLock<(Store, IndexReader)>,
    vectors: index::VectorCache,
    /// Where rankings are logged, when they are.
    audit: Option<AuditLog>,
    /// The vocabularies' digests for the configuration fingerprint, made on first use.
    digests: OnceLock<(String, String)>,
    /// The writer kept between writes ([`MatcherBuilder::keep_writer`]); also what
    /// serialises [`Matcher::upsert`] and [`Matcher::delete`] in this process.
    writing: Mutex<Option<Writing>>,
}

/// An open index writer with the store it writes and a reader of its last commit.
struct Writing {
    store: Store,
    writer: IndexWriter<TantivyDocument>,
    reader: IndexReader,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Matcher {
    /// A builder with the default configuration.
    pub fn builder() -> MatcherBuilder {
        MatcherBuilder::default()
    }

    /// The index directory.
    pub fn index_dir(&self) -> &Path {
        &self.config.index_dir
    }

    /// Whether an index exists at the configured directory.
    pub fn index_exists(&self) -> bool {
        index::exists(&self.config.index_dir)
    }

    /// The skill taxonomy in use.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.lexicon().skills
    }

    /// The vocabularies in use (skills, titles, places).
    pub fn lexicon(&self) -> &Lexicon {
        self.lexicon.get_or_init(Lexicon::builtin)
    }

    /// The shared analyzer.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Run `f` on the engine's pool, or right here with one thread.
    fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }

    /// Index the profile files under `paths` (files or directories, walked recursively).
    ///
    /// Re-indexing a file replaces its profile (upsert by id); an unchanged file is
    /// skipped. The run commits once at the end: if it is interrupted, the index keeps
    /// its previous state. A file that cannot be read is reported in
    /// [`IndexReport::failures`] and the others are indexed.
    pub fn index<P: AsRef<Path> + Sync>(
        &self,
        paths: &[P],
        options: &IndexOptions,
    ) -> Result<IndexReport> {
        let start = Instant::now();
        self.writable()?;
        let dir = &self.config.index_dir;
        // A readable index is rebuilt in place: every document deleted and re-added in the
        // run's one commit, so an interrupted rebuild leaves the old index whole. One that
        // cannot be read (another schema version) is removed first, under the lock.
        let in_place = options.rebuild && Store::open(dir, &self.analyzer).is_ok();
        if options.rebuild && !in_place {
            Store::remove(dir)?;
        }
        let store = Store::open_or_create(dir, &self.analyzer)?;
        // One indexing thread: documents land in segments in walk order, so the same files
        // always give the same segments — and bit-identical BM25 scores, which depend on
        // the order Tantivy sums term scores in each segment. Parsing, the expensive part,
        // is still parallel.
        let mut writer = store.writer(self.config.writer_memory, 1)?;
        let stored = if in_place {
            writer.delete_all_documents()?;
            HashMap::new()
        } else {
            store.stored()?
        };

        let walk = ingest::walk(paths);
        let mut report = IndexReport {
            ignored: walk.ignored,
            failures: walk.errors,
            ..IndexReport::default()
        };
        let fields = store.fields;
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        // Parsed in batches, in walk order: the pool parses one batch while memory holds
        // only that batch's profiles, whatever the corpus size.
        for batch in walk.files.chunks(PARSE_BATCH) {
            // Parsing and analysis run on the pool; a file whose text is what the index
            // already holds for it is neither parsed nor analysed.
            let prepared: Vec<Result<Prepared>> = self.install(|| {
                batch
                    .par_iter()
                    .map(|f| self.prepare(f, &fields, &stored))
                    .collect()
            });
            for (file, item) in batch.iter().zip(prepared) {
                let prepared = match item {
                    Ok(prepared) => prepared,
                    Err(err) => {
                        report.failures.push(err);
                        continue;
                    }
                };
                if let Some(first) = seen.get(&file.id) {
                    report.failures.push(Error::input(
                        &file.path,
                        format!(
                            "duplicate id `{}`: already taken by {}",
                            file.id,
                            first.display()
                        ),
                    ));
                    continue;
                }
                seen.insert(file.id.clone(), file.path.clone());
                let Prepared::Changed(doc) = prepared else {
                    report.skipped += 1;
                    continue;
                };
                if stored.contains_key(&file.id) {
                    writer.delete_term(Term::from_field_text(fields.id, &file.id));
                    report.updated += 1;
                } else {
                    report.indexed += 1;
                }
                writer.add_document(*doc)?;
            }
        }
        if options.prune {
            for (id, s) in &stored {
                // Profiles upserted through the library have no file to be gone.
                if !seen.contains_key(id) && !s.path.is_empty() && !Path::new(&s.path).exists() {
                    writer.delete_term(Term::from_field_text(fields.id, id));
                    report.pruned += 1;
                }
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.refresh()?;
        report.elapsed = start.elapsed();
        Ok(report)
    }

    /// Read one profile file for indexing: unchanged (its id, path and text are what
    /// the index holds), or parsed, analysed and made a document. A JobPosting is refused.
    fn prepare(
        &self,
        file: &SourceFile,
        fields: &index::Fields,
        stored: &HashMap<String, index::Stored>,
    ) -> Result<Prepared> {
        guarded(&file.path, || {
            let text = ingest::read_file(&file.path, &self.config.read)?;
            if let Some(Stated::Job(_)) = text.stated {
                return Err(Error::input(
                    &file.path,
                    "is a schema.org JobPosting, not a résumé (rank it with `matcher query`)",
                ));
            }
            let path = absolute(&file.path);
            let hash = index::content_hash(&text.text);
            if stored
                .get(&file.id)
                .is_some_and(|s| s.hash == hash && s.path == path)
            {
                return Ok(Prepared::Unchanged);
            }
            let profile = Profile::parse(file.id.clone(), text, self.lexicon());
            let vectors = self.profile_vectors(&profile);
            let doc = document(
                fields,
                &self.analyzer,
                (&file.id, &path, hash),
                &profile,
                vectors,
            )
            .map_err(|e| Error::input(&file.path, e))?;
            Ok(Prepared::Changed(Box::new(doc)))
        })
    }

    /// Add or replace profiles parsed by the caller (from an upload, a database — see
    /// [`Text::from_bytes`] and [`Profile::parse`]), by id, in one commit: all of them
    /// land or none does. Returns how many replaced an existing profile. They have no
    /// file, so `index --prune` leaves them alone; [`Matcher::delete`] removes them.
    pub fn upsert(&self, profiles: &[Profile]) -> Result<usize> {
        self.replace(
            profiles.iter().map(|p| (p.id.as_str(), Some(p))).collect(),
            true,
        )
    }

    /// Remove the profiles with these ids, in one commit. Returns how many were there.
    pub fn delete<S: AsRef<str>>(&self, ids: &[S]) -> Result<usize> {
        self.replace(ids.iter().map(|id| (id.as_ref(), None)).collect(), false)
    }

    /// Wait for the kept writer's merges and release it, and the index's write lock
    /// ([`MatcherBuilder::keep_writer`]); the next write opens it again. Without a kept
    /// writer, nothing to do.
    pub fn close_writer(&self) -> Result<()> {
        let kept = self
            .writing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(w) = kept {
            w.writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Delete each id's document and add its new profile, if any, in one commit; then
    /// let this engine's searches see it. Returns how many ids had a document. `create`:
    /// whether a missing index is created (an upsert) or an error (a delete).
    fn replace(&self, changes: Vec<(&str, Option<&Profile>)>, create: bool) -> Result<usize> {
        self.writable()?;
        let mut slot = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let mut w = match slot.take() {
            Some(w) => w,
            None => {
                let dir = &self.config.index_dir;
                let store = if create {
                    Store::open_or_create(dir, &self.analyzer)?
                } else {
                    Store::open(dir, &self.analyzer)?
                };
                let writer = store.writer(self.config.writer_memory, 1)?;
                let reader = store.reader()?;
                Writing {
                    store,
                    writer,
                    reader,
                }
            }
        };
        // The documents, vectors included, are made on the engine's threads: the
        // encoder is most of an upsert's work.
        let fields = &w.store.fields;
        let docs: Result<Vec<Option<TantivyDocument>>> = self.install(|| {
            changes
                .par_iter()
                .map(|&(id, profile)| {
                    profile
                        .map(|p| {
                            let hash = index::content_hash(&p.text);
                            let vectors = self.profile_vectors(p);
                            document(fields, &self.analyzer, (id, "", hash), p, vectors)
                                .map_err(|e| Error::usage(format!("profile {id}: {e}")))
                        })
                        .transpose()
                })
                .collect()
        });
        let docs = match docs {
            Ok(docs) => docs,
            Err(err) => {
                *slot = self.config.keep_writer.then_some(w);
                return Err(err);
            }
        };
        // On an error `w` is dropped with what it holds uncommitted (Tantivy rolls it
        // back), and the next write opens a new writer.
        let existed = (|| {
            let searcher = w.reader.searcher();
            let mut existed = 0;
            for ((id, _), doc) in changes.iter().zip(docs) {
                let term = Term::from_field_text(w.store.fields.id, id);
                if searcher.doc_freq(&term)? > 0 {
                    existed += 1;
                }
                w.writer.delete_term(term);
                if let Some(doc) = doc {
                    w.writer.add_document(doc)?;
                }
            }
            w.writer.commit()?;
            w.reader.reload()?;
            Ok::<_, Error>(existed)
        })()?;
        if self.config.keep_writer {
            *slot = Some(w);
        } else {
            w.writer.wait_merging_threads()?;
        }
        drop(slot);
        self.refresh()?;
        Ok(existed)
    }

    /// A profile's sentence vectors ([`embed::passages`]): its text, read from the top
    /// within the token budget, and its headline (or first title). `None` when the
    /// budget is 0 or the profile has no text.
    fn profile_vectors(&self, profile: &Profile) -> Option<ProfileVectors> {
        if self.config.embed_tokens == 0 {
            return None;
        }
        let title = profile
            .headline
            .as_deref()
            .or(profile.titles.first().map(String::as_str))
            .unwrap_or("");
        let (text, title) = passages::text_and_title(
            Encoder::builtin(),
            &profile.ranking_text,
            self.config.embed_tokens,
            title,
            false,
        );
        let text = text?;
        Some(ProfileVectors {
            text: Quantised::new(&text),
            title: title.as_ref().map(Quantised::new),
        })
    }

    /// The tokens of a job's text the encoder reads ([`MatcherBuilder::job_tokens`]).
    fn job_tokens(&self) -> usize {
        self.config
            .job_tokens
            .unwrap_or(DEFAULT_JOB_TOKENS.min(self.config.embed_tokens))
    }

    /// A job's sentence vectors, made the way profiles' are; its passages shared between
    /// two threads when `alone` (see [`Matcher::rank`]).
    fn job_vectors(&self, job: &Job, alone: bool) -> JobVectors {
        if self.config.embed_tokens == 0 {
            return JobVectors::default();
        }
        let (text, title) = passages::text_and_title(
            Encoder::builtin(),
            &job.text,
            self.job_tokens(),
            &job.title,
            alone,
        );
        JobVectors {
            text: text.map(|v| Quantised::new(&v)),
            title: title.map(|v| Quantised::new(&v)),
        }
    }

    /// A usage error when the engine was built [read-only](MatcherBuilder::read_only).
    fn writable(&self) -> Result<()> {
        if self.config.read_only {
            return Err(Error::usage(format!(
                "{}: index opened read-only; open it writable to change it",
                self.config.index_dir.display()
            )));
        }
        Ok(())
    }

    /// Let this engine's searches see the last commit.
    fn refresh(&self) -> Result<()> {
        if let Some((_, reader)) = self.searching.get() {
            reader.reload()?;
        }
        Ok(())
    }

    fn searching(&self) -> Result<&(Store, IndexReader)> {
        if let Some(s) = self.searching.get() {
            return Ok(s);
        }
        let store = if self.config.read_only {
            Store::open_read_only(&self.config.index_dir, &self.analyzer)?
        } else {
            Store::open(&self.config.index_dir, &self.analyzer)?
        };
        let reader = store.reader()?;
        Ok(self.searching.get_or_init(|| (store, reader)))
    }

    /// Rank the indexed profiles against `job`: the BM25 top `options.depth()` re-scored
    /// by the fit features, filtered, best `options.top` first, each with its explanation.
    pub fn rank(&self, job: &Job, options: &RankOptions) -> Result<Ranking> {
        self.rank_one(job, options, true)
    }

    /// [`Matcher::rank`]; `alone` is false for a job of a batch. A job ranked alone has
    /// its passages encoded on two threads, which a core left idle by BM25's search can
    /// take up; in a batch every core has jobs of its own, and the split only halves the
    /// encoder's micro-batches, whose weight packing then costs twice as much a token
    /// (1,000 jobs at 10k: 7.1–7.3 s split, 6.5–6.6 s not; docs/PERFORMANCE.md).
    fn rank_one(&self, job: &Job, options: &RankOptions, alone: bool) -> Result<Ranking> {
        let (store, reader) = self.searching()?;
        let searcher = reader.searcher();
        let ranker = Ranker {
            searcher: &searcher,
            fields: &store.fields,
            analyzer: &self.analyzer,
            lexicon: self.lexicon(),
            weights: options.weights.as_ref().unwrap_or(&self.config.weights),
            parallel: self.pool.is_some(),
            semantic: None,
            must_have: &[],
        };
        let must_have = ranker.required_filter(&options.require)?;
        let mut terms = JobTerms::new(&self.analyzer, job);
        if !options.phrases {
            terms.phrases.clear();
        }
        if !options.adaptive_b {
            terms.b = PLAIN_B;
        }
        if ranker.weights.title > 0.0 {
            // Only with a title feature to rank them by: BM25 alone stays plain BM25.
            terms.add_occupations(&self.analyzer, self.lexicon(), job);
        }
        if let Some(max) = options.max_terms {
            terms.keep_best(&searcher, &store.fields, max);
        }
        if let Some(budget) = options.max_postings {
            terms.keep_within(&searcher, &store.fields, budget);
        }
        let depth = options.depth();
        // The nearest profiles by meaning join BM25's, so that a profile sharing no word
        // with the job (another language) is re-scored too; those BM25 did not find come
        // with a BM25 of 0. Only when a semantic feature has a weight: BM25 alone stays
        // plain BM25.
        let semantic = options.semantic
            && (ranker.weights.semantic > 0.0 || ranker.weights.semantic_title > 0.0);
        // Words and meaning are searched side by side: BM25's search is one thread's
        // work, and the encoder and the nearest-neighbour scan fill the other core.
        let by_words = || -> Result<Vec<(f32, DocAddress)>> {
            let mut searched = terms.clone();
            if let Some(feedback) = options.feedback.as_ref().filter(|f| f.profiles > 0) {
                // The first search only has to find `feedback.profiles` good matches: on a big
                // index it goes with a quarter of the postings budget.
                let mut lean = terms.clone();
                // Nor does it search phrases: the profiles it finds are read for the words
                // they share, and those that repeat the posting's wording are alike. With
                // phrases here too, talentclef26 falls from 0.8932 to 0.8889 and the
                // categories stay (0.8663 → 0.8660); only the generated 10k set gains
                // (0.5946 → 0.5988; docs/QUALITY.md, session 11).
                lean.phrases.clear();
                if let Some(budget) = options.max_postings.filter(|&b| b > 0) {
                    lean.keep_within(&searcher, &store.fields, (budget / 4).max(1));
                }
                let first = retrieve::top_documents(
                    &searcher,
                    &store.fields,
                    &lean,
                    &must_have,
                    feedback.profiles,
                )?;
                // Fewer matches than that are no consensus to learn from, and a search for a
                // rare word should find what has it, not what resembles it.
                if first.len() == feedback.profiles {
                    self.install(|| {
                        searched.add_feedback(
                            &searcher,
                            &store.fields,
                            &first,
                            feedback,
                            self.pool.is_some(),
                        )
                    })?;
                    if let Some(budget) = options.max_postings {
                        searched.keep_within(&searcher, &store.fields, budget);
                    }
                }
            }
            retrieve::top_documents(&searcher, &store.fields, &searched, &must_have, depth)
        };
        let by_meaning = || -> Result<Meaning> {
            if !semantic {
                return Ok(Meaning::default());
            }
            let job_vectors = self.job_vectors(job, alone);
            let vectors = self.vectors.of(&searcher)?;
            let near = retrieve::nearest(
                &searcher,
                &vectors,
                &job_vectors,
                options.dense_depth(),
                self.pool.is_some(),
                options.dense_exact,
            );
            Ok(Meaning {
                job_vectors,
                vectors,
                near,
            })
        };
        let (candidates, meaning) = match &self.pool {
            Some(pool) => pool.install(|| rayon::join(by_words, by_meaning)),
            None => (by_words(), by_meaning()),
        };
        let mut candidates = candidates?;
        let Meaning {
            mut job_vectors,
            vectors,
            near,
        } = meaning?;
        if semantic {
            // Feedback by meaning: the candidates stay those the job's own vectors found;
            // the moved text vector scores them.
            if let Some(feedback) = options.dense_feedback.as_ref().filter(|f| f.profiles > 0) {
                let picks: Vec<DocAddress> = near
                    .iter()
                    .take(feedback.profiles)
                    .map(|(_, a)| *a)
                    .collect();
                job_vectors =
                    retrieve::moved_toward(&vectors, &job_vectors, &picks, feedback.weight);
            }
            let found: HashSet<DocAddress> = candidates.iter().map(|(_, a)| *a).collect();
            candidates.extend(
                near.into_iter()
                    .filter(|(_, a)| !found.contains(a))
                    .map(|(_, a)| (0.0, a)),
            );
        }
        let ranker = Ranker {
            semantic: semantic.then_some((vectors.as_slice(), &job_vectors)),
            must_have: &must_have,
            ..ranker
        };
        // Explanations list the job's own terms, not those feedback added.
        let results = self.install(|| ranker.rank(job, &terms, candidates, options))?;
        let ranking = Ranking {
            job_id: job.id.clone(),
            job_title: job.title.clone(),
            results,
        };
        if let Some(log) = &self.audit {
            let dir = self.config.index_dir.as_path();
            let config = self.fingerprint(options);
            log.append(&AuditRecord::new(
                job,
                options,
                &ranking,
                (dir, &searcher),
                config,
            ))?;
        }
        Ok(ranking)
    }

    /// The fingerprint of the configuration a ranking with `options` uses
    /// ([`config_fingerprint`](crate::config_fingerprint)).
    pub(crate) fn fingerprint(&self, options: &RankOptions) -> Fingerprint {
        let (taxonomy, vocabularies) = self
            .digests
            .get_or_init(|| crate::audit::lexicon_digests(self.lexicon()))
            .clone();
        let weights = options.weights.as_ref().unwrap_or(&self.config.weights);
        crate::audit::fingerprint_of(
            weights,
            taxonomy,
            vocabularies,
            (self.config.embed_tokens, self.job_tokens()),
        )
    }

    /// The ids of every indexed profile, sorted.
    pub(crate) fn all_profile_ids(&self) -> Result<Vec<String>> {
        let (store, _) = self.searching()?;
        let mut ids: Vec<String> = store.stored()?.into_keys().collect();
        ids.sort();
        Ok(ids)
    }

    /// The commit id of the index this engine searches now, and its number of profiles.
    pub(crate) fn commit(&self) -> Result<(String, u64)> {
        let (_, reader) = self.searching()?;
        reader.reload()?;
        let searcher = reader.searcher();
        Ok((crate::audit::commit_id(&searcher), searcher.num_docs()))
    }

    /// Rank the profiles against many jobs in parallel on the engine's pool. Results come
    /// back in the order of `jobs`.
    pub fn rank_many(&self, jobs: &[Job], options: &RankOptions) -> Vec<Result<Ranking>> {
        let mut out = Vec::with_capacity(jobs.len());
        self.rank_streaming(jobs, options, |_, ranking| {
            out.push(ranking);
            true
        });
        out
    }

    /// Rank the profiles against many jobs in parallel on the engine's pool, handing each
    /// ranking to `emit` on the calling thread as soon as it and all jobs before it are
    /// done — results stream out in the order of `jobs` (so output is the same for any
    /// number of threads) while the pool works on. `emit` returns `false` to stop: jobs
    /// not yet started are skipped (a closed pipe, a cancelled batch).
    ///
    /// Memory holds only the rankings finished ahead of a slower earlier job.
    pub fn rank_streaming(
        &self,
        jobs: &[Job],
        options: &RankOptions,
        mut emit: impl FnMut(&Job, Result<Ranking>) -> bool,
    ) {
        use std::sync::atomic::{AtomicBool, Ordering};
        if let Err(e) = self.searching() {
            let msg = e.to_string();
            for job in jobs {
                if !emit(job, Err(Error::usage(msg.clone()))) {
                    return;
                }
            }
            return;
        }
        let stop = AtomicBool::new(false);
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Ranking>)>();
        std::thread::scope(|scope| {
            let stop = &stop;
            scope.spawn(move || {
                self.install(|| {
                    jobs.par_iter()
                        .enumerate()
                        .for_each_with(tx, |tx, (i, job)| {
                            if !stop.load(Ordering::Relaxed) {
                                let _ = tx.send((i, self.rank_one(job, options, false)));
                            }
                        })
                })
            });
            let mut pending: std::collections::BTreeMap<usize, Result<Ranking>> =
                std::collections::BTreeMap::new();
            let mut next = 0;
            for (i, ranking) in rx {
                pending.insert(i, ranking);
                while let Some(ranking) = pending.remove(&next) {
                    if !emit(&jobs[next], ranking) {
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                    next += 1;
                }
            }
        });
    }

    /// The profile with this id as the index stores it, or `None` when there is none.
    /// Sees the last commit this engine made or [`Matcher::reload`] picked up.
    pub fn stored_profile(&self, id: &str) -> Result<Option<StoredProfile>> {
        use tantivy::schema::Value;
        let (store, reader) = self.searching()?;
        let searcher = reader.searcher();
        let fields = &store.fields;
        let Some(address) = live_doc(&searcher, fields.id, id)? else {
            return Ok(None);
        };
        let doc: tantivy::TantivyDocument = searcher.doc(address)?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        Ok(Some(StoredProfile {
            id: id.to_string(),
            name: text(fields.name),
            headline: text(fields.headline),
            source: text(fields.path).filter(|p| !p.is_empty()),
            text: text(fields.text).unwrap_or_default(),
        }))
    }

    /// Up to `limit` indexed profile ids in byte order, those after `after` only (a
    /// cursor: pass the last id of the previous page).
    pub fn profile_ids(&self, after: Option<&str>, limit: usize) -> Result<Vec<String>> {
        use tantivy::postings::Postings;
        use tantivy::schema::IndexRecordOption;
        use tantivy::{DocSet, TERMINATED};
        let (store, reader) = self.searching()?;
        let searcher = reader.searcher();
        let mut ids = Vec::new();
        for segment in searcher.segment_readers() {
            let alive = segment.alive_bitset();
            let inverted = segment.inverted_index(store.fields.id)?;
            let terms = inverted.terms();
            let mut stream = match after {
                Some(after) => terms.range().gt(after.as_bytes()).into_stream(),
                None => terms.stream(),
            }
            .map_err(|e| Error::io(self.index_dir(), e))?;
            let mut found = 0;
            while found < limit && stream.advance() {
                let mut postings = inverted
                    .read_postings_from_terminfo(stream.value(), IndexRecordOption::Basic)
                    .map_err(|e| Error::io(self.index_dir(), e))?;
                let mut doc = postings.doc();
                let mut live = false;
                while doc != TERMINATED {
                    if !alive.is_some_and(|a| a.is_deleted(doc)) {
                        live = true;
                        break;
                    }
                    doc = postings.advance();
                }
                let _ = postings.term_freq();
                if live {
                    ids.push(String::from_utf8_lossy(stream.key()).into_owned());
                    found += 1;
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids.truncate(limit);
        Ok(ids)
    }

    /// How many profiles the index holds (deleted ones not counted).
    pub fn profile_count(&self) -> Result<u64> {
        let (_, reader) = self.searching()?;
        Ok(reader.searcher().num_docs())
    }

    /// Whether the index holds a profile with this id.
    pub fn contains(&self, id: &str) -> Result<bool> {
        let (store, reader) = self.searching()?;
        Ok(live_doc(&reader.searcher(), store.fields.id, id)?.is_some())
    }

    /// Let searches see what another process committed to the index since it was opened
    /// (this engine's own commits are seen at once).
    pub fn reload(&self) -> Result<()> {
        self.refresh()
    }

    /// Read and parse a job description file. Its id is the file name without extension.
    pub fn read_job(&self, path: &Path) -> Result<Job> {
        guarded(path, || {
            let text = ingest::read_file(path, &self.config.read)?;
            if let Some(Stated::Profile(_)) = text.stated {
                return Err(Error::input(
                    path,
                    "is a JSON Resume, not a job description",
                ));
            }
            let mut job = Job::parse(file_stem(path), text, self.lexicon());
            job.source = Some(std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()));
            Ok(job)
        })
    }

    /// Read every job file under `paths` (directories walked). Unreadable files come
    /// back as errors, the rest as jobs, in walk order.
    pub fn read_jobs<P: AsRef<Path>>(&self, paths: &[P]) -> (Vec<Job>, Vec<Error>) {
        let walk = ingest::walk(paths);
        let mut errors = walk.errors;
        let mut jobs = Vec::new();
        let mut ids = HashSet::new();
        for file in walk.files {
            match self.read_job(&file.path) {
                Ok(job) if !ids.insert(job.id.clone()) => errors.push(Error::input(
                    &file.path,
                    format!(
                        "duplicate job id `{}` (another job file has the same name)",
                        job.id
                    ),
                )),
                Ok(job) => jobs.push(job),
                Err(e) => errors.push(e),
            }
        }
        (jobs, errors)
    }

    /// What the engine understands of one file, read as `kind` (guessed when `None`:
    /// a file in a `jobs` directory or with job-posting sections is a job).
    pub fn parse_file(&self, path: &Path, kind: Option<DocKind>) -> Result<Parsed> {
        guarded(path, || {
            let text = ingest::read_file(path, &self.config.read)?;
            let kind = kind.unwrap_or_else(|| guess_kind(path, &text));
            Ok(self.parse_as(file_stem(path), text, kind))
        })
    }

    /// What the engine understands of a text the caller read ([`Text::from_bytes`]), read
    /// as `kind` (guessed when `None`: a structured source says what it is, else a text
    /// with job-posting sections is a job).
    pub fn parse_text(&self, id: impl Into<String>, text: Text, kind: Option<DocKind>) -> Parsed {
        let kind = kind.unwrap_or_else(|| guess_kind(Path::new(""), &text));
        self.parse_as(id.into(), text, kind)
    }

    fn parse_as(&self, id: String, text: Text, kind: DocKind) -> Parsed {
        match kind {
            DocKind::Job => Parsed::Job(Box::new(Job::parse(id, text, self.lexicon()))),
            DocKind::Profile => Parsed::Profile(Box::new(Profile::parse(id, text, self.lexicon()))),
        }
    }
}

/// A profile as the index stores it ([`Matcher::stored_profile`]): what was parsed from
/// its file or upload, not the original bytes.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct StoredProfile {
    /// Profile id.
    pub id: String,
    /// Candidate name, as found in the profile (never used for ranking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Current title, as written in the profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The file it was indexed from; `None` for a profile upserted through the library.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The text ranked (personal data removed).
    pub text: String,
}

/// The live (not deleted) document whose `field` holds exactly `value`.
fn live_doc(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    value: &str,
) -> Result<Option<tantivy::DocAddress>> {
    let query = tantivy::query::TermQuery::new(
        Term::from_field_text(field, value),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let top = searcher.search(
        &query,
        &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
    )?;
    Ok(top.first().map(|(_, address)| *address))
}

/// How many files are parsed before their profiles are handed to the index writer.
const PARSE_BATCH: usize = 4096;

/// A profile file made ready for the index writer.
enum Prepared {
    /// The index holds this file's text already.
    Unchanged,
    /// Its new document.
    Changed(Box<tantivy::TantivyDocument>),
}

/// The index document of a profile. `analyzer` analyses its ranking text — once: the
/// terms are indexed as they are, the term table is stored ([`index::TermTable`]) —
/// and makes its headline's terms, which re-scoring reads from the facts column.
fn document(
    fields: &index::Fields,
    analyzer: &Analyzer,
    (id, path, hash): (&str, &str, u64),
    profile: &Profile,
    vectors: Option<ProfileVectors>,
) -> std::result::Result<tantivy::TantivyDocument, String> {
    let (terms, phrases, table) = index::TermTable::analyse(analyzer, &profile.ranking_text);
    let mut doc = doc!(
        fields.id => id,
        fields.path => path,
        fields.hash => hash,
        fields.body => terms,
        fields.text => profile.ranking_text.as_str(),
    );
    doc.add_bytes(fields.terms, &table.encode()?);
    let [phrases, han_phrases] = phrases;
    if !phrases.is_empty() {
        doc.add_text(fields.phrases, phrases);
    }
    if !han_phrases.is_empty() {
        doc.add_text(fields.han_phrases, han_phrases);
    }
    if let Some(name) = &profile.personal.name {
        doc.add_text(fields.name, name);
    }
    if profile.personal != crate::Personal::default() {
        let personal = serde_json::to_string(&profile.personal).map_err(|e| e.to_string())?;
        doc.add_text(fields.personal, personal);
    }
    if let Some(headline) = &profile.headline {
        doc.add_text(fields.headline, headline);
    }
    for skill in &profile.skills {
        doc.add_text(fields.skills, skill.skill.to_lowercase());
    }
    let occupations = index::occupation_tokens(&profile.occupations);
    if !occupations.is_empty() {
        doc.add_text(fields.occupations, occupations);
    }
    let headline_terms = profile
        .headline
        .as_deref()
        .map(|h| analyzer.terms(h))
        .unwrap_or_default();
    let facts = RescoreFacts::new(id, profile.facts(), headline_terms).encode()?;
    doc.add_bytes(fields.facts, &facts);
    if let Some(vectors) = vectors {
        doc.add_bytes(fields.vectors, &vectors.encode());
    }
    Ok(doc)
}

/// Run one file's parsing so that a bug triggered by one pathological file becomes that
/// file's error instead of taking the whole run down.
fn guarded<T>(path: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::input(
            path,
            "internal error while parsing this file (please report it with the file)",
        ))
    })
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// Whether a file is a job or a profile: from its directory's name, else from the
/// section headings postings have and résumés don't.
fn guess_kind(path: &Path, text: &Text) -> DocKind {
    // A structured source says what it is.
    match text.stated {
        Some(Stated::Job(_)) => return DocKind::Job,
        Some(Stated::Profile(_)) => return DocKind::Profile,
        None => {}
    }
    // The nearest directory that says what it holds decides; else the headings do.
    let dir_says = path
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .rev()
        .find_map(|c| match c.as_os_str().to_str()?.to_lowercase().as_str() {
            "jobs" | "job" | "queries" | "postings" => Some(DocKind::Job),
            "profiles" | "resumes" | "cvs" | "candidates" | "corpus" => Some(DocKind::Profile),
            _ => None,
        });
    if let Some(kind) = dir_says {
        return kind;
    }
    const JOB_HEADINGS: &[&str] = &[
        "任职要求",
        "岗位职责",
        "岗位要求",
        "职位描述",
        "职位要求",
        "加分项",
        "requirements",
        "responsibilities",
        "nice to have",
        "must have",
        "what you'll do",
        "qualifications",
        "about the role",
    ];
    let is_job_heading = |line: &str| {
        let line = line
            .trim_start_matches(['-', '#', '*', ' ', '【'])
            .to_lowercase();
        line.chars().count() <= 30 && JOB_HEADINGS.iter().any(|w| line.starts_with(w))
    };
    if text.text.lines().any(is_job_heading) {
        DocKind::Job
    } else {
        DocKind::Profile
    }
}
