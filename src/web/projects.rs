//! A key project's page, behind the links of the project mail (an overdue milestone, a
//! project in operation): stage, owner and partners by name, milestones with their due
//! and done days, the overdue ones marked. Its owner organization and the bureau mark a
//! milestone done and move the stage, as `Party` allows, through the operations of the
//! JSON routes (`projects::service::get_as_party`, `change`, `milestones::record`); anyone
//! else gets 404.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::listings::{Names, taxonomy_names};
use super::page::{FormErrors, Page, PageForm, render};
use crate::db::ids::{MilestoneId, OrganizationId, ProjectId};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::organizations::model as orgs;
use crate::projects::domain::{Stage, today};
use crate::projects::milestones;
use crate::projects::service::{self, get_as_party};
use crate::projects::views::{MilestoneChanges, ProjectChanges, ProjectView};

/// A milestone as the page lists it.
pub struct Milestone {
    pub id: MilestoneId,
    pub name: String,
    pub stage: Option<&'static str>,
    pub due_on: String,
    pub done_on: Option<String>,
    pub responsible: Option<String>,
    pub overdue: bool,
}

/// A project as its page shows it, every code turned into its name.
pub struct Shown {
    pub id: ProjectId,
    pub name: String,
    pub stage: String,
    pub stage_name: &'static str,
    pub category: &'static str,
    pub owner: String,
    pub partners: Vec<String>,
    pub region: String,
    pub year: i32,
    pub investment: Option<String>,
    pub capacity: Option<String>,
    pub overdue: usize,
    pub milestones: Vec<Milestone>,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage<'a> {
    p: &'a Page,
    x: Shown,
    /// The caller may mark milestones done (`Party::may_record`).
    may_record: bool,
    /// The caller may move the stage (`Party::may_edit`): every stage, by name.
    stages: Option<Vec<(&'static str, &'static str)>>,
    today: String,
    errors: FormErrors,
}

fn shown(p: &Page, v: ProjectView, names: &Names) -> Shown {
    let org = |id: &OrganizationId| names.org(p, id);
    let stage_name = |s: &str| p.t(&format!("stage.{s}"));
    Shown {
        stage_name: stage_name(&v.stage),
        category: p.t(&format!("category.{}", v.category)),
        owner: org(&v.owner_organization_id),
        partners: v.partner_organization_ids.iter().map(org).collect(),
        region: names.region(&v.region_code),
        year: v.year,
        investment: (v.planned_investment)
            .map(|y| crate::i18n::fill(p.t("project.yuan"), &[("n", &crate::money::grouped(y))])),
        capacity: v.capacity,
        overdue: v.overdue_milestones,
        milestones: (v.milestones.into_iter())
            .map(|m| Milestone {
                stage: m.stage.as_deref().map(stage_name),
                due_on: m.due_on.to_string(),
                done_on: m.done_on.map(|d| d.to_string()),
                overdue: m.overdue,
                id: m.id,
                name: m.name,
                responsible: m.responsible,
            })
            .collect(),
        stage: v.stage,
        id: v.id,
        name: v.name,
    }
}

async fn show(p: &Page, id: ProjectId, errors: FormErrors, status: StatusCode) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/projects/{id}"));
    };
    let found = p.state.db.run(move |conn| {
        let (v, party) = get_as_party(conn, &user, &id)?;
        let mut ids: Vec<OrganizationId> = (v.partner_organization_ids.iter())
            .map(|o| o.as_str().into())
            .collect();
        ids.push(v.owner_organization_id.as_str().into());
        Ok::<_, ApiError>((v, party, orgs::names(conn, &ids)?))
    });
    let ((v, party, orgs), (fields, regions)) =
        match futures_util::future::try_join(found, taxonomy_names(p)).await {
            Ok(x) => x,
            Err(e) => return p.error(&e),
        };
    let names = Names {
        fields,
        regions,
        orgs,
    };
    let stages = party.may_edit(true).is_ok().then(|| {
        (Stage::ALL.iter())
            .map(|s| (s.as_str(), p.t(&format!("stage.{}", s.as_str()))))
            .collect()
    });
    let tpl = ProjectPage {
        x: shown(p, v, &names),
        may_record: party.may_record(false).is_ok(),
        stages,
        today: today().to_string(),
        errors,
        p,
    };
    render(p, status, &tpl)
}

/// `GET /projects/{id}`: the project's organizations and the bureau; others 404.
pub async fn project_page(p: Page, id: web::Path<ProjectId>) -> HttpResponse {
    show(&p, id.into_inner(), FormErrors::default(), StatusCode::OK).await
}

/// After an action: back to the page, or the page again with the refusal.
async fn after<T>(p: Page, id: ProjectId, result: Result<T, ApiError>) -> HttpResponse {
    match result {
        Ok(_) => p.redirect(&format!("/projects/{id}")),
        Err(ApiError::NotFound) => p.error(&ApiError::NotFound),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, id, p.form_errors(&e), status).await
        }
    }
}

#[derive(Deserialize)]
pub struct DoneForm {
    /// The day it was done, `YYYY-MM-DD`.
    #[serde(default)]
    done_on: String,
}

/// `POST /projects/{id}/milestones/{milestone_id}/done`: as
/// `PATCH /api/v1/projects/{id}/milestones/{milestone_id}` with `done_on`.
pub async fn milestone_done(
    p: Page,
    path: web::Path<(ProjectId, MilestoneId)>,
    form: PageForm<DoneForm>,
) -> HttpResponse {
    let (id, mid) = path.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/projects/{id}"));
    };
    let result = match crate::app::when::Day::parse(form.0.done_on.trim()) {
        Some(d) => {
            let c = MilestoneChanges {
                done_on: Some(d),
                ..Default::default()
            };
            milestones::record(&p.state, user, (id.clone(), mid), c).await
        }
        None => Err(
            super::listing_form::expected("done_on", "format.day", form.0.done_on.trim()).into(),
        ),
    };
    after(p, id, result).await
}

#[derive(Deserialize)]
pub struct StageForm {
    #[serde(default)]
    stage: String,
}

/// `POST /projects/{id}/stage`: as `PATCH /api/v1/projects/{id}` with `stage`.
pub async fn move_stage(
    p: Page,
    id: web::Path<ProjectId>,
    form: PageForm<StageForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/projects/{id}"));
    };
    let result = match form.0.stage.parse::<Stage>() {
        Ok(s) => {
            let c = ProjectChanges {
                stage: Some(s),
                ..Default::default()
            };
            service::change(&p.state, user, id.clone(), c).await
        }
        Err(_) => Err(FieldError::of("stage", ErrorCode::Invalid).into()),
    };
    after(p, id, result).await
}
