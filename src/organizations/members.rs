//! The membership endpoints: HTTP only (see [`membership`]).

use actix_web::{HttpResponse, web};

use super::membership;
use super::views::{AcceptInvitation, InvitationView, Invite, MemberView};
use crate::app::{AppState, AuthUser};
use crate::db::ids::{OrganizationId, UserId};
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;

/// Members of an organization (its members and the bureau).
#[utoipa::path(get, path = "/api/v1/organizations/{id}/members", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Vec<MemberView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let members = membership::members(&state, user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(members))
}

/// Invite someone by email (owners and the bureau; verified organizations only). The
/// invitation email carries a single-use link; an account created later with that address
/// can accept it. A repeat to the same address within the hour answers 200 with the open
/// invitation and sends nothing; `COLLAB_INVITATIONS_PER_HOUR` bounds the rest (429).
#[utoipa::path(post, path = "/api/v1/organizations/{id}/members", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = Invite,
    responses((status = 201, body = InvitationView), (status = 200, body = InvitationView, description = "Already invited within the hour: nothing sent"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "forbidden, organization_not_verified"), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "already_member"), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn invite(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
    body: ApiJson<Invite>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let invited = membership::invite(&state, user, id.into_inner(), &b.email, b.role).await?;
    if invited.created {
        // No Location: an invitation has no address of its own until it is accepted.
        Ok(HttpResponse::Created().json(invited.invitation))
    } else {
        Ok(HttpResponse::Ok().json(invited.invitation))
    }
}

/// Accept an invitation: the caller must have verified the email address it was sent to.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "registry", security(("bearer" = [])), request_body = AcceptInvitation,
    responses((status = 200, body = MemberView), (status = 401, body = Problem), (status = 403, body = Problem, description = "email_not_verified, invitation_for_another_email"),
        (status = 409, body = Problem, description = "token_invalid_or_expired")))]
pub async fn accept(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<AcceptInvitation>,
) -> Result<HttpResponse, ApiError> {
    let member = membership::accept_invitation(&state, user, &body.0.token).await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Remove a member: owners remove anyone, members remove themselves (leave), the bureau
/// removes anyone. The last owner cannot be removed.
#[utoipa::path(delete, path = "/api/v1/organizations/{id}/members/{user_id}", tag = "registry", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "last_owner")))]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(OrganizationId, UserId)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member_id) = path.into_inner();
    membership::remove_member(&state, user, org_id, member_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
