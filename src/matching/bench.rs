//! `collab-registry bench match`: a synthetic bilingual corpus ([`corpus`]), indexed and
//! queried the way the service does it: encoding alone (one thread), the full rebuild
//! (bulk indexing, encoding included), matches with the query's encoding included, the
//! nearest-vector step and its recall, freshness, memory and a reopen; optionally
//! PostgreSQL full-text search (`ts_rank` over jieba-segmented text in a `tsvector`
//! column) on the same corpus for comparison.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::engine::vectors::Code;

use super::engine::{Doc, Engine, FieldTree, Query, Side, semantic};

mod corpus;

pub(crate) use corpus::{Vocabulary, paragraph, query, synthetic, vocabulary};

const FIELDS: &str = include_str!("../../seed/fields.csv");

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    pub listings: usize,
    pub queries: usize,
    /// Queries timed on PostgreSQL (each is much slower there).
    pub postgres_queries: usize,
    /// Also measure PostgreSQL full-text search on this server (a scratch database is
    /// created and dropped).
    pub postgres_url: Option<String>,
    pub seed: u64,
    /// Distinct texts of the corpus, each encoded once (0: every listing its own text).
    pub distinct_texts: usize,
}

/// Latency percentiles in milliseconds.
#[derive(Debug)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
}

fn percentiles(mut samples: Vec<Duration>) -> Latency {
    samples.sort();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(i)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    Latency {
        p50: at(0.5),
        p99: at(0.99),
    }
}

fn resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn peak_resident_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// CPU time of the calling thread (`/proc/thread-self/schedstat`: nanoseconds on a core).
/// On a machine shared with other work, wall time includes waiting for a core; CPU time
/// is what the work costs one core.
pub(crate) fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

/// CPU time of the whole process so far, every thread (also those that ended) counted
/// (`/proc/self/stat`, user + system, in clock ticks of 10 ms).
pub(crate) fn process_cpu() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| {
            let after_name = &stat[stat.rfind(')')? + 2..];
            let fields: Vec<&str> = after_name.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        });
    Duration::from_millis(ticks.unwrap_or(0) * 10)
}

/// `/proc/loadavg`'s first three figures.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_owned())
}

fn mean(samples: &[Duration]) -> f64 {
    samples.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0 / samples.len().max(1) as f64
}

/// Hit rate of the encoder's per-piece cache since `before`.
fn hit_rate(before: (u64, u64)) -> f64 {
    let Ok(enc) = semantic::encoder() else {
        return 0.0;
    };
    let (h, m) = enc.cache_stats();
    let (h, m) = (h - before.0, m - before.1);
    100.0 * h as f64 / (h + m).max(1) as f64
}

fn cache_now() -> (u64, u64) {
    semantic::encoder().map_or((0, 0), |e| e.cache_stats())
}

fn field_tree() -> FieldTree {
    FieldTree::new(
        &FIELDS
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut parts = l.split(',');
                let code = parts.next()?.to_owned();
                let parent = parts.next().filter(|p| !p.is_empty()).map(str::to_owned);
                Some((code, parent))
            })
            .collect::<Vec<_>>(),
    )
}

/// Run the benchmark and print a report.
pub fn run(opts: &Options) -> anyhow::Result<()> {
    let v = vocabulary();
    let tree = field_tree();
    let dir = tempfile::tempdir()?;
    let (engine, _) = Engine::open(dir.path())?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rng = StdRng::seed_from_u64(opts.seed);
    println!(
        "corpus: {} synthetic bilingual listings (seed {}); {threads} cores, load average {} at the start",
        opts.listings,
        opts.seed,
        load_average()
    );
    let [zh, en] = v.sizes();
    println!(
        "corpus material: zh {} titles, {} sentences, {} tail pieces; en {} titles, {} sentences, {} tail words",
        zh.0, zh.1, zh.2, en.0, en.1, en.2
    );
    let mut summary: Vec<(String, String)> = Vec::new();

    // Encoding alone, one thread, before anything is indexed (the per-piece cache starts
    // empty): listings as indexing encodes them.
    if engine.semantic {
        let enc = semantic::encoder()?;
        let mut sample_rng = StdRng::seed_from_u64(opts.seed ^ 0x5eed);
        let docs: Vec<Doc> = (0..2000)
            .map(|i| synthetic(&mut sample_rng, &v, i))
            .collect();
        let texts: Vec<String> = docs
            .iter()
            .map(|d| semantic::listing_text(&d.title, &d.keywords, &d.description))
            .collect();
        let mut distinct = std::collections::HashSet::new();
        let mut pieces = 0;
        for t in &texts {
            let ids = enc.ids(t, semantic::MAX_TOKENS);
            pieces += ids.len();
            distinct.extend(ids);
        }
        let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
        let before = cache_now();
        let started = Instant::now();
        let cpu = thread_cpu();
        for t in &texts {
            semantic::embed(t)?;
        }
        let took = started.elapsed().as_secs_f64();
        let cpu = (thread_cpu() - cpu).as_secs_f64();
        let n = texts.len() as f64;
        println!(
            "encoding listings (one thread, empty cache at the start): {} listings, {:.0} characters and {:.0} pieces on average, {} distinct pieces; CPU {:.2} ms each = {:.0} listings/s per core (wall {:.2} ms); piece cache hit rate {:.0} %",
            texts.len(),
            chars as f64 / n,
            pieces as f64 / n,
            distinct.len(),
            cpu * 1000.0 / n,
            n / cpu,
            took * 1000.0 / n,
            hit_rate(before)
        );
        summary.push((
            "encoding a listing, one thread (CPU / wall)".into(),
            format!(
                "{:.2} ms = {:.0} listings/s per core / {:.2} ms",
                cpu * 1000.0 / n,
                n / cpu,
                took * 1000.0 / n
            ),
        ));
    }

    if opts.distinct_texts > 0 && opts.distinct_texts < opts.listings {
        // A corpus of repeated texts: each encoded once, on all cores, then every listing
        // indexed with its text's vector.
        let pool: Vec<Doc> = (0..opts.distinct_texts)
            .map(|i| synthetic(&mut rng, &v, i))
            .collect();
        let before = cache_now();
        let started = Instant::now();
        let cpu = process_cpu();
        let chunk = pool.len().div_ceil(threads).max(1);
        let codes: Vec<Option<Code>> = std::thread::scope(|s| {
            let handles: Vec<_> = pool
                .chunks(chunk)
                .map(|part| {
                    let engine = &engine;
                    s.spawn(move || {
                        part.iter()
                            .map(|d| engine.encode(d))
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
        let encoding = started.elapsed().as_secs_f64();
        let enc_cpu = (process_cpu() - cpu).as_secs_f64();
        let enc_rate = pool.len() as f64 / encoding;
        println!(
            "encoding the {} distinct texts on {threads} threads: {encoding:.1} s = {enc_rate:.0} listings/s; CPU {enc_cpu:.1} s = {:.0} listings/s per core; piece cache hit rate {:.0} %",
            pool.len(),
            pool.len() as f64 / enc_cpu,
            hit_rate(before)
        );
        let started = Instant::now();
        let cpu = process_cpu();
        for i in 0..opts.listings {
            let j = i % pool.len();
            let mut doc = pool[j].clone();
            doc.id = format!("{i:08}");
            doc.organization_id = format!("org{}", i % 10_000);
            doc.field_codes = vec![v.fields[rng.random_range(0..v.fields.len())].clone()];
            doc.trl = Some(rng.random_range(1..=9));
            engine.upsert_with_vector(&doc, codes[j].clone())?;
        }
        engine.commit(opts.listings as i64)?;
        let indexing = started.elapsed().as_secs_f64();
        let idx_cpu = (process_cpu() - cpu).as_secs_f64();
        let estimate = indexing + opts.listings as f64 / enc_rate;
        // On `threads` otherwise idle cores: CPU seconds spread over them.
        let idle = (idx_cpu + opts.listings as f64 * enc_cpu / pool.len() as f64) / threads as f64;
        println!(
            "index build from the encoded texts ({} listings, each text {} times): {indexing:.1} s, CPU {idx_cpu:.1} s; a full rebuild encoding every listing would take about {estimate:.0} s here ({:.1} min: this indexing plus {} encodings at the rate above), about {idle:.0} s ({:.1} min) of {threads} idle cores from the CPU times; resident memory {:.0} MiB; load average {}",
            opts.listings,
            opts.listings / pool.len(),
            estimate / 60.0,
            opts.listings,
            idle / 60.0,
            resident_mib().unwrap_or(0.0),
            load_average()
        );
        summary.push((
            format!("index build, {} distinct texts encoded", pool.len()),
            format!(
                "{encoding:.1} s encoding (CPU {enc_cpu:.1} s) + {indexing:.1} s indexing (CPU {idx_cpu:.1} s)"
            ),
        ));
        summary.push((
            "full rebuild, every listing encoded (estimate: here / on idle cores)".into(),
            format!(
                "about {:.1} min / {:.1} min on {threads} cores",
                estimate / 60.0,
                idle / 60.0
            ),
        ));
    } else {
        // Bulk indexing as `reindex` does it: pages of listings, encoded on all cores.
        let before = cache_now();
        let started = Instant::now();
        let cpu = process_cpu();
        let mut page = Vec::with_capacity(500);
        for i in 0..opts.listings {
            page.push(synthetic(&mut rng, &v, i));
            if page.len() == 500 || i + 1 == opts.listings {
                engine.upsert_many(&page)?;
                page.clear();
            }
        }
        engine.commit(opts.listings as i64)?;
        let build = started.elapsed();
        let cpu = (process_cpu() - cpu).as_secs_f64();
        let rate = opts.listings as f64 / build.as_secs_f64();
        println!(
            "index build (full rebuild, encoding included, semantic {}): {:.1} s, {:.0} listings/s on {threads} threads; CPU {cpu:.1} s = {:.0} listings/s per core; piece cache hit rate {:.0} %; resident memory {:.0} MiB; load average {}",
            if engine.semantic { "on" } else { "off" },
            build.as_secs_f64(),
            rate,
            opts.listings as f64 / cpu,
            hit_rate(before),
            resident_mib().unwrap_or(0.0),
            load_average()
        );
        summary.push((
            "full rebuild (bulk indexing, encoding included)".into(),
            format!(
                "{:.1} s = {:.0} listings/s on {threads} threads; {:.0} listings per CPU second",
                build.as_secs_f64(),
                rate,
                opts.listings as f64 / cpu
            ),
        ));
    }

    // A paragraph-length need encoded alone, one thread, with the cache as indexing left it.
    if engine.semantic {
        let enc = semantic::encoder()?;
        let (mut samples, mut cpu_samples) = (Vec::new(), Vec::new());
        let (mut pieces, mut chars) = (0, 0);
        let mut vectors = Vec::new();
        let before = cache_now();
        for _ in 0..opts.queries.max(1) {
            let q = query(&mut rng, &v, true);
            let text = semantic::query_text(&q.text, &q.keywords);
            pieces += enc.ids(&text, semantic::MAX_TOKENS).len();
            chars += text.chars().count();
            let (t, c) = (Instant::now(), thread_cpu());
            vectors.push(semantic::embed(&text)?);
            cpu_samples.push(thread_cpu() - c);
            samples.push(t.elapsed());
        }
        let n = samples.len();
        let avg = mean(&cpu_samples);
        let l = percentiles(samples);
        let c = percentiles(cpu_samples);
        println!(
            "encoding a paragraph need (one thread, {:.0} characters and {:.0} pieces on average, at most {}): CPU p50 {:.2} ms, p99 {:.2} ms, mean {avg:.2} ms; wall p50 {:.2} ms, p99 {:.2} ms; over {n}; piece cache hit rate {:.0} %",
            chars as f64 / n as f64,
            pieces as f64 / n as f64,
            semantic::MAX_TOKENS,
            c.p50,
            c.p99,
            l.p50,
            l.p99,
            hit_rate(before)
        );
        summary.push((
            "encoding a paragraph need, one thread (CPU / wall)".into(),
            format!(
                "p50 {:.2} ms, p99 {:.2} ms / p50 {:.2} ms, p99 {:.2} ms",
                c.p50, c.p99, l.p50, l.p99
            ),
        ));

        // The nearest-vector step alone, and its recall against an exact scan.
        let mut samples = Vec::new();
        let mut lists = 1;
        for qv in vectors.iter().take(200) {
            let t = Instant::now();
            let (_, l) = engine.nearest_vectors(Side::Capability, qv, 100, None);
            samples.push(t.elapsed());
            lists = l;
        }
        let l = percentiles(samples);
        let (mut found, mut wanted) = (0, 0);
        for qv in vectors.iter().take(20) {
            let (approx, _) = engine.nearest_vectors(Side::Capability, qv, 100, None);
            let (exact, _) = engine.nearest_vectors(Side::Capability, qv, 100, Some(usize::MAX));
            wanted += exact.len();
            found += exact
                .iter()
                .filter(|(k, _)| approx.iter().any(|(a, _)| a == k))
                .count();
        }
        println!(
            "nearest 100 capability vectors ({lists} lists, {} probed): p50 {:.2} ms, p99 {:.2} ms; recall against an exact scan {:.1} % (20 needs)",
            super::engine::vectors::probes(lists),
            l.p50,
            l.p99,
            100.0 * found as f64 / wanted.max(1) as f64
        );
    }

    let mut report = |name: &str,
                      paragraph: bool|
     -> anyhow::Result<(Latency, Latency, Vec<Query>)> {
        let queries: Vec<Query> = (0..opts.queries)
            .map(|_| query(&mut rng, &v, paragraph))
            .collect();
        for q in queries.iter().take(20) {
            engine.search(q, &tree, 10)?; // warm-up
        }
        let mut samples = Vec::with_capacity(queries.len());
        let mut cpu_samples = Vec::with_capacity(queries.len());
        for q in &queries {
            let (t, c) = (Instant::now(), thread_cpu());
            engine.search(q, &tree, 10)?;
            cpu_samples.push(thread_cpu() - c);
            samples.push(t.elapsed());
        }
        let l = percentiles(samples);
        let c = percentiles(cpu_samples);
        println!(
            "match ({name}, encoding included): CPU p50 {:.2} ms, p99 {:.2} ms; wall p50 {:.2} ms, p99 {:.2} ms; over {} queries; load average {}",
            c.p50,
            c.p99,
            l.p50,
            l.p99,
            queries.len(),
            load_average()
        );
        Ok((l, c, queries))
    };
    let (short, short_cpu, short_queries) = report("short query", false)?;
    let (para, para_cpu, _) = report("paragraph need", true)?;
    summary.push((
        "match, short query (CPU / wall)".into(),
        format!(
            "p50 {:.2} ms, p99 {:.2} ms / p50 {:.2} ms, p99 {:.2} ms",
            short_cpu.p50, short_cpu.p99, short.p50, short.p99
        ),
    ));
    summary.push((
        "match, paragraph need, encoding included (CPU / wall)".into(),
        format!(
            "p50 {:.2} ms, p99 {:.2} ms / p50 {:.2} ms, p99 {:.2} ms",
            para_cpu.p50, para_cpu.p99, para.p50, para.p99
        ),
    ));

    // Freshness: from upsert to the listing being found.
    let mut fresh = Vec::new();
    for k in 0..20 {
        let mut doc = synthetic(&mut rng, &v, opts.listings + k);
        doc.title = format!("freshness probe zzfresh{k}");
        let t = Instant::now();
        engine.upsert(&doc)?;
        engine.commit((opts.listings + k) as i64)?;
        let q = Query {
            text: format!("zzfresh{k}"),
            keywords: Vec::new(),
            target: doc.side,
            field_codes: Vec::new(),
            modes: Vec::new(),
            trl: None,
            region_code: None,
            exclude_id: None,
            exclude_organization: None,
        };
        while !engine.search(&q, &tree, 1)?.iter().any(|m| m.id == doc.id) {}
        fresh.push(t.elapsed());
    }
    let f = percentiles(fresh);
    println!(
        "freshness after publish (engine commit to searchable): p50 {:.1} ms, p99 {:.1} ms",
        f.p50, f.p99
    );
    let (rss, peak) = (
        resident_mib().unwrap_or(0.0),
        peak_resident_mib().unwrap_or(0.0),
    );
    println!("resident memory: {rss:.0} MiB now, {peak:.0} MiB at the peak");
    summary.push((
        "resident memory (after the queries / peak)".into(),
        format!("{rss:.0} MiB / {peak:.0} MiB"),
    ));

    // A restart: the index reopened from disk (side table and vectors reloaded).
    drop(engine);
    let t = Instant::now();
    let (engine, rebuilt) = Engine::open(dir.path())?;
    println!(
        "reopen (side table and vectors loaded from the index{}): {:.1} s, resident memory {:.0} MiB",
        if rebuilt { ", REBUILT" } else { "" },
        t.elapsed().as_secs_f64(),
        resident_mib().unwrap_or(0.0)
    );
    drop(engine);

    if let Some(url) = &opts.postgres_url {
        let pg = postgres_comparison(url, opts, &v, &short_queries)?;
        println!(
            "postgres full-text (ts_rank over jieba-segmented tsvector, GIN): p50 {:.2} ms, p99 {:.2} ms over {} queries; engine is {:.0}x faster at p50, {:.0}x at p99",
            pg.p50,
            pg.p99,
            opts.postgres_queries.min(short_queries.len()),
            pg.p50 / short.p50.max(1e-6),
            pg.p99 / short.p99.max(1e-6)
        );
    }
    println!("\n| {} listings | measured |\n|---|---|", opts.listings);
    for (k, val) in summary {
        println!("| {k} | {val} |");
    }
    Ok(())
}

fn segment(jieba: &jieba_rs::Jieba, text: &str) -> String {
    jieba
        .cut_for_search(text, true)
        .into_iter()
        .map(|t| t.word.trim().to_lowercase())
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| t.replace(['\'', ':', '&', '|', '!', '(', ')', '\\'], ""))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn postgres_comparison(
    url: &str,
    opts: &Options,
    v: &Vocabulary,
    queries: &[Query],
) -> anyhow::Result<Latency> {
    let scratch = crate::db::scratch::ScratchPostgres::create(url, "collab_bench")?;
    let result = (|| -> anyhow::Result<Latency> {
        let mut conn = PgConnection::establish(&scratch.url)?;
        conn.batch_execute(
            "CREATE TABLE bench (id TEXT PRIMARY KEY, side TEXT NOT NULL, tsv TSVECTOR NOT NULL)",
        )?;
        let jieba = jieba_rs::Jieba::new();
        let mut rng = StdRng::seed_from_u64(opts.seed);
        let started = Instant::now();
        let mut batch = Vec::new();
        for i in 0..opts.listings {
            let d = synthetic(&mut rng, v, i);
            let text = segment(
                &jieba,
                &format!(
                    "{} {} {} {}",
                    d.title,
                    d.title,
                    d.keywords.join(" "),
                    d.description
                ),
            );
            batch.push(format!(
                "('{}','{}',to_tsvector('simple','{}'))",
                d.id,
                d.side.as_str(),
                text.replace('\'', "")
            ));
            if batch.len() == 1000 {
                conn.batch_execute(&format!("INSERT INTO bench VALUES {}", batch.join(",")))?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            conn.batch_execute(&format!("INSERT INTO bench VALUES {}", batch.join(",")))?;
        }
        conn.batch_execute("CREATE INDEX bench_tsv ON bench USING GIN (tsv); ANALYZE bench")?;
        println!(
            "postgres load + GIN index: {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let mut samples = Vec::new();
        for q in queries.iter().take(opts.postgres_queries) {
            let terms = segment(&jieba, &q.text);
            let tsquery = terms
                .split(' ')
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" | ");
            if tsquery.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT id FROM bench, to_tsquery('simple', '{tsquery}') q WHERE side = 'capability' AND tsv @@ q ORDER BY ts_rank(tsv, q) DESC LIMIT 10"
            );
            let t = Instant::now();
            diesel::sql_query(sql).execute(&mut conn)?;
            samples.push(t.elapsed());
        }
        Ok(percentiles(samples))
    })();
    drop(scratch);
    result
}
