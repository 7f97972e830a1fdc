//! Phrases: pairs of neighbouring terms, for matching the words of a posting in the
//! order it writes them ("machine learning", "project management", 监事会主席).

use std::ops::Range;

use super::is_han;

/// What joins the two terms of a phrase: a character no term holds.
pub(crate) const JOINER: char = '·';

/// Builds the phrases of a text from its terms, fed in order ([`Phrases::push`]): each
/// term with the one before it, when both are in one script and
/// - Latin (or another non-Han script): only what [`joins`] them stands between;
/// - Chinese: nothing stands between, and the second does not overlap the first (jieba's
///   search mode also emits the words inside a longer one: 财务总监 gives 财务, 总监 and
///   财务总监, and the phrase 财务·总监). A phrase of two Chinese words is what jieba
///   does not know as one word: 监事会·主席 is the chair of the supervisory board, not
///   of the board (董事会主席).
#[derive(Default)]
pub(crate) struct Phrases {
    previous: Option<(String, Range<usize>)>,
    phrase: String,
}

/// Whether `phrase` is a pair of Chinese words (both terms of a phrase are in one
/// script). Indexing and searching both split phrases by it, so the two agree on which
/// field holds a phrase.
pub(crate) fn is_han_phrase(phrase: &str) -> bool {
    phrase.starts_with(is_han)
}

/// Whether two terms with `c` between them still make a phrase: spaces, a hyphen, an
/// ampersand, an apostrophe, or the letters of a dropped word ("Master of Science");
/// not a line break, punctuation, a slash (alternatives: "Java/Python") or Chinese.
fn joins(c: char) -> bool {
    matches!(c, ' ' | '\t' | '-' | '&' | '\'') || (c.is_alphanumeric() && !is_han(c))
}

impl Phrases {
    /// Feed the next term of `text` and its byte range; `sink` gets the phrase it ends,
    /// if any.
    pub(crate) fn push(
        &mut self,
        text: &str,
        term: &str,
        range: Range<usize>,
        mut sink: impl FnMut(&str),
    ) {
        let han = term.starts_with(is_han);
        if let Some((before, end)) = self.previous.as_ref().map(|(t, r)| (t, r.end))
            && before.starts_with(is_han) == han
            && range.start >= end
            && match han {
                true => range.start == end,
                false => text[end..range.start].chars().all(joins),
            }
        {
            self.phrase.clear();
            self.phrase.push_str(before);
            self.phrase.push(JOINER);
            self.phrase.push_str(term);
            sink(&self.phrase);
        }
        match &mut self.previous {
            Some((t, r)) => {
                t.clear();
                t.push_str(term);
                *r = range;
            }
            None => self.previous = Some((term.to_string(), range)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;

    fn phrases(text: &str) -> Vec<String> {
        let analyzer = Analyzer::new();
        let mut out = Vec::new();
        let mut pairs = Phrases::default();
        analyzer.for_each_term(text, |term, range| {
            pairs.push(text, term, range, |p| out.push(p.replace(JOINER, " ")));
        });
        out
    }

    /// Latin neighbours on a line, across stop words and hyphens; not across punctuation,
    /// a line break or Chinese. Chinese neighbours with nothing between them, not the
    /// words inside a longer one. Never a pair of scripts.
    #[test]
    fn pairs_of_neighbouring_words() {
        assert_eq!(
            phrases("Master of Science in machine learning"),
            ["master scienc", "scienc machin", "machin learn"]
        );
        assert_eq!(phrases("cost-accounting"), ["cost account"]);
        assert_eq!(phrases("Kafka, Flink\nSpark. Redis"), Vec::<String>::new());
        assert_eq!(phrases("熟悉 Kafka 和 Flink"), Vec::<String>::new());
        assert_eq!(phrases("监事会主席"), ["监事会 主席"]);
        assert_eq!(phrases("财务总监，董事"), ["财务 总监"]);
        assert_eq!(phrases("Java开发"), Vec::<String>::new());
        assert_eq!(
            phrases("Inginer mecanic superior"),
            ["ingin mecan", "mecan superior"]
        );
    }
}
