//! `collab-registry backup DEST`, run as an operator would: the real binary copies a live
//! server's SQLite database while clients keep writing; a server started on the copy has
//! every organization acknowledged before the backup began, each one whole; a second
//! backup to the same name is refused and leaves the first intact. On PostgreSQL the
//! command points to pg_dump and exits non-zero.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use collab_registry::config::Backend;
use collab_registry::db::{Db, create_pool};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, count, test_settings};
use crate::process::{Launch, Server};
use crate::smtp::SmtpServer;

const WRITERS: usize = 3;

fn run_backup(env: &[(&str, String)], dest: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collab-registry"))
        .arg("backup")
        .arg(dest)
        .env_remove("DATABASE_URL")
        .env_remove("COLLAB_DATA_DIR")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("COLLAB_LOG", "warn")
        .output()
        .unwrap()
}

/// Register, verify and log in one owner through `server`: its access token.
async fn owner(server: &Server, smtp: &SmtpServer, email: &str) -> String {
    let (status, _) = server
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": email, "password": PASSWORD, "display_name": "Backup Owner"}),
        )
        .await;
    assert_eq!(status, 201);
    let token = smtp.wait_for(email, 1).await.remove(0).token();
    let (status, _) = server
        .post("/api/v1/auth/verify-email", None, &json!({"token": token}))
        .await;
    assert_eq!(status, 204);
    login(server, email).await
}

async fn login(server: &Server, email: &str) -> String {
    let (status, login) = server
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200, "login: {login}");
    login["access_token"].as_str().unwrap().to_owned()
}

/// Create organizations until `stop`; the ids the server acknowledged with 201.
async fn write_loop(
    server_base: String,
    token: String,
    stop: Arc<AtomicBool>,
    seq: Arc<AtomicUsize>,
    acknowledged: Arc<Mutex<Vec<String>>>,
) {
    let client = reqwest::Client::new();
    while !stop.load(Ordering::Relaxed) {
        let n = seq.fetch_add(1, Ordering::Relaxed);
        let res = client
            .post(format!("{server_base}/api/v1/organizations"))
            .bearer_auth(&token)
            .json(&json!({
                "kind": "university", "name": format!("备份测试大学{n}"), "region_code": "zouping",
                "field_codes": ["red-mud", "alumina"]
            }))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        acknowledged
            .lock()
            .unwrap()
            .push(body["id"].as_str().unwrap().to_owned());
    }
}

/// Wait until `n` more organizations than `from` are acknowledged.
async fn wait_for_writes(acknowledged: &Mutex<Vec<String>>, from: usize, n: usize) {
    while acknowledged.lock().unwrap().len() < from + n {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_of_a_live_database_restores_with_every_acknowledged_write() {
    let (settings, dir, _pg) = test_settings();
    let env = [
        ("DATABASE_URL", settings.database_url.clone()),
        ("COLLAB_DATA_DIR", settings.data_dir.display().to_string()),
    ];
    if settings.backend() == Backend::Postgres {
        let dest = dir.path().join("pg.db");
        let out = run_backup(&env, &dest);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "backup on PostgreSQL succeeded");
        assert!(stderr.contains("pg_dump"), "stderr: {stderr}");
        assert!(!dest.exists());
        return;
    }

    let smtp = SmtpServer::start().await.unwrap();
    let mut server = Launch::new(&settings, &smtp.url()).start();
    server.ready().await;
    let email = "backup-owner@example.com";
    let token = owner(&server, &smtp, email).await;

    let stop = Arc::new(AtomicBool::new(false));
    let seq = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..WRITERS)
        .map(|_| {
            tokio::spawn(write_loop(
                server.base.clone(),
                token.clone(),
                stop.clone(),
                seq.clone(),
                acknowledged.clone(),
            ))
        })
        .collect();

    // Writes are under way before the backup starts and go on after it ends.
    wait_for_writes(&acknowledged, 0, 30).await;
    let before_backup = acknowledged.lock().unwrap().clone();
    let dest = dir.path().join("backups").join("collab-copy.db");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let backup_env = env.clone();
    let backup_dest = dest.clone();
    let out = tokio::task::spawn_blocking(move || run_backup(&backup_env, &backup_dest))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "backup failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after_backup = acknowledged.lock().unwrap().len();
    wait_for_writes(&acknowledged, after_backup, 30).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let all = acknowledged.lock().unwrap().clone();

    // It says what it wrote; the file is private.
    assert!(
        stdout.contains(&format!("wrote {}", dest.display())) && stdout.contains("quick_check ok"),
        "stdout: {stdout}"
    );
    let mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "backup file mode {mode:o}");
    let copy_bytes = std::fs::read(&dest).unwrap();
    for suffix in ["-wal", "-shm", "-journal"] {
        let side = dest.with_file_name(format!("collab-copy.db{suffix}"));
        assert!(!side.exists(), "{} left beside the copy", side.display());
    }

    // A second backup to the same name is refused and changes nothing.
    let again = run_backup(&env, &dest);
    assert!(!again.status.success(), "overwrote an existing backup");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already exists"),
        "stderr: {}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(std::fs::read(&dest).unwrap(), copy_bytes);

    // Restore: the live server goes away; a server starts on the copy in a new folder.
    server.kill();
    let restored_dir = tempfile::tempdir().unwrap();
    let restored_db = restored_dir.path().join("collab-registry.db");
    std::fs::copy(&dest, &restored_db).unwrap();
    let mut restored_settings = settings.clone();
    restored_settings.data_dir = restored_dir.path().to_owned();
    restored_settings.database_url = format!("sqlite://{}", restored_db.display());
    let mut restored = Launch::new(&restored_settings, &smtp.url()).start();
    restored.ready().await;

    // The owner's account (password hash included) came along, and every organization
    // acknowledged before the backup started is there, readable through the API.
    let token = login(&restored, email).await;
    let client = reqwest::Client::new();
    for id in &before_backup {
        let res = client
            .get(restored.url(&format!("/api/v1/organizations/{id}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "organization {id} missing");
    }

    // The copy is one transaction's view: what it holds was acknowledged (or in flight),
    // and each organization is whole (owner, two fields, audit entry).
    let db = Db::new(
        create_pool(&restored_settings).unwrap(),
        restored_settings.backend(),
    );
    let in_copy = count(&db, "SELECT count(*) AS n FROM organizations").await;
    assert!(in_copy >= before_backup.len() as i64, "copy has {in_copy}");
    assert!(
        in_copy <= seq.load(Ordering::Relaxed) as i64,
        "copy has {in_copy} organizations, more than were attempted"
    );
    assert!(
        (in_copy as usize) < all.len(),
        "the copy holds the writes made after it ({in_copy} of {})",
        all.len()
    );
    let torn = "SELECT count(*) AS n FROM organizations g WHERE \
           (SELECT count(*) FROM memberships m WHERE m.organization_id = g.id AND m.role = 'owner') <> 1 \
           OR (SELECT count(*) FROM organization_fields f WHERE f.organization_id = g.id) <> 2 \
           OR (SELECT count(*) FROM audit_log a WHERE a.subject_id = g.id AND a.action = 'organization_created') <> 1";
    assert_eq!(count(&db, torn).await, 0, "organization half-copied");

    // The restored server takes writes.
    let (status, body) = restored
        .post(
            "/api/v1/organizations",
            Some(&token),
            &json!({"kind": "university", "name": "恢复后大学", "region_code": "zouping",
                    "field_codes": ["red-mud"]}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}
