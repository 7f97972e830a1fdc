//! Replay: run a logged ranking again and say whether it comes out the same.
//!
//! The job is read again from the file the record names, ranked with the recorded
//! options on the index the record names, and the results are serialised as the log
//! serialises them: equal bytes reproduce the ranking. Otherwise the report says what
//! differs, cause first — the job file changed since (its hash), the index changed since
//! (its commit id), the configuration changed (which part of the fingerprint) — then
//! effect: which ids entered or left, which moved rank or score.

use serde::Serialize;

use super::log::{AuditRecord, ResultRecord, results_of, sha256_hex};
use crate::engine::Matcher;
use crate::error::{Error, Result};
use crate::rank::RankOptions;

/// What replaying one record found.
#[derive(Clone, Debug, Serialize)]
pub struct Replay {
    /// The record's line in its file (1-based).
    pub line: usize,
    /// The job's id.
    pub job_id: String,
    /// Whether the results came out byte for byte as recorded.
    pub reproduced: bool,
    /// What changed since the record: job, index, configuration.
    pub causes: Vec<String>,
    /// How the results differ, one line per id.
    pub differences: Vec<String>,
}

/// Replay `record` (line `line` of its file) on `matcher`, whose index should be the
/// record's.
pub fn replay(matcher: &Matcher, line: usize, record: &AuditRecord) -> Result<Replay> {
    let source = record.job.source.as_ref().ok_or_else(|| {
        Error::usage(format!(
            "record at line {line} ranked a job that came from no file ({}); it cannot be replayed",
            record.job.id
        ))
    })?;
    let job = matcher.read_job(source)?;
    let mut causes = Vec::new();
    if sha256_hex(job.text.as_bytes()) != record.job.sha256 {
        causes.push(format!("job file changed since: {}", source.display()));
    }
    let options = RankOptions::from(&record.options);
    let (commit, profiles) = matcher.commit()?;
    if commit != record.index.commit {
        causes.push(format!(
            "index changed since: commit {} → {commit}, {} → {profiles} profiles",
            record.index.commit, record.index.profiles
        ));
    }
    for d in record.config.differences(&matcher.fingerprint(&options)) {
        causes.push(format!("configuration changed: {d}"));
    }
    let ranking = matcher.rank(&job, &options)?;
    let now = results_of(&ranking);
    let bytes = |r: &[ResultRecord]| serde_json::to_vec(r).unwrap_or_default();
    let reproduced = bytes(&now) == bytes(&record.results);
    Ok(Replay {
        line,
        job_id: record.job.id.clone(),
        reproduced,
        causes,
        differences: if reproduced {
            Vec::new()
        } else {
            differences(&record.results, &now)
        },
    })
}

/// Per id: left the results, entered them, moved rank or score, or kept both while a
/// feature's contribution changed.
fn differences(before: &[ResultRecord], after: &[ResultRecord]) -> Vec<String> {
    let mut out = Vec::new();
    for b in before {
        match after.iter().find(|a| a.id == b.id) {
            None => out.push(format!(
                "{}: left the results (was rank {}, score {})",
                b.id, b.rank, b.score
            )),
            Some(a) if a.rank != b.rank || a.score.to_bits() != b.score.to_bits() => {
                out.push(format!(
                    "{}: rank {} → {}, score {} → {} ({:+})",
                    b.id,
                    b.rank,
                    a.rank,
                    b.score,
                    a.score,
                    a.score - b.score
                ))
            }
            Some(a) if a != b => {
                let changed: Vec<&str> = b
                    .features
                    .iter()
                    .zip(&a.features)
                    .filter(|(x, y)| x != y)
                    .map(|(x, _)| x.0.as_str())
                    .collect();
                out.push(format!(
                    "{}: same rank and score, but bm25 {} → {} or features changed: {}",
                    b.id,
                    b.bm25,
                    a.bm25,
                    changed.join(", ")
                ))
            }
            Some(_) => {}
        }
    }
    for a in after {
        if !before.iter().any(|b| b.id == a.id) {
            out.push(format!(
                "{}: entered the results (rank {}, score {})",
                a.id, a.rank, a.score
            ));
        }
    }
    out
}

/// Replay the records of the audit log at `path` (every line, or line `line` only),
/// each on an engine configured as `builder` over the index its record names.
pub fn replay_file(
    builder: &crate::engine::MatcherBuilder,
    path: &std::path::Path,
    line: Option<usize>,
) -> Result<Vec<Replay>> {
    let records = super::read_records(path, line)?;
    let mut engines: Vec<(std::path::PathBuf, Matcher)> = Vec::new();
    let mut out = Vec::with_capacity(records.len());
    for (n, record) in &records {
        let dir = &record.index.dir;
        if !engines.iter().any(|(d, _)| d == dir) {
            engines.push((dir.clone(), builder.clone().index_dir(dir).build()?));
        }
        let (_, matcher) = engines.iter().find(|(d, _)| d == dir).expect("just added");
        out.push(replay(matcher, *n, record)?);
    }
    Ok(out)
}

/// The replays as text: one line per record, then its causes and differences indented.
pub fn write_replays(w: &mut dyn std::io::Write, replays: &[Replay]) -> std::io::Result<()> {
    for r in replays {
        match r.reproduced {
            true => writeln!(w, "line {}: job {}: reproduced exactly", r.line, r.job_id)?,
            false => writeln!(w, "line {}: job {}: NOT reproduced", r.line, r.job_id)?,
        }
        for c in &r.causes {
            writeln!(w, "  {c}")?;
        }
        for d in &r.differences {
            writeln!(w, "  {d}")?;
        }
    }
    Ok(())
}
