//! Cost of the multilingual sentence encoder (`src/embed/`).
//!
//! `cargo bench --bench encoder` runs three criterion benchmarks: one short sentence,
//! a batch of 64 job titles, and one 1,000-token résumé (the first 1,000 tokens of the
//! bundled profiles, end to end).
//!
//! `scripts/encoder_bench.sh` drives the same binary in plain modes, chosen by the
//! `ENCODER_BENCH` variable, to compare with the numpy reference on the same texts:
//! - `dump`: prints the text sets (job titles, résumé paragraphs, whole résumés) as
//!   JSON, so that Rust and Python encode exactly the same strings;
//! - `compare`: encodes each set of `ENCODER_BENCH_SETS` (that JSON) `ENCODER_BENCH_REPS`
//!   times (default 5) in one thread, prints the median seconds per set as JSON, and
//!   the mean CPU seconds (what one free core would take);
//! - `load`: the time of `Encoder::builtin()` (and of a first encode) in this fresh
//!   process;
//! - `profiles`: what encoding costs per profile for the integrators: tokens per
//!   résumé and per job, and the time of encoding (a) headline + titles, (b) the first
//!   128 / 256 tokens, (c) the whole text split in paragraphs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use matcher::{EMBED_MAX_TOKENS, Encoder, Lexicon, Profile};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Flattened texts of the files of `corpus/<dir>`, sorted by name.
fn corpus(dir: &str) -> Vec<(String, matcher::Text)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("corpus").join(dir))
        .expect("corpus directory")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| !p.ends_with("README.md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let id = p
                .file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            (id, matcher::read_text(p).expect("corpus file"))
        })
        .collect()
}

/// The first `limit` job titles of the title taxonomy (canonical names and aliases).
fn titles(limit: usize) -> Vec<String> {
    let tsv = std::fs::read_to_string(root().join("data/taxonomy/titles.tsv")).expect("titles");
    let mut out = Vec::new();
    for line in tsv.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let mut cols = line.split('\t');
        out.extend(cols.next().map(str::to_owned));
        out.extend(
            cols.nth(1)
                .into_iter()
                .flat_map(|a| a.split('|').map(str::to_owned)),
        );
    }
    out.retain(|t| !t.is_empty());
    out.truncate(limit);
    out
}

/// The non-empty lines of a text: its paragraphs, as a flattened résumé lays them out.
fn paragraphs(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The longest prefix of `text` (at a character boundary) of at most `n` tokens.
fn first_tokens(enc: &Encoder, text: &str, n: usize) -> String {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let (mut lo, mut hi) = (0, bounds.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if enc.tokenize(&text[..bounds[mid]]).len() <= n {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    text[..bounds[lo]].to_owned()
}

/// CPU seconds this thread has used (`/proc/thread-self/stat`, utime + stime at 100
/// ticks a second): on a shared machine, wall time also counts the time others hold the
/// core; CPU time is what one core would take alone.
fn thread_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median seconds of `reps` runs of `f`.
fn time(reps: usize, mut f: impl FnMut()) -> f64 {
    f();
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn dump() {
    let profiles = corpus("profiles");
    let enc = Encoder::builtin();
    let paras: Vec<&str> = profiles
        .iter()
        .flat_map(|(_, t)| paragraphs(&t.text))
        .collect();
    // Whole résumés the reference encodes the same way: within MAX_TOKENS.
    let resumes: Vec<&str> = profiles
        .iter()
        .map(|(_, t)| t.text.as_str())
        .filter(|t| enc.tokenize(t).len() < EMBED_MAX_TOKENS)
        .collect();
    let sets = serde_json::json!({
        "titles": titles(2000),
        "paragraphs": paras,
        "resumes": resumes,
    });
    println!("{sets}");
}

fn compare() {
    let path = std::env::var("ENCODER_BENCH_SETS").expect("ENCODER_BENCH_SETS");
    let reps: usize = std::env::var("ENCODER_BENCH_REPS").map_or(5, |r| r.parse().expect("reps"));
    let sets: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("sets file")).expect("json");
    let enc = Encoder::builtin();
    let mut out = serde_json::Map::new();
    for (name, texts) in &sets {
        let texts: Vec<&str> = texts
            .as_array()
            .expect("a list of texts")
            .iter()
            .map(|t| t.as_str().expect("a text"))
            .collect();
        let tokens: usize = texts.iter().map(|t| enc.tokenize(t).len()).sum();
        let cpu = thread_cpu();
        let secs = time(reps, || {
            std::hint::black_box(enc.encode_batch(&texts));
        });
        let cpu = (thread_cpu() - cpu) / (reps + 1) as f64;
        let tok_secs = time(reps, || {
            for t in &texts {
                std::hint::black_box(enc.tokenize(t));
            }
        });
        out.insert(
            name.clone(),
            serde_json::json!({"texts": texts.len(), "tokens": tokens, "seconds": secs,
                               "cpu_seconds": cpu, "tokenize_seconds": tok_secs}),
        );
    }
    println!("{}", serde_json::Value::Object(out));
}

fn load() {
    let cpu = thread_cpu();
    let t = Instant::now();
    let enc = Encoder::builtin();
    let load = t.elapsed().as_secs_f64();
    let t = Instant::now();
    std::hint::black_box(enc.encode("后端开发工程师"));
    let first = t.elapsed().as_secs_f64();
    let cpu = thread_cpu() - cpu;
    println!(
        "{}",
        serde_json::json!({"load_seconds": load, "first_encode_seconds": first,
                           "cpu_seconds": cpu, "version": enc.version()})
    );
}

fn profiles() {
    let enc = Encoder::builtin();
    let lexicon = Lexicon::builtin();
    let reps = 5;
    let mut rows = Vec::new();
    let (mut tok_profiles, mut tok_jobs) = (Vec::new(), Vec::new());
    let (mut a, mut b128, mut b256, mut c) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut a_tok, mut c_tok, mut c_para) = (Vec::new(), Vec::new(), Vec::new());
    for (id, text) in corpus("profiles") {
        let whole = text.text.clone();
        tok_profiles.push(enc.tokenize(&whole).len() as f64);
        let profile = Profile::parse(id.clone(), text, &lexicon);
        let mut heads: Vec<&str> = profile.headline.iter().map(String::as_str).collect();
        heads.extend(profile.titles.iter().map(String::as_str));
        if heads.is_empty() {
            heads.push("");
        }
        a_tok.push(heads.iter().map(|t| enc.tokenize(t).len()).sum::<usize>() as f64);
        a.push(time(reps, || {
            std::hint::black_box(enc.encode_batch(&heads));
        }));
        let (p128, p256) = (
            first_tokens(enc, &whole, 128),
            first_tokens(enc, &whole, 256),
        );
        b128.push(time(reps, || {
            std::hint::black_box(enc.encode(&p128));
        }));
        b256.push(time(reps, || {
            std::hint::black_box(enc.encode(&p256));
        }));
        let paras = paragraphs(&whole);
        c_para.push(paras.len() as f64);
        c_tok.push(paras.iter().map(|t| enc.tokenize(t).len()).sum::<usize>() as f64);
        c.push(time(reps, || {
            std::hint::black_box(enc.encode_batch(&paras));
        }));
        rows.push(id);
    }
    for (_, text) in corpus("jobs") {
        tok_jobs.push(enc.tokenize(&text.text).len() as f64);
    }
    let stats = |v: &Vec<f64>| {
        let mut s = v.clone();
        s.sort_by(f64::total_cmp);
        serde_json::json!({"median": s[s.len() / 2], "min": s[0], "max": s[s.len() - 1],
                           "mean": s.iter().sum::<f64>() / s.len() as f64})
    };
    let out = serde_json::json!({
        "profiles": rows.len(),
        "tokens_per_profile": stats(&tok_profiles),
        "tokens_per_job": stats(&tok_jobs),
        "a_headline_titles": {"tokens": stats(&a_tok), "seconds": stats(&a)},
        "b_first_128_tokens": {"seconds": stats(&b128)},
        "b_first_256_tokens": {"seconds": stats(&b256)},
        "c_paragraphs": {"paragraphs": stats(&c_para), "tokens": stats(&c_tok),
                         "seconds": stats(&c)},
    });
    println!("{out}");
}

fn criterion_benches() {
    let enc = Encoder::builtin();
    let mut c = Criterion::default()
        .configure_from_args()
        .measurement_time(Duration::from_secs(5));
    let mut g = c.benchmark_group("encoder");

    let short = "云原生后端开发工程师，熟悉Kubernetes和Kafka";
    g.throughput(Throughput::Elements(1));
    g.bench_function("short_sentence", |b| {
        b.iter(|| enc.encode(std::hint::black_box(short)))
    });

    let titles = titles(64);
    let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
    g.throughput(Throughput::Elements(titles.len() as u64));
    g.bench_function("titles_batch_64", |b| b.iter(|| enc.encode_batch(&titles)));

    let all: String = corpus("profiles")
        .iter()
        .map(|(_, t)| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let resume = first_tokens(enc, &all, 1000);
    g.throughput(Throughput::Elements(enc.tokenize(&resume).len() as u64));
    g.bench_function("resume_1000_tokens", |b| b.iter(|| enc.encode(&resume)));
    g.finish();
    c.final_summary();
}

fn main() {
    match std::env::var("ENCODER_BENCH").as_deref() {
        Ok("dump") => dump(),
        Ok("compare") => compare(),
        Ok("load") => load(),
        Ok("profiles") => profiles(),
        Ok(other) => panic!("ENCODER_BENCH={other}: expected dump, compare, load or profiles"),
        Err(_) => criterion_benches(),
    }
}
