//! The in-memory side table: every committed listing's structured data and sentence
//! vector by the index's internal `key`, loaded from the stored fields at open.

use std::collections::HashMap;

use tantivy::TantivyDocument;
use tantivy::schema::Value;

use super::Side;
use super::index::Engine;
use super::reuse::Digest;
use super::score::Meta;
use super::vectors::{Code, VectorIndex};
use crate::db::ids::ListingId;

/// Structured data and vectors of the listings, by the internal `key` fast field.
///
/// Keys are never reused: an upsert gets a fresh key, and the replaced key is
/// dropped only at commit, so the table always covers what the reader sees.
#[derive(Debug, Default)]
pub(crate) struct SideTable {
    pub(crate) by_key: HashMap<u64, Meta>,
    pub(crate) key_of: HashMap<ListingId, u64>,
    pub(crate) next_key: u64,
    pub(crate) pending_remove: Vec<u64>,
    /// Sentence vectors of needs (`[0]`) and capabilities (`[1]`).
    pub(crate) vectors: [VectorIndex; 2],
    /// What each key's vector was encoded from (see `reuse`).
    pub(crate) digest_of: HashMap<u64, Digest>,
    /// Listings removed by `Engine::clear` since the last commit, by id: their vectors
    /// stay readable for reuse until then.
    pub(crate) cleared: HashMap<ListingId, u64>,
}

/// Index of `side` in per-side arrays.
pub(crate) fn side_index(side: Side) -> usize {
    match side {
        Side::Need => 0,
        Side::Capability => 1,
    }
}

impl SideTable {
    /// Drops the keys replaced or deleted since the last commit.
    pub(crate) fn apply_removals(&mut self) {
        let removed = std::mem::take(&mut self.pending_remove);
        self.cleared = HashMap::new();
        for k in removed {
            self.by_key.remove(&k);
            self.digest_of.remove(&k);
            for v in &mut self.vectors {
                v.remove(k);
            }
        }
        for v in &mut self.vectors {
            v.maintain();
        }
    }

    /// The vector of `key`, if it has one.
    pub(crate) fn vector(&self, key: u64) -> Option<Code> {
        self.vectors.iter().find_map(|v| v.get(key))
    }
}

impl Engine {
    /// Rebuilds the side table from the stored fields of the committed index.
    pub(crate) fn load_table(&self) -> anyhow::Result<()> {
        let f = &self.fields;
        let mut table = SideTable::default();
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(64)?;
            for doc_id in segment.doc_ids_alive() {
                let d: TantivyDocument = store.get(doc_id)?;
                let text = |field| {
                    d.get_first(field)
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                };
                let all = |field| {
                    d.get_all(field)
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                };
                let (Some(key), Some(id)) =
                    (d.get_first(f.key).and_then(|v| v.as_u64()), text(f.id))
                else {
                    continue;
                };
                let side = text(f.side).as_deref().and_then(Side::parse);
                let code = d
                    .get_first(f.vector)
                    .and_then(|v| v.as_bytes())
                    .and_then(Code::from_bytes);
                if let (Some(side), Some(code)) = (side, code) {
                    table.vectors[side_index(side)].insert(key, &code);
                }
                let digest = d
                    .get_first(f.text_digest)
                    .and_then(|v| v.as_bytes())
                    .and_then(|b| Digest::try_from(b).ok());
                if let Some(digest) = digest {
                    table.digest_of.insert(key, digest);
                }
                // The stored fields are the index's text; they name a listing and its
                // organization.
                let id = ListingId::from(id);
                let meta = Meta {
                    id: id.clone(),
                    organization_id: text(f.org).unwrap_or_default().into(),
                    field_codes: all(f.field_codes),
                    modes: all(f.modes),
                    trl: d
                        .get_first(f.trl)
                        .and_then(|v| v.as_u64())
                        .and_then(|t| u8::try_from(t).ok()),
                    region_code: text(f.region),
                };
                table.next_key = table.next_key.max(key + 1);
                table.key_of.insert(id, key);
                table.by_key.insert(key, meta);
            }
        }
        for v in &mut table.vectors {
            v.maintain();
        }
        *super::index::write(&self.table) = table;
        Ok(())
    }
}
