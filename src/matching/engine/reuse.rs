//! Reusing stored sentence vectors instead of encoding again. A listing's vector depends
//! only on its text and the model ([`semantic::text_digest`]), and encoding is most of what
//! indexing costs (about 6 ms of a core per listing against well under 1 ms for the rest),
//! so an upsert whose text is unchanged, a full rebuild (`reindex`, or the rebuild at start
//! when the index holds no position), and the rebuild after an upgrade that changed the
//! schema or the glossary all take the vector already stored instead of encoding it.
//!
//! - Within one index: each key's digest is kept beside its vector in the side table; a
//!   listing upserted again with the same digest reuses its current vector, also after
//!   [`Engine::clear`] (the cleared keys stay readable until the next commit).
//! - Across an outdated index: before it is wiped, its stored `(text_digest, vector)`
//!   pairs are read ([`stored_codes`]) and carried into the new engine until its first
//!   commit (at 1M listings about 0.55 GiB for the length of the rebuild).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::schema::Value;
use tantivy::{Index, TantivyDocument};

use super::index::{Engine, read};
use super::vectors::Code;

/// The first 16 bytes of a text's SHA-256 under the model: see [`super::semantic::text_digest`].
pub(crate) type Digest = [u8; 16];

/// How many vectors were reused and how many encoded since the engine opened.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    reused: AtomicU64,
    encoded: AtomicU64,
}

/// Vectors reused and encoded (see [`Engine::vector_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VectorCounts {
    pub reused: u64,
    pub encoded: u64,
}

impl std::ops::Sub for VectorCounts {
    type Output = VectorCounts;
    fn sub(self, before: VectorCounts) -> VectorCounts {
        VectorCounts {
            reused: self.reused - before.reused,
            encoded: self.encoded - before.encoded,
        }
    }
}

impl Counters {
    pub(crate) fn reused(&self) {
        self.reused.fetch_add(1, Ordering::Relaxed);
    }
    pub(crate) fn encoded(&self) {
        self.encoded.fetch_add(1, Ordering::Relaxed);
    }
}

impl Engine {
    /// The stored vector of listing `id` if it was encoded from the text with `digest`, or
    /// one carried over from the outdated index this engine replaced.
    pub(crate) fn reusable(&self, id: &str, digest: &Digest) -> Option<Code> {
        {
            let t = read(&self.table);
            let key = t.key_of.get(id).or_else(|| t.cleared.get(id));
            let stored = key
                .filter(|k| t.digest_of.get(k) == Some(digest))
                .and_then(|&k| t.vector(k));
            if stored.is_some() {
                return stored;
            }
        }
        read(&self.carried).get(digest).cloned()
    }

    /// Vectors reused and encoded since the engine opened.
    pub fn vector_counts(&self) -> VectorCounts {
        VectorCounts {
            reused: self.counters.reused.load(Ordering::Relaxed),
            encoded: self.counters.encoded.load(Ordering::Relaxed),
        }
    }
}

/// The `(text_digest, vector)` pairs stored in `index` (empty when its schema has no
/// digests, i.e. it was built before vectors were reused, or it cannot be read).
pub(crate) fn stored_codes(index: &Index) -> HashMap<Digest, Code> {
    match try_stored_codes(index) {
        Ok(codes) => codes,
        Err(e) => {
            tracing::info!(error = %e, "no stored vectors to reuse from the outdated index");
            HashMap::new()
        }
    }
}

fn try_stored_codes(index: &Index) -> anyhow::Result<HashMap<Digest, Code>> {
    let schema = index.schema();
    let (Ok(vector), Ok(digest)) = (schema.get_field("vector"), schema.get_field("text_digest"))
    else {
        return Ok(HashMap::new());
    };
    let searcher = index.reader()?.searcher();
    let mut codes = HashMap::new();
    for segment in searcher.segment_readers() {
        let store = segment.get_store_reader(64)?;
        for doc_id in segment.doc_ids_alive() {
            let d: TantivyDocument = store.get(doc_id)?;
            let dg = d
                .get_first(digest)
                .and_then(|v| v.as_bytes())
                .and_then(|b| Digest::try_from(b).ok());
            let code = d
                .get_first(vector)
                .and_then(|v| v.as_bytes())
                .and_then(Code::from_bytes);
            if let (Some(dg), Some(code)) = (dg, code) {
                codes.insert(dg, code);
            }
        }
    }
    Ok(codes)
}
