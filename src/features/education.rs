//! Education against the job's minimum: 1.0 at or above it, 0.5 one level below, 0 further
//! below; 0.5 when the profile names no education.

use super::{Candidate, Feature, JobContext};

/// Education fit.
pub struct EducationFit;

impl Feature for EducationFit {
    fn name(&self) -> &'static str {
        "education"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        let wanted = job.job.education?;
        Some(match c.facts.education {
            Some(have) if have >= wanted => 1.0,
            Some(have) if have as u8 + 1 == wanted as u8 => 0.5,
            Some(_) => 0.0,
            None => 0.5,
        })
    }
}
