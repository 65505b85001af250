//! The registry: organizations (enterprises, universities, research institutes, the
//! bureau), their verification by the bureau, members, the region and technology-field
//! taxonomies, the audit log, the bulk import (`import`) and the demo data set.
//!
//! `routes`, `review`, `members`, `audit` and `taxonomy::routes` are HTTP only; the
//! operations are in `service` (organizations), `workflow` (their review), `membership`
//! (members and invitations) and `taxonomy` (the code trees), which the pages call too.

pub mod audit;
pub mod demo;
pub mod domain;
pub mod import;
pub mod input;
pub mod invitations;
pub mod members;
pub mod membership;
pub mod model;
pub mod notices;
pub mod review;
pub mod routes;
pub mod service;
pub mod taxonomy;
pub mod uscc;
pub mod views;
pub mod workflow;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/regions", taxonomy::routes::list_regions);
    r.post("/api/v1/regions", taxonomy::routes::create_region);
    r.patch("/api/v1/regions/{code}", taxonomy::routes::update_region);
    r.get("/api/v1/fields", taxonomy::routes::list_fields);
    r.post("/api/v1/fields", taxonomy::routes::create_field);
    r.patch("/api/v1/fields/{code}", taxonomy::routes::update_field);
    r.get("/api/v1/organizations", routes::list);
    r.post("/api/v1/organizations", routes::create);
    r.post("/api/v1/organizations/import", import::routes::import);
    r.get("/api/v1/organizations/{id}", routes::get);
    r.patch("/api/v1/organizations/{id}", routes::update);
    r.post("/api/v1/organizations/{id}/verify", review::verify);
    r.post("/api/v1/organizations/{id}/reject", review::reject);
    r.post("/api/v1/organizations/{id}/suspend", review::suspend);
    r.post("/api/v1/organizations/{id}/reinstate", review::reinstate);
    r.get("/api/v1/organizations/{id}/members", members::list);
    r.post("/api/v1/organizations/{id}/members", members::invite);
    r.delete(
        "/api/v1/organizations/{id}/members/{user_id}",
        members::remove,
    );
    r.post("/api/v1/invitations/accept", members::accept);
    r.get("/api/v1/me/organizations", routes::mine);
    r.get("/api/v1/audit-log", audit::list);
}
