//! The delivery worker: claims due outbox rows, sends them, records the outcome.
//!
//! Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL (and SQLite's single writer), so
//! several workers never send the same row; a row left in `sending` by a crashed worker is
//! claimed again once its lease runs out.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use tokio::sync::{Notify, watch};

use super::mailer::{Mailer, SendError};
use super::outbox::{OutboxEmail, OutboxStatus, Topic};
use crate::config::MailSettings;
use crate::db::schema::outbox_emails as o;
use crate::db::types::now;
use crate::db::{Db, DbConnection, write_tx};

const BATCH: i64 = 200;

/// Claim up to `limit` due rows for `worker`, marking them `sending` under a lease. Only rows
/// whose topic this binary knows are claimed: a row with a corrupt topic cannot be read, and
/// claiming it would fail every batch it lands in (one bad row stalling all mail); it stays
/// `pending`, visible in the bureau's outbox list, while everything else is delivered.
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
                        .eq(OutboxStatus::Pending)
                        .and(o::next_attempt_at.le(t))
                        .or(o::status
                            .eq(OutboxStatus::Sending)
                            .and(o::locked_until.lt(t).assume_not_null())),
                )
                .filter(o::topic.eq_any(Topic::ALL))
                .order((o::next_attempt_at, o::id))
                .limit(limit)
                .for_update()
                .skip_locked()
                .load(c)?,
            DbConnection::Sqlite(c) => o::table
                .select(o::id)
                .filter(
                    o::status
                        .eq(OutboxStatus::Pending)
                        .and(o::next_attempt_at.le(t))
                        .or(o::status
                            .eq(OutboxStatus::Sending)
                            .and(o::locked_until.lt(t).assume_not_null())),
                )
                .filter(o::topic.eq_any(Topic::ALL))
                .order((o::next_attempt_at, o::id))
                .limit(limit)
                .load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(o::table.filter(o::id.eq_any(&ids)))
            .set((
                o::status.eq(OutboxStatus::Sending),
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

/// Delay before attempt `attempts + 1`: exponential from `base`, capped at `max`, ±25% jitter.
pub fn backoff(attempts: i32, base: Duration, max: Duration) -> Duration {
    let exp = base.saturating_mul(1u32 << attempts.clamp(0, 16).saturating_sub(1) as u32);
    let capped = exp.min(max);
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
        .filter(o::status.eq(OutboxStatus::Sending));
    let none = None::<NaiveDateTime>;
    match outcome {
        Ok(()) => diesel::update(mine)
            .set((
                o::status.eq(OutboxStatus::Sent),
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
                        o::status.eq(OutboxStatus::Dead),
                        o::locked_until.eq(none),
                        o::last_error.eq(Some(message)),
                        o::updated_at.eq(t),
                    ))
                    .execute(conn)?
            } else {
                let next = t + chrono::Duration::from_std(backoff(
                    email.attempts,
                    settings.retry_base,
                    settings.retry_max,
                ))
                .unwrap_or_default();
                diesel::update(mine)
                    .set((
                        o::status.eq(OutboxStatus::Pending),
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

/// The unsent part of a batch, in queue order, and the recipients with a send in flight.
struct Queue<'a> {
    waiting: std::collections::VecDeque<&'a OutboxEmail>,
    in_flight: std::collections::HashSet<&'a str>,
    /// Set when outcomes can no longer be recorded: send nothing more.
    stopped: bool,
}

impl<'a> Queue<'a> {
    /// The first waiting email whose recipient has nothing in flight: mail to one address
    /// goes out one at a time, in the order it was queued.
    fn take(&mut self) -> Option<&'a OutboxEmail> {
        if self.stopped {
            return None;
        }
        let at = self
            .waiting
            .iter()
            .position(|e| !self.in_flight.contains(e.to_address.as_str()))?;
        let email = self.waiting.remove(at)?;
        self.in_flight.insert(email.to_address.as_str());
        Some(email)
    }

    fn done(&mut self, email: &OutboxEmail) {
        self.in_flight.remove(email.to_address.as_str());
    }
}

/// Claim and deliver one batch (blocking). Returns how many rows were handled.
///
/// Up to `settings.concurrency` threads send at once, each on its own pooled SMTP
/// connection, taking the next email from a shared queue (so a slow send never holds the
/// others up). Each outcome is committed on its own as soon as it is known, so a crash
/// repeats at most the sends that were in flight.
pub fn deliver_due(
    db: &Db,
    mailer: &Mailer,
    settings: &MailSettings,
    worker: &str,
) -> anyhow::Result<usize> {
    let mut conn = db.pool().get()?;
    let batch = claim(&mut conn, worker, BATCH, settings.lease)?;
    let queue = std::sync::Mutex::new(Queue {
        waiting: batch.iter().collect(),
        in_flight: Default::default(),
        stopped: false,
    });
    let wakeup = std::sync::Condvar::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let threads = settings.concurrency.clamp(1, batch.len().max(1));
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for _ in 0..threads {
            let (tx, queue, wakeup) = (tx.clone(), &queue, &wakeup);
            scope.spawn(move || {
                loop {
                    let email = {
                        let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
                        loop {
                            if let Some(e) = q.take() {
                                break Some(e);
                            }
                            if q.waiting.is_empty() || q.stopped {
                                break None;
                            }
                            // Everything left waits for a recipient in flight.
                            q = wakeup.wait(q).unwrap_or_else(PoisonError::into_inner);
                        }
                    };
                    let Some(email) = email else { break };
                    let outcome = mailer.send(email);
                    queue
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .done(email);
                    wakeup.notify_all();
                    // The receiver is gone only when recording failed: stop sending.
                    if tx.send((email, outcome)).is_err() {
                        break;
                    }
                }
                wakeup.notify_all();
            });
        }
        drop(tx);
        for (email, outcome) in rx {
            if outcome.is_ok() {
                tracing::info!(outbox_id = %email.id, topic = %email.topic, "email sent");
            }
            if let Err(e) = record(&mut conn, email, worker, outcome, settings) {
                // Rows left in `sending` are claimed again when their lease ends.
                queue.lock().unwrap_or_else(PoisonError::into_inner).stopped = true;
                wakeup.notify_all();
                return Err(e.into());
            }
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

    fn email(id: &str, to: &str) -> OutboxEmail {
        let t = now();
        OutboxEmail {
            id: id.into(),
            idempotency_key: id.into(),
            user_id: None,
            topic: super::Topic::Events,
            to_address: to.into(),
            subject: String::new(),
            body_text: String::new(),
            body_html: String::new(),
            status: OutboxStatus::Sending,
            attempts: 1,
            next_attempt_at: t,
            locked_until: None,
            locked_by: None,
            last_error: None,
            sent_at: None,
            created_at: t,
            updated_at: t,
            unsubscribe_url: None,
            calendar_ics: None,
        }
    }

    #[test]
    fn the_queue_keeps_one_recipient_in_order_and_lets_others_pass() {
        let batch = [email("1", "a"), email("2", "a"), email("3", "b")];
        let mut q = Queue {
            waiting: batch.iter().collect(),
            in_flight: Default::default(),
            stopped: false,
        };
        let first = q.take().unwrap();
        assert_eq!(first.id, "1");
        // "2" waits for "1" (same recipient); "3" may go.
        assert_eq!(q.take().unwrap().id, "3");
        assert!(q.take().is_none());
        q.done(first);
        assert_eq!(q.take().unwrap().id, "2");
        q.stopped = true;
        q.waiting.push_back(&batch[2]);
        assert!(q.take().is_none(), "nothing is taken once stopped");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let (base, max) = (Duration::from_secs(30), Duration::from_secs(3600));
        let first = backoff(1, base, max);
        assert!(first >= Duration::from_secs(22) && first <= Duration::from_secs(38));
        let third = backoff(3, base, max);
        assert!(third >= Duration::from_secs(90) && third <= Duration::from_secs(150));
        assert!(backoff(30, base, max) <= Duration::from_secs(4500));
        assert!(backoff(30, base, Duration::from_secs(5)) <= Duration::from_millis(6250));
    }
}
