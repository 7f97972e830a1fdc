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
//!
//! It also owns feedback by meaning ([`DenseFeedback`]): the job's text vector moved
//! toward its nearest profiles', which then scores the candidates' `semantic` feature.

use std::sync::Arc;

use rayon::prelude::*;
use tantivy::{DocAddress, DocId, Searcher};

use crate::embed::DIM;
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

/// Feedback by meaning (Rocchio's, on the job's text vector): the job's text is read
/// again as the mean of itself and the text of the profiles nearest it, and that moved
/// vector scores the `semantic` feature of every candidate. One job is one text to an
/// encoder and many kinds of résumé match it; the résumés nearest it say, in the index's
/// own words and language, which kind. Nothing is encoded or scanned again: the
/// candidates are those the job's own vectors and BM25 found (a second nearest-neighbour
/// scan with the moved vector gave 0.6661 against 0.6665, for 1.5 ms at 10k profiles).
///
/// Its nearest 3, at weight 1 (the query vector plus the profiles' mean, renormalised):
/// the seven-set macro MAP 0.6606 → 0.6665, with 1–3 profiles at weight 0.5–1.5 all
/// 0.6655–0.6677; most across languages (xling-zh2en 0.675 → 0.698, xling-en2zh
/// 0.184 → 0.209), at a cost on resumener-zh (0.719 → 0.698), whose executives'
/// biographies the encoder reads as alike whatever the post (docs/QUALITY.md, session
/// 15). The title vector is left as the job wrote it: `semantic_title` and the
/// explanation's `title ≈` compare titles, and moving it too gains nothing (0.6663).
#[derive(Clone, Debug, PartialEq)]
pub struct DenseFeedback {
    /// How many of the nearest profiles are read. By default, 3.
    pub profiles: usize,
    /// The weight of their mean text vector against the job's own (weight 1). By
    /// default, 1.
    pub weight: f32,
}

impl Default for DenseFeedback {
    fn default() -> Self {
        DenseFeedback {
            profiles: 3,
            weight: 1.0,
        }
    }
}

/// The job's vectors with its text moved toward the mean text of `picks`:
/// `q + weight × mean`, renormalised, as [`DenseFeedback`] says. The title is kept;
/// so is a text when no pick has a vector.
pub(crate) fn moved_toward(
    vectors: &[Arc<SegmentVectors>],
    job: &JobVectors,
    picks: &[DocAddress],
    weight: f32,
) -> JobVectors {
    let mut sum = [0f32; DIM];
    let mut n = 0usize;
    for a in picks {
        let v = vectors
            .get(a.segment_ord as usize)
            .and_then(|s| s.text_of(a.doc_id));
        if let Some(v) = v {
            sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
            n += 1;
        }
    }
    let text = match &job.text {
        Some(q) if n > 0 => {
            let mut out = q.floats();
            let w = weight / n as f32;
            out.iter_mut().zip(sum).for_each(|(o, s)| *o += w * s);
            let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                out.iter_mut().for_each(|x| *x /= norm);
            }
            Some(Quantised::new(&out))
        }
        other => other.clone(),
    };
    JobVectors {
        text,
        title: job.title.clone(),
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
    use crate::index::vectors::unit;

    fn cos(a: &Quantised, b: &[f32; DIM]) -> f32 {
        a.floats().iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn feedback_moves_the_text_toward_the_picks_and_keeps_the_title() {
        let (a, b, c) = (unit(1), unit(2), unit(3));
        let segments = [Arc::new(SegmentVectors::of_texts(&[a, b, c]))];
        let job = JobVectors {
            text: Some(Quantised::new(&unit(10))),
            title: Some(Quantised::new(&unit(11))),
        };
        let picks = [DocAddress::new(0, 0), DocAddress::new(0, 1)];
        let moved = moved_toward(&segments, &job, &picks, 1.0);
        let text = moved.text.as_ref().unwrap();
        // Nearer each pick, not nearer the profile that was not picked; still a unit
        // vector; the job's own direction kept as much as the picks' mean.
        for pick in [&a, &b] {
            assert!(cos(text, pick) > cos(job.text.as_ref().unwrap(), pick) + 0.2);
        }
        assert!(cos(text, &c).abs() < 0.15, "{}", cos(text, &c));
        let norm: f32 = text.floats().iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 0.01, "{norm}");
        assert!(cos(text, &unit(10)) > 0.5);
        assert_eq!(moved.title, job.title);
        // With nothing to read, or weight 0, the job stays as it was.
        let none = moved_toward(&segments, &job, &[], 1.0);
        assert_eq!(none.text, job.text);
        let zero = moved_toward(&segments, &job, &picks, 0.0);
        assert!(cos(zero.text.as_ref().unwrap(), &unit(10)) > 0.999);
    }

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
