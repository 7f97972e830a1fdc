//! Personal data: recognised so that it can be kept apart.
//!
//! Name, contact details and personal attributes (gender, age, birth date, nationality,
//! marital status) must never influence a ranking. This module finds their byte spans;
//! the profile stage blanks them out of the text that is indexed and scored, replacing
//! each byte by a space so that every other span (skill evidence, dates) keeps its
//! offsets. What was found is kept, apart, for display.
//!
//! A name needs evidence. Chinese résumés open with a title as often as with a name
//! (体育经理, 临时助理), and both are two to four Han characters: a Chinese name is one
//! only where names stand (the header line, after 姓名, on the line before 性别/手机)
//! and when it starts with a known surname (`data/surnames-zh.txt`). Wherever it
//! stands, a string that ends in a title word (`data/title-words.txt`) or that the
//! title vocabulary reads as a title is not a name ([`reads_as_title`]).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};

use crate::analysis::{Lexicon, is_han};

/// Personal data found in a profile. Shown to the user; never indexed for ranking.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Personal {
    /// The candidate's name, when recognised.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// Phone numbers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    /// Other personal attributes as written (`Age: 40`, `性别：男` …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<String>,
}

/// Labels whose value is a personal attribute, in the languages résumés use.
const LABELS: &[&str] = &[
    "name",
    "姓名",
    "gender",
    "sex",
    "性别",
    "age",
    "年龄",
    "birth date",
    "date of birth",
    "birthday",
    "dob",
    "born",
    "出生日期",
    "出生年月",
    "生日",
    "nationality",
    "国籍",
    "民族",
    "marital status",
    "婚姻状况",
    "婚否",
    "婚姻",
    "phone",
    "mobile",
    "tel",
    "telephone",
    "cell",
    "电话",
    "手机",
    "联系电话",
    "联系方式",
    "email",
    "e-mail",
    "邮箱",
    "电子邮箱",
    "wechat",
    "微信",
    "qq",
    "address",
    "住址",
    "家庭住址",
    "籍贯",
    "政治面貌",
    "身份证",
    "id card",
    // Spanish, Romanian, French, German: the TalentCLEF languages and their neighbours.
    "nombre",
    "nume",
    "nom",
    "sexo",
    "género",
    "genero",
    "gen",
    "genre",
    "geschlecht",
    "edad",
    "vârstă",
    "varsta",
    "vârsta",
    "âge",
    "alter",
    "fecha de nacimiento",
    "data nașterii",
    "data nasterii",
    "data naşterii",
    "date de naissance",
    "geburtsdatum",
    "nacionalidad",
    "naționalitate",
    "nationalitate",
    "cetățenie",
    "nationalité",
    "staatsangehörigkeit",
    "estado civil",
    "stare civilă",
    "stare civila",
    "situation familiale",
    "familienstand",
    "teléfono",
    "telefono",
    "móvil",
    "movil",
    "celular",
    "telefon",
    "mobil",
    "téléphone",
    "correo",
    "correo electrónico",
    "dirección",
    "adresă",
    "adresa",
    "adresse",
];

/// Bare values that state gender when they stand alone in a header cell.
const GENDER_WORDS: &[&str] = &[
    "male",
    "female",
    "男",
    "女",
    "man",
    "woman",
    "hombre",
    "mujer",
    "masculino",
    "femenino",
    "bărbat",
    "femeie",
    "masculin",
    "feminin",
];

const CELL_SEPARATORS: &[char] = &['|', '｜', '·', '•', '/', ';', '；'];

/// Find personal data in `text`. Returns what was found and the spans to blank out.
///
/// `header_names` are names the caller already holds evidence for (the header line's,
/// checked with [`is_header_name`], or a structured source's); they are taken as given.
pub fn find(
    text: &str,
    header_names: &[String],
    lexicon: &Lexicon,
) -> (Personal, Vec<Range<usize>>) {
    let mut found = Personal::default();
    let mut spans = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        scan_line(line, offset, lexicon, &mut found, &mut spans);
        offset += line.len() + 1;
    }
    let mut names: Vec<String> = found.name.iter().chain(header_names).cloned().collect();
    if names.is_empty() {
        names.extend(name_before_labels(text, lexicon));
    }
    if names.is_empty() {
        names.extend(intro_name(text).filter(|n| !reads_as_title(n, lexicon)));
    }
    names.retain(|n| plausible_name(n));
    for name in &names {
        for (i, _) in text.match_indices(name.as_str()) {
            spans.push(i..i + name.len());
        }
        // Its parts too, wherever they stand alone ("John led the migration"): the
        // encoder reads a first name as who the candidate is.
        for part in name_parts(name) {
            for (i, _) in text.match_indices(part) {
                let before = text[..i].chars().next_back();
                let after = text[i + part.len()..].chars().next();
                let alone = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                // A Han part stands anywhere; a lettered one only as a whole word.
                let han = part.chars().any(crate::analysis::is_han);
                if han || (alone(before) && alone(after)) {
                    spans.push(i..i + part.len());
                }
            }
        }
    }
    found.name = names.into_iter().next();
    spans.sort_by_key(|r| (r.start, r.end));
    (found, spans)
}

/// The parts of a name that are blanked on their own: each word of two letters or more
/// of a name written in words ("John", "Miller"), and the given name of a Chinese name
/// of three or four characters (示例 of 张示例). A one-character given name (伟 of 王伟)
/// is part of too many words to blank alone.
fn name_parts(name: &str) -> Vec<&str> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1 {
        return words
            .into_iter()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .collect();
    }
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    let han = chars.iter().all(|&(_, c)| crate::analysis::is_han(c));
    if han && (3..=4).contains(&chars.len()) && has_surname(name) {
        let start = chars[chars.len() - 2].0;
        return vec![&name[start..]];
    }
    Vec::new()
}

fn scan_line(
    line: &str,
    offset: usize,
    lexicon: &Lexicon,
    found: &mut Personal,
    spans: &mut Vec<Range<usize>>,
) {
    // E-mail addresses and linkedin-style profile links anywhere on the line.
    for (at, _) in line.match_indices('@') {
        let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
        let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
        let start = line[..at].rfind(|c: char| !local(c)).map_or(0, |i| {
            i + line[i..].chars().next().map_or(1, char::len_utf8)
        });
        let end = line[at + 1..]
            .find(|c: char| !domain(c))
            .map_or(line.len(), |i| at + 1 + i);
        let email = line[start..end].trim_end_matches('.');
        if start < at && email[at - start + 1..].contains('.') {
            push_unique(&mut found.emails, email);
            spans.push(offset + start..offset + start + email.len());
        }
    }
    // Links on a contact line, or labelled as the person's own page, are contact details.
    // Most lines have no link, and then neither the line's words nor its labels matter.
    if URL_HINTS.is_match(line) {
        let contact_line =
            !found.emails.is_empty() && line.contains('@') || has_contact_label(line);
        for (start, word) in words(line) {
            let Some(url_at) = word
                .find("http://")
                .or_else(|| word.find("https://"))
                .or_else(|| word.find("www."))
                .or_else(|| word.find("linkedin.com/"))
            else {
                continue;
            };
            if contact_line || word.contains("linkedin.com/") || word.contains("wa.me/") {
                spans.push(offset + start + url_at..offset + start + word.len());
            }
        }
    }
    // Phone numbers: a labelled number, a Chinese mobile number or an international one.
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() || bytes[i] == b'+' {
            let start = i;
            let mut j = i;
            let mut digits = 0;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || b" -()+".contains(&bytes[j])) {
                digits += bytes[j].is_ascii_digit() as usize;
                j += 1;
            }
            let mut end = j;
            while end > start && !bytes[end - 1].is_ascii_digit() {
                end -= 1;
            }
            let candidate = &line[start..end];
            // Asked last: most runs of digits are too short or too long to be a number.
            let labelled = || {
                has_label_before(
                    &line[..start],
                    &[
                        "phone",
                        "mobile",
                        "tel",
                        "cell",
                        "电话",
                        "手机",
                        "联系方式",
                        "móvil",
                        "movil",
                        "celular",
                        "mobil",
                    ],
                )
            };
            let cn_mobile = || {
                digits == 11
                    && candidate.trim_start_matches('+').starts_with('1')
                    && !is_year_range(candidate)
            };
            let intl = candidate.starts_with('+') && (8..=15).contains(&digits);
            if (7..=15).contains(&digits)
                && (intl || cn_mobile() || labelled())
                && !is_year_range(candidate)
            {
                push_unique(&mut found.phones, candidate);
                spans.push(offset + start..offset + end);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    // Header cells: "Male | Age: 40 | Phone: …", "性别：男  年龄：30".
    let mut cell_start = 0;
    for cell in line.split(|c: char| CELL_SEPARATORS.contains(&c)) {
        let start = cell_start;
        cell_start += cell.len()
            + line[cell_start + cell.len()..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
        for (sub_start, sub) in split_double_space(cell) {
            let trimmed = sub.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = sub.len() - sub.trim_start().len();
            let abs = offset + start + sub_start + lead;
            if GENDER_WORDS.iter().any(|w| lowercases_to(trimmed, w)) {
                found.attributes.push(trimmed.to_string());
                spans.push(abs..abs + trimmed.len());
                continue;
            }
            if let Some((label, value)) = split_label(trimmed) {
                let label = LABELS.iter().find(|l| lowercases_to(label.trim(), l));
                if let Some(&label) = label
                    && !value.trim().is_empty()
                {
                    if matches!(label, "name" | "姓名" | "nombre" | "nume" | "nom") {
                        // The label is the evidence; only a title is refused
                        // ("姓名：张示例", not "姓名：销售经理"), and left in the text.
                        if reads_as_title(value.trim(), lexicon) {
                            continue;
                        }
                        found.name = Some(value.trim().to_string());
                    } else if !matches!(
                        label,
                        "email"
                            | "e-mail"
                            | "邮箱"
                            | "电子邮箱"
                            | "phone"
                            | "mobile"
                            | "tel"
                            | "telephone"
                            | "cell"
                            | "电话"
                            | "手机"
                            | "联系电话"
                            | "teléfono"
                            | "telefono"
                            | "móvil"
                            | "movil"
                            | "celular"
                            | "telefon"
                            | "mobil"
                            | "téléphone"
                            | "correo"
                            | "correo electrónico"
                    ) {
                        found.attributes.push(trimmed.to_string());
                    }
                    spans.push(abs..abs + trimmed.len());
                }
            }
        }
    }
}

/// Lines that may hold a link: the ones that spell how a link starts. A LinkedIn
/// profile link is often written without either ("linkedin.com/in/jane-doe"), and its
/// path is the person's name.
static URL_HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(["http://", "https://", "www.", "linkedin.com/"]).expect("url starts")
});

/// Whether `s.to_lowercase()` is `word`, without building it. Lowercasing character by
/// character differs from `str::to_lowercase` only in a final Σ (ς, not σ), and no
/// word compared here has either.
fn lowercases_to(s: &str, word: &str) -> bool {
    s.chars().flat_map(char::to_lowercase).eq(word.chars())
}

/// Labels that introduce the candidate's own contact points.
fn has_contact_label(line: &str) -> bool {
    const CONTACT: &[&str] = &[
        "主页",
        "个人主页",
        "博客",
        "作品集",
        "homepage",
        "home page",
        "website",
        "blog",
        "portfolio",
        "github",
        "linkedin",
        "phone",
        "电话",
        "手机",
        "邮箱",
        "email",
        "e-mail",
    ];
    let lower = line.to_lowercase();
    CONTACT.iter().any(|l| lower.contains(l))
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// Split "Label: value" / "标签：值". A label has at most 20 characters (the longest
/// known: "fecha de nacimiento", "staatsangehörigkeit").
fn split_label(cell: &str) -> Option<(&str, &str)> {
    let idx = cell.find([':', '：'])?;
    let label = cell[..idx].trim_start_matches(['-', '*', '•', ' ']);
    let sep_len = cell[idx..].chars().next().map_or(1, char::len_utf8);
    (label.chars().count() <= 20).then(|| (label, &cell[idx + sep_len..]))
}

/// Cells separated by two or more spaces, a tab or an ideographic space on one line.
fn split_double_space(cell: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = cell.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let gap = match c {
            '\t' | '\u{3000}' => true,
            ' ' => chars.peek().is_some_and(|&(_, n)| n == ' '),
            _ => false,
        };
        if gap {
            out.push((start, &cell[start..i]));
            let mut next = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if !matches!(n, ' ' | '\t' | '\u{3000}') {
                    break;
                }
                next = j + n.len_utf8();
                chars.next();
            }
            start = next;
        }
    }
    out.push((start, &cell[start..]));
    out
}

/// Whether one of `labels` stands in the 24 characters before a number. A Latin label
/// starts a word: "tel" is in "Tel.:" and "telephone", not in "Hotel"; "cell" not in
/// "excellent".
fn has_label_before(before: &str, labels: &[&str]) -> bool {
    let tail: String = before
        .chars()
        .rev()
        .take(24)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail = tail.to_lowercase();
    labels.iter().any(|l| {
        tail.match_indices(l).any(|(i, _)| {
            !l.starts_with(|c: char| c.is_ascii_alphabetic())
                || !tail[..i].ends_with(|c: char| c.is_alphanumeric())
        })
    })
}

fn is_year_range(s: &str) -> bool {
    let parts: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() == 2
        && parts
            .iter()
            .all(|p| p.len() == 4 && (p.starts_with("19") || p.starts_with("20")))
}

fn words(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - line.as_ptr() as usize, w))
}

/// Known Chinese surnames, single and compound (`data/surnames-zh.txt`).
static SURNAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/surnames-zh.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect()
});

/// Words that end job titles (`data/title-words.txt`): Han words, matched at the end
/// of a string, and Latin words, matched (lowercased) as its last word.
static TITLE_WORDS: LazyLock<(Vec<&'static str>, HashSet<String>)> = LazyLock::new(|| {
    let words = include_str!("../../data/title-words.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace);
    let (han, latin): (Vec<&str>, Vec<&str>) = words.partition(|w| w.chars().any(is_han));
    (han, latin.into_iter().map(str::to_lowercase).collect())
});

/// Whether `s` reads as a job title rather than a name: it ends in a title word
/// (经理, 助理, 工程师, "Manager" …), or the title vocabulary finds a title that ends
/// where it ends (Han: 人力资源专员, 前台) or that is all of it (Latin: "Paralegal").
pub(crate) fn reads_as_title(s: &str, lexicon: &Lexicon) -> bool {
    let s = s.trim();
    let (han, latin) = &*TITLE_WORDS;
    if han.iter().any(|w| s.ends_with(w)) {
        return true;
    }
    let last = s
        .split(|c: char| !c.is_alphabetic())
        .rfind(|w| !w.is_empty());
    if last.is_some_and(|w| latin.contains(&w.to_lowercase())) {
        return true;
    }
    let ends_in_han = s.chars().next_back().is_some_and(is_han);
    lexicon
        .titles
        .find(s)
        .iter()
        .any(|m| m.span.end == s.len() && (ends_in_han || m.span.start == 0))
}

/// Whether `han` (Han characters only) starts with a known surname and has a given
/// name after it: 张示例, 欧阳示例; not 体育经理 (体 is no surname) nor 欧阳.
fn has_surname(han: &str) -> bool {
    SURNAMES
        .iter()
        .any(|s| han.starts_with(s) && han.chars().count() > s.chars().count())
}

/// Whether a candidate from a résumé's header line has the evidence a name needs
/// there: Chinese (two to four Han characters) starting with a known surname, and
/// not a title ([`reads_as_title`]). A Latin candidate's shape was checked by the
/// caller; here it only must not be a title ("Sports Manager").
pub(crate) fn is_header_name(candidate: &str, lexicon: &Lexicon) -> bool {
    let han = candidate.chars().filter(|&c| is_han(c)).count();
    if han > 0 {
        let solid: String = candidate.chars().filter(|c| !c.is_whitespace()).collect();
        let all_han = solid.chars().count() == han;
        if !(all_han && (2..=4).contains(&han) && has_surname(&solid)) {
            return false;
        }
    }
    !reads_as_title(candidate, lexicon)
}

/// Labels of the personal lines that follow a name ("张示例\n性别：男  年龄：30").
const AFTER_NAME_LABELS: &[&str] = &[
    "性别",
    "年龄",
    "出生",
    "手机",
    "电话",
    "邮箱",
    "民族",
    "籍贯",
    "婚姻",
    "政治面貌",
];

/// A name on a line of its own among the first lines, just before a line of personal
/// data ("个人简历\n张示例\n性别：男 | 手机：…"): the other place Chinese résumés put it.
fn name_before_labels(text: &str, lexicon: &Lexicon) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(8)
        .collect();
    lines.windows(2).find_map(|pair| {
        let next_is_personal = AFTER_NAME_LABELS.iter().any(|l| pair[1].starts_with(l));
        (next_is_personal && is_header_name(pair[0], lexicon)).then(|| pair[0].to_string())
    })
}

/// "我是张三，" — the way Chinese self-introductions give the name: two to four Han
/// characters after 我是/我叫, starting with a known surname (so 我是产品经理 is not one),
/// ending at punctuation.
fn intro_name(text: &str) -> Option<String> {
    for marker in ["我是", "我叫", "本人"] {
        for (i, _) in text.match_indices(marker) {
            let rest = &text[i + marker.len()..];
            let name: String = rest.chars().take_while(|c| is_han(*c)).collect();
            let n = name.chars().count();
            if (2..=4).contains(&n)
                && rest[name.len()..].starts_with(['，', ',', '。', ' ', '('])
                && has_surname(&name)
            {
                return Some(name);
            }
        }
    }
    None
}

/// A name is short and has no digits; anything else was a mis-recognition.
fn plausible_name(name: &str) -> bool {
    let n = name.chars().count();
    (2..=40).contains(&n) && !name.chars().any(|c| c.is_ascii_digit() || c == '@')
}

#[cfg(test)]
mod tests {
    use super::*;

    static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::builtin);

    fn blank(text: &str, spans: &[Range<usize>]) -> String {
        let mut b = text.as_bytes().to_vec();
        for r in spans {
            b[r.clone()].fill(b' ');
        }
        String::from_utf8(b).unwrap()
    }

    /// Regression: "tel" in "Hotel" and "cell" in "excellent" labelled the number after
    /// them a phone number, and it was blanked from the ranking text.
    #[test]
    fn phone_labels_start_a_word() {
        let (p, _) = find("Hotel reservations desk 12345678", &[], &LEXICON);
        assert!(p.phones.is_empty(), "{:?}", p.phones);
        let (p, _) = find("Excellent 12345678 units sold", &[], &LEXICON);
        assert!(p.phones.is_empty(), "{:?}", p.phones);
        let (p, _) = find("Mobile/Tel: 12345678", &[], &LEXICON);
        assert_eq!(p.phones, ["12345678"]);
        let (p, _) = find("电话 12345678", &[], &LEXICON);
        assert_eq!(p.phones, ["12345678"]);
    }

    /// Regression: Spanish and Romanian labels were not read, so a labelled name, age
    /// and birth date stayed in the ranking text (found by tests/fairness.rs).
    #[test]
    fn spanish_and_romanian_labels() {
        let text = "Nombre: Carlos Ruiz\nEdad: 31\nFecha de nacimiento: 3 de mayo de 1995\nCarlos Ruiz, ingeniero";
        let (p, spans) = find(text, &[], &LEXICON);
        assert_eq!(p.name.as_deref(), Some("Carlos Ruiz"));
        let out = blank(text, &spans);
        for gone in ["Carlos", "31", "1995"] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
        let (p, _) = find(
            "Nume: Andrei Popescu\nVârstă: 40\nStare civilă: căsătorit",
            &[],
            &LEXICON,
        );
        assert_eq!(p.name.as_deref(), Some("Andrei Popescu"));
        assert_eq!(p.attributes, ["Vârstă: 40", "Stare civilă: căsătorit"]);
    }

    #[test]
    fn english_header_line() {
        let text = "Alex Sample\nMale | Age: 40 | Phone: 138-0000-0000 | Email: alex@example.com ｜ Experience：16 years\nEdu: Master";
        let (p, spans) = find(text, &["Alex Sample".to_string()], &LEXICON);
        assert_eq!(p.name.as_deref(), Some("Alex Sample"));
        assert_eq!(p.emails, ["alex@example.com"]);
        assert_eq!(p.phones, ["138-0000-0000"]);
        let out = blank(text, &spans);
        for gone in ["Alex", "Male", "40", "138", "example"] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
        assert!(out.contains("Experience：16 years") && out.contains("Edu: Master"));
    }

    #[test]
    fn linkedin_links_without_a_scheme_are_blanked() {
        let text = "Jane Roe\n+30 210 8847 293 | linkedin.com/in/janeroe\nEXPERIENCE";
        let (_, spans) = find(text, &["Jane Roe".to_string()], &LEXICON);
        let out = blank(text, &spans);
        assert!(
            !out.contains("janeroe") && !out.contains("linkedin"),
            "{out}"
        );
        assert!(out.contains("EXPERIENCE"));
    }

    #[test]
    fn chinese_labels_and_intro() {
        assert_eq!(intro_name("我是产品经理，"), None);
        assert_eq!(
            intro_name("你好，我是欧阳示例，现任"),
            Some("欧阳示例".to_string())
        );
        let text = "你好，我是张示例，现任技术负责人。\n性别：男  年龄：35  出生日期：1990年1月\n手机：13800000000\n2018年，张示例加入快手";
        let (p, spans) = find(text, &[], &LEXICON);
        assert_eq!(p.name.as_deref(), Some("张示例"));
        let out = blank(text, &spans);
        for gone in ["张示例", "男", "35", "1990", "13800000000"] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
        assert!(out.contains("2018年") && out.contains("技术负责人"));
    }

    #[test]
    fn cells_split_on_wide_gaps_without_breaking_characters() {
        assert_eq!(
            split_double_space("何静 — 测试  年龄：30\u{3000}男"),
            [(0, "何静 — 测试"), (19, "年龄：30"), (33, "男")]
        );
    }

    #[test]
    fn year_ranges_are_not_phone_numbers() {
        let (p, _) = find(
            "Bachelor, 2001-2005\nAutodesk 2008.1-2015/12\n1000 concurrent users",
            &[],
            &LEXICON,
        );
        assert!(p.phones.is_empty(), "{:?}", p.phones);
    }

    /// Regression (issue 19): a profile that was just 体育经理, 创意经理, 临时助理 or
    /// 出版经理 had it taken for the name and blanked, so it ranked on nothing.
    #[test]
    fn titles_are_not_names() {
        for title in [
            "体育经理",
            "创意经理",
            "临时助理",
            "出版经理",
            "高级经理",
            "王牌销售",
            "前台",
            "Sports Manager",
            "Paralegal",
        ] {
            assert!(!is_header_name(title, &LEXICON), "{title} taken for a name");
            assert!(
                reads_as_title(title, &LEXICON),
                "{title} not read as a title"
            );
        }
        // 高 and 王 are surnames: only the title word tells these apart from names.
        for name in [
            "张示例",
            "欧阳示例",
            "高示例",
            "王立群",
            "Alex Sample",
            "Emily Carter",
        ] {
            assert!(
                is_header_name(name, &LEXICON),
                "{name} not taken for a name"
            );
        }
        // No surname, no name: 体 is not one, and a surname alone is not a name.
        assert!(!is_header_name("体示例", &LEXICON));
        assert!(!is_header_name("王", &LEXICON));
        assert_eq!(intro_name("我是王经理，"), Some("王经理".to_string()));
        let (p, _) = find("你好，我是王经理，负责销售", &[], &LEXICON);
        assert_eq!(p.name, None);
    }

    #[test]
    fn a_name_needs_its_position_and_the_label_is_one() {
        // After 姓名: taken as given, unless it is a title (then it stays in the text).
        let text = "姓名：示例\n手机：13800000000";
        let (p, spans) = find(text, &[], &LEXICON);
        assert_eq!(p.name.as_deref(), Some("示例"));
        assert!(!blank(text, &spans).contains("示例"));
        let text = "姓名：销售经理\n负责华东区";
        let (p, spans) = find(text, &[], &LEXICON);
        assert_eq!(p.name, None);
        assert!(blank(text, &spans).contains("销售经理"));
        // On its own line before the personal lines, not only on the first line.
        let text = "个人简历\n张示例\n性别：男 | 手机：13800000000\n2018年张示例加入某公司";
        let (p, spans) = find(text, &[], &LEXICON);
        assert_eq!(p.name.as_deref(), Some("张示例"));
        assert!(!blank(text, &spans).contains("张示例"));
        // A title there is still a title.
        let (p, _) = find("个人简历\n体育经理\n性别：男", &[], &LEXICON);
        assert_eq!(p.name, None);
    }

    #[test]
    fn a_recognised_name_is_blanked_in_its_parts_too() {
        let lexicon = &*LEXICON;
        let text = "Name: John Miller\nJohn led the migration; Johnson did not. Miller-made.\n";
        let (found, spans) = find(text, &[], lexicon);
        assert_eq!(found.name.as_deref(), Some("John Miller"));
        let out = blank(text, &spans);
        assert!(!out.contains("John ") && !out.contains("Miller"), "{out}");
        assert!(out.contains("Johnson"), "{out}");
        let text = "姓名：张示例\n示例负责核心系统。\n";
        let (_, spans) = find(text, &[], lexicon);
        assert!(!blank(text, &spans).contains("示例"));
        // A one-character given name stays: it is part of too many words.
        let text = "姓名：王伟\n伟大的系统。\n";
        let (_, spans) = find(text, &[], lexicon);
        assert!(blank(text, &spans).contains("伟大"));
    }
}
