//! The bureau's user administration.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model;
use super::views::UserView;
use crate::app::AppState;
use crate::app::AuthUser;
use crate::app::pagination::{self, Page};
use crate::error::{ApiError, Problem};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Fragment of an email or display name. At most 200 characters (422 `q_too_long`).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// All users, in registration order.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = Page<UserView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list_users(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<UserQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let after = pagination::decode_cursor(query.cursor.as_deref())?;
    let text = pagination::search_text(query.q.as_deref())?;
    let rows = state
        .db
        .run(move |conn| {
            Ok(model::list(
                conn,
                text.as_deref(),
                after.as_deref(),
                limit + 1,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pagination::page(
        rows,
        limit,
        |u| u.id.clone(),
        UserView::from,
    )))
}

async fn set_disabled(
    state: web::Data<AppState>,
    admin: AuthUser,
    id: String,
    disabled: bool,
) -> Result<HttpResponse, ApiError> {
    admin.require_bureau()?;
    if disabled && id == admin.id {
        return Err(ApiError::rule(
            "cannot_disable_self",
            "you cannot disable your own account",
        ));
    }
    let actor = admin.id.clone();
    let user = state
        .db
        .write(move |conn| {
            if model::set_disabled(conn, &id, disabled)? == 0 {
                return Err(ApiError::NotFound);
            }
            let action = if disabled {
                "user_disabled"
            } else {
                "user_enabled"
            };
            crate::app::audit::record(conn, Some(&actor), action, "user", &id, None)?;
            model::find(conn, &id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    tracing::info!(admin = %admin.id, user = %user.id, disabled, "user access changed");
    Ok(HttpResponse::Ok().json(UserView::from(user)))
}

/// Disable an account: its sessions end and its tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/disable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn disable_user(
    state: web::Data<AppState>,
    admin: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_disabled(state, admin, id.into_inner(), true).await
}

/// Enable a disabled account.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/enable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = UserView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn enable_user(
    state: web::Data<AppState>,
    admin: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_disabled(state, admin, id.into_inner(), false).await
}

/// What `create-admin` did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminCreated {
    Created(String),
    Promoted(String),
}

/// Create a verified `bureau_admin`, or promote the existing account with that email
/// (its password is left as it is). Blocking; used by the `create-admin` command.
pub fn create_admin(
    db: &crate::db::Db,
    email: &str,
    display_name: &str,
    password: &str,
) -> anyhow::Result<AdminCreated> {
    use super::domain::{Email, Locale, Role};
    use crate::db::types::{new_id, now};
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {}", e.message))?;
    let name = super::domain::display_name(display_name)
        .map_err(|e| anyhow::anyhow!("--name: {}", e.message))?;
    let mut conn = db.pool().get()?;
    if let Some(existing) = model::find_by_email(&mut conn, email.as_str())? {
        model::set_role(&mut conn, &existing.id, Role::BureauAdmin)?;
        return Ok(AdminCreated::Promoted(existing.id));
    }
    crate::auth::password::check_strength(password, &[email.as_str(), &name]).map_err(
        |e| match e {
            ApiError::Validation { errors, .. } => {
                anyhow::anyhow!("password: {}", errors[0].message)
            }
            other => anyhow::anyhow!("{other}"),
        },
    )?;
    let hash = crate::auth::password::hash(password)?;
    let id = new_id();
    let t = now();
    model::insert(
        &mut conn,
        &model::NewUser {
            id: &id,
            email: email.as_str(),
            password_hash: &hash,
            display_name: &name,
            locale: Locale::ZhCn.as_str(),
            role: Role::BureauAdmin.as_str(),
            email_verified_at: Some(t),
            token_version: 0,
            created_at: t,
            updated_at: t,
        },
    )?;
    Ok(AdminCreated::Created(id))
}
