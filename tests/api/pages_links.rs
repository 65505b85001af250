//! The pages behind the links of notification mail, the directory, events, the language
//! switch and the API browser, over plain HTTP with a cookie-keeping client (see `pages.rs`).

use collab_registry::notifications::inbox::Postman;
use serde_json::{Value, json};

use crate::events::event_body;
use crate::helpers::{PASSWORD, TEST_JWT_SECRET, TestApp, spawn_app};
use crate::pages::{browser_like, csrf_of, get_html, link_in, mail_with};
use crate::registry::{enterprise, uscc};

async fn page(c: &reqwest::Client, url: String) -> (u16, String) {
    let res = c.get(url).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// A client signed in through the sign-in page.
async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let c = browser_like();
    let (_, html) = page(&c, app.url("/sign-in")).await;
    let form = [
        ("csrf", csrf_of(&html)),
        ("email", email.into()),
        ("password", PASSWORD.into()),
    ];
    let res = c
        .post(app.url("/sign-in"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "signed in");
    c
}

#[tokio::test]
async fn the_directory_shows_verified_organizations_with_names_not_codes() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    app.verified_org(&owner, &bureau, &enterprise("甲铝业", &uscc(1)))
        .await;
    app.create_org(&owner, &enterprise("乙待审", &uscc(2)))
        .await;
    let c = browser_like();
    let (status, html) = page(&c, app.url("/organizations")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("甲铝业") && !html.contains("乙待审"),
        "only verified: {html}"
    );
    assert!(
        html.contains("邹平市") && html.contains("赤泥与固废综合利用"),
        "names: {html}"
    );
    assert!(
        html.contains("<option value=\"zouping\">"),
        "filters by code, shown by name"
    );
    let (_, html) = page(
        &c,
        app.url("/organizations?kind=university&region=&field=&q="),
    )
    .await;
    assert!(!html.contains("甲铝业") && html.contains("没有符合条件"));
    let (_, html) = page(&c, app.url("/organizations?q=甲铝&field=red-mud")).await;
    assert!(html.contains("甲铝业"));
}

async fn events_pref(app: &TestApp, token: &str) -> Value {
    let me: Value = app.get_as("/api/v1/me", token).await.json().await.unwrap();
    me["notification_preferences"]["events"].clone()
}

#[tokio::test]
async fn the_unsubscribe_link_shows_the_topic_and_asks_before_it_changes_anything() {
    let app = spawn_app().await;
    let user = app.verified_user("quiet@example.com").await;
    let postman = Postman::new(&app.settings.public_url, &TEST_JWT_SECRET.to_owned().into());
    let url = postman.unsubscribe_page_url(&user.id.clone().into(), "events");
    let link = link_in(&app, &url);
    let c = browser_like();
    let (status, html) = page(&c, app.url(&link)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("活动通知") && html.contains("退订这些邮件"),
        "{html}"
    );
    assert_eq!(
        events_pref(&app, &user.access).await,
        "immediate",
        "GET changed nothing"
    );
    let token = link.trim_start_matches("/unsubscribe?token=").to_owned();
    let form = [("csrf", csrf_of(&html)), ("token", token)];
    let res = c
        .post(app.url("/unsubscribe"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("已退订"));
    assert_eq!(events_pref(&app, &user.access).await, "in_app");
    let (status, _) = page(&c, app.url("/unsubscribe?token=forged.token")).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn an_event_page_offers_the_calendar_and_registers_attendees_onto_the_waitlist() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("events.owner@example.com").await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("丙铝业", &uscc(3)))
        .await;
    let ev = app
        .create_event(
            &bureau,
            &event_body("赤泥培训", 7, 1, json!({"kinds": ["enterprise"]})),
        )
        .await;
    let id = ev["id"].as_str().unwrap().to_owned();
    app.publish_event(&bureau, &id).await;

    let visitor = browser_like();
    let (_, list) = page(&visitor, app.url("/events")).await;
    assert!(
        list.contains(&format!("/events/{id}")) && list.contains("赤泥培训"),
        "{list}"
    );
    let (status, html) = page(&visitor, app.url(&format!("/events/{id}"))).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/events/{id}.ics")) && html.contains("/sign-in?next="));
    let res = visitor
        .get(app.url(&format!("/events/{id}.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(res.text().await.unwrap().contains("BEGIN:VEVENT"));

    let c = signed_in(&app, "events.owner@example.com").await;
    let (_, html) = page(&c, app.url(&format!("/events/{id}"))).await;
    assert!(
        html.contains("丙铝业"),
        "the member's organization is offered: {html}"
    );
    let form = [
        ("csrf", csrf_of(&html)),
        ("organization_id", org["id"].as_str().unwrap().to_owned()),
        ("name_0", "张三".into()),
        ("email_0", "zhang@example.com".into()),
        ("name_1", "李四".into()),
        ("email_1", "li@example.com".into()),
        ("name_2", String::new()),
        ("email_2", String::new()),
    ];
    let res = c
        .post(app.url(&format!("/events/{id}/register")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("张三 (zhang@example.com): place confirmed"),
        "{html}"
    );
    assert!(
        html.contains("李四 (li@example.com): on the waitlist #1"),
        "{html}"
    );
    // The same people again: refused with the API's rule, shown in words.
    let res = c
        .post(app.url(&format!("/events/{id}/register")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("This person is already registered for this event.")
    );
}

#[tokio::test]
async fn an_invitation_link_lets_the_invited_user_join_after_signing_in() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("inv.owner@example.com").await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("丁铝业", &uscc(4)))
        .await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    app.verified_user("new.member@example.com").await;
    let res = app
        .post_json_as(
            &format!("/api/v1/organizations/{org_id}/members"),
            &owner.access,
            &json!({"email": "new.member@example.com"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let invitation = &mail_with(&app, "new.member@example.com", "/invitations/accept").await;
    let link = link_in(&app, &invitation.text());
    assert!(link.starts_with("/invitations/accept?token="), "{link}");

    let visitor = browser_like();
    let (_, html) = page(&visitor, app.url(&link)).await;
    assert!(
        html.contains("/sign-in?next=%2Finvitations%2Faccept"),
        "{html}"
    );
    let c = signed_in(&app, "new.member@example.com").await;
    let (_, html) = page(&c, app.url(&link)).await;
    let form = [("csrf", csrf_of(&html)), ("token", invitation.token())];
    let res = c
        .post(app.url("/invitations/accept"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let members: Value = app
        .get_as(
            &format!("/api/v1/organizations/{org_id}/members"),
            &owner.access,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        members.to_string().contains("new.member@example.com"),
        "{members}"
    );
}

#[tokio::test]
async fn the_language_switch_is_kept_for_a_visitor_and_saved_for_an_account() {
    let app = spawn_app().await;
    let c = browser_like();
    let (_, page) = get_html(&c, &app.url("/sign-in")).await;
    let form = [
        ("csrf", csrf_of(&page)),
        ("lang", "en".into()),
        ("next", "/sign-in".into()),
    ];
    let res = c
        .post(app.url("/language"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/sign-in");
    let (_, page) = get_html(&c, &app.url("/sign-in")).await;
    assert!(page.contains("<html lang=\"en\">"));
    // Another site as `next` is not followed.
    let form = [
        ("csrf", csrf_of(&page)),
        ("lang", "zh-CN".into()),
        ("next", "//evil.example".into()),
    ];
    let res = c
        .post(app.url("/language"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/");

    // A signed-in user's account locale wins over the browser's language.
    let user = app.verified_user("locale@example.com").await;
    let (_, page) = get_html(&c, &app.url("/sign-in")).await;
    let form = [
        ("csrf", csrf_of(&page)),
        ("email", "locale@example.com".into()),
        ("password", PASSWORD.into()),
    ];
    c.post(app.url("/sign-in"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let (_, home) = get_html(&c, &app.url("/")).await;
    let form = [
        ("csrf", csrf_of(&home)),
        ("lang", "en".into()),
        ("next", "/".into()),
    ];
    c.post(app.url("/language"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let me: Value = app
        .get_as("/api/v1/me", &user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["locale"], "en", "{me}");
    let res = c
        .get(app.url("/"))
        .header("Accept-Language", "zh-CN")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn the_api_browser_serves_swagger_ui_over_the_openapi_document() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("/assets/vendor/swagger-ui/swagger-ui-bundle.js"));
    assert!(!html.contains("<script>"), "no inline script");
    for asset in [
        "/assets/vendor/swagger-ui/swagger-ui-bundle.js",
        "/assets/docs.js",
        "/assets/style.css",
    ] {
        let res = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{asset}");
    }
    let init = app
        .client
        .get(app.url("/assets/docs.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/openapi.json"));
    assert_eq!(
        app.client
            .get(app.url("/assets/nope.js"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let res = app.client.get(app.url("/swagger-ui")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/docs");
}
