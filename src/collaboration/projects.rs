//! Key projects the bureau tracks from approval to operation, their milestones and the
//! bureau's tracking notes; the periodic pass that raises overdue-milestone notices.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::app::AuthUser;
use crate::app::Locale;
use crate::app::pagination;
use crate::app::text;
use crate::db::DbConnection;
use crate::db::schema::{
    agreements as ag, milestones as ms, project_agreements as pa, project_notes as pn,
    project_partners as pp, projects as p, users as u,
};
use crate::db::types::{new_id, now, utc};
use crate::error::{ApiError, FieldError, Problem};
use crate::notifications::inbox::{Notice, Postman, Recipient};
use crate::notifications::outbox::Topic;
use crate::organizations::{model as orgs, taxonomy};

crate::text_enum! {
    /// Where a key project is, in order.
    pub enum Stage {
        Approved => "approved",
        Construction => "construction",
        TrialProduction => "trial_production",
        Operation => "operation",
    }
}

impl Stage {
    fn rank(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

crate::text_enum! {
    /// What a key project is about.
    pub enum Category {
        RedMudUtilization => "red_mud_utilization",
        RecycledAluminum => "recycled_aluminum",
        Alumina => "alumina",
        DieCasting => "die_casting",
        AluminumProcessing => "aluminum_processing",
        SolidWaste => "solid_waste",
        Other => "other",
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = p)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub owner_organization_id: String,
    pub region_code: String,
    pub category: String,
    pub planned_investment_yuan: Option<i64>,
    pub capacity: Option<String>,
    pub year: i32,
    pub stage: String,
    pub operation_notified_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ms)]
pub struct Milestone {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub stage: Option<String>,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub responsible: Option<String>,
    pub notes: Option<String>,
    pub overdue_notified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Today in the bureau's city: milestones fall due by the local calendar.
pub fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

fn overdue(m: &Milestone, today: NaiveDate) -> bool {
    m.done_on.is_none() && m.due_on < today
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    pub name: String,
    pub owner_organization_id: String,
    #[serde(default)]
    pub partner_organization_ids: Vec<String>,
    pub region_code: String,
    pub category: Category,
    /// Yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub planned_investment: Option<i64>,
    /// Planned capacity as written, e.g. `年产 30 万吨再生铝`.
    pub capacity: Option<String>,
    pub year: i32,
    /// Agreements this project grows from.
    #[serde(default)]
    pub agreement_ids: Vec<String>,
    /// Default `approved`.
    pub stage: Option<Stage>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectChanges {
    pub name: Option<String>,
    pub category: Option<Category>,
    /// Yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub planned_investment: Option<i64>,
    pub capacity: Option<String>,
    pub year: Option<i32>,
    /// Owners and the bureau may move the stage; reaching `operation` tells the bureau.
    pub stage: Option<Stage>,
    pub partner_organization_ids: Option<Vec<String>>,
    pub agreement_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMilestone {
    pub name: String,
    pub due_on: NaiveDate,
    /// The stage this milestone completes (done: the project reaches it).
    pub stage: Option<Stage>,
    pub responsible: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneChanges {
    /// Bureau only.
    pub name: Option<String>,
    /// Bureau only.
    pub due_on: Option<NaiveDate>,
    /// Bureau only.
    pub stage: Option<Stage>,
    pub done_on: Option<NaiveDate>,
    pub responsible: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneView {
    pub id: String,
    pub name: String,
    pub stage: Option<String>,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub responsible: Option<String>,
    pub notes: Option<String>,
    pub overdue: bool,
}

impl MilestoneView {
    fn new(m: Milestone, today: NaiveDate) -> Self {
        MilestoneView {
            overdue: overdue(&m, today),
            id: m.id,
            name: m.name,
            stage: m.stage,
            due_on: m.due_on,
            done_on: m.done_on,
            responsible: m.responsible,
            notes: m.notes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: String,
    pub author_id: Option<String>,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: String,
    pub name: String,
    pub owner_organization_id: String,
    pub partner_organization_ids: Vec<String>,
    pub region_code: String,
    pub category: String,
    pub planned_investment: Option<i64>,
    pub capacity: Option<String>,
    pub year: i32,
    /// `approved`, `construction`, `trial_production` or `operation`.
    pub stage: String,
    pub agreement_ids: Vec<String>,
    pub milestones: Vec<MilestoneView>,
    pub overdue_milestones: usize,
    /// Tracking notes: the bureau's, visible to the bureau only.
    pub notes: Vec<NoteView>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn views(
    conn: &mut DbConnection,
    rows: Vec<Project>,
    bureau: bool,
) -> Result<Vec<ProjectView>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|x| x.id.clone()).collect();
    let mut partners: HashMap<String, Vec<String>> = HashMap::new();
    for (pid, org) in pp::table
        .filter(pp::project_id.eq_any(&ids))
        .select((pp::project_id, pp::organization_id))
        .order(pp::organization_id)
        .load::<(String, String)>(conn)?
    {
        partners.entry(pid).or_default().push(org);
    }
    let mut agreements: HashMap<String, Vec<String>> = HashMap::new();
    for (pid, a) in pa::table
        .filter(pa::project_id.eq_any(&ids))
        .select((pa::project_id, pa::agreement_id))
        .order(pa::agreement_id)
        .load::<(String, String)>(conn)?
    {
        agreements.entry(pid).or_default().push(a);
    }
    let mut milestones: HashMap<String, Vec<Milestone>> = HashMap::new();
    for x in ms::table
        .filter(ms::project_id.eq_any(&ids))
        .select(Milestone::as_select())
        .order((ms::due_on, ms::id))
        .load(conn)?
    {
        milestones.entry(x.project_id.clone()).or_default().push(x);
    }
    let mut notes: HashMap<String, Vec<NoteView>> = HashMap::new();
    if bureau {
        for (id, pid, author, body, at) in pn::table
            .filter(pn::project_id.eq_any(&ids))
            .select((
                pn::id,
                pn::project_id,
                pn::author_id,
                pn::body,
                pn::created_at,
            ))
            .order(pn::id)
            .load::<(String, String, Option<String>, String, NaiveDateTime)>(conn)?
        {
            notes.entry(pid).or_default().push(NoteView {
                id,
                author_id: author,
                body,
                created_at: utc(at),
            });
        }
    }
    let day = today();
    Ok(rows
        .into_iter()
        .map(|x| {
            let mss: Vec<MilestoneView> = milestones
                .remove(&x.id)
                .unwrap_or_default()
                .into_iter()
                .map(|m| MilestoneView::new(m, day))
                .collect();
            ProjectView {
                overdue_milestones: mss.iter().filter(|m| m.overdue).count(),
                milestones: mss,
                partner_organization_ids: partners.remove(&x.id).unwrap_or_default(),
                agreement_ids: agreements.remove(&x.id).unwrap_or_default(),
                notes: notes.remove(&x.id).unwrap_or_default(),
                id: x.id,
                name: x.name,
                owner_organization_id: x.owner_organization_id,
                region_code: x.region_code,
                category: x.category,
                planned_investment: x.planned_investment_yuan,
                capacity: x.capacity,
                year: x.year,
                stage: x.stage,
                created_at: utc(x.created_at),
                updated_at: utc(x.updated_at),
            }
        })
        .collect())
}

fn one(conn: &mut DbConnection, x: Project, bureau: bool) -> Result<ProjectView, ApiError> {
    views(conn, vec![x], bureau)?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("project view lost")))
}

/// Who the caller is to a project: the bureau, an owner member, a partner member, or
/// nobody (404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Party {
    Bureau,
    Owner,
    Partner,
}

fn load(conn: &mut DbConnection, user: &AuthUser, id: &str) -> Result<(Project, Party), ApiError> {
    let x = p::table
        .find(id)
        .select(Project::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    if user.is_bureau() {
        return Ok((x, Party::Bureau));
    }
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    if mine.contains(&x.owner_organization_id) {
        return Ok((x, Party::Owner));
    }
    let partner: i64 = pp::table
        .filter(pp::project_id.eq(&x.id))
        .filter(pp::organization_id.eq_any(&mine))
        .count()
        .get_result(conn)?;
    if partner > 0 {
        Ok((x, Party::Partner))
    } else {
        Err(ApiError::NotFound)
    }
}

/// Partners: existing organizations other than the owner.
fn check_partners(
    conn: &mut DbConnection,
    field: &str,
    ids: &[String],
    owner: &str,
    errors: &mut Vec<FieldError>,
) -> QueryResult<()> {
    for (n, id) in ids.iter().enumerate() {
        if id == owner {
            errors.push(FieldError::new(
                format!("{field}[{n}]"),
                "owner_is_partner",
                "the owner is not its own partner",
            ));
        } else if orgs::find(conn, id)?.is_none() {
            errors.push(FieldError::new(
                format!("{field}[{n}]"),
                "organization_unknown",
                "no such organization",
            ));
        }
    }
    Ok(())
}

fn check_agreements(
    conn: &mut DbConnection,
    ids: &[String],
    errors: &mut Vec<FieldError>,
) -> QueryResult<()> {
    for (n, id) in ids.iter().enumerate() {
        let found: i64 = ag::table.filter(ag::id.eq(id)).count().get_result(conn)?;
        if found == 0 {
            errors.push(FieldError::new(
                format!("agreement_ids[{n}]"),
                "agreement_unknown",
                "no such agreement",
            ));
        }
    }
    Ok(())
}

fn set_links(
    conn: &mut DbConnection,
    id: &str,
    partners: Option<&[String]>,
    agreements: Option<&[String]>,
) -> QueryResult<()> {
    if let Some(list) = partners {
        diesel::delete(pp::table.filter(pp::project_id.eq(id))).execute(conn)?;
        for org in crate::extract::distinct(list) {
            diesel::insert_into(pp::table)
                .values((pp::project_id.eq(id), pp::organization_id.eq(org)))
                .execute(conn)?;
        }
    }
    if let Some(list) = agreements {
        diesel::delete(pa::table.filter(pa::project_id.eq(id))).execute(conn)?;
        for a in crate::extract::distinct(list) {
            diesel::insert_into(pa::table)
                .values((pa::project_id.eq(id), pa::agreement_id.eq(a)))
                .execute(conn)?;
        }
    }
    Ok(())
}

fn check_year(y: i32, errors: &mut Vec<FieldError>) {
    if !(2000..=2100).contains(&y) {
        errors.push(FieldError::new(
            "year",
            "out_of_range",
            "a year between 2000 and 2100",
        ));
    }
}

/// Register a key project (bureau).
#[utoipa::path(post, path = "/api/v1/projects", tag = "oversight", security(("bearer" = [])), request_body = NewProject,
    responses((status = 201, body = ProjectView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: crate::extract::ApiJson<NewProject>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let b = body.0;
    let v = state
        .db
        .write(move |conn| {
            let mut errors = Vec::new();
            let name = text::required("name", &b.name, 200, &mut errors);
            let capacity = b
                .capacity
                .as_deref()
                .map(|c| text::required("capacity", c, 200, &mut errors));
            crate::money::check_yuan("planned_investment", b.planned_investment, &mut errors);
            check_year(b.year, &mut errors);
            if orgs::find(conn, &b.owner_organization_id)?.is_none() {
                errors.push(FieldError::new(
                    "owner_organization_id",
                    "organization_unknown",
                    "no such organization",
                ));
            }
            check_partners(
                conn,
                "partner_organization_ids",
                &b.partner_organization_ids,
                &b.owner_organization_id,
                &mut errors,
            )?;
            check_agreements(conn, &b.agreement_ids, &mut errors)?;
            if !taxonomy::region_exists(conn, &b.region_code)? {
                errors.push(FieldError::new(
                    "region_code",
                    "region_unknown",
                    "not a region code from /api/v1/regions",
                ));
            }
            ApiError::fields(errors)?;
            let t = now();
            let x = Project {
                id: new_id(),
                name,
                owner_organization_id: b.owner_organization_id,
                region_code: b.region_code,
                category: b.category.as_str().to_owned(),
                planned_investment_yuan: b.planned_investment,
                capacity,
                year: b.year,
                stage: b.stage.unwrap_or(Stage::Approved).as_str().to_owned(),
                operation_notified_at: None,
                created_by: Some(user.id.clone()),
                created_at: t,
                updated_at: t,
            };
            diesel::insert_into(p::table).values(&x).execute(conn)?;
            set_links(
                conn,
                &x.id,
                Some(&b.partner_organization_ids),
                Some(&b.agreement_ids),
            )?;
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "project_created",
                "project",
                &x.id,
                None,
            )?;
            one(conn, x, true)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/projects/{}", v.id)))
        .json(v))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProjectQuery {
    /// A region code; its subtree is included.
    pub region: Option<String>,
    pub category: Option<Category>,
    pub year: Option<i32>,
    /// The stage.
    pub status: Option<Stage>,
    /// Only projects with (`true`) or without (`false`) overdue milestones.
    pub overdue: Option<bool>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Key projects: the bureau sees all, organizations the ones they own or partner in.
#[utoipa::path(get, path = "/api/v1/projects", tag = "oversight", security(("bearer" = [])), params(ProjectQuery),
    responses((status = 200, body = pagination::Page<ProjectView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ProjectQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    let page = state
        .db
        .run(move |conn| {
            let mut query = p::table
                .select(Project::as_select())
                .order(p::id.desc())
                .limit(limit + 1)
                .into_boxed();
            if !user.is_bureau() {
                let mine = orgs::organization_ids_of(conn, &user.id)?;
                let partnered: Vec<String> = pp::table
                    .filter(pp::organization_id.eq_any(&mine))
                    .select(pp::project_id)
                    .load(conn)?;
                query = query.filter(
                    p::owner_organization_id
                        .eq_any(mine)
                        .or(p::id.eq_any(partnered)),
                );
            }
            if let Some(r) = &q.region {
                query = query.filter(p::region_code.eq_any(taxonomy::region_subtree(conn, r)?));
            }
            if let Some(c) = q.category {
                query = query.filter(p::category.eq(c.as_str()));
            }
            if let Some(y) = q.year {
                query = query.filter(p::year.eq(y));
            }
            if let Some(s) = q.status {
                query = query.filter(p::stage.eq(s.as_str()));
            }
            if let Some(over) = q.overdue {
                let late = ms::table
                    .filter(ms::done_on.is_null())
                    .filter(ms::due_on.lt(today()))
                    .select(ms::project_id);
                query = if over {
                    query.filter(p::id.eq_any(late))
                } else {
                    query.filter(p::id.ne_all(late))
                };
            }
            if let Some(b) = before {
                query = query.filter(p::id.lt(b));
            }
            let rows: Vec<Project> = query.load(conn)?;
            pagination::try_page(
                rows,
                limit,
                |x| x.id.clone(),
                |rows| views(conn, rows, user.is_bureau()),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One key project with its milestones.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let v = state
        .db
        .run(move |conn| {
            let (x, party) = load(conn, &user, &id)?;
            one(conn, x, party == Party::Bureau)
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Tell every bureau administrator, once per `key`.
fn tell_bureau(
    conn: &mut DbConnection,
    postman: &Postman,
    key: &str,
    x: &Project,
    what: &str,
) -> QueryResult<()> {
    let admins: Vec<(String, String, String, String)> = u::table
        .filter(u::role.eq("bureau_admin"))
        .filter(u::disabled_at.is_null())
        .select((u::id, u::email, u::display_name, u::locale))
        .load(conn)?;
    let link = format!("{}/projects/{}", postman.public_url(), x.id);
    let mut notices = Vec::new();
    for (id, email, name, locale) in admins {
        let locale: Locale = locale.parse().unwrap_or(Locale::ZhCn);
        let (subject, summary) = match (locale, what.split_once(':')) {
            (Locale::ZhCn, Some(("overdue", m))) => (
                format!("重点项目节点逾期：{}", x.name),
                format!("重点项目「{}」的节点「{m}」已逾期未完成。", x.name),
            ),
            (Locale::ZhCn, _) => (
                format!("重点项目已投产：{}", x.name),
                format!("重点项目「{}」已进入投产运营阶段。", x.name),
            ),
            (Locale::En, Some(("overdue", m))) => (
                format!("Milestone overdue: {}", x.name),
                format!(
                    "The milestone \"{m}\" of key project \"{}\" is overdue.",
                    x.name
                ),
            ),
            (Locale::En, _) => (
                format!("Project in operation: {}", x.name),
                format!("Key project \"{}\" has reached operation.", x.name),
            ),
        };
        let label = match locale {
            Locale::ZhCn => "查看项目",
            Locale::En => "View project",
        };
        notices.push(Notice::simple(
            format!("{key}:{id}"),
            Recipient {
                user_id: id,
                email,
                display_name: name,
                locale,
            },
            Topic::Collaboration,
            (subject, summary),
            (label, link.clone()),
        ));
    }
    postman.deliver_all(conn, notices)?;
    Ok(())
}

/// Move a project to `stage` if that is further along; reaching operation tells the
/// bureau, once.
fn advance(
    conn: &mut DbConnection,
    postman: &Postman,
    x: &mut Project,
    stage: Stage,
    backwards: bool,
) -> QueryResult<()> {
    let current: Stage = x.stage.parse().unwrap_or(Stage::Approved);
    if stage == current || (!backwards && stage.rank() < current.rank()) {
        return Ok(());
    }
    let t = now();
    x.stage = stage.as_str().to_owned();
    x.updated_at = t;
    diesel::update(p::table.find(&x.id))
        .set((p::stage.eq(&x.stage), p::updated_at.eq(t)))
        .execute(conn)?;
    if stage == Stage::Operation && x.operation_notified_at.is_none() {
        tell_bureau(
            conn,
            postman,
            &format!("project:{}:operation", x.id),
            x,
            "operation",
        )?;
        x.operation_notified_at = Some(t);
        diesel::update(p::table.find(&x.id))
            .set(p::operation_notified_at.eq(Some(t)))
            .execute(conn)?;
    }
    Ok(())
}

/// Change a project: the bureau anything, owners the stage only.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "oversight", security(("bearer" = [])), request_body = ProjectChanges,
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = ProjectView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<ProjectChanges>,
) -> Result<HttpResponse, ApiError> {
    let (id, c) = (id.into_inner(), body.0);
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let (mut x, party) = load(conn, &user, &id)?;
            let only_stage = c.name.is_none()
                && c.category.is_none()
                && c.planned_investment.is_none()
                && c.capacity.is_none()
                && c.year.is_none()
                && c.partner_organization_ids.is_none()
                && c.agreement_ids.is_none();
            match party {
                Party::Bureau => {}
                Party::Owner if only_stage => {}
                _ => {
                    return Err(ApiError::forbidden(
                        "owners move the stage; the bureau edits the rest",
                    ));
                }
            }
            let mut errors = Vec::new();
            if let Some(n) = &c.name {
                x.name = text::required("name", n, 200, &mut errors);
            }
            if let Some(cap) = &c.capacity {
                x.capacity = Some(text::required("capacity", cap, 200, &mut errors));
            }
            if let Some(cat) = c.category {
                x.category = cat.as_str().to_owned();
            }
            if let Some(v) = c.planned_investment {
                crate::money::check_yuan("planned_investment", Some(v), &mut errors);
                x.planned_investment_yuan = Some(v);
            }
            if let Some(y) = c.year {
                check_year(y, &mut errors);
                x.year = y;
            }
            if let Some(list) = &c.partner_organization_ids {
                check_partners(
                    conn,
                    "partner_organization_ids",
                    list,
                    &x.owner_organization_id,
                    &mut errors,
                )?;
            }
            if let Some(list) = &c.agreement_ids {
                check_agreements(conn, list, &mut errors)?;
            }
            ApiError::fields(errors)?;
            x.updated_at = now();
            diesel::update(p::table.find(&x.id))
                .set((
                    p::name.eq(&x.name),
                    p::capacity.eq(&x.capacity),
                    p::category.eq(&x.category),
                    p::planned_investment_yuan.eq(x.planned_investment_yuan),
                    p::year.eq(x.year),
                    p::updated_at.eq(x.updated_at),
                ))
                .execute(conn)?;
            set_links(
                conn,
                &x.id,
                c.partner_organization_ids.as_deref(),
                c.agreement_ids.as_deref(),
            )?;
            if let Some(s) = c.stage {
                advance(conn, &postman, &mut x, s, true)?;
            }
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "project_updated",
                "project",
                &x.id,
                None,
            )?;
            one(conn, x, party == Party::Bureau)
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// A project's milestones, by due date.
#[utoipa::path(get, path = "/api/v1/projects/{id}/milestones", tag = "oversight", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Vec<MilestoneView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn list_milestones(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let v = state
        .db
        .run(move |conn| {
            let (x, _) = load(conn, &user, &id)?;
            let day = today();
            Ok(ms::table
                .filter(ms::project_id.eq(&x.id))
                .select(Milestone::as_select())
                .order((ms::due_on, ms::id))
                .load(conn)?
                .into_iter()
                .map(|m| MilestoneView::new(m, day))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Add a milestone (bureau).
#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "oversight", security(("bearer" = [])), request_body = NewMilestone,
    params(("id" = String, Path, description = "Project id")),
    responses((status = 201, body = MilestoneView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_milestone(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<NewMilestone>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (id, b) = (id.into_inner(), body.0);
    let v = state
        .db
        .write(move |conn| {
            let (x, _) = load(conn, &user, &id)?;
            let mut errors = Vec::new();
            let name = text::required("name", &b.name, 200, &mut errors);
            let responsible = b
                .responsible
                .as_deref()
                .map(|r| text::required("responsible", r, 200, &mut errors));
            let notes = b
                .notes
                .as_deref()
                .map(|r| text::required("notes", r, 2000, &mut errors));
            ApiError::fields(errors)?;
            let t = now();
            let m = Milestone {
                id: new_id(),
                project_id: x.id,
                name,
                stage: b.stage.map(|s| s.as_str().to_owned()),
                due_on: b.due_on,
                done_on: None,
                responsible,
                notes,
                overdue_notified_at: None,
                created_at: t,
                updated_at: t,
            };
            diesel::insert_into(ms::table).values(&m).execute(conn)?;
            Ok(MilestoneView::new(m, today()))
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Record progress on a milestone: owners set `done_on`, `responsible`, `notes`; the
/// bureau also `name`, `due_on`, `stage`. Completing a milestone that carries a stage moves
/// the project to it.
#[utoipa::path(patch, path = "/api/v1/projects/{id}/milestones/{milestone_id}", tag = "oversight", security(("bearer" = [])), request_body = MilestoneChanges,
    params(("id" = String, Path, description = "Project id"), ("milestone_id" = String, Path, description = "Milestone id")),
    responses((status = 200, body = MilestoneView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_milestone(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
    body: crate::extract::ApiJson<MilestoneChanges>,
) -> Result<HttpResponse, ApiError> {
    let ((id, mid), c) = (path.into_inner(), body.0);
    let postman = state.postman.clone();
    let v = state
        .db
        .write(move |conn| {
            let (mut x, party) = load(conn, &user, &id)?;
            if party == Party::Partner {
                return Err(ApiError::forbidden(
                    "the owner organization and the bureau record progress",
                ));
            }
            if party == Party::Owner
                && (c.name.is_some() || c.due_on.is_some() || c.stage.is_some())
            {
                return Err(ApiError::forbidden(
                    "only the bureau changes a milestone's name, due date or stage",
                ));
            }
            let mut m = ms::table
                .find(&mid)
                .filter(ms::project_id.eq(&x.id))
                .select(Milestone::as_select())
                .first(conn)
                .optional()?
                .ok_or(ApiError::NotFound)?;
            let mut errors = Vec::new();
            if let Some(n) = &c.name {
                m.name = text::required("name", n, 200, &mut errors);
            }
            if let Some(r) = &c.responsible {
                m.responsible = Some(text::required("responsible", r, 200, &mut errors));
            }
            if let Some(n) = &c.notes {
                m.notes = Some(text::required("notes", n, 2000, &mut errors));
            }
            if c.done_on.is_some_and(|d| d > today()) {
                errors.push(FieldError::new(
                    "done_on",
                    "in_future",
                    "a milestone is done on a past or present day",
                ));
            }
            ApiError::fields(errors)?;
            if let Some(d) = c.due_on {
                m.due_on = d;
            }
            if let Some(s) = c.stage {
                m.stage = Some(s.as_str().to_owned());
            }
            let completed = c.done_on.is_some() && m.done_on.is_none();
            if c.done_on.is_some() {
                m.done_on = c.done_on;
            }
            m.updated_at = now();
            diesel::update(ms::table.find(&m.id))
                .set((
                    ms::name.eq(&m.name),
                    ms::stage.eq(&m.stage),
                    ms::due_on.eq(m.due_on),
                    ms::done_on.eq(m.done_on),
                    ms::responsible.eq(&m.responsible),
                    ms::notes.eq(&m.notes),
                    ms::updated_at.eq(m.updated_at),
                ))
                .execute(conn)?;
            if completed && let Some(stage) = m.stage.as_deref().and_then(|s| s.parse().ok()) {
                advance(conn, &postman, &mut x, stage, false)?;
            }
            Ok(MilestoneView::new(m, today()))
        })
        .await?;
    state.mail_wake.notify_one();
    Ok(HttpResponse::Ok().json(v))
}

/// Add a tracking note (bureau).
#[utoipa::path(post, path = "/api/v1/projects/{id}/notes", tag = "oversight", security(("bearer" = [])), request_body = NewNote,
    params(("id" = String, Path, description = "Project id")),
    responses((status = 201, body = NoteView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_note(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: crate::extract::ApiJson<NewNote>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let (id, b) = (id.into_inner(), body.0);
    let v = state
        .db
        .write(move |conn| {
            let (x, _) = load(conn, &user, &id)?;
            let mut errors = Vec::new();
            let text = text::required("body", &b.body, 5000, &mut errors);
            ApiError::fields(errors)?;
            let note = NoteView {
                id: new_id(),
                author_id: Some(user.id.clone()),
                body: text,
                created_at: utc(now()),
            };
            diesel::insert_into(pn::table)
                .values((
                    pn::id.eq(&note.id),
                    pn::project_id.eq(&x.id),
                    pn::author_id.eq(&note.author_id),
                    pn::body.eq(&note.body),
                    pn::created_at.eq(note.created_at.naive_utc()),
                ))
                .execute(conn)?;
            Ok(note)
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Raise one notice to the bureau for each milestone that has become overdue (once:
/// `overdue_notified_at` is set in the same transaction). Returns how many.
pub fn notify_overdue(
    conn: &mut DbConnection,
    postman: &Postman,
    day: NaiveDate,
) -> anyhow::Result<usize> {
    let late: Vec<Milestone> = ms::table
        .filter(ms::done_on.is_null())
        .filter(ms::due_on.lt(day))
        .filter(ms::overdue_notified_at.is_null())
        .select(Milestone::as_select())
        .load(conn)?;
    let mut n = 0;
    for m in late {
        crate::db::write_tx(conn, |conn| -> anyhow::Result<()> {
            let Some(x) = p::table
                .find(&m.project_id)
                .select(Project::as_select())
                .first(conn)
                .optional()?
            else {
                return Ok(());
            };
            tell_bureau(
                conn,
                postman,
                &format!("milestone:{}:overdue", m.id),
                &x,
                &format!("overdue:{}", m.name),
            )?;
            diesel::update(ms::table.find(&m.id))
                .set(ms::overdue_notified_at.eq(Some(now())))
                .execute(conn)?;
            Ok(())
        })?;
        n += 1;
    }
    Ok(n)
}
