//! The loop every background worker shares: run a pass on the blocking pool, go again at
//! once while there is more work, else wait for a wake-up, the poll interval or the stop
//! signal. A failed pass is logged and retried at the next tick.
//!
//! Jobs that must run in one instance at a time (reminders, digests, expiry, overdue
//! notices) use [`run_leased`]: a pass runs only while its instance holds the job's row in
//! `job_leases`, taken with one conditional UPDATE and given back when the pass ends. An
//! instance that dies mid-pass holds the lease until it expires ([`LEASE_TTL`]); then the
//! next instance's tick takes it. Every job's pass is also idempotent on its own (it marks
//! what it sent in the same transaction), so the lease is about never running one pass twice
//! at the same time, which is when two instances would both see the same work as undone.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tokio::sync::{Notify, watch};

use crate::db::schema::job_leases;
use crate::db::{Db, DbConnection};

/// How long a lease outlives a pass whose instance died; a pass itself takes well under it.
pub const LEASE_TTL: Duration = Duration::from_secs(300);

/// Run `pass` until `stop` turns true. `pass` returns whether more work is waiting.
pub async fn run_loop<F>(
    name: &'static str,
    every: Duration,
    wake: Option<Arc<Notify>>,
    mut stop: watch::Receiver<bool>,
    pass: F,
) where
    F: Fn() -> anyhow::Result<bool> + Send + Sync + 'static,
{
    let pass = Arc::new(pass);
    tracing::info!(worker = name, "started");
    loop {
        let p = pass.clone();
        let busy = match tokio::task::spawn_blocking(move || p()).await {
            Ok(Ok(more)) => more,
            Ok(Err(e)) => {
                tracing::warn!(worker = name, error = format!("{e:#}"), "pass failed");
                false
            }
            Err(e) => {
                tracing::error!(worker = name, error = %e, "pass panicked");
                false
            }
        };
        if *stop.borrow() {
            break;
        }
        if busy {
            continue;
        }
        let woken = async {
            match &wake {
                Some(w) => w.notified().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = woken => {}
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => break,
        }
    }
    tracing::info!(worker = name, "stopped");
}

/// Like [`run_loop`], for a job that must run in one instance at a time: each pass first
/// takes the job's lease in `db` and skips (waits for the next tick) while another instance
/// holds it.
pub async fn run_leased<F>(
    name: &'static str,
    every: Duration,
    db: Db,
    stop: watch::Receiver<bool>,
    pass: F,
) where
    F: Fn() -> anyhow::Result<bool> + Send + Sync + 'static,
{
    run_loop(name, every, None, stop, move || {
        let holder = format!("{}:{}", std::process::id(), uuid::Uuid::now_v7());
        let now = chrono::Utc::now().naive_utc();
        if !take_lease(&mut *db.pool().get()?, name, &holder, now, LEASE_TTL)? {
            tracing::debug!(worker = name, "another instance holds the lease");
            return Ok(false);
        }
        let result = pass();
        if let Err(e) = give_back(&mut *db.pool().get()?, name, &holder) {
            tracing::warn!(worker = name, error = %e, "lease not given back; it expires");
        }
        result
    })
    .await
}

/// Take the lease of `job` for `holder` until `now + ttl` if nobody holds it at `now`.
pub fn take_lease(
    conn: &mut DbConnection,
    job: &str,
    holder: &str,
    now: NaiveDateTime,
    ttl: Duration,
) -> QueryResult<bool> {
    let free = (
        job_leases::job.eq(job),
        job_leases::holder.eq(""),
        job_leases::held_until.eq(chrono::DateTime::UNIX_EPOCH.naive_utc()),
    );
    crate::insert_new!(conn, job_leases::table, free)?;
    let until = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
    let taken = diesel::update(
        job_leases::table
            .filter(job_leases::job.eq(job))
            .filter(job_leases::held_until.le(now)),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::held_until.eq(until),
    ))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Give the lease of `job` back if `holder` still holds it.
pub fn give_back(conn: &mut DbConnection, job: &str, holder: &str) -> QueryResult<usize> {
    diesel::update(
        job_leases::table
            .filter(job_leases::job.eq(job))
            .filter(job_leases::holder.eq(holder)),
    )
    .set(job_leases::held_until.eq(chrono::DateTime::UNIX_EPOCH.naive_utc()))
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + secs, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn one_holder_at_a_time_until_given_back_or_expired() {
        let mut conn = crate::db::scratch::sqlite();
        let ttl = Duration::from_secs(300);
        assert!(take_lease(&mut conn, "scheduler", "a", at(0), ttl).unwrap());
        assert!(!take_lease(&mut conn, "scheduler", "b", at(1), ttl).unwrap());
        // Another job has its own lease.
        assert!(take_lease(&mut conn, "expiry", "b", at(1), ttl).unwrap());
        // Only the holder gives it back.
        assert_eq!(give_back(&mut conn, "scheduler", "b").unwrap(), 0);
        assert_eq!(give_back(&mut conn, "scheduler", "a").unwrap(), 1);
        assert!(take_lease(&mut conn, "scheduler", "b", at(2), ttl).unwrap());
        // A holder that died: the lease is free once it has expired, not before.
        assert!(!take_lease(&mut conn, "scheduler", "c", at(301), ttl).unwrap());
        assert!(take_lease(&mut conn, "scheduler", "c", at(302), ttl).unwrap());
    }
}
