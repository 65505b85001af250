//! The audit log as the bureau reads it (`GET /api/v1/audit-log`); entries are written
//! through `app::audit::record`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::pagination::{self, Page};
use crate::app::{AppState, AuthUser};
use crate::db::schema::audit_log;
use crate::db::types::utc;
use crate::error::{ApiError, Problem};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
struct Entry {
    id: String,
    actor_id: Option<String>,
    action: String,
    subject_type: String,
    subject_id: String,
    reason: Option<String>,
    created_at: NaiveDateTime,
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    pub actor_id: Option<String>,
    /// e.g. `organization_verified`, `member_removed`, `region_created`.
    pub action: String,
    /// `organization`, `region`, `field`, `user`...
    pub subject_type: String,
    pub subject_id: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    /// Entries at or after this time (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Entries before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The audit log, newest first (bureau only).
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "registry", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    let rows: Vec<Entry> = state
        .db
        .run(move |conn| {
            let mut query = audit_log::table
                .select(Entry::as_select())
                .order(audit_log::id.desc())
                .limit(limit + 1)
                .into_boxed();
            if let Some(v) = q.subject_type {
                query = query.filter(audit_log::subject_type.eq(v));
            }
            if let Some(v) = q.subject_id {
                query = query.filter(audit_log::subject_id.eq(v));
            }
            if let Some(v) = q.actor_id {
                query = query.filter(audit_log::actor_id.eq(v));
            }
            if let Some(v) = q.action {
                query = query.filter(audit_log::action.eq(v));
            }
            if let Some(t) = q.since {
                query = query.filter(audit_log::created_at.ge(t.naive_utc()));
            }
            if let Some(t) = q.until {
                query = query.filter(audit_log::created_at.lt(t.naive_utc()));
            }
            if let Some(b) = before {
                query = query.filter(audit_log::id.lt(b));
            }
            Ok(query.load(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pagination::page(
        rows,
        limit,
        |e| e.id.clone(),
        |e| AuditEntry {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            reason: e.reason,
            created_at: utc(e.created_at),
        },
    )))
}
