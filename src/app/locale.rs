//! The reader's language ([`Locale`], defined beside the catalogs in `crate::i18n`), the
//! account's language as a request carries it ([`AccountLocale`]), and times as people in
//! the city read them.

pub use crate::i18n::Locale;

/// The signed-in account's language, put in a request's extensions by the `AuthUser`
/// extractor: the language of that request's messages wins over `Accept-Language`
/// (`extract::request_locale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountLocale(pub Locale);

/// An instant as people in the city read it: `2026-12-03 21:05`, Beijing time (the
/// mail and the pages say "Beijing time" next to it).
pub fn beijing_minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
