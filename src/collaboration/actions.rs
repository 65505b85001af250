//! The interest operations as the JSON routes and the pages both call them: the throttle,
//! the one write transaction (`service`), then waking the mail worker after commit.

use super::service;
use super::views::{AcceptInterest, DeclineInterest, InterestQuery, InterestView, NewInterest};
use crate::app::{AppState, AuthUser, pagination};
use crate::auth::throttle::Action;
use crate::db::ids::InterestId;
use crate::error::ApiError;

/// Express interest (throttled per user).
pub async fn express(
    state: &AppState,
    user: AuthUser,
    b: NewInterest,
) -> Result<InterestView, ApiError> {
    user.require_verified()?;
    state.limits.check(Action::Interest, &user.id).await?;
    state
        .write_and_mail(move |conn, postman| service::create(conn, postman, &user, b))
        .await
}

/// The interests the caller's organizations sent and received.
pub async fn list(
    state: &AppState,
    user: AuthUser,
    q: InterestQuery,
) -> Result<pagination::Page<InterestView>, ApiError> {
    state
        .db
        .run(move |conn| service::list(conn, &user, q))
        .await
}

/// One interest the caller is a party to (or the bureau).
pub async fn get(
    state: &AppState,
    user: AuthUser,
    id: InterestId,
) -> Result<InterestView, ApiError> {
    state
        .db
        .run(move |conn| service::get(conn, &user, &id))
        .await
}

/// What a party decides on an open interest.
pub enum Decide {
    Accept(AcceptInterest),
    Decline(DeclineInterest),
    Withdraw,
}

/// Accept, decline or withdraw, in one transaction; both sides are told.
pub async fn decide(
    state: &AppState,
    user: AuthUser,
    id: InterestId,
    what: Decide,
) -> Result<InterestView, ApiError> {
    state
        .write_and_mail(move |conn, postman| match what {
            Decide::Accept(b) => service::accept(conn, postman, &user, &id, b),
            Decide::Decline(b) => service::decline(conn, postman, &user, &id, b),
            Decide::Withdraw => service::withdraw(conn, postman, &user, &id),
        })
        .await
}
