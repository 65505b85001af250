//! The audit log as the bureau reads it (`GET /api/v1/audit-log`); entries are written
//! through `app::audit::record`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::audit::{self, Entry, Filter};
use crate::app::pagination::{self, Page};
use crate::app::when::Bound;
use crate::app::{AppState, AuthUser};
use crate::db::ids::UserId;
use crate::db::types::utc;
use crate::error::{ApiError, Problem};
use crate::extract::ApiQuery;

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: String,
    #[schema(value_type = Option<String>)]
    pub actor_id: Option<UserId>,
    /// e.g. `organization_verified`, `member_removed`, `region_created`.
    pub action: String,
    /// `organization`, `region`, `field`, `user`...
    pub subject_type: String,
    pub subject_id: String,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Entry> for AuditEntry {
    fn from(e: Entry) -> Self {
        AuditEntry {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            reason: e.reason,
            created_at: utc(e.created_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    #[param(value_type = Option<String>)]
    pub actor_id: Option<UserId>,
    pub action: Option<String>,
    /// Entries at or after this time (a day: from its start, Beijing time).
    pub since: Option<Bound>,
    /// Entries before this time (a day: up to its end, that day included).
    pub until: Option<Bound>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

impl AuditQuery {
    fn filter(self) -> Filter {
        Filter {
            subject_type: self.subject_type,
            subject_id: self.subject_id,
            actor_id: self.actor_id,
            action: self.action,
            since: self.since.map(|b| b.start().naive_utc()),
            until: self.until.map(|b| b.end().naive_utc()),
        }
    }
}

/// The audit log, newest first (bureau only).
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "registry", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(page(&state, &user, query.into_inner()).await?))
}

/// A page of the audit log, newest first, for the bureau.
pub async fn page(
    state: &AppState,
    user: &AuthUser,
    q: AuditQuery,
) -> Result<Page<AuditEntry>, ApiError> {
    user.require_bureau()?;
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    let filter = q.filter();
    let rows = state
        .db
        .run(move |conn| Ok(audit::list(conn, filter, before, limit + 1)?))
        .await?;
    Ok(pagination::page(
        rows,
        limit,
        |e| e.id.clone(),
        AuditEntry::from,
    ))
}
