//! `spawn_app()` and the `TestApp` every test drives.

use std::sync::Once;

use collab_registry::config::{Backend, Settings};
use collab_registry::db::Db;
use collab_registry::startup::Application;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::smtp::{Mail, SmtpServer};

pub const TEST_JWT_SECRET: &str = "test-secret-for-collab-registry-tests-0123456789";
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server on a fresh database.
pub struct TestApp {
    pub address: String,
    /// The metrics listener (`COLLAB_METRICS_ADDR`).
    pub metrics_address: String,
    pub smtp: SmtpServer,
    pub client: reqwest::Client,
    pub db: Db,
    pub settings: Settings,
    pub dir: tempfile::TempDir,
    handle: actix_web::dev::ServerHandle,
    pg: Option<PgTestDatabase>,
}

/// A PostgreSQL database created for one test and dropped after it.
pub struct PgTestDatabase {
    pub admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgTestDatabase {
    pub fn create(admin_url: &str) -> Self {
        let name = format!("collab_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn =
            diesel::PgConnection::establish(admin_url).expect("connect to TEST_DATABASE_URL");
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .unwrap_or(admin_url);
        PgTestDatabase {
            admin_url: admin_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }

    pub fn drop_database(&self) {
        if let Ok(mut conn) = diesel::PgConnection::establish(&self.admin_url) {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

impl Drop for PgTestDatabase {
    fn drop(&mut self) {
        self.drop_database();
    }
}

/// `TEST_DATABASE_URL` when it names PostgreSQL.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

static TRACING: Once = Once::new();

/// Settings for a test: its own folder and database, port 0, short timeouts.
pub fn test_settings() -> (Settings, tempfile::TempDir, Option<PgTestDatabase>) {
    TRACING.call_once(|| {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            let mut s = Settings::default();
            s.log_filter = filter;
            collab_registry::telemetry::init(&s);
        }
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings::default();
    settings.listen_addr = "127.0.0.1:0".parse().expect("addr");
    settings.metrics_addr = "127.0.0.1:0".parse().expect("addr");
    settings.data_dir = dir.path().to_owned();
    settings.http_workers = 1;
    settings.db_pool_size = 4;
    settings.db_acquire_timeout = std::time::Duration::from_secs(5);
    settings.shutdown_timeout = std::time::Duration::from_secs(5);
    settings.auth.jwt_secret = Some(TEST_JWT_SECRET.to_owned().into());
    settings.mail.poll_interval = std::time::Duration::from_millis(100);
    settings.mail.retry_base = std::time::Duration::from_millis(200);
    let pg = postgres_admin_url().map(|admin| PgTestDatabase::create(&admin));
    settings.database_url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("test.db").display()),
    };
    (settings, dir, pg)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Start the real server with settings adjusted by `customize`.
pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    let (mut settings, dir, pg) = test_settings();
    let smtp = SmtpServer::start().await.unwrap();
    settings.mail.smtp_url = Some(smtp.url().into());
    customize(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .expect("build app");
    let port = app.port();
    let metrics_port = app.metrics_port();
    if settings.public_url.is_empty() {
        // What the server chose: its own address.
        settings.public_url = format!("http://127.0.0.1:{port}");
    }
    let db = app.db();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        metrics_address: format!("http://127.0.0.1:{metrics_port}"),
        smtp,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db,
        settings,
        dir,
        handle,
        pg,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command now; the future only waits for it.
        drop(self.handle.stop(false));
        if let Some(pg) = self.pg.take() {
            pg.drop_database();
        }
    }
}

impl TestApp {
    pub fn backend(&self) -> Backend {
        self.settings.backend()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The Prometheus text from the metrics listener.
    pub async fn metrics(&self) -> String {
        let res = self
            .client
            .get(format!("{}/metrics", self.metrics_address))
            .send()
            .await
            .expect("metrics request");
        assert_eq!(res.status().as_u16(), 200, "metrics");
        res.text().await.expect("metrics text")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_as(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_json_as(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch_json_as(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// Run raw SQL against the test's database (for arranging faults).
    pub async fn sql(&self, sql: &'static str) {
        self.db
            .run(move |conn| Ok(conn.batch_execute(sql)?))
            .await
            .expect("sql");
    }
}

/// One row of `SELECT count(*) AS n ...`.
#[derive(diesel::QueryableByName)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// The number in column `n` of a `SELECT count(*) AS n ...` query.
pub async fn count(db: &Db, sql: impl Into<String>) -> i64 {
    let sql = sql.into();
    db.run(move |conn| {
        use diesel::RunQueryDsl;
        let c: Count = diesel::sql_query(sql).get_result(conn)?;
        Ok(c.n)
    })
    .await
    .expect("count query")
}

/// Assert a problem+json response with the given status and code; returns the body.
pub async fn assert_problem(res: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = res.json().await.expect("problem body");
    assert_eq!(body["status"], status);
    assert_eq!(body["code"], code, "problem code in {body}");
    body
}

/// A registered, verified, logged-in user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn register(&self, email: &str, locale: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/auth/register",
            &json!({"email": email, "password": PASSWORD, "display_name": "Test User", "locale": locale}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// The verification mail's token for `email`.
    pub async fn verification_mail(&self, email: &str) -> Mail {
        self.smtp.wait_for(email, 1).await.remove(0)
    }

    /// A user whose verification is done directly in the database (for tests where
    /// the SMTP server is rejecting mail).
    pub async fn verified_user_without_mail_check(&self) -> TestUser {
        let email = format!("user-{}@example.com", uuid::Uuid::new_v4().simple());
        let res = self.register(&email, "en").await;
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let uid = id.clone();
        self.db
            .write(move |conn| {
                Ok(collab_registry::accounts::model::mark_email_verified(
                    conn,
                    &uid.into(),
                )?)
            })
            .await
            .unwrap();
        self.logged_in(&id, &email, PASSWORD).await
    }

    /// Register, verify and log in.
    pub async fn verified_user(&self, email: &str) -> TestUser {
        let before = self.smtp.mails_to(email).len();
        let res = self.register(email, "en").await;
        assert_eq!(res.status().as_u16(), 201, "register {email}");
        let id = res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let token = self
            .smtp
            .wait_for(email, before + 1)
            .await
            .remove(before)
            .token();
        let res = self
            .post_json("/api/v1/auth/verify-email", &json!({"token": token}))
            .await;
        assert_eq!(res.status().as_u16(), 204);
        self.logged_in(&id, email, PASSWORD).await
    }

    pub async fn logged_in(&self, id: &str, email: &str, password: &str) -> TestUser {
        let res = self.login(email, password).await;
        assert_eq!(res.status().as_u16(), 200, "login {email}");
        let body: Value = res.json().await.unwrap();
        TestUser {
            id: id.to_owned(),
            access: body["access_token"].as_str().unwrap().to_owned(),
            refresh: body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// A bureau administrator, created the way `create-admin` does.
    pub async fn bureau_admin(&self) -> TestUser {
        let email = format!("bureau-{}@example.gov.cn", uuid::Uuid::new_v4().simple());
        self.bureau_admin_at(&email).await
    }

    /// A bureau administrator at a known address (to sign in to the pages, read its mail).
    pub async fn bureau_admin_at(&self, email: &str) -> TestUser {
        let db = self.db.clone();
        let e = email.to_owned();
        let created = tokio::task::spawn_blocking(move || {
            collab_registry::accounts::admin::create_admin(&db, &e, "Bureau Admin", PASSWORD)
        })
        .await
        .unwrap()
        .unwrap();
        let collab_registry::accounts::admin::AdminCreated::Created(id) = created else {
            panic!("expected a new admin")
        };
        self.logged_in(&id, email, PASSWORD).await
    }
}
