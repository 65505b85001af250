//! The append-only audit log: who did what to which subject, when, and why. Every feature
//! records into it inside its own transaction; the bureau reads it at `/api/v1/audit-log`
//! (`organizations::audit`).

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use crate::db::types::{new_id, now};

/// Record an entry inside the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    actor: Option<&str>,
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
