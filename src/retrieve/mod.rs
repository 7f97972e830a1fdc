//! Retrieve: a job → a BM25 query → the top candidate profiles from Tantivy.
//!
//! The job's text goes through the same analyzer as the profiles. Every distinct term
//! becomes one optional clause on the profile body, weighted by how often the job says
//! it (1 + ln tf, so a repeated word counts more but not linearly); the job title's
//! terms also search the profile headline. Tantivy scores the disjunction with BM25 and
//! keeps the best `limit` documents with block-max WAND.

use std::collections::BTreeMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use crate::analysis::Analyzer;
use crate::error::Result;
use crate::index::Fields;
use crate::job::Job;

/// Extra weight of a job-title term searched in the profile headline.
const HEADLINE_BOOST: f32 = 1.5;

/// The weighted terms of a job, in term order (deterministic).
#[derive(Debug, Clone)]
pub(crate) struct JobTerms {
    /// Body terms with their weights.
    pub body: BTreeMap<String, f32>,
    /// Title terms.
    pub title: BTreeMap<String, f32>,
}

impl JobTerms {
    pub(crate) fn new(analyzer: &Analyzer, job: &Job) -> JobTerms {
        let mut tf: BTreeMap<String, u32> = BTreeMap::new();
        analyzer.for_each_term(&job.text, |t, _| *tf.entry(t.to_string()).or_default() += 1);
        let body = tf
            .into_iter()
            .map(|(t, n)| (t, 1.0 + (n as f32).ln()))
            .collect();
        let title = analyzer
            .terms(&job.title)
            .into_iter()
            .map(|t| (t, HEADLINE_BOOST))
            .collect();
        JobTerms { body, title }
    }

    /// The body terms, heaviest first: by weight × idf on the body field (ties by term),
    /// each with its document frequency.
    fn ranked(&self, searcher: &Searcher, fields: &Fields) -> Vec<(f32, String, u64)> {
        let n = searcher.num_docs() as f32;
        let mut ranked: Vec<(f32, String, u64)> = self
            .body
            .iter()
            .map(|(t, w)| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(fields.body, t))
                    .unwrap_or(0);
                let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
                (w * idf, t.clone(), df)
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

    /// The BM25 query; every skill in `must_have` (canonical, lowercased) must be among
    /// a profile's skills, without changing its score.
    pub(crate) fn query(&self, fields: &Fields, must_have: &[String]) -> Box<dyn Query> {
        let clause = |field, term: &str, weight: f32| -> (Occur, Box<dyn Query>) {
            let q = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), weight)),
            )
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .body
            .iter()
            .map(|(t, w)| clause(fields.body, t, *w))
            .collect();
        clauses.extend(
            self.title
                .iter()
                .map(|(t, w)| clause(fields.headline, t, *w)),
        );
        if must_have.is_empty() {
            return Box::new(BooleanQuery::new(clauses));
        }
        let mut all: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, Box::new(BooleanQuery::new(clauses)))];
        for skill in must_have {
            let q = TermQuery::new(
                Term::from_field_text(fields.skills, skill),
                IndexRecordOption::Basic,
            );
            all.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
            ));
        }
        Box::new(BooleanQuery::new(all))
    }
}

/// The best `limit` documents for `query` by BM25, highest first.
pub(crate) fn candidates(
    searcher: &Searcher,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    Ok(searcher.search(query, &TopDocs::with_limit(limit).order_by_score())?)
}
