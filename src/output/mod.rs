//! Output: rankings as a readable table, JSON, JSON lines or TREC run lines.
//!
//! Every writer is deterministic: same ranking, same bytes.

use std::io::{self, Write};

use crate::rank::{Match, Ranking};

/// The run name written in TREC output.
pub const TREC_RUN_NAME: &str = "matcher";

/// "job: Title (id)", or "job: id" for a posting without a title.
fn write_job_line(w: &mut dyn Write, ranking: &Ranking) -> io::Result<()> {
    match ranking.job_title.is_empty() {
        true => writeln!(w, "job: {}", ranking.job_id),
        false => writeln!(w, "job: {} ({})", ranking.job_title, ranking.job_id),
    }
}

/// A table for people: rank, id, name, score and the top matched terms.
pub fn write_table(w: &mut dyn Write, ranking: &Ranking) -> io::Result<()> {
    write_job_line(w, ranking)?;
    if ranking.results.is_empty() {
        return writeln!(w, "no matching profiles");
    }
    let id_width = ranking
        .results
        .iter()
        .map(|m| width(&m.id))
        .max()
        .unwrap_or(2)
        .clamp(2, 40);
    let name_width = ranking
        .results
        .iter()
        .map(|m| width(m.name.as_deref().unwrap_or("-")))
        .max()
        .unwrap_or(4)
        .clamp(4, 24);
    writeln!(
        w,
        "{:>4}  {}  {}  {:>7}  matched",
        "rank",
        pad("id", id_width),
        pad("name", name_width),
        "score"
    )?;
    for m in &ranking.results {
        write_row(w, m, id_width, name_width)?;
    }
    Ok(())
}

fn write_row(w: &mut dyn Write, m: &Match, id_width: usize, name_width: usize) -> io::Result<()> {
    writeln!(
        w,
        "{:>4}  {}  {}  {:>7.2}  {}",
        m.rank,
        pad(&truncate(&m.id, id_width), id_width),
        pad(
            &truncate(m.name.as_deref().unwrap_or("-"), name_width),
            name_width
        ),
        m.score,
        matched(m).join(", ")
    )
}

/// What a row lists as matched: the job's skills the profile shows, then its terms, eight
/// in all.
fn matched(m: &Match) -> Vec<String> {
    let e = &m.explanation;
    let mut out: Vec<String> = e
        .matched_required
        .iter()
        .chain(&e.matched_preferred)
        .map(|s| s.skill.clone())
        .collect();
    for t in &m.matched_terms {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.clone());
        }
    }
    out.truncate(8);
    out
}

/// The ranking with each result's explanation under it: matched skills with the text
/// that proves them, related credit, missing skills, and each feature's contribution.
pub fn write_explained(w: &mut dyn Write, ranking: &Ranking) -> io::Result<()> {
    write_job_line(w, ranking)?;
    if ranking.results.is_empty() {
        return writeln!(w, "no matching profiles");
    }
    for m in &ranking.results {
        let e = &m.explanation;
        writeln!(w)?;
        writeln!(
            w,
            "{:>3}. {}  {}  score {:.2}",
            m.rank,
            m.id,
            m.name.as_deref().unwrap_or("-"),
            m.score
        )?;
        if let Some(h) = &m.headline {
            writeln!(w, "     headline: {h}")?;
        }
        let facts: Vec<String> = [
            e.years.map(|y| format!("{y} years")),
            e.education.map(|ed| ed.label().to_string()),
            e.location.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !facts.is_empty() {
            writeln!(w, "     profile:  {}", facts.join(" · "))?;
        }
        if let Some(o) = &e.occupation {
            writeln!(w, "     occupation shared with the job: {o}")?;
        }
        if let Some(t) = &e.title_similarity {
            writeln!(w, "     title ≈ \"{}\" ({:.2})", t.title, t.cosine)?;
        }
        for s in &e.matched_required {
            writeln!(w, "     ✓ required  {} «{}»", pad(&s.skill, 24), s.quote)?;
        }
        for s in &e.matched_preferred {
            writeln!(w, "     ✓ preferred {} «{}»", pad(&s.skill, 24), s.quote)?;
        }
        for r in &e.related {
            writeln!(
                w,
                "     ~ related   {} via {} (credit {:.1})",
                pad(&r.required, 24),
                r.via,
                r.credit
            )?;
        }
        let related: Vec<&str> = e.related.iter().map(|r| r.required.as_str()).collect();
        let missing: Vec<&str> = e
            .missing_required
            .iter()
            .map(String::as_str)
            .filter(|s| !related.contains(s))
            .collect();
        if !missing.is_empty() {
            writeln!(w, "     ✗ missing   {}", missing.join(", "))?;
        }
        let parts: Vec<String> = e
            .features
            .iter()
            .map(|f| match f.value {
                Some(v) => format!("{} {:.2}×{:.2}={:.1}", f.name, v, f.weight, f.contribution),
                None => format!("{} n/a", f.name),
            })
            .collect();
        writeln!(w, "     features: {}", parts.join(" | "))?;
        let discounts = discounts(e);
        if !discounts.is_empty() {
            writeln!(w, "     weights:  {}", discounts.join(" · "))?;
        }
    }
    Ok(())
}

/// Why some weights above are less than configured, in words: BM25 for a job that is a
/// title alone, the skill features for a job that names few skills, the fit features
/// below the text gate.
fn discounts(e: &crate::rank::Explanation) -> Vec<String> {
    let trust = |name: &str| {
        e.features
            .iter()
            .find(|f| f.name == name && f.value.is_some())
            .map(|f| f.trust)
    };
    let mut out = Vec::new();
    if let Some(t) = trust("bm25").filter(|&t| t < 1.0) {
        out.push(format!("bm25 ×{t:.2} (the job is a title alone)"));
    }
    if let Some(t) = trust("required_skills").filter(|&t| t < 1.0) {
        out.push(format!("skills ×{t:.2} (the job names few skills)"));
    }
    if e.gate < 1.0 {
        out.push(format!(
            "fit features ×{:.2} (little text, skill or meaning evidence)",
            e.gate
        ));
    }
    out
}

/// One JSON document for one ranking (pretty-printed).
pub fn write_json(w: &mut dyn Write, ranking: &Ranking) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, ranking)?;
    writeln!(w)
}

/// One JSON object per line per ranking.
pub fn write_jsonl(w: &mut dyn Write, ranking: &Ranking) -> io::Result<()> {
    serde_json::to_writer(&mut *w, ranking)?;
    writeln!(w)
}

/// TREC run lines: `qid Q0 docid rank score run`.
pub fn write_trec(w: &mut dyn Write, ranking: &Ranking) -> io::Result<()> {
    for m in &ranking.results {
        writeln!(
            w,
            "{} Q0 {} {} {:.6} {}",
            ranking.job_id, m.id, m.rank, m.score, TREC_RUN_NAME
        )?;
    }
    Ok(())
}

/// Display width in a terminal: East Asian wide characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

fn pad(s: &str, to: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', to.saturating_sub(width(s))));
    out
}

fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = if is_wide(c) { 2 } else { 1 };
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_are_padded_by_width() {
        assert_eq!(pad("张三", 6), "张三  ");
        assert_eq!(width(&truncate("abcdefgh", 5)), 5);
        assert_eq!(truncate("张三丰李四", 5), "张三…");
    }
}
