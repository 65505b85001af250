//! The language a reader gets: users' stored locale, or a request's `Accept-Language`.

crate::text_enum! {
    /// The language a user reads mail and messages in.
    pub enum Locale {
        ZhCn => "zh-CN",
        En => "en",
    }
}

impl Locale {
    /// The name a reader of this language sees: the English one for English readers when
    /// there is one (not blank), else the Chinese one, which every named thing has. Every
    /// mail and page that shows an organization, region, field or event by name picks it
    /// here.
    pub fn pick<'a>(self, zh: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en.map(str::trim)) {
            (Locale::En, Some(en)) if !en.is_empty() => en,
            _ => zh,
        }
    }

    /// Accepts `zh-CN`, `zh`, `zh-Hans`, `en`, `en-US`... in any case.
    pub fn parse(s: &str) -> Option<Locale> {
        let lower = s.trim().to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh-") {
            Some(Locale::ZhCn)
        } else if lower == "en" || lower.starts_with("en-") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The preferred supported language of an `Accept-Language` header, if any.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                Locale::parse(tag).map(|l| (l, q))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(l, _)| l)
    }
}

/// An instant as people in the city read it: `2026-12-03 21:05`, Beijing time (the
/// mail and the pages say "Beijing time" next to it).
pub fn beijing_minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_picked_in_the_reader_language() {
        assert_eq!(Locale::En.pick("魏桥", Some("Weiqiao")), "Weiqiao");
        assert_eq!(Locale::ZhCn.pick("魏桥", Some("Weiqiao")), "魏桥");
        assert_eq!(Locale::En.pick("魏桥", Some("  ")), "魏桥");
        assert_eq!(Locale::En.pick("魏桥", None), "魏桥");
    }

    #[test]
    fn locales_parse_from_tags_and_accept_language() {
        assert_eq!(Locale::parse("zh-cn"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("EN-us"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(
            Locale::from_accept_language("fr;q=1, en;q=0.8, zh-CN;q=0.9"),
            Some(Locale::ZhCn)
        );
        assert_eq!(
            Locale::from_accept_language("en-GB,en;q=0.9"),
            Some(Locale::En)
        );
    }
}
