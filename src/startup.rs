//! Builds the application: pool, migrations, shared state, HTTP server, workers.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use actix_web::{App, web};

use tokio::sync::{Notify, watch};

use crate::app::{AppState, Postman};
use crate::auth::throttle::Limiters;
use crate::auth::tokens::{self, Keys};
use crate::config::Settings;
use crate::db::{self, Db};
use crate::extract::JsonLimit;
use crate::net::server::ServerOptions;
use crate::notifications::{mailer::Mailer, worker};
use crate::ops::metrics::Metrics;
use crate::{routes, telemetry};

/// A bound, not yet running application.
pub struct Application {
    port: u16,
    metrics_port: u16,
    server: Server,
    db: Db,
    stop_workers: watch::Sender<bool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Open the database (migrating unless disabled), bind the listener, build the server.
    /// The port is bound only once the database is ready, so a load balancer never sends
    /// traffic to an instance that is still migrating.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        // Everything that can refuse the settings does so before the database is touched:
        // a bad secret or mailer must not leave a half-started instance's migrations behind.
        crate::files::private_dir(&settings.data_dir)?;
        let secret = tokens::load_secret(&settings.auth, settings.backend(), &settings.data_dir)?;
        let keys = Keys::new(&secret, &settings.auth)?;
        let mailer = Arc::new(Mailer::from_settings(&settings)?);
        let db = open_database(&settings, settings.run_migrations).await?;
        let matching = open_index(&db, &settings).await?;
        let index_wake = Arc::new(Notify::new());
        let listener = TcpListener::bind(settings.listen_addr)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen_addr))?;
        let port = listener.local_addr()?.port();
        let metrics_listener = TcpListener::bind(settings.metrics_addr).map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {} (COLLAB_METRICS_ADDR): {e}",
                settings.metrics_addr
            )
        })?;
        let metrics_at = crate::ops::MetricsListener(metrics_listener.local_addr()?);
        let mut settings = settings;
        if settings.public_url.is_empty() {
            settings.public_url = own_address(listener.local_addr()?);
        }
        let settings = Arc::new(settings);
        let page_keys = web::Data::new(crate::web::PageKeys::new(&secret, &settings.public_url));
        let mail_wake = Arc::new(Notify::new());
        let postman = Postman::new(&settings.public_url, &secret)
            .with_sender(&settings.mail.from)
            .with_tap(crate::channels::copy_notices);
        let state = web::Data::new(AppState {
            settings: settings.clone(),
            db: db.clone(),
            keys,
            limits: Limiters::new(db.clone(), settings.auth.login_attempts_per_minute),
            mail_wake: mail_wake.clone(),
            index_wake: index_wake.clone(),
            listing_text: matching.clone(),
            postman: postman.clone(),
        });
        let (stop_workers, stop_rx) = watch::channel(false);
        // The indexer runs in every instance: each keeps its own index in step.
        let notice = crate::matching::notices::NoticeSettings {
            postman: postman.clone(),
            threshold: settings.match_notify_threshold,
        };
        let matching_for_routes = matching.clone();
        let mut workers = vec![tokio::spawn(crate::matching::sync::run(
            matching,
            db.clone(),
            notice,
            index_wake,
            stop_rx.clone(),
        ))];
        if settings.run_workers {
            workers.extend(spawn_jobs(
                &db, postman, &settings, mailer, mail_wake, stop_rx,
            ));
        }
        let metrics = web::Data::new(Metrics::new()?);
        let metrics_at_data = web::Data::new(metrics_at);
        let engine = web::Data::from(matching_for_routes);
        let document = web::Data::new(crate::ops::OpenApiDocument(routes::openapi()));
        let json_limit = JsonLimit(settings.max_json_bytes);
        let app = move || {
            let table = routes::table();
            App::new()
                .app_data(state.clone())
                .app_data(metrics.clone())
                .app_data(metrics_at_data.clone())
                .app_data(engine.clone())
                .app_data(document.clone())
                .app_data(page_keys.clone())
                .app_data(json_limit)
                .app_data(crate::extract::query_config())
                .app_data(crate::extract::path_config())
                .wrap(from_fn(crate::extract::localize_problems))
                .wrap(from_fn(crate::ops::split_listeners))
                .wrap(from_fn(telemetry::observe))
                .configure(|cfg| table.register(cfg))
                .configure(crate::web::configure)
                .default_service(web::to(crate::web::fallback))
        };
        let options = ServerOptions {
            workers: settings.http_workers,
            shutdown_timeout: settings.shutdown_timeout,
        };
        let server = crate::net::server::serve(app, vec![listener, metrics_listener], options)?;
        tracing::info!(port, metrics = %metrics_at.0, backend = ?settings.backend(), "listening");
        Ok(Application {
            port,
            metrics_port: metrics_at.0.port(),
            server,
            db,
            stop_workers,
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on.
    pub fn metrics_port(&self) -> u16 {
        self.metrics_port
    }

    pub fn db(&self) -> Db {
        self.db.clone()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serve until SIGTERM/SIGINT (graceful: in-flight requests finish) or `handle().stop()`.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let served = self.server.await;
        let _ = self.stop_workers.send(true);
        for w in self.workers {
            let _ = w.await;
        }
        served?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// The base of links when `COLLAB_PUBLIC_URL` is not set: the address this server
/// listens on (`localhost` for an unspecified address), so links work out of the box.
fn own_address(addr: std::net::SocketAddr) -> String {
    if addr.ip().is_unspecified() {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// Create the pool and, if asked, apply pending migrations.
pub async fn open_database(settings: &Settings, migrate: bool) -> anyhow::Result<Db> {
    let pool = db::create_pool(settings)?;
    let db = Db::new(pool, settings.backend());
    if migrate {
        let pool = db.pool().clone();
        let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
            let mut conn = pool.get()?;
            let applied = db::migrations::run_pending(&mut conn)
                .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
            let (regions, fields) = crate::organizations::taxonomy::seed(&mut conn)?;
            if regions + fields > 0 {
                tracing::info!(regions, fields, "taxonomy entries added from seed files");
            }
            Ok(applied)
        })
        .await??;
        if !applied.is_empty() {
            tracing::info!(?applied, "migrations applied");
        }
    }
    Ok(db)
}

/// Open this instance's search index under the data folder, rebuilding it if missing.
pub async fn open_index(
    db: &Db,
    settings: &Settings,
) -> anyhow::Result<Arc<crate::matching::engine::Engine>> {
    let (db, dir) = (db.clone(), settings.data_dir.join("index"));
    let semantic = settings.semantic;
    tokio::task::spawn_blocking(move || {
        crate::files::private_dir(&dir)?;
        crate::matching::sync::open(&db, &dir, semantic)
    })
    .await?
}

/// Every background job but the indexer (which each serving instance runs for its own
/// index): the throttle sweep, listing expiry, overdue milestones, the scheduler (reminders,
/// digests, completing events) and email delivery. `serve` runs them unless
/// `COLLAB_RUN_WORKERS=false`; the `worker` command runs only them.
fn spawn_jobs(
    db: &Db,
    postman: Postman,
    settings: &Arc<Settings>,
    mailer: Arc<Mailer>,
    mail_wake: Arc<Notify>,
    stop: watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    vec![
        tokio::spawn(crate::auth::throttle::run_sweeper(db.clone(), stop.clone())),
        tokio::spawn(crate::listings::expiry::run(db.clone(), stop.clone())),
        tokio::spawn(crate::projects::overdue::run(
            db.clone(),
            postman.clone(),
            settings.clone(),
            mail_wake.clone(),
            stop.clone(),
        )),
        tokio::spawn(crate::events::scheduler::run(
            db.clone(),
            postman,
            settings.clone(),
            mail_wake.clone(),
            stop.clone(),
        )),
        tokio::spawn(crate::channels::worker::run(
            db.clone(),
            settings.mail.clone(),
            stop.clone(),
        )),
        tokio::spawn(worker::run(
            db.clone(),
            mailer,
            settings.mail.clone(),
            mail_wake,
            stop,
        )),
    ]
}

/// The postman of a command that delivers notices without serving (`demo-data`): links
/// point to `COLLAB_PUBLIC_URL`, else to the address the server listens on.
pub fn postman_for(settings: &Settings) -> anyhow::Result<Postman> {
    let secret = tokens::load_secret(&settings.auth, settings.backend(), &settings.data_dir)?;
    let url = if settings.public_url.is_empty() {
        own_address(settings.listen_addr)
    } else {
        settings.public_url.clone()
    };
    Ok(Postman::new(&url, &secret)
        .with_sender(&settings.mail.from)
        .with_tap(crate::channels::copy_notices))
}

/// Run every background job (not the HTTP server, not the index) until SIGINT/SIGTERM: the
/// `worker` command, for a split deployment beside `serve` with `COLLAB_RUN_WORKERS=false`.
pub async fn run_worker_only(settings: Settings) -> anyhow::Result<()> {
    if settings.public_url.is_empty() {
        anyhow::bail!(
            "the worker writes links into mail: set COLLAB_PUBLIC_URL to the address people open"
        );
    }
    let secret = tokens::load_secret(&settings.auth, settings.backend(), &settings.data_dir)?;
    let mailer = Arc::new(Mailer::from_settings(&settings)?);
    let db = open_database(&settings, settings.run_migrations).await?;
    let settings = Arc::new(settings);
    let postman = Postman::new(&settings.public_url, &secret)
        .with_sender(&settings.mail.from)
        .with_tap(crate::channels::copy_notices);
    let (stop, stop_rx) = watch::channel(false);
    let jobs = spawn_jobs(
        &db,
        postman,
        &settings,
        mailer,
        Arc::new(Notify::new()),
        stop_rx,
    );
    tracing::info!(jobs = jobs.len(), "worker running every background job");
    shutdown_signal().await;
    let _ = stop.send(true);
    for job in jobs {
        job.await?;
    }
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
