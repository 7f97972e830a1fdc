//! Facts stated in free text that both résumés and job descriptions use: years of
//! experience, education level, dates.
//!
//! Explicit statements win over inference ("Experience：16 years", "从业10年" beat the sum
//! of the date ranges, which also counts gaps in the writer's favour and ages as the
//! résumé does). Date ranges are read in the forms real résumés use — 2008.1-2015/12,
//! 2022/04-Present, 2019年3月-至今, Jan 2020 – Mar 2023 — and merged so that overlapping
//! jobs are not counted twice. Ranges on lines about schooling are left out.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// Highest education levels, ordered.
#[cfg_attr(feature = "serve", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Education {
    /// 高中 / high school.
    HighSchool,
    /// 大专 / associate degree.
    Associate,
    /// 本科 / bachelor's degree.
    Bachelor,
    /// 硕士 / master's degree (incl. MBA).
    Master,
    /// 博士 / doctorate.
    Doctorate,
}

impl Education {
    /// The label a Chinese and an English reader both understand.
    pub fn label(self) -> &'static str {
        match self {
            Education::HighSchool => "高中 / High school",
            Education::Associate => "大专 / Associate",
            Education::Bachelor => "本科 / Bachelor",
            Education::Master => "硕士 / Master",
            Education::Doctorate => "博士 / PhD",
        }
    }
}

static EDUCATION: LazyLock<Vec<(Regex, Education)>> = LazyLock::new(|| {
    [
        (r"(?i)博士|\bph\.?\s?d\b|\bdoctor(ate| of)\b|\bd\.phil\b", Education::Doctorate),
        (
            r"(?i)硕士|研究生|\bmaster'?s\b|\bmasters\b|\bmaster (of|degree)\b|\bm\.?s\.?c?\b\.?(,| in)|\bmba\b|\bm\.eng\b|(edu|education|学历)\s*[:：]\s*master\b",
            Education::Master,
        ),
        (
            r"(?i)本科|学士|\bbachelor'?s?\b|\bb\.?s\.?c?\b\.?(,| in)|\bb\.?a\.?(,| in)|\bb\.eng\b|\bundergraduate degree\b",
            Education::Bachelor,
        ),
        (r"(?i)大专|专科|高职|\bassociate'?s? degree\b|\bdiploma\b", Education::Associate),
        (r"(?i)高中|中专|\bhigh school\b", Education::HighSchool),
    ]
    .into_iter()
    .map(|(re, level)| (Regex::new(re).expect("education pattern"), level))
    .collect()
});

/// The highest education level `text` mentions.
pub fn highest_education(text: &str) -> Option<Education> {
    EDUCATION
        .iter()
        .filter(|(re, _)| re.is_match(text))
        .map(|(_, level)| *level)
        .max()
}

/// The lowest level a job asks for: "本科及以上", "Bachelor's degree or higher".
pub fn required_education(text: &str) -> Option<Education> {
    EDUCATION
        .iter()
        .filter_map(|(re, level)| {
            re.find_iter(text)
                .any(|m| {
                    let clause_end = text[m.end()..]
                        .find(['\n', '，', ',', ';', '；', '。'])
                        .map_or(text.len(), |i| m.end() + i);
                    let after = &text[m.end()..clause_end];
                    !(after.contains("优先")
                        || after.to_lowercase().contains("preferred")
                        || after.contains("a plus"))
                })
                .then_some(*level)
        })
        .min()
}

static CN_NUM: &str = "(?:\\d{1,2}|[一二两三四五六七八九十]{1,3})";

static EXPLICIT_TOTAL: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // Labelled: "Experience：16 years", "工作年限：8年", "工作经验: 5 yrs".
        format!(r"(?i)(?:experience|工作年限|工作经验|从业年限|years of experience)\s*[:：]\s*({CN_NUM})\s*\+?\s*(?:years?|yrs?|年)"),
        // "从业10年", "10年工作经验", "8年以上开发经验", "5年经验".
        format!(r"(?:从业|工作)\s*({CN_NUM})\s*年"),
        format!(r"({CN_NUM})\s*\+?\s*年(?:以上)?[^，。,;；：:\n\d]{{0,8}}?经验"),
        // "8+ years of experience" (not "… of experience in X", which is partial).
        format!(r"(?i)({CN_NUM})\s*\+?\s*years?\s+of\s+(?:professional\s+|work\s+|industry\s+|working\s+)?experience(?:\s*[,.;)]|\s*$|\s+(?:as|across|building|leading|with|designing|developing|delivering|managing|working|including|spanning|and))"),
    ]
    .iter()
    .map(|re| Regex::new(re).expect("experience pattern"))
    .collect()
});

/// Minimum years a job asks for: "5+ years", "5年以上", "三年以上", "at least 3 years".
static MIN_YEARS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        format!(r"({CN_NUM})\s*年(?:及)?以上"),
        format!(r"(?i)({CN_NUM})\s*\+\s*(?:years?|yrs?)"),
        format!(r"(?i)(?:at least|minimum of|min\.?|over|more than)\s+({CN_NUM})\s*(?:years?|yrs?)"),
        format!(r"(?i)({CN_NUM})\s*(?:or more\s+)?years?\s+(?:of\s+)?(?:professional\s+|relevant\s+|hands-on\s+|industry\s+|work\s+)?experience"),
    ]
    .iter()
    .map(|re| Regex::new(re).expect("min years pattern"))
    .collect()
});

/// Parse "16", "十", "三", "十五", "二十".
fn number(s: &str) -> Option<f32> {
    if let Ok(n) = s.parse::<f32>() {
        return Some(n);
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .find(c)
            .map(|i| (i / 3) as f32)
            .or((c == '两').then_some(2.0))
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10.0),
        ['十', d] => Some(10.0 + digit(*d)?),
        [d, '十'] => Some(digit(*d)? * 10.0),
        [d, '十', e] => Some(digit(*d)? * 10.0 + digit(*e)?),
        [d] => digit(*d),
        _ => None,
    }
}

/// Years of experience the text states outright for the whole career, if any.
pub fn stated_years(text: &str) -> Option<f32> {
    largest_count(&EXPLICIT_TOTAL, text, 0.0..=60.0)
}

/// The minimum years of experience a job asks for.
pub fn minimum_years(text: &str) -> Option<f32> {
    largest_count(&MIN_YEARS, text, 1.0..=30.0)
}

/// The largest number, within `plausible`, that any pattern captures (group 1) in `text`.
fn largest_count(
    patterns: &[Regex],
    text: &str,
    plausible: std::ops::RangeInclusive<f32>,
) -> Option<f32> {
    patterns
        .iter()
        .flat_map(|re| re.captures_iter(text))
        .filter_map(|c| number(c.get(1)?.as_str()))
        .filter(|y| plausible.contains(y))
        .reduce(f32::max)
}

/// A date: a year, after a month's name or before its number, or "now". The words for
/// now (`data/dates.txt`) are whole words ("Presentation" holds no "present"), and so are the
/// month names ("Marketing 2019" is not March). The numbers are bounded by
/// ASCII word boundaries: in Chinese a year follows and precedes characters that are
/// word characters to Unicode ("于2015年", "至2015年6月在"), and a Unicode `\b` found no
/// year there.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let mut names: Vec<&str> = DATE_WORDS.months.iter().flatten().copied().collect();
    // Longest first, so that "sept" is not read as "sep" and a stray "t".
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    Regex::new(&format!(
        r"(?i)(?:\b({})\b\.?\s+)?(?-u:\b)((?:19|20)\d{{2}})(?:\s*[./年-]\s*(1[0-2]|0?[1-9])(?:\s*月|(?-u:\b)))?|(\b(?:{})\b|至今|今|现在)",
        names.join("|"),
        DATE_WORDS.now.join("|")
    ))
    .expect("date pattern")
});

/// The words of dates (`data/dates.txt`), lowercase: each month's names and
/// abbreviations, January first, and the words for now.
static DATE_WORDS: LazyLock<DateWords> = LazyLock::new(|| {
    let mut words = DateWords::default();
    for line in include_str!("../../data/dates.txt").lines() {
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("now") => words.now.extend(fields),
            Some(n) if !n.starts_with('#') => {
                let month: usize = n.parse().expect("data/dates.txt: a month number");
                words.months[month - 1].extend(fields);
            }
            _ => {}
        }
    }
    words
});

/// What [`DATE_WORDS`] holds.
#[derive(Default)]
struct DateWords {
    months: [Vec<&'static str>; 12],
    now: Vec<&'static str>,
}

static RANGE_SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:-|–|—|~|～|至|到|to|until)\s*$").expect("separator pattern")
});

/// Words that make a line about schooling, not work. Latin words count only as whole
/// words ("MBA" is not in "Mumbai"; "universi" starts university/universität); Chinese
/// ones anywhere. Company words stay out: 北京启明教育科技有限公司 is an employer.
const SCHOOL_WORDS: &[&str] = &[
    "大学", "学院", "学校", "universi", "college", "school", "本科", "硕士", "博士", "bachelor",
    "master", "phd", "学士", "学位", "msc", "bsc", "mba", "degree",
];

/// Roles whose name contains a school word ("Scrum Master").
const NOT_SCHOOL: &[&str] = &["scrum master", "master data", "webmaster", "quartermaster"];

/// Lines that may be about schooling: those that spell a school word, ignoring ASCII
/// case, or hold one of the two characters that `to_lowercase` turns into ASCII (İ into
/// "i̇", the Kelvin sign K into "k"), which could make one. A line without any cannot
/// hold a school word once lowercased; most lines have none.
static SCHOOL_HINTS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(SCHOOL_WORDS.iter().copied().chain(["\u{130}", "\u{212A}"]))
        .expect("school words")
});

/// Whether a line is about schooling (its dates are not work experience, its city is
/// not where the person is).
pub(crate) fn is_school_line(line: &str) -> bool {
    if !SCHOOL_HINTS.is_match(line) {
        return false;
    }
    let lower = line.to_lowercase();
    let mut lower = lower;
    for role in NOT_SCHOOL {
        if lower.contains(role) {
            lower = lower.replace(role, " ");
        }
    }
    SCHOOL_WORDS.iter().any(|w| {
        if !w.is_ascii() {
            return lower.contains(w);
        }
        lower.match_indices(w).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + w.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            !word(before) && (*w == "universi" || !word(after))
        })
    })
}

/// A month count: year × 12 + month index.
pub type Month = i32;

/// An employment date range found in a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    /// Index of the line it is on.
    pub line: usize,
    /// First month.
    pub start: Month,
    /// Last month (`now` for an open range).
    pub end: Month,
    /// Whether the range is open ("至今", "Present").
    pub open: bool,
}

/// One date on a line: byte range, month, whether a month was given, whether it is "now".
struct DateMatch {
    start: usize,
    end: usize,
    month: Month,
    has_month: bool,
    open: bool,
}

/// Employment date ranges in `text`, `now` standing for open ends. Lines about schooling
/// are left out.
pub fn date_ranges(text: &str, now: Month) -> Vec<DateRange> {
    let mut out = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        // A range starts at a year, 19xx or 20xx: a line without "19" or "20" has none
        // (and most lines of a résumé have none, even of those with digits; the pattern
        // is costly, its \b being Unicode-aware).
        if !line
            .as_bytes()
            .windows(2)
            .any(|w| matches!(w, b"19" | b"20"))
        {
            continue;
        }
        // Whether the line is about schooling, asked once it has a range to drop.
        let mut school = None;
        let dates: Vec<DateMatch> = DATE
            .captures_iter(line)
            .map(|c| {
                let m = c.get(0).expect("whole match");
                if c.get(4).is_some() {
                    return DateMatch {
                        start: m.start(),
                        end: m.end(),
                        month: now,
                        has_month: true,
                        open: true,
                    };
                }
                let year: i32 = c[2].parse().unwrap_or(0);
                let month = c
                    .get(3)
                    .and_then(|m| m.as_str().parse::<i32>().ok())
                    .or_else(|| c.get(1).and_then(|m| month_index(m.as_str())));
                DateMatch {
                    start: m.start(),
                    end: m.end(),
                    month: year * 12 + month.map_or(0, |m| m - 1),
                    has_month: month.is_some(),
                    open: false,
                }
            })
            .collect();
        for pair in dates.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            // "2015年7月至今": the 至 ("until") is part of the open end's match.
            let between = &line[a.end..b.start];
            let joined = between.trim().is_empty() && line[b.start..].starts_with('至');
            if a.open || !(joined || RANGE_SEPARATOR.is_match(between)) {
                continue;
            }
            // "2012 - 2015": a year alone ends at the end of that year.
            let end = if b.has_month { b.month } else { b.month + 11 };
            if a.month <= end && end <= now && a.month >= 1950 * 12 {
                if *school.get_or_insert_with(|| is_school_line(line)) {
                    break;
                }
                out.push(DateRange {
                    line: line_no,
                    start: a.month,
                    end,
                    open: b.open,
                });
            }
        }
    }
    out
}

/// "2019-03" for a month count.
pub fn month_label(month: Month) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// The month (1–12) a month name of [`DATE_WORDS`] stands for, in any case.
fn month_index(name: &str) -> Option<i32> {
    let lower = name.to_lowercase();
    DATE_WORDS
        .months
        .iter()
        .position(|names| names.contains(&lower.as_str()))
        .map(|i| i as i32 + 1)
}

/// Total years covered by the ranges, overlaps counted once.
pub fn covered_years(ranges: &[DateRange]) -> Option<f32> {
    let mut ranges: Vec<(Month, Month)> = ranges.iter().map(|r| (r.start, r.end)).collect();
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_unstable();
    let mut total = 0;
    let (mut cur_start, mut cur_end) = ranges[0];
    for &(s, e) in &ranges[1..] {
        if s <= cur_end + 1 {
            cur_end = cur_end.max(e);
        } else {
            total += cur_end - cur_start + 1;
            (cur_start, cur_end) = (s, e);
        }
    }
    total += cur_end - cur_start + 1;
    Some(total as f32 / 12.0)
}

/// The current month, for open-ended ranges ("2022/04-Present").
pub fn current_month() -> Month {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant), enough for a month.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year * 12 + month - 1) as Month
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Month = 2026 * 12 + 10; // November 2026

    /// Regression: "present" was found inside "Presentation", which made an open range of
    /// "2018 – Presentation …".
    #[test]
    fn now_is_a_whole_word() {
        let starts = |line: &str| -> Vec<(Month, bool)> {
            date_ranges(line, NOW)
                .iter()
                .map(|r| (r.start, r.open))
                .collect()
        };
        assert!(starts("2018 – Presentation of results").is_empty());
        assert!(starts("2015 - nowhere else").is_empty());
        assert_eq!(starts("2015 - currently"), [(2015 * 12, true)]);
        assert_eq!(starts("Sept. 2019 – now"), [(2019 * 12 + 8, true)]);
        assert_eq!(
            starts("Iunie 2018 - decembrie 2020"),
            [(2018 * 12 + 5, false)]
        );
        // Month names are whole words, in the languages résumés come in.
        assert_eq!(starts("Marketing 2019 - 2021"), [(2019 * 12, false)]);
        assert_eq!(starts("Junior 2019 - 2021"), [(2019 * 12, false)]);
        assert_eq!(starts("août 2017 – MÄRZ 2020"), [(2017 * 12 + 7, false)]);
        assert_eq!(starts("Sept. 2019 – Jänner 2021"), [(2019 * 12 + 8, false)]);
        assert_eq!(starts("Ianuarie 2020 - prezent"), [(2020 * 12, true)]);
        assert_eq!(starts("marzo 2018 – actualidad"), [(2018 * 12 + 2, true)]);
    }

    /// `data/dates.txt` is read as meant: every month named, no word in two months or
    /// both a month and "now", and none that is not a word (a year read as "now" would
    /// turn every range open).
    #[test]
    fn date_words_are_words_of_one_meaning() {
        let words = &*DATE_WORDS;
        assert!(
            words.months.iter().all(|m| m.len() >= 3),
            "{:?}",
            words.months
        );
        assert!(words.now.contains(&"present") && words.now.contains(&"prezent"));
        let mut seen = std::collections::HashSet::new();
        for w in words.months.iter().flatten().chain(&words.now) {
            assert!(seen.insert(*w), "{w} twice");
            assert!(w.chars().all(|c| c.is_alphabetic() || c == '\''), "{w}");
        }
    }

    #[test]
    fn explicit_statements() {
        assert_eq!(
            stated_years("Male | Age: 40 | Experience：16 years"),
            Some(16.0)
        );
        assert_eq!(
            stated_years("现任IM中台负责人，从业10年，具有多年管理经验"),
            Some(10.0)
        );
        assert_eq!(stated_years("8年Java后端开发经验"), Some(8.0));
        assert_eq!(
            stated_years("8 years of experience in cloud computing"),
            None
        );
        assert_eq!(
            stated_years("8+ years of experience, mostly in fintech"),
            Some(8.0)
        );
    }

    #[test]
    fn job_minimums() {
        assert_eq!(
            minimum_years("熟悉Kubernetes、消息队列（Kafka/RocketMQ），5年以上经验"),
            Some(5.0)
        );
        assert_eq!(minimum_years("三年以上工作经验"), Some(3.0));
        assert_eq!(minimum_years("5+ years building services"), Some(5.0));
        assert_eq!(minimum_years("at least 10 years of experience"), Some(10.0));
    }

    #[test]
    fn ranges_in_real_forms_and_overlaps() {
        let text = "Oqton, 2022/04-Present\nGlodon, 2019.1-2021/5\nMicrosoft 2015.12-2019/1\nAutodesk 2008.1-2015/12\n\
                    Master’s, Zhejiang University, 2005-2007";
        let r = date_ranges(text, NOW);
        assert_eq!(r.len(), 4, "{r:?}");
        let years = covered_years(&r).unwrap();
        assert!((18.0..19.5).contains(&years), "{years}");
        let span = |t: &str| {
            date_ranges(t, NOW)
                .iter()
                .map(|r| (r.start, r.end, r.open))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            span("2019年3月-至今 字节跳动"),
            [(2019 * 12 + 2, NOW, true)]
        );
        // Chinese ranges inside a sentence: a year right after 于 or 至, and 至今 with
        // no separator of its own.
        assert_eq!(
            span("曾于2010年3月至2015年6月在华为任软件工程师"),
            [(2010 * 12 + 2, 2015 * 12 + 5, false)]
        );
        assert_eq!(
            span("于2015年7月至今在腾讯任架构师"),
            [(2015 * 12 + 6, NOW, true)]
        );
        assert_eq!(span("2015.07至今"), [(2015 * 12 + 6, NOW, true)]);
        assert!(span("2015年7月 今后计划").is_empty());
        assert_eq!(
            span("Jan 2020 – Mar 2023"),
            [(2020 * 12, 2023 * 12 + 2, false)]
        );
        let r = |start, end| DateRange {
            line: 0,
            start,
            end,
            open: false,
        };
        assert_eq!(covered_years(&[r(0, 11), r(6, 17)]), Some(1.5));
        assert_eq!(month_label(2019 * 12 + 2), "2019-03");
        assert!(
            date_ranges(
                "MSc Data Science, Universidad Politécnica de Madrid, 2015 – 2017",
                NOW
            )
            .is_empty()
        );
    }

    #[test]
    fn education_levels() {
        assert_eq!(
            highest_education("Edu: Master | Job: Architect"),
            Some(Education::Master)
        );
        assert_eq!(
            highest_education("2012年获得工学硕士学位"),
            Some(Education::Master)
        );
        assert_eq!(highest_education("Scrum Master certified"), None);
        assert_eq!(
            highest_education("本科，计算机科学"),
            Some(Education::Bachelor)
        );
        assert_eq!(
            required_education("本科及以上学历，硕士优先"),
            Some(Education::Bachelor)
        );
        assert_eq!(
            required_education("Bachelor's degree or higher"),
            Some(Education::Bachelor)
        );
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(number("十五"), Some(15.0));
        assert_eq!(number("二十"), Some(20.0));
        assert_eq!(number("两"), Some(2.0));
    }

    /// What the prefilters of the lowercasing searches rely on: apart from İ and the
    /// Kelvin sign, no character lowercases to anything ASCII, and no character but a
    /// Han one itself lowercases to a Han character.
    #[test]
    fn only_two_characters_lowercase_to_ascii() {
        let all = || (0x80..=0x10FFFF).filter_map(char::from_u32);
        let to_ascii: Vec<char> = all()
            .filter(|c| c.to_lowercase().any(|l| l.is_ascii()))
            .collect();
        assert_eq!(to_ascii, ['\u{130}', '\u{212A}']);
        assert!(all().all(|c| {
            c.to_lowercase()
                .all(|l| l == c || !crate::analysis::is_han(l))
        }));
    }

    #[test]
    fn school_lines_through_lowercasing() {
        assert!(is_school_line("UNIVERSİTY OF EXAMPLE"));
        assert!(!is_school_line("Mumbai office, 2019 - 2021"));
        assert!(is_school_line("2005-2007 浙江大学"));
        assert!(!is_school_line("\u{212A}mba"));
    }

    /// Regression: "master" in Scrum Master, "mba" in Mumbai and 教育 in a company name
    /// made work lines count as schooling, and their years were dropped.
    #[test]
    fn work_lines_with_school_like_words_are_work() {
        let text = "2019.03 – Present  Scrum Master, Example Ltd, Mumbai\n\
                    2016.01 - 2019.02 北京启明教育科技有限公司 产品经理\n\
                    2012.09 - 2016.06 浙江大学 本科\n\
                    2010 - 2012 MBA, Example Business School";
        let lines: Vec<usize> = date_ranges(text, NOW).iter().map(|r| r.line).collect();
        assert_eq!(lines, [0, 1]);
        assert!(is_school_line("Master of Science, Universität Example"));
        assert!(!is_school_line("Webmaster at a Mumbai agency"));
    }
}
