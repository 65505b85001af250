//! Registrations of attendees in the database: one row per attendee, queue order is the
//! UUIDv7 id.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{EventId, OrganizationId, RegistrationId, UserId};
use crate::db::schema::{event_registrations as er, events as e, users as u};
use crate::events::domain::{EventStatus, RegistrationStatus};
use crate::events::model::Event;

/// One attendee's registration.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = er)]
pub struct Registration {
    pub id: RegistrationId,
    pub event_id: EventId,
    pub organization_id: OrganizationId,
    pub registered_by: Option<UserId>,
    pub attendee_name: String,
    pub attendee_email: String,
    pub attendee_phone: Option<String>,
    pub status: RegistrationStatus,
    pub attended: bool,
    pub reminded_for: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_registrations(conn: &mut DbConnection, rows: &[Registration]) -> QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(er::table).values(rows).execute(c)?,
        DbConnection::Postgres(c) => diesel::insert_into(er::table).values(rows).execute(c)?,
    };
    Ok(())
}

pub fn registration(
    conn: &mut DbConnection,
    event_id: &EventId,
    id: &RegistrationId,
) -> QueryResult<Option<Registration>> {
    er::table
        .find(id)
        .filter(er::event_id.eq(event_id))
        .select(Registration::as_select())
        .first(conn)
        .optional()
}

/// Registrations of an event in queue order (optionally of some organizations only).
pub fn registrations(
    conn: &mut DbConnection,
    event_id: &EventId,
    orgs: Option<&[OrganizationId]>,
) -> QueryResult<Vec<Registration>> {
    let mut q = er::table
        .select(Registration::as_select())
        .filter(er::event_id.eq(event_id))
        .order(er::id.asc())
        .into_boxed();
    if let Some(orgs) = orgs {
        q = q.filter(er::organization_id.eq_any(orgs.to_vec()));
    }
    q.load(conn)
}

/// The place in line (1 = next) of each waitlisted registration among `regs`, one indexed
/// count per row (on `(event_id, status, id)`), so the cost does not grow with the event.
pub fn queue_positions(
    conn: &mut DbConnection,
    event_id: &EventId,
    regs: &[Registration],
) -> QueryResult<HashMap<RegistrationId, i64>> {
    let mut out = HashMap::new();
    for r in regs
        .iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted)
    {
        let place: i64 = er::table
            .filter(er::event_id.eq(event_id))
            .filter(er::status.eq(RegistrationStatus::Waitlisted))
            .filter(er::id.le(&r.id))
            .count()
            .get_result(conn)?;
        out.insert(r.id.clone(), place);
    }
    Ok(out)
}

/// Confirmed places taken in total and by one organization.
pub fn taken(
    conn: &mut DbConnection,
    event_id: &EventId,
    org_id: &OrganizationId,
) -> QueryResult<(i64, i64)> {
    let confirmed = er::table
        .filter(er::event_id.eq(event_id))
        .filter(er::status.eq(RegistrationStatus::Confirmed));
    let total = confirmed.count().get_result(conn)?;
    let org = confirmed
        .filter(er::organization_id.eq(org_id))
        .count()
        .get_result(conn)?;
    Ok((total, org))
}

/// Confirmed and waitlisted counts per event.
pub fn counts(
    conn: &mut DbConnection,
    ids: &[EventId],
) -> QueryResult<HashMap<EventId, (i64, i64)>> {
    let rows: Vec<(EventId, RegistrationStatus, i64)> = er::table
        .filter(er::event_id.eq_any(ids))
        .filter(er::status.ne(RegistrationStatus::Cancelled))
        .group_by((er::event_id, er::status))
        .select((er::event_id, er::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<EventId, (i64, i64)> = HashMap::new();
    for (id, status, n) in rows {
        let c = out.entry(id).or_default();
        if status == RegistrationStatus::Confirmed {
            c.0 = n;
        } else {
            c.1 = n;
        }
    }
    Ok(out)
}

/// Of `emails`, those `org_id` holds a live registration for at event `event_id` (another
/// organization's registrations are not looked at: see `service::require_unregistered`).
pub fn active_email_taken(
    conn: &mut DbConnection,
    event_id: &EventId,
    org_id: &OrganizationId,
    emails: &[String],
) -> QueryResult<Vec<String>> {
    er::table
        .select(er::attendee_email)
        .filter(er::event_id.eq(event_id))
        .filter(er::organization_id.eq(org_id))
        .filter(er::status.ne(RegistrationStatus::Cancelled))
        .filter(er::attendee_email.eq_any(emails))
        .load(conn)
}

/// Of `emails`, those that belong to no account (mail to them leaves the platform).
pub fn outside_addresses(conn: &mut DbConnection, emails: &[String]) -> QueryResult<Vec<String>> {
    let known: Vec<String> = u::table
        .filter(u::email.eq_any(emails))
        .select(u::email)
        .load(conn)?;
    Ok(emails
        .iter()
        .filter(|e| !known.contains(e))
        .cloned()
        .collect())
}

/// When `organization_id` registered attendees without an account for the event since
/// `since`, cancelled ones included (a register-and-cancel loop mails as much).
pub fn outside_registrations_since(
    conn: &mut DbConnection,
    event_id: &EventId,
    organization_id: &OrganizationId,
    since: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    let rows: Vec<(String, NaiveDateTime)> = er::table
        .filter(er::event_id.eq(event_id))
        .filter(er::organization_id.eq(organization_id))
        .filter(er::created_at.gt(since))
        .select((er::attendee_email, er::created_at))
        .load(conn)?;
    let emails: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let outside = outside_addresses(conn, &emails)?;
    Ok(rows
        .into_iter()
        .filter(|r| outside.contains(&r.0))
        .map(|r| r.1)
        .collect())
}

pub fn set_status(
    conn: &mut DbConnection,
    id: &RegistrationId,
    status: RegistrationStatus,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let cancelled = (status == RegistrationStatus::Cancelled).then_some(at);
    diesel::update(er::table.find(id))
        .set((
            er::status.eq(status),
            er::cancelled_at.eq(cancelled),
            er::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_attended(
    conn: &mut DbConnection,
    event_id: &EventId,
    ids: &[RegistrationId],
    attended: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        er::table
            .filter(er::event_id.eq(event_id))
            .filter(er::id.eq_any(ids))
            .filter(er::status.eq(RegistrationStatus::Confirmed)),
    )
    .set((er::attended.eq(attended), er::updated_at.eq(at)))
    .execute(conn)
}

/// Published events whose confirmed attendees are due a reminder at `now`.
pub fn due_reminders(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lead: chrono::Duration,
) -> QueryResult<Vec<(Event, Registration)>> {
    let events: Vec<Event> = e::table
        .select(Event::as_select())
        .filter(e::status.eq(EventStatus::Published))
        .filter(e::starts_at.gt(now))
        .filter(e::starts_at.le(now + lead))
        .load(conn)?;
    let mut out = Vec::new();
    for ev in events {
        let regs: Vec<Registration> = er::table
            .select(Registration::as_select())
            .filter(er::event_id.eq(&ev.id))
            .filter(er::status.eq(RegistrationStatus::Confirmed))
            .filter(
                er::reminded_for
                    .is_null()
                    .or(er::reminded_for.ne(ev.starts_at)),
            )
            .load(conn)?;
        out.extend(regs.into_iter().map(|r| (ev.clone(), r)));
    }
    Ok(out)
}

pub fn mark_reminded(
    conn: &mut DbConnection,
    id: &RegistrationId,
    starts_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(er::table.find(id))
        .set(er::reminded_for.eq(Some(starts_at)))
        .execute(conn)?;
    Ok(())
}
