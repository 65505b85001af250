//! Sessions and passwords: sign in, token refresh and rotation, sign out, password reset
//! and change. The JSON routes and the pages both call these; nothing here knows HTTP.

use std::sync::Arc;

use super::domain::RefreshVerdict;
use super::model::{self, TokenPurpose};
use super::notices::{self, RESET_MINUTES};
use super::service::{find, invalid_token};
use super::views::TokenPair;
use crate::app::{AppState, AuthUser};
use crate::auth::throttle::Action;
use crate::auth::{password, tokens};
use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::types::{new_id, now};
use crate::error::{ApiError, ErrorCode, FieldError, Text};

/// Issue an access token and a refresh token, in `family` or a new one.
fn issue_pair(
    conn: &mut DbConnection,
    state: &AppState,
    user_id: &UserId,
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
        code: ErrorCode::InvalidCredentials,
        detail: Text::key("problem.invalid_credentials"),
    }
}

/// Check an email and password (throttled per client address and per account; the same
/// answer for an unknown email and a wrong password) and answer the account. A hash made
/// with old parameters is replaced.
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
            code: ErrorCode::AccountDisabled,
            detail: Text::key("problem.account_disabled"),
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

/// Sign in with email and password: a new session family.
pub async fn login(
    state: &Arc<AppState>,
    client: &str,
    email: &str,
    password: String,
) -> Result<TokenPair, ApiError> {
    let user = authenticate(state, client, email, password).await?;
    let st = state.clone();
    state
        .db
        .write(move |conn| issue_pair(conn, &st, &user.id, user.token_version, None))
        .await
}

/// Exchange a refresh token for a new pair in its family. A token used twice revokes its
/// whole family (and that revocation commits although the request fails).
pub async fn refresh(state: &Arc<AppState>, refresh_token: &str) -> Result<TokenPair, ApiError> {
    let hash = tokens::hash_token(refresh_token.trim());
    let st = state.clone();
    let invalid = || ApiError::Unauthorized {
        code: ErrorCode::InvalidToken,
        detail: Text::key("problem.invalid_token.refresh_token"),
    };
    // The outer result is the transaction's (it commits, so a reuse's revocation stays);
    // the inner one is the answer.
    state
        .db
        .write(move |conn| {
            let Some(token) = model::find_refresh_token(conn, &hash)? else {
                return Ok(Err(invalid()));
            };
            let verdict =
                RefreshVerdict::of(token.revoked_at, token.rotated_at, token.expires_at, now());
            match verdict {
                RefreshVerdict::Dead => return Ok(Err(invalid())),
                // A concurrent rotation that won the race is a reuse too.
                RefreshVerdict::Rotate if model::mark_rotated(conn, &token.id)? => {}
                RefreshVerdict::Rotate | RefreshVerdict::Reused => {
                    model::revoke_family(conn, &token.family_id)?;
                    tracing::warn!(user_id = %token.user_id, "refresh token reused; session family revoked");
                    return Ok(Err(ApiError::Unauthorized {
                        code: ErrorCode::RefreshTokenReused,
                        detail: Text::key("problem.refresh_token_reused"),
                    }));
                }
            }
            let user = match model::find(conn, &token.user_id)? {
                Some(u) if u.disabled_at.is_none() => u,
                _ => return Ok(Err(invalid())),
            };
            let pair = issue_pair(conn, &st, &user.id, user.token_version, Some(&token.family_id))?;
            Ok(Ok(pair))
        })
        .await?
}

/// End the session of a refresh token: its family is revoked and the user's access tokens
/// stop working. An unknown token changes nothing.
pub async fn logout(state: &AppState, refresh_token: &str) -> Result<(), ApiError> {
    if crate::app::text::has_refused_control(refresh_token.trim()) {
        return Err(FieldError::of("refresh_token", ErrorCode::ControlCharacter).into());
    }
    let hash = tokens::hash_token(refresh_token.trim());
    state
        .db
        .write(move |conn| {
            if let Some(token) = model::find_refresh_token(conn, &hash)? {
                model::revoke_family(conn, &token.family_id)?;
                model::bump_token_version(conn, &token.user_id)?;
            }
            Ok(())
        })
        .await
}

/// End every session of a user by moving the token version on (the pages' sign-out: page
/// sessions and API tokens end alike).
pub async fn end_sessions(state: &AppState, user_id: UserId) -> Result<(), ApiError> {
    state
        .db
        .write(move |conn| Ok(model::bump_token_version(conn, &user_id)?))
        .await
}

/// Queue a password-reset email if an enabled account has this email; nothing tells the
/// caller whether one does.
pub async fn send_reset_link(
    state: &Arc<AppState>,
    client: &str,
    email: &str,
) -> Result<(), ApiError> {
    // A malformed address is refused (that says nothing about which addresses have accounts).
    let email = super::domain::Email::parse(email)
        .map_err(|e| ApiError::invalid(vec![e]))?
        .as_str()
        .to_owned();
    state.limits.check(Action::ResetAddress, client).await?;
    state.limits.check(Action::ResetAccount, &email).await?;
    // The answer must not depend on whether the address has an account, in content or in
    // time: the lookup and the mail are done after the answer, for every address alike.
    let st = state.clone();
    tokio::spawn(async move {
        let state = st.clone();
        let done = state.write_and_mail(move |conn, _| queue_reset(conn, &st, &email));
        if let Err(e) = done.await {
            tracing::warn!(error = %e, "password reset mail not queued");
        }
    });
    Ok(())
}

fn queue_reset(conn: &mut DbConnection, state: &AppState, email: &str) -> Result<(), ApiError> {
    let Some(user) = model::find_by_email(conn, email)?.filter(|u| u.disabled_at.is_none()) else {
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
    let notice = notices::password_reset(&state.settings.public_url, &user, &token_id, &token);
    state.postman.deliver(conn, notice)?;
    Ok(())
}

/// Set a new password with the single-use token of a reset email; every session ends.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new_password: String,
) -> Result<(), ApiError> {
    let hash = tokens::hash_token(token.trim());
    // Check the token before the (slow) hashing, without consuming it.
    let peek = hash.clone();
    let user = state
        .db
        .run(move |conn| {
            match model::peek_one_time_token(conn, TokenPurpose::PasswordReset, &peek)? {
                Some(id) => model::find(conn, &id)?.ok_or_else(invalid_token),
                None => Err(invalid_token()),
            }
        })
        .await?;
    password::check_strength(
        "new_password",
        &new_password,
        &[&user.email, &user.display_name],
    )?;
    let pw = new_password;
    let new_hash = password::blocking(move || password::hash(&pw)).await??;
    let public_url = state.settings.public_url.clone();
    state
        .write_and_mail(move |conn, postman| {
            let consumed = model::consume_one_time_token(conn, TokenPurpose::PasswordReset, &hash)?;
            if consumed.as_ref() != Some(&user.id) {
                return Err(invalid_token());
            }
            model::set_password(conn, &user.id, &new_hash)?;
            let notice = notices::password_changed(&public_url, &user, chrono::Utc::now());
            postman.deliver(conn, notice)?;
            Ok(())
        })
        .await
}

/// Change the password (the current one is required; throttled like sign-in). Every other
/// session ends; the answer is a fresh pair for this client.
pub async fn change_password(
    state: &Arc<AppState>,
    user: AuthUser,
    current: String,
    new: String,
) -> Result<TokenPair, ApiError> {
    state
        .limits
        .check(Action::LoginAccount, &user.email)
        .await?;
    let id = user.id.clone();
    let stored = state.db.run(move |conn| find(conn, &id)).await?;
    password::check_strength("new_password", &new, &[&user.email, &user.display_name])?;
    let new_hash = password::blocking(move || {
        if password::verify(&current, &stored.password_hash) == password::Verified::No {
            return Ok(None);
        }
        password::hash(&new).map(Some)
    })
    .await??
    .ok_or_else(|| ApiError::Forbidden {
        code: ErrorCode::PasswordIncorrect,
        detail: Text::key("problem.password_incorrect"),
    })?;
    let st = state.clone();
    let pair = state
        .write_and_mail(move |conn, postman| {
            model::set_password(conn, &user.id, &new_hash)?;
            let u = find(conn, &user.id)?;
            let notice = notices::password_changed(&st.settings.public_url, &u, chrono::Utc::now());
            postman.deliver(conn, notice)?;
            issue_pair(conn, &st, &u.id, u.token_version, None)
        })
        .await?;
    Ok(pair)
}
