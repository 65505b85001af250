//! Deleting a draft need or capability from its page: `GET /needs/{id}/delete` asks to
//! confirm, `POST` calls what `DELETE /api/v1/needs/{id}` calls (`listings::service::delete`:
//! only drafts nobody has shown interest in, by owners of the organization). A refusal
//! comes back on the confirm page with the service's reason, in the reader's language.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::inbox::Empty;
use super::listings::{path_of, side_of};
use super::page::{FormErrors, Page, PageForm, render};
use crate::db::ids::ListingId;
use crate::error::ApiError;
use crate::listings::service as listings;

#[derive(Template)]
#[template(path = "listing_delete.html")]
struct ConfirmPage<'a> {
    p: &'a Page,
    title: String,
    path: String,
    errors: FormErrors,
}

/// Who may not edit a listing finds no page: a 403 of the service is a 404 here.
fn hidden(e: ApiError) -> ApiError {
    match e {
        ApiError::Forbidden { .. } => ApiError::NotFound,
        e => e,
    }
}

async fn show(
    p: &Page,
    kind: &str,
    id: ListingId,
    errors: FormErrors,
    s: StatusCode,
) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/{kind}/{id}"));
    };
    let side = side_of(kind);
    let read = p.state.db.run({
        let id = id.clone();
        move |c| listings::editable_view(c, user, side, &id)
    });
    match read.await {
        Ok(l) => {
            let path = path_of(&l.side, &l.id);
            render(
                p,
                s,
                &ConfirmPage {
                    p,
                    title: l.title,
                    path,
                    errors,
                },
            )
        }
        Err(e) => p.error(&hidden(e)),
    }
}

/// `GET /needs/{id}/delete` and `GET /capabilities/{id}/delete`.
pub async fn confirm_page(p: Page, path: web::Path<(String, ListingId)>) -> HttpResponse {
    let (kind, id) = path.into_inner();
    show(&p, &kind, id, FormErrors::default(), StatusCode::OK).await
}

/// `POST /needs/{id}/delete` and `POST /capabilities/{id}/delete`: the dashboard after,
/// or the confirm page saying why not.
pub async fn delete(
    p: Page,
    path: web::Path<(String, ListingId)>,
    _f: PageForm<Empty>,
) -> HttpResponse {
    let (kind, id) = path.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/{kind}/{id}"));
    };
    let side = side_of(&kind);
    let lid = id.clone();
    let write = p
        .state
        .write_and_index(move |c| listings::delete(c, user, side, &lid));
    match write.await {
        Ok(()) => p.redirect("/dashboard"),
        Err(ApiError::NotFound) => p.error(&ApiError::NotFound),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, &kind, id, p.form_errors(&e), status).await
        }
    }
}
