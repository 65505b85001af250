//! The bureau's outbox endpoints.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::outbox::{self, OutboxItem, OutboxStatus};
use crate::auth::AuthUser;
use crate::error::{ApiError, Problem};
use crate::pagination::{self, Page};
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    pub status: Option<OutboxStatus>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Outgoing email, newest first, filtered by status (`dead` shows what needs attention).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", security(("bearer" = [])), params(OutboxQuery),
    responses((status = 200, body = Page<OutboxItem>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_outbox(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor(query.cursor.as_deref())?;
    let rows = state
        .db
        .run(move |conn| {
            Ok(outbox::list(
                conn,
                query.status,
                before.as_deref(),
                limit + 1,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pagination::page(
        rows,
        limit,
        |e| e.id.clone(),
        OutboxItem::from,
    )))
}

/// Put an undelivered email back in line for a fresh round of attempts.
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Outbox row id")),
    responses((status = 200, body = OutboxItem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem, description = "unknown, or already sent")))]
pub async fn retry_outbox(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let row = outbox::retry(conn, &id)?.ok_or(ApiError::NotFound)?;
            crate::organizations::audit::record(
                conn,
                Some(&user.id),
                "outbox_retried",
                "outbox_email",
                &id,
                None,
            )?;
            Ok(row)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(OutboxItem::from(row)))
}
