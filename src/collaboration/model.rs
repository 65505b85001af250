//! Interests and agreements in the database.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::{DeclineReason, Direction, InterestStatus};
use crate::db::DbConnection;
use crate::db::ids::{AgreementId, InterestId, ListingId, OrganizationId, UserId};
use crate::db::schema::{agreements as ag, interests as i};
use crate::listings::domain::Mode;

/// A stored interest.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = i)]
pub struct Interest {
    pub id: InterestId,
    pub from_organization_id: OrganizationId,
    pub to_organization_id: OrganizationId,
    pub target_listing_id: ListingId,
    pub offered_listing_id: Option<ListingId>,
    pub message: String,
    pub status: InterestStatus,
    pub decline_reason: Option<DeclineReason>,
    pub decline_comment: Option<String>,
    pub created_by: Option<UserId>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A stored agreement (one per accepted interest).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = ag)]
pub struct Agreement {
    pub id: AgreementId,
    pub interest_id: InterestId,
    pub need_id: Option<ListingId>,
    pub capability_id: Option<ListingId>,
    pub need_organization_id: OrganizationId,
    pub provider_organization_id: OrganizationId,
    pub cooperation_mode: Mode,
    pub start_date: NaiveDate,
    pub value_yuan: Option<i64>,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, id: &InterestId) -> QueryResult<Option<Interest>> {
    i::table
        .find(id)
        .select(Interest::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, x: &Interest) -> QueryResult<()> {
    diesel::insert_into(i::table).values(x).execute(conn)?;
    Ok(())
}

/// Whether `org` already has an open interest in `listing`.
pub fn has_open(
    conn: &mut DbConnection,
    org: &OrganizationId,
    listing: &ListingId,
) -> QueryResult<bool> {
    let n: i64 = i::table
        .filter(i::from_organization_id.eq(org))
        .filter(i::target_listing_id.eq(listing))
        .filter(i::status.eq(InterestStatus::Open))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Store a decision: status, who and when, and the decline reason and comment.
pub fn save_decision(conn: &mut DbConnection, x: &Interest) -> QueryResult<()> {
    diesel::update(i::table.find(&x.id))
        .set((
            i::status.eq(x.status),
            i::decided_by.eq(&x.decided_by),
            i::decided_at.eq(x.decided_at),
            i::decline_reason.eq(x.decline_reason),
            i::decline_comment.eq(&x.decline_comment),
            i::updated_at.eq(x.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// What the interest list shows.
pub struct InterestFilter {
    /// The organizations whose interests are shown; `None`: all (the bureau).
    pub organizations: Option<Vec<OrganizationId>>,
    pub direction: Option<Direction>,
    pub status: Option<InterestStatus>,
    pub before: Option<InterestId>,
}

/// Interests newest first, at most `limit`.
pub fn list(conn: &mut DbConnection, f: &InterestFilter, limit: i64) -> QueryResult<Vec<Interest>> {
    let mut query = i::table
        .select(Interest::as_select())
        .order(i::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(mine) = &f.organizations {
        query = match f.direction {
            Some(Direction::Sent) => query.filter(i::from_organization_id.eq_any(mine.clone())),
            Some(Direction::Received) => query.filter(i::to_organization_id.eq_any(mine.clone())),
            None => query.filter(
                i::from_organization_id
                    .eq_any(mine.clone())
                    .or(i::to_organization_id.eq_any(mine.clone())),
            ),
        };
    }
    if let Some(s) = f.status {
        query = query.filter(i::status.eq(s));
    }
    if let Some(b) = &f.before {
        query = query.filter(i::id.lt(b.clone()));
    }
    query.load(conn)
}

pub fn insert_agreement(conn: &mut DbConnection, a: &Agreement) -> QueryResult<()> {
    diesel::insert_into(ag::table).values(a).execute(conn)?;
    Ok(())
}

pub fn find_agreement(conn: &mut DbConnection, id: &AgreementId) -> QueryResult<Option<Agreement>> {
    ag::table
        .find(id)
        .select(Agreement::as_select())
        .first(conn)
        .optional()
}

pub fn agreement_of(
    conn: &mut DbConnection,
    interest: &InterestId,
) -> QueryResult<Option<Agreement>> {
    ag::table
        .filter(ag::interest_id.eq(interest))
        .select(Agreement::as_select())
        .first(conn)
        .optional()
}

/// Whether an agreement `id` exists.
pub fn agreement_exists(conn: &mut DbConnection, id: &AgreementId) -> QueryResult<bool> {
    let n: i64 = ag::table.filter(ag::id.eq(id)).count().get_result(conn)?;
    Ok(n > 0)
}

/// Agreements newest first, at most `limit`: of `organizations` (either side), or all.
pub fn agreements(
    conn: &mut DbConnection,
    organizations: Option<Vec<OrganizationId>>,
    limit: i64,
) -> QueryResult<Vec<Agreement>> {
    let mut q = ag::table
        .select(Agreement::as_select())
        .order(ag::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(mine) = organizations {
        q = q.filter(
            ag::need_organization_id
                .eq_any(mine.clone())
                .or(ag::provider_organization_id.eq_any(mine)),
        );
    }
    q.load(conn)
}
