//! The in-app inbox: its entries, read and unread, a page at a time. Delivering notices
//! into it (`delivery`, the [`Postman`]) and the per-topic preferences that decide whether
//! an email goes with them (`preferences`) are rooms of their own.

mod delivery;
mod preferences;

use crate::error::{ErrorCode, Text};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub(in crate::notifications) use delivery::add_footer_line;
pub use delivery::{Delivered, Notice, Postman, Recipient, add_unsubscribe_footer, topic_name};
pub use preferences::{
    CHOOSABLE, Delivery, PreferenceChanges, Preferences, apply_changes, preferences, set_preference,
};

use crate::db::DbConnection;
use crate::db::ids::{NotificationId, UserId};
use crate::db::schema::notifications as n;
use crate::db::types::{now, utc};
use crate::error::ApiError;
use crate::notifications::outbox::Topic;

/// An inbox entry. Topic and delivery are read strictly: an unknown stored value is an
/// error, never shown as some other topic.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = n)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub topic: Topic,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub delivery: Delivery,
    pub digest_pending: bool,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// An inbox entry as the user sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    #[schema(value_type = String)]
    pub id: NotificationId,
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
            topic: x.topic.as_str().to_owned(),
            title: x.title,
            body: x.body,
            link: x.link,
            delivery: x.delivery.as_str().to_owned(),
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
    pub id: NotificationId,
}

impl InboxCursor {
    /// The cursor text (before the page's encoding) of the position after `x`.
    pub fn of(x: &Notification) -> String {
        format!("{}:{}", if x.read_at.is_none() { "u" } else { "r" }, x.id)
    }

    /// The position a page cursor names, or `cursor_invalid`.
    pub fn decode(cursor: Option<&str>) -> Result<Option<InboxCursor>, ApiError> {
        let Some(c) = crate::app::pagination::decode_cursor(cursor)? else {
            return Ok(None);
        };
        let (unread, id) = match c.split_once(':') {
            Some(("u", id)) => (true, id),
            Some(("r", id)) => (false, id),
            _ => {
                return Err(ApiError::field(
                    "cursor",
                    ErrorCode::CursorInvalid,
                    Text::key("problem.cursor_invalid"),
                ));
            }
        };
        Ok(Some(InboxCursor {
            unread,
            id: id.into(),
        }))
    }
}

/// A page of a user's inbox: unread first, newest first within each group.
pub fn page(
    conn: &mut DbConnection,
    user_id: &UserId,
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

/// One page of a user's inbox (unread first, newest first within each group) and how many
/// are unread: `GET /api/v1/me/notifications` and the inbox page.
pub async fn read(
    db: &crate::db::Db,
    user_id: UserId,
    unread_only: bool,
    cursor: Option<&str>,
    limit: Option<crate::app::pagination::Limit>,
) -> Result<(crate::app::pagination::Page<NotificationView>, i64), ApiError> {
    let limit = crate::app::pagination::limit(limit)?;
    let after = InboxCursor::decode(cursor)?;
    let (rows, unread) = db
        .run(move |conn| {
            let rows = page(conn, &user_id, unread_only, after.as_ref(), limit + 1)?;
            Ok::<_, ApiError>((rows, unread_count(conn, &user_id)?))
        })
        .await?;
    let page = crate::app::pagination::page(rows, limit, InboxCursor::of, NotificationView::from);
    Ok((page, unread))
}

pub fn unread_count(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<i64> {
    n::table
        .filter(n::user_id.eq(user_id))
        .filter(n::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Mark one of the user's notices read; `None` if it is not theirs.
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: &UserId,
    id: &NotificationId,
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

pub fn mark_all_read(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<usize> {
    diesel::update(
        n::table
            .filter(n::user_id.eq(user_id))
            .filter(n::read_at.is_null()),
    )
    .set(n::read_at.eq(now()))
    .execute(conn)
}
