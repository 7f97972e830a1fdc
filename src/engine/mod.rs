//! The engine: the one object a hiring tool (or the CLI) holds.
//!
//! [`Matcher`] ties the stages together — ingest, profile/job parsing, the shared
//! [`Analyzer`], the Tantivy index, retrieval and ranking — and owns the thread pool
//! that parallel work runs on. Build it once per process with [`MatcherBuilder`]; it
//! loads the dictionaries once and opens the index lazily.
//!
//! Its two paths have files of their own: [`write`] (profile files into the index,
//! upserts and deletes) and [`query`] (a job ranked, alone or in a batch); this file
//! holds the builder, the engine's state and the lookups.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexReader, IndexWriter, TantivyDocument, Term, doc};

use crate::analysis::{Analyzer, Lexicon, Taxonomy};
use crate::audit::AuditLog;
use crate::error::{Error, Result};
use crate::features::Weights;
use crate::index::{self, Store};
use crate::ingest::{self, ReadOptions, Stated, Text};
use crate::job::Job;
use crate::profile::Profile;

mod query;
mod write;

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

/// How many profiles' (or jobs') passages go to the encoder in one call: enough to
/// fill its micro-batches when each has few tokens, few enough to keep the rayon pool's
/// tasks small.
const ENCODE_TOGETHER: usize = 8;

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

    /// Append a record of every ranking to this JSON-lines file ([`AuditRecord`](crate::AuditRecord): job
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
            facts: index::FactsCache::default(),
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

/// The matching engine.
pub struct Matcher {
    config: MatcherBuilder,
    analyzer: Arc<Analyzer>,
    lexicon: Arc<OnceLock<Lexicon>>,
    pool: Option<rayon::ThreadPool>,
    searching: OnceLock<(Store, IndexReader)>,
    vectors: index::VectorCache,
    /// Candidates' decoded re-scoring facts, kept across queries.
    facts: index::FactsCache,
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

    /// `Ok` if an index exists at the configured directory, else the error that says
    /// how to build one: for a caller about to rank many jobs, once instead of per job.
    pub fn require_index(&self) -> Result<()> {
        if self.index_exists() {
            Ok(())
        } else {
            Err(Error::new(crate::error::ErrorKind::NoIndex(
                self.config.index_dir.clone(),
            )))
        }
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
        // Read and parsed on the pool (a thousand postings are a tenth of a batch's
        // time on one thread), then kept in the walk's order.
        let read: Vec<(PathBuf, Result<Job>)> = self.install(|| {
            walk.files
                .into_par_iter()
                .map(|file| {
                    let job = self.read_job(&file.path);
                    (file.path, job)
                })
                .collect()
        });
        for (path, job) in read {
            match job {
                Ok(job) if !ids.insert(job.id.clone()) => errors.push(Error::input(
                    &path,
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
