//! Listings and their lists (fields, keywords, modes) in the database, and the
//! index-change rows written with every change.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::{Language, ListingStatus, Mode, Side};
pub use crate::app::reindex::{record_change, record_organization_change};
use crate::db::DbConnection;
use crate::db::ids::{ListingId, OrganizationId, UserId};
use crate::db::schema::{
    index_changes, listing_fields, listing_keywords, listing_modes, listings, organizations,
};
use crate::db::types::now;
use crate::organizations::domain::OrgStatus;

/// A stored listing. Side, status and language are read strictly: a stored value that is
/// not one of theirs is an error (logged, a 500), never a default.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = listings, treat_none_as_null = true)]
pub struct Listing {
    pub id: ListingId,
    pub side: Side,
    pub organization_id: OrganizationId,
    pub title: String,
    pub description: String,
    pub trl: Option<i32>,
    pub budget_min: Option<i64>,
    pub budget_max: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub region_code: String,
    pub language: Language,
    pub status: ListingStatus,
    pub created_by: Option<UserId>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The list-valued parts of a listing.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    pub field_codes: Vec<String>,
    pub keywords: Vec<String>,
    pub modes: Vec<Mode>,
}

pub fn find(conn: &mut DbConnection, id: &ListingId) -> QueryResult<Option<Listing>> {
    listings::table
        .find(id)
        .select(Listing::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, l: &Listing, lists: &Lists) -> QueryResult<()> {
    diesel::insert_into(listings::table)
        .values(l)
        .execute(conn)?;
    set_lists(conn, &l.id, lists)?;
    record_change(conn, &l.id)
}

pub fn update(conn: &mut DbConnection, l: &Listing, lists: Option<&Lists>) -> QueryResult<()> {
    diesel::update(listings::table.find(&l.id))
        .set(l)
        .execute(conn)?;
    if let Some(lists) = lists {
        set_lists(conn, &l.id, lists)?;
    }
    record_change(conn, &l.id)
}

/// Whether anything of another organization refers to the listing: an interest in it or
/// offering it, or an agreement (and through it a key project) naming it.
pub fn has_history(conn: &mut DbConnection, id: &ListingId) -> QueryResult<bool> {
    use crate::db::schema::{agreements, interests};
    let interest: Option<String> = interests::table
        .filter(
            interests::target_listing_id
                .eq(id)
                .or(interests::offered_listing_id.eq(id)),
        )
        .select(interests::id)
        .first(conn)
        .optional()?;
    if interest.is_some() {
        return Ok(true);
    }
    let agreement: Option<String> = agreements::table
        .filter(
            agreements::need_id
                .eq(id)
                .or(agreements::capability_id.eq(id)),
        )
        .select(agreements::id)
        .first(conn)
        .optional()?;
    Ok(agreement.is_some())
}

/// Hard delete: only for a draft without history (see `has_history`).
pub fn delete(conn: &mut DbConnection, id: &ListingId) -> QueryResult<()> {
    diesel::delete(listings::table.find(id)).execute(conn)?;
    record_change(conn, id)
}

fn set_lists(conn: &mut DbConnection, id: &ListingId, lists: &Lists) -> QueryResult<()> {
    diesel::delete(listing_fields::table.filter(listing_fields::listing_id.eq(id)))
        .execute(conn)?;
    diesel::delete(listing_keywords::table.filter(listing_keywords::listing_id.eq(id)))
        .execute(conn)?;
    diesel::delete(listing_modes::table.filter(listing_modes::listing_id.eq(id))).execute(conn)?;
    for f in &lists.field_codes {
        diesel::insert_into(listing_fields::table)
            .values((
                listing_fields::listing_id.eq(id),
                listing_fields::field_code.eq(f),
            ))
            .execute(conn)?;
    }
    for k in &lists.keywords {
        diesel::insert_into(listing_keywords::table)
            .values((
                listing_keywords::listing_id.eq(id),
                listing_keywords::keyword.eq(k),
            ))
            .execute(conn)?;
    }
    for m in &lists.modes {
        diesel::insert_into(listing_modes::table)
            .values((listing_modes::listing_id.eq(id), listing_modes::mode.eq(m)))
            .execute(conn)?;
    }
    Ok(())
}

/// The lists of many listings at once.
pub fn lists(conn: &mut DbConnection, ids: &[ListingId]) -> QueryResult<HashMap<ListingId, Lists>> {
    let mut out: HashMap<ListingId, Lists> = HashMap::new();
    for (id, v) in listing_fields::table
        .filter(listing_fields::listing_id.eq_any(ids))
        .select((listing_fields::listing_id, listing_fields::field_code))
        .order(listing_fields::field_code)
        .load::<(ListingId, String)>(conn)?
    {
        out.entry(id).or_default().field_codes.push(v);
    }
    for (id, v) in listing_keywords::table
        .filter(listing_keywords::listing_id.eq_any(ids))
        .select((listing_keywords::listing_id, listing_keywords::keyword))
        .order(listing_keywords::keyword)
        .load::<(ListingId, String)>(conn)?
    {
        out.entry(id).or_default().keywords.push(v);
    }
    for (id, v) in listing_modes::table
        .filter(listing_modes::listing_id.eq_any(ids))
        .select((listing_modes::listing_id, listing_modes::mode))
        .order(listing_modes::mode)
        .load::<(ListingId, Mode)>(conn)?
    {
        out.entry(id).or_default().modes.push(v);
    }
    Ok(out)
}

/// Filters of the listing collections, resolved to code lists.
#[derive(Debug)]
pub struct Filter {
    pub side: Side,
    pub fields: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub mode: Option<Mode>,
    pub trl_min: Option<i32>,
    pub trl_max: Option<i32>,
    pub organization_id: Option<OrganizationId>,
    pub status: Option<ListingStatus>,
    pub q: Option<String>,
    /// Listings the matching index finds for `q` with the matching analysis (across
    /// languages through the glossary); they pass the `q` filter too.
    pub q_ids: Vec<ListingId>,
    /// Organizations whose drafts and closed listings the caller may also see
    /// (`None`: the bureau, who sees everything).
    pub insider_of: Option<Vec<OrganizationId>>,
    pub after: Option<ListingId>,
}

pub fn list(conn: &mut DbConnection, f: &Filter, limit: i64) -> QueryResult<Vec<Listing>> {
    let mut q = listings::table
        .inner_join(organizations::table)
        .select(Listing::as_select())
        .filter(listings::side.eq(f.side))
        .order(listings::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(insider_of) = &f.insider_of {
        // Published listings of verified organizations, plus the caller's own.
        q = q.filter(
            listings::status
                .eq(ListingStatus::Published)
                .and(organizations::status.eq(OrgStatus::Verified))
                .or(listings::organization_id.eq_any(insider_of.clone())),
        );
    }
    if let Some(codes) = &f.fields {
        let with = listing_fields::table
            .filter(listing_fields::field_code.eq_any(codes.clone()))
            .select(listing_fields::listing_id);
        q = q.filter(listings::id.eq_any(with));
    }
    if let Some(r) = &f.regions {
        q = q.filter(listings::region_code.eq_any(r.clone()));
    }
    if let Some(m) = &f.mode {
        let with = listing_modes::table
            .filter(listing_modes::mode.eq(*m))
            .select(listing_modes::listing_id);
        q = q.filter(listings::id.eq_any(with));
    }
    if let Some(t) = f.trl_min {
        q = q.filter(listings::trl.ge(t));
    }
    if let Some(t) = f.trl_max {
        q = q.filter(listings::trl.le(t));
    }
    if let Some(o) = &f.organization_id {
        q = q.filter(listings::organization_id.eq(o.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(listings::status.eq(*s));
    }
    if let Some(text) = &f.q {
        let pattern = format!(
            "%{}%",
            text.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let by_keyword = listing_keywords::table
            .filter(
                crate::organizations::model::lower(listing_keywords::keyword)
                    .like(pattern.clone())
                    .escape('\\'),
            )
            .select(listing_keywords::listing_id);
        q = q.filter(
            crate::organizations::model::lower(listings::title)
                .like(pattern.clone())
                .escape('\\')
                .or(crate::organizations::model::lower(listings::description)
                    .like(pattern)
                    .escape('\\'))
                .or(listings::id.eq_any(by_keyword))
                .or(listings::id.eq_any(f.q_ids.clone())),
        );
    }
    if let Some(a) = &f.after {
        q = q.filter(listings::id.gt(a.clone()));
    }
    q.load(conn)
}

/// Needs whose deadline has passed are expired; returns how many.
pub fn expire_due(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<usize> {
    let ids: Vec<ListingId> = listings::table
        .filter(listings::status.eq(ListingStatus::Published))
        .filter(listings::deadline.lt(today))
        .select(listings::id)
        .load(conn)?;
    for id in &ids {
        diesel::update(listings::table.find(id))
            .set((
                listings::status.eq(ListingStatus::Expired),
                listings::updated_at.eq(now()),
            ))
            .execute(conn)?;
        record_change(conn, id)?;
    }
    Ok(ids.len())
}

/// Index changes after `position`, oldest first.
pub fn changes_after(
    conn: &mut DbConnection,
    position: i32,
    limit: i64,
) -> QueryResult<Vec<(i32, ListingId)>> {
    index_changes::table
        .filter(index_changes::seq.gt(position))
        .order(index_changes::seq.asc())
        .limit(limit)
        .select((index_changes::seq, index_changes::listing_id))
        .load(conn)
}

pub fn last_change(conn: &mut DbConnection) -> QueryResult<i32> {
    Ok(index_changes::table
        .select(diesel::dsl::max(index_changes::seq))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0))
}

/// Whether a listing may be matched: published, and its organization verified.
pub fn matchable(conn: &mut DbConnection, id: &ListingId) -> QueryResult<Option<(Listing, Lists)>> {
    Ok(matchable_among(conn, std::slice::from_ref(id))?.remove(id))
}

/// The matchable listings among `ids`, with their lists, by id (five queries in all).
pub fn matchable_among(
    conn: &mut DbConnection,
    ids: &[ListingId],
) -> QueryResult<HashMap<ListingId, (Listing, Lists)>> {
    // Primary-key lookups only, so the plan does not depend on SQLite's statistics being
    // current (see the connection setup in `db`): with a join and status filters, a planner
    // without them walks the verified organizations instead of looking up a few ids.
    let rows: Vec<Listing> = listings::table
        .filter(listings::id.eq_any(ids))
        .filter(listings::status.eq(ListingStatus::Published))
        .select(Listing::as_select())
        .load(conn)?;
    let mut owners: Vec<&OrganizationId> = rows.iter().map(|l| &l.organization_id).collect();
    owners.sort_unstable();
    owners.dedup();
    let verified: std::collections::HashSet<OrganizationId> = organizations::table
        .filter(organizations::id.eq_any(owners))
        .filter(organizations::status.eq(OrgStatus::Verified))
        .select(organizations::id)
        .load::<OrganizationId>(conn)?
        .into_iter()
        .collect();
    let rows = rows
        .into_iter()
        .filter(|l| verified.contains(&l.organization_id))
        .collect();
    Ok(with_lists(conn, rows)?
        .into_iter()
        .map(|(l, lists)| (l.id.clone(), (l, lists)))
        .collect())
}

fn with_lists(conn: &mut DbConnection, rows: Vec<Listing>) -> QueryResult<Vec<(Listing, Lists)>> {
    let ids: Vec<ListingId> = rows.iter().map(|l| l.id.clone()).collect();
    let mut lists = lists(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|l| {
            let these = lists.remove(&l.id).unwrap_or_default();
            (l, these)
        })
        .collect())
}

/// Matchable listings with their lists (for a full rebuild), a page after `after` at a
/// time: four queries per page rather than five per listing.
pub fn matchable_page(
    conn: &mut DbConnection,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<(Listing, Lists)>> {
    let rows: Vec<Listing> = listings::table
        .inner_join(organizations::table)
        .filter(listings::status.eq(ListingStatus::Published))
        .filter(organizations::status.eq(OrgStatus::Verified))
        .filter(listings::id.gt(after))
        .order(listings::id.asc())
        .limit(limit)
        .select(Listing::as_select())
        .load(conn)?;
    with_lists(conn, rows)
}
