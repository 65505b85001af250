//! New-match notices: when a listing becomes matchable, the members of organizations whose
//! listings it matches above the threshold are told, at most once per pair. Run by the
//! indexer before it commits its position, so a crash repeats the pass and the pair table
//! keeps it from mailing twice.

use diesel::prelude::*;

use super::engine::{Engine, FieldTree};
use super::sync::query_for;
use crate::db::schema::{fields, match_notices};
use crate::db::types::now;
use crate::db::{DbConnection, write_tx};
use crate::listings::model::{self, Listing, Lists};
use crate::notifications::inbox::{Notice, Postman, Recipient};
use crate::notifications::outbox::Topic;
use crate::notifications::templates;
use crate::organizations::model as orgs;

/// Where notices link to and how good a match must be.
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    pub postman: Postman,
    pub threshold: f32,
}

fn record_pair(
    conn: &mut DbConnection,
    listing: &str,
    matched: &str,
    score: f32,
) -> QueryResult<bool> {
    let row = (
        match_notices::listing_id.eq(listing),
        match_notices::matched_listing_id.eq(matched),
        match_notices::score.eq(f64::from(score)),
        match_notices::created_at.eq(now()),
    );
    let n = crate::insert_new!(
        conn,
        match_notices::table,
        row,
        (match_notices::listing_id, match_notices::matched_listing_id)
    )?;
    Ok(n == 1)
}

/// Announce `listing` to the owners of the listings it matches; returns mails queued.
pub fn announce(
    engine: &Engine,
    conn: &mut DbConnection,
    listing: &Listing,
    lists: &Lists,
    settings: &NoticeSettings,
) -> anyhow::Result<usize> {
    let pairs: Vec<(String, Option<String>)> = fields::table
        .select((fields::code, fields::parent_code))
        .load(conn)?;
    let tree = FieldTree::new(&pairs);
    let found = engine.search(&query_for(listing, lists), &tree, 20)?;
    let hits: Vec<_> = found
        .into_iter()
        .filter(|m| m.score >= settings.threshold)
        .collect();
    if hits.is_empty() {
        return Ok(0);
    }
    let new_is_need = listing.side == crate::listings::domain::Side::Need;
    let link = format!(
        "{}/{}/{}",
        settings.postman.public_url(),
        if new_is_need { "needs" } else { "capabilities" },
        listing.id
    );
    let queued = write_tx(conn, |conn| -> anyhow::Result<usize> {
        let mut queued = 0;
        for m in &hits {
            let Some((theirs, _)) = model::matchable(conn, &m.id)? else {
                continue;
            };
            if !record_pair(conn, &listing.id, &theirs.id, m.score)? {
                continue;
            }
            for member in orgs::members(conn, &theirs.organization_id)? {
                let locale = member.locale;
                let r = templates::new_match(
                    locale,
                    &member.display_name,
                    &theirs.title,
                    &listing.title,
                    new_is_need,
                    link.clone(),
                );
                let summary = r.text.lines().nth(2).unwrap_or_default().to_owned();
                queued += settings
                    .postman
                    .deliver(
                        conn,
                        Notice {
                            key: format!("match:{}:{}:{}", listing.id, theirs.id, member.user_id),
                            recipient: Recipient {
                                user_id: member.user_id,
                                email: member.email,
                                display_name: member.display_name,
                                locale,
                            },
                            topic: Topic::Matches,
                            letter: r,
                            summary,
                            link: Some(link.clone()),
                            ics: None,
                        },
                    )?
                    .notices;
            }
        }
        Ok(queued)
    })?;
    Ok(queued)
}
