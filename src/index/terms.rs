//! Terms: each profile's ranking text, analysed once, at index time.
//!
//! A query reads the text of a few profiles besides their facts: feedback counts the
//! terms of the first search's best profiles, and each shown result lists the job's
//! terms its text has, in the words it has them. Analysing those résumés again at every
//! query (language detection, jieba, stemming) was a third of a query's time. Indexing
//! analyses the text anyway, so it does it once, for both uses: the terms go to Tantivy
//! joined by spaces, for the `body` field's whitespace tokenizer to split (no term holds
//! a space; Tantivy's pre-tokenized text would have cost a JSON round trip a document),
//! and a [`TermTable`] — each distinct term with its count and the byte range of its
//! first occurrence — is stored with the document.
//!
//! The table is [postcard](https://docs.rs/postcard) bytes, a few hundred entries of a
//! short string and three varints; first ranges are stored as the difference from the
//! previous entry's start, which mostly fits one byte. Like the facts column, the encoding
//! has no field names: changing it needs a [`SCHEMA_VERSION`](super::SCHEMA_VERSION) bump.

use std::ops::Range;

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use super::columns::corrupt;
use crate::analysis::Analyzer;
use crate::analysis::phrases::{Phrases, is_han_phrase};
use crate::error::Result;

/// The distinct terms of a text, in order of first occurrence.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TermTable {
    entries: Vec<TermEntry>,
}

/// One distinct term of a text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TermEntry {
    /// The analyzer term.
    pub term: String,
    /// How many times the analyzer made it.
    pub count: u32,
    /// The byte range of the text it was first made from.
    pub first: Range<usize>,
}

/// A term of a stored table, borrowed from its bytes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TermRef<'a> {
    /// The analyzer term.
    pub term: &'a str,
    /// How many times the analyzer made it.
    pub count: u32,
    /// The byte range of the text it was first made from.
    pub first: Range<usize>,
}

/// The stored form: term, count, first start less the previous entry's first start,
/// first length. (Chinese search-mode terms overlap, so a start can go back.)
#[derive(Serialize, Deserialize)]
struct Wire<'a>(#[serde(borrow)] Vec<(&'a str, u32, i64, u32)>);

impl TermTable {
    /// Analyse `text` once: its terms, in order, joined by spaces (what the `body` field
    /// indexes), its Latin and its Chinese phrases, each joined by spaces (the `phrases`
    /// and `han_phrases` fields), and its table.
    pub(crate) fn analyse(analyzer: &Analyzer, text: &str) -> (String, [String; 2], TermTable) {
        let mut joined = String::with_capacity(text.len());
        let mut phrases = String::new();
        let mut han_phrases = String::new();
        let mut pairs = Phrases::default();
        // Entries by their term's hash: a term is allocated once, in its entry.
        let mut at: HashTable<usize> = HashTable::new();
        let mut entries: Vec<TermEntry> = Vec::new();
        analyzer.for_each_term(text, |term, range| {
            let hash = FxBuildHasher.hash_one(term);
            match at.find(hash, |&i| entries[i].term == term) {
                Some(&i) => entries[i].count += 1,
                None => {
                    at.insert_unique(hash, entries.len(), |&i| {
                        FxBuildHasher.hash_one(&entries[i].term)
                    });
                    entries.push(TermEntry {
                        term: term.to_string(),
                        count: 1,
                        first: range.clone(),
                    });
                }
            }
            debug_assert!(
                !term.contains(|c: char| c.is_ascii_whitespace()),
                "{term:?}"
            );
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(term);
            pairs.push(text, term, range, |p| {
                let out = if is_han_phrase(p) {
                    &mut han_phrases
                } else {
                    &mut phrases
                };
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(p);
            });
        });
        (joined, [phrases, han_phrases], TermTable { entries })
    }

    /// The distinct terms, in order of first occurrence.
    #[cfg(test)]
    pub(crate) fn entries(&self) -> &[TermEntry] {
        &self.entries
    }

    /// The bytes the `terms` field stores.
    pub(crate) fn encode(&self) -> std::result::Result<Vec<u8>, String> {
        let mut previous = 0i64;
        let wire = Wire(
            self.entries
                .iter()
                .map(|e| {
                    let start = e.first.start as i64;
                    let delta = start - previous;
                    previous = start;
                    (e.term.as_str(), e.count, delta, e.first.len() as u32)
                })
                .collect(),
        );
        postcard::to_stdvec(&wire).map_err(|e| e.to_string())
    }

    /// The table bytes a stored document holds (none, for a document without them).
    pub(crate) fn stored(doc: &TantivyDocument, field: Field) -> Vec<u8> {
        doc.get_first(field)
            .and_then(|v| v.as_bytes())
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }

    /// Read back what [`TermTable::encode`] wrote, the terms borrowed from `bytes`.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Vec<TermRef<'_>>> {
        let corrupt = |what: String| {
            corrupt(format!(
                "terms field: {what} (an index written by another build? rebuild it)"
            ))
        };
        let Wire(wire) = postcard::from_bytes(bytes).map_err(|e| corrupt(e.to_string()))?;
        let mut start = 0i64;
        let mut entries = Vec::with_capacity(wire.len());
        for (term, count, delta, len) in wire {
            start += delta;
            let from = usize::try_from(start).map_err(|_| corrupt("negative start".into()))?;
            entries.push(TermRef {
                term,
                count,
                first: from..from + len as usize,
            });
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_table_agree_with_the_analyzer() {
        let a = Analyzer::new();
        let text = "Kafka engineer: Kafka streams, 熟悉消息队列与即时通讯。Kafka!";
        let (joined, _, table) = TermTable::analyse(&a, text);
        let mut expected = Vec::new();
        a.for_each_term(text, |t, r| expected.push((t.to_string(), r)));
        let got: Vec<&str> = joined.split(' ').collect();
        let terms: Vec<&str> = expected.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(got, terms);
        let length: u32 = table.entries().iter().map(|e| e.count).sum();
        assert_eq!(length as usize, expected.len());
        let kafka = &table.entries()[0];
        assert_eq!((kafka.term.as_str(), kafka.count), ("kafka", 3));
        assert_eq!(&text[kafka.first.clone()], "Kafka");
        // Every first range is where that term first came from.
        for e in table.entries() {
            let first = expected.iter().find(|(t, _)| *t == e.term).map(|(_, r)| r);
            assert_eq!(Some(&e.first), first, "{}", e.term);
        }
    }

    #[test]
    fn round_trips_and_refuses_garbage() {
        let a = Analyzer::new();
        for text in ["", "Rust, Go 和 分布式系统 (即时通讯); rust again"] {
            let (_, _, table) = TermTable::analyse(&a, text);
            let bytes = table.encode().unwrap();
            let back: Vec<(&str, u32, Range<usize>)> = TermTable::decode(&bytes)
                .unwrap()
                .into_iter()
                .map(|e| (e.term, e.count, e.first))
                .collect();
            let entries: Vec<(&str, u32, Range<usize>)> = table
                .entries()
                .iter()
                .map(|e| (e.term.as_str(), e.count, e.first.clone()))
                .collect();
            assert_eq!(back, entries);
        }
        assert!(TermTable::decode(&[0xff, 0xff, 0xff]).is_err());
    }
}
