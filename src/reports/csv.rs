//! The CSV exports: one function per export builds its rows (header first), and
//! [`encode`] writes them as UTF-8 with a byte-order mark, so spreadsheet programs read
//! Chinese correctly. No HTTP here.

use chrono::NaiveDate;

use super::domain::{Export, Scope, ts};
use super::model;
use super::service::scope;
use super::views::ReportQuery;
use crate::app::AuthUser;
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::listings::domain::Side;
use crate::projects::domain::{overdue, today};

type Rows = Vec<Vec<String>>;

fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// The rows of export `what` in the scope of `q`, for the bureau.
pub fn rows(
    conn: &mut DbConnection,
    user: &AuthUser,
    what: Export,
    q: &ReportQuery,
) -> Result<Rows, ApiError> {
    let s = scope(conn, user, q)?;
    match what {
        Export::Organizations => organizations(conn, &s),
        Export::Needs => listings(conn, &s, Side::Need),
        Export::Capabilities => listings(conn, &s, Side::Capability),
        Export::Interests => interests(conn, &s),
        Export::Participation => participation(conn, &s),
        Export::Projects => projects(conn, &s, today()),
    }
}

/// Organizations in scope, one row each.
pub fn organizations(conn: &mut DbConnection, s: &Scope) -> Result<Rows, ApiError> {
    let mut rows = vec![header(&[
        "id",
        "kind",
        "name",
        "name_en",
        "uscc",
        "region_code",
        "status",
        "is_leading",
        "created_at",
    ])];
    for (id, kind, name, en, uscc, region, status, leading, created) in
        model::organization_rows(conn)?
    {
        if s.holds(&region, created) {
            rows.push(vec![
                id,
                kind,
                name,
                en.unwrap_or_default(),
                uscc.unwrap_or_default(),
                region,
                status,
                leading.to_string(),
                ts(created),
            ]);
        }
    }
    Ok(rows)
}

/// Needs or capabilities in scope, one row each.
pub fn listings(conn: &mut DbConnection, s: &Scope, side: Side) -> Result<Rows, ApiError> {
    let mut rows = vec![header(&[
        "id",
        "organization_id",
        "title",
        "status",
        "region_code",
        "trl",
        "language",
        "created_at",
    ])];
    for (id, org, title, status, region, trl, lang, created) in model::listing_rows(conn, side)? {
        if s.holds(&region, created) {
            rows.push(vec![
                id,
                org,
                title,
                status,
                region,
                trl.map(|t| t.to_string()).unwrap_or_default(),
                lang,
                ts(created),
            ]);
        }
    }
    Ok(rows)
}

/// Interests sent by organizations of the region in the window, one row each.
pub fn interests(conn: &mut DbConnection, s: &Scope) -> Result<Rows, ApiError> {
    let mut rows = vec![header(&[
        "id",
        "from_organization_id",
        "to_organization_id",
        "target_listing_id",
        "status",
        "decline_reason",
        "created_at",
    ])];
    let regions = model::regions_of_organizations(conn)?;
    for (id, from, to, target, status, reason, created) in model::interest_rows(conn)? {
        if regions.get(&from).is_some_and(|r| s.region(r)) && s.time(created) {
            rows.push(vec![
                id,
                from,
                to,
                target,
                status.as_str().to_owned(),
                reason.map(|r| r.as_str().to_owned()).unwrap_or_default(),
                ts(created),
            ]);
        }
    }
    Ok(rows)
}

/// Per organization of the region that took part: invited, registered, attended.
pub fn participation(conn: &mut DbConnection, s: &Scope) -> Result<Rows, ApiError> {
    let mut rows = vec![header(&[
        "organization_id",
        "organization_name",
        "region_code",
        "invited",
        "registered",
        "attended",
    ])];
    let counts = crate::events::model::participation(conn, None, s.from, s.to)?;
    for (id, name, region) in model::organization_names(conn)? {
        if let Some(c) = counts.get(&id).filter(|_| s.region(&region)) {
            rows.push(vec![
                id,
                name,
                region,
                c.invited.to_string(),
                c.registered.to_string(),
                c.attended.to_string(),
            ]);
        }
    }
    Ok(rows)
}

/// Key projects in scope, one row per milestone (one empty-milestone row for a project
/// without milestones); `overdue` as of `day`.
pub fn projects(conn: &mut DbConnection, s: &Scope, day: NaiveDate) -> Result<Rows, ApiError> {
    let mut rows = vec![header(&[
        "project_id",
        "name",
        "owner_organization_id",
        "region_code",
        "category",
        "year",
        "stage",
        "planned_investment_yuan",
        "milestone",
        "due_on",
        "done_on",
        "overdue",
    ])];
    let mut milestones_of = model::milestones_by_project(conn)?;
    for (id, name, owner, region, category, year, stage, money, created) in
        model::project_rows(conn)?
    {
        if !s.holds(&region, created) {
            continue;
        }
        let base = vec![
            id.clone(),
            name,
            owner,
            region,
            category.as_str().to_owned(),
            year.to_string(),
            stage.as_str().to_owned(),
            money.map(|m| m.to_string()).unwrap_or_default(),
        ];
        let milestones = milestones_of.remove(&id).unwrap_or_default();
        if milestones.is_empty() {
            let mut row = base.clone();
            row.extend([String::new(), String::new(), String::new(), String::new()]);
            rows.push(row);
        }
        for (m, due, done) in milestones {
            let mut row = base.clone();
            row.extend([
                m,
                due.to_string(),
                done.map(|d| d.to_string()).unwrap_or_default(),
                overdue(due, done, day).to_string(),
            ]);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// `rows` as CSV: UTF-8 with a byte-order mark.
pub fn encode(rows: Rows) -> Result<Vec<u8>, ApiError> {
    let mut w = ::csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in rows {
        w.write_record(&r).map_err(ApiError::internal)?;
    }
    w.into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))
}

#[cfg(test)]
#[path = "csv_tests.rs"]
mod tests;
