//! Handlers shared by needs and capabilities (`mod.rs` binds them to each side's paths):
//! extract, call `service` in one transaction, shape the response, wake the indexer.

use actix_web::{HttpResponse, web};

use super::domain::{Action, Side};
use super::service;
use super::views::{ListingChanges, ListingQuery, NewListing};
use crate::app::AppState;
use crate::app::{AuthUser, MaybeUser};
use crate::db::ids::ListingId;
use crate::error::ApiError;

pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    body: NewListing,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .write(move |conn| service::create(conn, user, side, body))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/{}/{}", side.path(), view.id)))
        .json(view))
}

pub async fn list(
    state: web::Data<AppState>,
    user: MaybeUser,
    side: Side,
    q: ListingQuery,
) -> Result<HttpResponse, ApiError> {
    let index = state.listing_text.clone();
    let page = state
        .db
        .run(move |conn| service::list(conn, &index, user.0, side, q))
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

pub async fn get(
    state: web::Data<AppState>,
    user: MaybeUser,
    side: Side,
    id: ListingId,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .db
        .run(move |conn| service::get(conn, user.0, side, &id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    id: ListingId,
    changes: ListingChanges,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .write_and_index(move |conn| service::update(conn, user, side, &id, changes))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    id: ListingId,
) -> Result<HttpResponse, ApiError> {
    state
        .write_and_index(move |conn| service::delete(conn, user, side, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Publish, close or fulfil; also the agreement's "fulfil the need" endpoint.
pub async fn act(
    state: web::Data<AppState>,
    user: AuthUser,
    side: Side,
    id: ListingId,
    action: Action,
) -> Result<HttpResponse, ApiError> {
    let view = state
        .write_and_index(move |conn| service::act(conn, user, side, &id, action))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
