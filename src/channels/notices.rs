//! From notices to robot messages: the postman's tap. Notices are per person; a robot is
//! per organization. The members of an organization hearing of one occasion (the notice
//! key without its recipient) make one message per robot of theirs that receives the
//! topic, in the robot's language when a member got the notice in it.
//!
//! Whose occasion is it? A notice reaches an organization's robots when it reaches one of
//! its members who belongs to no other organization, or when it reaches all its members at
//! once. A person in two organizations alone does not carry one organization's news into
//! the other's group chat.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;

use super::domain::{MessageTopic, message_text, occasion};
use super::model::{self, NewMessage};
use crate::app::postman::NoticeCopy;
use crate::db::DbConnection;
use crate::db::schema::memberships;
use crate::notifications::inbox::CHOOSABLE;
use crate::notifications::outbox::Topic;

/// Queue the robot messages for `notices` (the postman's tap; in the caller's transaction).
pub fn copy_notices(conn: &mut DbConnection, notices: &[NoticeCopy<'_>]) -> QueryResult<usize> {
    // The tap hands topics over as text (`app` knows no notifications types); only the
    // topics a robot may receive are looked for.
    let mut topics: Vec<Topic> = notices
        .iter()
        .filter_map(|x| x.topic.parse::<Topic>().ok())
        .filter(|t| CHOOSABLE.contains(t))
        .collect();
    topics.sort_unstable_by_key(|t| t.as_str());
    topics.dedup();
    if topics.is_empty() {
        return Ok(0);
    }
    let robots = model::listening(conn, &topics)?;
    if robots.is_empty() {
        return Ok(0);
    }
    let orgs: Vec<&str> = robots
        .iter()
        .map(|(r, _)| r.organization_id.as_str())
        .collect();
    let rows: Vec<(String, String)> = memberships::table
        .filter(memberships::organization_id.eq_any(&orgs))
        .select((memberships::organization_id, memberships::user_id))
        .load(conn)?;
    let mut members: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (o, u) in &rows {
        members.entry(o.as_str()).or_default().insert(u.as_str());
    }
    let involved: Vec<&str> = notices
        .iter()
        .map(|x| x.user_id.as_str())
        .filter(|u| rows.iter().any(|(_, m)| m == u))
        .collect();
    let sole = sole_members(conn, &involved)?;
    let mut occasions: BTreeMap<(&str, &str), Vec<&NoticeCopy>> = BTreeMap::new();
    for x in notices {
        occasions
            .entry((x.topic, occasion(x.key, x.user_id)))
            .or_default()
            .push(x);
    }
    let mut out = Vec::new();
    for ((topic, key), heard) in &occasions {
        let reached: HashSet<&str> = heard.iter().map(|x| x.user_id.as_str()).collect();
        let Some((topic, message_topic)) = topic
            .parse::<Topic>()
            .ok()
            .and_then(|t| Some((t, MessageTopic::of(t)?)))
        else {
            continue;
        };
        for (robot, _) in robots.iter().filter(|(_, t)| *t == topic) {
            let Some(m) = members.get(robot.organization_id.as_str()) else {
                continue;
            };
            let theirs = m.iter().any(|u| reached.contains(u) && sole.contains(u))
                || m.iter().all(|u| reached.contains(u));
            if !theirs {
                continue;
            }
            let locale = robot.locale;
            let Some(pick) = heard
                .iter()
                .find(|x| x.locale == locale && m.contains(x.user_id.as_str()))
                .or_else(|| heard.iter().find(|x| m.contains(x.user_id.as_str())))
            else {
                continue;
            };
            out.push(NewMessage {
                idempotency_key: format!("channel:{}:{key}", robot.id),
                channel_id: robot.id.clone(),
                organization_id: robot.organization_id.clone(),
                topic: message_topic,
                title: pick.title.to_owned(),
                body: message_text(pick.title, pick.summary, pick.link),
            });
        }
    }
    model::enqueue(conn, &out)
}

/// Those of `users` who belong to exactly one organization.
fn sole_members<'a>(conn: &mut DbConnection, users: &[&'a str]) -> QueryResult<HashSet<&'a str>> {
    let rows: Vec<String> = memberships::table
        .filter(memberships::user_id.eq_any(users))
        .select(memberships::user_id)
        .load(conn)?;
    let mut count: HashMap<&str, usize> = HashMap::new();
    for u in &rows {
        *count.entry(u.as_str()).or_default() += 1;
    }
    Ok(users
        .iter()
        .copied()
        .filter(|u| count.get(u) == Some(&1))
        .collect())
}
