//! Blind output: what a result may show once the candidate's personal data is hidden.
//!
//! The ranking text is already blanked of every personal span the profile stage
//! recognised, so quotes and snippets cut from it rarely hold any. Rarely is not never: a
//! first name alone ("Jane led the migration"), a birth year written again in a summary,
//! the phone number unlabelled on another line. So blind mode does not hope: every string
//! a blind result shows is checked against the profile's own recognised personal data,
//! stored beside it in the index ([`Personal`], the `personal` field), and whatever it
//! finds is replaced by [`REDACTED`]. The words checked ([`terms`]) are the name and its
//! parts, the e-mail addresses and their local parts, the phone numbers (as written and
//! as digits), each attribute as written and its value (`Age: 40` → `40`), and the birth
//! year of a birth date. Latin and digit terms match as whole words, case-insensitively
//! (`Zhou` is not hidden inside `Hangzhou`); Han terms match anywhere, but a lone Han
//! character only as a gender word standing alone (`民族：汉` must not hide 武汉).
//! Links to pictures (a photo) are hidden too.
//!
//! Scores never change: this runs after ranking, on what is shown.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::analysis::is_han;
use crate::profile::Personal;
use crate::rank::Match;

/// What a hidden datum is replaced by.
pub const REDACTED: &str = "[redacted]";

/// Titles before a name that are not part of it.
const HONORIFICS: &[&str] = &[
    "dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof.", "sr.", "jr.",
];

/// File endings of pictures: a link to one is a photo of the candidate.
const PICTURES: &[&str] = &[".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".bmp"];

/// `m` as blind output shows it: no name, and every string it shows checked against
/// `personal` — a matched term that holds a datum is dropped, the rest redacted.
pub(crate) fn hide(mut m: Match, personal: &Personal) -> Match {
    let r = Redactor::new(personal);
    m.name = None;
    m.headline = m.headline.map(|h| r.redact(&h));
    m.snippet = r.redact(&m.snippet);
    m.matched_terms.retain(|t| !r.finds(t));
    let e = &mut m.explanation;
    for ev in e
        .matched_required
        .iter_mut()
        .chain(&mut e.matched_preferred)
    {
        ev.text = r.redact(&ev.text);
        ev.quote = r.redact(&ev.quote);
    }
    e.location = e.location.take().map(|l| r.redact(&l));
    m
}

/// The words blind output must not contain for a profile with this personal data, each
/// at least two characters long, deduplicated, in a fixed order.
pub(crate) fn terms(p: &Personal) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s
            .trim()
            .trim_matches(|c: char| ",;|·•-–—".contains(c))
            .trim();
        if s.chars().count() >= 2 && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    if let Some(name) = &p.name {
        push(name);
        let parts: Vec<&str> = name
            .split([' ', '\u{3000}', '·', '-', ','])
            .filter(|part| !HONORIFICS.contains(&part.to_lowercase().as_str()))
            .collect();
        push(&parts.join(" "));
        for part in parts {
            push(part);
        }
        // A Chinese name: the given name too (郑丽娜 → 丽娜), when it has two characters.
        let chars: Vec<char> = name.chars().collect();
        if (3..=4).contains(&chars.len()) && chars.iter().all(|&c| is_han(c)) {
            push(&chars[chars.len() - 2..].iter().collect::<String>());
        }
    }
    for email in &p.emails {
        push(email);
        if let Some((local, _)) = email.split_once('@') {
            push(local);
            for part in local.split(['.', '_', '-', '+']) {
                if part.chars().count() >= 3 {
                    push(part);
                }
            }
        }
    }
    for phone in &p.phones {
        push(phone);
        push(
            &phone
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>(),
        );
    }
    for attr in &p.attributes {
        push(attr);
        let value = attr
            .split_once([':', '：'])
            .map_or(attr.as_str(), |(_, v)| v)
            .trim();
        let single_han = value.chars().count() == 1 && value.chars().all(is_han);
        if !single_han {
            push(value);
        }
        // A birth date's year: the age it gives away.
        let label = attr.to_lowercase();
        if [
            "birth",
            "born",
            "dob",
            "出生",
            "生日",
            "nacimiento",
            "nașterii",
            "nasterii",
            "naissance",
            "geburt",
        ]
        .iter()
        .any(|l| label.contains(l))
        {
            for year in value
                .split(|c: char| !c.is_ascii_digit())
                .filter(|y| y.len() == 4 && (y.starts_with("19") || y.starts_with("20")))
            {
                push(year);
            }
        }
    }
    out
}

/// Hides one profile's personal data in the strings a blind result shows.
pub(crate) struct Redactor {
    /// The terms, with their upper, lower and title-case forms (Unicode: `ÁLVAREZ`).
    finder: Option<AhoCorasick>,
    /// For each pattern, whether it must stand as a whole word.
    whole_word: Vec<bool>,
    /// Lone Han gender words of the attributes (`性别：男` → 男): hidden only alone.
    lone: Vec<char>,
}

impl Redactor {
    /// A redactor of `personal`'s data.
    pub(crate) fn new(personal: &Personal) -> Redactor {
        let mut patterns: Vec<String> = Vec::new();
        for t in terms(personal) {
            for form in [
                t.clone(),
                t.to_lowercase(),
                t.to_uppercase(),
                title_case(&t),
            ] {
                if !patterns.contains(&form) {
                    patterns.push(form);
                }
            }
        }
        let whole_word = patterns
            .iter()
            .map(|p| p.chars().next().is_some_and(char::is_alphanumeric) && !p.chars().any(is_han))
            .collect();
        let finder = (!patterns.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .expect("literal patterns")
        });
        let lone = personal
            .attributes
            .iter()
            .filter_map(|a| {
                let v = a
                    .split_once([':', '：'])
                    .map_or(a.as_str(), |(_, v)| v)
                    .trim();
                let mut chars = v.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if is_han(c) && "男女".contains(c) => Some(c),
                    _ => None,
                }
            })
            .collect();
        Redactor {
            finder,
            whole_word,
            lone,
        }
    }

    /// `text` with every personal datum and picture link replaced by [`REDACTED`].
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        if let Some(finder) = &self.finder {
            for m in finder.find_iter(text) {
                let (s, e) = (m.start(), m.end());
                if !self.whole_word[m.pattern().as_usize()] || is_whole_word(text, s, e) {
                    spans.push((s, e));
                }
            }
        }
        for (i, c) in text.char_indices() {
            if self.lone.contains(&c) {
                let before = text[..i].chars().next_back();
                let after = text[i + c.len_utf8()..].chars().next();
                if !before.is_some_and(is_han) && !after.is_some_and(is_han) {
                    spans.push((i, i + c.len_utf8()));
                }
            }
        }
        for (start, word) in word_spans(text) {
            let lower = word
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if PICTURES.iter().any(|p| lower.ends_with(p)) {
                spans.push((start, start + word.len()));
            }
        }
        if spans.is_empty() {
            return text.to_string();
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (s, e) in spans {
            if s < at {
                if e > at {
                    at = e;
                }
                continue;
            }
            out.push_str(&text[at..s]);
            out.push_str(REDACTED);
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Whether `text` shows any of the data.
    pub(crate) fn finds(&self, text: &str) -> bool {
        self.redact(text) != text
    }
}

/// Neither side of `text[s..e]` continues a Latin word or a number.
fn is_whole_word(text: &str, s: usize, e: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() && !is_han(c);
    !text[..s].chars().next_back().is_some_and(word) && !text[e..].chars().next().is_some_and(word)
}

fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

/// "álvarez" → "Álvarez": the first letter of each word upper-cased, the rest lower.
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c.is_whitespace() || c == '-';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn personal(name: &str, attributes: &[&str]) -> Personal {
        Personal {
            name: Some(name.to_string()),
            emails: vec!["jane.roe@example.com".into()],
            phones: vec!["+1 555 0100 200".into()],
            attributes: attributes.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn names_parts_and_contacts_are_hidden_as_whole_words() {
        let r = Redactor::new(&personal(
            "Dr. Jane Roe",
            &["Age: 40", "Date of birth: 3 May 1985"],
        ));
        assert_eq!(r.redact("Jane led the team"), "[redacted] led the team");
        assert_eq!(r.redact("JANE ROE, engineer"), "[redacted], engineer");
        assert_eq!(r.redact("Janet and Roentgen"), "Janet and Roentgen");
        assert_eq!(r.redact("mail jane.roe@example.com"), "mail [redacted]");
        assert_eq!(r.redact("call 15550100200"), "call [redacted]");
        assert_eq!(
            r.redact("40 years old, 400 users"),
            "[redacted] years old, 400 users"
        );
        assert_eq!(r.redact("born in 1985"), "born in [redacted]");
        // "Dr." alone is no datum.
        assert_eq!(r.redact("Dr. Who"), "Dr. Who");
    }

    #[test]
    fn han_names_and_lone_gender_words() {
        let mut p = personal("郑丽娜", &["性别：男", "民族：汉"]);
        p.emails = vec!["zheng.lina@example.org".into()];
        let r = Redactor::new(&p);
        assert_eq!(r.redact("丽娜负责招聘"), "[redacted]负责招聘");
        assert_eq!(r.redact("郑丽娜，HR"), "[redacted]，HR");
        assert_eq!(r.redact("武汉 男装"), "武汉 男装");
        assert_eq!(r.redact("性别 男 |"), "性别 [redacted] |");
        assert_eq!(r.redact("Hangzhou, lina"), "Hangzhou, [redacted]");
    }

    #[test]
    fn accented_names_in_any_case_and_photo_links() {
        let r = Redactor::new(&personal("Tomás Álvarez", &[]));
        assert_eq!(r.redact("TOMÁS ÁLVAREZ"), "[redacted]");
        assert_eq!(r.redact("see me.JPG here"), "see [redacted] here");
        assert!(!r.finds("Senior Data Engineer"));
    }
}
