//! Crash safety: the real binary under concurrent writes is killed with SIGKILL at random
//! moments, twenty times, and restarted. Afterwards every write that was answered 2xx is
//! there, every multi-row change is whole or absent, SQLite's integrity check passes, and
//! every email that was promised (one verification mail per account) arrives, a repeat
//! only for a send in flight at a kill and then with the same Message-ID.
//!
//! The two writes are multi-row: registering an account writes the user and its
//! verification mail's outbox row; creating an organization writes the organization, its
//! two field rows, the owner's membership and an audit entry. Without the write
//! transaction a kill between those statements leaves a part behind; without the outbox a
//! mail is lost when the process dies before (or while) sending it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use collab_registry::config::Backend;
use collab_registry::db::{Db, create_pool};
use rand::Rng;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, count, test_settings};
use crate::process::{Launch, Server};
use crate::smtp::SmtpServer;

const KILLS: usize = 20;
const REGISTERING_CLIENTS: usize = 4;
const ORGANIZING_CLIENTS: usize = 2;

/// What the server acknowledged with a 2xx, and anything else it answered.
#[derive(Default)]
struct Ledger {
    users: Mutex<Vec<String>>,
    organizations: Mutex<Vec<String>>,
    unexpected: Mutex<Vec<String>>,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Keep writing until `stop`; connection errors (the process is gone) are not answers.
async fn write_loop(
    base: String,
    owner_token: Option<String>,
    stop: Arc<AtomicBool>,
    seq: Arc<AtomicUsize>,
    ledger: Arc<Ledger>,
) {
    let client = client();
    while !stop.load(Ordering::Relaxed) {
        let n = seq.fetch_add(1, Ordering::Relaxed);
        let request = match &owner_token {
            None => client.post(format!("{base}/api/v1/auth/register")).json(&json!({
                "email": format!("crash-{n}@example.com"), "password": PASSWORD,
                "display_name": format!("Crash {n}"), "locale": if n.is_multiple_of(2) { "zh-CN" } else { "en" }
            })),
            Some(token) => client
                .post(format!("{base}/api/v1/organizations"))
                .bearer_auth(token)
                .json(&json!({
                    "kind": "university", "name": format!("崩溃测试大学{n}"), "region_code": "zouping",
                    "field_codes": ["red-mud", "alumina"]
                })),
        };
        let Ok(res) = request.send().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let status = res.status().as_u16();
        let Ok(body) = res.json::<Value>().await else {
            continue;
        };
        if status != 201 {
            ledger
                .unexpected
                .lock()
                .unwrap()
                .push(format!("{status} {body}"));
            continue;
        }
        let id = body["id"].as_str().unwrap().to_owned();
        match owner_token {
            None => ledger.users.lock().unwrap().push(id),
            Some(_) => ledger.organizations.lock().unwrap().push(id),
        }
    }
}

/// Register, verify and log in one account through `server`; its access token.
async fn owner(server: &Server, smtp: &SmtpServer) -> (String, String) {
    let email = "crash-owner@example.com";
    let (status, user) = server
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"email": email, "password": PASSWORD, "display_name": "Owner"}),
        )
        .await;
    assert_eq!(status, 201);
    let token = smtp.wait_for(email, 1).await.remove(0).token();
    let (status, _) = server
        .post("/api/v1/auth/verify-email", None, &json!({"token": token}))
        .await;
    assert_eq!(status, 204);
    let (_, login) = server
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": PASSWORD}),
        )
        .await;
    (
        user["id"].as_str().unwrap().to_owned(),
        login["access_token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_concurrent_writes_loses_nothing_acknowledged_and_no_promised_mail() {
    let (settings, _dir, _pg) = test_settings();
    let smtp = SmtpServer::start().await.unwrap();
    let launch = Launch::new(&settings, &smtp.url());
    let db = Db::new(create_pool(&settings).unwrap(), settings.backend());

    let mut server = launch.start();
    server.ready().await;
    let (owner_id, owner_token) = owner(&server, &smtp).await;
    server.kill();

    let ledger = Arc::new(Ledger::default());
    let seq = Arc::new(AtomicUsize::new(0));
    let mut rng = rand::rng();
    for round in 0..KILLS {
        let mut server = launch.start();
        server.ready().await;
        let stop = Arc::new(AtomicBool::new(false));
        let tokens = (0..REGISTERING_CLIENTS)
            .map(|_| None)
            .chain((0..ORGANIZING_CLIENTS).map(|_| Some(owner_token.clone())));
        let writers: Vec<_> = tokens
            .map(|token| {
                tokio::spawn(write_loop(
                    server.base.clone(),
                    token,
                    stop.clone(),
                    seq.clone(),
                    ledger.clone(),
                ))
            })
            .collect();
        // Kill while writes are under way: once this round has had a write acknowledged (so
        // the clients are past connecting, however loaded the machine), after a random delay.
        let acknowledged =
            || ledger.users.lock().unwrap().len() + ledger.organizations.lock().unwrap().len();
        let before = acknowledged();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        while acknowledged() == before {
            assert!(
                tokio::time::Instant::now() < deadline,
                "round {round}: no write was acknowledged within a minute"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..1200))).await;
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.await.unwrap();
        }
    }
    let unexpected = ledger.unexpected.lock().unwrap().clone();
    assert!(
        unexpected.is_empty(),
        "answers other than 201: {unexpected:?}"
    );

    // The last start: nothing more is written, pending mail goes out.
    let mut server = launch.start();
    server.ready().await;
    let started = Instant::now();
    while count(
        &db,
        "SELECT count(*) AS n FROM outbox_emails WHERE status <> 'sent'",
    )
    .await
        > 0
    {
        assert_eq!(
            count(
                &db,
                "SELECT count(*) AS n FROM outbox_emails WHERE status = 'dead'"
            )
            .await,
            0,
            "a mail was dead-lettered:\n{}",
            server.log_tail()
        );
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "outbox not drained after 90 s:\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Every acknowledged write is present.
    let users = ledger.users.lock().unwrap().clone();
    let organizations = ledger.organizations.lock().unwrap().clone();
    let present = |table: &str, ids: &[String]| {
        format!(
            "SELECT count(*) AS n FROM {table} WHERE id IN ({})",
            ids.iter()
                .map(|id| format!("'{id}'"))
                .collect::<Vec<_>>()
                .join(",")
        )
    };
    assert_eq!(
        count(&db, present("users", &users)).await,
        users.len() as i64
    );
    assert_eq!(
        count(&db, present("organizations", &organizations)).await,
        organizations.len() as i64
    );

    // Multi-row changes are whole or absent (also those whose answer was lost).
    let torn_accounts = "SELECT count(*) AS n FROM users u WHERE u.email LIKE 'crash-%' \
         AND (SELECT count(*) FROM outbox_emails o WHERE o.to_address = u.email) <> 1";
    assert_eq!(
        count(&db, torn_accounts).await,
        0,
        "account without its one mail"
    );
    let orphan_mails = "SELECT count(*) AS n FROM outbox_emails o WHERE o.to_address LIKE 'crash-%' \
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.email = o.to_address)";
    assert_eq!(
        count(&db, orphan_mails).await,
        0,
        "mail without its account"
    );
    let torn_organizations = format!(
        "SELECT count(*) AS n FROM organizations g WHERE g.created_by = '{owner_id}' AND (\
           (SELECT count(*) FROM memberships m WHERE m.organization_id = g.id AND m.role = 'owner') <> 1 \
           OR (SELECT count(*) FROM organization_fields f WHERE f.organization_id = g.id) <> 2 \
           OR (SELECT count(*) FROM audit_log a WHERE a.subject_id = g.id AND a.action = 'organization_created') <> 1)"
    );
    assert_eq!(
        count(&db, torn_organizations).await,
        0,
        "organization half-written"
    );
    let orphan_audit = format!(
        "SELECT count(*) AS n FROM audit_log a WHERE a.actor_id = '{owner_id}' \
         AND NOT EXISTS (SELECT 1 FROM organizations g WHERE g.id = a.subject_id)"
    );
    assert_eq!(count(&db, orphan_audit).await, 0, "audit entry for nothing");

    // Every account's verification mail arrived; repeats carry the same Message-ID.
    let accounts = count(
        &db,
        "SELECT count(*) AS n FROM users WHERE email LIKE 'crash-%'",
    )
    .await;
    let mut by_address: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut copies = 0;
    for mail in smtp.mails() {
        for to in &mail.to {
            by_address
                .entry(to.clone())
                .or_default()
                .insert(mail.header("Message-ID"));
            copies += 1;
        }
    }
    assert_eq!(
        by_address.len() as i64,
        accounts,
        "an account's mail is missing"
    );
    let split: Vec<_> = by_address
        .iter()
        .filter(|(_, ids)| ids.len() != 1)
        .collect();
    assert!(
        split.is_empty(),
        "one mail sent under two Message-IDs: {split:?}"
    );
    let repeats = copies - by_address.len();
    eprintln!(
        "crash test: {KILLS} kills, {} accounts and {} organizations acknowledged, {accounts} accounts in all, {repeats} repeated mails",
        users.len(),
        organizations.len()
    );
    assert!(
        repeats <= KILLS * settings.mail.concurrency,
        "{repeats} repeats: more than the sends that can be in flight at {KILLS} kills"
    );

    server.kill();
    if settings.backend() == Backend::Sqlite {
        let check: Vec<String> = db
            .run(|conn| {
                use diesel::RunQueryDsl;
                #[derive(diesel::QueryableByName)]
                struct Line {
                    #[diesel(sql_type = diesel::sql_types::Text)]
                    integrity_check: String,
                }
                let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check").load(conn)?;
                Ok(lines.into_iter().map(|l| l.integrity_check).collect())
            })
            .await
            .unwrap();
        assert_eq!(check, ["ok"]);
    }
}
