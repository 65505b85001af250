//! The bureau's event pages over plain HTTP with a cookie-keeping client: drafting a
//! training through the form gives what the JSON API gives, a refused form writes nothing
//! and says why next to each input in the page's language, publishing invites, the
//! registrations show the waitlist in line, attendance is recorded; members and visitors
//! get the API's refusal.

use chrono::Utc;
use serde_json::{Value, json};

use crate::events::event_body;
use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::pages::{browser_like, csrf_of, get_html};
use crate::pages_member::{post_form, signed_in};
use crate::registry::{enterprise, uscc};

const CHIEF: &str = "chief@bureau.example.gov.cn";

/// A local time `days` from now at `hour`:00, as a `datetime-local` input sends it.
fn local(days: i64, hour: u32) -> String {
    let day = (Utc::now() + chrono::Duration::days(days)).date_naive();
    format!("{day}T{hour:02}:00")
}

async fn events_json(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let res = app.get_as("/api/v1/events", &user.access).await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    v["items"].as_array().unwrap().clone()
}

async fn event_json(app: &TestApp, user: &TestUser, id: &str) -> Value {
    let res = app
        .get_as(&format!("/api/v1/events/{id}"), &user.access)
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn training<'a>(csrf: &'a str, start: &'a str, end: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("kind", "training"),
        ("title", "赤泥综合利用培训"),
        ("title_en", "Red mud utilisation training"),
        ("description", "赤泥综合利用技术培训"),
        ("starts_at", start),
        ("ends_at", end),
        ("location", "邹平市会展中心"),
        ("capacity", "30"),
        ("audience.kinds", "enterprise"),
    ]
}

/// The fields an event's form decides, to compare the page's result with the API's.
fn decided(v: &Value) -> Value {
    json!([
        v["kind"],
        v["title"],
        v["title_en"],
        v["description"],
        v["starts_local"],
        v["ends_local"],
        v["location"],
        v["capacity"],
        v["audience"],
        v["status"]
    ])
}

#[tokio::test]
async fn the_bureau_drafts_edits_and_publishes_a_training_as_the_api_does() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url("/bureau/events/new")).await;
    assert_eq!(status, 200, "{html}");
    let csrf = csrf_of(&html);
    let (start, end) = (local(10, 9), local(10, 12));
    let new = app.url("/bureau/events/new");

    // Without its CSRF token the form is refused; a form with unreadable or missing
    // values comes back with each message next to its input, in Chinese; nothing written.
    let mut form = training(&csrf, &start, &end);
    form.remove(0);
    assert_eq!(post_form(&chief, new.clone(), &form).await.status(), 403);
    let mut form = training(&csrf, &start, "");
    form.retain(|(k, _)| *k != "capacity");
    form.push(("capacity", "三十"));
    let res = post_form(&chief, new.clone(), &form).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("请填写活动结束时间") && html.contains("id=\"capacity-error\""),
        "{html}"
    );
    assert!(
        html.contains("value=\"赤泥综合利用培训\""),
        "what was typed stays"
    );
    let mut form = training(&csrf, &end, &start);
    form.push(("audience.region_codes", "no-such-region"));
    let res = post_form(&chief, new.clone(), &form).await;
    assert_eq!(res.status(), 422, "the service's own checks");
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"ends_at-error\""), "{html}");
    assert!(
        events_json(&app, &bureau).await.is_empty(),
        "nothing written"
    );

    // A clean form drafts the event the API would draft from the same values.
    let res = post_form(&chief, new, &training(&csrf, &start, &end)).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    let id = to.trim_start_matches("/bureau/events/").to_owned();
    let page = event_json(&app, &bureau, &id).await;
    let mut body = event_body("赤泥综合利用培训", 10, 30, json!({"kinds": ["enterprise"]}));
    body["title_en"] = json!("Red mud utilisation training");
    body["starts_at"] = json!(start);
    body["ends_at"] = json!(end);
    let api = app.create_event(&bureau, &body).await;
    assert_eq!(decided(&page), decided(&api));
    assert_eq!(page["starts_local"], format!("{start}:00+08:00").as_str());

    // The list shows both drafts; the event's page offers edit and publish.
    let (status, html) = get_html(&chief, &app.url("/bureau/events")).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("赤泥综合利用培训").count(), 2, "{html}");
    assert!(html.contains("草稿"), "{html}");
    let (status, html) = get_html(&chief, &app.url(&to)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("/publish") && html.contains("/edit"),
        "{html}"
    );

    // Editing changes the draft as PATCH would; an invalid change writes nothing.
    let edit = app.url(&format!("{to}/edit"));
    let (status, html) = get_html(&chief, &edit).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(&format!("value=\"{start}\"")),
        "local times shown: {html}"
    );
    let mut form = training(&csrf, &start, &end);
    form.retain(|(k, _)| *k != "capacity");
    form.push(("capacity", "0"));
    let res = post_form(&chief, edit.clone(), &form).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("名额应为 1 至 100,000"));
    assert_eq!(event_json(&app, &bureau, &id).await["capacity"], 30);
    let mut form = training(&csrf, &start, &end);
    form.retain(|(k, _)| *k != "capacity");
    form.push(("capacity", "1"));
    let res = post_form(&chief, edit, &form).await;
    assert_eq!(res.status(), 303);
    assert_eq!(event_json(&app, &bureau, &id).await["capacity"], 1);

    // Publishing from the page is the API's publishing: the enterprise is invited and
    // registers two, the second waits; the page lists the waitlist in line.
    let owner = app.verified_user("o@example.com").await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("甲氧化铝", &uscc(61)))
        .await;
    let org = org["id"].as_str().unwrap().to_owned();
    let publish = app.url(&format!("{to}/publish"));
    let res = post_form(&chief, publish, &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(event_json(&app, &bureau, &id).await["status"], "published");
    let res = app
        .register_attendees(
            &owner,
            &id,
            &org,
            &["a@guest.example.com", "b@guest.example.com"],
        )
        .await;
    assert_eq!(res.status(), 201);
    let (_, html) = get_html(&chief, &app.url(&to)).await;
    let (a, b) = (html.find("a@guest").unwrap(), html.find("b@guest").unwrap());
    assert!(a < b && html.contains("第 1 位"), "{html}");
    assert!(html.contains("甲氧化铝"), "organization names: {html}");

    // Attendance waits for the start, as in the API; then the ticked attendee is marked.
    let regs: Value = (app.get_as(
        &format!("/api/v1/events/{id}/registrations"),
        &bureau.access,
    ))
    .await
    .json()
    .await
    .unwrap();
    let first = regs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "confirmed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let attendance = app.url(&format!("{to}/attendance"));
    let form = [
        ("csrf", csrf.as_str()),
        ("registration_ids", &first),
        ("attended", "true"),
    ];
    let res = post_form(&chief, attendance.clone(), &form).await;
    let api = app
        .post_json_as(
            &format!("/api/v1/events/{id}/attendance"),
            &bureau.access,
            &json!({"registration_ids": [first]}),
        )
        .await;
    assert_eq!(res.status(), api.status());
    assert!(res.text().await.unwrap().contains("活动开始后"));
    app.sql("UPDATE events SET starts_at = '2020-01-01 00:00:00'")
        .await;
    let res = post_form(&chief, attendance, &form).await;
    assert_eq!(res.status(), 303);
    let regs: Value = (app.get_as(
        &format!("/api/v1/events/{id}/registrations"),
        &bureau.access,
    ))
    .await
    .json()
    .await
    .unwrap();
    let marked: Vec<bool> = regs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["attended"].as_bool().unwrap())
        .collect();
    assert_eq!(marked.iter().filter(|a| **a).count(), 1, "{regs}");
}

#[tokio::test]
async fn members_and_visitors_get_the_apis_refusal_and_nothing_is_written() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let member = app.verified_user("m@example.com").await;
    app.verified_org(&member, &bureau, &enterprise("乙铝业", &uscc(62)))
        .await;
    let draft = app
        .create_event(&bureau, &event_body("草稿活动", 10, 5, json!({})))
        .await;
    let id = draft["id"].as_str().unwrap().to_owned();
    let c = signed_in(&app, "m@example.com").await;
    let (_, html) = get_html(&c, &app.url("/dashboard")).await;
    let csrf = csrf_of(&html);
    assert!(!html.contains("/bureau/events"), "no link for members");

    for path in ["/bureau/events", "/bureau/events/new"] {
        assert_eq!(get_html(&c, &app.url(path)).await.0, 403, "{path}");
    }
    let manage = format!("/bureau/events/{id}");
    assert_eq!(get_html(&c, &app.url(&manage)).await.0, 403);
    assert_eq!(
        get_html(&c, &app.url(&format!("{manage}/edit"))).await.0,
        403
    );
    let (start, end) = (local(10, 9), local(10, 12));
    let res = post_form(
        &c,
        app.url("/bureau/events/new"),
        &training(&csrf, &start, &end),
    )
    .await;
    let api = app
        .post_json_as(
            "/api/v1/events",
            &member.access,
            &event_body("x", 10, 5, json!({})),
        )
        .await;
    assert_eq!((res.status().as_u16(), api.status().as_u16()), (403, 403));
    let res = post_form(
        &c,
        app.url(&format!("{manage}/publish")),
        &[("csrf", &csrf)],
    )
    .await;
    let api = app
        .post_json_as(
            &format!("/api/v1/events/{id}/publish"),
            &member.access,
            &json!({}),
        )
        .await;
    assert_eq!((res.status().as_u16(), api.status().as_u16()), (403, 403));
    let res = post_form(
        &c,
        app.url(&format!("{manage}/cancel")),
        &[("csrf", &csrf), ("reason", "x")],
    )
    .await;
    assert_eq!(res.status(), 403);

    // A visitor is asked to sign in (the API answers 401); a forged form writes nothing.
    let v = browser_like();
    let res = v.get(app.url("/bureau/events")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/sign-in?next=/bureau/events");
    assert_eq!(app.get("/api/v1/events").await.status(), 401);
    let (_, html) = get_html(&v, &app.url("/sign-in")).await;
    let vcsrf = csrf_of(&html);
    let res = post_form(
        &v,
        app.url(&format!("{manage}/publish")),
        &[("csrf", &vcsrf)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let all = events_json(&app, &bureau).await;
    assert_eq!(all.len(), 1, "nothing drafted");
    assert_eq!(all[0]["status"], "draft", "nothing published or cancelled");
}

#[tokio::test]
async fn a_draft_is_deleted_from_its_page_as_the_api_deletes_it_and_a_published_one_says_why_not() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, _) = crate::listings::two_sides(&app, &owner, &prof, &bureau, 63).await;
    let need = |title: &str| {
        json!({"organization_id": ent, "title": title,
            "description": "我公司每年产生赤泥约200万吨，希望回收其中的铁。"})
    };
    let draft = crate::listings::post(&app, &owner, "/api/v1/needs", &need("赤泥中铁的回收")).await;
    let shown = crate::listings::post(&app, &owner, "/api/v1/needs", &need("赤泥制砖")).await;
    let (draft, shown) = (
        draft["id"].as_str().unwrap().to_owned(),
        shown["id"].as_str().unwrap().to_owned(),
    );
    crate::listings::publish(&app, &owner, "needs", &shown).await;

    let c = signed_in(&app, "o@example.com").await;
    let (status, html) = get_html(&c, &app.url(&format!("/needs/{draft}"))).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("/needs/{draft}/delete")), "{html}");
    let (status, html) = get_html(&c, &app.url(&format!("/needs/{draft}/delete"))).await;
    assert_eq!(status, 200, "{html}");
    let csrf = csrf_of(&html);

    // Without its token nothing is deleted; an outsider finds no such page.
    let action = app.url(&format!("/needs/{draft}/delete"));
    assert_eq!(post_form(&c, action.clone(), &[]).await.status(), 403);
    let other = signed_in(&app, "p@example.com").await;
    assert_eq!(get_html(&other, &action).await.0, 404);

    // A published need is not deleted: the page says why (the owner reads English), with
    // the API's status.
    let res = post_form(
        &c,
        app.url(&format!("/needs/{shown}/delete")),
        &[("csrf", &csrf)],
    )
    .await;
    let api = app
        .client
        .delete(app.url(&format!("/api/v1/needs/{shown}")))
        .bearer_auth(&owner.access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), api.status());
    assert_eq!(res.status(), 409);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("role=\"alert\">Only a draft that nobody has expressed interest in"),
        "{html}"
    );

    // The draft goes, as through the API.
    let res = post_form(&c, action, &[("csrf", &csrf)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/dashboard");
    let gone = app
        .get_as(&format!("/api/v1/needs/{draft}"), &owner.access)
        .await;
    assert_eq!(gone.status(), 404);
    let kept = app
        .get_as(&format!("/api/v1/needs/{shown}"), &owner.access)
        .await;
    assert_eq!(kept.status(), 200);
}
