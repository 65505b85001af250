//! Notifications: the email outbox, its delivery worker, templates, and the bureau's
//! view of undelivered mail.

pub mod digest;
pub mod inbox;
pub mod mailer;
pub mod outbox;
pub mod quota;
pub mod routes;
pub mod templates;
pub mod unsubscribe;
pub mod worker;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/admin/outbox", routes::list_outbox);
    r.post("/api/v1/admin/outbox/{id}/retry", routes::retry_outbox);
    r.get("/api/v1/me/notifications", routes::list_notifications);
    r.post(
        "/api/v1/me/notifications/read-all",
        routes::read_all_notifications,
    );
    r.post(
        "/api/v1/me/notifications/{id}/read",
        routes::read_notification,
    );
    r.get("/api/v1/unsubscribe", routes::unsubscribe);
    r.post("/api/v1/unsubscribe", routes::unsubscribe_post);
}
