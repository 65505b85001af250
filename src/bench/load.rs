//! `collab-registry bench load`: HTTP load figures against the release binary with demo
//! data at a realistic scale. For each backend it seeds a scratch database (10 000 verified
//! organizations, 100 000 published needs and capabilities, one published event), starts
//! this binary's `serve` pinned to core 0, and drives six scenarios with `wrk` pinned to
//! core 1 (`apt install wrk`): directory listing, listing detail, match (a need's matches:
//! its stored vector), free-text match (`POST /api/v1/match` with a paragraph-length need,
//! encoded per request), login and registration for the event. Each scenario gets a warm-up run that is not counted.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::events::migrated;
use super::load_seed::{prebuild_index, seed};
use super::measure::{cpu_secs, cpu_ticks, load_average};
use super::wrk::{SCRIPT, wrk};
use crate::auth::tokens::Keys;
use crate::db::scratch::ScratchPostgres;

const SECRET: &str = "load-benchmark-secret-load-benchmark-secret";
/// The password of every seeded member.
pub(super) const PASSWORD: &str = "correct horse battery staple";

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub organizations: usize,
    pub listings: usize,
    pub duration_secs: u64,
    pub connections: usize,
    pub postgres_url: Option<String>,
    pub wrk: String,
    /// Listings repeat this many distinct texts, and the search index is built before the
    /// server starts, each distinct text encoded once on all cores (0: every listing its
    /// own text; the server builds the index at start, encoding every listing on core 0).
    pub distinct_texts: usize,
}

/// One scenario's figures.
#[derive(Debug)]
pub struct Figures {
    pub backend: &'static str,
    pub scenario: &'static str,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    pub non_2xx: u64,
    /// Connection errors and timeouts wrk counted.
    pub socket_errors: u64,
    /// CPU seconds the server used during the measured run (0 when unknown): requests per
    /// CPU second is what one otherwise idle core would serve.
    pub server_cpu_secs: f64,
}

pub fn run(opts: &Options) -> anyhow::Result<Vec<Figures>> {
    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("load.db").display());
    let mut out = measure("SQLite", &sqlite, &dir.path().join("sqlite"), opts)?;
    if let Some(url) = &opts.postgres_url {
        let scratch = ScratchPostgres::create(url, "collab_bench_load")?;
        out.extend(measure(
            "PostgreSQL",
            &scratch.url,
            &dir.path().join("postgres"),
            opts,
        )?);
    }
    println!(
        "\n| backend | scenario | requests/s | p50 ms | p99 ms | requests | non-2xx | requests per server CPU second |\n|---|---|---:|---:|---:|---:|---:|---:|"
    );
    for f in &out {
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {} | {} | {:.0} |",
            f.backend,
            f.scenario,
            f.requests_per_sec,
            f.p50_ms,
            f.p99_ms,
            f.requests,
            f.non_2xx,
            f.requests as f64 / f.server_cpu_secs.max(1e-9)
        );
    }
    Ok(out)
}

fn measure(
    backend: &'static str,
    url: &str,
    dir: &Path,
    opts: &Options,
) -> anyhow::Result<Vec<Figures>> {
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let (mut settings, db) = migrated(url, dir)?;
    let mut conn = db.pool().get()?;
    let data = seed(&mut conn, opts)?;
    println!(
        "{backend}: seeded {} organizations and {} listings in {:.0} s",
        opts.organizations,
        opts.listings,
        started.elapsed().as_secs_f64()
    );
    if opts.distinct_texts > 0 {
        let t = Instant::now();
        let (n, encoded) = prebuild_index(&mut conn, &dir.join("index"), settings.semantic)?;
        println!(
            "{backend}: search index built before the start: {n} listings, {encoded} distinct texts encoded, {:.0} s",
            t.elapsed().as_secs_f64()
        );
    }
    drop(conn);
    drop(db);

    settings.auth.access_ttl = Duration::from_secs(4 * 3600);
    let keys = Keys::new(&SecretString::from(SECRET.to_owned()), &settings.auth)?;
    let registrations: Vec<String> = data
        .members
        .iter()
        .map(|(org, user)| {
            Ok(format!(
                "POST\t/api/v1/events/{}/registrations\t{}\t{{\"organization_id\":\"{org}\",\"attendees\":[{{\"name\":\"参会人{{n}}\",\"email\":\"attendee{{n}}@load.example.com\"}}]}}",
                data.event,
                keys.issue(user, 0)?
            ))
        })
        .collect::<anyhow::Result<_>>()?;

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut server = Server::start(&settings, dir, port)?;
    let ready = Instant::now();
    server.wait_ready(port)?;
    println!(
        "{backend}: server ready in {:.1} s (search index built from the database)",
        ready.elapsed().as_secs_f64()
    );
    let settled = Instant::now();
    server.wait_idle()?;
    println!(
        "{backend}: server idle {:.0} s later (the index's background merges are done)",
        settled.elapsed().as_secs_f64()
    );

    let scenarios: [(&'static str, Vec<String>); 6] = [
        ("directory listing", data.directory),
        ("listing detail", data.details),
        ("match", data.matches),
        ("free-text match", data.text_matches),
        ("login", data.logins),
        ("event registration", registrations),
    ];
    let mut out = Vec::new();
    for (scenario, lines) in scenarios {
        let file = dir.join(format!("{}.tsv", scenario.replace(' ', "-")));
        std::fs::write(&file, lines.join("\n") + "\n")?;
        let script = dir.join("lines.lua");
        std::fs::write(&script, SCRIPT)?;
        let base = format!("http://127.0.0.1:{port}");
        wrk(opts, &script, &file, &base, 3, "warm")?;
        let cpu_before = cpu_secs(server.child.id());
        let mut f = wrk(opts, &script, &file, &base, opts.duration_secs, "run")?;
        if let (Some(a), Some(b)) = (cpu_before, cpu_secs(server.child.id())) {
            f.server_cpu_secs = b - a;
        }
        println!(
            "{backend}: {scenario}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms ({} requests, {} not 2xx, {} socket errors); server CPU {:.1} s = {:.0} requests per CPU second; load average {}",
            f.requests_per_sec,
            f.p50_ms,
            f.p99_ms,
            f.requests,
            f.non_2xx,
            f.socket_errors,
            f.server_cpu_secs,
            f.requests as f64 / f.server_cpu_secs.max(1e-9),
            load_average()
        );
        if (f.non_2xx + f.socket_errors) * 100 > f.requests {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            anyhow::bail!(
                "{scenario}: {} of {} answers were not 2xx and {} requests failed; the server's log ends:\n{}",
                f.non_2xx,
                f.requests,
                f.socket_errors,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        out.push(Figures {
            backend,
            scenario,
            ..f
        });
    }
    server.stop();
    Ok(out)
}

/// `taskset -c N` in front of a command when this machine has two cores or more.
pub(super) fn pinned(core: usize, program: &str) -> Command {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let taskset = Path::new("/usr/bin/taskset");
    if cores >= 2 && taskset.exists() {
        let mut c = Command::new(taskset);
        c.args(["-c", &core.to_string(), program]);
        c
    } else {
        Command::new(program)
    }
}

struct Server {
    child: Child,
}

impl Server {
    fn start(settings: &crate::config::Settings, dir: &Path, port: u16) -> anyhow::Result<Self> {
        let exe = std::env::current_exe()?;
        let log = std::fs::File::create(dir.join("server.log"))?;
        let child = pinned(0, &exe.display().to_string())
            .arg("serve")
            .env("DATABASE_URL", &settings.database_url)
            .env("COLLAB_DATA_DIR", dir)
            .env("COLLAB_LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .env("COLLAB_METRICS_ADDR", "127.0.0.1:0")
            .env("COLLAB_JWT_SECRET", SECRET)
            .env("COLLAB_LOG", "warn")
            // Measuring login means measuring argon2, not the throttle.
            .env("COLLAB_LOGIN_ATTEMPTS_PER_MINUTE", "100000000")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?;
        Ok(Server { child })
    }

    fn wait_ready(&mut self, port: u16) -> anyhow::Result<()> {
        // The index is built from the database at start, encoding every listing on one core.
        let deadline = Instant::now() + Duration::from_secs(3600);
        loop {
            if http_status(port, "/health/ready") == Some(200) {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("the server exited with {status}");
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
    fn wait_idle(&mut self) -> anyhow::Result<()> {
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

    fn stop(&mut self) {
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
