//! Retrieve: a job → a BM25 query → the top candidate profiles from Tantivy.
//!
//! The job's text goes through the same analyzer as the profiles. Every distinct term
//! becomes one optional clause on the profile body, weighted by how often the job says
//! it (1 + ln tf, so a repeated word counts more but not linearly); the job title's
//! terms also search the profile headline, and the occupations the title is read as
//! search the profiles' occupations, so that a job finds the holders of its occupation
//! whatever their title says ("nanny" finds "au pair"); and its phrases, pairs of
//! neighbouring words, search the profiles' phrases. The disjunction is scored with
//! Tantivy's BM25, term at a time ([`search`]).

mod dense;
mod search;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::phrases::Phrases;
use crate::analysis::{Analyzer, Lexicon, bm25_idf};
use crate::error::Result;
use crate::index::{self, Fields, TermTable, TermTables, occupation_term};
use crate::job::Job;

pub use dense::DenseFeedback;
pub(crate) use dense::{JobVectors, moved_toward, nearest, nearest_each};
pub(crate) use search::top_documents;

/// Extra weight of a job-title term searched in the profile headline.
const HEADLINE_BOOST: f32 = 1.5;
/// Weight of the job's occupations searched in the profiles' occupations, times each
/// occupation's share.
const OCCUPATION_BOOST: f32 = 2.0;
/// Occupations of a smaller share of the job title are not searched.
const SEARCHED_SHARE: f32 = 0.05;
/// How much the words of the job's occupations weigh on the headline, all together,
/// against the title's own words. On the TalentCLEF 2025 title set, anything from 0.07
/// to 0.67 gave MAP 0.455–0.458 (0.412 without): the value is not sharp.
const EXPANSION_WEIGHT: f32 = 0.2;

/// Weight of a phrase of the job (two neighbouring words, [`Phrases`]) searched in the
/// profiles' phrases, against 1 for a word. Writing "machine learning" or "cost
/// accounting" as the posting does is better evidence than having both words somewhere,
/// as in a sequential dependence model (Metzler and Croft 2005); in Chinese, a phrase is
/// a compound jieba does not know as one word (监事会·主席). Measured on the sets of
/// docs/QUALITY.md (session 11), phrases in the final search only: with Latin phrases,
/// résumé categories 0.8506 → 0.8530 / 0.8577 / 0.8663 / 0.8651 at 0.2 / 0.3 / 0.4 /
/// 0.6, talentclef26 0.8925 → 0.8928–0.8934, talentclef25 −0.0001, the generated 10k
/// set 0.5882 → 0.5946; with Chinese phrases too, resumener-zh 0.7026 → 0.7249 / 0.7398
/// / 0.7591 at 0.2 / 0.4 / 0.8 and the generated set 0.5946 → 0.5932 / 0.5919 / 0.5899
/// (its mixed-language jobs, whose relevant profiles are often in English, lose). One
/// weight for both scripts.
pub(crate) const PHRASE_WEIGHT: f32 = 0.4;

/// BM25's length normalisation for jobs of at most [`SHORT_JOB`] distinct terms:
/// Tantivy's and Lucene's default, so plain BM25 is the textbook one.
pub(crate) const PLAIN_B: f32 = 0.75;
/// BM25's length normalisation for jobs of at least [`LONG_JOB`] distinct terms: full.
const LONG_B: f32 = 1.0;
/// Jobs of up to this many distinct terms (a title, "董事长 本科") get [`PLAIN_B`].
const SHORT_JOB: f32 = 10.0;
/// Jobs of this many distinct terms or more (a description) get [`LONG_B`]; between
/// the two, `b` rises in proportion.
const LONG_JOB: f32 = 30.0;

/// BM25's length normalisation `b` for a job of `terms` distinct terms: the longer the
/// job, the more a profile's length counts against it.
///
/// A long résumé matches more of a long posting's hundred-odd words by its length alone
/// — a few words each from many paragraphs — and BM25 adds each match up, so a long
/// query favours long profiles beyond what their evidence is worth; full normalisation
/// (b = 1) takes that back. A short query has no such spread: a title matched once in
/// a long career is as good as in a short one. Measured (docs/QUALITY.md, session 12):
/// b = 1 for every job lifts talentclef26 0.8951 → 0.8993 and the résumé categories
/// 0.8663 → 0.8820, but costs resumener-zh, whose queries are a title and a degree
/// (4–10 terms), 0.7398 → 0.7291; by the job's length, 10 → 30 terms, the first two
/// gain as much and the Chinese set and the TalentCLEF titles are unchanged.
pub(crate) fn length_norm(terms: usize) -> f32 {
    let t = ((terms as f32 - SHORT_JOB) / (LONG_JOB - SHORT_JOB)).clamp(0.0, 1.0);
    PLAIN_B + t * (LONG_B - PLAIN_B)
}

/// The weighted terms of a job, in term order (deterministic).
#[derive(Debug, Clone)]
pub(crate) struct JobTerms {
    /// Body terms with their weights.
    pub body: BTreeMap<String, f32>,
    /// Title terms.
    pub title: BTreeMap<String, f32>,
    /// Occupation terms of the title, with their weights.
    pub occupations: BTreeMap<String, f32>,
    /// Phrases of the text (pairs of neighbouring words in one script, [`Phrases`]) with
    /// their weights, searched in the profiles' phrases of that script.
    pub phrases: BTreeMap<String, f32>,
    /// BM25's length normalisation for this job ([`length_norm`] of its own distinct
    /// terms, set before any are dropped or added; [`PLAIN_B`] for plain BM25).
    pub b: f32,
}

impl JobTerms {
    /// The job's words: every term of its text on the body, its phrases on the phrases,
    /// its title's terms on the headline.
    pub(crate) fn new(analyzer: &Analyzer, job: &Job) -> JobTerms {
        let mut tf: BTreeMap<String, u32> = BTreeMap::new();
        let mut phrase_tf: BTreeMap<String, u32> = BTreeMap::new();
        let mut pairs = Phrases::default();
        analyzer.for_each_term(&job.text, |t, range| {
            *tf.entry(t.to_string()).or_default() += 1;
            pairs.push(&job.text, t, range, |p| {
                *phrase_tf.entry(p.to_string()).or_default() += 1
            });
        });
        let body: BTreeMap<String, f32> = tf
            .into_iter()
            .map(|(t, n)| (t, 1.0 + (n as f32).ln()))
            .collect();
        let phrases = phrase_tf
            .into_iter()
            .map(|(t, n)| (t, PHRASE_WEIGHT * (1.0 + (n as f32).ln())))
            .collect();
        let title = analyzer
            .terms(&job.title)
            .into_iter()
            .map(|t| (t, HEADLINE_BOOST))
            .collect();
        JobTerms {
            b: length_norm(body.len()),
            body,
            title,
            occupations: BTreeMap::new(),
            phrases,
        }
    }

    /// Search by the job's occupations too: the occupations themselves, and on the
    /// headline the words of the titles of those it is confidently read as, together
    /// weighing [`EXPANSION_WEIGHT`] of the title's own terms ("nanny" also searches
    /// "child", "minder", "au pair" …).
    pub(crate) fn add_occupations(&mut self, analyzer: &Analyzer, lexicon: &Lexicon, job: &Job) {
        let n_title = self.title.len() as f32;
        for (word, share) in lexicon.occupations().words_of(&job.occupations) {
            for t in analyzer.terms(word) {
                *self.title.entry(t).or_default() +=
                    EXPANSION_WEIGHT * HEADLINE_BOOST * share * n_title;
            }
        }
        self.occupations = job
            .occupations
            .0
            .iter()
            .filter(|(_, share)| *share >= SEARCHED_SHARE)
            .map(|&(id, share)| (occupation_term(id), OCCUPATION_BOOST * share))
            .collect();
    }

    /// The body terms, heaviest first: by weight × idf on the body field (ties by term),
    /// each with its document frequency.
    fn ranked(&self, searcher: &Searcher, fields: &Fields) -> Vec<(f32, String, u64)> {
        let n = searcher.num_docs() as f32;
        let mut ranked: Vec<(f32, String, u64)> = self
            .body
            .iter()
            .map(|(t, w)| {
                let df =
                    index::doc_freq(searcher, &Term::from_field_text(fields.body, t)).unwrap_or(0);
                (w * bm25_idf(n, df as f32), t.clone(), df)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        ranked
    }

    /// Keep the `max` body terms that weigh most in BM25 (weight × idf on the body
    /// field); title terms are all kept. A long posting's hundreds of words then cost
    /// a query only its distinctive ones: "负责", "experience" and the like, in half the
    /// profiles, add little to any score and most of the work.
    pub(crate) fn keep_best(&mut self, searcher: &Searcher, fields: &Fields, max: usize) {
        if self.body.len() <= max {
            return;
        }
        for (_, t, _) in &self.ranked(searcher, fields)[max..] {
            self.body.remove(t);
        }
    }

    /// Drop the body terms that weigh least in BM25 (weight × idf) until the postings
    /// the query reads — the sum of its body terms' document frequencies — fit in
    /// `budget`; the heaviest term and the title terms are always kept. A query's cost grows with the postings it scans, so this
    /// bounds it on a big index, and on an index small enough that the whole posting fits
    /// it changes nothing. The terms it drops first are the commonest words, which add
    /// least to any score.
    pub(crate) fn keep_within(&mut self, searcher: &Searcher, fields: &Fields, budget: u64) {
        let ranked = self.ranked(searcher, fields);
        let mut total: u64 = ranked.iter().map(|(_, _, df)| df).sum();
        for (_, t, df) in ranked.iter().skip(1).rev() {
            if total <= budget {
                break;
            }
            self.body.remove(t);
            total -= df;
        }
    }
}

/// Pseudo-relevance feedback: after a first search, the words that distinguish its best
/// profiles join the job's query (RM3: Lavrenko and Croft 2001; Abdul-Jaleel et al.
/// 2004). A job description names some of what its holders write; the profiles that
/// match it best name the rest, in their own words. On the Romanian TalentCLEF set the
/// full ranking's MAP goes from 0.786 to 0.882 with the defaults; they were chosen as
/// the setting that lowers no set of docs/QUALITY.md (a weight of 0.5 gave 0.889 there
/// but cost the résumé-category and Chinese sets 0.01 each; reading 10 profiles gave
/// 0.846). Since BM25's `b` follows the job's length
/// ([`RankOptions::adaptive_b`](crate::RankOptions::adaptive_b)), a weight from 0.33 to
/// 0.4 gives talentclef26 0.9009–0.9015 against 0.8993 at 0.3, with every other set
/// within 0.0004 of its score at 0.3 or above it; the weight is 0.35, mid-plateau
/// (docs/QUALITY.md, session 12). The terms come from the profiles' ranking text:
/// personal data never enters.
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    /// How many of the first search's best profiles are read; a first search that
    /// finds fewer adds nothing. By default, 20.
    pub profiles: usize,
    /// How many of their terms join the query. By default, 50.
    pub terms: usize,
    /// The share of the body query's weight the new terms get, in [0, 1]; the job's own
    /// terms keep the rest. By default, 0.35.
    pub weight: f32,
}

impl Default for Feedback {
    fn default() -> Self {
        Feedback {
            profiles: 20,
            terms: 50,
            weight: 0.35,
        }
    }
}

impl JobTerms {
    /// Re-weight the body terms with feedback from `top` (the first search's best
    /// profiles, best first): each term of their text scores its frequency in each
    /// profile relative to the profile's length, summed, times its idf; the best
    /// `feedback.terms` share `feedback.weight` of the body weight, the job's own terms
    /// keep the rest. With `parallel`, the profiles are read on the current pool.
    pub(crate) fn add_feedback(
        &mut self,
        searcher: &Searcher,
        fields: &Fields,
        stored: &TermTables<'_>,
        top: &[(f32, DocAddress)],
        feedback: &Feedback,
        parallel: bool,
    ) -> Result<()> {
        // Each profile's terms by length-normalised frequency, from its stored term
        // table (the text was analysed at index time): the tables are read in parallel
        // (on the pool, when called in one) and summed in rank order, so the sums are
        // the same for any number of threads.
        let table = |&(_, address): &(f32, DocAddress)| stored.get(address);
        let top = &top[..top.len().min(feedback.profiles)];
        let tables: Vec<Arc<[u8]>> = if parallel {
            top.par_iter().map(table).collect::<Result<_>>()?
        } else {
            top.iter().map(table).collect::<Result<_>>()?
        };
        let mut mass: FxHashMap<&str, f32> = FxHashMap::default();
        for bytes in &tables {
            let terms = TermTable::decode(bytes)?;
            let length = terms.iter().map(|e| e.count).sum::<u32>().max(1) as f32;
            for e in terms {
                *mass.entry(e.term).or_default() += e.count as f32 / length;
            }
        }
        let n = searcher.num_docs() as f32;
        let idf = |df: f32| bm25_idf(n, df);
        // Terms by mass, heaviest first: once even the largest idf there is (df 0)
        // cannot lift a term's mass past the `terms`-th best score so far, no later one
        // can either, and their document frequencies need not be looked up.
        let mut by_mass: Vec<(&str, f32)> = mass.into_iter().collect();
        by_mass.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let max_idf = idf(0.0);
        let mut best: BinaryHeap<Reverse<u32>> = BinaryHeap::new();
        let mut ranked: Vec<(f32, &str)> = Vec::new();
        for (t, m) in by_mass {
            if best.len() == feedback.terms {
                let threshold = best.peek().map_or(0.0, |r| f32::from_bits(r.0));
                if m * max_idf < threshold {
                    break;
                }
            }
            let df = index::doc_freq(searcher, &Term::from_field_text(fields.body, t)).unwrap_or(0)
                as f32;
            let score = m * idf(df);
            // Scores are non-negative, so their bit patterns order as they do.
            best.push(Reverse(score.to_bits()));
            if best.len() > feedback.terms {
                best.pop();
            }
            ranked.push((score, t));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        ranked.truncate(feedback.terms);
        let total: f32 = ranked.iter().map(|(v, _)| v).sum();
        if total <= 0.0 {
            return Ok(());
        }
        let share = feedback.weight.clamp(0.0, 1.0);
        let job_weight: f32 = self.body.values().sum();
        for w in self.body.values_mut() {
            *w *= 1.0 - share;
        }
        for (v, t) in ranked {
            *self.body.entry(t.to_string()).or_default() += share * job_weight * v / total;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Format, Text};

    #[test]
    fn length_norm_rises_from_a_title_to_a_description() {
        assert_eq!(length_norm(0), PLAIN_B);
        assert_eq!(length_norm(10), PLAIN_B);
        assert_eq!(length_norm(20), (PLAIN_B + LONG_B) / 2.0);
        assert_eq!(length_norm(30), LONG_B);
        assert_eq!(length_norm(500), LONG_B);
        let b: Vec<f32> = (0..40).map(length_norm).collect();
        assert!(b.windows(2).all(|w| w[0] <= w[1]), "{b:?}");
    }

    #[test]
    fn a_job_gets_the_b_of_its_own_distinct_terms() {
        let analyzer = Analyzer::new();
        let lexicon = Lexicon::builtin();
        let job = |text: &str| Job::parse("j", Text::parse(text, Format::Text), &lexicon);
        let title = JobTerms::new(&analyzer, &job("Welder\nwelding steel\n"));
        assert_eq!(title.b, PLAIN_B);
        let words: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
        let long = JobTerms::new(&analyzer, &job(&format!("Welder\n{}\n", words.join(" "))));
        assert_eq!(long.b, LONG_B);
    }
}
