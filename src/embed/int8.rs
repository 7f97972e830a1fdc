//! The n-gram convolutions' GEMMs in 8-bit integers, on CPUs with AVX-512 VNNI.
//!
//! The six convolution matrices (`(n·256) × 256`, n = 2, 3, 5) are nearly all of the
//! encoder's multiply-adds a token. On a CPU with AVX-512 VNNI, `vpdpbusd` multiplies
//! 64 pairs of bytes and adds them into 16 sums in one instruction, where an `f32` FMA
//! does 16: the same GEMM runs four to five times faster (measured on the Xeon of
//! sessions 23–26, M = 384 tokens: 250–360 GMAC/s against matrixmultiply's 45–70).
//!
//! - **Weights**, once at load: each output column `j` gets a scale
//!   `s_w[j] = max_k |W[k, j]| / 127` and `W` is rounded to `i8` by it. They are packed
//!   as VNNI reads them: per block of 16 columns, per 4 consecutive `k`, 64 bytes.
//! - **Activations**, per GEMM: each row (an im2col window of one token) gets its own
//!   scale `s_a[i] = max_k |x[i, k]| / 127`, is rounded to `i8` by it and stored as
//!   `u8` with 128 added (`vpdpbusd` multiplies unsigned by signed bytes).
//! - **The sums are exact** integers (at most 1280 · 255 · 127 < 2³¹), so the result
//!   `s_a[i] · s_w[j] · (Σ_k u[i, k] · w[k, j] − 128 · Σ_k w[k, j])` carries only the two
//!   roundings. A zero window slot (padding) is `u = 128` and adds exactly nothing.
//!
//! The vectors differ from the `f32` ones by rounding alone: cosine ≥ 0.999 on the
//! encoder's test sample (`int8_vectors_are_the_f32_ones_to_rounding`), and both pass
//! the parity test against the reference. A CPU without the instructions uses the `f32`
//! path; [`super::Encoder::version`] says which one encoded a vector, since an audit log
//! must name exactly what ranked.

use super::weights::Matrix;

/// Whether this CPU can run the 8-bit kernels (AVX-512 F, BW and VNNI), asked once.
pub(crate) fn supported() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static SUPPORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *SUPPORTED.get_or_init(|| {
            std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512vnni")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Columns one micro-kernel call writes: four blocks of 16.
const COLS: usize = 64;
/// Rows one micro-kernel call reads: 6 × 4 accumulators, 4 weight registers and one
/// broadcast fit AVX-512's 32 registers.
const ROWS: usize = 6;

/// A weight matrix rounded to `i8` per output column and packed for `vpdpbusd`.
#[derive(Debug)]
pub(crate) struct Int8Matrix {
    k: usize,
    n: usize,
    /// `[n / 16][k / 4][16][4]`: block of 16 columns, group of 4 rows, column, row.
    packed: Vec<i8>,
    /// `Σ_k w[k, j]` of the rounded weights, for taking the activations' 128 back out.
    colsum: Vec<i32>,
    /// `s_w[j]`.
    scale: Vec<f32>,
}

impl Int8Matrix {
    /// `m` rounded and packed; its rows must be a multiple of 16 and its columns of 64.
    pub(crate) fn new(m: &Matrix) -> Int8Matrix {
        let (k, n) = (m.rows, m.cols);
        assert!(
            k % 16 == 0 && n % COLS == 0,
            "an int8 matrix is k × n with 16 | k and 64 | n, not {k} × {n}"
        );
        let mut scale = vec![0f32; n];
        for row in m.data.chunks_exact(n) {
            for (s, &w) in scale.iter_mut().zip(row) {
                *s = s.max(w.abs());
            }
        }
        scale.iter_mut().for_each(|s| *s /= 127.0);
        // Row-major, rounded by the column's scale.
        let q: Vec<i8> = m
            .data
            .chunks_exact(n)
            .flat_map(|row| row.iter().zip(&scale))
            .map(|(&w, &s)| match s > 0.0 {
                true => (w / s).round().clamp(-127.0, 127.0) as i8,
                false => 0,
            })
            .collect();
        let mut colsum = vec![0i32; n];
        for row in q.chunks_exact(n) {
            colsum
                .iter_mut()
                .zip(row)
                .for_each(|(c, &v)| *c += i32::from(v));
        }
        let quads = k / 4;
        let mut packed = vec![0i8; k * n];
        for block in 0..n / 16 {
            for quad in 0..quads {
                for c in 0..16 {
                    for r in 0..4 {
                        packed[((block * quads + quad) * 16 + c) * 4 + r] =
                            q[(quad * 4 + r) * n + block * 16 + c];
                    }
                }
            }
        }
        Int8Matrix {
            k,
            n,
            packed,
            colsum,
            scale,
        }
    }
}

/// Rows of 8-bit activations and their scales, reused across calls.
#[derive(Debug, Default)]
pub(crate) struct Quantized {
    bytes: Vec<u8>,
    scales: Vec<f32>,
    /// Per source row of [`gemm_windows`]: its largest magnitude.
    row_max: Vec<f32>,
}

/// The n-gram windows of a convolution, read where they lie: `src` holds one row of
/// `width` floats per token, `stride` apart; window `i` is rows `i - left .. i - left + n`
/// side by side, zeros for those outside token `i`'s sentence (`bounds[i]`: its first
/// and one-past-last token).
pub(crate) struct Windows<'a> {
    pub src: &'a [f32],
    pub stride: usize,
    pub width: usize,
    /// `(n, left)`.
    pub order: (usize, usize),
    pub bounds: &'a [(u32, u32)],
}

impl Windows<'_> {
    /// The source row in slot `k` of window `i`, if it lies in `i`'s sentence.
    #[inline]
    pub(crate) fn row(&self, i: usize, k: usize) -> Option<usize> {
        let (lo, hi) = self.bounds[i];
        let p = (i + k).checked_sub(self.order.1)?;
        (p >= lo as usize && p < hi as usize).then_some(p)
    }
}

/// `c[i·c_rs ..][..n] = x[i·k ..][..k] · b` for the `m` rows of `x` (row-major, `k` =
/// `b`'s rows), each row rounded to 8 bits on its own scale into `q` first. Only on a
/// CPU [`supported`] says can. What [`gemm_windows`] computes, for rows gathered
/// beforehand: the tests hold one to the other.
#[cfg(test)]
fn gemm(m: usize, x: &[f32], b: &Int8Matrix, c: &mut [f32], c_rs: usize, q: &mut Quantized) {
    let k = b.k;
    if m == 0 {
        return;
    }
    assert!(supported(), "int8 kernels on a CPU without AVX-512 VNNI");
    assert!(x.len() >= m * k);
    q.bytes.resize(m * k, 0);
    q.scales.resize(m, 0.0);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `supported()` checked the target features; the assert above keeps every
    // row read (`x`) and written (`q`) inside its slice.
    unsafe {
        kernels::quantize(&x[..m * k], k, &mut q.bytes, &mut q.scales);
    }
    multiply(m, b, c, c_rs, q);
}

/// `c[i·c_rs ..][..n] = window i · b` for the `m` windows of `w` (`n·width` = `b`'s
/// rows), on a CPU [`supported`] says can: the product of the im2col matrix of `w`,
/// without writing it out in floats. Each window is rounded to 8 bits on its own scale,
/// `s_a = max |window| / 127`, read straight from its rows (its largest magnitude is the
/// largest of its rows', each found once), to the bytes the gathered window would round
/// to.
pub(crate) fn gemm_windows(
    m: usize,
    w: &Windows<'_>,
    b: &Int8Matrix,
    c: &mut [f32],
    c_rs: usize,
    q: &mut Quantized,
) {
    let (n, width) = (w.order.0, w.width);
    if m == 0 {
        return;
    }
    assert!(supported(), "int8 kernels on a CPU without AVX-512 VNNI");
    assert!(b.k == n * width && width.is_multiple_of(16) && w.bounds.len() >= m);
    assert!(w.stride >= width && w.src.len() >= (m - 1) * w.stride + width);
    q.bytes.resize(m * b.k, 0);
    q.scales.resize(m, 0.0);
    q.row_max.resize(m, 0.0);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `supported()` checked the target features; the asserts above keep the
    // `m` source rows (`stride` apart, `width` each) inside `src`, and a window's rows
    // are source rows of its sentence (`Windows::row`), all below `m`.
    unsafe {
        for (i, max) in q.row_max.iter_mut().enumerate() {
            *max = kernels::abs_max(&w.src[i * w.stride..i * w.stride + width]);
        }
        for (i, (out, scale)) in (q.bytes.chunks_exact_mut(b.k))
            .zip(q.scales.iter_mut())
            .enumerate()
        {
            let max = (0..n)
                .filter_map(|k| w.row(i, k))
                .map(|p| q.row_max[p])
                .fold(0.0f32, f32::max);
            let inv;
            (*scale, inv) = scale_of(max);
            for (k, slot) in out.chunks_exact_mut(width).enumerate() {
                match w.row(i, k) {
                    Some(p) => {
                        kernels::round(&w.src[p * w.stride..p * w.stride + width], inv, slot)
                    }
                    None => slot.fill(128),
                }
            }
        }
    }
    multiply(m, b, c, c_rs, q);
}

/// A row's scale `s_a` and its inverse, from its largest magnitude.
fn scale_of(max: f32) -> (f32, f32) {
    match max > 0.0 {
        true => (max / 127.0, 127.0 / max),
        false => (0.0, 0.0),
    }
}

/// The products of the `m` quantized rows of `q` with `b`, scaled back into `c`.
fn multiply(m: usize, b: &Int8Matrix, c: &mut [f32], c_rs: usize, q: &Quantized) {
    let (k, n) = (b.k, b.n);
    assert!(q.bytes.len() >= m * k && q.scales.len() >= m);
    assert!(c_rs >= n && c.len() >= (m - 1) * c_rs + n);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the callers checked `supported()`; the asserts above keep every row read
    // (`q`) and written (`c`) inside its slice, and `c` is borrowed mutably, so it
    // aliases nothing read.
    unsafe {
        let (a, scales, c) = (q.bytes.as_ptr(), q.scales.as_ptr(), c.as_mut_ptr());
        for block in (0..n / 16).step_by(COLS / 16) {
            let mut i = 0;
            while i + ROWS <= m {
                kernels::block::<ROWS>(
                    a.add(i * k),
                    scales.add(i),
                    b,
                    block,
                    c.add(i * c_rs),
                    c_rs,
                );
                i += ROWS;
            }
            while i < m {
                kernels::block::<1>(a.add(i * k), scales.add(i), b, block, c.add(i * c_rs), c_rs);
                i += 1;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod kernels {
    use std::arch::x86_64::*;

    use super::Int8Matrix;

    /// Rows of `k` floats to `u8` (rounded to nearest, 128 added) and their scales.
    #[cfg(test)]
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn quantize(x: &[f32], k: usize, out: &mut [u8], scales: &mut [f32]) {
        debug_assert!(k.is_multiple_of(16) && out.len() >= x.len());
        for ((row, out), scale) in x.chunks_exact(k).zip(out.chunks_exact_mut(k)).zip(scales) {
            // SAFETY: `row` and `out` are `k` long, 16 | k.
            unsafe {
                let inv;
                (*scale, inv) = super::scale_of(abs_max(row));
                round(row, inv, out);
            }
        }
    }

    /// The largest magnitude in `row` (16 | its length).
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn abs_max(row: &[f32]) -> f32 {
        debug_assert!(row.len().is_multiple_of(16));
        // SAFETY: every load is 16 lanes inside `row`.
        unsafe {
            let mut max = _mm512_setzero_ps();
            for c in (0..row.len()).step_by(16) {
                max = _mm512_max_ps(max, _mm512_abs_ps(_mm512_loadu_ps(row.as_ptr().add(c))));
            }
            _mm512_reduce_max_ps(max)
        }
    }

    /// `row` times `inv`, rounded to nearest, 128 added, as bytes into `out` (as long).
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn round(row: &[f32], inv: f32, out: &mut [u8]) {
        debug_assert!(row.len().is_multiple_of(16) && out.len() == row.len());
        // SAFETY: every load and store is 16 lanes inside `row` or `out`, as long.
        unsafe {
            let inv = _mm512_set1_ps(inv);
            let offset = _mm512_set1_epi32(128);
            for c in (0..row.len()).step_by(16) {
                let v = _mm512_mul_ps(_mm512_loadu_ps(row.as_ptr().add(c)), inv);
                let u = _mm512_add_epi32(_mm512_cvtps_epi32(v), offset);
                _mm_storeu_si128(out.as_mut_ptr().add(c).cast(), _mm512_cvtepi32_epi8(u));
            }
        }
    }

    /// `R` rows (from `a`, `k` bytes apart) times columns `16·block ..` + 64 of `b`,
    /// scaled back to floats into `c` (rows `c_rs` apart).
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) unsafe fn block<const R: usize>(
        a: *const u8,
        scales: *const f32,
        b: &Int8Matrix,
        block: usize,
        c: *mut f32,
        c_rs: usize,
    ) {
        let (k, quads) = (b.k, b.k / 4);
        let w = b.packed.as_ptr();
        let mut acc = [[_mm512_setzero_si512(); 4]; R];
        // SAFETY (the whole body): the caller keeps rows `0..R` of `a` (k bytes each)
        // and of `c` (columns `16·block .. + 64`) in bounds; the packed weights hold
        // `n / 16` blocks of `quads` 64-byte groups, and `block + 3 < n / 16`.
        unsafe {
            for quad in 0..quads {
                let mut wv = [_mm512_setzero_si512(); 4];
                for (cb, wv) in wv.iter_mut().enumerate() {
                    *wv = _mm512_loadu_si512(w.add(((block + cb) * quads + quad) * 64).cast());
                }
                for (r, acc) in acc.iter_mut().enumerate() {
                    let av =
                        _mm512_set1_epi32(a.add(r * k + quad * 4).cast::<i32>().read_unaligned());
                    for (acc, wv) in acc.iter_mut().zip(&wv) {
                        *acc = _mm512_dpbusd_epi32(*acc, av, *wv);
                    }
                }
            }
            for (r, acc) in acc.iter().enumerate() {
                let s = _mm512_set1_ps(*scales.add(r));
                for (cb, acc) in acc.iter().enumerate() {
                    let j = (block + cb) * 16;
                    let colsum = _mm512_loadu_si512(b.colsum.as_ptr().add(j).cast());
                    let exact = _mm512_sub_epi32(*acc, _mm512_slli_epi32(colsum, 7));
                    let v = _mm512_mul_ps(_mm512_cvtepi32_ps(exact), s);
                    let v = _mm512_mul_ps(v, _mm512_loadu_ps(b.scale.as_ptr().add(j)));
                    _mm512_storeu_ps(c.add(r * c_rs + j), v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(rows: usize, cols: usize, seed: u64) -> Matrix {
        let mut s = seed;
        let data = (0..rows * cols)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) - 0.5
            })
            .collect();
        Matrix { rows, cols, data }
    }

    #[test]
    fn int8_gemm_is_the_f32_product_to_rounding() {
        if !supported() {
            eprintln!("skipped: this CPU has no AVX-512 VNNI");
            return;
        }
        for (m, k) in [(1, 512), (7, 768), (13, 1280)] {
            let w = matrix(k, 256, k as u64);
            let mut x = matrix(m, k, 7).data;
            x[3] = 0.0;
            x[..k].iter_mut().skip(k / 2).for_each(|v| *v = 0.0); // a half-padded window
            let q = Int8Matrix::new(&w);
            let c_rs = 300;
            let mut got = vec![f32::NAN; (m - 1) * c_rs + 256];
            gemm(m, &x, &q, &mut got, c_rs, &mut Quantized::default());
            for i in 0..m {
                let want: Vec<f32> = (0..256)
                    .map(|j| (0..k).map(|r| x[i * k + r] * w.data[r * 256 + j]).sum())
                    .collect();
                let got = &got[i * c_rs..i * c_rs + 256];
                let dot: f32 = want.iter().zip(got).map(|(a, b)| a * b).sum();
                let norm = |v: &[f32]| v.iter().map(|a| a * a).sum::<f32>().sqrt();
                let cos = dot / (norm(&want) * norm(got));
                assert!(cos > 0.9999, "m {m} k {k} row {i}: cosine {cos}");
            }
        }
    }

    #[test]
    fn windows_read_where_they_lie_are_the_gathered_windows_to_the_bit() {
        if !supported() {
            return;
        }
        let (t, width, order) = (7, 256, (3, 1));
        let src = matrix(t, width, 11).data;
        let bounds: Vec<(u32, u32)> = [(0, 4); 4].into_iter().chain([(4, 7); 3]).collect();
        let w = Windows {
            src: &src,
            stride: width,
            width,
            order,
            bounds: &bounds,
        };
        let mut gathered = vec![0f32; t * 3 * width];
        for (i, row) in gathered.chunks_exact_mut(3 * width).enumerate() {
            for (k, slot) in row.chunks_exact_mut(width).enumerate() {
                let p = (i + k).wrapping_sub(1);
                let (lo, hi) = bounds[i];
                if i + k >= 1 && p >= lo as usize && p < hi as usize {
                    slot.copy_from_slice(&src[p * width..(p + 1) * width]);
                }
            }
        }
        let b = Int8Matrix::new(&matrix(3 * width, 256, 5));
        let (mut want, mut got) = (vec![0f32; t * 256], vec![0f32; t * 256]);
        gemm(t, &gathered, &b, &mut want, 256, &mut Quantized::default());
        gemm_windows(t, &w, &b, &mut got, 256, &mut Quantized::default());
        assert!(
            want.iter()
                .zip(&got)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
        assert!(want.iter().any(|&v| v != 0.0));
    }

    #[test]
    fn an_all_zero_row_gives_zeros() {
        if !supported() {
            return;
        }
        let w = matrix(512, 256, 3);
        let mut c = vec![f32::NAN; 256];
        gemm(
            1,
            &[0.0; 512],
            &Int8Matrix::new(&w),
            &mut c,
            256,
            &mut Quantized::default(),
        );
        assert!(c.iter().all(|&v| v == 0.0));
    }
}
