//! Account mail: verifying an address, an address that already has an account, resetting
//! a password, a password that was changed.

use super::{Letter, Rendered};
use crate::app::Locale;

/// Confirm an email address after registration.
pub fn verify_email(locale: Locale, name: &str, link: String, hours: i64) -> Rendered {
    let (subject, body, label) = match locale {
        Locale::ZhCn => (
            "请验证您的邮箱".to_owned(),
            format!(
                "感谢注册产学研合作平台。请在 {hours} 小时内点击下方链接验证邮箱；验证后即可创建或加入机构。"
            ),
            "验证邮箱",
        ),
        Locale::En => (
            "Please verify your email address".to_owned(),
            format!(
                "Thank you for registering. Open the link below within {hours} hours to verify your email; you can then create or join an organization."
            ),
            "Verify email",
        ),
    };
    account_letter(locale, subject, name, body, (label, link))
}

/// Someone registered with an address that already has an account: tell its owner, and
/// answer the registration as for a new address (the API reveals no account).
pub fn account_exists(locale: Locale, name: &str, link: String) -> Rendered {
    let (subject, body, label) = match locale {
        Locale::ZhCn => (
            "您已有账户".to_owned(),
            "有人使用您的邮箱在产学研合作平台注册。该邮箱已有账户，因此没有新建账户。如果您忘记了密码，可以通过下方链接重置。".to_owned(),
            "重置密码",
        ),
        Locale::En => (
            "You already have an account".to_owned(),
            "Someone registered with your email address. It already has an account, so no new one was created. If you forgot your password, you can reset it below.".to_owned(),
            "Reset password",
        ),
    };
    account_letter(locale, subject, name, body, (label, link))
}

/// A password-reset link.
pub fn password_reset(locale: Locale, name: &str, link: String, minutes: i64) -> Rendered {
    let (subject, body, label) = match locale {
        Locale::ZhCn => (
            "重置密码".to_owned(),
            format!(
                "我们收到了重置您密码的请求。请在 {minutes} 分钟内通过下方链接设置新密码，该链接只能使用一次。"
            ),
            "重置密码",
        ),
        Locale::En => (
            "Reset your password".to_owned(),
            format!(
                "We received a request to reset your password. Use the link below within {minutes} minutes to choose a new one; it works once."
            ),
            "Reset password",
        ),
    };
    account_letter(locale, subject, name, body, (label, link))
}

/// The password was changed (by a reset or by the account itself): no secret link, only the
/// public page where the owner starts a reset if it was not them.
pub fn password_changed(locale: Locale, name: &str, when: &str, link: String) -> Rendered {
    let (subject, body, label) = match locale {
        Locale::ZhCn => (
            "您的密码已修改".to_owned(),
            format!(
                "您在产学研合作平台的账户密码已于 {when}（北京时间）修改，所有其他登录已退出。如果这不是您本人的操作，请立即通过下方链接重置密码，并联系工信局平台管理员。"
            ),
            "重置密码",
        ),
        Locale::En => (
            "Your password was changed".to_owned(),
            format!(
                "The password of your account was changed on {when} (China Standard Time) and every other session was signed out. If this was not you, reset your password now with the link below and tell the bureau's administrators."
            ),
            "Reset password",
        ),
    };
    Letter::linked(locale, subject, name, vec![body], (label, link))
}

/// An account letter: the body, the "if this was not you" line, the link.
fn account_letter(
    locale: Locale,
    subject: String,
    name: &str,
    body: String,
    link: (&str, String),
) -> Rendered {
    Letter::linked(locale, subject, name, vec![body, ignore_line(locale)], link)
}

fn ignore_line(locale: Locale) -> String {
    match locale {
        Locale::ZhCn => "如果这不是您本人的操作，请忽略本邮件。".to_owned(),
        Locale::En => "If this was not you, you can ignore this email.".to_owned(),
    }
}
