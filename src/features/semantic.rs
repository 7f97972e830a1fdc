//! Meaning: how close the job and the profile are as the sentence encoder reads them,
//! in whatever language each is written.
//!
//! Two readings, each its own feature: the job's text against the profile's text
//! (`semantic`), and the job's title against the profile's headline (`semantic_title`).
//! A cosine of the encoder's vectors is mapped to [0, 1] by [`scaled`]: unrelated texts
//! sit around 0.1–0.2, so cosines at or below [`COS_FLOOR`] count as nothing and the
//! rest rises linearly to 1.

use super::{Candidate, Feature, JobContext};

/// Cosines at or below this count as no similarity.
pub const COS_FLOOR: f32 = 0.2;

/// A cosine mapped to [0, 1]: 0 at or below [`COS_FLOOR`], 1 at 1.
pub fn scaled(cos: f32) -> f32 {
    ((cos - COS_FLOOR) / (1.0 - COS_FLOOR)).clamp(0.0, 1.0) + 0.0
}

/// Job text ↔ profile text.
pub struct Semantic;

impl Feature for Semantic {
    fn name(&self) -> &'static str {
        "semantic"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        job.semantic.then_some(())?;
        Some(c.semantic.map_or(0.0, scaled))
    }
}

/// Job title ↔ profile headline.
pub struct SemanticTitle;

impl Feature for SemanticTitle {
    fn name(&self) -> &'static str {
        "semantic_title"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        job.semantic_title.then_some(())?;
        Some(c.semantic_title.map_or(0.0, scaled))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosines_map_onto_the_unit_interval() {
        assert_eq!(scaled(-0.3), 0.0);
        assert_eq!(scaled(COS_FLOOR), 0.0);
        assert_eq!(scaled(1.0), 1.0);
        assert!((scaled(0.6) - 0.5).abs() < 1e-6);
    }
}
