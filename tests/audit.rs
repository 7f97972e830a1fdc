//! The bias audit, the audit log and replay, through the real binary.
//!
//! Properties checked:
//! 1. `matcher audit --run` reproduces a small hand-computed example: medians, scoring
//!    and selection rates, impact ratios, four-fifths flags, intersections, unknowns,
//!    pooled over two jobs; and writes the Markdown, JSON and SVG chart.
//! 2. A category under 2 % of the sample is marked small and is not the reference rate.
//! 3. `matcher audit` on the bundled corpus with its synthetic demographics ranks every
//!    job now and reports pooled rates that match a recount from `matcher rank` output.
//! 4. `--audit-log` on `query` and `rank`, from four processes at once, appends one
//!    whole JSON record per ranking, with no name, e-mail, phone or text in it.
//! 5. `matcher replay` reproduces every record byte for byte on the unchanged index
//!    (exit 0); after a profile changes it reports the index change and the ids whose
//!    scores moved (exit 1); with other weights it reports the configuration change.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{BIN, ok, run, stdout, workspace};

/// Job q1: ten candidates scored 10 … 1; q2: five scored 5 … 1 in reverse id order.
const RUN: &str = "\
q1 Q0 c1 1 10 x\nq1 Q0 c2 2 9 x\nq1 Q0 c3 3 8 x\nq1 Q0 c4 4 7 x\nq1 Q0 c5 5 6 x\n\
q1 Q0 c6 6 5 x\nq1 Q0 c7 7 4 x\nq1 Q0 c8 8 3 x\nq1 Q0 c9 9 2 x\nq1 Q0 c10 10 1 x\n\
q2 Q0 c5 1 5 x\nq2 Q0 c4 2 4 x\nq2 Q0 c3 3 3 x\nq2 Q0 c2 4 2 x\nq2 Q0 c1 5 1 x\n";

const DEMOGRAPHICS: &str = "\
id,sex,race\nc1,F,A\nc2,M,B\nc3,F,B\nc4,M,A\nc5,M,A\nc6,F,B\nc7,F,A\nc8,M,B\nc9,F,A\nc10,,A\n";

fn row<'a>(table: &'a serde_json::Value, category: &str) -> &'a serde_json::Value {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category"] == category)
        .unwrap_or_else(|| panic!("no row {category} in {table}"))
}

fn table<'a>(sample: &'a serde_json::Value, dimension: &str) -> &'a serde_json::Value {
    sample["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["dimension"] == dimension)
        .unwrap()
}

fn close(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or(f64::NAN);
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

#[test]
fn impact_ratios_match_the_hand_computation() {
    let w = tempfile::tempdir().unwrap();
    std::fs::write(w.path().join("run.trec"), RUN).unwrap();
    std::fs::write(w.path().join("d.csv"), DEMOGRAPHICS).unwrap();
    let out = ok(
        w.path(),
        &[
            "audit",
            "--run",
            "run.trec",
            "--demographics",
            "d.csv",
            "--shortlist",
            "3",
            "--format",
            "json",
            "--out",
            "report",
        ],
    );
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    let q1 = &r["jobs"][0];
    assert_eq!(q1["job_id"], "q1");
    // q1: median of 1..10 is 5.5; above it c1–c5.
    close(&q1["median"], 5.5);
    let sex = table(q1, "sex");
    // F = c1 c3 c6 c7 c9: 2 of 5 above (c1, c3); M = c2 c4 c5 c8: 3 of 4 (c2, c4, c5).
    let f = row(sex, "F");
    let m = row(sex, "M");
    assert_eq!(
        (f["count"].as_u64(), f["above_median"].as_u64()),
        (Some(5), Some(2))
    );
    assert_eq!(
        (m["count"].as_u64(), m["above_median"].as_u64()),
        (Some(4), Some(3))
    );
    close(&f["scoring_rate"], 0.4);
    close(&m["scoring_rate"], 0.75);
    close(&f["scoring_impact_ratio"], 0.4 / 0.75);
    close(&m["scoring_impact_ratio"], 1.0);
    // Top 3 = c1 c2 c3: F 2/5, M 1/4.
    close(&f["selection_rate"], 0.4);
    close(&m["selection_rate"], 0.25);
    close(&m["selection_impact_ratio"], 0.625);
    assert_eq!(f["flagged"], true);
    assert_eq!(m["flagged"], true);
    // c10 has no sex: counted apart.
    assert_eq!(sex["unknown"], 1);
    // Intersections: F×A = c1 c7 c9 (1 above), F×B = c3 c6 (1), M×A = c4 c5 (2),
    // M×B = c2 c8 (1); c10 is unknown.
    let x = table(q1, "sex × race");
    close(&row(x, "F × A")["scoring_rate"], 1.0 / 3.0);
    close(&row(x, "F × B")["scoring_rate"], 0.5);
    close(&row(x, "M × A")["scoring_rate"], 1.0);
    close(&row(x, "M × B")["scoring_impact_ratio"], 0.5);
    assert_eq!(x["unknown"], 1);
    // q2: median 3, above c5 c4; top 3 c5 c4 c3.
    close(&r["jobs"][1]["median"], 3.0);
    // Pooled pairs: F 7 (2 above, 3 selected), M 7 (5 above, 3 selected).
    let pooled = table(&r["pooled"], "sex");
    let f = row(pooled, "F");
    let m = row(pooled, "M");
    assert_eq!(
        (f["count"].as_u64(), m["count"].as_u64()),
        (Some(7), Some(7))
    );
    close(&f["scoring_rate"], 2.0 / 7.0);
    close(&m["scoring_rate"], 5.0 / 7.0);
    close(&f["scoring_impact_ratio"], 0.4);
    close(&f["selection_impact_ratio"], 1.0);
    close(&m["selection_impact_ratio"], 1.0);
    assert_eq!(r["pooled"]["sample"], 15);
    // The files.
    let md = std::fs::read_to_string(w.path().join("report/report.md")).unwrap();
    assert!(
        md.contains("| F | 5 | 50.0 % | 2 | 0.400 | **0.533** ⚠ | 2 | 0.400 | 1.000 |"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.path().join("report/report.json")).unwrap())
            .unwrap();
    assert_eq!(json, r);
    let svg = std::fs::read_to_string(w.path().join("report/impact-ratios.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("sex: F") && svg.contains("four-fifths"));
    // A bad file is named with its line.
    std::fs::write(w.path().join("bad.csv"), "id,sex\nc1,F\nc1,M\n").unwrap();
    let o = run(
        w.path(),
        &["audit", "--run", "run.trec", "--demographics", "bad.csv"],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = common::stderr(&o);
    assert!(err.contains("bad.csv") && err.contains("line 3"), "{err}");
}

#[test]
fn categories_under_two_percent_are_marked_and_not_the_reference() {
    // 60 candidates: one X (1.7 %) who scores highest; 30 F, 29 M.
    let mut csv = String::from("id,sex\n");
    let mut scores = Vec::new();
    for i in 0..60 {
        let sex = match i {
            0 => "X",
            i if i % 2 == 1 => "F",
            _ => "M",
        };
        csv.push_str(&format!("p{i},{sex}\n"));
        scores.push((format!("p{i}"), 100.0 - i as f64));
    }
    let d = matcher::Demographics::parse(&csv).unwrap();
    let jobs = [matcher::JobScores {
        job_id: "j".into(),
        scores,
    }];
    let r = matcher::bias_report("test", &jobs, &d, 10);
    let t = &r.jobs[0].tables[0];
    let x = t.rows.iter().find(|r| r.category == "X").unwrap();
    assert!(x.small && x.scoring_rate == 1.0);
    // The reference is the higher of F and M: F has 15 of 30 above (p1, p3 … p29 are
    // ranks 2–30 odd); M 14 of 29 (p2 … p28) — and X's 1.0 is not it.
    let f = t.rows.iter().find(|r| r.category == "F").unwrap();
    let m = t.rows.iter().find(|r| r.category == "M").unwrap();
    assert_eq!((f.above_median, m.above_median), (15, 14));
    assert_eq!(f.scoring_impact_ratio, Some(1.0));
    assert_eq!(x.scoring_impact_ratio, Some(2.0));
}

#[test]
fn the_bundled_corpus_audit_matches_a_recount_of_the_ranking() {
    let w = workspace();
    let dir = w.path();
    let demographics = common::project().join("data/audit/synthetic-demographics.csv");
    ok(dir, &["index", "corpus/profiles"]);
    let out = ok(
        dir,
        &[
            "audit",
            "--demographics",
            demographics.to_str().unwrap(),
            "--format",
            "json",
            "--out",
            "report",
            "corpus/jobs",
        ],
    );
    let r: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["jobs"].as_array().unwrap().len(), 14);
    assert_eq!(r["pooled"]["sample"], 14 * 39);
    assert!(dir.join("report/impact-ratios.svg").is_file());
    // The recount: every profile's score per job (0 when not retrieved), each job's
    // median, the share above it by sex.
    let sex: BTreeMap<String, String> = std::fs::read_to_string(&demographics)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect();
    let ranked = ok(
        dir,
        &[
            "rank",
            "--top",
            "39",
            "--depth",
            "39",
            "--max-postings",
            "0",
            "corpus/jobs",
        ],
    );
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for line in ranked.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut scores: BTreeMap<String, f64> = sex.keys().map(|id| (id.clone(), 0.0)).collect();
        for m in v["results"].as_array().unwrap() {
            scores.insert(
                m["id"].as_str().unwrap().into(),
                m["score"].as_f64().unwrap(),
            );
        }
        let mut sorted: Vec<f64> = scores.values().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2]; // 39: the middle one
        let mut order: Vec<(&String, &f64)> = scores.iter().collect();
        order.sort_by(|a, b| b.1.total_cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (rank, (id, score)) in order.into_iter().enumerate() {
            let c = counts.entry(sex[id].clone()).or_default();
            c.0 += 1;
            c.1 += usize::from(*score > median);
            c.2 += usize::from(rank < 10);
        }
    }
    let pooled = table(&r["pooled"], "sex");
    for (category, (count, above, selected)) in &counts {
        if category.is_empty() {
            assert_eq!(pooled["unknown"].as_u64(), Some(*count as u64));
            continue;
        }
        let row = row(pooled, category);
        assert_eq!(row["count"].as_u64(), Some(*count as u64), "{category}");
        assert_eq!(
            row["above_median"].as_u64(),
            Some(*above as u64),
            "{category}"
        );
        assert_eq!(
            row["selected"].as_u64(),
            Some(*selected as u64),
            "{category}"
        );
    }
}

fn log_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("torn record {l}: {e}")))
        .collect()
}

#[test]
fn every_ranking_is_logged_and_replays_exactly_until_a_profile_changes() {
    let w = workspace();
    let dir = w.path();
    ok(dir, &["index", "corpus/profiles"]);
    // Four processes append at once: two batch rankings (each on two threads) and two
    // single queries.
    let children: Vec<_> = (0..4)
        .map(|i| {
            let mut c = Command::new(BIN);
            c.current_dir(dir).args(["--threads", "2"]);
            match i % 2 {
                0 => c.args(["rank", "--audit-log", "audit.jsonl", "corpus/jobs"]),
                _ => c.args([
                    "query",
                    "--audit-log",
                    "audit.jsonl",
                    "--explain",
                    "corpus/jobs/en-ml-engineer.md",
                ]),
            };
            c.stdout(std::process::Stdio::null()).spawn().unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let log = dir.join("audit.jsonl");
    let records = log_lines(&log);
    assert_eq!(records.len(), 2 * 14 + 2);
    let text = std::fs::read_to_string(&log).unwrap();
    for leak in [
        "Alex Sample",
        "example.com",
        "138-0000",
        "张示例",
        "snippet",
        "quote",
        "\"name\"",
    ] {
        assert!(!text.contains(leak), "the audit log holds {leak}");
    }
    let r = &records[0];
    assert_eq!(r["job"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(r["config"]["schema"], matcher::SCHEMA_VERSION);
    assert!(r["results"][0]["features"].as_array().unwrap().len() >= 8);

    let replayed = ok(dir, &["replay", "audit.jsonl"]);
    assert_eq!(
        replayed.matches("reproduced exactly").count(),
        30,
        "{replayed}"
    );

    // A profile changes: its scores move, and the index's commit with them.
    let line = records
        .iter()
        .position(|r| r["job"]["id"] == "en-ml-engineer")
        .unwrap()
        + 1;
    let profile = dir.join("corpus/profiles/en-ml-engineer.txt");
    let changed = std::fs::read_to_string(&profile)
        .unwrap()
        .replace("PyTorch", "Excel");
    std::fs::write(&profile, changed).unwrap();
    ok(dir, &["index", "corpus/profiles"]);
    let o = run(dir, &["replay", "audit.jsonl", "--line", &line.to_string()]);
    assert_eq!(o.status.code(), Some(1));
    let said = stdout(&o);
    assert!(
        said.contains("NOT reproduced") && said.contains("index changed since"),
        "{said}"
    );
    assert!(said.contains("en-ml-engineer: rank"), "{said}");

    // Other weights: the configuration changed.
    std::fs::write(dir.join("w.toml"), "location = 0\n").unwrap();
    let o = run(
        dir,
        &[
            "--weights",
            "w.toml",
            "replay",
            "audit.jsonl",
            "--line",
            "1",
        ],
    );
    let said = stdout(&o);
    assert!(said.contains("configuration changed: weights"), "{said}");
}
