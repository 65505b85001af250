//! Several instances on one database: two real server processes (`collab-registry serve`)
//! share the test's database and one loopback SMTP server, each with its own data folder
//! (and so its own matching index), as a city would run them behind a load balancer.
//!
//! Proven here: mail queued through either instance arrives exactly once, also when one
//! instance is killed mid-delivery (then a repeat only under the same Message-ID); a change
//! made through one instance shows in the other's matches; the login throttle is one quota
//! across both; periodic jobs (reminders) run once although both instances run schedulers.
//! The setup is done through an in-process instance whose workers are off, so every mail is
//! delivered by the two processes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::events::event_body;
use crate::helpers::{PASSWORD, TestApp, TestUser, spawn_app_with};
use crate::listings::{post, publish, two_sides};
use crate::process::{Launch, Server};
use crate::registry::{enterprise, uscc};
use crate::smtp::Mail;

/// The setup instance: no workers (the processes deliver; so its users are verified in the
/// database, not by mail), no quotas in the way.
async fn setup() -> TestApp {
    spawn_app_with(|s| {
        s.run_workers = false;
        s.auth.login_attempts_per_minute = 1_000_000;
        s.quotas.invitations_per_hour = 100_000;
        s.quotas.outside_attendees_per_hour = 100_000;
    })
    .await
}

/// Two instances of the real binary on the setup's database and SMTP server.
fn launches(app: &TestApp, tune: impl Fn(Launch) -> Launch) -> (Launch, Launch) {
    let base = || {
        Launch::new(&app.settings, &app.smtp.url())
            .set("COLLAB_INVITATIONS_PER_HOUR", "100000")
            .set("COLLAB_OUTBOX_LEASE_SECS", "10")
    };
    (
        tune(base().instance(&app.settings, "instance-a")),
        tune(base().instance(&app.settings, "instance-b")),
    )
}

async fn started(launch: &Launch) -> Server {
    let mut server = launch.start();
    server.ready().await;
    server
}

async fn get(server: &Server, path: &str, token: &str) -> Value {
    let res = reqwest::Client::new()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "GET {path}");
    res.json().await.unwrap()
}

/// Message-IDs received per address, and how many copies in all, among `mails`.
fn by_address(mails: &[Mail], prefix: &str) -> (BTreeMap<String, BTreeSet<String>>, usize) {
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut copies = 0;
    for mail in mails {
        for to in mail.to.iter().filter(|t| t.starts_with(prefix)) {
            ids.entry(to.clone())
                .or_default()
                .insert(mail.header("Message-ID"));
            copies += 1;
        }
    }
    (ids, copies)
}

/// Wait until `n` addresses starting with `prefix` have mail (90 s at most).
async fn until_delivered(app: &TestApp, prefix: &str, n: usize, servers: &[&Server]) {
    let started = Instant::now();
    while by_address(&app.smtp.mails(), prefix).0.len() < n {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{} of {n} addresses '{prefix}*' have mail after 90 s:\n{}",
            by_address(&app.smtp.mails(), prefix).0.len(),
            servers
                .iter()
                .map(|s| s.log_tail())
                .collect::<Vec<_>>()
                .join("\n---\n")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Requests in flight at once: as many people as a burst has, not 400 sockets at once (which
/// this 2-core machine answers, correctly, with 503 and Retry-After once the pool waits).
static IN_FLIGHT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(16);

/// POST `body` to `url`: the status and the answer, for a JoinSet.
async fn send(url: String, token: Option<String>, body: Value) -> (u16, String) {
    let _permit = IN_FLIGHT.acquire().await.unwrap();
    let mut req = reqwest::Client::new().post(&url).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.unwrap();
    (
        res.status().as_u16(),
        format!("{url}: {}", res.text().await.unwrap_or_default()),
    )
}

async fn register(url: String, n: usize) -> (u16, String) {
    let body = json!({"email": format!("account-{n}@example.com"), "password": PASSWORD, "display_name": format!("Account {n}")});
    send(url, None, body).await
}

async fn expect_all_created(mut requests: tokio::task::JoinSet<(u16, String)>) {
    while let Some(done) = requests.join_next().await {
        let (status, answer) = done.unwrap();
        assert_eq!(status, 201, "{answer}");
    }
}

async fn verified_enterprise(app: &TestApp, bureau: &TestUser, n: u32) -> (TestUser, String) {
    let owner = app.verified_user_without_mail_check().await;
    let org = app
        .verified_org(
            &owner,
            bureau,
            &enterprise(&format!("多实例企业{n}"), &uscc(n)),
        )
        .await;
    (owner, org["id"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_queued_through_either_instance_arrives_exactly_once_also_when_one_is_killed() {
    let app = setup().await;
    let bureau = app.bureau_admin().await;
    let (owner, org) = verified_enterprise(&app, &bureau, 1).await;
    let (launch_a, launch_b) = launches(&app, |l| l);
    let mut a = started(&launch_a).await;
    let b = started(&launch_b).await;

    // 200 invitations through A and 200 account registrations through B, at once.
    let mut requests = tokio::task::JoinSet::new();
    for n in 0..200 {
        let url = a.url(&format!("/api/v1/organizations/{org}/members"));
        let body = json!({"email": format!("invitee-{n}@elsewhere.example.com")});
        requests.spawn(send(url, Some(owner.access.clone()), body));
        requests.spawn(register(b.url("/api/v1/auth/register"), n));
    }
    expect_all_created(requests).await;
    until_delivered(&app, "invitee-", 200, &[&a, &b]).await;
    until_delivered(&app, "account-", 200, &[&a, &b]).await;
    // Both instances delivered (the outbox is shared, not split by where a row came from).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mails = app.smtp.mails();
    for prefix in ["invitee-", "account-"] {
        let (ids, copies) = by_address(&mails, prefix);
        assert_eq!(ids.len(), 200);
        assert_eq!(
            copies, 200,
            "{prefix}*: {copies} copies for 200 mails: a repeat"
        );
    }

    // 200 more registrations through A; A is killed while it delivers them; B finishes.
    let mut requests = tokio::task::JoinSet::new();
    for n in 200..400 {
        requests.spawn(register(a.url("/api/v1/auth/register"), n));
    }
    expect_all_created(requests).await;
    let began = Instant::now();
    while by_address(&app.smtp.mails(), "account-").0.len() < 210 {
        assert!(
            began.elapsed() < Duration::from_secs(60),
            "delivery did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    a.kill();
    until_delivered(&app, "account-", 400, &[&b]).await;
    let (ids, copies) = by_address(&app.smtp.mails(), "account-");
    let split: Vec<_> = ids.iter().filter(|(_, m)| m.len() != 1).collect();
    assert!(
        split.is_empty(),
        "one mail under two Message-IDs: {split:?}"
    );
    let repeats = copies - ids.len();
    eprintln!("two instances: 600 mails, A killed mid-delivery, {repeats} repeated");
    assert!(
        repeats <= app.settings.mail.concurrency * 2,
        "{repeats} repeats: more than the sends A can have had in flight"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_instance_shows_in_the_other_instances_matches() {
    let app = setup().await;
    let bureau = app.bureau_admin().await;
    let owner = app.verified_user_without_mail_check().await;
    let prof = app.verified_user_without_mail_check().await;
    let (ent, uni) = two_sides(&app, &owner, &prof, &bureau, 77).await;
    let cap = post(&app, &prof, "/api/v1/capabilities", &json!({
        "organization_id": uni, "title": "Iron recovery from bauxite residue",
        "description": "Magnetic separation and reduction roasting recover iron concentrate from bauxite residue.",
        "field_codes": ["red-mud.iron-recovery"], "cooperation_modes": ["joint_rnd"], "trl": 6})).await;
    let cap = cap["id"].as_str().unwrap().to_owned();
    publish(&app, &prof, "capabilities", &cap).await;
    let (launch_a, launch_b) = launches(&app, |l| l);
    let a = started(&launch_a).await;
    let b = started(&launch_b).await;

    // A need published through A is matched on B.
    let (status, need) = a
        .post("/api/v1/needs", Some(&owner.access), &json!({
            "organization_id": ent, "title": "赤泥中铁的回收", "description": "拜耳法赤泥中回收铁，综合利用。",
            "keywords": ["赤泥", "铁回收"], "field_codes": ["red-mud.iron-recovery"], "trl_required": 5}))
        .await;
    assert_eq!(status, 201, "{need}");
    let need = need["id"].as_str().unwrap().to_owned();
    let (status, _) = a
        .post(
            &format!("/api/v1/needs/{need}/publish"),
            Some(&owner.access),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let matches = format!("/api/v1/needs/{need}/matches");
    let ids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["listing"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let seen = poll(&b, &matches, &owner, |v| ids(v) == [cap.clone()]).await;
    eprintln!(
        "a need published on A was matched on B after {} ms",
        seen.as_millis()
    );

    // The university suspended through B disappears from A's matches.
    let (status, _) = b
        .post(
            &format!("/api/v1/organizations/{uni}/suspend"),
            Some(&bureau.access),
            &json!({"reason": "review"}),
        )
        .await;
    assert_eq!(status, 200);
    let gone = poll(&a, &matches, &owner, |v| ids(v).is_empty()).await;
    eprintln!(
        "an organization suspended on B left A's matches after {} ms",
        gone.as_millis()
    );
}

/// Poll `path` on `server` until `check` holds; how long it took (10 s at most; the
/// figures are in docs/BENCHMARKS.md, not asserted here).
async fn poll(
    server: &Server,
    path: &str,
    user: &TestUser,
    check: impl Fn(&Value) -> bool,
) -> Duration {
    let began = Instant::now();
    loop {
        let body = get(server, path, &user.access).await;
        if check(&body) {
            return began.elapsed();
        }
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "not reflected after 10 s: {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_throttle_is_one_quota_across_instances() {
    let app = setup().await;
    let (launch_a, launch_b) = launches(&app, |l| l.set("COLLAB_LOGIN_ATTEMPTS_PER_MINUTE", "4"));
    let a = started(&launch_a).await;
    let b = started(&launch_b).await;
    let mut answers = Vec::new();
    for n in 0..8 {
        let server = if n % 2 == 0 { &a } else { &b };
        let (status, _) = server
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": "someone@example.com", "password": "wrong password 1"}),
            )
            .await;
        answers.push(status);
    }
    // Four attempts per account per minute in all, not four on each instance (the
    // throttle counts before the account is looked up, so no account is needed).
    assert_eq!(
        answers,
        [401, 401, 401, 401, 429, 429, 429, 429],
        "{answers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_once_although_both_instances_run_schedulers() {
    let app = setup().await;
    let bureau = app.bureau_admin().await;
    let (owner, org) = verified_enterprise(&app, &bureau, 2).await;
    let mut body = event_body("多实例提醒", 0, 200, json!({}));
    let soon = |h: i64| (chrono::Utc::now() + chrono::Duration::hours(h)).to_rfc3339();
    body["starts_at"] = json!(soon(5));
    body["ends_at"] = json!(soon(8));
    let event = app.create_event(&bureau, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.publish_event(&bureau, &event).await;
    let guests: Vec<String> = (0..120)
        .map(|n| format!("guest-{n}@guest.example.com"))
        .collect();
    for chunk in guests.chunks(20) {
        let emails: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let res = app.register_attendees(&owner, &event, &org, &emails).await;
        assert_eq!(res.status().as_u16(), 201);
    }
    let (launch_a, launch_b) = launches(&app, |l| l.set("COLLAB_SCHEDULER_INTERVAL_SECS", "1"));
    let a = started(&launch_a).await;
    let b = started(&launch_b).await;
    let reminders = || -> Vec<Mail> {
        app.smtp
            .mails()
            .into_iter()
            .filter(|m| m.subject().starts_with("Reminder:") || m.subject().starts_with("活动提醒"))
            .collect()
    };
    let began = Instant::now();
    while by_address(&reminders(), "guest-").0.len() < guests.len() {
        assert!(
            began.elapsed() < Duration::from_secs(90),
            "reminders missing:\n{}\n---\n{}",
            a.log_tail(),
            b.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Several more ticks of both schedulers.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (ids, copies) = by_address(&reminders(), "guest-");
    assert_eq!(ids.len(), guests.len());
    assert_eq!(copies, guests.len(), "a reminder was sent twice");
    let leases = crate::helpers::count(
        &app.db,
        "SELECT count(*) AS n FROM job_leases WHERE job = 'scheduler'",
    )
    .await;
    assert_eq!(leases, 1, "the scheduler ran under its lease");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_deployment_sends_reminders_and_account_mail_through_the_worker_alone() {
    let app = setup().await;
    let bureau = app.bureau_admin().await;
    let (owner, org) = verified_enterprise(&app, &bureau, 3).await;
    let mut body = event_body("分离部署提醒", 0, 10, json!({}));
    let soon = |h: i64| (chrono::Utc::now() + chrono::Duration::hours(h)).to_rfc3339();
    body["starts_at"] = json!(soon(5));
    body["ends_at"] = json!(soon(8));
    let event = app.create_event(&bureau, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.publish_event(&bureau, &event).await;
    let res = app
        .register_attendees(&owner, &event, &org, &["split-guest@guest.example.com"])
        .await;
    assert_eq!(res.status().as_u16(), 201);
    let (serving, working) = launches(&app, |l| {
        l.set("COLLAB_SCHEDULER_INTERVAL_SECS", "1")
            .set("COLLAB_PUBLIC_URL", "https://registry.example.gov.cn")
    });
    // HTTP without workers: an account registered here is mailed by the worker.
    let http = started(&serving.set("COLLAB_RUN_WORKERS", "false")).await;
    let (status, _) = register(http.url("/api/v1/auth/register"), 9000).await;
    assert_eq!(status, 201);
    let worker = working.start_command("worker");
    until_delivered(&app, "account-9000", 1, &[&http, &worker]).await;
    let began = Instant::now();
    while !app
        .smtp
        .mails_to("split-guest@guest.example.com")
        .iter()
        .any(|m| m.subject().starts_with("Reminder:") || m.subject().starts_with("活动提醒"))
    {
        assert!(
            began.elapsed() < Duration::from_secs(60),
            "no reminder from the worker:\n{}",
            worker.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
