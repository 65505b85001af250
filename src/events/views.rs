//! Request and response bodies of the events endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{EventKind, EventStatus, local_rfc3339};
use super::model::{Audience, Event};
use super::registrations::model::Registration;
use crate::app::when::{Bound, Moment};
use crate::db::ids::{EventId, OrganizationId, RegistrationId};
use crate::db::types::utc;
use crate::organizations::domain::OrgKind;

/// Who an event is for: a filter over verified organizations, or an explicit list.
/// Empty or absent lists mean "any"; region and field codes include their subtrees.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AudienceBody {
    /// Organization kinds, e.g. `enterprise`.
    #[serde(default)]
    #[schema(value_type = Vec<OrgKind>)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub region_codes: Vec<String>,
    #[serde(default)]
    pub field_codes: Vec<String>,
    /// Only leading enterprises.
    #[serde(default)]
    pub leading_only: bool,
    /// An explicit list; cannot be combined with the filters above.
    #[serde(default)]
    pub organization_ids: Vec<String>,
}

impl AudienceBody {
    pub fn from_parts(a: Audience, leading_only: bool) -> Self {
        AudienceBody {
            kinds: a.kinds,
            region_codes: a.region_codes,
            field_codes: a.field_codes,
            leading_only,
            organization_ids: a.organization_ids,
        }
    }

    pub fn to_audience(&self) -> Audience {
        use crate::extract::distinct;
        Audience {
            kinds: distinct(&self.kinds),
            region_codes: distinct(&self.region_codes),
            field_codes: distinct(&self.field_codes),
            organization_ids: distinct(&self.organization_ids),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub kind: EventKind,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title_en: Option<String>,
    #[schema(min_length = 1, max_length = 10_000)]
    pub description: String,
    pub starts_at: Moment,
    pub ends_at: Moment,
    /// IANA zone the event is shown in, and local times in the body are read in; default
    /// `Asia/Shanghai`.
    #[schema(
        pattern = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
        max_length = 64
    )]
    pub timezone: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub location: String,
    #[schema(
        pattern = r"^https?://[^\u0000-\u001f\u007f-\u009f]*$",
        max_length = 500
    )]
    pub online_url: Option<String>,
    /// Default: the bureau.
    #[schema(min_length = 1, max_length = 200)]
    pub organizer: Option<String>,
    #[schema(minimum = 1, maximum = 100_000)]
    pub capacity: i32,
    /// 1 to `capacity`.
    #[schema(minimum = 1, maximum = 100_000)]
    pub capacity_per_organization: Option<i32>,
    pub registration_opens_at: Option<Moment>,
    /// Default: the start of the event.
    pub registration_closes_at: Option<Moment>,
    #[serde(default)]
    pub audience: AudienceBody,
}

/// Changes to an event: only the fields sent change. Changing time or place of a
/// published event notifies registrants and invitees and bumps the calendar SEQUENCE.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventChanges {
    pub kind: Option<EventKind>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title_en: Option<String>,
    #[schema(min_length = 1, max_length = 10_000)]
    pub description: Option<String>,
    /// Local times are read in the event's zone (the one this change sets, if any).
    pub starts_at: Option<Moment>,
    pub ends_at: Option<Moment>,
    #[schema(
        pattern = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
        max_length = 64
    )]
    pub timezone: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub location: Option<String>,
    #[schema(
        pattern = r"^https?://[^\u0000-\u001f\u007f-\u009f]*$",
        max_length = 500
    )]
    pub online_url: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub organizer: Option<String>,
    #[schema(minimum = 1, maximum = 100_000)]
    pub capacity: Option<i32>,
    /// 1 to `capacity`.
    #[schema(minimum = 1, maximum = 100_000)]
    pub capacity_per_organization: Option<i32>,
    pub registration_opens_at: Option<Moment>,
    pub registration_closes_at: Option<Moment>,
    /// Replaces the audience (drafts only: a published event's invitations are sent).
    pub audience: Option<AudienceBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelEvent {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Which events to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// `draft` (bureau only), `published`, `completed` or `cancelled`; default: all the
    /// caller may see.
    pub status: Option<EventStatus>,
    pub kind: Option<EventKind>,
    /// Events starting at or after this time (a day: from its start, Beijing time).
    pub from: Option<Bound>,
    /// Events starting before this time (a day: up to its end, that day included).
    pub to: Option<Bound>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    #[schema(value_type = String)]
    pub id: EventId,
    /// `training`, `exchange`, `symposium` or `site_visit`.
    pub kind: String,
    pub title: String,
    pub title_en: Option<String>,
    pub description: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub timezone: String,
    /// Start in the event's zone, e.g. `2026-12-10T09:00:00+08:00`.
    pub starts_local: String,
    pub ends_local: String,
    pub location: String,
    pub online_url: Option<String>,
    pub organizer: String,
    pub capacity: i32,
    pub capacity_per_organization: Option<i32>,
    pub registration_opens_at: Option<DateTime<Utc>>,
    pub registration_closes_at: Option<DateTime<Utc>>,
    pub audience: AudienceBody,
    /// `draft`, `published`, `completed` or `cancelled`.
    pub status: String,
    /// iCalendar SEQUENCE: grows with each change of time or place.
    pub sequence: i32,
    pub cancel_reason: Option<String>,
    pub confirmed_count: i64,
    pub waitlisted_count: i64,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EventView {
    pub fn new(ev: Event, audience: Audience, counts: (i64, i64)) -> Self {
        EventView {
            starts_local: local_rfc3339(ev.starts_at, ev.timezone),
            ends_local: local_rfc3339(ev.ends_at, ev.timezone),
            audience: AudienceBody::from_parts(audience, ev.leading_only),
            id: ev.id,
            kind: ev.kind.as_str().to_owned(),
            title: ev.title,
            title_en: ev.title_en,
            description: ev.description,
            starts_at: utc(ev.starts_at),
            ends_at: utc(ev.ends_at),
            timezone: ev.timezone.name().to_owned(),
            location: ev.location,
            online_url: ev.online_url,
            organizer: ev.organizer,
            capacity: ev.capacity,
            capacity_per_organization: ev.capacity_per_organization,
            registration_opens_at: ev.registration_opens_at.map(utc),
            registration_closes_at: ev.registration_closes_at.map(utc),
            status: ev.status.as_str().to_owned(),
            sequence: ev.sequence,
            cancel_reason: ev.cancel_reason,
            confirmed_count: counts.0,
            waitlisted_count: counts.1,
            published_at: ev.published_at.map(utc),
            created_at: utc(ev.created_at),
            updated_at: utc(ev.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Each attendee of a registration has an address of their own.
    #[schema(
        pattern = r"^[A-Za-z0-9_%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length = 254
    )]
    pub email: String,
    /// Digits, spaces and `+-()`.
    #[schema(pattern = r"^[0-9+() -]*$", max_length = 30)]
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegistration {
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    /// 1 to 50 named attendees; each gets a place or a waitlist position, in order.
    #[schema(min_items = 1, max_items = 50)]
    pub attendees: Vec<Attendee>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    #[schema(value_type = String)]
    pub id: RegistrationId,
    #[schema(value_type = String)]
    pub event_id: EventId,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub attendee_name: String,
    pub attendee_email: String,
    pub attendee_phone: Option<String>,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: String,
    /// 1-based place in the waitlist, for waitlisted attendees.
    pub waitlist_position: Option<i64>,
    pub attended: bool,
    pub created_at: DateTime<Utc>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

impl RegistrationView {
    pub fn new(r: Registration, waitlist_position: Option<i64>) -> Self {
        RegistrationView {
            id: r.id,
            event_id: r.event_id,
            organization_id: r.organization_id,
            attendee_name: r.attendee_name,
            attendee_email: r.attendee_email,
            attendee_phone: r.attendee_phone,
            status: r.status.as_str().to_owned(),
            waitlist_position,
            attended: r.attended,
            created_at: utc(r.created_at),
            cancelled_at: r.cancelled_at.map(utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationList {
    pub items: Vec<RegistrationView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceBody {
    /// Registrations (confirmed ones) to mark: 1 to 1000.
    #[schema(value_type = Vec<String>, min_items = 1, max_items = 1000)]
    pub registration_ids: Vec<RegistrationId>,
    /// `true` attended (default), `false` to undo.
    pub attended: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceResult {
    pub updated: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationRow {
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub organization_name: String,
    /// Events (published, completed or cancelled) the organization was invited to.
    pub invited: i64,
    /// Attendees registered (confirmed or waitlisted).
    pub registered: i64,
    pub attended: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationReport {
    pub items: Vec<ParticipationRow>,
}

/// A calendar feed address; the token is shown only here.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    pub token: String,
    pub url: String,
}
