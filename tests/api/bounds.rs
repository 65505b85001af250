//! Bounds on what reaches a query or a sum: free-text filters and amounts of money.

use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};
use crate::listings::{post, publish};
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_free_text_filter_longer_than_200_characters_is_refused_naming_q() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let long = "赤".repeat(201);
    let huge = "a".repeat(50_001);
    for path in [
        "/api/v1/needs",
        "/api/v1/capabilities",
        "/api/v1/organizations",
        "/api/v1/admin/users",
    ] {
        for q in [&long, &huge] {
            let res = app.get_as(&format!("{path}?q={q}"), &bureau.access).await;
            let body = assert_problem(res, 422, "q_too_long").await;
            assert_eq!(body["errors"][0]["field"], "q", "{path}");
        }
        // 200 characters are fine.
        let ok = "赤".repeat(200);
        let res = app.get_as(&format!("{path}?q={ok}"), &bureau.access).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
    }
}

#[tokio::test]
async fn money_fields_are_bounded_and_the_overview_total_does_not_wrap() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let prof = app.verified_user("prof@example.com").await;
    let ent = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    let uni = id(&app
        .verified_org(
            &prof,
            &bureau,
            &json!({"kind": "university", "name": "乙大学", "region_code": "bincheng"}),
        )
        .await);
    let max = 1_000_000_000_000_i64;

    // Needs' budgets.
    let res = app
        .post_json_as("/api/v1/needs", &owner.access, &json!({
            "organization_id": ent, "title": "预算", "description": "赤泥提铁。", "budget_max": max + 1}))
        .await;
    let body = assert_problem(res, 422, "out_of_range").await;
    assert_eq!(body["errors"][0]["field"], "budget_max");

    // Agreements: two of the largest value add up, i64::MAX is refused.
    let mut agreements = Vec::new();
    for (n, value) in [(1, i64::MAX), (2, max), (3, max)] {
        let need = id(&post(
            &app,
            &owner,
            "/api/v1/needs",
            &json!({
            "organization_id": ent, "title": format!("需求{n}"), "description": "赤泥提铁。"}),
        )
        .await);
        publish(&app, &owner, "needs", &need).await;
        let interest = app
            .post_json_as(
                "/api/v1/interests",
                &prof.access,
                &json!({"from_organization_id": uni, "need_id": need, "message": "感兴趣"}),
            )
            .await
            .json::<Value>()
            .await
            .unwrap();
        let res = app
            .post_json_as(
                &format!("/api/v1/interests/{}/accept", id(&interest)),
                &owner.access,
                &json!({"value_yuan": value}),
            )
            .await;
        if value > max {
            let body = assert_problem(res, 422, "out_of_range").await;
            assert_eq!(body["errors"][0]["field"], "value_yuan");
            continue;
        }
        assert_eq!(res.status().as_u16(), 200);
        agreements.push(id(&res.json::<Value>().await.unwrap()["agreement"]));
    }
    let o: Value = app
        .get_as("/api/v1/reports/overview", &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(o["agreements"]["total"], 2);
    assert_eq!(o["agreements"]["total_value_yuan"], 2 * max);

    // Projects' planned investment, on create and on change.
    let project = json!({"name": "示范线", "owner_organization_id": ent, "region_code": "zouping",
                         "category": "other", "year": 2026, "planned_investment": i64::MAX});
    let res = app
        .post_json_as("/api/v1/projects", &bureau.access, &project)
        .await;
    let body = assert_problem(res, 422, "out_of_range").await;
    assert_eq!(body["errors"][0]["field"], "planned_investment");
    let mut project = project;
    project["planned_investment"] = json!(max);
    let res = app
        .post_json_as("/api/v1/projects", &bureau.access, &project)
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let pid = id(&res.json::<Value>().await.unwrap());
    let res = app
        .patch_json_as(
            &format!("/api/v1/projects/{pid}"),
            &bureau.access,
            &json!({"planned_investment": max + 1}),
        )
        .await;
    assert_problem(res, 422, "out_of_range").await;
}
