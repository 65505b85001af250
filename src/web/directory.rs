//! The public directory of verified organizations: search by name, filters by kind,
//! region and technology field, each shown by its name (the codes stay in the URL).
//! It calls the same function as `GET /api/v1/organizations`.

use crate::db::ids::OrganizationId;
use crate::error::{ErrorCode, FieldError};
use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::page::{Page, ok};
use crate::error::ApiError;
use crate::organizations::domain::OrgKind;
use crate::organizations::service::directory;
use crate::organizations::taxonomy::{TreeNode, field_tree, region_tree};
use crate::organizations::views::DirectoryQuery;
use crate::organizations::views::OrganizationView;

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
    cursor: Option<String>,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// One entry of a filter's drop-down: code, and name indented by depth.
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// Every node of a tree in order, its name indented by depth; and code -> name.
pub fn flatten(tree: &[TreeNode]) -> (Vec<Choice>, HashMap<String, String>) {
    fn walk(
        nodes: &[TreeNode],
        depth: usize,
        out: &mut Vec<Choice>,
        names: &mut HashMap<String, String>,
    ) {
        for n in nodes {
            out.push(Choice {
                code: n.code.clone(),
                label: format!("{}{}", "\u{3000}".repeat(depth), n.name),
            });
            names.insert(n.code.clone(), n.name.clone());
            walk(&n.children, depth + 1, out, names);
        }
    }
    let (mut out, mut names) = (Vec::new(), HashMap::new());
    walk(tree, 0, &mut out, &mut names);
    (out, names)
}

/// An organization as the directory lists it, every code turned into its name.
pub struct Entry {
    pub id: OrganizationId,
    pub name: String,
    pub other_name: Option<String>,
    pub kind: &'static str,
    pub region: String,
    pub fields: Vec<String>,
    pub description: String,
    pub website: Option<String>,
}

#[derive(Template)]
#[template(path = "directory.html")]
struct Directory<'a> {
    p: &'a Page,
    f: Filters,
    kinds: Vec<(&'static str, &'static str)>,
    regions: Vec<Choice>,
    fields: Vec<Choice>,
    entries: Vec<Entry>,
    next: Option<String>,
}

pub const KINDS: [OrgKind; 3] = [
    OrgKind::Enterprise,
    OrgKind::University,
    OrgKind::ResearchInstitute,
];

fn excerpt(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().count() > chars {
        out.push('…');
    }
    out
}

fn entry(
    p: &Page,
    o: OrganizationView,
    regions: &HashMap<String, String>,
    fields: &HashMap<String, String>,
) -> Entry {
    let (name, other_name) = match (p.is_en(), o.name_en) {
        (true, Some(en)) if !en.is_empty() => (en, Some(o.name)),
        (_, en) => (o.name, en.filter(|e| !e.is_empty())),
    };
    Entry {
        id: o.id,
        name,
        other_name,
        kind: p.t(&format!("kind.{}", o.kind)),
        region: regions
            .get(&o.region_code)
            .cloned()
            .unwrap_or(o.region_code),
        fields: o
            .field_codes
            .iter()
            .map(|c| fields.get(c).cloned().unwrap_or_else(|| c.clone()))
            .collect(),
        description: excerpt(&o.description, 160),
        website: o
            .website
            .filter(|w| w.starts_with("https://") || w.starts_with("http://")),
    }
}

impl Filters {
    /// The directory query the form asks for; a kind that is none is `kind_unknown`.
    fn query(&self) -> Result<DirectoryQuery, ApiError> {
        let kind = some(&self.kind)
            .map(|k| k.parse::<OrgKind>())
            .transpose()
            .map_err(|_| {
                let kinds: Vec<&str> = OrgKind::ALL.iter().map(|k| k.as_str()).collect();
                FieldError::of("kind", ErrorCode::KindUnknown).arg("list", kinds.join(", "))
            })?;
        Ok(DirectoryQuery {
            kind,
            region: some(&self.region),
            field: some(&self.field),
            status: None,
            is_leading: None,
            q: some(&self.q),
            limit: Some(crate::app::pagination::Limit(20)),
            cursor: self.cursor.clone(),
        })
    }

    /// The query string of the page after this one, at `cursor`.
    fn next(&self, cursor: &str) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("kind", &self.kind),
            ("region", &self.region),
            ("field", &self.field),
            ("cursor", cursor),
        ];
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

pub async fn directory_page(p: Page, q: web::Query<Filters>) -> HttpResponse {
    let f = q.into_inner();
    let query = match f.query() {
        Ok(query) => query,
        Err(e) => return p.error(&e),
    };
    let (regions, fields, page) = match futures_util::future::try_join3(
        region_tree(&p.state, p.locale),
        field_tree(&p.state, p.locale),
        directory(&p.state, p.user.clone(), query),
    )
    .await
    {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let (regions, region_names) = flatten(&regions);
    let (fields, field_names) = flatten(&fields);
    let tpl = Directory {
        kinds: KINDS
            .iter()
            .map(|k| (k.as_str(), p.t(&format!("kind.{}", k.as_str()))))
            .collect(),
        next: page.next_cursor.map(|c| f.next(&c)),
        entries: (page.items.into_iter())
            .map(|o| entry(&p, o, &region_names, &field_names))
            .collect(),
        p: &p,
        f,
        regions,
        fields,
    };
    ok(&p, &tpl)
}
