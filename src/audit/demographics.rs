//! Demographics: a CSV held apart from the profiles, `id` plus one column per category
//! (sex, race/ethnicity, age band …). It never enters the index; only the bias report
//! reads it.
//!
//! The reader is the csv crate's idea in small: RFC 4180 fields (quoted fields may hold
//! commas, doubled quotes and line breaks), a header row naming the columns, one row per
//! id. An empty value, or `unknown`, `missing`, `na`, `n/a`, `?` or `-`, is unknown.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

/// Demographic categories by profile id.
#[derive(Clone, Debug, Default)]
pub struct Demographics {
    /// The category columns, in file order (`id` excluded).
    pub columns: Vec<String>,
    /// Each id's value per column; `None` is unknown.
    pub rows: BTreeMap<String, Vec<Option<String>>>,
}

impl Demographics {
    /// Read a demographics CSV. Errors name the file and the line.
    pub fn read(path: &Path) -> Result<Demographics> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        Demographics::parse(&text).map_err(|e| Error::input(path, e))
    }

    /// Parse demographics CSV text.
    pub fn parse(text: &str) -> std::result::Result<Demographics, String> {
        let records = records(text.trim_start_matches('\u{feff}'))?;
        let mut records = records.into_iter();
        let (_, header) = records.next().ok_or("is empty: no header row")?;
        let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
        let id_at = header
            .iter()
            .position(|h| h.eq_ignore_ascii_case("id"))
            .ok_or("has no `id` column in its header row")?;
        if header.len() < 2 {
            return Err("has no category column beside `id`".into());
        }
        let columns: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != id_at)
            .map(|(_, h)| h.clone())
            .collect();
        let mut rows = BTreeMap::new();
        for (line, fields) in records {
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if fields.len() != header.len() {
                return Err(format!(
                    "line {line}: {} fields, the header has {}",
                    fields.len(),
                    header.len()
                ));
            }
            let id = fields[id_at].trim().to_string();
            if id.is_empty() {
                return Err(format!("line {line}: empty id"));
            }
            let values = fields
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != id_at)
                .map(|(_, v)| known(v))
                .collect();
            if rows.insert(id.clone(), values).is_some() {
                return Err(format!("line {line}: id `{id}` appears twice"));
            }
        }
        Ok(Demographics { columns, rows })
    }
}

/// A value, or `None` when it says it is unknown.
fn known(value: &str) -> Option<String> {
    let v = value.trim();
    let unknown = ["", "unknown", "missing", "na", "n/a", "?", "-"];
    (!unknown.iter().any(|u| v.eq_ignore_ascii_case(u))).then(|| v.to_string())
}

/// The records of CSV text, each with the line it starts on.
fn records(text: &str) -> std::result::Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                line += usize::from(c == '\n');
                field.push(c);
            }
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                fields.push(std::mem::take(&mut field));
                out.push((start, std::mem::take(&mut fields)));
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {start}: a quoted field is never closed"));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        out.push((start, fields));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_unknowns_and_errors() {
        let d =
            Demographics::parse("id,sex,\"race, ethnicity\"\na,F,\"Asian\"\nb,,unknown\n").unwrap();
        assert_eq!(d.columns, ["sex", "race, ethnicity"]);
        assert_eq!(d.rows["a"], [Some("F".into()), Some("Asian".into())]);
        assert_eq!(d.rows["b"], [None, None]);
        assert!(
            Demographics::parse("id,sex\na,F\na,M\n")
                .unwrap_err()
                .contains("line 3")
        );
        assert!(
            Demographics::parse("id,sex\na\n")
                .unwrap_err()
                .contains("1 fields")
        );
        assert!(
            Demographics::parse("who,sex\na,F\n")
                .unwrap_err()
                .contains("`id`")
        );
    }
}
