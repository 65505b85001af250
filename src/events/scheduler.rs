//! The periodic pass for time-driven notices: reminders before events start (sent once
//! per start time, so moving an event re-arms them), daily digests, completing events
//! that have ended. (Overdue key-project milestones are the projects room's own pass:
//! `projects::overdue`.)

use chrono::{DateTime, Utc};

use super::model;
use super::notify;
use super::registrations::model as registrations;
use crate::db::{DbConnection, write_tx};
use crate::notifications::digest;
use crate::notifications::inbox::Postman;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub reminders: usize,
    pub digests: usize,
    pub completed: usize,
}

/// One pass at `now`. Each reminder is its own transaction: the notice and the
/// registration's `reminded_for` commit together.
pub fn run_once(
    conn: &mut DbConnection,
    postman: &Postman,
    lead: std::time::Duration,
    digest_hour: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<Pass> {
    let t = now.naive_utc();
    let lead = chrono::Duration::from_std(lead).unwrap_or(chrono::Duration::hours(24));
    let mut pass = Pass::default();
    for (ev, reg) in registrations::due_reminders(conn, t, lead)? {
        write_tx(conn, |conn| -> anyhow::Result<()> {
            notify::remind(conn, postman, &ev, &reg)?;
            registrations::mark_reminded(conn, &reg.id, ev.starts_at)?;
            Ok(())
        })?;
        pass.reminders += 1;
    }
    pass.digests = digest::run_once(conn, postman, digest_hour, now)?;
    pass.completed = write_tx(conn, |conn| model::complete_ended(conn, t))?;
    Ok(pass)
}

/// Runs at start, then every `settings.scheduler_interval`, until stopped; wakes the
/// delivery worker when a pass queued mail.
pub async fn run(
    db: crate::db::Db,
    postman: Postman,
    settings: std::sync::Arc<crate::config::Settings>,
    mail_wake: std::sync::Arc<tokio::sync::Notify>,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let every = settings.scheduler_interval;
    crate::background::run_leased("scheduler", every, db.clone(), stop, move || {
        let mut conn = db.pool().get()?;
        let pass = run_once(
            &mut conn,
            &postman,
            settings.reminder_lead,
            settings.digest_hour,
            Utc::now(),
        )?;
        if pass != Pass::default() {
            tracing::info!(
                reminders = pass.reminders,
                digests = pass.digests,
                completed = pass.completed,
                "scheduled notices"
            );
            mail_wake.notify_one();
        }
        Ok(false)
    })
    .await;
}
