//! Request and response bodies of the listing endpoints.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{Language, Mode, Side};
use super::model::{Listing, Lists};
use crate::app::doc_schema::narrowed_schema;
use crate::app::when::Day;
use crate::db::ids::{ListingId, OrganizationId};
use crate::db::types::utc;

/// A new need or capability. Needs are posted by enterprises; capabilities by universities,
/// research institutes, or enterprises offering one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewListing {
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 10_000)]
    pub description: String,
    /// At most 20, each at most 50 characters; repeats and blanks are dropped.
    #[schema(max_items = 20)]
    pub keywords: Option<Vec<String>>,
    pub field_codes: Option<Vec<String>>,
    pub cooperation_modes: Option<Vec<Mode>>,
    /// Needs: the TRL required (1-9).
    #[schema(minimum = 1, maximum = 9)]
    pub trl_required: Option<i32>,
    /// Capabilities: the TRL reached (1-9).
    #[schema(minimum = 1, maximum = 9)]
    pub trl: Option<i32>,
    /// Needs: budget range in yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub budget_min: Option<i64>,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub budget_max: Option<i64>,
    /// Needs: answer wanted by this date; the need expires after it.
    pub deadline: Option<Day>,
    /// Defaults to the organization's region.
    pub region_code: Option<String>,
    /// `zh` or `en`; detected from the text when absent.
    pub language: Option<Language>,
}

/// Changes to a listing; only the fields sent change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListingChanges {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 10_000)]
    pub description: Option<String>,
    /// At most 20, each at most 50 characters; repeats and blanks are dropped.
    #[schema(max_items = 20)]
    pub keywords: Option<Vec<String>>,
    pub field_codes: Option<Vec<String>>,
    pub cooperation_modes: Option<Vec<Mode>>,
    #[schema(minimum = 1, maximum = 9)]
    pub trl_required: Option<i32>,
    #[schema(minimum = 1, maximum = 9)]
    pub trl: Option<i32>,
    /// Yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub budget_min: Option<i64>,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub budget_max: Option<i64>,
    pub deadline: Option<Day>,
    pub region_code: Option<String>,
    pub language: Option<Language>,
}

narrowed_schema!(
    /// The document's body of `POST /api/v1/needs`.
    NewNeed = NewListing, "A new need, posted by an enterprise.", drop ["trl"]
);
narrowed_schema!(
    /// The document's body of `POST /api/v1/capabilities`.
    NewCapability = NewListing,
    "A new capability, offered by a university, a research institute or an enterprise.",
    drop ["trl_required", "budget_min", "budget_max", "deadline"]
);
narrowed_schema!(
    /// The document's body of `PATCH /api/v1/needs/{id}`.
    NeedChanges = ListingChanges, "Changes to a need; only the fields sent change.", drop ["trl"]
);
narrowed_schema!(
    /// The document's body of `PATCH /api/v1/capabilities/{id}`.
    CapabilityChanges = ListingChanges,
    "Changes to a capability; only the fields sent change.",
    drop ["trl_required", "budget_min", "budget_max", "deadline"]
);

/// A need or a capability.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListingView {
    #[schema(value_type = String)]
    pub id: ListingId,
    /// `need` or `capability`.
    pub side: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub field_codes: Vec<String>,
    pub cooperation_modes: Vec<String>,
    /// Needs: TRL required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trl_required: Option<i32>,
    /// Capabilities: TRL reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trl: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_min: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_max: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<NaiveDate>,
    pub region_code: String,
    pub language: String,
    /// `draft`, `published`, `closed`, `fulfilled` or `expired`.
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ListingView {
    pub fn new(l: Listing, lists: Lists) -> Self {
        let need = l.side == Side::Need;
        ListingView {
            trl_required: if need { l.trl } else { None },
            trl: if need { None } else { l.trl },
            id: l.id,
            side: l.side.as_str().to_owned(),
            organization_id: l.organization_id,
            title: l.title,
            description: l.description,
            keywords: lists.keywords,
            field_codes: lists.field_codes,
            cooperation_modes: lists.modes.iter().map(|m| m.as_str().to_owned()).collect(),
            budget_min: l.budget_min,
            budget_max: l.budget_max,
            deadline: l.deadline,
            region_code: l.region_code,
            language: l.language.as_str().to_owned(),
            status: l.status.as_str().to_owned(),
            published_at: l.published_at.map(utc),
            created_at: utc(l.created_at),
            updated_at: utc(l.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListingQuery {
    /// A technology-field code; sub-fields are included.
    pub field: Option<String>,
    /// A region code; sub-regions are included.
    pub region: Option<String>,
    pub mode: Option<Mode>,
    pub trl_min: Option<i32>,
    pub trl_max: Option<i32>,
    #[param(value_type = Option<String>)]
    pub organization_id: Option<OrganizationId>,
    /// Others than members and the bureau see `published` only.
    pub status: Option<super::domain::ListingStatus>,
    /// Free text in title, description or keywords. At most 200 characters (422 `q_too_long`).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}
