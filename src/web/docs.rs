//! The API browser at `/docs`: the vendored Swagger UI over `/openapi.json`. Its
//! Content-Security-Policy is its own: scripts from this origin only (no inline script),
//! and inline styles, which Swagger UI sets on its elements.

use actix_web::HttpResponse;
use actix_web::http::header;
use askama::Template;

use super::page::Page;

pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[derive(Template)]
#[template(path = "docs.html")]
struct Docs<'a> {
    p: &'a Page,
}

pub async fn docs(p: Page) -> HttpResponse {
    match (Docs { p: &p }).render() {
        Ok(body) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CONTENT_SECURITY_POLICY, DOCS_CSP))
            .insert_header((header::X_FRAME_OPTIONS, "DENY"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// `/swagger-ui` is where many people look first.
pub async fn swagger_ui() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs"))
        .finish()
}
