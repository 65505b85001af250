//! The bureau's review queue (organizations awaiting review, oldest-registered last as the
//! directory orders them, the USCC and what to look at in it) and its register of every
//! organization whatever its status. Both are `GET /api/v1/organizations` with the
//! bureau's status filter (`organizations::service::directory_in`), with the directory's
//! search and filters by kind, region and field shown by name; each entry opens the
//! organization's page, which holds the review buttons.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{choice, choices, next_query, signed_in, some};
use crate::app::OrgStatus;
use crate::db::ids::OrganizationId;
use crate::error::{ApiError, ErrorCode, FieldError};
use crate::organizations::domain::OrgKind;
use crate::organizations::service::directory_in;
use crate::organizations::taxonomy::{field_tree, region_tree};
use crate::organizations::views::{DirectoryQuery, OrganizationView};
use crate::web::directory::{Choice, KINDS, flatten};
use crate::web::page::{Page, ok};

/// The filter form as a browser sends it (empty inputs are empty strings).
#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    status: String,
    cursor: Option<String>,
}

/// A kind that is none, refused as the directory refuses it.
fn kind_unknown() -> ApiError {
    let kinds: Vec<&str> = OrgKind::ALL.iter().map(|k| k.as_str()).collect();
    FieldError::of("kind", ErrorCode::KindUnknown)
        .arg("list", kinds.join(", "))
        .into()
}

impl Filters {
    /// The directory query the form asks for (`status` only on the register).
    fn query(&self, queue: bool) -> Result<DirectoryQuery, ApiError> {
        let status = match queue {
            true => Some(OrgStatus::Pending),
            false => choice("status", &self.status)?,
        };
        Ok(DirectoryQuery {
            kind: choice::<OrgKind>("kind", &self.kind).map_err(|_| kind_unknown())?,
            region: some(&self.region),
            field: some(&self.field),
            status,
            is_leading: None,
            q: some(&self.q),
            limit: Some(crate::app::pagination::Limit(25)),
            cursor: self.cursor.clone(),
        })
    }

    fn pairs(&self) -> [(&str, &str); 5] {
        [
            ("q", &self.q),
            ("kind", &self.kind),
            ("region", &self.region),
            ("field", &self.field),
            ("status", &self.status),
        ]
    }
}

/// An organization as the bureau's lists show it, every code turned into its name.
pub struct Entry {
    pub id: OrganizationId,
    pub name: String,
    pub other_name: Option<String>,
    pub kind: &'static str,
    pub region: String,
    pub status: String,
    pub status_name: &'static str,
    pub uscc: Option<String>,
    /// What the bureau should look at in the USCC, in the page's language.
    pub warnings: Vec<String>,
    pub registered: String,
}

fn entry(p: &Page, o: OrganizationView, regions: &HashMap<String, String>) -> Entry {
    let (name, other_name) = match (p.is_en(), o.name_en) {
        (true, Some(en)) if !en.trim().is_empty() => (en, Some(o.name)),
        (_, en) => (o.name, en.filter(|e| !e.trim().is_empty())),
    };
    Entry {
        kind: p.t(&format!("kind.{}", o.kind)),
        region: regions
            .get(&o.region_code)
            .cloned()
            .unwrap_or(o.region_code),
        status_name: p.t(&format!("org_status.{}", o.status)),
        status: o.status,
        uscc: o.uscc,
        warnings: (o.warnings.unwrap_or_default().iter())
            .map(|w| w.message.in_locale(p.locale).into_owned())
            .collect(),
        registered: crate::app::locale::beijing_minute(o.created_at),
        id: o.id,
        name,
        other_name,
    }
}

#[derive(Template)]
#[template(path = "bureau_organizations.html")]
struct List<'a> {
    p: &'a Page,
    /// The review queue (pending only), else the register.
    queue: bool,
    /// This list's path, where its filter form goes.
    action: &'static str,
    f: Filters,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    regions: Vec<Choice>,
    fields: Vec<Choice>,
    entries: Vec<Entry>,
    next: Option<String>,
}

async fn list(p: Page, f: Filters, queue: bool) -> HttpResponse {
    let user = match signed_in(&p) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let found = match f.query(queue) {
        Ok(query) => {
            futures_util::future::try_join3(
                region_tree(&p.state, p.locale),
                field_tree(&p.state, p.locale),
                directory_in(&p.state, Some(user), query, true),
            )
            .await
        }
        Err(e) => Err(e),
    };
    let (regions, fields, page) = match found {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let ((regions, region_names), (fields, _)) = (flatten(&regions), flatten(&fields));
    let tpl = List {
        kinds: choices(&p, "kind", KINDS.iter().map(|k| k.as_str())),
        statuses: choices(&p, "org_status", OrgStatus::ALL.iter().map(|s| s.as_str())),
        next: page.next_cursor.map(|c| next_query(&f.pairs(), &c)),
        entries: (page.items.into_iter())
            .map(|o| entry(&p, o, &region_names))
            .collect(),
        p: &p,
        queue,
        action: ["/bureau/organizations", "/bureau/review"][usize::from(queue)],
        f,
        regions,
        fields,
    };
    ok(&p, &tpl)
}

/// `GET /bureau/review`: organizations awaiting review (`?status=pending` for the bureau).
pub async fn review_page(p: Page, q: web::Query<Filters>) -> HttpResponse {
    list(p, q.into_inner(), true).await
}

/// `GET /bureau/organizations`: every organization, or those of one status.
pub async fn register_page(p: Page, q: web::Query<Filters>) -> HttpResponse {
    list(p, q.into_inner(), false).await
}
