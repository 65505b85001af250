//! Unit tests of the events service on a fresh SQLite database.

use super::model;
use super::service::*;
use super::views::{CancelEvent, EventChanges, EventQuery};
use crate::error::{ApiError, ErrorCode};
use crate::events::registrations::domain::AttendeeInput;
use crate::events::registrations::service as registration;
use crate::events::testing::{bureau, conn, draft, member, organization, postman, published, tx};
use crate::events::views::AudienceBody;

fn changes() -> EventChanges {
    EventChanges::default()
}

#[test]
fn only_the_bureau_drafts_and_drafts_are_its_alone() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let org = organization(&mut c);
    let m = member(&mut c, &org);
    assert!(matches!(
        create(&mut c, &m, draft(10, None)),
        Err(ApiError::Forbidden { .. })
    ));
    let ev = create(&mut c, &admin, draft(10, None)).unwrap();
    assert_eq!(ev.status, "draft");
    assert!(matches!(
        get(&mut c, &m, &ev.id.as_str().into()),
        Err(ApiError::NotFound)
    ));
    let seen = list(&mut c, Some(&m), EventQuery::default()).unwrap();
    assert!(seen.items.is_empty());
    let seen = list(&mut c, Some(&admin), EventQuery::default()).unwrap();
    assert_eq!(seen.items.len(), 1);
}

#[test]
fn a_draft_names_every_field_at_fault() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let mut d = draft(0, Some(5));
    d.ends_at = d.starts_at;
    d.timezone = Some("Mars/Olympus".to_owned());
    d.audience = AudienceBody {
        kinds: vec!["guild".to_owned()],
        ..AudienceBody::default()
    };
    let ApiError::Validation { errors, .. } = create(&mut c, &admin, d).unwrap_err() else {
        panic!("expected field errors");
    };
    let fields: Vec<_> = errors.iter().map(|e| e.code).collect();
    assert_eq!(
        fields,
        vec![
            ErrorCode::TimezoneUnknown,
            ErrorCode::EndsBeforeStart,
            ErrorCode::OutOfRange,
            ErrorCode::OutOfRange,
            ErrorCode::KindUnknown
        ]
    );
}

#[test]
fn a_published_event_keeps_its_audience_and_its_confirmed_places() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let pm = postman();
    let ev = published(&mut c, &admin, 2, None);
    let c1 = EventChanges {
        audience: Some(AudienceBody::default()),
        ..changes()
    };
    let err = tx(&mut c, |c| update(c, &pm, &admin, &ev, c1)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AudienceLocked);
    let org = organization(&mut c);
    let m = member(&mut c, &org);
    let people: Vec<AttendeeInput> = (0..3)
        .map(|i| AttendeeInput {
            name: format!("p{i}"),
            email: format!("p{i}@guest.example.com"),
            phone: None,
        })
        .collect();
    tx(&mut c, |c| {
        registration::register(c, &pm, 100, &m, &ev, &org, people)
    })
    .unwrap();
    let smaller = EventChanges {
        capacity: Some(1),
        ..changes()
    };
    let err = tx(&mut c, |c| update(c, &pm, &admin, &ev, smaller)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::CapacityBelowConfirmed);
    // More places promote the waitlist at once.
    let larger = EventChanges {
        capacity: Some(3),
        ..changes()
    };
    let v = tx(&mut c, |c| update(c, &pm, &admin, &ev, larger)).unwrap();
    assert_eq!((v.confirmed_count, v.waitlisted_count), (3, 0));
}

#[test]
fn moving_a_published_event_bumps_its_sequence_and_cancelling_closes_it() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let pm = postman();
    let ev = published(&mut c, &admin, 5, None);
    let renamed = EventChanges {
        title: Some("新名称".to_owned()),
        ..changes()
    };
    assert_eq!(
        tx(&mut c, |c| update(c, &pm, &admin, &ev, renamed))
            .unwrap()
            .sequence,
        0
    );
    let moved = EventChanges {
        location: Some("Binzhou".to_owned()),
        ..changes()
    };
    assert_eq!(
        tx(&mut c, |c| update(c, &pm, &admin, &ev, moved))
            .unwrap()
            .sequence,
        1
    );
    let why = || CancelEvent {
        reason: "weather".to_owned(),
    };
    let v = tx(&mut c, |c| cancel_event(c, &pm, &admin, &ev, why())).unwrap();
    assert_eq!((v.status.as_str(), v.sequence), ("cancelled", 2));
    // Again: nothing changes.
    let v = tx(&mut c, |c| cancel_event(c, &pm, &admin, &ev, why())).unwrap();
    assert_eq!(v.sequence, 2);
    let err = tx(&mut c, |c| publish_event(c, &pm, &admin, &ev)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::EventClosed);
    let err = tx(&mut c, |c| update(c, &pm, &admin, &ev, changes())).unwrap_err();
    assert_eq!(err.code(), ErrorCode::EventClosed);
}

#[test]
fn publishing_invites_the_audience_once_and_not_in_the_past() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let pm = postman();
    let org = organization(&mut c);
    member(&mut c, &org);
    let ev = create(&mut c, &admin, draft(5, None)).unwrap();
    tx(&mut c, |c| {
        publish_event(c, &pm, &admin, &ev.id.as_str().into())
    })
    .unwrap();
    assert!(model::is_invited(&mut c, &ev.id.as_str().into(), &org).unwrap());
    let invitees = model::invitees(&mut c, &ev.id.as_str().into())
        .unwrap()
        .len();
    assert_eq!(invitees, 1);
    // Publishing again is a no-op.
    let v = tx(&mut c, |c| {
        publish_event(c, &pm, &admin, &ev.id.as_str().into())
    })
    .unwrap();
    assert_eq!(v.status, "published");
    let mut past = draft(5, None);
    past.starts_at = (chrono::Utc::now() - chrono::Duration::hours(1)).into();
    let past = create(&mut c, &admin, past).unwrap();
    let err = tx(&mut c, |c| {
        publish_event(c, &pm, &admin, &past.id.as_str().into())
    })
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::EventInPast);
}

#[test]
fn a_corrupt_stored_status_kind_or_zone_is_an_error_not_a_default() {
    use diesel::connection::SimpleConnection;
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = create(&mut c, &admin, draft(5, None)).unwrap();
    for corrupt in [
        "status = 'publishd'",
        "kind = 'party'",
        "timezone = 'Mars/Olympus'",
    ] {
        let saved = model::find(&mut c, &ev.id.as_str().into())
            .unwrap()
            .unwrap();
        c.batch_execute(&format!(
            "UPDATE events SET {corrupt} WHERE id = '{}'",
            ev.id
        ))
        .unwrap();
        assert!(
            model::find(&mut c, &ev.id.as_str().into()).is_err(),
            "{corrupt} was read"
        );
        assert!(get(&mut c, &admin, &ev.id.as_str().into()).is_err());
        model::update(&mut c, &saved).unwrap();
        assert!(get(&mut c, &admin, &ev.id.as_str().into()).is_ok());
    }
}
