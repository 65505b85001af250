//! The registry endpoints for organizations: HTTP only. Each handler extracts, calls one
//! operation of [`service`], and shapes the response.

use actix_web::{HttpResponse, web};

use super::service;
use super::views::*;
use crate::app::pagination::Page;
use crate::app::{AppState, AuthUser, MaybeUser};
use crate::db::ids::OrganizationId;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiQuery};

/// Register an organization; the caller becomes its owner and it awaits the bureau's review.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "registry", security(("bearer" = [])), request_body = NewOrganization,
    responses((status = 201, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem, description = "email_not_verified"),
        (status = 409, body = Problem, description = "uscc_taken"), (status = 422, body = Problem, description = "uscc_malformed, uscc_required, ...")))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<NewOrganization>,
) -> Result<HttpResponse, ApiError> {
    let view = service::create(&state, user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{}", view.id)))
        .json(view))
}

/// The directory: verified organizations (the bureau may filter by any status).
#[utoipa::path(get, path = "/api/v1/organizations", tag = "registry", params(DirectoryQuery),
    responses((status = 200, body = Page<OrganizationView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: ApiQuery<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = service::directory(&state, user.0, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The organizations the caller belongs to, whatever their status.
#[utoipa::path(get, path = "/api/v1/me/organizations", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = Vec<OrganizationView>), (status = 401, body = Problem)))]
pub async fn mine(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let items = service::my_organizations(&state, user).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// One organization (404 if the caller may not see it).
#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let view = service::get(&state, user.0, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Edit an organization: its owners, or the bureau. Only the bureau sets `is_leading`.
#[utoipa::path(patch, path = "/api/v1/organizations/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = OrganizationChanges,
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
    body: ApiJson<OrganizationChanges>,
) -> Result<HttpResponse, ApiError> {
    let view = service::update(&state, user, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Ok().json(view))
}
