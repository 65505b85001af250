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
pub async fn run(db: Db, stop: watch::Receiver<bool>) {
    crate::background::run_leased(
        "expiry",
        Duration::from_secs(60),
        db.clone(),
        stop,
        move || {
            let n = expire_now(&db)?;
            if n > 0 {
                tracing::info!(expired = n, "listings past their deadline expired");
            }
            Ok(false)
        },
    )
    .await;
}
