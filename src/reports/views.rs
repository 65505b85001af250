//! The wire shapes of the reports: the filter and the overview's counts.

use crate::app::when::Bound;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::Counts;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// A region code; its subtree is included.
    pub region: Option<String>,
    /// Created (events: starting) at or after this time (a day: from its start, Beijing
    /// time).
    pub from: Option<Bound>,
    /// Created (events: starting) before this time (a day: up to its end, that day
    /// included).
    pub to: Option<Bound>,
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
