//! Email templates in Chinese and English, plain text plus HTML, chosen by the
//! recipient's locale. Values from users are escaped in the HTML part.

use crate::app::Locale;

/// A rendered email body.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escape text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One message: greeting, paragraphs, an optional call-to-action link, a footer line.
pub struct Letter<'a> {
    pub locale: Locale,
    pub subject: String,
    pub name: &'a str,
    pub paragraphs: Vec<String>,
    pub action: Option<(&'a str, String)>,
    pub footer: Option<String>,
}

impl Letter<'_> {
    pub fn render(&self) -> Rendered {
        let greeting = match self.locale {
            Locale::ZhCn => format!("{}，您好：", self.name),
            Locale::En => format!("Hello {},", self.name),
        };
        let signature = match self.locale {
            Locale::ZhCn => "—— 产学研合作平台（市工业和信息化局）",
            Locale::En => {
                "— Industry-University Collaboration Platform (Bureau of Industry and Information Technology)"
            }
        };
        let mut text = format!("{greeting}\n\n");
        let mut html = format!(
            "<!DOCTYPE html><html lang=\"{}\"><body style=\"font-family:sans-serif\"><p>{}</p>",
            self.locale.as_str(),
            escape_html(&greeting)
        );
        for p in &self.paragraphs {
            text.push_str(p);
            text.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>", escape_html(p)));
        }
        if let Some((label, url)) = &self.action {
            text.push_str(&format!("{label}: {url}\n\n"));
            html.push_str(&format!(
                "<p><a href=\"{}\">{}</a></p>",
                escape_html(url),
                escape_html(label)
            ));
        }
        text.push_str(signature);
        text.push('\n');
        html.push_str(&format!("<p>{}</p>", escape_html(signature)));
        if let Some(footer) = &self.footer {
            text.push_str(&format!("\n{footer}\n"));
            html.push_str(&format!(
                "<p style=\"color:#777;font-size:small\">{}</p>",
                escape_html(footer)
            ));
        }
        html.push_str("</body></html>");
        Rendered {
            subject: self.subject.clone(),
            text,
            html,
        }
    }
}

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
    Letter {
        locale,
        subject,
        name,
        paragraphs: vec![body, ignore_line(locale)],
        action: Some((label, link)),
        footer: None,
    }
    .render()
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
    Letter {
        locale,
        subject,
        name,
        paragraphs: vec![body, ignore_line(locale)],
        action: Some((label, link)),
        footer: None,
    }
    .render()
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
    Letter {
        locale,
        subject,
        name,
        paragraphs: vec![body, ignore_line(locale)],
        action: Some((label, link)),
        footer: None,
    }
    .render()
}

fn ignore_line(locale: Locale) -> String {
    match locale {
        Locale::ZhCn => "如果这不是您本人的操作，请忽略本邮件。".to_owned(),
        Locale::En => "If this was not you, you can ignore this email.".to_owned(),
    }
}

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
    Letter {
        locale,
        subject,
        name,
        paragraphs,
        action: Some((label, link)),
        footer: None,
    }
    .render()
}

/// An invitation to join an organization.
pub fn invitation(locale: Locale, org: &str, inviter: &str, link: String, days: i64) -> Rendered {
    let (subject, body, label, greeting_name) = match locale {
        Locale::ZhCn => (
            format!("邀请您加入「{org}」"),
            format!(
                "{inviter} 邀请您加入产学研合作平台上的机构「{org}」。请在 {days} 天内通过下方链接接受邀请（如尚未注册，请先用本邮箱注册）。"
            ),
            "接受邀请",
            "您好",
        ),
        Locale::En => (
            format!("Invitation to join {org}"),
            format!(
                "{inviter} invites you to join \"{org}\" on the collaboration platform. Accept within {days} days with the link below (register with this email address first if you have no account)."
            ),
            "Accept invitation",
            "there",
        ),
    };
    Letter {
        locale,
        subject,
        name: greeting_name,
        paragraphs: vec![body],
        action: Some((label, link)),
        footer: None,
    }
    .render()
}

/// A newly published listing matches one of the recipient's organization's listings.
pub fn new_match(
    locale: Locale,
    name: &str,
    theirs: &str,
    new_title: &str,
    new_is_need: bool,
    link: String,
) -> Rendered {
    let (subject, body, label) = match (locale, new_is_need) {
        (Locale::ZhCn, true) => (
            format!("新需求与您的成果匹配：{new_title}"),
            format!(
                "新发布的技术需求「{new_title}」与贵单位的成果「{theirs}」高度匹配，欢迎查看并表达合作意向。"
            ),
            "查看需求",
        ),
        (Locale::ZhCn, false) => (
            format!("新成果与您的需求匹配：{new_title}"),
            format!(
                "新发布的技术成果「{new_title}」与贵单位的需求「{theirs}」高度匹配，欢迎查看并联系对方。"
            ),
            "查看成果",
        ),
        (Locale::En, true) => (
            format!("A new need matches your capability: {new_title}"),
            format!(
                "The newly published need \"{new_title}\" closely matches your organization's capability \"{theirs}\". Have a look and express your interest."
            ),
            "View need",
        ),
        (Locale::En, false) => (
            format!("A new capability matches your need: {new_title}"),
            format!(
                "The newly published capability \"{new_title}\" closely matches your organization's need \"{theirs}\". Have a look and get in touch."
            ),
            "View capability",
        ),
    };
    Letter {
        locale,
        subject,
        name,
        paragraphs: vec![body],
        action: Some((label, link)),
        footer: None,
    }
    .render()
}

/// What happened to an event, from the recipient's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventNews {
    /// The recipient's organization is in the audience of a newly published event.
    Invited,
    /// Time or place changed.
    Changed,
    /// The event was cancelled.
    Cancelled,
    /// An attendee the recipient registered (or the recipient) has a place.
    Confirmed,
    /// The event is full: on the waitlist.
    Waitlisted,
    /// A place freed up: moved from the waitlist to confirmed.
    Promoted,
    /// A registration was cancelled.
    RegistrationCancelled,
    /// The event starts soon.
    Reminder,
}

/// The facts of an event a notice shows, already in the recipient's language and the
/// event's time zone.
pub struct EventFacts<'a> {
    pub title: &'a str,
    pub when: String,
    pub place: String,
    /// The attendee the notice is about, when it is about one.
    pub attendee: Option<&'a str>,
}

/// An event notice: the email and the one-line summary for the inbox.
pub fn event_news(
    locale: Locale,
    name: &str,
    news: EventNews,
    ev: &EventFacts,
    link: String,
) -> (Rendered, String) {
    let t = ev.title;
    let who = ev.attendee.unwrap_or(name);
    let (subject, summary) = match (locale, news) {
        (Locale::ZhCn, EventNews::Invited) => (
            format!("活动邀请：{t}"),
            format!("市工信局邀请贵单位参加「{t}」。"),
        ),
        (Locale::ZhCn, EventNews::Changed) => (
            format!("活动变更：{t}"),
            format!("「{t}」的时间或地点已变更，请留意最新安排。"),
        ),
        (Locale::ZhCn, EventNews::Cancelled) => {
            (format!("活动取消：{t}"), format!("很抱歉，「{t}」已取消。"))
        }
        (Locale::ZhCn, EventNews::Confirmed) => (
            format!("报名成功：{t}"),
            format!("{who} 已成功报名「{t}」。"),
        ),
        (Locale::ZhCn, EventNews::Waitlisted) => (
            format!("已进入候补：{t}"),
            format!("「{t}」名额已满，{who} 已进入候补名单，有空位时将按顺序递补并通知您。"),
        ),
        (Locale::ZhCn, EventNews::Promoted) => (
            format!("候补转正：{t}"),
            format!("有名额空出，{who} 已由候补转为正式报名「{t}」。"),
        ),
        (Locale::ZhCn, EventNews::RegistrationCancelled) => (
            format!("报名已取消：{t}"),
            format!("{who} 参加「{t}」的报名已取消。"),
        ),
        (Locale::ZhCn, EventNews::Reminder) => (
            format!("活动提醒：{t}"),
            format!("{who} 报名的「{t}」即将开始。"),
        ),
        (Locale::En, EventNews::Invited) => (
            format!("Invitation: {t}"),
            format!("The bureau invites your organization to \"{t}\"."),
        ),
        (Locale::En, EventNews::Changed) => (
            format!("Changed: {t}"),
            format!("The time or place of \"{t}\" has changed; see the new details."),
        ),
        (Locale::En, EventNews::Cancelled) => (
            format!("Cancelled: {t}"),
            format!("We are sorry: \"{t}\" has been cancelled."),
        ),
        (Locale::En, EventNews::Confirmed) => (
            format!("Registered: {t}"),
            format!("{who} is registered for \"{t}\"."),
        ),
        (Locale::En, EventNews::Waitlisted) => (
            format!("Waitlisted: {t}"),
            format!(
                "\"{t}\" is full; {who} is on the waitlist and will be moved up in order when a place frees."
            ),
        ),
        (Locale::En, EventNews::Promoted) => (
            format!("You have a place: {t}"),
            format!(
                "A place freed up: {who} has moved from the waitlist to confirmed for \"{t}\"."
            ),
        ),
        (Locale::En, EventNews::RegistrationCancelled) => (
            format!("Registration cancelled: {t}"),
            format!("The registration of {who} for \"{t}\" has been cancelled."),
        ),
        (Locale::En, EventNews::Reminder) => (
            format!("Reminder: {t}"),
            format!("\"{t}\", which {who} registered for, starts soon."),
        ),
    };
    let details = match locale {
        Locale::ZhCn => format!("时间：{}\n地点：{}", ev.when, ev.place),
        Locale::En => format!("When: {}\nWhere: {}", ev.when, ev.place),
    };
    let label = match locale {
        Locale::ZhCn => "查看活动",
        Locale::En => "View event",
    };
    let letter = Letter {
        locale,
        subject,
        name,
        paragraphs: vec![summary.clone(), details],
        action: Some((label, link)),
        footer: None,
    }
    .render();
    (letter, summary)
}

/// The daily digest: one line per notice held since the last digest.
pub fn digest(
    locale: Locale,
    name: &str,
    day: chrono::NaiveDate,
    items: &[(String, String, Option<String>)],
) -> Rendered {
    let subject = match locale {
        Locale::ZhCn => format!("每日摘要（{day}）：{} 条新消息", items.len()),
        Locale::En => format!("Daily digest for {day}: {} new notices", items.len()),
    };
    let paragraphs = items
        .iter()
        .map(|(title, body, link)| match link {
            Some(l) => format!("{title}\n{body}\n{l}"),
            None => format!("{title}\n{body}"),
        })
        .collect();
    Letter {
        locale,
        subject,
        name,
        paragraphs,
        action: None,
        footer: None,
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_follow_the_locale_and_escape_names() {
        let zh = verify_email(Locale::ZhCn, "<王>", "http://x/v?t=1".into(), 48);
        assert_eq!(zh.subject, "请验证您的邮箱");
        assert!(zh.text.contains("<王>，您好"));
        assert!(zh.html.contains("&lt;王&gt;"));
        let en = password_reset(Locale::En, "Ann", "http://x/r?t=1".into(), 60);
        assert!(en.text.starts_with("Hello Ann,"));
        assert!(en.html.contains("href=\"http://x/r?t=1\""));
    }
}
