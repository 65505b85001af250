//! The bureau's pages: the review queue and the register of organizations, key projects,
//! the overview report with its charts and CSV downloads, the outbox's dead letters and
//! the audit log. Each calls the operation of its JSON route, which decides who may see
//! it: a visitor is asked to sign in, a member gets the API's refusal (403) as a page.

pub mod audit;
pub mod chart;
pub mod organizations;
pub mod outbox;
pub mod projects;
pub mod report;

use actix_web::{HttpResponse, web};

use super::page::Page;
use crate::app::AuthUser;
use crate::app::when::Bound;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::web::listing_form::expected;

/// Register the bureau's page routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/bureau/review", web::get().to(organizations::review_page))
        .route(
            "/bureau/organizations",
            web::get().to(organizations::register_page),
        )
        .route("/projects", web::get().to(projects::projects_page))
        .route("/bureau/report", web::get().to(report::report_page))
        .route("/bureau/report/{name}.csv", web::get().to(report::download))
        .route("/bureau/outbox", web::get().to(outbox::outbox_page))
        .route("/bureau/outbox/{id}/retry", web::post().to(outbox::retry))
        .route("/bureau/audit-log", web::get().to(audit::audit_page));
}

/// The signed-in user, or the redirect that asks a visitor to sign in and come back here.
pub fn signed_in(p: &Page) -> Result<AuthUser, Box<HttpResponse>> {
    match p.user.clone() {
        Some(u) => Ok(u),
        None => {
            let next = serde_urlencoded::to_string([("next", p.here.as_str())]).unwrap_or_default();
            Err(Box::new(p.redirect(&format!("/sign-in?{next}"))))
        }
    }
}

/// A trimmed form input, `None` when empty.
pub fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// A choice from a drop-down by its code, `None` when empty; a code that is none of the
/// choices is refused as `invalid` (`problem.invalid.{field}` where the catalog has it).
pub fn choice<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, ApiError> {
    some(v)
        .map(|s| s.parse::<T>())
        .transpose()
        .map_err(|_| FieldError::of(field, ErrorCode::Invalid).into())
}

/// A day or time filter (`from`, `since`...), `None` when empty.
pub fn bound(field: &str, v: &str) -> Result<Option<Bound>, ApiError> {
    some(v)
        .map(|s| Bound::parse(&s).ok_or_else(|| expected(field, "format.bound", &s).into()))
        .transpose()
}

/// The entries of a drop-down: each code with its name, the catalog's `{key}.{code}`.
pub fn choices(
    p: &Page,
    key: &str,
    codes: impl IntoIterator<Item = &'static str>,
) -> Vec<(&'static str, &'static str)> {
    (codes.into_iter())
        .map(|c| (c, p.t(&format!("{key}.{c}"))))
        .collect()
}

/// The query string of a list's next page: its filters and `cursor`.
pub fn next_query(filters: &[(&str, &str)], cursor: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = filters
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .copied()
        .collect();
    pairs.push(("cursor", cursor));
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}
