//! The bureau's overview report: the figures of `GET /api/v1/reports/overview`
//! (`reports::service::overview`) by name, filtered by region and time, three bar charts
//! drawn as SVG on the server, and the CSV downloads, written by the operation of
//! `GET /api/v1/reports/{name}.csv` (`reports::routes::download`).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::chart::{Chart, bars};
use super::{bound, signed_in, some};
use crate::error::ApiError;
use crate::organizations::taxonomy::{field_tree, region_tree};
use crate::reports::domain::{Counts, Export};
use crate::reports::routes::{Format, download as export};
use crate::reports::service::overview;
use crate::reports::views::{Overview, ReportQuery};
use crate::web::directory::{Choice, flatten};
use crate::web::page::{Page, ok};

/// The filter form: a region and the days from and to (both included).
#[derive(Deserialize, Default)]
pub struct Filters {
    #[serde(default)]
    region: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

impl Filters {
    fn query(&self) -> Result<ReportQuery, ApiError> {
        Ok(ReportQuery {
            region: some(&self.region),
            from: bound("from", &self.from)?,
            to: bound("to", &self.to)?,
        })
    }

    /// The filters as a query string, for the download links.
    fn query_string(&self) -> String {
        let pairs = [
            ("region", &self.region),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let kept: Vec<_> = pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

/// One line of a section: a figure, or (`value: None`) the heading of a breakdown.
pub struct Row {
    pub label: String,
    pub value: Option<String>,
}

/// A section of the report: its title and lines.
pub struct Section {
    pub title: &'static str,
    pub rows: Vec<Row>,
}

/// Names for codes: of a catalog prefix, or of a taxonomy.
enum Names<'a> {
    Key(&'static str),
    Map(&'a HashMap<String, String>),
}

struct Builder<'a> {
    p: &'a Page,
    rows: Vec<Row>,
}

impl Builder<'_> {
    fn figure(&mut self, key: &str, n: i64) -> &mut Self {
        self.text(key, n.to_string())
    }

    fn text(&mut self, key: &str, value: String) -> &mut Self {
        let label = self.p.t(&format!("report.{key}")).to_owned();
        self.rows.push(Row {
            label,
            value: Some(value),
        });
        self
    }

    fn breakdown(&mut self, key: &str, counts: &Counts, names: Names<'_>) -> &mut Self {
        if counts.is_empty() {
            return self;
        }
        let label = self.p.t(&format!("report.{key}")).to_owned();
        self.rows.push(Row { label, value: None });
        for (code, n) in named(self.p, counts, &names) {
            self.rows.push(Row {
                label: code,
                value: Some(n.to_string()),
            });
        }
        self
    }

    fn done(&mut self, title: &str) -> Section {
        Section {
            title: self.p.t(&format!("report.section.{title}")),
            rows: std::mem::take(&mut self.rows),
        }
    }
}

fn named(p: &Page, counts: &Counts, names: &Names<'_>) -> Vec<(String, i64)> {
    (counts.iter())
        .map(|(code, n)| {
            let name = match names {
                Names::Key(prefix) => p.t(&format!("{prefix}.{code}")).to_owned(),
                Names::Map(m) => m.get(code).cloned().unwrap_or_else(|| code.clone()),
            };
            (name, *n)
        })
        .collect()
}

fn sections(
    p: &Page,
    v: &Overview,
    regions: &HashMap<String, String>,
    fields: &HashMap<String, String>,
) -> Vec<Section> {
    let mut b = Builder {
        p,
        rows: Vec::new(),
    };
    let o = &v.organizations;
    let mut out = vec![
        b.figure("total", o.total)
            .breakdown("by_kind", &o.by_kind, Names::Key("kind"))
            .breakdown("by_status", &o.by_status, Names::Key("org_status"))
            .breakdown("by_region", &o.by_region, Names::Map(regions))
            .done("organizations"),
    ];
    for (side, l) in [("needs", &v.needs), ("capabilities", &v.capabilities)] {
        out.push(
            b.figure("total", l.total)
                .breakdown("by_status", &l.by_status, Names::Key("listing.status"))
                .breakdown("by_field", &l.by_field, Names::Map(fields))
                .done(side),
        );
    }
    out.extend(cooperation(&mut b, v));
    out
}

/// The sections of interests, agreements, events and key projects.
fn cooperation(b: &mut Builder<'_>, v: &Overview) -> [Section; 4] {
    let i = &v.interests;
    let interests = b
        .figure("sent", i.sent)
        .figure("open", i.open)
        .figure("accepted", i.accepted)
        .figure("declined", i.declined)
        .figure("withdrawn", i.withdrawn)
        .breakdown(
            "decline_reasons",
            &i.decline_reasons,
            Names::Key("interest.reason"),
        )
        .done("interests");
    let a = &v.agreements;
    let value = crate::i18n::fill(
        b.p.t("project.yuan"),
        &[("n", &crate::money::grouped(a.total_value_yuan))],
    );
    let agreements = b
        .figure("total", a.total)
        .breakdown("by_mode", &a.by_mode, Names::Key("mode"))
        .text("total_value", value)
        .done("agreements");
    let e = &v.events;
    let events = b
        .figure("total", e.total)
        .breakdown("by_status", &e.by_status, Names::Key("event_status"))
        .figure("invitations", e.invitations)
        .figure("confirmed", e.registrations_confirmed)
        .figure("waitlisted", e.registrations_waitlisted)
        .figure("attended", e.attended)
        .done("events");
    let x = &v.projects;
    let projects = b
        .figure("total", x.total)
        .breakdown("by_stage", &x.by_stage, Names::Key("stage"))
        .breakdown("by_category", &x.by_category, Names::Key("category"))
        .figure("overdue_milestones", x.overdue_milestones)
        .figure("projects_with_overdue", x.projects_with_overdue)
        .done("projects");
    [interests, agreements, events, projects]
}

fn charts(
    p: &Page,
    v: &Overview,
    regions: &HashMap<String, String>,
    fields: &HashMap<String, String>,
) -> Vec<Chart> {
    let by_region = named(p, &v.organizations.by_region, &Names::Map(regions));
    let by_field = named(p, &v.needs.by_field, &Names::Map(fields));
    let by_stage = named(p, &v.projects.by_stage, &Names::Key("stage"));
    vec![
        bars(
            "chart-regions",
            p.t("report.chart.orgs_by_region"),
            by_region,
            12,
        ),
        bars(
            "chart-fields",
            p.t("report.chart.needs_by_field"),
            by_field,
            12,
        ),
        bars(
            "chart-stages",
            p.t("report.chart.projects_by_stage"),
            by_stage,
            4,
        ),
    ]
}

#[derive(Template)]
#[template(path = "bureau_report.html")]
struct ReportPage<'a> {
    p: &'a Page,
    f: Filters,
    regions: Vec<Choice>,
    sections: Vec<Section>,
    charts: Vec<Chart>,
    /// (href, label) of each CSV download, with this page's filters.
    downloads: Vec<(String, &'static str)>,
}

/// `GET /bureau/report`: the overview, for the bureau (others: the API's 403).
pub async fn report_page(p: Page, q: web::Query<Filters>) -> HttpResponse {
    let user = match signed_in(&p) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    let f = q.into_inner();
    let query = match f.query() {
        Ok(query) => query,
        Err(e) => return p.error(&e),
    };
    let counts = p.state.db.run(move |conn| overview(conn, &user, &query));
    let regions = region_tree(&p.state, p.locale);
    let fields = field_tree(&p.state, p.locale);
    let (v, regions, fields) = match futures_util::future::try_join3(counts, regions, fields).await
    {
        Ok(x) => x,
        Err(e) => return p.error(&e),
    };
    let ((regions, region_names), (_, fields)) = (flatten(&regions), flatten(&fields));
    let qs = f.query_string();
    let downloads = (Export::ALL.iter())
        .map(|x| {
            (
                format!(
                    "/bureau/report/{}.csv{}{qs}",
                    x.as_str(),
                    if qs.is_empty() { "" } else { "?" }
                ),
                p.t(&format!("report.download.{}", x.as_str())),
            )
        })
        .collect();
    let tpl = ReportPage {
        sections: sections(&p, &v, &region_names, &fields),
        charts: charts(&p, &v, &region_names, &fields),
        regions,
        downloads,
        p: &p,
        f,
    };
    ok(&p, &tpl)
}

/// `GET /bureau/report/{name}.csv`: the API's CSV export of that name, with the filters.
pub async fn download(p: Page, name: web::Path<String>, q: web::Query<Filters>) -> HttpResponse {
    let user = match signed_in(&p) {
        Ok(u) => u,
        Err(res) => return *res,
    };
    match q.query() {
        Ok(query) => match export(&p.state, user, &name, query, Format::Csv).await {
            Ok(file) => file.response(),
            Err(e) => p.error(&e),
        },
        Err(e) => p.error(&e),
    }
}
