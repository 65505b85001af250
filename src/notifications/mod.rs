//! Notifications: the email outbox, its delivery worker, templates, and the bureau's
//! view of undelivered mail.

pub mod mailer;
pub mod outbox;
pub mod routes;
pub mod templates;
pub mod worker;

use crate::routes::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/admin/outbox", routes::list_outbox);
    r.post("/api/v1/admin/outbox/{id}/retry", routes::retry_outbox);
}
