//! Analysis: how text becomes comparable terms.
//!
//! The [`Analyzer`] turns mixed Chinese/English text into index terms for Tantivy and
//! for query building; the [`Taxonomy`] recognises skills under any of their names.
//! Both are loaded once per process and shared.

mod language;
mod rows;
mod taxonomy;
mod tokenizer;

pub use taxonomy::{Mention, Skill, SkillId, Taxonomy};

const TITLES: &str = include_str!("../../data/taxonomy/titles.tsv");
const PLACES: &str = include_str!("../../data/places.tsv");
const TITLES_AUTOMATON: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/titles.daac"));
const PLACES_AUTOMATON: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/places.daac"));

/// The vocabularies extraction reads text with: skills, job titles and places, each
/// with aliases in both languages.
#[derive(Debug)]
pub struct Lexicon {
    pub(crate) skills: Taxonomy,
    pub(crate) titles: Taxonomy,
    pub(crate) places: Taxonomy,
}

impl Lexicon {
    /// The vocabularies shipped with matcher (`data/taxonomy/skills.tsv`,
    /// `data/taxonomy/titles.tsv`, `data/places.tsv`).
    pub fn builtin() -> Lexicon {
        Lexicon::with_skills(Taxonomy::builtin())
    }

    /// The built-in title and place vocabularies with the given skill taxonomy.
    pub fn with_skills(skills: Taxonomy) -> Lexicon {
        // Titles build on a second thread while places build here.
        let (titles, places) = std::thread::scope(|scope| {
            let titles = scope.spawn(|| Taxonomy::precompiled(TITLES, TITLES_AUTOMATON));
            let places = Taxonomy::precompiled(PLACES, PLACES_AUTOMATON);
            (
                titles.join().unwrap_or_else(|_| Taxonomy::from_tsv("")),
                places,
            )
        });
        Lexicon {
            skills,
            titles,
            places,
        }
    }

    /// The skill taxonomy.
    pub fn skills(&self) -> &Taxonomy {
        &self.skills
    }
}
pub(crate) use tokenizer::is_han;
pub use tokenizer::{Analyzer, MixedTokenizer, TOKENIZER_NAME};
