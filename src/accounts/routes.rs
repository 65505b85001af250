//! Handlers for registration, verification, login, sessions, reset and the profile.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};

use super::domain::{Email, Locale, Role, display_name};
use super::model::{self, NewUser, TokenPurpose};
use super::views::*;
use crate::app::{AppState, AuthUser};
use crate::auth::throttle::Action;
use crate::auth::{password, tokens};
use crate::db::DbConnection;
use crate::db::types::{new_id, now};
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::Topic;
use crate::notifications::templates;

const VERIFY_HOURS: i64 = 48;
const RESET_MINUTES: i64 = 60;

/// Queue the verification email for a user, in the caller's transaction.
fn queue_verification(
    conn: &mut DbConnection,
    state: &AppState,
    user_id: &str,
    email: &str,
    name: &str,
    locale: Locale,
) -> Result<(), ApiError> {
    let token = tokens::random_token();
    let token_id = model::create_one_time_token(
        conn,
        user_id,
        TokenPurpose::VerifyEmail,
        &tokens::hash_token(&token),
        chrono::Duration::hours(VERIFY_HOURS),
    )?;
    let link = format!("{}/verify-email?token={token}", state.settings.public_url);
    let r = templates::verify_email(locale, name, link, VERIFY_HOURS);
    // The inbox copy never holds the link: it is a secret.
    let summary = match locale {
        Locale::ZhCn => "验证邮件已发送到您的邮箱，请通过邮件中的链接完成验证。",
        Locale::En => "We emailed you a link to verify your address.",
    };
    state.postman.deliver(
        conn,
        Notice {
            key: format!("verify-email:{token_id}"),
            recipient: Recipient {
                user_id: user_id.to_owned(),
                email: email.to_owned(),
                display_name: name.to_owned(),
                locale,
            },
            topic: Topic::Account,
            letter: r,
            summary: summary.to_owned(),
            link: None,
            ics: None,
        },
    )?;
    Ok(())
}

/// Tell the owner of an address that someone registered with it (at most once an hour).
fn tell_owner_of_registration(
    conn: &mut DbConnection,
    state: &AppState,
    owner: &super::model::User,
) -> Result<(), ApiError> {
    let locale = owner.locale.parse().unwrap_or(Locale::ZhCn);
    let link = format!("{}/reset-password", state.settings.public_url);
    let summary = match locale {
        Locale::ZhCn => "有人使用您的邮箱注册；该邮箱已有账户，未新建账户。",
        Locale::En => {
            "Someone registered with your email; it already has an account, so none was created."
        }
    };
    let hour = chrono::Utc::now().timestamp() / 3600;
    state.postman.deliver(
        conn,
        Notice {
            key: format!("account-exists:{}:{hour}", owner.id),
            recipient: Recipient {
                user_id: owner.id.clone(),
                email: owner.email.clone(),
                display_name: owner.display_name.clone(),
                locale,
            },
            topic: Topic::Account,
            letter: templates::account_exists(locale, &owner.display_name, link),
            summary: summary.to_owned(),
            link: None,
            ics: None,
        },
    )?;
    Ok(())
}

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
    let user = create_account(&state, &client, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", "/api/v1/me"))
        .json(user))
}

/// Create an account and queue its verification email (throttled per client address); for
/// an address that has an account, the same answer, and its owner is told instead. The
/// JSON route and the registration page both call this.
pub async fn create_account(
    state: &Arc<AppState>,
    client: &str,
    body: RegisterRequest,
) -> Result<UserView, ApiError> {
    state.limits.check(Action::Register, client).await?;
    let email = Email::parse(&body.email);
    let name = display_name(&body.display_name);
    let locale = match body.locale.as_deref() {
        None => Ok(Locale::ZhCn),
        Some(l) => Locale::parse(l).ok_or_else(|| {
            crate::error::FieldError::new("locale", "locale_unsupported", "use zh-CN or en")
        }),
    };
    let (email, name, locale) = match (email, name, locale) {
        (Ok(e), Ok(n), Ok(l)) => (e, n, l),
        (e, n, l) => {
            return Err(ApiError::invalid(
                [e.err(), n.err(), l.err()].into_iter().flatten().collect(),
            ));
        }
    };
    password::check_strength(&body.password, &[email.as_str(), &name])?;
    let pw = body.password;
    let hash = password::blocking(move || password::hash(&pw)).await??;

    let st = state.clone();
    let user = state
        .db
        .write(move |conn| {
            let id = new_id();
            let t = now();
            if let Some(owner) = model::find_by_email(conn, email.as_str())? {
                // Answer as for a new address, and tell the owner instead: the API must
                // not say which addresses have an account.
                tell_owner_of_registration(conn, &st, &owner)?;
                return Ok(UserView {
                    id,
                    email: email.as_str().to_owned(),
                    display_name: name,
                    locale: locale.as_str().to_owned(),
                    timezone: "Asia/Shanghai".to_owned(),
                    role: Role::User.as_str().to_owned(),
                    email_verified: false,
                    disabled: false,
                    created_at: crate::db::types::utc(t),
                    updated_at: crate::db::types::utc(t),
                });
            }
            model::insert(
                conn,
                &NewUser {
                    id: &id,
                    email: email.as_str(),
                    password_hash: &hash,
                    display_name: &name,
                    locale: locale.as_str(),
                    role: Role::User.as_str(),
                    email_verified_at: None,
                    token_version: 0,
                    created_at: t,
                    updated_at: t,
                },
            )
            .map_err(|e| match ApiError::from(e) {
                ApiError::Conflict { .. } => {
                    ApiError::conflict("email_taken", "an account with this email already exists")
                }
                other => other,
            })?;
            queue_verification(conn, &st, &id, email.as_str(), &name, locale)?;
            Ok(UserView::from(
                model::find(conn, &id)?.ok_or(ApiError::NotFound)?,
            ))
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(user)
}

/// Confirm an email address with the token from the verification email.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts", request_body = TokenRequest,
    responses((status = 204, description = "Verified"), (status = 422, body = Problem, description = "token_invalid_or_expired")))]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: ApiJson<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    confirm_email(&state, &body.0.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark an email address verified with the single-use token of its verification email;
/// answers the user's id. The JSON route and the verification page both call this.
pub async fn confirm_email(state: &AppState, token: &str) -> Result<String, ApiError> {
    let hash = tokens::hash_token(token.trim());
    state
        .db
        .write(move |conn| {
            let user_id = model::consume_one_time_token(conn, TokenPurpose::VerifyEmail, &hash)?
                .ok_or_else(invalid_token)?;
            model::mark_email_verified(conn, &user_id)?;
            Ok(user_id)
        })
        .await
}

fn invalid_token() -> ApiError {
    ApiError::rule(
        "token_invalid_or_expired",
        "this link is invalid, used or expired",
    )
}

/// Send a new verification email to the caller.
#[utoipa::path(post, path = "/api/v1/auth/verify-email/resend", tag = "accounts", security(("bearer" = [])),
    responses((status = 202, body = Accepted), (status = 401, body = Problem), (status = 422, body = Problem, description = "already_verified"), (status = 429, body = Problem)))]
pub async fn resend_verification(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    if user.email_verified {
        return Err(ApiError::rule(
            "already_verified",
            "this email address is already verified",
        ));
    }
    state
        .limits
        .check(Action::ResetAccount, &format!("verify:{}", user.id))
        .await?;
    let st = state.clone();
    state
        .db
        .write(move |conn| {
            queue_verification(
                conn,
                &st,
                &user.id,
                &user.email,
                &user.display_name,
                user.locale,
            )
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Accepted().json(Accepted { status: "accepted" }))
}

/// Issue an access token and a refresh token (a new session family).
fn issue_pair(
    conn: &mut DbConnection,
    state: &AppState,
    user_id: &str,
    version: i32,
    family: Option<&str>,
) -> Result<TokenPair, ApiError> {
    let refresh = tokens::random_token();
    let family = family.map(str::to_owned).unwrap_or_else(new_id);
    model::insert_refresh_token(
        conn,
        user_id,
        &family,
        &tokens::hash_token(&refresh),
        chrono::Duration::from_std(state.keys.refresh_ttl).unwrap_or(chrono::Duration::days(30)),
    )?;
    Ok(TokenPair {
        access_token: state.keys.issue(user_id, version)?,
        refresh_token: refresh,
        token_type: "Bearer",
        expires_in: state.keys.access_ttl.as_secs(),
    })
}

fn bad_credentials() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_credentials",
    }
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
    let user = authenticate(&state, &client, &body.0.email, body.0.password).await?;
    let st = state.clone();
    let pair = state
        .db
        .write(move |conn| issue_pair(conn, &st, &user.id, user.token_version, None))
        .await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Check an email and password (throttled per client address and per account; the same
/// answer for an unknown email and a wrong password) and answer the account. A hash made
/// with old parameters is replaced. The JSON login and the sign-in page both call this.
pub async fn authenticate(
    state: &AppState,
    client: &str,
    email: &str,
    password: String,
) -> Result<model::User, ApiError> {
    let email = email.trim().to_lowercase();
    state.limits.check(Action::LoginAddress, client).await?;
    state.limits.check(Action::LoginAccount, &email).await?;
    let user = state
        .db
        .run(move |conn| Ok(model::find_by_email(conn, &email)?))
        .await?;
    let pw = password;
    let (user, verdict) = password::blocking(move || match user {
        Some(u) => {
            let v = password::verify(&pw, &u.password_hash);
            let rehash = (v == password::Verified::YesRehash)
                .then(|| password::hash(&pw).ok())
                .flatten();
            (Some((u, rehash)), v)
        }
        None => {
            password::verify_dummy(&pw);
            (None, password::Verified::No)
        }
    })
    .await?;
    let Some((user, rehash)) = user.filter(|_| verdict != password::Verified::No) else {
        return Err(bad_credentials());
    };
    if user.disabled_at.is_some() {
        return Err(ApiError::Forbidden {
            code: "account_disabled",
            detail: "this account is disabled".to_owned(),
        });
    }
    if let Some(hash) = rehash {
        let id = user.id.clone();
        state
            .db
            .write(move |conn| Ok(model::rehash(conn, &id, &hash)?))
            .await?;
    }
    Ok(user)
}

/// Exchange a refresh token for a new pair. A token used twice revokes its whole family.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "accounts", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem, description = "invalid_token or refresh_token_reused")))]
pub async fn refresh(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = tokens::hash_token(body.0.refresh_token.trim());
    let st = state.clone();
    // The reuse check revokes the family and must commit even though the request fails.
    let outcome = state
        .db
        .write(move |conn| {
            let Some(token) = model::find_refresh_token(conn, &hash)? else {
                return Ok(Err(ApiError::Unauthorized { code: "invalid_token" }));
            };
            if token.revoked_at.is_some() || token.expires_at <= now() {
                return Ok(Err(ApiError::Unauthorized { code: "invalid_token" }));
            }
            if token.rotated_at.is_some() || !model::mark_rotated(conn, &token.id)? {
                model::revoke_family(conn, &token.family_id)?;
                tracing::warn!(user_id = %token.user_id, "refresh token reused; session family revoked");
                return Ok(Err(ApiError::Unauthorized { code: "refresh_token_reused" }));
            }
            let user = match model::find(conn, &token.user_id)? {
                Some(u) if u.disabled_at.is_none() => u,
                _ => return Ok(Err(ApiError::Unauthorized { code: "invalid_token" })),
            };
            Ok(Ok(issue_pair(conn, &st, &user.id, user.token_version, Some(&token.family_id))?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(outcome?))
}

/// End a session: its refresh tokens are revoked and the user's access tokens stop working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", request_body = RefreshRequest,
    responses((status = 204, description = "Logged out")))]
pub async fn logout(
    state: web::Data<AppState>,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = tokens::hash_token(body.0.refresh_token.trim());
    state
        .db
        .write(move |conn| {
            if let Some(token) = model::find_refresh_token(conn, &hash)? {
                model::revoke_family(conn, &token.family_id)?;
                model::bump_token_version(conn, &token.user_id)?;
            }
            Ok(())
        })
        .await?;
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
    send_reset_link(&state, &client, &body.0.email).await?;
    Ok(HttpResponse::Accepted().json(Accepted { status: "accepted" }))
}

/// Queue a password-reset email if an enabled account has this email; nothing tells the
/// caller whether one does. The JSON route and the reset page both call this.
pub async fn send_reset_link(
    state: &Arc<AppState>,
    client: &str,
    email: &str,
) -> Result<(), ApiError> {
    let email = email.trim().to_lowercase();
    state.limits.check(Action::ResetAddress, client).await?;
    state.limits.check(Action::ResetAccount, &email).await?;
    // The answer must not depend on whether the address has an account, in content or in
    // time: the lookup and the mail are done after the answer, for every address alike.
    let st = state.clone();
    let work = state.db.clone();
    let wake = state.mail_wake.clone();
    tokio::spawn(async move {
        let done = work
            .write(move |conn| {
            let Some(user) =
                model::find_by_email(conn, &email)?.filter(|u| u.disabled_at.is_none())
            else {
                return Ok(());
            };
            let token = tokens::random_token();
            let token_id = model::create_one_time_token(
                conn,
                &user.id,
                TokenPurpose::PasswordReset,
                &tokens::hash_token(&token),
                chrono::Duration::minutes(RESET_MINUTES),
            )?;
            let locale = user.locale.parse().unwrap_or(Locale::ZhCn);
            let link = format!("{}/reset-password?token={token}", st.settings.public_url);
            let r = templates::password_reset(locale, &user.display_name, link, RESET_MINUTES);
            let summary = match locale {
                Locale::ZhCn => "有人申请重置您的密码，重置链接已发送到您的邮箱；如非本人操作请忽略。",
                Locale::En => "A password reset was requested; the link went to your email. Ignore it if this was not you.",
            };
            st.postman.deliver(
                conn,
                Notice {
                    key: format!("password-reset:{token_id}"),
                    recipient: Recipient {
                        user_id: user.id.clone(),
                        email: user.email,
                        display_name: user.display_name.clone(),
                        locale,
                    },
                    topic: Topic::Account,
                    letter: r,
                    summary: summary.to_owned(),
                    link: None,
                    ics: None,
                },
            )?;
            Ok(())
        })
        .await;
        match done {
            Ok(()) => wake.notify_one(),
            Err(e) => tracing::warn!(error = %e, "password reset mail not queued"),
        }
    });
    Ok(())
}

/// Set a new password with the token from the reset email; every session ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirm,
    responses((status = 204, description = "Password changed"), (status = 422, body = Problem)))]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: ApiJson<ResetConfirm>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    reset_password(&state, &body.token, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set a new password with the single-use token of a reset email; every session ends.
/// The JSON route and the reset page both call this.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new_password: String,
) -> Result<(), ApiError> {
    let hash = tokens::hash_token(token.trim());
    // Check the token before the (slow) hashing, without consuming it.
    let user = state
        .db
        .run(move |conn| {
            use crate::db::schema::one_time_tokens as t;
            use diesel::prelude::*;
            let user_id: Option<Option<String>> = t::table
                .filter(t::token_hash.eq(&hash))
                .filter(t::purpose.eq(TokenPurpose::PasswordReset.as_str()))
                .filter(t::used_at.is_null())
                .filter(t::expires_at.gt(now()))
                .select(t::user_id)
                .first(conn)
                .optional()?;
            let user = match user_id.flatten() {
                Some(id) => model::find(conn, &id)?,
                None => None,
            };
            user.map(|u| (u, hash)).ok_or_else(invalid_token)
        })
        .await;
    let (user, token_hash) = user?;
    password::check_strength(&new_password, &[&user.email, &user.display_name])?;
    let pw = new_password;
    let new_hash = password::blocking(move || password::hash(&pw)).await??;
    state
        .db
        .write(move |conn| {
            let consumed =
                model::consume_one_time_token(conn, TokenPurpose::PasswordReset, &token_hash)?;
            if consumed.as_deref() != Some(user.id.as_str()) {
                return Err(invalid_token());
            }
            model::set_password(conn, &user.id, &new_hash)?;
            Ok(())
        })
        .await
}

/// The caller's profile.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = Problem)))]
pub async fn me(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let v = state.db.run(move |conn| profile(conn, &user.id)).await?;
    Ok(HttpResponse::Ok().json(v))
}

fn profile(conn: &mut DbConnection, user_id: &str) -> Result<ProfileView, ApiError> {
    let u = model::find(conn, user_id)?.ok_or(ApiError::NotFound)?;
    Ok(ProfileView {
        notification_preferences: crate::notifications::inbox::preferences(conn, user_id)?,
        user: UserView::from(u),
    })
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
    let body = body.0;
    let name = body.display_name.as_deref().map(display_name).transpose();
    let locale = body
        .locale
        .as_deref()
        .map(|l| {
            Locale::parse(l).ok_or_else(|| {
                crate::error::FieldError::new("locale", "locale_unsupported", "use zh-CN or en")
            })
        })
        .transpose();
    let timezone = body
        .timezone
        .as_deref()
        .map(|tz| {
            tz.parse::<chrono_tz::Tz>()
                .map(|_| tz.to_owned())
                .map_err(|_| {
                    crate::error::FieldError::new(
                        "timezone",
                        "timezone_unknown",
                        "use an IANA time zone such as Asia/Shanghai",
                    )
                })
        })
        .transpose();
    let (name, locale, timezone) = match (name, locale, timezone) {
        (Ok(n), Ok(l), Ok(t)) => (n, l, t),
        (n, l, t) => {
            return Err(ApiError::invalid(
                [n.err(), l.err(), t.err()].into_iter().flatten().collect(),
            ));
        }
    };
    let prefs = body.notification_preferences;
    let v = state
        .db
        .write(move |conn| {
            model::set_profile(conn, &user.id, name.as_deref(), locale.map(Locale::as_str))?;
            if let Some(tz) = &timezone {
                model::set_timezone(conn, &user.id, tz)?;
            }
            if let Some(p) = &prefs {
                crate::notifications::inbox::apply_changes(conn, &user.id, p)?;
            }
            profile(conn, &user.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Change the password (the current one is required). Every other session ends; the
/// response carries a fresh pair for this client.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordChange,
    responses((status = 200, body = TokenPair), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    state
        .limits
        .check(Action::LoginAccount, &user.email)
        .await?;
    let id = user.id.clone();
    let stored = state
        .db
        .run(move |conn| model::find(conn, &id)?.ok_or(ApiError::NotFound))
        .await?;
    password::check_strength(&body.new_password, &[&user.email, &user.display_name])?;
    let (current, new) = (body.current_password, body.new_password);
    let new_hash = password::blocking(move || {
        if password::verify(&current, &stored.password_hash) == password::Verified::No {
            return Ok(None);
        }
        password::hash(&new).map(Some)
    })
    .await??
    .ok_or_else(|| {
        ApiError::field(
            "current_password",
            "password_incorrect",
            "the current password is not correct",
        )
    })?;
    let st = state.clone();
    let pair = state
        .db
        .write(move |conn| {
            model::set_password(conn, &user.id, &new_hash)?;
            let u = model::find(conn, &user.id)?.ok_or(ApiError::NotFound)?;
            issue_pair(conn, &st, &u.id, u.token_version, None)
        })
        .await?;
    Ok(HttpResponse::Ok().json(pair))
}
