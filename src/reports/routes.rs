//! HTTP for the reports: extract, call the service in one read, shape the response.

use actix_web::{HttpResponse, web};

use super::domain::Export;
use super::views::{Overview, ReportQuery};
use super::{exports, service, sheet};
use crate::app::{AppState, AuthUser};
use crate::error::{ApiError, Problem};
use crate::extract::ApiQuery;

/// Every count the bureau works from, filtered by region and time.
#[utoipa::path(get, path = "/api/v1/reports/overview", tag = "oversight", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, body = Overview), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn get_overview(
    state: web::Data<AppState>,
    user: AuthUser,
    query: ApiQuery<ReportQuery>,
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
/// (per organization) or `projects` (one row per milestone). UTF-8 with a BOM; headers in
/// the caller's language (the account's locale), names next to ids and codes, times in
/// Beijing time, text that a spreadsheet would run as a formula prefixed with `'`.
#[utoipa::path(get, path = "/api/v1/reports/{name}.csv", tag = "oversight", security(("bearer" = [])),
    params(("name" = Export, Path, description = "Which export"), ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_csv(
    state: web::Data<AppState>,
    user: AuthUser,
    name: web::Path<String>,
    query: ApiQuery<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    export(
        state,
        user,
        name.into_inner(),
        query.into_inner(),
        Format::Csv,
    )
    .await
}

/// The same exports as an XLSX workbook (one sheet; the same rows as the CSV).
#[utoipa::path(get, path = "/api/v1/reports/{name}.xlsx", tag = "oversight", security(("bearer" = [])),
    params(("name" = Export, Path, description = "Which export"), ReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn export_xlsx(
    state: web::Data<AppState>,
    user: AuthUser,
    name: web::Path<String>,
    query: ApiQuery<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    export(
        state,
        user,
        name.into_inner(),
        query.into_inner(),
        Format::Xlsx,
    )
    .await
}

/// Which file an export is written as.
#[derive(Clone, Copy)]
pub enum Format {
    Csv,
    Xlsx,
}

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An export written as a file, in its reader's language.
pub struct Download {
    pub body: Vec<u8>,
    pub content_type: &'static str,
    pub filename: String,
    pub locale: crate::app::Locale,
}

impl Download {
    /// The attachment response.
    pub fn response(self) -> HttpResponse {
        HttpResponse::Ok()
            .content_type(self.content_type)
            .insert_header(("Content-Language", crate::i18n::lang_tag(self.locale)))
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", self.filename),
            ))
            .body(self.body)
    }
}

/// The export `name` for the bureau as `format` (an unknown name is 404), headers in the
/// account's language; the operation of the export routes and the report page's downloads.
pub async fn download(
    state: &AppState,
    user: AuthUser,
    name: &str,
    q: ReportQuery,
    format: Format,
) -> Result<Download, ApiError> {
    user.require_bureau()?;
    let what: Export = name.parse().map_err(|_| ApiError::NotFound)?;
    let locale = user.locale;
    let table = state
        .db
        .run(move |conn| exports::table(conn, &user, what, &q, locale))
        .await?;
    let (body, content_type, ext) = match format {
        Format::Csv => (sheet::csv(&table)?, "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (sheet::xlsx(&table, what.as_str())?, XLSX, "xlsx"),
    };
    Ok(Download {
        body,
        content_type,
        filename: format!("{}.{ext}", what.as_str()),
        locale,
    })
}

async fn export(
    state: web::Data<AppState>,
    user: AuthUser,
    name: String,
    q: ReportQuery,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    Ok(download(&state, user, &name, q, format).await?.response())
}
