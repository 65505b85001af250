//! Keeps this instance's search index in step with the database, which is the source of
//! truth. Every listing change writes an `index_changes` row in its own transaction; the
//! indexer applies rows in sequence order, re-reading the listing, so applying one twice
//! is harmless. A gap in the sequence (a transaction that took its number but has not
//! committed yet, on PostgreSQL) holds the position back for a few seconds, so a late
//! commit is not skipped; a gap that stays open is a rolled-back transaction.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, watch};

use super::engine::reuse::VectorCounts;
use super::engine::{Doc, Engine, Query, Side as EngineSide};
use super::notices::{self, NoticeSettings};
use crate::db::ids::ListingId;
use crate::db::{Db, DbConnection};
use crate::listings::domain::Side as ListingSide;
use crate::listings::model::{self, Listing, Lists};

const GAP_PATIENCE: Duration = Duration::from_secs(5);
const BATCH: i64 = 1000;

fn mode_names(lists: &Lists) -> Vec<String> {
    lists.modes.iter().map(|m| m.as_str().to_owned()).collect()
}

/// The engine's view of a listing.
pub fn doc_of(l: &Listing, lists: &Lists) -> Doc {
    Doc {
        id: l.id.clone(),
        side: if l.side == ListingSide::Need {
            EngineSide::Need
        } else {
            EngineSide::Capability
        },
        organization_id: l.organization_id.clone(),
        title: l.title.clone(),
        description: l.description.clone(),
        keywords: lists.keywords.clone(),
        field_codes: lists.field_codes.clone(),
        modes: mode_names(lists),
        trl: l.trl.and_then(|t| u8::try_from(t).ok()),
        region_code: Some(l.region_code.clone()),
    }
}

/// The query that finds the other side's best listings for `l`.
pub fn query_for(l: &Listing, lists: &Lists) -> Query {
    Query {
        text: format!("{}\n{}", l.title, l.description),
        keywords: lists.keywords.clone(),
        target: if l.side == ListingSide::Need {
            EngineSide::Capability
        } else {
            EngineSide::Need
        },
        field_codes: lists.field_codes.clone(),
        modes: mode_names(lists),
        trl: l.trl.and_then(|t| u8::try_from(t).ok()),
        region_code: Some(l.region_code.clone()),
        exclude_id: Some(l.id.clone()),
        exclude_organization: Some(l.organization_id.clone()),
    }
}

/// Bring one listing's document in line with the database; returns it if matchable.
fn apply(
    engine: &Engine,
    conn: &mut DbConnection,
    listing_id: &ListingId,
) -> anyhow::Result<Option<(Listing, Lists)>> {
    match model::matchable(conn, listing_id)? {
        Some((l, lists)) => {
            engine.upsert(&doc_of(&l, &lists))?;
            Ok(Some((l, lists)))
        }
        None => {
            engine.delete(listing_id)?;
            Ok(None)
        }
    }
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct Rebuilt {
    /// Listings indexed.
    pub listings: usize,
    /// Sentence vectors taken from the index as stored, and encoded anew.
    pub vectors: VectorCounts,
}

/// Rebuild the whole index from the database. A listing whose text is unchanged keeps
/// its stored vector (see `engine::reuse`).
pub fn rebuild(engine: &Engine, conn: &mut DbConnection) -> anyhow::Result<Rebuilt> {
    let before = engine.vector_counts();
    // Read the position first: changes committed during the rebuild are applied again after.
    let position = model::last_change(conn)?;
    engine.clear()?;
    let mut after = String::new();
    let mut count = 0;
    loop {
        let page = model::matchable_page(conn, &after, 500)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.id.to_string();
        // Encoded on all cores, a page at a time.
        let docs: Vec<_> = page.iter().map(|(l, lists)| doc_of(l, lists)).collect();
        engine.upsert_many(&docs)?;
        count += page.len();
    }
    engine.commit(i64::from(position))?;
    Ok(Rebuilt {
        listings: count,
        vectors: engine.vector_counts() - before,
    })
}

/// Where the indexer stands.
#[derive(Debug, Default)]
pub struct SyncState {
    gap_since: Option<Instant>,
}

/// Apply the changes after the index's position, announce new matches of listings that
/// became matchable, then commit the new position; returns how many changes were applied.
pub fn catch_up(
    engine: &Engine,
    conn: &mut DbConnection,
    state: &mut SyncState,
    notice: Option<&NoticeSettings>,
) -> anyhow::Result<usize> {
    let position = engine.position().unwrap_or(0);
    let changes = model::changes_after(conn, i32::try_from(position).unwrap_or(i32::MAX), BATCH)?;
    if changes.is_empty() {
        state.gap_since = None;
        return Ok(0);
    }
    let mut seen = std::collections::HashSet::new();
    let mut live = Vec::new();
    for (_, id) in &changes {
        if seen.insert(id.as_str()) {
            live.extend(apply(engine, conn, id)?);
        }
    }
    if let Some(notice) = notice.filter(|_| !live.is_empty()) {
        // Listings of this batch must be searchable for each other's announcements.
        engine.flush()?;
        for (l, lists) in &live {
            notices::announce(engine, conn, l, lists, notice)?;
        }
    }
    let mut next = position;
    let mut gap = false;
    for (seq, _) in &changes {
        if i64::from(*seq) == next + 1 {
            next += 1;
        } else {
            gap = true;
            break;
        }
    }
    if gap {
        let since = *state.gap_since.get_or_insert_with(Instant::now);
        if since.elapsed() >= GAP_PATIENCE {
            next = changes.last().map(|(s, _)| i64::from(*s)).unwrap_or(next);
            state.gap_since = None;
        }
    } else {
        state.gap_since = None;
    }
    engine.commit(next)?;
    Ok(changes.len())
}

/// Open (or create) the index and bring it up to date: a missing index is rebuilt, an
/// existing one catches up from its stored position.
pub fn open(db: &Db, dir: &std::path::Path, semantic: bool) -> anyhow::Result<Arc<Engine>> {
    let (engine, fresh) = Engine::open_with(dir, semantic)?;
    let mut conn = db.pool().get()?;
    if fresh || engine.position().is_none() {
        let started = Instant::now();
        let done = rebuild(&engine, &mut conn)?;
        tracing::info!(
            documents = done.listings,
            vectors_reused = done.vectors.reused,
            vectors_encoded = done.vectors.encoded,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "search index rebuilt"
        );
    } else {
        let mut state = SyncState::default();
        while catch_up(&engine, &mut conn, &mut state, None)? as i64 >= BATCH {}
    }
    Ok(Arc::new(engine))
}

/// The indexer task: applies changes when woken (after a local commit) or every 200 ms
/// (changes made by other instances).
pub async fn run(
    engine: Arc<Engine>,
    db: Db,
    notice: NoticeSettings,
    wake: Arc<Notify>,
    stop: watch::Receiver<bool>,
) {
    let state = std::sync::Mutex::new(SyncState::default());
    crate::background::run_loop(
        "indexer",
        Duration::from_millis(200),
        Some(wake),
        stop,
        move || {
            let mut conn = db.pool().get()?;
            let mut st = state
                .lock()
                .map_err(|_| anyhow::anyhow!("indexer state poisoned"))?;
            Ok(catch_up(&engine, &mut conn, &mut st, Some(&notice))? as i64 >= BATCH)
        },
    )
    .await;
}
