//! The wire shapes of interests and agreements: request bodies, query parameters and
//! responses.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{DeclineReason, InterestStatus, Standing};
use super::model::{Agreement, Interest};
use crate::app::when::Day;
use crate::db::ids::{AgreementId, InterestId, ListingId, OrganizationId};
use crate::db::types::utc;
use crate::listings::domain::Mode;
use crate::listings::model::Listing;
use crate::organizations::model::Organization;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInterest {
    /// The sender's organization (the caller must be a member).
    #[schema(value_type = String)]
    pub from_organization_id: OrganizationId,
    /// A need. With `capability_id` too, one of the two must be the sender's own (its
    /// offer) and the other another organization's (the target); alone, it is the target.
    #[schema(value_type = Option<String>)]
    pub need_id: Option<ListingId>,
    /// A capability (same rule as `need_id`).
    #[schema(value_type = Option<String>)]
    pub capability_id: Option<ListingId>,
    #[schema(min_length = 1, max_length = 2000)]
    pub message: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInterest {
    /// Default: the first mode both listings share, else the target's first mode, else
    /// `joint_rnd`.
    pub cooperation_mode: Option<Mode>,
    /// Default: today.
    pub start_date: Option<Day>,
    /// Contract value in yuan, 0 to 10^12.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub value_yuan: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInterest {
    pub reason: DeclineReason,
    #[schema(min_length = 1, max_length = 2000)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InterestQuery {
    /// `sent` or `received`; default both.
    #[param(pattern = "^(sent|received)$")]
    pub direction: Option<String>,
    pub status: Option<InterestStatus>,
    /// Only this one of the caller's organizations.
    #[param(value_type = Option<String>)]
    pub organization_id: Option<OrganizationId>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

/// The other side's contact details, shown once an interest is accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct CounterpartContact {
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl From<&Organization> for CounterpartContact {
    fn from(org: &Organization) -> Self {
        CounterpartContact {
            organization_id: org.id.clone(),
            organization_name: org.name.clone(),
            name: org.contact_name.clone(),
            email: org.contact_email.clone(),
            phone: org.contact_phone.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    #[schema(value_type = String)]
    pub id: AgreementId,
    #[schema(value_type = String)]
    pub interest_id: InterestId,
    #[schema(value_type = Option<String>)]
    pub need_id: Option<ListingId>,
    #[schema(value_type = Option<String>)]
    pub capability_id: Option<ListingId>,
    /// The organization whose need it is (or which took up the capability).
    #[schema(value_type = String)]
    pub need_organization_id: OrganizationId,
    /// The organization providing the capability.
    #[schema(value_type = String)]
    pub provider_organization_id: OrganizationId,
    pub cooperation_mode: String,
    pub start_date: NaiveDate,
    pub value_yuan: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<Agreement> for AgreementView {
    fn from(a: Agreement) -> Self {
        AgreementView {
            id: a.id,
            interest_id: a.interest_id,
            need_id: a.need_id,
            capability_id: a.capability_id,
            need_organization_id: a.need_organization_id,
            provider_organization_id: a.provider_organization_id,
            cooperation_mode: a.cooperation_mode.as_str().to_owned(),
            start_date: a.start_date,
            value_yuan: a.value_yuan,
            created_at: utc(a.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InterestView {
    #[schema(value_type = String)]
    pub id: InterestId,
    #[schema(value_type = String)]
    pub from_organization_id: OrganizationId,
    #[schema(value_type = String)]
    pub to_organization_id: OrganizationId,
    /// The listing the interest is in (the other organization's).
    #[schema(value_type = String)]
    pub target_listing_id: ListingId,
    pub target_side: String,
    pub target_title: String,
    /// The sender's own listing it offers, if any.
    #[schema(value_type = Option<String>)]
    pub offered_listing_id: Option<ListingId>,
    pub message: String,
    /// `open`, `accepted`, `declined` or `withdrawn`.
    pub status: String,
    pub decline_reason: Option<String>,
    pub decline_comment: Option<String>,
    /// The caller's view: `sent` or `received` (`both`/`bureau` otherwise).
    pub direction: String,
    /// The other side's contacts: only once accepted, and only to the two parties.
    pub counterpart_contact: Option<CounterpartContact>,
    pub agreement: Option<AgreementView>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an interest's view is made of besides the interest.
pub struct InterestParts {
    pub target: Option<Listing>,
    pub standing: Standing,
    pub bureau: bool,
    pub counterpart: Option<Organization>,
    pub agreement: Option<Agreement>,
}

impl InterestView {
    pub fn new(x: Interest, p: InterestParts) -> Self {
        InterestView {
            target_side: p
                .target
                .as_ref()
                .map(|t| t.side.as_str().to_owned())
                .unwrap_or_default(),
            target_title: p.target.map(|t| t.title).unwrap_or_default(),
            id: x.id,
            from_organization_id: x.from_organization_id,
            to_organization_id: x.to_organization_id,
            target_listing_id: x.target_listing_id,
            offered_listing_id: x.offered_listing_id,
            message: x.message,
            status: x.status.as_str().to_owned(),
            decline_reason: x.decline_reason.map(|r| r.as_str().to_owned()),
            decline_comment: x.decline_comment,
            direction: p.standing.direction(p.bureau).to_owned(),
            counterpart_contact: p.counterpart.as_ref().map(CounterpartContact::from),
            agreement: p.agreement.map(AgreementView::from),
            decided_at: x.decided_at.map(utc),
            created_at: utc(x.created_at),
            updated_at: utc(x.updated_at),
        }
    }
}
