//! Handlers shared by needs and capabilities; `mod.rs` binds them to each side's paths.

use actix_web::{HttpResponse, web};

use super::domain::{Action, ListingStatus, Side, detect_language};
use super::model::{self, Filter, Listing, Lists};
use super::views::*;
use crate::app::AppState;
use crate::app::Viewer;
use crate::app::audit;
use crate::app::load_viewer;
use crate::app::pagination;
use crate::app::text;
use crate::app::{AuthUser, MaybeUser};
use crate::db::DbConnection;
use crate::db::types::{new_id, now};
use crate::error::{ApiError, FieldError};
use crate::organizations::domain::{MemberRole, OrgKind, OrgStatus};
use crate::organizations::taxonomy;

fn path_of(side: Side) -> &'static str {
    match side {
        Side::Need => "needs",
        Side::Capability => "capabilities",
    }
}

/// Views with their lists loaded in three queries.
pub fn views(conn: &mut DbConnection, rows: Vec<Listing>) -> Result<Vec<ListingView>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|l| l.id.clone()).collect();
    let mut lists = model::lists(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|l| {
            let these = lists.remove(&l.id).unwrap_or_default();
            ListingView::new(l, these)
        })
        .collect())
}

/// Who may see a listing: anyone when it is published by a verified organization; its
/// organization's members and the bureau always.
pub fn can_see(viewer: &Viewer, l: &Listing, org_status: OrgStatus) -> bool {
    (l.status == ListingStatus::Published.as_str() && org_status == OrgStatus::Verified)
        || viewer.is_insider(&l.organization_id)
}

/// A listing the caller may see, or 404.
pub fn visible(
    conn: &mut DbConnection,
    viewer: &Viewer,
    side: Side,
    id: &str,
) -> Result<Listing, ApiError> {
    let l = model::find(conn, id)?
        .filter(|l| l.side == side.as_str())
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
    id: &str,
) -> Result<Listing, ApiError> {
    let l = visible(conn, viewer, side, id)?;
    if viewer.role_in(&l.organization_id).is_none() {
        return Err(ApiError::forbidden(
            "only members of the posting organization edit it",
        ));
    }
    Ok(l)
}

fn clean_keywords(values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim();
        if v.chars().count() > 50 {
            errors.push(FieldError::new(
                "keywords",
                "too_long",
                "keywords have at most 50 characters",
            ));
        } else if !v.is_empty() && !out.iter().any(|k| k == v) {
            out.push(v.to_owned());
        }
    }
    if out.len() > 20 {
        errors.push(FieldError::new(
            "keywords",
            "too_many",
            "at most 20 keywords",
        ));
    }
    out
}

fn check_trl(field: &str, trl: Option<i32>, errors: &mut Vec<FieldError>) {
    if trl.is_some_and(|t| !(1..=9).contains(&t)) {
        errors.push(FieldError::new(field, "trl_out_of_range", "TRL is 1 to 9"));
    }
}

/// Fields that apply to one side only.
fn check_side_fields(
    side: Side,
    trl_required: Option<i32>,
    trl: Option<i32>,
    budget: bool,
    deadline: bool,
    errors: &mut Vec<FieldError>,
) {
    let wrong = |f: &str| {
        FieldError::new(
            f,
            "not_applicable",
            "this field belongs to the other kind of listing",
        )
    };
    match side {
        Side::Need if trl.is_some() => errors.push(wrong("trl")),
        Side::Capability => {
            if trl_required.is_some() {
                errors.push(wrong("trl_required"));
            }
            if budget {
                errors.push(wrong("budget_min"));
            }
            if deadline {
                errors.push(wrong("deadline"));
            }
        }
        _ => {}
    }
}

fn check_budget(min: Option<i64>, max: Option<i64>, errors: &mut Vec<FieldError>) {
    crate::money::check_yuan("budget_min", min, errors);
    crate::money::check_yuan("budget_max", max, errors);
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        errors.push(FieldError::new(
            "budget_max",
            "below_minimum",
            "budget_max is below budget_min",
        ));
    }
}

pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    body: NewListing,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let title = text::required("title", &body.title, 200, &mut errors);
    let description = text::required("description", &body.description, 10_000, &mut errors);
    let keywords = clean_keywords(body.keywords.as_deref().unwrap_or_default(), &mut errors);
    let field_codes = crate::extract::distinct(body.field_codes.as_deref().unwrap_or_default());
    check_trl("trl_required", body.trl_required, &mut errors);
    check_trl("trl", body.trl, &mut errors);
    check_budget(body.budget_min, body.budget_max, &mut errors);
    check_side_fields(
        side,
        body.trl_required,
        body.trl,
        body.budget_min.is_some() || body.budget_max.is_some(),
        body.deadline.is_some(),
        &mut errors,
    );
    ApiError::fields(errors)?;
    let modes: Vec<String> = crate::extract::distinct(
        &body
            .cooperation_modes
            .unwrap_or_default()
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect::<Vec<_>>(),
    );
    let language = body
        .language
        .unwrap_or_else(|| detect_language(&format!("{title} {description}")));
    let view = state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            let org = crate::organizations::model::find(conn, &body.organization_id)?
                .filter(|o| viewer.can_see(&o.id, o.status()))
                .ok_or_else(|| {
                    ApiError::field(
                        "organization_id",
                        "unknown_organization",
                        "no such organization",
                    )
                })?;
            if viewer.role_in(&org.id).is_none() {
                return Err(ApiError::forbidden("only members post for an organization"));
            }
            let kind: OrgKind = org.kind.parse().unwrap_or(OrgKind::Enterprise);
            match (side, kind) {
                (Side::Need, OrgKind::Enterprise)
                | (
                    Side::Capability,
                    OrgKind::Enterprise | OrgKind::University | OrgKind::ResearchInstitute,
                ) => {}
                (Side::Need, _) => {
                    return Err(ApiError::rule(
                        "needs_are_for_enterprises",
                        "needs are posted by enterprises",
                    ));
                }
                (Side::Capability, _) => {
                    return Err(ApiError::rule(
                        "capabilities_not_for_bureau",
                        "the bureau does not post capabilities",
                    ));
                }
            }
            let unknown = taxonomy::unknown_fields(conn, &field_codes)?;
            if !unknown.is_empty() {
                return Err(ApiError::field(
                    "field_codes",
                    "unknown_field",
                    format!("unknown: {}", unknown.join(", ")),
                ));
            }
            let region_code = body
                .region_code
                .clone()
                .unwrap_or_else(|| org.region_code.clone());
            if !taxonomy::region_exists(conn, &region_code)? {
                return Err(ApiError::field(
                    "region_code",
                    "unknown_region",
                    "no such region",
                ));
            }
            let t = now();
            let l = Listing {
                id: new_id(),
                side: side.as_str().to_owned(),
                organization_id: org.id,
                title,
                description,
                trl: if side == Side::Need {
                    body.trl_required
                } else {
                    body.trl
                },
                budget_min: body.budget_min,
                budget_max: body.budget_max,
                deadline: body.deadline,
                region_code,
                language: language.as_str().to_owned(),
                status: ListingStatus::Draft.as_str().to_owned(),
                created_by: Some(user.id.clone()),
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
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/{}/{}", path_of(side), view.id)))
        .json(view))
}

/// Listings the matching index may add to a `q` filter (beyond them the plain substring
/// match still applies).
const MAX_TEXT_HITS: usize = 10_000;

pub async fn list(
    state: web::Data<AppState>,
    user: MaybeUser,
    side: Side,
    q: ListingQuery,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(q.limit)?;
    let after = pagination::decode_cursor(q.cursor.as_deref())?;
    let text = pagination::search_text(q.q.as_deref())?;
    // The words as matching reads them: `scandium` also finds a listing that says 钪.
    let q_ids = match text.as_deref() {
        Some(t) => state
            .listing_text
            .ids_containing(side.as_str(), t, MAX_TEXT_HITS)?,
        None => Vec::new(),
    };
    let page = state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, user.0)?;
            let filter = Filter {
                side: side.as_str().to_owned(),
                fields: q
                    .field
                    .as_deref()
                    .map(|f| taxonomy::field_subtree(conn, f))
                    .transpose()?,
                regions: q
                    .region
                    .as_deref()
                    .map(|r| taxonomy::region_subtree(conn, r))
                    .transpose()?,
                mode: q.mode.map(|m| m.as_str().to_owned()),
                trl_min: q.trl_min,
                trl_max: q.trl_max,
                organization_id: q.organization_id,
                status: q.status.map(|s| s.as_str().to_owned()),
                q: text,
                q_ids,
                insider_of: if viewer.is_bureau() {
                    None
                } else {
                    Some(viewer.memberships.keys().cloned().collect())
                },
                after,
            };
            let rows = model::list(conn, &filter, limit + 1)?;
            pagination::try_page(rows, limit, |l| l.id.clone(), |rows| views(conn, rows))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

pub async fn get(
    state: web::Data<AppState>,
    user: MaybeUser,
    side: Side,
    id: String,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, user.0)?;
            let l = visible(conn, &viewer, side, &id)?;
            Ok(views(conn, vec![l])?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    id: String,
    c: ListingChanges,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user))?;
            let mut l = editable(conn, &viewer, side, &id)?;
            let mut errors = Vec::new();
            check_side_fields(
                side,
                c.trl_required,
                c.trl,
                c.budget_min.is_some() || c.budget_max.is_some(),
                c.deadline.is_some(),
                &mut errors,
            );
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
                l.deadline = c.deadline;
            }
            if let Some(lang) = c.language {
                l.language = lang.as_str().to_owned();
            } else if c.title.is_some() || c.description.is_some() {
                l.language = detect_language(&format!("{} {}", l.title, l.description))
                    .as_str()
                    .to_owned();
            }
            let current = model::lists(conn, std::slice::from_ref(&l.id))?
                .remove(&l.id)
                .unwrap_or_default();
            let keywords = c.keywords.as_ref().map(|k| clean_keywords(k, &mut errors));
            ApiError::fields(errors)?;
            if let Some(r) = &c.region_code {
                if !taxonomy::region_exists(conn, r)? {
                    return Err(ApiError::field(
                        "region_code",
                        "unknown_region",
                        "no such region",
                    ));
                }
                l.region_code = r.clone();
            }
            if let Some(f) = &c.field_codes {
                let unknown = taxonomy::unknown_fields(conn, f)?;
                if !unknown.is_empty() {
                    return Err(ApiError::field(
                        "field_codes",
                        "unknown_field",
                        format!("unknown: {}", unknown.join(", ")),
                    ));
                }
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
                    .map(|m| {
                        let m: Vec<String> = m.iter().map(|m| m.as_str().to_owned()).collect();
                        crate::extract::distinct(&m)
                    })
                    .unwrap_or(current.modes),
            };
            l.updated_at = now();
            model::update(conn, &l, changed_lists.then_some(&lists))?;
            Ok(ListingView::new(l, lists))
        })
        .await?;
    state.index_wake.notify_one();
    Ok(HttpResponse::Ok().json(view))
}

pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    id: String,
) -> Result<HttpResponse, ApiError> {
    state
        .db
        .write(move |conn| {
            let viewer_id = user.id.clone();
            let viewer = load_viewer(conn, Some(user))?;
            let l = editable(conn, &viewer, side, &id)?;
            if viewer.role_in(&l.organization_id) != Some(MemberRole::Owner) {
                return Err(ApiError::forbidden(
                    "only owners of the posting organization delete a draft; members close it",
                ));
            }
            if l.status != ListingStatus::Draft.as_str() || model::has_history(conn, &l.id)? {
                return Err(ApiError::conflict(
                    "listing_not_deletable",
                    "only a draft that nobody has expressed interest in can be deleted; close it instead",
                ));
            }
            model::delete(conn, &l.id)?;
            audit::record(
                conn,
                Some(&viewer_id),
                "listing_deleted",
                "listing",
                &l.id,
                Some(&l.title),
            )?;
            Ok(())
        })
        .await?;
    state.index_wake.notify_one();
    Ok(HttpResponse::NoContent().finish())
}

pub async fn act(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    id: String,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .write(move |conn| {
            let viewer_id = user.id.clone();
            let viewer = load_viewer(conn, Some(user))?;
            let mut l = editable(conn, &viewer, side, &id)?;
            let from: ListingStatus = l.status.parse().unwrap_or(ListingStatus::Draft);
            let to = action.apply(side, from).ok_or_else(|| {
                ApiError::conflict(
                    "invalid_transition",
                    format!(
                        "cannot {} a listing that is {}",
                        action.as_str(),
                        from.as_str()
                    ),
                )
            })?;
            if action == Action::Publish {
                if viewer.memberships.get(&l.organization_id).map(|(_, s)| *s)
                    != Some(OrgStatus::Verified)
                {
                    return Err(ApiError::rule(
                        "organization_not_verified",
                        "only verified organizations publish",
                    ));
                }
                if l.deadline
                    .is_some_and(|d| d < chrono::Utc::now().date_naive())
                {
                    return Err(ApiError::field(
                        "deadline",
                        "deadline_passed",
                        "move the deadline before publishing",
                    ));
                }
                l.published_at = Some(now());
            }
            l.status = to.as_str().to_owned();
            l.updated_at = now();
            model::update(conn, &l, None)?;
            if action != Action::Publish {
                // Closing and fulfilling end a listing's public life: who did it is kept.
                let what = match action {
                    Action::Fulfil => "listing_fulfilled",
                    _ => "listing_closed",
                };
                audit::record(conn, Some(&viewer_id), what, "listing", &l.id, None)?;
            }
            Ok(views(conn, vec![l])?.remove(0))
        })
        .await?;
    state.index_wake.notify_one();
    Ok(HttpResponse::Ok().json(view))
}
