//! Delivering notices: every notice to a user goes through [`Postman::deliver`]. It writes
//! the inbox row (once per idempotency key) and, following the user's preference for the
//! topic, queues the email now, marks the notice for the daily digest, or leaves it in the
//! app only. Account and security mail is always sent at once. All of it happens in the
//! caller's transaction, so a notice exists exactly when the change that caused it does.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::preferences::{Delivery, preferences_of};
use crate::app::Locale;
pub use crate::app::Postman;
use crate::db::DbConnection;
use crate::db::ids::{NotificationId, UserId};
use crate::db::schema::notifications as n;
use crate::db::types::now;
use crate::notifications::outbox::{self, NewEmail, Topic};
use crate::notifications::templates::{self, Rendered};

/// The person a notice is for.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub user_id: UserId,
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
        let letter = templates::Letter::linked(
            recipient.locale,
            subject,
            &recipient.display_name,
            vec![summary.clone()],
            (label, link.clone()),
        );
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

impl Notice {
    /// The notice as the postman's tap sees it.
    fn copy(&self) -> crate::app::postman::NoticeCopy<'_> {
        crate::app::postman::NoticeCopy {
            key: &self.key,
            user_id: &self.recipient.user_id,
            topic: self.topic.as_str(),
            locale: self.recipient.locale,
            title: &self.letter.subject,
            summary: &self.summary,
            link: self.link.as_deref(),
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
    id: NotificationId,
    user_id: &'a UserId,
    idempotency_key: &'a str,
    topic: Topic,
    title: &'a str,
    body: &'a str,
    link: Option<&'a str>,
    delivery: Delivery,
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
        let users: Vec<&UserId> = fresh.iter().map(|x| &x.recipient.user_id).collect();
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
                id: NotificationId::new(),
                user_id: &x.recipient.user_id,
                idempotency_key: &x.key,
                topic: x.topic,
                title: &x.letter.subject,
                body: &x.summary,
                link: x.link.as_deref(),
                delivery: *d,
                digest_pending: *d == Delivery::Digest,
                created_at: t,
            })
            .collect();
        crate::insert_new!(conn, n::table, &rows, n::idempotency_key)?;
        self.tap(conn, &fresh.iter().map(Notice::copy).collect::<Vec<_>>())?;
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

pub(in crate::notifications) fn add_footer_line(
    letter: &mut Rendered,
    locale: Locale,
    scope: &str,
    url: &str,
) {
    let name = topic_name(locale, scope);
    let line = match locale {
        Locale::ZhCn => format!("不想再收到{name}邮件？退订："),
        Locale::En => format!("Stop {name} emails: "),
    };
    letter.text.push_str(&format!("\n{line}{url}\n"));
    let html = format!(
        "<p style=\"color:#777;font-size:small\">{}<a href=\"{}\">{}</a></p>",
        templates::escape_html(&line),
        templates::escape_html(url),
        templates::escape_html(url)
    );
    match letter.html.rfind("</body>") {
        Some(at) => letter.html.insert_str(at, &html),
        None => letter.html.push_str(&html),
    }
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
