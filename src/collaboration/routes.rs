//! HTTP for interests and agreements: extract, call `service` in one transaction, shape
//! the response.

use actix_web::{HttpResponse, web};

use super::actions::{self, Decide};
use super::agreements;
use super::views::{
    AcceptInterest, AgreementView, DeclineInterest, InterestQuery, InterestView, NewInterest,
};
use crate::app::{AppState, AuthUser, pagination};
use crate::db::ids::{AgreementId, InterestId};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiQuery, MaybeJson};

/// Express interest in another organization's published need or capability.
#[utoipa::path(post, path = "/api/v1/interests", tag = "collaboration", security(("bearer" = [])), request_body = NewInterest,
    responses((status = 201, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem, description = "interest_open: one open interest per organization and listing"), (status = 422, body = Problem)))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: ApiJson<NewInterest>,
) -> Result<HttpResponse, ApiError> {
    let v = actions::express(&state, user, body.0).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/interests/{}", v.id)))
        .json(v))
}

/// Interests the caller's organizations sent and received, newest first (the bureau: all).
#[utoipa::path(get, path = "/api/v1/interests", tag = "collaboration", security(("bearer" = [])), params(InterestQuery),
    responses((status = 200, body = pagination::Page<InterestView>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<InterestQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = actions::list(&state, user, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One interest.
#[utoipa::path(get, path = "/api/v1/interests/{id}", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<InterestId>,
) -> Result<HttpResponse, ApiError> {
    let v = actions::get(&state, user, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Accept (the receiving organization): an agreement is recorded and each side sees the
/// other's contacts.
#[utoipa::path(post, path = "/api/v1/interests/{id}/accept", tag = "collaboration", security(("bearer" = [])), request_body = AcceptInterest,
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<InterestId>,
    body: MaybeJson<AcceptInterest>,
) -> Result<HttpResponse, ApiError> {
    let (id, b) = (id.into_inner(), body.0.unwrap_or_default());
    let v = actions::decide(&state, user, id, Decide::Accept(b)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Decline (the receiving organization) with a reason from the fixed list.
#[utoipa::path(post, path = "/api/v1/interests/{id}/decline", tag = "collaboration", security(("bearer" = [])), request_body = DeclineInterest,
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decline(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<InterestId>,
    body: ApiJson<DeclineInterest>,
) -> Result<HttpResponse, ApiError> {
    let (id, b) = (id.into_inner(), body.0);
    let v = actions::decide(&state, user, id, Decide::Decline(b)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Withdraw (the sending organization) while the interest is open.
#[utoipa::path(post, path = "/api/v1/interests/{id}/withdraw", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path, description = "Interest id")),
    responses((status = 200, body = InterestView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<InterestId>,
) -> Result<HttpResponse, ApiError> {
    let v = actions::decide(&state, user, id.into_inner(), Decide::Withdraw).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Agreements of the caller's organizations (the bureau: all), newest first.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "collaboration", security(("bearer" = [])),
    responses((status = 200, body = pagination::Page<AgreementView>), (status = 401, body = Problem)))]
pub async fn list_agreements(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<HttpResponse, ApiError> {
    let rows = state
        .db
        .run(move |conn| agreements::list(conn, &user))
        .await?;
    Ok(HttpResponse::Ok().json(pagination::Page {
        items: rows
            .into_iter()
            .map(AgreementView::from)
            .collect::<Vec<_>>(),
        next_cursor: None,
    }))
}

/// Mark the agreement's need fulfilled (members of the need's organization).
#[utoipa::path(post, path = "/api/v1/agreements/{id}/fulfil-need", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path, description = "Agreement id")),
    responses((status = 200, body = crate::listings::views::ListingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem, description = "no_need")))]
pub async fn fulfil_need(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<AgreementId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let v = state
        .write_and_index(move |conn| agreements::fulfil_need(conn, &user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(v))
}
