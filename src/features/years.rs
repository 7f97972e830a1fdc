//! Years of experience against the job's minimum: 1.0 at or above it, proportionally
//! less below; 0.5 when the profile states no years at all (neither credit nor penalty).

use super::{Candidate, Feature, JobContext};

/// Years fit.
pub struct Years;

impl Feature for Years {
    fn name(&self) -> &'static str {
        "years"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        let min = job.job.min_years.filter(|m| *m > 0.0)?;
        Some(match c.facts.years {
            Some(y) => (y / min).clamp(0.0, 1.0),
            None => 0.5,
        })
    }
}
