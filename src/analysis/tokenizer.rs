//! The mixed Chinese/Latin analyzer and its Tantivy adapter.
//!
//! Text is split by script first: runs of Han characters go to jieba in search mode
//! (whole words plus their dictionary sub-words, so 微服务架构 is found by 微服务 and by
//! 架构); runs of letters and digits are words, lowercased and stemmed when purely
//! alphabetic. Technology names keep the symbols that make them what they are — `C++`,
//! `C#`, `.NET`, `Node.js` — and full-width forms (`Ｋ８Ｓ`) fold to ASCII. Whitespace,
//! punctuation and stop words yield no token.
//!
//! Latin words are treated in the language of the text they are in: each text (a
//! profile's body, a job description) is given one language — English, Romanian,
//! Spanish, German, French, Portuguese, Italian or Dutch — by counting its function words,
//! English unless another language clearly wins. Its function words are stop words;
//! English words are stemmed (Snowball), other languages' words are not: on the Romanian
//! TalentCLEF set Snowball's Romanian stemmer cost 0.03 MAP against no stemming (it
//! conflates too much: modele → mod, date → dat). Every word is then folded to ASCII
//! (ș, ş → s; é → e) so that text typed without diacritics meets text typed with them.
//!
//! Index and query go through the same [`Analyzer`], registered in Tantivy under
//! [`TOKENIZER_NAME`], so what a job says and what a profile says meet as the same terms.

use std::ops::Range;
use std::sync::Arc;

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashSet;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::language::{FunctionWords, word_list};

/// The name the analyzer is registered under in the Tantivy index.
pub const TOKENIZER_NAME: &str = "matcher_mixed";

const USER_DICT: &str = include_str!("../../data/dict/user-dict.txt");
const CORE_DICT: &str = include_str!("../../data/dict/core-zh.txt");
const STOP_ZH: &str = include_str!("../../data/stopwords/zh.txt");

/// Splits and normalises mixed Chinese/English text into index terms.
///
/// Building one loads jieba's dictionary and matcher's domain dictionary, which takes
/// a noticeable fraction of a second: build it once and share it (it is `Sync`).
///
/// ```
/// use matcher::Analyzer;
/// let a = Analyzer::new();
/// assert_eq!(a.terms("熟悉K8S、C++ 和 Node.js"), ["熟悉", "k8s", "c++", "node.js"]);
/// ```
pub struct Analyzer {
    jieba: Jieba,
    /// Chinese stop words.
    stop: FxHashSet<&'static str>,
    /// The languages' function words: stop words, and what tells languages apart.
    languages: FunctionWords,
    /// Each language's stemmer (by index into `languages`): English only, see the
    /// module docs.
    stemmers: Vec<Option<Stemmer>>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer").finish_non_exhaustive()
    }
}

impl Analyzer {
    /// An analyzer with jieba's default dictionary, matcher's domain dictionaries
    /// (`data/dict/user-dict.txt`, `data/dict/core-zh.txt`) and English stemming.
    pub fn new() -> Analyzer {
        let mut jieba = Jieba::new();
        for line in USER_DICT.lines().chain(CORE_DICT.lines()) {
            let mut parts = line.split_whitespace();
            let (Some(word), freq) = (parts.next(), parts.next()) else {
                continue;
            };
            if word.starts_with('#') {
                continue;
            }
            jieba.add_word(word, freq.and_then(|f| f.parse().ok()), None);
        }
        let languages = FunctionWords::builtin();
        let stemmers = (0..languages.len())
            .map(|i| (languages.code(i) == "en").then(|| Stemmer::create(Algorithm::English)))
            .collect();
        Analyzer {
            jieba,
            stop: word_list(STOP_ZH).collect(),
            languages,
            stemmers,
        }
    }

    /// The language (ISO 639-1 code) whose stemmer the Latin words of `text` get.
    ///
    /// ```
    /// let a = matcher::Analyzer::new();
    /// assert_eq!(a.language("Experiență în dezvoltarea de aplicații și în lucrul cu baze de date"), "ro");
    /// assert_eq!(a.language("熟悉 Kubernetes 和 Kafka"), "en");
    /// ```
    pub fn language(&self, text: &str) -> &'static str {
        self.languages.code(self.languages.detect(text))
    }

    /// Call `sink` with every term of `text` and the byte range it came from, in order.
    pub fn for_each_term(&self, text: &str, mut sink: impl FnMut(&str, Range<usize>)) {
        let language = self.languages.detect(text);
        let stemmer = &self.stemmers[language];
        // English function words are stop words in every language's text, besides its own.
        let stop_in: super::language::Languages = 1 | 1 << language;
        let mut word = String::new();
        let mut stem = String::new();
        let mut chars = text.char_indices().peekable();
        let mut prev: Option<char> = None;
        while let Some(&(start, c)) = chars.peek() {
            if is_han(c) {
                let mut end = start;
                while let Some(&(i, c)) = chars.peek() {
                    if !is_han(c) {
                        break;
                    }
                    end = i + c.len_utf8();
                    chars.next();
                }
                self.han_run(&text[start..end], start, &mut sink);
                prev = text[..end].chars().next_back();
                continue;
            }
            let folded = fold(c);
            let leading_dot = folded == '.'
                && !prev.is_some_and(|p| is_word_char(fold(p)))
                && text[start + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|n| fold(n).is_alphabetic() && !is_han(n));
            if !(folded.is_alphanumeric() || leading_dot) {
                prev = Some(c);
                chars.next();
                continue;
            }
            // A Latin (or other non-Han script) word.
            word.clear();
            let mut end = start;
            let mut letters_only = true;
            if leading_dot {
                word.push('.');
                chars.next();
                end += 1;
                letters_only = false;
            }
            while let Some(&(i, c)) = chars.peek() {
                let f = fold(c);
                if f.is_ascii_alphanumeric() {
                    letters_only &= f.is_ascii_alphabetic();
                    word.push(f.to_ascii_lowercase());
                    end = i + c.len_utf8();
                    chars.next();
                    continue;
                }
                if f.is_alphanumeric() && !is_han(c) {
                    letters_only &= f.is_alphabetic();
                    word.extend(f.to_lowercase());
                    end = i + c.len_utf8();
                    chars.next();
                    continue;
                }
                let rest = &text[i..];
                let after = |n: usize| rest[n..].chars().next().map(fold);
                match f {
                    // node.js, asp.net, 3.5 — but not a sentence's full stop.
                    '.' if after(c.len_utf8()).is_some_and(is_word_char) && !word.is_empty() => {
                        word.push('.');
                        letters_only = false;
                        end = i + c.len_utf8();
                        chars.next();
                    }
                    // c++, g++ (not a+b).
                    '+' if c == '+' => {
                        let plus = rest.bytes().take_while(|&b| b == b'+').count();
                        if plus <= 2 && !after(plus).is_some_and(is_word_char) {
                            word.push_str(&rest[..plus]);
                            letters_only = false;
                            end = i + plus;
                            for _ in 0..plus {
                                chars.next();
                            }
                        }
                        break;
                    }
                    // c#, f# (short names only: item#3 is two words).
                    '#' if word.chars().count() <= 2
                        && !after(c.len_utf8()).is_some_and(is_word_char) =>
                    {
                        word.push('#');
                        letters_only = false;
                        end = i + c.len_utf8();
                        chars.next();
                        break;
                    }
                    // Possessive 's: "Master's" is "master".
                    '\'' | '’'
                        if after(c.len_utf8()).is_some_and(|n| n == 's' || n == 'S')
                            && !after(c.len_utf8() + 1).is_some_and(is_word_char) =>
                    {
                        chars.next();
                        chars.next();
                        break;
                    }
                    _ => break,
                }
            }
            prev = text[..end].chars().next_back();
            if self.languages.languages_of(&word) & stop_in != 0 {
                continue;
            }
            if letters_only && word.chars().count() > 2 {
                if !word.is_ascii() {
                    // Romanian s/t with cedilla (legacy encodings) are the comma letters.
                    word = word.replace('ş', "ș").replace('ţ', "ț");
                }
                stem.clear();
                match stemmer {
                    // Copied out, so that `sink` may analyze text too.
                    Some(stemmer) => {
                        STEMS.with_borrow_mut(|s| stem.push_str(s.stem(stemmer, &word)))
                    }
                    None => stem.extend(word.chars().flat_map(ascii_fold)),
                }
                sink(&stem, start..end);
            } else {
                sink(&word, start..end);
            }
        }
    }

    /// The terms of `text`, in order (duplicates kept).
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_term(text, |t, _| out.push(t.to_string()));
        out
    }

    fn han_run(&self, run: &str, offset: usize, sink: &mut impl FnMut(&str, Range<usize>)) {
        for tok in self.jieba.cut_for_search(run, true) {
            if self.stop.contains(tok.word) {
                continue;
            }
            sink(tok.word, offset + tok.byte_start..offset + tok.byte_end);
        }
    }
}

thread_local! {
    /// Each thread's English stems of the words it has seen: words repeat (a résumé's
    /// vocabulary is small and shared), and Snowball costs more than a lookup.
    static STEMS: std::cell::RefCell<StemCache> = std::cell::RefCell::new(StemCache::default());
}

/// Stemmed and ASCII-folded forms by word, forgotten wholesale when full.
#[derive(Default)]
struct StemCache {
    stems: rustc_hash::FxHashMap<Box<str>, Box<str>>,
}

impl StemCache {
    /// How many words a thread remembers (~50 bytes each).
    const CAPACITY: usize = 1 << 17;

    fn stem(&mut self, stemmer: &Stemmer, word: &str) -> &str {
        if !self.stems.contains_key(word) {
            if self.stems.len() >= Self::CAPACITY {
                self.stems.clear();
            }
            let stemmed = stemmer.stem(word);
            let folded: Box<str> = if stemmed.is_ascii() {
                stemmed.into()
            } else {
                stemmed
                    .chars()
                    .flat_map(ascii_fold)
                    .collect::<String>()
                    .into()
            };
            self.stems.insert(word.into(), folded);
        }
        &self.stems[word]
    }
}

/// Han ideographs (CJK unified ideographs, extensions and compatibility forms).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// A character that continues a Latin (non-Han) word.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

/// A Latin letter without its diacritics (ă, â → a; ș → s; ß → ss); others unchanged.
pub(crate) fn ascii_fold(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ă' | 'ą' | 'ā' => "a",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' | 'ē' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' | 'ō' => "o",
        'ř' => "r",
        'ś' | 'š' | 'ș' | 'ş' => "s",
        'ß' => "ss",
        'ť' | 'ț' | 'ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' | 'ū' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        'æ' => "ae",
        'œ' => "oe",
        _ => "",
    };
    let (one, many) = if folded.is_empty() {
        (Some(c), None)
    } else {
        (None, Some(folded.chars()))
    };
    one.into_iter().chain(many.into_iter().flatten())
}

/// `text` lowercased, its Latin letters without diacritics ([`ascii_fold`]): the form
/// headings are matched in, so that "Calificări" and "calificari" are one word.
pub(crate) fn folded(text: &str) -> String {
    text.to_lowercase().chars().flat_map(ascii_fold).collect()
}

/// Full-width ASCII forms (ＡＢＣ１２３＋＃．) to their ASCII equivalents.
fn fold(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The analyzer as a Tantivy [`Tokenizer`].
#[derive(Clone)]
pub struct MixedTokenizer {
    analyzer: Arc<Analyzer>,
    tokens: Vec<Token>,
}

impl MixedTokenizer {
    /// Wrap a shared analyzer.
    pub fn new(analyzer: Arc<Analyzer>) -> MixedTokenizer {
        MixedTokenizer {
            analyzer,
            tokens: Vec::new(),
        }
    }
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        self.analyzer.for_each_term(text, |term, range| {
            tokens.push(Token {
                offset_from: range.start,
                offset_to: range.end,
                position: tokens.len(),
                text: term.to_string(),
                position_length: 1,
            })
        });
        VecTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// A token stream over tokens computed up front.
pub struct VecTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn analyzer() -> &'static Analyzer {
        static A: OnceLock<Analyzer> = OnceLock::new();
        A.get_or_init(Analyzer::new)
    }

    #[test]
    fn cached_stems_are_the_stemmers_and_a_sink_may_analyze_too() {
        let a = analyzer();
        let text = "Managed managers, managing databases and tested testing tools";
        let first = a.terms(text);
        let stemmer = Stemmer::create(Algorithm::English);
        for (term, word) in first.iter().zip(["manag", "manag", "manag", "databas"]) {
            assert_eq!(term, word);
            assert_eq!(stemmer.stem(term), stemmer.stem(word));
        }
        // The second pass reads the cache; a sink that analyzes text meanwhile must not
        // find the cache borrowed.
        let mut nested = Vec::new();
        a.for_each_term(text, |t, _| {
            nested.push((t.to_string(), a.terms(t)));
        });
        assert_eq!(
            nested.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            first.iter().collect::<Vec<_>>()
        );
        assert!(nested.iter().all(|(_, inner)| inner.len() == 1));
    }

    #[test]
    fn technology_names_stay_whole() {
        let a = analyzer();
        assert_eq!(
            a.terms("C++, C#, .NET, Node.js; K8S"),
            ["c++", "c#", ".net", "node.js", "k8s"]
        );
        assert_eq!(a.terms("ASP.NET and F# or g++"), ["asp.net", "f#", "g++"]);
        assert_eq!(
            a.terms("C++与C#和Node.js、熟悉.NET"),
            ["c++", "c#", "node.js", "熟悉", ".net"]
        );
    }

    #[test]
    fn sentence_punctuation_is_not_part_of_words() {
        let a = analyzer();
        assert_eq!(a.terms("I know Kafka. Then Go!"), ["know", "kafka", "go"]);
        assert_eq!(a.terms("a+b item#3"), ["b", "item", "3"]);
    }

    #[test]
    fn english_is_lowercased_and_stemmed() {
        let a = analyzer();
        assert_eq!(a.terms("Managing Services"), ["manag", "servic"]);
        assert_eq!(a.terms("Master's degree"), ["master", "degre"]);
    }

    #[test]
    fn full_width_folds_to_ascii() {
        assert_eq!(analyzer().terms("Ｋ８Ｓ"), ["k8s"]);
    }

    #[test]
    fn domain_terms_stay_one_token() {
        let a = analyzer();
        for word in ["后端", "微服务", "高并发", "机器学习", "消息队列"] {
            let terms = a.terms(&format!("熟悉{word}开发"));
            assert!(terms.iter().any(|t| t == word), "{word} split: {terms:?}");
        }
    }

    #[test]
    fn mixed_text_splits_by_script() {
        let terms =
            analyzer().terms("IM中台服务端技术负责人，熟悉Kubernetes、消息队列（Kafka/RocketMQ）");
        for t in [
            "im",
            "中台",
            "服务端",
            "负责人",
            "kubernet",
            "消息队列",
            "kafka",
            "rocketmq",
        ] {
            assert!(terms.iter().any(|x| x == t), "{t} missing from {terms:?}");
        }
        assert!(!terms.iter().any(|t| {
            t.chars()
                .any(|c| c.is_whitespace() || "，、（）/".contains(c))
        }));
    }

    #[test]
    fn offsets_point_at_the_source() {
        let text = "熟悉 Node.js 与 微服务";
        analyzer().for_each_term(text, |term, range| {
            let src = &text[range];
            assert!(
                src.to_lowercase() == term || src.chars().all(is_han),
                "{term} vs {src}"
            );
        });
    }
}
