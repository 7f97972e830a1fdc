//! The BM25 search itself, term at a time.
//!
//! A job's query is a disjunction of a hundred or more weighted terms (its words, its
//! title's, its occupations', feedback's, its phrases), each over a short posting list:
//! the postings budget keeps their sum near 60k. Tantivy's block-max WAND, made for a few
//! terms over long lists, spent most of a query re-sorting its hundred scorers at every
//! pivot (4.5 ms of a 10 ms query at 100k profiles). Reading each term's postings once and
//! adding its scores into one accumulator per segment reads the same postings without
//! any of that. The score of a term in a document is Tantivy's BM25 (its `Bm25Weight`:
//! the same idf, k1, field lengths and statistics, times the clause's boost) with one
//! difference: the length normalisation `b` is the job's ([`JobTerms::b`]) rather than a
//! fixed 0.75. A document's score is the sum in clause order, so at b = 0.75 the terms
//! and numbers are those of Tantivy's `BooleanQuery`, summed in a fixed order (Tantivy's
//! order follows its scorers', so the last bits of a sum may differ).

use std::cell::RefCell;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use super::JobTerms;
use crate::analysis::bm25_idf;
use crate::error::Result;
use crate::index::{self, Fields};

/// The score of a document no clause has matched.
const UNSCORED: f32 = f32::NEG_INFINITY;

/// BM25's term-frequency saturation, as in Tantivy and Lucene.
const K1: f32 = 1.2;

/// One weighted term of the query.
struct Clause {
    term: Term,
    /// Its boost × idf × (k1 + 1).
    weight: f32,
    /// Which of the query's [`LengthNorms`] its field's documents are normalised by.
    norms: usize,
}

impl Clause {
    /// The term's BM25 score in a document where it occurs `tf` times, with the
    /// document's length normalisation `norm` (k1 × (1 − b + b × length / average)).
    #[inline]
    fn score(&self, norm: f32, tf: u32) -> f32 {
        let tf = tf as f32;
        self.weight * tf / (tf + norm)
    }
}

/// Per field the query searches: k1 × (1 − b + b × length / average length) for each
/// of the 256 lengths a Tantivy field norm encodes, as Tantivy's `Bm25Weight` caches
/// them, but with the query's `b`.
struct LengthNorms(Vec<(Field, Box<[f32; 256]>)>);

impl LengthNorms {
    /// The index of `field`'s table, computed on first use.
    fn of(&mut self, searcher: &Searcher, field: Field, docs: f32, b: f32) -> Result<usize> {
        if let Some(i) = self.0.iter().position(|(f, _)| *f == field) {
            return Ok(i);
        }
        let average = searcher.total_num_tokens(field)? as f32 / docs.max(1.0);
        let mut table = Box::new([0.0; 256]);
        for (id, norm) in table.iter_mut().enumerate() {
            let length = FieldNormReader::id_to_fieldnorm(id as u8) as f32;
            *norm = K1 * (1.0 - b + b * length / average);
        }
        self.0.push((field, table));
        Ok(self.0.len() - 1)
    }
}

thread_local! {
    /// Per thread: scores by document of the segment being searched (`UNSCORED` for
    /// none), and which documents have one (to clear them after). Sized to the largest
    /// segment seen.
    static ACCUMULATOR: RefCell<(Vec<f32>, Vec<DocId>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// The best `limit` documents for `terms` by BM25, highest first (ties: first document
/// first): each body term on the body, each title term on the headline, each
/// occupation on the occupations, each phrase on the phrases of its script, with its
/// weight. A document must have every skill of
/// `must_have` (canonical, lowercased) among its skills; those do not score.
pub(crate) fn top_documents(
    searcher: &Searcher,
    fields: &Fields,
    terms: &JobTerms,
    must_have: &[String],
    limit: usize,
) -> Result<Vec<(f32, DocAddress)>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let fixed = [
        (fields.body, &terms.body),
        (fields.headline, &terms.title),
        (fields.occupations, &terms.occupations),
    ];
    let weighted = fixed
        .into_iter()
        .flat_map(|(field, map)| map.iter().map(move |(t, &w)| (field, t, w)))
        .chain((terms.phrases.iter()).map(|(t, &w)| (fields.phrase_field(t), t, w)));
    // As Tantivy counts them: deleted documents included, like the frequencies.
    let docs = searcher.total_num_docs()? as f32;
    let mut lengths = LengthNorms(Vec::new());
    let mut clauses = Vec::new();
    for (field, t, w) in weighted {
        let term = Term::from_field_text(field, t);
        let df = index::doc_freq(searcher, &term)? as f32;
        clauses.push(Clause {
            weight: w * bm25_idf(docs, df) * (1.0 + K1),
            norms: lengths.of(searcher, field, docs, terms.b)?,
            term,
        });
    }
    let required: Vec<Term> = must_have
        .iter()
        .map(|s| Term::from_field_text(fields.skills, s))
        .collect();
    let mut best: Vec<(f32, DocAddress)> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let found = search_segment(segment, &clauses, &lengths, &required, limit)?;
        best.extend(
            found
                .into_iter()
                .map(|(score, doc)| (score, DocAddress::new(ord as u32, doc))),
        );
    }
    sort_best(&mut best, limit);
    Ok(best)
}

/// The best `limit` documents of one segment, highest first.
fn search_segment(
    segment: &SegmentReader,
    clauses: &[Clause],
    lengths: &LengthNorms,
    required: &[Term],
    limit: usize,
) -> Result<Vec<(f32, DocId)>> {
    let allowed = match required.is_empty() {
        true => None,
        false => Some(having_all(segment, required)?),
    };
    let alive = segment.alive_bitset();
    let is_candidate = |doc: DocId| {
        !alive.is_some_and(|a| a.is_deleted(doc))
            && allowed
                .as_ref()
                .is_none_or(|a| a.binary_search(&doc).is_ok())
    };
    ACCUMULATOR.with_borrow_mut(|(scores, touched)| {
        let max_doc = segment.max_doc() as usize;
        if scores.len() < max_doc {
            scores.resize(max_doc, UNSCORED);
        }
        let mut readers: Vec<(Field, FieldNormReader)> = Vec::new();
        let result = (|| -> Result<Vec<(f32, DocId)>> {
            for clause in clauses {
                let field = clause.term.field();
                let Some(mut postings) =
                    index::postings(segment, &clause.term, IndexRecordOption::WithFreqs)?
                else {
                    continue;
                };
                let lengths_of_docs = match readers.iter().position(|(f, _)| *f == field) {
                    Some(i) => &readers[i].1,
                    None => {
                        readers.push((field, segment.get_fieldnorms_reader(field)?));
                        &readers[readers.len() - 1].1
                    }
                };
                let norm_of_length = &lengths.0[clause.norms].1;
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    let norm = norm_of_length[lengths_of_docs.fieldnorm_id(doc) as usize];
                    let score = clause.score(norm, postings.term_freq());
                    let slot = &mut scores[doc as usize];
                    if *slot == UNSCORED {
                        touched.push(doc);
                        *slot = score;
                    } else {
                        *slot += score;
                    }
                    doc = postings.advance();
                }
            }
            let mut found: Vec<(f32, DocId)> = touched
                .iter()
                .filter(|&&d| is_candidate(d))
                .map(|&d| (scores[d as usize], d))
                .collect();
            // Tantivy's boolean query returns a document that has the required skills and
            // none of the terms, with score 0: so does this, when there is room.
            if let Some(allowed) = &allowed
                && found.len() < limit
            {
                for &d in allowed {
                    if found.len() >= limit {
                        break;
                    }
                    if scores[d as usize] == UNSCORED && is_candidate(d) {
                        found.push((0.0, d));
                    }
                }
            }
            sort_best(&mut found, limit);
            Ok(found)
        })();
        for &d in touched.iter() {
            scores[d as usize] = UNSCORED;
        }
        touched.clear();
        result
    })
}

/// The documents of `segment` that have every one of `terms`, in order.
fn having_all(segment: &SegmentReader, terms: &[Term]) -> Result<Vec<DocId>> {
    let mut out: Option<Vec<DocId>> = None;
    for term in terms {
        let mut docs = Vec::new();
        if let Some(mut postings) = index::postings(segment, term, IndexRecordOption::Basic)? {
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if out.as_ref().is_none_or(|o| o.binary_search(&doc).is_ok()) {
                    docs.push(doc);
                }
                doc = postings.advance();
            }
        }
        out = Some(docs);
    }
    Ok(out.unwrap_or_default())
}

/// Keep the best `limit` of `found`, highest score first, ties by document.
fn sort_best<D: Ord + Copy>(found: &mut Vec<(f32, D)>, limit: usize) {
    let order = |a: &(f32, D), b: &(f32, D)| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1));
    if found.len() > limit {
        found.select_nth_unstable_by(limit - 1, order);
        found.truncate(limit);
    }
    found.sort_unstable_by(order);
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::analysis::Analyzer;
    use crate::index::Store;
    use crate::{IndexOptions, Matcher};
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};

    /// The reference: the same clauses as Tantivy's boolean query (block-max WAND, the
    /// search before this module); every skill in `must_have` must be among a profile's
    /// skills, without changing its score.
    fn query(terms: &JobTerms, fields: &Fields, must_have: &[String]) -> Box<dyn Query> {
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
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .body
            .iter()
            .map(|(t, w)| clause(fields.body, t, *w))
            .collect();
        clauses.extend(
            terms
                .title
                .iter()
                .map(|(t, w)| clause(fields.headline, t, *w)),
        );
        clauses.extend(
            terms
                .occupations
                .iter()
                .map(|(t, w)| clause(fields.occupations, t, *w)),
        );
        clauses.extend(
            terms
                .phrases
                .iter()
                .map(|(t, w)| clause(fields.phrase_field(t), t, *w)),
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

    /// The best `limit` documents for `query`, by Tantivy's top-K collector.
    fn candidates(searcher: &Searcher, query: &dyn Query, limit: usize) -> Vec<(f32, DocAddress)> {
        searcher
            .search(query, &TopDocs::with_limit(limit).order_by_score())
            .unwrap()
    }

    /// The same documents as Tantivy's boolean query of the same clauses, with the same
    /// scores up to the order they are summed in, at Tantivy's b = 0.75: with and without
    /// required skills, and with a deleted document in the segment.
    #[test]
    fn finds_what_tantivys_boolean_query_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let m = Matcher::builder().index_dir(dir.path()).build().unwrap();
        m.index(&[root.join("profiles")], &IndexOptions::default())
            .unwrap();
        assert_eq!(m.delete(&["en-data-engineer"]).unwrap(), 1);
        let (jobs, errors) = m.read_jobs(&[root.join("jobs")]);
        assert!(errors.is_empty() && jobs.len() >= 5, "{errors:?}");
        let analyzer = Arc::new(Analyzer::new());
        let store = Store::open(dir.path(), &analyzer).unwrap();
        let searcher = store.reader().unwrap().searcher();
        assert!(
            searcher
                .segment_readers()
                .iter()
                .any(|s| s.num_deleted_docs() > 0)
        );
        let mut compared = 0;
        let mut phrases = 0;
        for job in &jobs {
            let mut terms = JobTerms::new(&analyzer, job);
            terms.add_occupations(&analyzer, m.lexicon(), job);
            terms.b = crate::retrieve::PLAIN_B;
            phrases += terms.phrases.len();
            for must in [vec![], vec!["sql".to_string()]] {
                for limit in [5, 20, 1000] {
                    let ours =
                        top_documents(&searcher, &store.fields, &terms, &must, limit).unwrap();
                    let query = query(&terms, &store.fields, &must);
                    let theirs = candidates(&searcher, query.as_ref(), limit);
                    assert_eq!(ours.len(), theirs.len(), "{} {must:?} {limit}", job.id);
                    for (i, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                        let close = |x: f32, y: f32| (x - y).abs() <= 1e-4 * x.abs().max(1.0);
                        assert!(close(a.0, b.0), "{} #{i}: {a:?} {b:?}", job.id);
                        // Another document only where scores tie (to the last bits).
                        if a.1 != b.1 {
                            let tied = theirs.iter().any(|t| t.1 == a.1 && close(t.0, a.0));
                            assert!(tied, "{} #{i}: {a:?} {b:?}", job.id);
                        }
                    }
                    compared += ours.len();
                }
            }
        }
        assert!(compared > 100, "{compared}");
        assert!(phrases > 100, "{phrases}");
    }
}
