//! An event's registrations for members: those of their organizations (status, place in
//! the waitlist, attendance), a form that adds attendees and a button that cancels one.
//! It calls what `GET`/`POST /api/v1/events/{id}/registrations` and
//! `DELETE .../registrations/{registration_id}` call (`events::registrations::service`):
//! who may see, add or cancel is the service's rule, never the page's.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::events::{ROWS, RegisterForm, Shown, shown};
use super::inbox::Empty;
use super::page::{FormErrors, Page, PageForm, render};
use crate::app::AuthUser;
use crate::db::ids::{EventId, OrganizationId, RegistrationId};
use crate::events::calendar::service::event_with_calendar;
use crate::events::registrations::service::{
    cancel_registration, register_attendees, registrations_of,
};
use crate::events::views::RegistrationView;
use crate::organizations::service::acting_organizations;

/// One registration as a row of the table.
pub struct Row {
    pub id: RegistrationId,
    pub attendee: String,
    pub email: String,
    pub organization: String,
    /// The status in words, with the place in line for the waitlisted.
    pub status: String,
    pub cancelled: bool,
    pub attended: bool,
}

pub fn row(p: &Page, r: RegistrationView, orgs: &[(OrganizationId, String)]) -> Row {
    let status = match (r.status.as_str(), r.waitlist_position) {
        ("waitlisted", Some(n)) => {
            crate::i18n::fill(p.t("registrations.in_line"), &[("n", &n.to_string())])
        }
        (s, _) => p.t(&format!("registration_status.{s}")).to_owned(),
    };
    Row {
        organization: (orgs.iter())
            .find(|(id, _)| *id == r.organization_id)
            .map_or_else(|| r.organization_id.to_string(), |(_, name)| name.clone()),
        cancelled: r.status == "cancelled",
        attended: r.attended,
        status,
        id: r.id,
        attendee: r.attendee_name,
        email: r.attendee_email,
    }
}

#[derive(Template)]
#[template(path = "registrations.html")]
struct RegistrationsPage<'a> {
    p: &'a Page,
    e: Shown,
    rows: Vec<Row>,
    /// The user's verified organizations: (id, name).
    orgs: Vec<(OrganizationId, String)>,
    errors: FormErrors,
    inputs: Vec<Input>,
}

/// One attendee's inputs and what was said about them.
pub struct Input {
    pub i: usize,
    pub name_error: Option<String>,
    pub email_error: Option<String>,
}

fn inputs(errors: &FormErrors) -> Vec<Input> {
    let said = |i: usize, what: &str| {
        errors
            .get(&format!("attendees[{i}].{what}"))
            .map(str::to_owned)
    };
    (0..ROWS)
        .map(|i| Input {
            i,
            name_error: said(i, "name"),
            email_error: said(i, "email"),
        })
        .collect()
}

async fn show(
    p: &Page,
    user: AuthUser,
    id: EventId,
    errors: FormErrors,
    status: StatusCode,
) -> HttpResponse {
    let (ev, _) = match event_with_calendar(&p.state, Some(user.clone()), id.clone()).await {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let orgs: Vec<(OrganizationId, String)> =
        match acting_organizations(&p.state, user.clone()).await {
            Ok(list) => (list.into_iter())
                .map(|o| {
                    (
                        o.id,
                        p.locale.pick(&o.name, o.name_en.as_deref()).to_owned(),
                    )
                })
                .collect(),
            Err(e) => return p.error(&e),
        };
    let regs = match registrations_of(&p.state, user, id).await {
        Ok(list) => list,
        Err(e) => return p.error(&e),
    };
    let tpl = RegistrationsPage {
        p,
        e: shown(p, ev),
        rows: regs.into_iter().map(|r| row(p, r, &orgs)).collect(),
        orgs,
        inputs: inputs(&errors),
        errors,
    };
    render(p, status, &tpl)
}

fn sign_in(p: &Page, id: &EventId) -> HttpResponse {
    p.redirect(&format!("/sign-in?next=/events/{id}/registrations"))
}

/// `GET /events/{id}/registrations`.
pub async fn registrations_page(p: Page, id: web::Path<EventId>) -> HttpResponse {
    let id = id.into_inner();
    let Some(user) = p.user.clone() else {
        return sign_in(&p, &id);
    };
    show(&p, user, id, FormErrors::default(), StatusCode::OK).await
}

/// `POST /events/{id}/registrations`: as the JSON route; back to the list, or the form
/// with what was refused.
pub async fn add(p: Page, id: web::Path<EventId>, form: PageForm<RegisterForm>) -> HttpResponse {
    let id = id.into_inner();
    let Some(user) = p.user.clone() else {
        return sign_in(&p, &id);
    };
    match register_attendees(&p.state, user.clone(), id.clone(), form.0.body()).await {
        Ok(_) => p.redirect(&format!("/events/{id}/registrations")),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, user, id, p.form_errors(&e), status).await
        }
    }
}

/// `POST /events/{id}/registrations/{registration_id}/cancel`: as `DELETE` on the JSON
/// route.
pub async fn cancel(
    p: Page,
    path: web::Path<(EventId, RegistrationId)>,
    _f: PageForm<Empty>,
) -> HttpResponse {
    let (id, rid) = path.into_inner();
    let Some(user) = p.user.clone() else {
        return sign_in(&p, &id);
    };
    match cancel_registration(&p.state, user.clone(), id.clone(), rid).await {
        Ok(_) => p.redirect(&format!("/events/{id}/registrations")),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, user, id, p.form_errors(&e), status).await
        }
    }
}
