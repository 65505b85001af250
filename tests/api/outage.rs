//! Email under outage: the SMTP server is down for a minute while an event is published to
//! 50 organizations, and the service is SIGKILLed once in the middle of that minute. When
//! both are back every invitation arrives, exactly once: with the relay down no send can
//! be in flight at the kill, so there is nothing to repeat. (A repeat after a kill during a
//! send keeps its Message-ID; the crash test covers that case.)

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use collab_registry::bench::events::seed_organizations;
use collab_registry::db::{Db, create_pool};
use rand::Rng;
use serde_json::json;

use crate::events::event_body;
use crate::helpers::{PASSWORD, count, test_settings};
use crate::process::Launch;
use crate::smtp::{Mail, SmtpServer};

const ORGANIZATIONS: usize = 50;
const OUTAGE: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_smtp_outage_and_a_crash_lose_no_invitation() {
    let (settings, _dir, _pg) = test_settings();
    let port = SmtpServer::reserve_port().unwrap();
    let mut before = SmtpServer::start_on(port).await.unwrap();
    let launch = Launch::new(&settings, &SmtpServer::url_for(port));
    let mut server = launch.start();
    server.ready().await;

    let db = Db::new(create_pool(&settings).unwrap(), settings.backend());
    let seed_db = db.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = seed_db.pool().get().unwrap();
        seed_organizations(&mut conn, ORGANIZATIONS, 1).unwrap();
        collab_registry::accounts::admin::create_admin(
            &seed_db,
            "bureau@example.gov.cn",
            "Bureau",
            PASSWORD,
        )
        .unwrap();
    })
    .await
    .unwrap();
    let (_, login) = server
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": "bureau@example.gov.cn", "password": PASSWORD}),
        )
        .await;
    let bureau = login["access_token"].as_str().unwrap().to_owned();
    let (status, event) = server
        .post(
            "/api/v1/events",
            Some(&bureau),
            &event_body("赤泥综合利用培训", 10, 200, json!({})),
        )
        .await;
    assert_eq!(status, 201);
    let event = event["id"].as_str().unwrap();

    // The relay goes down; the event is published into the outage.
    before.stop();
    let down_at = Instant::now();
    let (status, _) = server
        .post(
            &format!("/api/v1/events/{event}/publish"),
            Some(&bureau),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let invitations = "SELECT count(*) AS n FROM outbox_emails WHERE to_address LIKE 'member%'";
    assert_eq!(count(&db, invitations).await, ORGANIZATIONS as i64);

    // The worker tries every mail and fails; then the process is killed mid-outage.
    let tried = "SELECT count(*) AS n FROM outbox_emails \
                 WHERE to_address LIKE 'member%' AND attempts >= 1 AND status <> 'sent'";
    while count(&db, tried).await < ORGANIZATIONS as i64 {
        assert!(down_at.elapsed() < OUTAGE / 2, "the worker did not try");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kill_at = Duration::from_secs(rand::rng().random_range(10..40));
    tokio::time::sleep(kill_at.saturating_sub(down_at.elapsed())).await;
    server.kill();
    let mut server = launch.start();
    server.ready().await;

    // The relay comes back after a minute.
    tokio::time::sleep(OUTAGE.saturating_sub(down_at.elapsed())).await;
    let after = SmtpServer::start_on(port).await.unwrap();
    let back_at = Instant::now();
    let undelivered = "SELECT count(*) AS n FROM outbox_emails WHERE status <> 'sent'";
    while count(&db, undelivered).await > 0 {
        assert!(
            back_at.elapsed() < Duration::from_secs(60),
            "mail still undelivered a minute after the relay came back:\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    assert!(
        before.mails().is_empty(),
        "nothing was sent before the outage"
    );
    let mut copies: BTreeMap<String, Vec<Mail>> = BTreeMap::new();
    for mail in after.mails() {
        for to in &mail.to {
            copies.entry(to.clone()).or_default().push(mail.clone());
        }
    }
    let invited: Vec<_> = copies
        .iter()
        .filter(|(to, _)| to.starts_with("member"))
        .collect();
    assert_eq!(invited.len(), ORGANIZATIONS, "an invitation is missing");
    for (to, mails) in invited {
        let ids: BTreeSet<String> = mails.iter().map(|m| m.header("Message-ID")).collect();
        assert_eq!(
            (mails.len(), ids.len()),
            (1, 1),
            "{to} got {} copies under {ids:?}",
            mails.len()
        );
        assert!(
            mails[0].subject().contains("赤泥综合利用培训")
                || mails[0].text().contains("赤泥综合利用培训"),
            "not the invitation: {}",
            mails[0].subject()
        );
    }
}
