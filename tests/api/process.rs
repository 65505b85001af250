//! The real `collab-registry` binary as a child process, for tests that stop it with
//! signals. Every start gets a fresh port; stderr goes to `server.log` in the data folder
//! and its tail is printed when the server does not come up.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use collab_registry::config::Settings;
use serde_json::Value;

use crate::helpers::TEST_JWT_SECRET;

/// How to start the server: the environment it gets on every start.
pub struct Launch {
    env: Vec<(String, String)>,
    log: PathBuf,
}

/// A running server process (killed when dropped).
pub struct Server {
    child: Child,
    pub base: String,
    log: PathBuf,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Launch {
    /// The test's database and folder, mail to `smtp_url`, fast outbox timing, no
    /// throttling of registrations (the tests write faster than any person).
    pub fn new(settings: &Settings, smtp_url: &str) -> Self {
        let env = [
            ("DATABASE_URL", settings.database_url.clone()),
            ("COLLAB_DATA_DIR", settings.data_dir.display().to_string()),
            ("COLLAB_JWT_SECRET", TEST_JWT_SECRET.to_owned()),
            ("COLLAB_SMTP_URL", smtp_url.to_owned()),
            ("COLLAB_LOG", "warn".to_owned()),
            ("COLLAB_HTTP_WORKERS", "2".to_owned()),
            ("COLLAB_OUTBOX_POLL_MS", "100".to_owned()),
            ("COLLAB_OUTBOX_RETRY_BASE_MS", "200".to_owned()),
            ("COLLAB_OUTBOX_RETRY_MAX_MS", "2000".to_owned()),
            ("COLLAB_OUTBOX_MAX_ATTEMPTS", "1000".to_owned()),
            ("COLLAB_OUTBOX_LEASE_SECS", "2".to_owned()),
            ("COLLAB_LOGIN_ATTEMPTS_PER_MINUTE", "1000000".to_owned()),
        ];
        Launch {
            env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            log: settings.data_dir.join("server.log"),
        }
    }

    /// The same launch with `key` set to `value` (a later `set` of one key wins).
    pub fn set(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.into()));
        self
    }

    /// A second instance on the same database: its own data folder (index, log) `name`
    /// inside the test's folder.
    pub fn instance(self, settings: &Settings, name: &str) -> Self {
        let dir = settings.data_dir.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let mut launch = self.set("COLLAB_DATA_DIR", dir.display().to_string());
        launch.log = dir.join("server.log");
        launch
    }

    /// Start `serve` on a fresh port (does not wait for it: see [`Server::ready`]).
    pub fn start(&self) -> Server {
        self.start_command("serve")
    }

    /// Start the binary's `command` (`serve`, `worker`) on a fresh port.
    pub fn start_command(&self, command: &str) -> Server {
        let port = free_port();
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_collab-registry"))
            .arg(command)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("COLLAB_LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("COLLAB_METRICS_ADDR", "127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log: self.log.clone(),
        }
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POST `body` as JSON, with a bearer token when given: the status and the JSON answer
    /// (`null` when there is none).
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
        let mut req = reqwest::Client::new().post(self.url(path)).json(body);
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Wait until `/health/ready` answers 200.
    pub async fn ready(&mut self) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(res) = client.get(self.url("/health/ready")).send().await
                && res.status().is_success()
            {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("server exited with {status}:\n{}", self.log_tail());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server not ready after 60 s:\n{}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// SIGKILL: no shutdown code runs, as when the machine loses power.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Wait up to `limit` for the process to exit on its own.
    pub fn wait_exit(&mut self, limit: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
