//! Columns: what re-scoring reads of every candidate, without the document store.
//!
//! Ranking re-scores the BM25 top few hundred profiles of every query. Reading each
//! one's stored document would decompress doc-store blocks holding the whole résumé text
//! just to get at its facts, so what the features need lives in Tantivy fast fields
//! instead (columnar, memory-mapped, one small value a document): the [`RescoreFacts`] —
//! the profile's id, its [`ProfileFacts`] and its headline's analyzer terms, worked out
//! once at index time rather than at every query. The stored document is
//! read only for the results a ranking returns (name, headline and text, for the snippet,
//! matched terms and evidence quotes) and for feedback's few profiles (their analysed
//! terms, see [`terms`](super::terms)).
//!
//! The facts are serde data, written with [postcard](https://docs.rs/postcard) (compact,
//! not self-describing: half the bytes of JSON, and faster to read), so [`ProfileFacts`]
//! grows fields by derive alone. Because the encoding has no field names, any change to
//! what the facts hold — a new field included — needs a
//! [`SCHEMA_VERSION`](super::SCHEMA_VERSION) bump so that indexes are rebuilt with it, and
//! a field must not be skipped when serializing (no `skip_serializing_if`): a test below
//! round-trips real and empty facts to catch that. The column is not zstd-compressed
//! (see Cargo.toml): a compressed block costs more to open than the whole lookup.
//!
//! A profile is a candidate of many jobs, and decoding its facts (a dictionary lookup
//! and a String for every skill and title) was a tenth of a batch's time. So the
//! decoded facts are kept per document, in a [`FactsCache`] the engine holds across
//! queries, for at most [`CACHED_FACTS`] profiles: filled as candidates are first met,
//! kept while their segment lives. With them go the profile's skills resolved in the
//! engine's taxonomy (5 % of a batch when looked up for every job), and, for at most
//! [`CACHED_TERMS`] profiles, the stored term table feedback reads ([`TermTables`]:
//! reading it from the document store was 12 % of a lexical batch).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tantivy::columnar::BytesColumn;
use tantivy::index::SegmentId;
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher, TantivyDocument, TantivyError};

use crate::analysis::{SkillId, Taxonomy};
use crate::error::{Error, Result};
use crate::profile::ProfileFacts;

/// What re-scoring knows of one profile, as the `facts` fast field holds it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct RescoreFacts {
    /// The profile id: ties are broken by it. (Also in the `id` column, whose dictionary
    /// of short keys is slow to look up one by one: a scan of ~1,000 keys a block.)
    pub id: String,
    /// The facts the features judge.
    pub facts: ProfileFacts,
    /// The analyzer terms of the profile's headline, sorted and deduplicated (what the
    /// title feature compares the job title with).
    pub headline_terms: Vec<String>,
    /// The ids of `facts.skills` in the engine's taxonomy, those it knows, in their
    /// order: not stored, but looked up when [`Columns::facts`] decodes the facts, so a
    /// cached profile's skills are looked up once rather than once a job. (A
    /// [`FactsCache`] belongs to one engine, whose taxonomy is fixed.)
    #[serde(skip)]
    pub skill_ids: Vec<SkillId>,
}

impl RescoreFacts {
    /// The id, facts and headline terms of a profile, the terms in canonical order.
    pub(crate) fn new(
        id: &str,
        facts: ProfileFacts,
        mut headline_terms: Vec<String>,
    ) -> RescoreFacts {
        headline_terms.sort_unstable();
        headline_terms.dedup();
        RescoreFacts {
            id: id.to_string(),
            facts,
            headline_terms,
            skill_ids: Vec::new(),
        }
    }

    /// The bytes the `facts` fast field stores.
    pub(crate) fn encode(&self) -> std::result::Result<Vec<u8>, String> {
        postcard::to_stdvec(self).map_err(|e| e.to_string())
    }

    /// Read back what [`RescoreFacts::encode`] wrote.
    pub(crate) fn decode(bytes: &[u8]) -> Result<RescoreFacts> {
        postcard::from_bytes(bytes).map_err(|e| {
            corrupt(format!(
                "facts column: {e} (an index written by another build? rebuild it)"
            ))
        })
    }
}

/// How many profiles' decoded facts a [`FactsCache`] keeps at most, over all segments:
/// a few KB each, so on the order of 100 MB at most.
const CACHED_FACTS: usize = 32_768;

/// How many profiles' stored term tables a [`FactsCache`] keeps at most, over all
/// segments: feedback reads the tables of each job's best few profiles, and the same
/// profiles lead many jobs (at 10k, 1,000 jobs' best 20 are 7,015 profiles); a table is a
/// few KB.
const CACHED_TERMS: usize = 8_192;

/// What is kept of one document: its facts, set when first decoded, and its stored term
/// table, set when feedback first reads it.
#[derive(Default)]
struct Slot {
    facts: OnceLock<Arc<RescoreFacts>>,
    terms: OnceLock<Arc<[u8]>>,
}

/// One slot a document of a segment.
type Slots = Arc<[Slot]>;

/// The decoded [`RescoreFacts`] of documents met before, by segment id ([module
/// doc](self)): a document's facts never change while its segment lives.
#[derive(Default)]
pub(crate) struct FactsCache {
    segments: Mutex<FxHashMap<SegmentId, Slots>>,
    filled: AtomicUsize,
    terms_filled: AtomicUsize,
}

impl FactsCache {
    /// The slots of every segment of `searcher`, in its segment order; segments no
    /// longer in it are dropped, and their slots counted out.
    fn slots(&self, searcher: &Searcher) -> Vec<Slots> {
        let readers = searcher.segment_readers();
        let mut cache = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        let out = readers
            .iter()
            .map(|r| {
                let slots = cache
                    .entry(r.segment_id())
                    .or_insert_with(|| (0..r.max_doc()).map(|_| Slot::default()).collect());
                Arc::clone(slots)
            })
            .collect();
        if cache.len() > readers.len() {
            let live: Vec<SegmentId> = readers.iter().map(|r| r.segment_id()).collect();
            cache.retain(|id, slots| {
                let keep = live.contains(id);
                if !keep {
                    let n = slots.iter().filter(|s| s.facts.get().is_some()).count();
                    self.filled.fetch_sub(n, Ordering::Relaxed);
                    let n = slots.iter().filter(|s| s.terms.get().is_some()).count();
                    self.terms_filled.fetch_sub(n, Ordering::Relaxed);
                }
                keep
            });
        }
        out
    }
}

/// The facts column of every segment of one searcher: open it once per query, then
/// read any candidate's facts by its address.
pub(crate) struct Columns<'a> {
    segments: Vec<(Option<BytesColumn>, Slots)>,
    cache: &'a FactsCache,
    taxonomy: &'a Taxonomy,
}

impl<'a> Columns<'a> {
    /// Open the facts column of every segment of `searcher`, with `cache`'s facts; skills
    /// are resolved in `taxonomy`, the engine's (the one every use of `cache` passes).
    pub(crate) fn open(
        searcher: &Searcher,
        cache: &'a FactsCache,
        taxonomy: &'a Taxonomy,
    ) -> Result<Columns<'a>> {
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for (segment, slots) in searcher.segment_readers().iter().zip(cache.slots(searcher)) {
            // A segment without the column has no documents that have it: an address
            // into it is reported when read.
            segments.push((segment.fast_fields().bytes("facts")?, slots));
        }
        Ok(Columns {
            segments,
            cache,
            taxonomy,
        })
    }

    /// The re-scoring facts of the document at `addr`: from the cache, or decoded (and
    /// kept, while it has room); `buf` is scratch space a caller reading many documents
    /// can reuse.
    pub(crate) fn facts(&self, addr: DocAddress, buf: &mut Vec<u8>) -> Result<Arc<RescoreFacts>> {
        let (column, slots) = self
            .segments
            .get(addr.segment_ord as usize)
            .and_then(|(c, s)| Some((c.as_ref()?, s)))
            .ok_or_else(|| corrupt(format!("no facts column for {addr:?}")))?;
        let slot = slots.get(addr.doc_id as usize).map(|s| &s.facts);
        if let Some(facts) = slot.and_then(OnceLock::get) {
            return Ok(Arc::clone(facts));
        }
        let mut facts = match column.term_ords(addr.doc_id).next() {
            None => RescoreFacts::default(),
            Some(ord) => {
                buf.clear();
                column
                    .ord_to_bytes(ord, buf)
                    .map_err(|e| corrupt(format!("facts column: {e}")))?;
                RescoreFacts::decode(buf)?
            }
        };
        facts.skill_ids = facts.facts.skill_ids(self.taxonomy);
        let facts = Arc::new(facts);
        keep(slot, &facts, &self.cache.filled, CACHED_FACTS);
        Ok(facts)
    }
}

/// The stored term tables ([`TermTable`](super::TermTable)) of every segment of one
/// searcher, kept in a [`FactsCache`]: what feedback reads of its profiles, without
/// decompressing a document-store block and decoding the whole document each time the
/// same profile is among a job's best.
pub(crate) struct TermTables<'a> {
    searcher: &'a Searcher,
    field: Field,
    slots: Vec<Slots>,
    cache: &'a FactsCache,
}

impl<'a> TermTables<'a> {
    /// The term tables of `searcher`'s documents, in `field`, with `cache`'s.
    pub(crate) fn open(searcher: &'a Searcher, field: Field, cache: &'a FactsCache) -> Self {
        TermTables {
            searcher,
            field,
            slots: cache.slots(searcher),
            cache,
        }
    }

    /// The stored term table of the document at `addr` (empty if it has none).
    pub(crate) fn get(&self, addr: DocAddress) -> Result<Arc<[u8]>> {
        let slot = self
            .slots
            .get(addr.segment_ord as usize)
            .and_then(|s| s.get(addr.doc_id as usize))
            .map(|s| &s.terms);
        if let Some(table) = slot.and_then(OnceLock::get) {
            return Ok(Arc::clone(table));
        }
        let doc: TantivyDocument = self.searcher.doc(addr)?;
        let table: Arc<[u8]> = super::TermTable::stored(&doc, self.field).into();
        keep(slot, &table, &self.cache.terms_filled, CACHED_TERMS);
        Ok(table)
    }
}

/// Keep `value` in `slot` (a document's, if it has one) while fewer than `most` of its
/// kind are kept, counted in `filled`.
fn keep<T: ?Sized>(
    slot: Option<&OnceLock<Arc<T>>>,
    value: &Arc<T>,
    filled: &AtomicUsize,
    most: usize,
) {
    if let Some(slot) = slot
        && filled.load(Ordering::Relaxed) < most
        && slot.set(Arc::clone(value)).is_ok()
    {
        filled.fetch_add(1, Ordering::Relaxed);
    }
}

/// An index whose bytes are not what this build writes.
pub(super) fn corrupt(msg: String) -> Error {
    Error::from(TantivyError::InternalError(msg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Education, SkillEvidence};

    #[test]
    fn facts_survive_the_column_encoding() {
        let facts = ProfileFacts {
            skills: vec![SkillEvidence {
                skill: "Kafka".into(),
                text: "kafka".into(),
                span: (3, 8),
                mentions: 2,
            }],
            years: Some(7.5),
            education: Some(Education::Master),
            titles: vec!["architect".into()],
            occupations: crate::analysis::Occupations(vec![(3, 0.75), (4100, 0.25)]),
            location: Some("Shanghai".into()),
            written_in: "zh".into(),
        };
        let r = RescoreFacts::new(
            "a",
            facts,
            vec!["lead".into(), "architect".into(), "lead".into()],
        );
        assert_eq!(r.headline_terms, ["architect", "lead"]);
        assert_eq!(RescoreFacts::decode(&r.encode().unwrap()).unwrap(), r);
    }

    #[test]
    fn empty_facts_survive_the_column_encoding() {
        // A field skipped when empty (`skip_serializing_if`) would shift every later one
        // in postcard's field-name-less encoding.
        let r = RescoreFacts::default();
        assert_eq!(RescoreFacts::decode(&r.encode().unwrap()).unwrap(), r);
    }

    #[test]
    fn a_parsed_profiles_facts_survive_the_column_encoding() {
        let text = crate::ingest::Text::from_bytes(
            "Jane Doe\nSenior Backend Engineer\nShanghai\nMaster of Computer Science, 2012\n\
             2015.3-至今 负责微服务、Kafka 与 k8s 平台\n8 years of experience with Go and Rust."
                .as_bytes(),
            crate::ingest::Format::Text,
        )
        .unwrap();
        let profile = crate::profile::Profile::parse(
            "jane".to_string(),
            text,
            &crate::analysis::Lexicon::builtin(),
        );
        assert!(!profile.facts().skills.is_empty(), "{:?}", profile.facts());
        let r = RescoreFacts::new("jane", profile.facts(), vec!["engineer".into()]);
        assert_eq!(RescoreFacts::decode(&r.encode().unwrap()).unwrap(), r);
    }

    #[test]
    fn undecodable_facts_are_an_error_not_empty_facts() {
        assert!(RescoreFacts::decode(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff").is_err());
        assert!(RescoreFacts::decode(b"").is_err());
    }
}
