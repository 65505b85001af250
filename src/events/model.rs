//! Events, their audience, invitations and registrations in the database.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{Dimension, EventKind, EventStatus, RegistrationStatus, Zone};
use crate::app::Locale;
use crate::db::DbConnection;
use crate::db::ids::{EventId, OrganizationId, UserId};
use crate::db::schema::{
    event_audience as ea, event_invitations as ei, event_registrations as er, events as e,
    memberships as m, organization_fields as of, organizations as o, users as u,
};
use crate::organizations::domain::OrgStatus;

/// A stored event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = e, treat_none_as_null = true)]
pub struct Event {
    pub id: EventId,
    pub kind: EventKind,
    pub title: String,
    pub title_en: Option<String>,
    pub description: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub timezone: Zone,
    pub location: String,
    pub online_url: Option<String>,
    pub organizer: String,
    pub capacity: i32,
    pub capacity_per_organization: Option<i32>,
    pub registration_opens_at: Option<NaiveDateTime>,
    pub registration_closes_at: Option<NaiveDateTime>,
    pub leading_only: bool,
    pub status: EventStatus,
    pub sequence: i32,
    pub cancel_reason: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The audience filter of an event: empty lists mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub kinds: Vec<String>,
    pub region_codes: Vec<String>,
    pub field_codes: Vec<String>,
    pub organization_ids: Vec<String>,
}

pub fn find(conn: &mut DbConnection, id: &EventId) -> QueryResult<Option<Event>> {
    e::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
        .optional()
}

/// The event row, locked against concurrent registrations until the transaction ends
/// (PostgreSQL; SQLite's write transaction already holds the only write lock).
pub fn find_for_update(conn: &mut DbConnection, id: &EventId) -> QueryResult<Option<Event>> {
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
    ids: &[EventId],
) -> QueryResult<HashMap<EventId, Audience>> {
    let rows: Vec<(EventId, Dimension, String)> = ea::table
        .select((ea::event_id, ea::dimension, ea::value))
        .filter(ea::event_id.eq_any(ids))
        .order((ea::event_id, ea::dimension, ea::value))
        .load(conn)?;
    let mut out: HashMap<EventId, Audience> = HashMap::new();
    for (id, dim, value) in rows {
        let a = out.entry(id).or_default();
        match dim {
            Dimension::Kind => a.kinds.push(value),
            Dimension::Region => a.region_codes.push(value),
            Dimension::Field => a.field_codes.push(value),
            Dimension::Organization => a.organization_ids.push(value),
        }
    }
    Ok(out)
}

pub fn set_audience(conn: &mut DbConnection, id: &EventId, a: &Audience) -> QueryResult<()> {
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
                ea::dimension.eq(d),
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
    only: Option<&OrganizationId>,
) -> QueryResult<Vec<OrganizationId>> {
    let mut q = o::table
        .select(o::id)
        .filter(o::status.eq(OrgStatus::Verified.as_str()))
        .order(o::id)
        .into_boxed();
    if let Some(id) = only {
        q = q.filter(o::id.eq(id.clone()));
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
    event_id: &EventId,
    orgs: &[OrganizationId],
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in orgs.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|org| {
                (
                    ei::event_id.eq(event_id),
                    ei::organization_id.eq(org),
                    ei::created_at.eq(at),
                )
            })
            .collect();
        n += crate::insert_new!(conn, ei::table, rows)?;
    }
    Ok(n)
}

pub fn is_invited(
    conn: &mut DbConnection,
    event_id: &EventId,
    org_id: &OrganizationId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(ei::table.find((event_id, org_id)))).get_result(conn)
}

/// A user to notify, with what rendering needs.
#[derive(Debug, Clone, Queryable)]
pub struct Person {
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
}

/// Active members (verified email, not disabled) of the organizations invited to an event.
pub fn invitees(conn: &mut DbConnection, event_id: &EventId) -> QueryResult<Vec<Person>> {
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

pub fn people(conn: &mut DbConnection, ids: &[UserId]) -> QueryResult<Vec<Person>> {
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

/// Published events that have ended become completed; returns how many.
pub fn complete_ended(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        e::table
            .filter(e::status.eq(EventStatus::Published))
            .filter(e::ends_at.le(now)),
    )
    .set((e::status.eq(EventStatus::Completed), e::updated_at.eq(now)))
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
    orgs: Option<&[OrganizationId]>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> QueryResult<HashMap<OrganizationId, Participation>> {
    let mut inv = ei::table
        .inner_join(e::table)
        .filter(e::status.ne(EventStatus::Draft))
        .group_by(ei::organization_id)
        .select((ei::organization_id, diesel::dsl::count_star()))
        .into_boxed();
    let mut reg = er::table
        .inner_join(e::table)
        .filter(er::status.ne(RegistrationStatus::Cancelled))
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
    let mut out: HashMap<OrganizationId, Participation> = HashMap::new();
    for (org, n) in inv.load::<(OrganizationId, i64)>(conn)? {
        out.entry(org).or_default().invited = n;
    }
    for (org, attended, n) in reg.load::<(OrganizationId, bool, i64)>(conn)? {
        let p = out.entry(org).or_default();
        p.registered += n;
        if attended {
            p.attended += n;
        }
    }
    Ok(out)
}

/// Names of organizations by id (for the participation report).
pub fn organization_names(
    conn: &mut DbConnection,
    ids: &[OrganizationId],
) -> QueryResult<HashMap<OrganizationId, String>> {
    Ok(o::table
        .filter(o::id.eq_any(ids))
        .select((o::id, o::name))
        .load::<(OrganizationId, String)>(conn)?
        .into_iter()
        .collect())
}

/// A page of events, soonest first.
#[derive(Debug, Default)]
pub struct Filter {
    pub statuses: Vec<EventStatus>,
    pub kind: Option<EventKind>,
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
        q = q.filter(e::kind.eq(*k));
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
