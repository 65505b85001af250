//! Notification preferences for people: for each topic an email per notice, a daily
//! digest, or the inbox only (which is what an unsubscribe link sets, and the page says
//! so), and the personal calendar feed link. It calls what `PATCH /api/v1/me` and
//! `POST`/`DELETE /api/v1/me/calendar-token` call (`accounts::service::update_profile`,
//! `events::calendar::service`).
//!
//! The feed's address holds its secret: it is shown once, in the answer to the form that
//! made it (never cached: every page is `no-store`, and it is not in a URL that a log or a
//! referrer would keep), as the JSON API shows its token once.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;
use serde::Deserialize;

use super::inbox::Empty;
use super::page::{FormErrors, Page, PageForm, render};
use crate::accounts::domain::ProfileEdit;
use crate::accounts::service::{profile, update_profile};
use crate::app::AuthUser;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::events::calendar::service::{has_feed, new_feed, revoke_feed};
use crate::notifications::inbox::{Delivery, PreferenceChanges, Preferences};

/// One topic of the form: its radio buttons, and whether its email is stopped.
pub struct Topic {
    pub key: &'static str,
    pub name: &'static str,
    pub about: &'static str,
    pub choices: Vec<Choice>,
    pub no_email: bool,
}

/// One radio button: a delivery by name.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

fn topics(p: &Page, prefs: &Preferences) -> Vec<Topic> {
    (prefs.pairs().into_iter())
        .map(|(topic, chosen)| Topic {
            key: topic.as_str(),
            name: p.t(&format!("topic.{topic}")),
            about: p.t(&format!("preferences.about.{topic}")),
            choices: (Delivery::ALL.iter())
                .map(|d| Choice {
                    value: d.as_str(),
                    label: p.t(&format!("delivery.{d}")),
                    chosen: *d == chosen,
                })
                .collect(),
            no_email: chosen == Delivery::InApp,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "preferences.html")]
struct PreferencesPage<'a> {
    p: &'a Page,
    topics: Vec<Topic>,
    errors: FormErrors,
    saved: bool,
    has_feed: bool,
    /// The new feed's address, right after it was made (the one time it is shown).
    feed_url: Option<String>,
}

/// What the page shows besides the stored state.
#[derive(Default)]
struct Outcome {
    errors: FormErrors,
    saved: bool,
    feed_url: Option<String>,
}

async fn show(p: &Page, user: AuthUser, status: StatusCode, o: Outcome) -> HttpResponse {
    let prefs = match profile(&p.state, user.id.clone()).await {
        Ok(v) => v.notification_preferences,
        Err(e) => return p.error(&e),
    };
    let has_feed = match has_feed(&p.state, user).await {
        Ok(h) => h,
        Err(e) => return p.error(&e),
    };
    let tpl = PreferencesPage {
        p,
        topics: topics(p, &prefs),
        errors: o.errors,
        saved: o.saved,
        has_feed,
        feed_url: o.feed_url,
    };
    render(p, status, &tpl)
}

const HERE: &str = "/sign-in?next=/preferences";

/// `GET /preferences`.
pub async fn preferences_page(p: Page) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect(HERE);
    };
    show(&p, user, StatusCode::OK, Outcome::default()).await
}

/// The form: a delivery by name for each topic (a topic not sent is left as it is).
#[derive(Deserialize)]
pub struct PreferencesForm {
    registry: Option<String>,
    matches: Option<String>,
    events: Option<String>,
    collaboration: Option<String>,
}

impl PreferencesForm {
    /// The changes of `PATCH /api/v1/me`'s `notification_preferences` this form stands for.
    fn changes(&self) -> Result<PreferenceChanges, ApiError> {
        let mut errors = Vec::new();
        let mut read = |field: &str, v: &Option<String>| {
            let d = v.as_deref().map(str::parse::<Delivery>).transpose();
            d.unwrap_or_else(|_| {
                errors.push(FieldError::of(field, ErrorCode::Invalid));
                None
            })
        };
        let changes = PreferenceChanges {
            registry: read("registry", &self.registry),
            matches: read("matches", &self.matches),
            events: read("events", &self.events),
            collaboration: read("collaboration", &self.collaboration),
        };
        ApiError::fields(errors)?;
        Ok(changes)
    }
}

/// `POST /preferences`: as `PATCH /api/v1/me` with `notification_preferences`.
pub async fn save(p: Page, form: PageForm<PreferencesForm>) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect(HERE);
    };
    let done = match form.0.changes() {
        Ok(c) => update_profile(&p.state, user.id.clone(), ProfileEdit::default(), Some(c)).await,
        Err(e) => Err(e),
    };
    let (status, o) = match done {
        Ok(_) => (
            StatusCode::OK,
            Outcome {
                saved: true,
                ..Outcome::default()
            },
        ),
        Err(e) => (
            actix_web::ResponseError::status_code(&e),
            Outcome {
                errors: p.form_errors(&e),
                ..Outcome::default()
            },
        ),
    };
    show(&p, user, status, o).await
}

/// `POST /preferences/calendar`: as `POST /api/v1/me/calendar-token`; the answer shows the
/// new address once.
pub async fn new_calendar_link(p: Page, _f: PageForm<Empty>) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect(HERE);
    };
    match new_feed(&p.state, user.clone()).await {
        Ok(feed) => {
            let o = Outcome {
                feed_url: Some(feed.url),
                ..Outcome::default()
            };
            show(&p, user, StatusCode::OK, o).await
        }
        Err(e) => p.error(&e),
    }
}

/// `POST /preferences/calendar/revoke`: as `DELETE /api/v1/me/calendar-token`.
pub async fn revoke_calendar_link(p: Page, _f: PageForm<Empty>) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect(HERE);
    };
    match revoke_feed(&p.state, user).await {
        Ok(()) => p.redirect("/preferences#calendar"),
        Err(e) => p.error(&e),
    }
}
