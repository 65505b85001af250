//! HTTP for the reports: extract, call the service in one read, shape the response.

use actix_web::{HttpResponse, web};

use super::domain::Export;
use super::views::{Overview, ReportQuery};
use super::{csv, service};
use crate::app::{AppState, AuthUser};
use crate::error::{ApiError, Problem};

/// Every count the bureau works from, filtered by region and time.
#[utoipa::path(get, path = "/api/v1/reports/overview", tag = "oversight", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, body = Overview), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn get_overview(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let q = query.into_inner();
    let v = state
        .db
        .run(move |conn| service::overview(conn, &user, &q))
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// A CSV export: `organizations`, `needs`, `capabilities`, `interests`, `participation`
/// (per organization) or `projects` (one row per milestone). UTF-8 with a BOM.
#[utoipa::path(get, path = "/api/v1/reports/{name}.csv", tag = "oversight", security(("bearer" = [])),
    params(("name" = Export, Path, description = "Which export"), ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    name: web::Path<String>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let what: Export = name.into_inner().parse().map_err(|_| ApiError::NotFound)?;
    let q = query.into_inner();
    let rows = state
        .db
        .run(move |conn| csv::rows(conn, &user, what, &q))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}.csv\"", what.as_str()),
        ))
        .body(csv::encode(rows)?))
}
