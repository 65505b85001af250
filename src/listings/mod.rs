//! Technology needs and capabilities: one room, since they share shape and lifecycle.
//! `routes.rs` holds the handlers; the thin functions here bind them to each side's paths
//! (and document them).

pub mod domain;
pub mod expiry;
pub mod model;
pub mod routes;
pub mod service;
#[cfg(test)]
mod service_tests;
pub mod views;

use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::app::RouteTable;
use crate::app::pagination::Page;
use crate::app::{AuthUser, MaybeUser};
use crate::db::ids::ListingId;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use domain::{Action, Side};
use views::{ListingChanges, ListingQuery, ListingView, NewListing};

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/needs", list_needs);
    r.post("/api/v1/needs", create_need);
    r.get("/api/v1/needs/{id}", get_need);
    r.patch("/api/v1/needs/{id}", update_need);
    r.delete("/api/v1/needs/{id}", delete_need);
    r.post("/api/v1/needs/{id}/publish", publish_need);
    r.post("/api/v1/needs/{id}/close", close_need);
    r.post("/api/v1/needs/{id}/fulfil", fulfil_need);
    r.get("/api/v1/capabilities", list_capabilities);
    r.post("/api/v1/capabilities", create_capability);
    r.get("/api/v1/capabilities/{id}", get_capability);
    r.patch("/api/v1/capabilities/{id}", update_capability);
    r.delete("/api/v1/capabilities/{id}", delete_capability);
    r.post("/api/v1/capabilities/{id}/publish", publish_capability);
    r.post("/api/v1/capabilities/{id}/close", close_capability);
}

/// Post a need as a draft (members of the organization).
#[utoipa::path(post, path = "/api/v1/needs", tag = "listings", security(("bearer" = [])), request_body = views::NewNeed,
    responses((status = 201, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_need(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<NewListing>,
) -> Result<HttpResponse, ApiError> {
    routes::create(state, user, Side::Need, body.0).await
}

/// Needs: published ones of verified organizations, plus the caller's own.
#[utoipa::path(get, path = "/api/v1/needs", tag = "listings", params(ListingQuery),
    responses((status = 200, body = Page<ListingView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list_needs(
    state: web::Data<AppState>,
    user: MaybeUser,
    q: ApiQuery<ListingQuery>,
) -> Result<HttpResponse, ApiError> {
    routes::list(state, user, Side::Need, q.into_inner()).await
}

/// One need (404 if the caller may not see it).
#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "listings", params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_need(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::get(state, user, Side::Need, id.into_inner()).await
}

/// Change a need; only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/needs/{id}", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)), request_body = views::NeedChanges,
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_need(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
    body: ApiJson<ListingChanges>,
) -> Result<HttpResponse, ApiError> {
    routes::update(state, user, Side::Need, id.into_inner(), body.0).await
}

/// Delete a draft need nobody has expressed interest in (owners of its organization).
/// Anything else is closed instead, so that interests, agreements and project links stay.
#[utoipa::path(delete, path = "/api/v1/needs/{id}", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "listing_not_deletable: not a draft, or it has interests")))]
pub async fn delete_need(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::delete(state, user, Side::Need, id.into_inner()).await
}

/// Publish a need (verified organizations only); it becomes matchable within a second.
#[utoipa::path(post, path = "/api/v1/needs/{id}/publish", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "invalid_transition"), (status = 422, body = Problem, description = "organization_not_verified")))]
pub async fn publish_need(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::act(state, user, Side::Need, id.into_inner(), Action::Publish).await
}

/// Close a published need.
#[utoipa::path(post, path = "/api/v1/needs/{id}/close", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close_need(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::act(state, user, Side::Need, id.into_inner(), Action::Close).await
}

/// Post a capability as a draft (members of the organization).
#[utoipa::path(post, path = "/api/v1/capabilities", tag = "listings", security(("bearer" = [])), request_body = views::NewCapability,
    responses((status = 201, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_capability(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<NewListing>,
) -> Result<HttpResponse, ApiError> {
    routes::create(state, user, Side::Capability, body.0).await
}

/// Capabilities: published ones of verified organizations, plus the caller's own.
#[utoipa::path(get, path = "/api/v1/capabilities", tag = "listings", params(ListingQuery),
    responses((status = 200, body = Page<ListingView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list_capabilities(
    state: web::Data<AppState>,
    user: MaybeUser,
    q: ApiQuery<ListingQuery>,
) -> Result<HttpResponse, ApiError> {
    routes::list(state, user, Side::Capability, q.into_inner()).await
}

/// One capability (404 if the caller may not see it).
#[utoipa::path(get, path = "/api/v1/capabilities/{id}", tag = "listings", params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_capability(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::get(state, user, Side::Capability, id.into_inner()).await
}

/// Change a capability; only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/capabilities/{id}", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)), request_body = views::CapabilityChanges,
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_capability(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
    body: ApiJson<ListingChanges>,
) -> Result<HttpResponse, ApiError> {
    routes::update(state, user, Side::Capability, id.into_inner(), body.0).await
}

/// Delete a draft capability nobody has expressed interest in (owners of its organization).
/// Anything else is closed instead, so that interests, agreements and project links stay.
#[utoipa::path(delete, path = "/api/v1/capabilities/{id}", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "listing_not_deletable: not a draft, or it has interests")))]
pub async fn delete_capability(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::delete(state, user, Side::Capability, id.into_inner()).await
}

/// Publish a capability (verified organizations only); it becomes matchable within a second.
#[utoipa::path(post, path = "/api/v1/capabilities/{id}/publish", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "invalid_transition"), (status = 422, body = Problem, description = "organization_not_verified")))]
pub async fn publish_capability(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::act(
        state,
        user,
        Side::Capability,
        id.into_inner(),
        Action::Publish,
    )
    .await
}

/// Close a published capability.
#[utoipa::path(post, path = "/api/v1/capabilities/{id}/close", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close_capability(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::act(
        state,
        user,
        Side::Capability,
        id.into_inner(),
        Action::Close,
    )
    .await
}

/// Mark a need fulfilled.
#[utoipa::path(post, path = "/api/v1/needs/{id}/fulfil", tag = "listings", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn fulfil_need(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<ListingId>,
) -> Result<HttpResponse, ApiError> {
    routes::act(state, user, Side::Need, id.into_inner(), Action::Fulfil).await
}
