//! The synthetic bilingual corpus of `bench match` and `bench load`, made to cost the
//! sentence encoder what real listings cost it:
//!
//! - sentences are the real prose of the two judged sets (`tests/fixtures/matching_judged_set.json`
//!   and `matching_judgments.json`: titles and description sentences of 430 needs and
//!   capabilities in Chinese and English, aluminium topics and distractors from other
//!   industries), each with its first glossary term turned into a slot that takes a random
//!   glossary term of the same language, and every number redrawn;
//! - every description ends with a sentence of words drawn from the encoder's own unigram
//!   distribution (the SentencePiece model's piece probabilities, Chinese pieces for a Chinese
//!   listing, whole English words for an English one): the long tail of vocabulary a
//!   registry has, so the per-piece cache of the encoder meets new pieces the way it would
//!   in service instead of one small piece set it holds entirely.
//!
//! Everything is drawn from a seeded generator: the same seed gives the same corpus.

use rand::Rng;
use rand::rngs::StdRng;
use serde::Deserialize;

use super::FIELDS;
use crate::matching::engine::{Doc, Side};

const GLOSSARY: &str = include_str!("../../seed/glossary.tsv");
const JUDGED_SET: &str = include_str!("../../tests/fixtures/matching_judged_set.json");
const JUDGMENTS: &str = include_str!("../../tests/fixtures/matching_judgments.json");

/// A sentence with at most one slot for a glossary term.
struct Template {
    before: String,
    /// `None`: no glossary term in the sentence.
    after: Option<String>,
}

/// Text drawn by weight: cumulative weights and the items.
struct Weighted {
    cumulative: Vec<f64>,
    items: Vec<String>,
}

impl Weighted {
    fn draw<'a>(&'a self, rng: &mut StdRng) -> &'a str {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c < x);
        self.items
            .get(i.min(self.items.len().saturating_sub(1)))
            .map_or("", String::as_str)
    }
}

/// One language's material.
struct Language {
    terms: Vec<String>,
    titles: Vec<Template>,
    sentences: Vec<Template>,
    /// Chinese pieces or English words with their unigram probabilities.
    tail: Weighted,
}

/// What the corpus is drawn from.
pub struct Vocabulary {
    zh: Language,
    en: Language,
    pub(crate) fields: Vec<String>,
}

#[derive(Deserialize)]
struct Listing {
    title: String,
    description: String,
}

#[derive(Deserialize)]
struct Fixture {
    needs: Vec<Listing>,
    capabilities: Vec<Listing>,
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(is_han)
}

/// Sentences of a description, each with its closing punctuation.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        cur.push(c);
        let end = matches!(c, '。' | '；' | '！' | '？')
            || (matches!(c, '.' | ';' | '!' | '?') && chars.peek().is_none_or(|n| *n == ' '));
        if end {
            let s = cur.trim().to_owned();
            if s.chars().count() >= 8 {
                out.push(s);
            }
            cur.clear();
        }
    }
    let s = cur.trim().to_owned();
    if s.chars().count() >= 8 {
        out.push(s);
    }
    out
}

/// `sentence` with its longest glossary term (of `terms`) made a slot.
fn template(sentence: &str, terms: &[String]) -> Template {
    let lower = sentence.to_lowercase();
    let found = terms
        .iter()
        .filter(|t| t.chars().count() >= 2)
        .filter_map(|t| lower.find(t.as_str()).map(|at| (at, t.len())))
        .max_by_key(|&(at, len)| (len, std::cmp::Reverse(at)));
    match found {
        // `to_lowercase` keeps byte offsets for the ASCII and Han text of the fixtures; a
        // sentence where it does not is kept whole.
        Some((at, len))
            if lower.len() == sentence.len()
                && sentence.is_char_boundary(at)
                && sentence.is_char_boundary(at + len) =>
        {
            Template {
                before: sentence[..at].to_owned(),
                after: Some(sentence[at + len..].to_owned()),
            }
        }
        _ => Template {
            before: sentence.to_owned(),
            after: None,
        },
    }
}

/// Chinese pieces (`zh`) or whole English words, weighted by their unigram probability.
fn tail(zh: bool) -> Weighted {
    let (mut cumulative, mut items) = (Vec::new(), Vec::new());
    let mut total = 0.0f64;
    if let Ok(enc) = crate::matching::engine::semantic::encoder() {
        let tok = enc.tokenizer();
        for id in 0..tok.vocab_size() as u32 {
            let Some((piece, score)) = tok.piece(id) else {
                continue;
            };
            let text = piece.trim_start_matches('\u{2581}');
            let keep = if zh {
                !text.is_empty() && text.chars().all(is_han)
            } else {
                piece.starts_with('\u{2581}')
                    && text.len() >= 2
                    && text.chars().all(|c| c.is_ascii_lowercase())
            };
            if keep {
                total += f64::from(score).exp();
                cumulative.push(total);
                items.push(text.to_owned());
            }
        }
    }
    Weighted { cumulative, items }
}

fn language(zh: bool, terms: Vec<String>, listings: &[&Listing]) -> Language {
    let mut terms = terms;
    terms.sort();
    terms.dedup();
    let lower_terms: Vec<String> = terms.iter().map(|t| t.to_lowercase()).collect();
    let mine: Vec<&&Listing> = listings
        .iter()
        .filter(|l| is_chinese(&l.title) == zh)
        .collect();
    let titles = mine
        .iter()
        .map(|l| template(l.title.trim(), &lower_terms))
        .collect();
    let sentences = mine
        .iter()
        .flat_map(|l| sentences(&l.description))
        .map(|s| template(&s, &lower_terms))
        .collect();
    Language {
        terms,
        titles,
        sentences,
        tail: tail(zh),
    }
}

/// The material of the corpus (loads the encoder's tokenizer for the word tail).
pub fn vocabulary() -> Vocabulary {
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
    let fixtures: Vec<Fixture> = [JUDGED_SET, JUDGMENTS]
        .iter()
        .filter_map(|f| serde_json::from_str(f).ok())
        .collect();
    let listings: Vec<&Listing> = fixtures
        .iter()
        .flat_map(|f| f.needs.iter().chain(&f.capabilities))
        .collect();
    Vocabulary {
        zh: language(true, zh, &listings),
        en: language(false, en, &listings),
        fields,
    }
}

impl Vocabulary {
    fn lang(&self, zh: bool) -> &Language {
        if zh { &self.zh } else { &self.en }
    }

    /// Sentences available in each language (titles, description sentences).
    pub fn sizes(&self) -> [(usize, usize, usize); 2] {
        [&self.zh, &self.en].map(|l| (l.titles.len(), l.sentences.len(), l.tail.items.len()))
    }

    fn term(&self, rng: &mut StdRng, zh: bool) -> String {
        let terms = &self.lang(zh).terms;
        terms
            .get(rng.random_range(0..terms.len().max(1)))
            .cloned()
            .unwrap_or_default()
    }

    fn fill(&self, rng: &mut StdRng, zh: bool, t: &Template, out: &mut String) {
        renumber(rng, &t.before, out);
        if let Some(after) = &t.after {
            out.push_str(&self.term(rng, zh));
            renumber(rng, after, out);
        }
    }

    fn title(&self, rng: &mut StdRng, zh: bool) -> String {
        let l = self.lang(zh);
        let mut out = String::new();
        if let Some(t) = l.titles.get(rng.random_range(0..l.titles.len().max(1))) {
            self.fill(rng, zh, t, &mut out);
        }
        out
    }

    /// `n` sentences of the judged sets, then `tails` sentences of the word tail.
    fn paragraph(&self, rng: &mut StdRng, zh: bool, n: usize, tails: usize) -> String {
        let l = self.lang(zh);
        let mut out = String::new();
        for _ in 0..n {
            if let Some(t) = l
                .sentences
                .get(rng.random_range(0..l.sentences.len().max(1)))
            {
                if !out.is_empty() && !zh {
                    out.push(' ');
                }
                self.fill(rng, zh, t, &mut out);
            }
        }
        for _ in 0..tails {
            let words = rng.random_range(6..=16);
            if !out.is_empty() && !zh {
                out.push(' ');
            }
            for w in 0..words {
                let word = l.tail.draw(rng);
                if zh {
                    out.push_str(word);
                } else {
                    if w > 0 {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
            }
            out.push_str(if zh { "。" } else { "." });
        }
        out
    }
}

/// Appends `text` with every run of digits replaced by a random number.
fn renumber(rng: &mut StdRng, text: &str, out: &mut String) {
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                let digits = rng.random_range(1..=4);
                let n: u32 = rng.random_range(0..10u32.pow(digits));
                out.push_str(&n.to_string());
                in_number = true;
            }
        } else {
            in_number = false;
            out.push(c);
        }
    }
}

/// Listing `i` of the corpus: a need (30 %) or a capability, Chinese or English (half each),
/// a title, two to four sentences and a tail sentence of description, three keywords.
pub fn synthetic(rng: &mut StdRng, v: &Vocabulary, i: usize) -> Doc {
    let zh = rng.random_bool(0.5);
    let side = if rng.random_bool(0.3) {
        Side::Need
    } else {
        Side::Capability
    };
    let sentences = rng.random_range(2..=4);
    Doc {
        id: format!("{i:08}").into(),
        side,
        organization_id: format!("org{}", i % 10_000).into(),
        title: v.title(rng, zh),
        description: v.paragraph(rng, zh, sentences, 1),
        keywords: (0..3).map(|_| v.term(rng, zh)).collect(),
        field_codes: vec![v.fields[rng.random_range(0..v.fields.len())].clone()],
        modes: vec!["joint_rnd".to_owned()],
        trl: Some(rng.random_range(1..=9)),
        region_code: Some("zouping".to_owned()),
    }
}

/// The text of a paragraph-length need: five to seven sentences and two tail sentences
/// (about 150-250 Chinese characters or 80-150 English words).
pub fn paragraph(rng: &mut StdRng, v: &Vocabulary, zh: bool) -> String {
    let n = rng.random_range(5..=7);
    v.paragraph(rng, zh, n, 2)
}

/// A short query's text: a glossary term and a few words.
pub fn short_text(rng: &mut StdRng, v: &Vocabulary, zh: bool) -> String {
    let words = v.lang(zh).tail.draw(rng).to_owned();
    let term = v.term(rng, zh);
    if zh {
        format!("{term}{words}")
    } else {
        format!("{term} {words}")
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn corpus_is_varied_and_reproducible() {
        let v = vocabulary();
        for (titles, sentences, tail) in v.sizes() {
            assert!(titles >= 200 && sentences >= 200 && tail >= 5000);
        }
        let draw = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..200)
                .map(|i| synthetic(&mut rng, &v, i))
                .collect::<Vec<_>>()
        };
        let docs = draw(3);
        assert_eq!(docs, draw(3));
        let descriptions: std::collections::HashSet<&str> =
            docs.iter().map(|d| d.description.as_str()).collect();
        assert_eq!(descriptions.len(), docs.len());
        assert!(docs.iter().any(|d| is_chinese(&d.title)));
        assert!(docs.iter().any(|d| d.title.is_ascii()));
        let mut rng = StdRng::seed_from_u64(1);
        let zh = paragraph(&mut rng, &v, true);
        assert!(zh.chars().count() >= 120, "{zh}");
        let en = paragraph(&mut rng, &v, false);
        assert!(en.split(' ').count() >= 60, "{en}");
    }
}
