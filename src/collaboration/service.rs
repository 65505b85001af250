//! The operations on interests and agreements: each checks who may, applies the rules of
//! `domain`, and writes its rows and the notices to the other side in the caller's one
//! transaction (the handler or page opens it with `Db::write`). No HTTP here.

use super::domain::{
    Decision, Direction, InterestStatus, Standing, Step, agreement_mode, agreement_sides,
    target_and_offer,
};
use super::model::{self, Agreement, Interest, InterestFilter};
use super::notices::tell;
use super::views::{
    AcceptInterest, DeclineInterest, InterestParts, InterestQuery, InterestView, NewInterest,
};
use crate::app::when::Day;
use crate::app::{AuthUser, Page, Postman, acting_organization, pagination, text};
use crate::db::DbConnection;
use crate::db::ids::{AgreementId, InterestId, ListingId, OrganizationId};
use crate::db::types::now;
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::listings::domain::{ListingStatus, Mode, Side};
use crate::listings::model::{self as listing_model, Listing};
use crate::organizations::domain::OrgStatus;
use crate::organizations::model::{self as orgs, Organization};

fn standing(x: &Interest, mine: &[OrganizationId]) -> Standing {
    Standing {
        sender: mine.contains(&x.from_organization_id),
        receiver: mine.contains(&x.to_organization_id),
    }
}

/// The view of `x` for `user`, a member of `mine`.
fn view(
    conn: &mut DbConnection,
    x: Interest,
    user: &AuthUser,
    mine: &[OrganizationId],
) -> Result<InterestView, ApiError> {
    let standing = standing(&x, mine);
    let target = listing_model::find(conn, &x.target_listing_id)?;
    let counterpart = if x.status == InterestStatus::Accepted && standing.party() {
        let other = if standing.sender {
            &x.to_organization_id
        } else {
            &x.from_organization_id
        };
        orgs::find(conn, other)?
    } else {
        None
    };
    let agreement = model::agreement_of(conn, &x.id)?;
    let parts = InterestParts {
        target,
        standing,
        bureau: user.is_bureau(),
        counterpart,
        agreement,
    };
    Ok(InterestView::new(x, parts))
}

/// A published listing `id` with its organization, else `listing_unknown` on `field`.
fn listing_with_owner(
    conn: &mut DbConnection,
    id: &ListingId,
    field: &str,
) -> Result<(Listing, Organization), ApiError> {
    let unknown = || {
        ApiError::field(
            field,
            ErrorCode::ListingUnknown,
            Text::key("problem.listing_unknown"),
        )
    };
    let listing = listing_model::find(conn, id)?.ok_or_else(unknown)?;
    let org = orgs::find(conn, &listing.organization_id)?.ok_or_else(unknown)?;
    Ok((listing, org))
}

/// Refuses a listing given as `side` that is of the other side.
fn check_side(found: &Option<(Listing, Organization)>, side: Side) -> Result<(), ApiError> {
    let Some((listing, _)) = found else {
        return Ok(());
    };
    if listing.side == side {
        return Ok(());
    }
    Err(match side {
        Side::Need => ApiError::field(
            "need_id",
            ErrorCode::NotANeed,
            Text::key("problem.not_a_need"),
        ),
        Side::Capability => ApiError::field(
            "capability_id",
            ErrorCode::NotACapability,
            Text::key("problem.not_a_capability"),
        ),
    })
}

/// Express interest in another organization's published need or capability; tells the
/// receiving organization.
pub fn create(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    b: NewInterest,
) -> Result<InterestView, ApiError> {
    user.require_verified()?;
    let mut errors = Vec::new();
    let message = text::required("message", &b.message, 2000, &mut errors);
    if b.need_id.is_none() && b.capability_id.is_none() {
        errors.push(FieldError::new(
            "need_id",
            ErrorCode::Required,
            Text::key("problem.required.need_capability_or_both"),
        ));
    }
    ApiError::fields(errors)?;
    let from = b.from_organization_id;
    acting_organization(
        conn,
        &user.id,
        &from,
        "from_organization_id",
        Text::key("problem.forbidden.speak_for"),
    )?;
    let need = b
        .need_id
        .map(|id| listing_with_owner(conn, &id, "need_id"))
        .transpose()?;
    let cap = b
        .capability_id
        .map(|id| listing_with_owner(conn, &id, "capability_id"))
        .transpose()?;
    check_side(&need, Side::Need)?;
    check_side(&cap, Side::Capability)?;
    let ((target, target_org), offered) =
        target_and_offer(need.as_ref(), cap.as_ref(), |(l, _)| {
            l.organization_id == from
        })?;
    if target.organization_id == from {
        return Err(ApiError::rule(
            ErrorCode::OwnListing,
            Text::key("problem.own_listing"),
        ));
    }
    if target.status != ListingStatus::Published || target_org.status() != OrgStatus::Verified {
        return Err(ApiError::rule(
            ErrorCode::ListingNotOpen,
            Text::key("problem.listing_not_open"),
        ));
    }
    if model::has_open(conn, &from, &target.id)? {
        return Err(ApiError::conflict(
            ErrorCode::InterestOpen,
            Text::key("problem.interest_open"),
        ));
    }
    let t = now();
    let x = Interest {
        id: InterestId::new(),
        from_organization_id: from,
        to_organization_id: target.organization_id.clone(),
        target_listing_id: target.id.clone(),
        offered_listing_id: offered.map(|(o, _)| o.id.clone()),
        message,
        status: InterestStatus::Open,
        decline_reason: None,
        decline_comment: None,
        created_by: Some(user.id.clone()),
        decided_by: None,
        decided_at: None,
        created_at: t,
        updated_at: t,
    };
    model::insert(conn, &x)?;
    tell(
        conn,
        postman,
        &x.to_organization_id,
        &x,
        Step::Sent,
        &target.title,
    )?;
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    view(conn, x, user, &mine)
}

/// Interests the caller's organizations sent and received, newest first (the bureau: all,
/// unless it names one of its organizations).
pub fn list(
    conn: &mut DbConnection,
    user: &AuthUser,
    q: InterestQuery,
) -> Result<Page<InterestView>, ApiError> {
    let limit = pagination::limit(q.limit)?;
    let before = pagination::decode_cursor(q.cursor.as_deref())?;
    let direction = Direction::parse(q.direction.as_deref())?;
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    let everything = user.is_bureau() && q.organization_id.is_none();
    let shown = (!everything).then(|| {
        let mut shown = mine.clone();
        if let Some(o) = &q.organization_id {
            shown.retain(|x| x == o);
        }
        shown
    });
    let filter = InterestFilter {
        organizations: shown,
        direction,
        status: q.status,
        before: before.map(InterestId::from),
    };
    let rows = model::list(conn, &filter, limit + 1)?;
    pagination::try_page(
        rows,
        limit,
        |x: &Interest| x.id.to_string(),
        |rows| {
            rows.into_iter()
                .map(|x| view(conn, x, user, &mine))
                .collect()
        },
    )
}

/// One interest the caller is party to (or the bureau), else 404.
pub fn get(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &InterestId,
) -> Result<InterestView, ApiError> {
    let x = model::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    if !(user.is_bureau() || standing(&x, &mine).party()) {
        return Err(ApiError::NotFound);
    }
    view(conn, x, user, &mine)
}

/// The open interest `id` on which `user` may take `d`, with the caller's organizations.
fn open_for(
    conn: &mut DbConnection,
    user: &AuthUser,
    id: &InterestId,
    d: Decision,
) -> Result<(Interest, Vec<OrganizationId>), ApiError> {
    let x = model::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let mine = orgs::organization_ids_of(conn, &user.id)?;
    standing(&x, &mine).may(d)?;
    x.status.decide(d)?;
    Ok((x, mine))
}

/// Record `d` on `x` (already checked by [`open_for`]).
fn record(
    conn: &mut DbConnection,
    x: &mut Interest,
    user: &AuthUser,
    d: Decision,
) -> Result<(), ApiError> {
    let t = now();
    x.status = x.status.decide(d)?;
    x.decided_by = Some(user.id.clone());
    x.decided_at = Some(t);
    x.updated_at = t;
    model::save_decision(conn, x)?;
    Ok(())
}

fn modes_of(
    lists: &std::collections::HashMap<ListingId, listing_model::Lists>,
    id: Option<&ListingId>,
) -> Vec<Mode> {
    id.and_then(|id| lists.get(id))
        .map(|l| l.modes.clone())
        .unwrap_or_default()
}

/// Accept (the receiving organization): the agreement is recorded, the sender told, and
/// each side now sees the other's contacts.
pub fn accept(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    id: &InterestId,
    b: AcceptInterest,
) -> Result<InterestView, ApiError> {
    let mut errors = Vec::new();
    crate::money::check_yuan("value_yuan", b.value_yuan, &mut errors);
    ApiError::fields(errors)?;
    let (mut x, mine) = open_for(conn, user, id, Decision::Accept)?;
    let target = listing_model::find(conn, &x.target_listing_id)?.ok_or(ApiError::NotFound)?;
    let offered = match &x.offered_listing_id {
        Some(o) => listing_model::find(conn, o)?,
        None => None,
    };
    let mut ids = vec![target.id.clone()];
    ids.extend(offered.iter().map(|o| o.id.clone()));
    let lists = listing_model::lists(conn, &ids)?;
    let offered_id = offered.as_ref().map(|o| o.id.clone());
    let mode = agreement_mode(
        b.cooperation_mode,
        &modes_of(&lists, Some(&target.id)),
        &modes_of(&lists, offered_id.as_ref()),
    );
    let side: Side = target.side;
    let (need, cap) = match side {
        Side::Need => (Some(target.id.clone()), offered_id),
        Side::Capability => (offered_id, Some(target.id.clone())),
    };
    let (need_org, provider_org) =
        agreement_sides(side, &x.from_organization_id, &x.to_organization_id);
    let agreement = Agreement {
        id: AgreementId::new(),
        interest_id: x.id.clone(),
        need_id: need,
        capability_id: cap,
        need_organization_id: need_org.clone(),
        provider_organization_id: provider_org.clone(),
        cooperation_mode: mode,
        start_date: b.start_date.map(Day::date).unwrap_or_else(|| now().date()),
        value_yuan: b.value_yuan,
        created_by: Some(user.id.clone()),
        created_at: now(),
    };
    record(conn, &mut x, user, Decision::Accept)?;
    model::insert_agreement(conn, &agreement)?;
    tell(
        conn,
        postman,
        &x.from_organization_id,
        &x,
        Step::Accepted,
        &target.title,
    )?;
    view(conn, x, user, &mine)
}

fn title_of(conn: &mut DbConnection, listing: &ListingId) -> Result<String, ApiError> {
    Ok(listing_model::find(conn, listing)?
        .map(|l| l.title)
        .unwrap_or_default())
}

/// Decline (the receiving organization) with a reason from the fixed list; tells the sender.
pub fn decline(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    id: &InterestId,
    b: DeclineInterest,
) -> Result<InterestView, ApiError> {
    let mut errors = Vec::new();
    let comment = b
        .comment
        .as_deref()
        .map(|c| text::required("comment", c, 2000, &mut errors));
    ApiError::fields(errors)?;
    let (mut x, mine) = open_for(conn, user, id, Decision::Decline)?;
    x.decline_reason = Some(b.reason);
    x.decline_comment = comment;
    record(conn, &mut x, user, Decision::Decline)?;
    let title = title_of(conn, &x.target_listing_id)?;
    tell(
        conn,
        postman,
        &x.from_organization_id,
        &x,
        Step::Declined,
        &title,
    )?;
    view(conn, x, user, &mine)
}

/// Withdraw (the sending organization) while the interest is open; tells the receiver.
pub fn withdraw(
    conn: &mut DbConnection,
    postman: &Postman,
    user: &AuthUser,
    id: &InterestId,
) -> Result<InterestView, ApiError> {
    let (mut x, mine) = open_for(conn, user, id, Decision::Withdraw)?;
    record(conn, &mut x, user, Decision::Withdraw)?;
    let title = title_of(conn, &x.target_listing_id)?;
    tell(
        conn,
        postman,
        &x.to_organization_id,
        &x,
        Step::Withdrawn,
        &title,
    )?;
    view(conn, x, user, &mine)
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
