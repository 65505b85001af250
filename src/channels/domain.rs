//! The rules of group-chat robots, free of HTTP and of the database: which platforms there
//! are and which hosts their webhooks live on, how a webhook URL is checked and masked, and
//! how a delivery's outcome is classified.

use crate::error::ErrorCode;
use reqwest::Url;

use crate::db::ids::UserId;
use crate::error::{FieldError, Text};
use crate::notifications::outbox::Topic;

crate::text_enum! {
    /// The group-chat platform a robot posts to.
    pub enum ChannelPlatform {
        /// WeCom (企业微信) group robots: no signature.
        Wecom => "wecom",
        /// DingTalk (钉钉) custom robots: optional HMAC-SHA256 signature in the query.
        Dingtalk => "dingtalk",
        /// Feishu / Lark (飞书) custom bots: optional signature in the body.
        Feishu => "feishu",
    }
}

crate::text_enum! {
    /// Delivery state of a channel message.
    pub enum ChannelMessageStatus {
        Pending => "pending",
        Sending => "sending",
        Sent => "sent",
        Dead => "dead",
    }
}

crate::text_enum! {
    /// What a robot message is about: one of the notice topics a robot may receive, or the
    /// owner's one-click test.
    pub enum MessageTopic {
        Registry => "registry",
        Matches => "matches",
        Events => "events",
        Collaboration => "collaboration",
        Test => "test",
    }
}

impl MessageTopic {
    /// The message topic of notices of `topic`; none for topics robots never receive.
    pub fn of(topic: Topic) -> Option<MessageTopic> {
        match topic {
            Topic::Registry => Some(MessageTopic::Registry),
            Topic::Matches => Some(MessageTopic::Matches),
            Topic::Events => Some(MessageTopic::Events),
            Topic::Collaboration => Some(MessageTopic::Collaboration),
            Topic::Account | Topic::Digest => None,
        }
    }
}

impl ChannelPlatform {
    /// The hosts the platform's webhooks are served from, and the path they start with.
    pub fn endpoints(self) -> &'static [(&'static str, &'static str)] {
        match self {
            ChannelPlatform::Wecom => &[("qyapi.weixin.qq.com", "/cgi-bin/webhook/send")],
            ChannelPlatform::Dingtalk => &[("oapi.dingtalk.com", "/robot/send")],
            ChannelPlatform::Feishu => &[
                ("open.feishu.cn", "/open-apis/bot/v2/hook/"),
                ("open.larksuite.com", "/open-apis/bot/v2/hook/"),
            ],
        }
    }

    /// Whether the platform signs its messages with a secret.
    pub fn signs(self) -> bool {
        !matches!(self, ChannelPlatform::Wecom)
    }
}

/// Longest webhook URL and secret accepted, in characters.
pub const MAX_URL: usize = 500;
pub const MAX_SECRET: usize = 200;

/// A webhook URL the platform serves: `https`, the platform's host, no user or port, and
/// the platform's webhook path; or, for tests, a URL under one of `test_hosts` (loopback
/// base URLs from `COLLAB_CHANNEL_TEST_HOSTS`). Problems are reported on `field` without
/// repeating the URL (it is a secret).
pub fn check_webhook(
    platform: ChannelPlatform,
    raw: &str,
    test_hosts: &[String],
    field: &str,
) -> Result<String, FieldError> {
    let bad = |code: ErrorCode| FieldError::of(field, code);
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().count() > MAX_URL || raw.chars().any(char::is_control) {
        return Err(bad(ErrorCode::WebhookUrlInvalid));
    }
    let url = Url::parse(raw).map_err(|_| bad(ErrorCode::WebhookUrlInvalid))?;
    if test_hosts.iter().any(|base| under_base(&url, base)) {
        return Ok(url.to_string());
    }
    if url.scheme() != "https" {
        return Err(bad(ErrorCode::WebhookUrlNotHttps));
    }
    if !url.username().is_empty() || url.password().is_some() || url.port().is_some() {
        return Err(bad(ErrorCode::WebhookUrlInvalid));
    }
    let host = url.host_str().unwrap_or_default();
    let known = platform
        .endpoints()
        .iter()
        .any(|(h, path)| *h == host && url.path().starts_with(path));
    if !known {
        return Err(bad(ErrorCode::WebhookUrlUnknownHost));
    }
    Ok(url.to_string())
}

/// Whether `url` lies under the base URL `base` (same scheme, host and port; path below).
fn under_base(url: &Url, base: &str) -> bool {
    let Ok(base) = Url::parse(base) else {
        return false;
    };
    url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.path().starts_with(base.path().trim_end_matches('/'))
}

/// What a webhook URL is shown as: its host, an ellipsis, and its last four characters.
pub fn mask(url: &str) -> String {
    let host = Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let tail: String = {
        let chars: Vec<char> = url.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    format!("{host}…{tail}")
}

/// A secret as given: trimmed, 1 to `MAX_SECRET` printable characters.
pub fn check_secret(raw: &str, field: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    if v.is_empty() || v.chars().count() > MAX_SECRET || v.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            ErrorCode::SecretInvalid,
            Text::key("problem.secret_invalid").arg("max", MAX_SECRET),
        ));
    }
    Ok(v.to_owned())
}

/// The text of a message: title, summary, and the link when it holds no token (a link with
/// a token is a secret, and a group chat is read by many).
pub fn message_text(title: &str, summary: &str, link: Option<&str>) -> String {
    let mut text = title.trim().to_owned();
    let summary = summary.trim();
    if !summary.is_empty() && summary != text {
        text.push('\n');
        text.push_str(summary);
    }
    if let Some(link) = link.filter(|l| !carries_token(l)) {
        text.push('\n');
        text.push_str(link);
    }
    text
}

fn carries_token(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    lower.contains("token=") || lower.contains("key=") || lower.contains("code=")
}

/// The occasion a per-user notice key names: the key without its trailing `:{user_id}`
/// (every notice key ends with its recipient), so the members of one organization hearing
/// of one thing make one message per robot.
pub fn occasion<'a>(key: &'a str, user_id: &UserId) -> &'a str {
    key.strip_suffix(user_id.as_str())
        .and_then(|k| k.strip_suffix(':'))
        .unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(p: ChannelPlatform, url: &str) -> Result<String, ErrorCode> {
        check_webhook(p, url, &[], "webhook_url").map_err(|e| e.code)
    }

    #[test]
    fn webhooks_must_be_https_on_the_platforms_own_host() {
        let wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123";
        assert!(check(ChannelPlatform::Wecom, wecom).is_ok());
        assert_eq!(
            check(ChannelPlatform::Dingtalk, wecom).unwrap_err(),
            ErrorCode::WebhookUrlUnknownHost
        );
        assert!(
            check(
                ChannelPlatform::Dingtalk,
                "https://oapi.dingtalk.com/robot/send?access_token=t"
            )
            .is_ok()
        );
        assert!(
            check(
                ChannelPlatform::Feishu,
                "https://open.feishu.cn/open-apis/bot/v2/hook/x"
            )
            .is_ok()
        );
        assert!(
            check(
                ChannelPlatform::Feishu,
                "https://open.larksuite.com/open-apis/bot/v2/hook/x"
            )
            .is_ok()
        );
        assert_eq!(
            check(
                ChannelPlatform::Wecom,
                "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a"
            )
            .unwrap_err(),
            ErrorCode::WebhookUrlNotHttps
        );
        for evil in [
            "https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key=a",
            "https://evil.cn/qyapi.weixin.qq.com/cgi-bin/webhook/send",
            "https://qyapi.weixin.qq.com/other",
        ] {
            assert_eq!(
                check(ChannelPlatform::Wecom, evil).unwrap_err(),
                ErrorCode::WebhookUrlUnknownHost
            );
        }
        for bad in [
            "https://user@qyapi.weixin.qq.com/cgi-bin/webhook/send",
            "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send",
            "not a url",
            "",
        ] {
            assert_eq!(
                check(ChannelPlatform::Wecom, bad).unwrap_err(),
                ErrorCode::WebhookUrlInvalid
            );
        }
    }

    #[test]
    fn test_hosts_admit_loopback_urls_below_them_only() {
        let hosts = vec!["http://127.0.0.1:4000".to_owned()];
        let ok = check_webhook(
            ChannelPlatform::Wecom,
            "http://127.0.0.1:4000/w?key=1",
            &hosts,
            "u",
        );
        assert!(ok.is_ok());
        let other = check_webhook(
            ChannelPlatform::Wecom,
            "http://127.0.0.1:4001/w",
            &hosts,
            "u",
        );
        assert!(other.is_err());
    }

    #[test]
    fn masks_show_the_host_and_four_characters() {
        assert_eq!(
            mask("https://oapi.dingtalk.com/robot/send?access_token=abcdef1234"),
            "oapi.dingtalk.com…1234"
        );
        assert_eq!(mask("x"), "…x");
    }

    #[test]
    fn message_text_drops_links_that_carry_tokens() {
        assert_eq!(
            message_text("T", "S", Some("https://x/events/1")),
            "T\nS\nhttps://x/events/1"
        );
        assert_eq!(message_text("T", "T", Some("https://x/u?token=a")), "T");
    }

    #[test]
    fn every_topic_a_robot_may_receive_has_a_message_topic() {
        for t in crate::notifications::inbox::CHOOSABLE {
            assert_eq!(
                MessageTopic::of(t).map(MessageTopic::as_str),
                Some(t.as_str())
            );
        }
        assert_eq!(MessageTopic::of(Topic::Account), None);
    }

    #[test]
    fn occasion_strips_the_recipient() {
        assert_eq!(
            occasion("interest:1:sent:u-9", &UserId::from("u-9")),
            "interest:1:sent"
        );
        assert_eq!(occasion("other", &UserId::from("u-9")), "other");
    }
}
