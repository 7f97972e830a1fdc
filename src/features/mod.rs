//! Features: how well one candidate fits one job, each judged on its own.
//!
//! A feature is a small type behind [`Feature`]: it looks at the job (through
//! [`JobContext`]) and one candidate's stored facts (through [`Candidate`]) and returns a
//! value in [0, 1] — or `None` when the job gives it nothing to judge (no minimum years
//! asked, no location given), in which case its weight is left out rather than counted as
//! a zero. Adding a feature is adding a file here and a line in [`all`] and [`Weights`].
//!
//! Skill matching is worked out once per candidate ([`SkillMatch`]) and shared by the
//! three skill features, so the explanation shows exactly what they counted.

mod bm25;
mod education;
mod location;
mod preferred;
mod related;
mod required;
mod semantic;
mod title;
mod weights;
mod years;

use std::collections::HashSet;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::analysis::{Lexicon, SkillId, Taxonomy};
use crate::job::Job;
use crate::profile::ProfileFacts;

pub(crate) use semantic::scaled as semantic_scaled;
pub use weights::{TEXT_GATE, TITLE_BM25, Weights};

/// One scoring feature.
///
/// Contract: `score` returns `None` or a value in [0, 1]; it depends only on the job
/// context and the candidate (never on other candidates except through
/// [`JobContext::max_bm25`]), so results are the same in any order and on any thread.
pub trait Feature: Send + Sync {
    /// The feature's name, as used in weight files and explanations.
    fn name(&self) -> &'static str;
    /// The candidate's value in [0, 1], or `None` if the job gives nothing to judge.
    fn score(&self, job: &JobContext<'_>, candidate: &Candidate<'_>) -> Option<f32>;
}

/// Every feature, in the order explanations list them.
pub(crate) fn all() -> Vec<Box<dyn Feature>> {
    vec![
        Box::new(bm25::Bm25),
        Box::new(required::RequiredSkills),
        Box::new(preferred::PreferredSkills),
        Box::new(related::RelatedSkills),
        Box::new(title::Title),
        Box::new(years::Years),
        Box::new(education::EducationFit),
        Box::new(location::Location),
        Box::new(semantic::Semantic),
        Box::new(semantic::SemanticTitle),
    ]
}

/// A skill the job asks for, with how much finding it is worth.
#[derive(Clone, Debug)]
pub struct WantedSkill {
    /// The skill's id in the taxonomy.
    pub id: SkillId,
    /// Canonical name.
    pub name: String,
    /// Rarity weight: ln(1 + N / (1 + df)) over the indexed profiles, so that a rare
    /// skill (Flink) counts for more than a common one (communication).
    pub weight: f32,
    /// The skills that earn partial credit for this one where a profile lacks it, by id,
    /// each with the best credit it earns: a narrower skill 0.6, another skill of a small
    /// group it belongs to 0.4, the group itself 0.3.
    pub related: Vec<(SkillId, f32)>,
}

impl WantedSkill {
    /// The skill `id` of `tax`, worth `weight`, with its name and related skills.
    pub fn new(tax: &Taxonomy, id: SkillId, weight: f32) -> WantedSkill {
        WantedSkill {
            id,
            name: tax.skill(id).name.clone(),
            weight,
            related: related_skills(tax, id),
        }
    }
}

/// What the features know of the job: parsed once per query.
pub struct JobContext<'a> {
    /// The job.
    pub job: &'a Job,
    /// The vocabularies.
    pub lexicon: &'a Lexicon,
    /// Required skills with their rarity weights.
    pub required: Vec<WantedSkill>,
    /// Preferred skills with their rarity weights.
    pub preferred: Vec<WantedSkill>,
    /// The best BM25 score among the candidates (to normalise).
    pub max_bm25: f32,
    /// The best `semantic` value among the candidates (the gate's meaning evidence).
    pub max_semantic: f32,
    /// Whether the job is a title alone ([`Job::is_title_only`]): BM25 then gets
    /// [`Weights::title_bm25`] of its weight, and meaning counts as gate evidence for
    /// every profile.
    ///
    /// [`Weights::title_bm25`]: crate::Weights::title_bm25
    pub title_only: bool,
    /// The job title's analyzer terms.
    pub title_terms: HashSet<String>,
    /// The weight of a title or headline term in title overlap: its idf among the
    /// profiles' headlines, so that words every title has ("de", "senior", "engineer" in
    /// an engineering pool) count for less than the ones that say what the job is.
    /// Terms missing from it weigh 1.
    pub headline_idf: FxHashMap<String, f32>,
    /// The share of their weight the skill features get for this job
    /// (`skill_trust` of its recognised required and preferred skills).
    pub skill_trust: f32,
    /// Whether the job's text has a vector to compare profiles' with (the `semantic`
    /// feature applies).
    pub semantic: bool,
    /// Whether the job's title has a vector (the `semantic_title` feature applies).
    pub semantic_title: bool,
}

impl JobContext<'_> {
    pub(crate) fn taxonomy(&self) -> &Taxonomy {
        &self.lexicon.skills
    }
}

/// One candidate, as the features see it.
pub struct Candidate<'a> {
    /// BM25 relevance of the profile text to the job.
    pub bm25: f32,
    /// The stored facts.
    pub facts: &'a ProfileFacts,
    /// Analyzer terms of the profile's headline, sorted and each once (borrowed from
    /// the stored facts, not copied for every job).
    pub headline_terms: &'a [String],
    /// Which wanted skills the profile shows (computed once, shared by skill features).
    pub skills: SkillMatch,
    /// The cosine of the job's and the profile's text vectors, if both have one.
    pub semantic: Option<f32>,
    /// The cosine of the job title's and the profile headline's vectors, if both have one.
    pub semantic_title: Option<f32>,
}

/// How a candidate's skills meet the job's.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SkillMatch {
    /// Indexes into [`JobContext::required`] found in the profile.
    pub required_found: Vec<usize>,
    /// Indexes into [`JobContext::preferred`] found in the profile.
    pub preferred_found: Vec<usize>,
    /// Required skills not found, with partial credit from a related skill the profile
    /// has: (index into `required`, profile skill, credit).
    pub related: Vec<(usize, String, f32)>,
}

/// How many recognised skills a job must name before skill coverage gets its full
/// weight. A job naming fewer — a posting in a language the vocabulary hardly knows, or
/// one whose only "skill" is a word like 招聘 read as recruitment — gets a share of it
/// (1 skill: a quarter), the rest of the score coming from the features that do see the
/// job. See [`JobContext::skill_trust`].
pub const TRUSTED_SKILLS: usize = 4;

/// The weight share the skill features get for a job naming `n` recognised skills.
pub fn skill_trust(n: usize) -> f32 {
    (n as f32 / TRUSTED_SKILLS as f32).min(1.0)
}

/// Whether a feature's weight is scaled by [`JobContext::skill_trust`].
pub(crate) fn is_skill_feature(name: &str) -> bool {
    matches!(
        name,
        "required_skills" | "preferred_skills" | "related_skills"
    )
}

/// Partial credit when the profile has a narrower skill (Kafka for "message queue").
pub const NARROWER_CREDIT: f32 = 0.6;
/// Partial credit for a sibling skill (RabbitMQ for Kafka: both under "message queue").
pub const SIBLING_CREDIT: f32 = 0.4;
/// Partial credit when the profile has only the broader skill ("message queue" for Kafka).
pub const BROADER_CREDIT: f32 = 0.3;
/// A broader skill with more narrower skills than this ("software development") is too
/// general to make its members related.
pub const MAX_GROUP: u32 = 25;

impl SkillMatch {
    /// Match the profile's skills against the wanted ones.
    pub fn new(job: &JobContext<'_>, facts: &ProfileFacts) -> SkillMatch {
        SkillMatch::of_ids(job, &facts.skill_ids(job.taxonomy()))
    }

    /// Match skills already looked up in the job's taxonomy (`has`: the ids of the
    /// profile's skills it knows, in the profile's order) against the wanted ones; what
    /// [`SkillMatch::new`] does after its lookups. Ranking keeps each profile's ids with
    /// its cached facts, so they are looked up once, not once a job.
    pub fn of_ids(job: &JobContext<'_>, has: &[SkillId]) -> SkillMatch {
        let tax = job.taxonomy();
        // A profile names tens of skills: a scan beats hashing them into a set.
        let mut m = SkillMatch::default();
        for (i, w) in job.required.iter().enumerate() {
            if has.contains(&w.id) {
                m.required_found.push(i);
            } else if let Some((via, credit)) = related_credit(&w.related, has) {
                m.related.push((i, tax.skill(via).name.clone(), credit));
            }
        }
        for (i, w) in job.preferred.iter().enumerate() {
            if has.contains(&w.id) {
                m.preferred_found.push(i);
            }
        }
        m
    }
}

/// The skills that earn partial credit for `wanted` where a profile lacks it, by id, each
/// with the best credit it earns: its narrower skills ([`NARROWER_CREDIT`]), the other
/// skills of a group it belongs to that has at most [`MAX_GROUP`] members
/// ([`SIBLING_CREDIT`]), and such a group itself ([`BROADER_CREDIT`]). Listed once a job,
/// so that a candidate's skills are looked up in it rather than each walked to its
/// broader skills.
pub(crate) fn related_skills(tax: &Taxonomy, wanted: SkillId) -> Vec<(SkillId, f32)> {
    let specific = |group: SkillId| tax.narrower_count(group) <= MAX_GROUP;
    let mut related: Vec<(SkillId, f32)> = (tax.narrower(wanted).iter())
        .map(|&h| (h, NARROWER_CREDIT))
        .collect();
    for &group in tax.skill(wanted).broader.iter().filter(|&&b| specific(b)) {
        related.extend(tax.narrower(group).iter().map(|&h| (h, SIBLING_CREDIT)));
        related.push((group, BROADER_CREDIT));
    }
    related.retain(|&(h, _)| h != wanted);
    // By id, the best credit first, then only that one.
    related.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.total_cmp(&a.1)));
    related.dedup_by_key(|r| r.0);
    related
}

/// The best partial credit any of `has` earns from `related` (a wanted skill's
/// [`related_skills`]), and the skill that earns it: the first of `has` to earn the best.
fn related_credit(related: &[(SkillId, f32)], has: &[SkillId]) -> Option<(SkillId, f32)> {
    if related.is_empty() {
        return None;
    }
    let mut best: Option<(SkillId, f32)> = None;
    for &h in has {
        let Ok(i) = related.binary_search_by_key(&h, |r| r.0) else {
            continue;
        };
        let credit = related[i].1;
        if best.is_none_or(|(_, c)| credit > c) {
            best = Some((h, credit));
        }
    }
    best
}

/// Weighted share of `wanted` covered by `found` (indexes), in [0, 1]; `None` if nothing
/// is wanted.
pub(crate) fn coverage(
    wanted: &[WantedSkill],
    found: impl Iterator<Item = (usize, f32)>,
) -> Option<f32> {
    let total: f32 = wanted.iter().map(|w| w.weight).sum();
    if wanted.is_empty() || total <= 0.0 {
        return None;
    }
    let got: f32 = found.map(|(i, credit)| wanted[i].weight * credit).sum();
    // `+ 0.0` turns the -0.0 an empty float sum starts from into 0.0.
    Some((got / total).clamp(0.0, 1.0) + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The credit `has` earns for `wanted` by the definition, walking its broader skills.
    fn credit_by_definition(tax: &Taxonomy, wanted: SkillId, has: SkillId) -> Option<f32> {
        let specific = |group: SkillId| tax.narrower_count(group) <= MAX_GROUP;
        let (wanted_broader, has_broader) = (&tax.skill(wanted).broader, &tax.skill(has).broader);
        if has == wanted {
            None
        } else if has_broader.contains(&wanted) {
            Some(NARROWER_CREDIT)
        } else if (has_broader.iter()).any(|b| wanted_broader.contains(b) && specific(*b)) {
            Some(SIBLING_CREDIT)
        } else if wanted_broader.contains(&has) && specific(has) {
            Some(BROADER_CREDIT)
        } else {
            None
        }
    }

    #[test]
    fn related_skills_are_every_skill_the_definition_credits_and_no_other() {
        let tax = Taxonomy::builtin();
        let mut credited = 0;
        for wanted in 0..tax.len() as SkillId {
            let related = related_skills(&tax, wanted);
            assert!(
                related.windows(2).all(|w| w[0].0 < w[1].0),
                "sorted, once each"
            );
            for has in 0..tax.len() as SkillId {
                let listed =
                    (related.binary_search_by_key(&has, |r| r.0).ok()).map(|i| related[i].1);
                assert_eq!(
                    listed,
                    credit_by_definition(&tax, wanted, has),
                    "{wanted} {has}"
                );
            }
            credited += related.len();
        }
        assert!(
            credited > 1000,
            "the built-in taxonomy relates skills: {credited}"
        );
    }
}
