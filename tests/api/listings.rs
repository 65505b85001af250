//! Needs and capabilities: who posts what, the lifecycle, visibility and filters.

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app};
use crate::registry::{enterprise, uscc};

/// An enterprise owned by `owner` and a university owned by `prof`, both verified.
pub async fn two_sides(
    app: &TestApp,
    owner: &TestUser,
    prof: &TestUser,
    bureau: &TestUser,
    n: u32,
) -> (String, String) {
    let ent = app
        .verified_org(owner, bureau, &enterprise("甲氧化铝", &uscc(n)))
        .await;
    let uni = app
        .verified_org(prof, bureau, &json!({"kind": "university", "name": "乙大学", "name_en": "Yi University", "region_code": "bincheng"}))
        .await;
    (
        ent["id"].as_str().unwrap().to_owned(),
        uni["id"].as_str().unwrap().to_owned(),
    )
}

pub async fn post(app: &TestApp, user: &TestUser, path: &str, body: &Value) -> Value {
    let res = app.post_json_as(path, &user.access, body).await;
    assert_eq!(res.status().as_u16(), 201, "post {path}");
    res.json().await.unwrap()
}

pub async fn publish(app: &TestApp, user: &TestUser, kind: &str, id: &str) -> Value {
    let res = app
        .post_json_as(
            &format!("/api/v1/{kind}/{id}/publish"),
            &user.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200, "publish");
    res.json().await.unwrap()
}

#[tokio::test]
async fn needs_are_posted_as_drafts_published_closed_and_fulfilled() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (ent, uni) = two_sides(&app, &owner, &prof, &bureau, 1).await;

    let need = post(&app, &owner, "/api/v1/needs", &json!({
        "organization_id": ent, "title": "赤泥中铁的回收", "description": "我公司每年产生赤泥约200万吨，希望回收其中的铁。",
        "keywords": ["赤泥", "铁回收"], "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd", "pilot_testing"],
        "trl_required": 6, "budget_min": 500000, "budget_max": 2000000, "deadline": "2099-12-31"})).await;
    assert_eq!(
        (
            need["status"].as_str(),
            need["language"].as_str(),
            need["region_code"].as_str()
        ),
        (Some("draft"), Some("zh"), Some("zouping"))
    );
    assert_eq!(need["trl_required"], 6);
    let id = need["id"].as_str().unwrap();

    // A university cannot post a need; a draft is invisible to others.
    let res = app
        .post_json_as(
            "/api/v1/needs",
            &prof.access,
            &json!({"organization_id": uni, "title": "t", "description": "d"}),
        )
        .await;
    assert_problem(res, 403, "needs_are_for_enterprises").await;
    assert_problem(
        app.get(&format!("/api/v1/needs/{id}")).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.post_json_as(
            &format!("/api/v1/needs/{id}/publish"),
            &prof.access,
            &json!({}),
        )
        .await,
        404,
        "not_found",
    )
    .await;

    publish(&app, &owner, "needs", id).await;
    let public: Value = app
        .get(&format!("/api/v1/needs/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "published");
    assert_problem(
        app.post_json_as(
            &format!("/api/v1/needs/{id}/publish"),
            &owner.access,
            &json!({}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    let res = app
        .patch_json_as(
            &format!("/api/v1/needs/{id}"),
            &prof.access,
            &json!({"title": "x"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .patch_json_as(
            &format!("/api/v1/needs/{id}"),
            &owner.access,
            &json!({"trl": 3}),
        )
        .await;
    assert_problem(res, 422, "not_applicable").await;
    let res = app.patch_json_as(&format!("/api/v1/needs/{id}"), &owner.access, &json!({"title": "Iron recovery from red mud", "description": "We want to recover iron."})).await;
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        (
            changed["language"].as_str(),
            changed["keywords"][0].as_str()
        ),
        (Some("en"), Some("赤泥"))
    );

    let closed = app
        .post_json_as(
            &format!("/api/v1/needs/{id}/close"),
            &owner.access,
            &json!({}),
        )
        .await;
    assert_eq!(closed.json::<Value>().await.unwrap()["status"], "closed");
    let fulfilled = app
        .post_json_as(
            &format!("/api/v1/needs/{id}/fulfil"),
            &owner.access,
            &json!({}),
        )
        .await;
    assert_eq!(
        fulfilled.json::<Value>().await.unwrap()["status"],
        "fulfilled"
    );
}

#[tokio::test]
async fn only_verified_organizations_publish_and_bad_values_are_named() {
    let app = spawn_app().await;
    let owner = app.verified_user("o@example.com").await;
    let org = app
        .create_org(&owner, &enterprise("丙企业", &uscc(3)))
        .await;
    let need = post(
        &app,
        &owner,
        "/api/v1/needs",
        &json!({"organization_id": org["id"], "title": "t", "description": "d"}),
    )
    .await;
    let res = app
        .post_json_as(
            &format!("/api/v1/needs/{}/publish", need["id"].as_str().unwrap()),
            &owner.access,
            &json!({}),
        )
        .await;
    assert_problem(res, 409, "organization_not_verified").await;

    let bad = json!({"organization_id": org["id"], "title": "", "description": "d", "trl_required": 12, "budget_min": 10, "budget_max": 5});
    let problem = assert_problem(
        app.post_json_as("/api/v1/needs", &owner.access, &bad).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "trl_required", "budget_max"]);
    let res = app.post_json_as("/api/v1/needs", &owner.access, &json!({"organization_id": org["id"], "title": "t", "description": "d", "cooperation_modes": ["barter"]})).await;
    assert_problem(res, 422, "invalid").await;
}

#[tokio::test]
async fn text_with_control_characters_is_refused_with_the_field_named_on_every_feature() {
    let app = spawn_app().await;
    let (owner, bureau) = (
        app.verified_user("o@example.com").await,
        app.bureau_admin().await,
    );
    let org = app
        .create_org(&owner, &enterprise("丁企业", &uscc(4)))
        .await;

    // A NUL in a title (PostgreSQL cannot store it) and a bell in an organization's name.
    let res = app
        .post_json_as(
            "/api/v1/needs",
            &owner.access,
            &json!({"organization_id": org["id"], "title": "赤泥\u{0}回收", "description": "第一行\r\n\t第二行"}),
        )
        .await;
    let problem = assert_problem(res, 422, "control_character").await;
    assert_eq!(problem["errors"][0]["field"], "title");
    let res = app
        .post_json_as(
            "/api/v1/organizations",
            &owner.access,
            &json!({"kind": "university", "name": "戊大学\u{7}", "region_code": "bincheng"}),
        )
        .await;
    let problem = assert_problem(res, 422, "control_character").await;
    assert_eq!(problem["errors"][0]["field"], "name");
    let res = app
        .post_json_as("/api/v1/events", &bureau.access, &{
            let mut body = crate::events::event_body("培训", 10, 5, json!({}));
            body["location"] = json!("滨城\u{0}");
            body
        })
        .await;
    let problem = assert_problem(res, 422, "control_character").await;
    assert_eq!(problem["errors"][0]["field"], "location");
    // Line breaks and tabs are text, not control: the need above is fine without the NUL.
    post(
        &app,
        &owner,
        "/api/v1/needs",
        &json!({"organization_id": org["id"], "title": "赤泥回收", "description": "第一行\r\n\t第二行"}),
    )
    .await;
}

#[tokio::test]
async fn the_collections_filter_by_field_mode_trl_and_text_and_hide_drafts() {
    let app = spawn_app().await;
    let (owner, prof, bureau) = (
        app.verified_user("o@example.com").await,
        app.verified_user("p@example.com").await,
        app.bureau_admin().await,
    );
    let (_, uni) = two_sides(&app, &owner, &prof, &bureau, 5).await;
    let cap = |title: &str, field: &str, mode: &str, trl: i32| json!({"organization_id": uni, "title": title, "description": "capability", "field_codes": [field], "cooperation_modes": [mode], "trl": trl});
    let a = post(
        &app,
        &prof,
        "/api/v1/capabilities",
        &cap(
            "Bauxite residue iron recovery",
            "red-mud.iron-recovery",
            "licensing",
            7,
        ),
    )
    .await;
    let b = post(
        &app,
        &prof,
        "/api/v1/capabilities",
        &cap("Die casting simulation", "forming", "consulting", 4),
    )
    .await;
    let draft = post(
        &app,
        &prof,
        "/api/v1/capabilities",
        &cap("Unpublished idea", "red-mud", "consulting", 2),
    )
    .await;
    for c in [&a, &b] {
        publish(&app, &prof, "capabilities", c["id"].as_str().unwrap()).await;
    }
    let ids = |v: Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let get = |q: &str| {
        let url = format!("/api/v1/capabilities?{q}");
        let app = &app;
        async move { app.get(&url).await.json::<Value>().await.unwrap() }
    };
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    assert_eq!(ids(get("").await), vec![id(&a), id(&b)]);
    assert_eq!(
        ids(get("field=red-mud").await),
        vec![id(&a)],
        "sub-fields included, drafts hidden"
    );
    assert_eq!(ids(get("mode=consulting").await), vec![id(&b)]);
    assert_eq!(ids(get("trl_min=5").await), vec![id(&a)]);
    assert_eq!(ids(get("q=DIE%20CASTING").await), vec![id(&b)]);
    let own: Value = app
        .get_as("/api/v1/capabilities?status=draft", &prof.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(own), vec![id(&draft)], "members see their own drafts");
    let delete = app
        .client
        .delete(app.url(&format!("/api/v1/capabilities/{}", id(&draft))))
        .bearer_auth(&prof.access)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status().as_u16(), 204);
}
