//! Creating, listing, reading and editing organizations.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::domain::{MemberRole, OrgKind, OrgStatus, Uscc};
use super::model::{self, Filter, Organization};
use super::taxonomy;
use super::views::*;
use crate::app::AppState;
use crate::app::pagination::{self, Page};
use crate::app::{AuthUser, MaybeUser, load_viewer, text};
use crate::db::DbConnection;
use crate::db::types::{new_id, now};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::ApiJson;

/// Views of organizations, with their aliases and fields loaded in two queries.
pub fn views(
    conn: &mut DbConnection,
    orgs: Vec<Organization>,
    viewer: &Viewer,
) -> Result<Vec<OrganizationView>, ApiError> {
    let ids: Vec<String> = orgs.iter().map(|o| o.id.clone()).collect();
    let (mut aliases, mut fields) = model::details(conn, &ids)?;
    let mine: Vec<String> = viewer.memberships.keys().cloned().collect();
    let partners = model::partners_of(conn, &mine)?;
    Ok(orgs
        .into_iter()
        .map(|o| {
            let a = aliases.remove(&o.id).unwrap_or_default();
            let f = fields.remove(&o.id).unwrap_or_default();
            OrganizationView::new(o, a, f, viewer, &partners)
        })
        .collect())
}

fn clean_list(
    field: &str,
    values: &[String],
    max_items: usize,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = text::at_most(field, v, 100, errors);
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    if out.len() > max_items {
        errors.push(FieldError::new(
            field,
            "too_many",
            format!("at most {max_items} entries"),
        ));
    }
    out
}

fn check_contact(c: &Contact, errors: &mut Vec<FieldError>) -> Contact {
    let email = crate::accounts::domain::Email::parse(&c.email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "contact.email",
                "email_invalid",
                "not a valid email address",
            ));
            c.email.clone()
        });
    Contact {
        name: text::at_most("contact.name", &c.name, 100, errors),
        email,
        phone: text::optional("contact.phone", c.phone.as_deref(), 40, errors),
    }
}

fn check_website(w: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let w = text::optional("website", w, 300, errors)?;
    if !(w.starts_with("http://") || w.starts_with("https://")) {
        errors.push(FieldError::new(
            "website",
            "url_invalid",
            "use an http:// or https:// address",
        ));
    }
    Some(w)
}

/// Check codes and the parent against the database. A parent must be an organization the
/// caller owns (the bureau: any): no one attaches to another organization without its
/// consent, and an id the caller may not use is answered like one that does not exist.
fn check_references(
    conn: &mut DbConnection,
    viewer: &Viewer,
    region: Option<&str>,
    fields: &[String],
    parent: Option<&str>,
    self_id: Option<&str>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if let Some(r) = region
        && !taxonomy::region_exists(conn, r)?
    {
        errors.push(FieldError::new(
            "region_code",
            "unknown_region",
            format!("no region `{r}`"),
        ));
    }
    let unknown = taxonomy::unknown_fields(conn, fields)?;
    if !unknown.is_empty() {
        errors.push(FieldError::new(
            "field_codes",
            "unknown_field",
            format!("unknown: {}", unknown.join(", ")),
        ));
    }
    if let Some(p) = parent
        && (Some(p) == self_id
            || !(viewer.is_bureau() || viewer.role_in(p) == Some(MemberRole::Owner))
            || model::find(conn, p)?.is_none())
    {
        errors.push(FieldError::new(
            "parent_id",
            "parent_not_allowed",
            "name an organization you own",
        ));
    }
    ApiError::fields(errors)
}

/// Register an organization; the caller becomes its owner and it awaits the bureau's review.
#[utoipa::path(post, path = "/api/v1/organizations", tag = "registry", security(("bearer" = [])), request_body = NewOrganization,
    responses((status = 201, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem, description = "email_not_verified"),
        (status = 409, body = Problem, description = "uscc_taken"), (status = 422, body = Problem, description = "uscc_malformed, uscc_required, ...")))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<NewOrganization>,
) -> Result<HttpResponse, ApiError> {
    user.require_verified()?;
    let b = body.0;
    let mut errors = Vec::new();
    let kind = b.kind.parse::<OrgKind>().map_err(|_| {
        ApiError::field(
            "kind",
            "kind_invalid",
            "enterprise, university, research_institute or bureau",
        )
    })?;
    if kind == OrgKind::Bureau && !user.is_bureau() {
        return Err(ApiError::forbidden(
            "only the bureau registers bureau organizations",
        ));
    }
    let uscc = match b.uscc.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(raw) => Some(Uscc::parse(raw).map_err(|e| ApiError::invalid(vec![e]))?),
        None if kind == OrgKind::Enterprise => {
            return Err(ApiError::field(
                "uscc",
                "uscc_required",
                "enterprises must give their Unified Social Credit Code",
            ));
        }
        None => None,
    };
    let name = text::at_most("name", &b.name, 200, &mut errors);
    if name.is_empty() {
        errors.push(FieldError::new(
            "name",
            "required",
            "the Chinese name is required",
        ));
    }
    let contact = b.contact.as_ref().map(|c| check_contact(c, &mut errors));
    let t = now();
    let org = Organization {
        id: new_id(),
        kind: kind.as_str().to_owned(),
        name,
        name_en: text::optional("name_en", b.name_en.as_deref(), 200, &mut errors),
        uscc_flagged: uscc.as_ref().is_some_and(|u| !u.check_ok),
        uscc: uscc.map(|u| u.code),
        region_code: b.region_code.trim().to_owned(),
        description: text::optional("description", b.description.as_deref(), 5000, &mut errors)
            .unwrap_or_default(),
        website: check_website(b.website.as_deref(), &mut errors),
        address: text::optional("address", b.address.as_deref(), 300, &mut errors),
        contact_name: contact.as_ref().map(|c| c.name.clone()),
        contact_email: contact.as_ref().map(|c| c.email.clone()),
        contact_phone: contact.and_then(|c| c.phone),
        is_leading: false,
        is_sample: false,
        parent_id: b.parent_id.filter(|p| !p.is_empty()),
        status: OrgStatus::Pending.as_str().to_owned(),
        status_reason: None,
        created_by: Some(user.id.clone()),
        created_at: t,
        updated_at: t,
    };
    let aliases = clean_list(
        "aliases",
        b.aliases.as_deref().unwrap_or_default(),
        20,
        &mut errors,
    );
    let field_codes = clean_list(
        "field_codes",
        b.field_codes.as_deref().unwrap_or_default(),
        30,
        &mut errors,
    );
    ApiError::fields(errors)?;
    let view = state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            check_references(
                conn,
                &viewer,
                Some(&org.region_code),
                &field_codes,
                org.parent_id.as_deref(),
                None,
            )?;
            if let Some(u) = &org.uscc
                && model::uscc_taken(conn, u, None)?
            {
                return Err(ApiError::conflict(
                    "uscc_taken",
                    "an organization with this Unified Social Credit Code is registered",
                ));
            }
            model::insert(conn, &org, &aliases, &field_codes)?;
            model::add_member(conn, &org.id, &user.id, MemberRole::Owner)?;
            let reason = org.uscc_flagged.then_some("uscc check character disagrees");
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "organization_created",
                "organization",
                &org.id,
                reason,
            )?;
            let viewer = load_viewer(conn, Some(user))?;
            Ok(views(conn, vec![org], &viewer)?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/organizations/{}", view.id)))
        .json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DirectoryQuery {
    pub kind: Option<OrgKind>,
    /// A region code; its sub-regions are included.
    pub region: Option<String>,
    /// A technology-field code; its sub-fields are included.
    pub field: Option<String>,
    /// Bureau only; others always see verified organizations.
    pub status: Option<OrgStatus>,
    pub is_leading: Option<bool>,
    /// Chinese or English name, or an alias. At most 200 characters (422 `q_too_long`).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The directory: verified organizations (the bureau may filter by any status).
#[utoipa::path(get, path = "/api/v1/organizations", tag = "registry", params(DirectoryQuery),
    responses((status = 200, body = Page<OrganizationView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: MaybeUser,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = directory(&state, user.0, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One page of the directory as `user` may see it: verified organizations (the bureau
/// may filter by any status). The JSON route and the directory page call this.
pub async fn directory(
    state: &AppState,
    user: Option<AuthUser>,
    q: DirectoryQuery,
) -> Result<Page<OrganizationView>, ApiError> {
    let bureau = user.as_ref().is_some_and(AuthUser::is_bureau);
    let statuses = match q.status {
        Some(s) if bureau => vec![s.as_str().to_owned()],
        Some(_) => return Err(ApiError::forbidden("only the bureau filters by status")),
        None => vec![OrgStatus::Verified.as_str().to_owned()],
    };
    let limit = pagination::limit(q.limit)?;
    let after = pagination::decode_cursor(q.cursor.as_deref())?;
    let text = pagination::search_text(q.q.as_deref())?;
    state
        .db
        .run(move |conn| {
            let filter = Filter {
                kind: q.kind.map(|k| k.as_str().to_owned()),
                regions: q
                    .region
                    .as_deref()
                    .map(|r| taxonomy::region_subtree(conn, r))
                    .transpose()?,
                fields: q
                    .field
                    .as_deref()
                    .map(|f| taxonomy::field_subtree(conn, f))
                    .transpose()?,
                statuses,
                is_leading: q.is_leading,
                q: text,
                after,
            };
            let rows = model::list(conn, &filter, limit + 1)?;
            let viewer = load_viewer(conn, user)?;
            pagination::try_page(
                rows,
                limit,
                |o| o.id.clone(),
                |rows| views(conn, rows, &viewer),
            )
        })
        .await
}

/// The organizations the caller belongs to, whatever their status.
#[utoipa::path(get, path = "/api/v1/me/organizations", tag = "registry", security(("bearer" = [])),
    responses((status = 200, body = Vec<OrganizationView>), (status = 401, body = Problem)))]
pub async fn mine(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let items = my_organizations(&state, user).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// The organizations `user` belongs to, whatever their status (the JSON route and the
/// pages' organization choices).
pub async fn my_organizations(
    state: &AppState,
    user: AuthUser,
) -> Result<Vec<OrganizationView>, ApiError> {
    state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, Some(user))?;
            let mut orgs = Vec::new();
            for id in viewer.memberships.keys() {
                orgs.extend(model::find(conn, id)?);
            }
            orgs.sort_by(|a, b| a.id.cmp(&b.id));
            views(conn, orgs, &viewer)
        })
        .await
}

/// One organization (404 if the caller may not see it).
#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "registry", params(("id" = String, Path)),
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    state: web::Data<AppState>,
    user: MaybeUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, user.0)?;
            let org = model::find(conn, &id)?
                .filter(|o| viewer.can_see(&o.id, o.status()))
                .ok_or(ApiError::NotFound)?;
            Ok(views(conn, vec![org], &viewer)?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Edit an organization: its owners, or the bureau. Only the bureau sets `is_leading`.
#[utoipa::path(patch, path = "/api/v1/organizations/{id}", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = OrganizationChanges,
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: ApiJson<OrganizationChanges>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let c = body.0;
    let view = state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            let mut org = model::find(conn, &id)?
                .filter(|o| viewer.can_see(&o.id, o.status()))
                .ok_or(ApiError::NotFound)?;
            if !(viewer.is_bureau() || viewer.role_in(&id) == Some(MemberRole::Owner)) {
                return Err(ApiError::forbidden(
                    "only the organization's owners and the bureau edit it",
                ));
            }
            if c.is_leading.is_some() && !viewer.is_bureau() {
                return Err(ApiError::forbidden(
                    "only the bureau marks leading enterprises",
                ));
            }
            let mut errors = Vec::new();
            if let Some(n) = &c.name {
                org.name = text::at_most("name", n, 200, &mut errors);
                if org.name.is_empty() {
                    errors.push(FieldError::new(
                        "name",
                        "required",
                        "the Chinese name is required",
                    ));
                }
            }
            if let Some(v) = &c.name_en {
                org.name_en = text::optional("name_en", Some(v), 200, &mut errors);
            }
            if let Some(v) = &c.description {
                org.description = text::at_most("description", v, 5000, &mut errors);
            }
            if let Some(v) = &c.website {
                org.website = check_website(Some(v), &mut errors);
            }
            if let Some(v) = &c.address {
                org.address = text::optional("address", Some(v), 300, &mut errors);
            }
            if let Some(contact) = &c.contact {
                let contact = check_contact(contact, &mut errors);
                org.contact_name = Some(contact.name);
                org.contact_email = Some(contact.email);
                org.contact_phone = contact.phone;
            }
            if let Some(r) = &c.region_code {
                org.region_code = r.trim().to_owned();
            }
            if let Some(p) = &c.parent_id {
                org.parent_id = Some(p.clone()).filter(|p| !p.is_empty());
            }
            if let Some(l) = c.is_leading {
                org.is_leading = l;
            }
            if let Some(raw) = c.uscc.as_deref().map(str::trim) {
                if raw.is_empty() {
                    if org.kind == OrgKind::Enterprise.as_str() {
                        errors.push(FieldError::new(
                            "uscc",
                            "uscc_required",
                            "enterprises must give their Unified Social Credit Code",
                        ));
                    }
                    org.uscc = None;
                    org.uscc_flagged = false;
                } else {
                    let u = Uscc::parse(raw).map_err(|e| ApiError::invalid(vec![e]))?;
                    if model::uscc_taken(conn, &u.code, Some(&org.id))? {
                        return Err(ApiError::conflict(
                            "uscc_taken",
                            "an organization with this Unified Social Credit Code is registered",
                        ));
                    }
                    org.uscc_flagged = !u.check_ok;
                    org.uscc = Some(u.code);
                }
            }
            let aliases = c
                .aliases
                .as_ref()
                .map(|a| clean_list("aliases", a, 20, &mut errors));
            let field_codes = c
                .field_codes
                .as_ref()
                .map(|f| clean_list("field_codes", f, 30, &mut errors));
            ApiError::fields(errors)?;
            check_references(
                conn,
                &viewer,
                c.region_code.as_ref().map(|_| org.region_code.as_str()),
                field_codes.as_deref().unwrap_or_default(),
                org.parent_id.as_deref().filter(|_| c.parent_id.is_some()),
                Some(&org.id),
            )?;
            org.updated_at = now();
            model::update(conn, &org)?;
            if let Some(a) = &aliases {
                model::set_aliases(conn, &org.id, a)?;
            }
            if let Some(f) = &field_codes {
                model::set_fields(conn, &org.id, f)?;
            }
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
            Ok(views(conn, vec![org], &viewer)?.remove(0))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
