//! Analysis: how text becomes comparable terms.
//!
//! The [`Analyzer`] turns mixed Chinese/English text into index terms for Tantivy and
//! for query building; the [`Taxonomy`] recognises skills under any of their names.
//! Both are loaded once per process and shared.

mod language;
mod occupation;
pub(crate) mod phrases;
mod rows;
mod taxonomy;
mod tokenizer;

pub use occupation::{OccupationId, OccupationTable, Occupations};
pub use taxonomy::{Mention, Skill, SkillId, Taxonomy};

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use language::FunctionWords;

const TITLES: &str = include_str!("../../data/taxonomy/titles.tsv");
const PLACES: &str = include_str!("../../data/places.tsv");
const TITLES_AUTOMATON: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/titles.daac"));
const PLACES_AUTOMATON: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/places.daac"));

/// The vocabularies extraction reads text with: skills, job titles and places, each
/// with aliases in both languages, and the occupations titles are read as.
#[derive(Debug)]
pub struct Lexicon {
    pub(crate) skills: Taxonomy,
    pub(crate) titles: Taxonomy,
    pub(crate) places: Taxonomy,
    pub(crate) occupations: OccupationTable,
    /// Words that end job titles ("manager", "paralegal", "president"): see
    /// [`Lexicon::is_role_word`]. Derived on first use: only profile parsing asks, so a
    /// query's start-up does not pay for it.
    role_words: OnceLock<HashSet<String>>,
    languages: FunctionWords,
}

/// A word ending at least this many names of the title vocabulary is a role word.
const ROLE_WORD_TITLES: usize = 2;

/// The last words of the title vocabulary's names (lowercased ASCII words), those
/// ending at least [`ROLE_WORD_TITLES`] of them.
fn role_words(titles_tsv: &str) -> HashSet<String> {
    let mut ends: HashMap<String, usize> = HashMap::new();
    for row in rows::parse_rows(titles_tsv).unwrap_or_default() {
        for name in std::iter::once(&row.name).chain(&row.aliases) {
            let last = name
                .split(|c: char| !c.is_ascii_alphabetic())
                .rfind(|w| !w.is_empty());
            if let Some(last) = last {
                *ends.entry(last.to_ascii_lowercase()).or_default() += 1;
            }
        }
    }
    ends.into_iter()
        .filter(|&(_, n)| n >= ROLE_WORD_TITLES)
        .map(|(w, _)| w)
        .collect()
}

/// How many letters [`Lexicon::written_in`] reads to weigh Han against the others.
const WRITTEN_IN_LETTERS: usize = 4000;

impl Lexicon {
    /// The vocabularies shipped with matcher (`data/taxonomy/skills.tsv`,
    /// `data/taxonomy/titles.tsv`, `data/places.tsv`).
    pub fn builtin() -> Lexicon {
        Lexicon::with_skills(Taxonomy::builtin())
    }

    /// The built-in title, place and occupation vocabularies with the given skill
    /// taxonomy.
    pub fn with_skills(skills: Taxonomy) -> Lexicon {
        // Titles and occupations build on threads of their own while places build here.
        let (titles, places, occupations) = std::thread::scope(|scope| {
            let titles = scope.spawn(|| Taxonomy::precompiled(TITLES, TITLES_AUTOMATON));
            let occupations = scope.spawn(OccupationTable::builtin);
            let places = Taxonomy::precompiled(PLACES, PLACES_AUTOMATON);
            (
                titles.join().unwrap_or_else(|_| Taxonomy::from_tsv("")),
                places,
                occupations
                    .join()
                    .unwrap_or_else(|_| OccupationTable::from_tsv("")),
            )
        });
        Lexicon {
            skills,
            titles,
            places,
            occupations,
            role_words: OnceLock::new(),
            languages: FunctionWords::builtin(),
        }
    }

    /// Whether `word` ends job titles in the title vocabulary ("Manager", "paralegal";
    /// case-insensitive, ASCII): what tells "Director, Sales" from "Lahore, Punjab".
    pub(crate) fn is_role_word(&self, word: &str) -> bool {
        self.role_words
            .get_or_init(|| role_words(TITLES))
            .contains(&word.to_ascii_lowercase())
    }

    /// The skill taxonomy.
    pub fn skills(&self) -> &Taxonomy {
        &self.skills
    }

    /// The occupations job titles are read as.
    pub fn occupations(&self) -> &OccupationTable {
        &self.occupations
    }

    /// Whether `text` is in English (or in no language matcher tells from English:
    /// Chinese, a bare title).
    pub(crate) fn is_english(&self, text: &str) -> bool {
        self.languages.detect(text) == 0
    }

    /// The language `text` is written in, as an ISO 639-1 code: `zh` when at least 3 in
    /// 10 of its first letters are Han (a Chinese résumé names its tools in English),
    /// else the language its function words tell (English unless another clearly wins;
    /// a bare title is English). Ranking compares a job's and a profile's: where they
    /// differ, words cannot meet and meaning is evidence.
    pub(crate) fn written_in(&self, text: &str) -> &'static str {
        let (mut han, mut letters) = (0usize, 0usize);
        for c in text
            .chars()
            .filter(|c| c.is_alphabetic())
            .take(WRITTEN_IN_LETTERS)
        {
            letters += 1;
            han += usize::from(is_han(c));
        }
        if han * 10 >= letters * 3 && han > 0 {
            "zh"
        } else {
            self.languages.code(self.languages.detect(text))
        }
    }

    /// What a holder of these titles does, as occupations: each of `titles` (the title
    /// as written, its normalised names) read on its own and the readings averaged, so
    /// that a Chinese title known to the title vocabulary is read through its English
    /// name.
    pub(crate) fn read_titles<'t>(&self, titles: impl IntoIterator<Item = &'t str>) -> Occupations {
        let mut seen: Vec<String> = Vec::new();
        let mut readings = Vec::new();
        for t in titles {
            let key = t.trim().to_lowercase();
            if key.is_empty() || seen.contains(&key) {
                continue;
            }
            readings.push(self.occupations.classify(t));
            seen.push(key);
        }
        Occupations::mean(&readings)
    }
}
/// BM25's inverse document frequency of a term in `df` of `docs` documents, as Lucene
/// and Tantivy define it: ln(1 + (N − df + 0.5) / (df + 0.5)). What retrieval, feedback,
/// explanations and the occupation reading weigh a term by.
pub(crate) fn bm25_idf(docs: f32, df: f32) -> f32 {
    (1.0 + (docs - df + 0.5) / (df + 0.5)).ln()
}

pub use tokenizer::{Analyzer, MixedTokenizer, TOKENIZER_NAME};
pub(crate) use tokenizer::{folded, is_han};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_written_in_chinese_when_a_good_share_of_its_letters_are_han() {
        let lexicon = Lexicon::builtin();
        // A Chinese résumé names its tools in English: still Chinese.
        let zh = "熟悉 Kubernetes、Kafka 和 RocketMQ，5年以上后端开发经验，负责消息队列平台";
        assert_eq!(lexicon.written_in(zh), "zh");
        // An English résumé with a Chinese name or school in it: English.
        let en = "Backend engineer at 腾讯, five years of Kafka and Kubernetes in production";
        assert_eq!(lexicon.written_in(en), "en");
        let es = "Buscamos un desarrollador con experiencia en la nube y en los sistemas de pago";
        assert_eq!(lexicon.written_in(es), "es");
        // A bare title, and nothing: English, the default.
        assert_eq!(lexicon.written_in("Analista de datos"), "en");
        assert_eq!(lexicon.written_in(""), "en");
    }
}
