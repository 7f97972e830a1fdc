//! Output: rankings as a readable table, JSON, JSON lines or TREC run lines.
//!
//! Every writer is deterministic: same ranking, same bytes.

use std::io::{self, Write};

use crate::rank::Ranking;

/// The run name written in TREC output.
pub const TREC_RUN_NAME: &str = "matcher";

/// A table for people: rank, id, name, score and the top matched terms.
pub fn write_table(w: &mut dyn Write, ranking: &Ranking) -> io::Result<()> {
    writeln!(w, "job: {} ({})", ranking.job_title, ranking.job_id)?;
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
            m.matched_terms.join(", ")
        )?;
    }
    Ok(())
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
