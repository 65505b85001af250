//! Group-chat robots: an organization's WeCom (企业微信), DingTalk (钉钉) and Feishu (飞书)
//! robots, the topics each receives, and the outbox of messages to them. Notices reach the
//! robots through the postman's tap ([`notices::copy_notices`], in the notice's
//! transaction); the worker posts them over HTTPS with each platform's shape and signature.

pub mod domain;
pub mod model;
pub mod notices;
pub mod platform;
pub mod routes;
pub mod service;
pub mod views;
pub mod worker;

pub use notices::copy_notices;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.get("/api/v1/organizations/{id}/channels", routes::list);
    r.post("/api/v1/organizations/{id}/channels", routes::create);
    r.get(
        "/api/v1/organizations/{id}/channels/{channel_id}",
        routes::get,
    );
    r.patch(
        "/api/v1/organizations/{id}/channels/{channel_id}",
        routes::update,
    );
    r.delete(
        "/api/v1/organizations/{id}/channels/{channel_id}",
        routes::delete,
    );
    r.post(
        "/api/v1/organizations/{id}/channels/{channel_id}/test",
        routes::test,
    );
    r.get("/api/v1/admin/channel-messages", routes::messages);
}
