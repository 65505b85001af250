//! The organization page behind the registry's mail, over plain HTTP with a cookie-keeping
//! client: the bureau opens the new-organization mail's link and verifies or rejects with
//! a reason; the members open the review mail's link and read the status and why; what
//! visitors and outsiders see is what the JSON API shows them.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::listings::{post, publish};
use crate::pages::{browser_like, csrf_of, get_html, link_in, mail_with};
use crate::pages_member::{post_form, signed_in};
use crate::registry::{enterprise, uscc};

const CHIEF: &str = "chief@bureau.example.gov.cn";

async fn org_json(app: &TestApp, user: &TestUser, id: &str) -> Value {
    let res = app
        .get_as(&format!("/api/v1/organizations/{id}"), &user.access)
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_bureau_rejects_from_the_mail_link_and_the_member_reads_why_from_theirs() {
    let app = spawn_app().await;
    let _bureau = app.bureau_admin_at(CHIEF).await;
    let owner = app.verified_user("o@example.com").await;
    let org = app
        .create_org(&owner, &enterprise("甲氧化铝", &uscc(51)))
        .await;
    let id = org["id"].as_str().unwrap().to_owned();

    // The bureau's mail links to the organization's page, which offers the review.
    let mail = mail_with(&app, CHIEF, "/organizations/").await;
    let link = link_in(&app, &mail.text());
    assert_eq!(link, format!("/organizations/{id}"));
    let chief = signed_in(&app, CHIEF).await;
    let (status, html) = get_html(&chief, &app.url(&link)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("甲氧化铝") && html.contains("待审核") && html.contains(&uscc(51)),
        "{html}"
    );
    assert!(
        html.contains("value=\"verify\"")
            && html.contains("value=\"reject\"")
            && !html.contains("value=\"suspend\""),
        "the actions of a pending organization: {html}"
    );
    assert!(
        html.contains("o@example.com"),
        "the bureau sees the members: {html}"
    );

    // Nobody else opens a pending organization: an outsider gets 404, a visitor is asked
    // to sign in.
    let bureau2 = app.bureau_admin().await;
    let outsider = app.verified_user("x@example.com").await;
    app.verified_org(&outsider, &bureau2, &enterprise("丙铝业", &uscc(52)))
        .await;
    let out_c = signed_in(&app, "x@example.com").await;
    assert_eq!(get_html(&out_c, &app.url(&link)).await.0, 404);
    let res = browser_like().get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("/sign-in?next=/organizations/{id}").as_str()
    );

    // A form without its CSRF token, a member's forged button and a rejection without a
    // reason change nothing.
    let action = app.url(&format!("/organizations/{id}/review"));
    let forged = post_form(&chief, action.clone(), &[("action", "verify")]).await;
    assert_eq!(forged.status(), 403);
    let own_c = signed_in(&app, "o@example.com").await;
    let (_, own_html) = get_html(&own_c, &app.url(&link)).await;
    let csrf = csrf_of(&own_html);
    let res = post_form(
        &own_c,
        action.clone(),
        &[("csrf", &csrf), ("action", "verify")],
    )
    .await;
    assert_eq!(res.status(), 403, "only the bureau reviews");
    let csrf = csrf_of(&html);
    let res = post_form(
        &chief,
        action.clone(),
        &[("csrf", &csrf), ("action", "reject"), ("reason", " ")],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text().await.unwrap().contains("请说明理由"),
        "the refusal in the page's language"
    );
    assert_eq!(org_json(&app, &owner, &id).await["status"], "pending");

    let reason = "营业执照复印件不清晰";
    let res = post_form(
        &chief,
        action,
        &[("csrf", &csrf), ("action", "reject"), ("reason", reason)],
    )
    .await;
    assert_eq!(res.status(), 303);
    let v = org_json(&app, &owner, &id).await;
    assert_eq!(
        (v["status"].as_str(), v["status_reason"].as_str()),
        (Some("rejected"), Some(reason)),
        "the page's review is the API's"
    );

    // The member follows the review mail's link and reads the status and the reason.
    let mail = mail_with(&app, "o@example.com", "/organizations/").await;
    assert_eq!(link_in(&app, &mail.text()), link);
    let (status, html) = get_html(&own_c, &app.url(&link)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Rejected") && html.contains(reason) && html.contains("Members"),
        "{html}"
    );
    assert!(!html.contains("value=\"verify\""), "no review for members");
    let (_, html) = get_html(&chief, &app.url(&link)).await;
    assert!(
        html.contains("value=\"verify\"") && !html.contains("value=\"reject\""),
        "a rejected organization may be verified after all: {html}"
    );
}

#[tokio::test]
async fn a_verified_organization_shows_visitors_what_the_directory_shows_and_no_contact() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin_at(CHIEF).await;
    let owner = app.verified_user("o@example.com").await;
    let org = app
        .create_org(&owner, &enterprise("甲氧化铝", &uscc(53)))
        .await;
    let id = org["id"].as_str().unwrap().to_owned();
    let link = format!("/organizations/{id}");

    // The bureau verifies from the page; the API says the same.
    let chief = signed_in(&app, CHIEF).await;
    let (_, html) = get_html(&chief, &app.url(&link)).await;
    let res = post_form(
        &chief,
        app.url(&format!("{link}/review")),
        &[("csrf", &csrf_of(&html)), ("action", "verify")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(org_json(&app, &bureau, &id).await["status"], "verified");
    let (_, html) = get_html(&chief, &app.url(&link)).await;
    assert!(
        html.contains("value=\"suspend\"") && !html.contains("value=\"verify\""),
        "{html}"
    );

    let need = post(&app, &owner, "/api/v1/needs", &json!({"organization_id": id,
        "title": "赤泥脱碱", "description": "希望降低赤泥中的碱含量。", "field_codes": ["red-mud"]})).await;
    let need_id = need["id"].as_str().unwrap().to_owned();
    publish(&app, &owner, "needs", &need_id).await;
    let draft = post(
        &app,
        &owner,
        "/api/v1/needs",
        &json!({"organization_id": id,
        "title": "草稿需求", "description": "尚未发布。"}),
    )
    .await;

    // A visitor: the organization, its published need, no contact, no members.
    let visitor = browser_like();
    let (status, html) = get_html(&visitor, &app.url(&link)).await;
    assert_eq!(status, 200, "{html}");
    let api: Value = app
        .get(&format!("/api/v1/organizations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(api.get("contact").is_none(), "the API hides the contact");
    assert!(
        html.contains("甲氧化铝")
            && html.contains(&format!("href=\"/needs/{need_id}\""))
            && !html.contains(draft["id"].as_str().unwrap()),
        "{html}"
    );
    assert!(
        !html.contains("王工") && !html.contains("contact@example.com"),
        "no named contact for visitors: {html}"
    );
    assert!(!html.contains("o@example.com") && !html.contains("value=\"suspend\""));
    let (_, dir) = get_html(&visitor, &app.url("/organizations")).await;
    assert!(
        dir.contains(&format!("href=\"{link}\"")),
        "the directory links to the page: {dir}"
    );

    // Its member: the contact, the draft, the members.
    let own_c = signed_in(&app, "o@example.com").await;
    let (_, html) = get_html(&own_c, &app.url(&link)).await;
    assert!(
        html.contains("王工") && html.contains("草稿需求") && html.contains("o@example.com"),
        "{html}"
    );
    let (_, dash) = get_html(&own_c, &app.url("/dashboard")).await;
    assert!(
        dash.contains(&format!("href=\"{link}\"")),
        "the dashboard links to it: {dash}"
    );
}
