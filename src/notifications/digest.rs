//! Daily digests: users who chose `digest` for a topic get one email a day, at the
//! configured hour in their own time zone, listing the notices held since the last one.
//!
//! The pass is idempotent: the digest's outbox row, the held notices' release and the
//! user's `digest_sent_on` date change in one transaction, and the outbox key is the user
//! and local date, so a crash or a second instance never sends a day's digest twice.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use diesel::prelude::*;

use super::inbox::{Notification, Postman, add_footer_line};
use super::outbox::{self, NewEmail, Topic};
use super::templates;
use crate::app::Locale;
use crate::db::ids::UserId;
use crate::db::schema::{notifications as n, users as u};
use crate::db::{DbConnection, write_tx};

/// The local date at `now` for a user in `tz`, if the digest hour has passed there.
pub fn due_date(now: DateTime<Utc>, tz: Tz, hour: u32) -> Option<NaiveDate> {
    let local = now.with_timezone(&tz);
    (local.hour() >= hour).then(|| local.date_naive())
}

/// Send every digest that is due at `now`; returns how many were queued.
pub fn run_once(
    conn: &mut DbConnection,
    postman: &Postman,
    hour: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let waiting: Vec<UserId> = n::table
        .select(n::user_id)
        .filter(n::digest_pending.eq(true))
        .distinct()
        .load(conn)?;
    let mut sent = 0;
    for user_id in waiting {
        // One user's unreadable row (an unknown stored language or zone) is logged
        // and holds back that user's digest only.
        match send_one(conn, postman, &user_id, hour, now) {
            Ok(done) => sent += usize::from(done),
            Err(e) => {
                tracing::error!(user_id = %user_id, error = format!("{e:#}"), "digest not sent")
            }
        }
    }
    Ok(sent)
}

fn send_one(
    conn: &mut DbConnection,
    postman: &Postman,
    user_id: &UserId,
    hour: u32,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    write_tx(conn, |conn| -> anyhow::Result<bool> {
        let Some((email, name, locale, tz, last)) = u::table
            .find(user_id)
            .filter(u::disabled_at.is_null())
            .select((
                u::email,
                u::display_name,
                u::locale,
                u::timezone,
                u::digest_sent_on,
            ))
            .first::<(String, String, Locale, String, Option<NaiveDate>)>(conn)
            .optional()?
        else {
            return Ok(false);
        };
        // Read strictly: a stored zone that is none is an error, never Beijing time.
        let zone: Tz = tz
            .parse()
            .map_err(|_| anyhow::anyhow!("unknown time zone `{tz}` stored"))?;
        let Some(today) = due_date(now, zone, hour) else {
            return Ok(false);
        };
        if last.is_some_and(|d| d >= today) {
            return Ok(false);
        }
        let items: Vec<Notification> = n::table
            .select(Notification::as_select())
            .filter(n::user_id.eq(user_id))
            .filter(n::digest_pending.eq(true))
            .order(n::id.asc())
            .load(conn)?;
        if items.is_empty() {
            return Ok(false);
        }
        let lines: Vec<(String, String, Option<String>)> = items
            .iter()
            .map(|x| (x.title.clone(), x.body.clone(), x.link.clone()))
            .collect();
        let mut letter = templates::digest(locale, &name, today, &lines);
        let page = postman.unsubscribe_page_url(user_id, "digest");
        add_footer_line(&mut letter, locale, "digest", &page);
        let url = postman.unsubscribe_url(user_id, "digest");
        outbox::enqueue(
            conn,
            &NewEmail {
                idempotency_key: format!("digest:{user_id}:{today}"),
                user_id: Some(user_id.clone()),
                topic: Topic::Digest,
                to: email,
                subject: letter.subject,
                text: letter.text,
                html: letter.html,
                unsubscribe_url: Some(url),
                calendar_ics: None,
            },
        )?;
        let ids: Vec<&str> = items.iter().map(|x| x.id.as_str()).collect();
        diesel::update(n::table.filter(n::id.eq_any(&ids)))
            .set(n::digest_pending.eq(false))
            .execute(conn)?;
        diesel::update(u::table.find(user_id))
            .set(u::digest_sent_on.eq(Some(today)))
            .execute(conn)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn digest_is_due_after_the_local_hour() {
        // 23:30 UTC is 07:30 the next day in Shanghai.
        let t = Utc.with_ymd_and_hms(2026, 12, 1, 23, 30, 0).unwrap();
        let shanghai = chrono_tz::Asia::Shanghai;
        assert_eq!(due_date(t, shanghai, 8), None);
        assert_eq!(
            due_date(t, shanghai, 7),
            NaiveDate::from_ymd_opt(2026, 12, 2)
        );
        // In London it is still the first, 23:30.
        assert_eq!(
            due_date(t, chrono_tz::Europe::London, 8),
            NaiveDate::from_ymd_opt(2026, 12, 1)
        );
    }

    #[test]
    fn a_corrupt_stored_zone_or_language_holds_the_digest_back_not_a_default() {
        use diesel::connection::SimpleConnection;
        let postman = Postman::new(
            "http://x.test",
            &secrecy::SecretString::from("a-secret-that-is-long-enough-0123456789".to_owned()),
        );
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
        for (corrupt, sent) in [("", 1), ("timezone = 'Mars/Base'", 0), ("locale = 'fr'", 0)] {
            let mut c = crate::db::scratch::sqlite();
            c.batch_execute(
                "INSERT INTO users (id, email, password_hash, display_name, locale, role,
                     token_version, created_at, updated_at, timezone)
                     VALUES ('u1', 'a@x.cn', 'h', 'A', 'zh-CN', 'user', 0,
                     '2026-12-01 00:00:00', '2026-12-01 00:00:00', 'Asia/Shanghai');
                 INSERT INTO notifications (id, user_id, idempotency_key, topic, title, body, delivery,
                     digest_pending, created_at)
                     VALUES ('n1', 'u1', 'k1', 'events', 'T', 'B', 'digest', TRUE,
                     '2026-12-01 00:00:00');",
            )
            .unwrap();
            if !corrupt.is_empty() {
                let table = if corrupt.starts_with("topic") {
                    "notifications"
                } else {
                    "users"
                };
                c.batch_execute(&format!("UPDATE {table} SET {corrupt}"))
                    .unwrap();
            }
            assert_eq!(run_once(&mut c, &postman, 8, t).unwrap(), sent, "{corrupt}");
            let pending: bool = n::table
                .find("n1")
                .select(n::digest_pending)
                .first(&mut c)
                .unwrap();
            assert_eq!(pending, sent == 0, "{corrupt}");
        }
    }
}
