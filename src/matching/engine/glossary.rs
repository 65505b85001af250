//! The bilingual domain glossary (`seed/glossary.tsv`) and concept detection.
//!
//! Each non-comment line of the glossary is one concept: Chinese synonyms in
//! the first column, English synonyms in the second, `|`-separated. A concept
//! gets a stable id (its line order) and an index token `c<id>`; documents are
//! expanded with the tokens of every concept they mention, and queries search
//! them too, which is what lets a Chinese need find an English capability.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::analysis::{Analyzer, Tok};

/// The glossary shipped with the crate.
const SHIPPED: &str = include_str!("../../../seed/glossary.tsv");

/// One glossary line: a concept and its synonyms in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// Position of the concept in the glossary (0-based).
    pub id: u32,
    /// Chinese synonyms (may contain Latin letters, e.g. `XRF分选`).
    pub zh: Vec<String>,
    /// English synonyms.
    pub en: Vec<String>,
}

impl Concept {
    /// The token that stands for this concept in the `concepts` index field.
    pub fn token(&self) -> String {
        concept_token(self.id)
    }

    /// All synonyms joined by ` = `, e.g. `赤泥 = red mud = bauxite residue`.
    pub fn label(&self) -> String {
        let all: Vec<&str> = self.zh.iter().chain(&self.en).map(String::as_str).collect();
        all.join(" = ")
    }
}

/// The index token of concept `id`.
pub fn concept_token(id: u32) -> String {
    format!("c{id}")
}

/// A parsed glossary.
#[derive(Debug, Clone)]
pub struct Glossary {
    concepts: Vec<Concept>,
    fingerprint: u64,
}

impl Glossary {
    /// Parses the TSV text: header `zh\ten`, `#` comments and blank lines skipped.
    /// Malformed lines (no synonym at all) are skipped with a warning.
    pub fn parse(text: &str) -> Glossary {
        let mut concepts = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') || (n == 0 && line == "zh\ten") {
                continue;
            }
            let mut cols = line.splitn(2, '\t');
            let split = |col: Option<&str>| -> Vec<String> {
                col.unwrap_or("")
                    .split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            let zh = split(cols.next());
            let en = split(cols.next());
            if zh.is_empty() && en.is_empty() {
                tracing::warn!(line = n + 1, "glossary line without synonyms skipped");
                continue;
            }
            let id = u32::try_from(concepts.len()).unwrap_or(u32::MAX);
            concepts.push(Concept { id, zh, en });
        }
        Glossary {
            concepts,
            fingerprint: fnv1a(text.as_bytes()),
        }
    }

    /// The glossary compiled into the binary from `seed/glossary.tsv`.
    pub fn shipped() -> &'static Glossary {
        static SHIPPED_GLOSSARY: OnceLock<Glossary> = OnceLock::new();
        SHIPPED_GLOSSARY.get_or_init(|| Glossary::parse(SHIPPED))
    }

    /// All concepts, in id order.
    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    /// The concept with this id.
    pub fn get(&self, id: u32) -> Option<&Concept> {
        self.concepts.get(id as usize)
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    /// True when the glossary has no concept.
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// A hash of the glossary text; an index built with another glossary must be rebuilt.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }
}

/// FNV-1a, 64 bit: a stable hash (std's hasher may change between releases).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One occurrence of a concept in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptHit {
    /// The concept id.
    pub concept: u32,
    /// Byte range of the occurrence in the analyzed text.
    pub from: usize,
    /// End of the byte range (exclusive).
    pub to: usize,
}

#[derive(Debug, Default)]
struct TrieNode {
    children: HashMap<char, usize>,
    concepts: Vec<u32>,
}

/// Finds glossary concepts in analyzed text.
///
/// Chinese synonyms of two or more characters are found as substrings (so a
/// segmentation choice cannot hide them); one-character Chinese synonyms must
/// be a whole jieba token; English (and other Latin-script) synonyms must be a
/// whole-word phrase over the normalized token sequence.
#[derive(Debug)]
pub struct ConceptMatcher {
    trie: Vec<TrieNode>,
    single: HashMap<String, Vec<u32>>,
    phrases: HashMap<String, Vec<(Vec<String>, u32)>>,
}

impl ConceptMatcher {
    /// Compiles the glossary, normalizing phrases with `analyzer`.
    pub fn new(glossary: &Glossary, analyzer: &Analyzer) -> ConceptMatcher {
        let mut m = ConceptMatcher {
            trie: vec![TrieNode::default()],
            single: HashMap::new(),
            phrases: HashMap::new(),
        };
        for c in glossary.concepts() {
            for s in &c.zh {
                let has_han = s.chars().any(super::analysis::is_han);
                let n_chars = s.chars().count();
                if has_han && n_chars >= 2 {
                    m.insert_trie(&s.to_lowercase(), c.id);
                } else if has_han {
                    m.single.entry(s.clone()).or_default().push(c.id);
                } else {
                    m.insert_phrase(analyzer, s, c.id);
                }
            }
            for s in &c.en {
                m.insert_phrase(analyzer, s, c.id);
            }
        }
        m
    }

    fn insert_trie(&mut self, s: &str, id: u32) {
        let mut node = 0;
        for ch in s.chars() {
            let next = self.trie.len();
            let child = *self.trie[node].children.entry(ch).or_insert(next);
            if child == next {
                self.trie.push(TrieNode::default());
            }
            node = child;
        }
        if !self.trie[node].concepts.contains(&id) {
            self.trie[node].concepts.push(id);
        }
    }

    fn insert_phrase(&mut self, analyzer: &Analyzer, s: &str, id: u32) {
        let words: Vec<String> = analyzer.tokens(s).into_iter().map(|t| t.text).collect();
        let Some(first) = words.first().cloned() else {
            return;
        };
        let list = self.phrases.entry(first).or_default();
        if !list.iter().any(|(w, c)| *c == id && *w == words) {
            list.push((words, id));
        }
    }

    /// Concept occurrences in `text`, whose tokens (from the same analyzer) are `tokens`.
    /// Nested and overlapping occurrences are all reported.
    pub fn detect(&self, text: &str, tokens: &[Tok]) -> Vec<ConceptHit> {
        let mut hits = Vec::new();
        // Chinese substrings, over the lower-cased text.
        let chars: Vec<(usize, char)> = text
            .char_indices()
            .map(|(i, c)| (i, c.to_lowercase().next().unwrap_or(c)))
            .collect();
        for start in 0..chars.len() {
            let mut node = 0;
            for k in start..chars.len() {
                let Some(&next) = self.trie[node].children.get(&chars[k].1) else {
                    break;
                };
                node = next;
                if !self.trie[node].concepts.is_empty() {
                    let to = chars.get(k + 1).map_or(text.len(), |c| c.0);
                    for &concept in &self.trie[node].concepts {
                        hits.push(ConceptHit {
                            concept,
                            from: chars[start].0,
                            to,
                        });
                    }
                }
            }
        }
        // Single-character Chinese tokens and Latin-script phrases.
        for (i, t) in tokens.iter().enumerate() {
            if let Some(ids) = self.single.get(&t.text) {
                for &concept in ids {
                    hits.push(ConceptHit {
                        concept,
                        from: t.from,
                        to: t.to,
                    });
                }
            }
            let Some(list) = self.phrases.get(&t.text) else {
                continue;
            };
            for (words, concept) in list {
                let end = i + words.len();
                if end > tokens.len() {
                    continue;
                }
                let ok = tokens[i..end]
                    .iter()
                    .enumerate()
                    .all(|(k, tk)| tk.text == words[k] && tk.pos == t.pos + k);
                if ok {
                    hits.push(ConceptHit {
                        concept: *concept,
                        from: t.from,
                        to: tokens[end - 1].to,
                    });
                }
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::super::analysis::Lexicon;
    use super::*;

    #[test]
    fn parses_the_shipped_file() {
        let g = Glossary::shipped();
        assert!(g.len() > 400, "only {} concepts", g.len());
        let red_mud = g
            .concepts()
            .iter()
            .find(|c| c.zh.iter().any(|z| z == "赤泥"))
            .unwrap();
        assert_eq!(red_mud.label(), "赤泥 = red mud = bauxite residue");
    }

    #[test]
    fn parse_skips_comments_and_header() {
        let g = Glossary::parse("zh\ten\n# c\n\n赤泥\tred mud|bauxite residue\n\tonly english\n");
        assert_eq!(g.len(), 2);
        assert_eq!(g.concepts()[1].en, vec!["only english".to_string()]);
        assert_eq!(g.concepts()[1].token(), "c1");
    }

    #[test]
    fn detects_both_languages() {
        let lex = Lexicon::shared();
        let id = |s: &str| {
            lex.glossary
                .concepts()
                .iter()
                .find(|c| c.zh.iter().any(|z| z == s))
                .unwrap()
                .id
        };
        let zh = lex.analyze("赤泥中铁的回收与综合利用");
        let zh_ids: Vec<u32> = zh.concepts.iter().map(|h| h.concept).collect();
        assert!(zh_ids.contains(&id("赤泥")), "{zh_ids:?}");
        let en = lex.analyze("Iron recovery from Bauxite Residues, by magnetic separation.");
        let en_ids: Vec<u32> = en.concepts.iter().map(|h| h.concept).collect();
        assert!(en_ids.contains(&id("赤泥")), "{en_ids:?}");
        assert!(en_ids.contains(&id("磁选")), "{en_ids:?}");
        // A phrase does not match across punctuation.
        let broken = lex.analyze("red, mud");
        assert!(!broken.concepts.iter().any(|h| h.concept == id("赤泥")));
    }
}
