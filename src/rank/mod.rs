//! Rank: BM25 candidates → re-scored by the fit features → the ordered, explained list.
//!
//! The BM25 top-N (the *depth*) are re-scored: each candidate's facts are read from the
//! index's fast columns (never the résumé, nor its stored document), hard filters drop
//! those that fail, and every feature scores the rest — in parallel on the engine's pool, or in a plain loop with one thread; the
//! arithmetic per candidate is the same either way, so the results are identical. The
//! score is `100 × Σ wᵢ·vᵢ / Σ wᵢ` over the features that apply to the job. Ties are
//! broken by id, so the same index and job always give the same bytes of output. Only the
//! results returned read their stored document (name, headline, text) and get their
//! explanation with evidence quotes; `exclude`, which filters on the text, reads every
//! candidate's.

mod blind;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::analysis::{Analyzer, Lexicon, bm25_idf};
use crate::error::{Error, Result};
use crate::features::{self, Candidate, JobContext, SkillMatch, WantedSkill, Weights};
use crate::index::{
    self, Columns, FactsCache, Fields, RescoreFacts, SegmentVectors, TermRef, TermTable,
};
use crate::job::Job;
use crate::profile::{Education, Personal, ProfileFacts, SkillEvidence, snippet};
use crate::retrieve::{DenseFeedback, Feedback, JobTerms, JobVectors};
pub use blind::REDACTED;

/// How many matched terms a result lists.
const MATCHED_TERMS: usize = 8;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 160;
/// Characters of context on each side of a skill's evidence.
const EVIDENCE_CONTEXT: usize = 24;

/// The ranked profiles for one job.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Ranking {
    /// The job's id (file name without extension).
    pub job_id: String,
    /// The job's title.
    pub job_title: String,
    /// Profiles, best first.
    pub results: Vec<Match>,
}

/// One ranked profile.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Match {
    /// 1-based rank.
    pub rank: usize,
    /// Profile id.
    pub id: String,
    /// Candidate name, for display only (never used for ranking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Current title, as written in the profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The fit score, 0–100, the ranking is ordered by.
    pub score: f32,
    /// BM25 relevance of the profile text to the job.
    pub bm25: f32,
    /// The job's terms this profile contains, most distinctive first, as the profile
    /// writes them.
    pub matched_terms: Vec<String>,
    /// The start of the profile (personal data removed).
    pub snippet: String,
    /// Why the profile scored what it did.
    pub explanation: Explanation,
}

/// Why a profile scored what it did.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, Serialize)]
pub struct Explanation {
    /// Each feature's value, weight and contribution to the score, in a fixed order.
    pub features: Vec<FeatureScore>,
    /// The evidence of relevance the text gate judges: the best of the normalised BM25,
    /// the trusted required-skill coverage and — for a profile written in another
    /// language than the job, or a job that is a title alone — the semantic similarity
    /// against the nearest candidate's ([`Weights::text_gate`](crate::Weights::text_gate)).
    pub evidence: f32,
    /// The share of their weight the gated features get for this candidate: 1 at or
    /// above the text gate, `evidence / text_gate` below. With `evidence`, each
    /// feature's `trust` and `gated`, it lets a score be recomputed under other weights
    /// (scripts/fit_weights.py does).
    pub gate: f32,
    /// Required skills the profile shows, with the text that proves it.
    pub matched_required: Vec<Evidence>,
    /// Preferred skills the profile shows, with the text that proves it.
    pub matched_preferred: Vec<Evidence>,
    /// Required skills the profile does not show.
    pub missing_required: Vec<String>,
    /// Missing required skills credited through a related skill the profile has.
    pub related: Vec<RelatedCredit>,
    /// The profile's years of experience.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years: Option<f32>,
    /// The profile's highest education.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    /// The profile's location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The occupation the job's and the profile's titles share most, when they share
    /// one (ESCO or O*NET preferred title): why a differently worded title counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    /// The profile's headline (or first title) and its cosine with the job title as the
    /// sentence encoder reads them: `title ≈ "Cloud backend engineer" (0.81)`, however
    /// differently, or in whatever language, the two are worded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_similarity: Option<TitleSimilarity>,
}

/// A profile title and how close it is in meaning to the job's.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
pub struct TitleSimilarity {
    /// The profile's headline, or its first title when it has none.
    pub title: String,
    /// The cosine of its vector and the job title's.
    pub cosine: f32,
}

/// One feature's part in a score.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct FeatureScore {
    /// Feature name.
    pub name: &'static str,
    /// Value in [0, 1], or `None` when the job gives it nothing to judge.
    pub value: Option<f32>,
    /// Its weight for this job and candidate: the configured weight, times `trust`,
    /// times the text gate when `gated` ([`Weights::text_gate`](crate::Weights::text_gate)).
    pub weight: f32,
    /// The share of its configured weight this job gives it: the job's skill trust for
    /// the skill features, 1 for the others. The score is normalised by the sum of
    /// configured weight × trust over the features that apply.
    pub trust: f32,
    /// Whether the text gate scales it (every feature but bm25).
    pub gated: bool,
    /// Points it adds to the 0–100 score.
    pub contribution: f32,
}

/// A skill and the profile text that shows it.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    /// Canonical skill name.
    pub skill: String,
    /// The words that name it in the profile.
    pub text: String,
    /// Those words in their context.
    pub quote: String,
    /// Byte span of `text` in the profile's ranking text.
    pub span: (usize, usize),
}

/// Partial credit for a missing required skill.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct RelatedCredit {
    /// The required skill.
    pub required: String,
    /// The profile's related skill.
    pub via: String,
    /// Credit, as a share of the skill's weight.
    pub credit: f32,
}

/// The default postings budget of a query ([`RankOptions::max_postings`]): 60,000.
///
/// At 100k generated profiles a job's terms have ~1.15M postings in all (median). With
/// feedback and occupations, 60k postings take the median query from 28 to 12 ms (with
/// the depth below) for MAP 0.2697 → 0.2693 and nDCG@10 0.9205 → 0.9200 on the
/// generated qrels; no labelled set of `scripts/quality.sh` (≤ 2,619 profiles) changes
/// (docs/PERFORMANCE.md). Those times were block-max WAND's; with the term-at-a-time
/// search, 60k / 250k / no budget take the median to 6.0 / 7.8 / 17.9 ms, so 60k stays.
pub const DEFAULT_MAX_POSTINGS: u64 = 60_000;

/// The re-scoring depth for `top` results when none is set: 50 for the 10 results a
/// recruiter reads, 200 for a top-100 batch.
///
/// Shown results gain nothing from a deeper pool on the labelled sets: for the top 10,
/// depth 50 against 200 has equal or better nDCG@10 on all four (résumé categories
/// 0.808 → 0.812), and 0.9205 → 0.9167 on the generated 100k qrels, for a third less
/// time. A top-100 run keeps 200: at 100 the generated qrels lose 0.009 MAP.
pub fn default_depth(top: usize) -> usize {
    top.saturating_mul(2).max(50)
}

/// Hard filters and depth of one ranking.
#[derive(Clone, Debug)]
pub struct RankOptions {
    /// How many results to return. By default, 10.
    pub top: usize,
    /// How many BM25 candidates are re-scored (at least `top`). By default (`None`),
    /// [`default_depth`] of `top`.
    pub depth: Option<usize>,
    /// Search with at most this many of the job's body terms, those weighing most in
    /// BM25 (title terms always). By default, all: on the Romanian TalentCLEF set 32
    /// terms cost 0.21 MAP and 64 cost 0.05, while at 100k generated profiles 32 terms
    /// cut the median query from 46 to 16 ms (docs/PERFORMANCE.md). For interactive use
    /// on big indexes with long postings.
    pub max_terms: Option<usize>,
    /// Search with the job's heaviest body terms (weight × idf) whose postings — the
    /// number of profiles containing each, summed — fit in this budget; title terms are
    /// always searched. A query's cost grows with the postings it scans, so this bounds
    /// it on big indexes while leaving small ones untouched (an index of N profiles never
    /// exceeds N postings a term). By default, [`DEFAULT_MAX_POSTINGS`]; `None` searches
    /// every term.
    pub max_postings: Option<u64>,
    /// Whether each result gets what only its stored document has: name, headline,
    /// matched terms, snippet and the quotes of its skill evidence. Reading the stored
    /// documents of the results was the costliest part of a batch. Without details, a
    /// result has its id, scores and explanation (features, matched and missing skills
    /// with the words that name them), with `name` and `headline` `None` and empty
    /// quotes. By default, yes; a TREC run, which shows none of it, turns it off.
    pub details: bool,
    /// Whether each result's explanation tells more than its feature scores: the
    /// required and preferred skills matched (with their evidence), missing and related,
    /// the years, education, location, occupation and title similarity it read. The
    /// feature scores, evidence and gate are always there (a score can be recomputed from
    /// them, and the audit log records them), and so are the score and BM25. Building the
    /// rest for 100 results of 1,000 jobs was a twentieth of a batch. By default, yes; a
    /// TREC run, which shows none of it, turns it off.
    pub explain: bool,
    /// Skills every result must show (canonical names or aliases).
    pub require: Vec<String>,
    /// Minimum years of experience every result must have.
    pub min_years: Option<f32>,
    /// Terms no result may contain (case-insensitive).
    pub exclude: Vec<String>,
    /// Feature weights for this ranking; `None` uses the engine's
    /// ([`MatcherBuilder::weights`](crate::MatcherBuilder::weights)).
    pub weights: Option<Weights>,
    /// Search a second time with the words of the first search's best profiles
    /// ([`Feedback`]); `None` searches once. By default, `Some(Feedback::default())`.
    pub feedback: Option<Feedback>,
    /// Search the job's phrases too — pairs of neighbouring words, written as it writes
    /// them — in the profiles' phrases, at 0.4 of a word's weight, in the final search
    /// (not in the first search of feedback). By default, yes.
    pub phrases: bool,
    /// Normalise profile length by the job's length: BM25's `b` rises from the usual
    /// 0.75 for a title to 1 for a description of 30 or more distinct terms, so a long
    /// profile gets no credit for matching a long posting's words by its length alone
    /// (`retrieve::length_norm`). By default, yes; no, 0.75 for every job.
    pub adaptive_b: bool,
    /// Match by meaning too: the profiles nearest the job by the sentence encoder's
    /// vectors join BM25's candidates, and the `semantic` and `semantic_title` features
    /// score them (when their weights are not 0 and the index has vectors). By default,
    /// yes.
    pub semantic: bool,
    /// How many nearest-neighbour candidates join BM25's. By default (`None`), as many
    /// as [`RankOptions::depth`].
    pub dense_depth: Option<usize>,
    /// Find those nearest-neighbour candidates by every profile's exact cosine. By
    /// default, no: the signs of the vectors (64 bytes of a profile's 512) pick the four
    /// times as many that are probably nearest, and only those are scored exactly —
    /// several times faster on a large index, at the same rankings on every set
    /// docs/QUALITY.md reports.
    pub dense_exact: bool,
    /// Feedback by meaning: score the `semantic` feature with the job's text vector moved
    /// toward the profiles nearest it ([`DenseFeedback`]); `None` scores it with the
    /// job's own. Only with [`RankOptions::semantic`]. By default,
    /// `Some(DenseFeedback::default())`.
    pub dense_feedback: Option<DenseFeedback>,
    /// Blind output: results carry no name (nor any other personal data the profile
    /// showed), so a reviewer judges the candidate by what the explanation says. Scores
    /// are the same either way — personal data never enters them. By default, off.
    pub blind: bool,
}

impl RankOptions {
    /// How many BM25 candidates this ranking re-scores.
    pub fn depth(&self) -> usize {
        self.depth
            .unwrap_or_else(|| default_depth(self.top))
            .max(self.top)
    }

    /// How many nearest-neighbour candidates join BM25's.
    pub fn dense_depth(&self) -> usize {
        self.dense_depth.unwrap_or_else(|| self.depth())
    }
}

impl Default for RankOptions {
    fn default() -> Self {
        RankOptions {
            top: 10,
            depth: None,
            max_terms: None,
            max_postings: Some(DEFAULT_MAX_POSTINGS),
            details: true,
            explain: true,
            require: Vec::new(),
            min_years: None,
            exclude: Vec::new(),
            weights: None,
            feedback: Some(Feedback::default()),
            phrases: true,
            adaptive_b: true,
            semantic: true,
            dense_depth: None,
            dense_exact: false,
            dense_feedback: Some(DenseFeedback::default()),
            blind: false,
        }
    }
}

/// Everything ranking needs besides the job and the candidates.
pub(crate) struct Ranker<'a> {
    pub searcher: &'a Searcher,
    pub fields: &'a Fields,
    pub analyzer: &'a Analyzer,
    pub lexicon: &'a Lexicon,
    pub weights: &'a Weights,
    pub parallel: bool,
    /// Every segment's vectors and the job's, when the semantic features apply.
    pub semantic: Option<(&'a [Arc<SegmentVectors>], &'a JobVectors)>,
    /// Skills every candidate must have (canonical, lowercased): BM25's candidates have
    /// them already, the nearest-neighbour ones are checked here.
    pub must_have: &'a [String],
    /// Candidates' decoded facts, kept across queries.
    pub facts: &'a FactsCache,
}

/// A candidate as re-scoring sees it: read from the index's columns, not its documents.
struct Loaded {
    addr: DocAddress,
    bm25: f32,
    /// Its id, facts and headline terms.
    rescore: Arc<RescoreFacts>,
    /// The cosines of the job's and the profile's text and title vectors.
    semantic: Option<f32>,
    semantic_title: Option<f32>,
    /// The stored document, when a filter needed its text before scoring.
    stored: Option<StoredProfile>,
}

/// What the document store holds for display: read for the results returned only.
#[derive(Default)]
struct StoredProfile {
    name: Option<String>,
    /// The personal data recognised in the profile, for blind output to hide.
    personal: Option<Personal>,
    headline: Option<String>,
    body: String,
    /// The body's terms, as analysed at index time ([`TermTable`] bytes).
    terms: Vec<u8>,
}

/// A candidate's score and what it was computed from, kept to explain it if it is shown.
struct Scored {
    score: f32,
    features: Vec<FeatureScore>,
    evidence: f32,
    gate: f32,
    skills: SkillMatch,
}

impl Ranker<'_> {
    /// Resolve `--require` names to canonical skills (lowercased, as indexed).
    pub(crate) fn required_filter(&self, names: &[String]) -> Result<Vec<String>> {
        names
            .iter()
            .map(|n| {
                let id = self.lexicon.skills.lookup(n.trim()).ok_or_else(|| {
                    Error::usage(format!(
                        "--require {n}: not a skill matcher knows (see data/taxonomy/skills.tsv)"
                    ))
                })?;
                Ok(self.lexicon.skills.skill(id).name.to_lowercase())
            })
            .collect()
    }

    pub(crate) fn rank(
        &self,
        job: &Job,
        terms: &JobTerms,
        candidates: Vec<(f32, DocAddress)>,
        options: &RankOptions,
    ) -> Result<Vec<Match>> {
        let columns = Columns::open(self.searcher, self.facts, &self.lexicon.skills)?;
        let exclude: Vec<String> = options.exclude.iter().map(|e| e.to_lowercase()).collect();
        // Filters first, on what the columns hold; only `exclude` needs the text, and
        // only then is every candidate's document read.
        let load = |&(bm25, addr): &(f32, DocAddress)| -> Result<Option<Loaded>> {
            let rescore = columns.facts(addr, &mut Vec::new())?;
            let facts = &rescore.facts;
            if options
                .min_years
                .is_some_and(|min| !facts.years.is_some_and(|y| y >= min))
            {
                return Ok(None);
            }
            if !self.must_have.iter().all(|skill| {
                facts
                    .skills
                    .iter()
                    .any(|s| s.skill.to_lowercase() == *skill)
            }) {
                return Ok(None);
            }
            let (semantic, semantic_title) = self.cosines(addr);
            let stored = if exclude.is_empty() {
                None
            } else {
                let stored = self.stored(addr)?;
                let body = stored.body.to_lowercase();
                if exclude.iter().any(|e| body.contains(e.as_str())) {
                    return Ok(None);
                }
                Some(stored)
            };
            Ok(Some(Loaded {
                addr,
                bm25,
                rescore,
                semantic,
                semantic_title,
                stored,
            }))
        };
        let loaded: Vec<Option<Loaded>> = if self.parallel {
            candidates.par_iter().map(load).collect::<Result<_>>()?
        } else {
            candidates.iter().map(load).collect::<Result<_>>()?
        };
        let loaded: Vec<Loaded> = loaded.into_iter().flatten().collect();

        let ctx = self.context(job, &loaded);
        let features = features::all();
        let score_one = |c: &Loaded| -> Scored { self.score(&ctx, &features, c) };
        let scored: Vec<Scored> = if self.parallel {
            loaded.par_iter().map(score_one).collect()
        } else {
            loaded.iter().map(score_one).collect()
        };

        let mut order: Vec<usize> = (0..loaded.len()).collect();
        order.sort_by(|&a, &b| {
            scored[b]
                .score
                .total_cmp(&scored[a].score)
                .then_with(|| loaded[a].rescore.id.cmp(&loaded[b].rescore.id))
        });
        order.truncate(options.top);
        let mut scored: Vec<Option<Scored>> = scored.into_iter().map(Some).collect();
        let mut loaded: Vec<Option<Loaded>> = loaded.into_iter().map(Some).collect();
        let top: Vec<(usize, Loaded, Scored)> = order
            .into_iter()
            .filter_map(|i| Some((loaded[i].take()?, scored[i].take()?)))
            .enumerate()
            .map(|(rank, (c, s))| (rank + 1, c, s))
            .collect();
        // The results shown read their stored document (quotes, matched terms, snippet):
        // decompressing and decoding it is the costliest part of a small ranking, so it
        // runs on the pool too.
        let total_docs = self.searcher.num_docs().max(1) as f32;
        let sought = sought(terms);
        let idf = |term: &str| -> f32 {
            let df = index::doc_freq(
                self.searcher,
                &Term::from_field_text(self.fields.body, term),
            )
            .unwrap_or(0) as f32;
            bm25_idf(total_docs, df)
        };
        let result = |(rank, c, s): (usize, Loaded, Scored)| -> Result<Match> {
            let stored = match c.stored {
                Some(stored) if options.details => stored,
                None if options.details => self.stored(c.addr)?,
                // Blind output checks even the skill words against the personal data.
                _ if options.blind => StoredProfile {
                    personal: self.stored(c.addr)?.personal,
                    ..StoredProfile::default()
                },
                _ => StoredProfile::default(),
            };
            let personal = stored.personal.clone().unwrap_or_else(|| Personal {
                name: stored.name.clone(),
                ..Personal::default()
            });
            let shown = Match {
                rank,
                matched_terms: if options.details {
                    matched_terms(
                        terms,
                        &sought,
                        &TermTable::decode(&stored.terms)?,
                        &stored.body,
                        idf,
                    )
                } else {
                    Vec::new()
                },
                snippet: if options.details {
                    snippet(&stored.body, SNIPPET_CHARS)
                } else {
                    String::new()
                },
                // Without the text (no details), every quote is empty.
                score: s.score,
                explanation: match options.explain {
                    true => Explanation {
                        title_similarity: c.semantic_title.and_then(|cosine| {
                            let title = stored
                                .headline
                                .clone()
                                .or_else(|| c.rescore.facts.titles.first().cloned())?;
                            Some(TitleSimilarity { title, cosine })
                        }),
                        ..explain(&ctx, &c.rescore.facts, &stored.body, s)
                    },
                    false => Explanation {
                        features: s.features,
                        evidence: s.evidence,
                        gate: s.gate,
                        ..Explanation::default()
                    },
                },
                id: c.rescore.id.clone(),
                name: stored.name.filter(|_| !options.blind),
                headline: stored.headline,
                bm25: c.bm25,
            };
            Ok(if options.blind {
                blind::hide(shown, &personal)
            } else {
                shown
            })
        };
        if self.parallel {
            top.into_par_iter().map(result).collect()
        } else {
            top.into_iter().map(result).collect()
        }
    }

    /// The cosines of the profile at `addr` with the job's text and title vectors.
    fn cosines(&self, addr: DocAddress) -> (Option<f32>, Option<f32>) {
        let Some((vectors, job)) = self.semantic else {
            return (None, None);
        };
        let Some(segment) = vectors.get(addr.segment_ord as usize) else {
            return (None, None);
        };
        if !segment.has(addr.doc_id) {
            return (None, None);
        }
        (
            job.text.as_ref().map(|q| segment.text_cos(addr.doc_id, q)),
            job.title
                .as_ref()
                .and_then(|q| segment.title_cos(addr.doc_id, q)),
        )
    }

    /// The stored document of the profile at `addr`: what is shown, not what is scored.
    fn stored(&self, addr: DocAddress) -> Result<StoredProfile> {
        let doc: TantivyDocument = self.searcher.doc(addr)?;
        Ok(StoredProfile {
            name: text_of(&doc, self.fields.name).map(str::to_string),
            personal: text_of(&doc, self.fields.personal)
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| {
                    tantivy::TantivyError::InternalError(format!("stored personal data: {e}"))
                })?,
            headline: text_of(&doc, self.fields.headline).map(str::to_string),
            body: text_of(&doc, self.fields.text)
                .unwrap_or_default()
                .to_string(),
            terms: TermTable::stored(&doc, self.fields.terms),
        })
    }

    /// What the features know of `job` when they score `candidates`.
    fn context<'j>(&'j self, job: &'j Job, candidates: &[Loaded]) -> JobContext<'j> {
        let n = self.searcher.num_docs().max(1) as f32;
        let title_terms: HashSet<String> = self.analyzer.terms(&job.title).into_iter().collect();
        let mut headline_idf: FxHashMap<String, f32> = FxHashMap::default();
        for t in title_terms
            .iter()
            .chain(candidates.iter().flat_map(|c| &c.rescore.headline_terms))
        {
            if !headline_idf.contains_key(t) {
                let df = index::doc_freq(
                    self.searcher,
                    &Term::from_field_text(self.fields.headline, t),
                )
                .unwrap_or(0);
                headline_idf.insert(t.clone(), bm25_idf(n, df as f32));
            }
        }
        let wanted = |list: &[SkillEvidence]| -> Vec<WantedSkill> {
            list.iter()
                .filter_map(|s| {
                    let tax = &self.lexicon.skills;
                    let id = tax.lookup(&s.skill)?;
                    let name = tax.skill(id).name.to_lowercase();
                    let df = index::doc_freq(
                        self.searcher,
                        &Term::from_field_text(self.fields.skills, &name),
                    )
                    .unwrap_or(0);
                    Some(WantedSkill::new(
                        tax,
                        id,
                        (1.0 + n / (1.0 + df as f32)).ln(),
                    ))
                })
                .collect()
        };
        let required = wanted(&job.required_skills);
        let preferred = wanted(&job.preferred_skills);
        JobContext {
            job,
            lexicon: self.lexicon,
            skill_trust: features::skill_trust(required.len() + preferred.len()),
            title_only: job.is_title_only(),
            required,
            preferred,
            max_bm25: candidates.iter().map(|c| c.bm25).fold(0.0, f32::max),
            max_semantic: candidates
                .iter()
                .filter_map(|c| c.semantic.map(features::semantic_scaled))
                .fold(0.0, f32::max),
            title_terms,
            headline_idf,
            semantic: self.semantic.is_some_and(|(_, j)| j.text.is_some()),
            semantic_title: self.semantic.is_some_and(|(_, j)| j.title.is_some()),
        }
    }

    /// A candidate's score: the same arithmetic whether or not it is then explained.
    fn score(
        &self,
        ctx: &JobContext<'_>,
        features: &[Box<dyn features::Feature>],
        c: &Loaded,
    ) -> Scored {
        let candidate = Candidate {
            bm25: c.bm25,
            facts: &c.rescore.facts,
            headline_terms: &c.rescore.headline_terms,
            skills: SkillMatch::of_ids(ctx, &c.rescore.skill_ids),
            semantic: c.semantic,
            semantic_title: c.semantic_title,
        };
        let values: Vec<(&'static str, Option<f32>, f32, f32)> = features
            .iter()
            .map(|f| {
                let trust = if features::is_skill_feature(f.name()) {
                    ctx.skill_trust
                } else if f.name() == "bm25" && ctx.title_only {
                    self.weights.title_bm25
                } else {
                    1.0
                };
                (
                    f.name(),
                    f.score(ctx, &candidate),
                    self.weights.get(f.name()) * trust,
                    trust,
                )
            })
            .collect();
        // The gate lowers the fit features' points without handing them to the others,
        // so it is left out of the sum the weights are normalised by.
        let applicable: f32 = values
            .iter()
            .filter(|(_, v, _, _)| v.is_some())
            .map(|(_, _, w, _)| w)
            .sum();
        let value = |feature: &str| {
            values
                .iter()
                .find(|(name, _, _, _)| *name == feature)
                .and_then(|(_, value, _, _)| *value)
        };
        // The evidence is the text match against the best candidate's (1 when no
        // candidate matches any word), or the required skills: they are the evidence
        // that crosses languages, a Chinese posting and an English résumé sharing few
        // words but every skill.
        let text = value("bm25").unwrap_or(1.0);
        let skills = value("required_skills").unwrap_or(0.0) * ctx.skill_trust;
        // And meaning, where words cannot meet: a profile written in another language
        // than the job, or any profile for a job that is a title alone, as near the job
        // as the nearest candidate is, is as much evidence as the best text match. Within
        // one language a posting's words are the evidence: an encoder reads every
        // executive's biography as near a short 招聘 posting, and counting that opened
        // the gate to all of them (docs/QUALITY.md, session 20).
        let words_cannot_meet = ctx.title_only || c.rescore.facts.written_in != ctx.job.written_in;
        let meaning = match (self.weights.semantic > 0.0, value("semantic")) {
            (true, Some(v)) if ctx.max_semantic > 0.0 && words_cannot_meet => v / ctx.max_semantic,
            _ => 0.0,
        };
        let evidence = text.max(skills).max(meaning);
        let gate = self.weights.gate(evidence);
        let mut score = 0.0;
        let mut feature_scores = Vec::with_capacity(values.len());
        for (name, value, weight, trust) in values {
            let gated = name != "bm25";
            let weight = if gated { weight * gate } else { weight };
            let contribution = match value {
                Some(v) if applicable > 0.0 => 100.0 * weight * v / applicable,
                _ => 0.0,
            };
            score += contribution;
            feature_scores.push(FeatureScore {
                name,
                value,
                weight,
                trust,
                gated,
                contribution,
            });
        }
        Scored {
            score,
            features: feature_scores,
            evidence,
            gate,
            skills: candidate.skills,
        }
    }
}

/// The explanation of a result: its feature scores and gate, and the skills matched
/// (quoted from `body`, the profile's stored text), missing and related.
fn explain(ctx: &JobContext<'_>, facts: &ProfileFacts, body: &str, s: Scored) -> Explanation {
    let m = &s.skills;
    let evidence = |wanted: &WantedSkill| -> Option<Evidence> {
        let s = facts.skills.iter().find(|s| s.skill == wanted.name)?;
        Some(Evidence {
            skill: s.skill.clone(),
            text: s.text.clone(),
            quote: quote(body, s.span),
            span: s.span,
        })
    };
    Explanation {
        features: s.features,
        evidence: s.evidence,
        gate: s.gate,
        matched_required: m
            .required_found
            .iter()
            .filter_map(|&i| evidence(&ctx.required[i]))
            .collect(),
        matched_preferred: m
            .preferred_found
            .iter()
            .filter_map(|&i| evidence(&ctx.preferred[i]))
            .collect(),
        missing_required: (0..ctx.required.len())
            .filter(|i| !m.required_found.contains(i))
            .map(|i| ctx.required[i].name.clone())
            .collect(),
        related: m
            .related
            .iter()
            .map(|(i, via, credit)| RelatedCredit {
                required: ctx.required[*i].name.clone(),
                via: via.clone(),
                credit: *credit,
            })
            .collect(),
        years: facts.years,
        education: facts.education,
        location: facts.location.clone(),
        occupation: ctx
            .job
            .occupations
            .similarity(&facts.occupations)
            .1
            .map(|id| ctx.lexicon.occupations().name(id).to_string()),
        title_similarity: None,
    }
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<&str> {
    doc.get_first(field).and_then(|v| v.as_str())
}

/// The evidence in its context: the span with up to [`EVIDENCE_CONTEXT`] characters on
/// each side, within its line, whitespace folded.
fn quote(body: &str, span: (usize, usize)) -> String {
    let (start, end) = span;
    if end > body.len() || !body.is_char_boundary(start) || !body.is_char_boundary(end) {
        return String::new();
    }
    let line_start = body[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[end..].find('\n').map_or(body.len(), |i| end + i);
    let before: String = body[line_start..start]
        .chars()
        .rev()
        .take(EVIDENCE_CONTEXT)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = body[end..line_end].chars().take(EVIDENCE_CONTEXT).collect();
    let lead = if before.len() < start - line_start {
        "…"
    } else {
        ""
    };
    let tail = if after.len() < line_end - end {
        "…"
    } else {
        ""
    };
    let joined = format!("{lead}{before}{}{after}{tail}", &body[start..end]);
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every body and title term of the job, as shown results are searched for them: built
/// once a ranking.
fn sought(terms: &JobTerms) -> FxHashSet<&str> {
    terms
        .body
        .keys()
        .chain(terms.title.keys())
        .map(String::as_str)
        .collect()
}

/// The job terms found in `body` (whose terms `table` holds), by weight × idf, shown in
/// the profile's own spelling: where each was first found.
fn matched_terms(
    terms: &JobTerms,
    sought: &FxHashSet<&str>,
    table: &[TermRef<'_>],
    body: &str,
    idf: impl Fn(&str) -> f32,
) -> Vec<String> {
    let mut surface: BTreeMap<&str, &str> = BTreeMap::new();
    for e in table {
        if let (Some(t), Some(s)) = (sought.get(e.term), body.get(e.first.clone())) {
            surface.entry(t).or_insert(s);
        }
    }
    let mut found: Vec<(f32, &str, &str)> = surface
        .iter()
        .map(|(t, s)| {
            let w = terms.body.get(*t).copied().unwrap_or(0.0)
                + terms.title.get(*t).copied().unwrap_or(0.0);
            (w * idf(t), *t, *s)
        })
        .collect();
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    // Chinese search-mode terms overlap (即时通讯, 即时, 通讯): show the longest form only,
    // and no lone Han character.
    let surfaces: Vec<&str> = found.iter().map(|f| f.2).collect();
    let shown = |s: &str| {
        let single_han = s.chars().count() == 1 && s.chars().all(crate::analysis::is_han);
        let inside_other = s.chars().any(crate::analysis::is_han)
            && surfaces.iter().any(|o| o.len() > s.len() && o.contains(s));
        !single_han && !inside_other
    };
    let mut out: Vec<String> = Vec::new();
    for (_, _, s) in &found {
        if out.len() == MATCHED_TERMS {
            break;
        }
        if shown(s) && !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            out.push(s.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_follows_top_unless_set() {
        let with = |top, depth| RankOptions {
            top,
            depth,
            ..RankOptions::default()
        };
        assert_eq!(with(10, None).depth(), 50);
        assert_eq!(with(100, None).depth(), 200);
        assert_eq!(with(10, Some(300)).depth(), 300);
        // Never fewer candidates than results.
        assert_eq!(with(100, Some(30)).depth(), 100);
    }

    #[test]
    fn quote_keeps_context_within_the_line() {
        let body =
            "Summary\nSkilled in cloud services such as k8s, docker, storage and databases.\nNext";
        let start = body.find("k8s").unwrap();
        let q = quote(body, (start, start + 3));
        assert!(q.contains("such as k8s, docker"), "{q}");
        assert!(!q.contains("Summary") && !q.contains("Next"), "{q}");
    }
}
