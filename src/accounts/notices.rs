//! The account mail: verification, "someone registered with your address", password reset.
//! Each is a [`Notice`] for the postman, delivered in the caller's transaction. The inbox
//! copy never holds the one-time link: it is a secret.

use super::domain::Locale;
use super::model::User;
use crate::notifications::inbox::{Notice, Recipient};
use crate::notifications::outbox::Topic;
use crate::notifications::templates;

/// Hours a verification link stays valid.
pub const VERIFY_HOURS: i64 = 48;
/// Minutes a password-reset link stays valid.
pub const RESET_MINUTES: i64 = 60;

fn account_notice(
    key: String,
    recipient: Recipient,
    letter: templates::Rendered,
    summary: &str,
) -> Notice {
    Notice {
        key,
        recipient,
        topic: Topic::Account,
        letter,
        summary: summary.to_owned(),
        link: None,
        ics: None,
    }
}

fn recipient_of(user: &User) -> Recipient {
    Recipient {
        user_id: user.id.clone(),
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        locale: user.locale,
    }
}

/// The verification mail with its link (`token` is the secret, `token_id` its row).
pub fn verification(public_url: &str, to: Recipient, token_id: &str, token: &str) -> Notice {
    let link = format!("{public_url}/verify-email?token={token}");
    let letter = templates::verify_email(to.locale, &to.display_name, link, VERIFY_HOURS);
    let summary = match to.locale {
        Locale::ZhCn => "验证邮件已发送到您的邮箱，请通过邮件中的链接完成验证。",
        Locale::En => "We emailed you a link to verify your address.",
    };
    account_notice(format!("verify-email:{token_id}"), to, letter, summary)
}

/// Tell the owner of an address that someone registered with it (keyed per hour, so at
/// most one an hour).
pub fn account_exists(public_url: &str, owner: &User, hour: i64) -> Notice {
    let link = format!("{public_url}/reset-password");
    let summary = match owner.locale {
        Locale::ZhCn => "有人使用您的邮箱注册；该邮箱已有账户，未新建账户。",
        Locale::En => {
            "Someone registered with your email; it already has an account, so none was created."
        }
    };
    let letter = templates::account_exists(owner.locale, &owner.display_name, link);
    account_notice(
        format!("account-exists:{}:{hour}", owner.id),
        recipient_of(owner),
        letter,
        summary,
    )
}

/// The password-reset mail with its link.
pub fn password_reset(public_url: &str, user: &User, token_id: &str, token: &str) -> Notice {
    let link = format!("{public_url}/reset-password?token={token}");
    let letter = templates::password_reset(user.locale, &user.display_name, link, RESET_MINUTES);
    let summary = match user.locale {
        Locale::ZhCn => "有人申请重置您的密码，重置链接已发送到您的邮箱；如非本人操作请忽略。",
        Locale::En => {
            "A password reset was requested; the link went to your email. Ignore it if this was not you."
        }
    };
    account_notice(
        format!("password-reset:{token_id}"),
        recipient_of(user),
        letter,
        summary,
    )
}

/// "Your password was changed", after a reset or a change; `at` keys it (one per change).
pub fn password_changed(
    public_url: &str,
    user: &User,
    at: chrono::DateTime<chrono::Utc>,
) -> Notice {
    let when = crate::app::locale::beijing_minute(at);
    let link = format!("{public_url}/forgot-password");
    let letter = templates::password_changed(user.locale, &user.display_name, &when, link);
    let summary = match user.locale {
        Locale::ZhCn => "您的密码已修改；如非本人操作，请立即重置密码。",
        Locale::En => "Your password was changed. If this was not you, reset it now.",
    };
    account_notice(
        format!("password-changed:{}:{}", user.id, at.timestamp_micros()),
        recipient_of(user),
        letter,
        summary,
    )
}
