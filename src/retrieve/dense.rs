//! Dense retrieval: the profiles whose vectors are nearest the job's, beside BM25's.
//!
//! A Chinese posting and an English résumé may share no word, so BM25 never brings the
//! résumé up for re-scoring however well it fits. The nearest-neighbour search does: it
//! scores every live profile by the cosine of its text vector (and, when both have one,
//! its title vector) with the job's, and keeps the best. The scan is exact, over the
//! in-memory copy of each segment's quantised vectors
//! ([`SegmentVectors`](crate::index::SegmentVectors)): 512 byte products a profile, which
//! at a million profiles is still a few tens of milliseconds on two cores, with no
//! approximate index to build, keep consistent with commits, or tune.

use std::sync::Arc;

use rayon::prelude::*;
use tantivy::{DocAddress, DocId, Searcher};

use crate::index::{Quantised, SegmentVectors};

/// The job's vectors, quantised like the profiles'.
#[derive(Clone, Debug, Default)]
pub(crate) struct JobVectors {
    /// What the job's text says.
    pub text: Option<Quantised>,
    /// What its title says.
    pub title: Option<Quantised>,
}

impl JobVectors {
    /// How near a profile is, as the scan ranks it: the text cosine, averaged with the
    /// title cosine when both sides have a title vector. `None` when the profile has no
    /// vectors.
    pub(crate) fn nearness(&self, segment: &SegmentVectors, doc: DocId) -> Option<f32> {
        if !segment.has(doc) {
            return None;
        }
        let text = self.text.as_ref().map(|q| segment.text_cos(doc, q));
        let title = self.title.as_ref().and_then(|q| segment.title_cos(doc, q));
        match (text, title) {
            (Some(a), Some(b)) => Some(0.5 * (a + b)),
            (a, b) => a.or(b),
        }
    }
}

/// The `limit` live profiles nearest `job`, nearest first (ties: first document first).
pub(crate) fn nearest(
    searcher: &Searcher,
    vectors: &[Arc<SegmentVectors>],
    job: &JobVectors,
    limit: usize,
    parallel: bool,
) -> Vec<(f32, DocAddress)> {
    if limit == 0 || (job.text.is_none() && job.title.is_none()) {
        return Vec::new();
    }
    // Blocks of documents, each scanned for its own best `limit`: the unit of parallel
    // work, small enough to spread a single big segment over the pool.
    const BLOCK: u32 = 16 * 1024;
    let mut blocks: Vec<(u32, u32, u32)> = Vec::new();
    for (ord, segment) in vectors.iter().enumerate() {
        let n = segment.len() as u32;
        let mut start = 0;
        while start < n {
            blocks.push((ord as u32, start, (start + BLOCK).min(n)));
            start += BLOCK;
        }
    }
    let readers = searcher.segment_readers();
    let scan = |&(ord, start, end): &(u32, u32, u32)| -> Vec<(f32, DocAddress)> {
        let segment = &vectors[ord as usize];
        let alive = readers[ord as usize].alive_bitset();
        let mut best = Best::new(limit);
        for doc in start..end {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            if let Some(near) = job.nearness(segment, doc) {
                best.push(near, DocAddress::new(ord, doc));
            }
        }
        best.into_sorted()
    };
    let found: Vec<Vec<(f32, DocAddress)>> = if parallel {
        blocks.par_iter().map(scan).collect()
    } else {
        blocks.iter().map(scan).collect()
    };
    let mut best = Best::new(limit);
    for (near, addr) in found.into_iter().flatten() {
        best.push(near, addr);
    }
    best.into_sorted()
}

/// The best `limit` of what is pushed, by score then address.
struct Best {
    limit: usize,
    items: Vec<(f32, DocAddress)>,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            limit,
            items: Vec::with_capacity(2 * limit),
        }
    }

    fn push(&mut self, score: f32, addr: DocAddress) {
        self.items.push((score, addr));
        if self.items.len() >= 2 * self.limit {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.items
            .sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        self.items.truncate(self.limit);
    }

    fn into_sorted(mut self) -> Vec<(f32, DocAddress)> {
        self.trim();
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_keeps_the_highest_with_stable_ties() {
        let mut best = Best::new(3);
        for (i, s) in [0.1, 0.9, 0.5, 0.9, 0.2, 0.7, 0.5].iter().enumerate() {
            best.push(*s, DocAddress::new(0, i as u32));
        }
        let got: Vec<(f32, u32)> = best
            .into_sorted()
            .iter()
            .map(|(s, a)| (*s, a.doc_id))
            .collect();
        assert_eq!(got, [(0.9, 1), (0.9, 3), (0.7, 5)]);
    }
}
