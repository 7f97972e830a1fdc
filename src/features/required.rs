//! Required-skill coverage, each skill weighted by its rarity among the profiles.

use super::{Candidate, Feature, JobContext, coverage};

/// Share of the required skills (rarity-weighted) the profile shows.
pub struct RequiredSkills;

impl Feature for RequiredSkills {
    fn name(&self) -> &'static str {
        "required_skills"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        coverage(
            &job.required,
            c.skills.required_found.iter().map(|&i| (i, 1.0)),
        )
    }
}
