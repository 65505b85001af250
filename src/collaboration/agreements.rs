//! The operations on agreements: the caller's list, and fulfilling an agreement's need
//! (one transaction with the listings room's own operation). No HTTP here.

use super::model::{self, Agreement};
use crate::app::{AuthUser, pagination};
use crate::db::DbConnection;
use crate::db::ids::{AgreementId, ListingId};
use crate::error::{ApiError, ErrorCode, Text};
use crate::listings::domain::{Action, Side};
use crate::listings::service as listing_service;
use crate::listings::views::ListingView;
use crate::organizations::model as orgs;

/// Agreements of the caller's organizations (the bureau: all), newest first, at most one
/// page.
pub fn list(conn: &mut DbConnection, user: &AuthUser) -> Result<Vec<Agreement>, ApiError> {
    let mine = if user.is_bureau() {
        None
    } else {
        Some(orgs::organization_ids_of(conn, &user.id)?)
    };
    Ok(model::agreements(conn, mine, pagination::MAX_LIMIT)?)
}

/// The need of agreement `id` that `user` (a member of either side) may mark fulfilled;
/// 404 to outsiders, `no_need` for an agreement about a capability alone.
pub fn need_of_agreement(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &AgreementId,
) -> Result<ListingId, ApiError> {
    let a = model::find_agreement(conn, id)?.ok_or(ApiError::NotFound)?;
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    if !(mine.contains(&a.need_organization_id) || mine.contains(&a.provider_organization_id)) {
        return Err(ApiError::NotFound);
    }
    a.need_id
        .ok_or_else(|| ApiError::rule(ErrorCode::NoNeed, Text::key("problem.no_need")))
}

/// Mark the agreement's need fulfilled: the agreement check above, then the listings
/// room's own fulfil operation (its policy: members of the need's organization), in the
/// caller's one transaction.
pub fn fulfil_need(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &AgreementId,
) -> Result<ListingView, ApiError> {
    let need = need_of_agreement(conn, user, id)?;
    listing_service::act(conn, user.clone(), Side::Need, &need, Action::Fulfil)
}
