//! One event as the bureau runs it, `/bureau/events/{id}`: its details and audience, the
//! buttons that publish or cancel it, every registration with the waitlist in order, and
//! the attendance form. Each button calls what the JSON route calls
//! (`events::service::publish_now`, `cancel_now`,
//! `events::registrations::service::mark_attendance`); the services decide.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::bureau_events::bureau;
use super::events::{Shown, shown};
use super::inbox::Empty;
use super::page::{FormErrors, Page, PageForm, render};
use super::registrations::Row;
use crate::app::AuthUser;
use crate::db::ids::{EventId, OrganizationId};
use crate::error::ApiError;
use crate::events::model::organization_names;
use crate::events::registrations::service::{mark_attendance, registrations_of};
use crate::events::service::{cancel_now, event_of, publish_now};
use crate::events::views::{AttendanceBody, AudienceBody, CancelEvent, RegistrationView};

#[derive(Template)]
#[template(path = "event_manage.html")]
struct ManagePage<'a> {
    p: &'a Page,
    e: Shown,
    audience: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    errors: FormErrors,
}

/// The audience in words: (what, which), one line a dimension that is set.
fn audience(p: &Page, a: &AudienceBody) -> Vec<(&'static str, String)> {
    let kinds: Vec<&str> = (a.kinds.iter())
        .map(|k| p.t(&format!("kind.{k}")))
        .collect();
    let mut out = Vec::new();
    for (label, list) in [
        ("manage.audience_kinds", kinds.join(", ")),
        ("manage.audience_regions", a.region_codes.join(", ")),
        ("manage.audience_fields", a.field_codes.join(", ")),
        (
            "manage.audience_organizations",
            a.organization_ids.join(", "),
        ),
    ] {
        if !list.is_empty() {
            out.push((p.t(label), list));
        }
    }
    if a.leading_only {
        out.push((p.t("manage.audience_leading"), p.t("manage.yes").to_owned()));
    }
    if out.is_empty() {
        out.push((
            p.t("manage.audience"),
            p.t("manage.audience_all").to_owned(),
        ));
    }
    out
}

/// Confirmed first, then the waitlist in line, then the cancelled.
fn in_order(mut regs: Vec<RegistrationView>) -> Vec<RegistrationView> {
    let rank = |r: &RegistrationView| match r.status.as_str() {
        "confirmed" => (0, 0),
        "waitlisted" => (1, r.waitlist_position.unwrap_or(i64::MAX)),
        _ => (2, 0),
    };
    regs.sort_by_key(|r| rank(r));
    regs
}

async fn names(
    p: &Page,
    regs: &[RegistrationView],
) -> Result<Vec<(OrganizationId, String)>, ApiError> {
    let ids: Vec<OrganizationId> = regs.iter().map(|r| r.organization_id.clone()).collect();
    let found = (p.state.db)
        .run(move |conn| Ok(organization_names(conn, &ids)?))
        .await?;
    Ok(found.into_iter().collect())
}

async fn show(
    p: &Page,
    user: AuthUser,
    id: EventId,
    errors: FormErrors,
    s: StatusCode,
) -> HttpResponse {
    let loaded = futures_util::future::try_join(
        event_of(&p.state, user.clone(), id.clone()),
        registrations_of(&p.state, user, id),
    );
    let (ev, regs) = match loaded.await {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let orgs = match names(p, &regs).await {
        Ok(n) => n,
        Err(e) => return p.error(&e),
    };
    let tpl = ManagePage {
        p,
        audience: audience(p, &ev.audience),
        e: shown(p, ev),
        rows: (in_order(regs).into_iter())
            .map(|r| super::registrations::row(p, r, &orgs))
            .collect(),
        errors,
    };
    render(p, s, &tpl)
}

/// After a button: back to the event's page, or the page with what was refused.
async fn done(p: &Page, user: AuthUser, id: EventId, r: Result<(), ApiError>) -> HttpResponse {
    match r {
        Ok(()) => p.redirect(&format!("/bureau/events/{id}")),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(p, user, id, p.form_errors(&e), status).await
        }
    }
}

/// `GET /bureau/events/{id}`.
pub async fn manage_page(p: Page, id: web::Path<EventId>) -> HttpResponse {
    let id = id.into_inner();
    match bureau(&p, &format!("/bureau/events/{id}")) {
        Ok(user) => show(&p, user, id, FormErrors::default(), StatusCode::OK).await,
        Err(res) => *res,
    }
}

/// `POST /bureau/events/{id}/publish`: as `POST /api/v1/events/{id}/publish`.
pub async fn publish(p: Page, id: web::Path<EventId>, _f: PageForm<Empty>) -> HttpResponse {
    let id = id.into_inner();
    let user = match bureau(&p, &format!("/bureau/events/{id}")) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let r = publish_now(&p.state, user.clone(), id.clone()).await;
    done(&p, user, id, r.map(drop)).await
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// `POST /bureau/events/{id}/cancel`: as `POST /api/v1/events/{id}/cancel`.
pub async fn cancel(p: Page, id: web::Path<EventId>, f: PageForm<CancelForm>) -> HttpResponse {
    let id = id.into_inner();
    let user = match bureau(&p, &format!("/bureau/events/{id}")) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let b = CancelEvent { reason: f.0.reason };
    let r = cancel_now(&p.state, user.clone(), id.clone(), b).await;
    done(&p, user, id, r.map(drop)).await
}

/// `POST /bureau/events/{id}/attendance`: the ticked registrations (`registration_ids`)
/// as attended, or not (`attended=false`), as `POST /api/v1/events/{id}/attendance`.
pub async fn attendance(
    p: Page,
    id: web::Path<EventId>,
    form: PageForm<Vec<(String, String)>>,
) -> HttpResponse {
    let id = id.into_inner();
    let user = match bureau(&p, &format!("/bureau/events/{id}")) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let pairs = form.0;
    let b = AttendanceBody {
        attended: Some(!pairs.iter().any(|(k, v)| k == "attended" && v == "false")),
        registration_ids: (pairs.into_iter())
            .filter(|(k, _)| k == "registration_ids")
            .map(|(_, v)| v.into())
            .collect(),
    };
    let r = mark_attendance(&p.state, user.clone(), id.clone(), b).await;
    done(&p, user, id, r.map(drop)).await
}
