//! Prometheus metrics: requests by route template and status, latency, pool usage, and the
//! outbox backlog (read from the database at each scrape).

use std::time::Duration;

use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

use crate::notifications::outbox::Backlog;

/// The process's metric registry and the series the middleware records.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool: IntGaugeVec,
    outbox: IntGaugeVec,
    oldest_unsent: Gauge,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route template and status",
            ),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["method", "route"],
        )?;
        let pool = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state"),
            &["state"],
        )?;
        let outbox = IntGaugeVec::new(
            Opts::new(
                "outbox_emails",
                "Unsent emails in the outbox by status (pending, sending, dead)",
            ),
            &["status"],
        )?;
        let oldest_unsent = Gauge::new(
            "outbox_oldest_unsent_seconds",
            "Age of the oldest email not yet sent (pending or sending; 0 when there is none)",
        )?;
        registry.register(Box::new(outbox.clone()))?;
        registry.register(Box::new(oldest_unsent.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            pool,
            outbox,
            oldest_unsent,
        })
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Render the text exposition format, after refreshing the pool gauges and (when the
    /// database answered) the outbox gauges.
    pub fn render(&self, pool: &crate::db::Pool, backlog: Option<&Backlog>) -> String {
        if let Some(b) = backlog {
            for (status, n) in &b.by_status {
                self.outbox.with_label_values(&[status.as_str()]).set(*n);
            }
            let age = b
                .oldest_unsent
                .map(|at| (crate::db::types::now() - at).num_milliseconds().max(0) as f64 / 1000.0)
                .unwrap_or(0.0);
            self.oldest_unsent.set(age);
        }
        let state = pool.state();
        let idle = i64::from(state.idle_connections);
        let total = i64::from(state.connections);
        self.pool.with_label_values(&["idle"]).set(idle);
        self.pool.with_label_values(&["in_use"]).set(total - idle);
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "cannot encode metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
