//! The outbox's letters for the bureau, the dead ones first of all (the default filter):
//! each with its topic by name, address, subject, attempts and last error, and for an
//! unsent one the button of `POST /api/v1/admin/outbox/{id}/retry`. Both call the
//! operations of the JSON routes (`notifications::routes::outbox_page`, `retry_email`).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{choice, choices, next_query, signed_in, some};
use crate::error::ApiError;
use crate::notifications::outbox::{OutboxItem, OutboxStatus};
use crate::notifications::routes::{OutboxQuery, outbox_page as list, retry_email};
use crate::web::inbox::Empty;
use crate::web::page::{Page, PageForm, ok};

/// The status filter: `dead` unless another (or `any`) is chosen.
#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    status: String,
    cursor: Option<String>,
    /// Set after a retry, to say so.
    retried: Option<String>,
}

impl Filters {
    fn status(&self) -> Result<Option<OutboxStatus>, ApiError> {
        match self.status.trim() {
            "" => Ok(Some(OutboxStatus::Dead)),
            "any" => Ok(None),
            s => choice("status", s),
        }
    }
}

/// A letter as the list shows it.
pub struct Letter {
    pub id: String,
    pub topic: &'static str,
    pub to: String,
    pub subject: String,
    pub status: &'static str,
    pub unsent: bool,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created: String,
}

fn letter(p: &Page, e: OutboxItem) -> Letter {
    Letter {
        topic: p.t(&format!("topic.{}", e.topic)),
        status: p.t(&format!("outbox.status.{}", e.status)),
        unsent: e.status != OutboxStatus::Sent.as_str(),
        created: crate::app::locale::beijing_minute(e.created_at),
        id: e.id,
        to: e.to_address,
        subject: e.subject,
        attempts: e.attempts,
        last_error: e.last_error,
    }
}

#[derive(Template)]
#[template(path = "bureau_outbox.html")]
struct List<'a> {
    p: &'a Page,
    /// The chosen status, `dead` by default.
    chosen: String,
    retried: bool,
    statuses: Vec<(&'static str, &'static str)>,
    letters: Vec<Letter>,
    next: Option<String>,
}

/// `GET /bureau/outbox`: dead letters, or the letters of another status.
pub async fn outbox_page(p: Page, q: web::Query<Filters>) -> HttpResponse {
    let user = match signed_in(&p) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let f = q.into_inner();
    let found = match f.status() {
        Ok(status) => {
            let q = OutboxQuery {
                status,
                limit: None,
                cursor: f.cursor.clone(),
            };
            list(&p.state, &user, q).await
        }
        Err(e) => Err(e),
    };
    let page = match found {
        Ok(page) => page,
        Err(e) => return p.error(&e),
    };
    let chosen = some(&f.status).unwrap_or_else(|| "dead".to_owned());
    let tpl = List {
        statuses: choices(
            &p,
            "outbox.status",
            OutboxStatus::ALL.iter().map(|s| s.as_str()),
        ),
        next: page
            .next_cursor
            .map(|c| next_query(&[("status", &chosen)], &c)),
        letters: page.items.into_iter().map(|e| letter(&p, e)).collect(),
        retried: f.retried.is_some(),
        chosen,
        p: &p,
    };
    ok(&p, &tpl)
}

/// `POST /bureau/outbox/{id}/retry`: back in line, then back to the dead letters.
pub async fn retry(p: Page, id: web::Path<String>, _f: PageForm<Empty>) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect("/sign-in?next=/bureau/outbox");
    };
    match retry_email(&p.state, user, id.into_inner()).await {
        Ok(_) => p.redirect("/bureau/outbox?retried=1"),
        Err(e) => p.error(&e),
    }
}
