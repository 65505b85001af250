//! The bureau's reports: one overview with every count it works from (`service`), and the
//! exports (`exports`, one function per export builds its table; `sheet` writes it as CSV,
//! UTF-8 with a byte-order mark, or as XLSX).
//!
//! Filters: `region` (a region code; its subtree is included) and `from`/`to` (creation
//! time, or for events their start). Reports are the bureau's alone.

pub mod domain;
pub mod exports;
pub mod model;
pub mod routes;
pub mod service;
pub mod sheet;
pub mod views;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/reports/overview", routes::get_overview);
    r.get("/api/v1/reports/{name}.csv", routes::export_csv);
    r.get("/api/v1/reports/{name}.xlsx", routes::export_xlsx);
}
