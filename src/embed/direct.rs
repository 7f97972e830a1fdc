//! `f32` GEMMs read straight from the weights, on CPUs with AVX-512.
//!
//! After the tokens are summed per sentence, the encoder's output projection
//! (1280 × 512) and its head (six matrices of 320 or 512 a side) multiply one row per
//! sentence: a few dozen rows at most ([`super::model::HEAD_ROWS`]), 7–9 when the head
//! ran per micro-batch of profiles. matrixmultiply copies the whole weight matrix into
//! its packed panel at every call, so with that few rows the copy, not the arithmetic,
//! was the work (perf: packing 11 % of indexing, its kernel 7 %). Here a tile of up to
//! [`ROWS`] rows keeps its 32 columns of sums in registers and walks the weights' rows
//! as they lie. `k` is taken [`K_BLOCK`] rows at a time, each block of weights (at most
//! 384 KB) read by every tile while it is in cache, so many rows (a micro-batch of
//! titles, new piece ids) stay fast too.
//!
//! **Every row gets the same bits whatever the others.** A sum runs down `k` in order,
//! one fused multiply-add a step, and is kept in `c` between blocks (a store and a load
//! are exact), so a row's result is one chain of operations that neither the number of
//! rows nor the tile a row falls in changes: a text encodes to the same vector alone or
//! in any batch, as the encoder promises. The chain differs from matrixmultiply's,
//! which adds partial sums of 256 at a time, by an `f32` rounding here and there.

use super::weights::Matrix;

/// Rows a register tile holds: 8 rows × 2 vectors of 16 sums, the two weight vectors
/// and a broadcast fit AVX-512's 32 registers.
const ROWS: usize = 8;

/// Rows of the weights each pass over the tiles reads: 128 × 768 floats is 384 KB,
/// within a core's second-level cache.
const K_BLOCK: usize = 128;

/// Whether this CPU has AVX-512 F (std caches the answer).
pub(crate) fn supported() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `c[i·c_rs ..][..n] = a[i·a_rs ..][..k] · b` for `m` rows, `b` being `k × n` with
/// 32 | n. Only on a CPU [`supported`] says can.
pub(crate) fn gemm(m: usize, a: &[f32], a_rs: usize, b: &Matrix, c: &mut [f32], c_rs: usize) {
    let (k, n) = (b.rows, b.cols);
    if m == 0 {
        return;
    }
    assert!(supported(), "AVX-512 kernels on a CPU without AVX-512");
    assert!(n.is_multiple_of(32) && a_rs >= k && c_rs >= n && b.data.len() == k * n);
    assert!(a.len() >= (m - 1) * a_rs + k && c.len() >= (m - 1) * c_rs + n);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `supported()` checked the target feature; the asserts above keep every
    // row read (`a`, `b`) and written (`c`) inside its slice, and `c` is borrowed
    // mutably, so it aliases nothing read.
    unsafe {
        let (a, b, c) = (a.as_ptr(), b.data.as_ptr(), c.as_mut_ptr());
        for k0 in (0..k).step_by(K_BLOCK) {
            let kb = K_BLOCK.min(k - k0);
            let (b, first) = (b.add(k0 * n), k0 == 0);
            let mut i = 0;
            while i < m {
                let (a, c) = (a.add(i * a_rs + k0), c.add(i * c_rs));
                let rows = (m - i).min(ROWS);
                match rows {
                    8 => kernels::tile::<8>(kb, n, a, a_rs, b, c, c_rs, first),
                    7 => kernels::tile::<7>(kb, n, a, a_rs, b, c, c_rs, first),
                    6 => kernels::tile::<6>(kb, n, a, a_rs, b, c, c_rs, first),
                    5 => kernels::tile::<5>(kb, n, a, a_rs, b, c, c_rs, first),
                    4 => kernels::tile::<4>(kb, n, a, a_rs, b, c, c_rs, first),
                    3 => kernels::tile::<3>(kb, n, a, a_rs, b, c, c_rs, first),
                    2 => kernels::tile::<2>(kb, n, a, a_rs, b, c, c_rs, first),
                    _ => kernels::tile::<1>(kb, n, a, a_rs, b, c, c_rs, first),
                }
                i += rows;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod kernels {
    use std::arch::x86_64::*;

    /// `R` rows of `a` (`a_rs` apart, `k` floats from the block's first) times `k`
    /// rows of `b` (`n` floats each) into `c` (`c_rs` apart): the sums start from zero
    /// when `first`, else from the partial sums `c` holds.
    #[allow(clippy::too_many_arguments)]
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn tile<const R: usize>(
        k: usize,
        n: usize,
        a: *const f32,
        a_rs: usize,
        b: *const f32,
        c: *mut f32,
        c_rs: usize,
        first: bool,
    ) {
        // SAFETY (the whole body): the caller keeps rows `0..R` of `a` (`k` floats) and
        // of `c` (`n` floats), and `k` rows of `n` floats of `b`, in bounds; 32 | n.
        unsafe {
            for j in (0..n).step_by(32) {
                let mut acc = [[_mm512_setzero_ps(); 2]; R];
                if !first {
                    for (r, acc) in acc.iter_mut().enumerate() {
                        let at = c.add(r * c_rs + j);
                        *acc = [_mm512_loadu_ps(at), _mm512_loadu_ps(at.add(16))];
                    }
                }
                let mut w = b.add(j);
                for kk in 0..k {
                    let (w0, w1) = (_mm512_loadu_ps(w), _mm512_loadu_ps(w.add(16)));
                    for (r, acc) in acc.iter_mut().enumerate() {
                        let x = _mm512_set1_ps(*a.add(r * a_rs + kk));
                        acc[0] = _mm512_fmadd_ps(x, w0, acc[0]);
                        acc[1] = _mm512_fmadd_ps(x, w1, acc[1]);
                    }
                    w = w.add(n);
                }
                for (r, acc) in acc.iter().enumerate() {
                    let at = c.add(r * c_rs + j);
                    _mm512_storeu_ps(at, acc[0]);
                    _mm512_storeu_ps(at.add(16), acc[1]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pseudo-random, signed, reproducible floats.
    fn floats(seed: u64, len: usize) -> Vec<f32> {
        let mut s = seed | 1;
        (0..len)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn products_are_the_sums_to_rounding_and_a_row_the_same_bits_in_any_company() {
        assert!(
            supported(),
            "this machine has no AVX-512: the kernels it tests cannot run here"
        );
        // The head's shapes, the input projection's, a short one, and rows with room
        // beside them (strides); up to 40 rows: several tiles and a remainder.
        for (k, n, pad) in [
            (1280, 512, 0),
            (320, 320, 0),
            (512, 768, 0),
            (7, 64, 3),
            (300, 96, 16),
        ] {
            let b = Matrix {
                rows: k,
                cols: n,
                data: floats(k as u64 * 31 + n as u64, k * n),
            };
            let (a_rs, c_rs) = (k + pad, n + pad);
            let rows = 40;
            let a = floats(7 + k as u64, rows * a_rs);
            let mut all = floats(11, rows * c_rs);
            let untouched = all.clone();
            gemm(rows, &a, a_rs, &b, &mut all, c_rs);
            for i in 0..rows {
                let row = &all[i * c_rs..][..c_rs];
                for (j, &got) in row[..n].iter().enumerate() {
                    let want: f64 = (0..k)
                        .map(|kk| f64::from(a[i * a_rs + kk]) * f64::from(b.data[kk * n + j]))
                        .sum();
                    let tolerance = 1e-5 * (k as f64).sqrt() * (1.0 + want.abs());
                    assert!(
                        (f64::from(got) - want).abs() <= tolerance,
                        "k {k} n {n} row {i} column {j}: {got} against {want}"
                    );
                }
                assert_eq!(
                    row[n..],
                    untouched[i * c_rs + n..][..pad],
                    "the stride's room"
                );
            }
            // Each row alone, and rows 3.. as a batch of their own, give the same bits.
            for i in [0, 5, 8, 17, 39] {
                let mut alone = vec![0.0; n];
                gemm(1, &a[i * a_rs..], a_rs, &b, &mut alone, n);
                assert_eq!(alone, all[i * c_rs..][..n], "k {k} n {n}: row {i} alone");
            }
            let mut later = vec![0.0; (rows - 3) * c_rs];
            gemm(rows - 3, &a[3 * a_rs..], a_rs, &b, &mut later, c_rs);
            for i in 3..rows {
                assert_eq!(
                    later[(i - 3) * c_rs..][..n],
                    all[i * c_rs..][..n],
                    "k {k} n {n}: row {i} in another tile"
                );
            }
        }
    }
}
