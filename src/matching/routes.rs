//! Match endpoints: extract, call `service`, shape the response.

use actix_web::{HttpResponse, web};

use super::engine::Engine;
use super::service::{self, check_limit};
use super::views::{MatchList, MatchParams, MatchRequest};
use crate::app::AppState;
use crate::app::MaybeUser;
use crate::db::ids::ListingId;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::listings::domain::Side;

async fn matches_for(
    state: web::Data<AppState>,
    engine: web::Data<Engine>,
    user: MaybeUser,
    side: Side,
    id: ListingId,
    limit: Option<usize>,
) -> Result<HttpResponse, ApiError> {
    let limit = check_limit(limit)?;
    let list = state
        .db
        .run(move |conn| service::matches_for(conn, &engine, user.0, side, &id, limit))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Capabilities that could answer a need, best first, each with why it matched.
#[utoipa::path(get, path = "/api/v1/needs/{id}/matches", tag = "matching", params(("id" = String, Path), MatchParams),
    responses((status = 200, body = MatchList), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn need_matches(
    state: web::Data<AppState>,
    engine: web::Data<Engine>,
    user: MaybeUser,
    id: web::Path<ListingId>,
    q: ApiQuery<MatchParams>,
) -> Result<HttpResponse, ApiError> {
    matches_for(state, engine, user, Side::Need, id.into_inner(), q.limit).await
}

/// Needs a capability could answer, best first, each with why it matched.
#[utoipa::path(get, path = "/api/v1/capabilities/{id}/matches", tag = "matching", params(("id" = String, Path), MatchParams),
    responses((status = 200, body = MatchList), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn capability_matches(
    state: web::Data<AppState>,
    engine: web::Data<Engine>,
    user: MaybeUser,
    id: web::Path<ListingId>,
    q: ApiQuery<MatchParams>,
) -> Result<HttpResponse, ApiError> {
    matches_for(
        state,
        engine,
        user,
        Side::Capability,
        id.into_inner(),
        q.limit,
    )
    .await
}

/// Search published listings with free text before posting.
#[utoipa::path(post, path = "/api/v1/match", tag = "matching", request_body = MatchRequest,
    responses((status = 200, body = MatchList), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn search(
    state: web::Data<AppState>,
    engine: web::Data<Engine>,
    body: ApiJson<MatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let (query, limit) = service::search_query(body.0)?;
    let list = state
        .db
        .run(move |conn| service::ranked(&engine, conn, &query, limit))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
