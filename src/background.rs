//! The loop every background worker shares: run a pass on the blocking pool, go again at
//! once while there is more work, else wait for a wake-up, the poll interval or the stop
//! signal. A failed pass is logged and retried at the next tick.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

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
