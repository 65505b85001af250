//! Key projects, their partners, agreements, milestones and notes in the database.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::{Category, Stage};
use crate::db::DbConnection;
use crate::db::ids::{AgreementId, MilestoneId, NoteId, OrganizationId, ProjectId, UserId};
use crate::db::schema::{
    milestones as ms, project_agreements as pa, project_notes as pn, project_partners as pp,
    projects as p,
};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = p)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub owner_organization_id: OrganizationId,
    pub region_code: String,
    pub category: Category,
    pub planned_investment_yuan: Option<i64>,
    pub capacity: Option<String>,
    pub year: i32,
    pub stage: Stage,
    pub operation_notified_at: Option<NaiveDateTime>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ms)]
pub struct Milestone {
    pub id: MilestoneId,
    pub project_id: ProjectId,
    pub name: String,
    pub stage: Option<Stage>,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub responsible: Option<String>,
    pub notes: Option<String>,
    pub overdue_notified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A tracking note as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pn)]
pub struct Note {
    pub id: NoteId,
    pub project_id: ProjectId,
    pub author_id: Option<UserId>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

/// The overdue rule of `domain::overdue` as SQL, for filters: not done, due before `day`.
#[diesel::dsl::auto_type]
pub fn overdue_on(day: NaiveDate) -> _ {
    ms::done_on.is_null().and(ms::due_on.lt(day))
}

pub fn find(conn: &mut DbConnection, id: &ProjectId) -> QueryResult<Option<Project>> {
    p::table
        .find(id)
        .select(Project::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, x: &Project) -> QueryResult<()> {
    diesel::insert_into(p::table).values(x).execute(conn)?;
    Ok(())
}

/// Store what the bureau edits (not the stage).
pub fn save(conn: &mut DbConnection, x: &Project) -> QueryResult<()> {
    diesel::update(p::table.find(&x.id))
        .set((
            p::name.eq(&x.name),
            p::capacity.eq(&x.capacity),
            p::category.eq(x.category),
            p::planned_investment_yuan.eq(x.planned_investment_yuan),
            p::year.eq(x.year),
            p::updated_at.eq(x.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn save_stage(conn: &mut DbConnection, x: &Project) -> QueryResult<()> {
    diesel::update(p::table.find(&x.id))
        .set((
            p::stage.eq(x.stage),
            p::updated_at.eq(x.updated_at),
            p::operation_notified_at.eq(x.operation_notified_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether any of `orgs` is a partner in project `id`.
pub fn has_partner(
    conn: &mut DbConnection,
    id: &ProjectId,
    orgs: &[OrganizationId],
) -> QueryResult<bool> {
    let n: i64 = pp::table
        .filter(pp::project_id.eq(id))
        .filter(pp::organization_id.eq_any(orgs))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The project list's filter.
#[derive(Default)]
pub struct ProjectFilter {
    /// Only projects these organizations own or partner in; `None`: all.
    pub organizations: Option<Vec<OrganizationId>>,
    pub regions: Option<Vec<String>>,
    pub category: Option<Category>,
    pub year: Option<i32>,
    pub stage: Option<Stage>,
    /// With (`true`) or without (`false`) milestones overdue on the day.
    pub overdue: Option<(bool, NaiveDate)>,
    pub before: Option<ProjectId>,
}

/// Projects newest first, at most `limit`.
pub fn list(conn: &mut DbConnection, f: &ProjectFilter, limit: i64) -> QueryResult<Vec<Project>> {
    let mut query = p::table
        .select(Project::as_select())
        .order(p::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(mine) = &f.organizations {
        let partnered: Vec<ProjectId> = pp::table
            .filter(pp::organization_id.eq_any(mine))
            .select(pp::project_id)
            .load(conn)?;
        query = query.filter(
            p::owner_organization_id
                .eq_any(mine.clone())
                .or(p::id.eq_any(partnered)),
        );
    }
    if let Some(r) = &f.regions {
        query = query.filter(p::region_code.eq_any(r.clone()));
    }
    if let Some(c) = f.category {
        query = query.filter(p::category.eq(c));
    }
    if let Some(y) = f.year {
        query = query.filter(p::year.eq(y));
    }
    if let Some(s) = f.stage {
        query = query.filter(p::stage.eq(s));
    }
    if let Some((over, day)) = f.overdue {
        let late = ms::table.filter(overdue_on(day)).select(ms::project_id);
        query = if over {
            query.filter(p::id.eq_any(late))
        } else {
            query.filter(p::id.ne_all(late))
        };
    }
    if let Some(b) = &f.before {
        query = query.filter(p::id.lt(b.clone()));
    }
    query.load(conn)
}

/// What a batch of projects is shown with, by project id.
#[derive(Default)]
pub struct Details {
    pub partners: HashMap<ProjectId, Vec<OrganizationId>>,
    pub agreements: HashMap<ProjectId, Vec<AgreementId>>,
    pub milestones: HashMap<ProjectId, Vec<Milestone>>,
    pub notes: HashMap<ProjectId, Vec<Note>>,
}

/// Partners, agreements and milestones of projects `ids`, and notes if `with_notes`.
pub fn details(
    conn: &mut DbConnection,
    ids: &[ProjectId],
    with_notes: bool,
) -> QueryResult<Details> {
    let mut d = Details::default();
    for (pid, org) in pp::table
        .filter(pp::project_id.eq_any(ids))
        .select((pp::project_id, pp::organization_id))
        .order(pp::organization_id)
        .load::<(ProjectId, OrganizationId)>(conn)?
    {
        d.partners.entry(pid).or_default().push(org);
    }
    for (pid, a) in pa::table
        .filter(pa::project_id.eq_any(ids))
        .select((pa::project_id, pa::agreement_id))
        .order(pa::agreement_id)
        .load::<(ProjectId, AgreementId)>(conn)?
    {
        d.agreements.entry(pid).or_default().push(a);
    }
    for m in ms::table
        .filter(ms::project_id.eq_any(ids))
        .select(Milestone::as_select())
        .order((ms::due_on, ms::id))
        .load(conn)?
    {
        d.milestones
            .entry(m.project_id.clone())
            .or_default()
            .push(m);
    }
    if with_notes {
        for n in pn::table
            .filter(pn::project_id.eq_any(ids))
            .select(Note::as_select())
            .order(pn::id)
            .load(conn)?
        {
            d.notes.entry(n.project_id.clone()).or_default().push(n);
        }
    }
    Ok(d)
}

/// Replace the partner and agreement links that are given.
pub fn set_links(
    conn: &mut DbConnection,
    id: &ProjectId,
    partners: Option<&[OrganizationId]>,
    agreements: Option<&[AgreementId]>,
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

/// A project's milestones by due date.
pub fn milestones(conn: &mut DbConnection, project: &ProjectId) -> QueryResult<Vec<Milestone>> {
    ms::table
        .filter(ms::project_id.eq(project))
        .select(Milestone::as_select())
        .order((ms::due_on, ms::id))
        .load(conn)
}

pub fn find_milestone(
    conn: &mut DbConnection,
    project: &ProjectId,
    id: &MilestoneId,
) -> QueryResult<Option<Milestone>> {
    ms::table
        .find(id)
        .filter(ms::project_id.eq(project))
        .select(Milestone::as_select())
        .first(conn)
        .optional()
}

pub fn insert_milestone(conn: &mut DbConnection, m: &Milestone) -> QueryResult<()> {
    diesel::insert_into(ms::table).values(m).execute(conn)?;
    Ok(())
}

pub fn save_milestone(conn: &mut DbConnection, m: &Milestone) -> QueryResult<()> {
    diesel::update(ms::table.find(&m.id))
        .set((
            ms::name.eq(&m.name),
            ms::stage.eq(m.stage),
            ms::due_on.eq(m.due_on),
            ms::done_on.eq(m.done_on),
            ms::responsible.eq(&m.responsible),
            ms::notes.eq(&m.notes),
            ms::updated_at.eq(m.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Milestones overdue on `day` whose notice has not been raised.
pub fn unnoticed_overdue(conn: &mut DbConnection, day: NaiveDate) -> QueryResult<Vec<Milestone>> {
    ms::table
        .filter(overdue_on(day))
        .filter(ms::overdue_notified_at.is_null())
        .select(Milestone::as_select())
        .load(conn)
}

pub fn mark_overdue_noticed(
    conn: &mut DbConnection,
    id: &MilestoneId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(ms::table.find(id))
        .set(ms::overdue_notified_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

pub fn insert_note(conn: &mut DbConnection, n: &Note) -> QueryResult<()> {
    diesel::insert_into(pn::table).values(n).execute(conn)?;
    Ok(())
}

/// A bureau administrator to tell: id, email, display name, locale (as stored).
pub type Admin = (UserId, String, String, String);

/// Every enabled bureau administrator.
pub fn bureau_admins(conn: &mut DbConnection) -> QueryResult<Vec<Admin>> {
    Ok(crate::accounts::model::bureau_admins(conn)?
        .into_iter()
        .map(|u| (u.id, u.email, u.display_name, u.locale.as_str().to_owned()))
        .collect())
}
