//! Bilingual text analysis: jieba segmentation with a domain dictionary for
//! Chinese, lower-casing, stop-word removal and Snowball stemming for English.
//!
//! The same pipeline is registered in tantivy as the tokenizer
//! [`TOKENIZER_NAME`] and used directly for queries and concept detection, so
//! index and query tokens always agree.

use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

use super::glossary::{ConceptHit, ConceptMatcher, Glossary};

/// Name under which the analyzer is registered in the tantivy index.
pub const TOKENIZER_NAME: &str = "collab_zh_en";

/// Position gap at punctuation, so phrases never match across a break.
const BREAK_GAP: usize = 8;
/// Tokens longer than this (in bytes) are dropped (hashes, URLs, garbage).
const MAX_TOKEN_BYTES: usize = 48;
/// Dictionary frequency given to domain words so jieba keeps them whole.
const DOMAIN_FREQ: usize = 50_000;

/// Domain words added to jieba besides the glossary's Chinese synonyms.
#[rustfmt::skip]
const EXTRA_WORDS: &[&str] = &[
    "拜耳法", "赤泥", "铝灰", "铝渣", "压铸", "选铁", "提铁", "铁精粉", "磁选", "浸出", "焙烧", "再生铝", "铝合金", "氧化铝",
    "电解铝", "模具", "印染", "综合利用",
];
/// Dictionary words that glue across a domain word boundary (`赤泥中铁` must not
/// yield 中铁): demoted so jieba splits them.
#[rustfmt::skip]
const DEMOTED_WORDS: &[&str] = &["中铁", "泥中", "铝中", "渣中", "灰中"];

/// English stop words (dropped).
#[rustfmt::skip]
const EN_STOP: &[&str] = &[
    "a", "about", "above", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does",
    "during", "each", "etc", "for", "from", "had", "has", "have", "he", "her", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "may", "more", "most", "must", "no", "nor",
    "not", "of", "on", "or", "other", "our", "ours", "over", "s", "shall", "she", "should",
    "so", "some", "such", "t", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "through", "to", "under", "up", "upon", "us", "very", "via", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
    "with", "within", "would", "you", "your",
];

/// Chinese function words and words every listing uses (dropped; glossary
/// concepts are found by substring, so dropping a word here never hides one).
#[rustfmt::skip]
const ZH_STOP: &[&str] = &[
    "的", "了", "和", "与", "及", "或", "等", "在", "中", "对", "于", "为", "以", "是", "其", "之", "及其", "并",
    "把", "被", "将", "从", "向", "由", "这", "那", "该", "各", "每", "一种", "一个", "我们", "我", "你", "他", "它",
    "进行", "通过", "基于", "用于", "关于", "相关", "具有", "实现", "以及", "或者", "并且", "而且", "如何", "需要", "希望",
    "有", "也", "都", "就", "还", "上", "下", "个", "能", "可", "可以", "要", "得", "地", "着", "所", "而", "且",
    "技术", "研究", "开发", "应用", "方法", "问题", "项目", "合作", "公司", "企业", "要求", "我公司",
];

/// True for CJK ideographs (the characters jieba segments).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Characters that join words rather than break a phrase (`high-purity`, `and/or`).
fn is_joiner(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '/' | '\'' | '’' | '_' | '&' | '+' | '·' | '‐' | '–'
        )
}

/// The base tantivy tokenizer: jieba for Han runs, words for other
/// alphanumeric runs; lower-cases and drops stop words. Stemming is added as a
/// tantivy filter on top (see [`Analyzer`]).
#[derive(Clone)]
pub struct ZhEnTokenizer {
    jieba: Arc<Jieba>,
}

/// Token stream over the tokens [`ZhEnTokenizer`] produced for one text.
pub struct ZhEnTokenStream {
    tokens: std::vec::IntoIter<Token>,
    current: Token,
}

impl TokenStream for ZhEnTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.next() {
            Some(t) => {
                self.current = t;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

impl Tokenizer for ZhEnTokenizer {
    type TokenStream<'a> = ZhEnTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhEnTokenStream {
        let mut tokens = Vec::new();
        segment(&self.jieba, text, &mut tokens);
        ZhEnTokenStream {
            tokens: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

fn push(out: &mut Vec<Token>, text: String, from: usize, to: usize, pos: &mut usize) {
    if text.len() > MAX_TOKEN_BYTES {
        return;
    }
    out.push(Token {
        offset_from: from,
        offset_to: to,
        position: *pos,
        text,
        position_length: 1,
    });
    *pos += 1;
}

fn segment(jieba: &Jieba, text: &str, out: &mut Vec<Token>) {
    let mut pos = 0usize;
    let mut pending_break = false;
    let mut chars = text.char_indices().peekable();
    // A word character: Han (assigned or not: the Han blocks hold unassigned code points,
    // which are not alphanumeric) or any other letter or digit. Every run takes at least
    // the character it starts with, so the loop always moves on.
    let word = |c: char| is_han(c) || c.is_alphanumeric();
    while let Some(&(start, c)) = chars.peek() {
        let han = is_han(c);
        if word(c) {
            let mut end = start;
            while let Some(&(i, c2)) = chars.peek() {
                if is_han(c2) == han && word(c2) {
                    end = i + c2.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if pending_break && !out.is_empty() {
                pos += BREAK_GAP;
            }
            pending_break = false;
            let run = &text[start..end];
            if han {
                for t in jieba.cut_for_search(run, false) {
                    if !ZH_STOP.contains(&t.word) {
                        push(
                            out,
                            t.word.to_string(),
                            start + t.byte_start,
                            start + t.byte_end,
                            &mut pos,
                        );
                    }
                }
            } else {
                let lower = run.to_lowercase();
                if !EN_STOP.contains(&lower.as_str()) {
                    push(out, lower, start, end, &mut pos);
                }
            }
        } else {
            if !is_joiner(c) {
                pending_break = true;
            }
            chars.next();
        }
    }
}

/// One analyzed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// Normalized text (lower-cased, stemmed for English).
    pub text: String,
    /// Byte offset of the source word in the analyzed text.
    pub from: usize,
    /// End byte offset (exclusive).
    pub to: usize,
    /// Position; consecutive words have consecutive positions.
    pub pos: usize,
}

/// The full analysis pipeline (tokenizer plus English stemmer).
#[derive(Clone)]
pub struct Analyzer {
    text: TextAnalyzer,
}

impl Analyzer {
    /// Builds the analyzer over a jieba instance that already has the domain words.
    pub fn new(jieba: Arc<Jieba>) -> Analyzer {
        let text = TextAnalyzer::builder(ZhEnTokenizer { jieba })
            .filter(Stemmer::new(Language::English))
            .build();
        Analyzer { text }
    }

    /// The tantivy analyzer, to register under [`TOKENIZER_NAME`].
    pub fn text_analyzer(&self) -> TextAnalyzer {
        self.text.clone()
    }

    /// Tokens of `text` (exactly what the index gets for it).
    pub fn tokens(&self, text: &str) -> Vec<Tok> {
        let mut analyzer = self.text.clone();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push(Tok {
                text: t.text.clone(),
                from: t.offset_from,
                to: t.offset_to,
                pos: t.position,
            });
        }
        out
    }
}

/// Tokens and concept occurrences of one text.
#[derive(Debug, Clone, Default)]
pub struct Analyzed {
    /// Index tokens.
    pub tokens: Vec<Tok>,
    /// Glossary concepts found in the text.
    pub concepts: Vec<ConceptHit>,
}

/// Analyzer, glossary and concept matcher, built once per process.
pub struct Lexicon {
    /// The token pipeline.
    pub analyzer: Analyzer,
    /// The glossary.
    pub glossary: &'static Glossary,
    /// Concept detection compiled from the glossary.
    pub matcher: ConceptMatcher,
}

impl Lexicon {
    /// Builds a lexicon: jieba's default dictionary plus the glossary's Chinese
    /// synonyms and [`EXTRA_WORDS`] at a high frequency.
    pub fn new(glossary: &'static Glossary) -> Lexicon {
        let mut jieba = Jieba::new();
        let zh_words = glossary
            .concepts()
            .iter()
            .flat_map(|c| c.zh.iter().map(String::as_str));
        for w in zh_words.chain(EXTRA_WORDS.iter().copied()) {
            if w.chars().all(is_han) && w.chars().count() >= 2 {
                jieba.add_word(w, Some(DOMAIN_FREQ), None);
            }
        }
        for w in DEMOTED_WORDS {
            jieba.add_word(w, Some(1), None);
        }
        let analyzer = Analyzer::new(Arc::new(jieba));
        let matcher = ConceptMatcher::new(glossary, &analyzer);
        Lexicon {
            analyzer,
            glossary,
            matcher,
        }
    }

    /// The process-wide lexicon over the shipped glossary (jieba's dictionary
    /// takes a noticeable time to load, so it is loaded once).
    pub fn shared() -> &'static Lexicon {
        static SHARED: OnceLock<Lexicon> = OnceLock::new();
        SHARED.get_or_init(|| Lexicon::new(Glossary::shipped()))
    }

    /// Tokens and concepts of `text`.
    pub fn analyze(&self, text: &str) -> Analyzed {
        let tokens = self.analyzer.tokens(text);
        let concepts = self.matcher.detect(text, &tokens);
        Analyzed { tokens, concepts }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        Lexicon::shared()
            .analyzer
            .tokens(s)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn english_is_lowercased_stemmed_and_filtered() {
        assert_eq!(
            words("The Recovery of IRON, by magnetic separation."),
            ["recoveri", "iron", "magnet", "separ"]
        );
    }

    #[test]
    fn chinese_keeps_domain_words() {
        let w = words("赤泥中铁的回收与综合利用");
        assert!(w.contains(&"赤泥".to_string()), "{w:?}");
        assert!(w.contains(&"铁".to_string()), "{w:?}");
        assert!(!w.contains(&"中铁".to_string()), "{w:?}");
        assert!(!w.contains(&"的".to_string()), "{w:?}");
        assert!(words("拜耳法赤泥与铝灰处理").contains(&"拜耳法".to_string()));
    }

    #[test]
    fn mixed_text_yields_english_tokens() {
        let w = words("采用XRF分选的recycled铝合金");
        assert!(w.contains(&"xrf".to_string()), "{w:?}");
        assert!(w.contains(&"recycl".to_string()), "{w:?}");
        assert!(w.contains(&"铝合金".to_string()), "{w:?}");
    }

    /// An unassigned code point in a Han block (U+2A6E0) is Han but not alphanumeric:
    /// the segmenter looped on it forever, holding a database connection per request,
    /// until the pool was exhausted (schemathesis on POST /api/v1/match).
    #[test]
    fn unassigned_han_code_points_end() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(words("赤泥\u{2A6E0}提铁 xy\u{2A6E0}zw \u{2A6E0}"));
        });
        let w = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the analyzer returns");
        assert!(
            w.contains(&"xy".to_string()) && w.contains(&"赤泥".to_string()),
            "{w:?}"
        );
    }

    #[test]
    fn punctuation_breaks_positions() {
        let t = Lexicon::shared().analyzer.tokens("red, mud");
        assert_eq!(t.len(), 2);
        assert!(t[1].pos > t[0].pos + 1);
        let t = Lexicon::shared().analyzer.tokens("high-purity alumina");
        assert_eq!(t[1].pos, t[0].pos + 1);
    }
}
