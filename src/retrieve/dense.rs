//! Dense retrieval: the profiles whose vectors are nearest the job's, beside BM25's.
//!
//! A Chinese posting and an English résumé may share no word, so BM25 never brings the
//! résumé up for re-scoring however well it fits. The nearest-neighbour search does: it
//! scores every live profile by the cosine of its text vector (and, when both have one,
//! its title vector) with the job's, and keeps the best. The scan reads the in-memory copy
//! of each segment's quantised vectors ([`SegmentVectors`](crate::index::SegmentVectors))
//! in two steps: each vector's 512 signs (64 bytes) estimate its cosine, and only the
//! likeliest few times the number wanted are scored exactly from their 512 bytes. At a
//! million profiles that reads 128 MB a query instead of 1 GB (p50 172 → 60 ms with the
//! rest of the query, the same top 10 for 200 of 200 jobs; docs/PERFORMANCE.md, session
//! 22), with no approximate index to build, keep consistent with commits, or tune.
//!
//! It also owns feedback by meaning ([`DenseFeedback`]): the job's text vector moved
//! toward its nearest profiles', which then scores the candidates' `semantic` feature.

use std::sync::Arc;

use rayon::prelude::*;
use tantivy::fastfield::AliveBitSet;
use tantivy::{DocAddress, DocId, Searcher};

use crate::embed::DIM;
use crate::index::vectors::{Signs, signs_of};
use crate::index::{Quantised, SegmentVectors};

/// The job's vectors, quantised like the profiles'.
#[derive(Clone, Debug, Default)]
pub(crate) struct JobVectors {
    /// What the job's text says.
    pub text: Option<Quantised>,
    /// What its title says.
    pub title: Option<Quantised>,
}

impl JobVectors {
    /// How near a profile is, as the scan ranks it: the text cosine, averaged with the
    /// title cosine when both sides have a title vector. `None` when the profile has no
    /// vectors.
    pub(crate) fn nearness(&self, segment: &SegmentVectors, doc: DocId) -> Option<f32> {
        if !segment.has(doc) {
            return None;
        }
        let text = self.text.as_ref().map(|q| segment.text_cos(doc, q));
        let title = self.title.as_ref().and_then(|q| segment.title_cos(doc, q));
        combined(text, title)
    }
}

/// The text and title cosines as one nearness: their mean when there are both, else
/// the one there is. The exact scan and the sign pre-scan's estimate both combine so.
#[inline(always)]
fn combined(text: Option<f32>, title: Option<f32>) -> Option<f32> {
    match (text, title) {
        (Some(a), Some(b)) => Some(0.5 * (a + b)),
        (a, b) => a.or(b),
    }
}

/// Feedback by meaning (Rocchio's, on the job's text vector): the job's text is read
/// again as the mean of itself and the text of the profiles nearest it, and that moved
/// vector scores the `semantic` feature of every candidate. One job is one text to an
/// encoder and many kinds of résumé match it; the résumés nearest it say, in the index's
/// own words and language, which kind. Nothing is encoded or scanned again: the
/// candidates are those the job's own vectors and BM25 found (a second nearest-neighbour
/// scan with the moved vector gave 0.6661 against 0.6665, for 1.5 ms at 10k profiles).
///
/// Its nearest 3, at weight 1 (the query vector plus the profiles' mean, renormalised):
/// the seven-set macro MAP 0.6606 → 0.6665, with 1–3 profiles at weight 0.5–1.5 all
/// 0.6655–0.6677; most across languages (xling-zh2en 0.675 → 0.698, xling-en2zh
/// 0.184 → 0.209), at a cost on resumener-zh (0.719 → 0.698), whose executives'
/// biographies the encoder reads as alike whatever the post (docs/QUALITY.md, session
/// 15). The title vector is left as the job wrote it: `semantic_title` and the
/// explanation's `title ≈` compare titles, and moving it too gains nothing (0.6663).
#[derive(Clone, Debug, PartialEq)]
pub struct DenseFeedback {
    /// How many of the nearest profiles are read. By default, 3.
    pub profiles: usize,
    /// The weight of their mean text vector against the job's own (weight 1). By
    /// default, 1.
    pub weight: f32,
}

impl Default for DenseFeedback {
    fn default() -> Self {
        DenseFeedback {
            profiles: 3,
            weight: 1.0,
        }
    }
}

/// The job's vectors with its text moved toward the mean text of `picks`:
/// `q + weight × mean`, renormalised, as [`DenseFeedback`] says. The title is kept;
/// so is a text when no pick has a vector.
pub(crate) fn moved_toward(
    vectors: &[Arc<SegmentVectors>],
    job: &JobVectors,
    picks: &[DocAddress],
    weight: f32,
) -> JobVectors {
    let mut sum = [0f32; DIM];
    let mut n = 0usize;
    for a in picks {
        let v = vectors
            .get(a.segment_ord as usize)
            .and_then(|s| s.text_of(a.doc_id));
        if let Some(v) = v {
            sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
            n += 1;
        }
    }
    let text = match &job.text {
        Some(q) if n > 0 => {
            let mut out = q.floats();
            let w = weight / n as f32;
            out.iter_mut().zip(sum).for_each(|(o, s)| *o += w * s);
            let norm = out.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                out.iter_mut().for_each(|x| *x /= norm);
            }
            Some(Quantised::new(&out))
        }
        other => other.clone(),
    };
    JobVectors {
        text,
        title: job.title.clone(),
    }
}

/// How many profiles the sign pre-scan keeps for exact scoring, for every one the scan
/// returns.
const OVERSAMPLE: usize = 8;

/// The `limit` live profiles nearest `job`, nearest first (ties: first document first).
///
/// `exact`: every live profile's cosine is computed from its bytes. Otherwise the signs
/// of the vectors pick the `OVERSAMPLE × limit` profiles of the whole index that are
/// probably nearest — 64 bytes a vector read instead of 512 — and only those are scored
/// exactly (all of them when there are no more than that).
pub(crate) fn nearest(
    searcher: &Searcher,
    vectors: &[Arc<SegmentVectors>],
    job: &JobVectors,
    limit: usize,
    parallel: bool,
    exact: bool,
) -> Vec<(f32, DocAddress)> {
    if limit == 0 || (job.text.is_none() && job.title.is_none()) {
        return Vec::new();
    }
    if !exact {
        let mut found = nearest_each(searcher, vectors, &[job], limit, parallel);
        return found.pop().unwrap_or_default();
    }
    Scan::new(vectors, live(searcher), parallel).exact(job, limit)
}

/// [`nearest`] of each of `jobs` (the sign pre-scan's, not exact), in one pass over the
/// index's signs: each profile's 128 bytes are read once for all of them, not once a
/// job. A batch ranks its jobs a few at a time ([`Matcher::rank_streaming`]), and at
/// 100k profiles a job's pre-scan reads 12.8 MB. The same lists as [`nearest`] gives
/// each job (unit test).
///
/// [`Matcher::rank_streaming`]: crate::Matcher::rank_streaming
pub(crate) fn nearest_each(
    searcher: &Searcher,
    vectors: &[Arc<SegmentVectors>],
    jobs: &[&JobVectors],
    limit: usize,
    parallel: bool,
) -> Vec<Vec<(f32, DocAddress)>> {
    if limit == 0 {
        return vec![Vec::new(); jobs.len()];
    }
    Scan::new(vectors, live(searcher), parallel).probed(jobs, limit)
}

/// Which documents of each of `searcher`'s segments are live (`None`: all of them).
fn live(searcher: &Searcher) -> Vec<Option<&AliveBitSet>> {
    (searcher.segment_readers().iter())
        .map(|r| r.alive_bitset())
        .collect()
}

/// What a scan reads: the segments' vectors, which of their documents are live, and the
/// blocks of documents it is cut into.
struct Scan<'a> {
    segments: &'a [Arc<SegmentVectors>],
    alive: Vec<Option<&'a AliveBitSet>>,
    /// `(segment, start, end)`: the unit of parallel work, small enough to spread a
    /// single big segment over the pool.
    blocks: Vec<(u32, DocId, DocId)>,
    parallel: bool,
}

impl<'a> Scan<'a> {
    const BLOCK: DocId = 16 * 1024;

    fn new(
        segments: &'a [Arc<SegmentVectors>],
        alive: Vec<Option<&'a AliveBitSet>>,
        parallel: bool,
    ) -> Scan<'a> {
        let mut blocks = Vec::new();
        for (ord, segment) in segments.iter().enumerate() {
            let n = segment.len() as DocId;
            let mut start = 0;
            while start < n {
                blocks.push((ord as u32, start, (start + Self::BLOCK).min(n)));
                start += Self::BLOCK;
            }
        }
        Scan {
            segments,
            alive,
            blocks,
            parallel,
        }
    }

    /// `f` of every block (its segment, the segment's live documents, the block), on
    /// the pool when the scan is parallel, the results end to end.
    fn each_block<T: Send>(
        &self,
        f: impl Fn(&SegmentVectors, Option<&AliveBitSet>, (u32, DocId, DocId)) -> Vec<T> + Sync,
    ) -> Vec<T> {
        let one = |&(ord, start, end): &(u32, DocId, DocId)| {
            let alive = self.alive.get(ord as usize).copied().flatten();
            f(&self.segments[ord as usize], alive, (ord, start, end))
        };
        let found: Vec<Vec<T>> = match self.parallel {
            true => self.blocks.par_iter().map(one).collect(),
            false => self.blocks.iter().map(one).collect(),
        };
        found.into_iter().flatten().collect()
    }

    /// The `limit` nearest by every live profile's exact cosine.
    fn exact(&self, job: &JobVectors, limit: usize) -> Vec<(f32, DocAddress)> {
        let found = self.each_block(|segment, alive, (ord, start, end)| {
            let mut best = Best::new(limit);
            for doc in (start..end).filter(|&doc| alive.is_none_or(|a| a.is_alive(doc))) {
                if let Some(near) = job.nearness(segment, doc) {
                    best.push(near, DocAddress::new(ord, doc));
                }
            }
            best.into_sorted()
        });
        let mut best = Best::new(limit);
        for (near, a) in found {
            best.push(near, a);
        }
        best.into_sorted()
    }

    /// For each of `jobs`, the `limit` nearest of the `OVERSAMPLE × limit` whose signs
    /// say they are nearest, each scored exactly. Each block keeps its own likeliest
    /// that many, of which the likeliest of the whole index are kept: a query scores
    /// `OVERSAMPLE × limit` vectors exactly however many blocks the index has (each a
    /// read of 1 KB from anywhere in memory, where the signs are read in order).
    fn probed(&self, jobs: &[&JobVectors], limit: usize) -> Vec<Vec<(f32, DocAddress)>> {
        let keep = limit.saturating_mul(OVERSAMPLE);
        let probes = Probes::of(jobs);
        // By block, then by job.
        let found: Vec<Vec<Vec<(f32, DocId)>>> =
            self.each_block(|segment, alive, (_, start, end)| {
                vec![probes.likely_nearest(segment, alive, (start, end), keep)]
            });
        jobs.iter()
            .enumerate()
            .map(|(j, job)| {
                let mut likely: Vec<(f32, DocAddress)> = found
                    .iter()
                    .zip(&self.blocks)
                    .flat_map(|(by_job, &(ord, _, _))| {
                        by_job[j]
                            .iter()
                            .map(move |&(e, doc)| (e, DocAddress::new(ord, doc)))
                    })
                    .collect();
                likeliest(&mut likely, keep);
                likely.sort_unstable_by_key(|&(_, a)| a);
                self.best_of(job, likely.into_iter().map(|(_, a)| a), limit)
            })
            .collect()
    }

    /// The `limit` of `docs` nearest `job` by their exact cosines.
    fn best_of(
        &self,
        job: &JobVectors,
        docs: impl Iterator<Item = DocAddress>,
        limit: usize,
    ) -> Vec<(f32, DocAddress)> {
        let mut best = Best::new(limit);
        for a in docs {
            if let Some(near) = job.nearness(&self.segments[a.segment_ord as usize], a.doc_id) {
                best.push(near, a);
            }
        }
        best.into_sorted()
    }
}

/// Keeps the `keep` highest of `items` by score (ties: the first one first), in no
/// particular order; all of them for a `keep` of 0.
fn likeliest<D: Ord + Copy>(items: &mut Vec<(f32, D)>, keep: usize) {
    if items.len() > keep && keep > 0 {
        items.select_nth_unstable_by(keep - 1, |a, b| {
            b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
        });
        items.truncate(keep);
    }
}

/// Jobs' vectors as the sign pre-scan reads them: one pass over a block's signs serves
/// them all.
struct Probes {
    /// Each job's text and title signs.
    jobs: Vec<(Option<Signs>, Option<Signs>)>,
    /// `cos(π h / DIM)` for `h` differing signs: the cosine they estimate.
    cosine: [f32; DIM + 1],
}

impl Probes {
    fn of(jobs: &[&JobVectors]) -> Probes {
        Probes {
            jobs: jobs
                .iter()
                .map(|job| {
                    (
                        job.text.as_ref().map(|q| signs_of(&q.q[..])),
                        job.title.as_ref().map(|q| signs_of(&q.q[..])),
                    )
                })
                .collect(),
            cosine: std::array::from_fn(|h| (std::f32::consts::PI * h as f32 / DIM as f32).cos()),
        }
    }

    /// For each job, of the live documents `start..end` of `segment`, the `keep` whose
    /// signs say they are nearest it (as [`JobVectors::nearness`] combines text and
    /// title), each with its estimated nearness, in no particular order; all for a
    /// `keep` of 0.
    fn likely_nearest(
        &self,
        segment: &SegmentVectors,
        alive: Option<&AliveBitSet>,
        (start, end): (DocId, DocId),
        keep: usize,
    ) -> Vec<Vec<(f32, DocId)>> {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
            {
                // SAFETY: the CPU has AVX-512 F and VPOPCNTDQ, checked just above.
                return unsafe { self.likely_nearest_avx512(segment, alive, (start, end), keep) };
            }
            if std::arch::is_x86_feature_detected!("popcnt") {
                // SAFETY: the CPU counts bits in one instruction, checked just above.
                return unsafe { self.likely_nearest_popcnt(segment, alive, (start, end), keep) };
            }
        }
        self.likely_nearest_portable::<false>(segment, alive, (start, end), keep)
    }

    /// [`Probes::likely_nearest_portable`] with a document's signs counted in one
    /// AVX-512 register ([`SegmentVectors::sign_distances_avx512`]).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    unsafe fn likely_nearest_avx512(
        &self,
        segment: &SegmentVectors,
        alive: Option<&AliveBitSet>,
        block: (DocId, DocId),
        keep: usize,
    ) -> Vec<Vec<(f32, DocId)>> {
        self.likely_nearest_portable::<true>(segment, alive, block, keep)
    }

    /// [`Probes::likely_nearest_portable`] compiled with the `popcnt` instruction (the
    /// baseline x86-64 build counts bits with a dozen shifts and masks a word).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    unsafe fn likely_nearest_popcnt(
        &self,
        segment: &SegmentVectors,
        alive: Option<&AliveBitSet>,
        block: (DocId, DocId),
        keep: usize,
    ) -> Vec<Vec<(f32, DocId)>> {
        self.likely_nearest_portable::<false>(segment, alive, block, keep)
    }

    /// The cosine `h` differing signs estimate (a match, not `Option::map`: see below).
    #[inline(always)]
    #[allow(clippy::manual_map)]
    fn cosine_of(&self, h: Option<u32>) -> Option<f32> {
        match h {
            Some(h) => Some(self.cosine[h as usize]),
            None => None,
        }
    }

    /// The loop is plain, with no closure: a closure is a function of its own, which
    /// would not be compiled with the caller's `popcnt`. `WIDE`: count with AVX-512,
    /// which the caller must be compiled with and the CPU have.
    ///
    /// Only the `keep` likeliest are wanted, so every `2 × keep` estimates a job's
    /// buffer is cut to its likeliest `keep`, and an estimate below the last one kept is
    /// not pushed: `keep` already beat it. The set kept is the one of sorting them all.
    #[inline(always)]
    fn likely_nearest_portable<const WIDE: bool>(
        &self,
        segment: &SegmentVectors,
        alive: Option<&AliveBitSet>,
        (start, end): (DocId, DocId),
        keep: usize,
    ) -> Vec<Vec<(f32, DocId)>> {
        let cap = match keep {
            0 => (end - start) as usize,
            keep => (2 * keep).min((end - start) as usize),
        };
        // Each job's estimates and floor.
        let mut kept: Vec<(Vec<(f32, DocId)>, f32)> = (0..self.jobs.len())
            .map(|_| (Vec::with_capacity(cap), f32::NEG_INFINITY))
            .collect();
        for doc in start..end {
            if let Some(a) = alive
                && !a.is_alive(doc)
            {
                continue;
            }
            if !segment.has(doc) {
                continue;
            }
            for ((text, title), (estimates, floor)) in self.jobs.iter().zip(kept.iter_mut()) {
                let (text, title) = match WIDE {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: `WIDE` only from `likely_nearest_avx512`, whose features
                    // these are.
                    true => unsafe {
                        segment.sign_distances_avx512(doc, text.as_ref(), title.as_ref())
                    },
                    _ => segment.sign_distances(doc, text.as_ref(), title.as_ref()),
                };
                let Some(near) = combined(self.cosine_of(text), self.cosine_of(title)) else {
                    continue;
                };
                if near < *floor {
                    continue;
                }
                estimates.push((near, doc));
                if keep > 0 && estimates.len() >= 2 * keep {
                    likeliest(estimates, keep);
                    *floor = estimates[keep - 1].0;
                }
            }
        }
        kept.into_iter()
            .map(|(mut estimates, _)| {
                likeliest(&mut estimates, keep);
                estimates
            })
            .collect()
    }
}

/// The best `limit` of what is pushed, by score then address.
struct Best {
    limit: usize,
    items: Vec<(f32, DocAddress)>,
    /// The lowest score kept at the last trim (none yet: −∞).
    floor: f32,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            limit,
            items: Vec::with_capacity(2 * limit),
            floor: f32::NEG_INFINITY,
        }
    }

    fn push(&mut self, score: f32, addr: DocAddress) {
        // Below the worst kept at the last trim: it would be cut at the next.
        if self.items.len() >= self.limit && score < self.floor {
            return;
        }
        self.items.push((score, addr));
        if self.items.len() >= 2 * self.limit {
            self.trim();
        }
    }

    fn trim(&mut self) {
        self.items
            .sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        self.items.truncate(self.limit);
        if self.items.len() == self.limit {
            self.floor = self.items[self.limit - 1].0;
        }
    }

    fn into_sorted(mut self) -> Vec<(f32, DocAddress)> {
        self.trim();
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::vectors::unit;

    fn cos(a: &Quantised, b: &[f32; DIM]) -> f32 {
        a.floats().iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn feedback_moves_the_text_toward_the_picks_and_keeps_the_title() {
        let (a, b, c) = (unit(1), unit(2), unit(3));
        let segments = [Arc::new(SegmentVectors::of_texts(&[a, b, c]))];
        let job = JobVectors {
            text: Some(Quantised::new(&unit(10))),
            title: Some(Quantised::new(&unit(11))),
        };
        let picks = [DocAddress::new(0, 0), DocAddress::new(0, 1)];
        let moved = moved_toward(&segments, &job, &picks, 1.0);
        let text = moved.text.as_ref().unwrap();
        // Nearer each pick, not nearer the profile that was not picked; still a unit
        // vector; the job's own direction kept as much as the picks' mean.
        for pick in [&a, &b] {
            assert!(cos(text, pick) > cos(job.text.as_ref().unwrap(), pick) + 0.2);
        }
        assert!(cos(text, &c).abs() < 0.15, "{}", cos(text, &c));
        let norm: f32 = text.floats().iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 0.01, "{norm}");
        assert!(cos(text, &unit(10)) > 0.5);
        assert_eq!(moved.title, job.title);
        // With nothing to read, or weight 0, the job stays as it was.
        let none = moved_toward(&segments, &job, &[], 1.0);
        assert_eq!(none.text, job.text);
        let zero = moved_toward(&segments, &job, &picks, 0.0);
        assert!(cos(zero.text.as_ref().unwrap(), &unit(10)) > 0.999);
    }

    /// `n` unit vectors around `clusters` centres, some nearer their centre than others
    /// (the kind of structure profiles have: many of each occupation, some typical of
    /// it), and the centres.
    fn clustered(n: usize, clusters: u32) -> (Vec<[f32; DIM]>, Vec<[f32; DIM]>) {
        let centres: Vec<[f32; DIM]> = (0..clusters).map(|c| unit(1000 + c)).collect();
        let docs = (0..n)
            .map(|i| {
                let (c, noise) = (&centres[i % clusters as usize], unit(5000 + i as u32));
                let spread = 0.3 + 1.2 * ((i * 7919) % 101) as f32 / 100.0;
                let mut v: [f32; DIM] = std::array::from_fn(|k| c[k] + spread * noise[k]);
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter_mut().for_each(|x| *x /= norm);
                v
            })
            .collect();
        (docs, centres)
    }

    #[test]
    fn signs_estimate_the_cosine() {
        let (docs, _) = clustered(200, 4);
        let segment = SegmentVectors::of_texts(&docs);
        let q = Quantised::new(&docs[0]);
        let probe = Probes::of(&[&JobVectors {
            text: Some(q.clone()),
            title: None,
        }]);
        let text = probe.jobs[0].0.as_ref();
        for doc in 0..200 {
            let exact = segment.text_cos(doc, &q);
            let (h, title) = segment.sign_distances(doc, text, None);
            assert_eq!(title, None);
            let estimate = probe.cosine[h.unwrap() as usize];
            assert!(
                (estimate - exact).abs() < 0.2,
                "doc {doc}: {estimate} vs {exact}"
            );
        }
        assert_eq!(segment.sign_distances(0, text, None).0, Some(0));
    }

    #[test]
    fn the_sign_pre_scan_finds_what_the_exact_scan_finds() {
        let (docs, centres) = clustered(4000, 40);
        // Three segments (of whole rounds of the 40 clusters, so a document's cluster is
        // still its number mod 40), each a block: the pre-scan keeps the likeliest of
        // the whole index, not of each block.
        let segments: Vec<Arc<SegmentVectors>> = [&docs[..1600], &docs[1600..3200], &docs[3200..]]
            .into_iter()
            .map(|part| Arc::new(SegmentVectors::of_texts(part)))
            .collect();
        let scan = Scan::new(&segments, vec![None; 3], false);
        assert_eq!(scan.blocks.len(), 3);
        let limit = 10;
        let jobs: Vec<JobVectors> = (centres.iter().take(12))
            .map(|centre| JobVectors {
                text: Some(Quantised::new(centre)),
                title: None,
            })
            .collect();
        // The twelve scanned together, and each alone.
        let together = scan.probed(&jobs.iter().collect::<Vec<_>>(), limit);
        assert_eq!(together.len(), jobs.len());
        for (c, job) in jobs.iter().enumerate() {
            let exact = scan.exact(job, limit);
            let fast = scan.probed(&[job], limit).pop().unwrap();
            assert_eq!(together[c], fast, "centre {c} in the batch");
            assert_eq!(exact.len(), limit);
            assert_eq!(fast, exact, "centre {c}");
            // The nearest are the centre's own cluster, as they should be.
            assert!(exact.iter().all(|(_, a)| a.doc_id as usize % 40 == c));
            // From more than one segment: the merge across blocks is exercised.
            assert!(
                exact
                    .iter()
                    .any(|(_, a)| a.segment_ord != exact[0].1.segment_ord)
            );
        }
        // An index no larger than the pre-scan would keep is scored whole.
        let job = JobVectors {
            text: Some(Quantised::new(&centres[0])),
            title: None,
        };
        let small = [Arc::new(SegmentVectors::of_texts(&docs[..30]))];
        let scan = Scan::new(&small, vec![None], false);
        assert_eq!(scan.probed(&[&job], limit), [scan.exact(&job, limit)]);
    }

    #[test]
    fn every_pre_scan_kernel_keeps_the_likeliest_of_all() {
        // Texts in clusters, titles on two in three documents: each kernel this CPU can
        // run, at every `keep` (0: all; small ones cut the buffer many times), keeps the
        // set that sorting every estimate would, with the same estimates.
        let (docs, centres) = clustered(3000, 30);
        let titles: Vec<Option<[f32; DIM]>> = (0..docs.len())
            .map(|i| (i % 3 != 0).then(|| unit(9000 + i as u32)))
            .collect();
        let segment = SegmentVectors::of(&docs, &titles);
        let block = (0, docs.len() as DocId);
        // Four jobs read together, with and without a title, and one with no vectors.
        let jobs: Vec<JobVectors> = centres
            .iter()
            .enumerate()
            .take(4)
            .map(|(c, centre)| JobVectors {
                text: Some(Quantised::new(centre)),
                title: (c % 2 == 0).then(|| Quantised::new(&unit(9000 + c as u32 + 1))),
            })
            .chain([JobVectors::default()])
            .collect();
        let probes = Probes::of(&jobs.iter().collect::<Vec<_>>());
        let all: Vec<Vec<(f32, DocId)>> = probes
            .jobs
            .iter()
            .map(|(text, title)| {
                let mut all: Vec<(f32, DocId)> = (0..docs.len() as DocId)
                    .filter_map(|doc| {
                        let (t, h) = segment.sign_distances(doc, text.as_ref(), title.as_ref());
                        combined(probes.cosine_of(t), probes.cosine_of(h)).map(|e| (e, doc))
                    })
                    .collect();
                all.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                all
            })
            .collect();
        assert!(all[4].is_empty());
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
        {
            for (text, title) in &probes.jobs {
                let (text, title) = (text.as_ref(), title.as_ref());
                for doc in 0..docs.len() as DocId {
                    // SAFETY: the CPU has AVX-512 F and VPOPCNTDQ.
                    let wide = unsafe { segment.sign_distances_avx512(doc, text, title) };
                    assert_eq!(wide, segment.sign_distances(doc, text, title), "doc {doc}");
                    // SAFETY: as above.
                    let wide = unsafe { segment.sign_distances_avx512(doc, None, title) };
                    assert_eq!(wide, segment.sign_distances(doc, None, title), "doc {doc}");
                }
            }
        }
        for keep in [0, 1, 7, 64, 1000, 2999, 5000] {
            let check = |kernel: &str, got: Vec<Vec<(f32, DocId)>>| {
                assert_eq!(got.len(), all.len());
                for (j, (mut got, all)) in got.into_iter().zip(&all).enumerate() {
                    let n = if keep == 0 {
                        all.len()
                    } else {
                        keep.min(all.len())
                    };
                    got.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                    assert_eq!(got, all[..n], "{kernel}, job {j}, keep {keep}");
                }
            };
            check(
                "portable",
                probes.likely_nearest_portable::<false>(&segment, None, block, keep),
            );
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("popcnt") {
                    // SAFETY: the CPU has popcnt.
                    let got = unsafe { probes.likely_nearest_popcnt(&segment, None, block, keep) };
                    check("popcnt", got);
                }
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
                {
                    // SAFETY: the CPU has AVX-512 F and VPOPCNTDQ.
                    let got = unsafe { probes.likely_nearest_avx512(&segment, None, block, keep) };
                    check("avx512", got);
                }
            }
        }
    }

    #[test]
    fn best_keeps_the_highest_with_stable_ties() {
        let mut best = Best::new(3);
        for (i, s) in [0.1, 0.9, 0.5, 0.9, 0.2, 0.7, 0.5].iter().enumerate() {
            best.push(*s, DocAddress::new(0, i as u32));
        }
        let got: Vec<(f32, u32)> = best
            .into_sorted()
            .iter()
            .map(|(s, a)| (*s, a.doc_id))
            .collect();
        assert_eq!(got, [(0.9, 1), (0.9, 3), (0.7, 5)]);
    }
}
