//! Collaboration and oversight: interest -> agreement -> key project -> operation, decline
//! reasons, overdue milestones, reports and CSV exports, and who sees what.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser, assert_problem, spawn_app, spawn_app_with};
use crate::listings::{post, publish};
use crate::matching::within_a_second;
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

struct World {
    bureau: TestUser,
    ent_user: TestUser,
    uni_user: TestUser,
    ent: String,
    uni: String,
    need: String,
    cap: String,
}

/// A verified enterprise with a published need about red-mud iron recovery and a
/// verified university with a matching published capability.
async fn world(app: &TestApp) -> World {
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
            &json!({"kind": "university", "name": "滨州学院", "region_code": "bincheng", "field_codes": ["red-mud"],
                    "contact": {"name": "李教授", "email": "li@uni.example.edu.cn", "phone": "0543-3190000"}}),
        )
        .await);
    let need = id(&post(app, &ent_user, "/api/v1/needs", &json!({
        "organization_id": ent, "title": "赤泥选铁技术需求",
        "description": "每年排放拜耳法赤泥约200万吨，希望通过焙烧磁选回收铁精粉。",
        "keywords": ["赤泥", "选铁"], "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd", "pilot_testing"]
    })).await);
    publish(app, &ent_user, "needs", &need).await;
    let cap = id(&post(app, &uni_user, "/api/v1/capabilities", &json!({
        "organization_id": uni, "title": "Iron recovery from bauxite residue",
        "description": "Reduction roasting and magnetic separation recover iron concentrate from Bayer red mud.",
        "keywords": ["bauxite residue", "iron recovery"], "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"]
    })).await);
    publish(app, &uni_user, "capabilities", &cap).await;
    World {
        bureau,
        ent_user,
        uni_user,
        ent,
        uni,
        need,
        cap,
    }
}

async fn overview(app: &TestApp, bureau: &TestUser) -> Value {
    let res = app.get_as("/api/v1/reports/overview", &bureau.access).await;
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_whole_chain_from_need_to_operation_shows_in_the_overview() {
    let app = spawn_app().await;
    let w = world(&app).await;

    // The need's matches include the capability.
    within_a_second(
        &app,
        &w.ent_user,
        &format!("/api/v1/needs/{}/matches", w.need),
        |b| {
            b["items"]
                .as_array()
                .is_some_and(|items| items.iter().any(|x| x["listing"]["id"] == w.cap.as_str()))
        },
    )
    .await;

    // The university expresses interest, offering its capability.
    let res = app
        .post_json_as("/api/v1/interests", &w.uni_user.access, &json!({
            "from_organization_id": w.uni, "need_id": w.need, "capability_id": w.cap, "message": "我们有中试线，可联合攻关。"
        }))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let interest: Value = res.json().await.unwrap();
    assert_eq!(interest["target_listing_id"], w.need.as_str());
    assert_eq!(interest["offered_listing_id"], w.cap.as_str());
    assert_eq!(interest["direction"], "sent");
    assert!(interest["counterpart_contact"].is_null());
    let iid = id(&interest);
    app.smtp
        .wait_for_subject("ent@example.com", "New interest")
        .await;

    // Before acceptance the enterprise sees no contact; after, both sides do.
    let seen: Value = app
        .get_as(&format!("/api/v1/interests/{iid}"), &w.ent_user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["direction"], "received");
    assert!(seen["counterpart_contact"].is_null());
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{iid}/accept"),
            &w.ent_user.access,
            &json!({"cooperation_mode": "joint_rnd", "value_yuan": 500000}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let accepted: Value = res.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(
        accepted["counterpart_contact"]["email"],
        "li@uni.example.edu.cn"
    );
    let agreement = accepted["agreement"].clone();
    assert_eq!(agreement["need_id"], w.need.as_str());
    assert_eq!(agreement["capability_id"], w.cap.as_str());
    assert_eq!(agreement["provider_organization_id"], w.uni.as_str());
    let theirs: Value = app
        .get_as(&format!("/api/v1/interests/{iid}"), &w.uni_user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs["counterpart_contact"]["email"],
        "contact@example.com"
    );
    app.smtp
        .wait_for_subject("uni@example.com", "Interest accepted")
        .await;
    // A decided interest cannot be decided again.
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{iid}/withdraw"),
            &w.uni_user.access,
            &json!({}),
        )
        .await;
    assert_problem(res, 409, "invalid_transition").await;

    // The need is fulfilled from the agreement.
    let res = app
        .post_json_as(
            &format!("/api/v1/agreements/{}/fulfil-need", id(&agreement)),
            &w.ent_user.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "fulfilled");

    // A key project grows from the agreement and is driven to operation by its owner.
    let res = app
        .post_json_as("/api/v1/projects", &w.bureau.access, &json!({
            "name": "赤泥提铁示范线", "owner_organization_id": w.ent, "partner_organization_ids": [w.uni],
            "region_code": "zouping", "category": "red_mud_utilization", "planned_investment": 120000000,
            "capacity": "年处理赤泥 30 万吨", "year": 2026, "agreement_ids": [id(&agreement)]
        }))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let project: Value = res.json().await.unwrap();
    let pid = id(&project);
    assert_eq!(project["stage"], "approved");
    let mut milestones = Vec::new();
    for (name, stage, days) in [
        ("开工建设", "construction", 30),
        ("试生产", "trial_production", 90),
        ("投产运营", "operation", 180),
    ] {
        let due = (chrono::Utc::now() + chrono::Duration::days(days)).date_naive();
        let res = app
            .post_json_as(
                &format!("/api/v1/projects/{pid}/milestones"),
                &w.bureau.access,
                &json!({"name": name, "stage": stage, "due_on": due}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 201);
        milestones.push(id(&res.json::<Value>().await.unwrap()));
    }
    let today = chrono::Utc::now().date_naive();
    // The partner may look but not record progress; the owner records it.
    let res = app
        .patch_json_as(
            &format!("/api/v1/projects/{pid}/milestones/{}", milestones[0]),
            &w.uni_user.access,
            &json!({"done_on": today}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    for m in &milestones {
        let res = app
            .patch_json_as(
                &format!("/api/v1/projects/{pid}/milestones/{m}"),
                &w.ent_user.access,
                &json!({"done_on": today, "notes": "按期完成"}),
            )
            .await;
        assert_eq!(res.status().as_u16(), 200);
    }
    let project: Value = app
        .get_as(&format!("/api/v1/projects/{pid}"), &w.ent_user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(project["stage"], "operation");
    let inbox: Value = app
        .get_as("/api/v1/me/notifications", &w.bureau.access)
        .await
        .json()
        .await
        .unwrap();
    let operation: Vec<&Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x["title"]
                .as_str()
                .unwrap()
                .starts_with("Project in operation")
                || x["title"].as_str().unwrap().starts_with("重点项目已投产")
        })
        .collect();
    assert_eq!(operation.len(), 1);

    let o = overview(&app, &w.bureau).await;
    assert_eq!(o["organizations"]["total"], 2);
    assert_eq!(o["organizations"]["by_kind"]["university"], 1);
    assert_eq!(o["needs"]["by_status"]["fulfilled"], 1);
    assert_eq!(o["needs"]["by_field"]["red-mud.iron-recovery"], 1);
    assert_eq!(o["capabilities"]["by_status"]["published"], 1);
    assert_eq!(
        (
            o["interests"]["sent"].as_i64(),
            o["interests"]["accepted"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(o["agreements"]["total"], 1);
    assert_eq!(o["agreements"]["total_value_yuan"], 500000);
    assert_eq!(o["projects"]["by_stage"]["operation"], 1);
    assert_eq!(o["projects"]["overdue_milestones"], 0);
}

#[tokio::test]
async fn one_open_interest_per_pair_and_declines_are_counted_by_reason() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let body = json!({"from_organization_id": w.uni, "need_id": w.need, "message": "感兴趣"});
    let res = app
        .post_json_as("/api/v1/interests", &w.uni_user.access, &body)
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let first = id(&res.json::<Value>().await.unwrap());
    let res = app
        .post_json_as("/api/v1/interests", &w.uni_user.access, &body)
        .await;
    assert_problem(res, 409, "interest_open").await;

    // Only the receiver declines, with a reason from the list.
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{first}/decline"),
            &w.uni_user.access,
            &json!({"reason": "budget"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{first}/decline"),
            &w.ent_user.access,
            &json!({"reason": "cheap"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{first}/decline"),
            &w.ent_user.access,
            &json!({"reason": "budget", "comment": "预算不足"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let declined: Value = res.json().await.unwrap();
    assert_eq!(
        (
            declined["status"].as_str(),
            declined["decline_reason"].as_str()
        ),
        (Some("declined"), Some("budget"))
    );
    assert!(
        declined["counterpart_contact"].is_null(),
        "no contacts without acceptance"
    );

    // Once closed, a new interest may be sent; the sender withdraws it.
    let res = app
        .post_json_as("/api/v1/interests", &w.uni_user.access, &body)
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let second = id(&res.json::<Value>().await.unwrap());
    let res = app
        .post_json_as(
            &format!("/api/v1/interests/{second}/withdraw"),
            &w.uni_user.access,
            &json!({}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);

    // Own listings and outsiders are refused; lists are per side.
    let res = app
        .post_json_as(
            "/api/v1/interests",
            &w.ent_user.access,
            &json!({"from_organization_id": w.ent, "need_id": w.need, "message": "x"}),
        )
        .await;
    assert_problem(res, 409, "own_listing").await;
    let stranger = app.verified_user("stranger@example.com").await;
    let res = app
        .get_as(&format!("/api/v1/interests/{first}"), &stranger.access)
        .await;
    assert_problem(res, 404, "not_found").await;
    let sent: Value = app
        .get_as("/api/v1/interests?direction=sent", &w.uni_user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["items"].as_array().unwrap().len(), 2);
    let received: Value = app
        .get_as("/api/v1/interests?direction=received", &w.uni_user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(received["items"].as_array().unwrap().len(), 0);

    let o = overview(&app, &w.bureau).await;
    assert_eq!(o["interests"]["sent"], 2);
    assert_eq!(o["interests"]["declined"], 1);
    assert_eq!(o["interests"]["withdrawn"], 1);
    assert_eq!(o["interests"]["decline_reasons"], json!({"budget": 1}));
}

#[tokio::test]
async fn an_overdue_milestone_raises_exactly_one_notice_and_the_report_counts_it() {
    let app = spawn_app_with(|s| s.scheduler_interval = Duration::from_secs(1)).await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .verified_org(&owner, &bureau, &enterprise("魏桥铝电", &uscc(1)))
        .await);
    let res = app
        .post_json_as("/api/v1/projects", &bureau.access, &json!({
            "name": "再生铝保级利用项目", "owner_organization_id": org, "region_code": "zouping",
            "category": "recycled_aluminum", "year": 2026
        }))
        .await;
    let pid = id(&res.json::<Value>().await.unwrap());
    let yesterday = (chrono::Utc::now() - chrono::Duration::days(2)).date_naive();
    let res = app
        .post_json_as(
            &format!("/api/v1/projects/{pid}/milestones"),
            &bureau.access,
            &json!({"name": "设备安装", "due_on": yesterday}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);

    let overdue_notices = |inbox: &Value| {
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| {
                x["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("Milestone overdue")
                    || x["title"].as_str().unwrap().starts_with("重点项目节点逾期")
            })
            .count()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let inbox: Value = app
            .get_as("/api/v1/me/notifications", &bureau.access)
            .await
            .json()
            .await
            .unwrap();
        if overdue_notices(&inbox) >= 1 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no overdue notice");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let inbox: Value = app
        .get_as("/api/v1/me/notifications", &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        overdue_notices(&inbox),
        1,
        "one notice, however many passes"
    );

    let o = overview(&app, &bureau).await;
    assert_eq!(o["projects"]["overdue_milestones"], 1);
    assert_eq!(o["projects"]["projects_with_overdue"], 1);
    let late: Value = app
        .get_as("/api/v1/projects?overdue=true", &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(late["items"].as_array().unwrap().len(), 1);
    assert_eq!(late["items"][0]["overdue_milestones"], 1);
    let on_time: Value = app
        .get_as("/api/v1/projects?overdue=false", &bureau.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(on_time["items"].as_array().unwrap().len(), 0);
}

fn parse_csv(body: &[u8]) -> Vec<Vec<String>> {
    assert!(
        body.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 byte-order mark first"
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&body[3..]);
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn csv_exports_parse_and_hold_exactly_the_filtered_rows_and_only_the_bureau_sees_reports() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut other = enterprise("滨州再生铝", &uscc(2));
    other["region_code"] = json!("binzhou-hitech");
    app.verified_org(&w.ent_user, &w.bureau, &other).await;

    let res = app
        .get_as(
            "/api/v1/reports/organizations.csv?region=zouping",
            &w.bureau.access,
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = parse_csv(&res.bytes().await.unwrap());
    assert_eq!(rows[0][0], "编号", "the bureau's account reads Chinese");
    assert_eq!(
        rows.len(),
        2,
        "header plus the one Zouping organization: {rows:?}"
    );
    assert_eq!(rows[1][2], "魏桥铝电");
    let all = parse_csv(
        &app.get_as("/api/v1/reports/organizations.csv", &w.bureau.access)
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(all.len(), 4);
    let binzhou = parse_csv(
        &app.get_as(
            "/api/v1/reports/organizations.csv?region=binzhou",
            &w.bureau.access,
        )
        .await
        .bytes()
        .await
        .unwrap(),
    );
    assert_eq!(binzhou.len(), 4, "Binzhou contains every district");
    let future = parse_csv(
        &app.get_as(
            "/api/v1/reports/needs.csv?from=2100-01-01T00:00:00Z",
            &w.bureau.access,
        )
        .await
        .bytes()
        .await
        .unwrap(),
    );
    assert_eq!(future.len(), 1, "only the header");
    let needs = parse_csv(
        &app.get_as("/api/v1/reports/needs.csv", &w.bureau.access)
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!((needs.len(), needs[1][0].as_str()), (2, w.need.as_str()));
    for name in ["capabilities", "interests", "participation", "projects"] {
        let res = app
            .get_as(&format!("/api/v1/reports/{name}.csv"), &w.bureau.access)
            .await;
        assert_eq!(res.status().as_u16(), 200, "{name}");
        assert!(!parse_csv(&res.bytes().await.unwrap()).is_empty());
    }
    assert_eq!(
        app.get_as("/api/v1/reports/salaries.csv", &w.bureau.access)
            .await
            .status()
            .as_u16(),
        404
    );
    let res = app
        .get_as("/api/v1/reports/overview?region=atlantis", &w.bureau.access)
        .await;
    assert_problem(res, 422, "region_unknown").await;

    // Reports are the bureau's; projects are visible to their owners and partners only.
    let res = app
        .get_as("/api/v1/reports/overview", &w.ent_user.access)
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .get_as("/api/v1/reports/organizations.csv", &w.ent_user.access)
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .post_json_as("/api/v1/projects", &w.bureau.access, &json!({
            "name": "压铸件轻量化项目", "owner_organization_id": w.ent, "region_code": "zouping", "category": "die_casting", "year": 2027
        }))
        .await;
    let pid = id(&res.json::<Value>().await.unwrap());
    let mine: Value = app
        .get_as("/api/v1/projects", &w.ent_user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let theirs: Value = app
        .get_as("/api/v1/projects", &w.uni_user.access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0);
    let res = app
        .get_as(&format!("/api/v1/projects/{pid}"), &w.uni_user.access)
        .await;
    assert_problem(res, 404, "not_found").await;
    let res = app
        .post_json_as("/api/v1/projects", &w.ent_user.access, &json!({"name": "x", "owner_organization_id": w.ent, "region_code": "zouping", "category": "other", "year": 2027}))
        .await;
    assert_problem(res, 403, "forbidden").await;
    // Owners move the stage but edit nothing else.
    let res = app
        .patch_json_as(
            &format!("/api/v1/projects/{pid}"),
            &w.ent_user.access,
            &json!({"name": "改名"}),
        )
        .await;
    assert_problem(res, 403, "forbidden").await;
    let res = app
        .patch_json_as(
            &format!("/api/v1/projects/{pid}"),
            &w.ent_user.access,
            &json!({"stage": "construction"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let _ = w.cap;
}
