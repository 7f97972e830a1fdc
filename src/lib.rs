//! # matcher
//!
//! A candidate–job matching engine for Chinese, English and mixed text.
//!
//! Résumés are read from plain text, Markdown and HTML, parsed into [`Profile`]s (with
//! personal data kept apart so that it can never influence a ranking) and indexed in an
//! on-disk [Tantivy](https://docs.rs/tantivy) index through one [`Analyzer`] that
//! segments Chinese with jieba and stems English. A [`Job`] description is parsed the
//! same way and ranked against the index with BM25.
//!
//! The data flows through the modules in this order: `ingest` (files → text),
//! `profile` / `job` (text → structure), `analysis` (terms), `index` (Tantivy),
//! `retrieve` (BM25 candidates), `rank` (ordered, explained results), `output`
//! (table, JSON, TREC). [`Matcher`] ties them together; the `matcher` binary is a thin
//! client of this same API.
//!
//! ```no_run
//! use matcher::{IndexOptions, Matcher, RankOptions};
//!
//! let matcher = Matcher::builder().index_dir("index").build()?;
//! matcher.index(&["corpus/profiles"], &IndexOptions::default())?;
//! let job = matcher.read_job("corpus/jobs/zh-im-backend-lead.md".as_ref())?;
//! for m in matcher.rank(&job, &RankOptions::default())?.results {
//!     println!("{} {} {:.2}", m.rank, m.id, m.score);
//! }
//! # Ok::<(), matcher::Error>(())
//! ```

#![deny(missing_docs)]

mod analysis;
mod audit;
mod embed;
mod engine;
mod error;
mod eval;
mod features;
mod index;
mod ingest;
mod job;
mod output;
mod profile;
mod rank;
mod retrieve;
#[cfg(feature = "serve")]
mod serve;

pub use analysis::{
    Analyzer, Lexicon, Mention, MixedTokenizer, OccupationId, OccupationTable, Occupations, Skill,
    SkillId, TOKENIZER_NAME, Taxonomy,
};
pub use audit::{
    AuditOptions, AuditRecord, AuditSource, BiasReport, CategoryRow, Demographics, FOUR_FIFTHS,
    Fingerprint, IndexRecord, JobRecord, JobScores, OptionsRecord, Replay, ResultRecord,
    SMALL_SHARE, SampleReport, Table, audit, bias_report, config_fingerprint, impact_ratio_svg,
    read_records, read_run, replay, replay_file, write_markdown, write_replays, write_report_files,
};
pub use embed::{DIM as EMBED_DIM, Encoder, MAX_TOKENS as EMBED_MAX_TOKENS};
pub use engine::{
    DEFAULT_EMBED_TOKENS, DEFAULT_JOB_TOKENS, DocKind, IndexOptions, IndexReport, Matcher,
    MatcherBuilder, Parsed, StoredProfile,
};
pub use error::{Error, ErrorKind, Result};
pub use eval::{Config, EvalOptions, EvalRow, Metrics, Qrels, Run, evaluate, evaluate_collection};
pub use features::{
    Candidate, Feature, JobContext, SkillMatch, TEXT_GATE, TITLE_BM25, WantedSkill, Weights,
};
pub use index::SCHEMA_VERSION;
pub use ingest::{
    DEFAULT_MAX_FILE_BYTES, Format, Heading, ReadOptions, Stated, StatedJob, StatedProfile, Text,
    pdf_text, read_file, read_text,
};
pub use job::Job;
pub use output::{
    TREC_RUN_NAME, write_explained, write_json, write_jsonl, write_table, write_trec,
};
pub use profile::{Education, Personal, Profile, ProfileFacts, SkillEvidence};
pub use rank::{
    DEFAULT_MAX_POSTINGS, Evidence, Explanation, FeatureScore, Match, REDACTED, RankOptions,
    Ranking, RelatedCredit, TitleSimilarity, default_depth,
};
pub use retrieve::{DenseFeedback, Feedback};
#[cfg(feature = "serve")]
pub use serve::{ServeOptions, serve};
