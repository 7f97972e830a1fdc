//! Counterfactual fairness: pairs of profiles identical but for one signal of who the
//! candidate is, indexed apart (side A's index, side B's index, each with the bundled
//! corpus beside them) and ranked for the same jobs in four languages.
//!
//! Properties checked:
//! 1. Swapping full names across groups (王伟 ↔ 李娜, John Miller ↔ Aisha Khan, …) leaves
//!    every score of every job bit for bit the same: the name is recognised and blanked.
//! 2. So does swapping age and birth year (labelled, blanked).
//! 3. So does swapping pronouns (he ↔ she, his ↔ her, 他 ↔ 她): they are not personal
//!    data, but they are stop words in both languages, so they never reach the index.
//! 4. A gendered Spanish or Romanian title form (Ingeniero ↔ Ingeniera, Inginer ↔
//!    Ingineră, programator ↔ programatoare) is language, not blanked: the score
//!    difference is measured and stays within [`TITLE_FORM_BOUND`] points of 100.
//! 5. A first name alone in a sentence ("John led …", "伟负责…") moves scores by at most
//!    [`FIRST_NAME_BOUND`] points: the parts of a recognised name are blanked too, but a
//!    one-character Chinese given name is not (it is part of too many words).

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::counterfactual::{LANGUAGES, SIGNALS, Signal, jobs, profile};
use matcher::{IndexOptions, Matcher, RankOptions};

/// Pairs per language.
const PAIRS: usize = 4;
/// The largest score difference a gendered title form may make, in points of 100. With
/// the semantic layer on it was 8.43 with these pairs; the encoder now reads each
/// feminine form as the masculine one (`data/gendered-forms.tsv`), and what is left,
/// 6.88, is the words: the stemmers keep Ingineră and Inginer apart, and the fitted
/// weights give the title feature more (0.16) than the lexical ones did (0.10, 5.85).
const TITLE_FORM_BOUND: f32 = 7.0;
/// The largest score difference a first name alone may make (measured: 1.12, from the
/// one-character given names of Chinese names, which are not blanked on their own; the
/// Latin ones are, wherever they stand as words — 2.48 before they were).
const FIRST_NAME_BOUND: f32 = 1.5;

/// Every (job, profile) score of one side's index.
fn side(root: &Path, signal: Signal, b: bool) -> BTreeMap<(String, String), (usize, f32)> {
    let profiles = root.join("profiles");
    let jobs_dir = root.join("jobs");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::create_dir_all(&jobs_dir).unwrap();
    for lang in LANGUAGES {
        for i in 0..PAIRS {
            let (id, text) = profile(signal, lang, i, b);
            std::fs::write(profiles.join(format!("{id}.txt")), text).unwrap();
        }
    }
    for (id, text) in jobs() {
        std::fs::write(jobs_dir.join(format!("{id}.txt")), text).unwrap();
    }
    let bundled = common::project().join("corpus");
    let m = Matcher::builder()
        .index_dir(root.join("index"))
        .threads(2)
        .build()
        .unwrap();
    let report = m
        .index(
            &[profiles.clone(), bundled.join("profiles")],
            &IndexOptions::default(),
        )
        .unwrap();
    assert_eq!(report.failed(), 0);
    let (mut all_jobs, errors) = m.read_jobs(&[jobs_dir, bundled.join("jobs")]);
    assert!(errors.is_empty(), "{errors:?}");
    all_jobs.sort_by(|a, b| a.id.cmp(&b.id));
    let n = report.indexed;
    let options = RankOptions {
        top: n,
        depth: Some(n),
        max_postings: None,
        details: false,
        ..RankOptions::default()
    };
    let mut out = BTreeMap::new();
    for ranking in m.rank_many(&all_jobs, &options) {
        let ranking = ranking.unwrap();
        for r in ranking.results {
            out.insert((ranking.job_id.clone(), r.id), (r.rank, r.score));
        }
    }
    out
}

#[test]
fn scores_do_not_move_with_who_the_candidate_is() {
    let mut gaps = Vec::new();
    for signal in SIGNALS {
        let a_dir = tempfile::tempdir().unwrap();
        let b_dir = tempfile::tempdir().unwrap();
        let a = side(a_dir.path(), signal, false);
        let b = side(b_dir.path(), signal, true);
        assert!(a.len() > 200, "{signal:?}: only {} scores", a.len());
        let mut largest = 0f32;
        let mut differing = 0;
        for (key, (rank, score)) in &a {
            let Some((rank_b, score_b)) = b.get(key) else {
                // Retrieved on one side only: counts as the largest possible move.
                largest = largest.max(*score);
                differing += 1;
                continue;
            };
            if signal.must_be_identical() {
                assert_eq!(
                    (rank, score.to_bits()),
                    (rank_b, score_b.to_bits()),
                    "{signal:?} {key:?}: {score} → {score_b}"
                );
            }
            if score.to_bits() != score_b.to_bits() {
                differing += 1;
            }
            largest = largest.max((score - score_b).abs());
        }
        if signal.must_be_identical() {
            assert_eq!(a.len(), b.len(), "{signal:?}: different results");
        }
        eprintln!(
            "{:<42} {} scores, {differing} differ, largest gap {largest:.4}",
            signal.label(),
            a.len()
        );
        gaps.push((signal, largest));
    }
    for (signal, gap) in gaps {
        match signal {
            Signal::GenderedTitle => assert!(gap <= TITLE_FORM_BOUND, "title form moved {gap}"),
            Signal::FirstNameOnly => assert!(gap <= FIRST_NAME_BOUND, "first name moved {gap}"),
            _ => assert_eq!(gap, 0.0),
        }
    }
}
