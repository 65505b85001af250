//! The smaller findings of the second attack round: what an answer reveals, whose consent
//! a link needs, file modes, optional bodies and repeated list entries.

use serde_json::{Value, json};

use crate::helpers::{assert_problem, count, spawn_app, spawn_app_with, test_settings};
use crate::registry::{enterprise, uscc};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// What another organization registered is not told: registering an address that another
/// organization holds a place for answers exactly like registering an unknown address
/// (each organization's registration is its own; the bureau sees both). The organization's
/// own duplicate is still refused, by position only.
#[tokio::test]
async fn registering_another_organizations_attendee_answers_like_an_unknown_address() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let a_owner = app.verified_user("a@example.com").await;
    let b_owner = app.verified_user("b@example.com").await;
    let a = id(&app
        .verified_org(&a_owner, &bureau, &enterprise("甲企业", &uscc(1)))
        .await);
    let b = id(&app
        .verified_org(&b_owner, &bureau, &enterprise("乙企业", &uscc(2)))
        .await);
    let event = app.open_event(&bureau, 20).await;
    let res = app
        .register_attendees(&a_owner, &event, &a, &["vip@guest.example.com"])
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let shape = |v: Value| -> Vec<(Value, Value)> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["status"].clone(), r["waitlist_position"].clone()))
            .collect()
    };
    let mut answers = Vec::new();
    for (first, second) in [
        ("new@guest.example.com", "vip@guest.example.com"),
        ("new2@guest.example.com", "nobody@guest.example.com"),
    ] {
        let res = app
            .register_attendees(&b_owner, &event, &b, &[first, second])
            .await;
        assert_eq!(res.status().as_u16(), 201, "{second}");
        answers.push(shape(res.json().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1]);
    // The bureau sees both organizations' registrations of the address.
    let all: Value = app
        .get_as(
            &format!("/api/v1/events/{event}/registrations"),
            &bureau.access,
        )
        .await
        .json()
        .await
        .unwrap();
    let vip = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["attendee_email"] == "vip@guest.example.com")
        .count();
    assert_eq!(vip, 2, "{all}");
    // A's own duplicate is refused, naming the position only.
    let res = app
        .register_attendees(
            &a_owner,
            &event,
            &a,
            &["x@guest.example.com", "vip@guest.example.com"],
        )
        .await;
    let body = assert_problem(res, 409, "already_registered").await;
    assert!(!body.to_string().contains("vip@"), "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("attendees[1]"),
        "{body}"
    );
}

#[tokio::test]
async fn a_parent_must_be_an_organization_the_caller_owns_and_hidden_ones_look_unknown() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let other = app.verified_user("other@example.com").await;
    let mine = id(&app
        .verified_org(&owner, &bureau, &enterprise("甲集团", &uscc(1)))
        .await);
    let theirs = id(&app
        .verified_org(&other, &bureau, &enterprise("乙集团", &uscc(2)))
        .await);
    let hidden = id(&app
        .create_org(&other, &enterprise("丙待审", &uscc(3)))
        .await);
    let child = |parent: &str, n: u32| {
        let mut body = enterprise(&format!("子公司{n}"), &uscc(10 + n));
        body["parent_id"] = json!(parent);
        body
    };
    let mut answers = Vec::new();
    for (n, parent) in [
        (1, theirs.as_str()),
        (2, hidden.as_str()),
        (3, "0190b9c4-0000-7000-8000-000000000000"),
    ] {
        let res = app
            .post_json_as("/api/v1/organizations", &owner.access, &child(parent, n))
            .await;
        let body = assert_problem(res, 422, "parent_not_allowed").await;
        answers.push((body["detail"].clone(), body["errors"].clone()));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    let res = app
        .post_json_as("/api/v1/organizations", &owner.access, &child(&mine, 4))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let res = app
        .patch_json_as(
            &format!("/api/v1/organizations/{mine}"),
            &owner.access,
            &json!({"parent_id": theirs}),
        )
        .await;
    assert_problem(res, 422, "parent_not_allowed").await;
}

#[tokio::test]
async fn a_project_owner_is_not_its_own_partner_and_repeated_entries_count_once() {
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
    let project = |partners: Value| {
        json!({"name": "示范线", "owner_organization_id": ent, "region_code": "zouping",
                                           "category": "other", "year": 2026, "partner_organization_ids": partners})
    };
    let res = app
        .post_json_as(
            "/api/v1/projects",
            &bureau.access,
            &project(json!([uni, ent])),
        )
        .await;
    let body = assert_problem(res, 422, "owner_is_partner").await;
    assert_eq!(body["errors"][0]["field"], "partner_organization_ids[1]");
    let res = app
        .post_json_as(
            "/api/v1/projects",
            &bureau.access,
            &project(json!([uni, uni])),
        )
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["partner_organization_ids"], json!([uni]));
    let res = app
        .patch_json_as(
            &format!("/api/v1/projects/{}", id(&p)),
            &bureau.access,
            &json!({"partner_organization_ids": [ent]}),
        )
        .await;
    assert_problem(res, 422, "owner_is_partner").await;

    // A need naming a field or mode twice, an event audience naming a kind twice.
    let res = app
        .post_json_as("/api/v1/needs", &owner.access, &json!({"organization_id": ent, "title": "需求", "description": "赤泥",
            "field_codes": ["red-mud", "red-mud"], "cooperation_modes": ["joint_rnd", "consulting", "joint_rnd"]}))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let need: Value = res.json().await.unwrap();
    assert_eq!(need["field_codes"], json!(["red-mud"]));
    assert_eq!(
        need["cooperation_modes"],
        json!(["joint_rnd", "consulting"])
    );
    let res = app
        .patch_json_as(
            &format!("/api/v1/needs/{}", id(&need)),
            &owner.access,
            &json!({"field_codes": ["red-mud", "red-mud"]}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    let res = app
        .post_json_as("/api/v1/events", &bureau.access,
            &crate::events::event_body("培训", 10, 20, json!({"kinds": ["enterprise", "enterprise"], "region_codes": ["zouping", "zouping"]})))
        .await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(
        res.json::<Value>().await.unwrap()["audience"]["kinds"],
        json!(["enterprise"])
    );
}

#[tokio::test]
async fn review_actions_accept_a_null_body_as_documented() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user("owner@example.com").await;
    let org = id(&app
        .create_org(&owner, &enterprise("甲企业", &uscc(1)))
        .await);
    let send = |action: &str| {
        app.client
            .post(app.url(&format!("/api/v1/organizations/{org}/{action}")))
            .bearer_auth(&bureau.access)
            .header("content-type", "application/json")
            .body("null")
            .send()
    };
    assert_eq!(send("verify").await.unwrap().status().as_u16(), 200);
    let res = app
        .post_json_as(
            &format!("/api/v1/organizations/{org}/suspend"),
            &bureau.access,
            &json!({"reason": "检查"}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(send("reinstate").await.unwrap().status().as_u16(), 200);
    // A reason is still required where the document says so.
    assert_problem(send("suspend").await.unwrap(), 422, "reason_required").await;
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_secrets_and_mail_files_are_private_to_the_owner() {
    use std::os::unix::fs::PermissionsExt;
    let sqlite = crate::helpers::postgres_admin_url().is_none();
    let app = spawn_app_with(|s| {
        // Mail as files, and (SQLite) the generated development secret.
        s.mail.smtp_url = None;
        if sqlite {
            s.auth.jwt_secret = None;
        }
    })
    .await;
    let res = app.register("someone@example.com", "en").await;
    assert_eq!(res.status().as_u16(), 201);
    let mail_dir = app.settings.data_dir.join("mail");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::fs::read_dir(&mail_dir).map(|d| d.count()).unwrap_or(0) == 0 {
        assert!(std::time::Instant::now() < deadline, "no mail file written");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&app.settings.data_dir), 0o700);
    assert_eq!(mode(&mail_dir), 0o700, "mail files carry live tokens");
    if sqlite {
        let db = app
            .settings
            .database_url
            .trim_start_matches("sqlite://")
            .to_owned();
        assert_eq!(mode(std::path::Path::new(&db)), 0o600, "{db}");
        assert_eq!(mode(&app.settings.data_dir.join("jwt-secret")), 0o600);
    }
}

#[tokio::test]
async fn settings_are_refused_before_any_migration_runs() {
    let (mut settings, _dir, _pg) = test_settings();
    settings.mail.from = "not a mailbox".to_owned();
    let built = collab_registry::startup::Application::build(settings.clone()).await;
    assert!(built.is_err(), "a bad COLLAB_MAIL_FROM is refused");
    let db = collab_registry::db::Db::new(
        collab_registry::db::create_pool(&settings).unwrap(),
        settings.backend(),
    );
    let tables = match settings.backend() {
        collab_registry::config::Backend::Sqlite => {
            "SELECT count(*) AS n FROM sqlite_master WHERE name = '__diesel_schema_migrations'"
        }
        collab_registry::config::Backend::Postgres => {
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '__diesel_schema_migrations'"
        }
    };
    assert_eq!(
        count(&db, tables).await,
        0,
        "migrations ran before the settings were checked"
    );
}

/// A reset request is answered before any lookup, for every address alike: even while the
/// tables it writes are locked, a known address gets its 202 at once (an unknown one always
/// did), and the mail follows once the lock is gone.
#[tokio::test]
async fn a_reset_request_is_answered_before_the_account_is_looked_up() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    app.verified_user("known@example.com").await;
    let (locked_tx, locked_rx) = tokio::sync::oneshot::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let (pool, backend) = (app.db.pool().clone(), app.backend());
    // PostgreSQL: the reset tokens' table is locked, so the lookup's write waits; the answer
    // must not. SQLite has one write lock, the whole database's, which the throttle also
    // takes (the same write for every address, so its wait tells nothing about the account);
    // there the transaction below locks nothing, and the run checks the answer and the mail.
    // The handler's order of steps is one code path, which the PostgreSQL run proves.
    let holder = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        conn.batch_execute(match backend {
            collab_registry::config::Backend::Sqlite => "BEGIN",
            collab_registry::config::Backend::Postgres => {
                "BEGIN; LOCK TABLE one_time_tokens IN EXCLUSIVE MODE"
            }
        })
        .unwrap();
        locked_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        conn.batch_execute("ROLLBACK").unwrap();
    });
    locked_rx.await.unwrap();
    let res = app
        .client
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&json!({"email": "known@example.com"}))
        .timeout(std::time::Duration::from_secs(30))
        .send()
        .await;
    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let res = res.expect("answered while the tables were locked");
    assert_eq!(res.status().as_u16(), 202);
    app.smtp
        .wait_for_subject("known@example.com", "Reset your password")
        .await;
}

/// Found by schemathesis on PostgreSQL: a NUL inside an audience code reached the database
/// (PostgreSQL refuses U+0000 in text) and answered 500. It is an unknown code, 422.
#[tokio::test]
async fn an_audience_code_with_a_nul_is_unknown_not_a_server_error() {
    let app = spawn_app().await;
    let bureau = app.bureau_admin().await;
    let audience = json!({"region_codes": ["zou\u{0}ping"], "field_codes": ["red\u{0}mud"]});
    let res = app
        .post_json_as(
            "/api/v1/events",
            &bureau.access,
            &crate::events::event_body("培训", 10, 20, audience),
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.json::<Value>().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"audience.region_codes[0]"), "{body}");
    assert!(fields.contains(&"audience.field_codes"), "{body}");
}
