//! `matcher audit`: the rankings to audit (a run file, or jobs ranked now against the
//! index), the demographics beside them, and the report written as Markdown, JSON and
//! an SVG chart.

use std::path::{Path, PathBuf};

use super::chart::impact_ratio_svg;
use super::demographics::Demographics;
use super::report::{BiasReport, JobScores, bias_report, read_run, sort_scores, write_markdown};
use crate::engine::Matcher;
use crate::error::{Error, Result};
use crate::rank::RankOptions;

/// What to audit.
#[derive(Clone, Debug)]
pub enum AuditSource {
    /// A run file: TREC, or the JSON lines of `matcher rank`.
    Run(PathBuf),
    /// Job files or directories, ranked now against the index.
    Jobs(Vec<PathBuf>),
}

/// Options of a bias audit.
#[derive(Clone, Debug)]
pub struct AuditOptions {
    /// The demographics CSV (`id` plus category columns).
    pub demographics: PathBuf,
    /// The shortlist of the selection rates. By default, 10.
    pub shortlist: usize,
}

/// The bias report of `source` against the demographics, ranking with `matcher` when
/// the source is jobs. Jobs ranked now score every indexed profile: the BM25 search
/// returns all that share a word with the job, re-scored at full depth; a profile it
/// does not return (shares no word) scores 0 — the whole index is the sample.
pub fn audit(
    matcher: &Matcher,
    source: &AuditSource,
    options: &AuditOptions,
) -> Result<BiasReport> {
    let demographics = Demographics::read(&options.demographics)?;
    let (label, jobs) = match source {
        AuditSource::Run(path) => (path.display().to_string(), read_run(path)?),
        AuditSource::Jobs(paths) => {
            let (jobs, errors) = matcher.read_jobs(paths);
            if let Some(e) = errors.into_iter().next() {
                return Err(e);
            }
            if jobs.is_empty() {
                return Err(Error::usage("no job files to rank for the audit"));
            }
            let ids = matcher.all_profile_ids()?;
            let all = ids.len().max(1);
            let rank = RankOptions {
                top: all,
                depth: Some(all),
                max_postings: None,
                details: false,
                explain: false,
                ..RankOptions::default()
            };
            let mut out = Vec::with_capacity(jobs.len());
            for ranking in matcher.rank_many(&jobs, &rank) {
                let ranking = ranking?;
                let mut scores: Vec<(String, f64)> = ranking
                    .results
                    .iter()
                    .map(|m| (m.id.clone(), f64::from(m.score)))
                    .collect();
                for id in &ids {
                    if !ranking.results.iter().any(|m| &m.id == id) {
                        scores.push((id.clone(), 0.0));
                    }
                }
                sort_scores(&mut scores);
                out.push(JobScores {
                    job_id: ranking.job_id,
                    scores,
                });
            }
            out.sort_by(|a, b| a.job_id.cmp(&b.job_id));
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            (format!("jobs ranked now: {}", names.join(" ")), out)
        }
    };
    Ok(bias_report(&label, &jobs, &demographics, options.shortlist))
}

/// Write `report.md`, `report.json` and `impact-ratios.svg` into `dir` (created).
pub fn write_report_files(report: &BiasReport, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let write = |name: &str, bytes: &[u8]| -> Result<PathBuf> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        Ok(path)
    };
    let mut md = Vec::new();
    write_markdown(&mut md, report).map_err(|e| Error::io(dir, e))?;
    let json = serde_json::to_vec_pretty(report).map_err(|e| Error::io(dir, e.into()))?;
    let svg = impact_ratio_svg(report).map_err(|e| Error::io(dir, std::io::Error::other(e)))?;
    Ok(vec![
        write("report.md", &md)?,
        write("report.json", &json)?,
        write("impact-ratios.svg", svg.as_bytes())?,
    ])
}
