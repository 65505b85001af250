//! The channel operations: who may see and change an organization's robots (its owners;
//! the bureau may look), their rules, one transaction each, and the one-click test.
//! Webhook URLs and secrets are stored, used by the worker, and never returned, logged or
//! written to the audit log.

use diesel::prelude::*;

use super::domain::{self, ChannelMessageStatus, ChannelPlatform, MessageTopic};
use super::model::{self, ChannelRow, MessageRow, NewChannel, NewMessage};
use super::views::{ChannelMessageView, ChannelView, CreateChannel, UpdateChannel};
use crate::app::{AuthUser, Locale, MemberRole, OrgStatus, audit, load_viewer, text};
use crate::db::DbConnection;
use crate::db::ids::{ChannelId, OrganizationId};
use crate::db::schema::organizations;
use crate::db::types::{new_id, now, utc};
use crate::error::{ApiError, ErrorCode, FieldError, Text};
use crate::notifications::inbox::CHOOSABLE;
use crate::notifications::outbox::Topic;

/// What the caller wants to do with an organization's robots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    View,
    Manage,
}

/// 404 when the caller may not see the organization, 403 when they may see it but not do
/// this (only owners manage robots; the bureau and owners see them).
fn authorize(
    conn: &mut DbConnection,
    user: &AuthUser,
    org_id: &OrganizationId,
    access: Access,
) -> Result<(), ApiError> {
    if !crate::db::storable(org_id) {
        return Err(ApiError::NotFound);
    }
    let status: OrgStatus = organizations::table
        .find(org_id)
        .select(organizations::status)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)?;
    let viewer = load_viewer(conn, Some(user.clone()))?;
    if !viewer.can_see(org_id, status) {
        return Err(ApiError::NotFound);
    }
    let owner = viewer.role_in(org_id) == Some(MemberRole::Owner);
    match access {
        Access::View if owner || viewer.is_bureau() => Ok(()),
        Access::Manage if owner => Ok(()),
        Access::View => Err(ApiError::forbidden(Text::key(
            "problem.forbidden.robots_view",
        ))),
        Access::Manage => Err(ApiError::forbidden(Text::key(
            "problem.forbidden.robots_manage",
        ))),
    }
}

fn robot(
    conn: &mut DbConnection,
    org_id: &OrganizationId,
    id: &ChannelId,
) -> Result<ChannelRow, ApiError> {
    if !crate::db::storable(id) {
        return Err(ApiError::NotFound);
    }
    model::find(conn, org_id, id)?.ok_or(ApiError::NotFound)
}

fn view(conn: &mut DbConnection, rows: Vec<ChannelRow>) -> Result<Vec<ChannelView>, ApiError> {
    let ids: Vec<&ChannelId> = rows.iter().map(|r| &r.id).collect();
    let mut topics = model::topics_of(conn, &ids)?;
    rows.into_iter()
        .map(|r| {
            let topics = topics.remove(&r.id).unwrap_or_default();
            Ok(ChannelView {
                platform: r.platform,
                locale: r.locale,
                webhook_url_masked: domain::mask(&r.webhook_url),
                secret_set: r.secret.is_some(),
                id: r.id,
                organization_id: r.organization_id,
                name: r.name,
                topics,
                enabled: r.enabled,
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

/// An organization's robots.
pub fn list(
    conn: &mut DbConnection,
    user: &AuthUser,
    org_id: &OrganizationId,
) -> Result<Vec<ChannelView>, ApiError> {
    authorize(conn, user, org_id, Access::View)?;
    let rows = model::of_organization(conn, org_id)?;
    view(conn, rows)
}

/// One robot.
pub fn get(
    conn: &mut DbConnection,
    user: &AuthUser,
    org_id: &OrganizationId,
    id: &ChannelId,
) -> Result<ChannelView, ApiError> {
    authorize(conn, user, org_id, Access::View)?;
    let row = robot(conn, org_id, id)?;
    Ok(view(conn, vec![row])?.remove(0))
}

/// Topics as stored: the choosable ones, each once; none given means all.
fn topics(given: Option<&[Topic]>, errors: &mut Vec<FieldError>) -> Vec<Topic> {
    let Some(given) = given else {
        return CHOOSABLE.to_vec();
    };
    if given.iter().any(|t| !CHOOSABLE.contains(t)) {
        errors.push(FieldError::new(
            "topics",
            ErrorCode::TopicNotChoosable,
            Text::key("problem.topic_not_choosable"),
        ));
    }
    let mut out: Vec<Topic> = given.to_vec();
    out.sort_unstable_by_key(|t| t.as_str());
    out.dedup();
    out
}

fn secret_for(
    platform: ChannelPlatform,
    secret: Option<&str>,
) -> Result<Option<String>, FieldError> {
    match secret {
        None => Ok(None),
        Some(_) if !platform.signs() => Err(FieldError::new(
            "secret",
            ErrorCode::SecretNotUsed,
            Text::key("problem.secret_not_used"),
        )),
        Some(s) => domain::check_secret(s, "secret").map(Some),
    }
}

/// Add a robot (owners).
pub fn create(
    conn: &mut DbConnection,
    user: &AuthUser,
    org_id: &OrganizationId,
    body: CreateChannel,
    test_hosts: &[String],
) -> Result<ChannelView, ApiError> {
    authorize(conn, user, org_id, Access::Manage)?;
    let mut errors = Vec::new();
    let name = text::required("name", &body.name, 80, &mut errors);
    let url = domain::check_webhook(body.platform, &body.webhook_url, test_hosts, "webhook_url")
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let secret = secret_for(body.platform, body.secret.as_deref())
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let topics = topics(body.topics.as_deref(), &mut errors);
    ApiError::fields(errors)?;
    let (id, t) = (ChannelId::new(), now());
    model::insert(
        conn,
        &NewChannel {
            id: &id,
            organization_id: org_id,
            platform: body.platform,
            name: &name,
            webhook_url: &url,
            secret: secret.as_deref(),
            locale: body.locale.unwrap_or(Locale::ZhCn),
            enabled: body.enabled.unwrap_or(true),
            created_by: Some(&user.id),
            created_at: t,
            updated_at: t,
        },
    )?;
    model::set_topics(conn, &id, &topics)?;
    audit::record(
        conn,
        Some(&user.id),
        "channel_created",
        "organization_channel",
        &id,
        None,
    )?;
    get(conn, user, org_id, &id)
}

/// Change a robot (owners): only the fields sent change.
pub fn update(
    conn: &mut DbConnection,
    user: &AuthUser,
    (org_id, id): (&OrganizationId, &ChannelId),
    body: UpdateChannel,
    test_hosts: &[String],
) -> Result<ChannelView, ApiError> {
    authorize(conn, user, org_id, Access::Manage)?;
    let mut row = robot(conn, org_id, id)?;
    let platform = row.platform;
    let mut errors = Vec::new();
    if let Some(name) = &body.name {
        row.name = text::required("name", name, 80, &mut errors);
    }
    if let Some(url) = &body.webhook_url {
        match domain::check_webhook(platform, url, test_hosts, "webhook_url") {
            Ok(url) => row.webhook_url = url,
            Err(e) => errors.push(e),
        }
    }
    if let Some(secret) = &body.secret {
        match secret_for(platform, secret.as_deref()) {
            Ok(s) => row.secret = s,
            Err(e) => errors.push(e),
        }
    }
    let topics = body.topics.as_deref().map(|t| topics(Some(t), &mut errors));
    ApiError::fields(errors)?;
    if let Some(locale) = body.locale {
        row.locale = locale;
    }
    if let Some(enabled) = body.enabled {
        row.enabled = enabled;
    }
    row.updated_at = now();
    model::save(conn, &row)?;
    if let Some(topics) = topics {
        model::set_topics(conn, id, &topics)?;
    }
    audit::record(
        conn,
        Some(&user.id),
        "channel_updated",
        "organization_channel",
        id,
        None,
    )?;
    get(conn, user, org_id, id)
}

/// Remove a robot and its queued messages (owners).
pub fn delete(
    conn: &mut DbConnection,
    user: &AuthUser,
    org_id: &OrganizationId,
    id: &ChannelId,
) -> Result<(), ApiError> {
    authorize(conn, user, org_id, Access::Manage)?;
    robot(conn, org_id, id)?;
    model::delete(conn, id)?;
    audit::record(
        conn,
        Some(&user.id),
        "channel_deleted",
        "organization_channel",
        id,
        None,
    )?;
    Ok(())
}

/// The one-click test: queue a test message to the robot (enabled or not).
pub fn test(
    conn: &mut DbConnection,
    user: &AuthUser,
    org_id: &OrganizationId,
    id: &ChannelId,
) -> Result<ChannelMessageView, ApiError> {
    authorize(conn, user, org_id, Access::Manage)?;
    let row = robot(conn, org_id, id)?;
    let (title, body) = match row.locale {
        Locale::ZhCn => (
            "测试消息".to_owned(),
            format!(
                "【测试】群机器人「{}」已连接到产学研协同平台，今后的通知将发到这里。",
                row.name
            ),
        ),
        Locale::En => (
            "Test message".to_owned(),
            format!(
                "[Test] The robot \"{}\" is connected to collab-registry; notices will arrive here.",
                row.name
            ),
        ),
    };
    let key = format!("channel-test:{}:{}", row.id, new_id());
    model::enqueue(
        conn,
        &[NewMessage {
            idempotency_key: key.clone(),
            channel_id: row.id.clone(),
            organization_id: row.organization_id.clone(),
            topic: MessageTopic::Test,
            title,
            body,
        }],
    )?;
    audit::record(
        conn,
        Some(&user.id),
        "channel_tested",
        "organization_channel",
        id,
        None,
    )?;
    let queued = crate::db::schema::outbox_channel_messages::table
        .filter(crate::db::schema::outbox_channel_messages::idempotency_key.eq(&key))
        .select(MessageRow::as_select())
        .first(conn)?;
    Ok(message_view(queued, row.platform))
}

pub fn message_view(x: MessageRow, platform: ChannelPlatform) -> ChannelMessageView {
    ChannelMessageView {
        status: x.status,
        platform,
        id: x.id,
        channel_id: x.channel_id,
        organization_id: x.organization_id,
        topic: x.topic.as_str().to_owned(),
        title: x.title,
        attempts: x.attempts,
        next_attempt_at: utc(x.next_attempt_at),
        last_error: x.last_error,
        sent_at: x.sent_at.map(utc),
        created_at: utc(x.created_at),
    }
}

/// Channel messages for the bureau, newest first (`dead` shows what needs attention).
pub fn messages(
    conn: &mut DbConnection,
    user: &AuthUser,
    status: Option<ChannelMessageStatus>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<(MessageRow, ChannelPlatform)>, ApiError> {
    user.require_bureau()?;
    Ok(model::messages(conn, status, before, limit)?)
}
