//! The periodic pass of key projects: each overdue milestone raises one notice to the
//! bureau (`milestones::notify_overdue`). Runs on the scheduler's interval, beside it.

use std::sync::Arc;

use tokio::sync::{Notify, watch};

use crate::app::Postman;
use crate::config::Settings;
use crate::db::Db;

/// Runs at start, then every `settings.scheduler_interval`, until stopped; wakes the
/// delivery worker when a pass queued mail.
pub async fn run(
    db: Db,
    postman: Postman,
    settings: Arc<Settings>,
    mail_wake: Arc<Notify>,
    stop: watch::Receiver<bool>,
) {
    let every = settings.scheduler_interval;
    crate::background::run_leased("milestones", every, db.clone(), stop, move || {
        let mut conn = db.pool().get()?;
        let n = super::milestones::notify_overdue(&mut conn, &postman, super::domain::today())?;
        if n > 0 {
            tracing::info!(overdue_milestones = n, "milestone notices");
            mail_wake.notify_one();
        }
        Ok(false)
    })
    .await;
}
