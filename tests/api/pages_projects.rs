//! The key project page behind the project mail, over plain HTTP with a cookie-keeping
//! client: the bureau opens the overdue notice's link, the owner marks a milestone done
//! and moves the stage, the partner reads, everyone else gets 404.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app_with};
use crate::pages::{browser_like, csrf_of, get_html, link_in, mail_with};
use crate::pages_member::{post_form, signed_in};
use crate::registry::{enterprise, uscc};

const CHIEF: &str = "chief@bureau.example.gov.cn";

async fn project_json(app: &TestApp, user: &TestUser, id: &str) -> Value {
    let res = app
        .get_as(&format!("/api/v1/projects/{id}"), &user.access)
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_owner_records_progress_from_the_page_the_bureau_mail_links_to() {
    let app = spawn_app_with(|s| s.scheduler_interval = Duration::from_secs(1)).await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let (owner, prof) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
    );
    let ent = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(61)))
        .await);
    let uni = id(&app
        .verified_org(&prof, &bureau, &json!({"kind": "university", "name": "乙大学", "name_en": "Yi University", "region_code": "bincheng"}))
        .await);
    let res = app
        .post_json_as("/api/v1/projects", &bureau.access, &json!({
            "name": "再生铝保级利用项目", "owner_organization_id": ent, "partner_organization_ids": [uni],
            "region_code": "zouping", "category": "recycled_aluminum", "year": 2026,
            "planned_investment": 120_000_000
        }))
        .await;
    assert_eq!(res.status(), 201);
    let pid = id(&res.json().await.unwrap());
    let late = (chrono::Utc::now() - chrono::Duration::days(2)).date_naive();
    let later = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let mut milestone_ids = Vec::new();
    for body in [
        json!({"name": "设备安装", "due_on": late}),
        json!({"name": "投产验收", "due_on": later, "stage": "operation"}),
    ] {
        let path = format!("/api/v1/projects/{pid}/milestones");
        let res = app.post_json_as(&path, &bureau.access, &body).await;
        assert_eq!(res.status(), 201);
        milestone_ids.push(id(&res.json().await.unwrap()));
    }

    // The overdue notice links to the page, which shows the late milestone marked.
    let mail = mail_with(&app, CHIEF, "/projects/").await;
    let link = link_in(&app, &mail.text());
    assert_eq!(link, format!("/projects/{pid}"));
    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url(&link)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("再生铝保级利用项目")
            && html.contains("已立项")
            && html.contains("魏桥铝电")
            && html.contains("乙大学")
            && html.contains("120,000,000 元"),
        "stage, owner, partner and category by name: {html}"
    );
    assert!(
        html.contains("class=\"overdue\"") && html.contains("已逾期"),
        "{html}"
    );
    assert!(html.contains(&late.to_string()) && html.contains(&later.to_string()));

    // The partner reads it without the buttons; a visitor signs in; outsiders get 404.
    let prof_c = signed_in(&app, "p@example.com").await;
    let (status, html) = get_html(&prof_c, &app.url(&link)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Yi University")
            && html.contains("Recycled aluminium")
            && !html.contains("/done\"")
            && !html.contains("/stage\""),
        "{html}"
    );
    let outsider = app.verified_user("x@example.com").await;
    app.verified_org(&outsider, &bureau, &enterprise("丙铝业", &uscc(62)))
        .await;
    let out_c = signed_in(&app, "x@example.com").await;
    assert_eq!(get_html(&out_c, &app.url(&link)).await.0, 404);
    let res = browser_like().get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let done = app.url(&format!(
        "/projects/{pid}/milestones/{}/done",
        milestone_ids[0]
    ));
    let (_, out_html) = get_html(&out_c, &app.url("/dashboard")).await;
    let res = post_form(
        &out_c,
        done.clone(),
        &[
            ("csrf", &csrf_of(&out_html)),
            ("done_on", &late.to_string()),
        ],
    )
    .await;
    assert_eq!(res.status(), 404, "an outsider's form finds nothing");

    // The owner: without the CSRF token nothing, a day to come is refused, then done.
    let own_c = signed_in(&app, "o@example.com").await;
    let (_, html) = get_html(&own_c, &app.url(&link)).await;
    assert!(
        html.contains("/done\"") && html.contains("/stage\""),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let forged = post_form(&own_c, done.clone(), &[("done_on", &late.to_string())]).await;
    assert_eq!(forged.status(), 403);
    let res = post_form(
        &own_c,
        done.clone(),
        &[("csrf", &csrf), ("done_on", &later.to_string())],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(project_json(&app, &owner, &pid).await["milestones"][0]["done_on"].is_null());
    // A day the page cannot read is named in the page's language (it was English, or
    // a general "请求未能完成" in Chinese).
    for (locale, words) in [
        ("en", "Expected a date such as 2027-06-30"),
        ("zh-CN", "应为日期，如 2027-06-30"),
    ] {
        let res = app
            .patch_json_as("/api/v1/me", &owner.access, &json!({"locale": locale}))
            .await;
        assert_eq!(res.status(), 200);
        let form = [("csrf", csrf.as_str()), ("done_on", "next week")];
        let res = post_form(&own_c, done.clone(), &form).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains(words) && html.contains("next week"), "{html}");
    }
    let res = app
        .patch_json_as("/api/v1/me", &owner.access, &json!({"locale": "en"}))
        .await;
    assert_eq!(res.status(), 200);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let res = post_form(
        &own_c,
        done,
        &[("csrf", &csrf), ("done_on", &today.to_string())],
    )
    .await;
    assert_eq!(res.status(), 303);
    let v = project_json(&app, &owner, &pid).await;
    assert_eq!(
        (&v["milestones"][0]["done_on"], &v["overdue_milestones"]),
        (&json!(today), &json!(0)),
        "the page's record is the API's"
    );
    let (_, html) = get_html(&own_c, &app.url(&link)).await;
    assert!(
        html.contains(&format!("Done {today}")) && !html.contains("class=\"overdue\""),
        "{html}"
    );

    // The partner may not move the stage; the owner moves it to operation, which tells
    // the bureau by a mail that links to the same page.
    let stage = app.url(&format!("/projects/{pid}/stage"));
    let (_, prof_html) = get_html(&prof_c, &app.url(&link)).await;
    let res = post_form(
        &prof_c,
        stage.clone(),
        &[("csrf", &csrf_of(&prof_html)), ("stage", "operation")],
    )
    .await;
    assert_eq!(res.status(), 403);
    assert!(
        res.text().await.unwrap().contains("You may not do this"),
        "refused by the rule, not for the form"
    );
    let res = post_form(&own_c, stage, &[("csrf", &csrf), ("stage", "operation")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        project_json(&app, &bureau, &pid).await["stage"],
        "operation"
    );
    let mail = mail_with(&app, CHIEF, "投产运营").await;
    assert_eq!(link_in(&app, &mail.text()), link);
    let (_, html) = get_html(&chief, &app.url(&link)).await;
    assert!(html.contains("投产运营"), "{html}");
}
