//! Lexical retrieval: query analysis and reduction by TF-IDF, the BM25 query over the
//! target side, and which query units each candidate contains (bit masks). Scoring is in
//! `hybrid`.

use std::collections::HashMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, Term};

use super::glossary::concept_token;
use super::index::Engine;
use super::score::FieldTree;
use super::{Query, Side};
use crate::db::ids::ListingId;
use tantivy::collector::TopDocs;

/// Candidates retrieved by BM25 before re-ranking.
pub(super) const CANDIDATES: usize = 200;
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

/// A query token.
pub(super) struct QTerm {
    text: String,
    tf: f32,
    idf: f32,
    covered_by: Vec<u32>,
}

/// A query concept.
pub(super) struct QConcept {
    id: u32,
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
                concepts.push(QConcept {
                    id: h.concept,
                    tf: 0.0,
                    idf: 0.0,
                });
                concepts.len() - 1
            });
            concepts[i].tf += weight;
        }
        for t in &a.tokens {
            let i = *term_at.entry(t.text.clone()).or_insert_with(|| {
                let qt = QTerm {
                    text: t.text.clone(),
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

/// One posting list to probe: a term in a text field or a concept token, for unit `unit`.
pub(super) struct Probe {
    field: Field,
    text: String,
    concept: bool,
    unit: usize,
}

impl Probe {
    pub(super) fn term(field: Field, text: &str, unit: usize) -> Probe {
        Probe {
            field,
            text: text.to_string(),
            concept: false,
            unit,
        }
    }

    pub(super) fn concept(field: Field, token: &str, unit: usize) -> Probe {
        Probe {
            field,
            text: token.to_string(),
            concept: true,
            unit,
        }
    }
}

/// Which term units and concept units each candidate contains, as bit masks (units
/// beyond 63 are not tracked).
pub(super) fn term_masks(
    searcher: &Searcher,
    probes: &[Probe],
    hits: &[tantivy::DocAddress],
) -> anyhow::Result<Vec<(u64, u64)>> {
    let mut masks = vec![(0u64, 0u64); hits.len()];
    let mut by_segment: HashMap<u32, Vec<(DocId, usize)>> = HashMap::new();
    for (i, addr) in hits.iter().enumerate() {
        by_segment
            .entry(addr.segment_ord)
            .or_default()
            .push((addr.doc_id, i));
    }
    for (seg, mut docs) in by_segment {
        docs.sort_unstable();
        let reader = searcher.segment_reader(seg);
        let mut inverted = HashMap::new();
        for p in probes.iter().filter(|p| p.unit < MAX_UNITS) {
            let inv = match inverted.get(&p.field) {
                Some(inv) => std::sync::Arc::clone(inv),
                None => {
                    let inv = reader.inverted_index(p.field)?;
                    inverted.insert(p.field, std::sync::Arc::clone(&inv));
                    inv
                }
            };
            let term = Term::from_field_text(p.field, &p.text);
            let Some(mut postings) = inv.read_postings(&term, IndexRecordOption::Basic)? else {
                continue;
            };
            let bit = 1u64 << p.unit;
            for &(doc, i) in &docs {
                let at = if postings.doc() < doc {
                    postings.seek(doc)
                } else {
                    postings.doc()
                };
                if at == doc {
                    if p.concept {
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
    /// Ids of listings of `side` that contain every word of `text` as matching analyses it
    /// (segmentation, stemming, glossary concepts in either language; a word inside a
    /// glossary concept is found through the concept too), at most `max`, by id. For list
    /// filters: `scandium` finds a listing that says 钪.
    pub fn ids_containing(
        &self,
        side: Side,
        text: &str,
        max: usize,
    ) -> anyhow::Result<Vec<ListingId>> {
        let searcher = self.reader.searcher();
        let f = self.fields.of(side);
        let a = self.lexicon.analyze(text);
        let term = |field: Field, t: &str| -> Box<dyn TQuery> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::Basic,
            ))
        };
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for h in &a.concepts {
            must.push((Occur::Must, term(f.concepts, &concept_token(h.concept))));
        }
        let mut seen = Vec::new();
        for t in &a.tokens {
            let inside = a.concepts.iter().any(|h| h.from <= t.from && t.to <= h.to);
            if inside || seen.contains(&t.text) {
                continue;
            }
            seen.push(t.text.clone());
            let any: Vec<(Occur, Box<dyn TQuery>)> = [f.title, f.keywords, f.description]
                .iter()
                .map(|&fd| (Occur::Should, term(fd, &t.text)))
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if must.is_empty() {
            return Ok(Vec::new());
        }
        let hits = searcher.search(
            &BooleanQuery::new(must),
            &TopDocs::with_limit(max.max(1)).order_by_score(),
        )?;
        let mut columns = Vec::new();
        for reader in searcher.segment_readers() {
            columns.push(reader.fast_fields().u64("key")?);
        }
        let table = super::index::read(&self.table);
        let mut ids: Vec<ListingId> = hits
            .iter()
            .filter_map(|(_, a)| columns[a.segment_ord as usize].first(a.doc_id))
            .filter_map(|k| table.by_key.get(&k).map(|m| m.id.clone()))
            .collect();
        ids.sort();
        Ok(ids)
    }
}
