//! Registration endpoints: list, register, cancel, attendance, participation.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::service;
use crate::app::when::Bound;
use crate::app::{AppState, AuthUser};
use crate::db::ids::{EventId, OrganizationId, RegistrationId};
use crate::error::{ApiError, Problem};
use crate::events::views::{
    AttendanceBody, AttendanceResult, NewRegistration, ParticipationReport, RegistrationList,
    RegistrationView,
};
use crate::extract::ApiQuery;

/// Registrations: the bureau sees all, members see their organizations'.
#[utoipa::path(get, path = "/api/v1/events/{id}/registrations", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = RegistrationList), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn list_registrations(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
) -> Result<HttpResponse, ApiError> {
    let items = service::registrations_of(&state, user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(RegistrationList { items }))
}

/// Register named attendees for an organization in the audience. Each gets a place while
/// places last (in total and per organization), then a waitlist position. Attendees
/// without an account count towards `COLLAB_OUTSIDE_ATTENDEES_PER_HOUR` (429 beyond).
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", security(("bearer" = [])), request_body = NewRegistration,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 201, body = RegistrationList), (status = 401, body = Problem), (status = 403, body = Problem, description = "not a member, or not_in_audience"), (status = 404, body = Problem), (status = 409, body = Problem, description = "already_registered"), (status = 422, body = Problem, description = "invalid attendees, or event_not_published, event_cancelled, event_completed, registration_not_open, registration_closed"), (status = 429, body = Problem, description = "outside-attendee quota, with Retry-After")))]
pub async fn register(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
    body: crate::extract::ApiJson<NewRegistration>,
) -> Result<HttpResponse, ApiError> {
    let items = service::register_attendees(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(RegistrationList { items }))
}

/// Cancel one registration (a member of the registering organization, or the bureau).
/// A freed place goes to the first in line, who is told.
#[utoipa::path(delete, path = "/api/v1/events/{id}/registrations/{registration_id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path, description = "Event id"), ("registration_id" = String, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "event_completed")))]
pub async fn cancel_registration(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(EventId, RegistrationId)>,
) -> Result<HttpResponse, ApiError> {
    let (id, rid) = path.into_inner();
    let v: RegistrationView = service::cancel_registration(&state, user, id, rid).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Record who attended (bureau).
#[utoipa::path(post, path = "/api/v1/events/{id}/attendance", tag = "events", security(("bearer" = [])), request_body = AttendanceBody,
    params(("id" = String, Path, description = "Event id")),
    responses((status = 200, body = AttendanceResult), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem, description = "event_not_started, or too many ids")))]
pub async fn record_attendance(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<EventId>,
    body: crate::extract::ApiJson<AttendanceBody>,
) -> Result<HttpResponse, ApiError> {
    let updated = service::mark_attendance(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(AttendanceResult { updated }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ParticipationQuery {
    /// One organization (members may ask for their own; the bureau for any).
    #[param(value_type = Option<String>)]
    pub organization_id: Option<OrganizationId>,
    /// Events starting at or after this time (a day: from its start, Beijing time).
    pub from: Option<Bound>,
    /// Events starting before this time (a day: up to its end, that day included).
    pub to: Option<Bound>,
}

/// Per-organization participation in events: invitations, registered attendees,
/// attendance. The bureau sees every organization; members see their own.
#[utoipa::path(get, path = "/api/v1/events/participation", tag = "events", security(("bearer" = [])), params(ParticipationQuery),
    responses((status = 200, body = ParticipationReport), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn participation(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ParticipationQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let from = q.from.map(|b| b.start().naive_utc());
    let to = q.to.map(|b| b.end().naive_utc());
    let items = state
        .db
        .run(move |conn| {
            let org = q.organization_id;
            service::participation(conn, &user, org.as_ref(), from, to)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ParticipationReport { items }))
}
