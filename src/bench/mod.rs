//! Benchmarks and load tools behind `collab-registry bench ...` (docs/BENCHMARKS.md). No
//! request path imports this module: it sits on top, beside `main.rs`, and imports the
//! features it measures.
//!
//! - `matching` (`bench match`): the engine on a synthetic bilingual corpus; `build` its
//!   index build, `fulltext` its PostgreSQL full-text comparison.
//! - `events` (`bench events`): publishing to many organizations, outbox delivery over
//!   SMTP to `smtp` (the loopback sink the integration tests use too).
//! - `load` (`bench load`): HTTP load with wrk against this binary on seeded data;
//!   `load_seed` builds the data, `load_server` starts the instances, `proxy` is the
//!   round-robin proxy in front of two of them, `wrk` runs and reads wrk, `load_report`
//!   prints the tables and the two-to-one ratio.
//! - `corpus`: the synthetic listings every benchmark draws from; `measure`: timing,
//!   CPU and memory figures.

mod build;
pub mod corpus;
pub mod events;
mod fulltext;
pub mod load;
mod load_report;
mod load_seed;
mod load_server;
pub mod matching;
pub mod measure;
pub mod proxy;
pub mod smtp;
mod wrk;

use crate::matching::engine::vectors::Code;
use crate::matching::engine::{Doc, Engine, FieldTree};

/// The technology-field taxonomy the corpus draws its fields from.
const FIELDS: &str = include_str!("../../seed/fields.csv");

/// The field hierarchy of `seed/fields.csv`, as matching reads it.
pub fn field_tree() -> FieldTree {
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

/// Encode `docs` on every core, in order: the one way both `bench match` (a corpus of
/// repeated texts) and `bench load` (the index built before the server starts) encode.
pub fn encode_all(engine: &Engine, docs: &[&Doc]) -> anyhow::Result<Vec<Option<Code>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = docs.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|d| engine.encode(d))
                        .collect::<anyhow::Result<Vec<_>>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(docs.len());
        for h in handles {
            all.extend(
                h.join()
                    .map_err(|_| anyhow::anyhow!("an encoding thread panicked"))??,
            );
        }
        Ok(all)
    })
}
