//! The delivery worker: claims due outbox rows, sends them, records the outcome.
//!
//! Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL (and SQLite's single writer), so
//! several workers never send the same row; a row left in `sending` by a crashed worker is
//! claimed again once its lease runs out.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use tokio::sync::{Notify, watch};

use super::mailer::{Mailer, SendError};
use super::outbox::{OutboxEmail, OutboxStatus};
use crate::config::MailSettings;
use crate::db::schema::outbox_emails as o;
use crate::db::types::now;
use crate::db::{Db, DbConnection, write_tx};

const BATCH: i64 = 200;

/// Claim up to `limit` due rows for `worker`, marking them `sending` under a lease.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    limit: i64,
    lease: Duration,
) -> QueryResult<Vec<OutboxEmail>> {
    let t = now();
    let until = t + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    write_tx(conn, |conn| {
        let ids: Vec<String> = match conn {
            DbConnection::Postgres(c) => o::table
                .select(o::id)
                .filter(
                    o::status
                        .eq(OutboxStatus::Pending.as_str())
                        .and(o::next_attempt_at.le(t))
                        .or(o::status
                            .eq(OutboxStatus::Sending.as_str())
                            .and(o::locked_until.lt(t).assume_not_null())),
                )
                .order((o::next_attempt_at, o::id))
                .limit(limit)
                .for_update()
                .skip_locked()
                .load(c)?,
            DbConnection::Sqlite(c) => o::table
                .select(o::id)
                .filter(
                    o::status
                        .eq(OutboxStatus::Pending.as_str())
                        .and(o::next_attempt_at.le(t))
                        .or(o::status
                            .eq(OutboxStatus::Sending.as_str())
                            .and(o::locked_until.lt(t).assume_not_null())),
                )
                .order((o::next_attempt_at, o::id))
                .limit(limit)
                .load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(o::table.filter(o::id.eq_any(&ids)))
            .set((
                o::status.eq(OutboxStatus::Sending.as_str()),
                o::locked_until.eq(Some(until)),
                o::locked_by.eq(Some(worker)),
                o::attempts.eq(o::attempts + 1),
                o::updated_at.eq(t),
            ))
            .execute(conn)?;
        // Deliver in the order the mail was queued.
        o::table
            .filter(o::id.eq_any(&ids))
            .select(OutboxEmail::as_select())
            .order((o::next_attempt_at, o::id))
            .load(conn)
    })
}

/// Delay before attempt `attempts + 1`: exponential from `base`, capped at an hour, ±25% jitter.
pub fn backoff(attempts: i32, base: Duration) -> Duration {
    let exp = base.saturating_mul(1u32 << attempts.clamp(0, 16).saturating_sub(1) as u32);
    let capped = exp.min(Duration::from_secs(3600));
    let jitter = rand::rng().random_range(0.75..1.25);
    capped.mul_f64(jitter)
}

/// Record one row's outcome, only if this worker still holds it.
fn record(
    conn: &mut DbConnection,
    email: &OutboxEmail,
    worker: &str,
    outcome: Result<(), SendError>,
    settings: &MailSettings,
) -> QueryResult<()> {
    let t = now();
    let mine = o::table
        .filter(o::id.eq(&email.id))
        .filter(o::locked_by.eq(worker))
        .filter(o::status.eq(OutboxStatus::Sending.as_str()));
    let none = None::<NaiveDateTime>;
    match outcome {
        Ok(()) => diesel::update(mine)
            .set((
                o::status.eq(OutboxStatus::Sent.as_str()),
                o::sent_at.eq(Some(t)),
                o::locked_until.eq(none),
                o::last_error.eq(None::<String>),
                o::updated_at.eq(t),
            ))
            .execute(conn)?,
        Err(err) => {
            let (message, give_up) = match err {
                SendError::Permanent(m) => (m, true),
                SendError::Transient(m) => (m, email.attempts >= settings.max_attempts as i32),
            };
            tracing::warn!(outbox_id = %email.id, attempts = email.attempts, give_up, error = %message, "email not delivered");
            if give_up {
                diesel::update(mine)
                    .set((
                        o::status.eq(OutboxStatus::Dead.as_str()),
                        o::locked_until.eq(none),
                        o::last_error.eq(Some(message)),
                        o::updated_at.eq(t),
                    ))
                    .execute(conn)?
            } else {
                let next =
                    t + chrono::Duration::from_std(backoff(email.attempts, settings.retry_base))
                        .unwrap_or_default();
                diesel::update(mine)
                    .set((
                        o::status.eq(OutboxStatus::Pending.as_str()),
                        o::next_attempt_at.eq(next),
                        o::locked_until.eq(none),
                        o::last_error.eq(Some(message)),
                        o::updated_at.eq(t),
                    ))
                    .execute(conn)?
            }
        }
    };
    Ok(())
}

/// Split a batch into `n` lanes by recipient: mail to one address stays in one lane, in
/// queue order, so it arrives in the order it was queued.
fn lanes(batch: &[OutboxEmail], n: usize) -> Vec<Vec<&OutboxEmail>> {
    use std::hash::{Hash, Hasher};
    let n = n.clamp(1, batch.len().max(1));
    let mut out: Vec<Vec<&OutboxEmail>> = vec![Vec::new(); n];
    for email in batch {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        email.to_address.hash(&mut h);
        out[(h.finish() % n as u64) as usize].push(email);
    }
    out
}

/// Claim and deliver one batch (blocking). Returns how many rows were handled.
///
/// Sends go out on up to `settings.concurrency` SMTP connections at once (one thread per
/// lane); each outcome is committed on its own as soon as it is known, so a crash can
/// repeat at most the sends that were in flight.
pub fn deliver_due(
    db: &Db,
    mailer: &Mailer,
    settings: &MailSettings,
    worker: &str,
) -> anyhow::Result<usize> {
    let mut conn = db.pool().get()?;
    let batch = claim(&mut conn, worker, BATCH, settings.lease)?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for lane in lanes(&batch, settings.concurrency) {
            let tx = tx.clone();
            scope.spawn(move || {
                for email in lane {
                    let outcome = mailer.send(email);
                    // The receiver is gone only when recording failed: stop sending.
                    if tx.send((email, outcome)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (email, outcome) in rx {
            if outcome.is_ok() {
                tracing::info!(outbox_id = %email.id, topic = %email.topic, "email sent");
            }
            record(&mut conn, email, worker, outcome, settings)?;
        }
        Ok(())
    })?;
    Ok(batch.len())
}

/// The worker as a task: drains due mail, then sleeps until woken, polled or stopped.
pub async fn run(
    db: Db,
    mailer: Arc<Mailer>,
    settings: MailSettings,
    wake: Arc<Notify>,
    stop: watch::Receiver<bool>,
) {
    let worker = format!("worker-{}", uuid::Uuid::new_v4().simple());
    let every = settings.poll_interval;
    crate::background::run_loop("outbox", every, Some(wake), stop, move || {
        Ok(deliver_due(&db, &mailer, &settings, &worker)? as i64 == BATCH)
    })
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_secs(30);
        let first = backoff(1, base);
        assert!(first >= Duration::from_secs(22) && first <= Duration::from_secs(38));
        let third = backoff(3, base);
        assert!(third >= Duration::from_secs(90) && third <= Duration::from_secs(150));
        assert!(backoff(30, base) <= Duration::from_secs(4500));
    }
}
