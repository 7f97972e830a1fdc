//! `matcher eval` through the real binary.
//!
//! Properties checked:
//! 1. On the bundled corpus with two seed jobs whose seed is the one relevant profile,
//!    both configurations put it first (MRR 1) and the table lists them.
//! 2. A TSV corpus and TSV queries work like directories.
//! 3. An existing run file is scored with trec_eval's definitions (hand-computed MAP).
//! 4. Bad qrels, unknown configurations and unreadable TSV rows are refused, naming
//!    the problem (a row by the TSV's path, line and id).
//! 5. `--weights` are the weights `full` ranks with (what tuning them needs), and
//!    `--taxonomy` the vocabulary eval reads profiles and jobs with.

mod common;

use common::*;

#[test]
fn seeds_are_found_first_in_both_configurations() {
    let ws = workspace();
    let jobs = ws.path().join("jobs");
    std::fs::create_dir_all(&jobs).unwrap();
    for j in ["zh-im-backend-lead.md", "en-cloud-iot-architect.md"] {
        std::fs::copy(ws.path().join("corpus/jobs").join(j), jobs.join(j)).unwrap();
    }
    std::fs::write(
        ws.path().join("qrels.tsv"),
        "zh-im-backend-lead 0 zh-im-platform-lead 1\nen-cloud-iot-architect 0 en-cloud-iot-architect 1\n",
    )
    .unwrap();
    let out = ok(
        ws.path(),
        &[
            "eval",
            "--corpus",
            "corpus/profiles",
            "--queries",
            "jobs",
            "--qrels",
            "qrels.tsv",
            "--format",
            "json",
            "--runs-dir",
            "runs",
        ],
    );
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for row in rows {
        assert_eq!(row["metrics"]["mrr"], 1.0, "{row}");
        assert_eq!(row["metrics"]["queries"], 2);
    }
    let run = std::fs::read_to_string(ws.path().join("runs/full.trec")).unwrap();
    assert!(
        run.lines()
            .any(|l| l.starts_with("zh-im-backend-lead Q0 zh-im-platform-lead 1 "))
    );
    assert!(
        !ws.path().join("index").exists(),
        "eval must not touch ./index"
    );
}

/// `matcher eval` of the TSV corpus and queries `tsv_inputs_and_existing_runs` writes.
const EVAL_TSV: [&str; 7] = [
    "eval",
    "--corpus",
    "corpus.tsv",
    "--queries",
    "queries.tsv",
    "--qrels",
    "qrels.tsv",
];

/// Write the corpus and queries [`EVAL_TSV`] reads into `d`: rows of `id<TAB>text`
/// under a header.
fn write_tsvs(d: &std::path::Path, corpus: &str, queries: &str) {
    std::fs::write(d.join("corpus.tsv"), format!("c_id\tjobtitle\n{corpus}")).unwrap();
    std::fs::write(d.join("queries.tsv"), format!("q_id\tjobtitle\n{queries}")).unwrap();
}

#[test]
fn tsv_inputs_and_existing_runs() {
    let ws = tempfile::tempdir().unwrap();
    let d = ws.path();
    write_tsvs(
        d,
        "1\trust engineer\n2\tjava developer\n3\tsenior rust developer\n",
        "q1\trust developer\n",
    );
    std::fs::write(d.join("qrels.tsv"), "q1 0 1 1\nq1 0 3 1\n").unwrap();
    let out = ok(
        d,
        &[
            &EVAL_TSV[..],
            &["--config", "bm25-only", "--format", "json"],
        ]
        .concat(),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["config"], "bm25-only");
    assert_eq!(v[0]["metrics"]["mrr"], 1.0, "{out}");
    assert_eq!(v[0]["metrics"]["recall_at_100"], 1.0, "{out}");

    // Relevant 1 and 3; run ranks 2, 1, 3 → AP = (1/2 + 2/3) / 2.
    std::fs::write(
        d.join("run.trec"),
        "q1 Q0 2 1 3.0 x\nq1 Q0 1 2 2.0 x\nq1 Q0 3 3 1.0 x\n",
    )
    .unwrap();
    let out = ok(
        d,
        &[
            "eval",
            "--run",
            "run.trec",
            "--qrels",
            "qrels.tsv",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let map = v[0]["metrics"]["map"].as_f64().unwrap();
    assert!((map - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-9, "{map}");

    // Weights that count only location, which no query names: every score of `full` is
    // 0. With the default weights none is.
    std::fs::write(
        d.join("w.toml"),
        "bm25 = 0\nrequired_skills = 0\npreferred_skills = 0\nrelated_skills = 0\ntitle = 0\nyears = 0\neducation = 0\nlocation = 1\nsemantic = 0\nsemantic_title = 0\n",
    )
    .unwrap();
    let scores = |extra: &[&str]| -> Vec<f64> {
        ok(
            d,
            &[
                extra,
                &EVAL_TSV,
                &["--config", "full", "--runs-dir", "runs"],
            ]
            .concat(),
        );
        std::fs::read_to_string(d.join("runs/full.trec"))
            .unwrap()
            .lines()
            .map(|l| l.split_whitespace().nth(4).unwrap().parse().unwrap())
            .collect()
    };
    assert!(scores(&[]).iter().all(|&s| s > 0.0));
    let weighted = scores(&["--weights", "w.toml"]);
    assert!(
        !weighted.is_empty() && weighted.iter().all(|&s| s == 0.0),
        "{weighted:?}"
    );

    // A skill only a taxonomy file knows: with it, the profiles that show it score
    // differently (the required-skills feature now applies); without it, as before.
    std::fs::write(
        d.join("tax.tsv"),
        "canonical\tdomain\taliases\tbroader\nZorblax\tsoftware\tzorblax\t\n",
    )
    .unwrap();
    write_tsvs(
        d,
        "1\trust engineer\n2\tjava developer\n3\tsenior rust developer, zorblax\n",
        "q1\tRust developer. Requirements: zorblax\n",
    );
    let plain = scores(&[]);
    assert_ne!(scores(&["--taxonomy", "tax.tsv"]), plain);
    assert_eq!(scores(&[]), plain);

    std::fs::write(d.join("bad.tsv"), "q1 0 1\n").unwrap();
    let o = run(d, &["eval", "--run", "run.trec", "--qrels", "bad.tsv"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.tsv: line 1"), "{}", stderr(&o));
    // A TSV row eval cannot read is named by the TSV's path, line and id: the file
    // eval wrote it to is scratch, gone when the error is read.
    write_tsvs(d, "1\trust engineer\n2\t \n", "q1\trust developer\n");
    let o = run(d, &EVAL_TSV);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("corpus.tsv: line 3 (id \"2\")")
            && !stderr(&o).contains("matcher-eval-"),
        "{}",
        stderr(&o)
    );
    write_tsvs(d, "1\trust engineer\n", "q1\trust developer\nq2\t\n");
    let o = run(d, &EVAL_TSV);
    assert!(
        stderr(&o).contains("queries.tsv: line 3 (id \"q2\")"),
        "{}",
        stderr(&o)
    );
    let o = run(d, &[&EVAL_TSV[..], &["--config", "no-such"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown configuration"),
        "{}",
        stderr(&o)
    );
}
