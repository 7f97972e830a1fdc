//! Matching by meaning, across languages, through the real binary, with the default
//! weights (the fitted ones of `data/weights-semantic.toml`, semantic layer on).
//!
//! Properties checked:
//! 1. A Chinese posting (云原生后端开发工程师: Kubernetes, Kafka/RocketMQ, MySQL, HBase
//!    优先) ranks the English seed, which quotes every one of those skills, above the
//!    Chinese seed, which has none; its explanation quotes the evidence.
//! 2. The mirror case: an English payments-backend posting ranks the Chinese backend
//!    engineer whose résumé quotes Kafka, RocketMQ, Kubernetes, MySQL 分库分表, Redis and
//!    计算机科学与技术 first, above an English PHP/WordPress developer with none of them,
//!    and reads the Chinese degree as the required computer science.
//! 3. A required skill found in either language counts the same: the Chinese résumé and
//!    its English twin get the same required-skill coverage for the English posting, and
//!    the same matched skills.
//! 4. A profile that shares no word with the job is found by meaning alone (the
//!    nearest-neighbour candidates), and only then: with `--no-semantic` or
//!    `--embed-tokens 0` it is not among the results. The explanation shows the title
//!    similarity line.
//! 5. The vectors live in the index: after reopening, re-indexing unchanged files, an
//!    update of another file, `--prune` of a deleted file and `--rebuild`, the same
//!    profile is still found by meaning with the same score; a deleted profile is never
//!    returned by the nearest-neighbour search.
//! 6. Feedback by meaning moves the job's text toward its nearest profiles and leaves
//!    its title alone: the nurse, the job's nearest profile, is nearer the moved text
//!    than the job's own (`--no-dense-feedback`), and her title similarity is the same
//!    either way.

mod common;

use std::path::Path;

use common::{ok, project, run};
use serde_json::Value;

/// A scratch folder with `profiles/` holding the given files, copied.
fn profiles(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("profiles");
    std::fs::create_dir_all(&to).unwrap();
    for f in files {
        let from = project().join(f);
        std::fs::copy(&from, to.join(from.file_name().unwrap())).unwrap();
    }
    dir
}

const SEEDS: [&str; 2] = [
    "corpus/profiles/en-cloud-iot-architect.md",
    "corpus/profiles/zh-im-platform-lead.html",
];

fn query_json(dir: &Path, extra: &[&str], job: &str) -> Vec<Value> {
    let job = project().join(job);
    let mut args = vec!["query", "--top", "10", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(job.to_str().unwrap());
    let out: Value = serde_json::from_str(&ok(dir, &args)).unwrap();
    out["results"].as_array().unwrap().clone()
}

fn ids(results: &[Value]) -> Vec<String> {
    results
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn feature(result: &Value, name: &str) -> f64 {
    result["explanation"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .and_then(|f| f["value"].as_f64())
        .unwrap_or_else(|| panic!("no {name} in {result}"))
}

fn matched(result: &Value) -> Vec<String> {
    result["explanation"]["matched_required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["skill"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_chinese_posting_ranks_the_english_seed_with_its_skills_above_the_chinese_seed() {
    let mut files = SEEDS.to_vec();
    files.extend([
        "tests/data/xling/profiles/en-wordpress-developer.md",
        "tests/data/xling/profiles/zh-payments-backend.md",
    ]);
    let dir = profiles(&files);
    ok(dir.path(), &["index", "profiles"]);
    let results = query_json(
        dir.path(),
        &[],
        "tests/data/xling/jobs/zh-cloud-native-backend.md",
    );
    let order = ids(&results);
    let pos = |id: &str| order.iter().position(|x| x == id).unwrap();
    assert!(
        pos("en-cloud-iot-architect") < pos("zh-im-platform-lead"),
        "{order:?}"
    );
    let en = &results[pos("en-cloud-iot-architect")];
    let quoted = &en["explanation"]["matched_required"];
    for skill in ["Kubernetes", "Kafka", "RocketMQ", "MySQL"] {
        let e = quoted
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["skill"] == skill)
            .unwrap_or_else(|| panic!("{skill} not matched: {quoted}"));
        assert!(!e["quote"].as_str().unwrap().is_empty(), "{e}");
    }
    // The table says so too, with the quote.
    let job = project().join("tests/data/xling/jobs/zh-cloud-native-backend.md");
    let table = ok(dir.path(), &["query", "--explain", job.to_str().unwrap()]);
    assert!(table.contains("✓ required  Kubernetes"), "{table}");
    assert!(table.contains("k8s"), "{table}");
}

#[test]
fn an_english_posting_ranks_the_chinese_engineer_with_its_skills_first() {
    let mut files = SEEDS.to_vec();
    files.extend([
        "tests/data/xling/profiles/en-wordpress-developer.md",
        "tests/data/xling/profiles/zh-payments-backend.md",
    ]);
    let dir = profiles(&files);
    ok(dir.path(), &["index", "profiles"]);
    let results = query_json(
        dir.path(),
        &[],
        "tests/data/xling/jobs/en-payments-backend.md",
    );
    let order = ids(&results);
    assert_eq!(order[0], "zh-payments-backend", "{order:?}");
    let pos = |id: &str| order.iter().position(|x| x == id).unwrap();
    assert!(pos("zh-payments-backend") < pos("en-wordpress-developer"));
    let got = matched(&results[0]);
    for skill in [
        "Kafka",
        "RocketMQ",
        "Kubernetes",
        "MySQL",
        "Redis",
        "computer science",
    ] {
        assert!(got.iter().any(|s| s == skill), "{skill} not in {got:?}");
    }
    assert!(
        results[0]["explanation"]["missing_required"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{}",
        results[0]["explanation"]
    );
}

#[test]
fn a_required_skill_counts_the_same_in_either_language() {
    let dir = profiles(&[
        "tests/data/xling/profiles/zh-payments-backend.md",
        "tests/data/xling/profiles/en-payments-backend.md",
        "tests/data/xling/profiles/en-wordpress-developer.md",
    ]);
    ok(dir.path(), &["index", "profiles"]);
    let results = query_json(
        dir.path(),
        &[],
        "tests/data/xling/jobs/en-payments-backend.md",
    );
    let by_id = |id: &str| results.iter().find(|r| r["id"] == id).unwrap();
    let (zh, en) = (by_id("zh-payments-backend"), by_id("en-payments-backend"));
    assert_eq!(
        feature(zh, "required_skills"),
        feature(en, "required_skills")
    );
    let (mut a, mut b) = (matched(zh), matched(en));
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(feature(zh, "required_skills"), 1.0);
}

/// The index and job of properties 4 and 5: a Chinese ward nurse among the bundled
/// profiles, an English posting for one, searched with the title feature off so that
/// the occupations (which read 注册护士 as a nurse) cannot find her — only meaning can.
fn nurse_workspace() -> tempfile::TempDir {
    let dir = common::workspace();
    std::fs::copy(
        project().join("tests/data/semantic/profiles/zh-ward-nurse.txt"),
        dir.path().join("corpus/profiles/zh-ward-nurse.txt"),
    )
    .unwrap();
    std::fs::write(dir.path().join("w.toml"), "title = 0\n").unwrap();
    dir
}

const NURSE_JOB: &str = "tests/data/semantic/jobs/en-registered-nurse.txt";

fn nurse(dir: &Path, extra: &[&str]) -> Option<Value> {
    let mut args = vec!["--weights", "w.toml"];
    args.extend_from_slice(extra);
    query_json(dir, &args, NURSE_JOB)
        .into_iter()
        .find(|r| r["id"] == "zh-ward-nurse")
}

#[test]
fn a_profile_sharing_no_word_with_the_job_is_found_by_meaning_only() {
    let dir = nurse_workspace();
    ok(dir.path(), &["index", "corpus/profiles"]);
    let found = nurse(dir.path(), &[]).expect("the nurse is found by meaning");
    assert_eq!(found["bm25"].as_f64(), Some(0.0), "{found}");
    assert!(feature(&found, "semantic") > 0.0, "{found}");
    assert!(nurse(dir.path(), &["--no-semantic"]).is_none());
    let job = project().join(NURSE_JOB);
    let table = ok(
        dir.path(),
        &[
            "--weights",
            "w.toml",
            "query",
            "--explain",
            job.to_str().unwrap(),
        ],
    );
    assert!(table.contains("title ≈ \"注册护士\""), "{table}");

    // Without vectors in the index, nothing finds her.
    let bare = nurse_workspace();
    ok(
        bare.path(),
        &["--embed-tokens", "0", "index", "corpus/profiles"],
    );
    assert!(nurse(bare.path(), &[]).is_none());
}

#[test]
fn feedback_by_meaning_moves_the_text_and_keeps_the_title() {
    let dir = nurse_workspace();
    ok(dir.path(), &["index", "corpus/profiles"]);
    let with = nurse(dir.path(), &[]).expect("found with feedback");
    let without = nurse(dir.path(), &["--no-dense-feedback"]).expect("found without");
    assert!(
        feature(&with, "semantic") > feature(&without, "semantic") + 0.01,
        "{with}\n{without}"
    );
    assert_eq!(
        feature(&with, "semantic_title"),
        feature(&without, "semantic_title")
    );
}

#[test]
fn vectors_survive_reopen_update_prune_and_rebuild() {
    let dir = nurse_workspace();
    ok(dir.path(), &["index", "corpus/profiles"]);
    let first = nurse(dir.path(), &[]).expect("found");
    let same = |label: &str, dir: &Path| {
        let again = nurse(dir, &[]).unwrap_or_else(|| panic!("{label}: not found"));
        assert_eq!(again["score"], first["score"], "{label}");
    };
    same("reopened", dir.path());
    ok(dir.path(), &["index", "corpus/profiles"]);
    same("re-indexed unchanged", dir.path());
    let other = dir.path().join("corpus/profiles/en-ux-designer.md");
    let text = std::fs::read_to_string(&other).unwrap();
    std::fs::write(&other, format!("{text}\nAlso sketches by hand.\n")).unwrap();
    ok(dir.path(), &["index", "corpus/profiles"]);
    same("after an update", dir.path());
    std::fs::remove_file(dir.path().join("corpus/profiles/en-cfo.html")).unwrap();
    ok(dir.path(), &["index", "--prune", "corpus/profiles"]);
    same("after a prune", dir.path());
    ok(dir.path(), &["index", "--rebuild", "corpus/profiles"]);
    same("after a rebuild", dir.path());

    // Deleted: gone from the nearest-neighbour candidates too.
    std::fs::remove_file(dir.path().join("corpus/profiles/zh-ward-nurse.txt")).unwrap();
    let o = run(dir.path(), &["index", "--prune", "corpus/profiles"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(nurse(dir.path(), &[]).is_none());
}
