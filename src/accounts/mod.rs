//! Accounts: registration, email verification, login, token refresh, logout, password
//! reset, the caller's profile, and the bureau's user administration.
//!
//! `routes` and `admin` are HTTP only; the operations are in `service` (registration,
//! verification, profile, administration) and `sessions` (sign-in, tokens, passwords),
//! which the pages (`web::accounts`) call too.

pub mod admin;
pub mod domain;
pub mod model;
pub mod notices;
pub mod provision;
pub mod routes;
pub mod service;
pub mod sessions;
pub mod views;

use crate::app::RouteTable;

pub fn routes(r: &mut RouteTable) {
    r.post("/api/v1/auth/register", routes::register);
    r.post("/api/v1/auth/verify-email", routes::verify_email);
    r.post(
        "/api/v1/auth/verify-email/resend",
        routes::resend_verification,
    );
    r.post("/api/v1/auth/login", routes::login);
    r.post("/api/v1/auth/refresh", routes::refresh);
    r.post("/api/v1/auth/logout", routes::logout);
    r.post(
        "/api/v1/auth/password-reset",
        routes::request_password_reset,
    );
    r.post(
        "/api/v1/auth/password-reset/confirm",
        routes::confirm_password_reset,
    );
    r.get("/api/v1/me", routes::me);
    r.patch("/api/v1/me", routes::update_me);
    r.post("/api/v1/me/password", routes::change_password);
    r.get("/api/v1/admin/users", admin::list_users);
    r.post("/api/v1/admin/users/{id}/disable", admin::disable_user);
    r.post("/api/v1/admin/users/{id}/enable", admin::enable_user);
}
