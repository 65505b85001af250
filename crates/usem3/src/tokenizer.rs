//! SentencePiece unigram tokenizer for the model's `sp.model`, without the C++ library:
//! the `nmt_nfkc` normalizer from the model's precompiled character map (a darts-clone
//! double-array trie plus a table of replacements), whitespace handling (a dummy prefix,
//! spaces as U+2581, extra spaces removed), and Viterbi segmentation over the unigram
//! lattice. A port of the reference package's `pure_tokenizer.py`, which is byte-identical
//! to the `sentencepiece` library on this model; the tie-breaking is the same (strictly
//! greater wins, so the earliest start survives).

use std::collections::HashMap;

use crate::Error;

/// Id of `<unk>`.
pub const UNK: u32 = 0;
/// Id of `<s>`.
pub const BOS: u32 = 1;
/// Id of `</s>`.
pub const EOS: u32 = 2;

const SPACE: &str = "\u{2581}";

/// Reads a varint at `*pos`.
fn varint(b: &[u8], pos: &mut usize) -> Result<u64, Error> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b
            .get(*pos)
            .ok_or_else(|| Error::new("truncated protobuf varint"))?;
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(Error::new("protobuf varint too long"))
}

/// One protobuf field value: a varint, a fixed 32-bit word or a length-delimited slice.
enum Value<'a> {
    Varint(u64),
    Fixed32([u8; 4]),
    Bytes(&'a [u8]),
}

/// The fields of a protobuf message, in order.
fn fields(b: &[u8]) -> Result<Vec<(u64, Value<'_>)>, Error> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let tag = varint(b, &mut pos)?;
        let (field, wire) = (tag >> 3, tag & 7);
        let value = match wire {
            0 => Value::Varint(varint(b, &mut pos)?),
            1 => {
                pos += 8;
                continue;
            }
            2 => {
                let len = usize::try_from(varint(b, &mut pos)?)
                    .map_err(|_| Error::new("protobuf length"))?;
                let s = b
                    .get(pos..pos + len)
                    .ok_or_else(|| Error::new("truncated protobuf field"))?;
                pos += len;
                Value::Bytes(s)
            }
            5 => {
                let s = b
                    .get(pos..pos + 4)
                    .ok_or_else(|| Error::new("truncated protobuf field"))?;
                pos += 4;
                Value::Fixed32([s[0], s[1], s[2], s[3]])
            }
            w => return Err(Error::new(format!("protobuf wire type {w}"))),
        };
        out.push((field, value));
    }
    Ok(out)
}

/// The `nmt_nfkc` normalizer.
struct Normalizer {
    units: Vec<u32>,
    replacements: Vec<u8>,
    add_dummy_prefix: bool,
    remove_extra_whitespaces: bool,
    escape_whitespaces: bool,
}

fn offset(unit: u32) -> usize {
    ((unit >> 10) << ((unit & 0x200) >> 6)) as usize
}

/// Byte length of the UTF-8 sequence starting at `b[pos]`, or 1 if it is malformed.
fn utf8_len(b: &[u8], pos: usize) -> usize {
    let first = b[pos];
    let len = match first {
        0x00..=0x7f => 1,
        _ if first >> 5 == 0x6 => 2,
        _ if first >> 4 == 0xe => 3,
        _ if first >> 3 == 0x1e => 4,
        _ => 1,
    };
    if (1..len).all(|k| b.get(pos + k).is_some_and(|c| c & 0xc0 == 0x80)) {
        len
    } else {
        1
    }
}

impl Normalizer {
    fn new(spec: &[u8]) -> Result<Normalizer, Error> {
        let mut n = Normalizer {
            units: Vec::new(),
            replacements: Vec::new(),
            add_dummy_prefix: true,
            remove_extra_whitespaces: true,
            escape_whitespaces: true,
        };
        for (field, value) in fields(spec)? {
            match (field, value) {
                (2, Value::Bytes(map)) if map.len() >= 4 => {
                    let size = u32::from_le_bytes([map[0], map[1], map[2], map[3]]) as usize;
                    let trie = map
                        .get(4..4 + size)
                        .ok_or_else(|| Error::new("truncated charsmap"))?;
                    n.units = trie
                        .chunks_exact(4)
                        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                    n.replacements = map[4 + size..].to_vec();
                }
                (3, Value::Varint(v)) => n.add_dummy_prefix = v != 0,
                (4, Value::Varint(v)) => n.remove_extra_whitespaces = v != 0,
                (5, Value::Varint(v)) => n.escape_whitespaces = v != 0,
                _ => {}
            }
        }
        Ok(n)
    }

    /// The normalized form of the longest charsmap key at `b[pos..]`, and its length in
    /// bytes; without a key, the character itself.
    fn prefix<'a>(&'a self, b: &'a [u8], pos: usize) -> (&'a [u8], usize) {
        let (mut best_len, mut best_value) = (0, 0usize);
        if let Some(&root) = self.units.first() {
            let mut node = offset(root);
            for (i, &c) in b[pos..].iter().enumerate() {
                node ^= usize::from(c);
                let Some(&unit) = self.units.get(node) else {
                    break;
                };
                if unit & 0x8000_00ff != u32::from(c) {
                    break;
                }
                node ^= offset(unit);
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
            let len = utf8_len(b, pos);
            return (&b[pos..pos + len], len);
        }
        let rest = &self.replacements[best_value..];
        let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
        (&rest[..end], best_len)
    }

    fn normalize(&self, text: &str) -> String {
        let raw = text.as_bytes();
        let mut pos = 0;
        let strip = self.remove_extra_whitespaces;
        if strip {
            while pos < raw.len() {
                let (p, adv) = self.prefix(raw, pos);
                if p != b" " {
                    break;
                }
                pos += adv;
            }
        }
        if pos >= raw.len() {
            return String::new();
        }
        let space: &[u8] = if self.escape_whitespaces {
            SPACE.as_bytes()
        } else {
            b" "
        };
        let mut out: Vec<u8> = Vec::with_capacity(raw.len() + 8);
        if self.add_dummy_prefix {
            out.extend_from_slice(space);
        }
        let mut prev_space = strip;
        while pos < raw.len() {
            let (mut p, adv) = self.prefix(raw, pos);
            pos += adv;
            if strip && prev_space {
                while let Some(rest) = p.strip_prefix(b" ") {
                    p = rest;
                }
            }
            if let Some(&last) = p.last() {
                for &c in p {
                    if c == b' ' {
                        out.extend_from_slice(space);
                    } else {
                        out.push(c);
                    }
                }
                prev_space = last == b' ';
            }
        }
        if strip {
            while out.ends_with(space) {
                out.truncate(out.len() - space.len());
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// The unigram tokenizer.
pub struct Tokenizer {
    normalizer: Normalizer,
    /// The pieces by id, as in the model (spaces as U+2581).
    pieces: Vec<Box<str>>,
    scores: Vec<f32>,
    /// Every piece (id + 1) and every proper prefix of a piece (0).
    prefixes: HashMap<Box<str>, u32>,
    /// Longest piece, in characters.
    max_len: usize,
    unk_score: f64,
}

impl Tokenizer {
    /// Loads a SentencePiece `ModelProto`.
    pub fn new(model: &[u8]) -> Result<Tokenizer, Error> {
        let mut pieces: Vec<String> = Vec::new();
        let mut scores = Vec::new();
        let mut normalizer = None;
        for (field, value) in fields(model)? {
            match (field, value) {
                (1, Value::Bytes(p)) => {
                    let (mut piece, mut score) = (None, 0.0f32);
                    for (f, v) in fields(p)? {
                        match (f, v) {
                            (1, Value::Bytes(s)) => {
                                piece = Some(String::from_utf8_lossy(s).into_owned());
                            }
                            (2, Value::Fixed32(w)) => score = f32::from_le_bytes(w),
                            _ => {}
                        }
                    }
                    if let Some(piece) = piece {
                        pieces.push(piece);
                        scores.push(score);
                    }
                }
                (3, Value::Bytes(spec)) => normalizer = Some(Normalizer::new(spec)?),
                _ => {}
            }
        }
        if pieces.is_empty() {
            return Err(Error::new("the SentencePiece model has no pieces"));
        }
        let normalizer = normalizer.ok_or_else(|| Error::new("no normalizer spec"))?;
        let unk_score = f64::from(scores.iter().copied().fold(f32::INFINITY, f32::min)) - 10.0;
        let mut prefixes: HashMap<Box<str>, u32> = HashMap::with_capacity(pieces.len() * 2);
        let mut max_len = 0;
        for (id, piece) in pieces.iter().enumerate() {
            let chars: Vec<usize> = piece.char_indices().map(|(i, _)| i).collect();
            max_len = max_len.max(chars.len());
            for &end in chars.iter().skip(1) {
                prefixes.entry(piece[..end].into()).or_insert(0);
            }
            prefixes.insert(piece.as_str().into(), id as u32 + 1);
        }
        Ok(Tokenizer {
            normalizer,
            pieces: pieces.into_iter().map(String::into_boxed_str).collect(),
            scores,
            prefixes,
            max_len,
            unk_score,
        })
    }

    /// Number of pieces.
    pub fn vocab_size(&self) -> usize {
        self.scores.len()
    }

    /// The piece with id `id` (spaces as U+2581) and its log probability.
    pub fn piece(&self, id: u32) -> Option<(&str, f32)> {
        let i = id as usize;
        Some((self.pieces.get(i)?, *self.scores.get(i)?))
    }

    /// The text normalized as the model sees it (spaces as U+2581).
    pub fn normalize(&self, text: &str) -> String {
        self.normalizer.normalize(text)
    }

    /// Piece ids of `text`, framed by `<s>` and `</s>`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![BOS];
        let normalized = self.normalize(text);
        if normalized.is_empty() {
            ids.push(UNK);
        } else {
            self.viterbi(&normalized, &mut ids);
        }
        ids.push(EOS);
        ids
    }

    fn viterbi(&self, s: &str, out: &mut Vec<u32>) {
        let bounds: Vec<usize> = s
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(s.len()))
            .collect();
        let n = bounds.len() - 1;
        let mut best = vec![-1e38f64; n + 1];
        best[0] = 0.0;
        let mut start_of = vec![0usize; n + 1];
        let mut piece_of = vec![UNK; n + 1];
        for i in 0..n {
            let base = best[i];
            let mut has_single = false;
            for j in i + 1..=n.min(i + self.max_len) {
                let Some(&v) = self.prefixes.get(&s[bounds[i]..bounds[j]]) else {
                    break;
                };
                if v == 0 {
                    continue;
                }
                let score = base + f64::from(self.scores[v as usize - 1]);
                if score > best[j] {
                    best[j] = score;
                    start_of[j] = i;
                    piece_of[j] = v - 1;
                }
                has_single |= j == i + 1;
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[i + 1] {
                    best[i + 1] = score;
                    start_of[i + 1] = i;
                    piece_of[i + 1] = UNK;
                }
            }
        }
        let first = out.len();
        let mut p = n;
        while p > 0 {
            out.push(piece_of[p]);
            p = start_of[p];
        }
        if out.len() == first {
            out.push(UNK);
        }
        out[first..].reverse();
    }
}
