//! Mail as a person reads it, through the real SMTP server (issue 15): an attendee's
//! calendar cancellation, names in the reader's language, the interested organization named,
//! the bureau told of organizations awaiting review.

use icalendar::{Calendar, CalendarComponent, Component};
use serde_json::{Value, json};

use crate::events::event_body;
use crate::helpers::spawn_app;
use crate::listings::{post, publish};
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The calendar and its one VEVENT.
fn vevent(ics: &str) -> (Calendar, icalendar::Event) {
    let cal: Calendar = ics.parse().expect("valid iCalendar");
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

/// What RFC 5546 asks of every object: a product of ours and an organizer with an address.
fn assert_identified(cal: &Calendar, ev: &icalendar::Event, raw: &str) {
    let prodid = cal.property_value("PRODID").unwrap_or_default();
    assert!(prodid.contains("collab-registry"), "PRODID {prodid:?}");
    assert!(!raw.contains("ICALENDAR-RS"), "{raw}");
    let organizer = ev.property_value("ORGANIZER").unwrap_or_default();
    assert!(
        organizer.starts_with("mailto:"),
        "ORGANIZER {organizer:?} in {raw}"
    );
}

#[tokio::test]
async fn cancelling_one_registration_sends_that_attendee_a_calendar_cancellation() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);
    let event = id(&app
        .create_event(&bureau, &event_body("赤泥培训", 10, 5, json!({})))
        .await);
    app.publish_event(&bureau, &event).await;
    let res = app
        .register_attendees(
            &owner,
            &event,
            &org,
            &["guest@guest.example.com", "other@guest.example.com"],
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let regs: Value = res.json().await.unwrap();
    let reg = regs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["attendee_email"] == "guest@guest.example.com")
        .unwrap()
        .clone();

    let confirmation = app
        .smtp
        .wait_for_subject("guest@guest.example.com", "Registered:")
        .await;
    let confirmed_ics = confirmation.calendar().expect("the confirmation's .ics");
    let (cal, confirmed) = vevent(&confirmed_ics);
    assert_identified(&cal, &confirmed, &confirmed_ics);

    let res = app
        .client
        .delete(app.url(&format!(
            "/api/v1/events/{event}/registrations/{}",
            id(&reg)
        )))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);

    let mail = app
        .smtp
        .wait_for_subject("guest@guest.example.com", "Registration cancelled:")
        .await;
    let ics = mail.calendar().expect("the cancellation carries an .ics");
    assert!(mail.raw.contains("method=CANCEL"));
    let (cal, cancel) = vevent(&ics);
    assert_eq!(cal.property_value("METHOD"), Some("CANCEL"));
    assert_eq!(cancel.get_uid(), confirmed.get_uid());
    let seq =
        |e: &icalendar::Event| -> u32 { e.property_value("SEQUENCE").unwrap().parse().unwrap() };
    assert!(seq(&cancel) > seq(&confirmed), "{ics}");
    assert_identified(&cal, &cancel, &ics);
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded
            .lines()
            .any(|l| l.starts_with("ATTENDEE") && l.ends_with(":mailto:guest@guest.example.com")),
        "{ics}"
    );

    // The registrant hears of it without a cancellation for the whole event (their
    // calendar may hold it for the other attendee); the other attendee hears nothing.
    let told = app
        .smtp
        .wait_for_subject("owner@example.com", "Registration cancelled:")
        .await;
    assert!(told.calendar().is_none());
    assert!(
        app.smtp
            .mails_to("other@guest.example.com")
            .iter()
            .all(|m| !m.subject().starts_with("Registration cancelled"))
    );

    // The event's own download names its product and organizer too.
    let ics = app
        .get_as(&format!("/api/v1/events/{event}.ics"), &owner.access)
        .await
        .text()
        .await
        .unwrap();
    let (cal, ev) = vevent(&ics);
    assert_identified(&cal, &ev, &ics);
}

#[tokio::test]
async fn every_mail_names_the_organization_in_the_reader_language_and_greets_once() {
    let app = spawn_app().await;
    let owner = app.verified_user("owner@example.com").await; // an English account
    let bureau = app.bureau_admin().await;
    let mut body = enterprise("魏桥铝电", &uscc(7));
    body["name_en"] = json!("Weiqiao Aluminium");
    let org = id(&app.verified_org(&owner, &bureau, &body).await);
    app.smtp
        .wait_for_subject("owner@example.com", "Weiqiao Aluminium has been verified")
        .await;

    // A Chinese account holder: in Chinese, their name, one greeting.
    let res = app.register("li@example.com", "zh-CN").await;
    assert_eq!(res.status().as_u16(), 201);
    let token = app.verification_mail("li@example.com").await.token();
    let res = app
        .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
        .await;
    assert_eq!(res.status().as_u16(), 204);
    let members = format!("/api/v1/organizations/{org}/members");
    let res = app
        .post_json_as(&members, &owner.access, &json!({"email": "li@example.com"}))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let zh = app
        .smtp
        .wait_for_subject("li@example.com", "邀请您加入「魏桥铝电」")
        .await;
    assert!(zh.text().starts_with("Test User，您好："), "{}", zh.text());
    assert!(!zh.text().contains("您好，您好"), "{}", zh.text());

    // An address without an account: in the English inviter's language, greeted once.
    let res = app
        .post_json_as(
            &members,
            &owner.access,
            &json!({"email": "new@example.com"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let en = app.smtp.wait_for("new@example.com", 1).await.remove(0);
    assert_eq!(en.subject(), "Invitation to join Weiqiao Aluminium");
    assert!(en.text().starts_with("Hello,"), "{}", en.text());
    assert!(!en.text().contains("您好"), "{}", en.text());
}

#[tokio::test]
async fn a_new_interest_names_the_interested_organization_and_links_to_it() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let ent_user = app.verified_user("ent@example.com").await;
    let uni_user = app.verified_user("uni@example.com").await;
    let ent = id(&app
        .verified_org(&ent_user, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);
    let uni = id(&app
        .verified_org(
            &uni_user,
            &bureau,
            &json!({"kind": "university", "name": "滨州学院", "name_en": "Binzhou University",
                    "region_code": "bincheng", "field_codes": ["red-mud"],
                    "contact": {"name": "李教授", "email": "li@uni.example.edu.cn", "phone": "0543-3190000"}}),
        )
        .await);
    let need = id(&post(&app, &ent_user, "/api/v1/needs", &json!({
        "organization_id": ent, "title": "赤泥选铁技术需求",
        "description": "每年排放拜耳法赤泥约200万吨，希望通过焙烧磁选回收铁精粉。",
        "keywords": ["赤泥"], "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"]
    })).await);
    publish(&app, &ent_user, "needs", &need).await;
    let res = app
        .post_json_as(
            "/api/v1/interests",
            &uni_user.access,
            &json!({"from_organization_id": uni, "need_id": need, "message": "我们有中试线。"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);

    let mail = app
        .smtp
        .wait_for_subject("ent@example.com", "New interest")
        .await;
    let text = mail.text();
    assert!(
        text.contains("Binzhou University is interested in"),
        "{text}"
    );
    // The link is the interested organization's page, and it opens for the recipient.
    let link = format!("{}/organizations/{uni}", app.settings.public_url);
    assert!(
        text.contains(&format!("About Binzhou University: {link}")),
        "{text}"
    );
    let c = crate::pages_member::signed_in(&app, "ent@example.com").await;
    let (status, html) = crate::pages::get_html(&c, &link).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Binzhou University"), "{html}");
}

#[tokio::test]
async fn the_bureau_hears_that_an_organization_awaits_review_as_each_prefers() {
    let app = spawn_app().await;
    let now = app.bureau_admin().await;
    let later = app.bureau_admin().await;
    let email_of = |u: &crate::helpers::TestUser| {
        let (app, token) = (&app, u.access.clone());
        async move {
            let me: Value = app.get_as("/api/v1/me", &token).await.json().await.unwrap();
            me["email"].as_str().unwrap().to_owned()
        }
    };
    let (now_email, later_email) = (email_of(&now).await, email_of(&later).await);
    let res = app
        .patch_json_as(
            "/api/v1/me",
            &later.access,
            &json!({"notification_preferences": {"registry": "digest"}}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);

    let owner = app.verified_user("owner@example.com").await;
    let org = app
        .create_org(&owner, &enterprise("魏桥铝电", &uscc(3)))
        .await;
    assert_eq!(org["status"], "pending");

    // Email now for the one who wants it, in their language (the bureau's accounts are
    // Chinese), with the way to the review.
    let mail = app
        .smtp
        .wait_for_subject(&now_email, "待审核机构：魏桥铝电")
        .await;
    assert!(
        mail.text()
            .contains(&format!("/organizations/{}", id(&org)))
    );
    // In the inbox for both; held for the digest for the other.
    for (who, delivery) in [(&now, "immediate"), (&later, "digest")] {
        let inbox: Value = app
            .get_as("/api/v1/me/notifications", &who.access)
            .await
            .json()
            .await
            .unwrap();
        let items = inbox["items"].as_array().unwrap();
        let notice = items
            .iter()
            .find(|n| n["title"] == "待审核机构：魏桥铝电")
            .unwrap_or_else(|| panic!("no review notice in {inbox}"));
        assert_eq!(notice["topic"], "registry");
        assert_eq!(notice["delivery"], delivery);
    }
    assert!(
        app.smtp
            .mails_to(&later_email)
            .iter()
            .all(|m| !m.subject().starts_with("待审核机构"))
    );
}
