//! Job: a job description's text → the structured request the engine ranks against.
//!
//! Postings mark what is required and what is a plus with section headings (任职要求 /
//! Requirements / Must have versus 加分项 / Nice to have / Preferred) and with words on the
//! line itself (…优先, "… is a plus"), in Chinese, English and six European languages
//! (`data/job-headings.txt`: "Calificări preferate", "Requisitos deseables", "… von
//! Vorteil"). Skills are read from the whole posting: those under a "plus" heading or on a
//! "plus" line are preferred, all others required — except that a posting with a part
//! saying what it requires (Requirements, 任职要求, Competențe necesare) has said so: a
//! skill named only among its duties (Responsibilities, 岗位职责, Despre rol) is then
//! neither, and is left to the text. "Provide strategic leadership" in a sales
//! director's duties is what the holder will do, not a skill the posting asks for; its
//! requirements list the skills.

use std::sync::LazyLock;

use serde::Serialize;

use crate::analysis::{Lexicon, Occupations, folded, is_han};
use crate::ingest::{Format, Text};
use crate::profile::facts::{self, Education};
use crate::profile::{SkillEvidence, location, normal_place, skills_in, titles_in};

/// A job description.
#[derive(Clone, Debug, Serialize)]
pub struct Job {
    /// Identifier: the file name without extension (the TREC query id).
    pub id: String,
    /// The job title: the first line of the posting; or the title that line seeks when
    /// it opens "We are looking for …" (empty if it seeks no job); or empty when that
    /// line is another sentence (more than 15 words).
    pub title: String,
    /// The format the posting came in.
    pub format: Format,
    /// The character encoding the file was in.
    pub encoding: &'static str,
    /// Skills the job requires, with where the posting says so.
    pub required_skills: Vec<SkillEvidence>,
    /// Skills the job prefers (a plus, 优先, nice to have).
    pub preferred_skills: Vec<SkillEvidence>,
    /// Minimum years of experience asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_years: Option<f32>,
    /// Minimum education asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,
    /// The title, normalised (empty when the vocabulary does not know it).
    pub titles: Vec<String>,
    /// The title and its first normalised name read as occupations (ids into
    /// [`Lexicon::occupations`]).
    #[serde(skip)]
    pub occupations: Occupations,
    /// Where the job is (normalised place name; "Remote" for remote jobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The language the posting is written in, as a profile's
    /// ([`Profile::written_in`](crate::Profile::written_in)).
    pub written_in: &'static str,
    /// The posting's flattened text.
    #[serde(skip)]
    pub text: String,
    /// The file it was read from ([`Matcher::read_job`](crate::Matcher::read_job)), when
    /// it came from one: the audit log records it so that `replay` can read it again.
    #[serde(skip)]
    pub source: Option<std::path::PathBuf>,
}

/// What a line of a posting is about.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Required,
    Preferred,
    /// What the holder will do (Responsibilities, 岗位职责, Despre rol): its skills are
    /// required when the posting says nothing else, and neither required nor preferred
    /// when it also has a part saying what it requires.
    Duties,
}

/// The words that tell the parts of a posting apart (`data/job-headings.txt`), lowercase
/// and folded to ASCII like the lines they are matched against.
#[derive(Default)]
struct PartWords {
    /// A heading starting so opens a "plus" part.
    preferred: Vec<Heading>,
    /// A heading starting so opens a required part.
    required: Vec<Heading>,
    /// A heading starting so opens a part on the job's duties.
    duties: Vec<Heading>,
    /// A line containing it is a "plus" line.
    line: Vec<String>,
}

static PART_WORDS: LazyLock<PartWords> = LazyLock::new(|| {
    let mut words = PartWords::default();
    for entry in include_str!("../../data/job-headings.txt").lines() {
        let Some((kind, phrase)) = entry.split_once(':').filter(|_| !entry.starts_with('#')) else {
            continue;
        };
        let phrase = phrase.trim();
        if kind == "line" {
            words.line.push(folded(phrase));
            continue;
        }
        let heading = Heading {
            phrase: folded(phrase.trim_end_matches('$')),
            whole_line: phrase.ends_with('$'),
            in_sentences: false,
        };
        match kind {
            "preferred" => words.preferred.push(heading),
            "required" => words.required.push(heading),
            "duties" => words.duties.push(heading),
            other => panic!("data/job-headings.txt: unknown kind {other:?}"),
        }
    }
    for heading in words.preferred.iter_mut() {
        heading.in_sentences = words.line.contains(&heading.phrase);
    }
    words
});

/// A heading of [`PartWords`].
struct Heading {
    phrase: String,
    /// Whether the line must be the heading alone, not merely start with it.
    whole_line: bool,
    /// Whether the phrase also marks a line of its own ("line" words: 优先, 加分): a
    /// line starting with it is then a heading only when at most two Chinese characters
    /// follow it outside brackets (优先条件, 加分项（非必须）, "优先 Preferred"), not a
    /// sentence (优先考虑有Kafka经验者).
    in_sentences: bool,
}

impl Heading {
    /// Whether `line` (folded, without leading decoration) is this heading.
    fn opens(&self, line: &str) -> bool {
        if self.whole_line {
            line.trim_end_matches([':', '：', '】', ']', '*', ' ']) == self.phrase
        } else if self.in_sentences {
            line.strip_prefix(self.phrase.as_str())
                .is_some_and(|rest| han_outside_brackets(rest) <= 2)
        } else {
            line.starts_with(self.phrase.as_str())
        }
    }
}

impl Job {
    /// Whether the job is a title and nothing else: its text is one line, its title, and
    /// not a sentence (no clause punctuation: `：`, `;`, `。`, `！`, a `:` or a full stop
    /// before more words). A recruiter's search for "Java developer", a title to
    /// normalise and a German "Bauleiter:in (m/w/d)" are; "Data engineer: Spark and
    /// Kafka", "Chairman. A master's degree." and 招聘：董事长，要求本科学历。 are postings,
    /// however short. Its few words are weak text evidence, so BM25 counts
    /// for less beside the features that read the title whole
    /// ([`Weights::title_bm25`](crate::Weights::title_bm25)).
    ///
    /// ```
    /// use matcher::{Format, Job, Lexicon, Text};
    /// let lexicon = Lexicon::builtin();
    /// let job = |t: &str| Job::parse("j", Text::parse(t, Format::Text), &lexicon);
    /// assert!(job("ingeniero/a de caminos (ICCP) - proyectos de carreteras").is_title_only());
    /// assert!(job("资深Java后端开发（Spring Cloud）").is_title_only());
    /// assert!(!job("招聘：董事长，要求本科及以上学历。").is_title_only());
    /// assert!(job("Bauleiter:in Hochbau (m/w/d)").is_title_only());
    /// assert!(!job("Data engineer: Spark and Kafka").is_title_only());
    /// assert!(!job("Backend engineer\nFive years of Kafka.").is_title_only());
    /// ```
    pub fn is_title_only(&self) -> bool {
        const CLAUSE: [char; 9] = ['：', ';', '；', '。', '！', '？', '!', '?', '\n'];
        let text = self.text.trim();
        !self.title.trim().is_empty()
            && text == self.title.trim()
            && !text.contains(CLAUSE)
            && !text.contains(". ")
            && !text.contains(": ")
            && !text.ends_with(':')
    }

    /// Parse a job description from flattened text.
    ///
    /// ```
    /// use matcher::{Format, Job, Lexicon, Text};
    /// let text = Text::parse("# 云原生平台工程师\n任职要求：\n- 熟悉Kubernetes，5年以上经验\n加分项：\n- 熟悉Kafka", Format::Markdown);
    /// let job = Job::parse("cloud", text, &Lexicon::builtin());
    /// assert_eq!(job.title, "云原生平台工程师");
    /// assert!(job.required_skills.iter().any(|s| s.skill == "Kubernetes"));
    /// assert_eq!(job.preferred_skills[0].skill, "Kafka");
    /// assert_eq!(job.min_years, Some(5.0));
    /// ```
    pub fn parse(id: impl Into<String>, text: Text, lexicon: &Lexicon) -> Job {
        let Text {
            text,
            format,
            encoding,
            stated,
            ..
        } = text;
        let stated = match stated {
            Some(crate::ingest::Stated::Job(s)) => s,
            _ => crate::ingest::StatedJob::default(),
        };
        let text = blank_hiring_marker(text);
        let first = text
            .lines()
            .map(|l| l.trim().trim_start_matches('#').trim())
            .find(|l| !l.is_empty())
            .unwrap_or("");
        // A sentence that seeks names the title or none; another first line is the
        // title unless it is a sentence.
        let title = match seeking(first) {
            Some(opening) => sought_title(first, opening).unwrap_or_default(),
            None if first.split_whitespace().count() <= MAX_TITLE_WORDS => first.to_string(),
            None => String::new(),
        };
        let mut found: Vec<(Part, SkillEvidence)> = Vec::new();
        let mut section = Part::Required;
        let mut has_requirements = false;
        let mut offset = 0;
        for line in text.split('\n') {
            let start = offset;
            offset += line.len() + 1;
            if let Some(part) = heading(line) {
                section = part;
                has_requirements |= part == Part::Required;
            }
            let lower = folded(line);
            let part = if PART_WORDS.line.iter().any(|w| lower.contains(w.as_str())) {
                Part::Preferred
            } else {
                section
            };
            for mut skill in skills_in(line, &lexicon.skills) {
                skill.span = (skill.span.0 + start, skill.span.1 + start);
                found.push((part, skill));
            }
        }
        let mut required: Vec<SkillEvidence> = Vec::new();
        let mut preferred: Vec<SkillEvidence> = Vec::new();
        let mut duties: Vec<SkillEvidence> = Vec::new();
        for (part, skill) in found {
            let list = match part {
                Part::Required => &mut required,
                Part::Duties if !has_requirements => &mut required,
                Part::Duties => &mut duties,
                Part::Preferred => &mut preferred,
            };
            if !mention(list, &skill, 1) {
                list.push(skill);
            }
        }
        // A skill both required and preferred is required; one the duties name as well
        // as the requirements or the plus part keeps their mentions; one only the
        // duties name is left to the text.
        preferred.retain(|p| !mention(&mut required, p, p.mentions));
        for d in &duties {
            if !mention(&mut required, d, d.mentions) {
                mention(&mut preferred, d, d.mentions);
            }
        }
        let english = lexicon.is_english(&text);
        let mut titles = titles_in(&title, &lexicon.titles, english);
        if titles.is_empty() {
            let head: Vec<&str> = text.lines().take(3).collect();
            titles = titles_in(&head.join("\n"), &lexicon.titles, english);
        }
        titles.truncate(3);
        // As for profiles, English only; and a title written in Chinese is not read either:
        // through their English names the executive titles 董事长, 副董事长 and 独立董事
        // all become "chief executive", coarser than the title vocabulary that tells
        // them apart (on the resumener-zh set, reading them cost 0.09 MAP).
        // Nor a title most of whose words no occupation's title uses: a Spanish or German
        // title is "English" to the language detector (a title has no function words),
        // and its one known word ("programador Java senior" → Java) would add the words
        // of English occupations to its search (on our Spanish and German title sets,
        // reading them cost 0.02 and 0.06 MAP).
        let occupations = if english
            && !title.chars().any(is_han)
            && (!titles.is_empty() || lexicon.occupations.knows_most_of(&title))
        {
            lexicon.read_titles(
                std::iter::once(&title)
                    .chain(titles.first())
                    .map(String::as_str),
            )
        } else {
            Occupations::default()
        };
        let location = match &stated.location {
            Some(place) => Some(normal_place(place, &lexicon.places)),
            None => location(&text, &lexicon.places, 8),
        };
        Job {
            id: id.into(),
            title,
            format,
            encoding,
            required_skills: required,
            preferred_skills: preferred,
            min_years: stated.min_years.or_else(|| facts::minimum_years(&text)),
            education: stated
                .education
                .or_else(|| facts::required_education(&text)),
            titles,
            occupations,
            location,
            written_in: lexicon.written_in(&text),
            text,
            source: None,
        }
    }
}

/// Add `mentions` to the same skill as `skill` in `list`, if `list` has it.
fn mention(list: &mut [SkillEvidence], skill: &SkillEvidence, mentions: u32) -> bool {
    match list.iter_mut().find(|s| s.skill == skill.skill) {
        Some(s) => {
            s.mentions += mentions;
            true
        }
        None => false,
    }
}

/// A first line of more words than this is a sentence ("Our client, a fast-growing
/// company in the privacy space, is building …"), not a title: unless it names the one
/// it seeks ([`sought_title`]), the job then has none, and is matched by its text alone.
/// (Chinese has no spaces between words; its first line is kept.)
const MAX_TITLE_WORDS: usize = 15;

/// What opens "we are looking for a paralegal to join …" in the languages postings
/// come in, each ending in a space: the title follows, after an article.
const SEEKING: &[&str] = &[
    "we are looking for ",
    "we're looking for ",
    "we are seeking ",
    "we're seeking ",
    "we are hiring ",
    "looking for ",
    "căutăm ",
    "cautam ",
    "buscamos ",
    "nous recherchons ",
    "wir suchen ",
];
/// Articles between the opening and the title.
const ARTICLES: &[&str] = &[
    "a", "an", "the", "un", "o", "una", "une", "einen", "eine", "ein",
];
/// Words that end the title: what follows says what the job does or where.
const TITLE_ENDS: &[&str] = &[
    "to", "who", "that", "with", "for", "in", "at", "pentru", "să", "sa", "care", "cu", "în",
    "para", "que", "con", "en", "pour", "qui", "avec", "für", "der", "die", "mit", "zur", "zum",
];
/// What a sentence can seek that is not a job: "We are looking for someone who …".
const NOT_TITLES: &[&str] = &[
    "someone",
    "somebody",
    "people",
    "you",
    "individuals",
    "candidates",
    "cineva",
    "alguien",
];
/// At most this many words are read as the title of a sentence.
const MAX_SOUGHT_WORDS: usize = 8;

/// The seeking phrase `line` opens with, if any.
fn seeking(line: &str) -> Option<&'static str> {
    let lower = line.to_lowercase();
    SEEKING.iter().find(|o| lower.starts_with(*o)).copied()
}

/// The title a first sentence that opens with `opening` ([`seeking`]) names: "We are
/// looking for a Paralegal, Privacy and Information Management to join our team" →
/// "Paralegal, Privacy and Information Management". `None` if it names nothing short
/// enough, or no job ("someone who …", "a challenge?").
fn sought_title(sentence: &str, opening: &str) -> Option<String> {
    // Where the opening ends, in `sentence` (lowercasing may change byte lengths:
    // count words instead of bytes).
    let skip = opening.split_whitespace().count();
    let mut words = sentence.split_whitespace().skip(skip).peekable();
    if words
        .peek()
        .is_some_and(|w| ARTICLES.contains(&w.to_lowercase().as_str()))
    {
        words.next();
    }
    let mut title: Vec<&str> = Vec::new();
    for w in words {
        let bare = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if TITLE_ENDS.contains(&bare.as_str()) {
            break;
        }
        if title.is_empty() && NOT_TITLES.contains(&bare.as_str()) {
            return None;
        }
        if w.ends_with('?') {
            return None; // "Looking for a challenge?" asks; it names no job.
        }
        title.push(w);
        if w.ends_with(['.', ';', ':', '!']) {
            break;
        }
        if title.len() > MAX_SOUGHT_WORDS {
            return None;
        }
    }
    let title = title.join(" ");
    let title = title.trim_end_matches(|c: char| !c.is_alphanumeric() && c != ')');
    (!title.is_empty()).then(|| title.to_string())
}

/// Words that open a posting's first line to say it is one ("招聘：财务总监", "Hiring:
/// Data Engineer"). They are not a skill (招聘 is also "recruitment") nor part of the title.
/// Only followed by a separator: 招聘专员 is a recruiter's title.
const HIRING_MARKERS: &[&str] = &[
    "高薪诚聘",
    "高薪招聘",
    "诚聘",
    "急聘",
    "招聘",
    "we are hiring",
    "we're hiring",
    "now hiring",
    "hiring",
];

/// `text` with a hiring marker at the start of its first line replaced by spaces (byte
/// offsets are kept: evidence spans point into this text).
fn blank_hiring_marker(mut text: String) -> String {
    let Some(line) = text.lines().find(|l| !l.trim().is_empty()) else {
        return text;
    };
    let line_start = line.as_ptr() as usize - text.as_ptr() as usize;
    let lead = line.len() - line.trim_start_matches(['#', ' ', '\t', '【', '[']).len();
    let rest = &line[lead..];
    let lower = rest.to_lowercase();
    let Some(marker) = HIRING_MARKERS.iter().find(|m| {
        lower.starts_with(**m)
            && lower[m.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    }) else {
        return text;
    };
    if !rest.is_char_boundary(marker.len()) || rest[..marker.len()].to_lowercase() != *marker {
        return text; // lowercasing changed byte lengths: not a marker we can blank safely
    }
    // The marker and the separator after it (：, :, -, 】, spaces).
    let mut end = lead + marker.len();
    for c in line[end..].chars() {
        if matches!(c, ':' | '：' | '-' | '—' | '】' | ']' | '|' | ' ' | '\t') {
            end += c.len_utf8();
        } else {
            break;
        }
    }
    if line[end..].trim().is_empty() {
        return text; // "招聘" alone is the whole line: leave it be.
    }
    let range = line_start + lead..line_start + end;
    text.replace_range(range.clone(), &" ".repeat(range.len()));
    text
}

/// How many Chinese characters `text` has outside brackets (（…）, (…), 【…】, […]).
fn han_outside_brackets(text: &str) -> usize {
    let mut depth = 0usize;
    let mut han = 0;
    for c in text.chars() {
        match c {
            '（' | '(' | '【' | '[' => depth += 1,
            '）' | ')' | '】' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && is_han(c) => han += 1,
            _ => {}
        }
    }
    han
}

/// The part of the posting a heading line opens, if the line is a heading.
fn heading(line: &str) -> Option<Part> {
    let line = line
        .trim()
        .trim_start_matches(['#', '-', '*', '【', '[', ' ']);
    if line.chars().count() > 30 {
        return None;
    }
    let line = folded(line);
    if PART_WORDS.preferred.iter().any(|h| h.opens(&line)) {
        return Some(Part::Preferred);
    }
    if PART_WORDS.required.iter().any(|h| h.opens(&line)) {
        return Some(Part::Required);
    }
    if PART_WORDS.duties.iter().any(|h| h.opens(&line)) {
        return Some(Part::Duties);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Format;

    /// Owned names, to compare with [`skill_parts`].
    fn owned(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    /// The required and the preferred skills of a posting, by canonical name.
    fn skill_parts(text: &str, lexicon: &Lexicon) -> (Vec<String>, Vec<String>) {
        let job = Job::parse("j", Text::parse(text, Format::Text), lexicon);
        let names = |list: &[SkillEvidence]| -> Vec<String> {
            list.iter().map(|s| s.skill.clone()).collect()
        };
        (names(&job.required_skills), names(&job.preferred_skills))
    }

    /// A title is read as occupations when most of its words are words of occupation
    /// titles: "Senior Java Developer" is, "programador Java senior (remoto)" is not
    /// (only Java and senior are), nor "Pflegefachkraft (m/w/d)".
    #[test]
    fn a_title_of_unknown_words_is_no_occupation() {
        let lexicon = Lexicon::builtin();
        let read = |text: &str| {
            !Job::parse("j", Text::parse(text, Format::Text), &lexicon)
                .occupations
                .is_empty()
        };
        assert!(read("Senior Java Developer (remote)\n"));
        assert!(read("Nanny\n"));
        assert!(!read("programador Java senior (remoto)\n"));
        assert!(!read("Pflegefachkraft (m/w/d) Intensivstation\n"));
    }

    /// Required and preferred parts in the languages of `data/job-headings.txt`, by
    /// heading (with or without diacritics) and by a word on the line.
    #[test]
    fn plus_parts_in_other_languages() {
        let lexicon = Lexicon::builtin();
        let skills = |text: &str| skill_parts(text, &lexicon);
        for text in [
            "Inginer de date\nCompetențe necesare:\n- Python\nCalificări preferate:\n- Kafka",
            "Inginer de date\nCompetente necesare:\n- Python\nCalificari preferate:\n- Kafka",
            "Ingeniero de datos\nRequisitos:\n- Python\nRequisitos deseables:\n- Kafka",
            "Dateningenieur\nAnforderungen:\n- Python\n- Kafka-Kenntnisse sind von Vorteil",
            "Ingénieur de données\nProfil recherché :\n- Python\n- Kafka serait un plus",
        ] {
            assert_eq!(
                skills(text),
                (owned(&["Python"]), owned(&["Kafka"])),
                "{text}"
            );
        }
        // A required heading after a plus part opens a required part again.
        let (required, _) = skills("Nice to have:\n- Kafka\nCerințe:\n- Python");
        assert_eq!(required, ["Python"]);
        // "Plus" opens a plus part only as the whole heading: a line that starts with it
        // ("Plus de 5 ans …") is a line, and what follows is required.
        let (required, preferred) = skills("Plus de 5 ans d'expérience\n- Python\nPlus :\n- Kafka");
        assert_eq!(
            (required, preferred),
            (owned(&["Python"]), owned(&["Kafka"]))
        );
    }

    /// 优先 and 加分 open a plus part as headings (优先条件, 加分项（非必须）, "优先
    /// Preferred"), not as the first word of a line that says what is preferred: that
    /// line is a plus line, and the lines after it stay required.
    #[test]
    fn a_preferred_sentence_is_not_a_heading() {
        let lexicon = Lexicon::builtin();
        let skills = |text: &str| skill_parts(text, &lexicon);
        assert_eq!(
            skills("任职要求：\n- 精通Java\n- 优先考虑有Kafka经验者\n- 熟悉MySQL"),
            (owned(&["Java", "MySQL"]), owned(&["Kafka"]))
        );
        for heading in [
            "【优先条件】",
            "加分项（非必须）",
            "优先 Preferred",
            "加分项：",
            "优先",
        ] {
            let text = format!("任职要求：\n- 精通Java\n{heading}\n- Kafka\n- MySQL");
            assert_eq!(
                skills(&text),
                (owned(&["Java"]), owned(&["Kafka", "MySQL"])),
                "{heading}"
            );
        }
    }

    /// A skill named only among the duties is neither required nor preferred when the
    /// posting lists what it requires, and required when it does not: in English,
    /// Romanian and Chinese.
    #[test]
    fn duties_count_as_required_only_without_requirements() {
        let lexicon = Lexicon::builtin();
        let skills = |text: &str| skill_parts(text, &lexicon);
        let ours = |required: &[&str], preferred: &[&str]| (owned(required), owned(preferred));
        for text in [
            "Data engineer\nResponsibilities:\n- Run Kafka and Python jobs\nRequirements:\n- Python",
            "Inginer de date\nDespre rol\n- Operează Kafka și Python\nCompetențe necesare\n- Python",
            "工程师\n岗位职责：\n- 维护Kafka与Python任务\n任职要求：\n- 精通Python",
        ] {
            assert_eq!(skills(text), ours(&["Python"], &[]), "{text}");
        }
        // Without a requirements part the duties say what is needed.
        assert_eq!(
            skills("Data engineer\nResponsibilities:\n- Run Kafka jobs in Python"),
            ours(&["Kafka", "Python"], &[])
        );
        // A skill the duties name as well as the requirements or the plus part is
        // required or preferred, once, with every mention counted.
        let job = Job::parse(
            "j",
            Text::parse(
                "Responsibilities:\n- Python services\n- Python jobs\n- Kafka\nRequirements:\n- Python\nNice to have:\n- Kafka",
                Format::Text,
            ),
            &lexicon,
        );
        let mentions = |list: &[SkillEvidence]| -> Vec<(String, u32)> {
            list.iter().map(|s| (s.skill.clone(), s.mentions)).collect()
        };
        assert_eq!(mentions(&job.required_skills), [("Python".to_string(), 3)]);
        assert_eq!(mentions(&job.preferred_skills), [("Kafka".to_string(), 2)]);
    }

    #[test]
    fn hiring_marker_is_neither_title_nor_skill() {
        let lexicon = Lexicon::builtin();
        let text = Text::parse("招聘：财务总监，要求硕士及以上学历", Format::Text);
        let job = Job::parse("cfo", text, &lexicon);
        assert_eq!(job.title, "财务总监，要求硕士及以上学历");
        assert!(job.required_skills.is_empty(), "{:?}", job.required_skills);
        assert_eq!(job.education, Some(Education::Master));
        let text = Text::parse("## Hiring: Data Engineer\nSpark, Airflow", Format::Markdown);
        assert_eq!(Job::parse("de", text, &lexicon).title, "Data Engineer");
        // A posting for a recruiter keeps its title.
        let text = Text::parse("招聘专员\n负责招聘", Format::Text);
        assert_eq!(Job::parse("hr", text, &lexicon).title, "招聘专员");
    }

    #[test]
    fn a_sentence_is_not_a_title_but_may_name_one() {
        let lexicon = Lexicon::builtin();
        let text = "We are looking for a paralegal to join our privacy team, where you will \
                    support data protection programmes across the organisation.\nParalegal duties.";
        let job = Job::parse("p", Text::parse(text, Format::Text), &lexicon);
        assert_eq!(job.title, "paralegal");
        let text = "Our client, a fast-growing company in the privacy space, is building a \
                    team of people who care about data protection across the organisation.";
        let job = Job::parse("p", Text::parse(text, Format::Text), &lexicon);
        assert_eq!(job.title, "");
        // A short sentence that seeks no job is no title either.
        let text = Text::parse("We are looking for someone who loves data.\n", Format::Text);
        assert_eq!(Job::parse("p", text, &lexicon).title, "");
        let text = Text::parse(
            "Senior Paralegal, Privacy and Information Management\n",
            Format::Text,
        );
        assert_eq!(
            Job::parse("p", text, &lexicon).title,
            "Senior Paralegal, Privacy and Information Management"
        );
    }

    #[test]
    fn the_title_a_sentence_seeks() {
        for (sentence, title) in [
            (
                "Căutăm un Paralegal, Privacy and Information Management pentru a se alătura echipei noastre.",
                Some("Paralegal, Privacy and Information Management"),
            ),
            (
                "We're seeking an experienced Data Engineer who loves pipelines.",
                Some("experienced Data Engineer"),
            ),
            (
                "Buscamos una Analista de Datos para nuestro equipo.",
                Some("Analista de Datos"),
            ),
            (
                "Wir suchen einen Softwareentwickler (m/w/d) für unser Team.",
                Some("Softwareentwickler (m/w/d)"),
            ),
            ("Looking for a nanny.", Some("nanny")),
            ("We are looking for a Data Engineer", Some("Data Engineer")),
            // No opening, no job after it, or no short title after it.
            ("Join us as a nanny to two children.", None),
            ("Looking for a challenge? Join our growing team.", None),
            ("We are looking for someone who loves data.", None),
            (
                "We are looking for someone energetic enough and patient enough and kind enough and curious enough.",
                None,
            ),
        ] {
            let sought = seeking(sentence).and_then(|o| sought_title(sentence, o));
            assert_eq!(sought.as_deref(), title, "{sentence}");
        }
    }
}
