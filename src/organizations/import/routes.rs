//! HTTP for the import: the bureau uploads a spreadsheet; the report comes back.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::views::{ImportForm, ImportQuery, ImportReport, Workbook};
use super::{read, service, upload};
use crate::app::{AppState, AuthUser, load_viewer};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiQuery, request_locale};

/// Import organizations from a spreadsheet (CSV or XLSX; headers in Chinese or English),
/// bureau only. Rows whose USCC is registered update that organization; others are
/// registered, verified. Every row goes through the registration's checks. With
/// `dry_run` nothing is written and the report says what would happen; otherwise one
/// refused row means nothing is written (422 `import_refused`, each problem named by row
/// and column) unless `skip_invalid` is set. A file whose header row is unusable (a
/// required column missing, an unknown or repeated column, too many rows) is refused the
/// same way, dry run or not. One transaction; each change is audited.
#[utoipa::path(post, path = "/api/v1/organizations/import", tag = "registry", security(("bearer" = [])),
    params(ImportQuery),
    request_body(description = "The spreadsheet: the body itself (text/csv or an XLSX workbook) or the `file` part of multipart/form-data; at most 5 MiB and 5000 rows",
        content((String = "text/csv"), (Workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (ImportForm = "multipart/form-data"))),
    responses((status = 200, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn import(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    query: ApiQuery<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    user.require_bureau()?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (bytes, format) = upload::file(&content_type, upload::body(payload).await?)?;
    let rows = read::rows(&bytes, format)?;
    let q = query.into_inner();
    let report = state
        .db
        .run(move |conn| {
            let viewer = load_viewer(conn, Some(user))?;
            service::import(conn, &viewer, rows, q)
        })
        .await?;
    if report.header_refused() || (!report.dry_run && !report.written) {
        return Err(report.refusal());
    }
    Ok(HttpResponse::Ok().json(report.in_locale(request_locale(&req))))
}
