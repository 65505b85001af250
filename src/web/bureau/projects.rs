//! The key projects list: the bureau sees every project, an organization's members the
//! ones it owns or partners in (the rule of `GET /api/v1/projects`, whose operation
//! `projects::service::list` this page calls), filtered by region, category, year, stage
//! and overdue milestones; each project with its milestones, the overdue ones marked, and
//! a link to its page.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{choice, choices, next_query, signed_in, some};
use crate::app::AuthUser;
use crate::db::ids::{OrganizationId, ProjectId};
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::organizations::model as orgs;
use crate::projects::domain::{Category, Stage};
use crate::projects::service;
use crate::projects::views::{ProjectQuery, ProjectView};
use crate::web::directory::{Choice, flatten};
use crate::web::listings::Names;
use crate::web::page::{Page, ok};

/// The filter form as a browser sends it.
#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    region: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    stage: String,
    /// `yes`, `no` or empty.
    #[serde(default)]
    overdue: String,
    cursor: Option<String>,
}

fn bad(field: &str) -> ApiError {
    FieldError::of(field, ErrorCode::Invalid).into()
}

impl Filters {
    fn query(&self) -> Result<ProjectQuery, ApiError> {
        Ok(ProjectQuery {
            region: some(&self.region),
            category: choice("category", &self.category)?,
            year: some(&self.year)
                .map(|y| y.parse().map_err(|_| bad("year")))
                .transpose()?,
            status: choice("stage", &self.stage)?,
            overdue: match self.overdue.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            limit: Some(crate::app::pagination::Limit(20)),
            cursor: self.cursor.clone(),
        })
    }

    fn pairs(&self) -> [(&str, &str); 5] {
        [
            ("region", &self.region),
            ("category", &self.category),
            ("year", &self.year),
            ("stage", &self.stage),
            ("overdue", &self.overdue),
        ]
    }
}

/// One milestone in the list.
pub struct Milestone {
    pub name: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub overdue: bool,
}

/// One project in the list, by name.
pub struct Item {
    pub id: ProjectId,
    pub name: String,
    pub stage_name: &'static str,
    pub category: &'static str,
    pub owner: String,
    pub region: String,
    pub year: i32,
    pub overdue: usize,
    pub milestones: Vec<Milestone>,
}

fn item(p: &Page, v: ProjectView, names: &Names) -> Item {
    Item {
        stage_name: p.t(&format!("stage.{}", v.stage)),
        category: p.t(&format!("category.{}", v.category)),
        owner: names.org(p, &v.owner_organization_id),
        region: names.region(&v.region_code),
        year: v.year,
        overdue: v.overdue_milestones,
        milestones: (v.milestones.into_iter())
            .map(|m| Milestone {
                due_on: m.due_on.to_string(),
                done_on: m.done_on.map(|d| d.to_string()),
                overdue: m.overdue,
                name: m.name,
            })
            .collect(),
        id: v.id,
        name: v.name,
    }
}

#[derive(Template)]
#[template(path = "bureau_projects.html")]
struct List<'a> {
    p: &'a Page,
    f: Filters,
    regions: Vec<Choice>,
    categories: Vec<(&'static str, &'static str)>,
    stages: Vec<(&'static str, &'static str)>,
    items: Vec<Item>,
    next: Option<String>,
}

/// A page of the projects `user` may see, with the names of their owners and regions.
async fn found(
    p: &Page,
    user: AuthUser,
    query: ProjectQuery,
) -> Result<(crate::app::Page<ProjectView>, Names, Vec<Choice>), ApiError> {
    let listed = p.state.db.run(move |conn| {
        let page = service::list(conn, &user, query)?;
        let ids: Vec<OrganizationId> = (page.items.iter())
            .map(|v| v.owner_organization_id.as_str().into())
            .collect();
        Ok((page, orgs::names(conn, &ids)?))
    });
    let tree = crate::organizations::taxonomy::region_tree(&p.state, p.locale);
    let ((page, orgs), regions) = futures_util::future::try_join(listed, tree).await?;
    let (regions, region_names) = flatten(&regions);
    let names = Names {
        fields: Default::default(),
        regions: region_names,
        orgs,
    };
    Ok((page, names, regions))
}

/// `GET /projects`: the key projects the caller may see, as `GET /api/v1/projects`.
pub async fn projects_page(p: Page, q: web::Query<Filters>) -> HttpResponse {
    let user = match signed_in(&p) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let f = q.into_inner();
    let result = match f.query() {
        Ok(query) => found(&p, user, query).await,
        Err(e) => Err(e),
    };
    let (page, names, regions) = match result {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let tpl = List {
        categories: choices(&p, "category", Category::ALL.iter().map(|c| c.as_str())),
        stages: choices(&p, "stage", Stage::ALL.iter().map(|s| s.as_str())),
        next: page.next_cursor.map(|c| next_query(&f.pairs(), &c)),
        items: (page.items.into_iter())
            .map(|v| item(&p, v, &names))
            .collect(),
        p: &p,
        f,
        regions,
    };
    ok(&p, &tpl)
}
