//! Event operations: the bureau drafts, edits, publishes and cancels; anyone lists and
//! reads what they may see. Each write is one transaction with its audit entry and notices:
//! `create` opens its own; those that tell someone (`update`, `publish_event`,
//! `cancel_event`) run in the caller's, `AppState::write_and_mail`, which wakes the mail
//! worker after commit. The JSON routes and the pages call these.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::access::{visible_statuses, visible_to};
use super::domain::EventStatus;
use super::model::{self, Audience, Event, Filter};
use super::notify;
use super::registrations::{model as registrations, service as registration};
use super::validate::{
    apply_changes, apply_timezone, check_audience, check_event, moved, new_event,
};
use super::views::{CancelEvent, EventChanges, EventQuery, EventView, NewEvent};
use crate::app::{AppState, AuthUser, Postman, audit, pagination, text};
use crate::db::ids::EventId;
use crate::db::types::{now, utc};
use crate::db::{DbConnection, write_tx};
use crate::error::{ApiError, ErrorCode, Text};
use crate::notifications::templates::EventNews;

/// Views with audiences and counts loaded in two queries.
pub fn views(conn: &mut DbConnection, rows: Vec<Event>) -> Result<Vec<EventView>, ApiError> {
    let ids: Vec<EventId> = rows.iter().map(|e| e.id.clone()).collect();
    let mut audiences = model::audiences(conn, &ids)?;
    let counts = registrations::counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let a = audiences.remove(&e.id).unwrap_or_default();
            let c = counts.get(&e.id).copied().unwrap_or_default();
            EventView::new(e, a, c)
        })
        .collect())
}

/// The view of one event.
pub fn view(conn: &mut DbConnection, ev: Event) -> Result<EventView, ApiError> {
    views(conn, vec![ev])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("event view lost")))
}

/// One event as `user` may see it.
pub fn get(conn: &mut DbConnection, user: &AuthUser, id: &EventId) -> Result<EventView, ApiError> {
    let ev = visible_to(conn, Some(user), id)?;
    view(conn, ev)
}

/// Draft an event (bureau).
pub fn create(
    conn: &mut DbConnection,
    user: &AuthUser,
    b: NewEvent,
) -> Result<EventView, ApiError> {
    user.require_bureau()?;
    write_tx(conn, |conn| {
        let mut errors = Vec::new();
        let ev = new_event(&b, user, &mut errors);
        check_event(&ev, &mut errors);
        check_audience(conn, &b.audience, &mut errors)?;
        ApiError::fields(errors)?;
        model::insert(conn, &ev)?;
        model::set_audience(conn, &ev.id, &b.audience.to_audience())?;
        audit::record(conn, Some(&user.id), "event_created", "event", &ev.id, None)?;
        view(conn, ev)
    })
}

/// The position a list cursor names: (start, id) of the last event of the previous page.
fn after(cursor: Option<&str>) -> Result<Option<(NaiveDateTime, String)>, ApiError> {
    pagination::decode_cursor(cursor)?
        .map(|c| {
            c.split_once('|')
                .and_then(|(micros, id)| {
                    let t = DateTime::<Utc>::from_timestamp_micros(micros.parse().ok()?)?;
                    Some((t.naive_utc(), id.to_owned()))
                })
                .ok_or_else(|| {
                    ApiError::field(
                        "cursor",
                        ErrorCode::CursorInvalid,
                        Text::key("problem.cursor_invalid"),
                    )
                })
        })
        .transpose()
}

/// One page of events, soonest first, as `user` (or a visitor) may see them: the bureau
/// sees drafts too.
pub fn list(
    conn: &mut DbConnection,
    user: Option<&AuthUser>,
    q: EventQuery,
) -> Result<pagination::Page<EventView>, ApiError> {
    let limit = pagination::limit(q.limit)?;
    let filter = Filter {
        statuses: visible_statuses(user)
            .into_iter()
            .filter(|s| q.status.is_none_or(|w| w == *s))
            .collect(),
        kind: q.kind,
        from: q.from.map(|b| b.start().naive_utc()),
        to: q.to.map(|b| b.end().naive_utc()),
        after: after(q.cursor.as_deref())?,
    };
    let rows = model::list(conn, &filter, limit + 1)?;
    pagination::try_page(
        rows,
        limit,
        |e| format!("{}|{}", utc(e.starts_at).timestamp_micros(), e.id),
        |rows| views(conn, rows),
    )
}

/// [`list`] on the blocking pool, for the JSON route and the events page.
pub async fn event_list(
    state: &AppState,
    user: Option<&AuthUser>,
    q: EventQuery,
) -> Result<pagination::Page<EventView>, ApiError> {
    let user = user.cloned();
    state.db.run(move |conn| list(conn, user.as_ref(), q)).await
}

/// Change an event (bureau). Drafts change freely; a published event keeps its audience,
/// and a change of time or place bumps its SEQUENCE and tells invitees and registrants.
/// Runs in the caller's write transaction.
pub fn update(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    id: &EventId,
    c: EventChanges,
) -> Result<EventView, ApiError> {
    user.require_bureau()?;
    let old = model::find_for_update(conn, id)?.ok_or(ApiError::NotFound)?;
    let status = old.status;
    if matches!(status, EventStatus::Cancelled | EventStatus::Completed) {
        return Err(ApiError::rule(
            ErrorCode::EventClosed,
            Text::key("problem.event_closed"),
        ));
    }
    if status == EventStatus::Published && c.audience.is_some() {
        return Err(ApiError::rule(
            ErrorCode::AudienceLocked,
            Text::key("problem.audience_locked"),
        ));
    }
    let mut errors = Vec::new();
    let mut ev = apply_changes(old.clone(), &c, &mut errors);
    if let Some(a) = &c.audience {
        check_audience(conn, a, &mut errors)?;
    }
    apply_timezone(&mut ev, c.timezone.as_deref(), &mut errors);
    check_event(&ev, &mut errors);
    ApiError::fields(errors)?;
    let (confirmed, _) = registrations::counts(conn, std::slice::from_ref(&ev.id))?
        .remove(&ev.id)
        .unwrap_or_default();
    if i64::from(ev.capacity) < confirmed {
        return Err(ApiError::rule(
            ErrorCode::CapacityBelowConfirmed,
            Text::key("problem.capacity_below_confirmed").arg("confirmed", confirmed),
        ));
    }
    let moved = moved(&old, &ev);
    let t = now();
    ev.updated_at = t;
    if moved && status == EventStatus::Published {
        ev.sequence += 1;
    }
    model::update(conn, &ev)?;
    if let Some(a) = &c.audience {
        model::set_audience(conn, &ev.id, &a.to_audience())?;
    }
    if status == EventStatus::Published {
        // More places, or a looser per-organization cap, may free some.
        registration::promote(conn, postman, &ev, t)?;
        if moved {
            let targets = notify::everyone(conn, &ev)?;
            let occasion = ev.sequence.to_string();
            notify::tell(
                conn,
                postman,
                &ev,
                EventNews::Changed,
                &occasion,
                None,
                targets,
            )?;
        }
    }
    audit::record(conn, Some(&user.id), "event_updated", "event", &ev.id, None)?;
    view(conn, ev)
}

/// Publish a draft (bureau): every verified organization in the audience is invited and
/// its members notified, once. Publishing a published event changes nothing. Runs in the
/// caller's write transaction.
pub fn publish_event(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    id: &EventId,
) -> Result<EventView, ApiError> {
    user.require_bureau()?;
    let mut ev = model::find_for_update(conn, id)?.ok_or(ApiError::NotFound)?;
    match ev.status {
        EventStatus::Published => return view(conn, ev),
        EventStatus::Draft => {}
        EventStatus::Cancelled | EventStatus::Completed => {
            return Err(ApiError::rule(
                ErrorCode::EventClosed,
                Text::key("problem.event_closed.publish"),
            ));
        }
    }
    let t = now();
    if ev.starts_at <= t {
        return Err(ApiError::rule(
            ErrorCode::EventInPast,
            Text::key("problem.event_in_past"),
        ));
    }
    publish(conn, postman, &mut ev, t)?;
    audit::record(
        conn,
        Some(&user.id),
        "event_published",
        "event",
        &ev.id,
        None,
    )?;
    view(conn, ev)
}

/// Mark `ev` published, record the invited organizations and notify their members; returns
/// the number of notices. Runs inside the caller's transaction; used by
/// [`publish_event`] and the benchmark.
pub fn publish(
    conn: &mut DbConnection,
    postman: &Postman,
    ev: &mut Event,
    t: NaiveDateTime,
) -> Result<usize, ApiError> {
    ev.status = EventStatus::Published;
    ev.published_at = Some(t);
    ev.updated_at = t;
    model::update(conn, ev)?;
    let audience: Audience = model::audiences(conn, std::slice::from_ref(&ev.id))?
        .remove(&ev.id)
        .unwrap_or_default();
    let orgs = model::audience_organizations(conn, &audience, ev.leading_only, None)?;
    model::invite(conn, &ev.id, &orgs, t)?;
    let targets = notify::invitees(conn, ev)?;
    let done = notify::tell(conn, postman, ev, EventNews::Invited, "0", None, targets)?;
    Ok(done.notices)
}

/// Cancel an event (bureau): invitees and everyone registered are told, with a calendar
/// cancellation attached. Cancelling a cancelled event changes nothing. Runs in the
/// caller's write transaction.
pub fn cancel_event(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    id: &EventId,
    b: CancelEvent,
) -> Result<EventView, ApiError> {
    user.require_bureau()?;
    let mut errors = Vec::new();
    let reason = text::required("reason", &b.reason, 1000, &mut errors);
    ApiError::fields(errors)?;
    let mut ev = model::find_for_update(conn, id)?.ok_or(ApiError::NotFound)?;
    let was_published = match ev.status {
        EventStatus::Cancelled => return view(conn, ev),
        EventStatus::Completed => {
            return Err(ApiError::rule(
                ErrorCode::EventClosed,
                Text::key("problem.event_closed.cancel"),
            ));
        }
        EventStatus::Draft => false,
        EventStatus::Published => true,
    };
    ev.status = EventStatus::Cancelled;
    ev.cancel_reason = Some(reason);
    ev.sequence += 1;
    ev.updated_at = now();
    model::update(conn, &ev)?;
    if was_published {
        let targets = notify::everyone(conn, &ev)?;
        notify::tell(conn, postman, &ev, EventNews::Cancelled, "0", None, targets)?;
    }
    let reason = ev.cancel_reason.as_deref();
    audit::record(
        conn,
        Some(&user.id),
        "event_cancelled",
        "event",
        &ev.id,
        reason,
    )?;
    view(conn, ev)
}

/// [`create`] on the blocking pool: the JSON route and the bureau's event form.
pub async fn create_event(
    state: &AppState,
    user: AuthUser,
    b: NewEvent,
) -> Result<EventView, ApiError> {
    state.db.run(move |conn| create(conn, &user, b)).await
}

/// [`update`] through `AppState::write_and_mail`: the JSON route and the form.
pub async fn change_event(
    state: &AppState,
    user: AuthUser,
    id: EventId,
    c: EventChanges,
) -> Result<EventView, ApiError> {
    state
        .write_and_mail(move |conn, postman| update(conn, postman, &user, &id, c))
        .await
}

/// [`publish_event`] through `AppState::write_and_mail`.
pub async fn publish_now(
    state: &AppState,
    user: AuthUser,
    id: EventId,
) -> Result<EventView, ApiError> {
    state
        .write_and_mail(move |conn, postman| publish_event(conn, postman, &user, &id))
        .await
}

/// [`cancel_event`] through `AppState::write_and_mail`.
pub async fn cancel_now(
    state: &AppState,
    user: AuthUser,
    id: EventId,
    b: CancelEvent,
) -> Result<EventView, ApiError> {
    state
        .write_and_mail(move |conn, postman| cancel_event(conn, postman, &user, &id, b))
        .await
}

/// [`get`] on the blocking pool: the JSON route and the bureau's event page.
pub async fn event_of(
    state: &AppState,
    user: AuthUser,
    id: EventId,
) -> Result<EventView, ApiError> {
    state.db.run(move |conn| get(conn, &user, &id)).await
}
