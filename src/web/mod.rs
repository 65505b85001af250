//! Server-rendered pages for people, a second adapter over the same functions as the JSON
//! API (a rule lives in one place, never in a page or a template).
//!
//! - Templates: askama (`templates/` at the crate root), checked and compiled with the
//!   crate, HTML-escaped by default; messages from the catalogs in `crate::i18n`.
//! - Session: a signed cookie; CSRF: a signed double-submit token on every form
//!   ([`session`], [`page::PageForm`]).
//! - Every page answers with a strict Content-Security-Policy (no script at all); the API
//!   browser at `/docs` has its own ([`docs`]).
//!
//! Page routes are not in the API's route table (they are not part of the OpenAPI
//! document); they are registered here, before the API's fallback.

pub mod accounts;
pub mod agreements;
pub mod assets;
pub mod bureau;
pub mod bureau_events;
pub mod dashboard;
pub mod directory;
pub mod docs;
pub mod event_form;
pub mod event_manage;
pub mod events;
pub mod inbox;
pub mod interests;
pub mod links;
pub mod listing_delete;
pub mod listing_form;
pub mod listings;
pub mod organization;
pub mod page;
pub mod posting;
pub mod preferences;
pub mod projects;
pub mod public;
pub mod registrations;
pub mod session;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;

pub use session::PageKeys;

/// Paths no route matches: a page for a person (a browser asks for HTML, outside
/// `/api/`), problem+json for everyone else.
pub async fn fallback(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let wants_html = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !wants_html || req.path().starts_with("/api/") {
        return Err(ApiError::NotFound);
    }
    let p = <page::Page as actix_web::FromRequest>::extract(&req).await?;
    Ok(p.error(&ApiError::NotFound))
}

/// Register every page and asset route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(public::home))
        .route("/sign-in", web::get().to(accounts::sign_in_page))
        .route("/sign-in", web::post().to(accounts::sign_in))
        .route("/sign-out", web::post().to(accounts::sign_out))
        .route("/register", web::get().to(accounts::register_page))
        .route("/register", web::post().to(accounts::register))
        .route("/verify-email", web::get().to(accounts::verify_email_page))
        .route("/verify-email", web::post().to(accounts::verify_email))
        .route(
            "/forgot-password",
            web::get().to(accounts::forgot_password_page),
        )
        .route(
            "/forgot-password",
            web::post().to(accounts::forgot_password),
        )
        .route(
            "/reset-password",
            web::get().to(accounts::reset_password_page),
        )
        .route("/reset-password", web::post().to(accounts::reset_password))
        .route("/language", web::post().to(accounts::language))
        .route("/unsubscribe", web::get().to(links::unsubscribe_page))
        .route("/unsubscribe", web::post().to(links::unsubscribe))
        .route("/invitations/accept", web::get().to(links::invitation_page))
        .route(
            "/invitations/accept",
            web::post().to(links::accept_invitation),
        )
        .route("/organizations", web::get().to(directory::directory_page))
        .route(
            "/organizations/{id}",
            web::get().to(organization::organization_page),
        )
        .route(
            "/organizations/{id}/review",
            web::post().to(organization::review),
        )
        .route("/bureau/events", web::get().to(bureau_events::list_page))
        .route("/bureau/events/new", web::get().to(bureau_events::new_page))
        .route("/bureau/events/new", web::post().to(bureau_events::create))
        .route(
            "/bureau/events/{id}",
            web::get().to(event_manage::manage_page),
        )
        .route(
            "/bureau/events/{id}/edit",
            web::get().to(bureau_events::edit_page),
        )
        .route(
            "/bureau/events/{id}/edit",
            web::post().to(bureau_events::update),
        )
        .route(
            "/bureau/events/{id}/publish",
            web::post().to(event_manage::publish),
        )
        .route(
            "/bureau/events/{id}/cancel",
            web::post().to(event_manage::cancel),
        )
        .route(
            "/bureau/events/{id}/attendance",
            web::post().to(event_manage::attendance),
        )
        .route("/events", web::get().to(events::events_page))
        .route("/events/{id}.ics", web::get().to(events::event_ics))
        .route("/events/{id}", web::get().to(events::event_page))
        .route("/events/{id}/register", web::post().to(events::register))
        .route(
            "/events/{id}/registrations",
            web::get().to(registrations::registrations_page),
        )
        .route(
            "/events/{id}/registrations",
            web::post().to(registrations::add),
        )
        .route(
            "/events/{id}/registrations/{registration_id}/cancel",
            web::post().to(registrations::cancel),
        )
        .route("/preferences", web::get().to(preferences::preferences_page))
        .route("/preferences", web::post().to(preferences::save))
        .route(
            "/preferences/calendar",
            web::post().to(preferences::new_calendar_link),
        )
        .route(
            "/preferences/calendar/revoke",
            web::post().to(preferences::revoke_calendar_link),
        )
        .route("/dashboard", web::get().to(dashboard::dashboard_page))
        .route(
            "/{kind:needs|capabilities}/new",
            web::get().to(posting::new_page),
        )
        .route(
            "/{kind:needs|capabilities}/new",
            web::post().to(posting::create),
        )
        .route(
            "/{kind:needs|capabilities}/{id}",
            web::get().to(listings::listing_page),
        )
        .route(
            "/{kind:needs|capabilities}/{id}/edit",
            web::get().to(posting::edit_page),
        )
        .route(
            "/{kind:needs|capabilities}/{id}/edit",
            web::post().to(posting::update),
        )
        .route(
            "/{kind:needs|capabilities}/{id}/delete",
            web::get().to(listing_delete::confirm_page),
        )
        .route(
            "/{kind:needs|capabilities}/{id}/delete",
            web::post().to(listing_delete::delete),
        )
        .route(
            "/{kind:needs|capabilities}/{id}/{action:publish|close}",
            web::post().to(listings::act),
        )
        .route(
            "/{kind:needs|capabilities}/{id}/interest",
            web::post().to(listings::express_interest),
        )
        .route("/interests", web::get().to(interests::interests_page))
        .route("/interests/{id}", web::get().to(interests::interest_page))
        .route("/interests/{id}", web::post().to(interests::decide))
        .route("/projects/{id}", web::get().to(projects::project_page))
        .route("/projects/{id}/stage", web::post().to(projects::move_stage))
        .route(
            "/projects/{id}/milestones/{milestone_id}/done",
            web::post().to(projects::milestone_done),
        )
        .route("/inbox", web::get().to(inbox::inbox_page))
        .route("/inbox/read-all", web::post().to(inbox::read_all))
        .route("/inbox/{id}/read", web::post().to(inbox::read_one))
        .route("/docs", web::get().to(docs::docs))
        .route("/swagger-ui", web::get().to(docs::swagger_ui))
        .route("/assets/{path:.*}", web::get().to(assets::asset))
        .configure(bureau::configure);
}
