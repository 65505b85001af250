//! Event endpoints: the bureau drafts, publishes, edits and cancels; everyone lists and
//! reads the events they may see. (Registrations and calendars have rooms of their own.)

use actix_web::{HttpResponse, web};

use super::service;
use super::views::{CancelEvent, EventChanges, EventQuery, EventView, NewEvent};
use crate::app::{AppState, AuthUser, pagination};
use crate::db::ids::EventId;
use crate::error::{ApiError, Problem};
use crate::extract::ApiQuery;

/// Draft an event (bureau).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", security(("bearer" = [])), request_body = NewEvent,
    responses((status = 201, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_event(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::extract::ApiJson<NewEvent>,
) -> Result<HttpResponse, ApiError> {
    let view = service::create_event(&state, user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/events/{}", view.id)))
        .json(view))
}

/// Events, soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", security(("bearer" = [])), params(EventQuery),
    responses((status = 200, body = pagination::Page<EventView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list_events(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = service::event_list(&state, Some(&user), query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One event.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
) -> Result<HttpResponse, ApiError> {
    let v = service::event_of(&state, user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Change an event (bureau). Drafts change freely; a published event keeps its audience,
/// and a change of time or place bumps its SEQUENCE and tells invitees and registrants.
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "events", security(("bearer" = [])), request_body = EventChanges,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "invalid, or event_closed, audience_locked, capacity_below_confirmed")))]
pub async fn update_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
    body: crate::extract::ApiJson<EventChanges>,
) -> Result<HttpResponse, ApiError> {
    let v = service::change_event(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Publish a draft (bureau): every verified organization in the audience is invited
/// and its members notified, once. Publishing a published event changes nothing.
#[utoipa::path(post, path = "/api/v1/events/{id}/publish", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "event_closed or event_in_past")))]
pub async fn publish_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
) -> Result<HttpResponse, ApiError> {
    let v = service::publish_now(&state, user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Cancel an event (bureau): invitees and everyone registered are told, with a calendar
/// cancellation attached.
#[utoipa::path(post, path = "/api/v1/events/{id}/cancel", tag = "events", security(("bearer" = [])), request_body = CancelEvent,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = EventView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "reason missing, or event_closed")))]
pub async fn cancel_event(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
    body: crate::extract::ApiJson<CancelEvent>,
) -> Result<HttpResponse, ApiError> {
    let v = service::cancel_now(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(v))
}
