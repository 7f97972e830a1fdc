//! Query latency percentiles and batch throughput on an existing index, in one process:
//! the numbers docs/PERFORMANCE.md reports at 100k and 1M profiles.
//!
//! ```sh
//! cargo run --release --example latency -- INDEX_DIR JOBS_DIR [ROUNDS]
//! ```
//!
//! Each job is parsed once, then ranked `ROUNDS` times (default 5) one at a time — BM25
//! top-N, features, explanations for the top 10, as `matcher query` does — and every
//! ranking's wall time recorded; p50/p99 are over all of them, the first (cold) round
//! included. Then all jobs are ranked as one batch on every core (`rank_streaming`, as
//! `matcher rank` does), timed whole (skipped with `MATCHER_BATCH=0`). Output: one JSON
//! object on stdout.

use std::time::Instant;

use matcher::{Matcher, RankOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(index), Some(jobs_dir)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: latency INDEX_DIR JOBS_DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(3).map_or(Ok(5), |r| r.parse())?;
    // MATCHER_MAX_TERMS: search with only that many job terms (RankOptions::max_terms).
    let max_terms = std::env::var("MATCHER_MAX_TERMS")
        .ok()
        .and_then(|v| v.parse().ok());
    // MATCHER_MAX_POSTINGS: the postings budget (RankOptions::max_postings; 0: none).
    let max_postings = match std::env::var("MATCHER_MAX_POSTINGS").ok() {
        Some(v) => Some(v.parse::<u64>()?).filter(|&n| n > 0),
        None => RankOptions::default().max_postings,
    };
    // MATCHER_FEEDBACK=0: search once (RankOptions::feedback = None).
    let feedback = match std::env::var("MATCHER_FEEDBACK").ok().as_deref() {
        Some("0") => None,
        _ => RankOptions::default().feedback,
    };
    // MATCHER_DEPTH: how many BM25 candidates are re-scored (RankOptions::depth).
    let depth = match std::env::var("MATCHER_DEPTH").ok() {
        Some(v) => Some(v.parse()?),
        None => None,
    };
    // MATCHER_SEMANTIC=0: match by words alone (RankOptions::semantic = false).
    let semantic = std::env::var("MATCHER_SEMANTIC").ok().as_deref() != Some("0");
    // MATCHER_DENSE_FEEDBACK=0: meaning scored with the job's own text vector
    // (RankOptions::dense_feedback = None).
    let dense_feedback = match std::env::var("MATCHER_DENSE_FEEDBACK").ok().as_deref() {
        Some("0") => None,
        _ => RankOptions::default().dense_feedback,
    };
    // MATCHER_EMBED_TOKENS: how much of each job the encoder reads (the index keeps the
    // vectors it was built with).
    let embed_tokens = match std::env::var("MATCHER_EMBED_TOKENS").ok() {
        Some(v) => v.parse()?,
        None => matcher::DEFAULT_EMBED_TOKENS,
    };
    // MATCHER_DENSE_EXACT=1: nearest neighbours by every profile's exact cosine
    // (RankOptions::dense_exact).
    let dense_exact = std::env::var("MATCHER_DENSE_EXACT").ok().as_deref() == Some("1");
    let start = Instant::now();
    let m = Matcher::builder()
        .index_dir(index)
        .embed_tokens(embed_tokens)
        .build()?;
    let (jobs, errors) = m.read_jobs(&[jobs_dir]);
    for e in &errors {
        eprintln!("{e}");
    }
    let load = start.elapsed().as_secs_f64();
    let options = RankOptions {
        top: 10,
        depth,
        max_terms,
        max_postings,
        feedback: feedback.clone(),
        semantic,
        dense_feedback: dense_feedback.clone(),
        dense_exact,
        ..RankOptions::default()
    };
    // MATCHER_AGREEMENT=1: first, how far the sign pre-scan's top 10 agrees with the
    // exact scan's, over every job (on stderr).
    if std::env::var("MATCHER_AGREEMENT").ok().as_deref() == Some("1") {
        let exact = RankOptions {
            dense_exact: true,
            ..options.clone()
        };
        let prescan = RankOptions {
            dense_exact: false,
            ..options.clone()
        };
        let (mut same, mut shared) = (0usize, 0usize);
        for job in &jobs {
            let ids = |o: &RankOptions| -> Result<Vec<String>, matcher::Error> {
                Ok(m.rank(job, o)?.results.into_iter().map(|r| r.id).collect())
            };
            let (a, b) = (ids(&exact)?, ids(&prescan)?);
            same += usize::from(a == b);
            shared += a.iter().filter(|id| b.contains(id)).count();
        }
        eprintln!(
            "{{\"jobs\": {}, \"same_top10\": {same}, \"shared_in_top10\": {:.4}}}",
            jobs.len(),
            shared as f64 / (10 * jobs.len()).max(1) as f64
        );
    }
    let first = Instant::now();
    m.rank(&jobs[0], &options)?;
    let first_query = first.elapsed().as_secs_f64();
    let mut times = Vec::with_capacity(jobs.len() * rounds);
    for _ in 0..rounds {
        for job in &jobs {
            let t = Instant::now();
            let r = m.rank(job, &options)?;
            times.push(t.elapsed().as_secs_f64());
            std::hint::black_box(r);
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).saturating_sub(1)];
    // MATCHER_BATCH=0: latency only, no batch.
    if std::env::var("MATCHER_BATCH").ok().as_deref() == Some("0") {
        println!(
            "{{\"jobs\": {}, \"rounds\": {rounds}, \"p50_ms\": {:.2}, \"p99_ms\": {:.2}, \"max_ms\": {:.2}}}",
            jobs.len(),
            pct(0.5) * 1e3,
            pct(0.99) * 1e3,
            times.last().copied().unwrap_or(0.0) * 1e3
        );
        return Ok(());
    }
    // Top 100, as a nightly batch writes.
    let batch_options = RankOptions {
        top: 100,
        depth,
        max_terms,
        max_postings,
        feedback,
        semantic,
        dense_feedback,
        ..RankOptions::default()
    };
    let t = Instant::now();
    let mut ranked = 0;
    m.rank_streaming(&jobs, &batch_options, |_, r| {
        ranked += usize::from(r.is_ok());
        true
    });
    let batch = t.elapsed().as_secs_f64();
    println!(
        "{{\"jobs\": {}, \"rounds\": {rounds}, \"engine_and_jobs_load_s\": {load:.3}, \
         \"first_query_ms\": {:.2}, \"p50_ms\": {:.2}, \"p99_ms\": {:.2}, \"max_ms\": {:.2}, \
         \"batch_jobs\": {ranked}, \"batch_s\": {batch:.3}, \"batch_jobs_per_s\": {:.1}}}",
        jobs.len(),
        first_query * 1e3,
        pct(0.5) * 1e3,
        pct(0.99) * 1e3,
        times.last().copied().unwrap_or(0.0) * 1e3,
        ranked as f64 / batch
    );
    Ok(())
}
