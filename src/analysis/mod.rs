//! Analysis: how text becomes comparable terms.
//!
//! The [`Analyzer`] turns mixed Chinese/English text into index terms for Tantivy and
//! for query building; the [`Taxonomy`] recognises skills under any of their names.
//! Both are loaded once per process and shared.

mod taxonomy;
mod tokenizer;

pub use taxonomy::{Mention, Skill, SkillId, Taxonomy};
pub(crate) use tokenizer::is_han;
pub use tokenizer::{Analyzer, MixedTokenizer, TOKENIZER_NAME};
