//! Vocabulary rows and the aliases they contribute to the matching automaton.
//!
//! Shared by the library and `build.rs` (which includes this file by path to precompile
//! the built-in vocabularies' automata), so it depends on `std` and `daachorse` only:
//! the automaton the build serializes is the one the library would build.

use std::collections::HashMap;

use daachorse::{DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind};

/// One parsed row before ids are assigned.
pub(crate) struct Row {
    pub(crate) name: String,
    pub(crate) domain: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) broader: Vec<String>,
}

/// The rows of a vocabulary TSV (`canonical`, group, `|`-separated aliases, broader
/// names), or the first line that cannot be read.
pub(crate) fn parse_rows(text: &str) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let mut header = true;
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if header {
            header = false;
            if line.starts_with("canonical\t") {
                continue;
            }
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.is_empty() || cols[0].trim().is_empty() {
            return Err(format!("line {}: no canonical skill name", n + 1));
        }
        let list = |i: usize| -> Vec<String> {
            cols.get(i)
                .map(|c| {
                    c.split('|')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        rows.push(Row {
            name: cols[0].trim().to_string(),
            domain: cols.get(1).map_or("", |d| d.trim()).to_string(),
            aliases: list(2),
            broader: list(3),
        });
    }
    Ok(rows)
}

/// Pattern index → (row index, the exact text when the alias is case-sensitive), and
/// the ASCII-lowercased text of each pattern, in the same order.
pub(crate) type Patterns = (Vec<(u32, Option<String>)>, Vec<String>);

/// The aliases of `rows` that go into the automaton.
///
/// A name that also has a case-sensitive alias (`Go` with `=Go`) is matched only
/// case-sensitively: "go to market" is not the Go language. One-character aliases need
/// `=`. A lowercased text belongs to the first row that claims it.
pub(crate) fn alias_patterns(rows: &[Row]) -> Patterns {
    let mut patterns = Vec::new();
    let mut texts = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    for (id, r) in rows.iter().enumerate() {
        let exact: Vec<String> = r
            .aliases
            .iter()
            .filter_map(|a| a.strip_prefix('='))
            .map(|a| a.trim().to_lowercase())
            .collect();
        for alias in std::iter::once(r.name.as_str()).chain(r.aliases.iter().map(String::as_str)) {
            if !alias.starts_with('=') && exact.contains(&alias.trim().to_lowercase()) {
                continue;
            }
            let (case_sensitive, alias) = match alias.strip_prefix('=') {
                Some(a) => (true, a),
                None => (false, alias),
            };
            let alias = alias.trim();
            if alias.is_empty() || (alias.chars().count() < 2 && !case_sensitive) {
                continue;
            }
            if seen.insert(alias.to_ascii_lowercase(), ()).is_some() {
                continue;
            }
            patterns.push((id as u32, case_sensitive.then(|| alias.to_string())));
            texts.push(alias.to_ascii_lowercase());
        }
    }
    (patterns, texts)
}

/// The leftmost-longest automaton over `texts`, pattern `i` reporting value `i`.
///
/// A double-array Aho–Corasick automaton builds ~10× faster than a classic one over
/// ~90k aliases; the built-in vocabularies' are precompiled by `build.rs` all the same.
pub(crate) fn automaton(texts: &[String]) -> DoubleArrayAhoCorasick<u32> {
    DoubleArrayAhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build_with_values(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (t.as_bytes(), i as u32)),
        )
        .expect("vocabulary automaton builds")
}
