//! Operations endpoints: liveness, readiness, metrics and the OpenAPI document.

pub mod backup;
pub mod demo;
pub mod metrics;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::{AppState, RouteTable};

pub fn routes(r: &mut RouteTable) {
    r.get("/health/live", live);
    r.get("/health/ready", ready);
    r.get("/metrics", metrics_text);
    r.get("/openapi.json", openapi_json);
}

/// The address of the metrics listener (`COLLAB_METRICS_ADDR`, bound).
#[derive(Debug, Clone, Copy)]
pub struct MetricsListener(pub std::net::SocketAddr);

/// Keeps the two listeners apart: `/metrics` is answered only on the metrics listener
/// (loopback by default), and nothing else is; elsewhere both are 404.
pub async fn split_listeners(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let on_metrics = req
        .app_data::<web::Data<MetricsListener>>()
        .zip(req.conn_data::<crate::net::server::ListenerAddr>())
        .is_some_and(|(m, at)| m.0 == at.0);
    if on_metrics != (req.path() == "/metrics") {
        let res = actix_web::ResponseError::error_response(&crate::error::ApiError::NotFound);
        return Ok(req.into_response(res).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Readiness report.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: &'static str,
    /// Whether a pooled connection answered a query.
    pub database: bool,
    /// Migrations embedded in this binary but not applied to the database.
    pub pending_migrations: Option<usize>,
}

/// The process is up.
#[utoipa::path(get, path = "/health/live", tag = "operations",
    responses((status = 200, description = "Alive")))]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "alive"}))
}

/// The database is reachable and every migration is applied.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let report = state
        .db
        .run(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1")?;
            let pending =
                crate::db::migrations::pending_count(conn).map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(pending)
        })
        .await;
    let body = match report {
        Ok(pending) => Readiness {
            status: if pending == 0 { "ready" } else { "not_ready" },
            database: true,
            pending_migrations: Some(pending),
        },
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Readiness {
                status: "not_ready",
                database: false,
                pending_migrations: None,
            }
        }
    };
    let mut res = if body.status == "ready" {
        HttpResponse::Ok()
    } else {
        let mut r = HttpResponse::ServiceUnavailable();
        r.insert_header(("Retry-After", "5"));
        r
    };
    res.insert_header(("Cache-Control", "no-store")).json(body)
}

/// Prometheus text exposition, on the metrics listener only (`COLLAB_METRICS_ADDR`). Not
/// in the OpenAPI document, which describes the API listener (where `/metrics` is 404).
pub async fn metrics_text(
    state: web::Data<AppState>,
    metrics: web::Data<metrics::Metrics>,
) -> HttpResponse {
    let backlog = state
        .db
        .run(|conn| Ok(crate::notifications::outbox::backlog(conn)?))
        .await
        .ok();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render(state.db.pool(), backlog.as_ref()))
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub async fn openapi_json(doc: web::Data<OpenApiDocument>) -> HttpResponse {
    HttpResponse::Ok().json(&doc.0)
}

/// The OpenAPI document, built once by startup (from `routes::openapi`, which knows every
/// feature; `ops` knows none).
pub struct OpenApiDocument(pub utoipa::openapi::OpenApi);
