//! The audit log for the bureau, newest first, with the filters of
//! `GET /api/v1/audit-log` (subject type and id, actor, action, since, until), through its
//! operation `organizations::audit::page`; the actor and an organization by name, and the
//! subject linked to its page where it has one.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{bound, next_query, signed_in, some};
use crate::db::ids::{OrganizationId, UserId};
use crate::error::ApiError;
use crate::organizations::audit::{AuditEntry, AuditQuery, page};
use crate::web::page::{Page, ok};

/// The filter form as a browser sends it.
#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    subject_type: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    actor_id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
    cursor: Option<String>,
}

impl Filters {
    fn query(&self) -> Result<AuditQuery, ApiError> {
        Ok(AuditQuery {
            subject_type: some(&self.subject_type),
            subject_id: some(&self.subject_id),
            actor_id: some(&self.actor_id).map(crate::db::ids::UserId::from),
            action: some(&self.action),
            since: bound("since", &self.since)?,
            until: bound("until", &self.until)?,
            limit: None,
            cursor: self.cursor.clone(),
        })
    }

    fn pairs(&self) -> [(&str, &str); 6] {
        [
            ("subject_type", &self.subject_type),
            ("subject_id", &self.subject_id),
            ("actor_id", &self.actor_id),
            ("action", &self.action),
            ("since", &self.since),
            ("until", &self.until),
        ]
    }
}

/// An entry as the log shows it.
pub struct Line {
    pub when: String,
    pub action: String,
    pub actor: Option<String>,
    pub actor_id: Option<String>,
    pub subject_type: String,
    pub subject_id: String,
    /// An organization's name, for a subject that is one.
    pub subject: Option<String>,
    /// The subject's page, if it has one.
    pub link: Option<String>,
    pub reason: Option<String>,
}

fn line(e: AuditEntry, names: &HashMap<String, String>) -> Line {
    let link = match e.subject_type.as_str() {
        "organization" => Some(format!("/organizations/{}", e.subject_id)),
        "project" => Some(format!("/projects/{}", e.subject_id)),
        "event" => Some(format!("/events/{}", e.subject_id)),
        _ => None,
    };
    Line {
        when: crate::app::locale::beijing_minute(e.created_at),
        actor: e
            .actor_id
            .as_ref()
            .and_then(|a| names.get(a.as_str()).cloned()),
        actor_id: e.actor_id.map(String::from),
        subject: (e.subject_type == "organization")
            .then(|| names.get(&e.subject_id).cloned())
            .flatten(),
        action: e.action,
        subject_type: e.subject_type,
        subject_id: e.subject_id,
        link,
        reason: e.reason,
    }
}

#[derive(Template)]
#[template(path = "bureau_audit.html")]
struct Log<'a> {
    p: &'a Page,
    f: Filters,
    lines: Vec<Line>,
    next: Option<String>,
}

/// Names by id: the display names of the actors of `entries` and the names of the
/// organizations they are about, in the page's language.
async fn names(p: &Page, entries: &[AuditEntry]) -> Result<HashMap<String, String>, ApiError> {
    let mut actors: Vec<String> = (entries.iter())
        .filter_map(|e| e.actor_id.as_ref().map(|a| a.to_string()))
        .collect();
    actors.sort();
    actors.dedup();
    let orgs: Vec<OrganizationId> = (entries.iter())
        .filter(|e| e.subject_type == "organization")
        .map(|e| e.subject_id.as_str().into())
        .collect();
    let locale = p.locale;
    p.state
        .db
        .run(move |conn| {
            let mut names = HashMap::new();
            for id in actors {
                if let Some(u) = crate::accounts::model::find(conn, &UserId::from(id.clone()))? {
                    names.insert(id, u.display_name);
                }
            }
            for (id, (zh, en)) in crate::organizations::model::names(conn, &orgs)? {
                names.insert(
                    id.as_str().to_owned(),
                    locale.pick(&zh, en.as_deref()).to_owned(),
                );
            }
            Ok(names)
        })
        .await
}

/// `GET /bureau/audit-log`: the log, for the bureau (others: the API's 403).
pub async fn audit_page(p: Page, q: web::Query<Filters>) -> HttpResponse {
    let user = match signed_in(&p) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let f = q.into_inner();
    let found = match f.query() {
        Ok(query) => page(&p.state, &user, query).await,
        Err(e) => Err(e),
    };
    let (entries, names) = match found {
        Ok(pg) => match names(&p, &pg.items).await {
            Ok(names) => (pg, names),
            Err(e) => return p.error(&e),
        },
        Err(e) => return p.error(&e),
    };
    let tpl = Log {
        next: entries.next_cursor.map(|c| next_query(&f.pairs(), &c)),
        lines: entries.items.into_iter().map(|e| line(e, &names)).collect(),
        p: &p,
        f,
    };
    ok(&p, &tpl)
}
