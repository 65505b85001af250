//! Membership operations: owners invite by email (single-use link), members are listed and
//! removed, and the last owner cannot leave. The JSON routes and the invitation page call
//! these; nothing here knows HTTP.

use std::sync::Arc;

use super::domain::{MemberRole, OrgStatus, is_last_owner, may_remove_member};
use super::invitations::{self, Invitation, NewInvitation};
use super::model;
use super::notices::{self, INVITATION_DAYS};
use super::service::{may_manage, visible};
use super::views::{InvitationView, MemberView};
use crate::accounts::domain::Email;
use crate::app::{AppState, AuthUser, load_viewer};
use crate::auth::tokens;
use crate::db::ids::{InvitationId, OrganizationId, UserId};
use crate::db::types::{now, utc};
use crate::error::{ApiError, ErrorCode, Text};
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::{self, NewEmail, Topic};
use crate::notifications::quota;

/// Members of an organization (its members and the bureau).
pub async fn members(
    state: &AppState,
    user: AuthUser,
    id: OrganizationId,
) -> Result<Vec<MemberView>, ApiError> {
    state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, Some(user))?;
            let org = visible(conn, &viewer, &id)?;
            if !viewer.is_insider(&org.id) {
                return Err(ApiError::forbidden(Text::key(
                    "problem.forbidden.member_list",
                )));
            }
            let mut out = Vec::new();
            for m in model::members(conn, &id)? {
                out.push(MemberView {
                    role: m.role.as_str().to_owned(),
                    user_id: m.user_id,
                    display_name: m.display_name,
                    email: m.email,
                    joined_at: utc(m.created_at),
                });
            }
            Ok(out)
        })
        .await
}

fn invitation_view(i: Invitation) -> InvitationView {
    InvitationView {
        id: i.id,
        organization_id: i.organization_id,
        email: i.email,
        role: i.role.as_str().to_owned(),
        expires_at: utc(i.expires_at),
    }
}

/// Whether an invitation was sent, and the invitation.
pub struct Invited {
    pub created: bool,
    pub invitation: InvitationView,
}

/// Invite someone by email (owners and the bureau; verified organizations only). A repeat
/// to the same address within the hour answers the open invitation and sends nothing; the
/// hourly quota bounds the rest (429). Audited; the mail is queued in the same transaction.
pub async fn invite(
    state: &Arc<AppState>,
    user: AuthUser,
    id: OrganizationId,
    email: &str,
    role: Option<MemberRole>,
) -> Result<Invited, ApiError> {
    let email = Email::parse(email).map_err(|e| ApiError::invalid(vec![e]))?;
    let role = role.unwrap_or(MemberRole::Member);
    let st = state.clone();
    let invited = state
        .write_and_mail(move |conn, postman| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            let org = visible(conn, &viewer, &id)?;
            if !may_manage(&viewer, &id) {
                return Err(ApiError::forbidden(Text::key(
                    "problem.forbidden.owners_invite",
                )));
            }
            if org.status != OrgStatus::Verified {
                return Err(ApiError::Forbidden {
                    code: ErrorCode::OrganizationNotVerified,
                    detail: Text::key("problem.organization_not_verified.invite"),
                });
            }
            let existing = crate::accounts::model::find_by_email(conn, email.as_str())?;
            if let Some(u) = &existing
                && model::role_of(conn, &id, &u.id)?.is_some()
            {
                return Err(ApiError::conflict(
                    ErrorCode::AlreadyMember,
                    Text::key("problem.already_member"),
                ));
            }
            let t = now();
            // Mail to outside addresses is bounded: one invitation per address per hour
            // (a repeat answers the open one and sends nothing), and a quota per hour.
            let recent = invitations::recent(conn, &id, t - quota::WINDOW)?;
            if let Some(open) = recent
                .iter()
                .find(|i| i.email == email.as_str() && i.is_open(t))
            {
                return Ok(Invited {
                    created: false,
                    invitation: invitation_view(open.clone()),
                });
            }
            let sent = recent.iter().map(|i| i.created_at).collect();
            quota::check_hourly(sent, 1, st.settings.quotas.invitations_per_hour, t)?;
            let token = tokens::random_token();
            let inv = Invitation {
                id: InvitationId::new(),
                organization_id: id.clone(),
                email: email.as_str().to_owned(),
                role,
                expires_at: t + chrono::Duration::days(INVITATION_DAYS),
                accepted_at: None,
                created_at: t,
            };
            invitations::insert(
                conn,
                &NewInvitation {
                    id: &inv.id,
                    organization_id: &id,
                    email: &inv.email,
                    role,
                    token_hash: &tokens::hash_token(&token),
                    invited_by: &user.id,
                    expires_at: inv.expires_at,
                    created_at: t,
                },
            )?;
            // An account holder reads it in their language; an address without an account
            // in the inviter's (who knows the person they invite).
            let (locale, name) = existing
                .as_ref()
                .map_or((user.locale, ""), |u| (u.locale, u.display_name.as_str()));
            let url = &st.settings.public_url;
            let org_name = org.name_in(locale);
            let letter = notices::invitation_letter(
                url,
                (locale, name),
                org_name,
                &user.display_name,
                &token,
            );
            let key = format!("invitation:{}", inv.id);
            match existing {
                // An account holder also sees it in the inbox (without the secret link).
                Some(u) => {
                    let notice = Notice {
                        key,
                        summary: notices::invitation_summary(locale, &user.display_name, org_name),
                        recipient: Recipient {
                            user_id: u.id,
                            email: u.email,
                            display_name: u.display_name,
                            locale,
                        },
                        topic: Topic::Account,
                        letter,
                        link: None,
                        ics: None,
                    };
                    postman.deliver(conn, notice)?;
                }
                None => {
                    let mail = NewEmail {
                        idempotency_key: key,
                        user_id: None,
                        topic: Topic::Account,
                        to: email.as_str().to_owned(),
                        subject: letter.subject,
                        text: letter.text,
                        html: letter.html,
                        unsubscribe_url: None,
                        calendar_ics: None,
                    };
                    outbox::enqueue(conn, &mail)?;
                }
            }
            let who = Some(email.as_str());
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "member_invited",
                "organization",
                &id,
                who,
            )?;
            Ok(Invited {
                created: true,
                invitation: invitation_view(inv),
            })
        })
        .await?;
    Ok(invited)
}

/// Join the organization of an invitation with its single-use token; the caller must
/// have verified the address it was sent to.
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
            let inv = invitations::find_open(conn, &hash)?.ok_or_else(|| {
                ApiError::rule(
                    ErrorCode::TokenInvalidOrExpired,
                    Text::key("problem.token_invalid_or_expired.invitation"),
                )
            })?;
            if inv.email != user.email {
                return Err(ApiError::Forbidden {
                    code: ErrorCode::InvitationForAnotherEmail,
                    detail: Text::key("problem.invitation_for_another_email"),
                });
            }
            invitations::mark_accepted(conn, &inv.id)?;
            let org_id = inv.organization_id;
            if model::role_of(conn, &org_id, &user.id)?.is_none() {
                model::add_member(conn, &org_id, &user.id, inv.role)?;
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
                role: inv.role.as_str().to_owned(),
                joined_at: utc(now()),
            })
        })
        .await
}

/// Remove a member: owners remove anyone, members remove themselves (leave), the bureau
/// removes anyone. The last owner cannot be removed. Audited.
pub async fn remove_member(
    state: &AppState,
    user: AuthUser,
    org_id: OrganizationId,
    member_id: UserId,
) -> Result<(), ApiError> {
    state
        .db
        .write(move |conn| {
            let viewer = load_viewer(conn, Some(user.clone()))?;
            visible(conn, &viewer, &org_id)?;
            let is_self = member_id == user.id;
            if !may_remove_member(viewer.is_bureau(), viewer.role_in(&org_id), is_self) {
                return Err(ApiError::forbidden(Text::key(
                    "problem.forbidden.owners_remove",
                )));
            }
            let role = model::role_of(conn, &org_id, &member_id)?.ok_or(ApiError::NotFound)?;
            if is_last_owner(role, model::owner_count(conn, &org_id)?) {
                return Err(ApiError::rule(
                    ErrorCode::LastOwner,
                    Text::key("problem.last_owner"),
                ));
            }
            model::remove_member(conn, &org_id, &member_id)?;
            let who = Some(member_id.as_str());
            crate::app::audit::record(
                conn,
                Some(&user.id),
                "member_removed",
                "organization",
                &org_id,
                who,
            )?;
            Ok(())
        })
        .await
}
