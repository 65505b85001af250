//! Interests for people: the page behind the links of interest mail (what was sent, by
//! whom, about which listing; accept, decline with a reason, or withdraw) and the list of
//! the user's sent and received interests. It calls `collaboration::actions`, as the JSON
//! routes do.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::listings::{Names, path_of, taxonomy_names};
use super::page::{FormErrors, Page, PageForm, ok, render};
use crate::collaboration::actions::{self, Decide};
use crate::collaboration::domain::DeclineReason;
use crate::collaboration::views::{
    AcceptInterest, CounterpartContact, DeclineInterest, InterestQuery, InterestView,
};
use crate::db::ids::{InterestId, OrganizationId};
use crate::error::{ErrorCode, Text};
use crate::organizations::model as orgs;

/// The fixed reasons a receiver may give, in the order the form lists them.
const REASONS: [DeclineReason; 6] = [
    DeclineReason::NotRelevant,
    DeclineReason::TooEarly,
    DeclineReason::Budget,
    DeclineReason::Timing,
    DeclineReason::AlreadySolved,
    DeclineReason::Other,
];

/// An interest as the pages show it.
pub struct Shown {
    pub id: InterestId,
    pub from: String,
    pub to: String,
    pub target_path: String,
    pub target_title: String,
    pub message: String,
    pub status: String,
    pub status_name: &'static str,
    pub direction: String,
    pub decline_reason: Option<&'static str>,
    pub decline_comment: Option<String>,
    pub contact: Option<CounterpartContact>,
    pub when: String,
}

async fn names_of(p: &Page, items: &[InterestView]) -> Result<Names, crate::error::ApiError> {
    let ids: Vec<OrganizationId> = items
        .iter()
        .flat_map(|i| {
            [
                i.from_organization_id.as_str(),
                i.to_organization_id.as_str(),
            ]
        })
        .map(OrganizationId::from)
        .collect();
    let org_names = p
        .state
        .db
        .run(move |conn| Ok(orgs::names(conn, &ids)?))
        .await?;
    let (fields, regions) = taxonomy_names(p).await?;
    Ok(Names {
        fields,
        regions,
        orgs: org_names,
    })
}

fn shown(p: &Page, v: InterestView, n: &Names) -> Shown {
    Shown {
        from: n.org(p, &v.from_organization_id),
        to: n.org(p, &v.to_organization_id),
        target_path: path_of(&v.target_side, &v.target_listing_id),
        target_title: v.target_title,
        message: v.message,
        status_name: p.t(&format!("interest.status.{}", v.status)),
        status: v.status,
        direction: v.direction,
        decline_reason: v
            .decline_reason
            .map(|r| p.t(&format!("interest.reason.{r}"))),
        decline_comment: v.decline_comment,
        contact: v.counterpart_contact,
        when: crate::app::locale::beijing_minute(v.created_at),
        id: v.id,
    }
}

#[derive(Template)]
#[template(path = "interest.html")]
struct InterestPage<'a> {
    p: &'a Page,
    i: Shown,
    reasons: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

async fn show(p: &Page, v: InterestView, errors: FormErrors, status: StatusCode) -> HttpResponse {
    let names = match names_of(p, std::slice::from_ref(&v)).await {
        Ok(n) => n,
        Err(e) => return p.error(&e),
    };
    let reasons = REASONS
        .iter()
        .map(|r| (r.as_str(), p.t(&format!("interest.reason.{}", r.as_str()))))
        .collect();
    let tpl = InterestPage {
        i: shown(p, v, &names),
        p,
        reasons,
        errors,
    };
    render(p, status, &tpl)
}

/// `GET /interests/{id}`: the parties (and the bureau) only; others get 404.
pub async fn interest_page(p: Page, id: web::Path<InterestId>) -> HttpResponse {
    let id = id.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/interests/{id}"));
    };
    match actions::get(&p.state, user, id).await {
        Ok(v) => show(&p, v, FormErrors::default(), StatusCode::OK).await,
        Err(e) => p.error(&e),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    /// `accept`, `decline` or `withdraw` (the button pressed).
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    comment: String,
}

fn decision(f: DecisionForm) -> Result<Decide, crate::error::ApiError> {
    match f.action.as_str() {
        "accept" => Ok(Decide::Accept(AcceptInterest::default())),
        "withdraw" => Ok(Decide::Withdraw),
        "decline" => {
            let reason = f.reason.parse::<DeclineReason>().map_err(|_| {
                crate::error::ApiError::field(
                    "reason",
                    ErrorCode::ReasonInvalid,
                    Text::key("problem.reason_invalid"),
                )
            })?;
            let comment = Some(f.comment.trim().to_owned()).filter(|c| !c.is_empty());
            Ok(Decide::Decline(DeclineInterest { reason, comment }))
        }
        _ => Err(crate::error::FieldError::of("action", ErrorCode::ActionInvalid).into()),
    }
}

/// `POST /interests/{id}`: the decision of the pressed button.
pub async fn decide(
    p: Page,
    id: web::Path<InterestId>,
    form: PageForm<DecisionForm>,
) -> HttpResponse {
    let id = id.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/interests/{id}"));
    };
    let result = match decision(form.0) {
        Ok(what) => actions::decide(&p.state, user.clone(), id.clone(), what).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => p.redirect(&format!("/interests/{id}")),
        Err(e) => match actions::get(&p.state, user, id).await {
            Ok(v) => {
                let status = actix_web::ResponseError::status_code(&e);
                show(&p, v, p.form_errors(&e), status).await
            }
            Err(_) => p.error(&e),
        },
    }
}

#[derive(Template)]
#[template(path = "interests.html")]
struct InterestsPage<'a> {
    p: &'a Page,
    items: Vec<Shown>,
    agreements: Vec<super::agreements::Shown>,
}

/// `GET /interests`: the user's sent and received interests, newest first, and the
/// agreements of their organizations.
pub async fn interests_page(p: Page) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect("/sign-in?next=/interests");
    };
    let q = InterestQuery {
        direction: None,
        status: None,
        organization_id: None,
        limit: Some(crate::app::pagination::Limit(50)),
        cursor: None,
    };
    let found = futures_util::future::try_join(
        actions::list(&p.state, user.clone(), q),
        super::agreements::of_user(&p, user),
    );
    let (page, agreements) = match found.await {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let names = match names_of(&p, &page.items).await {
        Ok(n) => n,
        Err(e) => return p.error(&e),
    };
    let items = page
        .items
        .into_iter()
        .map(|v| shown(&p, v, &names))
        .collect();
    let tpl = InterestsPage {
        p: &p,
        items,
        agreements,
    };
    ok(&p, &tpl)
}
