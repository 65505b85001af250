//! Expressions of interest and the agreements they become.
//!
//! An organization's member expresses interest in another organization's published need or
//! capability (optionally offering one of its own listings of the other side). The other
//! side accepts (an agreement is recorded, contacts are revealed) or declines with a reason;
//! the sender may withdraw while it is open. One open interest per organization and listing.

pub mod actions;
pub mod agreements;
pub mod domain;
pub mod model;
pub mod notices;
pub mod routes;
pub mod service;
#[cfg(test)]
pub mod testing;
pub mod views;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/interests", routes::list);
    r.post("/api/v1/interests", routes::create);
    r.get("/api/v1/interests/{id}", routes::get);
    r.post("/api/v1/interests/{id}/accept", routes::accept);
    r.post("/api/v1/interests/{id}/decline", routes::decline);
    r.post("/api/v1/interests/{id}/withdraw", routes::withdraw);
    r.get("/api/v1/agreements", routes::list_agreements);
    r.post("/api/v1/agreements/{id}/fulfil-need", routes::fulfil_need);
}
