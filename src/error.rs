//! One error type for the HTTP layer, rendered as RFC 9457 `application/problem+json`.
//!
//! Error policy: model functions return `QueryResult<T>` or `ApiError` for domain rules;
//! handlers return `ApiError`; code outside requests (CLI, workers) uses `anyhow`.
//! Every variant has a stable snake_case `code` ([`ErrorCode`]) that clients may branch on. Unexpected
//! failures become an opaque 500 whose cause chain is logged, never returned.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

mod code;
mod text;
pub use code::ErrorCode;
pub use text::{Msg, Text};

use crate::i18n::{self, Locale};

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// Path of the field in the request, e.g. `attendees[0].email`.
    pub field: String,
    /// Stable snake_case code, e.g. `too_short`.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// Human-readable explanation.
    #[schema(value_type = String)]
    pub message: Text,
}

impl FieldError {
    /// A field error whose message is written out here (English in every language).
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<Text>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// A field error whose message is the catalog's `problem.{code}.{field}`, or
    /// `problem.{code}` when there is none for this field; its `{name}`s are filled by
    /// [`FieldError::arg`]. Said in the caller's language.
    pub fn of(field: impl Into<String>, code: ErrorCode) -> Self {
        let field = field.into();
        let own = format!("problem.{code}.{field}");
        let key = if i18n::get(Locale::En, &own).is_some() {
            own
        } else {
            format!("problem.{code}")
        };
        FieldError {
            field,
            code,
            message: Text::key(key),
        }
    }

    /// The same error with `{name}` of its message filled by `value`.
    pub fn arg(mut self, name: &'static str, value: impl Into<Text>) -> Self {
        self.message = self.message.arg(name, value);
        self
    }

    /// This error as said in `locale` (the message rendered; field and code unchanged).
    pub fn in_locale(&self, locale: Locale) -> FieldError {
        FieldError {
            field: self.field.clone(),
            code: self.code,
            message: Text::from(self.message.in_locale(locale).into_owned()),
        }
    }
}

/// The RFC 9457 body every error response carries.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// URI identifying the problem type (`urn:collab-registry:problem:<code>`).
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable snake_case code.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// Field errors, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every error a request can end with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest { code: ErrorCode, detail: Text },
    #[error("authentication required")]
    /// `detail` says what was wrong with the credential presented (each 401 its own text).
    Unauthorized { code: ErrorCode, detail: Text },
    #[error("{detail}")]
    Forbidden { code: ErrorCode, detail: Text },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("{detail}")]
    Conflict { code: ErrorCode, detail: Text },
    #[error("request body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{detail}")]
    UnsupportedMediaType { detail: Text },
    /// Well-formed but invalid input; `code` is the single field's code or `validation_failed`.
    #[error("invalid request")]
    Validation {
        code: ErrorCode,
        errors: Vec<FieldError>,
    },
    /// A query string that cannot be read (400 `invalid_query`), the parameter named.
    #[error("{}", query_detail(errors))]
    Query { errors: Vec<FieldError> },
    /// A rule of the domain forbids this action in the current state (409).
    #[error("{detail}")]
    Rule { code: ErrorCode, detail: Text },
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service temporarily unavailable")]
    Unavailable { retry_after_secs: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 for one field.
    pub fn field(field: &str, code: ErrorCode, message: impl Into<Text>) -> Self {
        ApiError::Validation {
            code,
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    /// A 422 for several fields: `Ok` when the list is empty.
    pub fn fields(errors: Vec<FieldError>) -> Result<(), Self> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Self::invalid(errors))
        }
    }

    /// A 422 for the given field errors; the code is the single error's, or `validation_failed`.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let code = match errors.as_slice() {
            [one] => one.code,
            _ => ErrorCode::ValidationFailed,
        };
        ApiError::Validation { code, errors }
    }

    pub fn forbidden(detail: impl Into<Text>) -> Self {
        ApiError::Forbidden {
            code: ErrorCode::Forbidden,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: ErrorCode, detail: impl Into<Text>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn rule(code: ErrorCode, detail: impl Into<Text>) -> Self {
        ApiError::Rule {
            code,
            detail: detail.into(),
        }
    }

    pub fn bad_request(code: ErrorCode, detail: impl Into<Text>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        ApiError::Internal(err.into())
    }

    /// The stable code clients branch on.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Unauthorized { code, .. }
            | ApiError::Forbidden { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Rule { code, .. }
            | ApiError::Validation { code, .. } => *code,
            ApiError::Query { .. } => ErrorCode::InvalidQuery,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed { .. } => ErrorCode::MethodNotAllowed,
            ApiError::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            ApiError::UnsupportedMediaType { .. } => ErrorCode::UnsupportedMediaType,
            ApiError::TooManyRequests { .. } => ErrorCode::TooManyRequests,
            ApiError::Unavailable { .. } => ErrorCode::ServiceUnavailable,
            ApiError::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The detail: the error's own words, or its code's (`problem.{code}`) with its values;
    /// none for a 500 (whose cause is never told).
    fn detail(&self, locale: Locale) -> Option<String> {
        if let ApiError::Query { errors } = self {
            let errors: Vec<FieldError> = errors.iter().map(|e| e.in_locale(locale)).collect();
            return Some(query_detail(&errors));
        }
        Some(self.words()?.in_locale(locale).into_owned())
    }

    /// The words of the detail before they are said in a language (pages say them in
    /// theirs); none for a 500.
    pub fn words(&self) -> Option<Text> {
        let of_code = || Text::key(format!("problem.{}", self.code()));
        let text = match self {
            ApiError::Internal(_) => return None,
            ApiError::Query { errors } => Text::from(query_detail(errors)),
            // One field: its message; several, or a refused import: the code's words.
            ApiError::Validation { code, errors } => match errors.as_slice() {
                [one] if one.code == *code => one.message.clone(),
                _ => of_code(),
            },
            ApiError::BadRequest { detail, .. }
            | ApiError::Unauthorized { detail, .. }
            | ApiError::Forbidden { detail, .. }
            | ApiError::Conflict { detail, .. }
            | ApiError::Rule { detail, .. }
            | ApiError::UnsupportedMediaType { detail } => detail.clone(),
            ApiError::NotFound | ApiError::MethodNotAllowed { .. } => of_code(),
            ApiError::PayloadTooLarge { limit } => of_code().arg("limit", *limit),
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::Unavailable { retry_after_secs } => {
                of_code().arg("seconds", *retry_after_secs)
            }
        };
        Some(text)
    }

    /// The problem document for this error, in English.
    pub fn problem(&self) -> Problem {
        self.problem_in(Locale::En)
    }

    /// The problem document for this error, its words in `locale`: the title is the
    /// catalog's `title.{status}`, the detail and the field errors' messages are said in
    /// `locale` where they come from the catalogs.
    pub fn problem_in(&self, locale: Locale) -> Problem {
        let status = self.status_code();
        let code = self.code();
        let title = i18n::get(locale, &format!("title.{}", status.as_u16()))
            .or_else(|| status.canonical_reason())
            .unwrap_or("Error")
            .to_owned();
        Problem {
            type_: format!("urn:collab-registry:problem:{code}"),
            title,
            status: status.as_u16(),
            detail: self.detail(locale),
            errors: match self {
                ApiError::Validation { errors, .. } | ApiError::Query { errors } => {
                    errors.iter().map(|e| e.in_locale(locale)).collect()
                }
                _ => Vec::new(),
            },
            code,
        }
    }

    /// The response for this error with its words in `locale` (what `error_response` gives
    /// in English, said in the caller's language; `Content-Language` names it).
    pub fn response_in(&self, locale: Locale) -> HttpResponse {
        let mut res = self.response_with(&self.problem_in(locale));
        if let Ok(v) = HeaderValue::from_str(i18n::lang_tag(locale)) {
            res.headers_mut().insert(header::CONTENT_LANGUAGE, v);
        }
        res
    }

    fn response_with(&self, problem: &Problem) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::Unavailable { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allow } => {
                if let Ok(v) = HeaderValue::from_str(allow) {
                    res.insert_header((header::ALLOW, v));
                }
            }
            ApiError::Unauthorized { .. } => {
                res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            _ => {}
        }
        res.body(serde_json::to_vec(problem).unwrap_or_default())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } | ApiError::Query { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Conflict { .. } | ApiError::Rule { .. } => StatusCode::CONFLICT,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(err) = self {
            tracing::error!(error = format!("{err:#}"), "request failed");
        }
        self.response_with(&self.problem())
    }
}

/// `limit: ...`: each parameter at fault with its message.
fn query_detail(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One field's refusal: a 422 with its code.
impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::invalid(vec![e])
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::conflict(
                ErrorCode::AlreadyExists,
                Text::key("problem.already_exists"),
            ),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::Unavailable {
                    retry_after_secs: 1,
                }
            }
            // SQLite reports a busy database as an unknown error with this text.
            Error::DatabaseError(_, ref info) if info.message().contains("database is locked") => {
                ApiError::Unavailable {
                    retry_after_secs: 1,
                }
            }
            other => ApiError::Internal(anyhow::Error::new(other).context("database error")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_become_conflicts_and_not_found_404() {
        let e: ApiError = diesel::result::Error::NotFound.into();
        assert_eq!(e.status_code(), StatusCode::NOT_FOUND);
        let e: ApiError = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new("dup".to_owned()),
        )
        .into();
        assert_eq!(e.status_code(), StatusCode::CONFLICT);
        assert_eq!(e.code(), ErrorCode::AlreadyExists);
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let e = ApiError::internal(anyhow::anyhow!("SELECT secret FROM users"));
        let p = e.problem();
        assert_eq!(p.status, 500);
        assert!(p.detail.is_none());
        assert!(!serde_json::to_string(&p).unwrap().contains("SELECT"));
    }

    fn missing_words(key: impl Fn(ErrorCode) -> String) -> Vec<String> {
        let mut missing = Vec::new();
        for code in ErrorCode::ALL {
            for locale in [Locale::ZhCn, Locale::En] {
                let key = key(*code);
                if i18n::get(locale, &key).is_none() {
                    missing.push(format!("{}: {key}", i18n::lang_tag(locale)));
                }
            }
        }
        missing
    }

    /// A new code without its words in both catalogs fails here, not in front of a reader.
    #[test]
    fn every_code_has_its_words_in_both_catalogs() {
        let missing = missing_words(|c| format!("problem.{c}"));
        assert!(missing.is_empty(), "add to src/i18n/*.txt: {missing:#?}");
    }

    #[test]
    fn every_status_an_error_answers_with_has_a_title_in_both_catalogs() {
        let errors = [
            ApiError::bad_request(ErrorCode::MalformedBody, "x"),
            ApiError::Unauthorized {
                code: ErrorCode::Unauthorized,
                detail: "x".into(),
            },
            ApiError::forbidden("x"),
            ApiError::NotFound,
            ApiError::MethodNotAllowed {
                allow: "GET".into(),
            },
            ApiError::conflict(ErrorCode::AlreadyExists, "x"),
            ApiError::PayloadTooLarge { limit: 1 },
            ApiError::UnsupportedMediaType { detail: "x".into() },
            ApiError::invalid(vec![]),
            ApiError::TooManyRequests {
                retry_after_secs: 1,
            },
            ApiError::Unavailable {
                retry_after_secs: 1,
            },
            ApiError::internal(anyhow::anyhow!("x")),
        ];
        for e in errors {
            let status = e.status_code().as_u16();
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(
                    i18n::get(locale, &format!("title.{status}")).is_some(),
                    "no title.{status} in {}",
                    i18n::lang_tag(locale)
                );
            }
        }
        let zh = ApiError::NotFound.problem_in(Locale::ZhCn);
        assert_eq!((zh.title.as_str(), zh.status), ("未找到", 404));
        assert_eq!(ApiError::NotFound.problem().title, "Not Found");
    }

    #[test]
    fn a_problem_is_said_in_the_asked_language_with_the_same_code() {
        let e = ApiError::invalid(vec![
            FieldError::of("name", ErrorCode::Length).arg("max", 200usize),
        ]);
        let (zh, en) = (e.problem_in(Locale::ZhCn), e.problem_in(Locale::En));
        assert_eq!((zh.code, en.code), (ErrorCode::Length, ErrorCode::Length));
        assert_eq!(en.detail.as_deref(), Some("use 1 to 200 characters"));
        assert_eq!(zh.errors[0].message, "请填写 1 到 200 个字符");
        assert_eq!(zh.detail.as_deref(), Some("请填写 1 到 200 个字符"));
        let throttled = ApiError::TooManyRequests {
            retry_after_secs: 30,
        };
        assert!(
            throttled
                .problem_in(Locale::ZhCn)
                .detail
                .unwrap()
                .contains("30 秒")
        );
        let written = ApiError::forbidden("as written");
        assert_eq!(
            written.problem_in(Locale::ZhCn).detail.as_deref(),
            Some("as written")
        );
    }

    /// The arguments of a call whose text starts at `s` (just after its `(`), split at
    /// top-level commas; string literals are skipped over.
    fn call_args(s: &str) -> Vec<String> {
        let (mut out, mut cur, mut depth, mut in_str, mut esc) =
            (Vec::new(), String::new(), 0usize, false, false);
        for c in s.chars() {
            if in_str {
                in_str = c != '"' || esc;
                esc = c == '\\' && !esc;
            } else if c == '"' {
                in_str = true;
            } else if "([{".contains(c) {
                depth += 1;
            } else if ")]}".contains(c) {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            } else if c == ',' && depth == 0 {
                out.push(std::mem::take(&mut cur).trim().to_owned());
                continue;
            }
            cur.push(c);
        }
        out.push(cur.trim().to_owned());
        out
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// No error a caller reads is written out in English at its site: a literal or a
    /// `format!` as the message of a field error or the detail of an error is one that a
    /// Chinese reader would get in English. Catalog texts (`Text::key`, `FieldError::of`)
    /// are said in both languages.
    #[test]
    fn no_error_text_is_written_out_in_english() {
        let calls = [
            ("FieldError::new(", 2),
            ("ApiError::field(", 2),
            ("ApiError::forbidden(", 0),
            ("ApiError::conflict(", 1),
            ("ApiError::rule(", 1),
            ("ApiError::bad_request(", 1),
            ("detail: ", 0),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        let mut written = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (call, at) in calls {
                for (i, _) in code.match_indices(call) {
                    let args = call_args(&code[i + call.len()..]);
                    let arg = args.get(at).map(String::as_str).unwrap_or("");
                    if arg.starts_with('"') || arg.starts_with("format!") {
                        let line = code[..i].lines().count() + 1;
                        written.push(format!("{}:{line}: {arg}", path.display()));
                    }
                }
            }
        }
        assert!(
            written.is_empty(),
            "say these with Text::key or FieldError::of (keys in src/i18n/*.txt): {written:#?}"
        );
    }

    #[test]
    fn one_field_error_lends_its_code_to_the_problem() {
        let e = ApiError::field("uscc", ErrorCode::UsccMalformed, "bad");
        assert_eq!(e.code(), ErrorCode::UsccMalformed);
        let many = ApiError::fields(vec![
            FieldError::new("a", ErrorCode::Required, "m"),
            FieldError::new("b", ErrorCode::TooLong, "m"),
        ])
        .unwrap_err();
        assert_eq!(many.code(), ErrorCode::ValidationFailed);
    }
}
