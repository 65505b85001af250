//! The append-only audit log: who did what to which subject, when, and why. Every feature
//! records into it inside its own transaction; the bureau reads it at `/api/v1/audit-log`
//! (`organizations::audit`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::schema::audit_log;
use crate::db::types::{new_id, now};

/// A stored entry.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    pub id: String,
    pub actor_id: Option<UserId>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Which entries to read: every field given must match; times are `[since, until)`.
#[derive(Debug, Default)]
pub struct Filter {
    pub subject_type: Option<String>,
    /// Any record's id: the subject's type says which.
    pub subject_id: Option<String>,
    pub actor_id: Option<UserId>,
    pub action: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// Up to `limit` entries matching `f`, newest first, older than the entry `before`.
pub fn list(
    conn: &mut DbConnection,
    f: Filter,
    before: Option<String>,
    limit: i64,
) -> QueryResult<Vec<Entry>> {
    let mut q = audit_log::table
        .select(Entry::as_select())
        .order(audit_log::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(v) = f.subject_type {
        q = q.filter(audit_log::subject_type.eq(v));
    }
    if let Some(v) = f.subject_id {
        q = q.filter(audit_log::subject_id.eq(v));
    }
    if let Some(v) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(v));
    }
    if let Some(v) = f.action {
        q = q.filter(audit_log::action.eq(v));
    }
    if let Some(t) = f.since {
        q = q.filter(audit_log::created_at.ge(t));
    }
    if let Some(t) = f.until {
        q = q.filter(audit_log::created_at.lt(t));
    }
    if let Some(b) = before {
        q = q.filter(audit_log::id.lt(b));
    }
    q.load(conn)
}

/// Record an entry inside the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    actor: Option<&UserId>,
    action: &str,
    subject_type: &str,
    subject_id: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(new_id()),
            audit_log::actor_id.eq(actor),
            audit_log::action.eq(action),
            audit_log::subject_type.eq(subject_type),
            audit_log::subject_id.eq(subject_id),
            audit_log::reason.eq(reason),
            audit_log::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
