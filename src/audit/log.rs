//! The audit log: one JSON line per ranking, enough to say later what was ranked, with
//! what, and to run it again ([`replay`](super::replay)).
//!
//! A record holds the time, the SHA-256 of the job's text and the file it came from, the
//! index's commit id (its segments and their deletes: any commit that changes what is
//! searched changes it), the configuration's fingerprint ([`config_fingerprint`]), the
//! options, and for each result its id, score, BM25 and per-feature contributions. It
//! holds no résumé text and no personal data: names, quotes, snippets and matched terms
//! are left out whatever the options.
//!
//! Many rankers may append to one file — the threads of one engine, and other
//! processes: each record is serialised first, then written with one `write` under the
//! engine's mutex and an exclusive file lock, on a file opened for appending, so records
//! never interleave. Each write reaches the kernel before the ranking returns (it
//! survives the process, not a power cut: no `fsync` per ranking).

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tantivy::Searcher;

use crate::analysis::Lexicon;
use crate::error::{Error, Result};
use crate::features::Weights;
use crate::index::SCHEMA_VERSION;
use crate::job::Job;
use crate::rank::{RankOptions, Ranking};
use crate::retrieve::{DenseFeedback, Feedback};

/// One ranking, as the audit log records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When the ranking ran, UTC, RFC 3339 (`2026-12-01T20:15:03.123Z`).
    pub time: String,
    /// The job ranked for.
    pub job: JobRecord,
    /// The index it was ranked against.
    pub index: IndexRecord,
    /// The configuration it was ranked with.
    pub config: Fingerprint,
    /// The options of the ranking.
    pub options: OptionsRecord,
    /// The results, best first.
    pub results: Vec<ResultRecord>,
}

/// The job of a record: its id, where it was read from and the hash of its text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The job's id.
    pub id: String,
    /// The file it was read from, when it came from one (what `replay` reads again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<PathBuf>,
    /// SHA-256 of the job's flattened text, hex.
    pub sha256: String,
}

/// The index of a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexRecord {
    /// The index directory.
    pub dir: PathBuf,
    /// The commit searched: a hash of its segment ids and each segment's delete opstamp,
    /// hex. Every commit that adds, replaces or removes a profile changes it.
    pub commit: String,
    /// Profiles searchable at that commit.
    pub profiles: u64,
}

/// What decides a ranking besides the index and the job: weights, vocabularies, models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// SHA-256 over every part below, hex: equal fingerprints rank alike.
    pub hash: String,
    /// The matcher version.
    pub matcher: String,
    /// The index schema version this build reads.
    pub schema: u32,
    /// The weights ranked with (the engine's or the options').
    #[serde(deserialize_with = "recorded_weights")]
    pub weights: Weights,
    /// SHA-256 of the skill taxonomy in use (built-in and any extension file), hex.
    pub taxonomy: String,
    /// SHA-256 of the title and place vocabularies, hex.
    pub vocabularies: String,
    /// Models and their versions (a sentence encoder adds itself here), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub models: BTreeMap<String, String>,
}

impl Fingerprint {
    /// The parts that differ between `self` (recorded) and `now`, in words.
    pub fn differences(&self, now: &Fingerprint) -> Vec<String> {
        let mut out = Vec::new();
        let mut part = |name: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{name}: {a} → {b}"));
            }
        };
        part("matcher", self.matcher.clone(), now.matcher.clone());
        part("schema", self.schema.to_string(), now.schema.to_string());
        part(
            "weights",
            serde_json::to_string(&self.weights).unwrap_or_default(),
            serde_json::to_string(&now.weights).unwrap_or_default(),
        );
        part("taxonomy", self.taxonomy.clone(), now.taxonomy.clone());
        part(
            "vocabularies",
            self.vocabularies.clone(),
            now.vocabularies.clone(),
        );
        part(
            "models",
            format!("{:?}", self.models),
            format!("{:?}", now.models),
        );
        out
    }
}

/// The fingerprint of a configuration: the weights, the vocabularies of `lexicon` and
/// the versions of matcher, its schema and its models. The one place a new part of the
/// configuration (a model, its version) is added.
/// The sentence encoder is taken as the engine's default reads it
/// ([`DEFAULT_EMBED_TOKENS`](crate::DEFAULT_EMBED_TOKENS) tokens of a profile,
/// [`DEFAULT_JOB_TOKENS`](crate::DEFAULT_JOB_TOKENS) of a job).
pub fn config_fingerprint(weights: &Weights, lexicon: &Lexicon) -> Fingerprint {
    let (taxonomy, vocabularies) = lexicon_digests(lexicon);
    let tokens = (crate::DEFAULT_EMBED_TOKENS, crate::DEFAULT_JOB_TOKENS);
    fingerprint_of(weights, taxonomy, vocabularies, tokens)
}

/// The hex SHA-256 of the skill taxonomy, and of the title and place vocabularies.
pub(crate) fn lexicon_digests(lexicon: &Lexicon) -> (String, String) {
    let digest = |taxonomies: &[&crate::analysis::Taxonomy]| {
        let mut h = Sha256::new();
        for t in taxonomies {
            t.digest(&mut |bytes| h.update(bytes));
        }
        hex(&h.finalize())
    };
    (
        digest(&[&lexicon.skills]),
        digest(&[&lexicon.titles, &lexicon.places]),
    )
}

/// The fingerprint from the lexicon's digests, computed once per engine.
pub(crate) fn fingerprint_of(
    weights: &Weights,
    taxonomy: String,
    vocabularies: String,
    (embed_tokens, job_tokens): (usize, usize),
) -> Fingerprint {
    let mut models = BTreeMap::new();
    if embed_tokens > 0 {
        let version = crate::embed::Encoder::builtin().version();
        let read = if job_tokens == embed_tokens {
            format!("{version}, {embed_tokens} tokens")
        } else {
            format!("{version}, {embed_tokens} tokens, {job_tokens} of a job")
        };
        models.insert("encoder".into(), read);
        models.insert(
            "title_adapter".into(),
            crate::embed::adapter::version().into(),
        );
    }
    let mut f = Fingerprint {
        hash: String::new(),
        matcher: env!("CARGO_PKG_VERSION").to_string(),
        schema: SCHEMA_VERSION,
        weights: weights.clone(),
        taxonomy,
        vocabularies,
        models,
    };
    let mut h = Sha256::new();
    h.update(serde_json::to_string(&f).unwrap_or_default().as_bytes());
    f.hash = hex(&h.finalize());
    f
}

/// Weights as a record holds them. A record written before `title_bm25` existed ranked a
/// job that is a title alone as a posting, so a missing `title_bm25` reads as 1 there (a
/// weights file's missing key takes today's default instead).
fn recorded_weights<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Weights, D::Error> {
    let mut v = serde_json::Value::deserialize(d)?;
    if let Some(m) = v.as_object_mut() {
        m.entry("title_bm25").or_insert(1.0.into());
    }
    serde_json::from_value(v).map_err(serde::de::Error::custom)
}

fn recorded_options_weights<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Weights>, D::Error> {
    #[derive(Deserialize)]
    struct Recorded(#[serde(deserialize_with = "recorded_weights")] Weights);
    Ok(Option::<Recorded>::deserialize(d)?.map(|Recorded(w)| w))
}

/// The options of a ranking, as recorded: what `replay` ranks with again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OptionsRecord {
    /// [`RankOptions::top`].
    pub top: usize,
    /// [`RankOptions::depth`] (as set; `None` for the default).
    pub depth: Option<usize>,
    /// [`RankOptions::max_terms`].
    pub max_terms: Option<usize>,
    /// [`RankOptions::max_postings`].
    pub max_postings: Option<u64>,
    /// [`RankOptions::details`].
    pub details: bool,
    /// [`RankOptions::explain`]. A record from before it had the option explained
    /// every result.
    #[serde(default = "yes")]
    pub explain: bool,
    /// [`RankOptions::require`].
    pub require: Vec<String>,
    /// [`RankOptions::min_years`].
    pub min_years: Option<f32>,
    /// [`RankOptions::exclude`].
    pub exclude: Vec<String>,
    /// [`RankOptions::weights`], when the options set them.
    #[serde(default, deserialize_with = "recorded_options_weights")]
    pub weights: Option<Weights>,
    /// [`RankOptions::feedback`]: profiles, terms, weight.
    pub feedback: Option<(usize, usize, f32)>,
    /// [`RankOptions::phrases`].
    pub phrases: bool,
    /// [`RankOptions::adaptive_b`].
    pub adaptive_b: bool,
    /// [`RankOptions::semantic`].
    #[serde(default = "yes")]
    pub semantic: bool,
    /// [`RankOptions::dense_depth`].
    #[serde(default)]
    pub dense_depth: Option<usize>,
    /// [`RankOptions::dense_exact`]. A record from before it had the exact scan, and
    /// is replayed with it.
    #[serde(default = "yes")]
    pub dense_exact: bool,
    /// [`RankOptions::dense_feedback`]: profiles, weight. A record from before it had
    /// none, and is replayed without.
    #[serde(default)]
    pub dense_feedback: Option<(usize, f32)>,
    /// [`RankOptions::blind`].
    pub blind: bool,
}

fn yes() -> bool {
    true
}

impl From<&RankOptions> for OptionsRecord {
    fn from(o: &RankOptions) -> Self {
        OptionsRecord {
            top: o.top,
            depth: o.depth,
            max_terms: o.max_terms,
            max_postings: o.max_postings,
            details: o.details,
            explain: o.explain,
            require: o.require.clone(),
            min_years: o.min_years,
            exclude: o.exclude.clone(),
            weights: o.weights.clone(),
            feedback: o.feedback.as_ref().map(|f| (f.profiles, f.terms, f.weight)),
            phrases: o.phrases,
            adaptive_b: o.adaptive_b,
            semantic: o.semantic,
            dense_depth: o.dense_depth,
            dense_exact: o.dense_exact,
            dense_feedback: o.dense_feedback.as_ref().map(|f| (f.profiles, f.weight)),
            blind: o.blind,
        }
    }
}

impl From<&OptionsRecord> for RankOptions {
    fn from(o: &OptionsRecord) -> Self {
        RankOptions {
            top: o.top,
            depth: o.depth,
            max_terms: o.max_terms,
            max_postings: o.max_postings,
            details: o.details,
            explain: o.explain,
            require: o.require.clone(),
            min_years: o.min_years,
            exclude: o.exclude.clone(),
            weights: o.weights.clone(),
            feedback: o.feedback.map(|(profiles, terms, weight)| Feedback {
                profiles,
                terms,
                weight,
            }),
            phrases: o.phrases,
            adaptive_b: o.adaptive_b,
            semantic: o.semantic,
            dense_depth: o.dense_depth,
            dense_exact: o.dense_exact,
            dense_feedback: o
                .dense_feedback
                .map(|(profiles, weight)| DenseFeedback { profiles, weight }),
            blind: o.blind,
        }
    }
}

/// One result of a record: no name, no text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRecord {
    /// 1-based rank.
    pub rank: usize,
    /// Profile id.
    pub id: String,
    /// The fit score.
    pub score: f32,
    /// BM25 relevance.
    pub bm25: f32,
    /// Each feature's contribution: name, value, weight, points.
    pub features: Vec<(String, Option<f32>, f32, f32)>,
}

impl AuditRecord {
    /// The record of `ranking`, ranked for `job` with `options` on `searcher` (of the index
    /// at `dir`) under `config`.
    pub(crate) fn new(
        job: &Job,
        options: &RankOptions,
        ranking: &Ranking,
        (dir, searcher): (&Path, &Searcher),
        config: Fingerprint,
    ) -> AuditRecord {
        AuditRecord {
            time: now_rfc3339(),
            job: JobRecord {
                id: job.id.clone(),
                source: job.source.clone(),
                sha256: sha256_hex(job.text.as_bytes()),
            },
            index: IndexRecord {
                dir: std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()),
                commit: commit_id(searcher),
                profiles: searcher.num_docs(),
            },
            config,
            options: options.into(),
            results: results_of(ranking),
        }
    }
}

/// What a record keeps of a ranking's results.
pub(crate) fn results_of(ranking: &Ranking) -> Vec<ResultRecord> {
    ranking
        .results
        .iter()
        .map(|m| ResultRecord {
            rank: m.rank,
            id: m.id.clone(),
            score: m.score,
            bm25: m.bm25,
            features: m
                .explanation
                .features
                .iter()
                .map(|f| (f.name.to_string(), f.value, f.weight, f.contribution))
                .collect(),
        })
        .collect()
}

/// The commit a searcher sees: SHA-256 over its segments' ids and delete opstamps, hex,
/// first 16 bytes.
pub(crate) fn commit_id(searcher: &Searcher) -> String {
    let mut h = Sha256::new();
    for (segment, deletes) in searcher.generation().segments() {
        h.update(segment.uuid_string().as_bytes());
        h.update(deletes.map_or(u64::MAX, |d| d).to_le_bytes());
    }
    hex(&h.finalize()[..16])
}

/// An audit log file, open for appending.
#[derive(Debug)]
pub(crate) struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
}

impl AuditLog {
    /// Open (or create) `path` for appending records.
    pub(crate) fn open(path: &Path) -> Result<AuditLog> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        Ok(AuditLog {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// Append `record` as one line: one write, under the engine's mutex and an exclusive
    /// lock on the file (other processes appending to it wait).
    pub(crate) fn append(&self, record: &AuditRecord) -> Result<()> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| Error::io(&self.path, std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let io = |e| Error::io(&self.path, e);
        fs4::fs_std::FileExt::lock_exclusive(&*file).map_err(io)?;
        let written = file.write_all(&line).and_then(|()| file.flush());
        let unlocked = fs4::fs_std::FileExt::unlock(&*file);
        written.map_err(io)?;
        unlocked.map_err(io)
    }
}

/// Read the records of an audit log: every line, or line `line` (1-based) only.
pub fn read_records(path: &Path, line: Option<usize>) -> Result<Vec<(usize, AuditRecord)>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::input(path, e.to_string()))?;
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let n = i + 1;
        if line.is_some_and(|want| want != n) || l.trim().is_empty() {
            continue;
        }
        let record: AuditRecord = serde_json::from_str(l)
            .map_err(|e| Error::input(path, format!("line {n}: not an audit record: {e}")))?;
        out.push((n, record));
    }
    if let Some(want) = line
        && out.is_empty()
    {
        return Err(Error::input(
            path,
            format!(
                "has no record at line {want} ({} lines)",
                text.lines().count()
            ),
        ));
    }
    Ok(out)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Now, UTC, as RFC 3339 with milliseconds.
fn now_rfc3339() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since.as_secs() as i64, since.subsec_millis())
}

/// Seconds since the epoch → `YYYY-MM-DDTHH:MM:SS.mmmZ` (the civil calendar of Howard
/// Hinnant's `civil_from_days`).
pub(crate) fn rfc3339(secs: i64, millis: u32) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_796_156_103, 123), "2026-12-01T20:15:03.123Z");
    }

    #[test]
    fn a_record_from_before_title_bm25_ranked_titles_as_postings() {
        let f = fingerprint_of(&Weights::default(), "t".into(), "v".into(), (0, 0));
        let mut v = serde_json::to_value(&f).unwrap();
        let read =
            |v: &serde_json::Value| -> Fingerprint { serde_json::from_value(v.clone()).unwrap() };
        assert_eq!(read(&v), f, "a record round-trips");
        v["weights"].as_object_mut().unwrap().remove("title_bm25");
        assert_eq!(read(&v).weights.title_bm25, 1.0);
        assert_eq!(read(&v).weights.bm25, f.weights.bm25);

        let options = |weights: serde_json::Value| -> Option<Weights> {
            let mut o = serde_json::to_value(OptionsRecord::from(&RankOptions::default())).unwrap();
            o["weights"] = weights;
            serde_json::from_value::<OptionsRecord>(o).unwrap().weights
        };
        assert_eq!(options(serde_json::Value::Null), None);
        let old = options(serde_json::json!({"bm25": 0.5}));
        assert_eq!(old.map(|w| (w.bm25, w.title_bm25)), Some((0.5, 1.0)));
        let new = options(serde_json::json!({"title_bm25": 0.3}));
        assert_eq!(new.map(|w| w.title_bm25), Some(0.3));
    }
}
