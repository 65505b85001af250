//! `collab-registry bench match`: a synthetic bilingual corpus, indexed and queried the way
//! the service does it, with PostgreSQL full-text search (`ts_rank` over jieba-segmented
//! text in a `tsvector` column) on the same corpus for comparison.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::engine::{Doc, Engine, FieldTree, Query, Side};

const GLOSSARY: &str = include_str!("../../seed/glossary.tsv");
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

pub(crate) struct Vocabulary {
    zh: Vec<String>,
    en: Vec<String>,
    fields: Vec<String>,
}

pub(crate) fn vocabulary() -> Vocabulary {
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for line in GLOSSARY
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        if let Some((z, e)) = line.split_once('\t') {
            zh.extend(z.split('|').map(str::to_owned));
            en.extend(e.split('|').map(str::to_owned));
        }
    }
    let fields = FIELDS
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .filter(|c| c.contains('.'))
        .map(str::to_owned)
        .collect();
    Vocabulary { zh, en, fields }
}

const ZH_FILLER: &[&str] = &[
    "我公司",
    "希望",
    "开展",
    "合作",
    "提高",
    "降低",
    "研究",
    "技术",
    "问题",
    "工艺",
    "项目",
    "需要",
];
const EN_FILLER: &[&str] = &[
    "we",
    "seek",
    "partner",
    "improve",
    "reduce",
    "study",
    "process",
    "project",
    "need",
    "technology",
    "plant",
    "quality",
];

fn sentence(rng: &mut StdRng, v: &Vocabulary, zh: bool, terms: usize) -> String {
    let mut out = Vec::new();
    for _ in 0..terms {
        if zh {
            out.push(v.zh[rng.random_range(0..v.zh.len())].clone());
            out.push(ZH_FILLER[rng.random_range(0..ZH_FILLER.len())].to_owned());
        } else {
            out.push(v.en[rng.random_range(0..v.en.len())].clone());
            out.push(EN_FILLER[rng.random_range(0..EN_FILLER.len())].to_owned());
        }
    }
    out.join(if zh { "" } else { " " })
}

pub(crate) fn synthetic(rng: &mut StdRng, v: &Vocabulary, i: usize) -> Doc {
    let zh = rng.random_bool(0.5);
    let side = if rng.random_bool(0.3) {
        Side::Need
    } else {
        Side::Capability
    };
    Doc {
        id: format!("{i:08}"),
        side,
        organization_id: format!("org{}", i % 10_000),
        title: sentence(rng, v, zh, 3),
        description: sentence(rng, v, zh, 12),
        keywords: (0..3)
            .map(|_| {
                if zh {
                    v.zh[rng.random_range(0..v.zh.len())].clone()
                } else {
                    v.en[rng.random_range(0..v.en.len())].clone()
                }
            })
            .collect(),
        field_codes: vec![v.fields[rng.random_range(0..v.fields.len())].clone()],
        modes: vec!["joint_rnd".to_owned()],
        trl: Some(rng.random_range(1..=9)),
        region_code: Some("zouping".to_owned()),
    }
}

fn query(rng: &mut StdRng, v: &Vocabulary, paragraph: bool) -> Query {
    let zh = rng.random_bool(0.5);
    Query {
        text: sentence(rng, v, zh, if paragraph { 25 } else { 2 }),
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

/// Run the benchmark and print a report.
pub fn run(opts: &Options) -> anyhow::Result<()> {
    let v = vocabulary();
    let tree = FieldTree::new(
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
    );
    let dir = tempfile::tempdir()?;
    let (engine, _) = Engine::open(dir.path())?;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    println!(
        "corpus: {} synthetic bilingual listings (seed {})",
        opts.listings, opts.seed
    );

    // Encoding alone, one thread: paragraph-length needs, as `match` encodes them.
    if engine.semantic {
        let mut samples = Vec::new();
        let mut tokens = 0;
        for _ in 0..200 {
            let q = query(&mut rng, &v, true);
            let text = super::engine::semantic::query_text(&q.text, &q.keywords);
            let enc = super::engine::semantic::encoder()?;
            tokens += enc.ids(&text, super::engine::semantic::MAX_TOKENS).len();
            let t = Instant::now();
            super::engine::semantic::embed(&text)?;
            samples.push(t.elapsed());
        }
        let l = percentiles(samples);
        println!(
            "encoding a paragraph need (one thread, {} pieces on average): p50 {:.2} ms, p99 {:.2} ms",
            tokens / 200,
            l.p50,
            l.p99
        );
    }

    // Bulk indexing as `reindex` does it: pages of listings, encoded on all cores.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
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
    let rate = opts.listings as f64 / build.as_secs_f64();
    println!(
        "index build (full rebuild, encoding included, semantic {}): {:.1} s, {:.0} listings/s on {threads} threads = {:.0} per thread; resident memory {:.0} MiB",
        if engine.semantic { "on" } else { "off" },
        build.as_secs_f64(),
        rate,
        rate / threads as f64,
        resident_mib().unwrap_or(0.0)
    );

    let mut report = |name: &str, paragraph: bool| -> anyhow::Result<(Latency, Vec<Query>)> {
        let queries: Vec<Query> = (0..opts.queries)
            .map(|_| query(&mut rng, &v, paragraph))
            .collect();
        for q in queries.iter().take(20) {
            engine.search(q, &tree, 10)?; // warm-up
        }
        let mut samples = Vec::with_capacity(queries.len());
        for q in &queries {
            let t = Instant::now();
            engine.search(q, &tree, 10)?;
            samples.push(t.elapsed());
        }
        let l = percentiles(samples);
        println!(
            "match ({name}): p50 {:.2} ms, p99 {:.2} ms over {} queries",
            l.p50,
            l.p99,
            queries.len()
        );
        Ok((l, queries))
    };
    let (short, short_queries) = report("short query", false)?;
    let (para, _) = report("paragraph need", true)?;

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
    let _ = para;
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
