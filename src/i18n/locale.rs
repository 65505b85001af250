//! The language a reader gets: users' stored locale, or a request's `Accept-Language`.
//! It lives beside the catalogs so that every layer (errors included) can say a message in
//! it; `app::Locale` is the same type.

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

    /// The language of a command run in a terminal, from the POSIX locale variables read by
    /// `var` (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, the first one set): Chinese for
    /// `zh_CN.UTF-8`, `zh_TW`, `zh`..., English for anything else (`C`, `en_US.UTF-8`, none).
    pub fn of_terminal(var: impl Fn(&str) -> Option<String>) -> Locale {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| var(name))
            .find(|v| !v.trim().is_empty())
            .unwrap_or_default();
        if value.trim().to_ascii_lowercase().starts_with("zh") {
            Locale::ZhCn
        } else {
            Locale::En
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
    fn a_terminal_speaks_chinese_when_its_locale_variables_say_zh() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            Locale::of_terminal(env(&[("LANG", "zh_CN.UTF-8")])),
            Locale::ZhCn
        );
        assert_eq!(Locale::of_terminal(env(&[])), Locale::En);
        assert_eq!(
            Locale::of_terminal(env(&[("LC_ALL", "C.UTF-8"), ("LANG", "zh_CN.UTF-8")])),
            Locale::En,
            "LC_ALL wins"
        );
        assert_eq!(
            Locale::of_terminal(env(&[("LC_ALL", ""), ("LANG", "zh_TW")])),
            Locale::ZhCn
        );
        assert_eq!(
            Locale::of_terminal(env(&[("LANG", "en_US.UTF-8")])),
            Locale::En
        );
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
