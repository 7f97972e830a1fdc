//! Profile: a résumé's text → the structured candidate the engine ranks.
//!
//! A [`Profile`] keeps the flattened text (so evidence can be quoted by byte span),
//! the personal data recognised in it (kept apart: see [`personal`]), and the
//! *ranking text* — the same text with every personal span blanked — which is the only
//! text that is indexed or scored.

pub(crate) mod facts;
pub(crate) mod personal;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::Serialize;

use crate::analysis::{Lexicon, Occupations, SkillId, Taxonomy};
use crate::ingest::{Format, Text};

pub use facts::Education;
pub use personal::Personal;

/// A skill a text shows, with the evidence for it.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct SkillEvidence {
    /// Canonical skill name from the taxonomy.
    pub skill: String,
    /// Byte span of the first mention in the (ranking) text.
    pub span: (usize, usize),
    /// The words of that mention, as written.
    pub text: String,
    /// How many times the skill is mentioned.
    pub mentions: u32,
}

/// A job title held, with its dates.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Position {
    /// Normalised title.
    pub title: String,
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`, or `None` while current.
    pub to: Option<String>,
}

/// Titles with the date range on their line (or, for a date alone on its line, the line
/// before: "### Oqton, Principal Engineer" then "2022/04 - Present").
fn positions(
    text: &str,
    ranges: &[facts::DateRange],
    titles: &Taxonomy,
    english: bool,
) -> Vec<Position> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for r in ranges {
        let mut found = titles_in(lines[r.line], titles, english);
        if found.is_empty() && r.line > 0 {
            found = titles_in(lines[r.line - 1], titles, english);
        }
        if let Some(title) = found.into_iter().next() {
            out.push(Position {
                title,
                from: facts::month_label(r.start),
                to: (!r.open).then(|| facts::month_label(r.end)),
            });
        }
    }
    out
}

/// Words that mark a line as stating a certification.
const CERTIFICATION_WORDS: &[&str] = &[
    "certif",
    "证书",
    "认证",
    "资格证",
    "执业资格",
    "license",
    "licence",
    "注册会计师",
    "cpa",
    "pmp",
    "cfa",
];

/// Headings that open a certifications section.
const CERTIFICATION_HEADINGS: &[&str] = &[
    "certifications",
    "certificates",
    "certification",
    "licenses",
    "证书",
    "资格证书",
    "证书与语言",
    "认证",
    "资质证书",
];

/// Finds [`CERTIFICATION_WORDS`] ASCII case-insensitively, as a search of the line's
/// `to_ascii_lowercase` does, in one pass for all of them.
static CERTIFICATION_WORD_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(CERTIFICATION_WORDS)
        .expect("certification words")
});

/// Whether a line says it states a certification: one of [`CERTIFICATION_WORDS`], the
/// Latin abbreviations ("CPA", "PMP") as whole words — "CPAN" is none.
fn states_certification(line: &str) -> bool {
    CERTIFICATION_WORD_FINDER.find_iter(line).any(|m| {
        let word = CERTIFICATION_WORDS[m.pattern().as_usize()];
        let latin = |c: char| c.is_ascii_alphanumeric();
        let abbreviation = word.len() <= 3 && word.is_ascii();
        !abbreviation || !(line[..m.start()].ends_with(latin) || line[m.end()..].starts_with(latin))
    })
}

/// How many characters the longest of [`SECTION_HEADINGS`] and [`CERTIFICATION_HEADINGS`]
/// has.
static LONGEST_HEADING_WORD: LazyLock<usize> = LazyLock::new(|| {
    SECTION_HEADINGS
        .iter()
        .chain(CERTIFICATION_HEADINGS)
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0)
});

/// Certifications, as written: lines under a certifications heading, and elsewhere lines
/// that say they state one; cleaned of list markers.
fn certifications(text: &str, heading_lines: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_section = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let bare = line.trim_matches(|c: char| !c.is_alphanumeric());
        // Lowercasing never makes fewer characters: a line longer than every heading
        // word is none of them, and most lines are; it is lowered only when a heading.
        let lower_word = bare
            .chars()
            .nth(*LONGEST_HEADING_WORD)
            .is_none()
            .then(|| bare.to_lowercase());
        let is_word = |words: &[&str]| lower_word.as_deref().is_some_and(|w| words.contains(&w));
        let is_heading = heading_lines.contains(&n)
            || line.starts_with('【')
            || line.ends_with([':', '：'])
            || lower_word.as_deref().is_some_and(is_heading_word);
        if is_heading || is_word(CERTIFICATION_HEADINGS) {
            let bare = lower_word.unwrap_or_else(|| bare.to_lowercase());
            in_section = CERTIFICATION_HEADINGS
                .iter()
                .any(|h| bare == *h || bare.starts_with(h));
            continue;
        }
        let item = line
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim();
        let n = item.chars().count();
        if !(4..=100).contains(&n) {
            continue;
        }
        if in_section || states_certification(item) {
            out.push(item.to_string());
        }
    }
    out
}

/// How far into a line (in characters) titles are looked for.
const TITLE_WINDOW: usize = 40;

/// How many normalised titles a profile keeps.
const MAX_TITLES: usize = 8;

/// What ranking needs to know of a profile, stored in the index so a query never
/// re-parses a résumé. Contains no personal data.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct ProfileFacts {
    /// Skills with evidence spans into the stored ranking text.
    pub skills: Vec<SkillEvidence>,
    /// Years of experience.
    pub years: Option<f32>,
    /// Highest education level.
    pub education: Option<Education>,
    /// Normalised titles.
    pub titles: Vec<String>,
    /// What the profile's current title is, as occupations (ids into
    /// [`Lexicon::occupations`]).
    pub occupations: Occupations,
    /// Normalised location.
    pub location: Option<String>,
    /// The language the profile is written in ([`Profile::written_in`]).
    pub written_in: String,
}

impl ProfileFacts {
    /// The ids in `taxonomy` of the skills it knows, in the profile's order.
    pub(crate) fn skill_ids(&self, taxonomy: &Taxonomy) -> Vec<SkillId> {
        let known = self.skills.iter().filter_map(|s| taxonomy.lookup(&s.skill));
        known.collect()
    }
}

/// Canonical names of a vocabulary's entries mentioned in `text`, first mention first.
pub(crate) fn names_in(text: &str, vocabulary: &Taxonomy) -> Vec<String> {
    names_where(text, vocabulary, |_| true)
}

/// [`names_in`] of the mentions whose words, as written, `keep` accepts.
fn names_where(text: &str, vocabulary: &Taxonomy, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in vocabulary.find(text) {
        if !keep(&text[m.span]) {
            continue;
        }
        let name = &vocabulary.skill(m.skill).name;
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// The titles of the title vocabulary that `text` names, in order of appearance.
///
/// The vocabulary's Latin titles are English. In a text in another language a one-word
/// title is more often a word of that language than the title — Romanian "condiții
/// curate" is not a curate, "inginer superior" not a mother superior — so there only
/// titles of several words ("loan closer", "software engineer") and Chinese ones are
/// read. Chinese text counts as English: its Latin words are.
pub(crate) fn titles_in(text: &str, titles: &Taxonomy, english: bool) -> Vec<String> {
    names_where(text, titles, |surface| {
        english
            || surface.contains(char::is_whitespace)
            || surface.chars().any(crate::analysis::is_han)
    })
}

/// A place a structured source states, normalised when the vocabulary knows it
/// ("Shanghai, CN" → Shanghai), else as given.
pub(crate) fn normal_place(place: &str, places: &Taxonomy) -> String {
    names_in(place, places)
        .into_iter()
        .next()
        .unwrap_or_else(|| place.to_string())
}

/// Labels that introduce where a person is or a job is.
const PLACE_LABELS: &[&str] = &[
    "location",
    "所在地",
    "现居",
    "工作地点",
    "地点",
    "base",
    "城市",
    "city",
    "based in",
    "居住地",
];

/// Finds the lines where a [`PLACE_LABELS`] label can stand: matching them ASCII
/// case-insensitively is what `to_ascii_lowercase` and a search of the lowered line do.
static PLACE_LABEL_HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(PLACE_LABELS)
        .expect("place labels")
});

/// The place a text says it is in: a labelled one ("Location: Shanghai", "工作地点：上海")
/// or else the first place named in its first `head_lines` lines, school lines left out.
pub(crate) fn location(text: &str, places: &Taxonomy, head_lines: usize) -> Option<String> {
    for line in text.lines() {
        // Most lines name no label: one pass of one automaton says so.
        if !PLACE_LABEL_HINTS.is_match(line) {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        for label in PLACE_LABELS {
            for (i, _) in lower.match_indices(label) {
                // A label is a word of its own ("database:" is not "base:") followed by a
                // colon, except "based in".
                if lower[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                {
                    continue;
                }
                let rest = line[i + label.len()..].trim_start_matches([' ', '*', '\t']);
                let value = match rest.strip_prefix([':', '：']) {
                    Some(v) => v,
                    None if *label == "based in" => rest,
                    None => continue,
                };
                let end = value.char_indices().nth(40).map_or(value.len(), |(j, _)| j);
                if let Some(name) = names_in(&value[..end], places).into_iter().next() {
                    return Some(name);
                }
            }
        }
    }
    // A school's city ("北京邮电大学", "Zhejiang University, Hangzhou") is not where
    // the person is.
    let head: String = text
        .lines()
        .take(head_lines)
        .filter(|l| !facts::is_school_line(l))
        .collect::<Vec<_>>()
        .join("\n");
    names_in(&head, places).into_iter().next()
}

/// Skills mentioned in `text`, in order of first mention, one entry per skill.
pub(crate) fn skills_in(text: &str, taxonomy: &Taxonomy) -> Vec<SkillEvidence> {
    let mut out: Vec<SkillEvidence> = Vec::new();
    let mut at: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for m in taxonomy.find(text) {
        match at.get(&m.skill) {
            Some(&i) => out[i].mentions += 1,
            None => {
                at.insert(m.skill, out.len());
                out.push(SkillEvidence {
                    skill: taxonomy.skill(m.skill).name.clone(),
                    span: (m.span.start, m.span.end),
                    text: text[m.span].to_string(),
                    mentions: 1,
                });
            }
        }
    }
    out
}

/// A candidate profile parsed from a résumé.
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// Identifier (the file's path relative to the indexed root, without extension).
    pub id: String,
    /// The format the résumé came in.
    pub format: Format,
    /// The character encoding the file was in.
    pub encoding: &'static str,
    /// The current or most recent job title, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Skills the résumé shows, with evidence spans into the ranking text.
    pub skills: Vec<SkillEvidence>,
    /// Total years of professional experience: stated outright, or else the span of the
    /// employment date ranges (overlaps counted once).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_of_experience: Option<f32>,
    /// Where `years_of_experience` came from: `"stated"` or `"date ranges"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_source: Option<&'static str>,
    /// Highest education level mentioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    /// Job titles held or sought, normalised (most prominent first).
    pub titles: Vec<String>,
    /// The headline and the first normalised title read as occupations (ids into
    /// [`Lexicon::occupations`]).
    #[serde(skip)]
    pub occupations: Occupations,
    /// Positions held: a title with the dates on its line (most recent first as written).
    pub positions: Vec<Position>,
    /// Where the candidate is based (normalised place name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Languages the candidate names (English, 日语, CET-6 …).
    pub languages: Vec<String>,
    /// The language the résumé is written in (ISO 639-1: `zh` when a good share of its
    /// letters are Han, else what its function words tell; English by default): where a
    /// job's differs, the two share few words and ranking counts meaning as evidence.
    pub written_in: &'static str,
    /// Certifications, as written (one per line that states one).
    pub certifications: Vec<String>,
    /// Personal data, kept apart from everything that ranks.
    pub personal: Personal,
    /// The résumé's flattened text.
    #[serde(skip)]
    pub text: String,
    /// `text` with every personal span replaced by spaces (same byte offsets).
    #[serde(skip)]
    pub ranking_text: String,
    /// Byte spans of personal data in `text`.
    #[serde(skip)]
    pub personal_spans: Vec<Range<usize>>,
}

impl Profile {
    /// Parse a profile from flattened text.
    ///
    /// ```
    /// use matcher::{Format, Lexicon, Profile, Text};
    /// let text = Text::parse("Alex Sample\nPhone: 138-0000-0000\nSenior Rust Engineer", Format::Text);
    /// let p = Profile::parse("alex", text, &Lexicon::builtin());
    /// assert_eq!(p.personal.name.as_deref(), Some("Alex Sample"));
    /// assert_eq!(p.headline.as_deref(), Some("Senior Rust Engineer"));
    /// assert!(!p.ranking_text.contains("138"));
    /// assert_eq!(p.skills[0].skill, "Rust");
    /// ```
    pub fn parse(id: impl Into<String>, text: Text, lexicon: &Lexicon) -> Profile {
        let Text {
            text,
            format,
            headings,
            encoding,
            stated,
        } = text;
        let stated = match stated {
            Some(crate::ingest::Stated::Profile(s)) => s,
            _ => crate::ingest::StatedProfile::default(),
        };
        let heading_lines: Vec<usize> = headings
            .iter()
            .map(|h| text[..h.span.start].matches('\n').count())
            .collect();
        // Résumés open with the name, often followed by the title on the same line
        // ("王立群 | Java高级开发工程师", "钱雨晴 — 产品经理").
        let first_line = text.lines().next().unwrap_or("").trim();
        let mut names = first_line
            .split(['|', '｜', '·', '—', '–', '/', ','])
            .next()
            .map(|cell| header_names(cell.trim().trim_start_matches('#').trim()))
            .unwrap_or_default();
        // A title is no name, even on the first line (体育经理, "Sports Manager").
        names.retain(|n| personal::is_header_name(n, lexicon));
        names.extend(stated.name.clone());
        let (mut personal, mut personal_spans) = personal::find(&text, &names, lexicon);
        // What a structured source says is personal is blanked wherever it appears,
        // whether or not the patterns would have recognised it.
        for value in stated
            .emails
            .iter()
            .chain(&stated.phones)
            .chain(&stated.name)
        {
            if value.trim().is_empty() {
                continue;
            }
            for (i, _) in text.match_indices(value.as_str()) {
                personal_spans.push(i..i + value.len());
            }
        }
        personal_spans.sort_by_key(|r| (r.start, r.end));
        if personal.name.is_none() {
            personal.name = stated.name.clone();
        }
        for e in &stated.emails {
            if !personal.emails.contains(e) {
                personal.emails.push(e.clone());
            }
        }
        for p in &stated.phones {
            if !personal.phones.contains(p) {
                personal.phones.push(p.clone());
            }
        }
        let ranking_text = blank(&text, &personal_spans);
        let headline = headline(&ranking_text, lexicon);
        // Everything below reads the ranking text only: personal data (a birth date, an
        // age) can never become a fact that ranks.
        let skills = skills_in(&ranking_text, &lexicon.skills);
        let english = lexicon.is_english(&ranking_text);
        let written_in = lexicon.written_in(&ranking_text);
        let mut titles = titles_in(headline.as_deref().unwrap_or(""), &lexicon.titles, english);
        // Titles stand at the start of lines (headers, "Company, Title, 2019-2021",
        // "2014年，作为…高级开发工程师/架构师"); deep in narrative sentences title words
        // mostly mean something else ("模型", "model").
        let line_starts: String = ranking_text
            .lines()
            .map(|l| {
                l.char_indices()
                    .nth(TITLE_WINDOW)
                    .map_or(l, |(i, _)| &l[..i])
            })
            .collect::<Vec<_>>()
            .join("\n");
        for t in titles_in(&line_starts, &lexicon.titles, english) {
            if !titles.contains(&t) {
                titles.push(t);
            }
        }
        titles.truncate(MAX_TITLES);
        // The occupation vocabularies are English: a Romanian or German résumé's title
        // words would be read as whatever English title happens to share a word. A
        // Chinese one is read through its normalised (English) title names. A headline
        // most of whose words no occupation's title uses is not read either (as a job's
        // title, see `Job::parse`).
        let occupations = if english {
            let known = |h: &&String| lexicon.occupations.knows_most_of(h);
            lexicon.read_titles(
                headline
                    .iter()
                    .filter(known)
                    .chain(titles.first())
                    .map(String::as_str),
            )
        } else {
            Occupations::default()
        };
        let location = match &stated.location {
            Some(place) => Some(normal_place(place, &lexicon.places)),
            None => location(&ranking_text, &lexicon.places, 8),
        };
        let ranges = facts::date_ranges(&ranking_text, facts::current_month());
        let positions = positions(&ranking_text, &ranges, &lexicon.titles, english);
        let (years_of_experience, years_source) = match facts::stated_years(&ranking_text) {
            Some(y) => (Some(y), Some("stated")),
            None => match facts::covered_years(&ranges) {
                Some(y) => (Some((y * 10.0).round() / 10.0), Some("date ranges")),
                None => (None, None),
            },
        };
        let education = stated
            .education
            .or_else(|| facts::highest_education(&ranking_text));
        let languages = if !stated.languages.is_empty() {
            stated.languages.clone()
        } else {
            skills
                .iter()
                .filter(|s| {
                    lexicon
                        .skills
                        .lookup(&s.skill)
                        .is_some_and(|id| lexicon.skills.skill(id).domain == "language")
                })
                .map(|s| s.skill.clone())
                .collect()
        };
        let certifications = if !stated.certifications.is_empty() {
            stated.certifications.clone()
        } else {
            certifications(&ranking_text, &heading_lines)
        };
        Profile {
            id: id.into(),
            format,
            encoding,
            headline,
            skills,
            years_of_experience,
            years_source,
            education,
            titles,
            occupations,
            positions,
            location,
            languages,
            written_in,
            certifications,
            personal,
            text,
            ranking_text,
            personal_spans,
        }
    }

    /// The facts ranking uses, as stored in the index.
    pub fn facts(&self) -> ProfileFacts {
        ProfileFacts {
            skills: self.skills.clone(),
            years: self.years_of_experience,
            education: self.education,
            titles: self.titles.clone(),
            occupations: self.occupations.clone(),
            location: self.location.clone(),
            written_in: self.written_in.to_string(),
        }
    }

    /// A short extract of the ranking text (no personal data), at most `max_chars`
    /// characters, whitespace folded.
    pub fn snippet(&self, max_chars: usize) -> String {
        snippet(&self.ranking_text, max_chars)
    }
}

/// Replace each byte of each span by a space. Spans never split a UTF-8 character
/// (they come from `str` searches), so the result is valid UTF-8 of the same length.
fn blank(text: &str, spans: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        if text.is_char_boundary(span.start) && text.is_char_boundary(span.end) {
            bytes[span.clone()].fill(b' ');
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Whitespace-folded prefix of `text`, cut at a character boundary.
pub(crate) fn snippet(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    // Lines left with nothing but separators once personal data is blanked are skipped.
    let lines = text
        .lines()
        .filter(|l| l.chars().any(char::is_alphanumeric))
        .map(|l| l.trim_start_matches(|c: char| !c.is_alphanumeric()));
    for word in lines.flat_map(str::split_whitespace) {
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= max_chars {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

/// Words that open a résumé's first line but are not names.
const NOT_NAMES: &[&str] = &[
    "你好",
    "您好",
    "大家好",
    "个人简历",
    "简历",
    "求职简历",
    "个人简介",
    "基本信息",
];

/// The names a résumé's first cell gives: the whole cell when it reads like a name, or a
/// leading Chinese name with its romanisation ("杨帆 (Fan Yang)", "Grace Wu 吴佳琪").
fn header_names(cell: &str) -> Vec<String> {
    if looks_like_name(cell) {
        return vec![cell.to_string()];
    }
    let mut names = Vec::new();
    let han: String = cell
        .chars()
        .take_while(|c| crate::analysis::is_han(*c))
        .collect();
    let after = cell[han.len()..].chars().next();
    let standalone = after.is_none_or(|c| c.is_whitespace() || c == '(' || c == '（');
    if (2..=4).contains(&han.chars().count()) && standalone && !NOT_NAMES.contains(&han.as_str()) {
        names.push(han);
    }
    // The first run of two or three Title-case words, if it starts the cell or follows
    // the Chinese name.
    let words: Vec<&str> = cell
        .split(|c: char| c.is_whitespace() || "()（）".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    // "Wu", "Placeholder-Smith", "O'Brien": capitalised parts, joined by - or '.
    let is_title = |w: &str| {
        w.split(['-', '\'']).all(|part| {
            let mut cs = part.chars();
            cs.next().is_some_and(|c| c.is_uppercase())
                && cs.clone().count() > 0
                && cs.all(char::is_lowercase)
        })
    };
    let start = if names.is_empty() { 0 } else { 1 };
    let run: Vec<&str> = words
        .iter()
        .skip(start)
        .take_while(|w| is_title(w))
        .take(3)
        .copied()
        .collect();
    if run.len() >= 2 {
        names.push(run.join(" "));
        let han_after = words.get(run.len()).filter(|w| {
            (2..=4).contains(&w.chars().count()) && w.chars().all(crate::analysis::is_han)
        });
        if let (1, Some(han)) = (names.len(), han_after) {
            names.push(han.to_string());
        }
    }
    names
}

/// The lowercase particles of family names ("Maarten van der Berg", "Ana dos Santos",
/// "Ludwig von Mises"), allowed between a name's capitalised words. Not "de", "da",
/// "del", "la": they also join the words of Romance titles ("Director de Ventas",
/// "Analista de Datos"), which a first line may hold instead of a name.
const NAME_PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "dos", "das", "ter", "ten", "bin", "al", "el",
];

/// A line that reads like a person's name: 2–4 capitalised words (with particles between
/// them: "Maarten van der Berg"), or 2–4 Han characters.
fn looks_like_name(line: &str) -> bool {
    let han = line.chars().filter(|c| crate::analysis::is_han(*c)).count();
    if han > 0 {
        return (2..=4).contains(&han)
            && han == line.chars().filter(|c| !c.is_whitespace()).count();
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.')
    };
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    let names = words.iter().filter(|w| capitalised(w)).count();
    (2..=4).contains(&names)
        && capitalised(first)
        && capitalised(last)
        && words
            .iter()
            .all(|w| capitalised(w) || NAME_PARTICLES.contains(w))
}

/// Section headings in the languages the analyzer tells apart
/// (`data/section-headings.txt`): lowercase, Latin letters folded to ASCII.
static SECTION_HEADINGS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/section-headings.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
});

/// Whether `cell` is a section heading ("Work Experience", "【工作经历】", "EXPERIENȚA
/// PROFESIONALĂ").
fn is_section_heading(cell: &str) -> bool {
    is_heading_word(&undecorated(cell))
}

/// Whether `lower` (a lowercased, undecorated cell) is one of [`SECTION_HEADINGS`].
fn is_heading_word(lower: &str) -> bool {
    SECTION_HEADINGS.contains(crate::analysis::folded(lower).as_str())
}

/// Whether `cell` holds a web address ("linkedin.com/in/…", "https://…", "www.…").
fn has_link(cell: &str) -> bool {
    cell.split_whitespace().any(|w| {
        let w = w.to_ascii_lowercase();
        w.contains("://") || w.starts_with("www.") || w.contains(".com/") || w.ends_with(".com")
    })
}

/// A cell without the decorations headings wear (【个人简介】, == Skills ==, **Skills**).
fn undecorated(cell: &str) -> String {
    cell.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The first line that reads like a job title: short, not blanked, no sentence.
/// Whether a header cell reads as a place rather than a title: comma-separated parts
/// ("Lahore, Punjab", "Toronto, ON M4K 1R8", "Bole Subcity, Woreda 3") whose every word
/// is capitalised or a short code, none of them a word that ends job titles ("Director,
/// Sales", "Vice President, Marketing" are titles; "Director, conformare și etică" has
/// lowercase words).
fn is_place_line(cell: &str, lexicon: &Lexicon) -> bool {
    cell.contains(',')
        && cell
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| w.chars().any(char::is_alphabetic))
            .all(|w| {
                let capitalised = w.chars().next().is_some_and(char::is_uppercase);
                let code = w.chars().count() <= 4 && w.chars().any(|c| c.is_ascii_digit());
                (capitalised || code) && !lexicon.is_role_word(w.trim_end_matches('.'))
            })
}

fn headline(ranking_text: &str, lexicon: &Lexicon) -> Option<String> {
    const TITLE_LABELS: &[&str] = &[
        "job",
        "title",
        "position",
        "职位",
        "求职意向",
        "当前职位",
        "目标职位",
    ];
    for line in ranking_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(8)
    {
        let line = line.trim().trim_start_matches("- ").trim();
        let labelled = line.split(['|', '｜']).find_map(|cell| {
            let (label, value) = cell.split_once([':', '：'])?;
            let label = label.trim().to_lowercase();
            TITLE_LABELS
                .contains(&label.as_str())
                .then(|| value.trim().to_string())
        });
        if labelled.is_some() {
            return labelled;
        }
        // Header lines are cells ("王立群 | Java高级开发工程师 | 杭州", "Chief Financial
        // Officer · Hong Kong · e-mail"): the title is the first cell that reads like one
        // once personal data is blanked.
        let cell = line
            .split(['|', '｜', '·', '•'])
            .map(str::trim)
            .find(|c| c.chars().any(char::is_alphanumeric));
        let Some(cell) = cell else { continue };
        // What is left of a name line once the name is blanked ("JANE DOE, CPA").
        if cell.starts_with([',', '，']) {
            continue;
        }
        let n = cell.chars().count();
        if !(3..=80).contains(&n)
            || cell.ends_with(['。', '.', '：', ':'])
            || cell.contains([':', '：'])
            || is_section_heading(cell)
            || has_link(cell)
            || is_place_line(cell, lexicon)
            || cell.chars().filter(|c| c.is_ascii_digit()).count() > 4
            // A house number or postcode: "Rua das Acácias, 47", "42 Kauri Ridge Road".
            || cell
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_digit()))
        {
            continue;
        }
        return Some(cell.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: "cpa" inside "CPAN" made a line a certification.
    #[test]
    fn certification_abbreviations_are_whole_words() {
        assert!(!states_certification("Built Perl modules for CPAN mirrors"));
        assert!(states_certification("CPA, Certified Public Accountant"));
        assert!(states_certification("持有CPA证书"));
        assert!(states_certification("PMP证书"));
        assert!(states_certification("Certified Kubernetes Administrator"));
    }

    /// Regression: decorated section headings ("【个人简介】", "== Technical Skills ==")
    /// were taken for the headline, which the title feature then read.
    #[test]
    fn name_line_remainders_are_not_headlines() {
        // "CATHERINE BROOKS, CPA" with the name blanked, then a `·`-separated header.
        let text = "                 , CPA\nChief Financial Officer · Hong Kong · \n";
        assert_eq!(
            headline(text, &Lexicon::builtin()).as_deref(),
            Some("Chief Financial Officer")
        );
    }

    #[test]
    fn decorated_section_headings_are_not_headlines() {
        assert_eq!(
            headline("【个人简介】\n高级Java开发工程师", &Lexicon::builtin()).as_deref(),
            Some("高级Java开发工程师")
        );
        assert_eq!(
            headline(
                "== Technical Skills ==\nSenior Data Engineer",
                &Lexicon::builtin()
            )
            .as_deref(),
            Some("Senior Data Engineer")
        );
    }

    #[test]
    fn headlines_skip_addresses_links_dates_and_foreign_headings() {
        // A TalentCLEF résumé's header once the name, phone and e-mail are blanked.
        let text = "\n\nRua das Acácias, 47\n4000-123 Porto\n\n\
                    linkedin.com/in/someone\n\nEXPERIENȚA PROFESIONALĂ\n\nInginer electric\n";
        assert_eq!(
            headline(text, &Lexicon::builtin()).as_deref(),
            Some("Inginer electric")
        );
        assert_eq!(
            headline(
                "42 Kauri Ridge Road\nBerufserfahrung\nProjektleiter",
                &Lexicon::builtin()
            )
            .as_deref(),
            Some("Projektleiter")
        );
        // A degree's dates are not a title (the résumé-category set's layout).
        let text = "Education Details\nMay 2013 to May 2017 B.E   UIT-RGPV\nData Scientist\n";
        assert_eq!(
            headline(text, &Lexicon::builtin()).as_deref(),
            Some("Data Scientist")
        );
        // Blank lines do not count against the lines read.
        let text = format!("{}Sales Manager", "\n\n".repeat(10));
        assert_eq!(
            headline(&text, &Lexicon::builtin()).as_deref(),
            Some("Sales Manager")
        );
    }

    /// TalentCLEF résumés put "City, Region" under the name; titles with commas stay.
    #[test]
    fn place_lines_are_not_headlines_but_titles_with_commas_are() {
        let lexicon = Lexicon::builtin();
        for place in [
            "Lahore, Punjab",
            "Toronto, ON M4K 1R8",
            "Bole Subcity, Woreda 3",
            "Bogotá, Cundinamarca, Colombia",
        ] {
            let text = format!("{place}\n\nEXPERIENȚA PROFESIONALĂ\n\nParalegal corporativ\n");
            assert_eq!(
                headline(&text, &lexicon).as_deref(),
                Some("Paralegal corporativ"),
                "{place}"
            );
        }
        for title in [
            "Director, Sales Operations",
            "Vice President, Global Marketing",
            "Sr. Paralegal, Litigation",
            "Director, conformare și etică",
        ] {
            assert_eq!(headline(title, &lexicon).as_deref(), Some(title));
        }
    }

    #[test]
    fn one_word_english_titles_are_not_read_in_other_languages() {
        let titles = &Lexicon::builtin().titles;
        // Romanian "curate" (clean) is not a curate, "director" alone no title at all.
        let ro = "Menajera asigură condiții curate";
        assert!(titles_in(ro, titles, false).is_empty());
        assert!(!titles_in(ro, titles, true).is_empty());
        assert_eq!(
            titles_in("Inginer software engineer", titles, false),
            ["software engineer"]
        );
        assert_eq!(titles_in("高级Java开发工程师", titles, false).len(), 1);
    }

    /// The English occupation vocabularies read an English headline, not a Spanish or
    /// German one that happens to share a word with an English title ("web").
    #[test]
    fn a_headline_of_unknown_words_is_no_occupation() {
        let lexicon = Lexicon::builtin();
        let read = |text: &str| {
            Profile::parse("p", Text::parse(text, Format::Text), &lexicon)
                .occupations
                .is_empty()
        };
        assert!(!read("Web developer\nBuilt shops in PHP.\n"));
        assert!(read("programadora web\nTiendas en línea con PHP.\n"));
        assert!(read("Webentwicklerin\nOnlineshops mit PHP.\n"));
    }

    #[test]
    fn markdown_seed_header() {
        let md = "## Alex Sample\nMale | Age: 40 | Phone: 13800000000 | Email: a@example.com ｜ Experience：16 years\n\
                  Edu: Master | Job: Architect/Technical Manager | Location: Shanghai\n";
        let p = Profile::parse("en", Text::parse(md, Format::Markdown), &Lexicon::builtin());
        assert_eq!(p.personal.name.as_deref(), Some("Alex Sample"));
        assert_eq!(p.text.len(), p.ranking_text.len());
        assert!(!p.ranking_text.contains("Alex") && !p.ranking_text.contains("Male"));
        assert!(p.ranking_text.contains("16 years"));
    }

    #[test]
    fn name_before_title_on_first_line() {
        for (line, name) in [
            ("王立群 | Java高级开发工程师", "王立群"),
            ("# 钱雨晴 — B端产品经理", "钱雨晴"),
            ("Dr. Arjun Mehta", "Dr. Arjun Mehta"),
            ("杨帆 (Fan Yang) SRE", "杨帆"),
            ("Grace Wu 吴佳琪 Key Account Manager", "Grace Wu"),
            (
                "Jordan Placeholder-Smith 吴佳琪",
                "Jordan Placeholder-Smith",
            ),
            ("郑丽娜 个人简历", "郑丽娜"),
            ("Maarten van der Berg", "Maarten van der Berg"),
            ("Ana dos Santos | Paralegal", "Ana dos Santos"),
        ] {
            let p = Profile::parse(
                "x",
                Text::parse(&format!("{line}\n电话：136-0000-0011"), Format::Markdown),
                &Lexicon::builtin(),
            );
            assert_eq!(p.personal.name.as_deref(), Some(name), "{line}");
        }
        // A title on the first line is not a name.
        let p = Profile::parse(
            "x",
            Text::parse("Analista de Datos\nSQL, Python", Format::Markdown),
            &Lexicon::builtin(),
        );
        assert_eq!(p.personal.name, None);
        assert_eq!(p.headline.as_deref(), Some("Analista de Datos"));
    }

    #[test]
    fn location_is_labelled_or_named_outside_school_lines() {
        let places = Taxonomy::from_tsv(
            "canonical\tregion\taliases\nBeijing\tCN\t北京\nShanghai\tCN\t上海\n",
        );
        assert_eq!(
            location("2012年于北京邮电大学获得硕士学位\n现居上海", &places, 8).as_deref(),
            Some("Shanghai")
        );
        assert_eq!(
            location("database: 北京\nLocation: 上海", &places, 8).as_deref(),
            Some("Shanghai")
        );
        assert_eq!(location("毕业于北京大学", &places, 8), None);
    }

    #[test]
    fn snippet_folds_and_cuts() {
        assert_eq!(snippet("a  b\n | ｜ \ncdef", 5), "a b c…");
    }
}
