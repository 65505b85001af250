//! Typed settings, read from the environment with defaults that run on a laptop.
//!
//! Every variable the service reads is listed here (and in the README):
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DATABASE_URL` | `sqlite://data/collab-registry.db` | `sqlite://PATH` or `postgres://...` |
//! | `COLLAB_LISTEN_ADDR` | `127.0.0.1:8080` | address the HTTP server binds |
//! | `COLLAB_DATA_DIR` | `data` | folder for the SQLite file, generated secrets, mail files, the index |
//! | `COLLAB_PUBLIC_URL` | the server's own address | base of links put in emails; `https://` makes the page cookies `Secure` |
//! | `COLLAB_HTTP_WORKERS` | number of cores | HTTP worker threads |
//! | `COLLAB_DB_POOL_SIZE` | `10` | database connections in the pool |
//! | `COLLAB_DB_ACQUIRE_TIMEOUT_MS` | `3000` | wait for a pooled connection before answering 503 |
//! | `COLLAB_RUN_MIGRATIONS` | `true` | apply pending migrations when `serve` starts |
//! | `COLLAB_MAX_JSON_BYTES` | `65536` | largest accepted JSON body (413 beyond) |
//! | `COLLAB_SHUTDOWN_TIMEOUT_SECS` | `30` | grace period for in-flight requests on SIGTERM |
//! | `COLLAB_LOG_FORMAT` | `text` | `text` or `json` |
//! | `COLLAB_LOG` | `info` | log filter (`tracing` `EnvFilter` syntax) |
//! | `COLLAB_JWT_SECRET` | generated in the data folder (SQLite only) | HS256 secret, at least 32 bytes |
//! | `COLLAB_JWT_ISSUER` | `collab-registry` | `iss` claim |
//! | `COLLAB_JWT_AUDIENCE` | `collab-registry-api` | `aud` claim |
//! | `COLLAB_ACCESS_TOKEN_TTL_SECS` | `900` | access-token lifetime |
//! | `COLLAB_REFRESH_TOKEN_TTL_SECS` | `2592000` | refresh-token lifetime (30 days) |
//! | `COLLAB_SMTP_URL` | unset: mail is written as `.eml` files under `DATA_DIR/mail` | `smtp://user:pass@host:port` or `smtps://...` |
//! | `COLLAB_MAIL_FROM` | `collab-registry <noreply@localhost>` | sender of every email |
//! | `COLLAB_OUTBOX_POLL_MS` | `1000` | how often the delivery worker looks for due mail |
//! | `COLLAB_OUTBOX_MAX_ATTEMPTS` | `8` | attempts before a mail is marked dead |
//! | `COLLAB_OUTBOX_LEASE_SECS` | `300` | a mail stuck in `sending` this long is claimed again |
//! | `COLLAB_OUTBOX_CONCURRENCY` | `16` | SMTP connections the delivery worker uses in parallel (mail to one address keeps its order) |
//! | `COLLAB_OUTBOX_RETRY_BASE_MS` | `30000` | first retry delay; doubles per attempt (±25% jitter) |
//! | `COLLAB_OUTBOX_RETRY_MAX_MS` | `3600000` | longest delay between two attempts (1 h) |
//! | `COLLAB_CHANNEL_TEST_HOSTS` | empty | comma-separated loopback base URLs (`http://127.0.0.1:PORT`) accepted as group-chat robot webhooks besides the platforms' own hosts; for tests only |
//! | `COLLAB_SEMANTIC` | `on` | `off` indexes and matches without the sentence encoder (lexical only: shared terms and glossary links); the index is rebuilt when this changes |
//! | `COLLAB_MATCH_NOTIFY_THRESHOLD` | `0.45` | score (0-1] above which a newly published listing is announced to the other side |
//! | `COLLAB_TRUST_PROXY` | `false` | behind your own proxy: the client is the rightmost `X-Forwarded-For` hop not in `COLLAB_TRUSTED_PROXIES` (hops a client writes come first and are ignored) |
//! | `COLLAB_TRUSTED_PROXIES` | empty | comma-separated CIDRs of further proxies in front (load balancers, CDN) whose hops are skipped |
//! | `COLLAB_METRICS_ADDR` | `127.0.0.1:9464` | address `/metrics` is served on (not on the API port); keep it private |
//! | `COLLAB_RUN_WORKERS` | `true` | run background workers (outbox delivery) inside `serve` |
//! | `COLLAB_LOGIN_ATTEMPTS_PER_MINUTE` | `10` | failed logins allowed per account and per address before 429 |
//! | `COLLAB_DIGEST_HOUR` | `8` | local hour (0-23, in each user's time zone) at which daily digests go out |
//! | `COLLAB_EVENT_REMINDER_HOURS` | `24` | how long before an event's start its attendees are reminded |
//! | `COLLAB_SCHEDULER_INTERVAL_SECS` | `60` | how often reminders and digests are looked for |
//! | `COLLAB_INVITATIONS_PER_HOUR` | `30` | invitations one organization may send in an hour (429 with `Retry-After` beyond) |
//! | `COLLAB_OUTSIDE_ATTENDEES_PER_HOUR` | `50` | attendees without an account one organization may register for one event in an hour, cancelled ones included (429 with `Retry-After` beyond) |
//!
//! An invalid value stops the start with one line naming the variable.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

mod env;
use env::Env;

/// Which database engine a `DATABASE_URL` selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the service is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen_addr: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub public_url: String,
    pub http_workers: usize,
    pub db_pool_size: u32,
    pub db_acquire_timeout: Duration,
    pub run_migrations: bool,
    pub max_json_bytes: usize,
    pub shutdown_timeout: Duration,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub quotas: QuotaSettings,
    pub run_workers: bool,
    /// Match by meaning too (the sentence encoder); `COLLAB_SEMANTIC`.
    pub semantic: bool,
    pub trust_proxy: bool,
    /// Proxies in front of ours whose `X-Forwarded-For` hops are skipped.
    pub trusted_proxies: Vec<crate::net::Cidr>,
    /// Where `/metrics` is served (a listener of its own).
    pub metrics_addr: SocketAddr,
    pub match_notify_threshold: f32,
    pub digest_hour: u32,
    pub reminder_lead: Duration,
    pub scheduler_interval: Duration,
    /// Loopback base URLs accepted as robot webhooks (`COLLAB_CHANNEL_TEST_HOSTS`; tests).
    pub channel_test_hosts: Vec<String>,
}

/// Token and throttling settings.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `None` means: generate (once) and keep in the data folder; allowed on SQLite only.
    pub jwt_secret: Option<SecretString>,
    pub issuer: String,
    pub audience: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub login_attempts_per_minute: u32,
}

/// Outgoing mail settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub smtp_url: Option<SecretString>,
    pub from: String,
    pub poll_interval: Duration,
    pub max_attempts: u32,
    pub lease: Duration,
    pub retry_base: Duration,
    /// Longest delay between two attempts.
    pub retry_max: Duration,
    /// SMTP connections used in parallel (mail to one address stays in order).
    pub concurrency: usize,
}

/// Quotas on mail to addresses outside the platform, counted in the database over the
/// last hour (so they hold across instances and restarts).
#[derive(Debug, Clone)]
pub struct QuotaSettings {
    /// Invitations per organization per hour.
    pub invitations_per_hour: u32,
    /// Attendees without an account per organization and event per hour.
    pub outside_attendees_per_hour: u32,
}

/// A configuration value that cannot be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {var}={value:?}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub value: String,
    pub reason: String,
}

impl Default for Settings {
    fn default() -> Self {
        let data_dir = PathBuf::from("data");
        Settings {
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/collab-registry.db".to_owned(),
            data_dir,
            // Empty: the server's own address once it is bound (see `startup`).
            public_url: String::new(),
            http_workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            db_pool_size: 10,
            db_acquire_timeout: Duration::from_millis(3000),
            run_migrations: true,
            max_json_bytes: 64 * 1024,
            shutdown_timeout: Duration::from_secs(30),
            log_format: LogFormat::Text,
            log_filter: "info".to_owned(),
            auth: AuthSettings {
                jwt_secret: None,
                issuer: "collab-registry".to_owned(),
                audience: "collab-registry-api".to_owned(),
                access_ttl: Duration::from_secs(15 * 60),
                refresh_ttl: Duration::from_secs(30 * 24 * 3600),
                login_attempts_per_minute: 10,
            },
            mail: MailSettings {
                smtp_url: None,
                from: "collab-registry <noreply@localhost>".to_owned(),
                poll_interval: Duration::from_millis(1000),
                max_attempts: 8,
                lease: Duration::from_secs(300),
                retry_base: Duration::from_secs(30),
                retry_max: Duration::from_secs(3600),
                concurrency: 16,
            },
            quotas: QuotaSettings {
                invitations_per_hour: 30,
                outside_attendees_per_hour: 50,
            },
            run_workers: true,
            semantic: true,
            trust_proxy: false,
            trusted_proxies: Vec::new(),
            metrics_addr: SocketAddr::from(([127, 0, 0, 1], 9464)),
            match_notify_threshold: 0.45,
            digest_hour: 8,
            reminder_lead: Duration::from_secs(24 * 3600),
            scheduler_interval: Duration::from_secs(60),
            channel_test_hosts: Vec::new(),
        }
    }
}

impl Settings {
    /// Settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars().collect())
    }

    /// Settings from a map of variables (the environment, or a test's own).
    pub fn from_vars(vars: HashMap<String, String>) -> Result<Self, ConfigError> {
        let env = Env(vars);
        let mut s = Settings::default();
        env.parse("COLLAB_LISTEN_ADDR", &mut s.listen_addr)?;
        if let Some(url) = env.get("DATABASE_URL") {
            s.database_url = url.to_owned();
        }
        if let Some(dir) = env.get("COLLAB_DATA_DIR") {
            s.data_dir = PathBuf::from(dir);
            if env.get("DATABASE_URL").is_none() {
                s.database_url = format!(
                    "sqlite://{}",
                    s.data_dir.join("collab-registry.db").display()
                );
            }
        }
        backend_of(&s.database_url).map_err(|reason| ConfigError {
            var: "DATABASE_URL",
            value: redact_url(&s.database_url),
            reason,
        })?;
        if let Some(url) = env.get("COLLAB_PUBLIC_URL") {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(env.error("COLLAB_PUBLIC_URL", "must start with http:// or https://"));
            }
            s.public_url = url.trim_end_matches('/').to_owned();
        }
        env.parse_positive("COLLAB_HTTP_WORKERS", &mut s.http_workers)?;
        env.parse_positive("COLLAB_DB_POOL_SIZE", &mut s.db_pool_size)?;
        env.millis("COLLAB_DB_ACQUIRE_TIMEOUT_MS", &mut s.db_acquire_timeout)?;
        env.bool("COLLAB_RUN_MIGRATIONS", &mut s.run_migrations)?;
        env.parse_positive("COLLAB_MAX_JSON_BYTES", &mut s.max_json_bytes)?;
        env.secs("COLLAB_SHUTDOWN_TIMEOUT_SECS", &mut s.shutdown_timeout)?;
        if let Some(v) = env.get("COLLAB_LOG_FORMAT") {
            s.log_format = match v {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => return Err(env.error("COLLAB_LOG_FORMAT", "expected text or json")),
            };
        }
        if let Some(v) = env.get("COLLAB_LOG") {
            s.log_filter = v.to_owned();
        }
        if let Some(secret) = env.get("COLLAB_JWT_SECRET") {
            if secret.len() < 32 {
                return Err(ConfigError {
                    var: "COLLAB_JWT_SECRET",
                    value: "(hidden)".to_owned(),
                    reason: "must be at least 32 bytes".to_owned(),
                });
            }
            s.auth.jwt_secret = Some(SecretString::from(secret.to_owned()));
        }
        if let Some(v) = env.get("COLLAB_JWT_ISSUER") {
            s.auth.issuer = v.to_owned();
        }
        if let Some(v) = env.get("COLLAB_JWT_AUDIENCE") {
            s.auth.audience = v.to_owned();
        }
        env.secs("COLLAB_ACCESS_TOKEN_TTL_SECS", &mut s.auth.access_ttl)?;
        env.secs("COLLAB_REFRESH_TOKEN_TTL_SECS", &mut s.auth.refresh_ttl)?;
        env.parse_positive(
            "COLLAB_LOGIN_ATTEMPTS_PER_MINUTE",
            &mut s.auth.login_attempts_per_minute,
        )?;
        if let Some(url) = env.get("COLLAB_SMTP_URL") {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(ConfigError {
                    var: "COLLAB_SMTP_URL",
                    value: redact_url(url),
                    reason: "must start with smtp:// or smtps://".to_owned(),
                });
            }
            s.mail.smtp_url = Some(SecretString::from(url.to_owned()));
        }
        if let Some(v) = env.get("COLLAB_MAIL_FROM") {
            if v.parse::<lettre::message::Mailbox>().is_err() {
                return Err(env.error("COLLAB_MAIL_FROM", "not a mailbox like `Name <a@b.c>`"));
            }
            s.mail.from = v.to_owned();
        }
        env.millis("COLLAB_OUTBOX_POLL_MS", &mut s.mail.poll_interval)?;
        env.parse_positive("COLLAB_OUTBOX_MAX_ATTEMPTS", &mut s.mail.max_attempts)?;
        env.secs("COLLAB_OUTBOX_LEASE_SECS", &mut s.mail.lease)?;
        env.millis("COLLAB_OUTBOX_RETRY_BASE_MS", &mut s.mail.retry_base)?;
        env.millis("COLLAB_OUTBOX_RETRY_MAX_MS", &mut s.mail.retry_max)?;
        env.parse_positive("COLLAB_OUTBOX_CONCURRENCY", &mut s.mail.concurrency)?;
        env.parse_positive(
            "COLLAB_INVITATIONS_PER_HOUR",
            &mut s.quotas.invitations_per_hour,
        )?;
        env.parse_positive(
            "COLLAB_OUTSIDE_ATTENDEES_PER_HOUR",
            &mut s.quotas.outside_attendees_per_hour,
        )?;
        env.bool("COLLAB_RUN_WORKERS", &mut s.run_workers)?;
        env.bool("COLLAB_SEMANTIC", &mut s.semantic)?;
        env.bool("COLLAB_TRUST_PROXY", &mut s.trust_proxy)?;
        if let Some(v) = env.get("COLLAB_TRUSTED_PROXIES") {
            s.trusted_proxies =
                crate::net::parse_list(v).map_err(|e| env.error("COLLAB_TRUSTED_PROXIES", &e))?;
        }
        if let Some(v) = env.get("COLLAB_CHANNEL_TEST_HOSTS") {
            s.channel_test_hosts =
                loopback_bases(v).map_err(|e| env.error("COLLAB_CHANNEL_TEST_HOSTS", &e))?;
        }
        env.parse("COLLAB_METRICS_ADDR", &mut s.metrics_addr)?;
        if s.metrics_addr == s.listen_addr {
            return Err(env.error(
                "COLLAB_METRICS_ADDR",
                "must differ from COLLAB_LISTEN_ADDR: metrics are not for the public port",
            ));
        }
        if let Some(v) = env.get("COLLAB_MATCH_NOTIFY_THRESHOLD") {
            s.match_notify_threshold = v
                .parse::<f32>()
                .ok()
                .filter(|t| *t > 0.0 && *t <= 1.0)
                .ok_or_else(|| {
                    env.error(
                        "COLLAB_MATCH_NOTIFY_THRESHOLD",
                        "expected a number in (0, 1]",
                    )
                })?;
        }
        if let Some(v) = env.get("COLLAB_DIGEST_HOUR") {
            s.digest_hour = v
                .parse::<u32>()
                .ok()
                .filter(|h| *h < 24)
                .ok_or_else(|| env.error("COLLAB_DIGEST_HOUR", "expected an hour 0-23"))?;
        }
        if let Some(v) = env.get("COLLAB_EVENT_REMINDER_HOURS") {
            let hours = v
                .parse::<u64>()
                .ok()
                .filter(|h| (1..=24 * 14).contains(h))
                .ok_or_else(|| env.error("COLLAB_EVENT_REMINDER_HOURS", "expected hours 1-336"))?;
            s.reminder_lead = Duration::from_secs(hours * 3600);
        }
        env.secs("COLLAB_SCHEDULER_INTERVAL_SECS", &mut s.scheduler_interval)?;
        Ok(s)
    }

    /// The database engine this configuration selects.
    pub fn backend(&self) -> Backend {
        // Validated in `from_vars`; a hand-built Settings with a bad URL falls to SQLite's error.
        backend_of(&self.database_url).unwrap_or(Backend::Sqlite)
    }
}

/// The backend selected by a URL's scheme.
pub fn backend_of(url: &str) -> Result<Backend, String> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err("expected sqlite://PATH or postgres://...".to_owned())
    }
}

/// Comma-separated base URLs, each `http(s)://` on a loopback address (127.0.0.0/8, ::1,
/// localhost): robots' webhooks may point there only in tests on this machine.
fn loopback_bases(list: &str) -> Result<Vec<String>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| {
            let url = url::Url::parse(b).map_err(|_| format!("`{b}` is not a URL"))?;
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                Some(url::Host::Domain(d)) => d == "localhost",
                None => false,
            };
            if !matches!(url.scheme(), "http" | "https") || !loopback {
                return Err(format!("`{b}` is not an http(s) URL on a loopback address"));
            }
            Ok(b.trim_end_matches('/').to_owned())
        })
        .collect()
}

/// A URL with any password replaced, safe to log.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn channel_test_hosts_must_be_loopback() {
        let ok = vars(&[(
            "COLLAB_CHANNEL_TEST_HOSTS",
            "http://127.0.0.1:4000/, http://[::1]:5,http://localhost:9",
        )]);
        assert_eq!(
            Settings::from_vars(ok).unwrap().channel_test_hosts,
            [
                "http://127.0.0.1:4000",
                "http://[::1]:5",
                "http://localhost:9"
            ]
        );
        for bad in [
            "http://10.0.0.1:80",
            "https://oapi.dingtalk.com",
            "ftp://127.0.0.1",
        ] {
            let err = Settings::from_vars(vars(&[("COLLAB_CHANNEL_TEST_HOSTS", bad)]));
            assert!(err.is_err(), "{bad}");
        }
        assert!(
            Settings::from_vars(HashMap::new())
                .unwrap()
                .channel_test_hosts
                .is_empty()
        );
    }

    #[test]
    fn no_configuration_gives_the_laptop_defaults() {
        let s = Settings::from_vars(HashMap::new()).unwrap();
        assert_eq!(s.listen_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://data/collab-registry.db");
        assert_eq!(s.backend(), Backend::Sqlite);
        assert_eq!(s.max_json_bytes, 65536);
    }

    #[test]
    fn an_invalid_value_names_its_variable() {
        let err = Settings::from_vars(vars(&[("COLLAB_DB_POOL_SIZE", "zero")])).unwrap_err();
        assert_eq!(err.var, "COLLAB_DB_POOL_SIZE");
        assert!(err.to_string().contains("COLLAB_DB_POOL_SIZE"));
        let err = Settings::from_vars(vars(&[("DATABASE_URL", "mysql://x")])).unwrap_err();
        assert_eq!(err.var, "DATABASE_URL");
    }

    #[test]
    fn a_short_jwt_secret_is_refused_without_echoing_it() {
        let err = Settings::from_vars(vars(&[("COLLAB_JWT_SECRET", "short-secret")])).unwrap_err();
        assert_eq!(err.var, "COLLAB_JWT_SECRET");
        assert!(!err.to_string().contains("short-secret"));
    }

    #[test]
    fn postgres_urls_select_postgres_and_passwords_are_redacted() {
        let s = Settings::from_vars(vars(&[("DATABASE_URL", "postgres://u:pw@h/db")])).unwrap();
        assert_eq!(s.backend(), Backend::Postgres);
        assert_eq!(redact_url("postgres://u:pw@h/db"), "postgres://u:***@h/db");
    }

    #[test]
    fn data_dir_moves_the_default_database() {
        let s = Settings::from_vars(vars(&[("COLLAB_DATA_DIR", "/tmp/x")])).unwrap();
        assert_eq!(s.database_url, "sqlite:///tmp/x/collab-registry.db");
    }
}
