//! The transactional email outbox: a row written in the same transaction as the change
//! that causes it, delivered by the worker after commit. An idempotency key makes a
//! repeated enqueue (a retried request, a second publish) create one email.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::schema::outbox_emails;
use crate::db::types::{new_id, now, utc};
use crate::db::upsert;

crate::text_enum! {
    /// Delivery state of an outbox row.
    pub enum OutboxStatus {
        Pending => "pending",
        Sending => "sending",
        Sent => "sent",
        Dead => "dead",
    }
}

crate::text_enum! {
    /// What an email is about; preferences and unsubscribe work per topic.
    pub enum Topic {
        /// Account and security mail: always sent immediately.
        Account => "account",
        Registry => "registry",
        Matches => "matches",
        Events => "events",
        Collaboration => "collaboration",
        /// The daily digest (it gathers notices of several topics).
        Digest => "digest",
    }
}

/// A rendered email to queue.
#[derive(Debug, Clone)]
pub struct NewEmail {
    pub idempotency_key: String,
    pub user_id: Option<UserId>,
    pub topic: Topic,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// One-click unsubscribe link (`List-Unsubscribe`); none for account mail.
    pub unsubscribe_url: Option<String>,
    /// An iCalendar object sent as an attachment.
    pub calendar_ics: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = outbox_emails)]
struct NewRow<'a> {
    id: String,
    idempotency_key: &'a str,
    user_id: Option<&'a UserId>,
    topic: Topic,
    to_address: &'a str,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    status: OutboxStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    unsubscribe_url: Option<&'a str>,
    calendar_ics: Option<&'a str>,
}

/// A stored outbox row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox_emails)]
pub struct OutboxEmail {
    pub id: String,
    pub idempotency_key: String,
    pub user_id: Option<UserId>,
    pub topic: Topic,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub unsubscribe_url: Option<String>,
    pub calendar_ics: Option<String>,
}

/// Queue an email inside the caller's transaction. Returns `true` if a row was created,
/// `false` if one with the same idempotency key already existed.
pub fn enqueue(conn: &mut DbConnection, email: &NewEmail) -> QueryResult<bool> {
    Ok(enqueue_all(conn, std::slice::from_ref(email))? == 1)
}

/// Whether the same mail (recipient, subject and text) to an address outside the platform
/// was queued within the last hour: a repeat is collapsed into the first.
fn repeated(conn: &mut DbConnection, email: &NewEmail, t: NaiveDateTime) -> QueryResult<bool> {
    let found: Option<String> = outbox_emails::table
        .filter(outbox_emails::to_address.eq(&email.to))
        .filter(outbox_emails::user_id.is_null())
        .filter(outbox_emails::subject.eq(&email.subject))
        .filter(outbox_emails::body_text.eq(&email.text))
        .filter(outbox_emails::created_at.gt(t - super::quota::WINDOW))
        .select(outbox_emails::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Queue many emails with multi-row inserts; returns how many rows were created. Mail to
/// an address without an account that repeats one of the last hour is dropped.
pub fn enqueue_all(conn: &mut DbConnection, emails: &[NewEmail]) -> QueryResult<usize> {
    let t = now();
    let mut inserted = 0;
    let mut kept = Vec::with_capacity(emails.len());
    for email in emails {
        if email.user_id.is_some() || !repeated(conn, email, t)? {
            kept.push(email);
        }
    }
    for chunk in kept.chunks(upsert::BATCH) {
        let rows: Vec<NewRow> = chunk
            .iter()
            .map(|email| NewRow {
                id: new_id(),
                idempotency_key: &email.idempotency_key,
                user_id: email.user_id.as_ref(),
                topic: email.topic,
                to_address: &email.to,
                subject: &email.subject,
                body_text: &email.text,
                body_html: &email.html,
                status: OutboxStatus::Pending,
                attempts: 0,
                next_attempt_at: t,
                created_at: t,
                updated_at: t,
                unsubscribe_url: email.unsubscribe_url.as_deref(),
                calendar_ics: email.calendar_ics.as_deref(),
            })
            .collect();
        inserted += crate::insert_new!(
            conn,
            outbox_emails::table,
            &rows,
            outbox_emails::idempotency_key
        )?;
    }
    Ok(inserted)
}

/// An outbox row as the bureau sees it (no bodies).
// Topic and status are the stored text, so that a row whose value this binary cannot read
// still shows, rather than failing the list that would help find it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxItem {
    pub id: String,
    pub topic: String,
    pub to_address: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The stored columns of an [`OutboxItem`], read as text.
#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox_emails)]
struct ListedRow {
    id: String,
    topic: String,
    to_address: String,
    subject: String,
    status: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<String>,
    sent_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

impl From<ListedRow> for OutboxItem {
    fn from(e: ListedRow) -> Self {
        OutboxItem {
            id: e.id,
            topic: e.topic,
            to_address: e.to_address,
            subject: e.subject,
            status: e.status,
            attempts: e.attempts,
            next_attempt_at: utc(e.next_attempt_at),
            last_error: e.last_error,
            sent_at: e.sent_at.map(utc),
            created_at: utc(e.created_at),
        }
    }
}

impl From<OutboxEmail> for OutboxItem {
    fn from(e: OutboxEmail) -> Self {
        OutboxItem {
            id: e.id,
            topic: e.topic.as_str().to_owned(),
            to_address: e.to_address,
            subject: e.subject,
            status: e.status.as_str().to_owned(),
            attempts: e.attempts,
            next_attempt_at: utc(e.next_attempt_at),
            last_error: e.last_error,
            sent_at: e.sent_at.map(utc),
            created_at: utc(e.created_at),
        }
    }
}

/// Rows by status, newest first, after `before` (an id) for paging.
pub fn list(
    conn: &mut DbConnection,
    status: Option<OutboxStatus>,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<OutboxItem>> {
    let mut q = outbox_emails::table
        .select(ListedRow::as_select())
        .order(outbox_emails::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox_emails::status.eq(s));
    }
    if let Some(b) = before {
        q = q.filter(outbox_emails::id.lt(b.to_owned()));
    }
    Ok(q.load::<ListedRow>(conn)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Put a dead (or any unsent) row back in line for one more round of attempts.
pub fn retry(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OutboxEmail>> {
    let t = now();
    let n = diesel::update(
        outbox_emails::table
            .filter(outbox_emails::id.eq(id))
            .filter(outbox_emails::status.ne(OutboxStatus::Sent)),
    )
    .set((
        outbox_emails::status.eq(OutboxStatus::Pending),
        outbox_emails::attempts.eq(0),
        outbox_emails::next_attempt_at.eq(t),
        outbox_emails::locked_until.eq(None::<NaiveDateTime>),
        outbox_emails::locked_by.eq(None::<String>),
        outbox_emails::updated_at.eq(t),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    outbox_emails::table
        .find(id)
        .select(OutboxEmail::as_select())
        .first(conn)
        .optional()
}

/// What the monitoring needs to know about the queue: unsent rows by status, and when the
/// oldest mail still waiting to go out was queued. Only unsent statuses are counted (sent rows pile up
/// for years; these counts stay on the `(status, next_attempt_at)` index).
#[derive(Debug, Default)]
pub struct Backlog {
    pub by_status: Vec<(String, i64)>,
    pub oldest_unsent: Option<NaiveDateTime>,
}

pub fn backlog(conn: &mut DbConnection) -> QueryResult<Backlog> {
    use outbox_emails as o;
    let mut by_status = Vec::new();
    for status in [
        OutboxStatus::Pending,
        OutboxStatus::Sending,
        OutboxStatus::Dead,
    ] {
        let n: i64 = o::table
            .filter(o::status.eq(status))
            .count()
            .get_result(conn)?;
        by_status.push((status.as_str().to_owned(), n));
    }
    let oldest_unsent = o::table
        .filter(o::status.eq_any([OutboxStatus::Pending, OutboxStatus::Sending]))
        .select(diesel::dsl::min(o::created_at))
        .get_result(conn)?;
    Ok(Backlog {
        by_status,
        oldest_unsent,
    })
}
