//! The search index's outbox: a row per changed listing, written in the transaction of the
//! change, that every instance's indexer (`matching::sync`) reads after commit. A
//! registry change (an organization verified or suspended) writes rows for each of its
//! listings, so the registry need not know listings.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{ListingId, OrganizationId};
use crate::db::schema::{index_changes, listings};
use crate::db::types::now;

/// Note that a listing changed, in the caller's transaction, for every instance's indexer.
pub fn record_change(conn: &mut DbConnection, listing_id: &ListingId) -> QueryResult<()> {
    diesel::insert_into(index_changes::table)
        .values((
            index_changes::listing_id.eq(listing_id),
            index_changes::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Note that every listing of an organization changed (its status changed).
pub fn record_organization_change(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
) -> QueryResult<()> {
    let ids: Vec<ListingId> = listings::table
        .filter(listings::organization_id.eq(organization_id))
        .select(listings::id)
        .load(conn)?;
    for id in ids {
        record_change(conn, &id)?;
    }
    Ok(())
}
