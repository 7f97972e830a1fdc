//! Which language a text is written in, told by its function words.
//!
//! Each text (a profile's body, a job description) is given one language — English,
//! Romanian, Spanish, German, French, Portuguese, Italian or Dutch — by counting its
//! function words (`data/stopwords/*.txt`), English unless another language clearly
//! wins. The analyzer stems by it; extraction reads titles as occupations only in
//! English, the language of the occupation vocabularies.

use rustc_hash::FxHashMap;

/// The languages a text can be in, with their function words. English is first: the
/// default.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", include_str!("../../data/stopwords/en.txt")),
    ("ro", include_str!("../../data/stopwords/ro.txt")),
    ("es", include_str!("../../data/stopwords/es.txt")),
    ("de", include_str!("../../data/stopwords/de.txt")),
    ("fr", include_str!("../../data/stopwords/fr.txt")),
    ("pt", include_str!("../../data/stopwords/pt.txt")),
    ("it", include_str!("../../data/stopwords/it.txt")),
    ("nl", include_str!("../../data/stopwords/nl.txt")),
];

/// How many words detection reads.
const DETECT_WORDS: usize = 400;

/// The lines of a word list that are words (no blanks, no `#` comments).
pub(crate) fn word_list(source: &'static str) -> impl Iterator<Item = &'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The function words of every known language, to tell them apart.
#[derive(Debug)]
pub(crate) struct FunctionWords {
    /// Each function word with the languages it is one in, a bit per language: one
    /// lookup answers for all of them.
    words: FxHashMap<&'static str, Languages>,
}

/// A set of languages, bit `i` for `LANGUAGES[i]`.
pub(crate) type Languages = u16;

impl FunctionWords {
    pub(crate) fn builtin() -> FunctionWords {
        let mut words: FxHashMap<&'static str, Languages> = FxHashMap::default();
        for (i, (_, list)) in LANGUAGES.iter().enumerate() {
            for w in word_list(list) {
                *words.entry(w).or_default() |= 1 << i;
            }
        }
        FunctionWords { words }
    }

    /// How many languages there are; indexes below this are languages, 0 English.
    pub(crate) fn len(&self) -> usize {
        LANGUAGES.len()
    }

    /// A language's ISO 639-1 code.
    pub(crate) fn code(&self, language: usize) -> &'static str {
        LANGUAGES[language].0
    }

    /// The languages a (lowercase) word is a function word of; 0 if none.
    pub(crate) fn languages_of(&self, word: &str) -> Languages {
        self.words.get(word).copied().unwrap_or(0)
    }

    /// The language `text` is written in: the one whose function words it uses most,
    /// if that is at least 3 of its first words and more than English's count; else
    /// English (0).
    pub(crate) fn detect(&self, text: &str) -> usize {
        let mut counts = [0usize; LANGUAGES.len()];
        let words = text
            .split(|c: char| !c.is_alphabetic() || super::is_han(c))
            .filter(|w| !w.is_empty())
            .take(DETECT_WORDS);
        let mut lower = String::new();
        for w in words {
            let mut of = if w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                lower.clear();
                lower.extend(w.chars().flat_map(char::to_lowercase));
                self.languages_of(&lower)
            } else {
                self.languages_of(w)
            };
            while of != 0 {
                counts[of.trailing_zeros() as usize] += 1;
                of &= of - 1;
            }
        }
        let (best, &n) = counts
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
            .expect("at least English");
        if n >= 3 && n > counts[0] { best } else { 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_unless_another_language_clearly_wins() {
        let f = FunctionWords::builtin();
        let ro = "Experiență în dezvoltarea de aplicații și în lucrul cu baze de date";
        assert_eq!(f.code(f.detect(ro)), "ro");
        assert_eq!(f.detect("Senior Data Engineer"), 0);
        assert_eq!(f.detect("熟悉 Kubernetes 和 Kafka"), 0);
        assert_eq!(
            f.detect("Erfahrung mit der Entwicklung und dem Betrieb von Diensten"),
            3
        );
    }
}
