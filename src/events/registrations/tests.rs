//! Unit tests of the registration service on a fresh SQLite database.

use super::domain::AttendeeInput;
use super::service::*;
use crate::error::{ApiError, ErrorCode};
use crate::events::testing::{bureau, conn, member, organization, postman, published, tx};
use crate::events::views::RegistrationView;

fn people(n: usize, tag: &str) -> Vec<AttendeeInput> {
    (0..n)
        .map(|i| AttendeeInput {
            name: format!("{tag}{i}"),
            email: format!("{tag}{i}@guest.example.com"),
            phone: None,
        })
        .collect()
}

fn statuses(views: &[RegistrationView]) -> Vec<(&str, Option<i64>)> {
    views
        .iter()
        .map(|v| (v.status.as_str(), v.waitlist_position))
        .collect()
}

#[test]
fn beyond_capacity_attendees_wait_in_line() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = published(&mut c, &admin, 2, None);
    let org = organization(&mut c);
    let m = member(&mut c, &org);
    let got = tx(&mut c, |c| {
        register(c, &postman(), 100, &m, &ev, &org, people(4, "a"))
    })
    .unwrap();
    assert_eq!(
        statuses(&got),
        vec![
            ("confirmed", None),
            ("confirmed", None),
            ("waitlisted", Some(1)),
            ("waitlisted", Some(2)),
        ]
    );
}

#[test]
fn cancelling_a_place_promotes_the_first_in_line_who_fits() {
    let mut c = conn();
    let admin = bureau(&mut c);
    // Two places, one per organization.
    let ev = published(&mut c, &admin, 2, Some(1));
    let (a, b) = (organization(&mut c), organization(&mut c));
    let (ma, mb) = (member(&mut c, &a), member(&mut c, &b));
    let pm = postman();
    let first_a = tx(&mut c, |c| {
        register(c, &pm, 100, &ma, &ev, &a, people(2, "a"))
    })
    .unwrap();
    let first_b = tx(&mut c, |c| {
        register(c, &pm, 100, &mb, &ev, &b, people(2, "b"))
    })
    .unwrap();
    assert_eq!(
        statuses(&first_b),
        vec![("confirmed", None), ("waitlisted", Some(2))]
    );
    // b's confirmed attendee cancels: a1 waits longer but a is at its cap, so b1 moves up.
    let cancelled = tx(&mut c, |c| {
        cancel(c, &pm, &mb, &ev, &first_b[0].id.as_str().into())
    })
    .unwrap();
    assert_eq!(cancelled.status, "cancelled");
    let all = list(&mut c, &admin, &ev).unwrap();
    let status_of = |id: &str| {
        all.iter()
            .find(|v| v.id.as_str() == id)
            .map(|v| (v.status.clone(), v.waitlist_position))
            .unwrap()
    };
    assert_eq!(status_of(&first_b[1].id), ("confirmed".to_owned(), None));
    assert_eq!(
        status_of(&first_a[1].id),
        ("waitlisted".to_owned(), Some(1))
    );
    // Cancelling again changes nothing and promotes nobody.
    let again = tx(&mut c, |c| {
        cancel(c, &pm, &mb, &ev, &first_b[0].id.as_str().into())
    })
    .unwrap();
    assert_eq!(again.status, "cancelled");
    assert_eq!(list(&mut c, &admin, &ev).unwrap().len(), 4);
}

#[test]
fn members_see_only_their_organizations_registrations() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = published(&mut c, &admin, 10, None);
    let (a, b) = (organization(&mut c), organization(&mut c));
    let (ma, mb) = (member(&mut c, &a), member(&mut c, &b));
    let pm = postman();
    tx(&mut c, |c| {
        register(c, &pm, 100, &ma, &ev, &a, people(1, "a"))
    })
    .unwrap();
    let theirs = tx(&mut c, |c| {
        register(c, &pm, 100, &mb, &ev, &b, people(1, "b"))
    })
    .unwrap();
    assert_eq!(list(&mut c, &ma, &ev).unwrap().len(), 1);
    assert_eq!(list(&mut c, &admin, &ev).unwrap().len(), 2);
    // Nor may they cancel another organization's.
    assert!(matches!(
        tx(&mut c, |c| cancel(
            c,
            &pm,
            &ma,
            &ev,
            &theirs[0].id.as_str().into()
        )),
        Err(ApiError::NotFound)
    ));
}

#[test]
fn an_attendee_holds_one_live_registration() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = published(&mut c, &admin, 10, None);
    let org = organization(&mut c);
    let m = member(&mut c, &org);
    let pm = postman();
    tx(&mut c, |c| {
        register(c, &pm, 100, &m, &ev, &org, people(1, "a"))
    })
    .unwrap();
    let err = tx(&mut c, |c| {
        register(c, &pm, 100, &m, &ev, &org, people(2, "a"))
    })
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyRegistered);
}

#[test]
fn another_organization_registers_the_same_address_as_its_own() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = published(&mut c, &admin, 10, None);
    let (a, b) = (organization(&mut c), organization(&mut c));
    let (ma, mb) = (member(&mut c, &a), member(&mut c, &b));
    let pm = postman();
    tx(&mut c, |c| {
        register(c, &pm, 100, &ma, &ev, &a, people(1, "x"))
    })
    .unwrap();
    let theirs = tx(&mut c, |c| {
        register(c, &pm, 100, &mb, &ev, &b, people(1, "x"))
    })
    .unwrap();
    assert_eq!(statuses(&theirs), vec![("confirmed", None)]);
    assert_eq!(list(&mut c, &admin, &ev).unwrap().len(), 2);
}

#[test]
fn only_members_register_and_only_for_open_events() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = published(&mut c, &admin, 10, None);
    let (org, other) = (organization(&mut c), organization(&mut c));
    let outsider = member(&mut c, &other);
    let pm = postman();
    let err = tx(&mut c, |c| {
        register(c, &pm, 100, &outsider, &ev, &org, people(1, "a"))
    })
    .unwrap_err();
    assert!(matches!(err, ApiError::Forbidden { .. }));
    let draft =
        crate::events::service::create(&mut c, &admin, crate::events::testing::draft(10, None))
            .unwrap();
    let m = member(&mut c, &org);
    let err = tx(&mut c, |c| {
        register(
            c,
            &pm,
            100,
            &m,
            &draft.id.as_str().into(),
            &org,
            people(1, "a"),
        )
    })
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::EventNotPublished);
}

#[test]
fn attendance_waits_for_the_event_to_start() {
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = published(&mut c, &admin, 10, None);
    let ids = vec![crate::db::ids::RegistrationId::from("x")];
    let err = record_attendance(&mut c, &admin, &ev, &ids, true).unwrap_err();
    assert_eq!(err.code(), ErrorCode::EventNotStarted);
    let org = organization(&mut c);
    let m = member(&mut c, &org);
    assert!(matches!(
        record_attendance(&mut c, &m, &ev, &ids, true),
        Err(ApiError::Forbidden { .. })
    ));
    assert_eq!(
        record_attendance(&mut c, &admin, &ev, &[], true)
            .unwrap_err()
            .code(),
        ErrorCode::CountOutOfRange
    );
}

#[test]
fn a_corrupt_stored_registration_status_is_an_error_not_a_default() {
    use diesel::connection::SimpleConnection;
    let mut c = conn();
    let admin = bureau(&mut c);
    let ev = published(&mut c, &admin, 5, None);
    let org = organization(&mut c);
    let m = member(&mut c, &org);
    let regs = tx(&mut c, |c| {
        register(c, &postman(), 100, &m, &ev, &org, people(1, "a"))
    })
    .unwrap();
    c.batch_execute(&format!(
        "UPDATE event_registrations SET status = 'confirmd' WHERE id = '{}'",
        regs[0].id
    ))
    .unwrap();
    assert!(list(&mut c, &admin, &ev).is_err());
}
