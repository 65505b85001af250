//! The notifications inbox for people: the user's notices, unread first, each with its
//! topic by name, its time in Beijing time and its link; a button marks one read, another
//! all. It calls what `GET /api/v1/me/notifications` and the read routes call
//! (`notifications::inbox::read`, `mark_read`, `mark_all_read`).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{Page, PageForm, ok};
use crate::db::ids::NotificationId;
use crate::error::ApiError;
use crate::notifications::inbox::{self, NotificationView};

/// A notice as the inbox lists it.
pub struct Shown {
    pub id: NotificationId,
    pub topic: &'static str,
    pub title: String,
    pub body: String,
    /// A path on this site (the stored link without the public address), or the link.
    pub link: Option<String>,
    pub read: bool,
    pub when: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage<'a> {
    p: &'a Page,
    items: Vec<Shown>,
    unread: i64,
    next: Option<String>,
}

fn shown(p: &Page, n: NotificationView) -> Shown {
    let base = &p.state.settings.public_url;
    Shown {
        topic: p.t(&format!("topic.{}", n.topic)),
        link: n.link.map(|l| match l.strip_prefix(base.as_str()) {
            Some(path) if path.starts_with('/') => path.to_owned(),
            _ => l,
        }),
        when: crate::app::locale::beijing_minute(n.created_at),
        read: n.read,
        id: n.id,
        title: n.title,
        body: n.body,
    }
}

#[derive(Deserialize, Default)]
pub struct InboxPath {
    cursor: Option<String>,
}

/// `GET /inbox`: a page of 20 notices, unread first.
pub async fn inbox_page(p: Page, q: web::Query<InboxPath>) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect("/sign-in?next=/inbox");
    };
    let cursor = q.into_inner().cursor;
    let (page, unread) = match inbox::read(
        &p.state.db,
        user.id,
        false,
        cursor.as_deref(),
        Some(crate::app::pagination::Limit(20)),
    )
    .await
    {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let next = (page.next_cursor)
        .map(|c| serde_urlencoded::to_string([("cursor", c)]).unwrap_or_default());
    let items = page.items.into_iter().map(|n| shown(&p, n)).collect();
    let tpl = InboxPage {
        p: &p,
        items,
        unread,
        next,
    };
    ok(&p, &tpl)
}

/// The CSRF field is all these forms carry.
#[derive(Deserialize)]
pub struct Empty {}

/// `POST /inbox/{id}/read`: as `POST /api/v1/me/notifications/{id}/read`.
pub async fn read_one(p: Page, id: web::Path<NotificationId>, _f: PageForm<Empty>) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect("/sign-in?next=/inbox");
    };
    let id = id.into_inner();
    let done = p
        .state
        .db
        .write(move |conn| inbox::mark_read(conn, &user.id, &id)?.ok_or(ApiError::NotFound))
        .await;
    match done {
        Ok(_) => p.redirect("/inbox"),
        Err(e) => p.error(&e),
    }
}

/// `POST /inbox/read-all`: as `POST /api/v1/me/notifications/read-all`.
pub async fn read_all(p: Page, _f: PageForm<Empty>) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect("/sign-in?next=/inbox");
    };
    let done = p
        .state
        .db
        .write(move |conn| Ok(inbox::mark_all_read(conn, &user.id)?))
        .await;
    match done {
        Ok(_) => p.redirect("/inbox"),
        Err(e) => p.error(&e),
    }
}
