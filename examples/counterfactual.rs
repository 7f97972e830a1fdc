//! The counterfactual benchmark: pairs of profiles identical but for one signal of who
//! the candidate is (a name from another group, a pronoun, a gendered title form, an
//! age and birth year — `tests/common/counterfactual.rs`), each side indexed apart with
//! the bundled corpus, ranked for the same jobs; reports per signal how many scores
//! differ and the largest gap, in points of 100.
//!
//! ```text
//! cargo run --release --example counterfactual -- [PAIRS_PER_LANGUAGE]   # default 50
//! ```

#[path = "../tests/common/counterfactual.rs"]
mod counterfactual;

use std::collections::BTreeMap;
use std::path::Path;

use counterfactual::{LANGUAGES, SIGNALS, Signal, jobs, profile};
use matcher::{IndexOptions, Matcher, RankOptions};

type Scores = BTreeMap<(String, String), f32>;

fn side(
    root: &Path,
    signal: Signal,
    pairs: usize,
    b: bool,
) -> Result<Scores, Box<dyn std::error::Error>> {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let profiles = root.join("profiles");
    let jobs_dir = root.join("jobs");
    std::fs::create_dir_all(&profiles)?;
    std::fs::create_dir_all(&jobs_dir)?;
    for lang in LANGUAGES {
        for i in 0..pairs {
            let (id, text) = profile(signal, lang, i, b);
            std::fs::write(profiles.join(format!("{id}.txt")), text)?;
        }
    }
    for (id, text) in jobs() {
        std::fs::write(jobs_dir.join(format!("{id}.txt")), text)?;
    }
    let m = Matcher::builder().index_dir(root.join("index")).build()?;
    let report = m.index(
        &[profiles, project.join("corpus/profiles")],
        &IndexOptions::default(),
    )?;
    let (all_jobs, _) = m.read_jobs(&[jobs_dir, project.join("corpus/jobs")]);
    let n = report.indexed;
    let options = RankOptions {
        top: n,
        depth: Some(n),
        max_postings: None,
        details: false,
        ..RankOptions::default()
    };
    let mut out = Scores::new();
    for ranking in m.rank_many(&all_jobs, &options) {
        let ranking = ranking?;
        for r in ranking.results {
            out.insert((ranking.job_id.clone(), r.id), r.score);
        }
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pairs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    println!(
        "{} pairs per language ({}), {} jobs of the benchmark + the bundled jobs, each side indexed with the bundled corpus",
        pairs,
        LANGUAGES.join(", "),
        jobs().len()
    );
    println!(
        "{:<42} {:>8} {:>8} {:>10} {:>10}  largest at",
        "signal", "scores", "differ", "max gap", "mean gap"
    );
    for signal in SIGNALS {
        let a_dir = tempfile::tempdir()?;
        let b_dir = tempfile::tempdir()?;
        let a = side(a_dir.path(), signal, pairs, false)?;
        let b = side(b_dir.path(), signal, pairs, true)?;
        let mut differ = 0;
        let mut largest = (0f32, None);
        let mut total = 0f64;
        for (key, score) in &a {
            let other = b.get(key).copied().unwrap_or(0.0);
            let gap = (score - other).abs();
            if score.to_bits() != other.to_bits() {
                differ += 1;
            }
            total += f64::from(gap);
            if gap > largest.0 {
                largest = (gap, Some(key.clone()));
            }
        }
        for (key, score) in &b {
            if !a.contains_key(key) {
                differ += 1;
                total += f64::from(*score);
                if *score > largest.0 {
                    largest = (*score, Some(key.clone()));
                }
            }
        }
        let at = largest
            .1
            .map_or("-".to_string(), |(job, id)| format!("{job} / {id}"));
        println!(
            "{:<42} {:>8} {:>8} {:>10.4} {:>10.5}  {at}",
            signal.label(),
            a.len(),
            differ,
            largest.0,
            total / a.len().max(1) as f64
        );
    }
    Ok(())
}
