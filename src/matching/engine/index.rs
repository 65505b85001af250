//! The tantivy index behind the engine: schema, document expansion with
//! glossary concepts, writes (upsert, delete, clear, commit with a position
//! payload) and the in-memory side table of structured data.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use anyhow::{anyhow, bail};
use tantivy::query::AllQuery;
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::analysis::{Lexicon, TOKENIZER_NAME, Tok};
use super::glossary::{concept_token, fnv1a};
use super::schema::{Fields, schema};
use super::score::Meta;
use super::{Doc, Side};

/// Bump when the schema or the analysis changes: indexes built before are rebuilt.
const SCHEMA_VERSION: u32 = 2;
/// Indexing memory budget shared by the writer threads.
const WRITER_BUDGET: usize = 96 * 1024 * 1024;
/// Prefix of the commit payload.
const PAYLOAD_TAG: &str = "collab-matching";

/// Structured data of the listings, by the internal `key` fast field.
///
/// Keys are never reused: an upsert gets a fresh key, and the replaced key is
/// dropped only at commit, so the table always covers what the reader sees.
#[derive(Debug, Default)]
pub(crate) struct SideTable {
    pub(crate) by_key: HashMap<u64, Meta>,
    key_of: HashMap<String, u64>,
    next_key: u64,
    pending_remove: Vec<u64>,
}

/// The matching engine. Thread-safe: searches run concurrently; writes
/// serialize on the writer lock.
pub struct Engine {
    pub(crate) fields: Fields,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    pub(crate) reader: IndexReader,
    pub(crate) lexicon: &'static Lexicon,
    pub(crate) table: RwLock<SideTable>,
    position: RwLock<Option<i64>>,
    fingerprint: String,
}

fn fingerprint(lexicon: &Lexicon) -> String {
    let seed = format!("{SCHEMA_VERSION}:{:016x}", lexicon.glossary.fingerprint());
    format!("{:016x}", fnv1a(seed.as_bytes()))
}

fn payload(fingerprint: &str, position: Option<i64>) -> String {
    let pos = position.map_or_else(|| "none".to_string(), |p| p.to_string());
    format!("{PAYLOAD_TAG} fp={fingerprint} pos={pos}")
}

/// `(fingerprint, position)` of a payload written by [`payload`].
fn parse_payload(p: &str) -> Option<(String, Option<i64>)> {
    let mut parts = p.split_whitespace();
    if parts.next() != Some(PAYLOAD_TAG) {
        return None;
    }
    let fp = parts.next()?.strip_prefix("fp=")?.to_string();
    let pos = parts.next()?.strip_prefix("pos=")?;
    Some((fp, pos.parse().ok()))
}

fn lock<T>(m: &Mutex<T>) -> anyhow::Result<MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| anyhow!("matching index writer lock poisoned"))
}

pub(crate) fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn pre_tokenized(text: &str, toks: Vec<Tok>) -> PreTokenizedString {
    let tokens = toks
        .into_iter()
        .map(|t| Token {
            offset_from: t.from,
            offset_to: t.to,
            position: t.pos,
            text: t.text,
            position_length: 1,
        })
        .collect();
    PreTokenizedString {
        text: text.to_string(),
        tokens,
    }
}

impl Engine {
    /// Opens the index in `dir`, or creates it empty there. The flag is true
    /// when the index was missing, unreadable or built with another schema or
    /// glossary, and was created empty: the caller must then rebuild it.
    pub fn open(dir: &Path) -> anyhow::Result<(Engine, bool)> {
        let lexicon = Lexicon::shared();
        let fp = fingerprint(lexicon);
        match Self::try_open(dir, &fp, lexicon) {
            Ok(Some(engine)) => return Ok((engine, false)),
            Ok(None) => tracing::info!(dir = %dir.display(), "matching index outdated, recreating"),
            // Another writer holds the index: never wipe it.
            Err(e)
                if matches!(
                    e.downcast_ref(),
                    Some(tantivy::TantivyError::LockFailure(..))
                ) =>
            {
                return Err(e);
            }
            Err(e) => {
                tracing::info!(dir = %dir.display(), error = %e, "matching index missing or unreadable, recreating")
            }
        }
        if dir.exists() {
            let entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
            let ours = entries.is_empty()
                || entries
                    .iter()
                    .any(|e| e.file_name() == "meta.json" || e.file_name() == ".managed.json");
            if !ours {
                bail!(
                    "{} is not empty and holds no index: refusing to overwrite it",
                    dir.display()
                );
            }
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema())?;
        let engine = Self::from_index(index, fp, lexicon)?;
        engine.commit_payload(None)?;
        Ok((engine, true))
    }

    fn try_open(dir: &Path, fp: &str, lexicon: &'static Lexicon) -> anyhow::Result<Option<Engine>> {
        let index = Index::open_in_dir(dir)?;
        let metas = index.load_metas()?;
        match metas.payload.as_deref().and_then(parse_payload) {
            Some((found, _)) if found == fp => {
                Ok(Some(Self::from_index(index, fp.to_string(), lexicon)?))
            }
            _ => Ok(None),
        }
    }

    /// A fresh engine held in memory (tests, tools).
    pub fn in_memory() -> anyhow::Result<Engine> {
        let lexicon = Lexicon::shared();
        let index = Index::create_in_ram(schema());
        let engine = Self::from_index(index, fingerprint(lexicon), lexicon)?;
        engine.commit_payload(None)?;
        Ok(engine)
    }

    fn from_index(
        index: Index,
        fingerprint: String,
        lexicon: &'static Lexicon,
    ) -> anyhow::Result<Engine> {
        index
            .tokenizers()
            .register(TOKENIZER_NAME, lexicon.analyzer.text_analyzer());
        let fields = Fields::from_schema(&index.schema())?;
        let writer = index.writer(WRITER_BUDGET)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let position = index
            .load_metas()?
            .payload
            .as_deref()
            .and_then(parse_payload)
            .and_then(|p| p.1);
        let engine = Engine {
            fields,
            writer: Mutex::new(writer),
            reader,
            lexicon,
            table: RwLock::new(SideTable::default()),
            position: RwLock::new(position),
            fingerprint,
        };
        engine.load_table()?;
        Ok(engine)
    }

    /// Rebuilds the side table from the stored fields of the committed index.
    fn load_table(&self) -> anyhow::Result<()> {
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
                let meta = Meta {
                    id: id.clone(),
                    organization_id: text(f.org).unwrap_or_default(),
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
        *write(&self.table) = table;
        Ok(())
    }

    /// Adds `doc`, replacing any listing with the same id. Visible after [`Engine::commit`].
    pub fn upsert(&self, doc: &Doc) -> anyhow::Result<()> {
        let f = &self.fields;
        let sf = f.of(doc.side);
        let mut td = TantivyDocument::default();
        let mut concepts: Vec<u32> = Vec::new();
        let mut add_text = |td: &mut TantivyDocument, field: Field, text: &str| {
            let a = self.lexicon.analyze(text);
            concepts.extend(a.concepts.iter().map(|h| h.concept));
            td.add_pre_tokenized_text(field, pre_tokenized(text, a.tokens));
        };
        add_text(&mut td, sf.title, &doc.title);
        for k in &doc.keywords {
            add_text(&mut td, sf.keywords, k);
        }
        add_text(&mut td, sf.description, &doc.description);
        for c in concepts {
            td.add_text(sf.concepts, concept_token(c));
        }
        td.add_text(f.id, &doc.id);
        td.add_text(f.side, doc.side.as_str());
        td.add_text(f.org, &doc.organization_id);
        for c in &doc.field_codes {
            td.add_text(f.field_codes, c);
        }
        for m in &doc.modes {
            td.add_text(f.modes, m);
        }
        if let Some(t) = doc.trl {
            td.add_u64(f.trl, u64::from(t));
        }
        if let Some(r) = &doc.region_code {
            td.add_text(f.region, r);
        }
        let meta = Meta {
            id: doc.id.clone(),
            organization_id: doc.organization_id.clone(),
            field_codes: doc.field_codes.clone(),
            modes: doc.modes.clone(),
            trl: doc.trl,
            region_code: doc.region_code.clone(),
        };
        let writer = lock(&self.writer)?;
        let mut table = write(&self.table);
        let key = table.next_key;
        td.add_u64(f.key, key);
        writer.delete_term(Term::from_field_text(f.id, &doc.id));
        writer.add_document(td)?;
        table.next_key += 1;
        if let Some(old) = table.key_of.insert(doc.id.clone(), key) {
            table.pending_remove.push(old);
        }
        table.by_key.insert(key, meta);
        Ok(())
    }

    /// Removes the listing `id`. Visible after [`Engine::commit`].
    pub fn delete(&self, id: &str) -> anyhow::Result<()> {
        let writer = lock(&self.writer)?;
        writer.delete_term(Term::from_field_text(self.fields.id, id));
        let mut table = write(&self.table);
        if let Some(old) = table.key_of.remove(id) {
            table.pending_remove.push(old);
        }
        Ok(())
    }

    /// Removes every listing. Visible after [`Engine::commit`].
    pub fn clear(&self) -> anyhow::Result<()> {
        let writer = lock(&self.writer)?;
        writer.delete_query(Box::new(AllQuery))?;
        let mut table = write(&self.table);
        let keys: Vec<u64> = table.key_of.drain().map(|(_, k)| k).collect();
        table.pending_remove.extend(keys);
        Ok(())
    }

    /// Commits pending changes, records `position` (the last applied change
    /// sequence) in the commit payload, and makes the changes searchable.
    pub fn commit(&self, position: i64) -> anyhow::Result<()> {
        self.commit_payload(Some(position))
    }

    fn commit_payload(&self, position: Option<i64>) -> anyhow::Result<()> {
        let mut writer = lock(&self.writer)?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(&self.fingerprint, position));
        prepared.commit()?;
        self.reader.reload()?;
        let mut table = write(&self.table);
        let removed = std::mem::take(&mut table.pending_remove);
        for k in removed {
            table.by_key.remove(&k);
        }
        *write(&self.position) = position;
        Ok(())
    }

    /// The position stored by the last commit.
    pub fn position(&self) -> Option<i64> {
        *read(&self.position)
    }

    /// Number of live (committed) listings.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when no listing is committed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Term for the side filter.
    pub(crate) fn side_term(&self, side: Side) -> Term {
        Term::from_field_text(self.fields.side, side.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trip() {
        assert_eq!(
            parse_payload(&payload("ab", Some(-3))),
            Some(("ab".into(), Some(-3)))
        );
        assert_eq!(
            parse_payload(&payload("ab", None)),
            Some(("ab".into(), None))
        );
        assert_eq!(parse_payload("something else"), None);
    }
}
