//! Members post and edit their needs and capabilities: `/needs/new`, `/capabilities/new`,
//! `/needs/{id}/edit`, `/capabilities/{id}/edit`. The organizations offered are those
//! `organizations::service::acting_organizations` lets the user act for, of a kind that
//! `listings::domain::may_post` admits on that side; a form is read into the JSON API's
//! body ([`listing_form`](super::listing_form)) and goes to the very same
//! `listings::service::create` / `update`. A refused form comes back with each message
//! next to its input, in the reader's language, and nothing written. Someone who may not
//! edit a listing finds no edit page (404).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::directory::{Choice, flatten};
use super::listing_form::{Form, trl_field};
use super::listings::{path_of, side_of};
use super::page::{FormErrors, Page, PageForm, render};
use crate::db::ids::{ListingId, OrganizationId};
use crate::error::ApiError;
use crate::listings::domain::{Mode, Side, may_post};
use crate::listings::service as listings;
use crate::organizations::domain::OrgKind;
use crate::organizations::service::acting_organizations;
use crate::organizations::taxonomy::{field_tree, region_tree};

#[derive(Template)]
#[template(path = "listing_form.html")]
struct FormPage<'a> {
    p: &'a Page,
    need: bool,
    heading: &'static str,
    /// Where the form posts, and where "cancel" leads.
    action: String,
    back: String,
    /// Creating: the organizations to post for, (id, name); editing: none.
    orgs: Option<Vec<(OrganizationId, String)>>,
    /// Whether the form is shown (not when creating for no organization).
    open: bool,
    trl_name: &'static str,
    f: Form,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    modes: Vec<(&'static str, &'static str)>,
    trls: Vec<String>,
    errors: FormErrors,
}

/// A new listing's form, or the form of the listing `id`.
enum Target {
    New,
    Edit(ListingId),
}

/// The organizations the user may post a listing of `side` for.
async fn posters(p: &Page, side: Side) -> Result<Vec<(OrganizationId, String)>, ApiError> {
    let Some(user) = p.user.clone() else {
        return Ok(Vec::new());
    };
    let list = acting_organizations(&p.state, user).await?;
    Ok(list
        .into_iter()
        .filter(|o| (o.kind.parse::<OrgKind>()).is_ok_and(|k| may_post(side, k).is_ok()))
        .map(|o| {
            (
                o.id,
                p.locale.pick(&o.name, o.name_en.as_deref()).to_owned(),
            )
        })
        .collect())
}

/// The form's heading, where it posts and where "cancel" leads.
fn labels(p: &Page, side: Side, target: &Target) -> (&'static str, String, String) {
    match target {
        Target::New => (
            p.t(match side {
                Side::Need => "post.new_need",
                Side::Capability => "post.new_capability",
            }),
            format!("/{}/new", side.path()),
            "/dashboard".to_owned(),
        ),
        Target::Edit(id) => (
            p.t("post.edit"),
            format!("/{}/{id}/edit", side.path()),
            path_of(side.as_str(), id),
        ),
    }
}

/// The field and region choices in the page's language, and (creating) the posters.
async fn choices(p: &Page, side: Side, target: &Target) -> Result<Choices, ApiError> {
    let trees = futures_util::future::try_join(
        field_tree(&p.state, p.locale),
        region_tree(&p.state, p.locale),
    );
    let orgs = async {
        match target {
            Target::New => posters(p, side).await.map(Some),
            Target::Edit(_) => Ok(None),
        }
    };
    let ((fields, regions), orgs) = futures_util::future::try_join(trees, orgs).await?;
    Ok((flatten(&fields).0, flatten(&regions).0, orgs))
}

type Choices = (
    Vec<Choice>,
    Vec<Choice>,
    Option<Vec<(OrganizationId, String)>>,
);

async fn show(
    p: &Page,
    side: Side,
    target: Target,
    f: Form,
    errors: FormErrors,
    status: StatusCode,
) -> HttpResponse {
    let (fields, regions, orgs) = match choices(p, side, &target).await {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let (heading, action, back) = labels(p, side, &target);
    let modes = (Mode::ALL.iter())
        .map(|m| (m.as_str(), p.t(&format!("mode.{}", m.as_str()))))
        .collect();
    let tpl = FormPage {
        p,
        need: side == Side::Need,
        heading,
        action,
        back,
        open: orgs.as_ref().is_none_or(|l| !l.is_empty()),
        orgs,
        trl_name: trl_field(side),
        f,
        fields,
        regions,
        modes,
        trls: (1..=9).map(|t| t.to_string()).collect(),
        errors,
    };
    render(p, status, &tpl)
}

/// The page of a refused form: the error's status, its messages next to the inputs.
async fn refused(p: &Page, side: Side, target: Target, f: Form, e: ApiError) -> HttpResponse {
    let status = actix_web::ResponseError::status_code(&e);
    show(p, side, target, f, p.form_errors(&e), status).await
}

/// Who may not edit a listing finds no edit page: a 403 of the service is a 404 here.
fn hidden(e: ApiError) -> ApiError {
    match e {
        ApiError::Forbidden { .. } => ApiError::NotFound,
        e => e,
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    organization_id: Option<OrganizationId>,
}

/// `GET /needs/new` and `GET /capabilities/new` (`?organization_id=` chooses one).
pub async fn new_page(p: Page, kind: web::Path<String>, q: web::Query<NewQuery>) -> HttpResponse {
    if p.user.is_none() {
        return p.redirect(&format!("/sign-in?next=/{kind}/new"));
    }
    let f = Form {
        organization_id: q
            .into_inner()
            .organization_id
            .map(String::from)
            .unwrap_or_default(),
        ..Form::default()
    };
    let ok = StatusCode::OK;
    show(
        &p,
        side_of(&kind),
        Target::New,
        f,
        FormErrors::default(),
        ok,
    )
    .await
}

/// `POST /needs/new` and `POST /capabilities/new`: `listings::service::create`.
pub async fn create(
    p: Page,
    kind: web::Path<String>,
    form: PageForm<Vec<(String, String)>>,
) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/{kind}/new"));
    };
    let side = side_of(&kind);
    let f = Form::from_pairs(form.0);
    let body = match f.clone().new_listing(side) {
        Ok(b) => b,
        Err(e) => return refused(&p, side, Target::New, f, e).await,
    };
    let write = p
        .state
        .db
        .write(move |c| listings::create(c, user, side, body));
    match write.await {
        Ok(v) => p.redirect(&path_of(&v.side, &v.id)),
        Err(e) => refused(&p, side, Target::New, f, e).await,
    }
}

/// `GET /needs/{id}/edit` and `GET /capabilities/{id}/edit`, for the listing's members.
pub async fn edit_page(p: Page, path: web::Path<(String, ListingId)>) -> HttpResponse {
    let (kind, id) = path.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/{kind}/{id}/edit"));
    };
    let side = side_of(&kind);
    let read = p.state.db.run({
        let id = id.clone();
        move |c| listings::editable_view(c, user, side, &id)
    });
    match read.await {
        Ok(l) => {
            let (f, ok) = (Form::from_view(&l), StatusCode::OK);
            show(&p, side, Target::Edit(id), f, FormErrors::default(), ok).await
        }
        Err(e) => p.error(&hidden(e)),
    }
}

/// `POST /needs/{id}/edit` and `POST /capabilities/{id}/edit`: `listings::service::update`
/// with the changes the form makes to the listing as it is, in one transaction.
pub async fn update(
    p: Page,
    path: web::Path<(String, ListingId)>,
    form: PageForm<Vec<(String, String)>>,
) -> HttpResponse {
    let (kind, id) = path.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/{kind}/{id}/edit"));
    };
    let side = side_of(&kind);
    let f = Form::from_pairs(form.0);
    let (sent, lid) = (f.clone(), id.clone());
    let write = p.state.write_and_index(move |c| {
        let now = listings::editable_view(c, user.clone(), side, &lid)?;
        listings::update(c, user, side, &lid, sent.changes(side, &now)?)
    });
    match write.await.map_err(hidden) {
        Ok(v) => p.redirect(&path_of(&v.side, &v.id)),
        Err(ApiError::NotFound) => p.error(&ApiError::NotFound),
        Err(e) => refused(&p, side, Target::Edit(id), f, e).await,
    }
}
