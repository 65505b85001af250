//! The wire shapes of key projects: request bodies, query parameters and responses.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{Category, Stage, overdue};
use super::model::{Details, Milestone, Note, Project};
use crate::app::when::Day;
use crate::db::ids::{AgreementId, MilestoneId, NoteId, OrganizationId, ProjectId, UserId};
use crate::db::types::utc;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(value_type = String)]
    pub owner_organization_id: OrganizationId,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub partner_organization_ids: Vec<OrganizationId>,
    pub region_code: String,
    pub category: Category,
    /// Yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub planned_investment: Option<i64>,
    /// Planned capacity as written, e.g. `年产 30 万吨再生铝`.
    #[schema(min_length = 1, max_length = 200)]
    pub capacity: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// Agreements this project grows from.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub agreement_ids: Vec<AgreementId>,
    /// Default `approved`.
    pub stage: Option<Stage>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectChanges {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    pub category: Option<Category>,
    /// Yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub planned_investment: Option<i64>,
    #[schema(min_length = 1, max_length = 200)]
    pub capacity: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Owners and the bureau may move the stage; reaching `operation` tells the bureau.
    pub stage: Option<Stage>,
    #[schema(value_type = Option<Vec<String>>)]
    pub partner_organization_ids: Option<Vec<OrganizationId>>,
    #[schema(value_type = Option<Vec<String>>)]
    pub agreement_ids: Option<Vec<AgreementId>>,
}

impl ProjectChanges {
    /// Whether the change moves the stage and nothing else (all owners may do).
    pub fn only_stage(&self) -> bool {
        self.name.is_none()
            && self.category.is_none()
            && self.planned_investment.is_none()
            && self.capacity.is_none()
            && self.year.is_none()
            && self.partner_organization_ids.is_none()
            && self.agreement_ids.is_none()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMilestone {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub due_on: Day,
    /// The stage this milestone completes (done: the project reaches it).
    pub stage: Option<Stage>,
    #[schema(min_length = 1, max_length = 200)]
    pub responsible: Option<String>,
    #[schema(min_length = 1, max_length = 2000)]
    pub notes: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneChanges {
    /// Bureau only.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Bureau only.
    pub due_on: Option<Day>,
    /// Bureau only.
    pub stage: Option<Stage>,
    pub done_on: Option<Day>,
    #[schema(min_length = 1, max_length = 200)]
    pub responsible: Option<String>,
    #[schema(min_length = 1, max_length = 2000)]
    pub notes: Option<String>,
}

impl MilestoneChanges {
    /// Whether the change touches the plan (the bureau's alone).
    pub fn changes_plan(&self) -> bool {
        self.name.is_some() || self.due_on.is_some() || self.stage.is_some()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    #[schema(min_length = 1, max_length = 5000)]
    pub body: String,
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
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneView {
    #[schema(value_type = String)]
    pub id: MilestoneId,
    pub name: String,
    pub stage: Option<String>,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub responsible: Option<String>,
    pub notes: Option<String>,
    pub overdue: bool,
}

impl MilestoneView {
    pub fn new(m: Milestone, today: NaiveDate) -> Self {
        MilestoneView {
            overdue: overdue(m.due_on, m.done_on, today),
            id: m.id,
            name: m.name,
            stage: m.stage.map(|s| s.as_str().to_owned()),
            due_on: m.due_on,
            done_on: m.done_on,
            responsible: m.responsible,
            notes: m.notes,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    #[schema(value_type = String)]
    pub id: NoteId,
    #[schema(value_type = Option<String>)]
    pub author_id: Option<UserId>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Note> for NoteView {
    fn from(n: Note) -> Self {
        NoteView {
            id: n.id,
            author_id: n.author_id,
            body: n.body,
            created_at: utc(n.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    #[schema(value_type = String)]
    pub id: ProjectId,
    pub name: String,
    #[schema(value_type = String)]
    pub owner_organization_id: OrganizationId,
    #[schema(value_type = Vec<String>)]
    pub partner_organization_ids: Vec<OrganizationId>,
    pub region_code: String,
    pub category: String,
    pub planned_investment: Option<i64>,
    pub capacity: Option<String>,
    pub year: i32,
    /// `approved`, `construction`, `trial_production` or `operation`.
    pub stage: String,
    #[schema(value_type = Vec<String>)]
    pub agreement_ids: Vec<AgreementId>,
    pub milestones: Vec<MilestoneView>,
    pub overdue_milestones: usize,
    /// Tracking notes: the bureau's, visible to the bureau only.
    pub notes: Vec<NoteView>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProjectView {
    /// The view of `x`, taking its parts out of `d`.
    pub fn new(x: Project, d: &mut Details, today: NaiveDate) -> Self {
        let milestones: Vec<MilestoneView> = d
            .milestones
            .remove(&x.id)
            .unwrap_or_default()
            .into_iter()
            .map(|m| MilestoneView::new(m, today))
            .collect();
        ProjectView {
            overdue_milestones: milestones.iter().filter(|m| m.overdue).count(),
            milestones,
            partner_organization_ids: d.partners.remove(&x.id).unwrap_or_default(),
            agreement_ids: d.agreements.remove(&x.id).unwrap_or_default(),
            notes: d
                .notes
                .remove(&x.id)
                .unwrap_or_default()
                .into_iter()
                .map(NoteView::from)
                .collect(),
            id: x.id,
            name: x.name,
            owner_organization_id: x.owner_organization_id,
            region_code: x.region_code,
            category: x.category.as_str().to_owned(),
            planned_investment: x.planned_investment_yuan,
            capacity: x.capacity,
            year: x.year,
            stage: x.stage.as_str().to_owned(),
            created_at: utc(x.created_at),
            updated_at: utc(x.updated_at),
        }
    }
}
