//! Analysis: how text becomes comparable terms.
//!
//! The [`Analyzer`] turns mixed Chinese/English text into index terms for Tantivy and
//! for query building; it is loaded once per process and shared.

mod tokenizer;

pub(crate) use tokenizer::is_han;
pub use tokenizer::{Analyzer, MixedTokenizer, TOKENIZER_NAME};
