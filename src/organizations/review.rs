//! The bureau's verification workflow: verify, reject, suspend, reinstate. Each action is
//! audited and every member is told by email, in their own language.

use actix_web::{HttpResponse, web};

use super::domain::{OrgStatus, Review};
use super::model;
use super::routes::views;
use super::views::{OrganizationView, ReviewRequest};
use crate::app::AppState;
use crate::app::AuthUser;
use crate::app::Locale;
use crate::app::load_viewer;
use crate::db::DbConnection;
use crate::db::types::{new_id, now};
use crate::error::{ApiError, Problem};
use crate::extract::MaybeJson;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::Topic;
use crate::notifications::templates;

/// Email every member of `org_id` about a review action (inside the caller's transaction).
fn notify_members(
    conn: &mut DbConnection,
    state: &AppState,
    org: &model::Organization,
    action: Review,
    reason: Option<&str>,
    event_id: &str,
) -> Result<(), ApiError> {
    let link = format!("{}/organizations/{}", state.settings.public_url, org.id);
    for m in model::members(conn, &org.id)? {
        let locale: Locale = m.locale.parse().unwrap_or(Locale::ZhCn);
        let r = templates::organization_reviewed(
            locale,
            &m.display_name,
            &org.name,
            action.as_str(),
            reason,
            link.clone(),
        );
        let summary = r.text.lines().nth(2).unwrap_or_default().to_owned();
        state.postman.deliver(
            conn,
            Notice {
                key: format!("org-review:{event_id}:{}", m.user_id),
                recipient: Recipient {
                    user_id: m.user_id,
                    email: m.email,
                    display_name: m.display_name,
                    locale,
                },
                topic: Topic::Registry,
                letter: r,
                summary,
                link: Some(link.clone()),
                ics: None,
            },
        )?;
    }
    Ok(())
}

async fn review(
    state: web::Data<AppState>,
    user: AuthUser,
    id: String,
    action: Review,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let reason = body
        .0
        .and_then(|b| b.reason)
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if action.needs_reason() && reason.is_none() {
        return Err(ApiError::field("reason", "reason_required", "say why"));
    }
    if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
        return Err(ApiError::field(
            "reason",
            "too_long",
            "use at most 1000 characters",
        ));
    }
    let st = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let mut org = model::find(conn, &id)?.ok_or(ApiError::NotFound)?;
            let from = org.status();
            let to = action.apply(from).ok_or_else(|| {
                ApiError::conflict(
                    "invalid_transition",
                    format!(
                        "cannot {} an organization that is {}",
                        action.as_str(),
                        from.as_str()
                    ),
                )
            })?;
            org.status = to.as_str().to_owned();
            org.status_reason = reason.clone();
            org.updated_at = now();
            model::update(conn, &org)?;
            // Its listings enter or leave the search index with it.
            crate::app::reindex::record_organization_change(conn, &org.id)?;
            let event_id = new_id();
            crate::app::audit::record(
                conn,
                Some(&user.id),
                &format!("organization_{}", past_tense(to)),
                "organization",
                &org.id,
                reason.as_deref(),
            )?;
            notify_members(conn, &st, &org, action, reason.as_deref(), &event_id)?;
            let viewer = load_viewer(conn, Some(user))?;
            Ok(views(conn, vec![org], &viewer)?.remove(0))
        })
        .await?;
    state.mail_wake.notify_one();
    state.index_wake.notify_one();
    Ok(HttpResponse::Ok().json(view))
}

fn past_tense(to: OrgStatus) -> &'static str {
    match to {
        OrgStatus::Verified => "verified",
        OrgStatus::Rejected => "rejected",
        OrgStatus::Suspended => "suspended",
        OrgStatus::Pending => "reopened",
    }
}

/// Verify a pending (or rejected) organization (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/verify", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = Option<ReviewRequest>),
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "invalid_transition")))]
pub async fn verify(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Verify, body).await
}

/// Reject a pending organization, with a reason (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/reject", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReviewRequest,
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem, description = "reason_required")))]
pub async fn reject(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Reject, body).await
}

/// Suspend a verified organization, with a reason (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/suspend", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ReviewRequest,
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem, description = "reason_required")))]
pub async fn suspend(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Suspend, body).await
}

/// Reinstate a suspended organization (bureau).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/reinstate", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = Option<ReviewRequest>),
    responses((status = 200, body = OrganizationView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reinstate(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: MaybeJson<ReviewRequest>,
) -> Result<HttpResponse, ApiError> {
    review(state, user, id.into_inner(), Review::Reinstate, body).await
}
