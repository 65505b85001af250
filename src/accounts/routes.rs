//! The accounts endpoints: HTTP only. Each handler extracts, calls one operation of
//! [`service`] or [`sessions`], and shapes the response.

use actix_web::{HttpRequest, HttpResponse, web};

use super::domain::ProfileEdit;
use super::views::*;
use super::{service, sessions};
use crate::app::{AppState, AuthUser};
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;

/// Create an account; a verification email is sent. An address that already has an account
/// gets the same answer (its owner is mailed instead), so the API reveals no account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses((status = 201, body = UserView),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let client = state.client_address(&req);
    let user = service::register(&state, &client, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/me"))
        .json(user))
}

/// Confirm an email address with the token from the verification email.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts", request_body = TokenRequest,
    responses((status = 204, description = "Verified"), (status = 409, body = Problem, description = "token_invalid_or_expired")))]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: ApiJson<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    service::confirm_email(&state, &body.0.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send a new verification email to the caller.
#[utoipa::path(post, path = "/api/v1/auth/verify-email/resend", tag = "accounts", security(("bearer" = [])),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 422, body = Problem, description = "already_verified"), (status = 429, body = Problem)))]
pub async fn resend_verification(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    service::resend_verification(&state, user).await?;
    Ok(HttpResponse::Accepted().json(Accepted { status: "accepted" }))
}

/// Log in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem, description = "invalid_credentials (same for unknown email and wrong password)"),
        (status = 403, body = Problem, description = "account_disabled"), (status = 429, body = Problem)))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let client = state.client_address(&req);
    let pair = sessions::login(&state, &client, &body.0.email, body.0.password).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Exchange a refresh token for a new pair. A token used twice revokes its whole family.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "accounts", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem, description = "invalid_token or refresh_token_reused")))]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let pair = sessions::refresh(&state, &body.0.refresh_token).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// End a session: its refresh tokens are revoked and the user's access tokens stop working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", request_body = RefreshRequest,
    responses((status = 204, description = "Logged out")))]
pub async fn logout(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    sessions::logout(&state, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ask for a password-reset email. The answer is the same whether or not the email exists.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts", request_body = ResetRequest,
    responses((status = 202, body = Accepted), (status = 429, body = Problem)))]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let client = state.client_address(&req);
    sessions::send_reset_link(&state, &client, &body.0.email).await?;
    Ok(HttpResponse::Accepted().json(Accepted { status: "accepted" }))
}

/// Set a new password with the token from the reset email; every session ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirm,
    responses((status = 204, description = "Password changed"), (status = 422, body = Problem)))]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: ApiJson<ResetConfirm>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    sessions::reset_password(&state, &body.token, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's profile.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = Problem)))]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let v = service::profile(&state, user.id).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Change display name, locale, time zone or notification preferences; only the fields
/// sent change.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), request_body = ProfileChanges,
    responses((status = 200, body = ProfileView), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn update_me(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<ProfileChanges>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let edit = ProfileEdit::parse(
        b.display_name.as_deref(),
        b.locale.as_deref(),
        b.timezone.as_deref(),
    )?;
    let v = service::update_profile(&state, user.id, edit, b.notification_preferences).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Change the password (the current one is required). Every other session ends; the
/// response carries a fresh pair for this client.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem), (status = 403, body = Problem, description = "password_incorrect"), (status = 422, body = Problem)))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let pair = sessions::change_password(&state, user, b.current_password, b.new_password).await?;
    Ok(HttpResponse::Ok().json(pair))
}
