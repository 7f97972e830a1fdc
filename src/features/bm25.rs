//! BM25 relevance, normalised by the best candidate's: 1.0 for the best text match.

use super::{Candidate, Feature, JobContext};

/// Normalised BM25.
pub struct Bm25;

impl Feature for Bm25 {
    fn name(&self) -> &'static str {
        "bm25"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        (job.max_bm25 > 0.0).then(|| (c.bm25 / job.max_bm25).clamp(0.0, 1.0))
    }
}
