//! Preferred-skill coverage ("nice to have", 加分项), rarity-weighted.

use super::{Candidate, Feature, JobContext, coverage};

/// Share of the preferred skills (rarity-weighted) the profile shows.
pub struct PreferredSkills;

impl Feature for PreferredSkills {
    fn name(&self) -> &'static str {
        "preferred_skills"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        coverage(
            &job.preferred,
            c.skills.preferred_found.iter().map(|&i| (i, 1.0)),
        )
    }
}
