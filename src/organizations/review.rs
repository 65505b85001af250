//! The bureau's verification endpoints: verify, reject, suspend, reinstate. HTTP only; the
//! workflow is [`workflow::review`].

use actix_web::{HttpResponse, web};

use super::domain::Review;
use super::views::{OrganizationView, ReasonRequired, ReviewRequest};
use super::workflow;
use crate::app::{AppState, AuthUser};
use crate::db::ids::OrganizationId;
use crate::error::{ApiError, Problem};
use crate::extract::MaybeJson;

async fn review(
    state: web::Data<AppState>,
    user: AuthUser,
    id: OrganizationId,
    action: Review,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.0.and_then(|b| b.reason);
    let view = workflow::review(&state, user, id, action, reason).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Verify a pending (or rejected) organization (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/verify", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = Option<ReviewRequest>),
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "invalid_transition")))]
pub async fn verify(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Verify, body).await
}

/// Reject a pending organization, with a reason (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/reject", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReasonRequired,
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem, description = "reason_required")))]
pub async fn reject(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Reject, body).await
}

/// Suspend a verified organization, with a reason (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/suspend", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReasonRequired,
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem, description = "reason_required")))]
pub async fn suspend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Suspend, body).await
}

/// Reinstate a suspended organization (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/reinstate", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = Option<ReviewRequest>),
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reinstate(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Reinstate, body).await
}
