//! The server processes `bench load` measures: this binary's `serve`, pinned to a core,
//! on the scratch database, with its own data folder (and so its own search index).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::load::SECRET;
use super::measure::cpu_ticks;

/// `taskset -c N` in front of a command when this machine has that core.
pub(super) fn pinned(core: usize, program: &str) -> Command {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let taskset = Path::new("/usr/bin/taskset");
    if cores >= 2 && core < cores && taskset.exists() {
        let mut c = Command::new(taskset);
        c.args(["-c", &core.to_string(), program]);
        c
    } else {
        Command::new(program)
    }
}

pub(super) struct Server {
    pub child: Child,
    pub port: u16,
    log: std::path::PathBuf,
}

impl Server {
    /// Start `serve` on a free port, pinned to `core`, with `dir` as its data folder.
    /// `workers`: whether this instance runs the background jobs (outbox, schedulers).
    pub fn start(
        settings: &crate::config::Settings,
        dir: &Path,
        core: usize,
        workers: bool,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let exe = std::env::current_exe()?;
        std::fs::create_dir_all(dir)?;
        let log = dir.join("server.log");
        let child = pinned(core, &exe.display().to_string())
            .arg("serve")
            .env("DATABASE_URL", &settings.database_url)
            .env("COLLAB_DATA_DIR", dir)
            .env("COLLAB_LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("COLLAB_METRICS_ADDR", "127.0.0.1:0")
            .env("COLLAB_JWT_SECRET", SECRET)
            .env("COLLAB_LOG", "warn")
            .env("COLLAB_RUN_WORKERS", workers.to_string())
            // Measuring login means measuring argon2, not the throttle.
            .env("COLLAB_LOGIN_ATTEMPTS_PER_MINUTE", "100000000")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        Ok(Server { child, port, log })
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self, lines: usize) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(lines).collect();
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    pub fn wait_ready(&mut self) -> anyhow::Result<()> {
        // The index is built from the database at start, encoding every listing on one core.
        let deadline = Instant::now() + Duration::from_secs(3600);
        loop {
            if http_status(self.port, "/health/ready") == Some(200) {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("the server exited with {status}:\n{}", self.log_tail(20));
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "the server was not ready in time"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Wait until the process uses less than 5% of a core over two seconds (`taskset`
    /// execs the server, so the child's pid is the server's).
    pub fn wait_idle(&mut self) -> anyhow::Result<()> {
        let pid = self.child.id().to_string();
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut last = cpu_ticks(&pid);
        while let Some(before) = last {
            std::thread::sleep(Duration::from_secs(2));
            let now = cpu_ticks(&pid);
            // Clock ticks are 1/100 s: 10 ticks in 2 s is 5% of a core.
            if now.is_some_and(|n| n.saturating_sub(before) < 10) {
                return Ok(());
            }
            anyhow::ensure!(Instant::now() < deadline, "the server never went idle");
            last = now;
        }
        Ok(())
    }

    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copy a search index folder (an idle instance's) for a second instance, without the
/// writer's lock file: the copy is then that instance's own index, caught up from the
/// database's change log like any index at start.
pub(super) fn copy_index(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".lock") {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_index(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}
