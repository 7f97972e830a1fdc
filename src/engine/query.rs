//! The query path: a job ranked against the index — its terms searched by BM25 and its
//! vectors by the nearest-neighbour scan side by side, the candidates of both re-scored
//! by the fit features — alone, or many jobs at once on the engine's pool.

use std::collections::HashSet;
use std::sync::Arc;

use rayon::prelude::*;
use tantivy::{DocAddress, Searcher};

use super::{DEFAULT_JOB_TOKENS, Matcher};
use crate::audit::{AuditRecord, Fingerprint};
use crate::embed::{Encoder, passages};
use crate::error::{Error, Result};
use crate::index::{self, Quantised};
use crate::job::Job;
use crate::rank::{RankOptions, Ranker, Ranking};
use crate::retrieve::{self, JobTerms, JobVectors, PLAIN_B};

/// What a ranking's search by meaning found: the job's vectors, the segments' vectors
/// they were compared with, and the nearest profiles.
#[derive(Default)]
struct Meaning {
    job_vectors: JobVectors,
    vectors: Vec<Arc<index::SegmentVectors>>,
    near: Vec<(f32, DocAddress)>,
}

/// What a batch found for its jobs before ranking them: the profiles nearest each job's
/// vectors, by one pass of the sign pre-scan over `searcher`'s segments for them all
/// ([`retrieve::nearest_each`]). Each job is then ranked on that same searcher.
struct BatchNear {
    searcher: Searcher,
    vectors: Vec<Arc<index::SegmentVectors>>,
    near: Vec<Vec<(f32, DocAddress)>>,
}

impl Matcher {
    /// The tokens of a job's text the encoder reads
    /// ([`MatcherBuilder::job_tokens`](super::MatcherBuilder::job_tokens)).
    fn job_tokens(&self) -> usize {
        self.config
            .job_tokens
            .unwrap_or(DEFAULT_JOB_TOKENS.min(self.config.embed_tokens))
    }

    /// A job's sentence vectors, made the way profiles' are, its passages shared
    /// between two threads: a core that BM25's search leaves idle takes half.
    fn job_vectors(&self, job: &Job) -> JobVectors {
        if self.config.embed_tokens == 0 {
            return JobVectors::default();
        }
        let (text, title) = passages::text_and_title(
            Encoder::builtin(),
            &job.text,
            self.job_tokens(),
            &job.title,
            true,
        );
        job_vectors(text, title)
    }

    /// The sentence vectors of a batch's jobs, in order, in one encoder call
    /// ([`passages::texts_and_titles`]): a job's 128 tokens alone are a small batch,
    /// and each batch reads every weight matrix once. Default (none) when `options`
    /// rank without meaning.
    fn jobs_vectors(&self, jobs: &[Job], options: &RankOptions) -> Vec<JobVectors> {
        if self.config.embed_tokens == 0 || !self.by_meaning(options) {
            return vec![JobVectors::default(); jobs.len()];
        }
        let items: Vec<(&str, &str)> = jobs
            .iter()
            .map(|j| (j.text.as_str(), j.title.as_str()))
            .collect();
        passages::texts_and_titles(Encoder::builtin(), &items, self.job_tokens())
            .into_iter()
            .map(|(text, title)| job_vectors(text, title))
            .collect()
    }

    /// The profiles nearest each of `vectors` (a batch's jobs, in order), found in one
    /// pass over the index's signs; `None` when the ranking does not search by meaning,
    /// scans exactly, the jobs have no vectors, or the index cannot be read (each job
    /// then searches alone, and reports the error as its own).
    fn batch_nearest(&self, vectors: &[JobVectors], options: &RankOptions) -> Option<BatchNear> {
        if options.dense_exact || self.config.embed_tokens == 0 || !self.by_meaning(options) {
            return None;
        }
        let (_, reader) = self.searching().ok()?;
        let searcher = reader.searcher();
        let segments = self.vectors.of(&searcher).ok()?;
        let jobs: Vec<&JobVectors> = vectors.iter().collect();
        let near = retrieve::nearest_each(
            &searcher,
            &segments,
            &jobs,
            options.dense_depth(),
            self.pool.is_some(),
        );
        Some(BatchNear {
            searcher,
            vectors: segments,
            near,
        })
    }

    /// Whether a ranking with `options` searches by meaning too: when asked to and a
    /// semantic feature has a weight (BM25 alone stays plain BM25).
    fn by_meaning(&self, options: &RankOptions) -> bool {
        let weights = options.weights.as_ref().unwrap_or(&self.config.weights);
        options.semantic && (weights.semantic > 0.0 || weights.semantic_title > 0.0)
    }

    /// Rank the indexed profiles against `job`: the BM25 top `options.depth()` re-scored
    /// by the fit features, filtered, best `options.top` first, each with its explanation.
    pub fn rank(&self, job: &Job, options: &RankOptions) -> Result<Ranking> {
        self.rank_one(job, options, None, None)
    }

    /// [`Matcher::rank`], with the job's vectors when a batch encoded them with its
    /// other jobs' ([`Matcher::jobs_vectors`]); a job ranked alone (`None`) has its
    /// passages encoded on two threads instead. In a batch every core has jobs of its
    /// own: the split only halved the encoder's micro-batches, and each batch reads
    /// every weight matrix once (1,000 jobs at 10k: 7.1–7.3 s split, 6.5–6.6 s not;
    /// docs/PERFORMANCE.md). `found`: the batch's scan for the nearest profiles
    /// ([`Matcher::batch_nearest`]) and this job's place in it; the job is then ranked on
    /// the searcher the scan read, with the nearest it found.
    fn rank_one(
        &self,
        job: &Job,
        options: &RankOptions,
        encoded: Option<JobVectors>,
        found: Option<(&BatchNear, usize)>,
    ) -> Result<Ranking> {
        let (store, reader) = self.searching()?;
        let searcher = found.map_or_else(|| reader.searcher(), |(b, _)| b.searcher.clone());
        let ranker = Ranker {
            searcher: &searcher,
            fields: &store.fields,
            analyzer: &self.analyzer,
            lexicon: self.lexicon(),
            weights: options.weights.as_ref().unwrap_or(&self.config.weights),
            parallel: self.pool.is_some(),
            semantic: None,
            must_have: &[],
            facts: &self.facts,
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
        let semantic = self.by_meaning(options);
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
                            &index::TermTables::open(&searcher, store.fields.terms, &self.facts),
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
            let job_vectors = encoded.unwrap_or_else(|| self.job_vectors(job));
            if let Some((batch, at)) = found {
                return Ok(Meaning {
                    job_vectors,
                    vectors: batch.vectors.clone(),
                    near: batch.near[at].clone(),
                });
            }
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
        // Jobs go to the encoder a few at a time, but never so many that a small batch
        // leaves a thread without work.
        let threads = self.pool.as_ref().map_or(1, |p| p.current_num_threads());
        let chunk = super::ENCODE_TOGETHER.min(jobs.len().div_ceil(threads).max(1));
        let stop = AtomicBool::new(false);
        let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Ranking>)>();
        std::thread::scope(|scope| {
            let stop = &stop;
            scope.spawn(move || {
                self.install(|| {
                    jobs.par_chunks(chunk)
                        .enumerate()
                        .for_each_with(tx, |tx, (c, jobs)| {
                            if stop.load(Ordering::Relaxed) {
                                return;
                            }
                            let vectors = self.jobs_vectors(jobs, options);
                            let near = self.batch_nearest(&vectors, options);
                            for (i, (job, vectors)) in jobs.iter().zip(vectors).enumerate() {
                                if stop.load(Ordering::Relaxed) {
                                    return;
                                }
                                let found = near.as_ref().map(|b| (b, i));
                                let ranking = self.rank_one(job, options, Some(vectors), found);
                                let _ = tx.send((c * chunk + i, ranking));
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
}

/// Quantised job vectors of what the encoder gave.
fn job_vectors(
    text: Option<[f32; crate::embed::DIM]>,
    title: Option<[f32; crate::embed::DIM]>,
) -> JobVectors {
    JobVectors {
        text: text.map(|v| Quantised::new(&v)),
        title: title.map(|v| Quantised::new(&v)),
    }
}
