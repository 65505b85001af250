//! Request throttling per account and per client address, counted in the database so that
//! every instance on one database shares one quota (N instances give the configured limit,
//! not N times it).
//!
//! A limit is "at most `n` attempts in a sliding window of `window`": each counted attempt is
//! a row of `throttle_hits` (the key stored as a SHA-256 digest, never the address or email),
//! and an attempt past the quota answers 429 with `Retry-After` = when the oldest counted
//! attempt leaves the window. The count and the insert are one write transaction, serialized
//! per key (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock on the
//! key), so concurrent attempts on several instances cannot both take the last place.
//! Rows older than the longest window are swept by [`sweep`].

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use sha2::{Digest, Sha256};

use crate::db::schema::throttle_hits;
use crate::db::{Db, DbConnection, write_tx};
use crate::error::ApiError;

/// Which action a limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    LoginAccount,
    LoginAddress,
    Register,
    ResetAccount,
    ResetAddress,
    /// Expressions of interest sent, per user (each one mails a whole organization).
    Interest,
}

impl Action {
    /// The stored name of the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::LoginAccount => "login_account",
            Action::LoginAddress => "login_address",
            Action::Register => "register",
            Action::ResetAccount => "reset_account",
            Action::ResetAddress => "reset_address",
            Action::Interest => "interest",
        }
    }
}

/// How many attempts fit in how long a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub attempts: u32,
    pub window: Duration,
}

impl Quota {
    fn per_minute(n: u32) -> Self {
        Quota {
            attempts: n.max(1),
            window: Duration::from_secs(60),
        }
    }
}

/// The quotas, and the database they are counted in.
#[derive(Clone)]
pub struct Limiters {
    db: Db,
    login_per_minute: u32,
}

/// The longest window of any quota: rows older than this count for nothing.
pub const LONGEST_WINDOW: Duration = Duration::from_secs(60);

impl Limiters {
    /// `login_per_minute` attempts per account; addresses get three times that (shared NATs).
    pub fn new(db: Db, login_per_minute: u32) -> Self {
        Limiters {
            db,
            login_per_minute,
        }
    }

    /// The quota of `action`.
    pub fn quota(&self, action: Action) -> Quota {
        let n = self.login_per_minute;
        match action {
            Action::LoginAccount => Quota::per_minute(n),
            Action::LoginAddress => Quota::per_minute(n.saturating_mul(3)),
            Action::Register => Quota::per_minute(n.saturating_mul(2)),
            Action::ResetAccount => Quota::per_minute(3),
            Action::ResetAddress => Quota::per_minute(n),
            Action::Interest => Quota::per_minute(20),
        }
    }

    /// Count one attempt of `action` by `key` in its own transaction (a refused or failed
    /// operation still counts); 429 with `Retry-After` past the quota.
    pub async fn check(&self, action: Action, key: &str) -> Result<(), ApiError> {
        let quota = self.quota(action);
        let digest = key_digest(action, key);
        self.db
            .run(move |conn| hit(conn, action, &digest, quota, Utc::now().naive_utc()))
            .await
    }
}

/// The stored form of a key: SHA-256 of the action and the key, hex.
fn key_digest(action: Action, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(action.as_str().as_bytes());
    h.update([0]);
    h.update(key.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Count one attempt at `now`, or refuse it with the seconds until a place frees.
fn hit(
    conn: &mut DbConnection,
    action: Action,
    digest: &str,
    quota: Quota,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let window = chrono::Duration::from_std(quota.window).unwrap_or(chrono::Duration::MAX);
    let since = now - window;
    write_tx(conn, |conn| -> Result<(), ApiError> {
        if let DbConnection::Postgres(pg) = conn {
            // Serialize the attempts on one key across instances until this commits.
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<BigInt, _>(advisory_key(digest))
                .execute(pg)?;
        }
        let mine = throttle_hits::table
            .filter(throttle_hits::action.eq(action.as_str()))
            .filter(throttle_hits::key_digest.eq(digest))
            .filter(throttle_hits::at.gt(since));
        let counted: i64 = mine.count().get_result(conn)?;
        let attempts = i64::from(quota.attempts);
        if counted >= attempts {
            // A place frees when the attempt `counted - attempts` from the oldest leaves.
            let frees: NaiveDateTime = mine
                .order(throttle_hits::at.asc())
                .select(throttle_hits::at)
                .offset(counted - attempts)
                .first(conn)?;
            let wait = (frees + window - now).num_milliseconds().max(0) as u64;
            return Err(ApiError::TooManyRequests {
                retry_after_secs: wait.div_ceil(1000).max(1),
            });
        }
        diesel::insert_into(throttle_hits::table)
            .values((
                throttle_hits::id.eq(uuid::Uuid::now_v7().to_string()),
                throttle_hits::action.eq(action.as_str()),
                throttle_hits::key_digest.eq(digest),
                throttle_hits::at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// A 64-bit advisory lock key from the digest's first eight bytes.
fn advisory_key(digest: &str) -> i64 {
    let first = digest.get(..16).unwrap_or(digest);
    u64::from_str_radix(first, 16).unwrap_or_default() as i64
}

/// Delete the attempts that no window counts any more; returns how many.
pub fn sweep(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let before = now - chrono::Duration::from_std(LONGEST_WINDOW).unwrap_or_default();
    diesel::delete(throttle_hits::table.filter(throttle_hits::at.le(before))).execute(conn)
}

/// Sweeps old attempts every ten minutes (one instance at a time), until stopped.
pub async fn run_sweeper(db: Db, stop: tokio::sync::watch::Receiver<bool>) {
    let pool = db.clone();
    crate::background::run_leased(
        "throttle_sweep",
        Duration::from_secs(600),
        db,
        stop,
        move || {
            let n = write_tx(&mut *pool.pool().get()?, |conn| {
                sweep(conn, Utc::now().naive_utc())
            })?;
            tracing::debug!(swept = n, "old throttle attempts deleted");
            Ok(false)
        },
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::scratch;

    fn at(secs: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + secs, 0)
            .unwrap()
            .naive_utc()
    }

    fn two_per_minute() -> Quota {
        Quota {
            attempts: 2,
            window: Duration::from_secs(60),
        }
    }

    #[test]
    fn the_quota_is_counted_per_key_and_frees_when_the_oldest_leaves_the_window() {
        let mut conn = scratch::sqlite();
        let q = two_per_minute();
        let a = key_digest(Action::LoginAccount, "a@example.com");
        let b = key_digest(Action::LoginAccount, "b@example.com");
        assert!(hit(&mut conn, Action::LoginAccount, &a, q, at(0)).is_ok());
        assert!(hit(&mut conn, Action::LoginAccount, &a, q, at(10)).is_ok());
        match hit(&mut conn, Action::LoginAccount, &a, q, at(20)) {
            Err(ApiError::TooManyRequests { retry_after_secs }) => assert_eq!(retry_after_secs, 40),
            other => panic!("expected 429, got {other:?}"),
        }
        // Another key, and the same key for another action, have their own counts.
        assert!(hit(&mut conn, Action::LoginAccount, &b, q, at(20)).is_ok());
        let a_reset = key_digest(Action::ResetAccount, "a@example.com");
        assert!(hit(&mut conn, Action::ResetAccount, &a_reset, q, at(20)).is_ok());
        // At 60 s the first attempt has left the window: one place again, then none.
        assert!(hit(&mut conn, Action::LoginAccount, &a, q, at(60)).is_ok());
        assert!(hit(&mut conn, Action::LoginAccount, &a, q, at(61)).is_err());
    }

    #[test]
    fn a_refused_attempt_is_not_counted_and_the_sweep_keeps_live_rows() {
        let mut conn = scratch::sqlite();
        let q = two_per_minute();
        let a = key_digest(Action::Register, "203.0.113.9");
        for t in [0, 1] {
            hit(&mut conn, Action::Register, &a, q, at(t)).unwrap();
        }
        for t in 2..10 {
            assert!(hit(&mut conn, Action::Register, &a, q, at(t)).is_err());
        }
        // Refusals added no rows: the place frees at 60 s, not at 69 s.
        assert!(hit(&mut conn, Action::Register, &a, q, at(60)).is_ok());
        assert_eq!(sweep(&mut conn, at(61)).unwrap(), 2, "0 s and 1 s are out");
        // The sweep kept the attempt at 60 s: one place left, then none.
        assert!(hit(&mut conn, Action::Register, &a, q, at(62)).is_ok());
        assert!(hit(&mut conn, Action::Register, &a, q, at(63)).is_err());
    }

    #[test]
    fn keys_are_stored_as_digests() {
        let d = key_digest(Action::LoginAddress, "203.0.113.9");
        assert_eq!(d.len(), 64);
        assert!(!d.contains("203"));
        assert_ne!(d, key_digest(Action::LoginAccount, "203.0.113.9"));
    }
}
