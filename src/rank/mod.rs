//! Rank: candidates → the ordered, explained result list.
//!
//! Results are ordered by score, ties broken by id, so the same index and job always give
//! the same bytes of output.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::analysis::Analyzer;
use crate::error::Result;
use crate::index::Fields;
use crate::profile::snippet;
use crate::retrieve::JobTerms;

/// How many matched terms a result lists.
const MATCHED_TERMS: usize = 8;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 160;

/// The ranked profiles for one job.
#[derive(Clone, Debug, Serialize)]
pub struct Ranking {
    /// The job's id (file name without extension).
    pub job_id: String,
    /// The job's title.
    pub job_title: String,
    /// Profiles, best first.
    pub results: Vec<Match>,
}

/// One ranked profile.
#[derive(Clone, Debug, Serialize)]
pub struct Match {
    /// 1-based rank.
    pub rank: usize,
    /// Profile id.
    pub id: String,
    /// Candidate name, for display only (never used for ranking).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Current title, as written in the profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The score the ranking is ordered by.
    pub score: f32,
    /// BM25 relevance of the profile text to the job.
    pub bm25: f32,
    /// The job's terms this profile contains, most distinctive first, as the profile
    /// writes them.
    pub matched_terms: Vec<String>,
    /// The start of the profile (personal data removed).
    pub snippet: String,
}

/// Turn BM25 candidates into ordered results, the first `top` of them.
pub(crate) fn rank(
    searcher: &Searcher,
    fields: &Fields,
    analyzer: &Analyzer,
    terms: &JobTerms,
    candidates: Vec<(f32, DocAddress)>,
    top: usize,
) -> Result<Vec<Match>> {
    let mut scored: Vec<(f32, String, DocAddress)> = Vec::with_capacity(candidates.len());
    for (score, addr) in candidates {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let id = text_of(&doc, fields.id).unwrap_or_default().to_string();
        scored.push((score, id, addr));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.truncate(top);
    let total_docs = searcher.num_docs().max(1) as f32;
    let mut out = Vec::with_capacity(scored.len());
    for (i, (score, id, addr)) in scored.into_iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let body = text_of(&doc, fields.body).unwrap_or_default();
        let idf = |term: &str| -> f32 {
            let df = searcher
                .doc_freq(&tantivy::Term::from_field_text(fields.body, term))
                .unwrap_or(0) as f32;
            (1.0 + (total_docs - df + 0.5) / (df + 0.5)).ln()
        };
        out.push(Match {
            rank: i + 1,
            id,
            name: text_of(&doc, fields.name).map(str::to_string),
            headline: text_of(&doc, fields.headline).map(str::to_string),
            score,
            bm25: score,
            matched_terms: matched_terms(analyzer, terms, body, idf),
            snippet: snippet(body, SNIPPET_CHARS),
        });
    }
    Ok(out)
}

fn text_of(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<&str> {
    doc.get_first(field).and_then(|v| v.as_str())
}

/// The job terms found in `body`, by weight × idf, shown in the profile's own spelling.
fn matched_terms(
    analyzer: &Analyzer,
    terms: &JobTerms,
    body: &str,
    idf: impl Fn(&str) -> f32,
) -> Vec<String> {
    let mut surface: BTreeMap<String, &str> = BTreeMap::new();
    analyzer.for_each_term(body, |t, range| {
        if terms.body.contains_key(t) || terms.title.contains_key(t) {
            surface.entry(t.to_string()).or_insert(&body[range]);
        }
    });
    let mut found: Vec<(f32, &str, &str)> = surface
        .iter()
        .map(|(t, s)| {
            let w = terms.body.get(t).copied().unwrap_or(0.0)
                + terms.title.get(t).copied().unwrap_or(0.0);
            (w * idf(t), t.as_str(), *s)
        })
        .collect();
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    // Chinese search-mode terms overlap (即时通讯, 即时, 通讯): show the longest form only,
    // and no lone Han character.
    let surfaces: Vec<&str> = found.iter().map(|f| f.2).collect();
    let shown = |s: &str| {
        let single_han = s.chars().count() == 1 && s.chars().all(crate::analysis::is_han);
        let inside_other = s.chars().any(crate::analysis::is_han)
            && surfaces.iter().any(|o| o.len() > s.len() && o.contains(s));
        !single_han && !inside_other
    };
    let mut out: Vec<String> = Vec::new();
    for (_, _, s) in &found {
        if out.len() == MATCHED_TERMS {
            break;
        }
        if shown(s) && !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
            out.push(s.to_string());
        }
    }
    out
}
