//! Message catalogs: one file per language (`zh-CN.txt`, `en.txt` beside this module),
//! embedded in the binary and shared by the web pages; emails and the problem+json
//! `title`/`detail` of API errors can read the same keys (`error.<code>`).
//!
//! Format: one `key = value` per line; `#` starts a comment line; `{name}` in a value is a
//! placeholder filled by [`fill`]. Both catalogs must hold the same keys (a unit test
//! checks it), so a missing translation fails the build's tests, not a user.

use std::collections::HashMap;
use std::sync::LazyLock;

mod locale;
pub use locale::Locale;

const ZH_CN: &str = include_str!("zh-CN.txt");
const EN: &str = include_str!("en.txt");

type Catalog = HashMap<&'static str, &'static str>;

fn parse(text: &'static str) -> Catalog {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

static CATALOGS: LazyLock<[Catalog; 2]> = LazyLock::new(|| [parse(ZH_CN), parse(EN)]);

fn catalog(locale: Locale) -> &'static Catalog {
    match locale {
        Locale::ZhCn => &CATALOGS[0],
        Locale::En => &CATALOGS[1],
    }
}

/// The message for `key` in `locale`; the key itself when no catalog has it (visible, so
/// a forgotten entry is noticed, and never a panic).
pub fn t(locale: Locale, key: &str) -> &'static str {
    if let Some(v) = catalog(locale).get(key) {
        return v;
    }
    match CATALOGS[1].get_key_value(key) {
        Some((k, _)) => k,
        None => "?",
    }
}

/// The message for `key` if the catalog of `locale` has one.
pub fn get(locale: Locale, key: &str) -> Option<&'static str> {
    catalog(locale).get(key).copied()
}

/// Replace each `{name}` in `template` by its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The language tag for `lang` attributes and `Content-Language`.
pub fn lang_tag(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "zh-CN",
        Locale::En => "en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_have_the_same_keys_and_no_empty_value() {
        let zh = parse(ZH_CN);
        let en = parse(EN);
        let mut only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        only_zh.sort();
        only_en.sort();
        assert!(only_zh.is_empty(), "missing in en.txt: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN.txt: {only_en:?}");
        for (k, v) in zh.iter().chain(en.iter()) {
            assert!(!v.is_empty(), "empty message for {k}");
        }
    }

    fn placeholders(v: &str) -> std::collections::BTreeSet<&str> {
        v.split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name))
            .collect()
    }

    /// A translation fills the same values as the English text (a `{max}` forgotten in one
    /// language would show the reader the braces).
    #[test]
    fn both_languages_of_a_message_fill_the_same_placeholders() {
        let zh = parse(ZH_CN);
        let en = parse(EN);
        let mut differ: Vec<_> = en
            .iter()
            .filter(|(k, v)| {
                zh.get(*k)
                    .is_some_and(|z| placeholders(z) != placeholders(v))
            })
            .map(|(k, _)| *k)
            .collect();
        differ.sort();
        assert!(
            differ.is_empty(),
            "placeholders differ between zh-CN and en: {differ:?}"
        );
    }

    /// Every literal key a template or a page handler asks for exists (dynamic keys such
    /// as `kind.{}` are covered by the catalogs' own entries).
    #[test]
    fn every_key_the_pages_use_is_in_the_catalogs() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let en = parse(EN);
        let mut missing = Vec::new();
        let mut dirs = vec![root.join("templates"), root.join("src/web")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split("t(\"").skip(1) {
                    let key: String = part.chars().take_while(|c| *c != '"').collect();
                    if key.contains('.') && !key.contains('{') && !en.contains_key(key.as_str()) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogs: {missing:#?}"
        );
    }

    #[test]
    fn a_key_is_looked_up_in_the_asked_language_and_filled() {
        assert_eq!(t(Locale::En, "nav.sign_in"), "Sign in");
        assert_eq!(t(Locale::ZhCn, "nav.sign_in"), "登录");
        assert_eq!(t(Locale::En, "no.such.key"), "?");
        assert_eq!(fill("Hello {name}!", &[("name", "Li")]), "Hello Li!");
    }
}
