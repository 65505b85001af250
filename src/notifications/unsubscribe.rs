//! Unsubscribe links, free of HTTP: what a signed token covers (its topic, or for the
//! digest every topic now delivered by digest) and stopping that email. The API's
//! `/api/v1/unsubscribe` and the unsubscribe page both call these.

use super::inbox::{self, Delivery};
use super::outbox::Topic;
use crate::app::AppState;
use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::error::ErrorCode;
use crate::error::{ApiError, Text};

fn invalid_unsubscribe() -> ApiError {
    ApiError::rule(
        ErrorCode::UnsubscribeTokenInvalid,
        Text::key("problem.unsubscribe_token_invalid"),
    )
}

/// The topics an unsubscribe token covers today: its topic, or for the digest every
/// topic now delivered by digest. Nothing changes.
fn topics_of(
    conn: &mut DbConnection,
    user_id: &UserId,
    scope: &str,
) -> Result<Vec<Topic>, ApiError> {
    if scope == "digest" {
        let current = inbox::preferences(conn, user_id)?;
        return Ok(current
            .pairs()
            .into_iter()
            .filter(|(_, d)| *d == Delivery::Digest)
            .map(|(t, _)| t)
            .collect());
    }
    let topic: Topic = scope.parse().map_err(|_| invalid_unsubscribe())?;
    if !inbox::CHOOSABLE.contains(&topic) {
        return Err(invalid_unsubscribe());
    }
    Ok(vec![topic])
}

/// What an unsubscribe token would stop, and whether it is the digest, without changing
/// anything. The API's `GET` and the unsubscribe page call this.
pub async fn unsubscribe_preview(
    state: &AppState,
    token: &str,
) -> Result<(Vec<Topic>, bool), ApiError> {
    let (user_id, scope) = state
        .postman
        .check_unsubscribe(token)
        .ok_or_else(invalid_unsubscribe)?;
    state
        .db
        .run(move |conn| Ok((topics_of(conn, &user_id, &scope)?, scope == "digest")))
        .await
}

/// Stop the email of the topics an unsubscribe token covers (they stay in the in-app
/// inbox). The one-click `POST` and the unsubscribe page's button call this.
pub async fn unsubscribe_now(state: &AppState, token: &str) -> Result<Vec<Topic>, ApiError> {
    let (user_id, scope) = state
        .postman
        .check_unsubscribe(token)
        .ok_or_else(invalid_unsubscribe)?;
    state
        .db
        .write(move |conn| {
            let topics = topics_of(conn, &user_id, &scope)?;
            for t in &topics {
                inbox::set_preference(conn, &user_id, *t, Delivery::InApp)?;
            }
            Ok(topics)
        })
        .await
}
