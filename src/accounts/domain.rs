//! Validated account values: parse, don't validate.

use crate::error::FieldError;

crate::text_enum! {
    /// The language a user reads mail and messages in.
    pub enum Locale {
        ZhCn => "zh-CN",
        En => "en",
    }
}

crate::text_enum! {
    /// Platform role. Organization roles live in memberships.
    pub enum Role {
        User => "user",
        BureauAdmin => "bureau_admin",
    }
}

impl Locale {
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

/// A normalized email address (trimmed, lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, FieldError> {
        let s = raw.trim().to_lowercase();
        let bad = || FieldError::new("email", "email_invalid", "not a valid email address");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.rsplit_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || local.len() > 64
            || local.contains('@')
            || domain.len() < 3
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad());
        }
        // What the mailer cannot send to is refused here, not found dead in the outbox
        // (`a<b>@x.example.com` passes the rules above).
        if s.parse::<lettre::Address>().is_err() {
            return Err(bad());
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
pub fn display_name(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 || n > 100 || s.chars().any(char::is_control) {
        return Err(FieldError::new(
            "display_name",
            "display_name_invalid",
            "use 1 to 100 characters without control characters",
        ));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_the_mailer_refuses_are_refused() {
        for raw in [
            "a<b>@x.example.com",
            "a\"b@x.example.com",
            "a,b@x.example.com",
        ] {
            assert!(Email::parse(raw).is_err(), "{raw}");
        }
        assert!(Email::parse("li.wei+tag@example.com").is_ok());
    }

    #[test]
    fn emails_are_trimmed_and_case_folded() {
        assert_eq!(
            Email::parse("  Li.Wei@Example.COM ").unwrap().as_str(),
            "li.wei@example.com"
        );
        for bad in ["", "no-at", "@x.cn", "a@b", "a b@c.cn", "a@.cn", "a@c..cn"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
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

    #[test]
    fn display_names_are_bounded() {
        assert_eq!(display_name("  王工 ").unwrap(), "王工");
        assert!(display_name("   ").is_err());
        assert!(display_name(&"名".repeat(101)).is_err());
    }
}
