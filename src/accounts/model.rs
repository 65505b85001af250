//! Users, one-time tokens and refresh-token sessions in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{Locale, Role};
use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::schema::{one_time_tokens, refresh_tokens, users};
use crate::db::types::{new_id, now};

/// A stored user.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    /// Strict: a stored value that is no locale is an error, not Chinese.
    pub locale: Locale,
    pub role: Role,
    pub email_verified_at: Option<NaiveDateTime>,
    pub token_version: i32,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// IANA zone for digests and times shown to the user.
    pub timezone: String,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: &'a UserId,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub locale: Locale,
    pub role: Role,
    pub email_verified_at: Option<NaiveDateTime>,
    pub token_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// Every enabled bureau administrator: the staff the bureau's notices go to.
pub fn bureau_admins(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::role.eq(Role::BureauAdmin))
        .filter(users::disabled_at.is_null())
        .select(User::as_select())
        .order(users::created_at.asc())
        .load(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, user: &NewUser) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)?;
    Ok(())
}

/// Set a new password hash; bump the token version so older access tokens die, and end
/// every session.
pub fn set_password(conn: &mut DbConnection, user_id: &UserId, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    revoke_all_sessions(conn, user_id)
}

/// Replace a hash made with older parameters, without ending sessions.
pub fn rehash(conn: &mut DbConnection, user_id: &UserId, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

pub fn bump_token_version(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

// --- one-time tokens (email verification, password reset) ---

crate::text_enum! {
    /// What a one-time token proves.
    pub enum TokenPurpose {
        VerifyEmail => "verify_email",
        PasswordReset => "password_reset",
    }
}

/// Store a one-time token's hash; returns the row id.
pub fn create_one_time_token(
    conn: &mut DbConnection,
    user_id: &UserId,
    purpose: TokenPurpose,
    token_hash: &str,
    ttl: chrono::Duration,
) -> QueryResult<String> {
    let id = new_id();
    let t = now();
    diesel::insert_into(one_time_tokens::table)
        .values((
            one_time_tokens::id.eq(&id),
            one_time_tokens::user_id.eq(Some(user_id)),
            one_time_tokens::purpose.eq(purpose.as_str()),
            one_time_tokens::token_hash.eq(token_hash),
            one_time_tokens::expires_at.eq(t + ttl),
            one_time_tokens::created_at.eq(t),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The user of an unused, unexpired one-time token, without using it.
pub fn peek_one_time_token(
    conn: &mut DbConnection,
    purpose: TokenPurpose,
    token_hash: &str,
) -> QueryResult<Option<UserId>> {
    let user_id: Option<Option<UserId>> = one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(token_hash))
        .filter(one_time_tokens::purpose.eq(purpose.as_str()))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(now()))
        .select(one_time_tokens::user_id)
        .first(conn)
        .optional()?;
    Ok(user_id.flatten())
}

/// Use a one-time token: if it exists for `purpose`, is unused and unexpired, mark it used
/// (and every other unused token of that user and purpose) and return its user id.
pub fn consume_one_time_token(
    conn: &mut DbConnection,
    purpose: TokenPurpose,
    token_hash: &str,
) -> QueryResult<Option<UserId>> {
    let t = now();
    let found: Option<(String, Option<UserId>)> = one_time_tokens::table
        .filter(one_time_tokens::token_hash.eq(token_hash))
        .filter(one_time_tokens::purpose.eq(purpose.as_str()))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(t))
        .select((one_time_tokens::id, one_time_tokens::user_id))
        .first(conn)
        .optional()?;
    let Some((_, Some(user_id))) = found else {
        return Ok(None);
    };
    diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::user_id.eq(&user_id))
            .filter(one_time_tokens::purpose.eq(purpose.as_str()))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .set(one_time_tokens::used_at.eq(Some(t)))
    .execute(conn)?;
    Ok(Some(user_id))
}

// --- refresh-token sessions ---

/// A stored refresh token.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: String,
    pub user_id: UserId,
    pub family_id: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub rotated_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    user_id: &UserId,
    family_id: &str,
    token_hash: &str,
    ttl: chrono::Duration,
) -> QueryResult<()> {
    let t = now();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(new_id()),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::expires_at.eq(t + ttl),
            refresh_tokens::created_at.eq(t),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<RefreshToken>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()
}

/// Mark a token rotated, only if nobody rotated it first; returns whether this call did.
pub fn mark_rotated(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    let n = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::rotated_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn revoke_family(conn: &mut DbConnection, family_id: &str) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

pub fn revoke_all_sessions(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

// --- administration ---

/// Users by id (creation order), optionally filtered by an email or name fragment.
pub fn list(
    conn: &mut DbConnection,
    q: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .select(User::as_select())
        .order(users::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(q) = q {
        let pattern = format!(
            "%{}%",
            q.to_lowercase().replace('%', "\\%").replace('_', "\\_")
        );
        query = query.filter(
            users::email
                .like(pattern.clone())
                .escape('\\')
                .or(users::display_name.like(pattern).escape('\\')),
        );
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after.to_owned()));
    }
    query.load(conn)
}

pub fn set_disabled(
    conn: &mut DbConnection,
    user_id: &UserId,
    disabled: bool,
) -> QueryResult<usize> {
    let t = now();
    let n = diesel::update(users::table.find(user_id))
        .set((
            users::disabled_at.eq(if disabled { Some(t) } else { None }),
            users::token_version.eq(users::token_version + i32::from(disabled)),
            users::updated_at.eq(t),
        ))
        .execute(conn)?;
    if disabled {
        revoke_all_sessions(conn, user_id)?;
    }
    Ok(n)
}

pub fn set_profile(
    conn: &mut DbConnection,
    user_id: &UserId,
    display_name: Option<&str>,
    locale: Option<Locale>,
) -> QueryResult<()> {
    let t = now();
    if let Some(name) = display_name {
        diesel::update(users::table.find(user_id))
            .set((users::display_name.eq(name), users::updated_at.eq(t)))
            .execute(conn)?;
    }
    if let Some(locale) = locale {
        diesel::update(users::table.find(user_id))
            .set((users::locale.eq(locale), users::updated_at.eq(t)))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_timezone(conn: &mut DbConnection, user_id: &UserId, tz: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::timezone.eq(tz), users::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

pub fn mark_email_verified(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<()> {
    let t = now();
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::email_verified_at.is_null()),
    )
    .set((
        users::email_verified_at.eq(Some(t)),
        users::updated_at.eq(t),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn set_role(conn: &mut DbConnection, user_id: &UserId, role: Role) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::role.eq(role), users::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}
