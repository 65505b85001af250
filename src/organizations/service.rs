//! The registry's operations: register, list, read and edit organizations (their review is
//! in `workflow`). The JSON routes and the pages call these; nothing here knows HTTP.

use super::domain::{MemberRole, OrgStatus};
use super::input;
use super::model::{self, Filter, Organization};
use super::taxonomy;
use super::uscc;
use super::views::{DirectoryQuery, NewOrganization, OrganizationChanges, OrganizationView};
use crate::app::pagination::{self, Page};
use crate::app::{AppState, AuthUser, Viewer, load_viewer};
use crate::db::DbConnection;
use crate::db::ids::{OrganizationId, UserId};
use crate::db::types::now;
use crate::error::{ApiError, ErrorCode, FieldError, Text};

/// Views of organizations, with their aliases and fields loaded in two queries.
pub fn views(
    conn: &mut DbConnection,
    orgs: Vec<Organization>,
    viewer: &Viewer,
) -> Result<Vec<OrganizationView>, ApiError> {
    let ids: Vec<OrganizationId> = orgs.iter().map(|o| o.id.clone()).collect();
    let (mut aliases, mut fields) = model::details(conn, &ids)?;
    let mine: Vec<OrganizationId> = viewer.memberships.keys().cloned().collect();
    let partners = model::partners_of(conn, &mine)?;
    let regions = if orgs
        .iter()
        .any(|o| o.uscc.is_some() && viewer.is_insider(&o.id))
    {
        uscc::region_rows(conn)?
    } else {
        Vec::new()
    };
    Ok(orgs
        .into_iter()
        .map(|o| {
            let a = aliases.remove(&o.id).unwrap_or_default();
            let f = fields.remove(&o.id).unwrap_or_default();
            let warnings = uscc::stored_warnings(o.uscc.as_deref(), &o.region_code, &regions);
            let mut v = OrganizationView::new(o, a, f, viewer, &partners);
            if let Some(w) = v.warnings.as_mut() {
                *w = warnings;
            }
            v
        })
        .collect())
}

pub(super) fn view(
    conn: &mut DbConnection,
    org: Organization,
    viewer: &Viewer,
) -> Result<OrganizationView, ApiError> {
    views(conn, vec![org], viewer)?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// An organization the viewer may see (404 otherwise, as if it did not exist).
pub fn visible(
    conn: &mut DbConnection,
    viewer: &Viewer,
    id: &OrganizationId,
) -> Result<Organization, ApiError> {
    model::find(conn, id)?
        .filter(|o| viewer.can_see(&o.id, o.status))
        .ok_or(ApiError::NotFound)
}

/// Owners and the bureau manage an organization.
pub fn may_manage(viewer: &Viewer, org_id: &OrganizationId) -> bool {
    viewer.is_bureau() || viewer.role_in(org_id) == Some(MemberRole::Owner)
}

fn uscc_taken() -> ApiError {
    ApiError::conflict(ErrorCode::UsccTaken, Text::key("problem.uscc_taken"))
}

/// Check codes and the parent against the database. A parent must be an organization the
/// caller owns (the bureau: any): no one attaches to another organization without its
/// consent, and an id the caller may not use is answered like one that does not exist.
fn check_references(
    conn: &mut DbConnection,
    viewer: &Viewer,
    region: Option<&str>,
    fields: &[String],
    parent: Option<&OrganizationId>,
    self_id: Option<&OrganizationId>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if let Some(r) = region
        && !taxonomy::region_exists(conn, r)?
    {
        errors.push(FieldError::of("region_code", ErrorCode::UnknownRegion).arg("code", r));
    }
    let unknown = taxonomy::unknown_fields(conn, fields)?;
    if !unknown.is_empty() {
        errors.push(
            FieldError::of("field_codes", ErrorCode::UnknownField).arg("codes", unknown.join(", ")),
        );
    }
    if let Some(p) = parent
        && (Some(p) == self_id || !may_manage(viewer, p) || model::find(conn, p)?.is_none())
    {
        errors.push(FieldError::of("parent_id", ErrorCode::ParentNotAllowed));
    }
    ApiError::fields(errors)
}

/// Register a checked draft in the caller's transaction: its codes must exist and its
/// USCC be free; then it is stored and the audit log records `action` by `actor`. The one
/// way an organization comes into the registry (the registration API and the bulk import).
pub fn register(
    conn: &mut DbConnection,
    viewer: &Viewer,
    d: &input::Draft,
    actor: Option<&UserId>,
    action: &str,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let org = &d.org;
    check_references(
        conn,
        viewer,
        Some(org.region_code.as_str()),
        &d.field_codes,
        org.parent_id.as_ref(),
        None,
    )?;
    if let Some(u) = &org.uscc
        && model::uscc_taken(conn, u, None)?
    {
        return Err(uscc_taken());
    }
    model::insert(conn, org, &d.aliases, &d.field_codes)?;
    crate::app::audit::record(conn, actor, action, "organization", &org.id, reason)?;
    Ok(())
}

/// Register an organization (verified accounts only); the caller becomes its owner and it
/// awaits the bureau's review, whose staff are told. Audited.
pub async fn create(
    state: &AppState,
    user: AuthUser,
    body: NewOrganization,
) -> Result<OrganizationView, ApiError> {
    user.require_verified()?;
    let d = input::draft(body, Some(&user.id), user.is_bureau())?;
    state
        .write_and_mail(move |conn, postman| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            let reason = d
                .org
                .uscc_flagged
                .then_some("uscc check character disagrees");
            register(
                conn,
                &viewer,
                &d,
                Some(&user.id),
                "organization_created",
                reason,
            )?;
            model::add_member(conn, &d.org.id, &user.id, MemberRole::Owner)?;
            let told = super::notices::submitted(conn, postman.public_url(), &d.org, &user.id)?;
            postman.deliver_all(conn, told)?;
            let viewer = load_viewer(conn, Some(user))?;
            view(conn, d.org, &viewer)
        })
        .await
}

/// One page of the directory as `user` may see it: verified organizations (the bureau
/// may filter by any status).
pub async fn directory(
    state: &AppState,
    user: Option<AuthUser>,
    q: DirectoryQuery,
) -> Result<Page<OrganizationView>, ApiError> {
    directory_in(state, user, q, false).await
}

/// The statuses a directory query shows: the one asked for, which only the bureau may ask;
/// else verified ones, or with `every` (the bureau's register, its pages' list of all
/// organizations) every status, which only the bureau sees.
fn statuses(
    bureau: bool,
    asked: Option<OrgStatus>,
    every: bool,
) -> Result<Vec<OrgStatus>, ApiError> {
    match asked {
        Some(s) if bureau => Ok(vec![s]),
        None if !every => Ok(vec![OrgStatus::Verified]),
        None if bureau => Ok(OrgStatus::ALL.to_vec()),
        _ => Err(ApiError::forbidden(Text::key(
            "problem.forbidden.status_filter",
        ))),
    }
}

/// [`directory`], or with `every` and no status asked the bureau's register of every
/// organization whatever its status (refused to anyone else as a status filter is).
pub async fn directory_in(
    state: &AppState,
    user: Option<AuthUser>,
    q: DirectoryQuery,
    every: bool,
) -> Result<Page<OrganizationView>, ApiError> {
    let bureau = user.as_ref().is_some_and(AuthUser::is_bureau);
    let statuses = statuses(bureau, q.status, every)?;
    let limit = pagination::limit(q.limit)?;
    let after = pagination::decode_cursor(q.cursor.as_deref())?;
    let text = pagination::search_text(q.q.as_deref())?;
    state
        .db
        .run(move |conn| {
            let filter = Filter {
                kind: q.kind,
                regions: q
                    .region
                    .as_deref()
                    .map(|r| taxonomy::region_filter(conn, "region", r))
                    .transpose()?,
                fields: q
                    .field
                    .as_deref()
                    .map(|f| taxonomy::field_subtree(conn, f))
                    .transpose()?,
                statuses,
                is_leading: q.is_leading,
                q: text,
                after: after.map(OrganizationId::from),
            };
            let rows = model::list(conn, &filter, limit + 1)?;
            let viewer = load_viewer(conn, user)?;
            pagination::try_page(
                rows,
                limit,
                |o| o.id.to_string(),
                |rows| views(conn, rows, &viewer),
            )
        })
        .await
}

/// The organizations `user` belongs to, whatever their status.
pub async fn my_organizations(
    state: &AppState,
    user: AuthUser,
) -> Result<Vec<OrganizationView>, ApiError> {
    organizations_of(state, user, false).await
}

/// The caller's organizations they may act for (register attendees, post, express
/// interest): those `app::acting_organization` admits, by id.
pub async fn acting_organizations(
    state: &AppState,
    user: AuthUser,
) -> Result<Vec<OrganizationView>, ApiError> {
    organizations_of(state, user, true).await
}

/// The caller's organizations by id: all of them, or (`acting`) those they may act for.
async fn organizations_of(
    state: &AppState,
    user: AuthUser,
    acting: bool,
) -> Result<Vec<OrganizationView>, ApiError> {
    state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, Some(user))?;
            let mut ids: Vec<&OrganizationId> = if acting {
                viewer.acting_for()
            } else {
                viewer.memberships.keys().collect()
            };
            ids.sort_unstable();
            let mut orgs = Vec::new();
            for id in ids {
                orgs.extend(model::find(conn, id)?);
            }
            views(conn, orgs, &viewer)
        })
        .await
}

/// One organization (404 if the caller may not see it).
pub async fn get(
    state: &AppState,
    user: Option<AuthUser>,
    id: OrganizationId,
) -> Result<OrganizationView, ApiError> {
    state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, user)?;
            let org = visible(conn, &viewer, &id)?;
            view(conn, org, &viewer)
        })
        .await
}

/// Edit an organization: its owners, or the bureau (audited). Only the bureau sets
/// `is_leading`; the status never changes here.
pub async fn update(
    state: &AppState,
    user: AuthUser,
    id: OrganizationId,
    c: OrganizationChanges,
) -> Result<OrganizationView, ApiError> {
    state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            let mut org = visible(conn, &viewer, &id)?;
            if !may_manage(&viewer, &id) {
                return Err(ApiError::forbidden(Text::key(
                    "problem.forbidden.organization_edit",
                )));
            }
            if c.is_leading.is_some() && !viewer.is_bureau() {
                return Err(ApiError::forbidden(Text::key("problem.forbidden.leading")));
            }
            edit(conn, &viewer, &mut org, &c)?;
            if viewer.is_bureau() {
                let action = if c.is_leading.is_some() {
                    "organization_leading_set"
                } else {
                    "organization_edited_by_bureau"
                };
                crate::app::audit::record(
                    conn,
                    Some(&user.id),
                    action,
                    "organization",
                    &org.id,
                    None,
                )?;
            }
            view(conn, org, &viewer)
        })
        .await
}

/// Apply changes `c` to `org` in the caller's transaction: the field rules of
/// `input::apply`, a new USCC must be free, codes and the parent are checked; then the
/// organization, its aliases and fields are stored. Who may edit is the caller's check.
pub fn edit(
    conn: &mut DbConnection,
    viewer: &Viewer,
    org: &mut Organization,
    c: &OrganizationChanges,
) -> Result<(), ApiError> {
    let edit = input::apply(org, c)?;
    if edit.new_uscc
        && let Some(u) = &org.uscc
        && model::uscc_taken(conn, u, Some(&org.id))?
    {
        return Err(uscc_taken());
    }
    ApiError::fields(edit.errors)?;
    check_references(
        conn,
        viewer,
        c.region_code.as_ref().map(|_| org.region_code.as_str()),
        edit.field_codes.as_deref().unwrap_or_default(),
        org.parent_id.as_ref().filter(|_| c.parent_id.is_some()),
        Some(&org.id),
    )?;
    org.updated_at = now();
    model::update(conn, org)?;
    if let Some(a) = &edit.aliases {
        model::set_aliases(conn, &org.id, a)?;
    }
    if let Some(f) = &edit.field_codes {
        model::set_fields(conn, &org.id, f)?;
    }
    Ok(())
}
