//! Validated account values: parse, don't validate.

pub use crate::app::{Locale, Role};
use crate::error::FieldError;

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
    fn display_names_are_bounded() {
        assert_eq!(display_name("  王工 ").unwrap(), "王工");
        assert!(display_name("   ").is_err());
        assert!(display_name(&"名".repeat(101)).is_err());
    }
}
