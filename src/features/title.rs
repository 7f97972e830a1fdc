//! Title similarity: the best of three readings of "does this person do this job?"
//!
//! - the job's normalised title among the profile's titles (1.0 when it is the
//!   profile's most prominent, 0.8 when it is held elsewhere);
//! - the overlap of the occupations the two titles are read as (ESCO and O*NET, see
//!   [`OccupationTable`](crate::OccupationTable)): "nanny" and "au pair" share no word
//!   but are one occupation;
//! - the overlap of title words between the job title and the profile headline, each
//!   word weighted by its idf among the headlines (so "de" and "manager" count for less
//!   than "paralegal"), at most 0.7.

use super::{Candidate, Feature, JobContext};

/// How close the profile's titles are to the job's.
pub struct Title;

impl Feature for Title {
    fn name(&self) -> &'static str {
        "title"
    }

    fn score(&self, job: &JobContext<'_>, c: &Candidate<'_>) -> Option<f32> {
        if job.title_terms.is_empty() && job.job.titles.is_empty() {
            return None;
        }
        let titles = &c.facts.titles;
        if let Some(pos) = titles.iter().position(|t| job.job.titles.contains(t)) {
            return Some(if pos == 0 { 1.0 } else { 0.8 });
        }
        let occupation = job.job.occupations.similarity(&c.facts.occupations).0;
        if job.title_terms.is_empty() || c.headline_terms.is_empty() {
            return Some(occupation);
        }
        let w = |t: &String| job.headline_idf.get(t).copied().unwrap_or(1.0);
        // The headline's terms are each once, so the union is the job's terms and the
        // headline's others.
        let (shared, others): (Vec<&String>, Vec<&String>) = c
            .headline_terms
            .iter()
            .partition(|t| job.title_terms.contains(*t));
        let union = ordered_sum(job.title_terms.iter().chain(others).map(w));
        let shared = ordered_sum(shared.into_iter().map(w));
        Some(occupation.max(if union > 0.0 {
            0.7 * shared / union
        } else {
            0.0
        }))
    }
}

/// The sum of `values` added in ascending order: the sets' iteration order varies from run
/// to run, and a float sum's last bit with it; a score must not.
fn ordered_sum(values: impl Iterator<Item = f32>) -> f32 {
    let mut values: Vec<f32> = values.collect();
    values.sort_by(f32::total_cmp);
    values.into_iter().sum()
}
