//! Criterion benchmarks of each stage on the bundled corpus: tokenization (MB/s),
//! extraction (profiles/s), indexing (profiles/s and MB/s, extraction included), query
//! latency and batch throughput.
//!
//! `cargo bench --bench pipeline` runs them on `corpus/` (39 profiles, replicated to
//! 2,000 for indexing and querying so the numbers are not about an empty index). Point
//! `MATCHER_BENCH_INDEX` at an existing index (e.g. one built from
//! `scripts/gen_corpus.py --profiles 100000`) and `MATCHER_BENCH_JOBS` at its jobs to
//! measure query latency and batch throughput at that size; docs/PERFORMANCE.md records
//! both. Report medians; compare against a baseline measured in the same run.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use matcher::{Analyzer, IndexOptions, Job, Lexicon, Matcher, Profile, RankOptions, Text};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The bundled profiles as flattened texts, with their byte sizes.
fn profiles() -> Vec<(String, Text, usize)> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir().join("profiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("README.md"))
        .collect();
    paths.sort();
    for p in paths {
        let text = matcher::read_text(&p).unwrap();
        let bytes = std::fs::metadata(&p).unwrap().len() as usize;
        out.push((
            p.file_stem().unwrap().to_string_lossy().into_owned(),
            text,
            bytes,
        ));
    }
    out
}

fn tokenization(c: &mut Criterion) {
    let analyzer = Analyzer::new();
    let texts = profiles();
    let mut g = c.benchmark_group("tokenize");
    for (label, pick) in [("zh", "zh-"), ("en", "en-"), ("all", "")] {
        let chosen: Vec<&str> = texts
            .iter()
            .filter(|(id, _, _)| id.starts_with(pick))
            .map(|(_, t, _)| t.text.as_str())
            .collect();
        let bytes: usize = chosen.iter().map(|t| t.len()).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(label, |b| {
            b.iter(|| {
                let mut n = 0usize;
                for t in &chosen {
                    analyzer.for_each_term(t, |_, _| n += 1);
                }
                n
            })
        });
    }
    g.finish();
}

fn extraction(c: &mut Criterion) {
    let lexicon = Lexicon::builtin();
    let texts = profiles();
    let bytes: usize = texts.iter().map(|(_, _, b)| b).sum();
    let mut g = c.benchmark_group("extract");
    for (unit, throughput) in [
        ("profiles", Throughput::Elements(texts.len() as u64)),
        ("bytes", Throughput::Bytes(bytes as u64)),
    ] {
        g.throughput(throughput);
        g.bench_function(unit, |b| {
            b.iter(|| {
                texts
                    .iter()
                    .map(|(id, t, _)| {
                        Profile::parse(id.as_str(), t.clone(), &lexicon)
                            .skills
                            .len()
                    })
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

/// `copies` copies of the bundled profiles under distinct ids, in a scratch directory.
fn replicated(copies: usize) -> (tempfile::TempDir, usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = 0;
    for entry in std::fs::read_dir(corpus_dir().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("README.md") {
            continue;
        }
        let content = std::fs::read(&path).unwrap();
        let ext = path
            .extension()
            .map_or(String::new(), |e| format!(".{}", e.to_string_lossy()));
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        for i in 0..copies {
            let shard = dir.path().join(format!("{:03}", i % 100));
            std::fs::create_dir_all(&shard).unwrap();
            std::fs::write(shard.join(format!("{stem}-{i}{ext}")), &content).unwrap();
            bytes += content.len();
        }
    }
    (dir, bytes)
}

fn indexing(c: &mut Criterion) {
    let (files, bytes) = replicated(25); // 975 profiles
    let profiles = 25 * (profiles().len());
    let mut g = c.benchmark_group("index");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    for (unit, throughput) in [
        ("profiles", Throughput::Elements(profiles as u64)),
        ("bytes", Throughput::Bytes(bytes as u64)),
    ] {
        g.throughput(throughput);
        g.bench_function(BenchmarkId::new("fresh", unit), |b| {
            b.iter_with_setup(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    let m = Matcher::builder()
                        .index_dir(dir.path().join("index"))
                        .build()
                        .unwrap();
                    (dir, m)
                },
                |(_dir, m)| {
                    let r = m.index(&[files.path()], &IndexOptions::default()).unwrap();
                    assert_eq!(r.indexed, profiles);
                },
            )
        });
    }
    g.finish();
}

/// An engine on `MATCHER_BENCH_INDEX`, or on a fresh index of the bundled profiles
/// replicated to about 2,000; and the jobs to rank (`MATCHER_BENCH_JOBS`, or the bundled).
fn engine() -> (Option<tempfile::TempDir>, Matcher, Vec<Job>) {
    let jobs_dir = std::env::var_os("MATCHER_BENCH_JOBS")
        .map(PathBuf::from)
        .unwrap_or_else(|| corpus_dir().join("jobs"));
    if let Some(index) = std::env::var_os("MATCHER_BENCH_INDEX") {
        let m = Matcher::builder().index_dir(index).build().unwrap();
        let (jobs, _) = m.read_jobs(&[&jobs_dir]);
        return (None, m, jobs);
    }
    let (files, _) = replicated(50);
    let dir = tempfile::tempdir().unwrap();
    let m = Matcher::builder()
        .index_dir(dir.path().join("index"))
        .build()
        .unwrap();
    m.index(&[files.path()], &IndexOptions::default()).unwrap();
    let (jobs, _) = m.read_jobs(&[&jobs_dir]);
    (Some(dir), m, jobs)
}

fn querying(c: &mut Criterion) {
    let (_dir, m, jobs) = engine();
    let options = RankOptions::default();
    let mut g = c.benchmark_group("query");
    // One job at a time, as a recruiter's request: parse-free (jobs are parsed once), BM25
    // top-N, features and explanations for the top results.
    g.bench_function("single", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % jobs.len();
            m.rank(&jobs[i], &options).unwrap().results.len()
        })
    });
    g.throughput(Throughput::Elements(jobs.len() as u64));
    g.bench_function("batch", |b| {
        b.iter(|| {
            let mut n = 0;
            m.rank_streaming(&jobs, &options, |_, r| {
                n += r.unwrap().results.len();
                true
            });
            n
        })
    });
    g.finish();
}

criterion_group!(benches, tokenization, extraction, indexing, querying);
criterion_main!(benches);
