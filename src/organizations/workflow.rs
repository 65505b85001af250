//! The bureau's review workflow as an operation: verify, reject, suspend, reinstate. The
//! transitions are [`Review::apply`]; each is audited, re-indexes the organization's
//! listings and tells every member, in one transaction.

use std::sync::Arc;

use super::domain::Review;
use super::model;
use super::notices;
use super::service::view;
use super::views::OrganizationView;
use crate::app::{AppState, AuthUser, load_viewer};
use crate::db::ids::OrganizationId;
use crate::db::types::{new_id, now};
use crate::error::{ApiError, ErrorCode, FieldError, Text};

/// A review's reason: trimmed, empty is none; reject and suspend need one; at most 1000
/// characters.
pub fn review_reason(action: Review, raw: Option<String>) -> Result<Option<String>, ApiError> {
    let sent = raw.as_deref().map_or(0, |r| r.chars().count());
    let reason = raw.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    if action.needs_reason() && reason.is_none() {
        return Err(ApiError::field(
            "reason",
            ErrorCode::ReasonRequired,
            Text::key("problem.reason_required"),
        ));
    }
    if sent > 1000 {
        return Err(FieldError::of("reason", ErrorCode::TooLong)
            .arg("max", 1000usize)
            .into());
    }
    if reason
        .as_deref()
        .is_some_and(crate::app::text::has_refused_control)
    {
        return Err(FieldError::of("reason", ErrorCode::ControlCharacter).into());
    }
    Ok(reason)
}

/// Apply a review action of the bureau: the status moves as [`Review::apply`] allows (409
/// otherwise); the change is audited, its listings are re-indexed and every member is told,
/// all in one transaction.
pub async fn review(
    state: &Arc<AppState>,
    user: AuthUser,
    id: OrganizationId,
    action: Review,
    reason: Option<String>,
) -> Result<OrganizationView, ApiError> {
    user.require_bureau()?;
    let reason = review_reason(action, reason)?;
    let st = state.clone();
    let view = state
        .write_mail_and_index(move |conn, postman| {
            let mut org = model::find(conn, &id)?.ok_or(ApiError::NotFound)?;
            let from = org.status;
            let to = action.apply(from).ok_or_else(|| {
                ApiError::conflict(
                    ErrorCode::InvalidTransition,
                    Text::key("problem.invalid_transition.organization")
                        .arg("action", action.as_str())
                        .arg("status", Text::key(format!("org_status.{}", from.as_str()))),
                )
            })?;
            org.status = to;
            org.status_reason = reason.clone();
            org.updated_at = now();
            model::update(conn, &org)?;
            // Its listings enter or leave the search index with it.
            crate::app::reindex::record_organization_change(conn, &org.id)?;
            let event_id = new_id();
            let audit_action = format!("organization_{}", Review::past_tense(to));
            let subject = ("organization", org.id.as_str(), reason.as_deref());
            crate::app::audit::record(
                conn,
                Some(&user.id),
                &audit_action,
                subject.0,
                subject.1,
                subject.2,
            )?;
            let notices = notices::reviewed(
                conn,
                &st.settings.public_url,
                &org,
                action,
                reason.as_deref(),
                &event_id,
            )?;
            postman.deliver_all(conn, notices)?;
            let viewer = load_viewer(conn, Some(user))?;
            view(conn, org, &viewer)
        })
        .await?;
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reject_and_suspend_need_a_reason_and_reasons_are_bounded() {
        assert_eq!(review_reason(Review::Verify, None).unwrap(), None);
        assert_eq!(
            review_reason(Review::Verify, Some("  ".into())).unwrap(),
            None
        );
        for a in [Review::Reject, Review::Suspend] {
            let e = review_reason(a, Some(" ".into())).unwrap_err();
            assert_eq!(e.code(), ErrorCode::ReasonRequired);
        }
        assert_eq!(
            review_reason(Review::Reject, Some(" 材料不全 ".into()))
                .unwrap()
                .as_deref(),
            Some("材料不全")
        );
        let long = "理".repeat(1001);
        assert_eq!(
            review_reason(Review::Suspend, Some(long))
                .unwrap_err()
                .code(),
            ErrorCode::TooLong
        );
    }
}
