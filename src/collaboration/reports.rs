//! The bureau's reports: one overview with every count it works from, and CSV exports
//! (UTF-8 with a byte-order mark, so spreadsheet programs read Chinese correctly).
//!
//! Filters: `region` (a region code; its subtree is included) and `from`/`to` (creation
//! time, or for events their start). Reports are the bureau's alone.

#![expect(
    clippy::type_complexity,
    reason = "each report reads rows as tuples of exactly the columns it selects"
)]

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::app::AuthUser;
use crate::db::DbConnection;
use crate::db::schema::{
    agreements as ag, event_invitations as ei, event_registrations as er, events as e,
    interests as i, listing_fields as lf, listings as l, milestones as ms, organizations as o,
    projects as p,
};
use crate::error::{ApiError, Problem};
use crate::organizations::taxonomy;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// A region code; its subtree is included.
    pub region: Option<String>,
    /// Created (events: starting) at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Created (events: starting) before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// The resolved filter.
struct Scope {
    regions: Option<Vec<String>>,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
}

impl Scope {
    fn new(conn: &mut DbConnection, q: &ReportQuery) -> Result<Scope, ApiError> {
        let regions = match &q.region {
            Some(r) => {
                if !taxonomy::region_exists(conn, r)? {
                    return Err(ApiError::field(
                        "region",
                        "region_unknown",
                        "not a region code from /api/v1/regions",
                    ));
                }
                Some(taxonomy::region_subtree(conn, r)?)
            }
            None => None,
        };
        Ok(Scope {
            regions,
            from: q.from.map(|t| t.naive_utc()),
            to: q.to.map(|t| t.naive_utc()),
        })
    }

    fn time(&self, t: NaiveDateTime) -> bool {
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|x| t < x)
    }

    fn region(&self, r: &str) -> bool {
        self.regions
            .as_ref()
            .is_none_or(|rs| rs.iter().any(|x| x == r))
    }
}

type Counts = BTreeMap<String, i64>;

fn bump(map: &mut Counts, key: &str) {
    *map.entry(key.to_owned()).or_default() += 1;
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct OrganizationCounts {
    pub total: i64,
    pub by_kind: Counts,
    pub by_region: Counts,
    pub by_status: Counts,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ListingCounts {
    pub total: i64,
    pub by_status: Counts,
    /// Per technology field code (a listing counts once per field it names).
    pub by_field: Counts,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct InterestCounts {
    pub sent: i64,
    pub open: i64,
    pub accepted: i64,
    pub declined: i64,
    pub withdrawn: i64,
    pub decline_reasons: Counts,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AgreementCounts {
    pub total: i64,
    pub by_mode: Counts,
    pub total_value_yuan: i64,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct EventCounts {
    pub total: i64,
    pub by_status: Counts,
    pub invitations: i64,
    pub registrations_confirmed: i64,
    pub registrations_waitlisted: i64,
    pub attended: i64,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ProjectCounts {
    pub total: i64,
    pub by_stage: Counts,
    pub by_category: Counts,
    pub overdue_milestones: i64,
    pub projects_with_overdue: i64,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Overview {
    pub organizations: OrganizationCounts,
    pub needs: ListingCounts,
    pub capabilities: ListingCounts,
    pub interests: InterestCounts,
    pub agreements: AgreementCounts,
    pub events: EventCounts,
    pub projects: ProjectCounts,
}

/// Organizations in scope: id -> (kind, region, status, created).
fn org_rows(
    conn: &mut DbConnection,
) -> QueryResult<Vec<(String, String, String, String, NaiveDateTime)>> {
    o::table
        .select((o::id, o::kind, o::region_code, o::status, o::created_at))
        .order(o::id)
        .load(conn)
}

fn overview(conn: &mut DbConnection, s: &Scope) -> Result<Overview, ApiError> {
    let mut out = Overview::default();
    let orgs = org_rows(conn)?;
    let in_region: std::collections::HashSet<String> = orgs
        .iter()
        .filter(|x| s.region(&x.2))
        .map(|x| x.0.clone())
        .collect();
    for (_, kind, region, status, created) in &orgs {
        if s.region(region) && s.time(*created) {
            out.organizations.total += 1;
            bump(&mut out.organizations.by_kind, kind);
            bump(&mut out.organizations.by_region, region);
            bump(&mut out.organizations.by_status, status);
        }
    }
    let listings: Vec<(String, String, String, String, NaiveDateTime)> = l::table
        .select((l::id, l::side, l::region_code, l::status, l::created_at))
        .load(conn)?;
    let fields: Vec<(String, String)> = lf::table
        .select((lf::listing_id, lf::field_code))
        .load(conn)?;
    let mut fields_of: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (id, f) in fields {
        fields_of.entry(id).or_default().push(f);
    }
    for (id, side, region, status, created) in &listings {
        if !(s.region(region) && s.time(*created)) {
            continue;
        }
        let c = if side == "need" {
            &mut out.needs
        } else {
            &mut out.capabilities
        };
        c.total += 1;
        bump(&mut c.by_status, status);
        for f in fields_of.get(id).into_iter().flatten() {
            bump(&mut c.by_field, f);
        }
    }
    let interests: Vec<(String, String, Option<String>, NaiveDateTime)> = i::table
        .select((
            i::from_organization_id,
            i::status,
            i::decline_reason,
            i::created_at,
        ))
        .load(conn)?;
    for (from, status, reason, created) in &interests {
        if !(in_region.contains(from) && s.time(*created)) {
            continue;
        }
        let c = &mut out.interests;
        c.sent += 1;
        match status.as_str() {
            "open" => c.open += 1,
            "accepted" => c.accepted += 1,
            "declined" => c.declined += 1,
            _ => c.withdrawn += 1,
        }
        if let Some(r) = reason {
            bump(&mut c.decline_reasons, r);
        }
    }
    let agreements: Vec<(String, String, Option<i64>, NaiveDateTime)> = ag::table
        .select((
            ag::need_organization_id,
            ag::cooperation_mode,
            ag::value_yuan,
            ag::created_at,
        ))
        .load(conn)?;
    let mut values = Vec::new();
    for (org, mode, value, created) in &agreements {
        if in_region.contains(org) && s.time(*created) {
            out.agreements.total += 1;
            bump(&mut out.agreements.by_mode, mode);
            values.push(value.unwrap_or(0));
        }
    }
    out.agreements.total_value_yuan = crate::money::total(values)?;
    let events: Vec<(String, String, NaiveDateTime)> = e::table
        .select((e::id, e::status, e::starts_at))
        .load(conn)?;
    let in_time: std::collections::HashSet<String> = events
        .iter()
        .filter(|x| s.time(x.2))
        .map(|x| x.0.clone())
        .collect();
    for (_, status, _) in events.iter().filter(|x| in_time.contains(&x.0)) {
        out.events.total += 1;
        bump(&mut out.events.by_status, status);
    }
    for (ev, org) in ei::table
        .select((ei::event_id, ei::organization_id))
        .load::<(String, String)>(conn)?
    {
        if in_time.contains(&ev) && in_region.contains(&org) {
            out.events.invitations += 1;
        }
    }
    for (ev, org, status, attended) in er::table
        .select((er::event_id, er::organization_id, er::status, er::attended))
        .load::<(String, String, String, bool)>(conn)?
    {
        if !(in_time.contains(&ev) && in_region.contains(&org)) {
            continue;
        }
        match status.as_str() {
            "confirmed" => out.events.registrations_confirmed += 1,
            "waitlisted" => out.events.registrations_waitlisted += 1,
            _ => {}
        }
        if attended && status != "cancelled" {
            out.events.attended += 1;
        }
    }
    let day = super::projects::today();
    let projects: Vec<(String, String, String, String, NaiveDateTime)> = p::table
        .select((p::id, p::region_code, p::stage, p::category, p::created_at))
        .load(conn)?;
    let mut late: std::collections::HashMap<String, i64> = Default::default();
    for project in ms::table
        .filter(ms::done_on.is_null())
        .filter(ms::due_on.lt(day))
        .select(ms::project_id)
        .load::<String>(conn)?
    {
        *late.entry(project).or_default() += 1;
    }
    for (id, region, stage, category, created) in &projects {
        if !(s.region(region) && s.time(*created)) {
            continue;
        }
        let c = &mut out.projects;
        c.total += 1;
        bump(&mut c.by_stage, stage);
        bump(&mut c.by_category, category);
        let n = late.get(id).copied().unwrap_or(0);
        c.overdue_milestones += n;
        c.projects_with_overdue += i64::from(n > 0);
    }
    Ok(out)
}

/// Every count the bureau works from, filtered by region and time.
#[utoipa::path(get, path = "/api/v1/reports/overview", tag = "oversight", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, body = Overview), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn get_overview(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let q = query.into_inner();
    let v = state
        .db
        .run(move |conn| {
            let s = Scope::new(conn, &q)?;
            overview(conn, &s)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

crate::text_enum! {
    /// The CSV exports.
    pub enum Export {
        Organizations => "organizations",
        Needs => "needs",
        Capabilities => "capabilities",
        Interests => "interests",
        Participation => "participation",
        Projects => "projects",
    }
}

fn ts(t: NaiveDateTime) -> String {
    DateTime::<Utc>::from_naive_utc_and_offset(t, Utc).to_rfc3339()
}

fn csv_rows(
    conn: &mut DbConnection,
    s: &Scope,
    what: Export,
) -> Result<Vec<Vec<String>>, ApiError> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    match what {
        Export::Organizations => {
            rows.push(
                [
                    "id",
                    "kind",
                    "name",
                    "name_en",
                    "uscc",
                    "region_code",
                    "status",
                    "is_leading",
                    "created_at",
                ]
                .map(String::from)
                .to_vec(),
            );
            let list: Vec<(
                String,
                String,
                String,
                Option<String>,
                Option<String>,
                String,
                String,
                bool,
                NaiveDateTime,
            )> = o::table
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
                .load(conn)?;
            for (id, kind, name, en, uscc, region, status, leading, created) in list {
                if s.region(&region) && s.time(created) {
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
        }
        Export::Needs | Export::Capabilities => {
            let side = if what == Export::Needs {
                "need"
            } else {
                "capability"
            };
            rows.push(
                [
                    "id",
                    "organization_id",
                    "title",
                    "status",
                    "region_code",
                    "trl",
                    "language",
                    "created_at",
                ]
                .map(String::from)
                .to_vec(),
            );
            let list: Vec<(
                String,
                String,
                String,
                String,
                String,
                Option<i32>,
                String,
                NaiveDateTime,
            )> = l::table
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
                .load(conn)?;
            for (id, org, title, status, region, trl, lang, created) in list {
                if s.region(&region) && s.time(created) {
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
        }
        Export::Interests => {
            rows.push(
                [
                    "id",
                    "from_organization_id",
                    "to_organization_id",
                    "target_listing_id",
                    "status",
                    "decline_reason",
                    "created_at",
                ]
                .map(String::from)
                .to_vec(),
            );
            let regions: std::collections::HashMap<String, String> =
                org_rows(conn)?.into_iter().map(|x| (x.0, x.2)).collect();
            let list: Vec<(
                String,
                String,
                String,
                String,
                String,
                Option<String>,
                NaiveDateTime,
            )> = i::table
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
                .load(conn)?;
            for (id, from, to, target, status, reason, created) in list {
                if regions.get(&from).is_some_and(|r| s.region(r)) && s.time(created) {
                    rows.push(vec![
                        id,
                        from,
                        to,
                        target,
                        status,
                        reason.unwrap_or_default(),
                        ts(created),
                    ]);
                }
            }
        }
        Export::Participation => {
            rows.push(
                [
                    "organization_id",
                    "organization_name",
                    "region_code",
                    "invited",
                    "registered",
                    "attended",
                ]
                .map(String::from)
                .to_vec(),
            );
            let counts = crate::events::model::participation(conn, None, s.from, s.to)?;
            let orgs: Vec<(String, String, String)> = o::table
                .select((o::id, o::name, o::region_code))
                .order(o::id)
                .load(conn)?;
            for (id, name, region) in orgs {
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
        }
        Export::Projects => {
            rows.push(
                [
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
                ]
                .map(String::from)
                .to_vec(),
            );
            let day = super::projects::today();
            let list: Vec<(
                String,
                String,
                String,
                String,
                String,
                i32,
                String,
                Option<i64>,
                NaiveDateTime,
            )> = p::table
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
                .load(conn)?;
            let mut milestones_of: std::collections::HashMap<
                String,
                Vec<(String, chrono::NaiveDate, Option<chrono::NaiveDate>)>,
            > = Default::default();
            for (project, m, due, done) in ms::table
                .select((ms::project_id, ms::name, ms::due_on, ms::done_on))
                .order((ms::due_on, ms::id))
                .load::<(String, String, chrono::NaiveDate, Option<chrono::NaiveDate>)>(conn)?
            {
                milestones_of
                    .entry(project)
                    .or_default()
                    .push((m, due, done));
            }
            for (id, name, owner, region, category, year, stage, money, created) in list {
                if !(s.region(&region) && s.time(created)) {
                    continue;
                }
                let base = vec![
                    id.clone(),
                    name,
                    owner,
                    region,
                    category,
                    year.to_string(),
                    stage,
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
                    let late = done.is_none() && due < day;
                    row.extend([
                        m,
                        due.to_string(),
                        done.map(|d| d.to_string()).unwrap_or_default(),
                        late.to_string(),
                    ]);
                    rows.push(row);
                }
            }
        }
    }
    Ok(rows)
}

/// A CSV export: `organizations`, `needs`, `capabilities`, `interests`, `participation`
/// (per organization) or `projects` (one row per milestone). UTF-8 with a BOM.
#[utoipa::path(get, path = "/api/v1/reports/{name}.csv", tag = "oversight", security(("bearer" = [])),
    params(("name" = Export, Path, description = "Which export"), ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    name: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let what: Export = name.into_inner().parse().map_err(|_| ApiError::NotFound)?;
    let q = query.into_inner();
    let rows = state
        .db
        .run(move |conn| {
            let s = Scope::new(conn, &q)?;
            csv_rows(conn, &s, what)
        })
        .await?;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    for r in rows {
        w.write_record(&r).map_err(ApiError::internal)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.csv\"", what.as_str()),
        ))
        .body(body))
}
