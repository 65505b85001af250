//! `collab-registry bench load`: HTTP load figures against the release binary with demo
//! data at a realistic scale. For each backend it seeds a scratch database (10 000 verified
//! organizations, 100 000 published needs and capabilities, one published event), starts
//! this binary's `serve` pinned to core 0, and drives six scenarios with `wrk` pinned to
//! core 1 (`apt install wrk`): directory listing, listing detail, match (a need's matches:
//! its stored vector), free-text match (`POST /api/v1/match` with a paragraph-length need,
//! encoded per request), login and registration for the event. Each scenario gets a warm-up run that is not counted.
//!
//! `--instances 2` starts, on PostgreSQL, a second instance on the same database (its own
//! data folder and index, no background jobs; SQLite serves one instance) and runs each scenario three times in a row: against the
//! first instance direct, through the round-robin proxy (`proxy`) to the first instance
//! only (the proxy's own cost), and through the proxy to both (`load_report` prints the
//! ratio).

use std::path::Path;
use std::time::{Duration, Instant};

use secrecy::SecretString;

use super::events::migrated;
use super::load_report::print_tables;
use super::load_seed::{prebuild_index, seed};
use super::load_server::{Server, copy_index};
use super::measure::{cpu_secs, load_average};
use super::proxy::Proxy;
use super::wrk::{SCRIPT, check_wrk, wrk};
use crate::auth::tokens::Keys;
use crate::db::ids::UserId;
use crate::db::scratch::ScratchPostgres;

pub(super) const SECRET: &str = "load-benchmark-secret-load-benchmark-secret";
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
    /// 1, or 2: also measure two instances behind the round-robin proxy (and one behind it).
    pub instances: usize,
    /// The core the second instance is pinned to (0: the first one's, so that one and two
    /// instances get the same CPU).
    pub second_core: usize,
}

/// One scenario's figures.
#[derive(Debug)]
pub struct Figures {
    pub backend: &'static str,
    pub scenario: &'static str,
    /// Which servers, and how wrk reached them (`ONE`, `ONE_PROXIED`, `TWO_PROXIED`).
    pub setup: &'static str,
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
    anyhow::ensure!((1..=2).contains(&opts.instances), "--instances is 1 or 2");
    // Before minutes of seeding: is wrk there at all?
    check_wrk(&opts.wrk)?;
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
    println!("\nload average at the end: {}", load_average());
    print_tables(&out);
    Ok(out)
}

/// The servers one backend's scenarios run against, and the base URL of each setup.
struct Setups {
    servers: Vec<Server>,
    proxies: Vec<Proxy>,
    /// (setup, base URL, how many of `servers` it reaches).
    list: Vec<(&'static str, String, usize)>,
}

fn start_servers(
    backend: &str,
    settings: &crate::config::Settings,
    dir: &Path,
    opts: &Options,
) -> anyhow::Result<Setups> {
    let mut a = Server::start(settings, dir, 0, true)?;
    let ready = Instant::now();
    a.wait_ready()?;
    println!(
        "{backend}: server ready in {:.1} s (search index built from the database)",
        ready.elapsed().as_secs_f64()
    );
    let settled = Instant::now();
    a.wait_idle()?;
    println!(
        "{backend}: server idle {:.0} s later (the index's background merges are done)",
        settled.elapsed().as_secs_f64()
    );
    let direct = format!("http://127.0.0.1:{}", a.port);
    // Several instances share a database only on PostgreSQL (docs/operations.md): two
    // processes on one SQLite file take turns at its one write lock through SQLite's busy
    // handler, which is not a deployment to measure.
    let sqlite = settings.backend() == crate::config::Backend::Sqlite;
    if opts.instances == 2 && sqlite {
        println!("{backend}: one instance only (several instances need PostgreSQL)");
    }
    if opts.instances == 1 || sqlite {
        return Ok(Setups {
            servers: vec![a],
            proxies: vec![],
            list: vec![(ONE, direct, 1)],
        });
    }
    // The second instance: its own data folder with a copy of the first one's index
    // (the copy catches up from the change log like any index), no background jobs.
    let dir_b = dir.with_file_name(format!(
        "{}-b",
        dir.file_name().unwrap_or_default().to_string_lossy()
    ));
    copy_index(&dir.join("index"), &dir_b.join("index"))?;
    let mut b = Server::start(settings, &dir_b, opts.second_core, false)?;
    b.wait_ready()?;
    b.wait_idle()?;
    println!(
        "{backend}: second instance ready on core {} (no background jobs)",
        opts.second_core
    );
    // Both proxies on the load generator's core, beside wrk.
    let one = Proxy::start(vec![a.addr()], Some(1))?;
    let two = Proxy::start(vec![a.addr(), b.addr()], Some(1))?;
    let list = vec![
        (ONE, direct, 1),
        (ONE_PROXIED, format!("http://{}", one.addr), 1),
        (TWO_PROXIED, format!("http://{}", two.addr), 2),
    ];
    Ok(Setups {
        servers: vec![a, b],
        proxies: vec![one, two],
        list,
    })
}

pub(super) const ONE: &str = "one instance";
pub(super) const ONE_PROXIED: &str = "one instance via the proxy";
pub(super) const TWO_PROXIED: &str = "two instances via the proxy";

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
                keys.issue(&UserId::from(user.as_str()), 0)?
            ))
        })
        .collect::<anyhow::Result<_>>()?;

    let mut setups = start_servers(backend, &settings, dir, opts)?;
    let scenarios: [(&'static str, Vec<String>); 6] = [
        ("directory listing", data.directory),
        ("listing detail", data.details),
        ("match", data.matches),
        ("free-text match", data.text_matches),
        ("login", data.logins),
        ("event registration", registrations),
    ];
    let script = dir.join("lines.lua");
    std::fs::write(&script, SCRIPT)?;
    let mut out = Vec::new();
    for (scenario, lines) in scenarios {
        let file = dir.join(format!("{}.tsv", scenario.replace(' ', "-")));
        std::fs::write(&file, lines.join("\n") + "\n")?;
        // The setups one after the other on the same data, scenario by scenario.
        // Each run tags its new attendees with its own name: the same attendee twice for
        // one organization would be refused.
        for (i, (setup, base, reached)) in setups.list.iter().enumerate() {
            let servers = &setups.servers[..*reached];
            wrk(opts, &script, &file, base, 3, &format!("warm{i}-"))?;
            let cpu_before = servers_cpu(servers);
            let mut f = wrk(
                opts,
                &script,
                &file,
                base,
                opts.duration_secs,
                &format!("run{i}-"),
            )?;
            if let (Some(a), Some(b)) = (cpu_before, servers_cpu(servers)) {
                f.server_cpu_secs = b - a;
            }
            println!(
                "{backend}: {scenario}, {setup}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms ({} requests, {} not 2xx, {} socket errors); server CPU {:.1} s = {:.0} requests per CPU second; load average {}",
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
            // Every answer 2xx, every request answered.
            if f.non_2xx + f.socket_errors > 0 {
                let logs: Vec<String> = servers.iter().map(|s| s.log_tail(20)).collect();
                anyhow::bail!(
                    "{scenario}, {setup}: {} of {} answers were not 2xx and {} requests failed; the servers' logs end:\n{}",
                    f.non_2xx,
                    f.requests,
                    f.socket_errors,
                    logs.join("\n--\n")
                );
            }
            out.push(Figures {
                backend,
                scenario,
                setup,
                ..f
            });
        }
    }
    for p in &setups.proxies {
        println!(
            "{backend}: proxy connections per instance: {:?}",
            p.accepted()
        );
    }
    for s in &mut setups.servers {
        s.stop();
    }
    Ok(out)
}

/// The CPU seconds the servers used so far, together.
fn servers_cpu(servers: &[Server]) -> Option<f64> {
    servers.iter().map(|s| cpu_secs(s.child.id())).sum()
}
