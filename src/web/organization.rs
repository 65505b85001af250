//! An organization's page, behind the links of the review mail (to its members) and of the
//! new-organization mail (to the bureau): its status (with the bureau's reason), its
//! details by name, its needs and capabilities; for its members and the bureau its
//! members too, and for the bureau the review buttons. What a visitor sees of it (pending
//! ones not at all, contacts only to those the contact rule admits) is what
//! `GET /api/v1/organizations/{id}` shows them: the page calls the same operations
//! (`organizations::service::get`, `membership::members`, `workflow::review`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::dashboard::{Item, item, listings_of};
use super::listings::taxonomy_names;
use super::page::{FormErrors, Page, PageForm, render};
use crate::db::ids::OrganizationId;
use crate::error::{ApiError, ErrorCode};
use crate::organizations::domain::{OrgStatus, Review};
use crate::organizations::membership::members;
use crate::organizations::service;
use crate::organizations::views::{Contact, OrganizationView};
use crate::organizations::workflow;

/// An organization as its page shows it, every code turned into its name.
pub struct Shown {
    pub id: OrganizationId,
    pub name: String,
    pub other_name: Option<String>,
    pub kind: &'static str,
    pub status: String,
    pub status_name: &'static str,
    pub status_reason: Option<String>,
    pub region: String,
    pub fields: Vec<String>,
    pub aliases: String,
    pub uscc: Option<String>,
    /// What the bureau should look at in the USCC (insiders only), in the page's language.
    pub warnings: Vec<String>,
    pub description: String,
    pub website: Option<String>,
    pub address: Option<String>,
    pub contact: Option<Contact>,
}

/// A member as the page lists it.
pub struct Member {
    pub name: String,
    pub email: String,
    pub role: &'static str,
}

/// A review button the bureau may press now: the action, its label, whether it asks why.
pub struct Action {
    pub action: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage<'a> {
    p: &'a Page,
    o: Shown,
    /// Members and the bureau see the members (the rule of `membership::members`).
    members: Option<Vec<Member>>,
    listings: Vec<Item>,
    actions: Vec<Action>,
    errors: FormErrors,
}

fn shown(p: &Page, o: OrganizationView, fields: &[String], region: String) -> Shown {
    let (name, other_name) = match (p.is_en(), o.name_en) {
        (true, Some(en)) if !en.trim().is_empty() => (en, Some(o.name)),
        (_, en) => (o.name, en.filter(|e| !e.trim().is_empty())),
    };
    Shown {
        kind: p.t(&format!("kind.{}", o.kind)),
        status_name: p.t(&format!("org_status.{}", o.status)),
        status_reason: o.status_reason,
        region,
        fields: fields.to_vec(),
        aliases: o.aliases.join(if p.is_en() { ", " } else { "、" }),
        uscc: o.uscc,
        warnings: (o.warnings.unwrap_or_default().iter())
            .map(|w| w.message.in_locale(p.locale).into_owned())
            .collect(),
        description: o.description,
        website: o
            .website
            .filter(|w| w.starts_with("https://") || w.starts_with("http://")),
        address: o.address,
        contact: o.contact,
        status: o.status,
        id: o.id,
        name,
        other_name,
    }
}

/// The review actions that apply to an organization in `status` ([`Review::apply`]),
/// for the bureau; none for anyone else.
fn actions(p: &Page, status: &str) -> Vec<Action> {
    let (Some(true), Ok(status)) = (
        p.user.as_ref().map(|u| u.is_bureau()),
        status.parse::<OrgStatus>(),
    ) else {
        return Vec::new();
    };
    (Review::ALL.iter())
        .filter(|a| a.apply(status).is_some())
        .map(|a| Action {
            action: a.as_str(),
            label: p.t(&format!("org.review.{}", a.as_str())),
            needs_reason: a.needs_reason(),
        })
        .collect()
}

/// The member list, if the viewer may see it (its members and the bureau).
async fn member_list(p: &Page, o: &OrganizationView) -> Result<Option<Vec<Member>>, ApiError> {
    let Some(user) = p.user.clone() else {
        return Ok(None);
    };
    if o.my_role.is_none() && !user.is_bureau() {
        return Ok(None);
    }
    let list = members(&p.state, user, o.id.as_str().into()).await?;
    Ok(Some(
        list.into_iter()
            .map(|m| Member {
                role: p.t(&format!("org.role.{}", m.role)),
                name: m.display_name,
                email: m.email,
            })
            .collect(),
    ))
}

/// A code's name, or the code when it has none.
fn named(names: &std::collections::HashMap<String, String>, code: &str) -> String {
    names.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

async fn show(
    p: &Page,
    id: OrganizationId,
    errors: FormErrors,
    status: StatusCode,
) -> HttpResponse {
    let o = match service::get(&p.state, p.user.clone(), id.clone()).await {
        Ok(o) => o,
        Err(ApiError::NotFound) if p.user.is_none() => {
            return p.redirect(&format!("/sign-in?next=/organizations/{id}"));
        }
        Err(e) => return p.error(&e),
    };
    let found = futures_util::future::try_join3(
        member_list(p, &o),
        listings_of(p, vec![o.id.clone()]),
        taxonomy_names(p),
    );
    let (members, listings, (field_names, region_names)) = match found.await {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let fields: Vec<String> = o
        .field_codes
        .iter()
        .map(|c| named(&field_names, c))
        .collect();
    let region = named(&region_names, &o.region_code);
    let tpl = OrganizationPage {
        actions: actions(p, &o.status),
        o: shown(p, o, &fields, region),
        members,
        listings: listings.iter().map(|l| item(p, l)).collect(),
        errors,
        p,
    };
    render(p, status, &tpl)
}

/// `GET /organizations/{id}`: what the viewer may see of it; a visitor is asked to sign in
/// for an organization only insiders see, a signed-in outsider gets 404.
pub async fn organization_page(p: Page, id: web::Path<OrganizationId>) -> HttpResponse {
    show(&p, id.into_inner(), FormErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ReviewForm {
    /// `verify`, `reject`, `suspend` or `reinstate` (the button pressed).
    action: String,
    #[serde(default)]
    reason: String,
}

/// `POST /organizations/{id}/review`: the bureau's review action, through
/// `workflow::review` as `POST /api/v1/organizations/{id}/{action}`.
pub async fn review(
    p: Page,
    id: web::Path<OrganizationId>,
    form: PageForm<ReviewForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/organizations/{id}"));
    };
    let f = form.0;
    let result = match f.action.parse::<Review>() {
        Ok(action) => workflow::review(&p.state, user, id.clone(), action, Some(f.reason)).await,
        Err(_) => Err(crate::error::FieldError::of("action", ErrorCode::ActionInvalid).into()),
    };
    match result {
        Ok(_) => p.redirect(&format!("/organizations/{id}")),
        Err(ApiError::NotFound) => p.error(&ApiError::NotFound),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, id, p.form_errors(&e), status).await
        }
    }
}
