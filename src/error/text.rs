//! [`Text`]: the human words of an error, said in any language the catalogs know.
//!
//! A text is either written out at the site (English, as older code does) or a catalog
//! message: a key of `src/i18n/*.txt` and the named values its `{name}` placeholders are
//! filled with. A catalog text keeps its English rendering at hand (for logs, `Display` and
//! the command line) and is said again in the caller's language when the response is
//! written ([`Text::in_locale`]).

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::i18n::{self, Locale};

/// A catalog message: its key and its named values (each a text of its own, so a value
/// can itself be a catalog word, say a kind's name).
#[derive(Debug, Clone, PartialEq)]
pub struct Msg {
    pub key: Cow<'static, str>,
    pub args: Vec<(&'static str, Text)>,
}

/// The words of an error: English as written, or a catalog message.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    english: String,
    msg: Option<Box<Msg>>,
}

impl Text {
    /// The catalog's message `key`, with no values yet ([`Text::arg`] adds them).
    pub fn key(key: impl Into<Cow<'static, str>>) -> Text {
        let msg = Msg {
            key: key.into(),
            args: Vec::new(),
        };
        Text {
            english: render(&msg, Locale::En),
            msg: Some(Box::new(msg)),
        }
    }

    /// The same text with `{name}` filled by `value` (plain text, or a [`Text`]).
    pub fn arg(mut self, name: &'static str, value: impl Into<Text>) -> Text {
        if let Some(msg) = self.msg.as_mut() {
            msg.args.push((name, value.into()));
            self.english = render(msg, Locale::En);
        }
        self
    }

    /// The text in `locale`: a catalog message from that language's catalog, else as written.
    pub fn in_locale(&self, locale: Locale) -> Cow<'_, str> {
        match &self.msg {
            Some(msg) => Cow::Owned(render(msg, locale)),
            None => Cow::Borrowed(&self.english),
        }
    }

    /// Whether the text comes from the catalogs (and so is said in every language).
    pub fn is_catalog(&self) -> bool {
        self.msg.is_some()
    }

    pub fn as_str(&self) -> &str {
        &self.english
    }
}

fn render(msg: &Msg, locale: Locale) -> String {
    let values: Vec<(&str, Cow<'_, str>)> = msg
        .args
        .iter()
        .map(|(name, value)| (*name, value.in_locale(locale)))
        .collect();
    let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_ref())).collect();
    i18n::fill(i18n::t(locale, &msg.key), &pairs)
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text {
            english: s.to_owned(),
            msg: None,
        }
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::from(s.as_str())
    }
}

impl From<String> for Text {
    fn from(english: String) -> Text {
        Text { english, msg: None }
    }
}

impl From<&Text> for Text {
    fn from(t: &Text) -> Text {
        t.clone()
    }
}

macro_rules! plain_values {
    ($($t:ty),*) => {$(
        impl From<$t> for Text {
            fn from(v: $t) -> Text {
                Text::from(v.to_string())
            }
        }
    )*};
}
plain_values!(usize, u32, u64, i32, i64, char);

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.english
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.english
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.english)
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.english == *other
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.english == other
    }
}

/// On the wire a text is its English words; responses say it in the caller's language by
/// serializing a localized copy (`ApiError::problem_in`).
impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.english)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalog_text_is_said_in_each_language_and_a_written_one_as_written() {
        let t = Text::key("problem.length").arg("max", 200usize);
        assert!(t.is_catalog());
        assert!(t.as_str().contains("200"), "{t}");
        let zh = t.in_locale(Locale::ZhCn);
        assert!(zh.contains("200") && zh != t.as_str(), "{zh}");
        let plain = Text::from("as written");
        assert!(!plain.is_catalog());
        assert_eq!(plain.in_locale(Locale::ZhCn), "as written");
    }

    #[test]
    fn a_value_can_be_a_catalog_word_of_its_own() {
        let t = Text::key("problem.kind_mismatch").arg("kind", Text::key("kind.university"));
        assert!(
            t.in_locale(Locale::ZhCn).contains("高校"),
            "{}",
            t.in_locale(Locale::ZhCn)
        );
        assert!(t.as_str().contains("University"), "{t}");
    }
}
