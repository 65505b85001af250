//! The interest services against a real (in-memory SQLite) database.

use super::*;
use crate::collaboration::agreements::{fulfil_need, need_of_agreement};
use crate::collaboration::domain::DeclineReason;
use crate::collaboration::testing::{self as t, count};
use crate::collaboration::views::{AcceptInterest, DeclineInterest, NewInterest};
use crate::error::ErrorCode;

struct World {
    conn: DbConnection,
    postman: Postman,
    /// Member of `univ`, which offers capability `cap`.
    sender: AuthUser,
    /// Member of `ent`, which posted need `need`.
    receiver: AuthUser,
    outsider: AuthUser,
}

fn world() -> World {
    let mut conn = t::conn();
    let sender = t::user(&mut conn, "u-sender", false);
    let receiver = t::user(&mut conn, "u-receiver", false);
    let outsider = t::user(&mut conn, "u-outsider", false);
    t::org(&mut conn, "ent", "verified", "3716", &["u-receiver"]);
    t::org(&mut conn, "univ", "verified", "3716", &["u-sender"]);
    t::org(&mut conn, "other", "verified", "3716", &["u-outsider"]);
    t::listing(
        &mut conn,
        "need",
        "need",
        "ent",
        "published",
        &["licensing", "consulting"],
    );
    t::listing(
        &mut conn,
        "cap",
        "capability",
        "univ",
        "published",
        &["consulting"],
    );
    World {
        conn,
        postman: t::postman(),
        sender,
        receiver,
        outsider,
    }
}

fn send(w: &mut World) -> InterestView {
    create(
        &mut w.conn,
        &w.postman,
        &w.sender,
        NewInterest {
            from_organization_id: "univ".into(),
            need_id: Some("need".into()),
            capability_id: Some("cap".into()),
            message: "We can help".into(),
        },
    )
    .unwrap()
}

#[test]
fn an_interest_tells_the_receiver_and_a_second_open_one_is_refused() {
    let mut w = world();
    let v = send(&mut w);
    assert_eq!(
        (
            v.target_listing_id.as_str(),
            v.offered_listing_id.as_deref()
        ),
        ("need", Some("cap"))
    );
    assert_eq!((v.status.as_str(), v.direction.as_str()), ("open", "sent"));
    let told = count(
        &mut w.conn,
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = 'u-receiver'",
    );
    assert_eq!(told, 1);
    let again = create(
        &mut w.conn,
        &w.postman,
        &w.sender,
        NewInterest {
            from_organization_id: "univ".into(),
            need_id: Some("need".into()),
            capability_id: None,
            message: "Again".into(),
        },
    )
    .unwrap_err();
    assert_eq!(again.code(), ErrorCode::InterestOpen);
}

#[test]
fn accepting_records_one_agreement_with_the_shared_mode_and_reveals_contacts() {
    let mut w = world();
    let v = send(&mut w);
    let (c, p) = (&mut w.conn, &w.postman);
    let accepted = accept(
        c,
        p,
        &w.receiver,
        &v.id.as_str().into(),
        AcceptInterest::default(),
    )
    .unwrap();
    assert_eq!(accepted.status, "accepted");
    let a = accepted.agreement.unwrap();
    assert_eq!(
        (
            a.need_organization_id.as_str(),
            a.provider_organization_id.as_str(),
            a.cooperation_mode.as_str(),
            a.need_id.as_deref(),
            a.capability_id.as_deref(),
        ),
        ("ent", "univ", "consulting", Some("need"), Some("cap"))
    );
    let contact = accepted.counterpart_contact.unwrap();
    assert_eq!(contact.organization_id.as_str(), "univ");
    let told = count(
        c,
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = 'u-sender'",
    );
    assert_eq!(told, 1);
    // Decided once: a second decision is a conflict and writes nothing.
    let e = accept(
        c,
        p,
        &w.receiver,
        &v.id.as_str().into(),
        AcceptInterest::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidTransition);
    assert_eq!(count(c, "SELECT COUNT(*) AS n FROM agreements"), 1);
}

#[test]
fn only_the_receiver_declines_and_only_the_sender_withdraws() {
    let mut w = world();
    let v = send(&mut w);
    let (c, p) = (&mut w.conn, &w.postman);
    let decline_body = || DeclineInterest {
        reason: DeclineReason::Budget,
        comment: None,
    };
    let e = decline(c, p, &w.sender, &v.id.as_str().into(), decline_body()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let e = decline(c, p, &w.outsider, &v.id.as_str().into(), decline_body()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    let e = withdraw(c, p, &w.receiver, &v.id.as_str().into()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    let done = withdraw(c, p, &w.sender, &v.id.as_str().into()).unwrap();
    assert_eq!(done.status, "withdrawn");
    let e = decline(c, p, &w.receiver, &v.id.as_str().into(), decline_body()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidTransition);
}

#[test]
fn an_outsider_does_not_see_an_interest_and_the_bureau_does() {
    let mut w = world();
    let v = send(&mut w);
    let bureau = t::user(&mut w.conn, "u-bureau", true);
    assert_eq!(
        get(&mut w.conn, &w.outsider, &v.id.as_str().into())
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    assert_eq!(
        get(&mut w.conn, &bureau, &v.id.as_str().into())
            .unwrap()
            .direction,
        "bureau"
    );
}

#[test]
fn an_unknown_stored_status_is_an_error_not_a_default() {
    let mut w = world();
    let v = send(&mut w);
    t::run(&mut w.conn, "UPDATE interests SET status = 'opne'");
    let e = get(&mut w.conn, &w.sender, &v.id.as_str().into()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InternalError);
}

#[test]
fn either_side_of_an_agreement_may_fulfil_its_need_and_outsiders_do_not_see_it() {
    let mut w = world();
    let v = send(&mut w);
    let (c, p) = (&mut w.conn, &w.postman);
    let a = accept(
        c,
        p,
        &w.receiver,
        &v.id.as_str().into(),
        AcceptInterest::default(),
    )
    .unwrap()
    .agreement
    .unwrap();
    assert_eq!(
        need_of_agreement(c, &w.sender, &a.id.as_str().into())
            .unwrap()
            .as_str(),
        "need"
    );
    assert_eq!(
        need_of_agreement(c, &w.receiver, &a.id.as_str().into())
            .unwrap()
            .as_str(),
        "need"
    );
    let e = need_of_agreement(c, &w.outsider, &a.id.as_str().into()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
    t::run(c, "UPDATE agreements SET need_id = NULL");
    let e = need_of_agreement(c, &w.sender, &a.id.as_str().into()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NoNeed);
}

#[test]
fn fulfilling_an_agreements_need_is_one_operation_and_happens_once() {
    let mut w = world();
    let v = send(&mut w);
    let (c, p) = (&mut w.conn, &w.postman);
    let a = accept(
        c,
        p,
        &w.receiver,
        &v.id.as_str().into(),
        AcceptInterest::default(),
    )
    .unwrap()
    .agreement
    .unwrap();
    let need = fulfil_need(c, &w.receiver, &a.id.as_str().into()).unwrap();
    assert_eq!(need.id.as_str(), "need");
    let status = count(
        c,
        "SELECT COUNT(*) AS n FROM listings WHERE id = 'need' AND status = 'fulfilled'",
    );
    assert_eq!(status, 1);
    let e = fulfil_need(c, &w.receiver, &a.id.as_str().into()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidTransition);
    let e = fulfil_need(c, &w.outsider, &a.id.as_str().into()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound);
}
