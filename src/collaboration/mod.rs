//! From interest to operation: expressions of interest and agreements between
//! organizations, the key projects the bureau tracks to operation, and its reports.

pub mod interests;
pub mod overdue;
pub mod projects;
pub mod reports;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/interests", interests::list);
    r.post("/api/v1/interests", interests::create);
    r.get("/api/v1/interests/{id}", interests::get);
    r.post("/api/v1/interests/{id}/accept", interests::accept);
    r.post("/api/v1/interests/{id}/decline", interests::decline);
    r.post("/api/v1/interests/{id}/withdraw", interests::withdraw);
    r.get("/api/v1/agreements", interests::list_agreements);
    r.post(
        "/api/v1/agreements/{id}/fulfil-need",
        interests::fulfil_need,
    );
    r.get("/api/v1/projects", projects::list);
    r.post("/api/v1/projects", projects::create);
    r.get("/api/v1/projects/{id}", projects::get);
    r.patch("/api/v1/projects/{id}", projects::update);
    r.get(
        "/api/v1/projects/{id}/milestones",
        projects::list_milestones,
    );
    r.post(
        "/api/v1/projects/{id}/milestones",
        projects::create_milestone,
    );
    r.patch(
        "/api/v1/projects/{id}/milestones/{milestone_id}",
        projects::update_milestone,
    );
    r.post("/api/v1/projects/{id}/notes", projects::add_note);
    r.get("/api/v1/reports/overview", reports::get_overview);
    r.get("/api/v1/reports/{name}.csv", reports::export_csv);
}
