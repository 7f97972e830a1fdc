//! The index schema: which profile fields are indexed, stored and fast.
//!
//! Only the ranking text (personal data blanked) and the headline are indexed for
//! search. The name is stored for display and never indexed; all the personal data
//! recognised is stored (never indexed) for blind output to check against. What re-scoring reads of
//! every candidate — id and facts — is in fast fields (see [`columns`](super::columns));
//! the stored document is read only for the results shown and the feedback profiles,
//! and what those need of the text's terms is stored analysed (see [`terms`](super::terms)).
//! No field keeps positions: phrases are indexed as terms of their own (the `phrases`
//! field, pairs of neighbouring words), which costs less than positions. Bump
//! [`SCHEMA_VERSION`] whenever fields, the analyzer or extraction change what an index
//! holds.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::phrases::is_han_phrase;
use crate::analysis::{OccupationId, Occupations, TOKENIZER_NAME};

/// The version of what an index holds. An index with another version is refused.
pub const SCHEMA_VERSION: u32 = 14;

/// The fields of the profile index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    /// Profile id (raw, exact): the upsert and delete key.
    pub id: Field,
    /// Source file path as given to `index`: to prune ids whose file is gone.
    pub path: Field,
    /// Content hash: to skip unchanged files.
    pub hash: Field,
    /// Display name (personal data): stored only, never indexed.
    pub name: Field,
    /// All the personal data recognised in the profile ([`Personal`](crate::Personal)
    /// as JSON): stored only, never indexed, read only by blind output to check that
    /// nothing it shows contains any of it.
    pub personal: Field,
    /// Headline (current title): indexed and stored.
    pub headline: Field,
    /// Ranking text (personal data blanked), indexed: its terms come analysed, joined by
    /// spaces, which the whitespace tokenizer splits — the analyzer does not run in the
    /// writer (see [`terms`](super::terms)). Not stored.
    pub body: Field,
    /// The same ranking text, stored (not indexed): snippets and evidence quotes.
    pub text: Field,
    /// The ranking text's distinct terms with their counts and first ranges, stored
    /// ([`TermTable`](super::TermTable)): feedback and matched terms without analysis.
    pub terms: Field,
    /// Canonical skill names, lowercased, one token each: skill rarity (document
    /// frequency) and `--require` filters.
    pub skills: Field,
    /// What re-scoring reads of the profile ([`RescoreFacts`](super::RescoreFacts): its
    /// [`ProfileFacts`](crate::ProfileFacts) and headline terms), in a fast field so that
    /// re-scoring a candidate never reads the document store. Not stored.
    pub facts: Field,
    /// The occupations the profile's title is read as ([`occupation_tokens`]): so that a
    /// job finds the holders of its occupation under any title.
    pub occupations: Field,
    /// The ranking text's Latin-script phrases
    /// ([`Phrases`](crate::analysis::phrases::Phrases)), indexed like `body`.
    pub phrases: Field,
    /// The ranking text's Chinese phrases, in a field of their own
    /// ([`Fields::phrase_field`]).
    pub han_phrases: Field,
    /// The profile's sentence vectors, quantised ([`ProfileVectors`](super::ProfileVectors)),
    /// fast: the nearest-neighbour scan reads every segment's column into memory once.
    pub vectors: Field,
}

/// The tokenizer of fields whose text is terms already, space-separated: Tantivy's
/// built-in whitespace tokenizer (no filters).
const ANALYSED: &str = "whitespace";

/// Occupations with a smaller share than this are not indexed.
const INDEXED_SHARE: f32 = 0.1;

/// The term of an occupation in the `occupations` field.
pub(crate) fn occupation_term(id: OccupationId) -> String {
    format!("o{id}")
}

/// The `occupations` field's text: each occupation of a share of at least
/// [`INDEXED_SHARE`] as its term, repeated once per quarter share (at least once), so
/// that BM25's term frequency follows the share.
pub(crate) fn occupation_tokens(occupations: &Occupations) -> String {
    let mut out = Vec::new();
    for &(id, share) in occupations.0.iter().filter(|(_, s)| *s >= INDEXED_SHARE) {
        let n = ((share * 4.0).round() as usize).max(1);
        out.extend(std::iter::repeat_n(occupation_term(id), n));
    }
    out.join(" ")
}

pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED | FAST),
        path: b.add_text_field("path", STRING | STORED | FAST),
        hash: b.add_u64_field("hash", FAST | STORED),
        name: b.add_text_field("name", STORED),
        personal: b.add_text_field("personal", STORED),
        headline: b.add_text_field("headline", indexed(TOKENIZER_NAME).set_stored()),
        body: b.add_text_field("body", indexed(ANALYSED)),
        text: b.add_text_field("text", STORED),
        terms: b.add_bytes_field("terms", STORED),
        skills: b.add_text_field("skills", STRING),
        facts: b.add_bytes_field("facts", FAST),
        occupations: b.add_text_field("occupations", indexed(ANALYSED)),
        phrases: b.add_text_field("phrases", indexed(ANALYSED)),
        han_phrases: b.add_text_field("han_phrases", indexed(ANALYSED)),
        vectors: b.add_bytes_field("vectors", FAST),
    };
    (b.build(), fields)
}

impl Fields {
    /// The field a phrase is indexed in: Chinese phrases have their own, so that their
    /// number (a Chinese text pairs nearly every two words) does not count as length
    /// against a profile's Latin phrases, nor the reverse.
    pub(crate) fn phrase_field(&self, phrase: &str) -> Field {
        match is_han_phrase(phrase) {
            true => self.han_phrases,
            false => self.phrases,
        }
    }

    pub(crate) fn from_schema(schema: &Schema) -> Option<Fields> {
        Some(Fields {
            id: schema.get_field("id").ok()?,
            path: schema.get_field("path").ok()?,
            hash: schema.get_field("hash").ok()?,
            name: schema.get_field("name").ok()?,
            personal: schema.get_field("personal").ok()?,
            headline: schema.get_field("headline").ok()?,
            body: schema.get_field("body").ok()?,
            text: schema.get_field("text").ok()?,
            terms: schema.get_field("terms").ok()?,
            skills: schema.get_field("skills").ok()?,
            facts: schema.get_field("facts").ok()?,
            occupations: schema.get_field("occupations").ok()?,
            phrases: schema.get_field("phrases").ok()?,
            han_phrases: schema.get_field("han_phrases").ok()?,
            vectors: schema.get_field("vectors").ok()?,
        })
    }
}
