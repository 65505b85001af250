//! What the bureau's event form posts, read into the JSON API's bodies (`NewEvent`,
//! `EventChanges`): the page adds no rule of its own, it only reads text inputs into the
//! types those bodies have (a kind by name, a number, a local time as the API reads one)
//! and says so next to the input when one cannot be read. Every other check is
//! `events::service`'s.

use super::listing_form::expected;
use crate::app::when::Moment;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::events::domain::EventKind;
use crate::events::views::{AudienceBody, EventChanges, EventView, NewEvent};

/// An event's form as it is shown and sent back: text as typed, lists of codes.
#[derive(Debug, Clone, Default)]
pub struct EventForm {
    pub kind: String,
    pub title: String,
    pub title_en: String,
    pub description: String,
    /// Local times in the event's zone, `2027-01-10T09:00` (as `datetime-local` sends).
    pub starts_at: String,
    pub ends_at: String,
    pub location: String,
    pub online_url: String,
    pub capacity: String,
    pub capacity_per_organization: String,
    pub registration_opens_at: String,
    pub registration_closes_at: String,
    pub kinds: Vec<String>,
    pub region_codes: Vec<String>,
    pub field_codes: Vec<String>,
    pub leading_only: bool,
    /// Organization ids, one a line.
    pub organization_ids: String,
}

/// The typed values of a form.
struct Typed {
    kind: Option<EventKind>,
    starts_at: Option<Moment>,
    ends_at: Option<Moment>,
    capacity: Option<i32>,
    capacity_per_organization: Option<i32>,
    registration_opens_at: Option<Moment>,
    registration_closes_at: Option<Moment>,
}

fn some(v: &str) -> Option<String> {
    Some(v.trim()).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// `v` read by `parse`; when it cannot be, "expected `what`" for `field` joins `errors`.
fn read<T>(
    field: &str,
    v: &str,
    what: &'static str,
    parse: impl FnOnce(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    let t = parse(v);
    if t.is_none() {
        errors.push(expected(field, what, v));
    }
    t
}

/// `2026-12-10T09:00:00+08:00` -> `2026-12-10T09:00`, as a `datetime-local` input shows it.
fn local_input(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).to_owned()
}

impl EventForm {
    /// The form's fields from the submitted pairs (a multiple choice sends its name once
    /// per chosen value).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> EventForm {
        let mut f = EventForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => f.kind = v,
                "title" => f.title = v,
                "title_en" => f.title_en = v,
                "description" => f.description = v,
                "starts_at" => f.starts_at = v,
                "ends_at" => f.ends_at = v,
                "location" => f.location = v,
                "online_url" => f.online_url = v,
                "capacity" => f.capacity = v,
                "capacity_per_organization" => f.capacity_per_organization = v,
                "registration_opens_at" => f.registration_opens_at = v,
                "registration_closes_at" => f.registration_closes_at = v,
                "audience.kinds" => f.kinds.push(v),
                "audience.region_codes" => f.region_codes.push(v),
                "audience.field_codes" => f.field_codes.push(v),
                "audience.leading_only" => f.leading_only = true,
                "audience.organization_ids" => f.organization_ids = v,
                _ => {}
            }
        }
        f
    }

    /// The form of an event being edited.
    pub fn from_view(e: &EventView) -> EventForm {
        let window = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| {
                let zone = crate::events::domain::Zone::parse(&e.timezone, "timezone")
                    .map_or(chrono_tz::Asia::Shanghai, |z| z.0);
                t.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string()
            })
            .unwrap_or_default()
        };
        let n = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        EventForm {
            kind: e.kind.clone(),
            title: e.title.clone(),
            title_en: e.title_en.clone().unwrap_or_default(),
            description: e.description.clone(),
            starts_at: local_input(&e.starts_local),
            ends_at: local_input(&e.ends_local),
            location: e.location.clone(),
            online_url: e.online_url.clone().unwrap_or_default(),
            capacity: e.capacity.to_string(),
            capacity_per_organization: n(e.capacity_per_organization),
            registration_opens_at: window(e.registration_opens_at),
            registration_closes_at: window(e.registration_closes_at),
            kinds: e.audience.kinds.clone(),
            region_codes: e.audience.region_codes.clone(),
            field_codes: e.audience.field_codes.clone(),
            leading_only: e.audience.leading_only,
            organization_ids: e.audience.organization_ids.join("\n"),
        }
    }

    pub fn has_kind(&self, code: &str) -> bool {
        self.kinds.iter().any(|c| c == code)
    }

    pub fn has_region(&self, code: &str) -> bool {
        self.region_codes.iter().any(|c| c == code)
    }

    pub fn has_field(&self, code: &str) -> bool {
        self.field_codes.iter().any(|c| c == code)
    }

    fn typed(&self) -> Result<Typed, ApiError> {
        let mut errors = Vec::new();
        let kind = match self.kind.parse::<EventKind>() {
            Ok(k) => Some(k),
            Err(_) => {
                errors.push(FieldError::of("kind", ErrorCode::KindUnknown));
                None
            }
        };
        let mut moment =
            |field: &str, v: &str| read(field, v, "format.moment", Moment::parse, &mut errors);
        let (starts_at, ends_at) = (
            moment("starts_at", &self.starts_at),
            moment("ends_at", &self.ends_at),
        );
        let (registration_opens_at, registration_closes_at) = (
            moment("registration_opens_at", &self.registration_opens_at),
            moment("registration_closes_at", &self.registration_closes_at),
        );
        let mut whole =
            |field: &str, v: &str| read(field, v, "expect.number", |v| v.parse().ok(), &mut errors);
        let capacity = whole("capacity", &self.capacity);
        let capacity_per_organization =
            whole("capacity_per_organization", &self.capacity_per_organization);
        for (field, v) in [("starts_at", &starts_at), ("ends_at", &ends_at)] {
            if v.is_none() && !errors.iter().any(|e| e.field == field) {
                errors.push(FieldError::of(field, ErrorCode::Required));
            }
        }
        if capacity.is_none() && self.capacity.trim().is_empty() {
            errors.push(FieldError::of("capacity", ErrorCode::Required));
        }
        ApiError::fields(errors)?;
        Ok(Typed {
            kind,
            starts_at,
            ends_at,
            capacity,
            capacity_per_organization,
            registration_opens_at,
            registration_closes_at,
        })
    }

    fn audience(&self) -> AudienceBody {
        AudienceBody {
            kinds: self.kinds.clone(),
            region_codes: self.region_codes.clone(),
            field_codes: self.field_codes.clone(),
            leading_only: self.leading_only,
            organization_ids: (self.organization_ids.split(['\n', ',', ' ']))
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }

    /// The body of `POST /api/v1/events` this form stands for.
    pub fn new_event(self) -> Result<NewEvent, ApiError> {
        let t = self.typed()?;
        let (Some(kind), Some(starts_at), Some(ends_at), Some(capacity)) =
            (t.kind, t.starts_at, t.ends_at, t.capacity)
        else {
            return Err(ApiError::internal(anyhow::anyhow!("typed form incomplete")));
        };
        Ok(NewEvent {
            audience: self.audience(),
            kind,
            title: self.title,
            title_en: some(&self.title_en),
            description: self.description,
            starts_at,
            ends_at,
            timezone: None,
            location: self.location,
            online_url: some(&self.online_url),
            organizer: None,
            capacity,
            capacity_per_organization: t.capacity_per_organization,
            registration_opens_at: t.registration_opens_at,
            registration_closes_at: t.registration_closes_at,
        })
    }

    /// The body of `PATCH /api/v1/events/{id}` this form stands for (a draft's: with its
    /// audience). Empty optional inputs leave the value as it is, as in the API.
    pub fn changes(self, with_audience: bool) -> Result<EventChanges, ApiError> {
        let t = self.typed()?;
        Ok(EventChanges {
            audience: with_audience.then(|| self.audience()),
            kind: t.kind,
            title: Some(self.title),
            title_en: some(&self.title_en),
            description: Some(self.description),
            starts_at: t.starts_at,
            ends_at: t.ends_at,
            timezone: None,
            location: Some(self.location),
            online_url: some(&self.online_url),
            organizer: None,
            capacity: t.capacity,
            capacity_per_organization: t.capacity_per_organization,
            registration_opens_at: t.registration_opens_at,
            registration_closes_at: t.registration_closes_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        (list.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_form_reads_into_the_api_body_and_names_each_input_it_cannot_read() {
        let f = EventForm::from_pairs(pairs(&[
            ("kind", "training"),
            ("title", "赤泥培训"),
            ("starts_at", "2030-01-10T09:00"),
            ("ends_at", "2030-01-10T12:00"),
            ("capacity", "30"),
            ("audience.kinds", "enterprise"),
            ("audience.organization_ids", "a\n b ,c"),
        ]));
        let b = f.new_event().unwrap();
        assert_eq!(b.kind, EventKind::Training);
        assert_eq!(b.capacity, 30);
        assert!(matches!(b.starts_at, Moment::Local(_)));
        assert_eq!(b.audience.kinds, ["enterprise"]);
        assert_eq!(b.audience.organization_ids, ["a", "b", "c"]);
        assert_eq!((b.title_en, b.online_url), (None, None));

        let bad = EventForm::from_pairs(pairs(&[
            ("kind", "party"),
            ("starts_at", "next week"),
            ("capacity", "三十"),
        ]));
        let ApiError::Validation { errors, .. } = bad.new_event().unwrap_err() else {
            panic!("a validation error")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["kind", "starts_at", "capacity", "ends_at"]);
    }
}
