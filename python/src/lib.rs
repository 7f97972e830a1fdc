//! `matcher._matcher`: the Python face of the matcher library.
//!
//! This crate only converts — Python values into the library's inputs (paths, texts,
//! options) and the library's results into Python objects (dicts built by `pythonize`
//! from the same serde data the CLI prints, exceptions from [`matcher::ErrorKind`]).
//! Every decision — how a file is read, how a job is parsed, how profiles are ranked —
//! stays in the library, as in polars' py-polars and tantivy-py. Rust work runs with
//! the GIL released, so Python threads rank in parallel on one engine.
//!
//! The Python package `matcher` (python/matcher/) re-exports these classes and adds what
//! is best written in Python: the pandas and Spark glue.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use matcher::{DocKind, ErrorKind, Format, IndexOptions, Parsed, RankOptions, Text, Weights};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

create_exception!(
    _matcher,
    MatcherError,
    PyException,
    "Any error of matcher. `file` names the file or index directory at fault (or None), \
     `cause` says what is wrong with it."
);
create_exception!(
    _matcher,
    BadInputError,
    MatcherError,
    "An input (a file, bytes, an option) matcher cannot use: the caller's to fix."
);
create_exception!(
    _matcher,
    IndexLockedError,
    MatcherError,
    "Another process is writing the index; try again when it has finished."
);
create_exception!(
    _matcher,
    SchemaMismatchError,
    MatcherError,
    "The index was written by an incompatible version of matcher: rebuild it."
);
create_exception!(
    _matcher,
    NoIndexError,
    MatcherError,
    "No index exists at the directory given."
);

/// The library's error as the Python exception of its kind, with `file` and `cause`.
fn py_err(err: matcher::Error) -> PyErr {
    let message = err.to_string();
    let (exc, file, cause): (PyErr, Option<&Path>, String) = match err.kind() {
        ErrorKind::Input { path, reason } => (
            BadInputError::new_err(message),
            Some(path.as_path()),
            reason.clone(),
        ),
        ErrorKind::Usage(msg) => (BadInputError::new_err(message), None, msg.clone()),
        ErrorKind::SchemaMismatch { dir, .. } => (
            SchemaMismatchError::new_err(message.clone()),
            Some(dir.as_path()),
            message,
        ),
        ErrorKind::NoIndex(dir) => (
            NoIndexError::new_err(message.clone()),
            Some(dir.as_path()),
            message,
        ),
        ErrorKind::Locked(dir) => (
            IndexLockedError::new_err(message.clone()),
            Some(dir.as_path()),
            message,
        ),
        ErrorKind::Io { path, source } => (
            MatcherError::new_err(message),
            Some(path.as_path()),
            source.to_string(),
        ),
        _ => (MatcherError::new_err(message.clone()), None, message),
    };
    Python::attach(|py| {
        let value = exc.value(py);
        let _ = value.setattr("file", file.map(|p| p.to_string_lossy().into_owned()));
        let _ = value.setattr("cause", cause);
    });
    exc
}

fn bad_input(message: String) -> PyErr {
    Python::attach(|py| {
        let exc = BadInputError::new_err(message.clone());
        let value = exc.value(py);
        let _ = value.setattr("file", py.None());
        let _ = value.setattr("cause", message);
        exc
    })
}

/// A document handed over from Python: a file to read, or its content.
enum Source {
    Path(PathBuf),
    Content { bytes: Vec<u8>, format: Format },
}

impl Source {
    /// `str` naming an existing file (one line) or any `os.PathLike`: that file. Any
    /// other `str`: the text itself. `bytes`: the content of a file of the format its
    /// `filename` says, else of the format its first bytes show (PDF, DOCX), else text.
    /// With `paths` false, a `str` is always content.
    fn extract(obj: &Bound<'_, PyAny>, filename: Option<&str>, paths: bool) -> PyResult<Source> {
        let named = filename.and_then(|f| Format::from_path(Path::new(f)));
        if let Ok(s) = obj.cast::<PyString>() {
            let s: String = s.extract()?;
            if paths && filename.is_none() && !s.contains('\n') && Path::new(&s).is_file() {
                return Ok(Source::Path(PathBuf::from(s)));
            }
            let format = named.unwrap_or(Format::Markdown);
            return Ok(Source::Content {
                bytes: s.into_bytes(),
                format,
            });
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            let bytes = b.as_bytes().to_vec();
            let format = named.unwrap_or_else(|| sniff(&bytes));
            return Ok(Source::Content { bytes, format });
        }
        match obj.extract::<PathBuf>() {
            Ok(path) if paths => Ok(Source::Path(path)),
            _ => Err(PyTypeError::new_err(format!(
                "expected a str, bytes or os.PathLike, got {}",
                obj.get_type().name()?
            ))),
        }
    }

    /// The name errors about this document give.
    fn name(&self, filename: Option<&str>) -> PathBuf {
        match (self, filename) {
            (Source::Path(p), _) => p.clone(),
            (_, Some(f)) => PathBuf::from(f),
            (Source::Content { .. }, None) => PathBuf::from("<bytes>"),
        }
    }
}

/// The format of bytes that come without a file name: by their magic numbers.
fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"%PDF") {
        Format::Pdf
    } else if bytes.starts_with(b"PK\x03\x04") {
        Format::Docx
    } else {
        Format::Markdown
    }
}

/// Read content as the library reads a file's bytes, errors naming `name`.
fn text_of(bytes: &[u8], format: Format, name: &Path) -> Result<Text, matcher::Error> {
    Text::from_bytes(bytes, format).map_err(|reason| matcher::Error::input(name, reason))
}

/// Matcher(index_dir, *, threads=None, weights=None, taxonomy=None)
///
/// The engine over the index at `index_dir` (created by the first `index` or
/// `upsert`). `threads`: by default, the number of CPUs. `weights`: a TOML file or a
/// dict naming any subset of the feature weights. `taxonomy`: a skill TSV that
/// extends the built-in taxonomy.
///
/// >>> m = matcher.Matcher("index", threads=2)
/// >>> m.index(["corpus/profiles"]).indexed
/// 39
///
/// Share it between threads: the GIL is released while it works.
#[pyclass(name = "Matcher", module = "matcher._matcher", frozen)]
struct PyMatcher {
    inner: Arc<matcher::Matcher>,
    read_only: bool,
}

/// Options shared by `rank` and `rank_many`, as given in Python.
struct Ask {
    options: RankOptions,
    explain: bool,
}

impl Ask {
    fn new(
        top: usize,
        require: Vec<String>,
        min_years: Option<f32>,
        exclude: Vec<String>,
        explain: bool,
        blind: bool,
    ) -> Ask {
        Ask {
            options: RankOptions {
                top,
                require,
                min_years,
                exclude,
                // Without explanations, what only the stored documents have is not read.
                details: explain,
                blind,
                ..RankOptions::default()
            },
            explain,
        }
    }

    /// By meaning or not: `semantic=False` ranks by words alone (`--no-semantic`),
    /// `dense_feedback=False` keeps the job's own text vector (`--no-dense-feedback`).
    fn meaning(mut self, semantic: bool, dense_feedback: bool) -> Ask {
        self.options.semantic = semantic;
        if !dense_feedback {
            self.options.dense_feedback = None;
        }
        self
    }
}

fn weights_of(obj: &Bound<'_, PyAny>) -> PyResult<Weights> {
    if let Ok(dict) = obj.cast::<PyDict>() {
        // A dict says what a weights file says, read by the library's own parser.
        let mut toml = String::new();
        for (k, v) in dict.iter() {
            let name: String = k.extract()?;
            let value: f64 = v.extract()?;
            toml.push_str(&format!("{name} = {value:?}\n"));
        }
        return Weights::from_toml(&toml).map_err(|e| bad_input(format!("bad weights: {e}")));
    }
    let path: PathBuf = obj.extract()?;
    Weights::from_file(&path).map_err(py_err)
}

/// How a `Matcher` is set up from Python: the builder's options, by their CLI names.
struct Setup<'a, 'py> {
    threads: Option<usize>,
    weights: Option<&'a Bound<'py, PyAny>>,
    taxonomy: Option<PathBuf>,
    embed_tokens: Option<usize>,
    job_tokens: Option<usize>,
    keep_writer: bool,
    audit_log: Option<PathBuf>,
}

impl PyMatcher {
    fn build(index_dir: PathBuf, setup: Setup<'_, '_>, read_only: bool) -> PyResult<PyMatcher> {
        let mut builder = matcher::Matcher::builder()
            .index_dir(index_dir)
            .read_only(read_only)
            .keep_writer(setup.keep_writer);
        if let Some(n) = setup.threads {
            if n == 0 {
                return Err(PyValueError::new_err("threads must be at least 1"));
            }
            builder = builder.threads(n);
        }
        if let Some(w) = setup.weights {
            builder = builder.weights(weights_of(w)?);
        }
        if let Some(t) = setup.taxonomy {
            builder = builder.taxonomy_file(t);
        }
        if let Some(n) = setup.embed_tokens {
            builder = builder.embed_tokens(n);
        }
        if let Some(n) = setup.job_tokens {
            builder = builder.job_tokens(n);
        }
        if let Some(path) = setup.audit_log {
            builder = builder.audit_log(path);
        }
        let py_matcher = Python::attach(|py| py.detach(|| builder.build())).map_err(py_err)?;
        Ok(PyMatcher {
            inner: Arc::new(py_matcher),
            read_only,
        })
    }

    /// A job from Python: a `Job`, a path, text or bytes.
    fn job_of(
        &self,
        py: Python<'_>,
        job: &Bound<'_, PyAny>,
        job_id: Option<String>,
        filename: Option<&str>,
    ) -> PyResult<matcher::Job> {
        if let Ok(j) = job.cast::<PyJob>() {
            let mut parsed = j.get().inner.clone();
            if let Some(id) = job_id {
                parsed.id = id;
            }
            return Ok(parsed);
        }
        let source = Source::extract(job, filename, true)?;
        let name = source.name(filename);
        let engine = &*self.inner;
        py.detach(|| match source {
            Source::Path(path) => {
                let mut parsed = engine.read_job(&path)?;
                if let Some(id) = job_id {
                    parsed.id = id;
                }
                Ok(parsed)
            }
            Source::Content { bytes, format } => {
                let text = text_of(&bytes, format, &name)?;
                let id = job_id.unwrap_or_else(|| stem(&name, "job"));
                Ok(matcher::Job::parse(id, text, engine.lexicon()))
            }
        })
        .map_err(py_err)
    }
}

fn stem(name: &Path, fallback: &str) -> String {
    match name.file_stem().and_then(|s| s.to_str()) {
        Some(s) if !s.starts_with('<') => s.to_string(),
        _ => fallback.to_string(),
    }
}

#[pymethods]
impl PyMatcher {
    #[new]
    #[pyo3(signature = (index_dir, *, threads=None, weights=None, taxonomy=None,
                        embed_tokens=None, job_tokens=None, keep_writer=false, audit_log=None))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, gathered in Setup
    fn new(
        index_dir: PathBuf,
        threads: Option<usize>,
        weights: Option<&Bound<'_, PyAny>>,
        taxonomy: Option<PathBuf>,
        embed_tokens: Option<usize>,
        job_tokens: Option<usize>,
        keep_writer: bool,
        audit_log: Option<PathBuf>,
    ) -> PyResult<Self> {
        let setup = Setup {
            threads,
            weights,
            taxonomy,
            embed_tokens,
            job_tokens,
            keep_writer,
            audit_log,
        };
        PyMatcher::build(index_dir, setup, false)
    }

    /// The engine over an existing index, for searching only: nothing is written to the
    /// directory (not even a lock file), so it may be on read-only storage; `index`,
    /// `upsert` and `delete` raise BadInputError. Nobody may write the index meanwhile.
    ///
    /// >>> m = matcher.Matcher.open_readonly("/shared/index")
    #[staticmethod]
    #[pyo3(signature = (index_dir, *, threads=None, weights=None, taxonomy=None,
                        job_tokens=None, audit_log=None))]
    fn open_readonly(
        index_dir: PathBuf,
        threads: Option<usize>,
        weights: Option<&Bound<'_, PyAny>>,
        taxonomy: Option<PathBuf>,
        job_tokens: Option<usize>,
        audit_log: Option<PathBuf>,
    ) -> PyResult<Self> {
        let setup = Setup {
            threads,
            weights,
            taxonomy,
            embed_tokens: None,
            job_tokens,
            keep_writer: false,
            audit_log,
        };
        PyMatcher::build(index_dir, setup, true)
    }

    #[getter]
    fn index_dir(&self) -> PathBuf {
        self.inner.index_dir().to_path_buf()
    }

    #[getter]
    fn read_only(&self) -> bool {
        self.read_only
    }

    /// Index the profile files under `paths` (files or directories, walked) in one
    /// commit; an unchanged file is skipped, a changed one replaced; `prune=True`
    /// removes profiles whose file is gone. Returns an IndexReport whose `failures`
    /// name each file that could not be read.
    ///
    /// >>> m.index(["corpus/profiles"])
    /// IndexReport(indexed=39, updated=0, skipped=0, pruned=0, ignored=0, failed=0, elapsed=0.641)
    #[pyo3(signature = (paths, prune=false))]
    fn index(
        &self,
        py: Python<'_>,
        paths: &Bound<'_, PyAny>,
        prune: bool,
    ) -> PyResult<IndexReport> {
        let paths: Vec<PathBuf> = match paths.extract::<PathBuf>() {
            Ok(one) if !paths.is_instance_of::<PyList>() => vec![one],
            _ => paths.extract()?,
        };
        let options = IndexOptions {
            prune,
            rebuild: false,
        };
        let engine = &*self.inner;
        let report = py
            .detach(|| engine.index(&paths, &options))
            .map_err(py_err)?;
        IndexReport::from(report)
    }

    /// Add or replace the profile `id` from its content: str (Markdown) or bytes in any
    /// format matcher reads (from `filename`'s extension, else PDF/DOCX by their first
    /// bytes, else text). Returns whether it replaced one.
    ///
    /// >>> m.upsert("cand-42", open("cv.pdf", "rb").read(), filename="cv.pdf")
    /// False
    #[pyo3(signature = (id, data, *, filename=None))]
    fn upsert(
        &self,
        py: Python<'_>,
        id: String,
        data: &Bound<'_, PyAny>,
        filename: Option<&str>,
    ) -> PyResult<bool> {
        let Source::Content { bytes, format } = Source::extract(data, filename, false)? else {
            unreachable!("without paths, a source is content")
        };
        let name = PathBuf::from(filename.unwrap_or(&id));
        let engine = &*self.inner;
        let replaced = py
            .detach(|| {
                let text = text_of(&bytes, format, &name)?;
                let profile = matcher::Profile::parse(id, text, engine.lexicon());
                engine.upsert(std::slice::from_ref(&profile))
            })
            .map_err(py_err)?;
        Ok(replaced > 0)
    }

    /// Remove the profile `id`; returns whether it was there.
    fn delete(&self, py: Python<'_>, id: String) -> PyResult<bool> {
        let engine = &*self.inner;
        let n = py.detach(|| engine.delete(&[id])).map_err(py_err)?;
        Ok(n > 0)
    }

    /// What the engine understands of a file (path) or content (bytes, str) as a dict,
    /// `{"kind": "profile" | "job", ...}`: what `matcher parse --format json` prints.
    ///
    /// >>> m.parse(b"# Jane Doe\nSkills: Rust, Kafka")["skills"][0]["skill"]
    /// 'Rust'
    #[pyo3(signature = (source, *, kind=None, filename=None))]
    fn parse<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
        kind: Option<&str>,
        filename: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kind = match kind {
            None => None,
            Some("profile") => Some(DocKind::Profile),
            Some("job") => Some(DocKind::Job),
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "kind must be \"profile\" or \"job\", not {other:?}"
                )));
            }
        };
        let source = Source::extract(source, filename, true)?;
        let name = source.name(filename);
        let engine = &*self.inner;
        let parsed: Parsed = py
            .detach(|| match source {
                Source::Path(path) => engine.parse_file(&path, kind),
                Source::Content { bytes, format } => {
                    let text = text_of(&bytes, format, &name)?;
                    Ok(engine.parse_text(stem(&name, "document"), text, kind))
                }
            })
            .map_err(py_err)?;
        Ok(pythonize::pythonize(py, &parsed)?)
    }

    /// Parse a job description (path, text or bytes) once, to rank it many times.
    #[pyo3(signature = (path, *, job_id=None, filename=None))]
    fn read_job(
        &self,
        py: Python<'_>,
        path: &Bound<'_, PyAny>,
        job_id: Option<String>,
        filename: Option<&str>,
    ) -> PyResult<PyJob> {
        Ok(PyJob {
            inner: self.job_of(py, path, job_id, filename)?,
        })
    }

    /// Rank the indexed profiles against `job` (a Job, a path, its text or bytes): the
    /// best `top`, each a dict with its score, features and evidence. `require`: skills
    /// every result shows; `min_years`; `exclude`: terms no result contains;
    /// `explain=False` drops explanations and what only stored documents have (faster,
    /// same scores); `blind=True` drops names; `semantic=False` ranks by words alone,
    /// `dense_feedback=False` without feedback by meaning. `job_id` names a job given as
    /// text.
    ///
    /// >>> r = m.rank("corpus/jobs/zh-im-backend-lead.md", top=3)
    /// >>> r[0]["id"], round(r[0]["score"], 1)
    /// ('zh-im-platform-lead', 52.8)
    #[pyo3(signature = (job, *, top=10, require=Vec::new(), min_years=None, exclude=Vec::new(),
                        explain=true, blind=false, job_id=None, filename=None,
                        semantic=true, dense_feedback=true))]
    #[allow(clippy::too_many_arguments)]
    fn rank(
        &self,
        py: Python<'_>,
        job: &Bound<'_, PyAny>,
        top: usize,
        require: Vec<String>,
        min_years: Option<f32>,
        exclude: Vec<String>,
        explain: bool,
        blind: bool,
        job_id: Option<String>,
        filename: Option<&str>,
        semantic: bool,
        dense_feedback: bool,
    ) -> PyResult<PyRanking> {
        let job = self.job_of(py, job, job_id, filename)?;
        let ask = Ask::new(top, require, min_years, exclude, explain, blind)
            .meaning(semantic, dense_feedback);
        let engine = &*self.inner;
        let ranking = py
            .detach(|| engine.rank(&job, &ask.options))
            .map_err(py_err)?;
        Ok(PyRanking {
            inner: ranking,
            explain: ask.explain,
        })
    }

    /// Rank many jobs (each a job or a `(job_id, job)` pair) on the engine's threads,
    /// yielding each Ranking as it is done, in the order of `jobs`. Same options as
    /// `rank`.
    ///
    /// >>> for ranking in m.rank_many(["jobs/a.md", "jobs/b.md"], top=100):
    /// ...     out.write(ranking.to_trec())
    #[pyo3(signature = (jobs, *, top=10, require=Vec::new(), min_years=None, exclude=Vec::new(),
                        explain=true, blind=false, semantic=true, dense_feedback=true))]
    #[allow(clippy::too_many_arguments)]
    fn rank_many(
        &self,
        py: Python<'_>,
        jobs: &Bound<'_, PyAny>,
        top: usize,
        require: Vec<String>,
        min_years: Option<f32>,
        exclude: Vec<String>,
        explain: bool,
        blind: bool,
        semantic: bool,
        dense_feedback: bool,
    ) -> PyResult<Rankings> {
        let mut parsed = Vec::new();
        for item in jobs.try_iter()? {
            let item = item?;
            // `(job_id, job)` pairs name their jobs; a bare job is named by its file.
            let job = match item.extract::<(String, Bound<'_, PyAny>)>() {
                Ok((id, job)) if !item.is_instance_of::<PyString>() => {
                    self.job_of(py, &job, Some(id), None)?
                }
                _ => self.job_of(py, &item, None, None)?,
            };
            parsed.push(job);
        }
        let ask = Ask::new(top, require, min_years, exclude, explain, blind)
            .meaning(semantic, dense_feedback);
        // The engine ranks on its own pool from a thread of its own; rankings come back in
        // the order of `jobs`, each as soon as it and those before it are done. A bounded
        // channel: a slow consumer holds the pool back instead of filling memory.
        let (tx, rx) = mpsc::sync_channel::<Result<matcher::Ranking, matcher::Error>>(16);
        let engine = Arc::clone(&self.inner);
        let options = ask.options;
        std::thread::Builder::new()
            .name("matcher-rank-many".into())
            .spawn(move || {
                engine.rank_streaming(&parsed, &options, |_, ranking| tx.send(ranking).is_ok());
            })
            .map_err(|e| MatcherError::new_err(format!("cannot start a thread: {e}")))?;
        Ok(Rankings {
            rx: Mutex::new(rx),
            explain: ask.explain,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Matcher({:?}{})",
            self.inner.index_dir().display().to_string(),
            if self.read_only {
                ", read_only=True"
            } else {
                ""
            }
        )
    }
}

/// A parsed job description, to rank many times without parsing it again.
#[pyclass(name = "Job", module = "matcher._matcher", frozen)]
struct PyJob {
    inner: matcher::Job,
}

#[pymethods]
impl PyJob {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// What the engine understood of the job (title, skills with evidence, years …).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.inner)?)
    }

    fn __repr__(&self) -> String {
        format!("Job(id={:?}, title={:?})", self.inner.id, self.inner.title)
    }
}

/// What `Matcher.index` did.
#[pyclass(module = "matcher._matcher", frozen, get_all)]
struct IndexReport {
    indexed: usize,
    updated: usize,
    skipped: usize,
    pruned: usize,
    ignored: usize,
    /// One `MatcherError` per file that could not be indexed.
    failures: Py<PyList>,
    elapsed: f64,
}

impl IndexReport {
    fn from(r: matcher::IndexReport) -> PyResult<IndexReport> {
        let failures = Python::attach(|py| {
            let errors: Vec<_> = r
                .failures
                .into_iter()
                .map(|e| py_err(e).into_value(py))
                .collect();
            PyList::new(py, errors).map(Bound::unbind)
        })?;
        Ok(IndexReport {
            indexed: r.indexed,
            updated: r.updated,
            skipped: r.skipped,
            pruned: r.pruned,
            ignored: r.ignored,
            failures,
            elapsed: r.elapsed.as_secs_f64(),
        })
    }
}

#[pymethods]
impl IndexReport {
    fn __repr__(&self) -> String {
        format!(
            "IndexReport(indexed={}, updated={}, skipped={}, pruned={}, ignored={}, failed={}, elapsed={:.3})",
            self.indexed,
            self.updated,
            self.skipped,
            self.pruned,
            self.ignored,
            Python::attach(|py| self.failures.bind(py).len()),
            self.elapsed
        )
    }
}

/// The ranked profiles for one job, best first: `ranking[i]` is a dict per match.
#[pyclass(name = "Ranking", module = "matcher._matcher", frozen)]
struct PyRanking {
    inner: matcher::Ranking,
    explain: bool,
}

impl PyRanking {
    fn match_dict<'py>(&self, py: Python<'py>, m: &matcher::Match) -> PyResult<Bound<'py, PyDict>> {
        let d = pythonize::pythonize(py, m)?.cast_into::<PyDict>()?;
        if !self.explain {
            d.del_item("explanation")?;
        }
        Ok(d)
    }
}

#[pymethods]
impl PyRanking {
    #[getter]
    fn job_id(&self) -> &str {
        &self.inner.job_id
    }

    #[getter]
    fn job_title(&self) -> &str {
        &self.inner.job_title
    }

    fn __len__(&self) -> usize {
        self.inner.results.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, i: isize) -> PyResult<Bound<'py, PyDict>> {
        let n = self.inner.results.len() as isize;
        let at = if i < 0 { i + n } else { i };
        if at < 0 || at >= n {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "ranking index out of range",
            ));
        }
        self.match_dict(py, &self.inner.results[at as usize])
    }

    /// One plain dict per match (as `ranking[i]`, plus `job_id`).
    fn to_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for m in &self.inner.results {
            let d = self.match_dict(py, m)?;
            d.set_item("job_id", &self.inner.job_id)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// Columns for a DataFrame: name → list, one row per match.
    fn _columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let r = &self.inner.results;
        let cols = PyDict::new(py);
        cols.set_item("job_id", vec![self.inner.job_id.as_str(); r.len()])?;
        cols.set_item("rank", r.iter().map(|m| m.rank).collect::<Vec<_>>())?;
        cols.set_item(
            "profile_id",
            r.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "score",
            r.iter().map(|m| f64::from(m.score)).collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "bm25",
            r.iter().map(|m| f64::from(m.bm25)).collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "name",
            r.iter().map(|m| m.name.as_deref()).collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "headline",
            r.iter().map(|m| m.headline.as_deref()).collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "years",
            r.iter()
                .map(|m| m.explanation.years.map(f64::from))
                .collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "location",
            r.iter()
                .map(|m| m.explanation.location.as_deref())
                .collect::<Vec<_>>(),
        )?;
        let skills =
            |v: &[matcher::Evidence]| v.iter().map(|s| s.skill.clone()).collect::<Vec<_>>();
        cols.set_item(
            "matched_required",
            r.iter()
                .map(|m| skills(&m.explanation.matched_required))
                .collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "matched_preferred",
            r.iter()
                .map(|m| skills(&m.explanation.matched_preferred))
                .collect::<Vec<_>>(),
        )?;
        cols.set_item(
            "missing_required",
            r.iter()
                .map(|m| m.explanation.missing_required.clone())
                .collect::<Vec<_>>(),
        )?;
        // One column per feature: the points it added to the score.
        if let Some(first) = r.first() {
            for (i, f) in first.explanation.features.iter().enumerate() {
                let points: Vec<Option<f64>> = r
                    .iter()
                    .map(|m| {
                        m.explanation
                            .features
                            .get(i)
                            .map(|g| f64::from(g.contribution))
                    })
                    .collect();
                cols.set_item(format!("points_{}", f.name), points)?;
            }
        }
        if self.explain {
            let explanations = PyList::empty(py);
            for m in r {
                explanations.append(pythonize::pythonize(py, &m.explanation)?)?;
            }
            cols.set_item("explanation", explanations)?;
        }
        Ok(cols)
    }

    /// A pandas.DataFrame, one row per match: job_id, rank, profile_id, score, bm25,
    /// name, headline, years, location, matched_required, matched_preferred,
    /// missing_required, points_<feature> and (with explain) explanation.
    ///
    /// >>> m.rank(job, top=5).to_pandas()[["rank", "profile_id", "score"]]
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pandas = py.import("pandas")?;
        pandas.getattr("DataFrame")?.call1((self._columns(py)?,))
    }

    /// One `(job_id, rank, profile_id, score, explanation)` tuple per match, the
    /// explanation as the library's JSON: the rows of `matcher.spark.rank_jobs`.
    fn _rows(&self) -> PyResult<Vec<SparkRow>> {
        self.inner
            .results
            .iter()
            .map(|m| {
                let explanation = serde_json::to_string(&m.explanation)
                    .map_err(|e| MatcherError::new_err(e.to_string()))?;
                Ok((
                    self.inner.job_id.clone(),
                    m.rank,
                    m.id.clone(),
                    f64::from(m.score),
                    explanation,
                ))
            })
            .collect()
    }

    /// The ranking as the TREC run `matcher rank --format trec` writes.
    fn to_trec(&self) -> PyResult<String> {
        let mut out = Vec::new();
        matcher::write_trec(&mut out, &self.inner)
            .map_err(|e| MatcherError::new_err(e.to_string()))?;
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn __repr__(&self) -> String {
        format!(
            "Ranking(job_id={:?}, job_title={:?}, results={})",
            self.inner.job_id,
            self.inner.job_title,
            self.inner.results.len()
        )
    }
}

/// `(job_id, rank, profile_id, score, explanation as JSON)`.
type SparkRow = (String, usize, String, f64, String);

/// The rankings of `Matcher.rank_many`, in the order of its jobs, each as it is ready.
#[pyclass(module = "matcher._matcher")]
struct Rankings {
    rx: Mutex<mpsc::Receiver<Result<matcher::Ranking, matcher::Error>>>,
    explain: bool,
}

#[pymethods]
impl Rankings {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<PyRanking>> {
        let next = py.detach(|| match self.rx.lock() {
            Ok(rx) => rx.recv().ok(),
            Err(_) => None,
        });
        match next {
            None => Ok(None),
            Some(Ok(ranking)) => Ok(Some(PyRanking {
                inner: ranking,
                explain: self.explain,
            })),
            Some(Err(e)) => Err(py_err(e)),
        }
    }
}

#[pymodule]
fn _matcher(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyMatcher>()?;
    m.add_class::<PyJob>()?;
    m.add_class::<PyRanking>()?;
    m.add_class::<Rankings>()?;
    m.add_class::<IndexReport>()?;
    m.add("MatcherError", py.get_type::<MatcherError>())?;
    m.add("BadInputError", py.get_type::<BadInputError>())?;
    m.add("IndexLockedError", py.get_type::<IndexLockedError>())?;
    m.add("SchemaMismatchError", py.get_type::<SchemaMismatchError>())?;
    m.add("NoIndexError", py.get_type::<NoIndexError>())?;
    m.add("SCHEMA_VERSION", matcher::SCHEMA_VERSION)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
