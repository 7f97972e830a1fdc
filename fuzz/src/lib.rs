//! What every fuzz target checks: reading any bytes as a file of some format gives text
//! or a reason and never panics; the text's heading spans lie inside it on character
//! boundaries; the profile and job stages and the analyzer take the text without
//! panicking, and token offsets stay inside the text.
//!
//! PDFs are read on a thread of their own whose panics the engine turns into that
//! file's error (the PDF reader is third-party code). libfuzzer-sys would abort on such
//! a caught panic, so a hook lets panics on that thread through — and prints each, so
//! `scripts/fuzz.sh` can count them — while a panic anywhere else is still a crash.

use std::sync::LazyLock;

use matcher::{Analyzer, Format, Job, Lexicon, Profile, Text};

static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::builtin);
static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::new);
static HOOK: std::sync::Once = std::sync::Once::new();

pub fn check(data: &[u8], format: Format) {
    HOOK.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some("pdf") {
                eprintln!("caught panic in pdf thread: {info}");
            } else {
                abort(info);
            }
        }));
    });
    let Ok(text) = Text::from_bytes(data, format) else {
        return;
    };
    for h in &text.headings {
        assert!(h.span.start <= h.span.end && h.span.end <= text.text.len());
        assert!(text.text.is_char_boundary(h.span.start) && text.text.is_char_boundary(h.span.end));
    }
    ANALYZER.for_each_term(&text.text, |_, span| {
        assert!(span.start <= span.end && span.end <= text.text.len());
        assert!(text.text.is_char_boundary(span.start) && text.text.is_char_boundary(span.end));
    });
    let profile = Profile::parse("fuzz", text.clone(), &LEXICON);
    assert_eq!(profile.ranking_text.len(), profile.text.len());
    for s in &profile.skills {
        assert!(profile.ranking_text.get(s.span.0..s.span.1).is_some());
    }
    let job = Job::parse("fuzz", text, &LEXICON);
    for s in job.required_skills.iter().chain(&job.preferred_skills) {
        assert!(job.text.get(s.span.0..s.span.1).is_some());
    }
}
