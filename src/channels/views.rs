//! Request and response bodies of the channel endpoints. Webhook URLs and secrets go in,
//! never out: a robot is shown with a masked URL and whether a secret is set.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{ChannelMessageStatus, ChannelPlatform};
use crate::app::Locale;
use crate::db::ids::{ChannelId, ChannelMessageId, OrganizationId};
use crate::notifications::outbox::Topic;

/// A new group-chat robot.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannel {
    pub platform: ChannelPlatform,
    /// What the organization calls the group (1-80 characters).
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    /// The robot's webhook URL: `https` on the platform's host (qyapi.weixin.qq.com,
    /// oapi.dingtalk.com, open.feishu.cn or open.larksuite.com). A secret: never shown back.
    #[schema(
        pattern = r"^https://[A-Za-z0-9.-]+(/[^\u0000-\u0020\u007f-\u009f]*)?$",
        max_length = 500
    )]
    pub webhook_url: String,
    /// The signing secret (DingTalk `SEC…`, Feishu), if the robot has signing on; WeCom
    /// robots take none. A secret: never shown back.
    #[schema(
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000-\u001f\u007f-\u009f])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$",
        max_length = 200
    )]
    pub secret: Option<String>,
    /// Topics the group receives: `registry`, `matches`, `events`, `collaboration` (the
    /// notification-preference topics). Default: all of them.
    #[schema(value_type = Option<Vec<ChannelTopic>>)]
    pub topics: Option<Vec<Topic>>,
    /// The language of the messages (`zh-CN` default, or `en`).
    pub locale: Option<Locale>,
    /// Default `true`.
    pub enabled: Option<bool>,
}

/// The topics a group can receive, as the document names them (the service reads
/// [`Topic`] and refuses the others, `topic_not_choosable`).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ChannelTopic {
    Registry,
    Matches,
    Events,
    Collaboration,
}

/// Changes to a robot: only the fields sent change; `"secret": null` removes the secret.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannel {
    #[schema(min_length = 1, max_length = 80)]
    pub name: Option<String>,
    #[schema(
        pattern = r"^https://[A-Za-z0-9.-]+(/[^\u0000-\u0020\u007f-\u009f]*)?$",
        max_length = 500
    )]
    pub webhook_url: Option<String>,
    #[serde(default, deserialize_with = "crate::channels::views::some")]
    #[schema(value_type = Option<String>)]
    #[schema(
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000-\u001f\u007f-\u009f]([^\u0000-\u001f\u007f-\u009f]*[^\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000-\u001f\u007f-\u009f])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$",
        max_length = 200
    )]
    pub secret: Option<Option<String>>,
    #[schema(value_type = Option<Vec<ChannelTopic>>)]
    pub topics: Option<Vec<Topic>>,
    pub locale: Option<Locale>,
    pub enabled: Option<bool>,
}

/// A present field, `null` included, as `Some`.
pub fn some<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A robot as its organization sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelView {
    #[schema(value_type = String)]
    pub id: ChannelId,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub platform: ChannelPlatform,
    pub name: String,
    /// The webhook's host and its last four characters (`oapi.dingtalk.com…f00d`).
    pub webhook_url_masked: String,
    /// Whether a signing secret is stored.
    pub secret_set: bool,
    pub topics: Vec<Topic>,
    pub locale: Locale,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An organization's robots.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelList {
    pub items: Vec<ChannelView>,
    /// Always `null`: an organization has few robots, all on one page.
    pub next_cursor: Option<String>,
}

/// A queued, sent or dead message to a robot (no URL, no secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelMessageView {
    #[schema(value_type = String)]
    pub id: ChannelMessageId,
    #[schema(value_type = String)]
    pub channel_id: ChannelId,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub platform: ChannelPlatform,
    pub topic: String,
    pub title: String,
    pub status: ChannelMessageStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Filter of the bureau's message list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    pub status: Option<ChannelMessageStatus>,
    pub limit: Option<crate::app::pagination::Limit>,
    pub cursor: Option<String>,
}
