//! The email outbox: delivery survives an SMTP outage, permanent failures end dead,
//! idempotency keys dedupe, and parallel workers never send one row twice.

use std::collections::HashSet;

use collab_registry::notifications::outbox::{self, NewEmail, Topic};
use collab_registry::notifications::{mailer::Mailer, worker};
use serde_json::{Value, json};

use crate::helpers::{spawn_app, spawn_app_with};
use crate::smtp::SmtpServer;

fn email(key: &str, to: &str) -> NewEmail {
    NewEmail {
        idempotency_key: key.to_owned(),
        user_id: None,
        topic: Topic::Account,
        to: to.to_owned(),
        subject: "Subject".to_owned(),
        text: "text".to_owned(),
        html: "<p>html</p>".to_owned(),
        unsubscribe_url: None,
        calendar_ics: None,
    }
}

async fn outbox_rows(app: &crate::helpers::TestApp) -> Vec<(String, i32, Option<String>)> {
    app.db
        .run(|conn| {
            use collab_registry::db::schema::outbox_emails as o;
            use diesel::prelude::*;
            Ok(o::table
                .select((o::status, o::attempts, o::last_error))
                .order(o::id)
                .load(conn)?)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn mail_waits_while_smtp_is_down_and_is_delivered_once_it_is_up() {
    let port = SmtpServer::reserve_port().unwrap();
    let app = spawn_app_with(|s| s.mail.smtp_url = Some(SmtpServer::url_for(port).into())).await;
    assert_eq!(
        app.register("late@example.com", "en")
            .await
            .status()
            .as_u16(),
        201
    );

    // Attempts fail with connection refused and the row waits: `pending` between attempts,
    // `sending` during one; never `dead` or `sent`.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows = outbox_rows(&app).await;
        if rows[0].1 >= 2 {
            assert!(rows[0].0 == "pending" || rows[0].0 == "sending", "{rows:?}");
            assert!(rows[0].2.is_some());
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failed attempt recorded: {rows:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let smtp = SmtpServer::start_on(port).await.unwrap();
    let mails = smtp.wait_for("late@example.com", 1).await;
    assert!(mails[0].token().len() > 20);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(smtp.mails_to("late@example.com").len(), 1);
    assert_eq!(outbox_rows(&app).await[0].0, "sent");
}

#[tokio::test]
async fn a_550_reply_marks_the_mail_dead_after_one_attempt_and_the_bureau_can_retry() {
    let app = spawn_app().await;
    let admin = app.bureau_admin().await;
    app.smtp.reject_all();
    app.register("bounce@example.com", "en").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let dead = loop {
        let list: Value = app
            .get_as("/api/v1/admin/outbox?status=dead", &admin.access)
            .await
            .json()
            .await
            .unwrap();
        if let Some(item) = list["items"].as_array().unwrap().first() {
            break item.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "mail never went dead"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(dead["attempts"], 1);
    assert_eq!(dead["to_address"], "bounce@example.com");
    assert!(dead["last_error"].as_str().unwrap().contains("550"));
    assert!(dead.get("body_text").is_none());

    let user = app.verified_user_without_mail_check().await;
    let path = format!(
        "/api/v1/admin/outbox/{}/retry",
        dead["id"].as_str().unwrap()
    );
    assert_eq!(
        app.post_json_as(&path, &user.access, &json!({}))
            .await
            .status()
            .as_u16(),
        403
    );
    let res = app.post_json_as(&path, &admin.access, &json!({})).await;
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn the_same_idempotency_key_twice_gives_one_mail() {
    let app = spawn_app().await;
    let created = app
        .db
        .write(|conn| {
            let a = outbox::enqueue(conn, &email("event-invite:e1:u1", "once@example.com"))?;
            let b = outbox::enqueue(conn, &email("event-invite:e1:u1", "once@example.com"))?;
            Ok((a, b))
        })
        .await
        .unwrap();
    assert_eq!(created, (true, false));
    app.smtp.wait_for("once@example.com", 1).await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(app.smtp.mails_to("once@example.com").len(), 1);
}

#[tokio::test]
async fn two_workers_in_parallel_never_send_one_row_twice() {
    let app = spawn_app_with(|s| s.run_workers = false).await;
    let n = 120;
    app.db
        .write(move |conn| {
            for i in 0..n {
                outbox::enqueue(conn, &email(&format!("k{i}"), &format!("r{i}@example.com")))?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let mailer = std::sync::Arc::new(Mailer::from_settings(&app.settings).unwrap());
    let mut threads = Vec::new();
    for w in 0..2 {
        let (db, mailer, settings) = (app.db.clone(), mailer.clone(), app.settings.mail.clone());
        threads.push(tokio::task::spawn_blocking(move || {
            let mut handled = 0;
            loop {
                let got = worker::deliver_due(&db, &mailer, &settings, &format!("w{w}")).unwrap();
                if got == 0 {
                    return handled;
                }
                handled += got;
            }
        }));
    }
    let mut handled = 0;
    for t in threads {
        handled += t.await.unwrap();
    }
    assert_eq!(handled, n);
    let mails = app.smtp.mails();
    assert_eq!(mails.len(), n);
    let ids: HashSet<String> = mails.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), n, "every row sent exactly once");
    assert!(
        outbox_rows(&app)
            .await
            .iter()
            .all(|r| r.0 == "sent" && r.1 == 1)
    );
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files_in_the_data_folder() {
    let app = spawn_app_with(|s| s.mail.smtp_url = None).await;
    app.register("file@example.com", "en").await;
    let dir = app.dir.path().join("mail");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        if let Some(f) = files.first() {
            assert_eq!(f.path().extension().unwrap(), "eml");
            let text = std::fs::read_to_string(f.path()).unwrap();
            assert!(text.contains("file@example.com"));
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no .eml written");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A row whose topic this binary cannot read (a corrupt value, or one a newer version wrote)
/// is never claimed, so it cannot fail the batches it would land in: mail queued after it is
/// delivered, and the bureau's outbox list still shows the row as stored.
#[tokio::test]
async fn a_row_with_an_unreadable_topic_does_not_stall_the_mail() {
    let app = spawn_app().await;
    app.db
        .run(|conn| {
            use diesel::Connection as _;
            use diesel::RunQueryDsl as _;
            conn.transaction(|conn| {
                outbox::enqueue(conn, &email("corrupt", "corrupt@example.com"))?;
                diesel::sql_query(
                    "UPDATE outbox_emails SET topic = 'gossip' WHERE idempotency_key = 'corrupt'",
                )
                .execute(conn)
            })?;
            Ok(())
        })
        .await
        .unwrap();
    let res = app.register("after@example.com", "en").await;
    assert_eq!(res.status().as_u16(), 201);
    app.verification_mail("after@example.com").await;

    let admin = app.bureau_admin().await;
    let listed: Value = app
        .get_as("/api/v1/admin/outbox?status=pending", &admin.access)
        .await
        .json()
        .await
        .unwrap();
    let row = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["to_address"] == "corrupt@example.com")
        .unwrap_or_else(|| panic!("the unreadable row is listed: {listed}"));
    assert_eq!(row["topic"], "gossip");
    assert_eq!(row["attempts"], 0, "never claimed");
    assert!(
        app.smtp.mails_to("corrupt@example.com").is_empty(),
        "never sent"
    );
}
