//! The language of a request's messages, decided in one place: the signed-in account's
//! locale (the `AuthUser` extractor leaves it in the request as [`AccountLocale`]), else
//! `Accept-Language`, else Chinese. [`localize_problems`] says every problem+json response
//! in it; handlers whose success bodies carry messages (the import report) ask
//! [`request_locale`]. A request refused before its caller was known (a body that does not
//! parse fails while the account is still being looked up) is said in the language of the
//! account its bearer token names, as if the lookup had finished.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, web};

use crate::app::locale::AccountLocale;
use crate::app::{AppState, Locale};
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
    let Some(err) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    else {
        return Ok(res.map_into_boxed_body());
    };
    let locale = match late_account_locale(res.request(), err).await {
        Some(l) => l,
        None => request_locale(res.request()),
    };
    let localized = err.response_in(locale);
    Ok(res.into_response(localized))
}

/// The locale of the account a bearer token names, for an error answered before the
/// `AuthUser` extractor got to record it. Not looked up when it is known already, when the
/// token is not valid, or for a throttled or overloaded request (no more work for those).
async fn late_account_locale(req: &HttpRequest, err: &ApiError) -> Option<Locale> {
    if req.extensions().contains::<AccountLocale>()
        || matches!(
            err,
            ApiError::TooManyRequests { .. }
                | ApiError::Unavailable { .. }
                | ApiError::Unauthorized { .. }
        )
    {
        return None;
    }
    let token = crate::app::viewer::bearer(req)?;
    let state = req.app_data::<web::Data<AppState>>()?.clone();
    let claims = state.keys.decode(&token)?;
    let user = state
        .db
        .run(move |conn| {
            let id = crate::db::ids::UserId::from(claims.sub);
            crate::app::viewer::principal(conn, &id, claims.ver)
        })
        .await
        .ok()??;
    Some(user.locale)
}
