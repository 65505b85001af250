//! The bureau's user administration endpoints: HTTP only (see [`service`]).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::service;
use super::views::UserView;
use crate::app::pagination::Page;
use crate::app::{AppState, AuthUser};
use crate::db::ids::UserId;
use crate::error::{ApiError, Problem};
use crate::extract::ApiQuery;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Fragment of an email or display name. At most 200 characters (422 `q_too_long`).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

/// All users, in registration order.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = Page<UserView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_users(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page =
        service::list_users(&state, &user, q.q.as_deref(), q.limit, q.cursor.as_deref()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Disable an account: its sessions end and its tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/disable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn disable_user(
    state: web::Data<AppState>,
    admin: AuthUser,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let user = service::set_disabled(&state, &admin, id.into_inner(), true).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Enable a disabled account.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/enable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn enable_user(
    state: web::Data<AppState>,
    admin: AuthUser,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let user = service::set_disabled(&state, &admin, id.into_inner(), false).await?;
    Ok(HttpResponse::Ok().json(user))
}

pub use super::service::AdminCreated;

/// `create-admin`: [`service::create_admin`] on a pooled connection. Blocking.
pub fn create_admin(
    db: &crate::db::Db,
    email: &str,
    display_name: &str,
    password: &str,
) -> anyhow::Result<AdminCreated> {
    let mut conn = db.pool().get()?;
    service::create_admin(&mut conn, email, display_name, password)
}
