//! The registry's mail: a review action told to every member, a new organization told to
//! the bureau's staff, and an invitation. Built as
//! notices for the postman (or an outbox row for an address without an account), in the
//! caller's transaction.

use super::domain::Review;
use super::model::{self, Organization};
use crate::app::Locale;
use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::Topic;
use crate::notifications::templates;

/// Days an invitation stays valid.
pub const INVITATION_DAYS: i64 = 7;

/// One notice per member of `org` about a review action, each in the member's language.
pub fn reviewed(
    conn: &mut DbConnection,
    public_url: &str,
    org: &Organization,
    action: Review,
    reason: Option<&str>,
    event_id: &str,
) -> diesel::QueryResult<Vec<Notice>> {
    let link = format!("{public_url}/organizations/{}", org.id);
    let mut out = Vec::new();
    for m in model::members(conn, &org.id)? {
        let locale = m.locale;
        let r = templates::organization_reviewed(
            locale,
            &m.display_name,
            org.name_in(locale),
            action.as_str(),
            reason,
            link.clone(),
        );
        let summary = r.text.lines().nth(2).unwrap_or_default().to_owned();
        out.push(Notice {
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
        });
    }
    Ok(out)
}

/// One notice per bureau administrator (but the one who registered it) that `org` awaits
/// review, each in the administrator's language, on the registry topic (so each follows
/// their preference: email now, the daily digest, or the inbox alone).
pub fn submitted(
    conn: &mut DbConnection,
    public_url: &str,
    org: &Organization,
    by: &UserId,
) -> diesel::QueryResult<Vec<Notice>> {
    let link = format!("{public_url}/organizations/{}", org.id);
    let mut out = Vec::new();
    for a in crate::accounts::model::bureau_admins(conn)? {
        if a.id == *by {
            continue;
        }
        let name = org.name_in(a.locale);
        let r = templates::organization_submitted(
            a.locale,
            &a.display_name,
            name,
            org.uscc_flagged,
            link.clone(),
        );
        let summary = r.text.lines().nth(2).unwrap_or_default().to_owned();
        out.push(Notice {
            key: format!("org-submitted:{}:{}", org.id, a.id),
            recipient: Recipient {
                user_id: a.id,
                email: a.email,
                display_name: a.display_name,
                locale: a.locale,
            },
            topic: Topic::Registry,
            letter: r,
            summary,
            link: Some(link.clone()),
            ics: None,
        });
    }
    Ok(out)
}

/// The invitation letter with its link (`token` is the secret), to `name` (empty for an
/// address without an account) in `locale`.
pub fn invitation_letter(
    public_url: &str,
    (locale, name): (Locale, &str),
    org_name: &str,
    inviter: &str,
    token: &str,
) -> templates::Rendered {
    let link = format!("{public_url}/invitations/accept?token={token}");
    templates::invitation(locale, name, org_name, inviter, link, INVITATION_DAYS)
}

/// The inbox line of an invitation for an account holder (without the secret link).
pub fn invitation_summary(locale: Locale, inviter: &str, org_name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("{inviter} 邀请您加入「{org_name}」，邀请链接已发送到您的邮箱。"),
        Locale::En => {
            format!("{inviter} invited you to join \"{org_name}\"; the link went to your email.")
        }
    }
}
