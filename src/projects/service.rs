//! The operations on key projects: register, list, show, change, move the stage. Each
//! checks who may, applies the rules of `domain`, and writes its rows, the audit entry and
//! the bureau's notices in the caller's one transaction. No HTTP here.

use super::domain::{Party, Stage, check_year, today};
use super::model::{self, Project, ProjectFilter};
use super::notices::{Event, tell_bureau};
use super::views::{NewProject, ProjectChanges, ProjectQuery, ProjectView};
use crate::app::{AppState, AuthUser, Page, Postman, audit, pagination, text};
use crate::db::DbConnection;
use crate::db::ids::{AgreementId, OrganizationId, ProjectId};
use crate::db::types::now;
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::organizations::{model as orgs, taxonomy};

/// Views of `rows` (notes only for the bureau).
pub fn views(
    conn: &mut DbConnection,
    rows: Vec<Project>,
    bureau: bool,
) -> Result<Vec<ProjectView>, ApiError> {
    let ids: Vec<ProjectId> = rows.iter().map(|x| x.id.clone()).collect();
    let mut d = model::details(conn, &ids, bureau)?;
    let day = today();
    Ok(rows
        .into_iter()
        .map(|x| ProjectView::new(x, &mut d, day))
        .collect())
}

fn one(conn: &mut DbConnection, x: Project, party: Party) -> Result<ProjectView, ApiError> {
    views(conn, vec![x], party.sees_notes())?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("project view lost")))
}

/// The project `id` and who the caller is to it; 404 to everyone else.
pub fn load(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &ProjectId,
) -> Result<(Project, Party), ApiError> {
    let x = model::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if user.is_bureau() {
        return Ok((x, Party::Bureau));
    }
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    if mine.contains(&x.owner_organization_id) {
        Ok((x, Party::Owner))
    } else if model::has_partner(conn, &x.id, &mine)? {
        Ok((x, Party::Partner))
    } else {
        Err(ApiError::NotFound)
    }
}

/// Partners: existing organizations other than the owner.
fn check_partners(
    conn: &mut DbConnection,
    ids: &[OrganizationId],
    owner: &OrganizationId,
    errors: &mut Vec<FieldError>,
) -> Result<(), ApiError> {
    for (n, id) in ids.iter().enumerate() {
        let field = format!("partner_organization_ids[{n}]");
        if id == owner {
            errors.push(FieldError::new(
                field,
                ErrorCode::OwnerIsPartner,
                Text::key("problem.owner_is_partner"),
            ));
        } else if orgs::find(conn, id)?.is_none() {
            errors.push(FieldError::new(
                field,
                ErrorCode::OrganizationUnknown,
                Text::key("problem.organization_unknown"),
            ));
        }
    }
    Ok(())
}

fn check_agreements(
    conn: &mut DbConnection,
    ids: &[AgreementId],
    errors: &mut Vec<FieldError>,
) -> Result<(), ApiError> {
    for (n, id) in ids.iter().enumerate() {
        if !crate::collaboration::model::agreement_exists(conn, id)? {
            errors.push(FieldError::new(
                format!("agreement_ids[{n}]"),
                ErrorCode::AgreementUnknown,
                Text::key("problem.agreement_unknown"),
            ));
        }
    }
    Ok(())
}

/// Register a key project (the bureau).
pub fn create(
    conn: &mut DbConnection,
    user: &AuthUser,
    b: NewProject,
) -> Result<ProjectView, ApiError> {
    user.require_bureau()?;
    let mut errors = Vec::new();
    let name = text::required("name", &b.name, 200, &mut errors);
    let capacity = b
        .capacity
        .as_deref()
        .map(|c| text::required("capacity", c, 200, &mut errors));
    crate::money::check_yuan("planned_investment", b.planned_investment, &mut errors);
    check_year(b.year, &mut errors);
    let owner = OrganizationId::from(b.owner_organization_id.as_str());
    if orgs::find(conn, &owner)?.is_none() {
        errors.push(FieldError::new(
            "owner_organization_id",
            ErrorCode::OrganizationUnknown,
            Text::key("problem.organization_unknown"),
        ));
    }
    check_partners(conn, &b.partner_organization_ids, &owner, &mut errors)?;
    check_agreements(conn, &b.agreement_ids, &mut errors)?;
    if !taxonomy::region_exists(conn, &b.region_code)? {
        errors.push(FieldError::new(
            "region_code",
            ErrorCode::RegionUnknown,
            Text::key("problem.region_unknown.plain"),
        ));
    }
    ApiError::fields(errors)?;
    let t = now();
    let x = Project {
        id: ProjectId::new(),
        name,
        owner_organization_id: owner,
        region_code: b.region_code,
        category: b.category,
        planned_investment_yuan: b.planned_investment,
        capacity,
        year: b.year,
        stage: b.stage.unwrap_or(Stage::Approved),
        operation_notified_at: None,
        created_by: Some(user.id.clone()),
        created_at: t,
        updated_at: t,
    };
    model::insert(conn, &x)?;
    let (partners, agreements) = (&b.partner_organization_ids, &b.agreement_ids);
    model::set_links(conn, &x.id, Some(partners), Some(agreements))?;
    audit::record(
        conn,
        Some(&user.id),
        "project_created",
        "project",
        &x.id,
        None,
    )?;
    one(conn, x, Party::Bureau)
}

/// Key projects: the bureau sees all, organizations the ones they own or partner in.
pub fn list(
    conn: &mut DbConnection,
    user: &AuthUser,
    q: ProjectQuery,
) -> Result<Page<ProjectView>, ApiError> {
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    let organizations = if user.is_bureau() {
        None
    } else {
        Some(orgs::organization_ids_of(conn, &user.id)?)
    };
    let regions = q
        .region
        .as_deref()
        .map(|r| taxonomy::region_filter(conn, "region", r))
        .transpose()?;
    let filter = ProjectFilter {
        organizations,
        regions,
        category: q.category,
        year: q.year,
        stage: q.status,
        overdue: q.overdue.map(|over| (over, today())),
        before: before.map(ProjectId::from),
    };
    let rows = model::list(conn, &filter, limit + 1)?;
    pagination::try_page(
        rows,
        limit,
        |x| x.id.to_string(),
        |rows| views(conn, rows, user.is_bureau()),
    )
}

/// One key project with its milestones.
pub fn get(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &ProjectId,
) -> Result<ProjectView, ApiError> {
    Ok(get_as_party(conn, user, id)?.0)
}

/// One key project with its milestones, and who the caller is to it (the project page
/// offers what [`Party`] allows).
pub fn get_as_party(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &ProjectId,
) -> Result<(ProjectView, Party), ApiError> {
    let (x, party) = load(conn, user, id)?;
    Ok((one(conn, x, party)?, party))
}

/// Move `x` to `stage` if the rule lets it (`backwards`: people may move it back, a
/// completed milestone only forward); reaching operation tells the bureau, once.
pub fn advance(
    conn: &mut DbConnection,
    postman: &Postman,
    x: &mut Project,
    stage: Stage,
    backwards: bool,
) -> Result<(), ApiError> {
    let Some(to) = x.stage.move_to(stage, backwards) else {
        return Ok(());
    };
    let t = now();
    x.stage = to;
    x.updated_at = t;
    if to == Stage::Operation && x.operation_notified_at.is_none() {
        let key = format!("project:{}:operation", x.id);
        tell_bureau(conn, postman, &key, x, Event::Operation)?;
        x.operation_notified_at = Some(t);
    }
    model::save_stage(conn, x)?;
    Ok(())
}

/// Change a project: the bureau anything, owners the stage only.
pub fn update(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    id: &ProjectId,
    c: ProjectChanges,
) -> Result<ProjectView, ApiError> {
    let (mut x, party) = load(conn, user, id)?;
    party.may_edit(c.only_stage())?;
    let mut errors = Vec::new();
    if let Some(n) = &c.name {
        x.name = text::required("name", n, 200, &mut errors);
    }
    if let Some(cap) = &c.capacity {
        x.capacity = Some(text::required("capacity", cap, 200, &mut errors));
    }
    if let Some(cat) = c.category {
        x.category = cat;
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
        check_partners(conn, list, &x.owner_organization_id, &mut errors)?;
    }
    if let Some(list) = &c.agreement_ids {
        check_agreements(conn, list, &mut errors)?;
    }
    ApiError::fields(errors)?;
    x.updated_at = now();
    model::save(conn, &x)?;
    let (partners, agreements) = (
        c.partner_organization_ids.as_deref(),
        c.agreement_ids.as_deref(),
    );
    model::set_links(conn, &x.id, partners, agreements)?;
    if let Some(s) = c.stage {
        advance(conn, postman, &mut x, s, true)?;
    }
    audit::record(
        conn,
        Some(&user.id),
        "project_updated",
        "project",
        &x.id,
        None,
    )?;
    one(conn, x, party)
}

/// [`update`] in a transaction of its own, then the mail worker is woken for the notices
/// it wrote (the JSON route and the project page call this).
pub async fn change(
    state: &AppState,
    user: AuthUser,
    id: ProjectId,
    c: ProjectChanges,
) -> Result<ProjectView, ApiError> {
    state
        .write_and_mail(move |conn, postman| update(conn, postman, &user, &id, c))
        .await
}
