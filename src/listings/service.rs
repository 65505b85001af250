//! The listing operations: create, edit, publish, close, fulfil, delete, read and list.
//! Each runs in the caller's connection (a write inside the caller's transaction), checks
//! the caller's rights and the lifecycle's rules (`domain`), writes the listing, its lists
//! and its index-change row, and returns the view. No HTTP here: the JSON handlers and the
//! pages call the same functions.

use crate::error::{ErrorCode, FieldError, Text};
use std::sync::Arc;

use super::domain::{
    Action, ListingStatus, Side, SideFields, check_budget, check_side_fields, check_trl,
    clean_keywords, detect_language, may_delete, may_post, may_publish, transition,
};
use super::model::{self, Filter, Listing, Lists};
use super::views::{ListingChanges, ListingQuery, ListingView, NewListing};
use crate::app::pagination::{self, Page};
use crate::app::when::Day;
use crate::app::{AuthUser, ListingText, Viewer, audit, load_viewer, text};
use crate::db::DbConnection;
use crate::db::ids::ListingId;
use crate::db::types::now;
use crate::error::ApiError;
use crate::organizations::domain::{MemberRole, OrgStatus};
use crate::organizations::taxonomy;

/// Listings the matching index may add to a `q` filter (beyond them the plain substring
/// match still applies).
const MAX_TEXT_HITS: usize = 10_000;

/// Views with their lists loaded in three queries.
pub fn views(conn: &mut DbConnection, rows: Vec<Listing>) -> Result<Vec<ListingView>, ApiError> {
    let ids: Vec<ListingId> = rows.iter().map(|l| l.id.clone()).collect();
    let mut lists = model::lists(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|l| {
            let these = lists.remove(&l.id).unwrap_or_default();
            ListingView::new(l, these)
        })
        .collect())
}

pub fn view(conn: &mut DbConnection, l: Listing) -> Result<ListingView, ApiError> {
    views(conn, vec![l])?
        .pop()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("a listing without its view")))
}

/// Who may see a listing: anyone when it is published by a verified organization; its
/// organization's members and the bureau always.
pub fn can_see(viewer: &Viewer, l: &Listing, org_status: OrgStatus) -> bool {
    (l.status == ListingStatus::Published && org_status == OrgStatus::Verified)
        || viewer.is_insider(&l.organization_id)
}

/// A listing the caller may see, or 404.
pub fn visible(
    conn: &mut DbConnection,
    viewer: &Viewer,
    side: Side,
    id: &ListingId,
) -> Result<Listing, ApiError> {
    let l = model::find(conn, id)?
        .filter(|l| l.side == side)
        .ok_or(ApiError::NotFound)?;
    let org =
        crate::organizations::model::find(conn, &l.organization_id)?.ok_or(ApiError::NotFound)?;
    if can_see(viewer, &l, org.status()) {
        Ok(l)
    } else {
        Err(ApiError::NotFound)
    }
}

/// A listing the caller may edit: member of its organization.
fn editable(
    conn: &mut DbConnection,
    viewer: &Viewer,
    side: Side,
    id: &ListingId,
) -> Result<Listing, ApiError> {
    let l = visible(conn, viewer, side, id)?;
    if viewer.role_in(&l.organization_id).is_none() {
        return Err(ApiError::forbidden(Text::key(
            "problem.forbidden.listing_edit",
        )));
    }
    Ok(l)
}

fn check_region(conn: &mut DbConnection, code: &str) -> Result<(), ApiError> {
    if taxonomy::region_exists(conn, code)? {
        Ok(())
    } else {
        Err(FieldError::of("region_code", ErrorCode::UnknownRegion)
            .arg("code", code)
            .into())
    }
}

fn check_fields(conn: &mut DbConnection, codes: &[String]) -> Result<(), ApiError> {
    let unknown = taxonomy::unknown_fields(conn, codes)?;
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(FieldError::of("field_codes", ErrorCode::UnknownField)
            .arg("codes", unknown.join(", "))
            .into())
    }
}

/// Post a draft for one of the caller's organizations.
pub fn create(
    conn: &mut DbConnection,
    user: AuthUser,
    side: Side,
    body: NewListing,
) -> Result<ListingView, ApiError> {
    let mut errors = Vec::new();
    let title = text::required("title", &body.title, 200, &mut errors);
    let description = text::required("description", &body.description, 10_000, &mut errors);
    let keywords = clean_keywords(body.keywords.as_deref().unwrap_or_default(), &mut errors);
    let field_codes = crate::extract::distinct(body.field_codes.as_deref().unwrap_or_default());
    check_trl("trl_required", body.trl_required, &mut errors);
    check_trl("trl", body.trl, &mut errors);
    check_budget(body.budget_min, body.budget_max, &mut errors);
    let sent = SideFields {
        trl_required: body.trl_required,
        trl: body.trl,
        budget: body.budget_min.is_some() || body.budget_max.is_some(),
        deadline: body.deadline.is_some(),
    };
    check_side_fields(side, sent, &mut errors);
    ApiError::fields(errors)?;
    let modes = crate::extract::distinct(body.cooperation_modes.as_deref().unwrap_or_default());
    let language = body
        .language
        .unwrap_or_else(|| detect_language(&format!("{title} {description}")));
    let created_by = user.id.clone();
    let viewer = load_viewer(conn, Some(user))?;
    let org = crate::organizations::model::find(conn, &body.organization_id)?
        .filter(|o| viewer.can_see(&o.id, o.status()))
        .ok_or_else(|| {
            ApiError::field(
                "organization_id",
                ErrorCode::UnknownOrganization,
                Text::key("problem.unknown_organization"),
            )
        })?;
    if viewer.role_in(&org.id).is_none() {
        return Err(ApiError::forbidden(Text::key(
            "problem.forbidden.listing_post",
        )));
    }
    may_post(side, org.kind)?;
    check_fields(conn, &field_codes)?;
    let region_code = body.region_code.unwrap_or_else(|| org.region_code.clone());
    check_region(conn, &region_code)?;
    let t = now();
    let l = Listing {
        id: ListingId::new(),
        side,
        organization_id: org.id,
        title,
        description,
        trl: match side {
            Side::Need => body.trl_required,
            Side::Capability => body.trl,
        },
        budget_min: body.budget_min,
        budget_max: body.budget_max,
        deadline: body.deadline.map(Day::date),
        region_code,
        language,
        status: ListingStatus::Draft,
        created_by: Some(created_by),
        published_at: None,
        created_at: t,
        updated_at: t,
    };
    let lists = Lists {
        field_codes,
        keywords,
        modes,
    };
    model::insert(conn, &l, &lists)?;
    Ok(ListingView::new(l, lists))
}

/// A page of one side's listings: published ones of verified organizations, plus the
/// caller's own (the bureau sees all). `q` also finds what the matching index reads in
/// the listing's text (`scandium` finds a listing that says 钪).
pub fn list(
    conn: &mut DbConnection,
    index: &Arc<dyn ListingText>,
    user: Option<AuthUser>,
    side: Side,
    q: ListingQuery,
) -> Result<Page<ListingView>, ApiError> {
    let limit = pagination::limit(q.limit)?;
    let after = pagination::decode_cursor(q.cursor.as_deref())?;
    let text = pagination::search_text(q.q.as_deref())?;
    let q_ids = match text.as_deref() {
        Some(t) => index.ids_containing(side.as_str(), t, MAX_TEXT_HITS)?,
        None => Vec::new(),
    };
    let viewer = load_viewer(conn, user)?;
    let filter = Filter {
        side,
        fields: q
            .field
            .as_deref()
            .map(|f| taxonomy::field_subtree(conn, f))
            .transpose()?,
        regions: q
            .region
            .as_deref()
            .map(|r| taxonomy::region_filter(conn, "region", r))
            .transpose()?,
        mode: q.mode,
        trl_min: q.trl_min,
        trl_max: q.trl_max,
        organization_id: q.organization_id,
        status: q.status,
        q: text,
        q_ids,
        insider_of: if viewer.is_bureau() {
            None
        } else {
            Some(viewer.memberships.keys().cloned().collect())
        },
        after: after.map(ListingId::from),
    };
    let rows = model::list(conn, &filter, limit + 1)?;
    pagination::try_page(rows, limit, |l| l.id.to_string(), |rows| views(conn, rows))
}

/// One listing the caller may see.
pub fn get(
    conn: &mut DbConnection,
    user: Option<AuthUser>,
    side: Side,
    id: &ListingId,
) -> Result<ListingView, ApiError> {
    let viewer = load_viewer(conn, user)?;
    let l = visible(conn, &viewer, side, id)?;
    view(conn, l)
}

/// A listing the caller may edit (members of its organization), as its view: what an
/// edit form starts from. 404 if the caller may not see it, 403 if they see but not edit.
pub fn editable_view(
    conn: &mut DbConnection,
    user: AuthUser,
    side: Side,
    id: &ListingId,
) -> Result<ListingView, ApiError> {
    let viewer = load_viewer(conn, Some(user))?;
    let l = editable(conn, &viewer, side, id)?;
    view(conn, l)
}

/// Change a listing (members of its organization); only the fields sent change.
pub fn update(
    conn: &mut DbConnection,
    user: AuthUser,
    side: Side,
    id: &ListingId,
    c: ListingChanges,
) -> Result<ListingView, ApiError> {
    let viewer = load_viewer(conn, Some(user))?;
    let mut l = editable(conn, &viewer, side, id)?;
    let mut errors = Vec::new();
    let sent = SideFields {
        trl_required: c.trl_required,
        trl: c.trl,
        budget: c.budget_min.is_some() || c.budget_max.is_some(),
        deadline: c.deadline.is_some(),
    };
    check_side_fields(side, sent, &mut errors);
    check_trl("trl_required", c.trl_required, &mut errors);
    check_trl("trl", c.trl, &mut errors);
    if let Some(t) = &c.title {
        l.title = text::required("title", t, 200, &mut errors);
    }
    if let Some(d) = &c.description {
        l.description = text::required("description", d, 10_000, &mut errors);
    }
    if let Some(t) = c.trl_required.or(c.trl) {
        l.trl = Some(t);
    }
    if c.budget_min.is_some() {
        l.budget_min = c.budget_min;
    }
    if c.budget_max.is_some() {
        l.budget_max = c.budget_max;
    }
    check_budget(l.budget_min, l.budget_max, &mut errors);
    if c.deadline.is_some() {
        l.deadline = c.deadline.map(Day::date);
    }
    if let Some(lang) = c.language {
        l.language = lang;
    } else if c.title.is_some() || c.description.is_some() {
        l.language = detect_language(&format!("{} {}", l.title, l.description));
    }
    let current = model::lists(conn, std::slice::from_ref(&l.id))?
        .remove(&l.id)
        .unwrap_or_default();
    let keywords = c.keywords.as_ref().map(|k| clean_keywords(k, &mut errors));
    ApiError::fields(errors)?;
    if let Some(r) = &c.region_code {
        check_region(conn, r)?;
        l.region_code = r.clone();
    }
    if let Some(f) = &c.field_codes {
        check_fields(conn, f)?;
    }
    let changed_lists =
        c.keywords.is_some() || c.field_codes.is_some() || c.cooperation_modes.is_some();
    let lists = Lists {
        field_codes: c
            .field_codes
            .map(|f| crate::extract::distinct(&f))
            .unwrap_or(current.field_codes),
        keywords: keywords.unwrap_or(current.keywords),
        modes: c
            .cooperation_modes
            .map(|m| crate::extract::distinct(&m))
            .unwrap_or(current.modes),
    };
    l.updated_at = now();
    model::update(conn, &l, changed_lists.then_some(&lists))?;
    Ok(ListingView::new(l, lists))
}

/// Delete a draft without history (owners of its organization); see `domain::may_delete`.
pub fn delete(
    conn: &mut DbConnection,
    user: AuthUser,
    side: Side,
    id: &ListingId,
) -> Result<(), ApiError> {
    let actor = user.id.clone();
    let viewer = load_viewer(conn, Some(user))?;
    let l = editable(conn, &viewer, side, id)?;
    if viewer.role_in(&l.organization_id) != Some(MemberRole::Owner) {
        return Err(ApiError::forbidden(Text::key(
            "problem.forbidden.listing_delete",
        )));
    }
    let has_history = l.status == ListingStatus::Draft && model::has_history(conn, &l.id)?;
    may_delete(l.status, has_history)?;
    model::delete(conn, &l.id)?;
    audit::record(
        conn,
        Some(&actor),
        "listing_deleted",
        "listing",
        &l.id,
        Some(&l.title),
    )?;
    Ok(())
}

/// Publish, close or fulfil (members of the listing's organization). Closing and
/// fulfilling end a listing's public life; who did it goes to the audit log.
pub fn act(
    conn: &mut DbConnection,
    user: AuthUser,
    side: Side,
    id: &ListingId,
    action: Action,
) -> Result<ListingView, ApiError> {
    let actor = user.id.clone();
    let viewer = load_viewer(conn, Some(user))?;
    let mut l = editable(conn, &viewer, side, id)?;
    let to = transition(side, l.status, action)?;
    if action == Action::Publish {
        let verified = viewer.memberships.get(&l.organization_id).map(|(_, s)| *s)
            == Some(OrgStatus::Verified);
        may_publish(verified, l.deadline, chrono::Utc::now().date_naive())?;
        l.published_at = Some(now());
    }
    l.status = to;
    l.updated_at = now();
    model::update(conn, &l, None)?;
    let audited = match action {
        Action::Publish => None,
        Action::Close => Some("listing_closed"),
        Action::Fulfil => Some("listing_fulfilled"),
    };
    if let Some(what) = audited {
        audit::record(conn, Some(&actor), what, "listing", &l.id, None)?;
    }
    view(conn, l)
}
