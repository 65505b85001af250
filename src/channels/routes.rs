//! HTTP for group-chat robots: extract, call the service, shape the answer.

use actix_web::{HttpResponse, web};

use super::service;
use super::views::{
    ChannelList, ChannelMessageView, ChannelView, CreateChannel, MessageQuery, UpdateChannel,
};
use crate::app::pagination::{self, Page};
use crate::app::{AppState, AuthUser};
use crate::db::ids::{ChannelId, OrganizationId};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiQuery};

type Ids = web::Path<(OrganizationId, ChannelId)>;

/// An organization's group-chat robots (owners and the bureau). URLs are masked and
/// secrets never shown.
#[utoipa::path(get, path = "/api/v1/organizations/{id}/channels", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organization id")),
    responses((status = 200, body = ChannelList), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let items = state
        .db
        .run(move |conn| service::list(conn, &user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(ChannelList {
        items,
        next_cursor: None,
    }))
}

/// Add a WeCom, DingTalk or Feishu robot (owners). The webhook URL must be the platform's.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/channels", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organization id")), request_body = CreateChannel,
    responses((status = 201, body = ChannelView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem, description = "webhook_url_invalid, webhook_url_not_https, webhook_url_unknown_host, secret_invalid, secret_not_used, topic_not_choosable")))]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<OrganizationId>,
    body: ApiJson<CreateChannel>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let hosts = state.settings.channel_test_hosts.clone();
    let view = state
        .db
        .write(move |conn| service::create(conn, &user, &id, body.0, &hosts))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!(
                "/api/v1/organizations/{}/channels/{}",
                view.organization_id, view.id
            ),
        ))
        .json(view))
}

/// One robot (owners and the bureau).
#[utoipa::path(get, path = "/api/v1/organizations/{id}/channels/{channel_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organization id"), ("channel_id" = String, Path)),
    responses((status = 200, body = ChannelView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    state: web::Data<AppState>,
    user: AuthUser,
    ids: Ids,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = ids.into_inner();
    let view = state
        .db
        .run(move |conn| service::get(conn, &user, &org, &id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Change a robot (owners): only the fields sent change.
#[utoipa::path(patch, path = "/api/v1/organizations/{id}/channels/{channel_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organization id"), ("channel_id" = String, Path)), request_body = UpdateChannel,
    responses((status = 200, body = ChannelView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    ids: Ids,
    body: ApiJson<UpdateChannel>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = ids.into_inner();
    let hosts = state.settings.channel_test_hosts.clone();
    let view = state
        .db
        .write(move |conn| service::update(conn, &user, (&org, &id), body.0, &hosts))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Remove a robot and the messages still queued for it (owners).
#[utoipa::path(delete, path = "/api/v1/organizations/{id}/channels/{channel_id}", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organization id"), ("channel_id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    ids: Ids,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = ids.into_inner();
    state
        .db
        .write(move |conn| service::delete(conn, &user, &org, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Test with one click: queue a test message to the robot (owners). Follow its delivery in
/// `GET /api/v1/admin/channel-messages` (bureau) or in the group chat.
#[utoipa::path(post, path = "/api/v1/organizations/{id}/channels/{channel_id}/test", tag = "channels", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organization id"), ("channel_id" = String, Path)),
    responses((status = 202, body = ChannelMessageView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn test(
    state: web::Data<AppState>,
    user: AuthUser,
    ids: Ids,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = ids.into_inner();
    let queued = state
        .db
        .write(move |conn| service::test(conn, &user, &org, &id))
        .await?;
    Ok(HttpResponse::Accepted().json(queued))
}

/// Messages to group-chat robots, newest first, filtered by status (bureau; `dead` shows
/// what needs attention). No URL or secret is shown.
#[utoipa::path(get, path = "/api/v1/admin/channel-messages", tag = "admin", security(("bearer" = [])), params(MessageQuery),
    responses((status = 200, body = Page<ChannelMessageView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn messages(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<MessageQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let limit = pagination::limit(query.limit)?;
    let before = pagination::decode_cursor(query.cursor.as_deref())?;
    let page = state
        .db
        .run(move |conn| {
            let rows = service::messages(conn, &user, query.status, before.as_deref(), limit + 1)?;
            Ok(pagination::page(
                rows,
                limit,
                |(m, _)| m.id.to_string(),
                |(m, p)| service::message_view(m, p),
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}
