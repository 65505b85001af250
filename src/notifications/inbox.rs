//! The in-app inbox and per-topic delivery preferences.
//!
//! Every notice to a user goes through [`Postman::deliver`]: it writes the inbox row (once
//! per idempotency key) and, following the user's preference for the topic, queues the
//! email now, marks the notice for the daily digest, or leaves it in the app only. Account
//! and security mail is always sent at once. All of it happens in the caller's
//! transaction, so a notice exists exactly when the change that caused it does.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::outbox::{self, NewEmail, Topic};
use super::templates::Rendered;
use crate::app::Locale;
pub use crate::app::Postman;
use crate::db::DbConnection;
use crate::db::schema::{notification_preferences as np, notifications as n};
use crate::db::types::{new_id, now, utc};

crate::text_enum! {
    /// How a user wants to hear about one topic.
    pub enum Delivery {
        /// An email for each notice (the default).
        Immediate => "immediate",
        /// One email a day summarizing the day's notices.
        Digest => "digest",
        /// Only the in-app inbox.
        InApp => "in_app",
    }
}

/// The topics a user can choose a delivery for (account mail is not among them).
pub const CHOOSABLE: [Topic; 4] = [
    Topic::Registry,
    Topic::Matches,
    Topic::Events,
    Topic::Collaboration,
];

/// The person a notice is for.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub locale: Locale,
}

/// One notice for one user.
#[derive(Debug, Clone)]
pub struct Notice {
    /// Unique per user and occasion: a repeated delivery with the same key does nothing.
    pub key: String,
    pub recipient: Recipient,
    pub topic: Topic,
    /// The email as rendered in the recipient's locale; its subject is the inbox title.
    pub letter: Rendered,
    /// One or two sentences for the inbox and the digest.
    pub summary: String,
    pub link: Option<String>,
    /// An iCalendar object to attach (event invitations, confirmations, changes).
    pub ics: Option<String>,
}

impl Notice {
    /// A notice of one paragraph and a link, rendered in the recipient's language.
    pub fn simple(
        key: String,
        recipient: Recipient,
        topic: Topic,
        (subject, summary): (String, String),
        (label, link): (&str, String),
    ) -> Notice {
        let letter = super::templates::Letter {
            locale: recipient.locale,
            subject,
            name: &recipient.display_name,
            paragraphs: vec![summary.clone()],
            action: Some((label, link.clone())),
            footer: None,
        }
        .render();
        Notice {
            key,
            recipient,
            topic,
            letter,
            summary,
            link: Some(link),
            ics: None,
        }
    }
}

/// What a batch of deliveries did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    /// New inbox rows (notices not delivered before).
    pub notices: usize,
    /// Emails queued for immediate sending.
    pub emails: usize,
    /// Notices held for the digest.
    pub digested: usize,
}

/// Rows per multi-row insert (well under both backends' parameter limits).
const CHUNK: usize = 400;

#[derive(Insertable)]
#[diesel(table_name = n)]
struct NewNotification<'a> {
    id: String,
    user_id: &'a str,
    idempotency_key: &'a str,
    topic: &'a str,
    title: &'a str,
    body: &'a str,
    link: Option<&'a str>,
    delivery: &'a str,
    digest_pending: bool,
    created_at: NaiveDateTime,
}

/// Delivery is this room's half of [`Postman`] (the handle and its signing live in `app`).
impl Postman {
    /// Deliver one notice; see [`Postman::deliver_all`].
    pub fn deliver(&self, conn: &mut DbConnection, notice: Notice) -> QueryResult<Delivered> {
        self.deliver_all(conn, vec![notice])
    }

    /// Deliver notices inside the caller's transaction, in batches: notices whose key was
    /// delivered before are skipped, the rest get an inbox row and, per preference, an
    /// email now or a place in tomorrow's digest.
    pub fn deliver_all(
        &self,
        conn: &mut DbConnection,
        notices: Vec<Notice>,
    ) -> QueryResult<Delivered> {
        let mut total = Delivered::default();
        let mut notices = notices;
        while !notices.is_empty() {
            let rest = notices.split_off(notices.len().min(CHUNK));
            let chunk = std::mem::replace(&mut notices, rest);
            let done = self.deliver_chunk(conn, chunk)?;
            total.notices += done.notices;
            total.emails += done.emails;
            total.digested += done.digested;
        }
        Ok(total)
    }

    fn deliver_chunk(&self, conn: &mut DbConnection, chunk: Vec<Notice>) -> QueryResult<Delivered> {
        let keys: Vec<&str> = chunk.iter().map(|x| x.key.as_str()).collect();
        let seen: HashSet<String> = n::table
            .select(n::idempotency_key)
            .filter(n::idempotency_key.eq_any(&keys))
            .load(conn)?
            .into_iter()
            .collect();
        let mut fresh: Vec<Notice> = Vec::with_capacity(chunk.len());
        let mut batch_keys = HashSet::new();
        for x in chunk {
            if !seen.contains(&x.key) && batch_keys.insert(x.key.clone()) {
                fresh.push(x);
            }
        }
        if fresh.is_empty() {
            return Ok(Delivered::default());
        }
        let users: Vec<&str> = fresh.iter().map(|x| x.recipient.user_id.as_str()).collect();
        let prefs = preferences_of(conn, &users)?;
        let t = now();
        let plan: Vec<Delivery> = fresh
            .iter()
            .map(|x| {
                if x.topic == Topic::Account {
                    Delivery::Immediate
                } else {
                    prefs
                        .get(&(x.recipient.user_id.clone(), x.topic))
                        .copied()
                        .unwrap_or(Delivery::Immediate)
                }
            })
            .collect();
        let rows: Vec<NewNotification> = fresh
            .iter()
            .zip(&plan)
            .map(|(x, d)| NewNotification {
                id: new_id(),
                user_id: &x.recipient.user_id,
                idempotency_key: &x.key,
                topic: x.topic.as_str(),
                title: &x.letter.subject,
                body: &x.summary,
                link: x.link.as_deref(),
                delivery: d.as_str(),
                digest_pending: *d == Delivery::Digest,
                created_at: t,
            })
            .collect();
        match conn {
            DbConnection::Sqlite(c) => {
                diesel::insert_or_ignore_into(n::table)
                    .values(&rows)
                    .execute(c)?;
            }
            DbConnection::Postgres(c) => {
                diesel::insert_into(n::table)
                    .values(&rows)
                    .on_conflict(n::idempotency_key)
                    .do_nothing()
                    .execute(c)?;
            }
        }
        let mut done = Delivered {
            notices: fresh.len(),
            ..Delivered::default()
        };
        let mut emails = Vec::new();
        for (x, d) in fresh.into_iter().zip(plan) {
            match d {
                Delivery::Immediate => emails.push(self.email_for(x)),
                Delivery::Digest => done.digested += 1,
                Delivery::InApp => {}
            }
        }
        done.emails = outbox::enqueue_all(conn, &emails)?;
        Ok(done)
    }

    /// The outbox row for a notice: account mail as is, other topics with an unsubscribe
    /// link in the body and in the `List-Unsubscribe` header.
    fn email_for(&self, x: Notice) -> NewEmail {
        let mut letter = x.letter;
        let unsubscribe = (x.topic != Topic::Account).then(|| {
            let page = self.unsubscribe_page_url(&x.recipient.user_id, x.topic.as_str());
            add_unsubscribe_footer(&mut letter, x.recipient.locale, x.topic, &page);
            self.unsubscribe_url(&x.recipient.user_id, x.topic.as_str())
        });
        NewEmail {
            idempotency_key: x.key,
            user_id: Some(x.recipient.user_id),
            topic: x.topic,
            to: x.recipient.email,
            subject: letter.subject,
            text: letter.text,
            html: letter.html,
            unsubscribe_url: unsubscribe,
            calendar_ics: x.ics,
        }
    }
}

#[cold]
/// Name of a topic in the recipient's language, for unsubscribe lines.
pub fn topic_name(locale: Locale, scope: &str) -> &'static str {
    match (locale, scope) {
        (Locale::ZhCn, "registry") => "机构审核",
        (Locale::ZhCn, "matches") => "匹配推荐",
        (Locale::ZhCn, "events") => "活动通知",
        (Locale::ZhCn, "collaboration") => "合作进展",
        (Locale::ZhCn, _) => "每日摘要",
        (Locale::En, "registry") => "registry",
        (Locale::En, "matches") => "match",
        (Locale::En, "events") => "event",
        (Locale::En, "collaboration") => "collaboration",
        (Locale::En, _) => "daily digest",
    }
}

/// Append the unsubscribe line to both parts of a rendered email.
pub fn add_unsubscribe_footer(letter: &mut Rendered, locale: Locale, topic: Topic, url: &str) {
    add_footer_line(letter, locale, topic.as_str(), url);
}

pub(super) fn add_footer_line(letter: &mut Rendered, locale: Locale, scope: &str, url: &str) {
    let name = topic_name(locale, scope);
    let line = match locale {
        Locale::ZhCn => format!("不想再收到{name}邮件？退订："),
        Locale::En => format!("Stop {name} emails: "),
    };
    letter.text.push_str(&format!("\n{line}{url}\n"));
    let html = format!(
        "<p style=\"color:#777;font-size:small\">{}<a href=\"{}\">{}</a></p>",
        super::templates::escape_html(&line),
        super::templates::escape_html(url),
        super::templates::escape_html(url)
    );
    match letter.html.rfind("</body>") {
        Some(at) => letter.html.insert_str(at, &html),
        None => letter.html.push_str(&html),
    }
}

/// Non-default preferences of `users`, by (user, topic).
fn preferences_of(
    conn: &mut DbConnection,
    users: &[&str],
) -> QueryResult<HashMap<(String, Topic), Delivery>> {
    let rows: Vec<(String, String, String)> = np::table
        .select((np::user_id, np::topic, np::delivery))
        .filter(np::user_id.eq_any(users))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, t, d)| Some(((u, t.parse().ok()?), d.parse().ok()?)))
        .collect())
}

/// A user's delivery choice for every choosable topic.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Preferences {
    pub registry: Delivery,
    pub matches: Delivery,
    pub events: Delivery,
    pub collaboration: Delivery,
}

/// Changes to preferences: only the topics sent change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferenceChanges {
    pub registry: Option<Delivery>,
    pub matches: Option<Delivery>,
    pub events: Option<Delivery>,
    pub collaboration: Option<Delivery>,
}

impl PreferenceChanges {
    fn pairs(&self) -> [(Topic, Option<Delivery>); 4] {
        [
            (Topic::Registry, self.registry),
            (Topic::Matches, self.matches),
            (Topic::Events, self.events),
            (Topic::Collaboration, self.collaboration),
        ]
    }
}

pub fn preferences(conn: &mut DbConnection, user_id: &str) -> QueryResult<Preferences> {
    let map = preferences_of(conn, &[user_id])?;
    let get = |t: Topic| {
        map.get(&(user_id.to_owned(), t))
            .copied()
            .unwrap_or(Delivery::Immediate)
    };
    Ok(Preferences {
        registry: get(Topic::Registry),
        matches: get(Topic::Matches),
        events: get(Topic::Events),
        collaboration: get(Topic::Collaboration),
    })
}

pub fn set_preference(
    conn: &mut DbConnection,
    user_id: &str,
    topic: Topic,
    delivery: Delivery,
) -> QueryResult<()> {
    diesel::delete(
        np::table
            .filter(np::user_id.eq(user_id))
            .filter(np::topic.eq(topic.as_str())),
    )
    .execute(conn)?;
    if delivery != Delivery::Immediate {
        diesel::insert_into(np::table)
            .values((
                np::user_id.eq(user_id),
                np::topic.eq(topic.as_str()),
                np::delivery.eq(delivery.as_str()),
                np::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn apply_changes(
    conn: &mut DbConnection,
    user_id: &str,
    changes: &PreferenceChanges,
) -> QueryResult<()> {
    for (topic, delivery) in changes.pairs() {
        if let Some(d) = delivery {
            set_preference(conn, user_id, topic, d)?;
        }
    }
    Ok(())
}

/// An inbox entry.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = n)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub topic: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub delivery: String,
    pub digest_pending: bool,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// An inbox entry as the user sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// `account`, `registry`, `matches`, `events` or `collaboration`.
    pub topic: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    /// How the email side was handled: `immediate`, `digest` or `in_app`.
    pub delivery: String,
    pub read: bool,
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<Notification> for NotificationView {
    fn from(x: Notification) -> Self {
        NotificationView {
            id: x.id,
            topic: x.topic,
            title: x.title,
            body: x.body,
            link: x.link,
            delivery: x.delivery,
            read: x.read_at.is_some(),
            read_at: x.read_at.map(utc),
            created_at: utc(x.created_at),
        }
    }
}

/// Position in the inbox order (unread first, then newest first).
#[derive(Debug, Serialize, Deserialize)]
pub struct InboxCursor {
    pub unread: bool,
    pub id: String,
}

/// A page of a user's inbox: unread first, newest first within each group.
pub fn page(
    conn: &mut DbConnection,
    user_id: &str,
    unread_only: bool,
    after: Option<&InboxCursor>,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    let mut out = Vec::new();
    // Unread group first, unless the cursor is already in the read group.
    if after.is_none_or(|c| c.unread) {
        let mut q = n::table
            .select(Notification::as_select())
            .filter(n::user_id.eq(user_id))
            .filter(n::read_at.is_null())
            .order(n::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(c) = after {
            q = q.filter(n::id.lt(c.id.clone()));
        }
        out = q.load(conn)?;
    }
    if unread_only || out.len() as i64 >= limit {
        return Ok(out);
    }
    let mut q = n::table
        .select(Notification::as_select())
        .filter(n::user_id.eq(user_id))
        .filter(n::read_at.is_not_null())
        .order(n::id.desc())
        .limit(limit - out.len() as i64)
        .into_boxed();
    if let Some(c) = after.filter(|c| !c.unread) {
        q = q.filter(n::id.lt(c.id.clone()));
    }
    out.extend(q.load(conn)?);
    Ok(out)
}

pub fn unread_count(conn: &mut DbConnection, user_id: &str) -> QueryResult<i64> {
    n::table
        .filter(n::user_id.eq(user_id))
        .filter(n::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Mark one of the user's notices read; `None` if it is not theirs.
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
) -> QueryResult<Option<Notification>> {
    diesel::update(
        n::table
            .filter(n::id.eq(id))
            .filter(n::user_id.eq(user_id))
            .filter(n::read_at.is_null()),
    )
    .set(n::read_at.eq(now()))
    .execute(conn)?;
    n::table
        .select(Notification::as_select())
        .filter(n::id.eq(id))
        .filter(n::user_id.eq(user_id))
        .first(conn)
        .optional()
}

pub fn mark_all_read(conn: &mut DbConnection, user_id: &str) -> QueryResult<usize> {
    diesel::update(
        n::table
            .filter(n::user_id.eq(user_id))
            .filter(n::read_at.is_null()),
    )
    .set(n::read_at.eq(now()))
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_goes_inside_the_html_body() {
        let mut r = Rendered {
            subject: "s".into(),
            text: "hello\n".into(),
            html: "<html><body><p>hello</p></body></html>".into(),
        };
        add_unsubscribe_footer(&mut r, Locale::En, Topic::Events, "http://x/u?token=a&b");
        assert!(r.text.contains("http://x/u?token=a&b"));
        assert!(r.html.ends_with("</p></body></html>"));
        assert!(r.html.contains("token=a&amp;b"));
    }
}
