//! Calendar feeds in the database: the hashed feed token on the user row, and the events
//! a user's feed lists.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::schema::{event_registrations as er, events as e, users as u};
use crate::events::domain::{EventStatus, RegistrationStatus};
use crate::events::model::Event;

/// Events a user registered for or attends (by the account's email), for the feed.
pub fn calendar_of(
    conn: &mut DbConnection,
    user_id: &UserId,
    email: &str,
) -> QueryResult<Vec<Event>> {
    let ids = er::table
        .select(er::event_id)
        .filter(er::status.ne(RegistrationStatus::Cancelled))
        .filter(
            er::registered_by
                .eq(user_id)
                .or(er::attendee_email.eq(email)),
        );
    e::table
        .select(Event::as_select())
        .filter(e::id.eq_any(ids))
        .filter(e::status.ne(EventStatus::Draft))
        .order(e::starts_at.asc())
        .load(conn)
}

/// Set (or with `None` clear) the hash of a user's feed token.
pub fn set_token_hash(
    conn: &mut DbConnection,
    user_id: &UserId,
    hash: Option<String>,
) -> QueryResult<()> {
    diesel::update(u::table.find(user_id))
        .set(u::calendar_token_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// Whether the user has a feed token.
pub fn has_token(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<bool> {
    let hash: Option<String> = u::table
        .find(user_id)
        .select(u::calendar_token_hash)
        .first(conn)?;
    Ok(hash.is_some())
}

/// The active account (id, email) whose feed token hashes to `hash`.
pub fn owner_of_token(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<(UserId, String)>> {
    u::table
        .filter(u::calendar_token_hash.eq(hash))
        .filter(u::disabled_at.is_null())
        .select((u::id, u::email))
        .first(conn)
        .optional()
}
