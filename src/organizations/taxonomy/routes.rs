//! The taxonomy endpoints: HTTP only. Regions and fields share every operation; a handler
//! names its tree and calls [`service`] or [`tree_of`].

use actix_web::{HttpRequest, HttpResponse, web};

use super::service::{self, EntryChanges, NewEntry};
use super::{Taxonomy, TreeNode, tree_of};
use crate::app::{AppState, AuthUser};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, request_locale};

async fn list(state: &AppState, req: &HttpRequest, t: Taxonomy) -> Result<HttpResponse, ApiError> {
    let tree = tree_of(state, t, request_locale(req)).await?;
    Ok(HttpResponse::Ok().json(tree))
}

async fn create(
    state: &AppState,
    user: AuthUser,
    req: &HttpRequest,
    t: Taxonomy,
    body: NewEntry,
) -> Result<HttpResponse, ApiError> {
    let node = service::create(state, &user, t, body, request_locale(req)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", t.path()))
        .json(node))
}

async fn update(
    state: &AppState,
    user: AuthUser,
    req: &HttpRequest,
    t: Taxonomy,
    code: String,
    body: EntryChanges,
) -> Result<HttpResponse, ApiError> {
    let node = service::update(state, &user, t, code, body, request_locale(req)).await?;
    Ok(HttpResponse::Ok().json(node))
}

/// The region tree (counties, districts, development zones).
#[utoipa::path(get, path = "/api/v1/regions", tag = "registry",
    params(("Accept-Language" = Option<String>, Header, description = "zh-CN (default) or en")),
    responses((status = 200, body = Vec<TreeNode>)))]
pub async fn list_regions(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    list(&state, &req, Taxonomy::Regions).await
}

/// The technology-field tree.
#[utoipa::path(get, path = "/api/v1/fields", tag = "registry",
    params(("Accept-Language" = Option<String>, Header, description = "zh-CN (default) or en")),
    responses((status = 200, body = Vec<TreeNode>)))]
pub async fn list_fields(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    list(&state, &req, Taxonomy::Fields).await
}

/// Add a region (bureau).
#[utoipa::path(post, path = "/api/v1/regions", tag = "registry", security(("bearer" = [])), request_body = service::NewRegion,
    responses((status = 201, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_region(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: ApiJson<NewEntry>,
) -> Result<HttpResponse, ApiError> {
    create(&state, user, &req, Taxonomy::Regions, body.0).await
}

/// Add a technology field (bureau).
#[utoipa::path(post, path = "/api/v1/fields", tag = "registry", security(("bearer" = [])), request_body = service::NewField,
    responses((status = 201, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_field(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    body: ApiJson<NewEntry>,
) -> Result<HttpResponse, ApiError> {
    create(&state, user, &req, Taxonomy::Fields, body.0).await
}

/// Rename a region or set its administrative code (bureau).
#[utoipa::path(patch, path = "/api/v1/regions/{code}", tag = "registry", security(("bearer" = [])), request_body = EntryChanges,
    params(("code" = String, Path)),
    responses((status = 200, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_region(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    code: web::Path<String>,
    body: ApiJson<EntryChanges>,
) -> Result<HttpResponse, ApiError> {
    update(
        &state,
        user,
        &req,
        Taxonomy::Regions,
        code.into_inner(),
        body.0,
    )
    .await
}

/// Rename a technology field (bureau).
#[utoipa::path(patch, path = "/api/v1/fields/{code}", tag = "registry", security(("bearer" = [])), request_body = service::FieldChanges,
    params(("code" = String, Path)),
    responses((status = 200, body = TreeNode), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_field(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    code: web::Path<String>,
    body: ApiJson<EntryChanges>,
) -> Result<HttpResponse, ApiError> {
    update(
        &state,
        user,
        &req,
        Taxonomy::Fields,
        code.into_inner(),
        body.0,
    )
    .await
}
