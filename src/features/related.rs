//! Partial credit for required skills the profile lacks but shows a relative of: a
//! narrower or broader skill (Kafka for "message queue") or a sibling (RabbitMQ for Kafka),
//! through the taxonomy's broader relations.

use super::{Candidate, Feature, JobContext, coverage};

/// Rarity-weighted partial credit for missing required skills.
pub struct RelatedSkills;

impl Feature for RelatedSkills {
    fn name(&self) -> &'static str {
        "related_skills"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        coverage(
            &job.required,
            c.skills.related.iter().map(|(i, _, credit)| (*i, *credit)),
        )
    }
}
