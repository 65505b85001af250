//! Proof under load and abuse: security headers, throttles on the write paths that mail
//! people, fan-out bounds, and concurrent writers on one database.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};
use crate::registry::{enterprise, uscc};

#[tokio::test]
async fn responses_carry_security_headers_and_no_server_banner() {
    let app = spawn_app().await;
    let user = app.verified_user("user@example.com").await;
    let res = app.get_as("/api/v1/me", &user.access).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.headers().get("server").is_none(), "no server banner");
    let res = app.get("/api/v1/organizations").await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().get("server").is_none());
    // Errors too.
    let res = app.get("/api/v1/nowhere").await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().get("server").is_none());
}

#[tokio::test]
async fn expressions_of_interest_are_throttled_per_user() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let ent = app.verified_user("ent@example.com").await;
    let uni = app.verified_user("uni@example.com").await;
    let a = app
        .verified_org(&ent, &bureau, &enterprise("甲企业", &uscc(1)))
        .await;
    let b = app
        .verified_org(
            &uni,
            &bureau,
            &json!({"kind": "university", "name": "乙大学", "region_code": "bincheng"}),
        )
        .await;
    let need = crate::listings::post(
        &app,
        &ent,
        "/api/v1/needs",
        &json!({
            "organization_id": a["id"], "title": "赤泥选铁", "description": "赤泥提铁。"
        }),
    )
    .await;
    crate::listings::publish(&app, &ent, "needs", need["id"].as_str().unwrap()).await;
    // Each attempt counts, refused or not: 20 a minute, then 429 with Retry-After.
    let body = json!({"from_organization_id": b["id"], "need_id": need["id"], "message": "感兴趣"});
    let mut statuses = Vec::new();
    for _ in 0..21 {
        statuses.push(
            app.post_json_as("/api/v1/interests", &uni.access, &body)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses[0], 201);
    assert!(statuses[1..20].iter().all(|s| *s == 409), "{statuses:?}");
    let res = app
        .post_json_as("/api/v1/interests", &uni.access, &body)
        .await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn page_sizes_and_fan_out_are_bounded() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    for path in [
        "/api/v1/organizations?limit=101",
        "/api/v1/needs?limit=1000",
        "/api/v1/events?limit=0",
    ] {
        let res = app.get_as(path, &bureau.access).await;
        assert_problem(res, 422, "limit_out_of_range").await;
    }
    let owner = app.verified_user("owner@example.com").await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await;
    let event = app.open_event(&bureau, 100).await;
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"name": format!("人{i}"), "email": format!("p{i}@guest.example.com")}))
        .collect();
    let res = app
        .post_json_as(
            &format!("/api/v1/events/{event}/registrations"),
            &owner.access,
            &json!({"organization_id": org["id"], "attendees": many}),
        )
        .await;
    assert_problem(res, 422, "count_out_of_range").await;
    let ids: Vec<String> = (0..501).map(|i| format!("org-{i}")).collect();
    let res = app
        .post_json_as(
            "/api/v1/events",
            &bureau.access,
            &crate::events::event_body("大活动", 30, 10, json!({"organization_ids": ids})),
        )
        .await;
    assert_problem(res, 422, "too_many").await;
}

/// Row count of `listings` straight from the database.
async fn listings(app: &TestApp) -> i64 {
    use collab_registry::db::schema::listings;
    use diesel::prelude::*;
    app.db
        .run(|conn| Ok(listings::table.count().get_result::<i64>(conn)?))
        .await
        .unwrap()
}

#[tokio::test]
async fn thirty_two_writers_lose_nothing_and_never_see_a_locked_database() {
    let app = spawn_app_with(|s| {
        s.db_pool_size = 8;
        s.http_workers = 2;
    })
    .await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = app
        .verified_org(&owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    const CLIENTS: usize = 32;
    const WRITES: usize = 100;
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (client, url, token, org) = (
            app.client.clone(),
            app.url("/api/v1/needs"),
            owner.access.clone(),
            org_id.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut bad = Vec::new();
            for w in 0..WRITES {
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"organization_id": org, "title": format!("需求 {c}-{w}"), "description": "并发写入"}))
                    .send()
                    .await
                    .unwrap();
                if res.status().as_u16() != 201 {
                    bad.push(format!("{}: {}", res.status(), res.text().await.unwrap_or_default()));
                }
            }
            bad
        }));
    }
    let mut bad = Vec::new();
    for t in tasks {
        bad.extend(t.await.unwrap());
    }
    assert!(
        bad.is_empty(),
        "{} failed writes, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(3)]
    );
    assert_eq!(listings(&app).await, (CLIENTS * WRITES) as i64);
}

#[tokio::test]
async fn registration_and_password_reset_are_throttled() {
    let app = spawn_app_with(|s| s.auth.login_attempts_per_minute = 3).await;
    // Registration: twice the login quota per client address.
    let mut statuses = Vec::new();
    for i in 0..7 {
        statuses.push(
            app.register(&format!("r{i}@example.com"), "en")
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..6], &[201; 6]);
    assert_eq!(statuses[6], 429, "{statuses:?}");
    // Reset: three requests a minute per account, answered alike whether it exists or not.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = app
            .post_json(
                "/api/v1/auth/password-reset",
                &json!({"email": "r0@example.com"}),
            )
            .await;
        statuses.push(res.status().as_u16());
        if res.status().as_u16() == 429 {
            assert!(res.headers().contains_key("retry-after"));
        }
    }
    assert_eq!(statuses, vec![202, 202, 202, 429]);
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after_and_recovers() {
    let app = spawn_app_with(|s| {
        s.db_pool_size = 1;
        s.db_acquire_timeout = std::time::Duration::from_millis(300);
        s.run_workers = false;
    })
    .await;
    // Hold the only connection (as a slow request would).
    let pool = app.db.pool().clone();
    let held = tokio::task::spawn_blocking(move || {
        // The indexer may hold it for a moment: keep asking until it is ours.
        loop {
            if let Ok(c) = pool.get() {
                return c;
            }
        }
    })
    .await
    .unwrap();
    let res = app.get("/api/v1/organizations").await;
    assert_eq!(res.status().as_u16(), 503);
    assert!(res.headers().contains_key("retry-after"));
    assert_problem(res, 503, "service_unavailable").await;
    drop(held);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let status = app.get("/api/v1/organizations").await.status().as_u16();
        if status == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never recovered: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
