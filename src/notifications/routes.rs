//! The bureau's outbox endpoints, the user's inbox, and one-click unsubscribe.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::inbox::{self, Delivery, NotificationView};
use super::outbox::{self, OutboxItem, OutboxStatus, Topic};
use super::unsubscribe::{unsubscribe_now, unsubscribe_preview};
use crate::app::AppState;
use crate::app::AuthUser;
use crate::app::pagination::{self, Page};
use crate::db::ids::NotificationId;
use crate::error::{ApiError, Problem};
use crate::extract::ApiQuery;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    pub status: Option<OutboxStatus>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

/// Outgoing email, newest first, filtered by status (`dead` shows what needs attention).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "admin", security(("bearer" = [])), params(OutboxQuery),
    responses((status = 200, body = Page<OutboxItem>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_outbox(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(outbox_page(&state, &user, query.into_inner()).await?))
}

/// A page of outgoing email for the bureau, newest first, of one status or all.
pub async fn outbox_page(
    state: &AppState,
    user: &AuthUser,
    query: OutboxQuery,
) -> Result<Page<OutboxItem>, ApiError> {
    user.require_bureau()?;
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
    Ok(pagination::page(
        rows,
        limit,
        |e| e.id.clone(),
        std::convert::identity,
    ))
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
    let item = retry_email(&state, user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(item))
}

/// The bureau puts an unsent email back in line (404 if unknown or already sent), audited,
/// and wakes the mailer.
pub async fn retry_email(
    state: &AppState,
    user: AuthUser,
    id: String,
) -> Result<OutboxItem, ApiError> {
    user.require_bureau()?;
    let row = state
        .write_and_mail(move |conn, _| {
            let row = outbox::retry(conn, &id)?.ok_or(ApiError::NotFound)?;
            crate::app::audit::record(
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
    Ok(OutboxItem::from(row))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only unread notices.
    pub unread_only: Option<bool>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

/// A page of the inbox plus the unread count.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InboxPage {
    pub items: Vec<NotificationView>,
    pub next_cursor: Option<String>,
    pub unread_count: i64,
}

/// The caller's in-app notices: unread first, newest first within each group.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications", security(("bearer" = [])), params(InboxQuery),
    responses((status = 200, body = InboxPage), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list_notifications(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<InboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let unread_only = q.unread_only.unwrap_or(false);
    let (page, unread_count) = inbox::read(
        &state.db,
        user.id,
        unread_only,
        q.cursor.as_deref(),
        q.limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(InboxPage {
        items: page.items,
        next_cursor: page.next_cursor,
        unread_count,
    }))
}

/// Mark one notice read.
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = String, Path, description = "Notification id")),
    responses((status = 200, body = NotificationView), (status = 401, body = Problem), (status = 404, body = Problem, description = "not one of the caller's notices")))]
pub async fn read_notification(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<NotificationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| inbox::mark_read(conn, &user.id, &id)?.ok_or(ApiError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationView::from(row)))
}

/// How many notices a bulk action changed.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Updated {
    pub updated: usize,
}

/// Mark every notice read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Updated), (status = 401, body = Problem)))]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let updated = state
        .db
        .write(move |conn| Ok(inbox::mark_all_read(conn, &user.id)?))
        .await?;
    Ok(HttpResponse::Ok().json(Updated { updated }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UnsubscribeQuery {
    /// The signed token from an email's unsubscribe link.
    pub token: String,
}

/// The outcome of an unsubscribe link.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Unsubscribed {
    /// The topics that no longer send email (they stay in the in-app inbox).
    pub topics: Vec<Topic>,
    /// Always `in_app`.
    pub delivery: Delivery,
}

/// An unsubscribe link (no login) opened with `GET` changes nothing (mail scanners follow
/// links): a valid token is sent on to the page that shows the topic and asks. Links in
/// mail sent before the page existed pointed here.
#[utoipa::path(get, path = "/api/v1/unsubscribe", tag = "notifications", params(UnsubscribeQuery),
    responses((status = 303, description = "To the unsubscribe page, which asks before anything changes"), (status = 409, body = Problem, description = "unsubscribe_token_invalid")))]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    query: ApiQuery<UnsubscribeQuery>,
) -> Result<HttpResponse, ApiError> {
    let token = query.into_inner().token;
    unsubscribe_preview(&state, &token).await?;
    let mut page = String::from("/unsubscribe?token=");
    page.extend(url_safe(&token));
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", page))
        .finish())
}

/// A token is URL-safe base64 and a dot; anything else is dropped from the redirect.
fn url_safe(token: &str) -> impl Iterator<Item = char> + '_ {
    token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// One-click unsubscribe (RFC 8058 `List-Unsubscribe-Post`): the topic's email stops.
#[utoipa::path(post, path = "/api/v1/unsubscribe", tag = "notifications", params(UnsubscribeQuery),
    responses((status = 200, body = Unsubscribed), (status = 409, body = Problem, description = "unsubscribe_token_invalid")))]
pub async fn unsubscribe_post(
    state: web::Data<AppState>,
    query: ApiQuery<UnsubscribeQuery>,
) -> Result<HttpResponse, ApiError> {
    let topics = unsubscribe_now(&state, &query.into_inner().token).await?;
    Ok(HttpResponse::Ok().json(Unsubscribed {
        topics,
        delivery: Delivery::InApp,
    }))
}
