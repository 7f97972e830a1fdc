//! The encoder's vectors of short texts, one per line of standard input, written to
//! standard output as little-endian f32 rows of `matcher::EMBED_DIM` (each line is one
//! passage, as the engine reads a title).
//! `scripts/fit_title_adapter.py` calls it for the title pairs it learns from.
//!
//!     cargo run --release --example embed_lines < titles.txt > titles.f32
use std::io::{BufRead, Write};

use rayon::prelude::*;

fn main() -> std::io::Result<()> {
    let lines: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;
    let enc = matcher::Encoder::builtin();
    let vectors: Vec<Vec<f32>> = lines
        .par_chunks(256)
        .flat_map_iter(|chunk| {
            let texts: Vec<&str> = chunk.iter().map(|s| s.trim()).collect();
            enc.encode_batch(&texts).into_iter().map(|v| v.to_vec())
        })
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for v in vectors {
        for x in v {
            out.write_all(&x.to_le_bytes())?;
        }
    }
    out.flush()
}
