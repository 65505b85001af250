//! The periodic job that expires needs whose deadline has passed.

use std::time::Duration;

use tokio::sync::watch;

use crate::db::{Db, write_tx};

/// Expire due listings now; returns how many.
pub fn expire_now(db: &Db) -> anyhow::Result<usize> {
    let mut conn = db.pool().get()?;
    let today = chrono::Utc::now().date_naive();
    Ok(write_tx(&mut conn, |conn| {
        super::model::expire_due(conn, today)
    })?)
}

/// Runs at start, then every minute, until stopped.
pub async fn run(db: Db, mut stop: watch::Receiver<bool>) {
    loop {
        let db2 = db.clone();
        match tokio::task::spawn_blocking(move || expire_now(&db2)).await {
            Ok(Ok(0)) => {}
            Ok(Ok(n)) => tracing::info!(expired = n, "listings past their deadline expired"),
            Ok(Err(e)) => tracing::warn!(error = format!("{e:#}"), "expiry pass failed"),
            Err(e) => tracing::error!(error = %e, "expiry task panicked"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stop.changed() => break,
        }
    }
}
