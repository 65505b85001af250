//! Events: audience and invitations, capacity and the waitlist, windows, calendars,
//! reminders, and delivery while the SMTP server is down.

use std::time::Duration;

use chrono::{DateTime, Utc};
use icalendar::{Calendar, CalendarComponent, Component};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};
use crate::registry::{enterprise, uscc};
use crate::smtp::SmtpServer;

fn at(days: i64, hours: i64) -> String {
    (Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(hours)).to_rfc3339()
}

pub fn event_body(title: &str, start_days: i64, capacity: i64, audience: Value) -> Value {
    json!({
        "kind": "training", "title": title, "title_en": format!("{title} (en)"),
        "description": "赤泥综合利用技术培训", "starts_at": at(start_days, 0), "ends_at": at(start_days, 3),
        "location": "邹平市会展中心", "capacity": capacity, "audience": audience
    })
}

impl TestApp {
    pub async fn create_event(&self, bureau: &TestUser, body: &Value) -> Value {
        let res = self
            .post_json_as("/api/v1/events", &bureau.access, body)
            .await;
        assert_eq!(res.status().as_u16(), 201, "create event");
        res.json().await.unwrap()
    }

    pub async fn publish_event(&self, bureau: &TestUser, id: &str) -> Value {
        let res = self
            .post_json_as(
                &format!("/api/v1/events/{id}/publish"),
                &bureau.access,
                &json!({}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 200, "publish event");
        res.json().await.unwrap()
    }

    /// A published event open to every verified organization.
    pub async fn open_event(&self, bureau: &TestUser, capacity: i64) -> String {
        let ev = self
            .create_event(bureau, &event_body("开放活动", 10, capacity, json!({})))
            .await;
        let id = ev["id"].as_str().unwrap().to_owned();
        self.publish_event(bureau, &id).await;
        id
    }

    pub async fn register_attendees(
        &self,
        user: &TestUser,
        event: &str,
        org: &str,
        emails: &[&str],
    ) -> reqwest::Response {
        let attendees: Vec<Value> = emails
            .iter()
            .map(|e| json!({"name": format!("参会人 {e}"), "email": e}))
            .collect();
        self.post_json_as(
            &format!("/api/v1/events/{event}/registrations"),
            &user.access,
            &json!({"organization_id": org, "attendees": attendees}),
        )
        .await
    }

    /// How many notices (inbox rows) exist in all.
    pub async fn notice_count(&self) -> i64 {
        use collab_registry::db::schema::notifications;
        use diesel::prelude::*;
        self.db
            .run(|conn| Ok(notifications::table.count().get_result::<i64>(conn)?))
            .await
            .unwrap()
    }

    /// Rows in the outbox in all.
    pub async fn outbox_count(&self) -> i64 {
        use collab_registry::db::schema::outbox_emails;
        use diesel::prelude::*;
        self.db
            .run(|conn| Ok(outbox_emails::table.count().get_result::<i64>(conn)?))
            .await
            .unwrap()
    }
}

/// The organizations invited to the event starting in `days` days (events in these tests
/// start on distinct days, so the participation report by start date isolates one).
async fn invited(app: &TestApp, bureau: &TestUser, days: i64) -> Vec<String> {
    let from =
        (Utc::now() + chrono::Duration::days(days) - chrono::Duration::hours(1)).to_rfc3339();
    let to = (Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(1)).to_rfc3339();
    let url = format!(
        "/api/v1/events/participation?from={}&to={}",
        urlencode(&from),
        urlencode(&to)
    );
    let res = app.get_as(&url, &bureau.access).await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    let mut ids: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["invited"].as_i64().unwrap() > 0)
        .map(|r| r["organization_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn publishing_invites_exactly_the_audience_once() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let uni_member = app.verified_user("uni@example.com").await;

    // A: leading enterprise in Zouping, red-mud iron recovery (inside the red-mud subtree).
    let mut a_body = enterprise("魏桥铝电", &uscc(1));
    a_body["field_codes"] = json!(["red-mud.iron-recovery"]);
    let a = app.verified_org(&owner, &bureau, &a_body).await;
    let res = app
        .patch_json_as(
            &format!("/api/v1/organizations/{}", id(&a)),
            &bureau.access,
            &json!({"is_leading": true}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    // B: enterprise in the Binzhou high-tech zone, recycled aluminium.
    let mut b_body = enterprise("滨州再生铝", &uscc(2));
    b_body["region_code"] = json!("binzhou-hitech");
    b_body["field_codes"] = json!(["recycled-al"]);
    let b = app.verified_org(&owner, &bureau, &b_body).await;
    // C: university in the Zouping development zone (inside Zouping), red mud.
    let c = app
        .verified_org(
            &uni_member,
            &bureau,
            &json!({"kind": "university", "name": "滨州学院", "region_code": "zouping-etdz", "field_codes": ["red-mud"]}),
        )
        .await;
    // D: a pending enterprise in Zouping: never invited.
    app.create_org(&owner, &enterprise("待审企业", &uscc(3)))
        .await;

    let cases = [
        (json!({"kinds": ["university"]}), vec![id(&c)]),
        (json!({"region_codes": ["zouping"]}), vec![id(&a), id(&c)]),
        (json!({"field_codes": ["red-mud"]}), vec![id(&a), id(&c)]),
        (json!({"field_codes": ["recycled-al.dross"]}), vec![]),
        (json!({"leading_only": true}), vec![id(&a)]),
        (json!({"organization_ids": [id(&b)]}), vec![id(&b)]),
        (json!({}), vec![id(&a), id(&b), id(&c)]),
    ];
    for (i, (audience, expected)) in cases.into_iter().enumerate() {
        let days = 10 + i as i64;
        let ev = app
            .create_event(
                &bureau,
                &event_body(&format!("活动 {i}"), days, 30, audience.clone()),
            )
            .await;
        app.publish_event(&bureau, &id(&ev)).await;
        let mut expected = expected;
        expected.sort();
        assert_eq!(
            invited(&app, &bureau, days).await,
            expected,
            "audience {audience}"
        );
    }

    // The university member heard about the events their organization is in (kinds,
    // region, field, everyone), each once, with a calendar attached (besides the
    // verification and organization-verified mails).
    let mails = app.smtp.wait_for("uni@example.com", 2 + 4).await;
    let invitations: Vec<_> = mails
        .iter()
        .filter(|m| m.subject().starts_with("Invitation"))
        .collect();
    assert_eq!(
        invitations.len(),
        4,
        "{:?}",
        mails.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    assert!(invitations[0].raw.contains("text/calendar"));
    assert!(invitations[0].raw.contains("BEGIN:VCALENDAR"));
    assert!(!invitations[0].header("List-Unsubscribe").is_empty());

    // Publishing again (or a retried request) sends nothing new.
    let (notices, outbox) = (app.notice_count().await, app.outbox_count().await);
    let events: Value = app
        .get_as("/api/v1/events?status=published", &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    let first = events["items"][0]["id"].as_str().unwrap().to_owned();
    let again = app.publish_event(&bureau, &first).await;
    assert_eq!(again["status"], "published");
    assert_eq!(app.notice_count().await, notices);
    assert_eq!(app.outbox_count().await, outbox);

    // Only the bureau creates or publishes.
    let res = app
        .post_json_as(
            "/api/v1/events",
            &owner.access,
            &event_body("x", 30, 5, json!({})),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    // The audience of a published event is fixed; filters and a list do not mix.
    let res = app
        .patch_json_as(
            &format!("/api/v1/events/{first}"),
            &bureau.access,
            &json!({"audience": {"kinds": ["university"]}}),
        )
        .await;
    assert_problem(res, 409, "audience_locked").await;
    let res = app
        .post_json_as(
            "/api/v1/events",
            &bureau.access,
            &event_body(
                "x",
                30,
                5,
                json!({"kinds": ["university"], "organization_ids": [id(&b)]}),
            ),
        )
        .await;
    let body = assert_problem(res, 422, "audience_ambiguous").await;
    assert_eq!(body["errors"][0]["field"], "audience.organization_ids");
}

#[tokio::test]
async fn concurrent_registrations_never_overbook_and_cancellation_promotes_the_first_in_line() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);
    let event = app.open_event(&bureau, 10).await;

    let mut tasks = Vec::new();
    for i in 0..50 {
        let (client, url, token, org) = (
            app.client.clone(),
            app.url(&format!("/api/v1/events/{event}/registrations")),
            owner.access.clone(),
            org.clone(),
        );
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"organization_id": org, "attendees": [{"name": format!("员工{i}"), "email": format!("a{i}@guest.example.com")}]}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let regs: Value = app
        .get_as(
            &format!("/api/v1/events/{event}/registrations"),
            &bureau.access,
        )
        .await
        .json()
        .await
        .unwrap();
    let items = regs["items"].as_array().unwrap();
    let confirmed: Vec<&Value> = items
        .iter()
        .filter(|r| r["status"] == "confirmed")
        .collect();
    let waiting: Vec<&Value> = items
        .iter()
        .filter(|r| r["status"] == "waitlisted")
        .collect();
    assert_eq!((confirmed.len(), waiting.len()), (10, 40));
    let first_in_line = waiting
        .iter()
        .find(|r| r["waitlist_position"] == 1)
        .unwrap();
    let second_in_line = waiting
        .iter()
        .find(|r| r["waitlist_position"] == 2)
        .unwrap();
    let promoted_email = first_in_line["attendee_email"].as_str().unwrap().to_owned();
    let ev: Value = app
        .get_as(&format!("/api/v1/events/{event}"), &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            ev["confirmed_count"].as_i64(),
            ev["waitlisted_count"].as_i64()
        ),
        (Some(10), Some(40))
    );

    // Cancelling a confirmed place promotes exactly the first in line, who is told.
    let res = app
        .client
        .delete(app.url(&format!(
            "/api/v1/events/{event}/registrations/{}",
            confirmed[0]["id"].as_str().unwrap()
        )))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let regs: Value = app
        .get_as(
            &format!("/api/v1/events/{event}/registrations"),
            &owner.access,
        )
        .await
        .json()
        .await
        .unwrap();
    let status_of = |email: &Value| {
        regs["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["attendee_email"] == *email)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of(&first_in_line["attendee_email"]), "confirmed");
    assert_eq!(status_of(&second_in_line["attendee_email"]), "waitlisted");
    assert_eq!(status_of(&confirmed[0]["attendee_email"]), "cancelled");
    let mails = app.smtp.wait_for(&promoted_email, 2).await;
    assert!(
        mails
            .iter()
            .any(|m| m.subject().starts_with("You have a place")),
        "{:?}",
        mails.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );

    // The same attendee cannot hold two places; other members cannot cancel.
    // (The cancelled attendee could register again; one still waiting cannot.)
    let waiting_email = second_in_line["attendee_email"].as_str().unwrap();
    let res = app
        .register_attendees(&owner, &event, &org, &[waiting_email])
        .await;
    assert_problem(res, 409, "already_registered").await;
    let stranger = app.verified_user("stranger@example.com").await;
    let res = app
        .client
        .delete(app.url(&format!(
            "/api/v1/events/{event}/registrations/{}",
            confirmed[1]["id"].as_str().unwrap()
        )))
        .bearer_auth(&stranger.access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let theirs: Value = app
        .get_as(
            &format!("/api/v1/events/{event}/registrations"),
            &stranger.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn registration_is_refused_outside_the_window_and_for_drafts_and_cancelled_events() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);

    let draft = id(&app
        .create_event(&bureau, &event_body("草稿", 10, 5, json!({})))
        .await);
    let res = app
        .register_attendees(&owner, &draft, &org, &["x@guest.example.com"])
        .await;
    assert_problem(res, 409, "event_not_published").await;

    let mut body = event_body("未开放", 11, 5, json!({}));
    body["registration_opens_at"] = json!(at(5, 0));
    let later = id(&app.create_event(&bureau, &body).await);
    app.publish_event(&bureau, &later).await;
    let res = app
        .register_attendees(&owner, &later, &org, &["x@guest.example.com"])
        .await;
    assert_problem(res, 409, "registration_not_open").await;

    let mut body = event_body("已截止", 12, 5, json!({}));
    body["registration_closes_at"] = json!(at(0, -1));
    let closed = id(&app.create_event(&bureau, &body).await);
    app.publish_event(&bureau, &closed).await;
    let res = app
        .register_attendees(&owner, &closed, &org, &["x@guest.example.com"])
        .await;
    assert_problem(res, 409, "registration_closed").await;

    let cancelled = app.open_event(&bureau, 5).await;
    let res = app
        .post_json_as(
            &format!("/api/v1/events/{cancelled}/cancel"),
            &bureau.access,
            &json!({"reason": "场地调整"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let res = app
        .register_attendees(&owner, &cancelled, &org, &["x@guest.example.com"])
        .await;
    assert_problem(res, 409, "event_cancelled").await;

    // Not in the audience: an explicit list without this organization.
    let other = id(&app
        .verified_org(&owner, &bureau, &enterprise("另一企业", &uscc(2)))
        .await);
    let private = id(&app
        .create_event(
            &bureau,
            &event_body("定向", 13, 5, json!({"organization_ids": [other]})),
        )
        .await);
    app.publish_event(&bureau, &private).await;
    let res = app
        .register_attendees(&owner, &private, &org, &["x@guest.example.com"])
        .await;
    assert_problem(res, 403, "not_in_audience").await;

    // Bad attendees are listed field by field.
    let open = app.open_event(&bureau, 5).await;
    let res = app
        .post_json_as(
            &format!("/api/v1/events/{open}/registrations"),
            &owner.access,
            &json!({"organization_id": org, "attendees": [{"name": "", "email": "nope"}]}),
        )
        .await;
    let body = assert_problem(res, 422, "validation_failed").await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["attendees[0].name", "attendees[0].email"]);
    // Non-members cannot register for an organization.
    let stranger = app.verified_user("stranger@example.com").await;
    let res = app
        .register_attendees(&stranger, &open, &org, &["y@guest.example.com"])
        .await;
    assert_problem(res, 403, "forbidden").await;
}

fn parse_ics(body: &str) -> (Calendar, icalendar::Event) {
    let cal: Calendar = body.parse().expect("valid iCalendar");
    let ev = cal
        .components
        .iter()
        .find_map(|c| match c {
            CalendarComponent::Event(e) => Some(e.clone()),
            _ => None,
        })
        .expect("a VEVENT");
    (cal, ev)
}

fn starts(ev: &icalendar::Event) -> DateTime<Utc> {
    match ev.get_start().unwrap() {
        icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t)) => t,
        other => panic!("expected a UTC start, got {other:?}"),
    }
}

#[tokio::test]
async fn ics_has_a_stable_uid_bumps_sequence_on_change_and_says_cancel() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);
    let created = app
        .create_event(&bureau, &event_body("赤泥培训", 10, 5, json!({})))
        .await;
    let event = id(&created);
    app.publish_event(&bureau, &event).await;
    let res = app
        .register_attendees(
            &owner,
            &event,
            &org,
            &["owner@example.com", "guest@guest.example.com"],
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);

    let res = app
        .get_as(&format!("/api/v1/events/{event}.ics"), &owner.access)
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let (cal, ev) = parse_ics(&res.text().await.unwrap());
    let uid = format!("{event}@collab-registry");
    assert_eq!(ev.get_uid(), Some(uid.as_str()));
    assert_eq!(ev.property_value("SEQUENCE"), Some("0"));
    let expected: DateTime<Utc> = created["starts_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(starts(&ev).timestamp(), expected.timestamp());
    assert_eq!(cal.property_value("METHOD"), Some("PUBLISH"));

    // Moving the event: same UID, SEQUENCE 1, new start; registrants hear of it.
    let new_start = Utc::now() + chrono::Duration::days(11);
    let res = app
        .patch_json_as(
            &format!("/api/v1/events/{event}"),
            &bureau.access,
            &json!({"starts_at": new_start.to_rfc3339(), "ends_at": (new_start + chrono::Duration::hours(2)).to_rfc3339()}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (_, ev) = parse_ics(
        &app.get_as(&format!("/api/v1/events/{event}.ics"), &owner.access)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(ev.get_uid(), Some(uid.as_str()));
    assert_eq!(ev.property_value("SEQUENCE"), Some("1"));
    assert_eq!(starts(&ev).timestamp(), new_start.timestamp());
    let guest = app.smtp.wait_for("guest@guest.example.com", 2).await;
    assert!(guest.iter().any(|m| m.subject().starts_with("Changed:")));

    // The user's feed lists it; a revoked token stops working.
    let res = app
        .post_json_as("/api/v1/me/calendar-token", &owner.access, &json!({}))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let feed: Value = res.json().await.unwrap();
    let token = feed["token"].as_str().unwrap();
    let res = app
        .get(&format!("/api/v1/me/calendar.ics?token={token}"))
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (_, ev) = parse_ics(&res.text().await.unwrap());
    assert_eq!(ev.get_uid(), Some(uid.as_str()));

    // Cancelled: METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE 2; everyone is told.
    let res = app
        .post_json_as(
            &format!("/api/v1/events/{event}/cancel"),
            &bureau.access,
            &json!({"reason": "场地调整"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let (cal, ev) = parse_ics(
        &app.get_as(&format!("/api/v1/events/{event}.ics"), &owner.access)
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(cal.property_value("METHOD"), Some("CANCEL"));
    assert_eq!(ev.property_value("STATUS"), Some("CANCELLED"));
    assert_eq!(ev.property_value("SEQUENCE"), Some("2"));
    let guest = app.smtp.wait_for("guest@guest.example.com", 3).await;
    let cancel = guest
        .iter()
        .find(|m| m.subject().starts_with("Cancelled:"))
        .expect("a cancellation mail");
    assert!(cancel.raw.contains("method=CANCEL"));

    app.client
        .delete(app.url("/api/v1/me/calendar-token"))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    let res = app
        .get(&format!("/api/v1/me/calendar.ics?token={token}"))
        .await;
    assert_eq!(res.status().as_u16(), 404);
}

#[tokio::test]
async fn invitations_queued_while_smtp_is_down_all_arrive_once_it_is_back() {
    let port = SmtpServer::reserve_port().unwrap();
    let app = spawn_app_with(|s| s.mail.smtp_url = Some(SmtpServer::url_for(port).into())).await;
    let bureau = app.bureau_admin().await;
    let mut members = Vec::new();
    for i in 0..5 {
        let user = app.verified_user_without_mail_check().await;
        let org = app
            .create_org(&user, &enterprise(&format!("企业{i}"), &uscc(10 + i)))
            .await;
        let res = app
            .post_json_as(
                &format!("/api/v1/organizations/{}/verify", id(&org)),
                &bureau.access,
                &json!({}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 200);
        let me: Value = app
            .get_as("/api/v1/me", &user.access)
            .await
            .json()
            .await
            .unwrap();
        members.push(me["email"].as_str().unwrap().to_owned());
    }
    app.open_event(&bureau, 50).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let smtp = SmtpServer::start_on(port).await.unwrap();
    for m in &members {
        // Verification, organization verified, invitation.
        let mails = smtp.wait_for(m, 3).await;
        assert!(
            mails.iter().any(|x| x.subject().starts_with("Invitation")),
            "{m}"
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for m in &members {
        let invitations = smtp
            .mails_to(m)
            .into_iter()
            .filter(|x| x.subject().starts_with("Invitation"))
            .count();
        assert_eq!(invitations, 1, "{m}");
    }
}

#[tokio::test]
async fn reminders_go_once_and_again_when_the_event_moves() {
    let app = spawn_app_with(|s| s.scheduler_interval = Duration::from_secs(1)).await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);
    let mut body = event_body("明日培训", 0, 5, json!({}));
    body["starts_at"] = json!(at(0, 5));
    body["ends_at"] = json!(at(0, 8));
    let event = id(&app.create_event(&bureau, &body).await);
    app.publish_event(&bureau, &event).await;
    let res = app
        .register_attendees(&owner, &event, &org, &["guest@guest.example.com"])
        .await;
    assert_eq!(res.status().as_u16(), 201);

    let reminders = |app: &TestApp| {
        app.smtp
            .mails_to("guest@guest.example.com")
            .into_iter()
            .filter(|m| m.subject().starts_with("Reminder:"))
            .count()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while reminders(&app) < 1 {
        assert!(tokio::time::Instant::now() < deadline, "no reminder");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(reminders(&app), 1, "a reminder is sent once");

    let res = app
        .patch_json_as(
            &format!("/api/v1/events/{event}"),
            &bureau.access,
            &json!({"starts_at": at(0, 6), "ends_at": at(0, 9)}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while reminders(&app) < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reminder after the move"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn attendance_and_participation_counts() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);
    let mut body = event_body("已开始", 0, 5, json!({}));
    body["starts_at"] = json!(at(0, 1));
    body["ends_at"] = json!(at(0, 4));
    let event = id(&app.create_event(&bureau, &body).await);
    app.publish_event(&bureau, &event).await;
    let regs: Value = app
        .register_attendees(
            &owner,
            &event,
            &org,
            &["a@guest.example.com", "b@guest.example.com"],
        )
        .await
        .json()
        .await
        .unwrap();
    let first = regs["items"][0]["id"].as_str().unwrap().to_owned();
    // Not started yet: attendance waits.
    let res = app
        .post_json_as(
            &format!("/api/v1/events/{event}/attendance"),
            &bureau.access,
            &json!({"registration_ids": [first]}),
        )
        .await;
    assert_problem(res, 409, "event_not_started").await;
    app.sql("UPDATE events SET starts_at = '2020-01-01 00:00:00'")
        .await;
    let res = app
        .post_json_as(
            &format!("/api/v1/events/{event}/attendance"),
            &owner.access,
            &json!({"registration_ids": [first]}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .post_json_as(
            &format!("/api/v1/events/{event}/attendance"),
            &bureau.access,
            &json!({"registration_ids": [first]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["updated"], 1);

    let mine: Value = app
        .get_as("/api/v1/events/participation", &owner.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"][0]["organization_id"], org.as_str());
    assert_eq!(
        (
            mine["items"][0]["invited"].as_i64(),
            mine["items"][0]["registered"].as_i64(),
            mine["items"][0]["attended"].as_i64()
        ),
        (Some(1), Some(2), Some(1))
    );
    let stranger = app.verified_user("stranger@example.com").await;
    let res = app
        .get_as(
            &format!("/api/v1/events/participation?organization_id={org}"),
            &stranger.access,
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
}
