//! The tantivy index behind the engine: document expansion with glossary concepts and
//! the sentence vector, writes (upsert, delete, clear, commit with a position payload).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use anyhow::{anyhow, bail};
use tantivy::query::AllQuery;
use tantivy::schema::Field;
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::analysis::{Lexicon, TOKENIZER_NAME, Tok};
use super::glossary::concept_token;
use super::payload::{fingerprint, parse_payload, payload};
use super::reuse::{Counters, Digest, stored_codes};
use super::schema::{Fields, schema};
use super::score::Meta;
use super::semantic;
use super::table::{SideTable, side_index};
use super::vectors::Code;
use super::{Doc, Side};
use crate::db::ids::ListingId;

/// Indexing memory budget shared by the writer threads.
const WRITER_BUDGET: usize = 96 * 1024 * 1024;

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
    /// Listings are indexed with sentence vectors and matched by meaning too.
    pub(crate) semantic: bool,
    /// Vectors of the outdated index this one replaced, by text digest, until the first
    /// commit (see `reuse`).
    pub(crate) carried: RwLock<HashMap<Digest, Code>>,
    pub(crate) counters: Counters,
}

fn lock<T>(m: &Mutex<T>) -> anyhow::Result<MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| anyhow!("matching index writer lock poisoned"))
}

pub(crate) fn read<T>(l: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn write<T>(l: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
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
    /// Opens the index in `dir`, or creates it empty there, semantic unless
    /// `COLLAB_SEMANTIC=off`. The flag is true when the index was missing, unreadable or
    /// built with another schema, glossary or semantic setting, and was created empty: the
    /// caller must then rebuild it.
    pub fn open(dir: &Path) -> anyhow::Result<(Engine, bool)> {
        Self::open_with(dir, semantic::enabled_by_env())
    }

    /// [`Engine::open`] with the semantic part on or off.
    pub fn open_with(dir: &Path, semantic: bool) -> anyhow::Result<(Engine, bool)> {
        Self::open_fingerprinted(dir, semantic, fingerprint(Lexicon::shared(), semantic))
    }

    /// [`Engine::open_with`] expecting the fingerprint `fp` (tests: an outdated index).
    pub(super) fn open_fingerprinted(
        dir: &Path,
        semantic: bool,
        fp: String,
    ) -> anyhow::Result<(Engine, bool)> {
        let lexicon = Lexicon::shared();
        if semantic {
            // Fail at start, not at the first listing, if the model is damaged.
            semantic::encoder()?;
        }
        let mut carried = HashMap::new();
        match Self::try_open(dir, &fp, lexicon, semantic) {
            Ok(Ok(engine)) => return Ok((engine, false)),
            Ok(Err(old)) => {
                if semantic {
                    carried = stored_codes(&old);
                }
                tracing::info!(
                    dir = %dir.display(),
                    vectors_to_reuse = carried.len(),
                    "matching index outdated, recreating"
                );
            }
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
        let engine = Self::from_index(index, fp, lexicon, semantic)?;
        engine.commit_payload(None)?;
        *write(&engine.carried) = carried;
        Ok((engine, true))
    }

    fn try_open(
        dir: &Path,
        fp: &str,
        lexicon: &'static Lexicon,
        semantic: bool,
    ) -> anyhow::Result<Result<Engine, Index>> {
        let index = Index::open_in_dir(dir)?;
        let metas = index.load_metas()?;
        match metas.payload.as_deref().and_then(parse_payload) {
            Some((found, _)) if found == fp => Ok(Ok(Self::from_index(
                index,
                fp.to_string(),
                lexicon,
                semantic,
            )?)),
            // Outdated: handed back to read the vectors it holds before it is wiped.
            _ => Ok(Err(index)),
        }
    }

    /// A fresh engine held in memory (tests, tools), semantic unless `COLLAB_SEMANTIC=off`.
    pub fn in_memory() -> anyhow::Result<Engine> {
        Self::in_memory_with(semantic::enabled_by_env())
    }

    /// [`Engine::in_memory`] with the semantic part on or off.
    pub fn in_memory_with(semantic: bool) -> anyhow::Result<Engine> {
        let lexicon = Lexicon::shared();
        let index = Index::create_in_ram(schema());
        let engine = Self::from_index(index, fingerprint(lexicon, semantic), lexicon, semantic)?;
        engine.commit_payload(None)?;
        Ok(engine)
    }

    fn from_index(
        index: Index,
        fingerprint: String,
        lexicon: &'static Lexicon,
        semantic: bool,
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
            semantic,
            carried: RwLock::new(HashMap::new()),
            counters: Counters::default(),
        };
        engine.load_table()?;
        Ok(engine)
    }

    /// The quantized sentence vector of `doc` (None when semantic is off): the stored one
    /// when `doc`'s text is the one it was encoded from (see `reuse`), else a new encoding.
    pub fn encode(&self, doc: &Doc) -> anyhow::Result<Option<Code>> {
        if !self.semantic {
            return Ok(None);
        }
        let text = semantic::listing_text(&doc.title, &doc.keywords, &doc.description);
        if let Some(code) = self.reusable(&doc.id, &semantic::text_digest(&text)) {
            self.counters.reused();
            return Ok(Some(code));
        }
        let code = Code::of(&semantic::embed(&text)?);
        self.counters.encoded();
        Ok(Some(code))
    }

    /// Adds `doc`, replacing any listing with the same id. Visible after [`Engine::commit`].
    pub fn upsert(&self, doc: &Doc) -> anyhow::Result<()> {
        let code = self.encode(doc)?;
        self.upsert_encoded(doc, code)
    }

    /// Adds many listings, encoding them on all cores first.
    pub fn upsert_many(&self, docs: &[Doc]) -> anyhow::Result<()> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = docs.len().div_ceil(threads).max(1);
        let codes: Vec<anyhow::Result<Vec<Option<Code>>>> = std::thread::scope(|s| {
            let handles: Vec<_> = docs
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(|d| self.encode(d)).collect()))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(anyhow!("an encoding thread panicked")))
                })
                .collect()
        });
        let mut codes = codes.into_iter();
        for part in docs.chunks(chunk) {
            let part_codes = codes
                .next()
                .unwrap_or_else(|| Err(anyhow!("missing encodings")))?;
            for (doc, code) in part.iter().zip(part_codes) {
                self.upsert_encoded(doc, code)?;
            }
        }
        Ok(())
    }

    /// Adds `doc` with a vector encoded before (by [`Engine::encode`]), replacing any
    /// listing with the same id. Visible after [`Engine::commit`].
    pub fn upsert_with_vector(&self, doc: &Doc, code: Option<Code>) -> anyhow::Result<()> {
        self.upsert_encoded(doc, code.filter(|_| self.semantic))
    }

    fn upsert_encoded(&self, doc: &Doc, code: Option<Code>) -> anyhow::Result<()> {
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
        let digest = code.as_ref().map(|c| {
            td.add_bytes(f.vector, &c.to_bytes());
            let text = semantic::listing_text(&doc.title, &doc.keywords, &doc.description);
            let digest = semantic::text_digest(&text);
            td.add_bytes(f.text_digest, &digest);
            digest
        });
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
        if let (Some(c), Some(digest)) = (&code, digest) {
            table.vectors[side_index(doc.side)].insert(key, c);
            table.digest_of.insert(key, digest);
        }
        Ok(())
    }

    /// Removes the listing `id`. Visible after [`Engine::commit`].
    pub fn delete(&self, id: &ListingId) -> anyhow::Result<()> {
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
        let cleared: Vec<(ListingId, u64)> = table.key_of.drain().collect();
        table.pending_remove.extend(cleared.iter().map(|(_, k)| *k));
        table.cleared.extend(cleared);
        Ok(())
    }

    /// Commits pending changes, records `position` (the last applied change
    /// sequence) in the commit payload, and makes the changes searchable.
    pub fn commit(&self, position: i64) -> anyhow::Result<()> {
        self.commit_payload(Some(position))
    }

    /// Makes pending changes searchable without moving the stored position (a crash
    /// before the next [`Engine::commit`] replays them).
    pub fn flush(&self) -> anyhow::Result<()> {
        self.commit_payload(self.position())
    }

    fn commit_payload(&self, position: Option<i64>) -> anyhow::Result<()> {
        let mut writer = lock(&self.writer)?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(&self.fingerprint, position));
        prepared.commit()?;
        self.reader.reload()?;
        write(&self.table).apply_removals();
        *write(&self.carried) = HashMap::new();
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
