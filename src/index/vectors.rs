//! Vectors: each profile's sentence vectors, quantised, in the index, and a per-segment
//! copy in memory for the nearest-neighbour scan.
//!
//! A profile has two vectors ([`ProfileVectors`]): its text (what it says, in any
//! language) and its title (what it is, from the headline). Each is stored as 512 signed
//! bytes and a scale — an eighth of the floats' size, at a cosine error under 0.005 —
//! in the `vectors` fast bytes column, so that they are written in the same commit as
//! the rest of the profile and survive everything the index does (reopen, upsert,
//! delete, prune, rebuild, merges) with nothing of their own to keep consistent.
//!
//! A bytes column is dictionary-encoded: reading one document's value is a dictionary
//! look-up, too slow to do for every profile at every query. So the scan reads each
//! segment's column once, streaming its dictionary in order, into a contiguous matrix
//! ([`SegmentVectors`]); segments never change once written, so the copy is kept, by
//! segment id, for as long as a searcher holds the segment ([`VectorCache`]). After a
//! commit only the new segments are read.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

use crate::embed::DIM;
use crate::error::Result;

use super::columns::corrupt;

/// Bytes of one quantised vector: its scale (f32, little-endian) and `DIM` bytes.
const QUANTISED: usize = 4 + DIM;
/// The first byte of an encoded [`ProfileVectors`]: its layout's version.
const LAYOUT: u8 = 1;

/// A unit vector quantised to signed bytes: `value[i] ≈ q[i] × scale`.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantised {
    /// The float each step of a byte is worth.
    pub scale: f32,
    /// The quantised components.
    pub q: Box<[i8; DIM]>,
}

impl Quantised {
    /// Quantise `v` (any length-`DIM` vector; the largest component maps to ±127).
    pub fn new(v: &[f32; DIM]) -> Quantised {
        let max = v.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        let mut q = Box::new([0i8; DIM]);
        for (q, x) in q.iter_mut().zip(v) {
            *q = (x / scale).round().clamp(-127.0, 127.0) as i8;
        }
        Quantised { scale, q }
    }

    /// The vector it stands for, `q[i] × scale`.
    pub(crate) fn floats(&self) -> [f32; DIM] {
        std::array::from_fn(|i| self.q[i] as f32 * self.scale)
    }

    /// The dot product with another quantised vector (a cosine, for unit vectors).
    #[cfg(test)]
    pub fn dot(&self, other: &Quantised) -> f32 {
        dot_i8(&self.q[..], &other.q[..]) as f32 * self.scale * other.scale
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.scale.to_le_bytes());
        out.extend(self.q.iter().map(|&b| b as u8));
    }

    fn read(bytes: &[u8]) -> Option<Quantised> {
        let scale = f32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
        let body = bytes.get(4..QUANTISED)?;
        let mut q = Box::new([0i8; DIM]);
        for (q, &b) in q.iter_mut().zip(body) {
            *q = b as i8;
        }
        Some(Quantised { scale, q })
    }
}

/// The dot product of two byte vectors, in i32: with AVX-512 BW or AVX2 where the CPU
/// has them (the nearest-neighbour scan and re-scoring are a few of these a profile,
/// and the baseline x86-64 build only has SSE2's narrower multiplies), else the
/// portable loop. All give the same integer.
pub(crate) fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512vnni")
            && std::arch::is_x86_feature_detected!("avx512bw")
        {
            // SAFETY: the CPU has AVX-512 VNNI and BW (and so F), checked just above.
            return unsafe { dot_i8_vnni(a, b) };
        }
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: the CPU has AVX-512 BW (and so F), checked just above.
            return unsafe { dot_i8_avx512(a, b) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { dot_i8_avx2(a, b) };
        }
    }
    dot_i8_portable(a, b)
}

/// [`dot_i8_portable`] compiled for AVX2 (the compiler vectorises it with `vpmaddwd`).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_i8_avx2(a: &[i8], b: &[i8]) -> i32 {
    dot_i8_portable(a, b)
}

/// The dot product 32 bytes a step: widened to 16 bits, multiplied and added in pairs
/// (`vpmaddwd`, exact: two products of at most 2¹⁴ each), the pairs summed in 32 bits;
/// half the steps of the AVX2 loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn dot_i8_avx512(a: &[i8], b: &[i8]) -> i32 {
    use std::arch::x86_64::*;
    let n = a.len().min(b.len());
    let whole = n - n % 32;
    let mut acc = _mm512_setzero_si512();
    for i in (0..whole).step_by(32) {
        // SAFETY: `i + 32 <= whole <= n`, inside both slices.
        let (x, y) = unsafe {
            (
                _mm256_loadu_si256(a.as_ptr().add(i).cast()),
                _mm256_loadu_si256(b.as_ptr().add(i).cast()),
            )
        };
        let products = _mm512_madd_epi16(_mm512_cvtepi8_epi16(x), _mm512_cvtepi8_epi16(y));
        acc = _mm512_add_epi32(acc, products);
    }
    _mm512_reduce_add_epi32(acc) + dot_i8_portable(&a[whole..n], &b[whole..n])
}

/// The dot product 64 bytes a step with VNNI's multiply-add of unsigned by signed
/// bytes (`vpdpbusd`, four products into each 32-bit lane): `a` is read as `a + 128`
/// (its sign bit flipped), and `128 × Σ b`, summed alongside, is taken off at the end.
/// Exact: a lane gains at most 4 × 255 × 128 a step.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn dot_i8_vnni(a: &[i8], b: &[i8]) -> i32 {
    use std::arch::x86_64::*;
    let n = a.len().min(b.len());
    let whole = n - n % 64;
    let flip = _mm512_set1_epi8(i8::MIN);
    let ones = _mm512_set1_epi8(1);
    let (mut shifted, mut sum_b) = (_mm512_setzero_si512(), _mm512_setzero_si512());
    for i in (0..whole).step_by(64) {
        // SAFETY: `i + 64 <= whole <= n`, inside both slices.
        let (x, y) = unsafe {
            (
                _mm512_loadu_si512(a.as_ptr().add(i).cast()),
                _mm512_loadu_si512(b.as_ptr().add(i).cast()),
            )
        };
        shifted = _mm512_dpbusd_epi32(shifted, _mm512_xor_si512(x, flip), y);
        sum_b = _mm512_dpbusd_epi32(sum_b, ones, y);
    }
    _mm512_reduce_add_epi32(shifted) - 128 * _mm512_reduce_add_epi32(sum_b)
        + dot_i8_portable(&a[whole..n], &b[whole..n])
}

/// The dot product, written so that it vectorises.
#[inline(always)]
fn dot_i8_portable(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i32::from(i16::from(x) * i16::from(y)))
        .sum()
}

/// A profile's vectors as the `vectors` column holds them.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileVectors {
    /// What the profile's text says.
    pub text: Quantised,
    /// What its headline (or first title) says; `None` when it has neither.
    pub title: Option<Quantised>,
}

impl ProfileVectors {
    /// The bytes the `vectors` fast field stores.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + 2 * QUANTISED);
        out.push(LAYOUT);
        out.push(u8::from(self.title.is_some()));
        self.text.write(&mut out);
        if let Some(title) = &self.title {
            title.write(&mut out);
        }
        out
    }

    /// Read back what [`ProfileVectors::encode`] wrote.
    pub(crate) fn decode(bytes: &[u8]) -> Result<ProfileVectors> {
        let bad = || corrupt("vectors column: not this build's layout (rebuild the index)".into());
        if bytes.first() != Some(&LAYOUT) {
            return Err(bad());
        }
        let has_title = *bytes.get(1).ok_or_else(bad)? == 1;
        let text = Quantised::read(&bytes[2..]).ok_or_else(bad)?;
        let title = match has_title {
            true => {
                Some(Quantised::read(bytes.get(2 + QUANTISED..).ok_or_else(bad)?).ok_or_else(bad)?)
            }
            false => None,
        };
        Ok(ProfileVectors { text, title })
    }
}

/// 64-bit words of one vector's signs ([`Signs`]).
pub(crate) const SIGN_WORDS: usize = DIM / 64;

/// A vector's signs, one bit a component (set: positive): the sixty-fourth of its
/// bytes the pre-scan reads. Two vectors whose signs differ in `h` of `DIM` places
/// have a cosine near `cos(π h / DIM)` (Charikar's hyperplane estimate).
pub(crate) type Signs = [u64; SIGN_WORDS];

/// A document's signs beside a job's, where both have them.
type SignPair<'a> = Option<(&'a [u64], &'a Signs)>;

/// How many signs differ.
#[inline(always)]
fn differing(a: &[u64], b: &Signs) -> u32 {
    let mut n = 0;
    for i in 0..SIGN_WORDS {
        n += (a[i] ^ b[i]).count_ones();
    }
    n
}

/// The signs of a quantised vector.
pub(crate) fn signs_of(q: &[i8]) -> Signs {
    let mut out = [0u64; SIGN_WORDS];
    for (word, bytes) in out.iter_mut().zip(q.chunks_exact(64)) {
        *word = bytes
            .iter()
            .enumerate()
            .fold(0, |w, (i, &x)| w | (u64::from(x > 0) << i));
    }
    out
}

/// `signs` of every `DIM` bytes of `bytes`, as [`signs_of`] gives them: with AVX-512 BW
/// where the CPU has it (64 bytes compared with 0 into a word's mask at once), else the
/// portable loop. A segment's whole matrix is signed when it is loaded, 1 KB a profile.
fn fill_signs(signs: &mut [u64], bytes: &[i8]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512bw") {
        // SAFETY: the CPU has AVX-512 BW (and so F), checked just above.
        return unsafe { fill_signs_avx512(signs, bytes) };
    }
    for (out, v) in signs
        .chunks_exact_mut(SIGN_WORDS)
        .zip(bytes.chunks_exact(DIM))
    {
        out.copy_from_slice(&signs_of(v));
    }
}

/// [`fill_signs`], a word a compare: bit `i` of the mask is byte `i` > 0.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn fill_signs_avx512(signs: &mut [u64], bytes: &[i8]) {
    use std::arch::x86_64::*;
    let zero = _mm512_setzero_si512();
    for (word, chunk) in signs.iter_mut().zip(bytes.chunks_exact(64)) {
        // SAFETY: `chunk` is 64 bytes, one 512-bit load.
        let v = unsafe { _mm512_loadu_si512(chunk.as_ptr().cast()) };
        *word = _mm512_cmpgt_epi8_mask(v, zero);
    }
}

/// One segment's vectors, every document's in one matrix, by doc id.
pub(crate) struct SegmentVectors {
    /// Text vectors, `DIM` bytes a document (zeros where a document has none).
    text: Vec<i8>,
    text_scale: Vec<f32>,
    /// Title vectors likewise; scale 0 where a document has no title vector.
    title: Vec<i8>,
    title_scale: Vec<f32>,
    /// The signs of the text vectors, [`SIGN_WORDS`] a document, and of the title
    /// vectors: what the pre-scan reads (derived at load, not stored).
    text_signs: Vec<u64>,
    title_signs: Vec<u64>,
}

impl SegmentVectors {
    fn load(segment: &SegmentReader) -> Result<SegmentVectors> {
        let max = segment.max_doc() as usize;
        let mut out = SegmentVectors::empty(max);
        let Some(column) = segment.fast_fields().bytes("vectors")? else {
            return Ok(out);
        };
        // The dictionary in ord order, decoded once; then each document's ord.
        let mut by_ord: Vec<ProfileVectors> = Vec::with_capacity(column.num_terms());
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(|e| corrupt(format!("vectors column: {e}")))?;
        while stream.advance() {
            by_ord.push(ProfileVectors::decode(stream.key())?);
        }
        for doc in 0..max as DocId {
            let Some(ord) = column.term_ords(doc).next() else {
                continue;
            };
            let v = by_ord
                .get(ord as usize)
                .ok_or_else(|| corrupt(format!("vectors column: ord {ord} out of range")))?;
            let at = doc as usize;
            out.text[at * DIM..(at + 1) * DIM].copy_from_slice(&v.text.q[..]);
            out.text_scale[at] = v.text.scale;
            if let Some(t) = &v.title {
                out.title[at * DIM..(at + 1) * DIM].copy_from_slice(&t.q[..]);
                out.title_scale[at] = t.scale;
            }
        }
        out.sign();
        Ok(out)
    }

    fn empty(docs: usize) -> SegmentVectors {
        SegmentVectors {
            text: vec![0; docs * DIM],
            text_scale: vec![0.0; docs],
            title: vec![0; docs * DIM],
            title_scale: vec![0.0; docs],
            text_signs: vec![0; docs * SIGN_WORDS],
            title_signs: vec![0; docs * SIGN_WORDS],
        }
    }

    /// Fill the sign matrices from the vectors.
    fn sign(&mut self) {
        fill_signs(&mut self.text_signs, &self.text);
        fill_signs(&mut self.title_signs, &self.title);
    }

    /// A segment whose document `i` has text vector `texts[i]` and no title vector.
    #[cfg(test)]
    pub(crate) fn of_texts(texts: &[[f32; DIM]]) -> SegmentVectors {
        SegmentVectors::of(texts, &[])
    }

    /// A segment whose document `i` has text vector `texts[i]` and title vector
    /// `titles[i]` (none where `titles` is shorter or holds `None`).
    #[cfg(test)]
    pub(crate) fn of(texts: &[[f32; DIM]], titles: &[Option<[f32; DIM]>]) -> SegmentVectors {
        let mut out = SegmentVectors::empty(texts.len());
        for (at, v) in texts.iter().enumerate() {
            let q = Quantised::new(v);
            out.text[at * DIM..(at + 1) * DIM].copy_from_slice(&q.q[..]);
            out.text_scale[at] = q.scale;
        }
        for (at, v) in titles.iter().enumerate() {
            if let Some(v) = v {
                let q = Quantised::new(v);
                out.title[at * DIM..(at + 1) * DIM].copy_from_slice(&q.q[..]);
                out.title_scale[at] = q.scale;
            }
        }
        out.sign();
        out
    }

    /// The number of documents (alive or not) the matrices hold.
    pub(crate) fn len(&self) -> usize {
        self.text_scale.len()
    }

    /// The text cosine of document `doc` with `q` (0 for a document without vectors).
    pub(crate) fn text_cos(&self, doc: DocId, q: &Quantised) -> f32 {
        let at = doc as usize;
        dot_i8(&self.text[at * DIM..(at + 1) * DIM], &q.q[..]) as f32
            * self.text_scale[at]
            * q.scale
    }

    /// The title cosine of document `doc` with `q`, `None` when it has no title vector.
    pub(crate) fn title_cos(&self, doc: DocId, q: &Quantised) -> Option<f32> {
        let at = doc as usize;
        (self.title_scale[at] > 0.0).then(|| {
            dot_i8(&self.title[at * DIM..(at + 1) * DIM], &q.q[..]) as f32
                * self.title_scale[at]
                * q.scale
        })
    }

    /// Document `doc`'s text vector, dequantised; `None` when it has none.
    pub(crate) fn text_of(&self, doc: DocId) -> Option<[f32; DIM]> {
        let at = doc as usize;
        dequantised(&self.text[at * DIM..(at + 1) * DIM], self.text_scale[at])
    }

    /// Whether document `doc` has vectors at all.
    pub(crate) fn has(&self, doc: DocId) -> bool {
        self.text_scale[doc as usize] > 0.0
    }

    /// Document `doc`'s text signs beside `text` and its title signs beside `title`,
    /// where both sides have them (a document without a title vector has none): the
    /// pairs [`SegmentVectors::sign_distances`] and its AVX-512 twin count.
    #[inline(always)]
    fn sign_pairs<'a>(
        &'a self,
        doc: DocId,
        text: Option<&'a Signs>,
        title: Option<&'a Signs>,
    ) -> (SignPair<'a>, SignPair<'a>) {
        let at = doc as usize * SIGN_WORDS;
        let title = title.filter(|_| self.title_scale[doc as usize] > 0.0);
        (
            text.map(|q| (&self.text_signs[at..at + SIGN_WORDS], q)),
            title.map(|q| (&self.title_signs[at..at + SIGN_WORDS], q)),
        )
    }

    /// How many of the `DIM` signs of document `doc`'s text vector differ from `text`,
    /// and of its title vector from `title` (`None` where either side has none).
    #[inline(always)]
    pub(crate) fn sign_distances(
        &self,
        doc: DocId,
        text: Option<&Signs>,
        title: Option<&Signs>,
    ) -> (Option<u32>, Option<u32>) {
        // Matches, not `Option::map`: a closure would not be compiled with the pre-scan's
        // `popcnt` (retrieve::dense::Probes).
        let (text, title) = self.sign_pairs(doc, text, title);
        #[allow(clippy::manual_map)]
        let text = match text {
            Some((a, q)) => Some(differing(a, q)),
            None => None,
        };
        #[allow(clippy::manual_map)]
        let title = match title {
            Some((b, q)) => Some(differing(b, q)),
            None => None,
        };
        (text, title)
    }

    /// [`SegmentVectors::sign_distances`] with AVX-512's count of 64-bit lanes: a
    /// document's 512 signs are one register, and its text's and title's counts are
    /// summed in one reduction (the title's in the high half of each lane). The same
    /// integers.
    ///
    /// # Safety
    /// The CPU must have AVX-512 F and VPOPCNTDQ; the caller is compiled with them (it
    /// is inlined there).
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    pub(crate) unsafe fn sign_distances_avx512(
        &self,
        doc: DocId,
        text: Option<&Signs>,
        title: Option<&Signs>,
    ) -> (Option<u32>, Option<u32>) {
        use std::arch::x86_64::*;
        // SAFETY: the caller's features (above).
        unsafe {
            match self.sign_pairs(doc, text, title) {
                (Some((a, x)), Some((b, y))) => {
                    let both = _mm512_add_epi64(
                        differing_lanes(a, x),
                        _mm512_slli_epi64::<32>(differing_lanes(b, y)),
                    );
                    let sum = _mm512_reduce_add_epi64(both) as u64;
                    (Some(sum as u32), Some((sum >> 32) as u32))
                }
                (Some((a, x)), None) => (
                    Some(_mm512_reduce_add_epi64(differing_lanes(a, x)) as u32),
                    None,
                ),
                (None, Some((b, y))) => (
                    None,
                    Some(_mm512_reduce_add_epi64(differing_lanes(b, y)) as u32),
                ),
                (None, None) => (None, None),
            }
        }
    }
}

/// How many signs differ in each of the 8 words, in one AVX-512 register.
///
/// # Safety
/// As [`SegmentVectors::sign_distances_avx512`]; `a` holds `SIGN_WORDS` words.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn differing_lanes(a: &[u64], b: &Signs) -> std::arch::x86_64::__m512i {
    use std::arch::x86_64::*;
    debug_assert_eq!(a.len(), SIGN_WORDS);
    // SAFETY: both are `SIGN_WORDS` = 8 words, one 512-bit load each; the features are
    // the caller's.
    unsafe {
        let x = _mm512_loadu_si512(a.as_ptr().cast());
        let y = _mm512_loadu_si512(b.as_ptr().cast());
        _mm512_popcnt_epi64(_mm512_xor_si512(x, y))
    }
}

/// A pseudo-random unit vector, the same for the same seed: test data.
#[cfg(test)]
pub(crate) fn unit(seed: u32) -> [f32; DIM] {
    let mut v = [0f32; DIM];
    let mut x = seed.wrapping_mul(2654435761).max(1);
    for c in v.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *c = (x % 2001) as f32 / 1000.0 - 1.0;
    }
    let n = v.iter().map(|c| c * c).sum::<f32>().sqrt();
    v.iter_mut().for_each(|c| *c /= n);
    v
}

fn dequantised(q: &[i8], scale: f32) -> Option<[f32; DIM]> {
    (scale > 0.0).then(|| std::array::from_fn(|i| q[i] as f32 * scale))
}

/// The [`SegmentVectors`] of the segments searchers hold, by segment id: each read from
/// the index once.
#[derive(Default)]
pub(crate) struct VectorCache {
    segments: Mutex<FxHashMap<SegmentId, Arc<SegmentVectors>>>,
}

impl VectorCache {
    /// The vectors of every segment of `searcher`, in its segment order. Segments no
    /// longer in it are dropped from the cache.
    pub(crate) fn of(&self, searcher: &Searcher) -> Result<Vec<Arc<SegmentVectors>>> {
        let readers = searcher.segment_readers();
        {
            let cache = self.segments.lock().unwrap_or_else(|e| e.into_inner());
            if readers.iter().all(|r| cache.contains_key(&r.segment_id())) {
                return Ok(readers
                    .iter()
                    .map(|r| Arc::clone(&cache[&r.segment_id()]))
                    .collect());
            }
        }
        // Read outside the lock: a big segment takes a moment, and other queries on the
        // segments already cached need not wait for it.
        let mut out = Vec::with_capacity(readers.len());
        let mut fresh = Vec::new();
        for r in readers {
            let cached = self
                .segments
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&r.segment_id())
                .cloned();
            let v = match cached {
                Some(v) => v,
                None => {
                    let v = Arc::new(SegmentVectors::load(r)?);
                    fresh.push((r.segment_id(), Arc::clone(&v)));
                    v
                }
            };
            out.push(v);
        }
        let mut cache = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        cache.extend(fresh);
        let live: Vec<SegmentId> = readers.iter().map(|r| r.segment_id()).collect();
        // Keep what the newest searcher holds; an older searcher still in use keeps its
        // own Arcs.
        if cache.len() > live.len() {
            cache.retain(|id, _| live.contains(id));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sign_kernel_gives_the_portable_signs() {
        let mut x = 777u32;
        let mut next = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8 as i8
        };
        // Three vectors: random bytes, then every byte 0 (no sign set), then every byte
        // 1 or -128 alternately.
        let mut bytes: Vec<i8> = (0..DIM).map(|_| next()).collect();
        bytes.extend(std::iter::repeat_n(0, DIM));
        bytes.extend((0..DIM).map(|i| if i % 2 == 0 { 1 } else { -128 }));
        let want: Vec<u64> = bytes.chunks_exact(DIM).flat_map(signs_of).collect();
        // signs_of as its definition says.
        for (i, &b) in bytes.iter().enumerate() {
            assert_eq!(want[i / 64] >> (i % 64) & 1 == 1, b > 0, "byte {i}");
        }
        let mut got = vec![0; want.len()];
        fill_signs(&mut got, &bytes);
        assert_eq!(got, want);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512bw") {
            let mut got = vec![0; want.len()];
            // SAFETY: the CPU has AVX-512 BW.
            unsafe { fill_signs_avx512(&mut got, &bytes) };
            assert_eq!(got, want);
        }
    }

    #[test]
    fn the_fast_dot_product_is_the_portable_one() {
        let mut x = 12345u32;
        let mut next = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8 as i8
        };
        let a: Vec<i8> = (0..DIM).map(|_| next()).collect();
        let mut b: Vec<i8> = (0..DIM).map(|_| next()).collect();
        assert_eq!(dot_i8(&a, &b), dot_i8_portable(&a, &b));
        // Each kernel this CPU can run, on whole and ragged lengths.
        #[cfg(target_arch = "x86_64")]
        for len in [DIM, 100, 64, 33, 31, 0] {
            let want = dot_i8_portable(&a[..len], &b[..len]);
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                assert_eq!(unsafe { dot_i8_avx2(&a[..len], &b[..len]) }, want);
            }
            if std::arch::is_x86_feature_detected!("avx512bw") {
                // SAFETY: the CPU has AVX-512 BW.
                assert_eq!(
                    unsafe { dot_i8_avx512(&a[..len], &b[..len]) },
                    want,
                    "{len}"
                );
            }
            if std::arch::is_x86_feature_detected!("avx512vnni")
                && std::arch::is_x86_feature_detected!("avx512bw")
            {
                // SAFETY: the CPU has AVX-512 VNNI and BW.
                assert_eq!(unsafe { dot_i8_vnni(&a[..len], &b[..len]) }, want, "{len}");
            }
        }
        // The extremes, through whichever kernel `dot_i8` picks.
        b.fill(-128);
        let a = vec![-128i8; DIM];
        assert_eq!(dot_i8(&a, &b), 128 * 128 * DIM as i32);
        let c = vec![127i8; DIM];
        assert_eq!(dot_i8(&c, &b), -127 * 128 * DIM as i32);
        assert_eq!(dot_i8(&b, &c), -127 * 128 * DIM as i32);
    }

    #[test]
    fn quantised_cosines_are_close_to_the_floats() {
        for seed in 1..20 {
            let (a, b) = (unit(seed), unit(seed + 100));
            let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let q = Quantised::new(&a).dot(&Quantised::new(&b));
            assert!((exact - q).abs() < 0.005, "{exact} vs {q}");
            let self_dot = Quantised::new(&a).dot(&Quantised::new(&a));
            assert!((self_dot - 1.0).abs() < 0.005, "{self_dot}");
        }
    }

    #[test]
    fn vectors_survive_the_column_encoding() {
        let with = ProfileVectors {
            text: Quantised::new(&unit(1)),
            title: Some(Quantised::new(&unit(2))),
        };
        assert_eq!(ProfileVectors::decode(&with.encode()).unwrap(), with);
        let without = ProfileVectors {
            text: Quantised::new(&unit(3)),
            title: None,
        };
        assert_eq!(ProfileVectors::decode(&without.encode()).unwrap(), without);
        assert!(ProfileVectors::decode(b"\x01\x01abc").is_err());
        assert!(ProfileVectors::decode(b"").is_err());
    }
}
