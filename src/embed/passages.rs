//! Passages: what of a profile or a job the encoder reads.
//!
//! The encoder averages over the words it reads, so a whole résumé read as one passage
//! blurs into "a résumé"; read paragraph by paragraph and averaged, its vector keeps
//! what each part says. A text is cut at its line breaks into passages of at most
//! [`PASSAGE_TOKENS`] tokens (short lines joined, a long one cut), read from the top
//! until a budget of tokens is spent — the start of a résumé (headline, summary, latest
//! job) says most of what it is, and the budget bounds what indexing and a query cost,
//! since the encoder's work grows with the tokens it reads. The vector is the mean of
//! the passages' vectors, each weighted by its tokens, made a unit vector again.
//!
//! The title vector reads one short text: the profile's headline (its first title when
//! it has none), or the job's title, through the title adapter ([`super::adapter`]).
//!
//! Gendered pronouns and feminine title forms are read as one form ([`neutral`],
//! `data/pronouns.tsv`, `data/gendered-forms.tsv`): BM25 drops pronouns as stop words,
//! and the encoder must not let "she" and "he", or "Ingeniera" and "Ingeniero", move a
//! score either.

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::{DIM, Encoder, adapter};
use crate::analysis::is_han;

/// `data/pronouns.tsv` and `data/gendered-forms.tsv`: words written in letters
/// (lowercase) and Chinese ones, each with the form the encoder reads instead.
struct OneForm {
    latin: FxHashMap<String, String>,
    han: Vec<(String, String)>,
}

static ONE_FORM: LazyLock<OneForm> = LazyLock::new(|| {
    let mut latin = FxHashMap::default();
    let mut han = Vec::new();
    let tables = [
        include_str!("../../data/pronouns.tsv"),
        include_str!("../../data/gendered-forms.tsv"),
    ];
    for line in tables.iter().flat_map(|t| t.lines()) {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((word, to)) = line.split_once('\t') else {
            continue;
        };
        if !word.chars().any(is_han) {
            latin.insert(word.to_lowercase(), to.to_string());
        } else if word != to {
            han.push((word.to_string(), to.to_string()));
        }
    }
    OneForm { latin, han }
});

/// A letter of a word written in letters (Latin, Greek, Cyrillic …), not a Han one.
fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !is_han(c)
}

/// `text` with every gendered pronoun of `data/pronouns.tsv` and every gendered title form
/// of `data/gendered-forms.tsv` replaced by its one form (capitalised where the word is).
pub(crate) fn neutral(text: &str) -> Cow<'_, str> {
    let OneForm { latin, han } = &*ONE_FORM;
    let mut out = String::new();
    let mut last = 0;
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_letter(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            let word = &text[s..i];
            if let Some(to) = latin.get(&word.to_lowercase()) {
                out.push_str(&text[last..s]);
                if word.starts_with(char::is_uppercase) {
                    let mut chars = to.chars();
                    out.extend(chars.next().into_iter().flat_map(char::to_uppercase));
                    out.push_str(chars.as_str());
                } else {
                    out.push_str(to);
                }
                last = i;
            }
        }
    }
    let mut text: Cow<'_, str> = if last == 0 {
        Cow::Borrowed(text)
    } else {
        out.push_str(&text[last..]);
        Cow::Owned(out)
    };
    for (word, to) in han {
        if text.contains(word.as_str()) {
            text = Cow::Owned(text.replace(word.as_str(), to));
        }
    }
    text
}

/// Most tokens one passage holds.
pub const PASSAGE_TOKENS: usize = 64;

/// A text cut into passages of at most [`PASSAGE_TOKENS`] tokens, taken from the top
/// until `budget` tokens are spent (BOS/EOS not counted), each with its token count.
pub(crate) fn passages<'t>(
    encoder: &Encoder,
    text: &'t str,
    budget: usize,
) -> Vec<(&'t str, usize)> {
    let mut out: Vec<(&'t str, usize)> = Vec::new();
    let mut spent = 0;
    // The passage being grown: its byte range in `text` and its tokens.
    let mut open: Option<(usize, usize, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if spent >= budget {
            break;
        }
        let tokens = encoder.tokenize(trimmed).len().saturating_sub(2).max(1);
        let tokens = tokens.min(budget - spent);
        spent += tokens;
        let line_start = start + (line.len() - line.trim_start().len());
        let line_end = start + line.trim_end().len();
        match open {
            Some((s, _, n)) if n + tokens <= PASSAGE_TOKENS => {
                open = Some((s, line_end, n + tokens))
            }
            _ => {
                if let Some((s, e, n)) = open.take() {
                    out.push((&text[s..e], n));
                }
                open = Some((line_start, line_end, tokens));
            }
        }
    }
    if let Some((s, e, n)) = open {
        out.push((&text[s..e], n));
    }
    out
}

/// The unit vector of `text` read passage by passage within `budget` tokens
/// ([module doc](self)); `None` for a text with nothing to read. What
/// [`text_and_title`] gives, the reference its test checks it against.
#[cfg(test)]
pub(crate) fn text_vector(encoder: &Encoder, text: &str, budget: usize) -> Option<[f32; DIM]> {
    let text = neutral(text);
    let parts = passages(encoder, &text, budget);
    let vectors = encoder.encode_batch(&parts.iter().map(|(t, _)| *t).collect::<Vec<_>>());
    weighted_mean(&vectors, &parts)
}

/// A text's vector and a title's, either `None` when there is nothing to read.
pub(crate) type TextAndTitle = (Option<[f32; DIM]>, Option<[f32; DIM]>);

/// A text vector (as [`text_vector`]) and a title vector (as [`title_vector`]) in one
/// go: the title is encoded in the passages' batch, so that it does not cost a batch of
/// its own (each batch reads every weight matrix once). `split`, for a job a query
/// waits on: two batches, the first and second half, on two of rayon's threads (the
/// title in the second); not for profiles indexed side by side. The vectors are the
/// ones the two functions give, either way.
pub(crate) fn text_and_title(
    encoder: &Encoder,
    text: &str,
    budget: usize,
    title: &str,
    split: bool,
) -> TextAndTitle {
    if !split {
        return texts_and_titles(encoder, &[(text, title)], budget).remove(0);
    }
    let halves = |texts: &[&str]| {
        let (a, b) = texts.split_at(texts.len() / 2);
        let (mut vectors, b) = rayon::join(|| encoder.encode_batch(a), || encoder.encode_batch(b));
        vectors.extend(b);
        vectors
    };
    encode_pairs(encoder, &[(text, title)], budget, halves).remove(0)
}

/// [`text_and_title`] of many `(text, title)` pairs, in order, with one encoder call for
/// all of them: its micro-batches of about 384 tokens fill across pairs, where one
/// pair alone (a profile's first 32 tokens and its headline, a job's 128) is a small
/// batch that reads every weight matrix for a few tokens. The vectors are the ones
/// each pair alone gives.
pub(crate) fn texts_and_titles(
    encoder: &Encoder,
    items: &[(&str, &str)],
    budget: usize,
) -> Vec<TextAndTitle> {
    encode_pairs(encoder, items, budget, |texts| encoder.encode_batch(texts))
}

/// The pairs' passages and titles, in order, given to `encode` in one list, and its
/// vectors (one a text given) put back together as each pair's text and title vectors.
fn encode_pairs(
    encoder: &Encoder,
    items: &[(&str, &str)],
    budget: usize,
    encode: impl FnOnce(&[&str]) -> Vec<[f32; DIM]>,
) -> Vec<TextAndTitle> {
    let neutral: Vec<(Cow<'_, str>, Cow<'_, str>)> = items
        .iter()
        .map(|(text, title)| (neutral(text), neutral(title.trim())))
        .collect();
    let parts: Vec<Vec<(&str, usize)>> = neutral
        .iter()
        .map(|(text, _)| passages(encoder, text, budget))
        .collect();
    let mut texts: Vec<&str> = Vec::new();
    for (parts, (_, title)) in parts.iter().zip(&neutral) {
        texts.extend(parts.iter().map(|(t, _)| *t));
        if !title.is_empty() {
            texts.push(title);
        }
    }
    let vectors = encode(&texts);
    let mut rest = vectors.as_slice();
    parts
        .iter()
        .zip(&neutral)
        .map(|(parts, (_, title))| {
            let (mine, after) = rest.split_at(parts.len());
            rest = after;
            let title = match title.is_empty() {
                true => None,
                false => {
                    let (v, after) = rest.split_first().expect("one vector per title");
                    rest = after;
                    unit(adapter::adapt(v))
                }
            };
            (weighted_mean(mine, parts), title)
        })
        .collect()
}

/// The mean of passage vectors weighted by their tokens, as a unit vector; `None` for no
/// passages.
fn weighted_mean(vectors: &[[f32; DIM]], parts: &[(&str, usize)]) -> Option<[f32; DIM]> {
    if parts.is_empty() {
        return None;
    }
    let mut mean = [0f32; DIM];
    for (v, (_, n)) in vectors.iter().zip(parts) {
        for (m, x) in mean.iter_mut().zip(v) {
            *m += x * *n as f32;
        }
    }
    unit(mean)
}

/// `v` scaled to unit length; `None` for a zero vector.
pub(crate) fn unit(mut v: [f32; DIM]) -> Option<[f32; DIM]> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm.is_nan() || norm <= 0.0 {
        return None;
    }
    v.iter_mut().for_each(|x| *x /= norm);
    Some(v)
}

/// The vector of a short text (a title), `None` when it is blank. What
/// [`text_and_title`] gives, the reference its test checks it against.
#[cfg(test)]
pub(crate) fn title_vector(encoder: &Encoder, title: &str) -> Option<[f32; DIM]> {
    let title = neutral(title.trim());
    if title.is_empty() {
        return None;
    }
    unit(adapter::adapt(&encoder.encode(&title)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_title_are_the_text_and_title_vectors() {
        let enc = Encoder::builtin();
        let text = "Backend engineer\nGo, Kafka and Kubernetes for payments.\n熟悉 MySQL 分库分表。\nOn call.";
        for budget in [4, 16, 256] {
            for split in [false, true] {
                let (t, h) = text_and_title(enc, text, budget, " Backend engineer ", split);
                assert_eq!(t, text_vector(enc, text, budget));
                assert_eq!(h, title_vector(enc, "Backend engineer"));
            }
        }
        assert_eq!(text_and_title(enc, "", 64, "", true), (None, None));
        // Many pairs in one call: each pair's vectors as alone, blank ones included.
        let pairs = [
            (text, "Backend engineer"),
            ("", ""),
            ("护士\n负责病房护理。", "护士"),
            ("Nurse", ""),
            (text, "Backend engineer"),
        ];
        for budget in [4, 32, 256] {
            let many = texts_and_titles(enc, &pairs, budget);
            assert_eq!(many.len(), pairs.len());
            for ((text, title), got) in pairs.iter().zip(&many) {
                assert_eq!(*got, text_and_title(enc, text, budget, title, true));
            }
        }
        assert_eq!(text_and_title(enc, "Nurse", 64, "", false).1, None);
    }

    #[test]
    fn gendered_pronouns_read_as_one_form() {
        assert_eq!(
            neutral("She led HER team; he helped him."),
            "They led Them team; they helped them."
        );
        assert_eq!(
            neutral("Ingeniera de Software, desarrolladora; Ingineră, Entwicklerin"),
            "Ingeniero de Software, desarrollador; Inginer, Entwickler"
        );
        assert_eq!(neutral("Shell and heat stay"), "Shell and heat stay");
        assert_eq!(neutral("她负责团队，他协助"), "他负责团队，他协助");
        assert!(matches!(neutral("no pronoun here"), Cow::Borrowed(_)));
        assert_eq!(neutral("she"), neutral("he"));
    }
}
