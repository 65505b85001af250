//! Mail to addresses outside the platform: only verified organizations invite, invitations
//! and outside attendees have hourly quotas (429 with Retry-After), a repeated mail to one
//! recipient is collapsed, and addresses the mailer refuses are refused at the API.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, count, spawn_app, spawn_app_with};
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn invite(app: &TestApp, owner: &TestUser, org: &str, email: &str) -> reqwest::Response {
    app.post_json_as(
        &format!("/api/v1/organizations/{org}/members"),
        &owner.access,
        &json!({"email": email}),
    )
    .await
}

async fn mails_to(app: &TestApp, to: &str) -> i64 {
    count(
        &app.db,
        format!("SELECT count(*) AS n FROM outbox_emails WHERE to_address = '{to}'"),
    )
    .await
}

async fn assert_throttled(res: reqwest::Response) {
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry), "Retry-After {retry}");
    assert_problem(res, 429, "too_many_requests").await;
}

#[tokio::test]
async fn a_pending_organization_cannot_invite() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .create_org(&owner, &enterprise("待审企业", &uscc(1)))
        .await);
    let res = invite(&app, &owner, &org, "stranger@elsewhere.example.com").await;
    assert_problem(res, 403, "organization_not_verified").await;
    assert_eq!(mails_to(&app, "stranger@elsewhere.example.com").await, 0);
}

#[tokio::test]
async fn invitations_have_an_hourly_quota_and_a_repeat_to_one_address_sends_nothing() {
    let app = spawn_app_with(|s| s.quotas.invitations_per_hour = 3).await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    let first = invite(&app, &owner, &org, "one@elsewhere.example.com").await;
    assert_eq!(first.status().as_u16(), 201);
    let first: Value = first.json().await.unwrap();
    for _ in 0..5 {
        let res = invite(&app, &owner, &org, "One@elsewhere.example.com").await;
        assert_eq!(
            res.status().as_u16(),
            200,
            "a repeat answers the open invitation"
        );
        assert_eq!(res.json::<Value>().await.unwrap()["id"], first["id"]);
    }
    assert_eq!(mails_to(&app, "one@elsewhere.example.com").await, 1);
    for n in [2, 3] {
        let res = invite(&app, &owner, &org, &format!("p{n}@elsewhere.example.com")).await;
        assert_eq!(res.status().as_u16(), 201);
    }
    let res = invite(&app, &owner, &org, "p4@elsewhere.example.com").await;
    assert_throttled(res).await;
    assert_eq!(mails_to(&app, "p4@elsewhere.example.com").await, 0);
    assert_eq!(
        count(&app.db, "SELECT count(*) AS n FROM invitations").await,
        3
    );
}

#[tokio::test]
async fn outside_attendees_have_an_hourly_quota_per_event_that_cancelling_does_not_reset() {
    let app = spawn_app_with(|s| s.quotas.outside_attendees_per_hour = 3).await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let _colleague = app.verified_user("colleague@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    let event = app.open_event(&bureau, 100).await;
    let res = app
        .register_attendees(
            &owner,
            &event,
            &org,
            &["a@guest.example.com", "b@guest.example.com"],
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let items: Value = res.json().await.unwrap();
    for r in items["items"].as_array().unwrap() {
        let res = app
            .client
            .delete(app.url(&format!("/api/v1/events/{event}/registrations/{}", id(r))))
            .bearer_auth(&owner.access)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    // Two more strangers would make four in the hour: refused, nothing written.
    let res = app
        .register_attendees(
            &owner,
            &event,
            &org,
            &["c@guest.example.com", "d@guest.example.com"],
        )
        .await;
    assert_throttled(res).await;
    assert_eq!(mails_to(&app, "c@guest.example.com").await, 0);
    // People with an account are not outside mail.
    let res = app
        .register_attendees(&owner, &event, &org, &["colleague@example.com"])
        .await;
    assert_eq!(res.status().as_u16(), 201);
    // Registering a cancelled stranger again: the identical confirmation is collapsed.
    let before = mails_to(&app, "a@guest.example.com").await;
    assert_eq!(before, 2, "confirmed, then cancelled");
    let res = app
        .register_attendees(&owner, &event, &org, &["a@guest.example.com"])
        .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(mails_to(&app, "a@guest.example.com").await, before);
    // That was the third: the quota is spent.
    let res = app
        .register_attendees(&owner, &event, &org, &["e@guest.example.com"])
        .await;
    assert_throttled(res).await;
}

#[tokio::test]
async fn addresses_the_mailer_refuses_are_refused_at_registration_invitation_and_attendance() {
    let app = spawn_app().await;
    let bad = "a<b>@x.example.com";
    let res = app.register(bad, "en").await;
    let body = assert_problem(res, 422, "email_invalid").await;
    assert_eq!(body["errors"][0]["field"], "email");

    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    let body = assert_problem(invite(&app, &owner, &org, bad).await, 422, "email_invalid").await;
    assert_eq!(body["errors"][0]["field"], "email");
    let event = app.open_event(&bureau, 10).await;
    let res = app.register_attendees(&owner, &event, &org, &[bad]).await;
    let body = assert_problem(res, 422, "email_invalid").await;
    assert_eq!(body["errors"][0]["field"], "attendees[0].email");
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) AS n FROM outbox_emails WHERE to_address LIKE 'a<%'"
        )
        .await,
        0
    );
}
