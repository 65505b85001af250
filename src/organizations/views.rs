//! Request and response bodies of the registry, and who may see what.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{MemberRole, OrgKind, OrgStatus};
use super::model::Organization;
pub use crate::app::Viewer;
use crate::db::ids::{InvitationId, OrganizationId, UserId};
use crate::db::types::utc;
use crate::error::FieldError;

/// A named contact person. Shown only to the bureau, the organization's own members and
/// members of an organization that has an agreement with it (an accepted interest); the
/// directory's public face is the organization's `address` and `website`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[schema(max_length = 100)]
    pub name: String,
    #[schema(
        pattern = r"^[A-Za-z0-9_%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length = 254
    )]
    pub email: String,
    #[schema(max_length = 40)]
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    /// `enterprise`, `university`, `research_institute` or `bureau` (bureau admins only).
    #[schema(value_type = OrgKind)]
    pub kind: String,
    /// Name in Chinese.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub name_en: Option<String>,
    /// At most 20, each at most 100 characters; repeats and blanks are dropped.
    #[schema(max_items = 20)]
    pub aliases: Option<Vec<String>>,
    /// Unified Social Credit Code; required for enterprises.
    #[schema(pattern = r"^([0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{18})?$")]
    pub uscc: Option<String>,
    pub region_code: String,
    #[schema(max_items = 30)]
    pub field_codes: Option<Vec<String>>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(
        pattern = r"^(https?://[^\u0000-\u001f\u007f-\u009f]*)?$",
        max_length = 300
    )]
    pub website: Option<String>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
    pub contact: Option<Contact>,
    /// A parent organization (a university's institute, a group's subsidiary).
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<OrganizationId>,
}

/// Only the fields sent change; an empty string clears an optional text. `status` cannot be
/// set here (use the review actions) and `is_leading` only by the bureau.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationChanges {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 200)]
    pub name_en: Option<String>,
    /// At most 20, each at most 100 characters; repeats and blanks are dropped.
    #[schema(max_items = 20)]
    pub aliases: Option<Vec<String>>,
    #[schema(pattern = r"^([0-9A-HJ-NP-RTUWXYa-hj-np-rtuwxy]{18})?$")]
    pub uscc: Option<String>,
    pub region_code: Option<String>,
    #[schema(max_items = 30)]
    pub field_codes: Option<Vec<String>>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(
        pattern = r"^(https?://[^\u0000-\u001f\u007f-\u009f]*)?$",
        max_length = 300
    )]
    pub website: Option<String>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
    pub contact: Option<Contact>,
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<OrganizationId>,
    /// Bureau only.
    pub is_leading: Option<bool>,
}

/// An organization as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    #[schema(value_type = String)]
    pub id: OrganizationId,
    pub kind: String,
    pub name: String,
    pub name_en: Option<String>,
    pub aliases: Vec<String>,
    pub uscc: Option<String>,
    /// The USCC check character disagrees: for the bureau to review (insiders only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uscc_flagged: Option<bool>,
    /// Why the code deserves the bureau's look (insiders only; empty when nothing does):
    /// `uscc_check_character` (the check character disagrees, hence `uscc_flagged`) or
    /// `uscc_region_mismatch` (characters 3-8 are not the region's administrative division
    /// code). Each names the field `uscc`, a stable code and a message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<FieldError>>,
    pub region_code: String,
    pub field_codes: Vec<String>,
    pub description: String,
    pub website: Option<String>,
    pub address: Option<String>,
    /// Present only to the bureau, the organization's members and organizations that have
    /// an agreement with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    pub is_leading: bool,
    /// Part of the demo data set.
    pub is_sample: bool,
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<OrganizationId>,
    /// `pending`, `verified`, `rejected` or `suspended`.
    pub status: String,
    /// Reason of the last review action (insiders only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// The caller's role in this organization, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub my_role: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrganizationView {
    pub fn new(
        org: Organization,
        aliases: Vec<String>,
        field_codes: Vec<String>,
        viewer: &Viewer,
        partners: &HashSet<OrganizationId>,
    ) -> Self {
        let insider = viewer.is_insider(&org.id);
        let contact = match (&org.contact_name, &org.contact_email) {
            (Some(name), Some(email)) if viewer.can_see_contact(&org.id, partners) => {
                Some(Contact {
                    name: name.clone(),
                    email: email.clone(),
                    phone: org.contact_phone.clone(),
                })
            }
            _ => None,
        };
        OrganizationView {
            my_role: viewer.role_in(&org.id).map(|r| r.as_str().to_owned()),
            uscc_flagged: insider.then_some(org.uscc_flagged),
            warnings: insider.then(Vec::new),
            status_reason: if insider { org.status_reason } else { None },
            contact,
            id: org.id,
            kind: org.kind.as_str().to_owned(),
            name: org.name,
            name_en: org.name_en,
            aliases,
            uscc: org.uscc,
            region_code: org.region_code,
            field_codes,
            description: org.description,
            website: org.website,
            address: org.address,
            is_leading: org.is_leading,
            is_sample: org.is_sample,
            parent_id: org.parent_id,
            status: org.status.as_str().to_owned(),
            created_at: utc(org.created_at),
            updated_at: utc(org.updated_at),
        }
    }
}

/// A member of an organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    #[schema(value_type = String)]
    pub user_id: UserId,
    pub display_name: String,
    pub email: String,
    /// `owner` or `member`.
    pub role: String,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Invite {
    #[schema(
        pattern = r"^[A-Za-z0-9_%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length = 254
    )]
    pub email: String,
    /// `member` (default) or `owner`.
    pub role: Option<MemberRole>,
}

/// An invitation sent by email.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    #[schema(value_type = String)]
    pub id: InvitationId,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub email: String,
    pub role: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// Required for `reject` and `suspend`.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// The body of `reject` and `suspend`: [`ReviewRequest`] with its reason required (the
/// handlers read `ReviewRequest`; this is how the document says it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequired {
    /// Why, for the organization's members and the audit log.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DirectoryQuery {
    pub kind: Option<OrgKind>,
    /// A region code; its sub-regions are included.
    pub region: Option<String>,
    /// A technology-field code; its sub-fields are included.
    pub field: Option<String>,
    /// Bureau only; others always see verified organizations.
    pub status: Option<OrgStatus>,
    pub is_leading: Option<bool>,
    /// Chinese or English name, or an alias. At most 200 characters (422 `q_too_long`).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub token: String,
}
