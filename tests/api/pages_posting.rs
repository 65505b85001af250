//! Members post, edit, publish and close their needs and capabilities from the pages, over
//! plain HTTP with a cookie-keeping client; what a page did is read back through the JSON
//! API, which runs the same service functions.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, spawn_app};
use crate::listings::{post, publish, two_sides};
use crate::pages::{csrf_of, get_html};
use crate::pages_member::{post_form, signed_in};

async fn api_get(app: &TestApp, user: &TestUser, path: &str) -> Value {
    let res = app.get_as(path, &user.access).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

/// How many needs and capabilities the organization has, as the API lists them to a member.
async fn count(app: &TestApp, user: &TestUser, org: &str) -> usize {
    let mut n = 0;
    for side in ["needs", "capabilities"] {
        let page = api_get(app, user, &format!("/api/v1/{side}?organization_id={org}")).await;
        n += page["items"].as_array().unwrap().len();
    }
    n
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_need_and_a_capability_posted_from_the_pages_read_back_through_the_api() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, uni) = two_sides(&app, &owner, &prof, &bureau, 51).await;

    // The enterprise's dashboard leads to a new need, with the organization chosen.
    let c = signed_in(&app, "o@example.com").await;
    let (_, dash) = get_html(&c, &app.url("/dashboard")).await;
    let new_need = format!("/needs/new?organization_id={ent}");
    assert!(dash.contains(&format!("href=\"{new_need}\"")), "{dash}");
    let (status, html) = get_html(&c, &app.url(&new_need)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains(&format!("<option value=\"{ent}\" selected>")),
        "{html}"
    );
    assert!(
        html.contains("action=\"/needs/new\"") && html.contains("name=\"trl_required\""),
        "{html}"
    );

    // Without the CSRF token nothing is written.
    let form = [
        ("organization_id", ent.as_str()),
        ("title", "赤泥中铁的回收"),
        (
            "description",
            "我公司拜耳法氧化铝生产每年产生大量赤泥，希望回收其中的铁。",
        ),
        ("keywords", "赤泥、铁回收"),
        ("field_codes", "red-mud"),
        ("field_codes", "red-mud.iron-recovery"),
        ("cooperation_modes", "joint_rnd"),
        ("cooperation_modes", "pilot_testing"),
        ("trl_required", "5"),
        ("budget_min", "500000"),
        ("budget_max", "2000000"),
        ("deadline", "2099-06-30"),
        ("region_code", "bincheng"),
    ];
    let forged = post_form(&c, app.url("/needs/new"), &form).await;
    assert_eq!(forged.status(), 403);
    assert_eq!(count(&app, &owner, &ent).await, 0);

    let csrf = csrf_of(&html);
    let mut sent = vec![("csrf", csrf.as_str())];
    sent.extend(form);
    let res = post_form(&c, app.url("/needs/new"), &sent).await;
    assert_eq!(res.status(), 303);
    let path = location(&res);
    let id = path
        .strip_prefix("/needs/")
        .expect("the need's page")
        .to_owned();
    let need = api_get(&app, &owner, &format!("/api/v1/needs/{id}")).await;
    assert_eq!(need["organization_id"], ent);
    assert_eq!(need["title"], "赤泥中铁的回收");
    assert_eq!(need["keywords"], json!(["赤泥", "铁回收"]));
    assert_eq!(
        need["field_codes"],
        json!(["red-mud", "red-mud.iron-recovery"])
    );
    assert_eq!(
        need["cooperation_modes"],
        json!(["joint_rnd", "pilot_testing"])
    );
    assert_eq!(need["trl_required"], 5);
    assert_eq!(
        (need["budget_min"].clone(), need["budget_max"].clone()),
        (json!(500000), json!(2000000))
    );
    assert_eq!(need["deadline"], "2099-06-30");
    assert_eq!(need["region_code"], "bincheng");
    assert_eq!(
        (need["status"].clone(), need["language"].clone()),
        (json!("draft"), json!("zh"))
    );
    let (status, page) = get_html(&c, &app.url(&path)).await;
    assert_eq!(status, 200);
    assert!(page.contains("赤泥中铁的回收"), "{page}");

    // The university posts capabilities, not needs; its region is its own unless chosen.
    let u = signed_in(&app, "p@example.com").await;
    let (_, dash) = get_html(&u, &app.url("/dashboard")).await;
    assert!(
        dash.contains(&format!("/capabilities/new?organization_id={uni}"))
            && !dash.contains("/needs/new"),
        "{dash}"
    );
    let (_, no) = get_html(&u, &app.url("/needs/new")).await;
    assert!(
        !no.contains("action=\"/needs/new\""),
        "no organization may post: {no}"
    );
    let (_, html) = get_html(&u, &app.url("/capabilities/new")).await;
    assert!(
        html.contains("name=\"trl\"") && !html.contains("budget_min"),
        "{html}"
    );
    let form = [
        ("csrf", csrf_of(&html)),
        ("organization_id", uni.clone()),
        ("title", "Iron recovery from bauxite residue".into()),
        (
            "description",
            "Reduction roasting and magnetic separation.".into(),
        ),
        ("field_codes", "red-mud.iron-recovery".into()),
        ("trl", "6".into()),
        ("region_code", String::new()),
    ];
    let res = u
        .post(app.url("/capabilities/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let cap_path = location(&res);
    let cap = api_get(&app, &prof, &format!("/api/v1{cap_path}")).await;
    assert_eq!(
        (cap["trl"].clone(), cap["language"].clone()),
        (json!(6), json!("en"))
    );
    assert_eq!(cap["region_code"], "bincheng");
    assert_eq!(cap["cooperation_modes"], json!([]));
}

#[tokio::test]
async fn a_refused_form_says_why_next_to_each_field_in_the_readers_language_and_writes_nothing() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, uni) = two_sides(&app, &owner, &prof, &bureau, 52).await;
    let res = app
        .patch_json_as("/api/v1/me", &owner.access, &json!({"locale": "zh-CN"}))
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .patch_json_as("/api/v1/me", &prof.access, &json!({"locale": "en"}))
        .await;
    assert_eq!(res.status(), 200);

    // In Chinese: the service's refusals, each next to its input, the typed text kept.
    let c = signed_in(&app, "o@example.com").await;
    let (_, html) = get_html(&c, &app.url("/needs/new")).await;
    let csrf = csrf_of(&html);
    let form = [
        ("csrf", csrf.as_str()),
        ("organization_id", ent.as_str()),
        ("title", "  "),
        ("description", "希望回收赤泥中的铁。"),
        ("budget_min", "900"),
        ("budget_max", "100"),
    ];
    let res = post_form(&c, app.url("/needs/new"), &form).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"title-error\">请填写标题，1 至 200 个字。"),
        "{html}"
    );
    assert!(
        html.contains("id=\"budget_max-error\">预算上限低于预算下限。"),
        "{html}"
    );
    assert!(html.contains(">希望回收赤泥中的铁。</textarea>"), "{html}");
    // A value the form cannot read is named before anything is tried.
    let mut bad = form.to_vec();
    bad[2] = ("title", "赤泥");
    bad[4] = ("budget_min", "五万");
    let res = post_form(&c, app.url("/needs/new"), &bad).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"budget_min-error\">请填写整数金额（元），例如 500000。"),
        "{html}"
    );

    // In English: an unknown field and an empty description.
    let u = signed_in(&app, "p@example.com").await;
    let (_, html) = get_html(&u, &app.url("/capabilities/new")).await;
    let form = [
        ("csrf", csrf_of(&html)),
        ("organization_id", uni.clone()),
        ("title", "Iron recovery".into()),
        ("description", "".into()),
        ("field_codes", "no-such-field".into()),
    ];
    let res = u
        .post(app.url("/capabilities/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"description-error\">Enter a description of 1 to 10,000 characters."),
        "{html}"
    );
    let mut form = form.to_vec();
    form[3].1 = "Reduction roasting.".into();
    let res = u
        .post(app.url("/capabilities/new"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("id=\"field_codes-error\">Choose technology fields from the list."),
        "{html}"
    );

    assert_eq!(count(&app, &owner, &ent).await, 0, "nothing written");
    assert_eq!(count(&app, &prof, &uni).await, 0, "nothing written");
}

#[tokio::test]
async fn members_edit_publish_and_close_from_the_page_as_the_api_would_and_outsiders_find_nothing()
{
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, _uni) = two_sides(&app, &owner, &prof, &bureau, 53).await;
    let need = post(
        &app,
        &owner,
        "/api/v1/needs",
        &json!({"organization_id": ent,
        "title": "Red mud iron", "description": "Recover iron from red mud.", "language": "en",
        "keywords": ["red mud"], "cooperation_modes": ["joint_rnd"], "trl_required": 4}),
    )
    .await;
    let id = need["id"].as_str().unwrap().to_owned();
    let (edit, api) = (format!("/needs/{id}/edit"), format!("/api/v1/needs/{id}"));

    // A member of another organization finds no edit page for a draft, nor once published.
    let out = signed_in(&app, "p@example.com").await;
    assert_eq!(get_html(&out, &app.url(&edit)).await.0, 404);
    publish(&app, &owner, "needs", &id).await;
    let (status, html) = get_html(&out, &app.url(&edit)).await;
    assert_eq!(status, 404, "{html}");
    let (_, out_page) = get_html(&out, &app.url(&format!("/needs/{id}"))).await;
    assert!(
        !out_page.contains(&edit) && !out_page.contains("/close\""),
        "{out_page}"
    );
    let out_csrf = csrf_of(&out_page);
    let res = post_form(
        &out,
        app.url(&edit),
        &[("csrf", &out_csrf), ("title", "Taken over")],
    )
    .await;
    assert_eq!(res.status(), 404);
    assert_eq!(api_get(&app, &owner, &api).await["title"], "Red mud iron");

    // The owner edits: the form starts from the listing; what it saves is what PATCH saves.
    let c = signed_in(&app, "o@example.com").await;
    let (status, html) = get_html(&c, &app.url(&edit)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("value=\"Red mud iron\"") && html.contains("value=\"red mud\""),
        "{html}"
    );
    let form = [
        ("title", "Red mud iron"),
        ("description", "Recover iron from red mud."),
        ("keywords", "red mud, iron"),
        ("field_codes", "red-mud"),
        ("cooperation_modes", "licensing"),
        ("trl_required", "6"),
        ("region_code", "zouping"),
    ];
    assert_eq!(post_form(&c, app.url(&edit), &form).await.status(), 403);
    let csrf = csrf_of(&html);
    let mut sent = vec![("csrf", csrf.as_str())];
    sent.extend(form);
    let res = post_form(&c, app.url(&edit), &sent).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/needs/{id}"));
    let after = api_get(&app, &owner, &api).await;
    assert_eq!(after["keywords"], json!(["iron", "red mud"]));
    assert_eq!(after["field_codes"], json!(["red-mud"]));
    assert_eq!(after["cooperation_modes"], json!(["licensing"]));
    assert_eq!(after["trl_required"], 6);
    assert_eq!(
        (after["language"].clone(), after["status"].clone()),
        (json!("en"), json!("published"))
    );

    // Close, then publish again, from the page's buttons; the API reads the same states.
    let (_, page) = get_html(&c, &app.url(&format!("/needs/{id}"))).await;
    let close = format!("/needs/{id}/close");
    assert!(
        page.contains(&format!("action=\"{close}\"")) && !page.contains("/publish\""),
        "{page}"
    );
    assert_eq!(post_form(&c, app.url(&close), &[]).await.status(), 403);
    assert_eq!(api_get(&app, &owner, &api).await["status"], "published");
    // An outsider's close is refused as the API refuses it.
    let by_api = app
        .post_json_as(&format!("{api}/close"), &prof.access, &json!({}))
        .await
        .status();
    let by_page = post_form(&out, app.url(&close), &[("csrf", &out_csrf)]).await;
    assert_eq!(by_page.status(), by_api);
    let res = post_form(&c, app.url(&close), &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(api_get(&app, &owner, &api).await["status"], "closed");
    let (_, page) = get_html(&c, &app.url(&format!("/needs/{id}"))).await;
    let again = format!("/needs/{id}/publish");
    assert!(page.contains(&format!("action=\"{again}\"")), "{page}");
    let res = post_form(&c, app.url(&again), &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(res.status(), 303);
    let last = api_get(&app, &owner, &api).await;
    assert_eq!(last["status"], "published");
    // Closing twice is the API's conflict, shown on the page.
    let res = post_form(&c, app.url(&close), &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(res.status(), 303);
    let res = post_form(&c, app.url(&close), &[("csrf", &csrf_of(&page))]).await;
    let by_api = app
        .post_json_as(&format!("{api}/close"), &owner.access, &json!({}))
        .await
        .status();
    assert_eq!((res.status(), by_api.as_u16()), (by_api, 409));
}
