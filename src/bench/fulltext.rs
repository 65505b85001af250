//! `bench match --postgres`: PostgreSQL full-text search (`ts_rank` over jieba-segmented
//! text in a `tsvector` column with a GIN index) on the same corpus, for comparison.

use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::corpus::{Vocabulary, synthetic};
use super::matching::Options;
use super::measure::{Latency, percentiles};
use crate::matching::engine::Query;

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

pub(super) fn postgres_comparison(
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
