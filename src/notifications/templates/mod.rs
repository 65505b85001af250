//! Email templates in Chinese and English, plain text plus HTML, chosen by the
//! recipient's locale. Values from users are escaped in the HTML part. The letter's frame
//! lives here; each family of messages has a room: `account` (verification, reset),
//! `registry` (reviews, invitations), `matches`, `events`; the digest is below.

mod account;
mod events;
mod matches;
mod registry;

pub use account::{account_exists, password_changed, password_reset, verify_email};
pub use events::{EventFacts, EventNews, event_news};
pub use matches::new_match;
pub use registry::{invitation, organization_reviewed, organization_submitted};

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
/// Names in it (organizations, regions, fields, events) are picked in the recipient's
/// language by the notice's builder with [`Locale::pick`]; an empty `name` greets without
/// one (a person who has no account yet).
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
        let name = self.name.trim();
        let greeting = match (self.locale, name.is_empty()) {
            (Locale::ZhCn, true) => "您好：".to_owned(),
            (Locale::ZhCn, false) => format!("{name}，您好："),
            (Locale::En, true) => "Hello,".to_owned(),
            (Locale::En, false) => format!("Hello {name},"),
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

impl<'a> Letter<'a> {
    /// A letter with a call-to-action link and no footer, rendered.
    pub fn linked(
        locale: Locale,
        subject: String,
        name: &'a str,
        paragraphs: Vec<String>,
        action: (&'a str, String),
    ) -> Rendered {
        Letter {
            locale,
            subject,
            name,
            paragraphs,
            action: Some(action),
            footer: None,
        }
        .render()
    }
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

    #[test]
    fn an_invitation_greets_once_in_the_recipient_language() {
        let zh = invitation(Locale::ZhCn, "", "魏桥", "王工", "http://x/a".into(), 7);
        assert!(zh.text.starts_with("您好：\n"), "{}", zh.text);
        assert!(!zh.text.contains("您好，您好"));
        let named = invitation(Locale::ZhCn, "李四", "魏桥", "王工", "http://x/a".into(), 7);
        assert!(named.text.starts_with("李四，您好：\n"), "{}", named.text);
        let en = invitation(Locale::En, "", "Weiqiao", "Ann", "http://x/a".into(), 7);
        assert!(en.text.starts_with("Hello,\n"), "{}", en.text);
        assert_eq!(en.subject, "Invitation to join Weiqiao");
    }
}
