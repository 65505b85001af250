//! What an event must be before it is stored: the fields of a draft or a change, cleaned and
//! checked together, so every refusal names all the fields at fault at once.

use chrono::NaiveDateTime;

use super::domain::{EventStatus, Zone};
use super::model::Event;
use super::views::{AudienceBody, EventChanges, NewEvent};
use crate::app::when::Moment;
use crate::app::{AuthUser, text};
use crate::db::DbConnection;
use crate::db::ids::{EventId, OrganizationId};
use crate::db::types::now;
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::organizations::domain::OrgKind;
use crate::organizations::{model as orgs, taxonomy};

const MAX_AUDIENCE_ENTRIES: usize = 500;

/// Who organizes an event unless the draft names someone.
const BUREAU: &str = "市工业和信息化局 / Municipal Bureau of Industry and Information Technology";

/// The zone a request's local times are read in: the one it names, when that is a zone,
/// else `current` (an unknown name is [`apply_timezone`]'s error).
fn reading_zone(name: Option<&str>, current: Zone) -> chrono_tz::Tz {
    name.and_then(|n| Zone::parse(n, "timezone").ok())
        .unwrap_or(current)
        .0
}

fn at(m: Moment, zone: chrono_tz::Tz) -> NaiveDateTime {
    m.resolve(zone).naive_utc()
}

/// A draft event from a request body, with its cleaning errors in `errors`; the caller
/// adds [`check_event`] and [`check_audience`].
pub fn new_event(b: &NewEvent, user: &AuthUser, errors: &mut Vec<FieldError>) -> Event {
    let t = now();
    let zone = reading_zone(b.timezone.as_deref(), Zone::DEFAULT);
    let naive = |m: Moment| at(m, zone);
    let mut ev = Event {
        id: EventId::new(),
        kind: b.kind,
        title: text::required("title", &b.title, 200, errors),
        title_en: b
            .title_en
            .as_deref()
            .map(|x| text::required("title_en", x, 200, errors)),
        description: text::required("description", &b.description, 10_000, errors),
        starts_at: naive(b.starts_at),
        ends_at: naive(b.ends_at),
        timezone: Zone::DEFAULT,
        location: text::required("location", &b.location, 500, errors),
        online_url: b.online_url.clone(),
        organizer: b
            .organizer
            .as_deref()
            .map(|x| text::required("organizer", x, 200, errors))
            .unwrap_or_else(|| BUREAU.to_owned()),
        capacity: b.capacity,
        capacity_per_organization: b.capacity_per_organization,
        registration_opens_at: b.registration_opens_at.map(naive),
        registration_closes_at: b.registration_closes_at.map(naive),
        leading_only: b.audience.leading_only,
        status: EventStatus::Draft,
        sequence: 0,
        cancel_reason: None,
        published_at: None,
        created_by: Some(user.id.clone()),
        created_at: t,
        updated_at: t,
    };
    apply_timezone(&mut ev, b.timezone.as_deref(), errors);
    ev
}

/// The zone named by a request, if it names one; an unknown name is a field error (after
/// the text fields' errors, as the other rules of [`check_event`]).
pub fn apply_timezone(ev: &mut Event, name: Option<&str>, errors: &mut Vec<FieldError>) {
    match name.map(|n| Zone::parse(n, "timezone")) {
        Some(Ok(zone)) => ev.timezone = zone,
        Some(Err(e)) => errors.push(e),
        None => {}
    }
}

/// `ev` with the fields `c` sends changed (the zone apart: [`apply_timezone`]), cleaning
/// errors in `errors`.
pub fn apply_changes(mut ev: Event, c: &EventChanges, errors: &mut Vec<FieldError>) -> Event {
    let zone = reading_zone(c.timezone.as_deref(), ev.timezone);
    let naive = |m: Moment| at(m, zone);
    if let Some(k) = c.kind {
        ev.kind = k;
    }
    if let Some(x) = &c.title {
        ev.title = text::required("title", x, 200, errors);
    }
    if let Some(x) = &c.title_en {
        ev.title_en = Some(text::required("title_en", x, 200, errors));
    }
    if let Some(x) = &c.description {
        ev.description = text::required("description", x, 10_000, errors);
    }
    if let Some(x) = &c.location {
        ev.location = text::required("location", x, 500, errors);
    }
    if let Some(x) = &c.organizer {
        ev.organizer = text::required("organizer", x, 200, errors);
    }
    if let Some(x) = c.starts_at {
        ev.starts_at = naive(x);
    }
    if let Some(x) = c.ends_at {
        ev.ends_at = naive(x);
    }
    if let Some(x) = &c.online_url {
        ev.online_url = Some(x.clone());
    }
    if let Some(x) = c.capacity {
        ev.capacity = x;
    }
    if let Some(x) = c.capacity_per_organization {
        ev.capacity_per_organization = Some(x);
    }
    if let Some(x) = c.registration_opens_at {
        ev.registration_opens_at = Some(naive(x));
    }
    if let Some(x) = c.registration_closes_at {
        ev.registration_closes_at = Some(naive(x));
    }
    if let Some(a) = &c.audience {
        ev.leading_only = a.leading_only;
    }
    ev
}

/// Whether a change moves the event in time or place (calendars and registrants are told).
pub fn moved(old: &Event, new: &Event) -> bool {
    new.starts_at != old.starts_at
        || new.ends_at != old.ends_at
        || new.location != old.location
        || new.online_url != old.online_url
        || new.timezone != old.timezone
}

fn check_url(field: &str, url: &str, errors: &mut Vec<FieldError>) {
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.chars().count() > 500
        || url.chars().any(char::is_control)
    {
        errors.push(FieldError::new(
            field,
            ErrorCode::UrlInvalid,
            Text::key("problem.url_invalid.online_url"),
        ));
    }
}

/// Rules every stored event obeys, checked after applying a create or a change.
pub fn check_event(ev: &Event, errors: &mut Vec<FieldError>) {
    if ev.ends_at <= ev.starts_at {
        errors.push(FieldError::new(
            "ends_at",
            ErrorCode::EndsBeforeStart,
            Text::key("problem.ends_before_start"),
        ));
    }
    if !(1..=100_000).contains(&ev.capacity) {
        errors.push(FieldError::new(
            "capacity",
            ErrorCode::OutOfRange,
            Text::key("problem.out_of_range.capacity"),
        ));
    }
    if let Some(p) = ev.capacity_per_organization
        && !(1..=ev.capacity).contains(&p)
    {
        errors.push(FieldError::new(
            "capacity_per_organization",
            ErrorCode::OutOfRange,
            Text::key("problem.out_of_range.capacity_per_organization"),
        ));
    }
    if let (Some(o), Some(c)) = (ev.registration_opens_at, ev.registration_closes_at)
        && c <= o
    {
        errors.push(FieldError::new(
            "registration_closes_at",
            ErrorCode::WindowEmpty,
            Text::key("problem.window_empty"),
        ));
    }
    if ev.registration_closes_at.is_some_and(|c| c > ev.ends_at) {
        errors.push(FieldError::new(
            "registration_closes_at",
            ErrorCode::ClosesAfterEnd,
            Text::key("problem.closes_after_end"),
        ));
    }
    if let Some(url) = &ev.online_url {
        check_url("online_url", url, errors);
    }
}

pub fn check_audience(
    conn: &mut DbConnection,
    a: &AudienceBody,
    errors: &mut Vec<FieldError>,
) -> Result<(), ApiError> {
    let total =
        a.kinds.len() + a.region_codes.len() + a.field_codes.len() + a.organization_ids.len();
    if total > MAX_AUDIENCE_ENTRIES {
        errors
            .push(FieldError::of("audience", ErrorCode::TooMany).arg("max", MAX_AUDIENCE_ENTRIES));
        return Ok(());
    }
    let filtered = !a.kinds.is_empty()
        || !a.region_codes.is_empty()
        || !a.field_codes.is_empty()
        || a.leading_only;
    if !a.organization_ids.is_empty() && filtered {
        errors.push(FieldError::new(
            "audience.organization_ids",
            ErrorCode::AudienceAmbiguous,
            Text::key("problem.audience_ambiguous"),
        ));
    }
    for (i, k) in a.kinds.iter().enumerate() {
        if k.parse::<OrgKind>().is_err() {
            errors.push(FieldError::new(
                format!("audience.kinds[{i}]"),
                ErrorCode::KindUnknown,
                Text::key("problem.kind_unknown")
                    .arg("list", "enterprise, university, research_institute, bureau"),
            ));
        }
    }
    for (i, r) in a.region_codes.iter().enumerate() {
        if !taxonomy::region_exists(conn, r)? {
            errors.push(FieldError::new(
                format!("audience.region_codes[{i}]"),
                ErrorCode::RegionUnknown,
                Text::key("problem.region_unknown.plain"),
            ));
        }
    }
    for f in taxonomy::unknown_fields(conn, &a.field_codes)? {
        errors.push(FieldError::new(
            "audience.field_codes",
            ErrorCode::FieldUnknown,
            Text::key("problem.field_unknown").arg("code", f.as_str()),
        ));
    }
    for (i, id) in a.organization_ids.iter().enumerate() {
        if orgs::find(conn, &OrganizationId::from(id.as_str()))?.is_none() {
            errors.push(FieldError::new(
                format!("audience.organization_ids[{i}]"),
                ErrorCode::OrganizationUnknown,
                Text::key("problem.organization_unknown"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Locale, Role};
    use crate::events::testing::draft;

    fn bureau() -> AuthUser {
        AuthUser {
            id: "b".into(),
            email: "b@example.com".to_owned(),
            display_name: "B".to_owned(),
            locale: Locale::En,
            role: Role::BureauAdmin,
            email_verified: true,
        }
    }

    fn codes(ev: &Event) -> Vec<ErrorCode> {
        let mut errors = Vec::new();
        check_event(ev, &mut errors);
        errors.into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn a_clean_draft_passes_and_defaults_apply() {
        let mut errors = Vec::new();
        let ev = new_event(&draft(10, Some(2)), &bureau(), &mut errors);
        assert!(errors.is_empty());
        assert_eq!(ev.timezone, Zone::DEFAULT);
        assert_eq!(ev.organizer, BUREAU);
        assert_eq!(ev.status, EventStatus::Draft);
        assert!(codes(&ev).is_empty());
    }

    #[test]
    fn the_registration_window_lies_before_the_end() {
        let mut errors = Vec::new();
        let mut ev = new_event(&draft(10, None), &bureau(), &mut errors);
        ev.registration_opens_at = Some(ev.starts_at);
        ev.registration_closes_at = Some(ev.starts_at);
        assert_eq!(codes(&ev), vec![ErrorCode::WindowEmpty]);
        ev.registration_closes_at = Some(ev.ends_at + chrono::Duration::minutes(1));
        assert_eq!(codes(&ev), vec![ErrorCode::ClosesAfterEnd]);
        ev.registration_closes_at = None;
        ev.online_url = Some("ftp://example.com".to_owned());
        assert_eq!(codes(&ev), vec![ErrorCode::UrlInvalid]);
    }

    #[test]
    fn only_time_and_place_count_as_a_move() {
        let mut errors = Vec::new();
        let old = new_event(&draft(10, None), &bureau(), &mut errors);
        let renamed = apply_changes(
            old.clone(),
            &EventChanges {
                title: Some("另一个".to_owned()),
                capacity: Some(20),
                ..EventChanges::default()
            },
            &mut errors,
        );
        assert!(!moved(&old, &renamed));
        let relocated = apply_changes(
            old.clone(),
            &EventChanges {
                online_url: Some("https://meet.example.com".to_owned()),
                ..EventChanges::default()
            },
            &mut errors,
        );
        assert!(moved(&old, &relocated));
        assert!(errors.is_empty());
    }
}
