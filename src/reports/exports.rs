//! The exports people read: one function per export builds its [`Table`] (header in the
//! reader's language, names next to ids and codes, times in Beijing time, text neutralized
//! against formula injection); `sheet::csv` and `sheet::xlsx` are the two writers of the
//! same table. No HTTP here.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::domain::{Export, Scope};
use super::model;
use super::service::scope;
use super::sheet::{Cell, Table, beijing, yes_no};
use super::views::ReportQuery;
use crate::app::{AuthUser, Locale};
use crate::db::DbConnection;
use crate::error::ApiError;
use crate::listings::domain::Side;
use crate::projects::domain::{overdue, today};

/// Names shown next to ids and codes, in the reader's language.
pub struct Names {
    pub locale: Locale,
    orgs: HashMap<String, String>,
    regions: HashMap<String, String>,
}

impl Names {
    /// Every organization's and region's name in `locale` (an organization without an
    /// English name keeps its Chinese one).
    pub fn load(conn: &mut DbConnection, locale: Locale) -> Result<Names, ApiError> {
        let en = locale == Locale::En;
        let orgs = model::organization_names_both(conn)?
            .into_iter()
            .map(|(id, zh, e)| (id, e.filter(|e| en && !e.is_empty()).unwrap_or(zh)))
            .collect();
        let regions = model::region_names(conn)?
            .into_iter()
            .map(|(code, zh, e)| (code, if en && !e.is_empty() { e } else { zh }))
            .collect();
        Ok(Names {
            locale,
            orgs,
            regions,
        })
    }

    fn org(&self, id: &str) -> Cell {
        Cell::opt(self.orgs.get(id).cloned())
    }

    fn region(&self, code: &str) -> Cell {
        Cell::opt(self.regions.get(code).cloned())
    }

    /// An organization kind's label (the code when the catalog has none).
    fn kind(&self, code: &str) -> Cell {
        self.label("kind", code)
    }

    /// A code's name in the reader's language: catalog key `{set}.{code}` (a status,
    /// stage, category, reason or language), the code itself when the catalog has none.
    fn label(&self, set: &str, code: &str) -> Cell {
        Cell::text(crate::i18n::get(self.locale, &format!("{set}.{code}")).unwrap_or(code))
    }
}

const CREATED: (&str, &str) = ("创建时间（北京时间）", "Created (Beijing time)");
const REGION: [(&str, &str); 2] = [("地区代码", "Region code"), ("地区", "Region")];

/// The table of export `what` in the scope of `q`, for the bureau, in `locale`.
pub fn table(
    conn: &mut DbConnection,
    user: &AuthUser,
    what: Export,
    q: &ReportQuery,
    locale: Locale,
) -> Result<Table, ApiError> {
    let s = scope(conn, user, q)?;
    let names = Names::load(conn, locale)?;
    match what {
        Export::Organizations => organizations(conn, &s, &names),
        Export::Needs => listings(conn, &s, &names, Side::Need),
        Export::Capabilities => listings(conn, &s, &names, Side::Capability),
        Export::Interests => interests(conn, &s, &names),
        Export::Participation => participation(conn, &s, &names),
        Export::Projects => projects(conn, &s, &names, today()),
    }
}

/// Organizations in scope, one row each.
pub fn organizations(conn: &mut DbConnection, s: &Scope, n: &Names) -> Result<Table, ApiError> {
    let mut t = Table::new(
        n.locale,
        &[
            ("编号", "ID"),
            ("类型", "Kind"),
            ("名称", "Name"),
            ("英文名称", "English name"),
            ("统一社会信用代码", "USCC"),
            REGION[0],
            REGION[1],
            ("状态", "Status"),
            ("龙头企业", "Leading enterprise"),
            CREATED,
        ],
    );
    for (id, kind, name, en, uscc, region, status, leading, created) in
        model::organization_rows(conn)?
    {
        if s.holds(&region, created) {
            t.rows.push(vec![
                Cell::text(id),
                n.kind(&kind),
                Cell::text(name),
                Cell::opt(en),
                Cell::opt(uscc),
                Cell::text(region.clone()),
                n.region(&region),
                n.label("org_status", &status),
                yes_no(n.locale, leading),
                beijing(created),
            ]);
        }
    }
    Ok(t)
}

/// Needs or capabilities in scope, one row each.
pub fn listings(
    conn: &mut DbConnection,
    s: &Scope,
    n: &Names,
    side: Side,
) -> Result<Table, ApiError> {
    let mut t = Table::new(
        n.locale,
        &[
            ("编号", "ID"),
            ("机构编号", "Organization ID"),
            ("机构", "Organization"),
            ("标题", "Title"),
            ("状态", "Status"),
            REGION[0],
            REGION[1],
            ("技术成熟度", "TRL"),
            ("语言", "Language"),
            CREATED,
        ],
    );
    for (id, org, title, status, region, trl, lang, created) in model::listing_rows(conn, side)? {
        if s.holds(&region, created) {
            t.rows.push(vec![
                Cell::text(id),
                Cell::text(org.clone()),
                n.org(&org),
                Cell::text(title),
                n.label("listing.status", &status),
                Cell::text(region.clone()),
                n.region(&region),
                trl.map_or(Cell::Empty, |x| Cell::Int(x.into())),
                n.label("language", &lang),
                beijing(created),
            ]);
        }
    }
    Ok(t)
}

/// Interests sent by organizations of the region in the window, one row each.
pub fn interests(conn: &mut DbConnection, s: &Scope, n: &Names) -> Result<Table, ApiError> {
    let mut t = Table::new(
        n.locale,
        &[
            ("编号", "ID"),
            ("发起机构编号", "From organization ID"),
            ("发起机构", "From organization"),
            ("接收机构编号", "To organization ID"),
            ("接收机构", "To organization"),
            ("对象条目编号", "Target listing ID"),
            ("对象条目", "Target listing"),
            ("状态", "Status"),
            ("婉拒原因", "Decline reason"),
            CREATED,
        ],
    );
    let regions = model::regions_of_organizations(conn)?;
    let titles = model::listing_titles(conn)?;
    for (id, from, to, target, status, reason, created) in model::interest_rows(conn)? {
        if regions.get(&from).is_some_and(|r| s.region(r)) && s.time(created) {
            t.rows.push(vec![
                Cell::text(id),
                Cell::text(from.clone()),
                n.org(&from),
                Cell::text(to.clone()),
                n.org(&to),
                Cell::text(target.clone()),
                Cell::opt(titles.get(&target).cloned()),
                n.label("interest.status", status.as_str()),
                reason.map_or(Cell::Empty, |r| n.label("interest.reason", r.as_str())),
                beijing(created),
            ]);
        }
    }
    Ok(t)
}

/// Per organization of the region that took part: invited, registered, attended.
pub fn participation(conn: &mut DbConnection, s: &Scope, n: &Names) -> Result<Table, ApiError> {
    let mut t = Table::new(
        n.locale,
        &[
            ("机构编号", "Organization ID"),
            ("机构", "Organization"),
            REGION[0],
            REGION[1],
            ("受邀次数", "Invited"),
            ("报名次数", "Registered"),
            ("出席次数", "Attended"),
        ],
    );
    let counts = crate::events::model::participation(conn, None, s.from, s.to)?;
    for (id, _, region) in model::organization_names(conn)? {
        if let Some(c) = counts.get(id.as_str()).filter(|_| s.region(&region)) {
            t.rows.push(vec![
                Cell::text(id.clone()),
                n.org(&id),
                Cell::text(region.clone()),
                n.region(&region),
                Cell::Int(c.invited),
                Cell::Int(c.registered),
                Cell::Int(c.attended),
            ]);
        }
    }
    Ok(t)
}

/// Key projects in scope, one row per milestone (one empty-milestone row for a project
/// without milestones); `overdue` as of `day`.
pub fn projects(
    conn: &mut DbConnection,
    s: &Scope,
    n: &Names,
    day: NaiveDate,
) -> Result<Table, ApiError> {
    let mut t = Table::new(
        n.locale,
        &[
            ("项目编号", "Project ID"),
            ("项目名称", "Name"),
            ("牵头机构编号", "Owner organization ID"),
            ("牵头机构", "Owner organization"),
            REGION[0],
            REGION[1],
            ("类别", "Category"),
            ("年度", "Year"),
            ("阶段", "Stage"),
            ("计划投资（元）", "Planned investment (yuan)"),
            ("节点", "Milestone"),
            ("计划完成日", "Due on"),
            ("实际完成日", "Done on"),
            ("逾期", "Overdue"),
        ],
    );
    let mut milestones_of = model::milestones_by_project(conn)?;
    for (id, name, owner, region, category, year, stage, money, created) in
        model::project_rows(conn)?
    {
        if !s.holds(&region, created) {
            continue;
        }
        let base = vec![
            Cell::text(id.clone()),
            Cell::text(name),
            Cell::text(owner.clone()),
            n.org(&owner),
            Cell::text(region.clone()),
            n.region(&region),
            n.label("category", category.as_str()),
            Cell::Int(year.into()),
            n.label("stage", stage.as_str()),
            money.map_or(Cell::Empty, Cell::Int),
        ];
        let milestones = milestones_of.remove(&id).unwrap_or_default();
        if milestones.is_empty() {
            let mut row = base.clone();
            row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
            t.rows.push(row);
        }
        for (m, due, done) in milestones {
            let mut row = base.clone();
            row.extend([
                Cell::text(m),
                Cell::text(due.to_string()),
                Cell::opt(done.map(|d| d.to_string())),
                yes_no(n.locale, overdue(due, done, day)),
            ]);
            t.rows.push(row);
        }
    }
    Ok(t)
}

#[cfg(test)]
#[path = "exports_tests.rs"]
mod tests;
