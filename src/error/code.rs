//! `ErrorCode`: every stable `code` a problem document or a field error can carry.
//!
//! The one list of codes clients may branch on. A new error is a new variant here, with its
//! snake_case wire string beside it (the string of a variant never changes once released);
//! constructors of `ApiError` and `FieldError` take an `ErrorCode`, never a string. The web
//! pages look their texts up as `error.<code>` in the i18n catalogs.

use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! error_codes {
    ($($variant:ident = $code:literal,)+) => {
        /// A stable snake_case error code (`as_str` gives the wire string).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)+
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The wire string, e.g. `uscc_malformed`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }
        }
    };
}

error_codes! {
    // Request shape and HTTP-level problems, shared by every feature.
    NotFound = "not_found",
    MethodNotAllowed = "method_not_allowed",
    PayloadTooLarge = "payload_too_large",
    UnsupportedMediaType = "unsupported_media_type",
    TooManyRequests = "too_many_requests",
    ServiceUnavailable = "service_unavailable",
    InternalError = "internal_error",
    ValidationFailed = "validation_failed",
    Forbidden = "forbidden",
    Unauthorized = "unauthorized",
    MalformedBody = "malformed_body",
    MalformedJson = "malformed_json",
    InvalidQuery = "invalid_query",
    UnknownField = "unknown_field",
    Required = "required",
    Invalid = "invalid",
    AlreadyExists = "already_exists",
    // Rules and fields of the features, alphabetically.
    AccountDisabled = "account_disabled",
    ActionInvalid = "action_invalid",
    AgreementUnknown = "agreement_unknown",
    AlreadyMember = "already_member",
    AlreadyRegistered = "already_registered",
    AlreadyVerified = "already_verified",
    AudienceAmbiguous = "audience_ambiguous",
    AudienceLocked = "audience_locked",
    BelowMinimum = "below_minimum",
    CannotDisableSelf = "cannot_disable_self",
    CapabilitiesNotForBureau = "capabilities_not_for_bureau",
    CapacityBelowConfirmed = "capacity_below_confirmed",
    ClosesAfterEnd = "closes_after_end",
    CodeInvalid = "code_invalid",
    CodeTaken = "code_taken",
    ControlCharacter = "control_character",
    CountOutOfRange = "count_out_of_range",
    CursorInvalid = "cursor_invalid",
    DeadlinePassed = "deadline_passed",
    DisplayNameInvalid = "display_name_invalid",
    Duplicate = "duplicate",
    DuplicateColumn = "duplicate_column",
    DuplicateInFile = "duplicate_in_file",
    EmailInvalid = "email_invalid",
    EmailNotVerified = "email_not_verified",
    EmailTaken = "email_taken",
    EndsBeforeStart = "ends_before_start",
    EventCancelled = "event_cancelled",
    EventClosed = "event_closed",
    EventCompleted = "event_completed",
    EventInPast = "event_in_past",
    EventNotPublished = "event_not_published",
    EventNotStarted = "event_not_started",
    FieldUnknown = "field_unknown",
    FileUnreadable = "file_unreadable",
    FormInvalid = "form_invalid",
    ImportRefused = "import_refused",
    InFuture = "in_future",
    InterestOpen = "interest_open",
    InvalidCredentials = "invalid_credentials",
    InvalidToken = "invalid_token",
    InvalidTransition = "invalid_transition",
    InvitationForAnotherEmail = "invitation_for_another_email",
    KindInvalid = "kind_invalid",
    KindMismatch = "kind_mismatch",
    KindUnknown = "kind_unknown",
    LastOwner = "last_owner",
    Length = "length",
    LimitOutOfRange = "limit_out_of_range",
    ListingNotDeletable = "listing_not_deletable",
    ListingNotOpen = "listing_not_open",
    ListingUnknown = "listing_unknown",
    LocaleUnsupported = "locale_unsupported",
    MissingColumn = "missing_column",
    NameInvalid = "name_invalid",
    NameRegistered = "name_registered",
    NeedsAreForEnterprises = "needs_are_for_enterprises",
    Negative = "negative",
    NoNeed = "no_need",
    NotACapability = "not_a_capability",
    NotANeed = "not_a_need",
    NotApplicable = "not_applicable",
    NotInAudience = "not_in_audience",
    OrganizationNotVerified = "organization_not_verified",
    OrganizationUnknown = "organization_unknown",
    OutOfRange = "out_of_range",
    OwnListing = "own_listing",
    OwnerIsPartner = "owner_is_partner",
    PairInvalid = "pair_invalid",
    ParentNotAllowed = "parent_not_allowed",
    PasswordIncorrect = "password_incorrect",
    PasswordTooLong = "password_too_long",
    PasswordTooShort = "password_too_short",
    PasswordTooWeak = "password_too_weak",
    PhoneInvalid = "phone_invalid",
    QTooLong = "q_too_long",
    ReasonInvalid = "reason_invalid",
    ReasonRequired = "reason_required",
    RefreshTokenReused = "refresh_token_reused",
    RegionUnknown = "region_unknown",
    RegistrationClosed = "registration_closed",
    RegistrationNotOpen = "registration_not_open",
    SecretInvalid = "secret_invalid",
    SecretNotUsed = "secret_not_used",
    SideInvalid = "side_invalid",
    TimezoneUnknown = "timezone_unknown",
    TokenInvalidOrExpired = "token_invalid_or_expired",
    TooLong = "too_long",
    TooMany = "too_many",
    TooManyRows = "too_many_rows",
    TopicNotChoosable = "topic_not_choosable",
    TrlOutOfRange = "trl_out_of_range",
    UnknownColumn = "unknown_column",
    UnknownOrganization = "unknown_organization",
    UnknownRegion = "unknown_region",
    UnsubscribeTokenInvalid = "unsubscribe_token_invalid",
    UrlInvalid = "url_invalid",
    UsccMalformed = "uscc_malformed",
    UsccRequired = "uscc_required",
    UsccTaken = "uscc_taken",
    UsccCheckCharacter = "uscc_check_character",
    UsccRegionMismatch = "uscc_region_mismatch",
    WebhookUrlInvalid = "webhook_url_invalid",
    WebhookUrlNotHttps = "webhook_url_not_https",
    WebhookUrlUnknownHost = "webhook_url_unknown_host",
    WindowEmpty = "window_empty",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code equals its wire string (so callers of the CLI's import report compare as before).
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// `UsccMalformed` -> `uscc_malformed`.
    fn snake(name: &str) -> String {
        let mut out = String::new();
        for (i, ch) in name.chars().enumerate() {
            if ch.is_ascii_uppercase() {
                if i > 0 {
                    out.push('_');
                }
                out.push(ch.to_ascii_lowercase());
            } else {
                out.push(ch);
            }
        }
        out
    }

    #[test]
    fn every_code_is_unique_snake_case_and_named_after_its_variant() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} is listed twice");
            assert!(
                !s.is_empty()
                    && !s.starts_with('_')
                    && !s.ends_with('_')
                    && !s.contains("__")
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{s} is not snake_case"
            );
            assert_eq!(
                s,
                snake(&format!("{code:?}")),
                "variant and wire string differ"
            );
        }
    }

    #[test]
    fn the_api_guide_names_every_code() {
        let guide = include_str!("../../docs/api.md");
        let missing: Vec<&str> = ErrorCode::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|c| !guide.contains(&format!("`{c}`")))
            .collect();
        assert!(missing.is_empty(), "docs/api.md does not name {missing:?}");
    }

    #[test]
    fn a_code_serializes_as_its_wire_string() {
        let json = serde_json::to_string(&ErrorCode::UsccMalformed).unwrap();
        assert_eq!(json, "\"uscc_malformed\"");
        assert_eq!(
            ErrorCode::ServiceUnavailable.to_string(),
            "service_unavailable"
        );
    }
}
