//! Validated account values: parse, don't validate.

use chrono::NaiveDateTime;

pub use crate::app::{Locale, Role};
use crate::error::{ApiError, ErrorCode, FieldError, Text};

/// A normalized email address (trimmed, lower-cased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, FieldError> {
        let s = raw.trim().to_lowercase();
        let bad = || {
            FieldError::new(
                "email",
                ErrorCode::EmailInvalid,
                Text::key("problem.email_invalid"),
            )
        };
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
            ErrorCode::DisplayNameInvalid,
            Text::key("problem.display_name_invalid"),
        ));
    }
    Ok(s.to_owned())
}

/// A language a caller chose: a language tag of Chinese or English (`zh-CN`, `en`,
/// `en-GB`: `zh` or `en`, then subtags of 1 to 8 letters or digits), as the document's
/// pattern says.
pub fn chosen_locale(raw: &str) -> Result<Locale, FieldError> {
    let mut parts = raw.split('-');
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    let well_formed = matches!(language.as_str(), "zh" | "en")
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    well_formed
        .then(|| Locale::parse(raw))
        .flatten()
        .ok_or_else(|| {
            FieldError::new(
                "locale",
                ErrorCode::LocaleUnsupported,
                Text::key("problem.locale_unsupported"),
            )
        })
}

/// An IANA time zone name such as `Asia/Shanghai`.
pub fn time_zone(raw: &str) -> Result<String, FieldError> {
    raw.parse::<chrono_tz::Tz>()
        .map(|_| raw.to_owned())
        .map_err(|_| {
            FieldError::new(
                "timezone",
                ErrorCode::TimezoneUnknown,
                Text::key("problem.timezone_unknown"),
            )
        })
}

/// What a registration gives, checked (the password's strength is checked against the
/// email and name by the service, which hashes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub email: Email,
    pub display_name: String,
    pub locale: Locale,
}

impl Registration {
    /// Every field's error at once; no locale means Chinese.
    pub fn parse(email: &str, name: &str, locale: Option<&str>) -> Result<Self, ApiError> {
        let email = Email::parse(email);
        let name = display_name(name);
        let locale = locale.map(chosen_locale).unwrap_or(Ok(Locale::ZhCn));
        match (email, name, locale) {
            (Ok(email), Ok(display_name), Ok(locale)) => Ok(Registration {
                email,
                display_name,
                locale,
            }),
            (e, n, l) => Err(ApiError::invalid(
                [e.err(), n.err(), l.err()].into_iter().flatten().collect(),
            )),
        }
    }
}

/// Checked changes to a profile: only what was sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileEdit {
    pub display_name: Option<String>,
    pub locale: Option<Locale>,
    pub timezone: Option<String>,
}

impl ProfileEdit {
    /// Every field's error at once.
    pub fn parse(
        name: Option<&str>,
        locale: Option<&str>,
        timezone: Option<&str>,
    ) -> Result<Self, ApiError> {
        let name = name.map(display_name).transpose();
        let locale = locale.map(chosen_locale).transpose();
        let timezone = timezone.map(time_zone).transpose();
        match (name, locale, timezone) {
            (Ok(display_name), Ok(locale), Ok(timezone)) => Ok(ProfileEdit {
                display_name,
                locale,
                timezone,
            }),
            (n, l, t) => Err(ApiError::invalid(
                [n.err(), l.err(), t.err()].into_iter().flatten().collect(),
            )),
        }
    }
}

/// What presenting a stored refresh token leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshVerdict {
    /// Revoked or expired: refused, nothing changes.
    Dead,
    /// Rotated before: someone holds a copy; the whole family is revoked.
    Reused,
    /// Current: rotate it and issue a new pair in the same family.
    Rotate,
}

impl RefreshVerdict {
    /// The rule for a token with these stamps, at `now`.
    pub fn of(
        revoked_at: Option<NaiveDateTime>,
        rotated_at: Option<NaiveDateTime>,
        expires_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Self {
        if revoked_at.is_some() || expires_at <= now {
            RefreshVerdict::Dead
        } else if rotated_at.is_some() {
            RefreshVerdict::Reused
        } else {
            RefreshVerdict::Rotate
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the document's `locale` pattern accepts, and nothing else (schemathesis sent
    /// `en-…-M*`, which `Locale::parse` alone read as English).
    #[test]
    fn a_chosen_locale_is_a_language_tag_of_chinese_or_english() {
        for ok in ["zh-CN", "zh", "EN", "en-GB", "zh-Hans-CN"] {
            assert!(chosen_locale(ok).is_ok(), "{ok}");
        }
        assert_eq!(chosen_locale("en-gb").unwrap(), Locale::En);
        for bad in [
            "en-GB*",
            "fr",
            "en-",
            "en--GB",
            " en",
            "en-abcdefghi",
            "english",
            "",
        ] {
            assert!(chosen_locale(bad).is_err(), "{bad:?}");
        }
    }

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

    #[test]
    fn a_registration_reports_every_bad_field_and_defaults_to_chinese() {
        let ok = Registration::parse(" A@Example.com", " 王工 ", None).unwrap();
        assert_eq!(ok.email.as_str(), "a@example.com");
        assert_eq!(
            (ok.display_name.as_str(), ok.locale),
            ("王工", Locale::ZhCn)
        );
        let en = Registration::parse("a@example.com", "Li", Some("en-US")).unwrap();
        assert_eq!(en.locale, Locale::En);
        match Registration::parse("nope", " ", Some("fr")) {
            Err(ApiError::Validation { errors, .. }) => {
                let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
                assert_eq!(
                    codes,
                    [
                        ErrorCode::EmailInvalid,
                        ErrorCode::DisplayNameInvalid,
                        ErrorCode::LocaleUnsupported
                    ]
                );
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_profile_edit_checks_only_what_was_sent() {
        assert_eq!(
            ProfileEdit::parse(None, None, None).unwrap(),
            ProfileEdit::default()
        );
        let e = ProfileEdit::parse(None, Some("en"), Some("Europe/Berlin")).unwrap();
        assert_eq!(e.locale, Some(Locale::En));
        assert_eq!(e.timezone.as_deref(), Some("Europe/Berlin"));
        assert!(ProfileEdit::parse(None, None, Some("Mars/Olympus")).is_err());
        assert!(ProfileEdit::parse(Some(""), None, None).is_err());
    }

    #[test]
    fn a_refresh_token_rotates_once_and_a_reuse_is_told_apart_from_a_dead_token() {
        let t = |s: i64| {
            chrono::DateTime::from_timestamp(1_800_000_000 + s, 0)
                .unwrap()
                .naive_utc()
        };
        let now = t(100);
        assert_eq!(
            RefreshVerdict::of(None, None, t(200), now),
            RefreshVerdict::Rotate
        );
        assert_eq!(
            RefreshVerdict::of(None, Some(t(50)), t(200), now),
            RefreshVerdict::Reused
        );
        assert_eq!(
            RefreshVerdict::of(Some(t(50)), None, t(200), now),
            RefreshVerdict::Dead
        );
        // A revoked family stays dead even for its rotated members.
        assert_eq!(
            RefreshVerdict::of(Some(t(60)), Some(t(50)), t(200), now),
            RefreshVerdict::Dead
        );
        assert_eq!(
            RefreshVerdict::of(None, None, t(100), now),
            RefreshVerdict::Dead
        );
    }
}
