//! Per-topic delivery preferences: immediate (the default, no row), daily digest, or the
//! in-app inbox only. Account mail is not choosable.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::schema::notification_preferences as np;
use crate::db::types::now;
use crate::notifications::outbox::Topic;

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

/// Non-default preferences of `users`, by (user, topic).
pub(super) fn preferences_of(
    conn: &mut DbConnection,
    users: &[&UserId],
) -> QueryResult<HashMap<(UserId, Topic), Delivery>> {
    // Topic and delivery are read strictly: a stored value that is neither is an error.
    let rows: Vec<(UserId, Topic, Delivery)> = np::table
        .select((np::user_id, np::topic, np::delivery))
        .filter(np::user_id.eq_any(users))
        .load(conn)?;
    Ok(rows.into_iter().map(|(u, t, d)| ((u, t), d)).collect())
}

/// A user's delivery choice for every choosable topic.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Preferences {
    pub registry: Delivery,
    pub matches: Delivery,
    pub events: Delivery,
    pub collaboration: Delivery,
}

impl Preferences {
    /// Each choosable topic with its delivery.
    pub fn pairs(&self) -> [(Topic, Delivery); 4] {
        [
            (Topic::Registry, self.registry),
            (Topic::Matches, self.matches),
            (Topic::Events, self.events),
            (Topic::Collaboration, self.collaboration),
        ]
    }
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

pub fn preferences(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<Preferences> {
    let map = preferences_of(conn, &[user_id])?;
    let get = |t: Topic| {
        map.get(&(user_id.clone(), t))
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
    user_id: &UserId,
    topic: Topic,
    delivery: Delivery,
) -> QueryResult<()> {
    diesel::delete(
        np::table
            .filter(np::user_id.eq(user_id))
            .filter(np::topic.eq(topic)),
    )
    .execute(conn)?;
    if delivery != Delivery::Immediate {
        diesel::insert_into(np::table)
            .values((
                np::user_id.eq(user_id),
                np::topic.eq(topic),
                np::delivery.eq(delivery),
                np::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn apply_changes(
    conn: &mut DbConnection,
    user_id: &UserId,
    changes: &PreferenceChanges,
) -> QueryResult<()> {
    for (topic, delivery) in changes.pairs() {
        if let Some(d) = delivery {
            set_preference(conn, user_id, topic, d)?;
        }
    }
    Ok(())
}
