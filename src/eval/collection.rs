//! Evaluating matcher itself on a labelled collection: index the corpus into a scratch
//! index, rank every query under each named configuration, score the runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Metrics, Qrels, Run, evaluate};
use crate::engine::{IndexOptions, MatcherBuilder};
use crate::error::{Error, ErrorKind, Result};
use crate::features::{self, Weights};
use crate::rank::RankOptions;
use crate::retrieve::{DenseFeedback, Feedback};

/// A named ranking configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Its name in tables and run files.
    pub name: String,
    /// The weights it ranks with.
    pub weights: Weights,
    /// Whether it searches a second time with feedback ([`Feedback`]).
    pub feedback: bool,
    /// Whether it searches the job's phrases too ([`RankOptions::phrases`]).
    pub phrases: bool,
    /// Whether BM25's `b` follows the job's length ([`RankOptions::adaptive_b`]).
    pub adaptive_b: bool,
    /// Whether it matches by meaning too ([`RankOptions::semantic`]).
    pub semantic: bool,
    /// Whether the job's text vector is moved toward its nearest profiles ([`DenseFeedback`]).
    pub dense_feedback: bool,
}

impl Config {
    /// `bm25-only` (no feedback, phrases nor adaptive `b` either), `full` (the `base`
    /// weights, with feedback, phrases and adaptive `b`), `no-feedback` (full, searching
    /// once), `no-phrases` (full, searching words only), `fixed-b` (full, with BM25's
    /// usual b = 0.75 for every job), `no-dense-feedback` (full, meaning scored with
    /// the job's own text vector), or `no-FEATURE` (the `base` weights with
    /// one feature's weight set to zero). `base` is [`Weights::default`] unless the
    /// weights being tuned are others (`matcher --weights FILE eval`).
    pub fn named(name: &str, base: &Weights) -> Result<Config> {
        let weights = match name {
            "bm25-only" => Weights::bm25_only(),
            "full" | "no-feedback" | "no-phrases" | "fixed-b" | "no-dense-feedback" => base.clone(),
            "lexical" => base.clone().without("semantic").without("semantic_title"),
            // The two semantic features in their `base` proportion (equal when `base`
            // gives them none), nothing else.
            "semantic-only" => {
                let none = base.semantic + base.semantic_title <= 0.0;
                Weights {
                    bm25: 0.0,
                    semantic: if none { 1.0 } else { base.semantic },
                    semantic_title: if none { 1.0 } else { base.semantic_title },
                    ..Weights::bm25_only()
                }
            }
            other => {
                let feature = other
                    .strip_prefix("no-")
                    .filter(|f| features::all().iter().any(|x| x.name() == *f));
                let Some(feature) = feature else {
                    return Err(Error::usage(format!(
                        "unknown configuration {other:?}: use bm25-only, full, lexical, semantic-only, no-feedback, no-phrases, fixed-b, no-dense-feedback or no-FEATURE (FEATURE one of {})",
                        features::all()
                            .iter()
                            .map(|f| f.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                };
                base.clone().without(feature)
            }
        };
        Ok(Config {
            name: name.to_string(),
            weights,
            feedback: !matches!(name, "bm25-only" | "no-feedback" | "semantic-only"),
            phrases: !matches!(name, "bm25-only" | "no-phrases" | "semantic-only"),
            adaptive_b: !matches!(name, "bm25-only" | "fixed-b"),
            semantic: !matches!(name, "bm25-only" | "lexical"),
            dense_feedback: !matches!(name, "bm25-only" | "lexical" | "no-dense-feedback"),
        })
    }

    /// `bm25-only`, `full`, `no-feedback`, `no-phrases`, `fixed-b`, `no-dense-feedback`,
    /// and `full` without each feature in turn.
    pub fn ablation(base: &Weights) -> Vec<Config> {
        let mut out: Vec<Config> = [
            "bm25-only",
            "full",
            "no-feedback",
            "no-phrases",
            "fixed-b",
            "no-dense-feedback",
        ]
        .into_iter()
        .map(|name| Config::named(name, base).expect("known"))
        .collect();
        for f in features::all() {
            if f.name() != "bm25" {
                out.push(Config::named(&format!("no-{}", f.name()), base).expect("known"));
            }
        }
        out
    }
}

/// One configuration's scores.
#[derive(Clone, Debug, Serialize)]
pub struct EvalRow {
    /// Configuration name.
    pub config: String,
    /// Its measures.
    pub metrics: Metrics,
}

/// How to evaluate a collection.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// Results per query. By default, 100.
    pub top: usize,
    /// The engine to evaluate: how it reads profiles (taxonomy, file-size limit, PDF
    /// helper) and how many threads it uses. Its index directory is replaced by a scratch
    /// one; the weights come from each [`Config`]. By default, [`MatcherBuilder::default`].
    pub engine: MatcherBuilder,
    /// Write each configuration's run to `DIR/NAME.trec`. By default, nowhere.
    pub runs_dir: Option<PathBuf>,
    /// BM25 candidates re-scored per query ([`RankOptions::depth`]).
    pub depth: Option<usize>,
    /// The postings budget of each search ([`RankOptions::max_postings`]).
    pub max_postings: Option<u64>,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            top: 100,
            engine: MatcherBuilder::default(),
            runs_dir: None,
            depth: None,
            max_postings: RankOptions::default().max_postings,
        }
    }
}

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Index `corpus` (a directory of profile files, or a TSV of `id<TAB>text`) into a scratch
/// index, rank `queries` (a directory of job files, or a TSV) under each configuration and
/// score the runs against `qrels`.
pub fn evaluate_collection(
    corpus: &Path,
    queries: &Path,
    qrels: &Qrels,
    configs: &[Config],
    options: &EvalOptions,
) -> Result<Vec<EvalRow>> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let scratch =
        Scratch(std::env::temp_dir().join(format!("matcher-eval-{}-{nanos}", std::process::id())));
    std::fs::create_dir_all(&scratch.0).map_err(|e| Error::io(&scratch.0, e))?;
    let mut tsv_rows = TsvRows::default();
    let corpus = tsv_rows.materialize(corpus, &scratch.0.join("corpus"))?;
    let queries = tsv_rows.materialize(queries, &scratch.0.join("queries"))?;
    let matcher = options
        .engine
        .clone()
        .index_dir(scratch.0.join("index"))
        .build()?;
    let report = matcher.index(&[corpus], &IndexOptions::default())?;
    if let Some(first) = report.failures.into_iter().next() {
        return Err(tsv_rows.origin(first));
    }
    let (jobs, errors) = matcher.read_jobs(&[queries]);
    if let Some(first) = errors.into_iter().next() {
        return Err(tsv_rows.origin(first));
    }
    let mut rows = Vec::with_capacity(configs.len());
    for config in configs {
        let rank = RankOptions {
            top: options.top,
            depth: options.depth,
            max_postings: options.max_postings,
            weights: Some(config.weights.clone()),
            details: false,
            explain: false,
            feedback: config.feedback.then(Feedback::default),
            phrases: config.phrases,
            adaptive_b: config.adaptive_b,
            semantic: config.semantic,
            dense_feedback: config.dense_feedback.then(DenseFeedback::default),
            ..RankOptions::default()
        };
        let rankings = matcher
            .rank_many(&jobs, &rank)
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        if let Some(dir) = &options.runs_dir {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            let path = dir.join(format!("{}.trec", config.name));
            let mut out = Vec::new();
            for r in &rankings {
                crate::output::write_trec(&mut out, r).map_err(|e| Error::io(&path, e))?;
            }
            std::fs::write(&path, out).map_err(|e| Error::io(&path, e))?;
        }
        let metrics = evaluate(qrels, &Run::from_rankings(&rankings));
        rows.push(EvalRow {
            config: config.name.clone(),
            metrics,
        });
    }
    Ok(rows)
}

/// Where the documents written out from TSV rows came from, so that an error about one
/// names the user's file and line, not a scratch file that is gone once eval exits.
#[derive(Default)]
struct TsvRows {
    /// Scratch file → (TSV path, 1-based line, row id).
    origins: HashMap<PathBuf, (PathBuf, usize, String)>,
}

impl TsvRows {
    /// A directory of documents: `path` itself, or a TSV (`id<TAB>text`, an optional
    /// header whose first column ends in "id") written out as one `.txt` file per row
    /// under `scratch`.
    fn materialize(&mut self, path: &Path, scratch: &Path) -> Result<PathBuf> {
        if path.is_dir() {
            return Ok(path.to_path_buf());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        std::fs::create_dir_all(scratch).map_err(|e| Error::io(scratch, e))?;
        for (n, line) in text.lines().enumerate() {
            let Some((id, body)) = line.split_once('\t') else {
                if line.trim().is_empty() {
                    continue;
                }
                return Err(Error::input(
                    path,
                    format!("line {}: expected `id<TAB>text`", n + 1),
                ));
            };
            if n == 0 && id.to_ascii_lowercase().ends_with("id") {
                continue;
            }
            let id = id.trim();
            if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
                return Err(Error::input(
                    path,
                    format!("line {}: id {id:?} cannot name a document", n + 1),
                ));
            }
            let file = scratch.join(format!("{id}.txt"));
            std::fs::write(&file, body.replace("\\n", "\n")).map_err(|e| Error::io(&file, e))?;
            self.origins
                .insert(file, (path.to_path_buf(), n + 1, id.to_string()));
        }
        Ok(scratch.to_path_buf())
    }

    /// `error`, about the TSV row it concerns when it names a file written from one.
    fn origin(&self, error: Error) -> Error {
        if let ErrorKind::Input { path, reason } = error.kind()
            && let Some((tsv, line, id)) = self.origins.get(path)
        {
            return Error::input(tsv, format!("line {line} (id {id:?}): {reason}"));
        }
        error
    }
}
