//! Eval: how good a ranking is, by the standard measures of information retrieval.
//!
//! This stage sits after output: it reads TREC qrels (`qid 0 docid grade`) and TREC runs
//! (`qid Q0 docid rank score run`) — the formats trec_eval, ranx and pytrec_eval read — and
//! computes MAP, nDCG@10, MRR, P@10 and Recall@100 with trec_eval's definitions:
//! documents ordered by score descending (ties by document id descending, as trec_eval
//! does), relevance = grade > 0, nDCG gains = grades, queries without relevant documents
//! left out, and a query with relevant documents but no results scoring 0.

mod collection;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::rank::Ranking;

pub use collection::{Config, EvalOptions, EvalRow, evaluate_collection};

/// Relevance judgements: query id → document id → grade.
#[derive(Clone, Debug, Default)]
pub struct Qrels(BTreeMap<String, HashMap<String, u32>>);

impl Qrels {
    /// Parse TREC qrels text (`qid iter docid grade`, whitespace-separated).
    pub fn parse(text: &str) -> std::result::Result<Qrels, String> {
        let mut q: BTreeMap<String, HashMap<String, u32>> = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.is_empty() {
                continue;
            }
            if f.len() != 4 {
                return Err(format!(
                    "line {}: expected `qid 0 docid grade`, found {} fields",
                    n + 1,
                    f.len()
                ));
            }
            let grade: i64 = f[3]
                .parse()
                .map_err(|_| format!("line {}: grade {:?} is not a number", n + 1, f[3]))?;
            q.entry(f[0].to_string())
                .or_default()
                .insert(f[2].to_string(), grade.max(0) as u32);
        }
        Ok(Qrels(q))
    }

    /// Read a qrels file.
    pub fn read(path: &Path) -> Result<Qrels> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        Qrels::parse(&text).map_err(|e| Error::input(path, e))
    }
}

/// A ranked list per query: query id → (document id, score).
#[derive(Clone, Debug, Default)]
pub struct Run(BTreeMap<String, Vec<(String, f64)>>);

impl Run {
    /// Parse a TREC run (`qid Q0 docid rank score run`).
    pub fn parse(text: &str) -> std::result::Result<Run, String> {
        let mut r: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.is_empty() {
                continue;
            }
            if f.len() != 6 {
                return Err(format!(
                    "line {}: expected `qid Q0 docid rank score run`, found {} fields",
                    n + 1,
                    f.len()
                ));
            }
            let score: f64 = f[4]
                .parse()
                .map_err(|_| format!("line {}: score {:?} is not a number", n + 1, f[4]))?;
            r.entry(f[0].to_string())
                .or_default()
                .push((f[2].to_string(), score));
        }
        Ok(Run(r))
    }

    /// Read a run file.
    pub fn read(path: &Path) -> Result<Run> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        Run::parse(&text).map_err(|e| Error::input(path, e))
    }

    /// A run from rankings (query id = job id).
    pub fn from_rankings<'a>(rankings: impl IntoIterator<Item = &'a Ranking>) -> Run {
        let mut r = BTreeMap::new();
        for ranking in rankings {
            let docs = ranking
                .results
                .iter()
                .map(|m| (m.id.clone(), f64::from(m.score)))
                .collect();
            r.insert(ranking.job_id.clone(), docs);
        }
        Run(r)
    }
}

/// The measures, averaged over queries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Mean average precision.
    pub map: f64,
    /// nDCG at 10.
    pub ndcg_at_10: f64,
    /// Mean reciprocal rank of the first relevant document.
    pub mrr: f64,
    /// Precision at 10.
    pub p_at_10: f64,
    /// Recall at 100.
    pub recall_at_100: f64,
    /// Queries evaluated (those with at least one relevant document).
    pub queries: usize,
}

/// Score `run` against `qrels`.
///
/// ```
/// use matcher::{Qrels, Run, evaluate};
/// let qrels = Qrels::parse("q 0 a 1\nq 0 b 1\n").unwrap();
/// let run = Run::parse("q Q0 a 1 2.0 x\nq Q0 c 2 1.5 x\nq Q0 b 3 1.0 x\n").unwrap();
/// let m = evaluate(&qrels, &run);
/// assert!((m.map - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-9);
/// assert_eq!(m.mrr, 1.0);
/// ```
pub fn evaluate(qrels: &Qrels, run: &Run) -> Metrics {
    let mut sum = Metrics::default();
    for (q, grades) in &qrels.0 {
        let relevant = grades.values().filter(|g| **g > 0).count();
        if relevant == 0 {
            continue;
        }
        let mut docs: Vec<&(String, f64)> =
            run.0.get(q).map(|d| d.iter().collect()).unwrap_or_default();
        docs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        let is_rel = |d: &str| grades.get(d).is_some_and(|g| *g > 0);
        let (mut hits, mut ap, mut rr) = (0usize, 0.0, 0.0);
        for (i, (d, _)) in docs.iter().enumerate() {
            if is_rel(d) {
                hits += 1;
                ap += hits as f64 / (i + 1) as f64;
                if rr == 0.0 {
                    rr = 1.0 / (i + 1) as f64;
                }
            }
        }
        let dcg: f64 = docs
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, (d, _))| f64::from(*grades.get(d).unwrap_or(&0)) / ((i + 2) as f64).log2())
            .sum();
        let mut ideal: Vec<u32> = grades.values().copied().filter(|g| *g > 0).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, g)| f64::from(*g) / ((i + 2) as f64).log2())
            .sum();
        sum.map += ap / relevant as f64;
        sum.ndcg_at_10 += if idcg > 0.0 { dcg / idcg } else { 0.0 };
        sum.mrr += rr;
        sum.p_at_10 += docs.iter().take(10).filter(|(d, _)| is_rel(d)).count() as f64 / 10.0;
        sum.recall_at_100 +=
            docs.iter().take(100).filter(|(d, _)| is_rel(d)).count() as f64 / relevant as f64;
        sum.queries += 1;
    }
    let n = sum.queries.max(1) as f64;
    Metrics {
        map: sum.map / n,
        ndcg_at_10: sum.ndcg_at_10 / n,
        mrr: sum.mrr / n,
        p_at_10: sum.p_at_10 / n,
        recall_at_100: sum.recall_at_100 / n,
        queries: sum.queries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trec_eval_conventions() {
        // q1: relevant a, b; retrieved c, a (a at rank 2) → AP = (1/2)/2, RR = 1/2.
        // q2: relevant x; nothing retrieved → all zero. q3: no relevant docs → skipped.
        let qrels = Qrels::parse("q1 0 a 1\nq1 0 b 2\nq2 0 x 1\nq3 0 y 0\n").unwrap();
        let run = Run::parse("q1 Q0 c 1 3 r\nq1 Q0 a 2 2 r\n").unwrap();
        let m = evaluate(&qrels, &run);
        assert_eq!(m.queries, 2);
        assert!((m.map - 0.125).abs() < 1e-12, "{m:?}");
        assert!((m.mrr - 0.25).abs() < 1e-12);
        assert!((m.recall_at_100 - 0.25).abs() < 1e-12);
    }

    #[test]
    fn ties_break_by_document_id_descending() {
        let qrels = Qrels::parse("q 0 a 1\n").unwrap();
        let run = Run::parse("q Q0 a 1 1.0 r\nq Q0 b 2 1.0 r\n").unwrap();
        assert_eq!(evaluate(&qrels, &run).mrr, 0.5);
    }

    #[test]
    fn malformed_lines_are_named() {
        assert!(Qrels::parse("q 0 a\n").unwrap_err().starts_with("line 1"));
        assert!(
            Run::parse("q Q0 a 1 x r\n")
                .unwrap_err()
                .contains("not a number")
        );
    }
}
