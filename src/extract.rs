//! Request extractors whose failures come out as problem+json like every other error.
//!
//! `ApiJson<T>` replaces `web::Json<T>`: it enforces the body limit (413), the content
//! type (415), tells malformed JSON (400) from well-formed but invalid JSON (422), and
//! names the offending field by its path, including unknown fields (request types use
//! `#[serde(deny_unknown_fields)]`). `ApiQuery<T>` does the same for query strings (400
//! `invalid_query` naming the parameter). Their texts are catalog texts, the expected
//! format said in words ([`problems`]); every error response is said in the caller's
//! language (the account's first) by [`localize_problems`] ([`locale`]).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode, Text};

mod locale;
mod problems;
mod query;
pub use locale::{localize_problems, request_locale};
pub use query::{ApiQuery, parse_query};

/// The largest JSON body accepted, kept in app data.
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

/// A JSON request body, deserialized with field paths in its errors.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<JsonLimit>()
            .map(|l| l.0)
            .unwrap_or(64 * 1024);
        let content_type_ok = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let essence = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(false);
        let declared_len = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType {
                    detail: Text::key("problem.unsupported_media_type.json"),
                });
            }
            if declared_len.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    ApiError::bad_request(
                        ErrorCode::MalformedBody,
                        Text::key("problem.malformed_body"),
                    )
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            parse_json(&body).map(ApiJson)
        })
    }
}

/// An optional JSON body: an empty request body or `null` gives `None`; anything else must
/// be valid JSON of `T` (unlike actix's `Option<Json<T>>`, errors are not swallowed).
#[derive(Debug)]
pub struct MaybeJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for MaybeJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let empty = !headers.contains_key(header::TRANSFER_ENCODING)
            && headers
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .is_none_or(|v| v.trim() == "0");
        if empty {
            return Box::pin(async { Ok(MaybeJson(None)) });
        }
        // `null` is an absent body too (the document allows it where a body is optional).
        let fut = ApiJson::<Option<T>>::from_request(req, payload);
        Box::pin(async move { fut.await.map(|j| MaybeJson(j.0)) })
    }
}

/// Deserialize a body, mapping serde's errors to 400 (syntax) or 422 (data, with the field),
/// each a catalog text said in the caller's language when answered ([`problems`]). A number with no fraction is a whole number
/// whichever way it is written (`259.0`, `2.59e2`), as JSON Schema's `integer` says.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|inner| {
        ApiError::bad_request(ErrorCode::MalformedJson, problems::malformed_json(&inner))
    })?;
    whole_numbers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = strip_position(&inner.to_string());
                ApiError::invalid(vec![problems::explain(&path, &message, false)])
            }
            _ => ApiError::bad_request(ErrorCode::MalformedJson, problems::malformed_json(&inner)),
        }
    })
}

/// Numbers written with a zero fraction or an exponent (`259.0`, `1e3`) become the whole
/// numbers they are, when they fit in 64 bits; anything else is left as sent.
fn whole_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let Some(f) = n.as_f64() else { return };
            // 2^63: the f64 range where `as i64` is exact for whole numbers.
            const LIMIT: f64 = 9_223_372_036_854_775_808.0;
            if f.fract() == 0.0 && f.abs() < LIMIT {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Configuration so actix's own query and path extractors answer in problem+json.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let message = match &err {
            actix_web::error::QueryPayloadError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        let error = problems::explain("", &strip_position(&message), true);
        ApiError::Query {
            errors: vec![error],
        }
        .into()
    })
}

/// A path segment that does not parse (say, an id that is not a UUID) names no resource.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_err, _req| ApiError::NotFound.into())
}

/// A list without repeats, first occurrences in order. Lists in requests name each entry
/// once (join tables hold it once): a repeat means the same as one, not a conflict.
pub fn distinct<T: PartialEq + Clone>(values: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be deserialized")]
    struct Inner {
        name: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "fields exist to be deserialized")]
    struct Outer {
        title: String,
        items: Vec<Inner>,
    }

    fn err(body: &str) -> ApiError {
        parse_json::<Outer>(body.as_bytes()).unwrap_err()
    }

    #[test]
    fn unknown_fields_are_named_with_their_path() {
        let ApiError::Validation { code, errors } =
            err(r#"{"title":"t","items":[{"name":"a","role":"x"}]}"#)
        else {
            panic!("expected validation error")
        };
        assert_eq!(code, ErrorCode::UnknownField);
        assert_eq!(errors[0].field, "items[0].role");
        let ApiError::Validation { errors, .. } =
            err(r#"{"title":"t","items":[],"status":"verified"}"#)
        else {
            panic!("expected validation error")
        };
        assert_eq!(errors[0].field, "status");
    }

    #[test]
    fn whole_numbers_written_with_a_fraction_or_an_exponent_are_integers() {
        #[derive(Debug, serde::Deserialize)]
        struct Numbers {
            a: i32,
            b: Vec<i64>,
        }
        let n: Numbers = parse_json(br#"{"a": 259.0, "b": [1e3, -2.0, 7]}"#).unwrap();
        assert_eq!((n.a, n.b), (259, vec![1000, -2, 7]));
        assert!(parse_json::<Numbers>(br#"{"a": 2.5, "b": []}"#).is_err());
        assert!(parse_json::<Numbers>(br#"{"a": 1, "b": [1e300]}"#).is_err());
    }

    #[test]
    fn missing_and_mistyped_fields_are_422_and_broken_json_400() {
        let ApiError::Validation { errors, .. } = err(r#"{"items":[]}"#) else {
            panic!()
        };
        assert_eq!(
            (errors[0].field.as_str(), errors[0].code),
            ("title", ErrorCode::Required)
        );
        let ApiError::Validation { errors, .. } = err(r#"{"title":5,"items":[]}"#) else {
            panic!()
        };
        assert_eq!(errors[0].field, "title");
        assert!(matches!(
            err(r#"{"title": "#),
            ApiError::BadRequest {
                code: ErrorCode::MalformedJson,
                ..
            }
        ));
    }
}
