//! The channel tables: robots (`organization_channels`), the topics each receives
//! (`organization_channel_topics`) and the message outbox (`outbox_channel_messages`).
//! Stored platforms, languages, topics and statuses are typed columns read strictly: an
//! unknown stored value is an error (logged with the 500 or the worker's failed pass),
//! never a default.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::domain::{ChannelMessageStatus, ChannelPlatform, MessageTopic};
use crate::app::Locale;
use crate::db::DbConnection;
use crate::db::ids::{ChannelId, ChannelMessageId, OrganizationId, UserId};
use crate::db::schema::{
    organization_channel_topics as ct, organization_channels as ch, outbox_channel_messages as m,
};
use crate::db::types::now;
use crate::db::upsert;
use crate::notifications::outbox::Topic;

/// A stored robot, secrets included (never leaves the service as is).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ch)]
pub struct ChannelRow {
    pub id: ChannelId,
    pub organization_id: OrganizationId,
    pub platform: ChannelPlatform,
    pub name: String,
    pub webhook_url: String,
    pub secret: Option<String>,
    pub locale: Locale,
    pub enabled: bool,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = ch)]
pub struct NewChannel<'a> {
    pub id: &'a ChannelId,
    pub organization_id: &'a OrganizationId,
    pub platform: ChannelPlatform,
    pub name: &'a str,
    pub webhook_url: &'a str,
    pub secret: Option<&'a str>,
    pub locale: Locale,
    pub enabled: bool,
    pub created_by: Option<&'a UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &NewChannel) -> QueryResult<()> {
    diesel::insert_into(ch::table).values(row).execute(conn)?;
    Ok(())
}

/// Replace every column of a robot but its id, organization, creator and creation time.
pub fn save(conn: &mut DbConnection, row: &ChannelRow) -> QueryResult<()> {
    diesel::update(ch::table.find(&row.id))
        .set((
            ch::name.eq(&row.name),
            ch::webhook_url.eq(&row.webhook_url),
            ch::secret.eq(&row.secret),
            ch::locale.eq(row.locale),
            ch::enabled.eq(row.enabled),
            ch::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(
    conn: &mut DbConnection,
    org_id: &OrganizationId,
    id: &ChannelId,
) -> QueryResult<Option<ChannelRow>> {
    ch::table
        .filter(ch::id.eq(id))
        .filter(ch::organization_id.eq(org_id))
        .select(ChannelRow::as_select())
        .first(conn)
        .optional()
}

pub fn of_organization(
    conn: &mut DbConnection,
    org_id: &OrganizationId,
) -> QueryResult<Vec<ChannelRow>> {
    ch::table
        .filter(ch::organization_id.eq(org_id))
        .select(ChannelRow::as_select())
        .order(ch::id)
        .load(conn)
}

pub fn delete(conn: &mut DbConnection, id: &ChannelId) -> QueryResult<usize> {
    diesel::delete(ct::table.filter(ct::channel_id.eq(id))).execute(conn)?;
    diesel::delete(m::table.filter(m::channel_id.eq(id))).execute(conn)?;
    diesel::delete(ch::table.find(id)).execute(conn)
}

/// The topics of each of `ids`.
pub fn topics_of(
    conn: &mut DbConnection,
    ids: &[&ChannelId],
) -> QueryResult<HashMap<ChannelId, Vec<Topic>>> {
    let rows: Vec<(ChannelId, Topic)> = ct::table
        .filter(ct::channel_id.eq_any(ids))
        .select((ct::channel_id, ct::topic))
        .order((ct::channel_id, ct::topic))
        .load(conn)?;
    let mut out: HashMap<ChannelId, Vec<Topic>> = HashMap::new();
    for (c, t) in rows {
        out.entry(c).or_default().push(t);
    }
    Ok(out)
}

pub fn set_topics(conn: &mut DbConnection, id: &ChannelId, topics: &[Topic]) -> QueryResult<()> {
    diesel::delete(ct::table.filter(ct::channel_id.eq(id))).execute(conn)?;
    // At most four rows; a multi-row insert does not compile on the combined connection.
    for t in topics {
        diesel::insert_into(ct::table)
            .values((ct::channel_id.eq(id), ct::topic.eq(*t)))
            .execute(conn)?;
    }
    Ok(())
}

/// Enabled robots that receive one of `topics`: (robot, topic).
pub fn listening(
    conn: &mut DbConnection,
    topics: &[Topic],
) -> QueryResult<Vec<(ChannelRow, Topic)>> {
    ch::table
        .inner_join(ct::table)
        .filter(ch::enabled.eq(true))
        .filter(ct::topic.eq_any(topics))
        .select((ChannelRow::as_select(), ct::topic))
        .load(conn)
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub idempotency_key: String,
    pub channel_id: ChannelId,
    pub organization_id: OrganizationId,
    pub topic: MessageTopic,
    pub title: String,
    pub body: String,
}

#[derive(Insertable)]
#[diesel(table_name = m)]
struct MessageInsert<'a> {
    id: ChannelMessageId,
    idempotency_key: &'a str,
    channel_id: &'a ChannelId,
    organization_id: &'a OrganizationId,
    topic: MessageTopic,
    title: &'a str,
    body: &'a str,
    status: ChannelMessageStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Queue messages inside the caller's transaction; a key queued before is skipped.
/// Returns how many rows were created.
pub fn enqueue(conn: &mut DbConnection, messages: &[NewMessage]) -> QueryResult<usize> {
    let t = now();
    let mut inserted = 0;
    for chunk in messages.chunks(upsert::BATCH) {
        let rows: Vec<MessageInsert> = chunk
            .iter()
            .map(|x| MessageInsert {
                id: ChannelMessageId::new(),
                idempotency_key: &x.idempotency_key,
                channel_id: &x.channel_id,
                organization_id: &x.organization_id,
                topic: x.topic,
                title: &x.title,
                body: &x.body,
                status: ChannelMessageStatus::Pending,
                attempts: 0,
                next_attempt_at: t,
                created_at: t,
                updated_at: t,
            })
            .collect();
        inserted += crate::insert_new!(conn, m::table, &rows, m::idempotency_key)?;
    }
    Ok(inserted)
}

/// A stored channel message.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = m)]
pub struct MessageRow {
    pub id: ChannelMessageId,
    pub idempotency_key: String,
    pub channel_id: ChannelId,
    pub organization_id: OrganizationId,
    pub topic: MessageTopic,
    pub title: String,
    pub body: String,
    pub status: ChannelMessageStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn message(conn: &mut DbConnection, id: &ChannelMessageId) -> QueryResult<Option<MessageRow>> {
    m::table
        .find(id)
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

/// Messages by status, newest first, before the id `before`, with their robot's platform.
pub fn messages(
    conn: &mut DbConnection,
    status: Option<ChannelMessageStatus>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(MessageRow, ChannelPlatform)>> {
    let mut q = m::table
        .inner_join(ch::table)
        .select((MessageRow::as_select(), ch::platform))
        .order(m::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(m::status.eq(s));
    }
    if let Some(b) = before {
        q = q.filter(m::id.lt(b.to_owned()));
    }
    q.load(conn)
}
