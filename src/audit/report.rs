//! The bias report: impact ratios of a ranking by demographic category, as New York
//! City's Local Law 144 defines them for tools that score (and, for a shortlist, select).
//!
//! For each job, the *sample* is every candidate the ranking scored. A candidate's
//! category comes from the demographics file; one the file does not list, or lists as
//! unknown, is counted apart and in no category. Per category:
//!
//! - **scoring rate**: the share of its candidates scoring above the median score of the
//!   whole sample (strictly above: a tie with the median is not above);
//! - **selection rate**: the share of its candidates in the top `k` (the shortlist);
//! - **impact ratio**: its rate ÷ the highest rate of any category. A category under 2 %
//!   of the sample is marked `small`: it is shown and its ratio given, but it is not the
//!   reference highest rate (LL144 lets an auditor leave such categories out); a ratio
//!   below 0.8 is flagged (the four-fifths rule of thumb).
//!
//! Every category column is reported alone, and every pair of columns as intersectional
//! categories (`sex × race_ethnicity`). **Pooled** over jobs, each (job, candidate) pair
//! counts once, above its own job's median and selected by its own job's shortlist.
//! Counts stand beside every rate: a ratio of two small counts says little.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use super::demographics::Demographics;
use crate::error::{Error, Result};

/// Below this share of the sample a category is marked small.
pub const SMALL_SHARE: f64 = 0.02;
/// Impact ratios below this are flagged.
pub const FOUR_FIFTHS: f64 = 0.8;

/// The scores of one job's sample, best first: (id, score).
#[derive(Clone, Debug, Default)]
pub struct JobScores {
    /// The job's id.
    pub job_id: String,
    /// Every candidate scored, with its score, best first.
    pub scores: Vec<(String, f64)>,
}

/// Read a ranking to audit: a TREC run (`qid Q0 docid rank score run`) or the JSON lines
/// of `matcher rank` (one ranking a line). Candidates are ordered by score, then id.
pub fn read_run(path: &Path) -> Result<Vec<JobScores>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
    let mut jobs: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    let is_json = text.trim_start().starts_with('{');
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |what: String| Error::input(path, format!("line {}: {what}", i + 1));
        if is_json {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| bad(format!("not JSON: {e}")))?;
            let job = v["job_id"]
                .as_str()
                .ok_or_else(|| bad("no `job_id`".into()))?;
            let results = v["results"]
                .as_array()
                .ok_or_else(|| bad("no `results` list".into()))?;
            let list = jobs.entry(job.to_string()).or_default();
            for r in results {
                match (r["id"].as_str(), r["score"].as_f64()) {
                    (Some(id), Some(score)) => list.push((id.to_string(), score)),
                    _ => return Err(bad("a result without `id` and `score`".into())),
                }
            }
        } else {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 5 {
                return Err(bad(format!(
                    "{} fields, a TREC run line has 6 (qid Q0 docid rank score run)",
                    f.len()
                )));
            }
            let score: f64 = f[4]
                .parse()
                .map_err(|_| bad(format!("score `{}` is not a number", f[4])))?;
            jobs.entry(f[0].to_string())
                .or_default()
                .push((f[2].to_string(), score));
        }
    }
    if jobs.is_empty() {
        return Err(Error::input(path, "has no ranking in it"));
    }
    Ok(jobs
        .into_iter()
        .map(|(job_id, mut scores)| {
            sort_scores(&mut scores);
            JobScores { job_id, scores }
        })
        .collect())
}

/// Best first; ties by id.
pub(crate) fn sort_scores(scores: &mut [(String, f64)]) {
    scores.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// One category's counts and rates.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CategoryRow {
    /// The category (`F`, `F × Asian`).
    pub category: String,
    /// Candidates (pooled: job–candidate pairs) in it.
    pub count: usize,
    /// Its share of the sample, unknowns included.
    pub share: f64,
    /// Under [`SMALL_SHARE`] of the sample: not the reference rate.
    pub small: bool,
    /// How many scored above the sample's median.
    pub above_median: usize,
    /// `above_median / count`.
    pub scoring_rate: f64,
    /// Scoring rate ÷ the highest scoring rate.
    pub scoring_impact_ratio: Option<f64>,
    /// How many are in the top `k`.
    pub selected: usize,
    /// `selected / count`.
    pub selection_rate: f64,
    /// Selection rate ÷ the highest selection rate.
    pub selection_impact_ratio: Option<f64>,
    /// An impact ratio (scoring or selection) is below [`FOUR_FIFTHS`].
    pub flagged: bool,
}

/// The categories of one column, or of a pair of columns.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Table {
    /// The column (`sex`), or columns joined (`sex × race_ethnicity`).
    pub dimension: String,
    /// Categories, in name order.
    pub rows: Vec<CategoryRow>,
    /// Candidates whose category is unknown or missing: in no row.
    pub unknown: usize,
}

/// The tables of one sample: a job's, or the pool of all jobs.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SampleReport {
    /// The job's id, or `pooled`.
    pub job_id: String,
    /// Candidates in the sample (pooled: job–candidate pairs).
    pub sample: usize,
    /// The sample's median score (pooled: none, each job has its own).
    pub median: Option<f64>,
    /// One table per column and per pair of columns.
    pub tables: Vec<Table>,
}

/// A bias report.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BiasReport {
    /// What was audited (a run file, or the jobs ranked).
    pub source: String,
    /// The shortlist size of the selection rates.
    pub shortlist: usize,
    /// Candidates ranked that the demographics file does not list.
    pub not_in_demographics: usize,
    /// Pooled over every job.
    pub pooled: SampleReport,
    /// Per job, in id order.
    pub jobs: Vec<SampleReport>,
}

/// A candidate of a sample: its categories, whether above its job's median, whether
/// shortlisted.
struct Outcome<'d> {
    values: Option<&'d [Option<String>]>,
    above: bool,
    selected: bool,
}

/// The bias report of `jobs` against `demographics`, with a shortlist of `shortlist`.
pub fn bias_report(
    source: &str,
    jobs: &[JobScores],
    demographics: &Demographics,
    shortlist: usize,
) -> BiasReport {
    let mut pooled: Vec<Outcome<'_>> = Vec::new();
    let mut reports = Vec::new();
    let mut not_listed = std::collections::BTreeSet::new();
    for job in jobs {
        let scores: Vec<f64> = job.scores.iter().map(|s| s.1).collect();
        let median = median(&scores);
        let outcomes: Vec<Outcome<'_>> = job
            .scores
            .iter()
            .enumerate()
            .map(|(i, (id, score))| {
                let values = demographics.rows.get(id).map(Vec::as_slice);
                if values.is_none() {
                    not_listed.insert(id.clone());
                }
                Outcome {
                    values,
                    above: median.is_some_and(|m| *score > m),
                    selected: i < shortlist,
                }
            })
            .collect();
        reports.push(SampleReport {
            job_id: job.job_id.clone(),
            sample: outcomes.len(),
            median,
            tables: tables(&demographics.columns, &outcomes),
        });
        pooled.extend(outcomes);
    }
    BiasReport {
        source: source.to_string(),
        shortlist,
        not_in_demographics: not_listed.len(),
        pooled: SampleReport {
            job_id: "pooled".into(),
            sample: pooled.len(),
            median: None,
            tables: tables(&demographics.columns, &pooled),
        },
        jobs: reports,
    }
}

/// The median of `v` (the mean of the two middle values for an even count).
fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(match n % 2 {
        1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    })
}

/// A table per column, then per pair of columns.
fn tables(columns: &[String], outcomes: &[Outcome<'_>]) -> Vec<Table> {
    let mut dims: Vec<Vec<usize>> = (0..columns.len()).map(|c| vec![c]).collect();
    for a in 0..columns.len() {
        for b in a + 1..columns.len() {
            dims.push(vec![a, b]);
        }
    }
    dims.iter()
        .map(|dim| {
            let name = dim
                .iter()
                .map(|&c| columns[c].as_str())
                .collect::<Vec<_>>()
                .join(" × ");
            table(name, dim, outcomes)
        })
        .collect()
}

fn table(dimension: String, dim: &[usize], outcomes: &[Outcome<'_>]) -> Table {
    // category → (count, above, selected)
    let mut groups: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut unknown = 0;
    for o in outcomes {
        let category: Option<Vec<&str>> = o
            .values
            .and_then(|v| dim.iter().map(|&c| v.get(c)?.as_deref()).collect());
        match category {
            Some(parts) => {
                let g = groups.entry(parts.join(" × ")).or_default();
                g.0 += 1;
                g.1 += usize::from(o.above);
                g.2 += usize::from(o.selected);
            }
            None => unknown += 1,
        }
    }
    let total = outcomes.len().max(1) as f64;
    let mut rows: Vec<CategoryRow> = groups
        .into_iter()
        .map(|(category, (count, above, selected))| CategoryRow {
            category,
            count,
            share: count as f64 / total,
            small: (count as f64 / total) < SMALL_SHARE,
            above_median: above,
            scoring_rate: above as f64 / count as f64,
            scoring_impact_ratio: None,
            selected,
            selection_rate: selected as f64 / count as f64,
            selection_impact_ratio: None,
            flagged: false,
        })
        .collect();
    // The reference rate: the highest of the categories that are not small (of all of
    // them, if every one is).
    let reference = |rate: fn(&CategoryRow) -> f64| {
        let big = rows.iter().filter(|r| !r.small).map(rate).fold(None, max);
        big.or_else(|| rows.iter().map(rate).fold(None, max))
    };
    let best_scoring = reference(|r| r.scoring_rate);
    let best_selection = reference(|r| r.selection_rate);
    for r in &mut rows {
        r.scoring_impact_ratio = best_scoring
            .filter(|&b| b > 0.0)
            .map(|b| r.scoring_rate / b);
        r.selection_impact_ratio = best_selection
            .filter(|&b| b > 0.0)
            .map(|b| r.selection_rate / b);
        r.flagged = [r.scoring_impact_ratio, r.selection_impact_ratio]
            .iter()
            .flatten()
            .any(|&x| x < FOUR_FIFTHS);
    }
    Table {
        dimension,
        rows,
        unknown,
    }
}

fn max(acc: Option<f64>, x: f64) -> Option<f64> {
    Some(acc.map_or(x, |a| a.max(x)))
}

/// The report in Markdown: what was measured, then the pooled tables, then each job's.
pub fn write_markdown(w: &mut dyn Write, report: &BiasReport) -> io::Result<()> {
    writeln!(w, "# Bias audit: impact ratios")?;
    writeln!(w)?;
    writeln!(w, "- ranking audited: {}", report.source)?;
    writeln!(w, "- jobs: {}", report.jobs.len())?;
    writeln!(
        w,
        "- scoring rate: share of a category scoring above the median score of the job's whole sample; selection rate: share in the top {} of the job's ranking",
        report.shortlist
    )?;
    writeln!(
        w,
        "- impact ratio: rate ÷ highest rate among categories of at least 2 % of the sample; ⚠ marks a ratio below 0.8; *small* marks a category under 2 % of the sample"
    )?;
    writeln!(
        w,
        "- candidates ranked but not in the demographics file: {} (counted as unknown)",
        report.not_in_demographics
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "## Pooled over all jobs ({} job–candidate pairs)",
        report.pooled.sample
    )?;
    write_tables(w, &report.pooled)?;
    for job in &report.jobs {
        writeln!(w)?;
        let median = job.median.map_or("-".to_string(), |m| format!("{m:.4}"));
        writeln!(
            w,
            "## Job {} ({} candidates, median score {median})",
            job.job_id, job.sample
        )?;
        write_tables(w, job)?;
    }
    Ok(())
}

fn write_tables(w: &mut dyn Write, sample: &SampleReport) -> io::Result<()> {
    let ratio = |r: Option<f64>| match r {
        Some(r) if r < FOUR_FIFTHS => format!("**{r:.3}** ⚠"),
        Some(r) => format!("{r:.3}"),
        None => "-".to_string(),
    };
    for t in &sample.tables {
        writeln!(w)?;
        writeln!(w, "### {}", t.dimension)?;
        writeln!(w)?;
        writeln!(
            w,
            "| category | count | share | above median | scoring rate | scoring impact ratio | selected | selection rate | selection impact ratio |"
        )?;
        writeln!(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
        for r in &t.rows {
            let small = if r.small { " *small*" } else { "" };
            writeln!(
                w,
                "| {}{small} | {} | {:.1} % | {} | {:.3} | {} | {} | {:.3} | {} |",
                r.category,
                r.count,
                100.0 * r.share,
                r.above_median,
                r.scoring_rate,
                ratio(r.scoring_impact_ratio),
                r.selected,
                r.selection_rate,
                ratio(r.selection_impact_ratio)
            )?;
        }
        writeln!(w, "| unknown or missing | {} | | | | | | | |", t.unknown)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
