//! Bulk import of organizations from the bureau's spreadsheets, on the command line
//! (`collab-registry import organizations FILE`) and as an upload
//! (`POST /api/v1/organizations/import`).
//!
//! `read` turns a CSV or XLSX file into rows of text, `columns` knows the headers (Chinese
//! or English), `service` runs the rows through the registration's own checks and
//! operations in one transaction, `upload` and `routes` are HTTP only.

pub mod columns;
pub mod read;
pub mod routes;
pub mod service;
pub mod upload;
pub mod views;

pub use read::Format;
pub use service::import;
pub use views::{ImportQuery, ImportReport};

/// Import the file at `path` (its extension says CSV or XLSX) from the command line: no
/// acting user (the audit log names none), the same checks and report as the upload.
pub fn import_file(
    conn: &mut crate::db::DbConnection,
    path: &std::path::Path,
    opts: ImportQuery,
) -> anyhow::Result<ImportReport> {
    let name = path.to_string_lossy();
    let format = Format::of_name(&name)
        .ok_or_else(|| anyhow::anyhow!("{name}: name a .csv or .xlsx file"))?;
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let rows = read::rows(&bytes, format).map_err(|e| anyhow::anyhow!("{name}: {e:?}"))?;
    let viewer = crate::app::Viewer {
        user: None,
        memberships: Default::default(),
    };
    service::import(conn, &viewer, rows, opts).map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// The report as lines for a terminal: one per row, then the totals.
pub fn describe(r: &ImportReport) -> String {
    let mut out = String::new();
    for row in &r.rows {
        let what = match row.action {
            views::RowAction::Create => "create",
            views::RowAction::Update => "update",
            views::RowAction::Refuse => "REFUSE",
        };
        let name = row.name.as_deref().unwrap_or("");
        let uscc = row.uscc.as_deref().unwrap_or("");
        out.push_str(&format!("row {:>4}  {what:<6}  {name} {uscc}\n", row.row));
        for p in &row.problems {
            out.push_str(&format!(
                "           {}: {} ({})\n",
                p.column, p.message, p.code
            ));
        }
    }
    let verdict = if r.written {
        "written"
    } else if r.dry_run {
        "dry run: nothing written"
    } else {
        "nothing written: fix the refused rows or pass --skip-invalid"
    };
    out.push_str(&format!(
        "{} to create, {} to update, {} refused; {verdict}\n",
        r.created, r.updated, r.refused
    ));
    out
}
