//! What the reports read: the columns each count or export needs, as plain rows. Reports
//! read the tables directly and count in memory (see docs/architecture.md).

#![expect(
    clippy::type_complexity,
    reason = "each report reads rows as tuples of exactly the columns it selects"
)]

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::collaboration::domain::{DeclineReason, InterestStatus};
use crate::db::DbConnection;
use crate::db::schema::{
    agreements as ag, event_invitations as ei, event_registrations as er, events as e,
    interests as i, listing_fields as lf, listings as l, milestones as ms, organizations as o,
    projects as p,
};
use crate::events::domain::RegistrationStatus;
use crate::listings::domain::{Mode, Side};
use crate::projects::domain::{Category, Stage};

/// Organizations: id, kind, region, status, created.
pub fn organizations(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, String, String, NaiveDateTime)>> {
    o::table
        .select((o::id, o::kind, o::region_code, o::status, o::created_at))
        .order(o::id)
        .load(conn)
}

/// Region of every organization, by id.
pub fn regions_of_organizations(conn: &mut DbConnection) -> QueryResult<HashMap<String, String>> {
    Ok(organizations(conn)?
        .into_iter()
        .map(|x| (x.0, x.2))
        .collect())
}

/// Listings: id, side, region, status, created.
pub fn listings(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, Side, String, String, NaiveDateTime)>> {
    l::table
        .select((l::id, l::side, l::region_code, l::status, l::created_at))
        .load(conn)
}

/// Technology fields of every listing, by listing id.
pub fn listing_fields(conn: &mut DbConnection) -> QueryResult<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (id, f) in lf::table
        .select((lf::listing_id, lf::field_code))
        .load::<(String, String)>(conn)?
    {
        out.entry(id).or_default().push(f);
    }
    Ok(out)
}

/// Interests: sender, status, decline reason, created.
pub fn interests(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, InterestStatus, Option<DeclineReason>, NaiveDateTime)>> {
    i::table
        .select((
            i::from_organization_id,
            i::status,
            i::decline_reason,
            i::created_at,
        ))
        .load(conn)
}

/// Agreements: need-side organization, mode, value, created.
pub fn agreements(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, Mode, Option<i64>, NaiveDateTime)>> {
    ag::table
        .select((
            ag::need_organization_id,
            ag::cooperation_mode,
            ag::value_yuan,
            ag::created_at,
        ))
        .load(conn)
}

/// Events: id, status, start.
pub fn events(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    e::table.select((e::id, e::status, e::starts_at)).load(conn)
}

/// Invitations: event, organization.
pub fn invitations(conn: &mut DbConnection) -> QueryResult<Vec<(String, String)>> {
    ei::table
        .select((ei::event_id, ei::organization_id))
        .load(conn)
}

/// Registrations: event, organization, status, attended.
pub fn registrations(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, RegistrationStatus, bool)>> {
    er::table
        .select((er::event_id, er::organization_id, er::status, er::attended))
        .load(conn)
}

/// Projects: id, region, stage, category, created.
pub fn projects(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, Stage, Category, NaiveDateTime)>> {
    p::table
        .select((p::id, p::region_code, p::stage, p::category, p::created_at))
        .load(conn)
}

/// How many milestones of each project are overdue on `day`.
pub fn overdue_by_project(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> QueryResult<HashMap<String, i64>> {
    let mut late: HashMap<String, i64> = HashMap::new();
    for project in ms::table
        .filter(crate::projects::model::overdue_on(day))
        .select(ms::project_id)
        .load::<String>(conn)?
    {
        *late.entry(project).or_default() += 1;
    }
    Ok(late)
}

/// The organizations export's columns.
pub type OrganizationRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    bool,
    NaiveDateTime,
);

pub fn organization_rows(conn: &mut DbConnection) -> QueryResult<Vec<OrganizationRow>> {
    o::table
        .select((
            o::id,
            o::kind,
            o::name,
            o::name_en,
            o::uscc,
            o::region_code,
            o::status,
            o::is_leading,
            o::created_at,
        ))
        .order(o::id)
        .load(conn)
}

/// Organizations: id, name, region.
pub fn organization_names(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, String)>> {
    o::table
        .select((o::id, o::name, o::region_code))
        .order(o::id)
        .load(conn)
}

/// The needs and capabilities exports' columns.
pub type ListingRow = (
    String,
    String,
    String,
    String,
    String,
    Option<i32>,
    String,
    NaiveDateTime,
);

pub fn listing_rows(conn: &mut DbConnection, side: Side) -> QueryResult<Vec<ListingRow>> {
    l::table
        .filter(l::side.eq(side))
        .select((
            l::id,
            l::organization_id,
            l::title,
            l::status,
            l::region_code,
            l::trl,
            l::language,
            l::created_at,
        ))
        .order(l::id)
        .load(conn)
}

/// The interests export's columns.
pub type InterestRow = (
    String,
    String,
    String,
    String,
    InterestStatus,
    Option<DeclineReason>,
    NaiveDateTime,
);

pub fn interest_rows(conn: &mut DbConnection) -> QueryResult<Vec<InterestRow>> {
    i::table
        .select((
            i::id,
            i::from_organization_id,
            i::to_organization_id,
            i::target_listing_id,
            i::status,
            i::decline_reason,
            i::created_at,
        ))
        .order(i::id)
        .load(conn)
}

/// The projects export's project columns.
pub type ProjectRow = (
    String,
    String,
    String,
    String,
    Category,
    i32,
    Stage,
    Option<i64>,
    NaiveDateTime,
);

pub fn project_rows(conn: &mut DbConnection) -> QueryResult<Vec<ProjectRow>> {
    p::table
        .select((
            p::id,
            p::name,
            p::owner_organization_id,
            p::region_code,
            p::category,
            p::year,
            p::stage,
            p::planned_investment_yuan,
            p::created_at,
        ))
        .order(p::id)
        .load(conn)
}

/// Milestones of every project by due date: name, due, done; by project id.
pub fn milestones_by_project(
    conn: &mut DbConnection,
) -> QueryResult<HashMap<String, Vec<(String, NaiveDate, Option<NaiveDate>)>>> {
    let mut out: HashMap<String, Vec<_>> = HashMap::new();
    for (project, m, due, done) in ms::table
        .select((ms::project_id, ms::name, ms::due_on, ms::done_on))
        .order((ms::due_on, ms::id))
        .load::<(String, String, NaiveDate, Option<NaiveDate>)>(conn)?
    {
        out.entry(project).or_default().push((m, due, done));
    }
    Ok(out)
}

/// Regions: code, Chinese name, English name.
pub fn region_names(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, String)>> {
    use crate::db::schema::regions as r;
    r::table
        .select((r::code, r::name_zh, r::name_en))
        .load(conn)
}

/// Organizations: id, Chinese name, English name.
pub fn organization_names_both(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, Option<String>)>> {
    o::table.select((o::id, o::name, o::name_en)).load(conn)
}

/// Listings: id, title.
pub fn listing_titles(conn: &mut DbConnection) -> QueryResult<HashMap<String, String>> {
    Ok(l::table
        .select((l::id, l::title))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}
