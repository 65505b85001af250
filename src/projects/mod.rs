//! Key projects the bureau tracks from approval to operation: their partners and the
//! agreements they grow from, milestones (completing one can move the project's stage),
//! the bureau's tracking notes, and the periodic pass that raises overdue-milestone notices.

pub mod domain;
pub mod milestones;
pub mod model;
pub mod notices;
pub mod overdue;
pub mod routes;
pub mod service;
pub mod views;

#[cfg(test)]
mod service_tests;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/projects", routes::list);
    r.post("/api/v1/projects", routes::create);
    r.get("/api/v1/projects/{id}", routes::get);
    r.patch("/api/v1/projects/{id}", routes::update);
    r.get("/api/v1/projects/{id}/milestones", routes::list_milestones);
    r.post("/api/v1/projects/{id}/milestones", routes::create_milestone);
    r.patch(
        "/api/v1/projects/{id}/milestones/{milestone_id}",
        routes::update_milestone,
    );
    r.post("/api/v1/projects/{id}/notes", routes::add_note);
}
