//! Location: 1.0 in the job's city, 0 elsewhere, 0.5 when the profile names none. Not
//! judged for remote jobs or jobs that name no place.

use super::{Candidate, Feature, JobContext};

/// Location match.
pub struct Location;

impl Feature for Location {
    fn name(&self) -> &'static str {
        "location"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        let wanted = job.job.location.as_deref().filter(|l| *l != "Remote")?;
        Some(match c.facts.location.as_deref() {
            Some(have) if have == wanted => 1.0,
            Some(_) => 0.0,
            None => 0.5,
        })
    }
}
