//! The signed-in member's start page: their organizations and each one's status, the
//! needs and capabilities of those organizations (each opening its page with matches), and
//! links to their interests and events. It calls the services of the JSON routes.

use actix_web::HttpResponse;
use askama::Template;

use super::listings::path_of;
use super::page::{Page, ok};
use crate::db::ids::OrganizationId;
use crate::listings::domain::{Side, may_post};
use crate::listings::service as listings;
use crate::listings::views::{ListingQuery, ListingView};
use crate::organizations::domain::OrgKind;
use crate::organizations::service::my_organizations;
use crate::organizations::views::OrganizationView;

/// One of the user's organizations and its listings.
pub struct Org {
    pub id: OrganizationId,
    pub name: String,
    pub kind: &'static str,
    pub status: String,
    pub status_name: &'static str,
    pub listings: Vec<Item>,
    /// "New need" / "new capability" for the sides its kind posts (`may_post`): (href, label).
    pub new: Vec<(String, &'static str)>,
}

fn new_links(p: &Page, org_id: &OrganizationId, kind: &str) -> Vec<(String, &'static str)> {
    let Ok(kind) = kind.parse::<OrgKind>() else {
        return Vec::new();
    };
    [
        (Side::Need, "dashboard.new_need"),
        (Side::Capability, "dashboard.new_capability"),
    ]
    .into_iter()
    .filter(|(side, _)| may_post(*side, kind).is_ok())
    .map(|(side, key)| {
        (
            format!("/{}/new?organization_id={org_id}", side.path()),
            p.t(key),
        )
    })
    .collect()
}

/// One need or capability of an organization.
pub struct Item {
    pub path: String,
    pub title: String,
    pub side_name: &'static str,
    pub status_name: &'static str,
}

/// A listing as a line of a list: its page, title, side and status by name.
pub fn item(p: &Page, l: &ListingView) -> Item {
    Item {
        path: path_of(&l.side, &l.id),
        title: l.title.clone(),
        side_name: p.t(&format!("listing.side.{}", l.side)),
        status_name: p.t(&format!("listing.status.{}", l.status)),
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    p: &'a Page,
    orgs: Vec<Org>,
    /// The events the user registered people for or attends (their calendar feed's).
    events: Vec<super::events::Shown>,
}

fn query(org: &OrganizationId) -> ListingQuery {
    ListingQuery {
        field: None,
        region: None,
        mode: None,
        trl_min: None,
        trl_max: None,
        organization_id: Some(org.clone()),
        status: None,
        q: None,
        limit: Some(crate::app::pagination::Limit(50)),
        cursor: None,
    }
}

/// The needs and capabilities of the organizations `ids` the page's viewer may see (all
/// of them for its members and the bureau, the published ones for others), as
/// `GET /api/v1/needs?organization_id=` and `/capabilities?organization_id=` list them.
pub async fn listings_of(
    p: &Page,
    ids: Vec<OrganizationId>,
) -> Result<Vec<ListingView>, crate::error::ApiError> {
    let index = p.state.listing_text.clone();
    let user = p.user.clone();
    p.state
        .db
        .run(move |conn| {
            let mut all = Vec::new();
            for id in &ids {
                for side in [Side::Need, Side::Capability] {
                    let page = listings::list(conn, &index, user.clone(), side, query(id))?;
                    all.extend(page.items);
                }
            }
            Ok(all)
        })
        .await
}

/// One of the user's organizations with its listings among `all`.
fn org(p: &Page, o: OrganizationView, all: &[ListingView]) -> Org {
    Org {
        listings: all
            .iter()
            .filter(|l| l.organization_id == o.id)
            .map(|l| item(p, l))
            .collect(),
        new: new_links(p, &o.id, &o.kind),
        id: o.id.clone(),
        name: p.locale.pick(&o.name, o.name_en.as_deref()).to_owned(),
        kind: p.t(&format!("kind.{}", o.kind)),
        status_name: p.t(&format!("org_status.{}", o.status)),
        status: o.status,
    }
}

/// `GET /dashboard`.
pub async fn dashboard_page(p: Page) -> HttpResponse {
    let Some(user) = p.user.clone() else {
        return p.redirect("/sign-in?next=/dashboard");
    };
    let mine = match my_organizations(&p.state, user.clone()).await {
        Ok(list) => list,
        Err(e) => return p.error(&e),
    };
    let ids: Vec<OrganizationId> = mine.iter().map(|o| o.id.clone()).collect();
    let all = match listings_of(&p, ids).await {
        Ok(all) => all,
        Err(e) => return p.error(&e),
    };
    let events = match crate::events::calendar::service::events_of(&p.state, user).await {
        Ok(list) => list
            .into_iter()
            .map(|e| super::events::shown(&p, e))
            .collect(),
        Err(e) => return p.error(&e),
    };
    let orgs = mine.into_iter().map(|o| org(&p, o, &all)).collect();
    ok(
        &p,
        &Dashboard {
            p: &p,
            orgs,
            events,
        },
    )
}
