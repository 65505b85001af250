//! The member pages of issue 14's last part, over plain HTTP with a cookie-keeping client:
//! notification preferences (the same change as `PATCH /api/v1/me`, the unsubscribed
//! state said), the calendar feed link shown once and never again, and an event's
//! registrations for the members of the registering organization (add, waitlist place,
//! cancel, the freed place promoted).

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::pages::{browser_like, csrf_of, get_html};
use crate::pages_member::{post_form, signed_in};
use crate::registry::{enterprise, uscc};

async fn me(app: &TestApp, user: &TestUser) -> Value {
    app.get_as("/api/v1/me", &user.access)
        .await
        .json()
        .await
        .unwrap()
}

/// The address of the feed in a page, if it shows one.
fn feed_in(html: &str) -> Option<String> {
    let at = html.find("/api/v1/me/calendar.ics?token=")?;
    let start = html[..at].rfind('"')? + 1;
    let end = at + html[at..].find('"')?;
    Some(html[start..end].to_owned())
}

#[tokio::test]
async fn a_member_chooses_how_each_topic_reaches_them_and_gets_a_calendar_link_once() {
    let app = spawn_app().await;
    let user = app.verified_user("li@example.com").await;
    let res = browser_like()
        .get(app.url("/preferences"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "a visitor signs in first");

    // Every topic is an email for each notice until chosen otherwise.
    let c = signed_in(&app, "li@example.com").await;
    let (status, html) = get_html(&c, &app.url("/dashboard")).await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/preferences\""), "{html}");
    let (status, html) = get_html(&c, &app.url("/preferences")).await;
    assert_eq!(status, 200, "{html}");
    for topic in ["registry", "matches", "events", "collaboration"] {
        let radio = format!("name=\"{topic}\" value=\"immediate\" checked");
        assert!(html.contains(&radio), "{topic}: {html}");
    }
    assert!(!html.contains("class=\"hint unsubscribed\""), "{html}");
    assert!(html.contains("You have no calendar link yet."), "{html}");

    // Saved as the API saves it; the inbox-only topic says that no email comes.
    let csrf = csrf_of(&html);
    let form = [
        ("csrf", csrf.as_str()),
        ("matches", "digest"),
        ("events", "in_app"),
    ];
    let forged = post_form(&c, app.url("/preferences"), &form[1..]).await;
    assert_eq!(forged.status(), 403);
    let res = post_form(&c, app.url("/preferences"), &form).await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Your preferences are saved."), "{html}");
    assert!(
        html.contains("name=\"events\" value=\"in_app\" checked")
            && html.contains("name=\"matches\" value=\"digest\" checked")
            && html.contains("name=\"registry\" value=\"immediate\" checked"),
        "{html}"
    );
    assert_eq!(html.matches("class=\"hint unsubscribed\"").count(), 1);
    assert_eq!(
        me(&app, &user).await["notification_preferences"],
        json!({"registry": "immediate", "matches": "digest", "events": "in_app",
               "collaboration": "immediate"})
    );

    // A value that is no delivery is refused in the page's language.
    let res = app
        .patch_json_as("/api/v1/me", &user.access, &json!({"locale": "zh-CN"}))
        .await;
    assert_eq!(res.status(), 200);
    let bad = [("csrf", csrf.as_str()), ("events", "carrier pigeon")];
    let res = post_form(&c, app.url("/preferences"), &bad).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("通知偏好") && html.contains("不是有效的值"),
        "{html}"
    );
    assert_eq!(
        me(&app, &user).await["notification_preferences"]["events"],
        "in_app"
    );

    // The feed link is shown once, in a page no cache keeps, and it opens the feed.
    let link = app.url("/preferences/calendar");
    let res = post_form(&c, link.clone(), &[("csrf", csrf.as_str())]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let html = res.text().await.unwrap();
    let first = feed_in(&html).expect("the new link");
    assert!(
        first.starts_with(&app.url("/api/v1/me/calendar.ics?token=")),
        "{first}"
    );
    let feed = app.client.get(&first).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(feed.text().await.unwrap().starts_with("BEGIN:VCALENDAR"));
    let (_, html) = get_html(&c, &app.url("/preferences")).await;
    assert_eq!(feed_in(&html), None, "never shown again");
    assert!(html.contains("您已有日历链接"), "{html}");

    // A new link replaces the old one; turning it off closes the feed.
    let res = post_form(&c, link, &[("csrf", csrf.as_str())]).await;
    let second = feed_in(&res.text().await.unwrap()).expect("a second link");
    assert_ne!(first, second);
    assert_eq!(app.client.get(&first).send().await.unwrap().status(), 404);
    let off = app.url("/preferences/calendar/revoke");
    let res = post_form(&c, off, &[("csrf", csrf.as_str())]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.client.get(&second).send().await.unwrap().status(), 404);
    let (_, html) = get_html(&c, &app.url("/preferences")).await;
    assert!(html.contains("您还没有日历链接"), "{html}");
}

/// The registrations page's rows: (attendee email, status words).
fn rows(html: &str) -> Vec<(String, String)> {
    html.split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<String> = row
                .split("<td>")
                .skip(1)
                .map(|c| c.split("</td>").next().unwrap_or("").trim().to_owned())
                .collect();
            (cells[1].clone(), cells[3].clone())
        })
        .collect()
}

#[tokio::test]
async fn members_see_add_and_cancel_their_organizations_registrations_with_the_waitlist() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let (owner, other) = (
        app.verified_user("o@example.com").await,
        app.verified_user("x@example.com").await,
    );
    app.verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(71)))
        .await;
    app.verified_org(&other, &bureau, &enterprise("丙铝业", &uscc(72)))
        .await;
    let event = app.open_event(&bureau, 1).await;
    let page = app.url(&format!("/events/{event}/registrations"));

    // From the event page to its registrations, none yet; two added, the second waits.
    let c = signed_in(&app, "o@example.com").await;
    let (_, html) = get_html(&c, &app.url(&format!("/events/{event}"))).await;
    assert!(
        html.contains(&format!("href=\"/events/{event}/registrations\"")),
        "{html}"
    );
    let (status, html) = get_html(&c, &page).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("registered no one"), "{html}");
    let csrf = csrf_of(&html);
    let org = html.split("<option value=\"").nth(1).unwrap();
    let org: String = org.chars().take_while(|c| *c != '"').collect();
    let form = [
        ("csrf", csrf.as_str()),
        ("organization_id", org.as_str()),
        ("name_0", "王工"),
        ("email_0", "wang@example.com"),
        ("name_1", "李工"),
        ("email_1", "li@example.com"),
    ];
    let res = post_form(&c, page.clone(), &form).await;
    assert_eq!(res.status(), 303);
    let (_, html) = get_html(&c, &page).await;
    assert_eq!(
        rows(&html),
        [
            ("wang@example.com".into(), "Place confirmed".into()),
            (
                "li@example.com".into(),
                "On the waitlist, number 1 in line".into()
            ),
        ],
        "{html}"
    );
    // A refused attendee is said next to its input, in the page's language.
    let again = [
        form[0],
        form[1],
        ("name_0", "王工"),
        ("email_0", "not an address"),
    ];
    let res = post_form(&c, page.clone(), &again).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("class=\"field-error\">"), "{html}");

    // The dashboard lists the event; another organization sees none of these.
    let (_, html) = get_html(&c, &app.url("/dashboard")).await;
    assert!(
        html.contains(&format!("href=\"/events/{event}/registrations\"")),
        "{html}"
    );
    let x = signed_in(&app, "x@example.com").await;
    let (status, html) = get_html(&x, &page).await;
    assert_eq!(status, 200);
    assert!(rows(&html).is_empty(), "{html}");

    // Cancelling the confirmed one gives its place to the first in line.
    let (_, html) = get_html(&c, &page).await;
    let cancel = html
        .split("action=\"")
        .find(|s| s.contains("/cancel\""))
        .unwrap();
    let cancel: String = cancel.chars().take_while(|c| *c != '"').collect();
    let forged = post_form(&x, app.url(&cancel), &[("csrf", csrf_of(&html).as_str())]).await;
    assert_eq!(forged.status(), 403, "another client's token");
    let (_, x_html) = get_html(&x, &page).await;
    let res = post_form(&x, app.url(&cancel), &[("csrf", csrf_of(&x_html).as_str())]).await;
    assert_eq!(res.status(), 404, "an outsider cancels nothing");
    let res = post_form(&c, app.url(&cancel), &[("csrf", csrf.as_str())]).await;
    assert_eq!(res.status(), 303);
    let (_, html) = get_html(&c, &page).await;
    assert_eq!(
        rows(&html),
        [
            ("wang@example.com".into(), "Cancelled".into()),
            ("li@example.com".into(), "Place confirmed".into()),
        ],
        "{html}"
    );
    let api = app
        .get_as(
            &format!("/api/v1/events/{event}/registrations"),
            &owner.access,
        )
        .await;
    let api: Value = api.json().await.unwrap();
    assert_eq!(
        api["items"][1]["status"], "confirmed",
        "the page's cancel is the API's"
    );
}
