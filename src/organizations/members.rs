//! Membership: owners invite by email (single-use link), members are listed and removed,
//! and the last owner cannot leave.

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use chrono::NaiveDateTime;

use super::domain::{MemberRole, OrgStatus};
use super::model;
use super::views::{InvitationView, Invite, MemberView};
use crate::accounts::domain::Email;
use crate::app::AppState;
use crate::app::{AuthUser, Locale, load_viewer};
use crate::auth::tokens;
use crate::db::schema::invitations;
use crate::db::types::{new_id, now, utc};
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::{self, NewEmail, Topic};
use crate::notifications::quota;
use crate::notifications::templates;

const INVITATION_DAYS: i64 = 7;

/// Members of an organization (its members and the bureau).
#[utoipa::path(get, path = "/api/v1/organizations/{id}/members", tag = "registry", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Vec<MemberView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let members = state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, Some(user))?;
            let org = model::find(conn, &id)?
                .filter(|o| viewer.can_see(&o.id, o.status()))
                .ok_or(ApiError::NotFound)?;
            if !viewer.is_insider(&org.id) {
                return Err(ApiError::forbidden(
                    "only members and the bureau see the member list",
                ));
            }
            Ok(model::members(conn, &id)?
                .into_iter()
                .map(|m| MemberView {
                    user_id: m.user_id,
                    display_name: m.display_name,
                    email: m.email,
                    role: m.role,
                    joined_at: utc(m.created_at),
                })
                .collect::<Vec<_>>())
        })
        .await?;
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
    id: web::Path<String>,
    body: ApiJson<Invite>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let email = Email::parse(&body.0.email).map_err(|e| ApiError::invalid(vec![e]))?;
    let role = body.0.role.unwrap_or(MemberRole::Member);
    let st = state.clone();
    let view = state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            let org = model::find(conn, &id)?
                .filter(|o| viewer.can_see(&o.id, o.status()))
                .ok_or(ApiError::NotFound)?;
            if !(viewer.is_bureau() || viewer.role_in(&id) == Some(MemberRole::Owner)) {
                return Err(ApiError::forbidden("only owners invite members"));
            }
            if org.status() != OrgStatus::Verified {
                return Err(ApiError::Forbidden {
                    code: "organization_not_verified",
                    detail: "only organizations the bureau has verified invite".to_owned(),
                });
            }
            let existing = crate::accounts::model::find_by_email(conn, email.as_str())?;
            if let Some(u) = &existing
                && model::role_of(conn, &id, &u.id)?.is_some()
            {
                return Err(ApiError::conflict(
                    "already_member",
                    "this person is already a member",
                ));
            }
            let t = now();
            // Mail to outside addresses is bounded: one invitation per address per hour
            // (a repeat answers the open one and sends nothing), and a quota per hour.
            type Recent = (
                String,
                String,
                String,
                NaiveDateTime,
                Option<NaiveDateTime>,
                NaiveDateTime,
            );
            let recent: Vec<Recent> = invitations::table
                .filter(invitations::organization_id.eq(&id))
                .filter(invitations::created_at.gt(t - quota::WINDOW))
                .select((
                    invitations::id,
                    invitations::email,
                    invitations::role,
                    invitations::expires_at,
                    invitations::accepted_at,
                    invitations::created_at,
                ))
                .load(conn)?;
            if let Some((inv_id, inv_email, inv_role, expires, _, _)) = recent
                .iter()
                .find(|r| r.1 == email.as_str() && r.4.is_none() && r.3 > t)
            {
                return Ok((
                    false,
                    InvitationView {
                        id: inv_id.clone(),
                        organization_id: id,
                        email: inv_email.clone(),
                        role: inv_role.clone(),
                        expires_at: utc(*expires),
                    },
                ));
            }
            let sent = recent.iter().map(|r| r.5).collect();
            quota::check_hourly(sent, 1, st.settings.quotas.invitations_per_hour, t)?;
            let token = tokens::random_token();
            let inv_id = new_id();
            let expires = t + chrono::Duration::days(INVITATION_DAYS);
            diesel::insert_into(invitations::table)
                .values((
                    invitations::id.eq(&inv_id),
                    invitations::organization_id.eq(&id),
                    invitations::email.eq(email.as_str()),
                    invitations::role.eq(role.as_str()),
                    invitations::token_hash.eq(tokens::hash_token(&token)),
                    invitations::invited_by.eq(Some(&user.id)),
                    invitations::expires_at.eq(expires),
                    invitations::created_at.eq(t),
                ))
                .execute(conn)?;
            let locale = existing
                .as_ref()
                .and_then(|u| u.locale.parse().ok())
                .unwrap_or(Locale::ZhCn);
            let link = format!(
                "{}/invitations/accept?token={token}",
                st.settings.public_url
            );
            let r =
                templates::invitation(locale, &org.name, &user.display_name, link, INVITATION_DAYS);
            match existing {
                // An account holder also sees it in the inbox (without the secret link).
                Some(u) => {
                    let summary = match locale {
                        Locale::ZhCn => format!(
                            "{} 邀请您加入「{}」，邀请链接已发送到您的邮箱。",
                            user.display_name, org.name
                        ),
                        Locale::En => format!(
                            "{} invited you to join \"{}\"; the link went to your email.",
                            user.display_name, org.name
                        ),
                    };
                    st.postman.deliver(
                        conn,
                        Notice {
                            key: format!("invitation:{inv_id}"),
                            recipient: Recipient {
                                user_id: u.id,
                                email: u.email,
                                display_name: u.display_name,
                                locale,
                            },
                            topic: Topic::Account,
                            letter: r,
                            summary,
                            link: None,
                            ics: None,
                        },
                    )?;
                }
                None => {
                    outbox::enqueue(
                        conn,
                        &NewEmail {
                            idempotency_key: format!("invitation:{inv_id}"),
                            user_id: None,
                            topic: Topic::Account,
                            to: email.as_str().to_owned(),
                            subject: r.subject,
                            text: r.text,
                            html: r.html,
                            unsubscribe_url: None,
                            calendar_ics: None,
                        },
                    )?;
                }
            }
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "member_invited",
                "organization",
                &id,
                Some(email.as_str()),
            )?;
            Ok((
                true,
                InvitationView {
                    id: inv_id,
                    organization_id: id,
                    email: email.as_str().to_owned(),
                    role: role.as_str().to_owned(),
                    expires_at: utc(expires),
                },
            ))
        })
        .await?;
    let (created, view) = view;
    if !created {
        return Ok(HttpResponse::Ok().json(view));
    }
    state.mail_wake.notify_one();
    // No Location: an invitation has no address of its own until it is accepted.
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    pub token: String,
}

/// Accept an invitation: the caller must have verified the email address it was sent to.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "registry", security(("bearer" = [])), request_body = AcceptInvitation,
    responses((status = 200, body = MemberView), (status = 401, body = Problem), (status = 403, body = Problem, description = "email_not_verified, invitation_for_another_email"),
        (status = 422, body = Problem, description = "token_invalid_or_expired")))]
pub async fn accept(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<AcceptInvitation>,
) -> Result<HttpResponse, ApiError> {
    let member = accept_invitation(&state, user, &body.0.token).await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Join the organization of an invitation with its single-use token; the caller must
/// have verified the address it was sent to. The JSON route and the invitation page call
/// this.
pub async fn accept_invitation(
    state: &AppState,
    user: AuthUser,
    token: &str,
) -> Result<MemberView, ApiError> {
    user.require_verified()?;
    let hash = tokens::hash_token(token.trim());
    state
        .db
        .write(move |conn| {
            let inv: Option<(String, String, String, String)> = invitations::table
                .filter(invitations::token_hash.eq(&hash))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::expires_at.gt(now()))
                .select((
                    invitations::id,
                    invitations::organization_id,
                    invitations::email,
                    invitations::role,
                ))
                .first(conn)
                .optional()?;
            let (inv_id, org_id, email, role) = inv.ok_or_else(|| {
                ApiError::rule(
                    "token_invalid_or_expired",
                    "this invitation is invalid, used or expired",
                )
            })?;
            if email != user.email {
                return Err(ApiError::Forbidden {
                    code: "invitation_for_another_email",
                    detail: "this invitation was sent to another email address".to_owned(),
                });
            }
            diesel::update(invitations::table.find(&inv_id))
                .set(invitations::accepted_at.eq(Some(now())))
                .execute(conn)?;
            let role: MemberRole = role.parse().unwrap_or(MemberRole::Member);
            if model::role_of(conn, &org_id, &user.id)?.is_none() {
                model::add_member(conn, &org_id, &user.id, role)?;
                crate::app::audit::record(
                    conn,
                    Some(&user.id),
                    "member_joined",
                    "organization",
                    &org_id,
                    None,
                )?;
            }
            Ok(MemberView {
                user_id: user.id,
                display_name: user.display_name,
                email: user.email,
                role: role.as_str().to_owned(),
                joined_at: utc(now()),
            })
        })
        .await
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
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (org_id, member_id) = path.into_inner();
    state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            model::find(conn, &org_id)?
                .filter(|o| viewer.can_see(&o.id, o.status()))
                .ok_or(ApiError::NotFound)?;
            let allowed = viewer.is_bureau()
                || viewer.role_in(&org_id) == Some(MemberRole::Owner)
                || member_id == user.id;
            if !allowed {
                return Err(ApiError::forbidden("only owners remove other members"));
            }
            let role = model::role_of(conn, &org_id, &member_id)?.ok_or(ApiError::NotFound)?;
            if role == MemberRole::Owner && model::owner_count(conn, &org_id)? <= 1 {
                return Err(ApiError::rule(
                    "last_owner",
                    "the last owner cannot leave; make someone else an owner first",
                ));
            }
            model::remove_member(conn, &org_id, &member_id)?;
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "member_removed",
                "organization",
                &org_id,
                Some(&member_id),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
