//! Search: query analysis and reduction, BM25 retrieval of candidates on the
//! target side, and re-ranking by text coverage plus structured fit.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, Term};

use super::glossary::concept_token;
use super::index::{Engine, read};
use super::schema::SideFields;
use super::score::{self, FieldTree};
use super::{Explanation, Match, MatchedTerm, Query};

/// Candidates retrieved by BM25 before re-ranking.
const CANDIDATES: usize = 200;
/// Share of the side's listings above which a term is too common to search...
const COMMON_SHARE: f64 = 0.1;
/// ...provided it is on more than this many listings (small indexes keep all terms).
const COMMON_MIN_DF: f64 = 1000.0;
/// A query with more distinct terms than this is reduced...
const MAX_TERMS: usize = 15;
/// ...to this many terms, by TF-IDF.
const KEEP_TERMS: usize = 10;
/// At most this many concepts are searched.
const MAX_CONCEPTS: usize = 10;
/// Query units tracked per candidate (bit masks).
const MAX_UNITS: usize = 64;
/// Boost of title and keyword matches over description matches.
const BOOST_TITLE: f32 = 3.0;
/// Boost of concept matches.
const BOOST_CONCEPTS: f32 = 2.0;
/// Weight of keyword occurrences against text occurrences in term selection.
const KEYWORD_TF: f32 = 2.0;
/// Share of coverage (vs BM25 relative to the best candidate) in the text part.
const W_COVERAGE: f32 = 0.6;

/// A query token.
pub(super) struct QTerm {
    text: String,
    surface: String,
    tf: f32,
    idf: f32,
    covered_by: Vec<u32>,
}

/// A query concept.
pub(super) struct QConcept {
    id: u32,
    surface: String,
    tf: f32,
    idf: f32,
}

fn idf(n: u64, df: u64) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln().max(0.01)
}

/// Analyzes the query text and keywords into weighted terms and concepts,
/// drops what the index does not know, and reduces long queries.
pub(super) fn analyze(
    engine: &Engine,
    searcher: &Searcher,
    q: &Query,
) -> anyhow::Result<(Vec<QTerm>, Vec<QConcept>)> {
    let f = engine.fields.of(q.target);
    let mut terms: Vec<QTerm> = Vec::new();
    let mut concepts: Vec<QConcept> = Vec::new();
    let (mut term_at, mut concept_at) = (HashMap::new(), HashMap::new());
    let parts = std::iter::once((q.text.as_str(), 1.0))
        .chain(q.keywords.iter().map(|k| (k.as_str(), KEYWORD_TF)));
    for (text, weight) in parts {
        let a = engine.lexicon.analyze(text);
        for h in &a.concepts {
            let i = *concept_at.entry(h.concept).or_insert_with(|| {
                let surface = text.get(h.from..h.to).unwrap_or_default().to_lowercase();
                concepts.push(QConcept {
                    id: h.concept,
                    surface,
                    tf: 0.0,
                    idf: 0.0,
                });
                concepts.len() - 1
            });
            concepts[i].tf += weight;
        }
        for t in &a.tokens {
            let i = *term_at.entry(t.text.clone()).or_insert_with(|| {
                let surface = text.get(t.from..t.to).unwrap_or_default().to_lowercase();
                let qt = QTerm {
                    text: t.text.clone(),
                    surface,
                    tf: 0.0,
                    idf: 0.0,
                    covered_by: vec![],
                };
                terms.push(qt);
                terms.len() - 1
            });
            terms[i].tf += weight;
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
    let n = searcher.doc_freq(&engine.side_term(q.target))?;
    let mut dfs = Vec::with_capacity(concepts.len() + terms.len());
    for c in &mut concepts {
        let df = searcher.doc_freq(&Term::from_field_text(f.concepts, &concept_token(c.id)))?;
        c.idf = if df == 0 { 0.0 } else { idf(n, df) };
        dfs.push(df);
    }
    for t in &mut terms {
        let mut df = 0;
        for field in [f.description, f.title, f.keywords] {
            df = df.max(searcher.doc_freq(&Term::from_field_text(field, &t.text))?);
            if df > 0 {
                break;
            }
        }
        t.idf = if df == 0 { 0.0 } else { idf(n, df) };
        dfs.push(df);
    }
    // Common-term cutoff: in a large index, terms on a big share of the side's
    // listings add next to nothing to BM25 but dominate the cost of the union;
    // drop them while something rarer is left (they become stop words).
    let common = (COMMON_SHARE * n as f64).max(COMMON_MIN_DF) as u64;
    if dfs.iter().any(|&df| df > common) && dfs.iter().any(|&df| df > 0 && df <= common) {
        let min_idf = idf(n, common);
        concepts.retain(|c| c.idf > min_idf);
        terms.retain(|t| t.idf > min_idf);
    }
    concepts.retain(|c| c.idf > 0.0);
    terms.retain(|t| t.idf > 0.0);
    let by_tfidf = |a: f32, b: f32| b.total_cmp(&a);
    if concepts.len() > MAX_CONCEPTS {
        concepts.sort_by(|a, b| by_tfidf(a.tf * a.idf, b.tf * b.idf));
        concepts.truncate(MAX_CONCEPTS);
    }
    if terms.len() > MAX_TERMS {
        // Keep the most informative terms, plus the words of kept concepts
        // (needed to tell a same-language match from a glossary one).
        let mut order: Vec<usize> = (0..terms.len()).collect();
        order.sort_by(|&a, &b| by_tfidf(terms[a].tf * terms[a].idf, terms[b].tf * terms[b].idf));
        let mut keep = vec![false; terms.len()];
        for &i in order.iter().take(KEEP_TERMS) {
            keep[i] = true;
        }
        for (i, t) in terms.iter().enumerate() {
            if t.covered_by
                .iter()
                .any(|c| concepts.iter().any(|k| k.id == *c))
            {
                keep[i] = true;
            }
        }
        let mut k = keep.into_iter();
        terms.retain(|_| k.next().unwrap_or(false));
    }
    terms.truncate(MAX_UNITS);
    for t in &mut terms {
        t.covered_by.retain(|c| concepts.iter().any(|k| k.id == *c));
    }
    Ok((terms, concepts))
}

/// Which query terms and concepts each candidate contains, as bit masks.
fn term_masks(
    f: &SideFields,
    searcher: &Searcher,
    terms: &[QTerm],
    concepts: &[QConcept],
    hits: &[(f32, tantivy::DocAddress)],
) -> anyhow::Result<Vec<(u64, u64)>> {
    let mut masks = vec![(0u64, 0u64); hits.len()];
    let mut by_segment: HashMap<u32, Vec<(DocId, usize)>> = HashMap::new();
    for (i, (_, addr)) in hits.iter().enumerate() {
        by_segment
            .entry(addr.segment_ord)
            .or_default()
            .push((addr.doc_id, i));
    }
    let probes: Vec<(Field, String, bool, usize)> = terms
        .iter()
        .enumerate()
        .flat_map(|(i, t)| {
            [f.title, f.keywords, f.description].map(|fd| (fd, t.text.clone(), false, i))
        })
        .chain(
            concepts
                .iter()
                .enumerate()
                .map(|(i, c)| (f.concepts, concept_token(c.id), true, i)),
        )
        .collect();
    for (seg, mut docs) in by_segment {
        docs.sort_unstable();
        let reader = searcher.segment_reader(seg);
        let mut inverted = HashMap::new();
        for (field, text, is_concept, unit) in &probes {
            let inv = match inverted.get(field) {
                Some(inv) => std::sync::Arc::clone(inv),
                None => {
                    let inv = reader.inverted_index(*field)?;
                    inverted.insert(*field, std::sync::Arc::clone(&inv));
                    inv
                }
            };
            let term = Term::from_field_text(*field, text);
            let Some(mut postings) = inv.read_postings(&term, IndexRecordOption::Basic)? else {
                continue;
            };
            let bit = 1u64 << unit;
            for &(doc, i) in &docs {
                let at = if postings.doc() < doc {
                    postings.seek(doc)
                } else {
                    postings.doc()
                };
                if at == doc {
                    if *is_concept {
                        masks[i].1 |= bit;
                    } else {
                        masks[i].0 |= bit;
                    }
                }
            }
        }
    }
    Ok(masks)
}

/// The BM25 query: the union of (boosted) term queries over the target
/// side's text fields, as the single required clause, minus the excluded
/// listing and organization.
///
/// Wrapping the union in a required clause keeps tantivy off block-WAND,
/// which was measured ~10x slower here for paragraph queries at top-200
/// (100k listings: 37.6 ms against 3.6 ms p50); a required `side` term clause
/// is not needed since each side has its own text fields, and it doubled the
/// cost at 1M listings (16 ms against 8 ms p50 for short queries).
pub(super) fn retrieval_query(
    engine: &Engine,
    q: &Query,
    fields: &FieldTree,
    terms: &[QTerm],
    concepts: &[QConcept],
) -> Option<BooleanQuery> {
    let f = engine.fields.of(q.target);
    let term_q = |field: Field, text: &str, boost: f32| -> (Occur, Box<dyn TQuery>) {
        let tq = TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        );
        (
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(tq), boost)),
        )
    };
    let mut should: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
    for t in terms {
        should.push(term_q(f.title, &t.text, BOOST_TITLE));
        should.push(term_q(f.keywords, &t.text, BOOST_TITLE));
        // A term inside a searched concept is found in descriptions through the concept
        // field already; its own description postings (the longest) add cost, not recall.
        if t.covered_by.is_empty() {
            should.push(term_q(f.description, &t.text, 1.0));
        }
    }
    for c in concepts {
        should.push(term_q(f.concepts, &concept_token(c.id), BOOST_CONCEPTS));
    }
    let text_query = !should.is_empty();
    if should.is_empty() {
        // No usable text: fall back to listings in the same or neighbouring fields.
        let codes = engine.fields.field_codes;
        for code in q.field_codes.iter().flat_map(|c| fields.related(c)) {
            should.push(term_q(codes, &code, 1.0));
        }
    }
    if should.is_empty() {
        return None;
    }
    let basic = |field: Field, text: &str| -> Box<dyn TQuery> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::Basic,
        ))
    };
    let union: Box<dyn TQuery> = Box::new(BooleanQuery::new(should));
    let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = if text_query {
        // The text fields are per side already: no side clause needed.
        vec![(Occur::Must, union)]
    } else {
        let side = TermQuery::new(engine.side_term(q.target), IndexRecordOption::Basic);
        vec![
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(side), 0.0)),
            ),
            (Occur::Must, union),
        ]
    };
    if let Some(id) = &q.exclude_id {
        clauses.push((Occur::MustNot, basic(engine.fields.id, id)));
    }
    if let Some(org) = &q.exclude_organization {
        clauses.push((Occur::MustNot, basic(engine.fields.org, org)));
    }
    Some(BooleanQuery::new(clauses))
}

impl Engine {
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
        let (terms, concepts) = analyze(self, &searcher, q)?;
        let Some(query) = retrieval_query(self, q, fields, &terms, &concepts) else {
            return Ok(Vec::new());
        };
        let hits = searcher.search(
            &query,
            &TopDocs::with_limit(CANDIDATES.max(limit)).order_by_score(),
        )?;
        let masks = term_masks(
            self.fields.of(q.target),
            &searcher,
            &terms,
            &concepts,
            &hits,
        )?;
        let best = hits.iter().map(|h| h.0).fold(0.0f32, f32::max);

        // Coverage units: every concept, and every term no searched concept covers.
        let unit_terms: Vec<usize> = (0..terms.len())
            .filter(|&i| terms[i].covered_by.is_empty())
            .collect();
        let total: f32 = concepts.iter().map(|c| c.idf).sum::<f32>()
            + unit_terms.iter().map(|&i| terms[i].idf).sum::<f32>();

        let mut keys = Vec::with_capacity(hits.len());
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            let column = reader.fast_fields().u64("key")?;
            for (i, (_, addr)) in hits.iter().enumerate() {
                if addr.segment_ord as usize == seg {
                    keys.push((i, column.first(addr.doc_id)));
                }
            }
        }
        keys.sort_unstable_by_key(|k| k.0);

        let table = read(&self.table);
        let mut scored = Vec::with_capacity(hits.len());
        for (i, key) in keys {
            let Some(meta) = key.and_then(|k| table.by_key.get(&k)) else {
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
                .map(|(_, c)| c.idf)
                .sum::<f32>()
                + unit_terms
                    .iter()
                    .filter(|&&j| tmask >> j & 1 == 1)
                    .map(|&j| terms[j].idf)
                    .sum::<f32>();
            let coverage = if total > 0.0 { covered / total } else { 0.0 };
            let relative = if best > 0.0 && total > 0.0 {
                hits[i].0 / best
            } else {
                0.0
            };
            let text = W_COVERAGE * coverage + (1.0 - W_COVERAGE) * relative;
            let fit = score::fit(q, meta, fields);
            let contributions = score::contributions(text, &fit);
            let total_score = contributions.total().min(1.0);
            scored.push((total_score, meta, fit, contributions, tmask, cmask));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        scored.truncate(limit);

        let glossary = self.lexicon.glossary;
        Ok(scored
            .into_iter()
            .map(|(s, meta, fit, contributions, tmask, cmask)| {
                let mut matched_terms = Vec::new();
                for (_, c) in concepts
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| cmask >> j & 1 == 1)
                {
                    let own_words = terms
                        .iter()
                        .enumerate()
                        .any(|(k, t)| t.covered_by.contains(&c.id) && tmask >> k & 1 == 1);
                    let link = if own_words {
                        None
                    } else {
                        glossary.get(c.id).map(|g| g.label())
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
                            .position(|c| c.id == *id)
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
                Match {
                    id: meta.id.clone(),
                    organization_id: meta.organization_id.clone(),
                    score: s,
                    explanation: Explanation {
                        matched_terms,
                        shared_fields: fit.shared_fields,
                        shared_modes: fit.shared_modes,
                        trl_fit: fit.trl_fit.to_string(),
                        same_region: fit.same_region,
                        contributions,
                    },
                }
            })
            .collect())
    }
}
