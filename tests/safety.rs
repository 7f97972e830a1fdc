//! The index survives what happens to real processes.
//!
//! Properties checked:
//! 1. A second writer gets "index is locked by another process" (exit 2) and changes
//!    nothing; the first writer's lock is released when it ends.
//! 2. Killing `matcher index` (SIGKILL) at twenty different moments never corrupts the
//!    index: after each kill the previous state is searchable, and the next run completes
//!    the work.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

#[test]
fn a_second_writer_is_refused_while_the_first_holds_the_lock() {
    let ws = workspace();
    ok(ws.path(), &["index", "corpus/profiles"]);
    let index = tantivy::Index::open_in_dir(ws.path().join("index")).unwrap();
    let writer: tantivy::IndexWriter = index.writer(50_000_000).unwrap();
    let o = run(ws.path(), &["index", "--rebuild", "corpus/profiles"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("index is locked by another process"),
        "{}",
        stderr(&o)
    );
    drop(writer);
    // Nothing was lost, and the lock is free again.
    let out = ok(
        ws.path(),
        &[
            "query",
            "--format",
            "trec",
            "corpus/jobs/en-cloud-iot-architect.md",
        ],
    );
    assert!(
        out.starts_with("en-cloud-iot-architect Q0 en-cloud-iot-architect 1 "),
        "{out}"
    );
    ok(ws.path(), &["index", "corpus/profiles"]);
}

#[test]
fn killing_the_indexer_never_loses_the_index() {
    let ws = workspace();
    ok(ws.path(), &["index", "corpus/profiles"]);
    // A bigger corpus: the bundled profiles and 40 variants of each under other ids.
    let big = ws.path().join("big");
    std::fs::create_dir_all(&big).unwrap();
    let mut total = 0;
    for entry in std::fs::read_dir(ws.path().join("corpus/profiles")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        let text = std::fs::read(&path).unwrap();
        std::fs::write(big.join(&name), &text).unwrap();
        total += 1;
        for i in 0..40 {
            let mut variant = text.clone();
            variant.extend_from_slice(format!("\nvariant {i}\n").as_bytes());
            std::fs::write(big.join(format!("v{i:02}-{name}")), variant).unwrap();
            total += 1;
        }
    }
    let index = ws.path().join("index");
    for round in 0..20u64 {
        let mut child = Command::new(BIN)
            .current_dir(ws.path())
            .args([
                "--index",
                index.to_str().unwrap(),
                "index",
                big.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread the kills over start-up, parsing, indexing and commit.
        std::thread::sleep(Duration::from_millis(30 + round * 45));
        let _ = child.kill();
        let _ = child.wait();
        let out = ok(
            ws.path(),
            &[
                "query",
                "--format",
                "trec",
                "corpus/jobs/en-cloud-iot-architect.md",
            ],
        );
        let first = out
            .lines()
            .next()
            .unwrap_or_default()
            .split(' ')
            .nth(2)
            .unwrap_or_default()
            .to_string();
        assert!(
            first.ends_with("en-cloud-iot-architect"),
            "round {round}: index unusable or wrong: {out}"
        );
    }
    let out = ok(ws.path(), &["index", big.to_str().unwrap()]);
    let counts: Vec<usize> = out
        .split(", ")
        .take(3)
        .map(|part| part.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(counts.iter().sum::<usize>(), total, "{out}");
    assert!(out.contains("failed 0"), "{out}");
}
