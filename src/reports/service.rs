//! The bureau's overview: every count it works from, one function per section, filtered by
//! region and time. No HTTP here.

use std::collections::HashSet;

use super::domain::{Scope, bump};
use super::model;
use super::views::{
    AgreementCounts, EventCounts, InterestCounts, ListingCounts, OrganizationCounts, Overview,
    ProjectCounts, ReportQuery,
};
use crate::app::AuthUser;
use crate::collaboration::domain::InterestStatus;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::events::domain::RegistrationStatus;
use crate::listings::domain::Side;
use crate::organizations::taxonomy;

/// The filter of `q`; the bureau's alone.
pub fn scope(conn: &mut DbConnection, user: &AuthUser, q: &ReportQuery) -> Result<Scope, ApiError> {
    user.require_bureau()?;
    let regions = q
        .region
        .as_deref()
        .map(|r| taxonomy::region_filter(conn, "region", r))
        .transpose()?;
    Ok(Scope {
        regions,
        from: q.from.map(|b| b.start().naive_utc()),
        to: q.to.map(|b| b.end().naive_utc()),
    })
}

/// Every count, for the bureau.
pub fn overview(
    conn: &mut DbConnection,
    user: &AuthUser,
    q: &ReportQuery,
) -> Result<Overview, ApiError> {
    let s = scope(conn, user, q)?;
    let orgs = model::organizations(conn)?;
    let in_region: HashSet<String> = orgs
        .iter()
        .filter(|x| s.region(&x.2))
        .map(|x| x.0.clone())
        .collect();
    let mut organizations = OrganizationCounts::default();
    for (_, kind, region, status, created) in &orgs {
        if s.holds(region, *created) {
            organizations.total += 1;
            bump(&mut organizations.by_kind, kind);
            bump(&mut organizations.by_region, region);
            bump(&mut organizations.by_status, status);
        }
    }
    let (needs, capabilities) = listings(conn, &s)?;
    Ok(Overview {
        organizations,
        needs,
        capabilities,
        interests: interests(conn, &s, &in_region)?,
        agreements: agreements(conn, &s, &in_region)?,
        events: events(conn, &s, &in_region)?,
        projects: projects(conn, &s)?,
    })
}

/// Needs and capabilities in scope, by status and field.
fn listings(
    conn: &mut DbConnection,
    s: &Scope,
) -> Result<(ListingCounts, ListingCounts), ApiError> {
    let fields_of = model::listing_fields(conn)?;
    let (mut needs, mut capabilities) = (ListingCounts::default(), ListingCounts::default());
    for (id, side, region, status, created) in &model::listings(conn)? {
        if !s.holds(region, *created) {
            continue;
        }
        let c = match side {
            Side::Need => &mut needs,
            Side::Capability => &mut capabilities,
        };
        c.total += 1;
        bump(&mut c.by_status, status);
        for f in fields_of.get(id).into_iter().flatten() {
            bump(&mut c.by_field, f);
        }
    }
    Ok((needs, capabilities))
}

/// Interests sent by organizations in the region, by outcome and decline reason.
fn interests(
    conn: &mut DbConnection,
    s: &Scope,
    in_region: &HashSet<String>,
) -> Result<InterestCounts, ApiError> {
    let mut c = InterestCounts::default();
    for (from, status, reason, created) in &model::interests(conn)? {
        if !(in_region.contains(from) && s.time(*created)) {
            continue;
        }
        c.sent += 1;
        match status {
            InterestStatus::Open => c.open += 1,
            InterestStatus::Accepted => c.accepted += 1,
            InterestStatus::Declined => c.declined += 1,
            InterestStatus::Withdrawn => c.withdrawn += 1,
        }
        if let Some(r) = reason {
            bump(&mut c.decline_reasons, r.as_str());
        }
    }
    Ok(c)
}

/// Agreements whose need side is in the region, by mode, and their total value.
fn agreements(
    conn: &mut DbConnection,
    s: &Scope,
    in_region: &HashSet<String>,
) -> Result<AgreementCounts, ApiError> {
    let mut c = AgreementCounts::default();
    let mut values = Vec::new();
    for (org, mode, value, created) in &model::agreements(conn)? {
        if in_region.contains(org) && s.time(*created) {
            c.total += 1;
            bump(&mut c.by_mode, mode.as_str());
            values.push(value.unwrap_or(0));
        }
    }
    c.total_value_yuan = crate::money::total(values)?;
    Ok(c)
}

/// Events starting in the window; invitations, registrations and attendance of the
/// region's organizations.
fn events(
    conn: &mut DbConnection,
    s: &Scope,
    in_region: &HashSet<String>,
) -> Result<EventCounts, ApiError> {
    let mut c = EventCounts::default();
    let events = model::events(conn)?;
    let in_time: HashSet<&String> = events
        .iter()
        .filter(|x| s.time(x.2))
        .map(|x| &x.0)
        .collect();
    for (_, status, _) in events.iter().filter(|x| in_time.contains(&x.0)) {
        c.total += 1;
        bump(&mut c.by_status, status);
    }
    for (ev, org) in model::invitations(conn)? {
        if in_time.contains(&ev) && in_region.contains(&org) {
            c.invitations += 1;
        }
    }
    for (ev, org, status, attended) in model::registrations(conn)? {
        if !(in_time.contains(&ev) && in_region.contains(&org)) {
            continue;
        }
        match status {
            RegistrationStatus::Confirmed => c.registrations_confirmed += 1,
            RegistrationStatus::Waitlisted => c.registrations_waitlisted += 1,
            RegistrationStatus::Cancelled => {}
        }
        if attended && status != RegistrationStatus::Cancelled {
            c.attended += 1;
        }
    }
    Ok(c)
}

/// Key projects in scope by stage and category, and their overdue milestones today.
fn projects(conn: &mut DbConnection, s: &Scope) -> Result<ProjectCounts, ApiError> {
    let mut c = ProjectCounts::default();
    let late = model::overdue_by_project(conn, crate::projects::domain::today())?;
    for (id, region, stage, category, created) in &model::projects(conn)? {
        if !s.holds(region, *created) {
            continue;
        }
        c.total += 1;
        bump(&mut c.by_stage, stage.as_str());
        bump(&mut c.by_category, category.as_str());
        let n = late.get(id).copied().unwrap_or(0);
        c.overdue_milestones += n;
        c.projects_with_overdue += i64::from(n > 0);
    }
    Ok(c)
}
