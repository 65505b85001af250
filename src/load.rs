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

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use secrecy::SecretString;

use crate::auth::tokens::Keys;
use crate::db::schema::{memberships, organizations};
use crate::db::scratch::ScratchPostgres;
use crate::db::types::{new_id, now};
use crate::db::{DbConnection, write_tx};
use crate::events::bench::{draft_event, migrated, seed_organizations};
use crate::matching::bench::{paragraph, synthetic, vocabulary};
use crate::matching::engine::vectors::Code;
use crate::matching::engine::{Doc, Engine, Side, semantic};

const SECRET: &str = "load-benchmark-secret-load-benchmark-secret";
const PASSWORD: &str = "correct horse battery staple";
/// The same line-driven script for every scenario: each data line is
/// `METHOD<TAB>PATH<TAB>TOKEN or -<TAB>BODY or -`; `{n}` in a body becomes the run's tag
/// and a request counter, so every run writes new attendees.
const SCRIPT: &str = r#"
local lines, i, n, tag = {}, 0, 0, ""
function init(args)
  tag = args[2]
  for l in io.lines(args[1]) do
    local m, p, t, b = l:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    lines[#lines + 1] = {m, p, t, b}
  end
end
function request()
  i = i % #lines + 1
  n = n + 1
  local r = lines[i]
  local headers = {}
  local body = nil
  if r[3] ~= "-" then headers["Authorization"] = "Bearer " .. r[3] end
  if r[4] ~= "-" then
    headers["Content-Type"] = "application/json"
    body = (r[4]:gsub("{n}", tag .. n))
  end
  return wrk.format(r[1], r[2], headers, body)
end
"#;

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

/// User + system CPU seconds of process `pid` (`/proc/PID/stat`, clock ticks of 10 ms).
fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
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
            crate::matching::bench::load_average()
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

/// The request lines for the read scenarios, and who registers for `event`.
struct LoadData {
    directory: Vec<String>,
    details: Vec<String>,
    matches: Vec<String>,
    /// `POST /api/v1/match` with a paragraph-length need (encoded per request).
    text_matches: Vec<String>,
    logins: Vec<String>,
    /// (organization, member) pairs.
    members: Vec<(String, String)>,
    event: String,
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Organizations (30% of them universities and institutes), one member each with a real
/// password hash, listings spread over them, and a published event inviting them all.
fn seed(conn: &mut DbConnection, opts: &Options) -> anyhow::Result<LoadData> {
    seed_organizations(conn, opts.organizations, 1)?;
    let hash = crate::auth::password::hash(PASSWORD)?;
    let members: Vec<(String, String)> = memberships::table
        .select((memberships::organization_id, memberships::user_id))
        .order(memberships::organization_id)
        .load(conn)?;
    let org_ids: Vec<String> = members.iter().map(|(o, _)| o.clone()).collect();
    let institutes = &org_ids[..org_ids.len() * 3 / 10];
    let enterprises = &org_ids[org_ids.len() * 3 / 10..];
    let (mut needs, mut capabilities) = (Vec::new(), Vec::new());
    let v = vocabulary();
    let mut rng = StdRng::seed_from_u64(11);
    let pool: Vec<Doc> = (0..opts.distinct_texts.min(opts.listings))
        .map(|i| synthetic(&mut rng, &v, i))
        .collect();
    let t = now().format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    write_tx(conn, |conn| -> anyhow::Result<()> {
        conn.batch_execute(&format!(
            "UPDATE users SET password_hash = {} WHERE email LIKE '%@bench.example.com'",
            quoted(&hash)
        ))?;
        for chunk in institutes.chunks(500) {
            diesel::update(organizations::table.filter(organizations::id.eq_any(chunk)))
                .set(organizations::kind.eq("university"))
                .execute(conn)?;
        }
        for start in (0..opts.listings).step_by(500) {
            let (mut rows, mut fields, mut keywords, mut modes) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for i in start..(start + 500).min(opts.listings) {
                let d = match pool.get(i % pool.len().max(1)) {
                    Some(d) => d.clone(),
                    None => synthetic(&mut rng, &v, i),
                };
                let id = new_id();
                let (side, owners, ids) = match d.side {
                    Side::Need => ("need", enterprises, &mut needs),
                    Side::Capability => ("capability", institutes, &mut capabilities),
                };
                let Some(org) = owners.choose(&mut rng) else {
                    anyhow::bail!("no organizations to own listings");
                };
                let zh = d
                    .title
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                let language = if zh { "zh" } else { "en" };
                rows.push(format!(
                    "({}, '{side}', '{org}', {}, {}, {}, 'zouping', '{language}', 'published', '{t}', '{t}', '{t}')",
                    quoted(&id),
                    quoted(&d.title),
                    quoted(&d.description),
                    d.trl.unwrap_or(5)
                ));
                for f in &d.field_codes {
                    fields.push(format!("({}, {})", quoted(&id), quoted(f)));
                }
                let mut seen = std::collections::BTreeSet::new();
                for k in d.keywords.iter().filter(|k| seen.insert(k.as_str())) {
                    keywords.push(format!("({}, {})", quoted(&id), quoted(k)));
                }
                modes.push(format!("({}, 'joint_rnd')", quoted(&id)));
                ids.push(id);
            }
            conn.batch_execute(&format!(
                "INSERT INTO listings (id, side, organization_id, title, description, trl, region_code, language, status, published_at, created_at, updated_at) VALUES {};
                 INSERT INTO listing_fields (listing_id, field_code) VALUES {};
                 INSERT INTO listing_keywords (listing_id, keyword) VALUES {};
                 INSERT INTO listing_modes (listing_id, mode) VALUES {};",
                rows.join(","),
                fields.join(","),
                keywords.join(","),
                modes.join(",")
            ))?;
        }
        Ok(())
    })?;

    let mut event = draft_event(500);
    event.status = "published".to_owned();
    event.published_at = Some(now());
    crate::events::model::insert(conn, &event)?;
    crate::events::model::invite(conn, &event.id, &org_ids, now())?;

    let get = |path: String| format!("GET\t{path}\t-\t-");
    let sample = |ids: &[String], n: usize, rng: &mut StdRng| -> Vec<String> {
        (0..n).filter_map(|_| ids.choose(rng).cloned()).collect()
    };
    let directory = [
        "/api/v1/organizations?limit=20",
        "/api/v1/organizations?kind=enterprise&limit=20",
        "/api/v1/organizations?region=zouping&limit=20",
        "/api/v1/organizations?kind=university&region=binzhou&limit=20",
    ]
    .into_iter()
    .map(|p| get(p.to_owned()))
    .collect();
    let mut details: Vec<String> = sample(&needs, 1000, &mut rng)
        .into_iter()
        .map(|id| get(format!("/api/v1/needs/{id}")))
        .chain(
            sample(&capabilities, 1000, &mut rng)
                .into_iter()
                .map(|id| get(format!("/api/v1/capabilities/{id}"))),
        )
        .collect();
    details.shuffle(&mut rng);
    let matches = sample(&needs, 2000, &mut rng)
        .into_iter()
        .map(|id| get(format!("/api/v1/needs/{id}/matches")))
        .collect();
    let text_matches = (0..1000)
        .map(|i| {
            let body = serde_json::json!({
                "text": paragraph(&mut rng, &v, i % 2 == 0),
                "side": "capabilities",
            });
            format!("POST\t/api/v1/match\t-\t{body}")
        })
        .collect();
    let logins = (0..opts.organizations.min(1000))
        .map(|i| {
            format!(
                "POST\t/api/v1/auth/login\t-\t{{\"email\":\"member{i}-0@bench.example.com\",\"password\":\"{PASSWORD}\"}}"
            )
        })
        .collect();
    Ok(LoadData {
        directory,
        details,
        matches,
        text_matches,
        logins,
        members,
        event: event.id,
    })
}

/// The server's search index, built as `sync::rebuild` does it but with each distinct text
/// encoded once (on all cores) and its vector reused: (listings, texts encoded).
fn prebuild_index(
    conn: &mut DbConnection,
    dir: &Path,
    semantic_on: bool,
) -> anyhow::Result<(usize, usize)> {
    use crate::listings::model::{last_change, matchable_page};
    std::fs::create_dir_all(dir)?;
    let (engine, _) = Engine::open_with(dir, semantic_on)?;
    let position = last_change(conn)?;
    engine.clear()?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut memo: std::collections::HashMap<String, Option<Code>> =
        std::collections::HashMap::new();
    let (mut after, mut count) = (String::new(), 0);
    loop {
        let page = matchable_page(conn, &after, 500)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.id.clone();
        let docs: Vec<Doc> = page
            .iter()
            .map(|(l, lists)| crate::matching::sync::doc_of(l, lists))
            .collect();
        let key = |d: &Doc| semantic::listing_text(&d.title, &d.keywords, &d.description);
        let mut fresh: Vec<&Doc> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for d in &docs {
            let k = key(d);
            if !memo.contains_key(&k) && seen.insert(k) {
                fresh.push(d);
            }
        }
        let chunk = fresh.len().div_ceil(threads).max(1);
        let engine_ref = &engine;
        let encoded: Vec<(String, Option<Code>)> = std::thread::scope(|s| {
            let handles: Vec<_> = fresh
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|d| Ok((key(d), engine_ref.encode(d)?)))
                            .collect::<anyhow::Result<Vec<_>>>()
                    })
                })
                .collect();
            let mut all = Vec::new();
            for h in handles {
                all.extend(
                    h.join()
                        .map_err(|_| anyhow::anyhow!("an encoding thread panicked"))??,
                );
            }
            Ok::<_, anyhow::Error>(all)
        })?;
        memo.extend(encoded);
        for d in &docs {
            let code = memo.get(&key(d)).cloned().flatten();
            engine.upsert_with_vector(d, code)?;
        }
        count += docs.len();
    }
    engine.commit(i64::from(position))?;
    Ok((count, memo.len()))
}

/// `taskset -c N` in front of a command when this machine has two cores or more.
fn pinned(core: usize, program: &str) -> Command {
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
        let cpu_ticks = |pid: u32| -> Option<u64> {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let after_name = &stat[stat.rfind(')')? + 2..];
            let fields: Vec<&str> = after_name.split_whitespace().collect();
            // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        };
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut last = cpu_ticks(self.child.id());
        while let Some(before) = last {
            std::thread::sleep(Duration::from_secs(2));
            let now = cpu_ticks(self.child.id());
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

fn wrk(
    opts: &Options,
    script: &Path,
    data: &Path,
    base: &str,
    secs: u64,
    tag: &str,
) -> anyhow::Result<Figures> {
    let output = pinned(1, &opts.wrk)
        .args([
            "-t1",
            &format!("-c{}", opts.connections),
            &format!("-d{secs}s"),
            "--latency",
            "-s",
        ])
        .arg(script)
        .arg(base)
        .arg("--")
        .arg(data)
        .arg(tag)
        .output()
        .map_err(|e| anyhow::anyhow!("cannot run {} (apt install wrk): {e}", opts.wrk))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    anyhow::ensure!(output.status.success(), "wrk failed: {text}");
    parse_wrk(&text).ok_or_else(|| anyhow::anyhow!("unexpected wrk output:\n{text}"))
}

/// Milliseconds from wrk's `1.23ms`, `456.00us` or `1.02s`.
fn duration_ms(s: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = s.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (s.strip_suffix('s')?, 1000.0)
    };
    Some(number.parse::<f64>().ok()? * factor)
}

fn parse_wrk(text: &str) -> Option<Figures> {
    let mut f = Figures {
        backend: "",
        scenario: "",
        requests_per_sec: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        requests: 0,
        non_2xx: 0,
        socket_errors: 0,
        server_cpu_secs: 0.0,
    };
    let mut seen = 0;
    for line in text.lines().map(str::trim) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["50%", v] => (f.p50_ms, seen) = (duration_ms(v)?, seen + 1),
            ["99%", v] => (f.p99_ms, seen) = (duration_ms(v)?, seen + 1),
            ["Requests/sec:", v] => (f.requests_per_sec, seen) = (v.parse().ok()?, seen + 1),
            [n, "requests", "in", ..] => (f.requests, seen) = (n.parse().ok()?, seen + 1),
            ["Non-2xx", "or", "3xx", "responses:", n] => f.non_2xx = n.parse().ok()?,
            ["Socket", "errors:", rest @ ..] => {
                f.socket_errors = rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum()
            }
            _ => {}
        }
    }
    (seen == 4).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let out = "Running 15s test @ http://127.0.0.1:1\n  1 threads and 16 connections\n  Thread Stats   Avg      Stdev     Max   +/- Stdev\n    Latency     2.10ms  500.00us  20.00ms   90.00%\n  Latency Distribution\n     50%  850.00us\n     75%    2.00ms\n     90%    3.00ms\n     99%    1.20s\n  30000 requests in 15.00s, 10.00MB read\n  Socket errors: connect 0, read 1, write 0, timeout 2\n  Non-2xx or 3xx responses: 12\nRequests/sec:   2000.50\nTransfer/sec:    682.67KB\n";
        let f = parse_wrk(out).unwrap();
        assert_eq!(f.p50_ms, 0.85);
        assert_eq!(f.p99_ms, 1200.0);
        assert_eq!(f.requests, 30000);
        assert_eq!((f.non_2xx, f.socket_errors), (12, 3));
        assert_eq!(f.requests_per_sec, 2000.5);
        assert!(parse_wrk("wrk: connection refused").is_none());
    }
}
