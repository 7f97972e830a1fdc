//! Where a term's postings are and how many documents hold it, read from the term
//! dictionary once per thread and segment.
//!
//! A job's query is a hundred or more terms, and every one is looked up several times:
//! for its idf when the terms are ranked against the postings budget (twice, with
//! feedback), when feedback weighs the first search's words, when the search weighs its
//! clauses, and again when the search opens its postings. Across a batch the same words
//! come back job after job. Each look-up walks Tantivy's FST (the term dictionary): 7 % of
//! a lexical batch of 1,000 jobs at 10k profiles, before this cache. A segment never
//! changes once written (deletes do not touch its dictionary, and Tantivy's document
//! frequencies count deleted documents), and a segment id is unique to its segment, so
//! a [`TermInfo`] read once is right for as long as the process lives, whatever index or
//! engine asks.
//!
//! The infos are kept per thread, not shared: a look-up is then a hash of the term's
//! bytes with no lock between the pool's threads. Each thread keeps at most
//! [`MAX_TERMS`] terms and [`MAX_SEGMENTS`] segments, and forgets everything when either
//! is passed (a rebuilt or merged index leaves its old segments behind).

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::postings::{SegmentPostings, TermInfo};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, SegmentReader, TantivyError, Term, index::SegmentId};

use crate::error::Result;

/// Terms one thread keeps the infos of, over all segments: about 100 bytes each.
const MAX_TERMS: usize = 1 << 18;

/// Segments one thread keeps the infos of.
const MAX_SEGMENTS: usize = 64;

/// One segment's infos, by field and by the term's value bytes (`None`: the segment does
/// not have the term).
type SegmentInfos = FxHashMap<Field, FxHashMap<Box<[u8]>, Option<TermInfo>>>;

/// One thread's infos.
#[derive(Default)]
struct Known {
    segments: FxHashMap<SegmentId, SegmentInfos>,
    terms: usize,
}

thread_local! {
    static KNOWN: RefCell<Known> = RefCell::new(Known::default());
}

/// `term`'s info in `segment`, or `None` if the segment does not have it.
pub(crate) fn term_info(segment: &SegmentReader, term: &Term) -> Result<Option<TermInfo>> {
    let bytes = term.serialized_value_bytes();
    let known = KNOWN.with_borrow(|k| {
        k.segments
            .get(&segment.segment_id())
            .and_then(|fields| fields.get(&term.field()))
            .and_then(|terms| terms.get(bytes))
            .cloned()
    });
    if let Some(info) = known {
        return Ok(info);
    }
    let info = segment
        .inverted_index(term.field())?
        .get_term_info(term)
        .map_err(TantivyError::from)?;
    KNOWN.with_borrow_mut(|k| {
        if k.terms >= MAX_TERMS
            || (k.segments.len() >= MAX_SEGMENTS && !k.segments.contains_key(&segment.segment_id()))
        {
            *k = Known::default();
        }
        k.terms += 1;
        k.segments
            .entry(segment.segment_id())
            .or_default()
            .entry(term.field())
            .or_default()
            .insert(bytes.into(), info.clone());
    });
    Ok(info)
}

/// How many documents of `searcher` hold `term`, deleted ones included: what
/// [`Searcher::doc_freq`] says, from the infos kept.
pub(crate) fn doc_freq(searcher: &Searcher, term: &Term) -> Result<u64> {
    let mut total = 0;
    for segment in searcher.segment_readers() {
        total += term_info(segment, term)?.map_or(0, |info| u64::from(info.doc_freq));
    }
    Ok(total)
}

/// `term`'s postings in `segment` with `option`, or `None` if the segment does not have
/// it: [`tantivy::InvertedIndexReader::read_postings`] from the infos kept.
pub(crate) fn postings(
    segment: &SegmentReader,
    term: &Term,
    option: IndexRecordOption,
) -> Result<Option<SegmentPostings>> {
    let Some(info) = term_info(segment, term)? else {
        return Ok(None);
    };
    let postings = segment
        .inverted_index(term.field())?
        .read_postings_from_terminfo(&info, option)
        .map_err(TantivyError::from)?;
    Ok(Some(postings))
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{STRING, Schema};
    use tantivy::{DocSet, Index, TERMINATED, doc};

    use super::*;

    #[test]
    fn infos_kept_say_what_the_dictionary_says_across_segments_and_deletes() {
        let mut schema = Schema::builder();
        let f = schema.add_text_field("f", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for word in ["rust", "go", "rust"] {
            writer.add_document(doc!(f => word)).unwrap();
        }
        writer.commit().unwrap();
        for word in ["rust", "kafka"] {
            writer.add_document(doc!(f => word)).unwrap();
        }
        writer.commit().unwrap();
        writer.delete_term(Term::from_field_text(f, "go"));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        for _ in 0..2 {
            // The second round reads what the first kept.
            for word in ["rust", "go", "kafka", "scala"] {
                let term = Term::from_field_text(f, word);
                assert_eq!(
                    doc_freq(&searcher, &term).unwrap(),
                    searcher.doc_freq(&term).unwrap(),
                    "{word}"
                );
            }
            let rust = Term::from_field_text(f, "rust");
            let mut docs = 0;
            for segment in searcher.segment_readers() {
                let mut p = postings(segment, &rust, IndexRecordOption::Basic)
                    .unwrap()
                    .unwrap();
                while p.doc() != TERMINATED {
                    docs += 1;
                    p.advance();
                }
            }
            assert_eq!(docs, 3);
        }
        let scala = Term::from_field_text(f, "scala");
        for segment in searcher.segment_readers() {
            assert!(
                postings(segment, &scala, IndexRecordOption::Basic)
                    .unwrap()
                    .is_none()
            );
        }
    }
}
