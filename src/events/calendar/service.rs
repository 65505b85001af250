//! Calendar operations: an event's `.ics` for whoever may see the event, the feed token
//! (created, replaced, revoked) and the feed it opens.

use super::{ics, model};
use crate::app::{AppState, AuthUser, Postman};
use crate::auth::tokens::{hash_token, random_token};
use crate::db::DbConnection;
use crate::db::ids::EventId;
use crate::error::ApiError;
use crate::events::access::visible_to;
use crate::events::notify;
use crate::events::service::view;
use crate::events::views::{CalendarFeed, EventView};

/// The calendar file of an event `user` (or a visitor) may see.
pub fn event_ics(
    conn: &mut DbConnection,
    postman: &Postman,
    user: Option<&AuthUser>,
    id: &EventId,
) -> Result<String, ApiError> {
    let ev = visible_to(conn, user, id)?;
    Ok(ics::event_calendar(
        &ev,
        postman.sender(),
        &notify::link(postman, &ev),
    ))
}

/// One event and its calendar file as `user` may see them (the event page).
pub async fn event_with_calendar(
    state: &AppState,
    user: Option<AuthUser>,
    id: EventId,
) -> Result<(EventView, String), ApiError> {
    let postman = state.postman.clone();
    state
        .db
        .run(move |conn| {
            let ev = visible_to(conn, user.as_ref(), &id)?;
            let ics = ics::event_calendar(&ev, postman.sender(), &notify::link(&postman, &ev));
            Ok((view(conn, ev)?, ics))
        })
        .await
}

/// Create (or replace) `user`'s feed token; returns the token, which is stored hashed
/// only, so this is the one time it is seen.
pub fn create_token(conn: &mut DbConnection, user: &AuthUser) -> Result<String, ApiError> {
    let token = random_token();
    model::set_token_hash(conn, &user.id, Some(hash_token(&token)))?;
    Ok(token)
}

/// Revoke `user`'s feed token.
pub fn revoke_token(conn: &mut DbConnection, user: &AuthUser) -> Result<(), ApiError> {
    model::set_token_hash(conn, &user.id, None)?;
    Ok(())
}

/// The address of the feed that `token` opens.
pub fn feed_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/api/v1/me/calendar.ics?token={token}")
}

/// A new feed for `user`, replacing the old one: its token and address, seen this once
/// (the JSON route and the preferences page).
pub async fn new_feed(state: &AppState, user: AuthUser) -> Result<CalendarFeed, ApiError> {
    let token = state
        .db
        .write(move |conn| create_token(conn, &user))
        .await?;
    let url = feed_url(&state.settings.public_url, &token);
    Ok(CalendarFeed { token, url })
}

/// Revoke `user`'s feed (the JSON route and the preferences page).
pub async fn revoke_feed(state: &AppState, user: AuthUser) -> Result<(), ApiError> {
    state.db.write(move |conn| revoke_token(conn, &user)).await
}

/// Whether `user` has a feed now (its token is stored hashed: it cannot be shown again).
pub async fn has_feed(state: &AppState, user: AuthUser) -> Result<bool, ApiError> {
    let has = state
        .db
        .run(move |conn| Ok(model::has_token(conn, &user.id)?))
        .await?;
    Ok(has)
}

/// The events `user`'s feed lists (they registered people for them, or attend), as the
/// pages show events: the member's dashboard lists them.
pub async fn events_of(state: &AppState, user: AuthUser) -> Result<Vec<EventView>, ApiError> {
    state
        .db
        .run(move |conn| {
            let events = model::calendar_of(conn, &user.id, &user.email)?;
            events.into_iter().map(|ev| view(conn, ev)).collect()
        })
        .await
}

/// The feed the token opens: every event its owner or their registrations are in,
/// cancelled ones marked cancelled. An unknown or revoked token is not found.
pub fn feed(conn: &mut DbConnection, postman: &Postman, token: &str) -> Result<String, ApiError> {
    let (id, email) = model::owner_of_token(conn, &hash_token(token))?.ok_or(ApiError::NotFound)?;
    let events = model::calendar_of(conn, &id, &email)?;
    Ok(ics::feed(&events, postman.sender(), |e| {
        notify::link(postman, e)
    }))
}
