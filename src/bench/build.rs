//! `bench match`'s index build: a full rebuild as `reindex` does it (pages of listings,
//! encoded on all cores), or, with `--distinct-texts`, a corpus of repeated texts each
//! encoded once, with an estimate of the full rebuild from the measured rates.

use std::time::Instant;

use rand::Rng;
use rand::rngs::StdRng;

use super::corpus::{Vocabulary, synthetic};
use super::encode_all;
use super::matching::Options;
use super::measure::{cache_now, hit_rate, load_average, process_cpu, resident_mib};
use crate::matching::engine::{Doc, Engine};

/// Index `opts.listings` synthetic listings into `engine`, print what it took, and add the
/// figures to `summary`.
pub(super) fn build_index(
    engine: &Engine,
    opts: &Options,
    v: &Vocabulary,
    rng: &mut StdRng,
    summary: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut listings = Listings::new(opts, v, rng);
    if !listings.pool.is_empty() {
        // A corpus of repeated texts: each encoded once, on all cores, then every listing
        // indexed with its text's vector.
        let pool = listings.pool.clone();
        let before = cache_now();
        let started = Instant::now();
        let cpu = process_cpu();
        let codes = encode_all(engine, &pool.iter().collect::<Vec<_>>())?;
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
            let doc = listings.next(rng, v);
            engine.upsert_with_vector(&doc, codes[i % pool.len()].clone())?;
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
            page.push(listings.next(rng, v));
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
    Ok(())
}

/// The corpus's listings in order: the same generator state gives the same listings.
struct Listings {
    /// The distinct texts (empty: every listing its own text).
    pool: Vec<Doc>,
    next: usize,
}

impl Listings {
    fn new(opts: &Options, v: &Vocabulary, rng: &mut StdRng) -> Listings {
        let pool = if opts.distinct_texts > 0 && opts.distinct_texts < opts.listings {
            (0..opts.distinct_texts)
                .map(|i| synthetic(rng, v, i))
                .collect()
        } else {
            Vec::new()
        };
        Listings { pool, next: 0 }
    }

    fn next(&mut self, rng: &mut StdRng, v: &Vocabulary) -> Doc {
        let i = self.next;
        self.next += 1;
        if self.pool.is_empty() {
            return synthetic(rng, v, i);
        }
        let mut doc = self.pool[i % self.pool.len()].clone();
        doc.id = format!("{i:08}").into();
        doc.organization_id = format!("org{}", i % 10_000).into();
        doc.field_codes = vec![v.fields[rng.random_range(0..v.fields.len())].clone()];
        doc.trl = Some(rng.random_range(1..=9));
        doc
    }
}

/// A full rebuild of the listings [`build_index`] indexed from `rng` (a copy of its
/// generator as it was then), as `reindex` does it (clear, pages of 500, one commit): every
/// text is unchanged, so every stored vector is reused.
pub(super) fn rebuild_unchanged(
    engine: &Engine,
    opts: &Options,
    v: &Vocabulary,
    mut rng: StdRng,
    summary: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    let mut listings = Listings::new(opts, v, &mut rng);
    let before = engine.vector_counts();
    let started = Instant::now();
    let cpu = process_cpu();
    engine.clear()?;
    let mut page = Vec::with_capacity(500);
    for i in 0..opts.listings {
        page.push(listings.next(&mut rng, v));
        if page.len() == 500 || i + 1 == opts.listings {
            engine.upsert_many(&page)?;
            page.clear();
        }
    }
    engine.commit(opts.listings as i64 + 1)?;
    let took = started.elapsed().as_secs_f64();
    let cpu = (process_cpu() - cpu).as_secs_f64();
    let counts = engine.vector_counts() - before;
    println!(
        "full rebuild, texts unchanged: {took:.1} s, CPU {cpu:.1} s; {} vectors reused, {} encoded; resident memory {:.0} MiB; load average {}",
        counts.reused,
        counts.encoded,
        resident_mib().unwrap_or(0.0),
        load_average()
    );
    summary.push((
        "full rebuild, texts unchanged (stored vectors reused)".into(),
        format!(
            "{took:.1} s, CPU {cpu:.1} s; {} reused, {} encoded",
            counts.reused, counts.encoded
        ),
    ));
    Ok(())
}
