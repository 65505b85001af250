//! The channel worker: claims due messages (the email outbox's lease pattern: `FOR UPDATE
//! SKIP LOCKED` on PostgreSQL, SQLite's single writer; a lease that runs out is claimed
//! again), posts each to its robot over HTTPS, records the outcome: `sent`, back to
//! `pending` with exponential backoff, or `dead` after the last attempt.
//!
//! Nothing here logs or stores a webhook URL: errors are recorded without it.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tokio::sync::watch;

use super::domain::{ChannelMessageStatus, MessageTopic};
use super::model::{ChannelRow, MessageRow};
use super::platform;
use crate::config::MailSettings;
use crate::db::ids::ChannelId;
use crate::db::schema::{organization_channels as ch, outbox_channel_messages as m};
use crate::db::types::now;
use crate::db::{Db, DbConnection, write_tx};
use crate::notifications::worker::backoff;

const BATCH: i64 = 50;

/// How long one post may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Claim up to `limit` due messages for `worker`, marking them `sending` under a lease.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<MessageRow>> {
    let t = now();
    let until = t + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    // Only rows whose topic reads: one stored with an unknown topic is never claimed (the
    // bureau's message list fails on it with the cause logged), so it cannot stall the line.
    let due = || {
        m::status
            .eq(ChannelMessageStatus::Pending)
            .and(m::next_attempt_at.le(t))
            .or(m::status
                .eq(ChannelMessageStatus::Sending)
                .and(m::locked_until.lt(t).assume_not_null()))
            .and(m::topic.eq_any(MessageTopic::ALL))
    };
    // A plain read first: with nothing due no write transaction is opened, so an idle
    // worker never waits on SQLite's write lock holding a pooled connection.
    let any: Option<String> = m::table
        .select(m::id)
        .filter(due())
        .limit(1)
        .first(conn)
        .optional()?;
    if any.is_none() {
        return Ok(Vec::new());
    }
    write_tx(conn, |conn| {
        let ids: Vec<String> = match conn {
            DbConnection::Postgres(c) => m::table
                .select(m::id)
                .filter(due())
                .order((m::next_attempt_at, m::id))
                .limit(limit)
                .for_update()
                .skip_locked()
                .load(c)?,
            DbConnection::Sqlite(c) => m::table
                .select(m::id)
                .filter(due())
                .order((m::next_attempt_at, m::id))
                .limit(limit)
                .load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(m::table.filter(m::id.eq_any(&ids)))
            .set((
                m::status.eq(ChannelMessageStatus::Sending),
                m::locked_until.eq(Some(until)),
                m::locked_by.eq(Some(worker)),
                m::attempts.eq(m::attempts + 1),
                m::updated_at.eq(t),
            ))
            .execute(conn)?;
        m::table
            .filter(m::id.eq_any(&ids))
            .select(MessageRow::as_select())
            .order((m::next_attempt_at, m::id))
            .load(conn)
    })
}

/// Record one message's outcome, only if this worker still holds it.
pub fn record(
    conn: &mut DbConnection,
    msg: &MessageRow,
    worker: &str,
    outcome: Result<(), String>,
    settings: &MailSettings,
) -> QueryResult<()> {
    let t = now();
    let mine = m::table
        .filter(m::id.eq(&msg.id))
        .filter(m::locked_by.eq(worker))
        .filter(m::status.eq(ChannelMessageStatus::Sending));
    let none = None::<NaiveDateTime>;
    match outcome {
        Ok(()) => {
            tracing::info!(channel_message_id = %msg.id, topic = %msg.topic, "channel message sent");
            diesel::update(mine)
                .set((
                    m::status.eq(ChannelMessageStatus::Sent),
                    m::sent_at.eq(Some(t)),
                    m::locked_until.eq(none),
                    m::last_error.eq(None::<String>),
                    m::updated_at.eq(t),
                ))
                .execute(conn)?
        }
        Err(message) => {
            let give_up = msg.attempts >= settings.max_attempts as i32;
            tracing::warn!(channel_message_id = %msg.id, attempts = msg.attempts, give_up, error = %message, "channel message not delivered");
            let (status, next) = if give_up {
                (ChannelMessageStatus::Dead, msg.next_attempt_at)
            } else {
                let wait = backoff(msg.attempts, settings.retry_base, settings.retry_max);
                (
                    ChannelMessageStatus::Pending,
                    t + chrono::Duration::from_std(wait).unwrap_or_default(),
                )
            };
            diesel::update(mine)
                .set((
                    m::status.eq(status),
                    m::next_attempt_at.eq(next),
                    m::locked_until.eq(none),
                    m::last_error.eq(Some(message)),
                    m::updated_at.eq(t),
                ))
                .execute(conn)?
        }
    };
    Ok(())
}

/// Post one message to its robot; the error never holds the URL.
async fn post(client: &reqwest::Client, robot: &ChannelRow, text: &str) -> Result<(), String> {
    let kind = robot.platform;
    let out = platform::request(
        kind,
        &robot.webhook_url,
        robot.secret.as_deref(),
        text,
        chrono::Utc::now().timestamp_millis(),
    );
    let res = client
        .post(&out.url)
        .json(&out.body)
        .send()
        .await
        .map_err(describe)?;
    let status = res.status().as_u16();
    let body = res.text().await.map_err(describe)?;
    platform::check_answer(kind, status, &body)
}

/// An HTTP error and its causes, without the URL (it is a secret).
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Claim and deliver one batch. Returns how many messages were handled.
pub async fn deliver_due(
    db: &Db,
    client: &reqwest::Client,
    settings: &MailSettings,
    worker: &str,
) -> anyhow::Result<usize> {
    let (db2, w, lease) = (db.clone(), worker.to_owned(), settings.lease);
    let batch = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut conn = db2.pool().get()?;
        let batch = claim(&mut conn, &w, BATCH, lease)?;
        // One robot at a time: a robot stored with an unknown platform or language fails
        // its own messages (logged, retried, then dead), not the whole batch.
        let mut robots: Vec<(ChannelId, Result<Option<ChannelRow>, String>)> = Vec::new();
        for msg in &batch {
            if robots.iter().all(|(id, _)| *id != msg.channel_id) {
                let robot = ch::table
                    .find(&msg.channel_id)
                    .select(ChannelRow::as_select())
                    .first(&mut conn)
                    .optional()
                    .map_err(|e| {
                        tracing::error!(channel_id = %msg.channel_id, error = %e, "robot unreadable");
                        format!("robot unreadable: {e}")
                    });
                robots.push((msg.channel_id.clone(), robot));
            }
        }
        Ok((batch, robots))
    })
    .await??;
    let (batch, robots) = batch;
    let n = batch.len();
    for msg in batch {
        let robot = robots
            .iter()
            .find(|(id, _)| *id == msg.channel_id)
            .map(|(_, r)| r);
        let outcome = match robot {
            Some(Ok(Some(robot))) => post(client, robot, &msg.body).await,
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(None)) | None => Err("robot removed".to_owned()),
        };
        let (db2, w, s) = (db.clone(), worker.to_owned(), settings.clone());
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = db2.pool().get()?;
            Ok(record(&mut conn, &msg, &w, outcome, &s)?)
        })
        .await??;
    }
    Ok(n)
}

/// The HTTPS client robots are posted with: no redirects (a webhook that redirects is
/// not followed with the message), a bounded time per post.
pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent(concat!("collab-registry/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// The worker as a task: drains due messages, then sleeps until polled or stopped.
pub async fn run(db: Db, settings: MailSettings, mut stop: watch::Receiver<bool>) {
    let client = match client() {
        Ok(c) => Arc::new(c),
        Err(e) => {
            tracing::error!(error = %e, "channel worker cannot start");
            return;
        }
    };
    let worker = format!("channels-{}", uuid::Uuid::new_v4().simple());
    tracing::info!(worker = "channels", "started");
    loop {
        let more = match deliver_due(&db, &client, &settings, &worker).await {
            Ok(n) => n as i64 == BATCH,
            Err(e) => {
                tracing::warn!(worker = "channels", error = format!("{e:#}"), "pass failed");
                false
            }
        };
        if *stop.borrow() {
            break;
        }
        if more {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(settings.poll_interval) => {}
            _ = stop.changed() => break,
        }
    }
    tracing::info!(worker = "channels", "stopped");
}
