//! A need's or a capability's page, behind the links of match and interest mail: the
//! listing with its fields and region by name; for its own organization's members the
//! ranked matches of the other side, each with why it matched in plain words; for members
//! of other verified organizations a form to express interest. It calls the services of
//! the JSON routes (`listings::service::get`, `matching::service::matches_for`,
//! `collaboration::actions::express`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::directory::flatten;
use super::page::{FormErrors, Page, PageForm, render};
use crate::collaboration::actions;
use crate::collaboration::views::NewInterest;
use crate::db::ids::{ListingId, OrganizationId};
use crate::listings::domain::{Action, ListingStatus, Side};
use crate::listings::service as listings;
use crate::listings::views::ListingView;
use crate::matching::engine::{Engine, Explanation};
use crate::matching::service::matches_of;
use crate::matching::views::MatchItem;
use crate::organizations::model as orgs;
use crate::organizations::service::acting_organizations;
use crate::organizations::taxonomy::{field_tree, region_tree};

/// Names by code (fields, regions) and by id (organizations), in the page's language.
pub struct Names {
    pub fields: HashMap<String, String>,
    pub regions: HashMap<String, String>,
    pub orgs: HashMap<OrganizationId, (String, Option<String>)>,
}

impl Names {
    pub fn field(&self, code: &str) -> String {
        self.fields
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.into())
    }

    pub fn region(&self, code: &str) -> String {
        self.regions
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.into())
    }

    /// The organization's name in the page's language (the English name when it has one).
    pub fn org(&self, p: &Page, id: &OrganizationId) -> String {
        match self.orgs.get(id) {
            Some((zh, en)) => p.locale.pick(zh, en.as_deref()).to_owned(),
            None => id.to_string(),
        }
    }
}

/// The field and region names of `p`'s language.
pub async fn taxonomy_names(
    p: &Page,
) -> Result<(HashMap<String, String>, HashMap<String, String>), crate::error::ApiError> {
    let (regions, fields) = futures_util::future::try_join(
        region_tree(&p.state, p.locale),
        field_tree(&p.state, p.locale),
    )
    .await?;
    Ok((flatten(&fields).1, flatten(&regions).1))
}

/// A listing as its page shows it.
pub struct Shown {
    pub path: String,
    pub title: String,
    pub side_name: &'static str,
    pub status: String,
    pub status_name: &'static str,
    pub organization: String,
    pub organization_id: OrganizationId,
    pub description: String,
    pub keywords: String,
    pub fields: Vec<String>,
    pub region: String,
    pub modes: Vec<&'static str>,
    pub trl: Option<i32>,
    pub deadline: Option<String>,
}

pub fn path_of(side: &str, id: &ListingId) -> String {
    match side {
        "need" => format!("/needs/{id}"),
        _ => format!("/capabilities/{id}"),
    }
}

fn shown(p: &Page, l: &ListingView, n: &Names) -> Shown {
    Shown {
        path: path_of(&l.side, &l.id),
        title: l.title.clone(),
        side_name: p.t(&format!("listing.side.{}", l.side)),
        status: l.status.clone(),
        status_name: p.t(&format!("listing.status.{}", l.status)),
        organization: n.org(p, &l.organization_id),
        organization_id: l.organization_id.clone(),
        description: l.description.clone(),
        keywords: l.keywords.join(if p.is_en() { ", " } else { "、" }),
        fields: l.field_codes.iter().map(|c| n.field(c)).collect(),
        region: n.region(&l.region_code),
        modes: l
            .cooperation_modes
            .iter()
            .map(|m| p.t(&format!("mode.{m}")))
            .collect(),
        trl: l.trl.or(l.trl_required),
        deadline: l.deadline.map(|d| d.to_string()),
    }
}

/// Why a listing matched, one sentence per reason, in the page's language.
pub fn reasons(p: &Page, e: &Explanation, n: &Names, region: &str) -> Vec<String> {
    let sep = if p.is_en() { ", " } else { "、" };
    let fill = |key: &str, v: &str| crate::i18n::fill(p.t(key), &[("x", v)]);
    let mut out = Vec::new();
    let (same, linked): (Vec<_>, Vec<_>) =
        e.matched_terms.iter().partition(|m| m.glossary.is_none());
    if !same.is_empty() {
        let words: Vec<&str> = same.iter().map(|m| m.term.as_str()).collect();
        out.push(fill("match.terms", &words.join(sep)));
    }
    for m in linked {
        let line = m.glossary.as_deref().unwrap_or_default();
        out.push(fill("match.glossary", &format!("{} ({line})", m.term)));
    }
    if let Some(c) = e.semantic_similarity {
        let key = match c {
            c if c >= 0.6 => "match.semantic_close",
            c if c >= 0.4 => "match.semantic_related",
            _ => "match.semantic_distant",
        };
        out.push(fill(key, &format!("{c:.2}")));
    }
    if !e.shared_fields.is_empty() {
        let names: Vec<String> = e.shared_fields.iter().map(|c| n.field(c)).collect();
        out.push(fill("match.fields", &names.join(sep)));
    }
    if !e.shared_modes.is_empty() {
        let modes: Vec<&str> = e
            .shared_modes
            .iter()
            .map(|m| p.t(&format!("mode.{m}")))
            .collect();
        out.push(fill("match.modes", &modes.join(sep)));
    }
    match e.trl_fit.as_str() {
        "meets" => out.push(p.t("match.trl_meets").to_owned()),
        "below" => out.push(p.t("match.trl_below").to_owned()),
        _ => {}
    }
    if e.same_region {
        out.push(fill("match.region", region));
    }
    out
}

/// One match as the owner's page lists it.
pub struct Matched {
    pub path: String,
    pub title: String,
    pub organization: String,
    pub percent: u32,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage<'a> {
    p: &'a Page,
    l: Shown,
    /// Members of the listing's organization see its matches.
    own: bool,
    matches: Vec<Matched>,
    /// The organizations the user may act for (verified, a member), which may express
    /// interest: (id, name).
    senders: Vec<(OrganizationId, String)>,
    /// For its members: the lifecycle actions that apply now, (action, label).
    actions: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
}

/// Publish and close as `Action::apply` allows them from the listing's status; only its
/// members see them (the service decides again when one is pressed).
fn lifecycle(p: &Page, own: bool, l: &ListingView) -> Vec<(&'static str, &'static str)> {
    let (Ok(side), Ok(status)) = (l.side.parse::<Side>(), l.status.parse::<ListingStatus>()) else {
        return Vec::new();
    };
    (own.then_some([Action::Publish, Action::Close])
        .into_iter()
        .flatten())
    .filter(|a| a.apply(side, status).is_some())
    .map(|a| (a.as_str(), p.t(&format!("listing.action.{}", a.as_str()))))
    .collect()
}

pub fn side_of(kind: &str) -> Side {
    if kind == "needs" {
        Side::Need
    } else {
        Side::Capability
    }
}

/// What a listing's page reads in one trip to the database: the listing, whether the viewer
/// is one of its organization's members, the matches those members see, and the names of
/// every organization on the page.
struct Loaded {
    l: ListingView,
    own: bool,
    matches: Vec<MatchItem>,
    org_names: HashMap<OrganizationId, (String, Option<String>)>,
}

async fn load(
    p: &Page,
    engine: web::Data<Engine>,
    side: Side,
    id: ListingId,
) -> Result<Loaded, crate::error::ApiError> {
    let user = p.user.clone();
    p.state
        .db
        .run(move |conn| {
            let viewer = crate::app::load_viewer(conn, user)?;
            let row = listings::visible(conn, &viewer, side, &id)?;
            let own = viewer.memberships.contains_key(&row.organization_id);
            let matches = match own {
                true => matches_of(conn, &engine, &row, 10)?.items,
                false => Vec::new(),
            };
            let l = listings::view(conn, row)?;
            let mut ids: Vec<OrganizationId> = matches
                .iter()
                .map(|m| m.listing.organization_id.as_str().into())
                .collect();
            ids.push(l.organization_id.as_str().into());
            let org_names = orgs::names(conn, &ids)?;
            Ok(Loaded {
                l,
                own,
                matches,
                org_names,
            })
        })
        .await
}

/// The matches as the page lists them, each with why it matched in the reader's words.
fn matched(p: &Page, matches: Vec<MatchItem>, names: &Names, region: &str) -> Vec<Matched> {
    matches
        .into_iter()
        .map(|m| Matched {
            path: path_of(&m.listing.side, &m.listing.id),
            title: m.listing.title.clone(),
            organization: names.org(p, &m.listing.organization_id),
            percent: (m.score * 100.0).round() as u32,
            reasons: reasons(p, &m.explanation, names, region),
        })
        .collect()
}

/// The organizations a visitor who is no member may express interest for: (id, name).
async fn senders(
    p: &Page,
    own: bool,
) -> Result<Vec<(OrganizationId, String)>, crate::error::ApiError> {
    match (&p.user, own) {
        (Some(u), false) => Ok(acting_organizations(&p.state, u.clone())
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()),
        _ => Ok(Vec::new()),
    }
}

async fn show(
    p: &Page,
    engine: web::Data<Engine>,
    side: Side,
    id: ListingId,
    errors: FormErrors,
    status: StatusCode,
) -> HttpResponse {
    let (loaded, (fields, regions)) =
        match futures_util::future::try_join(load(p, engine, side, id), taxonomy_names(p)).await {
            Ok(x) => x,
            Err(e) => return p.error(&e),
        };
    let Loaded {
        l,
        own,
        matches,
        org_names,
    } = loaded;
    let senders = match senders(p, own).await {
        Ok(s) => s,
        Err(e) => return p.error(&e),
    };
    let names = Names {
        fields,
        regions,
        orgs: org_names,
    };
    let region = names.region(&l.region_code);
    let tpl = ListingPage {
        actions: lifecycle(p, own, &l),
        matches: matched(p, matches, &names, &region),
        l: shown(p, &l, &names),
        p,
        own,
        senders,
        errors,
    };
    render(p, status, &tpl)
}

/// `GET /needs/{id}` and `GET /capabilities/{id}`.
pub async fn listing_page(
    p: Page,
    engine: web::Data<Engine>,
    path: web::Path<(String, ListingId)>,
) -> HttpResponse {
    let (kind, id) = path.into_inner();
    show(
        &p,
        engine,
        side_of(&kind),
        id,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct InterestForm {
    organization_id: OrganizationId,
    #[serde(default)]
    message: String,
}

/// `POST /needs/{id}/interest` and `POST /capabilities/{id}/interest`.
pub async fn express_interest(
    p: Page,
    engine: web::Data<Engine>,
    path: web::Path<(String, ListingId)>,
    form: PageForm<InterestForm>,
) -> HttpResponse {
    let (kind, id) = path.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/{kind}/{id}"));
    };
    let side = side_of(&kind);
    let f = form.0;
    let b = NewInterest {
        from_organization_id: f.organization_id,
        need_id: (side == Side::Need).then(|| id.clone()),
        capability_id: (side == Side::Capability).then(|| id.clone()),
        message: f.message,
    };
    match actions::express(&p.state, user, b).await {
        Ok(v) => p.redirect(&format!("/interests/{}", v.id)),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, engine, side, id, p.form_errors(&e), status).await
        }
    }
}

/// `POST /needs/{id}/publish`, `/close` (and for capabilities): `listings::service::act`,
/// the JSON API's operation; a refusal comes back on the listing's page.
pub async fn act(
    p: Page,
    engine: web::Data<Engine>,
    path: web::Path<(String, ListingId, String)>,
    _form: PageForm<Vec<(String, String)>>,
) -> HttpResponse {
    let (kind, id, action) = path.into_inner();
    let Some(user) = p.user.clone() else {
        return p.redirect(&format!("/sign-in?next=/{kind}/{id}"));
    };
    let (side, lid) = (side_of(&kind), id.clone());
    let Ok(action) = action.parse::<Action>() else {
        return p.error(&crate::error::ApiError::NotFound);
    };
    let write = p
        .state
        .write_and_index(move |c| listings::act(c, user, side, &lid, action));
    match write.await {
        Ok(v) => p.redirect(&path_of(&v.side, &v.id)),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            show(&p, engine, side, id, p.form_errors(&e), status).await
        }
    }
}
