//! Health, readiness, metrics, request ids, the OpenAPI document, and the error shape.

use std::collections::BTreeSet;

use collab_registry::config::Backend;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn live_answers_200() {
    let app = spawn_app().await;
    let res = app.get("/health/live").await;
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn ready_answers_200_once_migrated_and_the_sqlite_file_exists() {
    let app = spawn_app().await;
    let res = app.get("/health/ready").await;
    assert_eq!(res.status().as_u16(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    assert_eq!(body["pending_migrations"], 0);
    if app.backend() == Backend::Sqlite {
        assert!(app.dir.path().join("test.db").exists());
    }
}

#[tokio::test]
async fn ready_turns_503_when_a_migration_is_missing() {
    let app = spawn_app().await;
    app.sql("DELETE FROM __diesel_schema_migrations").await;
    let res = app.get("/health/ready").await;
    assert_eq!(res.status().as_u16(), 503);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], true);
    assert!(body["pending_migrations"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn ready_turns_503_when_no_database_connection_can_be_had() {
    let app = spawn_app_with(|s| {
        s.db_pool_size = 1;
        s.db_acquire_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let held = app.db.pool().get().unwrap();
    let res = app.get("/health/ready").await;
    assert_eq!(res.status().as_u16(), 503);
    drop(held);
    assert_eq!(app.get("/health/ready").await.status().as_u16(), 200);
}

#[tokio::test]
async fn ready_turns_503_when_the_postgres_database_is_gone() {
    let app = spawn_app().await;
    if app.backend() != Backend::Postgres {
        return; // an embedded SQLite file cannot become unreachable under a running process
    }
    assert_eq!(app.get("/health/ready").await.status().as_u16(), 200);
    let pg = crate::helpers::postgres_admin_url().unwrap();
    let name = app
        .settings
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    tokio::task::spawn_blocking(move || {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let mut conn = diesel::PgConnection::establish(&pg).unwrap();
        conn.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    })
    .await
    .unwrap();
    let res = app.get("/health/ready").await;
    assert_eq!(res.status().as_u16(), 503);
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_with_retry_after() {
    let app = spawn_app_with(|s| {
        s.db_pool_size = 1;
        s.db_acquire_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let held = app.db.pool().get().unwrap();
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "a@example.com", "password": "whatever-password"}),
        )
        .await;
    assert!(res.headers().get("retry-after").is_some());
    assert_problem(res, 503, "service_unavailable").await;
    drop(held);
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(r#"{"email": "a@example.com", "password": "#)
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "malformed_json").await;
}

#[tokio::test]
async fn a_body_over_64_kib_is_a_413_problem() {
    let app = spawn_app().await;
    let padding = "x".repeat(65 * 1024);
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "a@example.com", "password": padding}),
        )
        .await;
    assert_problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn an_unknown_field_is_a_422_naming_it() {
    let app = spawn_app().await;
    let res = app
        .post_json(
            "/api/v1/auth/login",
            &json!({"email": "a@example.com", "password": "pw-pw-pw-pw", "role": "bureau_admin"}),
        )
        .await;
    let body = assert_problem(res, 422, "unknown_field").await;
    assert_eq!(body["errors"][0]["field"], "role");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415_problem() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_problems() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/no-such-thing").await, 404, "not_found").await;
    let res = app
        .client
        .delete(app.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["allow"], "GET");
    assert_problem(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-42");
    let res = app.get("/health/live").await;
    let generated = res.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 36);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = spawn_app().await;
    app.get("/health/live").await;
    app.get("/api/v1/nowhere/123").await;
    let text = app.metrics().await;
    assert!(
        text.contains(r#"http_requests_total{method="GET",route="/health/live",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#));
    assert!(text.contains("http_request_duration_seconds_bucket"));
    assert!(text.contains(r#"db_pool_connections{state="idle"}"#));
    assert!(text.contains(r#"outbox_emails{status="dead"} 0"#), "{text}");
}

#[tokio::test]
async fn metrics_show_the_outbox_backlog_for_alerting() {
    // No delivery worker: what is queued stays queued.
    let app = spawn_app_with(|s| s.run_workers = false).await;
    let text = app.metrics().await;
    assert!(text.contains("outbox_oldest_unsent_seconds 0\n"), "{text}");
    app.register("dead@example.com", "en").await;
    app.register("late@example.com", "en").await;
    app.register("fresh@example.com", "en").await;
    // One mail dead-lettered, one queued ten minutes ago.
    app.sql("UPDATE outbox_emails SET status = 'dead' WHERE to_address = 'dead@example.com'")
        .await;
    app.sql(match app.backend() {
        Backend::Sqlite => {
            "UPDATE outbox_emails SET created_at = datetime(created_at, '-600 seconds') \
             WHERE to_address = 'late@example.com'"
        }
        Backend::Postgres => {
            "UPDATE outbox_emails SET created_at = created_at - interval '600 seconds' \
             WHERE to_address = 'late@example.com'"
        }
    })
    .await;
    let text = app.metrics().await;
    assert!(text.contains(r#"outbox_emails{status="dead"} 1"#), "{text}");
    assert!(
        text.contains(r#"outbox_emails{status="pending"} 2"#),
        "{text}"
    );
    let waited: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("outbox_oldest_unsent_seconds "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (599.0..700.0).contains(&waited),
        "oldest unsent for {waited} s"
    );
}

#[tokio::test]
async fn every_registered_route_is_in_the_openapi_document() {
    let app = spawn_app().await;
    let doc: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect();
    // `/metrics` is served on the metrics listener only; the document describes the API's.
    let registered: BTreeSet<(String, String)> = collab_registry::routes::table()
        .endpoints()
        .into_iter()
        .filter(|(_, p)| *p != "/metrics")
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    assert!(!documented.iter().any(|(_, p)| p == "/metrics"));
    let missing: Vec<_> = registered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "routes missing from the OpenAPI document: {missing:?}"
    );
    let stale: Vec<_> = documented.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "documented routes that are not registered: {stale:?}"
    );
}

/// `docs/openapi.json` is the generated document; `UPDATE_OPENAPI=1 cargo test` rewrites it.
#[test]
fn docs_openapi_json_is_current() {
    let generated =
        serde_json::to_string_pretty(&collab_registry::routes::openapi()).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test docs_openapi`"
    );
}

#[test]
fn logs_written_to_a_file_carry_no_colour_codes() {
    // `migrate` on a fresh SQLite file logs what it applied; its stdout is a pipe here, as
    // it is for a log file or journald.
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_collab-registry"))
        .arg("migrate")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("log.db").display()),
        )
        .env("COLLAB_DATA_DIR", dir.path())
        .env("COLLAB_LOG", "info")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("migrations applied"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escape in a log file: {log:?}"
    );
}

#[tokio::test]
async fn create_admin_says_where_it_reads_the_password_and_never_prints_it() {
    use std::io::Write;
    let app = spawn_app().await;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_collab-registry"))
        .args(["create-admin", "--email", "clerk@bureau.gov.cn"])
        .env("DATABASE_URL", &app.settings.database_url)
        .env("COLLAB_DATA_DIR", app.dir.path())
        .env_remove("COLLAB_ADMIN_PASSWORD")
        .env("COLLAB_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let secret = "piped clerk passphrase 7";
    writeln!(child.stdin.take().unwrap(), "{secret}").unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("from standard input"),
        "no word on where it reads: {stderr}"
    );
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "the password was printed"
    );
    assert_eq!(
        app.login("clerk@bureau.gov.cn", secret)
            .await
            .status()
            .as_u16(),
        200
    );
}
