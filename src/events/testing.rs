//! Fixtures for the unit tests of the events services: a migrated SQLite database, verified
//! organizations with members, the bureau, a published event.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use secrecy::SecretString;

use super::views::{AudienceBody, NewEvent};
use crate::app::{AuthUser, Locale, Postman, Role};
use crate::db::DbConnection;
use crate::db::ids::{EventId, OrganizationId};
use crate::db::types::{new_id, now};

/// A fresh migrated database with the taxonomies (in memory: one connection, one test).
pub fn conn() -> DbConnection {
    let mut conn = DbConnection::Sqlite(
        diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite"),
    );
    conn.batch_execute("PRAGMA foreign_keys = ON")
        .expect("foreign keys on");
    crate::db::migrations::run_pending(&mut conn).expect("migrations apply");
    crate::organizations::taxonomy::seed(&mut conn).expect("taxonomies seed");
    conn
}

pub fn postman() -> Postman {
    Postman::new(
        "http://localhost:8080",
        &SecretString::from("unit-test-secret-unit-test-secret-0123".to_owned()),
    )
}

fn stamp() -> String {
    now().format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

fn user(conn: &mut DbConnection, role: Role) -> AuthUser {
    let (id, t) = (new_id(), stamp());
    let email = format!("{id}@example.com");
    conn.batch_execute(&format!(
        "INSERT INTO users (id, email, password_hash, display_name, locale, role, email_verified_at, created_at, updated_at)
         VALUES ('{id}', '{email}', 'not-a-hash', 'Tester', 'en', '{}', '{t}', '{t}', '{t}')",
        role.as_str()
    ))
    .expect("user inserted");
    AuthUser {
        id: id.into(),
        email,
        display_name: "Tester".to_owned(),
        locale: Locale::En,
        role,
        email_verified: true,
    }
}

pub fn bureau(conn: &mut DbConnection) -> AuthUser {
    user(conn, Role::BureauAdmin)
}

/// A verified enterprise in Zouping; returns its id.
pub fn organization(conn: &mut DbConnection) -> OrganizationId {
    let (id, t) = (new_id(), stamp());
    conn.batch_execute(&format!(
        "INSERT INTO organizations (id, kind, name, region_code, status, created_at, updated_at)
         VALUES ('{id}', 'enterprise', 'Org {id}', 'zouping', 'verified', '{t}', '{t}')"
    ))
    .expect("organization inserted");
    id.into()
}

/// A new verified user who is a member of `org`.
pub fn member(conn: &mut DbConnection, org: &OrganizationId) -> AuthUser {
    let u = user(conn, Role::User);
    conn.batch_execute(&format!(
        "INSERT INTO memberships (organization_id, user_id, role, created_at)
         VALUES ('{org}', '{}', 'member', '{}')",
        u.id,
        stamp()
    ))
    .expect("membership inserted");
    u
}

/// A draft open to every verified organization, a week from now.
pub fn draft(capacity: i32, per_org: Option<i32>) -> NewEvent {
    let start = chrono::Utc::now() + chrono::Duration::days(7);
    NewEvent {
        kind: super::domain::EventKind::Training,
        title: "培训".to_owned(),
        title_en: None,
        description: "A training".to_owned(),
        starts_at: start.into(),
        ends_at: (start + chrono::Duration::hours(3)).into(),
        timezone: None,
        location: "Zouping".to_owned(),
        online_url: None,
        organizer: None,
        capacity,
        capacity_per_organization: per_org,
        registration_opens_at: None,
        registration_closes_at: None,
        audience: AudienceBody::default(),
    }
}

/// A published event open to every verified organization; returns its id.
pub fn published(
    conn: &mut DbConnection,
    bureau: &AuthUser,
    capacity: i32,
    per_org: Option<i32>,
) -> EventId {
    let ev = super::service::create(conn, bureau, draft(capacity, per_org)).expect("created");
    let id = ev.id;
    tx(conn, |c| {
        super::service::publish_event(c, &postman(), bureau, &id)
    })
    .expect("published");
    id
}

/// `f` in one write transaction, as the routes run the operations (`write_and_mail`).
pub fn tx<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, crate::error::ApiError>,
) -> Result<T, crate::error::ApiError> {
    crate::db::write_tx(conn, f)
}
