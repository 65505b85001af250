//! Calendar endpoints: an event's `.ics`, the feed token, the feed.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::service;
use crate::app::{AppState, AuthUser};
use crate::db::ids::EventId;
use crate::error::{ApiError, Problem};
use crate::events::views::CalendarFeed;
use crate::extract::ApiQuery;

fn calendar_response(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(body)
}

/// The event as iCalendar (RFC 5545): stable UID, SEQUENCE bumped on change,
/// `METHOD:CANCEL` once cancelled.
#[utoipa::path(get, path = "/api/v1/events/{id}.ics", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn event_ics(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
) -> Result<HttpResponse, ApiError> {
    let postman = state.postman.clone();
    let body = state
        .db
        .run(move |conn| service::event_ics(conn, &postman, Some(&user), &id))
        .await?;
    Ok(calendar_response(body))
}

/// Create (or replace) the caller's calendar-feed token. The token is shown once; the
/// previous one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar-token", tag = "events", security(("bearer" = [])),
    responses((status = 201, body = CalendarFeed), (status = 401, body = Problem)))]
pub async fn create_calendar_token(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let feed: CalendarFeed = service::new_feed(&state, user).await?;
    Ok(HttpResponse::Created().json(feed))
}

/// Revoke the caller's calendar-feed token.
#[utoipa::path(delete, path = "/api/v1/me/calendar-token", tag = "events", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
pub async fn revoke_calendar_token(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    service::revoke_feed(&state, user).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// The secret from `POST /api/v1/me/calendar-token`.
    pub token: String,
}

/// The caller's calendar feed (no login: the token is the key): every event they or
/// their registrations are in, cancelled ones marked cancelled.
#[utoipa::path(get, path = "/api/v1/me/calendar.ics", tag = "events", params(FeedQuery),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = Problem, description = "unknown or revoked token")))]
pub async fn calendar_feed(
    state: web::Data<AppState>,
    query: ApiQuery<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let token = query.into_inner().token;
    let postman = state.postman.clone();
    let body = state
        .db
        .run(move |conn| service::feed(conn, &postman, &token))
        .await?;
    Ok(calendar_response(body))
}
