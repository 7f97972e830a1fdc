//! What fitting the weights (scripts/fit_weights.py) relies on, through the real binary
//! on the bundled corpus.
//!
//! Properties checked:
//! 1. Every result's score is recomputed from its explanation alone — each feature's
//!    value, trust and whether it is gated, and the gate's evidence — under the weights
//!    it was ranked with: `gate = clamp(evidence / text_gate, 0, 1)` matches the
//!    explanation's gate, and `100 × Σ w·trust·(gate if gated)·v / Σ_{applies} w·trust`
//!    its score.
//! 2. The same explanations, recomputed under other weights, another text gate and
//!    another share of BM25 at a title-only job (its trust there is `title_bm25`),
//!    give the scores the engine gives when it ranks with those weights: values and
//!    evidence do not depend on the weights, nor trust but through title_bm25, so one
//!    dump serves every weight vector.

mod common;

use std::collections::BTreeMap;

use common::{ok, workspace};
use serde_json::Value;

/// Weights as a fitting script would try them: every feature's weight, the gate, and
/// BM25's share at a title-only job.
struct Trial {
    weights: BTreeMap<String, f64>,
    text_gate: f64,
    title_bm25: f64,
}

impl Trial {
    fn toml(&self) -> String {
        let mut s: String = self
            .weights
            .iter()
            .map(|(k, v)| format!("{k} = {v}\n"))
            .collect();
        s.push_str(&format!("text_gate = {}\n", self.text_gate));
        s.push_str(&format!("title_bm25 = {}\n", self.title_bm25));
        s
    }

    /// The score of `result` under these weights, from its explanation.
    fn score(&self, result: &Value) -> (f64, f64) {
        let e = &result["explanation"];
        let evidence = e["evidence"].as_f64().unwrap();
        let gate = if self.text_gate > 0.0 && self.weights["bm25"] > 0.0 {
            (evidence / self.text_gate).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let (mut num, mut den) = (0.0, 0.0);
        for f in e["features"].as_array().unwrap() {
            let Some(v) = f["value"].as_f64() else {
                continue;
            };
            let name = f["name"].as_str().unwrap();
            // BM25's trust is below 1 only at a title-only job, where it is title_bm25.
            let trust = match f["trust"].as_f64().unwrap() {
                t if name == "bm25" && t < 1.0 => self.title_bm25,
                t => t,
            };
            let w = self.weights[name] * trust;
            den += w;
            num += if f["gated"].as_bool().unwrap() {
                w * gate
            } else {
                w
            } * v;
        }
        let score = if den > 0.0 { 100.0 * num / den } else { 0.0 };
        (score, gate)
    }
}

/// job id → profile id → result, for every bundled job ranked with `toml`.
fn rank_all(dir: &std::path::Path, toml: &str) -> BTreeMap<String, BTreeMap<String, Value>> {
    std::fs::write(dir.join("w.toml"), toml).unwrap();
    let out = ok(
        dir,
        &[
            "--weights",
            "w.toml",
            "rank",
            "--top",
            "100",
            "--format",
            "jsonl",
            "corpus/jobs",
            "titles",
        ],
    );
    out.lines()
        .map(|line| {
            let r: Value = serde_json::from_str(line).unwrap();
            let results = r["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| (m["id"].as_str().unwrap().to_string(), m.clone()))
                .collect();
            (r["job_id"].as_str().unwrap().to_string(), results)
        })
        .collect()
}

fn defaults() -> Trial {
    let w = matcher::Weights::default();
    let names = [
        "bm25",
        "required_skills",
        "preferred_skills",
        "related_skills",
        "title",
        "years",
        "education",
        "location",
        "semantic",
        "semantic_title",
    ];
    Trial {
        weights: names
            .iter()
            .map(|n| (n.to_string(), f64::from(w.get(n))))
            .collect(),
        text_gate: f64::from(w.text_gate),
        title_bm25: f64::from(w.title_bm25),
    }
}

#[test]
fn scores_recompute_from_their_explanations() {
    let ws = workspace();
    ok(ws.path(), &["index", "corpus/profiles"]);
    // Beside the bundled postings, jobs that are a title alone (BM25 counts title_bm25
    // of its weight there).
    let titles = ws.path().join("titles");
    std::fs::create_dir(&titles).unwrap();
    std::fs::write(titles.join("t-backend.txt"), "Backend engineer\n").unwrap();
    std::fs::write(titles.join("t-analyst.txt"), "数据分析师\n").unwrap();
    let base = defaults();
    let dumped = rank_all(ws.path(), &base.toml());
    let mut other = defaults();
    for (name, w) in [
        ("bm25", 0.2),
        ("required_skills", 0.4),
        ("title", 0.25),
        ("education", 0.01),
        ("semantic", 0.15),
    ] {
        other.weights.insert(name.to_string(), w);
    }
    other.text_gate = 0.6;
    other.title_bm25 = 0.3;
    let ranked = rank_all(ws.path(), &other.toml());
    let (mut checked, mut below_gate, mut title_only) = (0, 0, 0);
    for (job, results) in &dumped {
        for (id, r) in results {
            // 1. Under the weights it was ranked with.
            let (score, gate) = base.score(r);
            let engine = r["score"].as_f64().unwrap();
            assert!(
                (score - engine).abs() < 1e-3,
                "{job} {id}: {score} ≠ {engine}"
            );
            let shown = r["explanation"]["gate"].as_f64().unwrap();
            assert!(
                (gate - shown).abs() < 1e-6,
                "{job} {id}: gate {gate} ≠ {shown}"
            );
            // 2. Under others, against the engine ranking with them.
            let (score, gate) = other.score(r);
            let engine = ranked[job][id]["score"].as_f64().unwrap();
            assert!(
                (score - engine).abs() < 1e-3,
                "{job} {id}: recomputed {score} ≠ the engine's {engine} with other weights"
            );
            below_gate += usize::from(gate < 1.0);
            title_only += usize::from(
                r["explanation"]["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["name"] == "bm25" && f["trust"].as_f64().unwrap() < 1.0),
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} results checked");
    assert!(
        below_gate > 0,
        "no result fell below the gate: the test shows nothing"
    );
    assert!(
        title_only > 0,
        "no result of a title-only job: title_bm25 is not exercised"
    );
}
