//! Registry mail: an organization reviewed by the bureau, one awaiting its review, an
//! invitation to join one.

use super::{Letter, Rendered};
use crate::app::Locale;

/// The bureau reviewed an organization the recipient belongs to.
pub fn organization_reviewed(
    locale: Locale,
    name: &str,
    org: &str,
    action: &str,
    reason: Option<&str>,
    link: String,
) -> Rendered {
    let (subject, body) = match (locale, action) {
        (Locale::ZhCn, "verify") => (
            format!("{org} 已通过审核"),
            format!(
                "您所在的机构「{org}」已通过市工信局审核，现已在机构名录中公开，可以发布需求与成果。"
            ),
        ),
        (Locale::ZhCn, "reject") => (
            format!("{org} 未通过审核"),
            format!("您所在的机构「{org}」未通过市工信局审核。"),
        ),
        (Locale::ZhCn, "suspend") => (
            format!("{org} 已被暂停"),
            format!(
                "您所在的机构「{org}」已被市工信局暂停，暂停期间不在名录中显示，其发布内容不参与匹配。"
            ),
        ),
        (Locale::ZhCn, _) => (
            format!("{org} 已恢复"),
            format!("您所在的机构「{org}」已恢复正常状态。"),
        ),
        (Locale::En, "verify") => (
            format!("{org} has been verified"),
            format!(
                "Your organization \"{org}\" has been verified by the bureau. It is now listed in the directory and can publish needs and capabilities."
            ),
        ),
        (Locale::En, "reject") => (
            format!("{org} was not approved"),
            format!("Your organization \"{org}\" was not approved by the bureau."),
        ),
        (Locale::En, "suspend") => (
            format!("{org} has been suspended"),
            format!(
                "Your organization \"{org}\" has been suspended by the bureau. While suspended it is not listed and its listings are not matched."
            ),
        ),
        (Locale::En, _) => (
            format!("{org} has been reinstated"),
            format!("Your organization \"{org}\" has been reinstated."),
        ),
    };
    let mut paragraphs = vec![body];
    if let Some(r) = reason {
        paragraphs.push(match locale {
            Locale::ZhCn => format!("原因：{r}"),
            Locale::En => format!("Reason: {r}"),
        });
    }
    let label = match locale {
        Locale::ZhCn => "查看机构",
        Locale::En => "View organization",
    };
    Letter::linked(locale, subject, name, paragraphs, (label, link))
}

/// For the bureau's staff: an organization registered and awaits review. `flagged`: its
/// USCC's check character disagrees, which the review should look at.
pub fn organization_submitted(
    locale: Locale,
    name: &str,
    org: &str,
    flagged: bool,
    link: String,
) -> Rendered {
    let (subject, body, flag, label) = match locale {
        Locale::ZhCn => (
            format!("待审核机构：{org}"),
            format!("机构「{org}」已在产学研合作平台注册，等待市工信局审核。"),
            "其统一社会信用代码校验位不符，请审核时核实。",
            "审核机构",
        ),
        Locale::En => (
            format!("Awaiting review: {org}"),
            format!(
                "\"{org}\" registered on the collaboration platform and awaits the bureau's review."
            ),
            "The check character of its Unified Social Credit Code disagrees; please verify it.",
            "Review organization",
        ),
    };
    let mut paragraphs = vec![body];
    if flagged {
        paragraphs.push(flag.to_owned());
    }
    Letter::linked(locale, subject, name, paragraphs, (label, link))
}

/// An invitation to join an organization, greeting `name` (empty for a person without an
/// account, whose name is not known).
pub fn invitation(
    locale: Locale,
    name: &str,
    org: &str,
    inviter: &str,
    link: String,
    days: i64,
) -> Rendered {
    let (subject, body, label) = match locale {
        Locale::ZhCn => (
            format!("邀请您加入「{org}」"),
            format!(
                "{inviter} 邀请您加入产学研合作平台上的机构「{org}」。请在 {days} 天内通过下方链接接受邀请（如尚未注册，请先用本邮箱注册）。"
            ),
            "接受邀请",
        ),
        Locale::En => (
            format!("Invitation to join {org}"),
            format!(
                "{inviter} invites you to join \"{org}\" on the collaboration platform. Accept within {days} days with the link below (register with this email address first if you have no account)."
            ),
            "Accept invitation",
        ),
    };
    Letter::linked(locale, subject, name, vec![body], (label, link))
}
