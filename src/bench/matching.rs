//! `collab-registry bench match`: a synthetic bilingual corpus ([`super::corpus`]), indexed and
//! queried the way the service does it: encoding alone (one thread), the full rebuild
//! (bulk indexing, encoding included), matches with the query's encoding included, the
//! nearest-vector step and its recall, freshness, memory and a reopen; optionally
//! PostgreSQL full-text search (`ts_rank` over jieba-segmented text in a `tsvector`
//! column) on the same corpus for comparison.

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::corpus::{Vocabulary, paragraph, short_text, synthetic, vocabulary};
use super::field_tree;
use super::measure::{
    Latency, cache_now, hit_rate, load_average, mean, peak_resident_mib, percentiles, resident_mib,
    thread_cpu,
};
use crate::matching::engine::{Doc, Engine, Query, Side, semantic};

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

    let replay = rng.clone();
    super::build::build_index(&engine, opts, &v, &mut rng, &mut summary)?;

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
            cpu_wall(&c, &l),
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
            crate::matching::engine::vectors::probes(lists),
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
        cpu_wall(&short_cpu, &short),
    ));
    summary.push((
        "match, paragraph need, encoding included (CPU / wall)".into(),
        cpu_wall(&para_cpu, &para),
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
    // `reindex` on the reopened index: the digests came back with the side table.
    super::build::rebuild_unchanged(&engine, opts, &v, replay, &mut summary)?;
    drop(engine);

    if let Some(url) = &opts.postgres_url {
        let pg = super::fulltext::postgres_comparison(url, opts, &v, &short_queries)?;
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

/// A search for capabilities: a paragraph-length need (`paragraph`) or a short query
/// (a glossary term and a few words), with a field, a mode, a TRL and a region.
fn query(rng: &mut StdRng, v: &Vocabulary, paragraph: bool) -> Query {
    let zh = rng.random_bool(0.5);
    let text = if paragraph {
        self::paragraph(rng, v, zh)
    } else {
        short_text(rng, v, zh)
    };
    Query {
        text,
        keywords: Vec::new(),
        target: Side::Capability,
        field_codes: vec![v.fields[rng.random_range(0..v.fields.len())].clone()],
        modes: vec!["joint_rnd".to_owned()],
        trl: Some(5),
        region_code: Some("zouping".to_owned()),
        exclude_id: None,
        exclude_organization: None,
    }
}

/// CPU and wall percentiles for the summary table.
fn cpu_wall(cpu: &Latency, wall: &Latency) -> String {
    format!(
        "p50 {:.2} ms, p99 {:.2} ms / p50 {:.2} ms, p99 {:.2} ms",
        cpu.p50, cpu.p99, wall.p50, wall.p99
    )
}
