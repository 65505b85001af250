//! The language of a request's messages, decided in one place: the signed-in account's
//! locale (the `AuthUser` extractor leaves it in the request as [`AccountLocale`]), else
//! `Accept-Language`, else Chinese. [`localize_problems`] says every problem+json response
//! in it; handlers whose success bodies carry messages (the import report) ask
//! [`request_locale`].

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};

use crate::app::Locale;
use crate::app::locale::AccountLocale;
use crate::error::ApiError;

/// The caller's language: the account's, else `Accept-Language`, else Chinese.
pub fn request_locale(req: &HttpRequest) -> Locale {
    if let Some(AccountLocale(l)) = req.extensions().get::<AccountLocale>() {
        return *l;
    }
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or(Locale::ZhCn)
}

/// Middleware: an error response is written again with its title, detail and field
/// messages in the caller's language ([`ApiError::response_in`]); other responses pass.
pub async fn localize_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // No clone of the request is held across the call: routing needs it unshared. An
    // `Err` (none of the services inside this middleware gives one) passes as it is.
    let res = next.call(req).await?;
    let localized = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .map(|e| e.response_in(request_locale(res.request())));
    Ok(match localized {
        Some(r) => res.into_response(r),
        None => res.map_into_boxed_body(),
    })
}
