//! Hybrid ranking: candidates from BM25 (lexical top-K) and from the nearest sentence
//! vectors, each scored as a function of the pair alone, so that a pair's score does not
//! move when unrelated listings are published:
//!
//! - lexical: the share of the query's terms and glossary concepts that the listing
//!   contains, weighted by fixed weights (not by corpus statistics, which change);
//! - semantic: the cosine of the two sentence vectors, mapped from [`SEM_FLOOR`] (unrelated
//!   texts) .. [`SEM_FULL`] onto 0 .. 1;
//! - relevance = [`W_LEX`] x lexical + [`W_SEM`] x semantic (lexical alone when semantic is
//!   off);
//! - structured fit (fields, modes, TRL, region) counts only for the parts the query
//!   states (the others' weight goes to relevance), and only in proportion to relevance up
//!   to [`GATE`], so it cannot lift a listing that is not about the same thing.
//!
//! Scores and contributions are rounded to three decimals; the score is the sum of the
//! rounded contributions.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Term};

use super::analysis::is_han;
use super::index::{Engine, read};
use super::score::{self, FieldTree};
use super::search::{CANDIDATES, Probe, analyze, retrieval_query, term_masks};
use super::semantic;
use super::table::side_index;
use super::vectors::Code;
use super::{Contributions, Explanation, Match, MatchedTerm, Query};

/// Candidates taken from the nearest vectors.
pub const SEMANTIC_CANDIDATES: usize = 100;
/// A listing that shares no indexed term with the query is a candidate only from this
/// cosine on.
pub const SEMANTIC_MIN: f32 = 0.3;
/// Share of lexical coverage in relevance.
pub const W_LEX: f32 = 0.6;
/// Share of semantic similarity in relevance (tuning half of the judged set: 0.2 -> 0.854,
/// 0.3 -> 0.871, 0.35 -> 0.876, 0.4 -> 0.868, 0.5 -> 0.868, 0.65 -> 0.858, 1.0 -> 0.792;
/// a plateau from 0.3 to 0.5, 0.4 taken from its middle).
pub const W_SEM: f32 = 0.4;
/// Cosine of texts about unrelated things (semantic part 0 at and below it).
pub const SEM_FLOOR: f32 = 0.2;
/// Cosine from which the semantic part is full.
pub const SEM_FULL: f32 = 0.8;
/// Relevance from which the structured fit counts fully.
pub const GATE: f32 = 0.3;
/// Query units (terms, concepts) scored, by weight.
const MAX_UNITS: usize = 64;
/// Weight of a glossary concept.
const W_CONCEPT: f32 = 1.0;
/// Weight of a word (Chinese of two or more characters, other of three or more letters).
const W_WORD: f32 = 1.0;
/// Weight of a short token (one Chinese character, one or two letters, a number).
const W_SHORT: f32 = 0.3;

/// A query unit for the lexical score.
pub(super) struct Unit {
    pub(super) text: String,
    pub(super) surface: String,
    pub(super) weight: f32,
    pub(super) concept: Option<u32>,
    /// Concepts (among the units) whose surface contains this term.
    pub(super) covered_by: Vec<u32>,
}

fn token_weight(token: &str) -> f32 {
    let han = token.chars().filter(|&c| is_han(c)).count();
    let digits = token.chars().all(|c| c.is_ascii_digit() || c == '.');
    if digits || (han > 0 && han < 2) || (han == 0 && token.chars().count() < 3) {
        W_SHORT
    } else {
        W_WORD
    }
}

/// The query's terms and concepts with fixed weights (keywords count twice), from the
/// query alone.
pub(super) fn score_units(engine: &Engine, q: &Query) -> (Vec<Unit>, Vec<Unit>) {
    let mut terms: Vec<Unit> = Vec::new();
    let mut concepts: Vec<Unit> = Vec::new();
    let (mut term_at, mut concept_at) = (HashMap::new(), HashMap::new());
    let mut tf: HashMap<(bool, usize), f32> = HashMap::new();
    let parts = std::iter::once((q.text.as_str(), 1.0f32))
        .chain(q.keywords.iter().map(|k| (k.as_str(), 2.0)));
    for (text, w) in parts {
        let a = engine.lexicon.analyze(text);
        for h in &a.concepts {
            let i = *concept_at.entry(h.concept).or_insert_with(|| {
                concepts.push(Unit {
                    text: super::glossary::concept_token(h.concept),
                    surface: text.get(h.from..h.to).unwrap_or_default().to_lowercase(),
                    weight: W_CONCEPT,
                    concept: Some(h.concept),
                    covered_by: vec![],
                });
                concepts.len() - 1
            });
            *tf.entry((true, i)).or_default() += w;
        }
        for t in &a.tokens {
            let i = *term_at.entry(t.text.clone()).or_insert_with(|| {
                terms.push(Unit {
                    text: t.text.clone(),
                    surface: text.get(t.from..t.to).unwrap_or_default().to_lowercase(),
                    weight: token_weight(&t.text),
                    concept: None,
                    covered_by: vec![],
                });
                terms.len() - 1
            });
            *tf.entry((false, i)).or_default() += w;
            for h in a
                .concepts
                .iter()
                .filter(|h| h.from <= t.from && t.to <= h.to)
            {
                if !terms[i].covered_by.contains(&h.concept) {
                    terms[i].covered_by.push(h.concept);
                }
            }
        }
    }
    for (&(is_concept, i), &n) in &tf {
        let u = if is_concept {
            &mut concepts[i]
        } else {
            &mut terms[i]
        };
        u.weight *= n.sqrt();
    }
    let keep = |v: &mut Vec<Unit>| {
        // Stable: by weight, then first occurrence.
        let mut order: Vec<usize> = (0..v.len()).collect();
        order.sort_by(|&a, &b| v[b].weight.total_cmp(&v[a].weight).then(a.cmp(&b)));
        let mut keep = vec![false; v.len()];
        for &i in order.iter().take(MAX_UNITS) {
            keep[i] = true;
        }
        let mut k = keep.into_iter();
        v.retain(|_| k.next().unwrap_or(false));
    };
    keep(&mut concepts);
    keep(&mut terms);
    for t in &mut terms {
        t.covered_by
            .retain(|c| concepts.iter().any(|k| k.concept == Some(*c)));
    }
    (terms, concepts)
}

/// The semantic part of a cosine.
pub fn semantic_part(cosine: f32) -> f32 {
    ((cosine - SEM_FLOOR) / (SEM_FULL - SEM_FLOOR)).clamp(0.0, 1.0)
}

fn thousandths(x: f32) -> i32 {
    (x * 1000.0).round() as i32
}

/// Weights of relevance and of the structured parts the query states.
fn weights(q: &Query) -> (f32, [f32; 4]) {
    let stated = [
        !q.field_codes.is_empty(),
        !q.modes.is_empty(),
        q.trl.is_some(),
        q.region_code.is_some(),
    ];
    let base = [
        score::W_FIELDS,
        score::W_MODES,
        score::W_TRL,
        score::W_REGION,
    ];
    let mut w = [0.0; 4];
    let mut relevance = score::W_TEXT;
    for i in 0..4 {
        if stated[i] {
            w[i] = base[i];
        } else {
            relevance += base[i];
        }
    }
    (relevance, w)
}

impl Engine {
    /// Benchmarks: the `k` nearest vectors of side `target` to the unit vector `q`
    /// (quantized as a query is), scanning `probe` lists (`None`: as a search does),
    /// and the number of lists.
    pub fn nearest_vectors(
        &self,
        target: super::Side,
        q: &[f32],
        k: usize,
        probe: Option<usize>,
    ) -> (Vec<(u64, f32)>, usize) {
        let table = read(&self.table);
        let v = &table.vectors[side_index(target)];
        let q = Code::of(q).to_f32();
        let probe = probe.unwrap_or_else(|| super::vectors::probes(v.lists()));
        (v.nearest_probing(&q, k, probe), v.lists())
    }

    /// Listings of side `q.target` that fit `q`, best first (ties by id), at most `limit`.
    pub fn search(
        &self,
        q: &Query,
        fields: &FieldTree,
        limit: usize,
    ) -> anyhow::Result<Vec<Match>> {
        let searcher = self.reader.searcher();
        if searcher.num_docs() == 0 || limit == 0 {
            return Ok(Vec::new());
        }
        let f = self.fields.of(q.target);
        // Lexical candidates.
        let (rterms, rconcepts) = analyze(self, &searcher, q)?;
        let mut addrs: Vec<DocAddress> = Vec::new();
        if let Some(query) = retrieval_query(self, q, fields, &rterms, &rconcepts) {
            let hits = searcher.search(
                &query,
                &TopDocs::with_limit(CANDIDATES.max(limit)).order_by_score(),
            )?;
            addrs.extend(hits.into_iter().map(|(_, a): (f32, DocAddress)| a));
        }
        // The query's vector: the listing's own when the query is an indexed listing; none
        // when the query has no words (a search by fields alone).
        let (terms, concepts) = score_units(self, q);
        let table = read(&self.table);
        let qvec: Option<Vec<f32>> = if self.semantic && !(terms.is_empty() && concepts.is_empty())
        {
            let own = q
                .exclude_id
                .as_ref()
                .and_then(|id| table.key_of.get(id))
                .and_then(|&k| table.vector(k));
            // Quantized either way, so both give the same vector for the same listing.
            match own {
                Some(code) => Some(code.to_f32()),
                None => {
                    let text = semantic::query_text(&q.text, &q.keywords);
                    Some(Code::of(&semantic::embed(&text)?).to_f32())
                }
            }
        } else {
            None
        };
        let vectors = &table.vectors[side_index(q.target)];
        let mut keys: Vec<u64> = Vec::new();
        let mut key_column = Vec::new();
        for reader in searcher.segment_readers() {
            key_column.push(reader.fast_fields().u64("key")?);
        }
        for a in &addrs {
            if let Some(k) = key_column[a.segment_ord as usize].first(a.doc_id) {
                keys.push(k);
            }
        }
        if let Some(qv) = &qvec {
            for (k, cos) in vectors.nearest(qv, SEMANTIC_CANDIDATES.max(limit)) {
                if cos < SEMANTIC_MIN || keys.contains(&k) {
                    continue;
                }
                let Some(meta) = table.by_key.get(&k) else {
                    continue;
                };
                if let Some(a) = address_of(&searcher, self.fields.id, &meta.id)? {
                    addrs.push(a);
                    keys.push(k);
                }
            }
        }
        // Lexical coverage of every candidate.
        let probes: Vec<Probe> = terms
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                [f.title, f.keywords, f.description].map(|fd| Probe::term(fd, &t.text, i))
            })
            .chain(
                concepts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Probe::concept(f.concepts, &c.text, i)),
            )
            .collect();
        let masks = term_masks(&searcher, &probes, &addrs)?;
        let total: f32 = concepts.iter().map(|c| c.weight).sum::<f32>()
            + terms
                .iter()
                .filter(|t| t.covered_by.is_empty())
                .map(|t| t.weight)
                .sum::<f32>();
        let (w_rel, w_fit) = weights(q);
        let mut scored = Vec::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let Some(meta) = table.by_key.get(key) else {
                continue;
            };
            if q.exclude_id.as_ref() == Some(&meta.id)
                || q.exclude_organization.as_ref() == Some(&meta.organization_id)
            {
                continue;
            }
            let (tmask, cmask) = masks[i];
            let covered: f32 = concepts
                .iter()
                .enumerate()
                .filter(|(j, _)| cmask >> j & 1 == 1)
                .map(|(_, c)| c.weight)
                .sum::<f32>()
                + terms
                    .iter()
                    .enumerate()
                    .filter(|(j, t)| t.covered_by.is_empty() && tmask >> j & 1 == 1)
                    .map(|(_, t)| t.weight)
                    .sum::<f32>();
            let lexical = if total > 0.0 { covered / total } else { 0.0 };
            let cosine = match (&qvec, vectors.get(*key)) {
                (Some(qv), Some(code)) => Some(code.dot(qv).clamp(-1.0, 1.0)),
                _ => None,
            };
            let sem = cosine.map_or(0.0, semantic_part);
            let (wl, ws) = if qvec.is_some() {
                (W_LEX, W_SEM)
            } else {
                (1.0, 0.0)
            };
            let relevance = wl * lexical + ws * sem;
            let gate = (relevance / GATE).min(1.0);
            let fit = score::fit(q, meta, fields);
            let parts = [
                fit.fields,
                fit.modes,
                fit.trl,
                f32::from(u8::from(fit.same_region)),
            ];
            let c = Contributions {
                text: (w_rel * wl * lexical * 1000.0).round() / 1000.0,
                semantic: (w_rel * ws * sem * 1000.0).round() / 1000.0,
                fields: (w_fit[0] * gate * parts[0] * 1000.0).round() / 1000.0,
                modes: (w_fit[1] * gate * parts[1] * 1000.0).round() / 1000.0,
                trl: (w_fit[2] * gate * parts[2] * 1000.0).round() / 1000.0,
                region: (w_fit[3] * gate * parts[3] * 1000.0).round() / 1000.0,
            };
            let raw = w_rel * relevance + gate * (0..4).map(|k| w_fit[k] * parts[k]).sum::<f32>();
            let score = [c.text, c.semantic, c.fields, c.modes, c.trl, c.region]
                .iter()
                .map(|&x| thousandths(x))
                .sum::<i32>()
                .min(1000);
            scored.push((score, raw, meta, fit, c, tmask, cmask, cosine));
        }
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| b.1.total_cmp(&a.1))
                .then_with(|| a.2.id.cmp(&b.2.id))
        });
        scored.truncate(limit);

        let glossary = self.lexicon.glossary;
        Ok(scored
            .into_iter()
            .map(
                |(score, _, meta, fit, contributions, tmask, cmask, cosine)| {
                    let mut matched_terms = Vec::new();
                    for (_, c) in concepts
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| cmask >> j & 1 == 1)
                    {
                        let id = c.concept.unwrap_or_default();
                        let own_words = terms
                            .iter()
                            .enumerate()
                            .any(|(k, t)| t.covered_by.contains(&id) && tmask >> k & 1 == 1);
                        let link = if own_words {
                            None
                        } else {
                            glossary.get(id).map(|g| g.label())
                        };
                        matched_terms.push(MatchedTerm {
                            term: c.surface.clone(),
                            glossary: link,
                        });
                    }
                    for (k, t) in terms.iter().enumerate() {
                        let via_concept = t.covered_by.iter().any(|id| {
                            concepts
                                .iter()
                                .position(|c| c.concept == Some(*id))
                                .is_some_and(|j| cmask >> j & 1 == 1)
                        });
                        if tmask >> k & 1 == 1
                            && !via_concept
                            && !matched_terms.iter().any(|m| m.term == t.surface)
                        {
                            matched_terms.push(MatchedTerm {
                                term: t.surface.clone(),
                                glossary: None,
                            });
                        }
                    }
                    let mut explanation = Explanation {
                        matched_terms,
                        semantic_similarity: cosine.map(|c| (c * 1000.0).round() / 1000.0),
                        shared_fields: fit.shared_fields,
                        shared_modes: fit.shared_modes,
                        trl_fit: fit.trl_fit.to_string(),
                        same_region: fit.same_region,
                        contributions,
                        summary: Vec::new(),
                    };
                    explanation.summarize(|c| c.to_string(), q.region_code.as_deref());
                    Match {
                        id: meta.id.clone(),
                        organization_id: meta.organization_id.clone(),
                        score: score as f32 / 1000.0,
                        explanation,
                    }
                },
            )
            .collect())
    }
}

/// Where the live document of listing `id` is.
fn address_of(
    searcher: &tantivy::Searcher,
    field: tantivy::schema::Field,
    id: &str,
) -> anyhow::Result<Option<DocAddress>> {
    let term = Term::from_field_text(field, id);
    for (seg, reader) in searcher.segment_readers().iter().enumerate() {
        let inv = reader.inverted_index(field)?;
        if let Some(mut postings) = inv.read_postings(&term, IndexRecordOption::Basic)? {
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                if reader.alive_bitset().is_none_or(|b| b.is_alive(doc)) {
                    return Ok(Some(DocAddress::new(seg as u32, doc)));
                }
                doc = postings.advance();
            }
        }
    }
    Ok(None)
}
