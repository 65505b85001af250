//! The account operations: registration, email verification, the profile, and the bureau's
//! user administration. Sessions and passwords are in [`super::sessions`]. The JSON routes
//! and the pages both call these; nothing here knows HTTP.

use std::sync::Arc;

use super::domain::{Email, Locale, ProfileEdit, Registration, Role, display_name};
use super::model::{self, NewUser, TokenPurpose};
use super::notices::{self, VERIFY_HOURS};
use super::views::{ProfileView, RegisterRequest, UserView};
use crate::app::pagination::{self, Page};
use crate::app::{AppState, AuthUser};
use crate::auth::password;
use crate::auth::throttle::Action;
use crate::auth::tokens;
use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::types::{now, utc};
use crate::error::{ApiError, ErrorCode, Text};
use crate::notifications::inbox::{PreferenceChanges, Recipient};

/// Queue the verification email for a user, in the caller's transaction.
fn queue_verification(
    conn: &mut DbConnection,
    state: &AppState,
    to: Recipient,
) -> Result<(), ApiError> {
    let token = tokens::random_token();
    let token_id = model::create_one_time_token(
        conn,
        &to.user_id,
        TokenPurpose::VerifyEmail,
        &tokens::hash_token(&token),
        chrono::Duration::hours(VERIFY_HOURS),
    )?;
    let notice = notices::verification(&state.settings.public_url, to, &token_id, &token);
    state.postman.deliver(conn, notice)?;
    Ok(())
}

/// Create an account and queue its verification email (throttled per client address); for
/// an address that has an account, the same answer, and its owner is told instead: the API
/// must not say which addresses have an account.
pub async fn register(
    state: &Arc<AppState>,
    client: &str,
    body: RegisterRequest,
) -> Result<UserView, ApiError> {
    state.limits.check(Action::Register, client).await?;
    let reg = Registration::parse(&body.email, &body.display_name, body.locale.as_deref())?;
    password::check_strength(
        "password",
        &body.password,
        &[reg.email.as_str(), &reg.display_name],
    )?;
    let pw = body.password;
    let hash = password::blocking(move || password::hash(&pw)).await??;
    let st = state.clone();
    let user = state
        .write_and_mail(move |conn, postman| {
            let id = UserId::new();
            let t = now();
            if let Some(owner) = model::find_by_email(conn, reg.email.as_str())? {
                let hour = chrono::Utc::now().timestamp() / 3600;
                let notice = notices::account_exists(&st.settings.public_url, &owner, hour);
                postman.deliver(conn, notice)?;
                return Ok(UserView {
                    id,
                    email: reg.email.as_str().to_owned(),
                    display_name: reg.display_name,
                    locale: reg.locale.as_str().to_owned(),
                    timezone: "Asia/Shanghai".to_owned(),
                    role: Role::User.as_str().to_owned(),
                    email_verified: false,
                    disabled: false,
                    created_at: utc(t),
                    updated_at: utc(t),
                });
            }
            let new = NewUser {
                id: &id,
                email: reg.email.as_str(),
                password_hash: &hash,
                display_name: &reg.display_name,
                locale: reg.locale,
                role: Role::User,
                email_verified_at: None,
                token_version: 0,
                created_at: t,
                updated_at: t,
            };
            model::insert(conn, &new).map_err(|e| match ApiError::from(e) {
                ApiError::Conflict { .. } => {
                    ApiError::conflict(ErrorCode::EmailTaken, Text::key("problem.email_taken"))
                }
                other => other,
            })?;
            let to = Recipient {
                user_id: id.clone(),
                email: reg.email.as_str().to_owned(),
                display_name: reg.display_name.clone(),
                locale: reg.locale,
            };
            queue_verification(conn, &st, to)?;
            Ok(UserView::from(find(conn, &id)?))
        })
        .await?;
    Ok(user)
}

pub(super) fn invalid_token() -> ApiError {
    ApiError::rule(
        ErrorCode::TokenInvalidOrExpired,
        Text::key("problem.token_invalid_or_expired"),
    )
}

/// Mark an email address verified with the single-use token of its verification email;
/// answers the user's id.
pub async fn confirm_email(state: &AppState, token: &str) -> Result<UserId, ApiError> {
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

/// Send the caller a new verification email (throttled per account).
pub async fn resend_verification(state: &Arc<AppState>, user: AuthUser) -> Result<(), ApiError> {
    if user.email_verified {
        return Err(ApiError::rule(
            ErrorCode::AlreadyVerified,
            Text::key("problem.already_verified"),
        ));
    }
    state
        .limits
        .check(Action::ResetAccount, &format!("verify:{}", user.id))
        .await?;
    let st = state.clone();
    let to = Recipient {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        locale: user.locale,
    };
    state
        .write_and_mail(move |conn, _| queue_verification(conn, &st, to))
        .await?;
    Ok(())
}

/// A user that must exist.
pub(super) fn find(conn: &mut DbConnection, id: &UserId) -> Result<model::User, ApiError> {
    model::find(conn, id)?.ok_or(ApiError::NotFound)
}

fn profile_of(conn: &mut DbConnection, user_id: &UserId) -> Result<ProfileView, ApiError> {
    let u = find(conn, user_id)?;
    Ok(ProfileView {
        notification_preferences: crate::notifications::inbox::preferences(conn, user_id)?,
        user: UserView::from(u),
    })
}

/// The caller's profile with notification preferences.
pub async fn profile(state: &AppState, user_id: UserId) -> Result<ProfileView, ApiError> {
    state.db.run(move |conn| profile_of(conn, &user_id)).await
}

/// Change display name, locale, time zone or notification preferences; only what is given
/// changes, in one transaction.
pub async fn update_profile(
    state: &AppState,
    user_id: UserId,
    edit: ProfileEdit,
    prefs: Option<PreferenceChanges>,
) -> Result<ProfileView, ApiError> {
    state
        .db
        .write(move |conn| {
            model::set_profile(conn, &user_id, edit.display_name.as_deref(), edit.locale)?;
            if let Some(tz) = &edit.timezone {
                model::set_timezone(conn, &user_id, tz)?;
            }
            if let Some(p) = &prefs {
                crate::notifications::inbox::apply_changes(conn, &user_id, p)?;
            }
            profile_of(conn, &user_id)
        })
        .await
}

/// Set the account's language (the pages' language switch: the same change as a
/// `PATCH /api/v1/me` with only `locale`).
pub async fn set_locale(state: &AppState, user_id: UserId, locale: Locale) -> Result<(), ApiError> {
    let edit = ProfileEdit {
        locale: Some(locale),
        ..ProfileEdit::default()
    };
    update_profile(state, user_id, edit, None).await.map(drop)
}

/// All users in registration order, optionally those whose email or name holds `q`
/// (bureau only).
pub async fn list_users(
    state: &AppState,
    admin: &AuthUser,
    q: Option<&str>,
    limit: Option<crate::app::pagination::Limit>,
    cursor: Option<&str>,
) -> Result<Page<UserView>, ApiError> {
    admin.require_bureau()?;
    let limit = pagination::limit(limit)?;
    let after = pagination::decode_cursor(cursor)?;
    let text = pagination::search_text(q)?;
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
    Ok(pagination::page(
        rows,
        limit,
        |u| u.id.to_string(),
        UserView::from,
    ))
}

/// Disable an account (its sessions end and its tokens stop working at once) or enable it
/// again (bureau only; nobody disables themself). Audited.
pub async fn set_disabled(
    state: &AppState,
    admin: &AuthUser,
    id: UserId,
    disabled: bool,
) -> Result<UserView, ApiError> {
    admin.require_bureau()?;
    if disabled && id == admin.id {
        return Err(ApiError::Forbidden {
            code: ErrorCode::CannotDisableSelf,
            detail: Text::key("problem.cannot_disable_self"),
        });
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
            find(conn, &id)
        })
        .await?;
    tracing::info!(admin = %admin.id, user = %user.id, disabled, "user access changed");
    Ok(UserView::from(user))
}

/// What `create-admin` did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminCreated {
    Created(UserId),
    Promoted(UserId),
}

/// Create a verified `bureau_admin`, or promote the existing account with that email
/// (its password is left as it is). Blocking; used by the `create-admin` command.
pub fn create_admin(
    conn: &mut DbConnection,
    email: &str,
    name: &str,
    password: &str,
) -> anyhow::Result<AdminCreated> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {}", e.message))?;
    let name = display_name(name).map_err(|e| anyhow::anyhow!("--name: {}", e.message))?;
    if let Some(existing) = model::find_by_email(conn, email.as_str())? {
        model::set_role(conn, &existing.id, Role::BureauAdmin)?;
        return Ok(AdminCreated::Promoted(existing.id));
    }
    let id = super::provision::create_verified(
        conn,
        (email.as_str(), &name),
        password,
        Locale::ZhCn,
        Role::BureauAdmin,
    )?;
    Ok(AdminCreated::Created(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::scratch;

    #[test]
    fn create_admin_creates_a_verified_bureau_admin_then_promotes_without_touching_the_password() {
        let mut conn = scratch::sqlite();
        let AdminCreated::Created(id) = create_admin(
            &mut conn,
            "Chief@Bureau.example.cn",
            "局长",
            "correct horse battery",
        )
        .unwrap() else {
            panic!("expected a new account");
        };
        let u = model::find(&mut conn, &id).unwrap().unwrap();
        assert_eq!(
            (u.role, u.email.as_str()),
            (Role::BureauAdmin, "chief@bureau.example.cn")
        );
        assert!(u.email_verified_at.is_some());
        model::set_role(&mut conn, &id, Role::User).unwrap();
        let again = create_admin(&mut conn, "chief@bureau.example.cn", "局长", "x").unwrap();
        assert_eq!(again, AdminCreated::Promoted(id.clone()));
        let after = model::find(&mut conn, &id).unwrap().unwrap();
        assert_eq!(after.role, Role::BureauAdmin);
        assert_eq!(after.password_hash, u.password_hash);
    }

    #[test]
    fn create_admin_refuses_a_weak_password_for_a_new_account() {
        let mut conn = scratch::sqlite();
        let err = create_admin(&mut conn, "a@bureau.example.cn", "A", "password").unwrap_err();
        assert!(err.to_string().starts_with("password:"), "{err}");
        assert!(
            model::find_by_email(&mut conn, "a@bureau.example.cn")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn an_unknown_stored_locale_is_an_error_not_chinese() {
        use diesel::prelude::*;
        let mut conn = scratch::sqlite();
        let AdminCreated::Created(id) = create_admin(
            &mut conn,
            "b@bureau.example.cn",
            "B",
            "correct horse battery",
        )
        .unwrap() else {
            panic!("expected a new account");
        };
        diesel::sql_query("UPDATE users SET locale = 'xx' WHERE id = ?")
            .bind::<diesel::sql_types::Text, _>(&id)
            .execute(&mut conn)
            .unwrap();
        assert!(model::find(&mut conn, &id).is_err());
    }
}
