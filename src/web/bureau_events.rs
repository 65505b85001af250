//! The bureau's events: the list of every event (drafts, open, completed, cancelled) at
//! `/bureau/events`, and the form that drafts one or edits it, with its audience while it
//! is a draft (`/bureau/events/new`, `/bureau/events/{id}/edit`). A form is read into the
//! JSON API's body ([`event_form`](super::event_form)) and goes to the very same
//! `events::service` functions; who may do it is theirs to say (`require_bureau`), so a
//! member gets the API's refusal (403) and a visitor is asked to sign in.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::directory::{Choice, flatten};
use super::event_form::EventForm;
use super::events::{Shown, shown};
use super::page::{FormErrors, Page, PageForm, ok, render};
use crate::app::AuthUser;
use crate::db::ids::EventId;
use crate::error::ApiError;
use crate::events::domain::EventKind;
use crate::events::service::{change_event, create_event, event_list, event_of};
use crate::events::views::EventQuery;
use crate::organizations::domain::OrgKind;
use crate::organizations::taxonomy::{field_tree, region_tree};

/// The signed-in bureau user, or the page to answer instead: a visitor is sent to sign in,
/// anyone else gets the services' refusal.
pub fn bureau(p: &Page, next: &str) -> Result<AuthUser, Box<HttpResponse>> {
    let Some(user) = p.user.clone() else {
        return Err(Box::new(p.redirect(&format!("/sign-in?next={next}"))));
    };
    user.require_bureau().map_err(|e| Box::new(p.error(&e)))?;
    Ok(user)
}

#[derive(Template)]
#[template(path = "bureau_events.html")]
struct ListPage<'a> {
    p: &'a Page,
    events: Vec<Shown>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
}

/// `GET /bureau/events`: every event, soonest first, as `GET /api/v1/events` lists them
/// for the bureau.
pub async fn list_page(p: Page, q: web::Query<ListQuery>) -> HttpResponse {
    let user = match bureau(&p, "/bureau/events") {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let q = EventQuery {
        limit: Some(crate::app::pagination::Limit(50)),
        cursor: q.into_inner().cursor,
        ..EventQuery::default()
    };
    match event_list(&p.state, Some(&user), q).await {
        Ok(page) => {
            let events = page.items.into_iter().map(|e| shown(&p, e)).collect();
            let next = page.next_cursor;
            ok(
                &p,
                &ListPage {
                    p: &p,
                    events,
                    next,
                },
            )
        }
        Err(e) => p.error(&e),
    }
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct FormPage<'a> {
    p: &'a Page,
    heading: &'static str,
    action: String,
    back: String,
    /// Whether the audience may still be chosen (a new event or a draft).
    audience: bool,
    f: EventForm,
    event_kinds: Vec<(&'static str, &'static str)>,
    org_kinds: Vec<(&'static str, &'static str)>,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    errors: FormErrors,
}

/// Where a form posts: a new event, or the event `id` (a draft when `draft`).
enum Target {
    New,
    Edit { id: EventId, draft: bool },
}

async fn show(
    p: &Page,
    t: Target,
    f: EventForm,
    errors: FormErrors,
    s: StatusCode,
) -> HttpResponse {
    let trees = futures_util::future::try_join(
        field_tree(&p.state, p.locale),
        region_tree(&p.state, p.locale),
    );
    let (fields, regions) = match trees.await {
        Ok((f, r)) => (flatten(&f).0, flatten(&r).0),
        Err(e) => return p.error(&e),
    };
    let (heading, action, back, audience) = match &t {
        Target::New => (
            p.t("manage.new"),
            "/bureau/events/new".to_owned(),
            "/bureau/events".to_owned(),
            true,
        ),
        Target::Edit { id, draft } => (
            p.t("manage.edit"),
            format!("/bureau/events/{id}/edit"),
            format!("/bureau/events/{id}"),
            *draft,
        ),
    };
    let tpl = FormPage {
        p,
        heading,
        action,
        back,
        audience,
        f,
        event_kinds: (EventKind::ALL.iter())
            .map(|k| (k.as_str(), p.t(&format!("event_kind.{}", k.as_str()))))
            .collect(),
        org_kinds: (OrgKind::ALL.iter())
            .map(|k| (k.as_str(), p.t(&format!("kind.{}", k.as_str()))))
            .collect(),
        fields,
        regions,
        errors,
    };
    render(p, s, &tpl)
}

async fn refused(p: &Page, t: Target, f: EventForm, e: ApiError) -> HttpResponse {
    let status = actix_web::ResponseError::status_code(&e);
    show(p, t, f, p.form_errors(&e), status).await
}

/// `GET /bureau/events/new`.
pub async fn new_page(p: Page) -> HttpResponse {
    if let Err(res) = bureau(&p, "/bureau/events/new") {
        return *res;
    }
    let f = EventForm {
        kind: "training".to_owned(),
        ..EventForm::default()
    };
    show(&p, Target::New, f, FormErrors::default(), StatusCode::OK).await
}

/// `POST /bureau/events/new`: `events::service::create`, then the new draft's page.
pub async fn create(p: Page, form: PageForm<Vec<(String, String)>>) -> HttpResponse {
    let user = match bureau(&p, "/bureau/events/new") {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let f = EventForm::from_pairs(form.0);
    let body = match f.clone().new_event() {
        Ok(b) => b,
        Err(e) => return refused(&p, Target::New, f, e).await,
    };
    match create_event(&p.state, user, body).await {
        Ok(v) => p.redirect(&format!("/bureau/events/{}", v.id)),
        Err(e) => refused(&p, Target::New, f, e).await,
    }
}

/// `GET /bureau/events/{id}/edit`.
pub async fn edit_page(p: Page, id: web::Path<EventId>) -> HttpResponse {
    let id = id.into_inner();
    let user = match bureau(&p, &format!("/bureau/events/{id}/edit")) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    match event_of(&p.state, user, id.clone()).await {
        Ok(v) => {
            let t = Target::Edit {
                id,
                draft: v.status == "draft",
            };
            let f = EventForm::from_view(&v);
            show(&p, t, f, FormErrors::default(), StatusCode::OK).await
        }
        Err(e) => p.error(&e),
    }
}

/// `POST /bureau/events/{id}/edit`: `events::service::update` (with the audience while
/// the event is a draft; the service refuses it otherwise).
pub async fn update(
    p: Page,
    id: web::Path<EventId>,
    form: PageForm<Vec<(String, String)>>,
) -> HttpResponse {
    let id = id.into_inner();
    let user = match bureau(&p, &format!("/bureau/events/{id}/edit")) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let draft = match event_of(&p.state, user.clone(), id.clone()).await {
        Ok(v) => v.status == "draft",
        Err(e) => return p.error(&e),
    };
    let (f, t) = (
        EventForm::from_pairs(form.0),
        Target::Edit {
            id: id.clone(),
            draft,
        },
    );
    let changes = match f.clone().changes(draft) {
        Ok(c) => c,
        Err(e) => return refused(&p, t, f, e).await,
    };
    match change_event(&p.state, user, id, changes).await {
        Ok(v) => p.redirect(&format!("/bureau/events/{}", v.id)),
        Err(e) => refused(&p, t, f, e).await,
    }
}
