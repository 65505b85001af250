//! What every page handler gets and gives: the [`Page`] context (language, signed-in
//! user, CSRF token), [`PageForm`] (a form whose CSRF token was checked), and
//! [`render`], which adds the pages' security headers.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use askama::Template;
use serde::de::DeserializeOwned;

use super::session::{self, CSRF_COOKIE, LANG_COOKIE, PageKeys};
use crate::accounts::domain::Locale;
use crate::app::AppState;
use crate::app::AuthUser;
use crate::error::{ApiError, ErrorCode, Text};
use crate::i18n;

/// No script at all, styles and images from this origin only, forms post here only.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The request as a page sees it.
pub struct Page {
    pub locale: Locale,
    pub user: Option<AuthUser>,
    /// The token that every state-changing form carries in its `csrf` field.
    pub csrf: String,
    /// Path and query of this request, to come back to after a language switch.
    pub here: String,
    new_seed: Option<String>,
    pub keys: web::Data<PageKeys>,
    pub state: web::Data<AppState>,
    /// The caller's address as the throttles see it.
    pub client: String,
}

/// The account's language wins, then the visitor's choice, then `Accept-Language`, then zh.
fn choose_locale(req: &HttpRequest, user: Option<&AuthUser>) -> Locale {
    if let Some(u) = user {
        return u.locale;
    }
    req.cookie(LANG_COOKIE)
        .and_then(|c| Locale::parse(c.value()))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or(Locale::ZhCn)
}

impl FromRequest for Page {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let keys = session::keys(&req)?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no app state")))?;
            let user = session::session_user(&state, &keys, &req).await?;
            let seed = req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned());
            let new_seed = seed.is_none().then(|| keys.new_csrf_seed());
            let csrf = keys.csrf_token(seed.as_deref().or(new_seed.as_deref()).unwrap_or(""));
            let here = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".to_owned());
            let client = state.client_address(&req);
            Ok(Page {
                locale: choose_locale(&req, user.as_ref()),
                user,
                csrf,
                here,
                new_seed,
                keys,
                state,
                client,
            })
        })
    }
}

impl Page {
    /// The message for `key` in this page's language.
    pub fn t(&self, key: &str) -> &'static str {
        i18n::t(self.locale, key)
    }

    /// The `lang` attribute of this page.
    pub fn lang(&self) -> &'static str {
        i18n::lang_tag(self.locale)
    }

    pub fn is_en(&self) -> bool {
        self.locale == Locale::En
    }

    /// Whether the signed-in user is the bureau's (the pages then link to its lists).
    pub fn is_bureau(&self) -> bool {
        self.user.as_ref().is_some_and(AuthUser::is_bureau)
    }

    /// A user-facing sentence for an error, in this page's language.
    pub fn error_message(&self, err: &ApiError) -> String {
        if let Some(m) = i18n::get(self.locale, &format!("error.{}", err.code())) {
            return m.to_owned();
        }
        match err {
            ApiError::Validation { errors, .. } => errors
                .iter()
                .map(|e| self.field_message(e.code, &e.message))
                .collect::<Vec<_>>()
                .join(" "),
            ApiError::Internal(_) => self.t("error.internal_error").to_owned(),
            other => match other.words() {
                Some(words) => self.said(&words),
                None => self.t("error.generic").to_owned(),
            },
        }
    }

    /// The message for a field error of `code`, in this page's language: the page's own
    /// words for the code (`error.{code}`), else the error's (catalog texts are said in
    /// every language).
    pub fn field_message(&self, code: ErrorCode, message: &Text) -> String {
        match i18n::get(self.locale, &format!("error.{code}")) {
            Some(m) => m.to_owned(),
            None => self.said(message),
        }
    }

    /// `text` in this page's language; a text written out in English only is said in
    /// general words to a Chinese reader.
    fn said(&self, text: &Text) -> String {
        if !text.is_catalog() && self.locale != Locale::En {
            return self.t("error.generic").to_owned();
        }
        // The API's words start in lower case; a page shows a sentence.
        let words = text.in_locale(self.locale);
        let mut chars = words.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    /// The errors of a refused form: field errors next to their inputs (the message of
    /// `error.{code}.{field}` when the catalog has one, else of `error.{code}`), the rest
    /// on top.
    pub fn form_errors(&self, err: &ApiError) -> FormErrors {
        match err {
            ApiError::Validation { errors, .. } => FormErrors {
                general: None,
                fields: errors
                    .iter()
                    .map(|e| {
                        let own = i18n::get(self.locale, &format!("error.{}.{}", e.code, e.field));
                        let m = own
                            .map_or_else(|| self.field_message(e.code, &e.message), str::to_owned);
                        (e.field.clone(), m)
                    })
                    .collect(),
            },
            other => FormErrors {
                general: Some(self.error_message(other)),
                fields: Vec::new(),
            },
        }
    }

    /// A page that tells what went wrong, with the error's status.
    pub fn error(&self, err: &ApiError) -> HttpResponse {
        let status = actix_web::ResponseError::status_code(err);
        let tpl = ErrorPage {
            p: self,
            title: self.t(if status == StatusCode::NOT_FOUND {
                "error.page_not_found"
            } else {
                "error.title"
            }),
            message: self.error_message(err),
        };
        render(self, status, &tpl)
    }

    /// 303 to `to`, carrying a new CSRF cookie if this request made one.
    pub fn redirect(&self, to: &str) -> HttpResponse {
        let mut res = HttpResponse::SeeOther();
        res.insert_header((header::LOCATION, to.to_owned()));
        res.insert_header((header::CACHE_CONTROL, "no-store"));
        if let Some(seed) = &self.new_seed {
            res.cookie(self.keys.csrf_cookie(seed.clone()));
        }
        res.finish()
    }
}

/// What a form shows after a refusal.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub general: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl FormErrors {
    /// The message for one input, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn any(&self) -> bool {
        self.general.is_some() || !self.fields.is_empty()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    p: &'a Page,
    title: &'static str,
    message: String,
}

/// An HTML response for `tpl`: escaped by the template engine, never cached (pages carry
/// CSRF tokens and sometimes a link's token), no referrer, no framing, no script.
pub fn render(p: &Page, status: StatusCode, tpl: &impl Template) -> HttpResponse {
    let body = match tpl.render() {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            return HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("internal error");
        }
    };
    let mut res = HttpResponse::build(status);
    res.content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::CONTENT_LANGUAGE, p.lang()));
    if let Some(seed) = &p.new_seed {
        res.cookie(p.keys.csrf_cookie(seed.clone()));
    }
    res.body(body)
}

/// 200 with `tpl`.
pub fn ok(p: &Page, tpl: &impl Template) -> HttpResponse {
    render(p, StatusCode::OK, tpl)
}

/// A submitted form (`application/x-www-form-urlencoded`) whose `csrf` field matched the
/// visitor's CSRF cookie. A form without it never reaches the handler: 403.
pub struct PageForm<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// Bodies of page forms are small.
const FORM_LIMIT: usize = 64 * 1024;

impl<T: DeserializeOwned + 'static> FromRequest for PageForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = body.await?;
            if bytes.len() > FORM_LIMIT {
                return Err(ApiError::PayloadTooLarge { limit: FORM_LIMIT }.into());
            }
            let keys = session::keys(&req)?;
            let field: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(bad_form)?;
            let seed = req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned());
            if !keys.check_csrf(seed.as_deref().unwrap_or(""), &field.csrf) {
                return Err(expired_form(&req));
            }
            Ok(PageForm(
                serde_urlencoded::from_bytes(&bytes).map_err(bad_form)?,
            ))
        })
    }
}

/// A page (not JSON: a person sent a form) saying the form expired, in the visitor's
/// language; 403.
fn expired_form(req: &HttpRequest) -> actix_web::Error {
    let locale = choose_locale(req, None);
    let tpl = Bare {
        lang: i18n::lang_tag(locale),
        title: i18n::t(locale, "error.title"),
        message: i18n::t(locale, "error.csrf_token_invalid"),
        back: i18n::t(locale, "nav.home"),
    };
    let body = tpl.render().unwrap_or_default();
    let res = HttpResponse::Forbidden()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_CSP))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body);
    actix_web::error::InternalError::from_response("csrf_token_invalid", res).into()
}

#[derive(Template)]
#[template(path = "bare.html")]
struct Bare {
    lang: &'static str,
    title: &'static str,
    message: &'static str,
    back: &'static str,
}

fn bad_form(e: serde_urlencoded::de::Error) -> actix_web::Error {
    tracing::debug!(error = %e, "a form that could not be read");
    ApiError::bad_request(ErrorCode::FormInvalid, Text::key("problem.form_invalid")).into()
}

/// A relative path on this site to go to after a form (never another origin).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_a_form() {
        assert_eq!(safe_next(Some("/events/1")), "/events/1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
