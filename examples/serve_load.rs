//! Load and crash driver for `matcher serve` (loopback only, bounded in count and time).
//!
//! ```text
//! serve_load match --base http://127.0.0.1:7700 --jobs DIR [--clients 32] [--seconds 30]
//!                  [--upsert-share 0.05 --profiles DIR]
//! serve_load crash --bin target/release/matcher --index DIR --profiles DIR [--kills 20]
//! ```
//!
//! `match`: `--clients` closed-loop clients post the jobs of DIR (in turn) to
//! `/v1/match?top=10` for `--seconds`; with `--upsert-share`, that share of requests are
//! instead PUTs of the résumés of `--profiles` (replacing the profile of the same id).
//! Prints one JSON line: requests, errors, req/s and p50/p90/p99/max latency per kind.
//!
//! `crash`: starts the server on the index, streams upserts from 4 clients, SIGKILLs it
//! at `--kills` different moments (0.5 s to 3.3 s of writing), restarts it each time and
//! checks that every acknowledged profile is there (GET each) and the index opens.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn files(dir: &Path, limit: usize) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries.into_iter().rev() {
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
        if out.len() >= limit {
            break;
        }
    }
    out.sort();
    out.truncate(limit);
    out
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()) {
        Some("md") => "text/markdown",
        Some("html") | Some("htm") => "text/html",
        Some("json") => "application/json",
        _ => "text/plain",
    }
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i]
}

fn summary(name: &str, mut ms: Vec<f64>, errors: usize, seconds: f64) -> String {
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    format!(
        "\"{name}\": {{\"requests\": {}, \"errors\": {errors}, \"per_s\": {:.1}, \"p50_ms\": {:.1}, \"p90_ms\": {:.1}, \"p99_ms\": {:.1}, \"max_ms\": {:.1}}}",
        ms.len(),
        ms.len() as f64 / seconds,
        percentile(&ms, 0.5),
        percentile(&ms, 0.9),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(0.0)
    )
}

/// Match latencies (ms) and errors, upsert latencies and errors.
type Tally = (Vec<f64>, usize, Vec<f64>, usize);

fn load(args: &[String]) {
    let base = arg(args, "--base").unwrap_or_else(|| "http://127.0.0.1:7700".into());
    assert!(
        base.starts_with("http://127.0.0.1") || base.starts_with("http://localhost"),
        "loopback only"
    );
    let jobs_dir = PathBuf::from(arg(args, "--jobs").expect("--jobs DIR"));
    let clients: usize = arg(args, "--clients").map_or(32, |v| v.parse().unwrap());
    let seconds: f64 = arg(args, "--seconds").map_or(30.0, |v| v.parse().unwrap());
    let seconds = seconds.min(600.0);
    let share: f64 = arg(args, "--upsert-share").map_or(0.0, |v| v.parse().unwrap());
    let jobs: Arc<Vec<(Vec<u8>, &str)>> = Arc::new(
        files(&jobs_dir, 1000)
            .iter()
            .map(|p| (std::fs::read(p).unwrap(), content_type(p)))
            .collect(),
    );
    let profiles: Arc<Vec<(String, Vec<u8>, &str)>> = Arc::new(match arg(args, "--profiles") {
        Some(dir) if share > 0.0 => {
            let dir = PathBuf::from(dir);
            files(&dir, 4000)
                .iter()
                .map(|p| {
                    let id = p.strip_prefix(&dir).unwrap().with_extension("");
                    (
                        id.to_string_lossy().into_owned(),
                        std::fs::read(p).unwrap(),
                        content_type(p),
                    )
                })
                .collect()
        }
        _ => Vec::new(),
    });
    assert!(
        share == 0.0 || !profiles.is_empty(),
        "--upsert-share needs --profiles"
    );
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let results: Arc<Mutex<Tally>> = Arc::default();
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (base, jobs, profiles, next, stop, results) = (
                base.clone(),
                Arc::clone(&jobs),
                Arc::clone(&profiles),
                Arc::clone(&next),
                Arc::clone(&stop),
                Arc::clone(&results),
            );
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(60))
                    .build();
                let (mut m, mut me, mut u, mut ue) = (Vec::new(), 0, Vec::new(), 0);
                while !stop.load(Ordering::Relaxed) {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    // Deterministic mix: request n is an upsert when its share slot says so.
                    let upsert = share > 0.0
                        && ((n as f64 * share).floor() != ((n + 1) as f64 * share).floor());
                    let t = Instant::now();
                    let ok = if upsert {
                        let (id, body, ct) = &profiles[n % profiles.len()];
                        agent
                            .put(&format!("{base}/v1/profiles/{id}"))
                            .set("Content-Type", ct)
                            .send_bytes(body)
                            .is_ok()
                    } else {
                        let (body, ct) = &jobs[n % jobs.len()];
                        agent
                            .post(&format!("{base}/v1/match?top=10"))
                            .set("Content-Type", ct)
                            .send_bytes(body)
                            .ok()
                            .is_some_and(|r| r.into_string().is_ok())
                    };
                    let ms = t.elapsed().as_secs_f64() * 1e3;
                    match (upsert, ok) {
                        (true, true) => u.push(ms),
                        (true, false) => ue += 1,
                        (false, true) => m.push(ms),
                        (false, false) => me += 1,
                    }
                }
                let mut r = results.lock().unwrap();
                r.0.extend(m);
                r.1 += me;
                r.2.extend(u);
                r.3 += ue;
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let r = std::mem::take(&mut *results.lock().unwrap());
    let mut parts = vec![format!("\"clients\": {clients}, \"seconds\": {elapsed:.1}")];
    parts.push(summary("match", r.0, r.1, elapsed));
    if share > 0.0 {
        parts.push(summary("upsert", r.2, r.3, elapsed));
    }
    println!("{{{}}}", parts.join(", "));
}

struct Server(Child, String);

fn start(bin: &Path, index: &Path) -> Server {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(bin)
        .arg("--index")
        .arg(index)
        .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("starting the server");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .unwrap();
        if let Some(addr) = line.strip_prefix("matcher: listening on ") {
            break addr.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Server(child, base)
}

fn crash(args: &[String]) {
    let bin = PathBuf::from(arg(args, "--bin").unwrap_or_else(|| "target/release/matcher".into()));
    let index = PathBuf::from(arg(args, "--index").expect("--index DIR"));
    let dir = PathBuf::from(arg(args, "--profiles").expect("--profiles DIR"));
    let kills: usize = arg(args, "--kills").map_or(20, |v| v.parse().unwrap());
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new(
        files(&dir, 2000)
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect(),
    );
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut restart_ms = Vec::new();
    for round in 0..kills.min(100) {
        let t = Instant::now();
        let Server(mut child, base) = start(&bin, &index);
        let health = ureq::get(&format!("{base}/v1/health")).call();
        assert!(health.is_ok(), "round {round}: the index does not open");
        restart_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let threads: Vec<_> = (0..4usize)
            .map(|c| {
                let (base, acked, bodies) = (base.clone(), Arc::clone(&acked), Arc::clone(&bodies));
                std::thread::spawn(move || {
                    let agent = ureq::agent();
                    for i in 0.. {
                        let id = format!("crash/{round}-{c}-{i}");
                        let body = &bodies[(round * 7919 + c * 104_729 + i) % bodies.len()];
                        match agent
                            .put(&format!("{base}/v1/profiles/{id}"))
                            .set("Content-Type", "text/markdown")
                            .send_bytes(body)
                        {
                            Ok(r) if r.status() == 201 => acked.lock().unwrap().push(id),
                            Ok(r) => panic!("unexpected {} for {id}", r.status()),
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500 + 149 * round as u64));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        for t in threads {
            t.join().unwrap();
        }
        eprintln!(
            "round {}: killed; {} acknowledged so far",
            round + 1,
            acked.lock().unwrap().len()
        );
    }
    let Server(mut child, base) = start(&bin, &index);
    let acked = acked.lock().unwrap().clone();
    let agent = ureq::agent();
    let lost: Vec<&String> = acked
        .iter()
        .filter(|id| {
            agent
                .get(&format!("{base}/v1/profiles/{id}"))
                .call()
                .is_err()
        })
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    restart_ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "{{\"kills\": {kills}, \"acknowledged\": {}, \"lost\": {}, \"restart_to_healthy_ms_median\": {:.0}}}",
        acked.len(),
        lost.len(),
        percentile(&restart_ms, 0.5)
    );
    if !lost.is_empty() {
        eprintln!("lost: {:?}", &lost[..lost.len().min(10)]);
        std::process::exit(1);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("match") => load(&args),
        Some("crash") => crash(&args),
        _ => {
            eprintln!("usage: serve_load match|crash … (see the file's header)");
            std::process::exit(2);
        }
    }
}
