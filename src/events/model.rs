//! Events, their audience, invitations and registrations in the database.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{Dimension, EventStatus, Places, RegistrationStatus, allocate};
use crate::db::DbConnection;
use crate::db::schema::{
    event_audience as ea, event_invitations as ei, event_registrations as er, events as e,
    memberships as m, organization_fields as of, organizations as o, users as u,
};
use crate::organizations::domain::OrgStatus;

/// A stored event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = e, treat_none_as_null = true)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub title_en: Option<String>,
    pub description: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub timezone: String,
    pub location: String,
    pub online_url: Option<String>,
    pub organizer: String,
    pub capacity: i32,
    pub capacity_per_organization: Option<i32>,
    pub registration_opens_at: Option<NaiveDateTime>,
    pub registration_closes_at: Option<NaiveDateTime>,
    pub leading_only: bool,
    pub status: String,
    pub sequence: i32,
    pub cancel_reason: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Event {
    pub fn status(&self) -> EventStatus {
        self.status.parse().unwrap_or(EventStatus::Draft)
    }
}

/// The audience filter of an event: empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub kinds: Vec<String>,
    pub region_codes: Vec<String>,
    pub field_codes: Vec<String>,
    pub organization_ids: Vec<String>,
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Event>> {
    e::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
        .optional()
}

/// The event row, locked against concurrent registrations until the transaction ends
/// (PostgreSQL; SQLite's write transaction already holds the only write lock).
pub fn find_for_update(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Event>> {
    match conn {
        DbConnection::Postgres(c) => e::table
            .find(id)
            .select(Event::as_select())
            .for_update()
            .first(c)
            .optional(),
        DbConnection::Sqlite(_) => find(conn, id),
    }
}

pub fn insert(conn: &mut DbConnection, ev: &Event) -> QueryResult<()> {
    diesel::insert_into(e::table).values(ev).execute(conn)?;
    Ok(())
}

pub fn update(conn: &mut DbConnection, ev: &Event) -> QueryResult<()> {
    diesel::update(e::table.find(&ev.id))
        .set(ev)
        .execute(conn)?;
    Ok(())
}

pub fn audiences(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<HashMap<String, Audience>> {
    let rows: Vec<(String, String, String)> = ea::table
        .select((ea::event_id, ea::dimension, ea::value))
        .filter(ea::event_id.eq_any(ids))
        .order((ea::event_id, ea::dimension, ea::value))
        .load(conn)?;
    let mut out: HashMap<String, Audience> = HashMap::new();
    for (id, dim, value) in rows {
        let a = out.entry(id).or_default();
        match dim.parse() {
            Ok(Dimension::Kind) => a.kinds.push(value),
            Ok(Dimension::Region) => a.region_codes.push(value),
            Ok(Dimension::Field) => a.field_codes.push(value),
            Ok(Dimension::Organization) => a.organization_ids.push(value),
            Err(_) => {}
        }
    }
    Ok(out)
}

pub fn set_audience(conn: &mut DbConnection, id: &str, a: &Audience) -> QueryResult<()> {
    diesel::delete(ea::table.filter(ea::event_id.eq(id))).execute(conn)?;
    let rows: Vec<_> = [
        (Dimension::Kind, &a.kinds),
        (Dimension::Region, &a.region_codes),
        (Dimension::Field, &a.field_codes),
        (Dimension::Organization, &a.organization_ids),
    ]
    .into_iter()
    .flat_map(|(d, values)| {
        values.iter().map(move |v| {
            (
                ea::event_id.eq(id),
                ea::dimension.eq(d.as_str()),
                ea::value.eq(v.as_str()),
            )
        })
    })
    .collect();
    if !rows.is_empty() {
        // Multi-row inserts compile per backend, not on the combined connection.
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(ea::table).values(rows).execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(ea::table).values(rows).execute(c)?,
        };
    }
    Ok(())
}

/// Verified organizations the audience selects (restricted to `only` when given).
/// Region and field codes select their whole subtree.
pub fn audience_organizations(
    conn: &mut DbConnection,
    a: &Audience,
    leading_only: bool,
    only: Option<&str>,
) -> QueryResult<Vec<String>> {
    let mut q = o::table
        .select(o::id)
        .filter(o::status.eq(OrgStatus::Verified.as_str()))
        .order(o::id)
        .into_boxed();
    if let Some(id) = only {
        q = q.filter(o::id.eq(id.to_owned()));
    }
    if !a.organization_ids.is_empty() {
        q = q.filter(o::id.eq_any(a.organization_ids.clone()));
    }
    if !a.kinds.is_empty() {
        q = q.filter(o::kind.eq_any(a.kinds.clone()));
    }
    if leading_only {
        q = q.filter(o::is_leading.eq(true));
    }
    if !a.region_codes.is_empty() {
        let mut regions = Vec::new();
        for code in &a.region_codes {
            regions.extend(crate::organizations::taxonomy::region_subtree(conn, code)?);
        }
        q = q.filter(o::region_code.eq_any(regions));
    }
    if !a.field_codes.is_empty() {
        let mut fields = Vec::new();
        for code in &a.field_codes {
            fields.extend(crate::organizations::taxonomy::field_subtree(conn, code)?);
        }
        q = q.filter(
            o::id.eq_any(
                of::table
                    .select(of::organization_id)
                    .filter(of::field_code.eq_any(fields)),
            ),
        );
    }
    q.load(conn)
}

/// Record the invited organizations; returns how many were new.
pub fn invite(
    conn: &mut DbConnection,
    event_id: &str,
    orgs: &[String],
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in orgs.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|org| {
                (
                    ei::event_id.eq(event_id),
                    ei::organization_id.eq(org.as_str()),
                    ei::created_at.eq(at),
                )
            })
            .collect();
        n += match conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(ei::table)
                .values(rows)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(ei::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(n)
}

pub fn is_invited(conn: &mut DbConnection, event_id: &str, org_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(ei::table.find((event_id, org_id)))).get_result(conn)
}

/// A user to notify, with what rendering needs.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub locale: String,
}

/// Active members (verified email, not disabled) of the organizations invited to an event.
pub fn invitees(conn: &mut DbConnection, event_id: &str) -> QueryResult<Vec<Person>> {
    m::table
        .inner_join(u::table)
        .inner_join(ei::table.on(ei::organization_id.eq(m::organization_id)))
        .filter(ei::event_id.eq(event_id))
        .filter(u::disabled_at.is_null())
        .filter(u::email_verified_at.is_not_null())
        .select((u::id, u::email, u::display_name, u::locale))
        .distinct()
        .load(conn)
}

pub fn people(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<Person>> {
    u::table
        .filter(u::id.eq_any(ids))
        .filter(u::disabled_at.is_null())
        .select((u::id, u::email, u::display_name, u::locale))
        .load(conn)
}

/// Accounts by email address (lower-case), for attendees who are also users.
pub fn people_by_email(
    conn: &mut DbConnection,
    emails: &[String],
) -> QueryResult<HashMap<String, Person>> {
    let rows: Vec<Person> = u::table
        .filter(u::email.eq_any(emails))
        .filter(u::disabled_at.is_null())
        .select((u::id, u::email, u::display_name, u::locale))
        .load(conn)?;
    Ok(rows.into_iter().map(|p| (p.email.clone(), p)).collect())
}

/// One attendee's registration.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = er)]
pub struct Registration {
    pub id: String,
    pub event_id: String,
    pub organization_id: String,
    pub registered_by: Option<String>,
    pub attendee_name: String,
    pub attendee_email: String,
    pub attendee_phone: Option<String>,
    pub status: String,
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
    event_id: &str,
    id: &str,
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
    event_id: &str,
    orgs: Option<&[String]>,
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
    event_id: &str,
    regs: &[Registration],
) -> QueryResult<HashMap<String, i64>> {
    let mut out = HashMap::new();
    for r in regs
        .iter()
        .filter(|r| r.status == RegistrationStatus::Waitlisted.as_str())
    {
        let place: i64 = er::table
            .filter(er::event_id.eq(event_id))
            .filter(er::status.eq(RegistrationStatus::Waitlisted.as_str()))
            .filter(er::id.le(&r.id))
            .count()
            .get_result(conn)?;
        out.insert(r.id.clone(), place);
    }
    Ok(out)
}

/// Confirmed places taken in total and by one organization.
pub fn taken(conn: &mut DbConnection, event_id: &str, org_id: &str) -> QueryResult<(i64, i64)> {
    let confirmed = er::table
        .filter(er::event_id.eq(event_id))
        .filter(er::status.eq(RegistrationStatus::Confirmed.as_str()));
    let total = confirmed.count().get_result(conn)?;
    let org = confirmed
        .filter(er::organization_id.eq(org_id))
        .count()
        .get_result(conn)?;
    Ok((total, org))
}

/// Confirmed and waitlisted counts per event.
pub fn counts(conn: &mut DbConnection, ids: &[String]) -> QueryResult<HashMap<String, (i64, i64)>> {
    let rows: Vec<(String, String, i64)> = er::table
        .filter(er::event_id.eq_any(ids))
        .filter(er::status.ne(RegistrationStatus::Cancelled.as_str()))
        .group_by((er::event_id, er::status))
        .select((er::event_id, er::status, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<String, (i64, i64)> = HashMap::new();
    for (id, status, n) in rows {
        let c = out.entry(id).or_default();
        if status == RegistrationStatus::Confirmed.as_str() {
            c.0 = n;
        } else {
            c.1 = n;
        }
    }
    Ok(out)
}

pub fn active_email_taken(
    conn: &mut DbConnection,
    event_id: &str,
    emails: &[String],
) -> QueryResult<Vec<String>> {
    er::table
        .select(er::attendee_email)
        .filter(er::event_id.eq(event_id))
        .filter(er::status.ne(RegistrationStatus::Cancelled.as_str()))
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
    event_id: &str,
    organization_id: &str,
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
    id: &str,
    status: RegistrationStatus,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let cancelled = (status == RegistrationStatus::Cancelled).then_some(at);
    diesel::update(er::table.find(id))
        .set((
            er::status.eq(status.as_str()),
            er::cancelled_at.eq(cancelled),
            er::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Move waitlisted attendees up, in order, while places are free (the one allocation rule,
/// [`allocate`]); returns the promoted.
pub fn promote(
    conn: &mut DbConnection,
    ev: &Event,
    at: NaiveDateTime,
) -> QueryResult<Vec<Registration>> {
    let all = registrations(conn, &ev.id, None)?;
    let is = |r: &Registration, s: RegistrationStatus| r.status == s.as_str();
    let mut places = Places::new(
        i64::from(ev.capacity),
        ev.capacity_per_organization.map(i64::from),
    )
    .held_by(
        all.iter()
            .filter(|r| is(r, RegistrationStatus::Confirmed))
            .map(|r| r.organization_id.as_str()),
    );
    let waiting: Vec<Registration> = all
        .into_iter()
        .filter(|r| is(r, RegistrationStatus::Waitlisted))
        .collect();
    let places = allocate(
        &mut places,
        waiting.iter().map(|r| r.organization_id.as_str()),
    );
    let mut promoted = Vec::new();
    for (r, confirmed) in waiting.into_iter().zip(places) {
        if confirmed {
            set_status(conn, &r.id, RegistrationStatus::Confirmed, at)?;
            promoted.push(Registration {
                status: RegistrationStatus::Confirmed.as_str().to_owned(),
                ..r
            });
        }
    }
    Ok(promoted)
}

pub fn set_attended(
    conn: &mut DbConnection,
    event_id: &str,
    ids: &[String],
    attended: bool,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        er::table
            .filter(er::event_id.eq(event_id))
            .filter(er::id.eq_any(ids))
            .filter(er::status.eq(RegistrationStatus::Confirmed.as_str())),
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
        .filter(e::status.eq(EventStatus::Published.as_str()))
        .filter(e::starts_at.gt(now))
        .filter(e::starts_at.le(now + lead))
        .load(conn)?;
    let mut out = Vec::new();
    for ev in events {
        let regs: Vec<Registration> = er::table
            .select(Registration::as_select())
            .filter(er::event_id.eq(&ev.id))
            .filter(er::status.eq(RegistrationStatus::Confirmed.as_str()))
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
    id: &str,
    starts_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(er::table.find(id))
        .set(er::reminded_for.eq(Some(starts_at)))
        .execute(conn)?;
    Ok(())
}

/// Published events that have ended become completed; returns how many.
pub fn complete_ended(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        e::table
            .filter(e::status.eq(EventStatus::Published.as_str()))
            .filter(e::ends_at.le(now)),
    )
    .set((
        e::status.eq(EventStatus::Completed.as_str()),
        e::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Per-organization participation: events invited to, attendees registered (confirmed
/// or waitlisted, not cancelled), attendees who attended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participation {
    pub invited: i64,
    pub registered: i64,
    pub attended: i64,
}

pub fn participation(
    conn: &mut DbConnection,
    orgs: Option<&[String]>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> QueryResult<HashMap<String, Participation>> {
    let mut inv = ei::table
        .inner_join(e::table)
        .filter(e::status.ne(EventStatus::Draft.as_str()))
        .group_by(ei::organization_id)
        .select((ei::organization_id, diesel::dsl::count_star()))
        .into_boxed();
    let mut reg = er::table
        .inner_join(e::table)
        .filter(er::status.ne(RegistrationStatus::Cancelled.as_str()))
        .group_by((er::organization_id, er::attended))
        .select((er::organization_id, er::attended, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(orgs) = orgs {
        inv = inv.filter(ei::organization_id.eq_any(orgs.to_vec()));
        reg = reg.filter(er::organization_id.eq_any(orgs.to_vec()));
    }
    if let Some(f) = from {
        inv = inv.filter(e::starts_at.ge(f));
        reg = reg.filter(e::starts_at.ge(f));
    }
    if let Some(t) = to {
        inv = inv.filter(e::starts_at.lt(t));
        reg = reg.filter(e::starts_at.lt(t));
    }
    let mut out: HashMap<String, Participation> = HashMap::new();
    for (org, n) in inv.load::<(String, i64)>(conn)? {
        out.entry(org).or_default().invited = n;
    }
    for (org, attended, n) in reg.load::<(String, bool, i64)>(conn)? {
        let p = out.entry(org).or_default();
        p.registered += n;
        if attended {
            p.attended += n;
        }
    }
    Ok(out)
}

/// Events a user registered for or attends (by the account's email), for the feed.
pub fn calendar_of(conn: &mut DbConnection, user_id: &str, email: &str) -> QueryResult<Vec<Event>> {
    let ids = er::table
        .select(er::event_id)
        .filter(er::status.ne(RegistrationStatus::Cancelled.as_str()))
        .filter(
            er::registered_by
                .eq(user_id)
                .or(er::attendee_email.eq(email)),
        );
    e::table
        .select(Event::as_select())
        .filter(e::id.eq_any(ids))
        .filter(e::status.ne(EventStatus::Draft.as_str()))
        .order(e::starts_at.asc())
        .load(conn)
}

/// A page of events, soonest first.
#[derive(Debug, Default)]
pub struct Filter {
    pub statuses: Vec<String>,
    pub kind: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub after: Option<(NaiveDateTime, String)>,
}

pub fn list(conn: &mut DbConnection, f: &Filter, limit: i64) -> QueryResult<Vec<Event>> {
    let mut q = e::table
        .select(Event::as_select())
        .filter(e::status.eq_any(f.statuses.clone()))
        .order((e::starts_at.asc(), e::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(k) = &f.kind {
        q = q.filter(e::kind.eq(k.clone()));
    }
    if let Some(t) = f.from {
        q = q.filter(e::starts_at.ge(t));
    }
    if let Some(t) = f.to {
        q = q.filter(e::starts_at.lt(t));
    }
    if let Some((at, id)) = &f.after {
        q = q.filter(
            e::starts_at
                .gt(*at)
                .or(e::starts_at.eq(*at).and(e::id.gt(id.clone()))),
        );
    }
    q.load(conn)
}
