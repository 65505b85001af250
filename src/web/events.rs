//! Events for people: the list of published events, the event page behind the links of
//! invitation mail (details, "add to calendar", and registration of attendees for one of
//! the user's organizations). Each calls the function of the JSON route.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{FormErrors, Page, PageForm, ok, render};
use crate::db::ids::{EventId, OrganizationId};
use crate::events::calendar::service::event_with_calendar;
use crate::events::registrations::service::register_attendees;
use crate::events::service::event_list;
use crate::events::views::{Attendee, EventQuery, EventView, NewRegistration, RegistrationView};
use crate::organizations::service::acting_organizations;

/// An event as the pages show it: in the page's language, times in the event's zone.
pub struct Shown {
    pub id: EventId,
    pub title: String,
    pub kind: &'static str,
    pub when: String,
    pub location: String,
    pub online_url: Option<String>,
    pub organizer: String,
    pub description: String,
    pub status: String,
    pub status_name: &'static str,
    pub places: String,
}

/// `2026-12-10T09:00:00+08:00` -> `2026-12-10 09:00`.
fn local(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replacen('T', " ", 1)
}

pub fn shown(p: &Page, e: EventView) -> Shown {
    let title = p.locale.pick(&e.title, e.title_en.as_deref()).to_owned();
    let ends = local(&e.ends_local);
    let when = format!(
        "{} – {} ({})",
        local(&e.starts_local),
        ends.get(11..).unwrap_or(&ends),
        e.timezone
    );
    Shown {
        kind: p.t(&format!("event_kind.{}", e.kind)),
        status_name: p.t(&format!("event_status.{}", e.status)),
        places: crate::i18n::fill(
            p.t("event.places"),
            &[
                ("confirmed", &e.confirmed_count.to_string()),
                ("capacity", &e.capacity.to_string()),
                ("waiting", &e.waitlisted_count.to_string()),
            ],
        ),
        id: e.id,
        title,
        when,
        location: e.location,
        online_url: e
            .online_url
            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        organizer: e.organizer,
        description: e.description,
        status: e.status,
    }
}

#[derive(Template)]
#[template(path = "events.html")]
struct Events<'a> {
    p: &'a Page,
    events: Vec<Shown>,
}

pub async fn events_page(p: Page) -> HttpResponse {
    let q = EventQuery {
        status: Some(crate::events::domain::EventStatus::Published),
        kind: None,
        from: Some(chrono::Utc::now().into()),
        to: None,
        limit: Some(crate::app::pagination::Limit(50)),
        cursor: None,
    };
    match event_list(&p.state, p.user.as_ref(), q).await {
        Ok(page) => {
            let events = page.items.into_iter().map(|e| shown(&p, e)).collect();
            ok(&p, &Events { p: &p, events })
        }
        Err(e) => p.error(&e),
    }
}

/// How many attendee rows the registration form offers (more in another registration).
pub const ROWS: usize = 3;

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage<'a> {
    p: &'a Page,
    e: Shown,
    /// The user's verified organizations: (id, name).
    orgs: Vec<(OrganizationId, String)>,
    errors: FormErrors,
    rows: Vec<usize>,
    done: Vec<RegistrationView>,
}

async fn show(
    p: &Page,
    id: EventId,
    errors: FormErrors,
    done: Vec<RegistrationView>,
    status: StatusCode,
) -> HttpResponse {
    let ev = match event_with_calendar(&p.state, p.user.clone(), id).await {
        Ok((ev, _)) => ev,
        Err(e) => return p.error(&e),
    };
    let orgs = match &p.user {
        Some(u) => match acting_organizations(&p.state, u.clone()).await {
            Ok(list) => list.into_iter().map(|o| (o.id, o.name)).collect(),
            Err(e) => return p.error(&e),
        },
        None => Vec::new(),
    };
    let tpl = EventPage {
        p,
        e: shown(p, ev),
        orgs,
        errors,
        rows: (0..ROWS).collect(),
        done,
    };
    render(p, status, &tpl)
}

pub async fn event_page(p: Page, id: web::Path<EventId>) -> HttpResponse {
    show(
        &p,
        id.into_inner(),
        FormErrors::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `GET /events/{id}.ics`: the event's calendar file, as the API's `.ics` but for anyone
/// who may see the event.
pub async fn event_ics(p: Page, id: web::Path<EventId>) -> HttpResponse {
    match event_with_calendar(&p.state, p.user.clone(), id.into_inner()).await {
        Ok((_, ics)) => HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .insert_header(("Content-Disposition", "attachment; filename=\"event.ics\""))
            .body(ics),
        Err(e) => p.error(&e),
    }
}

/// The registration form: an organization and up to [`ROWS`] attendees (rows left empty
/// are not sent on).
#[derive(Deserialize)]
pub struct RegisterForm {
    organization_id: OrganizationId,
    #[serde(default)]
    name_0: String,
    #[serde(default)]
    email_0: String,
    #[serde(default)]
    name_1: String,
    #[serde(default)]
    email_1: String,
    #[serde(default)]
    name_2: String,
    #[serde(default)]
    email_2: String,
}

impl RegisterForm {
    /// The body of `POST /api/v1/events/{id}/registrations` this form stands for.
    pub fn body(self) -> NewRegistration {
        let attendees = [
            (self.name_0, self.email_0),
            (self.name_1, self.email_1),
            (self.name_2, self.email_2),
        ]
        .into_iter()
        .filter(|(n, e)| !n.trim().is_empty() || !e.trim().is_empty())
        .map(|(name, email)| Attendee {
            name,
            email,
            phone: None,
        })
        .collect();
        NewRegistration {
            organization_id: self.organization_id,
            attendees,
        }
    }
}

pub async fn register(
    p: Page,
    id: web::Path<EventId>,
    form: PageForm<RegisterForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/events/{id}"));
    };
    match register_attendees(&p.state, user, id.clone(), form.0.body()).await {
        Ok(done) => show(&p, id, FormErrors::default(), done, StatusCode::CREATED).await,
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, id, p.form_errors(&e), Vec::new(), status).await
        }
    }
}
