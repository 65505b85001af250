//! Who may see an event: drafts are the bureau's alone; everyone else (a visitor without an
//! account included) sees published, completed and cancelled events. Every room of events
//! asks here.

use super::domain::EventStatus;
use super::model::{self, Event};
use crate::app::AuthUser;
use crate::db::DbConnection;
use crate::db::ids::EventId;
use crate::error::ApiError;

fn is_bureau(user: Option<&AuthUser>) -> bool {
    user.is_some_and(AuthUser::is_bureau)
}

/// The statuses of the events `user` (or a visitor) may see.
pub fn visible_statuses(user: Option<&AuthUser>) -> Vec<EventStatus> {
    if is_bureau(user) {
        EventStatus::ALL.to_vec()
    } else {
        vec![
            EventStatus::Published,
            EventStatus::Completed,
            EventStatus::Cancelled,
        ]
    }
}

/// The event `id` if `user` (or a visitor) may see it, else not found.
pub fn visible_to(
    conn: &mut DbConnection,
    user: Option<&AuthUser>,
    id: &EventId,
) -> Result<Event, ApiError> {
    let ev = model::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if !visible_statuses(user).contains(&ev.status) {
        return Err(ApiError::NotFound);
    }
    Ok(ev)
}
