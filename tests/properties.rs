//! Properties over generated input: nothing a user can feed the engine makes the
//! analyzer or a parser panic, and every span they report stays inside the text.
//!
//! Properties checked:
//! 1. The analyzer's term offsets lie inside the text, on character boundaries, for any
//!    string — Chinese, Latin, mixed, control characters, emoji.
//! 2. Reading any bytes as any format returns text or a reason; heading spans lie
//!    inside the text.
//! 3. Profile and job parsing of any text: skill spans point at the skill's words, the
//!    ranking text keeps the text's length, and no recognised e-mail survives in it.

use std::sync::LazyLock;

use matcher::{Analyzer, Format, Job, Lexicon, Profile, Text};
use proptest::prelude::*;

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::builtin);
static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::new);

const FORMATS: [Format; 6] = [
    Format::Text,
    Format::Markdown,
    Format::Html,
    Format::Pdf,
    Format::Docx,
    Format::Json,
];

/// Text that looks like résumés: words from both languages, markup, dates, separators.
fn resume_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "熟悉",
        "Kafka",
        "微服务",
        "Kubernetes",
        "5年以上",
        "硕士",
        "2019.03 - 至今",
        "Mar 2019 – Present",
        "# ",
        "## Skills\n",
        "- ",
        "<h2>",
        "</h2>",
        "<li>",
        "**",
        "|",
        "\n",
        " ",
        "：",
        "、",
        "C++",
        "C#",
        "Go",
        "张三",
        "jane@example.com",
        "138-0000-0000",
        "上海",
        "Berlin",
        "&amp;",
        "{\"basics\":",
        "}",
        "工作经历\n",
        "Senior Engineer",
        "负责人",
        "é",
        "🙂",
        "\u{0}",
        "\u{feff}",
        "\r\n",
        "\t",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), resume_like()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn analyzer_offsets_stay_inside_the_text(text in any_text()) {
        ANALYZER.for_each_term(&text, |term, span| {
            assert!(span.start <= span.end && span.end <= text.len(), "{term:?} {span:?}");
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            assert!(!term.is_empty());
            // The index joins a profile's terms with spaces for its whitespace tokenizer.
            assert!(!term.contains(|c: char| c.is_ascii_whitespace()), "{term:?}");
        });
    }

    #[test]
    fn any_bytes_in_any_format_give_text_or_a_reason(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..2048),
            resume_like().prop_map(String::into_bytes),
        ],
        format in prop::sample::select(FORMATS.to_vec()),
    ) {
        match Text::from_bytes(&bytes, format) {
            Ok(t) => {
                assert!(!t.text.trim().is_empty());
                for h in &t.headings {
                    assert!(h.span.end <= t.text.len() && h.span.start <= h.span.end);
                    assert!(t.text.is_char_boundary(h.span.start) && t.text.is_char_boundary(h.span.end));
                }
            }
            Err(reason) => assert!(!reason.is_empty()),
        }
    }

    #[test]
    fn parsing_any_text_keeps_spans_and_blanks_personal_data(
        text in any_text(),
        format in prop::sample::select(vec![Format::Text, Format::Markdown, Format::Html]),
    ) {
        let t = Text::parse(&text, format);
        let profile = Profile::parse("p", t.clone(), &LEXICON);
        assert_eq!(profile.ranking_text.len(), profile.text.len());
        assert!(!profile.ranking_text.contains("jane@example.com"));
        for s in &profile.skills {
            let words = profile.ranking_text.get(s.span.0..s.span.1);
            assert_eq!(words, Some(s.text.as_str()), "{s:?}");
        }
        let job = Job::parse("j", t, &LEXICON);
        for s in job.required_skills.iter().chain(&job.preferred_skills) {
            assert_eq!(job.text.get(s.span.0..s.span.1), Some(s.text.as_str()), "{s:?}");
        }
    }
}
